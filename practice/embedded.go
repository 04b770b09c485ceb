package practice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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

// Embedded is the practice server {{practice}} names: by default the one
// run inside authlab on demand, which starts on 127.0.0.1 with a free port
// the first time a URL needs it, so the first run works with no network;
// or, with a Target's Remote, one run elsewhere (the instructor's `authlab
// serve` in a workshop), and then nothing starts here. It is safe for
// concurrent use.
type Embedded struct {
	opts    Options
	remote  string // Target.Remote
	student string // Target.Student
	lesson  string // Target.Lesson
	once    sync.Once
	mu      sync.Mutex // url and err, read by Started while URL may run
	url     string
	err     error
	srv     *http.Server
}

// Target is the client side of a classroom: which practice server
// {{practice}} names and the student name sent to it.
type Target struct {
	// Remote is the base URL of a practice server run elsewhere, as
	// ParseBase returns it; "" means the embedded server.
	Remote string
	// Student is sent in StudentHeader to the practice server and to no
	// other host (authn.Request.Scoped); "" sends no header. The server
	// uses it for display only (ClientOf).
	Student string
	// Lesson is sent in LessonHeader, scoped the same way, while a lesson
	// of `authlab learn` is open ("" sends none).
	Lesson string
}

// NewEmbedded returns an embedded server that has not started yet.
func NewEmbedded(o Options) *Embedded { return NewTarget(o, Target{}) }

// NewTarget returns the practice server t names: a remote one, or an
// embedded one (with o) that has not started yet.
func NewTarget(o Options, t Target) *Embedded {
	if o.Log == nil {
		o.Log = io.Discard // a TUI owns the terminal: the console block goes nowhere
	}
	return &Embedded{opts: o, remote: t.Remote, student: t.Student, lesson: t.Lesson}
}

// URL returns the base URL, starting the embedded server if needed.
func (e *Embedded) URL() (string, error) {
	if e.remote != "" {
		return e.remote, nil
	}
	e.once.Do(func() {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		e.mu.Lock()
		defer e.mu.Unlock()
		if err != nil {
			e.err = errors.New("cannot start the practice server on 127.0.0.1: " + err.Error())
			return
		}
		e.srv = NewHTTPServer(New(e.opts).Handler(), EmbeddedLimits(), nil)
		go e.srv.Serve(NewListener(l, EmbeddedLimits(), e.srv))
		e.url = "http://" + l.Addr().String()
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.url, e.err
}

// Started reports the base URL in use: a remote server's always, the
// embedded server's once it runs ("" before first use, and for nil).
func (e *Embedded) Started() string {
	switch {
	case e == nil:
		return ""
	case e.remote != "":
		return e.remote
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return ""
	}
	return e.url
}

// Remote is the base URL of the remote practice server ("" for the
// embedded one, and for nil).
func (e *Embedded) Remote() string {
	if e == nil {
		return ""
	}
	return e.remote
}

// Student is the name sent in StudentHeader ("" when none, and for nil).
func (e *Embedded) Student() string {
	if e == nil {
		return ""
	}
	return e.student
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
// caller's copy keeps its placeholders. With a student name, the request
// carries StudentHeader on its exchanges with the practice server (whether
// named by the placeholder or by its URL) and on no other.
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
	if e != nil {
		scope(req, e.Started(), StudentHeader, e.student)
		scope(req, e.Started(), LessonHeader, e.lesson)
	}
	return nil
}

// ScopeLesson makes req carry LessonHeader with id on its exchanges under
// base (the practice server) and on no other; base "" does nothing.
func ScopeLesson(req *authn.Request, base, id string) { scope(req, base, LessonHeader, id) }

// scope adds header name: value to req's exchanges under base only; an
// empty base or value adds nothing. The slice is a new one: the caller's
// request keeps its own.
func scope(req *authn.Request, base, name, value string) {
	if base == "" || value == "" {
		return
	}
	req.Scoped = append(slices.Clip(req.Scoped), authn.ScopedHeader{Base: base, Name: name, Value: value})
}

// Close stops the embedded server if it runs.
func (e *Embedded) Close() error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	srv := e.srv
	e.mu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
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
		{"/hawk, /hawk/ahead", "Hawk (GET, POST with the payload hash), Server-Authorization on success; /hawk/ahead: a clock 5 min ahead"},
		{"/ntlm", "NTLM (NTLMv2) like IIS: Negotiate and NTLM offered, the challenge bound to the connection"},
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
		{"Hawk", "id " + DemoHawkID + " / key " + DemoHawkKey + " (sha256; id " + DemoHawkSHA1ID + " for sha1)"},
		{"NTLM", NTLMDomain + `\` + DemoUser + " / " + DemoPassword},
	} {
		b.WriteString("  " + c[0] + ": " + c[1] + "\n")
	}
	return b.String()
}

// Unexpand puts Placeholder back where base (the practice server's URL as
// Started reports it, "" when none was used) starts u, so history keeps
// `{{practice}}/…`, which works again in a later run, rather than a port
// that is gone. base must end there: http://h:8089 does not start
// http://h:80890/.
func Unexpand(u, base string) string {
	rest, ok := strings.CutPrefix(u, base)
	if base == "" || !ok || rest != "" && !strings.ContainsRune("/?#", rune(rest[0])) {
		return u
	}
	return Placeholder + rest
}

// maxBase bounds a practice server URL (bytes): it is shown in the TUI's
// header and on stderr.
const maxBase = 256

// ParseBase checks s as the base URL of a practice server run elsewhere
// (--practice, AUTHLAB_PRACTICE, a profiles folder's setting) and returns
// it without a trailing "/". The URL may come from a folder someone handed
// out, so it is held to what it needs to be: http or https, a host, no
// user:password@, query or fragment, printable ASCII only (an IDN host is
// written in its xn-- form), at most 256 bytes.
func ParseBase(s string) (string, error) {
	bad := func(problem string) (string, error) {
		return "", fmt.Errorf("%q is not a practice server URL (%s): write it like http://192.168.1.20:8089, where `authlab serve` listens", s, problem)
	}
	switch {
	case s == "":
		return bad("it is empty")
	case len(s) > maxBase:
		return bad(fmt.Sprintf("longer than %d bytes", maxBase))
	case strings.Contains(s, Placeholder):
		return bad("it names " + Placeholder + " itself")
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return bad("only printable ASCII without spaces")
		}
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return bad("it does not parse")
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("use http:// or https://")
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return bad("no host")
	case u.User != nil:
		return bad("no user:password@ in it")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(s, "?#"):
		return bad("no query or fragment")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return bad("port out of range")
		}
	}
	return strings.TrimRight(u.String(), "/"), nil
}
