package practice

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

// oauth2Clock is a clock seam shared by the engine and the practice server:
// it runs speed times faster than real time, and Advance jumps it.
type oauth2Clock struct {
	mu     sync.Mutex
	base   time.Time
	start  time.Time
	speed  float64
	offset time.Duration
}

func oauth2NewClock(speed float64) *oauth2Clock {
	return &oauth2Clock{base: time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC), start: time.Now(), speed: speed}
}

func (c *oauth2Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.base.Add(time.Duration(float64(time.Since(c.start))*c.speed) + c.offset)
}

func (c *oauth2Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// oauth2Env is a practice server in httptest and an engine, with their
// clocks.
type oauth2Env struct {
	url       string
	eng       *authn.Engine
	engClock  *oauth2Clock
	srvClock  *oauth2Clock
	notices   []authn.Notice
	noticesMu sync.Mutex
	onNotice  func(authn.Notice)
}

func oauth2Setup(t *testing.T, autoApprove bool, engClock, srvClock *oauth2Clock) *oauth2Env {
	t.Helper()
	s := New(Options{Now: srvClock.Now, AutoApprove: autoApprove})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	eng := authn.New(authn.Options{Now: engClock.Now, Timeout: 5 * time.Second})
	t.Cleanup(eng.Close)
	return &oauth2Env{url: hs.URL, eng: eng, engClock: engClock, srvClock: srvClock}
}

// send makes one Exchange of GET /oauth2/me with the oauth2 scheme.
func (e *oauth2Env) send(t *testing.T, fields map[string]string) (*authn.Result, error) {
	t.Helper()
	f := map[string]string{"token_url": e.url + "/oauth2/token", "client_id": DemoOAuth2ClientID, "client_secret": DemoOAuth2ClientSecret}
	for k, v := range fields {
		f[k] = v
	}
	req := authn.Request{URL: e.url + "/oauth2/me", Scheme: "oauth2", Fields: f, Notify: func(n authn.Notice) {
		e.noticesMu.Lock()
		e.notices = append(e.notices, n)
		e.noticesMu.Unlock()
		if e.onNotice != nil {
			e.onNotice(n)
		}
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := e.eng.Exchange(ctx, req)
	oauth2CheckSecrets(t, res)
	return res, err
}

func oauth2Roles(res *authn.Result) []string {
	var out []string
	for _, ex := range res.Exchanges {
		out = append(out, ex.Role)
	}
	return out
}

// oauth2CheckSecrets asserts that every token a token endpoint issued is
// marked secret and appears in no trace value as shown unrevealed.
func oauth2CheckSecrets(t *testing.T, res *authn.Result) {
	t.Helper()
	secrets := res.ResponseSecrets()
	for _, ex := range res.Exchanges {
		if ex.Role != authn.RoleToken || ex.Response == nil || ex.Response.Status != 200 {
			continue
		}
		var body map[string]any
		if json.Unmarshal(ex.Response.Body, &body) != nil {
			continue
		}
		for _, k := range []string{"access_token", "refresh_token", "device_code"} {
			if v, ok := body[k].(string); ok && !slices.Contains(secrets, v) {
				t.Errorf("%s %q of a token response is not in Response.Secrets", k, v)
			}
		}
	}
	for _, st := range res.Trace.Steps {
		for _, v := range st.Values {
			shown := v.Shown(false)
			for _, s := range secrets {
				if strings.Contains(shown, s) {
					t.Errorf("trace step %q value %q shows secret %q", st.Title, v.Label, s)
				}
			}
		}
	}
}

// oauth2ServerTrace decodes the practice trace of exchange i.
func oauth2ServerTrace(t *testing.T, res *authn.Result, i int) map[string]string {
	t.Helper()
	tr, err := DecodeTrace(res.Exchanges[i].Response.Header.Get(TraceHeader))
	if err != nil {
		t.Fatalf("exchange %d: %v", i, err)
	}
	m := map[string]string{"verdict": tr.Verdict}
	for _, v := range tr.Values {
		m[v.Label] = v.Value
	}
	return m
}

func oauth2WantOK(t *testing.T, res *authn.Result, err error, roles ...string) {
	t.Helper()
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if got := oauth2Roles(res); !slices.Equal(got, roles) {
		t.Fatalf("roles = %q; want %q", got, roles)
	}
	if st := res.Final().Response.Status; st != 200 {
		t.Fatalf("final status = %d (%s); want 200", st, res.Final().Response.Body)
	}
}

func oauth2HasStep(res *authn.Result, substr string) bool {
	for _, st := range res.Trace.Steps {
		if strings.Contains(st.Title, substr) {
			return true
		}
	}
	return false
}

func TestOAuth2ClientCredentialsBasicAndBody(t *testing.T) {
	for _, auth := range []string{"basic", "body"} {
		clock := oauth2NewClock(1)
		e := oauth2Setup(t, false, clock, clock)
		res, err := e.send(t, map[string]string{"client_auth": auth, "scope": "read write"})
		oauth2WantOK(t, res, err, authn.RoleToken, authn.RoleRequest)
		st := oauth2ServerTrace(t, res, 0)
		if st["client authentication"] != auth || st["grant_type"] != "client_credentials" || st["client_secret length"] != "18" {
			t.Errorf("%s: server trace = %v; want client authentication %s, client_credentials, secret length 18", auth, st, auth)
		}
		tokReq := res.Exchanges[0].Request
		hasBasic := strings.HasPrefix(tokReq.Header.Get("Authorization"), "Basic ")
		hasBody := strings.Contains(string(tokReq.Body), "client_secret=")
		if hasBasic != (auth == "basic") || hasBody != (auth == "body") {
			t.Errorf("%s: token request Basic=%v body secret=%v", auth, hasBasic, hasBody)
		}
		for _, c := range tokReq.Credentials {
			if (c.Name == "client_secret" || c.Name == "Authorization") && strings.Contains(c.Masked, DemoOAuth2ClientSecret) {
				t.Errorf("%s: credential %s masked as %q", auth, c.Name, c.Masked)
			}
		}
		var me oauth2MeBody
		json.Unmarshal(res.Final().Response.Body, &me)
		if me.Subject != DemoOAuth2ClientID || me.Scope != "read write" {
			t.Errorf("%s: /oauth2/me = %+v; want sub demo-client, scope \"read write\"", auth, me)
		}
		if got := res.Final().Request.DisplayHeader(false).Get("Authorization"); strings.Contains(got, "at-") {
			t.Errorf("%s: API request shows the token: %q", auth, got)
		}
	}
}

// The token is cached in the engine's session: the second Exchange makes
// no token request.
func TestOAuth2TokenCachedAcrossExchanges(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, false, clock, clock)
	res, err := e.send(t, nil)
	oauth2WantOK(t, res, err, authn.RoleToken, authn.RoleRequest)
	res, err = e.send(t, nil)
	oauth2WantOK(t, res, err, authn.RoleRequest)
	if !oauth2HasStep(res, "Reuse the cached access token") {
		t.Errorf("second trace lacks the cache step")
	}
}

// A short-lived token (scope short, 2 s) is refreshed after both clocks
// move past its expiry; the password grant's trace warns it is legacy.
func TestOAuth2PasswordThenRefreshAfterExpiry(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, false, clock, clock)
	fields := map[string]string{"grant": "password", "username": DemoUser, "password": DemoPassword, "scope": "short"}
	res, err := e.send(t, fields)
	oauth2WantOK(t, res, err, authn.RoleToken, authn.RoleRequest)
	if !oauth2HasStep(res, "password grant is legacy") {
		t.Errorf("password trace lacks the legacy warning")
	}
	if c := res.Exchanges[0].Request.Credentials; !slices.ContainsFunc(c, func(c authn.Credential) bool { return c.Name == "password" && c.Masked != c.Value }) {
		t.Errorf("password not recorded as a masked credential: %+v", c)
	}
	clock.Advance(3 * time.Second)
	res, err = e.send(t, fields)
	oauth2WantOK(t, res, err, authn.RoleToken, authn.RoleRequest)
	if st := oauth2ServerTrace(t, res, 0); st["grant_type"] != "refresh_token" {
		t.Errorf("after expiry the token request was %q; want refresh_token", st["grant_type"])
	}
	if !oauth2HasStep(res, "Refresh the access token") {
		t.Errorf("trace lacks the refresh step")
	}
}

// Only the server's clock moved: the engine still trusts its cached token,
// the API answers 401 invalid_token, and Answer refreshes and retries once.
func TestOAuth2InvalidTokenRefreshesAndRetries(t *testing.T) {
	engClock, srvClock := oauth2NewClock(1), oauth2NewClock(1)
	e := oauth2Setup(t, false, engClock, srvClock)
	fields := map[string]string{"grant": "password", "username": DemoUser, "password": DemoPassword, "scope": "short"}
	res, err := e.send(t, fields)
	oauth2WantOK(t, res, err, authn.RoleToken, authn.RoleRequest)
	srvClock.Advance(3 * time.Second)
	res, err = e.send(t, fields)
	oauth2WantOK(t, res, err, authn.RoleRequest, authn.RoleToken, authn.RoleRetry)
	if res.Exchanges[0].Response.Status != 401 {
		t.Errorf("first API answer = %d; want 401", res.Exchanges[0].Response.Status)
	}
}

func TestOAuth2RefreshTokenGrant(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, false, clock, clock)
	res, err := e.send(t, map[string]string{"grant": "refresh_token", "refresh_token": DemoOAuth2RefreshToken, "client_auth": "body"})
	oauth2WantOK(t, res, err, authn.RoleToken, authn.RoleRequest)
	if c := res.Exchanges[0].Request.Credentials; !slices.ContainsFunc(c, func(c authn.Credential) bool { return c.Name == "refresh_token" && c.Masked != c.Value }) {
		t.Errorf("refresh_token not recorded as a masked credential: %+v", c)
	}
}

