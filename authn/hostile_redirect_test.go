package authn

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Issue #7 item 1: credentials and redirects, checked by the exact bytes
// each hop's server received.

// wireReq is one request as it arrived on the wire: request line, header
// block and body, byte for byte (after TLS decryption).
type wireReq struct {
	Server string // which wireServer got it
	TLS    bool   // whether it came over TLS
	Target string // the request-target of the request line
	Raw    []byte
}

// head returns the request line and header block of r.
func (r wireReq) head() string {
	h, _, _ := strings.Cut(string(r.Raw), "\r\n\r\n")
	return h
}

// headerLines returns the header field lines of r, lower-cased names
// mapped to their raw values (as sent, every occurrence).
func (r wireReq) headerLines() map[string][]string {
	out := map[string][]string{}
	lines := strings.Split(r.head(), "\r\n")
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, ":")
		out[strings.ToLower(name)] = append(out[strings.ToLower(name)], strings.TrimSpace(value))
	}
	return out
}

func (r wireReq) body() string {
	_, b, _ := strings.Cut(string(r.Raw), "\r\n\r\n")
	return b
}

func (r wireReq) String() string { return r.Server + " " + r.Target }

// wireLog is the ordered list of the requests every server of one test
// received (the engine sends one request at a time, so the order is the
// order of the hops).
type wireLog struct {
	mu   sync.Mutex
	reqs []wireReq
}

func (l *wireLog) add(r wireReq) {
	l.mu.Lock()
	l.reqs = append(l.reqs, r)
	l.mu.Unlock()
}

func (l *wireLog) all() []wireReq {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]wireReq(nil), l.reqs...)
}

// wireServer is a loopback HTTP server that records the raw bytes of every
// request. With a TLS config it speaks both TLS and plain HTTP on the same
// port (it looks at the first byte), so https://h:p → http://h:p changes
// nothing but the scheme. Keep-alives are off: one request per connection,
// so a connection's bytes are exactly one request.
type wireServer struct {
	name  string
	host  string // as it listens, e.g. 127.0.0.1
	port  int
	serve func()
}

// wireStart starts the servers once every variable their handlers read is
// set (a handler runs on a goroutine that the go statement orders after
// those writes).
func wireStart(servers ...*wireServer) {
	for _, s := range servers {
		go s.serve()
	}
}

type wireConnKey struct{}

func newWireServer(t *testing.T, wl *wireLog, name, addr string, cfg *tls.Config, h http.HandlerFunc) *wireServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	return wireServerOn(t, wl, name, ln, cfg, h)
}

// wirePair listens on 127.0.0.1 and on 127.0.0.2 with the same port (two
// origins that differ only in host). The kernel picks the first port; the
// same port on 127.0.0.2 can be taken by another test's socket, so the
// pair is tried again on a fresh port, up to 20 times.
func wirePair(t *testing.T, wl *wireLog, h http.HandlerFunc) (b, b2 *wireServer) {
	t.Helper()
	var last error
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("listen 127.0.0.1:0: %v", err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln2, err := net.Listen("tcp", "127.0.0.2:"+strconv.Itoa(port))
		if err != nil {
			ln.Close()
			last = err
			continue
		}
		return wireServerOn(t, wl, "B", ln, nil, h), wireServerOn(t, wl, "B2", ln2, nil, h)
	}
	t.Fatalf("no port free on both 127.0.0.1 and 127.0.0.2 in 20 tries: %v", last)
	return nil, nil
}

