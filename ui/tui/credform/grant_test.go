package credform

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	gold "github.com/authlab/authlab/internal/golden"
)

// grantFields is what the OAuth 2.0 form shows for each grant: the
// scheme's own statement (authn's Field.When), seen through the form.
var grantFields = []struct {
	grant  string
	labels []string
}{
	{"client_credentials", []string{"Grant", "Token URL", "Client ID", "Client secret", "Client authentication", "Scope", "Audience", "Refresh token"}},
	{"refresh_token", []string{"Grant", "Token URL", "Client ID", "Client secret", "Client authentication", "Refresh token"}},
	{"device_code", []string{"Grant", "Token URL", "Client ID", "Client secret", "Client authentication", "Scope", "Audience", "Refresh token", "Device authorization URL"}},
	{"authorization_code", []string{"Grant", "Token URL", "Client ID", "Client secret", "Client authentication", "Scope", "Audience", "Refresh token", "Authorization URL"}},
	{"password", []string{"Grant", "Token URL", "Client ID", "Client secret", "Client authentication", "Scope", "Audience", "Refresh token", "Username", "Password"}},
}

// shownLabels lists the labels of the rows View shows, in order.
func shownLabels(m Model) []string {
	var out []string
	for _, f := range m.Info().Fields {
		for _, l := range strings.Split(plain(m), "\n") {
			if strings.HasPrefix(strings.TrimLeft(l, " ▸"), f.Label+" ") || strings.TrimLeft(l, " ▸") == f.Label {
				out = append(out, f.Label)
				break
			}
		}
	}
	return out
}

func TestGrantFields(t *testing.T) {
	all := map[string]string{ // a value in every text field
		"token_url": "https://auth.example/token", "client_id": "app", "client_secret": "s3",
		"scope": "read", "audience": "api", "refresh_token": "rt", "device_auth_url": "https://auth.example/device",
		"auth_url": "https://auth.example/authorize", "username": "ann", "password": "pw",
	}
	grants := newForm(t, "oauth2").Info().Fields[0].Allowed
	if len(grants) != len(grantFields) {
		t.Fatalf("oauth2 has %d grants, the table %d: add a row", len(grants), len(grantFields))
	}
	for _, tt := range grantFields {
		t.Run(tt.grant, func(t *testing.T) {
			m := newForm(t, "oauth2").SetValues(all)
			// Choose the grant with the keys, as a user does.
			m = focusField(t, m, "grant")
			for m.Values()["grant"] != tt.grant {
				m = press(m, keyRight)
			}
			if got := shownLabels(m); !slices.Equal(got, tt.labels) {
				t.Errorf("grant %s shows %q; want %q", tt.grant, got, tt.labels)
			}
			if m.Len() != len(tt.labels) {
				t.Errorf("grant %s: Len() = %d; want %d", tt.grant, m.Len(), len(tt.labels))
			}
			// Values holds exactly the shown fields.
			var names []string
			for k := range m.Values() {
				names = append(names, k)
			}
			if len(names) != len(tt.labels) {
				t.Errorf("grant %s: Values() has %v; want %d fields", tt.grant, names, len(tt.labels))
			}
			// Focus walks the shown fields only.
			n := 0
			for f := m.Blur(); ; n++ {
				var ok bool
				if f, ok = f.Next(); !ok {
					break
				}
			}
			if n != len(tt.labels) {
				t.Errorf("grant %s: Next stops %d times; want %d", tt.grant, n, len(tt.labels))
			}
			// Hidden fields kept their values: back on password, all are there.
			for m.Values()["grant"] != "password" {
				m = press(m, keyRight)
			}
			for _, k := range []string{"username", "password", "scope"} {
				if got := m.Values()[k]; got != all[k] {
					t.Errorf("after %s and back to password, %s = %q; want %q", tt.grant, k, got, all[k])
				}
			}
		})
	}
}

