package tui

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// ctrl+f forgets the editor's OAuth 2.0 token: the next ctrl+r runs the
// grant again instead of reusing the token; on a scheme without a token
// the status line says there is none. The key is in the full help.
func TestForgetTokenKey(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	roles := func(r resultMsg) []string {
		var out []string
		for _, ex := range r.res.Exchanges {
			out = append(out, ex.Role)
		}
		return out
	}
	p := profiles.Profile{Method: "GET", URL: srv.URL + "/oauth2/me", Scheme: "oauth2", Fields: map[string]string{
		"token_url": srv.URL + "/oauth2/token", "client_id": practice.DemoOAuth2ClientID, "client_secret": practice.DemoOAuth2ClientSecret}}
	m, _ := step(t, newModel(t, p, nil, false), size(120, 40))
	sendOnce := func(m Model) (Model, []string) {
		m, cmd := step(t, m, keyMsg("ctrl+r"))
		r := runSend(t, cmd)
		m, _ = step(t, m, r)
		return m, roles(r)
	}
	m, got := sendOnce(m)
	if !slices.Equal(got, []string{authn.RoleToken, authn.RoleRequest}) {
		t.Fatalf("first send roles %q", got)
	}
	m, got = sendOnce(m)
	if !slices.Equal(got, []string{authn.RoleRequest}) {
		t.Fatalf("second send roles %q; want the token reused", got)
	}
	m, cmd := step(t, m, tea.KeyPressMsg{Code: 'f', Mod: tea.ModCtrl})
	if cmd == nil {
		t.Fatalf("ctrl+f gave no command; status %q", m.status)
	}
	m, _ = step(t, m, cmd())
	if !strings.Contains(m.status, "token forgotten") {
		t.Errorf("status after ctrl+f = %q", m.status)
	}
	_, got = sendOnce(m)
	if !slices.Equal(got, []string{authn.RoleToken, authn.RoleRequest}) {
		t.Errorf("send after ctrl+f roles %q; want the grant again", got)
	}

	b, _ := step(t, newModel(t, profiles.Profile{Method: "GET", URL: srv.URL + "/digest", Scheme: "basic", Fields: map[string]string{"username": "u", "password": "p"}}, nil, false), size(120, 40))
	b, cmd = step(t, b, tea.KeyPressMsg{Code: 'f', Mod: tea.ModCtrl})
	b, _ = step(t, b, cmd())
	if !strings.Contains(b.status, "no token to forget") {
		t.Errorf("ctrl+f on basic: status %q", b.status)
	}
	if h := b.contextKeys().FullHelp(); !slices.ContainsFunc(h, func(g []key.Binding) bool {
		return slices.ContainsFunc(g, func(k key.Binding) bool { return k.Help().Key == "ctrl+f" })
	}) {
		t.Errorf("full help lacks ctrl+f")
	}
}
