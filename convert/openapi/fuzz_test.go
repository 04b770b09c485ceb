package openapi

import (
	"os"
	"strings"
	"testing"
)

// FuzzImport: no input panics, an error is one line, and every result keeps
// the invariants (valid unique names, known schemes and fields, secrets as
// references). Seeded with the test fixtures and the small published
// documents. Run it with -fuzzminimizetime 2s: minimizing an input grown
// from the 23 KiB petstore takes the default minute, with no execs counted.
func FuzzImport(f *testing.F) {
	for _, name := range []string{"testdata/practice.yaml", "testdata/real/oai-securityschemes-3.1.yaml",
		"testdata/real/oai-webhook-example-3.1.json", "testdata/real/oai-petstore-swagger-2.0.json", "testdata/real/swagger-petstore-3.0.yaml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, tt := range schemeTests {
		f.Add([]byte(oneOp(tt.security, tt.schemes)))
	}
	f.Add([]byte(billionLaughs()[:200]))
	f.Fuzz(func(t *testing.T, doc []byte) {
		r, err := Import(doc, Options{})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is more than one line", err)
			}
			return
		}
		checkInvariants(t, r)
	})
}
