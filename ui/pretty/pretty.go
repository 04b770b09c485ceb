// Package pretty renders an HTTP response body for a terminal: JSON is
// indented (and optionally highlighted), other text is shown as is, binary
// content is summarised in one line, and in every case each byte the server
// sent has passed [sanitize.Bytes] before it is written, so a hostile body
// cannot drive the terminal.
//
// The order matters: server text is sanitized before any styling is added,
// so the sanitizer never sees (and never has to tell apart) our own escape
// sequences, and the only escape sequences in the output are the SGR colour
// codes this package adds. JSON is re-indented token by token without
// decoding it: strings keep their original escapes, so a body containing
// "\u001b[31m" is shown as those ten characters, never as a raw ESC (which is
// what decoding with encoding/json and re-encoding with MarshalIndent would
// produce).
package pretty

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/authlab/authlab/ui/sanitize"
)

// Kind says how a body was rendered, so that callers can label it (and
// offer, say, saving a binary body instead of showing it).
type Kind int

const (
	// Empty is a body of zero bytes; the rendered output is empty too.
	Empty Kind = iota
	// Text is any body shown as sanitized text: plain text, HTML, XML,
	// and bodies labelled JSON that are not valid JSON.
	Text
	// JSON is a valid JSON body shown indented by two spaces.
	JSON
	// Binary is a body not shown at all, only summarised in one line,
	// because its content type or its bytes say it is not text.
	Binary
	// XML is a well-formed XML body (labelled application/xml, text/xml
	// or +xml) shown indented by two spaces.
	XML
)

// String returns the lower-case name of k ("json", "text", "binary",
// "empty"), for status lines and test messages.
func (k Kind) String() string {
	switch k {
	case Empty:
		return "empty"
	case Text:
		return "text"
	case JSON:
		return "json"
	case Binary:
		return "binary"
	case XML:
		return "xml"
	default:
		return "Kind(" + strconv.Itoa(int(k)) + ")"
	}
}

// Body renders a response body for the terminal and reports how it did.
// contentType is the raw Content-Type header value (may be empty); with
// color the JSON output is highlighted with ANSI SGR codes, without it the
// output contains no escape sequence at all.
//
//   - An empty body gives empty output and [Empty].
//   - A body whose content type is image/*, audio/*, video/*, font/*,
//     application/octet-stream, application/pdf, application/zip or a
//     similar archive type, or whose bytes contain NUL or are mostly not
//     valid UTF-8, gives a one-line summary without trailing newline, such as
//     "binary body · 1.2 KiB · image/png (not shown)", and [Binary].
//   - A valid JSON body — labelled application/json, application/*+json or
//     text/json, or with any label but starting with '{' or '[' — is indented by
//     two spaces with every string, number and escape kept byte for byte,
//     ends with a newline, and gives [JSON].
//   - A well-formed XML body labelled application/xml, text/xml or +xml
//     is indented by two spaces (see renderXML) and gives [XML]; malformed
//     XML is shown as text.
//   - CR LF is a line end everywhere: it becomes LF before sanitizing, so
//     only a lone CR is shown as the escape \x0d.
//   - Anything else, including a body labelled JSON that does not parse, is
//     shown as sanitized text and gives [Text]. So is valid JSON nested so
//     deeply that indenting it would take more than about four times the
//     body's size in spaces: hostile nesting must not exhaust memory.
//
// The output may share memory with body (sanitized text that needed no
// escaping is body itself), so callers must not modify body while they use
// it. Styled output never carries a style across a newline: every line is
// self-contained, so a viewport that shows a slice of the lines cannot leak
// colour into its frame.
func Body(contentType string, body []byte, color bool) (out []byte, kind Kind) {
	if len(body) == 0 {
		return nil, Empty
	}
	mt := mediaType(contentType)
	if binaryType(mt) || binaryBytes(body) {
		return binarySummary(contentType, len(body)), Binary
	}
	// CRLF ends a line (HTTP servers and Windows tools send it); only a
	// lone CR is a control byte to escape.
	body = crlfToLF(body)
	// Sanitize first, before anything else looks at the text. Escaping
	// only ever lengthens, so an unchanged length means there was nothing
	// to escape anywhere in the body.
	text := sanitize.Bytes(body)
	if looksJSON(mt, body) {
		// The JSON is parsed from the original bytes (CR between tokens
		// is valid JSON, its escape \x0d is not) and each string token is
		// sanitized again on its own before any colour is added.
		if out, res := renderJSON(body, color, len(text) != len(body)); res == rendered {
			return out, JSON
		}
	}
	if xmlType(mt) {
		// Sanitized after indenting: the indenter adds only spaces and
		// newlines, and every byte of the body passes sanitize.Bytes.
		if out, ok := renderXML(body); ok {
			return sanitize.Bytes(out), XML
		}
	}
	return text, Text
}

