package httpfile

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/profiles"
)

// roundTrips are profiles exported to a .http file and imported again:
// everything but secrets comes back as it was; a secret comes back as the
// {{VAR}} the export wrote for it.
var roundTrips = []struct {
	p    profiles.Profile
	want view
}{
	{profiles.Profile{Name: "users/get-user", Method: "GET", URL: "https://api.github.com/user", Follow: true, Scheme: "basic",
		Fields: map[string]string{"username": "{{user}}", "password": "env:GH_PASS"}, Headers: []profiles.Header{{Name: "Accept", Value: "application/json"}}},
		view{Name: "users/get-user", Method: "GET", URL: "https://api.github.com/user", Headers: "Accept: application/json", Scheme: "basic", Fields: "password={{GH_PASS}} username={{user}}"}},
	{profiles.Profile{Name: "digest", Method: "GET", URL: "{{practice}}/digest", Follow: true, Scheme: "digest",
		Fields: map[string]string{"username": "demo", "password": "prompt"}},
		view{Name: "digest", Method: "GET", URL: "{{practice}}/digest", Scheme: "digest", Fields: "password={{PASSWORD}} username=demo"}},
	{profiles.Profile{Name: "bearer", Method: "GET", URL: "https://api.example.com/me", Follow: false, Scheme: "bearer",
		Fields: map[string]string{"token": "env:EXAMPLE_TOKEN"}},
		view{Name: "bearer", Method: "GET", URL: "https://api.example.com/me", Scheme: "bearer", Fields: "token={{EXAMPLE_TOKEN}}", NoFollow: true}},
	{profiles.Profile{Name: "key", Method: "GET", URL: "https://api.example.com/v1", Follow: true, Scheme: "apikey",
		Fields: map[string]string{"name": "X-API-Key", "in": "header", "value": "keyring:example"}},
		view{Name: "key", Method: "GET", URL: "https://api.example.com/v1", Scheme: "apikey", Fields: "in=header name=X-API-Key value={{EXAMPLE_API_KEY}}"}},
	{profiles.Profile{Name: "post", Method: "POST", URL: "https://{{host}}/items?x=1", Follow: true, Scheme: "none",
		Headers: []profiles.Header{{Name: "Content-Type", Value: "application/json"}}, Body: "{\n  \"name\": \"x\"\n}",
		Vars: []profiles.Var{{Name: "host", Value: "example.com"}}},
		view{Name: "post", Method: "POST", URL: "https://{{host}}/items?x=1", Headers: "Content-Type: application/json", Body: "{\n  \"name\": \"x\"\n}", Scheme: "none"}},
	{profiles.Profile{Name: "upload", Method: "PUT", URL: "https://example.com/u", Follow: true, BodyFile: "./data.json", Scheme: "none"},
		view{Name: "upload", Method: "PUT", URL: "https://example.com/u", BodyFile: "./data.json", Scheme: "none"}},
}

func TestRoundTrip(t *testing.T) {
	var ps []profiles.Profile
	for _, rt := range roundTrips {
		ps = append(ps, rt.p)
	}
	out, err := Export(ps, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Import("export.http", out, Envs{})
	if err != nil {
		t.Fatalf("Import(Export()) error: %v\n%s", err, out)
	}
	if len(r.Profiles) != len(roundTrips) {
		t.Fatalf("Import(Export()) made %d profiles; want %d\n%s", len(r.Profiles), len(roundTrips), out)
	}
	for i, rt := range roundTrips {
		if got := viewOf(r.Profiles[i]); got != rt.want {
			t.Errorf("Import(Export(%s)) =\n%+v\nwant\n%+v", rt.p.Name, got, rt.want)
		}
	}
	if got := r.Profiles[4].Vars; len(got) != 1 || got[0].Name != "host" || got[0].Value != "example.com" || got[0].Secret {
		t.Errorf("Import(Export(post)).Vars = %+v; want host=example.com", got)
	}
	for _, want := range []string{"@practice = http://127.0.0.1:8089\n@host = example.com\n", "#   user: a variable of users/get-user that no environment", "#   PASSWORD: authlab asked for it (digest password)", "#   GH_PASS: authlab read it from the environment variable GH_PASS", "#   EXAMPLE_API_KEY: authlab read it from keyring:example", "# @no-redirect\nGET https://api.example.com/me\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("Export() =\n%s\nwant it to contain %q", out, want)
		}
	}
}

