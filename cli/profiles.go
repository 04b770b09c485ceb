package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/spf13/cobra"
)

func newProfiles(env Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profiles",
		Short: "List, show, remove, rename and copy saved profiles",
		Long: `Saved profiles live one TOML file each under the profiles folder
(--profiles, $AUTHLAB_PROFILES, or $XDG_CONFIG_HOME/authlab/profiles);
sub-folders are groups. Secret fields are stored as references.`,
	}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List profiles (broken files too, with where they fail)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := env.store()
			if err != nil {
				return inputErr(err)
			}
			entries, err := store.List()
			if err != nil {
				return inputErr(err)
			}
			if asJSON {
				return printProfilesJSON(env, entries)
			}
			if len(entries) == 0 {
				fmt.Fprintf(env.Stdout, "no profiles in %s\n", sanitize.Line(store.Dir))
				return nil
			}
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			for _, e := range entries {
				switch {
				case e.Broken():
					fmt.Fprintf(w, "%s\tbroken\t%s\n", sanitize.Line(e.Name), sanitize.Line(e.Err.Error()))
				default:
					p := e.Profile
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", sanitize.Line(e.Name), sanitize.Line(p.Method), sanitize.Line(p.Scheme), sanitize.Line(authn.MaskQuery(p.URL)))
				}
				if e.Warning != "" {
					fmt.Fprintf(env.Stderr, "authlab: warning: %s: %s\n", sanitize.Line(e.Name), sanitize.Line(e.Warning))
				}
			}
			return w.Flush()
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")

	show := &cobra.Command{
		Use:               "show NAME",
		ValidArgsFunction: profileArgs(env),
		Short:             "Show a profile (secrets masked)",
		Args:              exactArgs(1, "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := env.store()
			if err != nil {
				return inputErr(err)
			}
			e, err := store.Load(args[0])
			if err != nil {
				return inputErr(err)
			}
			printProfile(env, e)
			return nil
		},
	}
	rm := &cobra.Command{
		Use:               "rm NAME",
		ValidArgsFunction: profileArgs(env),
		Short:             "Remove a profile",
		Args:              exactArgs(1, "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(env, func(s *profiles.Store) error { return s.Remove(args[0]) })
		},
	}
	mv := &cobra.Command{
		Use:               "mv OLD NEW",
		ValidArgsFunction: profileArgs(env),
		Short:             "Rename a profile (NEW may name another group: team/new)",
		Args:              exactArgs(2, "OLD NEW"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(env, func(s *profiles.Store) error { return s.Rename(args[0], args[1]) })
		},
	}
	cp := &cobra.Command{
		Use:               "cp SRC DST",
		ValidArgsFunction: profileArgs(env),
		Short:             "Copy a profile",
		Args:              exactArgs(2, "SRC DST"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(env, func(s *profiles.Store) error { return s.Copy(args[0], args[1]) })
		},
	}
	cmd.AddCommand(list, show, rm, mv, cp, newDemo(env))
	return cmd
}

func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return inputErr(fmt.Errorf("%s takes %s (got %d arguments)", cmd.CommandPath(), names, len(args)))
		}
		return nil
	}
}

func withStore(env Env, f func(*profiles.Store) error) error {
	s, err := env.store()
	if err == nil {
		err = f(s)
	}
	if err != nil {
		return inputErr(err)
	}
	return nil
}

