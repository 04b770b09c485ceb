package export

import (
	"net/url"
	"slices"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/shell"
)

// curlSchemes writes each scheme's credentials as curl options, one entry
// per scheme. A scheme without an entry is signed by authlab (Presign):
// oauth1, since curl cannot sign OAuth 1.0a.
var curlSchemes = map[string]func(*shellReq) error{
	"none": func(*shellReq) error { return nil },

	// RFC 7617: curl builds the Basic header from -u.
	"basic": func(r *shellReq) error {
		r.auth = append(r.auth, []string{"-u", userPass(r.p, "username", "password")})
		return nil
	},

	// RFC 7616: curl answers the 401 challenge itself (MD5, SHA-256,
	// SHA-512-256, -sess, userhash; qop=auth only).
	"digest": func(r *shellReq) error {
		p := r.p
		r.auth = append(r.auth, []string{"--digest", "-u", userPass(p, "username", "password")})
		if a := p.Lit("algorithm"); a != "" && a != "auto" {
			r.notes = append(r.notes, "the profile answers only algorithm "+a+"; curl answers the challenge the server sends first")
		}
		if p.Lit("qop") == "auth-int" {
			r.warn("curl answers Digest with qop=auth only: a server that offers only auth-int (the profile's qop) refuses it")
		}
		if p.Field("cnonce") != (Value{}) {
			r.notes = append(r.notes, "curl picks its own cnonce; the profile's pinned cnonce is not used")
		}
		return nil
	},

	// RFC 6750 §2.1.
	"bearer": func(r *shellReq) error {
		r.auth = append(r.auth, []string{"--oauth2-bearer", word(r.p.Field("token"))})
		return nil
	},

	// OpenAPI 3 apiKey: a header, or a query parameter appended to the URL.
	"apikey": func(r *shellReq) error { return shellAPIKey(r, "curl -L sends -H headers") },

	// AWS Signature Version 4: curl signs with --aws-sigv4 (7.75+).
	"sigv4": func(r *shellReq) error {
		p := r.p
		r.auth = append(r.auth,
			[]string{"--aws-sigv4", word(lit("aws:amz:"), p.Field("region"), lit(":"), p.Field("service"))},
			[]string{"-u", word(p.Field("access_key"), lit(":"), p.Field("secret_key"))})
		if tok := p.Field("session_token"); tok != (Value{}) {
			r.headers = append(slices.Clip(r.headers), Header{Name: "x-amz-security-token", Value: tok})
		}
		if canon, changed := sigv4SortedURL(p.URL); changed && len(p.URLParts) == 1 { // (not with a secret query value in a variable)
			r.url = []Value{lit(canon)}
			r.notes = append(r.notes, "query parameters in AWS's canonical order: curl 7.88 signs the query as written, unsorted (curl/curl#9717)")
		}
		if p.Field("date") != (Value{}) {
			r.warn("curl signs with the current time; the profile's pinned date is not used")
		}
		return nil
	},

	// RFC 7519: a given token is sent as it is; one built from claims is
	// signed by authlab now.
	"jwt": func(r *shellReq) error {
		if tok := r.p.Field("token"); tok != (Value{}) {
			r.auth = append(r.auth, []string{"--oauth2-bearer", word(tok)})
			return nil
		}
		return r.presigned("")
	},

	// RFC 6749: curl cannot run a grant, so the snippet runs the token
	// request first and the API call with its access_token.
	"oauth2": curlOAuth2,

	// Akamai EdgeGrid: curl cannot sign it; signed ahead by authlab.
	"edgegrid": func(r *shellReq) error { return shellEdgeGrid(r, "") },

	// Hawk: curl cannot compute the MAC; signed ahead by authlab, for one
	// use within the server's timestamp window. The answer's
	// Server-Authorization is not checked by curl.
	"hawk": func(r *shellReq) error { return r.presigned("") },
	// MS-NLMP NTLMv2 over HTTP: curl runs the handshake itself (ntlm.go).
	"ntlm": curlNTLM,
}

// userPass is the -u argument: USER:PASSWORD.
func userPass(p *Plan, user, pass string) string {
	return word(p.Field(user), lit(":"), p.Field(pass))
}

// sigv4SortedURL returns rawURL with its query in the canonical order of
// AWS Signature Version 4 (each name and value URI-encoded by
// authn.PercentEncode, pairs sorted by name and then value), and whether
// that changed it.
func sigv4SortedURL(rawURL string) (string, bool) {
	base, frag, hasFrag := strings.Cut(rawURL, "#")
	path, query, ok := strings.Cut(base, "?")
	if !ok || query == "" {
		return rawURL, false
	}
	type pair struct{ k, v string }
	var ps []pair
	for part := range strings.SplitSeq(query, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if d, err := url.QueryUnescape(k); err == nil {
			k = d
		}
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		ps = append(ps, pair{authn.PercentEncode(k), authn.PercentEncode(v)})
	}
	slices.SortFunc(ps, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.k + "=" + p.v
	}
	out := path + "?" + strings.Join(parts, "&")
	if hasFrag {
		out += "#" + frag
	}
	return out, out != rawURL
}

// tokenSed takes access_token out of a token endpoint's JSON answer (RFC
// 6749 §5.1) with GNU sed (-z reads the whole answer, pretty-printed or
// not); an answer without one (an error, §5.2) is written to stderr.
const tokenSed = `sed -nz -e 's/.*"access_token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p;t' -e 'w /dev/stderr'`

