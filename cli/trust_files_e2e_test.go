//go:build unix

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFilesBinary is leak 6 of issue #16 through the binary: a sparse 8 GB
// .toml is listed as too large (no out-of-memory crash), and a file:
// reference to /dev/zero or a FIFO is refused with one line, not read.
func TestFilesBinary(t *testing.T) {
	rec, url := newRecorder(t)
	dir, env := workshop(t, map[string]string{"ok": "url = 'https://x.example/'\n"})
	f, err := os.Create(filepath.Join(dir, "huge.toml"))
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(8 << 30)
	f.Close()
	r := authlab(t, env, "profiles", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "huge") || !strings.Contains(r.stdout, "too large") || !strings.Contains(r.stdout, "ok") {
		t.Errorf("profiles list = %d %q %q; want huge listed as too large beside ok", r.code, r.stdout, r.stderr)
	}
	if r := authlab(t, env, "send", "--profile", "huge"); r.code != 1 || !strings.Contains(r.stderr, "too large") {
		t.Errorf("send --profile huge = %d %q; want refused as too large", r.code, r.stderr)
	}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"file:/dev/zero", "file:" + fifo} {
		r := authlab(t, nil, "send", "--timeout", "5s", "-a", "bearer", "-c", "token="+ref, url)
		if r.code != 1 || !strings.Contains(r.stderr, "not a regular file") {
			t.Errorf("send -c token=%s = %d %q; want exit 1, not a regular file", ref, r.code, r.stderr)
		}
		assertOneErrorLine(t, r.stderr)
	}
	if got := rec.got(); len(got) != 0 {
		t.Errorf("the server got %q; want nothing sent", got)
	}
}
