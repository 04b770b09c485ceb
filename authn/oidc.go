package authn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// oidcScheme implements an OpenID Connect relying party (OIDC Core 1.0) as
// its own scheme, `-a oidc`, rather than as an issuer field of oauth2: its
// fields differ (an issuer instead of three endpoint URLs, no client
// credentials or password grant, a leeway), and its Prepare does more
// (discovery, ID token verification, userinfo). The OAuth 2.0 part is the
// oauth2 scheme's own code, reused through oauth2Prepare and oauth2Answer:
//
//  1. Discovery (OIDC Discovery 1.0 §4, RFC 8414 §3): GET
//     {issuer}/.well-known/openid-configuration, whose issuer must be the
//     configured one exactly (§4.3); the endpoints come from there.
//  2. The authorization code grant with PKCE (with a nonce, OIDC Core
//     §3.1.2.1) or the device grant (RFC 8628), with "openid" in scope.
//  3. The ID token of the token response is verified, each check a trace
//     step (OIDC Core §3.1.3.7): signature through the issuer's JWKS, iss,
//     aud, azp, exp and iat with leeway, nonce, at_hash (§3.1.3.6).
//  4. Userinfo (OIDC Core §5.3) is fetched with the access token and shown.
//
// The access token is then sent to the API as a Bearer token, kept in the
// Session and refreshed like oauth2's.
type oidcScheme struct{}

func init() { register(oidcScheme{}) }

// Session keys of the oidc scheme (besides oauth2's token keys).
const (
	oidcKeyMeta = "oidc.meta" // oidcMeta
	oidcKeyJWKS = "oidc.jwks" // oidcKeySet
)

// oidcDefaultLeeway is the clock skew allowed for exp and iat by default.
const oidcDefaultLeeway = time.Minute

func (oidcScheme) Info() Info {
	return Info{
		Name:    "oidc",
		Title:   "OpenID Connect",
		Summary: "Discovers the issuer, signs in with the authorization code (PKCE, nonce) or device grant, verifies the ID token, reads userinfo and sends the access token as a Bearer token.",
		Spec:    "OIDC Core 1.0, OIDC Discovery 1.0",
		Rank:    51,
		// The access token goes to the API as a Bearer token; oauth2 (rank
		// 50) gets the "-a" advice of a Bearer challenge.
		Challenges: []string{"Bearer"},
		ClockNote:  "OpenID Connect: authlab checks the ID token's exp and iat (OIDC Core §3.1.3.7) against this machine's clock, allowing only the leeway field, so a skewed clock makes a fresh ID token look expired or issued in the future",
		Fields: []Field{
			{Name: "issuer", Label: "Issuer", Required: true,
				Help: "the OpenID Provider's issuer URL; its /.well-known/openid-configuration names the endpoints (OIDC Discovery 1.0 §4)"},
			{Name: "grant", Label: "Grant", Default: oauth2GrantAuthorizationCode,
				Allowed: []string{oauth2GrantAuthorizationCode, oauth2GrantDeviceCode},
				Help:    "authorization_code: a browser sign-in with PKCE and a nonce (OIDC Core §3.1); device_code: a code to enter on another device (RFC 8628)"},
			{Name: "client_id", Label: "Client ID", Required: true,
				Help: "the client identifier registered at the provider; the ID token's aud must contain it (OIDC Core §3.1.3.7)"},
			{Name: "client_secret", Label: "Client secret", Secret: true,
				Help: "the client's secret (RFC 6749 §2.3.1); empty for a public client"},
			{Name: "client_auth", Label: "Client authentication", Default: "basic", Allowed: []string{"basic", "body"},
				Help: "basic: client_secret_basic; body: client_secret_post (OIDC Core §9)"},
			{Name: "scope", Label: "Scope", Default: "openid profile email",
				Help: "space-separated scopes; openid is added when missing (OIDC Core §3.1.2.1)"},
			{Name: "refresh_token", Label: "Refresh token", Secret: true,
				Help: "skip the sign-in with a refresh token (OIDC Core §12)"},
			{Name: "leeway", Label: "Leeway", Default: oidcDefaultLeeway.String(),
				Help: "clock skew allowed when checking the ID token's exp and iat, e.g. 30s or 2m (OIDC Core §3.1.3.7)"},
		},
	}
}

