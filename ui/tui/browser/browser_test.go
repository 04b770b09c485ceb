package browser

import (
	"fmt"
	gold "github.com/authlab/authlab/internal/golden"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/tui/theme"
)

// now is the fixed clock of the tests.
var now = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

const dir = "/home/ada/.config/authlab/profiles"

func entry(name, method, url, scheme, desc string, headers int) profiles.Entry {
	p := &profiles.Profile{Name: name, Method: method, URL: url, Scheme: scheme, Description: desc}
	for i := range headers {
		p.Headers = append(p.Headers, profiles.Header{Name: fmt.Sprintf("X-H%d", i), Value: "v"})
	}
	g := ""
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		g = name[:i]
	}
	return profiles.Entry{Name: name, Group: g, Path: filepath.Join(dir, name+".toml"), Profile: p, Mode: 0o600}
}

func broken(name string, line, col int, msg string) profiles.Entry {
	e := entry(name, "", "", "", "", 0)
	e.Profile = nil
	e.Err = &profiles.ParseError{Path: e.Path, Line: line, Column: col, Msg: msg}
	return e
}

// fixture is a small profiles folder, deliberately out of order.
func fixture() []profiles.Entry {
	warn := entry("aws/s3-list", "GET", "https://s3.amazonaws.com/", "aws-sigv4", "List the buckets.", 1)
	warn.Warning = "readable by others (chmod 600 " + warn.Path + ")"
	return []profiles.Entry{
		entry("github/user", "GET", "https://api.github.com/user", "bearer", "The authenticated user; needs a token with read:user.", 2),
		entry("status", "GET", "http://127.0.0.1:8089/status/418", "", "", 0),
		entry("health", "GET", "http://127.0.0.1:8089/health", "", "Is the practice server up?", 0),
		broken("github/broken", 3, 7, "expected '=' after key \"url\""),
		entry("github/repos", "GET", "https://api.github.com/user/repos?per_page=100", "bearer", "", 1),
		warn,
		entry("practice/digest", "GET", "http://127.0.0.1:8089/digest-auth/auth/ada/secret", "digest", "RFC 7616 with MD5 and SHA-256.", 0),
		entry("practice/oauth1", "POST", "http://127.0.0.1:8089/oauth1/request", "oauth1", "Twitter-style OAuth 1.0a, HMAC-SHA1.", 3),
	}
}

func fixtureLast() map[string]Last {
	return map[string]Last{
		"github/user":     {Status: 401, Time: now.Add(-3 * time.Minute), Duration: 87 * time.Millisecond},
		"health":          {Status: 200, Time: now.Add(-2 * time.Hour), Duration: 1500 * time.Microsecond},
		"practice/digest": {Status: 0, Time: now.Add(-20 * 24 * time.Hour), Duration: 10 * time.Second},
	}
}

func newModel(w, h int) Model {
	return New(theme.New(true, false), DefaultKeyMap()).SetNow(func() time.Time { return now }).SetDir(dir).SetSize(w, h)
}

func loaded(w, h int) Model {
	return newModel(w, h).SetEntries(fixture()).SetLast(fixtureLast())
}

// keyMsg builds the key press for a key name ("enter", "up") or a character.
func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	r := []rune(s)
	if len(r) != 1 {
		panic("keyMsg: unknown key " + s)
	}
	if r[0] >= 'A' && r[0] <= 'Z' {
		return tea.KeyPressMsg{Code: r[0] + 'a' - 'A', ShiftedCode: r[0], Mod: tea.ModShift, Text: s}
	}
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

// press sends keys and returns the model and the last command.
func press(m Model, keys ...string) (Model, tea.Cmd) {
	var cmd tea.Cmd
	for _, k := range keys {
		m, cmd = m.Update(keyMsg(k))
	}
	return m, cmd
}

// typeText types s character by character.
func typeText(m Model, s string) Model {
	for _, r := range s {
		if r == ' ' {
			m, _ = m.Update(keyMsg("space"))
			continue
		}
		m, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

func selected(t *testing.T, m Model) string {
	t.Helper()
	e, ok := m.Selected()
	if !ok {
		return ""
	}
	return e.Name
}

// intent runs cmd (which must produce an intent, not a blink) and returns
// its message.
func intent(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("no command; want an intent")
	}
	return cmd()
}

// noIntent fails if cmd produces one of the browser's intents (a cursor
// blink is fine).
func noIntent(t *testing.T, cmd tea.Cmd, what string) {
	t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case OpenMsg, NewMsg, DuplicateMsg, RenameMsg, DeleteMsg:
		t.Errorf("%s: got intent %#v; want none", what, msg)
	}
}

func plain(m Model) string { return ansi.Strip(m.View()) }

// flat is the view's text with lines joined by spaces, for phrases that
// wrap.
func flat(m Model) string { return strings.Join(strings.Fields(plain(m)), " ") }

func TestListOrderAndGroups(t *testing.T) {
	m := loaded(60, 40)
	var got []string
	for _, r := range m.rows {
		if r.header() {
			got = append(got, m.items[r.next].group+"/")
		} else {
			got = append(got, m.items[r.item].e.Name)
		}
	}
	want := []string{
		"health", "status",
		"aws/", "aws/s3-list",
		"github/", "github/broken", "github/repos", "github/user",
		"practice/", "practice/digest", "practice/oauth1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows = %q; want %q", got, want)
	}
	if got := selected(t, m); got != "health" {
		t.Errorf("selection of a new list = %q; want the first entry %q", got, "health")
	}
}

