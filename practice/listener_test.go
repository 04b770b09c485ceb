package practice

import (
	"bufio"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"testing"
	"time"
)

// Tests here tell clients apart the way a classroom does, by address:
// Linux routes all of 127/8 to lo, so a dialer bound to 127.0.0.2 is one
// student's machine and 127.0.0.3 another's.

// limited starts a practice server under l on 127.0.0.1 and returns its
// address ("127.0.0.1:port") and Listener.
func limited(t *testing.T, l Limits) (string, *Listener) {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewHTTPServer(New(Options{}).Handler(), l, log.New(io.Discard, "", 0))
	ln := NewListener(inner, l, srv)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return inner.Addr().String(), ln
}

// until is how long a test waits for a condition: the test's deadline less
// a margin, and never more than 30 s (the "still open after 30 s").
func until(t *testing.T) time.Time {
	d := time.Now().Add(30 * time.Second)
	if td, ok := t.Deadline(); ok && td.Add(-2*time.Second).Before(d) {
		d = td.Add(-2 * time.Second)
	}
	return d
}

// dialFrom opens a TCP connection to addr from the local address ip.
func dialFrom(t *testing.T, ip, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Deadline: until(t)}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s from %s: %v", addr, ip, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// clientFrom is an HTTP client whose connections come from ip.
func clientFrom(t *testing.T, ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: d.DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: time.Until(until(t))}
}

