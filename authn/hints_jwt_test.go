package authn

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// jwtHintToken signs claims with HS256 for the hint tests.
func jwtHintToken(t *testing.T, alg string, claims jwt.MapClaims) string {
	t.Helper()
	var key any = []byte("k")
	if alg == "RS256" {
		k, err := jwt.ParseRSAPrivateKeyFromPEM([]byte(jwtHintRSA))
		if err != nil {
			t.Fatal(err)
		}
		key = k
	}
	tok := jwt.NewWithClaims(jwt.GetSigningMethod(alg), claims)
	tok.Header["kid"] = "key-1"
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// jwtHintRSA is a throwaway 1024-bit test key (PKCS#8).
const jwtHintRSA = `-----BEGIN PRIVATE KEY-----
MIICeAIBADANBgkqhkiG9w0BAQEFAASCAmIwggJeAgEAAoGBAM8gCEUJbRPCAsCQ
/jjhHN/8TJofa5p3cM2AiEV9YICz0v3sogMzkwfKQsuJ7aLfxBBinYtaBijGqd0e
3NduJfJIp6oQYMH57FEHPpLCVK+Vsr4D9BTWChNHzGfKF6MC8rTCcXpJ/uke5Vc+
t3ohRKkU1csDRo8j7c0N4FkaoEn1AgMBAAECgYEAySE55pA4s676LTSfKWywNXEy
kZdhTiYeC/B8Y75UL6ZvhNR8ns8+P5pRMoVFlZvlMGQSyHcq8/22hVqq6Se0/8mk
+ff/9Lvl05fLwrT3OPpzUTI3XRg6rCOYPE4sMhEVB+fkZOEJC+BabbxnGkOVnp0H
bSPOcmeHKgZRZh/MygECQQDv+xK2wsuwdD6bTBWhTuThRfO8CG2MNzeZeeECAlyh
vo388nhzfzpV2NZmcO6p3rZK4GExw3x7lhmU6xAkxQrFAkEA3POA7pt/TFrixWm9
15PpVZo3EA1RTWWNxxWLOp0DdEItq6tuEq+EI85ek6Vrd7hzoYwTfvQJE2cLj+Oy
QHj1cQJBAIQ2JOc/hoyeXmeckUYfewWJTnDHi+L2ANGzTf2XY4VQwFUdGLM44uCs
5+HkUfiQVIoH+EQ8WPaViV576pb3X6kCQBeaZ6aVs+abOuht4FrcMSv02nb7hTjo
ZVnkIkhzp3/O5gQVvx994nbUv+Oz4yQZ7zhNt3NzbFjHREPtxgf/I/ECQQCUs1DR
qG1hBMfUu8ypSrTdpBgeyPvr5d+Lh4JTRisFJXPBZ/eEbdzSGeTReckQCJmkQduZ
5cTD36+H165qwhJj
-----END PRIVATE KEY-----
`

func TestJWTHints(t *testing.T) {
	now := hintNow
	exp := func(d time.Duration) int64 { return now.Add(d).Unix() }
	valid := jwtHintToken(t, "RS256", jwt.MapClaims{"sub": "alice", "iss": "https://issuer.example", "aud": "api", "exp": exp(59*time.Minute + 30*time.Second)})
	expired := jwtHintToken(t, "HS256", jwt.MapClaims{"sub": "demo", "exp": exp(-3 * time.Hour)})
	soon := jwtHintToken(t, "HS256", jwt.MapClaims{"sub": "demo", "exp": exp(5 * time.Minute)})
	notYet := jwtHintToken(t, "HS256", jwt.MapClaims{"sub": "demo", "nbf": exp(10 * time.Minute), "exp": exp(time.Hour)})
	fine := jwtHintToken(t, "HS256", jwt.MapClaims{"sub": "demo", "exp": exp(time.Hour)})
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"x"}`)) + "."
	bearer := func(tok string) http.Header { return hintHeader("Authorization", "Bearer "+tok) }
	challenge := func(desc string) http.Header {
		return hintHeader("WWW-Authenticate", `Bearer realm="api", error="invalid_token", error_description="`+desc+`"`)
	}
	jsonType := hintHeader("Content-Type", hintJSONType)
	for _, tt := range []struct {
		name    string
		ex      *Exchange
		want    levelTitle
		detail  string // a substring of the hint's Detail or Checks
		noToken []string
	}{
		{"access_token in a token response", hintExchange("POST", "https://idp.example/token", nil, "grant_type=client_credentials", 200, jsonType,
			`{"access_token":"`+valid+`","token_type":"Bearer","expires_in":3600}`),
			infoH("access_token is a JWT · RS256 · sub alice · expires in 59 min"), `issuer “https://issuer.example”, audience “api”, key id “key-1”`, []string{valid}},
		{"id_token", hintGet("https://idp.example/token", nil, 200, jsonType, `{"access_token":"opaque","id_token":"`+expired+`"}`),
			warnH("id_token is a JWT · HS256 · sub demo · expired 3 h ago"), "issued already expired", []string{expired}},
		{"body is a JWT", hintGet("https://idp.example/jwt", nil, 200, hintHeader("Content-Type", "application/jwt"), valid+"\n"),
			infoH("the response body is a JWT · RS256 · sub alice · expires in 59 min"), "bearer credential", []string{valid}},
		{"unsecured id_token", hintGet("https://idp.example/token", nil, 200, jsonType, `{"id_token":"`+none+`"}`),
			warnH("id_token is an unsecured JWT (alg none)"), "proves nothing", nil},
		{"expired, any server", hintGet("https://api.example/me", bearer(expired), 401, challenge("The token has expired"), ""),
			errH("JWT expired 3 h ago"), "it expired 3 h ago", []string{expired}},
		{"not yet valid", hintGet("https://api.example/me", bearer(notYet), 401, nil, `{"message":"Unauthorized"}`),
			errH("JWT not valid yet · nbf in 10 min"), "nbf (not before)", nil},
		{"server says expired (PyJWT wording), clocks unknown", hintGet("https://api.example/me", bearer(soon), 401, challenge("Signature has expired"), ""),
			errH("JWT expired by the server's clock"), "by your clock it expires in 5 min", nil},
		{"Date header ahead", hintGet("https://api.example/me", bearer(soon), 401,
			hintHeader("Date", now.Add(10*time.Minute).Format(http.TimeFormat), "WWW-Authenticate", `Bearer error="invalid_token"`), ""),
			errH("JWT expired by the server's clock"), "10m0s ahead of yours", nil},
		{"Date header behind", hintGet("https://api.example/me", bearer(jwtHintToken(t, "HS256", jwt.MapClaims{"nbf": exp(-time.Minute), "exp": exp(time.Hour)})), 401,
			hintHeader("Date", now.Add(-5*time.Minute).Format(http.TimeFormat)), ""),
			errH("JWT not valid yet by the server's clock"), "5m0s behind yours", nil},
		{"signature, HMAC", hintGet("https://api.example/me", bearer(fine), 401, challenge("Invalid signature"), ""),
			errH("JWT signature rejected · HS256"), "different secret", []string{fine}},
		{"signature, RSA", hintGet("https://api.example/me", bearer(valid), 401, jsonType, `{"error":"invalid_token","error_description":"signature verification failed"}`),
			errH("JWT signature rejected · RS256"), "openssl pkey", nil},
		{"alg", hintGet("https://api.example/me", bearer(fine), 401, challenge("unexpected signing method: HS256"), ""),
			errH("JWT alg not accepted · HS256"), "The alg must fit the key", nil},
		{"something else", hintGet("https://api.example/me", bearer(valid), 403, nil, ""),
			infoH("The refused JWT · RS256 · sub alice · expires in 59 min"), "iss and aud", []string{valid}},
	} {
		hs := Explain(tt.ex, Info{Name: "jwt", Title: "JWT"}, now)
		var got *Hint
		for i := range hs {
			if hs[i].Title == tt.want.Title {
				got = &hs[i]
			}
		}
		if got == nil || got.Level != tt.want.Level {
			var titles []string
			for _, h := range hs {
				titles = append(titles, h.Level.String()+" "+h.Title)
			}
			t.Errorf("%s: no hint %s among:\n  %s", tt.name, tt.want, strings.Join(titles, "\n  "))
			continue
		}
		text := got.Detail + "|" + strings.Join(got.Checks, "|")
		if !strings.Contains(text, tt.detail) {
			t.Errorf("%s: hint %q text %q lacks %q", tt.name, got.Title, text, tt.detail)
		}
		for _, h := range hs {
			all := h.Title + h.Detail + strings.Join(h.Checks, "")
			for _, tok := range tt.noToken {
				if strings.Contains(all, tok) || strings.Contains(all, tok[strings.LastIndexByte(tok, '.')+1:]) {
					t.Errorf("%s: hint %q contains the token or its signature", tt.name, h.Title)
				}
			}
		}
	}
}

func TestJWTHintsQuiet(t *testing.T) {
	fine := jwtHintToken(t, "HS256", jwt.MapClaims{"sub": "demo", "exp": hintNow.Add(time.Hour).Unix()})
	for _, tt := range []struct {
		name string
		ex   *Exchange
	}{
		{"200 with a sent JWT", hintGet("https://api.example/me", hintHeader("Authorization", "Bearer "+fine), 200, nil, `{}`)},
		{"401 with an opaque token", hintGet("https://api.example/me", hintHeader("Authorization", "Bearer ghp_abc"), 401, nil, "")},
		{"opaque access_token", hintGet("https://idp.example/token", nil, 200, hintHeader("Content-Type", hintJSONType), `{"access_token":"2YotnFZFEjr1zCsicMWpAA"}`)},
		{"access_token on an error", hintGet("https://idp.example/token", nil, 400, hintHeader("Content-Type", hintJSONType), `{"access_token":"`+fine+`"}`)},
	} {
		for _, h := range jwtHints(newHintInput(tt.ex, Info{Name: "bearer"}, hintNow)) {
			t.Errorf("%s: unexpected hint %s %q", tt.name, h.Level, h.Title)
		}
	}
}
