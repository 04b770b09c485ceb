package openapi

import (
	"os"
	"strings"
	"testing"
)

// realTests are published OpenAPI documents (testdata/real/README.md
// names their sources and licences), each with the share of its operations
// that map fully and one profile checked closely.
var realTests = []struct {
	file        string
	format      string
	full, total int
	profile     string // a profile to check
	scheme      string // its scheme
	field       string // and one of its fields
	value       string
}{
	{"swagger-petstore-3.0.yaml", "OpenAPI 3.0", 12, 19, "pet/get-pet-by-id", "apikey", "value", "env:SWAGGER_API_KEY"},
	{"ably-platform-3.0.yaml", "OpenAPI 3.0", 22, 22, "status/get-metadata-of-channel", "basic", "password", "env:ABLY_PASSWORD"},
	{"ory-hydra-3.0.json", "OpenAPI 3.0", 52, 52, "oidc/get-oidc-user-info", "oauth2", "auth_url", "https://hydra.demo.ory.sh/oauth2/auth"},
	{"discord-3.1.json", "OpenAPI 3.1", 242, 242, "users/get-my-guild-member", "oauth2", "grant", "client_credentials"},
	{"oai-securityschemes-3.1.yaml", "OpenAPI 3.1", 1, 1, "pets/list-pets", "none", "", ""},
	{"oai-webhook-example-3.1.json", "OpenAPI 3.1", 0, 0, "", "", "", ""},
}

func TestRealDocuments(t *testing.T) {
	sumFull, sumTotal := 0, 0
	for _, tt := range realTests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := os.ReadFile("testdata/real/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Import(doc, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkInvariants(t, r)
			if r.Format != tt.format {
				t.Errorf("Format = %q; want %q", r.Format, tt.format)
			}
			full, total := r.Full()
			if full != tt.full || total != tt.total {
				t.Errorf("Full() = %d, %d; want %d, %d", full, total, tt.full, tt.total)
			}
			sumFull, sumTotal = sumFull+full, sumTotal+total
			if tt.profile == "" {
				return
			}
			p := profileNamed(r.Profiles, tt.profile)
			if p.Name == "" {
				t.Fatalf("no profile %s", tt.profile)
			}
			if p.Scheme != tt.scheme || tt.field != "" && p.Fields[tt.field] != tt.value {
				t.Errorf("%s: scheme %q, %s = %q; want %q, %q", tt.profile, p.Scheme, tt.field, p.Fields[tt.field], tt.scheme, tt.value)
			}
		})
	}
	t.Logf("real documents: %d of %d operations mapped fully", sumFull, sumTotal)
}

// TestRealSwagger2 is the published Swagger 2.0 petstore: one clear error.
func TestRealSwagger2(t *testing.T) {
	doc, err := os.ReadFile("testdata/real/oai-petstore-swagger-2.0.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(doc, Options{})
	if err == nil || !strings.Contains(err.Error(), "Swagger 2.0") || !strings.Contains(err.Error(), "convert it to OpenAPI 3") {
		t.Errorf("Import(petstore 2.0) error = %v; want the Swagger 2.0 one", err)
	}
}

// BenchmarkImportDiscord imports the largest published document here
// (1.2 MB of JSON, 242 operations).
func BenchmarkImportDiscord(b *testing.B) {
	doc, err := os.ReadFile("testdata/real/discord-3.1.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := Import(doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportPetstoreYAML imports the published petstore (23 KB of
// YAML).
func BenchmarkImportPetstoreYAML(b *testing.B) {
	doc, err := os.ReadFile("testdata/real/swagger-petstore-3.0.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := Import(doc, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