// roundTrip writes a raw request on c and reads the response (body read).
func roundTrip(t *testing.T, c net.Conn, br *bufio.Reader, raw string) *http.Response {
	t.Helper()
	c.SetDeadline(until(t))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatalf("write: %v", err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

const getIndex = "GET / HTTP/1.1\r\nHost: practice\r\n\r\n"

// closedByServer reports whether the server closes c (a read ends with EOF
// or a reset) before until(t); a read deadline passing means still open.
func closedByServer(t *testing.T, c net.Conn) bool {
	c.SetReadDeadline(until(t))
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

// Idle keep-alive connections are closed after IdleTimeout (today they stay
// open for good: 3000 of them hold ~63 MB).
func TestIdleConnectionClosed(t *testing.T) {
	l := EmbeddedLimits()
	l.IdleTimeout = 200 * time.Millisecond
	addr, ln := limited(t, l)
	c := dialFrom(t, "127.0.0.2", addr)
	if resp := roundTrip(t, c, bufio.NewReader(c), getIndex); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d; want 200", resp.StatusCode)
	}
	if !closedByServer(t, c) {
		t.Fatalf("an idle keep-alive connection is still open after %s (IdleTimeout %s)", time.Until(until(t)), l.IdleTimeout)
	}
	if st := waitStats(t, ln, func(s ListenerStats) bool { return s.Open == 0 }); st.Open != 0 {
		t.Errorf("Stats() = %+v after the close; want no open connection", st)
	}
}

// waitStats polls ln until ok holds or until(t), returning the last stats.
func waitStats(t *testing.T, ln *Listener, ok func(ListenerStats) bool) ListenerStats {
	for end := until(t); ; {
		st := ln.Stats()
		if ok(st) || time.Now().After(end) {
			return st
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A POST announcing 1 MB and sending a byte at a time is closed when
// ReadTimeout runs out, long before its body could complete (today it stays
// open as long as the client trickles).
func TestSlowBodyClosed(t *testing.T) {
	l := EmbeddedLimits()
	l.ReadTimeout = 300 * time.Millisecond
	addr, _ := limited(t, l)
	c := dialFrom(t, "127.0.0.2", addr)
	if _, err := io.WriteString(c, "POST /aws HTTP/1.1\r\nHost: practice\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048576\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	sent := make(chan int, 1)
	go func() { // a byte every 20 ms: the body would take 6 hours
		n := 0
		defer func() { sent <- n }()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := c.Write([]byte{'x'}); err != nil {
					return
				}
				n++
			}
		}
	}()
	c.SetReadDeadline(until(t))
	_, err := io.Copy(io.Discard, c) // a 400 may come first; then the close
	close(stop)
	n := <-sent
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("a slow-body POST is still open after %d of 1048576 body bytes (ReadTimeout %s)", n, l.ReadTimeout)
	}
	if n >= 1<<20 {
		t.Fatalf("the body completed (%d bytes) before the server closed", n)
	}
}

// With MaxConns 40, a client holding 60 idle keep-alive connections loses
// its oldest idle ones; the server never holds more than 40, and another
// client's request still gets 200 (today all 60 stay open; under ulimit -n
// that starves every other client, see TestFileLimitFlood).
func TestIdleClosedFirstAtMaxConns(t *testing.T) {
	l := EmbeddedLimits()
	l.MaxConns = 40
	l.IdleTimeout = time.Minute
	addr, ln := limited(t, l)
	var held []net.Conn
	for i := range 60 {
		c := dialFrom(t, "127.0.0.2", addr)
		if resp := roundTrip(t, c, bufio.NewReader(c), getIndex); resp.StatusCode != http.StatusOK {
			t.Fatalf("connection %d: GET / = %d; want 200", i, resp.StatusCode)
		}
		held = append(held, c)
		if st := ln.Stats(); st.Open > l.MaxConns {
			t.Fatalf("after %d connections Stats() = %+v; want at most %d open", i+1, st, l.MaxConns)
		}
	}
	resp, err := clientFrom(t, "127.0.0.3").Get("http://" + addr + "/")
	if err != nil {
		t.Fatalf("GET / from 127.0.0.3 beside 60 idle connections: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / from 127.0.0.3 = %d; want 200", resp.StatusCode)
	}
	for i, c := range held[:60-l.MaxConns] { // the oldest idle went first
		if !closedByServer(t, c) {
			t.Fatalf("idle connection %d of 60 is still open with MaxConns %d", i, l.MaxConns)
		}
	}
}

// At MaxConns with no idle connection to close, a new connection gets a
// raw 503 with Retry-After and is closed.
func TestMaxConnsRefusesWith503(t *testing.T) {
	l := EmbeddedLimits()
	l.MaxConns = 4
	addr, ln := limited(t, l)
	for range 4 { // connected, no request yet: not idle, nothing to close
		dialFrom(t, "127.0.0.2", addr)
	}
	waitStats(t, ln, func(s ListenerStats) bool { return s.Open == 4 })
	c := dialFrom(t, "127.0.0.3", addr)
	resp := roundTrip(t, c, bufio.NewReader(c), getIndex)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("the 5th connection at MaxConns 4: %d, Retry-After %q; want 503 and a Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if !closedByServer(t, c) {
		t.Errorf("the refused connection stays open")
	}
}

// A client over PerClientConns: its oldest idle connection is closed to
// make room; with none idle, the new connection gets a raw 429 with
// Retry-After. Another client is not affected.
func TestPerClientConns(t *testing.T) {
	l := EmbeddedLimits()
	l.PerClientConns = 3
	addr, ln := limited(t, l)
	var busy []net.Conn
	for range 3 {
		busy = append(busy, dialFrom(t, "127.0.0.2", addr))
	}
	waitStats(t, ln, func(s ListenerStats) bool { return s.Open == 3 })
	c := dialFrom(t, "127.0.0.2", addr)
	resp := roundTrip(t, c, bufio.NewReader(c), getIndex)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("4th connection of one client, 3 busy: %d, Retry-After %q; want 429 and a Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	other := dialFrom(t, "127.0.0.3", addr)
	if resp := roundTrip(t, other, bufio.NewReader(other), getIndex); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / from 127.0.0.3 = %d; want 200", resp.StatusCode)
	}
	// The three busy connections become idle, one after the other (the
	// server marks a connection idle after its answer is written, so the
	// next round trip waits for that: the order of the idle list is then
	// the order of busy): a 4th closes the oldest.
	waitStats(t, ln, func(s ListenerStats) bool { return s.Idle == 1 })
	for i, b := range busy {
		roundTrip(t, b, bufio.NewReader(b), getIndex)
		waitStats(t, ln, func(s ListenerStats) bool { return s.Idle == 2+i })
	}
	c = dialFrom(t, "127.0.0.2", addr)
	if resp := roundTrip(t, c, bufio.NewReader(c), getIndex); resp.StatusCode != http.StatusOK {
		t.Fatalf("4th connection of one client, 3 idle: %d; want 200", resp.StatusCode)
	}
	if !closedByServer(t, busy[0]) {
		t.Errorf("the client's oldest idle connection is still open")
	}
}
