package practice

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"math/big"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// OAuth 2.0 authorization server (RFC 6749) with the device authorization
// grant (RFC 8628) and PKCE (RFC 7636), and a protected resource that takes
// the tokens it issues (RFC 6750). State (tokens, codes, device codes,
// pending approvals) lives in memory, bounded, and expires by s.now.

// Demo credentials of the OAuth 2.0 endpoints.
const (
	// DemoOAuth2ClientID and DemoOAuth2ClientSecret are the confidential
	// client: every grant, Basic or body client authentication.
	DemoOAuth2ClientID     = "demo-client"
	DemoOAuth2ClientSecret = "demo-client-secret"
	// DemoOAuth2PublicClientID is a public client (no secret), as a CLI or
	// a TV app is: device_code, authorization_code (PKCE) and
	// refresh_token only. Its refresh tokens rotate (RFC 9700 §4.14.2).
	DemoOAuth2PublicClientID = "demo-public-client"
	// DemoOAuth2RefreshToken is a refresh token of the demo user for
	// demo-client that is always valid, so the refresh_token grant can be
	// tried without running another grant first.
	DemoOAuth2RefreshToken = "demo-refresh-token"
	// DemoOAuth2ShortScope asks for a token that lives oauth2ShortTTL, to
	// watch a client refresh it.
	DemoOAuth2ShortScope = "short"
)

// Lifetimes and limits.
const (
	oauth2TokenTTL       = time.Hour
	oauth2ShortTTL       = 2 * time.Second
	oauth2CodeTTL        = time.Minute // RFC 6749 §4.1.2: short; 10 minutes at most
	oauth2DeviceTTL      = 10 * time.Minute
	oauth2DeviceInterval = time.Second // a demo: RFC 8628's default is 5 s
	oauth2SlowDownStep   = 5 * time.Second
	oauth2PollTolerance  = 100 * time.Millisecond
	// Per-client quotas (each store is partitioned per client, at most
	// maxClients of them: see partitioned).
	oauth2MaxTokens  = 100 // access tokens, and refresh tokens
	oauth2MaxPending = 50  // codes, device codes, user codes, pending authorization requests
	// oauth2Grace keeps an expired token or device code a while, so that it
	// is answered "expired" (RFC 6750 §3.1, RFC 8628 §3.5 expired_token)
	// rather than "unknown"; the quota bounds it either way.
	oauth2Grace = time.Hour
	oauth2Realm = "authlab practice oauth2"
)

// oauth2Scopes are the scopes the demo clients may ask for.
var oauth2Scopes = []string{"read", "write", DemoOAuth2ShortScope}

func registerOAuth2(mux *http.ServeMux, s *Server) {
	registerOAuth2Routes(mux, s, newOAuth2State(s, "/oauth2", nil))
}

// newOAuth2State makes the state of an authorization server whose routes
// are under prefix ("/oauth2"; the OpenID provider's are under "/oidc" and
// it passes itself as op, which adds ID tokens and its scopes).
func newOAuth2State(s *Server, prefix string, op *oidcProvider) *oauth2State {
	return &oauth2State{
		s: s, prefix: prefix, op: op,
		tokens:  newPartitioned[oauth2Grant](oauth2MaxTokens, maxClients),
		refresh: newPartitioned[oauth2Grant](oauth2MaxTokens, maxClients),
		codes:   newPartitioned[oauth2Code](oauth2MaxPending, maxClients),
		devices: newPartitioned[*oauth2Device](oauth2MaxPending, maxClients),
		users:   newPartitioned[string](oauth2MaxPending, maxClients),
		pending: newPartitioned[oauth2AuthRequest](oauth2MaxPending, maxClients),
		page:    template.Must(template.New("oauth2").Parse(oauth2PageHTML)),
	}
}

// registerOAuth2Routes is registerOAuth2's body.
func registerOAuth2Routes(mux *http.ServeMux, s *Server, st *oauth2State) {
	s.handle(mux, "POST /oauth2/token", "oauth2",
		"RFC 6749 token endpoint: client demo-client / demo-client-secret (Basic or body) or demo-public-client; grants client_credentials, password (demo / demo-password), refresh_token (demo-refresh-token), authorization_code (PKCE S256 required), device_code; scope read, write or short (2 s tokens)", st.token)
	s.handle(mux, "POST /oauth2/device", "oauth2",
		"RFC 8628 device authorization: returns device_code, user_code (like WDJB-MJHT), verification_uri, interval 1 s; the second poll always gets slow_down", st.deviceAuth)
	s.handle(mux, "GET /oauth2/device/verify", "oauth2",
		"RFC 8628 §3.3 verification page: enter the user code, approve or deny (?user_code= fills it in)", st.verifyPage)
	s.handle(mux, "POST /oauth2/device/verify", "oauth2", "the verification page's approve/deny form", st.verifyDecide)
	s.handle(mux, "GET /oauth2/authorize", "oauth2",
		"RFC 6749 §4.1.1 authorization endpoint: response_type=code, PKCE S256 required, redirect_uri http://127.0.0.1:PORT/callback or http://[::1]:PORT/callback (any port, RFC 8252 §7.3); an approve page, or straight back with the code under --auto-approve", st.authorize)
	s.handle(mux, "POST /oauth2/authorize", "oauth2", "the authorization page's approve/deny form", st.authorizeDecide)
	s.handle(mux, "GET /oauth2/me", "oauth2",
		"RFC 6750 resource: Authorization: Bearer <a token from /oauth2/token>; 401 invalid_token when unknown or expired", st.me)
}

