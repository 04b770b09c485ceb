package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/profiles"
)

// TestOrderedHeaders: a profile's headers keep the file's order and
// spelling, a -H override takes its place spelled as typed, new -H headers
// follow in flag order, headers nothing named (an implied Content-Type)
// come last by name.
func TestOrderedHeaders(t *testing.T) {
	base := &profiles.Profile{Headers: []profiles.Header{{Name: "Z-Last", Value: "1"}, {Name: "accept", Value: "a/b"}, {Name: "x-api-key", Value: "k1"}, {Name: "X-API-KEY", Value: "k2"}, {Name: "M-Mid", Value: "3"}}}
	tests := []struct {
		name  string
		flags []string
		h     [][2]string // the merged header, as buildRequest leaves it
		want  []string
	}{
		{"profile only", nil,
			[][2]string{{"Z-Last", "1"}, {"Accept", "a/b"}, {"X-Api-Key", "k1"}, {"X-Api-Key", "k2"}, {"M-Mid", "3"}},
			[]string{"Z-Last=1", "accept=a/b", "x-api-key=k1", "X-API-KEY=k2", "M-Mid=3"}},
		{"header without a flag (TUI prefill)", nil,
			[][2]string{{"Z-Last", "1"}, {"Accept", "over/ridden"}, {"X-Api-Key", "k1"}, {"X-Api-Key", "k2"}, {"M-Mid", "3"}, {"X-New", "n"}, {"B-New", "b"}},
			[]string{"Z-Last=1", "accept=over/ridden", "x-api-key=k1", "X-API-KEY=k2", "M-Mid=3", "B-New=b", "X-New=n"}},
		{"-H overrides in place and adds in flag order", []string{"x-new: n", "ACCEPT: over/ridden", "b-new: b"},
			[][2]string{{"Z-Last", "1"}, {"Accept", "over/ridden"}, {"X-Api-Key", "k1"}, {"X-Api-Key", "k2"}, {"M-Mid", "3"}, {"X-New", "n"}, {"B-New", "b"}, {"Content-Type", "application/x-www-form-urlencoded"}},
			[]string{"Z-Last=1", "ACCEPT=over/ridden", "x-api-key=k1", "X-API-KEY=k2", "M-Mid=3", "x-new=n", "b-new=b", "Content-Type=application/x-www-form-urlencoded"}},
	}
	for _, tt := range tests {
		h := http.Header{}
		for _, kv := range tt.h {
			h.Add(kv[0], kv[1])
		}
		var got []string
		for _, x := range orderedHeaders(h, base, tt.flags) {
			got = append(got, x.Name+"="+x.Value)
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s: orderedHeaders(%q) = %q; want %q", tt.name, tt.flags, got, tt.want)
		}
	}
}

// `send --profile A --save B` writes B with A's headers in A's order and
// spelling, through a real profiles folder and a real server.
func TestSaveKeepsHeaderOrderAndCase(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "profiles")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	a := `method = "GET"
url = "` + srv.URL + `/x"

[[header]]
name = "x-request-id"
value = "1"

[[header]]
name = "Accept"
value = "application/json"

[[header]]
name = "x-api-key"
value = "k3y"

[[header]]
name = "X-Trace"
value = "a"
`
	if err := os.WriteFile(filepath.Join(dir, "a.toml"), []byte(a), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := testEnv(&out, &errb)
	state := t.TempDir()
	env.LookupEnv = func(k string) (string, bool) {
		if k == "XDG_STATE_HOME" {
			return state, true
		}
		return "", false
	}
	tests := []struct {
		save  string
		flags []string
		want  []string
	}{
		{"b", nil, []string{"x-request-id=1", "Accept=application/json", "x-api-key=k3y", "X-Trace=a"}},
		{"c", []string{"-H", "accept: text/plain", "-H", "x-new: 2"}, []string{"x-request-id=1", "accept=text/plain", "x-api-key=k3y", "X-Trace=a", "x-new=2"}},
	}
	for _, tt := range tests {
		// x-api-key is a literal secret (authn.CredentialHeader): saved only when allowed
		args := append([]string{"send", "--profiles", dir, "--profile", "a", "--allow-plaintext", "--save", tt.save}, tt.flags...)
		if code := Run(context.Background(), args, env); code != ExitOK {
			t.Fatalf("authlab %q = exit %d; want 0\n%s", args, code, errb.String())
		}
		e, err := profiles.NewStore(dir).Load(tt.save)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range e.Profile.Headers {
			got = append(got, h.Name+"="+h.Value)
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("authlab %q saved headers %q; want %q", args, got, tt.want)
		}
	}
}
