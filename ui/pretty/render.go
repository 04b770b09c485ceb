package pretty

import (
	"encoding/binary"

	"github.com/authlab/authlab/ui/sanitize"
)

// SGR codes added by renderJSON. Each style is ended by resetting only the
// attributes it set (default foreground 39, normal intensity 22), not with
// a full reset, so that highlighted JSON can sit inside a caller's styles.
const (
	keyOn    = "\x1b[1;34m" // object keys: bold blue
	keyFG    = "\x1b[34m"   // back to the key colour after an escape
	keyOff   = "\x1b[22;39m"
	stringOn = "\x1b[32m" // string values: green
	escapeOn = "\x1b[35m" // escapes in strings, \n, \u001b, \x9b: magenta
	numberOn = "\x1b[36m" // numbers: cyan
	boolOn   = "\x1b[33m" // true, false: yellow
	nullOn   = "\x1b[90m" // null: grey
	fgOff    = "\x1b[39m"
	punctOn  = "\x1b[1m" // { } [ ] : , bold
	punctOff = "\x1b[22m"
)

// SWAR constants for looking at eight bytes at a time.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// maxDepth is encoding/json's nesting limit, so that renderJSON accepts
// exactly what json.Valid accepts.
const maxDepth = 10000

// Results of renderJSON.
const (
	rendered = iota // valid JSON, rendered
	invalid         // not valid JSON
	tooDeep         // valid JSON, but indenting it would take too much space
)

// indentBudget bounds the indentation renderJSON may add for a body of n
// bytes. Indentation grows with depth × lines, so without a bound 20 KB of
// nested brackets (which json.Valid accepts up to depth 10000) would indent
// to 200 MB, and a 20 MB body of them to terabytes: a hostile server could
// exhaust the client's memory. Ordinary documents stay far below four
// bytes of indentation per byte of body; the constant lets small documents
// nest as they like.
func indentBudget(n int) int {
	return 4*n + 1<<20
}

// States of renderJSON's parser: what may come next.
const (
	wantValue = iota // a value: at the top, after ':', after '[' or ',' in an array
	wantKey          // a key: after '{' or ',' in an object
	wantColon        // the ':' after a key
	wantNext         // ',' or a closing bracket, or the end after the top value
)

