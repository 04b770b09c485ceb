package ui

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/flowview"
	"github.com/authlab/authlab/ui/format"
	"github.com/authlab/authlab/ui/pretty"
	"github.com/authlab/authlab/ui/sanitize"
)

// Printer writes a Result as text for `authlab send`: an optional trace and
// request/response headers, the status line, the hints and the body.
//
// Out gets the response body; Meta, when set, gets everything else (the
// trace, -v's request and headers, the status line, the hints, the
// truncation notice). `authlab send` sets Meta to stderr when stdout is not
// a terminal, so `authlab send URL | jq .` reads the body alone (HTTPie's
// rule); nil Meta writes all of it to Out, in the same order.
type Printer struct {
	Out     io.Writer
	Meta    io.Writer // nil: Out
	Color   bool      // ANSI colour (a terminal, NO_COLOR unset)
	Reveal  bool      // show secrets instead of masks
	Verbose bool      // request line and headers, response headers
	Trace   bool      // the scheme's steps, and the flow view of a multi-exchange send
	// Present is presenter mode: Reveal is ignored, the trace's Live
	// values (signatures) and the practice server's credentials are
	// masked, and its raw trace header is not shown (see present.go).
	Present bool
	// Width is the terminal's width in cells, for the flow view (0: 80).
	Width int
}

// SGR sequences used by the printer; the only escape sequences it emits.
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrDim    = "\x1b[2m"
	sgrRed    = "\x1b[31m"
	sgrGreen  = "\x1b[32m"
	sgrYellow = "\x1b[33m"
	sgrBlue   = "\x1b[34m"
	sgrCyan   = "\x1b[36m"
)

func (p Printer) style(sgr, s string) string {
	if !p.Color || s == "" {
		return s
	}
	return sgr + s + sgrReset
}

// StatusColor is the SGR colour of a status class.
func statusColor(code int) string {
	switch {
	case code >= 500:
		return sgrRed
	case code >= 400:
		return sgrYellow
	case code >= 300:
		return sgrCyan
	case code >= 200:
		return sgrGreen
	}
	return sgrBlue
}

// Print writes res. Unless p.Reveal, secrets a flow found in responses
// (tokens) are masked everywhere (see MaskResponseSecrets).
func (p Printer) Print(res *authn.Result) error {
	size := 0 // of the body as received, not as masked
	if fin := res.Final(); fin != nil && fin.Response != nil {
		size = len(fin.Response.Body)
	}
	if p.Present {
		p.Reveal = false
		res = PresentResult(res)
	}
	res = MaskResponseSecrets(res, p.Reveal)
	body := bufio.NewWriterSize(p.Out, 64<<10)
	w := body // the meta lines
	if p.Meta != nil {
		w = bufio.NewWriter(p.Meta)
	}
	flow := p.Trace && flowview.Wanted(res)
	if flow {
		p.printFlow(w, res)
	}
	if p.Trace {
		p.printTrace(w, res)
	}
	for i := range res.Exchanges {
		ex := &res.Exchanges[i]
		last := i == len(res.Exchanges)-1
		switch {
		case p.Verbose:
			if len(res.Exchanges) > 1 {
				fmt.Fprintln(w, p.style(sgrDim, fmt.Sprintf("# exchange %d of %d · %s", i+1, len(res.Exchanges), format.Role(ex))))
			}
			p.printRequest(w, ex)
			if ex.Response != nil {
				p.printResponseHead(w, ex.Response)
			}
		case last || flow:
		case ex.Response != nil && ex.Response.Status >= 300 && ex.Response.Status < 400 && ex.Response.Header.Get("Location") != "":
			// a followed redirect: one line per hop
			fmt.Fprintf(w, "%s %s\n", p.style(sgrDim, fmt.Sprintf("%d %s →", ex.Response.Status, sanitize.Line(ex.Response.Reason))),
				sanitize.Line(ex.Response.Header.Get("Location")))
		default:
			// an exchange of a flow: a challenge, a token request
			answer := "no response"
			if ex.Response != nil {
				answer = fmt.Sprintf("%d %s", ex.Response.Status, sanitize.Line(ex.Response.Reason))
			}
			fmt.Fprintln(w, p.style(sgrDim, fmt.Sprintf("%s: %s %s → %s", format.Role(ex), ex.Request.Method, sanitize.Line(ex.Request.DisplayURL(p.Reveal)), answer)))
		}
	}
	fin := res.Final()
	if fin != nil && fin.Response != nil {
		p.printStatus(w, res, fin, size)
		p.printHints(w, res.Hints)
		p.printBody(body, w, fin.Response, size)
	}
	// the meta lines first: on one terminal, they read above the body
	if err := w.Flush(); err != nil {
		return err
	}
	return body.Flush()
}

