package authn

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"weak"

	"golang.org/x/oauth2"
)

// oauth2Scheme implements the OAuth 2.0 client of RFC 6749: it gets an
// access token from the authorization server's token endpoint with one of
// five grants, keeps it in the engine's Session (memory only) until it
// expires, refreshes it with a refresh token (§6) and sends it as a Bearer
// token (RFC 6750 §2.1). The grants are client credentials (§4.4), refresh
// token (§6), the device authorization grant (RFC 8628), the authorization
// code grant with PKCE S256 (§4.1, RFC 7636) through a loopback redirect
// (RFC 8252 §7.3), and the resource owner password grant (§4.3), which RFC
// 9700 §2.4 (the OAuth 2.0 Security BCP) says must not be used any more.
//
// Why the requests are built here rather than by golang.org/x/oauth2's
// Config and clientcredentials.Config: every exchange must go through
// Call.Do so that it is recorded in the Result, with each credential placed
// by Outgoing.SetHeader or AddBodyParams so that renderers know what to mask.
// A RoundTripper adapter in front of x/oauth2 would see only finished
// requests and would have to guess which header or body parameter was a
// secret; x/oauth2 also hides what authlab exists to show (AuthStyleAutoDetect
// silently retries the other client authentication method and remembers the
// result in package state; DeviceAccessToken handles slow_down inside itself;
// RetrieveError folds the response away). The token requests are a few form
// parameters each, so authlab builds them and uses x/oauth2 for what it
// does well: its Token type, its RetrieveError (wrapped by Prepare's error,
// so callers can errors.As it) and its PKCE S256 derivation.
type oauth2Scheme struct{}

func init() { register(oauth2Scheme{}) }

// Grant names of the grant field and the grant_type values they send.
const (
	oauth2GrantClientCredentials = "client_credentials"
	oauth2GrantRefreshToken      = "refresh_token"
	oauth2GrantDeviceCode        = "device_code"
	oauth2GrantAuthorizationCode = "authorization_code"
	oauth2GrantPassword          = "password"

	// oauth2DeviceGrantType is the grant_type of the device flow's token
	// requests (RFC 8628 §3.4).
	oauth2DeviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"
)

// Session keys.
const (
	oauth2KeyToken   = "oauth2.token"   // oauth2Cached
	oauth2KeyRefresh = "oauth2.refresh" // string: the newest refresh token (rotation, RFC 9700 §4.14.2)
)

// oauth2MaxLeeway is how long before its expiry a cached token is replaced,
// so it does not expire on the way to the API (x/oauth2 uses 10 s too). For
// short-lived tokens the leeway is a quarter of the lifetime at most.
const oauth2MaxLeeway = 10 * time.Second

func (oauth2Scheme) Info() Info {
	return Info{
		Name:    "oauth2",
		Title:   "OAuth 2.0",
		Summary: "Gets an access token from a token endpoint (client credentials, refresh, device, authorization code + PKCE, password) and sends it as a Bearer token.",
		Spec:    "RFC 6749, RFC 8628, RFC 7636",
		Rank:    50,
		// The access token is sent as a Bearer token (RFC 6750 §2.1); its
		// lifetime is relative (expires_in, RFC 6749 §5.1), measured on
		// this machine's clock alone.
		Challenges: []string{"Bearer"},
		ClockFree:  true,
		Fields: []Field{
			{Name: "grant", Label: "Grant", Default: oauth2GrantClientCredentials,
				Allowed: []string{oauth2GrantClientCredentials, oauth2GrantRefreshToken, oauth2GrantDeviceCode, oauth2GrantAuthorizationCode, oauth2GrantPassword},
				Help:    "how the token is obtained (RFC 6749 §4); password is legacy: RFC 9700 §2.4 says not to use it"},
			{Name: "token_url", Label: "Token URL", Required: true,
				Help: "the authorization server's token endpoint (RFC 6749 §3.2), not the API"},
			{Name: "client_id", Label: "Client ID", Required: true,
				Help: "the client identifier issued at registration (RFC 6749 §2.2); not secret"},
			{Name: "client_secret", Label: "Client secret", Secret: true,
				Help: "the client's password (RFC 6749 §2.3.1); empty for a public client"},
			{Name: "client_auth", Label: "Client authentication", Default: "basic", Allowed: []string{"basic", "body"},
				Help: "basic: Authorization: Basic (client_secret_basic); body: client_id and client_secret form parameters (client_secret_post) — RFC 6749 §2.3.1"},
			{Name: "scope", Label: "Scope", When: oauth2NewToken(),
				Help: "space-separated scopes to request (RFC 6749 §3.3)"},
			{Name: "audience", Label: "Audience", When: oauth2NewToken(),
				Help: "the API the token is for, as Auth0 and others ask (not in RFC 6749; RFC 8707 calls it resource)"},
			{Name: "refresh_token", Label: "Refresh token", Secret: true,
				Help: "for the refresh_token grant, or to skip an interactive grant (RFC 6749 §6)"},
			{Name: "device_auth_url", Label: "Device authorization URL", When: oauth2Only(oauth2GrantDeviceCode),
				Help: "for device_code: the device authorization endpoint (RFC 8628 §3.1)"},
			{Name: "auth_url", Label: "Authorization URL", When: oauth2Only(oauth2GrantAuthorizationCode),
				Help: "for authorization_code: the authorization endpoint opened in a browser (RFC 6749 §3.1)"},
			{Name: "username", Label: "Username", When: oauth2Only(oauth2GrantPassword),
				Help: "for the legacy password grant only (RFC 6749 §4.3)"},
			{Name: "password", Label: "Password", Secret: true, When: oauth2Only(oauth2GrantPassword),
				Help: "for the legacy password grant only (RFC 6749 §4.3; RFC 9700 §2.4: do not use)"},
		},
	}
}

