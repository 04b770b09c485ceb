// Command classsim simulates a class against a practice server (issue #17,
// "Measured"): well-behaved students, each from a loopback address of its
// own (127.0.0.2, 127.0.0.3 …: the server sees one machine per student),
// each repeating a realistic mix of signed requests with a pause between
// them, and optionally one flooder, from an address of its own, sending as
// fast as it can over N connections. It samples the server process
// (VmRSS, VmHWM and open descriptors from /proc/PID) and prints one row of
// the table of bench/class.sh.
//
//	classsim -url http://127.0.0.1:8089 -pid 1234 -duration 30s -flood 32
//	classsim -header                 # the table's header
//	classsim -httpbin 127.0.0.1:0    # serve go-httpbin (the ceiling); prints its URL
//
// Every well-behaved action is a fresh `authlab send` through the authn
// engine (a new engine per action, over the client's kept-alive
// connections): Digest makes its 401 round trip every time, OAuth 2.0 gets
// a token and then calls /oauth2/me. Each sends practice.StudentHeader
// ("student-01" …). A 429 answer to a student is counted as a failure
// (the server should never limit a well-behaved client); a 429 to the
// flooder is what it should get.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes: 0 done, 1 the run could not be made (server gone), 2 bad flags.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("classsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "", "base URL of the server under test")
	pid := fs.Int("pid", 0, "process id of the server, to sample its memory and descriptors (0: none)")
	label := fs.String("label", "", "the server column of the row (default: the mix)")
	mixName := fs.String("mix", MixAll, "what the class sends: all (the practice server's mix), basic (/github/user), httpbin (go-httpbin's /basic-auth)")
	clients := fs.Int("clients", 100, "well-behaved clients, one loopback address each")
	first := fs.String("first", "127.0.0.2", "address of the first client; the others follow it")
	duration := fs.Duration("duration", 30*time.Second, "how long the clients start new requests")
	think := fs.Duration("think", 200*time.Millisecond, "mean pause between a client's requests (uniform in [½, 1½]×)")
	timeout := fs.Duration("timeout", 10*time.Second, "timeout of each exchange")
	flood := fs.Int("flood", 0, "connections of the flooding client (0: no flooder)")
	floodMode := fs.String("flood-mode", FloodBasic, "what the flooder sends: basic (one Basic GET), token (OAuth 2.0 token requests), mix (the class's mix, no pause)")
	floodNice := fs.Int("flood-nice", 19, "run the flooder as a process of its own at this nice level (-1: in this process)")
	floodOnly := fs.Bool("flood-only", false, "run only the flooder and print its summary as JSON (what -flood-nice starts)")
	console := fs.String("console", "", "the server's console log file: report the bytes it grew by")
	record := fs.String("record", "", "append \"server<TAB>flooder<TAB>p99-ns<TAB>success-%<TAB>HWM-bytes\" to this file (bench/class.sh's goal lines)")
	detail := fs.String("detail", "", "append one row per action of the class to this file")
	header := fs.Bool("header", false, "print the table header and exit")
	detailHeader := fs.Bool("detail-header", false, "print the header of the -detail rows and exit")
	serveBin := fs.String("httpbin", "", "serve go-httpbin on this address (the ceiling) instead, printing its URL")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	bad := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "classsim: "+format+"\n", a...)
		return 2
	}
	if *header {
		fmt.Fprint(stdout, tableHeader)
		return 0
	}
	if *detailHeader {
		fmt.Fprint(stdout, DetailHeader)
		return 0
	}
	if *serveBin != "" {
		return serveHTTPBin(*serveBin, stdout, stderr)
	}
	mix, err := Mix(*mixName)
	if err != nil {
		return bad("%v", err)
	}
	firstIP, err := netip.ParseAddr(*first)
	switch {
	case *base == "":
		return bad("-url is required: the base URL of the server, e.g. -url http://127.0.0.1:8089")
	case err != nil || !firstIP.Is4() || !firstIP.IsLoopback():
		return bad("bad -first %q: give an IPv4 loopback address, e.g. 127.0.0.2", *first)
	case *floodOnly && *flood < 1:
		return bad("-flood-only needs -flood N")
	case *clients < 1 || *clients > 250:
		return bad("-clients %d: give 1 to 250 (one loopback address each)", *clients)
	case *duration <= 0 || *think <= 0 || *timeout <= 0:
		return bad("-duration, -think and -timeout must be positive")
	case *flood < 0:
		return bad("-flood %d: give a number of connections, 0 for no flooder", *flood)
	case !slices.Contains([]string{FloodBasic, FloodToken, FloodMix}, *floodMode):
		return bad("unknown -flood-mode %q: use basic, token or mix", *floodMode)
	}
	cfg := Config{Base: strings.TrimSuffix(*base, "/"), Mix: mix, Clients: *clients, First: firstIP,
		Duration: *duration, Think: *think, Timeout: *timeout, Flood: *flood, FloodMode: *floodMode, BasicPath: BasicPath(*mixName)}
	cfg.FloodAddr = firstIP
	for range *clients {
		cfg.FloodAddr = cfg.FloodAddr.Next()
	}
	if !cfg.FloodAddr.IsLoopback() {
		return bad("the flooder's address %s is not loopback: start the clients lower", cfg.FloodAddr)
	}

	if *floodOnly {
		// the parent runs the class; the child only floods, from the
		// address after the class's (not the first student's)
		cfg.Clients = 0
		res := Run(cfg)
		if err := json.NewEncoder(stdout).Encode(res.Flood); err != nil {
			fmt.Fprintf(stderr, "classsim: %v\n", err)
			return 1
		}
		return 0
	}
	if *pid > 0 {
		if _, err := readUsage(*pid); err != nil {
			fmt.Fprintf(stderr, "classsim: cannot sample process %d: %v: give the server's pid with -pid\n", *pid, err)
			return 1
		}
	}
	var child *floodChild
	if *flood > 0 && *floodNice >= 0 {
		cfg.Flood = 0 // the child floods
		if child, err = startFloodChild(args, *floodNice); err != nil {
			fmt.Fprintf(stderr, "classsim: cannot start the flooder: %v\n", err)
			return 1
		}
	}
	consoleStart := fileSize(*console)
	var smp Sampler
	ctx, stopSampling := context.WithCancel(context.Background())
	sampled := make(chan struct{})
	if *pid > 0 {
		go func() {
			defer close(sampled)
			smp.run(ctx, *pid, 100*time.Millisecond, time.Now().Add(*duration/2))
		}()
	} else {
		close(sampled)
	}
	res := Run(cfg)
	stopSampling()
	<-sampled
	if child != nil {
		if res.Flood, err = child.wait(); err != nil {
			fmt.Fprintf(stderr, "classsim: the flooder: %v\n", err)
			return 1
		}
	}
	consoleGrew := "—"
	if *console != "" {
		consoleGrew = mb(fileSize(*console) - consoleStart)
	}

	name := *label
	if name == "" {
		name = *mixName
	}
	flooder := "none"
	if *flood > 0 {
		flooder = fmt.Sprintf("%s ×%d conns", *floodMode, *flood)
		if child != nil && *floodNice > 0 {
			flooder += fmt.Sprintf(", nice %d", *floodNice)
		}
	}
	fmt.Fprint(stdout, row(name, flooder, res, &smp, *pid > 0, consoleGrew))
	if *detail != "" {
		if err := appendDetail(*detail, name, flooder, res, mix); err != nil {
			fmt.Fprintf(stderr, "classsim: cannot write -detail: %v\n", err)
			return 1
		}
	}
	if *record != "" {
		line := fmt.Sprintf("%s\t%s\t%d\t%.4f\t%d\n", name, flooder, res.Class.P99, res.Class.SuccessRate(), smp.hwm)
		if err := appendFile(*record, line); err != nil {
			fmt.Fprintf(stderr, "classsim: cannot write -record: %v\n", err)
			return 1
		}
	}
	if smp.err != nil {
		fmt.Fprintf(stderr, "classsim: sampling process %d stopped: %v (did the server exit?)\n", *pid, smp.err)
		return 1
	}
	return 0
}

