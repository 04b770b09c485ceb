package postman

import (
	"encoding/json"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// roundTrip are profiles of every scheme, as authlab stores them.
var roundTrip = []profiles.Profile{
	{Name: "github/user", Method: "GET", URL: "https://api.github.com/user", Scheme: "basic",
		Headers: []profiles.Header{{Name: "Accept", Value: "application/vnd.github+json"}},
		Fields:  map[string]string{"username": "octocat", "password": "env:GITHUB_PASSWORD"}},
	{Name: "github/bearer", Method: "GET", URL: "https://api.github.com/user", Scheme: "bearer", Fields: map[string]string{"token": "env:GITHUB_TOKEN"}},
	{Name: "shop/items/create", Description: "Make an item", Method: "POST", URL: "{{base}}/items?page=1",
		Headers: []profiles.Header{{Name: "Content-Type", Value: "application/json"}}, Body: `{"name":"{{item}}"}`,
		Scheme: "apikey", Fields: map[string]string{"name": "X-API-Key", "value": "env:SHOP_API_KEY", "in": "query"}},
	{Name: "digest", Method: "GET", URL: practice.Placeholder + "/digest", Scheme: "digest",
		Fields: map[string]string{"username": "demo", "password": "env:PASSWORD", "algorithm": "SHA-256", "qop": "auth"}},
	{Name: "twitter/verify", Method: "GET", URL: "https://api.twitter.com/1.1/account/verify_credentials.json", Scheme: "oauth1",
		Fields: map[string]string{"consumer_key": "ck", "consumer_secret": "env:TWITTER_CONSUMER_SECRET", "token": "t",
			"token_secret": "env:TWITTER_TOKEN_SECRET", "signature_method": "HMAC-SHA256", "realm": "r"}},
	{Name: "oauth2/cc", Method: "GET", URL: "https://api.example.com/me", Scheme: "oauth2",
		Fields: map[string]string{"token_url": "https://id.example.com/token", "client_id": "app", "client_secret": "env:EXAMPLE_CLIENT_SECRET",
			"scope": "read", "client_auth": "body", "audience": "https://api.example.com"}},
	{Name: "oauth2/code", Method: "GET", URL: "https://api.example.com/me", Scheme: "oauth2",
		Fields: map[string]string{"grant": "authorization_code", "auth_url": "https://id.example.com/auth", "token_url": "https://id.example.com/token", "client_id": "app"}},
	{Name: "oauth2/password", Method: "GET", URL: "https://api.example.com/me", Scheme: "oauth2",
		Fields: map[string]string{"grant": "password", "token_url": "https://id.example.com/token", "client_id": "app", "username": "ann", "password": "env:EXAMPLE_PASSWORD"}},
	{Name: "aws/s3", Method: "GET", URL: "https://s3.amazonaws.com/", Scheme: "sigv4",
		Fields: map[string]string{"access_key": "AKID", "secret_key": "env:AWS_SECRET_ACCESS_KEY", "region": "us-east-1", "service": "s3", "session_token": "env:AWS_SESSION_TOKEN"}},
	{Name: "jwt", Method: "GET", URL: "https://api.example.com/", Scheme: "jwt",
		Fields: map[string]string{"alg": "HS512", "secret": "env:EXAMPLE_SECRET", "claims": `{"sub":"x"}`}},
	{Name: "hawk", Method: "POST", URL: "https://api.example.com/resource", Scheme: "hawk", Body: "hello",
		Headers: []profiles.Header{{Name: "Content-Type", Value: "text/plain"}},
		Fields:  map[string]string{"id": "dh37fgj492je", "key": "env:EXAMPLE_KEY", "algorithm": "sha1", "ext": "some-app-ext-data", "payload_hash": "always"}},
	{Name: "edgegrid", Method: "GET", URL: "https://akab-host.luna.akamaiapis.net/papi/v1/groups", Scheme: "edgegrid",
		Fields: map[string]string{"client_token": "akab-client", "client_secret": "env:AKAMAI_CLIENT_SECRET", "access_token": "env:AKAMAI_ACCESS_TOKEN", "headers_to_sign": "X-A", "max_body": "2048"}},
	{Name: "ntlm", Method: "GET", URL: "https://intranet.example.com/", Scheme: "ntlm",
		Fields: map[string]string{"username": "ann", "password": "env:EXAMPLE_PASSWORD", "domain": "CORP", "workstation": "WS1"}},
	{Name: "open", Method: "DELETE", URL: "https://example.com/x", Scheme: "none", Follow: true},
}

// TestExportRoundTrip: Export then Import gives the same profiles, a
// reference coming back as {{NAME}} whose environment value is that same
// reference.
func TestExportRoundTrip(t *testing.T) {
	envs := []profiles.Environment{{Name: "dev", Vars: []profiles.Var{{Name: "base", Value: "https://shop.example"}, {Name: "item", Value: "pen"}}}}
	out, err := Export("Round trip", roundTrip, envs)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Import(out)
	if err != nil {
		t.Fatalf("Import(Export()) error: %v\n%s", err, out)
	}
	if r.Format != FormatV21 {
		t.Errorf("Format = %q; want %q", r.Format, FormatV21)
	}
	if len(r.Unmapped) != 0 {
		t.Errorf("Unmapped = %v; want none", r.Unmapped)
	}
	vars := map[string]string{}
	for _, e := range r.Environments {
		for _, v := range e.Vars {
			vars[v.Name] = v.Value
		}
	}
	if vars["base"] != "https://shop.example" || vars["item"] != "pen" {
		t.Errorf("environment variables = %v; want base and item back", vars)
	}
	if _, ok := vars["practice"]; ok {
		t.Errorf("the import defined {{practice}}; it is built in")
	}
	if len(r.Profiles) != len(roundTrip) {
		t.Fatalf("got %d profiles; want %d", len(r.Profiles), len(roundTrip))
	}
	for i, want := range roundTrip {
		got := r.Profiles[i]
		// a reference went out as {{NAME}}: it comes back so, with the
		// environment reading the same reference
		for k, v := range got.Fields {
			if name, ok := wholeVar(v); ok && !strings.Contains(want.Fields[k], "{{") {
				got.Fields[k] = vars[name]
			}
		}
		if got.Name != want.Name || got.Method != want.Method || got.URL != want.URL || got.Body != want.Body ||
			got.Scheme != want.Scheme || got.Description != want.Description || got.Follow != want.Follow {
			t.Errorf("profile %d = %+v; want %+v", i, got, want)
		}
		if !maps.Equal(got.Fields, want.Fields) {
			t.Errorf("%s: Fields = %v; want %v", want.Name, got.Fields, want.Fields)
		}
		if !reflect.DeepEqual(got.Headers, want.Headers) {
			t.Errorf("%s: Headers = %v; want %v", want.Name, got.Headers, want.Headers)
		}
	}
}

// TestExportNoSecrets: no secret reaches the collection, whether the
// profile holds a reference or a literal the user chose to store.
func TestExportNoSecrets(t *testing.T) {
	ps := []profiles.Profile{
		{Name: "a", URL: "https://api.github.com/user?access_token=gho_LITERAL1", Scheme: "basic", Fields: map[string]string{"username": "u", "password": "pw-LITERAL2"},
			Headers: []profiles.Header{{Name: "X-Api-Key", Value: "key-LITERAL3"}}},
		{Name: "b", URL: "https://api.example.com/", Scheme: "bearer", Fields: map[string]string{"token": "prompt"}},
	}
	envs := []profiles.Environment{{Name: "prod", Vars: []profiles.Var{{Name: "tok", Value: "tok-LITERAL4", Secret: true}, {Name: "f", Value: "file:/home/u/.tok"}}}}
	out, err := Export("Secrets", ps, envs)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"gho_LITERAL1", "pw-LITERAL2", "key-LITERAL3", "tok-LITERAL4"} {
		if strings.Contains(string(out), s) {
			t.Errorf("the collection holds the secret %q:\n%s", s, out)
		}
	}
	var c struct {
		Variable []exVar `json:"variable"`
	}
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatal(err)
	}
	got := map[string]exVar{}
	for _, v := range c.Variable {
		got[v.Key] = v
	}
	for _, name := range []string{"GITHUB_ACCESS_TOKEN", "GITHUB_PASSWORD", "GITHUB_X_API_KEY", "EXAMPLE_TOKEN", "tok", "f"} {
		v, ok := got[name]
		if !ok || v.Value != "" || !strings.HasPrefix(v.Description, "Secret, not exported") {
			t.Errorf("variable %s = %+v, %v; want an empty secret with a description (all: %v)", name, v, ok, c.Variable)
		}
	}
	if !strings.Contains(got["EXAMPLE_TOKEN"].Description, "authlab reads it from prompt") {
		t.Errorf("EXAMPLE_TOKEN description = %q; want where authlab read it", got["EXAMPLE_TOKEN"].Description)
	}
}

