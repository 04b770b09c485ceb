// Command authlab tests credentials against HTTP APIs: it sends a request with
// the chosen auth scheme, shows what the server said and explains why.
package main

import (
	"context"
	"io"
	"log"
	"os"
	"os/signal"

	"github.com/authlab/authlab/cli"
	"github.com/authlab/authlab/profiles"
	"golang.org/x/term"
)

func main() {
	// net/http reports some server misbehaviour ("Unsolicited response
	// received on idle HTTP channel …") through the standard logger, which
	// would print server bytes on the terminal, over the TUI. authlab
	// reports what matters itself; the practice server logs through its
	// own http.Server.ErrorLog.
	log.SetOutput(io.Discard)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], cli.Env{
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		LookupEnv: os.LookupEnv,
		ReadFile:  os.ReadFile,
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		StdinTTY:  term.IsTerminal(int(os.Stdin.Fd())),
		TermSize:  func() (int, int, error) { return term.GetSize(int(os.Stdout.Fd())) },
		Prompt:    func(label string) (string, error) { return promptTTY(ctx, label) },
		Keyring:   profiles.OSKeyring(),
	})
	stop()
	os.Exit(code)
}

// promptTTY asks for a secret on the terminal without echo. Ctrl-C while it
// waits restores the terminal's echo before giving up.
func promptTTY(ctx context.Context, label string) (string, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", profiles.ErrNoTerminal
	}
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	os.Stderr.WriteString(label + ": ")
	type answer struct {
		b   []byte
		err error
	}
	done := make(chan answer, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- answer{b, err}
	}()
	select {
	case a := <-done:
		os.Stderr.WriteString("\n")
		return string(a.b), a.err
	case <-ctx.Done():
		term.Restore(fd, state)
		os.Stderr.WriteString("\n")
		return "", context.Cause(ctx)
	}
}
