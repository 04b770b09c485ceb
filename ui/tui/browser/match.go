package browser

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Matching rule. A query matches a text when its characters (spaces in the
// query left out) appear in the text in order, compared without case, and
// every matched character either directly follows the one matched before it
// or starts a word: the text's first character, one after a character that
// is not a letter or digit, an upper-case letter after a lower-case one
// (camelCase), a digit after a letter or a letter after a digit. A query
// character that is neither letter nor digit may match anywhere. So a query
// is a run of word prefixes ("gu" finds github/user, "dai" digest-auth-int),
// never letters picked out of the middle of words: "bearer" does not match
// "Digest SHA-512-256 … the body is hashed too", which a plain subsequence
// match (fzf's, sahilm/fuzzy's) accepts. IntelliJ's and VS Code's
// camel-hump matching use the same rule.
//
// Among the alignments of a query in a text the best scoring one is chosen
// (dynamic programming over query × text): each run of contiguous matches
// costs chunkCost, a run starting at the start of the text or of the name
// below its group earns prefixBonus; equal alignments rank the shorter text
// first. Fewer word matches, at the start, rank first.
const (
	chunkCost   = 10
	prefixBonus = 8
	maxPattern  = 64 // query runes looked at; the rest are ignored
	noScore     = -1 << 30
)

// matcher holds the buffers of one goroutine's matching.
type matcher struct {
	runes []rune
	offs  []int // byte offset of each rune
	start []bool
	prev  []int
	cur   []int
	from  []int32 // (len(pat) × len(text)) back pointers; -1: contiguous
}

// foldRune is r folded for comparison: ASCII letters in lower case, and any
// other rune as the smallest rune of its Unicode case-folding orbit (so K,
// k and the Kelvin sign K, s and ſ, σ, ς and Σ compare equal).
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		m = min(m, f)
	}
	if m < utf8.RuneSelf && 'A' <= m && m <= 'Z' {
		m += 'a' - 'A'
	}
	return m
}

func alnum(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' || r >= utf8.RuneSelf && unicode.IsDigit(r) }

// wordStart reports whether rune c, after rune p, starts a word.
func wordStart(p, c rune) bool {
	switch {
	case !alnum(p):
		return true
	case !alnum(c):
		return false
	case isDigit(p) != isDigit(c):
		return true
	}
	return unicode.IsLower(p) && unicode.IsUpper(c)
}

// wordHeads returns the folded runes of text that start a word, and how
// many bytes of them lie in text[:n]. A match's first rune is one of them,
// which rejects most texts before any alignment is tried.
func wordHeads(text string, n int) (string, int) {
	var b []byte
	hn := -1
	p := ' '
	for i, r := range text {
		if i >= n && hn < 0 {
			hn = len(b)
		}
		if i == 0 || wordStart(p, r) {
			b = utf8.AppendRune(b, foldRune(r))
		}
		p = r
	}
	if hn < 0 {
		hn = len(b)
	}
	return string(b), hn
}

// mayStart reports whether pattern rune c can start a match in a text whose
// word heads are heads.
func mayStart(heads string, c rune) bool {
	if !alnum(c) {
		return true
	}
	if c < utf8.RuneSelf {
		return strings.IndexByte(heads, byte(c)) >= 0
	}
	return strings.ContainsRune(heads, c)
}

// compilePattern returns q folded, without spaces, at most maxPattern runes.
func compilePattern(q string) []rune {
	pat := make([]rune, 0, len(q))
	for _, r := range q {
		if unicode.IsSpace(r) {
			continue
		}
		if len(pat) == maxPattern {
			break
		}
		pat = append(pat, foldRune(r))
	}
	return pat
}

// match aligns pat in text. nameStart is the byte offset where the name
// below its group starts. It returns the score and the byte offsets of the
// matched runes, or false.
func (mt *matcher) match(text string, nameStart int, pat []rune) (int, []int, bool) {
	if len(pat) == 0 {
		return 0, nil, true
	}
	if len(pat) == 1 {
		return matchOne(text, nameStart, pat[0])
	}
	mt.runes, mt.offs, mt.start = mt.runes[:0], mt.offs[:0], mt.start[:0]
	p := ' '
	for i, r := range text {
		mt.runes = append(mt.runes, foldRune(r)) // folded once, compared m times
		mt.offs = append(mt.offs, i)
		mt.start = append(mt.start, i == 0 || wordStart(p, r) || i == nameStart)
		p = r
	}
	n, m := len(mt.runes), len(pat)
	if n < m {
		return 0, nil, false
	}
	if cap(mt.prev) < n {
		mt.prev, mt.cur = make([]int, n), make([]int, n)
	}
	prev, cur := mt.prev[:n], mt.cur[:n]
	if cap(mt.from) < n*m {
		mt.from = make([]int32, n*m)
	}
	from := mt.from[:n*m]
	bonus := func(i int) int {
		if i == 0 || mt.offs[i] == nameStart {
			return prefixBonus
		}
		return 0
	}
	for j, pc := range pat {
		free := !alnum(pc)
		best, bestAt := noScore, int32(-1) // best of prev[0..i-1]
		row := from[j*n : (j+1)*n]
		any := false
		for i := range n {
			s := noScore
			if j == 0 || i >= j {
				if mt.runes[i] == pc {
					if j > 0 && i > 0 && prev[i-1] > noScore {
						s, row[i] = prev[i-1], -1
					}
					if mt.start[i] || free {
						base := 0
						if j > 0 {
							base = best
						}
						if base > noScore {
							if c := base - chunkCost + bonus(i); c > s {
								s, row[i] = c, bestAt
							}
						}
					}
				}
			}
			if j > 0 && prev[i] > best {
				best, bestAt = prev[i], int32(i)
			}
			cur[i] = s
			if s > noScore {
				any = true
			}
		}
		if !any {
			return 0, nil, false
		}
		prev, cur = cur, prev
	}
	end, score := -1, noScore
	for i, s := range prev {
		if s > score {
			end, score = i, s
		}
	}
	pos := make([]int, m)
	for j, i := m-1, end; j >= 0; j-- {
		pos[j] = mt.offs[i]
		f := from[j*n+i]
		if f < 0 {
			i--
		} else {
			i = int(f)
		}
	}
	// Equal alignments: the shorter text first (a whole word before a
	// longer one it starts).
	return (score+chunkCost*m)*256 - min(len(text), 255), pos, true
}

// matchOne is match for a one-rune pattern, the first keystroke of every
// filter, without buffers: the first word start holding c, or the text's
// or the name's start when c is there (which scores higher).
func matchOne(text string, nameStart int, c rune) (int, []int, bool) {
	free := !alnum(c)
	first := -1
	p := ' '
	for i, r := range text {
		if foldRune(r) == c && (free || i == 0 || i == nameStart || wordStart(p, r)) {
			if i == 0 || i == nameStart {
				return prefixBonus*256 - min(len(text), 255), []int{i}, true
			}
			if first < 0 {
				first = i
				if nameStart <= i {
					break // no name start after it
				}
			}
		}
		p = r
	}
	if first < 0 {
		return 0, nil, false
	}
	return -min(len(text), 255), []int{first}, true
}
