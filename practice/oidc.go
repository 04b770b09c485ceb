package practice

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// OpenID Provider (OIDC Core 1.0) under /oidc: discovery (OIDC Discovery
// 1.0), a JWKS with key rotation, the authorization code grant with PKCE
// and the device grant (the OAuth 2.0 server of oauth2.go, with its own
// state, under this prefix), ID tokens (nonce, at_hash, azp), userinfo,
// introspection (RFC 7662) and revocation (RFC 7009). The issuer is
// {scheme}://{host}/oidc as the client reached the server, so the same
// provider works on 127.0.0.1 and on a classroom address.

// Demo values of the OpenID provider.
const (
	// DemoOIDCName and DemoOIDCEmail are the demo user's profile claims.
	DemoOIDCName  = "Demo User"
	DemoOIDCEmail = "demo@example.test"
	// DemoOIDCAudience is the second audience of an ID token whose scope
	// asks for "api": an ID token with two audiences carries azp (OIDC
	// Core §2), which the client must check.
	DemoOIDCAudience = "https://api.practice.test"
)

const (
	oidcIDTokenTTL = 10 * time.Minute
	// oidcRetiredKeep is how long a rotated-out key stays in the JWKS, so
	// that tokens it signed still verify (OIDC Core §10.1.1).
	oidcRetiredKeep = 15 * time.Minute
	oidcKeyBits     = 2048
	oidcMaxKeys     = 8 // current, next and the retired ones: rotations beyond it drop the oldest
)

// oidcScopes are the scopes the provider grants.
var oidcScopes = []string{"openid", "profile", "email", "offline_access", "api", "read", DemoOAuth2ShortScope}

// oidcScopeOf checks a requested scope: it must contain openid (OIDC Core
// §3.1.2.1; without it this provider has nothing to do).
func oidcScopeOf(raw string) (string, *oauth2Fail) {
	fields := strings.Fields(raw)
	if !slices.Contains(fields, "openid") {
		return "", oauth2BadRequest("invalid_scope", "This is an OpenID Connect provider: the scope must contain openid (OIDC Core section 3.1.2.1)")
	}
	for _, f := range fields {
		if !slices.Contains(oidcScopes, f) {
			return "", oauth2BadRequest("invalid_scope", "Unknown scope "+strconv.Quote(f)+": use "+strings.Join(oidcScopes, ", "))
		}
	}
	return strings.Join(fields, " "), nil
}

// oidcSigningKey is one RSA key of the provider.
type oidcSigningKey struct {
	kid     string
	priv    *rsa.PrivateKey
	retired time.Time // zero while current or next
}

// oidcProvider is the OpenID provider's own state: its keys. The tokens,
// codes and device codes are in as (an oauth2State under /oidc).
type oidcProvider struct {
	s  *Server
	as *oauth2State
	mu sync.Mutex
	// keys[0] signs; keys[1] is the next key, published ahead so that
	// clients have it before it signs; the rest are retired, kept for
	// oidcRetiredKeep. Made on first use (two RSA keys take a moment).
	keys    []oidcSigningKey
	serial  int
	revoked *partitioned[struct{}] // access tokens revoked (RFC 7009), until they expire
}

