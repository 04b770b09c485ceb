package sanitizetest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Place is where in a response the hostile server puts a payload.
type Place string

// The places a server controls, each served at /{place}/{payload index}.
const (
	// BodyPlain: a text/plain body.
	BodyPlain Place = "body-plain"
	// BodyJSONRaw: an application/json body with the payload's raw bytes
	// inside a string (invalid JSON when they are controls: shown as text).
	BodyJSONRaw Place = "body-json-raw"
	// BodyJSONEscaped: an application/json body with the payload as \u
	// escapes inside a string; the escapes must be shown as they are.
	BodyJSONEscaped Place = "body-json-escaped"
	// Reason: the status line's reason phrase of a 401, which net/http
	// cannot send (a raw listener writes it).
	Reason Place = "reason"
	// Header: the value of the X-Hostile header of a 200.
	Header Place = "header"
	// Location: the Location of a 302 (not followed).
	Location Place = "location"
	// Challenge: the error_description of a Bearer WWW-Authenticate
	// challenge of a 401, which the hints quote (RFC 6750 §3).
	Challenge Place = "challenge"
	// JSONError: the error_description of an RFC 6749 §5.2 JSON error body
	// of a 400 (\u escaped), which the hints quote.
	JSONError Place = "json-error"
	// TokenError: the same JSON error answered by an OAuth 2.0 token
	// endpoint, which the engine quotes in its error string.
	TokenError Place = "token-error"
	// TLSName: a DNS name of the server's certificate, which the TLS name
	// mismatch error quotes. Only for ASCII payloads (IA5String).
	TLSName Place = "tls-name"
	// Digest: a 401 whose reason phrase is the payload and whose Digest
	// challenge carries it in realm and nonce (when net/http accepts it in
	// a header), answered the same way on the retry: a two-exchange flow
	// whose trace and flow view (--trace) show server text. Not in Places:
	// it needs -a digest.
	Digest Place = "digest"
)

// Places lists every place.
func Places() []Place {
	return []Place{BodyPlain, BodyJSONRaw, BodyJSONEscaped, Reason, Header, Location, Challenge, JSONError, TokenError, TLSName}
}

// Applies reports whether p can be put in this place (TLS names are ASCII).
func (pl Place) Applies(p Payload) bool {
	return pl != TLSName || p.ASCII()
}

// Want is the visible text a front end must show for payload p in this
// place, in the plain printer, on a terminal screen and in the TUI.
func (pl Place) Want(p Payload) string {
	if line, ok := pl.headerLine(p); ok && Refused(p) {
		// net/http refuses a header line with a C0 control or DEL and
		// quotes the line in its error (%q): that error is what is shown.
		q := strconv.Quote(line)
		return q[1 : len(q)-1]
	}
	switch pl {
	case BodyPlain, BodyJSONRaw:
		if strings.ContainsRune(p.Raw, 0) {
			return "binary body" // a body with NUL is summarised, not shown
		}
		return p.Shown
	case BodyJSONEscaped:
		return JSONEscape(p.Raw) // the escapes, kept as they were sent
	case JSONError:
		return p.ShownViaJSON()
	case TokenError:
		// The engine's error line collapses white space (CR, U+0085) into
		// single spaces before anything is shown.
		switch p.Name {
		case "bare-cr":
			return "token=SECRET token=******"
		case "utf8-c1-85":
			return "nel line"
		}
		return p.ShownViaJSON()
	}
	return p.Shown
}

// Refused reports whether net/http refuses a header whose value is p:
// it does for C0 controls (other than tab) and DEL (RFC 9110 §5.5).
func Refused(p Payload) bool {
	return strings.ContainsFunc(p.Raw, func(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f })
}

// Headerish reports whether the place is a response header (where net/http
// refuses C0 controls and DEL, see Refused).
func (pl Place) Headerish() bool {
	_, ok := pl.headerLine(Payload{})
	return ok
}

// headerLine is the header line that carries p in a header place.
func (pl Place) headerLine(p Payload) (string, bool) {
	switch pl {
	case Header:
		return "X-Hostile: " + p.Raw, true
	case Location:
		return "Location: https://next.example/?q=" + p.Raw, true
	case Challenge:
		// Go canonicalises the name before it quotes the line.
		return "Www-Authenticate: " + challenge(p), true
	}
	return "", false
}

