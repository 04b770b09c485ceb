package practice

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
)

// TestCompareDigest runs the real client against the real /digest and
// compares the client's trace with the server trace of the final answer.
func TestCompareDigest(t *testing.T) {
	ts := httptest.NewServer(New(Options{}).Handler())
	defer ts.Close()
	tests := []struct {
		name, pass    string
		want, explain string
	}{
		{"agree", DemoPassword, "", ""},
		{"same length, other characters", "demo-passwort", "response", "right length but other characters"},
		{"one character more", DemoPassword + "!", "password", "your password is 14 characters, the server's is 13"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng := authn.New(authn.Options{})
			defer eng.Close()
			fields := map[string]string{"username": DemoUser, "password": tc.pass}
			res, err := eng.Exchange(context.Background(), authn.Request{URL: ts.URL + "/digest", Scheme: "digest", Fields: fields})
			if err != nil {
				t.Fatal(err)
			}
			st, err := DecodeTrace(res.Final().Response.Header.Get(TraceHeader))
			if err != nil {
				t.Fatal(err)
			}
			ds := Compare(res.Trace, st)
			diffAssertNoSecrets(t, ds, []string{tc.pass})
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
