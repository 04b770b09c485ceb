package practice

import (
	"fmt"
	"unicode/utf8"
)

// hawkDiff compares a client hawk trace with the /hawk server trace, for
// Compare (scheme "hawk"): the request values the normalized string is made
// of (method, resource, host, port), the algorithm, the payload hash, then
// the normalized strings side by side, then the key by length, then the
// MAC. The client's key is used for its length only. A trace whose first
// nonce is not the one the server received is of another request: nothing
// is compared.
func hawkDiff(c map[string]diffClientValue, s map[string]string) []Difference {
	// The first values of the client's trace are those of its first
	// request; after a clock correction the server verified a later one
	// (another nonce), which they cannot be compared with.
	if cn, ok := diffPlain(c, "nonce"); ok {
		if sn, ok := s["received nonce"]; ok && cn != sn {
			return nil
		}
	}
	var out []Difference
	for _, p := range []struct{ label, explain string }{
		{"method", "you signed another method than the server received"},
		{"resource", "the path and query you signed are not the request-target the server received: sign them exactly as sent, byte for byte"},
		{"host", "the host you signed is not the one in the Host header the server received (a proxy or a Host override in between?)"},
		{"port", "the port you signed is not the server's: Hawk signs the port of the Host header (80 or 443 when it has none)"},
		{"algorithm", "the server has another algorithm on file for this id: use -c algorithm= with its one"},
		{"content type", "the content type you hashed is not the one the server received"},
		{"payload hash", "the body the server received does not hash to the payload hash you signed: it was changed after signing, or hashed with another content type"},
	} {
		cv, ok1 := diffPlain(c, p.label)
		sv, ok2 := s[p.label]
		if ok1 && ok2 && cv != sv {
			out = append(out, Difference{Label: p.label, Client: cv, Server: sv, At: diffAt(cv, sv), Explain: p.explain})
		}
	}
	cn, ok1 := diffPlain(c, "normalized string")
	sn, ok2 := s["normalized string"]
	if ok1 && ok2 && cn != sn {
		d := Difference{Label: "normalized string", Client: cn, Server: sn, At: diffAt(cn, sn),
			Explain: fmt.Sprintf("the normalized strings differ from byte %d on: the MAC covers another ts, nonce, ext or line than the server's", diffAt(cn, sn))}
		if len(out) > 0 {
			d.Explain = "the normalized strings differ because of the differences above"
		}
		out = append(out, d)
	}
	differs := len(out) > 0
	if n, ok := diffLeadingInt(s["key length"]); ok {
		if k, ok := c["key"]; ok && !diffSameLength(k.text, n) {
			mine := diffCount(utf8.RuneCountInString(k.text), "character")
			out = append(out, Difference{Label: "key", Client: mine, Server: diffCount(n, "character"), At: -1,
				Explain: fmt.Sprintf("your Hawk key is %s, the server's is %d: copy it again, whole and without spaces", mine, n)})
			differs = true
		}
	}
	cm, ok1 := diffPlain(c, "mac")
	sm, ok2 := s["mac"]
	if ok1 && ok2 && cm != sm {
		d := Difference{Label: "mac", Client: cm, Server: sm, At: -1,
			Explain: "the normalized strings agree but the MACs differ: the key has the right length but other characters; copy it again"}
		if differs {
			d.Explain = "the MACs differ because of the differences above: fix those first"
		}
		out = append(out, d)
	}
	return out
}
