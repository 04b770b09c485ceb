package cli

import (
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/spf13/cobra"
)

// newTrust is `authlab trust`: the user's word that the env:, file: and
// keyring: references of a shared profiles folder may be resolved (issue
// #16, leak 2; SECURITY.md "Shared profile folders are untrusted until you
// trust them"). Before trusting, it shows which references the folder's
// profiles hold and the hosts they would be sent to; the profile text is
// someone else's, so every cell goes through sanitize like server text.
func newTrust(env Env) *cobra.Command {
	var list bool
	var revoke string
	cmd := &cobra.Command{
		Use:   "trust [DIR]",
		Short: "Trust a shared profiles folder, so its env:, file: and keyring: references resolve",
		Long: `A profiles folder other than your own ($XDG_CONFIG_HOME/authlab/profiles) —
one named by --profiles or AUTHLAB_PROFILES, such as a workshop folder — is
untrusted: its profiles' literal values and prompt references work, but their
env:, file: and keyring: references are not resolved, since a profile written
by someone else could send your files or variables to a server of theirs.

authlab trust [DIR] shows the references the folder's profiles hold and where
they would go, then trusts the folder (DIR defaults to the current profiles
folder). A folder that others can write to cannot be trusted.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tr, err := profiles.DefaultTrust(env.LookupEnv)
			if err != nil {
				return inputErr(err)
			}
			switch {
			case list:
				if len(args) > 0 || revoke != "" {
					return inputErr(errors.New("--list takes no folder: run authlab trust --list"))
				}
				return listTrusted(env, tr)
			case revoke != "":
				if len(args) > 0 {
					return inputErr(errors.New("--revoke takes the folder as its value: authlab trust --revoke DIR"))
				}
				found, err := tr.Revoke(revoke)
				if err != nil {
					return inputErr(err)
				}
				if !found {
					return inputErr(fmt.Errorf("%s is not trusted (see authlab trust --list)", sanitize.Line(revoke)))
				}
				fmt.Fprintf(env.Stdout, "no longer trusted: %s\n", sanitize.Line(revoke))
				return nil
			}
			dir := ""
			if len(args) == 1 {
				dir = args[0]
			} else {
				s, err := env.store()
				if err != nil {
					return inputErr(err)
				}
				dir = s.Dir
			}
			return trustDir(env, tr, dir)
		},
	}
	cmd.Flags().BoolVar(&list, "list", false, "list the trusted folders")
	cmd.Flags().StringVar(&revoke, "revoke", "", "stop trusting folder `DIR`")
	cmd.MarkFlagDirname("revoke")
	return cmd
}

func listTrusted(env Env, tr profiles.Trust) error {
	dirs, err := tr.List()
	if err != nil {
		return inputErr(err)
	}
	fmt.Fprintf(env.Stdout, "%s (your own profiles folder, always trusted)\n", sanitize.Line(tr.Own))
	for _, d := range dirs {
		note := ""
		if err := profiles.SharedWritable(d); err != nil {
			note = "  (not trusted now: " + err.Error() + ")"
		}
		fmt.Fprintf(env.Stdout, "%s%s\n", sanitize.Line(d), sanitize.Line(note))
	}
	return nil
}

// trustDir shows what dir's profiles would resolve and send where, then
// trusts dir.
func trustDir(env Env, tr profiles.Trust, dir string) error {
	if tr.IsOwn(dir) {
		fmt.Fprintf(env.Stdout, "%s is your own profiles folder: it is always trusted\n", sanitize.Line(dir))
		return nil
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return inputErr(fmt.Errorf("cannot trust %s: it is not a folder (or cannot be opened): name the profiles folder", sanitize.Line(dir)))
	}
	if err := profiles.SharedWritable(dir); err != nil {
		return inputErr(fmt.Errorf("cannot trust %s: %w", dir, err))
	}
	entries, err := profiles.NewStore(dir).List() // untrusted: every reference is listed
	if err != nil {
		return inputErr(err)
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	n := 0
	for _, e := range entries {
		if e.Profile == nil {
			continue
		}
		for _, r := range e.Profile.UntrustedRefs() {
			if n == 0 {
				fmt.Fprintln(w, "PROFILE\tFIELD\tREFERENCE\tSENT TO")
			}
			n++
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", sanitize.Line(e.Name), sanitize.Line(r.Field), sanitize.Line(r.Ref), sanitize.Line(r.Host))
		}
	}
	// Environments are read as references too: a request that names
	// their variables reads them, whatever its host.
	envs, envErr := profiles.NewStore(dir).Environments()
	for _, e := range envs {
		for _, r := range e.UntrustedRefs() {
			if n == 0 {
				fmt.Fprintln(w, "PROFILE\tFIELD\tREFERENCE\tSENT TO")
			}
			n++
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", sanitize.Line("environment "+e.Name), sanitize.Line(r.Field), sanitize.Line(r.Ref), "any request using it")
		}
	}
	w.Flush()
	if envErr != nil {
		fmt.Fprintf(env.Stdout, "note: %s\n", sanitize.Line(envErr.Error()))
	}
	if n == 0 {
		fmt.Fprintln(env.Stdout, "its profiles and environments hold no env:, file:, keyring: or command: references")
	}
	if err := tr.Allow(dir); err != nil {
		return inputErr(err)
	}
	fmt.Fprintf(env.Stdout, "trusted: %s (authlab trust --revoke DIR undoes it)\n", sanitize.Line(dir))
	return nil
}

// checkTrust refuses, before anything is read, a request built on a
// profile from an untrusted folder whose env:, file: or keyring:
// references are still the file's (profiles.Profile.CheckTrust): values
// given with flags are the user's own.
func checkTrust(req authn.Request, f *sendFlags, base *profiles.Profile) error {
	if base == nil {
		return nil
	}
	p := profileFrom(base.Name, req, f, base)
	p.Source = base.Source
	return p.CheckTrust()
}

// checkTrustTLS is checkTrust for the key passphrase alone: the TUI
// resolves it before it starts (it asks about the other references itself).
func checkTrustTLS(req authn.Request, f *sendFlags, base *profiles.Profile) error {
	if base == nil {
		return nil
	}
	p := profileFrom(base.Name, req, f, base)
	p.Source = base.Source
	for _, r := range p.UntrustedRefs() {
		if r.Field == "tls.key_password" {
			return p.CheckTrust()
		}
	}
	return nil
}
