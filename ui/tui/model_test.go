package tui

import (
	"context"
	"fmt"
	gold "github.com/authlab/authlab/internal/golden"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
	"github.com/charmbracelet/x/ansi"
)

func golden(t *testing.T, name, got string) {
	t.Helper()
	gold.Assert(t, name, got)
}

var fixedNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// routeTo returns a transport that sends every request, whatever its host,
// to the loopback server srv: URLs in traces stay fixed while the bytes go
// to a real server.
func routeTo(srv *httptest.Server) http.RoundTripper {
	addr := srv.Listener.Addr().String()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.ServerName = "example.com" // httptest's certificate names it
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return tr
}

func twitterServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Date", fixedNow.Format(http.TimeFormat))
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"errors":[{"code":215,"message":"Bad Authentication data."}]}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newModel(t *testing.T, p profiles.Profile, eng *authn.Engine, noColor bool) Model {
	t.Helper()
	if eng == nil {
		eng = authn.New(authn.Options{})
	}
	t.Cleanup(eng.Close)
	return New(Options{
		Prefill:  p,
		Engine:   eng,
		Resolver: profiles.Resolver{LookupEnv: func(string) (string, bool) { return "", false }, ReadFile: os.ReadFile},
		NoColor:  noColor,
		Now:      func() time.Time { return fixedNow },
	})
}

func step(t *testing.T, m Model, msgs ...tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	for _, msg := range msgs {
		var tm tea.Model
		tm, cmd = m.Update(msg)
		m = tm.(Model)
	}
	return m, cmd
}

func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+n":
		return tea.KeyPressMsg{Code: 'n', Mod: tea.ModCtrl}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

func typeText(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

func size(w, h int) tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} }

// runSend executes the commands returned by a send and returns the
// resultMsg (the spinner tick is skipped).
func runSend(t *testing.T, cmd tea.Cmd) resultMsg {
	t.Helper()
	if cmd == nil {
		t.Fatal("send returned no command")
	}
	msg := cmd()
	batch, ok := msg.(tea.BatchMsg)
	if !ok {
		batch = tea.BatchMsg{func() tea.Msg { return msg }}
	}
	for _, c := range batch {
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		select {
		case m := <-done:
			if r, ok := m.(resultMsg); ok {
				return r
			}
		case <-time.After(10 * time.Second):
			t.Fatal("send command did not finish")
		}
	}
	t.Fatal("no resultMsg from the send command")
	return resultMsg{}
}

func view(m Model) string { return ansi.Strip(m.View().Content) }

// stable fixes the timing of a result so golden views do not depend on the
// machine.
func stable(r resultMsg) resultMsg {
	if r.res != nil {
		r.res.Total = 87 * time.Millisecond
		for i := range r.res.Exchanges {
			r.res.Exchanges[i].Timing = authn.Timing{Connect: 300 * time.Microsecond, FirstByte: 2 * time.Millisecond, Total: 3 * time.Millisecond, Remote: "127.0.0.1:443"}
		}
	}
	return r
}

var sizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"100x30", 100, 30}, {"160x45", 160, 45}}

func TestGoldenEmptyEditor(t *testing.T) {
	for _, sz := range sizes {
		m, _ := step(t, newModel(t, profiles.Profile{}, nil, false), size(sz.w, sz.h))
		golden(t, "empty-"+sz.name, view(m))
	}
}

var oauthPrefill = profiles.Profile{
	Method: "POST",
	URL:    "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
	Body:   "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21",
	Scheme: "oauth1",
	Fields: map[string]string{
		"consumer_key":    "xvz1evFS4wEEPTGEFPHBog",
		"consumer_secret": "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
		"token":           "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
		"token_secret":    "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
		"nonce":           "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
		"timestamp":       "1318622958",
	},
}

func TestGoldenOAuth1Form(t *testing.T) {
	for _, sz := range sizes {
		m := newModel(t, oauthPrefill, nil, false)
		m, _ = step(t, m, size(sz.w, sz.h))
		// focus the scheme picker, then the first credential field
		for range 6 {
			m, _ = step(t, m, keyMsg("tab"))
		}
		v := view(m)
		if strings.Contains(v, "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw") {
			t.Errorf("%s: the consumer secret is visible in the form", sz.name)
		}
		golden(t, "oauth1-form-"+sz.name, v)
	}
}

func TestGoldenInFlight(t *testing.T) {
	for _, sz := range sizes {
		m := newModel(t, profiles.Profile{URL: "http://127.0.0.1:9/slow"}, nil, false)
		m, cmd := step(t, m, size(sz.w, sz.h), keyMsg("ctrl+r"))
		if !m.snd.Busy() || cmd == nil {
			t.Fatalf("ctrl+r did not start a request")
		}
		golden(t, "inflight-"+sz.name, view(m))
		m.snd.cancel()
	}
}

