package practice

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// observed runs a server whose observer records events.
func observed(t *testing.T) (url string, last func() Event) {
	t.Helper()
	var mu sync.Mutex
	var evs []Event
	ts := startServer(t, Options{Observe: func(e Event) { mu.Lock(); evs = append(evs, e); mu.Unlock() }})
	return ts.URL, func() Event {
		mu.Lock()
		defer mu.Unlock()
		if len(evs) == 0 {
			t.Fatal("no event")
		}
		return evs[len(evs)-1]
	}
}

// Mistake categories of real requests signed by authn (another
// implementation than the server's): what the server can tell from what it
// checked.
func TestMistakeOAuth1(t *testing.T) {
	u, last := observed(t)
	verify := u + "/twitter/1.1/account/verify_credentials.json"
	for _, tt := range []struct {
		name   string
		clock  time.Time
		fields map[string]string
		want   string
	}{
		{"right", srvNow, nil, ""},
		{"no token secret", srvNow, map[string]string{"token_secret": ""}, "token secret missing"},
		{"swapped", srvNow, map[string]string{"consumer_secret": DemoTokenSecret, "token_secret": DemoConsumerSecret}, "secrets swapped"},
		{"wrong consumer secret", srvNow, map[string]string{"consumer_secret": "nope"}, "signature mismatch"},
		{"clock behind", srvNow.Add(-10 * time.Minute), nil, "clock 10 min behind"},
		{"clock ahead", srvNow.Add(3 * time.Hour), nil, "clock 3 h ahead"},
		{"unknown token", srvNow, map[string]string{"token": "nope"}, "unknown access token"},
		{"wrong consumer key", srvNow, map[string]string{"consumer_key": "nope"}, "wrong consumer key"},
	} {
		oauthCall(t, tt.clock, "GET", verify, "", tt.fields)
		if e := last(); e.Mistake != tt.want {
			t.Errorf("%s: Mistake = %q (verdict %q); want %q", tt.name, e.Mistake, e.Trace.Verdict, tt.want)
		}
	}
}

func TestMistakeOthers(t *testing.T) {
	u, last := observed(t)
	for _, tt := range []struct {
		name, method, path, body string
		headers                  []string
		want                     string
	}{
		{"basic ok", "GET", "/github/user", "", []string{"Authorization: Basic ZGVtbzpkZW1vLXBhc3N3b3Jk"}, ""},
		{"basic wrong password", "GET", "/github/user", "", []string{"Authorization: Basic ZGVtbzp4"}, "wrong password"},
		{"basic unknown user", "GET", "/github/user", "", []string{"Authorization: Basic eDp4"}, "unknown user"},
		{"digest challenge", "GET", "/digest", "", nil, ""},
		{"apikey wrong", "GET", "/apikey", "", []string{"X-API-Key: nope"}, "wrong API key"},
		{"bearer expired", "GET", "/bearer", "", []string{"Authorization: Bearer " + DemoExpiredToken}, "token expired"},
		{"jwt none", "GET", "/jwt", "", []string{"Authorization: Bearer eyJhbGciOiJub25lIn0.e30."}, "unsigned JWT (alg none)"},
		{"sigv4 none", "GET", "/aws", "", nil, "no Authorization header"},
		{"oidc userinfo revoked", "GET", "/oidc/userinfo", "", []string{"Authorization: Bearer at-0123456789abcdef"}, "token unknown or revoked"},
		{"oidc no openid", "POST", "/oidc/token", "grant_type=client_credentials&scope=read", []string{"Content-Type: application/x-www-form-urlencoded", "Authorization: Basic ZGVtby1jbGllbnQ6ZGVtby1jbGllbnQtc2VjcmV0"}, "openid missing from scope"},
	} {
		send(t, tt.method, u+tt.path, tt.body, tt.headers...)
		if e := last(); e.Mistake != tt.want {
			t.Errorf("%s: Mistake = %q (verdict %q); want %q", tt.name, e.Mistake, e.Trace.Verdict, tt.want)
		}
	}
}

var clockWordsTests = []struct {
	d    time.Duration
	want string
}{
	{-600 * time.Second, "clock 10 min behind"},
	{-620 * time.Second, "clock 10 min behind"},
	{45 * time.Second, "clock 45 s ahead"},
	{-89 * time.Minute, "clock 89 min behind"},
	{2 * time.Hour, "clock 2 h ahead"},
}

func TestClockWords(t *testing.T) {
	for _, tt := range clockWordsTests {
		if got := clockWords(tt.d); got != tt.want {
			t.Errorf("clockWords(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
	if got := sigv4ClockMistake("20231114T220320Z", "20231114T221320Z"); got != "clock 10 min behind" {
		t.Errorf("sigv4ClockMistake(10 min behind) = %q", got)
	}
}

var credentialLabelTests = []struct {
	label string
	want  bool
}{
	{"user_code", true}, {"oauth_token", true}, {"issued oauth_token", true}, {"oauth_verifier", true},
	{"oauth_signature", true}, {"received oauth_signature", true}, {"signature", true}, {"expected signature", true},
	{"response", true}, {"received response", true}, {"some new token", true},
	{"token length", false}, {"token source", false}, {"oauth_signature_method", false}, {"signature base string", false},
	{"signature check", false}, {"code_challenge", false}, {"username", false}, {"nonce", false}, {"clock difference", false},
}

func TestIsCredentialLabel(t *testing.T) {
	for _, tt := range credentialLabelTests {
		if got := IsCredentialLabel(tt.label); got != tt.want {
			t.Errorf("IsCredentialLabel(%q) = %v; want %v", tt.label, got, tt.want)
		}
	}
	m := MaskTrace(ServerTrace{Values: []TraceValue{{"user_code", "WDJB-MJHT"}, {"username", strings.Repeat("x", 3000)}}})
	if m.Values[0].Value != "•••• (masked, 9 chars)" || len([]rune(m.Values[1].Value)) > maxEventValue+20 {
		t.Errorf("MaskTrace = %q", m.Values)
	}
}
