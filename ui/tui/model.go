// Package tui is authlab's terminal UI: a request editor whose credential
// form is generated from the scheme's fields, and a result pane with the
// response, body, headers, trace and timing of an authn Result.
//
// The model never sends anything itself and does no I/O in Update or View:
// a send is a tea.Cmd that copies its inputs, resolves secret references,
// runs the authn engine and prepares the body off the UI goroutine, then
// returns a message. Styles and keymaps travel in the model.
package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui"
	"github.com/authlab/authlab/ui/pretty"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/bodyview"
	"github.com/authlab/authlab/ui/tui/browser"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// Minimum terminal size; below it the UI shows a notice instead of a broken
// frame.
const (
	MinWidth  = 60
	MinHeight = 18
	// wideWidth is where the editor and the result pane go side by side.
	wideWidth = 110
)

// Options configure the app.
type Options struct {
	Prefill  profiles.Profile
	Engine   *authn.Engine     // sends the requests; shared, safe for concurrent use
	Resolver profiles.Resolver // resolves env:/file: references at send time
	NoColor  bool
	Now      func() time.Time // clock seam (tests); time.Now when nil
	Notice   string           // a first status message (e.g. a warning from the command line)
	// Ctx is the parent of every request context (cancelled on quit).
	Ctx context.Context
	// Store is the profiles folder (nil: profiles are off).
	Store *profiles.Store
	// History is where sends are recorded (Path "" : not recorded).
	History profiles.History
	// Profile is the name of the profile the prefill came from, if any.
	Profile string
	// Practice expands {{practice}} in URLs, starting the embedded practice
	// server on first use (nil: the placeholder stays as it is).
	Practice *practice.Embedded
	// Present is presenter mode: secrets always masked, reveal disabled,
	// echoed secrets masked in responses, a high-contrast theme.
	Present bool
	// Width and Height are the terminal's size when known before start, so
	// the very first frame is drawn at once instead of after the first
	// WindowSizeMsg.
	Width, Height int
	// Insecure is set when certificate verification is off (-k): the UI
	// shows a persistent red banner.
	Insecure bool
	// OpenURL opens a URL in the browser (the o key on a flow's notice);
	// nil starts xdg-open, wslview or open, whichever the system has.
	OpenURL func(url string) error
	// Source is where the prefill's profile was loaded from (nil: the
	// values are the user's own); Trust is where "trust this folder"
	// writes (nil: the question only names `authlab trust`). See asktrust.go.
	Source *profiles.Source
	Trust  *profiles.Trust
	// Lesson, when set, is the lesson of `authlab learn` this session is
	// for (lesson.go): shown beside the editor, checked after each send.
	Lesson *Lesson
}

// Model is the root model. Its one mode is focus; a request in flight is
// the sender's; every part draws itself from the shared common.
type Model struct {
	opts   Options
	lesson lessonState // authlab learn's lesson (lesson.go)
	com    common
	keys   KeyMap
	focus  focusState
	back   focusState // where the confirm dialog, help and export return to
	ed     editor
	rp     resultPane
	help   help.Model
	spin   spinner.Model

	// profiles and history
	browser  browser.Model
	hv       historyView
	exp      exportView // the export view (ctrl+y)
	profile  string
	stamp    profiles.Stamp
	hasStamp bool
	base     *profiles.Profile
	savedFP  string
	dirty    bool
	ask      ask
	// practiceURL is the practice server's base URL: a remote one's from
	// the start, the embedded one's once started.
	practiceURL string
	// src is where the editor's profile came from; trustedDirs are the
	// folders trusted in this session (asktrust.go).
	src         *profiles.Source
	trustedDirs []string

	snd      sender
	envList  []profiles.Environment // the chooser's environments (envs.go)
	envPick  int                    // the chooser's pick: 0 none, i the i-th of envList
	tickSeq  int                    // the send whose notice countdown is ticking (0: none)
	status   string                 // message under the header, wrapped to the width
	statusSt lipgloss.Style
}

// New returns the app model.
func New(opts Options) Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Ctx == nil {
		opts.Ctx = context.Background()
	}
	com := common{st: styles(true, opts), present: opts.Present}
	m := Model{opts: opts, com: com, keys: DefaultKeyMap(), help: help.New(), spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
	m.help.Styles = com.st.Help()
	m.statusSt = com.st.Muted
	m.snd = sender{eng: opts.Engine, resolver: opts.Resolver, present: opts.Present, practice: opts.Practice, parent: opts.Ctx}
	m.ed = newEditor(com, opts.Prefill)
	m.rp = newResultPane(com)
	m.browser = browser.New(*com.st, browser.DefaultKeyMap())
	if opts.Store != nil {
		m.browser = m.browser.SetDir(opts.Store.Dir).SetLoading(true)
	}
	m.hv = newHistoryView(com)
	m.exp = newExportView()
	m.profile = opts.Profile
	m.practiceURL = opts.Practice.Remote()
	m.src = opts.Source
	if len(opts.Prefill.Vars) > 0 {
		m.base = &profiles.Profile{Vars: opts.Prefill.Vars} // until the profile's entry is read
	}
	m.savedFP = fingerprint(m.ed.draftProfile(m.profile, nil))
	m.ed, _ = m.ed.setFocus(1) // the URL field
	if opts.Prefill.URL != "" {
		m.ed, _ = m.ed.setFocus(0)
	}
	if opts.Notice != "" {
		m.status, m.statusSt = opts.Notice, com.st.Warn
	}
	if opts.Lesson != nil && opts.Lesson.Lesson != nil {
		m.lesson = lessonState{l: *opts.Lesson}
		m.rp = m.rp.setLesson("", m.lessonText())
	}
	if opts.Width > 0 && opts.Height > 0 {
		m.com.width, m.com.height = opts.Width, opts.Height
		m = m.layout()
	}
	return m
}

