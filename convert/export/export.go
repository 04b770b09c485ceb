// Package export writes a request (a saved profile) as code for another
// tool: a curl or HTTPie command line, a Python requests script or a Go
// program. Secrets never appear in the text: each becomes an environment
// variable the snippet reads ("$GITHUB_PASSWORD", os.environ["…"],
// os.Getenv("…")), named after the field and listed in a comment, unless the
// caller asks for literal values (Options.Reveal).
//
// Each target is a file that registers itself (see target); inside a target,
// each scheme's rendering is an entry of the target's own table, so a new
// scheme is a new entry, and a scheme a target cannot compute is either
// written through the target's plugin or as an already-signed request
// (Presign) with a comment saying for how long it is valid.
package export

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/profiles"
)

// Options say how to export.
type Options struct {
	// Reveal writes secret values into the text instead of environment
	// variables. The caller warns the user first.
	Reveal bool
	// Resolve returns the value a reference (env:, file:, keyring:, prompt)
	// or literal stands for; label names the field. It is needed for
	// Reveal and for schemes that must be signed now (Presign); nil makes
	// both fail with a clear error.
	Resolve func(label, value string) (string, error)
	// Expand rewrites placeholders in the URL and non-secret fields (the
	// practice server's {{practice}}); nil leaves them.
	Expand func(string) string
	// ExpandNote is the warning the snippet gets when Expand changed
	// anything ("it sends to the practice server at …").
	ExpandNote string
	// Now and Rand are the clock and randomness of Presign (time.Now and
	// crypto/rand when nil).
	Now  func() time.Time
	Rand io.Reader
}

// Snippet is one exported text.
type Snippet struct {
	Target string
	Text   string // ends with a newline
	// Vars are the environment variables the text reads, in the order it
	// reads them.
	Vars []Var
	// Warnings are one line each: what the target cannot do itself and how
	// the text works around it ("curl cannot sign OAuth 1.0a: the header
	// below is signed for one nonce and timestamp").
	Warnings []string
}

// Var is an environment variable an exported text reads.
type Var struct {
	Name   string // GITHUB_PASSWORD
	Field  string // password; "header Authorization"; "tls.key_password"
	Label  string // Password
	Secret bool
	// From says where the profile keeps the value, for the comment that
	// tells the user what to set: "env:GITHUB_PASSWORD", "keyring:gh",
	// "prompt", "file:~/.token", or "a literal in the profile".
	From string
}

// ErrUnsupported is returned (wrapped) when a target cannot express a
// request at all; the message names the targets that can.
var ErrUnsupported = errors.New("not supported by this target")

// target is one output language. Implementations live one to a file.
type target interface {
	// name is the --format value: curl, httpie, python, go.
	name() string
	// render writes p. It reads secret values only through p.
	render(p *Plan) (Snippet, error)
	// writes reports whether the target has code of its own for the
	// scheme called name; for one it has not, it writes the request
	// signed ahead (authn.Presignable) or refuses it with the reason.
	writes(scheme string) bool
}

// targets are registered by the target files' init functions (the
// database/sql driver pattern) and never changed afterwards.
var targets []target

func register(t target) {
	for _, o := range targets {
		if o.name() == t.name() {
			panic("export: target registered twice: " + t.name())
		}
	}
	targets = append(targets, t)
}

// Targets lists the format names: the shell tools first, then the
// languages (the order of the TUI's format tabs), others by name.
func Targets() []string {
	out := make([]string, 0, len(targets))
	for _, t := range targets {
		out = append(out, t.name())
	}
	rank := func(name string) int {
		if i := slices.Index([]string{"curl", "httpie", "python", "go"}, name); i >= 0 {
			return i
		}
		return 100
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := rank(out[i]), rank(out[j]); a != b {
			return a < b
		}
		return out[i] < out[j]
	})
	return out
}

