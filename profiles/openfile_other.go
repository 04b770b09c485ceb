//go:build !unix

package profiles

import "io/fs"

// Windows has no FIFOs that block an open, nor O_NOFOLLOW; openRegular
// checks for a link with Lstat there.
const (
	oNonblock = 0
	oNofollow = 0
)

func isLoop(error) bool { return false }

func ownerOther(fs.FileInfo) (uint32, bool) { return 0, false }
