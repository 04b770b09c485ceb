package cli

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/authlab/authlab/convert/curl"
	"github.com/authlab/authlab/convert/shell"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// importFlags are `authlab import curl`'s flags.
type importFlags struct {
	save           string
	secrets        string
	allowPlaintext bool
	open           bool
}

// How `import` keeps the secrets it found typed as literals.
const (
	keepEnv     = "env"     // env:NAME, named after the API and field
	keepKeyring = "keyring" // stored in the OS keyring now, keyring:NAME
	keepPrompt  = "prompt"  // asked at each send
	keepLiteral = "literal" // as typed (saving it needs --allow-plaintext)
)

func newImport(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Turn a curl command, a Postman collection, an OpenAPI document or a .http file into authlab requests",
	}
	cmd.AddCommand(newImportCurl(env))
	for _, f := range importFormats() {
		cmd.AddCommand(newImportFile(env, f))
	}
	return cmd
}

func newImportCurl(env Env) *cobra.Command {
	var x importFlags
	cmd := &cobra.Command{
		Use:   "curl 'CURL COMMAND' | -",
		Short: "Read a curl command (as pasted from an API's docs) into a request",
		Long: `import curl reads a curl command line, quoted as your shell would read it
(single and double quotes, $'…', backslash-newline continuations), and prints
the authlab send command that makes the same request; --save keeps it as a
profile, --open opens it in the TUI. "-" (or no argument) reads the command
from stdin, which spares you a round of shell quoting.

Options authlab does not understand are listed, never dropped silently.
Secrets typed into the command as literals are kept, by default, as
environment references named after the API and field (env:GITHUB_TOKEN):
--secrets keyring stores them in the OS keyring instead, prompt asks at each
send, literal keeps them as typed. Shell variables ($GITHUB_TOKEN) become
env: references as they are.`,
		Example: `  authlab import curl 'curl -u octocat:ghp_xxx https://api.github.com/user'
  pbpaste | authlab import curl - --save github/user
  authlab import curl --open "curl -H 'Authorization: Bearer $TOKEN' https://api.example.com/me"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return inputErr(fmt.Errorf("one curl command expected, got %d arguments: quote the whole command ('curl …'), or pipe it in with -", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			line := "-"
			if len(args) == 1 {
				line = args[0]
			}
			if line == "-" {
				const max = 1 << 20
				b, err := io.ReadAll(io.LimitReader(env.Stdin, max+1))
				if err != nil {
					return inputErr(fmt.Errorf("cannot read the curl command from stdin: %w", err))
				}
				if len(b) > max {
					return inputErr(errors.New("the curl command on stdin is longer than 1 MiB: put large bodies in a file and use -d @FILE"))
				}
				line = string(b)
			}
			return runImportCurl(cmd, env, &x, line)
		},
	}
	cmd.Flags().StringVar(&x.save, "save", "", "save the request as profile NAME")
	cmd.Flags().StringVar(&x.secrets, "secrets", keepEnv, "keep literal secrets as: env (env:NAME references), keyring (stored now, keyring:NAME), prompt, literal")
	cmd.Flags().BoolVar(&x.allowPlaintext, "allow-plaintext", false, "let --save write a literal secret into the profile file (with --secrets literal)")
	cmd.Flags().BoolVar(&x.open, "open", false, "open the request in the TUI instead of printing it")
	return cmd
}

func runImportCurl(cmd *cobra.Command, env Env, x *importFlags, line string) error {
	if !slices.Contains([]string{keepEnv, keepKeyring, keepPrompt, keepLiteral}, x.secrets) {
		return inputErr(fmt.Errorf("--secrets %q: use env, keyring, prompt or literal", x.secrets))
	}
	if strings.TrimSpace(line) == "" {
		return inputErr(errors.New("no curl command given: pass it in quotes, or pipe it in with -"))
	}
	im, err := curl.ParseCommand(line, curl.Options{})
	if err != nil {
		return inputErr(err)
	}
	for _, u := range im.Unknown {
		fmt.Fprintln(env.Stderr, "authlab: not imported (unknown to authlab): "+sanitize.Line(u))
	}
	for _, n := range im.Ignored {
		fmt.Fprintln(env.Stderr, "authlab: ignored: "+sanitize.Line(n))
	}
	for _, n := range im.Notes {
		fmt.Fprintln(env.Stderr, "authlab: note: "+sanitize.Line(n))
	}
	p := im.Profile
	p.Name = x.save
	// The TUI holds a literal in memory only (saving it asks first): --open
	// alone keeps the secrets as typed, so the request can be sent at once.
	if x.save != "" || !x.open || cmd.Flags().Changed("secrets") {
		kept, err := keepSecrets(env, &p, im.Literals, x.secrets)
		if err != nil {
			return inputErr(err)
		}
		for _, k := range kept {
			fmt.Fprintln(env.Stderr, "authlab: "+sanitize.Line(k))
		}
	}
	if x.save != "" {
		store, err := env.store()
		if err != nil {
			return inputErr(err)
		}
		if _, err := store.Save(p, profiles.SaveOptions{AllowPlaintext: x.allowPlaintext}); err != nil {
			if errors.Is(err, profiles.ErrExists) {
				err = fmt.Errorf("profile %s exists: save under another name, or remove it first with `authlab profiles rm %s`", x.save, x.save)
			}
			return inputErr(err)
		}
		fmt.Fprintf(env.Stderr, "authlab: saved profile %s: send it with `authlab send --profile %s`\n", x.save, x.save)
	}
	if x.open {
		var f sendFlags
		f.register(pflag.NewFlagSet("import", pflag.ContinueOnError)) // the send flags' defaults
		never := func(string) bool { return false }
		applyProfileOptions(&f, never, &p) // timeout, redirects and TLS come from the command
		f.profile = x.save
		return runTUI(cmd.Context(), env, &f, never, "", &p)
	}
	if x.save == "" {
		if strings.HasPrefix(p.Body, "@") {
			fmt.Fprintln(env.Stderr, "authlab: note: the body starts with @, which authlab send -d reads as a file name: --save the request as a profile to send it as it is")
		}
		line := sendCommand(p)
		if safe := sanitize.Line(line); safe != line {
			// a command copied from a web page can hide terminal controls
			fmt.Fprintln(env.Stderr, "authlab: note: the request holds control or invisible characters, shown escaped below: --save it to keep them exactly")
			line = safe
		}
		fmt.Fprintln(env.Stdout, line)
	}
	return nil
}

// keepSecrets replaces the literal secrets the import found according to
// how (env, keyring, prompt or literal) and says, one line each, what it did
// and what the user has to do. A secret in a header kept as typed, or in
// the URL's query, cannot be a reference: it is left as it is, with a
// warning.
func keepSecrets(env Env, p *profiles.Profile, lits []curl.Literal, how string) ([]string, error) {
	var out []string
	for _, l := range lits {
		tlsPass := l.Field == "tls.key_password"
		_, isField := p.Fields[l.Field]
		if how == keepLiteral || !isField && !tlsPass {
			out = append(out, fmt.Sprintf("warning: the %s is a literal secret: it stays in your shell history and in the profile", l.Where))
			continue
		}
		value := p.Fields[l.Field]
		if tlsPass {
			value = p.TLS.KeyPassword
		}
		var ref, msg string
		switch how {
		case keepEnv:
			ref = profiles.PrefixEnv + l.SuggestedEnv
			msg = fmt.Sprintf("the %s is kept as %s: set it before sending (read -rs %s; export %s)", l.Where, ref, l.SuggestedEnv, l.SuggestedEnv)
		case keepPrompt:
			ref = profiles.Prompt
			msg = fmt.Sprintf("the %s is kept as prompt: authlab asks for it at each send", l.Where)
		case keepKeyring:
			name := strings.ToLower(strings.ReplaceAll(l.SuggestedEnv, "_", "-"))
			if env.Keyring == nil {
				return nil, errors.New("--secrets keyring: there is no OS keyring here: use --secrets env or prompt")
			}
			if err := env.Keyring.Set(profiles.KeyringService, name, value); err != nil {
				return nil, fmt.Errorf("--secrets keyring: cannot store the %s in the OS keyring (%v): use --secrets env or prompt", l.Where, err)
			}
			ref = profiles.PrefixKeyring + name
			msg = fmt.Sprintf("the %s is stored in the OS keyring and kept as %s", l.Where, ref)
		}
		if tlsPass {
			p.TLS.KeyPassword = ref
		} else {
			p.Fields[l.Field] = ref
		}
		out = append(out, msg)
	}
	return out, nil
}

// sendCommand writes p as the `authlab send` command line that makes the
// same request; values are shell-quoted, references stay references.
func sendCommand(p profiles.Profile) string {
	args := []string{"authlab", "send"}
	add := func(a ...string) {
		for _, s := range a {
			args = append(args, shell.Quote(s))
		}
	}
	method := strings.ToUpper(p.Method)
	hasBody := p.Body != "" || p.BodyFile != ""
	if method != "" && !(method == http.MethodGet && !hasBody) && !(method == http.MethodPost && hasBody) {
		add("-X", method)
	}
	for _, h := range p.Headers {
		if http.CanonicalHeaderKey(h.Name) == "Content-Type" && h.Value == "application/x-www-form-urlencoded" && hasBody {
			continue // what -d sends anyway
		}
		add("-H", h.Name+": "+h.Value)
	}
	if p.Body != "" {
		add("-d", p.Body) // authlab's -d reads @FILE: a body starting with @ is noted by runImportCurl
	}
	if p.BodyFile != "" {
		add("-d", "@"+p.BodyFile) // read when authlab send runs, as the profile's body_file is
	}
	scheme := p.Scheme
	fields := maps.Clone(p.Fields)
	if (scheme == "basic" || scheme == "digest") && fields["username"] != "" && !profiles.IsRef(fields["username"]) {
		if scheme == "digest" {
			add("-a", "digest")
		}
		add("-u", fields["username"]+":"+fields["password"]) // "user:" is an empty password, as Stripe's keys have
		delete(fields, "username")
		delete(fields, "password")
	} else if scheme != "" && scheme != "none" {
		add("-a", scheme)
	}
	names := make([]string, 0, len(fields))
	for k, v := range fields {
		if v != "" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		add("-c", k+"="+fields[k])
	}
	if p.Follow {
		add("--follow")
	}
	if p.Timeout > 0 {
		add("--timeout", p.Timeout.String())
	}
	if p.TLS.Insecure {
		add("-k")
	}
	if p.TLS.CACert != "" {
		add("--cacert", p.TLS.CACert)
	}
	if p.TLS.Cert != "" {
		add("--cert", p.TLS.Cert)
	}
	if p.TLS.Key != "" {
		add("--key", p.TLS.Key)
	}
	if p.TLS.KeyPassword != "" {
		add("--key-pass", p.TLS.KeyPassword)
	}
	add(p.URL)
	return strings.Join(args, " ")
}
