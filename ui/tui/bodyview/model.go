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
//
// Search (/) looks for a literal, case-insensitive string in that same
// text, the sanitized text the user sees, never the raw bytes: one scan
// per change of the query (about 15-20 ms on 20 MB), collecting at most
// maxMatches matches as text offsets. A frame finds the matches of each
// visible line by binary search and only splits the runs it writes, so
// highlighting adds nothing proportional to the body either.
package bodyview

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authlab/authlab/ui/pretty"
	"github.com/authlab/authlab/ui/sanitize"
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
	ry   int    // wrapped: the first row shown of line y
	wrap bool   // soft wrap (on by default); ←/→ scroll only when off
	msg  string // a short status (after a copy) shown in the footer until the next key
	bare bool   // no footer row (SetFooter(false))
	// Search (/): the field while it is open, and the matches, which
	// stay highlighted after it closes until cleared.
	input  textinput.Model
	typing bool
	find   search
}

// StatusMsg is a short status the viewer reports ("copied 1.2 KiB"), for
// the root's status line; the viewer's own footer shows it too.
type StatusMsg struct{ Text string }

// New returns an empty viewer (showing "(empty body)") that colours JSON
// with st's JSON styles and its markers with st.Muted, and answers km.
// Give it a size with SetSize and a body with SetDocument.
func New(st theme.Styles, km KeyMap) Model {
	return Model{keys: km, pal: newPalette(st), wrap: true, input: newSearchInput(st)}
}

// newSearchInput returns the search field, styled from the theme. Its
// cursor does not blink: a blink is a timer message the parent would have
// to route back, and a steady cursor keeps the view a function of the keys.
func newSearchInput(st theme.Styles) textinput.Model {
	in := textinput.New()
	in.Prompt = "/"
	s := st.Input()
	s.Cursor.Blink = false
	in.SetStyles(s)
	return in
}

// Typing reports whether the search field is open: the parent then
// passes every key to the viewer, since they are text.
func (m Model) Typing() bool { return m.typing }

// Query returns the search text ("" when there is no search).
func (m Model) Query() string { return m.find.query }

// KeyMap returns the viewer's keys, for the root's help.
func (m Model) KeyMap() KeyMap { return m.keys }

// Wrapped reports whether soft wrap is on.
func (m Model) Wrapped() bool { return m.wrap }

// SetWrap turns soft wrap on or off.
func (m Model) SetWrap(on bool) Model {
	m.wrap, m.ry, m.x = on, 0, 0
	return m.scrollTo(m.y, 0)
}

// SetFooter shows (the default) or hides the footer row with the wrap
// state, the copy key and the copy status, for a parent that shows them
// itself.
func (m Model) SetFooter(on bool) Model {
	m.bare = !on
	return m.scrollTo(m.y, m.x)
}

// content is the number of rows for the body: one row is the footer
// (keys, status) when the window has at least two.
func (m Model) content() int {
	if m.h >= 2 && !m.bare {
		return m.h - 1
	}
	return m.h
}

// lineAt returns line i of what is shown (body lines, the marker, or the
// placeholder of an empty body) and how it is coloured.
func (m Model) lineAt(i int) (ln []byte, simple bool, md mode) {
	n, nText := m.doc.Lines(), m.doc.textLines()
	switch {
	case n == 0:
		return []byte(placeholder), true, modeMuted
	case i < nText:
		ln, simple = m.doc.line(i)
		switch m.doc.kind {
		case pretty.JSON:
			return ln, simple, modeJSON
		case pretty.Binary:
			return ln, simple, modeMuted
		}
		return ln, simple, modePlain
	}
	return m.doc.marker, false, modeMuted
}

// shown is the number of lines lineAt has.
func (m Model) shown() int { return max(m.doc.Lines(), 1) }

// rows is how many wrapped rows line i takes.
func (m Model) rows(i int) int {
	ln, simple, _ := m.lineAt(i)
	return rowCount(ln, simple, m.w)
}

// down moves the wrapped position (y, ry) n rows down, stopping at the
// last row; up moves it up.
func (m Model) down(y, ry, n int) (int, int) {
	for ; n > 0; n-- {
		switch {
		case ry+1 < m.rows(y):
			ry++
		case y+1 < m.shown():
			y, ry = y+1, 0
		default:
			return y, ry
		}
	}
	return y, ry
}

