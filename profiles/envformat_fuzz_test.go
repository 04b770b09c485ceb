package profiles

import (
	"reflect"
	"testing"
)

// An environment file that parses is written back to bytes that parse to
// the same variables; nothing panics.
func FuzzDecodeEnvironment(f *testing.F) {
	for _, s := range []string{
		"version = 1\n[vars]\nbase = 'https://h'\ntoken = { value = 'env:T', secret = true }\n",
		"[vars]\n\"a b\" = { value = 'x', note = 1 }\nz = '{{a b}}'\n",
		"owner = 'x'\n[meta]\nk = [1, 2]\n[vars]\na = ''\n",
		"vars = { a = 'b', c = 'd' }\n",
		"[vars]\na = 1\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		e, perr := decodeEnvironment("f.toml", []byte(in))
		if perr != nil {
			return
		}
		if err := checkVars("environment", e.Vars); err != nil {
			return // duplicate names cannot be written; decode cannot make them either
		}
		out, err := encodeEnvironment(*e)
		if err != nil {
			t.Fatalf("encodeEnvironment(decode(%q)) = %v", in, err)
		}
		back, perr := decodeEnvironment("f.toml", out)
		if perr != nil {
			t.Fatalf("decode(encode(decode(%q))) = %v\n%s", in, perr, out)
		}
		if !reflect.DeepEqual(normalVars(back.Vars), normalVars(e.Vars)) {
			t.Errorf("round trip of %q: %#v; want %#v", in, back.Vars, e.Vars)
		}
	})
}
