package export

import (
	"slices"

	"github.com/authlab/authlab/convert/shell"
)

// httpieSchemes writes each scheme's credentials as HTTPie options, one
// entry per scheme. A scheme without an entry is signed by authlab
// (Presign); oauth1 and sigv4 have entries only to name their plugins.
var httpieSchemes = map[string]func(*httpieReq) error{
	"none": func(*httpieReq) error { return nil },

	// RFC 7617: HTTPie's default auth type is basic.
	"basic": func(r *httpieReq) error {
		r.auth = append(r.auth, httpieAuth(r.p.Field("username"), lit(":"), r.p.Field("password")))
		return nil
	},

	// RFC 7616 through requests' HTTPDigestAuth: MD5, SHA-256, SHA-512
	// (not SHA-512-256), qop=auth only, no userhash.
	"digest": func(r *httpieReq) error {
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
	"bearer": func(r *httpieReq) error {
		r.auth = append(r.auth, append([]string{"-A", "bearer"}, httpieAuth(r.p.Field("token"))...))
		return nil
	},

	// OpenAPI 3 apiKey: a header item, or a parameter appended to the URL
	// (never a name==value item: the URL keeps its order).
	"apikey": func(r *httpieReq) error {
		p := r.p
		name, value := p.Lit("name"), p.Field("value")
		if p.Lit("in") == "query" {
			r.url = withQueryParam(p.URL, name, value)
			if value.IsVar() {
				r.notes = append(r.notes, "the key is put into the URL as it is: URL-encode it first unless it is only letters, digits and -._~")
			}
			return nil
		}
		r.headers = append(slices.Clip(r.headers), Header{Name: name, Value: value})
		if p.Follow {
			r.warn("HTTPie --follow sends header items to every host it is redirected to; authlab drops %s when the origin changes", name)
		}
		return nil
	},

	// RFC 5849: HTTPie cannot sign OAuth 1.0a.
	"oauth1": func(r *httpieReq) error { return r.presigned("httpie-oauth1") },

	// AWS Signature Version 4: HTTPie cannot sign it.
	"sigv4": func(r *httpieReq) error { return r.presigned("httpie-aws-auth") },

	// RFC 7519: a given token is sent as it is; one built from claims is
	// signed by authlab now.
	"jwt": func(r *httpieReq) error {
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
func httpieOAuth2(r *httpieReq) error {
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
	b := comment("1. Get an access token ("+t.note+"); GNU sed (Debian's) takes") +
		comment("   access_token out of the JSON answer and writes any other answer to stderr")
	if t.basic != nil && t.basic[2].IsVar() {
		b += comment("   (-a sends the secret as it is; RFC 6749 §2.3.1 form-encodes it first: the same unless it holds characters other than letters, digits and -._~)")
	}
	b += t.tokVar + "=$(" + c.String() + " |\n  " + tokenSed + ")\n"
	b += comment("2. Call the API with it (RFC 6750), if there is one")
	b += `[ -n "${` + t.tokVar + `}" ] &&` + "\n"
	r.pre = b
	r.auth = append(r.auth, append([]string{"-A", "bearer"}, httpieAuth(Value{Var: t.tokVar})...))
	return nil
}
