package authn

import (
	"fmt"
	"strconv"
	"strings"
)

// What the server's WWW-Authenticate challenges offer (RFC 9110 §11.6.1),
// whether the scheme that was sent is among them, and whether the header
// could be parsed at all.

func init() {
	registerRecognizer("challenge-problems", hintRankChallenge, challengeProblemHints)
	registerRecognizer("challenge-offers", hintRankOffer, challengeOfferHints)
}

// hintOfferedSchemes lists the distinct schemes of the challenges, in order.
func hintOfferedSchemes(cs []Challenge) []string {
	var out []string
	for _, c := range cs {
		dup := false
		for _, s := range out {
			dup = dup || strings.EqualFold(s, c.Scheme)
		}
		if !dup {
			out = append(out, c.Scheme)
		}
	}
	return out
}

// hintOrList joins "A", "A or B", "A, B or C".
func hintOrList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// challengeProblemHints reports a malformed header, a Digest challenge
// with stale=true, and a 401 whose challenges do not include the scheme that
// was sent.
func challengeProblemHints(in hintInput) []Hint {
	var out []Hint
	if in.challengeErr != nil {
		out = append(out, Hint{
			Level: LevelWarn,
			Title: "Malformed WWW-Authenticate header",
			Detail: fmt.Sprintf("The server's WWW-Authenticate header does not follow RFC 9110 §11.6.1: %s. authlab kept the %d challenge(s) it could read; "+
				"stricter clients may give up on it.", in.challengeErr, len(in.challenges)),
			Checks: []string{
				"Parameter values that are not tokens (URLs, lists with spaces) must be quoted (RFC 9110 §11.2)",
				"Report it to the server's maintainers; compare with the raw header in the response",
			},
			Ref: "RFC 9110 §11.6.1, §11.2",
		})
	}
	for _, c := range in.challenges {
		if st, ok := c.Param("stale"); ok && c.Is("Digest") && strings.EqualFold(st, "true") {
			out = append(out, Hint{
				Level: LevelWarn,
				Title: "Digest stale=true · retry with the new nonce",
				Detail: "The nonce the Digest response was computed with has expired, but the credentials were otherwise right: " +
					"this is not a wrong password. The client should compute a new response with the nonce of this challenge, without asking the user again.",
				Checks: []string{"Retry: a Digest client does it by itself", "A hand-written Authorization header reuses an old nonce: let -a digest answer the challenge"},
				Ref:    "RFC 7616 §3.3 (stale)",
			})
			break
		}
	}
	if in.status() != 401 || len(in.challenges) == 0 {
		return out
	}
	if in.ex.Role == RoleToken {
		// A token endpoint's challenge is about the client's authentication
		// (RFC 6749 §5.2 invalid_client), which the oauth2 hints explain;
		// switching the request's scheme would be wrong advice.
		return out
	}
	offered := hintOfferedSchemes(in.challenges)
	sent := in.sentAuthScheme()
	if sent != "" {
		for _, c := range in.challenges {
			if c.Is(sent) {
				return out
			}
		}
		only := "only "
		if len(offered) > 1 {
			only = ""
		}
		return append(out, Hint{
			Level: LevelError,
			Title: fmt.Sprintf("Sent %s, but the server offers %s%s", sent, only, hintOrList(offered)),
			Detail: fmt.Sprintf("The request's Authorization header uses the %s scheme, which is not among the challenges of this 401, "+
				"so the server most likely ignored it.", sent),
			Checks: append(hintSwitchAdvice("Switch to", in.challenges),
				"If the API's documentation says it accepts "+sent+" anyway, the credentials themselves were rejected: check them"),
			Ref: "RFC 9110 §11.6.1, §15.5.2",
		})
	}
	if len(in.ex.Request.Credentials) == 0 && in.schemeName() != "none" {
		return out // the scheme's credentials were dropped: notSentHint says so
	}
	level := LevelWarn
	detail := fmt.Sprintf("The request had no Authorization header; the server asks for %s.", hintOrList(offered))
	if in.sentNothing() {
		level = LevelError
		detail = fmt.Sprintf("No credentials were sent; the server asks for %s.", hintOrList(offered))
	} else if in.schemeName() != "none" {
		detail += fmt.Sprintf(" The %s credentials went elsewhere (a query parameter, another header or the body), where this server may not look.", in.schemeTitle())
	}
	return append(out, Hint{
		Level:  level,
		Title:  "No Authorization header sent; the server asks for " + hintOrList(offered),
		Detail: detail,
		Checks: hintSwitchAdvice("Authenticate with", in.challenges),
		Ref:    "RFC 9110 §11.6.1, §11.6.2",
	})
}

