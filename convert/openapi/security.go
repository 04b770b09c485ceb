package openapi

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/profiles"
)

// auth is what an operation's security requirement maps to.
type auth struct {
	scheme  string
	fields  map[string]string
	headers []profiles.Header // API keys beside the scheme
	query   []string          // "name={{var}}" pairs
	cookies []string          // "name={{var}}" pairs
	desc    []string
}

// part is one security scheme of a requirement, mapped.
type part struct {
	key     string // the scheme's name in components.securitySchemes
	label   string // "apiKey in header X-API-Key"
	scheme  string // authlab scheme when it is the request's scheme
	fields  map[string]string
	keyIn   string // apiKey: header, query or cookie
	keyName string
	keyVar  string // apiKey: the {{variable}} holding it when not the scheme
	keyRef  string // apiKey: the env: reference of its value
	bad     string // why it cannot be expressed ("" when it can)
	pending string // why the mapping is incomplete ("" when complete)
	mtls    bool
	desc    []string
}

// alternative is one Security Requirement Object (§4.8.30) evaluated.
type alternative struct {
	a       auth
	names   string // "api_key + petstore_auth"
	bad     []string
	pending []string
	anon    bool
}

// security maps an operation's effective security (§4.8.10: the
// operation's security replaces the top-level one; an empty list removes
// it): the first alternative that maps fully is chosen (an anonymous {}
// only when no other maps), the others are named in the description. When
// none maps fully the profile gets an Unmapped entry saying why.
func (im *importer) security(profile, where string, op *node) auth {
	reqs := im.root.get("security")
	src := "security"
	if op.has("security") {
		reqs = op.get("security")
		src = where + " security"
	}
	if reqs == nil || reqs.kind != kSeq || len(reqs.items) == 0 {
		if op.has("security") {
			return auth{scheme: "none", desc: []string{"no authentication (security: [])"}}
		}
		return auth{scheme: "none"}
	}
	var alts []alternative
	for i, r := range reqs.items {
		if i >= 20 {
			im.note(fmt.Sprintf("%s: only the first 20 security alternatives read", src))
			break
		}
		alts = append(alts, im.alternative(r))
	}
	chosen := -1
	for i, al := range alts { // a full, non-anonymous one
		if !al.anon && len(al.bad) == 0 && len(al.pending) == 0 {
			chosen = i
			break
		}
	}
	if chosen < 0 {
		for i, al := range alts {
			if al.anon {
				chosen = i
				break
			}
		}
	}
	if chosen < 0 {
		for i, al := range alts {
			if len(al.bad) == 0 {
				chosen = i
				break
			}
		}
	}
	var out auth
	if chosen >= 0 {
		out = alts[chosen].a
		for _, p := range alts[chosen].pending {
			im.unmapped(profile, src, p)
		}
	} else {
		out = auth{scheme: "none"}
		var why []string
		for _, al := range alts {
			why = append(why, al.bad...)
		}
		im.unmapped(profile, src, "no security requirement authlab can send: "+strings.Join(uniq(why), "; "))
	}
	for i, al := range alts {
		switch {
		case i == chosen:
		case al.anon:
			out.desc = append(out.desc, "authentication is optional")
		case len(al.bad) > 0:
			if chosen >= 0 {
				out.desc = append(out.desc, "also accepted, not mapped: "+al.names)
			}
		default:
			out.desc = append(out.desc, "also accepted: "+al.names)
		}
	}
	return out
}

