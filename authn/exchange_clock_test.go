package authn

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestExchangeTotalWithPinnedClock: Result.Total is measured on the
// monotonic clock, whatever Options.Now says. A clock pinned years away
// (as tests and reproduced traces pin it) once made a 2 ms exchange last
// 185 hours: Total must lie between the exchange's own timing and the wall
// time the test measured around the call.
func TestExchangeTotalWithPinnedClock(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name string
		now  time.Time
	}{
		{"pinned in the past", time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)},
		{"pinned in the future", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := New(Options{Now: func() time.Time { return tc.now }})
			t.Cleanup(e.Close)
			before := time.Now()
			res, err := e.Exchange(context.Background(), Request{URL: srv.URL})
			wall := time.Since(before)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total <= 0 || res.Total > wall {
				t.Errorf("Total = %s with Now pinned at %s; want within (0, %s], the wall time around Exchange", res.Total, tc.now.Format(time.RFC3339), wall)
			}
			if got := res.Final().Timing.Total; got > res.Total {
				t.Errorf("exchange timing %s > Result.Total %s; want the whole call to include its exchange", got, res.Total)
			}
		})
	}
}
