//go:build !linux

package profiles

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"time"
)

// readStamped reads a profile file and the mode and modification time of
// the same open file, so the stamp describes exactly the bytes returned.
// (readfile_linux.go has a faster version.)
func readStamped(path string) ([]byte, fs.FileMode, time.Time, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, 0, time.Time{}, fmt.Errorf("%s is not a regular file", path) // a FIFO would block
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, time.Time{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, time.Time{}, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, time.Time{}, fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Size() > MaxProfileFile {
		return nil, 0, time.Time{}, profileTooLarge(path, fi.Size())
	}
	data := make([]byte, 0, fi.Size()+512)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, fi.Mode().Perm(), fi.ModTime(), nil
		}
		if err != nil {
			return nil, 0, time.Time{}, err
		}
		if len(data) > MaxProfileFile {
			return nil, 0, time.Time{}, profileTooLarge(path, int64(len(data)))
		}
		if len(data) == cap(data) {
			data = slices.Grow(data, min(len(data), MaxProfileFile+1-len(data)))
		}
	}
}
