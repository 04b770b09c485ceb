package practice

import (
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"
)

// A mistake category is what the server can honestly say went wrong from
// what it checked itself: the verdict of the check that failed, and for a
// few mistakes a second check it can make with what it knows (an OAuth 1.0a
// signature recomputed without the token secret matches the one received;
// the client's clock, from the timestamp it signed). It never guesses what
// it did not check: a signature that matches no variant stays "signature
// mismatch".

// mistakeRule maps a verdict containing match (lower case) to a category.
type mistakeRule struct{ match, category string }

// mistakeRules are tried in order against the lower-cased verdict; the
// first that matches names the mistake. "" marks a normal step of a flow,
// not a mistake.
var mistakeRules = []mistakeRule{
	// normal steps
	{"no credentials: no authorization header, so here is the challenge", ""}, // Digest's first round trip
	{"authorization_pending", ""},
	{"here is the challenge for this connection", ""}, // NTLM's NEGOTIATE → CHALLENGE
	// NTLM (before the generic Basic rules: "wrong password" is in its verdict)
	{"no ntlm challenge for this connection", "NTLM answer on another connection"},
	{"ntproofstr matches the user not uppercased", "NTLM user not uppercased"},
	{"ntproofstr matches the domain", "NTLM domain hashed ≠ sent"},
	{"ntproofstr matches an empty domain", "NTLM domain hashed ≠ sent"},
	{"ntproofstr mismatch", "NTLM wrong password"},
	{"ntlmv1 response", "NTLMv1 instead of NTLMv2"},
	{"not an ntlmv2 response", "NTLMv1 instead of NTLMv2"},
	{"not an ntlm message", "NTLM token unreadable"},
	{"unknown domain", "unknown domain"},
	{", not ntlm", "wrong Authorization scheme"},
	// Basic, GitHub-style
	{"wrong password", "wrong password"},
	{"unknown userhash", "wrong userhash"},
	{"unknown user", "unknown user"},
	{"not base64", "not base64"},
	{`no ":" between user and password`, "no colon in Basic credentials"},
	{"unsupported scheme", "wrong Authorization scheme"},
	{", not digest", "wrong Authorization scheme"},
	{", not bearer", "wrong Authorization scheme"},
	{"more than one authorization header", "several Authorization headers"},
	{"several authorization headers", "several Authorization headers"},
	// API key
	{"invalid key", "wrong API key"},
	{"more than one key", "API key sent twice"},
	{"no key", "no API key"},
	// OAuth 1.0a
	{"unknown consumer key", "wrong consumer key"},
	{"unknown or expired access token", "unknown access token"},
	{"unknown or expired request token", "unknown request token"},
	{"nonce already used", "nonce replay"},
	{"oauth_verifier does not match", "wrong PIN"},
	{"has not authorized", "token not authorized yet"},
	{"already exchanged", "request token reused"},
	{"unsupported signature method", "unsupported signature method"},
	// Digest
	{"response mismatch", "wrong password or HA2 input"},
	{"nc replay", "nc replay"},
	{"stale nonce", "stale nonce"},
	{"realm mismatch", "wrong realm"},
	{"is not the request-target", "Digest uri ≠ request-target"},
	{"nonce: ", "unknown nonce"},
	{"opaque", "opaque not echoed"},
	{"was not offered", "algorithm or qop not offered"},
	{"no qop", "qop missing"},
	// SigV4
	{"wrong region", "wrong region"},
	{"wrong service", "wrong service"},
	{"credential scope date", "scope date ≠ X-Amz-Date"},
	{"scope terminator", "scope terminator wrong"},
	{"unknown access key", "unknown access key ID"},
	{"host is not signed", "host not signed"},
	{"sent but not signed", "x-amz-* header not signed"},
	{"xamzcontentsha256mismatch", "payload hash wrong"},
	{"session token expired", "session token expired"},
	{"unknown session token", "unknown session token"},
	{"denies delete", "DELETE denied by policy"},
	// Hawk
	{"hawk: no authorization header", ""}, // the challenge of a first, unsigned request
	{"hawk: unknown credentials", "unknown Hawk id"},
	{"hawk: invalid nonce", "nonce replay"},
	{"hawk: missing required payload hash", "Hawk payload hash missing"},
	{"hawk: bad payload hash", "Hawk payload hash wrong"},
	{"hawk: missing attributes", "Hawk header attribute missing"},
	// JWT
	{"alg none", "unsigned JWT (alg none)"},
	{"is not accepted here; accepted", "JWT alg not accepted"},
	{"the token expired", "token expired"},
	{"not valid yet", "JWT not valid yet (nbf)"},
	{"issued in the future", "JWT iat in the future"},
	{"not a signed jwt", "not a JWT"},
	{"token signature is invalid", "JWT signed with another key"},
	// OpenID Connect (before bearer: its userinfo refusals say insufficient_scope too)
	{"must contain openid", "openid missing from scope"},
	{"is unknown or revoked", "token unknown or revoked"},
	{"issued to another client (rfc 7009", "revoking another client's token"},
	// bearer
	{"insufficient_scope", "scope too narrow"},
	{"unknown token", "unknown token"},
	{"expired", "token expired"},
	{"no token", "no token"},
	{"empty token", "no token"},
	// OAuth 2.0
	{"wrong client_secret", "wrong client secret"},
	{"unknown client_id", "unknown client_id"},
	{"wrong username or password", "wrong password"},
	{"pkce", "PKCE verifier wrong"},
	{"redirect_uri differs", "redirect_uri differs"},
	{"authorization code is unknown", "code unknown or reused"},
	{"refresh token is unknown", "refresh token unknown or reused"},
	{"device code is unknown", "device code unknown"},
	{"slow_down", "polling too fast"},
	{"access_denied", "user denied"},
	{"invalid_scope", "unknown scope"},
	{"unsupported_grant_type", "unsupported grant_type"},
	{"unauthorized_client", "grant not allowed for client"},
	{"invalid_client", "client authentication failed"},
	// mutual TLS
	{"no client certificate", "no client certificate"},
	{"plain http", "plain HTTP, not TLS"},
	// Akamai EdgeGrid
	{"invalid authorization client token", "unknown client token"},
	{"invalid authorization access token", "unknown EdgeGrid access token"},
	{"not yyyymmddthh:mm:ss+0000", "timestamp format wrong"},
	{"signed as scheme", "wrong scheme signed"},
	{"host without its port", "host signed without its port"},
	{"headers to sign were not signed", "headers_to_sign left out"},
	{"post body was not hashed", "POST body not hashed"},
	{"not its first max_body bytes", "body hashed past max_body"},
	// generic last: a verdict naming only what failed
	{"signature mismatch", "signature mismatch"},
	{"is missing", "parameter missing"},
}

