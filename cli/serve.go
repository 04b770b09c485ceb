package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/authlab/authlab/practice"
	"github.com/spf13/cobra"
)

func newServe(env Env) *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the practice server: offline endpoints that verify every scheme",
		Long: `The practice server verifies credentials for real and answers the way
GitHub and Twitter do, so a class needs no network and no accounts. It
listens on loopback unless --addr names another address (a classroom).
Each verification is printed here, one block per request.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), env, addr)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8089", "address to listen on; a non-loopback address serves a classroom")
	return cmd
}

func runServe(ctx context.Context, env Env, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return inputErr(fmt.Errorf("bad --addr %q: write HOST:PORT, e.g. 127.0.0.1:8089", addr))
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return inputErr(fmt.Errorf("cannot listen on %s: %v: pick another port with --addr", addr, errors.Unwrap(err)))
	}
	base := "http://" + l.Addr().String()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(env.Stderr, "authlab: warning: serving on %s, reachable from other machines: the demo credentials are public\n", l.Addr())
	}
	srv := &http.Server{Handler: practice.New(practice.Options{Log: env.Stdout}).Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(env.Stdout, "authlab practice server on %s  (ctrl+c stops it)\n\n", base)
	fmt.Fprint(env.Stdout, practice.Banner(base))
	fmt.Fprintln(env.Stdout)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
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