func wireServerOn(t *testing.T, wl *wireLog, name string, ln net.Listener, cfg *tls.Config, h http.HandlerFunc) *wireServer {
	ta := ln.Addr().(*net.TCPAddr)
	ws := &wireServer{name: name, host: ta.IP.String(), port: ta.Port}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // the body is part of what was received
			c := r.Context().Value(wireConnKey{}).(*wireConn)
			wl.add(wireReq{Server: name, TLS: c.isTLS(), Target: r.RequestURI, Raw: c.received()})
			h(w, r)
		}),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context { return context.WithValue(ctx, wireConnKey{}, c) },
		ErrorLog:    log.New(io.Discard, "", 0),
	}
	srv.SetKeepAlivesEnabled(false)
	ws.serve = func() { srv.Serve(&wireListener{Listener: ln, cfg: cfg}) }
	t.Cleanup(func() { srv.Close(); ln.Close() })
	return ws
}

// URL returns scheme://host:port followed by path.
func (s *wireServer) URL(scheme, path string) string {
	return scheme + "://" + net.JoinHostPort(s.host, strconv.Itoa(s.port)) + path
}

type wireListener struct {
	net.Listener
	cfg *tls.Config
}

func (l *wireListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &wireConn{Conn: c, cfg: l.cfg}, nil
}

// wireConn records what it reads; on the first read it decides between TLS
// (first byte 0x16, a handshake record) and plain HTTP.
type wireConn struct {
	net.Conn
	cfg   *tls.Config
	once  sync.Once
	inner io.ReadWriter
	mu    sync.Mutex
	tls   bool
	buf   bytes.Buffer
}

type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (p *peekedConn) Read(b []byte) (int, error) { return p.r.Read(b) }

func (c *wireConn) setup() {
	c.once.Do(func() {
		pc := &peekedConn{Conn: c.Conn, r: bufio.NewReader(c.Conn)}
		c.inner = pc
		if c.cfg == nil {
			return
		}
		if b, err := pc.r.Peek(1); err == nil && b[0] == 0x16 {
			c.mu.Lock()
			c.tls = true
			c.mu.Unlock()
			c.inner = tls.Server(pc, c.cfg)
		}
	})
}

func (c *wireConn) Read(b []byte) (int, error) {
	c.setup()
	n, err := c.inner.Read(b)
	c.mu.Lock()
	c.buf.Write(b[:n])
	c.mu.Unlock()
	return n, err
}

func (c *wireConn) Write(b []byte) (int, error) {
	c.setup()
	return c.inner.Write(b)
}

func (c *wireConn) received() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.buf.Bytes())
}

func (c *wireConn) isTLS() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tls
}

// hostileTLS returns a server config for 127.0.0.1 and localhost and the
// pool that trusts it.
func hostileTLS(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	ca := tlsTestCA(t, "hostile redirect CA")
	leaf := tlsTestServerCert(t, &ca, []string{"localhost"}, []string{"127.0.0.1"}, time.Time{}, time.Time{})
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	return &tls.Config{Certificates: []tls.Certificate{leaf.pair(t)}}, pool
}

// Every secret below starts with HOSTILE, so "HOSTILE" anywhere in a later
// hop's bytes is a leak; values derived from secrets (Basic's base64, a
// signature, a JWT) are taken from what the origin received.
const hostileBody = "note=hello"

// hostileHandSet are headers the user sets by hand on every row.
func hostileHandSet() http.Header {
	return http.Header{
		"Cookie":              {"sid=HOSTILEcookie"},
		"Proxy-Authorization": {"Basic HOSTILEproxy"},
		"Referer":             {"http://ref.example/?hostile_ref=HOSTILEref"},
		"Content-Type":        {"application/x-www-form-urlencoded"},
	}
}

type hostileRow struct {
	name   string
	scheme string
	fields map[string]string
	header http.Header // added to hostileHandSet
	// want is what the last origin request must carry (positive control):
	// "header:Name" or "query:name".
	want      []string
	challenge bool // the origin answers 401 Digest to a request without Authorization
	token     bool // the row needs the token endpoint (fields token_url = {{token}})
}

