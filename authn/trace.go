package authn

import "strings"

// Trace is the teaching record of how a request was authenticated: ordered
// steps, each citing the section of the specification it implements and
// carrying the real values computed at that step. Secret values are flagged;
// every renderer masks them unless the user asked to reveal them.
type Trace struct {
	Steps []Step
}

// Step is one numbered step of a trace.
type Step struct {
	Title  string  // what happens, e.g. "Base64-encode the bytes"
	Ref    string  // where it is specified, e.g. "RFC 7617 §2"
	Note   string  // plain-language explanation (optional)
	Values []Value // the values computed or used at this step
}

// Value is one labelled value in a step.
type Value struct {
	Label  string
	Text   string
	Secret bool   // Text is (or contains) a secret
	Masked string // shown instead of Text when Secret and not revealed
	// Live marks a value that is not a secret one derives others from
	// but authenticates a request by itself while the server accepts it:
	// a signature over this request (RFC 5849 §3.4; a SigV4 signature is
	// valid for 15 minutes). It is shown, so a student can compare it
	// with a provider's, except in presenter mode (see Presenting),
	// where a projected signature could be replayed.
	Live bool
}

// Shown returns the text a renderer should display.
func (v Value) Shown(reveal bool) string {
	if !v.Secret || reveal {
		return v.Text
	}
	if v.Masked != "" {
		return v.Masked
	}
	return Mask(v.Text)
}

// Presenting returns v as presenter mode shows it: a Live value becomes a
// secret (fully masked), since a projector must show no credential that
// works by itself.
func (v Value) Presenting() Value {
	if v.Live && !v.Secret {
		v.Secret, v.Masked = true, ""
	}
	return v
}

// Presenting returns a copy of t in which every Live value is secret
// (Value.Presenting); t is not changed.
func (t Trace) Presenting() Trace {
	out := Trace{Steps: make([]Step, len(t.Steps))}
	for i, s := range t.Steps {
		s.Values = append([]Value(nil), s.Values...)
		for j, v := range s.Values {
			s.Values[j] = v.Presenting()
		}
		out.Steps[i] = s
	}
	return out
}

// Add appends a step and returns a pointer to it so values can be added.
func (t *Trace) Add(title, ref, note string, values ...Value) *Step {
	t.Steps = append(t.Steps, Step{Title: title, Ref: ref, Note: note, Values: values})
	return &t.Steps[len(t.Steps)-1]
}

// Plain makes a non-secret value.
func Plain(label, text string) Value { return Value{Label: label, Text: text} }

// Signature makes a Live value: a signature (or MAC) that authenticates
// this one request, shown except in presenter mode.
func Signature(label, text string) Value { return Value{Label: label, Text: text, Live: true} }

// Secret makes a secret value masked as masked ("" = fully masked).
func Secret(label, text, masked string) Value {
	return Value{Label: label, Text: text, Secret: true, Masked: masked}
}

// MaskRune is the character used to mask secrets.
const MaskRune = "•"

// Mask returns a fixed-width mask for a secret. The width does not depend on
// the secret, so a mask leaks nothing about its length.
func Mask(string) string { return strings.Repeat(MaskRune, 8) }
