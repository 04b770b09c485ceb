package authn

import (
	"fmt"
	"strings"
)

// Digest failures (RFC 7616): an answer the server refused (wrong password,
// or a realm, algorithm or qop it did not offer), a nonce that went stale
// even after a retry, a challenge with nothing authlab can compute, a server
// that wants the body hashed (auth-int), and a Digest challenge answered
// with Basic or nothing. hints_challenge.go already reports the scheme
// mismatch ("Sent Basic, but the server offers only Digest") and
// stale=true; these hints add what is particular to Digest.

func init() { registerRecognizer("digest", hintRankRFCError, digestHints) }

// Titles of the Digest hints (tests match them).
const (
	digestHintWrongPassword = "Digest answer refused · wrong password or username"
	digestHintRealm         = "Digest realm mismatch"
	digestHintAlgorithm     = "Digest algorithm not offered"
	digestHintQop           = "Digest qop not offered"
	digestHintStaleAgain    = "Digest nonce stale again after a retry"
	digestHintUnsupported   = "Digest challenge authlab cannot answer"
	digestHintAuthInt       = "Server wants qop=auth-int: the body is hashed too"
	digestHintNotDigest     = "Answer this Digest challenge with -a digest"
	digestHintNoDigest      = "Digest was chosen, but the server offers only "
)