// The device flow against the practice server, with clocks running 20
// times faster: poll 1 authorization_pending, poll 2 slow_down (interval
// 1 s → 6 s), poll 3 approved (AutoApprove).
func TestOAuth2DeviceFlowPendingSlowDown(t *testing.T) {
	clock := oauth2NewClock(20)
	e := oauth2Setup(t, true, clock, clock)
	start := time.Now()
	res, err := e.send(t, map[string]string{"grant": "device_code", "device_auth_url": e.url + "/oauth2/device", "client_id": DemoOAuth2PublicClientID, "client_secret": ""})
	oauth2WantOK(t, res, err, authn.RoleToken, authn.RoleToken, authn.RoleToken, authn.RoleToken, authn.RoleRequest)
	// at real speed the two waits alone take 7 s (1 s, then 6 s): under
	// 6.5 s proves the clock seam is used, with room for a loaded machine
	if d := time.Since(start); d > 6500*time.Millisecond {
		t.Errorf("device flow took %s; want under 6.5 s (7 s at real speed)", d)
	}
	for _, want := range []string{"Poll 1: authorization_pending", "Poll 2: slow_down", "Poll 3: approved"} {
		if !oauth2HasStep(res, want) {
			t.Errorf("trace lacks step %q", want)
		}
	}
	if st := oauth2ServerTrace(t, res, 3); st["interval"] != "6s" {
		t.Errorf("third poll's server interval = %q; want 6s after slow_down", st["interval"])
	}
	e.noticesMu.Lock()
	defer e.noticesMu.Unlock()
	if len(e.notices) < 2 || !regexp.MustCompile(`^[B-Z]{4}-[B-Z]{4}$`).MatchString(e.notices[0].Code) ||
		!strings.Contains(e.notices[0].URL, "/oauth2/device/verify?user_code=") || e.notices[0].Deadline.IsZero() || !e.notices[len(e.notices)-1].Done {
		t.Errorf("notices = %+v; want a user code, the verification URL, a deadline, then Done", e.notices)
	}
}

