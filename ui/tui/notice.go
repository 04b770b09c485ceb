package tui

import (
	"fmt"
	"net/url"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// Notices: while a flow waits for the user (the device flow's user code,
// RFC 8628 §3.3; the authorization URL of the code flow, RFC 6749 §4.1.1)
// the engine calls authn.Request.Notify from the exchanging goroutine. The
// send command sets Notify to a noticeFeed's notify, which hands the notice
// to a channel without blocking; a separate command waits on that channel
// and returns a noticeMsg, and Update re-arms it — Bubble Tea's streaming
// pattern: no goroutine of ours, no I/O in Update or View. The feed's done
// channel closes when the send command returns, so the waiting command ends
// with the send (result, error or esc).

// noticeFeed connects one send's Notify callback with the command waiting
// for its notices.
type noticeFeed struct {
	ch   chan authn.Notice
	done chan struct{} // closed when the send command has returned
}

func newNoticeFeed() noticeFeed {
	return noticeFeed{ch: make(chan authn.Notice, 8), done: make(chan struct{})}
}

// notify is the request's Notify. It never blocks (the engine's contract):
// when the UI lags eight notices behind, the oldest waiting one gives way,
// since a newer notice supersedes it.
func (f noticeFeed) notify(n authn.Notice) {
	for range 2 {
		select {
		case f.ch <- n:
			return
		default:
		}
		select {
		case <-f.ch:
		default:
		}
	}
}

// noticeMsg is one notice of the send numbered seq.
type noticeMsg struct {
	seq  int
	n    authn.Notice
	feed noticeFeed
}

// noticeTickMsg moves the countdown of the send numbered seq to at.
type noticeTickMsg struct {
	seq int
	at  time.Time
}

// waitNotice waits for the next notice of a send; it returns nil (no
// message) once the send is over.
func waitNotice(seq int, f noticeFeed) tea.Cmd {
	return func() tea.Msg {
		select {
		case n := <-f.ch:
			return noticeMsg{seq: seq, n: n, feed: f}
		case <-f.done:
			return nil
		}
	}
}

// noticeTick is the countdown's one-second tick, running only while a
// notice is shown.
func noticeTick(seq int) tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return noticeTickMsg{seq: seq, at: t} })
}

// gotNotice shows a notice of the send in flight, or removes it when the
// wait is over, and waits for the next one.
func (m Model) gotNotice(msg noticeMsg) (Model, tea.Cmd) {
	if !m.snd.Current(msg.seq) {
		return m, nil // a finished or cancelled send: stop listening
	}
	cmds := []tea.Cmd{waitNotice(msg.seq, msg.feed)}
	if msg.n.Done {
		m.rp = m.rp.setNotice(nil, m.opts.Now())
		return m, cmds[0]
	}
	n := msg.n
	m.rp = m.rp.setNotice(&n, m.opts.Now())
	if m.tickSeq != m.snd.seq {
		m.tickSeq = m.snd.seq
		cmds = append(cmds, noticeTick(m.snd.seq))
	}
	switch m.focus {
	case focusEditor: // the notice is what matters now
		m = m.setFocusNoCmd(focusResult)
	case focusProfiles, focusHistory, focusExport, focusHelp, focusConfirm:
		// the result pane is hidden: say it on the status line
		m = m.setStatus(noticeLine(n), m.st().Warn)
	}
	return m.layout(), tea.Batch(cmds...)
}

// gotNoticeTick advances the countdown; the tick stops once no notice of
// the send in flight is shown.
func (m Model) gotNoticeTick(msg noticeTickMsg) (Model, tea.Cmd) {
	if msg.seq != m.tickSeq {
		return m, nil // a chain from an earlier send
	}
	if !m.snd.Current(msg.seq) || !m.rp.hasNotice() {
		m.tickSeq = 0
		return m, nil
	}
	m.rp = m.rp.setNoticeNow(msg.at)
	return m, noticeTick(msg.seq)
}

