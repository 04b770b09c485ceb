package httpfile

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// Envs are the JetBrains HTTP Client environment files beside a request
// file: http-client.env.json (Public) and http-client.private.env.json
// (Private); Public may also be a VS Code settings.json, whose
// rest-client.environmentVariables object has the same shape. Either may
// be nil. The private file's values are secrets: they become references,
// never literals.
type Envs struct{ Public, Private []byte }

// The formats Import names in Result.Format.
const (
	FormatJetBrains = "HTTP request file (JetBrains HTTP Client)"
	FormatVSCode    = "HTTP request file (VS Code REST Client)"
	FormatBoth      = "HTTP request file (JetBrains HTTP Client / VS Code REST Client)"
)

// importer holds what one Import has read so far.
type importer struct {
	file     string
	res      collection.Result
	fileVars []fileVar
	// fileVarValue is each file variable's last value (the last
	// definition wins), fileVarAt the index of its first definition.
	fileVarValue map[string]string
	fileVarAt    map[string]int
	envVarNames  map[string]bool // every environment's variables, made when first asked
	ef           *envFile
	// secretVars are the variables used where a secret goes (a password,
	// a token, a credential header): their values become references.
	secretVars map[string]bool
	// authVars are the per-environment variables made for auth
	// configurations whose values differ between environments.
	authVars  map[string][]profiles.Var
	names     map[string]bool
	literals  map[string][32]byte // env var made for a literal secret → SHA-256 of the value
	next      map[string]int      // the next number to try after a name
	notes     map[string]bool
	jet, vsc  bool
	noteOrder []string
}

// req is one profile being built.
type req struct {
	im   *importer
	p    profiles.Profile
	vars []profiles.Var
	api  string // envname.API of the URL
	// listed is what was already listed in Unmapped for this profile.
	listed map[string]bool
	varAt  map[string]int // index in vars by name
}

// Import reads a .http or .rest file (name is its file name, for messages)
// in the JetBrains HTTP Client or VS Code REST Client dialect, with the
// JetBrains environment files when given, into profiles and environments.
// It reads no other file and sends nothing: a body taken from a file
// (< ./body.json) becomes the profile's body_file, read at send time.
func Import(name string, file []byte, envs Envs) (collection.Result, error) {
	if len(file) > MaxFile {
		return collection.Result{}, fmt.Errorf("%s is larger than %d MiB: split it into several request files", name, MaxFile>>20)
	}
	if !utf8.Valid(file) || bytes.IndexByte(file, 0) >= 0 {
		return collection.Result{}, fmt.Errorf("%s is not UTF-8 text: give the .http or .rest file itself", name)
	}
	ef, err := readEnvs(envs)
	if err != nil {
		return collection.Result{}, err
	}
	reqs, fvars, tooMany := parseFile(string(file))
	if tooMany {
		return collection.Result{}, fmt.Errorf("%s has more than %d requests: split it into several files", name, MaxRequests)
	}
	if len(fvars) > MaxVars {
		return collection.Result{}, fmt.Errorf("%s has more than %d file variables: split it into several files", name, MaxVars)
	}
	if len(reqs) == 0 {
		return collection.Result{}, fmt.Errorf("%s holds no request: a request starts with a line like GET https://example.com/", name)
	}
	im := &importer{file: name, fileVars: fvars, ef: ef, secretVars: map[string]bool{},
		authVars: map[string][]profiles.Var{}, names: map[string]bool{}, literals: map[string][32]byte{}, next: map[string]int{}, notes: map[string]bool{}}
	im.fileVarValue, im.fileVarAt = map[string]string{}, map[string]int{}
	for i, fv := range fvars {
		im.fileVarValue[fv.name] = fv.value
		if _, ok := im.fileVarAt[fv.name]; !ok {
			im.fileVarAt[fv.name] = i
		}
	}
	if envs.Public != nil || envs.Private != nil {
		im.jet = true
	}
	if len(fvars) > 0 {
		im.vsc = true
	}
	for _, e := range ef.unmapped {
		im.res.Unmapped = append(im.res.Unmapped, collection.Unmapped{Where: e.where, What: e.what})
	}
	var rs []*req
	for _, rr := range reqs {
		rs = append(rs, im.request(rr))
	}
	// File variables each profile uses, directly or through another
	// file variable, become its defaults.
	uses := 0
	for _, r := range rs {
		r.fileVarsUsed()
		if uses += len(r.vars); uses > MaxVarUses {
			return collection.Result{}, fmt.Errorf("the requests of %s use more than %d variables in all: split it into several files", name, MaxVarUses)
		}
		r.p.Vars = r.vars
		im.res.Profiles = append(im.res.Profiles, r.p)
	}
	im.environments()
	switch {
	case im.jet && im.vsc:
		im.res.Format = FormatBoth
	case im.vsc:
		im.res.Format = FormatVSCode
	default:
		im.res.Format = FormatJetBrains
	}
	for _, n := range im.noteOrder {
		im.res.Notes = append(im.res.Notes, n)
	}
	return im.res, nil
}

