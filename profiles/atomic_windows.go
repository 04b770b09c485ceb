package profiles

import (
	"os"
	"path/filepath"
)

// checkModes is false: Windows reports every writable file as 0666, and
// access is governed by ACLs that authlab does not inspect.
const checkModes = false

// replaceFile writes data to a temporary file in path's folder, flushes it
// and renames it over path (MoveFileEx with MOVEFILE_REPLACE_EXISTING).
// renameio does not support Windows; this is its same idea.
func replaceFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path))
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	return nil
}

// syncDir is a no-op: Windows cannot flush a folder handle.
func syncDir(string) error { return nil }
