package browser

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/theme"
)

// Layout. Narrow, the preview is under the list, after a rule; from wideMin
// columns on it is beside it:
//
//	Profiles  12                 Profiles  12        │ github/user
//	    health                       health          │ GET https://…
//	  github/                      github/           │ scheme   bearer
//	▸     user                   ▸     user          │ …
//	──────────────
//	github/user
//	GET https://…
//
// A list row is the selection gutter, the indent of an entry under a group
// header, the mark column (✗ broken, ! warning) and the name.
const (
	wideMin    = 96 // from this width on, the preview is beside the list
	wideListW  = 30 // list column width when wide: 2/5 of the width, within these
	wideListW2 = 60
	wideGap    = " │ "
	narrowPrev = 12 // below this height, no preview under the list
	gutter     = "▸ "
	indent     = "  "
	markBroken = "✗ "
	markWarn   = "! "
	noMark     = "  "
	labelW     = 9 // preview labels ("headers  ")
	maxURL     = 3 // lines of a wrapped URL in the preview
	maxNote    = 3 // lines of a wrapped note under the list
)

type layout struct {
	wide         bool
	listW, listH int // list column width; rows of the list
	prevW, prevH int // preview size; prevH 0: no preview
}

func (m Model) layout() layout {
	w, h := m.width, m.height
	l := layout{listW: w, prevW: w}
	if len(m.items) > 0 {
		switch {
		case w >= wideMin:
			l.wide = true
			l.listW = min(max(w*2/5, wideListW), wideListW2)
			l.prevW = w - l.listW - ansi.StringWidth(wideGap)
			l.prevH = h
		case h >= narrowPrev:
			l.prevH = min(max(h*2/5, 4), 10)
		}
	}
	l.listH = h - 1 - len(m.status(l.listW))
	if !l.wide && l.prevH > 0 {
		l.listH -= l.prevH + 1
	}
	l.listH = max(l.listH, 0)
	return l
}

// View renders the browser in at most the size given to [Model.SetSize]:
// never more lines than the height, no line wider than the width.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	m.scroll()
	l := m.layout()
	left := m.listColumn(l)
	var lines []string
	switch {
	case l.wide:
		right := m.preview(l.prevW, l.prevH)
		gap := m.st.Muted.Render(wideGap)
		lines = make([]string, m.height)
		for i := range lines {
			var a, b string
			if i < len(left) {
				a = left[i]
			}
			if i < len(right) {
				b = right[i]
			}
			pad := max(l.listW-ansi.StringWidth(a), 0)
			lines[i] = a + strings.Repeat(" ", pad) + gap + b
		}
	case l.prevH > 0:
		lines = append(left, m.st.Muted.Render(strings.Repeat("─", m.width)))
		lines = append(lines, m.preview(l.prevW, l.prevH)...)
	default:
		lines = left
	}
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	for i, s := range lines {
		lines[i] = strings.TrimRight(ansi.Truncate(s, m.width, "…"), " ")
	}
	return strings.Join(lines, "\n")
}

// listColumn is the title line, the list (exactly listH lines) and the
// status lines under it.
func (m Model) listColumn(l layout) []string {
	w := l.listW
	out := make([]string, 0, 1+l.listH+maxNote+2)
	out = append(out, m.titleLine(w))
	body := m.listBody(l)
	for len(body) < l.listH {
		body = append(body, "")
	}
	out = append(out, body[:l.listH]...)
	for _, s := range m.status(w) {
		switch {
		case s.input:
			out = append(out, inputView(m.name, w))
		default:
			out = append(out, s.style.Render(ansi.Truncate(s.text, w, "…")))
		}
	}
	return out
}

// titleLine is "Profiles  12", the loading count, or the filter input.
func (m Model) titleLine(w int) string {
	n := len(m.items)
	if m.mode == modeFilter || m.query != "" {
		count := fmt.Sprintf("%d of %d", len(m.rows), n)
		if m.loading {
			count += " · loading…"
		}
		in := inputView(m.filter, w)
		if ansi.StringWidth(in)+2+len(count) <= w {
			in += "  " + m.st.Muted.Render(count)
		}
		return in
	}
	t := m.st.Title.Render(title)
	switch {
	case m.loading:
		t += "  " + m.st.Muted.Render(fmt.Sprintf("loading… %d profiles", n))
	case n > 0:
		t += "  " + m.st.Muted.Render(strconv.Itoa(n))
	}
	return ansi.Truncate(t, w, "…")
}

// inputView renders a text input without the blanks textinput pads it with.
func inputView(ti textinput.Model, w int) string {
	// The prompt, the value and the cursor cell; the rest is padding.
	used := ansi.StringWidth(ti.Prompt) + ansi.StringWidth(ti.Value()) + 1
	return ansi.Truncate(ti.View(), min(used, w), "")
}

