package credform

import (
	gold "github.com/authlab/authlab/internal/golden"
	"maps"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/tui/theme"
)

// newForm builds a form for the registered scheme called name.
func newForm(t *testing.T, name string) Model {
	t.Helper()
	s, err := authn.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return New(theme.New(true, false), DefaultKeyMap(), s.Info())
}

func fieldIndex(t *testing.T, m Model, name string) int {
	t.Helper()
	for i, f := range m.Info().Fields {
		if f.Name == name {
			return i
		}
	}
	t.Fatalf("scheme %q has no field %q", m.Info().Name, name)
	return -1
}

// focusField focuses the field called name, which must be shown.
func focusField(t *testing.T, m Model, name string) Model {
	t.Helper()
	at := slices.Index(m.shown(), fieldIndex(t, m, name))
	if at < 0 {
		t.Fatalf("field %q of %s is hidden", name, m.Info().Name)
	}
	m, _ = m.Focus(at)
	return m
}

func typeText(m Model, s string) Model {
	for _, r := range s {
		m, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

func press(m Model, keys ...tea.KeyPressMsg) Model {
	for _, k := range keys {
		m, _ = m.Update(k)
	}
	return m
}

var (
	keyRight = tea.KeyPressMsg{Code: tea.KeyRight}
	keyLeft  = tea.KeyPressMsg{Code: tea.KeyLeft}
	keySpace = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	keyDown  = tea.KeyPressMsg{Code: tea.KeyDown}
	keyUp    = tea.KeyPressMsg{Code: tea.KeyUp}
	keyCtrlT = tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl}
)

func plain(m Model) string { return ansi.Strip(m.View()) }

// TestEveryScheme builds the form of every registered scheme, so a scheme
// added to authn is covered without a change here.
func TestEveryScheme(t *testing.T) {
	schemes := authn.Schemes()
	if len(schemes) < 2 {
		t.Fatalf("authn.Schemes() has %d schemes; the test needs the registry", len(schemes))
	}
	for _, s := range schemes {
		info := s.Info()
		t.Run(info.Name, func(t *testing.T) {
			m := New(theme.New(true, false), DefaultKeyMap(), info)
			// The fields that apply to the choices' defaults.
			var shown []authn.Field
			for _, f := range info.Fields {
				if info.Applies(f, nil) {
					shown = append(shown, f)
				}
			}
			if m.Len() != len(shown) {
				t.Errorf("Len() = %d; want %d", m.Len(), len(shown))
			}
			if m.Focused() != -1 {
				t.Errorf("Focused() = %d on a new form; want -1", m.Focused())
			}
			if got := m.Info().Name; got != info.Name {
				t.Errorf("Info().Name = %q; want %q", got, info.Name)
			}
			view := plain(m)
			if len(info.Fields) == 0 {
				if !strings.Contains(view, msgNoFields) {
					t.Errorf("view of a scheme without fields = %q; want %q", view, msgNoFields)
				}
			}
			// One line starts with each label, in form order.
			lines := strings.Split(view, "\n")
			next := 0
			for _, f := range shown {
				found := false
				for next < len(lines) {
					l := strings.TrimSpace(lines[next])
					next++
					if strings.HasPrefix(l, f.Label) {
						found = true
						if got := strings.HasPrefix(strings.TrimSpace(strings.TrimPrefix(l, f.Label)), "*"); got != f.Required {
							t.Errorf("field %s: required marker shown = %v; want %v (%q)", f.Name, got, f.Required, l)
						}
						break
					}
				}
				if !found {
					t.Errorf("field %s: no line starts with label %q (in order) in\n%s", f.Name, f.Label, view)
				}
			}
			// Choice fields give their default; nothing else is set.
			want := map[string]string{}
			for _, f := range info.Fields {
				if len(f.Allowed) > 0 {
					want[f.Name] = f.Allowed[initialChoice(f)]
					if f.Default != "" && want[f.Name] != f.Default {
						t.Errorf("field %s starts on %q; want its default %q", f.Name, want[f.Name], f.Default)
					}
				}
			}
			if got := m.Values(); !maps.Equal(got, want) {
				t.Errorf("Values() of a new form = %v; want %v", got, want)
			}
			// Walking through every field with Next visits each once.
			visited := 0
			for ok := true; ; visited++ {
				if m, ok = m.Next(); !ok {
					break
				}
				if m.Focused() != visited {
					t.Fatalf("after %d Next, Focused() = %d", visited+1, m.Focused())
				}
			}
			if visited != len(shown) {
				t.Errorf("Next moved %d times; want %d", visited, len(shown))
			}
		})
	}
}

// TestWidth checks that no line of any form is wider than the form, focused
// on any field, with every field's inline error shown.
func TestWidth(t *testing.T) {
	for _, s := range authn.Schemes() {
		info := s.Info()
		errs := map[string]string{}
		for _, f := range info.Fields {
			errs[f.Name] = "something is wrong with this field and the message is long enough to wrap"
		}
		for _, w := range []int{20, 40, 60, 80, 120} {
			m := New(theme.New(false, false), DefaultKeyMap(), info).SetWidth(w).SetErrors(errs)
			for i := -1; i < max(m.Len(), 1); i++ {
				if i >= 0 {
					m, _ = m.Focus(i)
					m = typeText(m, strings.Repeat("x", 150))
				}
				view := m.View()
				for n, l := range strings.Split(view, "\n") {
					if lw := ansi.StringWidth(l); lw > w {
						t.Errorf("%s at width %d, focus %d: line %d is %d wide: %q", info.Name, w, i, n, lw, ansi.Strip(l))
					}
				}
				if got, want := m.Height(), strings.Count(view, "\n")+1; got != want {
					t.Errorf("%s at width %d: Height() = %d; View has %d lines", info.Name, w, got, want)
				}
			}
		}
	}
}

func TestBasicTyping(t *testing.T) {
	const user, pass = "aladdin", "opensesame"
	m := focusField(t, newForm(t, "basic"), "username")
	m = typeText(m, user)
	m, _ = m.Next()
	if m.Focused() != fieldIndex(t, m, "password") {
		t.Fatalf("after Next, Focused() = %d; want the password field", m.Focused())
	}
	m = typeText(m, pass)

	want := map[string]string{"username": user, "password": pass}
	if got := m.Values(); !maps.Equal(got, want) {
		t.Errorf("Values() = %v; want %v", got, want)
	}

	steps := []struct {
		name      string
		do        func(Model) Model
		shown     bool // password in clear
		marker    bool // "(shown)" marker
		focusPass bool
	}{
		{"typed", func(m Model) Model { return m }, false, false, true},
		{"revealed", func(m Model) Model { return press(m, keyCtrlT) }, true, true, true},
		{"hidden again", func(m Model) Model { return press(m, keyCtrlT) }, false, false, true},
		{"revealed before Prev", func(m Model) Model { return press(m, keyCtrlT) }, true, true, true},
		{"Prev re-masks", func(m Model) Model { m, _ = m.Prev(); return m }, false, false, false},
		{"back, still masked", func(m Model) Model { m, _ = m.Next(); return m }, false, false, true},
		{"revealed before Blur", func(m Model) Model { return press(m, keyCtrlT) }, true, true, true},
		{"Blur re-masks", func(m Model) Model { return m.Blur() }, false, false, false},
		{"revealed before Focus", func(m Model) Model { m, _ = m.Focus(1); return press(m, keyCtrlT) }, true, true, true},
		{"Focus elsewhere re-masks", func(m Model) Model { m, _ = m.Focus(0); return m }, false, false, false},
		{"revealed before ↑", func(m Model) Model { m, _ = m.Focus(1); return press(m, keyCtrlT) }, true, true, true},
		{"↑ re-masks", func(m Model) Model { return press(m, keyUp) }, false, false, false},
	}
	for _, st := range steps {
		m = st.do(m)
		view := plain(m)
		if got := strings.Contains(view, pass); got != st.shown {
			t.Errorf("%s: password in clear in View = %v; want %v\n%s", st.name, got, st.shown, view)
		}
		if !st.shown && !strings.Contains(view, strings.Repeat("•", len(pass))) {
			t.Errorf("%s: View does not show the password as %d •\n%s", st.name, len(pass), view)
		}
		if got := strings.Contains(view, markShown); got != st.marker {
			t.Errorf("%s: %q marker = %v; want %v", st.name, markShown, got, st.marker)
		}
		if !strings.Contains(view, user) {
			t.Errorf("%s: the username (not secret) is not shown\n%s", st.name, view)
		}
		if got := m.Focused() == 1; got != st.focusPass {
			t.Errorf("%s: focus on password = %v; want %v", st.name, got, st.focusPass)
		}
	}
	if got := m.Values(); !maps.Equal(got, want) {
		t.Errorf("Values() after focus moves = %v; want %v", got, want)
	}
}

func TestReference(t *testing.T) {
	tests := []struct {
		value string
		ref   bool
	}{
		{"env:GITHUB_TOKEN", true},
		{"file:/run/secrets/pass", true},
		{"keyring:work", true},
		{"prompt", true},
		{"hunter2", false},
		{"environment", false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			for _, how := range []string{"typed", "set"} {
				m := focusField(t, newForm(t, "basic"), "password")
				if how == "typed" {
					m = typeText(m, tt.value)
				} else {
					m = m.SetValues(map[string]string{"password": tt.value})
				}
				view := plain(m)
				if got := strings.Contains(view, tt.value); got != tt.ref {
					t.Errorf("%s %q: shown in clear = %v; want %v\n%s", how, tt.value, got, tt.ref, view)
				}
				if got := strings.Contains(view, markRef); got != tt.ref {
					t.Errorf("%s %q: %q marker = %v; want %v", how, tt.value, markRef, got, tt.ref)
				}
				if got := m.Values()["password"]; got != tt.value {
					t.Errorf("%s %q: Values()[password] = %q", how, tt.value, got)
				}
				// Still in clear after focus leaves: a reference is never masked.
				if view := plain(m.Blur()); strings.Contains(view, tt.value) != tt.ref {
					t.Errorf("%s %q: after Blur, shown in clear = %v; want %v", how, tt.value, !tt.ref, tt.ref)
				}
			}
		})
	}
}

