package cli

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
)

// Environment variables of the classroom (README, "Pointing the class at
// your server").
const (
	envPractice = "AUTHLAB_PRACTICE"
	envStudent  = "AUTHLAB_STUDENT"
)

// maxStudentName bounds --student (runes): what the practice server shows.
const maxStudentName = 32

// practiceChoice is the practice server {{practice}} names and who the
// student is, with where the server came from.
type practiceChoice struct {
	target practice.Target
	// from names where Remote came from ("--practice", AUTHLAB_PRACTICE,
	// the folder settings file); "" for the embedded server.
	from string
}

// choosePractice picks the practice server: --practice, else
// AUTHLAB_PRACTICE, else the profiles folder's setting (profiles.Settings),
// else the embedded server; and the student name: --student, else
// AUTHLAB_STUDENT. A bad value is an input error naming where it came from.
//
// The folder setting is honoured before the folder is trusted: it only
// says where {{practice}} requests go, which a profile's own URL can
// already say for that profile; an untrusted folder's references stay
// unread wherever the request goes; and the URL is held to http(s) and
// shown (the TUI header, send's notice) before anything is sent.
func choosePractice(env Env, f *sendFlags, changed func(string) bool) (practiceChoice, error) {
	var c practiceChoice
	raw, from := f.practice, "--practice"
	if !changed("practice") && !changed("practice-url") {
		raw, from = env.getenv(envPractice), envPractice
	}
	if raw == "" {
		raw, from = "", ""
		if dir, err := env.profilesFolder(); err == nil {
			s, err := profiles.ReadSettings(dir)
			if err != nil {
				return c, err
			}
			raw, from = s.Practice, s.Path
		}
	}
	if raw != "" {
		base, err := practice.ParseBase(raw)
		if err != nil {
			return c, fmt.Errorf("bad practice server in %s: %w", from, err)
		}
		c.target.Remote, c.from = base, from
	}
	name, nameFrom := f.student, "--student"
	if !changed("student") {
		name, nameFrom = env.getenv(envStudent), envStudent
	}
	name = strings.TrimSpace(name)
	if err := checkStudent(name); err != nil {
		return c, fmt.Errorf("bad %s %q: %w", nameFrom, name, err)
	}
	c.target.Student = name
	return c, nil
}

// checkStudent refuses a student name the practice server could not show
// as typed: control and format characters (line breaks, escapes, bidi
// overrides), or more than maxStudentName characters.
func checkStudent(name string) error {
	if !utf8.ValidString(name) {
		return errors.New("it is not valid UTF-8: use a short name such as alice")
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			return fmt.Errorf("it contains %q: use letters, digits, spaces and punctuation only", r)
		}
	}
	if n := utf8.RuneCountInString(name); n > maxStudentName {
		return fmt.Errorf("it has %d characters: the practice server shows at most %d, use a shorter name", n, maxStudentName)
	}
	return nil
}

// usesPractice reports whether req (expanded) goes to the practice server
// at base: its URL or a credential field (a token_url) under base.
func usesPractice(req authn.Request, base string) bool {
	if base == "" {
		return false
	}
	if practice.Unexpand(req.URL, base) != req.URL {
		return true
	}
	for _, v := range req.Fields {
		if practice.Unexpand(v, base) != v {
			return true
		}
	}
	return false
}

// notice is the line send prints on stderr before a request goes to a
// practice server other than the embedded one, so a folder's setting never
// redirects a request unseen.
func (c practiceChoice) notice() string {
	s := "practice server " + c.target.Remote + " (from " + c.from + ")"
	if c.target.Student != "" {
		s += ", as student " + c.target.Student
	}
	return sanitize.Line(s)
}
