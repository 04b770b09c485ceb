package browser

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
)

// Update handles a key press (or a paste, or a cursor blink for the focused
// input). Intents come back as commands producing [OpenMsg], [NewMsg],
// [DuplicateMsg], [RenameMsg] or [DeleteMsg]; nothing else is returned
// except the inputs' cursor-blink commands.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, isKey := msg.(tea.KeyPressMsg)
	if isKey {
		m.note = ""
	}
	switch m.mode {
	case modeFilter:
		if isKey {
			return m.filterKey(k)
		}
		return m.updateFilterInput(msg)
	case modeName:
		if isKey {
			return m.nameKey(k)
		}
		return m.updateNameInput(msg)
	case modeConfirm:
		if isKey {
			return m.confirmKey(k)
		}
		return m, nil
	}
	if isKey {
		return m.listKey(k)
	}
	return m, nil
}

// command reports whether k is a key that does not type anything, so that
// an input with focus may take it as a binding.
func command(k tea.KeyPressMsg) bool { return k.Text == "" }

func (m Model) listKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	if m.move(k) {
		m.want = ""
		return m, nil
	}
	switch {
	case key.Matches(k, m.km.Top):
		m.cursor = m.nearestSelectable(0)
	case key.Matches(k, m.km.Bottom):
		m.cursor = m.nearestSelectable(len(m.rows) - 1)
	case key.Matches(k, m.km.Filter):
		if len(m.items) == 0 {
			return m, nil
		}
		// / starts a new filter: it replaces the one applied, never
		// appends to it.
		m = m.clearFilter()
		m.mode = modeFilter
		cmd := m.filter.Focus()
		return m, cmd
	case key.Matches(k, m.km.ClearFilter):
		if m.query != "" {
			m = m.clearFilter()
		}
		return m, nil
	case key.Matches(k, m.km.Open):
		return m.open()
	case key.Matches(k, m.km.New):
		return m, emit(NewMsg{})
	case key.Matches(k, m.km.Duplicate):
		return m.startName(opDuplicate)
	case key.Matches(k, m.km.Rename):
		return m.startName(opRename)
	case key.Matches(k, m.km.Import):
		m.mode, m.op, m.target, m.nameErr = modeName, opImport, "", ""
		m.name.SetValue("")
		cmd := m.name.Focus()
		m.layoutInputs()
		m.scroll()
		return m, cmd
	case key.Matches(k, m.km.Delete):
		it, ok := m.selectedItem()
		if !ok {
			return m, nil
		}
		if it.e.Broken() {
			m.note = refusal(it, "delete")
			m.scroll()
			return m, nil
		}
		m.mode, m.target = modeConfirm, it.e.Name
		m.scroll()
		return m, nil
	default:
		return m, nil
	}
	m.want = ""
	m.scroll()
	return m, nil
}

// move handles the keys that move the selection in the list and in the
// filter input, and reports whether k was one.
func (m *Model) move(k tea.KeyPressMsg) bool {
	page := max(m.layout().listH-1, 1)
	switch {
	case key.Matches(k, m.km.Up):
		m.step(-1)
	case key.Matches(k, m.km.Down):
		m.step(1)
	case key.Matches(k, m.km.PageUp):
		m.cursor = m.nearestSelectable(max(m.cursor, 0) - page)
	case key.Matches(k, m.km.PageDown):
		m.cursor = m.nearestSelectable(max(m.cursor, 0) + page)
	default:
		return false
	}
	m.scroll()
	return true
}

// step moves the selection to the next entry in direction d (±1), skipping
// headers; at the end of the list it stays.
func (m *Model) step(d int) {
	if m.cursor < 0 {
		m.cursor = m.nearestSelectable(0)
		return
	}
	for i := m.cursor + d; i >= 0 && i < len(m.rows); i += d {
		if !m.rows[i].header() {
			m.cursor = i
			return
		}
	}
}

// nearestSelectable returns the entry row nearest to row i (clamped),
// looking down first; -1 when there is none.
func (m Model) nearestSelectable(i int) int {
	if len(m.rows) == 0 {
		return -1
	}
	i = min(max(i, 0), len(m.rows)-1)
	for j := i; j < len(m.rows); j++ {
		if !m.rows[j].header() {
			return j
		}
	}
	for j := i - 1; j >= 0; j-- {
		if !m.rows[j].header() {
			return j
		}
	}
	return -1
}

