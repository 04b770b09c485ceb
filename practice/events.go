package practice

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventVerified is one verification: a handler checked a credential
	// and answered (finish).
	EventVerified EventKind = iota
	// EventRefused is a request the server refused before any handler
	// verified it: a rate or connection limit (429), a body cap (413).
	EventRefused
)

// Event is one request the practice server answered, as the instructor may
// see it: the console prints it, the room view (`authlab serve --room`)
// keeps the last per student and endpoint.
//
// Nothing in an Event is a live credential: Trace went through MaskTrace
// (codes, tokens, signatures and verifiers masked, long values cut), and
// the path carries no query (a query may hold a key or a token). Student
// names and trace values are the client's text: sanitize before a
// terminal.
type Event struct {
	Time   time.Time
	Kind   EventKind
	Client Client
	Method string
	Path   string // the URL path, never the query
	Status int
	// Trace is the server trace, masked. For an EventRefused it holds the
	// endpoint and, as Verdict, the reason.
	Trace ServerTrace
	// Mistake is a short category of what went wrong, as far as the server
	// can tell from what it checked ("token secret missing", "clock 10 min
	// behind"); "" when the request passed or was a normal step of a flow
	// (Digest's first 401, a device poll before approval).
	Mistake string
}

// OK reports whether the request passed (a 1xx–3xx answer).
func (e Event) OK() bool { return e.Status < 400 }

// Endpoint is the method and path, "GET /github/user".
func (e Event) Endpoint() string { return e.Method + " " + e.Path }

// Observer receives every Event of a Server (Options.Observe).
//
// Contract: it is called on the goroutine serving the request, possibly
// from many at once, before the response is written. It must be safe for
// concurrent use and must not block: hand the event to a buffered channel
// and drop (and count) when it is full, as the room view does. It must not
// keep a reference into the Event's slices past the call unless it treats
// them as read-only (each Event has its own copy).
type Observer func(Event)

// maxEventValue bounds a trace value kept in an Event (runes): a 1 MB
// parameter string would otherwise be held per student by the room view.
const maxEventValue = 2048

// emit hands e to every observer.
func (s *Server) emit(e Event) {
	if s.observe != nil {
		s.observe(e)
	}
}

// observers joins the console on o.Log and o.Observe into one observer;
// nil when there is none.
func observers(o Options) Observer {
	var fs []Observer
	if o.Log != nil && o.Log != io.Discard {
		fs = append(fs, NewConsole(o.Log, ConsoleOptions{Now: o.Now}).Observe)
	}
	if o.Observe != nil {
		fs = append(fs, o.Observe)
	}
	switch len(fs) {
	case 0:
		return nil
	case 1:
		return fs[0]
	}
	return func(e Event) {
		for _, f := range fs {
			f(e)
		}
	}
}

// verified reports the verification of r that t records.
func (s *Server) verified(r *http.Request, t *ServerTrace, status int) {
	if s.observe == nil {
		return
	}
	s.emit(Event{
		Time: s.now(), Kind: EventVerified, Client: ClientOf(r),
		Method: r.Method, Path: r.URL.Path, Status: status,
		Mistake: s.mistake(*t, status), Trace: MaskTrace(*t),
	})
}

// Refused reports a request refused before verification (limits call it:
// a 429 from the rate limit, a 413 from a body cap), so the console and
// the room view show it beside the verifications. reason is short and
// says what limit was hit ("too many requests: 20/s per client").
func (s *Server) Refused(r *http.Request, status int, reason string) {
	if s.observe == nil {
		return
	}
	s.emit(Event{
		Time: s.now(), Kind: EventRefused, Client: ClientOf(r),
		Method: r.Method, Path: r.URL.Path, Status: status,
		Trace:   ServerTrace{Endpoint: r.URL.Path, Verdict: reason},
		Mistake: reason,
	})
}

// ---- masking -------------------------------------------------------------

// credentialLabels are trace labels whose value is a live credential or
// lets another person finish someone's flow: a device user_code (another
// student could approve or deny it), request tokens and verifiers, and
// signatures and Digest responses (replayable for a while: SigV4 has no
// nonce, a JWT's expected signature with its signing input is a valid
// token).
var credentialLabels = map[string]bool{
	"user_code": true, "device_code": true, "code": true,
	"oauth_token": true, "issued oauth_token": true, "oauth_verifier": true,
	"oauth_signature": true, "received oauth_signature": true,
	"signature": true, "received signature": true, "expected signature": true,
	"response": true, "received response": true,
	"access_token": true, "refresh_token": true,
}

// IsCredentialLabel reports whether a trace value with this label is
// masked outside the client's own response: one of credentialLabels, or
// any label naming a token, code, secret, password, verifier or signature
// that is not a length or a description (a label added later is masked
// until someone says otherwise).
func IsCredentialLabel(label string) bool {
	l := strings.ToLower(label)
	if credentialLabels[l] {
		return true
	}
	if strings.HasSuffix(l, " length") || strings.HasSuffix(l, " source") || strings.HasSuffix(l, " method") || strings.HasSuffix(l, "_method") ||
		strings.HasSuffix(l, " check") || strings.HasSuffix(l, " valid") || strings.HasSuffix(l, " scope") ||
		strings.HasSuffix(l, "rotation") || strings.Contains(l, "challenge") || strings.Contains(l, "base string") {
		return false
	}
	for _, w := range []string{"token", "code", "secret", "password", "verifier", "signature"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// MaskTrace returns a copy of t fit for a shared screen: credential values
// (IsCredentialLabel) replaced by their length, every value cut to
// maxEventValue runes.
func MaskTrace(t ServerTrace) ServerTrace {
	vs := make([]TraceValue, len(t.Values))
	for i, v := range t.Values {
		switch {
		case v.Value == "":
		case IsCredentialLabel(v.Label):
			v.Value = maskedValue(v.Value)
		default:
			v.Value = cut(v.Value, maxEventValue)
		}
		vs[i] = v
	}
	t.Values = vs
	return t
}

// maskedValue is what a masked value shows: its length only.
func maskedValue(v string) string {
	return "•••• (masked, " + strconv.Itoa(utf8.RuneCountInString(v)) + " chars)"
}

// cut shortens v to n runes, saying how much was left out.
func cut(v string, n int) string {
	if utf8.RuneCountInString(v) <= n {
		return v
	}
	rs := []rune(v)
	return string(rs[:n]) + "… (" + strconv.Itoa(len(rs)-n) + " more)"
}