func (im *importer) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	if !im.notes[n] {
		im.notes[n] = true
		im.noteOrder = append(im.noteOrder, n)
	}
}

func (r *req) unmapped(format string, args ...any) {
	what := fmt.Sprintf(format, args...)
	if r.listed[what] {
		return
	}
	if r.listed == nil {
		r.listed = map[string]bool{}
	}
	r.listed[what] = true
	r.im.res.Unmapped = append(r.im.res.Unmapped, collection.Unmapped{Profile: r.p.Name, Where: "request " + r.p.Name, What: what})
}

func (r *req) addVar(v profiles.Var) {
	if i, ok := r.varAt[v.Name]; ok {
		r.vars[i].Secret = r.vars[i].Secret || v.Secret
		return
	}
	if r.varAt == nil {
		r.varAt = map[string]int{}
	}
	r.varAt[v.Name] = len(r.vars)
	r.vars = append(r.vars, v)
}

// request maps one request of the file.
func (im *importer) request(rr rawRequest) *req {
	r := &req{im: im, p: profiles.Profile{Method: rr.method, Follow: true, Scheme: "none", Fields: map[string]string{}}}
	r.p.Name = im.uniqueName(rr)
	if rr.metaName != "" && rr.sepName != "" {
		r.p.Description = rr.sepName
	}
	r.p.URL = r.rewrite(im.target(r, rr), "the URL")
	r.api = envname.API(r.p.URL)
	r.p.URL = r.hideQuery(r.p.URL)
	for _, m := range rr.meta {
		key, val, _ := strings.Cut(m, " ")
		switch key {
		case "no-redirect":
			r.p.Follow = false
		case "no-cookie-jar":
			im.note("# @no-cookie-jar: authlab keeps no cookies between requests anyway")
		case "prompt":
			v, _, _ := strings.Cut(val, " ")
			if v != "" {
				r.addVar(profiles.Var{Name: v, Value: profiles.Prompt, Secret: authn.SecretName(v)})
			}
		default:
			r.unmapped("# @%s: a setting authlab does not have", key)
		}
	}
	authAt := -1
	for i, h := range rr.headers {
		if strings.EqualFold(h[0], "Authorization") {
			if authAt < 0 {
				authAt = i
			} else {
				r.unmapped("a second Authorization header: only the first one is read as the scheme")
			}
		}
	}
	for i, h := range rr.headers {
		name, value := h[0], h[1]
		switch {
		case i == authAt:
			if r.authorization(value) {
				continue
			}
			value = r.hideHeader(name, value)
		case strings.EqualFold(name, "Content-Length"):
			im.note("Content-Length headers were left out: authlab sends the body's real length")
			continue
		case strings.EqualFold(name, "X-Request-Type") && strings.EqualFold(value, "GraphQL"):
			r.unmapped("X-Request-Type: GraphQL: REST Client wraps the body into a GraphQL JSON request; authlab sends the body as written")
			continue
		case apiKeyHeader(name):
			if r.p.Scheme == "none" && authAt < 0 {
				r.p.Scheme = "apikey"
				r.p.Fields = map[string]string{"name": name, "in": "header", "value": r.secret("value", value)}
				continue
			}
			value = r.hideHeader(name, value)
		}
		r.p.Headers = append(r.p.Headers, profiles.Header{Name: name, Value: r.rewrite(value, "the "+name+" header")})
	}
	for _, l := range rr.noColon {
		r.unmapped("the header line %q has no colon", clip(l))
	}
	r.body(rr)
	for _, h := range rr.handlers {
		switch {
		case strings.HasPrefix(h, "<>"):
			im.note("<> previous-response references were skipped: they point at the IDE's response history")
		case strings.HasPrefix(h, ">>"):
			r.unmapped("%s: authlab does not write responses to files", clip(firstLine(h)))
		case strings.HasPrefix(strings.TrimSpace(h), "{{"):
			r.unmapped("a script block ({{ … }}, httpYac): authlab runs no scripts")
		case strings.Contains(h, "{%"):
			r.unmapped("a response handler script (> {%% … %%}): authlab runs no scripts")
		default:
			r.unmapped("the response handler script %s: authlab runs no scripts", clip(strings.TrimSpace(strings.TrimPrefix(h, ">"))))
		}
	}
	return r
}

