package postman

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/profiles"
)

// attr is one auth attribute of a test collection.
type attr struct {
	k string
	v any
}

// authDoc writes a one-request collection whose request has the auth
// type with attrs, in v2.1's array form or v2.0's object form.
func authDoc(version, typ string, attrs []attr, method, url string) []byte {
	var a any
	if version == "2.1" {
		list := []map[string]any{}
		for _, kv := range attrs {
			list = append(list, map[string]any{"key": kv.k, "value": kv.v, "type": "string"})
		}
		a = list
	} else {
		obj := map[string]any{}
		for _, kv := range attrs {
			obj[kv.k] = kv.v
		}
		a = obj
	}
	doc := map[string]any{
		"info": map[string]any{"name": "t", "schema": "https://schema.getpostman.com/json/collection/v" + version + ".0/collection.json"},
		"item": []any{map[string]any{"name": "r", "request": map[string]any{
			"method": method, "url": url, "auth": map[string]any{"type": typ, typ: a},
		}}},
	}
	b, _ := json.Marshal(doc)
	return b
}

var authTests = []struct {
	name     string
	typ      string
	attrs    []attr
	method   string
	scheme   string
	fields   map[string]string
	unmapped []string // substrings, one per Unmapped entry, in order
}{
	{"noauth", "noauth", nil, "GET", "none", nil, nil},
	{"basic", "basic", []attr{{"username", "ann"}, {"password", "{{pw}}"}, {"showPassword", false}}, "GET",
		"basic", map[string]string{"username": "ann", "password": "{{pw}}"}, nil},
	{"basic literal password", "basic", []attr{{"username", "ann"}, {"password", "s3cret"}}, "GET",
		"basic", map[string]string{"username": "ann", "password": "env:EXAMPLE_PASSWORD"}, nil},
	{"bearer", "bearer", []attr{{"token", "tok-123"}}, "GET",
		"bearer", map[string]string{"token": "env:EXAMPLE_TOKEN"}, nil},
	{"apikey header", "apikey", []attr{{"key", "X-API-Key"}, {"value", "{{key}}"}, {"in", "header"}}, "GET",
		"apikey", map[string]string{"name": "X-API-Key", "value": "{{key}}"}, nil},
	{"apikey query", "apikey", []attr{{"key", "api_key"}, {"value", "k"}, {"in", "query"}}, "GET",
		"apikey", map[string]string{"name": "api_key", "value": "env:EXAMPLE_API_KEY", "in": "query"}, nil},
	{"digest", "digest", []attr{{"username", "u"}, {"password", "{{p}}"}, {"realm", "r@x"}, {"nonce", "abc"}, {"algorithm", "SHA-256"}, {"qop", "auth-int"}}, "GET",
		"digest", map[string]string{"username": "u", "password": "{{p}}", "algorithm": "SHA-256", "qop": "auth-int"}, nil},
	{"digest unknown algorithm", "digest", []attr{{"username", "u"}, {"password", "{{p}}"}, {"algorithm", "SHA-1"}}, "GET",
		"digest", map[string]string{"username": "u", "password": "{{p}}"}, []string{`digest algorithm "SHA-1"`}},
	{"oauth1 header", "oauth1", []attr{{"consumerKey", "ck"}, {"consumerSecret", "{{cs}}"}, {"token", "t"}, {"tokenSecret", "{{ts}}"},
		{"signatureMethod", "HMAC-SHA256"}, {"addParamsToHeader", true}, {"realm", "photos"}, {"version", "1.0"}}, "GET",
		"oauth1", map[string]string{"consumer_key": "ck", "consumer_secret": "{{cs}}", "token": "t", "token_secret": "{{ts}}",
			"signature_method": "HMAC-SHA256", "realm": "photos"}, nil},
	{"oauth1 body placement", "oauth1", []attr{{"consumerKey", "ck"}, {"consumerSecret", "{{cs}}"}, {"addParamsToHeader", false}}, "POST",
		"oauth1", map[string]string{"consumer_key": "ck", "consumer_secret": "{{cs}}", "placement": "body"}, nil},
	{"oauth1 query placement", "oauth1", []attr{{"consumerKey", "ck"}, {"consumerSecret", "{{cs}}"}, {"addParamsToHeader", false}}, "GET",
		"oauth1", map[string]string{"consumer_key": "ck", "consumer_secret": "{{cs}}", "placement": "query"}, nil},
	{"oauth1 RSA-SHA256 and empty params", "oauth1", []attr{{"consumerKey", "ck"}, {"signatureMethod", "RSA-SHA256"}, {"privateKey", "{{pem}}"}, {"addEmptyParamsToSign", true}}, "GET",
		"oauth1", map[string]string{"consumer_key": "ck", "private_key": "{{pem}}"}, []string{"signature method RSA-SHA256", "addEmptyParamsToSign"}},
	{"oauth1 HMAC-SHA512", "oauth1", []attr{{"consumerKey", "ck"}, {"signatureMethod", "HMAC-SHA512"}}, "GET",
		"oauth1", map[string]string{"consumer_key": "ck"}, []string{"signature method HMAC-SHA512"}},
	{"oauth2 client credentials", "oauth2", []attr{{"grant_type", "client_credentials"}, {"accessTokenUrl", "https://id.example.com/token"}, {"clientId", "app"},
		{"clientSecret", "{{secret}}"}, {"scope", "read write"}, {"client_authentication", "body"}, {"addTokenTo", "header"}}, "GET",
		"oauth2", map[string]string{"token_url": "https://id.example.com/token", "client_id": "app", "client_secret": "{{secret}}", "scope": "read write", "client_auth": "body"}, nil},
	{"oauth2 pkce", "oauth2", []attr{{"grant_type", "authorization_code_with_pkce"}, {"authUrl", "https://id.example.com/auth"}, {"accessTokenUrl", "https://id.example.com/token"},
		{"clientId", "app"}, {"challengeAlgorithm", "S256"}, {"redirect_uri", "https://oauth.pstmn.io/v1/callback"}, {"state", "xyz"}}, "GET",
		"oauth2", map[string]string{"grant": "authorization_code", "auth_url": "https://id.example.com/auth", "token_url": "https://id.example.com/token", "client_id": "app"}, nil},
	{"oauth2 password", "oauth2", []attr{{"grant_type", "password_credentials"}, {"accessTokenUrl", "https://id.example.com/token"}, {"clientId", "app"},
		{"username", "ann"}, {"password", "pw"}}, "GET",
		"oauth2", map[string]string{"grant": "password", "token_url": "https://id.example.com/token", "client_id": "app", "username": "ann", "password": "env:EXAMPLE_PASSWORD"}, nil},
	{"oauth2 audience param", "oauth2", []attr{{"grant_type", "client_credentials"}, {"accessTokenUrl", "https://id.example.com/token"}, {"clientId", "app"},
		{"tokenRequestParams", []map[string]any{{"key": "audience", "value": "https://api.example.com"}, {"key": "foo", "value": "bar"}}}}, "GET",
		"oauth2", map[string]string{"token_url": "https://id.example.com/token", "client_id": "app", "audience": "https://api.example.com"}, []string{"parameter foo"}},
	{"oauth2 v2.0 spelling", "oauth2", []attr{{"grantType", "client_credentials"}, {"accessTokenUrl", "https://id.example.com/token"}, {"clientId", "app"}, {"requestAccessTokenLocally", true}}, "GET",
		"oauth2", map[string]string{"token_url": "https://id.example.com/token", "client_id": "app"}, nil},
	{"oauth2 implicit", "oauth2", []attr{{"grant_type", "implicit"}, {"authUrl", "https://id.example.com/auth"}}, "GET",
		"none", nil, []string{`grant_type "implicit"`}},
	{"oauth2 bare token", "oauth2", []attr{{"accessToken", "{{access}}"}, {"tokenType", "Bearer"}, {"addTokenTo", "header"}}, "GET",
		"bearer", map[string]string{"token": "{{access}}"}, nil},
	{"oauth2 token in query", "oauth2", []attr{{"accessToken", "{{access}}"}, {"addTokenTo", "queryParams"}}, "GET",
		"bearer", map[string]string{"token": "{{access}}"}, []string{"addTokenTo queryParams"}},
	{"awsv4", "awsv4", []attr{{"accessKey", "AKID"}, {"secretKey", "wJal"}, {"region", "eu-west-1"}, {"service", "s3"}, {"sessionToken", "{{session}}"}}, "GET",
		"sigv4", map[string]string{"access_key": "AKID", "secret_key": "env:AWS_SECRET_ACCESS_KEY", "region": "eu-west-1", "service": "s3", "session_token": "{{session}}"}, nil},
	{"awsv4 query", "awsv4", []attr{{"accessKey", "AKID"}, {"secretKey", "{{sk}}"}, {"region", "eu-west-1"}, {"service", "s3"}, {"addAuthDataToQuery", true}}, "GET",
		"sigv4", map[string]string{"access_key": "AKID", "secret_key": "{{sk}}", "region": "eu-west-1", "service": "s3"}, []string{"addAuthDataToQuery"}},
	{"jwt", "jwt", []attr{{"algorithm", "HS384"}, {"secret", "{{jwt}}"}, {"payload", `{"sub":"x"}`}, {"isSecretBase64Encoded", false}}, "GET",
		"jwt", map[string]string{"alg": "HS384", "secret": "{{jwt}}", "claims": `{"sub":"x"}`}, nil},
	{"hawk", "hawk", []attr{{"authId", "id"}, {"authKey", "key"}, {"algorithm", "sha256"}, {"extraData", "x"}, {"nonce", "abc"}, {"timestamp", "1353832234"}}, "GET",
		"hawk", map[string]string{"id": "id", "key": "env:EXAMPLE_KEY", "algorithm": "sha256", "ext": "x", "payload_hash": "never"}, nil},
	{"hawk with payload hash", "hawk", []attr{{"authId", "id"}, {"authKey", "{{hawkKey}}"}, {"includePayloadHash", true}, {"user", "u"}}, "POST",
		"hawk", map[string]string{"id": "id", "key": "{{hawkKey}}", "payload_hash": "always"}, []string{"hawk attribute user"}},
	{"ntlm", "ntlm", []attr{{"username", "u"}, {"password", "{{p}}"}, {"domain", "CORP"}, {"workstation", "WS1"}, {"disableRetryRequest", true}}, "GET",
		"ntlm", map[string]string{"username": "u", "password": "{{p}}", "domain": "CORP", "workstation": "WS1"}, nil},
	{"edgegrid", "edgegrid", []attr{{"accessToken", "{{at}}"}, {"clientToken", "akab-c"}, {"clientSecret", "{{cs}}"}, {"headersToSign", "X-A"}, {"maxBodySize", "2048"}}, "GET",
		"edgegrid", map[string]string{"access_token": "{{at}}", "client_token": "akab-c", "client_secret": "{{cs}}", "headers_to_sign": "X-A", "max_body": "2048"}, nil},
	{"edgegrid baseURL", "edgegrid", []attr{{"accessToken", "{{at}}"}, {"baseURL", "https://akab-x.luna.akamaiapis.net"}}, "GET",
		"edgegrid", map[string]string{"access_token": "{{at}}"}, []string{"edgegrid baseURL"}},
	{"asap", "asap", []attr{{"kid", "a"}}, "GET", "none", nil, []string{"auth type asap"}},
	{"unknown", "magic", nil, "GET", "none", nil, []string{`auth type "magic"`}},
	{"unknown attribute", "bearer", []attr{{"token", "{{t}}"}, {"tokenPrefix", "Token"}}, "GET",
		"bearer", map[string]string{"token": "{{t}}"}, []string{"bearer attribute tokenPrefix"}},
}

