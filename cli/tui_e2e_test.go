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
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// screen is a real terminal emulator the TUI runs in.
type screen struct {
	t   *testing.T
	emu *vt.SafeEmulator
}

func (s screen) text() string { return ansi.Strip(s.emu.Render()) }

func (s screen) waitFor(what string, cond func(string) bool) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond(s.text()) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s.text())
}

func (s screen) waitText(want string) {
	s.t.Helper()
	s.waitFor(want, func(txt string) bool { return strings.Contains(txt, want) })
}

// Keys are written as the bytes a terminal sends, straight into the
// emulator's input pipe. SafeEmulator.SendKey holds the emulator's lock
// while the pipe blocks, and the renderer needs that lock to draw: the two
// would deadlock.
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
	if _, err := io.WriteString(s.emu.InputPipe(), seq); err != nil {
		s.t.Fatalf("sending %q: %v", seq, err)
	}
	if seq == keyEsc {
		time.Sleep(100 * time.Millisecond) // a lone ESC is told from a sequence by time
	}
}

func (s screen) typeText(txt string) { s.key(txt) }

// noEnv is an empty environment.
func noEnv(string) (string, bool) { return "", false }

// startTUI runs the real program (cli.Run with args, as main calls it) in a
// w×h x/vt terminal emulator. The channel receives its exit code; cancel
// stops it.
func startTUI(t *testing.T, args []string, lookup func(string) (string, bool), w, h int) (screen, chan int, context.CancelFunc) {
	t.Helper()
	emu := vt.NewSafeEmulator(w, h)
	emu.Write([]byte(ansi.SetModeLineFeedNewLine))
	env := Env{
		Stdin: emu, Stdout: emu, Stderr: io.Discard,
		LookupEnv: lookup, ReadFile: os.ReadFile,
		StdinTTY: true, StdoutTTY: true,
		TUIOptions: []tea.ProgramOption{tea.WithWindowSize(w, h), tea.WithoutSignals()},
	}
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() { code <- Run(ctx, args, env) }()
	return screen{t, emu}, code, cancel
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
