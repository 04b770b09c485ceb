package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Where send's output goes (HTTPie's rule): off a terminal stdout gets the
// response body alone and everything else goes to stderr; on a terminal
// all of it stays on stdout; --json is one document on stdout either way.
// Exit codes do not change.
func TestSendStreams(t *testing.T) {
	const body = `{"error":"nope"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("WWW-Authenticate", `Bearer realm="x"`)
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(body))
	}))
	defer srv.Close()
	tests := []struct {
		name       string
		tty        bool
		args       []string
		stdoutHas  []string
		stdoutLack []string
		stderrHas  []string
	}{
		{"pipe", false, nil, []string{`"error": "nope"`}, []string{"401 Unauthorized", "Bearer"}, []string{"401 Unauthorized · ", "Bearer"}},
		{"pipe -v", false, []string{"-v"}, []string{`"error": "nope"`}, []string{"> GET", "< HTTP/1.1 401", "401 Unauthorized"}, []string{"> GET " + srv.URL + "/", "< HTTP/1.1 401 Unauthorized", "401 Unauthorized · "}},
		{"pipe --trace", false, []string{"--trace", "-a", "bearer", "-c", "token=t0k"}, []string{`"error": "nope"`}, []string{"Trace ·", "401 Unauthorized"}, []string{"Trace · Bearer token", "401 Unauthorized · "}},
		{"terminal", true, []string{"-v"}, []string{"> GET", "401 Unauthorized · ", "Bearer", `"error"`}, nil, nil},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		env := testEnv(&out, &errb)
		env.StdoutTTY = tt.tty
		args := append(append([]string{"send", "--color", "never"}, tt.args...), srv.URL+"/")
		if code := Run(context.Background(), args, env); code != ExitClientError {
			t.Fatalf("%s: authlab %q = exit %d; want %d\n%s", tt.name, args, code, ExitClientError, errb.String())
		}
		for _, w := range tt.stdoutHas {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: authlab %q stdout = %q; want %q in it", tt.name, args, out.String(), w)
			}
		}
		for _, w := range tt.stdoutLack {
			if strings.Contains(out.String(), w) {
				t.Errorf("%s: authlab %q stdout = %q; want no %q in it", tt.name, args, out.String(), w)
			}
		}
		for _, w := range tt.stderrHas {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("%s: authlab %q stderr = %q; want %q in it", tt.name, args, errb.String(), w)
			}
		}
		if tt.tty && strings.Contains(errb.String(), "401") {
			t.Errorf("%s: on a terminal stderr = %q; want the response on stdout only", tt.name, errb.String())
		}
		if !tt.tty && !strings.HasPrefix(out.String(), "{") {
			t.Errorf("%s: stdout to a pipe = %q; want the body from its first byte", tt.name, out.String())
		}
	}
	// --json: one document on stdout, nothing of it on stderr
	for _, tty := range []bool{false, true} {
		var out, errb bytes.Buffer
		env := testEnv(&out, &errb)
		env.StdoutTTY = tty
		code := Run(context.Background(), []string{"send", "--json", "-v", srv.URL + "/"}, env)
		var doc struct {
			Status int `json:"status"`
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Status != 401 || code != ExitClientError || strings.Contains(errb.String(), "401") {
			t.Errorf("send --json (tty %v) = exit %d, stdout %q (%v), stderr %q; want exit 4, the document on stdout only", tty, code, out.String(), err, errb.String())
		}
	}
}
