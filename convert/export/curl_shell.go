package export

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/shell"
	"github.com/authlab/authlab/profiles"
)

// This file holds what the two shell targets, curl and httpie, share: the
// comment block that opens a snippet, shell words made of literals and
// environment variables, command lines broken with backslash-newline, and
// the pre-signed request of a scheme the tool cannot compute itself.

// shellReq is the command a shell target is building. A scheme's entry in
// the target's table fills in the credential options and may change the
// URL and headers; a scheme without an entry is signed by authlab now.
type shellReq struct {
	p     *Plan
	tool  string   // "curl", "HTTPie", as notes and errors name it
	notes []string // comment lines above the command
	// pre is written before the command (OAuth 2.0's token request).
	pre string
	// auth are the credential options, one group per line.
	auth    [][]string
	method  string
	url     []Value
	headers []Header
	body    string
	// signed: the request was signed by authlab (Presign); its
	// Content-Type is part of what was signed.
	signed bool
}

// warn adds a comment above the command and the same line as a warning.
func (r *shellReq) warn(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	r.notes = append(r.notes, s)
	r.p.Warn("%s", s)
}

// renderShell writes p for tool: the scheme's entry of schemes (or the
// request signed ahead), then the notes, what goes before the command, and
// the command itself, under the comment block of header.
func renderShell(p *Plan, tool string, schemes map[string]func(*shellReq) error, command func(*shellReq) (string, error)) (Snippet, error) {
	if err := checkVarNames(p); err != nil {
		return Snippet{}, err
	}
	r := &shellReq{p: p, tool: tool, method: p.Method, url: p.URLParts, headers: p.Headers, body: p.Body}
	var err error
	if fn, ok := schemes[p.Scheme.Name]; ok {
		err = fn(r)
	} else {
		err = r.presigned("")
	}
	if err != nil {
		return Snippet{}, err
	}
	cmd, err := command(r)
	if err != nil {
		return Snippet{}, err
	}
	var b strings.Builder
	for _, n := range r.notes {
		b.WriteString(comment(n))
	}
	b.WriteString(r.pre)
	b.WriteString(cmd)
	b.WriteString("\n")
	return Snippet{Text: header(p, tool, b.String()) + b.String()}, nil
}

// presigned writes the request as authlab signs it now, for a scheme the
// tool cannot compute (OAuth 1.0a, SigV4 in HTTPie, a JWT built from
// claims); plugin names the plugin that could sign it instead ("" when
// there is none). A scheme that needs exchanges of its own cannot be
// signed ahead.
func (r *shellReq) presigned(plugin string) error {
	s, err := authn.Lookup(r.p.Scheme.Name)
	if err != nil {
		return err
	}
	_, pre := s.(authn.Presignable) // a Flow that can also sign ahead (Hawk: its exchanges only check the answer)
	if _, ok := s.(authn.Flow); ok && !pre {
		return flowUnsupported(r.tool, "run the exchanges of "+r.p.Scheme.Title)
	}
	sr, err := presign(r.p, r.tool)
	if err != nil {
		return err
	}
	r.warn("%s", sr.Note)
	if plugin != "" {
		r.notes = append(r.notes, "the plugin "+plugin+" signs each request itself (pip install "+plugin+"); this text does not assume it")
	}
	r.method, r.url, r.body, r.signed, r.headers = sr.Method, []Value{lit(sr.URL)}, sr.Body, true, sr.Headers
	return nil
}

// shellAPIKey is the OpenAPI 3 apiKey entry of both tables: a header, or a
// query parameter appended to the URL (what apikey's SetQuery does).
// followSends says how the tool sends the header on redirects.
func shellAPIKey(r *shellReq, followSends string) error {
	p := r.p
	name, value := p.Lit("name"), p.Field("value")
	if p.Lit("in") == "query" {
		r.url = addQueryParam(p.URLParts, name, value)
		if value.IsVar() {
			r.notes = append(r.notes, "the key is put into the URL as it is: URL-encode it first unless it is only letters, digits and -._~")
		}
		return nil
	}
	r.headers = append(slices.Clip(r.headers), Header{Name: name, Value: value})
	if p.Follow {
		r.warn("%s to every host it is redirected to; authlab drops %s when the origin changes", followSends, name)
	}
	return nil
}

// lit is a literal part of a shell word.
func lit(s string) Value { return Value{Lit: s} }

