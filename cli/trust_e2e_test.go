package cli_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// recorder is a loopback server that keeps the Authorization header of
// every request it gets.
type recorder struct {
	mu   sync.Mutex
	auth []string
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.auth...)
}

func newRecorder(t *testing.T) (*recorder, string) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		rec.mu.Lock()
		rec.auth = append(rec.auth, req.Header.Get("Authorization"))
		rec.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

// workshop writes a shared profiles folder (not the user's own) with the
// given profiles and returns it with the environment that points authlab
// at it and at a config folder of its own (where the trust file lives).
func workshop(t *testing.T, files map[string]string, env ...string) (dir string, envv []string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "workshop")
	os.Mkdir(dir, 0o700)
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name+".toml"), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(root, "config")
	return dir, append([]string{"AUTHLAB_PROFILES=" + dir, "XDG_CONFIG_HOME=" + cfg, "XDG_STATE_HOME=" + filepath.Join(root, "state")}, env...)
}

// TestSharedFolderUntrusted is leak 2 of issue #16 through the binary: a
// workshop profile naming a local file or variable sends nothing until the
// user trusts the folder; literal demo credentials work at once; authlab
// trust shows what goes where, and --revoke undoes it.
func TestSharedFolderUntrusted(t *testing.T) {
	rec, url := newRecorder(t)
	secretFile := filepath.Join(t.TempDir(), "id_ed25519")
	os.WriteFile(secretFile, []byte("PRIVATE-KEY-BYTES\n"), 0o600)
	dir, env := workshop(t, map[string]string{
		"steal-file": "url = '" + url + "/collect'\nscheme = 'basic'\n[fields]\nusername = 'x'\npassword = 'file:" + secretFile + "'\n",
		"steal-env":  "url = '" + url + "/collect'\nscheme = 'bearer'\n[fields]\ntoken = 'env:GITHUB_TOKEN'\n",
		"demo":       "url = '" + url + "/demo'\nscheme = 'basic'\n[fields]\nusername = 'demo'\npassword = 'demo-pass'\n",
		"hostile":    "url = '" + url + "/x'\nscheme = 'bearer'\n[fields]\ntoken = \"file:/tmp/\\u001b]0;pwned\\u0007x\"\n",
	}, "GITHUB_TOKEN=ghp_0123456789abcdef")
	fix := "authlab trust '" + dir + "'"
	for _, name := range []string{"steal-file", "steal-env"} {
		r := authlab(t, env, "send", "--profile", name)
		if r.code != 1 || !strings.Contains(r.stderr, fix) || !strings.Contains(r.stderr, "untrusted folder") {
			t.Errorf("send --profile %s = %d %q; want exit 1 and one line naming %q", name, r.code, r.stderr, fix)
		}
		assertOneErrorLine(t, r.stderr)
	}
	if got := rec.got(); len(got) != 0 {
		t.Fatalf("the server got %q before the folder was trusted; want nothing sent", got)
	}
	// A revealed export reads the references too: refused the same way.
	if r := authlab(t, env, "export", "--profile", "steal-env", "--format", "curl", "--reveal"); r.code != 1 || !strings.Contains(r.stderr, fix) || strings.Contains(r.stdout+r.stderr, "ghp_") {
		t.Errorf("export --reveal = %d %q %q; want refused naming %q", r.code, r.stdout, r.stderr, fix)
	}
	// A value typed over the file's is the user's own.
	if r := authlab(t, env, "send", "--profile", "steal-env", "-c", "token=mine"); r.code != 0 {
		t.Errorf("send --profile steal-env -c token=mine = %d %q; want sent", r.code, r.stderr)
	}
	// Literal demo credentials work at once.
	if r := authlab(t, env, "send", "--profile", "demo"); r.code != 0 {
		t.Errorf("send --profile demo = %d %q; want sent at once", r.code, r.stderr)
	}
	if got := rec.got(); len(got) != 2 || got[0] != "Bearer mine" {
		t.Errorf("server got %q; want Bearer mine, then the demo Basic credentials", got)
	}

	r := authlab(t, env, "trust")
	if r.code != 0 {
		t.Fatalf("trust = %d %q", r.code, r.stderr)
	}
	host := strings.TrimPrefix(url, "http://")
	for _, want := range []string{"steal-file", "field password", "file:" + secretFile, host, "env:GITHUB_TOKEN", "trusted: " + dir} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("trust output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.ContainsAny(r.stdout, "\x1b\x07") {
		t.Errorf("trust output carries the profile's control bytes raw: %q", r.stdout)
	}
	if r := authlab(t, env, "trust", "--list"); !strings.Contains(r.stdout, dir+"\n") {
		t.Errorf("trust --list = %q; want %s listed", r.stdout, dir)
	}
	if r := authlab(t, env, "send", "--profile", "steal-env"); r.code != 0 {
		t.Errorf("send after trust = %d %q; want sent", r.code, r.stderr)
	}
	if got := rec.got(); len(got) != 3 || got[2] != "Bearer ghp_0123456789abcdef" {
		t.Errorf("server got %q after trust; want the variable's token", got)
	}
	if r := authlab(t, env, "trust", "--revoke", dir); r.code != 0 {
		t.Fatalf("trust --revoke = %d %q", r.code, r.stderr)
	}
	if r := authlab(t, env, "send", "--profile", "steal-env"); r.code != 1 || !strings.Contains(r.stderr, fix) {
		t.Errorf("send after --revoke = %d %q; want refused again", r.code, r.stderr)
	}
	if got := rec.got(); len(got) != 3 {
		t.Errorf("server got %d requests; want none after --revoke", len(got))
	}
}

