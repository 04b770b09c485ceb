//go:build linux

package cli_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// Environment of the limiting wrapper: this test binary, started with
// filesExecEnv set, drops capabilities and/or sets RLIMIT_FSIZE and then
// execs the authlab binary in place (see init). Rlimits and the capability
// bounding set carry across exec, so authlab itself runs limited.
const (
	filesExecEnv   = "AUTHLAB_FILES_E2E_EXEC"   // the program to exec
	filesNoCapsEnv = "AUTHLAB_FILES_E2E_NOCAPS" // as root: drop CAP_DAC_OVERRIDE & co.
	filesFsizeEnv  = "AUTHLAB_FILES_E2E_FSIZE"  // RLIMIT_FSIZE in bytes
)

// init turns this test binary into the wrapper when filesExecEnv is set.
// Package initialisation runs on the main thread, locked, so the
// per-thread bounding set dropped here is the one execve passes on.
func init() {
	target := os.Getenv(filesExecEnv)
	if target == "" {
		return
	}
	die := func(what string, err error) {
		fmt.Fprintf(os.Stderr, "files wrapper: %s: %v\n", what, err)
		os.Exit(97)
	}
	if os.Getenv(filesNoCapsEnv) != "" && os.Geteuid() == 0 {
		const prCapbsetDrop = 24
		// CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER: root then
		// gets only what the mode bits allow, like any user.
		for _, c := range []uintptr{1, 2, 3} {
			if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prCapbsetDrop, c, 0); e != 0 {
				die("prctl(PR_CAPBSET_DROP)", e)
			}
		}
	}
	if v := os.Getenv(filesFsizeEnv); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			die("bad "+filesFsizeEnv, err)
		}
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			die("setrlimit", err)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AUTHLAB_FILES_E2E_") {
			env = append(env, kv)
		}
	}
	die("exec", syscall.Exec(target, append([]string{target}, os.Args[1:]...), env))
}

// authlabLimited runs the authlab binary through the wrapper with the
// given limits ("nocaps" and/or an RLIMIT_FSIZE in bytes).
func authlabLimited(t *testing.T, noCaps bool, fsize int, args ...string) run {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), filesExecEnv + "=" + binary}
	if noCaps {
		cmd.Env = append(cmd.Env, filesNoCapsEnv+"=1")
	}
	if fsize > 0 {
		cmd.Env = append(cmd.Env, filesFsizeEnv+"="+strconv.Itoa(fsize))
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running authlab: %v", err)
	}
	if code == 97 || code == 98 {
		t.Fatalf("the wrapper failed: %s", errb.String())
	}
	return run{out.String(), errb.String(), code}
}

// filesTree is every file below dir with its mode and bytes.
func filesTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			t.Error(err)
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		if fi.Mode().IsRegular() {
			b, _ := os.ReadFile(path)
			out[rel] = fmt.Sprintf("%04o %s", fi.Mode().Perm(), b)
		}
		return nil
	})
	return out
}

func sameTree(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s: %s changed or is gone", what, k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s: %s was left behind", what, k)
		}
	}
}

// countingServer counts the requests it receives.
func countingServer(t *testing.T) (url string, n *atomic.Int32) {
	n = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
	t.Cleanup(srv.Close)
	return srv.URL, n
}

