package authn

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fwdProxy is an in-process forward proxy (CONNECT tunnels and plain
// forwarding of absolute-form requests) with optional Basic proxy
// authentication. It records the head of every request it received.
type fwdProxy struct {
	user, pass string // "" = no authentication
	mu         sync.Mutex
	seen       []http.Header // every request head, with "Method" and "Target" added
	srv        *httptest.Server
}

func newFwdProxy(t *testing.T, user, pass string) *fwdProxy {
	p := &fwdProxy{user: user, pass: pass}
	p.srv = httptest.NewServer(p)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fwdProxy) heads() []http.Header {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]http.Header(nil), p.seen...)
}

func (p *fwdProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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

// headRecorder is a target that records the headers it received.
type headRecorder struct {
	mu   sync.Mutex
	seen []http.Header
}

func (rc *headRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	rc.seen = append(rc.seen, r.Header.Clone())
	rc.mu.Unlock()
	io.WriteString(w, "target")
}

func (rc *headRecorder) heads() []http.Header {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]http.Header(nil), rc.seen...)
}

// proxyCase is one row of the proxy tables, run against the in-process
// proxy and tinyproxy.
type proxyCase struct {
	name      string
	tls       bool   // https:// target: a CONNECT tunnel
	user      string // --proxy-user (password below)
	pass      string
	handSet   string // a hand-set Proxy-Authorization header
	status    int    // final status
	alt       int    // another acceptable final status (tinyproxy answers wrong credentials with 401)
	refused   bool   // Exchange's error is a *ProxyError (ErrRefused)
	errWant   string // substring of the error
	reachedOK bool   // the target answered
}

