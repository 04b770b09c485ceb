package profiles

import (
	"fmt"
	"io/fs"
	"slices"
	"syscall"
	"time"
)

// readStamped reads a profile file and the mode and modification time of
// the same open file, so the stamp describes exactly the bytes returned.
//
// It uses raw system calls: os.Open also registers the descriptor with the
// poller (one more call, refused for regular files) and os.ReadFile reads a
// second time to see the end. On a VM where a system call costs microseconds
// this takes List of 10 000 files from about 150 to about 90 ms of reading.
// O_NONBLOCK keeps a FIFO named *.toml from hanging List.
func readStamped(path string) ([]byte, fs.FileMode, time.Time, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, 0, time.Time{}, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, 0, time.Time{}, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, 0, time.Time{}, fmt.Errorf("%s is not a regular file", path)
	}
	if st.Size > MaxProfileFile {
		return nil, 0, time.Time{}, profileTooLarge(path, st.Size)
	}
	mode := fs.FileMode(st.Mode & 0o777)
	mtime := time.Unix(st.Mtim.Unix())
	// One read returns the whole file unless it grew since the fstat; a
	// short read of a regular file means its end.
	data := make([]byte, 0, st.Size+512)
	for {
		n, err := syscall.Read(fd, data[len(data):cap(data)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, 0, time.Time{}, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		data = data[:len(data)+n]
		if len(data) > MaxProfileFile { // it grew since the fstat
			return nil, 0, time.Time{}, profileTooLarge(path, int64(len(data)))
		}
		if n == 0 || len(data) < cap(data) {
			return data, mode, mtime, nil
		}
		data = slices.Grow(data, min(len(data), MaxProfileFile+1-len(data)))
	}
}
