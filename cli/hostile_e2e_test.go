package cli_test

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/bench/hostile/hostilesrv"
	"github.com/authlab/authlab/internal/testcert"
)

// Issue #7 items 1 and 3 through the built binary: what each server
// received on the wire, the exit code, stdout and stderr bytes.

// hostileWire is a raw loopback HTTP server: it records each request's
// bytes as received (request line, headers, body) and answers with the raw
// response respond returns, one request per connection.
type hostileWire struct {
	url   string
	mu    sync.Mutex
	reqs  []string
	serve func()
}

// hostileStart starts the servers once every variable their respond
// functions read is set.
func hostileStart(servers ...*hostileWire) {
	for _, s := range servers {
		go s.serve()
	}
}

// newHostileWire listens on addr; hostileStart serves.
func newHostileWire(t *testing.T, addr string, respond func(r *http.Request) string) *hostileWire {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	w := &hostileWire{url: "http://" + ln.Addr().String()}
	w.serve = func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				var raw bytes.Buffer
				req, err := http.ReadRequest(bufio.NewReader(io.TeeReader(c, &raw)))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				w.mu.Lock()
				w.reqs = append(w.reqs, raw.String())
				w.mu.Unlock()
				io.WriteString(c, respond(req))
			}()
		}
	}
	return w
}

func (w *hostileWire) got() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.reqs...)
}

func hostileRedirect(code, loc string) string {
	return "HTTP/1.1 " + code + "\r\nLocation: " + loc + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
}

const hostileOK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"

// hostileAssertNoCredentials checks the raw bytes of a request sent after
// the origin changed: no credential header, no Referer, no secret marker.
func hostileAssertNoCredentials(t *testing.T, who, raw string) {
	t.Helper()
	head, _, _ := strings.Cut(raw, "\r\n\r\n")
	for _, l := range strings.Split(head, "\r\n")[1:] {
		name, _, _ := strings.Cut(strings.ToLower(l), ":")
		switch name {
		case "authorization", "proxy-authorization", "cookie", "referer":
			t.Errorf("%s received %q", who, l)
		}
	}
	if strings.Contains(raw, "HOSTILE") || strings.Contains(raw, "api_key") {
		t.Errorf("%s received a credential:\n%s", who, raw)
	}
}

