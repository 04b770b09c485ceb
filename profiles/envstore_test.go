package profiles

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestEnvironmentRoundTrip(t *testing.T) {
	s := newTestStore(t)
	s.Trusted = true
	vars := []Var{
		{Name: "zeta", Value: "https://api.example.com"},
		{Name: "base_url", Value: "{{practice}}/v1"},
		{Name: "token", Value: "env:API_TOKEN", Secret: true},
		{Name: "user name", Value: "octocat"},
		{Name: "pass", Value: "prompt", Secret: true},
		{Name: "gh", Value: "command:gh auth token"},
	}
	if err := s.SaveEnvironment(Environment{Name: "dev", Vars: vars}, SaveOptions{}); err != nil {
		t.Fatalf("SaveEnvironment(dev) = %v; want nil", err)
	}
	path := filepath.Join(s.Dir, "environments", "dev.toml")
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode of %s = %04o; want 0600", path, m)
	}
	if m := mode(t, filepath.Dir(path)); m != 0o700 {
		t.Errorf("mode of environments/ = %04o; want 0700", m)
	}
	e, err := s.LoadEnvironment("dev")
	if err != nil {
		t.Fatalf("LoadEnvironment(dev) = %v", err)
	}
	if !reflect.DeepEqual(e.Vars, vars) {
		data, _ := os.ReadFile(path)
		t.Errorf("LoadEnvironment(dev).Vars = %#v; want %#v (file:\n%s)", e.Vars, vars, data)
	}
	if e.Source == nil || !e.Source.Trusted || e.Source.Refs["var:token"] != "env:API_TOKEN" {
		t.Errorf("LoadEnvironment(dev).Source = %+v; want trusted with var:token", e.Source)
	}
	// the same environment gives the same bytes
	before, _ := os.ReadFile(path)
	if err := s.SaveEnvironment(e, SaveOptions{Expect: &e.Stamp}); err != nil {
		t.Fatalf("SaveEnvironment(loaded, Expect) = %v", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Errorf("save of the loaded environment changed the file:\n%s\nwant\n%s", after, before)
	}
}

func TestEnvironmentFileOrderAndForms(t *testing.T) {
	s := newTestStore(t)
	writeFile(t, filepath.Join(s.Dir, "environments", "staging.toml"), `version = 1
owner = "team-a"

[vars]
z = "last letter, first line"
"a b" = { value = "env:AB", secret = true, note = "kept" }
m = 'literal'

[meta]
source = "postman"
`, 0o600)
	e, err := s.LoadEnvironment("staging")
	if err != nil {
		t.Fatalf("LoadEnvironment(staging) = %v", err)
	}
	var names []string
	for _, v := range e.Vars {
		names = append(names, v.Name)
	}
	if got, want := strings.Join(names, ","), "z,a b,m"; got != want {
		t.Errorf("variable order = %q; want %q (file order)", got, want)
	}
	if !e.Vars[1].Secret || e.Vars[1].Value != "env:AB" {
		t.Errorf("Vars[1] = %+v; want env:AB, secret", e.Vars[1])
	}
	if err := s.SaveEnvironment(e, SaveOptions{Expect: &e.Stamp}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(s.Dir, "environments", "staging.toml"))
	for _, want := range []string{"owner = 'team-a'", "note = 'kept'", "[meta]", "source = 'postman'"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("saved file lacks %q (unknown keys kept):\n%s", want, data)
		}
	}
}

func TestEnvironmentErrors(t *testing.T) {
	s := newTestStore(t)
	if err := s.SaveEnvironment(Environment{Name: "dev", Vars: []Var{{Name: "a", Value: "1"}}}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	var tests = []struct {
		name string
		e    Environment
		o    SaveOptions
		want string // in the error; "" for none
		is   error
	}{
		{"exists", Environment{Name: "dev"}, SaveOptions{}, `environment "dev" already exists`, ErrExists},
		{"overwrite", Environment{Name: "dev", Vars: []Var{{Name: "b", Value: "2"}}}, SaveOptions{Overwrite: true}, "", nil},
		{"literal secret", Environment{Name: "prod", Vars: []Var{{Name: "k", Value: "hunter2", Secret: true}}}, SaveOptions{}, `environment "prod" would store var k in plain text`, nil},
		{"secret by name", Environment{Name: "prod", Vars: []Var{{Name: "api_token", Value: "abc"}}}, SaveOptions{}, "var api_token in plain text", nil},
		{"plaintext allowed", Environment{Name: "lab", Vars: []Var{{Name: "k", Value: "hunter2", Secret: true}}}, SaveOptions{AllowPlaintext: true}, "", nil},
		{"secret from a var", Environment{Name: "x1", Vars: []Var{{Name: "token", Value: "{{other}}"}}}, SaveOptions{}, "", nil},
		{"bad name", Environment{Name: "a/b"}, SaveOptions{}, `invalid environment name "a/b"`, nil},
		{"dot name", Environment{Name: ".hidden"}, SaveOptions{}, `invalid environment name ".hidden"`, nil},
		{"twice", Environment{Name: "x2", Vars: []Var{{Name: "a", Value: "1"}, {Name: "a", Value: "2"}}}, SaveOptions{}, `variable "a" is set twice`, nil},
		{"brace", Environment{Name: "x3", Vars: []Var{{Name: "a}", Value: "1"}}}, SaveOptions{}, "contains a brace", nil},
		{"dollar", Environment{Name: "x4", Vars: []Var{{Name: "$guid", Value: "1"}}}, SaveOptions{}, "built-in dynamic", nil},
		{"bad ref", Environment{Name: "x5", Vars: []Var{{Name: "a", Value: "env:A-B"}}}, SaveOptions{}, "not an environment variable name", nil},
	}
	for _, tt := range tests {
		err := s.SaveEnvironment(tt.e, tt.o)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: SaveEnvironment(%q) = %v; want nil", tt.name, tt.e.Name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: SaveEnvironment(%q) = %v; want an error with %q", tt.name, tt.e.Name, err, tt.want)
		case tt.is != nil && !errors.Is(err, tt.is):
			t.Errorf("%s: SaveEnvironment(%q) = %v; want errors.Is %v", tt.name, tt.e.Name, err, tt.is)
		}
	}
	_, err := s.LoadEnvironment("nope")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "there are dev, lab") {
		t.Errorf("LoadEnvironment(nope) = %v; want not-exist naming dev, lab", err)
	}
}

