package bodyview

import (
	"bytes"
	"encoding/binary"
	"math"
	"unicode/utf8"

	"github.com/authlab/authlab/ui/pretty"
	"github.com/charmbracelet/x/ansi"
)

// maxText bounds the rendered text a Document indexes, because line starts
// are stored as int32 (half the memory of int for a body of a million short
// lines). Nothing near it is expected: --max-body caps bodies far lower.
const maxText = math.MaxInt32 - 1

// longLine is the length in bytes above which Prepare saves, for a line,
// what the viewer would otherwise work out from the line's start at every
// frame: marks (where cells start, if the line is not plain ASCII), lexer
// states and whether it starts with a key (if it is JSON). A line made of
// one 20 MB string would otherwise be measured or scanned up to the
// window, or to its end just to decide the colour of its first cells.
const longLine = 4096

// Document is a response body prepared for viewing: the text pretty.Body
// renders (sanitized, JSON indented, no colour) and an index of where each
// line starts, so that the viewer can slice out the visible lines of a
// 20 MB body without splitting it into millions of strings or scanning it
// at each frame. Colour is added only to the visible part, at render time.
//
// A Document is immutable after Prepare and safe to share between models
// and goroutines; the zero Document is an empty body.
type Document struct {
	text     []byte              // pretty.Body's plain output; shared, never modified
	starts   []int32             // line i is text[starts[i] : starts[i+1]-1]; one extra entry ends the last line
	simple   []uint64            // bit i: line i is printable ASCII only, so byte k is cell k
	keys     []uint64            // bit i: long JSON line i starts with an object key (see longLine); nil if none
	marks    map[int32][]mark    // for each long line that is not simple, where to start measuring
	lex      map[int32][]lexMark // for each long JSON line, where to start highlighting
	maxWidth int                 // cells of the widest line, the marker included
	kind     pretty.Kind
	marker   []byte // final "… body truncated" line, or nil
}

// Prepare renders body with pretty.Body (which sanitizes it before
// anything else) and indexes the lines of the result. It costs O(len(body))
// time (about 0.25 s for 20 MB of JSON) and, besides the rendered text,
// about four bytes of index per line, so call it inside a tea.Cmd, off the
// UI goroutine; everything after it is proportional to what is on screen.
//
// contentType is the raw Content-Type header; truncated says the body was
// cut at the --max-body cap, which adds a final line saying so. The
// Document may share memory with body, which must not be modified while the
// Document is in use.
func Prepare(contentType string, body []byte, truncated bool) Document {
	text, kind := pretty.Body(contentType, body, false)
	d := Document{kind: kind}
	if truncated {
		d.marker = []byte("… body truncated at " + pretty.HumanSize(int64(len(body))) + " (raise --max-body)")
	}
	if len(text) > maxText {
		// Stop at the last line break (or character) that fits.
		cut := bytes.LastIndexByte(text[:maxText], '\n') + 1
		if cut == 0 {
			for cut = maxText; cut > 0 && !utf8.RuneStart(text[cut]); cut-- {
			}
		}
		text = text[:cut]
		d.marker = []byte("… display stops at " + pretty.HumanSize(int64(cut)) + " of " + pretty.HumanSize(int64(len(body))))
	}
	d.text = text
	d.index()
	if d.marker != nil {
		d.maxWidth = max(d.maxWidth, ansi.StringWidth(string(d.marker)))
	}
	return d
}

