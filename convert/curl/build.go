package curl

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/convert/shell"
	"github.com/authlab/authlab/profiles"
)

// header is one -H header kept for the request.
type header struct {
	name  string
	value shell.Word
	from  string // the option as typed: -H or --header
}

// request is what build works on: the profile's parts before validation.
type request struct {
	url      string
	urlWord  shell.Word // as typed, for its variables
	headers  []header
	removed  map[string]string // canonical name → how it was removed ("-H 'Accept:'")
	scheme   string
	fields   map[string]string
	prefix   string // the API's name for variable names, e.g. GITHUB
	userinfo *url.Userinfo
	formType string // the Content-Type of a -F body
}

// build turns what the options said into the Import's profile.
func (p *parser) build() error {
	if len(p.urls) == 0 {
		return fmt.Errorf("no URL in the curl command: add the URL to send to, e.g. https://api.github.com/user")
	}
	for _, extra := range p.urls[1:] {
		p.note("curl would also fetch %s; only the first URL is imported", clip(typed(extra)))
	}
	r := &request{urlWord: p.urls[0], removed: map[string]string{}, fields: map[string]string{}, scheme: "none"}
	raw, err := p.withScheme(p.urls[0].Text)
	if err != nil {
		return err
	}
	raw, r.userinfo = cutUserinfo(raw)
	r.url = raw
	r.prefix = envname.API(raw)
	if !p.globoff {
		// only literal text can be a glob: the shell expands ${NAME} before curl sees it
		lits := ""
		for _, part := range p.urls[0].Parts {
			if part.Var == "" {
				lits += part.Text
			}
		}
		if _, rest := authority(raw); strings.ContainsAny(rest, "{[") && strings.ContainsAny(lits, "{[") {
			p.note("curl would expand {…} and […] in the URL into several requests (unless -g); authlab sends the URL as written")
		}
	}

	method, body, err := p.methodAndBody(r)
	if err != nil {
		return err
	}
	switch {
	case p.get && p.dataFile != "":
		return fileRefused("-G with "+p.dataFrom+" @"+p.dataFile, p.dataFile, "paste the content for the query instead")
	case p.get && p.hasData:
		// curl's append2query takes the -G data or else the --url-query
		// pieces, never both (tool_operate.c)
		r.url = appendQuery(r.url, string(p.data))
		if len(p.query) > 0 {
			p.note("--url-query is not used: with -G and data, curl puts only the data in the query")
		}
	case len(p.query) > 0:
		r.url = appendQuery(r.url, strings.Join(p.query, "&"))
	}
	if err := p.customHeaders(r); err != nil {
		return err
	}
	if err := p.credentials(r); err != nil {
		return err
	}
	p.generatedHeaders(r, body != nil && !p.formFile)
	removed := make([]string, 0, len(r.removed))
	for name := range r.removed {
		removed = append(removed, name)
	}
	sort.Strings(removed)
	for _, name := range removed {
		p.removedNote(name, r.removed[name])
	}

	prof := &p.im.Profile
	prof.Method, prof.URL, prof.Scheme = method, r.url, r.scheme
	if body != nil {
		prof.Body = string(body)
	}
	if p.dataFile != "" {
		prof.Body, prof.BodyFile = "", p.dataFile
	}
	for _, h := range r.headers {
		prof.Headers = append(prof.Headers, profiles.Header{Name: h.name, Value: h.value.Text})
	}
	if len(r.fields) > 0 {
		prof.Fields = r.fields
	}
	p.tlsOptions(r)
	prof.Follow = p.follow
	if p.trusted {
		p.note("--location-trusted: authlab follows redirects but never sends credentials to another origin (curl would)")
	}
	if p.timeout != "" {
		d, err := seconds(p.timeout)
		if err != nil {
			return fmt.Errorf("%s %s: curl wants seconds, e.g. %s 30 or %s 2.5", p.timeoutFrom, clip(shell.Quote(p.timeout)), p.timeoutFrom, p.timeoutFrom)
		}
		if d == 0 {
			p.note("%s 0: curl waits without a limit; authlab uses its own timeout (%s)", p.timeoutFrom, authn.DefaultTimeout)
		}
		prof.Timeout = d
	}
	return p.validate(r)
}

