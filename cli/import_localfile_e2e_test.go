//go:build linux

package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportCurlReadsNoLocalFile (#16 leak 7), through the binary: `import
// curl` of a command naming /proc/self/environ neither prints nor saves the
// environment, and one naming a FIFO nobody writes to (or /dev/zero)
// returns at once. The body stays a reference, body_file, read when the
// request is sent.
func TestImportCurlReadsNoLocalFile(t *testing.T) {
	const sentinel = "authlab-leak-7-sentinel"
	dir := t.TempDir()
	env := []string{"AUTHLAB_PROFILES=" + dir, "AUTHLAB_LEAK_SENTINEL=" + sentinel}
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, body string }{
		{"environ", "/proc/self/environ"},
		{"fifo", fifo},
		{"zero", "/dev/zero"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cmd := "curl --data-binary @" + tt.body + " https://api.example.com/items"
			r := authlabWithin(t, 20*time.Second, env, "import", "curl", cmd)
			if r.code != 0 || strings.Contains(r.stdout+r.stderr, sentinel) {
				t.Fatalf("import curl %q: exit %d; want 0 and no environment text\nstdout: %.300s\nstderr: %.300s", cmd, r.code, r.stdout, r.stderr)
			}
			if want := "-d @" + tt.body; !strings.Contains(r.stdout, want) {
				t.Errorf("import curl %q printed %q; want the body file kept as %q", cmd, r.stdout, want)
			}
			r = authlabWithin(t, 20*time.Second, env, "import", "curl", "--save", "leak/"+tt.name, cmd)
			if r.code != 0 {
				t.Fatalf("import curl --save: exit %d\n%.300s", r.code, r.stderr)
			}
			b, err := os.ReadFile(filepath.Join(dir, "leak", tt.name+".toml"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), sentinel) || !strings.Contains(string(b), "body_file = '"+tt.body+"'") {
				t.Errorf("saved profile:\n%.500s\nwant body_file = '%s' and no environment text", b, tt.body)
			}
			r = authlabWithin(t, 20*time.Second, env, "profiles", "show", "leak/"+tt.name)
			if want := "@" + tt.body + " (read at send time)"; r.code != 0 || !strings.Contains(r.stdout, want) {
				t.Errorf("profiles show: exit %d\n%s\nwant the body shown as %q", r.code, r.stdout, want)
			}
		})
	}
	r := authlabWithin(t, 20*time.Second, env, "import", "curl", "curl -d @- https://api.example.com/items")
	if r.code != 1 || !strings.Contains(r.stderr, "-d @- reads standard input, which authlab does not have when it sends the request") {
		t.Errorf("import curl -d @-: exit %d, stderr %q; want 1 and the line saying why", r.code, r.stderr)
	}
}

// authlabWithin is authlab (e2e_test.go) bounded in time, so an import that
// blocks on a FIFO fails the test instead of hanging it.
func authlabWithin(t *testing.T, d time.Duration, env []string, args ...string) run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("authlab %q did not return within %s", args, d)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running authlab: %v", err)
	}
	return run{out.String(), errb.String(), code}
}
