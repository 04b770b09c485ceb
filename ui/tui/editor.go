package tui

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/credform"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// Methods offered by the method picker.
var methods = [...]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// slot is one focusable place in the editor.
type slot struct {
	kind slotKind
	i    int // header row or credential field
}

type slotKind int

const (
	slotMethod slotKind = iota
	slotURL
	slotHeaderName
	slotHeaderValue
	slotBody
	slotScheme
	slotCred
)

type headerRow struct{ name, value textinput.Model }

// editor is the request editor: method, URL, header rows, body, scheme and
// the credential form generated from the scheme's fields.
type editor struct {
	com     common
	st      *theme.Styles
	keys    editorKeys
	width   int
	h       int  // rows the editor is given; View scrolls the focused slot into them
	paused  bool // focus is here but the field is blurred (esc): keys do not type
	bodyCT  int  // index into bodyTypes; 0 picks JSON or form from the body
	method  int
	url     textinput.Model
	headers []headerRow
	body    textarea.Model
	// bodyFile is the file sent as the body while the body is empty
	// (Prefill.BodyFile); typing a body replaces it.
	bodyFile string
	schemes  []authn.Info
	scheme   int
	creds    credform.Model // the form of schemes[scheme]
	// forms keeps the form of every scheme visited (by index into schemes;
	// a zero Model for one never visited), so cycling or picking keeps what
	// was typed for each; left is the order they were left in, oldest first.
	forms   []credform.Model
	left    []int
	picking bool             // the scheme list is open (on the scheme slot)
	picker  *credform.Picker // the open list (nil when closed); replaced, never changed in place, so copies of the editor stay apart
	focus   int              // index into slots(); -1 when the editor is not focused
	errs    map[slot]string
	present bool         // presenter mode: no reveal toggle in the credential form
	tls     profiles.TLS // the request's TLS options (client certificate, CA, -k), references kept, sent with every request of this editor
}

// credKeys is the credential form's keymap; presenter mode has no reveal.
func (e editor) credKeys() credform.KeyMap {
	km := credform.DefaultKeyMap()
	if e.present {
		km.Reveal.SetEnabled(false)
	}
	return km
}

func newInput(st *theme.Styles, placeholder string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = placeholder
	ti.SetStyles(st.Input())
	return ti
}

// newEditor is an editor holding the request description p (a profile, an
// imported command, a reopened history record, the command line's flags).
func newEditor(com common, p profiles.Profile) editor {
	st := com.st
	e := editor{com: com, st: st, keys: defaultEditorKeys(), errs: map[slot]string{}, present: com.present, tls: p.TLS}
	for _, s := range authn.Schemes() {
		e.schemes = append(e.schemes, s.Info())
	}
	e.url = newInput(st, "type a URL, or ctrl+o for the demo profiles")
	e.url.SetValue(p.URL)
	for i, m := range methods {
		if strings.EqualFold(m, p.Method) {
			e.method = i
		}
	}
	if p.Method == "" && (p.Body != "" || p.BodyFile != "") {
		e.method = 1 // POST, as send does with -d
	}
	for _, h := range p.Headers {
		e.headers = append(e.headers, e.newHeaderRow(h.Name, h.Value))
	}
	if len(e.headers) == 0 {
		e.headers = append(e.headers, e.newHeaderRow("", ""))
	}
	e.body = textarea.New()
	e.body.Placeholder = "request body: JSON or form fields"
	e.body.ShowLineNumbers = false
	e.body.SetHeight(3)
	e.body.SetStyles(st.TextArea())
	e.body.SetValue(p.Body)
	e.body.Blur()
	if p.Body == "" {
		e.bodyFile = p.BodyFile
	}
	name := p.Scheme
	if name == "" {
		name = "none"
	}
	for i, in := range e.schemes {
		if in.Name == name {
			e.scheme = i
		}
	}
	e.creds = credform.New(*st, e.credKeys(), e.schemes[e.scheme]).SetValues(p.Fields)
	e.forms = make([]credform.Model, len(e.schemes))
	e.focus = -1
	return e
}

