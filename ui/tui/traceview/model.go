// Package traceview is the Trace tab as a component: the steps a scheme
// took, with every value a student compares (the OAuth 1.0a signature base
// string, the JWT signing input, Digest's HA1/HA2/response, SigV4's
// canonical request and string to sign) on screen whole, hard-wrapped by
// characters at exactly the pane width so that joining a value's rows
// gives the value back, with the continuation marked in a gutter beside
// the text, never in it; the practice server's values beside the client's
// (ui.Compare), each row naming what the server's value is (ui.Side), and
// a summary that ticks only what was compared; n/p to walk through one
// step at a time; j/k to focus a value and c to copy it to the clipboard
// (OSC 52) while it stays on screen.
//
// Everything a server chose passes through ui/sanitize; trace values go
// through the one secret rule of ui/format, so a secret is copied, like it
// is shown, as its mask unless the user revealed secrets.
package traceview

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/tui/theme"
)

// wheelLines is how many lines one mouse wheel notch scrolls, as in the
// bubbles viewport.
const wheelLines = 3

// Model is the Trace view. It is a value, as in bubbles: Update and the
// setters return the changed copy. The layout is computed when the
// result, the size, the reveal toggle, the step or the focus changes,
// never per frame.
type Model struct {
	st     theme.Styles
	keys   KeyMap
	res    *authn.Result
	reveal bool
	// present is presenter mode: Live values (signatures) and the
	// practice server's credentials are masked, and no key to reveal
	// is named (ui/present.go).
	present bool
	w, h    int
	step    int // 0: the whole trace; k > 0: step k alone
	focus   int // index into doc.values
	y       int // first line shown
	notice  string
	warn    bool // the notice reports something not done
	doc     doc
}

// New returns an empty Trace view in the styles st that answers km. Give
// it a size with SetSize and a result with SetResult.
func New(st theme.Styles, km KeyMap) Model {
	return Model{st: st, keys: km}.render()
}

// KeyMap returns the bindings, for the parent's help.
func (m Model) KeyMap() KeyMap { return m.keys }

// SetStyles switches styles (the background colour arrived), keeping the
// place.
func (m Model) SetStyles(st theme.Styles) Model {
	m.st = st
	return m.render()
}

// SetSize sets the view to w cells by h lines; the last line is the
// status line (where the view is, or what was copied).
func (m Model) SetSize(w, h int) Model {
	if w == m.w && h == m.h {
		return m
	}
	m.w, m.h = max(w, 0), max(h, 0)
	return m.render().follow()
}

// SetResult shows res (nil: nothing sent), its secrets masked unless
// reveal, from the top of the whole trace, the focus on its first value
// (one the practice server disagrees with, when there is one). res is shown
// as given: pass it with its response secrets already masked
// (ui.MaskResponseSecrets).
func (m Model) SetResult(res *authn.Result, reveal bool) Model {
	m.res, m.reveal = res, reveal
	m.step, m.focus, m.y, m.notice = 0, 0, 0, ""
	return m.render()
}

// SetReveal shows (true) or masks the secrets of res, the same result as
// before masked or revealed (R), keeping the step, the focus and the
// place.
func (m Model) SetReveal(res *authn.Result, on bool) Model {
	m.res, m.reveal, m.notice = res, on, ""
	return m.render().follow()
}

// SetPresent switches presenter mode (see the present field): set it
// once, before the first result.
func (m Model) SetPresent(on bool) Model {
	m.present = on
	return m.render()
}

// view is how the trace is to be shown: revealed or masked, presenting.
func (m Model) view() mode { return mode{reveal: m.reveal && !m.present, present: m.present} }

// Step is the step shown alone (1-based), or 0 for the whole trace.
func (m Model) Step() int { return m.step }

// Focused returns the label and text of the focused value as shown (ok
// false when the view has none).
func (m Model) Focused() (label, text string, ok bool) {
	if m.focus < 0 || m.focus >= len(m.doc.values) {
		return "", "", false
	}
	v := m.doc.values[m.focus]
	return v.label, v.text, true
}

// Content is every line of the trace as laid out (not only the lines in
// view), joined by newlines, with the styles' escape sequences.
func (m Model) Content() string { return strings.Join(m.doc.lines, "\n") }

// YOffset is the first line shown.
func (m Model) YOffset() int { return m.y }

// body is the number of content lines shown (the status line aside).
func (m Model) body() int { return max(m.h-1, 0) }

// render lays the trace out again.
func (m Model) render() Model {
	m.doc = render(m.st, m.res, m.view(), m.w, m.step, m.focus)
	if m.focus >= len(m.doc.values) && len(m.doc.values) > 0 {
		m.focus = len(m.doc.values) - 1
		m.doc = render(m.st, m.res, m.view(), m.w, m.step, m.focus)
	}
	return m.scroll(m.y)
}

// Update handles the KeyMap's keys and the mouse wheel. Copy returns
// tea.SetClipboard; nothing else returns a command.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			return m.scrollBy(-wheelLines), nil
		case tea.MouseWheelDown:
			return m.scrollBy(wheelLines), nil
		}
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

