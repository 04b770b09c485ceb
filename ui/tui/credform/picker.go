package credform

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/tui/theme"
)

// PickerKeyMap is the scheme list's keys; every other key types into its
// filter.
type PickerKeyMap struct {
	Up, Down key.Binding
	Pick     key.Binding // take the highlighted scheme
	Close    key.Binding // keep the scheme in use
}

// DefaultPickerKeyMap returns ↑/↓, enter and esc.
func DefaultPickerKeyMap() PickerKeyMap {
	return PickerKeyMap{
		Up:    key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "move")),
		Down:  key.NewBinding(key.WithKeys("down")),
		Pick:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "use it")),
		Close: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "keep the current one")),
	}
}

// ShortHelp returns the bindings for the help bar (help.KeyMap).
func (k PickerKeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Pick, k.Close} }

// FullHelp returns the bindings for the full help (help.KeyMap).
func (k PickerKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Pick, k.Close}}
}

// Picker is a filterable list of schemes (the authn registry's names and
// titles), for choosing a scheme by name rather than cycling through them.
// Typing filters; [PickerKeyMap] moves, picks or closes. After a pick or a
// close [Picker.Done] is true and [Picker.Picked] says which scheme, if any.
type Picker struct {
	st      theme.Styles
	km      PickerKeyMap
	all     []authn.Info
	current string
	filter  textinput.Model
	matches []int // indices into all, best first
	cursor  int   // index into matches
	width   int
	height  int // rows for the whole view; 0: as many as there are schemes
	done    bool
	picked  string
}

// Texts the picker shows.
const (
	pickerPrompt  = "Scheme "
	pickerHolder  = "type to filter by name or title"
	pickerCurrent = "(in use)"
)

// NewPicker returns a picker over schemes, highlighting current, with its
// filter focused.
func NewPicker(st theme.Styles, km PickerKeyMap, schemes []authn.Info, current string) Picker {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = pickerHolder
	ti.SetStyles(inputStyles(st))
	ti.KeyMap.Paste.SetEnabled(false) // a paste arrives as tea.PasteMsg
	ti.Focus()
	p := Picker{st: st, km: km, all: slices.Clone(schemes), current: current, filter: ti, width: defaultWidth}
	p = p.refilter()
	p.cursor = max(0, slices.IndexFunc(p.matches, func(i int) bool { return p.all[i].Name == current }))
	return p
}

// SetSize gives the picker w columns and h rows (h ≤ 0: no limit).
func (p Picker) SetSize(w, h int) Picker {
	p.width, p.height = max(w, minWidth), h
	p.filter.SetWidth(max(1, p.width-len(pickerPrompt)-1))
	return p
}

// SetStyles switches the picker to new styles.
func (p Picker) SetStyles(st theme.Styles) Picker {
	p.st = st
	p.filter.SetStyles(inputStyles(st))
	return p
}

// Done reports whether the user picked a scheme or closed the list.
func (p Picker) Done() bool { return p.done }

// Picked is the name of the scheme picked, "" when the list was closed
// without one.
func (p Picker) Picked() string { return p.picked }

// Matches lists the names of the schemes the filter lets through, best
// first.
func (p Picker) Matches() []string {
	out := make([]string, len(p.matches))
	for i, j := range p.matches {
		out[i] = p.all[j].Name
	}
	return out
}

// Highlighted is the name of the highlighted scheme ("" when none matches).
func (p Picker) Highlighted() string {
	if len(p.matches) == 0 {
		return ""
	}
	return p.all[p.matches[p.cursor]].Name
}