// renderJSON checks that body is valid JSON — accepting exactly what
// encoding/json's Valid accepts, which the tests and fuzz targets check —
// and, in the same single pass, re-indents it: two spaces per level, one
// element per line, keys in their original order, empty containers as {}
// and [], a newline at the end, the layout of encoding/json's Indent. It
// never decodes anything: every string, number and literal is copied token
// by token, so "\u001b[31m" stays those ten characters. ok is false, and
// out meaningless, if body is not valid JSON; res is tooDeep if it is valid
// but nested so deeply that indenting it would exceed indentBudget.
//
// The body's text reaches the output only through string tokens, which go
// through sanitize.Bytes before they are appended (and, with color, before
// any code is put around them), and through the structure, digits and
// letters of numbers and true/false/null, which the parser has checked to
// be printable ASCII; the whitespace between tokens, including the CR that
// JSON allows there, is dropped. dirty says whether the string tokens need
// sanitizing: Body passes false only when sanitize.Bytes found nothing to
// escape in the whole body, and then nothing in any token needs it either,
// which saves a call per token on the common, clean body.
//
// With color, keys, strings, escapes inside strings (JSON's own and the
// sanitizer's), numbers, booleans, null and punctuation get SGR codes. No
// style spans a newline, so every line is self-contained.
//
// Validating and rendering together (rather than json.Valid, then an
// indenter, then a highlighter) reads the body once and allocates the
// output once, which is what makes 20 MB bodies fast enough.
func renderJSON(body []byte, color, dirty bool) (out []byte, res int) {
	// Indenting a compact API response typically makes it 1.6 times as
	// large and highlighting it 4 times; starting at about the final size
	// avoids copying a 20 MB body several times while it grows.
	size := 2*len(body) + 64
	if color {
		size *= 2
	}
	r := renderer{dst: make([]byte, 0, size), color: color, dirty: dirty, punctEnd: -1, budget: indentBudget(len(body))}
	var stack []byte // the open containers, '{' or '['
	state := wantValue
	for i := 0; ; {
		i = skipSpace(body, i)
		if i == len(body) {
			if state != wantNext || len(stack) > 0 {
				return nil, invalid
			}
			if r.budget < 0 {
				return nil, tooDeep
			}
			return append(r.dst, '\n'), rendered
		}
		c := body[i]
		switch state {
		case wantValue:
			switch c {
			case '{', '[':
				if len(stack) >= maxDepth {
					return nil, invalid
				}
				closer, next := byte('}'), wantKey
				if c == '[' {
					closer, next = ']', wantValue
				}
				if j := skipSpace(body, i+1); j < len(body) && body[j] == closer {
					r.punct(c)
					r.punct(closer)
					i, state = j+1, wantNext
					continue
				}
				stack = append(stack, c)
				r.punct(c)
				r.newline(len(stack))
				i, state = i+1, next
			case '"':
				end := scanString(body, i)
				if end < 0 {
					return nil, invalid
				}
				r.str(body[i:end], false)
				i, state = end, wantNext
			case 't', 'f', 'n':
				end := scanLiteral(body, i)
				if end < 0 {
					return nil, invalid
				}
				r.scalar(body[i:end])
				i, state = end, wantNext
			default:
				end := scanNumber(body, i)
				if end < 0 {
					return nil, invalid
				}
				r.scalar(body[i:end])
				i, state = end, wantNext
			}
		case wantKey:
			end := -1
			if c == '"' {
				end = scanString(body, i)
			}
			if end < 0 {
				return nil, invalid
			}
			r.str(body[i:end], true)
			i, state = end, wantColon
		case wantColon:
			if c != ':' {
				return nil, invalid
			}
			r.punct(c)
			r.dst = append(r.dst, ' ')
			i, state = i+1, wantValue
		case wantNext:
			if len(stack) == 0 {
				return nil, invalid // something after the top value
			}
			top := stack[len(stack)-1]
			switch {
			case c == ',':
				r.punct(c)
				r.newline(len(stack))
				i, state = i+1, wantValue
				if top == '{' {
					state = wantKey
				}
			case c == '}' && top == '{', c == ']' && top == '[':
				stack = stack[:len(stack)-1]
				r.newline(len(stack))
				r.punct(c)
				i++
			default:
				return nil, invalid
			}
		}
	}
}

// renderer holds the output of renderJSON and how to render.
type renderer struct {
	dst      []byte
	color    bool
	dirty    bool // string tokens need sanitizing
	punctEnd int  // len(dst) right after the last punctuation span, or -1
	budget   int  // indentation bytes left; below 0, stop indenting
}

// spaces is indentation for up to 32 levels at a time.
const spaces = "                                                                "

// newline starts a new line indented for depth. Once the indentation
// budget is spent it does nothing: the parse still runs to the end, to tell
// invalid JSON (shown as text) from JSON too deep to indent.
func (r *renderer) newline(depth int) {
	if r.budget -= 2 * depth; r.budget < 0 {
		// Keep memory bounded while the parse goes on; the output
		// will be thrown away.
		r.budget, r.dst, r.punctEnd = -1, r.dst[:0], -1
		return
	}
	r.dst = append(r.dst, '\n')
	for n := 2 * depth; n > 0; n -= len(spaces) {
		r.dst = append(r.dst, spaces[:min(n, len(spaces))]...)
	}
}

// punct appends one punctuation byte, in bold with color; punctuation
// that follows punctuation directly or after one space, such as "}," or
// ": [", shares its span.
func (r *renderer) punct(c byte) {
	if !r.color {
		r.dst = append(r.dst, c)
		return
	}
	switch n := len(r.dst); {
	case n == r.punctEnd:
		r.dst = append(r.dst[:n-len(punctOff)], c)
	case r.punctEnd > 0 && n == r.punctEnd+1 && r.dst[n-1] == ' ':
		r.dst = append(r.dst[:r.punctEnd-len(punctOff)], ' ', c)
	default:
		r.dst = append(append(r.dst, punctOn...), c)
	}
	r.dst = append(r.dst, punctOff...)
	r.punctEnd = len(r.dst)
}

