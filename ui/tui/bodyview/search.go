package bodyview

import (
	"bytes"
	"sort"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// maxMatches caps how many matches a search collects: enough to count
// and step through any realistic hit list, while a one-letter search in a
// 20 MB body stops early instead of storing millions of offsets. The
// counter then says "10000+".
const maxMatches = 10000

// span is one match: the bytes [s, e) of the Document's text. A match
// never spans lines, since a query (one line of a text input) has no
// newline.
type span struct{ s, e int32 }

// needle is a query prepared for case-insensitive matching: its runes,
// and the bytes that can start a match (the first byte of every case
// variant of its first rune: at most a handful, such as o and O, or k, K
// and the first byte of U+212A KELVIN SIGN), so that the scan jumps from
// candidate to candidate with bytes.IndexByte.
type needle struct {
	runes []rune
	first []byte
}

// maxFirst bounds the starting bytes of a needle; Unicode's simple case
// folding orbits have at most four runes.
const maxFirst = 8

// newNeedle prepares q. Case folding is Unicode simple folding
// (unicode.SimpleFold, as strings.EqualFold), rune by rune.
func newNeedle(q string) needle {
	n := needle{runes: []rune(q)}
	if len(n.runes) == 0 {
		return n
	}
	r0 := n.runes[0]
	var buf [utf8.UTFMax]byte
	for r := r0; ; {
		utf8.EncodeRune(buf[:], r)
		if bytes.IndexByte(n.first, buf[0]) < 0 && len(n.first) < maxFirst {
			n.first = append(n.first, buf[0])
		}
		if r = unicode.SimpleFold(r); r == r0 {
			break
		}
	}
	return n
}

// foldEq reports whether a and b are equal under simple case folding.
func foldEq(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		return a|0x20 == b|0x20 && a|0x20 >= 'a' && a|0x20 <= 'z'
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// matchAt returns the end of a match of n at text[i], or -1.
func (n needle) matchAt(text []byte, i int) int {
	for _, q := range n.runes {
		if i >= len(text) {
			return -1
		}
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(text[i:])
		}
		if !foldEq(r, q) {
			return -1
		}
		i += size
	}
	return i
}

// find scans text once, left to right, for non-overlapping matches of n,
// and returns at most limit of them and whether it stopped at the limit.
// It allocates only the result.
func (n needle) find(text []byte, limit int) ([]span, bool) {
	if len(n.runes) == 0 {
		return nil, false
	}
	// next[j] is where first[j] next occurs at or after i (len(text):
	// nowhere).
	var next [maxFirst]int
	for j := range next {
		next[j] = -1
	}
	var out []span
	for i := 0; i < len(text); {
		c := len(text)
		for j, b := range n.first {
			if next[j] < i && next[j] != len(text) {
				if k := bytes.IndexByte(text[i:], b); k >= 0 {
					next[j] = i + k
				} else {
					next[j] = len(text)
				}
			}
			c = min(c, next[j])
		}
		if c == len(text) {
			break
		}
		e := n.matchAt(text, c)
		if e < 0 {
			i = c + 1
			continue
		}
		if len(out) == limit {
			return out, true
		}
		out = append(out, span{int32(c), int32(e)})
		i = max(e, c+1)
	}
	return out, false
}

// search is the state of a / search: the query, its matches in the text
// and which one is current.
type search struct {
	query   string
	matches []span // in text order; shared between copies, never modified
	more    bool   // the scan stopped at maxMatches
	cur     int    // index of the current match in matches
}

// counter is what the footer says about the matches: "3/17", "3/10000+"
// or "no match".
func (s search) counter() string {
	if len(s.matches) == 0 {
		return "no match"
	}
	c := strconv.Itoa(s.cur+1) + "/" + strconv.Itoa(len(s.matches))
	if s.more {
		c += "+"
	}
	return c
}

// lineOf returns the line holding text offset off.
func (d Document) lineOf(off int32) int {
	n := d.textLines()
	return max(sort.Search(n, func(i int) bool { return d.starts[i+1] > off }), 0)
}

// lineSpans returns the matches that start on line i, as byte ranges of
// the line, and the index (in matches) of the first of them: a binary
// search, so a frame costs O(log matches) per line plus what it shows.
func (m Model) lineSpans(i int) (spans []span, first int) {
	if len(m.find.matches) == 0 || i >= m.doc.textLines() {
		return nil, 0
	}
	ls, le := m.doc.starts[i], m.doc.starts[i+1]
	all := m.find.matches
	lo := sort.Search(len(all), func(k int) bool { return all[k].s >= ls })
	hi := lo + sort.Search(len(all)-lo, func(k int) bool { return all[lo+k].s >= le })
	return all[lo:hi], lo
}

// setQuery searches for q and makes current the first match at or after
// the top of the window (wrapping to the first), then scrolls to it.
func (m Model) setQuery(q string) Model {
	if q == m.find.query {
		return m
	}
	m.find = search{query: q}
	m.find.matches, m.find.more = newNeedle(q).find(m.doc.text, maxMatches)
	if len(m.find.matches) == 0 {
		return m
	}
	top := int32(0)
	if m.y < m.doc.textLines() {
		top = m.doc.starts[m.y]
	}
	all := m.find.matches
	m.find.cur = sort.Search(len(all), func(k int) bool { return all[k].s >= top }) % len(all)
	return m.reveal()
}

// step moves the current match d places (wrapping around) and scrolls to it.
func (m Model) step(d int) Model {
	n := len(m.find.matches)
	if n == 0 {
		return m
	}
	m.find.cur = ((m.find.cur+d)%n + n) % n
	return m.reveal()
}

// reveal scrolls the window, if need be, so that the current match shows:
// wrapped, to the row holding its start (a third of the window from the
// top); unwrapped, to its line and to a horizontal offset that shows its
// start a third of the way across.
func (m Model) reveal() Model {
	sp := m.find.matches[m.find.cur]
	i := m.doc.lineOf(sp.s)
	line, simple := m.doc.line(i)
	b := int(sp.s - m.doc.starts[i])
	hc := max(m.content(), 1)
	if m.wrap {
		row := 0
		if simple {
			row = b / max(m.w, 1)
		} else {
			for r0 := wrapEnd(line, false, 0, m.w); r0 <= b && r0 < len(line); r0 = wrapEnd(line, false, r0, m.w) {
				row++
			}
		}
		if m.rowsTo(i, row, hc) < hc {
			return m
		}
		y, ry := m.up(i, row, hc/3)
		return m.scrollRow(y, ry)
	}
	y := m.y
	if i < y || i >= y+hc {
		y = i - hc/3
	}
	col, end := m.cols(i, line, simple, b, int(sp.e-m.doc.starts[i]))
	x := m.x
	lo := x
	if x > 0 {
		lo++ // the left ellipsis
	}
	if col < lo || end > x+m.w-1 {
		x = col - m.w/3
	}
	return m.scrollTo(y, x)
}

// rowsTo returns how many wrapped rows lie from the top of the window
// (row ry of line y) to row row of line i, or limit if that is limit or
// more or (i, row) is above the window. Each line in between is measured
// once, not once per row as stepping with down would: on a 20 MB line of
// wide runes that is the difference between one pass and one per row.
func (m Model) rowsTo(i, row, limit int) int {
	if i < m.y || i == m.y && row < m.ry {
		return limit
	}
	if i == m.y {
		return min(row-m.ry, limit)
	}
	n := m.rows(m.y) - m.ry
	for y := m.y + 1; y < i && n < limit; y++ {
		n += m.rows(y)
	}
	return min(n+row, limit)
}

// cols returns the cells at which bytes b and e of line i start, walking
// from the nearest mark before b (from the line's start without marks).
func (m Model) cols(i int, line []byte, simple bool, b, e int) (int, int) {
	if simple {
		return b, e
	}
	start, col := 0, 0
	if marks := m.doc.marks[int32(i)]; len(marks) > 0 {
		if k := sort.Search(len(marks), func(k int) bool { return int(marks[k].off) > b }); k > 0 {
			start, col = int(marks[k-1].off), int(marks[k-1].col)
		}
	}
	bi, bc := walkTo(line, start, col, b)
	_, ec := walkTo(line, bi, bc, e)
	return bc, ec
}
