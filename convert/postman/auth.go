package postman

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// pmAuth is an auth object read: its type and its attributes. v2.1 writes
// the attributes as an array of {key, value, type}; v2.0 as an object of
// key → value. Both read into attrs.
type pmAuth struct {
	typ   string
	attrs map[string]string
	keys  []string // in file order
	where string   // "collection", "folder Users", "request Users/Get user"
}

func (a *pmAuth) get(k string) string { return a.attrs[k] }

// parseAuth reads an auth member. It returns nil for an absent or null
// member and for type "inherit", which both mean "the parent's auth".
func parseAuth(r json.RawMessage, where string) (*pmAuth, error) {
	if absent(r) {
		return nil, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(r, &top); err != nil {
		return nil, fmt.Errorf("the auth of %s is not an object", where)
	}
	a := &pmAuth{typ: strings.ToLower(strings.TrimSpace(str(top["type"]))), attrs: map[string]string{}, where: where}
	if a.typ == "" || a.typ == "inherit" {
		return nil, nil
	}
	body := bytes.TrimSpace(top[a.typ])
	switch {
	case len(body) > 0 && body[0] == '[':
		var list []struct {
			Key   json.RawMessage `json:"key"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, fmt.Errorf("the %s attributes of %s are not a list of {key, value}", a.typ, where)
		}
		for _, kv := range list {
			a.set(str(kv.Key), str(kv.Value))
		}
	case len(body) > 0 && body[0] == '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil {
			return nil, fmt.Errorf("the %s attributes of %s are not an object", a.typ, where)
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys) // an object has no order; make the result stable
		for _, k := range keys {
			a.set(k, str(obj[k]))
		}
	}
	return a, nil
}

func (a *pmAuth) set(k, v string) {
	if k == "" {
		return
	}
	if _, ok := a.attrs[k]; !ok {
		a.keys = append(a.keys, k)
	}
	a.attrs[k] = v
}

// mapped is what an auth object became: an authlab scheme and its fields
// (secret fields not yet made references), and what did not map.
type mapped struct {
	scheme   string
	fields   map[string]string
	unmapped []string // each one What of an Unmapped entry
	notes    []string
}

func (m *mapped) field(name, v string) {
	if v != "" {
		m.fields[name] = v
	}
}

func (m *mapped) lost(format string, args ...any) {
	m.unmapped = append(m.unmapped, fmt.Sprintf(format, args...))
}

// uiOnly reports whether an attribute only changes Postman's own editor.
func uiOnly(k string) bool { return k == "showPassword" || k == "saveHelperData" }

// mapAuth maps an auth object onto one of authlab's schemes (see `authlab
// schemes`). method is the request's, for OAuth 1.0a's parameter placement.
func mapAuth(a *pmAuth, method string) mapped {
	m := mapped{scheme: "none", fields: map[string]string{}}
	if a == nil {
		return m
	}
	used := map[string]bool{}
	take := func(k string) string { used[k] = true; return a.get(k) }
	switch a.typ {
	case "noauth":
		return m
	case "basic":
		m.scheme = "basic"
		m.field("username", take("username"))
		m.field("password", take("password"))
	case "bearer":
		m.scheme = "bearer"
		m.field("token", take("token"))
	case "apikey":
		m.scheme = "apikey"
		m.field("name", take("key"))
		m.field("value", take("value"))
		switch in := take("in"); in {
		case "", "header":
		case "query":
			m.fields["in"] = "query"
		default:
			m.lost("apikey in %q: authlab sends an API key in a header or the query only", in)
		}
	case "digest":
		mapDigest(a, &m, take)
	case "oauth1":
		mapOAuth1(a, &m, take, method)
	case "oauth2":
		mapOAuth2(a, &m, take)
	case "awsv4":
		m.scheme = "sigv4"
		m.field("access_key", take("accessKey"))
		m.field("secret_key", take("secretKey"))
		m.field("session_token", take("sessionToken"))
		m.field("region", take("region"))
		m.field("service", take("service"))
		if isTrueStr(take("addAuthDataToQuery")) {
			m.lost("awsv4 addAuthDataToQuery: authlab signs in the Authorization header only (a presigned URL comes from `authlab export`)")
		}
	case "jwt":
		mapJWT(a, &m, take)
	case "ntlm":
		m.scheme = "ntlm"
		takeAttrs(&m, take, "ntlm")
		take("disableRetryRequest") // Postman's own retry switch; authlab answers the challenge once
	case "hawk":
		// postman-runtime's hawk.js; includePayloadHash is off unless set
		m.scheme = "hawk"
		takeAttrs(&m, take, "hawk")
		m.field("algorithm", strings.ToLower(take("algorithm")))
		if isTrueStr(take("includePayloadHash")) {
			m.fields["payload_hash"] = "always"
		} else {
			m.fields["payload_hash"] = "never" // as Postman sends it
		}
		if nonce, ts := take("nonce"), take("timestamp"); nonce != "" || ts != "" {
			m.notes = append(m.notes, "hawk: the nonce and timestamp Postman saved were left out: authlab makes fresh ones for each request")
		}
	case "edgegrid", "akamai":
		// postman-runtime's edgegrid.js; its baseURL has no equal
		m.scheme = "edgegrid"
		takeAttrs(&m, take, "edgegrid")
		if nonce, ts := take("nonce"), take("timestamp"); nonce != "" || ts != "" {
			m.notes = append(m.notes, "edgegrid: the nonce and timestamp Postman saved were left out: authlab makes fresh ones for each request")
		}
		if b := take("baseURL"); b != "" {
			m.lost("edgegrid baseURL %q: authlab signs the request's own URL; put the base URL into the request's URL", b)
		}
	case "asap":
		m.lost("auth type %s: authlab has no %s scheme; the request is imported without credentials", a.typ, schemeTitle(a.typ))
		return m
	default:
		m.lost("auth type %q: authlab does not know it; the request is imported without credentials", a.typ)
		return m
	}
	if m.scheme == "none" {
		return m
	}
	for _, k := range a.keys {
		if used[k] || uiOnly(k) || a.attrs[k] == "" || a.attrs[k] == "false" {
			continue
		}
		m.lost("%s attribute %s: authlab's %s scheme has no such setting", a.typ, k, m.scheme)
	}
	return m
}

func schemeTitle(t string) string {
	if t == "asap" {
		return "ASAP (Atlassian S2S)"
	}
	return t
}

// sameAttrs lists, for the Postman auth types whose attributes map one to
// one onto an authlab scheme's fields, each pair {Postman attribute (as
// postman-runtime's authorizer reads it), authlab field}. The import and
// the export both read it, so the two directions cannot drift apart;
// attributes with a rule of their own (hawk's algorithm and
// includePayloadHash, ntlm's DOMAIN\user) are handled beside it.
func sameAttrs(typ string) [][2]string {
	switch typ {
	case "hawk":
		return [][2]string{{"authId", "id"}, {"authKey", "key"}, {"extraData", "ext"}, {"app", "app"}, {"delegation", "dlg"}}
	case "edgegrid":
		return [][2]string{{"clientToken", "client_token"}, {"clientSecret", "client_secret"}, {"accessToken", "access_token"},
			{"headersToSign", "headers_to_sign"}, {"maxBodySize", "max_body"}}
	case "ntlm":
		return [][2]string{{"username", "username"}, {"password", "password"}, {"domain", "domain"}, {"workstation", "workstation"}}
	}
	return nil
}

// takeAttrs maps typ's one-to-one attributes onto m's fields.
func takeAttrs(m *mapped, take func(string) string, typ string) {
	for _, a := range sameAttrs(typ) {
		m.field(a[1], take(a[0]))
	}
}

func isTrueStr(s string) bool { return s == "true" }

// digestAlgorithm names, as authlab's digest scheme spells it, an
// algorithm Postman offers that the scheme answers (RFC 7616 §3.3).
func digestAlgorithm(name string) (string, bool) {
	for _, a := range []string{"MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess"} {
		if strings.EqualFold(a, name) {
			return a, true
		}
	}
	return "", false
}

func mapDigest(a *pmAuth, m *mapped, take func(string) string) {
	m.scheme = "digest"
	m.field("username", take("username"))
	m.field("password", take("password"))
	if alg := take("algorithm"); alg != "" {
		if v, ok := digestAlgorithm(alg); ok {
			m.fields["algorithm"] = v
		} else {
			m.lost("digest algorithm %q: authlab answers MD5, SHA-256 and SHA-512-256 (and their -sess forms)", alg)
		}
	}
	switch qop := strings.ToLower(take("qop")); qop {
	case "":
	case "auth", "auth-int":
		m.fields["qop"] = qop
	default:
		m.lost("digest qop %q: authlab answers auth and auth-int", qop)
	}
	// Postman keeps the realm, nonce and opaque of the last challenge it
	// saw; authlab reads them from the server's 401 each time (RFC 7616
	// §3.3), so they are not needed, and a fresh cnonce is made per request.
	var kept []string
	for _, k := range []string{"realm", "nonce", "opaque", "nonceCount", "clientNonce"} {
		if take(k) != "" {
			kept = append(kept, k)
		}
	}
	if len(kept) > 0 {
		m.notes = append(m.notes, fmt.Sprintf("digest %s from the file are not used: authlab takes them from the server's challenge and makes a fresh cnonce (RFC 7616 §3.3)", strings.Join(kept, ", ")))
	}
	take("disableRetryRequest")
}

// oauth1Method reports whether authlab's oauth1 scheme signs with a
// signature method (RFC 5849 §3.4); Postman's others are listed as
// unmapped.
func oauth1Method(m string) bool {
	return m == "HMAC-SHA1" || m == "HMAC-SHA256" || m == "PLAINTEXT" || m == "RSA-SHA1"
}

func mapOAuth1(a *pmAuth, m *mapped, take func(string) string, method string) {
	m.scheme = "oauth1"
	m.field("consumer_key", take("consumerKey"))
	m.field("consumer_secret", take("consumerSecret"))
	m.field("token", take("token"))
	m.field("token_secret", take("tokenSecret"))
	m.field("private_key", take("privateKey"))
	m.field("realm", take("realm"))
	m.field("nonce", take("nonce"))
	m.field("timestamp", take("timestamp"))
	m.field("callback", take("callback"))
	m.field("verifier", take("verifier"))
	if m.fields["nonce"] != "" || m.fields["timestamp"] != "" {
		m.notes = append(m.notes, "oauth1 nonce/timestamp pinned in the file are kept pinned: a server accepts each nonce once and a timestamp only near now (RFC 5849 §3.3); clear them to get fresh ones")
	}
	if sm := strings.ToUpper(take("signatureMethod")); sm != "" {
		if oauth1Method(sm) {
			if sm != "HMAC-SHA1" {
				m.fields["signature_method"] = sm
			}
		} else {
			m.lost("oauth1 signature method %s: authlab signs with HMAC-SHA1, HMAC-SHA256, PLAINTEXT or RSA-SHA1", sm)
		}
	}
	switch v := take("version"); v {
	case "", "1.0":
	default:
		m.lost("oauth1 version %q: authlab sends oauth_version 1.0", v)
	}
	// addParamsToHeader false: Postman puts the parameters in the body of a
	// request that has one (POST, PUT, PATCH) and in the URL otherwise.
	if h := take("addParamsToHeader"); h == "false" {
		switch method {
		case http.MethodPost, http.MethodPut, http.MethodPatch:
			m.fields["placement"] = "body"
		default:
			m.fields["placement"] = "query"
		}
	}
	if isTrueStr(take("addEmptyParamsToSign")) {
		m.lost("oauth1 addEmptyParamsToSign: authlab leaves empty oauth_ parameters out of the signature base string")
	}
	if isTrueStr(take("includeBodyHash")) {
		m.lost("oauth1 includeBodyHash: authlab sends no oauth_body_hash")
	}
	if take("encodeOAuthSign") == "false" {
		m.lost("oauth1 encodeOAuthSign false: authlab always percent-encodes the signature (RFC 5849 §3.5.1)")
	}
	if isTrueStr(take("disableHeaderEncoding")) {
		m.lost("oauth1 disableHeaderEncoding: authlab always percent-encodes header parameters (RFC 5849 §3.5.1)")
	}
	take("autoAddParam")
}

// oauth2Grant maps Postman's grant_type onto authlab's grant.
func oauth2Grant(g string) (string, bool) {
	switch g {
	case "client_credentials":
		return g, true
	case "password_credentials":
		return "password", true
	case "authorization_code", "authorization_code_with_pkce":
		return "authorization_code", true
	}
	return "", false
}

func mapOAuth2(a *pmAuth, m *mapped, take func(string) string) {
	// older exports (v2.0) spell two attributes otherwise
	for v21, v20 := range map[string]string{"grant_type": "grantType", "redirect_uri": "callBackUrl"} {
		if old := take(v20); a.get(v21) == "" && old != "" {
			a.set(v21, old)
		}
	}
	take("requestAccessTokenLocally")
	token := take("accessToken")
	tokenURL := take("accessTokenUrl")
	grant := take("grant_type")
	if prefix := take("headerPrefix"); prefix != "" && !strings.EqualFold(prefix, "Bearer") {
		m.lost("oauth2 headerPrefix %q: authlab sends the token as Bearer (RFC 6750 §2.1)", prefix)
	}
	if to := take("addTokenTo"); to != "" && to != "header" {
		m.lost("oauth2 addTokenTo %s: authlab sends the token in the Authorization header (RFC 6750 §2.1)", to)
	}
	take("tokenType")
	take("tokenName")
	take("useBrowser")
	take("refreshTokenUrl")
	if tokenURL == "" && grant != "implicit" {
		// a bare access token: what Postman sends is a Bearer token
		m.scheme = "bearer"
		m.field("token", token)
		for _, k := range []string{"clientId", "clientSecret", "authUrl", "scope"} {
			take(k)
		}
		return
	}
	g, ok := oauth2Grant(grant)
	if !ok && grant == "" {
		g, ok = "authorization_code", true // Postman's default grant
	}
	if !ok {
		m.lost("oauth2 grant_type %q: authlab gets tokens by client_credentials, password, authorization_code (with PKCE), refresh_token or device_code", grant)
		return
	}
	m.scheme = "oauth2"
	if g != "client_credentials" {
		m.fields["grant"] = g
	}
	m.field("token_url", tokenURL)
	m.field("client_id", take("clientId"))
	m.field("client_secret", take("clientSecret"))
	m.field("scope", take("scope"))
	if g == "authorization_code" {
		m.field("auth_url", take("authUrl"))
		if alg := take("challengeAlgorithm"); grant == "authorization_code_with_pkce" && alg != "" && alg != "S256" {
			m.notes = append(m.notes, fmt.Sprintf("oauth2 PKCE challenge %s: authlab always uses S256 (RFC 7636 §4.2)", alg))
		}
		take("code_verifier")
		if r := take("redirect_uri"); r != "" {
			m.notes = append(m.notes, fmt.Sprintf("oauth2 redirect_uri %s: authlab receives the code on its own loopback redirect http://127.0.0.1:PORT/callback (RFC 8252 §7.3); register that with the provider", r))
		}
		take("state")
	} else {
		take("authUrl")
	}
	if g == "password" {
		m.field("username", take("username"))
		m.field("password", take("password"))
	}
	switch ca := take("client_authentication"); ca {
	case "", "header":
	case "body":
		m.fields["client_auth"] = "body"
	default:
		m.lost("oauth2 client_authentication %q: authlab sends client credentials in the Authorization header or the body (RFC 6749 §2.3.1)", ca)
	}
	if token != "" {
		m.notes = append(m.notes, "oauth2: the access token saved in the file is not used; authlab gets a fresh one from the token URL")
	}
	for _, k := range []string{"tokenRequestParams", "authRequestParams", "refreshRequestParams"} {
		if v := take(k); v != "" && v != "[]" {
			mapOAuth2Params(m, k, v)
		}
	}
}

// mapOAuth2Params reads Postman's extra token/authorization request
// parameters: audience (and resource) map onto authlab's audience field,
// others do not map.
func mapOAuth2Params(m *mapped, k, v string) {
	var ps []struct {
		Key      json.RawMessage `json:"key"`
		Value    json.RawMessage `json:"value"`
		Disabled json.RawMessage `json:"disabled"`
	}
	if json.Unmarshal([]byte(v), &ps) != nil {
		m.lost("oauth2 %s: not a list of parameters", k)
		return
	}
	for _, p := range ps {
		if isTrue(p.Disabled) {
			continue
		}
		switch name := str(p.Key); name {
		case "audience", "resource":
			m.field("audience", str(p.Value))
		default:
			m.lost("oauth2 %s parameter %s: authlab sends no extra token request parameters", k, name)
		}
	}
}

// jwtAlgorithm reports whether authlab's jwt scheme signs with alg.
func jwtAlgorithm(alg string) bool {
	switch alg {
	case "HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA":
		return true
	}
	return false
}

func mapJWT(a *pmAuth, m *mapped, take func(string) string) {
	m.scheme = "jwt"
	if alg := take("algorithm"); alg != "" {
		if jwtAlgorithm(alg) {
			m.fields["alg"] = alg
		} else {
			m.lost("jwt algorithm %s: authlab signs with HS256, HS384, HS512, RS256, ES256 or EdDSA", alg)
		}
	}
	m.field("secret", take("secret"))
	m.field("private_key", take("privateKey"))
	m.field("claims", take("payload"))
	if isTrueStr(take("isSecretBase64Encoded")) {
		m.lost("jwt isSecretBase64Encoded: authlab uses the secret's bytes as written")
	}
	if h := take("header"); h != "" && h != "{}" {
		m.lost("jwt header %s: authlab sets only alg, typ and kid in the JOSE header", h)
	}
	if to := take("addTokenTo"); to != "" && to != "header" {
		m.lost("jwt addTokenTo %s: authlab sends the token in the Authorization header", to)
	}
	if p := take("headerPrefix"); p != "" && !strings.EqualFold(p, "Bearer") {
		m.lost("jwt headerPrefix %q: authlab sends the token as Bearer", p)
	}
	take("queryParamKey")
}
