package bodyview

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	gold "github.com/authlab/authlab/internal/golden"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

var (
	keyEnter = tea.KeyPressMsg{Code: tea.KeyEnter}
	keyEsc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	keyN     = keyRune('n')
	keyShN   = tea.KeyPressMsg{Code: 'n', ShiftedCode: 'N', Text: "N", Mod: tea.ModShift}
)

// searchModel returns a coloured model with the footer, wrap as given.
func searchModel(d Document, w, h int, wrap bool) Model {
	return New(theme.New(true, false), DefaultKeyMap()).SetWrap(wrap).SetSize(w, h).SetDocument(d)
}

// send feeds msgs to m in order.
func send(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		m, _ = m.Update(msg)
	}
	return m
}

// typeQuery opens the search field and types q key by key.
func typeQuery(m Model, q string) Model {
	m = send(m, keyRune('/'))
	for _, r := range q {
		m = send(m, keyRune(r))
	}
	return m
}

// footerOf returns the last row of m's view, colour stripped.
func footerOf(m Model) string {
	rows := strings.Split(ansi.Strip(m.View()), "\n")
	return rows[len(rows)-1]
}

func TestSearchMatches(t *testing.T) {
	const body = "Bad Authentication data.\nbad BAD bAd\nZoë ZOË zoë\n\x1b[31m red\n"
	tests := []struct {
		name, body, query string
		want              int    // matches
		counter           string // in the footer
	}{
		{"case-insensitive ASCII", body, "bad", 4, "1/4"},
		{"upper-case query", body, "BAD", 4, "1/4"},
		{"unicode folding", body, "zoË", 3, "1/3"},
		{"kelvin sign folds to k", "Kelvin \u212a k\n", "k", 3, "1/3"},
		{"phrase with space", body, "n d", 1, "1/1"},
		{"literal, not a pattern", body, "a.", 1, "1/1"},
		{"no match", body, "oauth", 0, "no match"},
		{"escaped ESC matches the shown text", body, `\x1b[31m`, 1, "1/1"},
		{"not the raw ESC byte", body, "[31m r", 1, "1/1"},
		{"non-overlapping", "aaaaa\n", "aa", 2, "1/2"},
		{"cap", strings.Repeat("a", maxMatches+5) + "\n", "a", maxMatches, "1/10000+"},
	}
	for _, tc := range tests {
		m := typeQuery(searchModel(Prepare("text/plain", []byte(tc.body), false), 80, 10, true), tc.query)
		if got := len(m.find.matches); got != tc.want {
			t.Errorf("%s: search(%q) found %d matches; want %d", tc.name, tc.query, got, tc.want)
		}
		if got := footerOf(m); !strings.Contains(got, tc.counter) {
			t.Errorf("%s: footer after typing %q = %q; want it to contain %q", tc.name, tc.query, got, tc.counter)
		}
		for _, sp := range m.find.matches {
			if got := string(m.doc.text[sp.s:sp.e]); !strings.EqualFold(got, tc.query) {
				t.Errorf("%s: match %q; want %q up to case", tc.name, got, tc.query)
				break
			}
		}
	}
}

func TestSearchNextPrev(t *testing.T) {
	d := Prepare("text/plain", []byte("x1\nx2\nfoo x3\nx4\n"), false)
	tests := []struct {
		name string
		keys []tea.Msg
		want string
	}{
		{"first", nil, "1/4"},
		{"next", []tea.Msg{keyN}, "2/4"},
		{"next wraps", []tea.Msg{keyN, keyN, keyN, keyN}, "1/4"},
		{"prev wraps", []tea.Msg{keyShN}, "4/4"},
		{"prev after next", []tea.Msg{keyN, keyN, keyShN}, "2/4"},
	}
	for _, tc := range tests {
		m := send(typeQuery(searchModel(d, 40, 6, true), "x"), keyEnter)
		m = send(m, tc.keys...)
		if got := m.find.counter(); got != tc.want {
			t.Errorf("%s: counter = %q; want %q", tc.name, got, tc.want)
		}
		if got := footerOf(m); !strings.Contains(got, tc.want) {
			t.Errorf("%s: footer = %q; want it to contain %q", tc.name, got, tc.want)
		}
	}
}

// farBody is a body whose matches lie far down and, on one long line,
// far to the right, with wide runes before it.
func farBody() []byte {
	var b strings.Builder
	for i := range 200 {
		b.WriteString("filler line " + strconv.Itoa(i) + "\n")
	}
	b.WriteString(strings.Repeat("認証 abc ", 500) + "NEEDLE-ONE tail\n")
	for i := range 200 {
		b.WriteString("more filler " + strconv.Itoa(i) + "\n")
	}
	b.WriteString(strings.Repeat("q", 5000) + "NEEDLE-TWO\n")
	return []byte(b.String())
}