func hostileRows() []hostileRow {
	oauth1 := func(placement string) map[string]string {
		return map[string]string{"consumer_key": "HOSTILEck", "consumer_secret": "HOSTILEcs", "token": "HOSTILEtok",
			"token_secret": "HOSTILEts", "placement": placement}
	}
	return []hostileRow{
		{name: "basic", scheme: "basic", fields: map[string]string{"username": "HOSTILEuser", "password": "HOSTILEpw"}, want: []string{"header:Authorization"}},
		{name: "bearer", scheme: "bearer", fields: map[string]string{"token": "HOSTILEbearer"}, want: []string{"header:Authorization"}},
		// The same header also set by hand (a profile header): the scheme's
		// value wins at the origin, and neither goes further.
		{name: "apikey header", scheme: "apikey", fields: map[string]string{"name": "X-Hostile-Key", "value": "HOSTILEkeyH"},
			header: http.Header{"X-Hostile-Key": {"HOSTILEkeyHand"}}, want: []string{"header:X-Hostile-Key"}},
		{name: "apikey query", scheme: "apikey", fields: map[string]string{"name": "hostile_key", "value": "HOSTILEkeyQ", "in": "query"}, want: []string{"query:hostile_key"}},
		{name: "oauth1 header", scheme: "oauth1", fields: oauth1("header"), want: []string{"header:Authorization"}},
		{name: "oauth1 query", scheme: "oauth1", fields: oauth1("query"), want: []string{"query:oauth_signature", "query:oauth_token"}},
		{name: "oauth1 body", scheme: "oauth1", fields: oauth1("body"), want: []string{"body:oauth_signature"}},
		{name: "digest", scheme: "digest", fields: map[string]string{"username": "HOSTILEuser", "password": "HOSTILEdg"}, want: []string{"header:Authorization"}, challenge: true},
		{name: "jwt", scheme: "jwt", fields: map[string]string{"secret": "HOSTILEjwtsecret", "claims": `{"sub":"HOSTILEsub"}`}, want: []string{"header:Authorization"}},
		{name: "sigv4", scheme: "sigv4", fields: map[string]string{"access_key": "AKIDHOSTILE", "secret_key": "HOSTILEsk", "session_token": "HOSTILEst",
			"region": "us-east-1", "service": "execute-api"}, want: []string{"header:Authorization", "header:X-Amz-Security-Token"}},
		{name: "oauth2 token endpoint", scheme: "oauth2", fields: map[string]string{"token_url": "{{token}}", "client_id": "hostile-client", "client_secret": "HOSTILEcsec"},
			want: []string{"header:Authorization"}, token: true},
		{name: "hand-set Authorization", scheme: "none", header: http.Header{"Authorization": {"Bearer HOSTILEhand"}}, want: []string{"header:Authorization"}},
	}
}

// hostileTarget is one way of leaving the origin.
type hostileTarget struct {
	name      string
	originTLS bool // the origin speaks https
	// away is the Location of the hop that leaves the origin; back (when
	// set) is where the foreign server sends the client next.
	away, back func(a, b *wireServer, r *http.Request) string
	foreign    []string // the requests after the origin change, "server target"
}

