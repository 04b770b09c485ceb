// Package flowview draws the HTTP exchanges of one authn.Result as a
// sequence diagram: the client and one lifeline per origin (host:port) it
// talked to, an arrow per request labelled with its method, path and role,
// a return arrow with the status, and the time each exchange took.
//
// Multi-step schemes make several exchanges for one send: Digest is sent,
// challenged with 401 and retried (RFC 7616 §3.3); OAuth 2.0 asks a token
// endpoint, often on another host, before calling the API (RFC 6749 §4);
// redirects add hops (RFC 9110 §15.4). Seeing them in order is the point of
// the view (issue #6 item 7).
//
// The renderer is pure: Render returns lines of styled spans and the front
// ends (the plain printer of `authlab send --trace` and the TUI's Trace tab)
// map span kinds to their own styles. Every piece of text that came from a
// server (reason phrases, redirect targets, transport errors) is passed
// through ui/sanitize here, so spans are safe to print; query credentials are
// masked through SentRequest.DisplayURL, and tokens a flow found in responses
// (Options.Secrets) are masked in every label unless revealed.
package flowview

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/format"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/charmbracelet/x/ansi"
)

// Kind says what a span is, so each front end can style it.
type Kind uint8

// Span kinds.
const (
	Text    Kind = iota // ordinary text: request labels
	Muted               // lifelines, arrow shafts, numbers, timing
	Head                // a lifeline's title (client, host:port)
	Role                // the role of an exchange (token, challenge, retry…)
	Status              // a response: Span.Code holds the status code
	Failure             // no response: a transport error
	Title               // the heading line
)

// Span is a run of text of one kind. Code is the HTTP status for Status spans.
type Span struct {
	Text string
	Kind Kind
	Code int
}

// Line is one line of the view.
type Line []Span

// String returns the line's text without styling.
func (l Line) String() string {
	var b strings.Builder
	for _, s := range l {
		b.WriteString(s.Text)
	}
	return b.String()
}

// Options tune Render.
type Options struct {
	// Width is the number of terminal cells available. Below what the
	// diagram needs, Render falls back to a numbered list.
	Width int
	// Reveal shows credentials and response secrets instead of masks.
	Reveal bool
	// Secrets are values to mask in labels unless Reveal (the result's
	// ResponseSecrets: tokens a token endpoint issued).
	Secrets []string
}

// Wanted reports whether res made more than one exchange, the case the flow
// view is for; a single request is described fully by the status line.
func Wanted(res *authn.Result) bool { return res != nil && len(res.Exchanges) > 1 }

// The diagram's geometry.
const (
	minLabel  = 12 // labels are never cut below this many cells
	headerGap = 2  // cells between two lifeline titles
	annotGap  = 3  // cells between the last lifeline and the role · time column
	arrowPad  = 6  // cells an arrow needs beyond its label: ├─ ␠label␠ ─▶
)

// step is one exchange prepared for drawing.
type step struct {
	target int    // index of the lifeline (0 is the client)
	label  string // METHOD /path?query (masked, sanitized)
	answer string // "200 OK" or "✗ error"
	code   int    // 0 when no response
	role   string
	took   string
	where  string // origin, for the list form
}

