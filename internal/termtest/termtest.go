// Package termtest runs a program inside a real terminal emulator
// (charmbracelet/x/vt) for end-to-end tests: the program reads the keys a
// terminal would send and writes to the emulator's screen; the test reads
// the screen as text and waits for content to appear, against a deadline
// taken from the test's own (t.Deadline()), never for the screen to "settle".
// Only tests import it.
package termtest

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// Program is what runs in the terminal: it reads keys from stdin, writes
// to stdout, returns its exit code, and ends when ctx is cancelled.
type Program func(ctx context.Context, stdin io.Reader, stdout io.Writer) int

// Config describes the terminal. The zero value is an 80×24 terminal.
type Config struct {
	Width, Height int
	// Emulator is the terminal to run in, for one with callbacks set (the
	// hostile-output recorder of ui/sanitize/sanitizetest); nil makes a new
	// one.
	Emulator *vt.SafeEmulator
	// Record keeps every byte the program writes, for Output.
	Record bool
}

// DefaultWait bounds a wait when the test has no deadline (go test
// -timeout 0, or a benchmark): generous, for -race on a loaded machine.
const DefaultWait = 2 * time.Minute

// cleanupWait bounds the wait for the program to return once the test is
// over (its deadline may have passed: the test failed waiting).
const cleanupWait = 10 * time.Second

// Term is a program running in a terminal emulator.
type Term struct {
	t        testing.TB
	emu      *vt.SafeEmulator
	deadline time.Time
	cancel   context.CancelFunc

	changed chan struct{} // a value after each write to the screen

	// screenMu orders the program's writes with TextWhere's cell reads:
	// SafeEmulator.CellAt returns a pointer into the screen, read after
	// the emulator's own lock is released.
	screenMu sync.Mutex

	mu   sync.Mutex
	out  bytes.Buffer // what the program wrote, under Record
	keep bool

	done chan struct{} // closed when the program has returned
	code int           // its exit code, once done is closed
}

// Deadline is when a wait in test t gives up: the test's deadline minus a
// margin (a tenth of the time left, at least 1 s and at most 30 s) so that
// the failure, with the screen, is reported before go test's timeout
// panic; DefaultWait from now when the test has no deadline.
func Deadline(t testing.TB) time.Time {
	now := time.Now()
	d, ok := testDeadline(t)
	if !ok {
		return now.Add(DefaultWait)
	}
	margin := min(max(d.Sub(now)/10, time.Second), 30*time.Second)
	return d.Add(-margin)
}

func testDeadline(t testing.TB) (time.Time, bool) {
	if dt, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		return dt.Deadline()
	}
	return time.Time{}, false
}

// Start runs prog in a cfg.Width×cfg.Height terminal. The terminal turns
// LF into CR LF as a tty's onlcr does. When the test ends, prog's context
// is cancelled and Start's cleanup waits for it to return.
func Start(t testing.TB, cfg Config, prog Program) *Term {
	t.Helper()
	if cfg.Width == 0 || cfg.Height == 0 {
		cfg.Width, cfg.Height = 80, 24
	}
	emu := cfg.Emulator
	if emu == nil {
		emu = vt.NewSafeEmulator(cfg.Width, cfg.Height)
	} else if emu.Width() != cfg.Width || emu.Height() != cfg.Height {
		emu.Resize(cfg.Width, cfg.Height)
	}
	emu.Write([]byte(ansi.SetModeLineFeedNewLine))
	ctx, cancel := context.WithCancel(context.Background())
	term := &Term{
		t: t, emu: emu, deadline: Deadline(t), cancel: cancel,
		changed: make(chan struct{}, 1), keep: cfg.Record, done: make(chan struct{}),
	}
	go func() {
		defer close(term.done)
		term.code = prog(ctx, emu, screenWriter{term})
	}()
	t.Cleanup(func() {
		// Cancel, and end the input: the emulator answers a terminal
		// query by writing to the input pipe, under its lock, and a
		// program that no longer reads would block on its next write.
		cancel()
		term.closeInput()
		select {
		case <-term.done:
		case <-time.After(cleanupWait):
			t.Errorf("termtest: the program did not return %v after its context was cancelled; screen:\n%s", cleanupWait, term.Text())
		}
	})
	return term
}