// ---- state -------------------------------------------------------------

// Every store is partitioned per client (partitioned): what a client makes
// is charged to its own quota, so one client's flood forgets only its own
// tokens and codes. Lookups work from any address: a token or code is an
// unguessable capability (RFC 6750 §5.2) that a student may well use from
// another tool or machine, a device's user_code is approved from the
// student's phone (RFC 8628 §3.3), and a code is redeemed by the app
// whose browser got it; binding them to the address that made them would
// add nothing an attacker lacks and break those flows.
type oauth2State struct {
	s       *Server
	prefix  string                          // of the routes: "/oauth2" or "/oidc"
	op      *oidcProvider                   // the OpenID provider under /oidc; nil for plain OAuth 2.0
	mu      sync.Mutex                      // makes a lookup and its change one step (a device poll, a decision)
	tokens  *partitioned[oauth2Grant]       // access tokens
	refresh *partitioned[oauth2Grant]       // refresh tokens
	codes   *partitioned[oauth2Code]        // authorization codes
	devices *partitioned[*oauth2Device]     // by device_code
	users   *partitioned[string]            // normalized user_code → device_code
	pending *partitioned[oauth2AuthRequest] // authorization requests awaiting a decision
	page    *template.Template
}

// oauth2Grant is what an access or refresh token stands for.
type oauth2Grant struct {
	client, subject, scope string
	nonce                  string    // of the authorization request (OIDC Core §3.1.2.1), for the ID token
	expires                time.Time // zero: never (refresh tokens)
}

// oauth2Code is an issued authorization code (RFC 6749 §4.1.2).
type oauth2Code struct {
	client, redirect, challenge, scope, nonce string
	expires                                   time.Time
}

// oauth2Device is an issued device code (RFC 8628 §3.2).
type oauth2Device struct {
	client, scope, userCode string
	expires, lastPoll       time.Time
	interval                time.Duration
	polls                   int
	decision                string // "", "approved", "denied"
}

// oauth2AuthRequest is a validated authorization request shown on the
// approve page.
type oauth2AuthRequest struct {
	client, redirect, state, challenge, scope, nonce string
	expires                                          time.Time
}

// ---- clients -----------------------------------------------------------

// oauth2Client is a registered client.
type oauth2Client struct {
	id, secret string // secret "": public client
	grants     []string
}

func oauth2LookupClient(id string) (oauth2Client, bool) {
	switch id {
	case DemoOAuth2ClientID:
		return oauth2Client{id, DemoOAuth2ClientSecret, []string{"client_credentials", "password", "refresh_token", "authorization_code", oauth2DeviceGrant}}, true
	case DemoOAuth2PublicClientID:
		return oauth2Client{id, "", []string{"refresh_token", "authorization_code", oauth2DeviceGrant}}, true
	}
	return oauth2Client{}, false
}

const oauth2DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// oauth2Fail is an RFC 6749 §5.2 error response.
type oauth2Fail struct {
	status    int
	code      string
	desc      string
	challenge bool // 401 invalid_client: add WWW-Authenticate: Basic
}

// oauth2ErrorBody is the JSON of an error (RFC 6749 §5.2).
type oauth2ErrorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description,omitempty"`
}

// oauth2TokenBody is the JSON of a token response (RFC 6749 §5.1).
type oauth2TokenBody struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token,omitempty"` // OIDC Core §3.1.3.3, under /oidc only
}

// writeNoStore writes JSON with the headers RFC 6749 §5.1 requires on
// responses carrying tokens or errors of the token endpoint.
func oauth2WriteNoStore(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, status, v)
}

func (st *oauth2State) fail(w http.ResponseWriter, r *http.Request, tr *ServerTrace, f oauth2Fail) {
	tr.Verdict = f.code + ": " + f.desc
	if f.challenge {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+oauth2Realm+`"`)
	}
	st.s.finish(w, r, tr, f.status)
	oauth2WriteNoStore(w, f.status, oauth2ErrorBody{Error: f.code, ErrorDescription: f.desc})
}

