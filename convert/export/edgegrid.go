package export

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Akamai EdgeGrid (EG1-HMAC-SHA256) in the export targets. Python writes it
// with Akamai's own signer, edgegrid-python's EdgeGridAuth (Debian:
// python3-edgegrid), which signs each request when it is sent. curl cannot
// sign EdgeGrid, and HTTPie's plugin httpie-edgegrid is not packaged by
// Debian, so both get the request signed ahead by authlab; its
// Authorization header carries the access token, which stays in its
// environment variable. Go carries a small signer of its own
// (golang_edgegrid.go).

// pyEdgeGrid: requests with auth=EdgeGridAuth(…).
func pyEdgeGrid(s *pyScript, p *Plan) error {
	for _, f := range []string{"headers_to_sign", "max_body"} {
		if p.Field(f).IsVar() {
			return &presignInstead{why: "the " + f + " is kept in a reference"}
		}
	}
	ignorePinned(p, "python", "timestamp", "nonce")
	s.importThird("from akamai.edgegrid import EdgeGridAuth", "edgegrid-python (Debian: python3-edgegrid)")
	s.setup = append(s.setup, "auth = EdgeGridAuth(",
		"    client_token="+s.val(p.Field("client_token"))+",",
		"    client_secret="+s.val(p.Field("client_secret"))+",",
		"    access_token="+s.val(p.Field("access_token"))+",")
	var names []string
	for n := range strings.SplitSeq(p.Lit("headers_to_sign"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, pyStr(n))
		}
	}
	if len(names) > 0 {
		s.setup = append(s.setup, "    headers_to_sign=["+strings.Join(names, ", ")+"],")
	}
	if mb := strings.TrimSpace(p.Lit("max_body")); mb != "" && mb != "131072" {
		n, err := strconv.Atoi(mb)
		if err != nil || n <= 0 {
			return &unsupportedError{what: "python: max_body " + strconv.Quote(mb) + " is not a positive number"}
		}
		s.setup = append(s.setup, "    max_body="+strconv.Itoa(n)+",")
	}
	s.setup = append(s.setup, ")")
	s.kwarg("auth=auth")
	return nil
}

// edgegridAuthVar is the shell variable the signed Authorization header is
// put in, so that the access token inside it stays a variable.
const edgegridAuthVar = "EDGEGRID_AUTHORIZATION"

// shellEdgeGrid writes the request signed ahead for curl or HTTPie (see
// presigned), except that the Authorization header, which holds the access
// token, is assembled in a shell variable first: the literal parts of the
// signed header around $ACCESS_TOKEN.
func shellEdgeGrid(r *shellReq, plugin string) error {
	p := r.p
	s, err := p.Presign()
	if err != nil {
		return err
	}
	access := p.Field("access_token")
	val, err := p.Resolve(access)
	if err != nil {
		return err
	}
	authz := s.Header.Get("Authorization")
	before, after, ok := strings.Cut(authz, "access_token="+val+";")
	if !ok {
		return &unsupportedError{what: r.tool + ": the signed EdgeGrid Authorization header has no access_token field"}
	}
	var headers []Header
	seen := map[string]bool{"Authorization": true}
	for _, h := range p.Headers {
		name := http.CanonicalHeaderKey(h.Name)
		if name != "Authorization" {
			headers = append(headers, h)
			seen[name] = true
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
			headers = append(headers, Header{Name: name, Value: lit(v)})
		}
	}
	literals := []string{s.URL, s.Body, before, after}
	for _, h := range headers {
		literals = append(literals, h.Value.Lit)
	}
	if err := heldSecret(p, r.tool, literals...); err != nil {
		return err
	}
	r.warn("%s", signedNote(r.tool, p, s))
	if plugin != "" {
		r.notes = append(r.notes, "the plugin "+plugin+" signs each request itself (pip install "+plugin+"; Debian does not package it); this text does not assume it")
	}
	r.pre += edgegridAuthVar + "=" + word(lit(before+"access_token="), access, lit(";"+after)) + "\n"
	r.method, r.url, r.body, r.signed = s.Method, []Value{lit(s.URL)}, s.Body, true
	r.headers = append(headers, Header{Name: "Authorization", Value: Value{Var: edgegridAuthVar}})
	return nil
}
