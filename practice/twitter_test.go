package practice

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	verifyPath = "/twitter/1.1/account/verify_credentials.json"
	updatePath = "/twitter/1.1/statuses/update.json"
	err215     = `{"errors":[{"code":215,"message":"Bad Authentication data."}]}`
	err32      = `{"errors":[{"code":32,"message":"Could not authenticate you."}]}`
	err89      = `{"errors":[{"code":89,"message":"Invalid or expired token."}]}`
	err135     = `{"errors":[{"code":135,"message":"Timestamp out of bounds."}]}`
	err170     = `{"errors":[{"code":170,"message":"Missing required parameter: status."}]}`
)

// nonceSeq gives each signed request in a test its own pinned nonce.
type nonceSeq struct{ n int }

func (s *nonceSeq) next() string { s.n++; return "pinned-nonce-" + strconv.Itoa(s.n) }

func TestTwitterSigned(t *testing.T) {
	ts := startServer(t, Options{})
	var ns nonceSeq
	stamp := strconv.FormatInt(srvNow.Unix(), 10)
	for _, tt := range []struct {
		name, method, path, body string
		fields                   map[string]string
		status                   int
		body200                  string // exact or prefix…
		verdict                  string
	}{
		{"HMAC-SHA1 header", "GET", verifyPath + "?include_entities=true&skip_status=1", "", nil, 200, `{"id":1,"id_str":"1","name":"Demo User","screen_name":"demo",…`, "ok"},
		{"HMAC-SHA256", "GET", verifyPath, "", map[string]string{"signature_method": "HMAC-SHA256"}, 200, `{"id":1,…`, "ok"},
		{"PLAINTEXT", "GET", verifyPath, "", map[string]string{"signature_method": "PLAINTEXT"}, 200, `{"id":1,…`, "ok"},
		{"RSA-SHA1", "GET", verifyPath + "?a=b", "", map[string]string{"signature_method": "RSA-SHA1", "private_key": DemoRSAPrivateKeyPEM}, 200, `{"id":1,…`, "ok"},
		{"query placement", "GET", verifyPath + "?x=a+b%20c", "", map[string]string{"placement": "query"}, 200, `{"id":1,…`, "ok"},
		{"realm", "GET", verifyPath, "", map[string]string{"realm": "Photos, \"quoted\""}, 200, `{"id":1,…`, "ok"},
		{"update form body", "POST", updatePath + "?trim_user=1", "status=Hello+Ladies+%2B+Gentlemen%2C+a+signed+OAuth+request%21%20~*", nil, 200,
			`{"created_at":"Tue Nov 14 22:13:20 +0000 2023","id":1,"id_str":"1","text":"Hello Ladies + Gentlemen, a signed OAuth request! ~*",…`, "ok"},
		{"update body placement", "POST", updatePath, "status=caf%C3%A9", map[string]string{"placement": "body", "signature_method": "HMAC-SHA256"}, 200, `{"created_at":…`, "ok"},
		{"update query status", "POST", updatePath + "?status=from%20the%20query", "", map[string]string{"signature_method": "RSA-SHA1", "private_key": DemoRSAPrivateKeyPEM}, 200, `{"created_at":…`, "ok"},
		{"update without status", "POST", updatePath, "other=1", nil, 403, err170, "ok, but no status parameter (code 170)"},
		{"wrong consumer secret", "GET", verifyPath, "", map[string]string{"consumer_secret": "wrong"}, 401, err32, "signature mismatch (code 32)"},
		{"wrong token secret", "POST", updatePath, "status=x", map[string]string{"token_secret": "wrong"}, 401, err32, "signature mismatch (code 32)"},
		{"wrong PLAINTEXT", "GET", verifyPath, "", map[string]string{"signature_method": "PLAINTEXT", "consumer_secret": "wrong"}, 401, err32, "signature mismatch (code 32)"},
		{"unknown consumer", "GET", verifyPath, "", map[string]string{"consumer_key": "someone"}, 401, err32, "unknown consumer key (code 32)"},
		{"unknown token", "GET", verifyPath, "", map[string]string{"token": "12-nope"}, 401, err89, "unknown or expired access token (code 89)"},
		{"two-legged", "GET", verifyPath, "", map[string]string{"token": "", "token_secret": ""}, 400, err215,
			"bad authentication data: no oauth_token; this endpoint needs user context (a three-legged token) (code 215)"},
	} {
		f := map[string]string{"nonce": ns.next(), "timestamp": stamp}
		for k, v := range tt.fields {
			f[k] = v
		}
		r, _ := oauthCall(t, srvNow, tt.method, ts.URL+tt.path, tt.body, f)
		if r.status != tt.status {
			t.Errorf("%s: status = %d; want %d (verdict %q)", tt.name, r.status, tt.status, r.trace.Verdict)
		}
		checkBody(t, tt.name, r.body, tt.body200)
		if r.trace.Verdict != tt.verdict || r.trace.Scheme != "oauth1" {
			t.Errorf("%s: trace verdict = %q scheme %q; want %q", tt.name, r.trace.Verdict, r.trace.Scheme, tt.verdict)
		}
		wa := r.header.Get("WWW-Authenticate")
		if (r.status == 401) != (wa == `OAuth realm="authlab practice (Twitter)"`) {
			t.Errorf("%s: WWW-Authenticate = %q with status %d", tt.name, wa, r.status)
		}
		if v, _ := r.value("consumer secret length"); v != "" && v != "20" {
			t.Errorf("%s: consumer secret length = %q; want 20", tt.name, v)
		}
		for _, v := range r.trace.Values {
			if strings.Contains(v.Value, DemoConsumerSecret) || strings.Contains(v.Value, DemoTokenSecret) {
				t.Errorf("%s: trace reveals a secret: %+v", tt.name, v)
			}
		}
	}
}

