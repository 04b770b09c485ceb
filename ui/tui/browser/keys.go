package browser

import "charm.land/bubbles/v2/key"

// KeyMap is the browser's key bindings.
//
// While the filter or a name input has focus, a binding whose key types a
// character (k, j, n, …) types it instead: only keys without text (arrows,
// enter, esc, page keys) act as bindings there.
type KeyMap struct {
	// Up and Down move the selection by one profile, skipping group headers
	// and stopping at the ends.
	Up, Down key.Binding
	// PageUp and PageDown move the selection by one screen of the list; Top
	// and Bottom to the first and last profile.
	PageUp, PageDown, Top, Bottom key.Binding
	// Filter focuses the fuzzy filter input.
	Filter key.Binding
	// ClearFilter clears the filter (in the list and in the filter input).
	ClearFilter key.Binding
	// Open opens the selected profile (OpenMsg); in the filter input it
	// leaves the input keeping the filter; in a name input it submits.
	Open key.Binding
	// New asks the parent for a new, empty request (NewMsg).
	New key.Binding
	// Duplicate, Rename and Delete act on the selected profile: the first two
	// ask for a name inline, Delete asks for a confirmation.
	Duplicate, Rename, Delete key.Binding
	// Import asks for a file to import (ImportMsg): a Postman collection,
	// an OpenAPI document or a .http file.
	Import key.Binding
	// Confirm and Cancel answer the delete confirmation; Cancel (its esc)
	// also leaves a name input.
	Confirm, Cancel key.Binding
}

// DefaultKeyMap returns the default bindings: ↑/k ↓/j, pgup/pgdown,
// home/g end/G, / filter, esc clears the filter, enter open, n new,
// d duplicate, r rename, x delete, i import a file, and y or n/esc in a
// confirmation.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("home/g", "first")),
		Bottom:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("end/G", "last")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		New:         key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new")),
		Duplicate:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "duplicate")),
		Rename:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rename")),
		Delete:      key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "delete")),
		Import:      key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "import a file")),
		Confirm:     key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "confirm")),
		Cancel:      key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "cancel")),
	}
}

// ShortHelp returns the bindings for the short help view (help.KeyMap).
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Filter, k.ClearFilter, k.Open, k.New, k.Duplicate, k.Rename, k.Delete, k.Import, k.Confirm, k.Cancel}
}

// FullHelp returns the bindings for the full help view, grouped in columns
// (help.KeyMap).
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Filter, k.ClearFilter, k.Open},
		{k.New, k.Duplicate, k.Rename, k.Delete, k.Import},
		{k.Confirm, k.Cancel},
	}
}