// st is the shared styles.
func (m Model) st() *theme.Styles { return m.com.st }

// styles picks the theme: presenter mode's high contrast, or the normal one.
func styles(dark bool, o Options) *theme.Styles {
	st := pickStyles(dark, o)
	return &st
}

// pickStyles is styles' choice, by value.
func pickStyles(dark bool, o Options) theme.Styles {
	if o.Present && !o.NoColor {
		return theme.HighContrast(dark)
	}
	return theme.New(dark, o.NoColor)
}

// Init asks the terminal for its background colour so styles suit light and
// dark themes.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	if m.opts.Store != nil {
		cmds = append(cmds, loadEntries(m.opts.Store))
	}
	if m.opts.History.Path != "" {
		cmds = append(cmds, loadHistory(m.opts.History))
	}
	return tea.Batch(cmds...)
}

// Update handles one message: keys by focus state, the answers of commands
// by type.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.com.width, m.com.height = msg.Width, msg.Height
		return m.layout(), nil
	case tea.BackgroundColorMsg:
		return m.restyle(styles(msg.IsDark(), m.opts)), nil
	case tea.KeyPressMsg:
		return m.key(msg)
	case tea.PasteMsg:
		if m.focus == focusEditor && m.ed.onURL() && looksLikeCurl(msg.Content) {
			return m, importCmd(msg.Content)
		}
	case spinner.TickMsg:
		if !m.snd.Busy() {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		m.rp = m.rp.setProgress(m.spin.View(), m.opts.Now().Sub(m.snd.started))
		return m, cmd
	}
	if mm, cmd, ok := m.answer(msg); ok {
		return mm, cmd
	}
	return m.forward(msg)
}

// answer handles the messages of commands (sends, files, history).
func (m Model) answer(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case resultMsg:
		m, cmd := m.gotResult(msg)
		return m, cmd, true
	case noticeMsg:
		m, cmd := m.gotNotice(msg)
		return m, cmd, true
	case forgotMsg:
		return m.gotForgot(msg), nil, true
	case bodyview.StatusMsg: // the body viewer's copy
		return m.setStatus(msg.Text, m.st().OK), nil, true
	case openedMsg:
		if msg.err != nil {
			return m.setStatus("not opened: "+sanitize.Line(msg.err.Error()), m.st().Warn), nil, true
		}
		return m.setStatus("opened the URL in the browser", m.st().OK), nil, true
	case noticeTickMsg:
		m, cmd := m.gotNoticeTick(msg)
		return m, cmd, true
	case entriesMsg:
		return m.gotEntries(msg), nil, true
	case historyMsg:
		m.hv = m.hv.setLoaded(msg.records, msg.err)
		if msg.err == nil {
			m.browser = m.browser.SetLast(lastByProfile(msg.records))
		}
		return m, nil, true
	case recordedMsg:
		if msg.err != nil {
			m = m.setStatus("history not written: "+sanitize.Line(msg.err.Error()), m.st().Warn)
		}
		return m, nil, true
	case savedMsg:
		m, cmd := m.gotSaved(msg)
		return m, cmd, true
	case trustedMsg:
		m, cmd := m.gotTrusted(msg)
		return m, cmd, true
	case envsMsg:
		m, cmd := m.gotEnvs(msg)
		return m, cmd, true
	case exportMsg:
		m.exp = m.exp.gotExport(msg)
		return m, nil, true
	case importMsg:
		m, cmd := m.gotImport(msg)
		return m, cmd, true
	case fileOpMsg:
		if msg.err != nil {
			return m.setStatus(sanitize.Line(msg.what+": "+msg.err.Error()), m.st().Error), nil, true
		}
		return m.setStatus(sanitize.Line(msg.what), m.st().OK), loadEntries(m.opts.Store), true
	case browser.OpenMsg:
		if msg.Entry.Profile == nil {
			return m, nil, true
		}
		e := msg.Entry
		return m.confirmDiscard("open "+e.Name, func(m Model) (Model, tea.Cmd) { return m.open(e), nil })
	case browser.NewMsg:
		return m.confirmDiscard("start a new request", func(m Model) (Model, tea.Cmd) { return m.newProfile(), nil })
	case browser.DuplicateMsg:
		s := m.opts.Store
		return m, fileOp("copied "+msg.Src+" to "+msg.Dst, func() error { return s.Copy(msg.Src, msg.Dst) }), true
	case browser.RenameMsg:
		s := m.opts.Store
		if msg.Old == m.profile {
			m.profile, m.hasStamp = msg.New, false
		}
		return m, fileOp("renamed "+msg.Old+" to "+msg.New, func() error { return s.Rename(msg.Old, msg.New) }), true
	case browser.ImportMsg:
		return m.setStatus("reading "+sanitize.Line(msg.Path)+"…", m.st().Muted), readImport(msg.Path), true
	case lessonTriedMsg:
		return m.gotLessonTried(msg), nil, true
	case fileImportMsg:
		m, cmd := m.gotFileImport(msg)
		return m, cmd, true
	case fileImportedMsg:
		m, cmd := m.gotFileImported(msg)
		return m, cmd, true
	case browser.DeleteMsg:
		s := m.opts.Store
		if msg.Name == m.profile {
			m.profile, m.hasStamp = "", false
		}
		return m, fileOp("deleted "+msg.Name, func() error { return s.Remove(msg.Name) }), true
	}
	return m, nil, false
}

