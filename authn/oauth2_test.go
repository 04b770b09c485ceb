package authn

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// RFC 7636 Appendix B: the verifier made of the octets listed there and
// the S256 challenge derived from it.
func TestOAuth2PKCEVectorRFC7636AppendixB(t *testing.T) {
	octets := []byte{116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173,
		187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83,
		132, 141, 121}
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	got, err := oauth2RandomString(bytes.NewReader(octets), 32)
	if err != nil {
		t.Fatal(err)
	}
	if got != verifier {
		t.Errorf("oauth2RandomString(appendix B octets) = %q; want %q", got, verifier)
	}
	digest, ch := oauth2PKCE(verifier)
	if ch != challenge {
		t.Errorf("oauth2PKCE(%q) challenge = %q; want %q", verifier, ch, challenge)
	}
	// The digest shown in the trace is the SHA-256 octets Appendix B lists:
	// 19 211 30 150 26 26 216 236 47 22 177 12 76 152 46 8 118 168 120 173
	// 109 241 68 86 110 225 137 74 203 112 249 195.
	const wantDigest = "13d31e961a1ad8ec2f16b10c4c982e0876a878ad6df144566ee1894acb70f9c3"
	if digest != wantDigest {
		t.Errorf("oauth2PKCE(%q) digest = %q; want %q", verifier, digest, wantDigest)
	}
}

var oauth2ParseTests = []struct {
	name        string
	status      int
	ctype, body string
	token       string // "" when no token is expected
	expiresIn   int64
	code        string
	problem     string // substring
}{
	{"JSON", 200, "application/json", `{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"example","expires_in":3600,"refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA"}`, "2YotnFZFEjr1zCsicMWpAA", 3600, "", ""},
	{"expires_in as string", 200, "application/json; charset=utf-8", `{"access_token":"abcd","token_type":"Bearer","expires_in":"120"}`, "abcd", 120, "", ""},
	{"negative expires_in ignored", 200, "application/json", `{"access_token":"abcd","expires_in":-5}`, "abcd", 0, "", ""},
	{"form (GitHub legacy)", 200, "application/x-www-form-urlencoded", `access_token=e72e16c7e42f292c6912e7710c838347ae178b4a&scope=repo&token_type=bearer`, "e72e16c7e42f292c6912e7710c838347ae178b4a", 0, "", ""},
	{"RFC 6749 5.2 error", 400, "application/json", `{"error":"invalid_request","error_description":"missing grant_type"}`, "", 0, "invalid_request", ""},
	{"error with 200", 200, "application/json", `{"error":"authorization_pending"}`, "", 0, "authorization_pending", ""},
	{"HTML login page", 200, "text/html", `<!DOCTYPE html><html><body>Sign in</body></html>`, "", 0, "", "HTML page"},
	{"HTML without type", 404, "", `<html><body>Not Found</body></html>`, "", 0, "", "HTML page"},
	{"JSON without access_token", 200, "application/json", `{"login":"octocat"}`, "", 0, "", "no access_token"},
	{"not JSON", 200, "application/json", `{"access_token":`, "", 0, "", "not a JSON object"},
	{"plain text", 500, "text/plain", `oops`, "", 0, "", "text/plain"},
	{"empty", 204, "", ``, "", 0, "", "empty"},
}

func TestOAuth2ParseTokenResponse(t *testing.T) {
	for _, tt := range oauth2ParseTests {
		got := oauth2ParseTokenResponse(tt.status, tt.ctype, []byte(tt.body))
		switch {
		case tt.token != "":
			if got.tok == nil || got.tok.AccessToken != tt.token || got.tok.ExpiresIn != tt.expiresIn {
				t.Errorf("%s: oauth2ParseTokenResponse(%q) = %+v; want token %q expiring in %d", tt.name, tt.body, got.tok, tt.token, tt.expiresIn)
			}
		case got.tok != nil:
			t.Errorf("%s: oauth2ParseTokenResponse(%q) gave a token %q; want none", tt.name, tt.body, got.tok.AccessToken)
		}
		if got.code != tt.code {
			t.Errorf("%s: oauth2ParseTokenResponse(%q) code = %q; want %q", tt.name, tt.body, got.code, tt.code)
		}
		if !strings.Contains(got.problem, tt.problem) {
			t.Errorf("%s: oauth2ParseTokenResponse(%q) problem = %q; want it to contain %q", tt.name, tt.body, got.problem, tt.problem)
		}
	}
}

