package profiles

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
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
		a, b := crashVersions() // the parent wrote one of them first
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
	case "append-loop":
		// Append numbered records to a small history (so it is trimmed
		// by a rewrite every few appends) until killed.
		h := History{Path: filepath.Join(os.Getenv(helperDirEnv), "history.jsonl"), Max: crashHistoryMax}
		recs, err := h.Read()
		if err != nil {
			fail(err)
		}
		next := 0
		if len(recs) > 0 {
			next = recs[len(recs)-1].Status + 1
		}
		fmt.Println("ready")
		parent, stop := os.Getppid(), time.Now().Add(time.Minute)
		for i := next; ; i++ {
			if os.Getppid() != parent || time.Now().After(stop) {
				fail(fmt.Errorf("the test is gone; stopping"))
			}
			if err := h.Append(crashRecord(i)); err != nil {
				fail(err)
			}
		}
	case "fsize":
		filesFsizeHelper(os.Getenv(helperDirEnv), fail)
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

// crashVersions are two large-ish versions of one profile (about 40 KB and
// 30 KB), so a write takes a while to be interrupted in, while a check
// after each kill stays quick under the race detector.
func crashVersions() (a, b Profile) {
	a = Profile{
		Name: "crash/victim", Description: "version A", Method: "POST", URL: "https://a.example/",
		Body:    strings.Repeat(strings.Repeat("A", 999)+"\n", 40),
		Headers: []Header{{Name: "X-Version", Value: "A"}},
		Scheme:  "basic", Fields: map[string]string{"username": "a", "password": "env:A"},
	}
	b = Profile{
		Name: "crash/victim", Description: "version B", Method: "PUT", URL: "https://b.example/",
		Body:    strings.Repeat("B", 30_000),
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

// crashHistoryMax is the history size of the append-loop helper: small, so
// that a rewrite (renameio) happens every two appends and kills land in
// rewrites as well as in appends.
const crashHistoryMax = 40

// minKills is the fewest kills a kill test accepts within its time budget
// (it aims at 300: 75 in each of 4 folders).
const minKills = 10

// crashRecord is record number i of the append-loop helper (Status holds i).
func crashRecord(i int) Record {
	return Record{Time: time.Unix(1700000000, 0).UTC(), Profile: "crash", Method: "GET", URL: "https://h.example/",
		Status: i, Error: strings.Repeat("e", 300)}
}

// killLoop runs helper mode in 4 folders at once, kills each helper
// (SIGKILL: no deferred cleanup runs) at a random moment within 0–15 ms of
// it starting to write, and calls check after every kill. It stops after
// perWorker kills per folder or at budget, whichever comes first, and
// returns the number of kills: a busy machine (or the race detector) gets
// fewer kills, never a longer test.
func killLoop(t *testing.T, mode string, perWorker int, budget time.Duration, setup func(dir string), check func(dir string, iteration int) bool) int {
	const workers = 4
	deadline := time.Now().Add(budget)
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for w := range workers {
		dir := filepath.Join(t.TempDir(), fmt.Sprint(w))
		setup(dir)
		wg.Go(func() {
			for i := range perWorker {
				if time.Now().After(deadline) {
					return
				}
				cmd := helperCmd(t, mode, dir)
				out, err := cmd.StdoutPipe()
				if err != nil {
					t.Error(err)
					return
				}
				if err := cmd.Start(); err != nil {
					t.Error(err)
					return
				}
				line, err := bufio.NewReader(out).ReadString('\n')
				if err != nil || line != "ready\n" {
					cmd.Process.Kill()
					cmd.Wait()
					t.Errorf("helper said %q, %v", line, err)
					return
				}
				time.Sleep(time.Duration(rand.IntN(15_001)) * time.Microsecond)
				if err := cmd.Process.Kill(); err != nil {
					t.Error(err)
					return
				}
				cmd.Wait()
				if st, ok := cmd.ProcessState.Sys().(interface{ Signaled() bool }); ok && !st.Signaled() {
					t.Errorf("helper exited by itself: %v", cmd.ProcessState)
					return
				}
				mu.Lock()
				total++
				mu.Unlock()
				if !check(dir, i) {
					return
				}
			}
		})
	}
	wg.Wait()
	return total
}

// tempFiles counts renameio's temporary files of base in dir (".BASE"
// followed by digits).
func tempFiles(t *testing.T, dir, base string) int {
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Error(err)
	}
	n := 0
	for _, e := range ents {
		if rest, ok := strings.CutPrefix(e.Name(), "."+base); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
			n++
		}
	}
	return n
}

