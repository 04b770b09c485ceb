package export

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/internal/testenv"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// shellRefs are the references the test profiles hold their secrets in,
// and what each stands for; the same references in the environment of an
// exported snippet (envFor) give the snippet the secrets.
var shellRefs = map[string]string{
	"env:DEMO_PASSWORD":        practice.DemoPassword,
	"keyring:gh":               practice.DemoPassword,
	"prompt":                   practice.DemoToken,
	"env:DEMO_TOKEN":           practice.DemoToken,
	"keyring:apikey":           practice.DemoAPIKey,
	"env:CONSUMER_SECRET":      practice.DemoConsumerSecret,
	"keyring:token-secret":     practice.DemoTokenSecret,
	"env:CLIENT_SECRET":        practice.DemoOAuth2ClientSecret,
	"env:REFRESH_TOKEN":        practice.DemoOAuth2RefreshToken,
	"env:JWT_SECRET":           practice.DemoJWTSecret,
	"env:AWS_SECRET":           practice.DemoAWSSecretKey,
	"env:AWS_SESSION_TOKEN":    practice.DemoAWSSessionToken,
	"file:/run/key-pass":       "key-passphrase-secret",
	"a literal in the profile": practice.DemoPassword, // basic-literal's password
	"env:EDGEGRID_SECRET":      practice.DemoEdgeGridClientSecret,
	"env:EDGEGRID_ACCESS":      practice.DemoEdgeGridAccessToken,
	"env:HAWK_KEY":             practice.DemoHawkKey,
}

// moreSecrets are secrets the shared demoSecrets list does not hold; no
// exported text may contain them either.
var moreSecrets = []string{practice.DemoOAuth2RefreshToken, practice.DemoAWSSessionToken, "key-passphrase-secret", "LITERAL-COOKIE-SECRET",
	practice.DemoEdgeGridClientSecret, practice.DemoEdgeGridAccessToken, practice.DemoHawkKey}

func assertNoShellSecret(t *testing.T, what, text string) {
	t.Helper()
	assertNoSecret(t, what, text, moreSecrets...)
}

// shellResolve reads a reference from shellRefs; a literal is itself.
var shellResolve = resolveFrom(shellRefs)

// fixedRand is the randomness of the golden tests' Presign.
type fixedRand struct{}

func (fixedRand) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = 0x5a
	}
	return len(b), nil
}

// goldenOptions pin everything that varies, so goldens are stable.
func goldenOptions() Options {
	return Options{
		Resolve: shellResolve,
		Expand:  func(s string) string { return strings.ReplaceAll(s, practice.Placeholder, "http://127.0.0.1:8089") },
		Now:     func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		Rand:    fixedRand{},
	}
}

// shellCase is one profile exported by both shell targets.
type shellCase struct {
	name string
	prof profiles.Profile
}

func withHeaders(p profiles.Profile, h ...profiles.Header) profiles.Profile {
	p.Headers = h
	return p
}