func TestNavigation(t *testing.T) {
	tests := []struct {
		keys []string
		want string
	}{
		{nil, "health"},
		{[]string{"up"}, "health"}, // clamped at the top
		{[]string{"k", "k"}, "health"},
		{[]string{"down"}, "status"},
		{[]string{"down", "down"}, "aws/s3-list"}, // skips the aws/ header
		{[]string{"j", "j", "j"}, "github/broken"},
		{[]string{"j", "j", "j", "k"}, "aws/s3-list"}, // skips the github/ header upwards
		{[]string{"j", "j", "j", "j", "j", "j", "j", "j", "j", "j", "j"}, "practice/oauth1"}, // clamped at the end
		{[]string{"end"}, "practice/oauth1"},
		{[]string{"G"}, "practice/oauth1"},
		{[]string{"end", "home"}, "health"},
		{[]string{"end", "g"}, "health"},
		{[]string{"pgdown", "pgdown", "pgdown"}, "practice/oauth1"},
		{[]string{"end", "pgup", "pgup", "pgup"}, "health"},
	}
	for _, tt := range tests {
		m, cmd := press(loaded(60, 30), tt.keys...)
		if got := selected(t, m); got != tt.want {
			t.Errorf("keys %q: selected %q; want %q", tt.keys, got, tt.want)
		}
		noIntent(t, cmd, strings.Join(tt.keys, " "))
	}
}

func TestScrollKeepsSelectionVisible(t *testing.T) {
	var es []profiles.Entry
	for g := range 5 {
		for i := range 10 {
			es = append(es, entry(fmt.Sprintf("g%d/p%02d", g, i), "GET", "https://example.com/", "", "", 0))
		}
	}
	m := newModel(40, 20).SetEntries(es)
	for i := range 60 {
		m, _ = press(m, "down")
		sel := selected(t, m)
		if !strings.Contains(plain(m), "▸") {
			t.Fatalf("after %d downs (%s) the selection is not in view:\n%s", i+1, sel, plain(m))
		}
	}
	if got := selected(t, m); got != "g4/p09" {
		t.Errorf("selected %q after 60 downs; want the last entry", got)
	}
	// Back at the top, the first group's header is shown too.
	m, _ = press(m, "home")
	if lines := strings.Split(plain(m), "\n"); !strings.Contains(lines[1], "g0/") {
		t.Errorf("line 2 at the top = %q; want the g0/ header", lines[1])
	}
}

func TestOpen(t *testing.T) {
	m, _ := press(loaded(60, 30), "end")
	m, cmd := press(m, "enter")
	msg, ok := intent(t, cmd).(OpenMsg)
	if !ok || msg.Entry.Name != "practice/oauth1" || msg.Entry.Profile == nil {
		t.Fatalf("enter on practice/oauth1 = %#v; want OpenMsg for it", msg)
	}
	if m.Typing() {
		t.Error("Typing() after open = true")
	}
}

func TestBrokenEntryRefusesIntents(t *testing.T) {
	m := loaded(60, 30).Select("github/broken")
	if got := selected(t, m); got != "github/broken" {
		t.Fatalf("Select(github/broken) selected %q", got)
	}
	for _, k := range []string{"enter", "d", "r", "x"} {
		m2, cmd := press(m, k)
		if cmd != nil {
			t.Errorf("%s on a broken entry returned a command (%#v); want none", k, cmd())
		}
		if m2.Typing() || m2.mode != modeList {
			t.Errorf("%s on a broken entry left the list (mode %d)", k, m2.mode)
		}
		view := flat(m2)
		if !strings.Contains(view, "fix it in an editor") || !strings.Contains(view, "line 3, col 7") {
			t.Errorf("%s on a broken entry: the view does not say why:\n%s", k, view)
		}
	}
	// The reason goes with the next key.
	m, _ = press(m, "enter", "up")
	if strings.Contains(plain(m), "cannot open") {
		t.Errorf("the refusal is still shown after the next key:\n%s", plain(m))
	}
}

func TestNew(t *testing.T) {
	for _, m := range []Model{loaded(60, 30), newModel(60, 30)} {
		_, cmd := press(m, "n")
		if _, ok := intent(t, cmd).(NewMsg); !ok {
			t.Errorf("n = %#v; want NewMsg", cmd())
		}
	}
}

func TestDuplicate(t *testing.T) {
	m := loaded(60, 30).Select("github/user")
	m, _ = press(m, "d")
	if !m.Typing() {
		t.Fatal("Typing() = false in the duplicate name input")
	}
	if got, want := m.name.Value(), "github/user copy"; got != want {
		t.Errorf("duplicate name prefilled with %q; want %q", got, want)
	}
	if !strings.Contains(plain(m), "copy github/user as:") {
		t.Errorf("no name prompt in\n%s", plain(m))
	}
	// n, k, j and q type in the input.
	m = typeText(m, " nkjq")
	m, _ = press(m, "backspace", "backspace", "backspace", "backspace", "backspace")
	m, cmd := press(m, "enter")
	msg, ok := intent(t, cmd).(DuplicateMsg)
	if !ok || msg != (DuplicateMsg{Src: "github/user", Dst: "github/user copy"}) {
		t.Errorf("duplicate = %#v; want DuplicateMsg{github/user, github/user copy}", msg)
	}
	if m.Typing() {
		t.Error("Typing() after the duplicate was submitted = true")
	}
	// When the parent lists the copy, it is selected.
	m = m.SetEntries(append(fixture(), entry("github/user copy", "GET", "https://api.github.com/user", "bearer", "", 0)))
	if got := selected(t, m); got != "github/user copy" {
		t.Errorf("selected after the copy was listed = %q; want the copy", got)
	}
	// A second copy gets a free name.
	m, _ = press(m.Select("github/user"), "d")
	if got, want := m.name.Value(), "github/user copy 2"; got != want {
		t.Errorf("second duplicate prefilled with %q; want %q", got, want)
	}
}

