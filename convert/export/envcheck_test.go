package export

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/profiles"
)

// TestExportRefusesNonPOSIXEnvName is leak 1 of issue #16: a profile field
// env:T}$(touch pwned) exported as curl or HTTPie wrote "${T}$(touch
// pwned)}", and running the script ran the command. Every target refuses
// the name with one line; had one written a script, running it with sh
// must not create the file.
func TestExportRefusesNonPOSIXEnvName(t *testing.T) {
	dir := t.TempDir()
	bin := t.TempDir()
	touch, err := exec.LookPath("touch")
	if err != nil {
		t.Skip("no touch to run")
	}
	if err := os.Symlink(touch, filepath.Join(bin, "touch")); err != nil {
		t.Fatal(err)
	}
	p := profiles.Profile{Method: "GET", URL: "http://127.0.0.1:1/", Scheme: "bearer",
		Fields: map[string]string{"token": "env:T}$(touch pwned)"}}
	for _, format := range Targets() {
		s, err := Export(p, format, Options{})
		if err == nil {
			if format == "curl" || format == "httpie" {
				script := filepath.Join(dir, format+".sh")
				os.WriteFile(script, []byte(s.Text), 0o600)
				cmd := exec.Command("sh", script)
				cmd.Dir = dir
				cmd.Env = []string{"PATH=" + bin} // touch only: curl or http is not run; the $( ) is
				cmd.Run()
			}
			t.Errorf("Export(%s) of env:T}$(touch pwned) = nil error; want a refusal\n%s", format, s.Text)
		} else if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "not an environment variable name") {
			t.Errorf("Export(%s) error = %q; want one line naming the bad name", format, msg)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Errorf("running an exported script created %s/pwned: the name ran as a command", dir)
	}
	// A POSIX name still exports as a variable.
	p.Fields["token"] = "env:GITHUB_TOKEN"
	if s, err := Export(p, "curl", Options{}); err != nil || !strings.Contains(s.Text, "${GITHUB_TOKEN}") {
		t.Errorf("Export(curl, env:GITHUB_TOKEN) = %v\n%s; want ${GITHUB_TOKEN}", err, s.Text)
	}
}