// mistake is the category of the verification t records with status.
func (s *Server) mistake(t ServerTrace, status int) string {
	if status < 400 && strings.HasPrefix(t.Verdict, "ok") {
		return ""
	}
	v := strings.ToLower(t.Verdict)
	switch {
	case strings.Contains(v, "timestamp out of bounds"):
		return clockMistake(traceValue(t, "clock difference"))
	case t.Scheme == "hawk" && strings.Contains(v, "bad mac"):
		return hawkMACMistake(t)
	case t.Scheme == "hawk" && strings.Contains(v, "stale timestamp"):
		return clockMistake(traceValue(t, "clock difference"))
	case strings.Contains(v, "requesttimetooskewed"):
		return sigv4ClockMistake(traceValue(t, "X-Amz-Date"), traceValue(t, "server time"))
	case t.Scheme == "oauth1" && strings.Contains(v, "signature mismatch"):
		return oauth1SignatureMistake(t)
	}
	for _, r := range mistakeRules {
		if strings.Contains(v, r.match) {
			return r.category
		}
	}
	if t.Verdict == "" {
		return ""
	}
	return shortVerdict(t.Verdict)
}

// shortVerdict is a verdict no rule knows, cut at its first detail.
func shortVerdict(v string) string {
	if i := strings.IndexAny(v, ":("); i > 0 {
		v = v[:i]
	}
	return cut(strings.TrimSpace(v), 40)
}

