package tui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
	"github.com/charmbracelet/x/ansi"
)

func TestFocusOrder(t *testing.T) {
	m, _ := step(t, newModel(t, profiles.Profile{Scheme: "basic"}, nil, false), size(80, 24))
	want := []slotKind{slotHeaderName, slotHeaderValue, slotBody, slotScheme, slotCred, slotCred}
	if cur, _ := m.ed.current(); cur.kind != slotURL {
		t.Fatalf("initial focus = %v; want the URL field", cur.kind)
	}
	for i, k := range want {
		m, _ = step(t, m, keyMsg("tab"))
		if cur, ok := m.ed.current(); !ok || cur.kind != k {
			t.Fatalf("after %d tabs focus = %v; want %v", i+1, cur.kind, k)
		}
	}
	m, _ = step(t, m, keyMsg("tab"))
	if m.focus != focusResult {
		t.Fatal("tab after the last field did not reach the result pane")
	}
	m, _ = step(t, m, keyMsg("tab"))
	if cur, _ := m.ed.current(); (m.focus == focusResult) || cur.kind != slotMethod {
		t.Fatalf("tab from the result pane went to %v; want the method picker", cur.kind)
	}
	m, _ = step(t, m, keyMsg("shift+tab"))
	if m.focus != focusResult {
		t.Fatal("shift+tab from the first field did not wrap to the result pane")
	}
}

func TestEditingAndPickers(t *testing.T) {
	m, _ := step(t, newModel(t, profiles.Profile{}, nil, false), size(80, 24))
	m, _ = step(t, m, typeText("http://example.test/a")...)
	if got := m.ed.url.Value(); got != "http://example.test/a" {
		t.Errorf("URL = %q", got)
	}
	// q is typed into a text field, not taken as quit
	m, cmd := step(t, m, keyMsg("q"))
	if got := m.ed.url.Value(); got != "http://example.test/aq" || cmd != nil && isQuit(cmd) {
		t.Errorf("q in the URL field: value %q, quit=%v", got, cmd != nil && isQuit(cmd))
	}
	m, _ = step(t, m, keyMsg("shift+tab"), keyMsg("right"), keyMsg("right"))
	if methods[m.ed.method] != "PUT" {
		t.Errorf("method after →→ = %s; want PUT", methods[m.ed.method])
	}
	m, _ = step(t, m, keyMsg("left"), keyMsg("left"), keyMsg("left"))
	if methods[m.ed.method] != "OPTIONS" {
		t.Errorf("method after ←←← = %s; want OPTIONS (wraps)", methods[m.ed.method])
	}
	// on a picker q quits, asking first: the URL is an unsaved edit
	mq, cmd := step(t, m, keyMsg("q"))
	if cmd != nil || mq.focus != focusConfirm || !strings.Contains(view(mq), "y discards them") {
		t.Errorf("q with unsaved edits: focus %v; want the discard question with its choices:\n%s", mq.focus, view(mq))
	}
	if _, cmd = step(t, mq, keyMsg("y")); cmd == nil || !isQuit(cmd) {
		t.Error("y after q did not quit")
	}
	// scheme picker rebuilds the credential form from the scheme's fields
	for range 5 {
		m, _ = step(t, m, keyMsg("tab"))
	}
	if cur, _ := m.ed.current(); cur.kind != slotScheme {
		t.Fatalf("focus = %v; want the scheme picker", cur.kind)
	}
	m, _ = step(t, m, keyMsg("right"))
	if got := m.ed.creds.Info().Name; got != "basic" {
		t.Errorf("scheme after → = %s; want basic", got)
	}
	if m.ed.creds.Len() != 2 {
		t.Errorf("basic form has %d fields; want 2", m.ed.creds.Len())
	}
	// headers: ctrl+n adds a row
	m, _ = step(t, m, keyMsg("shift+tab"), keyMsg("shift+tab"), keyMsg("shift+tab"), keyMsg("ctrl+n"))
	if len(m.ed.headers) != 2 {
		t.Errorf("ctrl+n: %d header rows; want 2", len(m.ed.headers))
	}
}

func isQuit(cmd tea.Cmd) bool {
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestSendRefusesBadInput(t *testing.T) {
	m, _ := step(t, newModel(t, profiles.Profile{URL: "not a url", Scheme: "basic"}, nil, false), size(80, 24))
	m, _ = step(t, m, keyMsg("tab"), keyMsg("tab")) // header name
	m, _ = step(t, m, typeText("Bad Name")...)
	m, cmd := step(t, m, keyMsg("ctrl+r"))
	if m.snd.Busy() || cmd != nil {
		t.Fatal("a request with a bad URL was sent")
	}
	v := view(m)
	for _, want := range []string{"not sent:", "not an absolute URL", "not a valid header name", "required"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%s", want, v)
		}
	}
}