func (m Model) gotEntries(msg entriesMsg) Model {
	m.browser = m.browser.SetLoading(false)
	if msg.err != nil {
		return m.setStatus("profiles: "+sanitize.Line(msg.err.Error()), m.st().Error)
	}
	m.browser = m.browser.SetEntries(msg.entries)
	if m.profile != "" && !m.hasStamp {
		for _, e := range msg.entries {
			if e.Name == m.profile && !e.Broken() {
				m.stamp, m.hasStamp = e.Stamp, true
				p := *e.Profile
				m.base = &p
			}
		}
	}
	return m
}

// setStatus replaces the status line.
func (m Model) setStatus(s string, st lipgloss.Style) Model {
	m.status, m.statusSt = s, st
	return m.layout()
}

// forward passes other messages (paste, blink, mouse) to the focused part.
func (m Model) forward(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.focus {
	case focusProfiles:
		m.browser, cmd = m.browser.Update(msg)
	case focusResult:
		m.rp, cmd = m.rp.Update(msg)
	case focusEditor:
		m.ed, cmd = m.ed.Update(msg)
		m = m.updateDirty()
	}
	return m, cmd
}

// setFocus moves the focus; the editor's field is focused or blurred with
// it.
func (m Model) setFocus(f focusState) (Model, tea.Cmd) {
	var cmd tea.Cmd
	if f == focusEditor && m.focus != focusEditor {
		m.ed, cmd = m.ed.resume()
	} else if f == focusResult {
		m.ed = m.ed.pause()
	}
	m.focus = f
	return m.layout(), cmd
}

// key dispatches a key press by focus state. Keys that work everywhere
// come first.
func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch m.focus {
	case focusConfirm:
		return m.askKey(msg)
	case focusHelp:
		if key.Matches(msg, k.Help, k.Close, k.QuitQ) {
			m.focus = m.back
			return m.layout(), nil
		}
		if !key.Matches(msg, k.Quit) {
			return m, nil
		}
	case focusExport:
		if !key.Matches(msg, k.Quit) {
			return m.exportKey(msg)
		}
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Export):
		return m.toggleExport()
	case key.Matches(msg, k.Env):
		return m.startEnvChooser()
	case key.Matches(msg, k.Forget):
		return m.startForget()
	case key.Matches(msg, k.Profiles):
		return m.togglePanel(focusProfiles)
	case key.Matches(msg, k.History):
		return m.togglePanel(focusHistory)
	case key.Matches(msg, k.Save):
		return m.startSave()
	case key.Matches(msg, k.Send):
		return m.startSend()
	// esc cancels the send, except where it closes something first: a
	// panel's filter, an open scheme list
	case key.Matches(msg, k.Cancel) && m.snd.Busy() && !m.panelConsumes(msg) && !(m.focus == focusEditor && m.ed.picking):
		return m.cancelSend(), nil
	case key.Matches(msg, k.Switch):
		if m.focus == focusResult {
			return m.setFocus(focusEditor)
		}
		return m.setFocus(focusResult)
	}
	switch m.focus {
	case focusProfiles, focusHistory:
		return m.panelKey(msg)
	case focusResult:
		return m.paneKey(msg)
	}
	return m.editorKey(msg)
}

// quit asks first when there are unsaved edits.
func (m Model) quit() (Model, tea.Cmd) {
	return m.orDiscard("quit", func(m Model) (Model, tea.Cmd) {
		m.snd = m.snd.Stop()
		return m, tea.Quit
	})
}

// orDiscard runs then at once when nothing unsaved would be lost, else asks.
func (m Model) orDiscard(what string, then func(Model) (Model, tea.Cmd)) (Model, tea.Cmd) {
	mm, cmd, _ := m.confirmDiscard(what, then)
	return mm, cmd
}

func (m Model) confirmDiscard(what string, then func(Model) (Model, tea.Cmd)) (Model, tea.Cmd, bool) {
	if !m.dirty {
		mm, cmd := then(m)
		return mm, cmd, true
	}
	name := "this request"
	if m.profile != "" {
		name = sanitize.Line(m.profile)
	}
	m = m.openAsk(ask{kind: askDiscard, then: then,
		text:    fmt.Sprintf("%s has unsaved edits. Discard them and %s?", name, what),
		choices: "y discards them · n keeps editing · ctrl+s saves first"})
	return m, nil, true
}

// openAsk shows a question and gives it the keys.
func (m Model) openAsk(a ask) Model {
	if m.focus != focusConfirm {
		m.back = m.focus
	}
	m.ask, m.focus = a, focusConfirm
	return m.layout()
}

// closeAsk removes the question and gives the keys back.
func (m Model) closeAsk() Model {
	m.ask = ask{}
	if m.focus == focusConfirm {
		m.focus = m.back
	}
	return m.layout()
}