func TestSearchScrollsIntoView(t *testing.T) {
	d := Prepare("text/plain", farBody(), false)
	st := theme.New(true, false)
	cur := newPalette(st)[matchCur].on
	for _, wrap := range []bool{true, false} {
		for _, size := range [][2]int{{80, 24}, {37, 9}} {
			m := send(typeQuery(searchModel(d, size[0], size[1], wrap), "needle-"), keyEnter)
			for i, want := range []string{"NEEDLE-ONE", "NEEDLE-TWO", "NEEDLE-ONE"} {
				if i > 0 {
					m = send(m, keyN)
				}
				view := m.View()
				checkFrame(t, view, size[0], size[1])
				// Wrapped, the match may be split across rows.
				shown := strings.ReplaceAll(ansi.Strip(view), "\n", "")
				if !wrap {
					shown = ansi.Strip(view)
				}
				if !strings.Contains(shown, want) || !strings.Contains(view, cur+"N") {
					t.Errorf("wrap=%v %dx%d step %d: view does not show the current match %q:\n%s", wrap, size[0], size[1], i, want, ansi.Strip(view))
				}
			}
		}
	}
}

func TestSearchEscAndTyping(t *testing.T) {
	d := Prepare("text/plain", []byte("alpha beta\nwrap copy\n"), false)
	m := searchModel(d, 40, 5, true)
	if m.Typing() {
		t.Fatalf("Typing() = true before /; want false")
	}
	m = typeQuery(m, "wc")
	if !m.Typing() {
		t.Fatalf("Typing() = false with the field open; want true")
	}
	if !m.Wrapped() || m.Query() != "wc" {
		t.Errorf("typing \"wc\": Wrapped() = %v, Query() = %q; want the keys typed (true, \"wc\")", m.Wrapped(), m.Query())
	}
	m = send(m, keyEsc)
	if m.Typing() || m.Query() != "" {
		t.Errorf("esc in the field: Typing() = %v, Query() = %q; want false, \"\"", m.Typing(), m.Query())
	}
	m = send(typeQuery(m, "beta"), keyEnter)
	if m.Typing() || m.Query() != "beta" || !strings.Contains(footerOf(m), "1/1") {
		t.Errorf("enter: Typing() = %v, Query() = %q, footer %q; want false, \"beta\", 1/1", m.Typing(), m.Query(), footerOf(m))
	}
	m = send(m, keyEsc)
	if m.Query() != "" || strings.Contains(footerOf(m), "beta") {
		t.Errorf("esc after enter: Query() = %q, footer %q; want the search cleared", m.Query(), footerOf(m))
	}
	if strings.Contains(m.View(), newPalette(theme.New(true, false))[matchOther].on) {
		t.Errorf("esc: matches still highlighted")
	}
}

func TestSearchHostileText(t *testing.T) {
	d := Prepare("text/plain", []byte("before \x1b]52;c;aGk=\x07 after\n"), false)
	m := send(searchModel(d, 80, 5, true), keyRune('/'), tea.PasteMsg{Content: "\x1b]52;c;\u202e"})
	if want := `\x1b]52;c;\u202e`; m.Query() != want {
		t.Errorf("paste: Query() = %q; want %q", m.Query(), want)
	}
	view := m.View()
	checkFrame(t, view, 80, 5)
	if got := footerOf(m); !strings.Contains(got, `/\x1b]52;c;\u202e`) {
		t.Errorf("footer = %q; want the pasted text escaped", got)
	}
	m = send(m, tea.PasteMsg{Content: "\r\n"})
	checkFrame(t, m.View(), 80, 5)
	m = send(typeQuery(send(m, keyEsc), ""), tea.PasteMsg{Content: `\x1b]52`})
	if got := m.find.counter(); got != "1/1" {
		t.Errorf("search for the escaped text: %q; want 1/1", got)
	}
}

// TestSearchAllocation checks that a keystroke in the search field does
// not allocate anything like the body: only the match list.
func TestSearchAllocation(t *testing.T) {
	body := bigJSON(t, 4<<20)
	m := typeQuery(searchModel(Prepare("application/json", body, false), 120, 40, true), "zo")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m = send(m, keyRune('ë'))
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > uint64(len(body)/8) {
		t.Errorf("one keystroke allocated %d bytes on a %d-byte body; want < %d", got, len(body), len(body)/8)
	}
	if !strings.HasSuffix(m.find.counter(), "+") {
		t.Errorf("counter on a 4 MB body = %q; want capped", m.find.counter())
	}
}

func TestSearchGolden(t *testing.T) {
	for _, bc := range []struct {
		name, ct, body, query string
		wrap                  bool
		keys                  []tea.Msg
	}{
		{"search-json", "application/json", string(bigJSON(t, 3000)), "user1", true, nil},
		{"search-xml-cut", "application/xml", wrapBodies(t)[2].body, "oauth", false, []tea.Msg{keyEnter, keyN, keyN}},
		{"search-wide", "text/plain; charset=utf-8", wrapBodies(t)[6].body, "zoë", true, []tea.Msg{keyEnter, keyShN, keyShN}},
	} {
		for _, size := range [][2]int{{80, 24}, {100, 30}, {160, 45}} {
			w, h := size[0], size[1]
			m := typeQuery(searchModel(Prepare(bc.ct, []byte(bc.body), false), w, h, bc.wrap), bc.query)
			m = send(m, bc.keys...)
			view := m.View()
			checkFrame(t, view, w, h)
			gold.Assert(t, bc.name+"-"+strconv.Itoa(w)+"x"+strconv.Itoa(h), ansi.Strip(view))
		}
	}
}

