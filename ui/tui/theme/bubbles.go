package theme

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// plain drops every colour from a style and keeps its attributes (bold,
// underline, reverse), for NO_COLOR.
func plain(s lipgloss.Style) lipgloss.Style {
	return s.UnsetForeground().UnsetBackground().UnsetBorderForeground()
}

// Input returns text-input styles for this theme.
func (s Styles) Input() textinput.Styles {
	in := textinput.DefaultStyles(s.Dark)
	if !s.NoColor {
		return in
	}
	for _, st := range []*textinput.StyleState{&in.Focused, &in.Blurred} {
		st.Text, st.Placeholder, st.Suggestion, st.Prompt = plain(st.Text), plain(st.Placeholder).Faint(true), plain(st.Suggestion), plain(st.Prompt)
	}
	in.Cursor.Color = nil
	return in
}

// TextArea returns text-area styles for this theme.
func (s Styles) TextArea() textarea.Styles {
	ta := textarea.DefaultStyles(s.Dark)
	if !s.NoColor {
		return ta
	}
	for _, st := range []*textarea.StyleState{&ta.Focused, &ta.Blurred} {
		st.Base, st.Text, st.LineNumber, st.CursorLineNumber = plain(st.Base), plain(st.Text), plain(st.LineNumber), plain(st.CursorLineNumber)
		st.CursorLine, st.EndOfBuffer, st.Placeholder, st.Prompt, st.Selection = plain(st.CursorLine), plain(st.EndOfBuffer), plain(st.Placeholder).Faint(true), plain(st.Prompt), plain(st.Selection).Reverse(true)
	}
	ta.Cursor.Color = nil
	return ta
}

// Help returns help-bar styles for this theme.
func (s Styles) Help() help.Styles {
	h := help.DefaultStyles(s.Dark)
	if !s.NoColor {
		return h
	}
	h.Ellipsis, h.ShortKey, h.ShortDesc, h.ShortSeparator = plain(h.Ellipsis), plain(h.ShortKey).Bold(true), plain(h.ShortDesc), plain(h.ShortSeparator)
	h.FullKey, h.FullDesc, h.FullSeparator = plain(h.FullKey).Bold(true), plain(h.FullDesc), plain(h.FullSeparator)
	return h
}