// listBody is the visible part of the list, or what stands in its place.
func (m Model) listBody(l layout) []string {
	w := l.listW
	switch {
	case len(m.items) == 0 && m.loading:
		return []string{m.st.Muted.Render("loading…")}
	case len(m.items) == 0:
		var out []string
		out = append(out, "")
		out = append(out, wrap(msgEmpty, w)...)
		if m.dir != "" {
			out = append(out, "", m.st.Muted.Render("folder"))
			for _, s := range wrap(sanitize.Line(m.dir), w) {
				out = append(out, m.st.Value.Render(s))
			}
		}
		return out
	case len(m.rows) == 0:
		return []string{m.st.Muted.Render(ansi.Truncate("no profile matches "+strconv.Quote(m.query), w, "…"))}
	}
	end := min(m.offset+l.listH, len(m.rows))
	out := make([]string, 0, end-m.offset)
	for i := m.offset; i < end; i++ {
		out = append(out, m.renderRow(m.rows[i], i == m.cursor, w))
	}
	return out
}

// renderRow renders one list row in at most w cells.
func (m Model) renderRow(r row, selected bool, w int) string {
	if r.header() {
		return ansi.Truncate(noMark+m.st.Label.Render(m.items[r.next].group+"/"), w, "…")
	}
	it := m.items[r.item]
	base := m.st.Value
	g := noMark
	if selected {
		base = m.st.LabelFocused
		g = m.st.LabelFocused.Render(gutter)
	}
	var b strings.Builder
	b.WriteString(g)
	if m.query == "" && it.group != "" {
		b.WriteString(indent)
	}
	switch {
	case it.e.Broken():
		b.WriteString(m.st.Error.Render(markBroken))
	case it.e.Warning != "":
		b.WriteString(m.st.Warn.Render(markWarn))
	default:
		b.WriteString(noMark)
	}
	// Matched characters: underlined (reversed on the selected row without
	// colour, where the row is underlined already).
	hi := m.st.Info.Underline(true)
	switch {
	case selected && m.st.NoColor:
		hi = base.Reverse(true)
	case selected:
		hi = base.Underline(true)
	}
	if m.query == "" {
		b.WriteString(base.Render(it.short))
	} else {
		// The full name, and the description when the match reaches into
		// it.
		b.WriteString(highlight(it.search[:it.nameN], 0, r.hl, base, hi))
		if len(r.hl) > 0 && r.hl[len(r.hl)-1] >= it.nameN && it.nameN < len(it.search) {
			b.WriteString("  ")
			b.WriteString(highlight(it.search[it.nameN+1:], it.nameN+1, r.hl, m.st.Muted, hi))
		}
	}
	if it.e.Broken() {
		b.WriteString(m.st.Muted.Render("  (" + brokenWhere(it) + ")"))
	}
	return ansi.Truncate(b.String(), w, "…")
}

// highlight renders s, which starts at byte off of the text hl indexes into,
// with the runes at the byte offsets in hl (ascending) in style hi and the
// rest in base.
func highlight(s string, off int, hl []int, base, hi lipgloss.Style) string {
	var b strings.Builder
	k := 0
	start, on := 0, false
	for i := 0; i < len(s); {
		_, size := utf8.DecodeRuneInString(s[i:])
		for k < len(hl) && hl[k] < off+i {
			k++ // not at a rune start: ignore
		}
		matched := k < len(hl) && hl[k] == off+i
		if matched {
			k++
		}
		if matched != on {
			if i > start {
				b.WriteString(pick(on, hi, base).Render(s[start:i]))
			}
			start, on = i, matched
		}
		i += size
	}
	if start < len(s) {
		b.WriteString(pick(on, hi, base).Render(s[start:]))
	}
	return b.String()
}

func pick(on bool, a, b lipgloss.Style) lipgloss.Style {
	if on {
		return a
	}
	return b
}

// statusLine is one line under the list.
type statusLine struct {
	text  string
	style lipgloss.Style
	input bool // the name input
}

// status returns the lines under the list: the delete confirmation, the
// name input, or a note.
func (m Model) status(w int) []statusLine {
	w = max(w, 1)
	switch m.mode {
	case modeConfirm:
		out := []statusLine{{text: fmt.Sprintf("delete %s? %s/%s", sanitize.Line(m.target), firstKey(m.km.Confirm.Keys()), firstKey(m.km.Cancel.Keys())), style: m.st.Warn}}
		if e, ok := m.Entry(m.target); ok && e.Path != "" {
			out = append(out, statusLine{text: leftTrunc(sanitize.Line(e.Path), w), style: m.st.Muted})
		}
		return out
	case modeName:
		what := "copy %s as:"
		switch m.op {
		case opRename:
			what = "rename %s to:"
		case opImport:
			what = "import a file (Postman collection, OpenAPI document, .http):%s"
		}
		out := []statusLine{{text: fmt.Sprintf(what, sanitize.Line(m.target)), style: m.st.Label}, {input: true}}
		for _, s := range wrap(m.nameErr, w) {
			if s != "" {
				out = append(out, statusLine{text: s, style: m.st.Error})
			}
		}
		return out
	}
	if m.note == "" {
		return nil
	}
	var out []statusLine
	for _, s := range wrap(m.note, w) {
		if len(out) == maxNote {
			break
		}
		out = append(out, statusLine{text: s, style: m.st.Error})
	}
	return out
}