// traceValue is the first value labelled label, "" when there is none.
func traceValue(t ServerTrace, label string) string {
	for _, v := range t.Values {
		if v.Label == label {
			return v.Value
		}
	}
	return ""
}

// clockMistake names a clock error from OAuth 1.0a's "clock difference"
// value ("-600 s": the client's timestamp minus the server's clock).
func clockMistake(diff string) string {
	n, err := strconv.ParseInt(strings.TrimSuffix(diff, " s"), 10, 64)
	if err != nil {
		return "clock wrong"
	}
	return clockWords(time.Duration(n) * time.Second)
}

// sigv4ClockMistake names a clock error from X-Amz-Date and the server's
// time (both ISO 8601 basic, RFC 3339 without separators).
func sigv4ClockMistake(amzDate, server string) string {
	c, err1 := time.Parse(sigv4AmzDate, amzDate)
	sv, err2 := time.Parse(sigv4AmzDate, server)
	if err1 != nil || err2 != nil {
		return "clock wrong"
	}
	return clockWords(c.Sub(sv))
}

// clockWords says how far the client's clock is off: "clock 10 min
// behind", "clock 2 h ahead". Minutes are rounded, so categories group.
func clockWords(d time.Duration) string {
	dir := "ahead"
	if d < 0 {
		dir, d = "behind", -d
	}
	switch {
	case d >= 90*time.Minute:
		return fmt.Sprintf("clock %d h %s", (d+30*time.Minute)/time.Hour, dir)
	case d >= 90*time.Second:
		return fmt.Sprintf("clock %d min %s", (d+30*time.Second)/time.Minute, dir)
	}
	return fmt.Sprintf("clock %d s %s", d/time.Second, dir)
}

// oauth1SignatureMistake recomputes a mismatched HMAC signature the ways a
// client commonly gets it wrong, with the secrets the server knows (the
// demo consumer's; the demo token's), and names the variant that matches
// what the client sent (RFC 5849 §3.4.2: key = consumer secret & token
// secret).
func oauth1SignatureMistake(t ServerTrace) string {
	var h func() hash.Hash
	switch traceValue(t, "oauth_signature_method") {
	case sigHMACSHA1:
		h = sha1.New
	case sigHMACSHA256:
		h = sha256.New
	default:
		return "signature mismatch"
	}
	got, base := traceValue(t, "received oauth_signature"), traceValue(t, "signature base string")
	if got == "" || base == "" {
		return "signature mismatch"
	}
	consumer, token := DemoConsumerSecret, ""
	if traceValue(t, "oauth_token") == DemoAccessToken {
		token = DemoTokenSecret
	}
	tries := []struct {
		key, base, category string
	}{
		{signingKey(consumer, ""), base, "token secret missing"},
		{signingKey("", token), base, "consumer secret missing"},
		{signingKey(token, consumer), base, "secrets swapped"},
		{signingKey(consumer, token), oauth1BaseWithout(base, "oauth_token"), "oauth_token not signed"},
		{signingKey(consumer, ""), oauth1BaseWithout(base, "oauth_token"), "signed without the token"},
	}
	for _, try := range tries {
		if try.base != "" && hmacBase64(h, try.key, try.base) == got {
			return try.category
		}
	}
	return "signature mismatch"
}

// oauth1BaseWithout rebuilds a signature base string without the parameter
// name (RFC 5849 §3.4.1.1: method & URI & parameter string, each encoded);
// "" when the base string has no such parameter.
func oauth1BaseWithout(base, name string) string {
	method, rest, ok1 := strings.Cut(base, "&")
	uri, params, ok2 := strings.Cut(rest, "&")
	if !ok1 || !ok2 {
		return ""
	}
	// In the base string the parameter string is encoded once more: "&"
	// is %26 and "=" is %3D.
	parts := strings.Split(params, "%26")
	kept := parts[:0]
	for _, p := range parts {
		if strings.HasPrefix(p, name+"%3D") {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == len(parts) {
		return ""
	}
	return method + "&" + uri + "&" + strings.Join(kept, "%26")
}
