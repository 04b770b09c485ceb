package cli

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/authlab/authlab/authn"
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
	verbose  bool
	trace    bool
	reveal   bool
	json     bool
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
	fs.StringVar(&f.cacert, "cacert", "", "PEM file of CA certificates to trust")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "also print the request sent (credentials masked) and the response headers")
	fs.BoolVar(&f.trace, "trace", false, "print how the scheme built the credentials, step by step")
	fs.BoolVar(&f.reveal, "reveal", false, "show secret values instead of masking them")
	fs.BoolVar(&f.json, "json", false, "print one JSON document (status, headers, body, timing, trace, hints)")
}

func newSend(env Env) *cobra.Command {
	var f sendFlags
	cmd := &cobra.Command{
		Use:   "send [flags] URL",
		Short: "Send one request and show what the server said",
		Example: `  authlab send -u alice:env:GITHUB_TOKEN https://api.github.com/user
  authlab send -a oauth1 -c consumer_key=KEY -c consumer_secret=env:CS \
      -c token=TOKEN -c token_secret=env:TS --trace \
      https://api.twitter.com/1.1/account/verify_credentials.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch len(args) {
			case 0:
				return inputErr(errors.New("no URL given: add the URL to send to, e.g. authlab send https://api.github.com/user"))
			case 1:
				return nil
			}
			return inputErr(fmt.Errorf("one URL expected, got %d arguments (%s): quote values that contain spaces", len(args), strings.Join(args, " ")))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSend(cmd.Context(), env, &f, args[0])
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().SortFlags = false
	return cmd
}

// buildRequest turns flags into an authn.Request, resolving secret references.
// warn receives one line per problem worth a warning.
//
// With keepRefs (the TUI's prefill) env:, file: and keyring: references are
// kept as they are, to be resolved when the request is sent; prompt is still
// asked now, on the terminal, before the TUI takes it over.
func buildRequest(env Env, f *sendFlags, rawURL string, warn func(string), keepRefs bool) (authn.Request, error) {
	req := authn.Request{Method: f.method, URL: rawURL, Header: http.Header{}, Fields: map[string]string{}}
	for _, h := range f.headers {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return req, authn.Inputf("write it as -H 'Name: value'", "bad header %q", h)
		}
		req.Header.Add(name, strings.TrimSpace(value))
	}
	if len(f.data) > 0 {
		parts := make([]string, 0, len(f.data))
		for _, d := range f.data {
			b, err := readData(env, d)
			if err != nil {
				return req, err
			}
			parts = append(parts, b)
		}
		req.Body = []byte(strings.Join(parts, "&"))
		if req.Header.Get("Content-Type") == "" {
			// as curl -d does; it also puts form parameters into the
			// OAuth 1.0a base string (RFC 5849 §3.4.1.3.1)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	}

	req.Scheme = f.auth
	if req.Scheme == "" {
		req.Scheme = "none"
		if f.user != "" {
			req.Scheme = "basic"
		}
	}
	scheme, err := authn.Lookup(req.Scheme)
	if err != nil {
		return req, err
	}
	info := scheme.Info()
	res := env.resolver()
	var literal []string

	for _, c := range f.creds {
		name, value, ok := strings.Cut(c, "=")
		if !ok || name == "" {
			return req, authn.Inputf("write it as -c FIELD=VALUE", "bad credential %q", c)
		}
		field, known := info.Field(name)
		if !known {
			return req, authn.Inputf(fmt.Sprintf("its fields are: %s (see `authlab schemes`)", strings.Join(info.FieldNames(), ", ")),
				"scheme %q has no field %q", info.Name, name)
		}
		v, isRef, err := resolveValue(res, field.Name, value, keepRefs)
		if err != nil {
			return req, err
		}
		if field.Secret && !isRef && v != "" {
			literal = append(literal, field.Name)
		}
		req.Fields[name] = v
	}

	if f.user != "" {
		if _, ok := info.Field("username"); !ok {
			return req, authn.Inputf("use -c FIELD=VALUE (see `authlab schemes`)", "-u works with schemes that take a username and password, not %q", info.Name)
		}
		user, pass, lit, err := resolveUser(res, f.user, keepRefs)
		if err != nil {
			return req, err
		}
		if lit {
			literal = append(literal, "password")
		}
		req.Fields["username"] = user
		req.Fields["password"] = pass
	}
	if len(literal) > 0 {
		sort.Strings(literal)
		warn(fmt.Sprintf("warning: the %s on the command line stays in your shell history; pass it as env:NAME, file:PATH or prompt instead", strings.Join(literal, " and ")))
	}
	return req, nil
}

// resolveUser parses -u USER[:PASS]. The whole value may be an env: or file:
// reference holding "user:pass"; otherwise PASS may be a reference; no PASS
// means prompt (as curl does).
func resolveUser(r profiles.Resolver, v string, keepRefs bool) (user, pass string, literal bool, err error) {
	if strings.HasPrefix(v, profiles.PrefixEnv) || strings.HasPrefix(v, profiles.PrefixFile) || strings.HasPrefix(v, profiles.PrefixKeyring) {
		// the whole value names user:password; it has to be read to split it
		whole, _, err := r.Resolve("user", v)
		if err != nil {
			return "", "", false, err
		}
		user, pass, ok := strings.Cut(whole, ":")
		if !ok {
			return "", "", false, authn.Inputf("store it as user:password", "-u %s does not hold user:password", v)
		}
		return user, pass, false, nil
	}
	user, p, ok := strings.Cut(v, ":")
	if !ok {
		p = profiles.Prompt
	}
	pass, isRef, err := resolveValue(r, "password for "+user, p, keepRefs)
	if err != nil {
		return "", "", false, err
	}
	return user, pass, !isRef && pass != "", nil
}

// resolveValue resolves a reference, or with keepRefs keeps every reference
// but prompt as it is.
func resolveValue(r profiles.Resolver, label, v string, keepRefs bool) (string, bool, error) {
	if keepRefs && profiles.IsRef(v) && v != profiles.Prompt {
		return v, true, nil
	}
	return r.Resolve(label, v)
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
	b, err := env.ReadFile(path)
	if err != nil {
		return "", authn.Inputf("check the path after @", "cannot read body file %q: %v", path, errors.Unwrap(err))
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
	if err != nil || n <= 0 || n*float64(mult) > 1<<40 {
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
	opts := authn.Options{Timeout: f.timeout, MaxBody: maxBody, Follow: f.follow, Insecure: f.insecure}
	if f.cacert != "" {
		pem, err := env.ReadFile(f.cacert)
		if err != nil {
			return opts, authn.Inputf("check the path", "cannot read --cacert %q: %v", f.cacert, errors.Unwrap(err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return opts, authn.Inputf("give a PEM file with BEGIN CERTIFICATE blocks", "--cacert %q holds no PEM certificate", f.cacert)
		}
		opts.RootCAs = pool
	}
	return opts, nil
}

func runSend(ctx context.Context, env Env, f *sendFlags, rawURL string) error {
	opts, err := engineOptions(env, f)
	if err != nil {
		return inputErr(err)
	}
	req, err := buildRequest(env, f, rawURL, func(s string) { fmt.Fprintln(env.Stderr, "authlab: "+s) }, false)
	if err != nil {
		if ctx.Err() != nil { // Ctrl-C at a prompt
			return &exitError{code: ExitInterrupted, err: errors.New("interrupted")}
		}
		return inputErr(err)
	}

	eng := authn.New(opts)
	defer eng.Close()
	res, xerr := eng.Exchange(ctx, req)

	p := ui.Printer{
		Out:     env.Stdout,
		Color:   env.StdoutTTY && env.getenv("NO_COLOR") == "",
		Reveal:  f.reveal,
		Verbose: f.verbose,
		Trace:   f.trace,
	}
	if f.json {
		if err := p.PrintJSON(res); err != nil {
			return &exitError{code: ExitError, err: err}
		}
	} else if xerr == nil || len(res.Exchanges) > 0 || (f.trace && len(res.Trace.Steps) > 0) {
		var ie *authn.InputError
		if !errors.As(xerr, &ie) {
			if err := p.Print(res); err != nil {
				return &exitError{code: ExitError, err: err}
			}
		}
	}
	return exitFor(res, xerr)
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
	default:
		return &exitError{code: ExitError, err: err}
	}
	fin := res.Final()
	if fin == nil || fin.Response == nil {
		return nil
	}
	switch s := fin.Response.Status; {
	case s >= 500:
		return &exitError{code: ExitServerError}
	case s >= 400:
		return &exitError{code: ExitClientError}
	case s >= 300:
		return &exitError{code: ExitRedirect}
	}
	return nil
}