func TestImportAuth(t *testing.T) {
	for _, version := range []string{"2.1", "2.0"} {
		for _, tt := range authTests {
			t.Run(version+"/"+tt.name, func(t *testing.T) {
				doc := authDoc(version, tt.typ, tt.attrs, tt.method, "https://api.example.com/things")
				r, err := Import(doc)
				if err != nil {
					t.Fatalf("Import(%s) error: %v", doc, err)
				}
				if want := "Postman collection v" + version; r.Format != want {
					t.Errorf("Format = %q; want %q", r.Format, want)
				}
				if len(r.Profiles) != 1 {
					t.Fatalf("got %d profiles; want 1", len(r.Profiles))
				}
				p := r.Profiles[0]
				if p.Scheme != tt.scheme {
					t.Errorf("Scheme = %q; want %q", p.Scheme, tt.scheme)
				}
				if !maps.Equal(p.Fields, tt.fields) {
					t.Errorf("Fields = %v; want %v", p.Fields, tt.fields)
				}
				var got []string
				for _, u := range r.Unmapped {
					got = append(got, u.What)
				}
				if len(got) != len(tt.unmapped) {
					t.Fatalf("Unmapped = %q; want %d entries like %q", got, len(tt.unmapped), tt.unmapped)
				}
				for i, w := range tt.unmapped {
					if !strings.Contains(got[i], w) {
						t.Errorf("Unmapped[%d] = %q; want it to contain %q", i, got[i], w)
					}
					if r.Unmapped[i].Profile != "r" {
						t.Errorf("Unmapped[%d].Profile = %q; want %q", i, r.Unmapped[i].Profile, "r")
					}
				}
			})
		}
	}
}