const tableHeader = `| server | flooder | class actions/s | class p50 | class p99 | class ok | class 429 | flooder req/s | flooder answers | all req/s | RSS ½ / end MB | HWM MB | fds max | console MB | load |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
`

// row is one line of the table.
func row(name, flooder string, r Results, s *Sampler, sampled bool, console string) string {
	secs := r.Elapsed.Seconds()
	c, f := r.Class, r.Flood
	all := float64(c.Requests+f.Requests) / secs
	floodRate, floodAnswers := "—", "—"
	if f.Actions > 0 {
		floodRate, floodAnswers = fmt.Sprintf("%.0f", float64(f.Requests)/secs), f.StatusList()
	}
	rss, hwm, fds := "—", "—", "—"
	if sampled {
		rss, hwm, fds = mb(s.half.RSS)+" / "+mb(s.last.RSS), mb(s.hwm), fmt.Sprint(s.maxFDs)
	}
	ok := fmt.Sprintf("%.2f%%", c.SuccessRate())
	if c.OK != c.Actions {
		ok += " (" + c.StatusList() + ")"
	}
	return fmt.Sprintf("| %s | %s | %.0f (%.0f req/s) | %s | %s | %s | %d | %s | %s | %.0f | %s | %s | %s | %s | %s |\n",
		name, flooder, float64(c.Actions)/secs, float64(c.Requests)/secs, ms(c.P50), ms(c.P99), ok, c.Limited,
		floodRate, floodAnswers, all, rss, hwm, fds, console, loadAverage())
}