// Export writes p as code for the target called format. When the target
// cannot express the request (ErrUnsupported), the error names the formats
// that can, found by writing the request for each of them with a stand-in
// for every secret (nothing is read, nothing is asked): targets say only
// what they cannot do, so the way out is never stale.
func Export(p profiles.Profile, format string, opt Options) (Snippet, error) {
	s, err := exportTo(p, format, opt)
	if err == nil || !errors.Is(err, ErrUnsupported) {
		return s, err
	}
	probe := opt
	probe.Reveal = false
	probe.Resolve = func(string, string) (string, error) { return "stand-in-secret", nil }
	var can []string
	for _, other := range Targets() {
		if _, perr := exportTo(p, other, probe); other != format && perr == nil {
			can = append(can, "--format "+other)
		}
	}
	if len(can) == 0 {
		return s, &unsupportedError{what: err.Error() + "; no export format can write this request: send it with authlab itself"}
	}
	return s, &unsupportedError{what: err.Error() + "; " + strings.Join(can, " or ") + " can"}
}

// exportTo is Export without the search for formats that can.
func exportTo(p profiles.Profile, format string, opt Options) (Snippet, error) {
	var t target
	for _, c := range targets {
		if c.name() == format {
			t = c
		}
	}
	if t == nil {
		return Snippet{}, authn.Inputf("use --format "+strings.Join(Targets(), ", "), "unknown export format %q", format)
	}
	plan, err := newPlan(p, opt)
	if err != nil {
		return Snippet{}, err
	}
	s, err := t.render(plan)
	if err != nil {
		return Snippet{}, err
	}
	s.Target = t.name()
	s.Vars = nil
	for _, v := range plan.vars { // only those the text reads: a signed-ahead request needs fewer
		if readsVar(s.Text, v.Name) {
			s.Vars = append(s.Vars, v)
		}
	}
	s.Warnings = append(plan.warnings, s.Warnings...)
	if !strings.HasSuffix(s.Text, "\n") {
		s.Text += "\n"
	}
	return s, nil
}

// Value is one value in an exported text: a literal, or an environment
// variable the text reads at run time. Exactly one of Lit and Var is set
// (both empty: the empty literal).
type Value struct {
	Lit string
	Var string
}

// IsVar reports whether v is read from the environment.
func (v Value) IsVar() bool { return v.Var != "" }

// Plan is the request to write, with every value classified: what the text
// may contain literally and what it must read from the environment. Targets
// render a Plan; they never see a profile's references.
type Plan struct {
	Name   string // profile name ("" when none)
	Method string // never empty
	// URL is the URL as comments show it: the value of a secret query
	// parameter (authn.SecretParam: ?access_token=, ?api_key=) masked.
	// Targets send URLParts.
	URL string
	// URLParts is the URL to send: literal pieces and the variables that
	// hold the secret query values, as a credential header's value is one.
	URLParts []Value
	Headers  []Header
	Body     string
	Scheme   authn.Info
	// Fields holds every scheme field with a value, defaults applied.
	Fields  map[string]Value
	TLS     TLS
	Timeout time.Duration
	Follow  bool

	opt      Options
	vars     []Var
	raw      map[string]string // variable name → the profile's value (reference or literal)
	warnings []string
	prefix   string
}

// Header is a request header; a credential header typed by hand
// (Authorization, Cookie) has its value in the environment.
type Header struct {
	Name  string
	Value Value
}

// TLS options of the request.
type TLS struct {
	Insecure    bool
	CACert      string
	Cert        string
	Key         string
	KeyPassword Value // empty when none
}

// Field returns the value of scheme field name (the zero Value when unset).
func (p *Plan) Field(name string) Value { return p.Fields[name] }

// Lit returns the literal value of field name; for a field held in the
// environment it returns "" (use Field for those).
func (p *Plan) Lit(name string) string { return p.Fields[name].Lit }