// oauth2Only is the Field.When "only for these grants". Which grant uses
// which field, as Prepare and obtain read them: token_url, client_id, client_secret, client_auth and refresh_token
// serve every grant (a refresh token skips any grant, RFC 6749 §6); scope and
// audience go with every request for a new grant, not with a refresh (which
// sends neither); each endpoint or resource-owner field serves its own grant.
func oauth2Only(grants ...string) Condition { return Condition{Field: "grant", Values: grants} }

// oauth2NewToken is the condition of scope and audience: every grant but
// refresh_token.
func oauth2NewToken() Condition {
	return oauth2Only(oauth2GrantClientCredentials, oauth2GrantDeviceCode, oauth2GrantAuthorizationCode, oauth2GrantPassword)
}

// oauth2Plan is the validated input of one Prepare.
type oauth2Plan struct {
	grant                         string
	tokenURL, deviceURL, authURL  *url.URL
	clientID, clientSecret, auth  string
	scope, audience, refreshToken string
	username, password            string
	requested                     string // scope as sent, for the §3.3 comparison
}

// oauth2NewPlan checks that the fields the grant needs are present and
// that the URLs are absolute http(s) URLs.
func oauth2NewPlan(c Credentials) (*oauth2Plan, error) {
	p := &oauth2Plan{
		grant: c.Get("grant"), clientID: c.Get("client_id"), clientSecret: c.Get("client_secret"),
		auth: c.Get("client_auth"), scope: strings.Join(strings.Fields(c.Get("scope")), " "), audience: c.Get("audience"),
		refreshToken: c.Get("refresh_token"), username: c.Get("username"), password: c.Get("password"),
	}
	if p.grant == "" {
		p.grant = oauth2GrantClientCredentials
	}
	if p.auth == "" {
		p.auth = "basic"
	}
	var err error
	if p.tokenURL, err = oauth2ParseURL("token_url", c.Get("token_url")); err != nil {
		return nil, err
	}
	need := func(field, why string) error {
		return &InputError{Field: field, Problem: fmt.Sprintf("the %s grant needs field %q (%s)", p.grant, field, why),
			Fix: fmt.Sprintf("add -c %s=VALUE", field)}
	}
	switch p.grant {
	case oauth2GrantRefreshToken:
		if p.refreshToken == "" {
			return nil, need("refresh_token", "the refresh token to exchange, RFC 6749 §6")
		}
	case oauth2GrantDeviceCode:
		if c.Get("device_auth_url") == "" {
			return nil, need("device_auth_url", "the device authorization endpoint, RFC 8628 §3.1")
		}
		if p.deviceURL, err = oauth2ParseURL("device_auth_url", c.Get("device_auth_url")); err != nil {
			return nil, err
		}
	case oauth2GrantAuthorizationCode:
		if c.Get("auth_url") == "" {
			return nil, need("auth_url", "the authorization endpoint to open in a browser, RFC 6749 §3.1")
		}
		if p.authURL, err = oauth2ParseURL("auth_url", c.Get("auth_url")); err != nil {
			return nil, err
		}
	case oauth2GrantPassword:
		if p.username == "" {
			return nil, need("username", "the resource owner's user name, RFC 6749 §4.3.2")
		}
		if p.password == "" {
			return nil, need("password", "the resource owner's password, RFC 6749 §4.3.2")
		}
	}
	return p, nil
}

