package curl

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/convert/shell"
	"github.com/authlab/authlab/profiles"
)

// apiKeyHeader reports whether a header is read as an API key when it is
// the only credential of a command: a credential header
// (authn.CredentialHeader: X-Api-Key, Private-Token, X-Goog-Api-Key…)
// other than the HTTP authentication and cookie headers, which have
// schemes of their own.
func apiKeyHeaderName(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization", "Cookie", "Cookie2":
		return false
	}
	return authn.CredentialHeader(name)
}

// apiKeyParam reports whether a query parameter is read as an API key
// (authn.SecretParam: api_key=, key= (Google), access_token= (RFC 6750
// §2.3), appid= (OpenWeather), a signature…).
func apiKeyParam(name string) bool { return authn.SecretParam(name) }

// credentials decides the scheme and its fields, as curl decides what it
// sends: a -H Authorization header replaces every credential option;
// otherwise --aws-sigv4, --oauth2-bearer, -u, then user:password in the URL.
// A lone API-key header, or an API key in the query held in a shell
// variable, becomes the apikey scheme when nothing else set one.
func (p *parser) credentials(r *request) error {
	ai := -1
	for i, h := range r.headers {
		if strings.EqualFold(h.name, "Authorization") {
			if ai >= 0 {
				p.note("several Authorization headers: the first one decides the scheme")
				break
			}
			ai = i
		}
	}
	usedURL := false
	switch {
	case ai >= 0:
		h := r.headers[ai]
		if p.authorization(r, h) {
			r.headers = slices.Delete(r.headers, ai, ai+1)
		}
		for _, o := range []struct {
			set  bool
			name string
		}{{p.sigv4 != nil, "--aws-sigv4"}, {p.bearer != nil, p.bearerFrom}, {p.user != nil, p.userFrom}} {
			if o.set {
				p.note("%s is not used: curl sends the %s Authorization header instead", o.name, h.from)
			}
		}
	case p.sigv4 != nil:
		p.sigv4Auth(r)
		if p.bearer != nil {
			p.note("%s is not used: --aws-sigv4 signs the request", p.bearerFrom)
		}
	case p.bearer != nil:
		p.bearerAuth(r)
		if p.user != nil {
			p.note("%s is not used: %s sends a Bearer token", p.userFrom, p.bearerFrom)
		}
	case p.user != nil:
		p.userAuth(r)
	case r.userinfo != nil:
		p.urlAuth(r)
		usedURL = true
	}
	if r.scheme == "basic" || r.scheme == "digest" {
		if user, pass := r.fields["username"], r.fields["password"]; user == "" {
			if pass != "" {
				return fmt.Errorf("the credentials have an empty user name and a password: authlab's %s needs a user name; add one (APIs that ignore it take any, e.g. -u x:PASSWORD)", r.scheme)
			}
			// -u : is how curl is told to use single sign-on (--negotiate)
			r.scheme, r.fields = "none", map[string]string{}
			p.note("an empty user name and password were given: nothing to import (curl users write -u : for single sign-on)")
		}
	}
	if r.userinfo != nil && !usedURL {
		p.note("the user:password in the URL is not used (curl prefers the credential options) and was removed from the URL")
	}
	if r.scheme == "sigv4" {
		for i, h := range r.headers {
			if strings.EqualFold(h.name, "X-Amz-Security-Token") {
				r.fields["session_token"] = p.secret(r, "session_token", h.name+" header", h.value)
				r.headers = slices.Delete(r.headers, i, i+1)
				break
			}
		}
	}
	if r.scheme == "none" {
		p.apiKeyHeader(r)
	}
	p.queryKey(r)
	for _, h := range r.headers {
		if credentialHeader(h.name) && h.value.IsLiteral() && h.value.Text != "" {
			p.literal(r, "header "+h.name, h.name+" header", h.value.Text)
		}
		if !strings.EqualFold(h.name, "Authorization") { // noted by authorization
			p.varsKept(h.from, h.value, "the "+h.name+" header")
		}
	}
	return nil
}

