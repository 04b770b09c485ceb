package authn

import (
	"fmt"
	"strings"
)

// Challenge is one authentication challenge from a WWW-Authenticate or
// Proxy-Authenticate field (RFC 9110 §11.6.1, §11.7.1), in the syntax of
// RFC 9110 §11.2:
//
//	challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//	auth-param  = token BWS "=" BWS ( token / quoted-string )
//
// A challenge carries either a token68 or parameters, never both. Every
// string in it came from a server and is untrusted.
type Challenge struct {
	Scheme  string  // as sent, e.g. "Bearer"; compare case-insensitively (RFC 9110 §11.1)
	Token68 string  // when the challenge carries a token68 instead of params
	Params  []Param // in order; names lower-cased
}

// Param is one auth-param of a challenge (RFC 9110 §11.2). Name is
// lower-cased, since parameter names match case-insensitively; Value is the
// token or the unescaped content of the quoted-string (RFC 9110 §5.6.4).
type Param struct{ Name, Value string }

// Param returns the value of the first parameter called name, compared
// case-insensitively (RFC 9110 §11.2), and whether it is present.
func (c Challenge) Param(name string) (string, bool) {
	for _, p := range c.Params {
		if strings.EqualFold(p.Name, name) {
			return p.Value, true
		}
	}
	return "", false
}

// Is reports whether the challenge's scheme is scheme, compared
// case-insensitively (RFC 9110 §11.1).
func (c Challenge) Is(scheme string) bool { return strings.EqualFold(c.Scheme, scheme) }

// String formats the challenge back into the RFC 9110 §11.2 syntax, quoting
// every parameter value.
func (c Challenge) String() string {
	var b strings.Builder
	b.WriteString(c.Scheme)
	if c.Token68 != "" {
		b.WriteByte(' ')
		b.WriteString(c.Token68)
	}
	for i, p := range c.Params {
		if i == 0 {
			b.WriteByte(' ')
		} else {
			b.WriteString(", ")
		}
		b.WriteString(p.Name)
		b.WriteByte('=')
		b.WriteString(challengeQuote(p.Value))
	}
	return b.String()
}

// challengeQuote writes s as an RFC 9110 §5.6.4 quoted-string.
func challengeQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// ParseChallenges parses all WWW-Authenticate (or Proxy-Authenticate) field
// values of a response into challenges, in order (RFC 9110 §11.6.1).
//
// It accepts several challenges in one value separated by commas and several
// field lines (which RFC 9110 §5.3 makes equivalent to one value joined with
// commas, so a challenge's parameters may continue on the next line);
// quoted strings containing commas and backslash-escaped characters
// (RFC 9110 §5.6.4); token68 (`Negotiate YII=`); bare schemes (`Negotiate`);
// optional whitespace around "=" and commas; and empty list elements
// (RFC 9110 §5.6.1).
//
// It is lenient: it returns every challenge it could parse, skipping each
// malformed list element, plus an error describing the first malformed part
// (nil when there was none). It never panics.
func ParseChallenges(values []string) ([]Challenge, error) {
	p := challengeParser{cur: -1}
	for i, v := range values {
		p.line = i + 1
		p.s = v
		p.pos = 0
		p.parseLine()
	}
	return p.out, p.err
}

// challengeParser holds the state of one ParseChallenges call. cur is the
// index in out of the challenge that parameters attach to (-1: none yet).
type challengeParser struct {
	out  []Challenge
	err  error
	line int
	s    string
	pos  int
	cur  int
}