func TestTwitterUnsigned(t *testing.T) {
	ts := startServer(t, Options{})
	good := `OAuth oauth_consumer_key="demo-consumer-key", oauth_token="demo-access-token", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1700000000", oauth_nonce="n1", oauth_version="1.0", oauth_signature="AAAA"`
	for _, tt := range []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		want, verdict            string
	}{
		{"no auth", "GET", verifyPath, "", nil, 400, err215, "no OAuth parameters (no Authorization: OAuth header, none in the query or form body) (code 215)"},
		{"no auth POST", "POST", updatePath, "status=x", []string{"Content-Type: application/x-www-form-urlencoded"}, 400, err215, ""},
		{"bearer header", "GET", verifyPath, "", []string{"Authorization: Bearer demo-token"}, 400, err215,
			"bad authentication data: the Authorization header uses Bearer, not OAuth (code 215)"},
		{"missing signature", "GET", verifyPath, "", []string{"Authorization: " + strings.Replace(good, `, oauth_signature="AAAA"`, "", 1)}, 400, err215,
			"bad authentication data: oauth_signature is missing (code 215)"},
		{"missing nonce", "GET", verifyPath, "", []string{"Authorization: " + strings.Replace(good, `oauth_nonce="n1", `, "", 1)}, 400, err215,
			"bad authentication data: oauth_nonce is missing (code 215)"},
		{"unclosed quote", "GET", verifyPath, "", []string{`Authorization: OAuth oauth_consumer_key="demo`}, 400, err215, ""},
		{"bad timestamp", "GET", verifyPath, "", []string{"Authorization: " + strings.Replace(good, `"1700000000"`, `"17e8"`, 1)}, 400, err215,
			"bad authentication data: oauth_timestamp is not whole seconds since 1970 (code 215)"},
		{"bad version", "GET", verifyPath, "", []string{"Authorization: " + strings.Replace(good, `"1.0"`, `"2.0"`, 1)}, 400, err215, ""},
		{"sent twice", "GET", verifyPath + "?oauth_nonce=n2", "", []string{"Authorization: " + good}, 400, err215,
			"bad authentication data: oauth_nonce was sent more than once (RFC 5849 §3.5: one place, once) (code 215)"},
		{"bad signature", "GET", verifyPath, "", []string{"Authorization: " + good}, 401, err32, "signature mismatch (code 32)"},
		{"unsupported method", "GET", verifyPath, "", []string{"Authorization: " + strings.Replace(good, "HMAC-SHA1", "HMAC-MD5", 1)}, 401, err32, ""},
		{"wrong HTTP method", "POST", verifyPath, "", []string{"Authorization: " + good}, 405, "", ""},
	} {
		r := send(t, tt.method, ts.URL+tt.path, tt.body, tt.headers...)
		if r.status != tt.status {
			t.Errorf("%s: status = %d; want %d (%s)", tt.name, r.status, tt.status, r.trace.Verdict)
		}
		if tt.want != "" && r.body != tt.want {
			t.Errorf("%s: body = %q; want %q", tt.name, r.body, tt.want)
		}
		if tt.verdict != "" && r.trace.Verdict != tt.verdict {
			t.Errorf("%s: verdict = %q; want %q", tt.name, r.trace.Verdict, tt.verdict)
		}
	}
}