func TestNameInputRefusesTakenAndBadNames(t *testing.T) {
	tests := []struct {
		name string
		want string // in the error line
	}{
		{"github/repos", "github/repos exists"},
		{"", "not a usable name: it is empty"},
		{"../etc/passwd", `not a usable name: ".." cannot be a part`},
		{"/abs", "not a usable name: it has an empty part"},
		{"a//b", "not a usable name: it has an empty part"},
		{`a\b`, "backslash"},
		{"github/user.toml", "leave out the .toml suffix"},
	}
	for _, tt := range tests {
		m, _ := press(loaded(60, 30).Select("github/user"), "r")
		m, _ = press(m, "ctrl+u")
		m = typeText(m, tt.name)
		m, cmd := press(m, "enter")
		noIntent(t, cmd, "rename to "+tt.name)
		if !m.Typing() {
			t.Errorf("rename to %q: the input closed; want it open with an error", tt.name)
		}
		if view := flat(m); !strings.Contains(view, tt.want) {
			t.Errorf("rename to %q: view lacks %q:\n%s", tt.name, tt.want, view)
		}
		// Editing clears the error.
		m = typeText(m, "x")
		if m.nameErr != "" {
			t.Errorf("rename to %q: error %q stays after an edit", tt.name, m.nameErr)
		}
	}
}

func TestRename(t *testing.T) {
	m := loaded(60, 30).Select("github/user")
	m, _ = press(m, "r")
	if got := m.name.Value(); got != "github/user" {
		t.Errorf("rename prefilled with %q; want the old name", got)
	}
	m = typeText(m, "2")
	m, cmd := press(m, "enter")
	msg, ok := intent(t, cmd).(RenameMsg)
	if !ok || msg != (RenameMsg{Old: "github/user", New: "github/user2"}) {
		t.Errorf("rename = %#v; want RenameMsg{github/user, github/user2}", msg)
	}
	// The parent renames and lists again: the new name is selected.
	es := fixture()
	for i := range es {
		if es[i].Name == "github/user" {
			es[i].Name = "github/user2"
		}
	}
	m = m.SetEntries(es)
	if got := selected(t, m); got != "github/user2" {
		t.Errorf("selected after the rename was listed = %q; want github/user2", got)
	}

	// Unchanged: no intent. esc and a cancelling n-less escape close it.
	m, _ = press(loaded(60, 30).Select("github/user"), "r")
	m, cmd = press(m, "enter")
	noIntent(t, cmd, "rename unchanged")
	if m.Typing() {
		t.Error("rename unchanged left the input open")
	}
	m, _ = press(loaded(60, 30).Select("github/user"), "r", "esc")
	if m.Typing() {
		t.Error("esc did not close the rename input")
	}
}

func TestDeleteConfirmation(t *testing.T) {
	m := loaded(60, 30).Select("github/user")
	m, cmd := press(m, "x")
	noIntent(t, cmd, "x")
	view := plain(m)
	if !strings.Contains(view, "delete github/user? y/n") || !strings.Contains(view, "github/user.toml") {
		t.Fatalf("no confirmation naming the file in\n%s", view)
	}
	if m.Typing() {
		t.Error("Typing() in the confirmation = true; it has no input")
	}
	for _, k := range []string{"n", "esc"} {
		m2, cmd := press(m, k)
		noIntent(t, cmd, k)
		if strings.Contains(plain(m2), "delete github/user?") {
			t.Errorf("%s did not cancel the confirmation", k)
		}
		if got := selected(t, m2); got != "github/user" {
			t.Errorf("%s: selection moved to %q", k, got)
		}
	}
	// Other keys neither confirm nor cancel.
	m2, cmd := press(m, "j", "enter", "d")
	noIntent(t, cmd, "j enter d in a confirmation")
	if !strings.Contains(plain(m2), "delete github/user?") || selected(t, m2) != "github/user" {
		t.Error("keys other than y/n/esc changed the confirmation")
	}
	m, cmd = press(m, "y")
	if msg, ok := intent(t, cmd).(DeleteMsg); !ok || msg.Name != "github/user" {
		t.Errorf("y = %#v; want DeleteMsg{github/user}", msg)
	}
	// The parent deletes and lists again: the selection stays in place.
	var es []profiles.Entry
	for _, e := range fixture() {
		if e.Name != "github/user" {
			es = append(es, e)
		}
	}
	m = m.SetEntries(es)
	if got := selected(t, m); got != "github/repos" {
		t.Errorf("selected after the deletion = %q; want the entry before it in its group, github/repos", got)
	}
}

func TestConfirmationEndsWhenTheEntryGoes(t *testing.T) {
	m, _ := press(loaded(60, 30).Select("github/user"), "x")
	var es []profiles.Entry
	for _, e := range fixture() {
		if e.Name != "github/user" {
			es = append(es, e)
		}
	}
	m = m.SetEntries(es)
	m, cmd := press(m, "y")
	noIntent(t, cmd, "y after the entry went")
	if m.mode != modeList {
		t.Errorf("mode = %d; want the list", m.mode)
	}
}

func TestFilter(t *testing.T) {
	m, cmd := press(loaded(60, 30), "/")
	if !m.Typing() {
		t.Fatal("Typing() = false after /")
	}
	noIntent(t, cmd, "/")
	m = typeText(m, "user")
	if got := m.Filter(); got != "user" {
		t.Errorf("Filter() = %q; want %q", got, "user")
	}
	if got := selected(t, m); got != "github/user" {
		t.Errorf("best match for user = %q; want github/user", got)
	}
	// j and k type; ↓ moves.
	m = typeText(m, "jk")
	if got := m.Filter(); got != "userjk" {
		t.Errorf("Filter() after typing j k = %q; want userjk", got)
	}
	m, _ = press(m, "backspace", "backspace", "backspace", "backspace", "backspace")
	if got := m.Filter(); got != "u" {
		t.Errorf("Filter() after five backspaces = %q; want u", got)
	}
	for _, r := range m.rows {
		if r.header() {
			t.Error("filtered rows contain a group header")
		}
	}
	if len(m.rows) < 2 {
		t.Fatalf("u matches %d entries; the test needs 2", len(m.rows))
	}
	first := m.items[m.rows[0].item].e.Name
	if got := selected(t, m); got != first {
		t.Errorf("selected %q while filtering; want the best match %q", got, first)
	}
	m, _ = press(m, "down")
	if got := selected(t, m); got == first {
		t.Error("↓ in the filter did not move the selection")
	}
	// enter leaves the input, keeps the filter, selects the first match.
	m, cmd = press(m, "enter")
	noIntent(t, cmd, "enter in the filter")
	if m.Typing() || m.Filter() != "u" || selected(t, m) != first {
		t.Errorf("after enter: Typing %v, Filter %q, selected %q; want false, u, %s", m.Typing(), m.Filter(), selected(t, m), first)
	}
	// Now keys are the list's again: enter opens.
	_, cmd = press(m, "enter")
	if msg, ok := intent(t, cmd).(OpenMsg); !ok || msg.Entry.Name != first {
		t.Errorf("enter after the filter = %#v; want OpenMsg %s", msg, first)
	}
	// esc in the list clears the filter, keeping the selection.
	m, _ = press(m, "down")
	sel := selected(t, m)
	m, _ = press(m, "esc")
	if m.Filter() != "" || len(m.rows) != len(m.grouped) {
		t.Errorf("esc: Filter %q, %d rows; want no filter", m.Filter(), len(m.rows))
	}
	if got := selected(t, m); got != sel {
		t.Errorf("esc moved the selection from %q to %q", sel, got)
	}
}