func proxyCases(user, pass string) []proxyCase {
	return []proxyCase{
		{name: "http with credentials", user: user, pass: pass, status: 200, reachedOK: true},
		{name: "https with credentials", tls: true, user: user, pass: pass, status: 200, reachedOK: true},
		{name: "http without credentials", status: 407},
		{name: "https without credentials", tls: true, status: 407, refused: true, errWant: "wants credentials before it opens a tunnel to"},
		{name: "http wrong password", user: user, pass: "wrong", status: 407, alt: 401},
		{name: "https wrong password", tls: true, user: user, pass: "wrong", status: 407, alt: 401, refused: true, errWant: `refused the credentials of proxy user "` + user + `"`},
		{name: "https hand-set Proxy-Authorization", tls: true, handSet: "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass)), status: 200, reachedOK: true},
	}
}

// runProxyCase sends a Basic-authenticated request through proxyURL and
// checks what the proxy and the target saw: the target's credentials never
// reach the proxy through a tunnel, Proxy-Authorization never reaches the
// target, a refusal is explained and keeps the proxy's status.
func runProxyCase(t *testing.T, tt proxyCase, proxyURL string, proxySeen func() []http.Header) {
	rec := &headRecorder{}
	var srv *httptest.Server
	if tt.tls {
		srv = httptest.NewTLSServer(rec)
	} else {
		srv = httptest.NewServer(rec)
	}
	defer srv.Close()
	opts := Options{Proxy: Proxy{URL: proxyURL, User: tt.user, Password: tt.pass, LookupEnv: noEnv}}
	if tt.tls {
		pool := x509.NewCertPool()
		pool.AddCert(srv.Certificate())
		opts.RootCAs = pool
	}
	e := New(opts)
	defer e.Close()
	req := Request{URL: srv.URL + "/x", Scheme: "basic", Fields: map[string]string{"username": "alice", "password": "TARGETsecret"}}
	if tt.handSet != "" {
		req.Header = http.Header{"Proxy-Authorization": {tt.handSet}}
	}
	res, err := e.Exchange(context.Background(), req)
	if tt.errWant == "" && err != nil {
		t.Fatalf("Exchange = %v; want no error", err)
	}
	if tt.errWant != "" && (err == nil || !strings.Contains(err.Error(), tt.errWant)) {
		t.Fatalf("Exchange = %v; want an error containing %q", err, tt.errWant)
	}
	var pe *ProxyError
	if got := errors.As(err, &pe); got != tt.refused || errors.Is(err, ErrRefused) != tt.refused {
		t.Errorf("Exchange error %v is a *ProxyError/ErrRefused: %v; want %v", err, got, tt.refused)
	}
	fin := res.Final()
	if fin == nil || fin.Response == nil || (fin.Response.Status != tt.status && (tt.alt == 0 || fin.Response.Status != tt.alt)) {
		t.Fatalf("final exchange %+v; want status %d", fin, tt.status)
	}
	if fin.Response.Status == 407 && (len(res.Hints) == 0 || res.Hints[0].Title != "407 Proxy Authentication Required") {
		t.Errorf("hints = %+v; want the 407 hint first", res.Hints)
	}
	if fin.Proxy == nil || fin.Proxy.Source != ProxyFromFlag || fin.Proxy.Tunnel != tt.tls || strings.Contains(fin.Proxy.Proxy, "wrong") || (tt.pass != "" && strings.Contains(fin.Proxy.Proxy, tt.pass)) {
		t.Errorf("route = %+v; want --proxy, tunnel %v, password masked", fin.Proxy, tt.tls)
	}
	if len(res.Trace.Steps) == 0 || !strings.HasPrefix(res.Trace.Steps[0].Title, "Proxy for ") {
		t.Errorf("first trace step = %+v; want the Proxy step", res.Trace.Steps)
	}
	targetAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:TARGETsecret"))
	for _, h := range rec.heads() {
		if v := h.Get("Proxy-Authorization"); v != "" {
			t.Errorf("the target received Proxy-Authorization %q", v)
		}
		if h.Get("Authorization") != targetAuth {
			t.Errorf("the target received Authorization %q; want %q", h.Get("Authorization"), targetAuth)
		}
	}
	if got := len(rec.heads()) > 0; got != tt.reachedOK {
		t.Errorf("target reached = %v; want %v", got, tt.reachedOK)
	}
	seen := proxySeen()
	if len(seen) == 0 && tt.reachedOK {
		t.Fatal("the proxy logged no request, yet the target answered")
	}
	for _, h := range seen {
		if tt.tls && h.Get("Authorization") != "" {
			t.Errorf("the proxy saw the target's Authorization through a tunnel: %q", h.Get("Authorization"))
		}
		if tt.tls && h.Get("Method") != "" && h.Get("Method") != http.MethodConnect {
			t.Errorf("the proxy saw %s; want only CONNECT for an https:// target", h.Get("Method"))
		}
	}
}

func noEnv(string) (string, bool) { return "", false }

// The -short tier: the in-process proxy.
func TestProxyInProcess(t *testing.T) {
	for _, tt := range proxyCases("puser", "PROXYsecret") {
		t.Run(tt.name, func(t *testing.T) {
			p := newFwdProxy(t, "puser", "PROXYsecret")
			runProxyCase(t, tt, p.srv.URL, p.heads)
		})
	}
}

// proxyRouteTests: which route a request takes, from the flags and the
// environment (curl's and net/http's rules, see Proxy).
var proxyRouteTests = []struct {
	name   string
	proxy  Proxy
	env    map[string]string
	url    string
	want   string // proxy URL, "" direct, "nil" no route at all
	source string
}{
	{"nothing configured", Proxy{}, nil, "https://api.example.com/", "nil", ""},
	{"flag, default port", Proxy{URL: "proxy.example"}, nil, "https://api.example.com/", "http://proxy.example:1080", ProxyFromFlag},
	{"flag with user", Proxy{URL: "http://p:3128", User: "u", Password: "pw"}, nil, "http://a.example/", "http://u:" + Mask("") + "@p:3128", ProxyFromFlag},
	{"flag proxies loopback", Proxy{URL: "http://p:3128"}, nil, "http://127.0.0.1:8080/", "http://p:3128", ProxyFromFlag},
	{"noproxy star", Proxy{URL: "http://p:3128", NoProxy: "*"}, nil, "http://a.example/", "", ProxyNoProxyFlag},
	{"noproxy domain matches subdomain", Proxy{URL: "http://p:3128", NoProxy: ".example.com"}, nil, "https://api.example.com/", "", ProxyNoProxyFlag},
	{"noproxy domain matches itself", Proxy{URL: "http://p:3128", NoProxy: "example.com"}, nil, "https://example.com/", "", ProxyNoProxyFlag},
	{"noproxy is not a substring", Proxy{URL: "http://p:3128", NoProxy: "ample.com"}, nil, "https://example.com/", "http://p:3128", ProxyFromFlag},
	{"noproxy CIDR", Proxy{URL: "http://p:3128", NoProxy: "10.0.0.0/8"}, nil, "http://10.1.2.3/", "", ProxyNoProxyFlag},
	{"noproxy overrides NO_PROXY", Proxy{URL: "http://p:3128", NoProxy: "other.example"}, map[string]string{"NO_PROXY": "*"}, "http://a.example/", "http://p:3128", ProxyFromFlag},
	{"HTTPS_PROXY for https", Proxy{}, map[string]string{"HTTPS_PROXY": "http://ep:8080", "HTTP_PROXY": "http://hp:8080"}, "https://a.example/", "http://ep:8080", "HTTPS_PROXY"},
	{"http_proxy for http", Proxy{}, map[string]string{"http_proxy": "hp:8080"}, "http://a.example/", "http://hp:8080", "http_proxy"},
	{"HTTP_PROXY ignored under CGI", Proxy{}, map[string]string{"HTTP_PROXY": "http://hp:8080", "REQUEST_METHOD": "GET"}, "http://a.example/", "nil", ""},
	{"environment never proxies loopback", Proxy{}, map[string]string{"HTTPS_PROXY": "http://ep:8080"}, "https://127.0.0.1/", "", "HTTPS_PROXY"},
	{"NO_PROXY from the environment", Proxy{}, map[string]string{"HTTPS_PROXY": "http://ep:8080", "no_proxy": "a.example:443"}, "https://a.example/", "", "no_proxy"},
	{"NO_PROXY port must match", Proxy{}, map[string]string{"HTTPS_PROXY": "http://ep:8080", "NO_PROXY": "a.example:8443"}, "https://a.example/", "http://ep:8080", "HTTPS_PROXY"},
}

func TestProxyRoute(t *testing.T) {
	for _, tt := range proxyRouteTests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.proxy
			p.LookupEnv = func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			u, err := ParseURL(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			r := p.route(u)
			got, src := "nil", ""
			if r != nil {
				got, src = r.Proxy, r.Source
			}
			if got != tt.want || src != tt.source {
				t.Errorf("route(%q) = %q from %q; want %q from %q", tt.url, got, src, tt.want, tt.source)
			}
		})
	}
}

