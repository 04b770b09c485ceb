// Package theme holds the TUI's styles. Styles are built from two facts only
// known at run time — whether the terminal background is dark (the v2
// background-colour query) and whether colour is wanted at all (NO_COLOR) —
// and travel through the components in a struct; there are no package-level
// style variables.
package theme

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles is every style the TUI uses.
type Styles struct {
	NoColor bool
	Dark    bool

	Title        lipgloss.Style // app title
	Muted        lipgloss.Style // secondary text, help descriptions
	Label        lipgloss.Style // field label
	LabelFocused lipgloss.Style // label of the focused field
	Required     lipgloss.Style // the required-field marker
	Error        lipgloss.Style // inline field errors, error hints
	Warn         lipgloss.Style
	Info         lipgloss.Style
	OK           lipgloss.Style
	Key          lipgloss.Style // a key name in help text
	Tab          lipgloss.Style
	TabActive    lipgloss.Style
	Pane         lipgloss.Style // border around a pane
	PaneFocused  lipgloss.Style
	Value        lipgloss.Style // a value in trace / timing tables
	Secret       lipgloss.Style // a masked secret
	// Banner is the persistent warning line (TLS verification off): white
	// on red; reverse video without colour.
	Banner lipgloss.Style
	// NoticeBox frames what a flow needs the user to do (a device code).
	NoticeBox lipgloss.Style
	// Code is the user code inside the notice box: large and bold.
	Code lipgloss.Style

	JSONKey    lipgloss.Style
	JSONString lipgloss.Style
	JSONNumber lipgloss.Style
	JSONBool   lipgloss.Style
	JSONNull   lipgloss.Style
	JSONPunct  lipgloss.Style
}

// New returns the styles for a dark or light background; noColor gives a
// colourless set that stays readable through bold, underline and reverse.
func New(dark, noColor bool) Styles {
	ld := lipgloss.LightDark(dark)
	c := func(light, darkc string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(darkc)) }
	if noColor {
		c = func(string, string) color.Color { return lipgloss.NoColor{} }
	}
	accent := c("#5A3FC0", "#B39DFF")
	muted := c("#6B6B6B", "#9A9A9A")
	border := c("#BBBBBB", "#555555")
	s := Styles{
		NoColor:      noColor,
		Dark:         dark,
		Title:        lipgloss.NewStyle().Bold(true).Foreground(accent),
		Muted:        lipgloss.NewStyle().Foreground(muted),
		Label:        lipgloss.NewStyle().Foreground(muted),
		LabelFocused: lipgloss.NewStyle().Bold(true).Foreground(accent),
		Required:     lipgloss.NewStyle().Foreground(c("#C0392B", "#FF6B6B")),
		Error:        lipgloss.NewStyle().Bold(true).Foreground(c("#B3261E", "#FF6B6B")),
		Warn:         lipgloss.NewStyle().Bold(true).Foreground(c("#8A5A00", "#F5C04A")),
		Info:         lipgloss.NewStyle().Bold(true).Foreground(c("#1F5FAD", "#7FB2F0")),
		OK:           lipgloss.NewStyle().Bold(true).Foreground(c("#1E7B34", "#6FD08C")),
		Key:          lipgloss.NewStyle().Bold(true),
		Tab:          lipgloss.NewStyle().Padding(0, 1).Foreground(muted),
		TabActive:    lipgloss.NewStyle().Padding(0, 1).Bold(true).Underline(true).Foreground(accent),
		Pane:         lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(border),
		PaneFocused:  lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent),
		Value:        lipgloss.NewStyle(),
		Secret:       lipgloss.NewStyle().Foreground(muted),
		Banner:       lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#FFFFFF")).Background(c("#B3261E", "#B3261E")),
		NoticeBox:    lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
		Code:         lipgloss.NewStyle().Bold(true).Foreground(accent),
		JSONKey:      lipgloss.NewStyle().Foreground(c("#1F5FAD", "#7FB2F0")),
		JSONString:   lipgloss.NewStyle().Foreground(c("#1E7B34", "#A5D6A7")),
		JSONNumber:   lipgloss.NewStyle().Foreground(c("#8A5A00", "#F5C04A")),
		JSONBool:     lipgloss.NewStyle().Foreground(c("#7B1FA2", "#CE93D8")),
		JSONNull:     lipgloss.NewStyle().Foreground(muted),
		JSONPunct:    lipgloss.NewStyle().Foreground(muted),
	}
	if noColor {
		s.TabActive = s.TabActive.Reverse(true)
		s.LabelFocused = s.LabelFocused.Underline(true)
		s.Banner = lipgloss.NewStyle().Bold(true).Reverse(true)
		s.Code = s.Code.Reverse(true).Padding(0, 1)
	}
	return s
}

