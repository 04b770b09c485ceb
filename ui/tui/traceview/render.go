package traceview

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui"
	"github.com/authlab/authlab/ui/flowview"
	"github.com/authlab/authlab/ui/format"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// Gutter marks. Each value row starts with a two-cell gutter: the focus
// bar, then the continuation mark on a row that continues the line above
// (a hard wrap, not a newline of the value). Neither is part of the text.
const (
	focusMark = "▌"
	contMark  = "↪"
	gutterW   = 2
)

// minWidth is the narrowest the trace is laid out for; a narrower pane
// still gets every character, in rows of minWidth.
const minWidth = 20

// doc is a rendered trace: its lines (styled, each at most w cells) and
// where each focusable value sits in them.
type doc struct {
	lines  []string
	values []value
}

// value is one focusable value: what the copy key copies and the status
// line names, and its rows in doc.lines.
type value struct {
	label  string // as shown, e.g. "signature base string" or "server expects oauth_signature"
	text   string // the value as shown (sanitized; its mask while masked)
	masked bool
	col    int // the cell where the text starts, after the gutter
	start  int // first line of the value's rows
	end    int // one past its last row
}

// builder lays out a doc w cells wide.
type builder struct {
	st    theme.Styles
	w     int
	focus int // index of the focused value, drawn with the focus bar
	mode
	doc
}

func (b *builder) add(s string) { b.lines = append(b.lines, s) }

func (b *builder) blank() { b.add("") }

// prose word-wraps s at the width left after indent cells, every row
// indented and styled with st.
func (b *builder) prose(st lipgloss.Style, indent int, s string) {
	pad := strings.Repeat(" ", indent)
	for _, r := range words(s, b.w-indent) {
		b.add(pad + st.Render(r))
	}
}

// value lays out v: its first row starts with head (styled, headW cells),
// later rows with headW spaces; then the gutter and the text, hard-wrapped
// to exactly the cells left, newlines of the value starting new rows.
func (b *builder) value(head string, headW int, label string, v format.Value, st lipgloss.Style) {
	i := len(b.values)
	focused := i == b.focus
	tw := max(b.w-headW-gutterW, 1)
	bar := " "
	if focused {
		bar = b.st.Title.Render(focusMark)
	}
	if v.Masked {
		st = b.st.Secret
	}
	start := len(b.lines)
	pad := strings.Repeat(" ", headW)
	first := true
	for _, line := range valueLines(v.Text) {
		for j, row := range Wrap(line, tw) {
			lead := pad
			if first {
				lead, first = head, false
			}
			cont := " "
			if j > 0 {
				cont = b.st.Muted.Render(contMark)
			}
			b.add(lead + bar + cont + st.Render(row))
		}
	}
	b.values = append(b.values, value{label: label, text: v.Text, masked: v.Masked, col: headW + gutterW, start: start, end: len(b.lines)})
}

// render lays out res (nil: nothing sent) for w cells: the flow view of a
// multi-exchange send, the heading, the comparison with the practice
// server, then the steps; or step k alone when k > 0.
func render(st theme.Styles, res *authn.Result, md mode, w, step, focus int) doc {
	b := &builder{st: st, w: max(w, minWidth), focus: focus, mode: md}
	switch {
	case res == nil:
		b.prose(st.Muted, 0, "Nothing sent yet: ctrl+r sends the request, and its trace shows here.")
	case step > 0 && step <= len(res.Trace.Steps):
		b.step(res, step)
	default:
		b.trace(res)
	}
	return b.doc
}

// mode is how secrets are shown: revealed (R), or masked; in presenter
// mode always masked, Live values too, and no key to reveal is named.
type mode struct {
	reveal, present bool
}

func (md mode) maskedNote() string {
	switch {
	case md.present:
		return "(presenter mode: credentials and signatures masked)"
	case md.reveal:
		return "(secrets revealed · R hides)"
	}
	return "(credentials masked · R reveals)"
}

// steps are the steps of res as shown: in presenter mode its Live values
// are secret (authn.Trace.Presenting).
func (md mode) steps(res *authn.Result) []authn.Step {
	if md.present {
		return res.Trace.Presenting().Steps
	}
	return res.Trace.Steps
}

// trace is the whole trace.
func (b *builder) trace(res *authn.Result) {
	st, reveal := b.st, b.reveal
	if flowview.Wanted(res) {
		b.flow(res, reveal)
		b.blank()
	}
	if len(res.Trace.Steps) == 0 {
		b.prose(st.Muted, 0, "no trace: this send computed nothing to show (no scheme, or it failed before signing)")
		b.blank()
		b.comparison(res)
		return
	}
	b.heading(format.SchemeHeading(res.Scheme), b.maskedNote())
	b.blank()
	b.comparison(res)
	b.blank()
	steps := b.steps(res)
	for i, s := range steps {
		title := fmt.Sprintf("%d. %s", i+1, sanitize.Line(s.Title))
		b.heading(title, sanitize.Line(s.Ref))
		if s.Note != "" {
			b.prose(st.Muted, 3, sanitize.Line(s.Note))
		}
		for _, v := range format.Values(s, reveal) {
			b.prose(st.Key, 3, v.Label)
			b.value("   ", 3, v.Label, v, st.Value)
		}
		if i < len(steps)-1 {
			b.blank()
		}
	}
}

