//go:build !unix

package practice

// fileLimit: no RLIMIT_NOFILE to read here (Windows counts handles
// otherwise); DefaultMaxConns falls back to a fixed bound.
func fileLimit() (uint64, bool) { return 0, false }
