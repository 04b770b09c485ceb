package httpfile

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/profiles"
)

// view is what a test compares of a profile.
type view struct {
	Name, Method, URL, Headers, Body, BodyFile, Scheme, Fields string
	NoFollow                                                   bool
}

func viewOf(p profiles.Profile) view {
	var hs, fs []string
	for _, h := range p.Headers {
		hs = append(hs, h.Name+": "+h.Value)
	}
	for k, v := range p.Fields {
		fs = append(fs, k+"="+v)
	}
	sort.Strings(fs)
	return view{p.Name, p.Method, p.URL, strings.Join(hs, "|"), p.Body, p.BodyFile, p.Scheme, strings.Join(fs, " "), !p.Follow}
}

func mustImport(t *testing.T, file string, envs Envs) collection.Result {
	t.Helper()
	r, err := Import("test.http", []byte(file), envs)
	if err != nil {
		t.Fatalf("Import(%q) error: %v", file, err)
	}
	return r
}

// The examples are the JetBrains spec's (http-request-in-editor-spec,
// spec.md) and the REST Client README's, where they exist.
var grammarTests = []struct {
	name, in string
	want     []view
}{
	{"spec 1.2 example", "###\nPOST http://example.com/api/add\nContent-Type: application/json\n\n{\n  \"name\": \"entity\",\n  \"value\": \"content\"\n}\n",
		[]view{{Name: "post-api-add", Method: "POST", URL: "http://example.com/api/add", Headers: "Content-Type: application/json", Body: "{\n  \"name\": \"entity\",\n  \"value\": \"content\"\n}", Scheme: "none"}}},
	{"method omitted (spec 3.2.1)", "http://example.com\n", []view{{Name: "get-example-com", Method: "GET", URL: "http://example.com", Scheme: "none"}}},
	{"version dropped", "GET http://example.com HTTP/1.1\n", []view{{Name: "get-example-com", Method: "GET", URL: "http://example.com", Scheme: "none"}}},
	{"lower-case method", "post http://example.com/x\n", []view{{Name: "post-x", Method: "POST", URL: "http://example.com/x", Scheme: "none"}}},
	{"path over indented lines (spec 4.2.1)", "http://example.com/\n    api\n    /get\n", []view{{Name: "get-api-get", Method: "GET", URL: "http://example.com/api/get", Scheme: "none"}}},
	{"query lines (REST Client)", "GET https://example.com/comments\n    ?page=2\n    &pageSize=10\n", []view{{Name: "get-comments", Method: "GET", URL: "https://example.com/comments?page=2&pageSize=10", Scheme: "none"}}},
	{"comments (spec 2.4)", "# request comment\n// request comment\nGET http://example.com/api/get?id=15\n# in the headers\nFrom: user@example.com\n", []view{{Name: "get-api-get", Method: "GET", URL: "http://example.com/api/get?id=15", Headers: "From: user@example.com", Scheme: "none"}}},
	{"separators with names (spec 2.5)", "### request comment\nGET http://example.com\n###\nGET http://example.com\n###\n",
		[]view{{Name: "request-comment", Method: "GET", URL: "http://example.com", Scheme: "none"}, {Name: "get-example-com", Method: "GET", URL: "http://example.com", Scheme: "none"}}},
	{"# @name wins over ###", "### Get the user\n# @name getUser\nGET https://api.example.com/user\n", []view{{Name: "getuser", Method: "GET", URL: "https://api.example.com/user", Scheme: "none"}}},
	{"// @name", "// @name login\nPOST https://api.example.com/login\n", []view{{Name: "login", Method: "POST", URL: "https://api.example.com/login", Scheme: "none"}}},
	{"unique names", "### a\nGET http://x.test/1\n### a\nGET http://x.test/2\n",
		[]view{{Name: "a", Method: "GET", URL: "http://x.test/1", Scheme: "none"}, {Name: "a-2", Method: "GET", URL: "http://x.test/2", Scheme: "none"}}},
	{"groups in names", "### users/Get user\nGET http://x.test/u\n", []view{{Name: "users/get-user", Method: "GET", URL: "http://x.test/u", Scheme: "none"}}},
	{"origin form with Host (spec 3.2.1.1)", "GET /api/get\nHost: example.com\n", []view{{Name: "get-api-get", Method: "GET", URL: "http://example.com/api/get", Headers: "Host: example.com", Scheme: "none"}}},
	{"no scheme: http (spec 3.2.1.1)", "GET example.com/x\n", []view{{Name: "get-example-com-x", Method: "GET", URL: "http://example.com/x", Scheme: "none"}}},
	{"fragment not sent (spec 3.2.1.4)", "GET http://example.com/api/get#q=hello+world\n", []view{{Name: "get-api-get", Method: "GET", URL: "http://example.com/api/get", Scheme: "none"}}},
	{"body trimmed (spec 4.2.2)", "###\nPOST http://example.com/add\n\n\nmessage-body\n\n###\n", []view{{Name: "post-add", Method: "POST", URL: "http://example.com/add", Body: "message-body", Scheme: "none"}}},
	{"body from a file (spec 3.2.3)", "POST http://example.com/api/add\nContent-Type: application/json\n\n< ./input.json\n",
		[]view{{Name: "post-api-add", Method: "POST", URL: "http://example.com/api/add", Headers: "Content-Type: application/json", BodyFile: "./input.json", Scheme: "none"}}},
	{"response handler is not body (spec 3.2.4)", "GET http://example.com/auth\n\n> {%\n client.global.set(\"auth\", response.body.token);\n%}\n",
		[]view{{Name: "get-auth", Method: "GET", URL: "http://example.com/auth", Scheme: "none"}}},
	{"@no-redirect", "# @no-redirect\nGET http://httpbin.org/status/301\n", []view{{Name: "get-status-301", Method: "GET", URL: "http://httpbin.org/status/301", Scheme: "none", NoFollow: true}}},
	{"CR LF and CR", "### one\r\nGET http://x.test/1\r\nAccept: a\r\n\r\nbody\r\n###\rGET http://x.test/2\r",
		[]view{{Name: "one", Method: "GET", URL: "http://x.test/1", Headers: "Accept: a", Body: "body", Scheme: "none"}, {Name: "get-2", Method: "GET", URL: "http://x.test/2", Scheme: "none"}}},
	{"variable blocks are no request", "@host = example.com\n\n###\n\nGET https://{{ host }}/x\n", []view{{Name: "get-x", Method: "GET", URL: "https://{{host}}/x", Scheme: "none"}}},
	{"form lines joined (REST Client)", "POST https://api.example.com/login HTTP/1.1\nContent-Type: application/x-www-form-urlencoded\n\nname=foo\n&grant=bar\n",
		[]view{{Name: "post-login", Method: "POST", URL: "https://api.example.com/login", Headers: "Content-Type: application/x-www-form-urlencoded", Body: "name=foo&grant=bar", Scheme: "none"}}},
	{"httpYac: requests without ###", "GET http://x.test/1\n\nGET http://x.test/2\n",
		[]view{{Name: "get-1", Method: "GET", URL: "http://x.test/1", Scheme: "none"}, {Name: "get-2", Method: "GET", URL: "http://x.test/2", Scheme: "none"}}},
	{"httpYac: path below {{host}}", "@host = https://httpbin.org\n\nGET /get\n", []view{{Name: "get-get", Method: "GET", URL: "{{host}}/get", Scheme: "none"}}},
}