func registerOIDC(mux *http.ServeMux, s *Server) {
	op := &oidcProvider{s: s, revoked: newPartitioned[struct{}](oauth2MaxTokens, maxClients)}
	op.as = newOAuth2State(s, "/oidc", op)
	st := op.as
	s.handle(mux, "GET /oidc/.well-known/openid-configuration", "oidc",
		"OpenID Connect discovery (OIDC Discovery 1.0 §4, RFC 8414): issuer http(s)://HOST/oidc, the endpoints below, RS256", op.discovery)
	s.handle(mux, "GET /oidc/jwks", "oidc",
		"JWK Set (RFC 7517): the signing key, the next key, and keys rotated out in the last 15 minutes", op.jwks)
	s.handle(mux, "POST /oidc/rotate", "oidc",
		"rotate the signing keys: the next key starts signing, a new next key is published, the old one stays 15 minutes (OIDC Core §10.1.1)", op.rotate)
	s.handle(mux, "GET /oidc/authorize", "oidc",
		"OIDC authorization endpoint (OIDC Core §3.1.2): response_type=code, scope with openid, PKCE S256, nonce; demo-client or demo-public-client; loopback redirect_uri", st.authorize)
	s.handle(mux, "POST /oidc/authorize", "oidc", "the authorization page's approve/deny form", st.authorizeDecide)
	s.handle(mux, "POST /oidc/device", "oidc", "RFC 8628 device authorization with scope openid …", st.deviceAuth)
	s.handle(mux, "GET /oidc/device/verify", "oidc", "RFC 8628 §3.3 verification page", st.verifyPage)
	s.handle(mux, "POST /oidc/device/verify", "oidc", "the verification page's approve/deny form", st.verifyDecide)
	s.handle(mux, "POST /oidc/token", "oidc",
		"token endpoint: authorization_code, device_code, refresh_token (offline_access); answers with an RS256 ID token (iss, sub demo, aud, azp, exp, iat, nonce, at_hash); scope api adds a second audience", st.token)
	s.handle(mux, "GET /oidc/userinfo", "oidc", "UserInfo endpoint (OIDC Core §5.3): Authorization: Bearer <access token with openid>", op.userinfo)
	s.handle(mux, "POST /oidc/userinfo", "oidc", "UserInfo endpoint, POST form (OIDC Core §5.3.1)", op.userinfo)
	s.handle(mux, "POST /oidc/introspect", "oidc",
		"token introspection (RFC 7662): client authentication, token=…; answers active true with the token's claims, or active false", op.introspect)
	s.handle(mux, "POST /oidc/revoke", "oidc",
		"token revocation (RFC 7009): client authentication, token=… (access or refresh token); 200 even for an unknown token (§2.2)", op.revoke)
}

// issuer is the provider's issuer as the client reached it.
func oidcIssuer(r *http.Request) string { return oauth2BaseURL(r) + "/oidc" }

// keySet returns the keys, making the first two on first use (op.mu held).
func (op *oidcProvider) keySet(now time.Time) []oidcSigningKey {
	for len(op.keys) < 2 {
		op.keys = append(op.keys, op.newKey())
	}
	kept := op.keys[:2]
	for _, k := range op.keys[2:] {
		if now.Sub(k.retired) < oidcRetiredKeep {
			kept = append(kept, k)
		}
	}
	op.keys = kept
	return op.keys
}

// newKey makes an RSA key with the next kid (op.mu held).
func (op *oidcProvider) newKey() oidcSigningKey {
	op.serial++
	priv, err := rsa.GenerateKey(rand.Reader, oidcKeyBits)
	if err != nil {
		panic("practice: rsa.GenerateKey: " + err.Error()) // crypto/rand does not fail
	}
	return oidcSigningKey{kid: "practice-" + strconv.Itoa(op.serial), priv: priv}
}

// discoveryDoc is the provider metadata (OIDC Discovery 1.0 §3).
type oidcDiscoveryDoc struct {
	Issuer                string   `json:"issuer"`
	Authorization         string   `json:"authorization_endpoint"`
	Token                 string   `json:"token_endpoint"`
	Device                string   `json:"device_authorization_endpoint"`
	Userinfo              string   `json:"userinfo_endpoint"`
	JWKS                  string   `json:"jwks_uri"`
	Introspection         string   `json:"introspection_endpoint"`
	Revocation            string   `json:"revocation_endpoint"`
	Scopes                []string `json:"scopes_supported"`
	ResponseTypes         []string `json:"response_types_supported"`
	Grants                []string `json:"grant_types_supported"`
	Subjects              []string `json:"subject_types_supported"`
	Algs                  []string `json:"id_token_signing_alg_values_supported"`
	AuthMethods           []string `json:"token_endpoint_auth_methods_supported"`
	PKCE                  []string `json:"code_challenge_methods_supported"`
	Claims                []string `json:"claims_supported"`
	IntrospectAuthMethods []string `json:"introspection_endpoint_auth_methods_supported"`
	RevokeAuthMethods     []string `json:"revocation_endpoint_auth_methods_supported"`
}

