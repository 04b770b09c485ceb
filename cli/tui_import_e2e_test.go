package cli

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/practice"
)

// TestTUIPasteGitHubDocsCurl is the "done when", first half, in a
// real terminal: the curl command of GitHub's REST docs ("Get the
// authenticated user", continuations and all, its <YOUR-TOKEN> filled in
// and its host pointed at the practice server) pasted into the URL field
// with bracketed paste opens as a request ready to send, and ctrl+r gets
// 200; ctrl+y then shows it as curl, the token read from a variable.
func TestTUIPasteGitHubDocsCurl(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	s, code, cancel := startTUI(t, nil, noEnv, 120, 36)
	defer cancel()
	s.waitText("No authentication")

	cmd := "curl -L \\\n" +
		"  -H \"Accept: application/vnd.github+json\" \\\n" +
		"  -H \"Authorization: Bearer " + practice.DemoToken + "\" \\\n" +
		"  -H \"X-GitHub-Api-Version: 2022-11-28\" \\\n" +
		"  " + srv.URL + "/github/user"
	s.key("\x1b[200~" + cmd + "\x1b[201~") // bracketed paste
	s.waitText("imported curl command")
	s.waitText("Bearer")
	if strings.Contains(s.text(), practice.DemoToken) {
		t.Errorf("the pasted token is shown on screen:\n%s", s.text())
	}
	s.key(ctrlR)
	s.waitText("200 OK")

	s.key("\x19") // ctrl+y
	s.waitText("Export")
	s.waitFor("the curl text", func(txt string) bool { return strings.Contains(txt, "curl ") && strings.Contains(txt, "${") })
	if strings.Contains(s.text(), practice.DemoToken) {
		t.Errorf("the export shows the token:\n%s", s.text())
	}
	s.key(keyEsc)
	s.quitDiscarding(code)
}

// TestTUIImportOpen: `authlab import curl --open` starts the TUI on the
// imported request.
func TestTUIImportOpen(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	s, code, cancel := startTUI(t, []string{"import", "curl", "--open", "curl -u demo:demo-password " + srv.URL + "/github/user"}, noEnv, 120, 36)
	defer cancel()
	s.waitText("HTTP Basic")
	s.waitText(srv.URL + "/github/user")
	s.key(ctrlR)
	s.waitText("200 OK")
	s.key(ctrlC)
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code = %d", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the TUI did not quit")
	}
}