func oauth2BadRequest(code, desc string) *oauth2Fail {
	return &oauth2Fail{status: http.StatusBadRequest, code: code, desc: desc}
}

// readForm reads an application/x-www-form-urlencoded body; a parameter
// sent twice is an error (RFC 6749 §3.2).
func oauth2ReadForm(w http.ResponseWriter, r *http.Request) (url.Values, *oauth2Fail) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return nil, oauth2BadRequest("invalid_request", "The body must be application/x-www-form-urlencoded (RFC 6749 section 4)")
	}
	body, err := readBody(w, r)
	if err != nil {
		return nil, oauth2BadRequest("invalid_request", "The body could not be read")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, oauth2BadRequest("invalid_request", "The body is not valid form encoding")
	}
	for k, v := range form {
		if len(v) > 1 {
			return nil, oauth2BadRequest("invalid_request", "Parameter "+oneLine(k)+" is repeated (RFC 6749 section 3.2)")
		}
	}
	return form, nil
}

// authenticate finds and checks the client (RFC 6749 §2.3.1): Basic
// (client_id and client_secret form-urlencoded, then joined) or body
// parameters, never both; a public client sends only client_id.
func (st *oauth2State) authenticate(r *http.Request, form url.Values, tr *ServerTrace) (oauth2Client, *oauth2Fail) {
	invalid := func(desc string) (oauth2Client, *oauth2Fail) {
		return oauth2Client{}, &oauth2Fail{status: http.StatusUnauthorized, code: "invalid_client", desc: desc, challenge: true}
	}
	user, pass, basic := r.BasicAuth()
	if h := r.Header.Get("Authorization"); h != "" && !basic {
		return invalid("The Authorization header is not valid Basic client authentication")
	}
	id, secret, method := form.Get("client_id"), form.Get("client_secret"), "none (public client)"
	switch {
	case basic && form.Has("client_secret"):
		return oauth2Client{}, oauth2BadRequest("invalid_request", "The client authenticated twice: Basic and client_secret in the body (RFC 6749 section 2.3)")
	case basic:
		method = "basic"
		u, err1 := url.QueryUnescape(user)
		p, err2 := url.QueryUnescape(pass)
		if err1 != nil || err2 != nil {
			return invalid("The Basic credentials are not form-urlencoded (RFC 6749 section 2.3.1)")
		}
		if id != "" && id != u {
			return oauth2Client{}, oauth2BadRequest("invalid_request", "client_id in the body differs from the Basic user")
		}
		id, secret = u, p
	case form.Has("client_secret"):
		method = "body"
	}
	add(tr, "client authentication", method)
	add(tr, "client_id", id)
	if secret != "" {
		add(tr, "client_secret length", length(secret))
	}
	c, ok := oauth2LookupClient(id)
	switch {
	case id == "":
		return invalid("No client authentication: send client_id and client_secret (Basic or body)")
	case !ok:
		return invalid("Unknown client_id")
	case c.secret == "" && secret != "":
		return invalid(id + " is a public client and has no secret")
	case c.secret != "" && secret == "":
		return invalid(id + " is a confidential client: authenticate with its client_secret")
	case c.secret != "" && !equal(secret, c.secret):
		return invalid("Client authentication failed: wrong client_secret")
	}
	return c, nil
}

// scopeOf checks a requested scope against the demo scopes; "" is "read".
func oauth2ScopeOf(raw string) (string, *oauth2Fail) {
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return "read", nil
	}
	for _, f := range fields {
		ok := false
		for _, s := range oauth2Scopes {
			ok = ok || f == s
		}
		if !ok {
			return "", oauth2BadRequest("invalid_scope", "Unknown scope "+strconv.Quote(f)+": use read, write or short")
		}
	}
	return strings.Join(fields, " "), nil
}

// scopeOf checks a requested scope: the OAuth 2.0 demo scopes, or the
// OpenID provider's.
func (st *oauth2State) scopeOf(raw string) (string, *oauth2Fail) {
	if st.op != nil {
		return oidcScopeOf(raw)
	}
	return oauth2ScopeOf(raw)
}

// ttl is the lifetime of an access token with scope.
func oauth2TTL(scope string) time.Duration {
	for _, f := range strings.Fields(scope) {
		if f == DemoOAuth2ShortScope {
			return oauth2ShortTTL
		}
	}
	return oauth2TokenTTL
}

// ---- token endpoint ----------------------------------------------------