func TestFilterEscClears(t *testing.T) {
	m, _ := press(loaded(60, 30), "/")
	m = typeText(m, "digest")
	if got := selected(t, m); got != "practice/digest" {
		t.Fatalf("digest selects %q", got)
	}
	m, _ = press(m, "esc")
	if m.Typing() || m.Filter() != "" {
		t.Errorf("esc in the filter: Typing %v, Filter %q; want false, \"\"", m.Typing(), m.Filter())
	}
	if got := selected(t, m); got != "practice/digest" {
		t.Errorf("selection after esc = %q; want practice/digest kept", got)
	}
	// / again starts from an empty filter.
	m, _ = press(m, "/")
	if got := m.filter.Value(); got != "" {
		t.Errorf("filter input after esc and / = %q; want empty", got)
	}
}

func TestFilterMatchesDescription(t *testing.T) {
	m, _ := press(loaded(60, 30), "/")
	m = typeText(m, "hmac")
	if got := selected(t, m); got != "practice/oauth1" {
		t.Errorf("hmac (in a description) selects %q; want practice/oauth1", got)
	}
	if !strings.Contains(plain(m), "HMAC") {
		t.Errorf("the matched description is not shown:\n%s", plain(m))
	}
}

func TestFilterNoMatch(t *testing.T) {
	m, _ := press(loaded(60, 30), "/")
	m = typeText(m, "zzzz")
	if _, ok := m.Selected(); ok {
		t.Error("Selected() with no match = true")
	}
	if !strings.Contains(plain(m), `no profile matches "zzzz"`) {
		t.Errorf("no-match view:\n%s", plain(m))
	}
	m, cmd := press(m, "enter")
	noIntent(t, cmd, "enter with no match")
	_, cmd = press(m, "enter")
	noIntent(t, cmd, "enter in the list with no match")
}

func TestHighlight(t *testing.T) {
	base, hi := lipgloss.NewStyle(), lipgloss.NewStyle().Underline(true)
	got := highlight("github/user", 0, []int{0, 7, 9}, base, hi)
	want := hi.Render("g") + base.Render("ithub/") + hi.Render("u") + base.Render("s") + hi.Render("e") + base.Render("r")
	if got != want {
		t.Errorf("highlight = %q; want %q", got, want)
	}
	// Offsets count from the start of the search text; multi-byte runes
	// are highlighted whole.
	got = highlight("größe", 10, []int{2, 11, 12, 15}, base, hi)
	want = base.Render("g") + hi.Render("rö") + base.Render("ße")
	if got != want {
		t.Errorf("highlight with offset = %q; want %q", got, want)
	}
	// The list styles matched characters.
	m, _ := press(loaded(60, 30), "/")
	m = typeText(m, "g")
	if !strings.Contains(m.View(), m.st.LabelFocused.Underline(true).Render("g")) {
		t.Error("the selected row does not highlight the matched g")
	}
	if !strings.Contains(m.View(), m.st.Info.Underline(true).Render("g")) {
		t.Error("an unselected row does not highlight the matched g")
	}
	// Without colour, highlights stay visible on the selected row.
	nc := m.SetStyles(theme.New(true, true))
	if !strings.Contains(nc.View(), nc.st.LabelFocused.Reverse(true).Render("g")) {
		t.Error("without colour, the selected row does not highlight the matched g")
	}
}

func TestSetEntriesKeepsSelectionAndBatches(t *testing.T) {
	all := fixture()
	m := newModel(60, 30).SetLoading(true)
	if !strings.Contains(plain(m), "loading… 0 profiles") {
		t.Errorf("loading view:\n%s", plain(m))
	}
	m = m.AppendEntries(all[:3])
	m, _ = press(m, "down") // github/user, health, status → status? sorted: health, status, github/user
	if got := selected(t, m); got != "status" {
		t.Fatalf("selected %q; want status", got)
	}
	m = m.AppendEntries(all[3:])
	if got := selected(t, m); got != "status" {
		t.Errorf("selection after a batch = %q; want status kept", got)
	}
	if !strings.Contains(plain(m), "loading… 8 profiles") {
		t.Errorf("loading count after two batches:\n%s", plain(m))
	}
	m = m.SetLoading(false)
	if strings.Contains(plain(m), "loading") {
		t.Errorf("loading shown after SetLoading(false):\n%s", plain(m))
	}
	// A later entry of the same name replaces the earlier one.
	e := entry("status", "HEAD", "http://127.0.0.1:8089/status/204", "", "", 0)
	m = m.AppendEntries([]profiles.Entry{e})
	if m.Len() != 8 {
		t.Errorf("Len() = %d after replacing an entry; want 8", m.Len())
	}
	if got, _ := m.Entry("status"); got.Profile.Method != "HEAD" {
		t.Errorf("Entry(status).Method = %q; want the replacement's HEAD", got.Profile.Method)
	}
	// SetEntries with a filter applied filters the new list.
	m, _ = press(m, "/")
	m = typeText(m, "oauth")
	m = m.SetEntries(append(fixture(), entry("practice/oauth2", "GET", "http://127.0.0.1:8089/oauth2/token", "oauth2", "", 0)))
	if len(m.rows) != 2 {
		t.Errorf("oauth matches %d rows after SetEntries; want 2", len(m.rows))
	}
}

