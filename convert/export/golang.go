package export

import (
	"errors"
	"fmt"
	"go/format"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/authlab/authlab/authn"
)

// The go target writes a package main program using net/http, with the
// libraries authlab itself uses for the schemes that need one:
// golang.org/x/oauth2 (client credentials, password, refresh token, device
// code), github.com/dghubble/oauth1 (OAuth 1.0a in the header),
// github.com/golang-jwt/jwt/v5 (built JWTs) and the AWS SDK's SigV4 signer.
// Digest has no library in the standard library, and cannot be signed
// ahead (it needs the server's nonce), so the program carries a small RFC
// 7616 client. The program is gofmt-clean, prints the status and the body,
// and exits like authlab send: 0 for 2xx, 3, 4 or 5 for 3xx, 4xx, 5xx.

func init() {
	register(&goTarget{schemes: map[string]goScheme{
		"none":     func(*goProgram, *Plan) error { return nil },
		"basic":    goBasic,
		"digest":   goDigest,
		"bearer":   goBearer,
		"apikey":   goAPIKey,
		"oauth1":   goOAuth1,
		"oauth2":   goOAuth2,
		"jwt":      goJWT,
		"sigv4":    goSigV4,
		"edgegrid": goEdgeGrid,
	}})
}

// goScheme adds one scheme's code to a program. It returns a
// *presignInstead when this variant is best sent signed ahead.
type goScheme func(g *goProgram, p *Plan) error

type goTarget struct {
	// schemes holds one entry per scheme; a scheme without one is signed
	// ahead (Presign), or refused when it needs exchanges (authn.Flow).
	schemes map[string]goScheme
}

func (*goTarget) name() string { return "go" }

func (t *goTarget) writes(scheme string) bool { _, ok := t.schemes[scheme]; return ok }

// goProgram is the program being written.
type goProgram struct {
	u       usedVars
	imports []string
	modules []string // modules outside the standard library
	helpers []string // top-level declarations after main
	notes   []string
	setup   []string // statements before the request is made
	auth    []string // statements after it is made, before it is sent
	headers []goHeader
	do      string // the expression sending req; "client.Do(req)" by default
	method  string
	url     []Value // literal pieces and the variables of secret query values
	body    []Value
	// bodyVar declares body as a variable, for a scheme that reads it.
	bodyVar bool
}

type goHeader struct {
	name  string
	value []Value
}

func (g *goProgram) imp(paths ...string) {
	for _, p := range paths {
		if !slices.Contains(g.imports, p) {
			g.imports = append(g.imports, p)
		}
		if mod := goModule(p); mod != "" && !slices.Contains(g.modules, mod) {
			g.modules = append(g.modules, mod)
		}
	}
}

// goModule names the module of an import path outside the standard library.
func goModule(path string) string {
	first, _, _ := strings.Cut(path, "/")
	if !strings.Contains(first, ".") {
		return ""
	}
	switch {
	case strings.HasPrefix(path, "golang.org/x/"):
		return strings.Join(strings.SplitN(path, "/", 4)[:3], "/")
	case strings.HasPrefix(path, "github.com/aws/aws-sdk-go-v2"):
		return "github.com/aws/aws-sdk-go-v2"
	case strings.HasPrefix(path, "github.com/golang-jwt/jwt/v5"):
		return "github.com/golang-jwt/jwt/v5"
	}
	return strings.Join(strings.SplitN(path, "/", 4)[:min(3, strings.Count(path, "/")+1)], "/")
}

func (g *goProgram) helper(src string) {
	if !slices.Contains(g.helpers, src) {
		g.helpers = append(g.helpers, src)
	}
}

func (g *goProgram) header(name string, value ...Value) {
	for _, v := range value {
		g.u.use(v)
	}
	g.headers = append(g.headers, goHeader{name, value})
}

// val writes v as a Go expression: a string literal, or the variable read
// by need.
func (g *goProgram) val(v Value) string {
	g.u.use(v)
	if v.IsVar() {
		return "env[" + strconv.Quote(v.Var) + "]"
	}
	return goStr(v.Lit)
}

