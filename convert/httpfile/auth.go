package httpfile

import (
	"crypto/sha256"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/profiles"
)

var (
	jsonPairRe = regexp.MustCompile(`"([^"\\]{1,64})"\s*:\s*"([^"\\]*)"`)
	// A value that is an Authorization header or its credentials:
	// "Basic dXNl…", "Authorization: Bearer …".
	credentialRe = regexp.MustCompile(`(?i)^(authorization:\s*)?(basic|bearer|digest|token)\s+\S`)
)

// credentialValue reports a variable whose value is a credential, whatever
// its name.
func credentialValue(v string) bool { return credentialRe.MatchString(v) && !strings.Contains(v, "{{") }

// authorization maps the Authorization header to a scheme, as REST Client
// and the JetBrains HTTP Client read their shorthands: Basic user pass,
// Basic user:pass, Basic base64 (REST Client README, "Basic Auth"),
// Digest user pass ("Digest Auth"), Bearer TOKEN, AWS id key
// [token:…] [region:…] [service:…] ("AWS Signature v4") and
// Bearer {{$auth.token("id")}} (JetBrains OAuth 2.0). It reports whether
// the header became the scheme (and is dropped from the headers).
func (r *req) authorization(value string) bool {
	f := fields(value)
	if len(f) == 0 {
		return false
	}
	scheme, args := strings.ToLower(f[0]), f[1:]
	switch scheme {
	case "basic", "digest":
		var user, pass string
		switch {
		case len(args) == 2:
			user, pass = args[0], args[1]
		case len(args) == 1:
			a := args[0]
			if u, p, ok := cutOutside(a); ok && !strings.Contains(a, "=") {
				user, pass = u, p
				break
			}
			if u, p, ok := decodeBasic(a); ok && scheme == "basic" {
				user, pass = u, p
				break
			}
			if _, isVar := onlyVar(a); isVar {
				for _, n := range varNames(a) {
					r.im.secretVars[n] = true
				}
				return false // the credentials are in a variable: kept as a header
			}
			if scheme == "digest" && strings.Contains(a, "=") {
				r.unmapped("a computed Digest response: it answers one nonce and cannot be sent again; write Digest USER PASSWORD instead")
				return false
			}
			r.unmapped("the %s credentials are neither USER PASSWORD nor USER:PASSWORD: kept as a header", f[0])
			return false
		case len(args) > 2 && scheme == "digest" && strings.Contains(value, "="):
			r.unmapped("a computed Digest response: it answers one nonce and cannot be sent again; write Digest USER PASSWORD instead")
			return false
		default:
			r.unmapped("the %s credentials are not USER PASSWORD: kept as a header", f[0])
			return false
		}
		r.p.Scheme = scheme
		r.p.Fields = map[string]string{"username": r.rewrite(user, "the user name")}
		if pass != "" {
			r.p.Fields["password"] = r.secret("password", pass)
		}
		return true
	case "bearer":
		if len(args) != 1 {
			return false
		}
		if m := authTokenCall(args[0]); m != nil {
			return r.oauth2(m[1], m[2])
		}
		if dynamic(args[0]) {
			r.unmapped("the token %s is made by the editor (Azure AD / OpenID Connect sign-in): set up the oauth2 scheme by hand", clip(args[0]))
			return false
		}
		r.p.Scheme = "bearer"
		r.p.Fields = map[string]string{"token": r.secret("token", args[0])}
		return true
	case "aws":
		return r.aws(args)
	case "ntlm", "negotiate", "cognito", "hawk", "edgegrid", "eg1-hmac-sha256":
		r.unmapped("%s authentication: authlab has no such scheme", f[0])
		return false
	}
	if m := authTokenCall(strings.TrimSpace(value)); m != nil {
		return r.oauth2(m[1], m[2])
	}
	return false
}

// authTokenCall matches {{$auth.token("id")}}: [_, func, id].
func authTokenCall(s string) []string {
	m := varRe.FindStringSubmatch(s)
	if m == nil || m[0] != s {
		return nil
	}
	return authTokenRe.FindStringSubmatch(m[1])
}

// dynamic reports a value that is one editor-made system variable.
func dynamic(s string) bool {
	m := varRe.FindStringSubmatch(s)
	return m != nil && m[0] == s && strings.HasPrefix(m[1], "$") && !processEnvRe.MatchString(m[1])
}

