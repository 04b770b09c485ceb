package export

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/authlab/authlab/authn"
)

// The python target writes a script for Python 3 and requests (the seed
// tutorial's library), with requests_oauthlib for OAuth 1.0a and OAuth 2.0,
// PyJWT for built JWTs and botocore for SigV4, all Debian packages
// (python3-requests, python3-requests-oauthlib, python3-jwt,
// python3-botocore). The script prints the status line and the body and
// exits like authlab send: 0 for 2xx, 3, 4 or 5 for 3xx, 4xx, 5xx.

func init() {
	register(&pythonTarget{schemes: map[string]pyScheme{
		"none":     func(*pyScript, *Plan) error { return nil },
		"basic":    pyBasic,
		"digest":   pyDigest,
		"bearer":   pyBearer,
		"apikey":   pyAPIKey,
		"oauth1":   pyOAuth1,
		"oauth2":   pyOAuth2,
		"jwt":      pyJWT,
		"sigv4":    pySigV4,
		"edgegrid": pyEdgeGrid,
		"ntlm":     pyNTLM,
	}})
}

// pyScheme adds one scheme's code to a script. It returns a
// *presignInstead when this variant is best sent signed ahead.
type pyScheme func(s *pyScript, p *Plan) error

type pythonTarget struct {
	// schemes holds one entry per scheme; a scheme without one is signed
	// ahead (Presign), or refused when it needs exchanges (authn.Flow).
	schemes map[string]pyScheme
}

func (*pythonTarget) name() string { return "python" }

func (t *pythonTarget) writes(scheme string) bool { _, ok := t.schemes[scheme]; return ok }

// pyScript is the script being written.
type pyScript struct {
	u       usedVars
	std     []string // import lines of the standard library
	third   []string // import lines of other packages
	needs   []string // "requests (Debian: python3-requests)"
	notes   []string // comment lines under the title
	setup   []string // module-level code run before the request
	headers []pyHeader
	kwargs  []string // keyword arguments of the request call, rendered
	call    string   // the function making the request
	// hoist writes the URL, headers and body as variables url, headers
	// and body before setup, for a scheme whose setup reads them.
	hoist       bool
	headersExpr string // replaces the headers argument when set
	method      string
	url         []Value // literal pieces and the variables of secret query values
	body        []Value // the body, in pieces
}

type pyHeader struct {
	name  string
	value []Value // concatenated
	expr  string  // a Python expression instead of value
}

func (s *pyScript) importStd(line string) {
	if !slices.Contains(s.std, line) {
		s.std = append(s.std, line)
	}
}

func (s *pyScript) importThird(line, need string) {
	if !slices.Contains(s.third, line) {
		s.third = append(s.third, line)
	}
	if need != "" && !slices.Contains(s.needs, need) {
		s.needs = append(s.needs, need)
	}
}

func (s *pyScript) header(name string, value ...Value) {
	for _, v := range value {
		s.u.use(v)
	}
	s.headers = append(s.headers, pyHeader{name: name, value: value})
}

func (s *pyScript) kwarg(format string, args ...any) {
	s.kwargs = append(s.kwargs, fmt.Sprintf(format, args...))
}

// val writes v as a Python expression: a string literal, or the
// environment variable read by need().
func (s *pyScript) val(v Value) string {
	s.u.use(v)
	if v.IsVar() {
		return "env[" + pyStr(v.Var) + "]"
	}
	return pyStr(v.Lit)
}

// cat writes pieces joined with +.
func (s *pyScript) cat(pieces []Value) string {
	out := make([]string, len(pieces))
	for i, v := range pieces {
		out[i] = s.val(v)
	}
	return strings.Join(out, " + ")
}

// wire writes pieces to go on the wire as they are: a str when it is
// ASCII, else UTF-8 bytes (http.client encodes a str header or body as
// Latin-1, which would change or refuse other characters).
func (s *pyScript) wire(pieces []Value) string {
	if len(pieces) == 1 && !pieces[0].IsVar() {
		lit := pieces[0].Lit
		switch {
		case !utf8.ValidString(lit):
			return pyBytes(lit)
		case !isASCII(lit):
			return pyStr(lit) + ".encode()"
		}
	}
	return s.cat(pieces)
}

