package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Usage is one sample of the server process, from /proc/PID (Linux).
type Usage struct {
	RSS, HWM int64 // VmRSS and VmHWM (peak RSS), bytes
	FDs      int   // entries of /proc/PID/fd
}

// readUsage samples process pid.
func readUsage(pid int) (Usage, error) {
	var u Usage
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return u, err
	}
	u.RSS, u.HWM = statusKB(b, "VmRSS:")<<10, statusKB(b, "VmHWM:")<<10
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return u, err
	}
	u.FDs = len(fds)
	return u, nil
}

// statusKB reads a "Key:   1234 kB" line of /proc/PID/status (proc(5)).
func statusKB(status []byte, key string) int64 {
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// Sampler samples a process every interval until its context ends and
// keeps the maxima, the sample nearest half time and the last one: RSS at
// half time and at the end tell a bounded footprint from a growing one.
type Sampler struct {
	mu          sync.Mutex
	maxRSS, hwm int64
	maxFDs      int
	half, last  Usage
	halfTaken   bool
	err         error // the last failed read (the process ended?)
}

// run samples pid every interval; the sample after halfAt is the half-time one.
func (s *Sampler) run(ctx context.Context, pid int, interval time.Duration, halfAt time.Time) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		u, err := readUsage(pid)
		s.mu.Lock()
		if err != nil {
			s.err = err
		} else {
			s.maxRSS, s.hwm, s.maxFDs = max(s.maxRSS, u.RSS), max(s.hwm, u.HWM), max(s.maxFDs, u.FDs)
			s.last = u
			if !s.halfTaken && !time.Now().Before(halfAt) {
				s.half, s.halfTaken = u, true
			}
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// mb formats bytes in MiB, written "MB" as in the other tables of
// BENCHMARKS.md (hostile-rss.sh divides kB by 1024 the same way).
func mb(b int64) string { return fmt.Sprintf("%.1f", float64(b)/(1<<20)) }

// loadAverage is the 1-minute load average from /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}
