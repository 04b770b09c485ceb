// Package proxytest is a forward HTTP proxy for tests: CONNECT tunnels and
// plain forwarding of absolute-form requests (RFC 9110 §9.3.6, §7.1), with
// optional Basic proxy authentication (RFC 9110 §11.7), recording the head
// of every request it receives so a test can assert what the proxy saw.
// Only tests import it; the interop tier also runs Debian's tinyproxy.
package proxytest

import (
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Proxy is an in-process forward proxy (CONNECT tunnels and plain
// forwarding of absolute-form requests) with optional Basic proxy
// authentication. It records the head of every request it received.
type Proxy struct {
	user, pass string // "" = no authentication
	mu         sync.Mutex
	seen       []http.Header // every request head, with "Method" and "Target" added
	srv        *httptest.Server
}

// New starts a proxy on loopback for the test; user "" accepts every
// request without credentials.
func New(t testing.TB, user, pass string) *Proxy {
	p := &Proxy{user: user, pass: pass}
	p.srv = httptest.NewServer(p)
	t.Cleanup(p.srv.Close)
	return p
}

// URL is the proxy's http:// URL, for -x or Options.Proxy.
func (p *Proxy) URL() string { return p.srv.URL }

// Heads returns every request head the proxy received, in order, each
// with "Method" and "Target" (the request-target) added.
func (p *Proxy) Heads() []http.Header {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]http.Header(nil), p.seen...)
}

// ServeHTTP authenticates the request, then tunnels a CONNECT or forwards
// an absolute-form request with Proxy-Authorization removed.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := r.Header.Clone()
	h.Set("Method", r.Method)
	h.Set("Target", r.RequestURI)
	p.mu.Lock()
	p.seen = append(p.seen, h)
	p.mu.Unlock()
	if p.user != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.pass))
		if r.Header.Get("Proxy-Authorization") != want {
			w.Header().Set("Proxy-Authenticate", `Basic realm="test proxy"`)
			http.Error(w, "proxy credentials needed", http.StatusProxyAuthRequired)
			return
		}
	}
	if r.Method == http.MethodConnect {
		up, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		c, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			up.Close()
			return
		}
		io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
		go func() { io.Copy(up, c); up.Close() }()
		io.Copy(c, up)
		c.Close()
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Proxy-Authorization") // consumed by this proxy (RFC 9110 §11.7.2)
	resp, err := (&http.Transport{}).RoundTrip(out)
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