// scroll moves the window so that the selection (and the header of its
// group, when it is the group's first entry) is visible.
func (m *Model) scroll() {
	h := m.layout().listH
	if h <= 0 {
		m.offset = 0
		return
	}
	if c := m.cursor; c >= 0 {
		if c < m.offset {
			m.offset = c
		}
		if c >= m.offset+h {
			m.offset = c - h + 1
		}
		if c > 0 && c == m.offset && m.rows[c-1].header() && h > 1 {
			m.offset = c - 1
		}
	}
	m.offset = max(min(m.offset, len(m.rows)-h), 0)
}

func (m Model) open() (Model, tea.Cmd) {
	it, ok := m.selectedItem()
	if !ok {
		return m, nil
	}
	if it.e.Broken() {
		m.note = refusal(it, "open")
		m.scroll()
		return m, nil
	}
	return m, emit(OpenMsg{Entry: it.e})
}

// refusal says why an intent on a broken entry is refused.
func refusal(it item, what string) string {
	why := "not a valid profile"
	if w := brokenWhere(it); w != "broken" {
		why += " (" + strings.TrimPrefix(w, "broken: ") + ")"
	}
	return fmt.Sprintf("cannot %s %s: %s; fix it in an editor", what, sanitize.Line(it.e.Name), why)
}

// brokenWhere is "broken: line 3, col 7" (or just "broken").
func brokenWhere(it item) string {
	if e := it.e.Err; e != nil && e.Line > 0 {
		if e.Column > 0 {
			return fmt.Sprintf("broken: line %d, col %d", e.Line, e.Column)
		}
		return fmt.Sprintf("broken: line %d", e.Line)
	}
	return "broken"
}

// filterKey handles a key while the filter input has focus.
func (m Model) filterKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	if command(k) {
		if m.move(k) {
			return m, nil
		}
		switch {
		case key.Matches(k, m.km.ClearFilter):
			m = m.clearFilter()
			m.filter.Blur()
			m.mode = modeList
			m.scroll()
			return m, nil
		case key.Matches(k, m.km.Open):
			m.filter.Blur()
			m.mode = modeList
			m.cursor = m.nearestSelectable(0)
			m.scroll()
			return m, nil
		}
	}
	return m.updateFilterInput(k)
}

func (m Model) updateFilterInput(msg tea.Msg) (Model, tea.Cmd) {
	m.filter = detach(m.filter)
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	if q := m.filter.Value(); q != m.query {
		m = m.applyFilter(q)
	}
	return m, cmd
}

// applyFilter shows the entries matching q (all of them, grouped, when q
// is empty) and selects the best match.
func (m Model) applyFilter(q string) Model {
	if q == "" {
		return m.clearFilter()
	}
	m.query = q
	m.rows, m.results = m.filtered(q)
	m.offset = 0
	m.cursor = m.nearestSelectable(0)
	m.scroll()
	return m
}

// clearFilter shows every entry again, keeping the selection.
func (m Model) clearFilter() Model {
	sel, ok := m.selectedItem()
	m.query, m.results = "", nil
	m.filter.SetValue("")
	m.rows = m.grouped
	m.cursor = -1
	if ok {
		if i, found := m.find(sel.e.Name); found {
			m.cursor = m.rowOf(i)
		}
	}
	if m.cursor < 0 {
		m.cursor = m.nearestSelectable(0)
	}
	m.scroll()
	return m
}

// startName opens the inline name input for a copy or a rename of the
// selected entry.
func (m Model) startName(op nameOp) (Model, tea.Cmd) {
	it, ok := m.selectedItem()
	if !ok {
		return m, nil
	}
	if it.e.Broken() {
		what := "rename"
		if op == opDuplicate {
			what = "duplicate"
		}
		m.note = refusal(it, what)
		m.scroll()
		return m, nil
	}
	m.mode, m.op, m.target, m.nameErr = modeName, op, it.e.Name, ""
	v := it.e.Name
	if op == opDuplicate {
		v = m.copyName(v)
	}
	m.name.SetValue(v)
	m.name.CursorEnd()
	cmd := m.name.Focus()
	m.layoutInputs()
	m.scroll()
	return m, cmd
}

// copyName returns "NAME copy", or "NAME copy 2"… when that is taken.
func (m Model) copyName(name string) string {
	c := name + " copy"
	for n := 2; n < 1000; n++ {
		if _, taken := m.find(c); !taken {
			break
		}
		c = fmt.Sprintf("%s copy %d", name, n)
	}
	return c
}

