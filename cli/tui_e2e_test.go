package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/internal/termtest"
	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// screen is the real program in a real terminal emulator
// (internal/termtest).
type screen struct {
	t    *testing.T
	term *termtest.Term
}

func (s screen) text() string { return s.term.Text() }

func (s screen) waitFor(what string, cond func(string) bool) {
	s.t.Helper()
	s.term.WaitFor(what, cond)
}

func (s screen) waitText(want string) {
	s.t.Helper()
	s.term.WaitText(want)
}

// Keys are written as the bytes a terminal sends (termtest.Term.Key).
const (
	keyTab      = "\t"
	keyRight    = "\x1b[C"
	keyEsc      = "\x1b"
	ctrlC       = "\x03"
	ctrlR       = "\x12"
	ctrlU       = "\x15"
	ctrlL       = "\x0c"
	keyShiftTab = "\x1b[Z"
)

func (s screen) key(seq string) {
	s.t.Helper()
	s.term.Key(seq)
}

func (s screen) typeText(txt string) { s.t.Helper(); s.term.Type(txt) }

// quitDiscarding presses ctrl+c on a TUI holding unsaved edits: the
// program must ask first (issue #15 item 4) and stay running until y, then
// exit 0.
func (s screen) quitDiscarding(code chan int) {
	s.t.Helper()
	s.key(ctrlC)
	s.waitText("unsaved edits")
	s.waitText("y discards them")
	select {
	case c := <-code:
		s.t.Fatalf("ctrl+c with unsaved edits quit at once (exit %d) instead of asking", c)
	default:
	}
	s.key("y")
	s.waitExit(code, 0)
}

// waitExit waits for the program's exit code and checks it.
func (s screen) waitExit(code chan int, want int) {
	s.t.Helper()
	select {
	case c := <-code:
		if c != want {
			s.t.Errorf("exit code = %d; want %d", c, want)
		}
	case <-time.After(time.Until(termtest.Deadline(s.t))):
		s.t.Fatalf("the TUI did not quit; screen:\n%s", s.text())
	}
}

// noEnv is an empty environment.
func noEnv(string) (string, bool) { return "", false }

// startTUI runs the real program (cli.Run with args, as main calls it) in a
// w×h x/vt terminal emulator. The channel receives its exit code; cancel
// stops it.
func startTUI(t *testing.T, args []string, lookup func(string) (string, bool), w, h int) (screen, chan int, context.CancelFunc) {
	t.Helper()
	code := make(chan int, 1)
	term := termtest.Start(t, termtest.Config{Width: w, Height: h}, func(ctx context.Context, stdin io.Reader, stdout io.Writer) int {
		c := Run(ctx, args, tuiEnv(stdin, stdout, lookup, w, h))
		code <- c
		return c
	})
	return screen{t, term}, code, term.Stop
}

// tuiEnv is the Env of the real program on a w×h terminal.
func tuiEnv(stdin io.Reader, stdout io.Writer, lookup func(string) (string, bool), w, h int) Env {
	return Env{
		Stdin: stdin, Stdout: stdout, Stderr: io.Discard,
		LookupEnv: lookup, ReadFile: os.ReadFile,
		StdinTTY: true, StdoutTTY: true,
		TUIOptions: []tea.ProgramOption{tea.WithWindowSize(w, h), tea.WithoutSignals()},
	}
}

// The real program (cli.Run, as main calls it) in a terminal emulator:
// type a URL and Basic credentials, send, see the 401 and its hint; then
// cancel a request to a server that never answers and keep working.
func TestTUIEndToEnd(t *testing.T) {
	bin := httptest.NewServer(httpbin.New().Handler())
	defer bin.Close()
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
	}))
	defer hang.Close()

	s, code, cancel := startTUI(t, nil, noEnv, 100, 32)
	defer cancel()

	s.waitText("No authentication")
	s.typeText(bin.URL + "/basic-auth/user/passwd")
	for range 4 { // header name, header value, body, scheme
		s.key(keyTab)
	}
	s.key(keyRight) // none → basic
	s.waitText("Username")
	s.key(keyTab)
	s.typeText("user")
	s.key(keyTab)
	s.typeText("wr0ngpa55")
	if strings.Contains(s.text(), "wr0ngpa55") {
		t.Error("the password is echoed on screen")
	}
	s.key(ctrlR)
	s.waitText("401 Unauthorized")
	s.waitText("credentials missing or not accepted")

	// Issue #15 item 5: after ctrl+r the focus is on the response, so a
	// digit picks a tab and never types into the URL.
	s.key("3")
	s.waitText("Content-Type")
	if strings.Contains(s.text(), "/basic-auth/user/passwd3") {
		t.Errorf("the 3 went into the URL:\n%s", s.text())
	}
	// ctrl+l goes back to the request, on the field it left (the
	// password); shift+tab walks back to the URL: username, scheme, body,
	// header value, header name, URL.
	s.key(ctrlL)
	for range 6 {
		s.key(keyShiftTab)
	}
	s.key(ctrlU) // delete to the start of the line
	s.typeText(hang.URL + "/never")
	s.key(ctrlR)
	s.waitText("sending")
	s.key(keyEsc)
	s.waitText("cancelled")
	// still answering keys: send again and cancel again
	s.key(ctrlR)
	s.waitText("sending")
	s.key(keyEsc)
	s.waitText("cancelled")

	s.quitDiscarding(code)
}

// Issue #15 item 8 in the real program: a password kept as an env:
// reference to a variable that is not set is asked for, masked, when the
// request is sent; the send then succeeds, and the typed value is never on
// screen.
func TestTUIAsksForUnsetEnvReference(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "ann" || p != "typed-in-tui" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "accepted call %d", calls.Add(1))
	}))
	defer srv.Close()
	s, code, cancel := startTUI(t, []string{"-a", "basic", "-c", "username=ann", "-c", "password=env:AUTHLAB_E2E_UNSET", srv.URL + "/login"}, noEnv, 100, 30)
	defer cancel()
	s.waitText("HTTP Basic")
	s.key(ctrlR)
	s.waitText("environment variable AUTHLAB_E2E_UNSET is not set")
	s.waitText("enter sends with it · esc cancels")
	s.typeText("typed-in-tui")
	s.key("\r")
	s.waitText("200 OK")
	if strings.Contains(s.text(), "typed-in-tui") {
		t.Errorf("the typed password is on screen:\n%s", s.text())
	}
	// sent again: no question this session
	s.key(ctrlR)
	s.waitText("accepted call 2")
	if strings.Contains(s.text(), "is not set") {
		t.Errorf("asked again on the second send:\n%s", s.text())
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}
