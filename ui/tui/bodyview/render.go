package bodyview

import (
	"bytes"
	"sort"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// tabWidth is the distance between tab stops, as in a terminal. Tabs (the
// only control byte sanitized text keeps besides newline) are expanded to
// spaces, since a raw tab would move the cursor by a width the frame
// around the pane cannot know.
const tabWidth = 8

// ellipsis marks a line cut at the left or right edge of the window.
const ellipsis = "…"

// class is what a run of a line is, for colouring.
type class uint8

const (
	plain class = iota
	muted       // markers, placeholder, binary summary
	jsonKey
	jsonString
	jsonNumber
	jsonBool
	jsonNull
	jsonPunct
	matchOther // a search match
	matchCur   // the current search match
	nClass
)

// sgr is the pair of escape sequences that switch a class's style on and
// off. Both are empty for a style that sets nothing (theme.NoColor).
type sgr struct{ on, off string }

// palette holds the SGR pairs of every class, taken once from the theme
// in New: rendering a lipgloss style per token would cost microseconds
// each, far too much for a frame budget measured in tens of microseconds.
type palette [nClass]sgr

// newPalette extracts the SGR codes of the theme's styles.
func newPalette(st theme.Styles) palette {
	var p palette
	for c, s := range map[class]lipgloss.Style{
		muted:      st.Muted,
		jsonKey:    st.JSONKey,
		jsonString: st.JSONString,
		jsonNumber: st.JSONNumber,
		jsonBool:   st.JSONBool,
		jsonNull:   st.JSONNull,
		jsonPunct:  st.JSONPunct,
		matchOther: st.Info.Reverse(true),
		matchCur:   st.Warn.Reverse(true).Bold(true).Underline(true),
	} {
		p[c] = styleSGR(s)
	}
	return p
}

// styleSGR renders a sentinel through s and keeps what comes before and
// after it, provided both are nothing but SGR sequences. A style that adds
// anything else (padding, a border, a hyperlink) would add cells or
// non-SGR escapes to every token, so it is dropped: body text is then shown
// unstyled rather than wrongly laid out.
func styleSGR(s lipgloss.Style) sgr {
	out := s.Render("x")
	i := strings.IndexByte(out, 'x')
	if i < 0 {
		return sgr{}
	}
	on, off := out[:i], out[i+1:]
	if !onlySGR(on) || !onlySGR(off) || (on == "") != (off == "") {
		return sgr{}
	}
	return sgr{on, off}
}

// onlySGR reports whether s is a sequence of zero or more complete SGR
// escape sequences (ESC [ parameters m).
func onlySGR(s string) bool {
	for len(s) > 0 {
		if len(s) < 3 || s[0] != 0x1b || s[1] != '[' {
			return false
		}
		j := 2
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':') {
			j++
		}
		if j == len(s) || s[j] != 'm' {
			return false
		}
		s = s[j+1:]
	}
	return true
}

// walk moves over the grapheme clusters of line from byte i at cell col
// for as long as the next cluster ends at or before cell limit, and returns
// where it stopped.
func walk(line []byte, i, col, limit int) (int, int) {
	for i < len(line) {
		n, cw := next(line, i, col)
		if col+cw > limit {
			break
		}
		i, col = i+n, col+cw
	}
	return i, col
}

// next returns the length in bytes and the width in cells, at cell col,
// of the grapheme cluster at line[i]. Tabs reach the next tab stop. ASCII
// followed by ASCII is one cell on its own (no two ASCII characters
// combine, and sanitized text has no CR to pair with LF), which spares
// most bytes the grapheme segmentation; anything else goes through
// ansi.FirstGraphemeCluster, the measure lipgloss uses, so that widths
// agree with the frame around the pane.
func next(line []byte, i, col int) (n, width int) {
	if c := line[i]; c < 0x80 && c != '\t' && (i+1 == len(line) || line[i+1] < 0x80) {
		return 1, 1
	}
	return cluster(line[i:], col)
}

