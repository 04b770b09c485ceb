package tui

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/ui"
	"github.com/authlab/authlab/ui/format"
	"github.com/authlab/authlab/ui/pretty"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/bodyview"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/authlab/authlab/ui/tui/traceview"
	"github.com/charmbracelet/x/ansi"
)

// Result tabs.
const (
	tabResponse = iota
	tabBody
	tabHeaders
	tabTrace
	tabTiming
)

var tabNames = [...]string{"Response", "Body", "Headers", "Trace", "Timing"}

// paneState is what the result pane shows.
type paneState int

const (
	paneEmpty paneState = iota
	paneInFlight
	paneDone
	paneCancelled
	paneFailed
)

// resultPane shows one Result in tabs. It renders text tabs into a viewport
// when the result, the size or the reveal toggle changes, never per frame;
// the body tab is the lazy bodyview.
type resultPane struct {
	notSent string // why the last send did not go out (shown whole in the empty pane)
	// lesson is the lesson's text (lesson.go), shown in the empty pane;
	// lessonBanner the check of the last send, above the response.
	lesson, lessonBanner string
	com                  common
	st                   *theme.Styles
	keys                 paneKeys
	hints                bool // the Response tab shows every hint in full (h)
	// finalLine is the Headers tab's line where the final exchange starts.
	finalLine int
	width     int
	height    int
	tab       int
	state     paneState
	raw       *authn.Result // as received
	res       *authn.Result // as shown: raw with response secrets masked unless reveal
	err       error
	reveal    bool
	vp        viewport.Model
	body      bodyview.Model
	docs      paneDocs
	elapsed   time.Duration
	spinner   string
	// trace is the Trace tab: values on screen whole, focus and copy, n/p.
	trace traceview.Model

	// notice is what a flow in flight asks the user to do (a device code);
	// noticeNow is the time its countdown was last computed for.
	notice    *authn.Notice
	noticeNow time.Time
}

// paneDocs are the prepared bodies of a result: as shown while secrets are
// masked, and as received (only when a response secret occurs in the body,
// so R has something different to show).
type paneDocs struct {
	masked, revealed bodyview.Document
	differ           bool
	// preview and previewRevealed are the first bodyPreview lines of the
	// body, pretty-printed, for the Response tab.
	preview, previewRevealed []string
}

func (d paneDocs) pick(reveal bool) bodyview.Document {
	if reveal && d.differ {
		return d.revealed
	}
	return d.masked
}

func newResultPane(com common) resultPane {
	// The text tabs wrap every line the viewport would cut: a response
	// preview, a header value or an error is on screen whole (issue #15
	// items 1 and 7).
	vp := viewport.New()
	vp.SoftWrap = true
	keys := defaultPaneKeys()
	if com.present {
		// R still answers (the root says secrets stay masked), but no
		// help names it
		keys.Reveal.SetHelp("", "")
	}
	return resultPane{com: com, st: com.st, keys: keys, vp: vp, body: bodyview.New(*com.st, bodyview.DefaultKeyMap()),
		trace: traceview.New(*com.st, traceview.DefaultKeyMap()).SetPresent(com.present)}
}

// SetCommon restyles the pane and its body view.
func (p resultPane) SetCommon(c common) resultPane {
	p.com, p.st = c, c.st
	p.body = p.body.SetStyles(*c.st)
	p.trace = p.trace.SetStyles(*c.st)
	return p.rerender()
}

// KeyMap is the pane's keys.
func (p resultPane) KeyMap() paneKeys { return p.keys }

// TraceKeyMap is the Trace tab's own keys (values, copy, steps,
// scrolling), for the help of that tab.
func (p resultPane) TraceKeyMap() traceview.KeyMap { return p.trace.KeyMap() }

// searching reports whether the Body tab holds a search (esc clears it
// before it leaves the pane).
func (p resultPane) searching() bool {
	return p.tab == tabBody && p.state == paneDone && p.body.Query() != ""
}

// typing reports whether a key would be typed: while the Body tab's
// search field is open, so the root passes every key to it.
func (p resultPane) typing() bool {
	return p.tab == tabBody && p.state == paneDone && p.body.Typing()
}

// setState shows the empty, in-flight or cancelled state.
func (p resultPane) setState(s paneState) resultPane {
	p.state = s
	p.notSent = ""
	if s == paneEmpty {
		p.raw, p.res, p.err = nil, nil, nil
		p.trace = p.trace.SetResult(nil, p.reveal)
	}
	return p
}

