package tui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/convert/export"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// exportView shows the editor's request as code for another tool (curl,
// HTTPie, Python, Go) and copies it to the clipboard with OSC 52. The text
// is always shown as well, since a terminal may ignore OSC 52 (tmux without
// set-clipboard, most terminals over ssh): the user can select it there.
// Secrets are never in the text: each is an environment variable the code
// reads (the TUI has no way to export literal secrets; `authlab export
// --reveal` has).
type exportView struct {
	keys    exportKeys
	formats []string // export.Targets(), in tab order
	cur     int
	seq     int // of the latest export command; older answers are dropped
	loading bool
	snippet export.Snippet
	masked  bool // presenter mode masked values in snippet.Text
	err     error
	off     int // first text line shown
}

// exportMsg is the answer of exportCmd.
type exportMsg struct {
	seq     int
	snippet export.Snippet
	masked  bool
	err     error
}

// exportKeys are the keys of the export view.
type exportKeys struct {
	Next     key.Binding // next format
	Prev     key.Binding
	Copy     key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Scroll   key.Binding // help only: all four scroll keys
	Close    key.Binding
}

func newExportView() exportView {
	x := exportView{keys: defaultExportKeys(), formats: export.Targets()}
	x.cur = max(0, slices.Index(x.formats, "curl"))
	return x
}

func defaultExportKeys() exportKeys {
	return exportKeys{
		Next:     key.NewBinding(key.WithKeys("right", "tab"), key.WithHelp("←/→", "format")),
		Prev:     key.NewBinding(key.WithKeys("left", "shift+tab")),
		Copy:     key.NewBinding(key.WithKeys("enter", "c", "y"), key.WithHelp("enter", "copy (OSC 52)")),
		Up:       key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "scroll")),
		Down:     key.NewBinding(key.WithKeys("down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup/pgdn", "page")),
		PageDown: key.NewBinding(key.WithKeys("pgdown")),
		Scroll:   key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓", "scroll")),
		Close:    key.NewBinding(key.WithKeys("esc", "ctrl+y"), key.WithHelp("esc", "close")),
	}
}

// exportCmd exports p off the UI goroutine: schemes a target cannot compute
// are signed now, which reads secrets (env:, file:, keyring:). It copies
// what it needs before it runs.
func exportCmd(seq int, p profiles.Profile, format string, r profiles.Resolver, practiceURL string, present bool) tea.Cmd {
	r.Commands = nil // an export never runs a command: reference
	return func() tea.Msg {
		// the environment's variables, references kept as references
		p, err := profiles.ExpandForExport(p, r)
		if err != nil {
			return exportMsg{seq: seq, err: err}
		}
		opt := export.Options{
			Resolve: func(label, v string) (string, error) {
				if err := p.CheckTrust(); err != nil {
					return "", err
				}
				if v == profiles.Prompt {
					if s, err := r.Prompt(label); err == nil {
						return s, nil // typed in this session (askedSecrets)
					}
					return "", fmt.Errorf("%s: a prompt reference: send once (ctrl+r) to type it for this session, or use `authlab export`", label)
				}
				s, _, err := r.Resolve(label, v)
				return s, err
			},
			Expand:     func(s string) string { return strings.ReplaceAll(s, practice.Placeholder, practiceURL) },
			ExpandNote: "it sends to the practice server at " + practiceURL,
		}
		if present {
			s, masked, err := presentExport(p, format, opt)
			return exportMsg{seq: seq, snippet: s, masked: masked, err: err}
		}
		s, err := export.Export(p, format, opt)
		return exportMsg{seq: seq, snippet: s, err: err}
	}
}

// exportDraft is the request the export view writes: the editor's draft,
// with the TLS options the editor sends with.
func (m Model) exportDraft() profiles.Profile {
	return m.ed.draftProfile(m.profile, m.base)
}

// toggleExport opens the export view on the editor's request, or closes it.
func (m Model) toggleExport() (Model, tea.Cmd) {
	if m.focus == focusExport {
		return m.setFocus(m.back)
	}
	if m.focus == focusEditor || m.focus == focusResult {
		m.back = m.focus
	} else {
		m.back = focusEditor
	}
	m.ed = m.ed.pause()
	m.focus = focusExport
	return m.runExport()
}

