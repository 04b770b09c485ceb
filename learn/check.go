package learn

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
)

// Check is what the practice server must have answered for a lesson to
// pass. The server decides: its verdict travels back in the
// X-Authlab-Practice-Trace header of its answer (practice.TraceHeader),
// written by the server after verifying the request itself, and the check
// reads that, never the client's idea of what it sent.
type Check struct {
	// Method and Path name the endpoint ("GET", "/github/user"); Method ""
	// is any. Path is compared without the query, as the server records it.
	Method string `toml:"method"`
	Path   string `toml:"path"`
	// Scheme is the scheme the server verified ("oauth1"); "" is any.
	Scheme string `toml:"scheme"`
	// Status is the status wanted; 0 is any 2xx.
	Status int `toml:"status"`
	// Verdict, when set, must appear in the server's verdict (case
	// folded): "code 32", "wrong region".
	Verdict string `toml:"verdict"`
	// Values are values the server computed, by label, that must match
	// exactly ("oauth_signature_method" = "HMAC-SHA1").
	Values map[string]string `toml:"values"`
}

func (c Check) validate() error {
	switch {
	case !strings.HasPrefix(c.Path, "/"):
		return errors.New(`path must be the practice endpoint's path, starting with "/" ("/github/user")`)
	case strings.ContainsAny(c.Path, "?#"):
		return errors.New("path is compared without a query: leave the query out")
	case c.Status != 0 && (c.Status < 100 || c.Status > 599):
		return fmt.Errorf("status %d is not an HTTP status", c.Status)
	}
	return nil
}

// Attempt is one answer of the practice server: the request's endpoint,
// the status, and the server's own trace of what it verified.
type Attempt struct {
	Method string
	Path   string
	Status int
	// Server is the server's trace; HasServer is false when the answer
	// carried none (not the practice server, or an endpoint that verifies
	// nothing).
	Server    practice.ServerTrace
	HasServer bool
}

// Attempts reads the practice server's answers out of a send: one per
// exchange that got a response, in order (a Digest challenge and its
// answer, an OAuth 2.0 token request and the API call).
func Attempts(res *authn.Result) []Attempt {
	if res == nil {
		return nil
	}
	var out []Attempt
	for _, e := range res.Exchanges {
		if e.Response == nil || e.Request.URL == nil {
			continue
		}
		a := Attempt{Method: e.Request.Method, Path: e.Request.URL.Path, Status: e.Response.Status}
		if h := e.Response.Header.Get(practice.TraceHeader); h != "" {
			if t, err := practice.DecodeTrace(h); err == nil {
				a.Server, a.HasServer = t, true
			}
		}
		out = append(out, a)
	}
	return out
}

// Outcome is what a check decided.
type Outcome struct {
	Pass bool
	// Why says, in one line, what the server answered and what the lesson
	// wants, when it failed ("the server answered 401 (signature mismatch
	// (code 32)); this lesson wants 200"); what passed, when it passed.
	// It holds the server's text: sanitize it before a terminal.
	Why string
	// Attempt is the answer the check judged (the last one for the
	// lesson's endpoint); nil when none was for it.
	Attempt *Attempt
}

// Judge decides the check against the answers of one send: the last
// answer for the lesson's endpoint counts (after a Digest challenge, its
// retry; after a token request, the API call).
func (c Check) Judge(as []Attempt) Outcome {
	var a *Attempt
	for i := len(as) - 1; i >= 0; i-- {
		if as[i].Path == c.Path && (c.Method == "" || strings.EqualFold(as[i].Method, c.Method)) {
			a = &as[i]
			break
		}
	}
	want := c.want()
	if a == nil {
		seen := make([]string, 0, len(as))
		for _, x := range as {
			if !slices.Contains(seen, x.Method+" "+x.Path) {
				seen = append(seen, x.Method+" "+x.Path)
			}
		}
		if len(seen) == 0 {
			return Outcome{Why: fmt.Sprintf("no answer came back; this lesson wants %s from %s", want, c.endpoint())}
		}
		return Outcome{Why: fmt.Sprintf("the request went to %s; this lesson wants %s from %s", strings.Join(seen, ", "), want, c.endpoint())}
	}
	got := fmt.Sprintf("%d", a.Status)
	if t := http.StatusText(a.Status); t != "" {
		got += " " + t
	}
	if a.HasServer && a.Server.Verdict != "" {
		got += " (" + a.Server.Verdict + ")"
	}
	fail := func(what string) Outcome {
		return Outcome{Why: fmt.Sprintf("the server answered %s; this lesson wants %s", got, what), Attempt: a}
	}
	if !a.HasServer {
		return Outcome{Why: fmt.Sprintf("%s answered %d without the practice server's trace: send it to the practice server ({{practice}})", c.endpoint(), a.Status), Attempt: a}
	}
	if c.Status == 0 && a.Status/100 != 2 || c.Status != 0 && a.Status != c.Status {
		return fail(want)
	}
	if c.Scheme != "" && a.Server.Scheme != c.Scheme {
		return fail(fmt.Sprintf("%s with the %s scheme (the server saw %q)", want, c.Scheme, a.Server.Scheme))
	}
	if c.Verdict != "" && !strings.Contains(strings.ToLower(a.Server.Verdict), strings.ToLower(c.Verdict)) {
		return fail(fmt.Sprintf("%s saying %q", want, c.Verdict))
	}
	keys := make([]string, 0, len(c.Values))
	for k := range c.Values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v, ok := serverValue(a.Server, k)
		if !ok {
			return fail(fmt.Sprintf("%s with %s = %s (the server recorded no %s)", want, k, c.Values[k], k))
		}
		if v != c.Values[k] {
			return fail(fmt.Sprintf("%s with %s = %s (the server saw %s)", want, k, c.Values[k], v))
		}
	}
	return Outcome{Pass: true, Why: "the server answered " + got, Attempt: a}
}

// want describes the status the check wants.
func (c Check) want() string {
	if c.Status == 0 {
		return "a 2xx"
	}
	if t := http.StatusText(c.Status); t != "" {
		return fmt.Sprintf("%d %s", c.Status, t)
	}
	return fmt.Sprintf("%d", c.Status)
}

func (c Check) endpoint() string {
	if c.Method == "" {
		return c.Path
	}
	return c.Method + " " + c.Path
}

func serverValue(t practice.ServerTrace, label string) (string, bool) {
	for _, v := range t.Values {
		if v.Label == label {
			return v.Value, true
		}
	}
	return "", false
}