func (p *challengeParser) fail(at int, format string, args ...any) {
	if p.err != nil {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if p.line > 1 {
		p.err = fmt.Errorf("malformed challenge (field line %d, byte %d): %s", p.line, at, msg)
	} else {
		p.err = fmt.Errorf("malformed challenge (byte %d): %s", at, msg)
	}
}

// parseLine parses one field line as a list of elements (RFC 9110 §5.6.1):
// each element is a new challenge (a scheme, optionally followed by a
// token68 or its first parameter) or another parameter of the current one.
func (p *challengeParser) parseLine() {
	for {
		// Empty list elements and OWS are skipped.
		for p.pos < len(p.s) && (p.s[p.pos] == ',' || challengeOWS(p.s[p.pos])) {
			p.pos++
		}
		if p.pos >= len(p.s) {
			return
		}
		if !p.element() {
			p.recover()
			continue
		}
		p.skipOWS()
		if p.pos < len(p.s) && p.s[p.pos] != ',' {
			p.fail(p.pos, "unexpected %s after %s", p.excerpt(p.pos), p.what())
			p.recover()
		}
	}
}

// what names the challenge being parsed, for error messages.
func (p *challengeParser) what() string {
	if p.cur < 0 {
		return "the start"
	}
	return fmt.Sprintf("challenge %q", p.out[p.cur].Scheme)
}

// element parses one list element at p.pos (not at a comma or OWS). It
// reports false after recording an error.
func (p *challengeParser) element() bool {
	start := p.pos
	name := p.token()
	if name == "" {
		if p.s[p.pos] == '=' {
			p.fail(start, "\"=\" without a parameter name")
		} else {
			p.fail(start, "expected an auth-scheme or a parameter, found %s", p.excerpt(start))
		}
		return false
	}
	afterName := p.pos
	p.skipOWS()
	if p.pos < len(p.s) && p.s[p.pos] == '=' {
		// name BWS "=" …: another auth-param of the current challenge.
		p.pos++
		return p.paramValue(start, name)
	}
	// A new challenge: auth-scheme [ 1*SP ( token68 / #auth-param ) ].
	p.out = append(p.out, Challenge{Scheme: name})
	p.cur = len(p.out) - 1
	if p.pos >= len(p.s) || p.s[p.pos] == ',' {
		return true // a bare scheme
	}
	if p.pos == afterName {
		p.fail(p.pos, "expected a space after auth-scheme %q, found %s", name, p.excerpt(p.pos))
		return false
	}
	if t68, end := p.token68At(p.pos); t68 != "" {
		p.out[p.cur].Token68 = t68
		p.pos = end
		return true
	}
	pstart := p.pos
	pname := p.token()
	if pname == "" {
		if p.s[p.pos] == '=' {
			p.fail(pstart, "\"=\" without a parameter name")
		} else {
			p.fail(pstart, "expected a token68 or a parameter after auth-scheme %q, found %s", name, p.excerpt(pstart))
		}
		return false
	}
	p.skipOWS()
	if p.pos >= len(p.s) || p.s[p.pos] != '=' {
		p.fail(p.pos, "expected \"=\" after parameter %q, found %s", pname, p.excerpt(p.pos))
		return false
	}
	p.pos++
	return p.paramValue(pstart, pname)
}

// paramValue parses BWS ( token / quoted-string ) after "=" and adds the
// parameter to the current challenge.
func (p *challengeParser) paramValue(start int, name string) bool {
	p.skipOWS()
	var value string
	switch {
	case p.pos >= len(p.s) || p.s[p.pos] == ',':
		p.fail(p.pos, "parameter %q has no value", name)
		return false
	case p.s[p.pos] == '"':
		v, ok := p.quoted()
		if !ok {
			return false
		}
		value = v
	default:
		vstart := p.pos
		value = p.token()
		// Lenient: an unquoted value that is not a token (a URL, say) is
		// kept up to the next delimiter, and reported.
		for p.pos < len(p.s) && !challengeOWS(p.s[p.pos]) && p.s[p.pos] != ',' && p.s[p.pos] != '"' {
			p.pos++
		}
		if p.pos > vstart+len(value) {
			value = p.s[vstart:p.pos]
			p.fail(vstart, "parameter %q: the unquoted value %q is not a token; it must be a quoted-string", name, value)
		}
		if value == "" {
			p.fail(p.pos, "parameter %q: expected a token or a quoted-string, found %s", name, p.excerpt(p.pos))
			return false
		}
	}
	switch {
	case p.cur < 0:
		p.fail(start, "parameter %q before any auth-scheme", name)
		return false
	case p.out[p.cur].Token68 != "":
		p.fail(start, "parameter %q after the token68 of challenge %q", name, p.out[p.cur].Scheme)
		return false
	}
	c := &p.out[p.cur]
	c.Params = append(c.Params, Param{Name: strings.ToLower(name), Value: value})
	return true
}

// quoted parses a quoted-string at p.pos (RFC 9110 §5.6.4) and returns its
// content with quoted-pairs unescaped. It is lenient about the characters
// inside (control characters pass; the renderer sanitizes them).
func (p *challengeParser) quoted() (string, bool) {
	start := p.pos
	p.pos++ // opening DQUOTE
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch c {
		case '"':
			p.pos++
			return b.String(), true
		case '\\':
			if p.pos+1 < len(p.s) {
				p.pos++
				c = p.s[p.pos]
			}
		}
		b.WriteByte(c)
		p.pos++
	}
	p.fail(start, "unterminated quoted string")
	return "", false
}