// cluster returns the length in bytes and the width in cells, at cell col,
// of the grapheme cluster at the start of b.
func cluster(b []byte, col int) (n, width int) {
	if b[0] == '\t' {
		return 1, tabWidth - col%tabWidth
	}
	g, w := ansi.FirstGraphemeCluster(b, ansi.GraphemeWidth)
	return max(len(g), 1), w
}

// window is where one line meets the viewport: which bytes of it are
// shown, and what surrounds them, in cells.
type window struct {
	left, right bool // an ellipsis at the left or right edge
	lead        int  // spaces before the content: a wide rune or tab cut by the left edge
	b0, b1      int  // the bytes shown: whole clusters inside the window
	col0        int  // the cell at which b0 starts, for tab stops
	trail       int  // spaces after the content, before a right ellipsis
}

// cut works out the part of line that shows in cells [x, x+w). The left
// edge shows an ellipsis when x > 0 and the line is not empty (there is
// something to the left), the right edge one when the line is wider than
// x+w (unless the window is one cell wide and already holds the left one).
// Content is the grapheme clusters that lie wholly between them; a wide
// rune or tab cut by an edge shows as spaces. A simple line (printable
// ASCII) costs O(1); any other line a walk over cells [x, x+w) from the
// nearest of its marks (from the start for a line without marks), with
// ASCII stepped over quickly.
func cut(line []byte, simple bool, marks []mark, x, w int) window {
	var win window
	if w <= 0 {
		return win
	}
	win.left = x > 0 && len(line) > 0
	cs := x // first cell of content
	if win.left {
		cs++
	}
	if simple {
		win.right = len(line) > x+w && (w > 1 || !win.left)
		ce := x + w
		if win.right {
			ce--
		}
		win.b0 = min(cs, len(line))
		win.b1 = max(min(ce, len(line)), win.b0)
		win.col0 = cs
		return win
	}
	// Skip the clusters that start left of the content; the last one may
	// straddle the edge, and its cells right of the edge become spaces.
	i, col := skip(line, cs, marks)
	k, _ := walk(line, i, col, x+w)
	win.right = (k < len(line) || col > x+w) && (w > 1 || !win.left)
	ce, j := x+w, k
	if win.right {
		ce--
		var jcol int
		j, jcol = walk(line, i, col, ce)
		win.trail = max(ce-jcol, 0)
	}
	win.lead = max(min(col, ce)-cs, 0)
	win.b0, win.b1, win.col0 = i, j, col
	return win
}

// skip moves over the clusters of line that start left of cell cs and
// returns the byte and cell where the next one starts (col > cs if the
// last one skipped straddles cs). It starts from the last mark before
// cs: strictly before, because a mark is placed after any zero-width
// clusters at its cell, and at cs those are content.
func skip(line []byte, cs int, marks []mark) (i, col int) {
	if k := sort.Search(len(marks), func(k int) bool { return int(marks[k].col) >= cs }); k > 0 {
		i, col = int(marks[k-1].off), int(marks[k-1].col)
	}
	for i < len(line) && col < cs {
		n, cw := next(line, i, col)
		i, col = i+n, col+cw
	}
	return i, col
}

// renderer writes styled lines into a frame.
type renderer struct {
	b   strings.Builder
	p   palette
	cur class // the class whose style is on
	// For expanding tabs in the content: the line, and a cursor (a
	// cluster boundary and its cell) no further than the next tab.
	line   []byte
	tabs   bool
	ti, tc int
	limit  int // wrapped: the row width, which a tab never crosses
	// Search matches on the line being rendered, in order, as offsets
	// in the text that minus hlBase (where the line starts) are byte
	// offsets in the line, and the index of the current one among them
	// (-1: none).
	hl     []span
	hlBase int
	hlCur  int
}

// setMatches sets the matches of the line about to be rendered.
func (r *renderer) setMatches(hl []span, base, cur int) {
	r.hl, r.hlBase, r.hlCur = hl, base, cur
}

