package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/tui"
)

// runTUI opens the TUI, prefilled from the send flags and the URL.
func runTUI(ctx context.Context, env Env, f *sendFlags, rawURL string) error {
	if !env.StdinTTY || !env.StdoutTTY {
		return inputErr(errors.New("the TUI needs a terminal: run it in one, or use `authlab send [flags] URL` in scripts"))
	}
	opts, err := engineOptions(env, f)
	if err != nil {
		return inputErr(err)
	}
	var notice []string
	req, err := buildRequest(env, f, rawURL, func(s string) { notice = append(notice, s) }, true)
	if err != nil {
		if ctx.Err() != nil {
			return &exitError{code: ExitInterrupted, err: errors.New("interrupted")}
		}
		return inputErr(err)
	}
	eng := authn.New(opts)
	defer eng.Close()
	o := tui.Options{
		Prefill: tui.Prefill{
			Method: f.method, URL: rawURL, Header: req.Header, Body: string(req.Body),
			Scheme: req.Scheme, Fields: req.Fields,
		},
		Engine:   eng,
		Resolver: env.resolver(),
		NoColor:  env.getenv("NO_COLOR") != "",
		Notice:   strings.Join(notice, "; "),
		Ctx:      ctx,
	}
	if env.TermSize != nil {
		o.Width, o.Height, _ = env.TermSize()
	}
	m := tui.New(o)
	// 120 frames a second: the renderer draws on its ticker, so the first
	// frame appears one tick after start (16.7 ms at the default 60).
	popts := append([]tea.ProgramOption{tea.WithFPS(120), tea.WithContext(ctx), tea.WithInput(env.Stdin), tea.WithOutput(env.Stdout)}, env.TUIOptions...)
	p := tea.NewProgram(m, popts...)
	if _, err := p.Run(); err != nil {
		if ctx.Err() != nil || errors.Is(err, tea.ErrInterrupted) || errors.Is(err, tea.ErrProgramKilled) {
			return &exitError{code: ExitInterrupted, err: errors.New("interrupted")}
		}
		return &exitError{code: ExitError, err: fmt.Errorf("the TUI stopped: %w", err)}
	}
	return nil
}

// looksLikeURL tells a URL argument from a mistyped subcommand.
func looksLikeURL(s string) bool {
	return strings.Contains(s, "://") || strings.ContainsAny(s, "./:")
}
