package golden

import "testing"

var firstDiffTests = []struct {
	got, want string
	line      int
	g, w      string
}{
	{"a\nb\nc", "a\nx\nc", 2, "b", "x"},
	{"a\nb", "a\nb\nc", 3, "", "c"},
	{"a\nb\nc", "a\nb", 3, "c", ""},
	{"", "a", 1, "", "a"},
}

func TestFirstDiff(t *testing.T) {
	for _, tt := range firstDiffTests {
		line, g, w := firstDiff(tt.got, tt.want)
		if line != tt.line || g != tt.g || w != tt.w {
			t.Errorf("firstDiff(%q, %q) = %d, %q, %q; want %d, %q, %q", tt.got, tt.want, line, g, w, tt.line, tt.g, tt.w)
		}
	}
}