// Without AutoApprove the user denies on the verification page: the flow
// stops with access_denied in Prepare's error.
func TestOAuth2DeviceFlowDenied(t *testing.T) {
	clock := oauth2NewClock(20)
	e := oauth2Setup(t, false, clock, clock)
	e.onNotice = func(n authn.Notice) {
		if n.Code == "" {
			return
		}
		go http.PostForm(e.url+"/oauth2/device/verify", url.Values{"user_code": {strings.ToLower(n.Code)}, "decision": {"deny"}})
	}
	_, err := e.send(t, map[string]string{"grant": "device_code", "device_auth_url": e.url + "/oauth2/device"})
	if err == nil || !strings.Contains(err.Error(), "access_denied") {
		t.Fatalf("Exchange error = %v; want access_denied", err)
	}
}

// The authorization code grant with PKCE: the Notify callback plays the
// browser, the practice server (AutoApprove) redirects to the loopback
// listener, and the server's PKCE check matches.
func TestOAuth2AuthorizationCodePKCE(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, true, clock, clock)
	browser := make(chan error, 1)
	e.onNotice = func(n authn.Notice) {
		if n.URL == "" {
			return
		}
		go func() {
			resp, err := http.Get(n.URL) // follows the 302 to 127.0.0.1:PORT/callback
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != 200 {
					err = &url.Error{Op: "GET", URL: resp.Request.URL.String(), Err: http.ErrNotSupported}
				}
			}
			browser <- err
		}()
	}
	res, err := e.send(t, map[string]string{"grant": "authorization_code", "auth_url": e.url + "/oauth2/authorize", "scope": "read"})
	oauth2WantOK(t, res, err, authn.RoleToken, authn.RoleRequest)
	if err := <-browser; err != nil {
		t.Errorf("browser: %v", err)
	}
	st := oauth2ServerTrace(t, res, 0)
	if st["PKCE"] != "match" || st["code_challenge"] != st["stored code_challenge"] || st["code_challenge"] == "" {
		t.Errorf("server PKCE trace = %v; want a match", st)
	}
	var client string
	for _, step := range res.Trace.Steps {
		for _, v := range step.Values {
			if v.Label == "code_challenge" {
				client = v.Text
			}
		}
	}
	if client != st["code_challenge"] {
		t.Errorf("client code_challenge %q; server computed %q", client, st["code_challenge"])
	}
}