// token is the token endpoint (RFC 6749 §3.2).
func (st *oauth2State) token(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oauth2")
	form, f := oauth2ReadForm(w, r)
	if f != nil {
		st.fail(w, r, tr, *f)
		return
	}
	client, f := st.authenticate(r, form, tr)
	if f != nil {
		st.fail(w, r, tr, *f)
		return
	}
	grant := form.Get("grant_type")
	add(tr, "grant_type", grant)
	if grant == "" {
		st.fail(w, r, tr, *oauth2BadRequest("invalid_request", "grant_type is missing"))
		return
	}
	known := map[string]bool{"client_credentials": true, "password": true, "refresh_token": true, "authorization_code": true, oauth2DeviceGrant: true}
	if !known[grant] {
		st.fail(w, r, tr, *oauth2BadRequest("unsupported_grant_type", "This server does not support grant_type "+strconv.Quote(grant)))
		return
	}
	allowed := false
	for _, g := range client.grants {
		allowed = allowed || g == grant
	}
	if !allowed {
		st.fail(w, r, tr, *oauth2BadRequest("unauthorized_client", client.id+" may not use grant_type "+grant))
		return
	}
	now := st.s.now()
	st.mu.Lock()
	g, issueRefresh, f := st.grant(grant, client, form, tr, now)
	var body oauth2TokenBody
	if f == nil {
		body = st.issue(ClientOf(r).Key, g, issueRefresh, now)
	}
	st.mu.Unlock()
	if f == nil && st.op != nil {
		body.IDToken = st.op.idToken(r, tr, g, body.AccessToken, now)
	}
	if f != nil {
		st.fail(w, r, tr, *f)
		return
	}
	tr.Verdict = "ok: token issued"
	add(tr, "issued access_token length", length(body.AccessToken))
	add(tr, "expires_in", strconv.Itoa(body.ExpiresIn))
	add(tr, "scope", body.Scope)
	if body.RefreshToken != "" {
		add(tr, "issued refresh_token length", length(body.RefreshToken))
	}
	st.s.finish(w, r, tr, http.StatusOK)
	oauth2WriteNoStore(w, http.StatusOK, body)
}

