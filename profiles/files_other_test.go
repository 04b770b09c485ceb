//go:build !linux

package profiles

// filesFsizeHelper is Linux only (see files_linux_test.go).
func filesFsizeHelper(dir string, fail func(error)) { fail(errUnsupportedHelper) }

var errUnsupportedHelper = errorString("the fsize helper runs on Linux only")

type errorString string

func (e errorString) Error() string { return string(e) }