func firstKey(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

// leftTrunc shortens s to w cells by cutting its start: the end of a path
// is the part that names the file.
func leftTrunc(s string, w int) string {
	sw := ansi.StringWidth(s)
	if sw <= w {
		return s
	}
	return ansi.TruncateLeft(s, sw-w+1, "…")
}

// preview renders the selected entry in at most h lines of w cells.
func (m Model) preview(w, h int) []string {
	it, ok := m.selectedItem()
	if !ok || h <= 0 || w <= 0 {
		return nil
	}
	var out []string
	add := func(st lipgloss.Style, lines ...string) {
		for _, l := range lines {
			out = append(out, st.Render(ansi.Truncate(l, w, "…")))
		}
	}
	name := sanitize.Line(it.e.Name)
	if it.e.Broken() {
		add(m.st.Error, markBroken+name)
		pe := it.e.Err
		path := pe.Path
		if path == "" {
			path = it.e.Path
		}
		loc := sanitize.Line(path)
		if pe.Line > 0 {
			loc = fmt.Sprintf("%s:%d:%d", loc, pe.Line, pe.Column)
		}
		add(m.st.Value, wrap(loc, w)...)
		add(m.st.Error, wrap(sanitize.Line(pe.Msg), w)...)
		add(m.st.Warn, wrap(msgNotOverwrite, w)...)
		return clip(out, h)
	}
	add(m.st.Title, name)
	if it.e.Warning != "" {
		add(m.st.Warn, wrap(markWarn+sanitize.Line(it.e.Warning), w)...)
	}
	p := it.e.Profile
	if p == nil {
		return clip(out, h)
	}
	req := strings.TrimSpace(sanitize.Line(p.Method) + " " + sanitize.Line(authn.MaskQuery(p.URL)))
	if req == "" {
		req = "(no URL)"
	}
	add(m.st.Value, clip(wrap(req, w), maxURL)...)
	label := func(l string) string { return m.st.Muted.Render(fmt.Sprintf("%-*s", labelW, l)) }
	scheme := sanitize.Line(p.Scheme)
	if scheme == "" {
		scheme = "none"
	}
	out = append(out, ansi.Truncate(label("scheme")+m.st.Value.Render(scheme), w, "…"))
	headers := "none"
	if n := len(p.Headers); n > 0 {
		headers = strconv.Itoa(n)
	}
	out = append(out, ansi.Truncate(label("headers")+m.st.Value.Render(headers), w, "…"))
	out = append(out, ansi.Truncate(label("last")+m.lastText(it.e.Name), w, "…"))
	if d := strings.TrimSpace(p.Description); d != "" {
		for _, l := range strings.Split(strings.ReplaceAll(d, "\r\n", "\n"), "\n") {
			add(m.st.Muted, wrap(sanitize.Line(l), w)...)
			if len(out) >= h {
				break
			}
		}
	}
	return clip(out, h)
}

// lastText is "401 · 3 min ago · 87 ms", or "never sent".
func (m Model) lastText(name string) string {
	l, ok := m.last[name]
	if !ok {
		return m.st.Muted.Render(msgNever)
	}
	var parts []string
	if l.Status > 0 {
		parts = append(parts, statusStyle(m.st, l.Status).Render(strconv.Itoa(l.Status)))
	} else {
		parts = append(parts, m.st.Error.Render("no response"))
	}
	if !l.Time.IsZero() {
		parts = append(parts, m.st.Value.Render(ago(m.now().Sub(l.Time), l.Time)))
	}
	if l.Duration > 0 {
		parts = append(parts, m.st.Value.Render(duration(l.Duration)))
	}
	return strings.Join(parts, m.st.Muted.Render(" · "))
}

// statusStyle colours a status code by class (bold without colour).
func statusStyle(st theme.Styles, code int) lipgloss.Style {
	switch {
	case code >= 500:
		return st.Error
	case code >= 400:
		return st.Warn
	case code >= 300:
		return st.Info
	case code >= 200:
		return st.OK
	}
	return st.Info
}

// ago says how long ago a send was: "just now", "42 s ago", "3 min ago",
// "5 h ago", "2 d ago", and the date after two weeks.
func ago(d time.Duration, t time.Time) string {
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	case d < 14*24*time.Hour:
		return fmt.Sprintf("%d d ago", int(d/(24*time.Hour)))
	}
	return "on " + t.Format("2006-01-02")
}

// duration is a send's duration: "87 ms", "1.2 s", "2m3s".
func duration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "<1 ms"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
	}
	return d.Round(time.Second).String()
}

func wrap(s string, w int) []string {
	if s == "" {
		return nil
	}
	return strings.Split(ansi.Wrap(s, max(w, 1), "/&?=,"), "\n")
}

func clip(lines []string, n int) []string {
	if len(lines) > n {
		return lines[:n]
	}
	return lines
}
