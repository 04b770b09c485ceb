package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// tokensEnv is an in-process Env whose XDG_STATE_HOME is a temporary
// folder (token cache and history there) and whose profiles folder is
// another.
func tokensEnv(t *testing.T, state string, stdout, stderr *bytes.Buffer) Env {
	env := testEnv(stdout, stderr)
	vars := map[string]string{"XDG_STATE_HOME": state, "XDG_CONFIG_HOME": filepath.Join(state, "config"), "HOME": state}
	env.LookupEnv = func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	return env
}

// --token-cache file across two runs of `authlab send`: the first run gets
// a token and keeps it (0600 file under XDG_STATE_HOME), the second sends
// it without a token request; `tokens list` shows it masked with its
// expiry, `tokens forget KEY` removes it; the history never holds it.
func TestTokenCacheAcrossSends(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	state := t.TempDir()
	args := []string{"send", "--trace", "--token-cache", "file", "-a", "oauth2", "-c", "token_url=" + srv.URL + "/oauth2/token",
		"-c", "client_id=" + practice.DemoOAuth2ClientID, "-c", "client_secret=" + practice.DemoOAuth2ClientSecret, "-c", "scope=read", srv.URL + "/oauth2/me"}
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, tokensEnv(t, state, &out, &errb))
		return code, out.String(), errb.String()
	}
	code, out, errs := run(args...)
	if code != 0 || !strings.Contains(out+errs, "Keep the token in the token cache") || !strings.Contains(out+errs, "Ask the token endpoint") {
		t.Fatalf("first send = %d\n%s%s", code, out, errs)
	}
	path := filepath.Join(state, "authlab", "tokens.json")
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token cache file %s: %v %v; want mode 0600", path, fi, err)
	}
	cache := &profiles.FileTokenCache{Path: path}
	all, _ := cache.List()
	if len(all) != 1 || all[0].AccessToken == "" {
		t.Fatalf("cache entries = %+v; want one token", all)
	}
	at := all[0].AccessToken

	code, out, errs = run(args...)
	if code != 0 || !strings.Contains(out+errs, "Load the token from the token cache") || strings.Contains(out+errs, "Ask the token endpoint") {
		t.Errorf("second send = %d; want the cached token and no token request\n%s%s", code, out, errs)
	}
	hist, _ := os.ReadFile(filepath.Join(state, "authlab", "history.jsonl"))
	if len(hist) == 0 || bytes.Contains(hist, []byte(at)) {
		t.Errorf("history (%d bytes) holds the access token, or is empty", len(hist))
	}

	code, out, _ = run("tokens", "list")
	if code != 0 || !strings.Contains(out, all[0].Key) || strings.Contains(out, at) || !regexp.MustCompile(`\(in 59m5\ds\)|\(in 1h0m0s\)`).MatchString(out) {
		t.Errorf("tokens list = %d\n%s\nwant the key, a masked token and the expiry in about an hour", code, out)
	}
	if code, _, errs = run("tokens", "forget", "0000000000000000"); code != 1 || !strings.Contains(errs, "no cached token with key") {
		t.Errorf("forget of an unknown key = %d %q", code, errs)
	}
	if code, out, _ = run("tokens", "forget", all[0].Key); code != 0 || !strings.Contains(out, "forgot 1 token") {
		t.Errorf("tokens forget = %d %q", code, out)
	}
	if code, out, _ = run("tokens", "list"); code != 0 || !strings.Contains(out, "no cached tokens") {
		t.Errorf("tokens list after forget = %d %q", code, out)
	}
}

