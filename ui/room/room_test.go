package room

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authlab/authlab/internal/golden"
	"github.com/authlab/authlab/learn"
	"github.com/authlab/authlab/practice"
)

func learnBuiltin() learn.Course { return learn.Builtin() }

var t0 = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

// ev is one event of a student at an endpoint.
func ev(student, addr, ep string, status int, verdict, mistake string, at int, values ...string) practice.Event {
	method, path, _ := strings.Cut(ep, " ")
	tr := practice.ServerTrace{Endpoint: path, Scheme: "oauth1", Verdict: verdict}
	for i := 0; i+1 < len(values); i += 2 {
		tr.Values = append(tr.Values, practice.TraceValue{Label: values[i], Value: values[i+1]})
	}
	return practice.Event{Time: t0.Add(time.Duration(at) * time.Second), Client: practice.Client{Key: addr, Addr: addr, Student: student},
		Method: method, Path: path, Status: status, Trace: tr, Mistake: mistake}
}

const verify = "GET /twitter/1.1/account/verify_credentials.json"

// class is a room of five students, some wrong.
func class() []practice.Event {
	return []practice.Event{
		ev("alice", "127.0.0.2", "GET /github/user", 200, "ok", "", 1),
		ev("alice", "127.0.0.2", verify, 401, "signature mismatch (code 32)", "token secret missing", 2,
			"oauth_consumer_key", "demo-consumer-key", "oauth_signature_method", "HMAC-SHA1", "received oauth_signature", "•••• (masked, 28 chars)"),
		ev("bob", "127.0.0.3", verify, 401, "signature mismatch (code 32)", "token secret missing", 3),
		ev("carol", "127.0.0.4", verify, 401, "timestamp out of bounds: -600 s from the server's clock, more than ±300 s (code 135)", "clock 10 min behind", 4),
		ev("dave", "127.0.0.5", "GET /digest", 401, "no credentials: no Authorization header, so here is the challenge", "", 5),
		ev("dave", "127.0.0.5", "GET /digest", 200, "ok", "", 6),
		ev("", "127.0.0.6", "GET /github/user", 401, "bad credentials: wrong password", "wrong password", 7),
		ev("erin\x1b[31m", "127.0.0.7", verify, 200, "ok", "", 8),
	}
}

func roomWith(w, h int, evs []practice.Event) Model {
	m := New(nil, "http://0.0.0.0:8089")
	mm, _ := m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	mm, _ = mm.Update(EventsMsg{Events: evs})
	return mm.(Model)
}

func press(m Model, keys ...string) Model {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		default:
			msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
		}
		mm, _ := m.Update(msg)
		m = mm.(Model)
	}
	return m
}

// Golden views at 80×24 and 120×40: the room, filtered on an endpoint,
// and one student's last trace.
func TestGoldenViews(t *testing.T) {
	for _, size := range []struct{ w, h int }{{80, 24}, {120, 40}} {
		for _, v := range []struct {
			name string
			keys []string
		}{
			{"room", nil},
			{"filtered", []string{"tab", "tab"}},
			{"trace", []string{"down", "enter"}},
		} {
			m := press(roomWith(size.w, size.h, class()), v.keys...)
			got := ansi.Strip(m.Render())
			name := v.name + "_" + strconv.Itoa(size.w) + "x" + strconv.Itoa(size.h)
			golden.Assert(t, name, got)
			lines := strings.Split(got, "\n")
			if len(lines) != size.h {
				t.Errorf("%s: %d lines; want %d", name, len(lines), size.h)
			}
			for i, l := range lines {
				if ansi.StringWidth(l) > size.w {
					t.Errorf("%s: line %d is %d cells wide; want ≤ %d: %q", name, i+1, ansi.StringWidth(l), size.w, l)
				}
			}
		}
	}
}

// The summary counts students, not requests, per mistake.
func TestMistakes(t *testing.T) {
	m := roomWith(80, 24, append(class(), ev("bob", "127.0.0.3", verify, 401, "signature mismatch (code 32)", "token secret missing", 9)))
	got := m.Mistakes()
	want := []MistakeCount{{"token secret missing", 2}, {"clock 10 min behind", 1}, {"wrong password", 1}}
	if len(got) != len(want) {
		t.Fatalf("Mistakes() = %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Mistakes()[%d] = %v; want %v", i, got[i], want[i])
		}
	}
	if s := m.summary(); s != "2 students: token secret missing · 1: clock 10 min behind · 1: wrong password" {
		t.Errorf("summary() = %q", s)
	}
	// a fix clears the mistake
	m = roomWith(80, 24, append(class(), ev("carol", "127.0.0.4", verify, 200, "ok", "", 10)))
	for _, c := range m.Mistakes() {
		if c.Mistake == "clock 10 min behind" {
			t.Errorf("Mistakes() still counts carol's fixed clock: %v", m.Mistakes())
		}
	}
}

