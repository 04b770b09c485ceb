package profiles

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadBodyFileFIFO: a FIFO is refused without waiting for a writer.
func TestReadBodyFileFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip(err)
	}
	if _, err := ReadBodyFile(context.Background(), p, testBodyCap); err == nil || !strings.Contains(err.Error(), "is a FIFO, not a regular file") {
		t.Errorf("ReadBodyFile(FIFO) = %v; want it refused as a FIFO", err)
	}
}
