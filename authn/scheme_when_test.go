package authn

import (
	"slices"
	"strings"
	"testing"
)

// TestConditions checks every Field.When in the registry: it names another
// field of the same scheme that is a choice, and only values it allows, so
// a form can always show the field again by changing that choice.
func TestConditions(t *testing.T) {
	for _, s := range Schemes() {
		in := s.Info()
		for _, f := range in.Fields {
			w := f.When
			if w.Field == "" {
				if len(w.Values) > 0 {
					t.Errorf("%s.%s: When has values %v but no field", in.Name, f.Name, w.Values)
				}
				continue
			}
			ctl, ok := in.Field(w.Field)
			switch {
			case !ok:
				t.Errorf("%s.%s: When names field %q, which the scheme does not have", in.Name, f.Name, w.Field)
			case ctl.Name == f.Name:
				t.Errorf("%s.%s: When names the field itself", in.Name, f.Name)
			case len(ctl.Allowed) == 0:
				t.Errorf("%s.%s: When names %q, which is not a choice field", in.Name, f.Name, w.Field)
			case f.Required:
				t.Errorf("%s.%s: a conditional field cannot be Required (Info.Validate would ask for it under every %s)", in.Name, f.Name, w.Field)
			}
			if len(w.Values) == 0 {
				t.Errorf("%s.%s: When has no values: the field would never show", in.Name, f.Name)
			}
			for _, v := range w.Values {
				if ok && !slices.Contains(ctl.Allowed, v) {
					t.Errorf("%s.%s: When value %q is not one of %s's %v", in.Name, f.Name, v, ctl.Name, ctl.Allowed)
				}
			}
		}
	}
}

// oauth2GrantFields is which fields each OAuth 2.0 grant uses, read from
// oauth2NewPlan and oauth2Run.obtain: the engine's facts the form shows.
var oauth2GrantFields = []struct {
	grant  string
	fields string
}{
	{"", "grant token_url client_id client_secret client_auth scope audience refresh_token"}, // the default grant
	{"client_credentials", "grant token_url client_id client_secret client_auth scope audience refresh_token"},
	{"refresh_token", "grant token_url client_id client_secret client_auth refresh_token"},
	{"device_code", "grant token_url client_id client_secret client_auth scope audience refresh_token device_auth_url"},
	{"authorization_code", "grant token_url client_id client_secret client_auth scope audience refresh_token auth_url"},
	{"password", "grant token_url client_id client_secret client_auth scope audience refresh_token username password"},
}

func TestApplies(t *testing.T) {
	s, err := Lookup("oauth2")
	if err != nil {
		t.Fatal(err)
	}
	in := s.Info()
	grant, _ := in.Field("grant")
	seen := map[string]bool{}
	for _, tt := range oauth2GrantFields {
		seen[tt.grant] = true
		var got []string
		for _, f := range in.Fields {
			if in.Applies(f, map[string]string{"grant": tt.grant}) {
				got = append(got, f.Name)
			}
		}
		if g := strings.Join(got, " "); g != tt.fields {
			t.Errorf("Applies(grant=%q) = %q; want %q", tt.grant, g, tt.fields)
		}
	}
	for _, g := range grant.Allowed {
		if !seen[g] {
			t.Errorf("grant %q has no row in oauth2GrantFields", g)
		}
	}

	// A chain: c depends on b, which depends on a.
	chain := Info{Name: "chain", Fields: []Field{
		{Name: "a", Allowed: []string{"x", "y"}, Default: "x"},
		{Name: "b", Allowed: []string{"p", "q"}, Default: "p", When: Condition{Field: "a", Values: []string{"x"}}},
		{Name: "c", When: Condition{Field: "b", Values: []string{"p"}}},
	}}
	c, _ := chain.Field("c")
	chainTests := []struct {
		values map[string]string
		want   bool
	}{
		{nil, true},
		{map[string]string{"b": "q"}, false},
		{map[string]string{"a": "y"}, false}, // b does not apply, so neither does c
		{map[string]string{"a": "x", "b": "p"}, true},
	}
	for _, tt := range chainTests {
		if got := chain.Applies(c, tt.values); got != tt.want {
			t.Errorf("Applies(c, %v) = %v; want %v", tt.values, got, tt.want)
		}
	}
}
