package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/convert/importfile"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
)

// fileImportMsg is the answer of readImport: what a file holds, ready to
// save under group, or why it cannot be imported. Nothing is saved yet.
type fileImportMsg struct {
	path  string
	res   collection.Result
	group string
	err   error
}

// fileImportedMsg is the answer of saveImport.
type fileImportedMsg struct {
	res   collection.Result
	group string
	err   error
}

// readImport reads and parses the file at path (format told by its
// contents, importfile.Detect) off the UI goroutine; it saves nothing.
// "~/" is the home folder; a relative path is the folder authlab runs in.
// OpenAPI openIdConnect discovery is not fetched here (no request is sent
// without the user asking): `authlab import openapi --discover` does it.
func readImport(path string) tea.Cmd {
	return func() tea.Msg {
		p := path
		if rest, ok := strings.CutPrefix(p, "~/"); ok {
			if home, err := os.UserHomeDir(); err == nil {
				p = filepath.Join(home, rest)
			}
		}
		res, group, err := importfile.Load(context.Background(), p, importfile.Format{}, importfile.Options{}, "")
		return fileImportMsg{path: p, res: res, group: group, err: err}
	}
}

// saveImport saves what readImport found: nothing when a profile or
// environment of it exists (importfile.Save).
func saveImport(s *profiles.Store, res collection.Result, group string) tea.Cmd {
	return func() tea.Msg {
		return fileImportedMsg{res: res, group: group, err: importfile.Save(s, res)}
	}
}

// gotFileImport asks before saving: what the file holds, how much of it
// maps fully, and what does not. Every text from the file is sanitized.
func (m Model) gotFileImport(msg fileImportMsg) (Model, tea.Cmd) {
	if msg.err != nil {
		return m.setStatus("import: "+sanitize.Line(msg.err.Error()), m.st().Error), nil
	}
	if m.opts.Store == nil {
		return m.setStatus("importing needs a profiles folder", m.st().Error), nil
	}
	full, total := msg.res.Full()
	text := fmt.Sprintf("import %s (%s): %s under %s/, %d mapped fully", sanitize.Line(filepath.Base(msg.path)),
		sanitize.Line(msg.res.Format), plural(total, "request", "requests"), sanitize.Line(msg.group), full)
	if n := len(msg.res.Environments); n > 0 {
		names := make([]string, n)
		for i, e := range msg.res.Environments {
			names[i] = sanitize.Line(e.Name)
		}
		text += fmt.Sprintf(", %s %s", plural(n, "environment", "environments"), strings.Join(names, ", "))
	}
	if n := len(msg.res.Unmapped); n > 0 {
		u := msg.res.Unmapped[0]
		where := u.Where
		if where == "" {
			where = u.Profile
		}
		text += fmt.Sprintf("; not mapped (%d): %s: %s", n, sanitize.Line(where), sanitize.Line(u.What))
		if n > 1 {
			text += fmt.Sprintf(" and %d more (authlab import %s --dry-run lists them)", n-1, sanitize.Line(msg.path))
		}
	}
	return m.openAsk(ask{kind: askImport, text: text + "?", imp: &pendingImport{res: msg.res, group: msg.group},
		choices: "y imports (nothing is replaced) · n cancels"}), nil
}

// gotFileImported reports the saved import and reloads the list.
func (m Model) gotFileImported(msg fileImportedMsg) (Model, tea.Cmd) {
	if msg.err != nil {
		return m.setStatus("not imported: "+sanitize.Line(msg.err.Error()), m.st().Error), nil
	}
	status := fmt.Sprintf("imported %s under %s/", plural(len(msg.res.Profiles), "profile", "profiles"), sanitize.Line(msg.group))
	for _, n := range msg.res.Notes {
		if strings.HasPrefix(n, "secrets are read from environment variables") {
			status += " · " + sanitize.Line(n)
		}
	}
	if len(msg.res.Environments) > 0 {
		status += " · ctrl+e chooses environment " + sanitize.Line(msg.res.Environments[0].Name)
	}
	return m.setStatus(status, m.st().OK), loadEntries(m.opts.Store)
}

// pendingImport is what the import question is about.
type pendingImport struct {
	res   collection.Result
	group string
}

// importKey answers the import question.
func (m Model) importKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := defaultConfirmKeys()
	switch {
	case key.Matches(msg, k.Yes):
		imp := m.ask.imp
		m = m.closeAsk().setStatus("importing…", m.st().Muted)
		return m, saveImport(m.opts.Store, imp.res, imp.group)
	case key.Matches(msg, k.No):
		return m.closeAsk().setStatus("not imported", m.st().Muted), nil
	}
	return m, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
