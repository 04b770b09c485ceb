package tui

import (
	"fmt"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/learn"
	"github.com/authlab/authlab/ui/sanitize"
)

// Lesson is a lesson of `authlab learn`, shown beside the normal editor:
// its explanation, task and unlocked hints where the result would be
// before the first send, and after each send the practice server's
// verdict on it (learn.Check.Judge, pure) above the response.
type Lesson struct {
	Lesson        *learn.Lesson
	Record        learn.LessonRecord
	Number, Total int // "lesson 3 of 13"
	// Tried records a try's outcome in the student's progress file and
	// returns the record after it. It is called in a command (it writes a
	// file), never in Update; nil records nothing.
	Tried func(o learn.Outcome) (learn.LessonRecord, error)
	// Saves, when set, counts the Tried commands not finished yet, so the
	// caller can wait for the last one after the program ends (a program
	// does not wait for its commands).
	Saves *sync.WaitGroup
	// Explained records that the lesson's question was answered right,
	// called in a command like Tried; nil records nothing.
	Explained func() (learn.LessonRecord, error)
}

// lessonTriedMsg is the answer of the command that recorded a try.
type lessonTriedMsg struct {
	rec learn.LessonRecord
	err error
}

// lessonState is what the model knows of its lesson.
type lessonState struct {
	l       Lesson         // l.Lesson nil: not a lesson session
	outcome *learn.Outcome // the last check, nil before the first send
}

func (s lessonState) on() bool { return s.l.Lesson != nil }

// judgeLesson checks a result against the lesson and records the try.
func (m Model) judgeLesson(msg resultMsg) (Model, tea.Cmd) {
	if !m.lesson.on() || msg.res == nil {
		return m, nil
	}
	o := m.lesson.l.Lesson.Check.Judge(learn.Attempts(msg.res))
	m.lesson.outcome = &o
	// the record as it will be, shown at once; the file follows
	m.lesson.l.Record = m.lesson.l.Record.Tried(o, len(m.lesson.l.Lesson.Hints), m.opts.Now())
	m.rp = m.rp.setLesson(m.lessonBanner(), m.lessonText())
	if q := m.lesson.l.Lesson.Explain; o.Pass && q != nil && !m.lesson.l.Record.Explained {
		m = m.askExplain(q)
	}
	tried := m.lesson.l.Tried
	if tried == nil {
		return m, nil
	}
	saves := m.lesson.l.Saves
	if saves != nil {
		saves.Add(1) // a counter, no I/O: the command does the writing
	}
	return m, func() tea.Msg {
		if saves != nil {
			defer saves.Done()
		}
		r, err := tried(o)
		return lessonTriedMsg{rec: r, err: err}
	}
}

func (m Model) gotLessonTried(msg lessonTriedMsg) Model {
	if msg.err != nil {
		return m.setStatus("progress not saved: "+sanitize.Line(msg.err.Error()), m.st().Warn)
	}
	msg.rec.Explained = msg.rec.Explained || m.lesson.l.Record.Explained // an answer given meanwhile stays
	m.lesson.l.Record = msg.rec
	m.rp = m.rp.setLesson(m.lessonBanner(), m.lessonText())
	return m
}

// lessonBanner is the verdict line above the response: passed, or what
// the server answered and what the lesson wants.
func (m Model) lessonBanner() string {
	o := m.lesson.outcome
	if o == nil {
		return ""
	}
	st := m.st()
	if o.Pass {
		s := st.OK.Render("✓ lesson passed: ") + sanitize.Line(o.Why)
		if q := m.lesson.l.Lesson.Explain; q != nil {
			if m.lesson.l.Record.Explained {
				s += "\n" + st.OK.Render("✓ explained: ") + sanitize.Line(q.Why)
			} else {
				s += "\n" + st.Label.Render("Now explain: ") + sanitize.Line(q.Text) + st.Muted.Render(" (answer on the line below)")
			}
		}
		return s
	}
	s := st.Error.Render("✗ not yet: ") + sanitize.Line(o.Why)
	if h := m.unlockedHints(); len(h) > 0 {
		s += "\n" + st.Label.Render(fmt.Sprintf("Hint %d: ", len(h))) + sanitize.Line(h[len(h)-1])
	}
	return s
}