func (m Model) up(y, ry, n int) (int, int) {
	for ; n > 0; n-- {
		switch {
		case ry > 0:
			ry--
		case y > 0:
			y--
			ry = m.rows(y) - 1
		default:
			return y, ry
		}
	}
	return y, ry
}

// bottom is the wrapped position that puts the last row at the bottom of
// the window: O(window) rows, however long the body.
func (m Model) bottom() (int, int) {
	y := m.shown() - 1
	return m.up(y, m.rows(y)-1, max(m.content()-1, 0))
}

// SetStyles switches to new styles (the terminal's background colour
// arrived), keeping the document and the scroll position.
func (m Model) SetStyles(st theme.Styles) Model {
	m.pal = newPalette(st)
	s := st.Input()
	s.Cursor.Blink = false
	m.input.SetStyles(s)
	return m
}

// SetSize sets the window to w cells by h lines (negative counts as 0) and
// clamps the offsets to the new size.
func (m Model) SetSize(w, h int) Model {
	m.w, m.h = max(w, 0), max(h, 0)
	m.input.SetWidth(max(m.w-len("/ 10000/10000+ ")-1, 1))
	return m.scrollTo(m.y, m.x)
}

// SetDocument shows d from its top-left corner.
func (m Model) SetDocument(d Document) Model {
	m.doc = d
	m.y, m.x, m.ry, m.msg = 0, 0, 0, ""
	m.find, m.typing = search{}, false
	m.input.Reset()
	m.input.Blur()
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
	if m.wrap {
		by, bry := m.bottom()
		if m.y > by || m.y == by && m.ry >= bry {
			return 1
		}
		return float64(m.y) / float64(max(by, 1))
	}
	maxY := m.maxY()
	if maxY == 0 {
		return 1
	}
	return float64(m.y) / float64(maxY)
}

// maxY is the largest y offset: the one that puts the last line at the
// bottom of the window.
func (m Model) maxY() int { return max(m.doc.Lines()-m.content(), 0) }

// maxX is the largest x offset: the one that puts the end of the widest
// line at the right edge.
func (m Model) maxX() int { return max(m.doc.maxWidth-m.w, 0) }

// scrollTo moves the window to (y, x), clamped to the document.
func (m Model) scrollTo(y, x int) Model {
	if m.wrap {
		return m.scrollRow(y, m.ry)
	}
	m.y = max(min(y, m.maxY()), 0)
	m.x = max(min(x, m.maxX()), 0)
	return m
}

// scrollRow moves the wrapped window to row ry of line y, clamped so that
// the last row never rises above the bottom of the window.
func (m Model) scrollRow(y, ry int) Model {
	y = max(min(y, m.shown()-1), 0)
	ry = max(min(ry, m.rows(y)-1), 0)
	if by, bry := m.bottom(); y > by || y == by && ry > bry {
		y, ry = by, bry
	}
	m.y, m.ry, m.x = y, ry, 0
	return m
}

// scrollBy moves the window n lines (rows, when wrapped) down, or up for
// a negative n.
func (m Model) scrollBy(n int) Model {
	if !m.wrap {
		return m.scrollTo(m.y+n, m.x)
	}
	y, ry := m.y, m.ry
	if n > 0 {
		y, ry = m.down(y, ry, n)
	} else {
		y, ry = m.up(y, ry, -n)
	}
	return m.scrollRow(y, ry)
}

// hStep is how far one sideways step moves: a quarter of the width, so
// that a long line can be read a few steps at a time and each step keeps
// three quarters of the text in view.
func (m Model) hStep() int { return max(m.w/4, 1) }

