package traceview

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	gold "github.com/authlab/authlab/internal/golden"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

var sizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"100x30", 100, 30}, {"160x45", 160, 45}}

func newView(w, h int) Model {
	return New(theme.New(true, true), DefaultKeyMap()).SetSize(w, h)
}

func press(t *testing.T, m Model, keys ...string) (Model, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "pgdown":
			msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
		default:
			msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
		}
		m, cmd = m.Update(msg)
	}
	return m, cmd
}

// traceText returns the text of the first client trace value labelled
// label, as the trace holds it (unmasked).
func traceText(t *testing.T, res *authn.Result, label string) string {
	t.Helper()
	for _, s := range res.Trace.Steps {
		for _, v := range s.Values {
			if v.Label == label {
				return v.Text
			}
		}
	}
	t.Fatalf("the trace has no value %q", label)
	return ""
}

// Every value a student compares is on screen whole: hard-wrapped at the
// pane width, every row but a line's last filling the row exactly, the
// continuation marked in the gutter, and the rows read back (joined)
// giving the value, no character dropped and no "…" added.
func TestValuesWhole(t *testing.T) {
	twitter := twitterExample(t)
	jwt := practiceSend(t, "GET", "/jwt", "jwt", map[string]string{"claims": `{"sub":"demo","scope":"read"}`, "alg": "HS256", "secret": practice.DemoJWTSecret})
	digest := practiceSend(t, "GET", "/digest", "digest", map[string]string{"username": practice.DemoUser, "password": practice.DemoPassword})
	tests := []struct {
		name   string
		res    *authn.Result
		reveal bool
		label  string
		want   string
	}{
		// the published Twitter example (authn's oauth1 vectors)
		{"twitter base string", twitter, false, "signature base string", twitterBaseString},
		{"twitter signing key", twitter, true, "signing key", twitterSigningKey},
		{"twitter signature", twitter, false, "oauth_signature", twitterSignature},
		{"jwt signing input", jwt, false, "signing input", traceText(t, jwt, "signing input")},
		{"jwt claims segment", jwt, false, "claims segment", traceText(t, jwt, "claims segment")},
		{"digest challenge", digest, false, "WWW-Authenticate", traceText(t, digest, "WWW-Authenticate")},
		{"digest response data", digest, true, "response data", traceText(t, digest, "response data")},
		{"digest HA2", digest, false, "HA2", traceText(t, digest, "HA2")},
	}
	for _, tt := range tests {
		for _, w := range []int{80, 100, 160} {
			m := newView(w, 30).SetResult(tt.res, tt.reveal)
			i := find(t, m, tt.label)
			if got := onScreen(t, m, i); got != tt.want {
				t.Errorf("%s at %d: on screen %q; want %q", tt.name, w, got, tt.want)
			}
			v := m.doc.values[i]
			for j := v.start; j < v.end; j++ {
				line := ansi.Strip(m.doc.lines[j])
				if lw := ansi.StringWidth(line); lw > w {
					t.Errorf("%s at %d: row %q is %d cells", tt.name, w, line, lw)
				}
				next := j + 1
				if next < v.end && strings.HasSuffix(ansi.Cut(ansi.Strip(m.doc.lines[next]), v.col-gutterW, v.col), contMark) {
					if lw := ansi.StringWidth(line); lw != w {
						t.Errorf("%s at %d: row %q is %d cells and continues below; want it to fill the row (%d)", tt.name, w, line, lw, w)
					}
				}
				if strings.Contains(line, "…") && !strings.Contains(tt.want, "…") {
					t.Errorf("%s at %d: row %q has an ellipsis", tt.name, w, line)
				}
			}
			// the view shows the document's own lines: focus the value
			// and find its rows on screen
			for m.focus != i {
				m, _ = press(t, m, "j")
			}
			screen := strings.Split(m.View(), "\n")
			if len(screen) != 30 {
				t.Errorf("%s at %d: View() has %d lines; want 30", tt.name, w, len(screen))
			}
			for j := v.start; j < v.end && j-m.y < len(screen)-1; j++ {
				if j < m.y || screen[j-m.y] != m.doc.lines[j] {
					t.Errorf("%s at %d: row %d of the focused value is not on screen (first line %d)", tt.name, w, j, m.y)
					break
				}
			}
		}
	}
}

