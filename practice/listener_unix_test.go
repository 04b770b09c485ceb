//go:build unix

package practice

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The case for real: under a file-descriptor limit of 128 a client
// holding 300 idle connections made every other request time out while
// the console printed "Accept error: too many open files". A child process
// (this test binary) lowers its RLIMIT_NOFILE and serves with ServeLimits,
// so MaxConns comes from the limit; 127.0.0.3 must still get 200.
func TestFileLimitFlood(t *testing.T) {
	if os.Getenv("AUTHLAB_LIMITS_CHILD") != "" {
		return
	}
	if _, ok := fileLimit(); !ok {
		t.Skip("no RLIMIT_NOFILE here")
	}
	ctx, cancel := context.WithDeadline(context.Background(), until(t))
	defer cancel()
	cmd := execChild(ctx, t, 128)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb lockedBuffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var addr string
	for sc := bufio.NewScanner(out); addr == "" && sc.Scan(); {
		addr, _ = strings.CutPrefix(sc.Text(), "listening on ")
	}
	if addr == "" {
		t.Fatalf("the child printed no address:\n%s", errb.String())
	}
	flood := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: 2 * time.Second}
	for i := range 300 {
		c, err := flood.Dial("tcp", addr)
		if err != nil { // today's server stops accepting: its backlog fills
			break
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(2 * time.Second)) // the flood's answers are not what is tested
		io.WriteString(c, getIndex)
		if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		} else if i < 20 {
			t.Fatalf("idle connection %d: %v", i, err)
		}
	}
	resp, err := clientFrom(t, "127.0.0.3").Get("http://" + addr + "/")
	if err != nil {
		t.Fatalf("GET / from 127.0.0.3 beside 300 idle connections under ulimit -n 128: %v\nserver said:\n%.2000s", err, errb.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / from 127.0.0.3 = %d; want 200", resp.StatusCode)
	}
	if strings.Contains(errb.String(), "too many open files") {
		t.Errorf("the server ran out of descriptors:\n%.2000s", errb.String())
	}
}

// TestFileLimitChild is the server half of TestFileLimitFlood; it runs only
// in the child process.
func TestFileLimitChild(t *testing.T) {
	if os.Getenv("AUTHLAB_LIMITS_CHILD") == "" {
		t.Skip("the server half of TestFileLimitFlood")
	}
	serveUnderFileLimit(t)
}

// execChild is this test binary running TestFileLimitChild under an
// RLIMIT_NOFILE of nofile.
func execChild(ctx context.Context, t *testing.T, nofile int) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestFileLimitChild$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("AUTHLAB_LIMITS_CHILD=%d", nofile))
	return cmd
}

// serveUnderFileLimit lowers RLIMIT_NOFILE, serves ServeLimits with the
// per-client limits off (the open-connection bound is what is tested),
// prints the address and serves until killed.
func serveUnderFileLimit(t *testing.T) {
	var n uint64
	fmt.Sscan(os.Getenv("AUTHLAB_LIMITS_CHILD"), &n)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
		t.Fatal(err)
	}
	l := ServeLimits()
	l.PerClientConns, l.Rate = 0, 0
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewHTTPServer(New(Options{}).Handler(), l, log.New(os.Stderr, "child: ", 0))
	fmt.Fprintln(os.Stderr, "child: MaxConns", l.MaxConns)
	fmt.Println("listening on " + inner.Addr().String())
	srv.Serve(NewListener(inner, l, srv))
}

// lockedBuffer is the child's stderr, written by os/exec while the test
// reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