func (m Model) cancelSend() Model {
	m.snd = m.snd.Stop()
	m.rp = m.rp.setState(paneCancelled).setNotice(nil, m.opts.Now())
	return m.setStatus("cancelled", m.st().Warn)
}

// panelConsumes reports whether the profiles browser takes this key itself
// (its filter is typed, esc clears it).
func (m Model) panelConsumes(msg tea.KeyPressMsg) bool {
	return m.focus == focusProfiles && (m.browser.Typing() || m.browser.Consumes(msg))
}

// editorKey handles keys while the editor has focus.
func (m Model) editorKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	typing := m.ed.typing()
	switch {
	case key.Matches(msg, k.QuitQ) && !typing:
		return m.quit()
	case key.Matches(msg, k.Help) && !typing:
		return m.showHelp(), nil
	case key.Matches(msg, k.Next):
		if ed, cmd, ok := m.ed.move(+1); ok {
			m.ed = ed
			return m.layout(), cmd
		}
		return m.setFocus(focusResult)
	case key.Matches(msg, k.Prev):
		if ed, cmd, ok := m.ed.move(-1); ok {
			m.ed = ed
			return m.layout(), cmd
		}
		return m.setFocus(focusResult)
	}
	if !typing {
		if tab, ok := m.rp.tabKey(msg); ok { // 1-5 from a field that does not type
			m.rp = m.rp.setTab(tab)
			return m.setFocus(focusResult)
		}
	}
	var cmd tea.Cmd
	m.ed, cmd = m.ed.Update(msg)
	return m.updateDirty().layout(), cmd
}

func (m Model) showHelp() Model {
	m.back, m.focus = m.focus, focusHelp
	return m.layout()
}

// togglePanel shows or hides the side panel (profiles, or history).
func (m Model) togglePanel(f focusState) (Model, tea.Cmd) {
	if m.focus == f {
		return m.setFocus(focusEditor)
	}
	if m.focus == focusEditor || m.focus == focusResult {
		m.back = m.focus
	}
	m.ed = m.ed.pause()
	if f == focusProfiles {
		// a fresh visit: no filter or question left from the last one, the
		// cursor on the profile that is open (issue #15 item 15)
		m.browser = m.browser.Open(m.profile)
	}
	m.focus = f
	return m.layout(), nil
}

// panelKey handles keys while the side panel has focus.
func (m Model) panelKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	consumes := m.panelConsumes(msg)
	switch {
	case key.Matches(msg, k.QuitQ) && !consumes:
		return m.quit()
	case key.Matches(msg, k.Close) && !consumes:
		return m.setFocus(focusEditor)
	case key.Matches(msg, k.Help) && !consumes:
		return m.showHelp(), nil
	}
	if m.focus == focusHistory {
		if key.Matches(msg, m.hv.KeyMap().Open) {
			if _, ok := m.hv.selected(); ok {
				return m.orDiscard("reopen a past request", func(m Model) (Model, tea.Cmd) { return m.reopen(), nil })
			}
			return m, nil
		}
		m.hv = m.hv.Update(msg)
		return m, nil
	}
	var cmd tea.Cmd
	m.browser, cmd = m.browser.Update(msg)
	return m, cmd
}

// reopen puts a past request back into the editor as it was sent: method,
// URL as written, headers, body, scheme and fields, secret fields as the
// references the request had (history never holds a secret; issue #15
// item 16). It is a new, unsaved request even when it came from a profile:
// the profile on disk may have changed since.
func (m Model) reopen() Model {
	p, note, ok := m.hv.reopen()
	if !ok {
		return m
	}
	m = m.newProfile()
	m.ed = newEditor(m.com, p).SetSize(m.ed.width, 0)
	m.ed, _ = m.ed.setFocus(1)
	m = m.setStatus(note, m.st().Muted)
	return m.updateDirty().layout()
}

func (m Model) paneKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.QuitQ) && !m.rp.typing():
		return m.quit()
	case key.Matches(msg, k.Help) && !m.rp.typing():
		return m.showHelp(), nil
	case key.Matches(msg, k.Next), key.Matches(msg, k.Prev), key.Matches(msg, k.Close) && !m.rp.typing() && !m.rp.searching():
		d := +1
		if key.Matches(msg, k.Prev) {
			d = -1
		}
		m.ed = m.ed.focusEnd(d)
		return m.setFocus(focusEditor)
	case key.Matches(msg, m.rp.KeyMap().Reveal) && m.opts.Present:
		return m.setStatus("presenter mode: secrets stay masked", m.st().Warn), nil
	}
	if mm, cmd, ok := m.noticeKey(msg); ok {
		return mm, cmd
	}
	var cmd tea.Cmd
	m.rp, cmd = m.rp.Update(msg)
	return m, cmd
}