// hintSwitchAdvice says how to answer the challenges: "<verb> Digest (-a
// digest)" for the auth-schemes an authlab scheme answers, and for each
// one none does, plainly that authlab cannot and what can
// (hintCannotAnswer). It never suggests an -a for a scheme authlab lacks.
func hintSwitchAdvice(verb string, cs []Challenge) []string {
	var can, cannot []string
	for _, s := range hintOfferedSchemes(cs) {
		if _, ok := authlabSchemeFor(s); ok {
			can = append(can, s)
		} else {
			cannot = append(cannot, s)
		}
	}
	var out []string
	if len(can) > 0 {
		out = append(out, fmt.Sprintf("%s %s%s", verb, hintOrList(can), authlabFlagsFor(can)))
	}
	for _, s := range cannot {
		out = append(out, hintCannotAnswer(s, cs))
	}
	return out
}

// hintCannotAnswer says that authlab cannot answer the auth-scheme s and
// what can: for Negotiate (RFC 4559: SPNEGO, in practice Kerberos), curl
// with a Kerberos ticket, or -a ntlm where the server also takes NTLM.
func hintCannotAnswer(s string, cs []Challenge) string {
	if !strings.EqualFold(s, "Negotiate") {
		return fmt.Sprintf("authlab cannot answer %s: use a client that implements it (the API's documentation should name one)", hintShorten(s, 40))
	}
	ntlmToo, token := false, false
	for _, c := range cs {
		ntlmToo = ntlmToo || c.Is("NTLM")
		token = token || (c.Is("Negotiate") && c.Token68 != "" && !strings.HasPrefix(c.Token68, "TlRMTVNTUA")) // a raw NTLM token is not Kerberos
	}
	out := "authlab cannot answer Negotiate with Kerberos (SPNEGO, RFC 4559): get a ticket with kinit and use curl --negotiate -u : URL, or a browser on the domain"
	switch {
	case ntlmToo:
		out += "; this server also offers NTLM, which authlab answers with -a ntlm"
	case token:
		out += "; the challenge carries a Kerberos/SPNEGO token, so NTLM is not on offer"
	default:
		out += "; if the server also takes NTLM inside Negotiate (IIS does by default), -a ntlm tries that"
	}
	return out
}

// authlabSchemeFor returns the authlab scheme that answers an HTTP
// auth-scheme: the first, in display order, whose Info lists it among its
// Challenges.
func authlabSchemeFor(httpScheme string) (string, bool) {
	for _, s := range Schemes() {
		if s.Info().Answers(httpScheme) {
			return s.Info().Name, true
		}
	}
	return "", false
}

// authlabFlagsFor says which -a flags answer the offered schemes.
func authlabFlagsFor(offered []string) string {
	var flags []string
	for _, s := range offered {
		if name, ok := authlabSchemeFor(s); ok {
			flags = append(flags, "-a "+name)
		}
	}
	if len(flags) == 0 {
		return ""
	}
	return " (" + strings.Join(flags, ", ") + ")"
}

func challengeOfferHints(in hintInput) []Hint {
	var out []Hint
	for i, c := range in.challenges {
		if i == maxOfferHints {
			// A hostile server may send thousands of challenges; the
			// rest are counted, not described (bounded output).
			out = append(out, Hint{Level: LevelInfo,
				Title:  fmt.Sprintf("… and %d more challenges", len(in.challenges)-maxOfferHints),
				Detail: "The Headers tab (or -v) lists every WWW-Authenticate header the server sent."})
			break
		}
		out = append(out, answeredOffer(in, offerHint(c, in.challenges), c))
	}
	return out
}

