package tui

import (
	"strings"
	"testing"
)

// TestBodySearchTakesKeys checks that while the Body tab's search field
// is open the root passes it the keys it would otherwise act on (q quits,
// ? opens help, esc leaves the pane), and that esc then only closes the
// field.
func TestBodySearchTakesKeys(t *testing.T) {
	m := twitterResult(t, sizes[1], false)
	m, _ = step(t, m, keyMsg("2"), keyMsg("/"))
	if !m.rp.typing() {
		t.Fatalf("after 2 and /: typing() = false; want true")
	}
	for _, k := range []string{"q", "?", "w"} {
		m, _ = step(t, m, keyMsg(k))
		if m.focus != focusResult || !m.rp.typing() {
			t.Fatalf("key %q while searching: focus %v, typing %v; want the key typed", k, m.focus, m.rp.typing())
		}
	}
	if got := m.rp.body.Query(); got != "q?w" {
		t.Errorf("query = %q; want %q", got, "q?w")
	}
	m, _ = step(t, m, keyMsg("esc"))
	if m.rp.typing() || m.focus != focusResult || m.rp.body.Query() != "" {
		t.Errorf("esc in the field: typing %v, focus %v, query %q; want the field closed, the pane still focused", m.rp.typing(), m.focus, m.rp.body.Query())
	}
	m, _ = step(t, m, keyMsg("/"), keyMsg("B"), keyMsg("a"), keyMsg("d"), keyMsg("enter"))
	if v := view(m); !strings.Contains(v, "1/1") {
		t.Errorf("search for Bad: view lacks the counter 1/1:\n%s", v)
	}
}
