// Package profiles owns what authlab keeps for the user: saved profiles and
// the secret references (env:, file:, keyring:, prompt) that let a profile or
// a command line name a secret without containing it.
package profiles
