package httpfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/authlab/authlab/profiles"
)

// FuzzImport feeds Import hostile request and environment files, seeded
// with the real files in testdata: it must not panic, must give one-line
// errors, and whatever it makes must be valid: profile names that
// profiles.ValidateName accepts and that are unique, and an export of them
// that Import reads back.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.http"))
	env := readTestdata(f, "minimal-api/http-client.env.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, env, []byte(nil))
	}
	f.Add([]byte("GET {{practice}}/x\nAuthorization: Bearer {{$auth.token(\"a\")}}\n"), []byte(`{"dev":{"Security":{"Auth":{"a":{"Type":"OAuth2","Grant Type":"Password","Password":"p"}}}}}`), []byte(`{"dev":{"x":"y"}}`))
	f.Add([]byte("GET http://x.test/{{$processEnv A.B}}\nAuthorization: Bearer {{$env.T-1}}\n"), []byte(`{"d":{"x":"{{$processEnv 1X}}"}}`), []byte(nil))
	f.Add([]byte("@a = {{b}}\n@b = {{a}}\nGET http://x.test/{{a}}\nAuthorization: Basic {{a}}:{{b}}\n\n{{\n"), []byte(nil), []byte(nil))
	f.Fuzz(func(t *testing.T, file, public, private []byte) {
		r, err := Import("fuzz.http", file, Envs{Public: public, Private: private})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("Import error has a line break: %q", err)
			}
			return
		}
		check := func(where, v string) {
			if err := profiles.CheckRef(v); err != nil {
				t.Errorf("Import made the malformed reference %q in %s: %v", v, where, err)
			}
		}
		for _, e := range r.Environments {
			for _, v := range e.Vars {
				check("environment "+e.Name, v.Value)
			}
		}
		seen := map[string]bool{}
		for _, p := range r.Profiles {
			for k, v := range p.Fields {
				check(p.Name+" "+k, v)
			}
			for _, v := range p.Vars {
				check(p.Name+" var "+v.Name, v.Value)
			}
			if err := profiles.ValidateName(p.Name); err != nil {
				t.Errorf("Import made the profile name %q: %v", p.Name, err)
			}
			if seen[p.Name] {
				t.Errorf("Import made the profile name %q twice", p.Name)
			}
			seen[p.Name] = true
		}
		for _, u := range r.Unmapped {
			if !utf8.ValidString(u.What) {
				t.Errorf("Unmapped text is not UTF-8: %q", u.What)
			}
		}
		out, err := Export(r.Profiles, r.Environments)
		if err != nil {
			return // a body or header a .http file cannot carry: refused
		}
		if _, err := Import("export.http", out, Envs{}); err != nil {
			t.Errorf("Import(Export(Import(file))) error: %v\n%s", err, out)
		}
		if _, err := ExportEnv(r.Environments); err != nil && !strings.Contains(err.Error(), "two environments") {
			t.Errorf("ExportEnv error: %v", err)
		}
	})
}