// alternative evaluates one requirement: its schemes must all map, at most
// one of them as the request's scheme; further API keys travel as
// headers, query parameters or cookies from variables.
func (im *importer) alternative(r *node) alternative {
	var al alternative
	if r.kind != kMap || len(r.keys) == 0 {
		al.anon = true
		al.a = auth{scheme: "none", desc: []string{"no authentication (the document allows anonymous access)"}}
		al.names = "anonymous"
		return al
	}
	var parts []part
	var names []string
	for i, key := range r.keys {
		if i >= 10 {
			al.bad = append(al.bad, "a requirement naming more than 10 schemes at once")
			break
		}
		var scopes []string
		if s := r.vals[i]; s.kind == kSeq {
			for _, it := range s.items {
				if it.kind == kScalar && it.str != "" {
					scopes = append(scopes, it.str)
				}
			}
		}
		p := im.part(key, scopes)
		parts = append(parts, p)
		names = append(names, clean(key, 60))
		if p.bad != "" {
			al.bad = append(al.bad, p.bad)
		}
		if p.pending != "" {
			al.pending = append(al.pending, p.pending)
		}
	}
	al.names = strings.Join(names, " + ")
	if len(al.bad) > 0 {
		return al
	}
	primary := -1
	for i, p := range parts {
		if p.scheme != "" && p.keyIn == "" {
			if primary >= 0 {
				al.bad = append(al.bad, fmt.Sprintf("%s and %s are required together: authlab sends one scheme per request", parts[primary].key, p.key))
				return al
			}
			primary = i
		}
	}
	if primary < 0 { // an API key in a header or the query is the scheme
		for i, p := range parts {
			if p.keyIn == "header" || p.keyIn == "query" {
				primary = i
				break
			}
		}
	}
	a := auth{scheme: "none"}
	if primary >= 0 {
		a.scheme, a.fields = parts[primary].scheme, parts[primary].fields
		a.desc = append(a.desc, "auth: "+parts[primary].label)
		a.desc = append(a.desc, parts[primary].desc...)
	}
	for i, p := range parts {
		if i == primary {
			continue
		}
		switch {
		case p.mtls:
		case p.keyIn == "header":
			a.headers = append(a.headers, profiles.Header{Name: p.keyName, Value: "{{" + p.keyVar + "}}"})
		case p.keyIn == "query":
			a.query = append(a.query, url.QueryEscape(p.keyName)+"={{"+p.keyVar+"}}")
		case p.keyIn == "cookie":
			a.cookies = append(a.cookies, p.keyName+"={{"+p.keyVar+"}}")
		}
		if p.keyIn != "" {
			// beside the scheme, a key is read from a variable
			im.setVar(profiles.Var{Name: p.keyVar, Value: p.keyRef, Secret: true})
		}
		if p.keyIn != "" || p.mtls {
			word := "with "
			if primary < 0 && !strings.Contains(strings.Join(a.desc, " "), "auth: ") {
				word = "auth: "
			}
			a.desc = append(a.desc, word+p.label)
			a.desc = append(a.desc, p.desc...)
		}
	}
	al.a = a
	return al
}

// part maps one scheme of a requirement with the requirement's scopes.
func (im *importer) part(key string, scopes []string) part {
	m := im.scheme(key)
	p := *m
	if p.fields != nil {
		p.fields = make(map[string]string, len(m.fields))
		for k, v := range m.fields {
			p.fields[k] = v
		}
		if p.scheme == "oauth2" {
			sc := scopes
			if p.fields["scope"] != "" { // openid, from discovery
				sc = append([]string{p.fields["scope"]}, scopes...)
			}
			if s := strings.Join(uniq(sc), " "); s != "" {
				p.fields["scope"] = s
			}
		}
	}
	return p
}

// scheme maps a Security Scheme Object (§4.8.27) once per import.
func (im *importer) scheme(key string) *part {
	if m, ok := im.schemes[key]; ok {
		return m
	}
	where := "components.securitySchemes." + clean(key, 60)
	m := &part{key: clean(key, 60)}
	im.schemes[key] = m
	raw := im.root.get("components").get("securitySchemes").get(key)
	if raw == nil {
		m.bad = fmt.Sprintf("security scheme %q is not defined in components.securitySchemes", m.key)
		im.unmapped("", where, m.bad)
		return m
	}
	s, err := deref(im.root, raw)
	if err != nil || s == nil || s.kind != kMap {
		if err == nil {
			err = fmt.Errorf("is not an object")
		}
		m.bad = fmt.Sprintf("security scheme %s: %v", m.key, err)
		im.unmapped("", where, m.bad)
		return m
	}
	typ := s.text("type")
	switch typ {
	case "apiKey":
		im.apiKey(m, s)
	case "http":
		im.httpScheme(m, s)
	case "oauth2":
		im.oauth2(m, s)
	case "openIdConnect":
		im.openIDConnect(m, s)
	case "mutualTLS":
		m.mtls = true
		m.label = "mutualTLS (client certificate)"
		im.note(fmt.Sprintf("security scheme %s is mutualTLS: set tls.cert and tls.key of its profiles to your client certificate and key (PEM paths); the import leaves them empty", m.key))
		m.desc = []string{"set tls.cert and tls.key to your client certificate"}
	case "":
		m.bad = fmt.Sprintf("security scheme %s has no type", m.key)
	default:
		m.bad = fmt.Sprintf("security scheme %s: type %q is not an OpenAPI 3 type authlab knows", m.key, clean(typ, 40))
	}
	if m.bad != "" {
		im.unmapped("", where, m.bad)
	}
	return m
}

