package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// The demo credentials, under the environment-variable names the
// importers gave the secrets of the practice fixtures (each import's
// report names them: "set PASSWORD, CLIENT_SECRET … before sending").
var importDemoEnv = map[string]string{
	"PASSWORD": practice.DemoPassword, "DEMO_PASSWORD": practice.DemoPassword, "TOKEN": practice.DemoToken,
	"API_KEY": practice.DemoAPIKey, "CLIENT_SECRET": practice.DemoOAuth2ClientSecret,
	"CONSUMER_SECRET": practice.DemoConsumerSecret, "TOKEN_SECRET": practice.DemoTokenSecret,
	"AWS_SECRET_KEY": practice.DemoAWSSecretKey, "JWT_SECRET": "demo-jwt-secret",
	"PRACTICE_CLIENT_SECRET": practice.DemoOAuth2ClientSecret, "PRACTICE_PASSWORD_CLIENT_SECRET": practice.DemoOAuth2ClientSecret,
	"PRACTICE_PASSWORD_PASSWORD": practice.DemoPassword,
	"AUTHLAB_PASSWORD":           practice.DemoPassword, "AUTHLAB_TOKEN": practice.DemoToken, "AUTHLAB_API_KEY": practice.DemoAPIKey,
	"AUTHLAB_APIKEYQUERY_KEY": practice.DemoAPIKey, "AUTHLAB_DIGESTAUTH_PASSWORD": practice.DemoPassword, "AUTHLAB_CLIENT_SECRET": practice.DemoOAuth2ClientSecret,
}

