package bodyview

import (
	"bytes"
	gold "github.com/authlab/authlab/internal/golden"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/ui/pretty"
	"github.com/charmbracelet/x/ansi"
)

const twitter = `{"errors":[{"code":215,"message":"Bad Authentication data."}]}`

// longText is an HTML error page with lines far wider than the window,
// tabs, wide runes and an emoji, to scroll sideways through.
func longText() []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><title>401 Unauthorized</title></head>\n<body>\n")
	b.WriteString("\t<p>The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required.</p>\n")
	b.WriteString("\t<p lang=\"ja\">認証に失敗しました。ユーザー名とパスワードを確認してから、もう一度お試しください。🔑 Zoë's token was rejected by the upstream identity provider at 2024-05-01T12:00:00Z.</p>\n")
	for i := range 40 {
		b.WriteString("<!-- trace " + strconv.Itoa(i) + ": " + strings.Repeat("abcdefghij", 3+i%7) + " -->\n")
	}
	b.WriteString("</body></html>\n")
	return []byte(b.String())
}

// truncatedJSON is the first 300 bytes of a JSON list, as the body cap
// leaves it: no longer valid JSON, so shown as text, with the marker.
func truncatedJSON(tb testing.TB) []byte {
	return bigJSON(tb, 1000)[:300]
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		doc  func() Document
		msgs []tea.Msg
	}{
		{"twitter", func() Document {
			return Prepare("application/json; charset=utf-8", []byte(twitter), false)
		}, nil},
		{"longtext-right", func() Document {
			return Prepare("text/html; charset=utf-8", longText(), false)
		}, []tea.Msg{keyRight, keyRight, keyRight, keyDown}},
		{"truncated", func() Document {
			return Prepare("application/json", truncatedJSON(t), true)
		}, []tea.Msg{keyEnd}},
		{"empty", func() Document { return Prepare("application/json", nil, false) }, nil},
		{"binary", func() Document { return Prepare("image/png", []byte("\x89PNG\r\n\x1a\n\x00"), false) }, nil},
	}
	for _, tc := range tests {
		for _, size := range [][2]int{{80, 20}, {120, 36}} {
			w, h := size[0], size[1]
			name := tc.name + "-" + strconv.Itoa(w) + "x" + strconv.Itoa(h)
			m := colorModel(tc.doc(), w, h)
			for _, msg := range tc.msgs {
				m, _ = m.Update(msg)
			}
			view := m.View()
			checkFrame(t, view, w, h)
			got := ansi.Strip(view)
			if plain := plainModel(m.Document(), w, h).scrollTo(m.YOffset(), m.XOffset()).View(); plain != got {
				t.Errorf("%s: NO_COLOR view differs from the stripped colour view:\n%s\nwant\n%s", name, plain, got)
			}
			gold.Assert(t, name, got)
		}
	}
}

// TestNoColorHasNoEscapes checks that the NO_COLOR theme gives output
// without a single escape sequence, for every kind of document.
func TestNoColorHasNoEscapes(t *testing.T) {
	for _, d := range []Document{
		Prepare("application/json", []byte(twitter), true),
		Prepare("text/html", longText(), false),
		Prepare("image/png", []byte("x"), false),
		{},
	} {
		m := plainModel(d, 40, 30)
		m, _ = m.Update(keyRight)
		if v := m.View(); strings.IndexByte(v, 0x1b) >= 0 {
			t.Errorf("View() of a %v document with NO_COLOR = %q; contains ESC", d.Kind(), v)
		}
	}
}

