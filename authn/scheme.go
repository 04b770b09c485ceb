package authn

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// Field describes one credential field of a scheme. The field names are the
// command-line contract (`-c FIELD=VALUE`), the profile format and the labels
// of the TUI's credential form; all of them are generated from this one
// description.
type Field struct {
	Name      string   // contract name, e.g. "consumer_secret"
	Label     string   // human label, e.g. "Consumer secret"
	Help      string   // one line of help
	Secret    bool     // masked in every renderer unless revealed; kept as a reference in profiles
	Required  bool     // the scheme cannot sign without it
	Default   string   // used when the field is empty
	Allowed   []string // when non-empty, the only accepted values
	Pinnable  bool     // normally generated (nonce, timestamp); set only to get a deterministic trace
	Multiline bool     // e.g. a PEM private key
	// When limits the field to some values of another field of the same
	// scheme: oauth2's username is for grant=password only. Forms show the
	// field only while it applies (keeping what was typed while hidden) and
	// send it only then; the zero When always applies. See [Info.Applies].
	When Condition
}

// Condition says that a field means something only while the field named
// Field holds one of Values (a choice field: Field's Allowed values).
type Condition struct {
	Field  string
	Values []string
}

// Applies reports whether field f means something given the values of the
// scheme's fields (by name; an empty or missing value stands for the
// controlling field's Default). A field whose controlling field does not
// apply itself does not apply either.
func (in Info) Applies(f Field, values map[string]string) bool {
	for range len(in.Fields) + 1 { // a chain of conditions is at most this long
		if f.When.Field == "" {
			return true
		}
		ctl, ok := in.Field(f.When.Field)
		if !ok {
			return true // TestConditions forbids it; do not hide what cannot be shown again
		}
		v := values[ctl.Name]
		if v == "" {
			v = ctl.Default
		}
		if !slices.Contains(f.When.Values, v) {
			return false
		}
		f = ctl
	}
	return true
}

// Info is a scheme's self-description.
type Info struct {
	Name    string  // registry key, e.g. "oauth1"
	Title   string  // e.g. "OAuth 1.0a"
	Summary string  // one sentence
	Spec    string  // the document it implements, e.g. "RFC 5849"
	Fields  []Field // in form order
	// Rank orders schemes in lists and pickers (lower first); ties sort by name.
	Rank int

	// The facts below are what the rest of the tree needs to know about a
	// scheme: the hints, the exporters and the practice server's diff read
	// them here instead of switching on the scheme's name, so adding a
	// scheme changes no file but its own. TestSchemeFacts checks that every
	// scheme states each of them.

	// Challenges lists the auth-scheme tokens (RFC 9110 §11.6.1) of the
	// WWW-Authenticate challenges the scheme answers, which are also the
	// first word of the Authorization header it sends ("Basic"). The "-a"
	// advice of a challenge goes to the first scheme (in display order)
	// that lists its token, and that scheme or a later one explains it
	// ([OfferExplainer]). A scheme that answers no challenge (an API key
	// in a header of its own) leaves it empty and sets NoChallenge.
	Challenges  []string
	NoChallenge bool
	// ClockNote says why a skewed clock makes the server refuse the
	// scheme's credentials, as one check of the clock-skew hint ("OAuth
	// 1.0a: servers reject an oauth_timestamp outside their window …"). A
	// scheme whose credentials carry no time leaves it empty and sets
	// ClockFree.
	ClockNote string
	ClockFree bool
	// EnvVars maps a field to the environment variable that tools read it
	// from whatever the API (sigv4's access_key: AWS_ACCESS_KEY_ID, as the
	// AWS CLI and SDKs do). Fields not listed are named by the exporters'
	// rule: the API's name and the field's (GITHUB_TOKEN).
	EnvVars map[string]string
}

// Answers reports whether the scheme answers challenges of the auth-scheme
// token (compared case-insensitively, RFC 9110 §11.1).
func (in Info) Answers(token string) bool {
	return slices.ContainsFunc(in.Challenges, func(c string) bool { return strings.EqualFold(c, token) })
}

// OfferExplainer is implemented by a scheme that explains the challenges it
// answers, for the "Server offers …" hint of a 401: what the challenge asks
// for and which of its parameters matter.
type OfferExplainer interface {
	// ExplainOffer returns the hint's detail and the section it cites for
	// c, whose Scheme is one of Info().Challenges; ok is false for a
	// token it leaves to another scheme that answers it too.
	ExplainOffer(c Challenge) (detail, ref string, ok bool)
}