func twitterResult(t *testing.T, sz struct {
	name string
	w, h int
}, noColor bool) Model {
	t.Helper()
	srv := twitterServer(t)
	eng := authn.New(authn.Options{Transport: routeTo(srv), Now: func() time.Time { return fixedNow }})
	p := oauthPrefill
	p.Method, p.Body = "GET", ""
	p.URL = "https://api.twitter.com/1.1/account/verify_credentials.json"
	m := newModel(t, p, eng, noColor)
	m, cmd := step(t, m, size(sz.w, sz.h), keyMsg("ctrl+r"))
	r := stable(runSend(t, cmd))
	m, _ = step(t, m, r)
	return m
}

func TestGoldenTwitter215(t *testing.T) {
	for _, sz := range sizes {
		m := twitterResult(t, sz, false)
		v := view(m)
		for _, want := range []string{"400 Bad Request", "Twitter code 215 · Bad Authentication data."} {
			if !strings.Contains(v, want) {
				t.Errorf("%s: view lacks %q", sz.name, want)
			}
		}
		golden(t, "twitter215-"+sz.name, v)
	}
}

func TestGoldenTraceTab(t *testing.T) {
	for _, sz := range sizes {
		m := twitterResult(t, sz, false)
		if m.focus != focusResult {
			m, _ = step(t, m, keyMsg("shift+tab")) // wrap around to the result pane
		}
		m, _ = step(t, m, keyMsg("4"))
		v := view(m)
		if m.rp.tab != tabTrace {
			t.Fatalf("tab = %d; want the trace tab", m.rp.tab)
		}
		if strings.Contains(v, "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw") {
			t.Errorf("%s: trace shows the consumer secret", sz.name)
		}
		golden(t, "trace-"+sz.name, v)
	}
}

// TestGoldenResultTabs: every tab of a demo result (Twitter's code 215
// to an unsigned request) at each supported size; no line wider than the
// terminal, no consumer secret on screen.
func TestGoldenResultTabs(t *testing.T) {
	for _, sz := range sizes {
		m := twitterResult(t, sz, false)
		for i, name := range tabNames {
			m, _ = step(t, m, keyMsg(fmt.Sprint(i+1)))
			if m.rp.tab != i {
				t.Fatalf("%s: key %d shows tab %d", sz.name, i+1, m.rp.tab)
			}
			v := view(m)
			for n, l := range strings.Split(v, "\n") {
				if w := ansi.StringWidth(l); w > sz.w {
					t.Errorf("%s %s: line %d is %d cells wide", sz.name, name, n, w)
				}
			}
			if strings.Contains(v, "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw") {
				t.Errorf("%s %s: the consumer secret is on screen", sz.name, name)
			}
			golden(t, fmt.Sprintf("tab%d-%s-%s", i+1, strings.ToLower(name), sz.name), v)
		}
	}
}

func TestGoldenNoColor(t *testing.T) {
	sz := sizes[0]
	m := twitterResult(t, sz, true)
	if c := colourSGR(m.View().Content); c != "" {
		t.Errorf("NO_COLOR view has colour sequence %q", c)
	}
	v := view(m)
	if !strings.Contains(v, "client error") {
		t.Errorf("NO_COLOR view does not name the status class in words:\n%s", v)
	}
	golden(t, "nocolor-"+sz.name, v)
}

func TestGoldenTooSmall(t *testing.T) {
	m, _ := step(t, newModel(t, profiles.Profile{}, nil, false), size(50, 15))
	v := view(m)
	if !strings.Contains(v, "terminal too small") {
		t.Errorf("50×15 view lacks the notice:\n%s", v)
	}
	golden(t, "toosmall", v)
	// growing the window brings the UI back
	m, _ = step(t, m, size(80, 24))
	if strings.Contains(view(m), "too small") {
		t.Error("the notice stays after the window grew")
	}
}

var sgrSeq = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// colourSGR returns the first SGR sequence in s that sets a colour
// (30–38, 40–48, 90–97, 100–107), or "".
func colourSGR(s string) string {
	for _, m := range sgrSeq.FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, _ := strconv.Atoi(p)
			if n >= 30 && n <= 38 || n >= 40 && n <= 48 || n >= 90 && n <= 97 || n >= 100 && n <= 107 {
				return m[0]
			}
			if n == 38 || n == 48 {
				return m[0]
			}
		}
	}
	return ""
}