// appendDetail appends one row per action of the mix: how each scheme fared.
func appendDetail(path, name, flooder string, r Results, mix []Action) error {
	var b strings.Builder
	for _, a := range mix {
		s := r.ByAction[a.Name]
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %.1f | %s | %s | %s | %s |\n", name, flooder, a.Name, s.Actions,
			float64(s.Requests)/max(1, float64(s.Actions)), ms(s.P50), ms(s.P99), ms(s.Max), s.StatusList())
	}
	return appendFile(path, b.String())
}

// appendFile appends text to the file at path, creating it.
func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// DetailHeader heads the rows of appendDetail.
const DetailHeader = `| server | flooder | action | count | HTTP requests each | p50 | p99 | max | answers |
|---|---|---|---|---|---|---|---|---|
`

// floodChild is the flooder run as a process of its own (classsim
// -flood-only), niced: on a shared machine the flooder's own CPU would
// otherwise be taken from the server and the class, which a flooder on
// another machine in a real room does not do.
type floodChild struct {
	cmd *exec.Cmd
	out bytes.Buffer
}

// startFloodChild starts this program again with args and -flood-only
// under nice(1).
func startFloodChild(args []string, nice int) (*floodChild, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	c := &floodChild{}
	c.cmd = exec.Command("nice", append([]string{"-n", fmt.Sprint(nice), self}, append(slices.Clone(args), "-flood-only")...)...)
	c.cmd.Stdout, c.cmd.Stderr = &c.out, os.Stderr
	return c, c.cmd.Start()
}

// wait returns the flooder's summary.
func (c *floodChild) wait() (Summary, error) {
	var s Summary
	if err := c.cmd.Wait(); err != nil {
		return s, err
	}
	return s, json.Unmarshal(c.out.Bytes(), &s)
}

// fileSize is the size of the file at path, 0 when it cannot be read.
func fileSize(path string) int64 {
	if path == "" {
		return 0
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// serveHTTPBin serves go-httpbin (the library the tests use) in this
// process, the ceiling of the table: the same clients, Basic only, against
// a server that does nothing else. It prints its base URL first.
func serveHTTPBin(addr string, stdout, stderr io.Writer) int {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "classsim: cannot listen on %s: %v\n", addr, err)
		return 1
	}
	srv := &http.Server{Handler: httpbin.New().Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	fmt.Fprintf(stdout, "http://%s\n", l.Addr())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	srv.Close()
	return 0
}