func (g *goProgram) cat(pieces []Value) string {
	m := merge(pieces)
	out := make([]string, len(m))
	for i, v := range m {
		out[i] = g.val(v)
	}
	return strings.Join(out, " + ")
}

// goStr writes s as a Go string literal (The Go Programming Language
// Specification, "String literals"): a raw string when that reads better
// and holds only visible characters, else strconv.Quote's escapes.
func goStr(s string) string {
	if strings.Contains(s, `"`) && strconv.CanBackquote(s) {
		visible := true
		for _, r := range s {
			if r != ' ' && !unicode.IsPrint(r) {
				visible = false
			}
		}
		if visible {
			return "`" + s + "`"
		}
	}
	return strconv.Quote(s)
}

func (t *goTarget) render(p *Plan) (Snippet, error) {
	if err := checkVarNames(p); err != nil {
		return Snippet{}, err
	}
	g := &goProgram{do: "client.Do(req)", method: p.Method, url: p.URLParts}
	if p.Body != "" {
		g.body = []Value{{Lit: p.Body}}
	}
	for _, h := range withFormType(p) {
		g.header(h.Name, h.Value)
	}
	fn, ok := t.schemes[p.Scheme.Name]
	var err error
	if ok {
		err = fn(g, p)
	} else {
		err = &presignInstead{why: "the go target has no code for it"}
	}
	var pre *presignInstead
	if errors.As(err, &pre) {
		err = g.presign(p, pre.why)
	}
	if err != nil {
		return Snippet{}, err
	}
	src := g.text(p)
	out, err := format.Source([]byte(src))
	if err != nil {
		return Snippet{}, fmt.Errorf("export go: the program does not parse (a bug in authlab): %v\n%s", err, src)
	}
	return Snippet{Text: string(out)}, nil
}

// presign replaces the request with one signed now by authlab.
func (g *goProgram) presign(p *Plan, why string) error {
	var u usedVars
	r, err := presignPieces(p, &u, "go", why)
	if err != nil {
		return err
	}
	*g = goProgram{do: "client.Do(req)", method: r.method, u: u, url: []Value{lit(r.url)}, body: r.body, notes: r.notes}
	for _, h := range r.headers {
		g.header(h.name, h.pieces...)
	}
	return nil
}

// goDuration writes d as a Go expression.
func goDuration(d time.Duration) string {
	switch {
	case d%time.Second == 0:
		return fmt.Sprintf("%d * time.Second", d/time.Second)
	case d%time.Millisecond == 0:
		return fmt.Sprintf("%d * time.Millisecond", d/time.Millisecond)
	}
	return fmt.Sprintf("time.Duration(%d)", d)
}

