package practice

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
)

// TestCompareJWT runs the real client against the real /jwt and compares
// the client's trace with the server trace of the answer.
func TestCompareJWT(t *testing.T) {
	ts := httptest.NewServer(New(Options{}).Handler())
	defer ts.Close()
	tests := []struct {
		name, secret  string
		want, explain string
	}{
		{"agree", DemoJWTSecret, "", ""},
		{"same length, other characters", "demo-jwt-secreT", "signature", "other characters"},
		{"longer secret", DemoJWTSecret + "\n", "secret", "your HMAC secret is 16 bytes, the server's is 15"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng := authn.New(authn.Options{})
			defer eng.Close()
			fields := map[string]string{"claims": `{"sub":"demo"}`, "alg": "HS256", "secret": tc.secret}
			res, err := eng.Exchange(context.Background(), authn.Request{URL: ts.URL + "/jwt", Scheme: "jwt", Fields: fields})
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