// printProfile shows a profile with its secret fields masked unless they
// are references (a reference names where the secret is; it is not one).
func printProfile(env Env, e profiles.Entry) {
	p := e.Profile
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%s\t%s\n", k, sanitize.Line(v))
		}
	}
	row("name", e.Name)
	row("file", e.Path)
	row("description", p.Description)
	row("method", p.Method)
	if u := authn.MaskQuery(p.URL); u != p.URL {
		row("url", u+"  (literal secret in the query, masked)")
	} else {
		row("url", p.URL)
	}
	row("scheme", p.Scheme)
	for _, h := range p.Headers {
		v := h.Value
		if authn.CredentialHeader(h.Name) && v != "" {
			v = authn.MaskHeaderValue(v) + "  (literal secret, masked)"
		}
		row("header", h.Name+": "+v)
	}
	row("body", p.Body)
	if p.BodyFile != "" {
		row("body", profiles.BodyFileShown(p.BodyFile))
	}
	info := authn.Info{}
	if s, err := authn.Lookup(p.Scheme); err == nil {
		info = s.Info()
	}
	names := make([]string, 0, len(p.Fields))
	for k := range p.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := p.Fields[k]
		if f, ok := info.Field(k); (!ok || f.Secret) && !profiles.IsRef(v) && v != "" {
			v = authn.Mask(v) + "  (literal secret, masked)"
		}
		row("field "+k, v)
	}
	for _, v := range p.Vars {
		row("var "+v.Name, shownVar(v)) // defaults for {{name}}: references as written, secrets masked
	}
	if p.Timeout > 0 {
		row("timeout", p.Timeout.String())
	}
	if p.Follow {
		row("follow", "true")
	}
	if p.TLS.Insecure {
		row("tls insecure", "true")
	}
	row("tls cacert", p.TLS.CACert)
	row("tls cert", p.TLS.Cert)
	if p.TLS.Key != "" && !profiles.IsRef(p.TLS.Key) && strings.Contains(p.TLS.Key, "PRIVATE KEY") {
		row("tls key", authn.Mask(""))
	} else {
		row("tls key", p.TLS.Key)
	}
	w.Flush()
	if e.Warning != "" {
		fmt.Fprintln(env.Stderr, "authlab: warning: "+sanitize.Line(e.Warning))
	}
}

type profileJSON struct {
	Name        string `json:"name"`
	Group       string `json:"group,omitempty"`
	File        string `json:"file"`
	Method      string `json:"method,omitempty"`
	URL         string `json:"url,omitempty"`
	Scheme      string `json:"scheme,omitempty"`
	Description string `json:"description,omitempty"`
	Broken      string `json:"broken,omitempty"`
	Warning     string `json:"warning,omitempty"`
}

func printProfilesJSON(env Env, entries []profiles.Entry) error {
	out := make([]profileJSON, 0, len(entries))
	for _, e := range entries {
		j := profileJSON{Name: e.Name, Group: e.Group, File: e.Path, Warning: e.Warning}
		if e.Broken() {
			j.Broken = e.Err.Error()
		} else {
			j.Method, j.URL, j.Scheme, j.Description = e.Profile.Method, authn.MaskQuery(e.Profile.URL), e.Profile.Scheme, e.Profile.Description
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(sanitize.NewJSONWriter(env.Stdout)) // C1, bidi, DEL as \u escapes
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func newHistory(env Env) *cobra.Command {
	var asJSON bool
	var n int
	cmd := &cobra.Command{
		Use:   "history",
		Short: "Show the requests sent, newest last (secrets are never recorded)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, err := env.history()
			if err != nil {
				return inputErr(err)
			}
			recs, err := h.Read()
			if err != nil {
				return inputErr(err)
			}
			if n > 0 && len(recs) > n {
				recs = recs[len(recs)-n:]
			}
			if asJSON {
				enc := json.NewEncoder(sanitize.NewJSONWriter(env.Stdout)) // C1, bidi, DEL as \u escapes
				for _, r := range recs {
					if err := enc.Encode(r); err != nil {
						return err
					}
				}
				return nil
			}
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			for _, r := range recs {
				status := "—"
				if r.Status > 0 {
					status = fmt.Sprint(r.Status)
				}
				what := r.Profile
				if what == "" {
					what = "-"
				}
				note := ""
				if len(r.Hints) > 0 {
					note = r.Hints[0]
				}
				if r.Error != "" {
					note = r.Error
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%.0f ms\t%s\n", r.Time.Local().Format(time.DateTime), sanitize.Line(what),
					sanitize.Line(r.Method), sanitize.Line(r.URL), status, r.DurationMS, sanitize.Line(note))
			}
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON lines")
	cmd.Flags().IntVarP(&n, "number", "n", 0, "only the last N records")
	return cmd
}
