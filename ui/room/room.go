// Package room is the instructor's room view of the practice server
// (`authlab serve --room`): one row per student with their last attempt
// per endpoint (✓/✗ and what the server found), a line of the most common
// mistakes right now, a filter by endpoint and one student's last
// server-side trace. Events arrive from the server through a Feed read in
// a tea.Cmd; Update and View do no I/O. Every student name, path, verdict
// and trace value is client or server text and goes through ui/sanitize.
package room

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authlab/authlab/learn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/ui"
	"github.com/authlab/authlab/ui/sanitize"
)

// Bounds of what the room remembers: a class is tens of students and a
// score of endpoints; clients or paths beyond are counted, not kept.
const (
	maxStudents  = 1000
	maxEndpoints = 64
)

// KeyMap is the room's keys.
type KeyMap struct {
	Up, Down     key.Binding
	NextEndpoint key.Binding
	PrevEndpoint key.Binding
	Open         key.Binding
	Close        key.Binding
	Quit         key.Binding
}

// DefaultKeyMap returns the default keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		NextEndpoint: key.NewBinding(key.WithKeys("tab", "f"), key.WithHelp("tab", "filter endpoint")),
		PrevEndpoint: key.NewBinding(key.WithKeys("shift+tab", "F"), key.WithHelp("shift+tab", "previous")),
		Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "last trace")),
		Close:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Quit:         key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// attempt is a student's last request to one endpoint.
type attempt struct {
	at       time.Time
	endpoint string // "GET /github/user"
	status   int
	ok       bool
	refused  bool
	verdict  string
	mistake  string
	trace    practice.ServerTrace
}

// student is one row: a client label and its last attempts.
type student struct {
	label    string
	attempts map[string]*attempt // by endpoint
	last     *attempt
	requests int
	// lessons are the `authlab learn` lessons the student's requests were
	// for (practice.LessonHeader): true once the server's answer passed
	// the lesson's check, false while tried and not passed.
	lessons map[string]bool
}

// styles of the room, built in New (no package-level styles).
type styles struct {
	header, dim, selected lipgloss.Style
}

// Model is the room view.
type Model struct {
	feed   *Feed
	server string // the server's URL, for the header
	w, h   int
	keys   KeyMap
	help   help.Model
	st     styles

	students  map[string]*student // by label
	order     []string            // labels, sorted
	endpoints []string            // seen endpoints, sorted
	filter    int                 // 0: all endpoints; i: endpoints[i-1]
	cursor    int
	top       int  // first row shown
	open      bool // the selected student's trace is shown
	traceTop  int
	requests  int
	dropped   int64
	untracked int // requests of students or endpoints beyond the bounds
	// courses are the lessons the room grades (WithCourses): a request
	// naming one of them is judged by its check, from the server's own
	// verdict, as the student's authlab does.
	courses []learn.Course
}

// WithCourses makes the room grade requests for the lessons of cs.
func (m Model) WithCourses(cs ...learn.Course) Model {
	m.courses = cs
	return m
}

// lesson finds lesson id in the room's courses.
func (m Model) lesson(id string) *learn.Lesson {
	for _, c := range m.courses {
		if l, ok := c.Lesson(id); ok {
			return l
		}
	}
	return nil
}

// New returns a room reading feed, naming server in its header.
func New(feed *Feed, server string) Model {
	return Model{
		feed: feed, server: server, w: 80, h: 24, keys: DefaultKeyMap(), help: help.New(),
		st: styles{
			header:   lipgloss.NewStyle().Bold(true),
			dim:      lipgloss.NewStyle().Faint(true),
			selected: lipgloss.NewStyle().Reverse(true),
		},
		students: map[string]*student{},
	}
}

// Init starts reading the feed.
func (m Model) Init() tea.Cmd { return m.wait() }

func (m Model) wait() tea.Cmd {
	if m.feed == nil {
		return nil
	}
	return m.feed.Wait()
}

