package tui

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/charmbracelet/x/ansi"
)

// The header names the practice server {{practice}} goes to and the
// student name sent to it, at every supported size, with a long profile
// name open: the tagline and then the profile name give way first.
func TestGoldenPracticeHeader(t *testing.T) {
	pr := practice.NewTarget(practice.Options{}, practice.Target{Remote: "http://192.168.100.200:8089", Student: "alice"})
	for _, sz := range sizes {
		eng := authn.New(authn.Options{})
		t.Cleanup(eng.Close)
		m := New(Options{
			Prefill:  profiles.Profile{Method: "GET", URL: practice.Placeholder + "/github/user"},
			Engine:   eng,
			Resolver: profiles.Resolver{LookupEnv: func(string) (string, bool) { return "", false }, ReadFile: os.ReadFile},
			Now:      func() time.Time { return fixedNow },
			Profile:  "workshop/github-basic-with-a-long-name",
			Practice: pr,
		})
		m, _ = step(t, m, size(sz.w, sz.h))
		v := view(m)
		golden(t, "practice-remote-"+sz.name, v)
		head := strings.SplitN(v, "\n", 2)[0]
		if want := "practice: http://192.168.100.200:8089 as alice"; !strings.Contains(head, want) {
			t.Errorf("%s: header = %q; want %q in it", sz.name, head, want)
		}
		if ansi.StringWidth(head) > sz.w {
			t.Errorf("%s: header is %d cells wide", sz.name, ansi.StringWidth(head))
		}
	}
}

var practiceLabelTests = []struct {
	name    string
	target  practice.Target
	started string // the embedded server's URL once a send started it
	want    string
}{
	{"embedded, not started", practice.Target{}, "", ""},
	{"embedded, started", practice.Target{}, "http://127.0.0.1:40123", "practice: built-in 127.0.0.1:40123"},
	{"embedded, student", practice.Target{Student: "bob"}, "", "student bob"},
	{"remote", practice.Target{Remote: "https://class.example"}, "", "practice: https://class.example"},
	{"remote, student", practice.Target{Remote: "http://10.0.0.5:8089", Student: "Ann B."}, "", "practice: http://10.0.0.5:8089 as Ann B."},
}

func TestPracticeLabel(t *testing.T) {
	for _, tt := range practiceLabelTests {
		m := newModel(t, profiles.Profile{}, nil, true)
		m.opts.Practice = practice.NewTarget(practice.Options{}, tt.target)
		m.practiceURL = tt.target.Remote
		if tt.started != "" {
			m = m.applyResult(resultMsg{practice: tt.started, err: authn.ErrCanceled})
		}
		if got := m.practiceLabel(); got != tt.want {
			t.Errorf("%s: practiceLabel() = %q; want %q", tt.name, got, tt.want)
		}
	}
}
