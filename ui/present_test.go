package ui

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
)

// presentSends are sends to the real practice server whose traces hold a
// credential that works by itself: each with a secret the server does not
// hold, so the server's expected value differs from what the client sent.
var presentSends = []struct {
	name   string
	method string
	path   string
	scheme string
	fields map[string]string
}{
	{"oauth1", "GET", "/twitter/1.1/account/verify_credentials.json", "oauth1", map[string]string{
		"consumer_key": practice.DemoConsumerKey, "consumer_secret": practice.DemoConsumerSecret,
		"token": practice.DemoAccessToken, "token_secret": "not-the-token-secret",
		"nonce": "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "timestamp": "1795953600"}},
	{"jwt", "GET", "/jwt", "jwt", map[string]string{"alg": "HS256", "secret": "not-the-demo-jwt-secret", "claims": `{"sub":"demo"}`}},
	{"sigv4", "GET", "/aws", "sigv4", map[string]string{"access_key": practice.DemoAWSAccessKey, "secret_key": "not-the-aws-secret-key",
		"region": practice.DemoAWSRegion, "service": practice.DemoAWSService, "date": "20261129T120000Z"}},
	{"digest", "GET", "/digest", "digest", map[string]string{"username": practice.DemoUser, "password": "not-the-password", "cnonce": "0a4f113b"}},
}

var presentNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// practiceExchange sends one request to a real practice server on
// loopback.
func practiceExchange(t *testing.T, method, path, scheme string, fields map[string]string) *authn.Result {
	t.Helper()
	srv := httptest.NewServer(practice.New(practice.Options{Now: func() time.Time { return presentNow }}).Handler())
	t.Cleanup(srv.Close)
	eng := authn.New(authn.Options{Now: func() time.Time { return presentNow }})
	t.Cleanup(eng.Close)
	res, err := eng.Exchange(context.Background(), authn.Request{Method: method, URL: srv.URL + path, Scheme: scheme, Fields: fields})
	if res == nil || res.Final() == nil || res.Final().Response == nil {
		t.Fatalf("Exchange(%s %s) = %v, %v; want a response", method, path, res, err)
	}
	if res.Final().Response.Header.Get(practice.TraceHeader) == "" {
		t.Fatalf("%s %s: the practice server sent no trace header", method, path)
	}
	return res
}

// liveValues are the credentials of res that presenter mode must not show:
// the client's Live and secret trace values and the server's signatures
// and responses (decoded from its trace header), and, for the JWT, the
// signature the server expects computed here from the published demo
// secret (practice.DemoJWTSecret), independently of both traces.
func liveValues(t *testing.T, res *authn.Result) []string {
	t.Helper()
	var out []string
	for _, s := range res.Trace.Steps {
		for _, v := range s.Values {
			if (v.Live || v.Secret) && len(v.Text) >= 8 {
				out = append(out, v.Text)
			}
			if v.Label == "signing input" && res.Scheme.Name == "jwt" {
				mac := hmac.New(sha256.New, []byte(practice.DemoJWTSecret))
				mac.Write([]byte(v.Text))
				out = append(out, base64.RawURLEncoding.EncodeToString(mac.Sum(nil)))
			}
		}
	}
	st, err := practice.DecodeTrace(res.Final().Response.Header.Get(practice.TraceHeader))
	if err != nil {
		t.Fatal(err)
	}
	server := 0
	for _, v := range st.Values {
		if liveServerLabel(v.Label) && len(v.Value) >= 8 {
			out = append(out, v.Value)
			server++
		}
	}
	if server == 0 {
		t.Fatalf("%s: the server's trace has no signature or response: %+v", res.Scheme.Name, st.Values)
	}
	return out
}

// leaked returns the first of values found in out, as it is or
// percent-encoded (RFC 3986 §2.1, as OAuth 1.0a sends a signature).
func leaked(out string, values []string) (string, bool) {
	for _, v := range values {
		for _, form := range []string{v, authn.PercentEncode(v), url.QueryEscape(v)} {
			if strings.Contains(out, form) {
				return form, true
			}
		}
	}
	return "", false
}

// TestPresenterPrinterHidesLiveCredentials: under `send --present --trace
// -v` and `--json`, no signature (the client's, the one the server
// received, the one it expected), no Digest response and no raw practice
// trace header is printed; without presenter mode the server's expected
// values are printed (so the check can fail).
func TestPresenterPrinterHidesLiveCredentials(t *testing.T) {
	for _, tt := range presentSends {
		res := practiceExchange(t, tt.method, tt.path, tt.scheme, tt.fields)
		live := liveValues(t, res)
		raw := res.Final().Response.Header.Get(practice.TraceHeader)
		outputs := func(p Printer) map[string]string {
			var a, b bytes.Buffer
			p.Out = &a
			if err := p.Print(res); err != nil {
				t.Fatal(err)
			}
			p.Out = &b
			if err := p.PrintJSON(res); err != nil {
				t.Fatal(err)
			}
			return map[string]string{"--trace -v": a.String(), "--json": b.String()}
		}
		for name, out := range outputs(Printer{Trace: true, Verbose: true, Present: true, Reveal: true}) {
			if v, ok := leaked(out, live); ok {
				t.Errorf("%s: send --present %s prints the live credential %q:\n%s", tt.name, name, v, out)
			}
			if strings.Contains(out, raw[:min(len(raw), 40)]) {
				t.Errorf("%s: send --present %s prints the raw %s header", tt.name, name, practice.TraceHeader)
			}
			if name == "--trace -v" && !strings.Contains(out, "Practice server") {
				t.Errorf("%s: send --present --trace lost the comparison with the practice server:\n%s", tt.name, out)
			}
		}
		plain := outputs(Printer{Trace: true, Verbose: true})
		if _, ok := leaked(plain["--trace -v"], live); !ok {
			t.Errorf("%s: without --present, send --trace shows none of %q: the check would pass on anything", tt.name, live)
		}
	}
}

// TestPresenterComparisonKeepsVerdict: masking happens after the
// comparison, so presenter mode reports the same first difference.
func TestPresenterComparisonKeepsVerdict(t *testing.T) {
	for _, tt := range presentSends {
		res := practiceExchange(t, tt.method, tt.path, tt.scheme, tt.fields)
		c, ok := Compare(res)
		if !ok {
			t.Fatalf("%s: Compare ok = false", tt.name)
		}
		p := c.Presenting()
		if p.Outcome() != c.Outcome() || p.First.Label != c.First.Label || p.Summary() != c.Summary() {
			t.Errorf("%s: Presenting() changed the verdict: %q (%q); want %q (%q)", tt.name, p.Summary(), p.First.Label, c.Summary(), c.First.Label)
		}
		if len(p.Rows) != len(c.Rows) {
			t.Errorf("%s: Presenting() has %d rows; want %d", tt.name, len(p.Rows), len(c.Rows))
		}
		if c.Rows[0].Server == authn.Mask("") && c.Rows[0].ServerMasked {
			t.Errorf("%s: Presenting() changed the comparison it was called on", tt.name)
		}
	}
}

var liveLabelTests = []struct {
	label string
	want  bool
}{
	{"oauth_signature", true},
	{"received oauth_signature", true},
	{"expected signature", true},
	{"received signature", true},
	{"signature", true},
	{"response", true},
	{"received response", true},
	{"signature base string", false},
	{"signature valid", false},
	{"signature length", false},
	{"signature check", false},
	{"oauth_signature_method", false},
	{"secret length", false},
	{"nonce", false},
}

func TestLiveServerLabel(t *testing.T) {
	for _, tt := range liveLabelTests {
		if got := liveServerLabel(tt.label); got != tt.want {
			t.Errorf("liveServerLabel(%q) = %v; want %v", tt.label, got, tt.want)
		}
	}
}

func TestPresentHeader(t *testing.T) {
	h := http.Header{"Content-Type": {"application/json"}, http.CanonicalHeaderKey(practice.TraceHeader): {"eyJlbmRwb2ludCI6Ii9qd3QifQ=="}}
	got := PresentHeader(h)
	if v := got.Get(practice.TraceHeader); strings.Contains(v, "eyJlbmRwb2ludCI6Ii9qd3QifQ") || !strings.Contains(v, "presenter mode") {
		t.Errorf("PresentHeader: %s = %q; want a note in its place", practice.TraceHeader, v)
	}
	if got.Get("Content-Type") != "application/json" {
		t.Errorf("PresentHeader: Content-Type = %q; want it kept", got.Get("Content-Type"))
	}
	if h.Get(practice.TraceHeader) != "eyJlbmRwb2ludCI6Ii9qd3QifQ==" {
		t.Errorf("PresentHeader changed its argument")
	}
}