// TestGrantFocus: the focus stays on a shown field when values hide the
// focused one, and a validation error is never left on a hidden field.
func TestGrantFocus(t *testing.T) {
	m := newForm(t, "oauth2").SetValues(map[string]string{"grant": "password"})
	m = focusField(t, m, "username")
	m = typeText(m, "ann")
	m = m.SetValues(map[string]string{"grant": "client_credentials"})
	if m.Focused() < 0 || m.Focused() >= m.Len() {
		t.Fatalf("Focused() = %d after the focused field was hidden; want a shown field (Len %d)", m.Focused(), m.Len())
	}
	if v := plain(m); strings.Contains(v, "Username") {
		t.Errorf("Username shows under client_credentials:\n%s", v)
	}
	if got := m.SetValues(map[string]string{"grant": "password"}).Values()["username"]; got != "ann" {
		t.Errorf("username after hiding and showing = %q; want ann", got)
	}
	m, _ = m.SetValues(map[string]string{"token_url": "https://a.example/t", "client_id": "c"}).Validate()
	if errs := m.Errors(); len(errs) != 0 {
		t.Errorf("Validate() on client_credentials = %v; want no errors", errs)
	}
}

var fieldErrorTests = []struct {
	name          string
	scheme, field string
	msg           string
	width         int
}{
	{"env", "basic", "password", "env:API_PASS is not set: export it, or type the value here", 80},
	{"file wraps", "apikey", "value", "file:/run/secrets/token: no such file or directory: check the path or use env:NAME instead", 40},
	{"keyring", "oauth1", "token_secret", "keyring:work: no entry in the system keyring: add it with secret-tool, or use env:NAME", 60},
}

func TestSetFieldError(t *testing.T) {
	for _, tt := range fieldErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			m := newForm(t, tt.scheme).SetWidth(tt.width).SetFieldError(tt.field, tt.msg)
			if got := m.Errors()[tt.field]; got != tt.msg {
				t.Errorf("Errors()[%s] = %q; want %q", tt.field, got, tt.msg)
			}
			lines := strings.Split(plain(m), "\n")
			f, _ := m.Info().Field(tt.field)
			at := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), f.Label) })
			if at < 0 {
				t.Fatalf("no row for %s", tt.field)
			}
			// The message follows the field's row, wrapped, and nothing is cut:
			// the lines up to the next field's row hold it whole.
			var under []string
			for _, l := range lines[at+1:] {
				if len(l) > gutterW && l[gutterW] != ' ' {
					break // the next field's label
				}
				if t := strings.TrimSpace(l); t != "" {
					under = append(under, t)
				}
			}
			if got := strings.Join(under, " "); got != tt.msg {
				t.Errorf("under %s: %q; want %q\n%s", tt.field, got, tt.msg, plain(m))
			}
			for _, l := range lines {
				if w := len([]rune(l)); w > tt.width {
					t.Errorf("line %q is %d wide; want ≤ %d", l, w, tt.width)
				}
			}
			if tt.width < 50 && len(under) < 2 {
				t.Errorf("at width %d the message is not wrapped: %q", tt.width, under)
			}
			// ClearErrors and an edit remove it; another field's error stays.
			other := m.Info().Fields[0].Name
			if other == tt.field {
				other = m.Info().Fields[1].Name
			}
			two := m.SetFieldError(other, "second")
			if got := two.Errors(); !maps.Equal(got, map[string]string{tt.field: tt.msg, other: "second"}) {
				t.Errorf("after a second SetFieldError, Errors() = %v", got)
			}
			if got := two.SetFieldError(other, "").Errors(); !maps.Equal(got, map[string]string{tt.field: tt.msg}) {
				t.Errorf("SetFieldError(%s, \"\") left %v", other, got)
			}
			if got := two.ClearErrors().Errors(); len(got) != 0 {
				t.Errorf("ClearErrors() left %v", got)
			}
			if v := plain(two.ClearErrors()); strings.Contains(v, "second") || strings.Contains(v, tt.msg[:10]) {
				t.Errorf("ClearErrors() still shows an error:\n%s", v)
			}
			edited := typeText(focusField(t, m, tt.field), "x")
			if got := edited.Errors()[tt.field]; got != "" {
				t.Errorf("after typing, Errors()[%s] = %q; want none", tt.field, got)
			}
			if got := m.SetFieldError("no_such_field", "x").Errors(); len(got) != 1 {
				t.Errorf("SetFieldError on an unknown field changed Errors() to %v", got)
			}
		})
	}
}

