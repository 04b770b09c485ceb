// Package sanitize is the one place where text that came from a server is
// made safe to write to a terminal.
//
// Everything authlab shows that a server chose — response bodies, the status
// reason phrase, header values, redirect URLs, challenge parameters, and error
// strings that embed any of those (TLS errors quote certificate names
// verbatim) — must pass through [String], [Bytes] or [Line] before it reaches
// a terminal, both in `authlab send` and in the TUI.
//
// Server text is hostile. A terminal emulator obeys control sequences embedded
// in the text it prints: OSC 52 writes the user's clipboard, OSC 8 makes the
// text "bank" a hyperlink to somewhere else, OSC 0/2 retitle the window,
// CSI 2J clears the screen, SGR 8 hides text, DCS and APC strings reach
// terminal extensions, and a bare CR or BS lets "token=SECRET\rtoken=******"
// display as the masked line. Bidirectional and invisible format characters
// (U+202E and friends) reorder or hide text without any escape byte at all.
// The same class of bug has been reported against widely used tools:
// kubectl CVE-2021-25743 (object fields printed raw), git CVE-2024-52005
// (remote sideband messages printed raw) and less CVE-2022-46663.
//
// The sanitizer escapes instead of stripping: the user sees that something
// was there (`\x1b]52;c;...`) and hostile text cannot glue the surrounding
// text together into something else. Stripping libraries are not a
// substitute: charmbracelet/x/ansi.Strip removes CSI/OSC/DCS sequences but
// keeps CR, BS, BEL, NUL, DEL, C1 code points and bidi controls, and an
// unterminated OSC swallows the rest of the string; a styling layer such as
// Lip Gloss re-emits OSC 8 links and honours SGR 8. Sanitize first, style
// afterwards, so that the only escape sequences on the screen are ours.
//
// What is escaped, and how:
//
//   - every C0 control byte 0x00–0x1F except newline and tab (and, in
//     [Line], those too), and DEL 0x7F, as `\x1b`, `\x0d`, `\x7f`;
//   - every byte that is not part of valid UTF-8 (a raw 0x9B, which many
//     terminals read as an 8-bit CSI, a truncated sequence, an encoded
//     surrogate) as `\x9b`, one escape per byte;
//   - the C1 code points U+0080–U+009F as `\u009b`;
//   - the bidi and invisible format controls U+061C, U+200B, U+200E, U+200F,
//     U+2028, U+2029, U+202A–U+202E, U+2060–U+2069 and U+FEFF as `\u202e`.
//
// [JSON] (and [NewJSONWriter] around a json.Encoder) is the same rule for
// JSON output (`--json`, `history --json`, `profiles list --json`): what
// encoding/json leaves raw — DEL, C1 and the bidi/invisible format
// characters — becomes a \uXXXX escape, so the text decodes unchanged and
// the terminal sees only printable characters.
//
// Hex digits are lowercase. Everything else, that is all printable Unicode,
// passes unchanged. Backslashes are not escaped, so that JSON bodies stay
// readable; the price is that the output is not reversible (a literal `\x1b`
// in the input looks the same as an escaped ESC), which is acceptable because
// the output is for human eyes only. Because every escape is printable ASCII,
// sanitizing is idempotent: sanitizing sanitized text changes nothing.
package sanitize

import (
	"io"
	"unicode/utf8"
)

// hexDigits spells escapes in lowercase hex.
const hexDigits = "0123456789abcdef"

// text is the set of input types the generic core works on, so that String
// and Bytes share one implementation without converting (and copying) their
// input.
type text interface{ string | []byte }

// String returns s with every control byte, invalid UTF-8 byte, C1 code point
// and bidi/invisible format character replaced by a visible escape; newline
// and tab are kept. Use it for multi-line server text such as a response
// body. When nothing needs escaping, s itself is returned without allocating.
func String(s string) string {
	i := firstUnsafe(s, false)
	if i == len(s) {
		return s
	}
	return string(appendEscaped(make([]byte, 0, grownCap(len(s))), s, i, false))
}

