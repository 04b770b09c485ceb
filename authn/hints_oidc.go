package authn

import "fmt"

// Hints for the oidc scheme's own failures: the discovery document and the
// checks of the ID token (OIDC Core §3.1.3.7). They are not read from an
// HTTP answer (the provider answered 200 with a token that fails a check)
// but from the *OIDCError that ended the exchange: Exchange puts an
// error's Hint first among the hints (hintedError).

// hintedError is an error that explains itself as a hint.
type hintedError interface {
	error
	Hint() Hint
}

// Hint explains the failed check: what it means and what to look at.
func (e *OIDCError) Hint() Hint {
	h := Hint{Level: LevelError, Detail: e.Problem, Ref: "OIDC Core §3.1.3.7"}
	switch e.Check {
	case "discovery":
		h.Title, h.Ref = "OpenID provider discovery failed", "OIDC Discovery 1.0 §4"
		h.Checks = []string{
			"issuer is the provider's issuer URL (e.g. https://accounts.example.com or https://login.example.com/realms/NAME), without /.well-known/openid-configuration",
			"The provider is reachable from here: try the discovery URL in a browser or with curl",
			"A provider without discovery is plain OAuth 2.0 to authlab: use -a oauth2 with token_url and auth_url",
		}
	case "issuer", "iss":
		h.Title, h.Ref = "Issuer mismatch", "OIDC Discovery 1.0 §4.3, OIDC Core §3.1.3.7 step 2"
		if e.Check == "iss" {
			h.Title = "ID token issuer mismatch"
		}
		h.Checks = []string{
			fmt.Sprintf("Set issuer to exactly what the provider states (%s), trailing slash and case included", hintQuote(e.Got, 80)),
			"A provider behind a proxy may state its internal URL: configure its public issuer (e.g. KC_HOSTNAME for Keycloak)",
		}
	case "signature":
		h.Title, h.Ref = "ID token signature not valid", "OIDC Core §3.1.3.7 steps 6-8, RFC 7515 §5.2"
		h.Checks = []string{
			"The token was changed on the way, or signed by another issuer than the one configured",
			"The provider rotated its keys and withdrew the old one: sign in again",
			"authlab verifies RS256 and ES256; a provider configured for HS256 or none for this client needs reconfiguring",
		}
	case "aud", "azp":
		h.Title, h.Ref = "ID token audience does not match client_id", "OIDC Core §3.1.3.7 steps 3-5"
		h.Checks = []string{
			"client_id is the one registered at this provider (copy it again)",
			"The token was issued to another application: an ID token is for one client only",
		}
		if e.Check == "azp" {
			h.Checks = append([]string{"With several audiences the provider must say in azp which client the token was issued to"}, h.Checks...)
		}
	case "exp":
		h.Title, h.Ref = "ID token expired", "OIDC Core §3.1.3.7 step 9"
		h.Checks = []string{
			"This machine's clock may be behind or ahead: compare it with an NTP server",
			"Sign in again for a fresh ID token; raise leeway (e.g. -c leeway=2m) only for a known small skew",
		}
	case "iat":
		h.Title, h.Ref = "ID token issued in the future: clock skew", "OIDC Core §3.1.3.7 step 10"
		h.Checks = []string{"This machine's clock or the provider's is wrong: synchronize with NTP", "A small skew: raise leeway (-c leeway=2m)"}
	case "nonce":
		h.Title, h.Ref = "ID token nonce mismatch", "OIDC Core §3.1.3.7 step 11, §15.5.2"
		h.Checks = []string{
			"The ID token belongs to another sign-in (a replay, or a stale browser tab finishing an older request): sign in again",
			"The provider ignores the nonce parameter: it must copy it into the ID token",
		}
	case "at_hash":
		h.Title, h.Ref = "ID token at_hash does not match the access token", "OIDC Core §3.1.3.6, §3.1.3.8"
		h.Checks = []string{"The access token and the ID token were not issued together: something replaced one of them on the way"}
	case "userinfo sub":
		h.Title, h.Ref = "userinfo is about another user", "OIDC Core §5.3.2"
		h.Checks = []string{"userinfo's sub must be the ID token's: the answer must not be used (token substitution)"}
	default:
		h.Title = "ID token not valid"
		h.Checks = []string{"The provider ran plain OAuth 2.0: check that openid is in scope and the client is registered for OpenID Connect"}
	}
	return h
}