func TestChoice(t *testing.T) {
	tests := []struct {
		field string
		keys  []tea.KeyPressMsg
		want  string
	}{
		{"signature_method", nil, "HMAC-SHA1"},
		{"signature_method", []tea.KeyPressMsg{keyRight}, "HMAC-SHA256"},
		{"signature_method", []tea.KeyPressMsg{keySpace, keySpace}, "PLAINTEXT"},
		{"signature_method", []tea.KeyPressMsg{keyRight, keyRight, keyRight}, "RSA-SHA1"},
		{"signature_method", []tea.KeyPressMsg{keyRight, keyRight, keyRight, keyRight}, "HMAC-SHA1"}, // wraps
		{"signature_method", []tea.KeyPressMsg{keyLeft}, "RSA-SHA1"},                                 // wraps back
		{"signature_method", []tea.KeyPressMsg{keyRight, keyLeft}, "HMAC-SHA1"},
		{"placement", nil, "header"},
		{"placement", []tea.KeyPressMsg{keyRight}, "query"},
		{"placement", []tea.KeyPressMsg{keyRight, keySpace, keyRight}, "header"},
		{"placement", []tea.KeyPressMsg{keyLeft}, "body"},
		{"placement", []tea.KeyPressMsg{keyLeft, keyLeft}, "query"},
	}
	for _, tt := range tests {
		m := focusField(t, newForm(t, "oauth1"), tt.field)
		m = press(m, tt.keys...)
		if got := m.Values()[tt.field]; got != tt.want {
			t.Errorf("%s after %v = %q; want %q", tt.field, tt.keys, got, tt.want)
		}
		if view := plain(m); !strings.Contains(view, "‹ "+tt.want+" ›") {
			t.Errorf("%s: View does not mark %q as current\n%s", tt.field, tt.want, view)
		}
		// Typing and pasting change nothing.
		before := m.Values()
		m = typeText(m, "xyz")
		m, _ = m.Update(tea.PasteMsg{Content: "PLAINTEXT"})
		if got := m.Values(); !maps.Equal(got, before) {
			t.Errorf("%s: typing on a choice changed Values() from %v to %v", tt.field, before, got)
		}
		if view := plain(m); strings.Contains(view, "xyz") {
			t.Errorf("%s: typed text shows on a choice field\n%s", tt.field, view)
		}
	}

	// The choices are all shown inline, and without colour the current one
	// is still marked.
	m := focusField(t, New(theme.New(true, true), DefaultKeyMap(), newForm(t, "oauth1").Info()), "signature_method")
	if view := plain(m); !strings.Contains(view, "‹ HMAC-SHA1 › HMAC-SHA256 PLAINTEXT RSA-SHA1") {
		t.Errorf("NoColor View does not show the choices inline with the current one marked\n%s", view)
	}
}

