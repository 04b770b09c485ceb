package practice

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingWriter counts the bytes written to it.
type countingWriter struct{ n atomic.Int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n.Add(int64(len(p))); return len(p), nil }

// consoleFloodBound is what a 100 000-request flood may print: a few
// blocks and summary lines (before the console was rate-limited it
// printed ~13 MB, one block per request).
const consoleFloodBound = 16 << 10

// A flood of 100 000 verifications from one client prints a bounded number
// of bytes on the console, and another student's requests still show.
// (Fails on the console before #17: ~13 MB.)
func TestConsoleFloodBounded(t *testing.T) {
	var out countingWriter
	var tail syncBuffer
	h := New(Options{Now: func() time.Time { return srvNow }, Log: &out}).Handler()
	basic := "Basic ZGVtbzpkZW1vLXBhc3N3b3Jk" // demo:demo-password
	n := 100000
	if testing.Short() {
		n = 20000
	}
	for i := range n {
		r := httptest.NewRequest("GET", "/github/user", nil)
		r.RemoteAddr = "10.0.0.7:40000"
		r.Header.Set("Authorization", basic)
		h.ServeHTTP(httptest.NewRecorder(), r)
		if i == n/2 {
			// a second server's console shows what another client sees
			h2 := New(Options{Now: func() time.Time { return srvNow }, Log: &tail}).Handler()
			r := httptest.NewRequest("GET", "/github/user", nil)
			r.RemoteAddr = "10.0.0.8:40000"
			h2.ServeHTTP(httptest.NewRecorder(), r)
		}
	}
	if got := out.n.Load(); got > consoleFloodBound {
		t.Errorf("a flood of %d requests printed %d bytes on the console; want at most %d", n, got, consoleFloodBound)
	}
	t.Logf("flood of %d requests: %d console bytes", n, out.n.Load())
	if !strings.Contains(tail.String(), "10.0.0.8 GET /github/user → 401") {
		t.Errorf("console lacks the other client's block:\n%s", tail.String())
	}
}

// The console's summaries: after Burst blocks per client and endpoint,
// requests are counted and summed up per client when the window ends,
// naming the client; statuses all the same or listed with counts.
func TestConsoleSummaries(t *testing.T) {
	var out syncBuffer
	c := NewConsole(&out, ConsoleOptions{Burst: 2, Window: 10 * time.Second, Now: func() time.Time { return srvNow.Add(20 * time.Second) }})
	alice := Client{Key: "10.0.0.7", Addr: "10.0.0.7", Student: "alice"}
	bob := Client{Key: "10.0.0.9", Addr: "10.0.0.9"}
	ev := func(cl Client, path string, status int, mistake string, at time.Duration) Event {
		return Event{Time: srvNow.Add(at), Client: cl, Method: "GET", Path: path, Status: status, Mistake: mistake,
			Trace: ServerTrace{Endpoint: path, Scheme: "basic", Verdict: "v"}}
	}
	for i := range 414 {
		c.Observe(ev(alice, "/github/user", 200, "", time.Duration(i)*time.Millisecond))
	}
	for i := range 5 {
		st, m := 401, "wrong password"
		if i == 4 {
			st, m = 200, ""
		}
		c.Observe(ev(bob, "/digest", st, m, time.Second))
	}
	c.Observe(ev(bob, "/github/user", 200, "", 2*time.Second)) // bob's own pair: a block
	// the next event after the window sweeps alice's summary
	c.Observe(ev(bob, "/apikey", 200, "", 11*time.Second))
	c.Flush()
	got := out.String()
	for _, want := range []string{
		"2023-11-14T22:13:31Z alice (10.0.0.7): 412 more requests to GET /github/user in 11s, all 200\n",
		"10.0.0.9: 3 more requests to GET /digest in 10s: 2× 401, 1× 200 · most often wrong password\n",
		"10.0.0.9 GET /github/user → 200\n",
		"10.0.0.9 GET /apikey → 200\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("console lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "alice (10.0.0.7) GET /github/user → 200\n"); n != 2 {
		t.Errorf("console shows %d blocks of alice's; want Burst = 2:\n%s", n, got)
	}
}

