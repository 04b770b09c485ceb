package sanitizetest

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/vt"
)

// unsafeRune reports whether r must never reach a terminal from server
// text: C1 controls and the bidi and invisible format characters the
// sanitizer escapes (listed here independently of it).
func unsafeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200b, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029, r == 0xfeff:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x2069:
		return true
	}
	return false
}

// CheckOutput returns an error describing the first byte of out that a
// front end must never write: a C0 control other than newline and tab,
// DEL, a byte that is not valid UTF-8 (a raw 0x9B is an 8-bit CSI), a C1
// code point or a bidi/invisible format character. With sgr, ESC is allowed
// only as the start of an SGR sequence `ESC [ digits/;/: m` (authlab's own
// colours); without, not at all.
func CheckOutput(out []byte, sgr bool) error {
	for i := 0; i < len(out); {
		c := out[i]
		switch {
		case c == 0x1b && sgr:
			n := sgrLen(out[i:])
			if n == 0 {
				return fmt.Errorf("ESC at byte %d does not start an SGR sequence: %q", i, around(out, i))
			}
			i += n
			continue
		case c == '\n' || c == '\t':
		case c < 0x20 || c == 0x7f:
			return fmt.Errorf("control byte %#02x at byte %d: %q", c, i, around(out, i))
		case c >= 0x80:
			r, size := utf8.DecodeRune(out[i:])
			if r == utf8.RuneError && size == 1 {
				return fmt.Errorf("byte %#02x at byte %d is not valid UTF-8: %q", c, i, around(out, i))
			}
			if unsafeRune(r) {
				return fmt.Errorf("%U at byte %d: %q", r, i, around(out, i))
			}
			i += size
			continue
		}
		i++
	}
	return nil
}

// sgrLen returns the length of the SGR sequence at the start of b, or 0.
func sgrLen(b []byte) int {
	if len(b) < 3 || b[0] != 0x1b || b[1] != '[' {
		return 0
	}
	for i := 2; i < len(b); i++ {
		switch c := b[i]; {
		case c >= '0' && c <= '9', c == ';', c == ':':
		case c == 'm':
			return i + 1
		default:
			return 0
		}
	}
	return 0
}

func around(b []byte, i int) []byte {
	return b[max(0, i-30):min(len(b), i+30)]
}

// StringSequences lists every OSC, DCS, APC, SOS and PM sequence in out
// (7-bit introducers; CheckOutput catches the 8-bit ones), with the bytes
// that follow its introducer, for the TUI whose renderer legitimately writes
// CSI sequences but has no reason to write any of these.
func StringSequences(out []byte) []string {
	var found []string
	for i := 0; i+1 < len(out); i++ {
		if out[i] != 0x1b {
			continue
		}
		switch out[i+1] {
		case ']', 'P', '_', 'X', '^':
			found = append(found, string(out[i:min(len(out), i+24)]))
		}
	}
	return found
}

// Visible reports whether want shows in text, comparing with every white
// space removed from both: a front end may wrap a long value over lines.
func Visible(text, want string) bool {
	return strings.Contains(stripSpace(text), stripSpace(want))
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// Terminal is a terminal emulator (charmbracelet/x/vt) that records what
// hostile output would have done to a real terminal: title and icon name
// changes (OSC 0/1/2), clipboard writes (OSC 52), bells, and any DCS, APC,
// SOS, PM or other OSC sequence it received. Hyperlinks (OSC 8) and
// concealed text (SGR 8) are found in its cells by Check.
type Terminal struct {
	*vt.SafeEmulator

	mu     sync.Mutex
	events []string
}

// NewTerminal returns a w×h terminal.
func NewTerminal(w, h int) *Terminal {
	t := &Terminal{SafeEmulator: vt.NewSafeEmulator(w, h)}
	t.SetCallbacks(vt.Callbacks{
		Title:    func(s string) { t.record("title set to %q", s) },
		IconName: func(s string) { t.record("icon name set to %q", s) },
		Bell:     func() { t.record("bell") },
	})
	t.RegisterOscHandler(52, func(data []byte) bool { t.record("clipboard write OSC %q", data); return true })
	t.RegisterApcHandler(func(data []byte) bool { t.record("APC %q", data); return true })
	t.RegisterSosHandler(func(data []byte) bool { t.record("SOS %q", data); return true })
	t.RegisterPmHandler(func(data []byte) bool { t.record("PM %q", data); return true })
	t.SetLogger(logger{t})
	return t
}

// logger records the emulator's reports of sequences it did not handle
// (any DCS, an OSC other than the ones it knows).
type logger struct{ t *Terminal }

func (l logger) Printf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	if strings.Contains(msg, "DCS") || strings.Contains(msg, "OSC") {
		l.t.record("%s", msg)
	}
}

func (t *Terminal) record(format string, v ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events = append(t.events, fmt.Sprintf(format, v...))
}

// Reset clears the screen, homes the cursor, resets the style and forgets
// the recorded events, so that one terminal can serve many cases (making
// an emulator costs more than most cases).
func (t *Terminal) Reset() {
	t.Write([]byte("\x1b]8;;\x1b\\\x1b[0m\x1b[H\x1b[2J"))
	t.mu.Lock()
	defer t.mu.Unlock()
	t.events = nil
}

// Pool hands out n terminals of one size to parallel subtests.
type Pool chan *Terminal

// NewPool makes n w×h terminals.
func NewPool(n, w, h int) Pool {
	p := make(Pool, n)
	for range n {
		p <- NewTerminal(w, h)
	}
	return p
}

// Get takes a terminal, reset, and gives it back when the test ends.
func (p Pool) Get(tb interface{ Cleanup(func()) }) *Terminal {
	t := <-p
	t.Reset()
	tb.Cleanup(func() { p <- t })
	return t
}

// Events returns what the terminal recorded.
func (t *Terminal) Events() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.events...)
}

// Check returns an error if the terminal recorded any event other than
// the allowed ones (the program's own, e.g. `title set to "authlab"`), or
// if a cell on its screen is a hyperlink or concealed.
func (t *Terminal) Check(allowed ...string) error {
	var bad []string
	for _, ev := range t.Events() {
		ok := false
		for _, a := range allowed {
			ok = ok || ev == a
		}
		if !ok {
			bad = append(bad, ev)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("the terminal obeyed hostile output: %s", strings.Join(bad, "; "))
	}
	w, h := t.Width(), t.Height()
	for y := range h {
		for x := range w {
			c := t.CellAt(x, y)
			if c == nil {
				continue
			}
			if c.Link.URL != "" {
				return fmt.Errorf("cell (%d,%d) %q is a hyperlink to %q", x, y, c.Content, c.Link.URL)
			}
			if c.Style.Attrs&uv.AttrConceal != 0 {
				return fmt.Errorf("cell (%d,%d) %q is concealed", x, y, c.Content)
			}
		}
	}
	return nil
}

// Text is the screen's text, lines without trailing spaces. It reads the
// screen under the emulator's lock (SafeEmulator.Render), so it is safe
// while a program writes.
func (t *Terminal) Text() string {
	lines := strings.Split(ansi.Strip(t.Render()), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// Tee is a writer that writes to a terminal and keeps a copy of every byte.
type Tee struct {
	mu   sync.Mutex
	term *Terminal
	buf  bytes.Buffer
}

// NewTee returns a writer into term that records the bytes written.
func NewTee(term *Terminal) *Tee { return &Tee{term: term} }

func (w *Tee) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(p)
	w.mu.Unlock()
	return w.term.Write(p)
}

// Bytes returns a copy of everything written so far.
func (w *Tee) Bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.buf.Bytes())
}
