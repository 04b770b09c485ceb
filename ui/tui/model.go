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
	Prefill  Prefill
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
}

// Model is the root model.
type Model struct {
	opts    Options
	st      theme.Styles
	keys    KeyMap
	width   int
	height  int
	ed      editor
	rp      resultPane
	inPane  bool // focus is on the result pane
	help    help.Model
	spin    spinner.Model
	showAll bool

	// profiles and history
	browser  browser.Model
	hv       historyView
	exp      exportView // the export view (ctrl+y), when open
	panel    bool       // the side panel (profiles or history) is shown and focused
	panelHst bool       // the panel shows history rather than profiles
	profile  string
	stamp    profiles.Stamp
	hasStamp bool
	base     *profiles.Profile
	savedFP  string
	dirty    bool
	ask      ask
	lastReq  authn.Request
	// practiceURL is where the embedded practice server runs, once started.
	practiceURL string

	inflight bool
	seq      int
	tickSeq  int // the send whose notice countdown is ticking (0: none)
	// feed is the notice feed of the latest send; its notify is the
	// Request.Notify the send command installs.
	feed     noticeFeed
	cancel   context.CancelFunc
	started  time.Time
	status   string // one-line message under the header
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
	st := styles(true, opts)
	m := Model{opts: opts, keys: DefaultKeyMap(), help: help.New(), spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
	m = m.withStyles(st)
	m.ed = newEditor(st, opts.Prefill, opts.Present)
	m.rp = newResultPane(st)
	m.browser = browser.New(st, browser.DefaultKeyMap())
	if opts.Store != nil {
		m.browser = m.browser.SetDir(opts.Store.Dir).SetLoading(true)
	}
	m.hv = historyView{st: st}
	m.exp = newExportView()
	m.profile = opts.Profile
	m.savedFP = fingerprint(m.ed.draftProfile(m.profile, nil))
	m.ed, _ = m.ed.setFocus(1) // the URL field
	if opts.Prefill.URL != "" {
		m.ed, _ = m.ed.setFocus(0)
	}
	if opts.Notice != "" {
		m.status, m.statusSt = opts.Notice, st.Warn
	}
	if opts.Width > 0 && opts.Height > 0 {
		m.width, m.height = opts.Width, opts.Height
		m = m.layout()
	}
	return m
}

func (m Model) withStyles(st theme.Styles) Model {
	m.st = st
	m.help.Styles = st.Help()
	m.statusSt = st.Muted
	return m
}

// styles picks the theme: presenter mode's high contrast, or the normal one.
func styles(dark bool, o Options) theme.Styles {
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

// resultMsg carries the outcome of one send back to Update.
type resultMsg struct {
	seq      int
	practice string // base URL of the embedded practice server, when used
	res      *authn.Result
	err      error
	docs     paneDocs
}

// send builds the command for one request. It captures copies of everything
// it needs; it never reads the model while running. Notices of a flow go to
// feed (see waitNotice); feed.done is closed when the command returns.
func send(ctx context.Context, eng *authn.Engine, r profiles.Resolver, req authn.Request, seq int, present bool, pr *practice.Embedded, feed noticeFeed) tea.Cmd {
	return func() tea.Msg {
		defer close(feed.done)
		req.Notify = feed.notify
		fields := make(map[string]string, len(req.Fields))
		for k, v := range req.Fields {
			if v == profiles.Prompt {
				return resultMsg{seq: seq, err: fmt.Errorf("%s: prompt references cannot be asked inside the TUI; use env:NAME or file:PATH", k)}
			}
			val, _, err := r.Resolve(k, v)
			if err != nil {
				return resultMsg{seq: seq, err: err}
			}
			fields[k] = val
		}
		req.Fields = fields
		if req.TLS != nil && req.TLS.KeyPassword != "" {
			if req.TLS.KeyPassword == profiles.Prompt {
				return resultMsg{seq: seq, err: fmt.Errorf("tls key_password: prompt references cannot be asked inside the TUI; use env:NAME or file:PATH")}
			}
			pass, _, err := r.Resolve("tls key_password", req.TLS.KeyPassword)
			if err != nil {
				return resultMsg{seq: seq, err: err}
			}
			t := *req.TLS // the editor's copy keeps the reference
			t.KeyPassword = pass
			req.TLS = &t
		}
		unexpanded := req.URL
		if err := pr.ExpandRequest(&req); err != nil {
			return resultMsg{seq: seq, err: err}
		}
		var practiceURL string
		if req.URL != unexpanded {
			practiceURL = pr.Started()
		}
		res, err := eng.Exchange(ctx, req)
		if present {
			res.Redact(authn.SecretsOf(req, res)) // the server may echo a secret
		}
		return resultMsg{seq: seq, res: res, err: err, docs: prepareDocs(res, present), practice: practiceURL}
	}
}

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m.layout(), nil
	case tea.BackgroundColorMsg:
		return m.restyle(styles(msg.IsDark(), m.opts)), nil
	case resultMsg:
		return m.gotResult(msg)
	case noticeMsg:
		return m.gotNotice(msg)
	case noticeTickMsg:
		return m.gotNoticeTick(msg)
	case entriesMsg:
		m.browser = m.browser.SetLoading(false)
		if msg.err != nil {
			m.status, m.statusSt = "profiles: "+sanitize.Line(msg.err.Error()), m.st.Error
			return m, nil
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
		return m, nil
	case historyMsg:
		m.hv.loadErr = msg.err
		if msg.err == nil {
			m.hv = m.hv.setRecords(msg.records)
			m.browser = m.browser.SetLast(lastByProfile(msg.records))
		}
		return m, nil
	case recordedMsg:
		if msg.err != nil {
			m.status, m.statusSt = "history not written: "+sanitize.Line(msg.err.Error()), m.st.Warn
		}
		return m, nil
	case savedMsg:
		return m.gotSaved(msg)
	case exportMsg:
		return m.gotExport(msg)
	case importMsg:
		return m.gotImport(msg)
	case tea.PasteMsg:
		if !m.panel && !m.inPane && !m.exp.open && m.ask.kind == askNone {
			if cur, ok := m.ed.current(); ok && cur.kind == slotURL && looksLikeCurl(msg.Content) {
				return m, importCmd(msg.Content, m.opts.Resolver.ReadFile)
			}
		}
	case fileOpMsg:
		if msg.err != nil {
			m.status, m.statusSt = sanitize.Line(msg.what+": "+msg.err.Error()), m.st.Error
			return m, nil
		}
		m.status, m.statusSt = sanitize.Line(msg.what), m.st.OK
		return m, loadEntries(m.opts.Store)
	case browser.OpenMsg:
		if msg.Entry.Profile == nil {
			return m, nil
		}
		return m.open(msg.Entry), nil
	case browser.NewMsg:
		return m.newProfile(), nil
	case browser.DuplicateMsg:
		s := m.opts.Store
		return m, fileOp("copied "+msg.Src+" to "+msg.Dst, func() error { return s.Copy(msg.Src, msg.Dst) })
	case browser.RenameMsg:
		s := m.opts.Store
		if msg.Old == m.profile {
			m.profile, m.hasStamp = msg.New, false
		}
		return m, fileOp("renamed "+msg.Old+" to "+msg.New, func() error { return s.Rename(msg.Old, msg.New) })
	case browser.DeleteMsg:
		s := m.opts.Store
		if msg.Name == m.profile {
			m.profile, m.hasStamp = "", false
		}
		return m, fileOp("deleted "+msg.Name, func() error { return s.Remove(msg.Name) })
	case spinner.TickMsg:
		if !m.inflight {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		m.rp.spinner = m.spin.View()
		m.rp.elapsed = m.opts.Now().Sub(m.started)
		return m, cmd
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m.forward(msg)
}

// forward passes other messages (paste, blink, mouse) to the focused part.
func (m Model) forward(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if m.panel && !m.panelHst {
		m.browser, cmd = m.browser.Update(msg)
	} else if m.inPane {
		m.rp, cmd = m.rp.update(msg)
	} else {
		m.ed, cmd = m.ed.update(msg)
		m = m.updateDirty()
	}
	return m, cmd
}

func (m Model) typing() bool { return !m.inPane && m.ed.typing() }

func (m Model) key(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	if m.ask.kind != askNone && !key.Matches(msg, k.Quit) {
		return m.askKey(msg)
	}
	if m.exp.open && !key.Matches(msg, k.Quit) {
		return m.exportKey(msg)
	}
	switch {
	case key.Matches(msg, k.Export):
		return m.toggleExport()
	case key.Matches(msg, k.Profiles):
		m.exp.open = false
		return m.togglePanel(false), nil
	case key.Matches(msg, k.History):
		return m.togglePanel(true), nil
	case key.Matches(msg, k.Save):
		return m.startSave()
	}
	if m.panel {
		return m.panelKey(msg)
	}
	switch {
	case key.Matches(msg, k.Quit), key.Matches(msg, k.QuitQ) && !m.typing():
		if m.cancel != nil {
			m.cancel()
		}
		return m, tea.Quit
	case key.Matches(msg, k.Send):
		return m.startSend()
	case key.Matches(msg, k.Cancel):
		if m.inflight {
			m.cancel()
			m.inflight = false
			m.rp.state = paneCancelled
			m.rp = m.rp.setNotice(nil, m.opts.Now())
			m.status, m.statusSt = "cancelled", m.st.Warn
			return m, nil
		}
		if m.showAll {
			m.showAll = false
			return m.layout(), nil
		}
		return m.forward(msg)
	case key.Matches(msg, k.Help) && !m.typing():
		m.showAll = !m.showAll
		return m.layout(), nil
	case key.Matches(msg, k.Next):
		return m.move(+1)
	case key.Matches(msg, k.Prev):
		return m.move(-1)
	}
	if m.inPane {
		return m.paneKey(msg)
	}
	cur, _ := m.ed.current()
	switch {
	case key.Matches(msg, k.AddHeader):
		var cmd tea.Cmd
		m.ed, cmd = m.ed.addHeader()
		return m, cmd
	case key.Matches(msg, k.DelHeader):
		var cmd tea.Cmd
		m.ed, cmd = m.ed.delHeader()
		return m, cmd
	case (cur.kind == slotMethod || cur.kind == slotScheme) && key.Matches(msg, k.Choice):
		d := 1
		if msg.String() == "left" {
			d = -1
		}
		m.ed = m.ed.cycle(d)
		return m.updateDirty().layout(), nil
	case msg.String() == "down" && cur.kind != slotBody && !(cur.kind == slotCred):
		return m.move(+1)
	case msg.String() == "up" && cur.kind != slotBody && !(cur.kind == slotCred):
		return m.move(-1)
	}
	var cmd tea.Cmd
	m.ed, cmd = m.ed.update(msg)
	return m.updateDirty(), cmd
}

// togglePanel shows or hides the side panel (profiles, or history).
func (m Model) togglePanel(history bool) Model {
	if m.panel && m.panelHst == history {
		m.panel = false
	} else {
		m.panel, m.panelHst = true, history
	}
	return m.layout()
}

// panelKey handles keys while the side panel has focus.
func (m Model) panelKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	consumes := !m.panelHst && (m.browser.Typing() || m.browser.Consumes(msg))
	switch {
	case key.Matches(msg, k.Quit), key.Matches(msg, k.QuitQ) && !consumes:
		if m.cancel != nil {
			m.cancel()
		}
		return m, tea.Quit
	case msg.String() == "esc" && !consumes:
		m.panel = false
		return m.layout(), nil
	case key.Matches(msg, k.Send):
		return m.startSend()
	}
	if m.panelHst {
		if msg.String() == "enter" {
			if r, ok := m.hv.selected(); ok {
				return m.reopen(r), nil
			}
			return m, nil
		}
		m.hv = m.hv.update(msg)
		return m, nil
	}
	var cmd tea.Cmd
	m.browser, cmd = m.browser.Update(msg)
	return m, cmd
}

// reopen puts a past request back into the editor: its profile when it had
// one, else its method and URL (history never holds credentials).
func (m Model) reopen(r profiles.Record) Model {
	if r.Profile != "" {
		if e, ok := m.browser.Entry(r.Profile); ok && !e.Broken() {
			return m.open(e)
		}
	}
	m = m.newProfile()
	m.ed = newEditor(m.st, Prefill{Method: r.Method, URL: r.URL, Scheme: r.Scheme}, m.opts.Present)
	m.ed, _ = m.ed.setFocus(1)
	m.status, m.statusSt = "reopened "+sanitize.Line(r.Method+" "+r.URL)+" · credentials are not kept in history: fill them in", m.st.Muted
	return m.updateDirty().layout()
}

func (m Model) paneKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	tab := -1
	switch {
	case key.Matches(msg, k.Tab1):
		tab = tabResponse
	case key.Matches(msg, k.Tab2):
		tab = tabBody
	case key.Matches(msg, k.Tab3):
		tab = tabHeaders
	case key.Matches(msg, k.Tab4):
		tab = tabTrace
		m.rp.step = 0
	case key.Matches(msg, k.Tab5):
		tab = tabTiming
	case key.Matches(msg, k.TabNext) && m.rp.tab != tabBody:
		tab = m.rp.tab + 1
	case key.Matches(msg, k.TabPrev) && m.rp.tab != tabBody:
		tab = m.rp.tab - 1
	case msg.String() == "]":
		tab = m.rp.tab + 1
	case msg.String() == "[":
		tab = m.rp.tab - 1
	case key.Matches(msg, k.Reveal):
		if m.opts.Present {
			m.status, m.statusSt = "presenter mode: secrets stay masked", m.st.Warn
			return m, nil
		}
		m.rp = m.rp.setReveal(!m.rp.reveal)
		return m, nil
	case m.rp.tab == tabTrace && key.Matches(msg, k.StepNext):
		m.rp = m.rp.stepTo(+1)
		return m, nil
	case m.rp.tab == tabTrace && key.Matches(msg, k.StepPrev):
		m.rp = m.rp.stepTo(-1)
		return m, nil
	}
	if tab >= 0 {
		m.rp = m.rp.setTab(tab)
		return m, nil
	}
	var cmd tea.Cmd
	m.rp, cmd = m.rp.update(msg)
	return m, cmd
}

// move moves focus through the editor's slots and then the result pane.
func (m Model) move(d int) (tea.Model, tea.Cmd) {
	n := len(m.ed.slots())
	pos := n // the result pane
	if !m.inPane {
		pos = m.ed.focus
	}
	pos = (pos + d + n + 1) % (n + 1)
	var cmd tea.Cmd
	if pos == n {
		m.inPane = true
		m.ed, _ = m.ed.setFocus(-1)
	} else {
		m.inPane = false
		m.ed, cmd = m.ed.setFocus(pos)
	}
	return m.layout(), cmd
}

func (m Model) startSend() (tea.Model, tea.Cmd) {
	if m.inflight {
		m.status, m.statusSt = "a request is already in flight: esc cancels it", m.st.Warn
		return m, nil
	}
	if u := m.ed.url.Value(); looksLikeCurl(u) {
		// typed, or pasted by a terminal without bracketed paste
		return m, importCmd(u, m.opts.Resolver.ReadFile)
	}
	var req authn.Request
	var reason string
	m.ed, req, reason = m.ed.request()
	if reason != "" {
		m.status, m.statusSt = "not sent: "+reason, m.st.Error
		return m.layout(), nil
	}
	if b := m.base; b != nil {
		// the opened profile's (or imported command's) own redirects and
		// time limit; the engine's come from the command line
		if b.Follow {
			req.Follow = &b.Follow
		}
		req.Timeout = b.Timeout
	}
	ctx, cancel := context.WithCancel(m.opts.Ctx)
	m.lastReq = req
	m.seq++
	m.cancel = cancel
	m.inflight = true
	m.started = m.opts.Now()
	m.rp.state = paneInFlight
	m.rp.elapsed = 0
	m.rp.spinner = m.spin.View()
	m.rp = m.rp.setNotice(nil, m.started)
	m.status, m.statusSt = fmt.Sprintf("sending %s %s", req.Method, sanitize.Line(req.URL)), m.st.Muted
	m.feed = newNoticeFeed()
	return m.layout(), tea.Batch(send(ctx, m.opts.Engine, m.opts.Resolver, req, m.seq, m.opts.Present, m.opts.Practice, m.feed), m.spin.Tick, waitNotice(m.seq, m.feed))
}

func (m Model) gotResult(msg resultMsg) (Model, tea.Cmd) {
	if msg.seq != m.seq || !m.inflight {
		return m, nil // a cancelled or superseded request
	}
	var cmd tea.Cmd
	var ie *authn.InputError
	var re *profiles.RefError
	if msg.res != nil && !errors.As(msg.err, &ie) && !errors.As(msg.err, &re) && !errors.Is(msg.err, authn.ErrCanceled) {
		rec := profiles.NewRecord(msg.res, msg.err, m.profile, m.lastReq, m.opts.Now())
		rec.URL = practice.Unexpand(rec.URL, msg.practice)
		m.hv = m.hv.add(rec)
		if m.opts.History.Path != "" {
			cmd = appendHistory(m.opts.History, rec)
		}
		if m.profile != "" {
			last := lastByProfile([]profiles.Record{rec})
			m.browser = m.browser.MergeLast(last)
		}
	}
	return m.applyResult(msg), cmd
}

func (m Model) applyResult(msg resultMsg) Model {
	if msg.practice != "" {
		m.practiceURL = msg.practice
	}
	m.inflight = false
	m.cancel()
	m.cancel = nil
	if errors.Is(msg.err, authn.ErrCanceled) {
		m.rp.state = paneCancelled
		m.status, m.statusSt = "cancelled", m.st.Warn
		return m
	}
	var ie *authn.InputError
	var re *profiles.RefError
	if msg.res == nil || errors.As(msg.err, &ie) || errors.As(msg.err, &re) {
		m.rp.state = paneEmpty
		m.status, m.statusSt = "not sent: "+sanitize.Line(msg.err.Error()), m.st.Error
		if ie != nil {
			m.ed.creds = m.ed.creds.SetErrors(fieldErrors(ie))
		}
		return m.layout()
	}
	m.rp = m.rp.setResult(msg.res, msg.err, msg.docs)
	m.rp = m.rp.setTab(tabResponse)
	if fin := m.rp.res.Final(); fin != nil && fin.Response != nil {
		r := fin.Response                          // as shown: response secrets masked
		size := len(msg.res.Final().Response.Body) // as received
		m.status = fmt.Sprintf("%d %s · %s · %s · %s", r.Status, sanitize.Line(r.Reason), theme.StatusClass(r.Status), millis(msg.res.Total), pretty.HumanSize(int64(size)))
		m.statusSt = m.st.Muted
	} else if msg.err != nil {
		m.status, m.statusSt = sanitize.Line(msg.err.Error()), m.st.Error
	}
	if m.width < wideWidth { // narrow: show the answer
		m.inPane = true
		m.ed, _ = m.ed.setFocus(-1)
	}
	return m.layout()
}

// fieldErrors maps an engine input error onto the form field it names.
func fieldErrors(ie *authn.InputError) map[string]string {
	if ie.Field == "" {
		return nil
	}
	return map[string]string{ie.Field: ie.Error()}
}

func (m Model) restyle(st theme.Styles) Model {
	m = m.withStyles(st)
	m.ed.st = st
	m.ed.url.SetStyles(st.Input())
	for i := range m.ed.headers {
		m.ed.headers[i].name.SetStyles(st.Input())
		m.ed.headers[i].value.SetStyles(st.Input())
	}
	m.ed.body.SetStyles(st.TextArea())
	m.ed.creds = m.ed.creds.SetStyles(st)
	m.rp.st = st
	m.rp.body = m.rp.body.SetStyles(st)
	m.browser = m.browser.SetStyles(st)
	m.hv.st = st
	return m.layout()
}

// layout sizes the parts for the current window and focus.
func (m Model) layout() Model {
	if m.width == 0 {
		return m
	}
	m.help.SetWidth(m.width)
	bodyH := m.height - 3 - m.helpHeight() - m.bannerHeight() // header, status, help
	if m.panel {
		pw := m.width
		if m.width >= wideWidth {
			pw = m.width * 35 / 100
			m.ed = m.ed.setWidth(m.width - pw - 4)
		}
		m.browser = m.browser.SetSize(pw-1, bodyH)
		m.hv.w, m.hv.h = pw-1, bodyH
		return m
	}
	if m.width >= wideWidth {
		left := m.width * 45 / 100
		m.ed = m.ed.setWidth(left - 2)
		m.rp = m.rp.setSize(m.width-left-3, bodyH)
	} else {
		m.ed = m.ed.setWidth(m.width - 2)
		m.rp = m.rp.setSize(m.width-2, bodyH)
	}
	return m
}

func (m Model) helpHeight() int {
	return lipgloss.Height(m.helpView())
}

// View renders the frame.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "authlab"
	return v
}

