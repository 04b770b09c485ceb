package postman

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/authlab/authlab/profiles"
)

// realFiles are the published collections in testdata/real (README.md
// there names their sources and licences), with what each must map to.
var realFiles = []struct {
	file, env string
	format    string
	total     int
	full      int
	schemes   map[string]string // some profiles and their scheme
	secrets   []string          // values typed into the file that must not survive
}{
	{"wise-groups-api.postman_collection.json", "wise-groups-api-sandbox.postman_environment.json", FormatV21, 11, 5,
		map[string]string{"authentication/1-generate-tokens-from-authorization-code": "basic", "get-balance-group-details": "bearer"}, nil},
	{"postman-transformer-helpers-v2.1.0.json", "", FormatV21, 4, 0,
		map[string]string{"oauth": "oauth1", "basicauth": "basic", "test-bearer-auth-success": "bearer", "digestauth": "digest"},
		[]string{"asdgf", "kane", "wkjehbxoqnunc2k3"}},
	{"postman-transformer-helpers-v2.0.0.json", "", FormatV20, 3, 0,
		map[string]string{"oauth": "oauth1", "basicauth": "basic", "digestauth": "digest"},
		[]string{"asdgf", "kane"}},
}

// TestRealFiles imports each published file and checks what it maps to;
// the share mapped fully is logged for the closing figures (-v). The
// requests not mapped fully carry scripts (test scripts that save tokens,
// which authlab does not run) or Postman's {{$guid}}.
func TestRealFiles(t *testing.T) {
	allFull, allTotal := 0, 0
	for _, tt := range realFiles {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join("testdata/real", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var envs [][]byte
			if tt.env != "" {
				e, err := os.ReadFile(filepath.Join("testdata/real", tt.env))
				if err != nil {
					t.Fatal(err)
				}
				envs = append(envs, e)
			}
			r, err := Import(doc, envs...)
			if err != nil {
				t.Fatalf("Import(%s) error: %v", tt.file, err)
			}
			if r.Format != tt.format {
				t.Errorf("Format = %q; want %q", r.Format, tt.format)
			}
			full, total := r.Full()
			if full != tt.full || total != tt.total {
				t.Errorf("Full() = %d of %d; want %d of %d", full, total, tt.full, tt.total)
			}
			allFull += full
			allTotal += total
			got := map[string]string{}
			for _, p := range r.Profiles {
				got[p.Name] = p.Scheme
				if err := profiles.ValidateName(p.Name); err != nil {
					t.Errorf("ValidateName(%q) = %v", p.Name, err)
				}
			}
			for name, scheme := range tt.schemes {
				if got[name] != scheme {
					t.Errorf("profile %q scheme = %q; want %q (profiles: %v)", name, got[name], scheme, got)
				}
			}
			assertNoLiteral(t, r, tt.secrets...)
			for _, u := range r.Unmapped {
				t.Logf("unmapped: %s @ %s: %s", u.Profile, u.Where, u.What)
			}
			t.Logf("%s: %d of %d requests mapped fully", tt.file, full, total)
		})
	}
	t.Logf("all real files: %d of %d requests mapped fully", allFull, allTotal)
}