func TestSetValues(t *testing.T) {
	m := newForm(t, "oauth1").SetValues(map[string]string{
		"consumer_key":     "ck",
		"signature_method": "hmac-sha256", // case differs
		"placement":        "query",
		"no_such_field":    "x",
	})
	want := map[string]string{"consumer_key": "ck", "signature_method": "HMAC-SHA256", "placement": "query"}
	if got := m.Values(); !maps.Equal(got, want) {
		t.Errorf("Values() = %v; want %v", got, want)
	}
	if errs := m.Errors(); len(errs) != 0 {
		t.Errorf("Errors() = %v; want none", errs)
	}

	m = m.SetValues(map[string]string{"placement": "cookie", "signature_method": "", "consumer_key": ""})
	want = map[string]string{"signature_method": "HMAC-SHA1", "placement": "query"}
	if got := m.Values(); !maps.Equal(got, want) {
		t.Errorf("after clearing, Values() = %v; want %v", got, want)
	}
	if e := m.Errors()["placement"]; !strings.Contains(e, `"cookie"`) || !strings.Contains(e, "header, query, body") {
		t.Errorf("Errors()[placement] = %q; want it to name the value and the choices", e)
	}

	// SetValues does not change the Model it was called on.
	base := newForm(t, "basic")
	_ = base.SetValues(map[string]string{"username": "u"})
	if got := base.Values(); len(got) != 0 {
		t.Errorf("SetValues changed the original model: %v", got)
	}
}