// set switches the style to class c.
func (r *renderer) set(c class) {
	if c == r.cur {
		return
	}
	r.b.WriteString(r.p[r.cur].off)
	r.b.WriteString(r.p[c].on)
	r.cur = c
}

// spaces writes n spaces.
func (r *renderer) spaces(n int) {
	const s = "                                                                "
	for ; n > 0; n -= len(s) {
		r.b.WriteString(s[:min(n, len(s))])
	}
}

// text writes line[s:e] in class c, or in a match class where it
// overlaps a search match, expanding tabs.
func (r *renderer) text(c class, s, e int) {
	if len(r.hl) == 0 {
		r.run(c, s, e)
		return
	}
	hl, base := r.hl, r.hlBase
	k := sort.Search(len(hl), func(k int) bool { return int(hl[k].e)-base > s })
	for ; k < len(hl) && s < e && int(hl[k].s)-base < e; k++ {
		hs, he := max(int(hl[k].s)-base, s), min(int(hl[k].e)-base, e)
		r.run(c, s, hs)
		mc := matchOther
		if k == r.hlCur {
			mc = matchCur
		}
		r.run(mc, hs, he)
		s = he
	}
	r.run(c, s, e)
}

// run writes line[s:e] in class c, expanding tabs.
func (r *renderer) run(c class, s, e int) {
	if s >= e {
		return
	}
	r.set(c)
	if !r.tabs {
		r.b.Write(r.line[s:e])
		return
	}
	for s < e {
		t := bytes.IndexByte(r.line[s:e], '\t')
		if t < 0 {
			r.b.Write(r.line[s:e])
			return
		}
		t += s
		r.b.Write(r.line[s:t])
		r.ti, r.tc = walkTo(r.line, r.ti, r.tc, t)
		n := tabWidth - r.tc%tabWidth
		if r.limit > 0 {
			n = min(n, max(r.limit-r.tc, 1))
		}
		r.spaces(n)
		r.ti, r.tc = t+1, r.tc+n
		s = t + 1
	}
}

// walkTo moves the cursor (i, col) over whole clusters up to byte t, a
// cluster boundary at or after i.
func walkTo(line []byte, i, col, t int) (int, int) {
	for i < t {
		n, cw := next(line, i, col)
		i, col = i+n, col+cw
	}
	return i, col
}

// mode says how a line is coloured.
type mode uint8

const (
	modePlain mode = iota // body text
	modeMuted             // our own notes: markers, placeholder, binary summary
	modeJSON              // a line of indented JSON, highlighted token by token
)

// render renders one line, cut to cells [x, x+w). For a long line, marks
// (cells) and lex (lexer states, modeJSON only) are what Prepare saved
// for it; st is the lexer state at the start of the line.
func (r *renderer) render(line []byte, simple bool, marks []mark, x, w int, md mode, st lexer, lex []lexMark) {
	win := cut(line, simple, marks, x, w)
	r.cur, r.limit = plain, 0
	if win.left {
		r.set(muted)
		r.b.WriteString(ellipsis)
	}
	if win.lead > 0 {
		r.set(plain)
		r.spaces(win.lead)
	}
	r.line, r.tabs = line, !simple && bytes.IndexByte(line[win.b0:win.b1], '\t') >= 0
	r.ti, r.tc = win.b0, win.col0
	switch md {
	case modePlain:
		r.text(plain, win.b0, win.b1)
	case modeMuted:
		r.text(muted, win.b0, win.b1)
	case modeJSON:
		r.json(line, win.b0, win.b1, st, lex)
	}
	if win.trail > 0 {
		r.set(plain)
		r.spaces(win.trail)
	}
	if win.right {
		r.set(muted)
		r.b.WriteString(ellipsis)
	}
	r.set(plain)
}