// crlfToLF returns body with every CR LF pair replaced by LF, or body
// itself when it has none.
func crlfToLF(body []byte) []byte {
	if !bytes.Contains(body, []byte("\r\n")) {
		return body
	}
	return bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))
}

// mediaType returns the lower-cased media type of a Content-Type value,
// without parameters.
func mediaType(contentType string) string {
	if i := strings.IndexByte(contentType, ';'); i >= 0 {
		contentType = contentType[:i]
	}
	return strings.ToLower(strings.TrimSpace(contentType))
}

// binaryType reports whether a media type names content that is not text.
func binaryType(mt string) bool {
	for _, prefix := range [...]string{"image/", "audio/", "video/", "font/"} {
		if strings.HasPrefix(mt, prefix) {
			return true
		}
	}
	switch mt {
	case "application/octet-stream", "application/pdf", "application/zip",
		"application/gzip", "application/x-gzip", "application/x-tar",
		"application/x-7z-compressed", "application/wasm":
		return true
	}
	return false
}

// sniffLen bounds how much of a body is examined for invalid UTF-8.
const sniffLen = 64 << 10

// binaryBytes reports whether body looks binary whatever its label: text
// never contains NUL, and a body where more than a quarter of the first
// sniffLen bytes are not valid UTF-8 is not text in any encoding we could
// show (a Latin-1 page has a few such bytes, and is shown with \xe9-style
// escapes; random or compressed data has about half).
func binaryBytes(body []byte) bool {
	if bytes.IndexByte(body, 0) >= 0 {
		return true
	}
	if utf8.Valid(body) {
		return false
	}
	sample := body[:min(len(body), sniffLen)]
	invalid := 0
	for i := 0; i < len(sample); {
		r, size := utf8.DecodeRune(sample[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		}
		i += size
	}
	return invalid*4 > len(sample)
}

// binarySummary is the one line shown instead of a binary body. The content
// type comes from the server, so it goes through sanitize.Line.
func binarySummary(contentType string, n int) []byte {
	s := "binary body · " + HumanSize(int64(n))
	if ct := strings.TrimSpace(contentType); ct != "" {
		s += " · " + sanitize.Line(ct)
	}
	return []byte(s + " (not shown)")
}

// looksJSON reports whether a body should be tried as JSON: it is labelled
// JSON, or (APIs often mislabel JSON as text/plain or text/html) it starts
// with '{' or '[' after whitespace.
func looksJSON(mt string, body []byte) bool {
	if mt == "application/json" || mt == "text/json" ||
		(strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")) {
		return true
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	return len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
}

// HumanSize formats a byte count for the status line with binary units and
// one decimal: "96 B", "1.2 KiB", "20.0 MiB". A value that would round to
// 1024.0 of a unit is shown in the next unit instead ("1.0 MiB").
func HumanSize(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + " B"
	}
	const units = "KMGTPE"
	v := float64(n) / 1024
	u := 0
	for v >= 1023.95 && u < len(units)-1 {
		v /= 1024
		u++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + units[u:u+1] + "iB"
}
