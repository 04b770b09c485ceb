// Command authlab tests credentials against HTTP APIs: it sends a request with
// the chosen auth scheme, shows what the server said and explains why.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/authlab/authlab/cli"
	"github.com/authlab/authlab/profiles"
	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], cli.Env{
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		LookupEnv: os.LookupEnv,
		ReadFile:  os.ReadFile,
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		Prompt:    promptTTY,
	})
	stop()
	os.Exit(code)
}

// promptTTY asks for a secret on the terminal without echo.
func promptTTY(label string) (string, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", profiles.ErrNoTerminal
	}
	os.Stderr.WriteString(label + ": ")
	b, err := term.ReadPassword(fd)
	os.Stderr.WriteString("\n")
	return string(b), err
}