// withScheme adds the scheme curl would guess for a URL without one:
// http://, or --proto-default's. Hosts that curl would reach over another
// protocol (ftp.example.com) are refused: authlab speaks HTTP only.
func (p *parser) withScheme(raw string) (string, error) {
	if i := strings.Index(raw, "://"); i > 0 && !strings.ContainsAny(raw[:i], "/?#@") {
		return raw, nil
	}
	host := strings.ToLower(raw)
	for _, proto := range []string{"ftp", "dict", "ldap", "imap", "smtp", "pop3"} {
		if strings.HasPrefix(host, proto+".") {
			return "", fmt.Errorf("curl would use %s:// for %s: authlab sends HTTP only; write the URL with http:// or https://", proto, clip(raw))
		}
	}
	scheme := "http"
	if d := strings.ToLower(p.protoDefault); d == "https" || d == "http" {
		scheme = d
	}
	p.note("the URL has no scheme: curl uses %s://, and so does the import", scheme)
	return scheme + "://" + raw, nil
}

// authority splits raw (with a scheme) into what comes before the path and
// the rest (path, query, fragment).
func authority(raw string) (before, rest string) {
	i := strings.Index(raw, "://") + 3
	j := strings.IndexAny(raw[i:], "/?#")
	if j < 0 {
		return raw, ""
	}
	return raw[:i+j], raw[i+j:]
}

// cutUserinfo removes user:password@ from a URL, keeping the rest as typed.
func cutUserinfo(raw string) (string, *url.Userinfo) {
	before, rest := authority(raw)
	i := strings.Index(before, "://") + 3
	at := strings.LastIndexByte(before[i:], '@')
	if at < 0 {
		return raw, nil
	}
	info := before[i : i+at]
	user, pass, hasPass := strings.Cut(info, ":")
	if u, err := url.PathUnescape(user); err == nil {
		user = u
	}
	if pw, err := url.PathUnescape(pass); err == nil {
		pass = pw
	}
	ui := url.User(user)
	if hasPass {
		ui = url.UserPassword(user, pass)
	}
	return before[:i] + before[i+at+1:] + rest, ui
}

// appendQuery adds q to the URL's query, before any fragment, with "&" after
// an existing query: what -G and --url-query do.
func appendQuery(raw, q string) string {
	if q == "" {
		return raw
	}
	frag := ""
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw, frag = raw[:i], raw[i:]
	}
	switch {
	case !strings.Contains(raw, "?"):
		raw += "?" + q
	case strings.HasSuffix(raw, "?"), strings.HasSuffix(raw, "&"):
		raw += q
	default:
		raw += "&" + q
	}
	return raw + frag
}

// methodAndBody decides the method and body as curl does: -F and data make a
// POST (data goes into the query instead with -G), -T a PUT, -I a HEAD, -X
// overrides the name. body is nil when there is none.
func (p *parser) methodAndBody(r *request) (method string, body []byte, err error) {
	form := len(p.form) > 0 || p.formFile
	switch {
	case form && p.hasData && !p.get:
		return "", nil, fmt.Errorf("%s and %s together: curl refuses them (you can only select one HTTP request method); keep one", p.dataFrom, p.formFrom)
	case p.head && (form || p.hasData && !p.get):
		from := p.formFrom
		if !form {
			from = p.dataFrom
		}
		return "", nil, fmt.Errorf("-I (HEAD) and %s together: curl refuses them (you can only select one HTTP request method); keep one, or add -G to send the data in the query", from)
	case p.upload != nil && (form || p.hasData && !p.get):
		return "", nil, fmt.Errorf("%s and a body option together: curl refuses them (you can only select one HTTP request method); keep one", p.uploadFrom)
	}
	method = http.MethodGet
	switch {
	case form:
		method = http.MethodPost
		if p.formFile {
			break
		}
		body, r.formType = multipart(p.form)
	case p.hasData && !p.get:
		method = http.MethodPost
		body = p.data
		if body == nil {
			body = []byte{}
		}
	case p.upload != nil:
		method = http.MethodPut
		body, err = p.uploadBody(r)
		if err != nil {
			return "", nil, err
		}
	case p.head:
		method = http.MethodHead
	}
	if p.method != "" {
		if p.methodVars {
			p.note("%s %s: the method is a shell variable, kept as text", p.methodFrom, p.method)
		}
		if up := strings.ToUpper(p.method); up != p.method {
			p.note("%s %s: curl sends the method as typed; authlab sends %s", p.methodFrom, p.method, up)
		}
		if strings.EqualFold(p.method, http.MethodGet) && p.hasData && !p.get {
			p.note("%s GET with %s sends the data as a GET body; -G would put it in the query", p.methodFrom, p.dataFrom)
		}
		method = p.method
	}
	return method, body, nil
}

