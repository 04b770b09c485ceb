package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The token cache (--token-cache keyring|file) and `authlab tokens`:
// list and forget what the cache keeps, introspect (RFC 7662) and revoke
// (RFC 7009) a profile's token at its OpenID provider.

// Token cache kinds of --token-cache.
const (
	tokenCacheFile    = "file"
	tokenCacheKeyring = "keyring"
)

// registerTokenCache adds --token-cache to fs (send and the TUI).
func registerTokenCache(fs *pflag.FlagSet, dst *string, def string) {
	fs.StringVar(dst, "token-cache", def, "keep OAuth 2.0/OIDC tokens across runs: file ($XDG_STATE_HOME/authlab/tokens.json, 0600) or keyring (the OS keyring); default none (memory only)")
}

// tokenCache opens the cache named by kind ("" is none).
func tokenCache(env Env, kind string) (profiles.TokenStore, error) {
	switch kind {
	case "":
		return nil, nil
	case tokenCacheFile:
		path, err := profiles.DefaultTokenCachePath(env.LookupEnv)
		if err != nil {
			return nil, err
		}
		return &profiles.FileTokenCache{Path: path}, nil
	case tokenCacheKeyring:
		if env.Keyring == nil {
			return nil, errors.New("--token-cache keyring: no OS keyring here; use --token-cache file")
		}
		return &profiles.KeyringTokenCache{Keyring: env.Keyring}, nil
	}
	return nil, authn.Inputf("use --token-cache file or --token-cache keyring", "bad --token-cache %q", kind)
}

func newTokens(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tokens",
		Short: "List, forget, introspect or revoke OAuth 2.0 / OpenID Connect tokens",
		Long: `Tokens are kept in memory for one run unless --token-cache file|keyring is
given to send or the TUI. These commands look into that cache (--token-cache,
default file) and act on a profile's token at its OpenID provider.`,
	}
	cmd.AddCommand(newTokensList(env), newTokensForget(env), newTokensAction(env, authn.ActionIntrospect), newTokensAction(env, authn.ActionRevoke))
	return cmd
}

func newTokensList(env Env) *cobra.Command {
	kind := tokenCacheFile
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the cached tokens (masked) with their expiry",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := tokenCache(env, kind)
			if err != nil {
				return inputErr(err)
			}
			all, err := c.List()
			if err != nil {
				return inputErr(err)
			}
			if len(all) == 0 {
				fmt.Fprintln(env.Stdout, "no cached tokens in the "+c.Where())
				return nil
			}
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "KEY\tSCHEME\tENDPOINT\tCLIENT\tSCOPE\tUSER\tACCESS\tREFRESH\tEXPIRES")
			now := env.now()
			for _, t := range all {
				refresh := "—"
				if t.RefreshToken != "" {
					refresh = authn.Mask("")
				}
				l := sanitize.Line // the file could have been edited by anyone with the user's rights
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l(t.Key), l(t.Scheme), l(t.Endpoint), l(t.ClientID), l(dash(t.Scope)), l(dash(t.User)),
					authn.Mask(""), refresh, tokenExpiry(t.Expiry, now))
			}
			return w.Flush()
		},
	}
	registerTokenCache(cmd.Flags(), &kind, tokenCacheFile)
	return cmd
}

// dash stands in for an empty column.
func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// tokenExpiry renders an expiry for the list.
func tokenExpiry(t, now time.Time) string {
	switch {
	case t.IsZero():
		return "no expiry given"
	case !t.After(now):
		return "expired " + t.Local().Format("2006-01-02 15:04:05") + " (refreshed at next use)"
	}
	return t.Local().Format("2006-01-02 15:04:05") + " (in " + t.Sub(now).Round(time.Second).String() + ")"
}

func newTokensForget(env Env) *cobra.Command {
	kind := tokenCacheFile
	var all bool
	cmd := &cobra.Command{
		Use:   "forget [KEY|--all]",
		Short: "Remove a cached token (KEY from `authlab tokens list`), or all of them",
		Args: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) == 1) || len(args) > 1 {
				return inputErr(errors.New("give one KEY from `authlab tokens list`, or --all"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := tokenCache(env, kind)
			if err != nil {
				return inputErr(err)
			}
			keys := args
			if all {
				list, err := c.List()
				if err != nil {
					return inputErr(err)
				}
				keys = nil
				for _, t := range list {
					keys = append(keys, t.Key)
				}
			} else if _, ok, err := c.Load(args[0]); err != nil || !ok {
				if err == nil {
					err = fmt.Errorf("no cached token with key %s: see `authlab tokens list`", args[0])
				}
				return inputErr(err)
			}
			for _, k := range keys {
				if err := c.Forget(k); err != nil {
					return inputErr(err)
				}
			}
			fmt.Fprintf(env.Stdout, "forgot %d token(s) from the %s\n", len(keys), c.Where())
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "forget every cached token")
	registerTokenCache(cmd.Flags(), &kind, tokenCacheFile)
	return cmd
}

// newTokensAction is `authlab tokens introspect|revoke PROFILE`: the send
// pipeline (profile, references, practice server, engine with the token
// cache) with the engine's TokenAction instead of the request.
func newTokensAction(env Env, action string) *cobra.Command {
	var f sendFlags
	short := "Ask the profile's OpenID provider whether its token is active (RFC 7662)"
	if action == authn.ActionRevoke {
		short = "Revoke the profile's token at its OpenID provider (RFC 7009)"
	}
	cmd := &cobra.Command{
		Use:   action + " PROFILE",
		Short: short,
		Long: short + `.
With --token-cache it acts on the cached token; without, the profile signs in
first (one sign-in per run). --refresh acts on the refresh token instead of
the access token. The trace says what the provider's answer means.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.profile = args[0]
			f.tokenAction = action
			f.trace = true
			return runSend(cmd.Context(), env, &f, cmd.Flags().Changed, "")
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().BoolVar(&f.refreshAction, "refresh", false, "act on the refresh token, not the access token")
	f.repeat = 1
	cmd.Flags().SortFlags = false
	return cmd
}
