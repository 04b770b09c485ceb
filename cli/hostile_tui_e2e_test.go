package cli

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/bench/hostile/hostilesrv"
)

// sendingFor reads the in-flight pane's clock ("sending… 1.2s · esc
// cancels").
var sendingFor = regexp.MustCompile(`sending… ([0-9]+\.[0-9])s · esc cancels`)

// Issue #7 item 3 in the TUI, in a real terminal emulator: while a server
// drips its body one byte per second the interface keeps answering keys
// (typing changes the screen, tab moves the focus to another field), and
// esc cancels the request. Fails if the request runs on the UI's goroutine
// or if esc stops cancelling its context.
func TestHostileTUIDripKeepsAnswering(t *testing.T) {
	s0, err := hostilesrv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s0.Close()

	s, code, cancel := startTUI(t, nil, noEnv, 100, 32)
	defer cancel()

	s.waitText("No authentication")
	s.typeText(s0.URL + "/drip")
	s.key(ctrlR)
	// The status line and a first byte arrive, then one byte a second;
	// the pane's clock going on (0.3 s and more) is the UI redrawing
	// while the request is in flight.
	s.waitFor("sending for 0.3 s", func(txt string) bool {
		m := sendingFor.FindStringSubmatch(txt)
		return m != nil && m[1] >= "0.3"
	})

	// ctrl+l goes back to the request (the send moved the focus to the
	// response); typing into the URL changes the screen at once.
	s.key(ctrlL)
	typed := time.Now()
	s.typeText("?typed-while-waiting")
	s.waitText("/drip?typed-while-waiting")
	// Tab moves the focus: the next text lands in another field, and the
	// URL keeps what it had.
	s.key(keyTab)
	s.typeText("X-Typed-Header")
	s.waitText("X-Typed-Header")
	// The drip lasts an hour and the TUI's timeout is 30 s: a UI blocked by
	// the request would show the keys only after it ends. The bound is
	// loose for loaded machines; "sending" below is the real proof.
	if took := time.Since(typed); took > 10*time.Second {
		t.Errorf("keys took %s to show while the body dripped", took)
	}
	if txt := s.text(); strings.Contains(txt, "waitingX-Typed") || !strings.Contains(txt, "sending") {
		t.Errorf("after tab the text went to the URL, or the request is no longer in flight:\n%s", txt)
	}

	// "cancelled", not the 30 s timeout's error, proves esc ended it.
	s.key(keyEsc)
	s.waitText("cancelled")
	if strings.Contains(s.text(), "sending") {
		t.Errorf("still sending after the cancel:\n%s", s.text())
	}

	s.quitDiscarding(code)
}