func (e editor) newHeaderRow(name, value string) headerRow {
	r := headerRow{name: newInput(e.st, "Name"), value: newInput(e.st, "value")}
	r.name.SetValue(name)
	r.value.SetValue(value)
	return r
}

// slots lists the focusable places in tab order.
func (e editor) slots() []slot {
	s := []slot{{kind: slotMethod}, {kind: slotURL}}
	for i := range e.headers {
		s = append(s, slot{slotHeaderName, i}, slot{slotHeaderValue, i})
	}
	s = append(s, slot{kind: slotBody}, slot{kind: slotScheme})
	for i := range e.creds.Len() {
		s = append(s, slot{slotCred, i})
	}
	return s
}

func (e editor) current() (slot, bool) {
	sl := e.slots()
	if e.focus < 0 || e.focus >= len(sl) {
		return slot{}, false
	}
	return sl[e.focus], true
}

// typing reports whether the focused slot takes text (so q types a q).
func (e editor) typing() bool {
	s, ok := e.current()
	if !ok || e.paused {
		return false
	}
	if e.picking {
		return true // the scheme list's filter
	}
	switch s.kind {
	case slotMethod, slotScheme:
		return false
	case slotCred:
		return e.creds.Typing()
	}
	return true
}

// setFocus blurs everything and focuses slot index i (-1: nothing).
func (e editor) setFocus(i int) (editor, tea.Cmd) {
	blur := func(ti *textinput.Model) {
		if ti.Focused() {
			ti.Blur()
			ti.CursorStart() // a blurred field shows the start of its value
		}
	}
	blur(&e.url)
	for k := range e.headers {
		blur(&e.headers[k].name)
		blur(&e.headers[k].value)
	}
	e.body.Blur()
	e.creds = e.creds.Blur()
	e.picking, e.picker = false, nil // leaving the scheme slot closes its list unpicked
	e.focus = i
	s, ok := e.current()
	if !ok {
		e.focus = -1
		return e, nil
	}
	var cmd tea.Cmd
	switch s.kind {
	case slotURL:
		e.url.CursorEnd()
		cmd = e.url.Focus()
	case slotHeaderName:
		e.headers[s.i].name.CursorEnd()
		cmd = e.headers[s.i].name.Focus()
	case slotHeaderValue:
		e.headers[s.i].value.CursorEnd()
		cmd = e.headers[s.i].value.Focus()
	case slotBody:
		cmd = e.body.Focus()
	case slotCred:
		e.creds, cmd = e.creds.Focus(s.i)
	}
	return e, cmd
}

// SetSize gives the editor w columns and h rows (0 keeps the rows).
func (e editor) SetSize(w, h int) editor {
	if h > 0 {
		e.h = h
	}
	e.width = w
	e.url.SetWidth(max(10, w-16))
	for i := range e.headers {
		nw := min(24, max(8, (w-8)/3))
		e.headers[i].name.SetWidth(nw)
		e.headers[i].value.SetWidth(max(8, w-nw-8))
	}
	e.body.SetWidth(max(10, w-4))
	e.creds = e.creds.SetWidth(e.credWidth())
	if e.picker != nil {
		p := e.picker.SetSize(e.credWidth(), e.pickerRows())
		e.picker = &p
	}
	return e
}

// credWidth is the width of the credential form and the scheme list.
func (e editor) credWidth() int { return max(20, e.width-2) }

// pickerRows is the height of the scheme list: what the editor's rows leave
// beside the Auth line, at least a few schemes.
func (e editor) pickerRows() int {
	if e.h <= 0 {
		return 0
	}
	return max(5, e.h-3)
}

func (e editor) cycle(delta int) editor {
	s, _ := e.current()
	switch s.kind {
	case slotMethod:
		e.method = (e.method + delta + len(methods)) % len(methods)
	case slotScheme:
		e = e.switchScheme((e.scheme + delta + len(e.schemes)) % len(e.schemes))
	}
	return e
}