func (t *pythonTarget) render(p *Plan) (Snippet, error) {
	if err := checkVarNames(p); err != nil {
		return Snippet{}, err
	}
	s := &pyScript{call: "requests.request", method: p.Method, url: p.URLParts}
	s.importStd("import sys")
	s.importThird("import requests", "requests (Debian: python3-requests)")
	if p.Body != "" {
		s.body = []Value{{Lit: p.Body}}
	}
	for _, h := range withFormType(p) {
		s.header(h.Name, h.Value)
	}
	fn, ok := t.schemes[p.Scheme.Name]
	var err error
	if ok {
		err = fn(s, p)
	} else {
		err = &presignInstead{why: "the python target has no code for it"}
	}
	var pre *presignInstead
	if errors.As(err, &pre) {
		err = s.presign(p, pre.why)
	}
	if err != nil {
		return Snippet{}, err
	}
	if err := s.tls(p); err != nil {
		return Snippet{}, err
	}
	return Snippet{Text: s.text(p)}, nil
}

// presign replaces the request with one signed now by authlab.
func (s *pyScript) presign(p *Plan, why string) error {
	var u usedVars
	r, err := presignPieces(p, &u, "python", why)
	if err != nil {
		return err
	}
	*s = pyScript{std: s.std, third: s.third, needs: s.needs, call: s.call, method: r.method, u: u, url: []Value{lit(r.url)}, body: r.body, notes: r.notes}
	for _, h := range r.headers {
		s.header(h.name, h.pieces...)
	}
	return nil
}

// tls adds verify= and cert=.
func (s *pyScript) tls(p *Plan) error {
	switch {
	case p.TLS.Insecure:
		s.kwarg("verify=False,  # the profile turns certificate verification off: anyone on the path can read and change this request")
	case p.TLS.CACert != "":
		s.importStd("import os")
		s.kwarg("verify=os.path.expanduser(%s),", pyStr(p.TLS.CACert))
	}
	if p.TLS.KeyPassword != (Value{}) {
		return &unsupportedError{what: "python: requests cannot read an encrypted client key (tls.key_password); decrypt it (openssl pkey -in KEY -out PLAIN.pem)"}
	}
	if p.TLS.Cert != "" {
		s.importStd("import os")
		if p.TLS.Key != "" {
			s.kwarg("cert=(os.path.expanduser(%s), os.path.expanduser(%s)),", pyStr(p.TLS.Cert), pyStr(p.TLS.Key))
		} else {
			s.kwarg("cert=os.path.expanduser(%s),", pyStr(p.TLS.Cert))
		}
	}
	return nil
}

// text assembles the script.
func (s *pyScript) text(p *Plan) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("#!/usr/bin/env python3")
	line("# %s, exported by authlab.", programTitle(p))
	line("# It prints the status and the body, and exits 0 for 2xx, 3/4/5 for 3xx/4xx/5xx.")
	if len(s.notes) > 0 {
		line("#")
		for _, n := range s.notes {
			line("# %s", n)
		}
	}
	for _, v := range s.url { // written below the list of variables
		s.u.use(v)
	}
	vars := s.u.keep(p)
	if len(vars) > 0 {
		line("#")
		line("# Set these environment variables first:")
		for _, v := range varLines(vars) {
			line("#   %s", commentSafe(v))
		}
		s.importStd("import os")
	}
	line("#")
	line("# Needs Python 3 and %s.", strings.Join(s.needs, ", "))
	std := slices.Clone(s.std)
	slices.SortFunc(std, pyImportOrder)
	third := slices.Clone(s.third)
	slices.SortFunc(third, pyImportOrder)
	for _, l := range std {
		line("%s", l)
	}
	b.WriteString("\n")
	for _, l := range third {
		line("%s", l)
	}
	if len(vars) > 0 {
		b.WriteString(pyNeed)
		names := make([]string, len(vars))
		for i, v := range vars {
			names[i] = pyStr(v.Name)
		}
		line("\n\nenv = need(%s)", strings.Join(names, ", "))
	}
	b.WriteString("\n")
	if s.hoist {
		line("url = %s", s.cat(s.url))
		line("headers = %s", s.headerDict(""))
		if s.body != nil {
			line("body = %s", s.wire(s.body))
		} else {
			line("body = None")
		}
	}
	for _, l := range s.setup {
		line("%s", l)
	}
	if len(s.setup) > 0 || s.hoist {
		b.WriteString("\n")
	}
	line("r = %s(", s.call)
	line("    %s,", pyStr(s.method))
	if s.hoist {
		line("    url,")
	} else {
		line("    %s,", s.cat(s.url))
	}
	switch {
	case s.headersExpr != "":
		line("    headers=%s,", s.headersExpr)
	case s.hoist:
		line("    headers=headers,")
	case len(s.headers) > 0:
		line("    headers=%s,", s.headerDict("    "))
	}
	switch {
	case s.hoist && s.body != nil:
		line("    data=body,")
	case s.body != nil:
		line("    data=%s,", s.wire(s.body))
	}
	for _, k := range s.kwargs {
		if !strings.Contains(k, ",  #") && !strings.HasSuffix(k, ",") {
			k += ","
		}
		line("    %s", strings.ReplaceAll(k, "\n", "\n    "))
	}
	line("    timeout=%s,", pySeconds(timeoutOf(p).Seconds()))
	line("    allow_redirects=%s,", map[bool]string{true: "True", false: "False"}[p.Follow])
	line(")")
	line("print(r.status_code, r.reason)")
	line("print(r.text)")
	line("sys.exit(0 if r.status_code < 300 else r.status_code // 100)")
	return b.String()
}

