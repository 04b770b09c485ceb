package bodyview

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	gold "github.com/authlab/authlab/internal/golden"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// wrapBodies are the bodies of the wrap tests: content type and bytes.
func wrapBodies(tb testing.TB) []struct{ name, ct, body string } {
	b64 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("authlab\x00\xff"), 300))
	return []struct{ name, ct, body string }{
		{"json", "application/json", twitter},
		{"json-big", "application/json", string(bigJSON(tb, 3000))},
		{"xml", "application/xml", `<?xml version="1.0"?><fault><code>215</code><message lang="en">Bad Authentication data: the oauth_signature did not match the base string POST&amp;https%3A%2F%2Fapi.example.com%2F1.1%2Faccount%2Fverify_credentials.json&amp;oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog</message><empty/></fault>`},
		{"xml-malformed", "application/xml", "<a><b>unclosed</a>\r\n<c/>\r\n"},
		{"crlf", "text/plain", "HTTP says hello\r\nsecond line is a good deal longer than eighty columns so that it has to wrap at least once here\r\nlone\rCR\r\n"},
		{"base64", "text/plain", "token=" + b64 + "\n"},
		{"wide", "text/plain; charset=utf-8", strings.Repeat("認証に失敗しました🔑Zoë ", 30) + "\n\tTabbed\tline\twith\ttabs\n"},
	}
}

// TestWrapExact checks the wrap property: at every width, each row is at
// most w cells, no row ends in "…", and joining a line's rows (as shown,
// colour stripped) gives back the line exactly, wide runes never split.
func TestWrapExact(t *testing.T) {
	for _, bc := range wrapBodies(t) {
		d := Prepare(bc.ct, []byte(bc.body), false)
		for _, w := range []int{20, 80, 100, 160} {
			for i := range d.textLines() {
				line, simple := d.line(i)
				n := rowCount(line, simple, w)
				var joined []byte
				for k, b0 := 0, 0; k < n; k++ {
					b1 := wrapEnd(line, simple, b0, w)
					if b1 <= b0 && len(line) > 0 {
						t.Fatalf("%s w=%d line %d row %d: empty row at %d", bc.name, w, i, k, b0)
					}
					if got := rowStart(line, simple, k, w); got != b0 {
						t.Fatalf("%s w=%d: rowStart(line %d, %d) = %d; want %d", bc.name, w, i, k, got, b0)
					}
					var r renderer
					r.renderRow(line, b0, b1, w, modePlain, lexer{}, nil)
					if cw := ansi.StringWidth(r.b.String()); cw > w {
						t.Errorf("%s w=%d line %d row %d = %q is %d cells; want ≤ %d", bc.name, w, i, k, r.b.String(), cw, w)
					}
					joined = append(joined, line[b0:b1]...)
					b0 = b1
				}
				if !bytes.Equal(joined, line) {
					t.Errorf("%s w=%d: rows of line %d join to %q; want %q", bc.name, w, i, joined, line)
				}
			}
			// The whole view, scrolled row by row to the bottom,
			// shows every character of the body text.
			m := New(theme.New(true, true), DefaultKeyMap()).SetSize(w, 2).SetDocument(d)
			var shown strings.Builder
			for step := 0; ; step++ {
				v := m.View()
				row := strings.Split(v, "\n")[0]
				if strings.HasSuffix(row, ellipsis) && !strings.Contains(bc.body, ellipsis) {
					t.Fatalf("%s w=%d: wrapped row %q ends in …", bc.name, w, row)
				}
				shown.WriteString(row)
				next, _ := m.Update(keyDown)
				if next.YOffset() == m.YOffset() && next.ry == m.ry {
					break
				}
				m = next
			}
			want := strings.ReplaceAll(strings.ReplaceAll(string(d.text), "\n", ""), "\t", "")
			got := strings.ReplaceAll(shown.String(), " ", "")
			if got != strings.ReplaceAll(want, " ", "") {
				t.Errorf("%s w=%d: scrolling the wrapped view shows %q; want %q", bc.name, w, got, want)
			}
		}
	}
}