// setNotSent empties the pane and says there, whole, why the request was
// not sent (the status line keeps three lines of it).
func (p resultPane) setNotSent(why string) resultPane {
	p = p.setState(paneEmpty)
	p.notSent = why
	return p
}

// setLesson sets the lesson's text and the verdict line of the last
// check (lesson.go).
func (p resultPane) setLesson(banner, text string) resultPane {
	p.lesson, p.lessonBanner = text, banner
	return p.rerender()
}

// setProgress is the spinner frame and the time the request has taken.
func (p resultPane) setProgress(spin string, elapsed time.Duration) resultPane {
	p.spinner, p.elapsed = spin, elapsed
	return p
}

// shownFinal is the final response as shown (secrets masked unless
// revealed).
func (p resultPane) shownFinal() *authn.Response {
	if p.res == nil || p.res.Final() == nil {
		return nil
	}
	return p.res.Final().Response
}

// tabKey reports which tab a key selects, if any.
func (p resultPane) tabKey(msg tea.KeyPressMsg) (int, bool) {
	k := p.keys
	for i, b := range []key.Binding{k.Tab1, k.Tab2, k.Tab3, k.Tab4, k.Tab5} {
		if key.Matches(msg, b) {
			return i, true
		}
	}
	switch {
	case key.Matches(msg, k.TabNext):
		return p.tab + 1, true
	case key.Matches(msg, k.TabPrev):
		return p.tab - 1, true
	}
	return 0, false
}

// SetSize gives the pane w columns and h rows.
func (p resultPane) SetSize(w, h int) resultPane {
	if w == p.width && h == p.height {
		return p
	}
	p.width, p.height = w, h
	inner := max(1, h-2) // tab bar and a blank line
	p.vp.SetWidth(w)
	p.vp.SetHeight(inner)
	p.body = p.body.SetSize(w, inner)
	p.trace = p.trace.SetSize(w, inner)
	return p.rerender()
}

func (p resultPane) setResult(res *authn.Result, err error, docs paneDocs) resultPane {
	if p.com.present {
		res = ui.PresentResult(res) // a server may echo a signature
	}
	p.raw, p.err = res, err
	p.res = ui.MaskResponseSecrets(res, p.reveal)
	p.trace = p.trace.SetResult(p.res, p.reveal)
	p.state = paneDone
	p.notice = nil
	if res == nil || res.Final() == nil || res.Final().Response == nil {
		p.state = paneFailed
	}
	p.docs = docs
	p.body = p.body.SetDocument(docs.pick(p.reveal))
	return p.rerender()
}

// setReveal shows (R) or masks the secrets: credentials, trace values and
// the tokens a flow found in responses.
func (p resultPane) setReveal(on bool) resultPane {
	p.reveal = on
	p.res = ui.MaskResponseSecrets(p.raw, on)
	p.trace = p.trace.SetReveal(p.res, on)
	if p.docs.differ {
		p.body = p.body.SetDocument(p.docs.pick(on))
	}
	return p.rerender()
}

// setNotice shows n (nil removes it) with its countdown at now.
func (p resultPane) setNotice(n *authn.Notice, now time.Time) resultPane {
	p.notice, p.noticeNow = n, now
	return p
}

func (p resultPane) hasNotice() bool { return p.notice != nil }

// currentNotice is the notice on screen: nil unless a request in flight
// shows one.
func (p resultPane) currentNotice() *authn.Notice {
	if p.state != paneInFlight {
		return nil
	}
	return p.notice
}

// setNoticeNow moves the notice's countdown to now.
func (p resultPane) setNoticeNow(now time.Time) resultPane {
	p.noticeNow = now
	return p
}

// content is the whole text of the current text tab (the trace's too),
// not only what is in view.
func (p resultPane) content() string {
	if p.tab == tabTrace {
		return p.trace.Content()
	}
	return p.vp.GetContent()
}

// rerender rebuilds the text of the current tab.
func (p resultPane) rerender() resultPane {
	if p.tab == tabBody || p.tab == tabTrace {
		return p
	}
	y := p.vp.YOffset()
	p.vp.SetContent(p.text())
	p.vp.SetYOffset(y)
	return p
}

func (p resultPane) setTab(t int) resultPane {
	p.tab = (t + len(tabNames)) % len(tabNames)
	p.vp.SetYOffset(0)
	p = p.rerender()
	if p.tab == tabHeaders && p.res != nil && len(p.res.Exchanges) > 1 {
		// a multi-exchange send opens on its final exchange
		p.vp.SetYOffset(p.finalLine)
	}
	return p
}

