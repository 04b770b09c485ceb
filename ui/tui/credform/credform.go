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
//     [Model.Values];
//   - a field that applies only to some values of a choice ([authn.Field].When,
//     e.g. oauth2's username for grant=password) is shown only while it
//     applies. Hidden, it keeps its value, is skipped by focus and is left
//     out of [Model.Values].
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
	focus int // index into rows (a shown one); -1 when blurred
	width int
}

// row is one field of the form and its editing state.
type row struct {
	field    authn.Field
	input    textinput.Model // text fields only
	choice   int             // choice fields only: index into field.Allowed
	revealed bool            // secret fields: shown in clear until focus leaves
	err      string          // inline error, "" for none
	own      bool            // the value was typed here or set by SetValues: Carry leaves it alone
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

// Len returns the number of fields shown (those that apply, see
// [authn.Info.Applies]). The indices of [Model.Focus] and [Model.Focused]
// count shown fields only.
func (m Model) Len() int { return len(m.shown()) }

// Focused returns the index among the shown fields of the focused one, or
// -1 when the form is blurred.
func (m Model) Focused() int {
	if m.focus < 0 {
		return -1
	}
	return slices.Index(m.shown(), m.focus)
}

// shown lists the indices of the rows that apply to the current values.
func (m Model) shown() []int {
	all := m.allValues()
	out := make([]int, 0, len(m.rows))
	for i, r := range m.rows {
		if m.info.Applies(r.field, all) {
			out = append(out, i)
		}
	}
	return out
}

// allValues is every row's value, hidden ones included.
func (m Model) allValues() map[string]string {
	out := make(map[string]string, len(m.rows))
	for _, r := range m.rows {
		out[r.field.Name] = r.value()
	}
	return out
}

// keepFocusShown moves focus off a row that a change of value hid, to the
// nearest shown row before it (the choice that hid it comes first).
func (m *Model) keepFocusShown() {
	if m.focus < 0 {
		return
	}
	sh := m.shown()
	if slices.Contains(sh, m.focus) {
		return
	}
	to := -1
	for _, i := range sh {
		if i < m.focus || to < 0 {
			to = i
		}
	}
	m.setFocus(to)
}

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
	for i := range m.rows {
		if _, set := v[m.rows[i].field.Name]; set {
			m.rows[i].own = m.rows[i].shown() != "" || m.rows[i].own
		}
	}
	m.keepFocusShown()
	return m
}

