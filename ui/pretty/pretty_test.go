package pretty

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/benchdata"
	"github.com/authlab/authlab/ui/sanitize"
	tidwall "github.com/tidwall/pretty"
)

// ourSGR matches the SGR codes highlight adds, and nothing else.
var ourSGR = regexp.MustCompile(`\x1b\[[0-9;]*m`)

const twitter = `{"errors":[{"code":215,"message":"Bad Authentication data."}]}`

const twitterPretty = `{
  "errors": [
    {
      "code": 215,
      "message": "Bad Authentication data."
    }
  ]
}
`

func TestBody(t *testing.T) {
	tests := []struct {
		name, ct, body, want string
		kind                 Kind
	}{
		{"empty", "", "", "", Empty},
		{"empty labelled JSON", "application/json", "", "", Empty},
		{"Twitter error", "application/json; charset=utf-8", twitter, twitterPretty, JSON},
		{"JSON sniffed without label", "", "[1,2]", "[\n  1,\n  2\n]\n", JSON},
		{"JSON mislabelled text/plain", "text/plain", `{"a":1}`, "{\n  \"a\": 1\n}\n", JSON},
		{"problem+json", "application/problem+json", `{"title":"Unauthorized","status":401}`, "{\n  \"title\": \"Unauthorized\",\n  \"status\": 401\n}\n", JSON},
		{"text/json", "Text/JSON", `[]`, "[]\n", JSON},
		{"JSON scalar", "application/json", ` "hi" `, "\"hi\"\n", JSON},
		{"JSON keeps key order", "application/json", `{"z":1,"a":2,"m":3}`, "{\n  \"z\": 1,\n  \"a\": 2,\n  \"m\": 3\n}\n", JSON},
		{"empty containers", "application/json", `{"a":[],"b":{},"c":[{}]}`, "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    {}\n  ]\n}\n", JSON},
		{"CRLF and tabs between tokens dropped", "application/json", "{\r\n\t\"a\" : 1 ,\r\n \"b\":[true,false,null]}\r\n",
			"{\n  \"a\": 1,\n  \"b\": [\n    true,\n    false,\n    null\n  ]\n}\n", JSON},
		{"Unicode in JSON unchanged", "application/json", `{"name":"Zoë 日本 🎉"}`, "{\n  \"name\": \"Zoë 日本 🎉\"\n}\n", JSON},
		{"invalid JSON labelled JSON is text", "application/json", `{"a":`, `{"a":`, Text},
		{"non-JSON labelled JSON is text", "application/json", "OK\n", "OK\n", Text},
		{"brace but not JSON", "", "{not json}", "{not json}", Text},
		{"HTML", "text/html; charset=utf-8", "<h1>401</h1>\n<p>nope</p>", "<h1>401</h1>\n<p>nope</p>", Text},
		{"Latin-1 text keeps being text", "text/plain; charset=iso-8859-1", "caf\xe9 cr\xe8me br\xfbl\xe9e", `caf\xe9 cr\xe8me br\xfbl\xe9e`, Text},
		{"PNG", "image/png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary body · 16 B · image/png (not shown)", Binary},
		{"octet-stream text", "application/octet-stream", "hello", "binary body · 5 B · application/octet-stream (not shown)", Binary},
		{"PDF", "application/pdf", "%PDF-1.7", "binary body · 8 B · application/pdf (not shown)", Binary},
		{"zip upper case", "Application/ZIP", "PK\x03\x04", "binary body · 4 B · Application/ZIP (not shown)", Binary},
		{"audio", "audio/mpeg", "ID3", "binary body · 3 B · audio/mpeg (not shown)", Binary},
		{"video", "video/mp4", "....ftyp", "binary body · 8 B · video/mp4 (not shown)", Binary},
		{"NUL in text/plain", "text/plain", "ab\x00cd", "binary body · 5 B · text/plain (not shown)", Binary},
		{"NUL without label", "", "\x00", "binary body · 1 B (not shown)", Binary},
		{"mostly invalid UTF-8", "", "\xff\xfe\xfd\xfc\x80ab", "binary body · 7 B (not shown)", Binary},
		{"hostile content type sanitized", "image/png\x1b]52;c;ZXZpbA==\x07\n\u202e", "x", `binary body · 1 B · image/png\x1b]52;c;ZXZpbA==\x07\n\u202e (not shown)`, Binary},
		{"size in KiB", "image/gif", strings.Repeat("G", 1229), "binary body · 1.2 KiB · image/gif (not shown)", Binary},
	}
	for _, tc := range tests {
		for _, color := range []bool{false, true} {
			got, kind := Body(tc.ct, []byte(tc.body), color)
			plain := string(got)
			if color {
				plain = ourSGR.ReplaceAllString(plain, "")
			}
			if plain != tc.want || kind != tc.kind {
				t.Errorf("%s: Body(%q, %q, %v) = %q, %v; want %q, %v", tc.name, tc.ct, tc.body, color, got, kind, tc.want, tc.kind)
			}
			if !color && bytes.IndexByte(got, 0x1b) >= 0 {
				t.Errorf("%s: Body(%q, %q, false) = %q; contains ESC without color", tc.name, tc.ct, tc.body, got)
			}
			if color && kind != JSON && string(got) != tc.want {
				t.Errorf("%s: Body(%q, %q, true) = %q; want %q (only JSON is highlighted)", tc.name, tc.ct, tc.body, got, tc.want)
			}
		}
	}
}

