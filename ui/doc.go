// Package ui renders authn Results for people: the plain printer used by
// `authlab send` (with the flow view of multi-exchange sends from package
// ui/flowview, and the notices a flow shows while it waits), the --json
// document, and helpers the TUI shares (MaskResponseSecrets, Compare,
// Countdown). Everything it shows that came from a server goes through
// package ui/sanitize first, before any styling; tokens a flow found in
// responses are masked unless revealed.
package ui
