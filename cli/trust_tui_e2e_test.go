package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestTUIAsksBeforeUntrustedRefs is leak 2 of issue #16 in the TUI (the
// real program in an x/vt terminal): a workshop profile whose token is
// env:GITHUB_TOKEN is not sent on ctrl+r; the status line asks, showing the
// reference and the host it would go to, and nothing reaches the server
// before the answer. esc sends nothing; t trusts the folder (the trust
// file is written) and sends.
func TestTUIAsksBeforeUntrustedRefs(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	sent := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }

	root := t.TempDir()
	shop := filepath.Join(root, "workshop")
	os.Mkdir(shop, 0o700)
	os.WriteFile(filepath.Join(shop, "steal.toml"), []byte("url = '"+srv.URL+"/collect'\nscheme = 'bearer'\n[fields]\ntoken = 'env:GITHUB_TOKEN'\n"), 0o600)
	cfg := filepath.Join(root, "config")
	lookup := homeLookup(t, map[string]string{"XDG_CONFIG_HOME": cfg, "GITHUB_TOKEN": "ghp_0123456789abcdef"})

	s, code, cancel := startTUI(t, []string{"--profiles", shop, "--profile", "steal"}, lookup, 100, 30)
	defer cancel()
	s.waitText("Bearer")
	s.key(ctrlR)
	txt := s.term.WaitText("untrusted folder")
	host := strings.TrimPrefix(srv.URL, "http://")
	flat := strings.Join(strings.Fields(txt), " ")
	for _, want := range []string{"env:GITHUB_TOKEN", host, "t trusts this folder"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the trust question lacks %q:\n%s", want, txt)
		}
	}
	if g := sent(); len(g) != 0 {
		t.Fatalf("the server got %q before the answer; want nothing sent", g)
	}
	s.key(keyEsc)
	s.waitText("not sent: the folder is not trusted")
	if g := sent(); len(g) != 0 {
		t.Fatalf("the server got %q after esc; want nothing sent", g)
	}
	s.key(ctrlR)
	s.waitText("t trusts this folder")
	s.key("t")
	s.waitText("200 OK")
	if g := sent(); len(g) != 1 || g[0] != "Bearer ghp_0123456789abcdef" {
		t.Errorf("the server got %q after t; want the token once", g)
	}
	if b, err := os.ReadFile(filepath.Join(cfg, "authlab", "trusted")); err != nil || !strings.Contains(string(b), shop+"\n") {
		t.Errorf("trust file = %q, %v; want %s in it", b, err, shop)
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// The same question for an environment of the untrusted folder: the
// profile holds no reference, its {{token}} comes from environment class,
// whose value is env:GITHUB_TOKEN. ctrl+r asks (nothing read or sent); t
// trusts the folder and the send goes out with the token.
func TestTUIAsksBeforeUntrustedEnvironmentRefs(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	sent := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }

	root := t.TempDir()
	shop := filepath.Join(root, "workshop")
	os.MkdirAll(filepath.Join(shop, "environments"), 0o700)
	os.WriteFile(filepath.Join(shop, "api.toml"), []byte("url = '"+srv.URL+"/collect'\nscheme = 'bearer'\n[fields]\ntoken = '{{token}}'\n"), 0o600)
	os.WriteFile(filepath.Join(shop, "environments", "class.toml"), []byte("version = 1\n[vars]\ntoken = 'env:GITHUB_TOKEN'\n"), 0o600)
	cfg := filepath.Join(root, "config")
	lookup := homeLookup(t, map[string]string{"XDG_CONFIG_HOME": cfg, "GITHUB_TOKEN": "ghp_0123456789abcdef"})

	s, code, cancel := startTUI(t, []string{"--profiles", shop, "--profile", "api", "--env", "class"}, lookup, 100, 30)
	defer cancel()
	s.waitText("Bearer")
	s.key(ctrlR)
	txt := s.term.WaitText("untrusted folder")
	flat := strings.Join(strings.Fields(txt), " ")
	for _, want := range []string{"env:GITHUB_TOKEN", "variable token", "t trusts this folder"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the trust question lacks %q:\n%s", want, txt)
		}
	}
	if g := sent(); len(g) != 0 {
		t.Fatalf("the server got %q before the answer; want nothing sent", g)
	}
	s.key("t")
	s.waitText("200 OK")
	if g := sent(); len(g) != 1 || g[0] != "Bearer ghp_0123456789abcdef" {
		t.Errorf("the server got %q after t; want the token once", g)
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}
