// Package credform is the TUI's credential form. It is generated entirely
// from a scheme's [authn.Info]: one row per [authn.Field], in form order, so a
// scheme added to authn gets its form with no change here.
//
// How a field is edited follows from its description:
//
//   - a field with Allowed values is a choice, cycled with ←/→ (or space) and
//     never typed into;
//   - any other field is a one-line text input; a Default shows as its
//     placeholder, a Pinnable field (nonce, timestamp) says it is generated
//     when sending;
//   - a Secret field is masked with • unless revealed (KeyMap.Reveal), and is
//     masked again when focus leaves it. A secret reference (env:NAME,
//     file:PATH, keyring:NAME, prompt; see [profiles.IsRef]) is not a secret
//     and is always shown, marked "(reference)";
//   - a Multiline field (a PEM key) stays one line: pasted line breaks are
//     shown as the two characters \n and given back as line breaks by
//     [Model.Values].
//
// The form does no I/O and keeps no package-level state; it follows the
// bubbles conventions (value receivers, Update returns the new model).
package credform

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/tui/theme"
)

// Texts the form shows.
const (
	msgRequired         = "required: the scheme cannot sign without it" // inline error of an empty required field
	msgNoFields         = "no credentials: the request is sent as is"   // the whole form of a scheme without fields
	pinnablePlaceholder = "generated when sending"                      // placeholder of an empty Pinnable field

	maskChar = '•'
)

// Model is the credential form of one scheme. The zero value is not usable;
// build one with [New].
type Model struct {
	st    theme.Styles
	km    KeyMap
	info  authn.Info
	rows  []row
	focus int // index into rows; -1 when blurred
	width int
}

// row is one field of the form and its editing state.
type row struct {
	field    authn.Field
	input    textinput.Model // text fields only
	choice   int             // choice fields only: index into field.Allowed
	revealed bool            // secret fields: shown in clear until focus leaves
	err      string          // inline error, "" for none
}

func (r row) isChoice() bool { return len(r.field.Allowed) > 0 }

// shown is the value as the form holds it (multiline breaks escaped).
func (r row) shown() string {
	if r.isChoice() {
		return r.field.Allowed[r.choice]
	}
	return r.input.Value()
}

// value is the value as the scheme takes it. A reference is left alone:
// file:C:\new\key.pem is a path, not a line break.
func (r row) value() string {
	v := r.shown()
	if r.field.Multiline && !profiles.IsRef(v) {
		v = strings.ReplaceAll(v, `\n`, "\n")
	}
	return v
}

// isRef reports whether the row holds a secret reference.
func (r row) isRef() bool { return !r.isChoice() && profiles.IsRef(r.input.Value()) }

// New returns a blurred form for info's fields, with choice fields on their
// default (or first allowed) value and every other field empty.
func New(st theme.Styles, km KeyMap, info authn.Info) Model {
	info.Fields = slices.Clone(info.Fields)
	m := Model{st: st, km: km, info: info, focus: -1, rows: make([]row, len(info.Fields))}
	for i, f := range info.Fields {
		r := row{field: f}
		if r.isChoice() {
			r.choice = initialChoice(f)
		} else {
			ti := textinput.New()
			ti.Prompt = ""
			ti.EchoCharacter = maskChar
			ti.Placeholder = placeholder(f)
			ti.SetStyles(inputStyles(st))
			// Pastes arrive as tea.PasteMsg (bracketed paste); the
			// clipboard binding would do I/O and skip the line-break
			// handling of multiline fields.
			ti.KeyMap.Paste.SetEnabled(false)
			r.input = ti
		}
		r.syncEcho()
		m.rows[i] = r
	}
	return m.SetWidth(defaultWidth)
}

func initialChoice(f authn.Field) int {
	if i := slices.Index(f.Allowed, f.Default); i >= 0 {
		return i
	}
	return 0
}

func placeholder(f authn.Field) string {
	if f.Pinnable {
		return pinnablePlaceholder
	}
	return f.Default
}

func inputStyles(st theme.Styles) textinput.Styles {
	s := st.Input()
	for _, ss := range []*textinput.StyleState{&s.Focused, &s.Blurred} {
		ss.Text = st.Value
		ss.Placeholder = st.Muted
		ss.Suggestion = st.Muted
		ss.Prompt = st.Value
	}
	s.Cursor.Color = st.LabelFocused.GetForeground()
	return s
}

// syncEcho derives a text field's echo mode from its state: a secret is
// masked unless revealed or holding a reference.
func (r *row) syncEcho() {
	if r.isChoice() {
		return
	}
	if r.field.Secret && !r.revealed && !r.isRef() {
		r.input.EchoMode = textinput.EchoPassword
	} else {
		r.input.EchoMode = textinput.EchoNormal
	}
}

// detach gives the row's text input its own copy of its text. textinput
// edits its rune slice in place (a deletion shifts the runes after it), which
// the Model the caller still holds shares.
func (r *row) detach() {
	r.input.SetValue(r.input.Value())
}