// oauth2ParseURL checks an endpoint URL and names the field at fault.
func oauth2ParseURL(field, raw string) (*url.URL, error) {
	u, err := ParseURL(raw)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return nil, &InputError{Field: field, Problem: field + ": " + ie.Problem, Fix: ie.Fix}
		}
		return nil, err
	}
	return u, nil
}

// oauth2Cached is the access token kept in the Session.
type oauth2Cached struct {
	tok      *oauth2.Token
	obtained time.Time     // by Env.Now
	lifetime time.Duration // expires_in; 0 when the server gave none
	// by is the Call that obtained the token: Answer does not retry with a
	// new token when the one just obtained is refused (weak, so the Session
	// does not keep a finished Result alive).
	by weak.Pointer[Call]
}

// leeway is how long before Expiry the token counts as expired.
func (t oauth2Cached) leeway() time.Duration {
	if t.lifetime > 0 && t.lifetime/4 < oauth2MaxLeeway {
		return t.lifetime / 4
	}
	return oauth2MaxLeeway
}

// usable reports whether the token may still be sent at now.
func (t oauth2Cached) usable(now time.Time) bool {
	return t.tok.Expiry.IsZero() || now.Add(t.leeway()).Before(t.tok.Expiry)
}

// Prepare makes sure the Session holds a usable access token: the cached
// one while it is not (nearly) expired, else a refreshed one (RFC 6749 §6)
// when a refresh token is known, else one from the grant. Every exchange
// with the authorization server goes through Call.Do with RoleToken.
func (s oauth2Scheme) Prepare(ctx context.Context, c *Call) error {
	p, err := oauth2NewPlan(c.Creds)
	if err != nil {
		return err
	}
	return oauth2Prepare(ctx, c, &oauth2Run{c: c, p: p})
}

// oauth2Prepare is Prepare with the plan already made, in r: the oidc
// scheme makes its plan from the issuer's metadata and adds parameters to
// the authorization request (oauth2Run.authParams).
func oauth2Prepare(ctx context.Context, c *Call, r *oauth2Run) error {
	p := r.p
	if p.grant == oauth2GrantPassword {
		c.Trace.Add("Warning: the password grant is legacy", "RFC 9700 §2.4, RFC 6749 §4.3",
			"The OAuth 2.0 Security Best Current Practice says the resource owner password credentials grant MUST NOT be used: "+
				"the client sees the user's password, and the grant cannot do multi-factor or federated login. Use the authorization code grant with PKCE, or the device grant.",
			Plain("grant", "password"))
	}
	if p.tokenURL.Host == c.URL.Host && p.tokenURL.Path == c.URL.Path {
		c.Trace.Add("Warning: token_url is the API URL itself", "RFC 6749 §3.2",
			"The token endpoint is where the client gets a token (often …/oauth/token or …/token); the request URL is the API that accepts it.",
			Plain("token_url", p.tokenURL.String()), Plain("request URL", c.URL.String()))
	}
	r.loadCached()
	now := c.Env.Now()
	reason := ""
	if v, ok := c.Env.Session.Get(oauth2KeyToken).(oauth2Cached); ok {
		if v.usable(now) {
			vals := []Value{Secret("access_token", v.tok.AccessToken, ""), Plain("obtained", oauth2Ago(now.Sub(v.obtained)))}
			if !v.tok.Expiry.IsZero() {
				vals = append(vals, Plain("expires", oauth2ExpiresWords(v.tok.Expiry.Sub(now))))
			}
			c.Trace.Add("Reuse the cached access token", "RFC 6749 §5.1",
				"The token from an earlier request is kept in memory for this session (never on disk) and sent again until it is about to expire.", vals...)
			return nil
		}
		reason = fmt.Sprintf("the cached access token expired %s", oauth2Ago(now.Sub(v.tok.Expiry)))
		if v.tok.Expiry.After(now) {
			reason = fmt.Sprintf("the cached access token expires %s, within the %s safety margin", oauth2ExpiresWords(v.tok.Expiry.Sub(now)), v.leeway())
		}
		c.Env.Session.Set(oauth2KeyToken, nil)
	}
	if err := r.obtain(ctx, reason); err != nil {
		if oauth2IsCode(err, "invalid_grant") {
			r.forgetCached() // a cached refresh token the server refused
		}
		return err
	}
	if !r.deferSave {
		r.saveCached()
	}
	return nil
}