// json highlights the bytes [lo, hi) of a line of indented JSON. A line
// that pretty.Body produced is an indent, an optional `"key": `, then a
// string, number, true, false, null or bracket, and an optional comma; the
// lexer reads any line, though, classifying what it does not recognise as
// plain, and every byte it is given is written exactly once: highlighting
// can only add SGR codes, never drop or change text.
//
// Whether a cell is inside a string depends on everything before it on the
// line, so lexing starts at the line's start, or for a long line at the
// last of the lexer states Prepare saved before lo (see lexMark): the
// bytes left of the window are skipped at memchr speed, and never more
// than lexEvery of them.
func (r *renderer) json(line []byte, lo, hi int, st lexer, marks []lexMark) {
	i := 0
	if k := sort.Search(len(marks), func(k int) bool { return int(marks[k].off) > lo }); k > 0 {
		i, st = int(marks[k-1].off), marks[k-1].st
	}
	for i < hi {
		j, cl := st.step(line, i, hi)
		if j > lo {
			r.text(cl, max(i, lo), j)
		}
		i = j
	}
}

// lexer is the state of the JSON line lexer between two bytes of a line,
// small enough to save every lexEvery bytes of a long line.
type lexer struct {
	tok   byte  // the kind of token the next byte continues (see step), or 0 if a token starts there
	cls   class // the class of that token
	first bool  // only spaces so far: a string starting here is the line's first token
	key   bool  // the line's first token is an object key
}

// lexerFor returns the lexer state at the start of a line; key says
// whether the line starts with an object key.
func lexerFor(key bool) lexer { return lexer{first: true, key: key} }

// step reads the token, or the part of one, that starts at line[i], going
// no further than limit, and returns where it ends and its class. A token
// cut by limit is continued by the next call. Tokens are: a run of spaces;
// a string (a key if it is the line's first token and the line starts
// with a key); one of { } [ ] , :; a number-like run of - + . e E and
// digits; a word of lower-case letters (true, false and null are
// coloured, other words are not, and classifying one reads at most six of
// its letters even past limit); and a run of anything else.
func (st *lexer) step(line []byte, i, limit int) (int, class) {
	if st.tok == 0 {
		c := line[i]
		st.tok, st.cls = '.', plain
		switch {
		case c == ' ':
			st.tok = ' '
		case c == '"':
			st.tok, st.cls = '"', jsonString
			if st.first && st.key {
				st.cls = jsonKey
			}
			i++ // the search for the closing quote starts after this one
		case c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':':
			st.tok, st.cls = 0, jsonPunct
			st.first = false
			return i + 1, jsonPunct
		case c == '-' || c >= '0' && c <= '9':
			st.tok, st.cls = '0', jsonNumber
		case c >= 'a' && c <= 'z':
			st.tok = 'a'
			n := 1
			for n <= 5 && i+n < len(line) && line[i+n] >= 'a' && line[i+n] <= 'z' {
				n++
			}
			switch string(line[i : i+n]) {
			case "true", "false":
				st.cls = jsonBool
			case "null":
				st.cls = jsonNull
			}
		}
		if c != ' ' {
			st.first = false
		}
	}
	j, done := i, false
	switch st.tok {
	case '"':
		j, done = stringEnd(line, i, limit)
	case ' ':
		for j < limit && line[j] == ' ' {
			j++
		}
	case '0':
		for j < limit && numberByte(line[j]) {
			j++
		}
	case 'a':
		for j < limit && line[j] >= 'a' && line[j] <= 'z' {
			j++
		}
	default:
		for j < limit && !special(line[j]) {
			j++
		}
	}
	cls := st.cls
	if done || j < limit {
		st.tok = 0
	}
	return j, cls
}

// lexEvery is the distance in bytes between saved lexer states on a long
// JSON line.
const lexEvery = 4096

// lexMark is the lexer state at a byte offset of a long JSON line, so that
// highlighting the window far to the right on a 20 MB line starts near it
// rather than at the start of the line.
type lexMark struct {
	off int32
	st  lexer
}