// shellCases cover every scheme, each way of holding a secret, and the
// request options (method, body, TLS, redirects, timeout).
var shellCases = []shellCase{
	{"none", demoProfile("demo/twitter-no-auth", "/twitter/1.1/account/verify_credentials.json", "none", nil)},
	{"basic", withHeaders(demoProfile("demo/github-basic", "/github/user", "basic", map[string]string{"username": practice.DemoUser, "password": "keyring:gh"}),
		profiles.Header{Name: "Accept", Value: "application/json"})},
	{"basic-literal", demoProfile("demo/github-basic", "/github/user", "basic", map[string]string{"username": practice.DemoUser, "password": practice.DemoPassword})},
	{"digest", demoProfile("demo/digest", "/digest", "digest", map[string]string{"username": practice.DemoUser, "password": "env:DEMO_PASSWORD"})},
	{"digest-pinned", func() profiles.Profile {
		p := demoProfile("demo/digest-auth-int", "/digest?algorithm=SHA-512-256&qop=auth-int", "digest",
			map[string]string{"username": practice.DemoUser, "password": "env:DEMO_PASSWORD", "algorithm": "SHA-512-256", "qop": "auth-int", "cnonce": "0a4f113b"})
		p.Method, p.Body = "POST", `{"hello":"digest"}`
		p.Headers = []profiles.Header{{Name: "Content-Type", Value: "application/json"}}
		return p
	}()},
	{"bearer", demoProfile("demo/github-bearer", "/github/user", "bearer", map[string]string{"token": "prompt"})},
	{"apikey-header", func() profiles.Profile {
		p := demoProfile("demo/apikey", "/apikey", "apikey", map[string]string{"name": "X-API-Key", "value": "keyring:apikey"})
		p.Follow = true
		return p
	}()},
	{"apikey-query", demoProfile("demo/apikey-query", "/apikey?page=2&api_key=old", "apikey", map[string]string{"name": "api_key", "value": "keyring:apikey", "in": "query"})},
	{"oauth1", demoProfile("demo/twitter-verify", "/twitter/1.1/account/verify_credentials.json", "oauth1", map[string]string{
		"consumer_key": practice.DemoConsumerKey, "consumer_secret": "env:CONSUMER_SECRET",
		"token": practice.DemoAccessToken, "token_secret": "keyring:token-secret"})},
	{"oauth1-body", func() profiles.Profile {
		p := demoProfile("demo/twitter-update", "/twitter/1.1/statuses/update.json?include_entities=true", "oauth1", map[string]string{
			"consumer_key": practice.DemoConsumerKey, "consumer_secret": "env:CONSUMER_SECRET",
			"token": practice.DemoAccessToken, "token_secret": "keyring:token-secret", "placement": "body"})
		p.Method, p.Body = "POST", "status=Hello%20Ladies%20%2b%20Gentlemen"
		return p
	}()},
	{"sigv4", demoProfile("demo/aws-sigv4", "/aws?b=2&a=1", "sigv4", map[string]string{
		"access_key": practice.DemoAWSAccessKey, "secret_key": "env:AWS_SECRET", "region": practice.DemoAWSRegion, "service": practice.DemoAWSService})},
	{"sigv4-session", func() profiles.Profile {
		p := demoProfile("demo/aws-sigv4-session", "/aws", "sigv4", map[string]string{
			"access_key": practice.DemoAWSAccessKey, "secret_key": "env:AWS_SECRET", "session_token": "env:AWS_SESSION_TOKEN",
			"region": practice.DemoAWSRegion, "service": practice.DemoAWSService})
		p.Method, p.Body = "POST", "Action=GetCallerIdentity&Version=2011-06-15"
		return p
	}()},
	{"jwt-token", demoProfile("demo/jwt-given", "/jwt", "jwt", map[string]string{"token": "env:DEMO_TOKEN"})},
	{"jwt-claims", demoProfile("demo/jwt-hs256", "/jwt", "jwt", map[string]string{"claims": `{"sub":"demo","scope":"read"}`, "alg": "HS256", "secret": "env:JWT_SECRET"})},
	{"oauth2-client-credentials", demoProfile("demo/oauth2-client-credentials", "/oauth2/me", "oauth2", map[string]string{
		"grant": "client_credentials", "token_url": practice.Placeholder + "/oauth2/token", "client_id": practice.DemoOAuth2ClientID,
		"client_secret": "env:CLIENT_SECRET", "scope": "read"})},
	{"oauth2-client-body", demoProfile("demo/oauth2-client-body", "/oauth2/me", "oauth2", map[string]string{
		"grant": "client_credentials", "token_url": practice.Placeholder + "/oauth2/token", "client_id": practice.DemoOAuth2ClientID,
		"client_secret": "env:CLIENT_SECRET", "client_auth": "body"})},
	{"oauth2-password", demoProfile("demo/oauth2-password", "/oauth2/me", "oauth2", map[string]string{
		"grant": "password", "token_url": practice.Placeholder + "/oauth2/token", "client_id": practice.DemoOAuth2ClientID,
		"client_secret": "env:CLIENT_SECRET", "username": practice.DemoUser, "password": "env:DEMO_PASSWORD", "scope": "read"})},
	{"oauth2-code-refresh", demoProfile("demo/oauth2-auth-code", "/oauth2/me", "oauth2", map[string]string{
		"grant": "authorization_code", "token_url": practice.Placeholder + "/oauth2/token", "auth_url": practice.Placeholder + "/oauth2/authorize",
		"client_id": practice.DemoOAuth2ClientID, "client_secret": "env:CLIENT_SECRET", "refresh_token": "env:REFRESH_TOKEN"})},
	{"options", profiles.Profile{Name: "work/upload", Method: "PUT", URL: "https://api.example.com/v1/files/a b?x=1",
		Headers: []profiles.Header{{Name: "Content-Type", Value: "text/plain"}, {Name: "Cookie", Value: "s=LITERAL-COOKIE-SECRET"}, {Name: "X-Empty", Value: ""}},
		Body:    "line one\nit's \"two\" $(id) `id` !x\n", Scheme: "bearer", Fields: map[string]string{"token": "env:DEMO_TOKEN"},
		TLS:     profiles.TLS{Insecure: true, CACert: "/etc/ca dir/ca.pem", Cert: "c:/me.pem", Key: "me-key.pem", KeyPassword: "file:/run/key-pass"},
		Timeout: 2500 * time.Millisecond, Follow: true}},
	{"head", profiles.Profile{Name: "probe", Method: "HEAD", URL: "https://api.example.com/health"}},
	{"edgegrid", demoProfile("demo/edgegrid", "/edgegrid/demo?b=2&a=1", "edgegrid", map[string]string{
		"client_token": practice.DemoEdgeGridClientToken, "client_secret": "env:EDGEGRID_SECRET", "access_token": "env:EDGEGRID_ACCESS"})},
	{"hawk", demoProfile("demo/hawk", "/hawk", "hawk", map[string]string{"id": practice.DemoHawkID, "key": "env:HAWK_KEY"})},
	{"hawk-post", func() profiles.Profile {
		p := demoProfile("demo/hawk-post", "/hawk", "hawk", map[string]string{"id": practice.DemoHawkID, "key": "env:HAWK_KEY"})
		p.Method, p.Body = "POST", "hello hawk"
		p.Headers = []profiles.Header{{Name: "Content-Type", Value: "text/plain"}}
		return p
	}()},
	{"edgegrid-post", func() profiles.Profile {
		p := demoProfile("demo/edgegrid-post", "/edgegrid/headers/items", "edgegrid", map[string]string{
			"client_token": practice.DemoEdgeGridClientToken, "client_secret": "env:EDGEGRID_SECRET", "access_token": "env:EDGEGRID_ACCESS",
			"headers_to_sign": "X-Test1,X-Test2"})
		p.Method, p.Body = "POST", `{"name":"item"}`
		p.Headers = []profiles.Header{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Test1", Value: "one"}, {Name: "X-Test2", Value: "two"}}
		return p
	}()},
}

// TestCurlGolden writes every case as curl and compares it with
// testdata/curl-NAME.golden; no secret may appear in any of them.
func TestCurlGolden(t *testing.T) {
	for _, tt := range shellCases {
		s, err := Export(tt.prof, "curl", goldenOptions())
		if err != nil {
			t.Errorf("Export(%s, curl) = %v", tt.name, err)
			continue
		}
		golden(t, "curl-"+tt.name, s.Text)
		assertNoShellSecret(t, "curl-"+tt.name, s.Text)
	}
}

// TestCurlReveal: with Reveal the secret is written as it is, and the text
// says so.
func TestCurlReveal(t *testing.T) {
	opt := goldenOptions()
	opt.Reveal = true
	s, err := Export(shellCases[1].prof, "curl", opt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Text, "-u demo:demo-password") || !strings.Contains(s.Text, "--reveal") || strings.Contains(s.Text, "${") {
		t.Errorf("Export(basic, curl, Reveal).Text = %q; want the literal password, the --reveal note and no variable", s.Text)
	}
}

var curlUnsupportedTests = []struct {
	grant, want, can string
}{
	{"device_code", "device flow", "; --format go can"},
	{"authorization_code", "authorization code", "no export format can write this request"},
}

// TestCurlOAuth2Interactive: an interactive grant without a refresh token
// cannot be a curl command; the error says which formats can.
func TestCurlOAuth2Interactive(t *testing.T) {
	for _, tt := range curlUnsupportedTests {
		for _, format := range []string{"curl", "httpie"} {
			p := demoProfile("demo/x", "/oauth2/me", "oauth2", map[string]string{"grant": tt.grant, "token_url": practice.Placeholder + "/oauth2/token", "client_id": "c"})
			_, err := Export(p, format, goldenOptions())
			if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.can) {
				t.Errorf("Export(oauth2 %s, %s) = %v; want ErrUnsupported naming %q and %q", tt.grant, format, err, tt.want, tt.can)
			}
		}
	}
}

