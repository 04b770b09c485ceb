// Package sanitizetest holds what the terminal-injection tests of authlab's
// front ends share: the hostile payloads, a hostile loopback server that puts
// each of them into each place of an HTTP response a server controls, and
// the checks of the bytes a front end wrote and of the terminal emulator
// they were written to. Only tests import it.
//
// The guarantee under test (README "What authlab guarantees", issue #7 item
// 2): text a server chose never reaches the terminal as a control sequence;
// it is shown as visible escaped text (`\x1b]52;`), in `authlab send` to a
// pipe or a terminal, in --json output and in the TUI.
package sanitizetest

import (
	"strings"
	"unicode/utf8"
)

// Payload is one hostile string a server may send.
type Payload struct {
	Name string
	// Raw is the bytes the server sends.
	Raw string
	// Shown is the visible escaped form a front end must show in place of
	// Raw (the sanitizer's escapes: `\x1b`, `\x9b`, `\u202e`), written out
	// by hand so that a change of the escaping shows up as a failure.
	Shown string
	// ViaJSON is the visible form after the payload travelled as a JSON
	// string escaped with JSONEscape and was decoded (raw bytes 0x80–0xFF
	// become the code points U+0080–U+00FF), when it differs from Shown.
	ViaJSON string
	// Sign is what the payload would do to a terminal, for messages.
	Sign string
}

// ShownViaJSON is the visible form of p after a JSON round trip.
func (p Payload) ShownViaJSON() string {
	if p.ViaJSON != "" {
		return p.ViaJSON
	}
	return p.Shown
}