func TestMultilineAndPaste(t *testing.T) {
	const pem = "-----BEGIN PRIVATE KEY-----\nMIIB\nVQIB\n-----END PRIVATE KEY-----\n"
	tests := []struct {
		scheme, field string
		paste         string
		want          string
	}{
		{"oauth1", "private_key", pem, strings.TrimSuffix(pem, "\n")},
		{"oauth1", "private_key", strings.ReplaceAll(pem, "\n", "\r\n"), strings.TrimSuffix(pem, "\n")},
		{"bearer", "token", "gho_16C7e42F292c6912E7710c838347Ae178B4a\n", "gho_16C7e42F292c6912E7710c838347Ae178B4a"},
		{"basic", "username", "ann", "ann"},
	}
	for _, tt := range tests {
		m := focusField(t, newForm(t, tt.scheme), tt.field)
		m, _ = m.Update(tea.PasteMsg{Content: tt.paste})
		if got := m.Values()[tt.field]; got != tt.want {
			t.Errorf("%s.%s: paste %q gives %q; want %q", tt.scheme, tt.field, tt.paste, got, tt.want)
		}
	}

	// A PEM key set from a profile keeps its line breaks through the form.
	m := newForm(t, "oauth1").SetValues(map[string]string{"private_key": pem})
	if got := m.Values()["private_key"]; got != pem {
		t.Errorf("private_key round trip = %q; want %q", got, pem)
	}
	// A reference is a path, whatever it contains.
	const winPath = `file:C:\new\key.pem`
	m = focusField(t, newForm(t, "oauth1"), "private_key")
	m = typeText(m, winPath)
	if got := m.Values()["private_key"]; got != winPath {
		t.Errorf("private_key reference = %q; want %q", got, winPath)
	}
	if view := plain(m); !strings.Contains(view, "file:") {
		t.Errorf("private_key help does not suggest file:PATH\n%s", view)
	}
}

