package authn

import (
	"bytes"
	"fmt"
	"mime"
	"net/url"
	"strings"
)

// Hints for the oauth2 scheme's exchanges with the authorization server
// that are not RFC 6749 §5.2 error codes (those are in hints_rfc6749.go):
// a token endpoint that answered with an HTML page or another non-token
// body, and a token_url that is really an API (a resource server asking for
// a Bearer token). oauth2SchemeChecks adds, to the §5.2 explanations, what
// to check in this scheme's fields.

func init() { registerRecognizer("oauth2", hintRankProvider, oauth2SchemeHints) }

// isOAuth2TokenExchange reports whether ex was one of the oauth2 scheme's
// requests to the authorization server.
func (in hintInput) isOAuth2TokenExchange() bool {
	return in.ex.Role == RoleToken || in.schemeName() == "oauth2" && in.isTokenRequest()
}

func oauth2SchemeHints(in hintInput) []Hint {
	if !in.isOAuth2TokenExchange() {
		return nil
	}
	if _, ok := hintJSONString(in.object(), "error"); ok {
		return nil // an RFC 6749 §5.2 error: hints_rfc6749.go explains it
	}
	for _, c := range in.challenges {
		if c.Is("Bearer") || c.Is("DPoP") {
			return []Hint{{
				Level:  LevelError,
				Title:  "token_url answered like an API, not a token endpoint",
				Detail: fmt.Sprintf("The token request got %d with a %s challenge: that is what a resource server says when it wants an access token, so token_url probably points at the API.", in.status(), hintShorten(c.Scheme, 20)),
				Checks: []string{
					"Set token_url to the authorization server's token endpoint (often …/oauth/token, …/oauth2/token or …/token; see the server's /.well-known/oauth-authorization-server or openid-configuration)",
					"Put the API's URL as the request URL instead",
				},
				Ref: "RFC 6749 §3.2, RFC 8414 §3",
			}}
		}
	}
	body := bytes.TrimSpace(in.resp.Body)
	mt, _, _ := mime.ParseMediaType(in.header("Content-Type"))
	lower := bytes.ToLower(body[:min(len(body), 64)])
	html := mt == "text/html" || bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html"))
	switch {
	case html:
		return []Hint{{
			Level: LevelError,
			Title: "Token endpoint answered with an HTML page",
			Detail: fmt.Sprintf("The token request got %d %s and a web page, not a JSON token response (RFC 6749 §5.1).",
				in.status(), hintStatusText(in.status())),
			Checks: []string{
				"token_url is the token endpoint, not the authorization (login) page, the issuer's home page or the API",
				"A proxy, VPN portal or single sign-on gateway answered instead of the authorization server",
				"The path is exact: a missing /v2, /oauth2 or tenant segment often lands on an HTML 404 page",
			},
			Ref: "RFC 6749 §3.2, §5.1",
		}}
	case in.status() == 404 || in.status() == 405:
		return []Hint{{
			Level:  LevelError,
			Title:  fmt.Sprintf("Token endpoint not found (%d %s)", in.status(), hintStatusText(in.status())),
			Detail: "Nothing at token_url accepts a POST: the URL is not the token endpoint.",
			Checks: []string{
				"Copy token_url from the server's metadata (token_endpoint in /.well-known/oauth-authorization-server or openid-configuration)",
				"The token endpoint takes POST only (RFC 6749 §3.2)",
			},
			Ref: "RFC 6749 §3.2, RFC 8414 §2",
		}}
	case in.status() >= 200 && in.status() <= 299:
		if m := in.object(); m != nil {
			if _, ok := hintJSONString(m, "access_token"); ok {
				return nil
			}
			if _, ok := hintJSONString(m, "device_code"); ok {
				return nil
			}
		}
		what := "a body without access_token"
		if in.object() == nil {
			what = "a body that is not a JSON object"
		}
		return []Hint{{
			Level:  LevelError,
			Title:  "Token endpoint answered without a token",
			Detail: fmt.Sprintf("The token request succeeded (%d) but returned %s, so it did not reach a token endpoint.", in.status(), what),
			Checks: []string{
				"token_url may be the API, or a page that accepts any POST",
				"The server must answer application/json with access_token and token_type (RFC 6749 §5.1)",
			},
			Ref: "RFC 6749 §5.1",
		}}
	}
	return nil
}

// oauth2SchemeChecks returns what to check first in the oauth2 scheme's
// fields for an RFC 6749 §5.2 error code, from what the request sent.
func oauth2SchemeChecks(in hintInput, code string) []string {
	if in.schemeName() != "oauth2" || !in.isTokenRequest() {
		return nil
	}
	r := in.ex.Request
	form, _ := url.ParseQuery(string(r.Body))
	grant := form.Get("grant_type")
	basic := strings.HasPrefix(r.Header.Get("Authorization"), "Basic ")
	bodySecret := form.Get("client_secret") != ""
	switch code {
	case "invalid_client":
		switch {
		case basic:
			return []string{"authlab sent the client secret with client_auth=basic (Authorization: Basic); if the client is registered for client_secret_post, try -c client_auth=body, and check client_id / client_secret"}
		case bodySecret:
			return []string{"authlab sent the client secret with client_auth=body (client_secret in the form); if the server expects client_secret_basic, try -c client_auth=basic, and check client_id / client_secret"}
		default:
			return []string{"No client_secret was sent (a public client): if this client is confidential, add -c client_secret=…"}
		}
	case "invalid_grant":
		switch grant {
		case "refresh_token":
			return []string{"The refresh token (field refresh_token, or one rotated in this session) is expired, revoked or already used: run the interactive grant again for a new one"}
		case "password":
			return []string{"The username or password fields are wrong for this authorization server"}
		case "authorization_code":
			return []string{"The code was already exchanged or expired, or the server's stored code_challenge does not match authlab's code_verifier (both are shown in the trace)"}
		case oauth2DeviceGrantType:
			return []string{"The device_code is unknown to this token endpoint: device_auth_url and token_url must belong to the same authorization server"}
		}
	case "unauthorized_client":
		return []string{fmt.Sprintf("This client (field client_id) is not allowed grant_type %q: enable it in the client's registration or choose another grant", hintShorten(grant, 80))}
	case "unsupported_grant_type":
		if grant == oauth2DeviceGrantType {
			return []string{"This authorization server may not support the device grant (RFC 8628) at this token_url"}
		}
		return []string{fmt.Sprintf("The server does not offer grant %q: choose another -c grant=…", hintShorten(grant, 80))}
	case "invalid_scope":
		if s := form.Get("scope"); s != "" {
			return []string{fmt.Sprintf("authlab requested scope %q (field scope): check each scope exists for this client", hintShorten(s, 120))}
		}
		return []string{"No scope was sent: this server may need one (-c scope=…)"}
	case "invalid_request":
		if basic && bodySecret {
			return []string{"The client authenticated twice (Basic header and client_secret in the body)"}
		}
	}
	return nil
}
