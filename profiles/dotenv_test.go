package profiles

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var dotenvTests = []struct {
	in   string
	want map[string]string
}{
	{"", map[string]string{}},
	{"A=1\nB=two words  \n", map[string]string{"A": "1", "B": "two words"}},
	{"# c\n\n  export TOKEN=abc # note\n", map[string]string{"TOKEN": "abc"}},
	{"A = spaced\n", map[string]string{"A": "spaced"}},
	{"P='lit$eral # kept \\n'\n", map[string]string{"P": `lit$eral # kept \n`}},
	{`N="two\nlines \"q\" \\ \$HOME"` + "\n", map[string]string{"N": "two\nlines \"q\" \\ $HOME"}},
	{"M=\"first\nsecond\"\nAFTER=x\n", map[string]string{"M": "first\nsecond", "AFTER": "x"}},
	{"S='a\nb' # c\n", map[string]string{"S": "a\nb"}},
	{"E=\nF=#notcomment\n", map[string]string{"E": "", "F": "#notcomment"}},
	{"A=1\nA=2\n", map[string]string{"A": "2"}},
	{"W=a\r\nX=b\r\n", map[string]string{"W": "a", "X": "b"}},
	{"URL=https://h/?a=b&c=d#frag\n", map[string]string{"URL": "https://h/?a=b&c=d#frag"}},
	{"\ufeffBOM=1", map[string]string{"BOM": "1"}},
	{"export=1\n", map[string]string{"export": "1"}},
}

func TestParseDotenv(t *testing.T) {
	for _, tt := range dotenvTests {
		got, err := ParseDotenv(".env", []byte(tt.in))
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseDotenv(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

var dotenvErrorTests = []struct{ in, want string }{
	{"JUSTAWORD\n", ".env:1: \"JUSTAWORD\" is not NAME=VALUE"},
	{"A=1\n\n1BAD=x\n", ".env:3: \"1BAD\" is not a variable name"},
	{"A=1\nB='open\nC=2\n", ".env:2: the value of B opens a ' quote that is never closed"},
	{"A=\"x\" y\n", ".env:1: text after the closing quote of A"},
	{"M=\"a\nb\"\nBAD LINE\n", ".env:3: \"BAD LINE\" is not NAME=VALUE"},
	{"A-B=1\n", "is not a variable name"},
}

func TestParseDotenvErrors(t *testing.T) {
	for _, tt := range dotenvErrorTests {
		_, err := ParseDotenv(".env", []byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseDotenv(%q) = %v; want an error with %q", tt.in, err, tt.want)
		}
	}
}

func TestReadDotenvAndLookup(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.env")
	b := filepath.Join(dir, "b.env")
	writeFile(t, a, "TOKEN=from-a\nONLY_A=1\n", 0o600)
	writeFile(t, b, "TOKEN=from-b\nSHELL_WINS=file\n", 0o600)
	ma, err := ReadDotenv(a)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := ReadDotenv(b)
	if err != nil {
		t.Fatal(err)
	}
	proc := func(k string) (string, bool) {
		if k == "SHELL_WINS" {
			return "shell", true
		}
		return "", false
	}
	look := WithDotenv(proc, ma, mb)
	for _, c := range []struct{ k, want string }{{"TOKEN", "from-b"}, {"ONLY_A", "1"}, {"SHELL_WINS", "shell"}} {
		if v, _ := look(c.k); v != c.want {
			t.Errorf("lookup(%q) = %q; want %q", c.k, v, c.want)
		}
	}
	if _, ok := look("NONE"); ok {
		t.Errorf("lookup(NONE) found a value")
	}
	if _, err := ReadDotenv(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadDotenv(folder) = %v; want not a regular file", err)
	}
	if _, err := ReadDotenv("/dev/zero"); err == nil {
		t.Errorf("ReadDotenv(/dev/zero) = nil error")
	}
	// the folder's .env only when trusted
	s := NewStore(dir)
	writeFile(t, filepath.Join(dir, ".env"), "X=1\n", 0o600)
	if m, _, err := s.Dotenv(); m != nil || err != nil {
		t.Errorf("untrusted Store.Dotenv() = %v, %v; want nothing read", m, err)
	}
	s.Trusted = true
	if m, path, err := s.Dotenv(); m["X"] != "1" || err != nil || path != filepath.Join(dir, ".env") {
		t.Errorf("trusted Store.Dotenv() = %v, %q, %v; want X=1", m, path, err)
	}
	os.Remove(filepath.Join(dir, ".env"))
	if m, _, err := s.Dotenv(); m != nil || err != nil {
		t.Errorf("Store.Dotenv() without a file = %v, %v", m, err)
	}
}

func FuzzParseDotenv(f *testing.F) {
	for _, tt := range dotenvTests {
		f.Add(tt.in)
	}
	for _, tt := range dotenvErrorTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ParseDotenv("f", []byte(in))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("ParseDotenv(%q) error has a line break: %q", in, err)
			}
			return
		}
		for k := range m {
			if !ValidEnvName(k) {
				t.Errorf("ParseDotenv(%q) gave the name %q", in, k)
			}
		}
	})
}
