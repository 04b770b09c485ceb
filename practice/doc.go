// Package practice is authlab's practice server: offline endpoints that
// verify every scheme for real and answer the way the providers they imitate
// do (GitHub, Twitter v1.1, RFC 6750, API keys), with a server-side trace of
// each verification for the instructor's screen and, in a practice-only
// response header, for the client.
package practice