func TestSelectClearsHidingFilter(t *testing.T) {
	m, _ := press(loaded(60, 30), "/")
	m = typeText(m, "digest")
	m, _ = press(m, "enter")
	m = m.Select("health")
	if got := selected(t, m); got != "health" || m.Filter() != "" {
		t.Errorf("Select(health) under filter digest: selected %q, filter %q", got, m.Filter())
	}
	// Select before the entries arrive.
	m = newModel(60, 30).Select("github/user").SetEntries(fixture())
	if got := selected(t, m); got != "github/user" {
		t.Errorf("Select before SetEntries: selected %q; want github/user", got)
	}
}

func TestValueSemantics(t *testing.T) {
	m, _ := press(loaded(60, 30), "/")
	m = typeText(m, "github")
	before := m.View()
	m2, _ := press(m, "backspace", "backspace")
	m2 = typeText(m2, "xy")
	_ = m2.AppendEntries([]profiles.Entry{entry("aaa", "GET", "http://x/", "", "", 0)})
	if got := m.View(); got != before {
		t.Errorf("updating a copy changed the original:\nbefore:\n%s\nafter:\n%s", before, got)
	}
	if m.Filter() != "github" {
		t.Errorf("original filter = %q; want github", m.Filter())
	}
}

func TestSanitizesFileText(t *testing.T) {
	e := entry("evil\x1b[2Jname", "GET", "https://x.test/\x1b]52;c;QUFB\x07", "basic", "line one\x1b]8;;https://bank.test\x07bank\x1b]8;;\x07\u202egnp.exe", 1)
	e.Warning = "warn \x1b[8mhidden"
	m := newModel(60, 30).SetEntries([]profiles.Entry{e})
	view := m.View()
	for _, bad := range []string{"\x1b[2J", "\x1b]52", "\x1b]8;;https", "\x1b[8m", "\u202e", "\x07"} {
		if strings.Contains(view, bad) {
			t.Errorf("the view contains %q raw", bad)
		}
	}
	p := plain(m)
	for _, want := range []string{`evil\x1b[2Jname`, `\x1b]52;c;QUFB`, `\u202e`} {
		if !strings.Contains(p, want) {
			t.Errorf("the view lacks the escaped %q:\n%s", want, p)
		}
	}
	// The filter matches and highlights the sanitized text.
	m, _ = press(m, "/")
	m = typeText(m, "x1b")
	if len(m.rows) != 1 || strings.Contains(m.View(), "\x1b[2J") {
		t.Errorf("filtering escaped text: %d rows", len(m.rows))
	}
}

func TestEmpty(t *testing.T) {
	m := newModel(40, 20)
	p := plain(m)
	for _, want := range []string{"No saved profiles yet.", "ctrl+s", dir} {
		if !strings.Contains(strings.ReplaceAll(p, "\n", " "), want) {
			t.Errorf("empty view lacks %q:\n%s", want, p)
		}
	}
	if _, ok := m.Selected(); ok {
		t.Error("Selected() on an empty list = true")
	}
	for _, k := range []string{"up", "down", "enter", "d", "r", "x", "/", "esc", "end"} {
		m2, cmd := press(m, k)
		noIntent(t, cmd, k+" on an empty list")
		if m2.Typing() {
			t.Errorf("%s on an empty list opened an input", k)
		}
	}
}

func TestViewFits(t *testing.T) {
	states := map[string]func(Model) Model{
		"list":    func(m Model) Model { return m },
		"broken":  func(m Model) Model { return m.Select("github/broken") },
		"warn":    func(m Model) Model { return m.Select("aws/s3-list") },
		"confirm": func(m Model) Model { m, _ = press(m.Select("github/user"), "x"); return m },
		"rename":  func(m Model) Model { m, _ = press(m.Select("github/user"), "r"); return m },
		"err": func(m Model) Model {
			m, _ = press(m.Select("github/user"), "r", "ctrl+u", "enter")
			return m
		},
		"filter": func(m Model) Model { m, _ = press(m, "/"); return typeText(m, "gh u") },
		"note":   func(m Model) Model { m, _ = press(m.Select("github/broken"), "enter"); return m },
		"empty":  func(m Model) Model { return m.SetEntries(nil) },
	}
	for name, f := range states {
		for w := 0; w <= 130; w += 7 {
			for h := 0; h <= 40; h += 3 {
				m := f(loaded(w, h))
				v := m.View()
				lines := strings.Split(v, "\n")
				if v == "" {
					lines = nil
				}
				if len(lines) > h {
					t.Errorf("%s at %d×%d: %d lines", name, w, h, len(lines))
				}
				for i, l := range lines {
					if lw := ansi.StringWidth(l); lw > w {
						t.Errorf("%s at %d×%d: line %d is %d cells: %q", name, w, h, i, lw, ansi.Strip(l))
					}
				}
			}
		}
	}
}

