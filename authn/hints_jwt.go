package authn

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// JSON Web Tokens (RFC 7519): JWTs a response carries (an OAuth 2.0
// access_token or OpenID Connect id_token, or a body that is a token),
// decoded so the user sees what they got; and a JWT the request carried that
// the server refused, explained from its claims, the server's clock and the
// server's error_description (expired, not yet valid, clock skew, signature,
// algorithm). No hint ever contains a token: only its alg and claims.

func init() { registerRecognizer("jwt", hintRankProvider, jwtHints) }

// jwtPracticeHeader is the practice server's trace header
// (practice.TraceHeader; authn must not import practice).
const jwtPracticeHeader = "X-Authlab-Practice-Trace"

func jwtHints(in hintInput) []Hint {
	out := jwtResponseHints(in)
	return append(out, jwtRefusedHints(in)...)
}

// jwtResponseHints describes the JWTs in a successful response body.
func jwtResponseHints(in hintInput) []Hint {
	if in.status() < 200 || in.status() >= 300 {
		return nil
	}
	var out []Hint
	if obj := in.object(); obj != nil {
		for _, name := range []string{"access_token", "id_token"} {
			if s, ok := hintJSONString(obj, name); ok {
				if h, ok := jwtDescribe(name, s, in.now); ok {
					out = append(out, h)
				}
			}
		}
		return out
	}
	body := strings.TrimSpace(string(in.resp.Body))
	if len(body) <= JWTMaxLen && strings.HasPrefix(body, "eyJ") && strings.Count(body, ".") == 2 && !in.resp.Truncated {
		if h, ok := jwtDescribe("the response body", body, in.now); ok {
			return []Hint{h}
		}
	}
	return nil
}

// jwtDescribe makes the LevelInfo hint for a JWT found in a response, or a
// warning when it is unsecured or already expired. ok is false when s is
// not a JWT (an opaque token).
func jwtDescribe(name, s string, now time.Time) (Hint, bool) {
	d, err := DecodeJWT(s, "", now)
	if errors.Is(err, ErrJWTAlgNone) {
		return Hint{
			Level:  LevelWarn,
			Title:  name + " is an unsecured JWT (alg none)",
			Detail: "It has no signature, so it proves nothing about who issued it; authlab does not decode it further.",
			Checks: []string{"A server that accepts it can be fooled by anyone: it should be refused (RFC 8725 §3.1)"},
			Ref:    "RFC 7519 §6",
		}, true
	}
	if err != nil {
		return Hint{}, false
	}
	h := Hint{Level: LevelInfo, Title: jwtSummary(name+" is a JWT", d), Ref: "RFC 7519 §7.2"}
	var detail strings.Builder
	detail.WriteString("authlab decoded it without checking its signature (it has no key for it). ")
	jwtFacts(&detail, d)
	detail.WriteString(" Anyone who holds the token can read these claims, and use it until it expires: it is a bearer credential.")
	h.Detail = detail.String()
	h.Checks = []string{"To see it decoded step by step, send it with -a jwt -c token=… (add -c secret= or a public key as private_key to check the signature)"}
	if d.Expired {
		h.Level = LevelWarn
		h.Checks = append([]string{"It was issued already expired: the issuer's clock and yours disagree, or its lifetime is shorter than the time it took to arrive"}, h.Checks...)
	}
	return h, true
}

// jwtSummary is "prefix · RS256 · sub demo · expires in 59 min".
func jwtSummary(prefix string, d JWTDecoded) string {
	parts := []string{prefix, hintShorten(d.Alg, 20)}
	if d.Subject != "" {
		parts = append(parts, "sub "+hintShorten(d.Subject, 60))
	}
	parts = append(parts, d.Expiry)
	return strings.Join(parts, " · ")
}