func challenge(p Payload) string {
	return `Bearer realm="api", error="invalid_token", error_description=` + QuotedString(p.Raw)
}

// Server is a hostile HTTP/1.1 server on a raw loopback listener: it writes
// its responses byte by byte, so it can send what net/http refuses to (a
// reason phrase with control bytes).
type Server struct {
	// URL is http://127.0.0.1:port.
	URL string
	ln  net.Listener
}

// NewServer starts a hostile server, closed when the test ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), ln: ln}
	t.Cleanup(func() { ln.Close() })
	go s.serve()
	return s
}

// Path is the path where the server puts payload i in place pl.
func Path(pl Place, i int) string { return fmt.Sprintf("/%s/%d", pl, i) }

func (s *Server) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go serveConn(c)
	}
}

func serveConn(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err != nil {
		return
	}
	io.Copy(io.Discard, io.LimitReader(req.Body, 1<<20))
	io.WriteString(c, Response(req.URL.Path))
}

// Response is the raw HTTP/1.1 response the hostile server sends for path.
func Response(path string) string {
	if path == RefusedPath {
		var vals []string
		for _, p := range Payloads() {
			if Refused(p) {
				vals = append(vals, p.Raw)
			}
		}
		return raw("200 OK", []string{"X-Hostile: " + strings.Join(vals, " ")}, "text/plain", "ok\n")
	}
	if pl, ok := strings.CutSuffix(path, "/all"); ok {
		return allResponse(Place(strings.TrimPrefix(pl, "/")))
	}
	pl, p, ok := parsePath(path)
	if !ok {
		return raw("404 Not Found", nil, "text/plain", "no such place\n")
	}
	switch pl {
	case BodyPlain:
		return raw("200 OK", nil, "text/plain; charset=utf-8",
			"The server sent this line, then a hostile one:\n"+p.Raw+"\nend of body\n")
	case BodyJSONRaw:
		return raw("200 OK", nil, "application/json",
			"{\"note\":\"the next string carries raw bytes\",\n\"m\":\""+p.Raw+"\"}")
	case BodyJSONEscaped:
		return raw("200 OK", nil, "application/json",
			`{"note":"the next string carries escapes","m":"`+JSONEscape(p.Raw)+`"}`)
	case Reason:
		return raw("401 "+p.Raw, nil, "", "")
	case Header:
		line, _ := pl.headerLine(p)
		return raw("200 OK", []string{line}, "text/plain", "ok\n")
	case Location:
		line, _ := pl.headerLine(p)
		return raw("302 Found", []string{line}, "", "")
	case Challenge:
		return raw("401 Unauthorized", []string{"WWW-Authenticate: " + challenge(p)}, "", "")
	case Digest:
		v := p.Raw
		if Refused(p) {
			v = "plain"
		}
		return raw("401 "+p.Raw, []string{"WWW-Authenticate: Digest realm=" + QuotedString(v) + `, nonce=` + QuotedString("n"+v) + `, qop="auth", algorithm=MD5`}, "", "")
	case JSONError:
		return raw("400 Bad Request", nil, "application/json",
			`{"error":"invalid_request","error_description":"`+JSONEscape(p.Raw)+`"}`)
	case TokenError:
		return raw("400 Bad Request", nil, "application/json",
			`{"error":"invalid_client","error_description":"`+JSONEscape(p.Raw)+`"}`)
	}
	return raw("404 Not Found", nil, "text/plain", "no such place\n")
}

// AllPath is the path where the server puts every payload that fits in
// place pl into one response (see All).
func AllPath(pl Place) string { return fmt.Sprintf("/%s/all", pl) }

// RefusedPath is the path of a response whose X-Hostile header line
// carries every payload net/http refuses in a header: the transport's
// error quotes the line.
const RefusedPath = "/header/refused"

// AllReason is the reason phrase of the /{place}/all responses (other than
// the reason place's): a marker to wait for on screen.
func AllReason(pl Place) string { return "All " + string(pl) }