func (m Model) startSend() (tea.Model, tea.Cmd) {
	if m.snd.Busy() {
		return m.setStatus("a request is already in flight: esc cancels it", m.st().Warn), nil
	}
	if u := m.ed.urlValue(); looksLikeCurl(u) {
		// typed, or pasted by a terminal without bracketed paste
		return m, importCmd(u)
	}
	var req profiles.Profile
	var reason string
	m.ed, req, reason = m.ed.request()
	if reason != "" {
		return m.setStatus("not sent: "+reason, m.st().Error), nil
	}
	if refs := m.untrustedRefs(); len(refs) > 0 {
		return m.askTrust(refs), nil // nothing is read or sent before the answer
	}
	req.Name = m.profile
	if b := m.base; b != nil {
		// the opened profile's (or imported command's) own description,
		// redirects and time limit; the engine's come from the command line
		req.Description, req.Follow, req.Timeout = b.Description, b.Follow, b.Timeout
		req.Vars = b.Vars // its defaults for {{variables}}
	}
	var cmd, wait tea.Cmd
	m.snd, cmd, wait = m.snd.Start(req, m.opts.Now())
	m.rp = m.rp.setState(paneInFlight).setProgress(m.spin.View(), 0).setNotice(nil, m.snd.started)
	m = m.setStatus(fmt.Sprintf("sending %s %s", req.Method, sanitize.Line(req.URL)), m.st().Muted)
	m = m.setFocusNoCmd(focusResult) // the answer is what matters now; 1-5 pick tabs
	return m, tea.Batch(cmd, m.spin.Tick, wait)
}

func (m Model) gotResult(msg resultMsg) (Model, tea.Cmd) {
	if !m.snd.Current(msg.seq) {
		return m, nil // a cancelled or superseded request
	}
	var need *needSecretError
	if errors.As(msg.err, &need) {
		m.snd = m.snd.Stop()
		m.rp = m.rp.setState(paneEmpty)
		return m.askForSecret(need)
	}
	if ue, ok := errors.AsType[*profiles.UntrustedError](msg.err); ok && ue.Dir != "" && ue.Shared == "" {
		// a reference of the chosen environment (or another file of an
		// untrusted folder): ask, as for the opened profile's own
		m.snd = m.snd.Stop()
		m.rp = m.rp.setState(paneEmpty)
		what := "a variable"
		if ue.What != "" {
			what = sanitize.Line(ue.What)
		}
		return m.askTrustDir(ue.Refs, ue.Dir, what), nil
	}
	var cmd tea.Cmd
	var ie *authn.InputError
	var re *profiles.RefError
	if msg.res != nil && !errors.As(msg.err, &ie) && !errors.As(msg.err, &re) && !errors.Is(msg.err, authn.ErrCanceled) {
		rec := profiles.NewRecord(msg.res, msg.err, msg.resolved, m.opts.Now())
		rec.URL = practice.Unexpand(rec.URL, msg.practice)
		rec.RequestURL = practice.Unexpand(rec.RequestURL, msg.practice)
		m.hv = m.hv.add(rec)
		if m.opts.History.Path != "" {
			cmd = appendHistory(m.opts.History, rec)
		}
		if m.profile != "" {
			last := lastByProfile([]profiles.Record{rec})
			m.browser = m.browser.MergeLast(last)
		}
	}
	m = m.applyResult(msg)
	m, lcmd := m.judgeLesson(msg)
	return m, tea.Batch(cmd, lcmd)
}

func (m Model) applyResult(msg resultMsg) Model {
	if msg.practice != "" {
		m.practiceURL = msg.practice
	}
	m.snd = m.snd.Stop()
	if errors.Is(msg.err, authn.ErrCanceled) {
		m.rp = m.rp.setState(paneCancelled)
		return m.setStatus("cancelled", m.st().Warn)
	}
	var ie *authn.InputError
	var re *profiles.RefError
	if msg.res == nil || errors.As(msg.err, &ie) || errors.As(msg.err, &re) {
		m.rp = m.rp.setNotSent("not sent: " + sanitize.Line(msg.err.Error()))
		if ie != nil {
			m.ed = m.ed.setFieldErrors(fieldErrors(ie))
		}
		if re != nil {
			m.ed = m.ed.setFieldErrors(map[string]string{re.Label: re.Problem + ": " + re.Fix})
		}
		m = m.setStatus("not sent: "+sanitize.Line(msg.err.Error()), m.st().Error)
		return m.setFocusNoCmd(focusEditor)
	}
	m.ed = m.ed.setFieldErrors(nil) // sent: the old errors' causes are fixed
	if m.focus == focusEditor {
		m = m.setFocusNoCmd(focusResult) // the answer is what matters now
	}
	m.rp = m.rp.setResult(msg.res, msg.err, msg.docs).setTab(tabResponse)
	if fin := msg.res.Final(); fin != nil && fin.Response != nil {
		r := m.rp.shownFinal() // as shown: response secrets masked
		m = m.setStatus(fmt.Sprintf("%d %s · %s · %s · %s", r.Status, sanitize.Line(r.Reason), theme.StatusClass(r.Status), millis(msg.res.Total), pretty.HumanSize(int64(len(fin.Response.Body)))), m.st().Muted)
	} else if msg.err != nil {
		m = m.setStatus(sanitize.Line(msg.err.Error()), m.st().Error)
	}
	return m.layout()
}

func (m Model) setFocusNoCmd(f focusState) Model {
	m, _ = m.setFocus(f)
	return m
}

// fieldErrors maps an engine input error onto the form field it names.
func fieldErrors(ie *authn.InputError) map[string]string {
	if ie.Field == "" {
		return nil
	}
	return map[string]string{ie.Field: ie.Error()}
}

// restyle hands new styles to every direct child; each restyles its own
// parts.
func (m Model) restyle(st *theme.Styles) Model {
	m.com.st = st
	m.help.Styles = st.Help()
	m.statusSt = st.Muted
	m.ed = m.ed.SetCommon(m.com)
	m.rp = m.rp.SetCommon(m.com)
	m.browser = m.browser.SetStyles(*st)
	m.hv = m.hv.SetCommon(m.com)
	return m.layout()
}

