package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/authlab/authlab/ui/format"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/sanitize"
)

// MaxRepeat bounds --repeat: enough for a latency check or a rate-limit
// probe, not a load generator.
const MaxRepeat = 100000

// repeatStats summarises the sends of `authlab send --repeat N`: how long
// each took, what came back, and how many of their exchanges reused a
// pooled connection instead of opening one.
type repeatStats struct {
	totals   []time.Duration // per send, as Result.Total
	statuses map[int]int     // final status → sends
	errs     map[string]int  // error kind → sends without a final status
	opened   int             // exchanges that opened a connection
	reused   int             // exchanges that reused one
	worst    error           // the exit error of the worst send (nil: all 2xx)
}

// add counts one send: its Result and the exchange error.
func (s *repeatStats) add(res *authn.Result, xerr error) {
	s.totals = append(s.totals, res.Total)
	for _, ex := range res.Exchanges {
		switch {
		case ex.Timing.Remote == "": // no connection was obtained
		case ex.Timing.Reused:
			s.reused++
		default:
			s.opened++
		}
	}
	e := exitFor(res, xerr) // the one classification of an outcome
	if fin := res.Final(); fin != nil && fin.Response != nil && (xerr == nil || errors.Is(xerr, authn.ErrRefused)) {
		s.statuses[fin.Response.Status]++
	} else if xerr != nil {
		s.errs[errKind(exitCode(e))]++
	}
	if exitRank(e) > exitRank(s.worst) {
		s.worst = e
	}
}

// exitCode is the code Run exits with for err, an error of exitFor.
func exitCode(err error) int {
	var ee *exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	}
	return ExitError
}

// errKind names, in a few words for the summary, the exit code of a send
// that got no final status.
func errKind(code int) string {
	switch code {
	case ExitTimeout:
		return "timeout"
	case ExitInterrupted:
		return "interrupted"
	case ExitTooManyHops:
		return "too many redirects"
	}
	return "error"
}

// exitRank orders exit errors from best to worst: success, 3xx, 4xx, 5xx,
// too many redirects, timeout, any other error, interrupted. The exit code
// of --repeat is the worst one seen, so any failed send fails the command.
func exitRank(err error) int {
	switch exitCode(err) {
	case ExitOK:
		return 0
	case ExitRedirect:
		return 1
	case ExitClientError:
		return 2
	case ExitServerError:
		return 3
	case ExitTooManyHops:
		return 4
	case ExitTimeout:
		return 5
	case ExitInterrupted:
		return 7
	}
	return 6
}

// percentile returns the p-th percentile (0–100) of sorted by the
// nearest-rank method.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (p*len(sorted) + 99) / 100 // ceil(p/100 × n)
	if i < 1 {
		i = 1
	}
	return sorted[i-1]
}

// summary is the one line printed after the sends, e.g.
//
//	100 sends · 100× 200 · min 0.3 ms · median 0.4 ms · p90 0.6 ms · max 3.1 ms · connections: 1 opened, 99 reused
func (s *repeatStats) summary() string {
	n := len(s.totals)
	parts := []string{strconv.Itoa(n) + " sends"}
	if n == 1 {
		parts[0] = "1 send"
	}
	var outcomes []string
	for _, c := range slices.Sorted(maps.Keys(s.statuses)) {
		outcomes = append(outcomes, fmt.Sprintf("%d× %d", s.statuses[c], c))
	}
	for _, k := range slices.Sorted(maps.Keys(s.errs)) {
		outcomes = append(outcomes, fmt.Sprintf("%d× %s", s.errs[k], k))
	}
	if len(outcomes) > 0 {
		parts = append(parts, strings.Join(outcomes, ", "))
	}
	if n > 0 {
		sorted := slices.Clone(s.totals)
		slices.Sort(sorted)
		parts = append(parts, "min "+format.Duration(sorted[0]), "median "+format.Duration(percentile(sorted, 50)),
			"p90 "+format.Duration(percentile(sorted, 90)), "max "+format.Duration(sorted[n-1]))
	}
	parts = append(parts, fmt.Sprintf("connections: %d opened, %d reused", s.opened, s.reused))
	return strings.Join(parts, " · ")
}

// progressLine is the --verbose line of send i (1-based) of n.
func progressLine(i, n int, res *authn.Result, xerr error) string {
	outcome := ""
	if fin := res.Final(); fin != nil && fin.Response != nil {
		outcome = fmt.Sprintf("%d %s", fin.Response.Status, sanitize.Line(fin.Response.Reason))
	} else if xerr != nil {
		outcome = oneLine(xerr)
	}
	conn := "no connection"
	if fin := res.Final(); fin != nil && fin.Timing.Remote != "" {
		conn = "new connection"
		if fin.Timing.Reused {
			conn = "reused"
		}
	}
	return fmt.Sprintf("#%d/%d · %s · %s · %s", i, n, outcome, format.Duration(res.Total), conn)
}

// repeatSends runs send n times, one after the other, and returns the last
// Result, its error and the statistics of all of them. It stops early when
// ctx is done (Ctrl-C) or a send fails on bad input (the next would too).
// With progress non-nil, one line per send goes there.
func repeatSends(ctx context.Context, n int, send func() (*authn.Result, error), progress io.Writer) (*authn.Result, error, *repeatStats) {
	st := &repeatStats{totals: make([]time.Duration, 0, n), statuses: map[int]int{}, errs: map[string]int{}}
	var res *authn.Result
	var xerr error
	for i := 1; i <= n; i++ {
		res, xerr = send()
		st.add(res, xerr)
		if progress != nil {
			fmt.Fprintln(progress, progressLine(i, n, res, xerr))
		}
		var ie *authn.InputError
		if ctx.Err() != nil || errors.As(xerr, &ie) {
			break
		}
	}
	return res, xerr, st
}