// word writes parts as one POSIX shell word (IEEE Std 1003.1 §2.2): literal
// parts are passed as they are, variable parts are expanded by the shell.
// Without variables it is shell.Quote. With variables it is one
// double-quoted word (shell.QuoteVar), unless a literal part holds "!",
// which an interactive bash expands inside double quotes (history
// expansion): then literals are single-quoted and only the variables are
// double-quoted, side by side ('a!b'"${V}").
func word(parts ...Value) string {
	var lits strings.Builder
	hasVar, bang := false, false
	for _, p := range parts {
		if p.IsVar() {
			hasVar = true
			continue
		}
		lits.WriteString(p.Lit)
		bang = bang || strings.Contains(p.Lit, "!")
	}
	if !hasVar {
		return shell.Quote(lits.String())
	}
	if bang {
		var b strings.Builder
		for _, p := range parts {
			switch {
			case p.IsVar():
				b.WriteString(`"${` + p.Var + `}"`)
			case p.Lit != "":
				b.WriteString(shell.Quote(p.Lit))
			}
		}
		return b.String()
	}
	// QuoteVar alternates literal text and variable names.
	var alt []string
	for _, p := range parts {
		if p.IsVar() {
			if len(alt)%2 == 0 {
				alt = append(alt, "")
			}
			alt = append(alt, p.Var)
			continue
		}
		if len(alt)%2 == 1 {
			alt[len(alt)-1] += p.Lit
		} else {
			alt = append(alt, p.Lit)
		}
	}
	return shell.QuoteVar(alt...)
}

// command is one shell command being written: groups of words, one group
// per output line, the lines joined by " \" and a newline so the command
// can be pasted as it is.
type command struct{ lines [][]string }

// add starts a new line with words (nothing when there are none).
func (c *command) add(words ...string) {
	if len(words) > 0 {
		c.lines = append(c.lines, words)
	}
}

// addLast appends words to the last line.
func (c *command) addLast(words ...string) {
	if len(c.lines) == 0 {
		c.add(words...)
		return
	}
	c.lines[len(c.lines)-1] = append(c.lines[len(c.lines)-1], words...)
}

// String writes the command: the first line as it is, the others indented.
func (c *command) String() string {
	var b strings.Builder
	for i, l := range c.lines {
		if i > 0 {
			b.WriteString(" \\\n  ")
		}
		b.WriteString(strings.Join(l, " "))
	}
	return b.String()
}

// comment writes s as one shell comment line. Control characters (a
// newline would end the comment and start a command) are escaped.
func comment(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 }) >= 0 {
		q := strconv.QuoteToGraphic(s)
		s = q[1 : len(q)-1]
	}
	return "# " + s + "\n"
}

// header writes the comment block every shell snippet starts with: what it
// is, and the variables to set first with where the profile keeps each. Only
// the variables text reads are listed: a pre-signed request reads none of
// the secrets that signed it.
func header(p *Plan, tool, text string) string {
	var b strings.Builder
	if p.Name != "" {
		b.WriteString(comment(fmt.Sprintf("authlab export of profile %s (%s)", p.Name, tool)))
	} else {
		b.WriteString(comment(fmt.Sprintf("authlab export (%s)", tool)))
	}
	if p.Reveal() {
		b.WriteString(comment("--reveal: the secrets are written below as they are; keep this text private"))
	}
	var vars []Var
	for _, v := range p.Vars() {
		if strings.Contains(text, "${"+v.Name+"}") {
			vars = append(vars, v)
		}
	}
	if len(vars) == 0 {
		return b.String()
	}
	b.WriteString(comment("Set these variables first (read -rs NAME; export NAME):"))
	width := 0
	for _, v := range vars {
		width = max(width, len(v.Name))
	}
	for _, v := range vars {
		from := "the profile keeps it in " + v.From
		switch {
		case v.From == profiles.Prompt:
			from = "the profile asks for it: prompt"
		case !profiles.IsRef(v.From):
			from = v.From // "a literal in the profile"
		}
		b.WriteString(comment(fmt.Sprintf("  %-*s  %s (%s)", width, v.Name, v.Label, from)))
	}
	return b.String()
}

// signedNote is the comment and warning for a request authlab signed
// because the tool cannot: when, and for how long it can be used (and
// replayed by anyone who sees it), as the scheme states it
// (authn.Presignable).
func signedNote(tool string, p *Plan, s *Signed) string {
	l := s.Lifetime
	what, signed := l.What, l.Signed
	if what == "" {
		what = p.Scheme.Title + " (" + p.Scheme.Spec + ")"
	}
	if signed == "" {
		signed = "this request"
	}
	return fmt.Sprintf("%s cannot sign %s: authlab signed %s at %s; it is %s%s", tool, what, signed, s.At.UTC().Format(time.RFC3339), l.Valid, l.Replay)
}

// signedRequest is a pre-signed request as a shell target writes it: the
// profile's headers keep their variables, the headers the scheme added are
// literal except those holding a secret field's value (a SigV4 session
// token), which stay variables.
type signedRequest struct {
	Method  string
	URL     string
	Headers []Header
	Body    string
	Note    string
}

