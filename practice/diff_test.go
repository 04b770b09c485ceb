package practice

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

// The "true" credentials the server knows. The secrets are distinctive so a
// leak into a Difference is easy to spot.
const (
	diffConsumerKey    = "practice-consumer-key"
	diffConsumerSecret = "CS-sEcReT-0123456789" // 20 characters
	diffToken          = "42-practice-token"
	diffTokenSecret    = "TS-hIdDeN-abcdefghijkl"
	diffNonce          = "pinnedNonce0123456789"
	diffUser           = "octocat"
	diffPassword       = "PW-correct-horse"
)

// diffNow is the practice server's clock (and the client's, unless a
// timestamp is pinned off it).
var diffNow = time.Unix(1700000000, 0)

// diffRecorded is one request as the recording server received it.
type diffRecorded struct {
	method, host, path, rawQuery string
	header                       http.Header
	body                         []byte
}

// diffRecorder starts an httptest server that records the last request and
// answers 200.
func diffRecorder(t *testing.T) (*httptest.Server, func() diffRecorded) {
	t.Helper()
	var mu sync.Mutex
	var last diffRecorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		last = diffRecorded{r.Method, r.Host, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), b}
		mu.Unlock()
		fmt.Fprint(w, "{}")
	}))
	t.Cleanup(srv.Close)
	return srv, func() diffRecorded { mu.Lock(); defer mu.Unlock(); return last }
}

// diffExchange runs authn's scheme for real and returns the client's trace.
func diffExchange(t *testing.T, req authn.Request) authn.Trace {
	t.Helper()
	e := authn.New(authn.Options{Now: func() time.Time { return diffNow }})
	defer e.Close()
	res, err := e.Exchange(context.Background(), req)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return res.Trace
}

