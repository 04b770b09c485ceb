package cli_test

import (
	"encoding/base64"
	"github.com/authlab/authlab/internal/proxytest"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// The binary through a real proxy: the exit code of a 407 is 4 over a
// forwarded request and over a refused CONNECT alike, the line names the
// proxy's refusal, and the target never sees the proxy's credentials.
func TestSendProxyExitCodes(t *testing.T) {
	var targetSaw sync.Map
	record := func(w http.ResponseWriter, r *http.Request) {
		targetSaw.Store(r.Header.Get("Proxy-Authorization"), true)
		w.Write([]byte(`{"ok":true}`))
	}
	plain := httptest.NewServer(http.HandlerFunc(record))
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(record))
	defer tlsSrv.Close()
	px := proxytest.New(t, "alice", "proxy-pass")

	tests := []struct {
		name   string
		target string
		args   []string
		code   int
		stderr string // must appear on stderr
	}{
		{"forwarded, no credentials", plain.URL + "/x", nil, 4, "407"},
		{"CONNECT, no credentials", tlsSrv.URL + "/x", []string{"-k"}, 4, "407"},
		{"CONNECT, wrong credentials", tlsSrv.URL + "/x", []string{"-k", "--proxy-user", "alice:env:WRONG"}, 4, "407"},
		{"forwarded, credentials", plain.URL + "/x", []string{"--proxy-user", "alice:env:PROXY_PASS"}, 0, "200"},
		{"CONNECT, credentials", tlsSrv.URL + "/x", []string{"-k", "--proxy-user", "alice:env:PROXY_PASS"}, 0, "200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"send", "-v", "--trace", "-x", px.URL()}, tt.args...)
			args = append(args, tt.target)
			r := authlab(t, []string{"PROXY_PASS=proxy-pass", "WRONG=nope"}, args...)
			if r.code != tt.code {
				t.Fatalf("exit = %d; want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr = %q; want it to contain %q", r.stderr, tt.stderr)
			}
			encoded := base64.StdEncoding.EncodeToString([]byte("alice:proxy-pass"))
			if out := r.stdout + r.stderr; strings.Contains(out, "proxy-pass") || strings.Contains(out, encoded) {
				t.Errorf("the proxy password was printed:\n%s%s", r.stdout, r.stderr)
			}
		})
	}
	targetSaw.Range(func(k, _ any) bool {
		if k.(string) != "" {
			t.Errorf("the target received Proxy-Authorization %q", k)
		}
		return true
	})
	connect := false
	for _, h := range px.Heads() {
		connect = connect || h.Get("Method") == http.MethodConnect
	}
	if !connect {
		t.Errorf("the proxy saw no CONNECT: %v", px.Heads())
	}
	// --json carries the route (password masked), never the password.
	r := authlab(t, []string{"PROXY_PASS=proxy-pass"}, "send", "--json", "-x", px.URL(), "--proxy-user", "alice:env:PROXY_PASS", plain.URL+"/x")
	if r.code != 0 || !strings.Contains(r.stdout, `"proxy"`) || strings.Contains(r.stdout+r.stderr, "proxy-pass") {
		t.Errorf("send --json through the proxy: exit %d, want 0, a proxy field and no password:\n%s%s", r.code, r.stdout, r.stderr)
	}
}
