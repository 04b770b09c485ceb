package cli

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
)

// FuzzParseSize: --max-body takes any text. parseSize never panics; a size
// it accepts is at least a byte and at most 1 TiB (it found "NaN" giving a
// negative cap), and the
// byte count written back in digits parses to the same count; a refusal is
// an *authn.InputError that says how to write a size.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"10MiB", "512KiB", "1M", "2048", " 1.5 GiB ", "0", "-1K", "1e3KB", "NaN", "Inf", "0x10", "1099511627776", "1099511627777", "1TiB", "0.0000001B", "k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSize(s)
		if err != nil {
			var ie *authn.InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), "512KiB") {
				t.Fatalf("parseSize(%q) error = %v (%T); want an InputError with an example", s, err, err)
			}
			return
		}
		if n < 1 || n > 1<<40 {
			t.Fatalf("parseSize(%q) = %d; want 1 ≤ n ≤ 1 TiB", s, n)
		}
		if again, err := parseSize(strconv.FormatInt(n, 10)); err != nil || again != n {
			t.Fatalf("parseSize(%q) = %d; parseSize(%q) = %d, %v", s, n, strconv.FormatInt(n, 10), again, err)
		}
	})
}

// FuzzHeaderFlag: -H takes any text. buildRequest never panics on it; it
// accepts exactly "Name: value" with a non-empty name (else one line: the
// problem and "write it as -H 'Name: value'"), and the request then carries
// that header with the value trimmed, replacing the profile's header of
// that name.
func FuzzHeaderFlag(f *testing.F) {
	for _, s := range []string{"Accept: application/json", "X-Empty:", ":", "NoColon", " : v", "X: a: b", "x-lower:  v  ", "Bad Name: v", "X:\r\nInjected: 1", "Ünï: v", "Accept:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		var out, errb bytes.Buffer
		env := testEnv(&out, &errb)
		base := &profiles.Profile{Method: "GET", URL: "http://h/", Headers: []profiles.Header{{Name: "Accept", Value: "text/plain"}}}
		req, _, err := buildRequest(env, &sendFlags{headers: []string{h}}, func(string) bool { return false }, base, "")
		name, value, ok := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || name == "" {
			if err == nil || !strings.Contains(err.Error(), "write it as -H 'Name: value'") {
				t.Fatalf("buildRequest(-H %q) = %v; want the -H format error", h, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("buildRequest(-H %q) = %v", h, err)
		}
		if got := req.Header.Values(name); len(got) != 1 || got[0] != value {
			t.Fatalf("-H %q: header %q = %q; want [%q]", h, name, got, value)
		}
		if http.CanonicalHeaderKey(name) != "Accept" && req.Header.Get("Accept") != "text/plain" {
			t.Fatalf("-H %q dropped the profile's Accept header: %v", h, req.Header)
		}
	})
}

// FuzzSplitUser: -u takes USER[:PASS], or a reference holding
// "user:pass". splitUser never panics; a plain value splits at the first
// colon (user:pass joined back is the value), no colon means the password
// is asked for (prompt); a reference is resolved before it is split.
func FuzzSplitUser(f *testing.F) {
	for _, s := range []string{"bob:pw", "bob", "bob:", ":pw", "a:b:c", "env:CREDS", "file:/c", "keyring:x", "env:", "prompt", "bob:env:PW"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		r := profiles.Resolver{
			LookupEnv: func(name string) (string, bool) { return name + ":secret", true },
			ReadFile:  func(path string) ([]byte, error) { return []byte("nocolon"), nil },
		}
		user, pass, err := splitUser(r, v)
		switch {
		case strings.HasPrefix(v, profiles.PrefixEnv):
			if n := v[len(profiles.PrefixEnv):]; !profiles.ValidEnvName(n) {
				if err == nil {
					t.Fatalf("splitUser(%q) accepted %q as a variable name", v, n)
				}
			} else if err != nil || user+":"+pass != n+":secret" {
				t.Fatalf("splitUser(%q) = %q, %q, %v; want the variable's value split", v, user, pass, err)
			}
		case strings.HasPrefix(v, profiles.PrefixFile), strings.HasPrefix(v, profiles.PrefixKeyring):
			if err == nil {
				t.Fatalf("splitUser(%q) = %q, %q; want an error (no user:pass in the file, no keyring)", v, user, pass)
			}
		case strings.Contains(v, ":"):
			if err != nil || user+":"+pass != v || strings.Contains(user, ":") {
				t.Fatalf("splitUser(%q) = %q, %q, %v; want a split at the first colon", v, user, pass, err)
			}
		default:
			if err != nil || user != v || pass != profiles.Prompt {
				t.Fatalf("splitUser(%q) = %q, %q, %v; want the user and prompt", v, user, pass, err)
			}
		}
	})
}
