package authn

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Request is what the user asked to send: the input of Exchange.
type Request struct {
	Method string
	URL    string
	Header http.Header
	Body   []byte
	Scheme string            // registry name; "" means "none"
	Fields map[string]string // raw field values, references already resolved
	// TLS holds client certificate and trust options (nil: the engine's own).
	TLS *TLSOptions
	// Follow and Timeout, when set, override the engine's Options for this
	// request: a profile's own redirect and time limits, sent through an
	// engine that the TUI shares between profiles.
	Follow  *bool
	Timeout time.Duration
	// Notify, when set, receives what a multi-step scheme needs the user to
	// see while it waits (a device code, a URL to open). It is called from
	// the exchanging goroutine and must not block.
	Notify func(Notice)
	// Scoped are headers sent only on the exchanges whose URL lies under
	// their Base: every hop, retry and token request to it, none to any
	// other origin (a redirect elsewhere goes without them). The practice
	// server's student name (practice.StudentHeader) travels this way.
	Scoped []ScopedHeader
}

// ScopedHeader is one header of Request.Scoped.
type ScopedHeader struct {
	// Base is an absolute http(s) URL: a request is under it when scheme,
	// host and port are the same (RFC 6454 §4) and its path is Base's path
	// or below it.
	Base        string
	Name, Value string
}

// under reports whether u lies under the header's Base.
func (h ScopedHeader) under(u *url.URL) bool {
	b, err := url.Parse(h.Base)
	if err != nil || b.Host == "" || originOf(b) != originOf(u) {
		return false
	}
	p := strings.TrimSuffix(b.EscapedPath(), "/")
	up := u.EscapedPath()
	return p == "" || up == p || strings.HasPrefix(up, p+"/")
}

// addScoped sets on out the scoped headers whose Base out's URL lies under.
func addScoped(out *Outgoing, scoped []ScopedHeader) {
	for _, h := range scoped {
		if h.under(out.URL) {
			if out.Header == nil {
				out.Header = http.Header{}
			}
			out.Header.Set(h.Name, h.Value)
		}
	}
}

// Result is everything one call of Exchange produced. Front ends only render
// it. Text in Exchanges and Hints that came from a server is untrusted.
type Result struct {
	Scheme    Info
	Exchanges []Exchange // every HTTP exchange made, in order (redirect hops, retries)
	Trace     Trace
	Hints     []Hint
	Total     time.Duration // wall time of the whole call, on the monotonic clock (not Options.Now)
	Err       error         // the error that ended the call, if any (also returned)
}

// Final returns the last exchange, or nil when none was made.
func (r *Result) Final() *Exchange {
	if r == nil || len(r.Exchanges) == 0 {
		return nil
	}
	return &r.Exchanges[len(r.Exchanges)-1]
}

// ResponseSecrets lists the secrets marked in any response of r (tokens a
// flow fetched). Front ends mask them with Redact unless the user asked to
// reveal them.
func (r *Result) ResponseSecrets() []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, ex := range r.Exchanges {
		if ex.Response != nil {
			out = append(out, ex.Response.Secrets...)
		}
	}
	return out
}

// Exchange is one HTTP request as sent and the response to it.
type Exchange struct {
	// Role says why the exchange was made: RoleRequest, RoleChallenge,
	// RoleRetry, RoleToken, RoleRedirect (the flow view labels arrows with it).
	Role     string
	Request  SentRequest
	Response *Response // nil when no response arrived
	Timing   Timing
	Err      error // transport error of this exchange, if any
	// Proxy is the route the exchange took when a proxy is configured
	// (nil otherwise); see Options.Proxy.
	Proxy *ProxyRoute
}

// SentRequest is a request exactly as it went on the wire, with the record of
// which parts are credentials so renderers can mask them.
type SentRequest struct {
	Method      string
	URL         *url.URL
	Host        string // the Host header sent (the URL's host unless overridden)
	Proto       string
	Header      http.Header
	Body        []byte
	Credentials []Credential // what the scheme added; empty after a cross-origin redirect
}

// Response is a response with its body read up to the cap.
type Response struct {
	Status        int
	Reason        string // reason phrase as the server sent it (untrusted)
	Proto         string
	Header        http.Header
	Body          []byte // after decompression, at most Options.MaxBody bytes
	Truncated     bool   // the body was longer than the cap
	ContentLength int64  // as declared by the server (-1 unknown)
	Compressed    bool   // the transport decompressed the body
	// Secrets are values in this response that renderers mask unless
	// revealed: tokens a token endpoint issued (see MarkSecret).
	Secrets []string
}

