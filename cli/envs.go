package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// envEnv names the environment when --env is not given.
const envEnv = "AUTHLAB_ENV"

// varFlags choose where {{variables}} and env: references come from:
// --env NAME (an environment of the profiles folder), --var NAME=VALUE,
// --env-file PATH (a .env file for env: references).
type varFlags struct {
	env      string
	vars     []string
	envFiles []string
}

func (v *varFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&v.env, "env", "", "environment NAME whose variables fill {{name}} (environments/NAME.toml in the profiles folder; default $"+envEnv+"); see `authlab envs list`")
	fs.StringArrayVar(&v.vars, "var", nil, "variable NAME=VALUE for {{NAME}}, over the environment's (repeatable); VALUE may be a reference such as env:NAME")
	fs.StringArrayVar(&v.envFiles, "env-file", nil, ".env file whose variables fill env: references (repeatable; the process environment wins, a later file over an earlier one)")
}

// envName is the chosen environment: --env, else $AUTHLAB_ENV.
func (v *varFlags) envName(env Env) string {
	if v.env != "" {
		return v.env
	}
	return env.getenv(envEnv)
}

// parseVars reads the --var flags.
func (v *varFlags) parseVars() ([]profiles.Var, error) {
	var out []profiles.Var
	for _, raw := range v.vars {
		name, val, ok := strings.Cut(raw, "=")
		if !ok {
			return nil, fmt.Errorf("bad --var %q: write NAME=VALUE, e.g. --var base_url=https://api.example.com", raw)
		}
		if err := profiles.ValidVarName(name); err != nil {
			return nil, fmt.Errorf("bad --var %q: %w", raw, err)
		}
		if err := profiles.CheckRef(val); err != nil {
			return nil, fmt.Errorf("bad --var %q: %w", raw, err)
		}
		out = append(out, profiles.Var{Name: name, Value: val})
	}
	return out, nil
}

// sendResolver is the resolver of a send (the command line and the TUI):
// env.resolver() with the chosen environment, the --var values, the .env
// files (the trusted profiles folder's .env, then --env-file in order,
// all after the process environment) and a command runner whose time
// limit is --timeout when given (else 10 s). store may be nil when no profiles folder is known.
func (v *varFlags) sendResolver(env Env, f *sendFlags, store *profiles.Store) (profiles.Resolver, error) {
	r := env.resolver()
	vars, err := v.parseVars()
	if err != nil {
		return r, err
	}
	r.Vars = vars
	var files []map[string]string
	if store != nil {
		m, _, err := store.Dotenv()
		if err != nil {
			return r, err
		}
		if m != nil {
			files = append(files, m)
		}
	}
	for _, path := range v.envFiles {
		m, err := profiles.ReadDotenv(path)
		if err != nil {
			return r, fmt.Errorf("--env-file %s: %w", path, err)
		}
		files = append(files, m)
	}
	if len(files) > 0 {
		r.LookupEnv = profiles.WithDotenv(env.LookupEnv, files...)
	}
	if name := v.envName(env); name != "" {
		if store == nil {
			return r, fmt.Errorf("--env %s: no profiles folder to read environments/%s.toml from: pass --profiles DIR", name, name)
		}
		e, err := store.LoadEnvironment(name)
		if err != nil {
			return r, err
		}
		r.Env = &e
	}
	d := f.timeout
	if d == authn.DefaultTimeout {
		d = 0 // not set: a command gets profiles.DefaultCommandTimeout (10 s)
	}
	r.Commands = profiles.NewCommandRunner(d)
	return r, nil
}

// storeFor opens the profiles folder for a send when one is needed
// (--profile, --save, --env) or can be found (its .env); nil when none can
// be and none is needed.
func storeFor(env Env, f *sendFlags) (*profiles.Store, error) {
	s, err := env.store()
	if err != nil && (f.profile != "" || f.save != "" || f.vars.envName(env) != "") {
		return nil, err
	}
	if err != nil {
		return nil, nil
	}
	return s, nil
}

func newEnvs(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "envs",
		Short: "List and show environments: the variables {{name}} stands for",
		Long: `An environment is a set of variables for {{name}} in a profile's URL,
headers, body and scheme fields: environments/NAME.toml in the profiles
folder (dev, staging, prod), chosen with --env NAME or $` + envEnv + `, or in the
TUI with ctrl+e. Values may be references (env:, file:, keyring:, prompt,
command:), so an environment need hold no secret. See FORMAT.md.`,
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the environments of the profiles folder",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := env.store()
			if err != nil {
				return inputErr(err)
			}
			envs, lerr := store.Environments()
			if len(envs) == 0 && lerr == nil {
				fmt.Fprintf(env.Stdout, "no environments in %s/%s\n", sanitize.Line(store.Dir), profiles.EnvironmentsDir)
				return nil
			}
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			for _, e := range envs {
				names := make([]string, len(e.Vars))
				for i, v := range e.Vars {
					names[i] = v.Name
				}
				fmt.Fprintf(w, "%s\t%d variables\t%s\n", sanitize.Line(e.Name), len(e.Vars), sanitize.Line(strings.Join(names, ", ")))
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if lerr != nil {
				return inputErr(lerr)
			}
			return nil
		},
	}
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show an environment's variables (secret values masked, references as written)",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return envCompletions(env, toComplete), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := env.store()
			if err != nil {
				return inputErr(err)
			}
			e, err := store.LoadEnvironment(args[0])
			if err != nil {
				return inputErr(err)
			}
			fmt.Fprintf(env.Stdout, "environment %s (%s/%s/%s.toml)\n", sanitize.Line(e.Name), sanitize.Line(store.Dir), profiles.EnvironmentsDir, sanitize.Line(e.Name))
			if e.Source != nil && !e.Source.Trusted {
				fmt.Fprintf(env.Stdout, "  (untrusted folder: its env:, file:, keyring: and command: values are not read; see `authlab trust`)\n")
			}
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			for _, v := range e.Vars {
				fmt.Fprintf(w, "  %s\t= %s\n", sanitize.Line(v.Name), sanitize.Line(shownVar(v)))
			}
			return w.Flush()
		},
	}
	cmd.AddCommand(list, show)
	return cmd
}

// shownVar is a variable's value as `envs show` prints it: a reference as
// written (it names where the secret is, never the secret: nothing is
// read or run), a secret literal masked.
func shownVar(v profiles.Var) string {
	switch {
	case profiles.IsRef(v.Value):
		return v.Value
	case v.IsSecret() && v.Value != "":
		return "•••••• (secret, stored in the file)"
	}
	return v.Value
}

// envCompletions lists the environment names that start with prefix.
func envCompletions(env Env, prefix string) []cobra.Completion {
	store, err := env.store()
	if err != nil {
		return nil
	}
	envs, _ := store.Environments()
	var out []cobra.Completion
	for _, e := range envs {
		if strings.HasPrefix(e.Name, prefix) {
			out = append(out, e.Name)
		}
	}
	return out
}

// registerEnvCompletion completes --env with the environments' names.
func registerEnvCompletion(cmd *cobra.Command, env Env) {
	cmd.RegisterFlagCompletionFunc("env", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return envCompletions(env, toComplete), cobra.ShellCompDirectiveNoFileComp
	})
}

// exportStore is the profiles folder an export reads environments from
// (nil when there is none and none is needed).
func exportStore(env Env, f *sendFlags) *profiles.Store {
	s, _ := storeFor(env, f)
	return s
}