// apiKey maps an apiKey scheme: in a header or the query it is authlab's
// apikey; in a cookie, which apikey does not send, a Cookie header from a
// variable.
func (im *importer) apiKey(m *part, s *node) {
	m.keyName, m.keyIn = s.text("name"), s.text("in")
	if m.keyName == "" {
		m.bad = fmt.Sprintf("apiKey %s has no name", m.key)
		return
	}
	if !validToken(m.keyName) {
		m.bad = fmt.Sprintf("apiKey %s: name %q is not a valid header or parameter name", m.key, clean(m.keyName, 60))
		return
	}
	ref := im.secretRef(m.key, "apikey", []string{"value", "header " + m.keyName, m.key + " key"})
	m.keyVar = varName(m.key)
	switch m.keyIn {
	case "header", "query":
		m.label = "apiKey in " + m.keyIn + " " + m.keyName
		m.scheme = "apikey"
		m.fields = map[string]string{"name": m.keyName, "in": m.keyIn, "value": ref}
		m.keyRef = ref
		if strings.EqualFold(m.keyName, "authorization") {
			m.desc = append(m.desc, "the key is the whole Authorization value, its prefix included (Bot …, Bearer …)")
		}
	case "cookie":
		m.label = "apiKey in cookie " + m.keyName
		m.keyRef = ref
		im.note(fmt.Sprintf("apiKey %s is a cookie: authlab's apikey scheme sends headers and query parameters only, so the key goes in a Cookie header from the variable %s (%s)", m.key, m.keyVar, ref))
	default:
		m.bad = fmt.Sprintf("apiKey %s: in %q is not header, query or cookie", m.key, clean(m.keyIn, 20))
		m.keyIn = ""
	}
}

// httpScheme maps an http scheme (§4.8.27.1: an IANA HTTP Authentication
// Scheme name, compared without case).
func (im *importer) httpScheme(m *part, s *node) {
	sch := strings.ToLower(s.text("scheme"))
	switch sch {
	case "basic", "digest":
		m.label = "http " + sch
		m.scheme = sch
		m.fields = map[string]string{"username": im.userVar(m.key, "username"), "password": im.secretRef(m.key, sch, []string{"password", m.key + " password"})}
	case "bearer":
		m.label = "http bearer"
		m.scheme = "bearer"
		m.fields = map[string]string{"token": im.secretRef(m.key, "bearer", []string{"token", m.key + " token"})}
		if f := clean(s.text("bearerFormat"), 40); f != "" {
			m.label += " (" + f + ")"
			if strings.EqualFold(f, "jwt") {
				m.desc = append(m.desc, "the token is a JWT: paste one, or build it with the jwt scheme")
			}
		}
	case "":
		m.bad = fmt.Sprintf("http scheme %s names no scheme", m.key)
	case "ntlm":
		m.label = "http ntlm"
		m.scheme = "ntlm"
		m.fields = map[string]string{"username": im.userVar(m.key, "username"), "password": im.secretRef(m.key, "ntlm", []string{"password", m.key + " password"})}
		m.desc = append(m.desc, `NTLM: give the Windows domain with -c domain=NAME (or a username DOMAIN\user)`)
	case "negotiate":
		m.bad = fmt.Sprintf("http scheme %s is Negotiate (Kerberos/SPNEGO, RFC 4559): authlab has no such scheme", m.key)
	default:
		m.bad = fmt.Sprintf("http scheme %s is %q: authlab has no such scheme (it has basic, bearer, digest and ntlm)", m.key, clean(sch, 40))
	}
}

