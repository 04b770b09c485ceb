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

// TestOpenedUntrustedProfileAsks: a profile opened from the browser (ctrl+o)
// of an untrusted folder asks before ctrl+r sends; the question names the
// reference and its host; a typed-over value sends without asking. The
// opened profiles of a trusted folder never ask.
func TestOpenedUntrustedProfileAsks(t *testing.T) {
	for _, trusted := range []bool{false, true} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "p.toml"), []byte("url = 'http://127.0.0.1:9/x'\nscheme = 'bearer'\n[fields]\ntoken = 'env:GITHUB_TOKEN'\n"), 0o600)
		s := profiles.NewStore(dir)
		s.Trusted = trusted
		e, err := s.Load("p")
		if err != nil {
			t.Fatal(err)
		}
		m := newModel(t, profiles.Profile{}, nil, true)
		m, _ = step(t, m, tea.WindowSizeMsg{Width: 100, Height: 30}, browser.OpenMsg{Entry: e})
		m, _ = step(t, m, keyMsg("ctrl+r"))
		asked := m.focus == focusConfirm && m.ask.kind == askTrust
		if asked == trusted {
			t.Errorf("trusted=%v: ctrl+r asked = %v; want %v", trusted, asked, !trusted)
		}
		if trusted {
			m.snd = m.snd.Stop()
			continue
		}
		if m.snd.Busy() {
			t.Errorf("a send started before the answer")
		}
		view := strings.Join(strings.Fields(ansi.Strip(m.View().Content)), " ")
		for _, want := range []string{"env:GITHUB_TOKEN", "127.0.0.1:9", "untrusted folder"} {
			if !strings.Contains(view, want) {
				t.Errorf("the question lacks %q:\n%s", want, view)
			}
		}
		m, _ = step(t, m, keyMsg("esc"))
		if m.focus == focusConfirm || m.snd.Busy() || !strings.Contains(m.status, "not sent") {
			t.Errorf("after esc: focus %v, busy %v, status %q; want closed, nothing sent", m.focus, m.snd.Busy(), m.status)
		}
		// A value the user typed over the file's is theirs.
		m.ed = m.ed.setCredValues(map[string]string{"token": "typed-token"})
		m, _ = step(t, m, keyMsg("ctrl+r"))
		if m.focus == focusConfirm && m.ask.kind == askTrust {
			t.Errorf("a typed-over token asked for trust; want it sent")
		}
		m.snd = m.snd.Stop()
	}
}
