package postman

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/profiles"
)

// SchemaV21 is the schema URL a v2.1 collection names in info.schema.
const SchemaV21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

// practiceURL is what {{practice}} stands for in an exported collection:
// the address `authlab serve` listens on by default.
const practiceURL = "http://127.0.0.1:8089"

type exCollection struct {
	Info     exInfo    `json:"info"`
	Item     []*exItem `json:"item"`
	Variable []exVar   `json:"variable,omitempty"`
}

type exInfo struct {
	Name   string `json:"name"`
	Schema string `json:"schema"`
}

type exItem struct {
	Name     string          `json:"name"`
	Item     []*exItem       `json:"item,omitempty"`
	Request  *exRequest      `json:"request,omitempty"`
	Behavior map[string]bool `json:"protocolProfileBehavior,omitempty"`
	folder   bool
}

type exRequest struct {
	Method      string         `json:"method"`
	Header      []exKV         `json:"header"`
	Body        map[string]any `json:"body,omitempty"`
	URL         exURL          `json:"url"`
	Auth        map[string]any `json:"auth"`
	Description string         `json:"description,omitempty"`
}

// exURL is a request's URL as the Postman app writes it: raw and its
// parts. Runners built on the postman-collection library (newman, the
// app's collection runner) send what the parts say and ignore raw, so an
// object with raw alone is sent as an empty URL.
type exURL struct {
	Raw      string   `json:"raw"`
	Protocol string   `json:"protocol,omitempty"`
	Host     []string `json:"host,omitempty"`
	Port     string   `json:"port,omitempty"`
	Path     []string `json:"path,omitempty"`
	Query    []exKV   `json:"query,omitempty"`
	Hash     string   `json:"hash,omitempty"`
}

// splitURL fills the parts of raw the way Postman splits it: the text
// as written, {{variables}} and percent-escapes kept, a host split at
// dots, a port only when it is all digits.
func splitURL(raw string) exURL {
	u := exURL{Raw: raw}
	rest := raw
	if i := strings.Index(rest, "://"); i > 0 && !strings.Contains(rest[:i], "{{") && !strings.Contains(rest[:i], "/") {
		u.Protocol, rest = rest[:i], rest[i+3:]
	}
	rest, u.Hash, _ = strings.Cut(rest, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	hostport, path, hasPath := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && i < len(hostport)-1 && strings.Trim(hostport[i+1:], "0123456789") == "" {
		hostport, u.Port = hostport[:i], hostport[i+1:]
	}
	if hostport != "" {
		u.Host = splitHost(hostport)
	}
	if hasPath {
		u.Path = strings.Split(path, "/")
	}
	if hasQuery && query != "" {
		for _, part := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(part, "=")
			u.Query = append(u.Query, exKV{Key: k, Value: v})
		}
	}
	return u
}

// splitHost splits a host at its dots, leaving the dots inside a
// {{variable}} alone.
func splitHost(h string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(h); i++ {
		switch {
		case strings.HasPrefix(h[i:], "{{"):
			depth++
			i++
		case strings.HasPrefix(h[i:], "}}") && depth > 0:
			depth--
			i++
		case h[i] == '.' && depth == 0:
			out = append(out, h[start:i])
			start = i + 1
		}
	}
	return append(out, h[start:])
}

type exKV struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
	Type  string `json:"type,omitempty"`
}

