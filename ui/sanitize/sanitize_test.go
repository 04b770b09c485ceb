package sanitize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/authlab/authlab/ui/sanitize/sanitizetest"
)

// multiLine holds cases whose expected output is the same for String and
// Bytes; lineOnly adds the newline/tab cases where Line differs.
var multiLine = []struct {
	name, in, want string
}{
	{"empty", "", ""},
	{"plain ASCII", "HTTP/1.1 401 Unauthorized", "HTTP/1.1 401 Unauthorized"},
	{"newline and tab kept", "a\nb\tc\n", "a\nb\tc\n"},
	{"backslashes untouched", `{"path":"C:\\x1b","re":"\u001b[31m"}`, `{"path":"C:\\x1b","re":"\u001b[31m"}`},
	{"OSC 52 clipboard write", "\x1b]52;c;ZXZpbA==\x07", `\x1b]52;c;ZXZpbA==\x07`},
	{"OSC 52 with ST", "x\x1b]52;p;ZXZpbA==\x1b\\y", `x\x1b]52;p;ZXZpbA==\x1b\y`},
	{"OSC 8 hyperlink", "\x1b]8;;https://evil.example/\x1b\\bank\x1b]8;;\x1b\\", `\x1b]8;;https://evil.example/\x1b\bank\x1b]8;;\x1b\`},
	{"OSC 0 title", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
	{"OSC 2 title", "\x1b]2;pwned\x1b\\", `\x1b]2;pwned\x1b\`},
	{"unterminated OSC", "ok\x1b]0;swallow the rest", `ok\x1b]0;swallow the rest`},
	{"DCS XTGETTCAP", "\x1bP+q544e\x1b\\", `\x1bP+q544e\x1b\`},
	{"APC kitty graphics", "\x1b_Gf=100;AAAA\x1b\\", `\x1b_Gf=100;AAAA\x1b\`},
	{"CSI clear screen", "\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
	{"SGR 8 concealed", "\x1b[8mhidden\x1b[0m", `\x1b[8mhidden\x1b[0m`},
	{"bare CR overwrite", "token=SECRET\rtoken=******", `token=SECRET\x0dtoken=******`},
	{"CRLF", "a\r\nb", "a\\x0d\nb"},
	{"backspace", "pass\b\b\b\bxxxx", `pass\x08\x08\x08\x08xxxx`},
	{"BEL", "ding\a", `ding\x07`},
	{"NUL", "a\x00b", `a\x00b`},
	{"other C0", "\x01\x0b\x0c\x0e\x0f\x1f", `\x01\x0b\x0c\x0e\x0f\x1f`},
	{"DEL", "a\x7fb", `a\x7fb`},
	{"raw 0x9B 8-bit CSI", "\x9b2J", `\x9b2J`},
	{"UTF-8 C1 U+009B", "\xc2\x9b2J", `\u009b2J`},
	{"UTF-8 C1 bounds", "\u0080\u009f\u00a0", `\u0080\u009f` + "\u00a0"},
	{"RLO U+202E", "invoice\u202Efdp.exe", `invoice\u202efdp.exe`},
	{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", `\u2066a\u2067b\u2068c\u2069`},
	{"invisible format", "\u061c\u200b\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u2060\u2064\u2065\ufeff",
		`\u061c\u200b\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u2060\u2064\u2065\ufeff`},
	{"format neighbours kept", "\u061b\u061d\u200a\u2010\u2027\u202f\u205f\u206a\ufefe\uff00", "\u061b\u061d\u200a\u2010\u2027\u202f\u205f\u206a\ufefe\uff00"},
	{"invalid lead bytes", "\xff\xfe\x80\xbf\xc0\xc1\xf5", `\xff\xfe\x80\xbf\xc0\xc1\xf5`},
	{"truncated sequence", "\xe6\x97", `\xe6\x97`},
	{"truncated then ASCII", "\xe6\x97x", `\xe6\x97x`},
	{"overlong slash", "\xc0\xaf", `\xc0\xaf`},
	{"overlong 3-byte", "\xe0\x80\xaf", `\xe0\x80\xaf`},
	{"overlong 4-byte", "\xf0\x80\x80\xaf", `\xf0\x80\x80\xaf`},
	{"surrogate", "\xed\xa0\x80", `\xed\xa0\x80`},
	{"above U+10FFFF", "\xf4\x90\x80\x80", `\xf4\x90\x80\x80`},
	{"valid U+FFFD kept", "\ufffd", "\ufffd"},
	{"mixed valid Unicode", "café 日本語 🔑 ü\u00a0ß Ω", "café 日本語 🔑 ü\u00a0ß Ω"},
	{"ZWJ in emoji sequence is kept", "👩\u200d💻", "👩\u200d💻"},
	{"ZWNJ in Persian is kept", "می\u200cخواهم", "می\u200cخواهم"},
	{"valid Unicode unchanged", "é 日本 🎉 \U0010FFFD \u07ff \u0800 \uffff", "é 日本 🎉 \U0010FFFD \u07ff \u0800 \uffff"},
	{"ESC after 8-byte word", "01234567\x1b", `01234567\x1b`},
	{"ESC inside second word", "0123456789ab\x1bcdef0123", `0123456789ab\x1bcdef0123`},
	{"long clean then hostile", strings.Repeat("abcdefgh", 5) + "\x9b" + strings.Repeat("z", 9), strings.Repeat("abcdefgh", 5) + `\x9b` + strings.Repeat("z", 9)},
}

var lineOnly = []struct {
	name, in, want string
}{
	{"newline and tab escaped", "a\nb\tc\n", `a\nb\tc\n`},
	{"reason phrase with CRLF", "OK\r\nX-Evil: 1", `OK\x0d\nX-Evil: 1`},
	{"header value with ESC", "Bearer realm=\"x\x1b]8;;http://evil\x07\"", `Bearer realm="x\x1b]8;;http://evil\x07"`},
	{"C1 in header", "a\xc2\x85b", `a\u0085b`},
	{"plain", "https://api.example/v1?q=1", "https://api.example/v1?q=1"},
}

func TestString(t *testing.T) {
	for _, tc := range multiLine {
		if got := String(tc.in); got != tc.want {
			t.Errorf("%s: String(%q) = %q; want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestBytes(t *testing.T) {
	for _, tc := range multiLine {
		if got := Bytes([]byte(tc.in)); string(got) != tc.want {
			t.Errorf("%s: Bytes(%q) = %q; want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestLine(t *testing.T) {
	for _, tc := range multiLine {
		want := strings.NewReplacer("\n", `\n`, "\t", `\t`).Replace(tc.want)
		if got := Line(tc.in); got != want {
			t.Errorf("%s: Line(%q) = %q; want %q", tc.name, tc.in, got, want)
		}
	}
	for _, tc := range lineOnly {
		if got := Line(tc.in); got != tc.want {
			t.Errorf("%s: Line(%q) = %q; want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestBytesFastPathSameSlice checks that clean input comes back as the very
// same slice and that hostile input is copied, not modified in place.
func TestBytesFastPathSameSlice(t *testing.T) {
	clean := []byte("{\"a\":\"日本\"}\n\t" + strings.Repeat("x", 100))
	if got := Bytes(clean); len(got) != len(clean) || &got[0] != &clean[0] {
		t.Errorf("Bytes(%q) returned a copy; want the input slice", clean)
	}
	hostile := []byte("a\x1bb")
	orig := string(hostile)
	_ = Bytes(hostile)
	if string(hostile) != orig {
		t.Errorf("Bytes(%q) modified its input to %q", orig, hostile)
	}
	if got := Bytes(nil); got != nil {
		t.Errorf("Bytes(nil) = %q; want nil", got)
	}
}

func TestNoAllocationWhenClean(t *testing.T) {
	s := strings.Repeat("héllo wörld 日本 🎉 {\"k\": [1, 2]}\n\t", 50)
	b := []byte(s)
	line := strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "\t", " ")
	for name, f := range map[string]func(){
		"String": func() { _ = String(s) },
		"Bytes":  func() { _ = Bytes(b) },
		"Line":   func() { _ = Line(line) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s on clean input: %v allocations; want 0", name, n)
		}
	}
}

// reference is a deliberately naive implementation of the rules, written
// independently of the optimised one (stdlib UTF-8 decoding, explicit rune
// list), for differential testing.
func reference(s string, line bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case line && r == '\n':
			b.WriteString(`\n`)
		case line && r == '\t':
			b.WriteString(`\t`)
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, isListedFormat(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// isListedFormat reports whether r is one of the bidi/invisible format
// characters the package promises to escape.
func isListedFormat(r rune) bool {
	return r == 0x061c ||
		r == 0x200b || r == 0x200e || r == 0x200f ||
		r == 0x2028 || r == 0x2029 ||
		(r >= 0x202a && r <= 0x202e) ||
		(r >= 0x2060 && r <= 0x2069) ||
		r == 0xfeff
}

// checkSafe fails t if out breaks any promise of the package.
func checkSafe(t *testing.T, fn string, in, out []byte, line bool) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("%s(%q) = %q; output is not valid UTF-8", fn, in, out)
	}
	for i, r := range string(out) {
		bad := false
		switch {
		case r == '\n' || r == '\t':
			bad = line
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, isListedFormat(r):
			bad = true
		}
		if bad {
			t.Fatalf("%s(%q) = %q; contains %U at byte %d", fn, in, out, r, i)
		}
	}
}

// unescape reverses the escapes of String (and, with line, Line) for text
// whose input had no backslash, so that the fuzz targets can check that
// sanitizing loses nothing: unescape(String(x)) == x.
func unescape(t *testing.T, s string, line bool) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		rest := s[i+1:]
		switch {
		case line && strings.HasPrefix(rest, "n"):
			b.WriteByte('\n')
			i++
		case line && strings.HasPrefix(rest, "t"):
			b.WriteByte('\t')
			i++
		case strings.HasPrefix(rest, "x") && len(rest) >= 3:
			var c byte
			if _, err := fmt.Sscanf(rest[1:3], "%02x", &c); err != nil {
				t.Fatalf("bad escape in %q at %d", s, i)
			}
			b.WriteByte(c)
			i += 3
		case strings.HasPrefix(rest, "u") && len(rest) >= 5:
			var r rune
			if _, err := fmt.Sscanf(rest[1:5], "%04x", &r); err != nil {
				t.Fatalf("bad escape in %q at %d", s, i)
			}
			b.WriteRune(r)
			i += 5
		default:
			t.Fatalf("unknown escape in %q at %d", s, i)
		}
	}
	return b.String()
}

// checkRoundTrip fails t unless the escaped output of in gives in back: the
// escapes are visible, unambiguous text (for input without backslashes)
// and every other character passed through unchanged.
func checkRoundTrip(t *testing.T, fn string, in []byte, out string, line bool) {
	t.Helper()
	if bytes.IndexByte(in, '\\') >= 0 {
		return // a literal backslash can look like an escape: not reversible
	}
	if back := unescape(t, out, line); back != string(in) {
		t.Fatalf("%s(%q) = %q, which unescapes to %q; want the input back", fn, in, out, back)
	}
}

func FuzzString(f *testing.F) {
	for _, tc := range multiLine {
		f.Add([]byte(tc.in))
	}
	for _, p := range sanitizetest.Payloads() {
		f.Add([]byte(p.Raw))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		s := String(string(in))
		b := Bytes(in)
		if string(b) != s {
			t.Fatalf("Bytes(%q) = %q but String gives %q", in, b, s)
		}
		checkSafe(t, "String", in, []byte(s), false)
		checkRoundTrip(t, "String", in, s, false)
		if want := reference(string(in), false); s != want {
			t.Fatalf("String(%q) = %q; want %q (reference)", in, s, want)
		}
		if again := String(s); again != s {
			t.Fatalf("String(%q) = %q; not idempotent: String(String(x)) = %q", in, s, again)
		}
		if utf8.Valid(in) && !strings.ContainsFunc(string(in), func(r rune) bool {
			return (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) || isListedFormat(r)
		}) && s != string(in) {
			t.Fatalf("String(%q) = %q; clean input must pass unchanged", in, s)
		}
	})
}

func FuzzLine(f *testing.F) {
	for _, tc := range lineOnly {
		f.Add([]byte(tc.in))
	}
	for _, p := range sanitizetest.Payloads() {
		f.Add([]byte(p.Raw))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		s := Line(string(in))
		checkSafe(t, "Line", in, []byte(s), true)
		checkRoundTrip(t, "Line", in, s, true)
		if want := reference(string(in), true); s != want {
			t.Fatalf("Line(%q) = %q; want %q (reference)", in, s, want)
		}
		if again := Line(s); again != s {
			t.Fatalf("Line(%q) = %q; not idempotent: Line(Line(x)) = %q", in, s, again)
		}
		if again := String(s); again != s {
			t.Fatalf("Line(%q) = %q; String changes it to %q", in, s, again)
		}
	})
}

// TestPayloadsShown pins the escaped forms the front-end injection tests
// (ui/inject_test.go, ui/tui/inject_test.go, cli/inject_*_test.go) expect
// for every hostile payload.
func TestPayloadsShown(t *testing.T) {
	for _, p := range sanitizetest.Payloads() {
		for fn, f := range map[string]func(string) string{"String": String, "Line": Line} {
			if got := f(p.Raw); got != p.Shown {
				t.Errorf("%s: %s(%q) = %q; want %q", p.Name, fn, p.Raw, got, p.Shown)
			}
			if got := f(p.Decoded()); got != p.ShownViaJSON() {
				t.Errorf("%s via JSON: %s(%q) = %q; want %q", p.Name, fn, p.Decoded(), got, p.ShownViaJSON())
			}
		}
	}
}

var jsonTests = []struct {
	name, in, want string
}{
	{"clean", `{"a":"b é 日本 🎉"}`, `{"a":"b é 日本 🎉"}`},
	{"C0 already escaped by the encoder", `{"a":"\u001b]52;c;x\u0007"}`, `{"a":"\u001b]52;c;x\u0007"}`},
	{"DEL", "{\"a\":\"del\x7fete\"}", `{"a":"del\u007fete"}`},
	{"C1 CSI", "{\"a\":\"csi\u009b2J\"}", `{"a":"csi\u009b2J"}`},
	{"C1 bounds", "[\"\u0080\u009f\u00a0\"]", `["\u0080\u009f` + "\u00a0" + `"]`},
	{"RLO", "[\"invoice\u202efdp.exe\"]", `["invoice\u202efdp.exe"]`},
	{"isolates and BOM", "[\"\u2066\u2069\ufeff\"]", `["\u2066\u2069\ufeff"]`},
	{"invalid byte", "[\"\x9b\"]", `["\ufffd"]`},
}

func TestJSON(t *testing.T) {
	for _, tc := range jsonTests {
		if got := JSON([]byte(tc.in)); string(got) != tc.want {
			t.Errorf("%s: JSON(%q) = %q; want %q", tc.name, tc.in, got, tc.want)
		}
	}
	clean := []byte(`{"a":"b"}`)
	if got := JSON(clean); &got[0] != &clean[0] {
		t.Errorf("JSON(%q) copied clean input", clean)
	}
}

func TestJSONWriter(t *testing.T) {
	var buf bytes.Buffer
	enc := json.NewEncoder(NewJSONWriter(&buf))
	for _, p := range sanitizetest.Payloads() {
		if err := enc.Encode(map[string]string{"v": p.Raw}); err != nil {
			t.Fatal(err)
		}
	}
	checkSafe(t, "NewJSONWriter", nil, buf.Bytes(), false)
	dec := json.NewDecoder(&buf)
	for _, p := range sanitizetest.Payloads() {
		var v map[string]string
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if want := jsonDecoded(p.Raw); v["v"] != want {
			t.Errorf("%s: decoded %q; want %q", p.Name, v["v"], want)
		}
	}
}

// jsonDecoded is s after encoding/json: each invalid byte is U+FFFD.
func jsonDecoded(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}

// FuzzJSON encodes arbitrary text with encoding/json, passes it through
// JSON and checks the result is still valid JSON, decodes to the same
// value, and holds no control, DEL, C1 or bidi character.
func FuzzJSON(f *testing.F) {
	for _, tc := range multiLine {
		f.Add(tc.in)
	}
	for _, p := range sanitizetest.Payloads() {
		f.Add(p.Raw)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc, err := json.MarshalIndent(map[string]any{"k" + s: []string{s, "x"}}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		out := JSON(enc)
		if !json.Valid(out) {
			t.Fatalf("JSON(%q) = %q; not valid JSON", enc, out)
		}
		checkSafe(t, "JSON", enc, out, false)
		var a, b any
		if err := json.Unmarshal(enc, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(out, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("JSON(%q) = %q decodes to %q; want %q", enc, out, b, a)
		}
	})
}

// benchInput builds about 1 MiB of realistic body text: JSON-ish ASCII with
// some non-ASCII text and newlines. With hostile set, escape sequences, raw
// C1 bytes, invalid UTF-8 and bidi controls are sprinkled through it.
func benchInput(hostile bool) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, `  {"id": %d, "user": "user%d@example.com", "name": "Zoë Müller 日本 🎉", "scope": "read:all write:self", "ok": true},`+"\n", i, i)
		if hostile && i%4 == 0 {
			b.WriteString("\x1b]52;c;ZXZpbA==\x07\x1b[2J\r\x9b\xc2\x9b\u202e\xff\x00\n")
		}
	}
	return b.Bytes()
}

func BenchmarkBytesClean(b *testing.B) {
	in := benchInput(false)
	if !bytes.Equal(Bytes(in), in) {
		b.Fatal("clean benchmark input needs escaping")
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Bytes(in)
	}
}

func BenchmarkBytesHostile(b *testing.B) {
	in := benchInput(true)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Bytes(in)
	}
}