// Render draws res. It returns nil when res has no exchanges.
func Render(res *authn.Result, o Options) []Line {
	if res == nil || len(res.Exchanges) == 0 {
		return nil
	}
	if o.Width <= 0 {
		o.Width = 80
	}
	mask := func(s string) string { return s }
	if !o.Reveal && len(o.Secrets) > 0 {
		var pairs []string
		for _, s := range o.Secrets {
			if s != "" {
				pairs = append(pairs, s, authn.Mask(s))
			}
		}
		r := strings.NewReplacer(pairs...)
		mask = r.Replace
	}
	heads := []string{"client"}
	index := map[string]int{}
	steps := make([]step, len(res.Exchanges))
	for i := range res.Exchanges {
		ex := &res.Exchanges[i]
		org := origin(ex.Request.URL)
		t, ok := index[org]
		if !ok {
			t = len(heads)
			index[org] = t
			heads = append(heads, sanitize.Line(mask(org)))
		}
		s := step{target: t, where: heads[t]}
		s.label = sanitize.Line(mask(ex.Request.Method + " " + pathOf(&ex.Request, o.Reveal)))
		s.role = format.Role(ex)
		if r := ex.Response; r != nil {
			s.code = r.Status
			s.answer = sanitize.Line(mask(strings.TrimSpace(fmt.Sprintf("%d %s", r.Status, r.Reason))))
		} else {
			msg := "no response"
			if ex.Err != nil {
				msg = ex.Err.Error()
			}
			s.answer = "✗ " + sanitize.Line(mask(msg))
		}
		if d := ex.Timing.Total; d > 0 {
			s.took = format.Duration(d)
		}
		steps[i] = s
	}
	title := fmt.Sprintf("Flow · %d exchange%s · client and %d server%s", len(steps), plural(len(steps)), len(heads)-1, plural(len(heads)-1))
	head := Line{{Text: cut(title, o.Width), Kind: Title}}
	if d, ok := diagram(heads, steps, o.Width); ok {
		return append([]Line{head}, d...)
	}
	return append([]Line{head}, list(steps, o.Width)...)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// origin is u's host:port, the port filled in from the scheme (RFC 6454 §4).
func origin(u *url.URL) string {
	if u == nil {
		return "?"
	}
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "https":
			port = "443"
		default:
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// pathOf is the request target as sent, with credential query parameters
// masked unless reveal.
func pathOf(r *authn.SentRequest, reveal bool) string {
	if r.URL == nil {
		return "/"
	}
	c := *r
	u := *r.URL
	u.Scheme, u.Host, u.User, u.Fragment, u.RawFragment = "", "", nil, "", ""
	c.URL = &u
	p := c.DisplayURL(reveal)
	if p == "" || p[0] == '?' {
		p = "/" + p
	}
	return p
}

// cell is one terminal cell of the diagram; a wide character's second cell
// has s == "".
type cell struct {
	s    string
	kind Kind
	code int
	cont bool
}

type grid [][]cell

func newRow(w int) []cell {
	r := make([]cell, w)
	for i := range r {
		r[i] = cell{s: " ", kind: Muted}
	}
	return r
}

// put writes s from column x on row r; it never writes past the row.
func put(r []cell, x int, s string, k Kind, code int) int {
	for _, ch := range s {
		w := ansi.StringWidth(string(ch))
		if w == 0 {
			if x > 0 {
				r[x-1].s += string(ch)
			}
			continue
		}
		if x+w > len(r) {
			break
		}
		r[x] = cell{s: string(ch), kind: k, code: code}
		for j := 1; j < w; j++ {
			r[x+j] = cell{kind: k, code: code, cont: true}
		}
		x += w
	}
	return x
}

// line merges a row's cells into spans and drops trailing blanks.
func line(r []cell) Line {
	end := len(r)
	for end > 0 && r[end-1].s == " " && !r[end-1].cont {
		end--
	}
	var out Line
	for _, c := range r[:end] {
		if c.cont {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Kind == c.kind && out[n-1].Code == c.code {
			out[n-1].Text += c.s
			continue
		}
		out = append(out, Span{Text: c.s, Kind: c.kind, Code: c.code})
	}
	return out
}

func width(s string) int { return ansi.StringWidth(s) }

func cut(s string, w int) string {
	if width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// layout places the lifelines for labels cut to at most capW cells; it
// returns the columns of the lifelines and the total width.
func layout(heads []string, steps []step, capW int) (xs []int, total int) {
	num := len(strconv.Itoa(len(steps)))
	margin := num + 2
	xs = make([]int, len(heads))
	xs[0] = margin + width(heads[0])/2
	start := xs[0] - width(heads[0])/2
	for k := 1; k < len(heads); k++ {
		hw := width(heads[k])
		x := xs[k-1] + 4
		// titles centred on their lifelines must not touch
		x = max(x, start+width(heads[k-1])+headerGap+hw/2)
		for _, s := range steps {
			if s.target == k {
				x = max(x, xs[0]+arrowPad+min(capW, width(s.label)), xs[0]+arrowPad+min(capW, width(s.answer)))
			}
		}
		xs[k] = x
		start = x - hw/2
	}
	last := xs[len(xs)-1]
	annot := 0
	for _, s := range steps {
		annot = max(annot, width(annotation(s)))
	}
	total = max(last+annotGap+annot, start+width(heads[len(heads)-1]))
	return xs, total
}

func annotation(s step) string {
	if s.took == "" {
		return s.role
	}
	return s.role + " · " + s.took
}

// diagram draws the sequence diagram, or reports that it does not fit in w.
func diagram(heads []string, steps []step, w int) ([]Line, bool) {
	longest := minLabel
	for _, s := range steps {
		longest = max(longest, width(s.label), width(s.answer))
	}
	capW := longest
	xs, total := layout(heads, steps, capW)
	for total > w && capW > minLabel {
		capW--
		xs, total = layout(heads, steps, capW)
	}
	if total > w {
		return nil, false
	}
	num := len(strconv.Itoa(len(steps)))
	var out []Line

	// titles, then a bare stretch of lifelines
	r := newRow(total)
	for k, h := range heads {
		put(r, xs[k]-width(h)/2, h, Head, 0)
	}
	out = append(out, line(r))
	out = append(out, line(lifelines(total, xs)))

	last := xs[len(xs)-1]
	for i, s := range steps {
		x0, xt := xs[0], xs[s.target]
		room := xt - x0 - arrowPad

		// request: ├─ GET /path ──┼───▶│   role · time
		r := lifelines(total, xs)
		put(r, 0, fmt.Sprintf("%*d", num, i+1), Muted, 0)
		r[x0] = cell{s: "├", kind: Muted}
		for x := x0 + 1; x < xt-1; x++ {
			r[x] = cell{s: "─", kind: Muted}
			if contains(xs, x) {
				r[x].s = "┼"
			}
		}
		r[xt-1] = cell{s: "▶", kind: Muted}
		put(r, x0+2, " "+cut(s.label, room)+" ", Text, 0)
		x := put(r, last+annotGap, s.role, Role, 0)
		if s.took != "" {
			put(r, x, " · "+s.took, Muted, 0)
		}
		out = append(out, line(r))

		// response: │◀── 200 OK ─┤   (or ✗ and the error, no arrow head)
		r = lifelines(total, xs)
		k, code := Status, s.code
		if s.code == 0 {
			k = Failure
		}
		r[xt] = cell{s: "┤", kind: Muted}
		for x := x0 + 1; x < xt; x++ {
			r[x] = cell{s: "─", kind: Muted}
			if contains(xs, x) {
				r[x].s = "┼"
			}
		}
		r[x0+1] = cell{s: "◀", kind: Muted}
		if s.code == 0 {
			r[x0+1] = cell{s: "╳", kind: Failure}
		}
		ans := " " + cut(s.answer, room) + " "
		put(r, xt-1-width(ans), ans, k, code)
		out = append(out, line(r))
	}
	return out, true
}

func lifelines(w int, xs []int) []cell {
	r := newRow(w)
	for _, x := range xs {
		r[x] = cell{s: "│", kind: Muted}
	}
	return r
}

func contains(xs []int, x int) bool {
	for _, v := range xs[1:] {
		if v == x {
			return true
		}
	}
	return false
}

// list is the narrow form: one numbered entry per exchange, the role and
// request (method, origin, path) on its first line, the answer and the time
// on the second.
func list(steps []step, w int) []Line {
	num := len(strconv.Itoa(len(steps)))
	roleW := 0
	for _, s := range steps {
		roleW = max(roleW, width(s.role))
	}
	roleW = min(roleW, 10)
	pad := strings.Repeat(" ", num+2)
	var out []Line
	for i, s := range steps {
		n := fmt.Sprintf("%*d. ", num, i+1)
		role := cut(s.role, roleW)
		role += strings.Repeat(" ", roleW-width(role)+2)
		rest := max(1, w-width(n)-width(role))
		req := s.label
		if dst := s.where + " "; width(dst)+minLabel <= rest {
			req = strings.Replace(req, " ", " "+dst, 1)
		}
		out = append(out, Line{{Text: n, Kind: Muted}, {Text: role, Kind: Role}, {Text: cut(req, rest), Kind: Text}})
		k := Status
		arrow := "← "
		if s.code == 0 {
			k, arrow = Failure, ""
		}
		took := ""
		if s.took != "" {
			took = " · " + s.took
		}
		ans := Line{{Text: pad + arrow, Kind: Muted}, {Text: cut(s.answer, max(1, w-width(pad)-width(arrow)-width(took))), Kind: k, Code: s.code}}
		if took != "" {
			ans = append(ans, Span{Text: took, Kind: Muted})
		}
		out = append(out, ans)
	}
	return out
}