// interopCases are run against the practice server by the real programs.
// wrong is the reference whose value is changed to prove the snippet reads
// it (in the environment, or, for a pre-signed request, when signing).
var interopCases = []struct {
	name   string
	wrong  string
	httpie bool // also run with HTTPie
}{
	{"basic", "keyring:gh", true},
	{"basic-literal", "a literal in the profile", true},
	{"digest", "env:DEMO_PASSWORD", true},
	{"bearer", "prompt", true},
	{"apikey-header", "keyring:apikey", true},
	{"apikey-query", "keyring:apikey", true},
	{"oauth1", "env:CONSUMER_SECRET", true},
	{"oauth1-body", "keyring:token-secret", true},
	{"sigv4", "env:AWS_SECRET", true},
	{"sigv4-session", "env:AWS_SESSION_TOKEN", true},
	{"jwt-claims", "env:JWT_SECRET", true},
	{"oauth2-client-credentials", "env:CLIENT_SECRET", true},
	{"oauth2-client-body", "env:CLIENT_SECRET", true},
	{"oauth2-password", "env:DEMO_PASSWORD", true},
	{"oauth2-code-refresh", "env:REFRESH_TOKEN", true},
	{"edgegrid", "env:EDGEGRID_SECRET", true},
	{"edgegrid-post", "env:EDGEGRID_ACCESS", true},
	{"hawk", "env:HAWK_KEY", true},
	{"hawk-post", "env:HAWK_KEY", true},
}

