package export

// Helpers shared by the python and go targets (python.go, golang.go): which
// variables a text reads, comments that cannot break out of their line,
// the signed-ahead fallback, and JWT claims with their time helpers
// computed at run time.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/authlab/authlab/authn"
)

// usedVars records the environment variables a text reads, so that its
// comment and its need(...) call list exactly those: a Plan
// holds a variable for every secret field, also those the chosen variant of
// a scheme does not read (an OAuth 1.0a private key with HMAC-SHA1, the
// fields a signed-ahead request bakes in).
type usedVars struct {
	names []string
}

// use records v when it is a variable and returns it.
func (u *usedVars) use(v Value) Value {
	if v.IsVar() && !slices.Contains(u.names, v.Var) {
		u.names = append(u.names, v.Var)
	}
	return v
}

// keep returns the plan's variables the text reads, in the plan's order:
// those its comment and its need(...) call list. (Export narrows
// Snippet.Vars to the variables a text reads by itself.)
func (u *usedVars) keep(p *Plan) []Var {
	var out []Var
	for _, v := range p.Vars() {
		if slices.Contains(u.names, v.Name) {
			out = append(out, v)
		}
	}
	return out
}

// varLines are the comment lines that tell the user what to set: the name,
// what it is, and where the profile keeps the value (a file reference is
// spelled as the shell command that sets it).
func varLines(vars []Var) []string {
	width := 0
	for _, v := range vars {
		width = max(width, len(v.Name))
	}
	var out []string
	for _, v := range vars {
		from := v.From
		if path, ok := strings.CutPrefix(from, "file:"); ok {
			from = fmt.Sprintf(`%s: %s="$(cat %s)"`, from, v.Name, path)
		}
		out = append(out, fmt.Sprintf("%-*s  %s (%s)", width, v.Name, v.Label, from))
	}
	return out
}

// programTitle is the first comment line of a program: the profile, the
// request and the scheme with its spec ("demo/basic: GET http://… with
// HTTP Basic (RFC 7617)"), safe for one comment line.
func programTitle(p *Plan) string {
	title := commentSafe(p.Method + " " + p.URL)
	if p.Name != "" {
		title = commentSafe(p.Name) + ": " + title
	}
	how := "without authentication"
	if p.Scheme.Name != "none" {
		how = "with " + p.Scheme.Title
		if strings.HasPrefix(p.Scheme.Spec, p.Scheme.Title) {
			how = "with " + p.Scheme.Spec
		} else if p.Scheme.Spec != "" {
			how += " (" + p.Scheme.Spec + ")"
		}
	}
	return title + " " + how
}

// commentSafe writes s so it stays on one comment line and shows what it
// holds: control characters, line and paragraph separators, bidirectional
// controls and other invisible runes become \x.., \u.... escapes (a newline
// in a profile name must not end the comment and start code).
func commentSafe(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t' || r == ' ':
			b.WriteRune(' ')
		case r < 0x80 && (r < 0x20 || r == 0x7f):
			fmt.Fprintf(&b, `\x%02x`, r)
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// timeoutOf is the request's total timeout: the profile's, else authlab's
// default (a script without one can wait forever: requests has none).
func timeoutOf(p *Plan) time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return authn.DefaultTimeout
}

// withFormType returns the plan's headers, adding Content-Type:
// application/x-www-form-urlencoded when there is a body and no
// Content-Type, as authlab send (and curl -d) do; OAuth 1.0a signs such a
// body's parameters (RFC 5849 §3.4.1.3.1).
func withFormType(p *Plan) []Header {
	hs := slices.Clone(p.Headers)
	if p.Body == "" {
		return hs
	}
	for _, h := range hs {
		if http.CanonicalHeaderKey(h.Name) == "Content-Type" {
			return hs
		}
	}
	return append(hs, Header{Name: "Content-Type", Value: Value{Lit: "application/x-www-form-urlencoded"}})
}

// presignInstead is returned by a scheme's render func when the target's
// library cannot express this variant; the target then writes the request
// signed ahead, with why in a warning.
type presignInstead struct{ why string }

func (e *presignInstead) Error() string { return e.why }