// inheritDoc is a collection with auth at every level, in v2.1.
const inheritDoc = `{
 "info": {"name": "Inherit", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "auth": {"type": "basic", "basic": [{"key": "username", "value": "coll"}, {"key": "password", "value": "{{p}}"}]},
 "item": [
  {"name": "top inherits", "request": {"url": "https://example.com/a"}},
  {"name": "top null auth", "request": {"url": "https://example.com/a", "auth": null}},
  {"name": "top noauth", "request": {"url": "https://example.com/a", "auth": {"type": "noauth"}}},
  {"name": "Folder", "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{folder}}"}]}, "item": [
    {"name": "in folder inherits", "request": {"url": "https://example.com/b"}},
    {"name": "own apikey", "request": {"url": "https://example.com/b", "auth": {"type": "apikey", "apikey": [{"key": "key", "value": "K"}, {"key": "value", "value": "{{k}}"}]}}},
    {"name": "Sub", "item": [
      {"name": "deep inherits folder", "request": {"url": "https://example.com/c"}},
      {"name": "deep inherit type", "request": {"url": "https://example.com/c", "auth": {"type": "inherit"}}}
    ]},
    {"name": "Opt out", "auth": {"type": "noauth"}, "item": [
      {"name": "under noauth folder", "request": {"url": "https://example.com/d"}}
    ]}
  ]},
  {"name": "ASAP folder", "auth": {"type": "asap", "asap": [{"key": "kid", "value": "x"}]}, "item": [
    {"name": "a", "request": {"url": "https://example.com/e"}},
    {"name": "b", "request": {"url": "https://example.com/e"}}
  ]}
 ]
}`

