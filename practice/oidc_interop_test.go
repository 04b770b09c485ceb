package practice

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/authlab/authlab/authn"
)

// Interop: the practice provider's ID tokens, discovery, JWKS and userinfo
// checked by an independent relying party, github.com/coreos/go-oidc/v3
// (Apache-2.0): its Provider reads /oidc's discovery document (and checks
// its issuer), its IDTokenVerifier checks the RS256 signature through the
// JWKS, iss, aud, exp, and the token's at_hash against the access token;
// the nonce is compared with the one authlab sent. After two key
// rotations a new token is signed with a key go-oidc's cached key set has
// never seen: its remote key set must fetch the JWKS again and accept it.
func TestOIDCInteropGoOIDCVerifiesPractice(t *testing.T) {
	if testing.Short() {
		t.Skip("interop test (full tier)")
	}
	clock := oauth2NewClock(1)
	e := oauth2Setup(t, true, clock, clock)
	oidcBrowser(t, e)
	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, e.url+"/oidc")
	if err != nil {
		t.Fatalf("go-oidc NewProvider: %v", err)
	}
	verifier := provider.Verifier(&oidc.Config{ClientID: DemoOAuth2ClientID, Now: clock.Now})

	// tokens returns the access and ID token of the token exchange of res.
	tokens := func(res *authn.Result) (string, string) {
		for _, ex := range res.Exchanges {
			if ex.Role == authn.RoleToken && ex.Response != nil && ex.Response.Status == 200 {
				var b struct{ AccessToken, IDToken string }
				var m map[string]string
				json.Unmarshal(ex.Response.Body, &m)
				b.AccessToken, b.IDToken = m["access_token"], m["id_token"]
				return b.AccessToken, b.IDToken
			}
		}
		t.Fatal("no token exchange")
		return "", ""
	}
	check := func(res *authn.Result, wantNonce string) {
		t.Helper()
		at, raw := tokens(res)
		idt, err := verifier.Verify(ctx, raw)
		if err != nil {
			t.Fatalf("go-oidc Verify: %v", err)
		}
		if idt.Subject != DemoUser || idt.Nonce != wantNonce {
			t.Errorf("go-oidc read sub %q nonce %q; want %q and %q", idt.Subject, idt.Nonce, DemoUser, wantNonce)
		}
		if err := idt.VerifyAccessToken(at); err != nil {
			t.Errorf("go-oidc at_hash check: %v", err)
		}
		ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: at, TokenType: "Bearer"}))
		if err != nil || ui.Subject != DemoUser || ui.Email != DemoOIDCEmail {
			t.Errorf("go-oidc UserInfo = %+v, %v; want sub %s email %s", ui, err, DemoUser, DemoOIDCEmail)
		}
	}
	res, err := e.oidcSend(t, map[string]string{"scope": "openid email"})
	if err != nil {
		t.Fatal(err)
	}
	nonce := oidcClientValue(res, "nonce")
	check(res, nonce)

	for range 2 {
		resp, err := http.Post(e.url+"/oidc/rotate", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	clock.Advance(2 * time.Hour)
	res, err = e.oidcSend(t, map[string]string{"scope": "openid email"})
	if err != nil {
		t.Fatal(err)
	}
	if kid := oauth2ServerTrace(t, res, 0)["id_token kid"]; kid != "practice-3" {
		t.Fatalf("kid %q; want practice-3 after two rotations", kid)
	}
	check(res, nonce) // a refresh: the ID token keeps the sign-in's nonce (OIDC Core §12.2)
}