// closeInput ends the program's input: a reader it left behind gets EOF.
// (Emulator.Close would race with that reader.)
func (term *Term) closeInput() {
	if c, ok := term.emu.InputPipe().(io.Closer); ok {
		c.Close()
	}
}

// screenWriter is the program's stdout: the emulator, a copy under Record,
// and a wake-up for the waits.
type screenWriter struct{ term *Term }

func (w screenWriter) Write(p []byte) (int, error) {
	if w.term.keep {
		w.term.mu.Lock()
		w.term.out.Write(p)
		w.term.mu.Unlock()
	}
	w.term.screenMu.Lock()
	n, err := w.term.emu.Write(p)
	w.term.screenMu.Unlock()
	select {
	case w.term.changed <- struct{}{}:
	default:
	}
	return n, err
}

// Emulator is the terminal, for what Term does not wrap (cells, colours,
// the recorder's events).
func (term *Term) Emulator() *vt.SafeEmulator { return term.emu }

// Text is the screen as text: no escape sequences, no trailing spaces on a
// line. It is safe to call while the program writes.
func (term *Term) Text() string { return Text(term.emu) }

// Text is emu's screen as text, lines without trailing spaces.
func Text(emu *vt.SafeEmulator) string {
	lines := strings.Split(ansi.Strip(emu.Render()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// TextWhere is the screen as Text shows it with only the cells for which
// keep holds (the others blank): the bold text, the underlined text. It
// is how a test tells what only a style marks, such as the active tab.
func (term *Term) TextWhere(keep func(c *uv.Cell) bool) string {
	term.screenMu.Lock()
	defer term.screenMu.Unlock()
	return term.textWhere(keep)
}

// textWhere is TextWhere with screenMu held.
func (term *Term) textWhere(keep func(c *uv.Cell) bool) string {
	w, h := term.emu.Width(), term.emu.Height()
	lines := make([]string, h)
	for y := range h {
		var line strings.Builder
		for x := 0; x < w; x++ {
			c := term.emu.CellAt(x, y)
			switch {
			case c == nil || c.Content == "":
				line.WriteByte(' ')
			case keep(c):
				line.WriteString(c.Content)
				x += max(c.Width, 1) - 1
			default:
				line.WriteString(strings.Repeat(" ", max(c.Width, 1)))
				x += max(c.Width, 1) - 1
			}
		}
		lines[y] = strings.TrimRight(line.String(), " ")
	}
	return strings.Join(lines, "\n")
}

// Bold keeps bold cells (for TextWhere).
func Bold(c *uv.Cell) bool { return c.Style.Attrs&uv.AttrBold != 0 }

// Output is every byte the program wrote so far (Config.Record).
func (term *Term) Output() []byte {
	term.mu.Lock()
	defer term.mu.Unlock()
	return bytes.Clone(term.out.Bytes())
}

// WaitFor returns the first screen for which cond holds, checking after
// every write of the program; at the deadline it fails the test, naming
// what and showing the screen. A program that ends first fails it too.
func (term *Term) WaitFor(what string, cond func(screen string) bool) string {
	term.t.Helper()
	return term.WaitForEach(what, cond, nil)
}

// WaitForEach is WaitFor calling seen with every screen read that does
// not satisfy cond (a test that audits every screen the program showed).
func (term *Term) WaitForEach(what string, cond func(screen string) bool, seen func(screen string)) string {
	term.t.Helper()
	return term.wait(what, func() (string, bool) { txt := term.Text(); return txt, cond(txt) }, seen)
}

// WaitWhere returns the first screen on which cond holds for the text of
// the cells keep keeps (TextWhere), such as the bold label of the active
// tab. The screen returned and the cells cond saw are read together,
// between two writes of the program: a frame that lands between two
// separate reads (Text, then TextWhere) would otherwise pair the new tab's
// label with the old tab's content.
func (term *Term) WaitWhere(what string, keep func(c *uv.Cell) bool, cond func(styled string) bool, seen func(screen string)) string {
	term.t.Helper()
	return term.wait(what, func() (string, bool) {
		term.screenMu.Lock()
		defer term.screenMu.Unlock()
		return term.Text(), cond(term.textWhere(keep))
	}, seen)
}

// wait reads the screen after every write of the program until read says
// it is the one wanted; at the deadline, or when the program ends first,
// it fails the test naming what and showing the screen.
func (term *Term) wait(what string, read func() (screen string, ok bool), seen func(screen string)) string {
	term.t.Helper()
	timer := time.NewTimer(time.Until(term.deadline))
	defer timer.Stop()
	// A write can land between a read of the screen and the wait; the
	// tick re-reads so that it is seen without a further write.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		txt, ok := read()
		if ok {
			return txt
		}
		if seen != nil {
			seen(txt)
		}
		select {
		case <-term.changed:
		case <-tick.C:
		case <-term.done:
			if txt, ok = read(); ok {
				return txt
			}
			term.t.Fatalf("the program ended (exit %d) while waiting for %s; screen:\n%s", term.code, what, txt)
		case <-timer.C:
			term.t.Fatalf("timed out waiting for %s; screen:\n%s", what, term.Text())
		}
	}
}

// WaitText waits until the screen contains s and returns the screen.
func (term *Term) WaitText(s string) string {
	term.t.Helper()
	return term.WaitFor(quote(s), func(txt string) bool { return strings.Contains(txt, s) })
}

func quote(s string) string { return `"` + s + `"` }

// Key sends the bytes a terminal sends for a key ("\r", "\t", "\x1b[A",
// "\x03"), straight into the emulator's input pipe: SafeEmulator.SendKey
// holds the emulator's lock while the pipe blocks, and the renderer needs
// that lock to draw, so the two would deadlock. A lone ESC is told from
// the start of a sequence only by time: after one, Key pauses escGap so
// the next key is not read as Alt+key.
func (term *Term) Key(seq string) {
	term.t.Helper()
	written := make(chan error, 1)
	go func() {
		_, err := io.WriteString(term.emu.InputPipe(), seq)
		written <- err
	}()
	var err error
	select {
	case err = <-written:
	case <-term.done:
		// Closing the pipe ends a write the program never read; one it
		// read just before it ended (a quit key) has succeeded.
		term.closeInput()
		if err = <-written; err != nil {
			term.t.Fatalf("sending %q: the program ended (exit %d); screen:\n%s", seq, term.code, term.Text())
		}
	case <-time.After(time.Until(term.deadline)):
		term.t.Fatalf("sending %q: the program does not read its input; screen:\n%s", seq, term.Text())
	}
	if err != nil {
		term.t.Fatalf("sending %q: %v", seq, err)
	}
	if seq == "\x1b" {
		time.Sleep(escGap)
	}
}

// Type sends text as typed keys.
func (term *Term) Type(s string) { term.t.Helper(); term.Key(s) }

// Done is closed when the program has returned.
func (term *Term) Done() <-chan struct{} { return term.done }

// Exited reports the exit code if the program has returned.
func (term *Term) Exited() (code int, ok bool) {
	select {
	case <-term.done:
		return term.code, true
	default:
		return 0, false
	}
}

// Wait waits for the program to return and gives its exit code; at the
// deadline it fails the test.
func (term *Term) Wait() int {
	term.t.Helper()
	select {
	case <-term.done:
		return term.code
	case <-time.After(time.Until(term.deadline)):
		term.t.Fatalf("the program did not end; screen:\n%s", term.Text())
		return 0
	}
}

// Stop cancels the program's context (it should return; Wait tells).
func (term *Term) Stop() { term.cancel() }

// escGap is how long Key pauses after a lone ESC: five times the input
// reader's 50 ms escape timeout (ultraviolet.DefaultEscTimeout), because
// under -race on a loaded machine the reader's timer can fire late, and a
// key that arrives before it is read as Alt+key.
const escGap = 250 * time.Millisecond