func TestGrammar(t *testing.T) {
	for _, tt := range grammarTests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustImport(t, tt.in, Envs{})
			var got []view
			for _, p := range r.Profiles {
				got = append(got, viewOf(p))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Import(%q) =\n%+v\nwant\n%+v", tt.in, got, tt.want)
			}
		})
	}
}

// The shorthands are the REST Client README's ("Authentication") and the
// JetBrains HTTP Client's; secrets typed into the file become env:
// references named after the API.
var authTests = []struct {
	name, in   string
	scheme     string
	fields     string
	headers    string
	unmapped   string // a substring of one Unmapped entry, "" for none
	vars       string // the profile's variables, name=value
	notPresent string // a secret that must not appear anywhere
}{
	{name: "Basic user passwd", in: "GET https://httpbin.org/basic-auth/user/passwd HTTP/1.1\nAuthorization: Basic user passwd\n",
		scheme: "basic", fields: "password=env:HTTPBIN_PASSWORD username=user"},
	{name: "Basic user:passwd", in: "GET https://httpbin.org/basic-auth/user/passwd HTTP/1.1\nAuthorization: Basic user:passwd\n",
		scheme: "basic", fields: "password=env:HTTPBIN_PASSWORD username=user"},
	{name: "Basic base64 (README vector)", in: "GET https://httpbin.org/basic-auth/user/passwd HTTP/1.1\nAuthorization: Basic dXNlcjpwYXNzd2Q=\n",
		scheme: "basic", fields: "password=env:HTTPBIN_PASSWORD username=user", notPresent: "dXNlcjpwYXNzd2Q="},
	{name: "Basic variables", in: "GET https://httpbin.org/basic-auth/user/passwd\nAuthorization: Basic {{username}} {{ password }}\n",
		scheme: "basic", fields: "password={{password}} username={{username}}"},
	{name: "Basic user:{{pass}}", in: "GET https://x.test/\nAuthorization: Basic {{user}}:{{pass}}\n",
		scheme: "basic", fields: "password={{pass}} username={{user}}"},
	{name: "Digest user passwd", in: "GET https://httpbin.org/digest-auth/auth/user/passwd\nAuthorization: Digest user passwd\n",
		scheme: "digest", fields: "password=env:HTTPBIN_PASSWORD username=user"},
	{name: "computed Digest response", in: "GET https://x.test/\nAuthorization: Digest username=\"u\", realm=\"r\", nonce=\"n\", response=\"abc\"\n",
		scheme: "none", headers: "Authorization: Digest username=\"u\", realm=\"r\", nonce=\"n\", response=\"abc\"", unmapped: "computed Digest response"},
	{name: "Bearer variable", in: "GET https://httpbin.org/headers\nAuthorization: Bearer {{auth_token}}\n", scheme: "bearer", fields: "token={{auth_token}}"},
	{name: "Bearer literal", in: "POST https://api.github.com/graphql\nAuthorization: Bearer xxx\n", scheme: "bearer", fields: "token=env:GITHUB_TOKEN"},
	{name: "Bearer $processEnv", in: "GET https://x.test/\nAuthorization: Bearer {{$processEnv GH_TOKEN}}\n", scheme: "bearer", fields: "token=env:GH_TOKEN"},
	{name: "Bearer $dotenv", in: "GET https://x.test/\nAuthorization: Bearer {{$dotenv TOKEN}}\n", scheme: "bearer", fields: "token=env:TOKEN"},
	{name: "API key header", in: "GET https://api.example.com/v1\nX-API-Key: abc123\n", scheme: "apikey", fields: "in=header name=X-API-Key value=env:EXAMPLE_API_KEY", notPresent: "abc123"},
	{name: "AWS (REST Client)", in: "GET https://s3.us-east-1.amazonaws.com/bucket\nAuthorization: AWS AKIDEXAMPLE wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n",
		scheme: "sigv4", fields: "access_key=AKIDEXAMPLE region=us-east-1 secret_key=env:AWS_SECRET_ACCESS_KEY service=s3", notPresent: "wJalrXUtnFEMI"},
	{name: "AWS with token, region and service", in: "GET https://example.com/\nAuthorization: AWS {{id}} {{key}} token:{{st}} region:eu-west-1 service:execute-api\n",
		scheme: "sigv4", fields: "access_key={{id}} region=eu-west-1 secret_key={{key}} service=execute-api session_token={{st}}"},
	{name: "NTLM", in: "GET https://x.test/\nAuthorization: NTLM {{u}} {{p}}\n", scheme: "none", headers: "Authorization: NTLM {{u}} {{p}}", unmapped: "NTLM authentication"},
	{name: "GitHub token header", in: "GET https://api.github.com/user\nAuthorization: token ghp_abc\n", scheme: "none",
		headers: "Authorization: token {{GITHUB_AUTHORIZATION}}", vars: "GITHUB_AUTHORIZATION=env:GITHUB_AUTHORIZATION", notPresent: "ghp_abc"},
	{name: "Authorization from a variable", in: "GET https://x.test/\nAuthorization: {{token}}\n", scheme: "none", headers: "Authorization: {{token}}"},
	{name: "aadToken", in: "GET https://x.test/\nAuthorization: Bearer {{$aadToken}}\n", scheme: "none", headers: "Authorization: Bearer {{$aadToken}}", unmapped: "Azure AD"},
	{name: "file variables, secret one as a reference", in: "@host = api.example.com\n@token = abc\n\nGET https://{{host}}/x\nAuthorization: Bearer {{token}}\n",
		scheme: "bearer", fields: "token={{token}}", vars: "host=api.example.com token=env:TOKEN", notPresent: "abc"},
	{name: "file variable using others", in: "@hostname = api.example.com\n@port = 8080\n@host = {{hostname}}:{{port}}\n\nGET https://{{host}}/authors\n",
		scheme: "none", vars: "hostname=api.example.com port=8080 host={{hostname}}:{{port}}"},
	{name: "$processEnv in the URL", in: "GET https://x.test/values?user={{$processEnv USERNAME}}\n", scheme: "none", vars: "USERNAME=env:USERNAME"},
	{name: "$processEnv with a name a shell cannot hold", in: "GET https://x.test/?u={{$processEnv my.user}}\n", scheme: "none", unmapped: "not a portable environment variable name"},
	{name: "$guid is listed", in: "GET https://x.test/?id={{$guid}}\n", scheme: "none", unmapped: "{{$guid}} in the URL is made by the editor"},
	{name: "$uuid is listed", in: "GET https://x.test/?id={{$uuid}}\n", scheme: "none", unmapped: "{{$uuid}} in the URL"},
	{name: "request variable is listed", in: "GET https://x.test/c/{{createComment.response.body.$.id}}\n", scheme: "none", unmapped: "request variable"},
	{name: "# @prompt", in: "# @prompt password\n# @prompt refCode Your reference code\nPOST https://x.test/verify/{{refCode}}\n\n{\"p\": \"{{password}}\"}\n",
		scheme: "none", vars: "password=prompt refCode=prompt"},
	{name: "form secret", in: "POST http://localhost:8080/token\nContent-Type: application/x-www-form-urlencoded\n\ngrant_type=client_credentials&client_id=w&client_secret=writer-secret\n",
		scheme: "none", headers: "Content-Type: application/x-www-form-urlencoded", vars: "CLIENT_SECRET=env:CLIENT_SECRET", notPresent: "writer-secret"},
	{name: "query secret", in: "GET https://api.openweathermap.org/data/2.5/weather?q=Oslo&appid=abc123\n", scheme: "none",
		vars: "OPENWEATHERMAP_APPID=env:OPENWEATHERMAP_APPID", notPresent: "abc123"},
	{name: "two passwords stay two variables", in: "@a = 1\n\nPOST https://api.example.com/login\nContent-Type: application/x-www-form-urlencoded\n\nuser=a&password=one&password=two&password=one\n",
		scheme: "none", headers: "Content-Type: application/x-www-form-urlencoded", vars: "EXAMPLE_PASSWORD=env:EXAMPLE_PASSWORD EXAMPLE_PASSWORD_2=env:EXAMPLE_PASSWORD_2", notPresent: "one&"},
	{name: "JSON secret is listed", in: "POST https://x.test/login\nContent-Type: application/json\n\n{\"email\": \"a@b\", \"password\": \"passpass\"}\n",
		scheme: "none", headers: "Content-Type: application/json", unmapped: `"password" value typed into the file`},
	{name: "script is listed", in: "GET https://x.test/\n\n> {% client.global.set(\"t\", response.body.token); %}\n", scheme: "none", unmapped: "authlab runs no scripts"},
	{name: "output redirect is listed", in: "GET https://x.test/\n\n>> ./out.json\n", scheme: "none", unmapped: "does not write responses to files"},
}

