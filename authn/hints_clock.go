package authn

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Clock skew: the response's Date header (RFC 9110 §6.6.1) against the local
// clock when the response arrived.

func init() { registerRecognizer("clock", hintRankClock, clockHints) }

// maxClockSkew is the offset beyond which time-based credentials start to
// fail (Twitter's OAuth 1.0a window is about five minutes).
const maxClockSkew = 5 * time.Minute

// clockOffset returns how far the server's clock is ahead of the local one
// (negative: behind), measured from the Date header plus the Age header of a
// cached response (RFC 9111 §5.1), rounded to the second. It is false when
// there is no usable Date header or no local time.
func (in hintInput) clockOffset() (time.Duration, bool) {
	if in.now.IsZero() {
		return 0, false
	}
	date, err := http.ParseTime(in.header("Date"))
	if err != nil {
		return 0, false
	}
	if age, err := strconv.ParseInt(strings.TrimSpace(in.header("Age")), 10, 32); err == nil && age > 0 {
		date = date.Add(time.Duration(age) * time.Second)
	}
	return date.Sub(in.now).Round(time.Second), true
}

// describeOffset says "7m12s ahead of yours" or "3h0m0s behind yours".
func describeOffset(d time.Duration) string {
	switch {
	case d > 0:
		return d.String() + " ahead of yours"
	case d < 0:
		return (-d).String() + " behind yours"
	}
	return "in step with yours"
}

func clockHints(in hintInput) []Hint {
	off, ok := in.clockOffset()
	if !ok || (off <= maxClockSkew && off >= -maxClockSkew) {
		return nil
	}
	// The checks of the registered schemes come from their Info, the one
	// in use first; time-based schemes authlab does not implement follow.
	var first, rest []string
	for _, s := range Schemes() {
		switch si := s.Info(); {
		case si.ClockNote == "":
		case si.Name == in.schemeName():
			first = append(first, si.ClockNote)
		default:
			rest = append(rest, si.ClockNote)
		}
	}
	rest = append(rest,
		"TOTP: codes are computed from 30-second time steps, so the server expects another code (RFC 6238 §5.2)",
		"other MAC schemes with a timestamp reject a stale one")
	all := []string{"Synchronise the local clock with NTP (e.g. `timedatectl set-ntp true`), or check the server's if yours is right"}
	all = append(all, first...)
	all = append(all, rest...)
	return []Hint{{
		Level: LevelWarn,
		Title: "Clock skew · server clock is " + describeOffset(off),
		Detail: fmt.Sprintf("The response's Date header says %s; your clock said %s when it arrived. "+
			"Credentials that carry a time (OAuth 1.0a timestamps, SigV4 dates, JWT exp/nbf, TOTP codes) fail when the clocks disagree by more than a few minutes.",
			in.header("Date"), in.now.UTC().Format(http.TimeFormat)),
		Checks: all,
		Ref:    "RFC 9110 §6.6.1",
	}}
}
