package httpfile

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/profiles"
)

// realFiles are published .http files (testdata/README.md names their
// sources and licences), with how many of their requests map fully: the
// rest have scripts, generated values or hostless targets, each listed in
// Unmapped.
var realFiles = []struct {
	file, env      string // env: a folder whose http-client.env.json goes with the file
	full, total    int
	schemes        string // the profiles' schemes in order, "" to skip
	secrets        []string
	wantUnmappedIn string
}{
	{file: "minimal-api/GetPayment.http", env: "minimal-api", full: 0, total: 5, wantUnmappedIn: "runs no scripts"},
	{file: "minimal-api/GetPaymentsQuery.http", env: "minimal-api", full: 0, total: 12, schemes: strings.Repeat("oauth2 ", 12), secrets: []string{"reader-secret", "writer-secret", "pwd"}},
	{file: "minimal-api/PostPayment.http", env: "minimal-api", full: 0, total: 3, schemes: "oauth2 oauth2 oauth2 ", secrets: []string{"reader-secret", "writer-secret"}},
	{file: "minimal-api/Keycloak.Token.http", env: "minimal-api", full: 0, total: 1, secrets: []string{"password=pwd"}},
	{file: "minimal-api/Keycloak.ClientCredentials.http", env: "minimal-api", full: 0, total: 2, secrets: []string{"writer-secret", "reader-secret"}},
	{file: "eshop/Catalog.API.http", full: 6, total: 6, schemes: strings.Repeat("none ", 6)},
	{file: "httpyac/digest.http", full: 0, total: 1, schemes: "digest ", secrets: []string{"12345678"}},
	{file: "httpyac/basicAuth.http", full: 0, total: 2, schemes: "basic none ", secrets: []string{"12345678"}},
	{file: "httpyac/intellij.http", full: 3, total: 6, secrets: []string{"password=1", "password=2", "password=3"}},
}

func TestRealFiles(t *testing.T) {
	allFull, allTotal, butScripts := 0, 0, 0
	for _, tt := range realFiles {
		t.Run(tt.file, func(t *testing.T) {
			var e Envs
			if tt.env != "" {
				e.Public = readTestdata(t, tt.env+"/http-client.env.json")
			}
			r, err := Import(tt.file, readTestdata(t, tt.file), e)
			if err != nil {
				t.Fatalf("Import(%s) error: %v", tt.file, err)
			}
			full, total := r.Full()
			noScripts := r
			noScripts.Unmapped = nil
			for _, u := range r.Unmapped {
				if !strings.Contains(u.What, "runs no scripts") {
					noScripts.Unmapped = append(noScripts.Unmapped, u)
				}
			}
			f2, _ := noScripts.Full()
			butScripts += f2
			allFull, allTotal = allFull+full, allTotal+total
			if full != tt.full || total != tt.total {
				t.Errorf("Import(%s).Full() = %d, %d; want %d, %d\nunmapped:\n%s", tt.file, full, total, tt.full, tt.total, unmappedText(r))
			}
			var schemes strings.Builder
			for _, p := range r.Profiles {
				schemes.WriteString(p.Scheme + " ")
				if err := profiles.ValidateName(p.Name); err != nil {
					t.Errorf("Import(%s) made the profile name %q: %v", tt.file, p.Name, err)
				}
			}
			if tt.schemes != "" && schemes.String() != tt.schemes {
				t.Errorf("Import(%s) schemes = %q; want %q", tt.file, schemes.String(), tt.schemes)
			}
			for _, s := range tt.secrets {
				if strings.Contains(valuesOf(r), s) {
					t.Errorf("Import(%s) kept the secret %q", tt.file, s)
				}
			}
			if !strings.Contains(unmappedText(r), tt.wantUnmappedIn) {
				t.Errorf("Import(%s) unmapped = %q; want one with %q", tt.file, unmappedText(r), tt.wantUnmappedIn)
			}
		})
	}
	t.Logf("real files: %d of %d requests mapped fully; %d of %d with only their test scripts left out", allFull, allTotal, butScripts, allTotal)
}