// Warn adds a one-line warning to the snippet.
func (p *Plan) Warn(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

// Reveal reports whether the caller asked for literal secrets.
func (p *Plan) Reveal() bool { return p.opt.Reveal }

// Vars lists the environment variables read so far.
func (p *Plan) Vars() []Var { return p.vars }

// newPlan classifies p's values. A secret field (or a credential header, or
// a key password) becomes a variable unless Reveal; a non-secret field held
// as a reference becomes a variable too, since its value is not in the
// profile.
func newPlan(p profiles.Profile, opt Options) (*Plan, error) {
	scheme := p.Scheme
	if scheme == "" {
		scheme = "none"
	}
	s, err := authn.Lookup(scheme)
	if err != nil {
		return nil, err
	}
	if p.BodyFile != "" {
		// not ErrUnsupported: no target writes it yet, so no other format is offered
		return nil, authn.Inputf("paste the file's content as the body to export the request", "the body is the file %s, read when authlab sends the request: exports do not write a body file yet", p.BodyFile)
	}
	expanded := false
	expand := func(s string) string {
		if opt.Expand == nil {
			return s
		}
		x := opt.Expand(s)
		expanded = expanded || x != s
		return x
	}

	plan := &Plan{
		Name: p.Name, Method: strings.ToUpper(p.Method), URL: expand(p.URL), Body: p.Body,
		Scheme: s.Info(), Fields: map[string]Value{}, raw: map[string]string{}, Timeout: p.Timeout, Follow: p.Follow, opt: opt,
	}
	if plan.Method == "" {
		plan.Method = http.MethodGet
		if p.Body != "" {
			plan.Method = http.MethodPost
		}
	}
	if _, err := authn.ParseURL(plan.URL); err != nil {
		return nil, err
	}
	plan.prefix = varPrefix(p.Name, plan.URL)

	for _, f := range plan.Scheme.Fields {
		v, ok := p.Fields[f.Name]
		if !ok || v == "" {
			v = f.Default
		}
		if v == "" {
			continue
		}
		val, err := plan.value(f.Name, f.Label, v, f.Secret, expand)
		if err != nil {
			return nil, err
		}
		plan.Fields[f.Name] = val
	}
	for k := range p.Fields {
		if _, ok := plan.Scheme.Field(k); !ok && p.Fields[k] != "" {
			return nil, authn.Inputf("its fields are: "+strings.Join(plan.Scheme.FieldNames(), ", "), "scheme %q has no field %q", scheme, k)
		}
	}
	for _, h := range p.Headers {
		cred := authn.CredentialHeader(h.Name)
		val, err := plan.value("header "+http.CanonicalHeaderKey(h.Name), h.Name+" header", h.Value, cred, func(s string) string { return s })
		if err != nil {
			return nil, err
		}
		plan.Headers = append(plan.Headers, Header{Name: h.Name, Value: val})
	}
	// after the fields, so that their variables get the plain names
	var replaced []string // parameters the scheme sets, replacing the URL's
	if qs, ok := s.(authn.QuerySetter); ok {
		replaced = qs.SetsQuery(p.Fields)
	}
	if plan.URLParts, err = plan.urlParts(plan.URL, replaced); err != nil {
		return nil, err
	}
	if !opt.Reveal {
		plan.URL = authn.MaskQuery(plan.URL)
	}
	plan.TLS = TLS{Insecure: p.TLS.Insecure, CACert: p.TLS.CACert, Cert: p.TLS.Cert, Key: strings.TrimPrefix(p.TLS.Key, profiles.PrefixFile)}
	if p.TLS.KeyPassword != "" {
		val, err := plan.value("tls.key_password", "Key passphrase", p.TLS.KeyPassword, true, expand)
		if err != nil {
			return nil, err
		}
		plan.TLS.KeyPassword = val
	}
	if expanded && opt.ExpandNote != "" {
		plan.warnings = append(plan.warnings, opt.ExpandNote)
	}
	return plan, nil
}

// value classifies one value: a variable for a secret (unless Reveal) or a
// reference, a literal otherwise.
func (p *Plan) value(field, label, raw string, secret bool, expand func(string) string) (Value, error) {
	isRef := profiles.IsRef(raw)
	if !secret && !isRef {
		return Value{Lit: expand(raw)}, nil
	}
	if p.opt.Reveal {
		if p.opt.Resolve == nil {
			return Value{}, authn.Inputf("export without --reveal", "cannot read %s to reveal it", label)
		}
		v, err := p.opt.Resolve(label, raw)
		if err != nil {
			return Value{}, err
		}
		return Value{Lit: expand(v)}, nil
	}
	name := varName(p.prefix, p.Scheme.Name, field)
	from := "a literal in the profile"
	switch {
	case strings.HasPrefix(raw, profiles.PrefixEnv):
		name = strings.TrimPrefix(raw, profiles.PrefixEnv) // keep the user's own name
		from = raw
	case isRef:
		from = raw
	}
	name = p.uniqueVar(name, field)
	p.vars = append(p.vars, Var{Name: name, Field: field, Label: label, Secret: secret, From: from})
	p.raw[name] = raw
	return Value{Var: name}, nil
}

// uniqueVar returns name, or name with a suffix when another field already
// uses it (two fields with the same env: reference share it).
func (p *Plan) uniqueVar(name, field string) string {
	for i, v := range p.vars {
		if v.Name == name {
			if v.From == "env:"+name {
				p.vars = slices.Delete(p.vars, i, i+1) // the same variable, read once
				return name
			}
			return name + "_" + envname.Word(field)
		}
	}
	return name
}

// Resolve returns what v stands for now: the literal, or the value of the
// field its variable was made from, read through Options.Resolve (the
// profile's reference or literal, not the environment of the snippet). It is
// how a target signs a request it cannot sign itself (Presign).
func (p *Plan) Resolve(v Value) (string, error) {
	if !v.IsVar() {
		return v.Lit, nil
	}
	raw, ok := p.raw[v.Var]
	if !ok {
		raw = profiles.PrefixEnv + v.Var
	}
	if p.opt.Resolve == nil {
		return "", authn.Inputf("pass the secrets so they can be read (env:, file:, prompt)", "cannot read %s to sign the request now", v.Var)
	}
	label := v.Var
	for _, x := range p.vars {
		if x.Name == v.Var {
			label = x.Label
		}
	}
	return p.opt.Resolve(label, raw)
}

// urlParts cuts rawURL into the pieces to send: each secret query value
// (authn.SecretParam) becomes a variable, as a credential header does
// (Reveal keeps it literal). The variable holds the value as the URL has
// it, percent-encoding included, so the request is the same bytes.
func (p *Plan) urlParts(rawURL string, replaced []string) ([]Value, error) {
	i := strings.IndexByte(rawURL, '?')
	if i < 0 || len(authn.SecretQuery(rawURL)) == 0 {
		return []Value{{Lit: rawURL}}, nil
	}
	query, frag, hasFrag := strings.Cut(rawURL[i+1:], "#")
	out := []Value{{Lit: rawURL[:i+1]}}
	for j, part := range strings.Split(query, "&") {
		sep := ""
		if j > 0 {
			sep = "&"
		}
		k, v, ok := strings.Cut(part, "=")
		name, err := url.QueryUnescape(k)
		if !ok || v == "" || err != nil || !authn.SecretParam(name) || slices.Contains(replaced, name) {
			out = append(out, Value{Lit: sep + part}) // one the scheme replaces is never sent
			continue
		}
		val, err := p.value("query "+name, name+" query parameter", v, true, func(s string) string { return s })
		if err != nil {
			return nil, err
		}
		out = append(out, Value{Lit: sep + k + "="}, val)
	}
	if hasFrag {
		out = append(out, Value{Lit: "#" + frag})
	}
	return merge(out), nil
}

// sendURL is the URL to send with every variable of URLParts read: what
// Presign signs.
func (p *Plan) sendURL() (string, error) {
	var b strings.Builder
	for _, v := range p.URLParts {
		s, err := p.Resolve(v)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// readsVar reports whether text names the variable as a whole word
// (GITHUB_TOKEN, not GITHUB_TOKEN_2).
func readsVar(text, name string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(name)
		if (j == 0 || !isVarByte(text[j-1])) && (end == len(text) || !isVarByte(text[end])) {
			return true
		}
		i = j + 1
	}
}

func isVarByte(c byte) bool {
	return c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
}