// Beyond MaxGroups client × endpoint pairs, requests are counted together.
func TestConsoleMaxGroups(t *testing.T) {
	var out syncBuffer
	c := NewConsole(&out, ConsoleOptions{Burst: 1, MaxGroups: 2, Now: func() time.Time { return srvNow }})
	for i := range 50 {
		a := fmt.Sprintf("10.0.1.%d", i)
		c.Observe(Event{Time: srvNow, Client: Client{Key: a, Addr: a}, Method: "GET", Path: "/x", Status: 404})
	}
	c.Flush()
	got := out.String()
	if n := strings.Count(got, "→ 404"); n != 2 {
		t.Errorf("console shows %d blocks; want MaxGroups = 2:\n%s", n, got)
	}
	if !strings.Contains(got, "48 more requests from other clients") {
		t.Errorf("console lacks the other clients' count:\n%s", got)
	}
}

// Hostile values stay on one line and are cut.
func TestConsoleHostileValues(t *testing.T) {
	var out syncBuffer
	c := NewConsole(&out, ConsoleOptions{MaxValue: 10})
	c.Observe(Event{Time: srvNow, Client: Client{Key: "1", Addr: "1", Student: "eve"}, Method: "GET", Path: "/x\x1b[2J",
		Trace: ServerTrace{Verdict: "ok\rFAKE", Values: []TraceValue{{Label: "l\n", Value: strings.Repeat("a", 50)}}}})
	got := out.String()
	for _, bad := range []string{"\x1b", "\r", "l\n", strings.Repeat("a", 11)} {
		if strings.Contains(got, bad) {
			t.Errorf("console shows %q:\n%q", bad, got)
		}
	}
	if !strings.Contains(got, "aaaaaaaaaa… (40 more)") {
		t.Errorf("console does not cut a long value:\n%q", got)
	}
}

// loopbackClient sends from a given loopback address (Linux routes all of
// 127/8 to lo) as a distinct machine would, naming a student.
func loopbackClient(ip, student string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &studentTransport{student, &http.Transport{DialContext: d.DialContext}}}
}

type studentTransport struct {
	student string
	rt      http.RoundTripper
}

func (s *studentTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if s.student != "" {
		r.Header.Set(StudentHeader, s.student)
	}
	return s.rt.RoundTrip(r)
}

