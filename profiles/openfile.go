package profiles

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// openRegular opens path with flag and perm for authlab's own files (the
// history) the way profiles are opened: a symbolic link as the last part of
// the path is refused (O_NOFOLLOW), not followed, so a link planted where
// the history lives cannot make authlab append to or rewrite its target;
// anything but a regular file (a FIFO, a device) is refused, and O_NONBLOCK
// keeps a FIFO from hanging the open.
func openRegular(path string, flag int, perm fs.FileMode) (*os.File, error) {
	if oNofollow == 0 { // no O_NOFOLLOW: look first (racy, but the best there is)
		if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, linkRefused(path)
		}
	}
	f, err := os.OpenFile(path, flag|oNofollow|oNonblock, perm)
	if err != nil {
		if isLoop(err) {
			return nil, linkRefused(path)
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w (%s): move it away; authlab creates the file itself", errNotRegular, fileKind(fi.Mode()))}
	}
	return f, nil
}

func linkRefused(path string) error {
	return &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("is a symbolic link, which authlab does not write through (it would change the file it points to): replace it with a plain file, or remove it")}
}

// readRegular reads the whole of path, opened as openRegular opens it.
func readRegular(path string) ([]byte, error) {
	f, err := openRegular(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// MaxProfileFile is the largest profile file authlab reads (FORMAT.md). A
// profile is a few hundred bytes; a larger file in the folder (a sparse
// 8 GB file, a log saved as .toml) is listed as too large instead of being
// read into memory.
const MaxProfileFile = 1 << 20

func profileTooLarge(path string, size int64) error {
	return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("the file is too large (%d bytes; a profile holds at most 1 MiB): move it out of the profiles folder", size)}
}