// Update handles the pane's keys (tabs, reveal, hints) and passes the rest
// to the current tab: the body view, the trace view, or the viewport.
func (p resultPane) Update(msg tea.Msg) (resultPane, tea.Cmd) {
	if km, ok := msg.(tea.KeyPressMsg); ok && !p.typing() {
		if t, ok := p.tabKey(km); ok {
			return p.setTab(t), nil
		}
		k := p.keys
		switch {
		case key.Matches(km, k.Reveal) && !p.com.present:
			return p.setReveal(!p.reveal), nil
		case key.Matches(km, k.Hints) && p.tab == tabResponse:
			p.hints = !p.hints
			return p.rerender(), nil
		}
	}
	var cmd tea.Cmd
	switch p.tab {
	case tabBody:
		p.body, cmd = p.body.Update(msg)
	case tabTrace:
		p.trace, cmd = p.trace.Update(msg)
	default:
		p.vp, cmd = p.vp.Update(msg)
	}
	return p, cmd
}

// View renders the tab bar and the current tab; focused marks the bar.
func (p resultPane) View(focused bool) string {
	var tabs []string
	for i, n := range tabNames {
		label := fmt.Sprintf("%d %s", i+1, n)
		if i == p.tab {
			tabs = append(tabs, p.st.TabActive.Render(label))
		} else {
			tabs = append(tabs, p.st.Tab.Render(label))
		}
	}
	bar := strings.Join(tabs, "")
	if ansi.StringWidth(bar) > p.width { // narrow: the active tab's name, numbers for the rest
		tabs = tabs[:0]
		for i, n := range tabNames {
			if i == p.tab {
				tabs = append(tabs, p.st.TabActive.Render(fmt.Sprintf("%d %s", i+1, n)))
			} else {
				tabs = append(tabs, p.st.Tab.Render(fmt.Sprint(i+1)))
			}
		}
		bar = ansi.Truncate(strings.Join(tabs, ""), p.width, "")
	}
	var content string
	switch {
	case p.state == paneInFlight:
		content = p.st.Info.Render(p.spinner+" sending…") + " " + p.st.Muted.Render(fmt.Sprintf("%.1fs · esc cancels", p.elapsed.Seconds()))
		if p.notice != nil {
			content = noticeBox(p.st, *p.notice, p.noticeNow, p.width) + "\n" + content
		}
	case p.state == paneCancelled:
		content = p.st.Warn.Render("cancelled") + p.st.Muted.Render(" · the request was stopped; ctrl+r sends again")
	case p.state == paneEmpty && p.notSent != "":
		content = p.st.Error.Render("✗ ") + wrap(lipgloss.NewStyle(), max(10, p.width-2), p.notSent) + "\n\n" +
			wrap(p.st.Muted, max(10, p.width), "Fix it in the request and ctrl+r sends again.")
	case p.state == paneEmpty && p.lesson != "":
		content = wrap(lipgloss.NewStyle(), max(10, p.width), p.lesson)
	case p.state == paneEmpty:
		content = wrap(p.st.Muted, max(10, p.width), "Nothing sent yet. Type a URL and press ctrl+r to send it, or try the demo: ctrl+o opens the profiles, where the demo/ ones send to the practice server built into authlab (no network needed; `authlab profiles demo` writes them again); pick one with enter, then ctrl+r.")
	case p.tab == tabBody && p.state == paneDone:
		content = p.body.View()
	case p.tab == tabTrace:
		content = p.trace.View()
	default:
		content = p.vp.View()
	}
	return bar + "\n\n" + content
}

// text renders the current text tab.
func (p *resultPane) text() string {
	w := max(20, p.width)
	switch p.state {
	case paneEmpty, paneInFlight, paneCancelled:
		return ""
	}
	switch p.tab {
	case tabResponse:
		return p.responseText(w)
	case tabHeaders:
		return p.headersText(w, &p.finalLine)
	case tabTiming:
		return p.timingText()
	}
	return ""
}

func wrap(st lipgloss.Style, w int, s string) string {
	return st.Width(w).Render(s)
}

