package authn

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Prepared is a request checked and ready to be signed: the one
// preparation of an outgoing request, used by the engine before each send
// and by exporters that sign a request ahead (convert/export's Presign), so
// both sign exactly the same thing.
type Prepared struct {
	Method string   // upper case; GET, or POST with a body, when the request named none
	URL    *url.URL // parsed and checked (ParseURL)
	Header http.Header
	Body   []byte
	Scheme Scheme
	Info   Info
	Creds  Credentials // the scheme's fields validated, defaults applied
}

// Prepare checks req and readies it for signing: it parses the URL
// (ParseURL), picks the method (GET, or POST with a body, as curl -d does),
// refuses a method or header name that is not an RFC 9110 §5.6.2 token and a
// header value with a control character (§5.5), finds the scheme ("" is
// none) and validates its fields. On a field error the returned Prepared
// still names the scheme (Info).
func Prepare(req Request) (*Prepared, error) {
	target, err := ParseURL(req.URL)
	if err != nil {
		return nil, err
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
		if len(req.Body) > 0 {
			method = http.MethodPost
		}
	}
	if !isToken(method) {
		return nil, &InputError{Problem: fmt.Sprintf("%q is not a valid HTTP method", req.Method), Fix: "use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS"}
	}
	for name, vs := range req.Header {
		if !isToken(name) {
			return nil, &InputError{Problem: fmt.Sprintf("%q is not a valid header name", name), Fix: "write headers as 'Name: value'"}
		}
		for _, v := range vs {
			if !validFieldValue(v) {
				return nil, &InputError{Problem: fmt.Sprintf("header %s has a control character in its value", name), Fix: "remove line breaks and control characters"}
			}
		}
	}
	header := req.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	name := req.Scheme
	if name == "" {
		name = "none"
	}
	scheme, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	p := &Prepared{Method: method, URL: target, Header: header, Body: req.Body, Scheme: scheme, Info: scheme.Info()}
	if p.Creds, err = p.Info.Validate(req.Fields); err != nil {
		return p, err
	}
	return p, nil
}

// ImplyContentType gives a body without a Content-Type the one curl -d
// gives it, application/x-www-form-urlencoded, which also puts its form
// parameters into the OAuth 1.0a base string (RFC 5849 §3.4.1.3.1). The
// front ends (profiles.Resolve) and a request signed ahead (Presign) call
// it; the engine sends what it is given (curl -T sends no Content-Type).
func ImplyContentType(h http.Header, body []byte) {
	if len(body) > 0 && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/x-www-form-urlencoded")
	}
}

// Outgoing returns a fresh copy of the request for the scheme to sign.
func (p *Prepared) Outgoing() *Outgoing {
	return &Outgoing{Method: p.Method, URL: cloneURL(p.URL), Header: p.Header.Clone(), Body: bytes.Clone(p.Body)}
}

// Sign signs a fresh copy of the request with the scheme's Authorize, with
// env's clock and randomness, recording the steps in tr: what the engine
// sends first, and what an exporter writes when it signs ahead.
func (p *Prepared) Sign(env Env, tr *Trace) (*Outgoing, error) {
	out := p.Outgoing()
	if err := p.Scheme.Authorize(out, p.Creds, env, tr); err != nil {
		return nil, err
	}
	return out, nil
}
