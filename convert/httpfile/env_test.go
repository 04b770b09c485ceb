package httpfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/convert/collection"
)

func envsText(r collection.Result) string {
	var lines []string
	for _, e := range r.Environments {
		var vs []string
		for _, v := range e.Vars {
			s := v.Name + "=" + v.Value
			if v.Secret {
				s += "!"
			}
			vs = append(vs, s)
		}
		lines = append(lines, e.Name+": "+strings.Join(vs, " "))
	}
	return strings.Join(lines, "\n")
}

var envTests = []struct {
	name           string
	file           string
	public, secret string
	want           string // environments, name: var=value (! secret)
	fields         string // the first profile's fields
	notPresent     []string
}{
	{name: "$shared fills in, environments override (REST Client README)",
		file:   "GET https://{{host}}/api/{{version}}/comments/1\n",
		public: `{"$shared": {"version": "v1"}, "local": {"version": "v2", "host": "localhost"}, "production": {"host": "example.com"}}`,
		want:   "local: version=v2 host=localhost\nproduction: version=v1 host=example.com"},
	{name: "private overrides public, as a reference",
		file:       "GET https://{{host}}/x\nAuthorization: Bearer {{token}}\n",
		public:     `{"dev": {"host": "dev.test", "token": "public-placeholder"}}`,
		secret:     `{"dev": {"token": "s3cret-dev"}, "prod": {"host": "prod.test"}}`,
		want:       "dev: host=dev.test token=env:TOKEN!\nprod: host=env:PROD_HOST!",
		fields:     "token={{token}}",
		notPresent: []string{"s3cret-dev", "public-placeholder", "prod.test"}},
	{name: "a public value used as a secret becomes a reference",
		file:       "GET https://x.test/\nAuthorization: Basic {{user}} {{pw}}\n",
		public:     `{"dev": {"user": "alice", "pw": "hunter2"}}`,
		want:       "dev: user=alice pw=env:PW!",
		fields:     "password={{pw}} username={{user}}",
		notPresent: []string{"hunter2"}},
	{name: "{{$shared name}} and $processEnv in values",
		file:       "GET https://{{host}}/\nAuthorization: {{token}}\n",
		public:     `{"$shared": {"prodToken": "foo"}, "production": {"host": "example.com", "token": "{{$shared prodToken}}", "key": "{{$processEnv PRODSECRET}}"}}`,
		want:       "production: prodToken=env:PRODTOKEN! host=example.com token=env:TOKEN! key=env:PRODSECRET!",
		notPresent: []string{"foo"}},
	{name: "a secret per environment",
		file:       "GET https://x.test/\nAuthorization: Bearer {{token}}\n",
		secret:     `{"dev": {"token": "dev-tok"}, "prod": {"token": "prod-tok"}, "test": {"token": "dev-tok"}}`,
		want:       "dev: token=env:DEV_TOKEN!\nprod: token=env:PROD_TOKEN!\ntest: token=env:TEST_TOKEN!",
		notPresent: []string{"dev-tok", "prod-tok"}},
	{name: "a VS Code settings file",
		file:   "GET https://{{host}}/\n",
		public: `{"editor.tabSize": 2, "rest-client.environmentVariables": {"$shared": {"version": "v1"}, "local": {"host": "localhost"}}}`,
		want:   "local: version=v1 host=localhost"},
	{name: "only $shared: one environment",
		file:   "GET https://{{host}}/\n",
		public: `{"$shared": {"host": "example.com"}}`,
		want:   "shared: host=example.com"},
	{name: "{{practice}} is built in",
		file:   "GET {{practice}}/basic\n",
		public: `{"dev": {"practice": "http://127.0.0.1:1", "a": "b"}}`,
		want:   "dev: a=b"},
	{name: "auth configuration, secrets from the private file",
		file:       "GET https://api.example.com/me\nAuthorization: Bearer {{$auth.token(\"auth-id\")}}\n",
		public:     `{"dev": {"Security": {"Auth": {"auth-id": {"Type": "OAuth2", "Grant Type": "Authorization Code", "Auth URL": "https://auth.example.com/authorize", "Token URL": "https://auth.example.com/token", "Client ID": "my-client", "Scope": "read write", "PKCE": true, "Client Credentials": "in body"}}}}}`,
		secret:     `{"dev": {"Security": {"Auth": {"auth-id": {"Client Secret": "very-secret"}}}}}`,
		want:       "dev: ",
		fields:     "auth_url=https://auth.example.com/authorize client_auth=body client_id=my-client client_secret=env:AUTH_ID_CLIENT_SECRET grant=authorization_code scope=read write token_url=https://auth.example.com/token",
		notPresent: []string{"very-secret"}},
	{name: "auth configuration differing between environments",
		file:   "GET https://api.example.com/me\nAuthorization: Bearer {{$auth.token(\"a\")}}\n",
		public: `{"dev": {"Security": {"Auth": {"a": {"Type": "OAuth2", "Grant Type": "Client Credentials", "Token URL": "https://dev.test/token", "Client ID": "c"}}}}, "prod": {"Security": {"Auth": {"a": {"Type": "OAuth2", "Grant Type": "Client Credentials", "Token URL": "https://prod.test/token", "Client ID": "c"}}}}}`,
		want:   "dev: A_TOKEN_URL=https://dev.test/token\nprod: A_TOKEN_URL=https://prod.test/token",
		fields: "client_id=c grant=client_credentials token_url={{A_TOKEN_URL}}"},
}

