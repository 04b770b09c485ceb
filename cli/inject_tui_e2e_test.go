package cli_test

import (
	"bytes"
	"context"
	"github.com/authlab/authlab/internal/testenv"
	"io"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/cli"
	"github.com/authlab/authlab/internal/termtest"
	"github.com/authlab/authlab/ui/sanitize/sanitizetest"
	"github.com/charmbracelet/x/ansi"
)

// tuiSession is the real program (cli.Run, as main calls it) running its
// TUI inside an x/vt terminal emulator (internal/termtest) that records
// hostile output; every byte it writes is kept.
type tuiSession struct {
	t    *testing.T
	term *sanitizetest.Terminal
	tt   *termtest.Term
}

const injectW, injectH = 100, 50 // narrow: after a send the result pane has the focus

func startTUI(t *testing.T, args ...string) *tuiSession {
	t.Helper()
	term := sanitizetest.NewTerminal(injectW, injectH)
	dir := t.TempDir()
	vars := map[string]string{"HOME": dir, "XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/state"}
	tt := termtest.Start(t, termtest.Config{Width: injectW, Height: injectH, Emulator: term.SafeEmulator, Record: true},
		func(ctx context.Context, stdin io.Reader, stdout io.Writer) int {
			return cli.Run(ctx, args, tuiEnv(stdin, stdout, vars, injectW, injectH))
		})
	return &tuiSession{t: t, term: term, tt: tt}
}

// tuiEnv is the Env of the real program on a w×h terminal, its
// environment vars.
func tuiEnv(stdin io.Reader, stdout io.Writer, vars map[string]string, w, h int) cli.Env {
	return cli.Env{
		Stdin: stdin, Stdout: stdout, Stderr: io.Discard,
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		ReadFile:  os.ReadFile,
		StdinTTY:  true, StdoutTTY: true,
		// a 256-colour terminal: styles reach the emulator (the active
		// tab is told by its bold label), and every sanitizer path is
		// exercised with colour
		TUIOptions: []tea.ProgramOption{tea.WithWindowSize(w, h), tea.WithoutSignals(),
			tea.WithEnvironment([]string{"TERM=xterm-256color", "CLICOLOR_FORCE=1"})},
	}
}

func (s *tuiSession) screen() string { return s.tt.Text() }

// waitFor waits until cond holds for the screen (termtest: until the
// test's deadline).
func (s *tuiSession) waitFor(what string, cond func(string) bool) string {
	s.t.Helper()
	return s.tt.WaitFor(what, cond)
}

// key writes the bytes a terminal sends for a key.
func (s *tuiSession) key(seq string) {
	s.t.Helper()
	s.tt.Key(seq)
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

// resultTabs are the result pane's tab labels, as its tab bar shows them.
var resultTabs = map[string]string{"1": "1 Response", "2": "2 Body", "3": "3 Headers", "4": "4 Trace", "5": "5 Timing"}

// tab presses the key of a result tab and returns the first screen on which
// that tab is the active one (its label bold: the frame with its content).
func (s *tuiSession) tab(key string) string {
	s.t.Helper()
	return waitTab(s.tt, key)
}

// waitTab presses key and waits for its result tab to be the active one.
func waitTab(tt *termtest.Term, key string) string {
	label := resultTabs[key]
	tt.Key(key)
	return tt.WaitWhere("tab "+label, termtest.Bold, func(bold string) bool { return strings.Contains(bold, label) }, nil)
}

// tabs visits the five result tabs (the hints are on the first) and returns
// every screen seen.
func (s *tuiSession) tabs() string {
	s.t.Helper()
	var all strings.Builder
	for _, k := range []string{"2", "3", "4", "5", "1"} {
		all.WriteString(s.tab(k) + "\n")
	}
	// The Response tab's hints, expanded (h) and folded again.
	if strings.Contains(s.tt.Text(), "h shows what each hint means") {
		s.key("h")
		all.WriteString(s.tt.WaitText("h folds the hints") + "\n")
		s.key("h")
		s.tt.WaitText("h shows what each hint means")
	}
	return all.String()
}

// quit presses ctrl+c (and y, when the request was edited) and checks the program ends with exit code 0.
func (s *tuiSession) quit(edited bool) {
	s.t.Helper()
	s.key("\x03")
	if edited {
		// the program asks before discarding the edits
		s.tt.WaitText("y discards them")
		s.key("y")
	}
	if c := s.tt.Wait(); c != 0 {
		s.t.Errorf("exit code after ctrl+c = %d; want 0", c)
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
	out := s.tt.Output()
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
	s.waitFor("the first answer", func(txt string) bool { return strings.Contains(txt, "404 Not Found") })

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
	s.quit(true)
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
	s.quit(false)
	s.check()
}
