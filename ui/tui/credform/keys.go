package credform

import "charm.land/bubbles/v2/key"

// KeyMap is the form's key bindings. Tab and shift+tab are not here: the
// parent owns them and moves through the form with [Model.Next] and
// [Model.Prev], leaving the form when they report false.
type KeyMap struct {
	// Next and Prev move between fields inside the form; they stop at the
	// first and last field.
	Next, Prev key.Binding
	// Reveal shows or hides the focused secret field. The field is masked
	// again as soon as focus leaves it.
	Reveal key.Binding
	// ChoiceNext and ChoicePrev cycle the focused choice field (a field with
	// Allowed values), wrapping around.
	ChoiceNext, ChoicePrev key.Binding
}

// DefaultKeyMap returns the default bindings: ↓/↑ between fields, ctrl+t to
// show or hide a secret, →/space and ← to cycle a choice.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:       key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "next field")),
		Prev:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "previous field")),
		Reveal:     key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "show/hide secret")),
		ChoiceNext: key.NewBinding(key.WithKeys("right", "space"), key.WithHelp("→/space", "next choice")),
		ChoicePrev: key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous choice")),
	}
}

// ShortHelp returns the bindings for the short help view (help.KeyMap).
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Prev, k.Reveal, k.ChoicePrev, k.ChoiceNext}
}

// FullHelp returns the bindings for the full help view, grouped in columns
// (help.KeyMap).
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Next, k.Prev}, {k.Reveal}, {k.ChoicePrev, k.ChoiceNext}}
}