// Lifetime says how long a request signed ahead of time stays usable, and
// by whom. Exports write such a request for a tool that cannot compute the
// scheme (OAuth 1.0a in curl, SigV4 in HTTPie, a JWT built from claims):
// it holds no secret, but whoever sees it can send it again until it
// expires, so the export says when that is.
type Lifetime struct {
	// What names what the tool cannot compute, after "cannot sign": "a
	// JWT", "AWS SigV4"; "" names the scheme by its Title and Spec.
	What string
	// Signed names what authlab signed: "this one" for a token; "" is
	// "this request".
	Signed string
	// Valid says for how long: "valid only for that time (AWS allows 15
	// minutes)", "valid until its exp claim, 2026-01-02T04:04:05Z".
	Valid string
	// Replay says who can use it until then, joined to Valid as written:
	// " and replayable until then", " and anyone who sees it can use it
	// until then".
	Replay string
}

// Presignable is implemented by a scheme whose request can be signed once
// and sent later by another program, without an exchange with the server
// first. A [Flow] is Presignable only when its exchanges check the answer
// (Hawk's Server-Authorization) rather than obtain what it signs with
// (Digest's nonce, OAuth 2.0's token).
type Presignable interface {
	// Lifetime says how long a request signed at `at`, with header h as
	// the scheme left it, stays valid.
	Lifetime(h http.Header, at time.Time) Lifetime
}

// Field returns the field called name.
func (in Info) Field(name string) (Field, bool) {
	for _, f := range in.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// FieldNames lists the field names in form order.
func (in Info) FieldNames() []string {
	out := make([]string, len(in.Fields))
	for i, f := range in.Fields {
		out[i] = f.Name
	}
	return out
}

// Credentials holds a scheme's field values after validation: defaults
// filled in, every name known, every required field present.
type Credentials map[string]string

// Get returns the value of field name ("" when unset).
func (c Credentials) Get(name string) string { return c[name] }

// Validate checks raw field values against the scheme's fields and returns
// them with defaults applied. Errors name the field and the fix.
func (in Info) Validate(raw map[string]string) (Credentials, error) {
	out := make(Credentials, len(in.Fields))
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if _, ok := in.Field(k); !ok {
			return nil, &InputError{Field: k, Problem: fmt.Sprintf("scheme %q has no field %q", in.Name, k),
				Fix: fmt.Sprintf("its fields are: %s (see `authlab schemes`)", strings.Join(in.FieldNames(), ", "))}
		}
	}
	for _, f := range in.Fields {
		v, ok := raw[f.Name]
		if !ok || v == "" {
			v = f.Default
		}
		if v == "" && f.Required {
			return nil, &InputError{Field: f.Name, Problem: fmt.Sprintf("scheme %q needs field %q (%s)", in.Name, f.Name, f.Label),
				Fix: fmt.Sprintf("add -c %s=VALUE (a VALUE may be env:NAME, file:PATH or prompt)", f.Name)}
		}
		if v != "" && len(f.Allowed) > 0 && !slices.Contains(f.Allowed, v) {
			return nil, &InputError{Field: f.Name, Problem: fmt.Sprintf("field %q of scheme %q cannot be %q", f.Name, in.Name, v),
				Fix: fmt.Sprintf("use one of: %s", strings.Join(f.Allowed, ", "))}
		}
		if v != "" {
			out[f.Name] = v
		}
	}
	return out, nil
}

// Env is the seam through which schemes get time and randomness, so that
// traces and published test vectors are reproducible. The zero value is not
// usable; the engine fills it from Options.
type Env struct {
	Now  func() time.Time
	Rand io.Reader
	// Session is the in-memory state of this scheme and credential set in
	// this engine (nil outside an engine, e.g. in vector tests).
	Session *Session
	// Call is the state of this one Exchange call, which dies with it: a
	// handshake bound to the call's connection (NTLM's CHALLENGE_MESSAGE,
	// see ConnBound) lives here, not in Session, which concurrent calls
	// share. Nil outside an engine.
	Call *Session
	// Tokens is the persistent token cache (Options.TokenCache; nil: none).
	Tokens TokenCache
}

// Outgoing is the request a scheme signs. The engine builds a fresh Outgoing
// for every request it sends (a clone of the user's request), so a scheme may
// change it freely; it must record every credential it adds with Add*, which is
// how the engine knows what to strip on a cross-origin redirect and what to
// mask when it shows the request.
type Outgoing struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte

	Added []Credential
}