// cutOutside cuts s at the first ":" outside {{ }}.
func cutOutside(s string) (before, after string, ok bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "{{"):
			depth++
			i++
		case strings.HasPrefix(s[i:], "}}") && depth > 0:
			depth--
			i++
		case s[i] == ':' && depth == 0:
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// aws maps REST Client's "Authorization: AWS id key [token:…]
// [region:…] [service:…]" to sigv4; region and service, when not given,
// come from an amazonaws.com host (SERVICE.REGION.amazonaws.com).
func (r *req) aws(args []string) bool {
	if len(args) < 2 {
		r.unmapped("the AWS credentials are not ACCESS_KEY SECRET_KEY: kept as a header")
		return false
	}
	fs := map[string]string{"access_key": r.rewrite(args[0], "the access key"), "secret_key": r.secretAs("sigv4", "secret_key", args[1])}
	for _, a := range args[2:] {
		k, v, _ := strings.Cut(a, ":")
		switch k {
		case "token":
			fs["session_token"] = r.secretAs("sigv4", "session_token", v)
		case "region", "service":
			fs[k] = r.rewrite(v, "the "+k)
		default:
			r.unmapped("the AWS option %s is not known", clip(a))
		}
	}
	if fs["region"] == "" || fs["service"] == "" {
		host := r.p.URL
		if i := strings.Index(host, "://"); i >= 0 {
			host = host[i+3:]
		}
		host, _, _ = strings.Cut(host, "/")
		if labels := strings.Split(host, "."); len(labels) >= 4 && strings.HasSuffix(host, ".amazonaws.com") {
			if fs["service"] == "" {
				fs["service"] = labels[len(labels)-4]
			}
			if fs["region"] == "" {
				fs["region"] = labels[len(labels)-3]
			}
		}
	}
	for _, k := range []string{"region", "service"} {
		if fs[k] == "" {
			r.unmapped("the AWS %s is not in the header and not in the host name: set it in the profile", k)
		}
	}
	r.p.Scheme, r.p.Fields = "sigv4", fs
	return true
}

// secret returns what to store in the secret field of the profile's
// scheme for the text written in the file.
func (r *req) secret(field, raw string) string { return r.secretAs(r.p.Scheme, field, raw) }

func (r *req) secretAs(scheme, field, raw string) string {
	if scheme == "none" {
		scheme = map[string]string{"password": "basic", "token": "bearer", "value": "apikey"}[field]
	}
	if n, ok := envRef(raw); ok {
		return "env:" + n
	}
	if n, ok := onlyVar(raw); ok {
		r.im.secretVars[n] = true
		return "{{" + n + "}}"
	}
	if strings.Contains(raw, "{{") {
		for _, n := range varNames(raw) {
			r.im.secretVars[n] = true
		}
		return r.rewrite(raw, "the "+field)
	}
	if raw == "" {
		return ""
	}
	env := r.im.envFor(envname.For(r.api, scheme, field), raw)
	r.im.literalNote(env, "the "+field+" of "+r.p.Name)
	return "env:" + env
}

// envFor returns base as the environment variable for the literal secret
// value, or base_2, base_3… when base already stands for another value:
// two passwords typed into one file stay two variables. Only a hash of
// each value is kept.
func (im *importer) envFor(base, value string) string {
	h := sha256.Sum256([]byte(value))
	name := base
	for k := 2; ; k++ {
		old, ok := im.literals[name]
		if !ok {
			im.literals[name] = h
			return name
		}
		if old == h {
			return name
		}
		name = fmt.Sprintf("%s_%d", base, k)
	}
}

// literalVar returns {{NAME}} for a literal secret in a header, a form or
// a query (which hold no references), and gives the profile the variable
// NAME = env:NAME.
func (r *req) literalVar(field, what, value string) string {
	env := r.im.envFor(envname.For(r.api, "none", field), value)
	r.addVar(profiles.Var{Name: env, Value: "env:" + env, Secret: true})
	r.im.literalNote(env, "the "+what+" of "+r.p.Name)
	return "{{" + env + "}}"
}

func (im *importer) literalNote(env, what string) {
	im.note("%s was typed into the file: the profile reads it from env:%s instead (the value was not copied); set %s before sending", what, env, env)
}

// hideHeader returns the value of a credential header with its literal
// credential replaced by a variable: "token abc" → "token {{NAME}}".
func (r *req) hideHeader(name, value string) string {
	computed := strings.HasPrefix(strings.ToLower(value), "digest ") // one nonce's answer, useless again
	if !authn.CredentialHeader(name) || value == "" || strings.Contains(value, "{{") || computed {
		for _, n := range varNames(value) {
			if authn.CredentialHeader(name) {
				r.im.secretVars[n] = true
			}
		}
		return value
	}
	if f := fields(value); len(f) == 2 && authn.IsToken(f[0]) {
		return f[0] + " " + r.literalVar("header "+name, name+" header", f[1])
	}
	return r.literalVar("header "+name, name+" header", value)
}