// text writes the program; render formats it.
func (g *goProgram) text(p *Plan) string {
	g.imp("fmt", "io", "net/http", "os", "time")
	var main strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&main, format+"\n", args...) }
	client := "client := &http.Client{Timeout: " + goDuration(timeoutOf(p))
	if !p.Follow {
		client += ", CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }"
	}
	w("%s}", client)
	if tlsLines := g.tls(p); len(tlsLines) > 0 {
		for _, l := range tlsLines {
			w("%s", l)
		}
	}
	for _, l := range g.setup {
		w("%s", l)
	}
	body := "nil"
	if g.body != nil {
		g.imp("strings")
		if g.bodyVar {
			w("body := %s", g.cat(g.body))
			body = "strings.NewReader(body)"
		} else {
			body = "strings.NewReader(" + g.cat(g.body) + ")"
		}
	}
	w("req, err := http.NewRequest(%s, %s, %s)", strconv.Quote(g.method), g.cat(g.url), body)
	w("check(err)")
	for _, h := range g.headers {
		if strings.EqualFold(h.name, "Host") {
			w("req.Host = %s", g.cat(h.value))
			continue
		}
		w("req.Header.Add(%s, %s)", goStr(h.name), g.cat(h.value))
	}
	for _, l := range g.auth {
		w("%s", l)
	}
	w("resp, err := %s", g.do)
	w("check(err)")
	w("defer resp.Body.Close()")
	w("out, err := io.ReadAll(resp.Body)")
	w("check(err)")
	w("fmt.Println(resp.Status)")
	w("fmt.Printf(\"%%s\\n\", out)")
	w("if resp.StatusCode >= 300 {")
	w("os.Exit(resp.StatusCode / 100) // like authlab send: 3, 4 or 5")
	w("}")

	vars := g.u.keep(p)
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("// %s, exported by authlab.", programTitle(p))
	line("// It prints the status and the body, and exits 0 for 2xx, 3/4/5 for 3xx/4xx/5xx.")
	if len(g.notes) > 0 {
		line("//")
		for _, n := range g.notes {
			line("// %s", n)
		}
	}
	if len(vars) > 0 {
		g.imp("strings")
		line("//")
		line("// Set these environment variables first:")
		line("//")
		for _, v := range varLines(vars) {
			line("//\t%s", commentSafe(v))
		}
	}
	line("//")
	if len(g.modules) == 0 {
		line("// Run it with go run main.go.")
	} else {
		mods := slices.Clone(g.modules)
		slices.Sort(mods)
		line("// It needs %s: in a module (go mod init example && go mod tidy), go run .", strings.Join(mods, ", "))
	}
	line("package main")
	line("")
	imports := slices.Clone(g.imports)
	slices.Sort(imports)
	line("import (")
	for _, i := range imports {
		if goModule(i) == "" {
			line("\t%q", i)
		}
	}
	line("")
	for _, i := range imports {
		if goModule(i) != "" {
			line("\t%q", i)
		}
	}
	line(")")
	line("")
	line("func main() {")
	if len(vars) > 0 {
		names := make([]string, len(vars))
		for i, v := range vars {
			names[i] = strconv.Quote(v.Name)
		}
		line("env := need(%s)", strings.Join(names, ", "))
	}
	b.WriteString(main.String())
	line("}")
	if len(vars) > 0 {
		b.WriteString(goNeed)
	}
	b.WriteString(goCheck)
	for _, h := range g.helpers {
		b.WriteString("\n" + h)
	}
	return b.String()
}

// tls returns the statements that give client its TLS settings.
func (g *goProgram) tls(p *Plan) []string {
	t := p.TLS
	if !t.Insecure && t.CACert == "" && t.Cert == "" {
		return nil
	}
	g.imp("crypto/tls")
	out := []string{"tlsConfig := &tls.Config{}"}
	if t.Insecure {
		out = append(out, "tlsConfig.InsecureSkipVerify = true // the profile turns certificate verification off: anyone on the path can read and change this request")
	}
	if t.CACert != "" {
		g.imp("crypto/x509")
		out = append(out,
			"caPEM, err := os.ReadFile("+goStr(t.CACert)+")", "check(err)",
			"tlsConfig.RootCAs = x509.NewCertPool()",
			"if !tlsConfig.RootCAs.AppendCertsFromPEM(caPEM) {", "check(fmt.Errorf(\"no certificate in %s\", "+goStr(t.CACert)+"))", "}")
	}
	if t.Cert != "" {
		key := t.Key
		if key == "" {
			key = t.Cert
		}
		out = append(out, "cert, err := tls.LoadX509KeyPair("+goStr(t.Cert)+", "+goStr(key)+")", "check(err)",
			"tlsConfig.Certificates = []tls.Certificate{cert}")
	}
	return append(out, "client.Transport = &http.Transport{TLSClientConfig: tlsConfig, Proxy: http.ProxyFromEnvironment}")
}

const goNeed = `
// need returns the environment variables names; it exits naming any unset or empty.
func need(names ...string) map[string]string {
	env := map[string]string{}
	var missing []string
	for _, n := range names {
		if env[n] = os.Getenv(n); env[n] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		s := ""
		if len(missing) > 1 {
			s = "s"
		}
		fmt.Fprintf(os.Stderr, "set the environment variable%s %s first\n", s, strings.Join(missing, ", "))
		os.Exit(1)
	}
	return env
}
`

