package authn

import (
	"net/url"
	"strings"
)

// OAuth 2.0 error responses: the token endpoint's JSON body (RFC 6749 §5.2),
// the device flow's polling errors (RFC 8628 §3.5), and authorization
// endpoint errors sent back in a redirect (RFC 6749 §4.1.2.1, §4.2.2.1).

func init() { registerRecognizer("rfc6749", hintRankRFCError, oauth2ErrorHints) }

func oauth2ErrorHints(in hintInput) []Hint {
	var out []Hint
	if h, ok := oauth2BodyHint(in); ok {
		out = append(out, h)
	}
	if h, ok := oauth2RedirectHint(in); ok {
		out = append(out, h)
	}
	return out
}

// oauth2Error is an OAuth 2.0 error: its code, the untrusted
// error_description and error_uri.
type oauth2Error struct{ code, desc, uri string }

func (e oauth2Error) detail(meaning string) string {
	var b strings.Builder
	b.WriteString(meaning)
	if e.desc != "" {
		b.WriteString(" The server says: " + hintQuote(e.desc, 300) + ".")
	}
	if e.uri != "" {
		b.WriteString(" More at " + hintShorten(e.uri, 300) + " (error_uri).")
	}
	return b.String()
}

func oauth2BodyHint(in hintInput) (Hint, bool) {
	m := in.object()
	code, ok := hintJSONString(m, "error")
	code = strings.TrimSpace(code)
	if !ok || code == "" {
		return Hint{}, false
	}
	e := oauth2Error{code: code}
	e.desc, _ = hintJSONString(m, "error_description")
	e.uri, _ = hintJSONString(m, "error_uri")
	e.desc, e.uri = strings.TrimSpace(e.desc), strings.TrimSpace(e.uri)
	h := Hint{Level: LevelError, Title: "OAuth token error · " + hintShorten(code, 60), Ref: "RFC 6749 §5.2"}
	switch code {
	case "invalid_request":
		h.Detail = e.detail("The token request is malformed: a required parameter is missing, repeated or has an unsupported value.")
		h.Checks = []string{
			"Every parameter the grant needs is present once: grant_type, and code + redirect_uri + code_verifier, refresh_token, device_code or username + password (RFC 6749 §4)",
			"The body is application/x-www-form-urlencoded, not JSON (RFC 6749 §4.1.3)",
			"The client authenticated in only one way: not both an Authorization: Basic header and client_secret in the body (RFC 6749 §2.3)",
		}
	case "invalid_client":
		h.Detail = e.detail("Client authentication failed: the authorization server does not recognise the client_id, or its secret or authentication method.")
		h.Checks = []string{
			"client_id and client_secret are the ones registered with this authorization server (and this environment or tenant)",
			"The authentication method matches the client's registration: client_secret_basic (Authorization: Basic) or client_secret_post (in the body) (RFC 6749 §2.3.1)",
			"With Basic, client_id and client_secret are each form-urlencoded before being joined with “:” (RFC 6749 §2.3.1): it matters for secrets with special characters",
			"The secret expired or was rotated",
		}
	case "invalid_grant":
		h.Detail = e.detail("The grant itself was refused: the authorization code, refresh token or resource owner credentials are invalid, expired, revoked or issued to another client.")
		h.Checks = []string{
			"The authorization code was already used, has expired (they live for minutes) or was issued to another client (RFC 6749 §4.1.2)",
			"redirect_uri is exactly the one sent in the authorization request (RFC 6749 §4.1.3)",
			"PKCE: code_verifier matches the code_challenge sent earlier (RFC 7636 §4.6)",
			"The refresh token expired, was revoked, or was rotated and used once already (RFC 6749 §6)",
			"Password grant: wrong username or password, or the account needs an interactive login (MFA)",
		}
	case "unauthorized_client":
		h.Detail = e.detail("The client is authenticated but not allowed to use this grant type.")
		h.Checks = []string{
			"Enable this grant type in the client's registration (e.g. client_credentials for a confidential client)",
			"Public clients cannot use client_credentials",
		}
	case "unsupported_grant_type":
		h.Detail = e.detail("The authorization server does not support this grant_type, or did not see one.")
		h.Checks = []string{
			"grant_type is spelled exactly: authorization_code, client_credentials, refresh_token, password or urn:ietf:params:oauth:grant-type:device_code",
			"The body was sent as application/x-www-form-urlencoded, so the server could read grant_type at all",
		}
	case "invalid_scope":
		h.Detail = e.detail("A requested scope is unknown, malformed, or more than this client or user may have.")
		h.Checks = []string{
			"Scopes are separated by spaces, not commas (RFC 6749 §3.3)",
			"Every scope exists on this server and is allowed for this client",
		}
		h.Ref = "RFC 6749 §5.2, §3.3"
	case "authorization_pending", "slow_down", "access_denied", "expired_token":
		h.Level = LevelInfo
		h.Title = "OAuth device flow · " + code
		h.Ref = "RFC 8628 §3.5"
		switch code {
		case "authorization_pending":
			h.Detail = e.detail("The user has not finished at the verification URI yet; this is the normal answer while polling.")
			h.Checks = []string{"Keep polling at the interval the device authorization response gave (5 seconds by default)"}
		case "slow_down":
			h.Detail = e.detail("Polling too fast: the authorization server asks for a longer interval.")
			h.Checks = []string{"Add 5 seconds to the polling interval, for this and every later request (RFC 8628 §3.5)"}
		case "access_denied":
			h.Detail = e.detail("The user (or a policy) declined the authorization request.")
			h.Checks = []string{"Start again and approve the request at the verification URI"}
			h.Ref = "RFC 8628 §3.5, RFC 6749 §4.1.2.1"
		case "expired_token":
			h.Detail = e.detail("The device_code expired before the user approved it.")
			h.Checks = []string{"Start the device flow again and complete it within expires_in"}
		}
	case "invalid_token", "insufficient_scope":
		for _, c := range in.challenges {
			if _, ok := c.Param("error"); ok && (c.Is("Bearer") || c.Is("DPoP")) {
				return Hint{}, false // the challenge says the same, with more detail
			}
		}
		h.Title = "OAuth error · " + code
		h.Ref = "RFC 6750 §3.1"
		if code == "invalid_token" {
			h.Detail = e.detail("The access token is expired, revoked, malformed or not meant for this resource.")
			h.Checks = []string{"Get a new token (refresh it or run the grant again)", "Check it was sent whole, on one line, to the resource it was issued for"}
		} else {
			h.Detail = e.detail("The access token is valid but lacks the scope this resource needs.")
			h.Checks = []string{"Request a token with the needed scope (RFC 6749 §3.3)"}
		}
	default:
		// Many APIs use an "error" member for anything; only a token
		// request makes an unknown code an OAuth one.
		if !in.isTokenRequest() {
			return Hint{}, false
		}
		h.Detail = e.detail("The token endpoint returned an error code RFC 6749 does not define.")
		h.Checks = []string{"Look the code up in the authorization server's documentation"}
	}
	// What to check in the oauth2 scheme's own fields comes first.
	h.Checks = append(oauth2SchemeChecks(in, code), h.Checks...)
	return h, true
}