func (op *oidcProvider) discovery(w http.ResponseWriter, r *http.Request) {
	iss := oidcIssuer(r)
	methods := []string{"client_secret_basic", "client_secret_post", "none"}
	w.Header().Set("Cache-Control", "max-age=300")
	writeJSON(w, http.StatusOK, oidcDiscoveryDoc{
		Issuer: iss, Authorization: iss + "/authorize", Token: iss + "/token", Device: iss + "/device",
		Userinfo: iss + "/userinfo", JWKS: iss + "/jwks", Introspection: iss + "/introspect", Revocation: iss + "/revoke",
		Scopes: oidcScopes, ResponseTypes: []string{"code"},
		Grants:   []string{"authorization_code", "refresh_token", oauth2DeviceGrant},
		Subjects: []string{"public"}, Algs: []string{"RS256"}, AuthMethods: methods, PKCE: []string{"S256"},
		Claims:                []string{"iss", "sub", "aud", "azp", "exp", "iat", "nonce", "at_hash", "name", "email", "email_verified"},
		IntrospectAuthMethods: methods, RevokeAuthMethods: methods,
	})
}

// oidcJWK is one public key in the JWKS (RFC 7517 §4, RFC 7518 §6.3.1).
type oidcJWK struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

func (op *oidcProvider) jwks(w http.ResponseWriter, r *http.Request) {
	op.mu.Lock()
	keys := op.keySet(op.s.now())
	out := struct {
		Keys []oidcJWK `json:"keys"`
	}{}
	for _, k := range keys {
		pub := k.priv.PublicKey
		out.Keys = append(out.Keys, oidcJWK{Kty: "RSA", Use: "sig", Alg: "RS256", Kid: k.kid,
			N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
			E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes())})
	}
	op.mu.Unlock()
	w.Header().Set("Cache-Control", "max-age=60")
	writeJSON(w, http.StatusOK, out)
}

// rotate makes the next key the signing key, retires the old one and
// publishes a new next key.
func (op *oidcProvider) rotate(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oidc")
	now := op.s.now()
	op.mu.Lock()
	keys := op.keySet(now)
	old := keys[0]
	old.retired = now
	next := op.newKey()
	rest := keys[2:]
	if len(rest) >= oidcMaxKeys-3 {
		rest = rest[1:]
	}
	op.keys = append([]oidcSigningKey{keys[1], next, old}, rest...)
	signing := op.keys[0].kid
	op.mu.Unlock()
	tr.Verdict = "ok: keys rotated"
	add(tr, "signing kid", signing)
	add(tr, "next kid", next.kid)
	add(tr, "retired kid", old.kid)
	op.s.finish(w, r, tr, http.StatusOK)
	writeJSON(w, http.StatusOK, map[string]string{"signing_kid": signing, "next_kid": next.kid, "retired_kid": old.kid,
		"note": "the retired key stays in the JWKS for 15 minutes"})
}

