// Package cli is authlab's command line: it parses flags, resolves secret
// references, runs the exchange engine and hands the Result to a renderer.
// It is the wiring layer between authn, profiles and ui; main only calls Run.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/spf13/cobra"
)

// Exit codes (HTTPie's, see DESIGN.md). They are the contract of `authlab send`.
const (
	ExitOK          = 0   // 2xx (or a command that succeeded)
	ExitError       = 1   // bad input, network or TLS error
	ExitTimeout     = 2   // the exchange timed out
	ExitRedirect    = 3   // 3xx not followed
	ExitClientError = 4   // 4xx
	ExitServerError = 5   // 5xx
	ExitTooManyHops = 6   // too many redirects
	ExitInterrupted = 130 // Ctrl-C
)

// Env is everything the command line touches outside itself. main fills it
// from the process; tests fill it with their own.
type Env struct {
	Stdin     io.Reader
	Stdout    io.Writer
	Stderr    io.Writer
	LookupEnv func(string) (string, bool)
	ReadFile  func(string) ([]byte, error)
	// StdoutTTY reports whether stdout is a terminal (colour, layout).
	StdoutTTY bool
	// StderrTTY reports whether stderr is a terminal (colour of notices).
	StderrTTY bool
	// StdinTTY reports whether stdin is a terminal (the TUI needs both).
	StdinTTY bool
	// TermSize returns the terminal's size (nil: unknown until the TUI
	// starts).
	TermSize func() (w, h int, err error)
	// Keyring resolves keyring: references (nil: they fail with a plain
	// message naming env:/prompt instead).
	Keyring profiles.Keyring
	// Now is the clock for history records (time.Now when nil).
	Now func() time.Time
	// profilesDir points at the --profiles flag's value.
	profilesDir *string
	// TUIOptions are extra Bubble Tea program options (tests run the TUI
	// inside a terminal emulator with a fixed size).
	TUIOptions []tea.ProgramOption
	// Prompt reads a secret without echo; it returns profiles.ErrNoTerminal
	// when there is no terminal.
	Prompt func(label string) (string, error)
}

func (e Env) getenv(name string) string {
	v, _ := e.LookupEnv(name)
	return v
}

func (e Env) resolver() profiles.Resolver {
	// file: references are read by ReadSecretFile (regular files only,
	// capped), not Env.ReadFile, which reads -d @FILE bodies.
	return profiles.Resolver{LookupEnv: e.LookupEnv, ReadFile: profiles.ReadSecretFile, Prompt: e.Prompt, Keyring: e.Keyring}
}

// profilesFolder is the profiles folder: --profiles, AUTHLAB_PROFILES, then
// the XDG default.
func (e Env) profilesFolder() (string, error) {
	if e.profilesDir != nil && *e.profilesDir != "" {
		return *e.profilesDir, nil
	}
	return profiles.DefaultDir(e.LookupEnv)
}

// store opens the profiles folder (profilesFolder).
func (e Env) store() (*profiles.Store, error) {
	dir, err := e.profilesFolder()
	if err != nil {
		return nil, err
	}
	s := profiles.NewStore(dir)
	// The user's own folder, or one in the trust file (authlab trust):
	// only then do its profiles' env:, file: and keyring: references resolve.
	if tr, err := profiles.DefaultTrust(e.LookupEnv); err == nil {
		s.Trusted, _ = tr.Trusted(dir)
	}
	return s, nil
}

func (e Env) history() (profiles.History, error) {
	path, err := profiles.DefaultHistoryPath(e.LookupEnv)
	return profiles.History{Path: path}, err
}

// record appends one masked history record for a send; a failure to write
// history is a warning, never a failed send.
func (e Env) record(res *authn.Result, xerr error, rs profiles.Resolved, practiceBase string) {
	h, err := e.history()
	if err == nil {
		rec := profiles.NewRecord(res, xerr, rs, e.now())
		rec.URL = practice.Unexpand(rec.URL, practiceBase)
		rec.RequestURL = practice.Unexpand(rec.RequestURL, practiceBase)
		err = h.Append(rec)
	}
	if err != nil {
		fmt.Fprintln(e.Stderr, "authlab: warning: history not written: "+oneLine(err))
	}
}