// TestWrapToggle checks that w switches wrap, that ←/→ scroll only when
// wrap is off, and that the footer says which.
func TestWrapToggle(t *testing.T) {
	d := Prepare("text/html", longText(), false)
	m := New(theme.New(true, true), DefaultKeyMap()).SetSize(80, 24).SetDocument(d)
	if !m.Wrapped() {
		t.Fatalf("New().Wrapped() = false; want wrap on by default")
	}
	if m, _ = m.Update(keyRight); m.XOffset() != 0 {
		t.Errorf("right with wrap on: XOffset = %d; want 0", m.XOffset())
	}
	m, _ = m.Update(keyRune('w'))
	if m.Wrapped() {
		t.Fatalf("after w: Wrapped() = true; want false")
	}
	if m, _ = m.Update(keyRight); m.XOffset() != 20 {
		t.Errorf("right with wrap off: XOffset = %d; want 20", m.XOffset())
	}
	if last := strings.Split(m.View(), "\n")[23]; !strings.Contains(last, "wrap off") {
		t.Errorf("footer = %q; want it to say wrap off", last)
	}
}

// TestCopy checks that c returns an OSC 52 clipboard command with the
// Document's text and a status message, and refuses empty and binary bodies.
func TestCopy(t *testing.T) {
	tests := []struct {
		name, ct, body, status string
		clip                   bool
	}{
		{"json", "application/json", twitter, "copied 97 B to the clipboard", true},
		{"empty", "application/json", "", "nothing to copy: the body is empty", false},
		{"binary", "image/png", "\x89PNG\r\n", "a binary body is not copied", false},
	}
	for _, tc := range tests {
		d := Prepare(tc.ct, []byte(tc.body), false)
		m := New(theme.New(true, true), DefaultKeyMap()).SetSize(80, 24).SetDocument(d)
		m, cmd := m.Update(keyRune('c'))
		if cmd == nil {
			t.Fatalf("%s: Update(c) returned no command", tc.name)
		}
		var msgs []tea.Msg
		switch msg := cmd().(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				msgs = append(msgs, c())
			}
		default:
			msgs = append(msgs, msg)
		}
		var status string
		clip := false
		for _, msg := range msgs {
			if s, ok := msg.(StatusMsg); ok {
				status = s.Text
			} else if msg != nil {
				// tea.SetClipboard's message type is unexported; it
				// prints as the text it sets.
				clip = strings.Contains(ansi.Strip(strings.TrimSpace(toString(msg))), `"code": 215`) || clip
			}
		}
		if status != tc.status || clip != tc.clip {
			t.Errorf("%s: Update(c) status %q, clipboard %v; want %q, %v", tc.name, status, clip, tc.status, tc.clip)
		}
		if last := strings.Split(m.View(), "\n")[23]; last != tc.status {
			t.Errorf("%s: footer after c = %q; want %q", tc.name, last, tc.status)
		}
	}
}

// TestGoldenWrap renders the wrap bodies, wrapped and not, at the sizes
// the issue names.
func TestGoldenWrap(t *testing.T) {
	for _, bc := range wrapBodies(t) {
		d := Prepare(bc.ct, []byte(bc.body), false)
		for _, size := range [][2]int{{80, 24}, {100, 30}, {160, 45}} {
			w, h := size[0], size[1]
			for _, wrap := range []bool{true, false} {
				m := New(theme.New(true, false), DefaultKeyMap()).SetSize(w, h).SetDocument(d).SetWrap(wrap)
				view := m.View()
				checkFrame(t, view, w, h)
				name := "wrap-" + bc.name + "-" + strconv.Itoa(w) + "x" + strconv.Itoa(h)
				if !wrap {
					name = "cut-" + bc.name + "-" + strconv.Itoa(w) + "x" + strconv.Itoa(h)
				}
				gold.Assert(t, name, ansi.Strip(view))
			}
		}
	}
}

// toString formats a message the way fmt's %v does.
func toString(msg tea.Msg) string { return fmt.Sprintf("%v", msg) }