// --follow through the binary: a query API key (echoed back in Location by
// the server, as servers that keep the query do), a Bearer token and
// hand-set Cookie, Proxy-Authorization and Referer never reach the next
// origin. Fails if the engine's cross-origin stripping breaks.
func TestHostileFollowBinaryDropsCredentials(t *testing.T) {
	// https origin: an httptest TLS server trusted through --cacert.
	plainForTLS := newHostileWire(t, "127.0.0.1:0", func(*http.Request) string { return hostileOK })
	hostileStart(plainForTLS)
	var tlsFirst []http.Header
	var tlsMu sync.Mutex
	secure := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tlsMu.Lock()
		tlsFirst = append(tlsFirst, r.Header.Clone())
		tlsMu.Unlock()
		http.Redirect(w, r, plainForTLS.url+"/landing?keep=1", http.StatusMovedPermanently)
	}))
	secure.Config.ErrorLog = log.New(io.Discard, "", 0)
	secure.StartTLS()
	defer secure.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: secure.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}

	auth := map[string][]string{
		"apikey query": {"-a", "apikey", "-c", "name=api_key", "-c", "value=env:KEY", "-c", "in=query"},
		"bearer":       {"-a", "bearer", "-c", "token=env:KEY"},
	}
	hand := []string{"-H", "Cookie: sid=HOSTILEcookie", "-H", "Proxy-Authorization: Basic HOSTILEproxy", "-H", "Referer: http://ref.example/?r=HOSTILEref"}
	for _, scheme := range []string{"apikey query", "bearer"} {
		for _, target := range []string{"other port, query echoed", "other host 127.0.0.2", "https to http"} {
			t.Run(scheme+"/"+target, func(t *testing.T) {
				var second *hostileWire
				var first *hostileWire
				start := ""
				switch target {
				case "https to http":
					second, start = plainForTLS, secure.URL+"/start?keep=1"
				default:
					addr := "127.0.0.1:0"
					if target == "other host 127.0.0.2" {
						addr = "127.0.0.2:0"
					}
					second = newHostileWire(t, addr, func(*http.Request) string { return hostileOK })
					first = newHostileWire(t, "127.0.0.1:0", func(r *http.Request) string {
						return hostileRedirect("302 Found", second.url+"/landing?"+r.URL.RawQuery)
					})
					start = first.url + "/start?keep=1"
					hostileStart(first, second)
				}
				before := len(second.got())
				args := append(append(append([]string{"send", "--follow", "--cacert", caFile}, auth[scheme]...), hand...), start)
				r := authlab(t, []string{"KEY=HOSTILEsecret"}, args...)
				if r.code != 0 {
					t.Fatalf("exit %d; want 0\n%s%s", r.code, r.stdout, r.stderr)
				}
				got := second.got()[before:]
				if len(got) != 1 {
					t.Fatalf("second origin got %d requests; want 1", len(got))
				}
				if line, _, _ := strings.Cut(got[0], "\r\n"); line != "GET /landing?keep=1 HTTP/1.1" {
					t.Errorf("second hop request line = %q; want %q", line, "GET /landing?keep=1 HTTP/1.1")
				}
				hostileAssertNoCredentials(t, "second hop", got[0])
				// Positive control: the origin got the credential and the
				// hand-set headers.
				var origin string
				if first != nil {
					origin = first.got()[0]
				} else {
					tlsMu.Lock()
					h := tlsFirst[len(tlsFirst)-1]
					tlsMu.Unlock()
					var b strings.Builder
					h.Write(&b)
					origin = b.String()
				}
				for _, want := range []string{"HOSTILEcookie", "HOSTILEproxy", "HOSTILEref"} {
					if !strings.Contains(origin, want) {
						t.Errorf("origin request lacks %s:\n%s", want, origin)
					}
				}
				if scheme == "bearer" && !strings.Contains(origin, "Bearer HOSTILEsecret") {
					t.Errorf("origin request lacks the Bearer token:\n%s", origin)
				}
				// The only place the key may show is the hop line quoting the
				// Location the server echoed it into (server text; hidden in
				// presenter mode, see the secrets audit).
				for _, l := range strings.Split(r.stdout+r.stderr, "\n") {
					if strings.Contains(l, "HOSTILEsecret") && !strings.HasPrefix(l, "302 Found → ") {
						t.Errorf("the secret is printed: %q", l)
					}
				}
			})
		}
	}
}

// Without --follow the 3xx is shown, exit 3, its reason phrase and
// Location escaped: an OSC 52 in the reason, U+202E, the UTF-8 C1 CSI
// U+009B and a raw 0x9B byte in Location reach stdout as visible text.
// Go refuses a Location with ESC or BEL as a malformed header: that is exit
// 1 with one escaped line. Fails if the printer stops sanitizing the
// status line or Location, or the error line.
func TestHostileRedirectNotFollowedBinary(t *testing.T) {
	srv := newHostileWire(t, "127.0.0.1:0", func(r *http.Request) string {
		if r.URL.Path == "/esc" {
			return hostileRedirect("302 Found", "/next\x1b]52;c;aGk=\x07")
		}
		return hostileRedirect("302 Found\x1b]52;c;aGk=\x07", "/next\u202e\u009b2J\x9b31m")
	})
	hostileStart(srv)
	r := authlab(t, nil, "send", srv.url+"/")
	if r.code != 3 {
		t.Fatalf("exit %d; want 3\n%s%s", r.code, r.stdout, r.stderr)
	}
	// stdout is a pipe: the status line, Location and hint are on stderr
	if !strings.HasPrefix(r.stderr, `302 Found\x1b]52;c;aGk=\x07 · `) {
		t.Errorf("status line = %q; want the reason escaped", firstLine(r.stderr))
	}
	const wantLoc = `Location: /next\u202e\u009b2J\x9b31m` + "\n"
	if !strings.Contains(r.stderr, wantLoc) {
		t.Errorf("stderr lacks %q:\n%q", wantLoc, r.stderr)
	}
	hostileAssertNoRaw(t, "stdout", r.stdout)
	hostileAssertNoRaw(t, "stderr", r.stderr)
	if r.stdout != "" || strings.Contains(r.stderr, "authlab: ") {
		t.Errorf("stdout = %q, stderr = %q; want no body and no error line", r.stdout, r.stderr)
	}

	r = authlab(t, nil, "send", srv.url+"/esc")
	if r.code != 1 {
		t.Fatalf("ESC in Location: exit %d; want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	assertOneErrorLine(t, r.stderr)
	if !strings.Contains(r.stderr, `malformed MIME header line: "Location: /next\x1b]52;c;aGk=\a"`) {
		t.Errorf("stderr = %q; want the malformed Location quoted with escapes", r.stderr)
	}
	hostileAssertNoRaw(t, "stderr", r.stderr)
}

// hostileAssertNoRaw fails if s holds a byte or code point a terminal acts on.
func hostileAssertNoRaw(t *testing.T, what, s string) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\x07", "\x9b", "\u009b", "\u202e", "\r", "\x00"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s carries raw %q: %q", what, bad, s)
		}
	}
}