// noticeLine is a notice in one line, for the status line.
func noticeLine(n authn.Notice) string {
	parts := []string{sanitize.Line(n.Title)}
	if n.Code != "" {
		parts = append(parts, "code "+sanitize.Line(n.Code))
	}
	if n.URL != "" {
		parts = append(parts, sanitize.Line(n.URL))
	}
	return strings.Join(parts, " · ")
}

// noticeBox draws a notice at most w cells wide: a framed box with the
// title, the user code large (letter-spaced, bold) and as typed, and the
// countdown; then, outside the box, the URL unbroken by borders or
// padding (wrapped only at the pane's edge, so a terminal selection or a
// click on the OSC 8 link gets it whole), and the keys that copy it and
// open it (issue #15 item 9). Everything in it came from a server and is
// sanitized here.
func noticeBox(st *theme.Styles, n authn.Notice, now time.Time, w int) string {
	boxW := min(max(w, 24), 64)
	inner := boxW - 4 // border and padding
	var lines []string
	title := sanitize.Line(n.Title)
	if title == "" {
		title = "Waiting for you"
	}
	lines = append(lines, st.Value.Bold(true).Render(ansi.Wrap(title, inner, "")))
	if code := sanitize.Line(n.Code); code != "" {
		big := spaced(code)
		if ansi.StringWidth(big)+2 > inner {
			big = code
		}
		lines = append(lines, "", st.Code.Render(ansi.Truncate(big, inner, "…")), "")
		if big != code {
			lines = append(lines, st.Muted.Render("type it as ")+st.Value.Render(ansi.Hardwrap(code, inner-11, false)))
		}
	}
	var tail []string
	if e := ui.Expiry(n, now); e != "" {
		es := st.Warn
		if e == "expired" {
			es = st.Error
		}
		tail = append(tail, es.Render(e))
	}
	if d := sanitize.Line(n.Detail); d != "" {
		tail = append(tail, st.Muted.Render(d))
	}
	if len(tail) > 0 {
		lines = append(lines, ansi.Wrap(strings.Join(tail, st.Muted.Render(" · ")), inner, ""))
	}
	out := st.NoticeBox.Width(boxW).Render(strings.Join(lines, "\n"))
	if u := sanitize.Line(n.URL); u != "" {
		k := defaultNoticeKeys()
		out += "\n" + st.Muted.Render("open this URL:") + "\n" + linkRows(st, n.URL, u, max(w, 10)) + "\n" +
			st.Muted.Render(fmt.Sprintf("%s copies it · %s opens the browser", k.CopyURL.Help().Key, k.OpenURL.Help().Key))
	}
	return out
}

// linkRows is the URL shown (u, sanitized) cut into rows of w cells, each
// row an OSC 8 hyperlink to raw when raw is a plain http(s) URL (printable
// ASCII only: server text with any other byte gets no link, only its
// escaped text). The rows share one link id, so a terminal underlines and
// opens them as one link.
func linkRows(st *theme.Styles, raw, u string, w int) string {
	rows := strings.Split(ansi.Hardwrap(u, w, false), "\n")
	target, ok := linkTarget(raw)
	for i, r := range rows {
		r = st.Info.Render(r)
		if ok {
			r = ansi.SetHyperlink(target, "id=authlab-notice") + r + ansi.ResetHyperlink()
		}
		rows[i] = r
	}
	return strings.Join(rows, "\n")
}

