package practice

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/golang-jwt/jwt/v5"
)

// jwtCall sends GET /jwt through authlab's engine with scheme jwt, the
// client's clock at clientNow, and returns the practice server's reply with
// the engine's result.
func jwtCall(t *testing.T, url string, clientNow time.Time, fields map[string]string) (srvReply, *authn.Result) {
	t.Helper()
	eng := authn.New(authn.Options{Now: func() time.Time { return clientNow }, Timeout: 10 * time.Second})
	defer eng.Close()
	res, err := eng.Exchange(context.Background(), authn.Request{Method: "GET", URL: url + "/jwt", Scheme: "jwt", Fields: fields})
	if err != nil {
		t.Fatalf("Exchange(jwt %v): %v", jwtFieldNames(fields), err)
	}
	fin := res.Final()
	return decodeReply(t, fin.Response.Status, fin.Response.Header, fin.Response.Body), res
}

func jwtFieldNames(f map[string]string) []string {
	var out []string
	for k := range f {
		out = append(out, k)
	}
	return out
}

// jwtClientValue is the client trace's value labelled label.
func jwtClientValue(res *authn.Result, label string) (authn.Value, bool) {
	for _, s := range res.Trace.Steps {
		for _, v := range s.Values {
			if v.Label == label {
				return v, true
			}
		}
	}
	return authn.Value{}, false
}

func jwtHintTitles(res *authn.Result) string {
	var b strings.Builder
	for _, h := range res.Hints {
		b.WriteString(h.Level.String() + " " + h.Title + "\n")
	}
	return b.String()
}

func jwtFindHint(res *authn.Result, title string) (authn.Hint, bool) {
	for _, h := range res.Hints {
		if h.Title == title {
			return h, true
		}
	}
	return authn.Hint{}, false
}

// jwtDemoKey is the private key the client signs with for alg.
func jwtDemoKey(alg string) map[string]string {
	switch alg {
	case "RS256":
		return map[string]string{"private_key": DemoRSAPrivateKeyPEM}
	case "ES256":
		return map[string]string{"private_key": DemoECPrivateKeyPEM}
	case "EdDSA":
		return map[string]string{"private_key": DemoEd25519PrivateKeyPEM}
	}
	return map[string]string{"secret": DemoJWTSecret}
}

// TestJWTRoundTripEveryAlg builds a token with authlab's scheme for each
// alg and sends it through the engine to /jwt, whose verifier shares no code
// with the client (standard library against golang-jwt).
func TestJWTRoundTripEveryAlg(t *testing.T) {
	ts := startServer(t, Options{})
	for _, alg := range []string{"HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			f := jwtDemoKey(alg)
			f["alg"], f["claims"], f["kid"] = alg, `{"sub":"demo","scope":"read"}`, "demo-"+alg
			r, res := jwtCall(t, ts.URL, srvNow, f)
			if r.status != 200 || !strings.Contains(r.body, `"ok":true,"alg":"`+alg+`"`) || !strings.Contains(r.body, `"sub":"demo"`) {
				t.Fatalf("GET /jwt with %s = %d %s; want 200 with the claims\nhints:\n%s", alg, r.status, r.body, jwtHintTitles(res))
			}
			if v, _ := r.value("signature valid"); !strings.HasPrefix(v, "yes") {
				t.Errorf("server trace signature valid = %q; want yes…", v)
			}
			if r.trace.Verdict != "ok" || r.trace.Scheme != "jwt" {
				t.Errorf("server trace verdict %q scheme %q; want ok, jwt", r.trace.Verdict, r.trace.Scheme)
			}
			// The server's values pair with the client's by label.
			for _, label := range []string{"header", "claims", "signing input", "alg"} {
				c, _ := jwtClientValue(res, label)
				s, _ := r.value(label)
				if c.Text != s || s == "" {
					t.Errorf("%s: client %q, server %q; want equal", label, c.Text, s)
				}
			}
			if strings.HasPrefix(alg, "HS") {
				c, _ := jwtClientValue(res, "signature")
				s, _ := r.value("expected signature")
				if c.Text != s {
					t.Errorf("expected signature: client %q, server %q", c.Text, s)
				}
			} else if _, ok := r.value("expected signature"); ok {
				t.Errorf("the server shows an expected signature for %s, which it cannot compute without the private key", alg)
			}
			if kid, _ := r.value("kid"); kid != "demo-"+alg+" (ignored: the alg picks the key)" {
				t.Errorf("server trace kid = %q", kid)
			}
			for _, h := range res.Hints {
				if h.Level == authn.LevelError {
					t.Errorf("error hint on a 200: %s", h.Title)
				}
			}
		})
	}
}