// switchScheme makes schemes[i] the scheme in use. Nothing typed is lost:
// the form being left is kept as it is, the form of a scheme visited before
// comes back as it was left, and values carry over between fields that mean
// the same (credform.Model.Carry: the same name, both text, alike in being
// secret) into fields not typed into in that scheme, from every form kept,
// the most recently left last (so its values win).
func (e editor) switchScheme(i int) editor {
	if i == e.scheme {
		return e
	}
	e.forms = slices.Clone(e.forms)
	e.forms[e.scheme] = e.creds.Blur()
	e.left = append(slices.DeleteFunc(slices.Clone(e.left), func(j int) bool { return j == e.scheme }), e.scheme)
	f := e.forms[i]
	if f.Info().Name == "" {
		f = credform.New(*e.st, e.credKeys(), e.schemes[i])
	}
	for _, j := range e.left {
		if j != i {
			f = f.Carry(e.forms[j])
		}
	}
	e.scheme = i
	e.creds = f.SetStyles(*e.st).SetWidth(e.credWidth())
	return e
}

// openPicker opens the scheme list on the scheme slot.
func (e editor) openPicker() (editor, tea.Cmd) {
	e.picking = true
	p := credform.NewPicker(*e.st, credform.DefaultPickerKeyMap(), e.schemes, e.schemes[e.scheme].Name).
		SetSize(e.credWidth(), e.pickerRows())
	e.picker = &p
	return e, textinput.Blink
}

// listKeys are the open scheme list's keys, for the help bar; ok is false
// when the list is closed (then KeyMap().SchemeList opens it on the Auth
// line).
func (e editor) listKeys() (km credform.PickerKeyMap, ok bool) {
	return credform.DefaultPickerKeyMap(), e.picking
}

// pick passes a message to the open scheme list and, once the user picked
// or closed it, switches the scheme and closes it.
func (e editor) pick(msg tea.Msg) (editor, tea.Cmd) {
	p, cmd := e.picker.Update(msg)
	e.picker = &p
	if !p.Done() {
		return e, cmd
	}
	e.picking, e.picker = false, nil
	if name := p.Picked(); name != "" {
		if i := slices.IndexFunc(e.schemes, func(in authn.Info) bool { return in.Name == name }); i >= 0 {
			e = e.switchScheme(i)
		}
	}
	return e, nil
}

// syncCredFocus points the editor's focus at the credential field the form
// has focused: a choice (oauth2's grant) shows and hides the fields after
// it, so the form's field count and the slots change under the focus.
func (e editor) syncCredFocus() editor {
	if i := e.creds.Focused(); i >= 0 {
		e.focus = slices.Index(e.slots(), slot{slotCred, i})
	}
	return e
}

func (e editor) addHeader() (editor, tea.Cmd) {
	s, _ := e.current()
	at := len(e.headers)
	if s.kind == slotHeaderName || s.kind == slotHeaderValue {
		at = s.i + 1
	}
	row := e.newHeaderRow("", "")
	e.headers = append(e.headers[:at], append([]headerRow{row}, e.headers[at:]...)...)
	e = e.SetSize(e.width, 0)
	for i, sl := range e.slots() {
		if sl.kind == slotHeaderName && sl.i == at {
			return e.setFocus(i)
		}
	}
	return e, nil
}

func (e editor) delHeader() (editor, tea.Cmd) {
	s, _ := e.current()
	if s.kind != slotHeaderName && s.kind != slotHeaderValue {
		return e, nil
	}
	if len(e.headers) == 1 {
		e.headers[0].name.SetValue("")
		e.headers[0].value.SetValue("")
		return e, nil
	}
	e.headers = append(e.headers[:s.i], e.headers[s.i+1:]...)
	return e.setFocus(min(e.focus, len(e.slots())-1))
}

// Update handles the editor's own keys (pickers, ↑/↓, headers, esc,
// enter, the body type) and passes the rest to the focused input.
func (e editor) Update(msg tea.Msg) (editor, tea.Cmd) {
	s, ok := e.current()
	if !ok {
		return e, nil
	}
	if e.picking {
		return e.pick(msg)
	}
	if km, isKey := msg.(tea.KeyPressMsg); isKey {
		if ed, cmd, done := e.key(km, s); done {
			return ed, cmd
		}
		if e.paused {
			return e, nil // esc left the field: keys do not type
		}
	}
	return e.input(msg, s)
}