// linkTarget returns raw when it may be a hyperlink's target: an absolute
// http or https URL of printable ASCII (RFC 3986 §2: no space, no control),
// so nothing in it can end the OSC 8 sequence or hide another one.
func linkTarget(raw string) (string, bool) {
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= 0x20 || c >= 0x7f {
			return "", false
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return raw, true
}

// noticeKeys act on the URL of the notice on screen.
type noticeKeys struct {
	CopyURL key.Binding
	OpenURL key.Binding
}

func defaultNoticeKeys() noticeKeys {
	return noticeKeys{
		CopyURL: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy the URL (OSC 52)")),
		OpenURL: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open the URL in the browser")),
	}
}

// noticeKey handles c and o while a notice with a URL is on screen; ok is
// false for any other key.
func (m Model) noticeKey(msg tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	n := m.rp.currentNotice()
	if n == nil || n.URL == "" {
		return m, nil, false
	}
	k := defaultNoticeKeys()
	switch {
	case key.Matches(msg, k.CopyURL):
		// what is on screen: the URL itself when it is a plain http(s)
		// URL, else its escaped text (server bytes never reach the
		// clipboard raw, to be pasted into a shell)
		text, ok := linkTarget(n.URL)
		if !ok {
			text = sanitize.Line(n.URL)
		}
		return m.setStatus("copied the URL to the clipboard (OSC 52): "+sanitize.Line(n.URL), m.st().OK), tea.SetClipboard(text), true
	case key.Matches(msg, k.OpenURL):
		target, ok := linkTarget(n.URL)
		if !ok {
			return m.setStatus("not opened: the URL is not a plain http(s) URL; c copies it", m.st().Warn), nil, true
		}
		return m.setStatus("opening the browser…", m.st().Muted), openBrowser(m.opts.OpenURL, target), true
	}
	return m, nil, false
}

// openedMsg reports how opening the browser went.
type openedMsg struct{ err error }

// openBrowser runs opener (Options.OpenURL; xdg-open or open when nil)
// on target, in a command: the browser is started, not waited for.
func openBrowser(opener func(string) error, target string) tea.Cmd {
	if opener == nil {
		opener = systemOpen
	}
	return func() tea.Msg { return openedMsg{err: opener(target)} }
}

// systemOpen starts the platform's URL opener: open on macOS, xdg-open
// (or wslview) elsewhere; an error names what was looked for.
func systemOpen(target string) error {
	names := []string{"xdg-open", "wslview"}
	if runtime.GOOS == "darwin" {
		names = []string{"open"}
	}
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			cmd := exec.Command(p, target)
			if err := cmd.Start(); err != nil {
				return err
			}
			go cmd.Wait() // reap it; the browser outlives it
			return nil
		}
	}
	return fmt.Errorf("no %s here: c copies the URL", strings.Join(names, " or "))
}

// spaced puts a space between the characters of a user code so it reads
// large from across a room ("W D J B - M J H T").
func spaced(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// The -k banner: a persistent line under the header for as long as the
// request would be sent without verifying the server's certificate.
const (
	insecureText      = "TLS verification OFF (-k): anyone on the path can read and change this traffic"
	insecureTextShort = "TLS verification OFF (-k): traffic can be read and changed"
)

// insecure reports whether certificate verification is off: -k on the
// command line, or the TLS options of the request in the editor (a profile).
func (m Model) insecure() bool {
	return m.opts.Insecure || m.ed.tlsOptions().Insecure
}

// bannerView is the -k banner, exactly one line m.com.width cells wide; "" when
// verification is on. Without colour it says WARNING in reverse video.
func (m Model) bannerView() string {
	if !m.insecure() {
		return ""
	}
	prefix := ""
	if m.st().NoColor {
		prefix = "WARNING: "
	}
	text := prefix + insecureText
	for _, t := range []string{prefix + insecureText, prefix + insecureTextShort, insecureTextShort} {
		if text = t; ansi.StringWidth(t)+2 <= m.com.width {
			break
		}
	}
	text = ansi.Truncate(text, m.com.width-2, "…")
	return m.st().Banner.Width(m.com.width).MaxWidth(m.com.width).Render(" " + text)
}

// bannerHeight is the number of lines the banner takes.
func (m Model) bannerHeight() int {
	if m.insecure() {
		return 1
	}
	return 0
}
