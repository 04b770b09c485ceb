package shell

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
)

var quoteTests = []struct {
	in, want string
}{
	{"", "''"},
	{"https://api.github.com/user", "https://api.github.com/user"},
	{"Accept: application/json", "'Accept: application/json'"},
	{"it's", `'it'\''s'`},
	{"$HOME", "'$HOME'"},
	{"a b", "'a b'"},
	{"=x", "'=x'"},
	{"~user", "'~user'"},
	{"a*b", "'a*b'"},
}

func TestQuote(t *testing.T) {
	for _, tt := range quoteTests {
		if got := Quote(tt.in); got != tt.want {
			t.Errorf("Quote(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestQuoteBash has a real shell read back what Quote and QuoteVar wrote.
func TestQuoteBash(t *testing.T) {
	sh := testenv.Program(t, "sh", "dash")
	words := []string{"", "plain", "it's", `"dq" \ $x ${y} $(id) ` + "`id`", "tab\tnew\nline", "ünïcödé ✓", "!bang", "'", "''"}
	for _, w := range words {
		out, err := exec.Command(sh, "-c", "printf %s "+Quote(w)).Output()
		if err != nil {
			t.Fatalf("sh -c printf %s: %v", Quote(w), err)
		}
		if string(out) != w {
			t.Errorf("sh read Quote(%q) = %s back as %q", w, Quote(w), out)
		}
		q := QuoteVar(w+" ", "AUTHLAB_TEST_VAR", " "+w)
		cmd := exec.Command(sh, "-c", "printf %s "+q)
		cmd.Env = []string{"AUTHLAB_TEST_VAR=v$a'l\"ue"}
		out, err = cmd.Output()
		if err != nil {
			t.Fatalf("sh -c printf %s: %v", q, err)
		}
		if want := w + " v$a'l\"ue " + w; string(out) != want {
			t.Errorf("sh read %s back as %q; want %q", q, out, want)
		}
	}
	if !strings.Contains(QuoteVar("Bearer ", "TOKEN"), "${TOKEN}") {
		t.Errorf("QuoteVar does not name the variable: %s", QuoteVar("Bearer ", "TOKEN"))
	}
}