func (m Model) render() string {
	if m.width == 0 {
		return ""
	}
	if m.width < MinWidth || m.height < MinHeight {
		msg := fmt.Sprintf("terminal too small: %d×%d\nauthlab needs at least %d×%d\n\nenlarge the window, or ctrl+c to quit", m.width, m.height, MinWidth, MinHeight)
		return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, m.st.Warn.Render(msg))
	}
	header := m.st.Title.Render("authlab") + m.st.Muted.Render("  credential tester")
	if m.profile != "" {
		header += "  " + m.st.Label.Render(sanitize.Line(m.profile))
	}
	if m.dirty {
		header += m.st.Warn.Render(" ● unsaved")
	}
	if m.practiceURL != "" {
		header += m.st.Muted.Render("  practice server " + strings.TrimPrefix(m.practiceURL, "http://"))
	}
	status := m.statusSt.Render(truncate(m.status, m.width))
	switch m.ask.kind {
	case askName:
		status = m.ask.input.View()
	case askNone:
	default:
		status = m.st.Warn.Render(truncate(m.ask.text, m.width))
	}
	helpv := m.helpView()
	bodyH := m.height - 2 - lipgloss.Height(helpv) - m.bannerHeight()
	var body []string
	if m.exp.open {
		body = fit(m.exp.view(m.st, m.width, bodyH), m.width, bodyH)
	} else if m.panel {
		var pv string
		if m.panelHst {
			pv = m.hv.view(m.opts.Now())
		} else {
			pv = m.browser.View()
		}
		if m.width >= wideWidth {
			pw := m.width * 35 / 100
			left := fit(pv, pw-1, bodyH)
			right := fit(m.editorView(m.width-pw-4, bodyH), m.width-pw-2, bodyH)
			sep := m.st.Muted.Render("│") + " "
			body = make([]string, bodyH)
			for i := range body {
				body[i] = left[i] + sep + right[i]
			}
		} else {
			body = fit(pv, m.width, bodyH)
		}
	} else if m.width >= wideWidth {
		left := m.width * 45 / 100
		ed := fit(m.editorView(left-2, bodyH), left, bodyH)
		rp := fit(m.rp.view(m.inPane), m.width-left-2, bodyH)
		sep := m.st.Muted.Render("│") + " "
		body = make([]string, bodyH)
		for i := range body {
			body[i] = ed[i] + sep + rp[i]
		}
	} else if m.inPane {
		body = fit(m.rp.view(true), m.width, bodyH)
	} else {
		body = fit(m.editorView(m.width-2, bodyH), m.width, bodyH)
	}
	if b := m.bannerView(); b != "" {
		header += "\n" + b
	}
	return header + "\n" + status + "\n" + strings.Join(body, "\n") + "\n" + helpv
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