func TestJWTWrongSecret(t *testing.T) {
	log := &syncBuffer{}
	ts := startServer(t, Options{Log: log})
	r, res := jwtCall(t, ts.URL, srvNow, map[string]string{"claims": `{"sub":"demo"}`, "secret": "not-the-demo-secret"})
	if r.status != 401 {
		t.Fatalf("status %d; want 401", r.status)
	}
	ch := r.header.Get("WWW-Authenticate")
	if !strings.Contains(ch, `error="invalid_token"`) || !strings.Contains(ch, `error_description="The token signature is invalid: it was not made with the demo HS256 secret"`) {
		t.Errorf("WWW-Authenticate = %q; want invalid_token naming the signature", ch)
	}
	if !strings.Contains(r.body, `"error":"invalid_token"`) {
		t.Errorf("body %s; want the RFC 6750 error", r.body)
	}
	h, ok := jwtFindHint(res, "JWT signature rejected · HS256")
	if !ok || h.Level != authn.LevelError || !strings.Contains(strings.Join(h.Checks, "|"), "demo-jwt-secret") {
		t.Fatalf("no error hint %q naming the demo secret; hints:\n%s", "JWT signature rejected · HS256", jwtHintTitles(res))
	}
	if res.Hints[0].Title != h.Title {
		t.Errorf("first hint %q; want the JWT one first", res.Hints[0].Title)
	}
	if v, _ := r.value("signature valid"); !strings.HasPrefix(v, "no") {
		t.Errorf("server trace signature valid = %q; want no…", v)
	}
	token := strings.TrimPrefix(res.Final().Request.Header.Get("Authorization"), "Bearer ")
	all := r.header.Get(TraceHeader) + string(mustJSON(t, r.trace)) + log.String()
	for _, h := range res.Hints {
		all += h.Title + h.Detail + strings.Join(h.Checks, "")
	}
	for _, secret := range []string{"not-the-demo-secret", token} {
		if strings.Contains(all, secret) {
			t.Errorf("a secret (%d bytes) leaked into the server trace, the log or a hint", len(secret))
		}
	}
	if v, _ := r.value("secret length"); v != "15" {
		t.Errorf("secret length = %q; want 15", v)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestJWTExpiredAndNotYet(t *testing.T) {
	ts := startServer(t, Options{})
	for _, tt := range []struct {
		name, claims, desc, hint string
		status                   int
	}{
		{"expired", `{"sub":"demo","iat":"-4h","exp":"-3h"}`, "The token expired 3h0m0s ago (exp 2023-11-14T19:13:20Z)", "JWT expired 3 h ago", 401},
		{"nbf ahead", `{"sub":"demo","nbf":"+10m"}`, "The token is not valid yet: nbf is 10m0s in the future of the server clock", "JWT not valid yet · nbf in 10 min", 401},
		{"within leeway", `{"sub":"demo","exp":"-10s"}`, "", "", 200},
		{"nbf within leeway", `{"sub":"demo","nbf":"+20s"}`, "", "", 200},
	} {
		r, res := jwtCall(t, ts.URL, srvNow, map[string]string{"claims": tt.claims, "secret": DemoJWTSecret})
		if r.status != tt.status {
			t.Errorf("%s: status %d %s; want %d", tt.name, r.status, r.body, tt.status)
			continue
		}
		if tt.status == 200 {
			continue
		}
		if !strings.Contains(r.header.Get("WWW-Authenticate"), `error_description="`+tt.desc+`"`) {
			t.Errorf("%s: WWW-Authenticate %q; want description %q", tt.name, r.header.Get("WWW-Authenticate"), tt.desc)
		}
		if h, ok := jwtFindHint(res, tt.hint); !ok || h.Level != authn.LevelError {
			t.Errorf("%s: no error hint %q; hints:\n%s", tt.name, tt.hint, jwtHintTitles(res))
		}
	}
}

// TestJWTClockSkew: the client's clock is 10 minutes behind the server's,
// so a token valid for 5 more minutes by the client is expired by the
// server; the hint says so from the Date header.
func TestJWTClockSkew(t *testing.T) {
	ts := startServer(t, Options{Now: time.Now})
	r, res := jwtCall(t, ts.URL, time.Now().Add(-10*time.Minute), map[string]string{"claims": `{"sub":"demo","iat":"-1m","exp":"+5m"}`, "secret": DemoJWTSecret})
	if r.status != 401 {
		t.Fatalf("status %d; want 401", r.status)
	}
	h, ok := jwtFindHint(res, "JWT expired by the server's clock")
	if !ok || !strings.Contains(h.Detail, "ahead of yours") || !strings.Contains(h.Detail, "expires in 4 min") {
		t.Errorf("clock hint = %+v; hints:\n%s", h, jwtHintTitles(res))
	}
}

func TestJWTAlgNoneRefused(t *testing.T) {
	ts := startServer(t, Options{})
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin","exp":9999999999}`))
	for _, tok := range []string{none + ".", none + ".c2ln"} {
		r := send(t, "GET", ts.URL+"/jwt", "", "Authorization: Bearer "+tok)
		if r.status != 401 || !strings.Contains(r.header.Get("WWW-Authenticate"), `error_description="The token is unsigned (alg none); this server accepts only signed tokens"`) {
			t.Errorf("alg none token = %d %q; want 401 naming alg none", r.status, r.header.Get("WWW-Authenticate"))
		}
	}
	// The client refuses to send one: no exchange is made.
	eng := authn.New(authn.Options{})
	res, err := eng.Exchange(context.Background(), authn.Request{URL: ts.URL + "/jwt", Scheme: "jwt", Fields: map[string]string{"token": none + "."}})
	var ie *authn.InputError
	if !errors.As(err, &ie) || ie.Field != "token" || !strings.Contains(err.Error(), `"alg":"none"`) || len(res.Exchanges) != 0 {
		t.Errorf("Exchange(alg none token) = %v, %d exchanges; want an InputError on token and nothing sent", err, len(res.Exchanges))
	}
	_, err = eng.Exchange(context.Background(), authn.Request{URL: ts.URL + "/jwt", Scheme: "jwt", Fields: map[string]string{"claims": "{}", "alg": "none", "secret": "x"}})
	if !errors.As(err, &ie) || ie.Field != "alg" {
		t.Errorf("Exchange(alg=none) = %v; want an InputError on alg", err)
	}
}

// jwtSign signs claims with golang-jwt for the server table.
func jwtSign(t *testing.T, alg string, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.GetSigningMethod(alg), claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func jwtDemoRSAPublicPEM(t *testing.T) string {
	der, err := x509.MarshalPKIXPublicKey(demoPublicKey())
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestJWTServerRefusals(t *testing.T) {
	ts := startServer(t, Options{})
	rsaKey, err := jwt.ParseRSAPrivateKeyFromPEM([]byte(DemoRSAPrivateKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	exp := srvNow.Add(time.Hour).Unix()
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	hs := func(header, claims string) string {
		in := seg(header) + "." + seg(claims)
		sig, _ := jwt.SigningMethodHS256.Sign(in, []byte(DemoJWTSecret))
		return in + "." + seg(string(sig))
	}
	for _, tt := range []struct {
		name    string
		headers []string
		status  int
		want    string // in WWW-Authenticate
	}{
		{"no header", nil, 401, `Bearer realm="authlab practice (JWT)"`},
		{"basic", []string{"Authorization: Basic ZGVtbzpkZW1v"}, 401, `Bearer realm="authlab practice (JWT)"`},
		{"two headers", []string{"Authorization: Bearer a.b.c", "Authorization: Bearer a.b.c"}, 400, `error="invalid_request"`},
		{"empty bearer", []string{"Authorization: Bearer "}, 400, `error="invalid_request"`},
		{"opaque", []string{"Authorization: Bearer demo-token"}, 401, "not a signed JWT: it has 1 parts"},
		{"JWE", []string{"Authorization: Bearer a.b.c.d.e"}, 401, "encrypted JWT (JWE)"},
		{"bad header base64", []string{"Authorization: Bearer e$J.b.c"}, 401, "characters a bearer token cannot have"},
		{"header padding", []string{"Authorization: Bearer " + seg(`{"alg":"HS256"}`) + "=.e30.c2ln"}, 401, "characters a bearer token cannot have"},
		{"signature padding", []string{"Authorization: Bearer " + seg(`{"alg":"HS256"}`) + ".e30.c2ln=="}, 401, "The token signature is not base64url"},
		{"claims bad base64", []string{"Authorization: Bearer " + seg(`{"alg":"HS256"}`) + ".e30xx.c2ln"}, 401, "The token claims are not base64url"},
		{"header not JSON", []string{"Authorization: Bearer " + seg("HS256") + ".e30.c2ln"}, 401, "The token header is not a JSON object"},
		{"no alg", []string{"Authorization: Bearer " + seg(`{"typ":"JWT"}`) + ".e30.c2ln"}, 401, "The token header has no alg"},
		{"PS256", []string{"Authorization: Bearer " + jwtSign(t, "PS256", rsaKey, jwt.MapClaims{"exp": exp})}, 401,
			"The token alg PS256 is not accepted here; accepted: HS256, HS384, HS512, RS256, ES256, EdDSA"},
		{"hostile alg", []string{"Authorization: Bearer " + seg(`{"alg":"\"x\\\\y"}`) + ".e30.c2ln"}, 401, `The token alg xy is not accepted here`},
		{"crit", []string{"Authorization: Bearer " + hs(`{"alg":"HS256","crit":["exp"]}`, `{}`)}, 401, "crit extensions"},
		{"claims array", []string{"Authorization: Bearer " + hs(`{"alg":"HS256"}`, `[1]`)}, 401, "The token claims are not a JSON object"},
		{"exp string", []string{"Authorization: Bearer " + hs(`{"alg":"HS256"}`, `{"exp":"tomorrow"}`)}, 401, "The exp claim is not a NumericDate"},
		{"iat future", []string{"Authorization: Bearer " + hs(`{"alg":"HS256"}`, `{"iat":1700000600}`)}, 401, "issued in the future: iat is 10m0s ahead"},
		// The algorithm-confusion attack: HS256 keyed with the server's RSA public key.
		{"alg confusion", []string{"Authorization: Bearer " + jwtSign(t, "HS256", []byte(jwtDemoRSAPublicPEM(t)), jwt.MapClaims{"exp": exp})}, 401, "signature is invalid"},
		{"ES256 short signature", []string{"Authorization: Bearer " + seg(`{"alg":"ES256"}`) + ".e30.c2ln"}, 401, "signature is invalid"},
		{"no exp accepted", []string{"Authorization: Bearer " + hs(`{"alg":"HS256"}`, `{"sub":"x"}`)}, 200, ""},
	} {
		r := send(t, "GET", ts.URL+"/jwt", "", tt.headers...)
		ch := r.header.Get("WWW-Authenticate")
		if r.status != tt.status || !strings.Contains(ch, tt.want) {
			t.Errorf("%s: %d %q; want %d with %q", tt.name, r.status, ch, tt.status, tt.want)
		}
		if r.status != 200 && (!r.hasTrace || r.trace.Verdict == "" || r.trace.Verdict == "ok") {
			t.Errorf("%s: server trace %+v; want a verdict", tt.name, r.trace)
		}
		var body jwtErrorBody
		if r.status != 200 && (json.Unmarshal([]byte(r.body), &body) != nil || body.ErrorDescription == "") {
			t.Errorf("%s: body %s; want a JSON error_description", tt.name, r.body)
		}
	}
}

// TestJWTAlgNotAcceptedHint sends a PS256 token (token mode) through the
// engine: the server refuses the alg and the hint says so.
func TestJWTAlgNotAcceptedHint(t *testing.T) {
	ts := startServer(t, Options{})
	rsaKey, _ := jwt.ParseRSAPrivateKeyFromPEM([]byte(DemoRSAPrivateKeyPEM))
	tok := jwtSign(t, "PS256", rsaKey, jwt.MapClaims{"sub": "demo", "exp": srvNow.Add(time.Hour).Unix()})
	r, res := jwtCall(t, ts.URL, srvNow, map[string]string{"token": tok, "private_key": jwtDemoRSAPublicPEM(t)})
	if r.status != 401 {
		t.Fatalf("status %d; want 401", r.status)
	}
	if _, ok := jwtFindHint(res, "JWT alg not accepted · PS256"); !ok {
		t.Errorf("no alg hint; hints:\n%s", jwtHintTitles(res))
	}
	// The client's trace checked the PS256 signature with the public key.
	if v, _ := jwtClientValue(res, "signature valid"); !strings.HasPrefix(v.Text, "yes: the PS256 signature matches the RSA 2048-bit public key") {
		t.Errorf("client trace signature valid = %q", v.Text)
	}
}

// TestJWTTokenMode sends an existing token: decoded in the client trace,
// accepted by the server.
func TestJWTTokenMode(t *testing.T) {
	ts := startServer(t, Options{})
	tok := jwtSign(t, "HS256", []byte(DemoJWTSecret), jwt.MapClaims{"sub": "demo", "exp": srvNow.Add(59*time.Minute + 30*time.Second).Unix()})
	r, res := jwtCall(t, ts.URL, srvNow, map[string]string{"token": tok + "\n", "secret": DemoJWTSecret})
	if r.status != 200 {
		t.Fatalf("status %d %s; want 200", r.status, r.body)
	}
	for label, want := range map[string]string{
		"expiry":          "expires in 59 min",
		"signature valid": "yes: the HS256 signature matches the HMAC secret (15 bytes)",
		"alg":             "HS256",
	} {
		if v, _ := jwtClientValue(res, label); v.Text != want {
			t.Errorf("client trace %s = %q; want %q", label, v.Text, want)
		}
	}
	if got := res.Final().Request.Header.Get("Authorization"); got != "Bearer "+tok {
		t.Errorf("sent Authorization %d bytes; want the token without its newline", len(got))
	}
	if h := res.Final().Request.DisplayHeader(false).Get("Authorization"); strings.Contains(h, tok[len(tok)-10:]) {
		t.Errorf("displayed Authorization %q shows the token", h)
	}
}

func TestJWTDemoKeysParse(t *testing.T) {
	if jwtDemoECPublicKey().Curve.Params().Name != "P-256" || len(jwtDemoEd25519PublicKey()) != 32 {
		t.Errorf("demo EC key is not P-256 or the Ed25519 key is not 32 bytes")
	}
	for _, k := range []string{DemoRSAPrivateKeyPEM, DemoECPrivateKeyPEM, DemoEd25519PrivateKeyPEM} {
		if _, err := authn.DecodeJWT(jwtSign(t, "HS256", []byte("x"), jwt.MapClaims{}), k, srvNow); err != nil {
			t.Errorf("DecodeJWT with a demo key: %v", err)
		}
	}
}

func TestJWTIndexListsEndpoint(t *testing.T) {
	ts := startServer(t, Options{})
	r := send(t, "GET", ts.URL+"/", "", "Accept: text/plain")
	if r.status != http.StatusOK || !strings.Contains(r.body, "/jwt") || !strings.Contains(r.body, DemoJWTSecret) {
		t.Errorf("GET / does not list /jwt with its secret:\n%s", r.body)
	}
}
