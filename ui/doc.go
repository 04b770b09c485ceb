// Package ui renders authn Results for people: the plain printer used by
// `authlab send` (and, later, the TUI). Everything it shows that came from a
// server goes through package ui/sanitize first, before any styling.
package ui