// credentialHeader reports whether a header carries a credential
// (authn.CredentialHeader, the one list).
func credentialHeader(name string) bool { return authn.CredentialHeader(name) }

// secret returns the value to store for a secret field typed as w (ref)
// and notes what it was typed as: a literal is listed in Literals (so
// r.scheme must be set), variables among other text are kept as text.
func (p *parser) secret(r *request, field, where string, w shell.Word) string {
	value, isVar, mixed := ref(w)
	switch {
	case mixed:
		p.mixedNote(where, w)
	case !isVar && value != "" && value != profiles.Prompt:
		p.literal(r, field, where, value)
	}
	return value
}

// plain returns the value to store for a field that is not a secret typed
// as w (ref), and notes the variables kept as text in it.
func (p *parser) plain(where string, w shell.Word) (value string, isVar bool) {
	value, isVar, mixed := ref(w)
	if mixed {
		p.mixedNote(where, w)
	}
	return value, isVar
}

// mixedNote says that the variables of w, typed among other text, are kept
// as text.
func (p *parser) mixedNote(where string, w shell.Word) {
	p.note("%s: $%s is kept as text: authlab resolves a field that is exactly one variable (env:NAME)", where, strings.Join(w.Vars(), ", $"))
}

// literal lists a secret typed as a literal, with a variable name to keep
// it in.
func (p *parser) literal(r *request, field, where, value string) {
	env := envname.For(r.prefix, r.scheme, field)
	if name, ok := dollarName(value); ok {
		// 'Authorization: Bearer $TOKEN' in single quotes, as some docs print
		// it: the shell does not expand it, curl sends the text.
		env = name
		p.note("the %s is the text %q: single quotes kept the shell from expanding it, so curl sends it as typed; env:%s would read the variable", where, value, name)
	}
	base := env
	for n := 2; slices.ContainsFunc(p.im.Literals, func(l Literal) bool { return l.SuggestedEnv == env }); n++ {
		env = fmt.Sprintf("%s_%d", base, n)
	}
	p.im.Literals = append(p.im.Literals, Literal{Field: field, Where: where, SuggestedEnv: env})
	if placeholder(value) {
		p.note("the %s %s looks like a placeholder from the docs: put in your own", where, clip(shell.Quote(value)))
	}
}

// dollarName returns NAME when v is the text "$NAME" or "${NAME}".
func dollarName(v string) (string, bool) {
	name, ok := strings.CutPrefix(v, "$")
	if !ok {
		return "", false
	}
	if inner, ok := strings.CutPrefix(name, "{"); ok {
		if name, ok = strings.CutSuffix(inner, "}"); !ok {
			return "", false
		}
	}
	return name, isEnvName(name)
}

