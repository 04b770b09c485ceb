package tui

import (
	"fmt"
	"strings"
	"testing"
)

// The Trace tab passes its keys to traceview: j focuses the next value, c
// copies it through OSC 52 (masked until R), n steps through one step;
// the root's keys (1-5, R) still work there.
func TestTraceTabKeys(t *testing.T) {
	m := twitterResult(t, sizes[0], false)
	if m.focus != focusResult {
		m, _ = step(t, m, keyMsg("shift+tab"))
	}
	m, _ = step(t, m, keyMsg("4"))
	m, _ = step(t, m, keyMsg("j"))
	label, text, ok := m.rp.trace.Focused()
	if !ok || label != "oauth_token" {
		t.Fatalf("after j the focused value is %q (ok %v); want oauth_token", label, ok)
	}
	m, cmd := step(t, m, keyMsg("c"))
	if cmd == nil {
		t.Fatal("c on the Trace tab returned no command")
	}
	msg := cmd()
	if !strings.Contains(fmt.Sprintf("%T", msg), "Clipboard") || fmt.Sprint(msg) != text {
		t.Errorf("c gave %T %q; want tea.SetClipboard(%q)", msg, fmt.Sprint(msg), text)
	}
	if v := view(m); !strings.Contains(v, "copied oauth_token") || !strings.Contains(v, text) {
		t.Errorf("after c the view does not say what was copied, or lost the value:\n%s", v)
	}
	m, _ = step(t, m, keyMsg("n"))
	if m.rp.trace.Step() != 1 || !strings.Contains(view(m), "step 1 of") {
		t.Errorf("n on the Trace tab: step %d; want 1:\n%s", m.rp.trace.Step(), view(m))
	}
	// R keeps the step and reveals in place
	m, _ = step(t, m, keyMsg("R"))
	if m.rp.trace.Step() != 1 || !strings.Contains(view(m), "secrets revealed") {
		t.Errorf("R on the Trace tab: step %d; want 1 kept, secrets revealed:\n%s", m.rp.trace.Step(), view(m))
	}
	m, _ = step(t, m, keyMsg("1"))
	if m.rp.tab != tabResponse {
		t.Errorf("1 on the Trace tab: tab %d; want the Response tab", m.rp.tab)
	}
}