// j/k move the focus between values and keep it in view; c copies the
// focused value with tea.SetClipboard (OSC 52), as shown: a secret as its
// mask unless revealed; the status line names what was copied and the
// value stays on screen.
func TestFocusCopy(t *testing.T) {
	res := twitterExample(t)
	tests := []struct {
		label  string
		reveal bool
		want   string
		status string
	}{
		{"signature base string", false, twitterBaseString, "✓ copied signature base string (" + fmt.Sprint(len(twitterBaseString)) + " characters)"},
		{"signing key (secret)", false, "••••••••&••••••••", "copied signing key (secret) as its mask"},
		{"signing key", true, twitterSigningKey, "✓ copied signing key"},
	}
	for _, tt := range tests {
		m := newView(80, 24).SetResult(res, tt.reveal)
		i := find(t, m, tt.label)
		for n := 0; m.focus != i; n++ {
			if n > len(m.doc.values) {
				t.Fatalf("j never reached %q", tt.label)
			}
			m, _ = press(t, m, "j")
			if !m.visible(m.focus) {
				t.Errorf("after j the focused value %q is out of view (lines %d–%d, view from %d)", m.doc.values[m.focus].label, m.doc.values[m.focus].start, m.doc.values[m.focus].end, m.y)
			}
		}
		m, cmd := press(t, m, "c")
		if cmd == nil {
			t.Fatalf("c on %q returned no command", tt.label)
		}
		msg := cmd()
		if !strings.Contains(fmt.Sprintf("%T", msg), "Clipboard") {
			t.Errorf("c gave %T; want tea.SetClipboard's message (OSC 52)", msg)
		}
		if got := fmt.Sprint(msg); got != tt.want {
			t.Errorf("c on %q (reveal %v) copies %q; want %q", tt.label, tt.reveal, got, tt.want)
		}
		if !tt.reveal && strings.Contains(fmt.Sprint(msg), twitterConsumerSec) {
			t.Errorf("c copies the consumer secret while masked")
		}
		view := ansi.Strip(m.View())
		lines := strings.Split(view, "\n")
		if st := lines[len(lines)-1]; !strings.Contains(st, tt.status) {
			t.Errorf("status after c = %q; want it to contain %q", st, tt.status)
		}
		if first := m.doc.values[i]; !strings.Contains(view, focusMark) || !strings.Contains(view, ansi.Strip(m.doc.lines[first.start])) {
			t.Errorf("after c the copied value is no longer on screen:\n%s", view)
		}
		// k goes back
		if m2, _ := press(t, m, "k"); i > 0 && m2.focus != i-1 {
			t.Errorf("k from value %d focuses %d; want %d", i, m2.focus, i-1)
		}
	}
}

// Scrolling a focused value out of view hands the focus to one in view,
// so c copies what the user sees.
func TestScrollKeepsFocusInView(t *testing.T) {
	m := newView(80, 24).SetResult(twitterExample(t), false)
	for range 6 {
		m, _ = press(t, m, "pgdown")
		if len(m.doc.values) > 0 && !m.visible(m.focus) {
			t.Fatalf("after pgdown (first line %d) the focused value %d (lines %d–%d) is out of view", m.y, m.focus, m.doc.values[m.focus].start, m.doc.values[m.focus].end)
		}
	}
	if m.y == 0 {
		t.Error("pgdown did not scroll")
	}
	m, _ = press(t, m, "g")
	if m.y != 0 || !m.visible(m.focus) {
		t.Errorf("g: first line %d, focus %d visible %v; want the top with the focus in view", m.y, m.focus, m.visible(m.focus))
	}
}

