package practice

import (
	"bytes"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Demo credentials: fixed and documented, the same in every classroom. They
// are not secrets; GET / lists them.
const (
	// DemoUser and DemoPassword are the Basic credentials of /github/user.
	DemoUser     = "demo"
	DemoPassword = "demo-password"
	// DemoToken is the bearer token of /github/user and /bearer.
	DemoToken = "demo-token"
	// DemoAPIKey is the key of /apikey (X-API-Key header or ?api_key).
	DemoAPIKey = "demo-api-key"
	// DemoConsumerKey and DemoConsumerSecret are the OAuth 1.0a client
	// credentials of the Twitter endpoints.
	DemoConsumerKey    = "demo-consumer-key"
	DemoConsumerSecret = "demo-consumer-secret"
	// DemoAccessToken and DemoTokenSecret are a ready-made OAuth 1.0a token
	// credential of the demo user, so the three-legged flow is optional.
	DemoAccessToken = "demo-access-token"
	DemoTokenSecret = "demo-token-secret"
	// DemoExpiredToken is a bearer token that /bearer always refuses with
	// error="invalid_token", error_description="The access token expired".
	DemoExpiredToken = "demo-expired-token"
)

// Limits of the server's in-memory state.
const (
	oauthWindow = 300 * time.Second // |oauth_timestamp − now| accepted
	maxBody     = 1 << 20           // request bodies read for verification
)

// Options configure a Server. The zero value is usable.
type Options struct {
	// Now is the server's clock: OAuth 1.0a timestamps are checked against
	// it and request tokens expire by it. time.Now when nil.
	Now func() time.Time
	// Log is the instructor's console: a Console (one block per
	// verification naming the client, codes and tokens masked, repeated
	// requests summarised per client) writes to it. nil discards.
	Log io.Writer
	// RSAPublicKey verifies RSA-SHA1 signatures made for the demo consumer.
	// When nil, the public half of DemoRSAPrivateKeyPEM.
	RSAPublicKey *rsa.PublicKey
	// AutoApprove approves OAuth 2.0 authorization and device requests
	// without a person clicking (tests, unattended demos).
	AutoApprove bool

	// Observe, when set, receives every verification and every refused
	// request as an Event (the room view of `authlab serve --room`). It
	// must not block; see Observer.
	Observe Observer

	// Labs turns on the attack labs under /labs (labs.go): endpoints that
	// are vulnerable on purpose, each with a fixed twin. Off, the routes do
	// not exist (404). `authlab serve --labs` sets it.
	Labs bool
}

// Server is the practice server. Its state (used nonces, issued tokens)
// lives in memory, bounded, and dies with it. A Server is safe for
// concurrent use.
type Server struct {
	opts      Options // as given to New (registrars read their switches here)
	now       func() time.Time
	observe   Observer // the console on Options.Log and Options.Observe; nil: none
	rsaKey    *rsa.PublicKey
	mux       *http.ServeMux
	endpoints []endpoint // filled by New, read-only afterwards
	// Per-client partitioned stores (store.go, partition.go).
	nonces    *partitioned[struct{}]  // OAuth 1.0a nonces used
	tokens    *partitioned[tokenInfo] // OAuth 1.0a tokens issued
	tweets    atomic.Int64
	authorize *template.Template
}

// endpoint documents one route for GET /.
type endpoint struct {
	Path        string `json:"path"`
	Method      string `json:"method"`
	Scheme      string `json:"scheme"`
	Description string `json:"description"`
	MaxBody     int64  `json:"max_body_bytes"` // the route's body cap (413 over it)
}

// registrars lists the handlers, one file per scheme. Adding a scheme adds
// a line here and a file; nothing else changes.
func registrars() []func(*http.ServeMux, *Server) {
	return []func(*http.ServeMux, *Server){
		registerIndex,
		registerGitHub,
		registerTwitter,
		registerTwitterOAuth,
		registerBearer,
		registerAPIKey,
		registerDigest,
		registerOAuth2,
		registerOIDC,
		registerJWT,
		registerAWS,
		registerMTLS,
		registerHawk,
		registerEdgeGrid,
		registerNTLM,
		registerLabs,
	}
}

// New returns a practice server configured by o.
func New(o Options) *Server {
	s := &Server{
		opts:   o,
		now:    o.Now,
		rsaKey: o.RSAPublicKey,
		mux:    http.NewServeMux(),
		nonces: newOAuth1Nonces(),
		tokens: newOAuth1Tokens(),
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.observe = observers(o)
	if s.rsaKey == nil {
		s.rsaKey = demoPublicKey()
	}
	s.authorize = template.Must(template.New("authorize").Parse(authorizeHTML))
	for _, register := range registrars() {
		register(s.mux, s)
	}
	return s
}

// Handler returns the server's HTTP handler.
//
// A request whose path is /aws once normalised the way SigV4 normalises it
// (/x/../aws, //aws, /./aws) goes to /aws as it is: an AWS service answers
// it and checks the signature of the normalised path, where ServeMux would
// answer 301 with the cleaned path instead.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.EscapedPath(); p != "/aws" && sigv4NormalizePath(p) == "/aws" {
			s.capBody(bodyCapOf("/aws"), s.awsHandler)(w, r)
			return
		}
		s.mux.ServeHTTP(w, r)
	})
}