// apiKeyHeader reports a header that carries an API key (authn's one list
// of credential headers), other than the HTTP authentication and cookie
// headers, which have schemes or meanings of their own.
func apiKeyHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization", "Cookie", "Cookie2":
		return false
	}
	return authn.CredentialHeader(name)
}

// target returns the request target made absolute where the file says how:
// origin-form with a Host header (spec §3.2.1.1), a bare host name (http is
// the default scheme, §3.2.1.1), or, as httpYac reads it, a path below a
// "host" variable.
func (im *importer) target(r *req, rr rawRequest) string {
	u := rr.url
	if i := strings.Index(u, "#"); i >= 0 && !strings.Contains(u[i:], "}}") {
		u = u[:i] // the fragment is not sent (§3.2.1.4)
	}
	switch {
	case strings.HasPrefix(u, "{{") || strings.Contains(u, "://"):
		return u
	case strings.HasPrefix(u, "/"):
		for _, h := range rr.headers {
			if strings.EqualFold(h[0], "Host") {
				scheme := "http"
				if strings.HasSuffix(h[1], ":443") || strings.HasSuffix(h[1], ":8443") {
					scheme = "https"
				}
				return scheme + "://" + h[1] + u
			}
		}
		if im.hasVar("host") {
			return "{{host}}" + u
		}
		r.unmapped("the target %s names no host (no Host header, no host variable): set the URL by hand", clip(u))
		return u
	case u == "*":
		r.unmapped("the asterisk-form target (OPTIONS *): authlab sends requests to a URL")
		return u
	}
	return "http://" + u
}

// hasVar reports whether a file or environment variable name is defined.
func (im *importer) hasVar(name string) bool {
	if _, ok := im.fileVarValue[name]; ok {
		return true
	}
	if im.envVarNames == nil {
		im.envVarNames = map[string]bool{}
		for _, vs := range im.ef.vars {
			for _, v := range vs {
				im.envVarNames[v.name] = true
			}
		}
	}
	return im.envVarNames[name]
}

// body maps the message body: in place, or from a file (< path, spec
// §3.2.3), a form whose secret parameters become variables.
func (r *req) body(rr rawRequest) {
	if len(rr.body) == 0 {
		return
	}
	first := strings.TrimSpace(rr.body[0])
	if len(rr.body) == 1 && strings.HasPrefix(first, "<") {
		p, processed := strings.CutPrefix(first, "<@")
		if !processed {
			p = strings.TrimPrefix(first, "<")
		} else if enc, rest, ok := strings.Cut(p, " "); ok && enc != "" {
			p = rest // <@latin1 ./file
		}
		p = strings.TrimSpace(p)
		r.p.BodyFile = p
		if path.IsAbs(p) || len(p) > 1 && p[1] == ':' {
			r.im.note("%s: the body file %s is an absolute path: authlab reads it only when the request is sent", r.p.Name, clip(p))
		} else {
			r.im.note("body files (< ./file) are kept as body_file with the path as written; authlab reads them when sending, relative to the folder it runs in: run it beside %s or make the paths absolute", r.im.file)
		}
		if processed {
			r.unmapped("<@ %s: REST Client substitutes variables inside the file; authlab sends the file as it is", clip(p))
		}
		return
	}
	for _, l := range rr.body {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "< ") || strings.HasPrefix(t, "<@") {
			r.unmapped("a body part read from a file (%s): authlab sends the line as text; send the whole body from one file instead", clip(t))
			break
		}
	}
	body := strings.Join(rr.body, "\n")
	ct := ""
	for _, h := range rr.headers {
		if strings.EqualFold(h[0], "Content-Type") {
			ct = strings.ToLower(h[1])
		}
	}
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		// REST Client joins form lines that start with &.
		body = strings.ReplaceAll(body, "\n&", "&")
		body = r.hideForm(body)
	} else if strings.HasPrefix(ct, "application/json") || strings.HasPrefix(first, "{") {
		for _, key := range secretJSONKeys(body) {
			r.unmapped("the body holds a %q value typed into the file: replace it with a {{variable}} whose value is a reference", key)
		}
	}
	r.p.Body = r.rewrite(body, "the body")
}