// own gives m a private copy of its rows, so that changing them does not
// change the Model the caller still holds (value semantics).
func (m *Model) own() { m.rows = slices.Clone(m.rows) }

// Info returns the scheme description the form was built from.
func (m Model) Info() authn.Info { return m.info }

// Len returns the number of fields.
func (m Model) Len() int { return len(m.rows) }

// Focused returns the index of the focused field, or -1 when the form is
// blurred.
func (m Model) Focused() int { return m.focus }

// SetWidth sets the width the form renders in, in cells.
func (m Model) SetWidth(w int) Model {
	m.own()
	m.width = max(w, minWidth)
	lay := m.layout()
	for i := range m.rows {
		if !m.rows[i].isChoice() {
			m.rows[i].input.SetWidth(lay.inputW)
		}
	}
	return m
}

// SetValues sets field values by name; unknown names are ignored. An empty
// value clears a text field and puts a choice field back on its default. A
// value that is not one of a choice field's Allowed values (compared without
// regard to case) leaves the choice as it was and sets the field's error. A
// field whose value is set loses its error.
func (m Model) SetValues(v map[string]string) Model {
	m.own()
	for name, val := range v {
		i := m.index(name)
		if i < 0 {
			continue
		}
		r := &m.rows[i]
		r.err = ""
		if r.isChoice() {
			switch j := choiceIndex(r.field.Allowed, val); {
			case val == "":
				r.choice = initialChoice(r.field)
			case j >= 0:
				r.choice = j
			default:
				r.err = fmt.Sprintf("%q is not one of: %s", val, strings.Join(r.field.Allowed, ", "))
			}
			continue
		}
		if r.field.Multiline {
			val = escapeBreaks(val)
		}
		r.input.SetValue(val)
		if i != m.focus {
			r.input.CursorStart()
		}
		r.syncEcho()
	}
	return m
}

func choiceIndex(allowed []string, v string) int {
	if i := slices.Index(allowed, v); i >= 0 {
		return i
	}
	return slices.IndexFunc(allowed, func(a string) bool { return strings.EqualFold(a, v) })
}

// escapeBreaks writes line breaks as the two characters \n, which a one-line
// input keeps (and authn's PEM reader accepts).
func escapeBreaks(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", `\n`)
}

// Values returns the field values by name: only fields with a non-empty
// value, and every choice field with its current choice. References are
// returned as written (env:NAME…), not resolved; a multiline field's \n are
// returned as line breaks (except in a reference).
func (m Model) Values() map[string]string {
	out := make(map[string]string, len(m.rows))
	for _, r := range m.rows {
		if v := r.value(); v != "" {
			out[r.field.Name] = v
		}
	}
	return out
}

func (m Model) index(name string) int {
	return slices.IndexFunc(m.rows, func(r row) bool { return r.field.Name == name })
}

// Focus focuses field i (clamped to the fields there are) and returns the
// text input's focus command (cursor blink; nil on a choice field). A secret field that loses focus
// is masked again. It does nothing on a form without fields.
func (m Model) Focus(i int) (Model, tea.Cmd) {
	if len(m.rows) == 0 {
		return m, nil
	}
	m.own()
	return m, m.setFocus(min(max(i, 0), len(m.rows)-1))
}

// Blur removes focus from the form; a revealed secret is masked again.
func (m Model) Blur() Model {
	m.own()
	m.setFocus(-1)
	return m
}

// Next moves focus to the next field; from a blurred form, to the first
// field. It returns false, leaving the form as it is, when focus is already
// on the last field (or there are no fields): the parent then moves focus
// on. The cursor's blink command is dropped; call [Model.Focus] instead when
// it matters.
func (m Model) Next() (Model, bool) {
	if len(m.rows) == 0 || m.focus == len(m.rows)-1 {
		return m, false
	}
	m.own()
	m.setFocus(m.focus + 1)
	return m, true
}

// Prev moves focus to the previous field; from a blurred form, to the last
// field. It returns false when focus is already on the first field (or
// there are no fields).
func (m Model) Prev() (Model, bool) {
	if len(m.rows) == 0 || m.focus == 0 {
		return m, false
	}
	m.own()
	if m.focus < 0 {
		m.setFocus(len(m.rows) - 1)
	} else {
		m.setFocus(m.focus - 1)
	}
	return m, true
}

// setFocus moves focus to row i (-1: none). The rows must be owned.
func (m *Model) setFocus(i int) tea.Cmd {
	if m.focus >= 0 && m.focus != i {
		r := &m.rows[m.focus]
		r.revealed = false
		if !r.isChoice() {
			r.input.Blur()
			r.input.CursorStart() // a blurred field shows the start of its value
		}
		r.syncEcho()
	}
	m.focus = i
	if i < 0 || m.rows[i].isChoice() {
		return nil
	}
	m.rows[i].input.CursorEnd()
	return m.rows[i].input.Focus()
}

