package postman

import (
	"context"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// demoEnv is the process environment the practice test runs with: the
// practice server's demo secrets under the names the import chose.
var demoEnv = map[string]string{
	"PASSWORD":        practice.DemoPassword,
	"CLIENT_SECRET":   practice.DemoOAuth2ClientSecret,
	"TOKEN":           practice.DemoToken,
	"API_KEY":         practice.DemoAPIKey,
	"CONSUMER_SECRET": practice.DemoConsumerSecret,
	"TOKEN_SECRET":    practice.DemoTokenSecret,
	"AWS_SECRET_KEY":  practice.DemoAWSSecretKey,
	"JWT_SECRET":      practice.DemoJWTSecret,
}

// TestPracticeServer imports the practice fixture, points its base URL at
// an in-process practice server, fills the demo credentials in through
// the environment variables the import named, and sends every request
// whose scheme the practice server verifies: each must get a 2xx. Then
// the same again with what Export wrote of the import, imported anew.
func TestPracticeServer(t *testing.T) {
	if testing.Short() {
		t.Skip("sends to a practice server")
	}
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	doc, err := os.ReadFile("testdata/fixtures/practice.postman_collection.json")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("import", func(t *testing.T) { sendAll(t, srv.URL, doc) })
	r, err := Import(doc)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Export("authlab practice", r.Profiles, r.Environments)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("export then import", func(t *testing.T) { sendAll(t, srv.URL, again) })
}

func sendAll(t *testing.T, base string, doc []byte) {
	r, err := Import(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Environments) != 1 {
		t.Fatalf("got %d environments; want the collection's", len(r.Environments))
	}
	// the import's environment, its baseUrl pointed at the server as
	// --var baseUrl=… does: Resolve expands every {{name}}
	env := r.Environments[0]
	over := []profiles.Var{{Name: "baseUrl", Value: base}}
	want := map[string]string{
		"basic-from-the-collection":     "basic",
		"tokens/bearer-from-the-folder": "bearer",
		"tokens/api-key":                "apikey",
		"digest":                        "digest",
		"oauth-1-0a":                    "oauth1",
		"oauth-2-0-client-credentials":  "oauth2",
		"aws-signature":                 "sigv4",
		"jwt":                           "jwt",
		"no-auth-opted-out":             "none",
	}
	eng := authn.New(authn.Options{Timeout: 10 * time.Second})
	defer eng.Close()
	lookup := func(name string) (string, bool) { v, ok := demoEnv[name]; return v, ok }
	sent := 0
	for _, p := range r.Profiles {
		scheme, ok := want[p.Name]
		if !ok {
			t.Errorf("unexpected profile %q", p.Name)
			continue
		}
		if p.Scheme != scheme {
			t.Errorf("%s: Scheme = %q; want %q", p.Name, p.Scheme, scheme)
		}
		if scheme == "none" {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, err := profiles.Resolve(ctx, p, profiles.Resolver{LookupEnv: lookup, Env: &env, Vars: over}, profiles.Policy{})
		if err != nil {
			cancel()
			t.Errorf("%s: Resolve: %v", p.Name, err)
			continue
		}
		out, err := eng.Exchange(ctx, res.Request)
		cancel()
		if err != nil {
			t.Errorf("%s: Exchange: %v", p.Name, err)
			continue
		}
		sent++
		if f := out.Final(); f == nil || f.Response == nil || f.Response.Status/100 != 2 {
			status := 0
			body := ""
			if f != nil && f.Response != nil {
				status, body = f.Response.Status, string(f.Response.Body)
			}
			t.Errorf("%s (%s): status %d; want 2xx: %s", p.Name, scheme, status, body)
		}
	}
	if sent != len(want)-1 {
		t.Errorf("sent %d requests; want %d", sent, len(want)-1)
	}
}

func TestPracticePlaceholder(t *testing.T) {
	if got := "{{" + practiceVar + "}}"; got != practice.Placeholder {
		t.Errorf("{{practiceVar}} = %q; want practice.Placeholder %q", got, practice.Placeholder)
	}
}
