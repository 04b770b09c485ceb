// Package authn is authlab's engine: the registry of authentication schemes,
// the exchange engine (the only code in authlab that sends HTTP requests),
// the teaching trace each scheme writes while it signs, the parser for
// WWW-Authenticate challenges and the hints that explain a failed response.
//
// authn knows nothing of terminals: front ends (the plain printer of
// `authlab send`, the TUI) only render a Result. Everything in a Result
// that came from a server is untrusted text and must go through the
// front end's sanitizer before it reaches a screen.
package authn