// Timing is measured with net/http/httptrace. Durations are zero for phases
// that did not happen (no DNS for an IP literal, no TLS for http, nothing at
// all for a reused connection).
type Timing struct {
	DNS       time.Duration
	Connect   time.Duration
	TLS       time.Duration
	FirstByte time.Duration // from sending start to the first response byte
	Total     time.Duration // from start until the body was read
	Reused    bool          // the connection was reused from the pool
	Remote    string        // remote address
}

// DisplayURL returns the URL with credential query parameters masked unless
// reveal is set.
func (s *SentRequest) DisplayURL(reveal bool) string {
	if s.URL == nil {
		return ""
	}
	if reveal {
		return s.URL.String()
	}
	return maskQuery(s.URL, s.Credentials)
}

// maskQuery renders u with the values of credential query parameters
// masked: those the scheme added (creds) and secret ones typed by hand
// (SecretParam: ?access_token=, ?api_key=, a presigned URL's signature).
func maskQuery(u *url.URL, creds []Credential) string {
	c := *u
	c.RawQuery = rewriteQuery(u.RawQuery, func(k, part string) (string, bool) {
		for _, cr := range creds {
			if cr.Where == InQuery && cr.Name == k {
				return url.QueryEscape(k) + "=" + cr.Masked, true
			}
		}
		if _, v, ok := strings.Cut(part, "="); ok && v != "" && SecretParam(k) {
			return url.QueryEscape(k) + "=" + Mask(""), true
		}
		return part, true
	})
	return c.String()
}

// DisplayHeader returns the request headers with credential headers masked
// unless reveal is set: what the scheme added, and every header that
// carries a credential (CredentialHeader: Authorization, Cookie, X-Api-Key…)
// typed by hand.
func (s *SentRequest) DisplayHeader(reveal bool) http.Header {
	h := s.Header.Clone()
	if reveal || h == nil {
		return h
	}
	for _, c := range s.Credentials {
		if c.Where == InHeader && h.Get(c.Name) != "" {
			h.Set(c.Name, c.Masked)
		}
	}
	for name, vs := range h {
		if CredentialHeader(name) && !s.credential(name) {
			for i, v := range vs {
				vs[i] = MaskHeaderValue(v)
			}
		}
	}
	return h
}

// DisplayBody returns the body with credential form parameters masked unless
// reveal is set.
func (s *SentRequest) DisplayBody(reveal bool) []byte {
	if reveal {
		return s.Body
	}
	masked := false
	out := rewriteQuery(string(s.Body), func(k, part string) (string, bool) {
		for _, c := range s.Credentials {
			if c.Where == InBody && c.Name == k && c.Masked != c.Value {
				masked = true
				return url.QueryEscape(k) + "=" + c.Masked, true
			}
		}
		return part, true
	})
	if !masked {
		return s.Body
	}
	return []byte(out)
}

func (s *SentRequest) credential(header string) bool {
	for _, c := range s.Credentials {
		if c.Where == InHeader && strings.EqualFold(c.Name, header) {
			return true
		}
	}
	return false
}

// MaskHeaderValue masks a credential header value the user set by hand,
// keeping the auth-scheme word ("Bearer ••••••••") so the shape stays
// readable.
func MaskHeaderValue(v string) string {
	if i := strings.IndexByte(v, ' '); i > 0 && i < 20 && !strings.ContainsAny(v[:i], "=;") {
		return v[:i+1] + Mask("")
	}
	return Mask("")
}

// Hint explains a response: what the server is saying and what to check.
// Title and Detail may quote server text (untrusted).
type Hint struct {
	Level  Level
	Title  string   // e.g. "Twitter code 215 · Bad Authentication data."
	Detail string   // what it means
	Checks []string // likely causes, most likely first
	Ref    string   // where this is documented, e.g. "RFC 6750 §3.1"

	// fallback marks a generic explanation of a status class ("401 ·
	// credentials missing or not accepted"): it is left out when a specific
	// recognizer already explained the answer as an error.
	fallback bool
	// givesWay marks an RFC's generic reading of an error code (RFC 6750
	// invalid_token: "expired, revoked, malformed…"): it is left out when a
	// provider's or scheme's own recognizer explained the same answer as an
	// error (a JWT's bad signature), which it would contradict.
	givesWay bool
}

// Level orders hints by importance.
type Level int

// Hint levels.
const (
	LevelInfo Level = iota
	LevelWarn
	LevelError
)

func (l Level) String() string {
	switch l {
	case LevelWarn:
		return "warning"
	case LevelError:
		return "error"
	}
	return "info"
}