func shellCaseNamed(t *testing.T, name string) profiles.Profile {
	t.Helper()
	for _, c := range shellCases {
		if c.name == name {
			return c.prof
		}
	}
	t.Fatalf("no shell case %q", name)
	return profiles.Profile{}
}

// statusLine is what the test wrappers write on stderr for each response.
var statusLine = regexp.MustCompile(`HTTP_STATUS=(\w+)`)

// runShell runs text with sh, with a function of the same name wrapped
// around the tool so the test learns each status without changing the
// text: curl writes it with -w '%{stderr}…', HTTPie exits with it
// (--check-status). It returns the last status and the output.
func runShell(t *testing.T, tool, text string, env []string) (status string, out string) {
	t.Helper()
	wrap := `curl() { command curl -w '%{stderr}HTTP_STATUS=%{http_code}\n' "$@"; }` + "\n"
	if tool == "httpie" {
		wrap = `http() { command http --check-status "$@"; rc=$?; case $rc in 0) echo HTTP_STATUS=2xx >&2;; *) echo HTTP_STATUS=$rc >&2;; esac; return $rc; }` + "\n"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", wrap+text)
	cmd.Env = append(env, "NO_PROXY=*", "no_proxy=*")
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	cmd.Run() // the status says how it went
	m := statusLine.FindAllStringSubmatch(buf.String(), -1)
	if len(m) == 0 {
		return "", buf.String()
	}
	return m[len(m)-1][1], buf.String()
}

// TestCurlInterop runs each exported command with /usr/bin/curl against the
// practice server: 200 with the right secrets in the environment, 401 or
// 403 with one of them wrong.
func TestCurlInterop(t *testing.T) {
	testenv.Program(t, "curl", "curl")
	_, opt := startPractice(t)
	opt.Resolve = shellResolve
	for _, tt := range interopCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			refused := []string{"401", "403"}
			if strings.HasPrefix(tt.name, "oauth2-") {
				refused = append(refused, "400") // invalid_grant (RFC 6749 §5.2)
			}
			interop(t, "curl", tt.name, tt.wrong, opt, "200", refused...)
		})
	}
}

