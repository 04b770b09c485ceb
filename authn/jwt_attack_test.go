package authn

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// The attack modes build the forged token on the wire (a real loopback
// server reads the Authorization header), and say so first in the trace.
func TestJWTAttackTokens(t *testing.T) {
	var mu sync.Mutex
	var got string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Get("Authorization")
		mu.Unlock()
	}))
	defer ts.Close()
	pub := jwtTestKeys(t)["RS256"].pub // a PEM public key, ending in "\n"
	mac := func(key, input string) string {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(input))
		return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	}
	tests := []struct {
		name, path string
		fields     map[string]string
		header     string
		sig        func(input string) string // the signature segment wanted
		note       string                    // in the trace
	}{
		{"alg-none", "/labs/jwt-none", map[string]string{"attack": "alg-none", "claims": `{"sub":"student","role":"admin"}`},
			`{"alg":"none","typ":"JWT"}`, func(string) string { return "" }, "ATTACK: this request forges an unsecured token"},
		{"alg-none with kid, not a lab URL", "/api", map[string]string{"attack": "alg-none", "kid": "k1", "claims": `{"sub":"x"}`},
			`{"alg":"none","kid":"k1","typ":"JWT"}`, func(string) string { return "" }, "This URL is not an authlab practice lab"},
		{"key-confusion, PEM as read by file: (final newline dropped)", "/labs/jwt-confusion",
			map[string]string{"attack": "key-confusion", "alg": "HS256", "secret": strings.TrimSuffix(pub, "\n"), "claims": `{"role":"admin"}`},
			`{"alg":"HS256","typ":"JWT"}`, func(in string) string { return mac(pub, in) }, "final newline was put back"},
		{"key-confusion, PEM with its newline", "/labs/jwt-confusion",
			map[string]string{"attack": "key-confusion", "secret": pub, "claims": `{"role":"admin"}`},
			`{"alg":"HS256","typ":"JWT"}`, func(in string) string { return mac(pub, in) }, "RSA public key (PEM bytes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := New(Options{})
			defer eng.Close()
			res, err := eng.Exchange(context.Background(), Request{URL: ts.URL + tt.path, Scheme: "jwt", Fields: tt.fields})
			if err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			auth := got
			mu.Unlock()
			tok, ok := strings.CutPrefix(auth, "Bearer ")
			parts := strings.Split(tok, ".")
			if !ok || len(parts) != 3 {
				t.Fatalf("Authorization = %q; want Bearer header.claims.signature", auth)
			}
			h, _ := base64.RawURLEncoding.DecodeString(parts[0])
			if string(h) != tt.header {
				t.Errorf("header = %s; want %s", h, tt.header)
			}
			if want := tt.sig(parts[0] + "." + parts[1]); parts[2] != want {
				t.Errorf("signature = %q; want %q", parts[2], want)
			}
			first := res.Trace.Steps[0]
			if !strings.HasPrefix(first.Title, "ATTACK (practice lab): "+tt.fields["attack"]) || !strings.Contains(first.Note, "A correct server refuses it") {
				t.Errorf("first trace step = %q: %q; want the ATTACK warning", first.Title, first.Note)
			}
			var all strings.Builder
			for _, s := range res.Trace.Steps {
				all.WriteString(s.Note + "\n")
			}
			if !strings.Contains(all.String(), tt.note) {
				t.Errorf("trace notes lack %q:\n%s", tt.note, all.String())
			}
			if v, ok := jwtTraceValue(res.Trace, "token"); !ok || !v.Secret {
				t.Errorf("the forged token is not a secret trace value")
			}
		})
	}
}

// The attacks are opt-in: without attack, alg none and a PEM HMAC secret
// stay refused; with it, bad combinations are one clear InputError.
func TestJWTAttackInputErrors(t *testing.T) {
	pub := jwtTestKeys(t)["RS256"].pub
	tests := []struct {
		name        string
		creds       Credentials
		field, want string
	}{
		{"PEM secret without attack", Credentials{"claims": "{}", "alg": "HS256", "secret": pub}, "secret", "algorithm-confusion attack"},
		{"key-confusion without a PEM", Credentials{"claims": "{}", "attack": "key-confusion", "secret": "plain"}, "secret", "not a PEM key"},
		{"key-confusion with RS256", Credentials{"claims": "{}", "attack": "key-confusion", "alg": "RS256", "secret": pub}, "alg", "signs with HMAC"},
		{"attack with a token", Credentials{"token": "a.b.c", "attack": "alg-none"}, "token", "builds its own token"},
		{"attack without claims", Credentials{"attack": "alg-none"}, "claims", "needs the claims"},
		{"unknown attack", Credentials{"claims": "{}", "attack": "sqli"}, "attack", "unknown attack"},
	}
	for _, tt := range tests {
		err := (jwtScheme{}).Authorize(jwtOutgoing(), tt.creds, jwtEnv(), &Trace{})
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != tt.field || !strings.Contains(err.Error(), tt.want) || ie.Fix == "" {
			t.Errorf("%s: Authorize() = %v (field %q); want an InputError on %s containing %q with a fix", tt.name, err, fieldOf(ie), tt.field, tt.want)
		}
	}
	// off is the same as no attack: a normal build, signed
	out := jwtOutgoing()
	if err := (jwtScheme{}).Authorize(out, Credentials{"claims": "{}", "secret": "s", "attack": jwtAttackOff}, jwtEnv(), &Trace{}); err != nil {
		t.Fatal(err)
	}
	if h := out.Header.Get("Authorization"); strings.HasSuffix(h, ".") || !strings.HasPrefix(h, "Bearer eyJhbGciOiJIUzI1NiIs") {
		t.Errorf("attack=off sent %q; want a signed HS256 token", h)
	}
}