// A redirect loop between two origins: exit 6 with one line on stderr, and
// the token goes to the first request only, however often the chain comes
// back. Fails if credentials are restored on a return to the origin.
func TestHostileRedirectLoopBinary(t *testing.T) {
	var a, b *hostileWire
	a = newHostileWire(t, "127.0.0.1:0", func(*http.Request) string { return hostileRedirect("302 Found", b.url+"/pong") })
	b = newHostileWire(t, "127.0.0.1:0", func(*http.Request) string { return hostileRedirect("302 Found", a.url+"/ping") })
	hostileStart(a, b)
	r := authlab(t, []string{"TOKEN=HOSTILEloop"}, "send", "--follow", "-a", "bearer", "-c", "token=env:TOKEN", a.url+"/start")
	if r.code != 6 {
		t.Fatalf("exit %d; want 6\n%s%s", r.code, r.stdout, r.stderr)
	}
	// the hops, status line and hint (stdout is a pipe), then the error
	assertOneErrorLine(t, lastLine(r.stderr))
	hostileAssertNoRaw(t, "stderr", r.stderr)
	ga, gb := a.got(), b.got()
	if len(ga)+len(gb) != 11 {
		t.Errorf("%d requests; want 11 (the first and 10 hops)", len(ga)+len(gb))
	}
	if !strings.Contains(ga[0], "\r\nAuthorization: Bearer HOSTILEloop\r\n") {
		t.Errorf("first request lacks the token:\n%s", ga[0])
	}
	for i, raw := range append(ga[1:], gb...) {
		hostileAssertNoCredentials(t, "hop "+string(rune('0'+i)), raw)
	}
}

