package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

// countingServer answers with status(n) for the n-th request (1-based) and
// counts the connections it accepted.
func countingServer(t *testing.T, status func(n int64) int) (srv *httptest.Server, conns, reqs *atomic.Int64) {
	t.Helper()
	conns, reqs = new(atomic.Int64), new(atomic.Int64)
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := reqs.Add(1)
		if u, p, ok := r.BasicAuth(); !ok || u != "user" || p != "pw" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status(n))
		io.WriteString(w, `{"n":"body"}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, conns, reqs
}

func repeatEnv(out, errb *bytes.Buffer) Env {
	env := testEnv(out, errb)
	env.LookupEnv = func(k string) (string, bool) {
		if k == "PW" {
			return "pw", true
		}
		return "", false
	}
	return env
}

// --repeat N sends N times through one engine: the server sees one
// connection, stdout has the last response once, stderr the summary.
func TestSendRepeatReusesConnection(t *testing.T) {
	srv, conns, reqs := countingServer(t, func(int64) int { return 200 })
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"send", "--repeat", "20", "-u", "user:env:PW", srv.URL}, repeatEnv(&out, &errb))
	if code != ExitOK {
		t.Fatalf("send --repeat 20 = %d; want 0 (%s)", code, errb.String())
	}
	if got := reqs.Load(); got != 20 {
		t.Errorf("server saw %d requests; want 20", got)
	}
	if got := conns.Load(); got != 1 {
		t.Errorf("server accepted %d connections; want 1 (the engine's pool reused it)", got)
	}
	if got := strings.Count(out.String(), `"body"`); got != 1 {
		t.Errorf("stdout has the body %d times; want once (the last response)\n%s", got, out.String())
	}
	for _, want := range []string{"20 sends", "20× 200", "median ", "p90 ", "connections: 1 opened, 19 reused"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("summary %q lacks %q", errb.String(), want)
		}
	}
}

// The exit code is the worst send's: one 500 among 200s fails the command.
func TestSendRepeatWorstExitCode(t *testing.T) {
	tests := []struct {
		name   string
		status func(n int64) int
		want   int
		counts string
	}{
		{"all 2xx", func(int64) int { return 204 }, ExitOK, "5× 204"},
		{"a 5xx in the middle", func(n int64) int { return map[bool]int{true: 503, false: 200}[n == 3] }, ExitServerError, "4× 200, 1× 503"},
		{"4xx then 5xx", func(n int64) int { return map[bool]int{true: 500, false: 404}[n == 5] }, ExitServerError, "4× 404, 1× 500"},
		{"a 4xx last", func(n int64) int { return map[bool]int{true: 429, false: 200}[n == 5] }, ExitClientError, "4× 200, 1× 429"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _, _ := countingServer(t, tt.status)
			var out, errb bytes.Buffer
			code := Run(context.Background(), []string{"send", "--repeat", "5", "-u", "user:env:PW", srv.URL}, repeatEnv(&out, &errb))
			if code != tt.want {
				t.Errorf("exit = %d; want %d (%s)", code, tt.want, errb.String())
			}
			if !strings.Contains(errb.String(), tt.counts) {
				t.Errorf("summary %q lacks %q", errb.String(), tt.counts)
			}
		})
	}
}

// With -v every send gets a line on stderr saying whether it reused the
// connection; a network error counts as an error and exits 1.
func TestSendRepeatVerboseAndErrors(t *testing.T) {
	srv, _, _ := countingServer(t, func(int64) int { return 200 })
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"send", "-v", "--repeat", "3", "-u", "user:env:PW", srv.URL}, repeatEnv(&out, &errb)); code != ExitOK {
		t.Fatalf("exit = %d (%s)", code, errb.String())
	}
	for _, want := range []string{"#1/3 · 200 OK", "new connection", "#2/3 · 200 OK", "#3/3 · 200 OK", "· reused"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("-v stderr lacks %q:\n%s", want, errb.String())
		}
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	out.Reset()
	errb.Reset()
	code := Run(context.Background(), []string{"send", "--repeat", "3", "http://" + addr + "/"}, repeatEnv(&out, &errb))
	if code != ExitError || !strings.Contains(errb.String(), "3 sends · 3× error") || !strings.Contains(errb.String(), "connections: 0 opened, 0 reused") {
		t.Errorf("refused connection ×3 = %d, %q; want 1 and a summary of 3 errors", code, errb.String())
	}
}

func TestSendRepeatBadCount(t *testing.T) {
	for _, n := range []string{"0", "-1", "100001"} {
		var out, errb bytes.Buffer
		code := Run(context.Background(), []string{"send", "--repeat", n, "http://127.0.0.1:1/"}, repeatEnv(&out, &errb))
		if code != ExitError || !strings.Contains(errb.String(), "bad --repeat") {
			t.Errorf("--repeat %s = %d, %q; want 1 and bad --repeat", n, code, errb.String())
		}
	}
}

// --color always colours a pipe (a file), never keeps a terminal plain.
func TestSendColorFlag(t *testing.T) {
	srv, _, _ := countingServer(t, func(int64) int { return 200 })
	tests := []struct {
		flag string
		tty  bool
		want bool
	}{
		{"always", false, true},
		{"never", true, false},
		{"auto", true, true},
		{"auto", false, false},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		env := repeatEnv(&out, &errb)
		env.StdoutTTY = tt.tty
		if code := Run(context.Background(), []string{"send", "--color", tt.flag, "-u", "user:env:PW", srv.URL}, env); code != ExitOK {
			t.Fatalf("--color %s = %d (%s)", tt.flag, code, errb.String())
		}
		if got := strings.Contains(out.String(), "\x1b["); got != tt.want {
			t.Errorf("--color %s, tty=%v: colour = %v; want %v", tt.flag, tt.tty, got, tt.want)
		}
	}
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"send", "--color", "sometimes", srv.URL}, repeatEnv(&out, &errb)); code != ExitError || !strings.Contains(errb.String(), "bad --color") {
		t.Errorf("--color sometimes = %d, %q; want 1 and bad --color", code, errb.String())
	}
}

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, x := range v {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	tests := []struct {
		in   []time.Duration
		p    int
		want time.Duration
	}{
		{nil, 50, 0},
		{ms(7), 90, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 100, 10 * time.Millisecond},
		{ms(1, 2, 3), 0, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.in, tt.p); got != tt.want {
			t.Errorf("percentile(%v, %d) = %v; want %v", tt.in, tt.p, got, tt.want)
		}
	}
}

func TestExitRankOrder(t *testing.T) {
	order := []error{nil, &exitError{code: ExitRedirect}, &exitError{code: ExitClientError}, &exitError{code: ExitServerError},
		&exitError{code: ExitTooManyHops}, &exitError{code: ExitTimeout}, &exitError{code: ExitError}, &exitError{code: ExitInterrupted}}
	for i := 1; i < len(order); i++ {
		if exitRank(order[i-1]) >= exitRank(order[i]) {
			t.Errorf("exitRank(%v) = %d ≥ exitRank(%v) = %d; want it lower", order[i-1], exitRank(order[i-1]), order[i], exitRank(order[i]))
		}
	}
}

// A send refused on input (bad URL) is not repeated: the next would fail
// the same way.
func TestRepeatSendsStopsOnInputError(t *testing.T) {
	calls := 0
	send := func() (*authn.Result, error) {
		calls++
		return &authn.Result{}, &authn.InputError{Problem: "bad", Fix: "fix"}
	}
	_, _, st := repeatSends(context.Background(), 10, send, nil)
	if calls != 1 || len(st.totals) != 1 {
		t.Errorf("repeatSends with an input error: %d calls; want 1", calls)
	}
}