func TestPinnable(t *testing.T) {
	m := newForm(t, "oauth1")
	for _, name := range []string{"nonce", "timestamp"} {
		m = focusField(t, m, name)
		view := plain(m)
		if !strings.Contains(view, pinnablePlaceholder) {
			t.Errorf("%s: no %q placeholder\n%s", name, pinnablePlaceholder, view)
		}
		if !strings.Contains(view, "pin it only") {
			t.Errorf("%s: help does not say to pin it only for a reproducible trace\n%s", name, view)
		}
	}
	if _, ok := m.Values()["nonce"]; ok {
		t.Errorf("the placeholder of nonce became a value: %v", m.Values())
	}
	// Pinnable fields of a future scheme get the advice even when their own
	// help does not give it.
	info := authn.Info{Name: "future", Fields: []authn.Field{{Name: "cnonce", Label: "Client nonce", Help: "random", Pinnable: true}}}
	f, _ := New(theme.New(true, false), DefaultKeyMap(), info).Focus(0)
	if view := plain(f); !strings.Contains(view, "random; pin it only for a reproducible trace") || !strings.Contains(view, pinnablePlaceholder) {
		t.Errorf("future Pinnable field:\n%s", view)
	}
}

func TestDefaultPlaceholder(t *testing.T) {
	info := authn.Info{Name: "future", Fields: []authn.Field{{Name: "realm", Label: "Realm", Default: "api"}}}
	m := New(theme.New(true, false), DefaultKeyMap(), info)
	if view := plain(m); !strings.Contains(view, "api") {
		t.Errorf("the default is not shown as a placeholder:\n%s", view)
	}
	if got := m.Values(); len(got) != 0 {
		t.Errorf("Values() = %v; the default is not a value", got)
	}
	if _, ok := m.Validate(); !ok {
		t.Errorf("Validate() = false for an empty field with a default")
	}
}

func TestNextPrev(t *testing.T) {
	tests := []struct {
		scheme    string
		start     int // -1: blurred
		next      bool
		wantOK    bool
		wantFocus int
	}{
		{"basic", -1, true, true, 0},
		{"basic", -1, false, true, 1},
		{"basic", 0, true, true, 1},
		{"basic", 1, true, false, 1},
		{"basic", 1, false, true, 0},
		{"basic", 0, false, false, 0},
		{"bearer", 0, true, false, 0},
		{"bearer", 0, false, false, 0},
		{"oauth1", 11, true, false, 11},
		{"none", -1, true, false, -1},
		{"none", -1, false, false, -1},
	}
	for _, tt := range tests {
		m := newForm(t, tt.scheme)
		if tt.start >= 0 {
			m, _ = m.Focus(tt.start)
		}
		var ok bool
		name := "Prev"
		if tt.next {
			m, ok = m.Next()
			name = "Next"
		} else {
			m, ok = m.Prev()
		}
		if ok != tt.wantOK || m.Focused() != tt.wantFocus {
			t.Errorf("%s from %d on %s = (focus %d, %v); want (focus %d, %v)",
				name, tt.start, tt.scheme, m.Focused(), ok, tt.wantFocus, tt.wantOK)
		}
	}

	// Focus clamps; ↓ and ↑ move inside the form and stop at the ends.
	m := newForm(t, "basic")
	focusTests := []struct {
		do   func(Model) Model
		want int
	}{
		{func(m Model) Model { m, _ = m.Focus(-5); return m }, 0},
		{func(m Model) Model { m, _ = m.Focus(99); return m }, 1},
		{func(m Model) Model { return press(m, keyDown) }, 1},
		{func(m Model) Model { return press(m, keyUp) }, 0},
		{func(m Model) Model { return press(m, keyUp) }, 0},
		{func(m Model) Model { return press(m, keyDown, keyDown) }, 1},
		{func(m Model) Model { return m.Blur() }, -1},
		{func(m Model) Model { return press(m, keyDown) }, -1}, // a blurred form ignores keys
	}
	for i, tt := range focusTests {
		m = tt.do(m)
		if m.Focused() != tt.want {
			t.Errorf("step %d: Focused() = %d; want %d", i, m.Focused(), tt.want)
		}
	}
	if f, cmd := newForm(t, "basic").Focus(0); cmd == nil || f.Focused() != 0 {
		t.Errorf("Focus on a text field returned no cursor command")
	}
}