// oauth2TokenRequest describes the token request of a grant a shell tool
// can make: its form parameters, and how the client authenticates.
type oauth2TokenRequest struct {
	grant  string    // the grant_type sent
	params [][]Value // name=value pairs, value parts
	basic  []Value   // client_id:client_secret for -u / -a, or nil
	note   string    // RFC section of the grant
	tokVar string    // the variable the snippet sets
}

// oauth2Token works out the token request of p's grant, or fails with
// ErrUnsupported for an interactive grant (device code, authorization
// code) that has no refresh token to use instead.
func oauth2Token(p *Plan, tool string) (*oauth2TokenRequest, error) {
	t := &oauth2TokenRequest{grant: p.Lit("grant")}
	rt := p.Field("refresh_token")
	switch t.grant {
	case "client_credentials":
		t.note = "RFC 6749 §4.4"
	case "password":
		t.note = "RFC 6749 §4.3; RFC 9700 §2.4 says not to use this grant"
		t.params = append(t.params, []Value{lit("username="), p.Field("username")}, []Value{lit("password="), p.Field("password")})
	case "refresh_token":
		t.note = "RFC 6749 §6"
	case "device_code", "authorization_code":
		if rt == (Value{}) {
			what := map[string]string{"device_code": "run the device flow (RFC 8628: a user code and polling)", "authorization_code": "run the authorization code grant (a browser and a loopback listener)"}
			return nil, flowUnsupported(tool, what[t.grant])
		}
		t.note = "RFC 6749 §6: the profile's refresh token instead of the interactive " + t.grant + " grant"
		t.grant = "refresh_token"
	default:
		return nil, flowUnsupported(tool, "run the OAuth 2.0 grant "+t.grant)
	}
	if t.grant == "refresh_token" {
		if rt == (Value{}) {
			return nil, authn.Inputf("add -c refresh_token=VALUE", "the refresh_token grant has no refresh token to use")
		}
		t.params = append([][]Value{{lit("refresh_token="), rt}}, t.params...)
	} else {
		if s := p.Field("scope"); s != (Value{}) {
			if !s.IsVar() {
				s = lit(strings.Join(strings.Fields(s.Lit), " ")) // as authlab sends it
			}
			t.params = append(t.params, []Value{lit("scope="), s})
		}
		if a := p.Field("audience"); a != (Value{}) {
			t.params = append(t.params, []Value{lit("audience="), a})
		}
	}
	t.params = append([][]Value{{lit("grant_type=" + t.grant)}}, t.params...)
	id, secret := p.Field("client_id"), p.Field("client_secret")
	switch {
	case secret == (Value{}):
		t.params = append(t.params, []Value{lit("client_id="), id}) // a public client (RFC 6749 §2.1)
	case p.Lit("client_auth") == "body":
		t.params = append(t.params, []Value{lit("client_id="), id}, []Value{lit("client_secret="), secret})
	default:
		if !id.IsVar() {
			id = lit(url.QueryEscape(id.Lit)) // RFC 6749 §2.3.1
		}
		t.basic = []Value{id, lit(":"), secret}
	}
	t.tokVar = "ACCESS_TOKEN"
	for _, v := range p.Vars() {
		if v.Name == t.tokVar {
			t.tokVar = p.prefix + "_ACCESS_TOKEN"
		}
	}
	return t, nil
}

// script is what the snippet runs before the API call: the token request
// cmd, whose access_token the shell keeps in t.tokVar, and the test that
// there is one. basicFlag names the option that sends client_id and
// client_secret (curl -u, -a).
func (t *oauth2TokenRequest) script(cmd *command, basicFlag string) string {
	var b strings.Builder
	b.WriteString(comment("1. Get an access token (" + t.note + "); GNU sed (Debian's) takes"))
	b.WriteString(comment("   access_token out of the JSON answer and writes any other answer to stderr"))
	if t.basic != nil && t.basic[2].IsVar() {
		b.WriteString(comment("   (" + basicFlag + " sends the secret as it is; RFC 6749 §2.3.1 form-encodes it first: the same unless it holds characters other than letters, digits and -._~)"))
	}
	b.WriteString(t.tokVar + "=$(" + cmd.String() + " |\n  " + tokenSed + ")\n")
	b.WriteString(comment("2. Call the API with it (RFC 6750), if there is one"))
	b.WriteString(`[ -n "${` + t.tokVar + `}" ] &&` + "\n")
	return b.String()
}

// curlOAuth2 writes two commands: the token request, whose access_token
// the shell keeps in a variable, and the API call with it (RFC 6750).
func curlOAuth2(r *shellReq) error {
	p := r.p
	t, err := oauth2Token(p, "curl")
	if err != nil {
		return err
	}
	c := &command{}
	c.add("curl", "-sS")
	if t.basic != nil {
		c.addLast("-u", word(t.basic...))
	}
	c.add("-H", shell.Quote("Accept: application/json"))
	for _, kv := range t.params {
		c.add("--data-urlencode", word(kv...))
	}
	var notes []string
	for _, g := range curlTLS(p, &notes) {
		c.add(g...)
	}
	if p.Timeout > 0 {
		c.add("-m", seconds(p.Timeout))
	}
	c.add(word(p.Field("token_url")))
	r.pre = t.script(c, "curl -u")
	r.auth = append(r.auth, []string{"--oauth2-bearer", word(Value{Var: t.tokVar})})
	return nil
}