// interop exports case name for tool, runs it, and runs it again with the
// reference wrong given a wrong value.
func interop(t *testing.T, tool, name, wrong string, opt Options, ok string, refused ...string) {
	t.Helper()
	prof := shellCaseNamed(t, name)
	s, err := Export(prof, tool, opt)
	if err != nil {
		t.Fatalf("Export(%s, %s) = %v", name, tool, err)
	}
	assertNoShellSecret(t, tool+" "+name, s.Text)
	if got, out := runShell(t, tool, s.Text, envFor(t, s, shellRefs)); got != ok {
		t.Fatalf("%s %s: status %q; want %s\n%s\n%s", tool, name, got, ok, s.Text, out)
	}
	bad := map[string]string{}
	for k, v := range shellRefs {
		bad[k] = v
	}
	bad[wrong] = "wrong-" + bad[wrong]
	// A secret the text reads is changed in its environment; one that
	// signed it (Presign) is changed when it is signed again.
	presigned := true
	for _, v := range s.Vars {
		if v.From == wrong && strings.Contains(s.Text, "${"+v.Name+"}") {
			presigned = false
		}
	}
	if presigned {
		opt.Resolve = func(label, v string) (string, error) {
			if s, ok := bad[v]; ok && profiles.IsRef(v) {
				return s, nil
			}
			return v, nil
		}
		if s, err = Export(prof, tool, opt); err != nil {
			t.Fatal(err)
		}
	}
	got, out := runShell(t, tool, s.Text, envFor(t, s, bad))
	for _, r := range refused {
		if got == r {
			return
		}
	}
	t.Errorf("%s %s with %s wrong: status %q; want one of %v\n%s\n%s", tool, name, wrong, got, refused, s.Text, out)
}

// rawRequest is what a loopback server received.
type rawRequest struct {
	Method, RequestURI string
	Header             http.Header
	Body               string
}

// recorder starts a server that keeps the requests it gets.
func recorder(t *testing.T) (url string, got func() []rawRequest) {
	t.Helper()
	var mu sync.Mutex
	var reqs []rawRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, rawRequest{r.Method, r.RequestURI, r.Header.Clone(), string(b)})
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []rawRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]rawRequest(nil), reqs...)
	}
}

// hostile is what a shell must not interpret: quotes, command
// substitution, backticks, history expansion, backslashes, variables.
const hostile = `it's "q" $(id) ` + "`id`" + ` !x \n $HOME ${HOME} ; | & < > * ~`

