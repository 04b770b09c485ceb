package tui

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// githubDocsCurl is the "Get the authenticated user" example of GitHub's
// REST documentation, as the page prints it (backslash-newline
// continuations), with the host pointed at a test server.
const githubDocsCurl = `curl -L \
  -H "Accept: application/vnd.github+json" \
  -H "Authorization: Bearer <YOUR-TOKEN>" \
  -H "X-GitHub-Api-Version: 2022-11-28" \
  HOST/user`

func ctrlKey(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

// TestPasteCurlIntoURL pastes a curl command into the URL field: the editor
// becomes that request (method, URL, headers, scheme and token), a literal
// token is named on the status line with the reference to keep it as, and
// nothing is sent until ctrl+r.
func TestPasteCurlIntoURL(t *testing.T) {
	m, _ := step(t, newModel(t, profiles.Profile{}, nil, false), size(120, 40))
	m, cmd := step(t, m, tea.PasteMsg{Content: strings.ReplaceAll(githubDocsCurl, "HOST", "https://api.github.com")})
	if cmd == nil {
		t.Fatal("pasting a curl command returned no import command")
	}
	if m.ed.url.Value() != "" {
		t.Errorf("the pasted command went into the URL field as text: %q", m.ed.url.Value())
	}
	m, _ = step(t, m, cmd())
	if got := m.ed.url.Value(); got != "https://api.github.com/user" {
		t.Errorf("URL = %q; want https://api.github.com/user", got)
	}
	if got := m.ed.schemes[m.ed.scheme].Name; got != "bearer" {
		t.Errorf("scheme = %q; want bearer", got)
	}
	if got := m.ed.creds.Values()["token"]; got != "<YOUR-TOKEN>" {
		t.Errorf("token = %q; want <YOUR-TOKEN>", got)
	}
	p := m.ed.draftProfile("", m.base)
	var hdrs []string
	for _, h := range p.Headers {
		hdrs = append(hdrs, h.Name+": "+h.Value)
	}
	if got, want := strings.Join(hdrs, "|"), "Accept: application/vnd.github+json|X-GitHub-Api-Version: 2022-11-28"; got != want {
		t.Errorf("headers = %s; want %s", got, want)
	}
	if !p.Follow {
		t.Error("-L did not become follow")
	}
	if !strings.Contains(m.status, "env:GITHUB_TOKEN") {
		t.Errorf("status does not offer a reference for the literal token: %q", m.status)
	}
	if m.snd.Busy() {
		t.Error("the import sent the request")
	}
	// A URL pasted into the URL field is still just text.
	m, _ = step(t, m, ctrlKey('u'))
	_, cmd = step(t, m, tea.PasteMsg{Content: "https://example.org/x"})
	if cmd != nil {
		if _, isImport := cmd().(importMsg); isImport {
			t.Error("a plain URL was taken for a curl command")
		}
	}
}

// TestPastedCurlSends is the "done when": the GitHub docs command,
// pasted, is ready to send and sends what it says.
func TestPastedCurlSends(t *testing.T) {
	var got *http.Request
	srv := newRecorder(t, func(r *http.Request) { got = r })
	m, _ := step(t, newModel(t, profiles.Profile{}, nil, false), size(120, 40))
	// the docs' placeholder replaced by a token, as the reader does
	pasted := strings.ReplaceAll(strings.ReplaceAll(githubDocsCurl, "HOST", srv), "<YOUR-TOKEN>", "ghp_16C7e42F292c6912E7710c838347Ae178B4a")
	m, cmd := step(t, m, tea.PasteMsg{Content: pasted})
	m, _ = step(t, m, cmd())
	m, cmd = step(t, m, keyMsg("ctrl+r"))
	if !m.snd.Busy() {
		t.Fatalf("ctrl+r did not send; status %q", m.status)
	}
	msg := runSend(t, cmd)
	m, _ = step(t, m, msg)
	if got == nil {
		t.Fatalf("the server got no request (err %v, status %q)", msg.err, m.status)
	}
	if a := got.Header.Get("Authorization"); a != "Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a" {
		t.Errorf("Authorization = %q", a)
	}
	if v := got.Header.Get("X-GitHub-Api-Version"); v != "2022-11-28" {
		t.Errorf("X-GitHub-Api-Version = %q", v)
	}
	if !strings.Contains(ansi.Strip(m.View().Content), "200 OK") {
		t.Errorf("no 200 on screen:\n%s", ansi.Strip(m.View().Content))
	}
}

// TestTypedCurlImportsOnSend covers terminals without bracketed paste: the
// command arrives as typed text and ctrl+r imports it instead of sending it.
func TestTypedCurlImportsOnSend(t *testing.T) {
	m, _ := step(t, newModel(t, profiles.Profile{}, nil, false), size(80, 24))
	m, _ = step(t, m, typeText("curl -u octocat:env:GH_PASS https://api.github.com/user")...)
	m, cmd := step(t, m, keyMsg("ctrl+r"))
	if m.snd.Busy() || cmd == nil {
		t.Fatalf("ctrl+r on a typed curl command: inflight=%v cmd=%v", m.snd.Busy(), cmd != nil)
	}
	m, _ = step(t, m, cmd())
	if got := m.ed.creds.Values(); got["username"] != "octocat" || m.ed.schemes[m.ed.scheme].Name != "basic" {
		t.Errorf("after import: scheme %s, fields %v", m.ed.schemes[m.ed.scheme].Name, got)
	}
}

// TestExportView opens the export view on the editor's request: curl first,
// ←/→ through the formats, the secret never on screen or in the clipboard
// text, enter copies with OSC 52, esc closes.
func TestExportView(t *testing.T) {
	p := profiles.Profile{Method: "GET", URL: "https://api.github.com/user", Headers: []profiles.Header{{Name: "Accept", Value: "application/json"}},
		Scheme: "basic", Fields: map[string]string{"username": "octocat", "password": "hunter2-literal"}}
	m, _ := step(t, newModel(t, p, nil, true), size(100, 30))
	m, cmd := step(t, m, ctrlKey('y'))
	if (m.focus != focusExport) || cmd == nil {
		t.Fatal("ctrl+y did not open the export view")
	}
	m, _ = step(t, m, cmd())
	screen := ansi.Strip(m.View().Content)
	golden(t, "export-curl-100x30", screen)
	for _, want := range []string{"Export", "curl", "python", "GITHUB_PASSWORD", "api.github.com/user"} {
		if !strings.Contains(screen, want) {
			t.Errorf("export view lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "hunter2-literal") || strings.Contains(m.exp.snippet.Text, "hunter2-literal") {
		t.Errorf("the literal password is exported:\n%s", screen)
	}
	seen := map[string]bool{m.exp.snippet.Target: true}
	for range len(m.exp.formats) - 1 {
		m, cmd = step(t, m, keyMsg("right"))
		m, _ = step(t, m, cmd())
		if m.exp.err != nil {
			t.Errorf("%s: %v", m.exp.formats[m.exp.cur], m.exp.err)
		}
		if strings.Contains(m.exp.snippet.Text, "hunter2-literal") {
			t.Errorf("%s export holds the literal password", m.exp.snippet.Target)
		}
		seen[m.exp.snippet.Target] = true
	}
	for _, f := range []string{"curl", "httpie", "python", "go"} {
		if !seen[f] {
			t.Errorf("←/→ never showed the %s export (saw %v)", f, seen)
		}
	}
	_, cmd = step(t, m, keyMsg("enter"))
	if cmd == nil {
		t.Fatal("enter did not copy")
	}
	if msg := cmd(); !strings.Contains(fmt.Sprintf("%T", msg), "Clipboard") {
		t.Errorf("enter gave %T; want tea.SetClipboard's message (OSC 52)", msg)
	}
	m, _ = step(t, m, keyMsg("esc"))
	if m.focus == focusExport {
		t.Error("esc did not close the export view")
	}
}

// newRecorder starts a loopback server that answers 200 with a JSON body
// and hands each request to got.
func newRecorder(t *testing.T, got func(*http.Request)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got(r.Clone(r.Context()))
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"login":"octocat"}`))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestHeaderOrderKept: a profile's (or an imported command's) headers open
// in their order, not in a map's.
func TestHeaderOrderKept(t *testing.T) {
	p := profiles.Profile{URL: "https://x.test/", Headers: []profiles.Header{{Name: "Z-Last", Value: "1"}, {Name: "A-First", Value: "2"}, {Name: "M-Mid", Value: "3"}, {Name: "A-First", Value: "4"}}}
	st := theme.New(true, true)
	for range 20 { // map order would show within a few tries
		ed := newEditor(common{st: &st}, p)
		var got []string
		for _, h := range ed.headers {
			got = append(got, h.name.Value()+"="+h.value.Value())
		}
		if g := strings.Join(got, " "); g != "Z-Last=1 A-First=2 M-Mid=3 A-First=4" {
			t.Fatalf("header rows = %s; want the profile's order", g)
		}
	}
}

// TestImportedLiteralSavedAsRef: the offer made at import is kept at save:
// e stores the literal token as the env: reference the status line named,
// never the token itself, and the editor holds the reference from then on.
func TestImportedLiteralSavedAsRef(t *testing.T) {
	m, store := storeModel(t, profiles.Profile{})
	m, cmd := step(t, m, tea.PasteMsg{Content: strings.ReplaceAll(strings.ReplaceAll(githubDocsCurl, "HOST", "https://api.github.com"), "<YOUR-TOKEN>", "ghp_l1teral")})
	m, _ = step(t, m, cmd())
	m, _ = step(t, m, tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	m, _ = step(t, m, typeText("github/me")...)
	m, _ = step(t, m, keyMsg("enter"))
	if m.ask.kind != askPlaintext || !strings.Contains(m.ask.choices, "e keeps env:GITHUB_TOKEN") {
		t.Fatalf("save of a literal token: ask %v %q; want the offer of env:GITHUB_TOKEN", m.ask.kind, m.ask.text)
	}
	m, cmd = step(t, m, keyMsg("e"))
	m = run(t, m, cmd)
	b, err := os.ReadFile(filepath.Join(store.Dir, "github", "me.toml"))
	if err != nil || strings.Contains(string(b), "ghp_l1teral") || !strings.Contains(string(b), "env:GITHUB_TOKEN") {
		t.Fatalf("saved file (%v):\n%s", err, b)
	}
	if got := m.ed.creds.Values()["token"]; got != "env:GITHUB_TOKEN" || m.dirty {
		t.Errorf("after e: editor token %q, dirty %v; want the reference, saved", got, m.dirty)
	}
}

// TestImportedFollowIsSent: a pasted -L follows redirects when sent from
// the TUI, although its engine was started without --follow.
func TestImportedFollowIsSent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
			return
		}
		w.Write([]byte(`{"moved":true}`))
	}))
	defer srv.Close()
	for _, tt := range []struct {
		cmd    string
		status int
	}{{"curl -L " + srv.URL + "/old", 200}, {"curl " + srv.URL + "/old", 301}} {
		m, _ := step(t, newModel(t, profiles.Profile{}, nil, false), size(120, 40))
		m, cmd := step(t, m, tea.PasteMsg{Content: tt.cmd})
		m, _ = step(t, m, cmd())
		_, cmd = step(t, m, keyMsg("ctrl+r"))
		msg := runSend(t, cmd)
		if msg.err != nil || msg.res.Final().Response.Status != tt.status {
			t.Errorf("%s: status %d, err %v; want %d", tt.cmd, msg.res.Final().Response.Status, msg.err, tt.status)
		}
	}
}