func TestEnvironments(t *testing.T) {
	for _, tt := range envTests {
		t.Run(tt.name, func(t *testing.T) {
			var e Envs
			if tt.public != "" {
				e.Public = []byte(tt.public)
			}
			if tt.secret != "" {
				e.Private = []byte(tt.secret)
			}
			r := mustImport(t, tt.file, e)
			if got := envsText(r); got != tt.want {
				t.Errorf("Import(%q, %s, %s) environments =\n%s\nwant\n%s", tt.file, tt.public, tt.secret, got, tt.want)
			}
			if tt.fields != "" {
				if got := viewOf(r.Profiles[0]).Fields; got != tt.fields {
					t.Errorf("Import(%q) fields = %q; want %q", tt.file, got, tt.fields)
				}
			}
			for _, s := range tt.notPresent {
				if strings.Contains(valuesOf(r), s) {
					t.Errorf("Import(%q) kept the secret %q:\n%s", tt.file, s, valuesOf(r))
				}
			}
		})
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// kulala.nvim's test environment files: an OAuth 2.0 password grant whose
// Password and Client Secret are in the private file, a $shared block of
// default headers, and cached tokens (auth_data).
func TestKulalaEnvFiles(t *testing.T) {
	e := Envs{Public: readTestdata(t, "kulala/http-client.env.json"), Private: readTestdata(t, "kulala/http-client.private.env.json")}
	r := mustImport(t, "### GAPI\nGET https://api.example.com/me\nAuthorization: Bearer {{$auth.token(\"GAPI\")}}\n", e)
	wantEnvs := "dev: DEFAULT_TIMEOUT=1 PASSWORD=env:DEV_PASSWORD! USERNAME=gorillamoe auth_header=env:AUTH_HEADER! pokemon=ditto\n" +
		"prod: DEFAULT_TIMEOUT=1 PASSWORD=env:PROD_PASSWORD! USERNAME=marco auth_header=env:AUTH_HEADER! pokemon=pikachu"
	if got := envsText(r); got != wantEnvs {
		t.Errorf("environments =\n%s\nwant\n%s", got, wantEnvs)
	}
	wantFields := "audience=kulala_api auth_url=https://auth.url client_id=client_id client_secret=env:GAPI_CLIENT_SECRET grant=password password=env:GAPI_PASSWORD scope=scope:sample token_url=https://token.url username=test@mail.com"
	if got := viewOf(r.Profiles[0]).Fields; got != wantFields {
		t.Errorf("fields = %q; want %q", got, wantFields)
	}
	for _, s := range []string{"bananas", "polo", "client_password", "Base64encodedstring"} {
		if strings.Contains(valuesOf(r), s) {
			t.Errorf("the import kept the secret %q", s)
		}
	}
	um := unmappedText(r)
	for _, want := range []string{"default headers", "access_type", "Redirect URL", "auth_data"} {
		if !strings.Contains(um, want) {
			t.Errorf("unmapped = %q; want an entry about %q", um, want)
		}
	}
}