func hostileTargets() []hostileTarget {
	return []hostileTarget{
		{name: "same host other port",
			away:    func(a, b *wireServer, _ *http.Request) string { return b.URL("http", "/landing?keep=1") },
			foreign: []string{"B /landing?keep=1"}},
		// Many servers keep the query when they redirect (trailing slash,
		// http → https): the credential parameters come back in Location.
		{name: "other port, Location echoes the query",
			away:    func(a, b *wireServer, r *http.Request) string { return b.URL("http", "/landing?"+r.URL.RawQuery) },
			foreign: []string{"B /landing?keep=1"}},
		{name: "other host 127.0.0.2",
			away: func(a, b *wireServer, _ *http.Request) string {
				return "http://127.0.0.2:" + strconv.Itoa(b.port) + "/landing?keep=1"
			},
			foreign: []string{"B2 /landing?keep=1"}},
		{name: "other host by name localhost",
			away: func(a, b *wireServer, _ *http.Request) string {
				return "http://localhost:" + strconv.Itoa(b.port) + "/landing?keep=1"
			},
			foreign: []string{"B /landing?keep=1"}},
		{name: "https to http same host and port", originTLS: true,
			away:    func(a, b *wireServer, _ *http.Request) string { return a.URL("http", "/landing?keep=1") },
			foreign: []string{"A /landing?keep=1"}},
		{name: "https to http other port", originTLS: true,
			away:    func(a, b *wireServer, _ *http.Request) string { return b.URL("http", "/landing?keep=1") },
			foreign: []string{"B /landing?keep=1"}},
		{name: "chain back to the first host",
			away: func(a, b *wireServer, _ *http.Request) string {
				return "http://127.0.0.2:" + strconv.Itoa(b.port) + "/away"
			},
			back:    func(a, b *wireServer, _ *http.Request) string { return a.URL("http", "/back?keep=1") },
			foreign: []string{"B2 /away", "A /back?keep=1"}},
		{name: "chain https back to the first host over https", originTLS: true,
			away: func(a, b *wireServer, _ *http.Request) string {
				return "http://127.0.0.2:" + strconv.Itoa(b.port) + "/away"
			},
			back:    func(a, b *wireServer, _ *http.Request) string { return a.URL("https", "/back?keep=1") },
			foreign: []string{"B2 /away", "A /back?keep=1"}},
	}
}

// hostileForbiddenHeaders may never reach a hop after the origin changed.
var hostileForbiddenHeaders = []string{"authorization", "proxy-authorization", "cookie", "cookie2", "referer",
	"x-hostile-key", "x-amz-security-token", "x-amz-date", "x-amz-content-sha256"}

// TestHostileRedirectCredentials: every scheme, hand-set Cookie,
// Proxy-Authorization and Referer, every way of leaving the origin, POST
// with 307 (the body is carried). The chain is A/start → A/same (same
// origin: credentials re-signed, the positive control) → away → … .
// Fails if stripCredentials stops deleting any of the headers, stops
// dropping query parameters the scheme added, if originOf ignores the
// scheme, host or port, if `stripped` is reset on the way back, or if
// redirectHop keeps Referer.
func TestHostileRedirectCredentials(t *testing.T) {
	cfg, pool := hostileTLS(t)
	for _, row := range hostileRows() {
		for _, tg := range hostileTargets() {
			t.Run(row.name+"/"+tg.name, func(t *testing.T) {
				hostileRedirectCase(t, cfg, pool, row, tg)
			})
		}
	}
}