// An OpenID Connect sign-in kept in the file cache: the next engine (a
// new run) loads it and calls the API at once; Engine.ForgetToken (the
// TUI's key) removes it, and the run after signs in again. A bad --token-cache is one line.
func TestTokenCacheOIDC(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{AutoApprove: true}).Handler())
	defer srv.Close()
	cache := &profiles.FileTokenCache{Path: filepath.Join(t.TempDir(), "tokens.json")}
	req := authn.Request{URL: srv.URL + "/oidc/userinfo", Scheme: "oidc", Fields: map[string]string{"issuer": srv.URL + "/oidc",
		"client_id": practice.DemoOAuth2PublicClientID, "scope": "openid email"},
		Notify: func(n authn.Notice) {
			if n.URL != "" && n.Code == "" {
				go func() {
					if resp, err := http.Get(n.URL); err == nil {
						resp.Body.Close()
					}
				}()
			}
		}}
	roles := func(res *authn.Result) []string {
		var out []string
		for _, ex := range res.Exchanges {
			out = append(out, ex.Role)
		}
		return out
	}
	send := func() *authn.Result {
		e := authn.New(authn.Options{Timeout: 5 * time.Second, TokenCache: cache})
		defer e.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := e.Exchange(ctx, req)
		if err != nil {
			t.Fatalf("Exchange: %v", err)
		}
		return res
	}
	first := send()
	if !slices.Contains(roles(first), authn.RoleToken) {
		t.Fatalf("first run roles %q; want a sign-in", roles(first))
	}
	second := send()
	if got := roles(second); !slices.Equal(got, []string{authn.RoleDiscovery, authn.RoleRequest}) {
		t.Errorf("second run roles %q; want discovery and the API only (token from the cache)", got)
	}
	e := authn.New(authn.Options{TokenCache: cache})
	key, err := e.ForgetToken(req)
	e.Close()
	if all, _ := cache.List(); err != nil || key == "" || len(all) != 0 {
		t.Errorf("ForgetToken = %q, %v; cache holds %d entries, want 0", key, err, len(all))
	}
	if third := send(); !slices.Contains(roles(third), authn.RoleToken) {
		t.Errorf("after forget roles %q; want a new sign-in", roles(third))
	}
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"send", "--token-cache", "disk", "http://127.0.0.1:1/"}, testEnv(&out, &errb)); code != 1 || !strings.Contains(errb.String(), "bad --token-cache") {
		t.Errorf("--token-cache disk = %d %q", code, errb.String())
	}
}

// `authlab tokens introspect|revoke PROFILE` on the cached token of a
// saved oidc profile: introspection says active with its subject, the
// revocation is 200 and drops the token from the cache, and the provider
// then calls the old token inactive.
func TestTokensIntrospectRevoke(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	state := t.TempDir()
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, tokensEnv(t, state, &out, &errb))
		return code, out.String() + errb.String()
	}
	// The demo refresh token signs in without a browser (scope read: no ID
	// token, and userinfo answers 403 insufficient_scope; the token is kept).
	code, out := run("send", "--token-cache", "file", "--save", "t/oidc", "--allow-plaintext", "-a", "oidc",
		"-c", "issuer="+srv.URL+"/oidc", "-c", "client_id="+practice.DemoOAuth2ClientID, "-c", "client_secret="+practice.DemoOAuth2ClientSecret,
		"-c", "refresh_token="+practice.DemoOAuth2RefreshToken, srv.URL+"/oidc/userinfo")
	if code != 4 || !strings.Contains(out, "Keep the token in the token cache") && !strings.Contains(out, "403") {
		t.Fatalf("send = %d\n%s", code, out)
	}
	cache := &profiles.FileTokenCache{Path: filepath.Join(state, "authlab", "tokens.json")}
	all, _ := cache.List()
	if len(all) != 1 {
		t.Fatalf("cache holds %d entries; want 1", len(all))
	}
	at := all[0].AccessToken
	code, out = run("tokens", "introspect", "t/oidc", "--token-cache", "file")
	if code != 0 || !strings.Contains(out, "Read the introspection answer") || !strings.Contains(out, "active: true") || strings.Contains(out, at) {
		t.Errorf("tokens introspect = %d\n%s\nwant active: true, the token masked", code, out)
	}
	code, out = run("tokens", "revoke", "t/oidc", "--token-cache", "file")
	if code != 0 || !strings.Contains(out, "Revoked") {
		t.Errorf("tokens revoke = %d\n%s", code, out)
	}
	if all, _ := cache.List(); len(all) != 0 {
		t.Errorf("after revoke the cache holds %d entries; want 0", len(all))
	}
	r, _ := http.NewRequest("POST", srv.URL+"/oidc/introspect", strings.NewReader("token="+at))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetBasicAuth(practice.DemoOAuth2ClientID, practice.DemoOAuth2ClientSecret)
	if resp, err := http.DefaultClient.Do(r); err != nil {
		t.Error(err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), `"active":false`) {
			t.Errorf("the provider says %s about the revoked token; want active false", b)
		}
	}
	if code, out = run("tokens", "introspect", "nope/none"); code != 1 {
		t.Errorf("introspect of a missing profile = %d %s", code, out)
	}
}
