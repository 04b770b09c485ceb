package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/authlab/authlab/convert/export"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/google/renameio/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// revealWarning is printed on stderr before `export --reveal` writes
// secrets into a snippet.
const revealWarning = "warning: --reveal writes the secrets themselves into the exported text: keep it out of shell history, chat, tickets and version control"

// exportFlags are `authlab export`'s own flags; the request flags are the
// send flags that build a request.
type exportFlags struct {
	format string
	output string
	reveal bool
	group  string // postman, http: export this group
	name   string // postman: the collection's name
}

// registerRequestFlags registers the send flags that describe the request
// itself (not how its result is shown) on fs.
func (f *sendFlags) registerRequestFlags(fs *pflag.FlagSet) {
	var all pflag.FlagSet
	f.register(&all)
	for _, name := range []string{"profile", "method", "header", "data", "auth", "user", "cred", "timeout", "follow", "insecure", "cacert", "cert", "key", "key-pass", "allow-plaintext", "practice", "env", "var", "env-file"} {
		fs.AddFlag(all.Lookup(name))
	}
}

func newExport(env Env) *cobra.Command {
	var f sendFlags
	var x exportFlags
	cmd := &cobra.Command{
		Use:   "export [--profile NAME | --group GROUP] [request flags] [URL] --format curl|httpie|python|go|postman|http",
		Short: "Write a request as a curl or HTTPie command, a Python script or a Go program; profiles as a Postman collection or a .http file",
		Long: `export writes a saved profile (or the request the flags describe) as code
for another tool. Secrets never appear in the text: each one becomes an
environment variable the code reads, named after the field, listed in a
comment at the top. --reveal writes the values themselves instead.

Schemes a target cannot compute itself (OAuth 1.0a in curl, SigV4 in
HTTPie) are written as a request signed now, with a comment saying that it
is valid only for that timestamp and nonce.

--format postman and --format http write saved profiles for a colleague
who uses Postman, the JetBrains HTTP Client or the VS Code REST Client:
one profile (--profile), a group (--group) or every profile, with the
folder's environments (or only --env's) as variables. Secrets and
references become variables to fill in there; --reveal is refused. With
--output, .http also writes the environments' non-secret variables to
http-client.env.json beside the file (refused if one is there).`,
		Example: `  authlab export --profile github/user --format python > github_user.py
  authlab export --profile demo/github-basic --format curl
  authlab export --format go -u octocat:env:GITHUB_PASSWORD https://api.github.com/user
  authlab export --format postman --group demo -o demo.postman_collection.json
  authlab export --format http --group github -o api/github.http`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return inputErr(fmt.Errorf("one URL expected, got %d arguments (%s): quote values that contain spaces", len(args), strings.Join(args, " ")))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			url := ""
			if len(args) == 1 {
				url = args[0]
			}
			return runExport(env, &f, &x, cmd.Flags().Changed, url)
		},
	}
	f.registerRequestFlags(cmd.Flags())
	cmd.Flags().StringVarP(&x.format, "format", "f", "curl", "what to write: "+strings.Join(exportTargets(), ", "))
	cmd.Flags().StringVar(&x.group, "group", "", "with --format postman or http: export every profile of GROUP (default: every profile)")
	cmd.Flags().StringVar(&x.name, "name", "", "with --format postman: the collection's name (default: the group's)")
	cmd.Flags().StringVarP(&x.output, "output", "o", "", "write to FILE instead of stdout (created atomically; 0600 with --reveal)")
	cmd.Flags().BoolVar(&x.reveal, "reveal", false, "write the secret values into the text instead of environment variables")
	// --practice-url is the name --practice had before #17
	cmd.Flags().StringVar(&f.practice, "practice-url", "", "the same as --practice")
	cmd.Flags().MarkHidden("practice-url")
	cmd.Flags().SortFlags = false
	registerSendCompletions(cmd, env)
	registerEnvCompletion(cmd, env)
	cmd.RegisterFlagCompletionFunc("format", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		for _, t := range exportTargets() {
			if strings.HasPrefix(t, toComplete) {
				out = append(out, t)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// exportTargets lists every --format: the one-request targets, then the
// collection formats.
func exportTargets() []string {
	out := export.Targets()
	for _, c := range collectionFormats() {
		out = append(out, c.name)
	}
	return out
}

func runExport(env Env, f *sendFlags, x *exportFlags, changed func(string) bool, rawURL string) error {
	if cf, ok := lookupCollectionFormat(x.format); ok {
		return runExportCollection(env, f, x, changed, cf, rawURL)
	}
	if x.group != "" || x.name != "" {
		return inputErr(fmt.Errorf("--group and --name export a collection: use them with --format postman or --format http (--format %s writes one request)", x.format))
	}
	var base *profiles.Profile
	if f.profile != "" {
		store, err := env.store()
		if err != nil {
			return inputErr(err)
		}
		e, err := store.Load(f.profile)
		if err != nil {
			return inputErr(err)
		}
		base = e.Profile
		applyProfileOptions(f, changed, base)
	}
	if rawURL == "" && base == nil {
		return inputErr(errors.New("nothing to export: name a profile with --profile NAME, or give a URL and request flags as for `authlab send`"))
	}
	if err := tlsCheckFlags(f, changed); err != nil {
		return inputErr(err)
	}
	req, literal, err := buildRequest(env, f, changed, base, rawURL)
	if err != nil {
		return inputErr(err)
	}
	if changed("key-pass") && tlsFlagsLiteral(f) {
		literal = append(literal, "key passphrase")
	}
	if len(literal) > 0 {
		fmt.Fprintln(env.Stderr, "authlab: "+literalWarning(literal))
	}
	p := profileFrom(f.profile, req, f, base)
	// {{variables}} from --var, --env and the profile, references kept (nothing runs)
	r, err := f.vars.sendResolver(env, f, exportStore(env, f))
	if err != nil {
		return inputErr(err)
	}
	r.Commands = nil
	if p, err = profiles.ExpandForExport(p, r); err != nil {
		return inputErr(err)
	}
	pc, err := choosePractice(env, f, changed)
	if err != nil {
		return inputErr(err)
	}
	// An export cannot start the embedded server: {{practice}} becomes
	// where `authlab serve` listens unless another server is chosen.
	practiceURL, note := practice.DefaultURL, "where `authlab serve` listens (--practice changes it)"
	if pc.target.Remote != "" {
		practiceURL, note = pc.target.Remote, "from "+pc.from
	}
	opt := export.Options{
		Reveal: x.reveal,
		Resolve: func(label, v string) (string, error) {
			if err := checkTrust(req, f, base); err != nil {
				return "", err // an untrusted folder's reference is not read
			}
			s, _, err := r.Resolve(label, v)
			return s, err
		},
		Expand:     func(s string) string { return strings.ReplaceAll(s, practice.Placeholder, practiceURL) },
		ExpandNote: fmt.Sprintf("the request uses the practice server: the text sends to %s, %s", practiceURL, note),
	}
	if x.reveal {
		fmt.Fprintln(env.Stderr, "authlab: "+revealWarning)
	}
	s, err := export.Export(p, x.format, opt)
	if err != nil {
		return inputErr(err)
	}
	for _, w := range s.Warnings {
		fmt.Fprintln(env.Stderr, "authlab: note: "+oneLine(errors.New(w)))
	}
	if x.output == "" {
		_, err := fmt.Fprint(env.Stdout, s.Text)
		return err
	}
	perm := os.FileMode(0o644)
	if x.reveal {
		perm = 0o600
	}
	if err := renameio.WriteFile(x.output, []byte(s.Text), perm); err != nil {
		return inputErr(fmt.Errorf("cannot write %s: %w: check the folder exists and is writable", x.output, err))
	}
	fmt.Fprintf(env.Stderr, "authlab: wrote %s (%s)\n", x.output, s.Target)
	return nil
}