// str sanitizes a string token (quotes included) and appends it, as a key
// or a value.
func (r *renderer) str(tok []byte, key bool) {
	if r.dirty {
		tok = sanitize.Bytes(tok)
	}
	if !r.color {
		r.dst = append(r.dst, tok...)
		return
	}
	on, fg, off := stringOn, stringOn, fgOff
	if key {
		on, fg, off = keyOn, keyFG, keyOff
	}
	r.dst = append(r.dst, on...)
	r.dst = appendString(r.dst, tok, fg)
	r.dst = append(r.dst, off...)
}

// scalar appends a number or true/false/null.
func (r *renderer) scalar(tok []byte) {
	if !r.color {
		r.dst = append(r.dst, tok...)
		return
	}
	on := numberOn
	switch tok[0] {
	case 't', 'f':
		on = boolOn
	case 'n':
		on = nullOn
	}
	r.dst = append(r.dst, on...)
	r.dst = append(r.dst, tok...)
	r.dst = append(r.dst, fgOff...)
}

// scanString returns the index just past the end of the JSON string that
// starts at b[i] == '"', or -1 if it is not a valid JSON string: it must be
// closed, contain no byte below 0x20, and use only the escapes \" \\ \/ \b
// \f \n \r \t and \uXXXX. Like encoding/json it does not require valid
// UTF-8 (the sanitizer deals with that).
func scanString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		// Skip eight bytes at a time while none is '"', '\\' or below
		// 0x20 (the (v-ones)&^v&highs tests are exact for "any byte").
		for j+8 <= len(b) {
			w := binary.LittleEndian.Uint64(b[j:])
			q, bs := w^(ones*'"'), w^(ones*'\\')
			if ((w-ones*0x20)&^w|(q-ones)&^q|(bs-ones)&^bs)&highs != 0 {
				break
			}
			j += 8
		}
		if j >= len(b) {
			break
		}
		switch c := b[j]; {
		case c == '"':
			return j + 1
		case c < 0x20:
			return -1
		case c == '\\':
			if j+1 >= len(b) {
				return -1
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if j+5 >= len(b) || !isHex(b[j+2]) || !isHex(b[j+3]) || !isHex(b[j+4]) || !isHex(b[j+5]) {
					return -1
				}
				j += 5
			default:
				return -1
			}
		}
	}
	return -1
}

// scanNumber returns the index just past the JSON number that starts at
// b[i], or -1 if there is none:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i+1)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

// skipDigits returns the index of the first byte at or after i that is not
// a decimal digit.
func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// scanLiteral returns the index just past true, false or null at b[i], or
// -1 if none of them is there.
func scanLiteral(b []byte, i int) int {
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
			return i + len(lit)
		}
	}
	return -1
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// appendString appends a sanitized string token, switching to the escape
// colour for each run of escapes and back to fg after it.
func appendString(dst, s []byte, fg string) []byte {
	clean := 0
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			i++
			continue
		}
		dst = append(dst, s[clean:i]...)
		start := i
		for i < len(s) && s[i] == '\\' {
			i += escapeLen(s, i)
		}
		i = min(i, len(s))
		dst = append(dst, escapeOn...)
		dst = append(dst, s[start:i]...)
		dst = append(dst, fg...)
		clean = i
	}
	return append(dst, s[clean:]...)
}

// escapeLen returns the length of the escape starting at s[i] == '\\':
// 6 for \uXXXX, 4 for the sanitizer's \xHH, 2 otherwise; shorter if the
// hex digits are not all there.
func escapeLen(s []byte, i int) int {
	n := 2
	if i+1 < len(s) {
		switch s[i+1] {
		case 'u':
			n = 6
		case 'x':
			n = 4
		}
	}
	for k := i + 2; k < i+n; k++ {
		if k >= len(s) || !isHex(s[k]) {
			return k - i
		}
	}
	return n
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