func digestHints(in hintInput) []Hint {
	var digests []digestChallenge
	var unsupported, badQop []string
	for _, c := range in.challenges {
		if !c.Is("Digest") {
			continue
		}
		d, err := digestParseChallenge(c)
		if err != nil {
			continue
		}
		digests = append(digests, d)
		if !d.algOK {
			unsupported = append(unsupported, d.algorithm)
		} else if d.qops != nil && !d.offersQop(digestQopAuth) && !d.offersQop(digestQopAuthInt) {
			badQop = append(badQop, strings.Join(d.qops, ", "))
		} else if d.qops == nil && d.alg.sess {
			badQop = append(badQop, "none, with "+d.alg.name+" (a -sess HA1 needs the cnonce that only qop answers carry)")
		}
	}
	if len(digests) == 0 {
		if in.schemeName() == "digest" && in.status() == 401 && len(in.challenges) > 0 && in.ex.Request.Header.Get("Authorization") == "" {
			offered := hintOfferedSchemes(in.challenges)
			return []Hint{{Level: LevelError, Title: digestHintNoDigest + hintOrList(offered),
				Detail: "The digest scheme sends the first request without credentials to receive a Digest challenge (a nonce to hash the password with). " +
					"This server's 401 offers no Digest challenge, so there was nothing to answer and no credentials were sent.",
				Checks: hintSwitchAdvice("Switch to", in.challenges),
				Ref:    "RFC 7616 §3.3, RFC 9110 §11.6.1"}}
		}
		return nil
	}
	var out []Hint
	if len(unsupported)+len(badQop) == len(digests) {
		detail := "authlab computes the algorithms of the RFC 7616 §6.1 registry — MD5, SHA-256, SHA-512-256 and their -sess variants — with qop auth or auth-int (or none, RFC 2069)."
		if len(unsupported) > 0 {
			detail += " This server offers " + hintQuote(strings.Join(unsupported, ", "), 80) + "."
		}
		if len(badQop) > 0 {
			detail += " It asks for qop " + hintQuote(strings.Join(badQop, "; "), 80) + "."
		}
		out = append(out, Hint{Level: LevelError, Title: digestHintUnsupported, Detail: detail,
			Checks: []string{
				"The server may be configured for a non-standard algorithm (SHA-1, SHA-512): ask for SHA-256 or SHA-512-256",
				"Compare with the raw WWW-Authenticate header in the Headers tab",
			},
			Ref: "RFC 7616 §3.3, §6.1"})
	}

	onlyAuthInt := false
	for _, d := range digests {
		if d.algOK && d.qops != nil && d.offersQop(digestQopAuthInt) && !d.offersQop(digestQopAuth) {
			onlyAuthInt = true
		}
	}
	sent, sentDigest := digestParseAuthorization(in.ex.Request.Header.Get("Authorization"))

	// Only when Digest is all the server offers: with other schemes on offer
	// the user may mean one of them (hints_challenge.go lists them all).
	if in.status() == 401 && !sentDigest && in.schemeName() != "digest" && len(unsupported)+len(badQop) < len(digests) &&
		len(hintOfferedSchemes(in.challenges)) == 1 {
		via := "no Authorization header"
		if s := in.sentAuthScheme(); s != "" {
			via = s
		}
		out = append(out, Hint{Level: LevelInfo, Title: digestHintNotDigest,
			Detail: "This 401 is a Digest challenge, answered here with " + via + ". Digest never sends the password: the client hashes it with the nonce of this very 401 " +
				"(HA1 = H(username:realm:password), then response = H(HA1:nonce:nc:cnonce:qop:HA2)), so it cannot be written by hand in advance. " +
				"authlab's digest scheme sends the request, reads the challenge and answers it in one call.",
			Checks: []string{"Send with -a digest -c username=USER -c password=prompt (the Trace tab shows HA1, HA2 and the response)"},
			Ref:    "RFC 7616 §3.3, §3.4"})
	}
	if onlyAuthInt {
		out = append(out, Hint{Level: LevelInfo, Title: digestHintAuthInt,
			Detail: "The challenge offers only qop=auth-int, so H(entity-body) goes into HA2 (A2 = method:uri:H(entity-body)). " +
				"The body must reach the server byte for byte: a proxy that re-encodes it, a Content-Encoding, or a body changed on a redirect makes the server compute another response. authlab answers auth-int by itself.",
			Ref: "RFC 7616 §3.4.3"})
	}
	if in.status() != 401 || !sentDigest {
		return out
	}

	// The request carried a Digest answer and got 401 again.
	stale := false
	for _, d := range digests {
		stale = stale || d.stale
	}
	if stale {
		if in.ex.Role == RoleRetry {
			out = append(out, Hint{Level: LevelWarn, Title: digestHintStaleAgain,
				Detail: "authlab answered again with the new nonce and the server still called it stale. Its nonces may live shorter than a round trip, " +
					"or several servers behind a load balancer do not share the secret they make nonces with, so one refuses the nonce of another.",
				Checks: []string{"Send again: a quick second try often gets a fresh nonce through",
					"On the server: one nonce secret for every node, and a nonce lifetime of at least a few seconds"},
				Ref: "RFC 7616 §3.3 (stale), §5.4"})
		}
		return out
	}

	sentRealm, hasRealm := sent["realm"]
	realmOK, algOK, qopOK := false, false, false
	var realms, algs, qops []string
	sentAlg, _ := digestLookupAlg(sent["algorithm"])
	sentQop, hasQop := sent["qop"]
	for _, d := range digests {
		realms = append(realms, d.realm)
		if d.realm != sentRealm {
			continue
		}
		realmOK = true
		algs = append(algs, d.algName())
		if !d.algOK || sentAlg.name != d.alg.name {
			continue
		}
		algOK = true
		qops = append(qops, digestQopList(d))
		if hasQop && d.offersQop(sentQop) || !hasQop && d.qops == nil {
			qopOK = true
		}
	}
	switch {
	case !hasRealm || !realmOK:
		return append(out, Hint{Level: LevelError, Title: digestHintRealm,
			Detail: fmt.Sprintf("The answer was computed for realm %s, but the server's challenge names %s. The realm is part of HA1 = H(username:realm:password), so an answer for another realm can never match.",
				hintQuote(sentRealm, 80), hintQuote(strings.Join(realms, ", "), 120)),
			Checks: []string{
				"Let authlab take the realm from the challenge (-a digest) instead of a hand-written or copied Authorization header",
				"A stored HA1 is bound to its realm: one made for another realm (or another server) does not work here",
			},
			Ref: "RFC 7616 §3.3 (realm), §3.4.2"})
	case !algOK:
		name := sent["algorithm"]
		if name == "" {
			name = "MD5 (no algorithm parameter)"
		}
		return append(out, Hint{Level: LevelError, Title: digestHintAlgorithm,
			Detail: fmt.Sprintf("The answer used %s; this realm's challenges offer %s. A server compares the answer only with what it offered.",
				hintQuote(name, 60), hintQuote(strings.Join(algs, ", "), 120)),
			Checks: []string{"Use -c algorithm=auto, or one of the offered algorithms"},
			Ref:    "RFC 7616 §3.3 (algorithm), §3.7"})
	case !qopOK:
		q := sentQop
		if !hasQop {
			q = "none (RFC 2069 style)"
		}
		return append(out, Hint{Level: LevelError, Title: digestHintQop,
			Detail: fmt.Sprintf("The answer used qop %s; the challenge offers %s. When a challenge lists qop, the answer must carry one of them with nc and cnonce.",
				hintQuote(q, 40), hintQuote(strings.Join(qops, "; "), 80)),
			Checks: []string{"Use -c qop=auto"},
			Ref:    "RFC 7616 §3.3 (qop), §3.4"})
	}
	checks := []string{
		"The password: type it again (letter case, a trailing space or newline from a file)",
		"The username: Digest usernames are compared exactly, case included",
		"The realm is right, so the server really holds a different HA1 = H(username:realm:password) for this user",
	}
	if hasQop && sentQop == digestQopAuthInt {
		checks = append(checks, "qop=auth-int: the body the server received must be the bytes that were hashed (a proxy or Content-Encoding changes it)")
	}
	if strings.EqualFold(sent["userhash"], "true") {
		checks = append(checks, "userhash=true was sent: the server must hash its usernames with the same algorithm and realm (RFC 7616 §3.4.4)")
	}
	checks = append(checks, "Behind a proxy or load balancer, uri must still equal the request-target the server sees (RFC 7616 §3.4.6)")
	detail := "The Digest answer was computed from the server's own challenge — its realm, nonce, algorithm and qop — and the server still refused it without stale=true. " +
		"It recomputed the response from the HA1 it stores and got a different one: the password or the username does not match what it holds."
	if in.schemeName() != "digest" {
		detail = "The server refused this Digest answer without stale=true. A hand-written or copied Authorization header reuses an old nonce the server may no longer accept; " +
			"otherwise the password or the username does not match the HA1 it holds."
		checks = append([]string{"Let authlab answer the challenge itself: -a digest"}, checks...)
	}
	return append(out, Hint{Level: LevelError, Title: digestHintWrongPassword,
		Detail: detail,
		Checks: checks,
		Ref:    "RFC 7616 §3.4.1, §3.4.2, §3.3"})
}

// digestQopList names a challenge's qop offer.
func digestQopList(d digestChallenge) string {
	if d.qops == nil {
		return "none"
	}
	return strings.Join(d.qops, ", ")
}
