package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authlab/authlab/learn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/ui/room"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/spf13/cobra"
)

func newServe(env Env) *cobra.Command {
	var addr, tlsDir string
	var useTLS, autoApprove bool
	var limits serveLimitFlags
	var room bool      // --room
	var labs bool      // --labs (#20)
	var lessons string // --lessons DIR: an instructor's course for the room to grade
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the practice server: offline endpoints that verify every scheme",
		Long: `The practice server verifies credentials for real and answers the way
GitHub and Twitter do, so a class needs no network and no accounts. It
listens on loopback unless --addr names another address (a classroom).
Each verification is printed here, one block per request.

With --tls it serves HTTPS with a practice CA, a server certificate for
127.0.0.1, ::1 and localhost, and a client certificate for /mtls, all
generated on first use (and reused) in --tls-dir; it prints their paths
and the commands to try mutual TLS.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if useTLS && !cmd.Flags().Changed("addr") {
				addr = "127.0.0.1:8443"
			}
			if !useTLS && cmd.Flags().Changed("tls-dir") {
				return inputErr(errors.New("--tls-dir needs --tls"))
			}
			if room && !env.StdoutTTY {
				return inputErr(errors.New("--room needs a terminal, and stdout is not one: run without --room for the plain log"))
			}
			if lessons != "" && !room {
				return inputErr(errors.New("--lessons is for the room view: give --room too"))
			}
			courses := []learn.Course{learn.Builtin(), learn.Labs()}
			if lessons != "" {
				// only the checks are read; its text is shown sanitized
				c, err := learn.LoadDir(lessons, false)
				if err != nil {
					return inputErr(errors.New(sanitize.Line(err.Error())))
				}
				courses = append([]learn.Course{c}, courses...)
			}
			lim, err := limits.resolve()
			if err != nil {
				return inputErr(err)
			}
			return runServe(cmd.Context(), env, addr, useTLS, tlsDir, autoApprove, room, labs, lim, courses)
		},
	}
	limits.register(cmd)
	cmd.Flags().StringVar(&addr, "addr", practice.DefaultAddr, "address to listen on (127.0.0.1:8443 with --tls); a non-loopback address serves a classroom")
	cmd.Flags().BoolVar(&useTLS, "tls", false, "serve HTTPS with a generated practice CA, server and client certificate (mutual TLS at /mtls)")
	cmd.Flags().StringVar(&tlsDir, "tls-dir", "", "folder of the practice TLS files (default $XDG_STATE_HOME/authlab/practice-tls, else ~/.local/state/authlab/practice-tls)")
	cmd.Flags().BoolVar(&autoApprove, "auto-approve", false, "approve OAuth 2.0 authorization and device requests without the approval page (unattended demos)")
	// the room view (#17)
	cmd.Flags().BoolVar(&labs, "labs", false, "also serve the attack labs under /labs: endpoints vulnerable on purpose, each with a fixed twin (GET /labs lists them)")
	cmd.Flags().StringVar(&lessons, "lessons", "", "with --room: also grade the lessons of this folder (authlab learn --dir), besides the built-in ones")
	cmd.Flags().BoolVar(&room, "room", false, "show the room view (a row per student, the most common mistakes, each student's last server trace) in place of the scrolling log; needs a terminal")
	return cmd
}

func runServe(ctx context.Context, env Env, addr string, useTLS bool, tlsDir string, autoApprove, roomView, labs bool, lim practice.Limits, courses []learn.Course) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return inputErr(fmt.Errorf("bad --addr %q: write HOST:PORT, e.g. 127.0.0.1:8089", addr))
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return inputErr(fmt.Errorf("cannot listen on %s: %v: pick another port with --addr", addr, errors.Unwrap(err)))
	}
	base := "http://" + l.Addr().String()
	loopback := true
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		loopback = false
		fmt.Fprintf(env.Stderr, "authlab: warning: serving on %s, reachable from other machines: the demo credentials are public\n", l.Addr())
	}
	// the console or the room view (#17): both observe the server's events
	popts := practice.Options{AutoApprove: autoApprove, Labs: labs}
	if labs && !loopback {
		fmt.Fprintln(env.Stderr, labsLANWarning)
	}
	console := practice.NewConsole(env.Stdout, practice.ConsoleOptions{})
	var feed *room.Feed
	if roomView {
		feed = room.NewFeed(4096)
		popts.Observe = feed.Observe
	} else {
		popts.Observe = console.Observe
	}
	// its own logger: main discards the standard one (client side); the
	// room view owns the terminal, so net/http's complaints go nowhere there
	var errorLog io.Writer = sanitizingWriter{env.Stderr}
	if roomView {
		errorLog = io.Discard
	}
	ps := practice.New(popts)
	lim.Refused = ps.Refused // 429s reach the console and the room view
	srv := practice.NewHTTPServer(ps.Handler(), lim, log.New(errorLog, "authlab serve: ", 0))
	ln := practice.NewListener(l, lim, srv)
	var files practice.TLSFiles
	if useTLS {
		if files, err = tlsServeSetup(env, srv, tlsDir); err != nil {
			ln.Close()
			return inputErr(err)
		}
		base = "https://" + l.Addr().String()
		if !loopback {
			fmt.Fprintln(env.Stderr, "authlab: warning: the practice server certificate names only 127.0.0.1, ::1 and localhost: clients on other machines need -k")
		}
	}
	if roomView {
		return serveRoom(ctx, env, srv, ln, useTLS, feed, base, courses)
	}
	fmt.Fprintf(env.Stdout, "authlab practice server on %s  (ctrl+c stops it)\n", base)
	fmt.Fprintf(env.Stdout, "limits: %s\n\n", limitsText(lim))
	if useTLS {
		fmt.Fprint(env.Stdout, tlsServeBanner(files, base))
		fmt.Fprintln(env.Stdout)
	}
	fmt.Fprint(env.Stdout, practice.Banner(base))
	fmt.Fprintln(env.Stdout)
	if labs {
		fmt.Fprint(env.Stdout, labsBanner(base))
		fmt.Fprintln(env.Stdout)
	}
	cctx, stopConsole := context.WithCancel(context.Background())
	consoleDone := make(chan struct{})
	go func() { console.Run(cctx); close(consoleDone) }()
	defer func() { stopConsole(); <-consoleDone }()
	done := serveOn(srv, ln, useTLS)
	select {
	case err := <-done:
		return &exitError{code: ExitError, err: err}
	case <-ctx.Done():
	}
	shutdown(srv)
	stopConsole()
	<-consoleDone // the last summaries, before "stopped"
	fmt.Fprintln(env.Stdout, "stopped")
	return nil
}

// serveOn serves l in a goroutine; the channel gets Serve's error.
func serveOn(srv *http.Server, l net.Listener, useTLS bool) chan error {
	done := make(chan error, 1)
	go func() {
		if useTLS {
			done <- srv.ServeTLS(l, "", "")
			return
		}
		done <- srv.Serve(l)
	}()
	return done
}

// shutdown stops srv, waiting a few seconds for requests in flight.
func shutdown(srv *http.Server) {
	shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	srv.Shutdown(shut)
}

// serveRoom serves l with the room view on the terminal in place of the
// console; q (or ctrl+c, or ctx) stops both.
func serveRoom(ctx context.Context, env Env, srv *http.Server, l net.Listener, useTLS bool, feed *room.Feed, base string, courses []learn.Course) error {
	done := serveOn(srv, l, useTLS)
	popts := append([]tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(env.Stdin), tea.WithOutput(env.Stdout)}, env.TUIOptions...)
	p := tea.NewProgram(room.New(feed, base).WithCourses(courses...), popts...)
	ran := make(chan error, 1)
	go func() { _, err := p.Run(); ran <- err }()
	var err error
	select {
	case err = <-done:
		p.Kill()
		<-ran
		return &exitError{code: ExitError, err: err}
	case err = <-ran:
	}
	shutdown(srv)
	if err != nil && ctx.Err() == nil && !errors.Is(err, tea.ErrInterrupted) && !errors.Is(err, tea.ErrProgramKilled) {
		return &exitError{code: ExitError, err: err}
	}
	return nil
}

// sanitizingWriter escapes control characters in what net/http logs (a TLS
// handshake error can quote bytes a client sent) before the console.
type sanitizingWriter struct{ w io.Writer }

func (s sanitizingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, sanitize.Line(strings.TrimRight(string(p), "\n"))+"\n"); err != nil {
		return 0, err
	}
	return len(p), nil
}

// ---- limits (#17) --------------------------------------------------------

// serveLimitFlags are serve's flags for practice.Limits; 0 turns a limit off.
type serveLimitFlags struct {
	maxConns, perClientConns, burst int
	rate                            float64
}

func (f *serveLimitFlags) register(cmd *cobra.Command) {
	d := practice.ServeLimits()
	cmd.Flags().IntVar(&f.maxConns, "max-conns", d.MaxConns, "open connections at most, idle keep-alive ones closed first (default from the file-descriptor limit); 0 = no limit")
	cmd.Flags().IntVar(&f.perClientConns, "per-client-conns", d.PerClientConns, "open connections per client address (429 over it); 0 = no limit")
	cmd.Flags().Float64Var(&f.rate, "rate", d.Rate, "requests per second per client address on average (429 with Retry-After over it); 0 = no limit")
	cmd.Flags().IntVar(&f.burst, "burst", d.Burst, "requests one client may send at once before --rate applies")
}

// resolve checks the flags and returns the limits they set.
func (f *serveLimitFlags) resolve() (practice.Limits, error) {
	for _, c := range []struct {
		name, want string
		bad        bool
	}{
		{"--max-conns", "a count ≥ 0 (0 = no limit)", f.maxConns < 0},
		{"--per-client-conns", "a count ≥ 0 (0 = no limit)", f.perClientConns < 0},
		{"--rate", "requests per second ≥ 0 (0 = no limit)", !(f.rate >= 0) || math.IsInf(f.rate, 0)},
		{"--burst", "a count ≥ 1", f.burst < 1},
	} {
		if c.bad {
			return practice.Limits{}, fmt.Errorf("bad %s: give %s", c.name, c.want)
		}
	}
	l := practice.ServeLimits()
	l.MaxConns, l.PerClientConns, l.Rate, l.Burst = f.maxConns, f.perClientConns, f.rate, f.burst
	return l, nil
}

// limitsText is the console line naming the limits in force.
func limitsText(l practice.Limits) string {
	part := func(n int, what string) string {
		if n == 0 {
			return "no limit on " + what
		}
		return fmt.Sprintf("%d %s", n, what)
	}
	perClient := part(l.PerClientConns, "connections per client")
	rate := "no request-rate limit"
	if l.Rate > 0 {
		rate = fmt.Sprintf("%g requests/s per client (burst %d)", l.Rate, l.Burst)
		if l.Tarpit > 0 {
			rate += fmt.Sprintf(", a 429 held %s", l.Tarpit)
		}
	}
	return part(l.MaxConns, "open connections") + ", " + perClient + ", " + rate +
		fmt.Sprintf("; idle connections closed after %s", l.IdleTimeout)
}
