// Package learn is authlab's course: lessons read from files, the check
// that decides whether a student's request did what a lesson asks (the
// practice server's own verdict decides, not the client), and each
// student's progress.
//
// A lesson is a Markdown file with TOML front matter (FORMAT.md in this
// folder documents it); the built-in course (course/*.md, embedded) is
// written in the same format, so an instructor's lessons and the built-in
// ones are read by the same code. learn knows nothing of terminals: the
// TUI and `authlab learn check` render what it decides, and every text
// of a lesson from a folder the user has not trusted is someone else's
// (sanitize before a terminal).
package learn

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/authlab/authlab/profiles"
	"github.com/pelletier/go-toml/v2"
)

// MaxLessonFile bounds a lesson file: real ones are a few KiB.
const MaxLessonFile = 256 << 10

// Lesson is one lesson: what to read, what to do, the request the
// student starts from, and the check the practice server decides.
type Lesson struct {
	// ID names the lesson in progress files and on the command line
	// ("basic-401"): letters, digits, '-' and '.'.
	ID string
	// Title is the lesson's one-line title.
	Title string
	// Ref is the specification section it teaches ("RFC 7617 §2").
	Ref string
	// Order sorts the course (then ID).
	Order int
	// Explanation is the text before the "## Task" heading, Markdown.
	Explanation string
	// Task is the "## Task" section: what the student must make happen.
	Task string
	// Request is the request the lesson starts from (the "## Request"
	// section's toml block, a profile); its scheme fields may be empty
	// for the student to fill in.
	Request profiles.Profile
	// Check is what the practice server must have answered.
	Check Check
	// Hints unlock one at a time, after failed tries.
	Hints []string
	// Explain, when set, is a question to answer once the check passes
	// ("why did the server answer 32?"), with its choices; Answer is the
	// index of the right one.
	Explain *Question
	// File is where the lesson was read from ("course/01-basic.md").
	File string
}

// Question is a multiple-choice question about what the student saw.
type Question struct {
	Text    string   `toml:"text"`
	Choices []string `toml:"choices"`
	Answer  int      `toml:"answer"` // index into Choices
	Why     string   `toml:"why"`    // shown after the answer
}

// frontMatter is the TOML between the +++ lines.
type frontMatter struct {
	ID      string    `toml:"id"`
	Title   string    `toml:"title"`
	Ref     string    `toml:"ref"`
	Order   int       `toml:"order"`
	Hints   []string  `toml:"hints"`
	Check   *Check    `toml:"check"`
	Explain *Question `toml:"explain"`
}

var (
	idRe      = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,63}$`)
	heading   = regexp.MustCompile(`(?m)^## +(.+?)\s*$`)
	tomlFence = regexp.MustCompile("(?s)```toml\\s*\n(.*?)\n```")
)

// Parse reads one lesson file. Errors name the file and what to fix.
func Parse(file string, data []byte) (*Lesson, error) {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%s: %s", file, fmt.Sprintf(format, a...))
	}
	if len(data) > MaxLessonFile {
		return nil, fail("the lesson is over %d KiB: split it", MaxLessonFile>>10)
	}
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	rest, ok := bytes.CutPrefix(data, []byte("+++\n"))
	if !ok {
		return nil, fail("a lesson starts with a +++ line, then its TOML front matter (id, title, [check]), then +++")
	}
	front, body, ok := bytes.Cut(rest, []byte("\n+++\n"))
	if !ok {
		return nil, fail("the front matter has no closing +++ line")
	}
	var fm frontMatter
	dec := toml.NewDecoder(bytes.NewReader(front))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fm); err != nil {
		var sm *toml.StrictMissingError
		if errors.As(err, &sm) && len(sm.Errors) > 0 {
			e := sm.Errors[0]
			row, _ := e.Position()
			return nil, fail("front matter line %d: unknown key %s (see learn/FORMAT.md for the keys)", row, strings.Join(e.Key(), "."))
		}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return nil, fail("front matter line %d: %s", row+1, strings.ReplaceAll(de.Error(), "\n", " "))
		}
		return nil, fail("front matter: %v", err)
	}
	switch {
	case !idRe.MatchString(fm.ID):
		return nil, fail("id %q: use lower-case letters, digits, '-' and '.' (at most 64)", fm.ID)
	case strings.TrimSpace(fm.Title) == "":
		return nil, fail("the lesson has no title")
	case fm.Check == nil:
		return nil, fail("the lesson has no [check]: say what the practice server must answer (path, status)")
	}
	if err := fm.Check.validate(); err != nil {
		return nil, fail("[check]: %v", err)
	}
	if q := fm.Explain; q != nil && (q.Text == "" || len(q.Choices) < 2 || q.Answer < 0 || q.Answer >= len(q.Choices)) {
		return nil, fail("[explain] needs text, at least two choices and answer = the index of the right one (0 is the first)")
	}
	l := &Lesson{ID: fm.ID, Title: strings.TrimSpace(fm.Title), Ref: fm.Ref, Order: fm.Order, Hints: fm.Hints, Check: *fm.Check, Explain: fm.Explain, File: file}
	sections := splitSections(string(body))
	l.Explanation = strings.TrimSpace(sections[""])
	l.Task = strings.TrimSpace(sections["task"])
	if l.Task == "" {
		return nil, fail(`the lesson has no "## Task" section: say what the student must make the server answer`)
	}
	req := sections["request"]
	m := tomlFence.FindStringSubmatch(req)
	if m == nil {
		return nil, fail("the \"## Request\" section needs a ```toml block: the request the student starts from, as a profile (profiles/FORMAT.md)")
	}
	p, err := profiles.Parse(file+" (## Request)", []byte(m[1]))
	if err != nil {
		return nil, err
	}
	l.Request = *p
	return l, nil
}