// Every hostile server of item 3 through the binary: the exit code, one
// clear line on stderr (or none), the truncation marker on stdout, no
// stack trace, within the time bound. Fails if the timeout, the body cap,
// the header cap or the short-body message regress.
func TestHostileLimitsBinary(t *testing.T) {
	s, err := hostilesrv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const truncated = "… body truncated at 1.0 MiB (raise it with --max-body)\n"
	// stdout is a pipe: it gets the body, stderr the status line and
	// notices (meta) and at most one error line.
	tests := []struct {
		path   string
		code   int
		stderr string   // the one "authlab: " line of stderr ("" = none; "-": see below)
		meta   []string // substrings of stderr
		stdout []string // substrings of stdout
	}{
		{"/drip", 2, "~authlab: timed out after 1s reading the body from ", nil, nil},
		{"/drip-head", 2, "~authlab: timed out after 1s waiting for the response headers from ", nil, nil},
		{"/endless", 0, "", []string{" · 1.0 MiB · truncated", truncated}, nil},
		{"/gzip-10m", 0, "", []string{" · 1.0 MiB · truncated", truncated}, []string{"binary body · 1.0 MiB"}},
		{"/gzip-endless", 0, "", []string{" · 1.0 MiB · truncated", truncated}, nil},
		{"/cl-long", 1, "authlab: the server closed the connection after 10 of the 1000000 body bytes its Content-Length announced: the body is incomplete (unexpected EOF)\n", []string{"200 OK · "}, nil},
		{"/cl-short", 0, "-", []string{"200 OK · "}, []string{"hello\n"}},
		{"/headers-10k", 0, "", []string{"200 OK · "}, []string{"ok\n"}},
		{"/headers-10k-big", 1, "-", nil, nil},
		{"/header-1m", 1, "-", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			start := time.Now()
			// 1s for the dripping cases (the timeout is the point), 20s
			// for the others: the cap must stop them, not the clock (a
			// 20 s run would exit 2, not the code wanted). The bounds are
			// loose for -race on a loaded machine; the exit code is the
			// proof.
			timeout, bound := "20s", 18*time.Second
			if tt.code == 2 {
				timeout, bound = "1s", 10*time.Second
			}
			r := authlab(t, nil, "send", "--timeout", timeout, "--max-body", "1MiB", s.URL+tt.path)
			if took := time.Since(start); took > bound {
				t.Errorf("took %s; want under %s", took, bound)
			}
			if r.code != tt.code {
				t.Errorf("exit %d; want %d\nstdout %.300q\nstderr %q", r.code, tt.code, r.stdout, r.stderr)
			}
			switch {
			case tt.stderr == "-" && tt.code != 0:
				assertOneErrorLine(t, r.stderr)
				if !strings.Contains(r.stderr, "server response headers exceeded 1048576 bytes") {
					t.Errorf("stderr = %q; want the header cap named", r.stderr)
				}
			case tt.stderr == "-":
				// /cl-short: net/http logs the surplus bytes through the
				// standard logger (reported; see the issue #7 report), so
				// only check that nothing raw or no stack trace is there.
				if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
					t.Errorf("stderr has a stack trace: %s", r.stderr)
				}
			case strings.HasPrefix(tt.stderr, "~"):
				// one error line (the status line of what arrived goes to
				// stderr too off a terminal), naming the phase the timeout
				// ran out in
				if el := errorLines(r.stderr); strings.Count(el, "\n") != 1 || !strings.HasPrefix(el, tt.stderr[1:]) {
					t.Errorf("stderr = %q; want an error line starting %q", r.stderr, tt.stderr[1:])
				}
			case errorLines(r.stderr) != tt.stderr:
				t.Errorf("stderr = %q; want the error line %q", r.stderr, tt.stderr)
			}
			for _, want := range tt.meta {
				if !strings.Contains(r.stderr, want) || strings.Contains(r.stdout, want) {
					t.Errorf("stderr lacks %q, or stdout has it:\n%.400q\n--- stdout\n%.400q", want, r.stderr, r.stdout)
				}
			}
			for _, want := range tt.stdout {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%.400q", want, r.stdout)
				}
			}
			if len(r.stdout) > 1<<20+4096 {
				t.Errorf("stdout is %d bytes; want at most the 1 MiB cap and a few lines", len(r.stdout))
			}
			hostileAssertNoRaw(t, "stderr", r.stderr)
		})
	}
}

// hostileCA and hostileLeaf make test certificates; the names carry
// escape sequences (OSC 52, CSI, BEL, U+202E).
const hostileCN = "evil\x1b]52;c;aGk=\x07\x1b[2J\u202e"

type hostileCert struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func hostileIssue(t *testing.T, tmpl *x509.Certificate, parent *hostileCert) hostileCert {
	t.Helper()
	var p *testcert.Cert
	if parent != nil {
		p = &testcert.Cert{Cert: parent.cert, Key: parent.key}
	}
	c := testcert.Issue(t, tmpl, p)
	return hostileCert{c.Cert, c.Key}
}