// FuzzOAuth2TokenResponse: the parser of untrusted token responses never
// panics, and a token it returns is never empty nor paired with an error.
func FuzzOAuth2TokenResponse(f *testing.F) {
	for _, tt := range oauth2ParseTests {
		f.Add(tt.status, tt.ctype, []byte(tt.body))
	}
	f.Add(200, "application/json", []byte(`{"access_token":"x","expires_in":1e400}`))
	f.Add(200, "application/json", []byte(`{"access_token":["x"],"scope":null}`))
	f.Add(200, "text/plain", []byte("access_token=%zz"))
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		got := oauth2ParseTokenResponse(status, ctype, body)
		if got.tok != nil {
			if got.tok.AccessToken == "" || got.code != "" || got.problem != "" {
				t.Fatalf("token %+v with code %q problem %q", got.tok, got.code, got.problem)
			}
			if got.tok.ExpiresIn < 0 {
				t.Fatalf("negative ExpiresIn %d", got.tok.ExpiresIn)
			}
		}
	})
}

// FuzzOAuth2DeviceAuth: the device authorization response parser never
// panics and never returns negative durations.
func FuzzOAuth2DeviceAuth(f *testing.F) {
	f.Add([]byte(`{"device_code":"GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS","user_code":"WDJB-MJHT","verification_uri":"https://example.com/device","verification_uri_complete":"https://example.com/device?user_code=WDJB-MJHT","expires_in":1800,"interval":5}`))
	f.Add([]byte(`{"device_code":"d","user_code":"u","verification_url":"https://www.google.com/device","expires_in":"1800"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := oauth2ParseDeviceAuth(body)
		if d.expiresIn < 0 || d.interval < 0 {
			t.Fatalf("negative durations %+v", d)
		}
		if err == nil && (d.deviceCode == "" || d.userCode == "" || d.verifyURI == "") {
			t.Fatalf("accepted an incomplete response %+v", d)
		}
	})
}

func TestOAuth2ParseDeviceAuthRFC8628Example(t *testing.T) {
	// RFC 8628 §3.2's example response.
	body := `{"device_code": "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS","user_code": "WDJB-MJHT","verification_uri": "https://example.com/device","verification_uri_complete":"https://example.com/device?user_code=WDJB-MJHT","expires_in": 1800,"interval": 5}`
	d, err := oauth2ParseDeviceAuth([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if d.userCode != "WDJB-MJHT" || d.expiresIn != 30*time.Minute || d.interval != 5*time.Second || d.verifyComplete != "https://example.com/device?user_code=WDJB-MJHT" {
		t.Errorf("oauth2ParseDeviceAuth(RFC 8628 §3.2) = %+v", d)
	}
}

var oauth2SafeURLTests = []struct{ in, want string }{
	{"https://example.com/device", "https://example.com/device"},
	{"javascript:alert(1)", ""},
	{"file:///etc/passwd", ""},
	{"//example.com", ""},
}

func TestOAuth2SafeURL(t *testing.T) {
	for _, tt := range oauth2SafeURLTests {
		if got := oauth2SafeURL(tt.in); got != tt.want {
			t.Errorf("oauth2SafeURL(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// RFC 6749 §2.3.1: client_id and client_secret are form-urlencoded before
// they are joined for Basic, so a secret with a colon or space survives.
func TestOAuth2BasicClientAuthEncodesFirst(t *testing.T) {
	tr := &Trace{}
	r := &oauth2Run{c: &Call{Trace: tr}, p: &oauth2Plan{clientID: "my client", clientSecret: "p:ss w+rd", auth: "basic"}}
	out := &Outgoing{Header: http.Header{}}
	r.applyClientAuth(out)
	req := &http.Request{Header: out.Header}
	user, pass, ok := req.BasicAuth()
	if !ok || user != "my+client" || pass != "p%3Ass+w%2Brd" {
		t.Fatalf("Basic user, pass = %q, %q; want %q, %q", user, pass, "my+client", "p%3Ass+w%2Brd")
	}
	if u, _ := url.QueryUnescape(pass); u != "p:ss w+rd" {
		t.Errorf("decoded secret = %q", u)
	}
	if len(out.Added) != 1 || out.Added[0].Masked == out.Added[0].Value {
		t.Errorf("Added = %+v; want the header recorded masked", out.Added)
	}
	for _, st := range tr.Steps {
		for _, v := range st.Values {
			if strings.Contains(v.Shown(false), "w%2Brd") || strings.Contains(v.Shown(false), "p:ss") {
				t.Errorf("step %q shows the secret: %q", st.Title, v.Shown(false))
			}
		}
	}
}

func TestOAuth2TokenErrorReadsAsOneLine(t *testing.T) {
	e := &oauth2TokenError{endpoint: "token endpoint", request: "client_credentials", status: 401, code: "invalid_client",
		desc: oauth2OneLine("Client authentication\n failed"), retrieve: &oauth2.RetrieveError{ErrorCode: "invalid_client"}}
	const want = "token endpoint refused the client_credentials request: 401 invalid_client: Client authentication failed"
	if e.Error() != want {
		t.Errorf("Error() = %q; want %q", e.Error(), want)
	}
	var re *oauth2.RetrieveError
	if !errors.As(error(e), &re) || re.ErrorCode != "invalid_client" {
		t.Errorf("errors.As(RetrieveError) failed")
	}
}

var oauth2NeedTests = []struct {
	fields map[string]string
	field  string
}{
	{map[string]string{"grant": "refresh_token"}, "refresh_token"},
	{map[string]string{"grant": "device_code"}, "device_auth_url"},
	{map[string]string{"grant": "authorization_code"}, "auth_url"},
	{map[string]string{"grant": "password", "username": "u"}, "password"},
	{map[string]string{"token_url": "ftp://x"}, "token_url"},
}

// Each grant names the missing field it needs, before anything is sent.
func TestOAuth2PlanNamesMissingField(t *testing.T) {
	for _, tt := range oauth2NeedTests {
		raw := map[string]string{"token_url": "https://as.example/token", "client_id": "c"}
		for k, v := range tt.fields {
			raw[k] = v
		}
		creds, err := oauth2Scheme{}.Info().Validate(raw)
		if err != nil {
			t.Fatal(err)
		}
		_, err = oauth2NewPlan(creds)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != tt.field {
			t.Errorf("oauth2NewPlan(%v) = %v; want an InputError for field %q", tt.fields, err, tt.field)
		}
	}
}

// The poll wait ends promptly when the context is cancelled.
func TestOAuth2WaitCancellable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	start := time.Now()
	err := oauth2Wait(ctx, time.Now, time.Minute)
	if err == nil || time.Since(start) > time.Second {
		t.Errorf("oauth2Wait after cancel = %v in %s; want an error at once", err, time.Since(start))
	}
}

var oauth2WordsTests = []struct {
	d    time.Duration
	want string
}{
	{2 * time.Second, "2 s"},
	{3600 * time.Second, "1 h"},
	{3599 * time.Second, "59 min 59 s"},
	{90 * time.Minute, "1 h 30 min"},
	{72 * time.Hour, "3 days"},
}

func TestOAuth2Words(t *testing.T) {
	for _, tt := range oauth2WordsTests {
		if got := oauth2Words(tt.d); got != tt.want {
			t.Errorf("oauth2Words(%s) = %q; want %q", tt.d, got, tt.want)
		}
	}
}
