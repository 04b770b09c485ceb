package export

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
)

// TestHTTPieGolden writes every case as HTTPie and compares it with
// testdata/httpie-NAME.golden; no secret may appear in any of them.
func TestHTTPieGolden(t *testing.T) {
	for _, tt := range shellCases {
		s, err := Export(tt.prof, "httpie", goldenOptions())
		if err != nil {
			t.Errorf("Export(%s, httpie) = %v", tt.name, err)
			continue
		}
		golden(t, "httpie-"+tt.name, s.Text)
		assertNoShellSecret(t, "httpie-"+tt.name, s.Text)
	}
}

func TestHTTPieReveal(t *testing.T) {
	opt := goldenOptions()
	opt.Reveal = true
	s, err := Export(shellCases[1].prof, "httpie", opt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.Text, "-a demo:demo-password") || !strings.Contains(s.Text, "--reveal") || strings.Contains(s.Text, "${") {
		t.Errorf("Export(basic, httpie, Reveal).Text = %q; want the literal password, the --reveal note and no variable", s.Text)
	}
}

// TestHTTPieInterop runs each exported command with /usr/bin/http against
// the practice server: a 2xx with the right secrets, a 4xx (--check-status
// exits 4) with one of them wrong.
func TestHTTPieInterop(t *testing.T) {
	testenv.HTTPie(t)
	_, opt := startPractice(t)
	opt.Resolve = shellResolve
	for _, tt := range interopCases {
		if !tt.httpie {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			interop(t, "httpie", tt.name, tt.wrong, opt, "2xx", "4")
		})
	}
}

func TestHTTPieHostile(t *testing.T) {
	testenv.HTTPie(t)
	testHostile(t, "httpie")
}

var httpieHeaderTests = []struct {
	h    Header
	want string
}{
	{Header{"Accept", lit("application/json")}, "Accept:application/json"},
	{Header{"X-A", lit("=x")}, `'X-A:\=x'`},
	{Header{"X-A", lit("@file")}, `'X-A:\@file'`},
	{Header{"X-A", lit("a=b==c:=d")}, "X-A:a=b==c:=d"},
	{Header{"X-A", lit("")}, `'X-A;'`},
	{Header{"X-A", Value{Var: "K"}}, `"X-A:${K}"`},
}

func TestHTTPieHeader(t *testing.T) {
	for _, tt := range httpieHeaderTests {
		if got, err := httpieHeader(tt.h); err != nil || got != tt.want {
			t.Errorf("httpieHeader(%q) = %q, %v; want %q", tt.h, got, err, tt.want)
		}
	}
}