// do sends one request and returns the status and the body.
func do(t *testing.T, c *http.Client, method, u string, form url.Values, headers ...string) (int, string) {
	t.Helper()
	var req *http.Request
	var err error
	if form != nil {
		req, err = http.NewRequest(method, u, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, err = http.NewRequest(method, u, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

// Over real sockets from distinct loopback addresses: the console names
// each client, masks the device flow's user_code and device_code, the
// OAuth 1.0a request token and its PIN, and keeps a flooder to its burst
// and one summary.
func TestConsoleClientsAndMasking(t *testing.T) {
	var out syncBuffer
	var events []Event
	var mu sync.Mutex
	console := NewConsole(&out, ConsoleOptions{Now: func() time.Time { return srvNow }})
	ts := startServer(t, Options{AutoApprove: true, Observe: func(e Event) {
		console.Observe(e)
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}})
	flooder, alice := loopbackClient("127.0.0.2", ""), loopbackClient("127.0.0.3", "alice")
	for range 300 {
		do(t, flooder, "GET", ts.URL+"/github/user", nil, "Authorization: Basic ZGVtbzpkZW1vLXBhc3N3b3Jk")
	}
	_, dev := do(t, alice, "POST", ts.URL+"/oauth2/device", url.Values{"client_id": {DemoOAuth2PublicClientID}})
	var d struct {
		DeviceCode string `json:"device_code"`
		UserCode   string `json:"user_code"`
	}
	if err := json.Unmarshal([]byte(dev), &d); err != nil || d.UserCode == "" || d.DeviceCode == "" {
		t.Fatalf("POST /oauth2/device = %q (%v); want a device and a user code", dev, err)
	}
	_, tok := do(t, alice, "POST", ts.URL+"/oauth2/token", url.Values{"client_id": {DemoOAuth2PublicClientID},
		"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"}, "device_code": {d.DeviceCode}})
	console.Flush()
	got := out.String()
	secrets := []string{d.UserCode, d.DeviceCode}
	var at struct {
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal([]byte(tok), &at) == nil && at.AccessToken != "" {
		secrets = append(secrets, at.AccessToken)
	}
	for _, s := range secrets {
		if strings.Contains(got, s) {
			t.Errorf("console shows the code or token %q:\n%s", s, got)
		}
	}
	for _, want := range []string{
		"alice (127.0.0.3) POST /oauth2/device → 200\n",
		"  user_code: •••• (masked, ",
		"127.0.0.2 GET /github/user → 200\n",
		"127.0.0.2: 297 more requests to GET /github/user, all 200\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("console lacks %q:\n%s", want, got)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 302 {
		t.Errorf("observer saw %d events; want 302", len(events))
	}
	for _, e := range events {
		if b, _ := json.Marshal(e); strings.Contains(string(b), d.UserCode) {
			t.Errorf("event %s holds the user_code: %s", e.Endpoint(), b)
		}
	}
}

// The room and console observers get refusals too (limits call Refused).
func TestRefusedEvent(t *testing.T) {
	var got []Event
	s := New(Options{Now: func() time.Time { return srvNow }, Observe: func(e Event) { got = append(got, e) }})
	r := httptest.NewRequest("GET", "/github/user?token=x", nil)
	r.RemoteAddr = "10.0.0.7:1"
	r.Header.Set(StudentHeader, "alice")
	s.Refused(r, http.StatusTooManyRequests, "too many requests")
	if len(got) != 1 || got[0].Kind != EventRefused || got[0].Path != "/github/user" || got[0].Client.Label() != "alice (10.0.0.7)" || got[0].Status != 429 {
		t.Fatalf("Refused events = %+v; want one 429 refusal of alice at /github/user", got)
	}
	var out syncBuffer
	NewConsole(&out, ConsoleOptions{}).Observe(got[0])
	if want := "alice (10.0.0.7) GET /github/user → 429\n  refused: too many requests\n"; !strings.Contains(out.String(), want) {
		t.Errorf("console = %q; want it to contain %q", out.String(), want)
	}
}

// Run prints a window's summary once the flood stops, without another
// request.
func TestConsoleRunSweeps(t *testing.T) {
	var out syncBuffer
	var now atomic.Int64
	now.Store(srvNow.Unix())
	c := NewConsole(&out, ConsoleOptions{Burst: 1, Window: time.Second, Now: func() time.Time { return time.Unix(now.Load(), 0) }})
	for range 5 {
		c.Observe(Event{Time: srvNow, Client: Client{Key: "a", Addr: "a"}, Method: "GET", Path: "/x", Status: 200})
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	now.Store(srvNow.Unix() + 5)
	deadline, ok := t.Deadline()
	if !ok {
		deadline = time.Now().Add(time.Minute)
	}
	for !strings.Contains(out.String(), "a: 4 more requests to GET /x") {
		if time.Now().After(deadline.Add(-time.Second)) {
			t.Fatalf("Run did not print the summary:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}

// The console on Options.Log never shows a device user_code (a projected
// console let students deny each other's codes). Fails on the console
// before #17, which printed every user_code.
func TestConsoleMasksUserCode(t *testing.T) {
	var log syncBuffer
	h := New(Options{Now: func() time.Time { return srvNow }, Log: &log}).Handler()
	r := httptest.NewRequest("POST", "/oauth2/device", strings.NewReader(url.Values{"client_id": {DemoOAuth2PublicClientID}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var d struct {
		UserCode string `json:"user_code"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil || d.UserCode == "" {
		t.Fatalf("POST /oauth2/device = %q (%v); want a user_code", w.Body.String(), err)
	}
	if strings.Contains(log.String(), d.UserCode) {
		t.Errorf("console shows the user_code %q:\n%s", d.UserCode, log.String())
	}
}
