package authn

import (
	"bytes"
	"encoding/json"
	"math"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Explain runs every registered recognizer over the final exchange of a call
// and returns the hints, most important first (LevelError, then LevelWarn,
// then LevelInfo; stable within a level), with duplicates (same Title)
// removed. ex may have a nil Response (then no hints). now is the local clock
// when the response arrived (for clock-skew detection, RFC 9110 §6.6.1).
// scheme is the scheme that was used (Info.Name may be "none").
//
// The hints quote server text (error messages, realms, descriptions), which
// is untrusted: renderers must sanitize Title, Detail and Checks.
func Explain(ex *Exchange, scheme Info, now time.Time) []Hint {
	return explain(ex, scheme, now, 0)
}

// explain is Explain for the final exchange of a call that followed
// redirects: hops is how many it followed (0 when redirects were not
// followed), so a final 3xx is told apart as "not followed" or "gave up".
func explain(ex *Exchange, scheme Info, now time.Time, hops int) []Hint {
	if ex == nil || ex.Response == nil {
		return nil
	}
	in := newHintInput(ex, scheme, now)
	in.hops = hops
	var all []rankedHint
	for _, r := range builtinRecognizers {
		for _, h := range r.fn(in) {
			all = append(all, rankedHint{h, r.rank})
		}
	}
	return orderHints(all)
}

// rankedHint is a hint with the rank of the recognizer that made it.
type rankedHint struct {
	Hint
	rank int
}

// orderHints sorts hints by Level (most severe first), then by recognizer
// rank, keeping the order of emission otherwise, and drops every hint whose
// Title was already seen (so the most severe of duplicates stays).
func orderHints(all []rankedHint) []Hint {
	if len(all) == 0 {
		return nil
	}
	slices.SortStableFunc(all, func(a, b rankedHint) int {
		if a.Level != b.Level {
			return int(b.Level) - int(a.Level)
		}
		return a.rank - b.rank
	})
	explained := false // a specific recognizer found the cause
	byScheme := false  // a provider's or scheme's own recognizer did
	for _, h := range all {
		if h.Level == LevelError && h.rank < hintRankStatus && !h.fallback {
			explained = true
		}
		if h.Level == LevelError && h.rank < hintRankRFCError && !h.fallback && !h.givesWay {
			byScheme = true
		}
	}
	seen := make(map[string]bool, len(all))
	out := make([]Hint, 0, len(all))
	for _, h := range all {
		if seen[h.Title] || explained && h.fallback || byScheme && h.givesWay {
			continue
		}
		seen[h.Title] = true
		out = append(out, h.Hint)
	}
	return out
}

// recognizer explains one family of responses (a provider's error bodies, an
// RFC's error codes, a status class). fn must not panic on any response, must
// treat everything in it as untrusted, and returns nil when it has nothing to
// say.
type recognizer struct {
	name string // for tests and the duplicate check
	// rank orders hints of the same Level: lower first. Provider-specific
	// recognizers use 10, RFC error codes 20, challenges 30, clock 40,
	// generic status classes 50, descriptions of what a server offers 60.
	rank int
	fn   func(in hintInput) []Hint
}

// Ranks of the recognizer families (see recognizer.rank).
const (
	hintRankProvider  = 10
	hintRankRFCError  = 20
	hintRankChallenge = 30
	hintRankClock     = 40
	hintRankStatus    = 50
	hintRankOffer     = 60
)

// builtinRecognizers is filled by the init functions of the hints_*.go files
// and never changed afterwards (the same pattern as the scheme registry):
// adding a provider is adding a file.
var builtinRecognizers []recognizer

func registerRecognizer(name string, rank int, fn func(hintInput) []Hint) {
	for _, r := range builtinRecognizers {
		if r.name == name {
			panic("authn: hint recognizer registered twice: " + name)
		}
	}
	builtinRecognizers = append(builtinRecognizers, recognizer{name: name, rank: rank, fn: fn})
}

// hintMaxJSONBody is the largest body Explain decodes as JSON. Error bodies
// are small; a large body is a payload, not an explanation.
const hintMaxJSONBody = 2 << 20

// hintInput is what every recognizer sees. It is built once per Explain
// call; the challenges are parsed once and the JSON body is decoded at most
// once, on first use.
type hintInput struct {
	ex     *Exchange
	resp   *Response // never nil
	scheme Info
	now    time.Time

	challenges    []Challenge // from WWW-Authenticate (RFC 9110 §11.6.1)
	challengeErr  error
	proxy         []Challenge // from Proxy-Authenticate (RFC 9110 §11.7.1)
	proxyErr      error
	hasChallenges bool // a WWW-Authenticate field was present, even if empty or malformed

	json func() any // the decoded body, or nil when it is not (small, valid) JSON

	hops int // redirects followed before this exchange (0: not following)
}

func newHintInput(ex *Exchange, scheme Info, now time.Time) hintInput {
	resp := ex.Response
	in := hintInput{ex: ex, resp: resp, scheme: scheme, now: now}
	if vs := resp.Header.Values("WWW-Authenticate"); len(vs) > 0 {
		in.hasChallenges = true
		in.challenges, in.challengeErr = ParseChallenges(vs)
	}
	if vs := resp.Header.Values("Proxy-Authenticate"); len(vs) > 0 {
		in.proxy, in.proxyErr = ParseChallenges(vs)
	}
	in.json = sync.OnceValue(func() any { return hintDecodeJSON(resp) })
	return in
}

// hintDecodeJSON decodes the body when it looks like JSON (a JSON media type,
// RFC 8259 §11 and RFC 6838 §4.2.8 "+json", or a body starting with "{" or
// "["), is complete and is small enough. Any decoding error yields nil.
func hintDecodeJSON(resp *Response) any {
	body := resp.Body
	if len(body) == 0 || len(body) > hintMaxJSONBody || resp.Truncated {
		return nil
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	looks := len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
	if !looks {
		if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil ||
			!(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
			return nil
		}
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil
	}
	return v
}

// object returns the body as a JSON object, or nil.
func (in hintInput) object() map[string]any {
	m, _ := in.json().(map[string]any)
	return m
}

// hintJSONString returns m[key] when it is a string.
func hintJSONString(m map[string]any, key string) (string, bool) {
	s, ok := m[key].(string)
	return s, ok
}

// hintJSONInt returns m[key] when it is an integral JSON number.
func hintJSONInt(m map[string]any, key string) (int, bool) {
	f, ok := m[key].(float64)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<31 {
		return 0, false
	}
	return int(f), true
}

// status returns the response status code.
func (in hintInput) status() int { return in.resp.Status }

// header returns the first value of a response header.
func (in hintInput) header(name string) string { return in.resp.Header.Get(name) }

// sentAuthScheme returns the auth-scheme word of the Authorization header
// that was sent ("" when none was sent).
func (in hintInput) sentAuthScheme() string {
	v := strings.TrimSpace(in.ex.Request.Header.Get("Authorization"))
	if i := strings.IndexAny(v, " \t"); i >= 0 {
		v = v[:i]
	}
	if !challengeIsToken(v) {
		return ""
	}
	return v
}

// schemeName is the name of the scheme that was used, "none" when empty.
func (in hintInput) schemeName() string {
	if in.scheme.Name == "" {
		return "none"
	}
	return in.scheme.Name
}

// schemeTitle is a human name for the scheme that was used.
func (in hintInput) schemeTitle() string {
	if in.scheme.Title != "" {
		return in.scheme.Title
	}
	return in.schemeName()
}

// host is the host name the request went to, lower-cased.
func (in hintInput) host() string {
	if in.ex.Request.URL == nil {
		return ""
	}
	return strings.ToLower(in.ex.Request.URL.Hostname())
}

// hintStatusText names a status code without trusting the reason phrase the
// server sent.
func hintStatusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "status"
}

// hintQuote puts server text in quotes for a hint, shortened to max
// bytes (on a rune boundary). The renderer sanitizes it.
func hintQuote(s string, max int) string {
	return "“" + hintShorten(s, max) + "”"
}

// hintShorten cuts s to at most max bytes on a rune boundary, adding "…".
func hintShorten(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// hintHostIs reports whether host is domain or a subdomain of it.
func hintHostIs(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}
