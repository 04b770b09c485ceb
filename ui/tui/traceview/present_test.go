package traceview

import (
	"fmt"
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
	"github.com/charmbracelet/x/ansi"
)

func newPresentView(w, h int) Model { return newView(w, h).SetPresent(true) }

// TestPresentMasksSignature: in presenter mode the published example's
// oauth_signature (as computed and percent-encoded) is on no line of the
// trace, whole or in a step alone, c copies it as its mask, and no line
// names R; the base string the student compares is still shown. Without
// presenter mode the signature is there (so the check can fail).
func TestPresentMasksSignature(t *testing.T) {
	res := twitterExample(t)
	live := []string{twitterSignature, authn.PercentEncode(twitterSignature)}
	for _, present := range []bool{true, false} {
		m := newView(200, 60).SetPresent(present).SetResult(res, false)
		var all strings.Builder
		all.WriteString(ansi.Strip(m.Content()))
		for range len(res.Trace.Steps) {
			m, _ = press(t, m, "n")
			all.WriteString("\n" + ansi.Strip(m.Content()))
		}
		text := all.String()
		for _, v := range live {
			if got := strings.Contains(text, v); got == present {
				t.Errorf("present=%v: %q in the trace = %v; want %v", present, v, got, !present)
			}
		}
		if !strings.Contains(text, twitterBaseString[:60]) { // wrapped at the pane width
			t.Errorf("present=%v: the signature base string is not shown", present)
		}
		if names := strings.Contains(text, "R reveals"); names == present {
			t.Errorf("present=%v: the trace names R to reveal: %v; want %v", present, names, !present)
		}
	}

	m := newPresentView(200, 60).SetResult(res, false)
	i := find(t, m, "oauth_signature"+" (secret)")
	for m.focus != i {
		m, _ = press(t, m, "j")
	}
	m, cmd := press(t, m, "c")
	if got := fmt.Sprint(cmd()); got != authn.Mask("") {
		t.Errorf("c on oauth_signature in presenter mode copies %q; want the mask", got)
	}
	if st := ansi.Strip(m.View()); strings.Contains(st, "R reveals") || !strings.Contains(st, "presenter mode") {
		t.Errorf("status after c in presenter mode names R or not presenter mode:\n%s", st)
	}
	// R is the parent's: SetReveal(true) still shows nothing live
	m = m.SetReveal(res, true)
	if strings.Contains(ansi.Strip(m.Content()), twitterSignature) {
		t.Error("SetReveal(true) in presenter mode shows the signature")
	}
}

// TestPresentMasksServerSignature: the practice server's own values beside
// the client's, the oauth_signature it expected and the one it received,
// are masked in presenter mode; the verdict and the first difference are
// the same as without it.
func TestPresentMasksServerSignature(t *testing.T) {
	res := twitterVerify(t, "not-the-token-secret")
	plain := newView(200, 80).SetResult(res, false)
	pres := newPresentView(200, 80).SetResult(res, false)
	var server []string
	for _, v := range plain.doc.values {
		if strings.HasPrefix(v.label, "server") && strings.Contains(v.label, "oauth_signature") && !strings.Contains(v.label, "method") {
			server = append(server, v.text)
		}
	}
	if len(server) == 0 {
		t.Fatalf("no server oauth_signature row without presenter mode: %v", plain.doc.values)
	}
	text := ansi.Strip(pres.Content())
	for _, v := range server {
		if strings.Contains(text, v) {
			t.Errorf("presenter mode shows the practice server's signature %q:\n%s", v, text)
		}
	}
	for _, want := range []string{"First difference", "first difference"} {
		if strings.Contains(ansi.Strip(plain.Content()), want) != strings.Contains(text, want) {
			t.Errorf("presenter mode changed whether %q is reported", want)
		}
	}
}
