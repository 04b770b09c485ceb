package bodyview

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/ui/tui/theme"
)

func TestUpdate(t *testing.T) {
	wide := Prepare("text/plain", []byte("short\n"+
		"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\n"), false)
	tests := []struct {
		name   string
		doc    Document
		w, h   int
		msgs   []tea.Msg
		wantY  int
		wantX  int
		wantPc float64
	}{
		{"down", textDoc(100), 80, 20, []tea.Msg{keyDown}, 1, 0, 1.0 / 80},
		{"j", textDoc(100), 80, 20, []tea.Msg{keyRune('j'), keyRune('j')}, 2, 0, 2.0 / 80},
		{"up at top stays", textDoc(100), 80, 20, []tea.Msg{keyUp, keyRune('k')}, 0, 0, 0},
		{"down then up", textDoc(100), 80, 20, []tea.Msg{keyDown, keyDown, keyUp}, 1, 0, 1.0 / 80},
		{"pgdown", textDoc(100), 80, 20, []tea.Msg{keyPgDown}, 20, 0, 20.0 / 80},
		{"f and space page", textDoc(100), 80, 20, []tea.Msg{keyRune('f'), keySpace}, 40, 0, 40.0 / 80},
		{"pgdown clamps at bottom", textDoc(100), 80, 20, []tea.Msg{keyPgDown, keyPgDown, keyPgDown, keyPgDown, keyPgDown}, 80, 0, 1},
		{"pgup", textDoc(100), 80, 20, []tea.Msg{keyPgDown, keyPgDown, keyPgUp}, 20, 0, 20.0 / 80},
		{"b pages up, clamps at top", textDoc(100), 80, 20, []tea.Msg{keyDown, keyRune('b')}, 0, 0, 0},
		{"ctrl+d", textDoc(100), 80, 20, []tea.Msg{keyCtrlD}, 10, 0, 10.0 / 80},
		{"ctrl+u", textDoc(100), 80, 20, []tea.Msg{keyCtrlD, keyCtrlD, keyCtrlU}, 10, 0, 10.0 / 80},
		{"end", textDoc(100), 80, 20, []tea.Msg{keyEnd}, 80, 0, 1},
		{"G", textDoc(100), 80, 20, []tea.Msg{keyShiftG}, 80, 0, 1},
		{"down at bottom stays", textDoc(100), 80, 20, []tea.Msg{keyShiftG, keyDown, keyRune('j')}, 80, 0, 1},
		{"home", textDoc(100), 80, 20, []tea.Msg{keyShiftG, keyHome}, 0, 0, 0},
		{"g", textDoc(100), 80, 20, []tea.Msg{keyShiftG, keyRune('g')}, 0, 0, 0},
		{"fits: nothing scrolls", textDoc(10), 80, 20, []tea.Msg{keyDown, keyPgDown, keyShiftG, keyRight}, 0, 0, 1},
		{"exactly fits", textDoc(20), 80, 20, []tea.Msg{keyDown, keyEnd}, 0, 0, 1},
		{"one line more than fits", textDoc(21), 80, 20, []tea.Msg{keyPgDown}, 1, 0, 1},
		{"empty document", Document{}, 80, 20, []tea.Msg{keyDown, keyEnd, keyRight}, 0, 0, 1},
		{"right steps a quarter width", wide, 40, 5, []tea.Msg{keyRight}, 0, 10, 1},
		{"l", wide, 40, 5, []tea.Msg{keyRune('l'), keyRune('l')}, 0, 20, 1},
		{"right clamps at the widest line", wide, 40, 5, []tea.Msg{keyRight, keyRight, keyRight, keyRight, keyRight, keyRight, keyRight, keyRight}, 0, 60, 1},
		{"left", wide, 40, 5, []tea.Msg{keyRight, keyRight, keyLeft}, 0, 10, 1},
		{"h at the left edge stays", wide, 40, 5, []tea.Msg{keyRune('h'), keyLeft}, 0, 0, 1},
		{"wheel down", textDoc(100), 80, 20, []tea.Msg{tea.MouseWheelMsg{Button: tea.MouseWheelDown}}, 3, 0, 3.0 / 80},
		{"wheel up clamps", textDoc(100), 80, 20, []tea.Msg{keyDown, tea.MouseWheelMsg{Button: tea.MouseWheelUp}}, 0, 0, 0},
		{"wheel right", wide, 40, 5, []tea.Msg{tea.MouseWheelMsg{Button: tea.MouseWheelRight}}, 0, 10, 1},
		{"shift+wheel down scrolls right", wide, 40, 5, []tea.Msg{tea.MouseWheelMsg{Button: tea.MouseWheelDown, Mod: tea.ModShift}}, 0, 10, 1},
		{"wheel left", wide, 40, 5, []tea.Msg{keyRight, keyRight, tea.MouseWheelMsg{Button: tea.MouseWheelLeft}}, 0, 10, 1},
		{"other keys ignored", textDoc(100), 80, 20, []tea.Msg{keyRune('x'), tea.KeyPressMsg{Code: tea.KeyEnter}}, 0, 0, 0},
		{"other messages ignored", textDoc(100), 80, 20, []tea.Msg{tea.WindowSizeMsg{Width: 1, Height: 1}, tea.MouseClickMsg{}}, 0, 0, 0},
		{"key release ignored", textDoc(100), 80, 20, []tea.Msg{tea.KeyReleaseMsg{Code: tea.KeyDown}}, 0, 0, 0},
		{"zero height: page keys still move", textDoc(100), 80, 0, []tea.Msg{keyPgDown, keyCtrlD}, 2, 0, 2.0 / 100},
		{"truncated marker is a line", Prepare("text/plain", []byte("a\nb\nc\n"), true), 80, 2, []tea.Msg{keyEnd}, 2, 0, 1},
	}
	for _, tc := range tests {
		m := colorModel(tc.doc, tc.w, tc.h)
		for _, msg := range tc.msgs {
			var cmd tea.Cmd
			m, cmd = m.Update(msg)
			if cmd != nil {
				t.Errorf("%s: Update(%v) returned a command; want nil", tc.name, msg)
			}
		}
		if m.YOffset() != tc.wantY || m.XOffset() != tc.wantX || m.ScrollPercent() != tc.wantPc {
			t.Errorf("%s: after %v: YOffset, XOffset, ScrollPercent = %d, %d, %v; want %d, %d, %v",
				tc.name, tc.msgs, m.YOffset(), m.XOffset(), m.ScrollPercent(), tc.wantY, tc.wantX, tc.wantPc)
		}
	}
}

