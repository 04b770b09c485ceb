package profiles

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// WriteError is a profile or history write that the file system refused for
// a reason the user can act on: a full disk, a file size limit, a folder
// that is not writable. Its message is one line: what could not be written,
// what happened, the system's own words, and what to do. The file that was
// there before is unchanged (writes go to a temporary file that is removed,
// and a failed history append is cut back).
type WriteError struct {
	What    string // "save profile \"x\"", "write the history"
	Problem string // "the disk is full"
	Fix     string // "free some space, then try again"
	Err     error
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("cannot %s: %s (%s): %s", e.What, e.Problem, pathErrText(e.Err), e.Fix)
}

// Unwrap returns the file system's error.
func (e *WriteError) Unwrap() error { return e.Err }

// classifyWrite returns err as a *WriteError when it is a failure the user
// can fix (see WriteError), and nil otherwise. dir is the folder written
// to; elsewhere says how to write somewhere else instead ("--profiles DIR").
func classifyWrite(what, dir, elsewhere string, err error) *WriteError {
	var we *WriteError
	if errors.As(err, &we) {
		return we
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		dir = filepath.Dir(pe.Path) // the folder the failing call wrote in
	}
	e := &WriteError{What: what, Err: err}
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		e.Problem = "the disk is full"
		e.Fix = "free some space, then try again; nothing was changed"
	case errors.Is(err, syscall.EFBIG):
		e.Problem = "the file is too large (the file size limit, ulimit -f, was reached)"
		e.Fix = "raise the limit or free some space, then try again; nothing was changed"
	case errors.Is(err, syscall.EROFS):
		e.Problem = fmt.Sprintf("%s is on a read-only file system", dir)
		e.Fix = fmt.Sprintf("remount it read-write, or %s; nothing was changed", elsewhere)
	case errors.Is(err, fs.ErrPermission) && pe != nil && isRegular(pe.Path):
		e.Problem = fmt.Sprintf("the file %s is not writable", pe.Path)
		e.Fix = fmt.Sprintf("make it writable (chmod u+w %s), or %s; nothing was changed", shellQuote(pe.Path), elsewhere)
	case errors.Is(err, fs.ErrPermission):
		e.Problem = fmt.Sprintf("the folder %s is not writable", dir)
		e.Fix = fmt.Sprintf("make it writable (chmod u+w %s), or %s; nothing was changed", shellQuote(dir), elsewhere)
	case errors.Is(err, syscall.ENOTDIR):
		e.Problem = fmt.Sprintf("a part of the path %s is a file, not a folder", dir)
		e.Fix = fmt.Sprintf("move that file away, or %s; nothing was changed", elsewhere)
	default:
		return nil
	}
	return e
}

// orClassified returns classifyWrite's error when there is one, else err.
func orClassified(what, dir, elsewhere string, err error) error {
	if we := classifyWrite(what, dir, elsewhere, err); we != nil {
		return we
	}
	return err
}

const (
	profilesElsewhere = "choose another profiles folder (--profiles DIR or AUTHLAB_PROFILES)"
	historyElsewhere  = "set XDG_STATE_HOME to another folder"
)

func isRegular(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode().IsRegular()
}