// Update handles events, keys and the window size.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
	case EventsMsg:
		for _, e := range msg.Events {
			m.add(e)
		}
		m.dropped = msg.Dropped
		return m, m.wait()
	case ClosedMsg:
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m, nil
}

// key handles one key press.
func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m, tea.Quit
	case m.open && key.Matches(msg, m.keys.Close):
		m.open = false
	case m.open && key.Matches(msg, m.keys.Up):
		m.traceTop = max(m.traceTop-1, 0)
	case m.open && key.Matches(msg, m.keys.Down):
		m.traceTop++
	case m.open:
	case key.Matches(msg, m.keys.Up):
		m.cursor = max(m.cursor-1, 0)
	case key.Matches(msg, m.keys.Down):
		m.cursor = min(m.cursor+1, max(len(m.order)-1, 0))
	case key.Matches(msg, m.keys.NextEndpoint):
		m.filter = (m.filter + 1) % (len(m.endpoints) + 1)
	case key.Matches(msg, m.keys.PrevEndpoint):
		m.filter = (m.filter + len(m.endpoints)) % (len(m.endpoints) + 1)
	case key.Matches(msg, m.keys.Open):
		if m.selectedAttempt() != nil {
			m.open, m.traceTop = true, 0
		}
	}
	return m, nil
}

// add records one event.
func (m *Model) add(e practice.Event) {
	m.requests++
	label := e.Client.Label()
	s := m.students[label]
	if s == nil {
		if len(m.students) >= maxStudents {
			m.untracked++
			return
		}
		s = &student{label: label, attempts: map[string]*attempt{}}
		m.students[label] = s
		i := sort.SearchStrings(m.order, label)
		m.order = append(m.order, "")
		copy(m.order[i+1:], m.order[i:])
		m.order[i] = label
	}
	ep := e.Endpoint()
	if _, known := s.attempts[ep]; !known && !m.hasEndpoint(ep) {
		if len(m.endpoints) >= maxEndpoints {
			m.untracked++
			return
		}
		cur := m.filterEndpoint()
		i := sort.SearchStrings(m.endpoints, ep)
		m.endpoints = append(m.endpoints, "")
		copy(m.endpoints[i+1:], m.endpoints[i:])
		m.endpoints[i] = ep
		if cur != "" { // the filter stays on its endpoint
			m.filter = sort.SearchStrings(m.endpoints, cur) + 1
		}
	}
	a := &attempt{at: e.Time, endpoint: ep, status: e.Status, ok: e.OK(), refused: e.Kind == practice.EventRefused,
		verdict: e.Trace.Verdict, mistake: e.Mistake, trace: e.Trace}
	s.attempts[ep] = a
	s.last = a
	s.requests++
	if l := m.lesson(e.Client.Lesson); l != nil && e.Path == l.Check.Path {
		o := l.Check.Judge([]learn.Attempt{{Method: e.Method, Path: e.Path, Status: e.Status, Server: e.Trace, HasServer: e.Kind == practice.EventVerified}})
		if s.lessons == nil {
			s.lessons = map[string]bool{}
		}
		s.lessons[l.ID] = s.lessons[l.ID] || o.Pass
	}
}

func (m *Model) hasEndpoint(ep string) bool {
	i := sort.SearchStrings(m.endpoints, ep)
	return i < len(m.endpoints) && m.endpoints[i] == ep
}

// filterEndpoint is the endpoint filtered on, "" for all.
func (m Model) filterEndpoint() string {
	if m.filter == 0 || m.filter > len(m.endpoints) {
		return ""
	}
	return m.endpoints[m.filter-1]
}

// shown is the attempt of s the row and the trace show: the last one, or
// the last at the filtered endpoint.
func (m Model) shown(s *student) *attempt {
	if ep := m.filterEndpoint(); ep != "" {
		return s.attempts[ep]
	}
	return s.last
}