// frame is the layout of one frame: heights of the parts and the panes'
// rectangles.
type frame struct {
	statusH, helpH, bodyH int
	wide                  bool
	edW, edH              int // the editor (stacked: on top)
	rpW, rpH              int // the result pane (stacked: below)
}

// frame computes the layout for the current size and focus: side by side
// from wideWidth columns, stacked (request on top, response below) under
// it, so both are always on screen.
func (m Model) frame() frame {
	w := m.com.width
	f := frame{statusH: len(m.statusLines()), helpH: 1, wide: w >= wideWidth}
	f.bodyH = max(1, m.com.height-1-f.statusH-f.helpH-m.bannerHeight())
	if f.wide {
		left := w * 45 / 100
		f.edW, f.edH = left-2, f.bodyH
		f.rpW, f.rpH = w-left-3, f.bodyH
		return f
	}
	f.edW, f.rpW = w-2, w-2
	switch {
	case m.focus == focusEditor:
		f.edH = min(m.ed.height(), max(4, f.bodyH-7))
	default:
		f.edH = m.ed.summaryHeight(f.edW) // method and URL stay visible beside the response
	}
	f.rpH = max(3, f.bodyH-f.edH-1)
	return f
}

// layout sizes the parts for the current window and focus.
func (m Model) layout() Model {
	if m.com.width == 0 {
		return m
	}
	m.help.SetWidth(m.com.width)
	f := m.frame()
	m.ed = m.ed.SetSize(f.edW, f.edH)
	m.rp = m.rp.SetSize(f.rpW, f.rpH)
	pw := m.com.width
	if f.wide {
		pw = m.com.width * 35 / 100
	}
	m.browser = m.browser.SetSize(pw-1, f.bodyH)
	m.hv = m.hv.SetSize(pw-1, f.bodyH)
	return m
}

// View renders the frame.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "authlab"
	return v
}

// statusLines is the status line, or the question with its choices,
// wrapped to the width: nothing is cut.
func (m Model) statusLines() []string {
	w := max(10, m.com.width)
	st := m.st()
	switch {
	case m.focus == focusConfirm && m.ask.kind == askName:
		return []string{m.ask.input.View()}
	case m.focus == focusConfirm && m.ask.kind == askSecret:
		lines := wrapLines(st.Warn, w, m.ask.text)
		lines = append(lines, m.ask.input.View())
		return append(lines, wrapLines(st.Label, w, m.ask.choices)...)
	case m.focus == focusConfirm:
		lines := wrapLines(st.Warn, w, m.ask.text)
		return append(lines, wrapLines(st.Label, w, m.ask.choices)...)
	case m.status == "":
		return []string{""}
	}
	lines := wrapLines(m.statusSt, w, m.status)
	if len(lines) > 3 { // a long notice keeps three lines; the rest is in the pane
		lines = append(lines[:2], ansi.Truncate(lines[2], w-1, "")+"…")
	}
	return lines
}

// wrapLines wraps s to w cells (breaking long words) and styles each line.
func wrapLines(st lipgloss.Style, w int, s string) []string {
	lines := strings.Split(ansi.Wrap(s, w, " /&?,·"), "\n")
	for i, l := range lines {
		lines[i] = st.Render(strings.TrimRight(l, " "))
	}
	return lines
}

func (m Model) render() string {
	w, h := m.com.width, m.com.height
	st := m.st()
	if w == 0 {
		return ""
	}
	if w < MinWidth || h < MinHeight {
		msg := fmt.Sprintf("terminal too small: %d×%d\nauthlab needs at least %d×%d\n\nenlarge the window, or ctrl+c to quit", w, h, MinWidth, MinHeight)
		return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Warn.Render(msg))
	}
	header := m.headerLine(w)
	f := m.frame()
	body := m.bodyLines(f)
	if b := m.bannerView(); b != "" {
		header += "\n" + b
	}
	return header + "\n" + strings.Join(m.statusLines(), "\n") + "\n" + strings.Join(body, "\n") + "\n" + m.helpView()
}

// headerLine is the first line: the name, presenter mode, the profile and
// whether it is saved, and the practice server in use with the student
// name. When the line is too wide the tagline goes first, then the profile
// name is shortened, so the practice server stays visible at 80 columns.
func (m Model) headerLine(w int) string {
	st := m.st()
	head, tag := st.Title.Render("authlab"), ""
	if m.com.present {
		// first after the name, so a narrow window keeps it
		head += "  " + st.TabActive.Render(" PRESENTING ") + st.Muted.Render("  secrets masked")
	} else {
		tag = st.Muted.Render("  credential tester")
	}
	prof := ""
	if m.profile != "" {
		prof = "  " + st.Label.Render(sanitize.Line(m.profile))
	}
	if m.dirty {
		prof += st.Warn.Render(" ● unsaved")
	}
	if l := m.envLabel(); l != "" {
		prof += "  " + st.Key.Render(l)
	}
	prac := ""
	if l := m.practiceLabel(); l != "" {
		prac = st.Muted.Render("  " + l)
	}
	if prac != "" && ansi.StringWidth(head+tag+prof+prac) > w {
		tag = ""
		if room := w - ansi.StringWidth(head+prac); ansi.StringWidth(prof) > room {
			prof = ansi.Truncate(prof, max(room, 0), "…")
		}
	}
	return ansi.Truncate(head+tag+prof+prac, w, "…")
}

