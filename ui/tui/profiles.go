package tui

import (
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/export"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/browser"
)

// Messages of the profile and history commands. Every file operation runs
// in a tea.Cmd; these carry the outcome back to Update.
type (
	entriesMsg struct {
		entries []profiles.Entry
		err     error
	}
	historyMsg struct {
		records []profiles.Record
		err     error
	}
	savedMsg struct {
		name  string
		stamp profiles.Stamp
		err   error
		draft profiles.Profile
	}
	fileOpMsg struct {
		what string // "copied …", "renamed …", "deleted …"
		err  error
	}
	recordedMsg struct{ err error }
)

// loadEntries lists the profiles folder.
func loadEntries(s *profiles.Store) tea.Cmd {
	return func() tea.Msg {
		es, err := s.List()
		return entriesMsg{es, err}
	}
}

func loadHistory(h profiles.History) tea.Cmd {
	return func() tea.Msg {
		recs, err := h.Read()
		return historyMsg{recs, err}
	}
}

func saveProfile(s *profiles.Store, p profiles.Profile, o profiles.SaveOptions) tea.Cmd {
	return func() tea.Msg {
		st, err := s.Save(p, o)
		return savedMsg{name: p.Name, stamp: st, err: err, draft: p}
	}
}

func fileOp(what string, f func() error) tea.Cmd {
	return func() tea.Msg { return fileOpMsg{what: what, err: f()} }
}

func appendHistory(h profiles.History, r profiles.Record) tea.Cmd {
	return func() tea.Msg { return recordedMsg{h.Append(r)} }
}

// draftProfile is what the editor holds, as a profile to save (secret fields
// keep whatever the user typed: references, or literals that need consent).
func (e editor) draftProfile(name string, base *profiles.Profile) profiles.Profile {
	p := profiles.Profile{
		Name:   name,
		Method: methods[e.method],
		URL:    strings.TrimSpace(e.url.Value()),
		Body:   e.body.Value(),
		Scheme: e.schemes[e.scheme].Name,
		Fields: e.creds.Values(),
	}
	if p.Body == "" {
		p.BodyFile = e.bodyFile
	}
	if base != nil {
		p.Description, p.Timeout, p.Follow = base.Description, base.Timeout, base.Follow
		p.Vars = base.Vars
	}
	p.TLS = e.tls // the editor's own: the profile's, the imported command's or the flags
	for _, h := range e.headers {
		n, v := strings.TrimSpace(h.name.Value()), strings.TrimSpace(h.value.Value())
		if n != "" || v != "" {
			p.Headers = append(p.Headers, profiles.Header{Name: n, Value: v})
		}
	}
	return p
}

// fingerprint summarises a profile's content for the unsaved-changes marker.
func fingerprint(p profiles.Profile) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%s\x00%s\x00%s\x00%s\x00", p.Method, p.URL, p.Body, p.BodyFile, p.Scheme)
	for _, h := range p.Headers {
		fmt.Fprintf(&b, "%s:%s\x00", h.Name, h.Value)
	}
	keys := make([]string, 0, len(p.Fields))
	for k, v := range p.Fields {
		if v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s\x00", k, p.Fields[k])
	}
	return b.String()
}

// lastByProfile condenses history into what the browser previews.
func lastByProfile(recs []profiles.Record) map[string]browser.Last {
	out := map[string]browser.Last{}
	for _, r := range recs {
		if r.Profile == "" {
			continue
		}
		l, ok := out[r.Profile]
		if !ok || r.Time.After(l.Time) {
			out[r.Profile] = browser.Last{Status: r.Status, Time: r.Time, Duration: time.Duration(r.DurationMS * float64(time.Millisecond))}
		}
	}
	return out
}

// literalSecrets lists the secret fields of p that hold literals.
func literalSecrets(p profiles.Profile) []string {
	s, err := authn.Lookup(p.Scheme)
	if err != nil {
		return nil
	}
	var out []string
	for _, f := range s.Info().Fields {
		if v := p.Fields[f.Name]; f.Secret && v != "" && !profiles.IsRef(v) {
			out = append(out, f.Name)
		}
	}
	return out
}

// ask is a question on the status line waiting for a key or a name.
type ask struct {
	kind    askKind
	text    string           // the question, wrapped on screen
	choices string           // the keys that answer it, always on their own line
	input   textinput.Model  // for askName and askSecret
	secret  *needSecretError // askSecret: the reference asked for
	draft   profiles.Profile
	then    func(Model) (Model, tea.Cmd) // askDiscard: what to do once discarding is fine
	keys    confirmKeys
	imp     *pendingImport // askImport: what the file holds
	dir     string         // askTrust: the folder to trust
}