// Update scrolls on the KeyMap's keys and on the mouse wheel (with shift,
// or tilted, sideways), and searches: while the search field is open every
// key and paste edits it, and the matches follow each change. Its only
// commands are the clipboard's and the status; other messages are ignored.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if m.typing {
			// Escaped, not dropped, so that what was pasted shows.
			msg.Content = sanitize.Line(msg.Content)
			return m.edit(msg)
		}
	case tea.KeyPressMsg:
		m.msg = ""
		ks := keystroke(msg.String())
		k := m.keys
		switch {
		case m.typing:
			return m.typeKey(msg, ks)
		case key.Matches(ks, k.Copy):
			return m.copy()
		case key.Matches(ks, k.Search):
			m.typing, m.find = true, search{}
			m.input.Reset()
			return m, m.input.Focus()
		case key.Matches(ks, k.Next):
			return m.step(+1), nil
		case key.Matches(ks, k.Prev):
			return m.step(-1), nil
		case key.Matches(ks, k.Clear) && m.find.query != "":
			m.find = search{}
			return m, nil
		}
		return m.key(msg), nil
	case tea.MouseWheelMsg:
		x := m.x
		switch horizontal := msg.Mod.Contains(tea.ModShift); {
		case msg.Button == tea.MouseWheelUp && !horizontal:
			return m.scrollBy(-wheelLines), nil
		case msg.Button == tea.MouseWheelDown && !horizontal:
			return m.scrollBy(wheelLines), nil
		case m.wrap:
			return m, nil
		case msg.Button == tea.MouseWheelLeft, msg.Button == tea.MouseWheelUp:
			x -= m.hStep()
		case msg.Button == tea.MouseWheelRight, msg.Button == tea.MouseWheelDown:
			x += m.hStep()
		}
		return m.scrollTo(m.y, x), nil
	}
	return m, nil
}

// typeKey handles a key press while the search field is open: esc closes
// it and clears the search, enter closes it and keeps the matches, and any
// other key edits the text.
func (m Model) typeKey(msg tea.KeyPressMsg, ks keystroke) (Model, tea.Cmd) {
	switch {
	case key.Matches(ks, m.keys.Clear):
		m.typing, m.find = false, search{}
		m.input.Blur()
		return m, nil
	case key.Matches(ks, m.keys.Accept):
		m.typing = false
		m.input.Blur()
		return m, nil
	}
	return m.edit(msg)
}

// edit passes msg to the search field and searches again if its text
// changed. The text is sanitized as body text is (sanitize.Line), so that
// it shows escaped and matches what the body shows.
func (m Model) edit(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if v := m.input.Value(); sanitize.Line(v) != v {
		m.input.SetValue(sanitize.Line(v))
	}
	return m.setQuery(m.input.Value()), cmd
}

// keystroke is a key press's name ("down", "ctrl+d", "G"), worked out once
// per message: key.Matches would otherwise build it again for each binding.
type keystroke string

// String returns the name, for key.Matches.
func (k keystroke) String() string { return string(k) }

// key handles one key press.
func (m Model) key(press tea.KeyPressMsg) Model {
	k, msg := m.keys, keystroke(press.String())
	hc := m.content()
	switch {
	case key.Matches(msg, k.Down):
		return m.scrollBy(1)
	case key.Matches(msg, k.Up):
		return m.scrollBy(-1)
	case key.Matches(msg, k.PageDown):
		return m.scrollBy(max(hc, 1))
	case key.Matches(msg, k.PageUp):
		return m.scrollBy(-max(hc, 1))
	case key.Matches(msg, k.HalfDown):
		return m.scrollBy(max(hc/2, 1))
	case key.Matches(msg, k.HalfUp):
		return m.scrollBy(-max(hc/2, 1))
	case key.Matches(msg, k.Top):
		m.ry = 0
		return m.scrollTo(0, m.x)
	case key.Matches(msg, k.Bottom):
		if m.wrap {
			y, ry := m.bottom()
			return m.scrollRow(y, ry)
		}
		return m.scrollTo(m.maxY(), m.x)
	case key.Matches(msg, k.Wrap):
		return m.SetWrap(!m.wrap)
	case key.Matches(msg, k.Left) && !m.wrap:
		return m.scrollTo(m.y, m.x-m.hStep())
	case key.Matches(msg, k.Right) && !m.wrap:
		return m.scrollTo(m.y, m.x+m.hStep())
	}
	return m
}

// copy puts the body as shown (the Document's text: masked unless the
// pane shows the revealed Document) on the clipboard with OSC 52, and
// reports it.
func (m Model) copy() (Model, tea.Cmd) {
	switch {
	case m.doc.kind == pretty.Empty || len(m.doc.text) == 0:
		m.msg = "nothing to copy: the body is empty"
	case m.doc.kind == pretty.Binary:
		m.msg = "a binary body is not copied"
	default:
		m.msg = "copied " + pretty.HumanSize(int64(len(m.doc.text))) + " to the clipboard"
		status := StatusMsg{m.msg}
		return m, tea.Batch(tea.SetClipboard(string(m.doc.text)), func() tea.Msg { return status })
	}
	status := StatusMsg{m.msg}
	return m, func() tea.Msg { return status }
}

