package practice

import (
	"encoding/base64"
	"strings"
	"testing"
)

func basicHeader(userpass string) string {
	return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(userpass))
}

const (
	ghRequires = `{"message":"Requires authentication","documentation_url":"https://docs.github.com/rest/users/users#get-the-authenticated-user"}`
	ghBad      = `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`
)

var githubTests = []struct {
	name       string
	headers    []string
	status     int
	body       string // exact, or a prefix when it ends in "…"
	verdict    string
	traceLabel string // a trace label that must be there
	traceValue string
}{
	{"missing", nil, 401, ghRequires, "no credentials", "verdict detail", "no Authorization header"},
	{"basic right", []string{basicHeader("demo:demo-password")}, 200, `{"login":"demo","id":1,…`, "ok", "password length", "13"},
	{"basic wrong password", []string{basicHeader("demo:demo-passw0rd")}, 401, ghBad, "bad credentials: wrong password", "username", "demo"},
	{"basic wrong user", []string{basicHeader("octocat:demo-password")}, 401, ghBad, "bad credentials: unknown user", "username", "octocat"},
	{"basic not base64", []string{"Authorization: Basic %%%"}, 401, ghBad, "bad credentials: the Basic credentials are not base64 (RFC 7617 §2)", "", ""},
	{"basic no colon", []string{basicHeader("demo")}, 401, ghBad, `bad credentials: the decoded credentials have no ":" between user and password`, "", ""},
	{"bearer right", []string{"Authorization: Bearer demo-token"}, 200, `{"login":"demo",…`, "ok", "token length", "10"},
	{"token right", []string{"Authorization: token demo-token"}, 200, `{"login":"demo",…`, "ok", "token length", "10"},
	{"bearer wrong", []string{"Authorization: Bearer nope"}, 401, ghBad, "bad credentials: unknown token", "token length", "4"},
	{"bearer empty", []string{"Authorization: Bearer"}, 401, ghBad, "bad credentials: no token after Bearer", "", ""},
	{"two headers", []string{basicHeader("demo:demo-password"), "Authorization: Bearer demo-token"}, 401, ghBad, "bad credentials: more than one Authorization header", "", ""},
	{"other scheme", []string{"Authorization: Digest x"}, 401, ghBad, "bad credentials: unsupported scheme Digest (use Basic, Bearer or token)", "", ""},
}

func checkBody(t *testing.T, what, got, want string) {
	t.Helper()
	if p, ok := strings.CutSuffix(want, "…"); ok {
		if !strings.HasPrefix(got, p) {
			t.Errorf("%s: body = %q; want prefix %q", what, got, p)
		}
		return
	}
	if got != want {
		t.Errorf("%s: body = %q; want %q", what, got, want)
	}
}

func TestGitHubUser(t *testing.T) {
	ts := startServer(t, Options{})
	for _, tt := range githubTests {
		r := send(t, "GET", ts.URL+"/github/user", "", tt.headers...)
		if r.status != tt.status {
			t.Errorf("%s: status = %d; want %d", tt.name, r.status, tt.status)
		}
		checkBody(t, tt.name, r.body, tt.body)
		if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("%s: Content-Type = %q", tt.name, ct)
		}
		wa := r.header.Get("WWW-Authenticate")
		if tt.status == 401 && wa != `Basic realm="authlab practice (GitHub)"` || tt.status == 200 && wa != "" {
			t.Errorf("%s: WWW-Authenticate = %q", tt.name, wa)
		}
		if !r.hasTrace {
			t.Fatalf("%s: no %s header", tt.name, TraceHeader)
		}
		if r.trace.Verdict != tt.verdict || r.trace.Endpoint != "/github/user" {
			t.Errorf("%s: trace verdict %q endpoint %q; want %q", tt.name, r.trace.Verdict, r.trace.Endpoint, tt.verdict)
		}
		if tt.traceLabel != "" {
			if v, _ := r.value(tt.traceLabel); v != tt.traceValue {
				t.Errorf("%s: trace %q = %q; want %q", tt.name, tt.traceLabel, v, tt.traceValue)
			}
		}
		for _, v := range r.trace.Values {
			if strings.Contains(v.Value, "demo-password") || strings.Contains(v.Value, "passw0rd") || strings.Contains(v.Value, "demo-token") {
				t.Errorf("%s: trace reveals a secret: %+v", tt.name, v)
			}
		}
	}
}

const bearerChallenge = `Bearer realm="authlab practice"`

