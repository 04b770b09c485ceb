// Package browser is the TUI's saved-profile browser, shown beside the
// request editor: a list of the profiles grouped by folder, a fuzzy filter,
// and a preview of the selected profile.
//
// The browser does no I/O. The parent gives it the entries a
// profiles.Store listed ([Model.SetEntries], [Model.AppendEntries] while
// loading continues) and what history knows ([Model.SetLast]); the browser
// answers keys with intents — commands producing [OpenMsg], [NewMsg],
// [DuplicateMsg], [RenameMsg] and [DeleteMsg] — which the parent carries out
// in its own commands and then hands the new list back.
//
// A broken entry (a file that is not a valid profile) stays in the list,
// marked, and the browser refuses every intent on it except showing why:
// authlab never overwrites or deletes such a file.
//
// Everything shown that comes from a file — names, descriptions, URLs,
// warnings, parse errors — goes through sanitize.Line before it is styled.
//
// The browser follows the bubbles conventions (value receivers; Update and
// the setters return the new model) and keeps no package-level state. Its
// slices are never changed in place, so a Model the caller still holds is
// unaffected by later updates.
package browser

import (
	"maps"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/theme"
)

// Last is what history knows about a profile's last send (shown in the
// preview).
type Last struct {
	Status   int // HTTP status; 0 when the send failed without a response
	Time     time.Time
	Duration time.Duration
}

// OpenMsg asks the parent to load Entry into the request editor. It is sent
// for valid profiles only.
type OpenMsg struct{ Entry profiles.Entry }

// NewMsg asks the parent for a new, empty request.
type NewMsg struct{}

// DuplicateMsg asks the parent to copy profile Src to the new name Dst.
type DuplicateMsg struct{ Src, Dst string }

// RenameMsg asks the parent to rename profile Old to New.
type RenameMsg struct{ Old, New string }

// DeleteMsg asks the parent to delete profile Name; the user confirmed it.
type DeleteMsg struct{ Name string }

// ImportMsg asks the parent to import the file at Path (a Postman
// collection, an OpenAPI document or a .http file, told by its contents):
// the parent shows what it holds and asks before saving anything.
type ImportMsg struct{ Path string }

// mode is what has the keys.
type mode int

const (
	modeList    mode = iota // the list
	modeFilter              // the filter input
	modeName                // the duplicate/rename name input
	modeConfirm             // the delete confirmation
)

// nameOp is what a name input is for.
type nameOp int

const (
	opDuplicate nameOp = iota
	opRename
	opImport // the input holds a file path, not a profile name
)

// Texts the browser shows.
const (
	msgEmpty        = "No saved profiles yet. Fill in a request and press ctrl+s to save it."
	msgNotOverwrite = "authlab will not overwrite or delete this file; fix it in an editor."
	msgNever        = "never sent"
	title           = "Profiles"
)

// Model is the profile browser. The zero value is not usable; build one with
// [New].
type Model struct {
	st  theme.Styles
	km  KeyMap
	now func() time.Time

	width, height int
	dir           string
	loading       bool

	items   []item // sorted by group, then name; never changed in place
	grouped []row  // the unfiltered list: headers and items
	rows    []row  // what the list shows: grouped, or the filter's matches
	last    map[string]Last

	cursor int // index into rows of the selection; -1 when nothing is selected
	offset int // first row shown

	mode    mode
	filter  textinput.Model
	query   string   // the filter applied to rows; "" for none
	results []result // the results of the filter and its prefixes

	op      nameOp
	name    textinput.Model
	target  string // the entry a name input or confirmation is about
	nameErr string

	note string // a one-off message under the list, cleared by the next key
	want string // a name to select once it appears (after a rename or copy)
}

// New returns an empty browser with styles st and bindings km.
func New(st theme.Styles, km KeyMap) Model {
	m := Model{st: st, km: km, now: time.Now, cursor: -1, width: 40, height: 20}
	m.filter = newInput("/ ")
	m.name = newInput("> ")
	m = m.SetStyles(st)
	return m
}

