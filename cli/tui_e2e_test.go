package cli

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
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
	keyTab   = "\t"
	keyRight = "\x1b[C"
	keyEsc   = "\x1b"
	ctrlC    = "\x03"
	ctrlR    = "\x12"
	ctrlU    = "\x15"
)

func (s screen) key(seq string) {
	s.t.Helper()
	s.term.Key(seq)
}

func (s screen) typeText(txt string) { s.t.Helper(); s.term.Type(txt) }

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

	// back to the URL: tab from the result pane goes to the method, then URL
	s.key(keyTab)
	s.key(keyTab)
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

	s.key(ctrlC)
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code after ctrl+c = %d; want 0", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the TUI did not quit on ctrl+c")
	}
}