// grant checks one grant's parameters (st.mu held) and returns what the
// token stands for and whether a refresh token comes with it.
func (st *oauth2State) grant(grant string, client oauth2Client, form url.Values, tr *ServerTrace, now time.Time) (oauth2Grant, bool, *oauth2Fail) {
	switch grant {
	case "client_credentials": // RFC 6749 §4.4: no refresh token (§4.4.3)
		scope, f := st.scopeOf(form.Get("scope"))
		return oauth2Grant{client: client.id, subject: client.id, scope: scope}, false, f
	case "password": // RFC 6749 §4.3
		scope, f := st.scopeOf(form.Get("scope"))
		if f != nil {
			return oauth2Grant{}, false, f
		}
		add(tr, "username", form.Get("username"))
		add(tr, "password length", length(form.Get("password")))
		if form.Get("username") != DemoUser || !equal(form.Get("password"), DemoPassword) {
			return oauth2Grant{}, false, oauth2BadRequest("invalid_grant", "Wrong username or password")
		}
		return oauth2Grant{client: client.id, subject: DemoUser, scope: scope}, true, nil
	case "refresh_token": // RFC 6749 §6
		rt := form.Get("refresh_token")
		add(tr, "refresh_token length", length(rt))
		g, ok := st.refresh.get(rt, now)
		if rt != "" && equal(rt, DemoOAuth2RefreshToken) && client.id == DemoOAuth2ClientID {
			g, ok = oauth2Grant{client: client.id, subject: DemoUser, scope: "read"}, true
		}
		switch {
		case rt == "":
			return oauth2Grant{}, false, oauth2BadRequest("invalid_request", "refresh_token is missing")
		case !ok:
			return oauth2Grant{}, false, oauth2BadRequest("invalid_grant", "The refresh token is unknown, revoked or already used")
		case g.client != client.id:
			return oauth2Grant{}, false, oauth2BadRequest("invalid_grant", "The refresh token was issued to another client")
		}
		if client.secret == "" { // rotation for public clients (RFC 9700 §4.14.2)
			st.refresh.del(rt)
			add(tr, "refresh token rotation", "old refresh token revoked")
		}
		return g, client.secret == "", nil
	case "authorization_code": // RFC 6749 §4.1.3, RFC 7636 §4.6
		code := form.Get("code")
		c, ok := st.codes.take(code, now) // single use (§4.1.2)
		add(tr, "redirect_uri", form.Get("redirect_uri"))
		switch {
		case code == "":
			return oauth2Grant{}, false, oauth2BadRequest("invalid_request", "code is missing")
		case !ok || !now.Before(c.expires):
			return oauth2Grant{}, false, oauth2BadRequest("invalid_grant", "The authorization code is unknown, expired or already used")
		case c.client != client.id:
			return oauth2Grant{}, false, oauth2BadRequest("invalid_grant", "The authorization code was issued to another client")
		case form.Get("redirect_uri") != c.redirect:
			return oauth2Grant{}, false, oauth2BadRequest("invalid_grant", "redirect_uri differs from the authorization request's")
		}
		verifier := form.Get("code_verifier")
		add(tr, "code_challenge_method", "S256")
		add(tr, "stored code_challenge", c.challenge)
		if verifier == "" {
			return oauth2Grant{}, false, oauth2BadRequest("invalid_request", "code_verifier is missing (PKCE, RFC 7636 section 4.5)")
		}
		add(tr, "code_verifier length", length(verifier))
		sum := sha256.Sum256([]byte(verifier))
		computed := base64.RawURLEncoding.EncodeToString(sum[:])
		add(tr, "code_challenge", computed)
		if !oauth2VerifierOK(verifier) || computed != c.challenge {
			add(tr, "PKCE", "mismatch")
			return oauth2Grant{}, false, oauth2BadRequest("invalid_grant", "PKCE verification failed: BASE64URL(SHA256(code_verifier)) does not match code_challenge")
		}
		add(tr, "PKCE", "match")
		return oauth2Grant{client: client.id, subject: DemoUser, scope: c.scope, nonce: c.nonce}, true, nil
	}
	// RFC 8628 §3.4, §3.5
	dc := form.Get("device_code")
	d, ok := st.devices.get(dc, now)
	switch {
	case dc == "":
		return oauth2Grant{}, false, oauth2BadRequest("invalid_request", "device_code is missing")
	case !ok || d.client != client.id:
		return oauth2Grant{}, false, oauth2BadRequest("invalid_grant", "The device code is unknown or was issued to another client")
	case !now.Before(d.expires):
		st.devices.del(dc)
		return oauth2Grant{}, false, oauth2BadRequest("expired_token", "The device code expired; start again")
	}
	d.polls++
	add(tr, "poll", strconv.Itoa(d.polls))
	add(tr, "interval", d.interval.String())
	early := !d.lastPoll.IsZero() && now.Sub(d.lastPoll) < d.interval-oauth2PollTolerance
	if !d.lastPoll.IsZero() {
		add(tr, "since last poll", now.Sub(d.lastPoll).Round(time.Millisecond).String())
	}
	d.lastPoll = now
	if early || d.polls == 2 {
		d.interval += oauth2SlowDownStep
		desc := "Polling faster than the interval; wait 5 seconds more between polls"
		if !early {
			desc = "Slow down: this practice server asks once per device code, to show RFC 8628 section 3.5"
		}
		return oauth2Grant{}, false, oauth2BadRequest("slow_down", desc)
	}
	if st.s.opts.AutoApprove && d.polls >= 3 && d.decision == "" {
		d.decision = "approved"
	}
	switch d.decision {
	case "approved":
		st.devices.del(dc)
		st.users.del(oauth2NormalizeUserCode(d.userCode))
		return oauth2Grant{client: client.id, subject: DemoUser, scope: d.scope}, true, nil
	case "denied":
		st.devices.del(dc)
		return oauth2Grant{}, false, oauth2BadRequest("access_denied", "The user denied the request")
	}
	return oauth2Grant{}, false, oauth2BadRequest("authorization_pending", "The user has not approved yet")
}

// oauth2VerifierOK checks the code_verifier syntax (RFC 7636 §4.1):
// 43 to 128 unreserved characters.
func oauth2VerifierOK(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// issue makes an access token (and a refresh token when asked; a
// confidential client keeps using the refresh token it sent), charged to
// the partition of who (st.mu held).
func (st *oauth2State) issue(who string, g oauth2Grant, newRefresh bool, now time.Time) oauth2TokenBody {
	ttl := oauth2TTL(g.scope)
	at := "at-" + randomHex(16)
	tg := g
	tg.expires = now.Add(ttl)
	st.tokens.put(who, at, tg, 0, tg.expires.Add(oauth2Grace), now)
	body := oauth2TokenBody{AccessToken: at, TokenType: "Bearer", ExpiresIn: int(ttl.Seconds()), Scope: g.scope}
	if newRefresh {
		rt := "rt-" + randomHex(20)
		rg := g
		rg.expires = time.Time{}
		st.refresh.put(who, rt, rg, 0, time.Time{}, now)
		body.RefreshToken = rt
	}
	return body
}

// ---- device authorization ----------------------------------------------

// oauth2DeviceBody is the device authorization response (RFC 8628 §3.2).
type oauth2DeviceBody struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	ExpiresIn               int    `json:"expires_in"`
	Interval                int    `json:"interval"`
}

