package practice

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

// oidcSend makes one Exchange of GET /oidc/userinfo (the API here) with
// the oidc scheme against the practice provider.
func (e *oauth2Env) oidcSend(t *testing.T, fields map[string]string) (*authn.Result, error) {
	t.Helper()
	f := map[string]string{"issuer": e.url + "/oidc", "client_id": DemoOAuth2ClientID, "client_secret": DemoOAuth2ClientSecret}
	for k, v := range fields {
		f[k] = v
	}
	req := authn.Request{URL: e.url + "/oidc/userinfo", Scheme: "oidc", Fields: f, Notify: func(n authn.Notice) {
		e.noticesMu.Lock()
		e.notices = append(e.notices, n)
		e.noticesMu.Unlock()
		if e.onNotice != nil {
			e.onNotice(n)
		}
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := e.eng.Exchange(ctx, req)
	oauth2CheckSecrets(t, res)
	return res, err
}

// oidcBrowser plays the browser of the code flow: it opens each URL the
// flow shows and follows the redirect to the loopback listener.
func oidcBrowser(t *testing.T, e *oauth2Env) {
	e.onNotice = func(n authn.Notice) {
		if n.URL == "" || n.Code != "" {
			return
		}
		go func() {
			resp, err := http.Get(n.URL)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			resp.Body.Close()
		}()
	}
}

// oidcSteps returns the titles of the trace steps.
func oidcSteps(res *authn.Result) []string {
	var out []string
	for _, s := range res.Trace.Steps {
		out = append(out, s.Title)
	}
	return out
}

// oidcClientValue is the first client trace value labelled label.
func oidcClientValue(res *authn.Result, label string) string {
	for _, s := range res.Trace.Steps {
		for _, v := range s.Values {
			if v.Label == label {
				return v.Text
			}
		}
	}
	return ""
}

// The authorization code flow with PKCE and a nonce against the practice
// provider: discovery, token (with an ID token), JWKS, userinfo, then the
// API call; every check of the ID token passes and the server's nonce and
// at_hash are the client's (the differ finds nothing).
func TestOIDCAuthCodePractice(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, true, clock, clock)
	oidcBrowser(t, e)
	res, err := e.oidcSend(t, map[string]string{"scope": "openid profile email"})
	oauth2WantOK(t, res, err, authn.RoleDiscovery, authn.RoleToken, authn.RoleJWKS, authn.RoleUserinfo, authn.RoleRequest)
	steps := oidcSteps(res)
	for _, want := range []string{"Check the issuer of the configuration: pass", "Verify the signature: pass", "Check iss: pass",
		"Check aud: pass", "Check azp: pass", "Check exp: pass", "Check iat: pass", "Check nonce: pass", "Check at_hash: pass",
		"Read userinfo and compare its sub: pass", "The ID token is valid"} {
		if !slices.Contains(steps, want) {
			t.Errorf("trace lacks step %q; steps: %q", want, steps)
		}
	}
	st := oauth2ServerTrace(t, res, 1)
	if n := oidcClientValue(res, "nonce"); n == "" || st["id_token nonce"] != n {
		t.Errorf("server's ID token nonce %q; client sent %q", st["id_token nonce"], n)
	}
	if h := oidcClientValue(res, "computed"); h == "" || st["id_token at_hash"] != h {
		t.Errorf("server's at_hash %q; client computed %q", st["id_token at_hash"], h)
	}
	tr, _ := DecodeTrace(res.Exchanges[1].Response.Header.Get(TraceHeader))
	if d := Compare(res.Trace, tr); len(d) != 0 {
		t.Errorf("Compare found differences in an agreeing flow: %+v", d)
	}
	if body := string(res.Final().Response.Body); !strings.Contains(body, DemoOIDCEmail) {
		t.Errorf("userinfo answer %s lacks the email claim", body)
	}
	// The second send reuses the token and the metadata: one exchange.
	res, err = e.oidcSend(t, map[string]string{"scope": "openid profile email"})
	oauth2WantOK(t, res, err, authn.RoleRequest)
}

// The device grant against the practice provider: no nonce (the grant has
// no authorization request), the ID token verified all the same.
func TestOIDCDevicePractice(t *testing.T) {
	clock := oauth2NewClock(20)
	e := oauth2Setup(t, true, clock, clock)
	res, err := e.oidcSend(t, map[string]string{"grant": "device_code", "client_id": DemoOAuth2PublicClientID, "client_secret": ""})
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	steps := oidcSteps(res)
	for _, want := range []string{"Verify the signature: pass", "Check nonce: not applicable", "Check at_hash: pass", "The ID token is valid"} {
		if !slices.Contains(steps, want) {
			t.Errorf("trace lacks step %q; steps %q", want, steps)
		}
	}
	if roles := oauth2Roles(res); roles[0] != authn.RoleDiscovery || roles[len(roles)-1] != authn.RoleRequest || !slices.Contains(roles, authn.RoleJWKS) {
		t.Errorf("roles = %q", roles)
	}
}

// Key rotation: after two rotations the signing key is one the client's
// cached JWKS has never seen; when the token is refreshed (both clocks past
// its hour), the new ID token's kid makes the client fetch the JWKS once
// more, and it verifies. One rotation alone needs no refetch: the next key
// was published ahead.
func TestOIDCKeyRotationRefetchesJWKS(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, true, clock, clock)
	oidcBrowser(t, e)
	res, err := e.oidcSend(t, nil)
	oauth2WantOK(t, res, err, authn.RoleDiscovery, authn.RoleToken, authn.RoleJWKS, authn.RoleUserinfo, authn.RoleRequest)
	for range 2 {
		resp, err := http.Post(e.url+"/oidc/rotate", "", nil)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("rotate: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	clock.Advance(2 * time.Hour)
	res, err = e.oidcSend(t, nil)
	oauth2WantOK(t, res, err, authn.RoleToken, authn.RoleJWKS, authn.RoleUserinfo, authn.RoleRequest)
	steps := oidcSteps(res)
	for _, want := range []string{"Refresh the access token", "The key is not in the JWKS read earlier: fetch it again", "Verify the signature: pass", "Check nonce: not applicable"} {
		if !slices.Contains(steps, want) {
			t.Errorf("trace lacks step %q; steps %q", want, steps)
		}
	}
	if kid := oauth2ServerTrace(t, res, 0)["id_token kid"]; kid != "practice-3" {
		t.Errorf("signing kid after two rotations = %q; want practice-3", kid)
	}
}

// The JWKS keeps the retired key for oidcRetiredKeep, then drops it.
func TestOIDCJWKSKeepsRetiredKey(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, true, clock, clock)
	kids := func() []string {
		resp, err := http.Get(e.url + "/oidc/jwks")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var set struct{ Keys []oidcJWK }
		json.NewDecoder(resp.Body).Decode(&set)
		var out []string
		for _, k := range set.Keys {
			out = append(out, k.Kid)
		}
		return out
	}
	tests := []struct {
		name    string
		do      func()
		want    []string
		comment string
	}{
		{"initial", func() {}, []string{"practice-1", "practice-2"}, "signing and next"},
		{"rotated", func() { http.Post(e.url+"/oidc/rotate", "", nil) }, []string{"practice-2", "practice-3", "practice-1"}, "next signs, new next, old kept"},
		{"later", func() { clock.Advance(oidcRetiredKeep + time.Second) }, []string{"practice-2", "practice-3"}, "retired key dropped"},
	}
	for _, tt := range tests {
		tt.do()
		if got := kids(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: JWKS kids = %q; want %q (%s)", tt.name, got, tt.want, tt.comment)
		}
	}
}

// Provider-styled errors of the /oidc endpoints (RFC 6749 §5.2, OIDC Core
// §3.1.2.6, RFC 7662, RFC 7009, OIDC Core §5.3.3).
func TestOIDCPracticeErrors(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, false, clock, clock)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	auth := func(q string) string {
		return e.url + "/oidc/authorize?response_type=code&client_id=demo-public-client&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&state=s&code_challenge=" +
			strings.Repeat("a", 43) + "&code_challenge_method=S256&" + q
	}
	form := func(path string, v url.Values, basic bool) *http.Request {
		r, _ := http.NewRequest("POST", e.url+path, strings.NewReader(v.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if basic {
			r.SetBasicAuth(DemoOAuth2ClientID, DemoOAuth2ClientSecret)
		}
		return r
	}
	get := func(u, bearer string) *http.Request {
		r, _ := http.NewRequest("GET", u, nil)
		if bearer != "" {
			r.Header.Set("Authorization", "Bearer "+bearer)
		}
		return r
	}
	tests := []struct {
		name      string
		req       *http.Request
		status    int
		inBody    string // in the JSON body
		inHeader  string // in Location or WWW-Authenticate
		headerKey string
	}{
		{"no openid scope", get(auth("scope=profile"), ""), 302, "", "error=invalid_scope", "Location"},
		{"unknown scope", get(auth("scope=openid+admin"), ""), 302, "", "error=invalid_scope", "Location"},
		{"prompt none", get(auth("scope=openid&prompt=none"), ""), 302, "", "error=consent_required", "Location"},
		{"token unknown code", form("/oidc/token", url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "code_verifier": {strings.Repeat("v", 43)}}, true), 400, `"error":"invalid_grant"`, "", ""},
		{"introspect without client", form("/oidc/introspect", url.Values{"token": {"x"}}, false), 401, `"error":"invalid_client"`, "Basic", "WWW-Authenticate"},
		{"introspect unknown token", form("/oidc/introspect", url.Values{"token": {"at-unknown"}}, true), 200, `"active":false`, "", ""},
		{"introspect no token", form("/oidc/introspect", url.Values{}, true), 400, `"error":"invalid_request"`, "", ""},
		{"revoke unknown token", form("/oidc/revoke", url.Values{"token": {"at-unknown"}}, true), 200, "", "", ""},
		{"userinfo no token", get(e.url+"/oidc/userinfo", ""), 401, "", `Bearer realm=`, "WWW-Authenticate"},
		{"userinfo bad token", get(e.url+"/oidc/userinfo", "at-nope"), 401, "", `error="invalid_token"`, "WWW-Authenticate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := noRedirect.Do(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b strings.Builder
			buf := make([]byte, 4096)
			n, _ := resp.Body.Read(buf)
			b.Write(buf[:n])
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d; want %d (%s)", resp.StatusCode, tt.status, b.String())
			}
			if tt.inBody != "" && !strings.Contains(b.String(), tt.inBody) {
				t.Errorf("body %s lacks %s", b.String(), tt.inBody)
			}
			if tt.headerKey != "" && !strings.Contains(resp.Header.Get(tt.headerKey), tt.inHeader) {
				t.Errorf("%s = %q; want it to contain %q", tt.headerKey, resp.Header.Get(tt.headerKey), tt.inHeader)
			}
		})
	}
}