// key handles the editor's own keys; done is false for keys the input
// takes.
func (e editor) key(msg tea.KeyPressMsg, s slot) (editor, tea.Cmd, bool) {
	k := e.keys
	picker := s.kind == slotMethod || s.kind == slotScheme
	switch {
	case e.paused && key.Matches(msg, k.Edit):
		ed, cmd := e.resume()
		return ed, cmd, true
	case key.Matches(msg, k.Leave) && !e.paused && e.typing():
		return e.pause(), nil, true
	case picker && key.Matches(msg, k.Left):
		return e.cycle(-1), nil, true
	case picker && key.Matches(msg, k.Right):
		return e.cycle(+1), nil, true
	case s.kind == slotScheme && key.Matches(msg, k.SchemeList):
		ed, cmd := e.openPicker()
		return ed, cmd, true
	case key.Matches(msg, k.AddHeader):
		ed, cmd := e.addHeader()
		return ed, cmd, true
	case key.Matches(msg, k.DelHeader):
		ed, cmd := e.delHeader()
		return ed, cmd, true
	case key.Matches(msg, k.BodyType):
		e.bodyCT = (e.bodyCT + 1) % len(bodyTypes)
		return e, nil, true
	case key.Matches(msg, k.Down) && (e.paused || s.kind != slotBody && s.kind != slotCred):
		ed, cmd, _ := e.move(+1)
		return ed, cmd, true
	case key.Matches(msg, k.Up) && (e.paused || s.kind != slotBody && s.kind != slotCred):
		ed, cmd, _ := e.move(-1)
		return ed, cmd, true
	}
	return e, nil, false
}

// input passes a message to the focused input.
func (e editor) input(msg tea.Msg, s slot) (editor, tea.Cmd) {
	var cmd tea.Cmd
	switch s.kind {
	case slotURL:
		e.url, cmd = e.url.Update(msg)
		delete(e.errs, slot{kind: slotURL})
	case slotHeaderName:
		e.headers[s.i].name, cmd = e.headers[s.i].name.Update(msg)
		delete(e.errs, slot{slotHeaderName, s.i})
	case slotHeaderValue:
		e.headers[s.i].value, cmd = e.headers[s.i].value.Update(msg)
		delete(e.errs, slot{slotHeaderName, s.i})
	case slotBody:
		if km, ok := msg.(tea.KeyPressMsg); ok && e.bodyFile != "" && (km.Text != "" || km.Code == tea.KeyBackspace || km.Code == tea.KeyDelete) {
			e.bodyFile = "" // a typed body replaces the file
		}
		e.body, cmd = e.body.Update(msg)
	case slotCred:
		e.creds, cmd = e.creds.Update(msg)
		e = e.syncCredFocus()
	}
	return e, cmd
}

// request validates the form and returns the request description to send
// (references kept: profiles.Resolve reads them in the send command); on
// problems it stores inline errors and returns the first one as the
// reason. A body without a Content-Type header gets the one the editor
// shows (bodyType).
func (e editor) request() (editor, profiles.Profile, string) {
	e.errs = map[slot]string{}
	p := profiles.Profile{
		Method: methods[e.method],
		URL:    strings.TrimSpace(e.url.Value()),
		Scheme: e.schemes[e.scheme].Name,
		Fields: e.creds.Values(),
		TLS:    e.tls,
	}
	var reasons []string
	// a URL with {{variables}} is checked when they are filled (profiles.Resolve)
	u := strings.ReplaceAll(p.URL, practice.Placeholder, "http://127.0.0.1")
	if _, err := authn.ParseURL(u); err != nil && !profiles.HasVars(u) {
		e.errs[slot{kind: slotURL}] = err.Error()
		reasons = append(reasons, err.Error())
	}
	contentType := false
	for i, h := range e.headers {
		name, value := strings.TrimSpace(h.name.Value()), strings.TrimSpace(h.value.Value())
		if name == "" && value == "" {
			continue
		}
		if n, v, ok := strings.Cut(name, ":"); ok && value == "" {
			// "Name: value" pasted into the name field
			name, value = strings.TrimSpace(n), strings.TrimSpace(v)
		}
		if msg := headerProblem(name, value); msg != "" {
			e.errs[slot{slotHeaderName, i}] = msg
			reasons = append(reasons, msg)
			continue
		}
		contentType = contentType || strings.EqualFold(name, "Content-Type")
		p.Headers = append(p.Headers, profiles.Header{Name: name, Value: value})
	}
	if b := e.body.Value(); b != "" {
		p.Body = b
		if !contentType {
			p.Headers = append(p.Headers, profiles.Header{Name: "Content-Type", Value: e.bodyType()})
		}
	} else if e.bodyFile != "" {
		p.BodyFile = e.bodyFile // read when sent (profiles.Resolve), never before
		if !contentType {
			p.Headers = append(p.Headers, profiles.Header{Name: "Content-Type", Value: e.bodyType()})
		}
	}
	var ok bool
	e.creds, ok = e.creds.Validate()
	if !ok {
		for name, msg := range e.creds.Errors() {
			reasons = append(reasons, name+": "+msg)
		}
	}
	if len(reasons) > 0 {
		return e, p, reasons[0]
	}
	return e, p, ""
}