// jwtFacts writes the decoded claims worth naming.
func jwtFacts(b *strings.Builder, d JWTDecoded) {
	var facts []string
	if d.Issuer != "" {
		facts = append(facts, "issuer "+hintQuote(d.Issuer, 120))
	}
	if len(d.Audience) > 0 {
		facts = append(facts, "audience "+hintQuote(strings.Join(d.Audience, ", "), 120))
	}
	if d.Kid != "" {
		facts = append(facts, "key id "+hintQuote(d.Kid, 60))
	}
	if d.Typ != "" {
		facts = append(facts, "typ "+hintQuote(d.Typ, 30))
	}
	if !d.ExpiresAt.IsZero() {
		facts = append(facts, "exp "+d.ExpiresAt.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	if len(facts) > 0 {
		b.WriteString("Signed with " + hintShorten(d.Alg, 20) + "; " + strings.Join(facts, ", ") + ".")
	} else {
		b.WriteString("Signed with " + hintShorten(d.Alg, 20) + ".")
	}
}

// jwtSentToken returns the Bearer token the request carried, if any.
func jwtSentToken(in hintInput) string {
	v := strings.TrimSpace(in.ex.Request.Header.Get("Authorization"))
	scheme, tok, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// jwtServerSays collects what the server said about the token: the
// error_description of its Bearer challenge, or of its JSON body.
func jwtServerSays(in hintInput) string {
	for _, c := range in.challenges {
		if c.Is("Bearer") {
			if d, ok := c.Param("error_description"); ok && strings.TrimSpace(d) != "" {
				return strings.TrimSpace(d)
			}
		}
	}
	obj := in.object()
	for _, k := range []string{"error_description", "message", "error"} {
		if s, ok := hintJSONString(obj, k); ok && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// jwtRefused reports whether the server refused the request's credentials.
func jwtRefused(in hintInput) bool {
	if in.status() == http.StatusUnauthorized || in.status() == http.StatusForbidden {
		return true
	}
	for _, c := range in.challenges {
		if c.Is("Bearer") {
			if _, ok := c.Param("error"); ok {
				return true
			}
		}
	}
	return false
}

// jwtMentions reports whether text contains one of the words (lower case).
func jwtMentions(text string, words ...string) bool {
	text = strings.ToLower(text)
	for _, w := range words {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// jwtRefusedHints explains why a server refused the JWT the request carried.
func jwtRefusedHints(in hintInput) []Hint {
	if !jwtRefused(in) {
		return nil
	}
	tok := jwtSentToken(in)
	if tok == "" {
		return nil
	}
	d, err := DecodeJWT(tok, "", in.now)
	if err != nil {
		return nil // an opaque token: nothing JWT-specific to say
	}
	says := jwtServerSays(in)
	quote := ""
	if says != "" {
		quote = " The server says: " + hintQuote(says, 300) + "."
	}
	practice := in.header(jwtPracticeHeader) != ""
	off, haveOff := in.clockOffset()
	serverNow := in.now.Add(off)
	serverExpired := haveOff && !d.ExpiresAt.IsZero() && !serverNow.Before(d.ExpiresAt)
	serverNbf := haveOff && !d.NotBefore.IsZero() && serverNow.Before(d.NotBefore)
	descExpired := jwtMentions(says, "expired", "exp claim", `"exp"`)
	descNbf := jwtMentions(says, "not valid yet", "not yet valid", "nbf", "not before", "issued in the future", "iat claim")
	descAlg := jwtMentions(says, "alg ", "alg=", `"alg"`, "algorithm", "signing method")
	descSig := jwtMentions(says, "signature")
	var out []Hint

	switch {
	case d.Expired:
		out = append(out, Hint{
			Level: LevelError,
			Title: "JWT expired " + jwtAgo(in.now.Sub(d.ExpiresAt)),
			Detail: fmt.Sprintf("The token's exp is %s and your clock says %s: it expired %s, and a server must refuse it after exp (servers allow at most a few minutes of leeway).",
				d.ExpiresAt.UTC().Format("2006-01-02 15:04:05 UTC"), in.now.UTC().Format("2006-01-02 15:04:05 UTC"), jwtAgo(in.now.Sub(d.ExpiresAt))) + quote,
			Checks: []string{
				`Get a fresh token: ask the issuer again (refresh token, client credentials), or build one with -a jwt and "exp":"+1h"`,
				"If it was issued moments ago, the issuer's clock is behind: compare the clocks",
			},
			Ref: "RFC 7519 §4.1.4",
		})
	case d.NotYetValid:
		out = append(out, Hint{
			Level: LevelError,
			Title: "JWT not valid yet · nbf in " + jwtWords(d.NotBefore.Sub(in.now)),
			Detail: fmt.Sprintf("The token's nbf (not before) is %s, %s from now by your clock: a server must refuse it until then.",
				d.NotBefore.UTC().Format("2006-01-02 15:04:05 UTC"), jwtWords(d.NotBefore.Sub(in.now))) + quote,
			Checks: []string{
				`Build it with "nbf":"now" (or leave nbf out), or wait`,
				"If the issuer set nbf, its clock is ahead of the server's",
			},
			Ref: "RFC 7519 §4.1.5",
		})
	case descExpired || (serverExpired && !descAlg && !descSig):
		detail := "The server says the token expired, but by your clock it " + d.Expiry + ": the server's clock is ahead of yours (or it allows no leeway and the token is very short-lived)."
		if serverExpired {
			detail = fmt.Sprintf("By your clock the token %s, but the server's clock is %s: by its clock exp (%s) has passed.",
				d.Expiry, describeOffset(off), d.ExpiresAt.UTC().Format("15:04:05 UTC"))
		}
		out = append(out, jwtClockHint("expired by the server's clock", detail+quote))
	case descNbf || (serverNbf && !descAlg && !descSig):
		detail := "The server says the token is not valid yet (nbf or iat in its future), but by your clock it is: the server's clock is behind yours."
		if serverNbf {
			detail = fmt.Sprintf("By your clock nbf (%s) has passed, but the server's clock is %s: by its clock the token is not valid yet.",
				d.NotBefore.UTC().Format("15:04:05 UTC"), describeOffset(off))
		}
		out = append(out, jwtClockHint("not valid yet by the server's clock", detail+quote))
	case descAlg:
		checks := []string{
			"Sign with an alg the server accepts; alg none is never accepted",
			"The alg must fit the key: HS256/HS384/HS512 a shared secret, RS256 an RSA key, ES256 an EC P-256 key, EdDSA an Ed25519 key",
		}
		if practice {
			checks[0] = "The practice server accepts HS256, HS384, HS512 (secret demo-jwt-secret), RS256, ES256 and EdDSA (its demo keys, listed at GET /)"
		}
		out = append(out, Hint{
			Level:  LevelError,
			Title:  "JWT alg not accepted · " + hintShorten(d.Alg, 20),
			Detail: "The server does not verify tokens signed with " + hintShorten(d.Alg, 20) + ", or not with the key it holds for that algorithm." + quote,
			Checks: checks,
			Ref:    "RFC 8725 §3.1",
		})
	case descSig:
		out = append(out, jwtSignatureHint(d, quote, practice))
	default:
		h := Hint{
			Level:  LevelInfo,
			Title:  jwtSummary("The refused JWT", d),
			Detail: "The token is not expired by your clock and its shape is fine, so the server objects to something else: the key, the issuer, the audience or a claim it requires.",
			Checks: []string{
				"The signature: the server verifies with its own secret or public key (kid picks which)",
				"iss and aud must be the values this server expects (RFC 7519 §4.1.1, §4.1.3)",
				"The server may require claims the token lacks (scope, sub)",
			},
			Ref: "RFC 7519 §7.2",
		}
		var b strings.Builder
		h.Detail += " "
		jwtFacts(&b, d)
		h.Detail += b.String() + quote
		out = append(out, h)
	}
	return out
}

// jwtClockHint is the clock-skew hint for a JWT.
func jwtClockHint(what, detail string) Hint {
	checks := []string{
		"Synchronise the clocks with NTP (e.g. `timedatectl set-ntp true`) on whichever side is wrong",
		`Meanwhile, build tokens with a margin: "iat":"-2m", "nbf":"-2m", a longer exp`,
	}
	return Hint{
		Level:  LevelError,
		Title:  "JWT " + what,
		Detail: detail,
		Checks: checks,
		Ref:    "RFC 7519 §4.1.4, §4.1.5; RFC 9110 §6.6.1",
	}
}

// jwtSignatureHint explains a refused signature, by the kind of alg.
func jwtSignatureHint(d JWTDecoded, quote string, practice bool) Hint {
	h := Hint{
		Level: LevelError,
		Title: "JWT signature rejected · " + hintShorten(d.Alg, 20),
		Ref:   jwtAlgRef(d.Alg) + ", RFC 7515 §5.2",
	}
	if strings.HasPrefix(d.Alg, "HS") {
		h.Detail = "The server recomputed the HMAC of header.claims with its secret and got another signature: the token was signed with a different secret than the server's." + quote
		h.Checks = []string{
			"The secret is exactly the server's, byte for byte: no trailing newline or space (file: references keep the file's newline)",
			"Some servers store the secret base64-encoded and decode it before use: try the decoded bytes, or the encoded text",
			"The token was not changed after signing (one character of the header or the claims breaks the signature)",
		}
		if practice {
			h.Checks = append([]string{"The practice server verifies HS256/HS384/HS512 with the secret demo-jwt-secret"}, h.Checks...)
		}
		return h
	}
	h.Detail = "The server's public key does not verify the " + hintShorten(d.Alg, 20) + " signature: the token was signed with a private key that is not the pair of the key the server trusts." + quote
	h.Checks = []string{
		"The private key is the pair of the server's public key (compare: openssl pkey -in key.pem -pubout)",
		"kid names the key the server should use (RFC 7515 §4.1.4); with a JWKS, the kid must be listed there",
		"The token was not changed after signing",
	}
	if practice {
		h.Checks = append([]string{"The practice server verifies RS256, ES256 and EdDSA with the public halves of its demo keys (GET / lists the private ones)"}, h.Checks...)
	}
	return h
}