// TestHostileBody renders bodies built to attack the terminal and checks
// that the only escape sequences on screen are our SGR codes, and that no
// raw control or bidi character survives.
func TestHostileBody(t *testing.T) {
	hostile := "\x1b]52;c;ZXZpbA==\x07\x1b[2Jtoken=SECRET\rtoken=******\u202eexe.txt\x9b2J\u009b31m\x1b]8;;http://evil\x1b\\bank\x1b]8;;\x1b\\"
	tests := []struct{ ct, body string }{
		{"text/plain", hostile},
		{"text/plain", strings.Repeat(hostile, 50)}, // long line, scrolled
		{"application/json", `{"m":"\u001b]52;c;ZXZpbA==\u0007\u001b[2J\r\u202e"}`},
		{"application/json", "{\"m\":\"a\x9bb\xc2\x9bc\u202ed\",\"\u202ek\":1}"},
		{"application/json", "{\"m\":\"" + hostile + "\"}"},
	}
	for _, tc := range tests {
		for _, truncated := range []bool{false, true} {
			m := colorModel(Prepare(tc.ct, []byte(tc.body), truncated), 60, 10)
			for _, msg := range []tea.Msg{nil, keyRight, keyRight, keyEnd} {
				m, _ = m.Update(msg)
				view := m.View()
				checkFrame(t, view, 60, 10)
				plain := ansi.Strip(view)
				for _, bad := range []string{"\x1b", "\r", "\a", "\u202e", "\u009b", "\x9b"} {
					if strings.Contains(plain, bad) {
						t.Errorf("View() of %q = %q; contains %q after removing SGR", tc.body, view, bad)
					}
				}
			}
		}
	}
}

// TestStripEqualsPlain checks, over every line of some documents and many
// windows, that removing the SGR codes from a coloured line gives exactly
// the NO_COLOR line, and that this equals the reference cut of the line.
func TestStripEqualsPlain(t *testing.T) {
	docs := []Document{
		Prepare("application/json", bigJSON(t, 4000), false),
		Prepare("application/json", []byte(`{"a\"b": "x\": y", "c": [true, false, null, -1.5e+3, {}, []], "\\": "\\\\", "d":"日本🎉"}`), true),
		Prepare("text/html", longText(), false),
		// Long lines that are not plain ASCII, measured from marks.
		Prepare("text/plain", []byte(strings.Repeat("Zoë\t日本 🎉 e\u0301 ", 1000)+"\n"+strings.Repeat("ab日", 2000)), false),
		Prepare("application/json", []byte(`["`+strings.Repeat(`日本 \"x\": `, 1000)+`"]`), false),
		Prepare("application/json", []byte(`{"`+strings.Repeat(`\\\"`, 2000)+`": [`+strings.Repeat(`1`, 5000)+`, "`+strings.Repeat(`<a href=\"x\">`, 2000)+`"]}`), false),
	}
	colored := colorModel(Document{}, 0, 0).pal
	plainPal := palette{}
	for _, d := range docs {
		for i := range d.textLines() {
			line, simple := d.line(i)
			marks := d.marks[int32(i)]
			if len(line) > longLine && !simple && marks == nil {
				t.Fatalf("long line %d has no marks", i)
			}
			if len(line) > longLine && d.Kind() == pretty.JSON && d.lex[int32(i)] == nil {
				t.Fatalf("long JSON line %d has no saved lexer states", i)
			}
			for _, x := range []int{0, 1, 2, 3, 5, 8, 13, 40, 100, 1023, 1024, 1025, 2047, 3001, 5000, 20000} {
				for _, w := range []int{0, 1, 2, 3, 7, 20, 80} {
					md := modePlain
					if d.Kind() == pretty.JSON {
						md = modeJSON
					}
					key := startsWithKey(line)
					c := renderOne(&colored, line, simple, marks, x, w, md, key)
					p := renderOne(&plainPal, line, simple, marks, x, w, md, key)
					if s := ansi.Strip(c); s != p {
						t.Fatalf("line %q at x=%d w=%d: stripped %q; plain %q", line, x, w, s, p)
					}
					if lex := d.lex[int32(i)]; lex != nil {
						if got, want := renderJSON(&tagPalette, line, simple, marks, x, w, key, lex), renderOne(&tagPalette, line, simple, marks, x, w, md, key); got != want {
							t.Fatalf("line %.40q… at x=%d w=%d: from saved lexer states %q; from the start %q", line, x, w, got, want)
						}
					}
					if want := refCut(string(line), x, w); p != want {
						t.Fatalf("line %q at x=%d w=%d: %q; want %q", line, x, w, p, want)
					}
				}
			}
		}
	}
}

