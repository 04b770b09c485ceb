package export

import (
	"fmt"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/shell"
)

// httpieTarget writes an HTTPie command line (http, HTTPie 3.2 or later for
// --raw): options first, then METHOD URL and the headers as Name:value
// items. Every value that HTTPie's item syntax (=, ==, :=, @, =@, :=@)
// could misread is escaped, the query stays in the URL, and --ignore-stdin
// keeps HTTPie from reading a body from a script's stdin. The credentials
// are written by the scheme's entry in httpieSchemes; a scheme without an
// entry is signed by authlab now (Presign).
type httpieTarget struct{}

func init() { register(httpieTarget{}) }

func (httpieTarget) name() string { return "httpie" }

func (httpieTarget) writes(scheme string) bool { _, ok := httpieSchemes[scheme]; return ok }

func (httpieTarget) render(p *Plan) (Snippet, error) {
	return renderShell(p, "HTTPie", httpieSchemes, httpieCommand)
}

// httpieCommand writes the HTTPie command.
func httpieCommand(r *shellReq) (string, error) {
	p := r.p
	c := &command{}
	c.add("http", "--ignore-stdin")
	for i, g := range r.auth {
		if i == 0 {
			c.addLast(g...)
		} else {
			c.add(g...)
		}
	}
	if r.body != "" {
		if strings.IndexByte(r.body, 0) >= 0 {
			return "", authn.Inputf("export the request with --format python or go", "the body holds a NUL byte, which no shell argument can")
		}
		c.add(shell.Quote("--raw=" + r.body))
	}
	for _, g := range httpieTLS(p, &r.notes) {
		c.add(g...)
	}
	if p.Follow {
		c.add("--follow")
	}
	if p.Timeout > 0 {
		c.add("--timeout=" + seconds(p.Timeout))
		r.notes = append(r.notes, "HTTPie's --timeout limits each connect and read, not the whole exchange as authlab's does")
	}
	var items []string
	for _, h := range r.headers {
		it, err := httpieHeader(h)
		if err != nil {
			return "", err
		}
		items = append(items, it)
	}
	if r.body != "" && !r.signed && !profileHas(p, "Content-Type") {
		// HTTPie sends --raw as JSON; authlab (and curl) as a form.
		items = append(items, shell.Quote("Content-Type:application/x-www-form-urlencoded"))
	}
	line := []string{shell.Quote(r.method), word(r.url...)}
	for _, it := range items {
		if strings.HasPrefix(it, "-") || strings.HasPrefix(it, "'-") {
			line = append([]string{"--"}, line...) // an item that looks like an option
			break
		}
	}
	c.add(line...)
	for _, it := range items {
		c.add(it)
	}
	return c.String(), nil
}

// httpieHeader is a header as an HTTPie request item: Name:value, with a
// value starting with = or @ escaped (Name:=… is a JSON field, Name:@… reads
// a file), or Name; for an empty value (Name: would remove the header).
func httpieHeader(h Header) (string, error) {
	v := h.Value
	if !v.IsVar() {
		if v.Lit == "" {
			return shell.Quote(h.Name + ";"), nil
		}
		if strings.HasPrefix(v.Lit, `\=`) || strings.HasPrefix(v.Lit, `\@`) {
			return "", &unsupportedError{what: fmt.Sprintf("HTTPie's item syntax cannot send the value of header %s (a backslash before = or @)", h.Name)}
		}
		v = lit(httpieEscape(v.Lit))
	}
	return word(lit(h.Name+":"), v), nil
}

// httpieItem is a form field item name=value, the value escaped like a
// header's (name==… is a query parameter, name=@… reads a file).
func httpieItem(kv []Value) string {
	parts := append([]Value(nil), kv...)
	if len(parts) > 1 && !parts[1].IsVar() {
		parts[1] = lit(httpieEscape(parts[1].Lit))
	}
	return word(parts...)
}

func httpieEscape(s string) string {
	if strings.HasPrefix(s, "=") || strings.HasPrefix(s, "@") {
		return `\` + s
	}
	return s
}

// httpieAuth is -a VALUE, or --auth=VALUE when the value starts with a
// variable or a dash (argparse would read a leading dash as an option).
func httpieAuth(parts ...Value) []string {
	if len(parts) > 0 && !parts[0].IsVar() && parts[0].Lit != "" && !strings.HasPrefix(parts[0].Lit, "-") {
		return []string{"-a", word(parts...)}
	}
	return []string{word(append([]Value{lit("--auth=")}, parts...)...)}
}

// httpieTLS writes the TLS options.
func httpieTLS(p *Plan, notes *[]string) [][]string {
	var g [][]string
	t := p.TLS
	switch {
	case t.Insecure:
		*notes = append(*notes, "--verify=no: the server's certificate is not verified (the profile says insecure); anyone on the path can read and change this request")
		g = append(g, []string{"--verify=no"})
	case t.CACert != "":
		*notes = append(*notes, "--verify=FILE: HTTPie trusts only these CA certificates; authlab trusts them besides the system's")
		g = append(g, []string{shell.Quote("--verify=" + t.CACert)})
	}
	if t.Cert != "" {
		g = append(g, []string{shell.Quote("--cert=" + t.Cert)})
	}
	if t.Key != "" {
		g = append(g, []string{shell.Quote("--cert-key=" + t.Key)})
	}
	if t.KeyPassword != (Value{}) {
		g = append(g, []string{word(lit("--cert-key-pass="), t.KeyPassword)})
	}
	return g
}