func TestSendCancelAndRefuseSecond(t *testing.T) {
	arrived := make(chan struct{}, 4)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer hang.Close()
	m, _ := step(t, newModel(t, profiles.Profile{URL: hang.URL}, nil, false), size(80, 24))
	m, cmd := step(t, m, keyMsg("ctrl+r"))
	if !m.snd.Busy() {
		t.Fatal("ctrl+r did not start the request")
	}
	done := make(chan resultMsg, 1)
	go func() { done <- runSend(t, cmd) }()
	<-arrived
	// the UI answers keys while the request hangs
	m, _ = step(t, m, keyMsg("tab"))
	m, cmd2 := step(t, m, keyMsg("ctrl+r"))
	if cmd2 != nil || !strings.Contains(m.status, "already in flight") {
		t.Errorf("second send: cmd=%v status=%q; want refused", cmd2 != nil, m.status)
	}
	m, _ = step(t, m, keyMsg("esc"))
	if m.snd.Busy() || m.rp.state != paneCancelled || !strings.Contains(view(m), "cancelled") {
		t.Errorf("esc: inflight=%v state=%v; want cancelled on screen", m.snd.Busy(), m.rp.state)
	}
	var r resultMsg
	select {
	case r = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the cancelled request did not end")
	}
	m, _ = step(t, m, r) // the late result of the cancelled request is ignored
	if m.rp.state != paneCancelled {
		t.Errorf("state after the cancelled result = %v; want still cancelled", m.rp.state)
	}
}

