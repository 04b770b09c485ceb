// Package profiles owns what authlab keeps for the user: saved profiles (one
// TOML file each, see FORMAT.md), the secret references (env:, file:,
// keyring:, prompt) that let a profile or a command line name a secret
// without containing it, and the history of requests sent.
//
// Everything here is reached through values that carry their paths and
// seams (Store, History, Resolver); the package has no mutable state of its
// own, so tests and several processes can use it side by side.
package profiles
