package shell

import (
	"strings"
	"testing"
)

// FuzzSplit: Split never panics; errors are one line; Quote of every word
// reads back as that word; and, outside $'…' (whose escapes make new bytes),
// the words hold only text of the input, in its order: all their bytes
// together are a subsequence of the input.
func FuzzSplit(f *testing.F) {
	for _, tt := range splitTests {
		f.Add(tt.in)
	}
	for _, tt := range splitVarTests {
		f.Add(tt.in)
	}
	for _, tt := range splitErrorTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, err := Split(line)
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("Split(%q) error is not one line: %q", line, err)
			}
			return
		}
		for _, n := range c.Notes {
			if strings.ContainsAny(n, "\r\n") {
				t.Fatalf("Split(%q): note %q is not one line", line, n)
			}
		}
		var all strings.Builder
		for _, w := range c.Words {
			var joined strings.Builder
			for _, p := range w.Parts {
				joined.WriteString(p.Text)
			}
			if joined.String() != w.Text {
				t.Fatalf("Split(%q): word %q is not the sum of its parts %+v", line, w.Text, w.Parts)
			}
			all.WriteString(w.Text)
			back, err := Split(Quote(w.Text))
			if err != nil || len(back.Words) != 1 || back.Words[0].Text != w.Text {
				t.Fatalf("Split(Quote(%q)) = %+v, %v; want the word back", w.Text, back.Words, err)
			}
		}
		if !strings.Contains(line, "$'") && !isSubsequence(all.String(), line) {
			t.Fatalf("Split(%q) = %q: text the input lacks", line, texts(c.Words))
		}
		if c.Rest != "" && !strings.HasSuffix(line, c.Rest) {
			t.Fatalf("Split(%q).Rest = %q is not the end of the input", line, c.Rest)
		}
	})
}

func isSubsequence(sub, s string) bool {
	i := 0
	for j := 0; j < len(s) && i < len(sub); j++ {
		if s[j] == sub[i] {
			i++
		}
	}
	return i == len(sub)
}
