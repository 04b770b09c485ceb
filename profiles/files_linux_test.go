package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// Linux capability bits a root process uses to write where its mode bits
// say it may not.
const (
	capDACOverride   = 1
	capDACReadSearch = 2
	capFowner        = 3
)

// asUnprivileged runs f with the file permission checks an ordinary user
// gets. As root, chmod 0500 does not stop a write (CAP_DAC_OVERRIDE), so f
// runs on its own OS thread with CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and
// CAP_FOWNER dropped from that thread's effective set (capabilities are
// per thread on Linux, and Go runs a locked goroutine's system calls on its
// thread). The thread is never unlocked, so Go discards it afterwards and
// no other goroutine runs with or without those capabilities by surprise.
func asUnprivileged(t *testing.T, f func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		f()
		return
	}
	type capHeader struct {
		version uint32
		pid     int32
	}
	type capData struct{ effective, permitted, inheritable uint32 }
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()                // never unlocked: the thread dies with this goroutine
		hdr := capHeader{version: 0x20080522} // _LINUX_CAPABILITY_VERSION_3
		var data [2]capData
		if _, _, e := syscall.RawSyscall(syscall.SYS_CAPGET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
			errc <- fmt.Errorf("capget: %w", e)
			return
		}
		data[0].effective &^= 1<<capDACOverride | 1<<capDACReadSearch | 1<<capFowner
		if _, _, e := syscall.RawSyscall(syscall.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
			errc <- fmt.Errorf("capset: %w", e)
			return
		}
		f()
		errc <- nil
	}()
	if err := <-errc; err != nil {
		t.Skipf("running as root and cannot drop CAP_DAC_OVERRIDE (%v): a read-only folder cannot be made here", err)
	}
}

// TestFilesReadOnlyFolder makes the profiles folder, a group folder and the
// history folder read-only (chmod 0500; as root the writes run without
// CAP_DAC_OVERRIDE, see asUnprivileged, so the kernel really refuses them),
// then saves an existing profile, a new one, and appends to the history.
// Each fails with one line naming the folder or file, the system's words
// and the chmod command to run, and no file changes or appears. Holds
// classifyWrite and its use in Save and Append (without it the message is
// the bare "open …: permission denied" with nothing to do).
func TestFilesReadOnlyFolder(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.Save(Profile{Name: "top", URL: "https://top/"}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(Profile{Name: "ro/p", URL: "https://old/"}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	h := History{Path: filepath.Join(t.TempDir(), "state", "history.jsonl")}
	for i := range 3 {
		if err := h.Append(record(i)); err != nil {
			t.Fatal(err)
		}
	}
	fresh := History{Path: filepath.Join(filepath.Dir(h.Path), "other.jsonl")}
	group := filepath.Join(s.Dir, "ro")
	for _, d := range []string{s.Dir, group, filepath.Dir(h.Path)} {
		os.Chmod(d, 0o500)
		t.Cleanup(func() { os.Chmod(d, 0o700) })
	}
	os.Chmod(h.Path, 0o400)
	t.Cleanup(func() { os.Chmod(h.Path, 0o600) })
	before := snapshot(t, filepath.Dir(s.Dir))
	hbefore := snapshot(t, filepath.Dir(h.Path))

	e, err := s.Load("ro/p")
	if err != nil {
		t.Fatal(err)
	}
	var saveOld, saveNew, saveTop, appendErr, appendFresh error
	asUnprivileged(t, func() {
		changed := *e.Profile
		changed.URL = "https://new/"
		_, saveOld = s.Save(changed, SaveOptions{Expect: &e.Stamp})
		_, saveNew = s.Save(Profile{Name: "ro/new", URL: "https://new/"}, SaveOptions{})
		_, saveTop = s.Save(Profile{Name: "newtop"}, SaveOptions{})
		appendErr = h.Append(record(9))
		appendFresh = fresh.Append(record(9))
	})
	tests := []struct {
		what string
		err  error
		want []string
	}{
		{"save over ro/p", saveOld, []string{`cannot save profile "ro/p": the folder ` + group + " is not writable (permission denied): make it writable (chmod u+w '" + group + "'), or choose another profiles folder (--profiles DIR or AUTHLAB_PROFILES); nothing was changed"}},
		{"save new ro/new", saveNew, []string{`cannot save profile "ro/new": the folder ` + group + " is not writable", "chmod u+w '" + group + "'"}},
		{"save new top", saveTop, []string{`cannot save profile "newtop": the folder ` + s.Dir + " is not writable", "chmod u+w '" + s.Dir + "'"}},
		{"append", appendErr, []string{"cannot write the history: the file " + h.Path + " is not writable (permission denied): make it writable (chmod u+w '" + h.Path + "'), or set XDG_STATE_HOME to another folder; nothing was changed"}},
		{"append to a new file", appendFresh, []string{"cannot write the history: the folder " + filepath.Dir(h.Path) + " is not writable", "chmod u+w"}},
	}
	for _, tt := range tests {
		var we *WriteError
		if !errors.As(tt.err, &we) {
			t.Errorf("%s: error %v (%T); want a *WriteError", tt.what, tt.err, tt.err)
		}
		oneLineErr(t, tt.what, tt.err, tt.want...)
	}
	sameSnapshot(t, "profiles after refused saves", before, snapshot(t, filepath.Dir(s.Dir)))
	sameSnapshot(t, "history after refused appends", hbefore, snapshot(t, filepath.Dir(h.Path)))
}

// tmpfs mounts a size-limited tmpfs (a really full disk) below a new
// temporary folder, or skips: it needs root and a system that allows the
// mount (not every container does).
func tmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root; TestFilesFileSizeLimit covers a full disk without it")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0700"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); TestFilesFileSizeLimit covers a full disk without it", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fill writes files of one page into dir until the file system is full,
// then removes one, so that one page is free: a write then fails part way.
func fill(t *testing.T, dir string) {
	t.Helper()
	page := make([]byte, 4096)
	var last string
	for i := 0; ; i++ {
		name := filepath.Join(dir, fmt.Sprintf("filler%03d", i))
		if err := os.WriteFile(name, page, 0o600); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			os.Remove(name)
			break
		}
		last = name
	}
	if last == "" {
		t.Fatal("the tmpfs was full from the start")
	}
	if err := os.Remove(last); err != nil {
		t.Fatal(err)
	}
}

