package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/tui"
)

// runTUI opens the TUI, prefilled from the send flags and the URL, on
// base when given (an imported curl command, not yet saved), else on the
// --profile named by the flags.
func runTUI(ctx context.Context, env Env, f *sendFlags, changed func(string) bool, rawURL string, base *profiles.Profile) error {
	if !env.StdinTTY || !env.StdoutTTY {
		return inputErr(errors.New("the TUI needs a terminal: run it in one, or use `authlab send [flags] URL` in scripts (`authlab import curl` without --open prints the request)"))
	}
	var notice []string
	store, err := env.store()
	if err != nil {
		if f.profile != "" && base == nil {
			return inputErr(err)
		}
		store = nil // the TUI works without saved profiles
		notice = append(notice, "profiles are off: "+err.Error())
	}
	if store != nil {
		firstStart(store)
	}
	if f.profile != "" && base == nil {
		e, err := store.Load(f.profile)
		if err != nil {
			return inputErr(err)
		}
		base = e.Profile
		applyProfileOptions(f, changed, base)
	}
	return openTUI(ctx, env, f, changed, store, base, rawURL, notice, nil, practice.Options{})
}

// openTUI runs the TUI prefilled from base and the flags.
func openTUI(ctx context.Context, env Env, f *sendFlags, changed func(string) bool, store *profiles.Store, base *profiles.Profile, rawURL string, notice []string, lesson *tui.Lesson, po practice.Options) error {
	opts, err := engineOptions(env, f)
	if err != nil {
		return inputErr(err)
	}
	if err := tlsCheckFlags(f, changed); err != nil {
		return inputErr(err)
	}
	// The editor starts from the request's description, references kept:
	// the TUI resolves them at each send (profiles.Resolve) and asks for a
	// prompt or an unset variable in its own window.
	req, literal, err := buildRequest(env, f, changed, base, rawURL)
	if err == nil {
		// the key passphrase of an untrusted folder is refused before the TUI starts
		err = checkTrustTLS(req, f, base)
	}
	if err != nil {
		if ctx.Err() != nil {
			return &exitError{code: ExitInterrupted, err: errors.New("interrupted")}
		}
		return inputErr(err)
	}
	if changed("key-pass") && tlsFlagsLiteral(f) {
		literal = append(literal, "key passphrase")
	}
	literal = append(literal, f.proxy.literal(env.resolver())...)
	if len(literal) > 0 {
		notice = append(notice, literalWarning(literal))
	}
	pc, err := choosePractice(env, f, changed)
	if err != nil {
		return inputErr(err)
	}
	if pc.target.Remote != "" && pc.from != "--practice" && pc.from != envPractice {
		// a folder's setting: the header shows the URL, this says why
		notice = append(notice, pc.notice())
	}
	resolver, err := f.vars.sendResolver(env, f, store)
	if err != nil {
		return inputErr(err)
	}
	hist, _ := env.history()
	eng := authn.New(opts)
	defer eng.Close()
	if lesson != nil && lesson.Lesson != nil {
		pc.target.Lesson = lesson.Lesson.ID // the room view grades it
	}
	emb := practice.NewTarget(po, pc.target)
	defer emb.Close()
	o := tui.Options{
		Prefill:  profileFrom(f.profile, req, f, base),
		Insecure: f.insecure, // -k or the profile's insecure = true: a red banner
		Engine:   eng,
		Resolver: resolver,
		Store:    store,
		History:  hist,
		Profile:  f.profile,
		Present:  f.present,
		Practice: emb,
		NoColor:  env.getenv("NO_COLOR") != "",
		Notice:   strings.Join(notice, "; "),
		Ctx:      ctx,
		Lesson:   lesson,
	}
	if base != nil {
		o.Source = base.Source // the TUI asks before resolving an untrusted folder's references
	}
	if tr, err := profiles.DefaultTrust(env.LookupEnv); err == nil {
		o.Trust = &tr
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
