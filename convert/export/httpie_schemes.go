package export

import (
	"github.com/authlab/authlab/convert/shell"
)

// httpieSchemes writes each scheme's credentials as HTTPie options, one
// entry per scheme. A scheme without an entry is signed by authlab
// (Presign); oauth1 and sigv4 have entries only to name their plugins.
var httpieSchemes = map[string]func(*shellReq) error{
	"none": func(*shellReq) error { return nil },

	// RFC 7617: HTTPie's default auth type is basic.
	"basic": func(r *shellReq) error {
		r.auth = append(r.auth, httpieAuth(r.p.Field("username"), lit(":"), r.p.Field("password")))
		return nil
	},

	// RFC 7616 through requests' HTTPDigestAuth: MD5, SHA-256, SHA-512
	// (not SHA-512-256), qop=auth only, no userhash.
	"digest": func(r *shellReq) error {
		p := r.p
		r.auth = append(r.auth, append([]string{"-A", "digest"}, httpieAuth(p.Field("username"), lit(":"), p.Field("password"))...))
		switch a := p.Lit("algorithm"); a {
		case "", "auto":
		case "SHA-512-256", "SHA-512-256-sess":
			r.warn("HTTPie (requests) cannot answer Digest with %s", a)
		default:
			r.notes = append(r.notes, "the profile answers only algorithm "+a+"; HTTPie answers the challenge the server sends")
		}
		if p.Lit("qop") == "auth-int" {
			r.warn("HTTPie answers Digest with qop=auth only: a server that offers only auth-int (the profile's qop) refuses it")
		}
		return nil
	},

	// RFC 6750 §2.1.
	"bearer": func(r *shellReq) error {
		r.auth = append(r.auth, append([]string{"-A", "bearer"}, httpieAuth(r.p.Field("token"))...))
		return nil
	},

	// OpenAPI 3 apiKey: a header item, or a parameter appended to the URL
	// (never a name==value item: the URL keeps its order).
	"apikey": func(r *shellReq) error { return shellAPIKey(r, "HTTPie --follow sends header items") },

	// RFC 5849: HTTPie cannot sign OAuth 1.0a.
	"oauth1": func(r *shellReq) error { return r.presigned("httpie-oauth1") },

	// AWS Signature Version 4: HTTPie cannot sign it.
	"sigv4": func(r *shellReq) error { return r.presigned("httpie-aws-auth") },

	// Akamai EdgeGrid: HTTPie cannot sign it without httpie-edgegrid,
	// which Debian does not package; signed ahead by authlab.
	"edgegrid": func(r *shellReq) error { return shellEdgeGrid(r, "httpie-edgegrid") },
	"hawk":     func(r *shellReq) error { return r.presigned("requests-hawk") },

	// RFC 7519: a given token is sent as it is; one built from claims is
	// signed by authlab now.
	"jwt": func(r *shellReq) error {
		if tok := r.p.Field("token"); tok != (Value{}) {
			r.auth = append(r.auth, append([]string{"-A", "bearer"}, httpieAuth(tok)...))
			return nil
		}
		return r.presigned("")
	},

	// RFC 6749: the token request first, then the API call with its
	// access_token.
	"oauth2": httpieOAuth2,
}

// httpieOAuth2 writes the token request as a form (--form items are
// URL-encoded by HTTPie), keeps the access_token in a variable and calls
// the API with it.
func httpieOAuth2(r *shellReq) error {
	p := r.p
	t, err := oauth2Token(p, "HTTPie")
	if err != nil {
		return err
	}
	c := &command{}
	c.add("http", "--ignore-stdin", "--form")
	if t.basic != nil {
		c.addLast(httpieAuth(t.basic...)...)
	}
	var notes []string
	for _, g := range httpieTLS(p, &notes) {
		c.add(g...)
	}
	if p.Timeout > 0 {
		c.add("--timeout=" + seconds(p.Timeout))
	}
	c.add("POST", word(p.Field("token_url")))
	c.add(shell.Quote("Accept:application/json"))
	for _, kv := range t.params {
		c.add(httpieItem(kv))
	}
	r.pre = t.script(c, "-a")
	r.auth = append(r.auth, append([]string{"-A", "bearer"}, httpieAuth(Value{Var: t.tokVar})...))
	return nil
}