// nameKey handles a key while the name input has focus.
func (m Model) nameKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	if command(k) {
		switch {
		case key.Matches(k, m.km.Cancel), key.Matches(k, m.km.ClearFilter):
			m = m.endInput()
			m.scroll()
			return m, nil
		case key.Matches(k, m.km.Open):
			return m.submitName()
		}
	}
	return m.updateNameInput(k)
}

func (m Model) updateNameInput(msg tea.Msg) (Model, tea.Cmd) {
	m.name = detach(m.name)
	before := m.name.Value()
	var cmd tea.Cmd
	m.name, cmd = m.name.Update(msg)
	if m.name.Value() != before && m.nameErr != "" {
		m.nameErr = ""
		m.scroll()
	}
	return m, cmd
}

func (m Model) submitName() (Model, tea.Cmd) {
	v := strings.TrimSpace(m.name.Value())
	if m.op == opImport {
		if v == "" {
			m.nameErr = "type the path of a Postman collection, an OpenAPI document or a .http file"
			m.scroll()
			return m, nil
		}
		m = m.endInput()
		m.scroll()
		return m, emit(ImportMsg{Path: v})
	}
	if m.op == opRename && v == m.target {
		m = m.endInput()
		m.scroll()
		return m, nil
	}
	if err := profiles.ValidateName(v); err != nil {
		m.nameErr = sanitize.Line(nameProblem(err))
	} else if _, taken := m.find(v); taken {
		m.nameErr = sanitize.Line(v) + " exists"
	}
	if m.nameErr != "" {
		m.scroll()
		return m, nil
	}
	var msg tea.Msg = DuplicateMsg{Src: m.target, Dst: v}
	if m.op == opRename {
		msg = RenameMsg{Old: m.target, New: v}
	}
	m = m.endInput()
	m.want = v
	m.scroll()
	return m, emit(msg)
}

// nameProblem is what is wrong with a name, short enough for the line
// under the name input.
func nameProblem(err error) string {
	if ne, ok := errors.AsType[*profiles.NameError](err); ok {
		return "not a usable name: " + ne.Problem
	}
	return err.Error()
}

// confirmKey handles a key while the delete confirmation is shown; keys
// other than Confirm and Cancel are ignored.
func (m Model) confirmKey(k tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.km.Confirm):
		name := m.target
		m = m.endInput()
		m.scroll()
		return m, emit(DeleteMsg{Name: name})
	case key.Matches(k, m.km.Cancel):
		m = m.endInput()
		m.scroll()
	}
	return m, nil
}

// endInput leaves a name input or confirmation.
func (m Model) endInput() Model {
	m.name.Blur()
	m.mode, m.target, m.nameErr = modeList, "", ""
	return m
}

// detach gives a text input its own copy of its text: textinput edits its
// rune slice in place, which a Model the caller still holds shares.
func detach(ti textinput.Model) textinput.Model {
	ti.SetValue(ti.Value())
	return ti
}

// layoutInputs sizes the inputs to the list column.
func (m *Model) layoutInputs() {
	w := m.layout().listW
	m.filter.SetWidth(max(w-4, 1))
	m.name.SetWidth(max(w-4, 1))
}

func keyHelp(b key.Binding) string { return b.Help().Key }

// Consumes reports whether Update would act on k, so that a parent can let
// the browser have keys it would otherwise take itself: everything while an
// input has focus (see [Model.Typing]), the answers to a delete
// confirmation, esc while a filter is applied, and the browser's own
// bindings.
func (m Model) Consumes(k tea.KeyPressMsg) bool {
	switch m.mode {
	case modeFilter, modeName:
		return true
	case modeConfirm:
		return key.Matches(k, m.km.Confirm) || key.Matches(k, m.km.Cancel)
	}
	if key.Matches(k, m.km.ClearFilter) {
		return m.query != ""
	}
	for _, b := range []key.Binding{m.km.Up, m.km.Down, m.km.PageUp, m.km.PageDown, m.km.Top, m.km.Bottom, m.km.Filter, m.km.Open, m.km.New, m.km.Duplicate, m.km.Rename, m.km.Delete, m.km.Import} {
		if key.Matches(k, b) {
			return true
		}
	}
	return false
}
