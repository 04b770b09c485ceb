package bodyview

import (
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// Key messages as the terminal sends them.
var (
	keyDown   = tea.KeyPressMsg{Code: tea.KeyDown}
	keyUp     = tea.KeyPressMsg{Code: tea.KeyUp}
	keyPgDown = tea.KeyPressMsg{Code: tea.KeyPgDown}
	keyPgUp   = tea.KeyPressMsg{Code: tea.KeyPgUp}
	keySpace  = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	keyHome   = tea.KeyPressMsg{Code: tea.KeyHome}
	keyEnd    = tea.KeyPressMsg{Code: tea.KeyEnd}
	keyLeft   = tea.KeyPressMsg{Code: tea.KeyLeft}
	keyRight  = tea.KeyPressMsg{Code: tea.KeyRight}
	keyCtrlD  = tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}
	keyCtrlU  = tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	keyShiftG = tea.KeyPressMsg{Code: 'g', ShiftedCode: 'G', Text: "G", Mod: tea.ModShift}
)

// keyRune is the press of a printable key.
func keyRune(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

// colorModel returns a model with the dark, coloured theme.
func colorModel(d Document, w, h int) Model {
	return New(theme.New(true, false), DefaultKeyMap()).SetWrap(false).SetFooter(false).SetSize(w, h).SetDocument(d)
}

// plainModel returns a model with the NO_COLOR theme.
func plainModel(d Document, w, h int) Model {
	return New(theme.New(true, true), DefaultKeyMap()).SetWrap(false).SetFooter(false).SetSize(w, h).SetDocument(d)
}

// textDoc prepares a text/plain body of n numbered lines.
func textDoc(n int) Document {
	var b strings.Builder
	for i := range n {
		b.WriteString("line " + strconv.Itoa(i) + "\n")
	}
	return Prepare("text/plain", []byte(b.String()), false)
}

// bigJSON generates a JSON array of about size bytes, compact as an API
// would send it, with every kind of token, escapes and non-ASCII text.
func bigJSON(tb testing.TB, size int) []byte {
	tb.Helper()
	b := make([]byte, 0, size+1024)
	b = append(b, '[')
	for i := 0; len(b) < size; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		n := strconv.Itoa(i)
		b = append(b, `{"id":`+n+`,"login":"user`+n+`","email":"user`+n+`@example.com","active":`+strconv.FormatBool(i%3 == 0)+
			`,"score":`+n+`.5e-3,"manager":null,"roles":["reader","writer"],"profile":{"bio":"Zoë 日本 🎉 said \"hi\" \u001b[31m","tags":[],"meta":{}}}`...)
	}
	return append(b, ']')
}

// sgrOnly reports whether every ESC in s starts an SGR sequence.
func sgrOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != 0x1b {
			continue
		}
		j := i + 1
		if j >= len(s) || s[j] != '[' {
			return false
		}
		for j++; j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':'); j++ {
		}
		if j >= len(s) || s[j] != 'm' {
			return false
		}
		i = j
	}
	return true
}

// checkFrame fails t unless view is exactly h lines of at most w cells,
// with no escape sequence but SGR.
func checkFrame(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if h == 0 {
		if view != "" {
			t.Fatalf("View() = %q; want empty for height 0", view)
		}
		return
	}
	if len(lines) != h {
		t.Fatalf("View() has %d lines; want %d:\n%s", len(lines), h, view)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got > w {
			t.Fatalf("View() line %d = %q is %d cells; want at most %d", i, l, got, w)
		}
	}
	if !sgrOnly(view) {
		t.Fatalf("View() = %q; has an escape sequence other than SGR", view)
	}
}