// oidcMeta is the part of the provider metadata authlab uses (OIDC
// Discovery 1.0 §3, RFC 8414 §2).
type oidcMeta struct {
	Issuer        string   `json:"issuer"`
	Authorization string   `json:"authorization_endpoint"`
	Token         string   `json:"token_endpoint"`
	Userinfo      string   `json:"userinfo_endpoint"`
	JWKS          string   `json:"jwks_uri"`
	Device        string   `json:"device_authorization_endpoint"`
	Introspection string   `json:"introspection_endpoint"`
	Revocation    string   `json:"revocation_endpoint"`
	Algs          []string `json:"id_token_signing_alg_values_supported"`
	Scopes        []string `json:"scopes_supported"`
	Grants        []string `json:"grant_types_supported"`
}

// oidcPlan is the validated input of one oidc Prepare.
type oidcPlan struct {
	issuer   *url.URL
	issuerS  string // as configured, compared byte for byte (Discovery §4.3)
	leeway   time.Duration
	scope    string
	addedOID bool // "openid" was missing from scope and added
}

// oidcNewPlan checks the oidc fields.
func oidcNewPlan(c Credentials) (*oidcPlan, error) {
	p := &oidcPlan{issuerS: strings.TrimSpace(c.Get("issuer")), leeway: oidcDefaultLeeway}
	var err error
	if p.issuer, err = oauth2ParseURL("issuer", p.issuerS); err != nil {
		return nil, err
	}
	if p.issuer.RawQuery != "" || p.issuer.Fragment != "" {
		return nil, &InputError{Field: "issuer", Problem: "the issuer URL has a query or fragment, which OIDC Discovery 1.0 §2 forbids",
			Fix: "use the issuer as the provider states it, e.g. https://accounts.example.com"}
	}
	if v := c.Get("leeway"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > time.Hour {
			return nil, &InputError{Field: "leeway", Problem: fmt.Sprintf("leeway %q is not a duration between 0 and 1h", v),
				Fix: "use e.g. -c leeway=60s"}
		}
		p.leeway = d
	}
	scopes := strings.Fields(c.Get("scope"))
	if !slices.Contains(scopes, "openid") {
		scopes = append([]string{"openid"}, scopes...)
		p.addedOID = true
	}
	p.scope = strings.Join(scopes, " ")
	return p, nil
}

// oidcWellKnown is the discovery URL of an issuer (OIDC Discovery 1.0
// §4.1: the issuer with any trailing slash removed, then the well-known
// path appended).
func oidcWellKnown(issuer *url.URL) *url.URL {
	u := cloneURL(issuer)
	u.Path = strings.TrimSuffix(u.Path, "/") + "/.well-known/openid-configuration"
	u.RawPath = ""
	return u
}

// RoleDiscovery, RoleJWKS and RoleUserinfo are the roles of the oidc
// scheme's exchanges with the provider.
const (
	RoleDiscovery = "discovery"
	RoleJWKS      = "jwks"
	RoleUserinfo  = "userinfo"
)