// Issue #18: each format's practice fixture is imported through the real
// command (dry run first: nothing written), then every imported profile is
// sent to a practice server with the demo credentials in the environment
// variables the import named, and gets 2xx (exit 0). The fixtures point at
// the practice server's paths; the third-party files the importers' own
// tests read point at their providers.
func TestImportFilesThenSend(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	tests := []struct {
		format, file string
		extra        []string       // import flags
		env          string         // --env for the sends
		vars         []string       // --var for the sends
		want         int            // profiles
		refused      map[string]int // profiles that must not get 2xx: the exit code wanted
	}{
		{"http", "../convert/httpfile/testdata/practice/practice.http", nil, "practice", nil, 8, nil},
		{"postman", "../convert/postman/testdata/fixtures/practice.postman_collection.json", nil, "authlab-practice", []string{"baseUrl=" + srv.URL}, 9,
			map[string]int{"fx/no-auth-opted-out": ExitClientError}}, // "noauth" opts out of the collection's Basic: GitHub's 401
		{"openapi", "../convert/openapi/testdata/practice.yaml", nil, "authlab-practice-server",
			// the names and the client id are prompt placeholders: given here, as a user types them
			[]string{"base_url=" + srv.URL, "digestAuth_username=" + practice.DemoUser, "githubBasic_username=" + practice.DemoUser, "oauthClient_client_id=" + practice.DemoOAuth2ClientID}, 7, nil},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			// the user's own profiles folder: what they import there is
			// theirs (a folder named by AUTHLAB_PROFILES is trusted only
			// after `authlab trust`)
			vars := map[string]string{}
			for k, v := range importDemoEnv {
				vars[k] = v
			}
			lookup := homeLookup(t, vars)
			config, _ := lookup("XDG_CONFIG_HOME")
			dir := filepath.Join(config, "authlab", "profiles")

			out, stderr, code := runIn(t, lookup, append([]string{"import", tt.format, tt.file, "--dry-run", "--save-to", "fx"}, tt.extra...)...)
			if code != ExitOK || !strings.Contains(out, "nothing written") || !strings.Contains(out, "fx/") {
				t.Fatalf("import %s --dry-run: exit %d\n%s%s", tt.format, code, out, stderr)
			}
			if n := countFiles(t, dir); n != 0 {
				t.Fatalf("--dry-run wrote %d files into the profiles folder", n)
			}

			out, stderr, code = runIn(t, lookup, append([]string{"import", tt.format, tt.file, "--save-to", "fx"}, tt.extra...)...)
			if code != ExitOK {
				t.Fatalf("import %s: exit %d\n%s%s", tt.format, code, out, stderr)
			}
			entries, err := profiles.NewStore(dir).List()
			if err != nil || len(entries) != tt.want {
				t.Fatalf("after import: %d profiles, %v; want %d\n%s", len(entries), err, tt.want, out)
			}
			for _, e := range entries {
				if e.Profile == nil {
					t.Errorf("%s: not loadable: %v", e.Name, e.Err)
					continue
				}
				p := e.Profile
				args := []string{"send", "--profile", e.Name, "--practice", srv.URL}
				if tt.env != "" {
					args = append(args, "--env", tt.env)
				}
				for _, v := range tt.vars {
					args = append(args, "--var", v)
				}
				sout, serr, code := runIn(t, lookup, args...)
				want, ok := tt.refused[e.Name]
				if !ok {
					want = ExitOK
				}
				if code != want {
					t.Errorf("send --profile %s (%s %s, scheme %s): exit %d; want %d\n%s%s", e.Name, p.Method, p.URL, p.Scheme, code, want, serr, sout)
				}
				for _, secret := range importDemoEnv {
					if len(secret) > 8 && strings.Contains(sout+serr, secret) {
						t.Errorf("send --profile %s printed the secret %q", e.Name, secret)
					}
				}
			}

			// a second import refuses, naming the profile, and writes nothing
			before := countFiles(t, dir)
			_, stderr, code = runIn(t, lookup, append([]string{"import", tt.format, tt.file, "--save-to", "fx"}, tt.extra...)...)
			if code != ExitError || !strings.Contains(stderr, "exists") {
				t.Errorf("a second import: exit %d, %q; want %d and a line saying what exists", code, stderr, ExitError)
			}
			if after := countFiles(t, dir); after != before {
				t.Errorf("the refused import changed the folder: %d files, then %d", before, after)
			}
		})
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// import openapi --discover fetches an openIdConnect scheme's discovery
// document through the engine and fills the token URL from it; without
// the flag nothing is fetched and a note names the URL.
func TestImportOpenAPIDiscover(t *testing.T) {
	var fetched atomic.Int32
	disco := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":"http://%s","token_endpoint":"http://%s/oauth2/token","authorization_endpoint":"http://%s/oauth2/authorize","grant_types_supported":["client_credentials"]}`, r.Host, r.Host, r.Host)
	}))
	defer disco.Close()
	doc := filepath.Join(t.TempDir(), "oidc.yaml")
	os.WriteFile(doc, []byte(`openapi: 3.1.0
info: {title: OIDC API, version: "1"}
servers: [{url: "https://api.example.com"}]
components:
  securitySchemes:
    oidc: {type: openIdConnect, openIdConnectUrl: "`+disco.URL+`/.well-known/openid-configuration"}
security: [{oidc: []}]
paths:
  /me:
    get: {operationId: me, responses: {"200": {description: ok}}}
`), 0o600)
	lookup := homeLookup(t, nil)
	out, stderr, code := runIn(t, lookup, "import", "openapi", doc, "--dry-run")
	if code != ExitOK || fetched.Load() != 0 {
		t.Fatalf("import without --discover: exit %d, %d fetches; want 0, 0\n%s%s", code, fetched.Load(), out, stderr)
	}
	out, stderr, code = runIn(t, lookup, "import", "openapi", doc, "--discover", "--save-to", "oidc")
	if code != ExitOK || fetched.Load() != 1 {
		t.Fatalf("import --discover: exit %d, %d fetches; want 0, 1\n%s%s", code, fetched.Load(), out, stderr)
	}
	config, _ := lookup("XDG_CONFIG_HOME")
	e, err := profiles.NewStore(filepath.Join(config, "authlab", "profiles")).Load("oidc/me/me") // the group is the path segment without a tag
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got, want := e.Profile.Fields["token_url"], disco.URL+"/oauth2/token"; e.Profile.Scheme != "oauth2" || got != want {
		t.Errorf("imported scheme %q, token_url %q; want oauth2, %q\n%s", e.Profile.Scheme, got, want, out)
	}
}