func TestImportInheritance(t *testing.T) {
	r, err := Import([]byte(inheritDoc))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ name, scheme, field string }{
		{"top-inherits", "basic", "coll"},
		{"top-null-auth", "basic", "coll"},
		{"top-noauth", "none", ""},
		{"folder/in-folder-inherits", "bearer", "{{folder}}"},
		{"folder/own-apikey", "apikey", "K"},
		{"folder/sub/deep-inherits-folder", "bearer", "{{folder}}"},
		{"folder/sub/deep-inherit-type", "bearer", "{{folder}}"},
		{"folder/opt-out/under-noauth-folder", "none", ""},
		{"asap-folder/a", "none", ""},
		{"asap-folder/b", "none", ""},
	}
	if len(r.Profiles) != len(want) {
		t.Fatalf("got %d profiles; want %d", len(r.Profiles), len(want))
	}
	for i, w := range want {
		p := r.Profiles[i]
		first := p.Fields["username"] + p.Fields["token"] + p.Fields["name"]
		if p.Name != w.name || p.Scheme != w.scheme || first != w.field {
			t.Errorf("profile %d = %q %q %q; want %q %q %q", i, p.Name, p.Scheme, first, w.name, w.scheme, w.field)
		}
		if err := profiles.ValidateName(p.Name); err != nil {
			t.Errorf("ValidateName(%q) = %v", p.Name, err)
		}
	}
	// the folder's asap auth (authlab has no ASAP) is listed once per
	// request that inherits it
	var asap []string
	for _, u := range r.Unmapped {
		if strings.Contains(u.What, "asap") {
			asap = append(asap, u.Profile+" @ "+u.Where)
		}
	}
	wantASAP := []string{"asap-folder/a @ request ASAP folder/a (auth of folder ASAP folder)", "asap-folder/b @ request ASAP folder/b (auth of folder ASAP folder)"}
	if !reflect.DeepEqual(asap, wantASAP) {
		t.Errorf("asap entries = %q; want %q", asap, wantASAP)
	}
	if full, total := r.Full(); full != 8 || total != 10 {
		t.Errorf("Full() = %d, %d; want 8, 10", full, total)
	}
}

// reqDoc wraps one request object in a v2.1 collection.
func reqDoc(req string) []byte {
	return []byte(`{"info": {"name": "Req", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}, "item": [{"name": "r", "request": ` + req + `}]}`)
}

