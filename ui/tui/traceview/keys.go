package traceview

import "charm.land/bubbles/v2/key"

// KeyMap is the Trace view's key bindings (a help.KeyMap). It avoids the
// root's keys (ctrl+*, tab, esc, [ ], 1-5, R, h, q, ?): the parent keeps
// those and must not pass them on.
type KeyMap struct {
	// NextValue and PrevValue move the focus between the values a student
	// compares; the view scrolls to keep the focused one in sight.
	NextValue, PrevValue key.Binding
	// Down, Up, PageDown, PageUp, Top and Bottom scroll; a focused value
	// scrolled out of sight hands the focus to one in sight.
	Down, Up, PageDown, PageUp, Top, Bottom key.Binding
	// NextStep and PrevStep show one step of the trace at a time, for
	// pacing a class; past either end they return to the whole trace.
	NextStep, PrevStep key.Binding
	// All returns to the whole trace from a single step.
	All key.Binding
	// Copy puts the focused value on the clipboard (OSC 52): its masked
	// form unless secrets are revealed.
	Copy key.Binding
}

// DefaultKeyMap returns j/k between values, ↓/↑, pgdn/space, pgup/b,
// g/home and G/end to scroll, n and p through the steps, a for the whole
// trace and c to copy the focused value.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		NextValue: key.NewBinding(key.WithKeys("j"), key.WithHelp("j/k", "next/previous value")),
		PrevValue: key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "previous value")),
		Down:      key.NewBinding(key.WithKeys("down"), key.WithHelp("↓/↑", "scroll")),
		Up:        key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "scroll up")),
		PageDown:  key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("pgdn/pgup", "page down/up")),
		PageUp:    key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("pgup", "page up")),
		Top:       key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/G", "top/bottom")),
		Bottom:    key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
		NextStep:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n/p", "trace: step by step")),
		PrevStep:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "previous step")),
		All:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "whole trace")),
		Copy:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy value (OSC 52)")),
	}
}

// ShortHelp returns the bindings for the one-line help bar.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.NextValue, k.Copy, k.NextStep}
}

// FullHelp returns every binding that has its own help line, in columns:
// values, scrolling, steps. Pairs (j/k, n/p, g/G …) are listed once.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextValue, k.Copy},
		{k.Down, k.PageDown, k.Top},
		{k.NextStep, k.All},
	}
}