// The discovery document names every endpoint under the issuer the client
// reached, and the issuer is that URL exactly (OIDC Discovery 1.0 §4.3).
func TestOIDCDiscoveryDocument(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, false, clock, clock)
	resp, err := http.Get(e.url + "/oidc/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d oidcDiscoveryDoc
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
		t.Fatal(err)
	}
	iss := e.url + "/oidc"
	for name, got := range map[string]string{"issuer": d.Issuer, "token": d.Token, "jwks": d.JWKS, "userinfo": d.Userinfo, "introspection": d.Introspection, "revocation": d.Revocation, "device": d.Device, "authorization": d.Authorization} {
		if !strings.HasPrefix(got, iss) {
			t.Errorf("%s = %q; want it under %q", name, got, iss)
		}
	}
	if d.Issuer != iss || !slices.Contains(d.Algs, "RS256") || !slices.Contains(d.PKCE, "S256") {
		t.Errorf("discovery = %+v", d)
	}
}

// oidcRequest is the request oidcSend makes, for TokenAction.
func (e *oauth2Env) oidcRequest(fields map[string]string) authn.Request {
	f := map[string]string{"issuer": e.url + "/oidc", "client_id": DemoOAuth2ClientID, "client_secret": DemoOAuth2ClientSecret}
	for k, v := range fields {
		f[k] = v
	}
	return authn.Request{URL: e.url + "/oidc/userinfo", Scheme: "oidc", Fields: f, Notify: func(n authn.Notice) {
		if e.onNotice != nil {
			e.onNotice(n)
		}
	}}
}

