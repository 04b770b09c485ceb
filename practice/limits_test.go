package practice

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A client flooding from 127.0.0.2 gets 429 with Retry-After and a JSON
// body naming the limit, while 127.0.0.3 keeps getting 200 (today the
// flood is served in full, and shares the server with everyone).
func TestRateLimitFlood(t *testing.T) {
	l := EmbeddedLimits()
	l.Rate, l.Burst = 0.001, 5 // one token per 1000 s: the burst is all there is
	addr, _ := limited(t, l)
	flooder, student := clientFrom(t, "127.0.0.2"), clientFrom(t, "127.0.0.3")
	get := func(c *http.Client) (*http.Response, []byte) {
		t.Helper()
		resp, err := c.Get("http://" + addr + "/apikey?api_key=" + DemoAPIKey)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	var limited *http.Response
	var body []byte
	for i := 0; i < 50 && limited == nil; i++ {
		if resp, b := get(flooder); resp.StatusCode == http.StatusTooManyRequests {
			limited, body = resp, b
		} else if i >= l.Burst {
			t.Fatalf("flood request %d = %d; want 429 after a burst of %d", i, resp.StatusCode, l.Burst)
		}
		if resp, _ := get(student); i < l.Burst && resp.StatusCode != http.StatusOK {
			t.Fatalf("127.0.0.3's request %d during the flood = %d; want 200", i, resp.StatusCode)
		}
	}
	if limited == nil {
		t.Fatal("50 requests from one client: no 429")
	}
	if ra, err := strconv.Atoi(limited.Header.Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("Retry-After = %q; want whole seconds ≥ 1", limited.Header.Get("Retry-After"))
	}
	if got := limited.Header.Get("X-RateLimit-Remaining"); got != "0" {
		t.Errorf("X-RateLimit-Remaining = %q; want %q", got, "0")
	}
	var v rateLimited
	if err := json.Unmarshal(body, &v); err != nil || v.Limit != "requests_per_second" || v.Burst != l.Burst || v.Client != "127.0.0.2" ||
		!strings.Contains(v.Message, "secondary rate limit") {
		t.Errorf("429 body = %s (%v); want the limit named, burst %d, client 127.0.0.2", body, err, l.Burst)
	}
}

// The token bucket on a fake clock: the burst, then one request per 1/rate.
func TestRateLimiterBucket(t *testing.T) {
	now := time.Unix(1e9, 0)
	rl := newRateLimiter(Limits{Rate: 2, Burst: 3, MaxClients: 8}, func() time.Time { return now })
	steps := []struct {
		advance  time.Duration
		ok       bool
		wantWait time.Duration
	}{
		{0, true, 0}, {0, true, 0}, {0, true, 0},
		{0, false, 500 * time.Millisecond},
		{250 * time.Millisecond, false, 250 * time.Millisecond},
		{250 * time.Millisecond, true, 0},
		{0, false, 500 * time.Millisecond},
		{10 * time.Second, true, 0}, // refilled to the burst, not beyond
		{0, true, 0}, {0, true, 0}, {0, false, 500 * time.Millisecond},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		ok, _, wait := rl.take("10.0.0.7")
		if ok != s.ok || (wait-s.wantWait).Abs() > time.Millisecond {
			t.Errorf("step %d: take(%q) = %v, wait %s; want %v, wait %s", i, "10.0.0.7", ok, wait, s.ok, s.wantWait)
		}
	}
}

// The per-client table is bounded: the client idle longest is forgotten.
func TestRateLimiterTableBounded(t *testing.T) {
	now := time.Unix(1e9, 0)
	rl := newRateLimiter(Limits{Rate: 1, Burst: 2, MaxClients: 3}, func() time.Time { return now })
	for i := range 100 {
		now = now.Add(time.Millisecond)
		rl.take(fmt.Sprintf("10.0.0.%d", i))
		if n := len(rl.clients); n > 3 {
			t.Fatalf("after %d clients the table holds %d; want at most 3", i+1, n)
		}
	}
	if _, ok := rl.clients["10.0.0.99"]; !ok {
		t.Errorf("the newest client was forgotten; want the idlest gone")
	}
	if _, ok := rl.clients["10.0.0.0"]; ok {
		t.Errorf("the oldest client is still remembered")
	}
}

var bodyCapTests = []struct {
	name, method, path string
	size               int
	chunked            bool
	tooLarge           bool // 413 wanted; else any status but 413
}{
	{"token form over 16 KiB, Content-Length", "POST", "/oauth2/token", 17 << 10, false, true},
	{"token form over 16 KiB, chunked", "POST", "/oauth2/token", 17 << 10, true, true},
	{"token form within, chunked", "POST", "/oauth2/token", 1 << 10, true, false},
	{"tweet over 16 KiB, chunked", "POST", "/twitter/1.1/statuses/update.json", 20 << 10, true, true},
	{"digest auth-int over 64 KiB, Content-Length", "POST", "/digest", 65<<10 + 1, false, true},
	{"digest within 64 KiB, chunked", "POST", "/digest", 60 << 10, true, false},
	{"aws over 1 MiB, Content-Length", "PUT", "/aws", 1<<20 + 1, false, true},
	{"aws over 1 MiB, chunked", "PUT", "/aws", 1<<20 + 1, true, true},
	{"aws, normalised path, over 1 MiB", "PUT", "//aws", 1<<20 + 1, false, true},
	{"aws 512 KiB, chunked", "PUT", "/aws", 512 << 10, true, false},
}

// Each route has a body cap: a Content-Length over it is answered 413 at
// once, before any body byte is sent; a chunked body over it gets 413 too
// (today every route reads 1 MiB and answers 400 beyond).
func TestBodyCaps(t *testing.T) {
	addr, _ := limited(t, EmbeddedLimits())
	for _, tt := range bodyCapTests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialFrom(t, "127.0.0.2", addr)
			c.SetDeadline(until(t))
			br := bufio.NewReader(c)
			head := tt.method + " " + tt.path + " HTTP/1.1\r\nHost: practice\r\nContent-Type: application/x-www-form-urlencoded\r\n"
			body := strings.Repeat("a", tt.size)
			if tt.chunked {
				head += "Transfer-Encoding: chunked\r\n\r\n"
				// the head first: the chunks are written by another
				// goroutine, which must not race it onto the wire
				io.WriteString(c, head)
				go func() { // the server may answer and close before the end
					for b := body; len(b) > 0; {
						n := min(len(b), 4096)
						if _, err := fmt.Fprintf(c, "%x\r\n%s\r\n", n, b[:n]); err != nil {
							return
						}
						b = b[n:]
					}
					io.WriteString(c, "0\r\n\r\n")
				}()
			} else {
				// headers only: the answer must come without the body
				io.WriteString(c, head+"Content-Length: "+strconv.Itoa(tt.size)+"\r\n\r\n")
			}
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("%s %s (%d bytes): %v", tt.method, tt.path, tt.size, err)
			}
			resp.Body.Close()
			if got := resp.StatusCode == http.StatusRequestEntityTooLarge; got != tt.tooLarge {
				t.Errorf("%s %s with %d bytes (chunked %v) = %d; want 413: %v", tt.method, tt.path, tt.size, tt.chunked, resp.StatusCode, tt.tooLarge)
			}
		})
	}
}

