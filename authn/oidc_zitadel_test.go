package authn_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"

	"github.com/authlab/authlab/authn"
)

// Interop: authlab's oidc client against an independent, OpenID-certified
// provider, zitadel/oidc v3's example OP (example/server/exampleop with its
// in-memory storage, Apache-2.0), run on loopback. The test plays the
// user's browser: it opens the authorization URL, posts the example's login
// form (test-user@127.0.0.1 / verysecure, the example's own demo user) and
// follows the redirects to authlab's loopback listener. authlab must
// discover the provider, run the code flow with PKCE and a nonce, verify
// zitadel's RS256 ID token with its JWKS and read its userinfo.
func TestOIDCInteropZitadel(t *testing.T) {
	if testing.Short() {
		t.Skip("interop test (full tier)")
	}
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String() + "/"
	clients := map[string]*storage.Client{"native": storage.NativeClient("native", "http://127.0.0.1/callback")}
	stor := storage.NewStorageWithClients(storage.NewUserStore(issuer), clients)
	// The example logs every request through slog's default logger, which
	// SetupServer replaces with the one given: a discarding one here, the
	// old default back afterwards (authlab itself does not use slog).
	old := slog.Default()
	t.Cleanup(func() { slog.SetDefault(old) })
	srv.Config.Handler = exampleop.SetupServer(issuer, stor, slog.New(slog.DiscardHandler), false)
	srv.Start()
	defer srv.Close()

	browser := make(chan error, 1)
	signIn := func(authURL string) {
		jar, _ := cookiejar.New(nil)
		hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
		resp, err := hc.Get(authURL)
		if err != nil {
			browser <- err
			return
		}
		resp.Body.Close()
		id := resp.Request.URL.Query().Get("authRequestID")
		if id == "" {
			browser <- &url.Error{Op: "login page", URL: resp.Request.URL.String(), Err: http.ErrMissingFile}
			return
		}
		resp, err = hc.PostForm(srv.URL+"/login/username", url.Values{"id": {id}, "username": {"test-user@127.0.0.1"}, "password": {"verysecure"}})
		if err == nil {
			resp.Body.Close()
		}
		browser <- err
	}
	e := authn.New(authn.Options{Timeout: 10 * time.Second})
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := e.Exchange(ctx, authn.Request{URL: srv.URL + "/userinfo", Scheme: "oidc",
		Fields: map[string]string{"issuer": issuer, "client_id": "native", "scope": "openid profile email"},
		Notify: func(n authn.Notice) {
			if n.URL != "" && !n.Done {
				go signIn(n.URL)
			}
		}})
	if err != nil {
		t.Fatalf("Exchange: %v\nsteps: %q", err, titles(res))
	}
	if err := <-browser; err != nil {
		t.Errorf("browser: %v", err)
	}
	steps := titles(res)
	for _, want := range []string{"Check the issuer of the configuration: pass", "Verify the signature: pass", "Check iss: pass",
		"Check aud: pass", "Check exp: pass", "Check iat: pass", "Check nonce: pass", "Read userinfo and compare its sub: pass", "The ID token is valid"} {
		if !slices.Contains(steps, want) {
			t.Errorf("trace lacks %q; steps %q", want, steps)
		}
	}
	if fin := res.Final(); fin.Role != authn.RoleRequest || fin.Response.Status != 200 || !strings.Contains(string(fin.Response.Body), `"sub"`) {
		t.Errorf("final exchange %s %d %s; want zitadel's userinfo 200", fin.Role, fin.Response.Status, fin.Response.Body)
	}
}

func titles(res *authn.Result) []string {
	var out []string
	if res == nil {
		return nil
	}
	for _, s := range res.Trace.Steps {
		out = append(out, s.Title)
	}
	return out
}