func (e Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error // nil: nothing more to print
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// Run runs authlab with args (without the program name) and returns the exit
// code. Errors are printed as one line on stderr.
func Run(ctx context.Context, args []string, env Env) int {
	root := newRoot(env)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	code := ExitError
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		err = ee.err
	} else if ctx.Err() != nil {
		code = ExitInterrupted
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, "authlab: "+oneLine(err))
	}
	return code
}

// oneLine renders an error on a single sanitized line: errors can carry
// server text (TLS certificate names, Location headers).
func oneLine(err error) string {
	return sanitize.Line(err.Error())
}

func newRoot(env Env) *cobra.Command {
	var f sendFlags
	var profilesDir string
	env.profilesDir = &profilesDir
	root := &cobra.Command{
		Use:   "authlab [send-flags] [URL]",
		Short: "Test credentials against HTTP APIs and see why they fail",
		Long: `authlab sends a request with the credentials and auth scheme you choose,
shows what the server said (status, timing, headers, the error payload),
explains why, and can show step by step how the scheme signed the request.

Without a subcommand it opens the TUI, prefilled from the same flags
` + "`authlab send`" + ` takes.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) > 0 && !looksLikeURL(args[0]):
				return inputErr(unknownCommand(cmd, args[0]))
			case len(args) > 1:
				return inputErr(fmt.Errorf("one URL expected, got %d arguments (%s): quote values that contain spaces", len(args), strings.Join(args, " ")))
			case len(args) == 1:
				return runTUI(cmd.Context(), env, &f, cmd.Flags().Changed, args[0], nil)
			}
			return runTUI(cmd.Context(), env, &f, cmd.Flags().Changed, "", nil)
		},
	}
	f.register(root.Flags())
	root.Flags().SortFlags = false
	// --version prints what `authlab version` prints (cobra adds the flag
	// when Version is set).
	root.Version = versionText()
	root.SetVersionTemplate("{{.Version}}")
	root.Flags().Bool("version", false, "print the version, commit and Go version of this build")
	root.PersistentFlags().StringVar(&profilesDir, "profiles", "", "profiles folder (default $AUTHLAB_PROFILES, else $XDG_CONFIG_HOME/authlab/profiles)")
	root.MarkPersistentFlagDirname("profiles")
	registerSendCompletions(root, env)
	registerEnvCompletion(root, env)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &exitError{code: ExitError, err: fmt.Errorf("%v (see `%s --help`)", err, cmd.CommandPath())}
	})
	root.AddCommand(newSend(env), newSchemes(env), newProfiles(env), newHistory(env), newServe(env), newExport(env), newImport(env), newVersion(env), newTrust(env), newEnvs(env), newTokens(env), newLearn(env), newJWT(env))
	initCompletionCmd(root, env)
	return root
}

// unknownCommand is the error for a first argument that is neither a
// command nor a URL (the root takes a URL, so cobra's own "unknown
// command" never fires): it names the nearest command when one is close.
func unknownCommand(root *cobra.Command, name string) error {
	var names []string
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	if dym := authn.DidYouMean(authn.Suggest(name, names)); dym != "" {
		return fmt.Errorf("unknown command %q: %s (see `authlab --help`)", name, dym)
	}
	return fmt.Errorf("unknown command %q: see `authlab --help`", name)
}

// inputErr wraps a user error with exit code 1.
func inputErr(err error) error { return &exitError{code: ExitError, err: err} }

// schemeNames lists the registered scheme names.
func schemeNames() []string {
	var out []string
	for _, s := range authn.Schemes() {
		out = append(out, s.Info().Name)
	}
	return out
}
