package tui

import (
	"fmt"
	"maps"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
)

// askedSecrets are the values the user typed inside the TUI for references
// the session could not resolve: an env: variable that is not set, or a
// prompt reference (issue #15 item 8). They live for this session only:
// never saved in a profile, never in history (which keeps references), and
// gone when the program ends. The map is never changed in place (With
// copies it), so a send command that captured one keeps its own.
type askedSecrets map[string]string

// secretSlot names what a reference asks for: the reference itself for env:
// ("env:GITHUB_TOKEN": one answer for every field that names it), the field
// for prompt ("prompt:password").
func secretSlot(label, ref string) string {
	if ref == profiles.Prompt {
		return profiles.Prompt + ":" + label
	}
	return ref
}

// With is a copy of a holding value for k.
func (a askedSecrets) With(k, value string) askedSecrets {
	c := maps.Clone(a)
	if c == nil {
		c = askedSecrets{}
	}
	c[k] = value
	return c
}

// resolver is r answering from a first: env: references the user typed a
// value for, and prompt references (which, with no answer typed, report
// that there is no terminal to ask on: the TUI asks instead, see missing).
func (a askedSecrets) resolver(r profiles.Resolver) profiles.Resolver {
	look := r.LookupEnv
	r.LookupEnv = func(name string) (string, bool) {
		if v, ok := a[profiles.PrefixEnv+name]; ok {
			return v, true
		}
		if look == nil {
			return "", false
		}
		return look(name)
	}
	r.Prompt = func(label string) (string, error) {
		if v, ok := a[secretSlot(label, profiles.Prompt)]; ok {
			return v, nil
		}
		return "", profiles.ErrNoTerminal
	}
	return r
}

// missing reports whether resolving ref (for the field label) needs the
// user to type a value: a prompt reference not answered yet, or an env:
// reference to a variable that is not set.
func (a askedSecrets) missing(r profiles.Resolver, label, ref string) (*needSecretError, bool) {
	switch {
	case ref == profiles.Prompt:
		if _, ok := a[secretSlot(label, ref)]; ok {
			return nil, false
		}
		return &needSecretError{Label: label, Ref: ref, Problem: "it is asked for when sent"}, true
	case strings.HasPrefix(ref, profiles.PrefixEnv) && len(ref) > len(profiles.PrefixEnv):
		name := strings.TrimPrefix(ref, profiles.PrefixEnv)
		if _, ok := r.LookupEnv(name); ok {
			return nil, false
		}
		return &needSecretError{Label: label, Ref: ref, Problem: fmt.Sprintf("environment variable %s is not set", name)}, true
	}
	return nil, false
}

// needSecretError is a send stopped before it began because a reference
// needs a value typed in: the root asks for it in a masked input and sends
// again.
type needSecretError struct {
	Label, Ref, Problem string
}

func (e *needSecretError) Error() string {
	return fmt.Sprintf("%s (%s): %s", e.Label, e.Ref, e.Problem)
}

// askForSecret opens the masked input for the reference e names. The
// field's error line says the same, under the field.
func (m Model) askForSecret(e *needSecretError) (Model, tea.Cmd) {
	in := newInput(m.st(), "")
	in.EchoMode = textinput.EchoPassword
	in.Prompt = sanitize.Line(e.Label) + ": "
	in.SetWidth(max(10, m.com.width-len(in.Prompt)-2))
	cmd := in.Focus()
	text := fmt.Sprintf("%s: type the value of %s for this session only (not saved, not in history).", e.Error(), e.Ref)
	if e.Ref == profiles.Prompt {
		text = fmt.Sprintf("%s is a prompt reference: type it for this session only (not saved, not in history).", e.Label)
	}
	m.ed = m.ed.setFieldErrors(map[string]string{e.Label: e.Error()})
	m = m.openAsk(ask{kind: askSecret, input: in, text: text, secret: e,
		choices: "enter sends with it · esc cancels"})
	return m, cmd
}

// secretKey answers the masked input: enter remembers the value for the
// session and sends again; esc cancels, leaving the field's error.
func (m Model) secretKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := defaultConfirmKeys()
	switch {
	case key.Matches(msg, k.Cancel):
		return m.closeAsk().setStatus("not sent: "+sanitize.Line(m.ask.secret.Error()), m.st().Error), nil
	case key.Matches(msg, k.Enter):
		e := m.ask.secret
		m.snd = m.snd.Remember(secretSlot(e.Label, e.Ref), m.ask.input.Value())
		m.ed = m.ed.setFieldErrors(nil)
		m = m.closeAsk()
		mm, cmd := m.startSend()
		return mm.(Model), cmd
	}
	var cmd tea.Cmd
	m.ask.input, cmd = m.ask.input.Update(msg)
	return m, cmd
}