// headerDict writes the headers as a dict literal, one per line; a name
// given twice is sent once, its values joined with ", " (RFC 9110 §5.3).
func (s *pyScript) headerDict(indent string) string {
	if len(s.headers) == 0 {
		return "{}"
	}
	var names []string
	values := map[string][]Value{}
	exprs := map[string]string{}
	for _, h := range s.headers {
		key := strings.ToLower(h.name)
		if h.expr != "" {
			if _, ok := values[key]; !ok {
				names = append(names, h.name)
			}
			exprs[key], values[key] = h.expr, nil
			continue
		}
		if _, ok := values[key]; !ok {
			names = append(names, h.name)
		} else {
			values[key] = append(values[key], Value{Lit: ", "})
		}
		values[key] = append(values[key], h.value...)
	}
	var b strings.Builder
	b.WriteString("{\n")
	for _, n := range names {
		v := exprs[strings.ToLower(n)]
		if v == "" {
			v = s.wire(merge(values[strings.ToLower(n)]))
		}
		fmt.Fprintf(&b, "%s    %s: %s,\n", indent, pyStr(n), v)
	}
	b.WriteString(indent + "}")
	return b.String()
}

// merge joins neighbouring literals.
func merge(vs []Value) []Value {
	var out []Value
	for _, v := range vs {
		if n := len(out); n > 0 && !v.IsVar() && !out[n-1].IsVar() {
			out[n-1].Lit += v.Lit
			continue
		}
		out = append(out, v)
	}
	return out
}

// pyNeed is the helper that reads the variables, exiting with one line
// naming those unset or empty (rather than a KeyError's traceback).
const pyNeed = `

def need(*names):
    """Returns the environment variables names; exits naming any unset or empty."""
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        sys.exit("set the environment variable" + "s" * (len(missing) > 1) + " " + ", ".join(missing) + " first")
    return {n: os.environ[n] for n in names}
`

// pyImportOrder sorts "import x" before "from x import y", each by module.
func pyImportOrder(a, b string) int {
	ka, kb := strings.HasPrefix(a, "from "), strings.HasPrefix(b, "from ")
	if ka != kb {
		if ka {
			return 1
		}
		return -1
	}
	return strings.Compare(a, b)
}

func pySeconds(sec float64) string {
	s := strconv.FormatFloat(sec, 'f', -1, 64)
	return s
}

// pyStr writes s as a Python 3 str literal that reads back the same code
// points (Python Language Reference §2.4.1, string literals): quotes and
// backslashes escaped, control and invisible characters (newlines, bidi
// controls, separators) as \x, \u or \U escapes, other text as it is. A
// string that is not UTF-8 becomes a bytes literal.
func pyStr(s string) string {
	if !utf8.ValidString(s) {
		return pyBytes(s)
	}
	quote := '"'
	if strings.ContainsRune(s, '"') && !strings.ContainsRune(s, '\'') {
		quote = '\'' // as repr() does: fewer escapes
	}
	var b strings.Builder
	b.WriteRune(quote)
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case quote:
			b.WriteRune('\\')
			b.WriteRune(quote)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			switch {
			case r < 0x20 || r == 0x7f:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r < 0x80 || unicode.IsPrint(r):
				b.WriteRune(r)
			case r <= 0xffff:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		}
	}
	b.WriteRune(quote)
	return b.String()
}