func TestAuth(t *testing.T) {
	for _, tt := range authTests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustImport(t, tt.in, Envs{})
			if len(r.Profiles) != 1 {
				t.Fatalf("Import(%q) made %d profiles; want 1", tt.in, len(r.Profiles))
			}
			p := r.Profiles[0]
			v := viewOf(p)
			if v.Scheme != tt.scheme || v.Fields != tt.fields || v.Headers != tt.headers {
				t.Errorf("Import(%q) = scheme %q fields %q headers %q; want %q %q %q", tt.in, v.Scheme, v.Fields, v.Headers, tt.scheme, tt.fields, tt.headers)
			}
			var vs []string
			for _, x := range p.Vars {
				vs = append(vs, x.Name+"="+x.Value)
			}
			if got := strings.Join(vs, " "); got != tt.vars {
				t.Errorf("Import(%q) vars = %q; want %q", tt.in, got, tt.vars)
			}
			um := unmappedText(r)
			if tt.unmapped == "" && um != "" || !strings.Contains(um, tt.unmapped) {
				t.Errorf("Import(%q) unmapped = %q; want one with %q", tt.in, um, tt.unmapped)
			}
			if s := tt.notPresent; s != "" && strings.Contains(valuesOf(r), s) {
				t.Errorf("Import(%q) kept the secret %q:\n%s", tt.in, s, valuesOf(r))
			}
		})
	}
}