// GET / lists each endpoint's body cap.
func TestIndexListsBodyCaps(t *testing.T) {
	s := New(Options{})
	want := map[string]int64{"/oauth2/token": 16 << 10, "/aws": 1 << 20, "/digest": 64 << 10}
	for _, e := range s.endpoints {
		if w, ok := want[e.Path]; ok && e.MaxBody != w {
			t.Errorf("endpoint %s MaxBody = %d; want %d", e.Path, e.MaxBody, w)
		}
	}
	if text := s.indexText(); !strings.Contains(text, "≤16 KiB") || !strings.Contains(text, "≤1 MiB") {
		t.Errorf("indexText() lists no body caps:\n%s", text)
	}
}

var maxConnsForTests = []struct {
	nofile uint64
	want   int
}{
	{1024, 768},
	{128, 96},
	{64, 32},
	{40, 16}, // too small for headroom: a floor
	{256, 192},
	{1 << 20, 4096},    // a high hard limit: capped
	{^uint64(0), 4096}, // RLIM_INFINITY
}

func TestMaxConnsFor(t *testing.T) {
	for _, tt := range maxConnsForTests {
		if got := maxConnsFor(tt.nofile); got != tt.want {
			t.Errorf("maxConnsFor(%d) = %d; want %d", tt.nofile, got, tt.want)
		}
	}
}