// practiceLabel says which practice server {{practice}} names: "practice:
// built-in 127.0.0.1:PORT" once the embedded one runs, or the remote URL,
// and the student name sent to it ("" when neither applies yet).
func (m Model) practiceLabel() string {
	var s string
	switch {
	case m.opts.Practice.Remote() != "":
		s = "practice: " + m.opts.Practice.Remote()
	case m.practiceURL != "":
		s = "practice: built-in " + strings.TrimPrefix(m.practiceURL, "http://")
	}
	if name := m.opts.Practice.Student(); name != "" {
		if s == "" {
			s = "student " + name
		} else {
			s += " as " + name
		}
	}
	return sanitize.Line(s)
}

// bodyLines renders the area between the status and the help line.
func (m Model) bodyLines(f frame) []string {
	w := m.com.width
	st := m.st()
	sep := st.Muted.Render("│") + " "
	side := func(left []string, right []string) []string {
		out := make([]string, f.bodyH)
		for i := range out {
			out[i] = left[i] + sep + right[i]
		}
		return out
	}
	focus := m.focus
	if focus == focusConfirm || focus == focusHelp {
		focus = m.back
	}
	switch {
	case m.focus == focusHelp:
		return fit(m.fullHelp(w, f.bodyH), w, f.bodyH)
	case focus == focusExport:
		return fit(m.exp.View(st, w, f.bodyH), w, f.bodyH)
	case focus == focusProfiles || focus == focusHistory:
		pv := m.browser.View()
		if focus == focusHistory {
			pv = m.hv.View(m.opts.Now())
		}
		if !f.wide {
			return fit(pv, w, f.bodyH)
		}
		pw := w * 35 / 100
		return side(fit(pv, pw-1, f.bodyH), fit(m.ed.View(), w-pw-2, f.bodyH))
	case f.wide:
		left := w * 45 / 100
		return side(fit(m.ed.View(), left, f.bodyH), fit(m.rp.View(focus == focusResult), w-left-2, f.bodyH))
	}
	// stacked: the request on top, a rule, the response below
	var top string
	if focus == focusEditor {
		top = m.ed.View()
	} else {
		top = m.ed.summary(f.edW)
	}
	out := fit(top, w, f.edH)
	out = append(out, st.Muted.Render(strings.Repeat("─", w)))
	return append(out, fit(m.rp.View(focus == focusResult), w, f.bodyH-f.edH-1)...)
}

// fit cuts or pads s to exactly h lines of exactly w cells. It is the cheap
// stand-in for a lipgloss Width/Height style: the panes are laid out already,
// so nothing needs wrapping, and this runs on every frame.
func fit(s string, w, h int) []string {
	lines := strings.SplitN(s, "\n", h+1)
	if len(lines) > h {
		lines = lines[:h]
	}
	out := make([]string, h)
	for i := range out {
		l := ""
		if i < len(lines) {
			l = ansi.Truncate(lines[i], w, "")
		}
		if pad := w - ansi.StringWidth(l); pad > 0 {
			l += strings.Repeat(" ", pad)
		}
		out[i] = l
	}
	return out
}

func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }

// helpKeys adapts the keys that apply now to help.KeyMap.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

// contextKeys are the keys of the focused part, from the keymaps only: a
// short list for the help line and every key for ? (full help).
func (m Model) contextKeys() helpKeys {
	k := m.keys
	global := []key.Binding{k.Send, k.Cancel, k.Switch, k.Save, k.Profiles, k.History, k.Export, k.Env, k.Forget, k.Help, k.QuitQ, k.Quit}
	focus := m.focus
	if focus == focusHelp || focus == focusConfirm {
		focus = m.back
	}
	switch focus {
	case focusExport:
		ek := m.exp.keys
		return helpKeys{short: []key.Binding{ek.Next, ek.Copy, ek.Scroll, ek.Close, k.Quit},
			full: [][]key.Binding{{ek.Next, ek.Copy, ek.Up, ek.PageUp, ek.Close}, {k.Quit}}}
	case focusHistory:
		hk := m.hv.KeyMap()
		return helpKeys{short: []key.Binding{hk.Open, hk.Up, k.Close, k.Profiles, k.Help, k.Quit},
			full: [][]key.Binding{{hk.Open, hk.Up, hk.Down, hk.PageUp, hk.PageDown, hk.Home, hk.End, k.Close}, global}}
	case focusProfiles:
		bk := m.browser.KeyMap()
		return helpKeys{short: append(bk.ShortHelp(), k.Close, k.Help, k.Quit),
			full: append(bk.FullHelp(), []key.Binding{k.Close}, global)}
	case focusResult:
		pk := m.rp.KeyMap()
		bk := m.rp.body.KeyMap()
		full := [][]key.Binding{{pk.Tab1, pk.TabNext, pk.Hints, pk.Reveal, pk.StepNext, pk.Scroll, k.Next, k.Close}}
		switch m.rp.tab {
		case tabBody:
			full = append(full, bk.FullHelp()...)
		case tabTrace:
			full = append(full, m.rp.TraceKeyMap().FullHelp()...)
		}
		return helpKeys{short: []key.Binding{k.Send, pk.Tab1, pk.Hints, k.Switch, k.Help, k.QuitQ}, full: append(full, global)}
	}
	ek := m.ed.KeyMap()
	if lk, open := m.ed.listKeys(); open {
		// the scheme list: its keys, every other key types into its filter
		return helpKeys{short: append(lk.ShortHelp(), k.Send, k.Help), full: append(lk.FullHelp(), global)}
	}
	short := []key.Binding{k.Send, k.Next}
	cur, _ := m.ed.current()
	switch cur.kind {
	case slotScheme:
		short = append(short, ek.Left, ek.SchemeList)
	case slotMethod:
		short = append(short, ek.Left)
	case slotHeaderName, slotHeaderValue:
		short = append(short, ek.AddHeader)
	case slotBody:
		short = append(short, ek.BodyType)
	case slotCred:
		short = append(short, m.ed.credKeys().ShortHelp()...)
	}
	if m.ed.typing() {
		short = append(short, ek.Leave)
	}
	short = append(short, k.Switch, k.Help, k.Quit)
	full := [][]key.Binding{{k.Next, k.Prev, ek.Up, ek.Left, ek.SchemeList, ek.Leave, ek.Edit, ek.AddHeader, ek.DelHeader, ek.BodyType}, m.ed.credKeys().FullHelp()[0], global}
	return helpKeys{short: short, full: full}
}