const goCheck = `
// check exits with one line when err is not nil.
func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`

// goTokenClient is the statement giving x/oauth2 and dghubble/oauth1 a
// context whose client reaches the server as client does (timeout, TLS),
// without the signing transport set on client afterwards.
const goTokenClient = "ctx := context.WithValue(context.Background(), %s, &http.Client{Timeout: client.Timeout, Transport: client.Transport})"

// goBasic: req.SetBasicAuth (RFC 7617; Go sends the bytes as they are, UTF-8).
func goBasic(g *goProgram, p *Plan) error {
	g.auth = append(g.auth, fmt.Sprintf("req.SetBasicAuth(%s, %s)", g.val(p.Field("username")), g.val(p.Field("password"))))
	return nil
}

// goBearer: the token in Authorization (RFC 6750 §2.1).
func goBearer(g *goProgram, p *Plan) error {
	g.header("Authorization", Value{Lit: "Bearer "}, p.Field("token"))
	return nil
}

// goAPIKey: the key in a header, or appended to the query as authlab does.
func goAPIKey(g *goProgram, p *Plan) error {
	if p.Lit("in") != "query" {
		if p.Field("name").IsVar() {
			return &presignInstead{why: "the header name is kept in a reference"}
		}
		g.header(p.Lit("name"), p.Field("value"))
		return nil
	}
	g.imp("net/url")
	g.auth = append(g.auth,
		"if req.URL.RawQuery != \"\" {", "req.URL.RawQuery += \"&\"", "}",
		fmt.Sprintf("req.URL.RawQuery += url.QueryEscape(%s) + \"=\" + url.QueryEscape(%s)", g.val(p.Field("name")), g.val(p.Field("value"))))
	return nil
}

// goOAuth1: github.com/dghubble/oauth1 signs the request in the
// Authorization header (RFC 5849 §3.5.1) with HMAC-SHA1, HMAC-SHA256 or
// RSA-SHA1; PLAINTEXT is a five-line Signer in the program. Where dghubble
// v0.7.3 departs from RFC 5849 (authn's oauth1_dghubble_test.go lists it),
// and for the query and body placements it lacks, the request is signed
// ahead instead.
func goOAuth1(g *goProgram, p *Plan) error {
	method := p.Lit("signature_method")
	if method == "" {
		method = "HMAC-SHA1"
	}
	for _, f := range []string{"signature_method", "placement", "consumer_key", "token", "realm"} {
		if p.Field(f).IsVar() {
			return &presignInstead{why: "the " + f + " is kept in a reference"}
		}
	}
	if pl := p.Lit("placement"); pl != "" && pl != "header" {
		return &presignInstead{why: "github.com/dghubble/oauth1 signs in the Authorization header only, not in the " + pl}
	}
	if p.Lit("token") == "" {
		return &presignInstead{why: "github.com/dghubble/oauth1 sends an empty oauth_token without a token"}
	}
	if p.Field("callback") != (Value{}) || p.Field("verifier") != (Value{}) {
		return &presignInstead{why: "the callback and verifier belong to dghubble's RequestToken and AccessToken flows"}
	}
	if why := dghubbleDiffers(p); why != "" {
		return &presignInstead{why: why}
	}
	ignorePinned(p, "go", "nonce", "timestamp")
	g.imp("context", "github.com/dghubble/oauth1")
	g.setup = append(g.setup, fmt.Sprintf("config := oauth1.NewConfig(%s, %s)", g.val(p.Field("consumer_key")), g.val(p.Field("consumer_secret"))))
	switch method {
	case "HMAC-SHA1":
	case "HMAC-SHA256":
		g.setup = append(g.setup, "config.Signer = &oauth1.HMAC256Signer{ConsumerSecret: config.ConsumerSecret}")
	case "PLAINTEXT":
		g.setup = append(g.setup, "config.Signer = plaintextSigner{consumerSecret: config.ConsumerSecret} // PLAINTEXT sends the secrets: over TLS only")
		g.helper(goPlaintextSigner)
	case "RSA-SHA1":
		g.imp("crypto/rsa", "crypto/x509", "encoding/pem")
		g.setup = append(g.setup, fmt.Sprintf("config.Signer = &oauth1.RSASigner{PrivateKey: rsaKey(%s)}", g.val(p.Field("private_key"))))
		g.helper(goRSAKey)
	default:
		return authn.Inputf("use HMAC-SHA1, HMAC-SHA256, PLAINTEXT or RSA-SHA1", "OAuth 1.0a signature method %q", method)
	}
	if r := p.Lit("realm"); r != "" {
		g.setup = append(g.setup, "config.Realm = "+goStr(r))
	}
	g.setup = append(g.setup,
		fmt.Sprintf("token := oauth1.NewToken(%s, %s)", g.val(p.Field("token")), g.val(p.Field("token_secret"))),
		fmt.Sprintf(goTokenClient, "oauth1.HTTPClient"),
		"client.Transport = config.Client(ctx, token).Transport // signs each request (RFC 5849 §3.4)")
	return nil
}