// isTokenRequest reports whether the request was a POST to a token endpoint
// (a form body with grant_type, RFC 6749 §4.1.3).
func (in hintInput) isTokenRequest() bool {
	r := in.ex.Request
	if !strings.EqualFold(r.Method, "POST") || len(r.Body) > 1<<20 {
		return false
	}
	v, err := url.ParseQuery(string(r.Body))
	return err == nil && v.Get("grant_type") != ""
}

// oauth2RedirectHint explains an authorization endpoint error carried in
// the Location of a redirect, in the query (RFC 6749 §4.1.2.1) or the
// fragment (implicit grant, §4.2.2.1).
func oauth2RedirectHint(in hintInput) (Hint, bool) {
	if in.status() < 300 || in.status() > 399 {
		return Hint{}, false
	}
	loc, err := url.Parse(strings.TrimSpace(in.header("Location")))
	if err != nil {
		return Hint{}, false
	}
	vals := loc.Query()
	if vals.Get("error") == "" {
		vals, _ = url.ParseQuery(loc.Fragment)
	}
	e := oauth2Error{code: strings.TrimSpace(vals.Get("error")), desc: strings.TrimSpace(vals.Get("error_description")), uri: strings.TrimSpace(vals.Get("error_uri"))}
	if e.code == "" {
		return Hint{}, false
	}
	h := Hint{Level: LevelError, Title: "OAuth authorization error · " + hintShorten(e.code, 60), Ref: "RFC 6749 §4.1.2.1"}
	var meaning string
	switch e.code {
	case "access_denied":
		h.Level = LevelWarn
		meaning = "The user or the authorization server declined the request."
		h.Checks = []string{"Approve the request, or check the user may use this client"}
	case "invalid_request":
		meaning = "The authorization request is malformed: a parameter is missing, invalid or repeated."
		h.Checks = []string{"client_id, response_type and redirect_uri are present once and valid", "PKCE: code_challenge_method is S256 and code_challenge is set when the server requires it (RFC 7636 §4.3)"}
	case "unauthorized_client":
		meaning = "The client may not request an authorization code (or token) this way."
		h.Checks = []string{"Enable this response type / grant in the client's registration"}
	case "unsupported_response_type":
		meaning = "The authorization server does not support this response_type."
		h.Checks = []string{"Use response_type=code (the implicit grant is deprecated)"}
	case "invalid_scope":
		meaning = "A requested scope is unknown or malformed."
		h.Checks = []string{"Scopes are separated by spaces (RFC 6749 §3.3) and exist on this server"}
	case "server_error", "temporarily_unavailable":
		h.Level = LevelWarn
		meaning = "The authorization server failed or is overloaded; the request itself may be fine."
		h.Checks = []string{"Retry later"}
	case "login_required", "consent_required", "interaction_required", "account_selection_required":
		h.Level = LevelWarn
		meaning = "prompt=none was used but the user has to log in, choose an account or consent interactively."
		h.Checks = []string{"Send the user through the interactive authorization request (without prompt=none)"}
		h.Ref = "OpenID Connect Core 1.0 §3.1.2.6"
	default:
		meaning = "The authorization server redirected back with an error code RFC 6749 does not define."
		h.Checks = []string{"Look the code up in the authorization server's documentation"}
	}
	h.Detail = e.detail(meaning)
	return h, true
}
