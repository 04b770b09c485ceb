package practice

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
)

// TestCompareThroughEngine runs the real client against the real practice
// endpoint and compares the client's trace with the server trace of the
// answer: agreement, then the first difference one wrong credential makes.
func TestCompareThroughEngine(t *testing.T) {
	ts := httptest.NewServer(New(Options{}).Handler())
	defer ts.Close()
	digest := func(pass string) map[string]string {
		return map[string]string{"username": DemoUser, "password": pass}
	}
	jwt := func(secret string) map[string]string {
		return map[string]string{"claims": `{"sub":"demo"}`, "alg": "HS256", "secret": secret}
	}
	ntlm := func(pass string) map[string]string {
		return map[string]string{"username": DemoUser, "password": pass, "domain": NTLMDomain}
	}
	tests := []struct {
		name, path, scheme string
		fields             map[string]string
		secret             string // must appear in no Difference
		want, explain      string // first difference ("" for agreement)
	}{
		{"digest agrees", "/digest", "digest", digest(DemoPassword), DemoPassword, "", ""},
		{"digest, same length, other characters", "/digest", "digest", digest("demo-passwort"), "demo-passwort", "response", "right length but other characters"},
		{"digest, one character more", "/digest", "digest", digest(DemoPassword + "!"), DemoPassword + "!", "password", "your password is 14 characters, the server's is 13"},
		{"jwt agrees", "/jwt", "jwt", jwt(DemoJWTSecret), DemoJWTSecret, "", ""},
		{"jwt, same length, other characters", "/jwt", "jwt", jwt("demo-jwt-secreT"), "demo-jwt-secreT", "signature", "other characters"},
		{"jwt, longer secret", "/jwt", "jwt", jwt(DemoJWTSecret + "\n"), DemoJWTSecret + "\n", "secret", "your HMAC secret is 16 bytes, the server's is 15"},
		{"ntlm agrees", "/ntlm", "ntlm", ntlm(DemoPassword), DemoPassword, "", ""},
		{"ntlm, same length, other characters", "/ntlm", "ntlm", ntlm("demo-passwort"), "demo-passwort", "NTProofStr", "right length but other characters"},
		{"ntlm, one character more", "/ntlm", "ntlm", ntlm(DemoPassword + "!"), DemoPassword + "!", "password", "your password is 14 characters, the server's is 13"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng := authn.New(authn.Options{})
			defer eng.Close()
			res, err := eng.Exchange(context.Background(), authn.Request{URL: ts.URL + tc.path, Scheme: tc.scheme, Fields: tc.fields})
			if err != nil {
				t.Fatal(err)
			}
			st, err := DecodeTrace(res.Final().Response.Header.Get(TraceHeader))
			if err != nil {
				t.Fatal(err)
			}
			ds := Compare(res.Trace, st)
			diffAssertNoSecrets(t, ds, []string{tc.secret})
			d, ok := First(res.Trace, st)
			if tc.want == "" {
				if ok {
					t.Fatalf("want agreement, got %+v", ds)
				}
				return
			}
			if !ok || d.Label != tc.want || !strings.Contains(d.Explain, tc.explain) {
				t.Fatalf("first = %+v (ok %v); want label %q explaining %q (all: %+v)", d, ok, tc.want, tc.explain, ds)
			}
		})
	}
}