// presigned signs p now and returns the request with every secret value
// that appears in it put back as its variable (a session token in
// X-Amz-Security-Token stays in the environment), plus the comment lines
// and the warning that say it is valid only for this timestamp and nonce.
func presigned(p *Plan, target, why string) (*Signed, []string, error) {
	s, err := p.Presign()
	if err != nil {
		if errors.Is(err, ErrUnsupported) {
			return nil, nil, fmt.Errorf("%s: %w", target, err)
		}
		return nil, nil, err
	}
	at, valid := s.At.UTC().Format(time.RFC3339), s.Lifetime.Valid
	p.Warn("%s cannot sign %s itself (%s): the request below was signed by authlab at %s and is %s", target, p.Scheme.Title, why, at, valid)
	lines := []string{
		fmt.Sprintf("Signed by authlab at %s: %s is not computed here (%s),", at, p.Scheme.Title, commentSafe(why)),
		"so this request is " + commentSafe(valid) + "; export again to sign anew.",
	}
	return s, lines, nil
}

// secretPieces splits s where it contains the value of one of the plan's
// secret variables, so the text can read that part from the environment.
func secretPieces(p *Plan, u *usedVars, s string) ([]Value, error) {
	type secret struct{ name, value string }
	var secrets []secret
	for _, v := range p.vars {
		if !v.Secret {
			continue
		}
		val, err := p.Resolve(Value{Var: v.Name})
		if err != nil {
			return nil, err
		}
		if len(val) >= 4 { // shorter ones would match by chance
			secrets = append(secrets, secret{v.Name, val})
		}
	}
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i].value) > len(secrets[j].value) })
	var out []Value
	lit := ""
	for s != "" {
		found := false
		for _, x := range secrets {
			if strings.HasPrefix(s, x.value) {
				if lit != "" {
					out = append(out, Value{Lit: lit})
					lit = ""
				}
				out = append(out, u.use(Value{Var: x.name}))
				s = s[len(x.value):]
				found = true
				break
			}
		}
		if !found {
			_, n := utf8.DecodeRuneInString(s)
			lit += s[:n]
			s = s[n:]
		}
	}
	if lit != "" || len(out) == 0 {
		out = append(out, Value{Lit: lit})
	}
	return out, nil
}

// signedPieces is a request signed ahead, in the pieces a program writes:
// every secret value in it read back from its variable (secretPieces).
type signedPieces struct {
	method, url string
	headers     []signedHeader // in a stable order
	body        []Value
	notes       []string // the comment lines of presigned
}

type signedHeader struct {
	name   string
	pieces []Value
}

// presignPieces signs p now (presigned) and cuts the request into pieces
// for target, recording in u the variables they read. A URL that would
// hold a secret is refused: a program writes its URL as one literal.
func presignPieces(p *Plan, u *usedVars, target, why string) (*signedPieces, error) {
	signed, lines, err := presigned(p, target, why)
	if err != nil {
		return nil, err
	}
	url, err := secretPieces(p, u, signed.URL)
	if err != nil {
		return nil, err
	}
	if len(url) != 1 || url[0].IsVar() {
		return nil, &unsupportedError{what: target + ": the signed URL holds a secret; use --reveal"}
	}
	r := &signedPieces{method: signed.Method, url: url[0].Lit, notes: lines}
	for _, name := range signedHeaders(signed.Header) {
		for _, v := range signed.Header[name] {
			pieces, err := secretPieces(p, u, v)
			if err != nil {
				return nil, err
			}
			r.headers = append(r.headers, signedHeader{name, pieces})
		}
	}
	if signed.Body != "" {
		if r.body, err = secretPieces(p, u, signed.Body); err != nil {
			return nil, err
		}
	}
	literals := []string{r.url}
	for _, h := range r.headers {
		literals = append(literals, lits(h.pieces)...)
	}
	if err := heldSecret(p, target, append(literals, lits(r.body)...)...); err != nil {
		return nil, err
	}
	return r, nil
}

// lits are the literal pieces of pieces.
func lits(pieces []Value) []string {
	var out []string
	for _, v := range pieces {
		if !v.IsVar() {
			out = append(out, v.Lit)
		}
	}
	return out
}

