//go:build linux

package tui

import (
	"github.com/authlab/authlab/profiles"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestPastedCurlBodyFile (#16 leak 7): a pasted command's @FILE body is not
// read by the paste. The editor shows the reference, and ctrl+r reads the
// file as it is then; /proc/self/environ is never read, at paste or at send.
func TestPastedCurlBodyFile(t *testing.T) {
	var mu sync.Mutex
	var got []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = b
		mu.Unlock()
	}))
	defer srv.Close()
	body := filepath.Join(t.TempDir(), "payload.json")
	if err := os.WriteFile(body, []byte(`{"at":"paste"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	m, _ := step(t, newModel(t, profiles.Profile{}, nil, true), size(240, 40))
	m, cmd := step(t, m, tea.PasteMsg{Content: "curl --json @" + body + " " + srv.URL + "/items"})
	m, _ = step(t, m, cmd())
	screen := ansi.Strip(m.View().Content)
	if want := "@" + body + " (read at send time)"; !strings.Contains(screen, want) {
		t.Errorf("the editor does not show the body file as %q:\n%s", want, screen)
	}
	if p := m.ed.draftProfile("", m.base); p.BodyFile != body || p.Body != "" {
		t.Errorf("draft body %q, body file %q; want the reference %q kept", p.Body, p.BodyFile, body)
	}
	const atSend = `{"at":"send"}`
	if err := os.WriteFile(body, []byte(atSend), 0o600); err != nil {
		t.Fatal(err)
	}
	m, cmd = step(t, m, keyMsg("ctrl+r"))
	msg := runSend(t, cmd)
	if msg.err != nil {
		t.Fatalf("send: %v", msg.err)
	}
	mu.Lock()
	if string(got) != atSend {
		t.Errorf("server got body %q; want the file as it is at send time, %q", got, atSend)
	}
	got = nil
	mu.Unlock()

	const sentinel = "authlab-leak-7-sentinel"
	t.Setenv("AUTHLAB_LEAK_SENTINEL", sentinel)
	m, _ = step(t, newModel(t, profiles.Profile{}, nil, true), size(120, 40))
	m, cmd = step(t, m, tea.PasteMsg{Content: "curl --data-binary @/proc/self/environ " + srv.URL + "/leak"})
	m, _ = step(t, m, cmd())
	if strings.Contains(ansi.Strip(m.View().Content), sentinel) || strings.Contains(m.ed.body.Value(), sentinel) {
		t.Fatal("the paste read /proc/self/environ into the editor")
	}
	_, cmd = step(t, m, keyMsg("ctrl+r"))
	msg = runSend(t, cmd)
	mu.Lock()
	defer mu.Unlock()
	if msg.err == nil || !strings.Contains(msg.err.Error(), "is under /proc") || got != nil {
		t.Errorf("send with body file /proc/self/environ: err %v, server got %q; want it refused before sending", msg.err, got)
	}
}