func TestResizeClamps(t *testing.T) {
	wide := Prepare("text/plain", []byte(
		"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\n"), false)
	tests := []struct {
		name         string
		doc          Document
		w, h         int // before
		msgs         []tea.Msg
		w2, h2       int // after
		wantY, wantX int
	}{
		{"taller window pulls the bottom up", textDoc(100), 80, 20, []tea.Msg{keyEnd}, 80, 30, 70, 0},
		{"shorter window keeps the offset", textDoc(100), 80, 20, []tea.Msg{keyEnd}, 80, 10, 80, 0},
		{"window taller than document", textDoc(100), 80, 20, []tea.Msg{keyEnd}, 80, 200, 0, 0},
		{"wider window pulls x back", wide, 40, 5, []tea.Msg{keyEnd, keyRight, keyRight, keyRight, keyRight, keyRight, keyRight}, 80, 5, 0, 20},
		{"window wider than document", wide, 40, 5, []tea.Msg{keyRight}, 120, 5, 0, 0},
		{"negative size", textDoc(100), 80, 20, []tea.Msg{keyPgDown}, -1, -5, 20, 0},
	}
	for _, tc := range tests {
		m := colorModel(tc.doc, tc.w, tc.h)
		for _, msg := range tc.msgs {
			m, _ = m.Update(msg)
		}
		m = m.SetSize(tc.w2, tc.h2)
		if m.YOffset() != tc.wantY || m.XOffset() != tc.wantX {
			t.Errorf("%s: SetSize(%d, %d) after %v: offsets %d, %d; want %d, %d",
				tc.name, tc.w2, tc.h2, tc.msgs, m.YOffset(), m.XOffset(), tc.wantY, tc.wantX)
		}
		checkFrame(t, m.View(), max(tc.w2, 0), max(tc.h2, 0))
	}
}

func TestSetDocumentResetsScroll(t *testing.T) {
	m := colorModel(textDoc(100), 10, 5)
	m, _ = m.Update(keyPgDown)
	m, _ = m.Update(keyRight)
	m = m.SetDocument(textDoc(100))
	if m.YOffset() != 0 || m.XOffset() != 0 {
		t.Errorf("SetDocument: offsets %d, %d; want 0, 0", m.YOffset(), m.XOffset())
	}
}

// TestUpdateDoesNotMutate checks the value semantics: Update returns a
// changed copy and leaves the receiver as it was.
func TestUpdateDoesNotMutate(t *testing.T) {
	m := colorModel(textDoc(100), 80, 20)
	m2, _ := m.Update(keyPgDown)
	if m.YOffset() != 0 || m2.YOffset() != 20 {
		t.Errorf("Update(pgdown): receiver at %d, result at %d; want 0, 20", m.YOffset(), m2.YOffset())
	}
}

func TestDisabledBinding(t *testing.T) {
	km := DefaultKeyMap()
	km.Down.SetEnabled(false)
	m := New(theme.New(true, false), km).SetSize(80, 20).SetDocument(textDoc(100))
	m, _ = m.Update(keyDown)
	if m.YOffset() != 0 {
		t.Errorf("Update(down) with Down disabled: YOffset %d; want 0", m.YOffset())
	}
}

func TestKeyMapHelp(t *testing.T) {
	km := DefaultKeyMap()
	if n := len(km.ShortHelp()); n == 0 {
		t.Errorf("ShortHelp() is empty")
	}
	seen := map[string]bool{}
	for _, col := range km.FullHelp() {
		for _, b := range col {
			if b.Help().Key == "" || b.Help().Desc == "" {
				t.Errorf("binding %v has no help", b.Keys())
			}
			seen[b.Help().Desc] = true
		}
	}
	if len(seen) != 15 {
		t.Errorf("FullHelp() covers %d bindings; want all 15", len(seen))
	}
}
