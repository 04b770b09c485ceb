package main

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Percentile returns the p-th percentile (0 < p ≤ 100) of samples by the
// nearest-rank method: the smallest sample such that at least p% of the
// samples are at or below it, i.e. the ⌈p/100 · n⌉-th smallest. It is always
// one of the samples (never interpolated), so a p99 is a latency some
// request really had. ok is false for no samples. samples is not modified.
func Percentile(samples []time.Duration, p float64) (d time.Duration, ok bool) {
	if len(samples) == 0 || p <= 0 || p > 100 {
		return 0, false
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	return rank(s, p), true
}

// rank is Percentile on sorted samples. p·n is computed before dividing by
// 100, so that whole ranks (40% of 5 = 2) stay exact in floating point.
func rank(sorted []time.Duration, p float64) time.Duration {
	r := int(math.Ceil(p * float64(len(sorted)) / 100))
	r = max(1, min(r, len(sorted)))
	return sorted[r-1]
}

// Outcome is how one action (a student's `authlab send`) ended.
type Outcome int

const (
	// OK: every exchange succeeded and the last answer was 200.
	OK Outcome = iota
	// Limited: a 429 (Too Many Requests) somewhere in the action. From a
	// well-behaved client this is a failure the server should not cause.
	Limited
	// Failed: any other status or a transport error (timeout, reset).
	Failed
)

// Tally collects the outcomes and latencies of a group of actions (the
// class, or one action kind). It is safe for concurrent use.
type Tally struct {
	mu        sync.Mutex
	latencies []time.Duration
	outcomes  [3]int
	requests  int            // HTTP requests sent (a Digest action is two)
	statuses  map[string]int // final status or error kind → count
}

// Add records one action: its outcome, its wall time, how many HTTP
// requests it took and its final status ("200", "429", "error: timeout").
func (t *Tally) Add(o Outcome, d time.Duration, requests int, status string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.latencies = append(t.latencies, d)
	t.outcomes[o]++
	t.requests += requests
	if t.statuses == nil {
		t.statuses = map[string]int{}
	}
	t.statuses[status]++
}

// Summary is a Tally's figures.
type Summary struct {
	Actions, Requests int
	OK, Limited, Fail int
	P50, P99, Max     time.Duration
	Statuses          map[string]int
}

// Summary returns the figures collected so far.
func (t *Tally) Summary() Summary {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := Summary{Actions: len(t.latencies), Requests: t.requests, OK: t.outcomes[OK], Limited: t.outcomes[Limited], Fail: t.outcomes[Failed], Statuses: map[string]int{}}
	for k, v := range t.statuses {
		s.Statuses[k] = v
	}
	if len(t.latencies) > 0 {
		sorted := slices.Clone(t.latencies)
		slices.Sort(sorted)
		s.P50, s.P99, s.Max = rank(sorted, 50), rank(sorted, 99), sorted[len(sorted)-1]
	}
	return s
}

// SuccessRate is the share of actions that ended OK, in percent (100 for
// no actions: nothing failed).
func (s Summary) SuccessRate() float64 {
	if s.Actions == 0 {
		return 100
	}
	return 100 * float64(s.OK) / float64(s.Actions)
}

// StatusList renders the status counts, most frequent first:
// "200 ×9120, 429 ×3".
func (s Summary) StatusList() string {
	keys := make([]string, 0, len(s.Statuses))
	for k := range s.Statuses {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if s.Statuses[keys[i]] != s.Statuses[keys[j]] {
			return s.Statuses[keys[i]] > s.Statuses[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s ×%d", k, s.Statuses[k])
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}

// ms formats a duration in milliseconds for the tables.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