// Bytes is [String] for byte slices, used on response bodies. When nothing
// needs escaping it returns b itself (the same slice, no allocation);
// otherwise it returns a newly allocated slice and leaves b untouched.
func Bytes(b []byte) []byte {
	i := firstUnsafe(b, false)
	if i == len(b) {
		return b
	}
	return appendEscaped(make([]byte, 0, grownCap(len(b))), b, i, false)
}

// Line is [String] for one-line contexts — the status reason phrase, header
// values, URLs, error strings — where a newline or tab from the server must
// not start a new line or shift columns: it also escapes newline as `\n` and
// tab as `\t`. The result never contains a byte below 0x20.
func Line(s string) string {
	i := firstUnsafe(s, true)
	if i == len(s) {
		return s
	}
	return string(appendEscaped(make([]byte, 0, grownCap(len(s))), s, i, true))
}

// grownCap is the capacity reserved for an escaped copy of n bytes: a little
// room for escapes so that text with a few of them is copied only once.
func grownCap(n int) int {
	return n + n/16 + 16
}

// SWAR constants for checking eight bytes at a time.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	space = 0x2020202020202020
)

// firstUnsafe returns the index of the first byte of s that starts something
// to escape (in line mode newline and tab count too), or len(s) if there is
// none.
func firstUnsafe[T text](s T, line bool) int {
	i := 0
	for i < len(s) {
		// Fast path: eight bytes that are all printable ASCII (0x20–0x7E).
		for i+8 <= len(s) {
			w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			// A byte < 0x20 sets its high bit in (w-space)&^w; a byte
			// >= 0x7F sets it in w+ones or in w itself. Both tests are exact
			// as "does any byte qualify", which is all that is needed.
			if ((w-space)&^w|(w+ones)|w)&highs != 0 {
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		// Slow path: one character.
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			i++
		case c == '\n' || c == '\t':
			if line {
				return i
			}
			i++
		case c < utf8.RuneSelf:
			return i
		default:
			r, size := decodeRune(s, i)
			if size == 1 || escapedRune(r) {
				return i
			}
			i += size
		}
	}
	return len(s)
}

// appendEscaped appends s to dst, escaping from index start on; s[:start] is
// known to be clean and is copied as is.
func appendEscaped[T text](dst []byte, s T, start int, line bool) []byte {
	dst = append(dst, s[:start]...)
	clean := start // s[clean:i] is clean and not yet copied
	i := start
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c == '\n' || c == '\t' {
			if !line {
				i++
				continue
			}
			dst = append(dst, s[clean:i]...)
			if c == '\n' {
				dst = append(dst, '\\', 'n')
			} else {
				dst = append(dst, '\\', 't')
			}
			i++
			clean = i
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[clean:i]...)
			dst = appendByteEscape(dst, c)
			i++
			clean = i
			continue
		}
		r, size := decodeRune(s, i)
		switch {
		case size == 1:
			dst = append(dst, s[clean:i]...)
			dst = appendByteEscape(dst, c)
		case escapedRune(r):
			dst = append(dst, s[clean:i]...)
			dst = append(dst, '\\', 'u',
				hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		clean = i
	}
	return append(dst, s[clean:]...)
}

// appendByteEscape appends the `\xHH` escape of c.
func appendByteEscape(dst []byte, c byte) []byte {
	return append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
}

// JSON makes JSON text that an encoder (encoding/json) produced safe for a
// terminal without changing what it decodes to. encoding/json escapes C0
// controls but writes DEL, the C1 controls U+0080–U+009F and the bidi and
// invisible format characters raw, and some terminals act on them (a raw
// U+009B is an 8-bit CSI to a terminal in UTF-8 mode that honours C1).
// JSON rewrites each of them, and DEL, as a `\uXXXX` escape, and any byte
// that is not valid UTF-8 as `\ufffd` (what a decoder would read). In an
// encoder's output these can only occur inside strings, where a \u escape
// is valid JSON; do not use JSON on text that is not an encoder's output.
// When nothing needs escaping, b itself is returned.
func JSON(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x7f {
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = decodeRune(b, i)
		}
		switch {
		case size == 1 && c >= utf8.RuneSelf:
			r = utf8.RuneError
		case r != 0x7f && !escapedRune(r):
			i += size
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b)+16)
		}
		out = append(out, b[last:i]...)
		out = append(out, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		i += size
		last = i
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// NewJSONWriter returns a writer that passes each Write through [JSON] to w.
// Every Write must be whole JSON text, which is what a json.Encoder on it
// does (one Write per Encode): use it as json.NewEncoder(NewJSONWriter(w)).
func NewJSONWriter(w io.Writer) io.Writer { return jsonWriter{w} }

type jsonWriter struct{ w io.Writer }

func (j jsonWriter) Write(p []byte) (int, error) {
	if _, err := j.w.Write(JSON(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Escaped reports whether the code point r is shown as a `\uXXXX` escape:
// the C1 controls and the bidi and invisible format characters. Encoders that
// escape on their own can use it to escape the same set (see also [JSON]).
func Escaped(r rune) bool { return escapedRune(r) }

// escapedRune reports whether r, a validly encoded code point, is one of
// the C1 controls or the bidi/invisible format characters shown as `\uXXXX`.
// All of them are in the Basic Multilingual Plane, so four hex digits do.
func escapedRune(r rune) bool {
	switch {
	case r < 0xa0:
		return r >= 0x80 // C1 controls U+0080–U+009F
	case r < 0x061c:
		return false
	case r == 0x061c: // ARABIC LETTER MARK
		return true
	case r < 0x200b:
		return false
	case r == 0x200b, r == 0x200e, r == 0x200f: // ZWSP, LRM, RLM
		return true
	case r <= 0x200d: // ZWNJ and ZWJ shape Persian, Indic scripts and emoji sequences
		return false
	case r < 0x2028:
		return false
	case r <= 0x202e: // LINE/PARAGRAPH SEPARATOR, LRE, RLE, PDF, LRO, RLO
		return true
	case r < 0x2060:
		return false
	case r <= 0x2069: // WORD JOINER … LRI, RLI, FSI, PDI
		return true
	default:
		return r == 0xfeff // ZERO WIDTH NO-BREAK SPACE (BOM)
	}
}

// decodeRune decodes the UTF-8 sequence starting at s[i], which is a byte
// >= 0x80. Like utf8.DecodeRune it returns size 1 for anything that is not
// valid UTF-8 (bad lead byte, bad or missing continuation, overlong form,
// surrogate, above U+10FFFF). It exists so that one generic implementation
// serves both strings and byte slices.
func decodeRune[T text](s T, i int) (rune, int) {
	const bad = utf8.RuneError
	c0 := s[i]
	n := len(s) - i
	// lo and hi bound the first continuation byte; the others are 80–BF.
	var size int
	lo, hi := byte(0x80), byte(0xbf)
	switch {
	case c0 < 0xc2:
		return bad, 1 // continuation byte or overlong 2-byte lead
	case c0 < 0xe0:
		size = 2
	case c0 < 0xf0:
		size = 3
		switch c0 {
		case 0xe0:
			lo = 0xa0 // overlong
		case 0xed:
			hi = 0x9f // surrogates
		}
	case c0 < 0xf5:
		size = 4
		switch c0 {
		case 0xf0:
			lo = 0x90 // overlong
		case 0xf4:
			hi = 0x8f // above U+10FFFF
		}
	default:
		return bad, 1
	}
	if n < size {
		return bad, 1
	}
	c1 := s[i+1]
	if c1 < lo || c1 > hi {
		return bad, 1
	}
	switch size {
	case 2:
		return rune(c0&0x1f)<<6 | rune(c1&0x3f), 2
	case 3:
		c2 := s[i+2]
		if c2 < 0x80 || c2 > 0xbf {
			return bad, 1
		}
		return rune(c0&0x0f)<<12 | rune(c1&0x3f)<<6 | rune(c2&0x3f), 3
	default:
		c2, c3 := s[i+2], s[i+3]
		if c2 < 0x80 || c2 > 0xbf || c3 < 0x80 || c3 > 0xbf {
			return bad, 1
		}
		return rune(c0&0x07)<<18 | rune(c1&0x3f)<<12 | rune(c2&0x3f)<<6 | rune(c3&0x3f), 4
	}
}