func TestEnvironmentsListAndProfiles(t *testing.T) {
	s := newTestStore(t)
	for _, n := range []string{"staging", "dev", "prod"} {
		if err := s.SaveEnvironment(Environment{Name: n, Vars: []Var{{Name: "base", Value: "https://" + n}}}, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Save(Profile{Name: "api/get", Method: "GET", URL: "{{base}}/x", Vars: []Var{{Name: "base", Value: "https://default"}}}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(s.Dir, "environments", "broken.toml"), "vars = [", 0o600)
	envs, err := s.Environments()
	var names []string
	for _, e := range envs {
		names = append(names, e.Name)
	}
	if got := strings.Join(names, ","); got != "dev,prod,staging" {
		t.Errorf("Environments() = %q; want %q", got, "dev,prod,staging")
	}
	if err == nil || !strings.Contains(err.Error(), "broken.toml") {
		t.Errorf("Environments() error = %v; want one naming broken.toml", err)
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "api/get" {
		t.Errorf("List() = %v; want only api/get (environments/ is not a group)", list)
	}
	p, err := s.Load("api/get")
	if err != nil {
		t.Fatal(err)
	}
	if want := []Var{{Name: "base", Value: "https://default"}}; !reflect.DeepEqual(p.Profile.Vars, want) {
		t.Errorf("Load(api/get).Vars = %#v; want %#v", p.Profile.Vars, want)
	}
	_, err = s.Save(Profile{Name: "environments/dev", URL: "https://x"}, SaveOptions{})
	if err == nil || !strings.Contains(err.Error(), "holds environments") {
		t.Errorf("Save(environments/dev) = %v; want the environments/ refusal", err)
	}
	_, err = s.Save(Profile{Name: "leak", Scheme: "bearer", Fields: map[string]string{"token": "{{token}}"}, Vars: []Var{{Name: "token", Value: "s3cret"}}}, SaveOptions{})
	if err == nil || !strings.Contains(err.Error(), "var token") {
		t.Errorf("Save(profile with a literal secret var) = %v; want a plaintext refusal naming var token", err)
	}
	if _, err = s.Save(Profile{Name: "ok", Scheme: "bearer", Fields: map[string]string{"token": "{{token}}"}, Headers: []Header{{Name: "Authorization", Value: "Bearer {{token}}"}}, URL: "https://x/?api_key={{key}}"}, SaveOptions{}); err != nil {
		t.Errorf("Save(profile whose secrets are {{vars}}) = %v; want nil", err)
	}
}

func TestEnvironmentPermissions(t *testing.T) {
	if !checkModes {
		t.Skip("no POSIX modes")
	}
	s := newTestStore(t)
	writeFile(t, filepath.Join(s.Dir, "environments", "lab.toml"), "[vars]\npassword = 'hunter2'\n", 0o644)
	_, err := s.LoadEnvironment("lab")
	var pe *PermissionError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("LoadEnvironment(lab, 0644 with a literal secret) = %v; want a *PermissionError with chmod 600", err)
	}
	writeFile(t, filepath.Join(s.Dir, "environments", "ok.toml"), "[vars]\nbase = 'https://x'\n", 0o644)
	if _, err := s.LoadEnvironment("ok"); err != nil {
		t.Errorf("LoadEnvironment(ok, 0644 without secrets) = %v; want nil", err)
	}
}

func TestEnvironmentParseErrors(t *testing.T) {
	var tests = []struct{ file, want string }{
		{"version = 2\n", "newer authlab"},
		{"[vars]\na = 1\n", "vars.a: a variable is a string"},
		{"[vars]\na = { value = 1 }\n", "value must be a string"},
		{"[vars]\na = { value = 'x', secret = 'yes' }\n", "secret must be true or false"},
		{"[vars]\n\"a{b\" = 'x'\n", "contains a brace"},
		{"[vars]\na = 'env:'\n", "names no variable"},
	}
	for _, tt := range tests {
		_, perr := decodeEnvironment("e.toml", []byte(tt.file))
		if perr == nil || !strings.Contains(perr.Error(), tt.want) {
			t.Errorf("decodeEnvironment(%q) = %v; want an error with %q", tt.file, perr, tt.want)
		}
	}
}
