//go:build unix

package profiles

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// oNonblock makes an open of a FIFO return at once instead of waiting for a
// writer; for a regular file it changes nothing.
const oNonblock = syscall.O_NONBLOCK

// oNofollow makes an open fail (ELOOP) when the last part of the path is a
// symbolic link.
const oNofollow = syscall.O_NOFOLLOW

// isLoop reports whether an open failed because of O_NOFOLLOW on a link.
func isLoop(err error) bool { return errors.Is(err, syscall.ELOOP) }

// ownerOther returns the owner of fi when it is neither this user nor root.
func ownerOther(fi fs.FileInfo) (uint32, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	if uid := st.Uid; uid != 0 && int(uid) != os.Geteuid() {
		return uid, true
	}
	return 0, false
}
