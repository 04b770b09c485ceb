package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/authlab/authlab/ui/tui/theme"
	"github.com/charmbracelet/x/ansi"
)

// historyView lists past sends, newest first; enter reopens one.
type historyView struct {
	st      *theme.Styles
	keys    historyKeys
	recs    []profiles.Record // newest first
	sel     int
	off     int
	w, h    int
	loaded  bool
	loadErr error
}

func newHistoryView(c common) historyView {
	return historyView{st: c.st, keys: defaultHistoryKeys()}
}

// SetCommon restyles the list.
func (v historyView) SetCommon(c common) historyView {
	v.st = c.st
	return v
}

// SetSize gives the list w columns and h rows.
func (v historyView) SetSize(w, h int) historyView {
	v.w, v.h = w, h
	return v
}

// KeyMap is the list's keys.
func (v historyView) KeyMap() historyKeys { return v.keys }

// setLoaded takes the history file's records, or why it could not be read.
func (v historyView) setLoaded(oldestFirst []profiles.Record, err error) historyView {
	v.loadErr = err
	if err != nil {
		return v
	}
	return v.setRecords(oldestFirst)
}

func (v historyView) setRecords(oldestFirst []profiles.Record) historyView {
	v.recs = make([]profiles.Record, len(oldestFirst))
	for i, r := range oldestFirst {
		v.recs[len(oldestFirst)-1-i] = r
	}
	v.loaded = true
	v.sel, v.off = 0, 0
	return v
}

func (v historyView) add(r profiles.Record) historyView {
	v.recs = append([]profiles.Record{r}, v.recs...)
	return v
}

func (v historyView) selected() (profiles.Record, bool) {
	if v.sel < 0 || v.sel >= len(v.recs) {
		return profiles.Record{}, false
	}
	return v.recs[v.sel], true
}

// reopen returns the selected record as the request to put back into the
// editor — method, URL as written, headers, body, scheme and fields, with
// secret fields as the references the request had — and a note naming what
// history left out (issue 15, item 16). Masked header values come back
// empty, so a mask is never sent.
func (v historyView) reopen() (profiles.Profile, string, bool) {
	r, ok := v.selected()
	if !ok {
		return profiles.Profile{}, "", false
	}
	return recordRequest(r), reopenNote(r), true
}

// recordRequest is r as a request description for the editor, without the
// profile's name (a reopened record is a new request).
func recordRequest(r profiles.Record) profiles.Profile {
	p := r.Request()
	p.Name = ""
	return p
}

// reopenNote is the status line after reopening r.
func reopenNote(r profiles.Record) string {
	p := r.Request()
	note := "reopened " + sanitize.Line(p.Method+" "+p.URL)
	switch {
	case len(r.Omitted) > 0:
		note += " · history keeps no secrets: fill in " + sanitize.Line(strings.Join(r.Omitted, ", "))
	case r.Headers == nil && r.Fields == nil && r.Body == "" && r.Scheme != "" && r.Scheme != "none":
		// a record written before history kept requests
		note += " · credentials are not kept in history: fill them in"
	}
	return note
}

// Update moves the selection with the list's keys.
func (v historyView) Update(msg tea.KeyPressMsg) historyView {
	k := v.keys
	switch {
	case key.Matches(msg, k.Up):
		v.sel--
	case key.Matches(msg, k.Down):
		v.sel++
	case key.Matches(msg, k.PageUp):
		v.sel -= max(1, v.h-2)
	case key.Matches(msg, k.PageDown):
		v.sel += max(1, v.h-2)
	case key.Matches(msg, k.Home):
		v.sel = 0
	case key.Matches(msg, k.End):
		v.sel = len(v.recs) - 1
	}
	v.sel = min(max(v.sel, 0), max(len(v.recs)-1, 0))
	rows := v.listRows()
	if v.sel < v.off {
		v.off = v.sel
	}
	if v.sel >= v.off+rows {
		v.off = v.sel - rows + 1
	}
	return v
}

// View renders the list; now dates the records.
func (v historyView) View(now time.Time) string {
	st := v.st
	head := st.Title.Render("History") + st.Muted.Render("  enter reopens · ctrl+o profiles")
	switch {
	case v.loadErr != nil:
		return head + "\n\n" + st.Error.Render(sanitize.Line(v.loadErr.Error()))
	case !v.loaded:
		return head + "\n\n" + st.Muted.Render("loading…")
	case len(v.recs) == 0:
		return head + "\n\n" + st.Muted.Render("Nothing sent yet.")
	}
	lines := []string{head, ""}
	rows := v.listRows()
	for i := v.off; i < len(v.recs) && i < v.off+rows; i++ {
		r := v.recs[i]
		status := "—"
		if r.Status > 0 {
			status = fmt.Sprint(r.Status)
		}
		who := r.Profile
		if who == "" {
			who = sanitize.Line(r.Method + " " + r.URL)
		}
		line := fmt.Sprintf("%-4s %-9s %s", status, ago(now, r.Time), sanitize.Line(who))
		if i == v.sel {
			line = st.LabelFocused.Render("▸ " + line)
		} else {
			line = "  " + line
		}
		lines = append(lines, line)
	}
	if r, ok := v.selected(); ok && v.h >= historyDetailMin {
		for len(lines) < 2+rows {
			lines = append(lines, "")
		}
		lines = append(lines, v.detail(r)...)
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, max(v.w, 1), "…")
	}
	return strings.Join(lines, "\n")
}

// historyDetailMin is the height from which the list shows, under it, what
// reopening the selected record brings back.
const historyDetailMin = 10

// listRows is the number of records shown at once.
func (v historyView) listRows() int {
	if v.h >= historyDetailMin {
		return max(1, v.h-2-historyDetailLines)
	}
	return max(1, v.h-2)
}

// historyDetailLines is the height of detail.
const historyDetailLines = 4

// detail says what reopening r brings back: the request as written, its
// scheme and what of it is kept, and the secrets to fill in again.
func (v historyView) detail(r profiles.Record) []string {
	st := v.st
	p := r.Request()
	kept := []string{fmt.Sprintf("%d headers", len(p.Headers))}
	if p.Body != "" {
		kept = append(kept, fmt.Sprintf("body %d B", len(p.Body)))
	}
	if n := len(p.Fields); n > 0 {
		kept = append(kept, fmt.Sprintf("%d fields", n))
	}
	scheme := p.Scheme
	if scheme == "" {
		scheme = "none"
	}
	fill := "nothing to fill in"
	if len(r.Omitted) > 0 {
		fill = "fill in: " + strings.Join(r.Omitted, ", ")
	}
	return []string{
		st.Muted.Render(strings.Repeat("─", max(v.w, 1))),
		sanitize.Line(p.Method + " " + p.URL),
		st.Muted.Render("scheme ") + sanitize.Line(scheme) + st.Muted.Render(" · "+strings.Join(kept, " · ")),
		st.Muted.Render(sanitize.Line(fill)),
	}
}

// ago renders a time relative to now, briefly.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d d ago", int(d.Hours()/24))
}