func TestResultTabsAndResize(t *testing.T) {
	m := twitterResult(t, sizes[0], false)
	if m.focus != focusResult {
		t.Fatal("narrow layout: the result pane did not take focus after the answer")
	}
	for _, tc := range []struct {
		key  string
		tab  int
		want string
	}{
		{"2", tabBody, `"message": "Bad Authentication data."`},
		{"3", tabHeaders, "Request as sent"},
		{"4", tabTrace, "1. "},
		{"5", tabTiming, "First byte"},
		{"1", tabResponse, "Twitter code 215"},
		{"]", tabBody, `"code": 215`},
	} {
		m, _ = step(t, m, keyMsg(tc.key))
		if m.rp.tab != tc.tab || !strings.Contains(view(m), tc.want) {
			t.Errorf("key %s: tab %d, view lacks %q:\n%s", tc.key, m.rp.tab, tc.want, view(m))
		}
	}
	for _, sz := range [][2]int{{120, 40}, {60, 18}, {200, 60}, {80, 24}} {
		m, _ = step(t, m, size(sz[0], sz[1]))
		lines := strings.Split(view(m), "\n")
		if len(lines) > sz[1] {
			t.Errorf("at %dx%d the view has %d lines", sz[0], sz[1], len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > sz[0] {
				t.Errorf("at %dx%d a line is %d wide: %q", sz[0], sz[1], w, l)
				break
			}
		}
	}
}

func TestRevealInResultPane(t *testing.T) {
	m := twitterResult(t, sizes[1], false)
	m, _ = step(t, m, keyMsg("3"))
	if strings.Contains(view(m), "oauth_signature=\"") && !strings.Contains(view(m), "oauth_signature=\"••") {
		t.Error("headers tab shows the signature unmasked")
	}
	m, _ = step(t, m, keyMsg("4"))
	if strings.Contains(m.rp.content(), "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw") {
		t.Error("the trace shows the consumer secret before R")
	}
	m, _ = step(t, m, keyMsg("R"))
	if !m.rp.reveal || !strings.Contains(ansi.Strip(m.rp.content()), "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw") {
		t.Errorf("R did not reveal the signing key in the trace:\n%s", ansi.Strip(m.rp.content()))
	}
}

func TestQuitKeys(t *testing.T) {
	m, _ := step(t, newModel(t, profiles.Profile{}, nil, false), size(80, 24))
	if _, cmd := step(t, m, keyMsg("ctrl+c")); cmd == nil || !isQuit(cmd) {
		t.Error("ctrl+c in a text field did not quit")
	}
	_ = authn.Mask
}

// No golden view has a line wider than its terminal.
func TestGoldenWidths(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.golden")
	for _, f := range files {
		w := 120
		switch {
		case strings.Contains(f, "toosmall"):
			w = 50
		default:
			if sz := regexp.MustCompile(`(\d+)x\d+`).FindStringSubmatch(f); sz != nil {
				w, _ = strconv.Atoi(sz[1]) // the size the file is named after
			}
		}
		b, _ := os.ReadFile(f)
		for i, l := range strings.Split(string(b), "\n") {
			if ansi.StringWidth(l) > w {
				t.Errorf("%s:%d is %d cells wide; the terminal has %d", f, i+1, ansi.StringWidth(l), w)
			}
		}
	}
}

func TestTraceStepThrough(t *testing.T) {
	m := twitterResult(t, sizes[0], false)
	m, _ = step(t, m, keyMsg("4"))
	n := len(m.rp.res.Trace.Steps)
	m, _ = step(t, m, keyMsg("n"))
	if !strings.Contains(view(m), fmt.Sprintf("step 1 of %d", n)) || !strings.Contains(view(m), "specified in RFC 5849") {
		t.Fatalf("n: view lacks step 1:\n%s", view(m))
	}
	m, _ = step(t, m, keyMsg("n"), keyMsg("n"), keyMsg("p"))
	if !strings.Contains(view(m), fmt.Sprintf("step 2 of %d", n)) {
		t.Errorf("n n p: want step 2:\n%s", view(m))
	}
	m, _ = step(t, m, keyMsg("p"), keyMsg("p"))
	if strings.Contains(view(m), "step ") && strings.Contains(view(m), " of ") && !strings.Contains(view(m), "1. ") {
		t.Errorf("p before step 1 did not go back to the whole trace:\n%s", view(m))
	}
}

func TestPresenterModeDisablesReveal(t *testing.T) {
	srv := twitterServer(t)
	eng := authn.New(authn.Options{Transport: routeTo(srv), Now: func() time.Time { return fixedNow }})
	t.Cleanup(eng.Close)
	p := oauthPrefill
	p.Method, p.Body, p.URL = "GET", "", "https://api.twitter.com/1.1/account/verify_credentials.json"
	m := New(Options{Prefill: p, Engine: eng, Present: true, Now: func() time.Time { return fixedNow },
		Resolver: profiles.Resolver{LookupEnv: func(string) (string, bool) { return "", false }}})
	m, cmd := step(t, m, size(120, 40), keyMsg("ctrl+r"))
	m, _ = step(t, m, stable(runSend(t, cmd)))
	m, _ = step(t, m, keyMsg("4"), keyMsg("R"))
	if m.rp.reveal || strings.Contains(ansi.Strip(m.rp.content()), "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw") {
		t.Error("R revealed secrets in presenter mode")
	}
	if !strings.Contains(m.status, "presenter mode") {
		t.Errorf("status = %q; want the presenter-mode notice", m.status)
	}
}

// An engine input error naming a field is shown on that field of the form.
func TestEngineFieldErrorMarksTheField(t *testing.T) {
	m, _ := step(t, newModel(t, profiles.Profile{URL: "http://127.0.0.1:9/", Scheme: "oauth1",
		Fields: map[string]string{"consumer_key": "k", "signature_method": "RSA-SHA1"}}, nil, false), size(120, 40))
	m, cmd := step(t, m, keyMsg("ctrl+r"))
	m, _ = step(t, m, runSend(t, cmd))
	if got := m.ed.creds.Errors()["private_key"]; !strings.Contains(got, "private_key") {
		t.Errorf("errors = %v; want one on private_key", m.ed.creds.Errors())
	}
	if !strings.Contains(m.status, "not sent") {
		t.Errorf("status = %q; want not sent", m.status)
	}
}

// Issue #15 item 6: folded beside the response, the request's URL is
// shown whole (hard-wrapped, nothing cut) up to three rows.
func TestSummaryURLWhole(t *testing.T) {
	url := "http://127.0.0.1:8089/twitter/1.1/account/verify_credentials.json?include_entities=true&skip_status=1"
	m, _ := step(t, newModel(t, profiles.Profile{URL: url}, nil, false), size(80, 24))
	for _, w := range []int{40, 60, 78} {
		lines := strings.Split(ansi.Strip(m.ed.summary(w)), "\n")
		var got strings.Builder
		for i, l := range lines[:len(lines)-1] {
			if n := ansi.StringWidth(l); n > w {
				t.Errorf("w=%d: row %d is %d cells", w, i, n)
			}
			if i == 0 {
				l = strings.TrimPrefix(l, "GET ")
			}
			got.WriteString(strings.TrimLeft(l, " "))
		}
		if got.String() != url {
			t.Errorf("summary(%d) URL = %q; want %q", w, got.String(), url)
		}
	}
}
