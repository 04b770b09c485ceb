package profiles

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

func varResolver(env map[string]string) Resolver {
	return Resolver{
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Prompt:    func(label string) (string, error) { return "typed-" + label, nil },
	}
}

var varRefsTests = []struct {
	in   string
	want []string
}{
	{"", nil},
	{"plain", nil},
	{"{{a}}", []string{"a"}},
	{"{{ a }}/x/{{b.c}}", []string{"a", "b.c"}},
	{"{{}}", nil},
	{"{{a{b}}", nil},
	{"{{{a}}}", []string{"a"}},
	{"{{a", nil},
	{"x}}{{y}}", []string{"y"}},
	{"{{a\nb}}", nil},
	{"{{$guid}}", []string{"$guid"}},
	{"{{a}}{{a}}", []string{"a"}},
}

func TestVarNames(t *testing.T) {
	for _, tt := range varRefsTests {
		got := VarNames(tt.in)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("VarNames(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// The lookup order is --var > environment > the profile's [vars] >
// built-ins, in every place a variable may be.
func TestResolveVariables(t *testing.T) {
	envVars := map[string]string{"API_TOKEN": "tok-from-env", "PASS": "pw-env"}
	r := varResolver(envVars)
	r.Env = &Environment{Name: "dev", Vars: []Var{
		{Name: "base", Value: "https://dev.example"},
		{Name: "token", Value: "env:API_TOKEN"},
		{Name: "who", Value: "env-who"},
		{Name: "nested", Value: "{{base}}/api"},
		{Name: "shown", Value: "plain-but-secret", Secret: true},
	}}
	r.Vars = []Var{{Name: "who", Value: "cli-who"}}
	p := Profile{Name: "api/x", Method: "POST", URL: "{{nested}}/users/{{ who }}?v={{version}}",
		Headers: []Header{{Name: "X-{{hname}}", Value: "Bearer {{token}}"}, {Name: "X-S", Value: "{{shown}}"}},
		Body:    `{"user":"{{who}}","p":"{{practice}}"}`, Scheme: "basic",
		Fields: map[string]string{"username": "{{who}}", "password": "{{pass}}"},
		TLS:    TLS{CACert: "{{certs}}/ca.pem"},
		Vars: []Var{{Name: "version", Value: "2"}, {Name: "base", Value: "https://profile-default"},
			{Name: "hname", Value: "Token"}, {Name: "pass", Value: "env:PASS"}, {Name: "certs", Value: "/etc/c"}},
	}
	rs, err := Resolve(context.Background(), p, r, Policy{Prompt: true})
	if err != nil {
		t.Fatalf("Resolve = %v", err)
	}
	req := rs.Request
	for _, c := range []struct{ what, got, want string }{
		{"URL", req.URL, "https://dev.example/api/users/cli-who?v=2"},
		{"header", req.Header.Get("X-Token"), "Bearer tok-from-env"},
		{"body", string(req.Body), `{"user":"cli-who","p":"{{practice}}"}`},
		{"username", req.Fields["username"], "cli-who"},
		{"password", req.Fields["password"], "pw-env"},
		{"cacert", req.TLS.CACert, "/etc/c/ca.pem"},
	} {
		if c.got != c.want {
			t.Errorf("Resolve: %s = %q; want %q", c.what, c.got, c.want)
		}
	}
	for _, s := range []string{"tok-from-env", "pw-env", "plain-but-secret"} {
		if !rs.Secrets.Contains("x" + s + "x") {
			t.Errorf("Secrets misses %q (a reference's or a secret variable's value): %q", s, rs.Secrets.Values())
		}
	}
	for _, s := range rs.Secrets.Values() {
		if s == "cli-who" || s == "https://dev.example" {
			t.Errorf("Secrets holds %q, the value of a plain variable", s)
		}
	}
	if rs.Profile.URL != p.URL || rs.Profile.Headers[0].Value != "Bearer {{token}}" {
		t.Errorf("Resolved.Profile was expanded: %+v", rs.Profile)
	}
}

func TestResolveVariableErrors(t *testing.T) {
	env := &Environment{Name: "dev", Source: &Source{Dir: "/p", Trusted: true}, Vars: []Var{
		{Name: "a", Value: "{{b}}"}, {Name: "b", Value: "{{a}}"}, {Name: "self", Value: "x{{self}}"},
	}}
	deep := &Environment{Name: "deep"}
	for i := range 12 {
		deep.Vars = append(deep.Vars, Var{Name: "v" + string(rune('a'+i)), Value: "{{v" + string(rune('a'+i+1)) + "}}"})
	}
	var tests = []struct {
		name string
		env  *Environment
		p    Profile
		want string
	}{
		{"undefined", env, Profile{Name: "x", URL: "{{base_url}}/a"},
			`profile "x": {{base_url}} (in the URL) is not defined: not in environment "dev" (/p/environments/dev.toml), not in profile "x"'s [vars], not a built-in: add it, or choose another environment with --env`},
		{"no env", nil, Profile{URL: "https://h/", Headers: []Header{{Name: "A", Value: "{{k}}"}}},
			`{{k}} (in the header A) is not defined: no environment chosen (--env NAME), not in the request's [vars], not a built-in`},
		{"cycle", env, Profile{URL: "{{a}}"}, "{{a}}: the variables refer to each other in a cycle (a → b → a)"},
		{"self", env, Profile{URL: "{{self}}"}, "cycle (self → self)"},
		{"deep", deep, Profile{URL: "{{va}}"}, "more than 10 deep"},
		{"dynamic", nil, Profile{URL: "https://h/{{$nope}}"}, "{{$nope}}: authlab has no such dynamic variable"},
		{"in a field", env, Profile{URL: "https://h/", Scheme: "bearer", Fields: map[string]string{"token": "{{tok}}"}}, "{{tok}} (in the field token) is not defined"},
	}
	for _, tt := range tests {
		r := varResolver(nil)
		r.Env = tt.env
		_, err := Resolve(context.Background(), tt.p, r, Policy{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Resolve(%q) = %v; want an error with %q", tt.name, tt.p.URL, err, tt.want)
		}
	}
}

// A reference in a variable goes through Before (the TUI asks there) and
// prompt asks once per variable, however often it is used.
func TestResolveVariablePromptOnce(t *testing.T) {
	var asked []string
	r := Resolver{Prompt: func(label string) (string, error) { asked = append(asked, label); return "pw-typed-long", nil }}
	r.Env = &Environment{Name: "dev", Vars: []Var{{Name: "pass", Value: "prompt"}}}
	p := Profile{URL: "https://h/{{pass}}", Headers: []Header{{Name: "X", Value: "{{pass}}"}}}
	var seen []string
	rs, err := Resolve(context.Background(), p, r, Policy{Prompt: true, Before: func(label, ref string) error {
		seen = append(seen, label+"="+ref)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(asked, ",") != "{{pass}}" || strings.Join(seen, ",") != "{{pass}}=prompt" {
		t.Errorf("asked %q, Before saw %q; want one {{pass}} each", asked, seen)
	}
	if rs.Request.URL != "https://h/pw-typed-long" || !rs.Secrets.Contains("pw-typed-long") {
		t.Errorf("URL = %q, secrets %q", rs.Request.URL, rs.Secrets.Values())
	}
}

// An environment or a profile from an untrusted folder does not read env:
// or file: for its variables; a literal does.
func TestResolveVariableTrust(t *testing.T) {
	r := varResolver(map[string]string{"SECRET": "s"})
	untrusted := &Source{Dir: "/shared", Refs: map[string]string{"var:t": "env:SECRET"}}
	r.Env = &Environment{Name: "dev", Source: untrusted, Vars: []Var{{Name: "t", Value: "env:SECRET"}, {Name: "base", Value: "https://h"}}}
	_, err := Resolve(context.Background(), Profile{Name: "x", URL: "{{base}}/?q={{t}}"}, r, Policy{})
	var ue *UntrustedError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `environment "dev" is in the untrusted folder /shared and would send "env:SECRET" (variable t)`) {
		t.Errorf("Resolve(untrusted environment) = %v; want an *UntrustedError naming the environment", err)
	}
	if _, err := Resolve(context.Background(), Profile{Name: "x", URL: "{{base}}/"}, r, Policy{}); err != nil {
		t.Errorf("Resolve(untrusted environment, literal only) = %v; want nil", err)
	}
	p := Profile{Name: "y", URL: "https://h/{{t}}", Vars: []Var{{Name: "t", Value: "env:SECRET"}}}
	p.Source = sourceOf("/shared", false, &p)
	r.Env = nil
	if _, err := Resolve(context.Background(), p, r, Policy{}); !errors.As(err, &ue) {
		t.Errorf("Resolve(untrusted profile var) = %v; want an *UntrustedError", err)
	}
}

func TestDynamicVariables(t *testing.T) {
	r := Resolver{Now: func() time.Time { return time.Unix(1700000000, 0) }, Random: bytes.NewReader(bytes.Repeat([]byte{0xab}, 64))}
	rs, err := Resolve(context.Background(), Profile{URL: "https://h/{{$timestamp}}/{{$isoTimestamp}}/{{$guid}}/{{$randomInt}}"}, r, Policy{})
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^https://h/1700000000/2023-11-14T22:13:20Z/abababab-abab-4bab-abab-abababababab/\d{1,4}$`)
	if !re.MatchString(rs.Request.URL) {
		t.Errorf("dynamic URL = %q; want it to match %s", rs.Request.URL, re)
	}
}

func TestExpandForExport(t *testing.T) {
	r := Resolver{Env: &Environment{Name: "dev", Vars: []Var{
		{Name: "base", Value: "https://dev.example"}, {Name: "token", Value: "env:DEV_TOKEN"},
		{Name: "cmd", Value: "command:gh auth token"}, {Name: "user", Value: "ann"},
	}}}
	p := Profile{Name: "x", URL: "{{base}}/u/{{user}}", Scheme: "bearer", Fields: map[string]string{"token": "{{token}}"},
		Headers: []Header{{Name: "X-User", Value: "{{user}}"}}, Body: "{{practice}}"}
	got, err := ExpandForExport(p, r)
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != "https://dev.example/u/ann" || got.Fields["token"] != "env:DEV_TOKEN" || got.Headers[0].Value != "ann" || got.Body != "{{practice}}" {
		t.Errorf("ExpandForExport = %+v", got)
	}
	if p.Fields["token"] != "{{token}}" || p.Headers[0].Value != "{{user}}" {
		t.Errorf("ExpandForExport changed its argument: %+v", p)
	}
	for _, bad := range []Profile{
		{URL: "https://h/?t={{token}}"},
		{URL: "https://h/", Scheme: "bearer", Fields: map[string]string{"token": "Bearer {{cmd}}"}},
	} {
		if _, err := ExpandForExport(bad, r); err == nil || !strings.Contains(err.Error(), "an export cannot keep there") {
			t.Errorf("ExpandForExport(%+v) = %v; want the reference refused", bad, err)
		}
	}
}

// A profile's [vars] reference from an untrusted folder is one of its
// UntrustedRefs, so the TUI asks before it is read and `authlab trust`
// lists it.
func TestUntrustedRefsIncludeVars(t *testing.T) {
	p := Profile{Name: "x", URL: "https://evil.example/{{t}}", Vars: []Var{{Name: "t", Value: "env:GITHUB_TOKEN"}, {Name: "plain", Value: "x"}}}
	p.Source = sourceOf("/shared", false, &p)
	refs := p.UntrustedRefs()
	if len(refs) != 1 || refs[0].Field != "variable t" || refs[0].Ref != "env:GITHUB_TOKEN" || refs[0].Host != "evil.example" {
		t.Errorf("UntrustedRefs() = %+v; want the variable t's env:GITHUB_TOKEN → evil.example", refs)
	}
	// the TUI's request carries the vars without a Source: the draft with
	// the folder's Source still finds them
	q := p
	q.Source = nil
	if len(q.UntrustedRefs()) != 0 {
		t.Errorf("a profile without a Source has untrusted refs")
	}
}
