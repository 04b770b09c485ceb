package profiles

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	helperEnv    = "AUTHLAB_PROFILES_TEST_HELPER"
	helperDirEnv = "AUTHLAB_PROFILES_TEST_DIR"
	helperArgEnv = "AUTHLAB_PROFILES_TEST_ARG"
)

// TestHelperProcess is not a test: it is the child process of the crash and
// multi-process tests, run as this test binary with helperEnv set. In a
// normal run it returns at once.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	s := NewStore(os.Getenv(helperDirEnv))
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(3)
	}
	switch mode {
	case "save-loop":
		// Save two versions of one profile, alternately, until killed.
		a, b := crashVersions()
		if _, err := s.Save(a, SaveOptions{Overwrite: true}); err != nil {
			fail(err)
		}
		fmt.Println("ready")
		parent, stop := os.Getppid(), time.Now().Add(time.Minute)
		for i := 0; ; i++ {
			if os.Getppid() != parent || time.Now().After(stop) {
				fail(fmt.Errorf("the test is gone; stopping"))
			}
			p := a
			if i%2 == 0 {
				p = b
			}
			if _, err := s.Save(p, SaveOptions{Overwrite: true}); err != nil {
				fail(err)
			}
		}
	case "save-many":
		<-time.After(time.Until(startAt()))
		prefix := os.Getenv(helperArgEnv)
		for i := range 20 {
			if _, err := s.Save(manyProfile(prefix, i), SaveOptions{}); err != nil {
				fail(err)
			}
		}
	default:
		fail(fmt.Errorf("unknown helper mode %q", mode))
	}
	os.Exit(0)
}

func startAt() time.Time {
	ns, _ := time.ParseDuration(os.Getenv("AUTHLAB_PROFILES_TEST_START") + "ns")
	return time.Unix(0, int64(ns))
}

// crashVersions are two large-ish versions of one profile (about 120 KB and
// 100 KB), so a write takes long enough to be interrupted.
func crashVersions() (a, b Profile) {
	a = Profile{
		Name: "crash/victim", Description: "version A", Method: "POST", URL: "https://a.example/",
		Body:    strings.Repeat(strings.Repeat("A", 999)+"\n", 120),
		Headers: []Header{{Name: "X-Version", Value: "A"}},
		Scheme:  "basic", Fields: map[string]string{"username": "a", "password": "env:A"},
	}
	b = Profile{
		Name: "crash/victim", Description: "version B", Method: "PUT", URL: "https://b.example/",
		Body:    strings.Repeat("B", 100_000),
		Headers: []Header{{Name: "X-Version", Value: "B"}, {Name: "X-More", Value: "b"}},
		Scheme:  "bearer", Fields: map[string]string{"token": "keyring:b"},
		Timeout: time.Minute,
	}
	return a, b
}

func helperCmd(t *testing.T, mode, dir string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDirEnv+"="+dir)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	return cmd
}

// TestCrashSafety kills a process that keeps saving one profile at random
// moments (SIGKILL: no deferred cleanup runs) and checks after every kill
// that the file parses as exactly one of the two versions: renameio's
// temporary file + fsync + rename never exposes a partial file.
func TestCrashSafety(t *testing.T) {
	s := newTestStore(t)
	a, b := crashVersions()
	path := filepath.Join(s.Dir, "crash", "victim.toml")
	deadline := time.Now().Add(40 * time.Second)
	seenA, seenB, leftovers := 0, 0, 0
	iterations := 50
	for i := range iterations {
		if time.Now().After(deadline) {
			t.Logf("stopped after %d iterations to bound the test's time", i)
			break
		}
		cmd := helperCmd(t, "save-loop", s.Dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || line != "ready\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("helper said %q, %v", line, err)
		}
		time.Sleep(time.Duration(rand.IntN(20_001)) * time.Microsecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if st, ok := cmd.ProcessState.Sys().(interface{ Signaled() bool }); ok && !st.Signaled() {
			t.Fatalf("helper exited by itself: %v", cmd.ProcessState)
		}

		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("iteration %d: the profile file is gone: %v", i, err)
		}
		p, perr := decodeProfile(path, data)
		if perr != nil {
			t.Fatalf("iteration %d: the file does not parse after a kill: %v", i, perr)
		}
		p.Name = a.Name
		switch {
		case reflect.DeepEqual(*p, a):
			seenA++
		case reflect.DeepEqual(*p, b):
			seenB++
		default:
			t.Fatalf("iteration %d: the file is neither version: %q…", i, data[:min(len(data), 200)])
		}
		if m := mode(t, path); m != 0o600 {
			t.Fatalf("iteration %d: mode %04o", i, m)
		}
		ents, _ := os.ReadDir(filepath.Dir(path))
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") {
				leftovers++
			}
		}
		es, err := s.List()
		if err != nil || len(es) != 1 || es[0].Name != "crash/victim" || es[0].Broken() {
			t.Fatalf("iteration %d: List() = %+v, %v; want only crash/victim, intact", i, es, err)
		}
	}
	t.Logf("after the kills: version A %d times, version B %d times; temporary files seen %d times (skipped by List, removed by the next Save)", seenA, seenB, leftovers)
}

// Two processes save different profiles at the same moment, into the same
// new folders; every profile ends up intact.
func TestConcurrentSavesProcesses(t *testing.T) {
	s := newTestStore(t)
	start := fmt.Sprint(time.Now().Add(300 * time.Millisecond).UnixNano())
	var cmds []*exec.Cmd
	for _, prefix := range []string{"p0", "p1"} {
		cmd := helperCmd(t, "save-many", s.Dir, helperArgEnv+"="+prefix, "AUTHLAB_PROFILES_TEST_START="+start)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
	}
	checkMany(t, s, "p0", "p1")
}