// answeredOffer corrects an offer hint's advice for what this exchange
// already did (issue #15 item 17): a request that sent credentials in the
// offered scheme needs other credentials, not another -a; and a token
// endpoint's challenge (RFC 6749 §2.3.1, §5.2 invalid_client) asks for
// the client's authentication, which the grant's client fields give, not
// a different scheme for the API call.
func answeredOffer(in hintInput, h Hint, c Challenge) Hint {
	if len(h.Checks) == 0 {
		return h
	}
	if in.ex.Role == RoleToken {
		h.Checks = []string{"This is the token endpoint asking for the client's credentials (RFC 6749 §2.3.1): check client_id and client_secret and how they are sent (client_auth), not -a"}
		return h
	}
	if auth := in.ex.Request.Header.Get("Authorization"); auth != "" {
		if sch, _, _ := strings.Cut(auth, " "); strings.EqualFold(sch, c.Scheme) {
			h.Checks = []string{fmt.Sprintf("Your request answered it (Authorization: %s …): the scheme is right, the server refused these credentials", c.Scheme)}
		}
	}
	return h
}

// maxOfferHints bounds the "Server offers …" hints of one response.
const maxOfferHints = 10

// hintParamNotes appends "name: “value”" for each present parameter.
func hintParamNotes(c Challenge, names ...string) string {
	var parts []string
	for _, n := range names {
		if v, ok := c.Param(n); ok {
			parts = append(parts, n+" "+hintQuote(v, 120))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " Parameters: " + strings.Join(parts, ", ") + "."
}

// offerHint describes one challenge at LevelInfo; all are the response's
// challenges (a Negotiate beside an NTLM challenge points to -a ntlm).
func offerHint(c Challenge, all []Challenge) Hint {
	title := "Server offers " + c.Scheme
	if realm, ok := c.Param("realm"); ok {
		title += " · realm " + strconv.Quote(hintShorten(realm, 80))
	}
	h := Hint{Level: LevelInfo, Title: title}
	h.Detail, h.Ref = explainOffer(c)
	if name, ok := authlabSchemeFor(c.Scheme); ok {
		h.Checks = []string{"authlab answers it with -a " + name}
	} else {
		h.Checks = []string{hintCannotAnswer(c.Scheme, all)}
	}
	return h
}

// explainOffer returns the detail and reference of an offer hint: from the
// first scheme that answers c and explains it (its own file holds the
// text), else from what is known about schemes authlab does not answer.
func explainOffer(c Challenge) (detail, ref string) {
	for _, s := range Schemes() {
		if e, ok := s.(OfferExplainer); ok && s.Info().Answers(c.Scheme) {
			if detail, ref, ok := e.ExplainOffer(c); ok {
				return detail, ref
			}
		}
	}
	return explainUnansweredOffer(c)
}

// explainUnansweredOffer describes a challenge of an auth-scheme no
// authlab scheme answers (the IANA HTTP Authentication Scheme Registry,
// RFC 9110 §16.4.1), so the user learns what the server asks for.
func explainUnansweredOffer(c Challenge) (detail, ref string) {
	switch strings.ToLower(c.Scheme) {
	case "negotiate":
		detail = "Negotiate: SPNEGO, usually Kerberos (or NTLM as a fallback) from a domain-joined machine, over a kept-alive connection. authlab does not do Kerberos."
		if c.Token68 != "" {
			detail += " The challenge carries a token: a step of the handshake (or its final, mutual-authentication step)."
		}
		return detail, "RFC 4559 §4"
	case "dpop":
		return "DPoP: a sender-constrained access token plus a signed proof JWT in the DPoP header." + hintParamNotes(c, "algs", "scope"), "RFC 9449 §7.1"
	case "hoba":
		return "HOBA: origin-bound key-pair authentication.", "RFC 7486 §3"
	case "mutual":
		return "Mutual: password-based mutual authentication, where the server proves it knows the password too.", "RFC 8120 §4"
	case "scram-sha-1", "scram-sha-256":
		return "SCRAM: a salted challenge-response exchange that never sends the password.", "RFC 7804 §5"
	case "vapid":
		return "vapid: Web Push application server identification with a signed JWT.", "RFC 8292 §3"
	case "privatetoken":
		return "PrivateToken: Privacy Pass tokens.", "RFC 9577 §2.1"
	case "concealed":
		return "Concealed: a signature with a key exported from the TLS session, for resources that hide that they exist.", "RFC 9729 §3"
	}
	detail = "A scheme authlab has no description of; see the API's documentation."
	if c.Token68 == "" && len(c.Params) > 0 {
		var names []string
		for _, p := range c.Params {
			names = append(names, p.Name)
		}
		detail += " Its parameters: " + hintShorten(strings.Join(names, ", "), 200) + "."
	}
	return detail, "RFC 9110 §11.6.1"
}