// discover fetches (or reuses) the provider metadata and checks it.
func oidcDiscover(ctx context.Context, c *Call, p *oidcPlan) (oidcMeta, error) {
	if m, ok := c.Env.Session.Get(oidcKeyMeta).(oidcMeta); ok {
		c.Trace.Add("Reuse the provider metadata", "OIDC Discovery 1.0 §4",
			"The issuer's configuration was read earlier in this session.", Plain("issuer", m.Issuer))
		return m, nil
	}
	u := oidcWellKnown(p.issuer)
	c.Trace.Add("Discover the provider's configuration", "OIDC Discovery 1.0 §4.1, RFC 8414 §3",
		"The issuer publishes its endpoints, signing keys and algorithms at a well-known URL: the client needs only the issuer.",
		Plain("GET", u.String()))
	out := &Outgoing{Method: http.MethodGet, URL: u, Header: http.Header{"Accept": {"application/json"}}}
	resp, err := c.Do(ctx, RoleDiscovery, out)
	if err != nil {
		return oidcMeta{}, &OIDCError{Check: "discovery", Problem: fmt.Sprintf("the discovery document %s could not be fetched: %v", u, err), err: err}
	}
	if resp.Status != http.StatusOK {
		return oidcMeta{}, &OIDCError{Check: "discovery", Problem: fmt.Sprintf("GET %s answered %d %s, not the provider's configuration", u, resp.Status, http.StatusText(resp.Status))}
	}
	var m oidcMeta
	if err := json.Unmarshal(resp.Body, &m); err != nil {
		return oidcMeta{}, &OIDCError{Check: "discovery", Problem: fmt.Sprintf("the discovery document at %s is not a JSON object (OIDC Discovery 1.0 §4.2)", u)}
	}
	ok := m.Issuer == p.issuerS
	c.Trace.Add(passFail("Check the issuer of the configuration", ok), "OIDC Discovery 1.0 §4.3",
		"The issuer in the document must be exactly the issuer the client asked (no trailing-slash or case tolerance): otherwise a hostile document could name another provider's keys.",
		Plain("configured issuer", p.issuerS), Plain("document's issuer", m.Issuer))
	if !ok {
		return oidcMeta{}, &OIDCError{Check: "issuer", Problem: fmt.Sprintf("the discovery document's issuer %q is not the configured issuer %q", oauth2OneLine(m.Issuer), p.issuerS),
			Want: p.issuerS, Got: m.Issuer}
	}
	for _, e := range []struct{ name, v string }{{"token_endpoint", m.Token}, {"jwks_uri", m.JWKS}} {
		if e.v == "" {
			return oidcMeta{}, &OIDCError{Check: "discovery", Problem: "the discovery document has no " + e.name + " (OIDC Discovery 1.0 §3)"}
		}
	}
	vals := []Value{Plain("authorization_endpoint", m.Authorization), Plain("token_endpoint", m.Token),
		Plain("device_authorization_endpoint", m.Device), Plain("jwks_uri", m.JWKS), Plain("userinfo_endpoint", m.Userinfo),
		Plain("introspection_endpoint", m.Introspection), Plain("revocation_endpoint", m.Revocation),
		Plain("id_token_signing_alg_values_supported", strings.Join(m.Algs, " "))}
	note := "Every endpoint below comes from the issuer's own document; empty ones the provider does not offer."
	if tu, err := url.Parse(m.Token); err == nil && tu.Host != p.issuer.Host {
		note += " The token endpoint is on another host than the issuer (" + oauth2OneLine(tu.Host) + "): the client secret and the codes go there, on the issuer's word."
	}
	c.Trace.Add("Read the provider's endpoints", "OIDC Discovery 1.0 §3, RFC 8414 §2, RFC 8628 §4", note, vals...)
	c.Env.Session.Set(oidcKeyMeta, m)
	return m, nil
}

// passFail titles a check step.
func passFail(title string, ok bool) string {
	if ok {
		return title + ": pass"
	}
	return title + ": FAIL"
}

// oidcRun is one oidc Prepare or Answer: the discovered metadata and the
// oauth2 run built from it.
type oidcRun struct {
	c     *Call
	p     *oidcPlan
	meta  oidcMeta
	nonce string
}

// oauth2Run makes the oauth2 run for the metadata: the endpoints come from
// discovery, the client fields from the oidc fields.
func (o *oidcRun) oauth2Run() (*oauth2Run, error) {
	c := o.c.Creds
	p := &oauth2Plan{grant: c.Get("grant"), clientID: c.Get("client_id"), clientSecret: c.Get("client_secret"),
		auth: c.Get("client_auth"), scope: o.p.scope, refreshToken: c.Get("refresh_token")}
	if p.grant == "" {
		p.grant = oauth2GrantAuthorizationCode
	}
	if p.auth == "" {
		p.auth = "basic"
	}
	var err error
	if p.tokenURL, err = oidcEndpoint("token_endpoint", o.meta.Token); err != nil {
		return nil, err
	}
	switch p.grant {
	case oauth2GrantAuthorizationCode:
		if p.authURL, err = oidcEndpoint("authorization_endpoint", o.meta.Authorization); err != nil {
			return nil, err
		}
	case oauth2GrantDeviceCode:
		if p.deviceURL, err = oidcEndpoint("device_authorization_endpoint", o.meta.Device); err != nil {
			return nil, err
		}
	}
	r := &oauth2Run{c: o.c, p: p, scheme: "oidc", cacheEndpoint: o.p.issuerS, deferSave: true}
	if o.nonce != "" {
		r.authParams = [][2]string{{"nonce", o.nonce}}
		r.beforeAuthorize = func() {
			o.c.Trace.Add("Make a nonce for the ID token", "OIDC Core §3.1.2.1, §15.5.2",
				"A random value sent in the authorization request; the provider puts it in the ID token, so an ID token replayed from another sign-in is refused.",
				Plain("nonce", o.nonce))
		}
	}
	return r, nil
}