// uploadBody keeps -T FILE as the body file (read when the request is
// sent), and adds the file's name to a URL that ends in
// "/" (or has no path), as curl does.
func (p *parser) uploadBody(r *request) ([]byte, error) {
	file := p.upload.Text
	if file == "-" || file == "." {
		p.note("%s %s reads standard input, which is not imported; the body is empty", p.uploadFrom, file)
		return []byte{}, nil
	}
	p.dataFile = file
	p.note("%s %s: the file is kept as a reference (body_file), read when the request is sent, not now", p.uploadFrom, file)
	before, rest := authority(r.url)
	pathPart := rest
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		pathPart, rest = rest[:i], rest[i:]
	} else {
		rest = ""
	}
	if pathPart == "" || strings.HasSuffix(pathPart, "/") {
		if pathPart == "" {
			pathPart = "/"
		}
		r.url = before + pathPart + url.PathEscape(path.Base(strings.ReplaceAll(file, `\`, "/"))) + rest
	}
	return []byte{}, nil
}

// customHeaders reads the -H headers as curl's Curl_add_custom_headers
// does: "Name: value" is sent, "Name:" removes a header curl would add
// itself, "Name;" sends the header empty, anything else is not sent.
// -H @FILE reads one header a line.
func (p *parser) customHeaders(r *request) error {
	for i, w := range p.headers {
		from := p.headersFrom[i]
		if file, ok := strings.CutPrefix(w.Text, "@"); ok {
			if file == "-" {
				p.note("%s @-: reads headers from standard input, which are not imported", from)
				continue
			}
			return fileRefused(from+" "+w.Text, file, "paste the headers instead, one "+from+" 'Name: value' each")
		}
		p.header(r, w, from)
	}
	return nil
}

func (p *parser) header(r *request, w shell.Word, from string) {
	t := w.Text
	if k := strings.IndexByte(t, ':'); k >= 0 {
		name := strings.TrimSpace(t[:k])
		value := trim(tail(w, k+1))
		if value.Text == "" {
			r.removed[http.CanonicalHeaderKey(name)] = from + " " + shell.Quote(t)
			return
		}
		r.headers = append(r.headers, header{name: name, value: value, from: from})
		return
	}
	if k := strings.IndexByte(t, ';'); k >= 0 && strings.TrimSpace(t[k+1:]) == "" {
		r.headers = append(r.headers, header{name: strings.TrimSpace(t[:k]), from: from})
		return
	}
	if !w.IsLiteral() {
		p.note("%s %s: the header is in a shell variable, which authlab cannot read; add it as -H 'Name: value'", from, typed(w))
		return
	}
	p.note("%s %s is not a header (no colon); curl does not send it either", from, clip(shell.Quote(t)))
}

// has reports whether the request has a header called name (any case).
func (r *request) has(name string) bool {
	for _, h := range r.headers {
		if strings.EqualFold(h.name, name) {
			return true
		}
	}
	return false
}

// generatedHeaders adds the headers curl itself would send because of an
// option (-A, -e, -b, --json, the Content-Type of -d), unless a -H header
// of that name replaces or removes it.
func (p *parser) generatedHeaders(r *request, body bool) {
	add := func(name string, w shell.Word, from string) {
		if r.has(name) {
			if from != "" {
				p.note("%s is not used: the -H %s header replaces it", from, name)
			}
			return
		}
		if how, ok := r.removed[name]; ok {
			if from != "" {
				p.note("%s is not used: %s removes it", from, how)
			}
			return
		}
		r.headers = append(r.headers, header{name: name, value: w, from: "generated"})
	}
	if p.agent != nil {
		p.varsKept("-A", *p.agent, "the User-Agent")
		if p.agent.Text == "" {
			p.note("-A '': curl sends no User-Agent; authlab sends its own")
		} else {
			add("User-Agent", *p.agent, "-A")
		}
	}
	if p.referer != nil {
		ref := *p.referer
		if strings.HasSuffix(ref.Text, ";auto") {
			ref = sub(ref, 0, len(ref.Text)-len(";auto"))
			p.note("-e …;auto: curl sets Referer on redirects too; authlab sends the first one only")
		}
		if ref.Text != "" {
			p.varsKept("-e", ref, "the Referer")
			add("Referer", ref, "-e")
		}
	}
	if len(p.cookies) > 0 {
		var parts []string
		lit := true
		for _, c := range p.cookies {
			parts = append(parts, c.Text)
			lit = lit && c.IsLiteral()
			p.varsKept("-b", c, "the Cookie header")
		}
		n := len(r.headers)
		add("Cookie", shell.Lit(strings.Join(parts, ";")), "-b") // joined as curl's config2setopts does
		if len(r.headers) > n && lit {
			p.literal(r, "header Cookie", "-b cookie", strings.Join(parts, ";"))
		}
	}
	if r.formType != "" {
		add("Content-Type", shell.Lit(r.formType), "")
	}
	if p.jsoned {
		add("Content-Type", shell.Lit("application/json"), "")
		add("Accept", shell.Lit("application/json"), "")
	} else if p.hasData && !p.get && body {
		add("Content-Type", shell.Lit("application/x-www-form-urlencoded"), "")
	}
}

// removedNote says what a -H 'Name:' removal means for authlab.
func (p *parser) removedNote(name, how string) {
	switch name {
	case "Accept", "User-Agent":
		p.note("%s removes curl's own %s header; authlab sends its own", how, name)
	case "Content-Type":
		p.note("%s removes the Content-Type curl would send; authlab sends a body without one as application/x-www-form-urlencoded", how)
	case "Authorization":
		p.note("%s stops curl from sending its own Authorization header; the credentials were still imported", how)
	default:
		p.note("%s removes a header curl would add itself; nothing to import", how)
	}
}

// tlsOptions fills the profile's TLS options.
func (p *parser) tlsOptions(r *request) {
	t := p.tls
	pw, from := p.certPass, p.certFrom+" password"
	if p.keyPass != nil {
		pw, from = p.keyPass, p.passFrom
	}
	if pw != nil {
		t.KeyPassword = p.secret(r, "tls.key_password", from, *pw)
	}
	if t.Cert != "" && t.Key == "" {
		p.note("%s without --key: curl reads the key from the certificate file; authlab needs --key (the same file if it holds both)", p.certFrom)
	}
	p.im.Profile.TLS = t
}

// seconds parses curl's fractional seconds (-m 2.5).
func seconds(s string) (time.Duration, error) {
	if s == "" || strings.Trim(s, "0123456789.") != "" || strings.Count(s, ".") > 1 || s == "." {
		return 0, fmt.Errorf("not a number")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f > 1e9 {
		return 0, fmt.Errorf("not a number")
	}
	return time.Duration(f * float64(time.Second)), nil
}

// validate checks that the profile is one authlab can send: a method token,
// an absolute http(s) URL, valid header names and values, fields of its
// scheme.
func (p *parser) validate(r *request) error {
	prof := &p.im.Profile
	if !authn.IsToken(prof.Method) {
		return fmt.Errorf("%q is not an HTTP method: check -X", clip(prof.Method))
	}
	if _, err := authn.ParseURL(prof.URL); err != nil {
		if vs := r.urlWord.Vars(); len(vs) > 0 {
			return fmt.Errorf("the URL %s holds the shell variable $%s, which authlab does not expand: paste the URL itself", clip(typed(r.urlWord)), vs[0])
		}
		return fmt.Errorf("the URL %q cannot be sent: %s", clip(prof.URL), oneLine(err.Error()))
	}
	var left []string // variables still in the URL (not turned into a reference)
	for _, pt := range r.urlWord.Parts {
		if pt.Var != "" && strings.Contains(prof.URL, pt.Text) {
			left = append(left, pt.Var)
		}
	}
	if len(left) > 0 {
		p.note("the URL holds $%s, kept as text: authlab does not expand shell variables in a URL; put in the value", strings.Join(left, ", $"))
	}
	for _, h := range prof.Headers {
		if !authn.IsToken(h.Name) {
			return fmt.Errorf("-H %q: %q is not a valid header name: write headers as 'Name: value'", clip(h.Name+": "+h.Value), clip(h.Name))
		}
		if !authn.ValidFieldValue(h.Value) {
			return fmt.Errorf("header %s has a line break or control character in its value: remove it", h.Name)
		}
	}
	s, err := authn.Lookup(prof.Scheme)
	if err != nil {
		return err
	}
	if _, err := s.Info().Validate(prof.Fields); err != nil {
		return fmt.Errorf("the credentials do not fit scheme %s: %s", prof.Scheme, oneLine(err.Error()))
	}
	return nil
}
