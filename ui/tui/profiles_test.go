package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/tui/browser"
)

func storeModel(t *testing.T, p profiles.Profile) (Model, *profiles.Store) {
	t.Helper()
	store := profiles.NewStore(filepath.Join(t.TempDir(), "profiles"))
	eng := authn.New(authn.Options{})
	t.Cleanup(eng.Close)
	m := New(Options{Prefill: p, Engine: eng, Store: store, Now: func() time.Time { return fixedNow }})
	m, _ = step(t, m, size(120, 40))
	return m, store
}

// run executes a command and feeds its message back into the model.
func run(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command to run")
	}
	m, _ = step(t, m, cmd())
	return m
}

func TestSaveNewProfileAndDirtyMarker(t *testing.T) {
	m, store := storeModel(t, profiles.Profile{URL: "https://api.example.com/me", Scheme: "bearer", Fields: map[string]string{"token": "env:API_TOKEN"}})
	m, _ = step(t, m, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	if m.ask.kind != askName || !strings.Contains(view(m), "save as:") {
		t.Fatalf("ctrl+s on a new request: ask=%v; want the name question", m.ask.kind)
	}
	m, _ = step(t, m, typeText("team/api")...)
	m, cmd := step(t, m, keyMsg("enter"))
	m = run(t, m, cmd)
	if m.profile != "team/api" || m.dirty || !strings.Contains(m.status, "saved team/api") {
		t.Fatalf("after save: profile=%q dirty=%v status=%q", m.profile, m.dirty, m.status)
	}
	b, err := os.ReadFile(filepath.Join(store.Dir, "team", "api.toml"))
	if err != nil || !strings.Contains(string(b), "env:API_TOKEN") {
		t.Fatalf("saved file: %v\n%s", err, b)
	}
	// editing marks the editor unsaved
	m, _ = step(t, m, keyMsg("tab"), keyMsg("tab"))
	m, _ = step(t, m, typeText("X")...)
	if !m.dirty || !strings.Contains(view(m), "● unsaved") {
		t.Errorf("after an edit: dirty=%v; want the unsaved marker", m.dirty)
	}
}

func TestSaveAsksBeforeStoringALiteralSecret(t *testing.T) {
	m, store := storeModel(t, profiles.Profile{URL: "https://api.example.com/me", Scheme: "bearer", Fields: map[string]string{"token": "l1teral-t0ken"}})
	m.profile = "lit" // saving an existing name skips the name question
	m, cmd := step(t, m, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	if cmd != nil || m.ask.kind != askPlaintext || !strings.Contains(view(m), "plain text") {
		t.Fatalf("literal secret: ask=%v cmd=%v; want the plaintext question first", m.ask.kind, cmd != nil)
	}
	m, cmd = step(t, m, keyMsg("n"))
	if cmd != nil || m.ask.kind != askNone {
		t.Fatal("n did not cancel the save")
	}
	if _, err := os.Stat(filepath.Join(store.Dir, "lit.toml")); err == nil {
		t.Fatal("the file was written after n")
	}
	m, _ = step(t, m, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	m, cmd = step(t, m, keyMsg("y"))
	m = run(t, m, cmd)
	b, _ := os.ReadFile(filepath.Join(store.Dir, "lit.toml"))
	if !strings.Contains(string(b), "l1teral-t0ken") || !strings.Contains(m.status, "saved") {
		t.Errorf("after y: status %q, file:\n%s", m.status, b)
	}
}

func TestSaveAsksOnConflict(t *testing.T) {
	m, store := storeModel(t, profiles.Profile{URL: "https://a.example/", Scheme: "none"})
	m.profile = "p"
	m, cmd := step(t, m, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	m = run(t, m, cmd)
	if !m.hasStamp {
		t.Fatal("no stamp after the first save")
	}
	// another program changes the file
	other := profiles.Profile{Name: "p", Method: "GET", URL: "https://changed.example/", Scheme: "none"}
	if _, err := store.Save(other, profiles.SaveOptions{Overwrite: true}); err != nil {
		t.Fatal(err)
	}
	m, cmd = step(t, m, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	m = run(t, m, cmd)
	if m.ask.kind != askConflict || !strings.Contains(view(m), "changed on disk") {
		t.Fatalf("save over a changed file: ask=%v status=%q; want the conflict question", m.ask.kind, m.status)
	}
	b, _ := os.ReadFile(filepath.Join(store.Dir, "p.toml"))
	if !strings.Contains(string(b), "changed.example") {
		t.Fatal("the other program's version was overwritten without asking")
	}
	// r reloads the other program's version into the editor
	mr, cmd := step(t, m, keyMsg("r"))
	mr = run(t, mr, cmd)
	if got := mr.ed.urlValue(); got != "https://changed.example/" || mr.ask.kind != askNone {
		t.Errorf("after r: url %q ask %v; want the version on disk", got, mr.ask.kind)
	}
	m, cmd = step(t, m, keyMsg("o"))
	m = run(t, m, cmd)
	b, _ = os.ReadFile(filepath.Join(store.Dir, "p.toml"))
	if !strings.Contains(string(b), "a.example") || m.ask.kind != askNone {
		t.Errorf("after o: ask=%v file:\n%s", m.ask.kind, b)
	}
}

func TestBrowserPanelOpensProfile(t *testing.T) {
	m, store := storeModel(t, profiles.Profile{})
	for _, n := range []string{"github/user", "github/repos", "twitter/verify"} {
		if _, err := store.Save(profiles.Profile{Name: n, Method: "GET", URL: "https://" + strings.ReplaceAll(n, "/", ".") + ".example/", Scheme: "none"}, profiles.SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	m = run(t, m, loadEntries(store))
	m, _ = step(t, m, tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl})
	if (m.focus != focusProfiles && m.focus != focusHistory) || !strings.Contains(view(m), "github/") {
		t.Fatalf("ctrl+o: panel=%v\n%s", (m.focus == focusProfiles || m.focus == focusHistory), view(m))
	}
	m, _ = step(t, m, keyMsg("/"))
	m, _ = step(t, m, typeText("verify")...)
	m, _ = step(t, m, keyMsg("enter"))
	m, cmd := step(t, m, keyMsg("enter"))
	msg := cmd()
	if om, ok := msg.(browser.OpenMsg); !ok || om.Entry.Name != "twitter/verify" {
		t.Fatalf("enter in the browser gave %#v; want OpenMsg for twitter/verify", msg)
	}
	m, _ = step(t, m, msg)
	if (m.focus == focusProfiles || m.focus == focusHistory) || m.profile != "twitter/verify" || m.ed.url.Value() != "https://twitter.verify.example/" {
		t.Errorf("after open: panel=%v profile=%q url=%q", (m.focus == focusProfiles || m.focus == focusHistory), m.profile, m.ed.url.Value())
	}
	// Reopened, the panel starts afresh (issue #15 item 15): the last
	// visit's filter is gone, the cursor is on the open profile, and esc
	// closes it.
	m, _ = step(t, m, tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl})
	if m.focus != focusProfiles || m.browser.Filter() != "" {
		t.Errorf("reopened: focus %v filter %q; want the profiles with no filter", m.focus, m.browser.Filter())
	}
	if e, ok := m.browser.Selected(); !ok || e.Name != "twitter/verify" {
		t.Errorf("reopened: cursor on %q; want the open profile twitter/verify", e.Name)
	}
	m, _ = step(t, m, keyMsg("esc"))
	if m.focus == focusProfiles || m.focus == focusHistory {
		t.Error("esc did not close the panel")
	}
}