func TestTypingAndConsumes(t *testing.T) {
	esc := keyMsg("esc")
	q := keyMsg("q")
	m := loaded(60, 30)
	if m.Typing() || m.Consumes(q) || m.Consumes(esc) {
		t.Errorf("list: Typing %v, Consumes(q) %v, Consumes(esc) %v; want all false", m.Typing(), m.Consumes(q), m.Consumes(esc))
	}
	if !m.Consumes(keyMsg("j")) || !m.Consumes(keyMsg("enter")) {
		t.Error("list: does not consume j or enter")
	}
	f, _ := press(m, "/")
	if !f.Typing() || !f.Consumes(q) || !f.Consumes(esc) {
		t.Error("filter input: want Typing and Consumes(q, esc)")
	}
	f = typeText(f, "gh")
	f, _ = press(f, "enter")
	if f.Typing() || !f.Consumes(esc) {
		t.Errorf("filter applied: Typing %v, Consumes(esc) %v; want false, true", f.Typing(), f.Consumes(esc))
	}
	c, _ := press(m, "x")
	if c.Typing() || !c.Consumes(esc) || !c.Consumes(keyMsg("y")) || c.Consumes(q) {
		t.Error("confirmation: want Consumes(esc, y), not q, and not Typing")
	}
}

func TestKeyMapEnabled(t *testing.T) {
	on := func(k KeyMap) []string {
		var names []string
		for _, col := range k.FullHelp() {
			for _, b := range col {
				if b.Enabled() {
					names = append(names, b.Help().Desc)
				}
			}
		}
		return names
	}
	m := loaded(60, 30)
	want := []string{"up", "down", "page up", "page down", "first", "last", "filter", "open", "new", "duplicate", "rename", "delete", "import a file"}
	if got := on(m.KeyMap()); !reflect.DeepEqual(got, want) {
		t.Errorf("list keys = %q; want %q", got, want)
	}
	c, _ := press(m, "x")
	if got := on(c.KeyMap()); !reflect.DeepEqual(got, []string{"confirm", "cancel"}) {
		t.Errorf("confirmation keys = %q", got)
	}
	b := m.Select("github/broken")
	if got := on(b.KeyMap()); strings.Contains(strings.Join(got, ","), "open") || strings.Contains(strings.Join(got, ","), "delete") {
		t.Errorf("broken entry keys = %q; want no open or delete", got)
	}
	if len(DefaultKeyMap().ShortHelp()) == 0 {
		t.Error("ShortHelp is empty")
	}
}

