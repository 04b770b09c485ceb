package browser

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"
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

// Matching. An entry matches when github.com/sahilm/fuzzy matches the
// query in its "group/name description". The name is tried first, alone:
// an entry whose name matches is scored (and highlighted) on its name, so
// that name matches rank above matches that reach into a description, and
// only the others are matched against the whole text.
//
// Filtering 10 000 entries on every keystroke is kept fast by:
//
//   - a pre-filter: fuzzy matches a pattern exactly when the pattern's
//     runes appear in the text in order, compared case-insensitively (the
//     scoring only ranks), so for an ASCII pattern a scan of the lower-cased
//     text with strings.IndexByte finds the candidates, and fuzzy scores only
//     those;
//   - scoring names, which are short, and whole texts only for the few
//     entries whose match needs the description;
//   - narrowing: a text that matches "git" matches "gi", so typing one more
//     character only looks at the previous query's matches;
//   - a stack of the results of the queries typed so far, so that a
//     backspace finds its result ready;
//   - spreading the scoring of many candidates over the CPUs;
//   - rendering only the visible rows (View).

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

// search matches q against the items in from (every item when from is nil).
func (m Model) search(q string, from []int) result {
	pat, pre := foldPattern(q)
	n := len(m.items)
	if from != nil {
		n = len(from)
	}
	// The candidates whose name may match, and the others that may match.
	byName, rest := make([]int, 0, n), make([]int, 0, n/4)
	each(from, len(m.items), func(i int) {
		it := &m.items[i]
		switch {
		case !pre:
			byName = append(byName, i)
		case subsequence(it.fold[:it.foldN], pat):
			byName = append(byName, i)
		case subsequence(it.fold, pat):
			rest = append(rest, i)
		}
	})
	named := findAll(q, m.items, byName, true)
	if !pre {
		// Without the pre-filter, the names that did not match are the
		// rest.
		rest = rest[:0]
		k := 0
		for _, i := range byName {
			if k < len(named) && named[k].Index == i {
				k++
			} else {
				rest = append(rest, i)
			}
		}
	}
	ms := mergeMatches(named, findAll(q, m.items, rest, false))

	// Best first, equal scores in list order (ms is in list order): sort
	// keys of score and position.
	keys := make([]uint64, len(ms))
	for i, mt := range ms {
		keys[i] = uint64(uint32(math.MaxInt32-int32(max(min(mt.Score, math.MaxInt32), math.MinInt32+1))))<<32 | uint64(i)
	}
	slices.Sort(keys)
	rows := make([]row, len(ms))
	for i, k := range keys {
		mt := &ms[uint32(k)]
		rows[i] = row{item: mt.Index, hl: mt.MatchedIndexes}
	}
	cand := make([]int, len(ms))
	for i, mt := range ms {
		cand[i] = mt.Index
	}
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

// mergeMatches merges two match lists in list order (Index) into one.
func mergeMatches(a, b fuzzy.Matches) fuzzy.Matches {
	if len(b) == 0 {
		return a
	}
	out := make(fuzzy.Matches, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].Index < b[0].Index {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

// parallelMin is the number of candidates from which findAll spreads the
// matching over the CPUs.
const parallelMin = 2048

// findAll fuzzy-matches q against the candidates' names (or whole search
// texts) and returns the matches in list order, Index being the item.
// Many candidates are matched in chunks on several goroutines.
func findAll(q string, items []item, cand []int, names bool) fuzzy.Matches {
	if len(cand) == 0 {
		return nil
	}
	chunks := 1
	if len(cand) >= parallelMin {
		chunks = min(runtime.GOMAXPROCS(0), len(cand)/(parallelMin/2), 8)
	}
	parts := make([]fuzzy.Matches, chunks)
	size := (len(cand) + chunks - 1) / chunks
	var wg sync.WaitGroup
	for c := range chunks {
		part := cand[min(c*size, len(cand)):min((c+1)*size, len(cand))]
		wg.Go(func() {
			ms := fuzzy.FindFromNoSort(q, subset{items, part, names})
			for i := range ms {
				ms[i].Index = part[ms[i].Index]
			}
			parts[c] = ms
		})
	}
	wg.Wait()
	if chunks == 1 {
		return parts[0]
	}
	return slices.Concat(parts...)
}

// subset is some of the items' names or search texts, as a fuzzy.Source.
type subset struct {
	items []item
	idx   []int
	names bool // only the names
}

func (s subset) String(i int) string {
	it := &s.items[s.idx[i]]
	if s.names {
		return it.search[:it.nameN]
	}
	return it.search
}
func (s subset) Len() int { return len(s.idx) }

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
