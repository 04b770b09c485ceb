package practice

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// registeredRedirectTests: the demo clients registered
// http://127.0.0.1/callback and http://[::1]/callback; RFC 8252 §7.3 lets
// only the port vary.
var registeredRedirectTests = []struct {
	uri  string
	want bool
}{
	{"http://127.0.0.1:49152/callback", true},
	{"http://[::1]:8080/callback", true},
	{"http://127.0.0.1/callback", true},
	{"http://127.0.0.1:9/other", false},
	{"http://127.0.0.1:9/callback/", false},
	{"http://127.0.0.1:9/callback/../callback", false},
	{"http://127.0.0.1:9/%63allback", false},
	{"http://127.0.0.1:9/callback?next=/evil", false},
	{"http://127.0.0.1:9/callback#x", false},
	{"http://127.0.0.1:9/callback?", false},
	{"http://localhost:9/callback", false},
	{"http://127.0.0.2:9/callback", false},
	{"http://[::ffff:127.0.0.1]:9/callback", false},
	{"https://127.0.0.1:9/callback", false},
	{"http://user@127.0.0.1:9/callback", false},
	{"http://127.0.0.1:/callback", false},
	{"http://127.0.0.1:0/callback", false},
	{"http://127.0.0.1:65536/callback", false},
	{"http://127.0.0.1:09/callback", false},
	{"https://evil.example/callback", false},
	{"//127.0.0.1:9/callback", false},
	{"", false},
}

func TestRegisteredRedirect(t *testing.T) {
	for _, tt := range registeredRedirectTests {
		if got := registeredRedirect(tt.uri); got != tt.want {
			t.Errorf("registeredRedirect(%q) = %v; want %v", tt.uri, got, tt.want)
		}
	}
}

// TestOAuth2AuthorizeRegisteredRedirect: /oauth2/authorize redirects only
// to a registered redirect URI, and otherwise answers the RFC 6749 §4.1.2.1
// page (400, no Location) naming what is allowed; the approve page says
// where the answer goes and why.
func TestOAuth2AuthorizeRegisteredRedirect(t *testing.T) {
	auto := httptest.NewServer(New(Options{AutoApprove: true}).Handler())
	defer auto.Close()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const pkce = "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=s"
	for _, tt := range registeredRedirectTests {
		if tt.uri == "" {
			continue
		}
		resp, err := noFollow.Get(auto.URL + "/oauth2/authorize?response_type=code&client_id=demo-public-client&redirect_uri=" + url.QueryEscape(tt.uri) + pkce)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		loc := resp.Header.Get("Location")
		switch {
		case tt.want && (resp.StatusCode != 302 || !strings.HasPrefix(loc, tt.uri+"?")):
			t.Errorf("authorize(%q) = %d Location %q; want 302 to it", tt.uri, resp.StatusCode, loc)
		case !tt.want && (resp.StatusCode != 400 || loc != "" || !strings.Contains(body, "is not registered for demo-public-client") || !strings.Contains(body, "http://127.0.0.1:PORT/callback")):
			t.Errorf("authorize(%q) = %d Location %q\n%s\nwant 400, no redirect, the registered URIs named", tt.uri, resp.StatusCode, loc, body)
		}
	}
	manual := httptest.NewServer(New(Options{}).Handler())
	defer manual.Close()
	resp, err := http.Get(manual.URL + "/oauth2/authorize?response_type=code&client_id=demo-client&redirect_uri=" + url.QueryEscape("http://[::1]:5000/callback") + pkce)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(body, "<code>http://[::1]:5000/callback</code>") || !strings.Contains(body, "one of the redirect URIs demo-client registered") {
		t.Errorf("approve page = %d\n%s\nwant the redirect target and the registered ones named", resp.StatusCode, body)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOAuth1CallbackRegistered: request_token refuses an oauth_callback
// that is not registered as Twitter does (403, code 415), keeps "oob" and
// the registered loopback callbacks, and the authorize page says which
// callbacks are allowed.
func TestOAuth1CallbackRegistered(t *testing.T) {
	ts := startServer(t, Options{})
	const err415 = `{"errors":[{"code":415,"message":"Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings"}]}`
	for _, tt := range []struct {
		callback string
		status   int
	}{
		{"oob", 200},
		{"http://127.0.0.1:8000/callback", 200},
		{"http://127.0.0.1:8000/callback?state=abc", 200},
		{"http://[::1]:8000/callback", 200},
		{"http://127.0.0.1:8000/steal", 403},
		{"http://localhost:8000/callback", 403},
		{"https://evil.example/callback", 403},
		{"http://127.0.0.1:8000/callback#frag", 403},
	} {
		r, _ := oauthCall(t, srvNow, "POST", ts.URL+"/twitter/oauth/request_token", "",
			map[string]string{"token": "", "token_secret": "", "callback": tt.callback})
		if r.status != tt.status {
			t.Errorf("request_token(callback %q) = %d %s (%s); want %d", tt.callback, r.status, r.body, r.trace.Verdict, tt.status)
			continue
		}
		if tt.status == 403 {
			if r.body != err415 || !strings.HasPrefix(r.trace.Verdict, "callback not registered (code 415)") {
				t.Errorf("request_token(callback %q) body %s verdict %q; want Twitter's code 415", tt.callback, r.body, r.trace.Verdict)
			}
			continue
		}
		q, _ := url.ParseQuery(r.body)
		page := send(t, "GET", ts.URL+"/twitter/oauth/authorize?oauth_token="+q.Get("oauth_token"), "")
		if page.status != 200 || !strings.Contains(page.body, "Callbacks this server allows: http://127.0.0.1:PORT/callback") {
			t.Errorf("authorize page for callback %q = %d\n%s\nwant the allowed callbacks named", tt.callback, page.status, page.body)
		}
		if link := strings.Contains(page.body, "Return to the application"); link != (tt.callback != "oob") {
			t.Errorf("authorize page for callback %q: link back shown = %v", tt.callback, link)
		}
	}
}