func TestTwitterNonceReplay(t *testing.T) {
	ts := startServer(t, Options{})
	f := map[string]string{"nonce": "once-only", "timestamp": strconv.FormatInt(srvNow.Unix(), 10)}
	first, _ := oauthCall(t, srvNow, "GET", ts.URL+verifyPath, "", f)
	if first.status != 200 {
		t.Fatalf("first request = %d %s (%s)", first.status, first.body, first.trace.Verdict)
	}
	again, _ := oauthCall(t, srvNow, "GET", ts.URL+verifyPath, "", f)
	if again.status != 401 || again.body != err32 || again.trace.Verdict != "nonce already used (code 32)" {
		t.Errorf("replay = %d %s verdict %q; want 401 code 32, nonce already used", again.status, again.body, again.trace.Verdict)
	}
	// A bad signature does not burn a nonce.
	f2 := map[string]string{"nonce": "second", "timestamp": f["timestamp"], "token_secret": "wrong"}
	if r, _ := oauthCall(t, srvNow, "GET", ts.URL+verifyPath, "", f2); r.status != 401 {
		t.Fatalf("wrong secret = %d", r.status)
	}
	f2["token_secret"] = DemoTokenSecret
	if r, _ := oauthCall(t, srvNow, "GET", ts.URL+verifyPath, "", f2); r.status != 200 {
		t.Errorf("fixed retry with the same nonce = %d %s (%s); want 200", r.status, r.body, r.trace.Verdict)
	}
}

func TestTwitterTimestamp(t *testing.T) {
	for _, tt := range []struct {
		skew   int64
		status int
		diff   string
	}{
		{612, 401, "+612 s"},
		{-301, 401, "-301 s"},
		{300, 200, "+300 s"},
		{-299, 200, "-299 s"},
	} {
		now := srvNow
		ts := startServer(t, Options{Now: func() time.Time { return now }})
		client := srvNow.Add(time.Duration(tt.skew) * time.Second)
		r, _ := oauthCall(t, client, "GET", ts.URL+verifyPath, "", nil) // clock-made timestamp, random nonce
		if r.status != tt.status {
			t.Errorf("skew %+d: status = %d; want %d (%s)", tt.skew, r.status, tt.status, r.trace.Verdict)
		}
		if tt.status == 401 && (r.body != err135 || !strings.HasPrefix(r.trace.Verdict, "timestamp out of bounds")) {
			t.Errorf("skew %+d: %s verdict %q; want code 135", tt.skew, r.body, r.trace.Verdict)
		}
		if v, _ := r.value("clock difference"); v != tt.diff {
			t.Errorf("skew %+d: clock difference = %q; want %q", tt.skew, v, tt.diff)
		}
		if v, _ := r.value("server time"); v != "1700000000" {
			t.Errorf("skew %+d: server time = %q", tt.skew, v)
		}
	}
}

