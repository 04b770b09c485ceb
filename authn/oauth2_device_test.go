package authn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// deviceServer is a loopback authorization server for the device grant
// whose device authorization response carries the JSON members extra
// besides the codes and the URI: no expires_in unless extra has one (RFC
// 8628 §3.2 makes it REQUIRED; some servers leave it out). Its token
// endpoint answers poll n with answer(n).
type deviceServer struct {
	*httptest.Server
	mu     sync.Mutex
	polls  int
	answer func(n int) (status int, body string)
}

func newDeviceServer(t *testing.T, extra string, answer func(n int) (int, string)) *deviceServer {
	t.Helper()
	d := &deviceServer{answer: answer}
	d.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/device":
			fmt.Fprintf(w, `{"device_code":"dev-code-0123456789","user_code":"WDJB-MJHT","verification_uri":"https://example.com/device",%s}`, extra)
		case "/token":
			d.mu.Lock()
			d.polls++
			n := d.polls
			d.mu.Unlock()
			status, body := d.answer(n)
			w.WriteHeader(status)
			io.WriteString(w, body)
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	t.Cleanup(d.Close)
	return d
}

func (d *deviceServer) pollCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.polls
}

func (d *deviceServer) request() Request {
	return Request{URL: d.URL + "/me", Scheme: "oauth2", Fields: map[string]string{
		"grant": "device_code", "device_auth_url": d.URL + "/device", "token_url": d.URL + "/token", "client_id": "cli"}}
}

const devicePending = `{"error":"authorization_pending"}`

// deviceClock is a clock seam that stands still unless Advance moves it;
// oauth2Wait then waits the real interval.
type deviceClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *deviceClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *deviceClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// devicePollSteps counts the trace's "Poll N: …" steps.
func devicePollSteps(res *Result) int {
	n := 0
	for _, st := range res.Trace.Steps {
		if strings.HasPrefix(st.Title, "Poll ") {
			n++
		}
	}
	return n
}

// TestDeviceFlowBoundedByTimeout: a server that never approves and gives
// no expires_in, interval 1 s, a 2.5 s timeout and a clock that stands
// still: polls at 1 s and 2 s, then the timeout ends the third wait. The
// exchange ends with ErrTimeout after exactly two polls, and the user's
// countdown ended at the timeout, not at the assumed 30 min lifetime.
func TestDeviceFlowBoundedByTimeout(t *testing.T) {
	t.Parallel()
	srv := newDeviceServer(t, `"interval":1`, func(int) (int, string) { return http.StatusBadRequest, devicePending })
	clock := &deviceClock{now: time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)}
	e := New(Options{Timeout: 2500 * time.Millisecond, Now: clock.Now})
	t.Cleanup(e.Close)
	req := srv.request()
	var notices []Notice
	var mu sync.Mutex
	req.Notify = func(n Notice) { mu.Lock(); notices = append(notices, n); mu.Unlock() }
	res, err := e.Exchange(context.Background(), req)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Exchange error = %v; want ErrTimeout", err)
	}
	if !strings.Contains(err.Error(), "--timeout") {
		t.Errorf("error %q; want it to say that --timeout bounds the wait", err)
	}
	if got := srv.pollCount(); got != 2 {
		t.Errorf("token endpoint polled %d times; want 2 (at 1 s and 2 s of a 2.5 s timeout)", got)
	}
	if got := devicePollSteps(res); got != 2 {
		t.Errorf("trace has %d poll steps; want 2", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(notices) == 0 || notices[0].Deadline.IsZero() || notices[0].Deadline.After(clock.Now().Add(2500*time.Millisecond)) {
		t.Errorf("first notice = %+v; want a countdown to the 2.5 s timeout", notices)
	}
	if v, ok := sigv4Value(&res.Trace, "expires_in"); !ok || !strings.Contains(v.Text, "30 min assumed") {
		t.Errorf("trace expires_in = %q; want the 30 min default named as assumed", v.Text)
	}
}

// TestDeviceFlowCanceled: cancelling the context (Esc in the TUI, Ctrl-C)
// during the first poll ends the flow with ErrCanceled; nothing polls again.
func TestDeviceFlowCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := newDeviceServer(t, `"interval":1`, func(int) (int, string) { cancel(); return http.StatusBadRequest, devicePending })
	e := New(Options{Timeout: time.Minute})
	t.Cleanup(e.Close)
	_, err := e.Exchange(ctx, srv.request())
	if !errors.Is(err, ErrCanceled) {
		t.Fatalf("Exchange error = %v; want ErrCanceled", err)
	}
	if got := srv.pollCount(); got != 1 {
		t.Errorf("token endpoint polled %d times; want 1", got)
	}
}

// TestDeviceFlowDefaultLifetime: without expires_in the code is assumed to
// live 30 minutes. The server moves the clock 15 minutes at each poll, so
// after the second poll the next one would be past the lifetime: the flow
// stops with ErrTimeout naming the assumed lifetime, with a long timeout
// that plays no part.
func TestDeviceFlowDefaultLifetime(t *testing.T) {
	t.Parallel()
	clock := &deviceClock{now: time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)}
	srv := newDeviceServer(t, `"interval":1`, func(int) (int, string) {
		clock.Advance(15 * time.Minute)
		return http.StatusBadRequest, devicePending
	})
	e := New(Options{Timeout: time.Minute, Now: clock.Now})
	t.Cleanup(e.Close)
	res, err := e.Exchange(context.Background(), srv.request())
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "30 min") || !strings.Contains(err.Error(), "expires_in") {
		t.Fatalf("Exchange error = %v; want ErrTimeout naming the assumed 30 min lifetime", err)
	}
	if got := srv.pollCount(); got != 2 {
		t.Errorf("token endpoint polled %d times; want 2", got)
	}
	if got := devicePollSteps(res); got != 2 {
		t.Errorf("trace has %d poll steps; want 2", got)
	}
}

// TestDeviceFlowSlowDownCapped: a server that answers slow_down to every
// poll and approves the 15th: the interval grows by 5 s per answer (RFC
// 8628 §3.5) from 1 s up to the 1 min cap and stays there. The clock seam
// moves a minute each time it is read, so no wait lasts (oauth2Wait ends
// when the seam says the interval passed); the intervals do not depend on
// it, and the 24 h expires_in is never reached.
func TestDeviceFlowSlowDownCapped(t *testing.T) {
	t.Parallel()
	clock := &deviceClock{now: time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)}
	fast := func() time.Time { clock.Advance(time.Minute); return clock.Now() }
	srv := newDeviceServer(t, `"interval":1,"expires_in":86400`, func(n int) (int, string) {
		if n == 15 {
			return http.StatusOK, `{"access_token":"at-0123456789","token_type":"Bearer","expires_in":3600}`
		}
		return http.StatusBadRequest, `{"error":"slow_down"}`
	})
	e := New(Options{Timeout: time.Minute, Now: fast})
	t.Cleanup(e.Close)
	res, err := e.Exchange(context.Background(), srv.request())
	if err != nil {
		t.Fatalf("Exchange = %v", err)
	}
	var got []string
	for _, st := range res.Trace.Steps {
		if strings.HasSuffix(st.Title, ": slow_down") {
			for _, v := range st.Values {
				if v.Label == "new interval" {
					got = append(got, v.Text)
				}
			}
		}
	}
	want := []string{"6 s", "11 s", "16 s", "21 s", "26 s", "31 s", "36 s", "41 s", "46 s", "51 s", "56 s", "1 min", "1 min", "1 min"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("intervals after each slow_down = %v; want %v", got, want)
	}
}