// n/p walk one step at a time, past either end back to the whole trace;
// a returns to it; a step's values are whole too.
func TestStepMode(t *testing.T) {
	res := twitterExample(t)
	n := len(res.Trace.Steps)
	m := newView(80, 24).SetResult(res, false)
	seq := []struct {
		key  string
		want int
	}{{"n", 1}, {"n", 2}, {"p", 1}, {"p", 0}, {"p", n}, {"n", 0}, {"n", 1}, {"a", 0}}
	for _, s := range seq {
		m, _ = press(t, m, s.key)
		if m.Step() != s.want {
			t.Fatalf("after %s Step() = %d; want %d", s.key, m.Step(), s.want)
		}
		v := ansi.Strip(m.View())
		if s.want > 0 {
			want := fmt.Sprintf("step %d of %d", s.want, n)
			if !strings.Contains(v, want) {
				t.Errorf("step %d view lacks %q:\n%s", s.want, want, v)
			}
			title := res.Trace.Steps[s.want-1].Title
			if !strings.Contains(strings.Join(strings.Fields(v), " "), strings.Join(strings.Fields(title), " ")) {
				t.Errorf("step %d view lacks its title %q:\n%s", s.want, title, v)
			}
		}
	}
	// the step with the base string shows it whole
	for m.Step() == 0 || !hasValue(m, "signature base string") {
		m, _ = press(t, m, "n")
		if m.Step() == 0 {
			t.Fatal("no step shows the signature base string")
		}
	}
	if got := onScreen(t, m, find(t, m, "signature base string")); got != twitterBaseString {
		t.Errorf("step mode: base string on screen %q; want %q", got, twitterBaseString)
	}
}

func hasValue(m Model, label string) bool {
	for _, v := range m.doc.values {
		if v.label == label {
			return true
		}
	}
	return false
}

