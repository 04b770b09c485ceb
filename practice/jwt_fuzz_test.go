package practice

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/golang-jwt/jwt/v5"
)

// FuzzJWTServer feeds Authorization headers to /jwt's verifier. It must not
// panic, its error_description must stay a valid quoted-string without
// quotes or backslashes (RFC 6750 §3), and whatever it accepts must also be
// a valid token for authn.DecodeJWT with the demo key of its alg (two
// independent verifiers agreeing).
func FuzzJWTServer(f *testing.F) {
	now := time.Unix(1700000000, 0)
	claims := jwt.MapClaims{"sub": "demo", "exp": now.Add(time.Hour).Unix()}
	hs, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(DemoJWTSecret))
	ed, _ := jwt.ParseEdPrivateKeyFromPEM([]byte(DemoEd25519PrivateKeyPEM))
	eds, _ := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims).SignedString(ed)
	for _, s := range []string{"Bearer " + hs, "Bearer " + eds, "Bearer " + hs[:len(hs)-2] + "AA", "Bearer a.b.c", "Bearer eyJhbGciOiJub25lIn0.e30.",
		"Basic x", "Bearer " + strings.Replace(hs, ".", "..", 1), "bearer  " + hs} {
		f.Add(s)
	}
	s := New(Options{Now: func() time.Time { return now }})
	keys := jwtKeys{rsa: s.rsaKey, ec: jwtDemoECPublicKey(), ed: jwtDemoEd25519PublicKey()}
	h := s.jwtResource(keys)
	f.Fuzz(func(t *testing.T, auth string) {
		if !strings.HasPrefix(auth, "B") || strings.ContainsAny(auth, "\r\n\x00") {
			return
		}
		r := httptest.NewRequest("GET", "/jwt", nil)
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		h(w, r)
		if w.Code == http.StatusOK {
			_, tok, _ := strings.Cut(auth, " ")
			tok = strings.TrimLeft(tok, " ")
			d, err := authn.DecodeJWT(tok, "", now)
			if err != nil {
				t.Fatalf("server accepted what DecodeJWT refuses: %v", err)
			}
			key := map[string]string{"RS256": DemoRSAPrivateKeyPEM, "ES256": DemoECPrivateKeyPEM, "EdDSA": DemoEd25519PrivateKeyPEM}[d.Alg]
			if key == "" {
				key = DemoJWTSecret
			}
			if d, _ := authn.DecodeJWT(tok, key, now); !d.Sig.Valid {
				t.Fatalf("server accepted a %s token whose signature DecodeJWT finds invalid: %s", d.Alg, d.Sig.Detail)
			}
			return
		}
		ch := w.Header().Get("WWW-Authenticate")
		if _, desc, ok := strings.Cut(ch, `error_description="`); ok {
			desc = strings.TrimSuffix(desc, `"`)
			if strings.ContainsAny(desc, "\"\\") {
				t.Fatalf("error_description with a quote or backslash: %q", ch)
			}
		}
	})
}
