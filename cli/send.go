package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// sendFlags are the flags shared by `authlab send` and (later) the TUI's
// prefill. Names follow curl and HTTPie where they overlap.
type sendFlags struct {
	method   string
	headers  []string
	data     []string
	auth     string
	user     string
	creds    []string
	timeout  time.Duration
	maxBody  string
	follow   bool
	insecure bool
	cacert   string
	cert     string
	key      string
	keyPass  string
	verbose  bool
	trace    bool
	reveal   bool
	json     bool
	proxy    proxyFlags // -x, --noproxy, --proxy-user (proxy.go)
	vars     varFlags   // --env, --var, --env-file (envs.go)

	profile        string
	save           string
	allowPlaintext bool
	present        bool

	// the classroom (practice.go): where {{practice}} points, who sends
	practice string
	student  string

	// the token cache (tokens.go): --token-cache; for `authlab tokens
	// introspect|revoke`, the action and whether it is on the refresh token
	tokenCache    string
	tokenAction   string
	refreshAction bool

	// send only (see registerSendOnly)
	repeat int
	color  string
}

func (f *sendFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.method, "method", "X", "", "HTTP method (default GET, or POST with -d)")
	fs.StringArrayVarP(&f.headers, "header", "H", nil, "request header 'Name: value' (repeatable)")
	fs.StringArrayVarP(&f.data, "data", "d", nil, "request body; @FILE reads a file, @- stdin (repeats are joined with &)")
	fs.StringVarP(&f.auth, "auth", "a", "", "auth scheme: "+strings.Join(schemeNames(), ", ")+" (default basic with -u, else none)")
	fs.StringVarP(&f.user, "user", "u", "", "USER[:PASS] for schemes with username and password; PASS may be env:NAME, file:PATH or prompt")
	fs.StringArrayVarP(&f.creds, "cred", "c", nil, "scheme field FIELD=VALUE (repeatable); VALUE may be env:NAME, file:PATH or prompt")
	fs.DurationVar(&f.timeout, "timeout", authn.DefaultTimeout, "total time for the whole exchange, body included")
	fs.StringVar(&f.maxBody, "max-body", "10MiB", "response body cap after decompression (e.g. 512KiB, 10MiB)")
	fs.BoolVar(&f.follow, "follow", false, "follow redirects (max 10; credentials are dropped when the origin changes)")
	fs.BoolVarP(&f.insecure, "insecure", "k", false, "do not verify the server's TLS certificate")
	fs.StringVar(&f.cacert, "cacert", "", "PEM file of CA certificates to trust, in addition to the system's")
	fs.StringVar(&f.cert, "cert", "", "client certificate for mutual TLS, PEM file (may also hold the key)")
	fs.StringVar(&f.key, "key", "", "private key of --cert, PEM file (an encrypted key needs --key-pass)")
	fs.StringVar(&f.keyPass, "key-pass", "", "passphrase of an encrypted --key: env:NAME, file:PATH, keyring:NAME or prompt")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "also print the request sent (credentials masked) and the response headers")
	fs.BoolVar(&f.trace, "trace", false, "print how the scheme built the credentials, step by step")
	fs.BoolVar(&f.reveal, "reveal", false, "show secret values instead of masking them")
	fs.BoolVar(&f.json, "json", false, "print one JSON document (status, headers, body, timing, trace, hints)")
	fs.StringVar(&f.profile, "profile", "", "start from saved profile NAME; flags override its fields")
	fs.StringVar(&f.save, "save", "", "save the request as profile NAME (secret references kept)")
	fs.BoolVar(&f.allowPlaintext, "allow-plaintext", false, "let --save write a literal secret into the profile file")
	fs.BoolVar(&f.present, "present", false, "presenter mode: secrets always masked (no --reveal), echoed secrets masked, high contrast")
	fs.StringVar(&f.practice, "practice", "", "URL of the practice server {{practice}} names, e.g. the instructor's http://192.168.1.20:8089 (default $"+envPractice+", else the profiles folder's setting, else the built-in server)")
	fs.StringVar(&f.student, "student", "", "your name, sent to the practice server only (header "+practice.StudentHeader+") and shown to the instructor (default $"+envStudent+")")
	f.proxy.register(fs)
	f.vars.register(fs)
	registerTokenCache(fs, &f.tokenCache, "")
}