func hostileTLSServer(t *testing.T, leaf hostileCert, cfg func(*tls.Config)) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{leaf.cert.Raw}, PrivateKey: leaf.key}}}
	if cfg != nil {
		cfg(srv.TLS)
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

// TLS failures through the binary (issue #7 item 7): an expired
// certificate, a wrong host name, an unknown CA and a server requiring a
// client certificate each give exit 1 and one classified line on stderr
// with the certificate's subject, names, validity and SHA-256 fingerprint;
// the hostile names in the certificate arrive escaped. Fails if the
// classification, the certificate details or the sanitizing of the error
// line regress.
func TestHostileTLSBinary(t *testing.T) {
	ca := hostileIssue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "hostile CA " + hostileCN}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, nil)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	leaf := func(dns []string, ip bool, nb, na time.Time) hostileCert {
		tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: hostileCN, Organization: []string{"O\u202egnp.exe"}}, DNSNames: dns,
			NotBefore: nb, NotAfter: na, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
		if ip {
			tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		}
		return hostileIssue(t, tmpl, &ca)
	}
	now := time.Now()
	// As shown: RFC 2253 escapes the name's ';' (\;), %q the backslash and
	// every control character, the sanitizer anything left.
	const subject = `subject "CN=evil\x1b]52\\;c\\;aGk=\a\x1b[2J\u202e,O=O\u202egnp.exe"`
	tests := []struct {
		name  string
		leaf  hostileCert
		cfg   func(*tls.Config)
		trust bool
		want  []string
	}{
		{"expired", leaf(nil, true, now.Add(-30*24*time.Hour), now.Add(-80*time.Hour)), nil, true,
			[]string{"TLS: the certificate of 127.0.0.1 expired on " + now.Add(-80*time.Hour).UTC().Format("2006-01-02 15:04 UTC"), subject, "names 127.0.0.1",
				"valid " + now.Add(-30*24*time.Hour).UTC().Format("2006-01-02 15:04 UTC") + " to " + now.Add(-80*time.Hour).UTC().Format("2006-01-02 15:04 UTC")}},
		{"wrong host name", leaf([]string{"other.example"}, false, time.Time{}, time.Time{}), nil, true,
			[]string{"is for other.example, not 127.0.0.1", subject, "names other.example"}},
		{"unknown CA", leaf(nil, true, time.Time{}, time.Time{}), nil, false,
			[]string{`issued by "CN=hostile CA evil\x1b]52\\;c\\;aGk=\a\x1b[2J\u202e"`, "--cacert FILE", subject, "names 127.0.0.1"}},
		{"client certificate required", leaf(nil, true, time.Time{}, time.Time{}), func(c *tls.Config) { c.ClientAuth = tls.RequireAnyClientCert }, true,
			[]string{"requires a client certificate", "--cert FILE --key FILE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := hostileTLSServer(t, tt.leaf, tt.cfg)
			args := []string{"send", url + "/"}
			if tt.trust {
				args = []string{"send", "--cacert", caFile, url + "/"}
			}
			r := authlab(t, nil, args...)
			if r.code != 1 {
				t.Fatalf("exit %d; want 1\n%s%s", r.code, r.stdout, r.stderr)
			}
			assertOneErrorLine(t, r.stderr)
			hostileAssertNoRaw(t, "stderr", r.stderr)
			if r.stdout != "" {
				t.Errorf("stdout = %q; want nothing", r.stdout)
			}
			want := tt.want
			if tt.name != "client certificate required" {
				want = append(want, "SHA-256 "+authn.NewCertInfo(tt.leaf.cert).SHA256)
			}
			for _, w := range want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}

// -k says so exactly once per run, however many TLS hops the request
// takes. Fails if the warning moves to the engine's per-exchange path or
// disappears.
func TestHostileInsecureWarnsOnce(t *testing.T) {
	var second *httptest.Server
	second = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/again" {
			http.Redirect(w, r, "/done", http.StatusFound)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer second.Close()
	first := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, second.URL+"/again", http.StatusFound)
	}))
	defer first.Close()
	r := authlab(t, nil, "send", "-k", "--follow", first.URL+"/")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	const warning = "authlab: warning: TLS certificate verification is OFF (-k): the server is not authenticated, so anyone on the path can impersonate it and read the credentials sent\n"
	if !strings.HasPrefix(r.stderr, warning) || strings.Count(r.stderr, "TLS certificate verification is OFF") != 1 {
		t.Errorf("stderr = %q; want the warning once: %q", r.stderr, warning)
	}
	// stdout is a pipe: the status line is on stderr, the body on stdout
	if !strings.Contains(r.stderr, "200 OK · ") || !strings.Contains(r.stderr, "2 redirects") || r.stdout != "ok\n" {
		t.Errorf("stderr = %q, stdout = %q; want the final 200 after 2 redirects on stderr, the body ok on stdout", r.stderr, r.stdout)
	}
}

// lastLine is the last line of s.
func lastLine(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return s[strings.LastIndex(s, "\n")+1:] + "\n"
}

// errorLines is the lines of stderr that start with "authlab: ", the
// one-line errors and warnings (the status line and hints go there too when
// stdout is not a terminal).
func errorLines(stderr string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if strings.HasPrefix(l, "authlab: ") {
			b.WriteString(l)
		}
	}
	return b.String()
}
