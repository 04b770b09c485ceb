// Package bodyview is the TUI's scrollable response-body viewer, built to
// stay responsive on a 20 MB body.
//
// The work is split in two. [Prepare] runs once per response, inside a
// tea.Cmd: it renders the body with pretty.Body (sanitizing it first, and
// indenting JSON without colour) and indexes where each line starts; for
// the rare line longer than 4 KiB it also saves where every 1024th cell
// starts and the JSON lexer's state every 4 KiB. The [Model] then does,
// per frame, only what is on screen: it slices the visible lines out of
// the text by their offsets, finds the visible columns of each from the
// nearest saved place (at once for plain ASCII), and highlights JSON there
// with the theme's styles. A scroll step therefore costs O(visible lines ×
// width) however large the body and however long its lines — about 20 µs
// at 120×40 on a 20 MB body — and colour never has to be stripped or
// carried across lines.
//
// Every escape sequence in the output is an SGR colour code from the theme:
// the text was sanitized before any styling, and highlighting only ever
// wraps runs of it, so removing the SGR codes from a rendered line gives
// back exactly the plain text of that line.
package bodyview

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/authlab/authlab/ui/pretty"
	"github.com/authlab/authlab/ui/tui/theme"
)

// wheelLines is how many lines one mouse wheel notch scrolls, as in the
// bubbles viewport.
const wheelLines = 3

// placeholder is shown for an empty body, so that an empty pane is not
// mistaken for one still loading.
const placeholder = "(empty body)"

// Model is the body viewer: a Document, a window of w×h cells onto it, and
// the scroll offsets of that window. It is a value, as in bubbles: Update
// and the setters return the changed copy. Offsets are clamped at every
// change so that the last line never scrolls above the bottom of the
// window and no offset goes negative.
type Model struct {
	doc  Document
	keys KeyMap
	pal  palette
	w, h int
	y, x int
}

// New returns an empty viewer (showing "(empty body)") that colours JSON
// with st's JSON styles and its markers with st.Muted, and answers km.
// Give it a size with SetSize and a body with SetDocument.
func New(st theme.Styles, km KeyMap) Model {
	return Model{keys: km, pal: newPalette(st)}
}

// SetStyles switches to new styles (the terminal's background colour
// arrived), keeping the document and the scroll position.
func (m Model) SetStyles(st theme.Styles) Model {
	m.pal = newPalette(st)
	return m
}

// SetSize sets the window to w cells by h lines (negative counts as 0) and
// clamps the offsets to the new size.
func (m Model) SetSize(w, h int) Model {
	m.w, m.h = max(w, 0), max(h, 0)
	return m.scrollTo(m.y, m.x)
}

// SetDocument shows d from its top-left corner.
func (m Model) SetDocument(d Document) Model {
	m.doc = d
	m.y, m.x = 0, 0
	return m
}

// Document returns the document being shown.
func (m Model) Document() Document { return m.doc }

// YOffset returns the index of the first line shown.
func (m Model) YOffset() int { return m.y }

// XOffset returns the first column (in cells) shown.
func (m Model) XOffset() int { return m.x }

// ScrollPercent returns how far down the document the window is, from 0
// (top) to 1 (bottom, or the whole document fits), for a status line.
func (m Model) ScrollPercent() float64 {
	maxY := m.maxY()
	if maxY == 0 {
		return 1
	}
	return float64(m.y) / float64(maxY)
}

// maxY is the largest y offset: the one that puts the last line at the
// bottom of the window.
func (m Model) maxY() int { return max(m.doc.Lines()-m.h, 0) }

// maxX is the largest x offset: the one that puts the end of the widest
// line at the right edge.
func (m Model) maxX() int { return max(m.doc.maxWidth-m.w, 0) }

// scrollTo moves the window to (y, x), clamped to the document.
func (m Model) scrollTo(y, x int) Model {
	m.y = max(min(y, m.maxY()), 0)
	m.x = max(min(x, m.maxX()), 0)
	return m
}