// The comparison block (issue #15 item 14) says what was compared: a
// tick only when paired values agree, never for a failed login, a send
// with no practice-server trace or one that got no answer; each server
// column is named by what the value is.
func TestComparisonSummary(t *testing.T) {
	unreachable := func(t *testing.T) *authn.Result {
		eng := authn.New(authn.Options{})
		t.Cleanup(eng.Close)
		srvURL := closedURL(t)
		res, _ := eng.Exchange(t.Context(), authn.Request{Method: "GET", URL: srvURL, Scheme: "basic", Fields: map[string]string{"username": "demo", "password": "x"}})
		if res == nil {
			t.Fatal("no result for an unreachable server")
		}
		return res
	}
	tests := []struct {
		name    string
		res     func(t *testing.T) *authn.Result
		want    []string
		notWant []string
	}{
		{"basic", func(t *testing.T) *authn.Result {
			return practiceSend(t, "GET", "/github/user", "basic", map[string]string{"username": practice.DemoUser, "password": practice.DemoPassword})
		}, []string{"Client vs practice server"}, []string{"✓"}},
		{"oauth1 wrong token secret", func(t *testing.T) *authn.Result { return twitterVerify(t, "wrong-token-secret") },
			[]string{"✗ first difference", "server received demo-consumer-key", "server expects GET&http%3A%2F%2Fpractice.test"}, []string{"✓"}},
		{"oauth1 accepted", func(t *testing.T) *authn.Result { return twitterVerify(t, practice.DemoTokenSecret) },
			[]string{"✓ the practice server accepted the request", "server received", "server expects"}, nil},
		{"not the practice server", twitterExample, []string{"nothing compared: the response carries no practice-server trace"}, []string{"✓", "Client vs practice server"}},
		{"no response", unreachable, []string{"nothing compared: no response came back"}, []string{"✓"}},
		{"nothing sent", func(t *testing.T) *authn.Result { return &authn.Result{} }, []string{"nothing compared: no request was sent"}, []string{"✓"}},
	}
	for _, tt := range tests {
		m := newView(100, 500).SetResult(tt.res(t), false)
		got := ansi.Strip(m.Content())
		flat := strings.Join(strings.Fields(got), " ")
		// only the comparison block: the steps' own text may hold a ✓
		if i := strings.Index(flat, " 1. "); i >= 0 {
			flat = flat[:i]
		}
		for _, w := range tt.want {
			if !strings.Contains(flat, w) {
				t.Errorf("%s: the comparison\n%s\nlacks %q", tt.name, flat, w)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(flat, w) {
				t.Errorf("%s: the comparison\n%s\nhas %q", tt.name, flat, w)
			}
		}
	}
}

// Server text reaches the screen sanitized: a hostile practice-server
// trace header cannot write escape sequences to the terminal.
func TestServerTextSanitized(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(practice.TraceHeader, practice.EncodeTrace(practice.ServerTrace{
			Verdict: "ok\x1b]52;c;aGk=\x07",
			Values: []practice.TraceValue{
				{Label: "username\x1b[2J", Value: "demo\x1b]8;;http://evil/\x1b\\"},
				{Label: "password length", Value: "13\r\u202e"},
			},
		}))
		w.WriteHeader(http.StatusOK)
	})
	res := exchange(t, h, false, authn.Request{Method: "GET", URL: "http://" + practiceHost + "/", Scheme: "basic", Fields: map[string]string{"username": "demo", "password": "p"}})
	m := newView(100, 60).SetResult(res, false)
	for _, l := range m.doc.lines {
		if s := ansi.Strip(l); strings.ContainsAny(s, "\x1b\x07\r\u202e") {
			t.Errorf("line %q holds a control character", s)
		}
	}
	if got := ansi.Strip(m.Content()); !strings.Contains(got, `demo\x1b]8;;http://evil/\x1b\`) {
		t.Errorf("the hostile value is not shown escaped:\n%s", got)
	}
}

// The view is exactly h lines, none wider than w.
func TestViewFits(t *testing.T) {
	res := twitterVerify(t, "wrong-token-secret")
	for _, sz := range sizes {
		m := newView(sz.w, sz.h).SetResult(res, false)
		for _, keys := range [][]string{nil, {"pgdown"}, {"n"}, {"j", "j", "j", "c"}} {
			m, _ := press(t, m, keys...)
			lines := strings.Split(m.View(), "\n")
			if len(lines) != sz.h {
				t.Errorf("%s after %q: %d lines; want %d", sz.name, keys, len(lines), sz.h)
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > sz.w {
					t.Errorf("%s after %q: line %q is %d cells", sz.name, keys, ansi.Strip(l), w)
				}
			}
		}
	}
}

// Golden views of a failed OAuth 1.0a login against the practice server:
// the comparison first, then the steps; and the same with the base string
// focused.
func TestGolden(t *testing.T) {
	res := twitterVerify(t, "wrong-token-secret")
	for _, sz := range sizes {
		m := newView(sz.w, sz.h).SetResult(res, false)
		gold.Assert(t, "oauth1-wrong-"+sz.name, ansi.Strip(m.View()))
		for m.focus != find(t, m, "signature base string") {
			m, _ = press(t, m, "j")
		}
		m, _ = press(t, m, "c")
		gold.Assert(t, "oauth1-wrong-focused-"+sz.name, ansi.Strip(m.View()))
		m, _ = press(t, m, "n")
		gold.Assert(t, "oauth1-wrong-step1-"+sz.name, ansi.Strip(m.View()))
	}
}

// A failed login opens with its first difference in view: the summary,
// then the differing row, focused, on the first screen at 80×24.
func TestFirstDifferenceFirst(t *testing.T) {
	m := newView(80, 24).SetResult(twitterVerify(t, "wrong-token-secret"), false)
	label, _, ok := m.Focused()
	if want := "client oauth_signature"; !ok || label != want {
		t.Errorf("focused value = %q; want %q", label, want)
	}
	v := ansi.Strip(m.View())
	for _, want := range []string{"✗ first difference: token secret", "▸ oauth_signature", "server expects"} {
		if !strings.Contains(v, want) {
			t.Errorf("the first screen lacks %q:\n%s", want, v)
		}
	}
}