// TestBodyKeepsEscapes checks that JSON strings and numbers come out byte
// for byte: escapes are never decoded into the control characters they
// stand for, and nothing is re-encoded.
func TestBodyKeepsEscapes(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`{"a":"\u001b[31m"}`, "{\n  \"a\": \"\\u001b[31m\"\n}\n"},
		{`["\u202e"]`, "[\n  \"\\u202e\"\n]\n"},
		{`["\u009b2J","\u0007","\r\n","\b\f\t"]`, "[\n  \"\\u009b2J\",\n  \"\\u0007\",\n  \"\\r\\n\",\n  \"\\b\\f\\t\"\n]\n"},
		{`{"q":"say \"hi\"","b":"C:\\x1b","s":"\/"}`, "{\n  \"q\": \"say \\\"hi\\\"\",\n  \"b\": \"C:\\\\x1b\",\n  \"s\": \"\\/\"\n}\n"},
		{`["\ud83d\ude00","\u00E9","\uFEFF"]`, "[\n  \"\\ud83d\\ude00\",\n  \"\\u00E9\",\n  \"\\uFEFF\"\n]\n"},
		{`[1e400,-0.0,12345678901234567890,1E-7]`, "[\n  1e400,\n  -0.0,\n  12345678901234567890,\n  1E-7\n]\n"},
		{`{"a":"b","a":"c"}`, "{\n  \"a\": \"b\",\n  \"a\": \"c\"\n}\n"},
	}
	for _, tc := range tests {
		got, kind := Body("application/json", []byte(tc.in), false)
		if string(got) != tc.want || kind != JSON {
			t.Errorf("Body(json, %q, false) = %q, %v; want %q, json", tc.in, got, kind, tc.want)
		}
		if want := stdIndent(t, []byte(tc.in)); string(got) != want {
			t.Errorf("Body(json, %q, false) = %q; want %q (json.Indent)", tc.in, got, want)
		}
	}
}

// stdIndent is what encoding/json's Indent makes of a valid body, plus the
// trailing newline Body adds, sanitized: the reference for the JSON kind.
func stdIndent(t testing.TB, body []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(body), "", "  "); err != nil {
		t.Fatalf("json.Indent(%q): %v", body, err)
	}
	buf.WriteByte('\n')
	return string(sanitize.Bytes(buf.Bytes()))
}