// hideForm replaces literal secret values of a form body (password=,
// client_secret=, token=…) with variables whose values are env:
// references.
func (r *req) hideForm(body string) string {
	pairs := strings.Split(body, "&")
	for i, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || v == "" || strings.Contains(v, "{{") || !(authn.SecretParam(k) || authn.SecretName(k)) {
			continue
		}
		pairs[i] = k + "=" + r.literalVar("query "+k, "form parameter "+strings.TrimSpace(k), v)
	}
	return strings.Join(pairs, "&")
}

// hideQuery replaces literal secret values in the URL's query
// (authn.SecretParam: api_key=, access_token=, key=…) with variables whose
// values are env: references.
func (r *req) hideQuery(u string) string {
	base, q, ok := strings.Cut(u, "?")
	if !ok || len(authn.SecretQuery(u)) == 0 {
		return u
	}
	pairs := strings.Split(q, "&")
	for i, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || v == "" || strings.Contains(v, "{{") || !authn.SecretParam(k) {
			continue
		}
		pairs[i] = k + "=" + r.literalVar("query "+k, "query parameter "+k, v)
	}
	return base + "?" + strings.Join(pairs, "&")
}

// secretJSONKeys returns the keys of a JSON-looking body whose string
// values are literal secrets ("password": "…").
func secretJSONKeys(body string) []string {
	var out []string
	for _, m := range jsonPairRe.FindAllStringSubmatch(body, -1) {
		if authn.SecretName(m[1]) && !strings.Contains(m[2], "{{") && m[2] != "" {
			out = append(out, m[1])
		}
	}
	return out
}

// uniqueName names the profile after the ### text, # @name, or the method
// and path, as a valid profile name unique within the result.
func (im *importer) uniqueName(rr rawRequest) string {
	n := rr.metaName
	if n == "" {
		n = rr.sepName
	}
	if n == "" {
		t := rr.url
		t, _, _ = strings.Cut(t, "#")
		t, _, _ = strings.Cut(t, "?")
		if i := strings.Index(t, "://"); i >= 0 {
			t = t[i+3:]
			if j := strings.IndexByte(t, '/'); j >= 0 && strings.Trim(t[j:], "/") != "" {
				t = t[j:] // the path names the request; the host only when there is none
			}
		}
		t = varRe.ReplaceAllString(t, " ")
		n = rr.method + " " + strings.ReplaceAll(t, "/", " ")
	}
	base := slug(n)
	name := base
	for k := im.next[base]; im.names[name]; k++ {
		if k < 2 {
			k = 2
		}
		name = fmt.Sprintf("%s-%d", base, k)
		im.next[base] = k + 1
	}
	im.names[name] = true
	return name
}

// slug makes a profile name of a request name: lower case, each run of
// other characters one "-", "/" kept between groups, at most 64
// characters a part (profiles.ValidateName).
func slug(s string) string {
	var parts []string
	for _, part := range strings.Split(s, "/") {
		var b strings.Builder
		dash := false
		for _, c := range strings.ToLower(part) {
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '_':
				if dash && b.Len() > 0 {
					b.WriteByte('-')
				}
				dash = false
				b.WriteRune(c)
			default:
				dash = true
			}
		}
		p := b.String()
		if len(p) > 64 {
			p = p[:64]
			if i := strings.LastIndexByte(p, '-'); i > 32 {
				p = p[:i]
			}
		}
		if p = strings.Trim(p, "-"); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return "request"
	}
	return strings.Join(parts, "/")
}

func clip(s string) string {
	if len(s) > 60 {
		i := 60
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		return s[:i] + "…"
	}
	return s
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// isBuiltin keeps {{practice}}, the practice server's built-in
// variable, out of every environment.
func isBuiltin(name string) bool { return "{{"+name+"}}" == practice.Placeholder }

// decodeBasic returns user and password when s is base64 of user:password.
func decodeBasic(s string) (user, pass string, ok bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(b) {
		return "", "", false
	}
	return strings.Cut(string(b), ":")
}