var bearerTests = []struct {
	name, path, method, body string
	headers                  []string
	status                   int
	challenge, respBody      string
}{
	{"missing", "/bearer", "GET", "", nil, 401, bearerChallenge,
		`{"error_description":"This resource needs a bearer token: Authorization: Bearer <token>"}`},
	{"basic instead", "/bearer", "GET", "", []string{basicHeader("demo:demo-password")}, 401, bearerChallenge,
		`{"error_description":"This resource needs a bearer token: Authorization: Bearer <token>"}`},
	{"right", "/bearer", "GET", "", []string{"Authorization: Bearer demo-token"}, 200, "",
		`{"ok":true,"subject":"demo","scope":"read"}`},
	{"right, lower-case scheme", "/bearer", "GET", "", []string{"Authorization: bearer demo-token"}, 200, "",
		`{"ok":true,"subject":"demo","scope":"read"}`},
	{"query", "/bearer?access_token=demo-token", "GET", "", nil, 200, "", `{"ok":true,"subject":"demo","scope":"read"}`},
	{"form body", "/bearer", "POST", "access_token=demo-token", []string{"Content-Type: application/x-www-form-urlencoded"}, 200, "",
		`{"ok":true,"subject":"demo","scope":"read"}`},
	{"no token", "/bearer", "GET", "", []string{"Authorization: Bearer"}, 400,
		bearerChallenge + `, error="invalid_request", error_description="The Authorization header has the Bearer scheme but no token"`,
		`{"error":"invalid_request","error_description":"The Authorization header has the Bearer scheme but no token"}`},
	{"two credentials", "/bearer", "GET", "", []string{"Authorization: Bearer demo-token other"}, 400,
		bearerChallenge + `, error="invalid_request", error_description="The Authorization header carries more than one credential"`,
		`{"error":"invalid_request","error_description":"The Authorization header carries more than one credential"}`},
	{"header and query", "/bearer?access_token=demo-token", "GET", "", []string{"Authorization: Bearer demo-token"}, 400,
		bearerChallenge + `, error="invalid_request", error_description="The token was sent more than once; use exactly one method (RFC 6750 section 2)"`,
		`{"error":"invalid_request","error_description":"The token was sent more than once; use exactly one method (RFC 6750 section 2)"}`},
	{"bad characters", "/bearer", "GET", "", []string{"Authorization: Bearer dem\"o"}, 400,
		bearerChallenge + `, error="invalid_request", error_description="The token has characters a bearer token cannot have (RFC 6750 section 2.1)"`,
		`{"error":"invalid_request","error_description":"The token has characters a bearer token cannot have (RFC 6750 section 2.1)"}`},
	{"unknown", "/bearer", "GET", "", []string{"Authorization: Bearer nope"}, 401,
		bearerChallenge + `, error="invalid_token", error_description="The access token is not valid"`,
		`{"error":"invalid_token","error_description":"The access token is not valid"}`},
	{"expired", "/bearer", "GET", "", []string{"Authorization: Bearer demo-expired-token"}, 401,
		bearerChallenge + `, error="invalid_token", error_description="The access token expired"`,
		`{"error":"invalid_token","error_description":"The access token expired"}`},
	{"admin scope", "/bearer/admin", "GET", "", []string{"Authorization: Bearer demo-token"}, 403,
		bearerChallenge + `, error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token", scope="admin"`,
		`{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token","scope":"admin"}`},
	{"admin missing", "/bearer/admin", "GET", "", nil, 401, bearerChallenge,
		`{"error_description":"This resource needs a bearer token: Authorization: Bearer <token>"}`},
}

func TestBearer(t *testing.T) {
	ts := startServer(t, Options{})
	for _, tt := range bearerTests {
		r := send(t, tt.method, ts.URL+tt.path, tt.body, tt.headers...)
		if r.status != tt.status {
			t.Errorf("%s: status = %d; want %d", tt.name, r.status, tt.status)
		}
		if got := r.header.Get("WWW-Authenticate"); got != tt.challenge {
			t.Errorf("%s: WWW-Authenticate = %q; want %q", tt.name, got, tt.challenge)
		}
		checkBody(t, tt.name, r.body, tt.respBody)
		if !r.hasTrace || r.trace.Scheme != "bearer" {
			t.Errorf("%s: trace = %+v", tt.name, r.trace)
		}
	}
	r := send(t, "GET", ts.URL+"/bearer", "", "Authorization: Bearer demo-expired-token")
	if v, _ := r.value("token length"); v != "18" {
		t.Errorf("expired: token length = %q; want 18", v)
	}
	if v, _ := r.value("verdict detail"); v != "The access token expired" {
		t.Errorf("expired: verdict detail = %q", v)
	}
}

func TestAPIKey(t *testing.T) {
	ts := startServer(t, Options{})
	const (
		missing = `{"error":"missing API key","hint":"send X-API-Key or ?api_key"}`
		wrong   = `{"error":"invalid API key"}`
		ok      = `{"ok":true,"client":"demo"}`
		twice   = `{"error":"more than one API key","hint":"send X-API-Key or ?api_key, once"}`
	)
	for _, tt := range []struct {
		name, query string
		headers     []string
		status      int
		body        string
		source      string
	}{
		{"missing", "", nil, 401, missing, ""},
		{"empty header", "", []string{"X-API-Key: "}, 401, missing, ""},
		{"header right", "", []string{"X-API-Key: demo-api-key"}, 200, ok, "X-API-Key header"},
		{"query right", "?api_key=demo-api-key", nil, 200, ok, "api_key query parameter"},
		{"header wrong", "", []string{"X-API-Key: demo-api-kez"}, 403, wrong, "X-API-Key header"},
		{"query wrong", "?api_key=x", nil, 403, wrong, "api_key query parameter"},
		{"header and query", "?api_key=demo-api-key", []string{"X-API-Key: demo-api-key"}, 400, twice, ""},
	} {
		r := send(t, "GET", ts.URL+"/apikey"+tt.query, "", tt.headers...)
		if r.status != tt.status || r.body != tt.body {
			t.Errorf("%s: = %d %s; want %d %s", tt.name, r.status, r.body, tt.status, tt.body)
		}
		if v, _ := r.value("key source"); !r.hasTrace || v != tt.source {
			t.Errorf("%s: trace key source = %q; want %q", tt.name, v, tt.source)
		}
		for _, v := range r.trace.Values {
			if strings.Contains(v.Value, "demo-api-ke") {
				t.Errorf("%s: trace reveals the key: %+v", tt.name, v)
			}
		}
	}
}
