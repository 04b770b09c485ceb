package tui

import (
	"fmt"
	"net/http"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/curl"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
)

// importMsg is the answer of importCmd: a pasted curl command read into a
// request, or why it could not be.
type importMsg struct {
	im  *curl.Import
	err error
}

// looksLikeCurl reports whether pasted text is a curl command rather than a
// URL: it starts with "curl " (after a shell prompt "$ " that docs print).
func looksLikeCurl(s string) bool {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "$ ")
	s = strings.TrimPrefix(s, "% ")
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "curl ") || strings.HasPrefix(s, "curl\t") || strings.HasPrefix(s, "curl\\")
}

// importCmd parses a pasted curl command off the UI goroutine. It reads no
// file: -d @file stays a reference to the file, read when the request is
// sent (curl.Options).
func importCmd(line string) tea.Cmd {
	return func() tea.Msg {
		im, err := curl.ParseCommand(line, curl.Options{})
		return importMsg{im: im, err: err}
	}
}

// gotImport replaces the editor with the imported request, as a new unsaved
// request, and says on the status line what did not carry over and which
// secrets were typed as literals (ctrl+s asks before storing those; an
// env:NAME reference keeps them out of the file).
func (m Model) gotImport(msg importMsg) (Model, tea.Cmd) {
	if msg.err != nil {
		m.status, m.statusSt = "curl command not imported: "+sanitize.Line(msg.err.Error()), m.st().Error
		return m, nil
	}
	p := msg.im.Profile
	m = m.newProfile()
	m.ed = newEditor(m.com, p).SetSize(m.ed.width, 0)
	if p.Timeout > 0 || p.Follow || p.TLS != (profiles.TLS{}) {
		b := profiles.Profile{TLS: p.TLS, Timeout: p.Timeout, Follow: p.Follow}
		m.base = &b // draftProfile takes these from base
	}
	m.ed, _ = m.ed.setFocus(1)
	parts := []string{fmt.Sprintf("imported curl command: %s %s", methodOf(p), schemeTitle(p.Scheme))}
	if n := len(msg.im.Literals); n > 0 {
		var refs []string
		for _, l := range msg.im.Literals {
			refs = append(refs, l.Where+" → env:"+l.SuggestedEnv)
		}
		parts = append(parts, "typed as literals (keep them as references: "+strings.Join(refs, ", ")+")")
	}
	if n := len(msg.im.Unknown); n > 0 {
		parts = append(parts, "not imported: "+strings.Join(msg.im.Unknown, " "))
	}
	if n := len(msg.im.Notes); n > 0 {
		parts = append(parts, strings.Join(msg.im.Notes, "; "))
	}
	st := m.st().OK
	if len(msg.im.Unknown) > 0 || len(msg.im.Literals) > 0 {
		st = m.st().Warn
	}
	m.status, m.statusSt = sanitize.Line(strings.Join(parts, " · ")), st
	return m.updateDirty().layout(), nil
}

func methodOf(p profiles.Profile) string {
	if p.Method != "" {
		return strings.ToUpper(p.Method)
	}
	if p.Body != "" {
		return http.MethodPost
	}
	return http.MethodGet
}

func schemeTitle(name string) string {
	if name == "" || name == "none" {
		return "without auth"
	}
	if s, err := authn.Lookup(name); err == nil {
		return "with " + s.Info().Title
	}
	return "with " + name
}
