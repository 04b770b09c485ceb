package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/sanitize"
	"github.com/spf13/cobra"
)

// Shell completion: cobra generates the scripts (`authlab completion
// bash|zsh|fish|powershell`); each script calls the hidden `authlab
// __complete ARGS…`, which answers from the functions below. They read
// the flags cobra has already parsed from the line being completed, so
// `--profiles DIR --profile <TAB>` lists DIR's profiles and `-a oauth1 -c
// <TAB>` the fields of OAuth 1.0a. A completion function never fails
// loudly: a missing profiles folder completes nothing.

// initCompletionCmd adds cobra's `completion` command now rather than when
// it runs, so that `authlab completion tcsh` (or no shell) is refused in one
// line, exit 1: cobra's own command, having no Run, would print its help and
// exit 0.
//
// The scripts go to env.Stdout: cobra takes root's output writer when it
// builds the command, so it is set first.
func initCompletionCmd(root *cobra.Command, env Env) {
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		var shells []string
		for _, sub := range c.Commands() {
			shells = append(shells, sub.Name())
		}
		list := strings.Join(shells[:len(shells)-1], ", ") + " or " + shells[len(shells)-1]
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return inputErr(fmt.Errorf("%s needs a shell: %s (e.g. authlab completion bash > ~/.local/share/bash-completion/completions/authlab)", cmd.CommandPath(), list))
			}
			return inputErr(fmt.Errorf("%s: no script for shell %q: use %s", cmd.CommandPath(), args[0], list))
		}
	}
}

// registerSendCompletions adds the completions of the send flags (on the
// root, for the TUI, and on `authlab send`).
func registerSendCompletions(cmd *cobra.Command, env Env) {
	cmd.RegisterFlagCompletionFunc("profile", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return profileCompletions(env, toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	cmd.RegisterFlagCompletionFunc("auth", func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return schemeCompletions(toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	cmd.RegisterFlagCompletionFunc("cred", func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return fieldCompletions(completionSchemes(cmd, env), toComplete)
	})
}

// profileArgs completes the first argument of `profiles show|rm|mv|cp`
// with the saved profiles' names; later arguments (a new name) get none.
func profileArgs(env Env) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return profileCompletions(env, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// profileCompletions lists the profile names of the profiles folder
// (--profiles, AUTHLAB_PROFILES or the XDG default), broken files too: they
// can still be shown and removed. Like every completion here it offers only
// what starts with prefix (the word being completed): not every shell
// script cobra generates filters by itself.
func profileCompletions(env Env, prefix string) []cobra.Completion {
	store, err := env.store()
	if err != nil {
		return nil
	}
	entries, err := store.List()
	if err != nil {
		return nil
	}
	out := make([]cobra.Completion, 0, len(entries))
	for _, e := range entries {
		if !strings.HasPrefix(e.Name, prefix) {
			continue
		}
		desc := "broken"
		if !e.Broken() {
			desc = e.Profile.Method + " " + e.Profile.Scheme + " " + e.Profile.URL
		}
		out = append(out, cobra.CompletionWithDesc(e.Name, sanitize.Line(strings.TrimSpace(desc))))
	}
	return out
}

// schemeCompletions lists the scheme names starting with prefix, with
// their titles.
func schemeCompletions(prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, s := range authn.Schemes() {
		in := s.Info()
		if !strings.HasPrefix(in.Name, prefix) {
			continue
		}
		out = append(out, cobra.CompletionWithDesc(in.Name, in.Title))
	}
	return out
}

// completionSchemes is the scheme whose fields -c completes, as
// buildRequest would choose it: -a, else the --profile's scheme, else basic
// when -u is given; with none of them (or an unknown -a), every scheme.
func completionSchemes(cmd *cobra.Command, env Env) []authn.Info {
	name, _ := cmd.Flags().GetString("auth")
	if name == "" {
		if p, _ := cmd.Flags().GetString("profile"); p != "" {
			if store, err := env.store(); err == nil {
				if e, err := store.Load(p); err == nil {
					name = e.Profile.Scheme
				}
			}
		}
	}
	if name == "" {
		if u, _ := cmd.Flags().GetString("user"); u != "" {
			name = "basic"
		}
	}
	if s, err := authn.Lookup(name); err == nil && name != "" {
		return []authn.Info{s.Info()}
	}
	var all []authn.Info
	for _, s := range authn.Schemes() {
		all = append(all, s.Info())
	}
	return all
}

// fieldCompletions completes -c: "FIELD=" for each field of schemes (once
// per name when several schemes share it), with no space after it; once
// the "=" is typed, the allowed values of that field, if it has any.
func fieldCompletions(schemes []authn.Info, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if name, _, typed := strings.Cut(toComplete, "="); typed {
		for _, in := range schemes {
			if f, ok := in.Field(name); ok && len(f.Allowed) > 0 {
				var out []cobra.Completion
				for _, v := range f.Allowed {
					if !strings.HasPrefix(name+"="+v, toComplete) {
						continue
					}
					out = append(out, cobra.CompletionWithDesc(name+"="+v, f.Label))
				}
				return out, cobra.ShellCompDirectiveNoFileComp
			}
		}
		// A free value: let the shell complete a file name after file:
		// only the user knows; offer nothing.
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	var seen []string
	for _, in := range schemes {
		for _, f := range in.Fields {
			if slices.Contains(seen, f.Name) || !strings.HasPrefix(f.Name, toComplete) {
				continue
			}
			seen = append(seen, f.Name)
			desc := f.Label
			if len(schemes) > 1 {
				desc += " (" + in.Name + ")"
			}
			out = append(out, cobra.CompletionWithDesc(f.Name+"=", desc))
		}
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}