// TestTrustRefusesSharedWritable: a folder others can write to cannot be
// trusted (what it holds at trust time is not what it holds at send time).
func TestTrustRefusesSharedWritable(t *testing.T) {
	dir, env := workshop(t, nil)
	os.Chmod(dir, 0o777)
	r := authlab(t, env, "trust", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "chmod go-w") {
		t.Errorf("trust (mode 0777) = %d %q; want refused naming chmod go-w", r.code, r.stderr)
	}
	assertOneErrorLine(t, r.stderr)
}

// TestOwnFolderTrusted: the user's own profiles folder needs no trust.
func TestOwnFolderTrusted(t *testing.T) {
	rec, url := newRecorder(t)
	cfg := t.TempDir()
	own := filepath.Join(cfg, "authlab", "profiles")
	os.MkdirAll(own, 0o700)
	os.WriteFile(filepath.Join(own, "p.toml"), []byte("url = '"+url+"/'\nscheme = 'bearer'\n[fields]\ntoken = 'env:TOK'\n"), 0o600)
	r := authlab(t, []string{"XDG_CONFIG_HOME=" + cfg, "TOK=own-token"}, "send", "--profile", "p")
	if r.code != 0 {
		t.Fatalf("send from the own folder = %d %q", r.code, r.stderr)
	}
	if got := rec.got(); len(got) != 1 || got[0] != "Bearer own-token" {
		t.Errorf("server got %q; want the token", got)
	}
}

// TestEnvNameRefusedEverywhere is leak 1 of issue #16 through the binary:
// env:T}$(touch pwned) is refused with one line as a profile field (load),
// a -c flag (send and export) and in an imported curl command; nothing is
// sent and no exported text carries it.
func TestEnvNameRefusedEverywhere(t *testing.T) {
	rec, url := newRecorder(t)
	const bad = "env:T}$(touch pwned)"
	cfg := t.TempDir()
	own := filepath.Join(cfg, "authlab", "profiles")
	os.MkdirAll(own, 0o700)
	os.WriteFile(filepath.Join(own, "p.toml"), []byte("url = '"+url+"/'\nscheme = 'bearer'\n[fields]\ntoken = '"+bad+"'\n"), 0o600)
	env := []string{"XDG_CONFIG_HOME=" + cfg, "T=x"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"profile send", []string{"send", "--profile", "p"}, "field token"},
		{"profile export", []string{"export", "--profile", "p", "--format", "curl"}, "field token"},
		{"flag send", []string{"send", "-a", "bearer", "-c", "token=" + bad, url}, "not an environment variable name"},
		{"flag export curl", []string{"export", "-a", "bearer", "-c", "token=" + bad, "--format", "curl", url}, "not an environment variable name"},
		{"flag export httpie", []string{"export", "-a", "bearer", "-c", "token=" + bad, "--format", "httpie", url}, "not an environment variable name"},
		{"import curl", []string{"import", "curl", "curl -u 'bob:" + bad + "' " + url}, "not an environment variable name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := authlab(t, env, tt.args...)
			if r.code != 1 || !strings.Contains(r.stderr, tt.want) || strings.Contains(r.stdout, "touch pwned") {
				t.Errorf("%v = %d, stdout %q, stderr %q; want exit 1 and one line containing %q", tt.args, r.code, r.stdout, r.stderr, tt.want)
			}
			assertOneErrorLine(t, r.stderr)
		})
	}
	if got := rec.got(); len(got) != 0 {
		t.Errorf("the server got %q; want nothing sent", got)
	}
}

// An environment of a shared folder is read by any request that names
// its variables: `authlab trust` lists its references before trusting,
// as it lists the profiles'.
func TestTrustListsEnvironmentRefs(t *testing.T) {
	dir, env := workshop(t, map[string]string{"api": "url = 'https://api.example/{{path}}'\n"})
	if err := os.MkdirAll(filepath.Join(dir, "environments"), 0o700); err != nil {
		t.Fatal(err)
	}
	text := "version = 1\n[vars]\npath = 'me'\ntoken = { value = 'env:CLASS_TOKEN', secret = true }\nkey = 'file:/home/student/.ssh/id_ed25519'\n"
	if err := os.WriteFile(filepath.Join(dir, "environments", "class.toml"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	r := authlab(t, env, "trust")
	if r.code != 0 {
		t.Fatalf("trust = %d %q", r.code, r.stderr)
	}
	for _, want := range []string{"environment class", "variable token", "env:CLASS_TOKEN", "variable key", "file:/home/student/.ssh/id_ed25519", "any request using it", "trusted: " + dir} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("trust output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "variable path") {
		t.Errorf("trust listed a literal variable as a reference:\n%s", r.stdout)
	}
}
