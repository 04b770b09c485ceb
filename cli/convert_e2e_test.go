package cli_test

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
	"github.com/authlab/authlab/practice"
)

// practiceURL runs the practice server on loopback for one test.
func practiceURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestExportDemoPythonRuns is the "done when", second half: the demo
// profile exported as Python (full tier; skipped naming the Debian package
// without it) runs with Debian's python3-requests against
// the practice server, reading the password from the variable the comment
// names, and the password is nowhere in the text.
func TestExportDemoPythonRuns(t *testing.T) {
	base := practiceURL(t)
	dir := t.TempDir()
	env := []string{"AUTHLAB_PROFILES=" + dir}
	if r := authlab(t, env, "profiles", "demo"); r.code != 0 {
		t.Fatalf("profiles demo: %d %s", r.code, r.stderr)
	}
	twitter := []string{"TWITTER_VERIFY_CONSUMER_SECRET=" + practice.DemoConsumerSecret, "TWITTER_VERIFY_TOKEN_SECRET=" + practice.DemoTokenSecret}
	for _, tt := range []struct {
		profile, format string
		vars            []string // what the snippet reads, named after the profile and field
		secretVar       string   // set wrong, the snippet must fail
	}{
		{"demo/github-basic", "python", []string{"GITHUB_BASIC_PASSWORD=" + practice.DemoPassword}, "GITHUB_BASIC_PASSWORD"},
		{"demo/twitter-verify", "python", twitter, "TWITTER_VERIFY_TOKEN_SECRET"},
		{"demo/github-basic", "curl", []string{"GITHUB_BASIC_PASSWORD=" + practice.DemoPassword}, "GITHUB_BASIC_PASSWORD"},
		{"demo/apikey", "curl", []string{"APIKEY_API_KEY=" + practice.DemoAPIKey}, "APIKEY_API_KEY"},
	} {
		t.Run(tt.profile+"/"+tt.format, func(t *testing.T) {
			r := authlab(t, env, "export", "--profile", tt.profile, "--format", tt.format, "--practice-url", base)
			if r.code != 0 {
				t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
			}
			for _, s := range []string{practice.DemoPassword, practice.DemoAPIKey, practice.DemoConsumerSecret, practice.DemoTokenSecret} {
				if strings.Contains(r.stdout, s) || strings.Contains(r.stderr, s) {
					t.Fatalf("the export contains the secret %q:\n%s", s, r.stdout)
				}
			}
			for _, v := range tt.vars {
				name, _, _ := strings.Cut(v, "=")
				if !strings.Contains(r.stdout, name) {
					t.Fatalf("the export does not read %s:\n%s", name, r.stdout)
				}
			}
			var argv []string
			if tt.format == "python" {
				file := filepath.Join(t.TempDir(), "x.py")
				os.WriteFile(file, []byte(r.stdout), 0o600)
				argv = []string{testenv.PythonScript(t, r.stdout), file}
			} else {
				testenv.Program(t, "curl", "curl")
				argv = []string{testenv.Program(t, "sh", "dash"), "-c", r.stdout}
			}
			run := func(vars []string) (string, error) {
				cmd := exec.Command(argv[0], argv[1:]...)
				cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, vars...)
				out, err := cmd.CombinedOutput()
				return string(out), err
			}
			out, err := run(tt.vars)
			if err != nil || !accepted(out) {
				t.Fatalf("the exported %s was not let in (%v):\n%s\n--- text\n%s", tt.format, err, out, r.stdout)
			}
			var wrong []string
			for _, v := range tt.vars {
				if strings.HasPrefix(v, tt.secretVar+"=") {
					v += "-wrong"
				}
				wrong = append(wrong, v)
			}
			if out, _ := run(wrong); accepted(out) {
				t.Errorf("a wrong %s still got in: the variable is not read\n%s", tt.secretVar, out)
			}
		})
	}
}

// accepted reports whether a snippet's output is the practice server's
// answer to good credentials: GitHub's user, Twitter's account, the API
// key endpoint's greeting.
func accepted(out string) bool {
	return strings.Contains(out, `"login"`) || strings.Contains(out, `"screen_name"`) || strings.Contains(out, `"ok": true`) || strings.Contains(out, `"ok":true`)
}