// TestBigJSON prepares a 20 MB JSON body, scrolls to the bottom and checks
// the last lines.
func TestBigJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("20 MB body")
	}
	body := bigJSON(t, 20<<20)
	d := Prepare("application/json", body, false)
	if d.Kind() != pretty.JSON {
		t.Fatalf("Prepare(20 MB JSON).Kind() = %v; want json", d.Kind())
	}
	m := colorModel(d, 120, 40)
	m, _ = m.Update(keyEnd)
	if want := d.Lines() - 40; m.YOffset() != want || m.ScrollPercent() != 1 {
		t.Fatalf("after end: YOffset %d, ScrollPercent %v; want %d, 1", m.YOffset(), m.ScrollPercent(), want)
	}
	view := m.View()
	checkFrame(t, view, 120, 40)
	lines := strings.Split(ansi.Strip(view), "\n")
	if last := lines[len(lines)-1]; last != "]" && last != "}" {
		t.Errorf("last line at the bottom = %q; want ] or }", last)
	}
	if prev := lines[len(lines)-2]; prev != "  }" {
		t.Errorf("line before last = %q; want \"  }\"", prev)
	}
	m, _ = m.Update(keyPgUp)
	checkFrame(t, m.View(), 120, 40)
}

// TestHugeLine scrolls sideways through a 20 MB body that is one line.
func TestHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("20 MB body")
	}
	for _, ct := range []string{"application/json", "text/plain"} {
		body := bytes.Repeat([]byte("Zoë 日本 0123456789 "), (20<<20)/24)
		if ct == "application/json" {
			body = append(append([]byte(`{"blob":"`), body...), `"}`...)
		}
		d := Prepare(ct, body, false)
		m := colorModel(d, 120, 40)
		for range 100 {
			m, _ = m.Update(keyRight)
		}
		if m.XOffset() != 100*30 {
			t.Fatalf("%s: XOffset after 100 steps = %d; want 3000", ct, m.XOffset())
		}
		checkFrame(t, m.View(), 120, 40)
	}
}

// renderOne renders one line with palette p.
func renderOne(p *palette, line []byte, simple bool, marks []mark, x, w int, md mode, key bool) string {
	r := renderer{p: *p}
	r.render(line, simple, marks, x, w, md, lexerFor(key), nil)
	return r.b.String()
}

// renderJSON renders one line of JSON with palette p, starting the lexer
// from the saved states lex.
func renderJSON(p *palette, line []byte, simple bool, marks []mark, x, w int, key bool, lex []lexMark) string {
	r := renderer{p: *p}
	r.render(line, simple, marks, x, w, modeJSON, lexerFor(key), lex)
	return r.b.String()
}

// refCut is the reference for cut and render without colour: it measures
// the whole line cluster by cluster, with none of the fast paths, and
// lays out cells [x, x+w) by the rules cut documents.
func refCut(line string, x, w int) string {
	type cl struct {
		s     string
		c, cw int
	}
	var cls []cl
	col := 0
	for rest := line; rest != ""; {
		g, cw := "\t", tabWidth-col%tabWidth
		if rest[0] != '\t' {
			g, cw = ansi.FirstGraphemeCluster(rest, ansi.GraphemeWidth)
		}
		cls = append(cls, cl{g, col, cw})
		col += cw
		rest = rest[len(g):]
	}
	if w <= 0 {
		return ""
	}
	left := x > 0 && line != ""
	cs := x
	if left {
		cs++
	}
	right := col > x+w && (w > 1 || !left)
	ce := x + w
	if right {
		ce--
	}
	var out strings.Builder
	if left {
		out.WriteString(ellipsis)
	}
	pos := cs
	for _, k := range cls {
		switch {
		case k.c < cs && k.c+k.cw > cs: // cut by the left edge
			for ; pos < min(k.c+k.cw, ce); pos++ {
				out.WriteByte(' ')
			}
		case k.c >= cs && k.c+k.cw <= ce:
			for ; pos < k.c; pos++ {
				out.WriteByte(' ')
			}
			if k.s == "\t" {
				out.WriteString(strings.Repeat(" ", k.cw))
			} else {
				out.WriteString(k.s)
			}
			pos = k.c + k.cw
		}
	}
	if right {
		for ; pos < ce; pos++ {
			out.WriteByte(' ')
		}
		out.WriteString(ellipsis)
	}
	return out.String()
}
