package cli

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/practice"
)

// The real program in a terminal emulator: --env dev shows in the header
// and its variables fill the profile (200); ctrl+e chooses staging, whose
// password is wrong: the header changes and the next send is a 401.
func TestTUISwitchEnvironment(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	home := t.TempDir()
	vars := map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, "config"), "XDG_STATE_HOME": filepath.Join(home, "state"),
		"DEMO_PASS": practice.DemoPassword,
	}
	own := filepath.Join(home, "config", "authlab", "profiles")
	files := map[string]string{
		"api/user.toml":             "url = \"{{base}}/github/user\"\nscheme = \"basic\"\n[fields]\nusername = \"{{user}}\"\npassword = \"{{pass}}\"\n[vars]\nuser = \"" + practice.DemoUser + "\"\n",
		"environments/dev.toml":     "[vars]\nbase = \"" + srv.URL + "\"\npass = \"env:DEMO_PASS\"\n",
		"environments/staging.toml": "[vars]\nbase = \"" + srv.URL + "\"\npass = { value = \"wrong-password\", secret = true }\n",
	}
	for name, content := range files {
		path := filepath.Join(own, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	s, code, cancel := startTUI(t, []string{"--profile", "api/user", "--env", "dev"}, lookup, 120, 36)
	defer cancel()
	header := func(want string) {
		t.Helper()
		s.waitFor("header with "+want, func(txt string) bool {
			first, _, _ := strings.Cut(txt, "\n")
			return strings.Contains(first, want)
		})
	}
	header("env dev")
	s.key(ctrlR)
	s.waitText("200 OK")
	s.key("\x05") // ctrl+e
	s.waitText("environment: none · [dev] · staging")
	s.key(keyRight)
	s.waitText("environment: none · dev · [staging]")
	s.key("\r")
	header("env staging")
	s.waitText("environment staging: 2 variables")
	s.key(ctrlR)
	s.waitText("401")
	if strings.Contains(s.text(), "wrong-password") || strings.Contains(s.text(), practice.DemoPassword) {
		t.Errorf("a password shows on screen:\n%s", s.text())
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}
