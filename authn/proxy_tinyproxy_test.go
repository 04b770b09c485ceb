package authn

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/internal/testenv"
)

// tinyproxy is Debian's tinyproxy on a free loopback port, with Basic
// authentication, logging every request head it received to its log
// (LogLevel Connect). It is a proxy no one here wrote.
type tinyproxy struct {
	url string
	out *lockedBuf
}

// lockedBuf is tinyproxy's output (its log under -d), written by the
// process's copying goroutines while the test reads it.
type lockedBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startTinyproxy(t *testing.T, user, pass string) *tinyproxy {
	t.Helper()
	bin := testenv.Program(t, "tinyproxy", "tinyproxy")
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	// No LogFile: under -d tinyproxy logs to its output.
	conf := fmt.Sprintf("Port %d\nListen 127.0.0.1\nTimeout 30\nLogLevel Connect\nMaxClients 20\nAllow 127.0.0.1\nBasicAuth %s %s\nDisableViaHeader Yes\n", port, user, pass)
	if os.Geteuid() == 0 {
		conf += "User nobody\nGroup nogroup\n" // it refuses to run as root
	}
	cf := filepath.Join(dir, "tinyproxy.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-d", "-c", cf)
	out := &lockedBuf{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	if d, ok := t.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tinyproxy did not listen on %s: %s", addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &tinyproxy{url: "http://" + addr, out: out}
}

// heads lists the request lines tinyproxy logged ("Request (file
// descriptor N): METHOD TARGET HTTP/1.1"): enough to check that only
// CONNECT reached it for https:// targets (it does not log headers).
func (p *tinyproxy) heads() []http.Header {
	var out []http.Header
	for _, line := range strings.Split(p.out.String(), "\n") {
		_, req, ok := strings.Cut(line, "Request (file descriptor ")
		if !ok {
			continue
		}
		_, req, _ = strings.Cut(req, "): ")
		if f := strings.Fields(req); len(f) >= 2 {
			out = append(out, http.Header{"Method": {f[0]}, "Target": {f[1]}})
		}
	}
	return out
}

// The full tier: the same rows against tinyproxy.
func TestProxyTinyproxy(t *testing.T) {
	testenv.Full(t, "tinyproxy interop")
	for _, tt := range proxyCases("puser", "PROXYsecret") {
		t.Run(tt.name, func(t *testing.T) {
			p := startTinyproxy(t, "puser", "PROXYsecret")
			runProxyCase(t, tt, p.url, p.heads)
		})
	}
}