// TestThreeLegged runs the whole PIN flow with authn as the client.
func TestThreeLegged(t *testing.T) {
	ts := startServer(t, Options{})
	consumerOnly := map[string]string{"token": "", "token_secret": ""}

	// Without oauth_callback: refused.
	r, _ := oauthCall(t, srvNow, "POST", ts.URL+"/twitter/oauth/request_token", "", consumerOnly)
	if r.status != 400 || r.body != err215 {
		t.Errorf("request_token without callback = %d %s", r.status, r.body)
	}
	// Step 1: temporary credentials.
	consumerOnly["callback"] = "oob"
	r, _ = oauthCall(t, srvNow, "POST", ts.URL+"/twitter/oauth/request_token", "", consumerOnly)
	if r.status != 200 || r.header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Fatalf("request_token = %d %q %s (%s)", r.status, r.header.Get("Content-Type"), r.body, r.trace.Verdict)
	}
	q, err := url.ParseQuery(r.body)
	if err != nil || q.Get("oauth_token") == "" || q.Get("oauth_token_secret") == "" || q.Get("oauth_callback_confirmed") != "true" {
		t.Fatalf("request_token body %q", r.body)
	}
	reqToken, reqSecret := q.Get("oauth_token"), q.Get("oauth_token_secret")
	withRequest := map[string]string{"token": reqToken, "token_secret": reqSecret}

	// A request token is not an access token.
	if r, _ := oauthCall(t, srvNow, "GET", ts.URL+verifyPath, "", withRequest); r.status != 401 || r.body != err89 {
		t.Errorf("request token on verify_credentials = %d %s; want 401 code 89", r.status, r.body)
	}
	// Exchanging before the user authorized: refused.
	withRequest["verifier"] = "0000000"
	if r, _ := oauthCall(t, srvNow, "POST", ts.URL+"/twitter/oauth/access_token", "", withRequest); r.status != 401 || r.body != err32 {
		t.Errorf("access_token before authorize = %d %s (%s)", r.status, r.body, r.trace.Verdict)
	}

	// Step 2: the user opens the authorize page and reads the PIN.
	page := send(t, "GET", ts.URL+"/twitter/oauth/authorize?oauth_token="+url.QueryEscape(reqToken), "")
	m := regexp.MustCompile(`<b id="pin">(\d{7})</b>`).FindStringSubmatch(page.body)
	if page.status != 200 || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") || m == nil {
		t.Fatalf("authorize = %d\n%s", page.status, page.body)
	}
	pin := m[1]
	if bad := send(t, "GET", ts.URL+"/twitter/oauth/authorize?oauth_token=nope", ""); bad.status != 400 || !strings.Contains(bad.body, "unknown") {
		t.Errorf("authorize with an unknown token = %d %s", bad.status, bad.body)
	}

	// Step 3: a wrong PIN, then the right one.
	wrongPIN := "1234567"
	if wrongPIN == pin {
		wrongPIN = "7654321"
	}
	withRequest["verifier"] = wrongPIN
	if r, _ := oauthCall(t, srvNow, "POST", ts.URL+"/twitter/oauth/access_token", "", withRequest); r.status != 401 || r.body != err32 ||
		r.trace.Verdict != "oauth_verifier does not match the PIN (code 32)" {
		t.Errorf("access_token with a wrong PIN = %d %s (%s)", r.status, r.body, r.trace.Verdict)
	}
	withRequest["verifier"] = pin
	r, _ = oauthCall(t, srvNow, "POST", ts.URL+"/twitter/oauth/access_token", "", withRequest)
	if r.status != 200 {
		t.Fatalf("access_token = %d %s (%s)", r.status, r.body, r.trace.Verdict)
	}
	a, err := url.ParseQuery(r.body)
	if err != nil || a.Get("oauth_token") == "" || a.Get("oauth_token_secret") == "" || a.Get("user_id") != "1" || a.Get("screen_name") != "demo" {
		t.Fatalf("access_token body %q", r.body)
	}
	// The request token is spent.
	if r, _ := oauthCall(t, srvNow, "POST", ts.URL+"/twitter/oauth/access_token", "", withRequest); r.status != 401 || r.body != err89 {
		t.Errorf("second exchange of the request token = %d %s; want 401 code 89", r.status, r.body)
	}

	// The issued access token works on both endpoints.
	access := map[string]string{"token": a.Get("oauth_token"), "token_secret": a.Get("oauth_token_secret")}
	if r, _ := oauthCall(t, srvNow, "GET", ts.URL+verifyPath, "", access); r.status != 200 {
		t.Errorf("verify_credentials with the issued token = %d %s (%s)", r.status, r.body, r.trace.Verdict)
	}
	r, _ = oauthCall(t, srvNow, "POST", ts.URL+updatePath, "status=three+legs", access)
	var tw struct{ Text string }
	if r.status != 200 || json.Unmarshal([]byte(r.body), &tw) != nil || tw.Text != "three legs" {
		t.Errorf("update with the issued token = %d %s (%s)", r.status, r.body, r.trace.Verdict)
	}
}

func TestAuthorizeCallbackLink(t *testing.T) {
	ts := startServer(t, Options{})
	r, _ := oauthCall(t, srvNow, "POST", ts.URL+"/twitter/oauth/request_token", "",
		map[string]string{"token": "", "token_secret": "", "callback": "http://127.0.0.1:9/callback?state=<x>"})
	q, _ := url.ParseQuery(r.body)
	page := send(t, "GET", ts.URL+"/twitter/oauth/authorize?oauth_token="+q.Get("oauth_token"), "")
	if !strings.Contains(page.body, `href="http://127.0.0.1:9/callback?oauth_token=`) || strings.Contains(page.body, "<x>") {
		t.Errorf("authorize page without an escaped callback link:\n%s", page.body)
	}
}
