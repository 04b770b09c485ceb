package practice

import (
	"fmt"
	"unicode/utf8"

	"github.com/authlab/authlab/authn"
)

// edgegridParts are the seven parts of the data to sign, in order, with
// what a difference in each means.
var edgegridParts = [...]struct{ label, explain string }{
	{"method", "the method you signed is not the one the server received"},
	{"scheme", "you signed another scheme than the one the request came over (a proxy or TLS terminator in between?)"},
	{"host", "the host you signed is not the Host the server received: sign host[:port] exactly as the request sends it"},
	{"path and query", "the path or query was changed after signing (encoding, a redirect) or signed differently: sign them exactly as sent"},
	{"canonical headers", "the signed headers differ: the API's headers_to_sign, in its order, values trimmed and inner white space made one space"},
	{"content hash", "the POST body the server hashed is not the one you hashed (only POST bodies are hashed, up to max_body bytes)"},
	{"auth header prefix", "the Authorization header before signature= is itself signed: it was changed after signing"},
}

// edgegridDiff compares a client edgegrid trace with the /edgegrid/
// server trace, for Compare: first the data to sign, the two side by side
// with the byte where they part and the part it falls in; then each part
// that differs; then the client secret by length; then the signature.
// The access token is compared in its masked form only.
func edgegridDiff(client authn.Trace, c map[string]diffClientValue, s map[string]string) []Difference {
	masked := func(label string) (string, bool) {
		for _, st := range client.Steps {
			for _, v := range st.Values {
				if NormLabel(v.Label) == label {
					return v.Shown(false), true
				}
			}
		}
		return "", false
	}
	var parts []Difference
	for _, p := range edgegridParts {
		cv, ok1 := masked(p.label)
		sv, ok2 := s[p.label]
		if ok1 && ok2 && cv != sv {
			parts = append(parts, Difference{Label: p.label, Client: cv, Server: sv, At: diffAt(cv, sv), Explain: p.explain})
		}
	}
	var out []Difference
	cd, ok1 := masked("data to sign")
	sd, ok2 := s["data to sign"]
	if ok1 && ok2 && cd != sd {
		at := diffAt(cd, sd)
		explain := "the data to sign differs"
		if len(parts) > 0 {
			explain += " first in the " + parts[0].Label + ": " + parts[0].Explain
		}
		out = append(out, Difference{Label: "data to sign", Client: cd, Server: sd, At: at, Explain: explain})
	}
	out = append(out, parts...)
	differs := len(out) > 0
	if n, ok := diffLeadingInt(s["client secret length"]); ok {
		if k, ok := c["client secret"]; ok && !diffSameLength(k.text, n) {
			mine := diffCount(utf8.RuneCountInString(k.text), "character")
			out = append(out, Difference{Label: "client secret", Client: mine, Server: diffCount(n, "character"), At: -1,
				Explain: fmt.Sprintf("your client secret is %s, the server's is %d: copy the client_secret line of ~/.edgerc again, whole", mine, n)})
			differs = true
		}
	}
	cs, ok1 := diffPlain(c, "signature")
	ss, ok2 := s["signature"]
	if ok1 && ok2 && cs != ss {
		d := Difference{Label: "signature", Client: cs, Server: ss, At: -1,
			Explain: "the data to sign agrees but the signatures differ: the client secret has the right length but other characters; copy it again"}
		if differs {
			d.Explain = "the signatures differ because of the differences above: fix those first"
		}
		out = append(out, d)
	}
	return out
}