// oidcEndpoint parses an endpoint of the metadata; a missing one is the
// provider's fault and says so.
func oidcEndpoint(name, raw string) (*url.URL, error) {
	if raw == "" {
		return nil, &OIDCError{Check: "discovery", Problem: "the provider's configuration has no " + name + ", which this grant needs (OIDC Discovery 1.0 §3)"}
	}
	u, err := ParseURL(raw)
	if err != nil {
		return nil, &OIDCError{Check: "discovery", Problem: fmt.Sprintf("the provider's %s %q is not an http(s) URL", name, oauth2OneLine(raw))}
	}
	return u, nil
}

// Prepare discovers the provider, makes sure the Session holds a usable
// access token (oauth2Prepare: cached, refreshed or from the grant) and,
// when a new token came with an ID token, verifies it and reads userinfo.
func (oidcScheme) Prepare(ctx context.Context, c *Call) error {
	p, err := oidcNewPlan(c.Creds)
	if err != nil {
		return err
	}
	if p.addedOID {
		c.Trace.Add("Add openid to the scope", "OIDC Core §3.1.2.1",
			"An OpenID Connect request must contain the openid scope; without it the server runs plain OAuth 2.0 and issues no ID token.",
			Plain("scope", p.scope))
	}
	o := &oidcRun{c: c, p: p}
	if o.meta, err = oidcDiscover(ctx, c, p); err != nil {
		return err
	}
	if c.Creds.Get("grant") != oauth2GrantDeviceCode {
		if o.nonce, err = oauth2RandomString(c.Env.Rand, 16); err != nil {
			return err
		}
	}
	r, err := o.oauth2Run()
	if err != nil {
		return err
	}
	if err := oauth2Prepare(ctx, c, r); err != nil {
		return err
	}
	return o.afterToken(ctx, r)
}

// afterToken verifies the ID token and reads userinfo when r obtained a
// new token (a reused one was checked when it was obtained).
func (o *oidcRun) afterToken(ctx context.Context, r *oauth2Run) error {
	c := o.c
	if r.granted == "" {
		return nil
	}
	v, ok := c.Env.Session.Get(oauth2KeyToken).(oauth2Cached)
	if !ok {
		return nil
	}
	idt, _ := v.tok.Extra("id_token").(string)
	if idt == "" {
		if r.granted == oauth2GrantRefreshToken {
			c.Trace.Add("No new ID token with the refreshed token", "OIDC Core §12.2",
				"A refresh response may omit the ID token; the identity shown earlier still holds.")
			r.saveCached()
			return nil
		}
		c.Env.Session.Set(oauth2KeyToken, nil)
		return &OIDCError{Check: "id_token", Problem: "the token response has no id_token: the provider ran plain OAuth 2.0 (OIDC Core §3.1.3.3 makes it REQUIRED)"}
	}
	claims, err := o.verifyIDToken(ctx, idt, v.tok.AccessToken, r.granted)
	if err != nil {
		c.Env.Session.Set(oauth2KeyToken, nil) // a token that came with a bad ID token is not used
		r.forgetCached()
		return err
	}
	if err := o.userinfo(ctx, v.tok.AccessToken, claims); err != nil {
		c.Env.Session.Set(oauth2KeyToken, nil)
		r.forgetCached()
		return err
	}
	r.saveCached()
	return nil
}

// Authorize sends the access token as a Bearer token (RFC 6750 §2.1).
func (oidcScheme) Authorize(out *Outgoing, creds Credentials, env Env, tr *Trace) error {
	return oauth2Scheme{}.Authorize(out, creds, env, tr)
}

// Answer is oauth2's: a 401 invalid_token to a cached token gets a new
// token (refresh, else the grant) and one retry; a new ID token that comes
// with it is verified.
func (oidcScheme) Answer(ctx context.Context, c *Call, resp *Response) (bool, error) {
	var o *oidcRun
	var r *oauth2Run
	retry, err := oauth2Answer(ctx, c, resp, func() (*oauth2Run, error) {
		p, err := oidcNewPlan(c.Creds)
		if err != nil {
			return nil, err
		}
		o = &oidcRun{c: c, p: p}
		if o.meta, err = oidcDiscover(ctx, c, p); err != nil {
			return nil, err
		}
		if c.Creds.Get("grant") != oauth2GrantDeviceCode {
			if o.nonce, err = oauth2RandomString(c.Env.Rand, 16); err != nil {
				return nil, err
			}
		}
		r, err = o.oauth2Run()
		return r, err
	})
	if err != nil || !retry {
		return retry, err
	}
	if err := o.afterToken(ctx, r); err != nil {
		return false, err
	}
	return true, nil
}