func newInput(prompt string) textinput.Model {
	ti := textinput.New()
	ti.Prompt = prompt
	// The clipboard binding would do I/O; pastes arrive as tea.PasteMsg.
	ti.KeyMap.Paste.SetEnabled(false)
	// Suggestions are off; keep ↑/↓ for moving through the list.
	ti.KeyMap.NextSuggestion.SetEnabled(false)
	ti.KeyMap.PrevSuggestion.SetEnabled(false)
	ti.KeyMap.AcceptSuggestion.SetEnabled(false)
	return ti
}

// SetStyles replaces the styles (after the background colour is known).
func (m Model) SetStyles(st theme.Styles) Model {
	m.st = st
	in := st.Input()
	m.filter.SetStyles(in)
	m.name.SetStyles(in)
	return m
}

// SetSize sets the size View renders in, in cells.
func (m Model) SetSize(w, h int) Model {
	m.width, m.height = max(w, 0), max(h, 0)
	m.layoutInputs()
	m.scroll()
	return m
}

// SetDir sets the profiles folder named in the empty state.
func (m Model) SetDir(dir string) Model {
	m.dir = dir
	return m
}

// SetNow replaces the clock used for "3 min ago" (time.Now by default), for
// tests.
func (m Model) SetNow(now func() time.Time) Model {
	if now == nil {
		now = time.Now
	}
	m.now = now
	return m
}

// SetLoading says whether entries are still being loaded; while true the
// title shows "loading… N profiles".
func (m Model) SetLoading(loading bool) Model {
	m.loading = loading
	return m
}

// SetLast sets what history knows about each profile's last send, by
// profile name. The map is not copied; do not change it afterwards.
func (m Model) SetLast(last map[string]Last) Model {
	m.last = last
	return m
}

// SetEntries replaces the list. The selection stays on the same name when
// it is still there (or moves to a name just duplicated or renamed to);
// otherwise it stays at the same place in the list. The filter, if any, is
// applied to the new list. Entries may come in any order; a later entry
// with the same name as an earlier one replaces it.
func (m Model) SetEntries(es []profiles.Entry) Model {
	return m.setItems(makeItems(es))
}

// AppendEntries adds entries to the list, for loading in batches: an entry
// with the name of one already listed replaces it. The selection is kept as
// by [Model.SetEntries].
func (m Model) AppendEntries(es []profiles.Entry) Model {
	if len(es) == 0 {
		return m
	}
	return m.setItems(mergeItems(m.items, makeItems(es)))
}

// Select selects the profile called name (after the parent saved it, for
// instance), clearing a filter that hides it. When there is no such entry
// yet, the browser selects it once SetEntries or AppendEntries brings it.
func (m Model) Select(name string) Model {
	i, ok := m.find(name)
	if !ok {
		m.want = name
		return m
	}
	m.want = ""
	if m.query != "" && m.rowOf(i) < 0 {
		m = m.clearFilter()
		if m.mode == modeFilter {
			m.filter.Blur()
			m.mode = modeList
		}
	}
	m.cursor = m.rowOf(i)
	m.scroll()
	return m
}

// Open is what the parent calls each time it shows the browser: nothing
// from the last visit stays (a filter, a half-typed name, a delete
// question, a note), and the cursor starts on current, the profile open in
// the editor ("" or a name not listed: the first profile). It returns no
// command; the filter input is not focused until / is pressed.
func (m Model) Open(current string) Model {
	m.filter.Blur()
	m = m.endInput()
	m = m.clearFilter()
	m.note, m.want = "", ""
	m.offset = 0
	if i, ok := m.find(current); ok && current != "" {
		m.cursor = m.rowOf(i)
	} else {
		m.cursor = m.nearestSelectable(0)
	}
	m.scroll()
	return m
}

// MergeLast adds to what SetLast gave, by profile name (after a send): the
// entries of last replace those of the same name. The maps are not changed.
func (m Model) MergeLast(last map[string]Last) Model {
	merged := make(map[string]Last, len(m.last)+len(last))
	maps.Copy(merged, m.last)
	maps.Copy(merged, last)
	m.last = merged
	return m
}

// Entry returns the entry called name, if it is listed (filtered out or
// not).
func (m Model) Entry(name string) (profiles.Entry, bool) {
	if i, ok := m.find(name); ok {
		return m.items[i].e, true
	}
	return profiles.Entry{}, false
}

// Selected returns the selected entry, if any (broken entries included).
func (m Model) Selected() (profiles.Entry, bool) {
	if it, ok := m.selectedItem(); ok {
		return it.e, true
	}
	return profiles.Entry{}, false
}

