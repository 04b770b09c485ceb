package openapi

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// TestPracticeServer imports a document describing the practice server,
// fills in the demo credentials (the env: references through the
// environment, the prompted user name and client id through the prompt)
// and sends every profile: each must get 2xx.
func TestPracticeServer(t *testing.T) {
	doc, err := os.ReadFile("testdata/practice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(doc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if full, total := res.Full(); full != total || total != 7 {
		t.Errorf("Full() = %d, %d; want 7, 7 (unmapped: %v)", full, total, res.Unmapped)
	}
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()

	env := map[string]string{
		"AUTHLAB_PASSWORD": practice.DemoPassword,
		"AUTHLAB_TOKEN":    practice.DemoToken,
		"AUTHLAB_API_KEY":  practice.DemoAPIKey,
		// the second API key of the document gets its own variable
		"AUTHLAB_APIKEYQUERY_KEY": practice.DemoAPIKey,
		// and so does the second password
		"AUTHLAB_DIGESTAUTH_PASSWORD": practice.DemoPassword,
		"AUTHLAB_CLIENT_SECRET":       practice.DemoOAuth2ClientSecret,
	}
	// the prompts a send asks, labelled by the variable as Resolve
	// labels them
	prompts := map[string]string{
		"{{githubBasic_username}}":  practice.DemoUser,
		"{{digestAuth_username}}":   practice.DemoUser,
		"{{oauthClient_client_id}}": practice.DemoOAuth2ClientID,
	}
	r := profiles.Resolver{
		LookupEnv: func(name string) (string, bool) { v, ok := env[name]; return v, ok },
		Prompt: func(label string) (string, error) {
			if v, ok := prompts[label]; ok {
				return v, nil
			}
			return "", errors.New("the test has no answer for " + label)
		},
	}
	if len(res.Environments) != 1 {
		t.Fatalf("environments = %d; want 1", len(res.Environments))
	}
	// the import's environment, base_url pointed at the server as --var
	// base_url=… does: Resolve expands every {{name}}
	envr := res.Environments[0]
	r.Env = &envr
	r.Vars = []profiles.Var{{Name: "base_url", Value: srv.URL}}
	eng := authn.New(authn.Options{})
	seen := map[string]bool{}
	for _, p := range res.Profiles {
		t.Run(p.Name, func(t *testing.T) {
			seen[p.Scheme] = true
			for k, v := range p.Fields {
				if f, ok := schemeField(p.Scheme, k); ok && f.Secret && !profiles.IsRef(v) {
					t.Errorf("field %s = %q: a secret that is not a reference", k, v)
				}
			}
			resolved, err := profiles.Resolve(context.Background(), p, r, profiles.Policy{Prompt: true})
			if err != nil {
				t.Fatal(err)
			}
			result, err := eng.Exchange(context.Background(), resolved.Request)
			if err != nil {
				t.Fatal(err)
			}
			last := result.Exchanges[len(result.Exchanges)-1]
			for _, h := range p.Headers { // API keys beside the scheme went out too
				want := resolved.Request.Header.Get(h.Name)
				if got := last.Request.Header.Get(h.Name); got != want || want == "" || strings.Contains(want, "{{") {
					t.Errorf("header %s sent = %q; want %q, expanded", h.Name, got, want)
				}
			}
			if p.Name == "bearer/with-key" && last.Request.Header.Get("X-API-Key") != practice.DemoAPIKey {
				t.Errorf("bearer/with-key sent no X-API-Key header")
			}
			if last.Response == nil || last.Response.Status/100 != 2 {
				t.Errorf("%s %s: status %v; want 2xx", p.Method, resolved.Request.URL, statusOf(last))
			}
		})
	}
	for _, s := range []string{"basic", "bearer", "apikey", "digest", "oauth2"} {
		if !seen[s] {
			t.Errorf("no profile with scheme %s was sent", s)
		}
	}
	if want := "{{base_url}}/oauth2/token"; !strings.Contains(profileNamed(res.Profiles, "oauth2/me").Fields["token_url"], want) {
		t.Errorf("oauth2/me token_url = %q; want %q", profileNamed(res.Profiles, "oauth2/me").Fields["token_url"], want)
	}
}
