package authn

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// RFC 7617 §2 and §2.1 test vectors.
var basicVectors = []struct {
	user, pass, want string
}{
	{"Aladdin", "open sesame", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="}, // RFC 7617 §2
	{"test", "123£", "Basic dGVzdDoxMjPCow=="},                       // RFC 7617 §2.1, UTF-8
	{"user", "", "Basic dXNlcjo="},
}

func authorize(t *testing.T, scheme string, fields map[string]string) (*Outgoing, *Trace) {
	t.Helper()
	s, err := Lookup(scheme)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := s.Info().Validate(fields)
	if err != nil {
		t.Fatalf("Validate(%v) = %v", fields, err)
	}
	u, _ := url.Parse("https://example.com/path?x=1")
	out := &Outgoing{Method: "GET", URL: u, Header: http.Header{}}
	tr := &Trace{}
	if err := s.Authorize(out, creds, Env{}, tr); err != nil {
		t.Fatalf("Authorize = %v", err)
	}
	return out, tr
}

func TestBasicVectors(t *testing.T) {
	for _, v := range basicVectors {
		out, tr := authorize(t, "basic", map[string]string{"username": v.user, "password": v.pass})
		if got := out.Header.Get("Authorization"); got != v.want {
			t.Errorf("basic(%q, %q) = %q; want %q", v.user, v.pass, got, v.want)
		}
		if len(out.Added) != 1 || out.Added[0].Masked != "Basic "+Mask("") {
			t.Errorf("basic(%q, %q) recorded %+v; want one masked Authorization", v.user, v.pass, out.Added)
		}
		if len(tr.Steps) != 4 {
			t.Fatalf("basic trace has %d steps; want 4", len(tr.Steps))
		}
		if !strings.Contains(tr.Steps[2].Note, "not encryption") {
			t.Errorf("base64 step note = %q; want the encoding-not-encryption warning", tr.Steps[2].Note)
		}
		if got := tr.Steps[2].Values[0].Text; "Basic "+got != v.want {
			t.Errorf("base64 step value = %q; want %q", got, strings.TrimPrefix(v.want, "Basic "))
		}
		assertSecretsFlagged(t, tr, v.pass)
	}
}

func TestBasicUTF8Bytes(t *testing.T) {
	_, tr := authorize(t, "basic", map[string]string{"username": "test", "password": "123£"})
	// "test:123£" is 10 bytes: £ is C2 A3 in UTF-8.
	if got, want := tr.Steps[1].Values[0].Text, "74 65 73 74 3a 31 32 33 c2 a3"; got != want {
		t.Errorf("UTF-8 bytes = %q; want %q", got, want)
	}
	if got := tr.Steps[1].Values[0].Shown(false); strings.Contains(got, "c2 a3") {
		t.Errorf("masked bytes %q reveal the password", got)
	}
}

// assertSecretsFlagged fails when a secret appears in a value not flagged as
// secret, or in a masked rendering.
func assertSecretsFlagged(t *testing.T, tr *Trace, secrets ...string) {
	t.Helper()
	for _, s := range tr.Steps {
		for _, v := range s.Values {
			for _, sec := range secrets {
				if len(sec) < 3 {
					continue
				}
				if !v.Secret && strings.Contains(v.Text, sec) {
					t.Errorf("step %q value %q shows secret %q without the secret flag", s.Title, v.Label, sec)
				}
				if strings.Contains(v.Shown(false), sec) {
					t.Errorf("step %q value %q masked rendering %q contains the secret", s.Title, v.Label, v.Shown(false))
				}
			}
		}
	}
}

func TestBasicRejectsColonInUser(t *testing.T) {
	s, _ := Lookup("basic")
	creds, _ := s.Info().Validate(map[string]string{"username": "a:b", "password": "x"})
	u, _ := url.Parse("http://h/")
	err := s.Authorize(&Outgoing{URL: u, Header: http.Header{}}, creds, Env{}, &Trace{})
	if _, ok := err.(*InputError); !ok {
		t.Fatalf("Authorize(user with colon) = %v; want *InputError", err)
	}
}

func TestBearerAndAPIKey(t *testing.T) {
	out, tr := authorize(t, "bearer", map[string]string{"token": "abc.def-ghi"})
	if got, want := out.Header.Get("Authorization"), "Bearer abc.def-ghi"; got != want {
		t.Errorf("bearer header = %q; want %q", got, want)
	}
	assertSecretsFlagged(t, tr, "abc.def-ghi")

	out, tr = authorize(t, "apikey", map[string]string{"name": "X-API-Key", "value": "k3y-secret"})
	if got := out.Header.Get("X-Api-Key"); got != "k3y-secret" {
		t.Errorf("apikey header = %q; want %q", got, "k3y-secret")
	}
	assertSecretsFlagged(t, tr, "k3y-secret")

	out, tr = authorize(t, "apikey", map[string]string{"name": "api_key", "value": "k3y-secret", "in": "query"})
	if got, want := out.URL.RawQuery, "x=1&api_key=k3y-secret"; got != want {
		t.Errorf("apikey query = %q; want %q", got, want)
	}
	assertSecretsFlagged(t, tr, "k3y-secret")
	sent := SentRequest{URL: out.URL, Credentials: out.Added}
	if got, want := sent.DisplayURL(false), "https://example.com/path?x=1&api_key="+Mask(""); got != want {
		t.Errorf("DisplayURL(false) = %q; want %q", got, want)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		scheme string
		fields map[string]string
		want   string // substring of the error; "" = no error
	}{
		{"basic", map[string]string{"username": "u"}, ""},
		{"basic", map[string]string{}, `needs field "username"`},
		{"basic", map[string]string{"username": "u", "pasword": "x"}, `has no field "pasword"`},
		{"apikey", map[string]string{"name": "n", "value": "v", "in": "cookie"}, `cannot be "cookie"`},
		{"bearer", map[string]string{}, `needs field "token"`},
	}
	for _, tt := range tests {
		s, _ := Lookup(tt.scheme)
		_, err := s.Info().Validate(tt.fields)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if tt.want == "" && err != nil || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s.Validate(%v) = %q; want error containing %q", tt.scheme, tt.fields, got, tt.want)
		}
	}
	if _, err := Lookup("kerberos"); err == nil || !strings.Contains(err.Error(), "basic") {
		t.Errorf("Lookup(kerberos) = %v; want an error listing the schemes", err)
	}
}