// index fills starts, simple, keys, marks, lex and maxWidth from text in
// one pass.
func (d *Document) index() {
	text := d.text
	if len(text) == 0 {
		return
	}
	n := bytes.Count(text, []byte{'\n'}) + 1
	d.starts = make([]int32, 0, n+1)
	d.simple = make([]uint64, (n+63)/64)
	off := 0
	for off < len(text) {
		end := len(text)
		if j := bytes.IndexByte(text[off:], '\n'); j >= 0 {
			end = off + j
		}
		i := len(d.starts)
		line := text[off:end]
		d.starts = append(d.starts, int32(off))
		switch {
		case isSimple(line):
			d.simple[i/64] |= 1 << (i % 64)
			d.maxWidth = max(d.maxWidth, len(line))
		case len(line) > longLine:
			if d.marks == nil {
				d.marks = make(map[int32][]mark)
			}
			var w int
			d.marks[int32(i)], w = markLine(line, markEvery)
			d.maxWidth = max(d.maxWidth, w)
		case len(line)+(tabWidth-1)*bytes.Count(line, []byte{'\t'}) > d.maxWidth:
			// Every cell takes at least one byte, except in tab
			// expansion, so only a line that might be the widest
			// needs measuring cluster by cluster.
			_, w := walk(line, 0, 0, math.MaxInt)
			d.maxWidth = max(d.maxWidth, w)
		}
		if d.kind == pretty.JSON && len(line) > longLine {
			key := startsWithKey(line)
			if key {
				if d.keys == nil {
					d.keys = make([]uint64, len(d.simple))
				}
				d.keys[i/64] |= 1 << (i % 64)
			}
			if d.lex == nil {
				d.lex = make(map[int32][]lexMark)
			}
			d.lex[int32(i)] = lexLine(line, lexerFor(key), lexEvery)
		}
		off = end + 1
	}
	d.starts = append(d.starts, int32(off))
}

// Lines returns the number of lines the document shows: the body's lines
// (none for an empty body, one for a binary summary) plus the truncation
// line if there is one.
func (d Document) Lines() int {
	n := 0
	if len(d.starts) > 0 {
		n = len(d.starts) - 1
	}
	if d.marker != nil {
		n++
	}
	return n
}

// Kind returns how pretty.Body rendered the body, so the caller can label
// the pane ("json", "text"…) without looking at the bytes again.
func (d Document) Kind() pretty.Kind { return d.kind }

// Width returns the width in cells of the document's widest line, the limit
// of horizontal scrolling.
func (d Document) Width() int { return d.maxWidth }

// line returns line i of the body text (i < number of text lines) and
// whether it is printable ASCII only.
func (d Document) line(i int) (ln []byte, simple bool) {
	return d.text[d.starts[i] : d.starts[i+1]-1], d.simple[i/64]&(1<<(i%64)) != 0
}

// textLines returns the number of lines of body text, without the marker.
func (d Document) textLines() int {
	if len(d.starts) == 0 {
		return 0
	}
	return len(d.starts) - 1
}

// longKey reports the answer Prepare worked out for a long JSON line.
func (d Document) longKey(i int) bool {
	return d.keys != nil && d.keys[i/64]&(1<<(i%64)) != 0
}

// markEvery is the distance in cells between marks on a long line.
const markEvery = 1024

// mark is a place on a long line where a grapheme cluster starts: its byte
// offset and cell. Measuring where cell x is on a line that is not plain
// ASCII means walking its clusters from a known place; marks bound that
// walk to markEvery cells, so scrolling far to the right along a 20 MB
// line costs no more than scrolling near its start.
type mark struct{ off, col int32 }

// markLine walks a line once and returns a mark about every `every`
// cells, and the line's width.
func markLine(line []byte, every int) ([]mark, int) {
	marks := make([]mark, 0, len(line)/every+1)
	i, col := 0, 0
	for i < len(line) {
		next := col + every
		j, jcol := walk(line, i, col, next)
		if j == i { // a tab or wide rune straddles next
			n, cw := cluster(line[i:], col)
			j, jcol = i+n, col+cw
		}
		// A mark after zero-width clusters only would repeat the
		// last mark's cell; marks go strictly rightwards.
		if j < len(line) && (len(marks) == 0 || jcol > int(marks[len(marks)-1].col)) {
			marks = append(marks, mark{int32(j), int32(jcol)})
		}
		i, col = j, jcol
	}
	return marks, col
}

// SWAR constants for looking at eight bytes at a time.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// isSimple reports whether line holds printable ASCII only, where every
// byte is one cell. Sanitized text has no control bytes but tab (newlines
// end lines), so that is: no byte ≥ 0x80 and no tab.
func isSimple(line []byte) bool {
	i := 0
	for ; i+8 <= len(line); i += 8 {
		w := binary.LittleEndian.Uint64(line[i:])
		t := w ^ (ones * '\t')
		if (w|(t-ones)&^t)&highs != 0 {
			return false
		}
	}
	for ; i < len(line); i++ {
		if c := line[i]; c >= 0x80 || c == '\t' {
			return false
		}
	}
	return true
}
