package tui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/convert/shell"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
)

// Shared profile folders (issue #16, leak 2): a profile opened from a
// folder the user has not trusted (a workshop folder named by --profiles or
// AUTHLAB_PROFILES) may name env:, file: and keyring: references and a URL
// of its author's choosing. Before a send would resolve any of them, the
// TUI asks, showing each reference and the host it would go to; "trust
// this folder" writes the trust file (profiles.Trust, in a command) and
// sends; esc sends nothing. Literal values, prompt references and anything
// the user typed over the file's values need no question.

// trustedMsg is the answer of the command that trusted a folder.
type trustedMsg struct {
	dir string
	err error
}

// trustKeys answer the trust question.
type trustKeys struct {
	Trust  key.Binding
	Cancel key.Binding
}

func defaultTrustKeys() trustKeys {
	return trustKeys{
		Trust:  key.NewBinding(key.WithKeys("t", "T"), key.WithHelp("t", "trust this folder")),
		Cancel: key.NewBinding(key.WithKeys("esc", "n", "N"), key.WithHelp("esc", "cancel")),
	}
}

// trustSource is where the editor's request came from, for the trust
// check: nil when its values are the user's own or its folder was trusted
// in this session.
func (m Model) trustSource() *profiles.Source {
	if m.src == nil || m.src.Trusted || slices.Contains(m.trustedDirs, m.src.Dir) {
		return nil
	}
	return m.src
}

// untrustedRefs lists the references a send of the editor's request would
// resolve from an untrusted folder.
func (m Model) untrustedRefs() []profiles.UntrustedRef {
	src := m.trustSource()
	if src == nil {
		return nil
	}
	p := m.ed.draftProfile(m.profile, m.base)
	p.Source = src
	return p.UntrustedRefs()
}

// askTrust asks whether to trust the folder refs come from (the opened
// profile's). The text is the profile's (someone else's): every part goes
// through sanitize.
func (m Model) askTrust(refs []profiles.UntrustedRef) Model {
	name := "this profile"
	if m.profile != "" {
		name = "profile " + sanitize.Line(m.profile)
	}
	return m.askTrustDir(refs, m.src.Dir, name)
}

// askTrustDir asks whether to trust dir, which holds what (a profile, an
// environment) whose refs a send would read.
func (m Model) askTrustDir(refs []profiles.UntrustedRef, dir, what string) Model {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = fmt.Sprintf("%s (%s) → %s", sanitize.Line(r.Ref), sanitize.Line(r.Field), sanitize.Line(r.Host))
	}
	shown := sanitize.Line(dir)
	text := fmt.Sprintf("%s is in the untrusted folder %s. Sending reads %s. Nothing was read or sent.", what, shown, strings.Join(parts, "; "))
	choices := "t trusts this folder and sends · esc cancels"
	if m.opts.Trust == nil {
		choices = "esc cancels · trust it with: authlab trust " + shell.Quote(shown)
	}
	return m.openAsk(ask{kind: askTrust, text: text, choices: choices, dir: dir})
}

// trustKey answers the trust question.
func (m Model) trustKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := defaultTrustKeys()
	switch {
	case key.Matches(msg, k.Cancel):
		return m.closeAsk().setStatus("not sent: the folder is not trusted; nothing was read", m.st().Warn), nil
	case key.Matches(msg, k.Trust) && m.opts.Trust != nil && m.ask.dir != "":
		dir := m.ask.dir
		m = m.closeAsk().setStatus("trusting "+sanitize.Line(dir)+"…", m.st().Muted)
		return m, allowFolder(*m.opts.Trust, dir)
	}
	return m, nil
}

// allowFolder writes dir into the trust file, off the UI goroutine.
func allowFolder(t profiles.Trust, dir string) tea.Cmd {
	return func() tea.Msg { return trustedMsg{dir: dir, err: t.Allow(dir)} }
}

// gotTrusted takes the trust command's answer: on success the folder is
// trusted for the rest of the session too, and the send goes ahead.
func (m Model) gotTrusted(msg trustedMsg) (Model, tea.Cmd) {
	if msg.err != nil {
		return m.setStatus("not trusted: "+sanitize.Line(msg.err.Error()), m.st().Error), nil
	}
	m.trustedDirs = append(slices.Clone(m.trustedDirs), msg.dir)
	if e := m.snd.resolver.Env; e != nil && e.Source != nil && e.Source.Dir == msg.dir && !e.Source.Trusted {
		// the chosen environment is from the folder just trusted
		env, src := *e, *e.Source
		src.Trusted = true
		env.Source = &src
		m.snd.resolver.Env = &env
	}
	mm, cmd := m.startSend()
	m = mm.(Model)
	if m.snd.Busy() {
		m = m.setStatus("trusted "+sanitize.Line(msg.dir)+" · sending", m.st().OK)
	}
	return m, cmd
}
