package authn

import (
	"fmt"
	"strings"
)

// RFC 6750 §3.1 error codes in a Bearer challenge, and the RFC 9449 §7.1,
// §8 and §9 ones in a DPoP challenge.

func init() { registerRecognizer("rfc6750", hintRankRFCError, bearerErrorHints) }

func bearerErrorHints(in hintInput) []Hint {
	var out []Hint
	for _, c := range in.challenges {
		if !c.Is("Bearer") && !c.Is("DPoP") {
			continue
		}
		code, ok := c.Param("error")
		if !ok {
			continue
		}
		out = append(out, bearerErrorHint(in, c, strings.TrimSpace(code)))
	}
	return out
}

func bearerErrorHint(in hintInput, c Challenge, code string) Hint {
	h := Hint{
		Level: LevelError,
		Title: fmt.Sprintf("%s error · %s", c.Scheme, hintShorten(code, 60)),
		Ref:   "RFC 6750 §3.1",
	}
	if c.Is("DPoP") {
		h.Ref = "RFC 9449 §7.1"
	}
	var detail strings.Builder
	wantStatus := 0
	switch code {
	case "invalid_request":
		wantStatus = 400
		detail.WriteString("The request is malformed: a parameter is missing, unsupported or repeated, or the token was sent in more than one way.")
		h.Checks = []string{
			"The token is sent in exactly one place: the Authorization header, the access_token form parameter or the access_token query parameter — never two (RFC 6750 §2)",
			"The header reads `Authorization: Bearer <token>`: one space, the token unquoted and on one line (RFC 6750 §2.1)",
			"A parameter the resource needs is missing or repeated",
		}
	case "invalid_token":
		wantStatus = 401
		// Generic: when a scheme's own recognizer found the cause (a JWT's
		// signature or exp, a clock), this list of maybes would contradict
		// it ("expired" for a bad signature), so it gives way.
		h.givesWay = true
		detail.WriteString("The access token was received but is not acceptable: expired, revoked, malformed or not meant for this resource.")
		h.Checks = []string{
			"The token expired: get a new one (with the refresh token, or by running the grant again)",
			"It was revoked, or issued by another authorization server or for another audience (the JWT aud claim)",
			"It was damaged on the way: truncated, quoted, or with a trailing newline from the file it was read from",
			"For a JWT, the server's clock must agree with exp and nbf (see the Date header)",
		}
	case "insufficient_scope":
		wantStatus = 403
		detail.WriteString("The token is valid but lacks the scope this resource needs.")
		h.Checks = []string{
			"Request a token with the scope the server names (the scope parameter of the grant, RFC 6749 §3.3)",
			"The user or an administrator may have granted less than was asked for: check the scope returned with the token",
		}
	case "invalid_dpop_proof":
		wantStatus = 401
		detail.WriteString("The DPoP proof JWT is missing, malformed or does not match the request (htm, htu, ath, iat or its signature).")
		h.Checks = []string{
			"htm and htu match this request's method and URL (without query or fragment)",
			"ath is the base64url SHA-256 of the access token",
			"iat is recent: check the clock",
			"The proof is signed with the key the token is bound to (cnf.jkt)",
		}
		h.Ref = "RFC 9449 §7.1"
	case "use_dpop_nonce":
		wantStatus = 401
		h.Level = LevelWarn
		detail.WriteString("The resource server wants a server-provided nonce in the DPoP proof; this is part of the normal flow.")
		h.Checks = []string{"Retry with a new proof whose nonce claim is the DPoP-Nonce response header's value"}
		h.Ref = "RFC 9449 §9"
	default:
		detail.WriteString("The server returned an error code that RFC 6750 does not define; its description, if any, is below.")
		h.Checks = []string{"Look the code up in the server's documentation (error_uri, if given)"}
	}
	if desc, ok := c.Param("error_description"); ok && strings.TrimSpace(desc) != "" {
		detail.WriteString(" The server says: " + hintQuote(strings.TrimSpace(desc), 300) + ".")
	}
	if scope, ok := c.Param("scope"); ok && strings.TrimSpace(scope) != "" {
		detail.WriteString(" Scope needed: " + hintQuote(strings.TrimSpace(scope), 300) + " (space-separated, RFC 6750 §3).")
	}
	if uri, ok := c.Param("error_uri"); ok && strings.TrimSpace(uri) != "" {
		detail.WriteString(" More at " + hintShorten(strings.TrimSpace(uri), 300) + " (error_uri).")
	}
	if wantStatus != 0 && in.status() != wantStatus {
		fmt.Fprintf(&detail, " (%s pairs this code with %d %s; the server answered %d.)",
			h.Ref, wantStatus, hintStatusText(wantStatus), in.status())
	}
	h.Detail = detail.String()
	return h
}
