package profiles

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

// echoServer answers every request with 401 and the request's credentials
// echoed in the body and a header (as careless servers do), and serves an
// OAuth 2.0 token endpoint at /token.
func echoServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/token" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"AT-issued-7f3k9q","token_type":"bearer","expires_in":60}`)
			return
		}
		w.Header().Set("X-Echo", r.Header.Get("Authorization")+" "+r.Header.Get("X-Api-Key"))
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, "you sent "+r.Header.Get("Authorization")+" "+r.URL.RawQuery+" "+string(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// reopenTests are requests with secrets of every kind; secrets lists the
// values that must not reach the history file in any encoding.
func reopenTests(base string) []struct {
	name    string
	req     authn.Request
	secrets []string
	want    Profile // Request() of the record read back
} {
	type tc = struct {
		name    string
		req     authn.Request
		secrets []string
		want    Profile
	}
	return []tc{
		{
			name: "basic literal password, JSON body with a password",
			req: authn.Request{Method: "POST", URL: base + "/api?x=1", Scheme: "basic",
				Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}},
				Body:   []byte(`{"user":"ada","password":"Body-pw-93xk!","n":1}`),
				Fields: map[string]string{"username": "ada", "password": "Hunter2-pw-q8"}},
			secrets: []string{"Hunter2-pw-q8", "ada:Hunter2-pw-q8", "Body-pw-93xk!"},
			want: Profile{Name: "t/p", Method: "POST", URL: base + "/api?x=1", Scheme: "basic",
				Headers: []Header{{"Accept", "application/json"}, {"Content-Type", "application/json"}},
				Body:    `{"user":"ada","password":"••••••••","n":1}`,
				Fields:  map[string]string{"username": "ada"}},
		},
		{
			name: "basic password as a reference",
			req: authn.Request{Method: "GET", URL: base + "/api", Scheme: "basic",
				Fields: map[string]string{"username": "ada", "password": "env:ADA_PASS"}},
			want: Profile{Name: "t/p", Method: "GET", URL: base + "/api", Scheme: "basic",
				Fields: map[string]string{"username": "ada", "password": "env:ADA_PASS"}},
		},
		{
			name: "bearer token, a hand-typed API-key header and cookie",
			req: authn.Request{Method: "GET", URL: base + "/me", Scheme: "bearer",
				Header: http.Header{"X-Api-Key": {"raw-key-55ab7"}, "Cookie": {"sid=Cookie-val-8812"}, "X-Trace": {"keep me"}},
				Fields: map[string]string{"token": "eyJ-bearer.tok.en-4471"}},
			secrets: []string{"eyJ-bearer.tok.en-4471", "raw-key-55ab7", "Cookie-val-8812"},
			want: Profile{Name: "t/p", Method: "GET", URL: base + "/me", Scheme: "bearer",
				Headers: []Header{{"Cookie", ""}, {"X-Api-Key", ""}, {"X-Trace", "keep me"}}},
		},
		{
			name: "API key in the query",
			req: authn.Request{Method: "GET", URL: base + "/q?page=2", Scheme: "apikey",
				Fields: map[string]string{"name": "api_key", "in": "query", "value": "Q-key/+=9z1"}},
			secrets: []string{"Q-key/+=9z1"},
			want: Profile{Name: "t/p", Method: "GET", URL: base + "/q?page=2", Scheme: "apikey",
				Fields: map[string]string{"name": "api_key", "in": "query"}},
		},
		{
			name: "API key in a header, form body with a client secret",
			req: authn.Request{Method: "POST", URL: base + "/h", Scheme: "apikey",
				Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
				Body:   []byte("a=1&client_secret=Form-sec-0098&b=2"),
				Fields: map[string]string{"name": "X-Api-Key", "value": "H-key-c0ffee42"}},
			secrets: []string{"H-key-c0ffee42", "Form-sec-0098"},
			want: Profile{Name: "t/p", Method: "POST", URL: base + "/h", Scheme: "apikey",
				Headers: []Header{{"Content-Type", "application/x-www-form-urlencoded"}},
				Body:    "a=1&client_secret=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2&b=2",
				Fields:  map[string]string{"name": "X-Api-Key"}},
		},
		{
			name: "OAuth 2.0 password grant",
			req: authn.Request{Method: "GET", URL: base + "/api", Scheme: "oauth2",
				Fields: map[string]string{"grant": "password", "token_url": base + "/token", "client_id": "cli-1",
					"client_secret": "Oauth-cs-77aa", "username": "ada", "password": "Oauth-pw-31bb", "scope": "read"}},
			secrets: []string{"Oauth-cs-77aa", "Oauth-pw-31bb", "AT-issued-7f3k9q", "cli-1:Oauth-cs-77aa"},
			want: Profile{Name: "t/p", Method: "GET", URL: base + "/api", Scheme: "oauth2",
				Fields: map[string]string{"grant": "password", "token_url": base + "/token", "client_id": "cli-1", "username": "ada", "scope": "read"}},
		},
	}
}

