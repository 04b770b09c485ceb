package tui

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/internal/uitest"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/sanitize/sanitizetest"
	"github.com/charmbracelet/x/ansi"
)

func noticeDevice() authn.Notice {
	return authn.Notice{Title: "Enter the code on the verification page", Code: "WDJB-MJHT",
		URL: "https://auth.example.com/device", Detail: "polling every 5 s", Deadline: fixedNow.Add(5 * time.Minute)}
}

// noticeInFlight returns a model whose send is in flight (to a port nothing
// listens on; the command is never run).
func noticeInFlight(t *testing.T, w, h int) Model {
	t.Helper()
	m := newModel(t, profiles.Profile{URL: "http://127.0.0.1:9/device"}, nil, false)
	m, cmd := step(t, m, size(w, h), keyMsg("ctrl+r"))
	if !m.snd.Busy() || cmd == nil {
		t.Fatal("ctrl+r did not start a request")
	}
	t.Cleanup(m.snd.cancel)
	t.Cleanup(func() { close(m.snd.feed.done) }) // ends the waits a test started
	return m
}

// noticeCmds lists the commands in cmd: the commands of a batch, or cmd
// itself when running it does not promptly yield a batch (a wait for the
// next notice blocks until the send ends).
func noticeCmds(cmd tea.Cmd) []tea.Cmd {
	if cmd == nil {
		return nil
	}
	got := make(chan tea.Msg, 1)
	go func() { got <- cmd() }()
	select {
	case msg := <-got:
		if b, ok := msg.(tea.BatchMsg); ok {
			return b
		}
	case <-time.After(100 * time.Millisecond):
	}
	return []tea.Cmd{cmd}
}

// TestNoticeUpdate: a notice shows the box with the countdown, ticks move
// it, Done removes it and stops the tick, notices of an old send are
// ignored, and the result removes the box.
func TestNoticeUpdate(t *testing.T) {
	m := noticeInFlight(t, 80, 24)
	if m.focus != focusResult {
		t.Fatal("precondition: after ctrl+r the result pane has focus (issue 15 item 5)")
	}
	m, cmd := step(t, m, noticeMsg{seq: m.snd.seq, n: noticeDevice(), feed: m.snd.feed})
	v := view(m)
	for _, want := range []string{"Enter the code on the verification page", "W D J B - M J H T", "https://auth.example.com/device", "expires in 5:00", "polling every 5 s", "esc cancels"} {
		if !strings.Contains(v, want) {
			t.Errorf("view with a notice lacks %q:\n%s", want, v)
		}
	}
	if m.focus != focusResult {
		t.Error("narrow layout: the notice did not bring the result pane forward")
	}
	if got := len(noticeCmds(cmd)); got != 2 {
		t.Errorf("a first notice returned %d commands; want 2 (wait for the next, start the tick)", got)
	}
	// a second notice does not start a second tick
	n2 := noticeDevice()
	n2.Detail = "slow_down: polling every 10 s"
	m, cmd = step(t, m, noticeMsg{seq: m.snd.seq, n: n2, feed: m.snd.feed})
	if got := len(noticeCmds(cmd)); got != 1 {
		t.Errorf("a second notice returned %d commands; want only the wait", got)
	}
	if v := view(m); !strings.Contains(v, "slow_down: polling every 10 s") {
		t.Errorf("the newer notice's detail is not shown:\n%s", v)
	}
	m, cmd = step(t, m, noticeTickMsg{seq: m.snd.seq, at: fixedNow.Add(time.Second)})
	if v := view(m); !strings.Contains(v, "expires in 4:59") {
		t.Errorf("after a tick the countdown does not read 4:59:\n%s", v)
	}
	if cmd == nil {
		t.Error("the tick did not schedule the next one while the notice is shown")
	}
	m, _ = step(t, m, noticeTickMsg{seq: m.snd.seq, at: fixedNow.Add(5*time.Minute + time.Second)})
	if v := view(m); !strings.Contains(v, "expired") {
		t.Errorf("past the deadline the box does not say expired:\n%s", v)
	}
	// a notice of an earlier send is dropped and not listened to again
	m, cmd = step(t, m, noticeMsg{seq: m.snd.seq - 1, n: authn.Notice{Title: "stale", Code: "OLD0-0000"}, feed: m.snd.feed})
	if cmd != nil || strings.Contains(view(m), "O L D") {
		t.Error("a notice of an earlier send was shown or re-armed")
	}
	m, _ = step(t, m, noticeMsg{seq: m.snd.seq, n: authn.Notice{Done: true}, feed: m.snd.feed})
	if strings.Contains(view(m), "W D J B") {
		t.Errorf("Done did not remove the notice:\n%s", view(m))
	}
	m, cmd = step(t, m, noticeTickMsg{seq: m.snd.seq, at: fixedNow.Add(2 * time.Second)})
	if cmd != nil || m.tickSeq != 0 {
		t.Errorf("the tick goes on without a notice (cmd %v, tickSeq %d)", cmd != nil, m.tickSeq)
	}
	// a new notice starts the tick again; the result removes the box
	m, cmd = step(t, m, noticeMsg{seq: m.snd.seq, n: noticeDevice(), feed: m.snd.feed})
	if got := len(noticeCmds(cmd)); got != 2 {
		t.Errorf("a notice after Done returned %d commands; want 2", got)
	}
	res := uitest.Digest()
	m, _ = step(t, m, resultMsg{seq: m.snd.seq, res: res, docs: prepareDocs(res, false)})
	if v := view(m); strings.Contains(v, "W D J B") || !strings.Contains(v, "200 OK") {
		t.Errorf("the result did not replace the notice:\n%s", v)
	}
	m, _ = step(t, m, noticeMsg{seq: m.snd.seq, n: noticeDevice(), feed: m.snd.feed})
	if strings.Contains(view(m), "W D J B") {
		t.Error("a notice arriving after the result was shown")
	}
}

