package practice

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// digestDiff compares a client digest trace with the /digest server trace,
// for Compare (scheme "digest"): the challenge values echoed back, then what
// was hashed (A2, H(entity-body), HA2), then the password by length, then
// the response. HA1 and the password are never compared as text: the
// client's are secret and the server never shows its own.
func digestDiff(c map[string]diffClientValue, s map[string]string) []Difference {
	var out []Difference
	for _, p := range []struct{ label, explain string }{
		{"realm", "the realm you answered is not this server's: answer the challenge the server sent (let -a digest do it)"},
		{"nonce", "the nonce is not the one the server issued last: let authlab answer the fresh challenge"},
		{"algorithm", "you hashed with another algorithm than the server expects: use one it offers"},
		{"qop", "the quality of protection differs: use one the server offered"},
		{"nc", "the nonce count differs: each request with a nonce must count up by one"},
		{"cnonce", "the server read another cnonce than you hashed"},
		{"method", "you hashed another method than the server received"},
		{"uri", "the uri you hashed is not the request-target the server received: it must match byte for byte, query included"},
		{"h(entity-body)", "the body the server received is not the one you hashed (qop=auth-int)"},
		{"a2", "A2 differs: see the method, uri and body above"},
	} {
		cv, ok1 := diffPlain(c, p.label)
		sv, ok2 := s[p.label]
		if ok1 && ok2 && cv != sv {
			out = append(out, Difference{Label: p.label, Client: cv, Server: sv, At: diffAt(cv, sv), Explain: p.explain})
		}
	}
	differs := len(out) > 0
	if n, ok := diffLeadingInt(s["password length"]); ok {
		if a1, ok := c["a1"]; ok {
			user, _ := diffPlain(c, "username")
			realm, _ := diffPlain(c, "realm")
			pass := a1.text
			if user != "" && strings.HasPrefix(pass, user+":"+realm+":") {
				pass = strings.TrimPrefix(pass, user+":"+realm+":")
			} else if i := strings.LastIndexByte(pass, ':'); i >= 0 {
				pass = pass[i+1:]
			}
			if !diffSameLength(pass, n) {
				mine := diffCount(utf8.RuneCountInString(pass), "character")
				out = append(out, Difference{Label: "password", Client: mine, Server: diffCount(n, "character"), At: -1,
					Explain: fmt.Sprintf("your password is %s, the server's is %d: type it again (a character lost or added, a trailing space?)", mine, n)})
				differs = true
			}
		}
	}
	cr, ok1 := c["response"]
	sr, ok2 := s["response"]
	if ok1 && ok2 && cr.text != sr {
		// The client's response is secret-derived; show the server's only.
		d := Difference{Label: "response", Client: "(differs)", Server: sr, At: -1,
			Explain: "everything hashed agrees but the response differs: the password has the right length but other characters (or the username differs); type it again"}
		if differs {
			d.Explain = "the responses differ because of the differences above: fix those first"
		}
		out = append(out, d)
	}
	return out
}
