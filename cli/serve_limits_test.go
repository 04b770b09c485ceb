package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/practice"
)

var serveLimitFlagTests = []struct {
	flags   serveLimitFlags
	wantErr string // "" = accepted
}{
	{serveLimitFlags{maxConns: 40, perClientConns: 8, rate: 5, burst: 10}, ""},
	{serveLimitFlags{maxConns: 0, perClientConns: 0, rate: 0, burst: 1}, ""}, // all off
	{serveLimitFlags{maxConns: -1, burst: 1}, "bad --max-conns"},
	{serveLimitFlags{perClientConns: -3, burst: 1}, "bad --per-client-conns"},
	{serveLimitFlags{rate: -0.5, burst: 1}, "bad --rate"},
	{serveLimitFlags{rate: 5, burst: 0}, "bad --burst"},
}

// serve's limit flags: 0 turns a limit off, a negative count is one clear
// line naming the flag.
func TestServeLimitFlags(t *testing.T) {
	for _, tt := range serveLimitFlagTests {
		l, err := tt.flags.resolve()
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("resolve(%+v) = %v; want no error", tt.flags, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("resolve(%+v) = %v; want %q", tt.flags, err, tt.wantErr)
		case err == nil && (l.MaxConns != tt.flags.maxConns || l.PerClientConns != tt.flags.perClientConns || l.Rate != tt.flags.rate || l.Burst != tt.flags.burst):
			t.Errorf("resolve(%+v) = %+v; want the flags' values", tt.flags, l)
		case err == nil && l.IdleTimeout != practice.ServeLimits().IdleTimeout:
			t.Errorf("resolve(%+v).IdleTimeout = %s; want the default %s", tt.flags, l.IdleTimeout, practice.ServeLimits().IdleTimeout)
		}
	}
}

// The start-up line names every limit in force, the tarpit included, and
// says which are off.
func TestLimitsText(t *testing.T) {
	for _, tt := range []struct {
		l    practice.Limits
		want []string
	}{
		{practice.Limits{MaxConns: 768, PerClientConns: 32, Rate: 20, Burst: 40, Tarpit: practice.DefaultTarpit, IdleTimeout: 30 * time.Second},
			[]string{"768 open connections", "32 connections per client", "20 requests/s per client (burst 40), a 429 held 500ms", "idle connections closed after 30s"}},
		{practice.Limits{Rate: 5, Burst: 10, IdleTimeout: 30 * time.Second},
			[]string{"no limit on open connections", "no limit on connections per client", "5 requests/s per client (burst 10);"}},
		{practice.Limits{IdleTimeout: 30 * time.Second}, []string{"no request-rate limit"}},
	} {
		got := limitsText(tt.l)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("limitsText(%+v) = %q; want it to contain %q", tt.l, got, w)
			}
		}
	}
}