// Status returns the badge style for an HTTP status code, coloured by class.
func (s Styles) Status(code int) lipgloss.Style {
	base := lipgloss.NewStyle().Bold(true).Padding(0, 1)
	if s.NoColor {
		return base.Reverse(true)
	}
	ld := lipgloss.LightDark(s.Dark)
	var bg color.Color
	switch {
	case code >= 500:
		bg = ld(lipgloss.Color("#B3261E"), lipgloss.Color("#E5484D"))
	case code >= 400:
		bg = ld(lipgloss.Color("#B26A00"), lipgloss.Color("#F5A524"))
	case code >= 300:
		bg = ld(lipgloss.Color("#00707A"), lipgloss.Color("#3DB9CF"))
	case code >= 200:
		bg = ld(lipgloss.Color("#1E7B34"), lipgloss.Color("#46A758"))
	default:
		bg = ld(lipgloss.Color("#1F5FAD"), lipgloss.Color("#7FB2F0"))
	}
	fg := lipgloss.Color("#FFFFFF")
	if s.Dark {
		fg = lipgloss.Color("#111111")
	}
	return base.Background(bg).Foreground(fg)
}

// StatusText is the foreground style of a status in running text (the flow
// view's return arrows), coloured by class like the badge.
func (s Styles) StatusText(code int) lipgloss.Style {
	switch {
	case code >= 500:
		return s.Error
	case code >= 400:
		return s.Warn
	case code >= 300:
		return s.Info
	case code >= 200:
		return s.OK
	}
	return s.Info
}

// StatusClass names a status code's class in words, so the class is clear
// without colour (NO_COLOR).
func StatusClass(code int) string {
	switch {
	case code >= 500:
		return "server error"
	case code >= 400:
		return "client error"
	case code >= 300:
		return "redirect"
	case code >= 200:
		return "success"
	}
	return "informational"
}

// HighContrast returns styles for a projector (presenter mode): no greys,
// saturated colours, bold text, so a room can read it from the back.
func HighContrast(dark bool) Styles {
	s := New(dark, false)
	fg := lipgloss.Color("#000000")
	if dark {
		fg = lipgloss.Color("#FFFFFF")
	}
	for _, st := range []*lipgloss.Style{&s.Muted, &s.Label, &s.Secret, &s.JSONPunct, &s.JSONNull, &s.Tab} {
		*st = st.Foreground(fg)
	}
	for _, st := range []*lipgloss.Style{&s.Title, &s.LabelFocused, &s.Value, &s.Key, &s.JSONKey, &s.JSONString, &s.JSONNumber, &s.JSONBool} {
		*st = st.Bold(true)
	}
	s.TabActive = s.TabActive.Reverse(true)
	s.Pane = s.Pane.BorderForeground(fg)
	s.NoticeBox = s.NoticeBox.BorderForeground(fg)
	s.Banner = s.Banner.Background(lipgloss.Color("#D00000")).Foreground(lipgloss.Color("#FFFFFF")).Bold(true)
	return s
}