// An unreachable proxy is named as the proxy; a proxy that accepts and
// never answers the CONNECT times out in that phase.
func TestProxyUnreachable(t *testing.T) {
	refused := closedPort(t)
	silent := netServer(t, func(net.Conn) {})
	tests := []struct {
		proxy, url, want string
		phase            Phase
	}{
		{refused, "https://a.example/", "nothing listens on the proxy " + refused + ": start the proxy or check --proxy", ""},
		{refused, "http://a.example/", "nothing listens on the proxy " + refused + ": start the proxy or check --proxy", ""},
		{silent, "https://a.example/", "timed out after 300ms waiting for the proxy " + silent + " to open a tunnel to a.example:443: the proxy accepted the connection but did not answer the CONNECT: check the proxy", PhaseTunnel},
	}
	for _, tt := range tests {
		e := New(Options{Timeout: 300e6, Proxy: Proxy{URL: "http://" + tt.proxy, LookupEnv: noEnv}})
		_, err := e.Exchange(context.Background(), Request{URL: tt.url})
		e.Close()
		if err == nil || err.Error() != tt.want {
			t.Errorf("Exchange(%s via %s) = %v; want %q", tt.url, tt.proxy, err, tt.want)
			continue
		}
		var ne *NetError
		if !errors.As(err, &ne) || ne.Phase != tt.phase || errors.Is(err, ErrTimeout) != (tt.phase != "") {
			t.Errorf("Exchange(%s via %s) = %#v; want phase %q", tt.url, tt.proxy, ne, tt.phase)
		}
	}
}