type askKind int

const (
	askNone      askKind = iota
	askName              // name for a new profile (enter saves, esc cancels)
	askPlaintext         // store literal secrets? y/n
	askConflict          // file changed on disk: o overwrite, r reload, esc
	askExists            // name taken: o overwrite, esc
	askDiscard           // unsaved edits would be lost: y discard, n keep
	askSecret            // a reference's value, masked, for this session (enter sends, esc cancels)
	askTrust             // trust the untrusted folder the references come from? (asktrust.go)
	askEnv               // which environment? (envs.go)
	askImport            // save what a file holds? y/n (importfile.go)
	askExplain           // a lesson's question: a letter answers (lesson.go)
)

func (m Model) startSave() (Model, tea.Cmd) {
	if m.opts.Store == nil {
		m.status, m.statusSt = "saving needs a profiles folder", m.st().Error
		return m, nil
	}
	if m.profile == "" {
		in := newInput(m.st(), "group/name")
		in.Prompt = "save as: "
		in.SetWidth(max(10, m.com.width-12))
		cmd := in.Focus()
		m = m.openAsk(ask{kind: askName, input: in, draft: m.ed.draftProfile("", m.base)})
		return m, cmd
	}
	return m.save(m.ed.draftProfile(m.profile, m.base), false, false)
}

// save checks for literal secrets (asking first) and saves in a command.
func (m Model) save(p profiles.Profile, plaintextOK, overwrite bool) (Model, tea.Cmd) {
	if lits := literalSecrets(p); len(lits) > 0 && !plaintextOK {
		var refs []string
		for _, f := range lits {
			refs = append(refs, "env:"+export.SuggestVar(p, f))
		}
		return m.openAsk(ask{kind: askPlaintext, draft: p, text: fmt.Sprintf(
			"store %s as plain text in the profile file? Anyone who can read it or its backups can use it.", strings.Join(lits, ", ")),
			choices: fmt.Sprintf("y stores it · e keeps %s instead · n cancels", strings.Join(refs, ", "))}), nil
	}
	o := profiles.SaveOptions{AllowPlaintext: plaintextOK, Overwrite: overwrite}
	if p.Name == m.profile && m.hasStamp {
		st := m.stamp
		o.Expect = &st
	}
	m = m.closeAsk().setStatus("saving "+p.Name+"…", m.st().Muted)
	return m, saveProfile(m.opts.Store, p, o)
}

func (m Model) gotSaved(msg savedMsg) (Model, tea.Cmd) {
	var changed *profiles.ChangedError
	switch {
	case errors.As(msg.err, &changed):
		return m.openAsk(ask{kind: askConflict, draft: msg.draft, text: fmt.Sprintf("%s changed on disk since you opened it.", msg.name),
			choices: "o overwrites it · r reloads it (your edits are lost) · esc keeps editing"}), nil
	case errors.Is(msg.err, profiles.ErrExists):
		return m.openAsk(ask{kind: askExists, draft: msg.draft, text: fmt.Sprintf("a profile %s exists.", msg.name), choices: "o overwrites it · esc cancels"}), nil
	case msg.err != nil:
		m.status, m.statusSt = "not saved: "+sanitize.Line(msg.err.Error()), m.st().Error
		return m, nil
	}
	m.profile, m.stamp, m.hasStamp = msg.name, msg.stamp, true
	d := msg.draft
	m.base = &d
	m.savedFP = fingerprint(msg.draft)
	m.dirty = false
	m.status, m.statusSt = "saved "+msg.name, m.st().OK
	return m, loadEntries(m.opts.Store)
}

// saveAsRefs replaces each literal secret of p by an env: reference named
// as an export would name it, in the editor too, and saves: the secret
// itself is never written. The user sets the variables before sending.
func (m Model) saveAsRefs(p profiles.Profile) (Model, tea.Cmd) {
	fields := maps.Clone(p.Fields)
	var names []string
	for _, f := range literalSecrets(p) {
		name := export.SuggestVar(p, f)
		fields[f] = profiles.PrefixEnv + name
		names = append(names, name)
	}
	p.Fields = fields
	m.ed = m.ed.setCredValues(fields)
	m, cmd := m.save(p, false, false)
	if m.focus != focusConfirm {
		m.status = fmt.Sprintf("saving %s with env: references: export %s before sending", p.Name, strings.Join(names, " "))
	}
	return m.updateDirty(), cmd
}

