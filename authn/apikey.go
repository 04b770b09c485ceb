package authn

import (
	"fmt"
	"net/http"
	"strings"
)

// apikey sends a static key in a header (e.g. X-API-Key) or a query
// parameter (e.g. api_key). No RFC defines it; OpenAPI 3 calls it the
// "apiKey" security scheme. A key in the query string ends up in server
// logs, proxies and Referer headers, which the trace says.
type apikey struct{}

func init() { register(apikey{}) }

func (apikey) Info() Info {
	return Info{
		Name:    "apikey",
		Title:   "API key",
		Summary: "A static key in a header or a query parameter.",
		Spec:    "OpenAPI 3 apiKey",
		Rank:    30,
		// An API key goes in a header or parameter of its own name, not in
		// an Authorization scheme a challenge could ask for; it carries no
		// time.
		NoChallenge: true,
		ClockFree:   true,
		Fields: []Field{
			{Name: "name", Label: "Name", Help: "header or query parameter name, e.g. X-API-Key or api_key", Required: true},
			{Name: "value", Label: "Key", Help: "the API key", Secret: true, Required: true},
			{Name: "in", Label: "Send in", Help: "where the key goes", Default: "header", Allowed: []string{"header", "query"}},
		},
	}
}

func (apikey) Authorize(out *Outgoing, c Credentials, _ Env, tr *Trace) error {
	name, value := c.Get("name"), c.Get("value")
	switch c.Get("in") {
	case "query":
		out.SetQuery(name, value, Mask(""))
		tr.Add("Add the key as a query parameter", "OpenAPI 3 §4.8.27 (apiKey, in: query)",
			"Query strings are written to server and proxy logs and can leak through Referer; prefer a header when the API allows it.",
			Secret(name, value, ""), Secret("URL", out.URL.String(), maskQuery(out.URL, out.Added)))
	default:
		if !isToken(name) {
			return &InputError{Field: "name", Problem: fmt.Sprintf("%q is not a valid header name", name),
				Fix: "use letters, digits and '-' only, e.g. X-API-Key"}
		}
		if !validFieldValue(value) {
			return &InputError{Field: "value", Problem: "the API key contains characters not allowed in a header (line breaks, control characters)",
				Fix: "check what was pasted"}
		}
		out.SetHeader(name, value, Mask(""))
		tr.Add("Add the key as a request header", "OpenAPI 3 §4.8.27 (apiKey, in: header)",
			"The key is sent on every request as is; anyone who sees it can use it.",
			Secret(http.CanonicalHeaderKey(name), value, ""))
	}
	return nil
}

// isToken reports whether s is an RFC 9110 §5.6.2 token (a valid field name).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// validFieldValue reports whether s may be sent as a field value (RFC 9110
// §5.5): no control characters other than horizontal tab, no DEL.
func validFieldValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