var requestTests = []struct {
	name     string
	req      string
	method   string
	url      string
	headers  []profiles.Header
	body     string
	vars     []profiles.Var
	unmapped []string
}{
	{"string request", `"https://example.com/x"`, "GET", "https://example.com/x", nil, "", nil, nil},
	{"no scheme", `{"url": "httpbin.org/get"}`, "GET", "http://httpbin.org/get", nil, "", nil, nil},
	{"url object without raw", `{"method": "delete", "url": {"protocol": "https", "host": ["api", "example", "com"], "port": "8443", "path": ["v1", "users"], "query": [{"key": "a", "value": "1"}, {"key": "b", "value": "2", "disabled": true}]}}`,
		"DELETE", "https://api.example.com:8443/v1/users?a=1", nil, "", nil, nil},
	{"path variable", `{"url": {"raw": "https://example.com/users/:id/posts", "variable": [{"key": "id", "value": "42"}]}}`,
		"GET", "https://example.com/users/{{id}}/posts", nil, "", []profiles.Var{{Name: "id", Value: "42"}}, nil},
	{"headers, disabled skipped", `{"url": "https://example.com/", "header": [{"key": "Accept", "value": "text/plain"}, {"key": "X-Off", "value": "1", "disabled": true}]}`,
		"GET", "https://example.com/", []profiles.Header{{Name: "Accept", Value: "text/plain"}}, "", nil, nil},
	{"v2.0 header string", `{"url": "https://example.com/", "header": "Accept: a\nX-Two: b\n// X-Commented: c"}`,
		"GET", "https://example.com/", []profiles.Header{{Name: "Accept", Value: "a"}, {Name: "X-Two", Value: "b"}}, "", nil, nil},
	{"raw json", `{"method": "POST", "url": "https://example.com/", "body": {"mode": "raw", "raw": "{\"a\":1}", "options": {"raw": {"language": "json"}}}}`,
		"POST", "https://example.com/", []profiles.Header{{Name: "Content-Type", Value: "application/json"}}, `{"a":1}`, nil, nil},
	{"raw keeps own content type", `{"method": "POST", "url": "https://example.com/", "header": [{"key": "content-type", "value": "application/vnd.x+json"}], "body": {"mode": "raw", "raw": "{}", "options": {"raw": {"language": "json"}}}}`,
		"POST", "https://example.com/", []profiles.Header{{Name: "content-type", Value: "application/vnd.x+json"}}, `{}`, nil, nil},
	{"urlencoded", `{"method": "POST", "url": "https://example.com/", "body": {"mode": "urlencoded", "urlencoded": [{"key": "q", "value": "a b&c"}, {"key": "v", "value": "{{v}}"}, {"key": "off", "value": "1", "disabled": true}]}}`,
		"POST", "https://example.com/", []profiles.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}, "q=a+b%26c&v={{v}}", nil, nil},
	{"urlencoded secret literal", `{"method": "POST", "url": "https://api.example.com/token", "body": {"mode": "urlencoded", "urlencoded": [{"key": "client_secret", "value": "shh"}]}}`,
		"POST", "https://api.example.com/token", []profiles.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}, "client_secret={{EXAMPLE_CLIENT_SECRET}}", nil, nil},
	{"json body secrets", `{"method": "POST", "url": "https://api.example.com/login", "body": {"mode": "raw", "raw": "{\"user\": {\"name\": \"ann\", \"password\": \"hun\\\"ter2\"}, \"n\": {{n}}, \"apiKey\": \"{{key}}\", \"list\": [\"password\"], \"token\": \"t0k\"}", "options": {"raw": {"language": "json"}}}}`,
		"POST", "https://api.example.com/login", []profiles.Header{{Name: "Content-Type", Value: "application/json"}},
		`{"user": {"name": "ann", "password": "{{EXAMPLE_PASSWORD}}"}, "n": {{n}}, "apiKey": "{{key}}", "list": ["password"], "token": "{{EXAMPLE_TOKEN}}"}`, nil, nil},
	{"graphql", `{"method": "POST", "url": "https://example.com/graphql", "body": {"mode": "graphql", "graphql": {"query": "{ me { id } }", "variables": "{\"a\": 1}"}}}`,
		"POST", "https://example.com/graphql", []profiles.Header{{Name: "Content-Type", Value: "application/json"}}, `{"query":"{ me { id } }","variables":{"a":1}}`, nil, nil},
	{"formdata with a file", `{"method": "POST", "url": "https://example.com/", "body": {"mode": "formdata", "formdata": [{"key": "a", "value": "1", "type": "text"}, {"key": "f", "type": "file", "src": "/tmp/x.png"}]}}`,
		"POST", "https://example.com/", []profiles.Header{{Name: "Content-Type", Value: "multipart/form-data; boundary=" + formBoundary}},
		"--" + formBoundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--" + formBoundary + "--\r\n", nil, []string{"form part f uploads a file"}},
	{"file body", `{"method": "PUT", "url": "https://example.com/", "body": {"mode": "file", "file": {"src": "/tmp/a.bin"}}}`,
		"PUT", "https://example.com/", nil, "", nil, []string{"a file body (/tmp/a.bin)"}},
	{"literal bearer header", `{"url": "https://api.github.com/user", "header": [{"key": "Authorization", "value": "Bearer ghp_abc"}]}`,
		"GET", "https://api.github.com/user", nil, "", nil, nil},
	{"literal key header", `{"url": "https://api.example.com/", "header": [{"key": "X-Api-Key", "value": "k-1"}]}`,
		"GET", "https://api.example.com/", []profiles.Header{{Name: "X-Api-Key", Value: "{{EXAMPLE_X_API_KEY}}"}}, "", nil, nil},
	{"literal query secret", `{"url": "https://api.example.com/x?api_key=abc&page=2"}`,
		"GET", "https://api.example.com/x?api_key={{EXAMPLE_API_KEY}}&page=2", nil, "", nil, nil},
	{"dynamic variable", `{"url": "https://example.com/", "header": [{"key": "X-Id", "value": "{{$guid}}"}]}`,
		"GET", "https://example.com/", []profiles.Header{{Name: "X-Id", Value: "{{$guid}}"}}, "", nil, []string{"{{$guid}} is a Postman dynamic variable"}},
	{"certificate and proxy", `{"url": "https://example.com/", "certificate": {"src": "/c.pem"}, "proxy": {"host": "p"}}`,
		"GET", "https://example.com/", nil, "", nil, []string{"client certificate", "proxy"}},
}