func TestExportShape(t *testing.T) {
	out, err := Export("Shape", []profiles.Profile{
		{Name: "g/h/r", Method: "POST", URL: "https://example.com/", Body: "x", Timeout: 5 * time.Second},
		{Name: "g/s", URL: "https://example.com/"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Info struct{ Schema string }
		Item []struct {
			Name string
			Item []struct {
				Name    string
				Item    []json.RawMessage
				Request *struct {
					Method      string
					Description string
					Auth        struct{ Type string }
				}
			}
		}
	}
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatal(err)
	}
	if c.Info.Schema != SchemaV21 || len(c.Item) != 1 || c.Item[0].Name != "g" || len(c.Item[0].Item) != 2 ||
		c.Item[0].Item[0].Name != "h" || len(c.Item[0].Item[0].Item) != 1 || c.Item[0].Item[1].Name != "s" {
		t.Fatalf("tree = %s; want g/{h/{r}, s}", out)
	}
	s := c.Item[0].Item[1].Request
	if s == nil || s.Method != "GET" || s.Auth.Type != "noauth" {
		t.Errorf("g/s = %+v; want GET with noauth", s)
	}
	if _, err := Export("", nil, nil); err == nil {
		t.Errorf("Export without a name succeeded")
	}
	if !strings.Contains(string(out), "timeout 5s") {
		t.Errorf("the timeout a collection cannot carry is not named in the description:\n%s", out)
	}
}