// AllPayloads lists the payloads an /{place}/all response carries: for the
// header places the ones net/http accepts, for bodies all but NUL (which
// makes the whole body binary, summarised instead of shown).
func AllPayloads(pl Place) []Payload {
	var out []Payload
	for _, p := range Payloads() {
		switch pl {
		case Header, Location, Challenge:
			if Refused(p) {
				continue
			}
		case BodyPlain, BodyJSONRaw:
			if strings.ContainsRune(p.Raw, 0) {
				continue
			}
		case TLSName:
			if !p.ASCII() {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// allResponse puts every payload of AllPayloads(pl) into one response.
func allResponse(pl Place) string {
	ps := AllPayloads(pl)
	status := "200 " + AllReason(pl)
	var parts []string
	switch pl {
	case BodyPlain:
		for _, p := range ps {
			parts = append(parts, p.Name+": "+p.Raw)
		}
		return raw(status, nil, "text/plain", "every payload, one a line:\n"+strings.Join(parts, "\n")+"\n")
	case BodyJSONRaw, BodyJSONEscaped:
		for _, p := range ps {
			v := p.Raw
			if pl == BodyJSONEscaped {
				v = JSONEscape(p.Raw)
			}
			parts = append(parts, `"`+p.Name+`":"`+v+`"`)
		}
		return raw(status, nil, "application/json", "{"+strings.Join(parts, ",\n")+"}")
	case Reason:
		for _, p := range ps {
			parts = append(parts, p.Raw)
		}
		return raw("401 "+strings.Join(parts, " | "), nil, "", "")
	case Header:
		for i, p := range ps {
			parts = append(parts, fmt.Sprintf("X-Hostile-%02d: %s", i, p.Raw))
		}
		return raw(status, parts, "text/plain", "ok\n")
	case Location:
		for _, p := range ps {
			parts = append(parts, p.Raw)
		}
		return raw("302 "+AllReason(pl), []string{"Location: https://next.example/?q=" + strings.Join(parts, "&")}, "", "")
	case Challenge:
		for _, p := range ps {
			parts = append(parts, "WWW-Authenticate: "+challenge(p))
		}
		return raw("401 "+AllReason(pl), parts, "", "")
	case JSONError, TokenError:
		for _, p := range ps {
			parts = append(parts, JSONEscape(p.Raw))
		}
		code := "invalid_request"
		if pl == TokenError {
			code = "invalid_client"
		}
		return raw("400 "+AllReason(pl), nil, "application/json",
			`{"error":"`+code+`","error_description":"`+strings.Join(parts, " ~ ")+`"}`)
	}
	return raw("404 Not Found", nil, "text/plain", "no such place\n")
}

func parsePath(path string) (Place, Payload, bool) {
	rest, ok := strings.CutPrefix(path, "/")
	if !ok {
		return "", Payload{}, false
	}
	name, idx, ok := strings.Cut(rest, "/")
	if !ok {
		return "", Payload{}, false
	}
	i, err := strconv.Atoi(idx)
	ps := Payloads()
	if err != nil || i < 0 || i >= len(ps) {
		return "", Payload{}, false
	}
	return Place(name), ps[i], true
}

// raw builds a response: status line, the extra header lines, a
// Content-Type (when not empty), Content-Length and Connection: close.
func raw(status string, headers []string, contentType, body string) string {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + status + "\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	if contentType != "" {
		b.WriteString("Content-Type: " + contentType + "\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	return b.String()
}

// TLSNameOf is the DNS name of the certificate the TLS server of payload p
// presents: the payload between two labels.
func TLSNameOf(p Payload) string { return "x" + p.Raw + ".evil.example" }

// NewTLSServerAll is NewTLSServer with a certificate that names every
// ASCII payload (TLSNameOf each).
func NewTLSServerAll(t testing.TB) string {
	t.Helper()
	var names []string
	for _, p := range AllPayloads(TLSName) {
		names = append(names, TLSNameOf(p))
	}
	return newTLSServer(t, names)
}

// NewTLSServer starts an HTTPS server on 127.0.0.1 whose self-signed
// certificate names only TLSNameOf(p), so a client connecting to the IP
// fails verification with a name mismatch that quotes the name. It returns
// the https:// URL; the server closes when the test ends. p must be ASCII.
func NewTLSServer(t testing.TB, p Payload) string {
	t.Helper()
	return newTLSServer(t, []string{TLSNameOf(p)})
}

func newTLSServer(t testing.TB, names []string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "hostile"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     names,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("certificate for %q: %v", names, err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				// The client aborts the handshake; nothing to answer.
				c.(*tls.Conn).Handshake()
			}()
		}
	}()
	return "https://" + ln.Addr().String() + "/"
}