// placeholder reports whether a value reads like documentation's stand-in
// for a secret: <YOUR-TOKEN>, USERNAME, YOUR_API_KEY.
func placeholder(v string) bool {
	if len(v) >= 3 && v[0] == '<' && v[len(v)-1] == '>' {
		return true
	}
	if len(v) < 3 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !('A' <= c && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// splitUser splits -u USER[:PASSWORD] at its first colon outside a
// variable.
func splitUser(w shell.Word) (user, pass shell.Word, hasPass bool) {
	off := 0
	for _, pt := range w.Parts {
		if pt.Var == "" {
			if k := strings.IndexByte(pt.Text, ':'); k >= 0 {
				return sub(w, 0, off+k), tail(w, off+k+1), true
			}
		}
		off += len(pt.Text)
	}
	return w, shell.Word{}, false
}

// userAuth maps -u USER[:PASSWORD] to Basic (or Digest with --digest).
// Without :PASSWORD curl asks for the password, and so does authlab
// (prompt). An empty password (-u KEY:, as Stripe documents it) makes the
// user name the secret.
func (p *parser) userAuth(r *request) {
	w := *p.user
	r.scheme = "basic"
	switch p.auth {
	case "digest":
		r.scheme = "digest"
	case "anyauth":
		p.note("%s: authlab does not negotiate; the credentials were imported as Basic", p.authFrom)
	case "ntlm", "ntlm-wb", "negotiate":
		p.note("%s: authlab has no %s; the %s credentials were imported as Basic, which the server may refuse", p.authFrom, strings.ToUpper(p.auth), p.userFrom)
	}
	user, pass, hasPass := splitUser(w)
	if name, ok := w.OnlyVar(); ok && !hasPass {
		r.fields["username"], r.fields["password"] = profiles.Prompt, profiles.Prompt
		p.note("%s $%s: the user name and password are both in one variable; authlab asks for each (prompt), or set -c username=… -c password=env:…", p.userFrom, name)
		return
	}
	u, uVar := p.plain(p.userFrom+" user name", user)
	r.fields["username"] = u
	if !hasPass {
		r.fields["password"] = profiles.Prompt
		p.note("%s %s has no :PASSWORD: curl asks for it, and so does authlab (prompt)", p.userFrom, clip(typed(w)))
		return
	}
	pw := p.secret(r, "password", p.userFrom+" password", pass)
	r.fields["password"] = pw
	if pw == "" && !uVar && user.IsLiteral() && u != "" {
		p.literal(r, "username", p.userFrom+" user name (an API key, empty password)", u)
	}
}

// urlAuth maps user:password@ in the URL (removed from it) to Basic.
func (p *parser) urlAuth(r *request) {
	r.scheme = "basic"
	if p.auth == "digest" {
		r.scheme = "digest"
	}
	pass, _ := r.userinfo.Password()
	r.fields["username"], r.fields["password"] = r.userinfo.Username(), pass
	p.note("the user:password in the URL became %s credentials and was removed from the URL (authlab never sends credentials in a URL)", r.scheme)
	if pass != "" {
		p.literal(r, "password", "password in the URL", pass)
	}
}

// bearerAuth maps --oauth2-bearer TOKEN.
func (p *parser) bearerAuth(r *request) {
	r.scheme = "bearer"
	r.fields["token"] = p.secret(r, "token", p.bearerFrom, *p.bearer)
}

// sigv4Auth maps --aws-sigv4 "PROVIDER1[:PROVIDER2[:REGION[:SERVICE]]]"
// with --user ACCESS_KEY:SECRET_KEY. Without region or service curl takes
// them from the host (SERVICE.REGION.…), and so does the import.
func (p *parser) sigv4Auth(r *request) {
	r.scheme = "sigv4"
	parts := strings.SplitN(p.sigv4.Text, ":", 4)
	if !strings.EqualFold(parts[0], "aws") {
		p.note("--aws-sigv4 %s: authlab signs for AWS (provider aws:amz), not %q", clip(typed(*p.sigv4)), parts[0])
	}
	region, service := "", ""
	if len(parts) > 2 {
		region = parts[2]
	}
	if len(parts) > 3 {
		service = parts[3]
	}
	if region == "" || service == "" {
		var labels []string
		if u, err := url.Parse(r.url); err == nil {
			labels = strings.Split(u.Hostname(), ".")
		}
		if len(labels) >= 3 {
			if service == "" {
				service = labels[0]
			}
			if region == "" {
				region = labels[1]
			}
			p.note("--aws-sigv4 without region or service: curl takes them from the host (%s, %s), and so does the import; check them", region, service)
		} else {
			p.note("--aws-sigv4 names no region or service and the host gives none: authlab asks for them (prompt)")
		}
	}
	if region == "" {
		region = profiles.Prompt
	}
	if service == "" {
		service = profiles.Prompt
	}
	r.fields["region"], r.fields["service"] = region, service
	if p.user == nil {
		r.fields["access_key"], r.fields["secret_key"] = profiles.Prompt, profiles.Prompt
		p.note("--aws-sigv4 without --user ACCESS_KEY:SECRET_KEY: authlab asks for the keys (prompt)")
		return
	}
	user, pass, hasPass := splitUser(*p.user)
	r.fields["access_key"], _ = p.plain(p.userFrom+" access key", user)
	if !hasPass {
		r.fields["secret_key"] = profiles.Prompt
		p.note("%s has no :SECRET_KEY: authlab asks for it (prompt)", p.userFrom)
		return
	}
	r.fields["secret_key"] = p.secret(r, "secret_key", p.userFrom+" secret key", pass)
}

// authorization maps a -H Authorization header to a scheme: Basic (decoded),
// Bearer, OAuth 1.0a, Digest and AWS4-HMAC-SHA256 (pasted signatures,
// re-made by authlab for each request). It reports whether it did; an
// unmapped header stays as it is.
func (p *parser) authorization(r *request, h header) bool {
	v := h.value
	t := v.Text
	k := strings.IndexAny(t, " \t")
	if k < 0 {
		if !v.IsLiteral() {
			p.note("%s 'Authorization: %s': the whole header value is a shell variable, which authlab does not expand; kept as text", h.from, t)
		}
		return false
	}
	rest := trim(tail(v, k))
	where := "Authorization header"
	switch strings.ToLower(t[:k]) {
	case "basic":
		if !rest.IsLiteral() {
			p.note("%s: the Basic credentials are in $%s, which authlab cannot decode; kept as a header with the variable as text", where, strings.Join(rest.Vars(), ", $"))
			return false
		}
		dec, err := base64.StdEncoding.DecodeString(rest.Text)
		if err != nil {
			dec, err = base64.RawStdEncoding.DecodeString(rest.Text)
		}
		user, pass, ok := strings.Cut(string(dec), ":")
		if err != nil || !ok || !utf8.Valid(dec) || user == "" {
			p.note("%s: Basic %s is not base64 of user:password (with a user name); kept as a header", where, clip(rest.Text))
			return false
		}
		r.scheme = "basic"
		r.fields["username"], r.fields["password"] = user, pass
		if pass != "" {
			p.literal(r, "password", where+" (Basic, decoded)", pass)
		}
		return true
	case "bearer":
		r.scheme = "bearer"
		r.fields["token"] = p.secret(r, "token", where, rest)
		return true
	case "oauth":
		return p.oauth1Header(r, rest)
	case "digest":
		return p.digestHeader(r, rest)
	case "aws4-hmac-sha256":
		return p.aws4Header(r, rest)
	}
	return false
}

// authParam is one name=value of a credentials header (RFC 9110 §11.4, the
// syntax of §11.2): names lower-cased, quoted values unescaped.
type authParam struct{ name, value string }

// authParams reads the comma-separated parameters of credentials, leniently
// (pasted headers are often hand-edited).
func authParams(s string) []authParam {
	var out []authParam
	for s != "" {
		var item strings.Builder
		quoted := false
		i := 0
		for ; i < len(s); i++ {
			c := s[i]
			if c == ',' && !quoted {
				break
			}
			if c == '"' {
				quoted = !quoted
			}
			if c == '\\' && quoted && i+1 < len(s) {
				item.WriteByte(c)
				i++
				c = s[i]
			}
			item.WriteByte(c)
		}
		if i < len(s) {
			i++
		}
		s = s[i:]
		name, value, ok := strings.Cut(strings.TrimSpace(item.String()), "=")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			var b strings.Builder
			for j := 1; j < len(value)-1; j++ {
				if value[j] == '\\' && j+1 < len(value)-1 {
					j++
				}
				b.WriteByte(value[j])
			}
			value = b.String()
		}
		out = append(out, authParam{strings.ToLower(strings.TrimSpace(name)), value})
	}
	return out
}

func param(ps []authParam, name string) (string, bool) {
	for _, p := range ps {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// varRef returns env:NAME when value is exactly a variable of w as typed
// ("$NAME" or "${NAME}"), else value.
func varRef(w shell.Word, value string) (string, bool) {
	for _, pt := range w.Parts {
		if pt.Var != "" && pt.Text == value && isEnvName(pt.Var) {
			return profiles.PrefixEnv + pt.Var, true
		}
	}
	return value, false
}

// oauth1Header maps a pasted OAuth 1.0a Authorization header (RFC 5849
// §3.5.1) to the oauth1 scheme: consumer key, token, signature method and
// realm from it; the secrets are not in it (but for PLAINTEXT, whose
// signature is them, §3.4.4), so they are asked for (prompt).
func (p *parser) oauth1Header(r *request, rest shell.Word) bool {
	ps := authParams(rest.Text)
	get := func(name string) (string, bool) {
		v, ok := param(ps, name)
		if !ok {
			return "", false
		}
		if ref, isVar := varRef(rest, v); isVar {
			return ref, true
		}
		if u, err := url.PathUnescape(v); err == nil { // §3.6 percent-encoding
			v = u
		}
		return v, true
	}
	ck, ok := get("oauth_consumer_key")
	if !ok {
		p.note("Authorization header: OAuth without oauth_consumer_key; kept as a header")
		return false
	}
	r.scheme = "oauth1"
	r.fields["consumer_key"] = ck
	token, hasToken := get("oauth_token")
	if hasToken && token != "" {
		r.fields["token"] = token
	}
	method, _ := get("oauth_signature_method")
	if method == "" {
		method = "HMAC-SHA1"
	}
	info, _ := authn.Lookup("oauth1")
	if f, _ := info.Info().Field("signature_method"); !slices.Contains(f.Allowed, method) {
		p.note("Authorization header: oauth_signature_method %q is not one authlab signs with; it uses HMAC-SHA1", method)
		method = "HMAC-SHA1"
	}
	r.fields["signature_method"] = method
	for _, f := range [][2]string{{"realm", "realm"}, {"oauth_callback", "callback"}, {"oauth_verifier", "verifier"}} {
		if v, ok := get(f[0]); ok && v != "" {
			r.fields[f[1]] = v
		}
	}
	sig, _ := get("oauth_signature")
	switch method {
	case "PLAINTEXT":
		cs, ts, _ := strings.Cut(sig, "&") // §3.4.4: consumer secret & token secret, each encoded
		if u, err := url.PathUnescape(cs); err == nil {
			cs = u
		}
		if u, err := url.PathUnescape(ts); err == nil {
			ts = u
		}
		r.fields["consumer_secret"] = cs
		if cs != "" {
			p.literal(r, "consumer_secret", "oauth_signature (PLAINTEXT) consumer secret", cs)
		}
		if ts != "" {
			r.fields["token_secret"] = ts
			p.literal(r, "token_secret", "oauth_signature (PLAINTEXT) token secret", ts)
		}
		p.note("Authorization header: the PLAINTEXT signature is the consumer secret and token secret; authlab re-signs each request with them")
	case "RSA-SHA1":
		r.fields["private_key"] = profiles.Prompt
		p.note("Authorization header: the pasted OAuth 1.0a signature was valid for one nonce and timestamp only; authlab re-signs each request with the RSA private key (prompt)")
	default:
		r.fields["consumer_secret"] = profiles.Prompt
		secrets := "consumer_secret"
		if r.fields["token"] != "" {
			r.fields["token_secret"] = profiles.Prompt
			secrets = "consumer_secret and token_secret"
		}
		p.note("Authorization header: the pasted OAuth 1.0a signature was valid for one nonce and timestamp only; authlab re-signs each request, with %s (prompt)", secrets)
	}
	return true
}

// digestHeader maps a pasted Digest answer (RFC 7616 §3.4): authlab answers
// the server's challenge itself, so only the user name (and the algorithm)
// carry over.
func (p *parser) digestHeader(r *request, rest shell.Word) bool {
	ps := authParams(rest.Text)
	user, ok := param(ps, "username")
	if !ok {
		return false
	}
	user, _ = varRef(rest, user)
	r.scheme = "digest"
	r.fields["username"], r.fields["password"] = user, profiles.Prompt
	if alg, ok := param(ps, "algorithm"); ok {
		info, _ := authn.Lookup("digest")
		if f, _ := info.Info().Field("algorithm"); slices.Contains(f.Allowed, alg) {
			r.fields["algorithm"] = alg
		}
	}
	p.note("Authorization header: a pasted Digest answer is valid for one server nonce only; authlab answers the server's challenge itself, with the password (prompt)")
	return true
}

// aws4Header maps a pasted AWS Signature Version 4 Authorization header:
// the access key, region and service come from its Credential
// (KEY/DATE/REGION/SERVICE/aws4_request); the secret key is asked for.
func (p *parser) aws4Header(r *request, rest shell.Word) bool {
	ps := authParams(rest.Text)
	cred, ok := param(ps, "credential")
	scope := strings.Split(cred, "/")
	if !ok || len(scope) != 5 {
		p.note("Authorization header: AWS4-HMAC-SHA256 without a Credential=KEY/DATE/REGION/SERVICE/aws4_request; kept as a header")
		return false
	}
	r.scheme = "sigv4"
	ak, _ := varRef(rest, scope[0])
	r.fields["access_key"], r.fields["region"], r.fields["service"] = ak, scope[2], scope[3]
	r.fields["secret_key"] = profiles.Prompt
	p.note("Authorization header: the pasted AWS signature was valid for one date and request only; authlab signs each request, with the secret key (prompt)")
	return true
}

// apiKeyHeader makes a lone API-key header the apikey scheme: one of
// apiKeyHeaderName, or any other header whose whole value is one shell
// variable ("X-Tenant: $KEY", which is also how authlab exports an
// API key in a header), unless it is a header that describes content
// rather than a credential (Accept…, Content-…, User-Agent, …).
func (p *parser) apiKeyHeader(r *request) {
	at := -1
	for i, h := range r.headers {
		_, oneVar := h.value.OnlyVar()
		if apiKeyHeaderName(h.name) || oneVar && !contentHeader(h.name) {
			if at >= 0 {
				p.note("several API-key headers (%s, %s): kept as headers", r.headers[at].name, h.name)
				return
			}
			at = i
		}
	}
	if at < 0 {
		return
	}
	h := r.headers[at]
	r.headers = slices.Delete(r.headers, at, at+1)
	if name, _ := h.value.OnlyVar(); !apiKeyHeaderName(h.name) {
		p.note("%s: $%s: the %s header became the apikey scheme, so that authlab reads it from the environment at each send (a header cannot hold a reference)", h.from, name, h.name)
	}
	r.scheme = "apikey"
	r.fields["name"], r.fields["in"] = h.name, "header"
	r.fields["value"] = p.secret(r, "value", h.name+" header", h.value)
}

// contentHeader reports whether a header describes the message or the
// client rather than carrying a credential (RFC 9110 §8, §10.1, §12.5).
func contentHeader(name string) bool {
	n := strings.ToLower(name)
	for _, prefix := range []string{"accept", "content-", "if-"} {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return slices.Contains([]string{"user-agent", "referer", "origin", "host", "cache-control", "pragma", "range", "expect", "te", "connection"}, n)
}

// queryKey looks at the URL's query for API keys (apiKeyParam): one held
// in a shell variable becomes the apikey scheme (in=query), removed from
// the URL, when no other scheme was set; a literal one stays in the URL and
// is listed in Literals.
func (p *parser) queryKey(r *request) {
	base, rest := authority(r.url)
	q := strings.IndexByte(rest, '?')
	if q < 0 {
		return
	}
	frag := ""
	query := rest[q+1:]
	if i := strings.IndexByte(query, '#'); i >= 0 {
		query, frag = query[:i], query[i:]
	}
	pieces := strings.Split(query, "&")
	kept := pieces[:0:0]
	changed := false
	for _, piece := range pieces {
		name, value, _ := strings.Cut(piece, "=")
		if u, err := url.QueryUnescape(name); err == nil {
			name = u
		}
		if !apiKeyParam(name) || value == "" {
			kept = append(kept, piece)
			continue
		}
		if ref, isVar := varRef(r.urlWord, value); isVar && r.scheme == "none" {
			r.scheme = "apikey"
			r.fields["name"], r.fields["value"], r.fields["in"] = name, ref, "query"
			changed = true
			continue
		}
		kept = append(kept, piece)
		if !strings.Contains(value, "$") {
			if u, err := url.QueryUnescape(value); err == nil {
				value = u
			}
			p.literal(r, "query "+name, name+" in the URL query", value)
		}
	}
	if changed {
		u := base + rest[:q]
		if len(kept) > 0 {
			u += "?" + strings.Join(kept, "&")
		}
		r.url = u + frag
	}
}
