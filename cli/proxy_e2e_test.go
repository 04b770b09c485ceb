package cli_test

import (
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// proxyLog is a forward proxy on loopback that wants Basic credentials
// alice:proxy-pass: it answers 407 without them, tunnels CONNECT and
// forwards plain requests with them, and records every request line and
// the credential headers it saw.
type proxyLog struct {
	mu   sync.Mutex
	seen []string
}

func (p *proxyLog) add(s string) { p.mu.Lock(); p.seen = append(p.seen, s); p.mu.Unlock() }

func (p *proxyLog) all() string { p.mu.Lock(); defer p.mu.Unlock(); return strings.Join(p.seen, "\n") }

func (p *proxyLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:proxy-pass"))
	p.add(r.Method + " " + r.RequestURI + " proxy-auth=" + r.Header.Get("Proxy-Authorization") + " auth=" + r.Header.Get("Authorization"))
	if r.Header.Get("Proxy-Authorization") != want {
		w.Header().Set("Proxy-Authenticate", `Basic realm="proxy"`)
		http.Error(w, "proxy credentials needed", http.StatusProxyAuthRequired)
		return
	}
	if r.Method == http.MethodConnect {
		up, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			up.Close()
			return
		}
		go func() { io.Copy(up, buf); up.Close() }()
		io.Copy(conn, up)
		conn.Close()
		return
	}
	out, err := http.NewRequest(r.Method, r.RequestURI, r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	out.Header = r.Header.Clone()
	out.Header.Del("Proxy-Authorization")
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

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
	px := &proxyLog{}
	proxy := httptest.NewServer(px)
	defer proxy.Close()

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
			args := append([]string{"send", "-x", proxy.URL}, tt.args...)
			args = append(args, tt.target)
			r := authlab(t, []string{"PROXY_PASS=proxy-pass", "WRONG=nope"}, args...)
			if r.code != tt.code {
				t.Fatalf("exit = %d; want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr = %q; want it to contain %q", r.stderr, tt.stderr)
			}
			if strings.Contains(r.stderr, "proxy-pass") || strings.Contains(r.stdout, "proxy-pass") {
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
	if !strings.Contains(px.all(), "CONNECT ") {
		t.Errorf("the proxy saw no CONNECT:\n%s", px.all())
	}
}
