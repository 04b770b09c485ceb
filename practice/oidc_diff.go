package practice

// oidcDiff compares a client oidc trace with the /oidc token endpoint's
// trace, for Compare (scheme "oidc"): the PKCE code challenge the client
// derived with the one the server stored and the one it computed from the
// code_verifier (RFC 7636 §4.6), the nonce it sent with the one the server
// put in the ID token (OIDC Core §3.1.2.1), then at_hash (§3.1.3.6). The
// server computes each independently of authn.
func oidcDiff(c map[string]diffClientValue, s map[string]string) []Difference {
	var out []Difference
	for _, p := range []struct{ client, server, explain string }{
		{"code_challenge", "stored code_challenge", "the code_challenge the server received is not the one you derived: the authorization URL was changed on the way"},
		{"code_challenge", "code_challenge", "the server hashed your code_verifier to another challenge: the verifier sent is not the one the challenge came from"},
		{"nonce", "id_token nonce", "the ID token carries another nonce than you sent: it belongs to another sign-in (OIDC Core section 15.5.2)"},
		{"computed", "id_token at_hash", "your at_hash of the access token differs from the server's: the access token was changed, or hashed with another algorithm"},
	} {
		cv, ok1 := diffPlain(c, p.client)
		sv, ok2 := s[p.server]
		if ok1 && ok2 && sv != "" && cv != sv {
			out = append(out, Difference{Label: p.client, Client: cv, Server: sv, At: diffAt(cv, sv), Explain: p.explain})
			return out
		}
	}
	return out
}