// dghubbleDiffers says why dghubble/oauth1 v0.7.3 would sign this request
// differently from RFC 5849, or "".
func dghubbleDiffers(p *Plan) string {
	u, err := authn.ParseURL(p.URL)
	if err != nil {
		return ""
	}
	for _, vs := range u.Query() {
		if len(vs) > 1 {
			return "github.com/dghubble/oauth1 signs only the first value of a repeated query parameter (RFC 5849 §3.4.1.3.2 signs each)"
		}
	}
	if port := u.Port(); (port == "443" && u.Scheme == "http") || (port == "80" && u.Scheme == "https") {
		return "github.com/dghubble/oauth1 drops port " + port + " whatever the scheme (RFC 5849 §3.4.1.2 drops only the scheme's default)"
	}
	for _, h := range withFormType(p) {
		if strings.EqualFold(h.Name, "Content-Type") && !h.Value.IsVar() {
			ct := strings.ToLower(h.Value.Lit)
			if strings.HasPrefix(ct, "application/x-www-form-urlencoded") && ct != "application/x-www-form-urlencoded" {
				return "github.com/dghubble/oauth1 signs a form body only when Content-Type is exactly application/x-www-form-urlencoded"
			}
		}
	}
	return ""
}

const goPlaintextSigner = `// plaintextSigner is OAuth 1.0a's PLAINTEXT method (RFC 5849 §3.4.4): the
// signature is the encoded consumer secret and token secret, not a hash.
type plaintextSigner struct{ consumerSecret string }

func (plaintextSigner) Name() string { return "PLAINTEXT" }

func (s plaintextSigner) Sign(tokenSecret, _ string) (string, error) {
	return oauth1.PercentEncode(s.consumerSecret) + "&" + oauth1.PercentEncode(tokenSecret), nil
}
`

const goRSAKey = `// rsaKey reads an RSA private key in PEM (PKCS #1 or PKCS #8).
func rsaKey(text string) *rsa.PrivateKey {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		check(fmt.Errorf("the private key is not PEM"))
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	check(err)
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		check(fmt.Errorf("the private key is not an RSA key"))
	}
	return rk
}
`