// bodyTypes are the body's content types: 0 guesses (JSON when the body
// parses as JSON, RFC 8259; else an HTML form, the WHATWG URL spec's
// application/x-www-form-urlencoded), the rest are chosen with ctrl+b.
var bodyTypes = [...]string{"", "application/json", "application/x-www-form-urlencoded", "text/plain"}

// bodyType is the Content-Type sent with the body when no header sets one.
func (e editor) bodyType() string {
	if e.bodyCT > 0 {
		return bodyTypes[e.bodyCT]
	}
	if b := strings.TrimSpace(e.body.Value()); b != "" && json.Valid([]byte(b)) {
		return "application/json"
	}
	return "application/x-www-form-urlencoded"
}

// headerValue is the value of the first header row named name.
func (e editor) headerValue(name string) string {
	for _, h := range e.headers {
		if strings.EqualFold(strings.TrimSpace(h.name.Value()), name) {
			return strings.TrimSpace(h.value.Value())
		}
	}
	return ""
}

// headerValueView renders a header row's value. In presenter mode the
// value of a credential header (Authorization, Cookie, X-API-Key, …) is
// never on screen: a fixed mask, or while it is typed into, one mask
// character per character typed.
func (e editor) headerValueView(h headerRow, typing bool) string {
	if !e.present || h.value.Value() == "" || !authn.CredentialHeader(h.name.Value()) {
		return h.value.View()
	}
	if !typing {
		return e.st.Secret.Render(authn.Mask(""))
	}
	v := h.value
	v.EchoMode, v.EchoCharacter = textinput.EchoPassword, []rune(authn.MaskRune)[0]
	return v.View()
}

// headerNameView renders a header row's name. A whole "Name: value"
// typed or pasted into the name field is split when the request is built;
// until then, in presenter mode, a credential header's value there is
// masked too.
func (e editor) headerNameView(h headerRow) string {
	n, v, ok := strings.Cut(h.name.Value(), ":")
	if !e.present || !ok || strings.TrimSpace(v) == "" || !authn.CredentialHeader(n) {
		return h.name.View()
	}
	c := h.name
	c.SetValue(n + ": " + authn.Mask(""))
	return c.View()
}

func headerProblem(name, value string) string {
	switch {
	case name == "":
		return "header without a name: write Name and value, e.g. Accept: application/json"
	case strings.ContainsAny(name, " \t()<>@,;\\\"/[]?={}"):
		return fmt.Sprintf("%q is not a valid header name: letters, digits and '-' only", name)
	case strings.ContainsAny(value, "\r\n\x00"):
		return "header value has a line break"
	}
	return ""
}