// lexLine runs the lexer over a whole line once and returns its state
// about every `every` bytes.
func lexLine(line []byte, st lexer, every int) []lexMark {
	marks := make([]lexMark, 0, len(line)/every+1)
	for i, next := 0, every; i < len(line); next += every {
		limit := min(next, len(line))
		for i < limit {
			i, _ = st.step(line, i, limit)
		}
		if i < len(line) {
			marks = append(marks, lexMark{int32(i), st})
		}
	}
	return marks
}

// numberByte reports whether c can continue a JSON number.
func numberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// special reports whether c can start a token the lexer colours.
func special(c byte) bool {
	switch c {
	case ' ', '"', '{', '}', '[', ']', ',', ':', '-':
		return true
	}
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z'
}

// stringEnd looks for the closing quote of a JSON string from line[k],
// where k is inside the string (past its opening quote), up to limit. It
// returns the index just past the quote and true, or limit and false. A
// quote closes the string unless an odd number of backslashes precede it;
// counting them stops at the opening quote at the latest, so k can be
// anywhere inside the string.
func stringEnd(line []byte, k, limit int) (int, bool) {
	for k < limit {
		q := bytes.IndexByte(line[k:limit], '"')
		if q < 0 {
			break
		}
		q += k
		n := 0
		for p := q - 1; p >= 0 && line[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, true
		}
		k = q + 1
	}
	return limit, false
}

// startsWithKey reports whether a line of indented JSON starts with an
// object key: after the indent, a string followed by ':'.
func startsWithKey(line []byte) bool {
	i := 0
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i == len(line) || line[i] != '"' {
		return false
	}
	e, closed := stringEnd(line, i+1, len(line))
	return closed && e < len(line) && line[e] == ':'
}

// renderRow renders bytes [b0, b1) of line as one wrapped row of width w:
// no ellipsis, tabs expanded from the row's start (see wrapEnd).
func (r *renderer) renderRow(line []byte, b0, b1, w int, md mode, st lexer, lex []lexMark) {
	r.cur, r.limit = plain, w
	r.line, r.tabs = line, bytes.IndexByte(line[b0:b1], '\t') >= 0
	r.ti, r.tc = b0, 0
	switch md {
	case modePlain:
		r.text(plain, b0, b1)
	case modeMuted:
		r.text(muted, b0, b1)
	case modeJSON:
		r.json(line, b0, b1, st, lex)
	}
	r.set(plain)
}

// wrapEnd returns where the wrapped row that starts at line[i] ends, for
// rows of w cells: as many whole grapheme clusters as fit (a wide rune
// that does not fit starts the next row; one wider than the row is put
// alone on it), so joining the rows gives back the line exactly. A tab
// reaches the next tab stop counted from the row's start, or the row's end.
// A simple line (printable ASCII) costs O(1).
func wrapEnd(line []byte, simple bool, i, w int) int {
	w = max(w, 1)
	if simple {
		return min(i+w, len(line))
	}
	col := 0
	for i < len(line) {
		var n, cw int
		if line[i] == '\t' {
			n, cw = 1, min(tabWidth-col%tabWidth, max(w-col, 1))
		} else {
			n, cw = next(line, i, col)
		}
		if col+cw > w && col > 0 {
			break
		}
		i, col = i+n, col+cw
	}
	return i
}

// rowCount returns how many rows of w cells line wraps into (one for an
// empty line).
func rowCount(line []byte, simple bool, w int) int {
	w = max(w, 1)
	if simple {
		return max((len(line)+w-1)/w, 1)
	}
	n := 0
	for i := 0; i < len(line) || n == 0; n++ {
		i = wrapEnd(line, false, i, w)
	}
	return n
}

// rowStart returns the byte where row k of line starts.
func rowStart(line []byte, simple bool, k, w int) int {
	if simple {
		return min(k*max(w, 1), len(line))
	}
	i := 0
	for ; k > 0 && i < len(line); k-- {
		i = wrapEnd(line, false, i, w)
	}
	return i
}
