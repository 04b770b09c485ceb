package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/golden"
	"github.com/charmbracelet/x/ansi"
)

// `authlab schemes` and `authlab schemes oauth1` as a pipe sees them: 80
// columns, one block per field.
func TestSchemesGolden(t *testing.T) {
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"schemes-80", []string{"schemes"}},
		{"schemes-oauth1-80", []string{"schemes", "oauth1"}},
	} {
		var out, errb bytes.Buffer
		if code := Run(context.Background(), tt.args, testEnv(&out, &errb)); code != ExitOK {
			t.Fatalf("authlab %q = exit %d; want 0\n%s", tt.args, code, errb.String())
		}
		golden.Assert(t, tt.golden, out.String())
	}
}

// No line of `authlab schemes` is wider than the terminal (or 80 cells
// without one), whatever the width.
func TestSchemesFitWidth(t *testing.T) {
	for _, tt := range []struct {
		tty   bool
		width int // of the terminal
		want  int // widest line allowed
	}{
		{false, 0, 80},
		{false, 200, 80}, // not a terminal: its size is not asked
		{true, 80, 80},
		{true, 60, 60},
		{true, 44, 44},
		{true, 120, 120},
	} {
		var out, errb bytes.Buffer
		env := testEnv(&out, &errb)
		env.StdoutTTY = tt.tty
		env.TermSize = func() (int, int, error) { return tt.width, 24, nil }
		if code := Run(context.Background(), []string{"schemes"}, env); code != ExitOK {
			t.Fatalf("schemes: exit %d\n%s", code, errb.String())
		}
		for i, l := range strings.Split(out.String(), "\n") {
			if w := ansi.StringWidth(l); w > tt.want {
				t.Errorf("schemes (tty %v, width %d) line %d is %d cells wide; want at most %d: %q", tt.tty, tt.width, i+1, w, tt.want, l)
			}
		}
		if !strings.Contains(out.String(), "\n  -c grant=") || !strings.Contains(out.String(), "authorization_code") {
			t.Errorf("schemes (tty %v, width %d) lacks oauth2's grant field and its values:\n%s", tt.tty, tt.width, out.String())
		}
	}
}

// A mistyped scheme or command names the nearest one, in one line, exit 1:
// in `schemes NAME`, in send's -a, in the TUI's -a (checked before the TUI
// starts) and at the root.
func TestSuggestNearest(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		tui  bool
		want string
	}{
		{[]string{"schemes", "oauht1"}, false, `authlab: unknown auth scheme "oauht1": did you mean oauth1? (schemes: none, basic,`},
		{[]string{"schemes", "kerberos"}, false, `authlab: unknown auth scheme "kerberos": use one of: none, basic,`},
		{[]string{"send", "-a", "baerer", "http://127.0.0.1:1/"}, false, `authlab: unknown auth scheme "baerer": did you mean bearer?`},
		{[]string{"--profiles", dir, "-a", "digets", "http://127.0.0.1:1/"}, true, `authlab: unknown auth scheme "digets": did you mean digest?`},
		{[]string{"sned", "http"}, false, `authlab: unknown command "sned": did you mean send? (see ` + "`authlab --help`)"},
		{[]string{"shemes"}, false, `authlab: unknown command "shemes": did you mean schemes?`},
		{[]string{"frobnicate"}, false, `authlab: unknown command "frobnicate": see ` + "`authlab --help`"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		env := testEnv(&out, &errb)
		env.StdinTTY, env.StdoutTTY = tt.tui, tt.tui
		code := Run(context.Background(), tt.args, env)
		if code != ExitError || !strings.HasPrefix(errb.String(), tt.want) || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("authlab %q = exit %d, stderr %q; want exit 1 and one line starting %q", tt.args, code, errb.String(), tt.want)
		}
		if out.Len() != 0 {
			t.Errorf("authlab %q stdout = %q; want nothing", tt.args, out.String())
		}
	}
}