func (p resultPane) responseText(w int) string {
	st := p.st
	var b strings.Builder
	if p.lessonBanner != "" {
		b.WriteString(wrap(lipgloss.NewStyle(), max(10, w), p.lessonBanner) + "\n\n")
	}
	if p.err != nil {
		b.WriteString(st.Error.Render("✗ ") + wrap(lipgloss.NewStyle(), w-2, sanitize.Line(p.err.Error())) + "\n\n")
	}
	fin := p.res.Final()
	if fin == nil || fin.Response == nil {
		return b.String()
	}
	r := fin.Response
	badge := st.Status(r.Status).Render(fmt.Sprintf("%d %s", r.Status, sanitize.Line(r.Reason)))
	facts := []string{theme.StatusClass(r.Status), millis(p.res.Total), pretty.HumanSize(int64(len(p.raw.Final().Response.Body)))}
	if r.Truncated {
		facts = append(facts, "truncated")
	}
	facts = append(facts, ui.ExchangeFacts(p.res)...)
	b.WriteString(badge + "  " + st.Muted.Render(strings.Join(facts, " · ")) + "\n")
	if r.Status >= 300 && r.Status < 400 {
		if loc := r.Header.Get("Location"); loc != "" {
			b.WriteString(st.Label.Render("Location ") + sanitize.Line(loc) + "\n")
		}
	}
	b.WriteString("\n")
	if !p.hints {
		b.WriteString(p.compactHints(w))
		if body := p.prettyBody(); body != "" {
			b.WriteString("\n" + body + "\n")
		}
		return strings.TrimRight(b.String(), "\n")
	}
	for _, h := range p.res.Hints {
		b.WriteString(hintTitle(st, h, w) + "\n")
		if h.Detail != "" {
			b.WriteString(indent(wrap(lipgloss.NewStyle(), w-2, sanitize.String(h.Detail)), "  ") + "\n")
		}
		for _, c := range h.Checks {
			b.WriteString(indent(wrap(lipgloss.NewStyle(), w-4, "• "+sanitize.Line(c)), "  ") + "\n")
		}
		if h.Ref != "" {
			b.WriteString("  " + st.Muted.Render(sanitize.Line(h.Ref)) + "\n")
		}
		b.WriteString("\n")
	}
	if len(p.res.Hints) == 0 && r.Status < 300 {
		b.WriteString(st.OK.Render("✓ ") + "the server accepted the request; the Body tab shows what it sent back\n")
	} else if len(p.res.Hints) > 0 {
		b.WriteString(st.Muted.Render("h folds the hints; the body is on the Body tab (2)") + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// hintTitle is a hint's mark and title (sanitized server text), wrapped
// to w, in its level's style: the line both the compact and the expanded
// hints start with.
func hintTitle(st *theme.Styles, h authn.Hint, w int) string {
	mark, ms := "i", st.Info
	switch h.Level {
	case authn.LevelError:
		mark, ms = "✗", st.Error
	case authn.LevelWarn:
		mark, ms = "!", st.Warn
	}
	return ms.Render(mark+" ") + ms.Render(wrap(lipgloss.NewStyle(), w-2, sanitize.Line(h.Title)))
}

// compactHints is one line per hint (its mark and title), and the key that
// expands them; "" without hints.
func (p resultPane) compactHints(w int) string {
	st := p.st
	if len(p.res.Hints) == 0 {
		return ""
	}
	var b strings.Builder
	for _, h := range p.res.Hints {
		b.WriteString(hintTitle(st, h, w) + "\n")
	}
	b.WriteString(st.Muted.Render("h shows what each hint means and what to check") + "\n")
	return b.String()
}

// prettyBody is the final body, pretty-printed as the Body tab shows it,
// at most bodyPreview lines (the Body tab scrolls the rest).
func (p resultPane) prettyBody() string {
	doc := p.docs.pick(p.reveal)
	lines := p.docs.preview
	if p.reveal && p.docs.differ {
		lines = p.docs.previewRevealed
	}
	if len(lines) == 0 {
		return ""
	}
	lines = append([]string(nil), lines...)
	if n, shown := doc.Lines(), len(lines); n > shown {
		lines = append(lines, p.st.Muted.Render(fmt.Sprintf("… %d more lines on the Body tab (2)", n-shown)))
	}
	return strings.Join(lines, "\n")
}

// bodyPreview is how many body lines the Response tab shows.
const bodyPreview = 200

func indent(s, pad string) string {
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

func millis(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

func (p resultPane) headersText(w int, final *int) string {
	st := p.st
	var b strings.Builder
	for i := range p.res.Exchanges {
		ex := &p.res.Exchanges[i]
		if i == len(p.res.Exchanges)-1 {
			*final = strings.Count(b.String(), "\n")
		}
		if len(p.res.Exchanges) > 1 {
			b.WriteString(st.Title.Render(fmt.Sprintf("Exchange %d of %d", i+1, len(p.res.Exchanges))) + st.Muted.Render(" · "+format.Role(ex)) + "\n")
		}
		b.WriteString(st.Label.Render("Request as sent") + st.Muted.Render(p.maskedNote()) + "\n")
		b.WriteString("  " + st.Value.Bold(true).Render(ex.Request.Method) + " " + sanitize.Line(ex.Request.DisplayURL(p.reveal)) + "\n")
		if ex.Request.Host != "" {
			b.WriteString(headerLine(st, "Host", ex.Request.Host, w))
		}
		writeHeaders(&b, st, ex.Request.DisplayHeader(p.reveal), w)
		if body := ex.Request.DisplayBody(p.reveal); len(body) > 0 {
			b.WriteString("\n" + indent(wrap(lipgloss.NewStyle(), w-2, sanitize.String(string(body))), "  ") + "\n")
		}
		if r := ex.Response; r != nil {
			b.WriteString("\n" + st.Label.Render("Response") + "\n")
			b.WriteString("  " + sanitize.Line(r.Proto) + " " + st.Status(r.Status).Render(fmt.Sprintf("%d %s", r.Status, sanitize.Line(r.Reason))) + "\n")
			writeHeaders(&b, st, r.Header, w)
			vals := append(r.Header.Values("Www-Authenticate"), r.Header.Values("Proxy-Authenticate")...)
			if len(vals) > 0 {
				chs, err := authn.ParseChallenges(vals)
				b.WriteString("\n" + st.Label.Render("Challenges (WWW-Authenticate, parsed)") + "\n")
				for _, c := range chs {
					line := "  " + st.Value.Bold(true).Render(sanitize.Line(c.Scheme))
					if c.Token68 != "" {
						line += " " + sanitize.Line(c.Token68)
					}
					b.WriteString(line + "\n")
					for _, prm := range c.Params {
						b.WriteString("    " + st.Key.Render(sanitize.Line(prm.Name)) + " = " + sanitize.Line(prm.Value) + "\n")
					}
				}
				if err != nil {
					b.WriteString("  " + st.Warn.Render("! "+sanitize.Line(err.Error())) + "\n")
				}
			}
		}
		if i < len(p.res.Exchanges)-1 {
			b.WriteString("\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// maskedNote says how the credentials are shown and which key changes
// that; presenter mode has no such key.
func (p resultPane) maskedNote() string {
	switch {
	case p.com.present:
		return "  (presenter mode: credentials masked)"
	case p.reveal:
		return "  (secrets revealed · R hides)"
	}
	return "  (credentials masked · R reveals)"
}

func headerLine(st *theme.Styles, k, v string, w int) string {
	return indent(wrap(lipgloss.NewStyle(), w-2, st.Key.Render(sanitize.Line(k))+": "+sanitize.Line(v)), "  ") + "\n"
}

func writeHeaders(b *strings.Builder, st *theme.Styles, h http.Header, w int) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			if strings.EqualFold(k, practice.TraceHeader) {
				// the practice server's trace: base64, 3–30 lines; the
				// Trace tab shows it decoded
				v = fmt.Sprintf("(%s of the practice server's trace: the Trace tab (4) shows it)", pretty.HumanSize(int64(len(v))))
			}
			b.WriteString(headerLine(st, k, v, w))
		}
	}
}

func (p resultPane) timingText() string {
	st := p.st
	var b strings.Builder
	row := func(k, v string) { b.WriteString("  " + st.Label.Render(fmt.Sprintf("%-12s", k)) + v + "\n") }
	for i := range p.res.Exchanges {
		ex := &p.res.Exchanges[i]
		t := ex.Timing
		if len(p.res.Exchanges) > 1 {
			b.WriteString(st.Title.Render(fmt.Sprintf("Exchange %d", i+1)) + "  " + sanitize.Line(ex.Request.DisplayURL(p.reveal)) + "\n")
		}
		row("DNS", millis(t.DNS))
		row("Connect", millis(t.Connect))
		row("TLS", millis(t.TLS))
		row("First byte", millis(t.FirstByte))
		row("Total", millis(t.Total))
		conn := "new connection"
		if t.Reused {
			conn = "reused from the pool (no DNS, connect or TLS)"
		}
		row("Connection", conn)
		if t.Remote != "" {
			row("Remote", sanitize.Line(t.Remote))
		}
		b.WriteString("\n")
	}
	b.WriteString("  " + st.Label.Render(fmt.Sprintf("%-12s", "All")) + millis(p.res.Total))
	return b.String()
}
