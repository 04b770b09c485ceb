package tui

import (
	"charm.land/bubbles/v2/key"

	"github.com/authlab/authlab/ui/tui/traceview"
)

// KeyMap is the app's global keys. Components have their own keymaps
// (editorKeys, paneKeys, historyKeys, exportKeys, confirmKeys, and
// credform.KeyMap, bodyview.KeyMap, browser.KeyMap); the help bar and the
// full help (?) are built from the ones that apply to the focused part, and
// no key is compared as a string outside a keymap.
type KeyMap struct {
	Send     key.Binding
	Cancel   key.Binding // esc: cancel the request in flight
	Switch   key.Binding // request ⇄ response, from anywhere
	Next     key.Binding
	Prev     key.Binding
	Quit     key.Binding
	QuitQ    key.Binding // q, only when not typing
	Help     key.Binding
	Close    key.Binding // esc: close a panel or the help
	Save     key.Binding
	Profiles key.Binding
	History  key.Binding
	Export   key.Binding // the request as curl, HTTPie, Python or Go
	Env      key.Binding // choose the environment of {{variables}} (envs.go)
	Forget   key.Binding // forget the request's OAuth 2.0/OIDC token (forget.go)
}

// DefaultKeyMap returns the default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Send:     key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "send")),
		Cancel:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel request")),
		Switch:   key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "request ⇄ response")),
		Next:     key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		Prev:     key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		Quit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		QuitQ:    key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Close:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		Save:     key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		Profiles: key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", "profiles")),
		History:  key.NewBinding(key.WithKeys("ctrl+g"), key.WithHelp("ctrl+g", "history")),
		Export:   key.NewBinding(key.WithKeys("ctrl+y"), key.WithHelp("ctrl+y", "export as code")),
		// ctrl+e is also a text field's end-of-line (end still is)
		Env: key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "environment")),
		// ctrl+f is also a text field's forward-character (→ still is)
		Forget: key.NewBinding(key.WithKeys("ctrl+f"), key.WithHelp("ctrl+f", "forget token")),
	}
}

// editorKeys are the request editor's own keys.
type editorKeys struct {
	Left      key.Binding // previous choice on a picker
	Right     key.Binding // next choice on a picker
	Up        key.Binding // previous field (not in the body)
	Down      key.Binding // next field (not in the body)
	Leave     key.Binding // esc: stop typing in a field
	Edit      key.Binding // enter: type into the field again
	AddHeader key.Binding
	DelHeader key.Binding
	BodyType  key.Binding // cycle the body's content type
	// SchemeList opens the filterable list of schemes on the Auth line
	// (credform.Picker has the list's own keys).
	SchemeList key.Binding
}

func defaultEditorKeys() editorKeys {
	return editorKeys{
		Left:       key.NewBinding(key.WithKeys("left"), key.WithHelp("←/→", "choose")),
		Right:      key.NewBinding(key.WithKeys("right")),
		Up:         key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "move between fields")),
		Down:       key.NewBinding(key.WithKeys("down")),
		Leave:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave the field")),
		Edit:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit the field")),
		AddHeader:  key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "add header")),
		DelHeader:  key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "remove header")),
		BodyType:   key.NewBinding(key.WithKeys("ctrl+b"), key.WithHelp("ctrl+b", "body type")),
		SchemeList: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "list schemes")),
	}
}

// paneKeys are the result pane's keys.
type paneKeys struct {
	TabNext key.Binding
	TabPrev key.Binding
	Tab1    key.Binding
	Tab2    key.Binding
	Tab3    key.Binding
	Tab4    key.Binding
	Tab5    key.Binding
	Reveal  key.Binding // reveal secrets in the result pane
	Hints   key.Binding // expand or fold the hints on the Response tab
	// StepNext and StepPrev are the Trace view's own n/p (help only: the
	// Trace tab passes keys to traceview, whose KeyMap answers them).
	StepNext key.Binding
	StepPrev key.Binding
	Scroll   key.Binding // help only: the viewport's own keys
}

func defaultPaneKeys() paneKeys {
	tk := traceview.DefaultKeyMap()
	return paneKeys{
		TabNext:  key.NewBinding(key.WithKeys("]"), key.WithHelp("[/]", "previous/next tab")),
		TabPrev:  key.NewBinding(key.WithKeys("[")),
		Tab1:     key.NewBinding(key.WithKeys("1"), key.WithHelp("1-5", "Response Body Headers Trace Timing")),
		Tab2:     key.NewBinding(key.WithKeys("2")),
		Tab3:     key.NewBinding(key.WithKeys("3")),
		Tab4:     key.NewBinding(key.WithKeys("4")),
		Tab5:     key.NewBinding(key.WithKeys("5")),
		Reveal:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reveal secrets")),
		Hints:    key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "expand/fold hints")),
		StepNext: tk.NextStep,
		StepPrev: tk.PrevStep,
		Scroll:   key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓ pgup/pgdn", "scroll")),
	}
}

// historyKeys are the history list's keys.
type historyKeys struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding
	Open     key.Binding
}

func defaultHistoryKeys() historyKeys {
	return historyKeys{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "first")),
		End:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "last")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "reopen")),
	}
}

// confirmKeys answer a question on the status line.
type confirmKeys struct {
	Yes       key.Binding
	No        key.Binding
	KeepRef   key.Binding // e: keep an env: reference instead
	Overwrite key.Binding
	Reload    key.Binding
	Enter     key.Binding
	Cancel    key.Binding // esc: leave a typed answer (a name, a secret)
}

func defaultConfirmKeys() confirmKeys {
	return confirmKeys{
		Yes:       key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:        key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "no")),
		KeepRef:   key.NewBinding(key.WithKeys("e", "E"), key.WithHelp("e", "keep env: reference")),
		Overwrite: key.NewBinding(key.WithKeys("o", "O"), key.WithHelp("o", "overwrite")),
		Reload:    key.NewBinding(key.WithKeys("r", "R"), key.WithHelp("r", "reload")),
		Enter:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "confirm")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}
