package tui

import (
	"github.com/authlab/authlab/profiles"
	"maps"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// threeSizes are the sizes issue 15 asks goldens at.
var threeSizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"100x30", 100, 30}, {"160x45", 160, 45}}

// onScheme tabs to the Auth line.
func onScheme(t *testing.T, m Model) Model {
	t.Helper()
	for range 30 {
		if cur, ok := m.ed.current(); ok && cur.kind == slotScheme && !m.ed.paused {
			return m
		}
		m, _ = step(t, m, keyMsg("tab"))
	}
	t.Fatal("tab never reached the Auth line")
	return m
}

// onField tabs from the Auth line to the credential field called name.
func onField(t *testing.T, m Model, name string) Model {
	t.Helper()
	m = onScheme(t, m)
	for range 30 {
		m, _ = step(t, m, keyMsg("tab"))
		if cur, _ := m.ed.current(); cur.kind == slotCred && focusedName(m) == name {
			return m
		}
	}
	t.Fatalf("no credential field %q", name)
	return m
}

// focusedName is the name of the focused credential field.
func focusedName(m Model) string {
	var name string
	in := m.ed.creds.Info()
	n := -1
	vals := map[string]string{}
	for _, f := range in.Fields {
		vals[f.Name] = m.ed.creds.Values()[f.Name]
	}
	for _, f := range in.Fields {
		if in.Applies(f, vals) {
			n++
			if n == m.ed.creds.Focused() {
				name = f.Name
			}
		}
	}
	return name
}

