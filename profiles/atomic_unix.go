//go:build !windows

package profiles

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/google/renameio/v2"
)

// checkModes says whether file modes mean what POSIX says, so that a file
// others can read can be warned about or refused.
const checkModes = true

// replaceFile writes data to path with renameio: a temporary file named
// ".NAME" followed by digits in the same folder (so the rename never crosses
// file systems, and List skips it as a dotfile), written, fsynced and renamed
// over path. A reader or a crash sees the old file or the new one, never a
// partial one, which os.WriteFile (truncate, then write in place) cannot
// promise. The file is 0600 whatever the umask.
func replaceFile(path string, data []byte) error {
	t, err := renameio.NewPendingFile(path, renameio.WithTempDir(filepath.Dir(path)), renameio.WithStaticPermissions(0o600))
	if err != nil {
		return err
	}
	defer t.Cleanup()
	if _, err := t.Write(data); err != nil {
		return err
	}
	return t.CloseAtomicallyReplace()
}

// syncDir makes a rename or removal in dir durable: renameio syncs the file
// but not the folder that names it, and without this a power cut can undo
// the rename. File systems that cannot sync a folder say EINVAL; that is
// not an error here.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("cannot flush folder %s: %w", dir, err)
	}
	return nil
}