// ExplainOffer leaves Bearer challenges to oauth2 (it answers them first).
func (oidcScheme) ExplainOffer(Challenge) (string, string, bool) { return "", "", false }

// userinfo fetches the UserInfo endpoint with the access token (OIDC Core
// §5.3.1) and checks that its sub is the ID token's (§5.3.2).
func (o *oidcRun) userinfo(ctx context.Context, accessToken string, claims map[string]any) error {
	c := o.c
	if o.meta.Userinfo == "" {
		c.Trace.Add("No userinfo endpoint", "OIDC Core §5.3", "The provider's configuration names none; the ID token's claims are all there is.")
		return nil
	}
	u, err := oidcEndpoint("userinfo_endpoint", o.meta.Userinfo)
	if err != nil {
		return err
	}
	out := &Outgoing{Method: http.MethodGet, URL: u, Header: http.Header{"Accept": {"application/json"}}}
	out.SetHeader("Authorization", "Bearer "+accessToken, "Bearer "+Mask(""))
	resp, err := c.Do(ctx, RoleUserinfo, out)
	if err != nil {
		return fmt.Errorf("userinfo endpoint (%s): %w", u.Host, err)
	}
	if resp.Status != http.StatusOK {
		c.Trace.Add("Read userinfo: FAIL", "OIDC Core §5.3.3",
			"The UserInfo endpoint refused the access token; the API call goes ahead with it anyway.",
			Plain("status", fmt.Sprintf("%d", resp.Status)), Plain("WWW-Authenticate", oauth2OneLine(resp.Header.Get("WWW-Authenticate"))))
		return nil
	}
	var ui map[string]any
	if err := json.Unmarshal(resp.Body, &ui); err != nil {
		c.Trace.Add("Read userinfo: FAIL", "OIDC Core §5.3.2", "The answer is not a JSON object (a signed userinfo JWT is not read by authlab).",
			Plain("Content-Type", oauth2OneLine(resp.Header.Get("Content-Type"))))
		return nil
	}
	sub, _ := ui["sub"].(string)
	want, _ := claims["sub"].(string)
	ok := sub != "" && sub == want
	vals := []Value{Plain("userinfo sub", sub), Plain("ID token sub", want)}
	for _, k := range sortedKeys(ui) {
		if k != "sub" {
			vals = append(vals, Plain(k, oidcClaimText(ui[k])))
		}
	}
	c.Trace.Add(passFail("Read userinfo and compare its sub", ok), "OIDC Core §5.3.2",
		"The claims about the signed-in user; sub must be the ID token's, or the answer is about someone else and must not be used.", vals...)
	if !ok {
		return &OIDCError{Check: "userinfo sub", Problem: fmt.Sprintf("userinfo's sub %q is not the ID token's sub %q (OIDC Core §5.3.2)", oauth2OneLine(sub), oauth2OneLine(want)), Want: want, Got: sub}
	}
	return nil
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// oidcClaimText renders a claim value on one line.
func oidcClaimText(v any) string {
	if s, ok := v.(string); ok {
		return oauth2OneLine(s)
	}
	b, _ := json.Marshal(v)
	return oauth2OneLine(string(b))
}

// OIDCError is an OpenID Connect check that failed: the discovery
// document, the issuer, or one check of the ID token (OIDC Core §3.1.3.7).
// Check names it ("issuer", "signature", "aud", "exp", "nonce", …); Want
// and Got are the values compared, when there are two. Got is server text.
type OIDCError struct {
	Check, Problem string
	Want, Got      string
	err            error
}

func (e *OIDCError) Error() string { return "OpenID Connect " + e.Check + ": " + e.Problem }

// Unwrap gives the transport error of an unreachable discovery document.
func (e *OIDCError) Unwrap() error { return e.err }

// errOIDC reports whether err is an OIDCError of check.
func errOIDC(err error, check string) bool {
	var oe *OIDCError
	return errors.As(err, &oe) && oe.Check == check
}

// cacheRun is an oauth2Run that only names o's token cache entry (no
// discovery: the issuer stands for the token endpoint in the key).
func (o *oidcRun) cacheRun() *oauth2Run {
	c := o.c.Creds
	p := &oauth2Plan{grant: c.Get("grant"), clientID: c.Get("client_id"), scope: o.p.scope}
	return &oauth2Run{c: o.c, p: p, scheme: "oidc", cacheEndpoint: o.p.issuerS}
}