// TestFilesKillDuringProfileSave kills processes that keep saving one
// profile (two versions, alternately) hundreds of times at random moments
// and checks after every kill that the file parses as exactly one of the
// two versions, with mode 0600, that List shows it intact, and that at most
// one temporary file is left (the next Save removes stale ones). Holds
// renameio's temporary file + fsync + rename in replaceFile (os.WriteFile,
// which truncates in place, fails it) and removeStaleTemps in Save.
func TestFilesKillDuringProfileSave(t *testing.T) {
	a, b := crashVersions()
	var mu sync.Mutex
	seen := map[string]int{}
	kills := killLoop(t, "save-loop", 75, 4*time.Second, func(dir string) {
		if _, err := NewStore(dir).Save(a, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}, func(dir string, i int) bool {
		s := NewStore(dir)
		path := filepath.Join(dir, "crash", "victim.toml")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s, kill %d: the profile file is gone: %v", dir, i, err)
			return false
		}
		p, perr := decodeProfile(path, data)
		if perr != nil {
			t.Errorf("%s, kill %d: the file does not parse after a kill: %v", dir, i, perr)
			return false
		}
		p.Name = a.Name
		switch {
		case reflect.DeepEqual(*p, a):
			mu.Lock()
			seen["A"]++
			mu.Unlock()
		case reflect.DeepEqual(*p, b):
			mu.Lock()
			seen["B"]++
			mu.Unlock()
		default:
			t.Errorf("%s, kill %d: the file is neither version: %q…", dir, i, data[:min(len(data), 200)])
			return false
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s, kill %d: mode %v, %v; want 0600", dir, i, fi.Mode(), err)
			return false
		}
		n := tempFiles(t, filepath.Dir(path), "victim.toml")
		if n > 1 {
			t.Errorf("%s, kill %d: %d temporary files; want at most 1 (Save removes stale ones)", dir, i, n)
			return false
		}
		mu.Lock()
		seen["temp"] += n
		mu.Unlock()
		es, err := s.List()
		if err != nil || len(es) != 1 || es[0].Name != "crash/victim" || es[0].Broken() {
			t.Errorf("%s, kill %d: List() = %+v, %v; want only crash/victim, intact", dir, i, es, err)
			return false
		}
		return true
	})
	if kills < minKills {
		t.Errorf("only %d kills in the time budget; want at least %d", kills, minKills)
	}
	t.Logf("%d kills: version A %d times, version B %d times; a temporary file left %d times (skipped by List, removed by the next Save)", kills, seen["A"], seen["B"], seen["temp"])
}

// TestFilesKillDuringHistoryAppend kills processes that keep appending
// numbered records to a small history (a rewrite every two appends)
// hundreds of times at random moments. After every kill: every complete
// line is a record, at most the last line is torn, Read tolerates it, the
// records are consecutive (nothing lost in the middle, none duplicated),
// none that was there is lost (the trim keeps the newest Max), and at most
// one temporary file of a rewrite is left. Every third kill the test also
// tears the last line itself, as a crash in the middle of a write (or a
// power cut) would, and the next append must cut it off instead of leaving
// it between records. Holds repairTail in Append (without it the torn line
// stays in the middle of the file), the renameio rewrite, and
// removeStaleTemps in rewrite.
func TestFilesKillDuringHistoryAppend(t *testing.T) {
	var mu sync.Mutex
	var torn, tornSeen, temps int
	type state struct{ last, count int } // newest record number, records
	prev := map[string]state{}
	kills := killLoop(t, "append-loop", 75, 4*time.Second, func(dir string) {
		mu.Lock()
		prev[dir] = state{last: -1}
		mu.Unlock()
	}, func(dir string, i int) bool {
		path := filepath.Join(dir, "history.jsonl")
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return true // killed before the first append
		}
		if err != nil {
			t.Error(err)
			return false
		}
		end := bytes.LastIndexByte(data, '\n') + 1
		for n, line := range bytes.Split(data[:max(end-1, 0)], []byte{'\n'}) {
			var r Record
			if end > 0 && json.Unmarshal(line, &r) != nil {
				t.Errorf("%s, kill %d: line %d is not a record (only the last line may be torn): %q", dir, i, n+1, line)
				return false
			}
		}
		h := History{Path: path, Max: crashHistoryMax}
		recs, skipped, err := h.ReadSkipped()
		if err != nil || skipped > 1 || (skipped == 1 && end == len(data)) {
			t.Errorf("%s, kill %d: ReadSkipped() = %d records, %d skipped, %v; want at most the unterminated last line skipped", dir, i, len(recs), skipped, err)
			return false
		}
		if end < len(data) {
			mu.Lock()
			tornSeen++
			mu.Unlock()
		}
		for k := 1; k < len(recs); k++ {
			if recs[k].Status != recs[k-1].Status+1 {
				t.Errorf("%s, kill %d: record %d is number %d after %d; want consecutive numbers", dir, i, k, recs[k].Status, recs[k-1].Status)
				return false
			}
		}
		mu.Lock()
		st := prev[dir]
		mu.Unlock()
		if len(recs) == 0 && st.last >= 0 || len(recs) > 0 && recs[len(recs)-1].Status < st.last {
			t.Errorf("%s, kill %d: the newest record went from %d back to %v", dir, i, st.last, recs)
			return false
		}
		// Records go only by a trim, which keeps the newest Max.
		if want := min(st.count, crashHistoryMax); len(recs) < want {
			t.Errorf("%s, kill %d: %d records after %d; want at least %d (a trim keeps the newest %d)", dir, i, len(recs), st.count, want, crashHistoryMax)
			return false
		}
		st.count = len(recs)
		if len(recs) > 0 {
			st.last = recs[len(recs)-1].Status
		}
		n := tempFiles(t, dir, "history.jsonl")
		if n > 1 {
			t.Errorf("%s, kill %d: %d temporary files; want at most 1 (a rewrite removes stale ones)", dir, i, n)
			return false
		}
		if i%3 == 2 && len(recs) > 1 && end == len(data) {
			// Tear the last record in the middle, as a crash mid-write would.
			start := bytes.LastIndexByte(data[:end-1], '\n') + 1
			cut := start + 1 + rand.IntN(end-start-2)
			if err := os.Truncate(path, int64(cut)); err != nil {
				t.Error(err)
				return false
			}
			st.last--
			st.count--
			mu.Lock()
			torn++
			mu.Unlock()
		}
		mu.Lock()
		prev[dir] = st
		temps += n
		mu.Unlock()
		return true
	})
	if kills < minKills {
		t.Errorf("only %d kills in the time budget; want at least %d", kills, minKills)
	}
	t.Logf("%d kills; %d last lines torn by the test, %d torn lines seen after a kill; a temporary file left %d times", kills, torn, tornSeen, temps)
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
