package pretty

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// xmlType reports whether a media type names XML: application/xml,
// text/xml, or any +xml suffix (RFC 7303 section 4.1).
func xmlType(mt string) bool {
	return mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml")
}

// renderXML re-indents a well-formed XML body by two spaces per level,
// one element per line, an element holding only text on one line. It reads
// the body with encoding/xml's RawToken (which keeps namespace prefixes)
// and copies each token's original bytes (via InputOffset), so entities,
// quotes and CDATA are kept as sent; only whitespace between tokens is
// changed, and text is trimmed. ok is false on malformed XML (a mismatched
// end tag, a second root, text outside the root, a charset it cannot read)
// and when the nesting exceeds maxDepth or the indentation indentBudget,
// the bound JSON has, so that hostile nesting cannot exhaust memory; the
// caller then shows the body as text. The output is not sanitized yet.
func renderXML(body []byte) (out []byte, ok bool) {
	d := xml.NewDecoder(bytes.NewReader(body))
	budget := indentBudget(len(body))
	out = make([]byte, 0, len(body)+len(body)/4)
	var stack []string
	var pending []byte // a start tag whose line is still open
	var text []byte    // text after pending, before its end tag
	roots := 0
	line := func(depth int, b ...[]byte) bool {
		if len(out) > 0 {
			out = append(out, '\n')
		}
		budget -= 2 * depth
		if budget < 0 {
			return false
		}
		for range depth {
			out = append(out, ' ', ' ')
		}
		for _, p := range b {
			out = append(out, p...)
		}
		return true
	}
	flush := func() bool {
		if pending == nil {
			return true
		}
		ok := line(len(stack)-1, pending)
		if ok && text != nil {
			ok = line(len(stack), text)
		}
		pending, text = nil, nil
		return ok
	}
	prev := d.InputOffset()
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false
		}
		off := d.InputOffset()
		raw := body[prev:off]
		prev = off
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				if roots++; roots > 1 {
					return nil, false
				}
			}
			if !flush() {
				return nil, false
			}
			stack = append(stack, t.Name.Space+":"+t.Name.Local)
			if len(stack) > maxDepth {
				return nil, false
			}
			pending = raw
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1] != t.Name.Space+":"+t.Name.Local {
				return nil, false
			}
			switch {
			case pending != nil && len(raw) == 0: // <a/>: the start tag holds it all
				ok = line(len(stack)-1, pending)
			case pending != nil:
				ok = line(len(stack)-1, pending, text, raw)
			default:
				ok = line(len(stack)-1, raw)
			}
			if !ok {
				return nil, false
			}
			pending, text = nil, nil
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
			if len(stack) == 0 {
				return nil, false
			}
			tr := bytes.TrimSpace(raw)
			if pending != nil && text == nil {
				text = tr
				continue
			}
			if !flush() || !line(len(stack), tr) {
				return nil, false
			}
		default: // comment, processing instruction, directive
			if !flush() || !line(len(stack), bytes.TrimSpace(raw)) {
				return nil, false
			}
		}
	}
	if len(stack) != 0 || roots != 1 {
		return nil, false
	}
	return append(out, '\n'), true
}