// Len returns the number of entries.
func (m Model) Len() int { return len(m.items) }

// Filter returns the filter in effect ("" for none).
func (m Model) Filter() string { return m.query }

// Typing reports whether an input has the keys (the filter, or a name for
// a duplicate or rename), so that the parent lets keys like q type.
func (m Model) Typing() bool { return m.mode == modeFilter || m.mode == modeName }

// KeyMap returns the bindings with only those that apply now enabled, for a
// help view.
func (m Model) KeyMap() KeyMap {
	k := m.km
	it, sel := m.selectedItem()
	usable := sel && !it.e.Broken()
	list := m.mode == modeList
	k.Up.SetEnabled((list || m.mode == modeFilter) && len(m.rows) > 0)
	k.Down.SetEnabled((list || m.mode == modeFilter) && len(m.rows) > 0)
	k.PageUp.SetEnabled((list || m.mode == modeFilter) && len(m.rows) > 0)
	k.PageDown.SetEnabled((list || m.mode == modeFilter) && len(m.rows) > 0)
	k.Top.SetEnabled(list && len(m.rows) > 0)
	k.Bottom.SetEnabled(list && len(m.rows) > 0)
	k.Filter.SetEnabled(list && len(m.items) > 0)
	k.ClearFilter.SetEnabled((list || m.mode == modeFilter) && (m.query != "" || m.mode == modeFilter))
	k.Open.SetEnabled((list && usable) || m.mode == modeFilter || m.mode == modeName)
	k.New.SetEnabled(list)
	k.Duplicate.SetEnabled(list && usable)
	k.Rename.SetEnabled(list && usable)
	k.Delete.SetEnabled(list && usable)
	k.Import.SetEnabled(list)
	k.Confirm.SetEnabled(m.mode == modeConfirm)
	k.Cancel.SetEnabled(m.mode == modeConfirm || m.mode == modeName)
	switch m.mode {
	case modeFilter:
		k.Open.SetHelp(keyHelp(k.Open), "keep filter")
	case modeName:
		k.Open.SetHelp(keyHelp(k.Open), "save name")
		if m.op == opImport {
			k.Open.SetHelp(keyHelp(k.Open), "import")
		}
		k.Cancel.SetHelp("esc", "cancel")
	}
	return k
}

// item is one entry with what the list needs of it, computed once.
type item struct {
	e      profiles.Entry
	key    string // sort key, see sortKey
	group  string // sanitized folder, "" at the top
	short  string // sanitized name below its group
	search string // sanitized "group/name description", what the filter matches
	fold   string // search with ASCII letters in lower case, for the pre-filter
	nameN  int    // bytes of search that are the name
	foldN  int    // bytes of fold that are the name
	heads  string // the folded runes of search that start a word (match.go)
	headsN int    // bytes of heads that are the name's
}

// maxSearchDesc caps the description bytes the filter looks at, so that one
// huge description does not slow every keystroke.
const maxSearchDesc = 200

func makeItem(e profiles.Entry, key string) item {
	// Escapes never contain "/", so the sanitized name splits where the
	// name does.
	name := sanitize.Line(e.Name)
	it := item{e: e, key: key, short: name, search: name, nameN: len(name)}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		it.group, it.short = name[:i], name[i+1:]
	}
	if e.Profile != nil && e.Profile.Description != "" {
		d := firstLine(e.Profile.Description)
		d = sanitize.Line(truncBytes(d, maxSearchDesc))
		it.search = name + " " + truncBytes(d, maxSearchDesc)
	}
	// Folding works rune by rune: the name's fold is a prefix of the fold.
	it.fold, it.foldN = foldText(it.search), len(foldText(name))
	it.heads, it.headsN = wordHeads(it.search, it.nameN)
	return it
}

// makeItems returns the entries as items, sorted and without duplicate
// names (the later entry wins).
func makeItems(es []profiles.Entry) []item {
	type keyed struct {
		key string
		i   int
	}
	ks := make([]keyed, len(es))
	for i, e := range es {
		ks[i] = keyed{sortKey(e.Name), i}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return a.i - b.i
	})
	items := make([]item, 0, len(ks))
	for j, k := range ks {
		if j+1 < len(ks) && ks[j+1].key == k.key {
			continue // a later entry of the same name follows
		}
		items = append(items, makeItem(es[k.i], k.key))
	}
	return items
}