// oauth2UserCodeAlphabet is RFC 8628 §6.1's example: base-20 consonants,
// no vowels (no words) and no easily confused characters.
const oauth2UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

func oauth2UserCode() string {
	var b strings.Builder
	for i := 0; i < 8; i++ {
		if i == 4 {
			b.WriteByte('-')
		}
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(oauth2UserCodeAlphabet))))
		b.WriteByte(oauth2UserCodeAlphabet[n.Int64()])
	}
	return b.String()
}

// oauth2NormalizeUserCode drops punctuation and case (RFC 8628 §6.1).
func oauth2NormalizeUserCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// baseURL is this server's origin as the client reached it.
func oauth2BaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (st *oauth2State) deviceAuth(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oauth2")
	form, f := oauth2ReadForm(w, r)
	if f == nil {
		var client oauth2Client
		client, f = st.authenticate(r, form, tr)
		if f == nil {
			var scope string
			scope, f = st.scopeOf(form.Get("scope"))
			if f == nil {
				st.deviceIssue(w, r, tr, client, scope)
				return
			}
		}
	}
	st.fail(w, r, tr, *f)
}

func (st *oauth2State) deviceIssue(w http.ResponseWriter, r *http.Request, tr *ServerTrace, client oauth2Client, scope string) {
	now := st.s.now()
	dc := "dc-" + randomHex(20)
	uc := oauth2UserCode()
	for _, taken := st.users.get(oauth2NormalizeUserCode(uc), now); taken; _, taken = st.users.get(oauth2NormalizeUserCode(uc), now) {
		uc = oauth2UserCode() // user codes are short: never hand out one in use
	}
	who, keep := ClientOf(r).Key, now.Add(oauth2DeviceTTL+oauth2Grace)
	st.mu.Lock()
	st.devices.put(who, dc, &oauth2Device{client: client.id, scope: scope, userCode: uc, expires: now.Add(oauth2DeviceTTL), interval: oauth2DeviceInterval}, 0, keep, now)
	st.users.put(who, oauth2NormalizeUserCode(uc), dc, 0, keep, now)
	st.mu.Unlock()
	verify := oauth2BaseURL(r) + st.prefix + "/device/verify"
	tr.Verdict = "ok: device code issued"
	add(tr, "user_code", uc)
	add(tr, "device_code length", length(dc))
	add(tr, "interval", oauth2DeviceInterval.String())
	st.s.finish(w, r, tr, http.StatusOK)
	oauth2WriteNoStore(w, http.StatusOK, oauth2DeviceBody{
		DeviceCode: dc, UserCode: uc, VerificationURI: verify,
		VerificationURIComplete: verify + "?user_code=" + url.QueryEscape(uc),
		ExpiresIn:               int(oauth2DeviceTTL.Seconds()), Interval: int(oauth2DeviceInterval.Seconds()),
	})
}

// oauth2PageData fills oauth2PageHTML.
type oauth2PageData struct {
	Kind                    string // "device", "device-done", "authorize", "error"
	Message                 string
	UserCode, Client, Scope string
	RequestID, Redirect     string
	Allowed                 string // the registered redirect URIs
	Prefix                  string // of the form actions: "/oauth2" or "/oidc"
}

func (st *oauth2State) render(w http.ResponseWriter, status int, d oauth2PageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY") // no clickjacking of the approve button
	w.WriteHeader(status)
	d.Prefix = st.prefix
	st.page.Execute(w, d)
}

func (st *oauth2State) verifyPage(w http.ResponseWriter, r *http.Request) {
	st.render(w, http.StatusOK, oauth2PageData{Kind: "device", UserCode: r.URL.Query().Get("user_code")})
}

func (st *oauth2State) verifyDecide(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		st.render(w, http.StatusBadRequest, oauth2PageData{Kind: "error", Message: "The form could not be read."})
		return
	}
	uc := oauth2NormalizeUserCode(r.PostForm.Get("user_code"))
	decision := "denied"
	if r.PostForm.Get("decision") == "approve" {
		decision = "approved"
	}
	now := st.s.now()
	st.mu.Lock()
	dc, ok := st.users.get(uc, now)
	var d *oauth2Device
	if ok {
		d, ok = st.devices.get(dc, now)
	}
	if ok && now.Before(d.expires) && d.decision == "" {
		d.decision = decision
	} else {
		ok = false
	}
	st.mu.Unlock()
	if !ok {
		st.render(w, http.StatusBadRequest, oauth2PageData{Kind: "device", Message: "This code is unknown, expired or already used. Check it and try again.", UserCode: r.PostForm.Get("user_code")})
		return
	}
	msg := "Approved. The device will receive its token at its next poll; you can close this page."
	if decision == "denied" {
		msg = "Denied. The device will be told access_denied."
	}
	st.render(w, http.StatusOK, oauth2PageData{Kind: "device-done", Message: msg})
}