func hostileRedirectCase(t *testing.T, cfg *tls.Config, pool *x509.CertPool, row hostileRow, tg hostileTarget) {
	wl := &wireLog{}
	var a, b *wireServer
	handler := func(w http.ResponseWriter, r *http.Request) {
		redirect := func(loc string) {
			w.Header().Set("Location", loc)
			w.WriteHeader(http.StatusTemporaryRedirect)
		}
		switch r.URL.Path {
		case "/token":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"HOSTILEaccess","token_type":"Bearer","expires_in":3600}`)
		case "/start", "/same":
			if row.challenge && r.Header.Get("Authorization") == "" {
				w.Header().Set("WWW-Authenticate", `Digest realm="hostile", qop="auth", algorithm=MD5, nonce="n0nce"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			if r.URL.Path == "/start" {
				redirect("/same?keep=1")
				return
			}
			redirect(tg.away(a, b, r))
		case "/away":
			redirect(tg.back(a, b, r))
		default:
			io.WriteString(w, "ok")
		}
	}
	var acfg *tls.Config
	if tg.originTLS {
		acfg = cfg
	}
	a = newWireServer(t, wl, "A", "127.0.0.1:0", acfg, handler)
	// B2 listens on 127.0.0.2 with B's port.
	b, b2 := wirePair(t, wl, handler)
	tok := newWireServer(t, wl, "T", "127.0.0.1:0", nil, handler)
	wireStart(a, b, b2, tok)

	fields := map[string]string{}
	for k, v := range row.fields {
		fields[k] = strings.ReplaceAll(v, "{{token}}", tok.URL("http", "/token"))
	}
	hdr := hostileHandSet()
	for k, v := range row.header {
		hdr[k] = v
	}
	scheme := "http"
	if tg.originTLS {
		scheme = "https"
	}
	e := New(Options{Follow: true, RootCAs: pool, Timeout: 5 * time.Second})
	defer e.Close()
	res, err := e.Exchange(context.Background(), Request{Method: "POST", URL: a.URL(scheme, "/start"), Header: hdr, Body: []byte(hostileBody),
		Scheme: row.scheme, Fields: fields})
	if err != nil {
		t.Fatalf("Exchange = %v", err)
	}
	if fin := res.Final(); fin.Response.Status != 200 {
		t.Fatalf("final status %d; want 200", fin.Response.Status)
	}

	// Split the log: token endpoint, origin hops (A over the origin's
	// scheme, /start and /same), then everything after the origin changed.
	var origin, foreign []wireReq
	left := false
	for _, r := range wl.all() {
		switch {
		case r.Server == "T":
		case !left && r.Server == "A" && r.TLS == tg.originTLS && (strings.HasPrefix(r.Target, "/start") || strings.HasPrefix(r.Target, "/same")):
			origin = append(origin, r)
		default:
			left = true
			foreign = append(foreign, r)
		}
	}
	var got []string
	for _, r := range foreign {
		got = append(got, r.String())
	}
	if strings.Join(got, ", ") != strings.Join(tg.foreign, ", ") {
		t.Fatalf("hops after the origin change = %q; want %q", got, tg.foreign)
	}
	if len(origin) < 2 {
		t.Fatalf("origin got %d requests; want /start and /same", len(origin))
	}

	// Positive control: the last origin request (/same, re-signed) carries
	// the credentials and the hand-set Cookie and Proxy-Authorization.
	last := origin[len(origin)-1]
	if !strings.HasPrefix(last.Target, "/same?keep=1") {
		t.Fatalf("last origin request %q; want /same?keep=1…", last.Target)
	}
	lh := last.headerLines()
	q, _ := url.ParseQuery(strings.SplitN(last.Target+"?", "?", 2)[1])
	bq, _ := url.ParseQuery(last.body())
	for _, w := range append(row.want, "header:Cookie", "header:Proxy-Authorization") {
		kind, name, _ := strings.Cut(w, ":")
		var have bool
		switch kind {
		case "header":
			have = len(lh[strings.ToLower(name)]) > 0
		case "query":
			have = q.Has(name)
		case "body":
			have = bq.Has(name)
		}
		if !have {
			t.Errorf("same-origin hop lacks %s (positive control):\n%s", w, last.Raw)
		}
	}
	if !strings.Contains(origin[0].head(), "\r\nReferer: http://ref.example/?hostile_ref=HOSTILEref") {
		t.Errorf("first request lacks the hand-set Referer:\n%s", origin[0].Raw)
	}
	if v := lh["referer"]; len(v) > 0 {
		t.Errorf("same-origin redirect hop got Referer %q; want none after the first request", v)
	}

	// Values that authenticate, as the origin received them: they must not
	// appear anywhere in a later hop's bytes.
	var secrets []string
	for _, h := range []string{"authorization", "proxy-authorization", "cookie", "x-hostile-key", "x-amz-security-token"} {
		secrets = append(secrets, lh[h]...)
	}
	for _, m := range []url.Values{q, bq} {
		for k, vs := range m {
			if k == "hostile_key" || strings.HasPrefix(k, "oauth_") {
				secrets = append(secrets, vs...)
			}
		}
	}
	for _, r := range foreign {
		hostileAssertClean(t, r, secrets)
	}
	if len(res.Final().Request.Credentials) != 0 {
		t.Errorf("the final hop recorded credentials %+v", res.Final().Request.Credentials)
	}
}