func unmappedText(r collection.Result) string {
	var s []string
	for _, u := range r.Unmapped {
		s = append(s, u.What)
	}
	return strings.Join(s, "\n")
}

// valuesOf is every value an import made (not the keys): where a secret
// must not be.
func valuesOf(r collection.Result) string {
	var b strings.Builder
	for _, p := range r.Profiles {
		fmt.Fprintln(&b, p.Name, p.Description, p.URL, p.Body, p.BodyFile)
		for _, h := range p.Headers {
			fmt.Fprintln(&b, h.Value)
		}
		for _, v := range p.Fields {
			fmt.Fprintln(&b, v)
		}
		for _, v := range p.Vars {
			fmt.Fprintln(&b, v.Value)
		}
	}
	for _, e := range r.Environments {
		for _, v := range e.Vars {
			fmt.Fprintln(&b, v.Value)
		}
	}
	for _, u := range r.Unmapped {
		fmt.Fprintln(&b, u.Where, u.What)
	}
	for _, n := range r.Notes {
		fmt.Fprintln(&b, n)
	}
	return b.String()
}

func TestFormat(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"GET http://x.test/\n", FormatJetBrains},
		{"@a = b\nGET http://x.test/{{a}}\n", FormatVSCode},
		{"GET http://x.test/?id={{$guid}}\n", FormatVSCode},
		{"GET http://x.test/?id={{$random.uuid}}\n", FormatJetBrains},
		{"@a = b\nGET http://x.test/{{$uuid}}\n", FormatBoth},
	} {
		if got := mustImport(t, tt.in, Envs{}).Format; got != tt.want {
			t.Errorf("Import(%q).Format = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestBadInput(t *testing.T) {
	for _, tt := range []struct {
		name string
		file []byte
		envs Envs
		want string
	}{
		{"empty", []byte("# only a comment\n"), Envs{}, "holds no request"},
		{"binary", []byte("GET http://x\x00"), Envs{}, "not UTF-8 text"},
		{"too large", make([]byte, MaxFile+1), Envs{}, "larger than 20 MiB"},
		{"bad env json", []byte("GET http://x.test/\n"), Envs{Public: []byte("{")}, "http-client.env.json is not valid JSON"},
		{"env json not an object", []byte("GET http://x.test/\n"), Envs{Private: []byte("[1]")}, "http-client.private.env.json is not a JSON object"},
		{"too many variable uses", []byte("@a = 1{{b}}\n@b = 2{{c}}\n@c = 3{{d}}\n@d = 4{{e}}\n@e = 5{{f}}\n@f = 6{{g}}\n@g = 7{{h}}\n@h = 8{{i}}\n@i = 9{{j}}\n@j = 10{{k}}\n@k = 11{{l}}\n@l = 12\n" +
			strings.Repeat("###\nGET http://x.test/{{a}}\n", MaxVarUses/12+1)), Envs{}, "use more than 100000 variables"},
		{"too many requests", []byte(strings.Repeat("###\nGET http://x.test/\n", MaxRequests+2)), Envs{}, "more than 10000 requests"},
		{"too many environments", []byte("GET http://x.test/\n"), Envs{Public: []byte(`{"e":{}` + manyEnvs(MaxEnvironments) + "}")}, "more than 100 environments"},
		{"env json too deep", []byte("GET http://x.test/\n"), Envs{Public: []byte(strings.Repeat("[", 100) + strings.Repeat("]", 100))}, "nested deeper than 64"},
	} {
		_, err := Import("api.http", tt.file, tt.envs)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Import(%s) error = %v; want one line with %q", tt.name, err, tt.want)
		}
	}
}

func manyEnvs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `,"env%d":{}`, i)
	}
	return b.String()
}