func TestExportKeepsSecretsOut(t *testing.T) {
	ps := []profiles.Profile{
		{Name: "plain", Method: "GET", URL: "https://api.example.com/", Scheme: "basic", Fields: map[string]string{"username": "u", "password": "hunter2"}},
		{Name: "hdr", Method: "GET", URL: "https://api.example.com/", Scheme: "none", Headers: []profiles.Header{{Name: "X-Auth-Token", Value: "tok-123"}}},
		{Name: "q", Method: "GET", URL: "https://api.example.com/", Scheme: "apikey", Fields: map[string]string{"name": "api_key", "in": "query", "value": "k-456"}},
		{Name: "o", Method: "GET", URL: "https://api.example.com/", Scheme: "oauth2", Fields: map[string]string{"grant": "client_credentials", "token_url": "https://a.test/t", "client_id": "c", "client_secret": "cs-789"}},
		{Name: "v", Method: "GET", URL: "https://api.example.com/", Vars: []profiles.Var{{Name: "pw", Value: "pv-000", Secret: true}}},
	}
	envs := []profiles.Environment{{Name: "dev", Vars: []profiles.Var{{Name: "token", Value: "env:TOKEN", Secret: true}, {Name: "host", Value: "dev.test"}}}}
	out, err := Export(ps, envs)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"hunter2", "tok-123", "k-456", "cs-789", "pv-000"} {
		if strings.Contains(string(out), s) {
			t.Errorf("Export() wrote the secret %q:\n%s", s, out)
		}
	}
	for _, want := range []string{"Authorization: Basic u {{EXAMPLE_PASSWORD}}", "X-Auth-Token: {{EXAMPLE_X_AUTH_TOKEN}}", "GET https://api.example.com/?api_key={{EXAMPLE_API_KEY}}", "#   token: authlab read it from the environment variable TOKEN (environment dev)"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("Export() =\n%s\nwant it to contain %q", out, want)
		}
	}
	env, err := ExportEnv(envs)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"dev\": {\n    \"host\": \"dev.test\"\n  }\n}\n"; string(env) != want {
		t.Errorf("ExportEnv() = %q; want %q", env, want)
	}
	r := mustImport(t, "GET https://{{host}}/\n", Envs{Public: env})
	if got := envsText(r); got != "dev: host=dev.test" {
		t.Errorf("Import(ExportEnv()) environments = %q; want %q", got, "dev: host=dev.test")
	}
}

func TestExportRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		p    profiles.Profile
		want string
	}{
		{"comment line in the body", profiles.Profile{Name: "a", Method: "POST", URL: "http://x.test/", Body: "line\n# not a comment"}, "body line 2 starts with \"#"},
		{"separator in the body", profiles.Profile{Name: "a", Method: "POST", URL: "http://x.test/", Body: "### x"}, "body line 1"},
		{"line break in a header", profiles.Profile{Name: "a", Method: "GET", URL: "http://x.test/", Headers: []profiles.Header{{Name: "X", Value: "a\nb"}}}, "holds a line break"},
		{"colon in a basic user", profiles.Profile{Name: "a", Method: "GET", URL: "http://x.test/", Scheme: "basic", Fields: map[string]string{"username": "a:b", "password": "env:P"}}, "space or colon"},
	} {
		_, err := Export([]profiles.Profile{tt.p}, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Export(%s) error = %v; want one line with %q", tt.name, err, tt.want)
		}
	}
}
