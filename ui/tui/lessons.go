package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/learn"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/theme"
)

// Lessons is the list of `authlab learn`: every lesson with its progress;
// enter opens one (Chosen), q leaves. It is its own small program: the
// command opens the chosen lesson in the normal TUI (Options.Lesson) and
// comes back here when the student leaves it.
type Lessons struct {
	st       theme.Styles
	keys     lessonsKeys
	help     help.Model
	course   learn.Course
	progress learn.Progress
	cursor   int
	width    int
	height   int
	chosen   string
}

type lessonsKeys struct {
	Up, Down, Open, Quit key.Binding
}

func (k lessonsKeys) ShortHelp() []key.Binding  { return []key.Binding{k.Up, k.Down, k.Open, k.Quit} }
func (k lessonsKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// NewLessons returns the list of c with p's progress, the cursor on the
// first lesson not passed (or on the lesson named by at).
func NewLessons(c learn.Course, p learn.Progress, at string, noColor bool) Lessons {
	m := Lessons{
		st: theme.New(true, noColor), course: c, progress: p, width: 80, height: 24,
		keys: lessonsKeys{
			Up:   key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
			Down: key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
			Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the lesson")),
			Quit: key.NewBinding(key.WithKeys("q", "esc", "ctrl+c"), key.WithHelp("q", "quit")),
		},
		help: help.New(),
	}
	m.cursor = len(c.Lessons) - 1
	for i, l := range c.Lessons {
		if at != "" && l.ID == at || at == "" && !p.Record(l.ID).Passed {
			m.cursor = i
			break
		}
	}
	return m
}

// Chosen is the id of the lesson the student opened; "" when they quit.
func (m Lessons) Chosen() string { return m.chosen }

func (m Lessons) Init() tea.Cmd { return nil }

func (m Lessons) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.keys.Quit):
			m.chosen = ""
			return m, tea.Quit
		case key.Matches(msg, m.keys.Up):
			m.cursor = max(0, m.cursor-1)
		case key.Matches(msg, m.keys.Down):
			m.cursor = min(len(m.course.Lessons)-1, m.cursor+1)
		case key.Matches(msg, m.keys.Open):
			if len(m.course.Lessons) > 0 {
				m.chosen = m.course.Lessons[m.cursor].ID
				return m, tea.Quit
			}
		}
	}
	return m, nil
}

func (m Lessons) View() tea.View {
	var b strings.Builder
	b.WriteString(m.st.Title.Render("authlab learn") + "  " + m.st.Muted.Render(fmt.Sprintf("%s course · %d of %d lessons passed", sanitize.Line(m.course.Name), m.progress.Done(m.course), len(m.course.Lessons))) + "\n\n")
	// the list scrolls to keep the cursor in view
	rows := max(3, m.height-5)
	first := max(0, min(m.cursor-rows/2, len(m.course.Lessons)-rows))
	for i := first; i < len(m.course.Lessons) && i < first+rows; i++ {
		l := m.course.Lessons[i]
		r := m.progress.Record(l.ID)
		mark := m.st.Muted.Render("·")
		switch {
		case r.Passed:
			mark = m.st.OK.Render("✓")
		case r.Tries > 0:
			mark = m.st.Warn.Render("…")
		}
		line := fmt.Sprintf("%2d  %s", i+1, sanitize.Line(l.Title))
		ref := m.st.Muted.Render("  " + sanitize.Line(l.Ref))
		if i == m.cursor {
			line = m.st.LabelFocused.Render("▸ " + line)
		} else {
			line = "  " + line
		}
		b.WriteString(mark + " " + line + ref + "\n")
	}
	b.WriteString("\n" + m.help.View(m.keys))
	v := tea.NewView(b.String())
	v.AltScreen = true
	return v
}