// hStep is how far one sideways step moves: a quarter of the width, so
// that a long line can be read a few steps at a time and each step keeps
// three quarters of the text in view.
func (m Model) hStep() int { return max(m.w/4, 1) }

// Update scrolls on the KeyMap's keys and on the mouse wheel (with shift,
// or tilted, sideways). It never returns a command; other messages are
// ignored.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.key(msg), nil
	case tea.MouseWheelMsg:
		y, x := m.y, m.x
		switch horizontal := msg.Mod.Contains(tea.ModShift); {
		case msg.Button == tea.MouseWheelUp && !horizontal:
			y -= wheelLines
		case msg.Button == tea.MouseWheelDown && !horizontal:
			y += wheelLines
		case msg.Button == tea.MouseWheelLeft, msg.Button == tea.MouseWheelUp:
			x -= m.hStep()
		case msg.Button == tea.MouseWheelRight, msg.Button == tea.MouseWheelDown:
			x += m.hStep()
		}
		return m.scrollTo(y, x), nil
	}
	return m, nil
}

// keystroke is a key press's name ("down", "ctrl+d", "G"), worked out once
// per message: key.Matches would otherwise build it again for each binding.
type keystroke string

// String returns the name, for key.Matches.
func (k keystroke) String() string { return string(k) }

// key handles one key press.
func (m Model) key(press tea.KeyPressMsg) Model {
	k, msg := m.keys, keystroke(press.String())
	y, x := m.y, m.x
	switch {
	case key.Matches(msg, k.Down):
		y++
	case key.Matches(msg, k.Up):
		y--
	case key.Matches(msg, k.PageDown):
		y += max(m.h, 1)
	case key.Matches(msg, k.PageUp):
		y -= max(m.h, 1)
	case key.Matches(msg, k.HalfDown):
		y += max(m.h/2, 1)
	case key.Matches(msg, k.HalfUp):
		y -= max(m.h/2, 1)
	case key.Matches(msg, k.Top):
		y = 0
	case key.Matches(msg, k.Bottom):
		y = m.maxY()
	case key.Matches(msg, k.Left):
		x -= m.hStep()
	case key.Matches(msg, k.Right):
		x += m.hStep()
	default:
		return m
	}
	return m.scrollTo(y, x)
}

// View renders the window: exactly h lines joined by newlines, each at
// most w cells wide and not padded. Lines cut by the window's edges show
// "…" there. Only the visible lines are read, and of each only the
// visible columns are measured and coloured.
func (m Model) View() string {
	if m.h == 0 {
		return ""
	}
	color := 1
	if m.doc.kind == pretty.JSON {
		color = 3 // SGR codes roughly double a highlighted line
	}
	r := renderer{p: m.pal}
	r.b.Grow(m.h * (color*m.w + 16))
	n, nText := m.doc.Lines(), m.doc.textLines()
	for row := range m.h {
		if row > 0 {
			r.b.WriteByte('\n')
		}
		i := m.y + row
		switch {
		case n == 0 && row == 0:
			r.render([]byte(placeholder), true, nil, 0, m.w, modeMuted, lexer{}, nil)
		case i < nText:
			line, simple := m.doc.line(i)
			var marks []mark
			var lex []lexMark
			if len(line) > longLine {
				marks, lex = m.doc.marks[int32(i)], m.doc.lex[int32(i)]
			}
			switch m.doc.kind {
			case pretty.JSON:
				key := m.doc.longKey(i)
				if len(line) <= longLine {
					key = startsWithKey(line)
				}
				r.render(line, simple, marks, m.x, m.w, modeJSON, lexerFor(key), lex)
			case pretty.Binary:
				r.render(line, simple, marks, m.x, m.w, modeMuted, lexer{}, nil)
			default:
				r.render(line, simple, marks, m.x, m.w, modePlain, lexer{}, nil)
			}
		case i < n:
			r.render(m.doc.marker, false, nil, m.x, m.w, modeMuted, lexer{}, nil)
		}
	}
	return r.b.String()
}
