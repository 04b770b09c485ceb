package practice

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ntlmDiff compares a client ntlm trace with the /ntlm server trace, for
// Compare (scheme "ntlm"): the challenge answered, then who (user,
// domain), then the blob's client challenge and time as the server read
// them, then the password by length, then NTProofStr. NTOWFv2 and the
// password are never compared as text: the client's are secret and the
// server never shows its own.
func ntlmDiff(c map[string]diffClientValue, s map[string]string) []Difference {
	var out []Difference
	for _, p := range []struct {
		label, explain string
		fold           bool
		prefix         int
	}{
		{label: "server challenge", explain: "the challenge you answered is not the one the server issued on this connection: the AUTHENTICATE must go on the connection that received the CHALLENGE (MS-NTHT §2)"},
		{label: "user", explain: "the server read another user name than the one you hashed", fold: true},
		{label: "domain", explain: "the server read another domain than the one you hashed: NTOWFv2 hashes the domain as sent"},
		{label: "client challenge", explain: "the server read another client challenge from the NTLMv2 blob than you hashed"},
		{label: "timestamp", explain: "the server read another time from the NTLMv2 blob than you hashed", prefix: 16},
	} {
		cv, ok1 := diffPlain(c, p.label)
		sv, ok2 := s[p.label]
		if !ok1 || !ok2 {
			continue
		}
		a, b := cv, sv
		if p.prefix > 0 && len(a) >= p.prefix && len(b) >= p.prefix {
			a, b = a[:p.prefix], b[:p.prefix]
		}
		if a == b || (p.fold && strings.EqualFold(a, b)) {
			continue
		}
		out = append(out, Difference{Label: p.label, Client: cv, Server: sv, At: diffAt(cv, sv), Explain: p.explain})
	}
	differs := len(out) > 0
	if n, ok := diffLeadingInt(s["password length"]); ok {
		if pw, ok := c["password"]; ok && !diffSameLength(pw.text, n) {
			mine := diffCount(utf8.RuneCountInString(pw.text), "character")
			out = append(out, Difference{Label: "password", Client: mine, Server: diffCount(n, "character"), At: -1,
				Explain: fmt.Sprintf("your password is %s, the server's is %d: type it again (a character lost or added, a trailing space?)", mine, n)})
			differs = true
		}
	}
	cp, ok1 := c["ntproofstr"]
	sp, ok2 := s["ntproofstr"]
	if ok1 && ok2 && !strings.EqualFold(cp.text, sp) {
		// The client's proof is secret-derived; show the server's only.
		d := Difference{Label: "NTProofStr", Client: "(differs)", Server: sp, At: -1,
			Explain: "the challenge, user, domain and blob agree but NTProofStr differs: the password has the right length but other characters (or the user was not uppercased in NTOWFv2); type it again"}
		if differs {
			d.Explain = "NTProofStr differs because of the differences above: fix those first"
		}
		out = append(out, d)
	}
	return out
}
