package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/spf13/cobra"
)

func newServe(env Env) *cobra.Command {
	var addr, tlsDir string
	var useTLS, autoApprove bool
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
			return runServe(cmd.Context(), env, addr, useTLS, tlsDir, autoApprove)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", practice.DefaultAddr, "address to listen on (127.0.0.1:8443 with --tls); a non-loopback address serves a classroom")
	cmd.Flags().BoolVar(&useTLS, "tls", false, "serve HTTPS with a generated practice CA, server and client certificate (mutual TLS at /mtls)")
	cmd.Flags().StringVar(&tlsDir, "tls-dir", "", "folder of the practice TLS files (default $XDG_STATE_HOME/authlab/practice-tls, else ~/.local/state/authlab/practice-tls)")
	cmd.Flags().BoolVar(&autoApprove, "auto-approve", false, "approve OAuth 2.0 authorization and device requests without the approval page (unattended demos)")
	return cmd
}

func runServe(ctx context.Context, env Env, addr string, useTLS bool, tlsDir string, autoApprove bool) error {
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
	srv := &http.Server{Handler: practice.New(practice.Options{Log: env.Stdout, AutoApprove: autoApprove}).Handler(), ReadHeaderTimeout: 10 * time.Second,
		// its own logger: main discards the standard one (client side)
		ErrorLog: log.New(sanitizingWriter{env.Stderr}, "authlab serve: ", 0)}
	var files practice.TLSFiles
	if useTLS {
		if files, err = tlsServeSetup(env, srv, tlsDir); err != nil {
			l.Close()
			return inputErr(err)
		}
		base = "https://" + l.Addr().String()
		if !loopback {
			fmt.Fprintln(env.Stderr, "authlab: warning: the practice server certificate names only 127.0.0.1, ::1 and localhost: clients on other machines need -k")
		}
	}
	fmt.Fprintf(env.Stdout, "authlab practice server on %s  (ctrl+c stops it)\n\n", base)
	if useTLS {
		fmt.Fprint(env.Stdout, tlsServeBanner(files, base))
		fmt.Fprintln(env.Stdout)
	}
	fmt.Fprint(env.Stdout, practice.Banner(base))
	fmt.Fprintln(env.Stdout)
	done := make(chan error, 1)
	go func() {
		if useTLS {
			done <- srv.ServeTLS(l, "", "")
			return
		}
		done <- srv.Serve(l)
	}()
	select {
	case err := <-done:
		return &exitError{code: ExitError, err: err}
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	srv.Shutdown(shut)
	fmt.Fprintln(env.Stdout, "stopped")
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