// askKey answers the question on the status line (the confirm dialog);
// its keys are confirmKeys.
func (m Model) askKey(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	k := defaultConfirmKeys()
	switch m.ask.kind {
	case askSecret:
		return m.secretKey(msg)
	case askTrust:
		return m.trustKey(msg)
	case askEnv:
		return m.envKey(msg)
	case askImport:
		return m.importKey(msg)
	case askExplain:
		return m.explainKey(msg)
	case askName:
		switch {
		case key.Matches(msg, k.Cancel):
			return m.closeAsk().setStatus("not saved", m.st().Muted), nil
		case key.Matches(msg, k.Enter):
			name := strings.TrimSpace(m.ask.input.Value())
			if name == "" {
				return m, nil
			}
			p := m.ask.draft
			p.Name = name
			return m.save(p, false, false)
		}
		var cmd tea.Cmd
		m.ask.input, cmd = m.ask.input.Update(msg)
		return m, cmd
	case askPlaintext:
		switch {
		case key.Matches(msg, k.Yes):
			return m.save(m.ask.draft, true, false)
		case key.Matches(msg, k.KeepRef):
			return m.saveAsRefs(m.ask.draft)
		case key.Matches(msg, k.No):
			return m.closeAsk().setStatus("not saved: use env:NAME, file:PATH, keyring:NAME or prompt for secrets", m.st().Warn), nil
		}
	case askConflict, askExists:
		switch {
		case key.Matches(msg, k.Overwrite):
			return m.save(m.ask.draft, len(literalSecrets(m.ask.draft)) > 0, true)
		case key.Matches(msg, k.Reload) && m.ask.kind == askConflict:
			name := m.ask.draft.Name
			return m.closeAsk(), m.reload(name)
		case key.Matches(msg, k.No):
			return m.closeAsk().setStatus("not saved", m.st().Muted), nil
		}
	case askDiscard:
		switch {
		case key.Matches(msg, k.Yes), key.Matches(msg, m.keys.Quit): // ctrl+c twice quits

			then := m.ask.then
			m = m.closeAsk()
			return then(m)
		case key.Matches(msg, m.keys.Save):
			m = m.closeAsk()
			return m.startSave()
		case key.Matches(msg, k.No):
			return m.closeAsk().setStatus("kept your edits", m.st().Muted), nil
		}
	}
	return m, nil
}

// reload re-reads the named profile (after a conflict) into the editor.
func (m Model) reload(name string) tea.Cmd {
	s := m.opts.Store
	return func() tea.Msg {
		e, err := s.Load(name)
		if err != nil {
			return fileOpMsg{what: "reload " + name, err: err}
		}
		return browser.OpenMsg{Entry: e}
	}
}

// open loads an entry into the editor.
func (m Model) open(e profiles.Entry) Model {
	m.ed = newEditor(m.com, *e.Profile).SetSize(m.ed.width, 0)
	m.profile, m.stamp, m.hasStamp = e.Name, e.Stamp, true
	p := *e.Profile
	m.base = &p
	m.src = p.Source
	m.savedFP = fingerprint(m.ed.draftProfile(e.Name, m.base))
	m.dirty = false
	m.rp = m.lessonPane(newResultPane(m.com)) // the previous profile's result is not this one's
	m.focus = focusEditor
	m.ed, _ = m.ed.setFocus(1)
	return m.setStatus("opened "+sanitize.Line(e.Name)+" · ctrl+r sends it", m.st().Muted)
}

func (m Model) newProfile() Model {
	m.ed = newEditor(m.com, profiles.Profile{}).SetSize(m.ed.width, 0)
	m.profile, m.hasStamp, m.base, m.dirty = "", false, nil, false
	m.src = nil
	m.savedFP = fingerprint(m.ed.draftProfile("", nil))
	m.rp = m.lessonPane(newResultPane(m.com))
	m.focus = focusEditor
	m.ed, _ = m.ed.setFocus(1)
	return m.setStatus("new request", m.st().Muted)
}

// updateDirty refreshes the unsaved-changes marker.
func (m Model) updateDirty() Model {
	m.dirty = fingerprint(m.ed.draftProfile(m.profile, m.base)) != m.savedFP
	return m
}
