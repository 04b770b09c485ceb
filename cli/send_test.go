package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/authlab/authlab/profiles"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"10MiB", 10 << 20, true},
		{"512KiB", 512 << 10, true},
		{"1M", 1 << 20, true},
		{"2048", 2048, true},
		{"1.5KiB", 1536, true},
		{"1MB", 1000000, true},
		{"0", 0, false},
		{"-1", 0, false},
		{"lots", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("parseSize(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestSplitUser(t *testing.T) {
	r := profiles.Resolver{
		LookupEnv: func(k string) (string, bool) {
			m := map[string]string{"CREDS": "alice:pw:with:colons", "NOCOLON": "alice"}
			v, ok := m[k]
			return v, ok
		},
		ReadFile: os.ReadFile,
	}
	tests := []struct {
		in, user, pass string
		err            bool
	}{
		{"alice:secret", "alice", "secret", false},
		{"alice:env:PW", "alice", "env:PW", false}, // kept as a reference until sending
		{"alice:prompt", "alice", "prompt", false},
		{"alice", "alice", "prompt", false}, // no password: ask, as curl does
		{"alice:", "alice", "", false},
		{"env:CREDS", "alice", "pw:with:colons", false},
		{"env:NOCOLON", "", "", true},
		{"env:MISSING", "", "", true},
	}
	for _, tt := range tests {
		user, pass, err := splitUser(r, tt.in)
		if user != tt.user || pass != tt.pass || (err != nil) != tt.err {
			t.Errorf("splitUser(%q) = %q, %q, %v; want %q, %q, err=%v", tt.in, user, pass, err, tt.user, tt.pass, tt.err)
		}
	}
}

func testEnv(stdout, stderr *bytes.Buffer) Env {
	return Env{
		Stdin:     strings.NewReader("from-stdin"),
		Stdout:    stdout,
		Stderr:    stderr,
		LookupEnv: func(string) (string, bool) { return "", false },
		ReadFile:  os.ReadFile,
	}
}

func TestBuildRequest(t *testing.T) {
	var out, errb bytes.Buffer
	env := testEnv(&out, &errb)
	f := &sendFlags{headers: []string{"Accept: application/json", "X-Empty:"}, data: []string{"a=1", "@-"}, user: "bob:pw"}
	req, warnings, err := buildRequest(env, f, func(string) bool { return false }, nil, "http://h/")
	if err != nil {
		t.Fatal(err)
	}
	if req.Scheme != "basic" || req.Fields["username"] != "bob" || req.Fields["password"] != "pw" {
		t.Errorf("-u without -a: scheme %q fields %v; want basic bob/pw", req.Scheme, req.Fields)
	}
	if got := string(req.Body); got != "a=1&from-stdin" {
		t.Errorf("body = %q; want %q", got, "a=1&from-stdin")
	}
	if got := req.Header.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q; want the form type -d implies", got)
	}
	if got := req.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if len(warnings) != 1 || warnings[0] != "password" {
		t.Errorf("literal secrets = %q; want the password", warnings)
	}
	// a profile as base: flags override, the rest is kept
	base := &profiles.Profile{Method: "POST", URL: "http://saved/", Scheme: "bearer", Fields: map[string]string{"token": "env:TOKEN"},
		Headers: []profiles.Header{{Name: "Accept", Value: "text/plain"}, {Name: "X-Keep", Value: "1"}}}
	f = &sendFlags{headers: []string{"Accept: application/json"}}
	req, lits, err := buildRequest(env, f, func(string) bool { return false }, base, "")
	if err != nil {
		t.Fatal(err)
	}
	if req.URL != "http://saved/" || req.Method != "POST" || req.Scheme != "bearer" || req.Fields["token"] != "env:TOKEN" || len(lits) != 0 {
		t.Errorf("from profile: %+v, literals %v", req, lits)
	}
	if got := req.Header.Values("Accept"); len(got) != 1 || got[0] != "application/json" || req.Header.Get("X-Keep") != "1" {
		t.Errorf("headers from profile + -H = %v; want Accept replaced, X-Keep kept", req.Header)
	}
}

// Run in process: without a terminal the TUI refuses in one line; an
// unknown command is one error line with exit 1; --help lists send.
func TestRunRoot(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Run(context.Background(), nil, testEnv(&out, &errb)); code != 1 || !strings.Contains(errb.String(), "the TUI needs a terminal") {
		t.Errorf("authlab without a terminal = %d, %q; want 1 and the terminal notice", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	if code := Run(context.Background(), []string{"--help"}, testEnv(&out, &errb)); code != 0 || !strings.Contains(out.String(), "send") {
		t.Errorf("authlab --help = %d, %q; want 0 and help listing send", code, out.String())
	}
	out.Reset()
	errb.Reset()
	if code := Run(context.Background(), []string{"sned", "x"}, testEnv(&out, &errb)); code != 1 || !strings.HasPrefix(errb.String(), "authlab: unknown command") {
		t.Errorf("authlab sned = %d, %q; want 1 and one error line", code, errb.String())
	}
}

// Colour only on a terminal, and never with NO_COLOR set (no-color.org).
func TestColorFollowsTerminalAndNoColor(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		io.WriteString(w, `{"message":"Bad credentials"}`)
	}))
	defer srv.Close()
	tests := []struct {
		tty     bool
		noColor string
		want    bool
	}{
		{true, "", true},
		{true, "1", false},
		{false, "", false},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		env := testEnv(&out, &errb)
		env.StdoutTTY = tt.tty
		env.LookupEnv = func(k string) (string, bool) {
			if k == "NO_COLOR" && tt.noColor != "" {
				return tt.noColor, true
			}
			return "", false
		}
		code := Run(context.Background(), []string{"send", srv.URL}, env)
		if code != ExitClientError {
			t.Fatalf("exit = %d; want 4 (%s)", code, errb.String())
		}
		if got := strings.Contains(out.String(), "\x1b["); got != tt.want {
			t.Errorf("tty=%v NO_COLOR=%q: colour = %v; want %v\n%q", tt.tty, tt.noColor, got, tt.want, out.String())
		}
		if tt.want && !strings.Contains(out.String(), "\x1b[1;33m401 Unauthorized") && !strings.Contains(out.String(), "\x1b[1m\x1b[33m401 Unauthorized") {
			t.Errorf("the 4xx status badge is not yellow: %q", firstLine(out.String()))
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}