// diffEnc is an independent RFC 5849 §3.6 percent-encoder.
func diffEnc(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// diffServerOAuth1 verifies r the way a server would, independently of authn:
// it collects the query, the Authorization header's oauth_* parameters and
// (when formBody) the body as a form, signs with the true secrets and
// returns its trace.
func diffServerOAuth1(t *testing.T, r diffRecorded, formBody bool) ServerTrace {
	t.Helper()
	type kv struct{ k, v string }
	var ps []kv
	addForm := func(s string) {
		for part := range strings.SplitSeq(s, "&") {
			if part == "" {
				continue
			}
			k, v, _ := strings.Cut(part, "=")
			k, _ = url.QueryUnescape(k)
			v, _ = url.QueryUnescape(v)
			ps = append(ps, kv{k, v})
		}
	}
	addForm(r.rawQuery)
	if formBody {
		addForm(string(r.body))
	}
	auth := r.header.Get("Authorization")
	if !strings.HasPrefix(auth, "OAuth ") {
		t.Fatalf("no OAuth Authorization header: %q", auth)
	}
	oauth := map[string]string{}
	for part := range strings.SplitSeq(strings.TrimPrefix(auth, "OAuth "), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		v, _ = url.PathUnescape(strings.Trim(v, `"`))
		oauth[k] = v
		if k != "oauth_signature" && k != "realm" {
			ps = append(ps, kv{k, v})
		}
	}
	encd := make([]string, len(ps))
	for i, p := range ps {
		encd[i] = diffEnc(p.k) + "=" + diffEnc(p.v)
	}
	sort.Strings(encd) // the name-then-value order, as no name here is a prefix of another
	paramString := strings.Join(encd, "&")
	baseURI := "http://" + strings.ToLower(r.host) + r.path
	base := strings.ToUpper(r.method) + "&" + diffEnc(baseURI) + "&" + diffEnc(paramString)
	mac := hmac.New(sha1.New, []byte(diffEnc(diffConsumerSecret)+"&"+diffEnc(diffTokenSecret)))
	mac.Write([]byte(base))
	sig := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	ts, _ := strconv.ParseInt(oauth["oauth_timestamp"], 10, 64)
	return ServerTrace{Endpoint: r.path, Scheme: "oauth1", Verdict: "ok", Values: []TraceValue{
		{"oauth_consumer_key", oauth["oauth_consumer_key"]},
		{"oauth_token", oauth["oauth_token"]},
		{"oauth_signature_method", oauth["oauth_signature_method"]},
		{"oauth_timestamp", oauth["oauth_timestamp"]},
		{"oauth_nonce", oauth["oauth_nonce"]},
		{"parameter string", paramString},
		{"base string URI", baseURI},
		{"signature base string", base},
		{"oauth_signature", sig},
		{"server time", strconv.FormatInt(diffNow.Unix(), 10)},
		{"clock difference", strconv.FormatInt(ts-diffNow.Unix(), 10) + " s"},
		{"received oauth_signature", oauth["oauth_signature"]},
		{"consumer secret length", strconv.Itoa(len(diffConsumerSecret))},
		{"token secret length", strconv.Itoa(len(diffTokenSecret))},
	}}
}

// diffOAuthFields are the client's fields: the true credentials, pinned.
func diffOAuthFields() map[string]string {
	return map[string]string{
		"consumer_key": diffConsumerKey, "consumer_secret": diffConsumerSecret,
		"token": diffToken, "token_secret": diffTokenSecret,
		"nonce": diffNonce, "timestamp": strconv.FormatInt(diffNow.Unix(), 10),
	}
}

// diffSecrets lists every secret a Difference must not contain.
func diffSecrets(fields map[string]string) []string {
	out := []string{diffConsumerSecret, diffTokenSecret, diffPassword,
		diffEnc(diffConsumerSecret) + "&" + diffEnc(diffTokenSecret)}
	for _, k := range []string{"consumer_secret", "token_secret", "password"} {
		if v := fields[k]; v != "" {
			out = append(out, v)
		}
	}
	return out
}

func diffAssertNoSecrets(t *testing.T, ds []Difference, secrets []string) {
	t.Helper()
	for _, d := range ds {
		for _, f := range []string{d.Label, d.Client, d.Server, d.Explain} {
			for _, s := range secrets {
				if strings.Contains(f, s) {
					t.Errorf("difference %+v contains the secret %q", d, s)
				}
			}
		}
	}
}

func TestCompareOAuth1(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		query    string
		ctype    string
		body     string
		change   func(map[string]string)
		formBody bool // the server reads the body as a form
		want     string
		explain  []string // each must be in the first Explain
		n        int      // number of differences (0: not checked)
	}{
		{name: "agree", method: "GET", query: "?screen_name=a%20b", want: ""},
		{name: "agree with form body", method: "POST", ctype: "application/x-www-form-urlencoded",
			body: "status=Hello%20Ladies%20%2b%20Gentlemen", formBody: true, want: ""},
		{name: "consumer secret one character short", method: "GET",
			change:  func(f map[string]string) { f["consumer_secret"] = diffConsumerSecret[:19] },
			want:    "consumer secret",
			explain: []string{"your consumer secret is 19 characters, the server's is 20"}, n: 2},
		{name: "consumer secret same length, different", method: "GET",
			change:  func(f map[string]string) { f["consumer_secret"] = strings.ToUpper(diffConsumerSecret) },
			want:    "signature",
			explain: []string{"everything else matches", "secret"}, n: 1},
		{name: "token secret missing", method: "GET",
			change:  func(f map[string]string) { f["token_secret"] = "" },
			want:    "token secret",
			explain: []string{"no token secret", "22 characters"}, n: 2},
		{name: "body parameter left out (body not sent as a form)", method: "POST", ctype: "text/plain",
			body: "status=hello%20world", formBody: true,
			want:    "parameter string",
			explain: []string{"status", "application/x-www-form-urlencoded"}, n: 2},
		{name: "timestamp 10 minutes behind", method: "GET",
			change:  func(f map[string]string) { f["timestamp"] = strconv.FormatInt(diffNow.Unix()-600, 10) },
			want:    "clock",
			explain: []string{"600 s behind", "300 s", "code 135", "pinned"}, n: 1},
		{name: "timestamp 10 minutes ahead", method: "GET",
			change:  func(f map[string]string) { f["timestamp"] = strconv.FormatInt(diffNow.Unix()+612, 10) },
			want:    "clock",
			explain: []string{"612 s ahead of"}, n: 1},
		{name: "timestamp 4 minutes off is fine", method: "GET",
			change: func(f map[string]string) { f["timestamp"] = strconv.FormatInt(diffNow.Unix()-240, 10) },
			want:   ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, last := diffRecorder(t)
			fields := diffOAuthFields()
			if tc.change != nil {
				tc.change(fields)
			}
			h := http.Header{}
			if tc.ctype != "" {
				h.Set("Content-Type", tc.ctype)
			}
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			client := diffExchange(t, authn.Request{Method: tc.method, URL: srv.URL + "/1.1/statuses/update.json" + tc.query,
				Header: h, Body: body, Scheme: "oauth1", Fields: fields})
			server := diffServerOAuth1(t, last(), tc.formBody)

			ds := Compare(client, server)
			diffAssertNoSecrets(t, ds, diffSecrets(fields))
			d, ok := First(client, server)
			if tc.want == "" {
				if ok || len(ds) != 0 {
					t.Fatalf("want agreement, got %+v", ds)
				}
				return
			}
			if !ok {
				t.Fatalf("want a %q difference, got none", tc.want)
			}
			if d != ds[0] {
				t.Errorf("First = %+v, Compare[0] = %+v", d, ds[0])
			}
			if d.Label != tc.want {
				t.Fatalf("first difference = %+v; want label %q (all: %+v)", d, tc.want, ds)
			}
			for _, w := range tc.explain {
				if !strings.Contains(d.Explain, w) {
					t.Errorf("Explain %q does not mention %q", d.Explain, w)
				}
			}
			if tc.n > 0 && len(ds) != tc.n {
				t.Errorf("%d differences, want %d: %+v", len(ds), tc.n, ds)
			}
			if last := ds[len(ds)-1]; tc.want != "clock" && last.Label != "signature" {
				t.Errorf("last difference = %+v; want the signature", last)
			}
		})
	}
}