// token reads a token (RFC 9110 §5.6.2) at p.pos; "" when there is none.
func (p *challengeParser) token() string {
	start := p.pos
	for p.pos < len(p.s) && challengeTchar(p.s[p.pos]) {
		p.pos++
	}
	return p.s[start:p.pos]
}

// token68At reports the token68 (RFC 9110 §11.2) starting at i when the
// list element ends right after it (with optional OWS), and where it ends.
// "abc=" followed by a value is the start of an auth-param instead.
func (p *challengeParser) token68At(i int) (string, int) {
	j := i
	for j < len(p.s) && challengeToken68Char(p.s[j]) {
		j++
	}
	if j == i {
		return "", i
	}
	padded := false
	for j < len(p.s) && p.s[j] == '=' {
		j++
		padded = true
	}
	end := j
	for end < len(p.s) && challengeOWS(p.s[end]) {
		end++
	}
	if end < len(p.s) && p.s[end] != ',' {
		return "", i
	}
	if padded && p.paramFollows(end) {
		// `Basic realm=, charset="UTF-8"` is a parameter without a value
		// rather than a token68 followed by a stray parameter.
		return "", i
	}
	return p.s[i:j], j
}

// paramFollows reports whether the list element after position i (at a
// comma or the end) starts with `token BWS "="`: an auth-param.
func (p *challengeParser) paramFollows(i int) bool {
	for i < len(p.s) && (p.s[i] == ',' || challengeOWS(p.s[i])) {
		i++
	}
	j := i
	for j < len(p.s) && challengeTchar(p.s[j]) {
		j++
	}
	if j == i {
		return false
	}
	for j < len(p.s) && challengeOWS(p.s[j]) {
		j++
	}
	return j < len(p.s) && p.s[j] == '='
}

// recover skips to the next comma that is not inside a quoted string, so
// parsing resumes at the next list element.
func (p *challengeParser) recover() {
	inQuote := false
	for ; p.pos < len(p.s); p.pos++ {
		switch c := p.s[p.pos]; {
		case inQuote && c == '\\':
			p.pos++
		case c == '"':
			inQuote = !inQuote
		case c == ',' && !inQuote:
			return
		}
	}
}

func (p *challengeParser) skipOWS() {
	for p.pos < len(p.s) && challengeOWS(p.s[p.pos]) {
		p.pos++
	}
}

// excerpt quotes a few bytes at i for an error message.
func (p *challengeParser) excerpt(i int) string {
	if i >= len(p.s) {
		return "the end"
	}
	end := min(i+12, len(p.s))
	return fmt.Sprintf("%q", p.s[i:end])
}

// challengeOWS reports whether c is whitespace: SP and HTAB (RFC 9110
// §5.6.3), plus CR and LF so that obsolete line folding (RFC 9112 §5.2) in a
// value is tolerated.
func challengeOWS(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// challengeTchar reports whether c may appear in a token (RFC 9110 §5.6.2).
func challengeTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// challengeToken68Char reports whether c may appear in a token68 before its
// trailing "=" padding (RFC 9110 §11.2).
func challengeToken68Char(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~+/", c) >= 0
}

// challengeIsToken reports whether s is a non-empty token (RFC 9110 §5.6.2).
func challengeIsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !challengeTchar(s[i]) {
			return false
		}
	}
	return true
}
