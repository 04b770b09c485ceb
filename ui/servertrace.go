package ui

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
)

// Comparison is the practice server's side of a verification beside the
// client's: what the server computed and the first place the two disagree.
type Comparison struct {
	Server practice.ServerTrace
	First  practice.Difference
	Differ bool
	// Rows pair each server value with the client's value of the same
	// (normalised) label, in the server's order; see Row.
	Rows []Row
}

// Side says what a server value is, so a renderer can name the column
// per row instead of calling everything "server".
type Side int

const (
	// ServerRecomputed: the server worked the value out itself from what
	// it received and its own secrets (a signature base string, the
	// signature it expected, HA2). It is what the client's value should be.
	ServerRecomputed Side = iota
	// ServerReceived: the value as the server read it off the request (a
	// nonce, a consumer key, the signature that arrived).
	ServerReceived
	// ServerOnly: a fact only the server has (its clock, the length of the
	// secret it holds, its verdict detail); nothing of the client's to
	// compare it with.
	ServerOnly
)

// String is the column name for the server's side of a row.
func (s Side) String() string {
	switch s {
	case ServerReceived:
		return "server received"
	case ServerOnly:
		return "server"
	}
	return "server expects"
}

// Row is one server value and, when the client traced a value of the same
// label, the client's.
type Row struct {
	Label     string // the server's label (untrusted: sanitize)
	Server    string // the server's value (untrusted: sanitize)
	Side      Side
	Client    authn.Value // the client's value of the same label, if HasClient
	HasClient bool
	// Differs: the client's value is not the server's (a paired, non-secret
	// value), or the row is the first difference practice.First found.
	Differs bool
	// ServerMasked: Server is a mask (presenter mode, see
	// Comparison.Presenting).
	ServerMasked bool
}

// Outcome is what a comparison may honestly claim.
type Outcome int

const (
	// NothingCompared: no server value had a client value to pair with.
	NothingCompared Outcome = iota
	// Agree: the server accepted and every paired value agrees.
	Agree
	// Differ: a value differs (First says where).
	Differ
	// RefusedAgree: the server refused although no paired value differs;
	// the cause is something the values do not show.
	RefusedAgree
)

// Outcome says what was compared and what came of it. Only Agree may be
// shown with a tick.
func (c Comparison) Outcome() Outcome {
	paired := c.Paired()
	switch {
	case c.Differ:
		return Differ
	case paired == 0:
		return NothingCompared
	case c.Server.Verdict != "ok":
		return RefusedAgree
	}
	return Agree
}

// Paired counts the rows that have both sides.
func (c Comparison) Paired() int {
	n := 0
	for _, r := range c.Rows {
		if r.HasClient {
			n++
		}
	}
	return n
}

// Summary is one line saying what was compared and what came of it, for
// both front ends. It never claims agreement that was not checked.
func (c Comparison) Summary() string {
	n := c.Paired()
	switch c.Outcome() {
	case Agree:
		return fmt.Sprintf("✓ the practice server accepted the request, and the %d value%s both sides computed agree", n, plural(n))
	case Differ:
		return "✗ first difference: " + c.First.Label
	case RefusedAgree:
		return fmt.Sprintf("✗ the practice server refused (%s), though the %d value%s both sides computed agree: the cause is not in them", c.Server.Verdict, n, plural(n))
	}
	return "nothing compared: the server's trace has no value your trace also has"
}

// Compare reads the practice server's trace header from the final response
// and pairs it with the client's trace. ok is false when nothing can be
// compared: nothing was sent, no response came back, or the response did
// not come from the practice server (only it sends the header). Everything
// in the returned values came from a server: sanitize before display.
func Compare(res *authn.Result) (c Comparison, ok bool) {
	fin := res.Final()
	if fin == nil || fin.Response == nil {
		return c, false
	}
	h := fin.Response.Header.Get(practice.TraceHeader)
	if h == "" {
		return c, false
	}
	st, err := practice.DecodeTrace(h)
	if err != nil {
		return c, false
	}
	c.Server = st
	c.First, c.Differ = practice.First(res.Trace, st)
	c.Rows = rows(res, st, c)
	return c, true
}

// ServerSide is a server trace on its own, without a client trace to pair
// it with (the room view of `authlab serve --room` holds only what the
// server saw): each row is what the server received ("received X") or a
// fact of its own. Everything in it came from a client or the server:
// sanitize before display.
func ServerSide(st practice.ServerTrace) Comparison {
	c := Comparison{Server: st}
	c.Rows = rows(&authn.Result{}, st, c)
	return c
}

// rows pairs the server's values with the client's by normalised label
// (the first client value of a label wins, as in practice.Compare) and
// names the server's side of each:
//   - "received X" is what arrived; it pairs with the client's X, and the
//     server's own X (if any) is then what it recomputed;
//   - otherwise a value the client sent verbatim (in the final request's
//     URL, headers or body) is one the server received;
//   - otherwise the server recomputed it; a server value with no client
//     value of its label is ServerOnly.
func rows(res *authn.Result, st practice.ServerTrace, c Comparison) []Row {
	client := map[string]authn.Value{}
	for _, s := range res.Trace.Steps {
		for _, v := range s.Values {
			k := practice.NormLabel(v.Label)
			if _, ok := client[k]; !ok {
				client[k] = v
			}
		}
	}
	received := map[string]bool{}
	for _, v := range st.Values {
		if k, ok := strings.CutPrefix(practice.NormLabel(v.Label), "received "); ok {
			received[k] = true
		}
	}
	sent := sentText(res.Final())
	first := practice.NormLabel(c.First.Label)
	out := make([]Row, 0, len(st.Values))
	for _, v := range st.Values {
		k := practice.NormLabel(v.Label)
		r := Row{Label: v.Label, Server: v.Value, Side: ServerOnly}
		ck := k
		if rk, ok := strings.CutPrefix(k, "received "); ok {
			ck, r.Side = rk, ServerReceived
		}
		if cv, ok := client[ck]; ok {
			r.Client, r.HasClient = cv, true
			if r.Side == ServerOnly {
				r.Side = ServerRecomputed
				if !received[ck] && !cv.Secret && cv.Text != "" && strings.Contains(sent, cv.Text) {
					r.Side = ServerReceived
				}
			}
			r.Differs = !cv.Secret && cv.Text != v.Value
		}
		if c.Differ && (k == first || ck == first) {
			r.Differs = true
		}
		out = append(out, r)
	}
	return out
}

// sentText is the final request as sent, its URL decoded too, for finding
// which client values went on the wire verbatim.
func sentText(ex *authn.Exchange) string {
	if ex == nil {
		return ""
	}
	var b strings.Builder
	if u := ex.Request.URL; u != nil {
		b.WriteString(u.String() + "\n")
		if d, err := url.QueryUnescape(u.RawQuery); err == nil {
			b.WriteString(d + "\n")
		}
	}
	for k, vs := range ex.Request.Header {
		for _, v := range vs {
			b.WriteString(k + ": " + v + "\n")
			if d, err := url.PathUnescape(v); err == nil {
				b.WriteString(d + "\n")
			}
		}
	}
	b.Write(ex.Request.Body)
	return b.String()
}
