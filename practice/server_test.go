package practice

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

// srvNow is the practice server's clock in these tests.
var srvNow = time.Unix(1700000000, 0)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer runs a practice server at srvNow (unless o sets a clock).
func startServer(t *testing.T, o Options) *httptest.Server {
	t.Helper()
	if o.Now == nil {
		o.Now = func() time.Time { return srvNow }
	}
	ts := httptest.NewServer(New(o).Handler())
	t.Cleanup(ts.Close)
	return ts
}

// srvReply is one response, with its trace decoded when there is one.
type srvReply struct {
	status   int
	header   http.Header
	body     string
	trace    ServerTrace
	hasTrace bool
}

// value returns the trace value labelled label.
func (r srvReply) value(label string) (string, bool) {
	for _, v := range r.trace.Values {
		if v.Label == label {
			return v.Value, true
		}
	}
	return "", false
}

func decodeReply(t *testing.T, status int, h http.Header, body []byte) srvReply {
	t.Helper()
	r := srvReply{status: status, header: h, body: string(body)}
	if v := h.Get(TraceHeader); v != "" {
		tr, err := DecodeTrace(v)
		if err != nil {
			t.Fatalf("DecodeTrace(%q): %v", v, err)
		}
		r.trace, r.hasTrace = tr, true
	}
	return r
}

// send makes a raw request: headers as "Name: value" lines.
func send(t *testing.T, method, url, body string, headers ...string) srvReply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Add(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return decodeReply(t, resp.StatusCode, resp.Header, b)
}

