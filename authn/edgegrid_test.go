package authn

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// edgegridTestData is authn/testdata/edgegrid/testdata.json (Akamai's).
type edgegridTestData struct {
	BaseURL         string   `json:"base_url"`
	AccessToken     string   `json:"access_token"`
	ClientToken     string   `json:"client_token"`
	ClientSecret    string   `json:"client_secret"`
	MaxBody         int      `json:"max_body"`
	HeadersToSign   []string `json:"headers_to_sign"`
	Nonce           string   `json:"nonce"`
	Timestamp       string   `json:"timestamp"`
	SignKeyTest     string   `json:"sign_key_test"`
	ContentHashTest string   `json:"content_hash_test"`
}

// edgegridTestCase is one case of testcases.json.
type edgegridTestCase struct {
	TestName string `json:"testName"`
	Request  struct {
		Method  string              `json:"method"`
		Path    string              `json:"path"`
		Data    *string             `json:"data"`
		Headers []map[string]string `json:"headers"`
	} `json:"request"`
	FailsWithMessage      string `json:"failsWithMessage"`
	ExpectedAuthorization string `json:"expectedAuthorization"`
	ExpectedDataToSign    *string
	RawDataToSign         json.RawMessage `json:"expectedDataToSign"`
}

func edgegridLoad(t *testing.T) (edgegridTestData, []edgegridTestCase) {
	t.Helper()
	var d edgegridTestData
	var cs []edgegridTestCase
	for name, v := range map[string]any{"testdata.json": &d, "testcases.json": &cs} {
		b, err := os.ReadFile("testdata/edgegrid/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for i := range cs {
		if len(cs[i].RawDataToSign) > 0 {
			var s string
			if err := json.Unmarshal(cs[i].RawDataToSign, &s); err != nil {
				t.Fatal(err)
			}
			cs[i].ExpectedDataToSign = &s
		}
	}
	if len(cs) != 15 {
		t.Fatalf("testcases.json has %d cases; want 15", len(cs))
	}
	return d, cs
}

// edgegridVectorCreds are the fields of Akamai's test data.
func edgegridVectorCreds(t *testing.T, d edgegridTestData) Credentials {
	t.Helper()
	c, err := edgegrid{}.Info().Validate(map[string]string{
		"client_token": d.ClientToken, "client_secret": d.ClientSecret, "access_token": d.AccessToken,
		"headers_to_sign": strings.Join(d.HeadersToSign, ","), "max_body": strconv.Itoa(d.MaxBody),
		"timestamp": d.Timestamp, "nonce": d.Nonce,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// edgegridValue returns the first trace value whose normalised label is label.
func edgegridValue(tr *Trace, label string) (Value, bool) {
	for _, s := range tr.Steps {
		for _, v := range s.Values {
			l := strings.ToLower(v.Label)
			if i := strings.Index(l, " ("); i > 0 {
				l = l[:i]
			}
			if l == label {
				return v, true
			}
		}
	}
	return Value{}, false
}

// TestEdgeGridVectors signs every request of Akamai's published test cases
// (authn/testdata/edgegrid, from AkamaiOPEN-edgegrid-python) and compares
// the Authorization header and, where the case lists it, the data to sign.
func TestEdgeGridVectors(t *testing.T) {
	d, cases := edgegridLoad(t)
	creds := edgegridVectorCreds(t, d)
	for _, c := range cases {
		t.Run(c.TestName, func(t *testing.T) {
			base, err := url.Parse(d.BaseURL)
			if err != nil {
				t.Fatal(err)
			}
			u, err := base.Parse(c.Request.Path)
			if err != nil {
				t.Fatal(err)
			}
			out := &Outgoing{Method: c.Request.Method, URL: u, Header: http.Header{}}
			for _, h := range c.Request.Headers {
				for k, v := range h {
					out.Header.Set(k, v)
				}
			}
			if c.Request.Data != nil {
				out.Body = []byte(*c.Request.Data)
			}
			var tr Trace
			if err := (edgegrid{}).Authorize(out, creds, Env{}, &tr); err != nil {
				t.Fatal(err)
			}
			if got := out.Header.Get("Authorization"); got != c.ExpectedAuthorization {
				t.Errorf("Authorization = %q; want %q", got, c.ExpectedAuthorization)
			}
			if c.ExpectedDataToSign != nil {
				// Akamai's test computes it with an empty auth prefix.
				p, err := edgegridPrepare(out, creds, Env{})
				if err != nil {
					t.Fatal(err)
				}
				s := edgegridSign(p.in)
				got := strings.TrimSuffix(s.dataToSign, s.authPrefix)
				if got != *c.ExpectedDataToSign {
					t.Errorf("data to sign = %q; want %q", got, *c.ExpectedDataToSign)
				}
			} else if c.FailsWithMessage == "" {
				t.Errorf("case without expectedDataToSign or failsWithMessage")
			}
		})
	}
}

// TestEdgeGridKeyAndHash checks the signing key and the content hash of
// Akamai's testdata.json (sign_key_test, content_hash_test of "test_body").
func TestEdgeGridKeyAndHash(t *testing.T) {
	d, _ := edgegridLoad(t)
	if got := edgegridHMAC(d.ClientSecret, d.Timestamp); got != d.SignKeyTest {
		t.Errorf("signing key = %q; want %q", got, d.SignKeyTest)
	}
	s := edgegridSign(edgegridInput{method: "POST", body: []byte("test_body"), maxBody: d.MaxBody, header: http.Header{}})
	if s.contentHash != d.ContentHashTest {
		t.Errorf("content hash = %q; want %q", s.contentHash, d.ContentHashTest)
	}
}

// TestEdgeGridTraceMasks: the trace carries the real values, with the
// client secret, the access token, the signing key and the Authorization
// header flagged secret and their masks holding none of them.
func TestEdgeGridTraceMasks(t *testing.T) {
	d, _ := edgegridLoad(t)
	creds := edgegridVectorCreds(t, d)
	u, _ := url.Parse("https://akaa-baseurl-xxxxxxxxxxx-xxxxxxxxxxxxx.luna.akamaiapis.net/testapi/v1/t3")
	out := &Outgoing{Method: "POST", URL: u, Header: http.Header{"X-Test1": {"  a   b "}}, Body: []byte("datadatadatadatadatadatadatadata")}
	var tr Trace
	if err := (edgegrid{}).Authorize(out, creds, Env{}, &tr); err != nil {
		t.Fatal(err)
	}
	secrets := []string{d.ClientSecret, d.AccessToken}
	for _, want := range []struct {
		label, text string
		secret      bool
	}{
		{"timestamp", d.Timestamp, false},
		{"nonce", d.Nonce, false},
		{"client token", d.ClientToken, false},
		{"canonical headers", "x-test1:a b", false},
		{"content hash", "fDimoYqXOLntG3If/Z0K2aS9I19Pkv9P5OMCoL8lY0w=", false},
		{"host", u.Host, false},
		{"path and query", "/testapi/v1/t3", false},
		{"signing key", d.SignKeyTest, true},
		{"client secret", d.ClientSecret, true},
		{"access token", d.AccessToken, true},
	} {
		v, ok := edgegridValue(&tr, want.label)
		if !ok {
			t.Errorf("trace has no %q", want.label)
			continue
		}
		if v.Text != want.text || v.Secret != want.secret {
			t.Errorf("%s = %q (secret %v); want %q (secret %v)", want.label, v.Text, v.Secret, want.text, want.secret)
		}
	}
	for _, label := range []string{"data to sign", "authorization", "auth header prefix", "signing key", "client secret", "access token"} {
		v, ok := edgegridValue(&tr, label)
		if !ok || !v.Secret {
			t.Errorf("%s: present %v, secret %v; want a secret value", label, ok, v.Secret)
			continue
		}
		for _, s := range secrets {
			if strings.Contains(v.Shown(false), s) {
				t.Errorf("%s shown as %q, which holds a secret", label, v.Shown(false))
			}
		}
	}
	if v, _ := edgegridValue(&tr, "data to sign"); !strings.Contains(v.Text, `\t`+d.Nonce) && !strings.Contains(v.Text, "nonce="+d.Nonce) {
		t.Errorf("data to sign %q lacks the nonce", v.Text)
	}
	if sig, ok := edgegridValue(&tr, "signature"); !ok || !sig.Live || sig.Secret {
		t.Errorf("signature: %+v; want a live, shown value", sig)
	}
	if len(out.Added) != 1 || strings.Contains(out.Added[0].Masked, d.AccessToken) || !strings.HasPrefix(out.Added[0].Masked, "EG1-HMAC-SHA256 client_token="+d.ClientToken+";") {
		t.Errorf("Added = %+v; want the Authorization header masked but for the client token", out.Added)
	}
}

// TestEdgeGridClockAndNonce: without pins the timestamp is Env.Now in UTC
// and the nonce a version 4 UUID from Env.Rand.
func TestEdgeGridClockAndNonce(t *testing.T) {
	u, _ := url.Parse("http://127.0.0.1:8089/edgegrid")
	out := &Outgoing{Method: "GET", URL: u, Header: http.Header{}}
	creds, err := edgegrid{}.Info().Validate(map[string]string{"client_token": "ct", "client_secret": "cs", "access_token": "at"})
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 12, 7, 23, 4, 5, 0, time.FixedZone("CET", 3600))
	var tr Trace
	env := Env{Now: func() time.Time { return when }, Rand: bytes.NewReader(bytes.Repeat([]byte{0xff}, 16))}
	if err := (edgegrid{}).Authorize(out, creds, env, &tr); err != nil {
		t.Fatal(err)
	}
	want := "EG1-HMAC-SHA256 client_token=ct;access_token=at;timestamp=20261207T22:04:05+0000;nonce=ffffffff-ffff-4fff-bfff-ffffffffffff;signature="
	if got := out.Header.Get("Authorization"); !strings.HasPrefix(got, want) {
		t.Errorf("Authorization = %q; want prefix %q", got, want)
	}
	if v, _ := edgegridValue(&tr, "path and query"); v.Text != "/edgegrid" {
		t.Errorf("path and query = %q; want /edgegrid", v.Text)
	}
	if v, _ := edgegridValue(&tr, "host"); v.Text != "127.0.0.1:8089" {
		t.Errorf("host = %q; want 127.0.0.1:8089", v.Text)
	}
}

// TestEdgeGridInputErrors: bad fields are refused with the field named.
func TestEdgeGridInputErrors(t *testing.T) {
	base := map[string]string{"client_token": "akab-c", "client_secret": "s", "access_token": "akab-a"}
	tests := []struct {
		field, value, wantField string
	}{
		{"client_token", "akab c", "client_token"},
		{"access_token", "akab;a", "access_token"},
		{"client_secret", "s\nx", "client_secret"},
		{"max_body", "-1", "max_body"},
		{"max_body", "lots", "max_body"},
		{"timestamp", "2014-03-21T19:34:21Z", "timestamp"},
		{"nonce", "a b", "nonce"},
		{"headers_to_sign", "X-Test1,X Test2", "headers_to_sign"},
	}
	for _, tt := range tests {
		raw := map[string]string{}
		for k, v := range base {
			raw[k] = v
		}
		raw[tt.field] = tt.value
		creds, err := edgegrid{}.Info().Validate(raw)
		if err == nil {
			u, _ := url.Parse("https://example.luna.akamaiapis.net/")
			err = edgegrid{}.Authorize(&Outgoing{Method: "GET", URL: u, Header: http.Header{}}, creds, Env{}, &Trace{})
		}
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != tt.wantField || ie.Fix == "" {
			t.Errorf("%s=%q: error %v; want an InputError for field %s with a fix", tt.field, tt.value, err, tt.wantField)
		}
	}
}