// mergeItems merges two sorted item lists into a new one; on equal names
// the item from add wins.
func mergeItems(old, add []item) []item {
	out := make([]item, 0, len(old)+len(add))
	i, j := 0, 0
	for i < len(old) && j < len(add) {
		switch c := strings.Compare(old[i].key, add[j].key); {
		case c < 0:
			out = append(out, old[i])
			i++
		case c > 0:
			out = append(out, add[j])
			j++
		default:
			out = append(out, add[j])
			i++
			j++
		}
	}
	out = append(out, old[i:]...)
	return append(out, add[j:]...)
}

// sortKey returns a key whose byte order is the order the list shows
// profiles in: top-level profiles first, then the groups; within both, by
// name without regard to ASCII case, "/" before any other character so
// that a folder's sub-folders follow it; equal folded names by their bytes.
// Names are compared as (group, name below it).
func sortKey(name string) string {
	g := groupOf(name)
	var b strings.Builder
	b.Grow(2*len(name) + 3)
	if g == "" {
		b.WriteByte('0')
	} else {
		b.WriteByte('1')
	}
	fold := func(s string) {
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '/':
				c = 1 // after the 0 that ends the group
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			}
			b.WriteByte(c)
		}
	}
	fold(g)
	b.WriteByte(0)
	if g != "" {
		fold(name[len(g)+1:])
	} else {
		fold(name)
	}
	b.WriteByte(0)
	b.WriteString(name)
	return b.String()
}

func groupOf(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[:i]
	}
	return ""
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, "\r")
}

// truncBytes cuts s to at most n bytes at a rune boundary.
func truncBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// setItems installs a new item list, rebuilds the rows and keeps the
// selection.
func (m Model) setItems(items []item) Model {
	prev, hadSel := m.selectedItem()
	prevRow := m.cursor
	m.items = items
	m.grouped = groupRows(items)
	m.results = nil
	if m.query != "" {
		m.rows, m.results = m.filtered(m.query)
	} else {
		m.rows = m.grouped
	}
	m.cursor = -1
	if m.want != "" {
		if i, ok := m.find(m.want); ok {
			m.want = ""
			m.cursor = m.rowOf(i)
		}
	}
	if m.cursor < 0 && hadSel {
		if i, ok := m.find(prev.e.Name); ok {
			m.cursor = m.rowOf(i)
		}
	}
	if m.cursor < 0 {
		// The selected entry is gone (deleted): stay at the same place,
		// in the same group when it has entries left.
		at := max(prevRow, 0)
		if at > 0 && at < len(m.rows) && m.rows[at].header() && !m.rows[at-1].header() {
			at--
		}
		m.cursor = m.nearestSelectable(at)
	}
	// A confirmation or name input about an entry that is gone ends.
	if m.mode == modeConfirm || m.mode == modeName {
		if _, ok := m.find(m.target); !ok {
			gone := m.target
			m = m.endInput()
			m.note = sanitize.Line(gone) + " is no longer there"
		}
	}
	m.layoutInputs()
	m.scroll()
	return m
}

// find returns the index of the item called name.
func (m Model) find(name string) (int, bool) {
	return slices.BinarySearchFunc(m.items, sortKey(name), func(it item, key string) int {
		return strings.Compare(it.key, key)
	})
}

// rowOf returns the row showing item i, or -1.
func (m Model) rowOf(i int) int {
	if m.query == "" {
		// Grouped rows are in item order, a header just before its first
		// item: binary search on 2×item, 2×first-1 for a header.
		j, ok := slices.BinarySearchFunc(m.rows, 2*i, func(r row, k int) int {
			if r.item < 0 {
				return 2*r.next - 1 - k
			}
			return 2*r.item - k
		})
		if !ok {
			return -1
		}
		return j
	}
	for j, r := range m.rows {
		if r.item == i {
			return j
		}
	}
	return -1
}

func (m Model) selectedItem() (item, bool) {
	if m.cursor < 0 || m.cursor >= len(m.rows) || m.rows[m.cursor].item < 0 {
		return item{}, false
	}
	return m.items[m.rows[m.cursor].item], true
}

// emit returns a command that produces msg.
func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }
