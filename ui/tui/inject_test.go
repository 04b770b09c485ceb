package tui

import (
	"github.com/authlab/authlab/profiles"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/sanitize/sanitizetest"
)

// injectPrefill is the editor's request that makes the hostile server put
// payload i in place pl (a TLS server made for the payload for TLSName).
func injectPrefill(t *testing.T, srv *sanitizetest.Server, pl sanitizetest.Place, i int, p sanitizetest.Payload) profiles.Profile {
	t.Helper()
	switch pl {
	case sanitizetest.TokenError:
		return profiles.Profile{Method: "GET", URL: srv.URL + "/api", Scheme: "oauth2", Fields: map[string]string{
			"token_url": srv.URL + sanitizetest.Path(pl, i), "client_id": "c", "client_secret": "s"}}
	case sanitizetest.TLSName:
		return profiles.Profile{Method: "GET", URL: sanitizetest.NewTLSServer(t, p)}
	}
	return profiles.Profile{Method: "GET", URL: srv.URL + sanitizetest.Path(pl, i)}
}

// TestInjectTUITabs sends to the hostile server from the TUI model for
// every place × payload, then shows each result tab (keys 1–5; the hints
// are on tab 1) and writes every frame, as the program would, into an x/vt
// terminal emulator. Every frame may contain only SGR escape sequences and
// no control byte, C1 or bidi character; the terminal must not change its
// title, write the clipboard, ring, receive DCS/APC/OSC, or show a
// hyperlink or concealed cell; and the payload must be visible, escaped,
// on one of the tabs. Fails if a call site in ui/tui (result.go, model.go,
// the body view) puts server text into a frame without ui/sanitize.
func TestInjectTUITabs(t *testing.T) {
	srv := sanitizetest.NewServer(t)
	const w, h = 100, 60 // narrow: the result pane takes the focus and the width
	terms := sanitizetest.NewPool(4, w, h)
	for _, pl := range sanitizetest.Places() {
		for i, p := range sanitizetest.Payloads() {
			if !pl.Applies(p) {
				continue
			}
			t.Run(string(pl)+"/"+p.Name, func(t *testing.T) {
				t.Parallel()
				m, cmd := step(t, newModel(t, injectPrefill(t, srv, pl, i, p), nil, false), size(w, h), keyMsg("ctrl+r"))
				m, _ = step(t, m, runSend(t, cmd))
				var screens strings.Builder
				term := terms.Get(t)
				for _, tab := range []string{"1", "h", "2", "3", "4", "5"} { // h expands the hints
					m, _ = step(t, m, keyMsg(tab))
					frame := m.View().Content
					if err := sanitizetest.CheckOutput([]byte(frame), true); err != nil {
						t.Errorf("tab %s frame: %v", tab, err)
					}
					term.Write([]byte("\x1b[0m\x1b[H\x1b[2J")) // the test's own: a fresh screen
					term.Write([]byte(strings.ReplaceAll(frame, "\n", "\r\n")))
					if err := term.Check(); err != nil {
						t.Errorf("tab %s: %v", tab, err)
					}
					screens.WriteString(term.Text() + "\n")
				}
				if want := pl.Want(p); !sanitizetest.Visible(screens.String(), want) {
					t.Errorf("payload %s (%s) not shown as %q on any tab; screens:\n%s", p.Name, p.Sign, want, screens.String())
				}
			})
		}
	}
}

// TestInjectTUINotice shows a device-flow notice whose title, user code,
// verification URL and detail (all server text, RFC 8628 §3.2) are each
// payload, in the notice box and the status line, through an x/vt
// emulator: only SGR sequences, no control, C1 or bidi character, no title,
// clipboard, link or concealed cell, and the title shown escaped. Fails if
// noticeBox or noticeLine (ui/tui/notice.go) stops sanitizing a field.
func TestInjectTUINotice(t *testing.T) {
	for _, p := range sanitizetest.Payloads() {
		t.Run(p.Name, func(t *testing.T) {
			m := noticeInFlight(t, 100, 40)
			n := authn.Notice{Title: "T " + p.Raw, Code: p.Raw, URL: "https://auth.example/device?" + p.Raw, Detail: "D " + p.Raw}
			m, _ = step(t, m, noticeMsg{seq: m.snd.seq, n: n, feed: m.snd.feed})
			frame := m.View().Content
			if err := sanitizetest.CheckOutput([]byte(frame), true); err != nil {
				t.Errorf("frame: %v", err)
			}
			term := sanitizetest.NewTerminal(100, 40)
			term.Write([]byte(strings.ReplaceAll(frame, "\n", "\r\n")))
			if err := term.Check(); err != nil {
				t.Error(err)
			}
			if !sanitizetest.Visible(term.Text(), "T "+p.Shown) {
				t.Errorf("notice title not shown as %q:\n%s", "T "+p.Shown, term.Text())
			}
		})
	}
}