// registerSendOnly adds the flags that only `authlab send` takes (the TUI
// has its own repeat and always colours).
func (f *sendFlags) registerSendOnly(fs *pflag.FlagSet) {
	fs.IntVar(&f.repeat, "repeat", 1, "send the request N times over one connection pool; print the last response and a summary line (timing, statuses, connections reused) on stderr; exit code of the worst send")
	fs.StringVar(&f.color, "color", "auto", "colour the output: auto (on a terminal, unless NO_COLOR is set), always, never")
}

// colorOn decides whether stdout gets ANSI colour.
func colorOn(env Env, f *sendFlags) bool {
	switch f.color {
	case "always":
		return true
	case "never":
		return false
	}
	return env.StdoutTTY && env.getenv("NO_COLOR") == ""
}

func newSend(env Env) *cobra.Command {
	var f sendFlags
	cmd := &cobra.Command{
		Use:   "send [flags] URL",
		Short: "Send one request and show what the server said",
		Long: `Sends one request with the chosen auth scheme and shows what the server said:
the status line, the hints that explain it, and the body.

On a terminal all of it goes to stdout. When stdout is not a terminal (a pipe
or a file), stdout gets the response body only and the status line, hints,
-v and --trace output go to stderr, as HTTPie does: authlab send URL | jq .
works. --json always prints its one document on stdout. The exit code is the
same either way: 0 2xx, 1 error, 2 timeout, 3 3xx not followed, 4 4xx,
5 5xx, 6 too many redirects, 130 interrupted.`,
		Example: `  authlab send -u alice:env:GITHUB_TOKEN https://api.github.com/user
  authlab send -a oauth1 -c consumer_key=KEY -c consumer_secret=env:CS \
      -c token=TOKEN -c token_secret=env:TS --trace \
      https://api.twitter.com/1.1/account/verify_credentials.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch len(args) {
			case 0, 1:
				return nil
			}
			return inputErr(fmt.Errorf("one URL expected, got %d arguments (%s): quote values that contain spaces", len(args), strings.Join(args, " ")))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			url := ""
			if len(args) == 1 {
				url = args[0]
			}
			return runSend(cmd.Context(), env, &f, cmd.Flags().Changed, url)
		},
	}
	f.register(cmd.Flags())
	f.registerSendOnly(cmd.Flags())
	registerSendCompletions(cmd, env)
	registerEnvCompletion(cmd, env)
	cmd.Flags().SortFlags = false
	return cmd
}

// readData reads a -d value: a literal, @FILE or @- for stdin.
func readData(env Env, d string) (string, error) {
	if !strings.HasPrefix(d, "@") {
		return d, nil
	}
	path := d[1:]
	if path == "-" {
		b, err := io.ReadAll(env.Stdin)
		if err != nil {
			return "", authn.Inputf("check what is piped in", "cannot read the body from stdin: %v", err)
		}
		return string(b), nil
	}
	// regular files only, capped: -d @/dev/zero or a FIFO never hangs
	ctx, cancel := context.WithTimeout(context.Background(), authn.DefaultTimeout)
	defer cancel()
	b, err := profiles.ReadBodyFile(ctx, path, profiles.MaxBodyFile)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// parseSize parses "10MiB", "512KiB", "1M", "2048" into bytes.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"k", 1 << 10}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			mult = u.mult
			t = strings.TrimSpace(strings.TrimSuffix(t, u.suffix))
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	// !(≥ 1) also refuses NaN, which every comparison calls false (found
	// by FuzzParseSize: "NaN" gave a negative cap), and sizes below a byte.
	if err != nil || !(n*float64(mult) >= 1) || n*float64(mult) > 1<<40 {
		return 0, authn.Inputf("write a size such as 512KiB or 10MiB", "bad --max-body %q", s)
	}
	return int64(n * float64(mult)), nil
}

// engineOptions turns the flags into engine options.
func engineOptions(env Env, f *sendFlags) (authn.Options, error) {
	maxBody, err := parseSize(f.maxBody)
	if err != nil {
		return authn.Options{}, err
	}
	if f.timeout <= 0 {
		return authn.Options{}, authn.Inputf("use a positive duration such as 10s", "bad --timeout %s", f.timeout)
	}
	// --cacert, --cert and --key travel with the request (authn.TLSOptions):
	// the CA file is added to the system roots there, and the TUI sends
	// them with every request of its editor.
	proxy, err := f.proxy.options(env.resolver(), env.LookupEnv)
	if err != nil {
		return authn.Options{}, err
	}
	tc, err := tokenCache(env, f.tokenCache)
	if err != nil {
		return authn.Options{}, err
	}
	o := authn.Options{Timeout: f.timeout, MaxBody: maxBody, Follow: f.follow, Insecure: f.insecure, Proxy: proxy}
	if tc != nil {
		o.TokenCache = tc
	}
	return o, nil
}

func runSend(ctx context.Context, env Env, f *sendFlags, changed func(string) bool, rawURL string) error {
	var base *profiles.Profile
	var stamp *profiles.Stamp // of the --profile file as read
	store, err := storeFor(env, f)
	if err != nil {
		return inputErr(err)
	}
	if f.profile != "" {
		e, err := store.Load(f.profile)
		if err != nil {
			return inputErr(err)
		}
		base = e.Profile
		stamp = &e.Stamp
		applyProfileOptions(f, changed, base)
	}
	if rawURL == "" && base == nil {
		return inputErr(errors.New("no URL given: add the URL to send to, e.g. authlab send https://api.github.com/user"))
	}
	opts, err := engineOptions(env, f)
	if err != nil {
		return inputErr(err)
	}
	resolver, err := f.vars.sendResolver(env, f, store)
	if err != nil {
		return inputErr(err)
	}
	if f.repeat < 1 || f.repeat > MaxRepeat {
		return inputErr(fmt.Errorf("bad --repeat %d: use a count from 1 to %d", f.repeat, MaxRepeat))
	}
	switch f.color {
	case "auto", "always", "never", "":
	default:
		return inputErr(fmt.Errorf("bad --color %q: use auto, always or never", f.color))
	}
	if f.present && f.reveal {
		return inputErr(errors.New("--reveal is disabled in presenter mode (--present): secrets stay masked on a projector"))
	}
	if err := tlsCheckFlags(f, changed); err != nil {
		return inputErr(err)
	}
	pc, err := choosePractice(env, f, changed)
	if err != nil {
		return inputErr(err)
	}
	req, literal, err := buildRequest(env, f, changed, base, rawURL)
	if err != nil {
		return inputErr(err)
	}
	if err := checkTrust(req, f, base); err != nil {
		return inputErr(err)
	}
	if changed("key-pass") && tlsFlagsLiteral(f) {
		literal = append(literal, "key passphrase")
	}
	literal = append(literal, f.proxy.literal(env.resolver())...)
	if len(literal) > 0 {
		fmt.Fprintln(env.Stderr, "authlab: "+literalWarning(literal))
	}
	// the one description of the request: what --save writes, what
	// history keeps, and what profiles.Resolve turns into the request sent
	desc := profileFrom(f.profile, req, f, base)
	if f.save != "" {
		if err := tlsCheckSave(f); err != nil {
			return inputErr(err)
		}
		p := desc
		p.Name = f.save
		// --save over the --profile it started from updates that profile
		// (refused if the file changed since it was read); any other
		// existing name is refused, never silently replaced.
		o := profiles.SaveOptions{AllowPlaintext: f.allowPlaintext}
		if f.save == f.profile {
			o.Expect = stamp
		}
		if _, err := store.Save(p, o); err != nil {
			if errors.Is(err, profiles.ErrExists) {
				err = fmt.Errorf("profile %s exists: save under another name, or start from it with --profile %s --save %s", f.save, f.save, f.save)
			}
			return inputErr(err)
		}
		fmt.Fprintf(env.Stderr, "authlab: saved profile %s\n", f.save)
	}
	rs, err := profiles.Resolve(ctx, desc, resolver, profiles.Policy{Prompt: true})
	if err != nil {
		if ctx.Err() != nil { // Ctrl-C at a prompt
			return &exitError{code: ExitInterrupted, err: errors.New("interrupted")}
		}
		return inputErr(err)
	}
	req = rs.Request
	if f.insecure {
		fmt.Fprintln(env.Stderr, "authlab: "+tlsInsecureWarning)
	}
	emb := practice.NewTarget(practice.Options{}, pc.target)
	defer emb.Close()
	if err := emb.ExpandRequest(&req); err != nil {
		return inputErr(err)
	}
	if usesPractice(req, emb.Remote()) {
		fmt.Fprintln(env.Stderr, "authlab: "+oneLine(errors.New(pc.notice())))
	}

	// A flow that waits for the user (the device code to enter, the URL
	// to open) says so on stderr, so stdout stays the response.
	req.Notify = (&ui.NoticeWriter{Out: env.Stderr, Color: env.StderrTTY && env.getenv("NO_COLOR") == ""}).Notify
	eng := authn.New(opts)
	defer eng.Close()
	send := func() (*authn.Result, error) {
		var res *authn.Result
		var xerr error
		if f.tokenAction != "" {
			res, xerr = eng.TokenAction(ctx, req, f.tokenAction, f.refreshAction)
		} else {
			res, xerr = eng.Exchange(ctx, req)
		}
		if f.present {
			res.Redact(rs.Secrets.Merge(authn.SecretsOf(req, res))) // a server may echo a secret
		}
		return res, xerr
	}
	var (
		res  *authn.Result
		xerr error
		rep  *repeatStats
	)
	if f.repeat > 1 {
		// One engine for every send: its transport keeps the connection,
		// its sessions the Digest nonce count and the OAuth 2.0 token.
		// stdout gets the last response as a single send would print it;
		// the summary (and with -v a line per send) goes to stderr.
		var progress io.Writer
		if f.verbose {
			progress = env.Stderr
		}
		// GOMAXPROCS is left alone: it is the process's (cli.Run may run
		// concurrently, and the embedded practice server shares it); a
		// user after the single-P figure of BENCHMARKS.md sets
		// GOMAXPROCS=1 in the environment.
		res, xerr, rep = repeatSends(ctx, f.repeat, send, progress)
	} else {
		res, xerr = send()
	}
	var ie *authn.InputError
	if !errors.As(xerr, &ie) && f.tokenAction == "" {
		env.record(res, xerr, rs, emb.Started())
	}

	p := ui.Printer{
		Out:     env.Stdout,
		Meta:    metaWriter(env),
		Color:   colorOn(env, f),
		Reveal:  f.reveal,
		Present: f.present,
		Verbose: f.verbose,
		Trace:   f.trace,
		Width:   termWidth(env),
	}
	if f.json {
		if err := p.PrintJSON(res); err != nil {
			return &exitError{code: ExitError, err: err}
		}
	} else if (xerr == nil || len(res.Exchanges) > 0 || (f.trace && len(res.Trace.Steps) > 0)) && ie == nil {
		if err := p.Print(res); err != nil {
			return &exitError{code: ExitError, err: err}
		}
	}
	if rep != nil {
		fmt.Fprintln(env.Stderr, "authlab: "+rep.summary())
		if ctx.Err() != nil {
			return &exitError{code: ExitInterrupted, err: errors.New("interrupted")}
		}
		return rep.worst
	}
	return exitFor(res, xerr)
}

// applyProfileOptions takes the profile's engine options for every flag the
// user did not set.
func applyProfileOptions(f *sendFlags, changed func(string) bool, p *profiles.Profile) {
	if !changed("timeout") && p.Timeout > 0 {
		f.timeout = p.Timeout
	}
	if !changed("follow") {
		f.follow = p.Follow
	}
	tlsApplyProfile(f, changed, p)
}

// profileFrom turns a request (references unresolved) into a profile to
// save; the description comes from the base profile, the TLS options from
// the flags (the base profile's unless overridden; the key passphrase as
// its reference).
func profileFrom(name string, req authn.Request, f *sendFlags, base *profiles.Profile) profiles.Profile {
	p := profiles.Profile{Name: name, Method: req.Method, URL: req.URL, Body: string(req.Body), Scheme: req.Scheme,
		Fields: req.Fields, Timeout: f.timeout, Follow: f.follow, TLS: tlsProfile(f)}
	if p.Timeout == authn.DefaultTimeout {
		p.Timeout = 0
	}
	if base != nil {
		p.Description = base.Description
		p.Source = base.Source // where its references came from (trust)
		p.Vars = base.Vars     // its defaults for {{variables}}
	}
	p.Headers = orderedHeaders(req.Header, base, f.headers)
	switch {
	case bodyFileFlag(f) != "":
		p.BodyFile = bodyFileFlag(f)
	case base != nil && len(f.data) == 0 && p.Body == "":
		p.BodyFile = base.BodyFile // the profile's own, read when sent
	}
	return p
}

// metaWriter is where `authlab send` writes everything but the response
// body: stdout on a terminal, where a person reads both, else stderr, so
// that a pipe or a file gets the body alone (`authlab send URL | jq .`),
// as HTTPie does. --json is one document and always goes to stdout.
func metaWriter(env Env) io.Writer {
	if env.StdoutTTY {
		return nil // the printer's Out
	}
	return env.Stderr
}

// exitFor maps the outcome to the documented exit code.
func exitFor(res *authn.Result, err error) error {
	switch {
	case err == nil:
	case errors.Is(err, authn.ErrCanceled):
		return &exitError{code: ExitInterrupted, err: errors.New("interrupted")}
	case errors.Is(err, authn.ErrTimeout):
		return &exitError{code: ExitTimeout, err: err}
	case errors.Is(err, authn.ErrTooManyRedirects):
		return &exitError{code: ExitTooManyHops, err: err}
	case errors.Is(err, authn.ErrRefused):
		// A token endpoint said no: its status decides, as for any answer.
		return exitForStatus(res, err)
	default:
		return &exitError{code: ExitError, err: err}
	}
	return exitForStatus(res, nil)
}

// exitForStatus maps the final status to the exit code; err (if any) is the
// line to print with it.
func exitForStatus(res *authn.Result, err error) error {
	fin := res.Final()
	if fin == nil || fin.Response == nil {
		if err != nil {
			return &exitError{code: ExitError, err: err}
		}
		return nil
	}
	switch s := fin.Response.Status; {
	case s >= 500:
		return &exitError{code: ExitServerError, err: err}
	case s >= 400:
		return &exitError{code: ExitClientError, err: err}
	case s >= 300:
		return &exitError{code: ExitRedirect, err: err}
	}
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	return nil
}

// termWidth is the terminal's width for the flow view (0: not a terminal,
// the printer's default).
func termWidth(env Env) int {
	if env.StdoutTTY && env.TermSize != nil {
		if w, _, err := env.TermSize(); err == nil && w > 0 {
			return w
		}
	}
	return 0
}
