package practice

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeTrace: the client decodes the X-Authlab-Practice-Trace header
// from whatever server it talks to, so DecodeTrace must take any value
// without panicking, and what it accepts must survive EncodeTrace and a
// second DecodeTrace unchanged (the value the client shows is the value the
// server sent). Built traces of any strings round-trip as well, when their
// strings are valid UTF-8 (JSON replaces invalid bytes).
func FuzzDecodeTrace(f *testing.F) {
	f.Add(EncodeTrace(ServerTrace{Endpoint: "/twitter/1.1/account/verify_credentials.json", Scheme: "oauth1", Verdict: "ok",
		Values: []TraceValue{{Label: "signature base string", Value: "GET&https%3A%2F%2Fx&a%3Db"}}}), "", "")
	f.Add(EncodeTrace(ServerTrace{Verdict: "signature mismatch (code 32)", Values: []TraceValue{}}), "\x1b]52;c;aGk=\a", "\u202e")
	f.Add("eyJ2YWx1ZXMiOm51bGx9", "a", "b")                       // {"values":null}
	f.Add("bnVsbA==", "", "")                                     // null
	f.Add("W10=", "", "")                                         // [] (not an object)
	f.Add("eyJlbmRwb2ludCI6MX0=", "", "")                         // {"endpoint":1}
	f.Add("e30", "", "")                                          // {} without padding
	f.Add("!!!!", "", "")                                         // not base64
	f.Add("eyJ2YWx1ZXMiOlt7ImxhYmVsIjoiXHUwMDFiIn1dfQ==", "", "") // an escaped ESC in a label
	f.Fuzz(func(t *testing.T, h, label, value string) {
		tr, err := DecodeTrace(h)
		if err == nil {
			again, err := DecodeTrace(EncodeTrace(tr))
			if err != nil {
				t.Fatalf("DecodeTrace(EncodeTrace(%#v)) = %v", tr, err)
			}
			if !reflect.DeepEqual(norm(again), norm(tr)) {
				t.Fatalf("round trip of %q: %#v; want %#v", h, again, tr)
			}
		}
		if !utf8.ValidString(label) || !utf8.ValidString(value) {
			return
		}
		built := ServerTrace{Endpoint: label, Scheme: value, Verdict: label + value, Values: []TraceValue{{label, value}}}
		got, err := DecodeTrace(EncodeTrace(built))
		if err != nil || !reflect.DeepEqual(got, built) {
			t.Fatalf("DecodeTrace(EncodeTrace(%#v)) = %#v, %v", built, got, err)
		}
	})
}

// norm makes an empty Values and a nil one the same (JSON writes [] and null
// for them, and both decode to an empty list of values).
func norm(t ServerTrace) ServerTrace {
	if len(t.Values) == 0 {
		t.Values = nil
	}
	return t
}
