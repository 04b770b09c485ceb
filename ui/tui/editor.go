package tui

import (
	"fmt"
	"net/http"
	"strings"

	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/tui/credform"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// Methods offered by the method picker.
var methods = [...]string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// Prefill is what the editor starts with (from `authlab [send-flags] URL`).
// Field values may be secret references (env:NAME, file:PATH); they are
// resolved when the request is sent, inside the send command.
type Prefill struct {
	Method  string
	URL     string
	Headers []profiles.Header // in order: a profile's, an imported command's
	Body    string
	Scheme  string
	Fields  map[string]string
	// TLS are the request's TLS options (client certificate, CA, -k), kept
	// as given and sent with every request of this editor.
	TLS *authn.TLSOptions
}

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
	st      theme.Styles
	width   int
	method  int
	url     textinput.Model
	headers []headerRow
	body    textarea.Model
	schemes []authn.Info
	scheme  int
	creds   credform.Model
	focus   int // index into slots(); -1 when the editor is not focused
	errs    map[slot]string
	present bool // presenter mode: no reveal toggle in the credential form
	tls     *authn.TLSOptions
}

// credKeys is the credential form's keymap; presenter mode has no reveal.
func (e editor) credKeys() credform.KeyMap {
	km := credform.DefaultKeyMap()
	if e.present {
		km.Reveal.SetEnabled(false)
	}
	return km
}

func newInput(st theme.Styles, placeholder string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = placeholder
	ti.SetStyles(st.Input())
	return ti
}

func newEditor(st theme.Styles, p Prefill, present bool) editor {
	e := editor{st: st, errs: map[slot]string{}, present: present, tls: p.TLS}
	for _, s := range authn.Schemes() {
		e.schemes = append(e.schemes, s.Info())
	}
	e.url = newInput(st, "https://api.example.com/resource")
	e.url.SetValue(p.URL)
	for i, m := range methods {
		if strings.EqualFold(m, p.Method) {
			e.method = i
		}
	}
	if p.Method == "" && p.Body != "" {
		e.method = 1 // POST, as send does with -d
	}
	for _, h := range p.Headers {
		e.headers = append(e.headers, e.newHeaderRow(h.Name, h.Value))
	}
	if len(e.headers) == 0 {
		e.headers = append(e.headers, e.newHeaderRow("", ""))
	}
	e.body = textarea.New()
	e.body.Placeholder = "request body (form or JSON)"
	e.body.ShowLineNumbers = false
	e.body.SetHeight(3)
	e.body.SetStyles(st.TextArea())
	e.body.SetValue(p.Body)
	e.body.Blur()
	name := p.Scheme
	if name == "" {
		name = "none"
	}
	for i, in := range e.schemes {
		if in.Name == name {
			e.scheme = i
		}
	}
	e.creds = credform.New(st, e.credKeys(), e.schemes[e.scheme]).SetValues(p.Fields)
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
	if !ok {
		return false
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

func (e editor) setWidth(w int) editor {
	e.width = w
	e.url.SetWidth(max(10, w-16))
	for i := range e.headers {
		nw := min(24, max(8, (w-8)/3))
		e.headers[i].name.SetWidth(nw)
		e.headers[i].value.SetWidth(max(8, w-nw-8))
	}
	e.body.SetWidth(max(10, w-4))
	e.creds = e.creds.SetWidth(max(20, w-2))
	return e
}

func (e editor) cycle(delta int) editor {
	s, _ := e.current()
	switch s.kind {
	case slotMethod:
		e.method = (e.method + delta + len(methods)) % len(methods)
	case slotScheme:
		e.scheme = (e.scheme + delta + len(e.schemes)) % len(e.schemes)
		// keep the values of fields that the new scheme also has
		old := e.creds.Values()
		e.creds = credform.New(e.st, e.credKeys(), e.schemes[e.scheme]).SetValues(old).SetWidth(max(20, e.width-2))
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
	e = e.setWidth(e.width)
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

// update passes a message to the focused input.
func (e editor) update(msg tea.Msg) (editor, tea.Cmd) {
	s, ok := e.current()
	if !ok {
		return e, nil
	}
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
		e.body, cmd = e.body.Update(msg)
	case slotCred:
		e.creds, cmd = e.creds.Update(msg)
	}
	return e, cmd
}

// request validates the form and returns the request to send; on problems
// it stores inline errors and returns the first one as the reason.
func (e editor) request() (editor, authn.Request, string) {
	e.errs = map[slot]string{}
	req := authn.Request{
		Method: methods[e.method],
		URL:    strings.TrimSpace(e.url.Value()),
		Header: http.Header{},
		Scheme: e.schemes[e.scheme].Name,
		Fields: e.creds.Values(),
		TLS:    e.tls,
	}
	var reasons []string
	if _, err := authn.ParseURL(strings.ReplaceAll(req.URL, practice.Placeholder, "http://127.0.0.1")); err != nil {
		e.errs[slot{kind: slotURL}] = err.Error()
		reasons = append(reasons, err.Error())
	}
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
		req.Header.Add(name, value)
	}
	if b := e.body.Value(); b != "" {
		req.Body = []byte(b)
		if req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
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
		return e, req, reasons[0]
	}
	return e, req, ""
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
// slot starts, so the caller can scroll it into view.
func (e editor) view() (lines []string, focusLine int) {
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
		row := "  " + h.name.View() + st.Muted.Render(": ") + h.value.View()
		s := slot{slotHeaderName, i}
		if hasFocus && cur.kind == slotHeaderValue && cur.i == i {
			s = slot{slotHeaderValue, i}
		}
		add(s, row)
		errLine(slot{slotHeaderName, i})
	}

	lines = append(lines, label(slot{kind: slotBody}, "Body"))
	add(slot{kind: slotBody}, e.body.View())

	in := e.schemes[e.scheme]
	name := in.Name
	if hasFocus && cur.kind == slotScheme {
		name = "‹ " + name + " ›"
	}
	desc := in.Title
	if in.Spec != "" {
		desc += " (" + in.Spec + ")"
	}
	add(slot{kind: slotScheme}, label(slot{kind: slotScheme}, "Auth   ")+st.Value.Bold(true).Render(name)+"  "+st.Muted.Render(desc))
	credLines := strings.Split(e.creds.View(), "\n")
	if hasFocus && cur.kind == slotCred {
		focusLine = len(lines) + e.creds.FocusLine()
	}
	for _, l := range credLines {
		lines = append(lines, "  "+l)
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, e.width, "")
	}
	return lines, focusLine
}
