package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
)

// Environments (issue #18): the header shows the environment whose
// variables fill {{name}} (the command line's --env, or none); ctrl+e asks
// on the status line which one to use, from the profiles folder's
// environments/ (read in a command). The choice holds for the session:
// every later send resolves with it.

// envsMsg is the answer of loadEnvs.
type envsMsg struct {
	envs []profiles.Environment
	err  error
}

// loadEnvs reads the profiles folder's environments.
func loadEnvs(s *profiles.Store) tea.Cmd {
	return func() tea.Msg {
		envs, err := s.Environments()
		return envsMsg{envs: envs, err: err}
	}
}

// envKeys answer the environment chooser.
type envKeys struct {
	Prev, Next key.Binding
	Use        key.Binding
	Cancel     key.Binding
}

func defaultEnvKeys() envKeys {
	return envKeys{
		Prev:   key.NewBinding(key.WithKeys("left", "up", "shift+tab"), key.WithHelp("←/→", "choose")),
		Next:   key.NewBinding(key.WithKeys("right", "down", "tab")),
		Use:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "use it")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "keep the current one")),
	}
}

// envName is the environment in use ("" for none).
func (m Model) envName() string {
	if e := m.snd.resolver.Env; e != nil {
		return e.Name
	}
	return ""
}

// envLabel is the header's part for the environment ("" for none).
func (m Model) envLabel() string {
	if n := m.envName(); n != "" {
		return "env " + sanitize.Line(n)
	}
	return ""
}

// startEnvChooser reads the environments, then asks (gotEnvs).
func (m Model) startEnvChooser() (Model, tea.Cmd) {
	if m.opts.Store == nil {
		return m.setStatus("environments need a profiles folder", m.st().Error), nil
	}
	return m.setStatus("reading the environments…", m.st().Muted), loadEnvs(m.opts.Store)
}

func (m Model) gotEnvs(msg envsMsg) (Model, tea.Cmd) {
	if len(msg.envs) == 0 {
		if msg.err != nil {
			return m.setStatus("environments: "+sanitize.Line(msg.err.Error()), m.st().Error), nil
		}
		dir := sanitize.Line(m.opts.Store.Dir + "/" + profiles.EnvironmentsDir)
		return m.setStatus("no environments in "+dir+": add NAME.toml files there (see FORMAT.md, Environments)", m.st().Warn), nil
	}
	m.envList = msg.envs
	m.envPick = 0
	for i, e := range msg.envs {
		if e.Name == m.envName() {
			m.envPick = i + 1
		}
	}
	a := ask{kind: askEnv, text: m.envChoiceText(), choices: "←/→ choose · enter uses it · esc keeps " + orNone(m.envName())}
	if msg.err != nil {
		a.choices += " · not listed: " + sanitize.Line(strings.ReplaceAll(msg.err.Error(), "\n", "; "))
	}
	return m.openAsk(a), nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// envChoiceText is the chooser's line: every choice, the picked one in
// brackets.
func (m Model) envChoiceText() string {
	names := []string{"none"}
	for _, e := range m.envList {
		names = append(names, sanitize.Line(e.Name))
	}
	for i := range names {
		if i == m.envPick {
			names[i] = "[" + names[i] + "]"
		}
	}
	return "environment: " + strings.Join(names, " · ")
}

// envKey answers the chooser.
func (m Model) envKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := defaultEnvKeys()
	n := len(m.envList) + 1
	switch {
	case key.Matches(msg, k.Cancel):
		return m.closeAsk().setStatus("environment unchanged: "+orNone(sanitize.Line(m.envName())), m.st().Muted), nil
	case key.Matches(msg, k.Prev):
		m.envPick = (m.envPick + n - 1) % n
	case key.Matches(msg, k.Next):
		m.envPick = (m.envPick + 1) % n
	case key.Matches(msg, k.Use):
		m = m.closeAsk()
		if m.envPick == 0 {
			m.snd.resolver.Env = nil
			return m.setStatus("no environment: {{name}} comes from the profile's [vars] and the built-ins", m.st().OK), nil
		}
		e := m.envList[m.envPick-1]
		m.snd.resolver.Env = &e
		return m.setStatus(fmt.Sprintf("environment %s: %d variables fill {{name}} from now on", sanitize.Line(e.Name), len(e.Vars)), m.st().OK), nil
	default:
		return m, nil
	}
	m.ask.text = m.envChoiceText()
	return m.layout(), nil
}