// TestNoticeEscCancels: esc still cancels while a notice is shown, and the
// box goes with the request.
func TestNoticeEscCancels(t *testing.T) {
	m := noticeInFlight(t, 120, 40)
	m, _ = step(t, m, noticeMsg{seq: m.snd.seq, n: noticeDevice(), feed: m.snd.feed})
	m, _ = step(t, m, keyMsg("esc"))
	if m.snd.Busy() || m.rp.state != paneCancelled {
		t.Fatalf("esc: inflight=%v state=%v; want cancelled", m.snd.Busy(), m.rp.state)
	}
	if v := view(m); strings.Contains(v, "W D J B") || !strings.Contains(v, "cancelled") {
		t.Errorf("after esc the notice stays or cancelled is missing:\n%s", v)
	}
	if _, cmd := step(t, m, noticeTickMsg{seq: m.snd.seq, at: fixedNow.Add(time.Second)}); cmd != nil {
		t.Error("the countdown keeps ticking after esc")
	}
}

func TestNoticeGolden(t *testing.T) {
	for _, sz := range sizes {
		m := noticeInFlight(t, sz.w, sz.h)
		m, _ = step(t, m, noticeMsg{seq: m.snd.seq, n: noticeDevice(), feed: m.snd.feed})
		m, _ = step(t, m, noticeTickMsg{seq: m.snd.seq, at: fixedNow.Add(time.Second)})
		golden(t, "notice-"+sz.name, view(m))
	}
}

// TestNoticeSanitized: the code, URL and detail come from a server.
func TestNoticeSanitized(t *testing.T) {
	m := noticeInFlight(t, 120, 40)
	n := authn.Notice{Title: "Open\x1b]0;pwned\x07", Code: "AB\rCD", URL: "https://evil.example/\x1b]8;;https://bank\x07bank", Detail: "\u202eevil"}
	m, _ = step(t, m, noticeMsg{seq: m.snd.seq, n: n, feed: m.snd.feed})
	raw := m.View().Content
	if strings.Contains(ansi.Strip(raw), "\x1b") || strings.ContainsAny(raw, "\x07\r\u202e") || strings.Contains(raw, "]8;;") && !strings.Contains(ansi.Strip(raw), `\x1b]8;;`) {
		t.Errorf("server text reached the screen unsanitized: %q", raw)
	}
	if !strings.Contains(ansi.Strip(raw), `\x1b]0;pwned\x07`) {
		t.Errorf("the escaped title is not shown:\n%s", ansi.Strip(raw))
	}
}

