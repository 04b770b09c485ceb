// Package format is the one place where the facts both front ends show —
// durations, exchange roles, header rows and trace value rows with their
// secret rule — are turned into text. The plain printer (package ui), the
// flow view and every TUI component call it, so `authlab send` and the TUI
// never disagree about how "87 ms" or "Authorization (secret)" is written.
//
// It is a leaf package under ui rather than a file of package ui because
// ui imports ui/flowview, which needs the same durations and roles: a file
// in ui would be an import cycle. Everything it returns is sanitized
// (ui/sanitize) and uncoloured; callers add their own styles.
package format

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/sanitize"
)

// NotMeasured is how Duration writes a duration that was not measured (zero
// or negative: a phase that did not happen, such as DNS on a reused
// connection).
const NotMeasured = "—"

// Duration writes d for a status line or a timing table: "412 µs" below a
// millisecond, whole milliseconds below ten seconds ("87 ms"), tenths of a
// second above ("12.3 s"), and NotMeasured for d ≤ 0.
func Duration(d time.Duration) string {
	switch {
	case d <= 0:
		return NotMeasured
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// Role names why an exchange was made (authn.RoleRequest when the engine
// left it unset), sanitized.
func Role(ex *authn.Exchange) string {
	if ex == nil || ex.Role == "" {
		return authn.RoleRequest
	}
	return sanitize.Line(ex.Role)
}

// Header is one header line as shown: name and value, both sanitized.
type Header struct {
	Name, Value string
}

// String is "Name: Value".
func (h Header) String() string { return h.Name + ": " + h.Value }

// Headers lists h one row per value, names sorted (values in the order
// received), every name and value sanitized. Masking is the caller's:
// pass a request's DisplayHeader(reveal), not its raw Header.
func Headers(h http.Header) []Header {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	var out []Header
	for _, k := range names {
		name := sanitize.Line(k)
		for _, v := range h[k] {
			out = append(out, Header{Name: name, Value: sanitize.Line(v)})
		}
	}
	return out
}

// SecretSuffix is appended to the label of a masked secret value.
const SecretSuffix = " (secret)"

// Value is one trace value as shown.
type Value struct {
	// Label is the value's label, with SecretSuffix when the value is a
	// masked secret.
	Label string
	// Text is what to show: the value, or its mask while Masked. It may
	// hold newlines (a PEM key, a canonical request); sanitize.String
	// kept them and escaped everything else.
	Text string
	// Masked says Text is a mask standing for a secret (style it as one).
	Masked bool
}

// Values applies the secret rule to a step's values: a secret value is
// shown as its mask, labelled SecretSuffix, unless reveal; every label and
// text is sanitized.
func Values(s authn.Step, reveal bool) []Value {
	out := make([]Value, len(s.Values))
	for i, v := range s.Values {
		out[i] = TraceValue(v, reveal)
	}
	return out
}

// TraceValue applies the secret rule to one value (see Values).
func TraceValue(v authn.Value, reveal bool) Value {
	fv := Value{Label: sanitize.Line(v.Label), Text: sanitize.String(v.Shown(reveal))}
	if v.Secret && !reveal {
		fv.Label += SecretSuffix
		fv.Masked = true
	}
	return fv
}

// SchemeHeading is a trace's heading: the scheme's title and, when known,
// the document it implements ("OAuth 1.0a (RFC 5849)").
func SchemeHeading(in authn.Info) string {
	h := sanitize.Line(in.Title)
	if in.Spec != "" {
		h += " (" + sanitize.Line(in.Spec) + ")"
	}
	return h
}
