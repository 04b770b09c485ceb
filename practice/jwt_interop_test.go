package practice

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/internal/testenv"
)

// TestJWTInteropPyJWT runs PyJWT (Debian python3-jwt, another
// implementation in another language) both ways: it verifies tokens
// authlab's jwt scheme built (HS256 and RS256, plus a wrong secret that must
// fail), and it makes tokens with every alg /jwt accepts and sends them to
// the practice server, which must accept them (and refuse a wrong secret and
// an expired token). Without PyJWT it skips (fails under
// AUTHLAB_REQUIRE_INTEROP=1, which .ci/run sets).
func TestJWTInteropPyJWT(t *testing.T) {
	python := testenv.Python(t, []string{"jwt", "cryptography"}, "python3-jwt", "python3-cryptography")
	ts := startServer(t, Options{Now: time.Now})

	// authlab builds the tokens PyJWT verifies (real clock: PyJWT checks exp).
	build := func(alg string) string {
		f := jwtDemoKey(alg)
		f["alg"], f["claims"] = alg, `{"sub":"authlab","aud":"practice","exp":"+10m"}`
		s, err := authn.Lookup("jwt")
		if err != nil {
			t.Fatal(err)
		}
		creds, err := s.Info().Validate(f)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(ts.URL + "/jwt")
		out := &authn.Outgoing{Method: "GET", URL: u, Header: http.Header{}}
		if err := s.Authorize(out, creds, authn.Env{Now: time.Now}, &authn.Trace{}); err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(out.Header.Get("Authorization"), "Bearer ")
	}
	type verify struct {
		Case  string `json:"case"`
		Token string `json:"token"`
		Alg   string `json:"alg"`
		Key   string `json:"key"`
	}
	hs, rs := build("HS256"), build("RS256")
	input := map[string]any{
		"secret":     DemoJWTSecret,
		"rsa_public": jwtDemoRSAPublicPEM(t),
		"keys":       map[string]string{"RS256": DemoRSAPrivateKeyPEM, "ES256": DemoECPrivateKeyPEM, "EdDSA": DemoEd25519PrivateKeyPEM},
		"verify": []verify{
			{"verify HS256", hs, "HS256", "secret"},
			{"verify RS256", rs, "RS256", "rsa_public"},
			{"verify HS256 wrong secret", hs, "HS256", "wrong"},
			{"verify RS256 as HS256", rs, "HS256", "secret"},
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/jwt_pyjwt.py", ts.URL)
	cmd.Stdin = strings.NewReader(string(mustJSON(t, input)))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jwt_pyjwt.py: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr.String())
	}
	type result struct {
		Case   string         `json:"case"`
		OK     bool           `json:"ok"`
		Claims map[string]any `json:"claims"`
		Error  string         `json:"error"`
		Status int            `json:"status"`
		Body   string         `json:"body"`
	}
	got := map[string]result{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("jwt_pyjwt.py printed %q: %v", sc.Text(), err)
		}
		got[r.Case] = r
	}
	for _, c := range []string{"verify HS256", "verify RS256"} {
		if r := got[c]; !r.OK || r.Claims["sub"] != "authlab" {
			t.Errorf("PyJWT %s = %+v; want ok with sub authlab", c, r)
		}
	}
	if r := got["verify HS256 wrong secret"]; r.OK || r.Error != "InvalidSignatureError" {
		t.Errorf("PyJWT verify with a wrong secret = %+v; want InvalidSignatureError", r)
	}
	if r := got["verify RS256 as HS256"]; r.OK || r.Error != "InvalidAlgorithmError" {
		t.Errorf("PyJWT verify RS256 token as HS256 = %+v; want InvalidAlgorithmError", r)
	}
	for _, alg := range []string{"HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA"} {
		r := got["send "+alg]
		if r.Status != 200 || !strings.Contains(r.Body, `"alg":"`+alg+`"`) || !strings.Contains(r.Body, `"sub":"pyjwt"`) {
			t.Errorf("practice server, PyJWT %s token = %d %s; want 200 with the claims", alg, r.Status, r.Body)
		}
	}
	for c, want := range map[string]string{
		"send HS256 wrong secret": "The token signature is invalid",
		"send expired":            "The token expired 1h0m",
	} {
		if r := got[c]; r.Status != 401 || !strings.Contains(r.Body, want) {
			t.Errorf("practice server, PyJWT %s = %d %s; want 401 %q", c, r.Status, r.Body, want)
		}
	}
}