// pyBytes writes s as a bytes literal, byte for byte.
func pyBytes(s string) string {
	var b strings.Builder
	b.WriteString(`b"`)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// utf8 writes a credential requests must send as UTF-8 bytes.
func (s *pyScript) utf8(v Value) string {
	if !v.IsVar() && isASCII(v.Lit) {
		return pyStr(v.Lit)
	}
	return s.val(v) + ".encode()"
}

// ignorePinned warns about pinned nonces, timestamps and dates: a script
// makes fresh ones each time it runs (a server refuses a nonce twice).
func ignorePinned(p *Plan, target string, fields ...string) {
	for _, f := range fields {
		if p.Field(f) != (Value{}) {
			p.Warn("%s: the pinned %s is not exported: the exported code makes a fresh one each run", target, f)
		}
	}
}

// pyBasic: requests' auth=(user, password) tuple (RFC 7617), given as
// bytes so they are sent as UTF-8 (§2.1) rather than requests' Latin-1.
func pyBasic(s *pyScript, p *Plan) error {
	user, pass := s.utf8(p.Field("username")), s.utf8(p.Field("password"))
	if strings.HasSuffix(user, ".encode()") || strings.HasSuffix(pass, ".encode()") {
		s.kwarg("# bytes, sent as UTF-8 (RFC 7617 §2.1); requests would encode a str as Latin-1\nauth=(%s, %s)", user, pass)
	} else {
		s.kwarg("auth=(%s, %s)", user, pass)
	}
	return nil
}

// pyDigest: requests.auth.HTTPDigestAuth answers the 401 challenge (RFC
// 7616) with MD5, SHA-256 or SHA-512 and qop=auth; it cannot do auth-int,
// userhash or SHA-512-256.
func pyDigest(s *pyScript, p *Plan) error {
	alg, qop := p.Lit("algorithm"), p.Lit("qop")
	if alg != "" && alg != "auto" && alg != "MD5" && alg != "SHA-256" && alg != "MD5-sess" {
		return &unsupportedError{what: fmt.Sprintf("python: requests' HTTPDigestAuth cannot answer with algorithm %s (it does MD5, MD5-sess, SHA-256)", alg)}
	}
	if qop == "auth-int" {
		return &unsupportedError{what: "python: requests' HTTPDigestAuth cannot do qop=auth-int"}
	}
	ignorePinned(p, "python", "cnonce")
	s.importThird("from requests.auth import HTTPDigestAuth", "")
	s.notes = append(s.notes, "HTTPDigestAuth answers the server's 401 challenge: MD5, SHA-256 or SHA-512, qop=auth (RFC 7616).")
	s.kwarg("auth=HTTPDigestAuth(%s, %s)", s.val(p.Field("username")), s.val(p.Field("password")))
	return nil
}

// pyBearer: the token in Authorization (RFC 6750 §2.1).
func pyBearer(s *pyScript, p *Plan) error {
	s.header("Authorization", Value{Lit: "Bearer "}, p.Field("token"))
	return nil
}

// pyAPIKey: the key in a header, or a query parameter through params=.
func pyAPIKey(s *pyScript, p *Plan) error {
	if p.Lit("in") == "query" {
		s.kwarg("params={%s: %s}", s.val(p.Field("name")), s.val(p.Field("value")))
		return nil
	}
	if p.Field("name").IsVar() {
		return &presignInstead{why: "the header name is kept in a reference"}
	}
	s.header(p.Lit("name"), p.Field("value"))
	return nil
}

// pyOAuth1: requests_oauthlib.OAuth1 signs each request (RFC 5849); oauthlib
// 3.2 does HMAC-SHA1, HMAC-SHA256, PLAINTEXT and RSA-SHA1 (the last with
// the key, through PyJWT and cryptography).
func pyOAuth1(s *pyScript, p *Plan) error {
	method := p.Lit("signature_method")
	if method == "" {
		method = "HMAC-SHA1"
	}
	if p.Field("signature_method").IsVar() || p.Field("placement").IsVar() {
		return &presignInstead{why: "the signature method or placement is kept in a reference"}
	}
	ignorePinned(p, "python", "nonce", "timestamp")
	s.importThird("from requests_oauthlib import OAuth1", "requests_oauthlib (Debian: python3-requests-oauthlib)")
	args := []string{s.val(p.Field("consumer_key"))}
	kw := func(name string, v Value) {
		if v != (Value{}) {
			args = append(args, name+"="+s.val(v))
		}
	}
	if method != "RSA-SHA1" {
		kw("client_secret", p.Field("consumer_secret"))
	}
	kw("resource_owner_key", p.Field("token"))
	kw("resource_owner_secret", p.Field("token_secret"))
	args = append(args, "signature_method="+pyStr(method))
	typ := map[string]string{"": "AUTH_HEADER", "header": "AUTH_HEADER", "query": "QUERY", "body": "BODY"}[p.Lit("placement")]
	if typ == "" {
		return authn.Inputf("use header, query or body", "OAuth 1.0a placement %q", p.Lit("placement"))
	}
	args = append(args, "signature_type="+pyStr(typ))
	if method == "RSA-SHA1" {
		kw("rsa_key", p.Field("private_key"))
		s.needs = append(s.needs, "for RSA-SHA1 PyJWT and cryptography (Debian: python3-jwt, python3-cryptography)")
	}
	kw("realm", p.Field("realm"))
	kw("callback_uri", p.Field("callback"))
	kw("verifier", p.Field("verifier"))
	s.setup = append(s.setup, "auth = OAuth1(")
	for _, a := range args {
		s.setup = append(s.setup, "    "+a+",")
	}
	s.setup = append(s.setup, ")")
	s.kwarg("auth=auth")
	return nil
}

// pyOAuth2: requests_oauthlib.OAuth2Session fetches the token (RFC 6749)
// and sends it as a Bearer token: client_credentials
// (BackendApplicationClient), password (LegacyApplicationClient) and
// refresh_token. The interactive grants need a person at a browser or a
// device page, which a script run unattended has not.
func pyOAuth2(s *pyScript, p *Plan) error {
	grant := p.Lit("grant")
	if grant == "" {
		grant = "client_credentials"
	}
	switch grant {
	case "client_credentials", "password", "refresh_token":
	case "device_code":
		return &unsupportedError{what: "python: the device_code grant (RFC 8628) is not exported to python"}
	default:
		return &unsupportedError{what: fmt.Sprintf("python: the %s grant needs a browser and a redirect listener (a profile with a refresh_token exports)", grant)}
	}
	s.importThird("from requests_oauthlib import OAuth2Session", "requests_oauthlib (Debian: python3-requests-oauthlib)")
	if isHTTP(p.Lit("token_url")) || isHTTP(p.URL) {
		s.importStd("import os")
		s.setup = append(s.setup,
			"# oauthlib refuses plain http unless told (RFC 6749 §3.1 asks for TLS); this endpoint is http.",
			`os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"`)
	}
	id := s.val(p.Field("client_id"))
	basic := p.Lit("client_auth") != "body"
	secret := p.Field("client_secret")
	var args []string
	var session string
	clientAuth := func() {
		switch {
		case secret == (Value{}):
			args = append(args, "include_client_id=True,  # a public client: client_id in the body (RFC 6749 §2.1)")
		case basic:
			args = append(args, "client_secret="+s.val(secret)+",",
				"include_client_id=False,  # client_secret_basic: Authorization: Basic (RFC 6749 §2.3.1)")
		default:
			args = append(args, "client_secret="+s.val(secret)+",",
				"include_client_id=True,  # client_secret_post: client_id and client_secret in the body (RFC 6749 §2.3.1)")
		}
	}
	switch grant {
	case "client_credentials":
		s.importThird("from oauthlib.oauth2 import BackendApplicationClient", "")
		session = fmt.Sprintf("session = OAuth2Session(client=BackendApplicationClient(client_id=%s))", id)
		clientAuth()
	case "password":
		s.importThird("from oauthlib.oauth2 import LegacyApplicationClient", "")
		s.notes = append(s.notes, "The password grant is legacy: RFC 9700 §2.4 says not to use it.")
		session = fmt.Sprintf("session = OAuth2Session(client=LegacyApplicationClient(client_id=%s))", id)
		args = append(args, "username="+s.val(p.Field("username"))+",", "password="+s.val(p.Field("password"))+",")
		clientAuth()
	case "refresh_token":
		session = fmt.Sprintf("session = OAuth2Session(client_id=%s)", id)
		args = append(args, "refresh_token="+s.val(p.Field("refresh_token"))+",")
		switch {
		case secret == (Value{}):
			args = append(args, "client_id="+id+",  # a public client: client_id in the body (RFC 6749 §2.1)")
		case basic:
			args = append(args, "auth=("+id+", "+s.val(secret)+"),  # client_secret_basic (RFC 6749 §2.3.1)")
		default:
			args = append(args, "client_id="+id+",", "client_secret="+s.val(secret)+",  # client_secret_post (RFC 6749 §2.3.1)")
		}
	}
	if v := p.Field("scope"); v != (Value{}) {
		args = append(args, "scope="+s.val(v)+",")
	}
	if v := p.Field("audience"); v != (Value{}) {
		args = append(args, "audience="+s.val(v)+",")
	}
	args = append(args, "timeout="+pySeconds(timeoutOf(p).Seconds())+",")
	call := "session.fetch_token("
	if grant == "refresh_token" {
		call = "session.refresh_token("
	}
	s.setup = append(s.setup, session)
	if p.TLS.Cert != "" {
		s.importStd("import os")
		s.setup = append(s.setup, "session.cert = "+pyCert(p)+"  # for the token request too")
	}
	s.setup = append(s.setup, call, "    "+s.val(p.Field("token_url"))+",")
	for _, a := range args {
		s.setup = append(s.setup, "    "+a)
	}
	if p.TLS.Insecure || p.TLS.CACert != "" {
		verify := "False"
		if !p.TLS.Insecure {
			s.importStd("import os")
			verify = "os.path.expanduser(" + pyStr(p.TLS.CACert) + ")"
		}
		s.setup = append(s.setup, "    verify="+verify+",")
	}
	s.setup = append(s.setup, ")")
	s.call = "session.request"
	return nil
}

func pyCert(p *Plan) string {
	if p.TLS.Key != "" {
		return "(os.path.expanduser(" + pyStr(p.TLS.Cert) + "), os.path.expanduser(" + pyStr(p.TLS.Key) + "))"
	}
	return "os.path.expanduser(" + pyStr(p.TLS.Cert) + ")"
}

// pyJWT: a given token as Bearer, or claims signed by PyJWT when the
// script runs, iat/nbf/exp computed from its clock (RFC 7519).
func pyJWT(s *pyScript, p *Plan) error {
	if tok := p.Field("token"); tok != (Value{}) {
		s.header("Authorization", Value{Lit: "Bearer "}, tok)
		return nil
	}
	j, err := newJWTPlan(p, &s.u)
	if err != nil {
		return err
	}
	s.importStd("import json")
	s.importStd("import time")
	s.importThird("import jwt", "PyJWT (Debian: python3-jwt; python3-cryptography for RS256, ES256, EdDSA)")
	s.setup = append(s.setup, "claims = json.loads("+pyStr(j.Claims)+")")
	if len(j.Times) > 0 {
		s.setup = append(s.setup, "now = int(time.time())")
	}
	for _, t := range j.Times {
		s.setup = append(s.setup, fmt.Sprintf("claims[%s] = %s", pyStr(t.Name), offsetExpr("now", t.Offset)))
	}
	head := ""
	if j.Kid != "" {
		head = ", headers={\"kid\": " + pyStr(j.Kid) + "}"
	}
	s.setup = append(s.setup, fmt.Sprintf("token = jwt.encode(claims, %s, algorithm=%s%s)", s.val(j.Key), pyStr(j.Alg), head))
	s.headers = append(s.headers, pyHeader{name: "Authorization", expr: `"Bearer " + token`})
	return nil
}

// pySigV4: botocore's SigV4Auth signs the request when the script runs
// (AWS Signature Version 4; S3SigV4Auth for service s3); requests sends it.
func pySigV4(s *pyScript, p *Plan) error {
	ignorePinned(p, "python", "date")
	for _, f := range []string{"region", "service"} {
		if p.Field(f).IsVar() {
			return &presignInstead{why: "the " + f + " is kept in a reference"}
		}
	}
	signer := "SigV4Auth"
	if p.Lit("service") == "s3" {
		signer = "S3SigV4Auth" // X-Amz-Content-Sha256 sent, the path escaped once
	}
	s.importThird("from botocore.auth import "+signer, "botocore (Debian: python3-botocore)")
	s.importThird("from botocore.awsrequest import AWSRequest", "")
	s.importThird("from botocore.credentials import Credentials", "")
	s.hoist = true
	creds := s.val(p.Field("access_key")) + ", " + s.val(p.Field("secret_key"))
	if v := p.Field("session_token"); v != (Value{}) {
		creds += ", " + s.val(v)
	}
	s.setup = append(s.setup,
		"aws_request = AWSRequest(method="+pyStr(p.Method)+", url=url, data=body, headers=headers)",
		fmt.Sprintf("%s(Credentials(%s), %s, %s).add_auth(aws_request)", signer, creds, pyStr(p.Lit("service")), pyStr(p.Lit("region"))))
	s.headersExpr = "dict(aws_request.headers)"
	return nil
}
