//go:build !unix

package profiles

// bodyOpenFlag: there is no non-blocking open here; ReadBodyFile checks the
// file's type before it opens it.
const bodyOpenFlag = 0
