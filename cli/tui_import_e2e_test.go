package cli

import (
	"net/http/httptest"
	"path/filepath"
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

// Issue #18: "in the TUI, open a file from the profile browser". In the
// real program: ctrl+o, i, the path of a .http file; the question says
// what it holds; y saves it; the imported profile, with the environment
// the import made chosen with ctrl+e, gets 200 from the built-in
// practice server ({{practice}}), its password read from $PASSWORD as
// the import's note says.
func TestTUIImportFileFromBrowser(t *testing.T) {
	file, err := filepath.Abs("../convert/httpfile/testdata/practice/practice.http")
	if err != nil {
		t.Fatal(err)
	}
	lookup := homeLookup(t, map[string]string{"PASSWORD": practice.DemoPassword, "TOKEN": practice.DemoToken, "API_KEY": practice.DemoAPIKey})
	s, code, cancel := startTUI(t, nil, lookup, 140, 40)
	defer cancel()
	s.waitText("No authentication")
	s.key(ctrlO)
	s.waitText("Profiles")
	s.key("i")
	s.waitText("import a file")
	s.key(file)
	s.key("\r")
	s.waitText("mapped fully")
	if !strings.Contains(s.text(), "under practice/") {
		t.Fatalf("the question does not name the group:\n%s", s.text())
	}
	s.key("y")
	s.waitText("imported 8 profiles under practice/")
	s.key("/")
	s.key("basic-user-password")
	s.key("\r")
	s.key("\r")
	s.waitText("opened practice/basic-user-password")
	s.key("\x05") // ctrl+e
	s.waitText("environment: [none] · practice")
	s.key(keyRight)
	s.waitText("environment: none · [practice]")
	s.key("\r")
	s.waitText("environment practice")
	s.key(ctrlR)
	s.waitText("200 OK")
	if strings.Contains(s.text(), practice.DemoPassword) {
		t.Errorf("the password shows on screen:\n%s", s.text())
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}
