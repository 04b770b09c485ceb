package traceview

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkKeyToFrame is one key and the frame after it on the Trace tab
// of a failed OAuth 1.0a login (44 values): j re-lays the trace out (the
// focus bar moves), ↓ only scrolls.
func BenchmarkKeyToFrame(b *testing.B) {
	res := twitterVerify(b, "wrong-token-secret")
	for _, k := range []struct {
		name string
		msg  tea.KeyPressMsg
	}{{"j", tea.KeyPressMsg{Code: 'j', Text: "j"}}, {"down", tea.KeyPressMsg{Code: tea.KeyDown}}} {
		b.Run(k.name, func(b *testing.B) {
			m := newView(80, 24).SetResult(res, false)
			for b.Loop() {
				m, _ = m.Update(k.msg)
				_ = m.View()
				if m.focus == len(m.doc.values)-1 || m.y == len(m.doc.lines)-m.body() {
					m = m.SetResult(res, false)
				}
			}
		})
	}
}
