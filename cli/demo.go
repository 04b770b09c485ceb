package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/spf13/cobra"
)

// demoNote marks the literal credentials of the demo profiles: they are the
// practice server's public demo values, the same in every classroom.
const demoNote = " (demo credentials of the practice server: public, not secrets)"

// demoProfiles are created on first start so a newcomer's first minute works
// offline: pick one, ctrl+r, see both seed examples answered.
func demoProfiles() []profiles.Profile {
	oauth := func(tokenSecret string) map[string]string {
		return map[string]string{
			"consumer_key": practice.DemoConsumerKey, "consumer_secret": practice.DemoConsumerSecret,
			"token": practice.DemoAccessToken, "token_secret": tokenSecret,
		}
	}
	oauth2 := func(m map[string]string) map[string]string {
		m["token_url"] = practice.Placeholder + "/oauth2/token"
		if m["client_id"] == "" {
			m["client_id"] = practice.DemoOAuth2ClientID
		}
		return m
	}
	aws := func(secret, region string) map[string]string {
		return map[string]string{"access_key": practice.DemoAWSAccessKey, "secret_key": secret, "region": region, "service": practice.DemoAWSService}
	}
	edgegrid := func(secret string) map[string]string {
		return map[string]string{"client_token": practice.DemoEdgeGridClientToken, "client_secret": secret, "access_token": practice.DemoEdgeGridAccessToken}
	}
	dg, me := practice.Placeholder+"/digest", practice.Placeholder+"/oauth2/me"
	jw, aw := practice.Placeholder+"/jwt", practice.Placeholder+"/aws"
	gh := practice.Placeholder + "/github/user"
	tw := practice.Placeholder + "/twitter/1.1/account/verify_credentials.json"
	return []profiles.Profile{
		{Name: "demo/github-basic", Description: "GitHub with Basic auth: the right password → 200" + demoNote, Method: "GET", URL: gh,
			Scheme: "basic", Fields: map[string]string{"username": practice.DemoUser, "password": practice.DemoPassword}},
		{Name: "demo/github-basic-wrong", Description: "GitHub with a wrong password → 401 Bad credentials (the seed's first example)" + demoNote, Method: "GET", URL: gh,
			Scheme: "basic", Fields: map[string]string{"username": practice.DemoUser, "password": "not-the-password"}},
		{Name: "demo/github-bearer", Description: "GitHub with a Bearer token → 200" + demoNote, Method: "GET", URL: gh,
			Scheme: "bearer", Fields: map[string]string{"token": practice.DemoToken}},
		{Name: "demo/twitter-verify", Description: "Twitter verify_credentials with OAuth 1.0a → 200" + demoNote, Method: "GET", URL: tw,
			Scheme: "oauth1", Fields: oauth(practice.DemoTokenSecret)},
		{Name: "demo/twitter-wrong-token-secret", Description: "OAuth 1.0a with a wrong token secret → 401 code 32" + demoNote, Method: "GET", URL: tw,
			Scheme: "oauth1", Fields: oauth("wrong-token-secret")},
		{Name: "demo/twitter-no-auth", Description: "Twitter without credentials → 400 code 215 (the seed's second example)", Method: "GET", URL: tw, Scheme: "none"},
		{Name: "demo/bearer-expired", Description: "RFC 6750 Bearer with an expired token → 401 invalid_token" + demoNote, Method: "GET", URL: practice.Placeholder + "/bearer",
			Scheme: "bearer", Fields: map[string]string{"token": practice.DemoExpiredToken}},
		{Name: "demo/apikey", Description: "An API key in the X-API-Key header → 200" + demoNote, Method: "GET", URL: practice.Placeholder + "/apikey",
			Scheme: "apikey", Fields: map[string]string{"name": "X-API-Key", "value": practice.DemoAPIKey}},

		{Name: "demo/digest", Description: "Digest: a 401 challenge, then the answer → 200 (two exchanges in the flow view)" + demoNote, Method: "GET", URL: dg,
			Scheme: "digest", Fields: map[string]string{"username": practice.DemoUser, "password": practice.DemoPassword}},
		{Name: "demo/digest-wrong", Description: "Digest with a wrong password → 401, the server's expected response beside yours" + demoNote, Method: "GET", URL: dg,
			Scheme: "digest", Fields: map[string]string{"username": practice.DemoUser, "password": "demo-passwort"}},
		{Name: "demo/digest-auth-int", Description: "Digest SHA-512-256 with qop=auth-int: the body is hashed too → 200" + demoNote, Method: "POST",
			URL: dg + "?algorithm=SHA-512-256&qop=auth-int", Headers: []profiles.Header{{Name: "Content-Type", Value: "application/json"}}, Body: `{"hello":"digest"}`,
			Scheme: "digest", Fields: map[string]string{"username": practice.DemoUser, "password": practice.DemoPassword}},

		{Name: "demo/oauth2-client-credentials", Description: "OAuth 2.0 client credentials: a token request, then the API → 200" + demoNote, Method: "GET", URL: me,
			Scheme: "oauth2", Fields: oauth2(map[string]string{"grant": "client_credentials", "client_secret": practice.DemoOAuth2ClientSecret, "scope": "read"})},
		{Name: "demo/oauth2-wrong-secret", Description: "OAuth 2.0 with a wrong client secret → 401 invalid_client from the token endpoint" + demoNote, Method: "GET", URL: me,
			Scheme: "oauth2", Fields: oauth2(map[string]string{"grant": "client_credentials", "client_secret": "not-the-client-secret"})},
		{Name: "demo/oauth2-device", Description: "OAuth 2.0 device flow: enter the code shown on the verification page, watch the polling" + demoNote, Method: "GET", URL: me,
			Scheme: "oauth2", Fields: oauth2(map[string]string{"grant": "device_code", "client_id": practice.DemoOAuth2PublicClientID,
				"device_auth_url": practice.Placeholder + "/oauth2/device"}),
			// The wait for approval is bounded by the timeout: time to open
			// the verification page and enter the code.
			Timeout: 5 * time.Minute},
		{Name: "demo/oauth2-auth-code", Description: "OAuth 2.0 authorization code with PKCE: open the printed URL and approve" + demoNote, Method: "GET", URL: me,
			Scheme: "oauth2", Fields: oauth2(map[string]string{"grant": "authorization_code", "client_id": practice.DemoOAuth2PublicClientID,
				"auth_url": practice.Placeholder + "/oauth2/authorize", "scope": "read"})},
		{Name: "demo/oauth2-short-lived", Description: "OAuth 2.0 tokens that live 2 s: send twice, 3 s apart, to watch the refresh" + demoNote, Method: "GET", URL: me,
			Scheme: "oauth2", Fields: oauth2(map[string]string{"grant": "password", "client_secret": practice.DemoOAuth2ClientSecret,
				"username": practice.DemoUser, "password": practice.DemoPassword, "scope": practice.DemoOAuth2ShortScope})},

		{Name: "demo/jwt-hs256", Description: "A JWT signed with HS256 → 200 and the verified claims" + demoNote, Method: "GET", URL: jw,
			Scheme: "jwt", Fields: map[string]string{"claims": `{"sub":"demo","scope":"read"}`, "alg": "HS256", "secret": practice.DemoJWTSecret}},
		{Name: "demo/jwt-wrong-secret", Description: "A JWT signed with the wrong secret → 401 invalid_token" + demoNote, Method: "GET", URL: jw,
			Scheme: "jwt", Fields: map[string]string{"claims": `{"sub":"demo"}`, "alg": "HS256", "secret": "not-the-demo-secret"}},
		{Name: "demo/jwt-expired", Description: "A JWT that expired 3 hours ago → 401, the hint says how long ago" + demoNote, Method: "GET", URL: jw,
			Scheme: "jwt", Fields: map[string]string{"claims": `{"sub":"demo","iat":"-4h","exp":"-3h"}`, "alg": "HS256", "secret": practice.DemoJWTSecret}},
		{Name: "demo/jwt-rs256", Description: "A JWT signed with the demo RSA key → 200" + demoNote, Method: "GET", URL: jw,
			Scheme: "jwt", Fields: map[string]string{"claims": `{"sub":"demo"}`, "alg": "RS256", "private_key": practice.DemoRSAPrivateKeyPEM}},

		{Name: "demo/aws-sigv4", Description: "AWS Signature Version 4 → 200; the trace shows the canonical request and key derivation" + demoNote, Method: "GET", URL: aw,
			Scheme: "sigv4", Fields: aws(practice.DemoAWSSecretKey, practice.DemoAWSRegion)},
		{Name: "demo/aws-sigv4-wrong-region", Description: "SigV4 signed for the wrong region → 403, a hint naming us-east-1" + demoNote, Method: "GET", URL: aw,
			Scheme: "sigv4", Fields: aws(practice.DemoAWSSecretKey, "eu-west-1")},
		{Name: "demo/aws-sigv4-wrong-secret", Description: "SigV4 with a wrong secret key → 403 SignatureDoesNotMatch and the server's canonical request" + demoNote, Method: "GET", URL: aw,
			Scheme: "sigv4", Fields: aws("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ", practice.DemoAWSRegion)},

		{Name: "demo/hawk", Description: "Hawk → 200; the trace shows the normalized string, the MAC and the server's Server-Authorization verified" + demoNote, Method: "GET", URL: practice.Placeholder + "/hawk",
			Scheme: "hawk", Fields: map[string]string{"id": practice.DemoHawkID, "key": practice.DemoHawkKey}},
		{Name: "demo/hawk-wrong-key", Description: "Hawk with a wrong key → 401 Bad mac and the server's normalized string beside yours" + demoNote, Method: "GET", URL: practice.Placeholder + "/hawk",
			Scheme: "hawk", Fields: map[string]string{"id": practice.DemoHawkID, "key": "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxX"}},
		{Name: "demo/hawk-clock-skew", Description: "Hawk to a server whose clock is 5 minutes ahead → Stale timestamp, the clock corrected from its signed ts → 200" + demoNote, Method: "GET", URL: practice.Placeholder + "/hawk/ahead",
			Scheme: "hawk", Fields: map[string]string{"id": practice.DemoHawkID, "key": practice.DemoHawkKey}},
		{Name: "demo/edgegrid", Description: "Akamai EdgeGrid (EG1-HMAC-SHA256) → 200; the trace shows the data to sign and the signing key" + demoNote, Method: "GET",
			URL: practice.Placeholder + "/edgegrid/demo?limit=10", Scheme: "edgegrid", Fields: edgegrid(practice.DemoEdgeGridClientSecret)},
		{Name: "demo/edgegrid-wrong-secret", Description: "EdgeGrid with a wrong client secret → 401 “The signature does not match”, the server's data to sign beside yours" + demoNote, Method: "GET",
			URL: practice.Placeholder + "/edgegrid/demo?limit=10", Scheme: "edgegrid", Fields: edgegrid("ZGVtby1lZGdlZ3JpZC1jbGllbnQtc2VjcmV0LTAwMDE=")},
		{Name: "demo/ntlm", Description: "NTLM (NTLMv2) like IIS: negotiate, the 401 challenge, authenticate on the same connection → 200; the trace decodes each message" + demoNote, Method: "GET", URL: practice.Placeholder + "/ntlm",
			Scheme: "ntlm", Fields: map[string]string{"username": practice.DemoUser, "password": practice.DemoPassword, "domain": practice.NTLMDomain}},
		{Name: "demo/ntlm-wrong-password", Description: "NTLM with a wrong password → 401 after the AUTHENTICATE, the server's NTProofStr beside yours" + demoNote, Method: "GET", URL: practice.Placeholder + "/ntlm",
			Scheme: "ntlm", Fields: map[string]string{"username": practice.DemoUser, "password": "demo-passwort", "domain": practice.NTLMDomain}},
		{Name: "demo/oidc-auth-code", Description: "OpenID Connect sign-in (code + PKCE + nonce): discovery, the ID token checked step by step, userinfo" + demoNote, Method: "GET",
			URL: practice.Placeholder + "/oidc/userinfo", Scheme: "oidc",
			Fields: map[string]string{"issuer": practice.Placeholder + "/oidc", "client_id": practice.DemoOAuth2PublicClientID, "scope": "openid profile email offline_access"}},
		{Name: "demo/oidc-device", Description: "OpenID Connect with the device grant: enter the code, then the ID token is verified" + demoNote, Method: "GET",
			URL: practice.Placeholder + "/oidc/userinfo", Scheme: "oidc",
			Fields:  map[string]string{"issuer": practice.Placeholder + "/oidc", "grant": "device_code", "client_id": practice.DemoOAuth2PublicClientID, "scope": "openid profile email"},
			Timeout: 5 * time.Minute},
	}
}

// writeDemoProfiles saves the demo profiles, leaving alone any that exist.
func writeDemoProfiles(s *profiles.Store) (int, error) {
	n := 0
	for _, p := range demoProfiles() {
		_, err := s.Save(p, profiles.SaveOptions{AllowPlaintext: true})
		if errors.Is(err, profiles.ErrExists) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// firstStart creates the demo profiles when the profiles folder does not
// exist yet.
func firstStart(s *profiles.Store) {
	if _, err := os.Stat(s.Dir); errors.Is(err, fs.ErrNotExist) {
		writeDemoProfiles(s)
	}
}

func newDemo(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Create the demo profiles (they use {{practice}}, the built-in practice server)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := env.store()
			if err != nil {
				return inputErr(err)
			}
			n, err := writeDemoProfiles(s)
			if err != nil {
				return inputErr(err)
			}
			fmt.Fprintf(env.Stdout, "%d demo profiles written to %s (existing ones kept)\n", n, s.Dir)
			return nil
		},
	}
}