// testResolved is what profiles.Resolve makes of the description written
// (references kept, headers sorted by name) when it resolves to resolved.
func testResolved(name string, written, resolved authn.Request) Resolved {
	p := Profile{Name: name, Method: written.Method, URL: written.URL, Body: string(written.Body), Scheme: written.Scheme, Fields: written.Fields}
	for _, k := range slices.Sorted(maps.Keys(written.Header)) {
		for _, v := range written.Header[k] {
			p.Headers = append(p.Headers, Header{Name: k, Value: v})
		}
	}
	return Resolved{Profile: p, Request: resolved, Secrets: authn.SecretsOf(resolved, nil)}
}

// encodings are the forms a secret could take in the file.
func encodings(s string) []string {
	j, _ := json.Marshal(s)
	return []string{s, url.QueryEscape(s), url.PathEscape(s), string(j[1 : len(j)-1]),
		base64.StdEncoding.EncodeToString([]byte(s)), base64.RawStdEncoding.EncodeToString([]byte(s)),
		base64.URLEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s)),
		hex.EncodeToString([]byte(s))}
}

// TestHistoryReopenRoundTrip sends each request to a real loopback server
// that echoes its credentials, writes the record, reads it back: the
// request comes back whole but for its secrets, and the file holds none of
// them in any encoding.
func TestHistoryReopenRoundTrip(t *testing.T) {
	srv := echoServer(t)
	eng := authn.New(authn.Options{Timeout: 5 * time.Second})
	defer eng.Close()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tt := range reopenTests(srv.URL) {
		t.Run(tt.name, func(t *testing.T) {
			h := testHistory(t)
			resolved := tt.req
			if v := resolved.Fields["password"]; IsRef(v) {
				f := map[string]string{}
				for k, v := range resolved.Fields {
					f[k] = v
				}
				f["password"] = "Resolved-pw-5512"
				resolved.Fields = f
			}
			res, err := eng.Exchange(context.Background(), resolved)
			if res == nil {
				t.Fatalf("Exchange: %v", err)
			}
			// The TUI records the request as written (references kept);
			// the secrets it resolved show up only in the result.
			if err := h.Append(NewRecord(res, err, testResolved("t/p", tt.req, resolved), now)); err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(h.Path)
			for _, s := range append(tt.secrets, "Resolved-pw-5512", "ada:Resolved-pw-5512") {
				for _, e := range encodings(s) {
					if strings.Contains(string(data), e) {
						t.Errorf("the history file holds %q (a form of %q):\n%s", e, s, data)
					}
				}
			}
			recs, err := h.Read()
			if err != nil || len(recs) != 1 {
				t.Fatalf("Read() = %d records, %v", len(recs), err)
			}
			if got := recs[0].Request(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Request() = %+v\nwant      %+v", got, tt.want)
			}
			if recs[0].Status != 401 {
				t.Errorf("Status = %d; want 401", recs[0].Status)
			}
		})
	}
}

// TestHistoryOldRecordsParse: lines written before the request fields
// existed still parse, and reopen as method, URL and scheme.
func TestHistoryOldRecordsParse(t *testing.T) {
	h := testHistory(t)
	old := `{"time":"2025-01-02T03:04:05Z","profile":"p/1","method":"GET","url":"https://example.com/1","status":200,"duration_ms":1.25,"scheme":"basic"}` + "\n"
	if err := os.MkdirAll(strings.TrimSuffix(h.Path, "/history.jsonl"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(h.Path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	recs, skipped, err := h.ReadSkipped()
	if err != nil || skipped != 0 || len(recs) != 1 {
		t.Fatalf("ReadSkipped() = %d, %d, %v; want 1 record", len(recs), skipped, err)
	}
	want := Profile{Name: "p/1", Method: "GET", URL: "https://example.com/1", Scheme: "basic"}
	if got := recs[0].Request(); !reflect.DeepEqual(got, want) {
		t.Errorf("Request() = %+v; want %+v", got, want)
	}
}

var maskBodyTests = []struct{ in, want string }{
	{`{"password":"x1","a":{"api_key":123,"keep":"v"},"list":[{"token":"t"}]}`, `{"password":"••••••••","a":{"api_key":"••••••••","keep":"v"},"list":[{"token":"••••••••"}]}`},
	{"{\n  \"secret\" : \"s\",\n  \"name\": \"n\"\n}", "{\n  \"secret\" : \"••••••••\",\n  \"name\": \"n\"\n}"},
	{`{"broken":`, `{"broken":`},
	{"user=ada&password=p%20w", "user=ada&password=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2"},
	{"plain text body", "plain text body"},
	{"", ""},
}

func TestMaskBody(t *testing.T) {
	for _, tt := range maskBodyTests {
		if got := maskBody(tt.in); got != tt.want {
			t.Errorf("maskBody(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
