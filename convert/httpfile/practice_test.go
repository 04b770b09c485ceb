package httpfile

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// TestPractice imports a request file written for the practice server and
// sends each request with the demo credentials, which the import turned
// into env: references: every one must get a 2xx.
func TestPractice(t *testing.T) {
	if testing.Short() {
		t.Skip("sends requests to a loopback practice server")
	}
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	t.Cleanup(srv.Close)
	r, err := Import("practice.http", readTestdata(t, "practice/practice.http"), Envs{
		Public: readTestdata(t, "practice/http-client.env.json"), Private: readTestdata(t, "practice/http-client.private.env.json")})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Environments) != 1 || r.Environments[0].Name != "practice" {
		t.Fatalf("Import made environments %+v; want one named practice", r.Environments)
	}
	if full, total := r.Full(); full != total || total != 8 {
		t.Errorf("Full() = %d, %d; want 8, 8\n%s", full, total, unmappedText(r))
	}
	for _, s := range []string{"demo-password", "demo-token", "demo-api-key", "demo-client-secret"} {
		if strings.Contains(valuesOf(r), s) {
			t.Errorf("the import kept the demo secret %q", s)
		}
	}
	// The references the import chose, and the demo secrets they hold.
	envVars := map[string]string{
		"PASSWORD": practice.DemoPassword, "TOKEN": practice.DemoToken, "API_KEY": practice.DemoAPIKey,
		"DEMO_PASSWORD": practice.DemoPassword, "PRACTICE_CLIENT_SECRET": practice.DemoOAuth2ClientSecret,
		"PRACTICE_PASSWORD_CLIENT_SECRET": practice.DemoOAuth2ClientSecret, "PRACTICE_PASSWORD_PASSWORD": practice.DemoPassword,
	}
	used := map[string]bool{}
	// the import's environment, {{practice}} pointed at the server as
	// --var practice=… does: Resolve expands every {{name}}
	env := r.Environments[0]
	res := profiles.Resolver{LookupEnv: func(name string) (string, bool) {
		v, ok := envVars[name]
		used[name] = ok
		return v, ok
	}, Env: &env, Vars: []profiles.Var{{Name: "practice", Value: srv.URL}}}
	eng := authn.New(authn.Options{})
	wantSchemes := []string{"basic", "basic", "digest", "bearer", "apikey", "digest", "oauth2", "oauth2"}
	for i, p := range r.Profiles {
		t.Run(p.Name, func(t *testing.T) {
			if p.Scheme != wantSchemes[i] {
				t.Errorf("profile %s scheme = %q; want %q", p.Name, p.Scheme, wantSchemes[i])
			}
			rs, err := profiles.Resolve(context.Background(), p, res, profiles.Policy{})
			if err != nil {
				t.Fatalf("Resolve(%s): %v", p.Name, err)
			}
			out, err := eng.Exchange(context.Background(), rs.Request)
			if err != nil {
				t.Fatalf("Exchange(%s): %v", p.Name, err)
			}
			if f := out.Final(); f == nil || f.Response == nil || f.Response.Status < 200 || f.Response.Status > 299 {
				t.Errorf("%s %s got %+v; want a 2xx", p.Method, p.URL, f)
			}
		})
	}
	for name := range envVars {
		if !used[name] {
			t.Errorf("no profile read env:%s", name)
		}
	}
}
