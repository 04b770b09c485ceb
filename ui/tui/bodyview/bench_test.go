package bodyview

import (
	"bytes"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/ui/tui/theme"
)

// BenchmarkScrollStep20MB measures one scroll step — an Update with a key
// and the View that follows — on a 20 MB JSON body at 120×40 with colour:
// the frame cost the issue bounds at 1 ms.
func BenchmarkScrollStep20MB(b *testing.B) {
	d := Prepare("application/json", bigJSON(b, 20<<20), false)
	for _, bc := range []struct {
		name string
		key  tea.KeyPressMsg
	}{{"down", keyDown}, {"pgdown", keyPgDown}} {
		b.Run(bc.name, func(b *testing.B) {
			m := colorModel(d, 120, 40)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if m.YOffset() == m.maxY() {
					m = m.scrollTo(0, 0)
				}
				m, _ = m.Update(bc.key)
				n += len(m.View())
			}
			if n == 0 {
				b.Fatal("empty views")
			}
		})
	}
}

// BenchmarkScrollStepLongLine measures a sideways step through a 20 MB
// body that is a single line (JSON with one huge string of escaped HTML,
// and text with wide runes), near its start and half way along it (about 8 million
// cells to the right).
func BenchmarkScrollStepLongLine(b *testing.B) {
	html := `<a href=\"/x\" title=\"Zoë 日本\">\\o/</a> `
	for _, bc := range []struct{ name, ct string }{{"json", "application/json"}, {"text", "text/plain"}} {
		body := bytes.Repeat([]byte("Zoë 日本 0123456789 "), (20<<20)/24)
		if bc.ct == "application/json" {
			// HTML inside a JSON string: quotes every few bytes,
			// each escaped, the worst case for finding string ends.
			body = bytes.Repeat([]byte(html), (20<<20)/len(html))
			body = append(append([]byte(`{"blob":"`), body...), `"}`...)
		}
		d := Prepare(bc.ct, body, false)
		for _, at := range []struct {
			name string
			x    func(m Model) int
		}{{"near", func(Model) int { return 3000 }}, {"middle", func(m Model) int { return m.maxX() / 2 }}} {
			b.Run(bc.name+"/"+at.name, func(b *testing.B) {
				m := colorModel(d, 120, 40)
				m = m.scrollTo(0, at.x(m))
				b.ReportAllocs()
				for b.Loop() {
					m, _ = m.Update(keyRight)
					m, _ = m.Update(keyLeft)
					_ = m.View()
				}
			})
		}
	}
}

// BenchmarkPrepare20MB measures the one-off cost of a 20 MB JSON body:
// pretty.Body plus the line index.
func BenchmarkPrepare20MB(b *testing.B) {
	body := bigJSON(b, 20<<20)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		Prepare("application/json", body, false)
	}
}

// BenchmarkWrappedScroll20MB measures a scroll step with soft wrap on (the
// default) on a 20 MB JSON body and on a 20 MB single-line text body at
// 120×40: an Update and the View that follows. Skipped under -short.
func BenchmarkWrappedScroll20MB(b *testing.B) {
	if testing.Short() {
		b.Skip("20 MB body")
	}
	for _, bc := range []struct {
		name, ct string
		body     []byte
	}{
		{"json", "application/json", bigJSON(b, 20<<20)},
		{"oneline-ascii", "text/plain", bytes.Repeat([]byte("0123456789abcdef"), (20<<20)/16)},
	} {
		d := Prepare(bc.ct, bc.body, false)
		for _, k := range []struct {
			name string
			key  tea.KeyPressMsg
		}{{"down", keyDown}, {"pgdown", keyPgDown}, {"end", keyEnd}} {
			b.Run(bc.name+"/"+k.name, func(b *testing.B) {
				m := New(theme.New(true, false), DefaultKeyMap()).SetSize(120, 40).SetDocument(d)
				b.ReportAllocs()
				for b.Loop() {
					prev := m
					m, _ = m.Update(k.key)
					if m.YOffset() == prev.YOffset() && m.ry == prev.ry {
						m = m.SetDocument(d)
					}
					_ = m.View()
				}
			})
		}
	}
}
