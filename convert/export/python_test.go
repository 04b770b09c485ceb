package export

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
	"github.com/authlab/authlab/profiles"
)

// TestPythonGolden writes every case and compares it with
// testdata/python-NAME.golden; no text holds a secret, and every one
// parses as Python.
func TestPythonGolden(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, c := range codeCases {
		s, err := Export(c.prof, "python", codeOptions("http://127.0.0.1:8089"))
		if c.python == "unsupported" {
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("Export(%s, python) = %v; want ErrUnsupported", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Export(%s, python): %v", c.name, err)
			continue
		}
		golden(t, "python-"+c.name, s.Text)
		assertNoCodeSecret(t, "python-"+c.name, s.Text)
		files = append(files, writeTemp(t, dir, c.name+".py", s.Text))
	}
	t.Run("parse", func(t *testing.T) {
		cmd := exec.Command(testenv.Python(t, nil), append([]string{"-c", "import ast, sys\nfor f in sys.argv[1:]: ast.parse(open(f).read(), f)"}, files...)...)
		if code, out := exitCode(t, cmd); code != 0 {
			t.Errorf("an exported script does not parse: %s", out)
		}
	})
}

// TestPythonInterop runs the exported scripts with Debian's python3 and
// only their variables in the environment against the practice server:
// each gets 200, and the same script with one secret spoiled is refused.
func TestPythonInterop(t *testing.T) {
	t.Parallel()
	testenv.Full(t, "Python interop")
	base, _ := startPractice(t)
	dir := t.TempDir()
	for _, c := range codeCases {
		if c.python != "run" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, err := Export(c.prof, "python", codeOptions(base))
			if err != nil {
				t.Fatal(err)
			}
			py := testenv.PythonScript(t, s.Text)
			path := writeTemp(t, dir, c.name+".py", s.Text)
			env := envFor(t, s, codeRefs)
			cmd := exec.Command(py, path)
			cmd.Env = env
			code, out := exitCode(t, cmd)
			if code != 0 || !strings.HasPrefix(out, "200 ") {
				t.Fatalf("python %s: exit %d; want 0 and 200:\n%s\n%s", c.name, code, out, s.Text)
			}
			if c.wrong == "" {
				return
			}
			bad, ok := spoilEnv(s, env, c.wrong)
			if !ok {
				t.Fatalf("the script does not read %s", c.wrong)
			}
			cmd = exec.Command(py, path)
			cmd.Env = bad
			if code, out := exitCode(t, cmd); code == 0 {
				t.Errorf("python %s with %s spoiled: exit 0; want a refusal:\n%s", c.name, c.wrong, out)
			}
		})
	}
}

// TestPythonMissingVar: a variable not set ends the script with one line
// naming it, not a traceback.
func TestPythonMissingVar(t *testing.T) {
	s, err := Export(codeCases[1].prof, "python", codeOptions("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.PythonScript(t, s.Text), writeTemp(t, t.TempDir(), "x.py", s.Text))
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	code, out := exitCode(t, cmd)
	if want := "set the environment variable DEMO_PASSWORD first\n"; code != 1 || out != want {
		t.Errorf("python without DEMO_PASSWORD: exit %d, %q; want 1, %q", code, out, want)
	}
}

// TestPythonReveal: with Reveal the literal secret is in the script and
// no variable is read.
func TestPythonReveal(t *testing.T) {
	opt := codeOptions("http://127.0.0.1:8089")
	opt.Reveal = true
	for _, name := range []string{"basic", "oauth1", "sigv4"} {
		c := codeCaseNamed(t, name)
		s, err := Export(c.prof, "python", opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Vars) != 0 || strings.Contains(s.Text, "need(") {
			t.Errorf("python %s revealed still reads %v:\n%s", name, s.Vars, s.Text)
		}
		if want := codeRefs[c.wrong]; !strings.Contains(s.Text, want) {
			t.Errorf("python %s revealed lacks %q:\n%s", name, want, s.Text)
		}
	}
}

func codeCaseNamed(t *testing.T, name string) codeCase {
	for _, c := range codeCases {
		if c.name == name {
			return c
		}
	}
	t.Fatalf("no case %s", name)
	return codeCase{}
}

// TestPythonHostile: quotes, backslashes, triple quotes, braces, newlines,
// NUL and unicode in a header, the URL, the user name, the password and
// the body reach a server byte for byte.
func TestPythonHostile(t *testing.T) {
	base, got := codeRecorder(t)
	p := hostileCodeProfile(base)
	s, err := Export(p, "python", codeOptions(base))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testenv.PythonScript(t, s.Text), writeTemp(t, t.TempDir(), "hostile.py", s.Text))
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOSTILE_PASSWORD=" + hostileText}
	if code, out := exitCode(t, cmd); code != 0 {
		t.Fatalf("exit %d:\n%s\n%s", code, out, s.Text)
	}
	checkHostile(t, "python", p, got(), s.Text)
}

// checkHostile compares what the server got with the hostile profile.
func checkHostile(t *testing.T, target string, p profiles.Profile, reqs []*codeRequest, text string) {
	t.Helper()
	if len(reqs) != 1 {
		t.Fatalf("%s: the server got %d requests; want 1", target, len(reqs))
	}
	r := reqs[0]
	u, _ := url.Parse(p.URL)
	checks := []struct{ what, got, want string }{
		{"method", r.Method, p.Method},
		{"request-target", r.RequestURI, u.RequestURI()},
		{"X-Hostile", r.Header.Get("X-Hostile"), hostileText},
		{"body", r.Body, p.Body},
		{"Authorization", r.Header.Get("Authorization"), "Basic " + base64.StdEncoding.EncodeToString([]byte(p.Fields["username"]+":"+hostileText))},
	}
	if target == "python" {
		// requests percent-encodes what RFC 3986 does not allow in a URI
		// ({ } in the query here); a server decodes the same values.
		gu, _ := url.Parse(r.RequestURI)
		checks[1] = struct{ what, got, want string }{"request-target (decoded query)", gu.EscapedPath() + "?" + gu.Query().Encode(), u.EscapedPath() + "?" + u.Query().Encode()}
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s hostile %s = %q; want %q\n%s", target, c.what, c.got, c.want, text)
		}
	}
}

var pyStrTests = []string{
	"", "plain", `a"b`, `a'b`, `a"'b`, `back\slash`, `"""`, "'''", `\n`, "new\nline\r\n", "{}{0}%s", "ü€😀", "\u202e\u2028\x00\x7f\t",
}

// TestPyStr reads pyStr's literals (and pyBytes's) back with python3.
func TestPyStr(t *testing.T) {
	var src strings.Builder
	src.WriteString("import sys\n")
	for _, s := range pyStrTests {
		src.WriteString("print(" + pyStr(s) + ".encode().hex())\n")
	}
	raw := "\xff\xfe\"\\ok"
	src.WriteString("print(" + pyBytes(raw) + ".hex())\n")
	path := writeTemp(t, t.TempDir(), "lit.py", src.String())
	out, err := exec.Command(testenv.Python(t, nil), path).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	for i, s := range append(pyStrTests, raw) {
		if want := hex.EncodeToString([]byte(s)); i >= len(got) || got[i] != want {
			t.Errorf("python reads pyStr(%q) = %s as %v; want %s", s, pyStr(s), got, want)
		}
	}
}