func (m Model) selectedAttempt() *attempt {
	if m.cursor >= len(m.order) {
		return nil
	}
	return m.shown(m.students[m.order[m.cursor]])
}

// Mistakes counts the students whose shown attempts carry each mistake,
// most frequent first: what the summary line says.
func (m Model) Mistakes() []MistakeCount {
	count := map[string]int{}
	ep := m.filterEndpoint()
	for _, s := range m.students {
		seen := map[string]bool{}
		for e, a := range s.attempts {
			if (ep != "" && e != ep) || a.ok || a.mistake == "" || seen[a.mistake] {
				continue
			}
			seen[a.mistake] = true
			count[a.mistake]++
		}
	}
	out := make([]MistakeCount, 0, len(count))
	for k, n := range count {
		out = append(out, MistakeCount{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Students != out[j].Students {
			return out[i].Students > out[j].Students
		}
		return out[i].Mistake < out[j].Mistake
	})
	return out
}

// MistakeCount is one mistake and how many students make it now.
type MistakeCount struct {
	Mistake  string
	Students int
}

// View renders the room.
func (m Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = true
	v.WindowTitle = "authlab room"
	return v
}

// Render is the screen as text, exactly m.h lines of at most m.w cells.
func (m Model) Render() string {
	w, h := max(m.w, 20), max(m.h, 6)
	var lines []string
	head := fmt.Sprintf("authlab room · %s · %s · %s", sanitize.Line(m.server), plural(len(m.students), "student"), plural(m.requests, "request"))
	if m.dropped > 0 || m.untracked > 0 {
		head += fmt.Sprintf(" · %d not shown", m.dropped+int64(m.untracked))
	}
	lines = append(lines, m.st.header.Render(fit(head, w)))
	var body []string
	if m.open {
		body = m.traceLines(w)
	} else {
		filter := "all endpoints"
		if ep := m.filterEndpoint(); ep != "" {
			filter = fmt.Sprintf("%s (%d/%d)", sanitize.Line(ep), m.filter, len(m.endpoints))
		}
		lines = append(lines, fit("Endpoint: "+filter, w), fit(m.summary(), w), "")
		body = m.rows(w, h-len(lines)-1)
	}
	avail := h - len(lines) - 1
	if m.open {
		top := min(m.traceTop, max(len(body)-avail, 0))
		body = body[top:]
	}
	for i := 0; i < avail; i++ {
		if i < len(body) {
			lines = append(lines, body[i])
		} else {
			lines = append(lines, "")
		}
	}
	lines = append(lines, fit(m.helpLine(), w))
	return strings.Join(lines, "\n")
}

// summary is the line of the most common mistakes right now.
func (m Model) summary() string {
	ms := m.Mistakes()
	if len(ms) == 0 {
		if len(m.students) == 0 {
			return "Waiting for students: send to this server (authlab --student NAME)."
		}
		return "No mistakes right now."
	}
	parts := make([]string, len(ms))
	for i, c := range ms {
		n := strconv.Itoa(c.Students)
		if i == 0 {
			n = plural(c.Students, "student")
		}
		parts[i] = n + ": " + sanitize.Line(c.Mistake)
	}
	return strings.Join(parts, " · ")
}

// rows renders up to n student rows, scrolled to keep the cursor shown.
func (m Model) rows(w, n int) []string {
	if n <= 0 || len(m.order) == 0 {
		return nil
	}
	top := m.top
	cur := min(m.cursor, len(m.order)-1)
	if cur < top {
		top = cur
	}
	if cur >= top+n {
		top = cur - n + 1
	}
	nameW := min(max(w/4, 16), 28)
	var out []string
	for i := top; i < len(m.order) && len(out) < n; i++ {
		s := m.students[m.order[i]]
		name := fit(sanitize.Line(s.label), nameW)
		line := name + strings.Repeat(" ", nameW-ansi.StringWidth(name)) + " " + m.attemptsText(s)
		line = fit(line, w-2)
		if i == cur {
			line = m.st.selected.Render("▸ " + line)
		} else {
			line = "  " + line
		}
		out = append(out, line)
	}
	return out
}

// attemptsText is a row's attempts: the shown one with what the server
// found, then (unfiltered) a mark per other endpoint, most recent first.
func (m Model) attemptsText(s *student) string {
	a := m.shown(s)
	if a == nil {
		return m.st.dim.Render("—")
	}
	text := ""
	if len(s.lessons) > 0 {
		passed := 0
		for _, ok := range s.lessons {
			if ok {
				passed++
			}
		}
		text = fmt.Sprintf("lessons %d✓ %d… · ", passed, len(s.lessons)-passed)
	}
	text += mark(a) + " " + strconv.Itoa(a.status) + " " + shortEndpoint(a.endpoint)
	if !a.ok {
		found := a.mistake
		if found == "" {
			found = a.verdict
		}
		text += ": " + sanitize.Line(found)
	}
	if m.filterEndpoint() != "" {
		return text
	}
	var others []*attempt
	for _, o := range s.attempts {
		if o != a {
			others = append(others, o)
		}
	}
	sort.Slice(others, func(i, j int) bool {
		if !others[i].at.Equal(others[j].at) {
			return others[i].at.After(others[j].at)
		}
		return others[i].endpoint < others[j].endpoint
	})
	for _, o := range others {
		text += "  " + mark(o) + " " + shortEndpoint(o.endpoint)
	}
	return text
}

// traceLines is the selected student's shown attempt, as the server traced
// it (masked by the server before it reached the room).
func (m Model) traceLines(w int) []string {
	a := m.selectedAttempt()
	if a == nil {
		return []string{"No attempt."}
	}
	s := m.students[m.order[min(m.cursor, len(m.order)-1)]]
	lines := []string{
		fit(fmt.Sprintf("%s · %s → %d · %s", sanitize.Line(s.label), sanitize.Line(a.endpoint), a.status, a.at.UTC().Format("15:04:05")), w),
		fit(mark(a)+" verdict: "+sanitize.Line(a.verdict), w),
	}
	if a.mistake != "" {
		lines = append(lines, fit("  mistake: "+sanitize.Line(a.mistake), w))
	}
	if a.refused {
		return lines
	}
	lines = append(lines, fit("  scheme: "+sanitize.Line(a.trace.Scheme), w), "")
	for _, r := range ui.ServerSide(a.trace).Rows {
		lines = append(lines, fit(fmt.Sprintf("  %s (%s): %s", sanitize.Line(r.Label), r.Side, sanitize.Line(r.Server)), w))
	}
	return lines
}

// helpLine is the keys that apply now.
func (m Model) helpLine() string {
	k := m.keys
	if m.open {
		return m.help.ShortHelpView([]key.Binding{k.Up, k.Down, k.Close, k.Quit})
	}
	return m.help.ShortHelpView([]key.Binding{k.Up, k.Down, k.NextEndpoint, k.Open, k.Quit})
}

// mark is ✓ for an attempt that passed, ✗ for one that did not.
func mark(a *attempt) string {
	if a.ok {
		return "✓"
	}
	return "✗"
}

// shortEndpoint shortens "GET /twitter/1.1/account/verify_credentials.json"
// to "twitter…verify_credentials" for a row; the method goes (the trace
// view names it).
func shortEndpoint(ep string) string {
	_, p, _ := strings.Cut(ep, " ")
	p = strings.TrimPrefix(sanitize.Line(p), "/")
	if ansi.StringWidth(p) <= 20 {
		return p
	}
	segs := strings.Split(strings.TrimSuffix(p, ".json"), "/")
	return fit(segs[0], 8) + "…" + fit(segs[len(segs)-1], 12)
}

// fit cuts s to w cells.
func fit(s string, w int) string { return ansi.Truncate(s, max(w, 1), "…") }

// plural is "1 student", "3 students".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}
