package tui

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/ui"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// The Trace tab's comparison says what was compared: a tick only when
// values were paired and agree, and each row names the server's column by
// what the value is (received off the request, or what it expected).
var comparisonTextTests = []struct {
	name    string
	c       ui.Comparison
	want    []string
	notWant []string
}{
	{
		name: "agree",
		c: ui.Comparison{Server: practice.ServerTrace{Verdict: "ok"}, Rows: []ui.Row{
			{Label: "nonce", Server: "abc", Side: ui.ServerReceived, Client: authn.Value{Label: "nonce", Text: "abc"}, HasClient: true},
			{Label: "signature base string", Server: "GET&x", Side: ui.ServerRecomputed, Client: authn.Value{Label: "signature base string", Text: "GET&x"}, HasClient: true},
		}},
		want: []string{"✓ the practice server accepted the request, and the 2 values", "server received abc", "server expects GET&x", "client"},
	},
	{
		name: "nothing paired",
		c: ui.Comparison{Server: practice.ServerTrace{Verdict: "ok"}, Rows: []ui.Row{
			{Label: "server clock", Server: "12:00", Side: ui.ServerOnly},
		}},
		want:    []string{"nothing compared", "server 12:00"},
		notWant: []string{"✓", "client"},
	},
	{
		name: "refused though the values agree",
		c: ui.Comparison{Server: practice.ServerTrace{Verdict: "token secret wrong"}, Rows: []ui.Row{
			{Label: "nonce", Server: "abc", Side: ui.ServerReceived, Client: authn.Value{Label: "nonce", Text: "abc"}, HasClient: true},
		}},
		want:    []string{"✗ the practice server refused (token secret wrong)"},
		notWant: []string{"✓"},
	},
}

func TestComparisonText(t *testing.T) {
	st := theme.New(true, true)
	for _, tt := range comparisonTextTests {
		got := ansi.Strip(comparisonText(st, tt.c, false, 100))
		flat := strings.Join(strings.Fields(got), " ")
		for _, w := range tt.want {
			if !strings.Contains(flat, w) {
				t.Errorf("%s: comparisonText() =\n%s\nwant it to contain %q", tt.name, got, w)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(got, w) {
				t.Errorf("%s: comparisonText() =\n%s\nwant no %q", tt.name, got, w)
			}
		}
	}
}