// TestNoticeRealSend runs a real send against a loopback server that holds
// the request until the test has seen the notice on the model: the notice
// goes through the same feed whose notify the send command installs as
// Request.Notify (called here, as the engine would, while the exchange is
// under way), the waiting command delivers it, and once the send returns
// the waiting command ends with it.
func TestNoticeRealSend(t *testing.T) {
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "approved")
	}))
	defer srv.Close()
	m, _ := step(t, newModel(t, profiles.Profile{URL: srv.URL + "/device"}, nil, false), size(80, 24))
	m, cmd := step(t, m, keyMsg("ctrl+r"))
	cmds := noticeCmds(cmd)
	if len(cmds) != 3 {
		t.Fatalf("ctrl+r returned %d commands; want send, spinner and the notice wait", len(cmds))
	}
	results := make(chan tea.Msg, 1)
	go func() { results <- cmds[0]() }()
	notices := make(chan tea.Msg, 1)
	go func() { notices <- cmds[2]() }()
	select {
	case <-arrived:
	case <-time.After(5 * time.Second):
		t.Fatal("the request did not reach the server")
	}
	m.snd.feed.notify(noticeDevice())
	var msg tea.Msg
	select {
	case msg = <-notices:
	case <-time.After(5 * time.Second):
		t.Fatal("the notice did not arrive")
	}
	m, next := step(t, m, msg)
	if v := view(m); !strings.Contains(v, "W D J B - M J H T") || !strings.Contains(v, "sending…") {
		t.Fatalf("the notice is not on screen while the request is held:\n%s", v)
	}
	close(release)
	select {
	case msg = <-results:
	case <-time.After(5 * time.Second):
		t.Fatal("the send did not finish")
	}
	m, _ = step(t, m, stable(msg.(resultMsg)))
	if v := view(m); strings.Contains(v, "W D J B") || !strings.Contains(v, "200 OK") {
		t.Errorf("after the result the notice stays or the answer is missing:\n%s", v)
	}
	rearmed := noticeCmds(next)
	if len(rearmed) == 0 {
		t.Fatal("the notice did not re-arm the wait")
	}
	ended := make(chan tea.Msg, 1)
	go func() { ended <- rearmed[0]() }()
	select {
	case msg = <-ended:
		if msg != nil {
			t.Errorf("the wait after the send returned %T; want nothing", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the notice wait outlived the send")
	}
}

// TestNoticeFeedNeverBlocks: Notify must not block the exchange, even when
// the UI does not read; the newest notice survives.
func TestNoticeFeedNeverBlocks(t *testing.T) {
	f := newNoticeFeed()
	done := make(chan struct{})
	go func() {
		for i := range 100 {
			f.notify(authn.Notice{Code: string(rune('A' + i%26))})
		}
		f.notify(authn.Notice{Code: "LAST"})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("notify blocked with nobody reading")
	}
	var last authn.Notice
	for len(f.ch) > 0 {
		last = <-f.ch
	}
	if last.Code != "LAST" {
		t.Errorf("last notice in the feed = %q; want LAST", last.Code)
	}
}

func noticeModel(t *testing.T, o Options) Model {
	t.Helper()
	eng := authn.New(authn.Options{})
	t.Cleanup(eng.Close)
	o.Engine = eng
	o.Resolver = profiles.Resolver{LookupEnv: func(string) (string, bool) { return "", false }, ReadFile: os.ReadFile}
	o.Now = func() time.Time { return fixedNow }
	return New(o)
}

// TestNoticeInsecureBanner: -k, or a profile's TLS options with insecure,
// put a one-line banner under the header for as long as they apply; without
// colour it says WARNING; the frame keeps its height.
func TestNoticeInsecureBanner(t *testing.T) {
	for _, sz := range sizes {
		m, _ := step(t, noticeModel(t, Options{Insecure: true, Prefill: profiles.Profile{URL: "https://self-signed.example/"}}), size(sz.w, sz.h))
		v := view(m)
		lines := strings.Split(v, "\n")
		if len(lines) != sz.h {
			t.Errorf("%s: the frame has %d lines with the banner; want %d", sz.name, len(lines), sz.h)
		}
		if !strings.Contains(lines[1], "TLS verification OFF (-k): anyone on the path can read and change this traffic") {
			t.Errorf("%s: line 2 is not the banner: %q", sz.name, lines[1])
		}
		golden(t, "insecure-"+sz.name, v)
	}
	m, _ := step(t, noticeModel(t, Options{Insecure: true, NoColor: true}), size(80, 24))
	if c := colourSGR(m.View().Content); c != "" {
		t.Errorf("NO_COLOR banner has colour %q", c)
	}
	if v := view(m); !strings.Contains(v, "WARNING: TLS verification OFF (-k): traffic can be read and changed") {
		t.Errorf("NO_COLOR banner lacks the words:\n%s", v)
	}
	m, _ = step(t, noticeModel(t, Options{Insecure: true, Present: true}), size(60, 18))
	if v := view(m); !strings.Contains(strings.Split(v, "\n")[1], "TLS verification OFF (-k)") {
		t.Errorf("presenter mode at 60 columns lacks the banner:\n%s", v)
	}
	if !strings.Contains(m.View().Content, "\x1b[") {
		t.Error("presenter mode banner is not styled")
	}
	// from the editor's TLS options (a profile)
	m, _ = step(t, noticeModel(t, Options{Prefill: profiles.Profile{URL: "https://x.example/", TLS: profiles.TLS{Insecure: true}}}), size(80, 24))
	if !strings.Contains(view(m), "TLS verification OFF") {
		t.Error("Prefill.TLS.Insecure shows no banner")
	}
	m, _ = step(t, m, keyMsg("ctrl+n"))
	if !m.ed.tls.Insecure && strings.Contains(view(m), "TLS verification OFF") {
		t.Error("the banner stays on a new request without -k")
	}
	m, _ = step(t, noticeModel(t, Options{}), size(80, 24))
	if strings.Contains(view(m), "TLS verification") {
		t.Error("banner shown with verification on")
	}
	if ed := newEditor(m.com, profiles.Profile{URL: "https://x.example/", TLS: profiles.TLS{Insecure: true}}); !ed.tlsOptions().Insecure {
		t.Error("a profile's insecure option does not reach the editor")
	}
}

// TestFlowTraceTab: a multi-exchange result shows the flow view above the
// trace's steps, fitted to the pane; the token issued by the token
// endpoint is masked in every tab until R, and stays masked in presenter
// mode.
func TestFlowTraceTab(t *testing.T) {
	for _, sz := range sizes {
		m := noticeInFlight(t, sz.w, sz.h)
		res := uitest.OAuth2()
		m, _ = step(t, m, resultMsg{seq: m.snd.seq, res: res, docs: prepareDocs(res, false)})
		if m.focus != focusResult {
			m, _ = step(t, m, keyMsg("shift+tab"))
		}
		m, _ = step(t, m, keyMsg("4"))
		v := view(m)
		for _, want := range []string{"Flow · 4 exchanges", "POST /oauth", "401 Unauthorized", "Ask the token endpoint"} {
			if !strings.Contains(v, want) && !strings.Contains(ansi.Strip(m.rp.content()), want) {
				t.Errorf("%s: trace tab lacks %q:\n%s", sz.name, want, v)
			}
		}
		golden(t, "flow-trace-"+sz.name, v)
	}
}

func TestFlowResponseSecretsMasked(t *testing.T) {
	m := noticeInFlight(t, 120, 40)
	res := uitest.OAuth2()
	m, _ = step(t, m, resultMsg{seq: m.snd.seq, res: res, docs: prepareDocs(res, false)})
	if m.focus != focusResult {
		t.Fatalf("after the answer focus = %v; want the result pane", m.focus)
	}
	contents := func(m Model) string {
		var b strings.Builder
		for _, k := range []string{"1", "3", "4", "5"} {
			m, _ = step(t, m, keyMsg(k))
			b.WriteString(ansi.Strip(m.rp.content()))
		}
		m, _ = step(t, m, keyMsg("2"))
		b.WriteString(view(m))
		return b.String() + m.status
	}
	got := contents(m)
	for _, secret := range []string{uitest.AccessToken, uitest.RefreshToken} {
		if strings.Contains(got, secret) {
			t.Errorf("a tab shows %q before R", secret)
		}
	}
	if !strings.Contains(got, "••••••••") {
		t.Error("no mask in the tabs")
	}
	m, _ = step(t, m, keyMsg("R"))
	got = contents(m)
	if !strings.Contains(got, uitest.AccessToken) {
		t.Error("R does not reveal the access token")
	}
	m, _ = step(t, m, keyMsg("2"))
	if !strings.Contains(view(m), uitest.AccessToken) {
		t.Errorf("R does not reveal the token echoed in the body:\n%s", view(m))
	}
	m, _ = step(t, m, keyMsg("R"))
	if strings.Contains(contents(m), uitest.AccessToken) {
		t.Error("R again does not mask the token")
	}

	// presenter mode: the body was prepared masked only
	d := prepareDocs(uitest.OAuth2(), true)
	if d.differ {
		t.Error("presenter mode prepared a revealed body")
	}
}

// TestNoticeWithPanelOpen: with the profiles panel over the result pane the
// notice is still said, on the status line.
func TestNoticeWithPanelOpen(t *testing.T) {
	m := noticeInFlight(t, 120, 40)
	m, _ = step(t, m, tea.KeyPressMsg{Code: 'g', Mod: tea.ModCtrl}) // history
	if m.focus != focusProfiles && m.focus != focusHistory {
		t.Fatal("ctrl+g did not open the history panel")
	}
	m, _ = step(t, m, noticeMsg{seq: m.snd.seq, n: noticeDevice(), feed: m.snd.feed})
	if !strings.Contains(m.status, "code WDJB-MJHT") || !strings.Contains(view(m), "https://auth.example.com/device") {
		t.Errorf("status = %q; want the code and URL while the panel is open", m.status)
	}
}

// TestNoticeDeviceFlowEndToEnd sends a real OAuth 2.0 device authorization
// (RFC 8628) from the TUI to the practice server: the engine's flow calls
// the Request.Notify the send command installed, the notice reaches the
// model through the waiting command and shows the server's user code; esc
// cancels the polling and the waiting command ends with the send.
func TestNoticeDeviceFlowEndToEnd(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	p := profiles.Profile{URL: srv.URL + "/oauth2/me", Scheme: "oauth2", Fields: map[string]string{
		"grant": "device_code", "token_url": srv.URL + "/oauth2/token", "device_auth_url": srv.URL + "/oauth2/device",
		"client_id": practice.DemoOAuth2ClientID, "client_secret": practice.DemoOAuth2ClientSecret}}
	m, _ := step(t, newModel(t, p, nil, false), size(80, 24))
	m, cmd := step(t, m, keyMsg("ctrl+r"))
	if !m.snd.Busy() {
		t.Fatalf("not sent: %s", m.status)
	}
	cmds := noticeCmds(cmd)
	results := make(chan tea.Msg, 1)
	go func() { results <- cmds[0]() }()
	notices := make(chan tea.Msg, 1)
	go func() { notices <- cmds[len(cmds)-1]() }()
	var msg tea.Msg
	select {
	case msg = <-notices:
	case msg = <-results:
		t.Fatalf("the send ended before any notice: %#v", msg)
	case <-time.After(5 * time.Second):
		t.Fatal("no notice from the device flow")
	}
	nm, ok := msg.(noticeMsg)
	if !ok || nm.n.Code == "" {
		t.Fatalf("got %#v; want a notice with a user code", msg)
	}
	m, next := step(t, m, msg)
	v := view(m)
	if !strings.Contains(v, spaced(nm.n.Code)) || !strings.Contains(v, "expires in") || !strings.Contains(v, "/oauth2/device") {
		t.Errorf("the device notice is not on screen:\n%s", v)
	}
	m, _ = step(t, m, keyMsg("esc"))
	select {
	case msg = <-results:
	case <-time.After(5 * time.Second):
		t.Fatal("esc did not stop the polling")
	}
	m, _ = step(t, m, msg)
	if m.rp.state != paneCancelled || strings.Contains(view(m), spaced(nm.n.Code)) {
		t.Errorf("after esc: state %v, view:\n%s", m.rp.state, view(m))
	}
	rearmed := noticeCmds(next)
	ended := make(chan tea.Msg, 1)
	go func() { ended <- rearmed[0]() }()
	select {
	case msg = <-ended:
		if nm, ok := msg.(noticeMsg); ok && !nm.n.Done {
			t.Errorf("after the send: %#v; want nothing or Done", msg)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the notice wait outlived the send")
	}
}

// Issue #15 item 9: the verification URL is shown whole, outside the box
// (no border or padding in its rows), as one OSC 8 link to exactly the URL
// when it is a plain http(s) URL and as no link otherwise; c copies it
// (OSC 52) and o hands it to the opener. A code too wide to letter-space
// is shown as typed too.
func TestNoticeURLWholeLinkCopyOpen(t *testing.T) {
	long := "https://auth.example.com/activate/device?user_code=WDJB-MJHT&client_id=" + strings.Repeat("abcdef0123", 9)
	for _, tc := range []struct {
		name, url string
		w         int
		link      bool
	}{
		{"short", "https://auth.example.com/device", 100, true},
		{"longer than the pane", long, 80, true},
		{"not http", "javascript:alert(1)", 100, false},
		{"escape inside: copied escaped", "https://a.example/\x1b]52;c;ZXZpbA==\x07", 100, false},
		{"space inside", "https://auth.example.com/a b", 100, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opened []string
			m := noticeInFlight(t, tc.w, 40)
			m.opts.OpenURL = func(u string) error { opened = append(opened, u); return nil }
			n := authn.Notice{Title: "Enter the code", Code: "WDJB-MJHT", URL: tc.url}
			m, _ = step(t, m, noticeMsg{seq: m.snd.seq, n: n, feed: m.snd.feed})
			frame := m.View().Content
			term := sanitizetest.NewTerminal(tc.w, 40)
			term.Write([]byte(strings.ReplaceAll(frame, "\n", "\r\n")))
			// The URL's rows, read off the screen, joined: the URL whole.
			txt := term.Text()
			i := strings.Index(txt, "open this URL:\n")
			if i < 0 {
				t.Fatalf("no URL block:\n%s", txt)
			}
			var joined strings.Builder
			for _, row := range strings.Split(txt[i+len("open this URL:\n"):], "\n") {
				row = strings.TrimLeft(row, " │") // the stacked pane's own edge, if any
				if strings.HasPrefix(row, "c copies it") {
					break
				}
				joined.WriteString(row)
			}
			shown := sanitize.Line(tc.url) // server text, escaped
			if got := joined.String(); got != shown {
				t.Errorf("URL on screen = %q; want %q", got, shown)
			}
			links := map[string]bool{}
			for y := range 40 {
				for x := range tc.w {
					if c := term.CellAt(x, y); c != nil && c.Link.URL != "" {
						links[c.Link.URL] = true
					}
				}
			}
			if tc.link && (len(links) != 1 || !links[tc.url]) {
				t.Errorf("links on screen = %v; want one, to %q", links, tc.url)
			}
			if !tc.link && len(links) != 0 {
				t.Errorf("links on screen = %v; want none for %q", links, tc.url)
			}
			m, cmd := step(t, m, keyMsg("c"))
			if cmd == nil {
				t.Fatal("c returned no command")
			}
			wantClip := shown // what the screen shows; the URL itself when it is a link
			if tc.link {
				wantClip = tc.url
			}
			if got := fmt.Sprint(cmd()); !strings.Contains(got, wantClip) || strings.Contains(got, "\x1b") {
				t.Errorf("c's command = %q; want the clipboard set to %q, never a raw ESC", got, wantClip)
			}
			if !strings.Contains(view(m), "copied the URL") {
				t.Errorf("c did not say what it copied:\n%s", view(m))
			}
			m, cmd = step(t, m, keyMsg("o"))
			if cmd != nil {
				m, _ = step(t, m, cmd())
			}
			if tc.link && (len(opened) != 1 || opened[0] != tc.url) {
				t.Errorf("o opened %q; want [%q]", opened, tc.url)
			}
			if !tc.link && len(opened) != 0 {
				t.Errorf("o opened %q for a URL that is not plain http(s)", opened)
			}
		})
	}
}
