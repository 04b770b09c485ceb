package practice

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// sigv4Diff compares a client sigv4 trace with the /aws server trace, for
// Compare (its scheme "sigv4"): the credential scope, then the canonical
// request part by part, then the secret key by length, then the signature.
// Secret client values (a canonical request holding a session token, the
// derived keys) are used for lengths only.
func sigv4Diff(c map[string]diffClientValue, s map[string]string) []Difference {
	var out []Difference
	if cv, ok := diffPlain(c, "credential scope"); ok {
		if sv, ok := s["credential scope"]; ok && cv != sv {
			out = append(out, Difference{Label: "credential scope", Client: cv, Server: sv, At: diffAt(cv, sv),
				Explain: "the date, region or service you signed for is not the server's: fix -c region / -c service (and the date's day)"})
		}
	}
	for _, p := range []struct{ label, explain string }{
		{"http method", "the method you signed is not the one the server received"},
		{"canonical uri", "the path is encoded differently: every service but S3 URI-encodes the path twice"},
		{"canonical query string", "the query differs: encode each name and value (space as %20), sort, and send the query exactly as signed"},
		{"signed headers", "the server signed other headers than you did"},
		{"canonical headers", "a signed header has another value at the server: it was changed after signing (a proxy, the Host)"},
		{"hashed payload", "the body the server received is not the one you hashed"},
	} {
		cv, ok1 := diffPlain(c, p.label)
		sv, ok2 := s[p.label]
		if ok1 && ok2 && cv != sv {
			out = append(out, Difference{Label: p.label, Client: cv, Server: sv, At: diffAt(cv, sv), Explain: p.explain})
		}
	}
	differs := len(out) > 0
	if n, ok := diffLeadingInt(s["secret key length"]); ok {
		if k, ok := c[NormLabel(`kSecret = "AWS4" + secret key`)]; ok {
			secret := strings.TrimPrefix(k.text, "AWS4")
			if !diffSameLength(secret, n) {
				mine := diffCount(utf8.RuneCountInString(secret), "character")
				out = append(out, Difference{Label: "secret key", Client: mine, Server: diffCount(n, "character"), At: -1,
					Explain: fmt.Sprintf("your secret access key is %s, the server's is %d: copy it again, whole and without spaces", mine, n)})
				differs = true
			}
		}
	}
	cs, ok1 := diffPlain(c, "signature")
	ss, ok2 := s["signature"]
	if ok1 && ok2 && cs != ss {
		d := Difference{Label: "signature", Client: cs, Server: ss, At: -1,
			Explain: "the canonical requests and scopes agree but the signatures differ: the secret key has the right length but other characters; copy it again"}
		if differs {
			d.Explain = "the signatures differ because of the differences above: fix those first"
		}
		out = append(out, d)
	}
	return out
}
