//go:build unix

package profiles

import "syscall"

// bodyOpenFlag opens a body file without blocking, so a FIFO put in its
// place after the check cannot hang the open (ReadBodyFile).
const bodyOpenFlag = syscall.O_NONBLOCK
