package export

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// ntlmProfile is demo/ntlm with the password behind a reference.
func ntlmProfile() profiles.Profile {
	return demoProfile("demo/ntlm", "/ntlm", "ntlm", map[string]string{
		"username": practice.DemoUser, "password": "env:DEMO_PASSWORD", "domain": practice.NTLMDomain})
}

// TestNTLMExportText: curl gets --ntlm with DOMAIN\user and the password
// through its variable, Python requests_ntlm's HttpNtlmAuth, and HTTPie
// and Go, which have no NTLM client of their own, refuse naming NTLM and
// the targets that can.
func TestNTLMExportText(t *testing.T) {
	opt := Options{Resolve: resolveFrom(map[string]string{"env:DEMO_PASSWORD": practice.DemoPassword}),
		Expand: func(s string) string { return strings.ReplaceAll(s, practice.Placeholder, "http://127.0.0.1:8089") }}
	for _, tt := range []struct {
		target string
		want   []string
		err    string
	}{
		{"curl", []string{"--ntlm", `-u "AUTHLAB\\demo:${`}, ""},
		{"python", []string{"from requests_ntlm import HttpNtlmAuth", `auth=HttpNtlmAuth("AUTHLAB\\demo", env[`, "python3-requests-ntlm"}, ""},
		{"httpie", nil, "NTLM"},
		{"go", nil, "NTLM"},
	} {
		s, err := Export(ntlmProfile(), tt.target, opt)
		if tt.err != "" {
			if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "curl") {
				t.Errorf("Export(ntlm, %s) = %v; want it refused naming %s and offering curl", tt.target, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Export(ntlm, %s) = %v", tt.target, err)
		}
		assertNoSecret(t, tt.target, s.Text)
		for _, w := range tt.want {
			if !strings.Contains(s.Text, w) {
				t.Errorf("Export(ntlm, %s) lacks %q:\n%s", tt.target, w, s.Text)
			}
		}
	}
}

// TestNTLMExportInterop runs the curl and Python exports against the
// practice server's /ntlm: 200 with the right password in the
// environment, 401 with a wrong one.
func TestNTLMExportInterop(t *testing.T) {
	testenv.Full(t, "NTLM export interop")
	base, opt := startPractice(t)
	opt.Resolve = resolveFrom(map[string]string{"env:DEMO_PASSWORD": practice.DemoPassword})
	t.Run("curl", func(t *testing.T) {
		testenv.Program(t, "curl", "curl")
		s, err := Export(ntlmProfile(), "curl", opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ password, status string }{{practice.DemoPassword, "200"}, {"demo-passwort", "401"}} {
			if got, out := runShell(t, "curl", s.Text, envFor(t, s, map[string]string{"env:DEMO_PASSWORD": tc.password})); got != tc.status {
				t.Errorf("curl --ntlm with %q: status %q; want %s\n%s\n%s", tc.password, got, tc.status, s.Text, out)
			}
		}
	})
	t.Run("python", func(t *testing.T) {
		s, err := Export(ntlmProfile(), "python", codeOptions(base))
		if err != nil {
			t.Fatal(err)
		}
		py := testenv.PythonScript(t, s.Text)
		dir := t.TempDir()
		path := writeTemp(t, dir, "ntlm.py", s.Text)
		// OpenSSL 3 keeps MD4 in its legacy provider (see pyNTLM's note).
		conf := filepath.Join(dir, "openssl.cnf")
		if err := os.WriteFile(conf, []byte("openssl_conf = init\n[init]\nproviders = prov\n[prov]\ndefault = on\nlegacy = on\n[on]\nactivate = 1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			password string
			code     int
			status   string
		}{{practice.DemoPassword, 0, "200 "}, {"demo-passwort", 4, "401 "}} {
			cmd := exec.Command(py, path)
			cmd.Env = append(envFor(t, s, map[string]string{"env:DEMO_PASSWORD": tc.password}), "OPENSSL_CONF="+conf)
			if code, out := exitCode(t, cmd); code != tc.code || !strings.HasPrefix(out, tc.status) {
				t.Errorf("python requests_ntlm with %q: exit %d %q; want %d and %s\n%s", tc.password, code, out, tc.code, tc.status, s.Text)
			}
		}
	})
}