// TestFilesE2ESaveReadOnlyFolder: `authlab send --save` into a profiles
// folder that is read-only (chmod 0500; as root the binary runs without
// CAP_DAC_OVERRIDE, so the kernel really refuses) prints exactly one line
// naming the folder, the system's words and the chmod to run, exits 1,
// sends nothing, and leaves every file as it was. Holds classifyWrite in
// profiles.Save and the exit-1 path of send.
func TestFilesE2ESaveReadOnlyFolder(t *testing.T) {
	url, hits := countingServer(t)
	dir := filepath.Join(t.TempDir(), "profiles")
	if r := authlab(t, nil, "send", "--profiles", dir, "--save", "p", "-H", "X-Old: 1", url); r.code != 0 {
		t.Fatalf("first save: exit %d\n%s", r.code, r.stderr)
	}
	os.Chmod(dir, 0o500)
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	before := filesTree(t, dir)
	hits.Store(0)
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"q", []string{"send", "--profiles", dir, "--save", "q", url}},
		{"p", []string{"send", "--profiles", dir, "--profile", "p", "--save", "p", "-H", "X-New: 2"}},
	} {
		name, args := tt.name, tt.args
		r := authlabLimited(t, true, 0, args...)
		want := fmt.Sprintf("authlab: cannot save profile %q: the folder %s is not writable (permission denied): make it writable (chmod u+w '%s'), or choose another profiles folder (--profiles DIR or AUTHLAB_PROFILES); nothing was changed\n", name, dir, dir)
		if r.code != 1 || r.stderr != want || r.stdout != "" {
			t.Errorf("authlab %q = exit %d, stdout %q, stderr %q; want exit 1 and stderr %q", args, r.code, r.stdout, r.stderr, want)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the server got %d requests; a failed --save must stop before sending", n)
	}
	sameTree(t, "read-only profiles folder", before, filesTree(t, dir))
}

// TestFilesE2ESaveFullDisk: `authlab send --save` of a profile bigger than
// the room left fails with one line saying the disk is full (a tmpfs of
// 64 KiB, when this system allows mounting one as root) or the file is too
// large (RLIMIT_FSIZE of 4 KiB, everywhere), exits 1, sends nothing, and
// leaves the old profile byte for byte with no temporary file. Holds
// renameio's cleanup and classifyWrite through the real binary.
func TestFilesE2ESaveFullDisk(t *testing.T) {
	body := strings.Repeat("b", 8<<10)
	check := func(t *testing.T, dir string, fsize int, problem string) {
		url, hits := countingServer(t)
		before := filesTree(t, dir)
		r := authlabLimited(t, false, fsize, "send", "--profiles", dir, "--profile", "p", "--save", "p", "-d", body, url)
		want := `authlab: cannot save profile "p": ` + problem + "; nothing was changed\n"
		if r.code != 1 || r.stderr != want || r.stdout != "" {
			t.Errorf("send --save on a full disk = exit %d, stdout %q, stderr %q; want exit 1 and stderr %q", r.code, r.stdout, r.stderr, want)
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("the server got %d requests; a failed --save must stop before sending", n)
		}
		sameTree(t, "profiles after a failed save", before, filesTree(t, dir))
	}
	save := func(t *testing.T, dir string) {
		url, _ := countingServer(t)
		if r := authlab(t, nil, "send", "--profiles", dir, "--save", "p", url); r.code != 0 {
			t.Fatalf("first save: exit %d\n%s", r.code, r.stderr)
		}
	}
	t.Run("file size limit", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "profiles")
		save(t, dir)
		check(t, dir, 4096, "the file is too large (the file size limit, ulimit -f, was reached) (file too large): raise the limit or free some space, then try again")
	})
	t.Run("tmpfs", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("mounting a tmpfs needs root; the file size limit case covers a full disk")
		}
		root := t.TempDir()
		if err := syscall.Mount("tmpfs", root, "tmpfs", 0, "size=64k,mode=0700"); err != nil {
			t.Skipf("cannot mount a tmpfs here (%v); the file size limit case covers a full disk", err)
		}
		t.Cleanup(func() { syscall.Unmount(root, syscall.MNT_DETACH) })
		dir := filepath.Join(root, "profiles")
		save(t, dir)
		for i := 0; ; i++ { // fill the disk
			if err := os.WriteFile(filepath.Join(root, fmt.Sprint("fill", i)), make([]byte, 4096), 0o600); err != nil {
				break
			}
		}
		check(t, dir, 0, "the disk is full (no space left on device): free some space, then try again")
	})
}