type exVar struct {
	Key         string `json:"key"`
	Value       string `json:"value"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
}

// exporter holds one export's state: the collection variables made so far.
type exporter struct {
	vars  []exVar
	index map[string]int
}

// Export writes profiles as a Postman collection v2.1 named name: groups
// become folders, each profile a request with its own auth object
// ({"type": "noauth"} for none, so nothing is inherited by surprise), and
// {{variables}} stay as written. The environments' variables (the first
// environment that sets one wins), then the profiles' defaults, become
// collection variables.
//
// No secret is written: a secret field, a credential header or a secret
// query value — a reference (env:, file:, keyring:, prompt) or a literal
// the user chose to store — becomes a {{NAME}} collection variable with an
// empty value and a description saying where authlab read it, for the
// colleague to fill in a Postman environment. A secret variable of an
// environment is exported the same way.
func Export(name string, ps []profiles.Profile, envs []profiles.Environment) ([]byte, error) {
	return ExportFor(name, ps, envs, practiceURL)
}

// ExportFor is Export with {{practice}} standing for practice (the
// server the user chose with --practice) instead of `authlab serve`'s
// default address.
func ExportFor(name string, ps []profiles.Profile, envs []profiles.Environment, practice string) ([]byte, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("the collection needs a name: pass one, e.g. the group's")
	}
	x := &exporter{index: map[string]int{}}
	c := exCollection{Info: exInfo{Name: name, Schema: SchemaV21}, Item: []*exItem{}}
	root := &exItem{folder: true}
	usesPractice := false
	for _, p := range ps {
		if p.Name == "" {
			return nil, errors.New("a profile without a name cannot be exported: save it first")
		}
		req, behavior := x.request(p)
		parts := strings.Split(p.Name, "/")
		folder := root
		for _, g := range parts[:len(parts)-1] {
			folder = folder.child(g)
		}
		folder.Item = append(folder.Item, &exItem{Name: parts[len(parts)-1], Request: req, Behavior: behavior})
		usesPractice = usesPractice || strings.Contains(p.URL, "{{"+practiceVar+"}}")
	}
	c.Item = append(c.Item, root.Item...)
	for _, e := range envs {
		for _, v := range e.Vars {
			x.envVar(e.Name, v)
		}
	}
	for _, p := range ps {
		for _, v := range p.Vars {
			x.envVar("profile "+p.Name, v)
		}
	}
	if usesPractice {
		x.add(exVar{Key: "practice", Value: practice, Type: "string", Description: "authlab's practice server: run `authlab serve` (the built-in {{practice}} variable)"})
	}
	c.Variable = x.vars
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "\t")
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("cannot write the collection: %w", err)
	}
	return buf.Bytes(), nil
}

func (f *exItem) child(name string) *exItem {
	for _, it := range f.Item {
		if it.folder && it.Name == name {
			return it
		}
	}
	it := &exItem{Name: name, folder: true, Item: []*exItem{}}
	f.Item = append(f.Item, it)
	return it
}

// add appends a collection variable unless one of that name exists.
func (x *exporter) add(v exVar) {
	if _, ok := x.index[v.Key]; ok {
		return
	}
	x.index[v.Key] = len(x.vars)
	x.vars = append(x.vars, v)
}

// envVar exports a variable of an environment or a profile's defaults.
func (x *exporter) envVar(from string, v profiles.Var) {
	if v.Secret || looksLikeRef(v.Value) {
		x.add(exVar{Key: v.Name, Type: "string", Description: secretNote(v.Value, from)})
		return
	}
	x.add(exVar{Key: v.Name, Value: v.Value, Type: "string"})
}

// secretNote describes a secret left out of the collection.
func secretNote(v, from string) string {
	where := "held as a literal in authlab"
	if profiles.IsRef(v) || strings.HasPrefix(v, "command:") {
		where = "authlab reads it from " + v
	}
	if from != "" {
		where += " (" + from + ")"
	}
	return "Secret, not exported: " + where + ". Set it in a Postman environment, not in the collection."
}

// secret returns the value to write for a secret (or a reference) at
// field of p: {{var}} as it is, else a new {{NAME}} collection variable.
func (x *exporter) secret(p profiles.Profile, field, v string) string {
	if v == "" {
		return ""
	}
	if _, ok := wholeVar(v); ok {
		return v
	}
	name, ok := strings.CutPrefix(v, profiles.PrefixEnv)
	if !ok || !profiles.ValidEnvName(name) {
		name = envname.For(envname.API(p.URL), p.Scheme, field)
	}
	x.add(exVar{Key: name, Type: "string", Description: secretNote(v, "profile "+p.Name+", "+field)})
	return "{{" + name + "}}"
}

// request exports one profile.
func (x *exporter) request(p profiles.Profile) (*exRequest, map[string]bool) {
	method := p.Method
	if method == "" {
		method = "GET"
	}
	r := &exRequest{Method: method, Header: []exKV{}, Description: p.Description}
	r.URL = splitURL(x.exportQuery(p))
	ct := ""
	for _, h := range p.Headers {
		v := h.Value
		if authn.CredentialHeader(h.Name) && !strings.Contains(v, "{{") {
			v = x.secret(p, "header "+h.Name, v)
		}
		if strings.EqualFold(h.Name, "Content-Type") {
			ct = h.Value
		}
		r.Header = append(r.Header, exKV{Key: h.Name, Value: v, Type: "text"})
	}
	switch {
	case p.BodyFile != "":
		r.Body = map[string]any{"mode": "file", "file": map[string]string{"src": p.BodyFile}}
	case p.Body != "":
		lang := "text"
		if mt, _, _ := mime.ParseMediaType(ct); mt == "application/json" || strings.HasSuffix(mt, "+json") {
			lang = "json"
		} else if mt == "application/xml" || strings.HasSuffix(mt, "+xml") {
			lang = "xml"
		}
		r.Body = map[string]any{"mode": "raw", "raw": p.Body, "options": map[string]any{"raw": map[string]string{"language": lang}}}
	}
	var left []string
	r.Auth, left = x.auth(p)
	if p.Timeout > 0 {
		left = append(left, "timeout "+p.Timeout.String())
	}
	if p.TLS != (profiles.TLS{}) {
		left = append(left, "TLS options (set them in Postman's Settings → Certificates)")
	}
	if len(left) > 0 {
		if r.Description != "" {
			r.Description += "\n\n"
		}
		r.Description += "authlab settings a collection does not carry: " + strings.Join(left, ", ") + "."
	}
	return r, map[string]bool{"followRedirects": p.Follow}
}

// exportQuery writes a secret query value typed into the URL as a
// variable.
func (x *exporter) exportQuery(p profiles.Profile) string {
	raw := p.URL
	i := strings.IndexByte(raw, '?')
	if i < 0 {
		return raw
	}
	base, query, frag := raw[:i+1], raw[i+1:], ""
	if j := strings.IndexByte(query, '#'); j >= 0 {
		query, frag = query[:j], query[j:]
	}
	parts := strings.Split(query, "&")
	for k, part := range parts {
		n, v, ok := strings.Cut(part, "=")
		if ok && v != "" && !strings.Contains(v, "{{") && authn.SecretParam(n) {
			parts[k] = n + "=" + x.secret(p, "query "+n, v)
		}
	}
	return base + strings.Join(parts, "&") + frag
}

// exportAuth maps an authlab scheme onto a Postman auth object (v2.1:
// attributes as {key, value, type}).
func (x *exporter) auth(p profiles.Profile) (map[string]any, []string) {
	f := func(k string) string { return p.Fields[k] }
	var info authn.Info
	if s, err := authn.Lookup(p.Scheme); err == nil {
		info = s.Info()
	}
	val := func(k string) string {
		v := f(k)
		if fd, ok := info.Field(k); (ok && fd.Secret) || looksLikeRef(v) {
			return x.secret(p, k, v)
		}
		return v
	}
	var attrs []exKV
	var lost []string
	put := func(key, v string) {
		if v != "" {
			attrs = append(attrs, exKV{Key: key, Value: v, Type: "string"})
		}
	}
	typ := ""
	switch p.Scheme {
	case "", "none":
		return map[string]any{"type": "noauth"}, nil
	case "basic":
		typ = "basic"
		put("username", val("username"))
		put("password", val("password"))
	case "bearer":
		typ = "bearer"
		put("token", val("token"))
	case "apikey":
		typ = "apikey"
		put("key", val("name"))
		put("value", val("value"))
		in := f("in")
		if in == "" {
			in = "header"
		}
		put("in", in)
	case "digest":
		typ = "digest"
		put("username", val("username"))
		put("password", val("password"))
		if a := f("algorithm"); a != "" && a != "auto" {
			put("algorithm", a)
		}
		if q := f("qop"); q != "" && q != "auto" {
			put("qop", q)
		}
	case "oauth1":
		typ = "oauth1"
		sm := f("signature_method")
		if sm == "" {
			sm = "HMAC-SHA1"
		}
		put("consumerKey", val("consumer_key"))
		put("consumerSecret", val("consumer_secret"))
		put("token", val("token"))
		put("tokenSecret", val("token_secret"))
		put("signatureMethod", sm)
		put("privateKey", val("private_key"))
		put("realm", val("realm"))
		put("nonce", val("nonce"))
		put("timestamp", val("timestamp"))
		put("callback", val("callback"))
		put("verifier", val("verifier"))
		put("version", "1.0")
		header := f("placement") == "" || f("placement") == "header"
		attrs = append(attrs, exKV{Key: "addParamsToHeader", Value: header, Type: "boolean"})
	case "oauth2":
		typ = "oauth2"
		grant := f("grant")
		switch grant {
		case "", "client_credentials":
			put("grant_type", "client_credentials")
		case "password":
			put("grant_type", "password_credentials")
		case "authorization_code":
			put("grant_type", "authorization_code_with_pkce")
			put("challengeAlgorithm", "S256")
			put("authUrl", val("auth_url"))
		default:
			put("grant_type", "authorization_code_with_pkce")
			lost = append(lost, "the oauth2 grant "+grant+" (Postman has none like it: set the grant by hand)")
		}
		put("accessTokenUrl", val("token_url"))
		put("clientId", val("client_id"))
		put("clientSecret", val("client_secret"))
		put("scope", val("scope"))
		if grant == "password" {
			put("username", val("username"))
			put("password", val("password"))
		}
		ca := "header"
		if f("client_auth") == "body" {
			ca = "body"
		}
		put("client_authentication", ca)
		put("addTokenTo", "header")
		if a := val("audience"); a != "" {
			attrs = append(attrs, exKV{Key: "tokenRequestParams", Value: []map[string]string{{"key": "audience", "value": a, "send_as": "request_body"}}, Type: "any"})
		}
	case "sigv4":
		typ = "awsv4"
		put("accessKey", val("access_key"))
		put("secretKey", val("secret_key"))
		put("sessionToken", val("session_token"))
		put("region", val("region"))
		put("service", val("service"))
	case "hawk":
		typ = "hawk"
		for _, a := range sameAttrs(typ) {
			put(a[0], val(a[1]))
		}
		algo := f("algorithm")
		if algo == "" {
			algo = "sha256"
		}
		put("algorithm", algo)
		// authlab's "auto" hashes any body; Postman hashes only when told
		if ph := f("payload_hash"); ph != "never" {
			put("includePayloadHash", "true")
		}
	case "edgegrid":
		typ = "edgegrid"
		for _, a := range sameAttrs(typ) {
			put(a[0], val(a[1]))
		}
	case "ntlm":
		typ = "ntlm"
		user, domain := f("username"), f("domain")
		if d, u, ok := strings.Cut(user, `\`); ok && domain == "" {
			user, domain = u, d
		}
		put("username", user)
		put("password", val("password"))
		put("domain", domain)
		put("workstation", val("workstation"))
	case "jwt":
		if t := f("token"); t != "" {
			typ = "bearer"
			put("token", val("token"))
			break
		}
		typ = "jwt"
		alg := f("alg")
		if alg == "" {
			alg = "HS256"
		}
		put("algorithm", alg)
		put("secret", val("secret"))
		put("privateKey", val("private_key"))
		put("payload", val("claims"))
		put("addTokenTo", "header")
		put("headerPrefix", "Bearer")
	default:
		return map[string]any{"type": "noauth"}, []string{"the " + p.Scheme + " scheme (Postman has no equal)"}
	}
	return map[string]any{"type": typ, typ: attrs}, lost
}

// Lost lists what of p a Postman collection cannot carry and Export
// therefore writes into the request's description instead ("the sigv4
// field session_token", "timeout 30s"), for the command to report.
func Lost(p profiles.Profile) []string {
	x := &exporter{index: map[string]int{}}
	_, lost := x.auth(p)
	if p.Timeout > 0 {
		lost = append(lost, "timeout "+p.Timeout.String())
	}
	if p.TLS != (profiles.TLS{}) {
		lost = append(lost, "TLS options")
	}
	return lost
}
