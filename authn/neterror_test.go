package authn

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// netServer is a loopback TCP server that does one thing with every
// connection (the conditions of TestNetErrors).
func netServer(t *testing.T, serve func(c net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { close(done); l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				serve(c)
				<-done
				c.Close()
			}()
		}
	}()
	return l.Addr().String()
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// readHead reads the request head from c.
func readHead(c net.Conn) {
	_, _ = http.ReadRequest(bufio.NewReader(c))
}

// Real loopback conditions produce one line naming the cause and the fix,
// never net/http's text, and a timeout names its phase and still matches
// ErrTimeout (exit code 2). Fails if classify stops explaining a failure, or
// the phase tracker loses a phase.
func TestNetErrors(t *testing.T) {
	refused := closedPort(t)
	silent := netServer(t, func(net.Conn) {}) // accepts, never reads or answers
	headOnly := netServer(t, func(c net.Conn) {
		readHead(c)
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789") // then stalls
	})
	reset := netServer(t, func(c net.Conn) {
		readHead(c)
		c.(*net.TCPConn).SetLinger(0) // close sends RST
		c.Close()
	})
	resetBody := netServer(t, func(c net.Conn) {
		readHead(c)
		fmt.Fprint(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n01234")
		time.Sleep(50 * time.Millisecond)
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	})
	hangUp := netServer(t, func(c net.Conn) { readHead(c); c.Close() })
	// What OpenSSL-based servers send to a plain-HTTP client: a TLS alert
	// record (Go's own TLS server answers 400 in HTTP instead).
	tlsAlert := netServer(t, func(c net.Conn) {
		readHead(c)
		c.Write([]byte("\x15\x03\x01\x00\x02\x02\x0a"))
		c.Close()
	})

	tests := []struct {
		name    string
		url     string
		timeout time.Duration
		want    string // the whole line; %s is the address
		phase   Phase  // "" = not a timeout
	}{
		{"refused", "http://" + refused + "/", time.Second,
			"nothing listens on %s: start the server or check the port", ""},
		{"unresolvable", "http://api.exmaple.invalid/", 5 * time.Second,
			"the host name api.exmaple.invalid could not be resolved: check the spelling of the host in the URL (an internal name may need your VPN)", ""},
		{"no answer", "http://" + silent + "/", 300 * time.Millisecond,
			"timed out after 300ms waiting for the response headers from %s: the server took the request but did not answer in time: raise --timeout if it is just slow, or check the server", PhaseHeaders},
		{"stalled body", "http://" + headOnly + "/", 300 * time.Millisecond,
			"timed out after 300ms reading the body from %s (10 bytes arrived): the server answered but stalled or sends slowly: raise --timeout, or check the server", PhaseBody},
		{"silent TLS", "https://" + silent + "/", 300 * time.Millisecond,
			"timed out after 300ms in the TLS handshake with %s: the server accepted the connection but did not finish TLS: check that this port speaks https", PhaseTLS},
		{"reset", "http://" + reset + "/", time.Second,
			"the server %s reset the connection before it answered: check that it speaks HTTP on this port (https:// for a TLS port) and its log", ""},
		{"reset in body", "http://" + resetBody + "/", time.Second,
			"the server %s reset the connection after 5 body bytes: the body is incomplete: send again, or check the server's log", ""},
		{"hang up", "http://" + hangUp + "/", time.Second,
			"the server %s closed the connection without answering: check that it speaks HTTP on this port (https:// for a TLS port) and its log", ""},
		{"http to a TLS port", "http://" + tlsAlert + "/", time.Second,
			"the server %s answered in TLS to a plain-HTTP request: use https:// in the URL", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(Options{Timeout: tt.timeout})
			defer e.Close()
			res, err := e.Exchange(context.Background(), Request{URL: tt.url})
			if err == nil {
				t.Fatalf("Exchange(%s) succeeded; want an error", tt.url)
			}
			u, _ := ParseURL(tt.url)
			want := tt.want
			if strings.Contains(want, "%s") {
				want = fmt.Sprintf(want, hostPort(u))
			}
			if tt.name == "unresolvable" && strings.HasPrefix(err.Error(), "the host name api.exmaple.invalid could not be resolved (the DNS lookup failed") {
				want = err.Error() // no DNS server here: the other branch, same start
			}
			if err.Error() != want {
				t.Errorf("Exchange(%s) = %q; want %q", tt.url, err, want)
			}
			var ne *NetError
			if !errors.As(err, &ne) {
				t.Fatalf("Exchange(%s) error %T; want *NetError", tt.url, err)
			}
			if ne.Phase != tt.phase {
				t.Errorf("Exchange(%s) phase = %q; want %q", tt.url, ne.Phase, tt.phase)
			}
			if got := errors.Is(err, ErrTimeout); got != (tt.phase != "") {
				t.Errorf("errors.Is(%q, ErrTimeout) = %v; want %v", err, got, tt.phase != "")
			}
			if fin := res.Final(); fin == nil || fin.Err == nil || fin.Err.Error() != err.Error() {
				t.Errorf("final exchange error = %v; want the same line %q", fin, err)
			}
		})
	}
}
