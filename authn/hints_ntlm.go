package authn

import "strings"

// NTLM failures (MS-NLMP, MS-NTHT): the AUTHENTICATE refused (wrong
// password, user or domain), a handshake the server did not continue (no
// CHALLENGE for the NEGOTIATE: NTLM disabled, or a proxy or load balancer
// that does not keep the connection), a Negotiate that wants Kerberos, and
// a server that offers no NTLM at all. hints_challenge.go already says
// what each offered challenge is and which -a answers it.

func init() { registerRecognizer("ntlm", hintRankRFCError, ntlmHints) }

// Titles of the NTLM hints (tests match them).
const (
	ntlmHintRefused  = "NTLM proof refused · wrong password, user or domain"
	ntlmHintNoChal   = "NTLM handshake not continued: no challenge for the NEGOTIATE"
	ntlmHintKerberos = "The server wants Kerberos (Negotiate), which authlab cannot answer"
	ntlmHintNoNTLM   = "NTLM was chosen, but the server offers "
)

func ntlmHints(in hintInput) []Hint {
	if in.schemeName() != "ntlm" || in.status() != 401 {
		return nil
	}
	var ntlmOffer, negOffer, negToken bool
	for _, c := range in.challenges {
		switch {
		case c.Is("NTLM"):
			ntlmOffer = true
		case c.Is("Negotiate"):
			negOffer = true
			negToken = negToken || (c.Token68 != "" && !strings.HasPrefix(c.Token68, "TlRMTVNTUA"))
		}
	}
	switch {
	case in.ex.Role == ntlmRoleAuthenticate:
		return []Hint{{Level: LevelError, Title: ntlmHintRefused,
			Detail: "The server answered the AUTHENTICATE_MESSAGE, computed from the challenge it sent on this very connection, with 401: " +
				"its NTProofStr for this user differs, so the password is wrong, or the user or domain is not the account's. The password never travelled; retrying repeats the same proof.",
			Checks: []string{
				"Type the password again (NTOWFv2 starts from MD4 of the exact password)",
				`The domain is the account's NetBIOS domain (CORP, not corp.example.com): -c domain=CORP, or -u 'CORP\user'`,
				"A local account of the server takes the server's name as its domain, or an empty one",
				"The account may be locked or not allowed to log on to this server: the server's security log says which",
			},
			Ref: "MS-NLMP §3.2.5.1.2, §3.3.2"}}
	case negToken && !ntlmOffer:
		return []Hint{{Level: LevelError, Title: ntlmHintKerberos,
			Detail: "The 401 carries a Negotiate (SPNEGO) token that is not an NTLM message: the server continues a Kerberos handshake and does not take NTLM.",
			Checks: []string{hintCannotAnswer("Negotiate", in.challenges)},
			Ref:    "RFC 4559 §4"}}
	case in.ex.Role == ntlmRoleNegotiate && (ntlmOffer || negOffer):
		return []Hint{{Level: LevelError, Title: ntlmHintNoChal,
			Detail: "The NEGOTIATE_MESSAGE went out, but the 401 offers NTLM again without a CHALLENGE_MESSAGE: the server did not continue the handshake. " +
				"NTLM authenticates one TCP connection, so a proxy or load balancer that spreads requests over connections, or a server with NTLM disabled, breaks it.",
			Checks: []string{
				"A proxy in between (HTTPS_PROXY, a corporate proxy) must keep the client's connection to the server: try without it (--noproxy) or directly",
				"A load balancer needs connection affinity for NTLM",
				"The server may accept only Kerberos inside Negotiate: " + hintCannotAnswer("Negotiate", nil),
			},
			Ref: "MS-NTHT §2, MS-NLMP §3.1.5"}}
	case !ntlmOffer && !negOffer:
		offered := hintOfferedSchemes(in.challenges)
		if len(offered) == 0 {
			return nil
		}
		return []Hint{{Level: LevelError, Title: ntlmHintNoNTLM + hintOrList(offered),
			Detail: "The server's 401 offers neither NTLM nor Negotiate, so it does not do Windows authentication here.",
			Checks: hintSwitchAdvice("Switch to", in.challenges),
			Ref:    "MS-NTHT §2.2.1, RFC 9110 §11.6.1"}}
	}
	return nil
}
