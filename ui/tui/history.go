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
)

// historyView lists past sends, newest first; enter reopens one.
type historyView struct {
	st      theme.Styles
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
	rows := max(1, v.h-2)
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
	rows := max(1, v.h-2)
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
	return strings.Join(lines, "\n")
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