func TestImportRequest(t *testing.T) {
	for _, tt := range requestTests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Import(reqDoc(tt.req))
			if err != nil {
				t.Fatalf("Import error: %v", err)
			}
			p := r.Profiles[0]
			if p.Method != tt.method || p.URL != tt.url {
				t.Errorf("request = %q %q; want %q %q", p.Method, p.URL, tt.method, tt.url)
			}
			if !reflect.DeepEqual(p.Headers, tt.headers) {
				t.Errorf("Headers = %q; want %q", p.Headers, tt.headers)
			}
			if p.Body != tt.body {
				t.Errorf("Body = %q; want %q", p.Body, tt.body)
			}
			if !reflect.DeepEqual(p.Vars, tt.vars) {
				t.Errorf("Vars = %v; want %v", p.Vars, tt.vars)
			}
			if len(r.Unmapped) != len(tt.unmapped) {
				t.Fatalf("Unmapped = %v; want %d like %q", r.Unmapped, len(tt.unmapped), tt.unmapped)
			}
			for i, w := range tt.unmapped {
				if !strings.Contains(r.Unmapped[i].What, w) {
					t.Errorf("Unmapped[%d] = %q; want %q in it", i, r.Unmapped[i].What, w)
				}
			}
		})
	}
}

func TestImportLiteralAuthorizationHeader(t *testing.T) {
	r, err := Import(reqDoc(`{"url": "https://api.github.com/user", "header": [{"key": "Authorization", "value": "Basic ` + "YW5uOnMzY3JldA==" + `"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	p := r.Profiles[0]
	want := map[string]string{"username": "ann", "password": "env:GITHUB_PASSWORD"}
	if p.Scheme != "basic" || !maps.Equal(p.Fields, want) {
		t.Errorf("Basic header = %q %v; want basic %v", p.Scheme, p.Fields, want)
	}
	assertNoLiteral(t, r, "s3cret", "YW5uOnMzY3JldA==")
}

// assertNoLiteral fails when any of the secrets shows anywhere in r.
func assertNoLiteral(t *testing.T, r collection.Result, secrets ...string) {
	t.Helper()
	b, _ := json.Marshal(r)
	for _, s := range secrets {
		if strings.Contains(string(b), s) {
			t.Errorf("the result holds the secret %q:\n%s", s, b)
		}
	}
}

// TestImportSecretsNeverLiteral: every secret typed into a collection or
// environment (auth fields, credential headers, query, form, variables of
// type secret or with a secret name) is gone from the result, replaced by
// references.
func TestImportSecretsNeverLiteral(t *testing.T) {
	coll := `{
 "info": {"name": "Shop API", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "variable": [{"key": "baseUrl", "value": "https://api.shop.example"}, {"key": "apiToken", "value": "tok-LITERAL-1"}, {"key": "plain", "value": "hello"}],
 "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{apiToken}}"}]},
 "item": [
  {"name": "a", "request": {"url": "{{baseUrl}}/a?access_token=tok-LITERAL-2", "header": [{"key": "X-Session", "value": "sess-LITERAL-3"}]}},
  {"name": "b", "request": {"method": "POST", "url": "{{baseUrl}}/b", "auth": {"type": "basic", "basic": [{"key": "username", "value": "u"}, {"key": "password", "value": "pw-LITERAL-4"}]},
    "body": {"mode": "urlencoded", "urlencoded": [{"key": "password", "value": "pw-LITERAL-5"}]}}},
  {"name": "c", "request": {"url": "{{baseUrl}}/c", "auth": {"type": "oauth2", "oauth2": [{"key": "accessTokenUrl", "value": "{{baseUrl}}/token"}, {"key": "grant_type", "value": "client_credentials"}, {"key": "clientId", "value": "cid"}, {"key": "clientSecret", "value": "{{cs}}"}]}}}
 ]}`
	env := `{"name": "Shop Prod", "values": [
  {"key": "cs", "value": "cs-LITERAL-6", "type": "default", "enabled": true},
  {"key": "db_password", "value": "pw-LITERAL-7", "enabled": true},
  {"key": "opaque", "value": "op-LITERAL-8", "type": "secret", "enabled": true},
  {"key": "region", "value": "eu", "enabled": true},
  {"key": "old", "value": "x", "enabled": false}
 ], "_postman_variable_scope": "environment"}`
	r, err := Import([]byte(coll), []byte(env))
	if err != nil {
		t.Fatal(err)
	}
	assertNoLiteral(t, r, "tok-LITERAL-1", "tok-LITERAL-2", "sess-LITERAL-3", "pw-LITERAL-4", "pw-LITERAL-5", "cs-LITERAL-6", "pw-LITERAL-7", "op-LITERAL-8")
	if len(r.Environments) != 2 {
		t.Fatalf("got %d environments; want 2 (the collection's, the file's)", len(r.Environments))
	}
	vars := map[string]profiles.Var{}
	for _, e := range r.Environments {
		for _, v := range e.Vars {
			vars[e.Name+"."+v.Name] = v
		}
	}
	want := map[string]profiles.Var{
		"shop-api.baseUrl":           {Name: "baseUrl", Value: "https://api.shop.example"},
		"shop-api.apiToken":          {Name: "apiToken", Value: "env:API_TOKEN", Secret: true},
		"shop-api.plain":             {Name: "plain", Value: "hello"},
		"shop-api.SHOP_ACCESS_TOKEN": {Name: "SHOP_ACCESS_TOKEN", Value: "env:SHOP_ACCESS_TOKEN", Secret: true},
		"shop-prod.cs":               {Name: "cs", Value: "env:CS", Secret: true},
		"shop-prod.db_password":      {Name: "db_password", Value: "env:DB_PASSWORD", Secret: true},
		"shop-prod.opaque":           {Name: "opaque", Value: "env:OPAQUE", Secret: true},
		"shop-prod.region":           {Name: "region", Value: "eu"},
	}
	for k, w := range want {
		if got := vars[k]; got.Name != w.Name || got.Value != w.Value || got.Secret != w.Secret {
			t.Errorf("%s = %+v; want %+v", k, got, w)
		}
	}
	if _, ok := vars["shop-prod.old"]; ok {
		t.Errorf("the disabled variable old was imported")
	}
}

func TestImportRefusesReferences(t *testing.T) {
	coll := `{"info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "variable": [{"key": "home", "value": "file:/etc/passwd"}],
 "item": [{"name": "r", "request": {"url": "https://evil.example/", "auth": {"type": "basic", "basic": [{"key": "username", "value": "keyring:github"}, {"key": "password", "value": "file:/home/u/.ssh/id_ed25519"}]}}}]}`
	r, err := Import([]byte(coll))
	if err != nil {
		t.Fatal(err)
	}
	assertNoLiteral(t, r, "file:/etc/passwd", "keyring:github", "file:/home/u/.ssh/id_ed25519")
	if len(r.Unmapped) != 2 {
		t.Errorf("Unmapped = %v; want 2 entries (the username, the variable)", r.Unmapped)
	}
}

var errorTests = []struct {
	name, doc, want string
}{
	{"not json", `{"info": `, "not a Postman collection: invalid JSON"},
	{"environment", `{"name": "e", "values": []}`, "this is a Postman environment file, not a collection"},
	{"v1", `{"id": "x", "name": "y", "requests": []}`, "Postman collection v1"},
	{"no info", `{"item": []}`, `it has no "info" member`},
	{"other schema", `{"info": {"name": "x", "schema": "https://schema.getpostman.com/json/collection/v3.0.0/"}, "item": []}`, "is not v2.0 or v2.1"},
	{"wrong type", `{"info": {"name": "x"}, "item": {"a": 1}}`, "item is a JSON object where a []postman.pmItem belongs"},
	{"bad auth", `{"info": {"name": "x"}, "item": [], "auth": [1]}`, "the auth of collection is not an object"},
}

func TestImportErrors(t *testing.T) {
	for _, tt := range errorTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Import(%q) error = %v; want one line containing %q", tt.doc, err, tt.want)
			}
		})
	}
}

func TestImportLimits(t *testing.T) {
	deep := strings.Repeat(`{"name": "f", "item": [`, MaxDepth+2) + strings.Repeat(`]}`, MaxDepth+2)
	_, err := Import([]byte(`{"info": {"name": "x"}, "item": [` + deep + `]}`))
	if err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Errorf("deep folders: error = %v; want nested more than %d", err, MaxDepth)
	}
	big := make([]byte, MaxDocument+1)
	if _, err := Import(big); err == nil || !strings.Contains(err.Error(), "MiB") {
		t.Errorf("big document: error = %v; want the size named", err)
	}
	var items []string
	for i := 0; i <= MaxRequests; i++ {
		items = append(items, `{"name": "r", "request": "https://example.com/"}`)
	}
	_, err = Import([]byte(`{"info": {"name": "x"}, "item": [` + strings.Join(items, ",") + `]}`))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("more than %d requests", MaxRequests)) {
		t.Errorf("many requests: error = %v", err)
	}
}

func TestImportNamesUnique(t *testing.T) {
	r, err := Import([]byte(`{"info": {"name": "x"}, "item": [
  {"name": "Get user", "request": "https://example.com/"},
  {"name": "Get user", "request": "https://example.com/"},
  {"name": "...", "request": "https://example.com/"},
  {"name": "Ünïcode ✓ name.toml", "request": "https://example.com/"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"get-user", "get-user-2", "request", "n-code-name"}
	for i, p := range r.Profiles {
		if p.Name != want[i] {
			t.Errorf("name %d = %q; want %q", i, p.Name, want[i])
		}
		if err := profiles.ValidateName(p.Name); err != nil {
			t.Errorf("ValidateName(%q) = %v", p.Name, err)
		}
	}
}

func TestImportScripts(t *testing.T) {
	r, err := Import([]byte(`{"info": {"name": "x"},
 "event": [{"listen": "prerequest", "script": {"exec": ["pm.variables.set('a', 1);"]}}],
 "item": [{"name": "F", "event": [{"listen": "test", "script": {"exec": ["", "  "]}}], "item": [
   {"name": "r", "event": [{"listen": "prerequest", "script": {"exec": "a();\nb();"}}, {"listen": "test", "script": {"exec": ["pm.test()"]}}], "request": "https://example.com/"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []collection.Unmapped{
		{Where: "collection", What: "pre-request script (1 line): authlab runs no scripts; do by hand what it did (set a variable, check the response)"},
		{Profile: "f/r", Where: "request F/r", What: "pre-request script (2 lines): authlab runs no scripts; do by hand what it did (set a variable, check the response)"},
		{Profile: "f/r", Where: "request F/r", What: "test script (1 line): authlab runs no scripts; do by hand what it did (set a variable, check the response)"},
	}
	if !reflect.DeepEqual(r.Unmapped, want) {
		t.Errorf("Unmapped = %q; want %q", r.Unmapped, want)
	}
}

func TestImportEnvironment(t *testing.T) {
	env, un, err := ImportEnvironment([]byte(`{"name": "Dev Box", "values": [
 {"key": "host", "value": "https://dev.example.com", "enabled": true},
 {"key": "token", "value": "t-LITERAL", "type": "secret", "enabled": true},
 {"key": "practice", "value": "http://x", "enabled": true},
 {"key": "n", "value": 3, "enabled": true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := profiles.Environment{Name: "dev-box", Vars: []profiles.Var{
		{Name: "host", Value: "https://dev.example.com"}, {Name: "token", Value: "env:TOKEN", Secret: true}, {Name: "n", Value: "3"}}}
	if !reflect.DeepEqual(env, want) {
		t.Errorf("ImportEnvironment = %+v; want %+v", env, want)
	}
	if len(un) != 1 || !strings.Contains(un[0].What, "built-in practice-server URL") {
		t.Errorf("Unmapped = %v; want the practice variable listed", un)
	}
	if _, _, err := ImportEnvironment([]byte(`{"info": {"name": "c"}, "item": []}`)); err == nil || !strings.Contains(err.Error(), "collection, not an environment") {
		t.Errorf("ImportEnvironment(collection) error = %v", err)
	}
}

func TestImportOddItems(t *testing.T) {
	r, err := Import([]byte(`{"info": {"name": "x"}, "item": [
  {"name": "empty"},
  {"name": "both", "request": "https://example.com/", "item": [{"name": "lost", "request": "https://example.com/l"}]},
  {"name": "no url", "request": {"method": "GET"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []collection.Unmapped{
		{Where: "item empty", What: "an item with neither a request nor items: nothing to import"},
		{Where: "item both", What: "an item with both a request and items: the request was imported, its 1 items were not"},
		{Profile: "no-url", Where: "request no url", What: "the request has no URL: set one before sending"},
	}
	if !reflect.DeepEqual(r.Unmapped, want) {
		t.Errorf("Unmapped = %q; want %q", r.Unmapped, want)
	}
	if len(r.Profiles) != 2 || r.Profiles[0].Name != "both" {
		t.Errorf("Profiles = %v; want both and no-url", r.Profiles)
	}
}