// Authorize sends the session's access token as a Bearer token (RFC 6750
// §2.1). Prepare (or Answer) put it there.
func (oauth2Scheme) Authorize(out *Outgoing, _ Credentials, env Env, tr *Trace) error {
	v, ok := env.Session.Get(oauth2KeyToken).(oauth2Cached)
	if !ok {
		return errors.New("oauth2: no access token in the session (the engine runs Prepare before signing)")
	}
	header := "Bearer " + v.tok.AccessToken
	masked := "Bearer " + Mask("")
	out.SetHeader("Authorization", header, masked)
	tr.Add("Send the access token as a Bearer token", "RFC 6750 §2.1",
		"Whoever holds a bearer token can use it, so it goes only to this API, only over TLS in real use, and never in the URL.",
		Secret("Authorization", header, masked))
	return nil
}

// Answer handles the API refusing the token: a 401 whose Bearer challenge
// says error="invalid_token" (RFC 6750 §3.1) means it expired early or was
// revoked. A cached token is dropped, a new one obtained (refresh or grant)
// and the request retried once; a token obtained during this very call is
// not retried, since a fresh token refused means something else is wrong.
func (oauth2Scheme) Answer(ctx context.Context, c *Call, resp *Response) (bool, error) {
	return oauth2Answer(ctx, c, resp, func() (*oauth2Run, error) {
		p, err := oauth2NewPlan(c.Creds)
		if err != nil {
			return nil, err
		}
		return &oauth2Run{c: c, p: p}, nil
	})
}

// oauth2Answer is Answer with the run made by run, only once a retry is
// due (the oidc scheme's plan comes from the issuer's metadata).
func oauth2Answer(ctx context.Context, c *Call, resp *Response, run func() (*oauth2Run, error)) (bool, error) {
	if resp.Status != http.StatusUnauthorized {
		return false, nil
	}
	chs, _ := ParseChallenges(resp.Header.Values("WWW-Authenticate"))
	invalid := false
	for _, ch := range chs {
		if e, ok := ch.Param("error"); ok && ch.Is("Bearer") && e == "invalid_token" {
			invalid = true
		}
	}
	if !invalid {
		return false, nil
	}
	v, ok := c.Env.Session.Get(oauth2KeyToken).(oauth2Cached)
	if !ok || v.by.Value() == c {
		return false, nil
	}
	r, err := run()
	if err != nil {
		return false, err
	}
	c.Env.Session.Set(oauth2KeyToken, nil)
	r.forgetCached()
	c.Trace.Add("The API refused the cached token", "RFC 6750 §3.1",
		"401 with error=\"invalid_token\": the token expired before its expires_in said, or was revoked. Drop it, get a new one, and send the request once more.",
		Plain("status", fmt.Sprintf("%d", resp.Status)), Plain("error", "invalid_token"))
	if err := r.obtain(ctx, "the API answered 401 invalid_token to the cached token"); err != nil {
		return false, err
	}
	if !r.deferSave {
		r.saveCached()
	}
	return true, nil
}

// oauth2Run is one attempt to obtain a token, within one Prepare or Answer.
type oauth2Run struct {
	c          *Call
	p          *oauth2Plan
	authTraced bool // the client authentication step was written
	polling    bool // device polling writes its own compact steps
	// authParams are added to the authorization request (the oidc
	// scheme's nonce, OIDC Core §3.1.2.1).
	authParams [][2]string
	// beforeAuthorize, when set, runs when the authorization code grant
	// starts (the oidc scheme explains its nonce there).
	beforeAuthorize func()
	// granted is the token request that obtained the token ("refresh_token",
	// "authorization_code", …), "" while none has.
	granted string
	// scheme and cacheEndpoint name the token cache entry: "oidc" and the
	// issuer for the oidc scheme ("" is oauth2 and token_url).
	scheme, cacheEndpoint string
	// deferSave leaves saveCached to the caller (oidc saves only after the
	// ID token verified).
	deferSave bool
}

