package credform

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/authlab/authlab/authn"
)

// Layout. A row is
//
//	▸ Label *            value                 (marker)
//	                     help of the focused field
//	                     inline error
//
// with the labels in one column as wide as the widest. When that leaves the
// value column narrower than minValueW, the form stacks: the label on its
// own line, the value and the lines under it indented below.
const (
	defaultWidth = 80
	minWidth     = 16
	gutterW      = 2  // focus marker column
	gapW         = 2  // between label and value columns
	stackIndent  = 4  // value indent when stacked
	minValueW    = 30 // narrower than this, stack
	markerW      = 12 // " (reference)", the widest marker
	focusMarker  = "▸ "
	markShown    = "(shown)"
	markRef      = "(reference)"
)

type layout struct {
	labelW  int  // label column, side by side only
	indent  int  // where values, help and errors start
	valueW  int  // width from indent to the right edge
	inputW  int  // text input width (a cursor cell and the marker come after it)
	stacked bool // label on its own line
}

func (m Model) layout() layout {
	labelW := 0
	for _, r := range m.rows {
		labelW = max(labelW, labelWidth(r))
	}
	l := layout{labelW: labelW, indent: gutterW + labelW + gapW}
	l.valueW = m.width - l.indent
	if l.valueW < minValueW {
		l = layout{stacked: true, indent: stackIndent, valueW: m.width - stackIndent}
	}
	l.inputW = max(l.valueW-markerW-1, 1)
	return l
}

func labelWidth(r row) int {
	w := ansi.StringWidth(r.field.Label)
	if r.field.Required {
		w += 2
	}
	return w
}

// View renders the form: one row per shown field, with the focused field's help
// and each field's inline error under it. No line is wider than the width
// given to [Model.SetWidth].
func (m Model) View() string {
	if len(m.rows) == 0 {
		return strings.Repeat(" ", gutterW) + m.st.Muted.Render(ansi.Truncate(msgNoFields, m.width-gutterW, "…"))
	}
	lay := m.layout()
	var lines []string
	for _, i := range m.shown() {
		for _, l := range m.rowLines(i, lay) {
			// The label column's padding when there is no value.
			lines = append(lines, strings.TrimRight(l, " "))
		}
	}
	return strings.Join(lines, "\n")
}

// Height returns the number of lines View takes at the current width.
func (m Model) Height() int {
	return strings.Count(m.View(), "\n") + 1
}

func (m Model) rowLines(i int, lay layout) []string {
	r := m.rows[i]
	focused := i == m.focus

	gutter := strings.Repeat(" ", gutterW)
	labelStyle := m.st.Label
	if focused {
		gutter = m.st.LabelFocused.Render(focusMarker)
		labelStyle = m.st.LabelFocused
	}
	label := labelStyle.Render(r.field.Label)
	if r.field.Required {
		label += " " + m.st.Required.Render("*")
	}
	pad := strings.Repeat(" ", lay.indent)

	var value []string
	if r.isChoice() {
		value = m.choiceLines(r, focused, lay.valueW)
	} else {
		v := inputView(r, lay.inputW)
		switch {
		case r.isRef():
			v += " " + m.st.Muted.Render(markRef)
		case r.field.Secret && r.revealed:
			v += " " + m.st.Muted.Render(markShown)
		}
		value = []string{v}
	}

	var lines []string
	if lay.stacked {
		lines = append(lines, gutter+ansi.Truncate(label, m.width-gutterW, "…"))
		for _, v := range value {
			lines = append(lines, pad+v)
		}
	} else {
		lines = append(lines, gutter+label+strings.Repeat(" ", lay.labelW-labelWidth(r)+gapW)+value[0])
		for _, v := range value[1:] {
			lines = append(lines, pad+v)
		}
	}
	if focused {
		if h := help(r.field); h != "" {
			for _, l := range wrap(h, lay.valueW) {
				lines = append(lines, pad+m.st.Muted.Render(l))
			}
		}
	}
	if r.err != "" {
		for _, l := range wrap(r.err, lay.valueW) {
			lines = append(lines, pad+m.st.Error.Render(l))
		}
	}
	return lines
}

// choiceLines renders the choices inline, the current one between ‹ › (so
// it shows without colour too), wrapped at choice boundaries.
func (m Model) choiceLines(r row, focused bool, width int) []string {
	cur, other := m.st.Value.Bold(true), m.st.Muted
	if focused {
		cur = m.st.LabelFocused
	}
	var lines []string
	line, lineW := "", 0
	for j, a := range r.field.Allowed {
		text, style := a, other
		if j == r.choice {
			text, style = "‹ "+a+" ›", cur
		}
		text = ansi.Truncate(text, width, "…")
		w := ansi.StringWidth(text)
		if lineW > 0 && lineW+1+w > width {
			lines = append(lines, line)
			line, lineW = "", 0
		}
		if lineW > 0 {
			line += " "
			lineW++
		}
		line += style.Render(text)
		lineW += w
	}
	return append(lines, line)
}

// help is a field's help line, completed with what the form knows about
// the kind of field when the scheme's text does not say it already.
func help(f authn.Field) string {
	h := f.Help
	add := func(s string) {
		if h == "" {
			h = s
		} else {
			h += "; " + s
		}
	}
	if f.Pinnable && !strings.Contains(strings.ToLower(h), "pin") {
		add("pin it only for a reproducible trace")
	}
	if f.Multiline {
		if !strings.Contains(h, "file:") {
			add("use file:PATH")
		}
		add(`pasted line breaks show as \n`)
	}
	return h
}

func wrap(s string, width int) []string {
	return strings.Split(ansi.Wrap(s, max(width, 1), ""), "\n")
}

// inputView renders a text input without the padding textinput adds up to
// its width, so that a marker follows the value and no line ends in blanks.
func inputView(r row, inputW int) string {
	w := ansi.StringWidth(r.input.Value())
	if w == 0 {
		w = ansi.StringWidth(r.input.Placeholder)
	}
	if r.input.Focused() {
		w++ // the cursor cell after the text
	}
	return ansi.Truncate(r.input.View(), min(w, inputW+1), "")
}
