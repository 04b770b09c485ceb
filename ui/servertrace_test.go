package ui

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
)

var outcomeTests = []struct {
	name string
	c    Comparison
	want Outcome
}{
	{"no rows", Comparison{Server: practice.ServerTrace{Verdict: "ok"}}, NothingCompared},
	{"server only", Comparison{Server: practice.ServerTrace{Verdict: "ok"}, Rows: []Row{{Label: "server time", Side: ServerOnly}}}, NothingCompared},
	{"agree", Comparison{Server: practice.ServerTrace{Verdict: "ok"}, Rows: []Row{{Label: "nonce", HasClient: true}}}, Agree},
	{"refused", Comparison{Server: practice.ServerTrace{Verdict: "unknown token"}, Rows: []Row{{Label: "nonce", HasClient: true}}}, RefusedAgree},
	{"differ", Comparison{Differ: true, First: practice.Difference{Label: "signature"}, Rows: []Row{{Label: "nonce", HasClient: true}}}, Differ},
}

func TestComparisonOutcome(t *testing.T) {
	for _, tt := range outcomeTests {
		got := tt.c.Outcome()
		if got != tt.want {
			t.Errorf("%s: Outcome() = %d; want %d", tt.name, got, tt.want)
		}
		if s := tt.c.Summary(); strings.HasPrefix(s, "✓") != (tt.want == Agree) {
			t.Errorf("%s: Summary() = %q; a tick only for Agree", tt.name, s)
		}
	}
}

func TestCompareNothingSent(t *testing.T) {
	for _, res := range []*authn.Result{nil, {}, {Exchanges: []authn.Exchange{{}}}} {
		if _, ok := Compare(res); ok {
			t.Errorf("Compare(%+v) ok = true; want false (nothing received, nothing compared)", res)
		}
	}
}
