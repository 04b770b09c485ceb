package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/tui/browser"
	"github.com/charmbracelet/x/ansi"
)

// A profile of an untrusted folder whose [vars] hold an env: reference
// asks before ctrl+r reads it, as a field's reference does.
func TestUntrustedProfileVarsAsk(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.toml"), []byte("url = 'http://127.0.0.1:9/{{t}}'\n[vars]\nt = 'env:GITHUB_TOKEN'\n"), 0o600)
	s := profiles.NewStore(dir)
	e, err := s.Load("p")
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(t, profiles.Profile{}, nil, true)
	m, _ = step(t, m, tea.WindowSizeMsg{Width: 100, Height: 30}, browser.OpenMsg{Entry: e})
	m, _ = step(t, m, keyMsg("ctrl+r"))
	if m.focus != focusConfirm || m.ask.kind != askTrust || m.snd.Busy() {
		t.Fatalf("ctrl+r on an untrusted profile's env: variable: focus %v, ask %v, busy %v; want the trust question, nothing sent", m.focus, m.ask.kind, m.snd.Busy())
	}
	view := strings.Join(strings.Fields(ansi.Strip(m.View().Content)), " ")
	if !strings.Contains(view, "env:GITHUB_TOKEN (variable t)") {
		t.Errorf("the question lacks the variable's reference:\n%s", view)
	}
}

// The chooser: ctrl+e lists none and the environments, ←/→ moves, enter
// uses the pick (the header shows it), esc keeps the current one.
func TestEnvironmentChooser(t *testing.T) {
	m := newModel(t, profiles.Profile{}, nil, true)
	m.opts.Store = profiles.NewStore(t.TempDir())
	m, _ = step(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	m, _ = step(t, m, envsMsg{envs: []profiles.Environment{{Name: "dev"}, {Name: "prod", Vars: []profiles.Var{{Name: "a", Value: "1"}}}}})
	if m.focus != focusConfirm || m.ask.kind != askEnv || !strings.Contains(m.ask.text, "[none] · dev · prod") {
		t.Fatalf("chooser = %v %q; want it open on [none]", m.ask.kind, m.ask.text)
	}
	for _, k := range []string{"right", "right"} {
		m, _ = step(t, m, keyMsg(k))
	}
	if !strings.Contains(m.ask.text, "none · dev · [prod]") {
		t.Errorf("after → →: %q; want [prod]", m.ask.text)
	}
	m, _ = step(t, m, keyMsg("enter"))
	head := ansi.Strip(m.headerLine(100))
	if m.envName() != "prod" || !strings.Contains(head, "env prod") {
		t.Errorf("after enter: env %q, header %q; want prod shown", m.envName(), head)
	}
	m, _ = step(t, m, envsMsg{envs: []profiles.Environment{{Name: "dev"}, {Name: "prod"}}})
	m, _ = step(t, m, keyMsg("left"), keyMsg("esc"))
	if m.envName() != "prod" || m.focus == focusConfirm {
		t.Errorf("after ← esc: env %q, focus %v; want prod kept, chooser closed", m.envName(), m.focus)
	}
	m, _ = step(t, m, envsMsg{})
	if !strings.Contains(m.status, "no environments in") {
		t.Errorf("no environments: status %q", m.status)
	}
}
