package export

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/authlab/authlab/profiles"
)

var varPrefixTests = []struct {
	profile, url, want string
}{
	{"github/user", "https://api.github.com/user", "GITHUB"},
	{"", "https://api.stripe.com/v1/charges", "STRIPE"},
	{"", "https://sts.amazonaws.com/", "AWS"},
	{"", "https://www.example.co.uk/", "EXAMPLE"},
	{"demo/github-basic", "http://127.0.0.1:8089/github/user", "GITHUB_BASIC"},
	{"", "http://localhost:8089/", "AUTHLAB"},
	{"work/9lives", "http://[::1]:1/", "V9LIVES"},
}

func TestVarPrefix(t *testing.T) {
	for _, tt := range varPrefixTests {
		if got := varPrefix(tt.profile, tt.url); got != tt.want {
			t.Errorf("varPrefix(%q, %q) = %q; want %q", tt.profile, tt.url, got, tt.want)
		}
	}
}

// TestPlanVars checks which values become variables: every secret (named
// after the user's env: reference when there is one), every reference, a
// typed credential header; never a non-secret literal.
func TestPlanVars(t *testing.T) {
	p := profiles.Profile{
		Name: "github/user", URL: "https://api.github.com/user", Scheme: "basic",
		Fields:  map[string]string{"username": "octocat", "password": "keyring:gh"},
		Headers: []profiles.Header{{Name: "Accept", Value: "application/json"}, {Name: "Cookie", Value: "s=LITERAL-COOKIE"}},
		TLS:     profiles.TLS{KeyPassword: "env:MY_KEY_PASS"},
	}
	plan, err := newPlan(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := plan.Field("username"); got.IsVar() || got.Lit != "octocat" {
		t.Errorf("username = %+v; want the literal", got)
	}
	if got := plan.Field("password"); got.Var != "GITHUB_PASSWORD" {
		t.Errorf("password = %+v; want variable GITHUB_PASSWORD", got)
	}
	if got := plan.Headers[1].Value; got.Var != "GITHUB_COOKIE" {
		t.Errorf("Cookie header = %+v; want variable GITHUB_COOKIE", got)
	}
	if got := plan.TLS.KeyPassword; got.Var != "MY_KEY_PASS" {
		t.Errorf("key password = %+v; want the user's own variable MY_KEY_PASS", got)
	}
	var names []string
	for _, v := range plan.Vars() {
		names = append(names, v.Name+"<"+v.From)
	}
	if got, want := strings.Join(names, " "), "GITHUB_PASSWORD<keyring:gh GITHUB_COOKIE<a literal in the profile MY_KEY_PASS<env:MY_KEY_PASS"; got != want {
		t.Errorf("vars = %s; want %s", got, want)
	}
	// Resolve reads what the profile holds, not the snippet's environment.
	plan.opt.Resolve = func(label, v string) (string, error) {
		if v == "keyring:gh" {
			return "from-keyring", nil
		}
		return v, nil
	}
	if got, err := plan.Resolve(plan.Field("password")); err != nil || got != "from-keyring" {
		t.Errorf("Resolve(password) = %q, %v; want from-keyring", got, err)
	}
	if got, _ := plan.Resolve(plan.Headers[1].Value); got != "s=LITERAL-COOKIE" {
		t.Errorf("Resolve(Cookie) = %q; want the literal", got)
	}
}

func TestPresignFlowUnsupported(t *testing.T) {
	p := profiles.Profile{URL: "https://example.org/", Scheme: "digest", Fields: map[string]string{"username": "u", "password": "env:P"}}
	plan, err := newPlan(p, Options{Resolve: func(_, v string) (string, error) { return v, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Presign(); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Presign(digest) = %v; want ErrUnsupported", err)
	}
}

// TestExpandNote: the note is added when Expand changed the request, and
// only then.
func TestExpandNote(t *testing.T) {
	opt := Options{Expand: func(s string) string { return strings.ReplaceAll(s, "{{practice}}", "http://127.0.0.1:8089") }, ExpandNote: "to the practice server"}
	for _, tt := range []struct {
		url  string
		want bool
	}{{"{{practice}}/github/user", true}, {"https://api.github.com/user", false}} {
		s, err := Export(profiles.Profile{URL: tt.url}, "curl", opt)
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(s.Warnings, "to the practice server"); got != tt.want {
			t.Errorf("Export(%q).Warnings = %q; note present %v, want %v", tt.url, s.Warnings, got, tt.want)
		}
	}
}
