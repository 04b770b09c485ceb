package cli

import (
	"strings"
	"testing"

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