// rewrite turns the {{…}} references of s into authlab's: a variable stays
// {{name}}; {{$processEnv X}}, {{$dotenv X}} and {{$env.X}} become {{X}}
// with the profile default X = env:X; what authlab cannot make (request
// variables, generated values, editor sign-ins) stays as written and is
// listed.
func (r *req) rewrite(s, where string) string {
	return varRe.ReplaceAllStringFunc(s, func(m string) string {
		in := varRe.FindStringSubmatch(m)[1]
		switch {
		case nameRe.MatchString(in) && !requestVarRe.MatchString(in):
			return "{{" + in + "}}"
		case requestVarRe.MatchString(in):
			r.im.vsc = true
			r.unmapped("%s in %s reads an earlier response (a request variable): authlab does not chain requests; set it by hand", clip(m), where)
			return m
		case strings.HasPrefix(in, "%") && nameRe.MatchString(in[1:]):
			r.im.vsc = true
			r.unmapped("%s in %s: the percent-encoding of the value is not applied", clip(m), where)
			return "{{" + in[1:] + "}}"
		}
		if p := processEnvRe.FindStringSubmatch(in); p != nil {
			name := p[3]
			if p[4] != "" {
				name, r.im.jet = p[4], true
			} else {
				r.im.vsc = true
			}
			if p[2] == "%" {
				r.unmapped("%s in %s names the variable through another one: set it by hand", clip(m), where)
				return m
			}
			if !profiles.ValidEnvName(name) {
				r.unmapped("%s in %s: %s is not a portable environment variable name (letters, digits, _)", clip(m), where, clip(name))
				return m
			}
			r.addVar(profiles.Var{Name: name, Value: "env:" + name, Secret: authn.SecretName(name)})
			return "{{" + name + "}}"
		}
		if sm := sharedRe.FindStringSubmatch(m); sm != nil {
			return "{{" + sm[1] + "}}"
		}
		word, _, _ := strings.Cut(strings.TrimPrefix(in, "$"), " ")
		word, _, _ = strings.Cut(word, "(")
		switch {
		case strings.HasPrefix(word, "random.") || slices.Contains([]string{"uuid", "isoTimestamp", "auth.token", "auth.idToken", "auth.header", "projectRoot", "historyFolder"}, word):
			r.im.jet = true
		case slices.Contains([]string{"guid", "randomInt", "datetime", "localDatetime", "aadToken", "aadV2Token", "oidcAccessToken"}, word):
			r.im.vsc = true
		}
		r.unmapped("%s in %s is made by the editor at each send: authlab has no generated values; replace it", clip(m), where)
		return m
	})
}

// fileVarsUsed gives the profile the file variables it uses, and those
// their values use, as defaults; a secret one (a secret name, or used where
// a secret goes) holds env:NAME instead of the value written.
func (r *req) fileVarsUsed() {
	used := map[string]bool{}
	var walk func(s string)
	walk = func(s string) {
		for _, n := range varNames(s) {
			if used[n] {
				continue
			}
			used[n] = true
			if v, ok := r.im.fileVarValue[n]; ok {
				walk(v)
			}
		}
	}
	walk(r.p.URL)
	walk(r.p.Body)
	for _, h := range r.p.Headers {
		walk(h.Value)
	}
	for _, v := range r.p.Fields {
		walk(v)
	}
	for _, v := range r.vars {
		walk(v.Value)
	}
	var names []string
	for n := range used {
		if _, ok := r.im.fileVarAt[n]; ok {
			names = append(names, n)
		}
	}
	slices.SortFunc(names, func(a, b string) int { return r.im.fileVarAt[a] - r.im.fileVarAt[b] })
	for _, n := range names {
		fv := fileVar{n, r.im.fileVarValue[n]}
		if isBuiltin(fv.name) {
			r.im.note("@%s was not imported: {{%s}} is authlab's built-in practice server URL", fv.name, fv.name)
			continue
		}
		value := fv.value
		secret := r.im.secretVars[fv.name] || authn.SecretName(fv.name) || credentialValue(fv.value)
		if n, ok := envRef(value); ok {
			value = "env:" + n
		} else if secret && value != "" && !strings.Contains(value, "{{") {
			env := wordOr(fv.name)
			r.im.literalNote(env, "the file variable @"+fv.name)
			value = "env:" + env
		} else {
			value = r.rewrite(value, "@"+fv.name)
		}
		r.addVar(profiles.Var{Name: fv.name, Value: value, Secret: secret})
	}
}