func TestSchemeMemory(t *testing.T) {
	type check struct {
		scheme string
		values map[string]string
	}
	tests := []struct {
		name  string
		steps []any // string: a key; []string: text to type into a field {field, text}; check
	}{
		{"issue 15: basic → digest → bearer → basic keeps username and password", []any{
			[]string{"username", "ann"}, []string{"password", "opensesame"},
			"right", check{"digest", map[string]string{"username": "ann", "password": "opensesame", "algorithm": "auto", "qop": "auto"}},
			"right", check{"bearer", map[string]string{}},
			[]string{"token", "tok"},
			"left", "left", check{"basic", map[string]string{"username": "ann", "password": "opensesame"}},
			"right", "right", check{"bearer", map[string]string{"token": "tok"}},
		}},
		{"what is typed in a scheme stays in it", []any{
			[]string{"username", "ann"},
			"right", []string{"username", "bob"}, // digest's own username: "annbob"
			"left", check{"basic", map[string]string{"username": "ann"}},
			"right", check{"digest", map[string]string{"username": "annbob", "algorithm": "auto", "qop": "auto"}},
		}},
		{"a value typed last follows through schemes without the field", []any{
			[]string{"username", "ann"},
			"right", "right", "right", "right", "right", // digest bearer apikey oauth1 oauth2
			check{"oauth2", map[string]string{"grant": "client_credentials", "client_auth": "basic"}},
			"left", "left", "left", "left", "left", check{"basic", map[string]string{"username": "ann"}},
			"right", check{"digest", map[string]string{"username": "ann", "algorithm": "auto", "qop": "auto"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := step(t, newModel(t, profiles.Profile{URL: "http://127.0.0.1:9/x", Scheme: "basic"}, nil, false), size(100, 30))
			m = onScheme(t, m)
			for i, s := range tt.steps {
				switch s := s.(type) {
				case string:
					m = onScheme(t, m)
					m, _ = step(t, m, keyMsg(s))
				case []string:
					m = onField(t, m, s[0])
					m, _ = step(t, m, typeText(s[1])...)
				case check:
					if got := m.ed.creds.Info().Name; got != s.scheme {
						t.Fatalf("step %d: scheme = %s; want %s", i, got, s.scheme)
					}
					if got := m.ed.creds.Values(); !maps.Equal(got, s.values) {
						t.Errorf("step %d: %s values = %v; want %v", i, s.scheme, got, s.values)
					}
				}
			}
		})
	}
}

func TestSchemeList(t *testing.T) {
	tests := []struct {
		name    string
		keys    []tea.Msg
		scheme  string
		picking bool
	}{
		{"enter opens", []tea.Msg{keyMsg("enter")}, "basic", true},
		{"filter and pick", append(append([]tea.Msg{keyMsg("enter")}, typeText("dig")...), keyMsg("enter")), "digest", false},
		{"arrows and pick", []tea.Msg{keyMsg("enter"), keyMsg("down"), keyMsg("down"), keyMsg("enter")}, "bearer", false},
		{"esc keeps the scheme", []tea.Msg{keyMsg("enter"), keyMsg("down"), keyMsg("esc")}, "basic", false},
		{"q and ? type into the filter", append([]tea.Msg{keyMsg("enter")}, typeText("q?")...), "basic", true},
		{"1-5 type too", append([]tea.Msg{keyMsg("enter")}, typeText("2")...), "basic", true},
		{"tab closes it unpicked", []tea.Msg{keyMsg("enter"), keyMsg("down"), keyMsg("tab")}, "basic", false},
		{"by title", append(append([]tea.Msg{keyMsg("enter")}, typeText("aws")...), keyMsg("enter")), "sigv4", false},
		{"←/→ still cycle", []tea.Msg{keyMsg("right")}, "digest", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := step(t, newModel(t, profiles.Profile{URL: "http://127.0.0.1:9/x", Scheme: "basic"}, nil, false), size(100, 30))
			m = onField(t, m, "username")
			m, _ = step(t, m, typeText("ann")...)
			m = onScheme(t, m)
			var cmd tea.Cmd
			for _, k := range tt.keys {
				m, cmd = step(t, m, k)
				if cmd != nil && isQuitCmd(cmd) {
					t.Fatalf("%v quit the program", k)
				}
			}
			if got := m.ed.creds.Info().Name; got != tt.scheme {
				t.Errorf("scheme = %s; want %s", got, tt.scheme)
			}
			if m.ed.picking != tt.picking {
				t.Errorf("list open = %v; want %v", m.ed.picking, tt.picking)
			}
			if km, ok := m.ed.listKeys(); ok != tt.picking || ok && len(km.ShortHelp()) == 0 {
				t.Errorf("listKeys() ok = %v; want %v, with help", ok, tt.picking)
			}
			if m.focus != focusEditor {
				t.Errorf("focus = %v; want the editor", m.focus)
			}
			if tt.picking && !strings.Contains(view(m), "keep the current one") {
				t.Errorf("the open list is not on screen:\n%s", view(m))
			}
			// basic's username survives any trip through the list.
			if tt.scheme != "basic" {
				m = onScheme(t, m)
				m, _ = step(t, m, keyMsg("enter"))
				m, _ = step(t, m, typeText("basic")...)
				m, _ = step(t, m, keyMsg("enter"))
			}
			if got := m.ed.creds.Values()["username"]; got != "ann" {
				t.Errorf("basic username after the list = %q; want ann", got)
			}
		})
	}
}

func isQuitCmd(cmd tea.Cmd) bool {
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

// TestOAuth2GrantInEditor: choosing the grant in the editor shows its
// fields, and tab walks only those.
func TestOAuth2GrantInEditor(t *testing.T) {
	m, _ := step(t, newModel(t, profiles.Profile{URL: "http://127.0.0.1:9/x", Scheme: "oauth2"}, nil, false), size(100, 30))
	m = onField(t, m, "grant")
	if strings.Contains(view(m), "Username") {
		t.Errorf("client_credentials shows Username:\n%s", view(m))
	}
	for range 4 { // → refresh_token device_code authorization_code password
		m, _ = step(t, m, keyMsg("right"))
	}
	if got := m.ed.creds.Values()["grant"]; got != "password" {
		t.Fatalf("grant = %q; want password", got)
	}
	m = onField(t, m, "password")
	if got := focusedName(m); got != "password" {
		t.Errorf("tab reached %q; want password", got)
	}
	m, _ = step(t, m, typeText("pw")...)
	if got := m.ed.creds.Values()["password"]; got != "pw" {
		t.Errorf("typed password = %q; want pw", got)
	}
}

func TestGoldenSchemeList(t *testing.T) {
	for _, sz := range threeSizes {
		m, _ := step(t, newModel(t, profiles.Profile{URL: "http://127.0.0.1:9/x", Scheme: "basic"}, nil, false), size(sz.w, sz.h))
		m = onScheme(t, m)
		m, _ = step(t, m, keyMsg("enter"))
		m, _ = step(t, m, typeText("o")...)
		golden(t, "scheme-list-"+sz.name, view(m))
	}
}

func TestGoldenOAuth2Password(t *testing.T) {
	for _, sz := range threeSizes {
		m, _ := step(t, newModel(t, profiles.Profile{URL: "https://api.example/me", Scheme: "oauth2", Fields: map[string]string{
			"grant": "password", "token_url": "https://auth.example/oauth/token", "client_id": "authlab-demo",
			"username": "ann", "password": "env:ANN_PASSWORD",
		}}, nil, false), size(sz.w, sz.h))
		m = onField(t, m, "password")
		m.ed.creds = m.ed.creds.SetFieldError("password", "env:ANN_PASSWORD is not set: export it before starting authlab, or type the password here")
		v := view(m)
		if !strings.Contains(v, "env:ANN_PASSWORD is not set") {
			t.Errorf("%s: the reference error is not on screen:\n%s", sz.name, v)
		}
		for _, hidden := range []string{"Device authorization URL", "Authorization URL"} {
			if strings.Contains(v, hidden) {
				t.Errorf("%s: the password grant shows %q", sz.name, hidden)
			}
		}
		golden(t, "oauth2-password-"+sz.name, v)
	}
}

// esc on the scheme list opened while a request is in flight closes the
// list and leaves the request running.
func TestEscClosesSchemeListNotSend(t *testing.T) {
	m := noticeInFlight(t, 100, 30)
	m, _ = step(t, m, tea.KeyPressMsg{Code: 'l', Mod: tea.ModCtrl})
	for range 10 {
		if cur, _ := m.ed.current(); cur.kind == slotScheme {
			break
		}
		m, _ = step(t, m, keyMsg("tab"))
	}
	m, _ = step(t, m, keyMsg("enter"))
	if !m.ed.picking {
		t.Fatalf("enter on the Auth line did not open the scheme list:\n%s", view(m))
	}
	m, _ = step(t, m, tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.ed.picking || !m.snd.Busy() {
		t.Errorf("esc: list open %v, request in flight %v; want the list closed and the request running", m.ed.picking, m.snd.Busy())
	}
}