// Update handles a key or a paste: the picker's keys, or text for the
// filter.
func (p Picker) Update(msg tea.Msg) (Picker, tea.Cmd) {
	if p.done {
		return p, nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, p.km.Close):
			p.done = true
			return p, nil
		case key.Matches(k, p.km.Pick):
			if name := p.Highlighted(); name != "" {
				p.done, p.picked = true, name
			}
			return p, nil
		case key.Matches(k, p.km.Up):
			if n := len(p.matches); n > 0 {
				p.cursor = (p.cursor + n - 1) % n
			}
			return p, nil
		case key.Matches(k, p.km.Down):
			if n := len(p.matches); n > 0 {
				p.cursor = (p.cursor + 1) % n
			}
			return p, nil
		}
	}
	if pm, ok := msg.(tea.PasteMsg); ok {
		msg = tea.PasteMsg{Content: strings.Join(strings.Fields(pm.Content), " ")}
	}
	before := p.filter.Value()
	var cmd tea.Cmd
	p.filter.SetValue(before) // its own copy of the runes (see row.detach)
	p.filter, cmd = p.filter.Update(msg)
	if p.filter.Value() != before {
		p = p.refilter()
		p.cursor = 0
	}
	return p, cmd
}

// refilter keeps the schemes whose name or title contains every word of
// the filter (ignoring case): first those whose name starts with the first
// word, then the rest, each group in registry order.
func (p Picker) refilter() Picker {
	words := strings.Fields(strings.ToLower(p.filter.Value()))
	var first, rest []int
	for i, in := range p.all {
		name, hay := strings.ToLower(in.Name), strings.ToLower(in.Name+" "+in.Title)
		if !allIn(words, hay) {
			continue
		}
		if len(words) > 0 && strings.HasPrefix(name, words[0]) {
			first = append(first, i)
		} else {
			rest = append(rest, i)
		}
	}
	p.matches = append(first, rest...)
	return p
}

func allIn(words []string, hay string) bool {
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// window is the part of the matches that fits: the first index shown and
// how many.
func (p Picker) window() (off, n int) {
	n = len(p.matches)
	if p.height > 0 {
		n = min(n, max(1, p.height-2)) // the filter line and the key line
	}
	off = min(max(0, p.cursor-n+1), len(p.matches)-n)
	return max(0, off), n
}

// View renders the filter line, the matching schemes (name, title and
// spec; the one in use marked), and a line of keys. No line is wider than
// the width given to SetSize.
func (p Picker) View() string {
	st := p.st
	lines := []string{st.LabelFocused.Render(pickerPrompt) + p.filter.View()}
	nameW := 0
	for _, in := range p.all {
		nameW = max(nameW, ansi.StringWidth(in.Name))
	}
	off, n := p.window()
	for k := off; k < off+n; k++ {
		in := p.all[p.matches[k]]
		desc := in.Title
		if in.Spec != "" {
			desc += " · " + in.Spec
		}
		if in.Name == p.current {
			desc += " " + pickerCurrent
		}
		gutter, nameSt := strings.Repeat(" ", gutterW), st.Value
		if k == p.cursor {
			gutter, nameSt = st.LabelFocused.Render(focusMarker), st.LabelFocused
		}
		name := nameSt.Render(in.Name + strings.Repeat(" ", nameW-ansi.StringWidth(in.Name)))
		lines = append(lines, ansi.Truncate(gutter+name+"  "+st.Muted.Render(desc), p.width, "…"))
	}
	if len(p.matches) == 0 {
		lines = append(lines, strings.Repeat(" ", gutterW)+st.Error.Render(fmt.Sprintf("no scheme matches %q", p.filter.Value())))
	}
	var keys []string
	if hidden := len(p.matches) - n; hidden > 0 {
		keys = append(keys, fmt.Sprintf("%d more", hidden))
	}
	for _, b := range p.km.ShortHelp() {
		if b.Enabled() {
			keys = append(keys, b.Help().Key+" "+b.Help().Desc)
		}
	}
	lines = append(lines, strings.Repeat(" ", gutterW)+st.Muted.Render(ansi.Truncate(strings.Join(keys, " · "), p.width-gutterW, "…")))
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, p.width, "")
	}
	return strings.Join(lines, "\n")
}