// Decoded is Raw as it reads after a JSON round trip through JSONEscape:
// every byte that is not part of valid UTF-8 becomes the code point of the
// same number.
func (p Payload) Decoded() string {
	var b strings.Builder
	for i := 0; i < len(p.Raw); {
		r, size := utf8.DecodeRuneInString(p.Raw[i:])
		if r == utf8.RuneError && size == 1 {
			r = rune(p.Raw[i])
		}
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// ASCII reports whether Raw is all 7-bit, so that it fits where only ASCII
// is allowed (an IA5String DNS name in a certificate).
func (p Payload) ASCII() bool {
	for i := 0; i < len(p.Raw); i++ {
		if p.Raw[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Payloads returns the hostile payloads of issue #7 item 2: OSC 52, OSC 8,
// OSC 0/2, DCS, APC, CSI, SGR 8, bare CR, BS, BEL, NUL, 8-bit C1 bytes,
// UTF-8 encoded C1 code points, bidi and invisible format characters, DEL.
// None contains a newline or a tab (which one-line places escape and
// multi-line places keep), so Shown is the same in both.
func Payloads() []Payload {
	return []Payload{
		{Name: "osc52-bel", Raw: "\x1b]52;c;cHduZWQ=\x07", Shown: `\x1b]52;c;cHduZWQ=\x07`, Sign: "clipboard write"},
		{Name: "osc52-st", Raw: "\x1b]52;c;cHduZWQ=\x1b\\", Shown: `\x1b]52;c;cHduZWQ=\x1b\`, Sign: "clipboard write"},
		{Name: "osc8-link", Raw: "\x1b]8;;https://evil.example/\x1b\\bank\x1b]8;;\x1b\\", Shown: `\x1b]8;;https://evil.example/\x1b\bank\x1b]8;;\x1b\`, Sign: "hyperlink"},
		{Name: "osc0-title", Raw: "\x1b]0;PWNED-TITLE\x07", Shown: `\x1b]0;PWNED-TITLE\x07`, Sign: "window title"},
		{Name: "osc2-title", Raw: "\x1b]2;PWNED-TITLE\x1b\\", Shown: `\x1b]2;PWNED-TITLE\x1b\`, Sign: "window title"},
		{Name: "dcs", Raw: "\x1bP+q544e\x1b\\", Shown: `\x1bP+q544e\x1b\`, Sign: "DCS request"},
		{Name: "apc", Raw: "\x1b_Gf=100;AAAA\x1b\\", Shown: `\x1b_Gf=100;AAAA\x1b\`, Sign: "APC (kitty graphics)"},
		{Name: "csi-clear", Raw: "\x1b[2Jcleared", Shown: `\x1b[2Jcleared`, Sign: "clear screen"},
		{Name: "csi-home", Raw: "\x1b[Hhome", Shown: `\x1b[Hhome`, Sign: "cursor home"},
		{Name: "csi-up", Raw: "\x1b[10Aup", Shown: `\x1b[10Aup`, Sign: "cursor up"},
		{Name: "sgr8-conceal", Raw: "\x1b[8mhidden\x1b[0m", Shown: `\x1b[8mhidden\x1b[0m`, Sign: "concealed text"},
		{Name: "bare-cr", Raw: "token=SECRET\rtoken=******", Shown: `token=SECRET\x0dtoken=******`, Sign: "line overwrite"},
		{Name: "bs", Raw: "pass\b\b\b\bxxxx", Shown: `pass\x08\x08\x08\x08xxxx`, Sign: "overwrite by backspace"},
		{Name: "bel", Raw: "ding\a", Shown: `ding\x07`, Sign: "bell"},
		{Name: "nul", Raw: "nul\x00byte", Shown: `nul\x00byte`, Sign: "NUL"},
		{Name: "raw-9b", Raw: "csi8\x9b2J", Shown: `csi8\x9b2J`, ViaJSON: `csi8\u009b2J`, Sign: "8-bit CSI"},
		{Name: "raw-90", Raw: "dcs8\x90+q544e\x9c", Shown: `dcs8\x90+q544e\x9c`, ViaJSON: `dcs8\u0090+q544e\u009c`, Sign: "8-bit DCS"},
		{Name: "raw-9d", Raw: "osc8bit\x9d0;PWNED-TITLE\x9c", Shown: `osc8bit\x9d0;PWNED-TITLE\x9c`, ViaJSON: `osc8bit\u009d0;PWNED-TITLE\u009c`, Sign: "8-bit OSC"},
		{Name: "utf8-c1-85", Raw: "nel\u0085line", Shown: `nel\u0085line`, Sign: "UTF-8 NEL"},
		{Name: "utf8-c1-9b", Raw: "csi\u009b2J", Shown: `csi\u009b2J`, Sign: "UTF-8 encoded CSI"},
		{Name: "utf8-c1-9d", Raw: "osc\u009d0;PWNED-TITLE\u009c", Shown: `osc\u009d0;PWNED-TITLE\u009c`, Sign: "UTF-8 encoded OSC"},
		{Name: "bidi-rlo", Raw: "invoice\u202efdp.exe", Shown: `invoice\u202efdp.exe`, Sign: "right-to-left override"},
		{Name: "bidi-isolates", Raw: "\u2066a\u2067b\u2068c\u2069", Shown: `\u2066a\u2067b\u2068c\u2069`, Sign: "bidi isolates"},
		{Name: "bidi-rlm", Raw: "x\u200fy", Shown: `x\u200fy`, Sign: "right-to-left mark"},
		{Name: "del", Raw: "del\x7fete", Shown: `del\x7fete`, Sign: "DEL"},
	}
}

// JSONEscape returns s as the inside of a JSON string in which every byte
// or code point outside printable ASCII is a \u escape, so the JSON text
// itself is pure printable ASCII: ESC is \u001b, U+202E is \u202e, and a
// byte that is not valid UTF-8 is escaped as the code point of the same
// number (0x9B as \u009b). `"` and `\` get their short escapes.
func JSONEscape(s string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			r = rune(s[i])
		}
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r > 0xffff:
			b.WriteString(s[i : i+size]) // printable astral code points stay
		default:
			b.WriteString(`\u`)
			b.WriteByte(hex[r>>12&0xf])
			b.WriteByte(hex[r>>8&0xf])
			b.WriteByte(hex[r>>4&0xf])
			b.WriteByte(hex[r&0xf])
		}
		i += size
	}
	return b.String()
}

// QuotedString returns s as an RFC 9110 §5.6.4 quoted-string.
func QuotedString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