// Validate checks every field the way authn does: a required field must have
// a value or a Default, a field with Allowed values must hold one of them. It
// replaces all inline errors with what it found and reports whether there
// were none.
func (m Model) Validate() (Model, bool) {
	m.own()
	ok := true
	for i := range m.rows {
		r := &m.rows[i]
		r.err = fieldError(r.field, r.value())
		ok = ok && r.err == ""
	}
	return m, ok
}

func fieldError(f authn.Field, v string) string {
	if v == "" {
		v = f.Default
	}
	switch {
	case v == "" && f.Required:
		return msgRequired
	case v != "" && len(f.Allowed) > 0 && !slices.Contains(f.Allowed, v):
		return "must be one of: " + strings.Join(f.Allowed, ", ")
	}
	return ""
}

// SetErrors replaces the inline errors with errs, keyed by field name (for
// instance the field an authn.InputError names). Names of no field are
// ignored; a nil map clears every error. A field's error is also cleared
// when its value is edited.
func (m Model) SetErrors(errs map[string]string) Model {
	m.own()
	for i := range m.rows {
		m.rows[i].err = errs[m.rows[i].field.Name]
	}
	return m
}

// Errors returns the inline errors by field name.
func (m Model) Errors() map[string]string {
	out := make(map[string]string)
	for _, r := range m.rows {
		if r.err != "" {
			out[r.field.Name] = r.err
		}
	}
	return out
}

// KeyMap returns the form's bindings with only those that apply to the
// focused field enabled (Reveal on a secret field, the choice keys on a
// choice field, Next/Prev short of the ends), for a help view.
func (m Model) KeyMap() KeyMap {
	k := m.km
	var f authn.Field
	if m.focus >= 0 {
		f = m.rows[m.focus].field
	}
	k.Next.SetEnabled(m.focus >= 0 && m.focus < len(m.rows)-1)
	k.Prev.SetEnabled(m.focus > 0)
	k.Reveal.SetEnabled(f.Secret && len(f.Allowed) == 0)
	k.ChoiceNext.SetEnabled(len(f.Allowed) > 0)
	k.ChoicePrev.SetEnabled(len(f.Allowed) > 0)
	return k
}

// Update handles a message for the focused field: key presses and pastes go
// to it, other messages (cursor blinks) to its text input. KeyMap.Next and
// KeyMap.Prev move between fields and stop at the ends. On a choice field
// only the choice keys do anything: typing and pasting are ignored. A blurred
// form ignores everything.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if m.focus < 0 {
		return m, nil
	}
	m.own()
	r := &m.rows[m.focus]
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, m.km.Next):
			if m.focus < len(m.rows)-1 {
				return m, m.setFocus(m.focus + 1)
			}
			return m, nil
		case key.Matches(k, m.km.Prev):
			if m.focus > 0 {
				return m, m.setFocus(m.focus - 1)
			}
			return m, nil
		case r.isChoice():
			n := len(r.field.Allowed)
			switch {
			case key.Matches(k, m.km.ChoiceNext):
				r.choice = (r.choice + 1) % n
				r.err = ""
			case key.Matches(k, m.km.ChoicePrev):
				r.choice = (r.choice + n - 1) % n
				r.err = ""
			}
			return m, nil
		case key.Matches(k, m.km.Reveal):
			if r.field.Secret {
				r.revealed = !r.revealed
				r.syncEcho()
			}
			return m, nil
		}
	}
	if r.isChoice() {
		return m, nil
	}
	switch p := msg.(type) {
	case tea.PasteMsg:
		msg = tea.PasteMsg{Content: pasteText(r.field, p.Content)}
		r.detach()
	case tea.KeyPressMsg:
		r.detach()
	}
	before := r.input.Value()
	var cmd tea.Cmd
	r.input, cmd = r.input.Update(msg)
	if r.input.Value() != before {
		r.err = ""
	}
	r.syncEcho()
	return m, cmd
}

// pasteText prepares pasted text for a one-line input: the line break that
// copying a line usually brings along is dropped (it would become a trailing
// space), and a multiline field keeps its inner line breaks as \n.
func pasteText(f authn.Field, s string) string {
	s = strings.TrimRight(s, "\r\n")
	if f.Multiline {
		s = escapeBreaks(s)
	}
	return s
}

// Typing reports whether the focused field takes text (a letter typed there
// is text, not a command); false for choice fields and a blurred form.
func (m Model) Typing() bool {
	return m.focus >= 0 && m.focus < len(m.rows) && !m.rows[m.focus].isChoice()
}

// FocusLine returns the line of View on which the focused field starts (0
// when blurred), so a parent can scroll it into view.
func (m Model) FocusLine() int {
	if m.focus < 0 || m.focus >= len(m.rows) {
		return 0
	}
	lay := m.layout()
	n := 0
	for i := range m.focus {
		n += len(m.rowLines(i, lay))
	}
	return n
}

// SetStyles switches the form to new styles (the terminal's background
// colour arrived), keeping values and focus.
func (m Model) SetStyles(st theme.Styles) Model {
	m.own()
	m.st = st
	for i := range m.rows {
		if !m.rows[i].isChoice() {
			m.rows[i].input.SetStyles(inputStyles(st))
		}
	}
	return m
}