func TestValidate(t *testing.T) {
	m := newForm(t, "basic")
	m, ok := m.Validate()
	if ok {
		t.Fatalf("Validate() of an empty basic form = true; want false")
	}
	if got := m.Errors(); !maps.Equal(got, map[string]string{"username": msgRequired}) {
		t.Errorf("Errors() = %v; want username %q only", got, msgRequired)
	}
	if view := plain(m); !strings.Contains(view, msgRequired) {
		t.Errorf("the inline error is not in View:\n%s", view)
	}
	// Filling the field clears the error at once, and Validate agrees.
	m = typeText(focusField(t, m, "username"), "ann")
	if view := plain(m); strings.Contains(view, msgRequired) {
		t.Errorf("the error is still shown after the field was filled:\n%s", view)
	}
	m, ok = m.Validate()
	if !ok || len(m.Errors()) != 0 {
		t.Errorf("Validate() after filling username = %v, errors %v; want true, none", ok, m.Errors())
	}
	if view := plain(m); strings.Contains(view, msgRequired) {
		t.Errorf("the error is still shown after Validate:\n%s", view)
	}

	// Validate replaces every error, including those set from elsewhere.
	m, _ = m.SetErrors(map[string]string{"password": "rejected by the server"}).Validate()
	if got := m.Errors(); len(got) != 0 {
		t.Errorf("Errors() after Validate = %v; want none", got)
	}

	// The form agrees with authn on every scheme: ok exactly when
	// Info.Validate accepts the values.
	for _, s := range authn.Schemes() {
		info := s.Info()
		f := New(theme.New(true, false), DefaultKeyMap(), info)
		f, ok := f.Validate()
		_, err := info.Validate(f.Values())
		if ok != (err == nil) {
			t.Errorf("%s: form Validate() = %v, authn says %v", info.Name, ok, err)
		}
	}

	// Errors from elsewhere.
	m = m.SetErrors(map[string]string{"username": "contains a colon", "nope": "ignored"})
	if got := m.Errors(); !maps.Equal(got, map[string]string{"username": "contains a colon"}) {
		t.Errorf("Errors() after SetErrors = %v", got)
	}
	if view := plain(m); !strings.Contains(view, "contains a colon") {
		t.Errorf("SetErrors message not in View:\n%s", view)
	}
	if got := m.SetErrors(nil).Errors(); len(got) != 0 {
		t.Errorf("SetErrors(nil) left %v", got)
	}
}

// TestValueSemantics checks that a Model the caller keeps (a snapshot to
// restore on cancel, say) does not change when a copy is edited.
func TestValueSemantics(t *testing.T) {
	m := typeText(focusField(t, newForm(t, "basic"), "username"), "abcdef")
	snap := m
	keyBackspace := tea.KeyPressMsg{Code: tea.KeyBackspace}
	keyHome := tea.KeyPressMsg{Code: tea.KeyHome}
	edited := press(m, keyLeft, keyLeft, keyLeft, keyBackspace, keyBackspace, keyHome, keyRight)
	edited = typeText(edited, "Z")
	edited, _ = edited.Validate()
	edited, _ = edited.Next()
	edited = typeText(edited, "pw")
	if got := edited.Values(); !maps.Equal(got, map[string]string{"username": "aZdef", "password": "pw"}) {
		t.Errorf("edited Values() = %v", got)
	}
	if got := snap.Values(); !maps.Equal(got, map[string]string{"username": "abcdef"}) {
		t.Errorf("the snapshot changed: Values() = %v; want username abcdef only", got)
	}
	if snap.Focused() != 0 {
		t.Errorf("the snapshot's focus moved to %d", snap.Focused())
	}
}

