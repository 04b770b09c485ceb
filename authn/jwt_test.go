package authn

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// jwtNow is the clock of these tests.
var jwtNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

// RFC 7515 Appendix A.1: HS256. The JOSE header and the payload are given
// as exact octets, with CRLF line breaks, and the key as a JWK "k" value.
const (
	jwtA1Header    = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}"
	jwtA1Payload   = "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}"
	jwtA1HeaderB64 = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
	jwtA1ClaimsB64 = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
	jwtA1K         = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
	jwtA1Sig       = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)

func jwtA1Key(t testing.TB) []byte {
	k, err := base64.RawURLEncoding.DecodeString(jwtA1K)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestJWTRFC7515A1(t *testing.T) {
	key := jwtA1Key(t)
	if got := base64.RawURLEncoding.EncodeToString([]byte(jwtA1Header)); got != jwtA1HeaderB64 {
		t.Errorf("BASE64URL(header) = %q; want %q", got, jwtA1HeaderB64)
	}
	if got := base64.RawURLEncoding.EncodeToString([]byte(jwtA1Payload)); got != jwtA1ClaimsB64 {
		t.Errorf("BASE64URL(payload) = %q; want %q", got, jwtA1ClaimsB64)
	}
	input := jwtA1HeaderB64 + "." + jwtA1ClaimsB64
	sig, err := jwt.SigningMethodHS256.Sign(input, key)
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.RawURLEncoding.EncodeToString(sig); got != jwtA1Sig {
		t.Errorf("HS256(signing input) = %q; want %q", got, jwtA1Sig)
	}

	token := input + "." + jwtA1Sig
	d, err := DecodeJWT(token, string(key), jwtNow)
	if err != nil {
		t.Fatalf("DecodeJWT(A.1) error %v", err)
	}
	if d.Alg != "HS256" || d.Typ != "JWT" || d.Issuer != "joe" || string(d.HeaderJSON) != jwtA1Header || string(d.ClaimsJSON) != jwtA1Payload {
		t.Errorf("DecodeJWT(A.1) = alg %q typ %q iss %q header %q claims %q", d.Alg, d.Typ, d.Issuer, d.HeaderJSON, d.ClaimsJSON)
	}
	if d.SigningInput != input {
		t.Errorf("SigningInput = %q; want %q", d.SigningInput, input)
	}
	if !d.ExpiresAt.Equal(time.Unix(1300819380, 0)) || !d.Expired || !strings.HasPrefix(d.Expiry, "expired ") {
		t.Errorf("A.1 exp = %v, expired %v, %q; want 2011-03-22T18:43:00Z, expired", d.ExpiresAt, d.Expired, d.Expiry)
	}
	if !d.Sig.Checked || !d.Sig.Valid {
		t.Errorf("A.1 signature with the JWK key: %+v; want valid", d.Sig)
	}
	d, _ = DecodeJWT(token, string(key[:len(key)-1]), jwtNow)
	if !d.Sig.Checked || d.Sig.Valid {
		t.Errorf("A.1 signature with a shortened key: %+v; want invalid", d.Sig)
	}
	tampered := jwtA1HeaderB64 + "." + jwtA1ClaimsB64[:10] + "x" + jwtA1ClaimsB64[11:] + "." + jwtA1Sig
	if d, err := DecodeJWT(tampered, string(key), jwtNow); err == nil && d.Sig.Valid {
		t.Errorf("A.1 with one claims character changed: signature valid")
	}

	// The scheme's token mode checks it too and says so in the trace.
	out := jwtOutgoing()
	var tr Trace
	err = jwtScheme{}.Authorize(out, Credentials{"token": token, "secret": string(key)}, Env{Now: func() time.Time { return jwtNow }}, &tr)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := jwtTraceValue(tr, "signature valid"); !ok || !strings.HasPrefix(v.Text, "yes: ") {
		t.Errorf("token mode trace signature valid = %q; want yes: …", v.Text)
	}
	if v, _ := jwtTraceValue(tr, "HMAC key"); !v.Secret {
		t.Errorf("token mode HMAC key is not flagged secret")
	}
	if got := out.Header.Get("Authorization"); got != "Bearer "+token {
		t.Errorf("Authorization = %q; want Bearer + the A.1 token", got)
	}
}

func jwtOutgoing() *Outgoing {
	u, _ := url.Parse("http://127.0.0.1/jwt")
	return &Outgoing{Method: "GET", URL: u, Header: http.Header{}}
}

func jwtTraceValue(tr Trace, label string) (Value, bool) {
	for _, s := range tr.Steps {
		for _, v := range s.Values {
			if v.Label == label {
				return v, true
			}
		}
	}
	return Value{}, false
}

func jwtEnv() Env { return Env{Now: func() time.Time { return jwtNow }} }

func TestJWTBuildHS256Trace(t *testing.T) {
	out := jwtOutgoing()
	var tr Trace
	c := Credentials{"claims": `{"sub":"demo","exp":"+1h","nbf":"now-5m"}`, "alg": "HS256", "secret": "demo-jwt-secret", "kid": "k1"}
	if err := (jwtScheme{}).Authorize(out, c, jwtEnv(), &tr); err != nil {
		t.Fatal(err)
	}
	now := jwtNow.Unix()
	wantClaims := `{"exp":` + itoa(now+3600) + `,"iat":` + itoa(now) + `,"nbf":` + itoa(now-300) + `,"sub":"demo"}`
	for _, tt := range []struct{ label, want string }{
		{"claims", wantClaims},
		{"header", `{"alg":"HS256","kid":"k1","typ":"JWT"}`},
		{"header segment", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","kid":"k1","typ":"JWT"}`))},
		{"claims segment", base64.RawURLEncoding.EncodeToString([]byte(wantClaims))},
		{"exp", itoa(now+3600) + " · 2026-01-02 16:04:05 UTC · in 1 h"},
		{"iat", itoa(now) + " · 2026-01-02 15:04:05 UTC · now"},
		{"nbf", itoa(now-300) + " · 2026-01-02 14:59:05 UTC · 5 min ago"},
		{"key length", "15 bytes"},
	} {
		if v, ok := jwtTraceValue(tr, tt.label); !ok || v.Text != tt.want {
			t.Errorf("trace %s = %q; want %q", tt.label, v.Text, tt.want)
		}
	}
	if !strings.Contains(tr.Steps[0].Note, "iat was absent: added iat = now") {
		t.Errorf("claims step note %q does not say iat was added", tr.Steps[0].Note)
	}
	for _, label := range []string{"HMAC key", "signature", "token", "Authorization"} {
		if v, ok := jwtTraceValue(tr, label); !ok || !v.Secret || strings.Contains(v.Shown(false), "demo-jwt-secret") {
			t.Errorf("trace %s: secret %v, shown %q; want flagged and masked", label, v.Secret, v.Shown(false))
		}
	}
	refs := ""
	for _, s := range tr.Steps {
		refs += s.Ref + "|"
	}
	for _, r := range []string{"RFC 7515 §5.1", "RFC 7515 §7.1", "RFC 7519 §7.1", "RFC 7518 §3.2"} {
		if !strings.Contains(refs, r) {
			t.Errorf("trace refs %q do not cite %s", refs, r)
		}
	}
	token, ok := strings.CutPrefix(out.Header.Get("Authorization"), "Bearer ")
	if !ok || len(out.Added) != 1 || out.Added[0].Masked != "Bearer "+Mask("") {
		t.Fatalf("Authorization not set as a masked credential: %+v", out.Added)
	}
	d, err := DecodeJWT(token, "demo-jwt-secret", jwtNow)
	if err != nil || !d.Sig.Valid || d.Kid != "k1" || d.Subject != "demo" || d.Expiry != "expires in 1 h" {
		t.Errorf("DecodeJWT(built) = %+v, %v; want valid, kid k1, sub demo, expires in 1 h", d, err)
	}
	// An independent check of the HMAC, with the standard library.
	p, _ := jwt.Parse(token, func(*jwt.Token) (any, error) { return []byte("demo-jwt-secret"), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(func() time.Time { return jwtNow }))
	if p == nil || !p.Valid {
		t.Errorf("golang-jwt Parse(built token) not valid")
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestJWTBuildEveryAlg signs with every alg and checks the signature with
// DecodeJWT given the public key (PEM), the certificate and the private key.
func TestJWTBuildEveryAlg(t *testing.T) {
	keys := jwtTestKeys(t)
	for _, alg := range jwtAlgs {
		t.Run(alg, func(t *testing.T) {
			c := Credentials{"claims": `{"sub":"demo"}`, "alg": alg}
			verify := []string{"demo-jwt-secret"}
			if strings.HasPrefix(alg, "HS") {
				c["secret"] = "demo-jwt-secret"
			} else {
				k := keys[alg]
				c["private_key"] = k.priv
				verify = []string{k.priv, k.pub, k.cert}
			}
			out := jwtOutgoing()
			var tr Trace
			if err := (jwtScheme{}).Authorize(out, c, jwtEnv(), &tr); err != nil {
				t.Fatal(err)
			}
			token := strings.TrimPrefix(out.Header.Get("Authorization"), "Bearer ")
			for _, key := range verify {
				d, err := DecodeJWT(token, key, jwtNow)
				if err != nil || d.Alg != alg || !d.Sig.Valid {
					t.Errorf("DecodeJWT(%s token, key %.30q) = alg %q sig %+v, %v; want valid", alg, key, d.Alg, d.Sig, err)
				}
			}
			if v, _ := jwtTraceValue(tr, "signature length"); v.Text != map[string]string{
				"HS256": "32 bytes", "HS384": "48 bytes", "HS512": "64 bytes", "RS256": "256 bytes", "ES256": "64 bytes", "EdDSA": "64 bytes"}[alg] {
				t.Errorf("%s signature length = %q", alg, v.Text)
			}
		})
	}
}

type jwtTestKey struct{ priv, pub, cert string }

// jwtTestKeys makes a key pair for each asymmetric alg, in several PEM
// encodings (PKCS#1 RSA, SEC1 EC, PKCS#8 Ed25519), with a self-signed
// certificate.
func jwtTestKeys(t testing.TB) map[string]jwtTestKey {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, edk, _ := ed25519.GenerateKey(rand.Reader)
	enc := func(typ string, b []byte) string { return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b})) }
	mk := func(priv any, privPEM string) jwtTestKey {
		var p any
		switch k := priv.(type) {
		case *rsa.PrivateKey:
			p = &k.PublicKey
		case *ecdsa.PrivateKey:
			p = &k.PublicKey
		case ed25519.PrivateKey:
			p = k.Public()
		}
		der, err := x509.MarshalPKIXPublicKey(p)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "jwt test"},
			NotBefore: jwtNow.Add(-time.Hour), NotAfter: jwtNow.Add(time.Hour)}
		cder, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, p, priv)
		if err != nil {
			t.Fatal(err)
		}
		return jwtTestKey{priv: privPEM, pub: enc("PUBLIC KEY", der), cert: enc("CERTIFICATE", cder)}
	}
	ecDER, _ := x509.MarshalECPrivateKey(ek)
	edDER, _ := x509.MarshalPKCS8PrivateKey(edk)
	return map[string]jwtTestKey{
		"RS256": mk(rk, enc("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk))),
		"ES256": mk(ek, enc("EC PRIVATE KEY", ecDER)),
		"EdDSA": mk(edk, enc("PRIVATE KEY", edDER)),
	}
}

func TestJWTKeyMismatch(t *testing.T) {
	keys := jwtTestKeys(t)
	build := func(alg, key string) string {
		c := Credentials{"claims": `{"sub":"x"}`, "alg": alg}
		if strings.HasPrefix(alg, "HS") {
			c["secret"] = key
		} else {
			c["private_key"] = key
		}
		out := jwtOutgoing()
		if err := (jwtScheme{}).Authorize(out, c, jwtEnv(), &Trace{}); err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(out.Header.Get("Authorization"), "Bearer ")
	}
	rs := build("RS256", keys["RS256"].priv)
	hs := build("HS256", "s3cret")
	for _, tt := range []struct {
		name, token, key string
		checked, valid   bool
		detail           string
	}{
		{"RS256 with the EC key", rs, keys["ES256"].pub, false, false, "alg RS256 needs an RSA key, but the key is an EC P-256 key (use alg ES256)"},
		{"RS256 with another RSA key", rs, jwtDemoRSAPub(t), true, false, "no: the RS256 signature does not match"},
		{"HS256 with a PEM key (alg confusion)", hs, keys["RS256"].pub, false, false, "algorithm-confusion attack"},
		{"HS256 with the wrong secret", hs, "s3cret!", true, false, "no: the HS256 signature does not match the HMAC secret (7 bytes)"},
		{"HS256 right", hs, "s3cret", true, true, "yes: the HS256 signature matches the HMAC secret (6 bytes)"},
		{"RS256 with garbage", rs, "not a key", false, false, "the key is not PEM"},
	} {
		d, err := DecodeJWT(tt.token, tt.key, jwtNow)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if d.Sig.Checked != tt.checked || d.Sig.Valid != tt.valid || !strings.Contains(d.Sig.Detail, tt.detail) {
			t.Errorf("%s: Sig = %+v; want checked %v valid %v detail …%s…", tt.name, d.Sig, tt.checked, tt.valid, tt.detail)
		}
	}
}

func jwtDemoRSAPub(t testing.TB) string {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

var jwtInputErrorTests = []struct {
	name  string
	creds Credentials
	field string
	want  string
}{
	{"nothing", Credentials{"alg": "HS256"}, "claims", "needs claims to build a token, or a token"},
	{"both", Credentials{"claims": "{}", "token": "a.b.c"}, "claims", "both a token and claims"},
	{"alg none", Credentials{"claims": "{}", "alg": "none", "secret": "x"}, "alg", `alg "none" makes an unsecured JWT`},
	{"alg NONE", Credentials{"claims": "{}", "alg": "NONE"}, "alg", `alg "none"`},
	{"unknown alg", Credentials{"claims": "{}", "alg": "PS256"}, "alg", `cannot sign with alg "PS256"`},
	{"claims not JSON", Credentials{"claims": "sub=demo", "alg": "HS256", "secret": "x"}, "claims", "not a JSON object"},
	{"claims array", Credentials{"claims": "[1]", "alg": "HS256", "secret": "x"}, "claims", "not a JSON object"},
	{"claims trailing", Credentials{"claims": `{} {}`, "alg": "HS256", "secret": "x"}, "claims", "data after the object"},
	{"exp word", Credentials{"claims": `{"exp":"tomorrow"}`, "alg": "HS256", "secret": "x"}, "claims", `claim exp is "tomorrow", not a NumericDate`},
	{"nbf bool", Credentials{"claims": `{"nbf":true}`, "alg": "HS256", "secret": "x"}, "claims", "claim nbf is a JSON bool"},
	{"iat null", Credentials{"claims": `{"iat":null}`, "alg": "HS256", "secret": "x"}, "claims", "claim iat is null"},
	{"exp bad unit", Credentials{"claims": `{"exp":"+1x"}`, "alg": "HS256", "secret": "x"}, "claims", `claim exp is "+1x"`},
	{"HS256 no secret", Credentials{"claims": "{}", "alg": "HS256"}, "secret", "alg HS256 needs the shared secret"},
	{"HS256 with private_key only", Credentials{"claims": "{}", "alg": "HS256", "private_key": "-----BEGIN"}, "secret", "private_key is for RS256"},
	{"HS256 PEM secret", Credentials{"claims": "{}", "alg": "HS256", "secret": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}, "secret", "algorithm-confusion"},
	{"RS256 no key", Credentials{"claims": "{}", "alg": "RS256"}, "private_key", "alg RS256 needs a PEM private key"},
	{"RS256 not PEM", Credentials{"claims": "{}", "alg": "RS256", "private_key": "MIIE"}, "private_key", "not PEM"},
	{"encrypted", Credentials{"claims": "{}", "alg": "RS256", "private_key": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"}, "private_key", "encrypted"},
	{"openssh", Credentials{"claims": "{}", "alg": "EdDSA", "private_key": "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"}, "private_key", "OpenSSH format"},
	{"token bad", Credentials{"token": "abc"}, "token", "opaque token"},
	{"token alg none", Credentials{"token": jwtNoneToken}, "token", `"alg":"none"`},
}

// jwtNoneToken is {"alg":"none","typ":"JWT"}.{"sub":"admin"}. (empty signature).
var jwtNoneToken = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
	base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin"}`)) + "."

func TestJWTInputErrors(t *testing.T) {
	keys := jwtTestKeys(t)
	tests := append(jwtInputErrorTests,
		struct {
			name  string
			creds Credentials
			field string
			want  string
		}{"ES256 with RSA key", Credentials{"claims": "{}", "alg": "ES256", "private_key": keys["RS256"].priv}, "alg", "alg ES256 needs an EC P-256 key, but the key is an RSA 2048-bit key (use alg RS256)"},
		struct {
			name  string
			creds Credentials
			field string
			want  string
		}{"RS256 with a public key", Credentials{"claims": "{}", "alg": "RS256", "private_key": keys["RS256"].pub}, "private_key", "signing needs the private half"},
	)
	for _, tt := range tests {
		err := (jwtScheme{}).Authorize(jwtOutgoing(), tt.creds, jwtEnv(), &Trace{})
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != tt.field || !strings.Contains(err.Error(), tt.want) || ie.Fix == "" {
			t.Errorf("%s: Authorize() = %v (field %q); want an InputError on %s containing %q with a fix", tt.name, err, fieldOf(ie), tt.field, tt.want)
		}
		if tok := tt.creds["token"]; len(tok) > 8 && err != nil && strings.Contains(err.Error(), tok) {
			t.Errorf("%s: the error echoes the token: %v", tt.name, err)
		}
	}
	// Validation, before Authorize, refuses alg none too.
	if _, err := (jwtScheme{}).Info().Validate(map[string]string{"claims": "{}", "alg": "none"}); err == nil || !strings.Contains(err.Error(), `"none"`) {
		t.Errorf(`Validate(alg=none) = %v; want an error naming "none"`, err)
	}
}

func fieldOf(e *InputError) string {
	if e == nil {
		return ""
	}
	return e.Field
}

var jwtTimeHelperTests = []struct {
	in   string
	want int64 // seconds from jwtNow, or absolute when abs
	abs  bool
}{
	{`"now"`, 0, false},
	{`"NOW"`, 0, false},
	{`"+1h"`, 3600, false},
	{`"-5m"`, -300, false},
	{`"now+30m"`, 1800, false},
	{`"now - 90s"`, -90, false},
	{`"+7d"`, 7 * 86400, false},
	{`"+1h30m"`, 5400, false},
	{`"2026-01-01T00:00:00Z"`, 1767225600, true},
	{`1700000000`, 1700000000, true},
}

func TestJWTTimeHelpers(t *testing.T) {
	for _, tt := range jwtTimeHelperTests {
		var v any
		dec := json.NewDecoder(strings.NewReader(tt.in))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		got, _, err := jwtTimeHelper("exp", v, jwtNow)
		want := tt.want
		if !tt.abs {
			want += jwtNow.Unix()
		}
		if err != nil || string(got) != itoa(want) {
			t.Errorf("jwtTimeHelper(%s) = %q, %v; want %d", tt.in, got, err, want)
		}
	}
	for _, bad := range []string{`"tomorrow"`, `"+"`, `"+-1h"`, `"1h"`, `"now*2"`, `"+99999d"`, `"12abc"`} {
		var v any
		json.Unmarshal([]byte(bad), &v)
		if _, _, err := jwtTimeHelper("exp", v, jwtNow); err == nil {
			t.Errorf("jwtTimeHelper(%s) accepted it; want an error", bad)
		}
	}
}

func TestJWTWords(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0 s"},
		{45 * time.Second, "45 s"},
		{59*time.Minute + 59*time.Second, "59 min"},
		{time.Hour, "1 h"},
		{3*time.Hour + 5*time.Minute, "3 h 5 min"},
		{47 * time.Hour, "47 h"},
		{50 * time.Hour, "2 days 2 h"},
		{72 * time.Hour, "3 days"},
		{-90 * time.Second, "1 min"},
	} {
		if got := jwtWords(tt.d); got != tt.want {
			t.Errorf("jwtWords(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
	if got := jwtAgo(500 * time.Millisecond); got != "just now" {
		t.Errorf("jwtAgo(500ms) = %q; want %q", got, "just now")
	}
}

// jwtSeg encodes a segment for the decode tests.
func jwtSeg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

var (
	jwtGoodHeader = jwtSeg(`{"alg":"HS256","typ":"JWT"}`)
	jwtGoodClaims = jwtSeg(`{"sub":"demo","exp":1767369845}`)
	jwtGoodSig    = jwtSeg("0123456789abcdef0123456789abcdef")
)

var decodeJWTTests = []struct {
	name, token string
	part, want  string // want: a substring of the error ("" = no error)
}{
	{"good", jwtGoodHeader + "." + jwtGoodClaims + "." + jwtGoodSig, "", ""},
	{"good with newline", jwtGoodHeader + "." + jwtGoodClaims + "." + jwtGoodSig + "\n", "", ""},
	{"empty", "  ", "token", "empty"},
	{"opaque", "ghp_16C7e42F292c6912E7710c838347Ae178B4a", "token", "no '.'"},
	{"two parts", jwtGoodHeader + "." + jwtGoodClaims, "token", "signature part is missing"},
	{"four parts", "a.b.c.d", "token", "4 parts"},
	{"JWE", "a.b.c.d.e", "token", "JWE"},
	{"bearer prefix", "Bearer " + jwtGoodHeader + "." + jwtGoodClaims + "." + jwtGoodSig, "token", `starts with "Bearer "`},
	{"space inside", jwtGoodHeader + ". " + jwtGoodClaims + "." + jwtGoodSig, "token", "space or control character at byte"},
	{"too long", strings.Repeat("a", JWTMaxLen+1), "token", "more than the"},
	{"empty header", "." + jwtGoodClaims + "." + jwtGoodSig, "header", "header segment is empty"},
	{"header std base64", "eyJ+" + "." + jwtGoodClaims + "." + jwtGoodSig, "header", "standard base64"},
	{"header padding", jwtSeg(`{"alg":"HS256"}`) + "=." + jwtGoodClaims + "." + jwtGoodSig, "header", "'=' padding at offset"},
	{"header bad char", "eyJ*bGc." + jwtGoodClaims + "." + jwtGoodSig, "header", "bad character at offset 3"},
	{"header bad length", "eyJhb." + jwtGoodClaims + "." + jwtGoodSig, "header", "a length base64url cannot have"},
	{"header not JSON", jwtSeg("alg=HS256") + "." + jwtGoodClaims + "." + jwtGoodSig, "header", "not a JSON object"},
	{"header array", jwtSeg(`["HS256"]`) + "." + jwtGoodClaims + "." + jwtGoodSig, "header", "not a JSON object"},
	{"header null", jwtSeg(`null`) + "." + jwtGoodClaims + "." + jwtGoodSig, "header", "not a JSON object"},
	{"header bad UTF-8", jwtSeg("{\"alg\":\"\xff\"}") + "." + jwtGoodClaims + "." + jwtGoodSig, "header", "invalid UTF-8"},
	{"no alg", jwtSeg(`{"typ":"JWT"}`) + "." + jwtGoodClaims + "." + jwtGoodSig, "header", `no "alg"`},
	{"alg number", jwtSeg(`{"alg":256}`) + "." + jwtGoodClaims + "." + jwtGoodSig, "header", "not a string"},
	{"alg none", jwtNoneToken, "header", `"alg":"none"`},
	{"alg None with sig", jwtSeg(`{"alg":"None"}`) + "." + jwtGoodClaims + "." + jwtGoodSig, "header", `"alg":"none"`},
	{"JWE header", jwtSeg(`{"alg":"RSA-OAEP","enc":"A256GCM"}`) + "." + jwtGoodClaims + "." + jwtGoodSig, "header", "encrypted JWT"},
	{"empty claims", jwtGoodHeader + ".." + jwtGoodSig, "claims", "claims segment is empty"},
	{"claims bad base64", jwtGoodHeader + ".e/J." + jwtGoodSig, "claims", "standard base64"},
	{"claims not JSON", jwtGoodHeader + "." + jwtSeg("hello") + "." + jwtGoodSig, "claims", "JWS but not a JWT"},
	{"claims string", jwtGoodHeader + "." + jwtSeg(`"sub"`) + "." + jwtGoodSig, "claims", "not a JSON object"},
	{"claims trailing", jwtGoodHeader + "." + jwtSeg(`{}{}`) + "." + jwtGoodSig, "claims", "data after the object"},
	{"nested", jwtSeg(`{"alg":"HS256","cty":"JWT"}`) + "." + jwtSeg("eyJ.x.y") + "." + jwtGoodSig, "claims", "nested JWT"},
	{"empty signature", jwtGoodHeader + "." + jwtGoodClaims + ".", "signature", "signature segment is empty"},
	{"signature padding", jwtGoodHeader + "." + jwtGoodClaims + "." + jwtGoodSig + "==", "signature", "padding"},
	{"signature bad", jwtGoodHeader + "." + jwtGoodClaims + ".abc$", "signature", "bad character at offset 3"},
}

func TestDecodeJWTErrors(t *testing.T) {
	for _, tt := range decodeJWTTests {
		d, err := DecodeJWT(tt.token, "", jwtNow)
		if tt.want == "" {
			if err != nil || d.Subject != "demo" || d.Expiry != "expires in 1 h" {
				t.Errorf("%s: DecodeJWT() = sub %q %q, %v; want sub demo, no error", tt.name, d.Subject, d.Expiry, err)
			}
			continue
		}
		var je *JWTError
		if !errors.As(err, &je) || je.Part != tt.part || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: DecodeJWT() error = %v; want a JWTError on %s containing %q", tt.name, err, tt.part, tt.want)
			continue
		}
		// The error never echoes the token or one of its long segments.
		for _, seg := range strings.Split(strings.TrimSpace(tt.token), ".") {
			if len(seg) >= 8 && strings.Contains(err.Error(), seg) {
				t.Errorf("%s: the error %q echoes a segment of the token", tt.name, err)
			}
		}
	}
	if _, err := DecodeJWT(jwtNoneToken, "", jwtNow); !errors.Is(err, ErrJWTAlgNone) {
		t.Errorf("DecodeJWT(alg none) = %v; want ErrJWTAlgNone", err)
	}
}

func TestDecodeJWTClaims(t *testing.T) {
	tok := jwtSeg(`{"alg":"RS256","kid":"2024-01","typ":"at+jwt","crit":["x"]}`) + "." +
		jwtSeg(`{"iss":"https://issuer.example","sub":"alice","aud":["api","web"],"iat":1767366245.5,"nbf":1767370000,"exp":"soon","big":12345678901234567890}`) +
		"." + jwtGoodSig
	d, err := DecodeJWT(tok, "", jwtNow)
	if err != nil {
		t.Fatal(err)
	}
	if d.Kid != "2024-01" || d.Typ != "at+jwt" || d.Issuer != "https://issuer.example" || strings.Join(d.Audience, ",") != "api,web" {
		t.Errorf("DecodeJWT registered claims = kid %q typ %q iss %q aud %q", d.Kid, d.Typ, d.Issuer, d.Audience)
	}
	if !d.IssuedAt.Equal(time.Unix(1767366245, 5e8)) || !d.ExpiresAt.IsZero() || d.Expiry != "no exp claim: it never expires" {
		t.Errorf("times: iat %v exp %v %q", d.IssuedAt, d.ExpiresAt, d.Expiry)
	}
	if !d.NotYetValid {
		t.Errorf("nbf 1767370000 > now %d: NotYetValid = false", jwtNow.Unix())
	}
	all := strings.Join(d.Warnings, "|")
	for _, w := range []string{"crit", "exp is not a NumericDate", "not valid yet: nbf is in 1 h 2 min"} {
		if !strings.Contains(all, w) {
			t.Errorf("warnings %q lack %q", all, w)
		}
	}
	if !strings.Contains(d.Claims, "12345678901234567890") || !strings.Contains(d.Claims, "\n  \"sub\": \"alice\"") {
		t.Errorf("pretty claims lost a number or the indentation:\n%s", d.Claims)
	}
	if d.Sig.Checked || d.Sig.Detail != "not checked: no key given" {
		t.Errorf("Sig without key = %+v", d.Sig)
	}
}

// FuzzJWTDecode checks that DecodeJWT never panics, that a decoded token's
// segments join back to it, and that an error never carries the token.
func FuzzJWTDecode(f *testing.F) {
	for _, tt := range decodeJWTTests {
		f.Add(tt.token, "")
	}
	f.Add(jwtA1HeaderB64+"."+jwtA1ClaimsB64+"."+jwtA1Sig, "secret")
	f.Add(jwtSeg(`{"alg":"RS256"}`)+"."+jwtGoodClaims+"."+jwtGoodSig, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
	f.Add(jwtSeg(`{"alg":"ES256"}`)+"."+jwtSeg(`{"exp":1e400}`)+"."+jwtGoodSig, "x")
	f.Fuzz(func(t *testing.T, token, key string) {
		d, err := DecodeJWT(token, key, jwtNow)
		if err != nil {
			if len(token) >= 24 && strings.Contains(err.Error(), strings.TrimSpace(token)) {
				t.Errorf("error echoes the token: %v", err)
			}
			return
		}
		if got := strings.Join(d.Segments[:], "."); got != strings.TrimSpace(token) {
			t.Errorf("segments join to %q; want %q", got, strings.TrimSpace(token))
		}
		if d.Alg == "" || strings.EqualFold(d.Alg, "none") || d.Header == "" || d.Claims == "" || len(d.Signature) == 0 {
			t.Errorf("decoded without alg, header, claims or signature: %+v", d)
		}
		if d.Sig.Valid && !d.Sig.Checked {
			t.Errorf("signature valid but not checked")
		}
	})
}

// FuzzJWTDecodeSegment checks the segment decoder: what it accepts
// re-encodes to text that decodes to the same bytes.
func FuzzJWTDecodeSegment(f *testing.F) {
	for _, s := range []string{"", "eyJhbGciOiJIUzI1NiJ9", "eyJ+", "YQ==", "YQ", "Y", "YR", "_-_-", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seg string) {
		b, err := jwtDecodeSegment("claims", seg)
		if err != nil {
			if len(seg) >= 12 && strings.Contains(err.Error(), seg) {
				t.Errorf("error echoes the segment: %v", err)
			}
			return
		}
		again, err := jwtDecodeSegment("claims", base64.RawURLEncoding.EncodeToString(b))
		if err != nil || string(again) != string(b) {
			t.Errorf("re-encoded %q decodes to %q, %v", b, again, err)
		}
		if strings.ContainsAny(seg, "=+/") {
			t.Errorf("accepted %q with padding or standard base64", seg)
		}
	})
}