// ---- authorization endpoint --------------------------------------------

// registeredRedirectsText names the redirect URIs (and OAuth 1.0a
// callbacks) every demo client registered, as the pages show it.
const registeredRedirectsText = "http://127.0.0.1:PORT/callback and http://[::1]:PORT/callback, any PORT (the loopback redirect of a native app, RFC 8252 section 7.3); nothing else, so a code or verifier is never sent to another host or path"

// registeredRedirect reports whether raw is a redirect URI every demo
// client registered: http://127.0.0.1/callback or http://[::1]/callback
// with any port or none. RFC 8252 §7.3 lets a native app's loopback
// redirect use any port, and only the port: the path must match the
// registration (RFC 6749 §3.1.2.2, exact match), and "localhost" is not a
// loopback IP literal (RFC 8252 §8.3: it may resolve elsewhere). No query,
// user info or fragment (RFC 6749 §3.1.2). authn's authorization-code flow
// listens on http://127.0.0.1:PORT/callback.
func registeredRedirect(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Opaque != "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return false
	}
	if u.Path != "/callback" || u.RawPath != "" {
		return false
	}
	if h := u.Hostname(); h != "127.0.0.1" && !(h == "::1" && strings.HasPrefix(u.Host, "[::1]")) {
		return false
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 || p[0] == '0' {
			return false
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return false
	}
	return true
}

// redirectWith sends the browser back to redirect with params added.
func oauth2RedirectWith(w http.ResponseWriter, r *http.Request, redirect string, params url.Values) {
	u, _ := url.Parse(redirect)
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (st *oauth2State) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	client, ok := oauth2LookupClient(q.Get("client_id"))
	redirect := q.Get("redirect_uri")
	// RFC 6749 §4.1.2.1: with no valid client or redirect URI, tell the
	// user, never redirect.
	switch {
	case !ok:
		st.render(w, http.StatusBadRequest, oauth2PageData{Kind: "error", Message: "Unknown client_id: use demo-client or demo-public-client."})
		return
	case !registeredRedirect(redirect):
		st.render(w, http.StatusBadRequest, oauth2PageData{Kind: "error", Message: "redirect_uri " + strconv.Quote(redirect) + " is not registered for " + client.id + ". Registered: " + registeredRedirectsText + ". RFC 6749 section 4.1.2.1: this server does not redirect to it."})
		return
	}
	back := func(code, desc string) {
		oauth2RedirectWith(w, r, redirect, url.Values{"error": {code}, "error_description": {desc}, "state": {q.Get("state")}})
	}
	scope, f := st.scopeOf(q.Get("scope"))
	switch {
	case q.Get("response_type") != "code":
		back("unsupported_response_type", "Only response_type=code is supported")
		return
	case q.Get("code_challenge") == "":
		back("invalid_request", "PKCE is required: send code_challenge and code_challenge_method=S256 (RFC 7636)")
		return
	case q.Get("code_challenge_method") != "S256":
		back("invalid_request", "code_challenge_method must be S256; plain (the default when it is missing) is refused")
		return
	case len(q.Get("code_challenge")) != 43:
		back("invalid_request", "code_challenge must be 43 base64url characters (an S256 hash)")
		return
	case f != nil:
		back(f.code, f.desc)
		return
	}
	if st.op != nil && q.Get("prompt") == "none" && !st.s.opts.AutoApprove {
		// OIDC Core §3.1.2.6: no page may be shown, and this provider
		// always asks the user to approve
		back("consent_required", "prompt=none, but the user must approve this client on the authorization page")
		return
	}
	req := oauth2AuthRequest{client: client.id, redirect: redirect, state: q.Get("state"), challenge: q.Get("code_challenge"),
		scope: scope, nonce: q.Get("nonce"), expires: st.s.now().Add(oauth2CodeTTL * 10)}
	if st.s.opts.AutoApprove {
		st.approve(w, r, req)
		return
	}
	id := randomHex(16)
	now := st.s.now()
	st.pending.put(ClientOf(r).Key, id, req, 0, req.expires, now)
	st.render(w, http.StatusOK, oauth2PageData{Kind: "authorize", Client: client.id, Scope: scope, RequestID: id, Redirect: redirect, Allowed: registeredRedirectsText})
}

