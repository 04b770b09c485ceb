package bodyview

import "charm.land/bubbles/v2/key"

// KeyMap is the body viewer's key bindings. It implements help.KeyMap, so
// the parent can show it in its help bar; disable a binding with
// SetEnabled to free its key for something else.
type KeyMap struct {
	Up, Down         key.Binding // one line
	PageUp, PageDown key.Binding // one screen
	HalfUp, HalfDown key.Binding // half a screen
	Top, Bottom      key.Binding // first and last line
	Left, Right      key.Binding // a quarter of the width sideways, for long lines (wrap off only)
	Wrap             key.Binding // soft wrap on/off
	Copy             key.Binding // the body as shown to the clipboard (OSC 52)
	Search           key.Binding // open the search field
	Next, Prev       key.Binding // the next and previous match, wrapping around
	Clear            key.Binding // clear the search (and close the field)
	Accept           key.Binding // close the search field, keeping the matches
}

// DefaultKeyMap returns pager-like bindings (less, and the bubbles
// viewport): up/k, down/j, pgup/b, pgdown/f/space, ctrl+u, ctrl+d, home/g,
// end/G, left/h, right/l (sideways only, never a tab switch), w (wrap), c
// (copy), / (search, as in less and vim), n/N (next/previous match), esc
// (clear the search) and enter (close the search field). It is a function rather than a variable so that
// no caller can change another's bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("b/pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "f", "space"), key.WithHelp("f/pgdn", "page down")),
		HalfUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "½ page up")),
		HalfDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "½ page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
		Left:     key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "scroll left (wrap off)")),
		Right:    key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "scroll right (wrap off)")),
		Wrap:     key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap on/off")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy body")),
		Search:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Next:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n/N", "next/previous match")),
		Prev:     key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "previous match")),
		Clear:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
		Accept:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep matches")),
	}
}

// ShortHelp returns the bindings for the one-line help bar.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Down, k.PageDown, k.Wrap, k.Copy, k.Search}
}

// FullHelp returns every binding, in columns: lines, pages, sideways,
// search.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.HalfUp, k.HalfDown},
		{k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Left, k.Right, k.Wrap, k.Copy},
		{k.Search, k.Next, k.Clear},
	}
}