// hostileProfile puts hostile text in a header, the URL, the user name, a
// secret (through the environment) and a body with newlines.
func hostileProfile(base string) profiles.Profile {
	return profiles.Profile{
		Name: "evil/one", Method: "PATCH",
		URL:     base + "/p/$(id)/'x'/!x?q=" + "%60id%60" + "&v=$HOME&e=a=b",
		Headers: []profiles.Header{{Name: "X-Hostile", Value: hostile}, {Name: "X-Eq", Value: "=x@y:=z"}, {Name: "Content-Type", Value: "text/plain"}},
		Body:    "first " + hostile + "\nsecond\r\n\n'\"\\\n",
		Scheme:  "basic", Fields: map[string]string{"username": "u$(id)`id`!\"", "password": "env:HOSTILE_PW"},
	}
}

var hostileSecret = `p'w"$(id)` + "`id`" + `!\`

func TestCurlHostile(t *testing.T) {
	testenv.Program(t, "curl", "curl")
	testHostile(t, "curl")
}

// testHostile exports the hostile profile, runs it with sh and compares
// what the server got with what the profile says, byte for byte.
func testHostile(t *testing.T, tool string) {
	base, got := recorder(t)
	prof := hostileProfile(base)
	s, err := Export(prof, tool, Options{})
	if err != nil {
		t.Fatal(err)
	}
	env := envFor(t, s, map[string]string{"env:HOSTILE_PW": hostileSecret})
	if status, out := runShell(t, tool, s.Text, env); !strings.HasPrefix(status, "2") {
		t.Fatalf("%s hostile: status %q\n%s\n%s", tool, status, s.Text, out)
	}
	reqs := got()
	if len(reqs) != 1 {
		t.Fatalf("%s hostile: %d requests; want 1", tool, len(reqs))
	}
	r := reqs[0]
	wantURI := strings.TrimPrefix(prof.URL, base)
	checks := []struct{ what, got, want string }{
		{"method", r.Method, "PATCH"},
		{"request-target", r.RequestURI, wantURI},
		{"X-Hostile", r.Header.Get("X-Hostile"), hostile},
		{"X-Eq", r.Header.Get("X-Eq"), "=x@y:=z"},
		{"body", r.Body, prof.Body},
		{"Authorization", r.Header.Get("Authorization"), basicAuth("u$(id)`id`!\"", hostileSecret)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s hostile %s = %q; want %q\n%s", tool, c.what, c.got, c.want, s.Text)
		}
	}
}

func basicAuth(user, pass string) string {
	r, _ := http.NewRequest("GET", "http://x/", nil)
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

var wordTests = []struct {
	parts []Value
	want  string
}{
	{[]Value{lit("plain")}, "plain"},
	{[]Value{lit("a b")}, "'a b'"},
	{[]Value{lit("user:"), {Var: "PW"}}, `"user:${PW}"`},
	{[]Value{{Var: "A"}, {Var: "B"}}, `"${A}${B}"`},
	{[]Value{lit(`$x"`), {Var: "PW"}, lit("`")}, "\"\\$x\\\"${PW}\\`\""},
	{[]Value{lit("hi!"), {Var: "PW"}}, `'hi!'"${PW}"`},
}

func TestWord(t *testing.T) {
	for _, tt := range wordTests {
		if got := word(tt.parts...); got != tt.want {
			t.Errorf("word(%q) = %q; want %q", tt.parts, got, tt.want)
		}
	}
}

var sigv4SortedURLTests = []struct {
	in, want string
}{
	{"http://h/aws", "http://h/aws"},
	{"http://h/aws?a=1&b=2", "http://h/aws?a=1&b=2"},
	{"http://h/aws?b=2&a=1", "http://h/aws?a=1&b=2"},
	{"http://h/aws?x=a+b&flag&k=%7e", "http://h/aws?flag=&k=~&x=a%20b"},
}

func TestSigv4SortedURL(t *testing.T) {
	for _, tt := range sigv4SortedURLTests {
		if got, _ := sigv4SortedURL(tt.in); got != tt.want {
			t.Errorf("sigv4SortedURL(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