// handle registers h for pattern ("METHOD /path") behind the route's body
// cap (bodyCapOf: over it, 413) and documents both for GET /.
func (s *Server) handle(mux *http.ServeMux, pattern, scheme, description string, h http.HandlerFunc) {
	limit := bodyCapOf(pattern)
	mux.HandleFunc(pattern, s.capBody(limit, h))
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	}
	s.endpoints = append(s.endpoints, endpoint{Path: path, Method: method, Scheme: scheme, Description: description, MaxBody: limit})
}

// demoPublicKey is the public half of DemoRSAPrivateKeyPEM.
func demoPublicKey() *rsa.PublicKey {
	block, _ := pem.Decode([]byte(DemoRSAPrivateKeyPEM))
	if block == nil {
		panic("practice: DemoRSAPrivateKeyPEM is not PEM")
	}
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		panic("practice: DemoRSAPrivateKeyPEM: " + err.Error())
	}
	return &key.PublicKey
}

// ---- responses ---------------------------------------------------------

// marshal renders v as JSON without HTML escaping and without a final
// newline, as the providers imitated here do.
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("practice: " + err.Error()) // only fixed shapes are encoded
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// writeJSON writes status and v as application/json.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(marshal(v))
}

// readBody reads a request body for verification. handle has already
// refused a body over the route's cap; maxBody bounds a handler reached
// some other way.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("the body could not be read (%v)", err)
	}
	return b, nil
}

// equal compares a credential in constant time.
func equal(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// ---- traces ------------------------------------------------------------

// newTrace starts the server trace of one verification.
func newTrace(r *http.Request, scheme string) *ServerTrace {
	return &ServerTrace{Endpoint: r.URL.Path, Scheme: scheme}
}

// add appends a value; the caller never passes a secret, only its length.
func add(t *ServerTrace, label, value string) {
	t.Values = append(t.Values, TraceValue{Label: label, Value: value})
}

// length renders a secret's length for a trace ("13").
func length(s string) string { return strconv.Itoa(utf8.RuneCountInString(s)) }

// finish sets the trace header and reports the verification to the
// console and the observers; call it before writing the status.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, t *ServerTrace, status int) {
	w.Header().Set(TraceHeader, EncodeTrace(*t))
	s.verified(r, t, status)
}

// oneLine returns v as it is when it is printable on one line, else quoted
// with Go escapes (so a value cannot move the cursor or forge a line).
func oneLine(v string) string {
	if !utf8.ValidString(v) {
		return strconv.QuoteToASCII(v)
	}
	for _, r := range v {
		if !strconv.IsPrint(r) { // control, format (bidi) and separator characters
			return strconv.QuoteToASCII(v)
		}
	}
	return v
}