// TestCompareOAuth1Parts checks the URI, method and parameter value
// explanations on a real client trace against edited server traces.
func TestCompareOAuth1Parts(t *testing.T) {
	srv, last := diffRecorder(t)
	client := diffExchange(t, authn.Request{Method: "GET", URL: srv.URL + "/a/b?x=1", Scheme: "oauth1", Fields: diffOAuthFields()})
	good := diffServerOAuth1(t, last(), false)
	edit := func(label, value string) ServerTrace {
		s := good
		s.Values = append([]TraceValue(nil), good.Values...)
		for i := range s.Values {
			if s.Values[i].Label == label {
				s.Values[i].Value = value
			}
		}
		return s
	}
	val := func(label string) string {
		for _, v := range good.Values {
			if v.Label == label {
				return v.Value
			}
		}
		return ""
	}
	uri := val("base string URI")
	tests := []struct {
		name, label, value string
		want               string
		explain            string
		at                 int // -1: none, -2: some positive offset
	}{
		{"path", "base string URI", uri + "/", "base string URI", "trailing slash", len(uri)},
		{"scheme", "base string URI", "https" + strings.TrimPrefix(uri, "http"), "base string URI", "https", 4},
		{"method", "signature base string", "POST" + strings.TrimPrefix(val("signature base string"), "GET"), "method", "POST", -1},
		{"value", "parameter string", strings.Replace(val("parameter string"), "x=1", "x=2", 1), "parameter string", "parameter x", -1},
		{"extra", "parameter string", strings.Replace(val("parameter string"), "&x=1", "", 1), "parameter string", "x is in your parameter string but not the server's", -1},
		{"encoding only", "parameter string", strings.Replace(val("parameter string"), "x=1", "x=%31", 1), "parameter string", "encode", -2},
		{"altered signature", "received oauth_signature", "AAAA", "received signature", "changed on the way", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds := Compare(client, edit(tc.label, tc.value))
			diffAssertNoSecrets(t, ds, diffSecrets(diffOAuthFields()))
			if len(ds) == 0 {
				t.Fatal("no differences")
			}
			d := ds[0]
			if d.Label != tc.want || !strings.Contains(d.Explain, tc.explain) {
				t.Errorf("first = %+v; want label %q explaining %q", d, tc.want, tc.explain)
			}
			switch {
			case tc.at == -2 && d.At <= 0, tc.at != -2 && d.At != tc.at:
				t.Errorf("At = %d; want %d (-2: any positive offset)", d.At, tc.at)
			}
		})
	}
}

