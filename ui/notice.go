package ui

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/sanitize"
)

// Countdown formats the time left until a deadline as a clock, "4:59" or
// "1:02:03"; nothing left is "0:00". Seconds are rounded up, so a code that
// has 0.4 s left still reads 0:01 and "0:00" means expired.
func Countdown(left time.Duration) string {
	if left <= 0 {
		return "0:00"
	}
	s := int64((left + time.Second - 1) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Expiry is the countdown line of a notice at time now: "expires in 4:59",
// "expired", or "" when the notice has no deadline.
func Expiry(n authn.Notice, now time.Time) string {
	if n.Deadline.IsZero() {
		return ""
	}
	left := n.Deadline.Sub(now)
	if left <= 0 {
		return "expired"
	}
	return "expires in " + Countdown(left)
}

// PrintNotice writes what a flow needs the user to do while it waits (the
// device flow's user code and verification URI, RFC 8628 §3.3; the URL to
// open for the authorization code flow, RFC 6749 §4.1.1) for `authlab send`,
// which prints it to stderr so stdout stays the response. Everything in n is
// sanitized: the code and URL come from the server. A Done notice prints
// nothing.
func PrintNotice(w io.Writer, n authn.Notice, color bool, now time.Time) error {
	if n.Done {
		return nil
	}
	p := Printer{Color: color}
	var b strings.Builder
	title := sanitize.Line(n.Title)
	if title == "" {
		title = "waiting for you"
	}
	b.WriteString(p.style(sgrBold, "authlab: "+title) + "\n")
	if n.Code != "" {
		fmt.Fprintf(&b, "  %s  %s\n", p.style(sgrDim, "code"), p.style(sgrBold+sgrYellow, sanitize.Line(n.Code)))
	}
	if n.URL != "" {
		fmt.Fprintf(&b, "  %s  %s\n", p.style(sgrDim, "open"), p.style(sgrCyan, sanitize.Line(n.URL)))
	}
	if tail := noticeTail(n, now); tail != "" {
		fmt.Fprintf(&b, "  %s\n", p.style(sgrDim, tail))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// noticeTail is the last line: the countdown and the detail.
func noticeTail(n authn.Notice, now time.Time) string {
	var parts []string
	if e := Expiry(n, now); e != "" {
		if !n.Deadline.IsZero() {
			e += " (at " + n.Deadline.Format("15:04:05") + ")"
		}
		parts = append(parts, e)
	}
	if d := sanitize.Line(n.Detail); d != "" {
		parts = append(parts, d)
	}
	return strings.Join(parts, " · ")
}

// NoticeWriter prints notices as they come; its Notify method is what
// `authlab send` sets as authn.Request.Notify. A notice repeating the one
// before (same title, code and URL; a device flow told to slow down) prints
// only its detail line. Safe for use from the exchanging goroutine; use it
// by pointer.
type NoticeWriter struct {
	Out   io.Writer
	Color bool
	Now   func() time.Time // time.Now when nil

	mu   sync.Mutex
	last authn.Notice
	seen bool
}

// Notify prints n. It never blocks for long: it writes a few lines.
func (nw *NoticeWriter) Notify(n authn.Notice) {
	nw.mu.Lock()
	defer nw.mu.Unlock()
	now := time.Now
	if nw.Now != nil {
		now = nw.Now
	}
	if n.Done {
		nw.seen = false
		return
	}
	if nw.seen && n.Title == nw.last.Title && n.Code == nw.last.Code && n.URL == nw.last.URL {
		if n.Detail != nw.last.Detail && n.Detail != "" {
			p := Printer{Color: nw.Color}
			fmt.Fprintf(nw.Out, "  %s\n", p.style(sgrDim, sanitize.Line(n.Detail)))
		}
		nw.last = n
		return
	}
	nw.last, nw.seen = n, true
	PrintNotice(nw.Out, n, nw.Color, now())
}