// goOAuth2: golang.org/x/oauth2 gets the token (RFC 6749) and its
// transport sends it as a Bearer token and renews it: client_credentials
// (clientcredentials.Config), password, refresh_token, and device_code
// (RFC 8628: the program prints the code to enter and polls).
func goOAuth2(g *goProgram, p *Plan) error {
	grant := p.Lit("grant")
	if grant == "" {
		grant = "client_credentials"
	}
	if grant == "authorization_code" {
		return &unsupportedError{what: "go: the authorization_code grant needs a browser and a redirect listener (a profile with a refresh_token exports)"}
	}
	if !slices.Contains([]string{"client_credentials", "password", "refresh_token", "device_code"}, grant) {
		return authn.Inputf("use client_credentials, refresh_token, device_code, authorization_code or password", "OAuth 2.0 grant %q", grant)
	}
	g.imp("context", "golang.org/x/oauth2")
	style := "oauth2.AuthStyleInHeader // client_secret_basic (RFC 6749 §2.3.1)"
	switch {
	case p.Field("client_secret") == (Value{}):
		style = "oauth2.AuthStyleInParams // a public client: client_id in the body (RFC 6749 §2.1)"
	case p.Lit("client_auth") == "body":
		style = "oauth2.AuthStyleInParams // client_secret_post (RFC 6749 §2.3.1)"
	}
	var cfg []string
	field := func(name string, v Value) {
		if v != (Value{}) {
			cfg = append(cfg, name+": "+g.val(v)+",")
		}
	}
	field("ClientID", p.Field("client_id"))
	field("ClientSecret", p.Field("client_secret"))
	if v := p.Field("scope"); v != (Value{}) {
		cfg = append(cfg, "Scopes: strings.Fields("+g.val(v)+"),")
		g.imp("strings")
	}
	if grant == "client_credentials" {
		g.imp("golang.org/x/oauth2/clientcredentials")
		field("TokenURL", p.Field("token_url"))
		if v := p.Field("audience"); v != (Value{}) {
			g.imp("net/url")
			cfg = append(cfg, "EndpointParams: url.Values{\"audience\": {"+g.val(v)+"}},")
		}
		cfg = append(cfg, "AuthStyle: "+strings.Replace(style, " //", ", //", 1))
		g.setup = append(g.setup, "config := clientcredentials.Config{")
		g.setup = append(g.setup, cfg...)
		g.setup = append(g.setup, "}", fmt.Sprintf(goTokenClient, "oauth2.HTTPClient"),
			"client.Transport = config.Client(ctx).Transport // fetches the token, then sends it as Bearer (RFC 6750)")
		return nil
	}
	if p.Field("audience") != (Value{}) {
		p.Warn("go: the audience is sent with client_credentials only; add oauth2.SetAuthURLParam yourself")
	}
	endpoint := "Endpoint: oauth2.Endpoint{TokenURL: " + g.val(p.Field("token_url"))
	if grant == "device_code" {
		endpoint += ", DeviceAuthURL: " + g.val(p.Field("device_auth_url"))
	}
	cfg = append(cfg, endpoint+", AuthStyle: "+strings.SplitN(style, " ", 2)[0]+"}, "+strings.SplitN(style, " ", 2)[1])
	g.setup = append(g.setup, "config := oauth2.Config{")
	g.setup = append(g.setup, cfg...)
	g.setup = append(g.setup, "}", fmt.Sprintf(goTokenClient, "oauth2.HTTPClient"))
	switch grant {
	case "password":
		g.notes = append(g.notes, "The password grant is legacy: RFC 9700 §2.4 says not to use it.")
		g.setup = append(g.setup,
			fmt.Sprintf("token, err := config.PasswordCredentialsToken(ctx, %s, %s)", g.val(p.Field("username")), g.val(p.Field("password"))),
			"check(err)")
	case "refresh_token":
		g.setup = append(g.setup, fmt.Sprintf("token := &oauth2.Token{RefreshToken: %s} // no access token yet: the first request refreshes (RFC 6749 §6)", g.val(p.Field("refresh_token"))))
	case "device_code":
		g.setup = append(g.setup,
			"device, err := config.DeviceAuth(ctx) // RFC 8628 §3.1",
			"check(err)",
			"fmt.Fprintf(os.Stderr, \"open %s and enter the code %s\\n\", device.VerificationURI, device.UserCode)",
			"token, err := config.DeviceAccessToken(ctx, device) // polls until approved (RFC 8628 §3.4)",
			"check(err)")
	}
	g.setup = append(g.setup, "client.Transport = config.Client(ctx, token).Transport // sends the token as Bearer (RFC 6750) and refreshes it")
	return nil
}