// view renders the editor into lines and reports on which line the focused
// slot starts, so View can scroll it into view.
func (e editor) lines() (lines []string, focusLine int) {
	st := e.st
	cur, hasFocus := e.current()
	label := func(s slot, text string) string {
		if hasFocus && cur.kind == s.kind && (s.kind != slotHeaderName || cur.i == s.i) {
			return st.LabelFocused.Render(text)
		}
		return st.Label.Render(text)
	}
	add := func(s slot, block string) {
		if hasFocus && cur == s {
			focusLine = len(lines)
		}
		lines = append(lines, strings.Split(block, "\n")...)
	}
	errLine := func(s slot) {
		if msg := e.errs[s]; msg != "" {
			lines = append(lines, "  "+st.Error.Render("✗ "+msg))
		}
	}

	method := methods[e.method]
	if hasFocus && cur.kind == slotMethod {
		method = "‹ " + method + " ›"
	}
	mline := label(slot{kind: slotMethod}, "Method ") + st.Value.Bold(true).Render(method)
	add(slot{kind: slotMethod}, mline)
	add(slot{kind: slotURL}, label(slot{kind: slotURL}, "URL    ")+e.url.View())
	errLine(slot{kind: slotURL})

	lines = append(lines, st.Label.Render("Headers")+st.Muted.Render("  ctrl+n add · ctrl+x remove"))
	for i, h := range e.headers {
		s := slot{slotHeaderName, i}
		if hasFocus && cur.kind == slotHeaderValue && cur.i == i {
			s = slot{slotHeaderValue, i}
		}
		row := "  " + e.headerNameView(h) + st.Muted.Render(": ") + e.headerValueView(h, s.kind == slotHeaderValue)
		add(s, row)
		errLine(slot{slotHeaderName, i})
	}

	ct := e.bodyType()
	if h := e.headerValue("Content-Type"); h != "" {
		ct = h + " (from the header)"
	} else if e.bodyCT == 0 {
		ct += " (guessed · ctrl+b changes)"
	}
	lines = append(lines, label(slot{kind: slotBody}, "Body ")+st.Muted.Render(ct))
	if e.bodyFile != "" && e.body.Value() == "" {
		add(slot{kind: slotBody}, "  "+sanitize.Line(profiles.BodyFileShown(e.bodyFile))+st.Muted.Render(" · type to replace it"))
	} else {
		add(slot{kind: slotBody}, e.body.View())
	}

	in := e.schemes[e.scheme]
	name := in.Name
	onScheme := hasFocus && cur.kind == slotScheme && !e.paused
	if onScheme {
		name = "‹ " + name + " ›"
	}
	desc := in.Title
	if in.Spec != "" {
		desc += " (" + in.Spec + ")"
	}
	if onScheme && !e.picking {
		h := e.keys.SchemeList.Help()
		desc += " · " + h.Key + " " + h.Desc
	}
	add(slot{kind: slotScheme}, label(slot{kind: slotScheme}, "Auth   ")+st.Value.Bold(true).Render(name)+"  "+st.Muted.Render(desc))
	if e.picking {
		// View scrolls to show two lines after focusLine: point it so that
		// the list's last line (its keys) shows, the Auth line too when the
		// list fits (pickerRows leaves room for it).
		pl := strings.Split(e.picker.View(), "\n")
		focusLine = max(len(lines)-1, len(lines)+len(pl)-3)
		for _, l := range pl {
			lines = append(lines, "  "+l)
		}
		for i, l := range lines {
			lines[i] = ansi.Truncate(l, e.width, "")
		}
		return lines, focusLine
	}
	credLines := strings.Split(e.creds.View(), "\n")
	if hasFocus && cur.kind == slotCred {
		// View shows two lines after focusLine: point it so that the
		// field's last line (an error under it) shows too.
		focusLine = len(lines) + max(e.creds.FocusLine(), e.creds.FocusEnd()-2)
	}
	for _, l := range credLines {
		lines = append(lines, "  "+l)
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, e.width, "")
	}
	return lines, focusLine
}

// View renders the editor in its rows, scrolled so the focused slot shows.
func (e editor) View() string {
	lines, focus := e.lines()
	h := max(1, e.h)
	off := 0
	if focus > h-3 {
		off = min(focus-(h-3), max(0, len(lines)-h))
	}
	off = max(0, off)
	end := min(len(lines), off+h)
	return strings.Join(lines[off:end], "\n")
}

// height is the number of lines the whole editor takes.
func (e editor) height() int {
	lines, _ := e.lines()
	return len(lines)
}