// oauthCall signs a request with authn's oauth1 scheme (another
// implementation than the server's) and sends it. The client's clock is
// clientNow; fields are authn oauth1 fields over the demo defaults.
func oauthCall(t *testing.T, clientNow time.Time, method, url, body string, fields map[string]string) (srvReply, *authn.Result) {
	t.Helper()
	f := map[string]string{
		"consumer_key": DemoConsumerKey, "consumer_secret": DemoConsumerSecret,
		"token": DemoAccessToken, "token_secret": DemoTokenSecret,
	}
	for k, v := range fields {
		if v == "" {
			delete(f, k)
		} else {
			f[k] = v
		}
	}
	req := authn.Request{Method: method, URL: url, Scheme: "oauth1", Fields: f, Header: http.Header{}}
	if body != "" {
		req.Body = []byte(body)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	eng := authn.New(authn.Options{Now: func() time.Time { return clientNow }})
	res, err := eng.Exchange(context.Background(), req)
	if err != nil {
		t.Fatalf("authn Exchange %s %s: %v", method, url, err)
	}
	fin := res.Final()
	if fin == nil || fin.Response == nil {
		t.Fatalf("authn Exchange %s %s: no response", method, url)
	}
	return decodeReply(t, fin.Response.Status, fin.Response.Header, fin.Response.Body), res
}

// clientValue returns the first value labelled label (ignoring a
// parenthesised suffix) in an authn trace.
func clientValue(tr authn.Trace, label string) (string, bool) {
	for _, st := range tr.Steps {
		for _, v := range st.Values {
			l := v.Label
			if i := strings.Index(l, " ("); i > 0 {
				l = l[:i]
			}
			if l == label {
				return v.Text, true
			}
		}
	}
	return "", false
}

func TestIndex(t *testing.T) {
	ts := startServer(t, Options{})
	r := send(t, "GET", ts.URL+"/", "", "Accept: application/json")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET / (json) = %d %q", r.status, r.header.Get("Content-Type"))
	}
	var idx struct {
		Endpoints []struct{ Path, Scheme, Description string }
		Demo      map[string]any `json:"demo_credentials"`
	}
	if err := json.Unmarshal([]byte(r.body), &idx); err != nil {
		t.Fatalf("GET / body %q: %v", r.body, err)
	}
	paths := map[string]bool{}
	for _, e := range idx.Endpoints {
		paths[e.Path] = true
		if e.Scheme == "" || e.Description == "" {
			t.Errorf("endpoint %+v lacks scheme or description", e)
		}
	}
	for _, p := range []string{"/github/user", "/twitter/1.1/account/verify_credentials.json", "/twitter/1.1/statuses/update.json",
		"/twitter/oauth/request_token", "/twitter/oauth/authorize", "/twitter/oauth/access_token", "/bearer", "/bearer/admin", "/apikey",
		"/digest", "/oauth2/token", "/oauth2/device", "/oauth2/authorize", "/oauth2/me", "/jwt", "/aws", "/mtls"} {
		if !paths[p] {
			t.Errorf("GET / does not list %s", p)
		}
	}
	for k, want := range map[string]string{"user": DemoUser, "password": DemoPassword, "token": DemoToken, "api_key": DemoAPIKey,
		"consumer_key": DemoConsumerKey, "consumer_secret": DemoConsumerSecret, "access_token": DemoAccessToken,
		"token_secret": DemoTokenSecret, "expired_token": DemoExpiredToken, "rsa_private_key_pem": DemoRSAPrivateKeyPEM,
		"digest_realm": DigestRealm, "oauth2_client_id": DemoOAuth2ClientID, "oauth2_client_secret": DemoOAuth2ClientSecret,
		"jwt_secret": DemoJWTSecret, "aws_access_key": DemoAWSAccessKey, "aws_secret_key": DemoAWSSecretKey} {
		if got := idx.Demo[k]; got != want {
			t.Errorf("demo_credentials[%q] = %v; want %q", k, got, want)
		}
	}
	if r.hasTrace {
		t.Errorf("GET / has a trace header: it verifies nothing")
	}

	text := send(t, "GET", ts.URL+"/", "")
	if text.status != 200 || !strings.HasPrefix(text.header.Get("Content-Type"), "text/plain") ||
		!strings.Contains(text.body, DemoPassword) || !strings.Contains(text.body, "/twitter/oauth/request_token") {
		t.Errorf("GET / (text) = %d %q\n%s", text.status, text.header.Get("Content-Type"), text.body)
	}
	page := send(t, "GET", ts.URL+"/", "", "Accept: text/html,application/xhtml+xml")
	if page.status != 200 || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") || !strings.Contains(page.body, "<pre>") {
		t.Errorf("GET / (html) = %d %q", page.status, page.header.Get("Content-Type"))
	}
	if nf := send(t, "GET", ts.URL+"/nowhere", ""); nf.status != 404 {
		t.Errorf("GET /nowhere = %d; want 404", nf.status)
	}
}

func TestDemoRSAKeyMatchesServer(t *testing.T) {
	if demoPublicKey().N.BitLen() < 2048 {
		t.Errorf("demo RSA key has %d bits; want ≥ 2048", demoPublicKey().N.BitLen())
	}
}

func TestLog(t *testing.T) {
	var log syncBuffer
	ts := startServer(t, Options{Log: &log})
	send(t, "GET", ts.URL+"/github/user?x=1", "", "Authorization: Basic ZGVtbzpkZW1vLXBhc3N3b3Jk") // demo:demo-password
	send(t, "GET", ts.URL+"/apikey?api_key="+DemoAPIKey, "")
	// A username with an escape sequence and a newline must not reach the console raw.
	send(t, "GET", ts.URL+"/github/user", "", "Authorization: Basic ZGVtbxtbMzFtCmV2aWw6eA==") // "demo\x1b[31m\nevil:x"
	out := log.String()
	for _, want := range []string{
		"2023-11-14T22:13:20Z 127.0.0.1 GET /github/user → 200\n  verdict: ok\n  scheme: basic\n  username: demo\n  password length: 13\n",
		"127.0.0.1 GET /apikey → 200\n",
		`  username: "demo\x1b[31m\nevil"` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{DemoPassword, DemoAPIKey, "\x1b[31m", "x=1"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows %q:\n%s", secret, out)
		}
	}
}