// TestRefusalsReachConsole: the rate limit's 429s and a body cap's 413 are
// events, so the console summarises a rate-limited flood instead of hiding
// it, as serve wires Limits.Refused to Server.Refused.
func TestRefusalsReachConsole(t *testing.T) {
	var out syncBuffer
	console := NewConsole(&out, ConsoleOptions{})
	ps := New(Options{Observe: console.Observe})
	l := EmbeddedLimits()
	l.Rate, l.Burst, l.Refused = 0.001, 2, ps.Refused
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewHTTPServer(ps.Handler(), l, log.New(io.Discard, "", 0))
	go srv.Serve(NewListener(inner, l, srv))
	t.Cleanup(func() { srv.Close() })
	base := "http://" + inner.Addr().String()
	flooder := clientFrom(t, "127.0.0.2")
	statuses := map[int]int{}
	for range 20 {
		resp, err := flooder.Get(base + "/apikey?api_key=" + DemoAPIKey)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses[resp.StatusCode]++
	}
	big, err := clientFrom(t, "127.0.0.3").Post(base+"/oauth2/token", "application/x-www-form-urlencoded", strings.NewReader(strings.Repeat("a", 20<<10)))
	if err != nil {
		t.Fatal(err)
	}
	big.Body.Close()
	console.Flush()
	got := out.String()
	if statuses[http.StatusTooManyRequests] != 18 || big.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("statuses %v, big body %d; want 2×200 18×429 and 413", statuses, big.StatusCode)
	}
	for _, want := range []string{"127.0.0.2 GET /apikey → 429", "rate limited", "127.0.0.3 POST /oauth2/token → 413", "body over the 16 KiB cap", "429"} {
		if !strings.Contains(got, want) {
			t.Errorf("console lacks %q:\n%s", want, got)
		}
	}
}

// TestRateLimitTarpit: a request over the rate is held Tarpit before its
// 429 (a flooder ignoring Retry-After is slowed, its requests parked on
// timers), while another client is answered throughout.
func TestRateLimitTarpit(t *testing.T) {
	l := EmbeddedLimits()
	l.Rate, l.Burst, l.Tarpit = 0.001, 1, 300*time.Millisecond
	addr, _ := limited(t, l)
	flooder, student := clientFrom(t, "127.0.0.2"), clientFrom(t, "127.0.0.3")
	get := func(c *http.Client) int {
		t.Helper()
		resp, err := c.Get("http://" + addr + "/apikey?api_key=" + DemoAPIKey)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := get(flooder); st != http.StatusOK {
		t.Fatalf("first request = %d; want 200 (the burst)", st)
	}
	start := time.Now()
	if st := get(flooder); st != http.StatusTooManyRequests {
		t.Fatalf("second request = %d; want 429", st)
	}
	if held := time.Since(start); held < l.Tarpit {
		t.Errorf("429 after %s; want it held at least the tarpit %s", held, l.Tarpit)
	}
	if st := get(student); st != http.StatusOK {
		t.Errorf("another client = %d; want 200", st)
	}
}