// editorView renders the editor scrolled so the focused slot is visible.
func (m Model) editorView(w, h int) string {
	lines, focus := m.ed.view()
	off := 0
	if focus > h-3 {
		off = min(focus-(h-3), max(0, len(lines)-h))
	}
	end := min(len(lines), off+h)
	return strings.Join(lines[off:end], "\n")
}

func truncate(s string, w int) string { return ansi.Truncate(s, w, "…") }

// helpKeys adapts the keys that apply now to help.KeyMap.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

func (m Model) helpView() string {
	k := m.keys
	hk := helpKeys{}
	if m.exp.open {
		ek := m.exp.keys
		hk.short = []key.Binding{ek.Format, ek.Copy, ek.Scroll, ek.Close, k.Quit}
		return fitWidth(m.help.View(hk), m.width)
	}
	if m.panel {
		if m.panelHst {
			hk.short = []key.Binding{k.History, k.Profiles, k.Send, k.Quit}
		} else {
			bk := m.browser.KeyMap()
			hk.short = append(bk.ShortHelp(), k.Profiles, k.History, k.Quit)
			hk.full = append(bk.FullHelp(), []key.Binding{k.Profiles, k.History, k.Save, k.Quit})
		}
		m.help.ShowAll = m.showAll && hk.full != nil
		return fitWidth(m.help.View(hk), m.width)
	}
	if m.inPane {
		bk := bodyview.DefaultKeyMap()
		hk.short = []key.Binding{k.Send, k.TabNext, k.Tab1, k.Reveal, k.Next, k.Help, k.QuitQ}
		hk.full = [][]key.Binding{{k.Send, k.Cancel, k.Next, k.Prev}, {k.TabNext, k.Tab1, k.Reveal}, bk.ShortHelp(), {k.Save, k.Profiles, k.History, k.Export}, {k.Help, k.Quit, k.QuitQ}}
	} else {
		cur, _ := m.ed.current()
		hk.short = []key.Binding{k.Send, k.Next}
		switch cur.kind {
		case slotMethod, slotScheme:
			hk.short = append(hk.short, k.Choice)
		case slotHeaderName, slotHeaderValue:
			hk.short = append(hk.short, k.AddHeader, k.DelHeader)
		case slotCred:
			hk.short = append(hk.short, m.ed.creds.KeyMap().ShortHelp()...)
		}
		hk.short = append(hk.short, k.Save, k.Profiles, k.Help, k.Quit)
		hk.full = [][]key.Binding{{k.Send, k.Cancel, k.Next, k.Prev}, {k.Choice, k.AddHeader, k.DelHeader}, m.ed.creds.KeyMap().ShortHelp(), {k.Save, k.Profiles, k.History, k.Export}, {k.Help, k.Quit}}
	}
	m.help.ShowAll = m.showAll
	return fitWidth(m.help.View(hk), m.width)
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
	fin := res.Final()
	if fin == nil || fin.Response == nil {
		return paneDocs{}
	}
	ct := fin.Response.Header.Get("Content-Type")
	d := paneDocs{masked: bodyview.Prepare(ct, fin.Response.Body, fin.Response.Truncated)}
	if len(res.ResponseSecrets()) == 0 {
		return d
	}
	shown := ui.MaskResponseSecrets(res, false).Final().Response
	if !bytes.Equal(shown.Body, fin.Response.Body) {
		d.revealed = d.masked
		d.masked = bodyview.Prepare(ct, shown.Body, fin.Response.Truncated)
		d.differ = !present
	}
	return d
}