// helpView is the one help line of the focused part.
func (m Model) helpView() string {
	m.help.ShowAll = false
	return fitWidth(m.help.View(m.contextKeys()), m.com.width)
}

// fullHelp lists every key of the current context (?) in as many columns
// as fit w, each entry "key  what it does", wrapped, never cut.
func (m Model) fullHelp(w, h int) string {
	st := m.st()
	var items []string
	seen := map[string]bool{}
	for _, col := range m.contextKeys().full {
		for _, b := range col {
			hl := b.Help()
			if !b.Enabled() || hl.Key == "" || seen[hl.Key] {
				continue
			}
			seen[hl.Key] = true
			items = append(items, st.Key.Render(hl.Key)+"  "+st.Muted.Render(hl.Desc))
		}
	}
	colW := 0
	for _, it := range items {
		colW = max(colW, ansi.StringWidth(it)+3)
	}
	colW = min(colW, w)
	cols := max(1, w/max(1, colW))
	rows := (len(items) + cols - 1) / cols
	lines := []string{st.Title.Render("Keys here") + st.Muted.Render("  ? or esc closes")}
	for r := range rows {
		var b strings.Builder
		for c := range cols {
			i := c*rows + r
			if i >= len(items) {
				break
			}
			it := ansi.Truncate(items[i], colW-1, "…")
			b.WriteString(it + strings.Repeat(" ", max(0, colW-ansi.StringWidth(it))))
		}
		lines = append(lines, strings.TrimRight(b.String(), " "))
	}
	if len(lines) > h && h > 1 {
		lines = append(lines[:h-1], st.Muted.Render("… enlarge the window to see the rest"))
	}
	return strings.Join(lines, "\n")
}

// fitWidth cuts every line of s to w cells. bubbles' help adds an item that
// overflows when its ellipsis would not fit either.
func fitWidth(s string, w int) string {
	if w <= 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	return strings.Join(lines, "\n")
}

// prepareDocs prepares the final body for the Body tab, off the UI
// goroutine: masked when a flow found secrets in responses that occur in it
// (an API echoing the token), and as received for R (never in presenter
// mode, where nothing is revealed).
func prepareDocs(res *authn.Result, present bool) paneDocs {
	if present {
		res = ui.PresentResult(res) // a server may echo a signature
	}
	fin := res.Final()
	if fin == nil || fin.Response == nil {
		return paneDocs{}
	}
	ct := fin.Response.Header.Get("Content-Type")
	d := paneDocs{masked: bodyview.Prepare(ct, fin.Response.Body, fin.Response.Truncated), preview: previewLines(ct, fin.Response.Body)}
	if len(res.ResponseSecrets()) == 0 {
		return d
	}
	shown := ui.MaskResponseSecrets(res, false).Final().Response
	if !bytes.Equal(shown.Body, fin.Response.Body) {
		d.revealed, d.previewRevealed = d.masked, d.preview
		d.masked = bodyview.Prepare(ct, shown.Body, fin.Response.Truncated)
		d.preview = previewLines(ct, shown.Body)
		d.differ = !present
	}
	return d
}

// previewLines pretty-prints the head of a body (sanitized by
// pretty.Body) for the Response tab: at most bodyPreview lines of at most
// 64 KiB of it.
func previewLines(ct string, body []byte) []string {
	out, _ := pretty.Body(ct, body[:min(len(body), 64<<10)], false)
	if len(out) == 0 {
		return nil
	}
	lines := strings.SplitN(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n", bodyPreview+1)
	lines = lines[:min(len(lines), bodyPreview)]
	for i, l := range lines {
		// The pane soft-wraps every line on each frame: a minified
		// document's one 64 KiB line is cut here (the Body tab has it
		// whole), so a frame stays cheap.
		if len(l) > previewLineMax {
			lines[i] = ansi.Truncate(l, previewLineMax, "") + "… (the whole line is on the Body tab, 2)"
		}
	}
	return lines
}

// previewLineMax bounds a Response-tab preview line, in cells (about 25
// rows of an 80-column pane).
const previewLineMax = 2000
