package traceview

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var wrapTests = []struct {
	s    string
	w    int
	want []string
}{
	{"", 4, []string{""}},
	{"abcd", 4, []string{"abcd"}},
	{"abcdef", 4, []string{"abcd", "ef"}},
	{"verify_credentials.json&oauth", 20, []string{"verify_credentials.j", "son&oauth"}},
	{"ab", 0, []string{"a", "b"}},
	{"日本語", 5, []string{"日本", "語"}},                                     // a wide cluster never straddles a row
	{"日", 1, []string{"日"}},                                             // wider than the row: a row of its own
	{"e\u0301e\u0301e\u0301", 2, []string{"e\u0301e\u0301", "e\u0301"}}, // a combining mark stays with its base
	{"a b  c", 3, []string{"a b", "  c"}},                               // spaces are characters like any other
}

func TestWrap(t *testing.T) {
	for _, tt := range wrapTests {
		got := Wrap(tt.s, tt.w)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Wrap(%q, %d) = %q; want %q", tt.s, tt.w, got, tt.want)
		}
		if j := strings.Join(got, ""); j != tt.s {
			t.Errorf("strings.Join(Wrap(%q, %d), \"\") = %q; want the input back", tt.s, tt.w, j)
		}
		for _, r := range got {
			// only a single cluster wider than the row may exceed it
			if w := ansi.StringWidth(r); w > max(tt.w, 1) && !single(r) {
				t.Errorf("Wrap(%q, %d) has a row %q of %d cells", tt.s, tt.w, r, w)
			}
		}
	}
}

func FuzzWrap(f *testing.F) {
	for _, tt := range wrapTests {
		f.Add(tt.s, tt.w)
	}
	f.Fuzz(func(t *testing.T, s string, w int) {
		w = w%200 + 1
		if w < 1 || strings.Contains(s, "\n") {
			return
		}
		rows := Wrap(s, w)
		if j := strings.Join(rows, ""); j != s {
			t.Fatalf("strings.Join(Wrap(%q, %d), \"\") = %q", s, w, j)
		}
	})
}

func single(r string) bool {
	g, _ := ansi.FirstGraphemeCluster(r, ansi.GraphemeWidth)
	return g == r
}