// presign signs p for tool and sorts out which headers to write.
func presign(p *Plan, tool string) (*signedRequest, error) {
	s, err := p.Presign()
	if err != nil {
		return nil, err
	}
	secretVars := map[string]string{} // value now → variable
	for name, v := range p.Fields {
		if f, ok := p.Scheme.Field(name); !ok || !f.Secret || !v.IsVar() {
			continue
		}
		if val, err := p.Resolve(v); err == nil && val != "" {
			secretVars[val] = v.Var
		}
	}
	out := &signedRequest{Method: s.Method, URL: s.URL, Body: s.Body, Note: signedNote(tool, p, s)}
	seen := map[string]bool{}
	for _, h := range p.Headers {
		name := http.CanonicalHeaderKey(h.Name)
		if seen[name] {
			continue
		}
		seen[name] = true
		vals := s.Header.Values(name)
		if len(vals) == 0 {
			continue
		}
		if !added(s, name) {
			// the profile's own header, unchanged: keep its variable
			for _, ph := range p.Headers {
				if http.CanonicalHeaderKey(ph.Name) == name {
					out.Headers = append(out.Headers, ph)
				}
			}
			continue
		}
		for _, v := range vals {
			out.Headers = append(out.Headers, Header{Name: h.Name, Value: signedValue(v, secretVars)})
		}
	}
	var rest []string
	for name := range s.Header {
		if !seen[http.CanonicalHeaderKey(name)] {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		for _, v := range s.Header.Values(name) {
			out.Headers = append(out.Headers, Header{Name: name, Value: signedValue(v, secretVars)})
		}
	}
	literals := []string{out.URL, out.Body}
	for _, h := range out.Headers {
		literals = append(literals, h.Value.Lit)
	}
	if err := heldSecret(p, tool, literals...); err != nil {
		return nil, err
	}
	return out, nil
}

func signedValue(v string, secretVars map[string]string) Value {
	if name, ok := secretVars[v]; ok {
		return Value{Var: name}
	}
	return lit(v)
}

func added(s *Signed, name string) bool {
	for _, c := range s.Added {
		if c.Where == authn.InHeader && http.CanonicalHeaderKey(c.Name) == name {
			return true
		}
	}
	return false
}

// flowUnsupported is the error for a scheme that needs exchanges a shell
// tool cannot make.
func flowUnsupported(tool, what string) error {
	return &unsupportedError{what: fmt.Sprintf("%s cannot %s", tool, what)}
}

// withQueryParam returns rawURL with parameter name (an existing one of the
// same name removed) appended as the last parameter, its value as parts:
// what apikey's SetQuery does, as a shell word. A literal value is
// URL-encoded; a variable is written as it is, so its value must be
// URL-safe.
// addQueryParam is withQueryParam for a URL in pieces (secret query
// values held in variables): a parameter of that name is replaced.
func addQueryParam(parts []Value, name string, value Value) []Value {
	if len(parts) == 1 && !parts[0].IsVar() {
		return withQueryParam(parts[0].Lit, name, value)
	}
	// Each variable stands in the text as a NUL-delimited index, which no
	// URL holds (authn.ParseURL refuses control characters).
	var b strings.Builder
	for i, v := range parts {
		if v.IsVar() {
			fmt.Fprintf(&b, "\x00%d\x00", i)
		} else {
			b.WriteString(v.Lit)
		}
	}
	var out []Value
	for j, piece := range strings.Split(withQueryParam(b.String(), name, lit(""))[0].Lit, "\x00") {
		if j%2 == 1 {
			n, _ := strconv.Atoi(piece)
			out = append(out, parts[n])
		} else if piece != "" {
			out = append(out, lit(piece))
		}
	}
	if value.IsVar() {
		return merge(append(out, value))
	}
	return merge(append(out, lit(url.QueryEscape(value.Lit))))
}

func withQueryParam(rawURL, name string, value Value) []Value {
	base, frag, _ := strings.Cut(rawURL, "#")
	_ = frag // a fragment is never sent
	path, query, _ := strings.Cut(base, "?")
	var keep []string
	for part := range strings.SplitSeq(query, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if d, err := url.QueryUnescape(k); err == nil {
			k = d
		}
		if k != name {
			keep = append(keep, part)
		}
	}
	keep = append(keep, url.QueryEscape(name)+"=")
	prefix := path + "?" + strings.Join(keep, "&")
	if value.IsVar() {
		return []Value{lit(prefix), value}
	}
	return []Value{lit(prefix + url.QueryEscape(value.Lit))}
}
