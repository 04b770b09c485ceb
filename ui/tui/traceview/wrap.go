package traceview

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Wrap breaks one line s (no newline) into rows of at most w cells by
// characters (grapheme clusters), never by words: a base string or a
// signature has no spaces to break at, and a student compares it
// character by character. Joining the rows gives back s exactly, every
// character present. A cluster wider than w gets a row of its own; w < 1
// counts as 1; "" is one empty row.
func Wrap(s string, w int) []string {
	w = max(w, 1)
	if s == "" {
		return []string{""}
	}
	var rows []string
	start, col, i := 0, 0, 0
	for i < len(s) {
		n, cw := 1, 1
		if s[i] >= 0x80 || (i+1 < len(s) && s[i+1] >= 0x80) {
			// not plain ASCII, or an ASCII base followed by a combining mark
			g, gw := ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
			n, cw = max(len(g), 1), gw
		}
		if col+cw > w && i > start {
			rows = append(rows, s[start:i])
			start, col = i, 0
		}
		i += n
		col += cw
	}
	return append(rows, s[start:])
}

// shownTab is how a tab in a value is written on screen: a tab has no
// fixed width in a cell grid, so it is spelled as sanitize.Line spells it.
const shownTab = `\t`

// valueLines splits a value into its lines, tabs spelled out.
func valueLines(s string) []string {
	return strings.Split(strings.ReplaceAll(s, "\t", shownTab), "\n")
}

// words wraps prose (titles, notes, explanations) at w cells between
// words, and inside a word longer than w; no character is dropped.
func words(s string, w int) []string {
	return strings.Split(ansi.Wrap(s, max(w, 1), ""), "\n")
}

// cutLine shortens a status line to w cells, marking the cut with "…":
// it may lose its end, but never silently.
func cutLine(s string, w int) string {
	return ansi.Truncate(s, max(w, 1), "…")
}
