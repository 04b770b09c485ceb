package cli_test

import (
	"bytes"
	"context"
	"github.com/authlab/authlab/internal/testenv"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/cli"
	"github.com/authlab/authlab/ui/sanitize/sanitizetest"
	"github.com/charmbracelet/x/ansi"
)

// tuiSession is the real program (cli.Run, as main calls it) running its
// TUI inside an x/vt terminal emulator; every byte it writes is kept.
type tuiSession struct {
	t    *testing.T
	term *sanitizetest.Terminal
	tee  *sanitizetest.Tee
	done chan int
}

const injectW, injectH = 100, 50 // narrow: after a send the result pane has the focus

func startTUI(t *testing.T, args ...string) *tuiSession {
	t.Helper()
	term := sanitizetest.NewTerminal(injectW, injectH)
	term.Write([]byte(ansi.SetModeLineFeedNewLine)) // a tty's onlcr
	s := &tuiSession{t: t, term: term, tee: sanitizetest.NewTee(term), done: make(chan int, 1)}
	dir := t.TempDir()
	vars := map[string]string{"HOME": dir, "XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/state"}
	env := cli.Env{
		Stdin: term, Stdout: s.tee, Stderr: io.Discard,
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		ReadFile:  os.ReadFile,
		StdinTTY:  true, StdoutTTY: true,
		TUIOptions: []tea.ProgramOption{tea.WithWindowSize(injectW, injectH), tea.WithoutSignals()},
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() { s.done <- cli.Run(ctx, args, env) }()
	return s
}

func (s *tuiSession) screen() string { return s.term.Text() }

// waitFor polls the screen until cond holds (10 s at most).
func (s *tuiSession) waitFor(what string, cond func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second) // generous: -race on a loaded machine
	for {
		txt := s.screen()
		if cond(txt) {
			return txt
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s; screen:\n%s", what, txt)
		}
		time.Sleep(15 * time.Millisecond)
	}
}

// key writes the bytes a terminal sends for a key into the emulator's input
// pipe (never SafeEmulator.SendKey, which deadlocks with the renderer).
func (s *tuiSession) key(seq string) {
	s.t.Helper()
	if _, err := io.WriteString(s.term.InputPipe(), seq); err != nil {
		s.t.Fatalf("sending %q: %v", seq, err)
	}
}

// send replaces the URL (from the result pane: tab to the method, tab to the
// URL, ctrl+u), sends, and waits for marker on screen.
func (s *tuiSession) send(url, marker string) {
	s.t.Helper()
	s.key("\t")
	s.key("\t")
	s.key("\x15") // ctrl+u
	s.key(url)
	s.waitFor("the URL "+url, func(txt string) bool { return strings.Contains(txt, "URL    "+url+"\n") })
	s.key("\x12") // ctrl+r
	s.waitFor(marker, func(txt string) bool { return sanitizetest.Visible(txt, marker) })
}

// tabs visits the five result tabs (the hints are on the first) and returns
// every screen seen.
func (s *tuiSession) tabs() string {
	s.t.Helper()
	var all strings.Builder
	prev := s.screen()
	for _, k := range []string{"2", "3", "4", "5", "1"} {
		s.key(k)
		// Wait for the tab to change the screen; some tabs look the same
		// (a failed send has no body), so not seeing a change is no error.
		for deadline := time.Now().Add(1500 * time.Millisecond); s.screen() == prev && time.Now().Before(deadline); {
			time.Sleep(15 * time.Millisecond)
		}
		time.Sleep(30 * time.Millisecond) // let the frame finish
		txt := s.screen()
		all.WriteString(txt + "\n")
		prev = txt
	}
	return all.String()
}

// quit presses ctrl+c and checks the program ends with exit code 0.
func (s *tuiSession) quit() {
	s.t.Helper()
	s.key("\x03")
	select {
	case c := <-s.done:
		if c != 0 {
			s.t.Errorf("exit code after ctrl+c = %d; want 0", c)
		}
	case <-time.After(5 * time.Second):
		s.t.Fatal("the TUI did not quit on ctrl+c")
	}
}

// check holds the guarantees over everything the program wrote and the
// terminal's state: no OSC, DCS, APC, SOS or PM sequence at all (the
// renderer has no reason to write one: any is a payload's), no 8-bit C1,
// no invalid UTF-8, no bidi control, no C0 control but the renderer's own
// cursor work (CR, LF, BS, tab, ESC); no title, clipboard, bell, DCS, link
// or concealed cell in the emulator.
func (s *tuiSession) check() {
	s.t.Helper()
	out := s.tee.Bytes()
	// The program's own: it titles the window "authlab" and resets the
	// title when it quits (Bubble Tea's View.WindowTitle, OSC 2), and Bubble
	// Tea asks for the background colour (OSC 11 query).
	own := []string{"\x1b]2;authlab\a", "\x1b]2;\a", "\x1b]11;?\a"}
	for _, o := range own {
		out = bytes.ReplaceAll(out, []byte(o), nil)
	}
	if seqs := sanitizetest.StringSequences(out); len(seqs) > 0 {
		s.t.Errorf("the program wrote %d OSC/DCS/APC/SOS/PM sequences, e.g. %q", len(seqs), seqs)
	}
	if err := sanitizetest.CheckOutput(tuiVisible(out), false); err != nil {
		s.t.Errorf("program output: %v", err)
	}
	if err := s.term.Check(`title set to "authlab"`, `title set to ""`); err != nil {
		s.t.Error(err)
	}
}

