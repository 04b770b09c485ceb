package profiles

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// fakeKeyring is a Keyring in memory, or one that cannot be reached.
type fakeKeyring struct {
	m   map[string]string
	err error
}

func (f *fakeKeyring) Get(service, user string) (string, error) {
	if f.err != nil {
		return "", f.err
	}
	v, ok := f.m[service+"/"+user]
	if !ok {
		return "", ErrKeyringNotFound
	}
	return v, nil
}

func (f *fakeKeyring) Set(service, user, secret string) error {
	if f.err != nil {
		return f.err
	}
	if f.m == nil {
		f.m = map[string]string{}
	}
	f.m[service+"/"+user] = secret
	return nil
}

// errHeadless is what go-keyring says on a Linux machine without D-Bus.
var errHeadless = errors.New("failed to open dbus connection: exec: \"dbus-launch\": executable file not found in $PATH")

func TestKeyringWithGoKeyringMock(t *testing.T) {
	keyring.MockInit()
	t.Cleanup(func() { keyring.MockInitWithError(errors.New("go-keyring mock reset by a test")) })

	s := NewStore(t.TempDir()) // Keyring nil: the OS keyring, here go-keyring's mock
	ref, err := s.SetSecret("github", "ghp_s3cret")
	if err != nil || ref != "keyring:github" {
		t.Fatalf("SetSecret = %q, %v", ref, err)
	}
	if v, _ := keyring.Get(KeyringService, "github"); v != "ghp_s3cret" {
		t.Fatalf("go-keyring has %q under service %q; want the secret", v, KeyringService)
	}
	r := s.Resolver(nil)
	got, isRef, err := r.Resolve("token", "keyring:github")
	if got != "ghp_s3cret" || !isRef || err != nil {
		t.Errorf("Resolve(keyring:github) = %q, %v, %v; want the secret", got, isRef, err)
	}
	if got, _, err := OSResolver(nil).Resolve("token", "keyring:github"); got != "ghp_s3cret" || err != nil {
		t.Errorf("OSResolver: Resolve(keyring:github) = %q, %v", got, err)
	}
	_, _, err = r.Resolve("token", "keyring:nope")
	var re *RefError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "no keyring entry nope: store it with") {
		t.Errorf("Resolve(keyring:nope) = %v; want \"no keyring entry nope: store it with …\"", err)
	}
}

func TestKeyringUnreachable(t *testing.T) {
	keyring.MockInitWithError(errHeadless)
	t.Cleanup(func() { keyring.MockInitWithError(errors.New("go-keyring mock reset by a test")) })

	for name, k := range map[string]Keyring{"fake": &fakeKeyring{err: errHeadless}, "go-keyring": OSKeyring()} {
		r := Resolver{Keyring: k}
		_, isRef, err := r.Resolve("password", "keyring:github")
		var re *RefError
		if !isRef || !errors.As(err, &re) {
			t.Fatalf("%s: Resolve = %v; want a RefError", name, err)
		}
		msg := err.Error()
		for _, want := range []string{"no OS keyring is reachable (", "dbus-launch", "env:NAME or prompt"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: error %q does not contain %q", name, msg, want)
			}
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("%s: error is not one line: %q", name, msg)
		}
		s := &Store{Dir: t.TempDir(), Keyring: k}
		if _, err := s.SetSecret("github", "x"); err == nil || !strings.Contains(err.Error(), "no OS keyring is reachable") {
			t.Errorf("%s: SetSecret = %v; want unreachable", name, err)
		}
	}
}

func TestProfileResolve(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "secret")
	os.WriteFile(keyFile, []byte("from-file\n"), 0o600)
	var asked []string
	r := Resolver{
		LookupEnv: func(k string) (string, bool) {
			if k == "CK" {
				return "from-env", true
			}
			return "", false
		},
		ReadFile: os.ReadFile,
		Prompt: func(label string) (string, error) {
			asked = append(asked, label)
			return "typed", nil
		},
		Keyring: &fakeKeyring{m: map[string]string{"authlab/tw": "from-keyring"}},
	}
	p := Profile{Name: "twitter/me", Scheme: "oauth1", Fields: map[string]string{
		"consumer_key":    "literal-key",
		"consumer_secret": "env:CK",
		"token":           "prompt",
		"token_secret":    "keyring:tw",
		"private_key":     "file:" + keyFile,
		"verifier":        "prompt",
	}}
	rs, err := Resolve(context.Background(), p, r, Policy{Prompt: true})
	if err != nil {
		t.Fatal(err)
	}
	got := rs.Request.Fields
	want := map[string]string{"consumer_key": "literal-key", "consumer_secret": "from-env", "token": "typed",
		"token_secret": "from-keyring", "private_key": "from-file", "verifier": "typed"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("Resolve()[%s] = %q; want %q", k, got[k], v)
		}
	}
	if len(asked) != 2 || asked[0] != "token" || asked[1] != "verifier" {
		t.Errorf("prompted for %q; want the fields in the scheme's form order", asked)
	}

	p.Fields["consumer_secret"] = "env:MISSING"
	_, err = Resolve(context.Background(), p, r, Policy{Prompt: true})
	var re *RefError
	if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), `profile "twitter/me": consumer_secret (env:MISSING): `) || !strings.Contains(err.Error(), "MISSING is not set") {
		t.Errorf("Resolve(env:MISSING) = %v; want it to name the profile and field", err)
	}
	p.Fields["consumer_secret"] = "keyring:none"
	if _, err := Resolve(context.Background(), p, r, Policy{Prompt: true}); err == nil || !strings.Contains(err.Error(), `consumer_secret (keyring:none)`) || !strings.Contains(err.Error(), "no keyring entry none") {
		t.Errorf("Resolve(keyring:none) = %v", err)
	}
}
