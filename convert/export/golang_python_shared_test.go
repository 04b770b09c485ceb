package export

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// Cases shared by the python and go targets' tests: every scheme and
// variant, the secrets held as env: references so the exported code reads
// them from the environment the test gives it.

// codeRefs are the values of the references the profiles below hold.
var codeRefs = map[string]string{
	"env:DEMO_PASSWORD":        practice.DemoPassword,
	"env:DEMO_TOKEN":           practice.DemoToken,
	"env:DEMO_API_KEY":         practice.DemoAPIKey,
	"env:TWITTER_CONSUMER_SEC": practice.DemoConsumerSecret,
	"env:TWITTER_TOKEN_SEC":    practice.DemoTokenSecret,
	"env:OAUTH1_RSA_KEY":       practice.DemoRSAPrivateKeyPEM,
	"env:CLIENT_SECRET":        practice.DemoOAuth2ClientSecret,
	"env:REFRESH_TOKEN":        practice.DemoOAuth2RefreshToken,
	"env:JWT_SECRET":           practice.DemoJWTSecret,
	"env:JWT_RSA_KEY":          practice.DemoRSAPrivateKeyPEM,
	"env:AWS_SECRET":           practice.DemoAWSSecretKey,
	"env:AWS_SESSION":          practice.DemoAWSSessionToken,
	"env:JWT_CLAIMS":           `{"sub":"demo"}`,
	"env:EDGEGRID_SECRET":      practice.DemoEdgeGridClientSecret,
	"env:EDGEGRID_ACCESS":      practice.DemoEdgeGridAccessToken,
}

// codeSecrets are secrets beyond demoSecrets that no exported text may
// hold unless revealed.
var codeSecrets = []string{practice.DemoOAuth2RefreshToken, practice.DemoAWSSessionToken, "-----BEGIN RSA PRIVATE KEY-----",
	practice.DemoEdgeGridClientSecret, practice.DemoEdgeGridAccessToken}

func assertNoCodeSecret(t *testing.T, what, text string) {
	t.Helper()
	assertNoSecret(t, what, text, codeSecrets...)
}

var codeResolve = resolveFrom(codeRefs)

// codeOptions pin the clock and randomness and expand {{practice}} to base.
func codeOptions(base string) Options {
	return Options{
		Resolve: codeResolve,
		Expand:  func(s string) string { return strings.ReplaceAll(s, practice.Placeholder, base) },
		Now:     func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		Rand:    strings.NewReader(strings.Repeat("authlab-fixed-randomness-", 100)),
	}
}

// codeCase is one profile; python and golang say whether each target
// exports it and runs it to a 200 ("" when it must not export: ErrUnsupported).
type codeCase struct {
	name string
	prof profiles.Profile
	// wrong is the reference whose value the test spoils to see the call
	// refused ("" for no such check).
	wrong string
	// python, golang: "run" (exported and gets 200), "text" (exported,
	// golden only), "unsupported" (ErrUnsupported).
	python, golang string
}