// approve issues a code for req and redirects back (RFC 6749 §4.1.2).
func (st *oauth2State) approve(w http.ResponseWriter, r *http.Request, req oauth2AuthRequest) {
	code := "code-" + randomHex(16)
	now := st.s.now()
	c := oauth2Code{client: req.client, redirect: req.redirect, challenge: req.challenge, scope: req.scope, nonce: req.nonce, expires: now.Add(oauth2CodeTTL)}
	st.codes.put(ClientOf(r).Key, code, c, 0, c.expires, now)
	oauth2RedirectWith(w, r, req.redirect, url.Values{"code": {code}, "state": {req.state}})
}

func (st *oauth2State) authorizeDecide(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		st.render(w, http.StatusBadRequest, oauth2PageData{Kind: "error", Message: "The form could not be read."})
		return
	}
	id := r.PostForm.Get("request")
	req, ok := st.pending.take(id, st.s.now())
	if !ok {
		st.render(w, http.StatusBadRequest, oauth2PageData{Kind: "error", Message: "This authorization request is unknown or expired: start again from the application."})
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		oauth2RedirectWith(w, r, req.redirect, url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request"}, "state": {req.state}})
		return
	}
	st.approve(w, r, req)
}

// ---- protected resource ------------------------------------------------

// oauth2MeBody is the answer of /oauth2/me.
type oauth2MeBody struct {
	Subject   string `json:"sub"`
	ClientID  string `json:"client_id"`
	Scope     string `json:"scope"`
	ExpiresIn int    `json:"expires_in"`
}

// me is a resource that takes the access tokens of /oauth2/token in the
// Authorization header (RFC 6750 §2.1) and answers errors per §3.1.
func (st *oauth2State) me(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "bearer")
	refuse := func(status int, code, desc string) {
		c := `Bearer realm="` + oauth2Realm + `"`
		if code != "" {
			c += `, error="` + code + `", error_description="` + desc + `"`
		}
		w.Header().Set("WWW-Authenticate", c)
		tr.Verdict = strings.TrimPrefix(code+": "+desc, ": ")
		st.s.finish(w, r, tr, status)
		writeJSON(w, status, bearerError{Error: code, ErrorDescription: desc})
	}
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	switch {
	case h == "":
		refuse(http.StatusUnauthorized, "", "This resource needs an access token from /oauth2/token: Authorization: Bearer <token>")
		return
	case !strings.EqualFold(scheme, "Bearer") || !b64token(tok):
		refuse(http.StatusBadRequest, "invalid_request", "Send the token as Authorization: Bearer <token>")
		return
	}
	add(tr, "token length", length(tok))
	now := st.s.now()
	g, ok := st.tokens.get(tok, now)
	switch {
	case !ok:
		refuse(http.StatusUnauthorized, "invalid_token", "The access token is not valid")
		return
	case !now.Before(g.expires):
		refuse(http.StatusUnauthorized, "invalid_token", "The access token expired")
		return
	}
	tr.Verdict = "ok"
	add(tr, "subject", g.subject)
	add(tr, "scope", g.scope)
	st.s.finish(w, r, tr, http.StatusOK)
	writeJSON(w, http.StatusOK, oauth2MeBody{Subject: g.subject, ClientID: g.client, Scope: g.scope, ExpiresIn: int(g.expires.Sub(now).Seconds())})
}

// oauth2PageHTML is the approve page of the device and code flows.
const oauth2PageHTML = `<!doctype html>
<meta charset="utf-8">
<title>authlab practice: OAuth 2.0</title>
{{if eq .Kind "error"}}<h1>Cannot continue</h1>
<p>{{.Message}}</p>
{{else if eq .Kind "device-done"}}<h1>Device authorization</h1>
<p>{{.Message}}</p>
{{else if eq .Kind "device"}}<h1>Connect a device</h1>
{{if .Message}}<p>{{.Message}}</p>{{end}}
<p>Enter the code the device shows. This practice server has no login: you act as <b>demo</b>.</p>
<form method="post" action="{{.Prefix}}/device/verify">
<label>Code <input name="user_code" value="{{.UserCode}}" autocomplete="off" autofocus></label>
<button name="decision" value="approve">Approve</button>
<button name="decision" value="deny">Deny</button>
</form>
{{else}}<h1>Authorize the application?</h1>
<p>The client <code>{{.Client}}</code> asks for scope <code>{{.Scope}}</code> as <b>demo</b>, and will receive the answer at <code>{{.Redirect}}</code>.</p>
<p>That is one of the redirect URIs {{.Client}} registered: {{.Allowed}}. This server redirects nowhere else.</p>
<form method="post" action="{{.Prefix}}/authorize">
<input type="hidden" name="request" value="{{.RequestID}}">
<button name="decision" value="approve">Approve</button>
<button name="decision" value="deny">Deny</button>
</form>
{{end}}`