// TestImportCurlBinary imports a curl command from GitHub's docs through the
// binary: the authlab send line printed, the literal token kept as an env:
// reference in the saved profile, unknown options listed on stderr.
func TestImportCurlBinary(t *testing.T) {
	dir := t.TempDir()
	env := []string{"AUTHLAB_PROFILES=" + dir}
	cmd := `curl -L -H "Accept: application/vnd.github+json" -H "Authorization: Bearer ghp_literal123" --proxy http://proxy:3128 https://api.github.com/user`
	r := authlab(t, env, "import", "curl", cmd)
	if r.code != 0 {
		t.Fatalf("import: exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "ghp_literal123") {
		t.Errorf("the printed command holds the literal token:\n%s", r.stdout)
	}
	for _, want := range []string{"authlab send", "-a bearer", "-c token=env:GITHUB_TOKEN", "--follow", "https://api.github.com/user"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("printed command lacks %q:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "--proxy") {
		t.Errorf("the unknown --proxy is not listed:\n%s", r.stderr)
	}
	r = authlab(t, env, "import", "curl", "--save", "github/me", cmd)
	if r.code != 0 {
		t.Fatalf("import --save: exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "github", "me.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "ghp_literal123") || !strings.Contains(string(b), "env:GITHUB_TOKEN") {
		t.Errorf("saved profile:\n%s", b)
	}
	// bad input: one line, exit 1, nothing saved
	r = authlab(t, env, "import", "curl", "--save", "bad", `curl -H 'unterminated https://x`)
	if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("unterminated quote: exit %d, stderr %q; want exit 1 and one line", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.toml")); err == nil {
		t.Error("a failed import saved a profile")
	}
}

// TestExportReveal: --reveal warns on stderr and writes the value; without
// it the value never appears, in any format.
func TestExportReveal(t *testing.T) {
	env := []string{"GH_PASS=s3cr3t-value"}
	for _, format := range []string{"curl", "httpie", "python", "go"} {
		r := authlab(t, env, "export", "--format", format, "-u", "octocat:env:GH_PASS", "https://api.github.com/user")
		if r.code != 0 || strings.Contains(r.stdout+r.stderr, "s3cr3t-value") || !strings.Contains(r.stdout, "GH_PASS") {
			t.Errorf("%s: exit %d, the text reads GH_PASS=%v, holds the secret=%v\n%s%s", format, r.code,
				strings.Contains(r.stdout, "GH_PASS"), strings.Contains(r.stdout+r.stderr, "s3cr3t-value"), r.stdout, r.stderr)
		}
		r = authlab(t, env, "export", "--reveal", "--format", format, "-u", "octocat:env:GH_PASS", "https://api.github.com/user")
		if r.code != 0 || !strings.Contains(r.stdout, "s3cr3t-value") || !strings.Contains(r.stderr, "--reveal writes the secrets") {
			t.Errorf("%s --reveal: exit %d\n%s%s", format, r.code, r.stdout, r.stderr)
		}
	}
	r := authlab(t, nil, "export", "--format", "cobol", "https://x.test/")
	if r.code != 1 || !strings.Contains(r.stderr, "curl") {
		t.Errorf("unknown format: exit %d %q", r.code, r.stderr)
	}
}

// TestExportLiteralOnCommandLine: export follows send's rules for secrets
// typed on the command line: a warning for a literal, a literal --key-pass
// refused without --allow-plaintext.
func TestExportLiteralOnCommandLine(t *testing.T) {
	r := authlab(t, nil, "export", "-u", "octocat:hunter2", "https://api.github.com/user")
	if r.code != 0 || !strings.Contains(r.stderr, "stays in your shell history") || strings.Contains(r.stdout, "hunter2") {
		t.Errorf("literal password: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = authlab(t, nil, "export", "--cert", "c.pem", "--key-pass", "lit3ral", "https://x.test/")
	if r.code != 1 || !strings.Contains(r.stderr, "--key-pass takes a reference") {
		t.Errorf("literal --key-pass: exit %d %q; want 1 and the refusal", r.code, r.stderr)
	}
}

// TestImportCurlHiddenControls: a command copied from a page can carry
// terminal controls ($'…' or pasted raw); the printed send line shows them
// escaped, never raw, and says so.
func TestImportCurlHiddenControls(t *testing.T) {
	r := authlab(t, nil, "import", "curl", `curl --data-raw $'title=\e]0;pwned\a\u202e' https://api.example.com/`)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.ContainsAny(r.stdout+r.stderr, "\x1b\a\u202e") {
		t.Errorf("raw control characters reached the terminal: %q %q", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, `\x1b`) || !strings.Contains(r.stderr, "shown escaped") {
		t.Errorf("the escape is not shown or not explained: %q %q", r.stdout, r.stderr)
	}
	r = authlab(t, nil, "import", "curl", "-")
	if r.code != 1 {
		t.Errorf("empty stdin: exit %d; want 1", r.code)
	}
}