// TestFilesFullDisk saves a profile and appends to the history on a tiny
// tmpfs that is full but for one page (a real ENOSPC that strikes part way
// through a write). The save and the append fail with one line saying the
// disk is full and what to do; the old profile and the history are byte for
// byte what they were, and no temporary file is left. Holds renameio's
// cleanup of the temporary file, the cut-back after a failed append (without
// it part of the record is left as a torn line) and classifyWrite.
func TestFilesFullDisk(t *testing.T) {
	root := tmpfs(t, "64k")
	s := NewStore(filepath.Join(root, "profiles"))
	if _, err := s.Save(Profile{Name: "p", URL: "https://old/"}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	h := History{Path: filepath.Join(root, "state", "history.jsonl")}
	for i := range 3 {
		if err := h.Append(record(i)); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(root, "fill"), 0o700)
	fill(t, filepath.Join(root, "fill"))
	before := snapshot(t, filepath.Join(root, "profiles"))
	hbefore := snapshot(t, filepath.Join(root, "state"))

	e, err := s.Load("p")
	if err != nil {
		t.Fatal(err)
	}
	big := *e.Profile
	big.Body = strings.Repeat("x", 16<<10)
	_, saveErr := s.Save(big, SaveOptions{Expect: &e.Stamp})
	r := record(3)
	r.Error = strings.Repeat("e", 12<<10) // more than the page left
	appendErr := h.Append(r)

	oneLineErr(t, "save on a full disk", saveErr, `cannot save profile "p": the disk is full (no space left on device): free some space, then try again; nothing was changed`)
	oneLineErr(t, "append on a full disk", appendErr, `cannot write the history: the disk is full (no space left on device): free some space, then try again; nothing was changed`)
	sameSnapshot(t, "profiles on a full disk", before, snapshot(t, filepath.Join(root, "profiles")))
	sameSnapshot(t, "history on a full disk", hbefore, snapshot(t, filepath.Join(root, "state")))
	if recs, skipped, err := h.ReadSkipped(); err != nil || len(recs) != 3 || skipped != 0 {
		t.Errorf("history after a failed append: %d records, %d skipped, %v; want 3, 0", len(recs), skipped, err)
	}
}

// filesFsizeHelper is the "fsize" helper process of TestFilesFileSizeLimit:
// with RLIMIT_FSIZE at 16 KiB (a write past it fails with EFBIG; Go
// ignores SIGXFSZ), it saves a 32 KiB version of profile p and appends a
// 32 KiB record, and prints both errors as JSON.
func filesFsizeHelper(dir string, fail func(error)) {
	lim := syscall.Rlimit{Cur: 16 << 10, Max: 16 << 10}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		fail(err)
	}
	s := NewStore(filepath.Join(dir, "profiles"))
	e, err := s.Load("p")
	if err != nil {
		fail(err)
	}
	big := *e.Profile
	big.Body = strings.Repeat("x", 32<<10)
	_, saveErr := s.Save(big, SaveOptions{Expect: &e.Stamp})
	r := record(3)
	r.Error = strings.Repeat("e", 32<<10)
	appendErr := History{Path: filepath.Join(dir, "state", "history.jsonl")}.Append(r)
	text := func(err error) string {
		if err == nil {
			return ""
		}
		var we *WriteError
		return fmt.Sprintf("%v %s", errors.As(err, &we), err)
	}
	json.NewEncoder(os.Stdout).Encode([]string{text(saveErr), text(appendErr)})
}

// TestFilesFileSizeLimit is TestFilesFullDisk where no tmpfs can be
// mounted: a child process (this test binary) runs with RLIMIT_FSIZE, so
// writes fail part way with EFBIG. The save and the append fail with one
// line saying the file is too large and what to do, and the files are byte
// for byte what they were, with no temporary file left.
func TestFilesFileSizeLimit(t *testing.T) {
	dir := t.TempDir()
	s := NewStore(filepath.Join(dir, "profiles"))
	if _, err := s.Save(Profile{Name: "p", URL: "https://old/"}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	h := History{Path: filepath.Join(dir, "state", "history.jsonl")}
	for i := range 3 {
		if err := h.Append(record(i)); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, dir)
	cmd := helperCmd(t, "fsize", dir)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != 2 {
		t.Fatalf("helper printed %q: %v", out, err)
	}
	want := []string{
		`true cannot save profile "p": the file is too large (the file size limit, ulimit -f, was reached) (file too large): raise the limit or free some space, then try again; nothing was changed`,
		`true cannot write the history: the file is too large (the file size limit, ulimit -f, was reached) (file too large): raise the limit or free some space, then try again; nothing was changed`,
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("error %d = %q; want %q", i, got[i], want[i])
		}
	}
	sameSnapshot(t, "files after writes past the size limit", before, snapshot(t, dir))
}