// Hostile student names and verdicts reach the screen escaped.
func TestHostileText(t *testing.T) {
	m := roomWith(120, 40, []practice.Event{ev("x\x1b]8;;http://evil\x07y", "127.0.0.9", "GET /a\r", 401, "v\x1b[2J", "m\u202e", 1)})
	for _, view := range []string{m.Render(), press(m, "enter").Render()} {
		for _, bad := range []string{"\x1b]8", "\x1b[2J", "\r", "\u202e", "\x07"} {
			if strings.Contains(view, bad) {
				t.Errorf("view holds %q:\n%q", bad, view)
			}
		}
	}
}

// The feed never blocks the server: a full buffer drops and counts.
func TestFeedDrops(t *testing.T) {
	f := NewFeed(2)
	for range 5 {
		f.Observe(ev("a", "1", "GET /x", 200, "ok", "", 1))
	}
	msg := f.Wait()().(EventsMsg)
	if len(msg.Events) != 2 || msg.Dropped != 3 {
		t.Errorf("Wait() = %d events, %d dropped; want 2, 3", len(msg.Events), msg.Dropped)
	}
	f.Close()
	if _, ok := f.Wait()().(ClosedMsg); !ok {
		t.Errorf("Wait() after Close is not ClosedMsg")
	}
}

// Keys: the filter walks the endpoints and back to all; enter opens the
// selected student's trace, esc closes it; down moves the cursor.
func TestKeys(t *testing.T) {
	m := roomWith(80, 24, class())
	if got := press(m, "tab").filterEndpoint(); got != "GET /digest" {
		t.Errorf("after tab, filter = %q; want GET /digest", got)
	}
	if got := press(m, "tab", "tab", "tab", "tab").filterEndpoint(); got != "" {
		t.Errorf("after 4 tabs, filter = %q; want all", got)
	}
	o := press(m, "down", "enter")
	if !o.open || !strings.Contains(o.Render(), "alice (127.0.0.2) · "+verify) {
		t.Errorf("enter on alice: open=%v\n%s", o.open, ansi.Strip(o.Render()))
	}
	if press(o, "esc").open {
		t.Errorf("esc did not close the trace")
	}
}

// A request naming a lesson (practice.LessonHeader) is graded by the
// lesson's check from the server's verdict, as the student's authlab
// grades it: a row says how many of the student's lessons passed.
func TestRoomGradesLessons(t *testing.T) {
	lesson := func(e practice.Event, id string) practice.Event {
		e.Client.Lesson = id
		if e.Path == "/github/user" {
			e.Trace.Scheme = "basic"
		}
		return e
	}
	evs := []practice.Event{
		lesson(ev("alice", "127.0.0.2", "GET /github/user", 200, "ok", "", 1), "basic-ok"),
		lesson(ev("alice", "127.0.0.2", verify, 401, "signature mismatch (code 32)", "token secret missing", 2), "oauth1-32"),
		lesson(ev("bob", "127.0.0.3", verify, 200, "ok", "", 3), "oauth1-32"), // 200: not what the lesson asks
		lesson(ev("bob", "127.0.0.3", "GET /github/user", 401, "bad credentials: wrong password", "wrong password", 4), "basic-ok"),
		lesson(ev("carol", "127.0.0.4", "GET /github/user", 200, "ok", "", 5), "no-such-lesson"),
	}
	m := New(nil, "http://0.0.0.0:8089").WithCourses(learnBuiltin())
	mm, _ := m.Update(tea.WindowSizeMsg{Width: 140, Height: 30})
	mm, _ = mm.Update(EventsMsg{Events: evs})
	out := ansi.Strip(mm.(Model).View().Content)
	rows := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		for _, who := range []string{"alice", "bob", "carol"} {
			if strings.Contains(l, who+" (") {
				rows[who] = l
			}
		}
	}
	for who, want := range map[string]string{"alice": "lessons 2✓ 0…", "bob": "lessons 0✓ 2…"} {
		if !strings.Contains(rows[who], want) {
			t.Errorf("%s's row = %q; want %q", who, rows[who], want)
		}
	}
	if strings.Contains(rows["carol"], "lessons") {
		t.Errorf("an unknown lesson id was graded: %q", rows["carol"])
	}
}
