package bodyview

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/authlab/authlab/ui/pretty"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// tagPalette marks each class with a readable tag instead of SGR codes,
// to test what the lexer classifies.
var tagPalette = palette{
	muted:      {"<m>", "</>"},
	jsonKey:    {"<K>", "</>"},
	jsonString: {"<S>", "</>"},
	jsonNumber: {"<N>", "</>"},
	jsonBool:   {"<B>", "</>"},
	jsonNull:   {"<0>", "</>"},
	jsonPunct:  {"<P>", "</>"},
}

func TestHighlightJSONLine(t *testing.T) {
	tests := []struct {
		line string
		x, w int
		want string
	}{
		{`{`, 0, 80, `<P>{</>`},
		{`  "errors": [`, 0, 80, `  <K>"errors"</><P>:</> <P>[</>`},
		{`      "code": 215,`, 0, 80, `      <K>"code"</><P>:</> <N>215</><P>,</>`},
		{`      "message": "Bad Authentication data."`, 0, 80, `      <K>"message"</><P>:</> <S>"Bad Authentication data."</>`},
		{`    },`, 0, 80, `    <P>},</>`},
		{`  "a": true,`, 0, 80, `  <K>"a"</><P>:</> <B>true</><P>,</>`},
		{`  "a": false`, 0, 80, `  <K>"a"</><P>:</> <B>false</>`},
		{`  null,`, 0, 80, `  <0>null</><P>,</>`},
		{`  -1.5e+3`, 0, 80, `  <N>-1.5e+3</>`},
		{`  "a": {},`, 0, 80, `  <K>"a"</><P>:</> <P>{},</>`},
		{`  "say \"hi\": ok",`, 0, 80, `  <S>"say \"hi\": ok"</><P>,</>`},
		{`  "k\"": "v\": ",`, 0, 80, `  <K>"k\""</><P>:</> <S>"v\": "</><P>,</>`},
		{`  "C:\\": "\\",`, 0, 80, `  <K>"C:\\"</><P>:</> <S>"\\"</><P>,</>`},
		{`  "\u001b[31m",`, 0, 80, `  <S>"\u001b[31m"</><P>,</>`},
		{`  "Zoë 日本 🎉"`, 0, 80, `  <S>"Zoë 日本 🎉"</>`},
		// Cut by the window: the classes still come from the whole line.
		{`  "message": "Bad Authentication data."`, 5, 10, `<m>…</><K>sage"</><P>:</> <S>"</><m>…</>`},
		{`  "message": "a \": b"`, 16, 6, `<m>…</><S>": b"</>`},
		{`  "flag": true,`, 0, 13, `  <K>"flag"</><P>:</> <B>tr</><m>…</>`},
		{`  "flag": true,`, 12, 10, `<m>…</><B>e</><P>,</>`},
		{`  truthy`, 0, 80, `  truthy`},
		// Not JSON at all: plain, nothing lost.
		{`… body truncated`, 0, 80, `… body truncated`},
		{`<html>`, 0, 80, `<html>`},
	}
	for _, tc := range tests {
		line := []byte(tc.line)
		got := renderOne(&tagPalette, line, isSimple(line), nil, tc.x, tc.w, modeJSON, startsWithKey(line))
		if got != tc.want {
			t.Errorf("render(%q, x=%d, w=%d) = %q; want %q", tc.line, tc.x, tc.w, got, tc.want)
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		line string
		x, w int
		want string
	}{
		{"hello", 0, 10, "hello"},
		{"hello", 0, 5, "hello"},
		{"hello", 0, 4, "hel…"},
		{"hello", 1, 4, "…llo"},
		{"hello", 1, 3, "…l…"},
		{"hello", 0, 1, "…"},
		{"hello", 3, 1, "…"},
		{"hello", 0, 0, ""},
		{"hello", 9, 5, "…"},
		{"", 3, 5, ""},
		{"日本語", 0, 6, "日本語"},
		{"日本語", 0, 5, "日本…"},
		{"日本語", 0, 4, "日 …"},
		{"日本語", 1, 5, "…本語"},
		{"日本語", 2, 4, "… 語"},
		{"日本語", 1, 3, "… …"},
		{"a\tb", 0, 20, "a       b"},
		{"a\tb", 3, 20, "…    b"},
		{"a\tb", 0, 5, "a   …"},
		{"\t\tx", 9, 20, "…      x"},
		{"e\u0301e\u0301", 1, 5, "…"},
		{"🇺🇸🇫🇷", 0, 3, "🇺🇸…"},
		{"👩‍👩‍👧 family", 2, 5, "…fam…"},
		{"👩‍👩‍👧 family", 1, 5, "… fa…"},
		{"x\\x1b]52;c;\\u202e", 0, 12, "x\\x1b]52;c;…"},
		// A zero-width cluster (a lone combining mark after a tab) at the
		// first cell of content is shown, even where a mark (every 8
		// cells) is placed just after it.
		{"\t\u0301xy", 7, 3, "…\u0301xy"},
		{"\t\u0301xy", 8, 3, "…y"},
	}
	for _, tc := range tests {
		line := []byte(tc.line)
		for _, simple := range []bool{false, isSimple(line)} {
			for _, every := range []int{0, 1, 2, 3, 8} {
				var marks []mark
				if every > 0 {
					marks, _ = markLine(line, every)
				}
				got := renderOne(&palette{}, line, simple, marks, tc.x, tc.w, modePlain, false)
				if got != tc.want {
					t.Errorf("render(%q, simple=%v, marks every %d, x=%d, w=%d) = %q; want %q", tc.line, simple, every, tc.x, tc.w, got, tc.want)
				}
			}
		}
		if ref := refCut(tc.line, tc.x, tc.w); ref != tc.want {
			t.Errorf("refCut(%q, %d, %d) = %q; want %q", tc.line, tc.x, tc.w, ref, tc.want)
		}
	}
}

func TestPrepare(t *testing.T) {
	tests := []struct {
		name, ct, body string
		truncated      bool
		kind           pretty.Kind
		lines          []string
		width          int
	}{
		{"empty", "", "", false, pretty.Empty, nil, 0},
		{"empty truncated", "", "", true, pretty.Empty, []string{"… body truncated at 0 B (raise --max-body)"}, 42},
		{"twitter", "application/json", twitter, false, pretty.JSON, strings.Split(strings.TrimSuffix(`{
  "errors": [
    {
      "code": 215,
      "message": "Bad Authentication data."
    }
  ]
}
`, "\n"), "\n"), 43},
		{"text without final newline", "text/plain", "a\n\nbc", false, pretty.Text, []string{"a", "", "bc"}, 2},
		{"text with final newline", "text/plain", "a\nb\n", false, pretty.Text, []string{"a", "b"}, 1},
		{"only a newline", "text/plain", "\n", false, pretty.Text, []string{""}, 0},
		{"CRLF is a line end", "text/plain", "a\r\nb", false, pretty.Text, []string{"a", "b"}, 1},
		{"lone CR is escaped", "text/plain", "a\rb\r\n", false, pretty.Text, []string{`a\x0db`}, 6},
		{"tab and wide", "text/plain", "\t日本", false, pretty.Text, []string{"\t日本"}, 12},
		{"binary", "image/png", "\x89PNG", false, pretty.Binary, []string{"binary body · 4 B · image/png (not shown)"}, 41},
		{"truncated text", "text/plain", "abc", true, pretty.Text, []string{"abc", "… body truncated at 3 B (raise --max-body)"}, 42},
	}
	for _, tc := range tests {
		d := Prepare(tc.ct, []byte(tc.body), tc.truncated)
		var lines []string
		for i := range d.textLines() {
			line, simple := d.line(i)
			if simple != isSimple(line) {
				t.Errorf("%s: line %d %q: simple bit %v; want %v", tc.name, i, line, simple, !simple)
			}
			lines = append(lines, string(line))
		}
		if d.marker != nil {
			lines = append(lines, string(d.marker))
		}
		if d.Kind() != tc.kind || d.Lines() != len(tc.lines) || strings.Join(lines, "\n") != strings.Join(tc.lines, "\n") || d.Width() != tc.width {
			t.Errorf("%s: Prepare(%q, %q, %v) = %v, %d lines %q, width %d; want %v, %d lines %q, width %d", tc.name, tc.ct, tc.body, tc.truncated,
				d.Kind(), d.Lines(), lines, d.Width(), tc.kind, len(tc.lines), tc.lines, tc.width)
		}
	}
}

// TestLongLineKey checks that a JSON line too long to scan at every frame
// gets its key colour from Prepare.
func TestLongLineKey(t *testing.T) {
	long := strings.Repeat("x", 3*longLine)
	body := `[{"` + long + `":"v"},"` + long + `"]`
	d := Prepare("application/json", []byte(body), false)
	want := []bool{false, false, true, false, false, false}
	for i := range d.textLines() {
		line, _ := d.line(i)
		if got := d.longKey(i); got != (want[i] && len(line) > longLine) || startsWithKey(line) != want[i] {
			t.Errorf("line %d %.20q: longKey %v, startsWithKey %v; want %v", i, line, got, startsWithKey(line), want[i])
		}
	}
	m := New(theme.New(true, false), DefaultKeyMap()).SetWrap(false).SetSize(20, 10).SetDocument(d)
	m.pal = tagPalette
	if got, want := strings.Split(m.View(), "\n")[2], `    <K>"xxxxxxxxxxxxxx</><m>…</>`; got != want {
		t.Errorf("long key line = %q; want %q", got, want)
	}
	if got, want := strings.Split(m.View(), "\n")[4], `  <S>"xxxxxxxxxxxxxxxx</><m>…</>`; got != want {
		t.Errorf("long string line = %q; want %q", got, want)
	}
}

func TestStyleSGR(t *testing.T) {
	tests := []struct {
		name  string
		style lipgloss.Style
		want  sgr
	}{
		{"none", lipgloss.NewStyle(), sgr{}},
		{"no colour", lipgloss.NewStyle().Foreground(lipgloss.NoColor{}), sgr{}},
		{"foreground", lipgloss.NewStyle().Foreground(lipgloss.Color("#FF0000")), sgr{"\x1b[38;2;255;0;0m", "\x1b[m"}},
		{"bold", lipgloss.NewStyle().Bold(true), sgr{"\x1b[1m", "\x1b[m"}},
		{"padding adds cells: dropped", lipgloss.NewStyle().Bold(true).Padding(0, 1), sgr{}},
		{"hyperlink is not SGR: dropped", lipgloss.NewStyle().Hyperlink("http://example.com"), sgr{}},
	}
	for _, tc := range tests {
		if got := styleSGR(tc.style); got != tc.want {
			t.Errorf("%s: styleSGR = %q; want %q", tc.name, got, tc.want)
		}
	}
	for _, nc := range []bool{false, true} {
		p := newPalette(theme.New(true, nc))
		for c, s := range p {
			match := class(c) == matchOther || class(c) == matchCur
			if nc && !match && (s.on != "" || s.off != "") {
				t.Errorf("NO_COLOR palette class %d = %q; want none", c, s)
			}
			if match && (!strings.Contains(s.on, "7") || nc && (strings.Contains(s.on, "38;") || strings.Contains(s.on, "48;"))) {
				t.Errorf("NO_COLOR=%v palette class %d = %q; want reverse video, no colour under NO_COLOR", nc, c, s)
			}
			if !nc && class(c) != plain && s.on == "" {
				t.Errorf("colour palette class %d has no style", c)
			}
		}
		if p[matchOther] == p[matchCur] {
			t.Errorf("NO_COLOR=%v: the current match looks like the others (%q)", nc, p[matchCur])
		}
	}
}

// FuzzRender renders arbitrary (sanitized) lines through every mode and
// checks the promises: colour only adds SGR codes, the plain text is the
// reference cut of the line, nothing is wider than the window, and the
// ASCII fast path agrees with the general one.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		`  "message": "Bad Authentication data."`, `  "k\"": "v\": ",`, `    },`, `  -1.5e+3`, "a\tb\t日本",
		"e\u0301🇺🇸👩‍👩‍👧", `"\\\"":`, "\x1b]52;c;\r\u202e", "truefalsenull", `"""`, `\`, "…",
	} {
		f.Add(s, uint8(0), uint8(20))
		f.Add(s, uint8(3), uint8(7))
	}
	colored := newPalette(theme.New(true, false))
	f.Fuzz(func(t *testing.T, s string, x, w uint8) {
		line := []byte(strings.ReplaceAll(sanitize.String(s), "\n", " "))
		simple := isSimple(line)
		want := refCut(string(line), int(x), int(w))
		marks, width := markLine(line, 1+int(x%4))
		if ref := ansi.StringWidth(strings.ReplaceAll(string(line), "\t", "")); !strings.Contains(string(line), "\t") && width != ref {
			t.Fatalf("markLine(%q) width %d; ansi.StringWidth %d", line, width, ref)
		}
		for k, m := range marks {
			if m.off <= 0 || int(m.off) >= len(line) || (k > 0 && m.col <= marks[k-1].col) {
				t.Fatalf("markLine(%q): bad marks %v", line, marks)
			}
			if _, col := walk(line, 0, 0, int(m.col)); col != int(m.col) {
				t.Fatalf("markLine(%q): mark %v is not where cell %d starts", line, m, col)
			}
		}
		if m := renderOne(&palette{}, line, false, marks, int(x), int(w), modePlain, false); m != want {
			t.Fatalf("render(%q, x=%d, w=%d) with marks %v = %q; want %q", line, x, w, marks, m, want)
		}
		for _, md := range []mode{modePlain, modeMuted, modeJSON} {
			for _, key := range []bool{false, true} {
				p := renderOne(&palette{}, line, simple, nil, int(x), int(w), md, key)
				if p != want {
					t.Fatalf("render(%q, x=%d, w=%d, mode %d) = %q; want %q", line, x, w, md, p, want)
				}
				if simple {
					if q := renderOne(&palette{}, line, false, nil, int(x), int(w), md, key); q != p {
						t.Fatalf("render(%q, x=%d, w=%d): simple path %q, general path %q", line, x, w, p, q)
					}
				}
				if md == modeJSON {
					lex := lexLine(line, lexerFor(key), 1+int(w%5))
					if got, want := renderJSON(&tagPalette, line, simple, nil, int(x), int(w), key, lex), renderOne(&tagPalette, line, simple, nil, int(x), int(w), md, key); got != want {
						t.Fatalf("render(%q, x=%d, w=%d) from saved lexer states %v = %q; from the start %q", line, x, w, lex, got, want)
					}
				}
				c := renderOne(&colored, line, simple, nil, int(x), int(w), md, key)
				if !sgrOnly(c) {
					t.Fatalf("render(%q, x=%d, w=%d, mode %d) = %q; escape other than SGR", line, x, w, md, c)
				}
				if st := ansi.Strip(c); st != p {
					t.Fatalf("render(%q, x=%d, w=%d, mode %d): stripped %q; plain %q", line, x, w, md, st, p)
				}
				if sw := ansi.StringWidth(p); sw > int(w) {
					t.Fatalf("render(%q, x=%d, w=%d) = %q is %d cells wide", line, x, w, p, sw)
				}
			}
		}
	})
}