// environments turns the environment files into Environments: a secret
// value (from the private file, with a secret name, or used where a secret
// goes) becomes env:NAME, never a literal.
func (im *importer) environments() {
	// A secret set to different values in different environments (a dev
	// and a prod token) gets one variable per environment: DEV_TOKEN.
	values := map[string]map[string]bool{}
	for _, n := range im.ef.names {
		for _, v := range im.ef.vars[n] {
			if values[v.name] == nil {
				values[v.name] = map[string]bool{}
			}
			values[v.name][v.value] = true
		}
	}
	for _, n := range im.ef.names {
		e := profiles.Environment{Name: envName(n)}
		for _, v := range im.ef.vars[n] {
			if !nameRe.MatchString(v.name) {
				im.res.Unmapped = append(im.res.Unmapped, collection.Unmapped{Where: "environment " + n, What: fmt.Sprintf("the variable name %q cannot be written as {{name}} (letters, digits, - _ .)", clip(v.name))})
				continue
			}
			if isBuiltin(v.name) {
				im.note("the %s variable %s was not imported: {{%s}} is authlab's built-in practice server URL", n, v.name, v.name)
				continue
			}
			secret := v.private || im.secretVars[v.name] || authn.SecretName(v.name) || credentialValue(v.value)
			value := v.value
			if ref, ok := envRef(value); ok {
				value = "env:" + ref
			} else if secret && value != "" && !strings.Contains(value, "{{") {
				env := wordOr(v.name)
				if len(values[v.name]) > 1 {
					env = wordOr(n + "_" + v.name)
				}
				from := "http-client.env.json"
				if v.private {
					from = "http-client.private.env.json"
				}
				im.note("the %s value of %s in %s is kept as env:%s (the value was not copied); set %s before sending", n, v.name, from, env, env)
				value = "env:" + env
			}
			e.Vars = append(e.Vars, profiles.Var{Name: v.name, Value: value, Secret: secret})
		}
		e.Vars = append(e.Vars, im.authVars[n]...)
		im.res.Environments = append(im.res.Environments, e)
	}
}

// envName makes an environment name a file name can hold.
func envName(n string) string {
	if s := slug(strings.ReplaceAll(n, "/", "-")); s != "request" || n == "request" {
		return s
	}
	return "env"
}