func TestAgoAndDuration(t *testing.T) {
	agoTests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Minute, "just now"},
		{0, "just now"},
		{42 * time.Second, "42 s ago"},
		{3*time.Minute + 59*time.Second, "3 min ago"},
		{5 * time.Hour, "5 h ago"},
		{49 * time.Hour, "2 d ago"},
		{20 * 24 * time.Hour, "on 2025-02-22"},
	}
	for _, tt := range agoTests {
		if got := ago(tt.d, now.Add(-tt.d)); got != tt.want {
			t.Errorf("ago(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
	durTests := []struct {
		d    time.Duration
		want string
	}{
		{500 * time.Microsecond, "<1 ms"},
		{87 * time.Millisecond, "87 ms"},
		{1234 * time.Millisecond, "1.2 s"},
		{123 * time.Second, "2m3s"},
	}
	for _, tt := range durTests {
		if got := duration(tt.d); got != tt.want {
			t.Errorf("duration(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
}

func TestGolden(t *testing.T) {
	states := []struct {
		name  string
		build func(m Model) Model
	}{
		{"empty", func(m Model) Model { return newModel(m.width, m.height) }},
		{"list", func(m Model) Model { return m.Select("github/user") }},
		{"filter", func(m Model) Model { m, _ = press(m, "/"); return typeText(m, "us") }},
		{"broken", func(m Model) Model { return m.Select("github/broken") }},
		{"confirm", func(m Model) Model { m, _ = press(m.Select("github/user"), "x"); return m }},
		{"duplicate", func(m Model) Model { m, _ = press(m.Select("practice/oauth1"), "d"); return m }},
		{"reopened", func(m Model) Model { m, _ = press(m, "/"); m = typeText(m, "dig"); return m.Open("practice/oauth1") }},
		{"loading", func(m Model) Model { return newModel(m.width, m.height).SetLoading(true).AppendEntries(fixture()[:4]) }},
	}
	sizes := [][2]int{{40, 20}, {60, 30}, {120, 24}, {80, 24}, {100, 30}, {160, 45}}
	for _, st := range states {
		for _, sz := range sizes {
			name := fmt.Sprintf("%s-%dx%d", st.name, sz[0], sz[1])
			t.Run(name, func(t *testing.T) {
				got := golden(plain(st.build(loaded(sz[0], sz[1]))))
				gold.Assert(t, name, got)
			})
		}
	}
}

// golden drops trailing blanks (the focused input's cursor cell), which
// editors strip from files, and ends the text with a newline.
func golden(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// refMatch is the matching rule written plainly (match.go): every way of
// placing the query's runes in the text in order is tried, and one where
// each rune follows the previous match or starts a word is a match.
func refMatch(text, q string) bool {
	pat := compilePattern(q)
	rs := []rune(text)
	var try func(j, i int, prev int) bool
	try = func(j, i, prev int) bool {
		if j == len(pat) {
			return true
		}
		for k := i; k < len(rs); k++ {
			if foldRune(rs[k]) != pat[j] {
				continue
			}
			p := ' '
			if k > 0 {
				p = rs[k-1]
			}
			if (j > 0 && k == prev+1) || wordStart(p, rs[k]) || !alnum(pat[j]) {
				if try(j+1, k+1, k) {
					return true
				}
			}
		}
		return false
	}
	return try(0, 0, -2)
}

// TestFilterMatchesRule checks the fast filter against refMatch run over
// every "group/name description": the same entries match, whatever the
// path (pre-filter, narrowing, remembered results, chunks on several
// goroutines).
func TestFilterMatchesRule(t *testing.T) {
	es := bigFixture()
	odd := []profiles.Entry{
		entry("Kelvin/\u212Aey", "GET", "https://x.test/", "", "\u017Fecret ſtuff", 0),
		entry("ÜBER/größe", "GET", "https://x.test/", "", "Straße ΣΊΣΥΦΟΣ", 0),
		entry("CAPS/ALL-UPPER", "GET", "https://x.test/", "", "DESCRIPTION IN CAPS", 0),
		entry("camel/getUserToken", "GET", "https://x.test/", "", "", 0),
	}
	es = append(es, odd...)
	m := newModel(60, 40).SetEntries(es)
	want := func(q string) map[string]bool {
		set := map[string]bool{}
		for _, it := range m.items {
			if refMatch(it.search, q) {
				set[it.e.Name] = true
			}
		}
		return set
	}
	got := func(m Model) map[string]bool {
		set := map[string]bool{}
		for _, r := range m.rows {
			it := m.items[r.item]
			if set[it.e.Name] {
				t.Errorf("%q listed twice", it.e.Name)
			}
			set[it.e.Name] = true
			for _, o := range r.hl {
				if o < 0 || o >= len(it.search) {
					t.Errorf("%q: highlight offset %d outside %q", it.e.Name, o, it.search)
				}
			}
		}
		return set
	}
	m, _ = press(m, "/")
	for _, q := range []string{"e", "gi", "git", "gith", "github-prod/x", "GET", "kk", "k", "key", "secret stuff", "ü", "größe", "σίσυφος", "Σ", "caps", "all-upper", "zzz", "list users 0042", "0042", "gut", "gur", "ght"} {
		typed := typeText(m, q)
		if w, g := want(q), got(typed); !reflect.DeepEqual(g, w) {
			t.Errorf("typed %q: %d matches; the rule has %d", q, len(g), len(w))
		}
		back := typed
		for range len([]rune(q)) - 1 {
			back, _ = press(back, "backspace")
		}
		first := string([]rune(q)[:1])
		if w, g := want(first), got(back); !reflect.DeepEqual(g, w) {
			t.Errorf("%q erased to %q: %d matches; the rule has %d", q, first, len(g), len(w))
		}
		fresh := m.applyFilter(q)
		if !reflect.DeepEqual(fresh.rows, typed.rows) {
			t.Errorf("%q: rows typed differ from a fresh search", q)
		}
	}
}

// fuzzyTests are queries over the demo profiles' names and descriptions.
var fuzzyTests = []struct {
	query string
	text  string
	match bool
}{
	{"bearer", "demo/digest-auth-int Digest SHA-512-256 with qop=auth-int: the body is hashed too → 200", false},
	{"bearer", "demo/bearer-expired RFC 6750 Bearer with an expired token", true},
	{"bearer", "demo/github-bearer GitHub with a Bearer token → 200", true},
	{"dai", "demo/digest-auth-int", true},
	{"digauthint", "demo/digest-auth-int", true},
	{"gu", "github/user", true},
	{"ghu", "github/user", false}, // h is inside "github"
	{"gus", "github/user", true},
	{"user", "us-east/user", true}, // the first u leads nowhere; the second does
	{"gut", "camel/getUserToken", true},
	{"p10", "group01/profile010", false}, // 1 inside "010"
	{"p01", "group01/profile010", true},
	{"01", "group01/profile010", true},
	{"σίσυφος", "Straße ΣΊΣΥΦΟΣ", true},
	{"kelvin", "\u212Aelvin", true},
	{"s3l", "aws/s3-list", true},
	{"", "anything", true},
	{"zz", "", false},
}

func TestFuzzyRule(t *testing.T) {
	var mt matcher
	for _, tt := range fuzzyTests {
		_, pos, got := mt.match(tt.text, 0, compilePattern(tt.query))
		if got != tt.match {
			t.Errorf("match(%q, %q) = %v; want %v", tt.text, tt.query, got, tt.match)
		}
		if ref := refMatch(tt.text, tt.query); ref != tt.match {
			t.Errorf("refMatch(%q, %q) = %v; want %v", tt.text, tt.query, ref, tt.match)
		}
		if got && len(pos) != len(compilePattern(tt.query)) {
			t.Errorf("match(%q, %q) positions %v; want one per query rune", tt.text, tt.query, pos)
		}
	}
}

// TestFuzzyRanking: prefix and whole-word matches come first.
func TestFuzzyRanking(t *testing.T) {
	tests := []struct {
		query string
		names []string // in list order
		first string
	}{
		{"digest", []string{"a/digest-like-docs", "demo/digest", "demo/the-digest"}, "demo/digest"},
		{"bearer", []string{"demo/github-bearer", "demo/bearer-expired"}, "demo/bearer-expired"},
		{"us", []string{"aws/s3-list", "github/user"}, "github/user"},
		{"dw", []string{"demo/digest-wrong", "demo/aws-digest-wrong"}, "demo/digest-wrong"},
	}
	for _, tt := range tests {
		var es []profiles.Entry
		for _, n := range tt.names {
			es = append(es, entry(n, "GET", "https://x.test/", "", "", 0))
		}
		m, _ := press(newModel(60, 30).SetEntries(es), "/")
		m = typeText(m, tt.query)
		if got := selected(t, m); got != tt.first {
			t.Errorf("filter %q over %v selects %q; want %q", tt.query, tt.names, got, tt.first)
		}
	}
}

// TestFilterRanksNamesFirst: an entry whose name matches comes before one
// that matches only with its description.
func TestFilterRanksNamesFirst(t *testing.T) {
	m, _ := press(loaded(60, 30), "/")
	m = typeText(m, "hmac")
	if got := selected(t, m); got != "practice/oauth1" {
		t.Fatalf("hmac selects %q", got)
	}
	m = newModel(60, 30).SetEntries([]profiles.Entry{
		entry("a/zzz", "GET", "https://x.test/", "", "all about digest auth", 0),
		entry("practice/digest", "GET", "https://x.test/", "", "", 0),
	})
	m, _ = press(m, "/")
	m = typeText(m, "digest")
	if got := m.items[m.rows[0].item].e.Name; got != "practice/digest" || len(m.rows) != 2 {
		t.Errorf("digest: first of %d rows is %q; want practice/digest (name) before a/zzz (description)", len(m.rows), got)
	}
}

func TestLastText(t *testing.T) {
	m := loaded(60, 30)
	tests := []struct {
		name, want string
	}{
		{"github/user", "401 · 3 min ago · 87 ms"},
		{"health", "200 · 2 h ago · 1 ms"},
		{"practice/digest", "no response · on 2025-02-22 · 10.0 s"},
		{"status", "never sent"},
	}
	for _, tt := range tests {
		if got := ansi.Strip(m.lastText(tt.name)); got != tt.want {
			t.Errorf("lastText(%q) = %q; want %q", tt.name, got, tt.want)
		}
	}
	// MergeLast adds a send without changing the map SetLast was given.
	given := fixtureLast()
	m = m.SetLast(given).MergeLast(map[string]Last{"status": {Status: 418, Time: now.Add(-5 * time.Second), Duration: 3 * time.Millisecond}})
	if got := ansi.Strip(m.lastText("status")); got != "418 · 5 s ago · 3 ms" {
		t.Errorf("lastText(status) after MergeLast = %q", got)
	}
	if _, ok := given["status"]; ok || len(given) != 3 {
		t.Error("MergeLast changed the map given to SetLast")
	}
}

func TestWarningPreview(t *testing.T) {
	m := loaded(60, 30).Select("aws/s3-list")
	view := flat(m)
	for _, want := range []string{"! s3-list", "! readable by others (chmod 600 /home/ada", "s3-list.toml)", "GET https://s3.amazonaws.com/", "scheme aws-sigv4", "headers 1"} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, plain(m))
		}
	}
	// A warning does not stop anything: enter opens.
	_, cmd := press(m, "enter")
	if msg, ok := intent(t, cmd).(OpenMsg); !ok || msg.Entry.Name != "aws/s3-list" {
		t.Errorf("enter on an entry with a warning = %#v; want OpenMsg", msg)
	}
}

// TestStaleState: nothing of the last visit survives Open, and / starts a
// new filter (issue 15, item 15).
func TestStaleState(t *testing.T) {
	tests := []struct {
		name    string
		before  func(m Model) Model // what the user did on the last visit
		current string              // the profile open in the editor
		after   []string            // keys after Open
		filter  string              // Filter() at the end
		input   string              // the filter input's text at the end
		sel     string
		typing  bool
	}{
		{"filter kept with enter", func(m Model) Model { m, _ = press(m, "/"); m = typeText(m, "dig"); m, _ = press(m, "enter"); return m }, "github/user", nil, "", "", "github/user", false},
		{"filter being typed", func(m Model) Model { m, _ = press(m, "/"); return typeText(m, "oauth") }, "health", nil, "", "", "health", false},
		{"slash after reopen starts empty", func(m Model) Model { m, _ = press(m, "/"); m = typeText(m, "dig"); m, _ = press(m, "enter"); return m }, "", []string{"/"}, "", "", "health", true},
		{"slash replaces an applied filter", func(m Model) Model { return m }, "", []string{"/", "d", "i", "g", "enter", "/", "h", "e"}, "he", "he", "health", true},
		{"cursor on the open profile", func(m Model) Model { return m.Select("aws/s3-list") }, "practice/oauth1", nil, "", "", "practice/oauth1", false},
		{"open profile hidden by old filter", func(m Model) Model { m, _ = press(m, "/"); return typeText(m, "aws") }, "practice/digest", nil, "", "", "practice/digest", false},
		{"unknown current: first profile", func(m Model) Model { return m.Select("status") }, "gone/away", nil, "", "", "health", false},
		{"rename input ends", func(m Model) Model { m, _ = press(m.Select("health"), "r"); return typeText(m, "xx") }, "status", nil, "", "", "status", false},
		{"delete question ends", func(m Model) Model { m, _ = press(m.Select("health"), "x"); return m }, "health", []string{"y"}, "", "", "health", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.before(loaded(60, 30)).Open(tt.current)
			var cmd tea.Cmd
			for _, k := range tt.after {
				m, cmd = press(m, k)
			}
			noIntent(t, cmd, "after Open")
			if got := m.Filter(); got != tt.filter {
				t.Errorf("Filter() = %q; want %q", got, tt.filter)
			}
			if got := m.filter.Value(); got != tt.input {
				t.Errorf("filter input = %q; want %q", got, tt.input)
			}
			if got := selected(t, m); got != tt.sel {
				t.Errorf("selected = %q; want %q", got, tt.sel)
			}
			if m.Typing() != tt.typing {
				t.Errorf("Typing() = %v; want %v", m.Typing(), tt.typing)
			}
			if m.mode == modeConfirm || m.mode == modeName {
				t.Errorf("mode = %d after Open; want no question or name input", m.mode)
			}
		})
	}
}

// i asks for a file path; enter hands it to the parent as ImportMsg (no
// file is read here), an empty path is refused under the input, esc
// leaves without a message.
func TestImportAsksForAPath(t *testing.T) {
	m := loaded(60, 30)
	m, _ = press(m, "i")
	if !m.Typing() || !strings.Contains(m.View(), "import a file") {
		t.Fatalf("after i: typing=%v\n%s", m.Typing(), m.View())
	}
	m, cmd := press(m, "enter")
	if cmd != nil || !strings.Contains(m.View(), "type the path") {
		t.Fatalf("enter on an empty path: cmd=%v\n%s", cmd != nil, m.View())
	}
	for _, r := range "api/petstore.yaml" {
		m, _ = press(m, string(r))
	}
	m, cmd = press(m, "enter")
	if cmd == nil {
		t.Fatal("enter with a path: no message")
	}
	if msg, ok := cmd().(ImportMsg); !ok || msg.Path != "api/petstore.yaml" {
		t.Fatalf("enter with a path: %#v; want ImportMsg{api/petstore.yaml}", cmd())
	}
	if m.Typing() {
		t.Error("the input is still open after the import was asked for")
	}
	m, _ = press(m, "i")
	m, cmd = press(m, "esc")
	if m.Typing() || cmd != nil {
		t.Errorf("esc: typing=%v cmd=%v; want the input closed and nothing asked", m.Typing(), cmd != nil)
	}
}