// BenchmarkSearch20MB measures a keystroke in the search field on a 20 MB
// JSON body (one scan for the new query, capped at maxMatches, and the
// scroll to the first match) and a step to the next match, each with the
// View that follows, at 120×40. Skipped under -short.
func BenchmarkSearch20MB(b *testing.B) {
	if testing.Short() {
		b.Skip("20 MB body")
	}
	d := Prepare("application/json", bigJSON(b, 20<<20), false)
	for _, bc := range []struct{ name, query string }{
		{"rare", "user999999"}, // scans the whole body
		{"common", "zoë"},      // stops at the cap
		{"none", "oauth"},      // scans the whole body
	} {
		b.Run("type/"+bc.name, func(b *testing.B) {
			rs := []rune(bc.query)
			prefix, last := string(rs[:len(rs)-1]), keyRune(rs[len(rs)-1])
			m := typeQuery(searchModel(d, 120, 40, true), prefix)
			b.ReportAllocs()
			for b.Loop() {
				m.input.SetValue(prefix)
				m.find = search{}
				m, _ = m.Update(last)
				_ = m.View()
			}
		})
	}
	// A 20 MB text body that is one line of wide runes: wrapped, every
	// row boundary has to be found cluster by cluster.
	wide := Prepare("text/plain", bytes.Repeat([]byte("Zoë 日本 0123456789 "), (20<<20)/24), false)
	for _, bc := range []struct {
		name, query string
		d           Document
	}{{"json", "manager", d}, {"wide-line", "日本 01", wide}} {
		for _, wrap := range []bool{true, false} {
			b.Run("next/"+bc.name+"/wrap="+strconv.FormatBool(wrap), func(b *testing.B) {
				m := send(typeQuery(searchModel(bc.d, 120, 40, wrap), bc.query), keyEnter)
				b.ReportAllocs()
				for b.Loop() {
					m, _ = m.Update(keyN)
					_ = m.View()
				}
			})
		}
	}
}

func TestSearchHighlight(t *testing.T) {
	p := newPalette(theme.New(true, false))
	cur, other := p[matchCur].on+"ab", p[matchOther].on+"ab"
	for _, tc := range []struct {
		name, ct, body string
		wrap           bool
	}{
		{"text wrapped", "text/plain", "ab x AB\n\tab\n", true},
		{"text cut", "text/plain", "ab x AB\n\tab\n", false},
		{"json", "application/json", `{"ab":"x AB","y":["ab"]}`, true},
	} {
		m := send(typeQuery(searchModel(Prepare(tc.ct, []byte(tc.body), false), 40, 8, tc.wrap), "ab"), keyEnter, keyN)
		view := m.View()
		checkFrame(t, view, 40, 8)
		if n := strings.Count(view, cur) + strings.Count(view, p[matchCur].on+"AB"); n != 1 {
			t.Errorf("%s: %d current matches highlighted; want 1:\n%q", tc.name, n, view)
		}
		if n := strings.Count(view, other) + strings.Count(view, p[matchOther].on+"AB"); n != 2 {
			t.Errorf("%s: %d other matches highlighted; want 2:\n%q", tc.name, n, view)
		}
		if !strings.Contains(ansi.Strip(view), "2/3") {
			t.Errorf("%s: footer = %q; want 2/3", tc.name, footerOf(m))
		}
	}
}

// TestSearchKeepsText checks that highlighting only adds SGR codes: with
// a search on, every body row shows the same text as without it, for
// every kind of body, wrapped and cut, at several widths.
func TestSearchKeepsText(t *testing.T) {
	for _, bc := range wrapBodies(t) {
		d := Prepare(bc.ct, []byte(bc.body), false)
		for _, q := range []string{"a", "認証", "\t", " ", "th", "zoë 認"} {
			for _, wrap := range []bool{true, false} {
				for _, w := range []int{7, 80, 160} {
					plain := searchModel(d, w, 12, wrap)
					m := send(typeQuery(plain, q), keyEnter, keyN, keyN)
					plain = plain.scrollTo(m.YOffset(), m.XOffset())
					plain.ry = m.ry
					got, want := strings.Split(m.View(), "\n"), strings.Split(plain.View(), "\n")
					checkFrame(t, m.View(), w, 12)
					for i := range len(got) - 1 {
						if ansi.Strip(got[i]) != ansi.Strip(want[i]) {
							t.Errorf("%s q=%q wrap=%v w=%d row %d = %q; want %q", bc.name, q, wrap, w, i, ansi.Strip(got[i]), ansi.Strip(want[i]))
						}
					}
				}
			}
		}
	}
}