func TestDisplayBodyMasksOnlyCredentials(t *testing.T) {
	s := SentRequest{
		Body:        []byte("status=a%20b;c&oauth_signature=c2ln&x=1"),
		Credentials: []Credential{{Where: InBody, Name: "oauth_signature", Value: "c2ln", Masked: Mask("")}, {Where: InBody, Name: "oauth_nonce", Value: "n", Masked: "n"}},
	}
	if got, want := string(s.DisplayBody(false)), "status=a%20b;c&oauth_signature="+Mask("")+"&x=1"; got != want {
		t.Errorf("DisplayBody(false) = %q; want %q", got, want)
	}
	if got := string(s.DisplayBody(true)); got != string(s.Body) {
		t.Errorf("DisplayBody(true) = %q; want the body as sent", got)
	}
}

// InputError names the field at fault, so a form can mark it.
func TestInputErrorNamesField(t *testing.T) {
	tests := []struct {
		req   Request
		field string
	}{
		{Request{URL: "http://h/", Scheme: "bearer"}, "token"},
		{Request{URL: "http://h/", Scheme: "bearer", Fields: map[string]string{"token": "a b"}}, "token"},
		{Request{URL: "http://h/", Scheme: "basic", Fields: map[string]string{"username": "a:b"}}, "username"},
		{Request{URL: "http://h/", Scheme: "oauth1", Fields: map[string]string{"consumer_key": "k", "signature_method": "RSA-SHA1"}}, "private_key"},
		{Request{URL: "http://h/", Scheme: "oauth1", Fields: map[string]string{"consumer_key": "k", "consumer_secret": "s", "timestamp": "soon"}}, "timestamp"},
	}
	for _, tt := range tests {
		_, err := send(t, Options{}, tt.req)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != tt.field {
			t.Errorf("Exchange(%+v) = %v; want an InputError for field %q", tt.req.Fields, err, tt.field)
		}
	}
}