func (m Model) unlockedHints() []string {
	l := m.lesson.l
	n := min(l.Record.Hints, len(l.Lesson.Hints))
	return l.Lesson.Hints[:n]
}

// lessonText is the lesson as the result pane shows it before the first
// send: title, explanation, task, hints unlocked. A lesson from an
// instructor's folder is someone else's text: sanitized.
func (m Model) lessonText() string {
	st := m.st()
	l := m.lesson.l
	var b strings.Builder
	head := fmt.Sprintf("Lesson %d of %d · %s", l.Number, l.Total, sanitize.Line(l.Lesson.Title))
	b.WriteString(st.Label.Render(head))
	if l.Lesson.Ref != "" {
		b.WriteString(st.Muted.Render("  (" + sanitize.Line(l.Lesson.Ref) + ")"))
	}
	switch {
	case l.Record.Passed:
		b.WriteString("  " + st.OK.Render("✓ passed"))
	case l.Record.Tries > 0:
		b.WriteString("  " + st.Muted.Render(fmt.Sprintf("%d tries", l.Record.Tries)))
	}
	b.WriteString("\n\n" + sanitize.String(l.Lesson.Explanation) + "\n\n")
	b.WriteString(st.Label.Render("Task") + "\n" + sanitize.String(l.Lesson.Task) + "\n")
	for i, h := range m.unlockedHints() {
		b.WriteString("\n" + st.Label.Render(fmt.Sprintf("Hint %d: ", i+1)) + sanitize.Line(h))
	}
	if locked := len(l.Lesson.Hints) - len(m.unlockedHints()); locked > 0 {
		b.WriteString("\n" + st.Muted.Render(fmt.Sprintf("(%d more hints unlock after failed tries)", locked)))
	}
	b.WriteString("\n\n" + st.Muted.Render("ctrl+r sends; the practice server's verdict decides. ctrl+s saves your request; q goes back to the lessons."))
	return b.String()
}

// lessonPane gives a fresh result pane the lesson's text (opening another
// request keeps the lesson on screen).
func (m Model) lessonPane(p resultPane) resultPane {
	if !m.lesson.on() {
		return p
	}
	return p.setLesson("", m.lessonText())
}

// explainKeys are the letters that pick a choice of a lesson's question:
// a for the first, b for the second…
const explainKeys = "abcdefghij"

// askExplain asks the lesson's question once it passed: why did the
// server answer what it did? The choices are the lesson's text
// (someone else's, for an instructor's folder): sanitized.
func (m Model) askExplain(q *learn.Question) Model {
	parts := make([]string, 0, len(q.Choices))
	for i, c := range q.Choices {
		if i >= len(explainKeys) {
			break
		}
		parts = append(parts, string(explainKeys[i])+") "+sanitize.Line(c))
	}
	return m.openAsk(ask{kind: askExplain, text: sanitize.Line(q.Text) + "   " + strings.Join(parts, "   "),
		choices: "press the letter of your answer · esc answers later"})
}

// explainKey answers the lesson's question: the right letter records it
// (in a command), a wrong one says so and asks again.
func (m Model) explainKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	q := m.lesson.l.Lesson.Explain
	if q == nil {
		return m.closeAsk(), nil
	}
	if msg.String() == "esc" {
		return m.closeAsk().setStatus("the question waits: pass the lesson again to answer it", m.st().Muted), nil
	}
	i := strings.Index(explainKeys, msg.String())
	if len(msg.String()) != 1 || i < 0 || i >= len(q.Choices) {
		return m, nil
	}
	if i != q.Answer {
		m.ask.choices = "✗ not " + string(explainKeys[i]) + ": read the response again and press another letter · esc answers later"
		return m.layout(), nil
	}
	m = m.closeAsk().setStatus("✓ right: "+sanitize.Line(q.Why), m.st().OK)
	m.lesson.l.Record.Explained = true
	m.rp = m.rp.setLesson(m.lessonBanner(), m.lessonText())
	explained := m.lesson.l.Explained
	if explained == nil {
		return m, nil
	}
	saves := m.lesson.l.Saves
	if saves != nil {
		saves.Add(1)
	}
	return m, func() tea.Msg {
		if saves != nil {
			defer saves.Done()
		}
		r, err := explained()
		return lessonTriedMsg{rec: r, err: err}
	}
}
