package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/authlab/authlab/practice"
)

// roomStudent sends as a student on another machine would: from its own
// loopback address, naming itself in practice.StudentHeader.
func roomStudent(t *testing.T, ip, name, method, url string, headers ...string) int {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	c := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	defer c.CloseIdleConnections()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(practice.StudentHeader, name)
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s %s: %v", name, method, url, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// authlab serve --room in a real terminal with five simulated students,
// some wrong: one row each with what the server found, the most common
// mistake by student count, the endpoint filter, one student's trace, q.
func TestServeRoomEndToEnd(t *testing.T) {
	s, code, cancel := startTUI(t, []string{"serve", "--room", "--addr", "127.0.0.1:0"}, noEnv, 100, 30)
	defer cancel()
	var base string
	s.waitFor("the room header with the server's URL", func(screen string) bool {
		m := regexp.MustCompile(`authlab room · (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(screen)
		if m != nil {
			base = m[1]
		}
		return m != nil
	})
	good, wrongPass := "Authorization: Basic ZGVtbzpkZW1vLXBhc3N3b3Jk", "Authorization: Basic ZGVtbzp3cm9uZw==" // demo:demo-password, demo:wrong
	for _, st := range []struct {
		ip, name, path string
		headers        []string
		want           int
	}{
		{"127.0.0.2", "alice", "/github/user", []string{wrongPass}, 401},
		{"127.0.0.3", "bob", "/github/user", []string{wrongPass}, 401},
		{"127.0.0.4", "carol", "/apikey", []string{"X-API-Key: nope"}, 403},
		{"127.0.0.5", "dave", "/github/user", []string{good}, 200},
		{"127.0.0.6", "erin", "/bearer", []string{"Authorization: Bearer " + practice.DemoExpiredToken}, 401},
	} {
		if got := roomStudent(t, st.ip, st.name, "GET", base+st.path, st.headers...); got != st.want {
			t.Fatalf("%s GET %s = %d; want %d", st.name, st.path, got, st.want)
		}
	}
	s.waitText("5 students · 5 requests") // every student's event has arrived
	s.waitText("2 students: wrong password · 1: token expired · 1: wrong API key")
	screen := s.text()
	for _, want := range []string{
		"5 students · 5 requests",
		"alice (127.0.0.2)",
		"✗ 401 github/user: wrong password",
		"carol (127.0.0.4)",
		"✗ 403 apikey: wrong API key",
		"dave (127.0.0.5)",
		"✓ 200 github/user",
		"erin (127.0.0.6)",
		"token expired",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("room screen lacks %q:\n%s", want, screen)
		}
	}
	s.key(keyTab) // filter: the first endpoint
	s.waitText("Endpoint: GET /apikey (1/3)")
	s.waitText("1 student: wrong API key")
	s.key(keyTab)
	s.key(keyTab)
	s.key(keyTab) // back to all endpoints
	s.waitText("Endpoint: all endpoints")
	s.key("\r") // alice's last trace
	s.waitText("alice (127.0.0.2) · GET /github/user → 401")
	s.waitText("password length (server): 5")
	s.key(keyEsc)
	s.waitText("2 students: wrong password")
	s.key("q")
	s.waitExit(code, 0)
}

// --room refuses a stdout that is not a terminal, in one line.
func TestServeRoomNeedsTerminal(t *testing.T) {
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, LookupEnv: noEnv, ReadFile: os.ReadFile}
	if c := Run(context.Background(), []string{"serve", "--room", "--addr", "127.0.0.1:0"}, env); c != ExitError {
		t.Errorf("serve --room without a terminal: exit %d; want %d", c, ExitError)
	}
	if got := strings.TrimSpace(errb.String()); !strings.Contains(got, "--room needs a terminal") || strings.Count(got, "\n") != 0 {
		t.Errorf("stderr = %q; want one line saying --room needs a terminal", got)
	}
}

// --lessons DIR: the room grades an instructor's lessons too, from the
// server's own verdict (a request naming the lesson in
// practice.LessonHeader); --lessons without --room is refused.
func TestServeRoomGradesInstructorLessons(t *testing.T) {
	dir := t.TempDir()
	lesson := "+++\nid = \"class-basic\"\ntitle = \"Basic for our API\"\nhints = [\"h\"]\n[check]\npath = \"/github/user\"\nscheme = \"basic\"\nstatus = 200\n+++\nText.\n\n## Task\n\nGet 200.\n\n## Request\n\n```toml\nurl = \"{{practice}}/github/user\"\nscheme = \"basic\"\n```\n"
	if err := os.WriteFile(dir+"/01.md", []byte(lesson), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := testEnv(&out, &errb)
	if code := Run(context.Background(), []string{"serve", "--lessons", dir}, env); code != ExitError || !strings.Contains(errb.String(), "give --room too") {
		t.Errorf("--lessons without --room: exit %d %q", code, errb.String())
	}
	s, code, cancel := startTUI(t, []string{"serve", "--room", "--addr", "127.0.0.1:0", "--lessons", dir}, noEnv, 120, 30)
	defer cancel()
	var base string
	s.waitFor("the room header with the server's URL", func(screen string) bool {
		m := regexp.MustCompile(`authlab room · (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(screen)
		if m != nil {
			base = m[1]
		}
		return m != nil
	})
	good := "Authorization: Basic ZGVtbzpkZW1vLXBhc3N3b3Jk" // demo:demo-password
	if got := roomStudent(t, "127.0.0.2", "alice", "GET", base+"/github/user", good, practice.LessonHeader+": class-basic"); got != 200 {
		t.Fatalf("alice got %d", got)
	}
	s.waitText("lessons 1✓ 0…")
	s.key("q")
	s.waitExit(code, 0)
}
