package learn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/authlab/authlab/practice"
)

const good = "+++\nid = \"x\"\ntitle = \"X\"\n[check]\npath = \"/github/user\"\n+++\nText.\n\n## Task\n\nDo it.\n\n## Request\n\n```toml\nurl = \"{{practice}}/github/user\"\n```\n"

// Each way a lesson file can be wrong is one error naming the file and
// the fix.
func TestParseErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"no front matter", "starts with a +++ line"},
		{"+++\nid = \"x\"\n", "no closing +++"},
		{"+++\nid = \"X Y\"\ntitle = \"t\"\n[check]\npath = \"/a\"\n+++\n", `id "X Y"`},
		{"+++\nid = \"x\"\n[check]\npath = \"/a\"\n+++\n", "no title"},
		{"+++\nid = \"x\"\ntitle = \"t\"\n+++\n", "no [check]"},
		{"+++\nid = \"x\"\ntitle = \"t\"\nbogus = 1\n[check]\npath = \"/a\"\n+++\n", "unknown key"},
		{"+++\nid = \"x\"\ntitle = \"t\"\n[check]\npath = \"a\"\n+++\n", `starting with "/"`},
		{"+++\nid = \"x\"\ntitle = \"t\"\n[check]\npath = \"/a?b=1\"\n+++\n", "without a query"},
		{"+++\nid = \"x\"\ntitle = \"t\"\n[check]\npath = \"/a\"\n+++\nno task\n", `no "## Task"`},
		{"+++\nid = \"x\"\ntitle = \"t\"\n[check]\npath = \"/a\"\n+++\n## Task\nt\n", "```toml block"},
		{"+++\nid = \"x\"\ntitle = \"t\"\n[check]\npath = \"/a\"\n+++\n## Task\nt\n## Request\n```toml\nurl = 3\n```\n", "(## Request)"},
		{"+++\nid = \"x\"\ntitle = \"t\"\n[check]\npath = \"/a\"\n[explain]\ntext = \"q\"\nchoices = [\"a\"]\n+++\n", "at least two choices"},
	}
	for _, tt := range tests {
		_, err := Parse("lessons/x.md", []byte(tt.text))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "lessons/x.md") || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) = %v; want one line naming the file and %q", tt.text, err, tt.want)
		}
	}
	l, err := Parse("x.md", []byte(strings.ReplaceAll(good, "\n", "\r\n")))
	if err != nil || l.Task != "Do it." || l.Explanation != "Text." || l.Request.URL != "{{practice}}/github/user" {
		t.Errorf("Parse(CRLF lesson) = %+v, %v", l, err)
	}
}

func TestLoadFolder(t *testing.T) {
	second := strings.Replace(strings.Replace(good, `id = "x"`, `id = "a"`, 1), "title = \"X\"", "title = \"A\"\norder = -1", 1)
	c, err := Load("class", fstest.MapFS{"x.md": {Data: []byte(good)}, "a.md": {Data: []byte(second)}, "README.md": {Data: []byte("notes")}, "notes.txt": {Data: []byte("x")}})
	if err != nil || strings.Join(c.IDs(), ",") != "a,x" {
		t.Fatalf("Load = %v, %v; want a then x (order), README and .txt left out", c.IDs(), err)
	}
	if _, err := Load("class", fstest.MapFS{"x.md": {Data: []byte(good)}, "y.md": {Data: []byte(good)}}); err == nil || !strings.Contains(err.Error(), `both have id "x"`) {
		t.Errorf("two lessons with one id: %v", err)
	}
	if _, err := Load("empty", fstest.MapFS{"README.md": {Data: []byte("x")}}); err == nil || !strings.Contains(err.Error(), "holds no lessons") {
		t.Errorf("a folder without lessons: %v", err)
	}
}

// The check reads the server's verdict; without it (another server), it
// says so instead of passing.
func TestJudge(t *testing.T) {
	c := Check{Method: "GET", Path: "/twitter/x", Scheme: "oauth1", Status: 401, Verdict: "code 32"}
	server := func(status int, verdict string) Attempt {
		return Attempt{Method: "GET", Path: "/twitter/x", Status: status, HasServer: true, Server: practice.ServerTrace{Scheme: "oauth1", Verdict: verdict}}
	}
	tests := []struct {
		as   []Attempt
		pass bool
		want string
	}{
		{[]Attempt{server(401, "signature mismatch (code 32)")}, true, "answered 401"},
		{[]Attempt{server(200, "ok")}, false, "this lesson wants 401 Unauthorized"},
		{[]Attempt{server(401, "timestamp out of bounds (code 135)")}, false, `saying "code 32"`},
		{[]Attempt{{Method: "GET", Path: "/twitter/x", Status: 401}}, false, "without the practice server's trace"},
		{[]Attempt{{Method: "GET", Path: "/elsewhere", Status: 401, HasServer: true}}, false, "went to GET /elsewhere"},
		{nil, false, "no answer came back"},
		// the last answer for the endpoint counts
		{[]Attempt{server(401, "signature mismatch (code 32)"), server(200, "ok")}, false, "answered 200"},
	}
	for i, tt := range tests {
		o := c.Judge(tt.as)
		if o.Pass != tt.pass || !strings.Contains(o.Why, tt.want) {
			t.Errorf("%d: Judge = %v %q; want %v and %q", i, o.Pass, o.Why, tt.pass, tt.want)
		}
	}
}

func TestProgress(t *testing.T) {
	s := ProgressStore{Dir: filepath.Join(t.TempDir(), "learn")}
	p, err := s.Load("alice")
	if err != nil || len(p.Lessons) != 0 {
		t.Fatalf("Load(new) = %+v, %v", p, err)
	}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	p.Tried("basic-ok", Outcome{}, 2, now)
	p.Tried("basic-ok", Outcome{}, 2, now)
	p.Tried("basic-ok", Outcome{}, 2, now) // only two hints to unlock
	r := p.Tried("basic-ok", Outcome{Pass: true}, 2, now)
	if r.Tries != 4 || r.Hints != 2 || !r.Passed || !r.PassedAt.Equal(now) {
		t.Fatalf("record = %+v", r)
	}
	if err := s.Save(p); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(s.Dir, "alice.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("progress file: %v, %v; want 0600", fi, err)
	}
	q, err := s.Load("alice")
	if err != nil || q.Record("basic-ok") != r {
		t.Errorf("reloaded %+v, %v; want %+v", q.Record("basic-ok"), err, r)
	}
	// a hostile student name stays inside the folder
	if got := s.path("../../etc/passwd"); filepath.Dir(got) != s.Dir {
		t.Errorf("path(../../etc/passwd) = %s; want a file in %s", got, s.Dir)
	}
	os.WriteFile(filepath.Join(s.Dir, "bob.json"), []byte("not json"), 0o600)
	if _, err := s.Load("bob"); err == nil || !strings.Contains(err.Error(), "move it away") {
		t.Errorf("a broken progress file: %v", err)
	}
}