// oidcRawIntrospect asks /oidc/introspect about token directly.
func oidcRawIntrospect(t *testing.T, e *oauth2Env, token string) map[string]any {
	t.Helper()
	r, _ := http.NewRequest("POST", e.url+"/oidc/introspect", strings.NewReader(url.Values{"token": {token}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetBasicAuth(DemoOAuth2ClientID, DemoOAuth2ClientSecret)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return m
}

// Introspection and revocation as actions on the session's token:
// introspect says active with the token's subject; revoke drops it from the
// session and the provider then calls it inactive; the next send signs in
// again.
func TestOIDCIntrospectAndRevoke(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, true, clock, clock)
	oidcBrowser(t, e)
	req := e.oidcRequest(map[string]string{"scope": "openid email"})
	ctx := context.Background()
	res, err := e.eng.TokenAction(ctx, req, authn.ActionIntrospect, false)
	if err != nil {
		t.Fatalf("introspect: %v", err)
	}
	if got := oauth2Roles(res); !slices.Equal(got, []string{authn.RoleDiscovery, authn.RoleToken, authn.RoleJWKS, authn.RoleUserinfo, authn.RoleIntrospect}) {
		t.Errorf("introspect roles = %q", got)
	}
	if v := oidcClientValue(res, "active"); v != "true" || oidcClientValue(res, "sub") != DemoUser {
		t.Errorf("introspection trace active %q sub %q; want true and %s", v, oidcClientValue(res, "sub"), DemoUser)
	}
	oauth2CheckSecrets(t, res)
	var at string
	for _, ex := range res.Exchanges {
		if ex.Role == authn.RoleToken {
			var m map[string]any
			json.Unmarshal(ex.Response.Body, &m)
			at, _ = m["access_token"].(string)
		}
	}
	res, err = e.eng.TokenAction(ctx, req, authn.ActionRevoke, false)
	if err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if got := oauth2Roles(res); !slices.Equal(got, []string{authn.RoleRevoke}) {
		t.Errorf("revoke roles = %q; want only the revocation (token and metadata cached)", got)
	}
	if m := oidcRawIntrospect(t, e, at); m["active"] != false {
		t.Errorf("after revocation the provider says %v; want active false", m)
	}
	res, err = e.oidcSend(t, map[string]string{"scope": "openid email"})
	if err != nil {
		t.Fatal(err)
	}
	if roles := oauth2Roles(res); roles[0] != authn.RoleToken || !slices.Contains(steps(res), "Refresh the access token") {
		t.Errorf("after revoking the access token the send did %q, steps %q; want a refresh", roles, steps(res))
	}
}

func steps(res *authn.Result) []string { return oidcSteps(res) }

// The token lifecycle on the OpenID provider: a revoked access token is
// answered 401 invalid_token by the API, refreshed once and the request
// retried; a revoked refresh token is refused invalid_grant and the flow
// falls back to the interactive grant, with a trace step saying so.
func TestOIDCLifecycleInvalidTokenAndInvalidGrant(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, true, clock, clock)
	oidcBrowser(t, e)
	fields := map[string]string{"scope": "openid email"}
	res, err := e.oidcSend(t, fields)
	if err != nil {
		t.Fatal(err)
	}
	var at, rt string
	for _, ex := range res.Exchanges {
		if ex.Role == authn.RoleToken {
			var m map[string]any
			json.Unmarshal(ex.Response.Body, &m)
			at, _ = m["access_token"].(string)
			rt, _ = m["refresh_token"].(string)
		}
	}
	revoke := func(tok string) {
		r, _ := http.NewRequest("POST", e.url+"/oidc/revoke", strings.NewReader(url.Values{"token": {tok}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetBasicAuth(DemoOAuth2ClientID, DemoOAuth2ClientSecret)
		resp, err := http.DefaultClient.Do(r)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("revoke: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	// The provider forgets the access token behind authlab's back.
	revoke(at)
	res, err = e.oidcSend(t, fields)
	oauth2WantOK(t, res, err, authn.RoleRequest, authn.RoleToken, authn.RoleUserinfo, authn.RoleRetry)
	for _, want := range []string{"The API refused the cached token", "Refresh the access token"} {
		if !slices.Contains(steps(res), want) {
			t.Errorf("trace lacks %q; steps %q", want, steps(res))
		}
	}
	// Now the refresh token too; the access token expires.
	revoke(rt)
	clock.Advance(2 * time.Hour)
	res, err = e.oidcSend(t, fields)
	if err != nil {
		t.Fatalf("fallback to the code grant: %v", err)
	}
	for _, want := range []string{"Refresh the access token", "The refresh token was refused: run the grant again", "Check nonce: pass"} {
		if !slices.Contains(steps(res), want) {
			t.Errorf("trace lacks %q; steps %q", want, steps(res))
		}
	}
}

// The oidc differ names the first difference: a PKCE challenge the server
// stored differently, then a nonce, then at_hash; agreeing values give none.
func TestOIDCDiffNamesFirstDifference(t *testing.T) {
	client := func(vals ...authn.Value) authn.Trace { return authn.Trace{Steps: []authn.Step{{Values: vals}}} }
	server := func(kv ...string) ServerTrace {
		st := ServerTrace{Scheme: "oidc"}
		for i := 0; i+1 < len(kv); i += 2 {
			st.Values = append(st.Values, TraceValue{Label: kv[i], Value: kv[i+1]})
		}
		return st
	}
	tests := []struct {
		name   string
		client authn.Trace
		server ServerTrace
		want   string // label of the first difference, "" for none
	}{
		{"agree", client(authn.Plain("code_challenge", "abc"), authn.Plain("nonce", "n1")), server("stored code_challenge", "abc", "code_challenge", "abc", "id_token nonce", "n1"), ""},
		{"challenge changed on the way", client(authn.Plain("code_challenge", "abc"), authn.Plain("nonce", "n1")), server("stored code_challenge", "abd", "id_token nonce", "n2"), "code_challenge"},
		{"nonce", client(authn.Plain("nonce", "n1")), server("id_token nonce", "n2"), "nonce"},
		{"at_hash", client(authn.Plain("computed", "h1")), server("id_token at_hash", "h2"), "computed"},
	}
	for _, tt := range tests {
		d, ok := First(tt.client, tt.server)
		if got := map[bool]string{true: d.Label, false: ""}[ok]; got != tt.want {
			t.Errorf("%s: first difference %q (%+v); want %q", tt.name, got, d, tt.want)
		}
	}
}