// signedHeaders lists a signed request's headers in a stable order.
func signedHeaders(h http.Header) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// jwtPlan is a JWT to build at run time: the claims JSON with every fixed
// value, and the time claims computed from the clock when the program runs
// ("+1h" means an hour after the program starts, as it does in authlab).
type jwtPlan struct {
	Claims string    // a JSON object, keys sorted
	Times  []jwtTime // iat, nbf, exp relative to now, in that order
	Alg    string    // HS256 …
	Key    Value     // the HMAC secret or the PEM private key
	Kid    string    // "" when none
	KeyRef string    // the field holding the key: secret or private_key
}

// jwtTime is a NumericDate claim set to now + Offset when the program runs.
type jwtTime struct {
	Name   string
	Offset int64 // seconds
}

// newJWTPlan reads the jwt scheme's build fields (RFC 7519 §7.1). iat=now
// and exp=now+1h are added when absent, like authlab's jwt scheme does.
func newJWTPlan(p *Plan, u *usedVars) (*jwtPlan, error) {
	if p.Field("claims").IsVar() {
		return nil, &presignInstead{why: "the claims are kept in a reference, not in the profile"}
	}
	alg := p.Lit("alg")
	if alg == "" {
		alg = "HS256"
	}
	j := &jwtPlan{Alg: alg, Kid: p.Lit("kid"), KeyRef: "private_key"}
	if strings.HasPrefix(alg, "HS") {
		j.KeyRef = "secret"
	}
	if p.Field("kid").IsVar() {
		return nil, &presignInstead{why: "the kid is kept in a reference"}
	}
	j.Key = u.use(p.Field(j.KeyRef))
	text := p.Lit("claims")
	if strings.TrimSpace(text) == "" {
		text = "{}"
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, authn.Inputf(`write them as JSON, e.g. {"sub":"demo","exp":"+1h"}`, "the JWT claims are not a JSON object")
	}
	for _, name := range []string{"iat", "nbf", "exp"} {
		v, ok := m[name]
		if !ok {
			switch name {
			case "iat":
				j.Times = append(j.Times, jwtTime{name, 0})
			case "exp":
				j.Times = append(j.Times, jwtTime{name, 3600})
			}
			continue
		}
		s, isString := v.(string)
		if !isString {
			continue // a NumericDate already
		}
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
			m[name] = json.Number(strconv.FormatInt(t.Unix(), 10))
			continue
		}
		off, err := jwtOffset(s)
		if err != nil {
			return nil, authn.Inputf(`use seconds since 1970, "now", "+1h", "-5m", "now+30m", "+7d" or an RFC 3339 date`, "claim %s is %q, not a NumericDate (RFC 7519 §2)", name, s)
		}
		delete(m, name)
		j.Times = append(j.Times, jwtTime{name, off})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	j.Claims = strings.TrimSuffix(b.String(), "\n")
	return j, nil
}

// jwtOffset reads authlab's relative time helpers: "now", "+1h", "-5m",
// "now+30m", "+7d" (see the jwt scheme's claims field).
func jwtOffset(s string) (int64, error) {
	rel, hasNow := strings.CutPrefix(strings.ToLower(strings.TrimSpace(s)), "now")
	rel = strings.TrimSpace(rel)
	if rel == "" {
		if !hasNow {
			return 0, errors.New("empty")
		}
		return 0, nil
	}
	sign := int64(1)
	switch rel[0] {
	case '-':
		sign = -1
	case '+':
	default:
		return 0, errors.New("no sign")
	}
	rest := strings.TrimSpace(rel[1:])
	if days, ok := strings.CutSuffix(rest, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 36500 {
			return 0, errors.New("bad days")
		}
		return sign * int64(n) * 86400, nil
	}
	d, err := time.ParseDuration(rest)
	if err != nil || d < 0 {
		return 0, errors.New("bad duration")
	}
	return sign * int64(d/time.Second), nil
}

// offsetExpr writes now plus an offset in seconds in a language where now
// is spelled now.
func offsetExpr(now string, off int64) string {
	switch {
	case off == 0:
		return now
	case off < 0:
		return fmt.Sprintf("%s - %d", now, -off)
	}
	return fmt.Sprintf("%s + %d", now, off)
}

// isHTTP reports whether raw is a plain-http URL.
func isHTTP(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && strings.EqualFold(u.Scheme, "http")
}
