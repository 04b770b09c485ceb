package tui

import "charm.land/bubbles/v2/key"

// KeyMap is the app's global keys. Components have their own keymaps
// (credform.KeyMap, bodyview.KeyMap); the help bar shows the ones that apply
// to the focused part.
type KeyMap struct {
	Send      key.Binding
	Cancel    key.Binding
	Next      key.Binding
	Prev      key.Binding
	Quit      key.Binding
	QuitQ     key.Binding // q, only when not typing
	Help      key.Binding
	Choice    key.Binding // ←/→ on a picker
	AddHeader key.Binding
	DelHeader key.Binding
	TabNext   key.Binding // result pane tabs
	TabPrev   key.Binding
	Tab1      key.Binding
	Tab2      key.Binding
	Tab3      key.Binding
	Tab4      key.Binding
	Tab5      key.Binding
	Reveal    key.Binding // reveal secrets in the result pane
	StepNext  key.Binding // Trace tab: one step at a time
	StepPrev  key.Binding
	Save      key.Binding
	Profiles  key.Binding
	History   key.Binding
	Export    key.Binding // the request as curl, HTTPie, Python or Go
}

// DefaultKeyMap returns the default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Send:      key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "send")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel request")),
		Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous")),
		Quit:      key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		QuitQ:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Choice:    key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "choose")),
		AddHeader: key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "add header")),
		DelHeader: key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "remove header")),
		TabNext:   key.NewBinding(key.WithKeys("right", "]"), key.WithHelp("←/→", "switch tab")),
		TabPrev:   key.NewBinding(key.WithKeys("left", "[")),
		Tab1:      key.NewBinding(key.WithKeys("1"), key.WithHelp("1-5", "tab")),
		Tab2:      key.NewBinding(key.WithKeys("2")),
		Tab3:      key.NewBinding(key.WithKeys("3")),
		Tab4:      key.NewBinding(key.WithKeys("4")),
		Tab5:      key.NewBinding(key.WithKeys("5")),
		Reveal:    key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reveal secrets")),
		StepNext:  key.NewBinding(key.WithKeys("n"), key.WithHelp("n/p", "step through the trace")),
		StepPrev:  key.NewBinding(key.WithKeys("p")),
		Save:      key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		Profiles:  key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "profiles")),
		History:   key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "history")),
		Export:    key.NewBinding(key.WithKeys("ctrl+y"), key.WithHelp("ctrl+y", "export as code")),
	}
}