// oauth2 maps the first flow authlab runs (§4.8.29), in the document's
// order.
func (im *importer) oauth2(m *part, s *node) {
	flows := s.get("flows")
	if flows == nil || flows.kind != kMap || len(flows.keys) == 0 {
		m.bad = fmt.Sprintf("oauth2 %s has no flows", m.key)
		return
	}
	grants := map[string]string{"clientCredentials": "client_credentials", "authorizationCode": "authorization_code", "password": "password", "deviceAuthorization": "device_code"}
	chosen := -1
	var others []string
	for i, k := range flows.keys {
		if _, ok := grants[k]; ok && chosen < 0 && flows.vals[i].kind == kMap {
			chosen = i
			continue
		}
		others = append(others, clean(k, 40))
	}
	if chosen < 0 {
		if flows.has("implicit") {
			m.bad = fmt.Sprintf("oauth2 %s offers only the implicit flow, which authlab does not run (deprecated: RFC 9700 §2.1.2): ask the provider for the authorization code flow with PKCE", m.key)
		} else {
			m.bad = fmt.Sprintf("oauth2 %s has no flow authlab runs (clientCredentials, authorizationCode, password, deviceAuthorization)", m.key)
		}
		return
	}
	flowName, f := flows.keys[chosen], flows.vals[chosen]
	grant := grants[flowName]
	m.label = "oauth2 " + flowName
	m.scheme = "oauth2"
	m.fields = map[string]string{"grant": grant, "client_id": im.userVar(m.key, "client_id")}
	need := func(field, key string) {
		raw := f.text(key)
		if hasVarSyntax(raw) {
			m.bad = fmt.Sprintf("oauth2 %s %s holds {{ or }}, which authlab would read as a variable", m.key, key)
			return
		}
		if raw == "" {
			m.bad = fmt.Sprintf("oauth2 %s flow %s has no %s", m.key, flowName, key)
			return
		}
		u, pending := im.resolveURL(raw)
		m.fields[field] = u
		if pending != "" && m.pending == "" {
			m.pending = fmt.Sprintf("oauth2 %s %s: %s", m.key, key, pending)
		}
	}
	need("token_url", "tokenUrl")
	switch grant {
	case "authorization_code":
		need("auth_url", "authorizationUrl")
		m.desc = append(m.desc, "a confidential client adds client_secret")
	case "device_code":
		need("device_auth_url", "deviceAuthorizationUrl")
	case "client_credentials":
		m.fields["client_secret"] = im.secretRef(m.key, "oauth2", []string{"client_secret", m.key + " client secret"})
	case "password":
		m.fields["client_secret"] = im.secretRef(m.key, "oauth2", []string{"client_secret", m.key + " client secret"})
		m.fields["username"] = im.userVar(m.key, "username")
		m.fields["password"] = im.secretRef(m.key, "oauth2", []string{"password", m.key + " password"})
		m.desc = append(m.desc, "the password grant is legacy: RFC 9700 §2.4 says not to use it")
	}
	if r := f.text("refreshUrl"); r != "" && r != f.text("tokenUrl") {
		m.desc = append(m.desc, "refreshUrl "+clean(r, 200)+" differs from the token URL; authlab refreshes at the token URL")
	}
	if len(others) > 0 {
		m.desc = append(m.desc, "other flows in the document: "+strings.Join(others, ", "))
	}
}

// resolveURL makes a URL of the document absolute (OpenAPI 3.1 §4.6:
// relative to the server URL) and writes it from {{base_url}} when it lies
// below servers[0], so that it follows the chosen environment. pending is
// why it could not be made absolute.
func (im *importer) resolveURL(raw string) (string, string) {
	ref, err := url.Parse(raw)
	if err != nil {
		return raw, fmt.Sprintf("%q is not a URL", clean(raw, 200))
	}
	if ref.IsAbs() {
		return raw, ""
	}
	base, err := url.Parse(im.base)
	if err != nil || !base.IsAbs() {
		return raw, fmt.Sprintf("%s is relative and so is the server URL: fill in the full URL", clean(raw, 200))
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/" // RFC 3986 §5.2.3: "token" below /v3, not beside it
	}
	abs := base.ResolveReference(ref).String()
	if rest, ok := strings.CutPrefix(abs, im.base); ok {
		return "{{" + baseVar + "}}" + rest, ""
	}
	return abs, ""
}

// secretRef names the env: reference of a scheme's secret field: the first
// of the candidate field words whose variable no other scheme of the
// document uses (two API keys get PETSTORE_API_KEY and PETSTORE_X_APP_ID).
func (im *importer) secretRef(key, scheme string, fields []string) string {
	owner := key + "\x00" + fields[0]
	var name string
	for _, f := range fields {
		name = envname.For(im.prefix, scheme, f)
		if o, ok := im.envNames[name]; !ok || o == owner {
			break
		}
	}
	im.envNames[name] = owner
	return profiles.PrefixEnv + name
}

// userVar is a {{variable}} for a non-secret credential the document
// cannot know (the user name, the client id): prompt in the environments,
// so that it is asked for until the user writes it there.
func (im *importer) userVar(key, field string) string {
	v := varName(key) + "_" + field
	im.setVar(profiles.Var{Name: v, Value: "prompt"})
	return "{{" + v + "}}"
}

// validToken reports whether s is an HTTP token (RFC 9110 §5.6.2), which a
// header name and, here, a cookie or parameter name must be.
func validToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return s != ""
}
