package authn

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// testOP is a small OpenID provider on loopback whose ID tokens a test
// case can spoil: it serves discovery, a JWKS, an authorization endpoint
// that redirects at once (the browser is the test's Notify), a token
// endpoint and userinfo. Written here, not taken from practice, so the
// failure modes can be produced one at a time.
type testOP struct {
	srv      *httptest.Server
	rsaKey   *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
	mu       sync.Mutex
	nonce    string // of the last authorization request
	alg      string // RS256 (default) or ES256
	kid      string // header kid; "" is the key's own
	issuer   string // document's issuer; "" is the real one
	mutate   func(claims map[string]any)
	tamper   bool // flip a byte of the signature
	jwksHits int
	sub      string // userinfo's sub; "" is the ID token's
}

func newTestOP(t *testing.T) *testOP {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	op := &testOP{rsaKey: rk, ecKey: ek, alg: "RS256"}
	mux := http.NewServeMux()
	b64 := base64.RawURLEncoding.EncodeToString
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		iss := op.srv.URL
		op.mu.Lock()
		if op.issuer != "" {
			iss = op.issuer
		}
		op.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"issuer": iss, "authorization_endpoint": op.srv.URL + "/authorize",
			"token_endpoint": op.srv.URL + "/token", "jwks_uri": op.srv.URL + "/jwks", "userinfo_endpoint": op.srv.URL + "/userinfo",
			"introspection_endpoint": op.srv.URL + "/introspect", "revocation_endpoint": op.srv.URL + "/revoke"})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		op.mu.Lock()
		op.jwksHits++
		op.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{
			{"kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256", "n": b64(rk.N.Bytes()), "e": b64(big.NewInt(int64(rk.E)).Bytes())},
			{"kty": "EC", "kid": "ec-1", "use": "sig", "crv": "P-256", "x": b64(ek.X.FillBytes(make([]byte, 32))), "y": b64(ek.Y.FillBytes(make([]byte, 32)))},
		}})
	})
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		op.mu.Lock()
		op.nonce = q.Get("nonce")
		op.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=c0de&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		at := "at-" + b64([]byte(time.Now().String()))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 3600, "id_token": op.sign(at)})
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		op.mu.Lock()
		sub := op.sub
		op.mu.Unlock()
		if sub == "" {
			sub = "alice"
		}
		json.NewEncoder(w).Encode(map[string]any{"sub": sub, "email": "alice@example.test"})
	})
	mux.HandleFunc("GET /api", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"ok":true}`)) })
	op.srv = httptest.NewServer(mux)
	t.Cleanup(op.srv.Close)
	return op
}

// sign makes the ID token for access token at.
func (op *testOP) sign(at string) string {
	op.mu.Lock()
	defer op.mu.Unlock()
	now := time.Now()
	sum := sha256.Sum256([]byte(at))
	claims := map[string]any{"iss": op.srv.URL, "sub": "alice", "aud": "rp", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"nonce": op.nonce, "at_hash": base64.RawURLEncoding.EncodeToString(sum[:16])}
	if op.mutate != nil {
		op.mutate(claims)
	}
	kid := op.kid
	if kid == "" {
		kid = map[string]string{"RS256": "rsa-1", "ES256": "ec-1"}[op.alg]
	}
	h, _ := json.Marshal(map[string]string{"alg": op.alg, "kid": kid, "typ": "JWT"})
	c, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	digest := sha256.Sum256([]byte(input))
	var sig []byte
	if op.alg == "ES256" {
		r, s, _ := ecdsa.Sign(rand.Reader, op.ecKey, digest[:])
		sig = append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	} else {
		sig, _ = rsa.SignPKCS1v15(rand.Reader, op.rsaKey, crypto.SHA256, digest[:])
	}
	if op.tamper {
		sig[0] ^= 1
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// send runs the oidc scheme's code flow against op, the Notify callback
// following the authorization URL's redirect like a browser.
func (op *testOP) send(t *testing.T, e *Engine, fields map[string]string) (*Result, error) {
	t.Helper()
	f := map[string]string{"issuer": op.srv.URL, "client_id": "rp"}
	for k, v := range fields {
		f[k] = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return e.Exchange(ctx, Request{URL: op.srv.URL + "/api", Scheme: "oidc", Fields: f, Notify: func(n Notice) {
		if n.URL != "" {
			go func() {
				if resp, err := http.Get(n.URL); err == nil {
					resp.Body.Close()
				}
			}()
		}
	}})
}

func stepTitles(res *Result) []string {
	var out []string
	for _, s := range res.Trace.Steps {
		out = append(out, s.Title)
	}
	return out
}

// Every ID token check against a provider that breaks it on purpose: the
// error names the check, the failing step says FAIL with the values, a
// hint explains it, and the API is never called with the token.
func TestOIDCFailureModes(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(op *testOP)
		fields map[string]string
		check  string // OIDCError.Check
		step   string // the FAIL step
		hint   string // in a hint's title
	}{
		{"issuer mismatch", func(op *testOP) { op.issuer = op.srv.URL + "/" }, nil, "issuer", "Check the issuer of the configuration: FAIL", "issuer"},
		{"bad signature", func(op *testOP) { op.tamper = true }, nil, "signature", "Verify the signature: FAIL", "signature"},
		{"unknown kid", func(op *testOP) { op.kid = "gone" }, nil, "signature", "Find the signing key: FAIL", "signature"},
		{"alg none refused", func(op *testOP) { op.alg = "none" }, nil, "signature", "Check the signature algorithm: FAIL", "signature"},
		{"iss", func(op *testOP) { op.mutate = func(c map[string]any) { c["iss"] = "https://evil.example" } }, nil, "iss", "Check iss: FAIL", "issuer"},
		{"aud mismatch", func(op *testOP) { op.mutate = func(c map[string]any) { c["aud"] = "someone-else" } }, nil, "aud", "Check aud: FAIL", "audience"},
		{"azp missing with two audiences", func(op *testOP) { op.mutate = func(c map[string]any) { c["aud"] = []string{"rp", "api"} } }, nil, "azp", "Check azp: FAIL", "audience"},
		{"expired", func(op *testOP) {
			op.mutate = func(c map[string]any) { c["exp"] = time.Now().Add(-10 * time.Minute).Unix() }
		}, nil, "exp", "Check exp: FAIL", "expired"},
		{"expired beyond a small leeway", func(op *testOP) {
			op.mutate = func(c map[string]any) { c["exp"] = time.Now().Add(-20 * time.Second).Unix() }
		}, map[string]string{"leeway": "5s"}, "exp", "Check exp: FAIL", "expired"},
		{"issued in the future", func(op *testOP) {
			op.mutate = func(c map[string]any) { c["iat"] = time.Now().Add(time.Hour).Unix() }
		}, nil, "iat", "Check iat: FAIL", "clock"},
		{"nonce mismatch", func(op *testOP) { op.mutate = func(c map[string]any) { c["nonce"] = "replayed" } }, nil, "nonce", "Check nonce: FAIL", "nonce"},
		{"at_hash mismatch", func(op *testOP) { op.mutate = func(c map[string]any) { c["at_hash"] = "AAAAAAAAAAAAAAAAAAAAAA" } }, nil, "at_hash", "Check at_hash: FAIL", "at_hash"},
		{"userinfo sub differs", func(op *testOP) { op.sub = "mallory" }, nil, "userinfo sub", "Read userinfo and compare its sub: FAIL", "userinfo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := newTestOP(t)
			tt.setup(op)
			e := New(Options{Timeout: 5 * time.Second})
			defer e.Close()
			res, err := op.send(t, e, tt.fields)
			var oe *OIDCError
			if !errors.As(err, &oe) || oe.Check != tt.check {
				t.Fatalf("error = %v; want an OIDCError of check %q", err, tt.check)
			}
			if !slices.Contains(stepTitles(res), tt.step) {
				t.Errorf("trace lacks %q; steps %q", tt.step, stepTitles(res))
			}
			for _, ex := range res.Exchanges {
				if ex.Role == RoleRequest {
					t.Errorf("the API was called although the sign-in failed")
				}
			}
			found := false
			for _, h := range res.Hints {
				found = found || strings.Contains(strings.ToLower(h.Title), tt.hint)
			}
			if !found {
				t.Errorf("no hint with %q in its title; hints %+v", tt.hint, res.Hints)
			}
		})
	}
}

// The good cases: RS256 and ES256, one audience or two with azp.
func TestOIDCVerifiesGoodTokens(t *testing.T) {
	tests := []struct {
		name  string
		setup func(op *testOP)
		want  []string
	}{
		{"RS256", func(op *testOP) {}, []string{"Verify the signature: pass", "Check azp: not needed", "Check nonce: pass", "Check at_hash: pass"}},
		{"ES256", func(op *testOP) { op.alg = "ES256" }, []string{"Verify the signature: pass", "Check nonce: pass"}},
		{"two audiences with azp", func(op *testOP) {
			op.mutate = func(c map[string]any) { c["aud"], c["azp"] = []string{"rp", "api"}, "rp" }
		}, []string{"Check aud: pass", "Check azp: pass"}},
		{"no at_hash", func(op *testOP) { op.mutate = func(c map[string]any) { delete(c, "at_hash") } }, []string{"Check at_hash: absent"}},
		{"expired within the leeway", func(op *testOP) {
			op.mutate = func(c map[string]any) { c["exp"] = time.Now().Add(-10 * time.Second).Unix() }
		}, []string{"Check exp: pass"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := newTestOP(t)
			tt.setup(op)
			e := New(Options{Timeout: 5 * time.Second})
			defer e.Close()
			res, err := op.send(t, e, nil)
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			steps := stepTitles(res)
			for _, w := range tt.want {
				if !slices.Contains(steps, w) {
					t.Errorf("trace lacks %q; steps %q", w, steps)
				}
			}
			if res.Final().Role != RoleRequest || res.Final().Response.Status != 200 {
				t.Errorf("final exchange %s %d; want the API's 200", res.Final().Role, res.Final().Response.Status)
			}
		})
	}
}

// An issuer nobody listens on: the error names discovery and a hint says
// the provider is unreachable.
func TestOIDCDiscoveryUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e := New(Options{Timeout: 2 * time.Second})
	defer e.Close()
	res, err := e.Exchange(context.Background(), Request{URL: "http://" + addr + "/api", Scheme: "oidc",
		Fields: map[string]string{"issuer": "http://" + addr, "client_id": "rp"}})
	if !errOIDC(err, "discovery") {
		t.Fatalf("error = %v; want OIDCError discovery", err)
	}
	found := false
	for _, h := range res.Hints {
		found = found || strings.Contains(h.Title, "discovery")
	}
	if !found {
		t.Errorf("no discovery hint: %+v", res.Hints)
	}
}

// oidcNewPlan's input errors, and openid added to a scope without it.
func TestOIDCPlan(t *testing.T) {
	tests := []struct {
		fields    map[string]string
		wantField string // InputError.Field, "" for none
		scope     string
	}{
		{map[string]string{"issuer": "https://op.example", "scope": "email"}, "", "openid email"},
		{map[string]string{"issuer": "https://op.example", "scope": "openid email"}, "", "openid email"},
		{map[string]string{"issuer": "op.example"}, "issuer", ""},
		{map[string]string{"issuer": "https://op.example?x=1"}, "issuer", ""},
		{map[string]string{"issuer": "https://op.example", "leeway": "soon"}, "leeway", ""},
		{map[string]string{"issuer": "https://op.example", "leeway": "2h"}, "leeway", ""},
	}
	for _, tt := range tests {
		p, err := oidcNewPlan(Credentials(tt.fields))
		var ie *InputError
		switch {
		case tt.wantField != "" && (!errors.As(err, &ie) || ie.Field != tt.wantField):
			t.Errorf("oidcNewPlan(%v) error = %v; want an InputError for %s", tt.fields, err, tt.wantField)
		case tt.wantField == "" && err != nil:
			t.Errorf("oidcNewPlan(%v) = %v", tt.fields, err)
		case tt.wantField == "" && p.scope != tt.scope:
			t.Errorf("oidcNewPlan(%v).scope = %q; want %q", tt.fields, p.scope, tt.scope)
		}
	}
}

// FuzzOIDCParseJWKS: any body parses or is refused, never panics.
func FuzzOIDCParseJWKS(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"","e":"AQAB"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) { oidcParseJWKS(b) })
}

// The published vectors of authn/testdata/oidc/vectors.json: OIDC Core
// Appendix A's at_hash (and c_hash, the same construction) examples, and
// RFC 7515 Appendix A.3's ES256 JWS verified with its JWK through
// oidcParseJWKS and oidcVerify; a changed byte of the signing input fails.
func TestOIDCPublishedVectors(t *testing.T) {
	b, err := os.ReadFile("testdata/oidc/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		AtHash []struct {
			AccessToken string `json:"access_token"`
			AtHash      string `json:"at_hash"`
		} `json:"at_hash"`
		ES256 struct {
			JWKS json.RawMessage
			JWS  string
		}
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.AtHash) != 2 {
		t.Fatalf("%d at_hash vectors; want 2", len(v.AtHash))
	}
	for _, tt := range v.AtHash {
		if got := oidcAtHash(tt.AccessToken); got != tt.AtHash {
			t.Errorf("oidcAtHash(%q) = %q; want %q", tt.AccessToken, got, tt.AtHash)
		}
	}
	keys, err := oidcParseJWKS(v.ES256.JWKS)
	if err != nil || len(keys) != 1 {
		t.Fatalf("oidcParseJWKS = %v, %v", keys, err)
	}
	parts := strings.Split(v.ES256.JWS, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	input := parts[0] + "." + parts[1]
	tests := []struct {
		input string
		want  bool
	}{
		{input, true},
		{input[:len(input)-1] + "R", false},
	}
	for _, tt := range tests {
		if got := oidcVerify("ES256", keys[0].pub, tt.input, sig); got != tt.want {
			t.Errorf("oidcVerify(ES256, RFC 7515 A.3, input ending %q) = %v; want %v", tt.input[len(tt.input)-4:], got, tt.want)
		}
	}
	if oidcVerify("RS256", keys[0].pub, input, sig) {
		t.Error("an EC key verified an RS256 signature")
	}
}