// obtain gets a new token: with a refresh token when one is known (the
// newest rotated one first, then the refresh_token field), falling back to
// the grant when the refresh token is refused; else with the grant.
func (r *oauth2Run) obtain(ctx context.Context, reason string) error {
	c, p := r.c, r.p
	rt, _ := c.Env.Session.Get(oauth2KeyRefresh).(string)
	source := "the refresh token the server issued earlier in this session"
	if rt == "" {
		rt, source = p.refreshToken, "the refresh_token field"
	}
	if rt != "" {
		why := reason
		if why == "" {
			why = "no access token yet"
		}
		c.Trace.Add("Refresh the access token", "RFC 6749 §6",
			"A refresh token gets a new access token without the user or the grant.",
			Plain("reason", why), Plain("refresh token from", source))
		err := r.refresh(ctx, rt)
		if err == nil || p.grant == oauth2GrantRefreshToken || ctx.Err() != nil || !oauth2IsCode(err, "invalid_grant") {
			return err
		}
		c.Env.Session.Set(oauth2KeyRefresh, nil)
		c.Trace.Add("The refresh token was refused: run the grant again", "RFC 6749 §5.2",
			"invalid_grant: the refresh token expired, was revoked or was already used (rotation).", Plain("grant", p.grant))
		if p.grant == oauth2GrantDeviceCode || p.grant == oauth2GrantAuthorizationCode {
			// the user must act again: say why before the grant's own notice
			c.Notify(Notice{Title: "The refresh token was refused (invalid_grant): sign in again", Detail: "the " + p.grant + " grant runs once more"})
		}
	} else if reason != "" {
		c.Trace.Add("Get a new access token", "RFC 6749 §4", "There is no refresh token, so the grant runs again.",
			Plain("reason", reason), Plain("grant", p.grant))
	}
	switch p.grant {
	case oauth2GrantClientCredentials:
		return r.token(ctx, "client_credentials", r.withScope([][2]string{{"grant_type", "client_credentials"}}), nil)
	case oauth2GrantPassword:
		params := r.withScope([][2]string{{"grant_type", "password"}, {"username", p.username}, {"password", p.password}})
		return r.token(ctx, "password", params, map[string]string{"password": Mask("")})
	case oauth2GrantDeviceCode:
		return r.device(ctx)
	case oauth2GrantAuthorizationCode:
		return r.authCode(ctx)
	}
	return &InputError{Field: "refresh_token", Problem: "the refresh_token grant has no refresh token to use", Fix: "add -c refresh_token=VALUE"}
}

// withScope appends scope and audience when set (RFC 6749 §3.3).
func (r *oauth2Run) withScope(params [][2]string) [][2]string {
	if r.p.scope != "" {
		params = append(params, [2]string{"scope", r.p.scope})
		r.p.requested = r.p.scope
	}
	if r.p.audience != "" {
		params = append(params, [2]string{"audience", r.p.audience})
	}
	return params
}

// refresh exchanges a refresh token (RFC 6749 §6). The scope is not sent:
// the new token gets the scope of the old one.
func (r *oauth2Run) refresh(ctx context.Context, rt string) error {
	return r.token(ctx, "refresh_token", [][2]string{{"grant_type", "refresh_token"}, {"refresh_token", rt}},
		map[string]string{"refresh_token": Mask("")})
}

// oauth2IsCode reports whether err is a token endpoint error with code.
func oauth2IsCode(err error, code string) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == code
}

// oauth2Ago renders a past duration in words ("3 s ago", "just now").
func oauth2Ago(d time.Duration) string {
	if d < time.Second {
		return "just now"
	}
	return oauth2Words(d) + " ago"
}

// oauth2ExpiresWords renders the time left ("in 59 min 58 s", "already").
func oauth2ExpiresWords(d time.Duration) string {
	if d <= 0 {
		return "already expired"
	}
	return "in " + oauth2Words(d)
}

// oauth2Words renders a duration for people, to the second.
func oauth2Words(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%d s", int(d.Seconds()))
	}
	var parts []string
	if h := int(d.Hours()); h > 0 {
		if h >= 48 {
			return fmt.Sprintf("%d days", h/24)
		}
		parts = append(parts, fmt.Sprintf("%d h", h))
	}
	if m := int(d.Minutes()) % 60; m > 0 {
		parts = append(parts, fmt.Sprintf("%d min", m))
	}
	if s := int(d.Seconds()) % 60; s > 0 {
		parts = append(parts, fmt.Sprintf("%d s", s))
	}
	return strings.Join(parts, " ")
}