// hostileAssertClean checks one request received after the origin changed.
func hostileAssertClean(t *testing.T, r wireReq, secrets []string) {
	t.Helper()
	hl := r.headerLines()
	for _, h := range hostileForbiddenHeaders {
		if v, ok := hl[h]; ok {
			t.Errorf("%s received %s: %q", r, h, v)
		}
	}
	if strings.Contains(r.Target, "hostile_key") || strings.Contains(r.Target, "oauth_") {
		t.Errorf("%s: request-target %q carries a credential parameter", r, r.Target)
	}
	if r.body() != "" && r.body() != hostileBody {
		t.Errorf("%s: body = %q; want the user's body %q only", r, r.body(), hostileBody)
	}
	if bytes.Contains(r.Raw, []byte("HOSTILE")) {
		t.Errorf("%s received a secret marker:\n%s", r, r.Raw)
	}
	for _, s := range secrets {
		if s != "" && bytes.Contains(r.Raw, []byte(s)) {
			t.Errorf("%s received %q, a value the origin was sent:\n%s", r, s, r.Raw)
		}
	}
}

// A foreign server that answers with its own challenge gets no answer: a
// Digest 401 or an OAuth 2.0 invalid_token from another origin never makes
// the engine authenticate there. Fails if the flow's Answer runs on a
// stripped hop.
func TestHostileRedirectForeignChallengeNotAnswered(t *testing.T) {
	for _, row := range hostileRows() {
		if !row.challenge && !row.token {
			continue
		}
		t.Run(row.name, func(t *testing.T) {
			wl := &wireLog{}
			var b *wireServer
			h := func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.URL.Path == "/token":
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, `{"access_token":"HOSTILEaccess","token_type":"Bearer","expires_in":3600}`)
				case r.URL.Path == "/start" && r.Header.Get("Authorization") == "":
					w.Header().Set("WWW-Authenticate", `Digest realm="hostile", qop="auth", algorithm=MD5, nonce="n0nce"`)
					w.WriteHeader(http.StatusUnauthorized)
				case r.URL.Path == "/start":
					w.Header().Set("Location", b.URL("http", "/foreign"))
					w.WriteHeader(http.StatusFound)
				default: // the foreign server challenges
					w.Header().Add("WWW-Authenticate", `Digest realm="foreign", qop="auth", algorithm=MD5, nonce="f0reign"`)
					w.Header().Add("WWW-Authenticate", `Bearer error="invalid_token"`)
					w.WriteHeader(http.StatusUnauthorized)
				}
			}
			a := newWireServer(t, wl, "A", "127.0.0.1:0", nil, h)
			b = newWireServer(t, wl, "B", "127.0.0.1:0", nil, h)
			tok := newWireServer(t, wl, "T", "127.0.0.1:0", nil, h)
			wireStart(a, b, tok)
			fields := map[string]string{}
			for k, v := range row.fields {
				fields[k] = strings.ReplaceAll(v, "{{token}}", tok.URL("http", "/token"))
			}
			res, err := send(t, Options{Follow: true}, Request{URL: a.URL("http", "/start"), Scheme: row.scheme, Fields: fields})
			if err != nil {
				t.Fatal(err)
			}
			if res.Final().Response.Status != 401 {
				t.Errorf("final status %d; want the foreign 401", res.Final().Response.Status)
			}
			var foreign []wireReq
			tokens := 0
			for _, r := range wl.all() {
				switch r.Server {
				case "B":
					foreign = append(foreign, r)
				case "T":
					tokens++
				}
			}
			if len(foreign) != 1 {
				t.Fatalf("B received %d requests %v; want 1 (no answer to its challenge)", len(foreign), foreign)
			}
			hostileAssertClean(t, foreign[0], nil)
			if row.token && tokens != 1 {
				t.Errorf("token endpoint asked %d times; want 1 (no new token for a foreign 401)", tokens)
			}
		})
	}
}

