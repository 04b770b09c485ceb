package export

import (
	"strconv"
	"strings"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/shell"
)

// curlTarget writes a curl command line in curl's plainest spelling (-X,
// -H 'Name: value', --data-raw, -u, --digest, --oauth2-bearer,
// --aws-sigv4, -k, --cacert, --cert, --key, --pass, -L, -m), so that the
// curl importer reads the same request back. The credentials are written
// by the scheme's entry in curlSchemes; a scheme without an entry is
// signed by authlab now (Presign).
type curlTarget struct{}

func init() { register(curlTarget{}) }

func (curlTarget) name() string { return "curl" }

func (curlTarget) writes(scheme string) bool { _, ok := curlSchemes[scheme]; return ok }

func (curlTarget) render(p *Plan) (Snippet, error) {
	return renderShell(p, "curl", curlSchemes, curlCommand)
}

// curlCommand writes the curl command: method, credentials, headers, body,
// TLS, redirects, timeout, URL.
func curlCommand(r *shellReq) (string, error) {
	p := r.p
	var groups [][]string
	if m := curlMethod(r.method, r.body); m != nil {
		groups = append(groups, m)
	}
	groups = append(groups, r.auth...)
	for _, h := range r.headers {
		if r.signed && r.body != "" && strings.EqualFold(h.Name, "Content-Type") && h.Value == lit("application/x-www-form-urlencoded") && !profileHas(p, "Content-Type") {
			continue // what curl sends with --data-raw anyway
		}
		groups = append(groups, []string{"-H", curlHeader(h)})
	}
	if r.body != "" {
		if strings.IndexByte(r.body, 0) >= 0 {
			return "", authn.Inputf("export the request with --format python or go", "the body holds a NUL byte, which no shell argument can")
		}
		groups = append(groups, []string{"--data-raw", shell.Quote(r.body)})
	}
	groups = append(groups, curlTLS(p, &r.notes)...)
	if p.Follow {
		groups = append(groups, []string{"-L"})
	}
	if p.Timeout > 0 {
		groups = append(groups, []string{"-m", seconds(p.Timeout)})
	}
	groups = append(groups, []string{word(r.url...)})
	c := &command{}
	c.add("curl")
	for i, g := range groups {
		if i == 0 {
			c.addLast(g...)
		} else {
			c.add(g...)
		}
	}
	return c.String(), nil
}

// curlMethod is -X METHOD, or nothing when curl picks the method itself
// (GET, or POST with a body); HEAD is -I, since curl -X HEAD waits for a
// body that never comes.
func curlMethod(method, body string) []string {
	switch {
	case body == "" && method == "GET", body != "" && method == "POST":
		return nil
	case body == "" && method == "HEAD":
		return []string{"-I"}
	}
	return []string{"-X", shell.Quote(method)}
}

// curlHeader is the argument of -H: "Name: value", or "Name;" for an empty
// value (curl drops a header written "Name:").
func curlHeader(h Header) string {
	if !h.Value.IsVar() && h.Value.Lit == "" {
		return shell.Quote(h.Name + ";")
	}
	return word(lit(h.Name+": "), h.Value)
}

// curlTLS writes the TLS options; notes gets the comment -k deserves.
func curlTLS(p *Plan, notes *[]string) [][]string {
	var g [][]string
	t := p.TLS
	if t.Insecure {
		*notes = append(*notes, "-k: the server's certificate is not verified (the profile says insecure); anyone on the path can read and change this request")
		g = append(g, []string{"-k"})
	}
	if t.CACert != "" {
		g = append(g, []string{"--cacert", shell.Quote(t.CACert)})
	}
	if t.Cert != "" {
		// curl reads "FILE:PASSWORD" in --cert; a colon in the file name is escaped.
		g = append(g, []string{"--cert", shell.Quote(strings.ReplaceAll(t.Cert, ":", `\:`))})
	}
	if t.Key != "" {
		g = append(g, []string{"--key", shell.Quote(t.Key)})
	}
	if t.KeyPassword != (Value{}) {
		g = append(g, []string{"--pass", word(t.KeyPassword)})
	}
	return g
}

func profileHas(p *Plan, name string) bool {
	for _, h := range p.Headers {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

// seconds writes d in seconds, as curl's -m and HTTPie's --timeout read it.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}
