package profiles

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Bodies and values that stress TOML's string forms: every one must come
// back byte for byte.
var trickyStrings = []string{
	"", "\n", "\n\n\nleading newlines", "\r\n", "a\r\nb", "lone \r cr", `"""`, "a\n\"\"\"\nb", `ends with quote"`,
	"ends with quotes\n\"\"", `\`, "trailing backslash\\", "a\\\nb", "\x00\x01\x1f\x7f", "tab\there", "é 😀 \u2028 \u202e",
	"'single' and '''triple'''", "line\n'''", "# not a comment", "key = \"value\"\n[table]", strings.Repeat("x", 10_000),
}

func TestTrickyStringsRoundTrip(t *testing.T) {
	for _, s := range trickyStrings {
		p := Profile{Name: "t", Description: s, Body: s, URL: s, Headers: []Header{{Name: s, Value: s}},
			Scheme: "basic", Fields: map[string]string{"username": s, "password": "env:X"}, TLS: TLS{Key: s}}
		data, err := encodeProfile(p)
		if err != nil {
			t.Errorf("encodeProfile(%q) = %v", s, err)
			continue
		}
		q, perr := decodeProfile("t", data)
		if perr != nil {
			t.Errorf("decode(encode(%q)) = %v\n%s", s, perr, data)
			continue
		}
		q.Name = p.Name
		if !reflect.DeepEqual(normalized(*q), normalized(p)) {
			t.Errorf("round trip of %q changed the profile:\n%s", s, data)
		}
	}
}

func TestEncodeOmitsEmpty(t *testing.T) {
	data, err := encodeProfile(Profile{Name: "e"})
	if err != nil || string(data) != "version = 1\n" {
		t.Errorf("encodeProfile(empty) = %q, %v; want only the version", data, err)
	}
	data, _ = encodeProfile(Profile{Name: "e", Method: "GET", Timeout: 90 * time.Second, Fields: map[string]string{"token": ""}})
	if want := "version = 1\nmethod = 'GET'\ntimeout = '1m30s'\n"; string(data) != want {
		t.Errorf("encodeProfile = %q; want %q", data, want)
	}
}

func FuzzDecodeProfile(f *testing.F) {
	f.Add([]byte(unknownKeysFile))
	f.Add([]byte("version = 1\nbody = \"\"\"\na\\\n b\"\"\"\n[[header]]\n[tls]\n"))
	f.Add([]byte("version = 2\n"))
	f.Add([]byte("timeout = \"-1s\"\n"))
	f.Add([]byte("[fields]\n\"a b\" = 'x'\n[tls.x.y]\nz = 1979-05-27T07:32:00Z\n"))
	for _, s := range trickyStrings[:8] {
		d, _ := encodeProfile(Profile{Name: "x", Body: s})
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, perr := decodeProfile("f.toml", data)
		if perr != nil {
			if perr.Line < 0 || perr.Column < 0 || perr.Msg == "" {
				t.Fatalf("bad ParseError %+v", perr)
			}
			return
		}
		p.Name = "f"
		out, err := encodeProfile(*p) // also decodes its output and compares
		if err != nil {
			t.Fatalf("a profile that parses cannot be written back: %v\ninput:\n%q", err, data)
		}
		again, err := encodeProfile(*p)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("encoding is not deterministic:\n%s\nvs\n%s", out, again)
		}
		q, perr := decodeProfile("f.toml", out)
		if perr != nil {
			t.Fatalf("written profile does not parse: %v", perr)
		}
		q.Name = "f"
		if out2, err := encodeProfile(*q); err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("a second round trip changes the file:\n%s\nvs\n%s", out, out2)
		}
	})
}