func (p Printer) printStatus(w io.Writer, res *authn.Result, ex *authn.Exchange, size int) {
	r := ex.Response
	badge := fmt.Sprintf("%d %s", r.Status, sanitize.Line(r.Reason))
	parts := []string{p.style(sgrBold+statusColor(r.Status), badge), format.Duration(res.Total), pretty.HumanSize(int64(size))}
	if r.Truncated {
		parts = append(parts, p.style(sgrYellow, "truncated"))
	}
	parts = append(parts, exchangeFacts(res)...)
	fmt.Fprintln(w, strings.Join(parts, " · "))
	if r.Status >= 300 && r.Status < 400 {
		if loc := r.Header.Get("Location"); loc != "" {
			fmt.Fprintf(w, "Location: %s\n", sanitize.Line(loc))
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (p Printer) printHints(w io.Writer, hints []authn.Hint) {
	for _, h := range hints {
		mark, col := "i", sgrBlue
		switch h.Level {
		case authn.LevelError:
			mark, col = "✗", sgrRed
		case authn.LevelWarn:
			mark, col = "!", sgrYellow
		}
		title := sanitize.Line(h.Title)
		if h.Ref != "" {
			title += p.style(sgrDim, " ("+sanitize.Line(h.Ref)+")")
		}
		fmt.Fprintf(w, "%s %s\n", p.style(col+sgrBold, mark), title)
		if h.Detail != "" {
			for _, line := range strings.Split(sanitize.String(h.Detail), "\n") {
				fmt.Fprintf(w, "  %s\n", line)
			}
		}
		for _, c := range h.Checks {
			fmt.Fprintf(w, "  • %s\n", sanitize.Line(c))
		}
	}
	if len(hints) > 0 {
		fmt.Fprintln(w)
	}
}

// printBody writes the body to w and the truncation notice to meta.
func (p Printer) printBody(w, meta io.Writer, r *authn.Response, size int) {
	out, kind := pretty.Body(r.Header.Get("Content-Type"), r.Body, p.Color)
	if kind == pretty.Empty {
		return
	}
	w.Write(out)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		fmt.Fprintln(w)
	}
	if r.Truncated {
		fmt.Fprintln(meta, p.style(sgrYellow, fmt.Sprintf("… body truncated at %s (raise it with --max-body)", pretty.HumanSize(int64(size)))))
	}
}

func (p Printer) printRequest(w io.Writer, ex *authn.Exchange) {
	p.printProxy(w, ex)
	rq := &ex.Request
	u := rq.DisplayURL(p.Reveal)
	fmt.Fprintf(w, "%s %s %s\n", p.style(sgrDim, ">"), p.style(sgrBold, rq.Method), sanitize.Line(u))
	if rq.Host != "" {
		fmt.Fprintf(w, "%s %s: %s\n", p.style(sgrDim, ">"), p.style(sgrCyan, "Host"), sanitize.Line(rq.Host))
	}
	p.printHeaders(w, ">", rq.DisplayHeader(p.Reveal))
	if body := rq.DisplayBody(p.Reveal); len(body) > 0 {
		fmt.Fprintf(w, "%s\n%s\n", p.style(sgrDim, ">"), sanitize.String(string(body)))
	}
	fmt.Fprintln(w)
}

func (p Printer) printResponseHead(w io.Writer, r *authn.Response) {
	fmt.Fprintf(w, "%s %s %d %s\n", p.style(sgrDim, "<"), sanitize.Line(r.Proto), r.Status, sanitize.Line(r.Reason))
	h := r.Header
	if p.Present {
		h = PresentHeader(h)
	}
	p.printHeaders(w, "<", h)
	fmt.Fprintln(w)
}

func (p Printer) printHeaders(w io.Writer, prefix string, h http.Header) {
	for _, row := range format.Headers(h) {
		fmt.Fprintf(w, "%s %s: %s\n", p.style(sgrDim, prefix), p.style(sgrCyan, row.Name), row.Value)
	}
}

func (p Printer) printTrace(w io.Writer, res *authn.Result) {
	if len(res.Trace.Steps) == 0 {
		return
	}
	head := "Trace · " + format.SchemeHeading(res.Scheme)
	fmt.Fprintln(w, p.style(sgrBold, head))
	steps := res.Trace.Steps
	if p.Present {
		steps = res.Trace.Presenting().Steps
	}
	for i, s := range steps {
		ref := ""
		if s.Ref != "" {
			ref = "  " + p.style(sgrDim, "["+s.Ref+"]")
		}
		fmt.Fprintf(w, "%2d. %s%s\n", i+1, p.style(sgrBold, sanitize.Line(s.Title)), ref)
		if s.Note != "" {
			fmt.Fprintf(w, "    %s\n", p.style(sgrDim, sanitize.Line(s.Note)))
		}
		for _, v := range format.Values(s, p.Reveal) {
			lines := strings.Split(v.Text, "\n")
			fmt.Fprintf(w, "    %s: %s\n", p.style(sgrCyan, v.Label), lines[0])
			for _, l := range lines[1:] {
				fmt.Fprintf(w, "      %s\n", l)
			}
		}
	}
	p.printServerTrace(w, res)
	fmt.Fprintln(w)
}

// printServerTrace shows what the practice server computed and the first
// difference with the client's trace.
func (p Printer) printServerTrace(w io.Writer, res *authn.Result) {
	c, ok := Compare(res)
	if !ok {
		return
	}
	if p.Present {
		c = c.Presenting()
	}
	fmt.Fprintf(w, "\n%s\n", p.style(sgrBold, "Practice server · "+sanitize.Line(c.Server.Verdict)))
	for _, r := range c.Rows {
		fmt.Fprintf(w, "    %s (%s): %s\n", p.style(sgrCyan, sanitize.Line(r.Label)), r.Side, sanitize.Line(r.Server))
	}
	if !c.Differ {
		fmt.Fprintln(w, sanitize.Line(c.Summary()))
	}
	if c.Differ {
		d := c.First
		fmt.Fprintf(w, "%s %s\n", p.style(sgrRed+sgrBold, "First difference:"), sanitize.Line(d.Label))
		fmt.Fprintf(w, "    client: %s\n    server: %s\n", sanitize.Line(d.Client), sanitize.Line(d.Server))
		if d.At >= 0 {
			fmt.Fprintf(w, "    (from byte %d)\n", d.At)
		}
		fmt.Fprintf(w, "    %s\n", sanitize.Line(d.Explain))
	}
}

// ExchangeFacts are the status line's words about the exchanges of a send:
// "2 redirects" for followed hops and "4 exchanges" when a flow made more
// exchanges than the hops explain (a challenge and retry, token requests).
// A single exchange says nothing.
func ExchangeFacts(res *authn.Result) []string { return exchangeFacts(res) }

func exchangeFacts(res *authn.Result) []string {
	n := len(res.Exchanges)
	if n <= 1 {
		return nil
	}
	hops := 0
	for _, ex := range res.Exchanges {
		if ex.Role == authn.RoleRedirect {
			hops++
		}
	}
	var out []string
	if hops > 0 {
		out = append(out, fmt.Sprintf("%d redirect%s", hops, plural(hops)))
	}
	if n > hops+1 {
		out = append(out, fmt.Sprintf("%d exchanges", n))
	}
	return out
}

// printFlow writes the sequence diagram of a multi-exchange send.
func (p Printer) printFlow(w io.Writer, res *authn.Result) {
	width := p.Width
	if width <= 0 {
		width = 80
	}
	for i, l := range flowview.Render(res, flowview.Options{Width: width, Reveal: p.Reveal, Secrets: res.ResponseSecrets()}) {
		var b strings.Builder
		for _, s := range l {
			if sgr := p.flowSGR(s); sgr != "" {
				b.WriteString(p.style(sgr, s.Text))
			} else {
				b.WriteString(s.Text)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		if i == 0 {
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w)
}

// flowSGR styles a flow view span; without colour the diagram reads the
// same, the status and role are words.
func (p Printer) flowSGR(s flowview.Span) string {
	switch s.Kind {
	case flowview.Title:
		return sgrBold
	case flowview.Muted:
		return sgrDim
	case flowview.Head:
		return sgrBold
	case flowview.Role:
		return sgrCyan
	case flowview.Status:
		return sgrBold + statusColor(s.Code)
	case flowview.Failure:
		return sgrBold + sgrRed
	}
	return ""
}
