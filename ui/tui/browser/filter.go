package browser

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// row is one line of the list: a group header or an entry.
type row struct {
	item int   // index into items; -1 for a group header
	next int   // header: index of the group's first item (which names the group)
	hl   []int // filter: byte offsets into the item's search text that matched
}

func (r row) header() bool { return r.item < 0 }

// groupRows returns the unfiltered list: top-level entries first, without a
// header, then each folder's header followed by its entries.
func groupRows(items []item) []row {
	rows := make([]row, 0, len(items)+len(items)/8+1)
	group := ""
	for i, it := range items {
		if it.group != "" && (i == 0 || it.group != group) {
			rows = append(rows, row{item: -1, next: i})
		}
		group = it.group
		rows = append(rows, row{item: i})
	}
	return rows
}

// Matching (see match.go for the rule). The name is tried first, alone:
// an entry whose name matches is scored (and highlighted) on its name, and
// ranks above every entry that matches only by reaching into its
// description; only the others are matched against the whole text.
//
// Filtering 10 000 entries on every keystroke is kept fast by:
//
//   - a pre-filter: a match needs the query's runes in the text in order, so
//     for an ASCII query a scan of the lower-cased text with
//     strings.IndexByte finds the candidates, and only those are aligned;
//   - aligning names, which are short, and whole texts only for the entries
//     whose name does not match;
//   - narrowing: a text that matches "git" matches "gi" (a prefix of an
//     alignment is one), so one more character only looks at the previous
//     query's matches;
//   - a stack of the results of the queries typed so far, so that a
//     backspace finds its result ready;
//   - spreading the matching of many candidates over the CPUs;
//   - rendering only the visible rows (View).

// nameBonus puts name matches above description matches.
const nameBonus = 1 << 28

// result is the outcome of filtering with one query.
type result struct {
	query string
	cand  []int // the matching items, in list order
	rows  []row // the matches, best first
}

// maxResults bounds the stack of remembered results.
const maxResults = 32

// filtered returns the rows matching q and the new result stack: the
// results whose queries are prefixes of q, then q's.
func (m Model) filtered(q string) ([]row, []result) {
	// Keep the chain of results that q extends.
	keep := len(m.results)
	for keep > 0 && !strings.HasPrefix(q, m.results[keep-1].query) {
		keep--
	}
	stack := m.results[:keep:keep] // appending copies: the caller's stack stays
	if keep > 0 && stack[keep-1].query == q {
		return stack[keep-1].rows, stack
	}
	var from []int // nil: every item
	if keep > 0 {
		from = stack[keep-1].cand
	}
	r := m.search(q, from)
	if len(stack) >= maxResults {
		stack = slices.Clone(stack[1:])
	}
	return r.rows, append(stack, r)
}

// hit is one matching item.
type hit struct {
	item  int
	score int
	pos   []int
}

// search matches q against the items in from (every item when from is nil).
func (m Model) search(q string, from []int) result {
	fold, pre := foldPattern(strings.Join(strings.Fields(q), ""))
	pat := compilePattern(q)
	n := len(m.items)
	if from != nil {
		n = len(from)
	}
	cand := make([]int, 0, n)
	each(from, len(m.items), func(i int) {
		if !pre || subsequence(m.items[i].fold, fold) {
			cand = append(cand, i)
		}
	})
	hs := findAll(pat, m.items, cand)
	// Best first, equal scores in list order (hs is in list order).
	slices.SortStableFunc(hs, func(a, b hit) int { return b.score - a.score })
	rows := make([]row, len(hs))
	for i, h := range hs {
		rows[i] = row{item: h.item, hl: h.pos}
	}
	cand = cand[:0:0]
	for _, h := range hs {
		cand = append(cand, h.item)
	}
	slices.Sort(cand)
	return result{query: q, cand: cand, rows: rows}
}

// each calls f with every index in from, or with 0…n-1 when from is nil.
func each(from []int, n int, f func(int)) {
	if from == nil {
		for i := range n {
			f(i)
		}
		return
	}
	for _, i := range from {
		f(i)
	}
}

// parallelMin is the number of candidates from which findAll spreads the
// matching over the CPUs.
const parallelMin = 2048

// findAll matches pat against the candidates, names first, and returns the
// hits in list order. Many candidates are matched in chunks on several
// goroutines, each with its own buffers.
func findAll(pat []rune, items []item, cand []int) []hit {
	if len(cand) == 0 {
		return nil
	}
	chunks := 1
	if len(cand) >= parallelMin {
		chunks = min(runtime.GOMAXPROCS(0), len(cand)/(parallelMin/2), 8)
	}
	parts := make([][]hit, chunks)
	size := (len(cand) + chunks - 1) / chunks
	var wg sync.WaitGroup
	for c := range chunks {
		part := cand[min(c*size, len(cand)):min((c+1)*size, len(cand))]
		wg.Go(func() {
			var mt matcher
			var out []hit
			for _, i := range part {
				it := &items[i]
				ns := len(it.group)
				if ns > 0 {
					ns++
				}
				if len(pat) > 0 && !mayStart(it.heads, pat[0]) {
					continue
				}
				if len(pat) == 0 || mayStart(it.heads[:it.headsN], pat[0]) {
					if s, pos, ok := mt.match(it.search[:it.nameN], ns, pat); ok {
						out = append(out, hit{i, s + nameBonus, pos})
						continue
					}
				}
				if it.nameN < len(it.search) {
					if s, pos, ok := mt.match(it.search, ns, pat); ok {
						out = append(out, hit{i, s, pos})
					}
				}
			}
			parts[c] = out
		})
	}
	wg.Wait()
	if chunks == 1 {
		return parts[0]
	}
	return slices.Concat(parts...)
}

// foldText returns s with ASCII letters in lower case and the two non-ASCII
// runes that fold to ASCII letters, K (U+212A KELVIN SIGN) and ſ (U+017F),
// written as k and s, for the pre-filter. It returns s itself when there is
// nothing to change.
func foldText(s string) string {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || c >= utf8.RuneSelf {
			break
		}
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r == '\u212A':
			r = 'k'
		case r == '\u017F':
			r = 's'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldPattern returns q in lower case for the pre-filter, and false when q
// has non-ASCII runes (whose case folding the pre-filter does not do).
func foldPattern(q string) (string, bool) {
	b := []byte(q)
	for i, c := range b {
		switch {
		case c >= utf8.RuneSelf:
			return "", false
		case 'A' <= c && c <= 'Z':
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b), true
}

// subsequence reports whether the bytes of pat appear in s in order.
func subsequence(s, pat string) bool {
	for i := 0; i < len(pat); i++ {
		j := strings.IndexByte(s, pat[i])
		if j < 0 {
			return false
		}
		s = s[j+1:]
	}
	return true
}
