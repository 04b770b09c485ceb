package practice

import (
	"context"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/authlab/authlab/authn"
)

// Placeholder in a URL stands for the embedded practice server's base URL:
// `{{practice}}/github/user`. The server starts on first use.
const Placeholder = "{{practice}}"

// DefaultAddr is where `authlab serve` listens unless told otherwise, and
// DefaultURL its base URL: what {{practice}} stands for in a request
// written out for another program (an export), which cannot start the
// embedded server.
const (
	DefaultAddr = "127.0.0.1:8089"
	DefaultURL  = "http://" + DefaultAddr
)

// Embedded is the practice server run inside authlab on demand: it starts on
// 127.0.0.1 with a free port the first time a URL needs it, so the first
// run works with no network. It is safe for concurrent use.
type Embedded struct {
	opts Options
	once sync.Once
	url  string
	err  error
	srv  *http.Server
}

// NewEmbedded returns an embedded server that has not started yet.
func NewEmbedded(o Options) *Embedded {
	if o.Log == nil {
		o.Log = io.Discard // a TUI owns the terminal: the console block goes nowhere
	}
	return &Embedded{opts: o}
}

// URL starts the server if needed and returns its base URL.
func (e *Embedded) URL() (string, error) {
	e.once.Do(func() {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			e.err = errors.New("cannot start the practice server on 127.0.0.1: " + err.Error())
			return
		}
		e.srv = NewHTTPServer(New(e.opts).Handler(), EmbeddedLimits(), nil)
		go e.srv.Serve(NewListener(l, EmbeddedLimits(), e.srv))
		e.url = "http://" + l.Addr().String()
	})
	return e.url, e.err
}

// Started reports the base URL when the server runs ("" before first use).
func (e *Embedded) Started() string {
	if e.err != nil {
		return ""
	}
	return e.url
}

// Expand replaces Placeholder in s with the server's base URL, starting it
// when s uses it; other strings come back unchanged.
func (e *Embedded) Expand(s string) (string, error) {
	if e == nil || !strings.Contains(s, Placeholder) {
		return s, nil
	}
	u, err := e.URL()
	if err != nil {
		return s, err
	}
	return strings.ReplaceAll(s, Placeholder, u), nil
}

// ExpandRequest expands Placeholder in the request's URL and in every
// credential field (an OAuth 2.0 token_url, a device_auth_url), starting the
// server on first use. The field map is replaced, never modified, so the
// caller's copy keeps its placeholders.
func (e *Embedded) ExpandRequest(req *authn.Request) error {
	u, err := e.Expand(req.URL)
	if err != nil {
		return err
	}
	req.URL = u
	var fields map[string]string
	for k, v := range req.Fields {
		x, err := e.Expand(v)
		if err != nil {
			return err
		}
		if x != v && fields == nil {
			fields = maps.Clone(req.Fields)
		}
		if fields != nil {
			fields[k] = x
		}
	}
	if fields != nil {
		req.Fields = fields
	}
	return nil
}

// Close stops the server if it runs.
func (e *Embedded) Close() error {
	if e.srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return e.srv.Shutdown(ctx)
}

// Banner lists the endpoints and the demo credentials, for the console of
// `authlab serve` (the same facts GET / returns).
func Banner(base string) string {
	var b strings.Builder
	b.WriteString("endpoints\n")
	for _, e := range [][2]string{
		{"/github/user", "Basic or Bearer, GitHub-style errors"},
		{"/twitter/1.1/account/verify_credentials.json", "OAuth 1.0a (GET)"},
		{"/twitter/1.1/statuses/update.json", "OAuth 1.0a (POST, form body status=…)"},
		{"/twitter/oauth/request_token, /authorize, /access_token", "three-legged flow, PIN as verifier"},
		{"/bearer, /bearer/admin", "RFC 6750 errors in WWW-Authenticate"},
		{"/apikey", "X-API-Key header or ?api_key="},
		{"/digest", "RFC 7616 Digest (?algorithm=SHA-512-256,MD5&qop=auth-int&userhash=true)"},
		{"/oauth2/token, /oauth2/device, /oauth2/authorize", "OAuth 2.0 token, device and authorization endpoints"},
		{"/oauth2/me", "API for the OAuth 2.0 tokens issued here"},
		{"/jwt", "a JWT as Bearer token (HS256/384/512, RS256, ES256, EdDSA)"},
		{"/aws", "AWS Signature Version 4, any method"},
		{"/mtls", "mutual TLS: run authlab serve --tls, which prints the client certificate to send"},
	} {
		b.WriteString("  " + base + e[0] + "\n      " + e[1] + "\n")
	}
	b.WriteString("demo credentials (public, the same in every classroom)\n")
	for _, c := range [][2]string{
		{"Basic", DemoUser + " / " + DemoPassword},
		{"Bearer", DemoToken + "   (expired: " + DemoExpiredToken + ")"},
		{"API key", DemoAPIKey},
		{"OAuth 1.0a", "consumer " + DemoConsumerKey + " / " + DemoConsumerSecret + ", token " + DemoAccessToken + " / " + DemoTokenSecret},
		{"Digest", DemoUser + " / " + DemoPassword + "  (realm " + DigestRealm + ")"},
		{"OAuth 2.0", "client " + DemoOAuth2ClientID + " / " + DemoOAuth2ClientSecret + ", public client " + DemoOAuth2PublicClientID + ", refresh token " + DemoOAuth2RefreshToken},
		{"JWT", "HS256 secret " + DemoJWTSecret + "; RS256, ES256, EdDSA: the demo keys in GET /"},
		{"AWS SigV4", DemoAWSAccessKey + " / " + DemoAWSSecretKey + ", region " + DemoAWSRegion + ", service " + DemoAWSService},
	} {
		b.WriteString("  " + c[0] + ": " + c[1] + "\n")
	}
	return b.String()
}

// Unexpand puts Placeholder back where base (the embedded server's URL, ""
// when it did not run) starts u, so history keeps `{{practice}}/…`, which
// works again in a later run, rather than a port that is gone.
func Unexpand(u, base string) string {
	if base == "" || !strings.HasPrefix(u, base) {
		return u
	}
	return Placeholder + u[len(base):]
}