func (m Model) runExport() (Model, tea.Cmd) {
	m.exp.seq++
	m.exp.loading, m.exp.err, m.exp.off = true, nil, 0
	base := m.practiceURL
	if base == "" {
		base = practice.DefaultURL
	}
	d := m.exportDraft()
	d.Source = m.trustSource() // a signed-ahead export reads references too
	return m.layout(), exportCmd(m.exp.seq, d, m.exp.formats[m.exp.cur], m.snd.Resolver(), base, m.com.present)
}

// gotExport takes the answer of the latest export command.
func (x exportView) gotExport(msg exportMsg) exportView {
	if msg.seq != x.seq {
		return x
	}
	x.loading, x.snippet, x.masked, x.err = false, msg.snippet, msg.masked, msg.err
	return x
}

// exportKey handles a key while the export view is open.
func (m Model) exportKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := m.exp.keys
	switch {
	case key.Matches(msg, k.Close):
		return m.setFocus(m.back)
	case key.Matches(msg, k.Next, k.Prev):
		d := 1
		if key.Matches(msg, k.Prev) {
			d = -1
		}
		n := len(m.exp.formats)
		m.exp.cur = (m.exp.cur + d + n) % n
		return m.runExport()
	case key.Matches(msg, k.Copy):
		if m.exp.loading || m.exp.err != nil {
			return m, nil
		}
		m.status, m.statusSt = fmt.Sprintf("copied the %s text with OSC 52 · if your terminal ignores it (tmux, ssh), select the text on screen", m.exp.snippet.Target), m.st().OK
		if m.com.present && m.exp.masked {
			m.status = fmt.Sprintf("copied the %s text as shown, its signed values masked (presenter mode) · `authlab export` writes them", m.exp.snippet.Target)
		}
		return m, tea.SetClipboard(m.exp.snippet.Text)
	case key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDown):
		switch {
		case key.Matches(msg, k.Up):
			m.exp.off--
		case key.Matches(msg, k.Down):
			m.exp.off++
		case key.Matches(msg, k.PageUp):
			m.exp.off -= 10
		default:
			m.exp.off += 10
		}
		m.exp.off = max(0, min(m.exp.off, strings.Count(m.exp.snippet.Text, "\n")-1))
	}
	return m, nil
}

// view renders the export view in w×h cells.
func (x exportView) View(st *theme.Styles, w, h int) string {
	var tabs []string
	for i, f := range x.formats {
		if i == x.cur {
			tabs = append(tabs, st.TabActive.Render(" "+f+" "))
		} else {
			tabs = append(tabs, st.Tab.Render(" "+f+" "))
		}
	}
	lines := []string{st.Title.Render("Export") + "  " + strings.Join(tabs, " ")}
	switch {
	case x.loading:
		lines = append(lines, st.Muted.Render("writing…"))
	case x.err != nil:
		msg := x.err.Error()
		if errors.Is(x.err, export.ErrUnsupported) {
			msg += " · ←/→ picks another format"
		}
		lines = append(lines, st.Error.Render(truncate(sanitize.Line(msg), w)))
	default:
		for _, warn := range x.snippet.Warnings {
			lines = append(lines, st.Warn.Render(truncate("note: "+sanitize.Line(warn), w)))
		}
		if len(x.snippet.Vars) > 0 {
			var names []string
			for _, v := range x.snippet.Vars {
				names = append(names, v.Name)
			}
			lines = append(lines, st.Muted.Render(truncate("reads "+sanitize.Line(strings.Join(names, ", "))+" from the environment", w)))
		}
		text := strings.Split(strings.TrimSuffix(sanitize.String(x.snippet.Text), "\n"), "\n")
		cut := false
		for i, l := range text {
			l = strings.ReplaceAll(l, "\t", "    ")
			if ansi.StringWidth(l) > w {
				l, cut = truncate(l, w), true
			}
			text[i] = l
		}
		if cut {
			lines = append(lines, st.Muted.Render(truncate("long lines end in … here: enter copies the whole text, and `authlab export` prints it", w)))
		}
		lines = append(lines, "")
		room := max(1, h-len(lines))
		off := min(x.off, max(0, len(text)-room))
		end := min(len(text), off+room)
		for _, l := range text[off:end] {
			lines = append(lines, st.Value.Render(l))
		}
	}
	return strings.Join(lines, "\n")
}
