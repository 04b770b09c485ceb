package export

import "slices"

// NTLM (MS-NLMP NTLMv2 over HTTP, MS-NTHT) in the targets that have a
// client for it: curl's --ntlm, Python's requests_ntlm. Both run the
// three-message handshake on one connection themselves. HTTPie has NTLM
// only through the httpie-ntlm plugin and Go's standard library has none,
// so those targets refuse it (an authn.Flow without an entry in their
// scheme tables).

// ntlmUser is DOMAIN\user when the profile names a domain (the form curl
// and requests_ntlm read the domain from), else the user as given.
func ntlmUser(p *Plan) []Value {
	if d := p.Field("domain"); d != (Value{}) {
		return []Value{d, lit(`\`), p.Field("username")}
	}
	return []Value{p.Field("username")}
}

// curlNTLM: curl --ntlm -u 'DOMAIN\user:password' answers the server's
// NTLM challenge (NTLMv2 when curl's TLS library provides it) on one
// connection.
func curlNTLM(r *shellReq) error {
	p := r.p
	up := append(ntlmUser(p), lit(":"), p.Field("password"))
	r.auth = append(r.auth, []string{"--ntlm", "-u", word(up...)})
	if p.Field("workstation") != (Value{}) {
		r.notes = append(r.notes, "curl sends its own host name as the workstation; the profile's is not used")
	}
	for _, f := range []string{"client_challenge", "timestamp"} {
		if p.Field(f) != (Value{}) {
			r.notes = append(r.notes, "curl makes a fresh "+f+"; the profile's pinned one is not used")
		}
	}
	return nil
}

// pyNTLM: requests_ntlm.HttpNtlmAuth (on ntlm-auth) answers the 401 with
// the NTLM handshake on requests' kept connection. ntlm-auth computes MD4
// with hashlib, which OpenSSL 3 keeps in its legacy provider.
func pyNTLM(s *pyScript, p *Plan) error {
	ignorePinned(p, "python", "client_challenge", "timestamp", "workstation")
	s.importThird("from requests_ntlm import HttpNtlmAuth", "requests_ntlm (Debian: python3-requests-ntlm)")
	s.notes = append(s.notes, "HttpNtlmAuth runs the NTLM handshake (MS-NLMP NTLMv2) on one kept connection. "+
		"With OpenSSL 3, MD4 needs its legacy provider (an OPENSSL_CONF that activates it) or ntlm-auth fails with \"unsupported hash type md4\".")
	parts, all := ntlmUser(p), ""
	user := ""
	for i, v := range parts {
		if i > 0 {
			user += " + "
		}
		user += s.val(v)
		all += v.Lit
	}
	if !slices.ContainsFunc(parts, Value.IsVar) {
		user = pyStr(all) // one literal, e.g. "AUTHLAB\\demo"
	}
	s.kwarg("auth=HttpNtlmAuth(%s, %s)", user, s.val(p.Field("password")))
	return nil
}
