package openapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// billionLaughs is the classic YAML bomb: nine aliases of nine aliases,
// nine levels deep (9^9 values once expanded, from under 1 KiB).
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("openapi: 3.0.0\nx0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "x%d: &x%d [", i, i)
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*x%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

var limitTests = []struct {
	name, doc, want string
}{
	{"billion laughs", billionLaughs(), "YAML bomb"},
	{"deep JSON", strings.Repeat("[", 100_000), "nests deeper"},
	{"deep YAML", "openapi: 3.0.0\nx: " + strings.Repeat("[", 100_000), "YAML"},
	{"self alias", "openapi: 3.0.0\na: &a [*a]\n", ""},
	{"too large", "openapi: 3.0.0\n" + strings.Repeat(" ", MaxDocument), "over the 20 MiB limit"},
}

func TestLimits(t *testing.T) {
	for _, tt := range limitTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import([]byte(tt.doc), Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Import(%s) error = %v; want one saying %q", tt.name, err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is more than one line", err)
			}
		})
	}
}

// TestAliasesShared: aliases that expand to little are fine, and merge
// keys (<<: *base) merge.
func TestAliasesShared(t *testing.T) {
	doc := `openapi: 3.0.3
info: {title: Aliases, version: "1"}
servers: [{url: "https://api.example.com"}]
x-common: &common
  tags: [things]
  security: [{key: []}]
paths:
  /a:
    get:
      <<: *common
      operationId: getA
  /b:
    get:
      <<: *common
      operationId: getB
      security: []
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
`
	r := mustImport(t, doc, Options{})
	if len(r.Profiles) != 2 {
		t.Fatalf("%d profiles; want 2", len(r.Profiles))
	}
	if a, b := r.Profiles[0], r.Profiles[1]; a.Name != "things/get-a" || a.Scheme != "apikey" || b.Name != "things/get-b" || b.Scheme != "none" {
		t.Errorf("profiles = %s %s, %s %s; want things/get-a apikey, things/get-b none (its own security wins over the merged one)", a.Name, a.Scheme, b.Name, b.Scheme)
	}
}

// discoveryServer serves OpenID Provider metadata on loopback.
func discoveryServer(t *testing.T, docs map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, ok := docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, strings.ReplaceAll(d, "ISSUER", "http://"+r.Host))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// fetcher is an Options.Discover over HTTP, as the import command would
// wire it.
func fetcher(calls *int) func(ctx context.Context, url string) ([]byte, error) {
	return func(ctx context.Context, url string) ([]byte, error) {
		*calls++
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s: %s", url, resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, MaxDiscovery+1))
	}
}

var discoveryTests = []struct {
	name    string
	path    string
	fields  map[string]string // fields expected (besides client_id)
	pending string            // part of the Unmapped text when not full
}{
	{"authorization code", "/code/.well-known/openid-configuration",
		map[string]string{"grant": "authorization_code", "token_url": "ISSUER/token", "auth_url": "ISSUER/authorize", "scope": "openid email"}, ""},
	{"client credentials only", "/cc/.well-known/openid-configuration",
		map[string]string{"grant": "client_credentials", "token_url": "ISSUER/token", "client_secret": "env:EXAMPLE_CLIENT_SECRET", "scope": "openid email"}, ""},
	{"device only", "/device/.well-known/openid-configuration",
		map[string]string{"grant": "device_code", "token_url": "ISSUER/token", "device_auth_url": "ISSUER/device"}, ""},
	{"not found", "/missing/.well-known/openid-configuration", nil, "discovery failed"},
	{"relative endpoint", "/bad/.well-known/openid-configuration", nil, "not an absolute http(s) URL"},
	{"not JSON", "/html/.well-known/openid-configuration", nil, "not a JSON discovery document"},
}

func TestOpenIDConnectDiscovery(t *testing.T) {
	srv := discoveryServer(t, map[string]string{
		"/code/.well-known/openid-configuration":   `{"issuer":"ISSUER","authorization_endpoint":"ISSUER/authorize","token_endpoint":"ISSUER/token","code_challenge_methods_supported":["S256"]}`,
		"/cc/.well-known/openid-configuration":     `{"issuer":"ISSUER","token_endpoint":"ISSUER/token","grant_types_supported":["client_credentials"]}`,
		"/device/.well-known/openid-configuration": `{"issuer":"ISSUER","token_endpoint":"ISSUER/token","device_authorization_endpoint":"ISSUER/device","grant_types_supported":["urn:ietf:params:oauth:grant-type:device_code"]}`,
		"/bad/.well-known/openid-configuration":    `{"issuer":"ISSUER","token_endpoint":"/token"}`,
		"/html/.well-known/openid-configuration":   `<html>`,
	})
	for _, tt := range discoveryTests {
		t.Run(tt.name, func(t *testing.T) {
			doc := oneOp("[{oidc: [email]}]", fmt.Sprintf("    oidc: {type: openIdConnect, openIdConnectUrl: '%s%s'}\n", srv.URL, tt.path))
			calls := 0
			r := mustImport(t, doc, Options{Discover: fetcher(&calls)})
			if calls != 1 {
				t.Errorf("Discover called %d times; want 1", calls)
			}
			p := r.Profiles[0]
			for k, want := range tt.fields {
				want = strings.ReplaceAll(want, "ISSUER", srv.URL)
				if p.Fields[k] != want {
					t.Errorf("field %s = %q; want %q", k, p.Fields[k], want)
				}
			}
			full, _ := r.Full()
			if tt.pending == "" && full != 1 {
				t.Errorf("not mapped fully: %v", r.Unmapped)
			}
			if tt.pending != "" {
				if full != 0 {
					t.Errorf("mapped fully; want Unmapped saying %q", tt.pending)
				}
				if !strings.Contains(strings.Join(r.Notes, "\n"), srv.URL) {
					t.Errorf("Notes = %q; want one naming the discovery URL", r.Notes)
				}
			}
		})
	}
}

// TestDiscoveryOnce: one discovery document serves every operation.
func TestDiscoveryOnce(t *testing.T) {
	srv := discoveryServer(t, map[string]string{"/o": `{"issuer":"ISSUER","authorization_endpoint":"ISSUER/a","token_endpoint":"ISSUER/t"}`})
	doc := fmt.Sprintf(`openapi: 3.0.0
info: {title: T, version: "1"}
security: [{oidc: []}]
paths:
  /a: {get: {}, put: {}, post: {}}
components:
  securitySchemes:
    oidc: {type: openIdConnect, openIdConnectUrl: '%s/o'}
`, srv.URL)
	calls := 0
	r := mustImport(t, doc, Options{Discover: fetcher(&calls)})
	if calls != 1 || len(r.Profiles) != 3 {
		t.Errorf("Discover called %d times for %d profiles; want once for 3", calls, len(r.Profiles))
	}
}