// TestBodyHostile feeds bodies built to attack the terminal, inside and
// outside JSON strings, and checks the exact plain output, that colour adds
// nothing but our SGR codes, and that no control byte survives.
func TestBodyHostile(t *testing.T) {
	tests := []struct {
		name, ct, body, want string
		kind                 Kind
	}{
		{"OSC 52, CSI 2J, CR as text", "text/plain",
			"\x1b]52;c;ZXZpbA==\x07\x1b[2Jtoken=SECRET\rtoken=******",
			`\x1b]52;c;ZXZpbA==\x07\x1b[2Jtoken=SECRET\x0dtoken=******`, Text},
		{"8-bit CSI and bidi as text", "text/plain", "ok\x9b2J \u202eexe.txt", `ok\x9b2J \u202eexe.txt`, Text},
		{"raw ESC inside JSON string makes it text", "application/json",
			"{\"m\":\"\x1b]8;;http://evil\x1b\\bank\x1b]8;;\x1b\\\"}",
			`{"m":"\x1b]8;;http://evil\x1b\bank\x1b]8;;\x1b\"}`, Text},
		{"escaped controls in JSON stay escapes", "application/json",
			`{"m":"\u001b]52;c;ZXZpbA==\u0007\u001b[2J\r\u009b\u202e"}`,
			"{\n  \"m\": \"\\u001b]52;c;ZXZpbA==\\u0007\\u001b[2J\\r\\u009b\\u202e\"\n}\n", JSON},
		{"raw 0x9B, C1 and U+202E inside JSON strings", "application/json",
			"{\"m\":\"a\x9bb\xc2\x9bc\u202ed\",\"\u202ek\":1}",
			"{\n  \"m\": \"a\\x9bb\\u009bc\\u202ed\",\n  \"\\u202ek\": 1\n}\n", JSON},
		{"U+202E outside JSON strings makes it text", "application/json",
			"{\"a\":1}\u202e", "{\"a\":1}\\u202e", Text},
		{"raw 0x9B outside JSON strings makes it text", "",
			"[1,\x9b2]", `[1,\x9b2]`, Text},
		{"raw CR between JSON tokens is dropped", "",
			"{\"a\":1,\r\"b\":\"x\"}\r", "{\n  \"a\": 1,\n  \"b\": \"x\"\n}\n", JSON},
		{"SGR 8 conceal in text", "text/html", "<b>\x1b[8mhidden</b>", `<b>\x1b[8mhidden</b>`, Text},
		{"DCS and APC in text", "", "\x1bP+q544e\x1b\\\x1b_Gf=100\x1b\\", `\x1bP+q544e\x1b\\x1b_Gf=100\x1b\`, Text},
		{"BS BEL DEL in text", "", "a\bb\ac\x7f", `a\x08b\x07c\x7f`, Text},
	}
	for _, tc := range tests {
		plain, kind := Body(tc.ct, []byte(tc.body), false)
		if string(plain) != tc.want || kind != tc.kind {
			t.Errorf("%s: Body(%q, %q, false) = %q, %v; want %q, %v", tc.name, tc.ct, tc.body, plain, kind, tc.want, tc.kind)
		}
		checkTerminalSafe(t, tc.ct, []byte(tc.body))
	}
}

// checkTerminalSafe fails t unless Body's output for body is safe: without
// colour no ESC at all and nothing the sanitizer would change; with colour,
// stripping our SGR codes leaves exactly the plain output and no ESC.
func checkTerminalSafe(t *testing.T, ct string, body []byte) {
	t.Helper()
	plain, kind := Body(ct, body, false)
	colored, ckind := Body(ct, body, true)
	if kind != ckind {
		t.Fatalf("Body(%q, %q): kind %v without colour, %v with", ct, body, kind, ckind)
	}
	if bytes.IndexByte(plain, 0x1b) >= 0 {
		t.Fatalf("Body(%q, %q, false) = %q; contains ESC", ct, body, plain)
	}
	if again := sanitize.Bytes(plain); !bytes.Equal(again, plain) {
		t.Fatalf("Body(%q, %q, false) = %q; not sanitized (sanitize gives %q)", ct, body, plain, again)
	}
	stripped := ourSGR.ReplaceAll(colored, nil)
	if bytes.IndexByte(stripped, 0x1b) >= 0 {
		t.Fatalf("Body(%q, %q, true) = %q; ESC left after removing our SGR codes", ct, body, colored)
	}
	if !bytes.Equal(stripped, plain) {
		t.Fatalf("Body(%q, %q, true) = %q; without SGR codes %q; want %q", ct, body, colored, stripped, plain)
	}
	if kind != JSON && !bytes.Equal(colored, plain) {
		t.Fatalf("Body(%q, %q, true) = %q; want %q (only JSON is highlighted)", ct, body, colored, plain)
	}
	if kind == Binary && bytes.IndexByte(plain, '\n') >= 0 {
		t.Fatalf("Body(%q, %q, false) = %q; binary summary is not one line", ct, body, plain)
	}
}

func TestHighlight(t *testing.T) {
	in := `{"a\u202e":"x\u001by\\z","n":-1.5e3,"t":[true,false,null],"o":{}}`
	got, kind := Body("application/json", []byte(in), true)
	var want strings.Builder
	p := func(s string) string { return punctOn + s + punctOff }
	key := func(s string) string { return keyOn + s + keyOff }
	w := want.WriteString
	w(p("{") + "\n")
	w("  " + key(`"a`+escapeOn+`\u202e`+keyFG+`"`) + p(":") + " " +
		stringOn + `"x` + escapeOn + `\u001b` + stringOn + `y` + escapeOn + `\\` + stringOn + `z"` + fgOff + p(",") + "\n")
	w("  " + key(`"n"`) + p(":") + " " + numberOn + "-1.5e3" + fgOff + p(",") + "\n")
	w("  " + key(`"t"`) + p(": [") + "\n")
	w("    " + boolOn + "true" + fgOff + p(",") + "\n")
	w("    " + boolOn + "false" + fgOff + p(",") + "\n")
	w("    " + nullOn + "null" + fgOff + "\n")
	w("  " + p("],") + "\n")
	w("  " + key(`"o"`) + p(": {}") + "\n")
	w(p("}") + "\n")
	if string(got) != want.String() || kind != JSON {
		t.Errorf("Body(json, %q, true) = %q, %v; want %q, json", in, got, kind, want.String())
	}
}

func TestHighlightRawHostileEscape(t *testing.T) {
	// A raw 0x9B inside a JSON string is turned into \x9b by the sanitizer
	// before colour is added, and the highlighter shows it as one escape.
	in := "[\"a\x9bb\"]"
	got, _ := Body("", []byte(in), true)
	want := punctOn + "[" + punctOff + "\n  " + stringOn + `"a` + escapeOn + `\x9b` + stringOn + `b"` + fgOff + "\n" + punctOn + "]" + punctOff + "\n"
	if string(got) != want {
		t.Errorf("Body(\"\", %q, true) = %q; want %q", in, got, want)
	}
}

// TestHighlightLinesSelfContained checks that no style is left open at the
// end of a line, so a viewport can show any slice of the lines.
func TestHighlightLinesSelfContained(t *testing.T) {
	got, _ := Body("application/json", benchJSON(2<<10), true)
	sgrParams := regexp.MustCompile(`\x1b\[([0-9;]*)m`)
	for n, line := range strings.Split(string(got), "\n") {
		bold, fg := false, false
		for _, m := range sgrParams.FindAllStringSubmatch(line, -1) {
			for _, p := range strings.Split(m[1], ";") {
				switch {
				case p == "1":
					bold = true
				case p == "22":
					bold = false
				case p == "39":
					fg = false
				case p == "0" || p == "":
					bold, fg = false, false
				default:
					fg = true
				}
			}
		}
		if bold || fg {
			t.Fatalf("line %d %q leaves bold=%v colour=%v on", n+1, line, bold, fg)
		}
	}
}

func TestIndentMatchesEncodingJSON(t *testing.T) {
	for _, in := range []string{
		twitter, `[]`, `{}`, `[[],[[]],{"a":{"b":{}}}]`, `"s"`, `0`, `null`, `  [ 1 , "2" , { "3" : [ ] } ]  `,
		"[ \r\n\t]", strings.Repeat("[", 40) + strings.Repeat("]", 40), strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40),
		string(benchJSON(4 << 10)),
	} {
		got, kind := Body("application/json", []byte(in), false)
		if want := stdIndent(t, []byte(in)); string(got) != want {
			t.Errorf("Body(json, %q, false) = %q, %v; want %q (json.Indent)", in, got, kind, want)
		}
		if want := tidwallIndent([]byte(in)); string(got) != want {
			t.Errorf("Body(json, %q, false) = %q, %v; want %q (tidwall/pretty)", in, got, kind, want)
		}
	}
}

// tidwallIndent is github.com/tidwall/pretty's rendering of valid JSON,
// sanitized: a second, independent reference that, like renderJSON and
// json.Indent, copies tokens without decoding them. Width -1 keeps short
// containers from being joined onto one line.
func tidwallIndent(body []byte) string {
	return string(sanitize.Bytes(tidwall.PrettyOptions(body, &tidwall.Options{Width: -1, Indent: "  ", SortKeys: false})))
}

// TestRenderJSONAcceptsWhatValidAccepts checks renderJSON's parser against
// encoding/json's Valid on edge cases; FuzzRenderJSON does the same on
// arbitrary input.
func TestRenderJSONAcceptsWhatValidAccepts(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	deepObj := func(n int) string { return strings.Repeat(`{"":`, n-1) + "{}" + strings.Repeat("}", n-1) }
	for _, in := range []string{
		"", " ", "\r\n", "0", "-0", "01", "-", "--1", "+1", "1.", ".5", "1.5", "1e", "1e+", "1E+5", "1e-05", "-0.0e0", "0x1", "1_000", "Infinity", "NaN",
		"true", "tru", "truex", "true false", "True", "nul", "null", "false",
		`""`, `"`, `"\"`, `"\x41"`, `"\u12"`, `"\u12G4"`, `"\u00e9"`, `"\uD83D\uDE00"`, `"\/\b\f\n\r\t\\\""`, `"\'"`,
		"\"a\x01\"", "\"a\x7f\"", "\"\xff\"", "\"\xed\xa0\x80\"", "\"a\tb\"", "\"\u2028\"",
		"[", "]", "[]", "[,]", "[1,]", "[1 2]", "[1,,2]", "[1]]", "[[]", "{}", "{,}", `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1}}`, `{"a" 1}`, `{1:1}`, `{"a":1 "b":2}`,
		"\ufeff{}", "{} {}", "{}x", " {} ", "[\"a\":1]", `{"a":[1,{"b":null}]}`,
		deep(10000), deep(10001), deepObj(10000), deepObj(10001),
		"[" + deep(9999) + "," + deep(9999) + "]", "[" + deep(10000) + "]",
	} {
		_, res := renderJSON([]byte(in), false, true)
		if ok, want := res != invalid, json.Valid([]byte(in)); ok != want {
			t.Errorf("renderJSON(%.40q, false, true) valid = %v; want %v (json.Valid)", in, ok, want)
		}
	}
}

func FuzzRenderJSON(f *testing.F) {
	for _, s := range []string{twitter, `[1,{"a":"\u001b"},-0.5e+3,true,null,""]`, "{\"a\x9b\":[]}", "[1,]", `"\u12"`, "01"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		plain, res := renderJSON(body, false, true)
		if ok, want := res != invalid, json.Valid(body); ok != want {
			t.Fatalf("renderJSON(%q, false, true) valid = %v; want %v (json.Valid)", body, ok, want)
		}
		if res != rendered {
			return
		}
		if want := stdIndent(t, body); string(plain) != want {
			t.Fatalf("renderJSON(%q, false, true) = %q; want %q (json.Indent)", body, plain, want)
		}
		if want := tidwallIndent(body); string(plain) != want {
			t.Fatalf("renderJSON(%q, false, true) = %q; want %q (tidwall/pretty)", body, plain, want)
		}
		if len(sanitize.Bytes(body)) == len(body) {
			if fast, _ := renderJSON(body, false, false); !bytes.Equal(fast, plain) {
				t.Fatalf("renderJSON(%q, false, clean) = %q; want %q", body, fast, plain)
			}
		}
		colored, cres := renderJSON(body, true, true)
		if cres != res {
			t.Fatalf("renderJSON(%q, true, true) res = %v; want %v as without colour", body, cres, res)
		}
		if stripped := ourSGR.ReplaceAll(colored, nil); !bytes.Equal(stripped, plain) {
			t.Fatalf("renderJSON(%q, true, true) = %q; without SGR codes %q; want %q", body, colored, stripped, plain)
		}
	})
}

// TestBodyDeepNesting checks that nesting cannot blow up the output:
// indenting 10000 levels would take 200 MB of spaces for a 20 KB body, so
// such a body is shown as text; ordinary depths are indented.
func TestBodyDeepNesting(t *testing.T) {
	for _, tc := range []struct {
		depth int // levels, an object and an array each
		kind  Kind
	}{{20, JSON}, {500, JSON}, {2000, Text}, {10000, Text}} {
		body := []byte(strings.Repeat(`{"k":[`, tc.depth/2) + "1" + strings.Repeat("]}", tc.depth/2))
		for _, color := range []bool{false, true} {
			out, kind := Body("application/json", body, color)
			if kind != tc.kind {
				t.Errorf("Body(json, depth %d, %v) kind = %v; want %v", tc.depth, color, kind, tc.kind)
			}
			if kind == Text && !bytes.Equal(out, body) {
				t.Errorf("Body(json, depth %d, %v) = %.40q…; want the body as text", tc.depth, color, out)
			}
			if max := 10*len(body) + 4<<20; len(out) > max {
				t.Errorf("Body(json, depth %d, %v) gave %d bytes for %d; want at most %d", tc.depth, color, len(out), len(body), max)
			}
		}
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Empty: "empty", Text: "text", JSON: "json", Binary: "binary", Kind(9): "Kind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q; want %q", int(k), got, want)
		}
	}
}

func TestHumanSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 B"},
		{96, "96 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1229, "1.2 KiB"},
		{1536, "1.5 KiB"},
		{1024*1024 - 1, "1.0 MiB"},
		{1024 * 1024, "1.0 MiB"},
		{20 << 20, "20.0 MiB"},
		{20<<20 + 900<<10, "20.9 MiB"},
		{1 << 30, "1.0 GiB"},
		{5 << 40, "5.0 TiB"},
		{math.MaxInt64, "8.0 EiB"},
		{-1, "-1 B"},
	}
	for _, tc := range tests {
		if got := HumanSize(tc.n); got != tc.want {
			t.Errorf("HumanSize(%d) = %q; want %q", tc.n, got, tc.want)
		}
	}
}

func FuzzBody(f *testing.F) {
	for _, s := range []string{
		twitter, "\x1b]52;c;ZXZpbA==\x07", "{\"m\":\"a\x9bb\xc2\x9bc\u202ed\"}", `{"m":"\u001b[2J"}`,
		"[1,\r2]", `{"a":[{},[]],"b":-1e5,"c":true}`, "\x89PNG\r\n\x00", `["\\x1b\\"]`, `"\\\""`,
	} {
		f.Add("", []byte(s))
		f.Add("application/json", []byte(s))
	}
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		checkTerminalSafe(t, ct, body)
		plain, kind := Body(ct, body, false)
		if kind == JSON || kind == Text {
			_, res := renderJSON(body, false, true)
			wantJSON := looksJSON(mediaType(ct), body) && json.Valid(body) && res != tooDeep
			if (kind == JSON) != wantJSON {
				t.Fatalf("Body(%q, %q, false) kind = %v; json.Valid says %v", ct, body, kind, json.Valid(body))
			}
		}
		if kind == JSON {
			if want := stdIndent(t, body); string(plain) != want {
				t.Fatalf("Body(%q, %q, false) = %q; want %q (json.Indent)", ct, body, plain, want)
			}
		}
		// Text is the sanitized body with CR LF read as a line end (a lone
		// CR still shows escaped).
		if want := sanitize.Bytes(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))); kind == Text && !bytes.Equal(plain, want) {
			t.Fatalf("Body(%q, %q, false) = %q; want %q (sanitized body, CRLF as LF)", ct, body, plain, want)
		}
	})
}

// benchJSON builds a realistic compact JSON document of about n bytes: an
// array of user records with strings, numbers, booleans, nulls, nested
// objects and arrays, non-ASCII text and some escapes.
func benchJSON(n int) []byte { return benchdata.JSON(n) }

func BenchmarkBody20MB(b *testing.B) {
	body := benchJSON(20 << 20)
	if !json.Valid(body) {
		b.Fatal("benchmark body is not valid JSON")
	}
	for _, color := range []bool{false, true} {
		b.Run(fmt.Sprintf("color=%v", color), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, kind := Body("application/json", body, color); kind != JSON {
					b.Fatalf("Body(json, 20 MB, %v) kind = %v; want json", color, kind)
				}
			}
		})
	}
}