// splitSections cuts a lesson body at its "## " headings: "" is the text
// before the first, the others are keyed by their lower-cased title.
func splitSections(body string) map[string]string {
	out := map[string]string{}
	locs := heading.FindAllStringSubmatchIndex(body, -1)
	end := len(body)
	if len(locs) > 0 {
		end = locs[0][0]
	}
	out[""] = body[:end]
	for i, loc := range locs {
		next := len(body)
		if i+1 < len(locs) {
			next = locs[i+1][0]
		}
		out[strings.ToLower(body[loc[2]:loc[3]])] = body[loc[1]:next]
	}
	return out
}

// Course is a set of lessons in order.
type Course struct {
	// Name says where the lessons come from ("built-in", a folder).
	Name    string
	Lessons []*Lesson
}

// Lesson returns the lesson with id.
func (c Course) Lesson(id string) (*Lesson, bool) {
	i := slices.IndexFunc(c.Lessons, func(l *Lesson) bool { return l.ID == id })
	if i < 0 {
		return nil, false
	}
	return c.Lessons[i], true
}

// IDs lists the lessons' ids in order.
func (c Course) IDs() []string {
	out := make([]string, len(c.Lessons))
	for i, l := range c.Lessons {
		out[i] = l.ID
	}
	return out
}

// Load reads every *.md file at the top of fsys as a lesson, sorted by
// Order then ID. One bad file is an error naming it (a course with a
// hole is not a course); two lessons with one id are too.
func Load(name string, fsys fs.FS) (Course, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return Course{}, fmt.Errorf("cannot read the lessons in %s: %w", name, err)
	}
	c := Course{Name: name}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") || strings.HasPrefix(e.Name(), ".") || strings.EqualFold(e.Name(), "README.md") {
			continue
		}
		if !e.Type().IsRegular() {
			return Course{}, fmt.Errorf("%s: not a regular file: lessons are plain files", path.Join(name, e.Name()))
		}
		data, err := readCapped(fsys, e.Name())
		if err != nil {
			return Course{}, fmt.Errorf("%s: %w", path.Join(name, e.Name()), err)
		}
		l, err := Parse(path.Join(name, e.Name()), data)
		if err != nil {
			return Course{}, err
		}
		if old, dup := c.Lesson(l.ID); dup {
			return Course{}, fmt.Errorf("%s and %s both have id %q: give one another id", old.File, l.File, l.ID)
		}
		c.Lessons = append(c.Lessons, l)
	}
	if len(c.Lessons) == 0 {
		return Course{}, fmt.Errorf("%s holds no lessons (*.md files with +++ front matter; see learn/FORMAT.md)", name)
	}
	slices.SortStableFunc(c.Lessons, func(a, b *Lesson) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(a.ID, b.ID)
	})
	return c, nil
}

// readCapped reads name from fsys, at most MaxLessonFile+1 bytes (Parse
// refuses a longer one).
func readCapped(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxLessonFile+1))
}

// LoadDir reads a folder of lessons an instructor wrote. Its lessons'
// requests carry the folder as their Source: when the folder is not
// trusted (profiles.Trust, as for a shared profiles folder), the
// references they hold are not read.
func LoadDir(dir string, trusted bool) (Course, error) {
	c, err := Load(dir, os.DirFS(dir))
	if err != nil {
		return c, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	for _, l := range c.Lessons {
		l.Request.Source = profiles.SourceOf(abs, trusted, &l.Request)
	}
	return c, nil
}