func TestCompareBasic(t *testing.T) {
	server := ServerTrace{Scheme: "basic", Values: []TraceValue{
		{"username", diffUser}, {"password length", strconv.Itoa(len(diffPassword))}}}
	tests := []struct {
		name, user, pass string
		want, explain    string
	}{
		{"agree", diffUser, diffPassword, "", ""},
		{"password too long", diffUser, diffPassword + " ", "password", "your password is 17 characters, the server's is 16"},
		{"wrong username", "Octocat", diffPassword, "username", `"octocat"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := diffRecorder(t)
			fields := map[string]string{"username": tc.user, "password": tc.pass}
			client := diffExchange(t, authn.Request{Method: "GET", URL: srv.URL + "/user", Scheme: "basic", Fields: fields})
			ds := Compare(client, server)
			diffAssertNoSecrets(t, ds, diffSecrets(fields))
			d, ok := First(client, server)
			if tc.want == "" {
				if ok {
					t.Fatalf("want agreement, got %+v", ds)
				}
				return
			}
			if !ok || d.Label != tc.want || !strings.Contains(d.Explain, tc.explain) {
				t.Fatalf("first = %+v (ok %v); want label %q explaining %q", d, ok, tc.want, tc.explain)
			}
		})
	}
}

func TestCompareBearer(t *testing.T) {
	srv, _ := diffRecorder(t)
	const tok = "ghp_secretTokenValue123"
	client := diffExchange(t, authn.Request{Method: "GET", URL: srv.URL + "/", Scheme: "bearer", Fields: map[string]string{"token": tok}})
	if _, ok := First(client, ServerTrace{Scheme: "bearer", Values: []TraceValue{{"token length", strconv.Itoa(len(tok))}}}); ok {
		t.Error("same length: want agreement")
	}
	ds := Compare(client, ServerTrace{Scheme: "bearer", Values: []TraceValue{{"token length", "40"}}})
	diffAssertNoSecrets(t, ds, []string{tok})
	if len(ds) != 1 || ds[0].Label != "token" || !strings.Contains(ds[0].Explain, "23 characters, the server's is 40") {
		t.Errorf("differences = %+v", ds)
	}
}

func TestNormLabel(t *testing.T) {
	for in, want := range map[string]string{
		"oauth_timestamp (pinned)": "oauth_timestamp",
		"oauth_nonce (random)":     "oauth_nonce",
		"Base String URI":          "base string uri",
		"signing key":              "signing key",
		"(odd)":                    "(odd)",
	} {
		if got := NormLabel(in); got != want {
			t.Errorf("normLabel(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestDiffersAreSchemes: every comparison belongs to a registered authn
// scheme, so a renamed scheme cannot silently lose its diff.
func TestDiffersAreSchemes(t *testing.T) {
	for name := range differs() {
		if _, err := authn.Lookup(name); err != nil {
			t.Errorf("differs()[%q]: %v; want the name of a registered authn scheme", name, err)
		}
	}
}

// diffSchemeTests: without the server's scheme name, the client's
// Authorization word picks the scheme, through the tokens each authn scheme
// states it answers.
var diffSchemeTests = []struct {
	server, authorization, want string
}{
	{"OAuth1", "Basic ZGVtbzp4", "oauth1"}, // the server's name wins
	{"", "Basic ZGVtbzp4", "basic"},
	{"", "basic ZGVtbzp4", "basic"},
	{"", `OAuth oauth_consumer_key="k"`, "oauth1"},
	{"", "AWS4-HMAC-SHA256 Credential=AKIA/20150830/us-east-1/iam/aws4_request", "sigv4"},
	{"", `Digest username="demo"`, "digest"},
	{"", "Bearer demo-token", "bearer"},
	{"", "Negotiate YII=", ""},
	{"", "", ""},
}

func TestDiffScheme(t *testing.T) {
	for _, tt := range diffSchemeTests {
		c := map[string]diffClientValue{}
		if tt.authorization != "" {
			c["authorization"] = diffClientValue{raw: "Authorization", text: tt.authorization, secret: true}
		}
		if got := diffScheme(tt.server, c); got != tt.want {
			t.Errorf("diffScheme(%q, Authorization %q) = %q; want %q", tt.server, tt.authorization, got, tt.want)
		}
	}
}

// noDiff are the schemes whose practice handlers compute nothing a client
// could get wrong on its own side: the server compares a key or a token it
// issued, and the trace shows it.
var noDiff = map[string]string{
	"apikey": "the key is compared as sent",
	"oauth2": "the token endpoint's error names the problem (RFC 6749 §5.2)",
	"mtls":   "the TLS handshake checks the client certificate; it is not an authn scheme",
}

// TestServedSchemesHaveDiffers: each scheme the practice server serves has
// a comparison of the client's trace with the server's, or says why it
// needs none; a new handler must add one of them.
func TestServedSchemesHaveDiffers(t *testing.T) {
	d := differs()
	for _, e := range New(Options{}).endpoints {
		for _, name := range strings.Split(e.Scheme, ",") {
			name = strings.TrimSpace(name)
			if _, ok := d[name]; !ok && noDiff[name] == "" {
				t.Errorf("practice endpoint %s %s serves scheme %s, which has no differ: add one to differs() (diff.go) and its file, or a reason to noDiff", e.Method, e.Path, name)
			}
		}
	}
}
