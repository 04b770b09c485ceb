package authn

import (
	"strings"
	"unicode/utf8"
)

// Suggest returns the candidates nearest to name, for a "did you mean …?"
// after a typo: those at the smallest edit distance (Levenshtein, ignoring
// case, a swap of two neighbours counting as one edit), provided it is small
// for the length of name: 1 for names of up to three characters, else 2
// (cobra's own command suggestions use 2). None when nothing is that close.
// Candidates keep their order.
func Suggest(name string, candidates []string) []string {
	limit := 2
	if utf8.RuneCountInString(name) <= 3 {
		limit = 1
	}
	best := limit + 1
	var out []string
	for _, c := range candidates {
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		switch {
		case d > limit:
		case d < best:
			best, out = d, []string{c}
		case d == best:
			out = append(out, c)
		}
	}
	return out
}

// DidYouMean renders Suggest's answer as "did you mean bearer?" or
// "did you mean oauth1 or oauth2?" ("" for none).
func DidYouMean(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return "did you mean " + names[0] + "?"
	}
	return "did you mean " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1] + "?"
}

// editDistance is the optimal string alignment distance between a and b in
// runes: the fewest insertions, deletions, substitutions and swaps of two
// adjacent runes turning one into the other (Levenshtein plus the swap, the
// most common typo: "jtw" for jwt).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j] is the distance between ra[:i] and rb[:j].
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