// heading is a bold title and, beside it when it fits, a muted aside
// (a reference, a note); each is word-wrapped, nothing is cut.
func (b *builder) heading(title, aside string) {
	st := b.st
	if aside != "" && ansi.StringWidth(title)+2+ansi.StringWidth(aside) <= b.w {
		b.add(st.Value.Bold(true).Render(title) + "  " + st.Muted.Render(aside))
		return
	}
	b.prose(st.Value.Bold(true), 0, title)
	if aside != "" {
		b.prose(st.Muted, 3, aside)
	}
}

// step is one step of the trace, large, for pacing a class: what is
// computed, why, where it is specified, and its values.
func (b *builder) step(res *authn.Result, k int) {
	st, reveal := b.st, b.reveal
	steps := b.steps(res)
	s := steps[k-1]
	b.prose(st.Muted, 0, fmt.Sprintf("%s · step %d of %d · %s", format.SchemeHeading(res.Scheme), k, len(steps), b.maskedNote()))
	b.blank()
	b.prose(st.Title, 0, sanitize.Line(s.Title))
	if s.Ref != "" {
		b.prose(st.Muted, 0, "specified in "+sanitize.Line(s.Ref))
	}
	if s.Note != "" {
		b.blank()
		b.prose(st.Value, 0, sanitize.Line(s.Note))
	}
	for _, v := range format.Values(s, reveal) {
		b.blank()
		b.prose(st.Key, 0, v.Label)
		b.value("", 0, v.Label, v, st.Value)
	}
}

// clientSide names the client's column of a comparison row.
const clientSide = "client"

// comparison is the client's values beside the practice server's (item
// 14 of issue #15): its summary says what was compared and ticks only
// when paired values agree; each server column is named by its ui.Side;
// and with nothing to compare it says why instead of ticking.
func (b *builder) comparison(res *authn.Result) {
	st, reveal := b.st, b.reveal
	c, ok := ui.Compare(res)
	if !ok {
		b.prose(st.Muted, 0, "nothing compared: "+uncompared(res))
		return
	}
	if b.present {
		c = c.Presenting()
	}
	verdict := st.OK
	if c.Server.Verdict != "ok" {
		verdict = st.Error
	}
	b.heading("Client vs practice server", "")
	b.prose(verdict, 2, "the server says: "+sanitize.Line(c.Server.Verdict))
	summary := st.Muted
	switch c.Outcome() {
	case ui.Agree:
		summary = st.OK
	case ui.Differ, ui.RefusedAgree:
		summary = st.Error
	}
	b.prose(summary, 0, sanitize.Line(c.Summary()))
	if c.Differ && c.First.Explain != "" {
		b.prose(st.Value, 2, sanitize.Line(c.First.Explain))
	}
	sideW := len(clientSide)
	for _, r := range c.Rows {
		sideW = max(sideW, len(r.Side.String()))
	}
	headW := 4 + sideW + 1
	// the rows that differ first, right under the summary (the first
	// value focused is a differing one), then the rest in the server's
	// order
	rows := slices.Clone(c.Rows)
	slices.SortStableFunc(rows, func(a, b ui.Row) int {
		return cmp.Compare(boolInt(!(a.Differs && c.Differ)), boolInt(!(b.Differs && c.Differ)))
	})
	for _, r := range rows {
		label := sanitize.Line(r.Label)
		style, mark := st.Value, "  "
		// a row is marked only when the comparison found a difference: a
		// paired value written differently by the two sides ("165 bytes"
		// and "165") is not one when the server agrees
		if r.Differs && c.Differ {
			style, mark = st.Error, st.Error.Render("▸ ")
		}
		b.add(mark + st.Key.Render(ansi.Truncate(label, b.w-2, "…")))
		head := func(side string) string {
			return "    " + st.Muted.Render(fmt.Sprintf("%-*s", sideW, side)) + " "
		}
		if r.HasClient {
			cv := format.TraceValue(r.Client, reveal)
			b.value(head(clientSide), headW, clientSide+" "+cv.Label, cv, style)
		}
		side := r.Side.String()
		b.value(head(side), headW, side+" "+label, format.Value{Label: label, Text: sanitize.String(r.Server), Masked: r.ServerMasked}, style)
	}
}

// uncompared says why a result has no comparison with the practice
// server, so the Trace tab never ticks what was not compared.
func uncompared(res *authn.Result) string {
	fin := res.Final()
	switch {
	case fin == nil:
		return "no request was sent"
	case fin.Response == nil:
		return "no response came back"
	}
	return "the response carries no practice-server trace (only `authlab serve` sends one), so only your side is shown"
}

// flow is the flow view (a sequence diagram of the exchanges) in the
// theme's styles; flowview fits its lines to the width.
func (b *builder) flow(res *authn.Result, reveal bool) {
	for _, l := range flowview.Render(res, flowview.Options{Width: b.w, Reveal: reveal, Secrets: res.ResponseSecrets()}) {
		var s strings.Builder
		for _, sp := range l {
			s.WriteString(flowStyle(b.st, sp).Render(sp.Text))
		}
		b.add(s.String())
	}
}

func flowStyle(st theme.Styles, s flowview.Span) lipgloss.Style {
	switch s.Kind {
	case flowview.Title:
		return st.Title
	case flowview.Muted:
		return st.Muted
	case flowview.Head:
		return st.Value.Bold(true)
	case flowview.Role:
		return st.Key
	case flowview.Status:
		return st.StatusText(s.Code)
	case flowview.Failure:
		return st.Error
	}
	return st.Value
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
