package main

import (
	"testing"
	"time"
)

// TestPercentile checks the nearest-rank percentile against the worked
// examples of the nearest-rank method (Wikipedia, "Percentile", "The
// nearest-rank method": lists of 5, 10 and 11 values).
func TestPercentile(t *testing.T) {
	five := []time.Duration{15, 20, 35, 40, 50}
	ten := []time.Duration{3, 6, 7, 8, 8, 10, 13, 15, 16, 20}
	eleven := []time.Duration{3, 6, 7, 8, 8, 9, 10, 13, 15, 16, 20}
	tests := []struct {
		name    string
		samples []time.Duration
		p       float64
		want    time.Duration
	}{
		{"5 values, p5", five, 5, 15},
		{"5 values, p30", five, 30, 20},
		{"5 values, p40 (a whole rank)", five, 40, 20},
		{"5 values, p50", five, 50, 35},
		{"5 values, p100", five, 100, 50},
		{"10 values, p25", ten, 25, 7},
		{"10 values, p50", ten, 50, 8},
		{"10 values, p75", ten, 75, 15},
		{"10 values, p100", ten, 100, 20},
		{"11 values, p25", eleven, 25, 7},
		{"11 values, p50", eleven, 50, 9},
		{"11 values, p75", eleven, 75, 15},
		{"11 values, p100", eleven, 100, 20},
		{"unsorted input", []time.Duration{50, 15, 40, 20, 35}, 50, 35},
		{"one value", []time.Duration{7}, 99, 7},
		{"p99 of 100: the 99th", hundred(), 99, 99},
		{"p99 of 1000: the 990th", thousand(), 99, 990},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Percentile(tc.samples, tc.p)
			if !ok || got != tc.want {
				t.Errorf("Percentile(%v, %v) = %v, %v; want %v, true", tc.samples, tc.p, got, ok, tc.want)
			}
		})
	}
}

func TestPercentileNone(t *testing.T) {
	for _, tc := range []struct {
		name    string
		samples []time.Duration
		p       float64
	}{
		{"no samples", nil, 50},
		{"p0", []time.Duration{1}, 0},
		{"p above 100", []time.Duration{1}, 101},
	} {
		if got, ok := Percentile(tc.samples, tc.p); ok {
			t.Errorf("%s: Percentile(%v, %v) = %v, true; want false", tc.name, tc.samples, tc.p, got)
		}
	}
}

func TestPercentileKeepsInput(t *testing.T) {
	s := []time.Duration{3, 1, 2}
	Percentile(s, 50)
	if s[0] != 3 || s[1] != 1 || s[2] != 2 {
		t.Errorf("Percentile sorted its input: %v; want [3 1 2]", s)
	}
}

// TestTally checks the summary of a group of actions: outcomes, requests,
// percentiles and the status list, most frequent first.
func TestTally(t *testing.T) {
	var tl Tally
	for i := 1; i <= 100; i++ {
		o, st := OK, "200"
		switch {
		case i%50 == 0:
			o, st = Limited, "429"
		case i%25 == 0:
			o, st = Failed, "timeout"
		}
		tl.Add(o, time.Duration(i)*time.Millisecond, 2, st)
	}
	s := tl.Summary()
	checks := []struct {
		name      string
		got, want any
	}{
		{"Actions", s.Actions, 100},
		{"Requests", s.Requests, 200},
		{"OK", s.OK, 96},
		{"Limited", s.Limited, 2},
		{"Fail", s.Fail, 2},
		{"P50", s.P50, 50 * time.Millisecond},
		{"P99", s.P99, 99 * time.Millisecond},
		{"Max", s.Max, 100 * time.Millisecond},
		{"SuccessRate", s.SuccessRate(), 96.0},
		{"StatusList", s.StatusList(), "200 ×96, 429 ×2, timeout ×2"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("Summary().%s = %v; want %v", c.name, c.got, c.want)
		}
	}
	var empty Tally
	if e := empty.Summary(); e.SuccessRate() != 100 || e.StatusList() != "—" {
		t.Errorf("empty Summary: SuccessRate %v, StatusList %q; want 100, %q", e.SuccessRate(), e.StatusList(), "—")
	}
}

func hundred() []time.Duration  { return series(100) }
func thousand() []time.Duration { return series(1000) }

// series is 1 … n in reverse order.
func series(n int) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = time.Duration(n - i)
	}
	return s
}

// TestStatusKB reads /proc/PID/status lines as proc(5) shows them.
func TestStatusKB(t *testing.T) {
	status := []byte("Name:\tauthlab\nVmHWM:\t   24576 kB\nVmRSS:\t   20480 kB\nThreads:\t7\n")
	for _, tc := range []struct {
		key  string
		want int64
	}{{"VmRSS:", 20480}, {"VmHWM:", 24576}, {"VmSwap:", 0}} {
		if got := statusKB(status, tc.key); got != tc.want {
			t.Errorf("statusKB(%q) = %d; want %d", tc.key, got, tc.want)
		}
	}
}