// Carry takes over values from the form of another scheme, for the fields
// that mean the same in both: the same name, both text fields, and alike in
// being secret and multiline (basic's and digest's username and password;
// not oauth1's token, an identifier, and bearer's token, a secret). A field
// of m that was typed into or set with [Model.SetValues] keeps its value;
// the others take from's value when from's field holds one or was typed
// into (cleared on purpose). So a value typed in one scheme follows the user
// through the schemes, and what they type in a scheme stays in that scheme.
// Hidden fields take part (they are kept, not sent).
func (m Model) Carry(from Model) Model {
	m.own()
	for i := range m.rows {
		r := &m.rows[i]
		if r.own || r.isChoice() {
			continue
		}
		j := from.index(r.field.Name)
		if j < 0 {
			continue
		}
		src := from.rows[j]
		if src.isChoice() || src.field.Secret != r.field.Secret || src.field.Multiline != r.field.Multiline {
			continue
		}
		if v := src.input.Value(); v != r.input.Value() && (v != "" || src.own) {
			r.input.SetValue(v)
			if i != m.focus {
				r.input.CursorStart()
			}
			r.syncEcho()
		}
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
//
// Fields hidden because they do not apply are left out: what is sent and
// saved is what the form shows.
func (m Model) Values() map[string]string {
	out := make(map[string]string, len(m.rows))
	for _, i := range m.shown() {
		r := m.rows[i]
		if v := r.value(); v != "" {
			out[r.field.Name] = v
		}
	}
	return out
}

func (m Model) index(name string) int {
	return slices.IndexFunc(m.rows, func(r row) bool { return r.field.Name == name })
}

// Focus focuses shown field i (clamped to the fields shown) and returns the
// text input's focus command (cursor blink; nil on a choice field). A secret
// field that loses focus is masked again. It does nothing on a form without
// fields.
func (m Model) Focus(i int) (Model, tea.Cmd) {
	sh := m.shown()
	if len(sh) == 0 {
		return m, nil
	}
	m.own()
	return m, m.setFocus(sh[min(max(i, 0), len(sh)-1)])
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
	sh, at := m.shown(), m.Focused()
	if len(sh) == 0 || at == len(sh)-1 {
		return m, false
	}
	m.own()
	m.setFocus(sh[at+1]) // at is -1 when blurred
	return m, true
}

// Prev moves focus to the previous field; from a blurred form, to the last
// field. It returns false when focus is already on the first field (or
// there are no fields).
func (m Model) Prev() (Model, bool) {
	sh, at := m.shown(), m.Focused()
	if len(sh) == 0 || at == 0 {
		return m, false
	}
	m.own()
	if at < 0 {
		at = len(sh)
	}
	m.setFocus(sh[at-1])
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

// Validate checks every shown field the way authn does: a required field
// must have a value or a Default, a field with Allowed values must hold one
// of them. It replaces all inline errors with what it found (none on hidden
// fields, which are not sent) and reports whether there were none.
func (m Model) Validate() (Model, bool) {
	m.own()
	ok := true
	sh := m.shown()
	for i := range m.rows {
		r := &m.rows[i]
		r.err = ""
		if slices.Contains(sh, i) {
			r.err = fieldError(r.field, r.value())
		}
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

// SetFieldError shows msg under the field called name, wrapped to the
// form's width, replacing that field's error and keeping the others: the
// parent reports there why a reference (env:NAME, file:PATH, keyring:NAME)
// did not resolve. An empty msg clears the field's error; an unknown name
// is ignored. Like every inline error, it goes when the value is edited.
func (m Model) SetFieldError(name, msg string) Model {
	i := m.index(name)
	if i < 0 {
		return m
	}
	m.own()
	m.rows[i].err = msg
	return m
}

// ClearErrors removes every inline error.
func (m Model) ClearErrors() Model { return m.SetErrors(nil) }

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
	at := m.Focused()
	k.Next.SetEnabled(at >= 0 && at < m.Len()-1)
	k.Prev.SetEnabled(at > 0)
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
		sh, at := m.shown(), m.Focused()
		switch {
		case key.Matches(k, m.km.Next):
			if at < len(sh)-1 {
				return m, m.setFocus(sh[at+1])
			}
			return m, nil
		case key.Matches(k, m.km.Prev):
			if at > 0 {
				return m, m.setFocus(sh[at-1])
			}
			return m, nil
		case r.isChoice():
			n := len(r.field.Allowed)
			switch {
			case key.Matches(k, m.km.ChoiceNext):
				r.choice = (r.choice + 1) % n
				r.err, r.own = "", true
			case key.Matches(k, m.km.ChoicePrev):
				r.choice = (r.choice + n - 1) % n
				r.err, r.own = "", true
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
		r.err, r.own = "", true
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
	return m.focus >= 0 && !m.rows[m.focus].isChoice()
}

// FocusLine returns the line of View on which the focused field starts (0
// when blurred), so a parent can scroll it into view.
func (m Model) FocusLine() int {
	if m.focus < 0 {
		return 0
	}
	lay := m.layout()
	n := 0
	for _, i := range m.shown() {
		if i == m.focus {
			break
		}
		n += len(m.rowLines(i, lay))
	}
	return n
}

// FocusEnd returns the last line of View that belongs to the focused field
// (its help and inline error included; 0 when blurred), so a parent can
// scroll the whole of it, the error under it too, into view.
func (m Model) FocusEnd() int {
	if m.focus < 0 {
		return 0
	}
	return m.FocusLine() + len(m.rowLines(m.focus, m.layout())) - 1
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