// idToken signs the ID token of a token response (OIDC Core §2,
// §3.1.3.3): the grant must have asked for openid (it always has under
// /oidc). at_hash is the left half of SHA-256(access_token), base64url
// (§3.1.3.6).
func (op *oidcProvider) idToken(r *http.Request, tr *ServerTrace, g oauth2Grant, accessToken string, now time.Time) string {
	if !slices.Contains(strings.Fields(g.scope), "openid") || g.subject == g.client {
		return ""
	}
	op.mu.Lock()
	key := op.keySet(now)[0]
	op.mu.Unlock()
	sum := sha256.Sum256([]byte(accessToken))
	claims := jwt.MapClaims{
		"iss": oidcIssuer(r), "sub": g.subject, "aud": g.client, "azp": g.client,
		"iat": now.Unix(), "exp": now.Add(oidcIDTokenTTL).Unix(), "auth_time": now.Unix(),
		"at_hash": base64.RawURLEncoding.EncodeToString(sum[:16]),
	}
	if slices.Contains(strings.Fields(g.scope), "api") {
		claims["aud"] = []string{g.client, DemoOIDCAudience}
	}
	if g.nonce != "" {
		claims["nonce"] = g.nonce
	}
	op.profileClaims(claims, g.scope)
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = key.kid
	s, err := tok.SignedString(key.priv)
	if err != nil {
		return "" // cannot happen with an RSA key
	}
	add(tr, "id_token kid", key.kid)
	add(tr, "id_token nonce", g.nonce)
	add(tr, "id_token at_hash", claims["at_hash"].(string))
	return s
}

// profileClaims adds the claims of the profile and email scopes (OIDC
// Core §5.4).
func (op *oidcProvider) profileClaims(m map[string]any, scope string) {
	f := strings.Fields(scope)
	if slices.Contains(f, "profile") {
		m["name"], m["preferred_username"] = DemoOIDCName, DemoUser
	}
	if slices.Contains(f, "email") {
		m["email"], m["email_verified"] = DemoOIDCEmail, true
	}
}

// bearer finds the grant of the request's access token, or answers the
// error of OIDC Core §5.3.3 (RFC 6750 §3.1) and returns false.
func (op *oidcProvider) bearer(w http.ResponseWriter, r *http.Request, tr *ServerTrace) (oauth2Grant, bool) {
	refuse := func(status int, code, desc string) {
		c := `Bearer realm="authlab practice oidc"`
		if code != "" {
			c += `, error="` + code + `", error_description="` + desc + `"`
		}
		w.Header().Set("WWW-Authenticate", c)
		tr.Verdict = strings.TrimPrefix(code+": "+desc, ": ")
		op.s.finish(w, r, tr, status)
		writeJSON(w, status, bearerError{Error: code, ErrorDescription: desc})
	}
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if h == "" && r.Method == http.MethodPost {
		if form, f := oauth2ReadForm(w, r); f == nil {
			tok, scheme = form.Get("access_token"), "Bearer"
		}
	}
	switch {
	case tok == "" && h == "":
		refuse(http.StatusUnauthorized, "", "Send the access token: Authorization: Bearer <token>")
		return oauth2Grant{}, false
	case !strings.EqualFold(scheme, "Bearer") || !b64token(tok):
		refuse(http.StatusBadRequest, "invalid_request", "Send the token as Authorization: Bearer <token>")
		return oauth2Grant{}, false
	}
	now := op.s.now()
	g, ok := op.as.tokens.get(tok, now)
	_, revoked := op.revoked.get(tok, now)
	switch {
	case !ok || revoked:
		refuse(http.StatusUnauthorized, "invalid_token", "The access token is unknown or revoked")
		return oauth2Grant{}, false
	case !now.Before(g.expires):
		refuse(http.StatusUnauthorized, "invalid_token", "The access token expired")
		return oauth2Grant{}, false
	case !slices.Contains(strings.Fields(g.scope), "openid"):
		refuse(http.StatusForbidden, "insufficient_scope", "The access token was not issued with scope openid")
		return oauth2Grant{}, false
	}
	return g, true
}

// userinfo answers the claims about the user (OIDC Core §5.3.2).
func (op *oidcProvider) userinfo(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oidc")
	g, ok := op.bearer(w, r, tr)
	if !ok {
		return
	}
	claims := map[string]any{"sub": g.subject}
	op.profileClaims(claims, g.scope)
	tr.Verdict = "ok"
	add(tr, "sub", g.subject)
	add(tr, "scope", g.scope)
	op.s.finish(w, r, tr, http.StatusOK)
	writeJSON(w, http.StatusOK, claims)
}

