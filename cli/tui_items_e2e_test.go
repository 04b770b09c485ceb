package cli

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/practice"
	"github.com/charmbracelet/x/ansi"
)

// End-to-end runs of the real program (cli.Run in an x/vt terminal), one per
// item of issue #15 that is not covered by another TUI test of this
// package; each names its item. Items 4 (discard), 5 (focus after a send)
// and 8 (asked references) are in tui_e2e_test.go.

// homeLookup is an environment with a home (config and state folders) of
// the test's own, plus extra.
func homeLookup(t *testing.T, extra map[string]string) func(string) (string, bool) {
	home := t.TempDir()
	vars := map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(home, "config"),
		"XDG_STATE_HOME":  filepath.Join(home, "state"),
		"HOME":            home,
	}
	for k, v := range extra {
		vars[k] = v
	}
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

// screenWidthOK fails when a line of the screen is wider than w.
func screenWidthOK(t *testing.T, txt string, w int) {
	t.Helper()
	for i, l := range strings.Split(txt, "\n") {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide (terminal %d): %q", i, n, w, l)
		}
	}
}

// Item 1: the Response tab leads with the status and the error payload,
// at 80×24: Twitter's code 215 body is on the first screen after a send.
// Item 6: method and URL stay visible beside the response at 80 columns.
func TestTUIItem1PayloadOnResponseTab(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	url := srv.URL + "/twitter/1.1/account/verify_credentials.json"
	s, code, cancel := startTUI(t, []string{url}, homeLookup(t, nil), 80, 24)
	defer cancel()
	s.waitText("No authentication")
	s.key(ctrlR)
	txt := s.term.WaitText(`"code": 215`)
	for _, want := range []string{"400 Bad Request", "Bad Authentication data", "GET " + url} {
		if !strings.Contains(txt, want) {
			t.Errorf("the first screen after the send lacks %q:\n%s", want, txt)
		}
	}
	screenWidthOK(t, txt, 80)
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 7: at 100 columns the save-a-literal-secret question shows every
// choice, wrapped, never cut.
func TestTUIItem7QuestionShowsItsChoices(t *testing.T) {
	s, code, cancel := startTUI(t, []string{"-a", "basic", "-c", "username=ann", "-c", "password=literal-pw", "http://127.0.0.1:9/x"}, homeLookup(t, nil), 100, 30)
	defer cancel()
	s.waitText("HTTP Basic")
	s.key(ctrlS)
	s.waitText("save as:")
	s.typeText("demo/literal")
	s.key(keyEnter)
	txt := s.term.WaitText("as plain text")
	for _, want := range []string{"y stores it", "e keeps env:", "n cancels"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the question lacks its choice %q:\n%s", want, txt)
		}
	}
	screenWidthOK(t, txt, 100)
	s.key("n")
	s.waitText("not saved")
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 10: a JSON body typed in the editor is sent as application/json,
// and the editor says so.
func TestTUIItem10JSONBodyType(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Content-Type")
	}))
	defer srv.Close()
	s, code, cancel := startTUI(t, []string{"-X", "POST", srv.URL + "/echo"}, homeLookup(t, nil), 100, 30)
	defer cancel()
	s.waitText("No authentication")
	for range 4 { // (from the method, with a URL given) URL, header name, header value, body
		s.key(keyTab)
	}
	s.typeText(`{"name":"ann"}`)
	s.waitText("application/json")
	s.key(ctrlR)
	if ct := <-got; ct != "application/json" {
		t.Errorf("Content-Type sent = %q; want application/json", ct)
	}
	s.waitText("200 OK")
	s.key(ctrlC)
	s.waitText("y discards them")
	s.key("y")
	s.waitExit(code, 0)
}

// Item 11: ? lists every key of the context and fits 80×24.
func TestTUIItem11HelpFits(t *testing.T) {
	s, code, cancel := startTUI(t, []string{"-a", "basic", "http://127.0.0.1:9/x"}, homeLookup(t, nil), 80, 24)
	defer cancel()
	s.waitText("HTTP Basic")
	s.key(keyEsc) // leave the URL field: ? is a key, not text
	s.key("?")
	txt := s.term.WaitText("Keys here")
	for _, want := range []string{"ctrl+l", "ctrl+o", "ctrl+s", "ctrl+c"} {
		if !strings.Contains(txt, want) {
			t.Errorf("help lacks %q:\n%s", want, txt)
		}
	}
	screenWidthOK(t, txt, 80)
	s.key("?")
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 12: the first screen says how to open the demo profiles and send.
func TestTUIItem12FirstStart(t *testing.T) {
	s, code, cancel := startTUI(t, nil, homeLookup(t, nil), 80, 24)
	defer cancel()
	txt := s.term.WaitText("Nothing sent yet")
	for _, want := range []string{"ctrl+o", "demo", "ctrl+r"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the first screen lacks %q:\n%s", want, txt)
		}
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 14: a Basic result's trace says nothing was compared, and never
// ticks it.
func TestTUIItem14TraceNeverTicksTheUncompared(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	s, code, cancel := startTUI(t, []string{"-a", "basic", "-c", "username=demo", "-c", "password=wrong", srv.URL + "/github/user"}, homeLookup(t, nil), 100, 30)
	defer cancel()
	s.waitText("HTTP Basic")
	s.key(ctrlR)
	s.waitText("401")
	s.key("4")
	txt := s.term.WaitText("HTTP Basic (RFC 7617)")
	if strings.Contains(txt, "✓ client and server computed the same values") {
		t.Errorf("the trace ticks a comparison of a refused Basic login:\n%s", txt)
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 17: the practice server's trace header is collapsed on the Headers
// tab, not 3–30 lines of base64.
func TestTUIItem17PracticeTraceHeaderCollapsed(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	s, code, cancel := startTUI(t, []string{"-a", "basic", "-c", "username=demo", "-c", "password=wrong", srv.URL + "/github/user"}, homeLookup(t, nil), 100, 30)
	defer cancel()
	s.waitText("HTTP Basic")
	s.key(ctrlR)
	s.waitText("401")
	s.key("3")
	txt := s.term.WaitText("of the practice server's trace")
	for _, l := range strings.Split(txt, "\n") {
		if strings.Contains(l, practice.TraceHeader) && len(l) > 100 {
			t.Errorf("the trace header's line is not collapsed: %q", l)
		}
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}