// summary is the request beside the response when the editor is folded:
// method and URL, the URL hard-wrapped so that all of it shows (at most
// summaryURLRows rows; ctrl+l shows the rest), then the auth scheme.
func (e editor) summary(w int) string {
	st := e.st
	url := strings.TrimSpace(e.url.Value())
	if url == "" {
		url = "(no URL yet)"
	}
	m := methods[e.method]
	rows := strings.Split(ansi.Hardwrap(url, max(10, w-len(m)-1), false), "\n")
	if len(rows) > summaryURLRows {
		rows = rows[:summaryURLRows]
		last := rows[summaryURLRows-1]
		rows[summaryURLRows-1] = ansi.Truncate(last, ansi.StringWidth(last)-1, "") + "…"
	}
	pad := strings.Repeat(" ", len(m)+1)
	lines := []string{st.Value.Bold(true).Render(m) + " " + rows[0]}
	for _, r := range rows[1:] {
		lines = append(lines, pad+r)
	}
	lines = append(lines, st.Muted.Render(ansi.Truncate("auth "+e.schemes[e.scheme].Name+" · ctrl+l or tab edits the request", w, "…")))
	return strings.Join(lines, "\n")
}

// summaryURLRows bounds the URL's rows in the folded summary.
const summaryURLRows = 3

// summaryHeight is the number of lines summary(w) takes.
func (e editor) summaryHeight(w int) int {
	return strings.Count(e.summary(w), "\n") + 1
}

// SetCommon restyles the editor and its own inputs.
func (e editor) SetCommon(c common) editor {
	e.com, e.st = c, c.st
	e.url.SetStyles(c.st.Input())
	for i := range e.headers {
		e.headers[i].name.SetStyles(c.st.Input())
		e.headers[i].value.SetStyles(c.st.Input())
	}
	e.body.SetStyles(c.st.TextArea())
	e.creds = e.creds.SetStyles(*c.st)
	if e.picker != nil {
		p := e.picker.SetStyles(*c.st)
		e.picker = &p
	}
	return e
}

// KeyMap is the editor's own keys.
func (e editor) KeyMap() editorKeys { return e.keys }

// move focuses the next (d > 0) or previous slot; ok is false past either
// end (the caller moves on to the result pane).
func (e editor) move(d int) (editor, tea.Cmd, bool) {
	n := len(e.slots())
	i := e.focus + d
	if i < 0 || i >= n {
		return e, nil, false
	}
	e.paused = false
	ed, cmd := e.setFocus(i)
	return ed, cmd, true
}

// focusEnd points the focus at the first (d > 0) or last slot, for coming
// back from the result pane; resume focuses it.
func (e editor) focusEnd(d int) editor {
	if d > 0 {
		e.focus = 0
	} else {
		e.focus = len(e.slots()) - 1
	}
	return e
}

// pause blurs the focused field but keeps its place (esc, or the focus
// moving to the result pane).
func (e editor) pause() editor {
	i := e.focus
	e, _ = e.setFocus(-1)
	e.focus, e.paused = i, true
	if i < 0 {
		e.focus = 1
	}
	return e
}

// resume focuses the kept field again.
func (e editor) resume() (editor, tea.Cmd) {
	e.paused = false
	i := e.focus
	if i < 0 {
		i = 1
	}
	return e.setFocus(i)
}

// onURL reports whether the URL field is focused.
func (e editor) onURL() bool {
	s, ok := e.current()
	return ok && !e.paused && s.kind == slotURL
}

// urlValue is the URL as typed.
func (e editor) urlValue() string { return e.url.Value() }

// tlsOptions are the TLS options the editor sends with.
func (e editor) tlsOptions() profiles.TLS { return e.tls }

// setFieldErrors shows errs under their credential fields; nil clears every
// inline error (a send went out: their causes are fixed).
func (e editor) setFieldErrors(errs map[string]string) editor {
	if errs == nil {
		e.errs = map[slot]string{}
	}
	e.creds = e.creds.SetErrors(errs)
	return e
}

// setCredValues replaces the credential form's values.
func (e editor) setCredValues(v map[string]string) editor {
	e.creds = e.creds.SetValues(v)
	return e.syncCredFocus()
}