func (m Model) key(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.keys
	page := max(m.body(), 1)
	switch {
	case key.Matches(msg, k.NextValue):
		return m.focusTo(m.focus + 1), nil
	case key.Matches(msg, k.PrevValue):
		return m.focusTo(m.focus - 1), nil
	case key.Matches(msg, k.Down):
		return m.scrollBy(1), nil
	case key.Matches(msg, k.Up):
		return m.scrollBy(-1), nil
	case key.Matches(msg, k.PageDown):
		return m.scrollBy(page), nil
	case key.Matches(msg, k.PageUp):
		return m.scrollBy(-page), nil
	case key.Matches(msg, k.Top):
		return m.scrollBy(-len(m.doc.lines)), nil
	case key.Matches(msg, k.Bottom):
		return m.scrollBy(len(m.doc.lines)), nil
	case key.Matches(msg, k.NextStep):
		return m.stepTo(m.step + 1), nil
	case key.Matches(msg, k.PrevStep):
		return m.stepTo(m.step - 1), nil
	case key.Matches(msg, k.All):
		return m.stepTo(0), nil
	case key.Matches(msg, k.Copy):
		return m.copy()
	}
	return m, nil
}

// copy puts the focused value on the clipboard as it is shown: a secret
// as its mask unless revealed, and the status line says which.
func (m Model) copy() (Model, tea.Cmd) {
	if m.focus >= len(m.doc.values) {
		m.notice, m.warn = "nothing to copy: this view has no values", true
		return m, nil
	}
	v := m.doc.values[m.focus]
	n := utf8.RuneCountInString(v.text)
	m.warn = v.masked
	switch {
	case v.masked && m.present:
		m.notice = fmt.Sprintf("copied %s as its mask (%d characters, OSC 52): presenter mode shows and copies no credential", v.label, n)
	case v.masked:
		m.notice = fmt.Sprintf("copied %s as its mask (%d characters, OSC 52): R reveals the value, then c copies it", v.label, n)
	default:
		m.notice = fmt.Sprintf("✓ copied %s (%d characters) to the clipboard (OSC 52)", v.label, n)
	}
	return m, tea.SetClipboard(v.text)
}

// steps is the number of trace steps.
func (m Model) steps() int {
	if m.res == nil {
		return 0
	}
	return len(m.res.Trace.Steps)
}

// stepTo shows step k alone (0: the whole trace); past either end it
// goes back to the whole trace.
func (m Model) stepTo(k int) Model {
	n := m.steps()
	if n == 0 {
		return m
	}
	switch {
	case k < 0:
		k = n
	case k > n:
		k = 0
	}
	m.step, m.focus, m.y, m.notice = k, 0, 0, ""
	return m.render()
}

// focusTo focuses value i (clamped) and scrolls it into sight.
func (m Model) focusTo(i int) Model {
	if len(m.doc.values) == 0 {
		return m
	}
	m.focus = max(min(i, len(m.doc.values)-1), 0)
	m.notice = ""
	return m.render().follow()
}

// follow scrolls so that the focused value is in sight: all of it when it
// fits, else its first rows.
func (m Model) follow() Model {
	if m.focus >= len(m.doc.values) {
		return m
	}
	v := m.doc.values[m.focus]
	page := max(m.body(), 1)
	y := m.y
	if v.end-y > page {
		y = v.end - page
	}
	if v.start < y || v.end-v.start > page {
		y = v.start
	}
	// a label above the value, when there is room for it
	if y == v.start && y > 0 && v.end-v.start < page {
		y--
	}
	return m.scroll(y)
}

// scrollBy moves the view d lines; a focused value that leaves the view
// hands the focus to the nearest value in sight, so c copies what the
// user sees.
func (m Model) scrollBy(d int) Model {
	m = m.scroll(m.y + d)
	if len(m.doc.values) == 0 || m.visible(m.focus) {
		return m
	}
	best := -1
	for i := range m.doc.values {
		if m.visible(i) {
			best = i
			if d < 0 { // scrolling up: the lowest one in sight
				continue
			}
			break
		}
	}
	if best >= 0 {
		m.focus, m.notice = best, ""
		m = m.render()
	}
	return m
}

// visible reports whether a row of value i is in the view.
func (m Model) visible(i int) bool {
	if i < 0 || i >= len(m.doc.values) {
		return false
	}
	v := m.doc.values[i]
	return v.start < m.y+m.body() && v.end > m.y
}

// scroll moves the first line shown to y, clamped.
func (m Model) scroll(y int) Model {
	m.y = max(min(y, len(m.doc.lines)-m.body()), 0)
	return m
}

// View renders exactly h lines, none wider than w cells (at least
// minWidth): the visible content, then the status line.
func (m Model) View() string {
	if m.h == 0 {
		return ""
	}
	out := make([]byte, 0, (m.w+16)*m.h)
	page := m.body()
	for i := range page {
		if j := m.y + i; j < len(m.doc.lines) {
			out = append(out, m.doc.lines[j]...)
		}
		out = append(out, '\n')
	}
	out = append(out, m.status()...)
	return string(out)
}

// status is the last line: what was copied, or where the view is and the
// keys that matter here.
func (m Model) status() string {
	w := max(m.w, 1)
	if m.notice != "" {
		st := m.st.OK
		if m.warn {
			st = m.st.Warn
		}
		return st.Render(cutLine(m.notice, w))
	}
	where := "whole trace"
	if m.step > 0 {
		where = fmt.Sprintf("step %d of %d", m.step, m.steps())
	}
	if n := len(m.doc.lines); n > m.body() && m.body() > 0 {
		where += fmt.Sprintf(" · %d%%", 100*m.y/max(n-m.body(), 1))
	}
	if len(m.doc.values) > 0 {
		where += fmt.Sprintf(" · value %d of %d", m.focus+1, len(m.doc.values))
	}
	k := m.keys
	keys := fmt.Sprintf("%s value · %s copy · %s steps", k.NextValue.Help().Key, k.Copy.Help().Key, k.NextStep.Help().Key)
	return m.st.Muted.Render(cutLine(where+" · "+keys, w))
}
