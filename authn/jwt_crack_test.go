package authn

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// jwtIOToken is the example token of jwt.io's debugger, published with its
// secret "your-256-bit-secret" (https://jwt.io/, the default HS256 example):
// a vector made by another implementation.
const jwtIOToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

func TestCrackJWT(t *testing.T) {
	sign := func(m jwt.SigningMethod, secret string) string {
		s, err := jwt.NewWithClaims(m, jwt.MapClaims{"sub": "student"}).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	words := "123456\r\npassword\r\n\r\nsunshine\r\nletmein\r\n"
	tests := []struct {
		name, token, words string
		found              bool
		secret             string
		line, tried        int
	}{
		{"jwt.io example", jwtIOToken, "secret\nyour-256-bit-secret\n", true, "your-256-bit-secret", 2, 2},
		{"HS256, CRLF list", sign(jwt.SigningMethodHS256, "sunshine"), words, true, "sunshine", 4, 4},
		{"HS384", sign(jwt.SigningMethodHS384, "letmein"), words, true, "letmein", 5, 5},
		{"HS512 as a Bearer header", "Bearer " + sign(jwt.SigningMethodHS512, "password"), words, true, "password", 2, 2},
		{"not in the list", sign(jwt.SigningMethodHS256, "a long random secret 5d41402abc4b2a76"), words, false, "", 0, 5},
		{"no final newline", sign(jwt.SigningMethodHS256, "last"), "first\nlast", true, "last", 2, 2},
	}
	for _, tt := range tests {
		res, err := CrackJWT(context.Background(), tt.token, strings.NewReader(tt.words))
		if err != nil || res.Found != tt.found || res.Secret != tt.secret || res.Line != tt.line || res.Tried != tt.tried {
			t.Errorf("%s: CrackJWT() = %+v, %v; want found %v %q on line %d after %d", tt.name, res, err, tt.found, tt.secret, tt.line, tt.tried)
		}
	}
}

func TestCrackJWTRefuses(t *testing.T) {
	rs := jwtTestKeys(t)["RS256"]
	k, _, err := jwtParsePEM(rs.priv)
	if err != nil {
		t.Fatal(err)
	}
	rsTok, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{}).SignedString(k)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, token, want string }{
		{"RS256", rsTok, `alg is "RS256": only an HMAC token`},
		{"not a JWT", "opaque-token", "not a JWT"},
	} {
		_, err := CrackJWT(context.Background(), tt.token, strings.NewReader("x\n"))
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.want) || ie.Fix == "" {
			t.Errorf("%s: CrackJWT() error = %v; want an InputError containing %q", tt.name, err, tt.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CrackJWT(ctx, jwtIOToken, strings.NewReader("a\nb\n")); !errors.Is(err, context.Canceled) {
		t.Errorf("CrackJWT(cancelled) = %v; want context.Canceled", err)
	}
}