// View renders the window: exactly h lines joined by newlines, each at
// most w cells wide and not padded; with h ≥ 2 the last is a footer
// (a status, or the keys for wrap and copy). Wrapped, each line is cut into
// rows at grapheme cluster boundaries with nothing dropped; unwrapped,
// lines cut by the window's edges show "…" there. Only the visible lines
// are read, and of each only the visible part is measured and coloured.
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
	hc := m.content()
	if m.wrap {
		m.viewWrapped(&r, hc)
	} else {
		m.viewCut(&r, hc)
	}
	if hc < m.h {
		r.b.WriteByte('\n')
		if m.typing {
			c := ""
			if m.find.query != "" {
				c = " " + m.find.counter()
			}
			r.b.WriteString(ansi.Truncate(m.input.View()+r.p[muted].on+c+r.p[muted].off, m.w, ellipsis))
		} else {
			r.set(muted)
			r.b.WriteString(ansi.Truncate(m.footer(), m.w, ellipsis))
			r.set(plain)
		}
	}
	return r.b.String()
}

// footer is the last row: the status after a copy, or the keys.
func (m Model) footer() string {
	if m.msg != "" {
		return m.msg
	}
	k := m.keys
	if m.find.query != "" {
		return "/" + m.find.query + " " + m.find.counter() + " · " + k.Next.Help().Key + " " + k.Next.Help().Desc + " · " + k.Clear.Help().Key + " clear"
	}
	state := "wrap off"
	if m.wrap {
		state = "wrap on"
	}
	return k.Wrap.Help().Key + " " + state + " · " + k.Copy.Help().Key + " " + k.Copy.Help().Desc
}

// lexAt returns the lexer state at the start of JSON line i and its saved
// states if it is long.
func (m Model) lexAt(i int, line []byte) (lexer, []lexMark) {
	if i >= m.doc.textLines() {
		return lexer{}, nil
	}
	if len(line) > longLine {
		return lexerFor(m.doc.longKey(i)), m.doc.lex[int32(i)]
	}
	return lexerFor(startsWithKey(line)), nil
}

// viewWrapped writes hc wrapped rows from row ry of line y.
func (m Model) viewWrapped(r *renderer, hc int) {
	y, ry := m.y, m.ry
	line, simple, md := m.lineAt(y)
	m.setMatches(r, y)
	b0 := rowStart(line, simple, ry, m.w)
	for row := range hc {
		if row > 0 {
			r.b.WriteByte('\n')
		}
		if y >= m.shown() {
			continue
		}
		b1 := wrapEnd(line, simple, b0, m.w)
		var st lexer
		var lex []lexMark
		if md == modeJSON {
			st, lex = m.lexAt(y, line)
		}
		r.renderRow(line, b0, b1, m.w, md, st, lex)
		b0 = b1
		if b0 >= len(line) {
			y++
			if y < m.shown() {
				line, simple, md = m.lineAt(y)
				m.setMatches(r, y)
			}
			b0 = 0
		}
	}
}

// viewCut writes hc lines cut to columns [x, x+w).
func (m Model) viewCut(r *renderer, hc int) {
	n, nText := m.doc.Lines(), m.doc.textLines()
	for row := range hc {
		if row > 0 {
			r.b.WriteByte('\n')
		}
		i := m.y + row
		switch {
		case n == 0 && row == 0:
			r.render([]byte(placeholder), true, nil, 0, m.w, modeMuted, lexer{}, nil)
		case i < nText:
			line, simple, md := m.lineAt(i)
			m.setMatches(r, i)
			var marks []mark
			if len(line) > longLine {
				marks = m.doc.marks[int32(i)]
			}
			var st lexer
			var lex []lexMark
			if md == modeJSON {
				st, lex = m.lexAt(i, line)
			}
			r.render(line, simple, marks, m.x, m.w, md, st, lex)
		case i < n:
			r.setMatches(nil, 0, -1)
			r.render(m.doc.marker, false, nil, m.x, m.w, modeMuted, lexer{}, nil)
		}
	}
}

// setMatches gives r the search matches on line i (none on the marker or
// placeholder).
func (m Model) setMatches(r *renderer, i int) {
	spans, first := m.lineSpans(i)
	if len(spans) == 0 {
		r.setMatches(nil, 0, -1)
		return
	}
	r.setMatches(spans, int(m.doc.starts[i]), m.find.cur-first)
}