var (
	codeTwitterURL = "/twitter/1.1/account/verify_credentials.json"
	codeOAuth1     = func(extra map[string]string) map[string]string {
		m := map[string]string{"consumer_key": practice.DemoConsumerKey, "consumer_secret": "env:TWITTER_CONSUMER_SEC",
			"token": practice.DemoAccessToken, "token_secret": "env:TWITTER_TOKEN_SEC"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	codeOAuth2 = func(extra map[string]string) map[string]string {
		m := map[string]string{"token_url": practice.Placeholder + "/oauth2/token", "client_id": practice.DemoOAuth2ClientID,
			"client_secret": "env:CLIENT_SECRET"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	codeAWS = func(extra map[string]string) map[string]string {
		m := map[string]string{"access_key": practice.DemoAWSAccessKey, "secret_key": "env:AWS_SECRET",
			"region": practice.DemoAWSRegion, "service": practice.DemoAWSService}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
)

func withBody(p profiles.Profile, method, ctype, body string) profiles.Profile {
	p.Method, p.Body = method, body
	if ctype != "" {
		p.Headers = append(p.Headers, profiles.Header{Name: "Content-Type", Value: ctype})
	}
	return p
}

var codeCases = []codeCase{
	{"none", demoProfile("demo/index", "/", "none", nil), "", "run", "run"},
	{"basic", demoProfile("demo/github-basic", "/github/user", "basic",
		map[string]string{"username": practice.DemoUser, "password": "env:DEMO_PASSWORD"}), "env:DEMO_PASSWORD", "run", "run"},
	{"digest", demoProfile("demo/digest", "/digest", "digest",
		map[string]string{"username": practice.DemoUser, "password": "env:DEMO_PASSWORD"}), "env:DEMO_PASSWORD", "run", "run"},
	{"digest-auth-int", withBody(demoProfile("demo/digest-auth-int", "/digest?algorithm=SHA-512-256&qop=auth-int", "digest",
		map[string]string{"username": practice.DemoUser, "password": "env:DEMO_PASSWORD", "qop": "auth-int"}), "POST", "application/json", `{"hello":"digest"}`),
		"env:DEMO_PASSWORD", "unsupported", "run"},
	{"bearer", demoProfile("demo/github-bearer", "/github/user", "bearer", map[string]string{"token": "env:DEMO_TOKEN"}), "env:DEMO_TOKEN", "run", "run"},
	{"apikey-header", demoProfile("demo/apikey", "/apikey", "apikey", map[string]string{"name": "X-API-Key", "value": "env:DEMO_API_KEY"}), "env:DEMO_API_KEY", "run", "run"},
	{"apikey-query", demoProfile("demo/apikey-query", "/apikey?x=1", "apikey", map[string]string{"name": "api_key", "value": "env:DEMO_API_KEY", "in": "query"}), "env:DEMO_API_KEY", "run", "run"},
	{"oauth1", demoProfile("demo/twitter-verify", codeTwitterURL, "oauth1", codeOAuth1(nil)), "env:TWITTER_TOKEN_SEC", "run", "run"},
	{"oauth1-hmac-sha256", demoProfile("demo/twitter-sha256", codeTwitterURL, "oauth1", codeOAuth1(map[string]string{"signature_method": "HMAC-SHA256", "realm": "Twitter API"})), "env:TWITTER_CONSUMER_SEC", "run", "run"},
	{"oauth1-plaintext", demoProfile("demo/twitter-plaintext", codeTwitterURL, "oauth1", codeOAuth1(map[string]string{"signature_method": "PLAINTEXT"})), "env:TWITTER_TOKEN_SEC", "run", "run"},
	{"oauth1-rsa", demoProfile("demo/twitter-rsa", codeTwitterURL, "oauth1", codeOAuth1(map[string]string{"signature_method": "RSA-SHA1", "private_key": "env:OAUTH1_RSA_KEY", "consumer_secret": ""})), "", "run", "run"},
	{"oauth1-body", withBody(demoProfile("demo/twitter-update", "/twitter/1.1/statuses/update.json", "oauth1", codeOAuth1(map[string]string{"placement": "body"})), "POST", "", "status=hello%20world"),
		"env:TWITTER_TOKEN_SEC", "run", "text"},
	{"oauth1-form", withBody(demoProfile("demo/twitter-update-form", "/twitter/1.1/statuses/update.json?include_entities=true", "oauth1", codeOAuth1(nil)), "POST", "", "status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21"),
		"env:TWITTER_TOKEN_SEC", "run", "run"},
	{"oauth2-client-credentials", demoProfile("demo/oauth2-client-credentials", "/oauth2/me", "oauth2", codeOAuth2(map[string]string{"scope": "read"})), "env:CLIENT_SECRET", "run", "run"},
	{"oauth2-client-body", demoProfile("demo/oauth2-client-body", "/oauth2/me", "oauth2", codeOAuth2(map[string]string{"client_auth": "body"})), "env:CLIENT_SECRET", "run", "run"},
	{"oauth2-password", demoProfile("demo/oauth2-password", "/oauth2/me", "oauth2", codeOAuth2(map[string]string{"grant": "password", "username": practice.DemoUser, "password": "env:DEMO_PASSWORD"})), "env:DEMO_PASSWORD", "run", "run"},
	{"oauth2-refresh", demoProfile("demo/oauth2-refresh", "/oauth2/me", "oauth2", codeOAuth2(map[string]string{"grant": "refresh_token", "refresh_token": "env:REFRESH_TOKEN"})), "env:REFRESH_TOKEN", "run", "run"},
	{"oauth2-device", demoProfile("demo/oauth2-device", "/oauth2/me", "oauth2", codeOAuth2(map[string]string{"grant": "device_code", "client_id": practice.DemoOAuth2PublicClientID, "client_secret": "",
		"device_auth_url": practice.Placeholder + "/oauth2/device"})), "", "unsupported", "run"},
	{"oauth2-auth-code", demoProfile("demo/oauth2-auth-code", "/oauth2/me", "oauth2", codeOAuth2(map[string]string{"grant": "authorization_code", "client_id": practice.DemoOAuth2PublicClientID, "client_secret": "",
		"auth_url": practice.Placeholder + "/oauth2/authorize"})), "", "unsupported", "unsupported"},
	{"jwt-hs256", demoProfile("demo/jwt-hs256", "/jwt", "jwt", map[string]string{"claims": `{"sub":"demo","scope":"read","nbf":"-1m","exp":"+10m"}`, "secret": "env:JWT_SECRET", "kid": "k1"}), "env:JWT_SECRET", "run", "run"},
	{"jwt-rs256", demoProfile("demo/jwt-rs256", "/jwt", "jwt", map[string]string{"claims": `{"sub":"demo"}`, "alg": "RS256", "private_key": "env:JWT_RSA_KEY"}), "", "run", "run"},
	{"jwt-token", demoProfile("demo/jwt-token", "/github/user", "jwt", map[string]string{"token": "env:DEMO_TOKEN"}), "env:DEMO_TOKEN", "run", "run"},
	{"sigv4", demoProfile("demo/aws-sigv4", "/aws", "sigv4", codeAWS(nil)), "env:AWS_SECRET", "run", "run"},
	{"sigv4-session", withBody(demoProfile("demo/aws-sigv4-session", "/aws?b=2&a=1", "sigv4", codeAWS(map[string]string{"session_token": "env:AWS_SESSION"})), "POST", "", "Action=GetCallerIdentity&Version=2011-06-15"),
		"env:AWS_SECRET", "run", "run"},
	{"edgegrid", demoProfile("demo/edgegrid", "/edgegrid/demo?b=2&a=1", "edgegrid", map[string]string{
		"client_token": practice.DemoEdgeGridClientToken, "client_secret": "env:EDGEGRID_SECRET", "access_token": "env:EDGEGRID_ACCESS"}), "env:EDGEGRID_SECRET", "run", "run"},
	{"edgegrid-headers", withBody(withHeaders(demoProfile("demo/edgegrid-post", "/edgegrid/headers/items", "edgegrid", map[string]string{
		"client_token": practice.DemoEdgeGridClientToken, "client_secret": "env:EDGEGRID_SECRET", "access_token": "env:EDGEGRID_ACCESS",
		"headers_to_sign": "X-Test1,X-Test2,X-Test3"}), profiles.Header{Name: "X-Test1", Value: "one   two "}, profiles.Header{Name: "X-Test3", Value: "three"}),
		"POST", "application/json", `{"name":"item"}`), "env:EDGEGRID_ACCESS", "run", "run"},
}

// codeRecorder starts a server that keeps the requests it gets.
func codeRecorder(t *testing.T) (url string, got func() []*codeRequest) {
	t.Helper()
	var mu sync.Mutex
	var reqs []*codeRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, &codeRequest{r.Method, r.RequestURI, r.Header.Clone(), string(b)})
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []*codeRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]*codeRequest(nil), reqs...)
	}
}

type codeRequest struct {
	Method, RequestURI string
	Header             http.Header
	Body               string
}

// hostileText is what a string literal must carry through unchanged:
// quotes of both languages, backslashes, triple quotes, an escaped-looking
// \n, braces of format strings, a raw-string backquote, unicode beyond
// Latin-1 and a bidi control.
const hostileText = `it's "q" """ ''' \ \n \x41 {} {0} %s ` + "`raw` ü € 😀 \u202e end"

// hostileCodeProfile puts hostileText in a header, the URL, the user name,
// the password (through the environment) and a body with real newlines.
func hostileCodeProfile(base string) profiles.Profile {
	return profiles.Profile{
		Name: "evil/\"one\"\nimport os", Method: "PATCH",
		URL:     base + "/p/{x}/ü?q=" + "%22a%20b%22&braces={}",
		Headers: []profiles.Header{{Name: "X-Hostile", Value: hostileText}, {Name: "Content-Type", Value: "text/plain; charset=utf-8"}},
		Body:    hostileText + "\nline two\r\n\ttab\x00nul",
		Scheme:  "basic",
		Fields:  map[string]string{"username": `us"er\ü`, "password": "env:HOSTILE_PASSWORD"},
	}
}

// writeTemp writes text to dir/name and returns the path.
func writeTemp(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// exitCode runs cmd and returns its exit status and combined output.
func exitCode(t *testing.T, cmd *exec.Cmd) (int, string) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	}
	t.Fatalf("%v: %v", cmd.Args, err)
	return -1, ""
}

// spoilEnv returns env with the variable read from ref set to a wrong value.
func spoilEnv(s Snippet, env []string, ref string) ([]string, bool) {
	out := append([]string(nil), env...)
	for _, v := range s.Vars {
		if v.From == ref {
			for i, kv := range out {
				if strings.HasPrefix(kv, v.Name+"=") {
					out[i] = kv + "-wrong"
					return out, true
				}
			}
		}
	}
	return out, false
}