// A wrong client secret: 401 invalid_client with a Basic challenge, an
// error naming it, and a hint suggesting the other client_auth.
func TestOAuth2WrongSecretInvalidClient(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, false, clock, clock)
	res, err := e.send(t, map[string]string{"client_secret": "wrong-secret"})
	const want = "token endpoint refused the client_credentials request: 401 invalid_client: Client authentication failed: wrong client_secret"
	if err == nil || err.Error() != want {
		t.Fatalf("Exchange error = %v; want %q", err, want)
	}
	fin := res.Final()
	if fin.Role != authn.RoleToken || fin.Response.Status != 401 || !strings.HasPrefix(fin.Response.Header.Get("WWW-Authenticate"), "Basic ") {
		t.Fatalf("final exchange = %s %d %q; want the token request, 401 with a Basic challenge", fin.Role, fin.Response.Status, fin.Response.Header.Get("WWW-Authenticate"))
	}
	if len(res.Hints) == 0 || res.Hints[0].Title != "OAuth token error · invalid_client" || !strings.Contains(res.Hints[0].Checks[0], "client_auth=body") {
		t.Errorf("hints = %+v; want invalid_client first, suggesting client_auth=body", res.Hints)
	}
}

// token_url pointing at the API: the hint says so.
func TestOAuth2TokenURLIsTheAPI(t *testing.T) {
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, false, clock, clock)
	res, err := e.send(t, map[string]string{"token_url": e.url + "/bearer"})
	if err == nil {
		t.Fatal("Exchange succeeded; want an error")
	}
	found := false
	for _, h := range res.Hints {
		found = found || h.Title == "token_url answered like an API, not a token endpoint"
	}
	if !found {
		t.Errorf("hints = %+v; want the token_url hint", res.Hints)
	}
}