func TestKeyMap(t *testing.T) {
	km := DefaultKeyMap()
	if len(km.ShortHelp()) == 0 || len(km.FullHelp()) == 0 {
		t.Fatalf("empty help")
	}
	tests := []struct {
		field                   string
		reveal, choice, next, p bool
	}{
		{"consumer_key", false, false, true, false},
		{"consumer_secret", true, false, true, true},
		{"placement", false, true, true, true},
		{"verifier", false, false, false, true},
	}
	for _, tt := range tests {
		k := focusField(t, newForm(t, "oauth1"), tt.field).KeyMap()
		if k.Reveal.Enabled() != tt.reveal || k.ChoiceNext.Enabled() != tt.choice || k.ChoicePrev.Enabled() != tt.choice ||
			k.Next.Enabled() != tt.next || k.Prev.Enabled() != tt.p {
			t.Errorf("%s: KeyMap() enabled reveal %v choice %v next %v prev %v; want %v %v %v %v", tt.field,
				k.Reveal.Enabled(), k.ChoiceNext.Enabled(), k.Next.Enabled(), k.Prev.Enabled(), tt.reveal, tt.choice, tt.next, tt.p)
		}
	}
	if !km.Reveal.Enabled() {
		t.Errorf("KeyMap() disabled a binding of the caller's keymap")
	}
}

func TestGolden(t *testing.T) {
	oauth1 := func(width int) func(t *testing.T) Model {
		return func(t *testing.T) Model {
			m := newForm(t, "oauth1").SetWidth(width).SetValues(map[string]string{
				"consumer_key": "dpf43f3p2l4k3l03",
				"token":        "nnch734d00sl2jdk",
				"token_secret": "env:OAUTH_TOKEN_SECRET",
			})
			return typeText(focusField(t, m, "consumer_secret"), "kd94hf93k423kf44")
		}
	}
	tests := []struct {
		name  string
		build func(t *testing.T) Model
	}{
		{"oauth1_80", oauth1(80)},
		{"oauth1_120", oauth1(120)},
		{"basic", func(t *testing.T) Model {
			m, _ := newForm(t, "basic").SetWidth(80).Validate()
			return focusField(t, m, "username")
		}},
		{"none", func(t *testing.T) Model { return newForm(t, "none").SetWidth(80) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := golden(plain(tt.build(t)))
			gold.Assert(t, tt.name, got)
			if strings.Contains(got, "kd94hf93k423kf44") {
				t.Errorf("the typed consumer secret is in the view")
			}
		})
	}
}

// golden drops trailing blanks (the focused input's cursor cell), which
// editors strip from files, and ends the text with a newline.
func golden(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestFocusLineAndTyping(t *testing.T) {
	in, _ := authn.Lookup("oauth1")
	m := New(theme.New(true, false), DefaultKeyMap(), in.Info()).SetWidth(100)
	if m.Typing() || m.FocusLine() != 0 {
		t.Errorf("blurred form: Typing=%v FocusLine=%d; want false, 0", m.Typing(), m.FocusLine())
	}
	for i := range m.Len() {
		m, _ = m.Focus(i)
		lines := strings.Split(m.View(), "\n")
		fl := m.FocusLine()
		if fl >= len(lines) || !strings.Contains(lines[fl], "▸") {
			t.Errorf("field %d: FocusLine=%d is not the focused row in\n%s", i, fl, m.View())
		}
		choice := len(in.Info().Fields[i].Allowed) > 0
		if m.Typing() == choice {
			t.Errorf("field %s: Typing=%v; want %v", in.Info().Fields[i].Name, m.Typing(), !choice)
		}
	}
}
