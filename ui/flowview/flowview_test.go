package flowview

import (
	"fmt"
	gold "github.com/authlab/authlab/internal/golden"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/internal/uitest"
	"github.com/charmbracelet/x/ansi"
)

func flowGolden(t *testing.T, name, got string) {
	t.Helper()
	gold.Assert(t, name, got)
}

func flowText(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.String() + "\n")
	}
	return b.String()
}

var flowFixtures = []struct {
	name string
	res  func() *authn.Result
}{
	{"oauth2", uitest.OAuth2},
	{"digest", uitest.Digest},
	{"redirect", uitest.Redirect},
}

// TestFlowGolden pins the diagram at 120 and 80 columns and the numbered
// list it collapses to at 60.
func TestFlowGolden(t *testing.T) {
	for _, f := range flowFixtures {
		for _, w := range []int{120, 80, 60} {
			res := f.res()
			got := flowText(Render(res, Options{Width: w, Secrets: res.ResponseSecrets()}))
			flowGolden(t, fmt.Sprintf("%s-%d", f.name, w), got)
		}
	}
}

// TestFlowFitsWidth: at every width no line is wider than asked, so the TUI
// never wraps the diagram; narrow widths get the list, never a cut diagram.
func TestFlowFitsWidth(t *testing.T) {
	for _, f := range flowFixtures {
		for w := 30; w <= 160; w++ {
			for _, l := range Render(f.res(), Options{Width: w}) {
				if got := ansi.StringWidth(l.String()); got > w {
					t.Errorf("Render(%s, %d): line %q is %d cells wide", f.name, w, l.String(), got)
				}
			}
		}
	}
}

var flowContentTests = []struct {
	name    string
	res     func() *authn.Result
	opts    Options
	want    []string
	notWant []string
}{
	{"lifeline per origin, default ports filled in", uitest.OAuth2, Options{Width: 120},
		[]string{"client", "auth.example.com:443", "api.example.com:443", "POST /oauth2/token", "GET /v1/me?pretty=1", "401 Unauthorized", "token · 41 ms", "retry · 9 ms", "Flow · 4 exchanges · client and 2 servers"}, nil},
	{"digest challenge and retry on one lifeline", uitest.Digest, Options{Width: 80},
		[]string{"127.0.0.1:8089", "challenge · 3 ms", "retry · 2 ms", "client and 1 server"}, []string{"127.0.0.1:8089  "}},
	{"query credential masked", uitest.Redirect, Options{Width: 120},
		[]string{"api_key=••••••••&limit=5", "cdn.example.net:8443", "✗ dial tcp"}, []string{"k-123456789"}},
	{"query credential revealed", uitest.Redirect, Options{Width: 120, Reveal: true},
		[]string{"api_key=k-123456789"}, nil},
	{"server text sanitized", uitest.Redirect, Options{Width: 120},
		[]string{`302 Found\x1b]0;pwned\x07`}, []string{"\x1b", "\x07"}},
	{"list form at 60", uitest.OAuth2, Options{Width: 60},
		[]string{"1. token    POST auth.example.com:443 /oauth2/token", "   ← 401 Unauthorized · 12 ms", "4. retry    GET api.example.com:443 /v1/me"}, []string{"│"}},
}

func TestFlowContent(t *testing.T) {
	for _, tt := range flowContentTests {
		got := flowText(Render(tt.res(), tt.opts))
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: Render lacks %q:\n%s", tt.name, w, got)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(got, w) {
				t.Errorf("%s: Render has %q:\n%s", tt.name, w, got)
			}
		}
	}
}

// TestFlowMasksResponseSecrets: a token a flow marked in a response is
// masked in every label (here a path and a reason phrase that carry it)
// unless revealed.
func TestFlowMasksResponseSecrets(t *testing.T) {
	res := uitest.OAuth2()
	res.Exchanges[1].Request.URL.Path = "/v1/tokens/" + uitest.AccessToken
	res.Exchanges[1].Response.Reason = "Unauthorized " + uitest.AccessToken
	for _, w := range []int{120, 60} {
		got := flowText(Render(res, Options{Width: w, Secrets: res.ResponseSecrets()}))
		if strings.Contains(got, uitest.AccessToken) || strings.Contains(got, uitest.AccessToken[:12]) {
			t.Errorf("Render(width %d) shows the access token:\n%s", w, got)
		}
		got = flowText(Render(res, Options{Width: 200, Reveal: true, Secrets: res.ResponseSecrets()}))
		if !strings.Contains(got, "/v1/tokens/"+uitest.AccessToken) {
			t.Errorf("Render(reveal) hides the token:\n%s", got)
		}
	}
}

// TestFlowSpans: the spans carry the kinds the front ends style, statuses
// carry their code, and joining spans gives the line.
func TestFlowSpans(t *testing.T) {
	lines := Render(uitest.Digest(), Options{Width: 80})
	codes := map[int]bool{}
	roles := map[string]bool{}
	for _, l := range lines {
		for _, s := range l {
			switch s.Kind {
			case Status:
				codes[s.Code] = true
				if !strings.Contains(s.Text, fmt.Sprint(s.Code)) {
					t.Errorf("status span %q does not carry code %d", s.Text, s.Code)
				}
			case Role:
				roles[strings.TrimSpace(s.Text)] = true
			}
		}
	}
	if !codes[401] || !codes[200] {
		t.Errorf("status codes in spans = %v; want 401 and 200", codes)
	}
	if !roles["challenge"] || !roles["retry"] {
		t.Errorf("roles in spans = %v; want challenge and retry", roles)
	}
	if lines[0][0].Kind != Title {
		t.Errorf("first span kind = %d; want Title", lines[0][0].Kind)
	}
}

func TestFlowWanted(t *testing.T) {
	if Wanted(nil) || Wanted(&authn.Result{Exchanges: make([]authn.Exchange, 1)}) {
		t.Error("Wanted is true for a single exchange")
	}
	if !Wanted(uitest.Digest()) {
		t.Error("Wanted is false for a challenge and retry")
	}
	if Render(&authn.Result{}, Options{}) != nil {
		t.Error("Render of no exchanges is not nil")
	}
}

// FuzzFlowRender: whatever a server puts in a reason phrase or a redirect
// target, no line holds a control character and none exceeds the width.
func FuzzFlowRender(f *testing.F) {
	f.Add("Found\x1b]0;x\x07", "cdn.example.net:8443", 80)
	f.Add("\u202eOK", "xn--bcher-kva.example", 60)
	f.Add("宽字符的原因短语", "例え.jp", 40)
	f.Fuzz(func(t *testing.T, reason, host string, w int) {
		w = 20 + flowAbs(w)%140
		res := uitest.Redirect()
		res.Exchanges[0].Response.Reason = reason
		res.Exchanges[1].Request.URL.Host = host
		for _, l := range Render(res, Options{Width: w}) {
			s := l.String()
			if ansi.StringWidth(s) > w {
				t.Fatalf("line %q wider than %d", s, w)
			}
			for _, r := range s {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
					t.Fatalf("line %q holds control %U", s, r)
				}
			}
		}
	})
}

func flowAbs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
