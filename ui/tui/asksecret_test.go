package tui

import (
	"encoding/base64"
	"github.com/authlab/authlab/profiles"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Issue #15 item 8: a send whose env: variable is not set, or whose field
// is a prompt reference, asks for the value in a masked input, sends with
// it, remembers it for the session (a second send does not ask again) and
// never shows it; esc cancels and leaves the error under the field.
func TestAskForMissingReference(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name, ref, slot, ask string
	}{
		{"env not set", "env:AUTHLAB_TEST_UNSET_PW", "env:AUTHLAB_TEST_UNSET_PW", "environment variable AUTHLAB_TEST_UNSET_PW is not set"},
		{"prompt", "prompt", "prompt:password", "password is a prompt reference"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got = nil
			m, _ := step(t, newModel(t, profiles.Profile{URL: srv.URL, Scheme: "basic", Fields: map[string]string{"username": "ann", "password": tc.ref}}, nil, false), size(100, 30))
			m, cmd := step(t, m, keyMsg("ctrl+r"))
			m, _ = step(t, m, runSend(t, cmd))
			if m.focus != focusConfirm || m.ask.kind != askSecret {
				t.Fatalf("focus %v ask %v after the send; want the masked input:\n%s", m.focus, m.ask.kind, view(m))
			}
			if v := view(m); !strings.Contains(v, tc.ask) || !strings.Contains(v, "enter sends with it · esc cancels") {
				t.Errorf("the question does not say %q with its choices:\n%s", tc.ask, v)
			}
			if len(got) != 0 {
				t.Fatalf("the server was called before the value was typed: %q", got)
			}
			// esc cancels: the field keeps its reference and shows why.
			mc, _ := step(t, m, tea.KeyPressMsg{Code: tea.KeyEscape})
			if mc.focus == focusConfirm || !strings.Contains(view(mc), "not sent") {
				t.Errorf("esc did not cancel:\n%s", view(mc))
			}
			if errs := mc.ed.creds.Errors(); !strings.Contains(errs["password"], tc.ref) {
				t.Errorf("the password field's error = %q; want it to name %s", errs["password"], tc.ref)
			}
			m, _ = step(t, m, typeText("s3cret-typed")...)
			if v := view(m); strings.Contains(v, "s3cret-typed") {
				t.Errorf("the typed value is on screen:\n%s", v)
			}
			m, cmd = step(t, m, tea.KeyPressMsg{Code: tea.KeyEnter})
			m, _ = step(t, m, runSend(t, cmd))
			want := "Basic " + base64.StdEncoding.EncodeToString([]byte("ann:s3cret-typed"))
			if len(got) != 1 || got[0] != want {
				t.Fatalf("Authorization sent = %q; want [%q]", got, want)
			}
			if _, ok := m.snd.asked[tc.slot]; !ok {
				t.Errorf("the value is not remembered under %q: %v", tc.slot, m.snd.asked)
			}
			// The editor still holds the reference, not the typed value.
			if p := m.ed.draftProfile("", nil); p.Fields["password"] != tc.ref {
				t.Errorf("the editor's password = %q; want the reference %q", p.Fields["password"], tc.ref)
			}
			// A second send does not ask again.
			m, cmd = step(t, m, keyMsg("ctrl+r"))
			m, _ = step(t, m, runSend(t, cmd))
			if m.focus == focusConfirm || len(got) != 2 || got[1] != want {
				t.Errorf("second send: focus %v, sent %q", m.focus, got)
			}
			if strings.Contains(view(m), "s3cret-typed") {
				t.Errorf("the typed value is on screen after the send:\n%s", view(m))
			}
		})
	}
}