// tuiVisible removes from out the escape sequences (CSI, ESC + one byte)
// and the cursor-motion controls (CR, BS) a renderer writes, leaving the
// printed text and any stray control byte for CheckOutput.
func tuiVisible(out []byte) []byte {
	var b []byte
	state := byte(ansi.NormalState)
	for i := 0; i < len(out); {
		seq, _, n, next := ansi.DecodeSequence(out[i:], state, nil)
		state = next
		switch {
		case n == 0:
			i++
			continue
		case len(seq) > 0 && seq[0] == 0x1b && len(seq) > 1:
			i += n
			continue
		case string(seq) == "\r" || string(seq) == "\b":
			i += n
			continue
		}
		b = append(b, out[i:i+n]...)
		i += n
	}
	return b
}

// TestInjectTUIEndToEnd runs the real program in a terminal emulator and
// sends, one after the other, to responses that carry every payload in a
// place at once (bodies, the reason phrase, headers, a Location, Bearer
// challenges, a JSON error_description, a header net/http refuses, a TLS
// certificate's names; then, with the oauth2 scheme, a token endpoint's
// error), visiting each result tab. The emulator must receive no string
// sequence and no control character from any of them, must not change its
// title or clipboard or show a link, and the first payload of each place is
// visible escaped. Fails if the TUI's renderer path (Bubble Tea, Lip
// Gloss, the body view) passes server text through raw.
func TestInjectTUIEndToEnd(t *testing.T) {
	testenv.Full(t, "the hostile-server sweep of every TUI tab (7 s)")
	srv := sanitizetest.NewServer(t)
	tlsURL := sanitizetest.NewTLSServerAll(t)

	s := startTUI(t, srv.URL+"/start")
	s.waitFor("the editor", func(txt string) bool { return strings.Contains(txt, "No authentication") })
	s.key("\x12") // ctrl+r: the first send moves the focus to the result pane
	s.waitFor("the first answer", func(txt string) bool { return strings.Contains(txt, "404") })

	type sendCase struct {
		name, url, marker, want string
	}
	var cases []sendCase
	for _, pl := range []sanitizetest.Place{sanitizetest.BodyPlain, sanitizetest.BodyJSONRaw, sanitizetest.BodyJSONEscaped,
		sanitizetest.Reason, sanitizetest.Header, sanitizetest.Location, sanitizetest.Challenge, sanitizetest.JSONError} {
		first := sanitizetest.AllPayloads(pl)[0]
		marker := sanitizetest.AllReason(pl)
		if pl == sanitizetest.Reason {
			marker = first.Shown
		}
		cases = append(cases, sendCase{string(pl), srv.URL + sanitizetest.AllPath(pl), marker, pl.Want(first)})
	}
	refused := sanitizetest.Payloads()[0]
	cases = append(cases,
		sendCase{"header refused", srv.URL + sanitizetest.RefusedPath, "malformed MIME header", `\x1b]52;c;cHduZWQ=\a`},
		sendCase{"tls-name", tlsURL, "TLS:", sanitizetest.TLSName.Want(refused)})
	for _, c := range cases {
		s.send(c.url, c.marker)
		if screens := s.tabs(); !sanitizetest.Visible(screens, c.want) {
			t.Errorf("%s: %q not visible on any tab; screens:\n%s", c.name, c.want, screens)
		}
	}
	s.quit()
	s.check()

	// The token endpoint's refusal, quoted in the engine's error line.
	s = startTUI(t, "-a", "oauth2", "-c", "token_url="+srv.URL+sanitizetest.AllPath(sanitizetest.TokenError),
		"-c", "client_id=c", "-c", "client_secret=s", srv.URL+"/api")
	s.waitFor("the editor", func(txt string) bool { return strings.Contains(txt, "Token URL") })
	s.key("\x12")
	s.waitFor("the refusal", func(txt string) bool { return strings.Contains(txt, "refused") })
	want := sanitizetest.TokenError.Want(sanitizetest.Payloads()[0])
	if screens := s.tabs(); !sanitizetest.Visible(screens, want) {
		t.Errorf("token-error: %q not visible on any tab; screens:\n%s", want, screens)
	}
	s.quit()
	s.check()
}
