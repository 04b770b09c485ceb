package practice

import (
	"fmt"
	"strings"
)

// jwtDiff compares a client jwt trace with the /jwt server trace, for
// Compare (scheme "jwt"): what was signed (header, claims, signing input),
// then the HMAC secret by length, then the signature verdict. The client's
// secret and signature are secret values and are compared, never shown.
func jwtDiff(c map[string]diffClientValue, s map[string]string) []Difference {
	var out []Difference
	for _, p := range []struct{ label, explain string }{
		{"alg", "the server read another alg than you signed with"},
		{"header", "the server decoded another header than you signed: the token was changed after signing"},
		{"claims", "the server decoded other claims than you signed: the token was changed after signing"},
		{"signing input", "the signing input differs: the token was changed or cut on the way"},
	} {
		cv, ok1 := diffPlain(c, p.label)
		sv, ok2 := s[p.label]
		if ok1 && ok2 && cv != sv {
			out = append(out, Difference{Label: p.label, Client: cv, Server: sv, At: diffAt(cv, sv), Explain: p.explain})
		}
	}
	if len(out) > 0 {
		return out
	}
	if n, ok := diffLeadingInt(s["secret length"]); ok {
		if k, ok := c["hmac key"]; ok && !diffSameLength(k.text, n) {
			mine := diffCount(len(k.text), "byte")
			out = append(out, Difference{Label: "secret", Client: mine, Server: diffCount(n, "byte"), At: -1,
				Explain: fmt.Sprintf("your HMAC secret is %s, the server's is %d: use the server's secret exactly (no trailing newline)", mine, n)})
			return out
		}
	}
	if v, ok := s["signature valid"]; ok && strings.HasPrefix(v, "no") {
		explain := "everything signed agrees but the signature does not verify: the key is not the one the server checks with"
		if _, hmac := c["hmac key"]; hmac {
			explain = "everything signed agrees and the secret has the right length, but the signature differs: the secret has other characters; copy it again"
		}
		out = append(out, Difference{Label: "signature", Client: "(does not verify)", Server: v, At: -1, Explain: explain})
	}
	return out
}