// Where says where a credential was placed.
type Where string

// Places a credential can go.
const (
	InHeader Where = "header"
	InQuery  Where = "query"
	InBody   Where = "body"
)

// Credential is one thing a scheme added to a request: a header, a query
// parameter or a form body parameter, with its masked rendering.
type Credential struct {
	Where  Where
	Name   string // header name (canonical) or parameter name
	Value  string // the exact value sent
	Masked string // what renderers show unless --reveal
}

// SetHeader sets header name to value and records it as a credential shown
// as masked.
func (o *Outgoing) SetHeader(name, value, masked string) {
	name = http.CanonicalHeaderKey(name)
	o.Header.Set(name, value)
	o.Added = append(o.Added, Credential{Where: InHeader, Name: name, Value: value, Masked: masked})
}

// SetQuery sets query parameter name to value and records it. The rest of
// the query string is kept byte for byte (order and encoding), since a
// signature may cover it; an existing parameter of the same name is replaced.
func (o *Outgoing) SetQuery(name, value, masked string) {
	q := rewriteQuery(o.URL.RawQuery, func(k, part string) (string, bool) { return part, k != name })
	if q != "" {
		q += "&"
	}
	o.URL.RawQuery = q + url.QueryEscape(name) + "=" + url.QueryEscape(value)
	o.Added = append(o.Added, Credential{Where: InQuery, Name: name, Value: value, Masked: masked})
}

// AddBodyParams appends form parameters to an application/x-www-form-urlencoded
// body and records each of them. masked maps a parameter name to its masked
// rendering; names missing from it are shown as they are.
func (o *Outgoing) AddBodyParams(params [][2]string, masked map[string]string) {
	var b strings.Builder
	b.Write(o.Body)
	for _, p := range params {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[0]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p[1]))
		m, ok := masked[p[0]]
		if !ok {
			m = p[1]
		}
		o.Added = append(o.Added, Credential{Where: InBody, Name: p[0], Value: p[1], Masked: m})
	}
	o.Body = []byte(b.String())
	if o.Header.Get("Content-Type") == "" {
		o.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
}

// Scheme is one authentication scheme. Implementations live one to a file in
// this package and register themselves with register in an init function;
// nothing else in the tree needs to change to add one.
type Scheme interface {
	// Info describes the scheme and its fields.
	Info() Info
	// Authorize adds credentials to out and appends the steps it took to tr,
	// with the real values (secret ones flagged). creds has been validated
	// against Info().Fields. Authorize must not keep out or tr.
	Authorize(out *Outgoing, creds Credentials, env Env, tr *Trace) error
}

// builtins is filled by the init functions of the scheme files and never
// changed afterwards (the database/sql driver pattern); Schemes returns
// copies, so no caller can mutate it.
var builtins []Scheme

func register(s Scheme) {
	name := s.Info().Name
	for _, b := range builtins {
		if b.Info().Name == name {
			panic("authn: scheme registered twice: " + name)
		}
	}
	builtins = append(builtins, s)
}

// Schemes returns the registered schemes in display order.
func Schemes() []Scheme {
	out := slices.Clone(builtins)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Info(), out[j].Info()
		if a.Rank != b.Rank {
			return a.Rank < b.Rank
		}
		return a.Name < b.Name
	})
	return out
}

// Lookup returns the scheme called name. For an unknown name the error
// suggests the nearest scheme (Suggest), "did you mean bearer?".
func Lookup(name string) (Scheme, error) {
	for _, s := range builtins {
		if s.Info().Name == name {
			return s, nil
		}
	}
	names := make([]string, 0, len(builtins))
	for _, s := range Schemes() {
		names = append(names, s.Info().Name)
	}
	fix := "use one of: " + strings.Join(names, ", ")
	if dym := DidYouMean(Suggest(name, names)); dym != "" {
		fix = dym + " (schemes: " + strings.Join(names, ", ") + ")"
	}
	return nil, &InputError{Problem: fmt.Sprintf("unknown auth scheme %q", name), Fix: fix}
}

// rewriteQuery maps each key=value part of a raw query string through f,
// which returns the new part and whether to keep it. Parts are otherwise kept
// byte for byte and in order (url.Values.Encode would sort and re-encode).
func rewriteQuery(raw string, f func(key, part string) (string, bool)) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	out := parts[:0]
	for _, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if np, keep := f(k, p); keep {
			out = append(out, np)
		}
	}
	return strings.Join(out, "&")
}