// The method and body rules of RFC 9110 §15.4 on the wire: 301/302 after
// POST and 303 become GET with no body and no Content-Length or
// Content-Type; 307/308 resend method and body byte for byte. Fails if
// redirectHop keeps the body or its headers on a rewrite, or drops them on
// 307/308.
func TestHostileRedirectMethodOnTheWire(t *testing.T) {
	tests := []struct {
		code   int
		method string
		want   string // request line and body-related headers of the second hop
	}{
		{301, "POST", "GET /final HTTP/1.1|||"},
		{302, "POST", "GET /final HTTP/1.1|||"},
		{303, "POST", "GET /final HTTP/1.1|||"},
		{303, "PUT", "GET /final HTTP/1.1|||"},
		{307, "POST", "POST /final HTTP/1.1|10|application/json|{\"a\":\"b\"}"},
		{308, "PUT", "PUT /final HTTP/1.1|10|application/json|{\"a\":\"b\"}"},
		{301, "PUT", "PUT /final HTTP/1.1|10|application/json|{\"a\":\"b\"}"},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.code)+" "+tt.method, func(t *testing.T) {
			wl := &wireLog{}
			a := newWireServer(t, wl, "A", "127.0.0.1:0", nil, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/final" {
					return
				}
				w.Header().Set("Location", "/final")
				w.WriteHeader(tt.code)
			})
			wireStart(a)
			body := []byte(`{"a":"b"}` + "\n")
			_, err := send(t, Options{Follow: true}, Request{Method: tt.method, URL: a.URL("http", "/"), Body: body,
				Header: http.Header{"Content-Type": {"application/json"}}})
			if err != nil {
				t.Fatal(err)
			}
			got := wl.all()
			if len(got) != 2 {
				t.Fatalf("got %d requests; want 2", len(got))
			}
			r := got[1]
			hl := r.headerLines()
			line, _, _ := strings.Cut(r.head(), "\r\n")
			summary := strings.Join([]string{line, strings.Join(hl["content-length"], ","), strings.Join(hl["content-type"], ","), strings.TrimSuffix(r.body(), "\n")}, "|")
			if summary != tt.want {
				t.Errorf("%d after %s: second hop = %q; want %q\n%s", tt.code, tt.method, summary, tt.want, r.Raw)
			}
		})
	}
}

// A loop that alternates between two origins stops at the hop limit with
// ErrTooManyRedirects, and no hop after the first carries credentials
// (they never come back however often the chain returns).
func TestHostileRedirectPingPongLimit(t *testing.T) {
	wl := &wireLog{}
	var a, b *wireServer
	a = newWireServer(t, wl, "A", "127.0.0.1:0", nil, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", b.URL("http", "/pong"))
		w.WriteHeader(http.StatusFound)
	})
	b = newWireServer(t, wl, "B", "127.0.0.1:0", nil, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", a.URL("http", "/ping"))
		w.WriteHeader(http.StatusFound)
	})
	wireStart(a, b)
	res, err := send(t, Options{Follow: true, MaxRedirects: 5}, Request{URL: a.URL("http", "/start"), Scheme: "bearer",
		Fields: map[string]string{"token": "HOSTILEpingpong"}, Header: hostileHandSet()})
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("err = %v; want ErrTooManyRedirects", err)
	}
	got := wl.all()
	if len(got) != 6 || len(res.Exchanges) != 6 {
		t.Fatalf("%d requests, %d exchanges; want 6 (the first and 5 hops)", len(got), len(res.Exchanges))
	}
	if !bytes.Contains(got[0].Raw, []byte("\r\nAuthorization: Bearer HOSTILEpingpong\r\n")) {
		t.Errorf("first request lacks the token:\n%s", got[0].Raw)
	}
	for _, r := range got[1:] {
		hostileAssertClean(t, r, []string{"HOSTILEpingpong"})
	}
}