// oauth2 maps {{$auth.token("id")}} to the oauth2 scheme with the fields
// of the JetBrains auth configuration id (Security.Auth in the environment
// files). A value that differs between environments becomes the variable
// {{ID_FIELD}}, set in each environment.
func (r *req) oauth2(fn, id string) bool {
	r.im.jet = true
	if fn != "token" {
		r.unmapped("$auth.%s(%q): authlab sends the access token only", fn, id)
		return false
	}
	var envs []string
	for _, n := range r.im.ef.names {
		if _, ok := r.im.ef.auth[n][id]; ok {
			envs = append(envs, n)
		}
	}
	if len(envs) == 0 {
		r.unmapped("$auth.token(%q): no auth configuration %q in the environment files (Security.Auth); give them to the import", id, id)
		return false
	}
	keys := []string{}
	for _, n := range envs {
		for _, kv := range r.im.ef.auth[n][id].obj {
			if !slices.Contains(keys, kv.key) {
				keys = append(keys, kv.key)
			}
		}
	}
	fs := map[string]string{}
	prefix := envname.Word(id)
	value := func(key string) (string, bool) {
		var vals []string
		for _, n := range envs {
			v, ok := r.im.ef.auth[n][id].get(key)
			if !ok || v.kind != 's' {
				vals = append(vals, "")
				continue
			}
			vals = append(vals, v.str)
		}
		same := !slices.ContainsFunc(vals, func(s string) bool { return s != vals[0] })
		return vals[0], same
	}
	set := func(field, key string, secret bool) {
		v, same := value(key)
		switch {
		case secret:
			if n, ok := onlyVar(v); ok {
				r.im.secretVars[n] = true
				fs[field] = v
			} else if n, ok := envRef(v); ok {
				fs[field] = "env:" + n
			} else if v != "" || !same {
				env := envname.For(prefix, "oauth2", field)
				r.im.note("the %s of auth configuration %q is kept as env:%s (the value was not copied); set %s before sending", key, id, env, env)
				fs[field] = "env:" + env
			}
		case same:
			if v != "" {
				fs[field] = r.rewrite(v, "auth configuration "+id)
			}
		default:
			name := wordOr(id + "_" + field)
			fs[field] = "{{" + name + "}}"
			for _, n := range envs {
				av, _ := r.im.ef.auth[n][id].get(key)
				r.im.addAuthVar(n, profiles.Var{Name: name, Value: av.str})
			}
		}
	}
	for _, key := range keys {
		switch key {
		case "Type":
			if t, _ := value(key); !strings.EqualFold(t, "OAuth2") {
				r.unmapped("auth configuration %q has Type %q: authlab reads OAuth2 configurations only", id, t)
				return false
			}
		case "Grant Type":
			g, _ := value(key)
			grant, ok := map[string]string{"authorization code": "authorization_code", "client credentials": "client_credentials",
				"password": "password", "device authorization": "device_code", "implicit": "authorization_code"}[strings.ToLower(g)]
			if !ok {
				r.unmapped("auth configuration %q: grant type %q is not one authlab has", id, g)
				grant = "client_credentials"
			}
			if strings.EqualFold(g, "implicit") {
				r.unmapped("auth configuration %q: the implicit grant is not in authlab (RFC 9700 §2.1.2 says not to use it); imported as authorization code with PKCE", id)
			}
			fs["grant"] = grant
		case "Token URL":
			set("token_url", key, false)
		case "Auth URL":
			set("auth_url", key, false)
		case "Device Auth URL":
			set("device_auth_url", key, false)
		case "Client ID":
			set("client_id", key, false)
		case "Scope":
			set("scope", key, false)
		case "Username":
			set("username", key, false)
		case "Client Secret":
			set("client_secret", key, true)
		case "Password":
			set("password", key, true)
		case "Client Credentials":
			c, _ := value(key)
			switch strings.ToLower(c) {
			case "basic", "":
				fs["client_auth"] = "basic"
			case "in body":
				fs["client_auth"] = "body"
			default:
				r.unmapped("auth configuration %q: client credentials %q (authlab sends them as basic or in the body)", id, c)
			}
		case "PKCE":
			v, _ := r.im.ef.auth[envs[0]][id].get(key)
			if v.kind == 'o' {
				if m, _ := v.get("Code Challenge Method"); strings.EqualFold(m.str, "plain") {
					r.unmapped("auth configuration %q: PKCE with the plain method; authlab always sends S256 (RFC 7636 §4.2)", id)
				}
			}
		case "Custom Request Parameters":
			v, _ := r.im.ef.auth[envs[0]][id].get(key)
			for _, kv := range v.obj {
				val := kv.val
				if val.kind == 'o' {
					val, _ = val.get("Value")
				}
				if kv.key == "audience" && val.kind == 's' {
					fs["audience"] = val.str
					continue
				}
				r.unmapped("auth configuration %q: the custom request parameter %s", id, kv.key)
			}
		case "Acquire Automatically":
			// authlab always gets the token before the request.
		case "Use ID Token", "Revoke URL":
			if v, _ := value(key); v != "" && v != "false" {
				r.unmapped("auth configuration %q: %s", id, key)
			}
		case "auth_data":
			r.unmapped("auth configuration %q: tokens cached by another client (auth_data) were not imported", id)
		case "Redirect URL":
			r.unmapped("auth configuration %q: authlab receives the code on its own loopback redirect, not %s; register that one with the provider", id, key)
		default:
			r.unmapped("auth configuration %q: %s is not a setting authlab has", id, key)
		}
	}
	if fs["grant"] == "authorization_code" {
		r.im.note("authorization code grants are sent with PKCE S256 (RFC 7636), whatever the PKCE setting said")
	}
	r.p.Scheme, r.p.Fields = "oauth2", fs
	if r.p.Description == "" {
		r.p.Description = fmt.Sprintf("OAuth 2.0 from the JetBrains auth configuration %q", id)
	}
	return true
}

func (im *importer) addAuthVar(env string, v profiles.Var) {
	if !slices.ContainsFunc(im.authVars[env], func(o profiles.Var) bool { return o.Name == v.Name }) {
		im.authVars[env] = append(im.authVars[env], v)
	}
}

// wordOr names an environment variable after s (envname.Word), or SECRET
// when s has no letter or digit.
func wordOr(s string) string {
	if w := envname.Word(s); w != "" {
		return w
	}
	return "SECRET"
}