// TestCarry is the rule for values shared between schemes.
func TestCarry(t *testing.T) {
	form := func(t *testing.T, scheme string, typed map[string]string) Model {
		m := newForm(t, scheme)
		for _, f := range m.Info().Fields {
			if v, ok := typed[f.Name]; ok {
				m = typeText(focusField(t, m, f.Name), v)
			}
		}
		return m.Blur()
	}
	tests := []struct {
		name     string
		to       string
		toTyped  map[string]string
		from     string
		typed    map[string]string
		want     map[string]string
		wantKeep string // a field whose value must stay
	}{
		{"basic to digest", "digest", nil, "basic", map[string]string{"username": "ann", "password": "pw"},
			map[string]string{"username": "ann", "password": "pw", "algorithm": "auto", "qop": "auto"}, ""},
		{"typed here wins", "digest", map[string]string{"username": "bob"}, "basic", map[string]string{"username": "ann", "password": "pw"},
			map[string]string{"username": "bob", "password": "pw", "algorithm": "auto", "qop": "auto"}, "username"},
		{"bearer token into jwt token", "jwt", nil, "bearer", map[string]string{"token": "eyJ"},
			map[string]string{"token": "eyJ", "alg": "HS256"}, ""},
		{"oauth1 token (not secret) stays out of bearer", "bearer", nil, "oauth1", map[string]string{"token": "nnch734d00sl2jdk"},
			map[string]string{}, ""},
		{"basic into oauth2's hidden password fields", "oauth2", nil, "basic", map[string]string{"username": "ann"},
			map[string]string{"grant": "client_credentials", "client_auth": "basic"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to := form(t, tt.to, tt.toTyped)
			got := to.Carry(form(t, tt.from, tt.typed))
			if v := got.Values(); !maps.Equal(v, tt.want) {
				t.Errorf("%s.Carry(%s %v).Values() = %v; want %v", tt.to, tt.from, tt.typed, v, tt.want)
			}
			if tt.to == "oauth2" {
				if v := got.SetValues(map[string]string{"grant": "password"}).Values()["username"]; v != "ann" {
					t.Errorf("oauth2 username under the password grant = %q; want the carried ann", v)
				}
			}
		})
	}
	// A carried value follows newer values; a cleared field carries its
	// emptiness only when it was cleared by the user.
	basic := form(t, "basic", map[string]string{"username": "ann"})
	digest := newForm(t, "digest").Carry(basic)
	basic = typeText(focusField(t, basic, "username"), "e")
	if got := digest.Carry(basic).Values()["username"]; got != "anne" {
		t.Errorf("carried username after the source changed = %q; want anne", got)
	}
	if got := digest.Carry(newForm(t, "basic")).Values()["username"]; got != "ann" {
		t.Errorf("an untouched empty form cleared a carried value: %q", got)
	}
	cleared := press(focusField(t, basic, "username"), tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	if got := digest.Carry(cleared).Values()["username"]; got != "" {
		t.Errorf("a field cleared by the user did not carry: %q", got)
	}
}

func TestGoldenGrants(t *testing.T) {
	for _, w := range []int{76, 96, 156} { // the editor's form width at 80, 100 and 160 columns
		for _, g := range []string{"client_credentials", "device_code", "password"} {
			m := newForm(t, "oauth2").SetWidth(w).SetValues(map[string]string{
				"grant": g, "token_url": "https://auth.example/oauth/token", "client_id": "authlab-demo",
				"client_secret": "env:DEMO_SECRET",
			})
			m = focusField(t, m, "grant")
			gold.Assert(t, "oauth2_"+g+"_"+strconv.Itoa(w), golden(plain(m)))
		}
		m := newForm(t, "basic").SetWidth(w).SetValues(map[string]string{"username": "ann", "password": "env:API_PASS"}).
			SetFieldError("password", "env:API_PASS is not set in authlab's environment: export API_PASS=… before starting authlab, or type the password here for this session")
		gold.Assert(t, "basic_referror_"+strconv.Itoa(w), golden(plain(m)))
	}
}