var oauth2EndpointTests = []struct {
	name, method, path, auth, body string
	status                         int
	code                           string
}{
	{"unsupported grant", "POST", "/oauth2/token", "basic", "grant_type=magic", 400, "unsupported_grant_type"},
	{"public client_credentials", "POST", "/oauth2/token", "", "grant_type=client_credentials&client_id=demo-public-client", 400, "unauthorized_client"},
	{"unknown client", "POST", "/oauth2/token", "", "grant_type=client_credentials&client_id=nobody&client_secret=x", 401, "invalid_client"},
	{"two client auth methods", "POST", "/oauth2/token", "basic", "grant_type=client_credentials&client_secret=demo-client-secret", 400, "invalid_request"},
	{"bad scope", "POST", "/oauth2/token", "basic", "grant_type=client_credentials&scope=admin", 400, "invalid_scope"},
	{"repeated parameter", "POST", "/oauth2/token", "basic", "grant_type=client_credentials&scope=read&scope=read", 400, "invalid_request"},
	{"wrong password", "POST", "/oauth2/token", "basic", "grant_type=password&username=demo&password=nope", 400, "invalid_grant"},
	{"unknown code", "POST", "/oauth2/token", "basic", "grant_type=authorization_code&code=x&redirect_uri=http://127.0.0.1/cb&code_verifier=" + strings.Repeat("a", 43), 400, "invalid_grant"},
	{"no token", "GET", "/oauth2/me", "", "", 401, ""},
	{"unknown token", "GET", "/oauth2/me", "bearer", "", 401, "invalid_token"},
}

func TestOAuth2PracticeEndpointErrors(t *testing.T) {
	hs := httptest.NewServer(New(Options{}).Handler())
	defer hs.Close()
	for _, tt := range oauth2EndpointTests {
		req, _ := http.NewRequest(tt.method, hs.URL+tt.path, strings.NewReader(tt.body))
		if tt.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		switch tt.auth {
		case "basic":
			req.SetBasicAuth(DemoOAuth2ClientID, DemoOAuth2ClientSecret)
		case "bearer":
			req.Header.Set("Authorization", "Bearer at-nope")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Error string }
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || body.Error != tt.code {
			t.Errorf("%s: %s %s = %d %q; want %d %q", tt.name, tt.method, tt.path, resp.StatusCode, body.Error, tt.status, tt.code)
		}
		if tt.path == "/oauth2/token" && resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control = %q; want no-store", tt.name, resp.Header.Get("Cache-Control"))
		}
		if tt.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tt.name)
		}
	}
}

var oauth2AuthorizeTests = []struct {
	name, query, wantError string
}{
	{"plain PKCE refused", "code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=plain", "invalid_request"},
	{"missing method means plain", "code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "invalid_request"},
	{"no PKCE", "", "invalid_request"},
	{"S256 approved", "code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256", ""},
}

// The authorization endpoint requires PKCE S256 and redirects errors back
// to the loopback redirect URI with the state.
func TestOAuth2AuthorizeRequiresS256(t *testing.T) {
	hs := httptest.NewServer(New(Options{AutoApprove: true}).Handler())
	defer hs.Close()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range oauth2AuthorizeTests {
		u := hs.URL + "/oauth2/authorize?response_type=code&client_id=demo-public-client&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&state=xyz&" + tt.query
		resp, err := noFollow.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		q := loc.Query()
		if resp.StatusCode != 302 || q.Get("error") != tt.wantError || q.Get("state") != "xyz" || (tt.wantError == "") != (q.Get("code") != "") {
			t.Errorf("%s: %d Location %q; want 302 with error %q and state xyz", tt.name, resp.StatusCode, loc, tt.wantError)
		}
	}
	resp, err := noFollow.Get(hs.URL + "/oauth2/authorize?response_type=code&client_id=demo-client&redirect_uri=https%3A%2F%2Fevil.example%2Fcb")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("Location") != "" {
		t.Errorf("non-loopback redirect_uri: %d Location %q; want 400 and no redirect", resp.StatusCode, resp.Header.Get("Location"))
	}
}