// goJWT: a given token as Bearer, or claims signed by
// github.com/golang-jwt/jwt/v5 when the program runs, iat/nbf/exp from its
// clock (RFC 7519).
func goJWT(g *goProgram, p *Plan) error {
	if tok := p.Field("token"); tok != (Value{}) {
		g.header("Authorization", Value{Lit: "Bearer "}, tok)
		return nil
	}
	j, err := newJWTPlan(p, &g.u)
	if err != nil {
		return err
	}
	g.imp("encoding/json", "strings", "github.com/golang-jwt/jwt/v5")
	var key string
	switch {
	case strings.HasPrefix(j.Alg, "HS"):
		key = "key := []byte(" + g.val(j.Key) + ")"
	case j.Alg == "RS256":
		key = "key, err := jwt.ParseRSAPrivateKeyFromPEM([]byte(" + g.val(j.Key) + "))\ncheck(err)"
	case j.Alg == "ES256":
		key = "key, err := jwt.ParseECPrivateKeyFromPEM([]byte(" + g.val(j.Key) + "))\ncheck(err)"
	case j.Alg == "EdDSA":
		key = "key, err := jwt.ParseEdPrivateKeyFromPEM([]byte(" + g.val(j.Key) + "))\ncheck(err)"
	default:
		return authn.Inputf("use HS256, HS384, HS512, RS256, ES256 or EdDSA", "JWT alg %q", j.Alg)
	}
	g.setup = append(g.setup,
		"claims := jwt.MapClaims{}",
		"dec := json.NewDecoder(strings.NewReader("+goStr(j.Claims)+"))",
		"dec.UseNumber()",
		"check(dec.Decode(&claims))")
	if len(j.Times) > 0 {
		g.setup = append(g.setup, "now := time.Now().Unix()")
	}
	for _, t := range j.Times {
		g.setup = append(g.setup, fmt.Sprintf("claims[%q] = %s", t.Name, offsetExpr("now", t.Offset)))
	}
	g.setup = append(g.setup, fmt.Sprintf("jwtToken := jwt.NewWithClaims(jwt.GetSigningMethod(%q), claims)", j.Alg))
	if j.Kid != "" {
		g.setup = append(g.setup, "jwtToken.Header[\"kid\"] = "+goStr(j.Kid))
	}
	g.setup = append(g.setup, strings.Split(key, "\n")...)
	g.setup = append(g.setup, "signedJWT, err := jwtToken.SignedString(key)", "check(err)")
	g.auth = append(g.auth, "req.Header.Set(\"Authorization\", \"Bearer \"+signedJWT)")
	return nil
}

// goSigV4: the AWS SDK for Go v2's signer, as authlab itself uses, signs
// the request when the program runs (S3 rules for service s3).
func goSigV4(g *goProgram, p *Plan) error {
	ignorePinned(p, "go", "date")
	for _, f := range []string{"region", "service"} {
		if p.Field(f).IsVar() {
			return &presignInstead{why: "the " + f + " is kept in a reference"}
		}
	}
	g.imp("context", "crypto/sha256", "encoding/hex", "github.com/aws/aws-sdk-go-v2/aws", "github.com/aws/aws-sdk-go-v2/aws/signer/v4")
	g.bodyVar = g.body != nil
	hash := "sha256.Sum256(nil)"
	if g.bodyVar {
		hash = "sha256.Sum256([]byte(body))"
	}
	creds := "aws.Credentials{AccessKeyID: " + g.val(p.Field("access_key")) + ", SecretAccessKey: " + g.val(p.Field("secret_key"))
	if v := p.Field("session_token"); v != (Value{}) {
		creds += ", SessionToken: " + g.val(v)
	}
	creds += "}"
	opts := ""
	g.auth = append(g.auth, "payload := "+hash)
	if p.Lit("service") == "s3" {
		g.auth = append(g.auth, "req.Header.Set(\"X-Amz-Content-Sha256\", hex.EncodeToString(payload[:])) // S3 reads it; its paths are escaped once")
		opts = ", func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }"
	}
	g.auth = append(g.auth,
		fmt.Sprintf("err = v4.NewSigner().SignHTTP(context.Background(), %s, req, hex.EncodeToString(payload[:]), %s, %s, time.Now()%s)",
			creds, goStr(p.Lit("service")), goStr(p.Lit("region")), opts),
		"check(err)")
	return nil
}