// clientForm reads a form and authenticates the client, answering the
// error itself when either fails.
func (op *oidcProvider) clientForm(w http.ResponseWriter, r *http.Request, tr *ServerTrace) (oauth2Client, map[string]string, bool) {
	form, f := oauth2ReadForm(w, r)
	var c oauth2Client
	if f == nil {
		c, f = op.as.authenticate(r, form, tr)
	}
	if f == nil && form.Get("token") == "" {
		f = oauth2BadRequest("invalid_request", "token is missing")
	}
	if f != nil {
		op.as.fail(w, r, tr, *f)
		return c, nil, false
	}
	add(tr, "token length", length(form.Get("token")))
	add(tr, "token_type_hint", form.Get("token_type_hint"))
	return c, map[string]string{"token": form.Get("token"), "hint": form.Get("token_type_hint")}, true
}

// find looks token up as an access token, then as a refresh token (the
// hint only orders the search, RFC 7662 §2.1, RFC 7009 §2.1).
func (op *oidcProvider) find(token, hint string, now time.Time) (oauth2Grant, string, bool) {
	order := []string{"access_token", "refresh_token"}
	if hint == "refresh_token" {
		order = []string{"refresh_token", "access_token"}
	}
	for _, kind := range order {
		store := op.as.tokens
		if kind == "refresh_token" {
			store = op.as.refresh
		}
		if g, ok := store.get(token, now); ok {
			if _, rev := op.revoked.get(token, now); rev {
				return oauth2Grant{}, "", false
			}
			return g, kind, true
		}
	}
	return oauth2Grant{}, "", false
}

// introspect answers RFC 7662 §2.2: active and the token's claims, or
// only active false (unknown, expired, revoked, or another client's).
func (op *oidcProvider) introspect(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oidc")
	client, in, ok := op.clientForm(w, r, tr)
	if !ok {
		return
	}
	now := op.s.now()
	op.as.mu.Lock()
	g, kind, found := op.find(in["token"], in["hint"], now)
	op.as.mu.Unlock()
	active := found && g.client == client.id && (kind == "refresh_token" || now.Before(g.expires))
	body := map[string]any{"active": active}
	if active {
		body["scope"], body["client_id"], body["sub"], body["token_type"] = g.scope, g.client, g.subject, "Bearer"
		body["iss"], body["aud"] = oidcIssuer(r), g.client
		if kind == "access_token" {
			body["exp"] = g.expires.Unix()
		} else {
			body["token_type"] = "refresh_token"
		}
	}
	tr.Verdict = "ok: active " + strconv.FormatBool(active)
	add(tr, "found as", kind)
	op.s.finish(w, r, tr, http.StatusOK)
	oauth2WriteNoStore(w, http.StatusOK, body)
}

// revoke answers RFC 7009 §2.2: 200 whether or not the token was known,
// so that a client cannot probe for tokens; a token of another client is
// refused (§2.1).
func (op *oidcProvider) revoke(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oidc")
	client, in, ok := op.clientForm(w, r, tr)
	if !ok {
		return
	}
	now := op.s.now()
	op.as.mu.Lock()
	g, kind, found := op.find(in["token"], in["hint"], now)
	switch {
	case found && g.client != client.id:
		op.as.mu.Unlock()
		op.as.fail(w, r, tr, *oauth2BadRequest("invalid_request", "The token was issued to another client (RFC 7009 section 2.1)"))
		return
	case found && kind == "refresh_token":
		op.as.refresh.del(in["token"])
	case found:
		op.revoked.put(ClientOf(r).Key, in["token"], struct{}{}, 0, g.expires.Add(oauth2Grace), now)
	}
	op.as.mu.Unlock()
	tr.Verdict = "ok: revoked"
	if !found {
		tr.Verdict = "ok: unknown token (answered 200 all the same, RFC 7009 section 2.2)"
	}
	add(tr, "found as", kind)
	op.s.finish(w, r, tr, http.StatusOK)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
