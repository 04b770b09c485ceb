package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
)

// schemesWidth is the width `authlab schemes` wraps to: the terminal's
// when stdout is one, else 80 (a pipe, a file, a pager).
func schemesWidth(env Env) int {
	w := termWidth(env)
	if w <= 0 {
		w = 80
	}
	return max(w, 40) // below 40 cells nothing reads well; keep words whole
}

func newSchemes(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "schemes [NAME]",
		Short: "List the auth schemes and their fields, or show one scheme",
		Long: `Lists every auth scheme with its fields: the -c FIELD=VALUE names, whether a
field is required or secret, its default and the values it allows.
With NAME, shows that scheme only.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return inputErr(fmt.Errorf("%s takes at most one scheme NAME (got %d arguments)", cmd.CommandPath(), len(args)))
			}
			return nil
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return schemeCompletions(toComplete), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			schemes := authn.Schemes()
			if len(args) == 1 {
				s, err := authn.Lookup(args[0])
				if err != nil {
					return inputErr(err)
				}
				schemes = []authn.Scheme{s}
			}
			var b strings.Builder
			width := schemesWidth(env)
			for i, s := range schemes {
				if i > 0 {
					b.WriteString("\n")
				}
				writeScheme(&b, s.Info(), width)
			}
			b.WriteString("\n")
			wrapTo(&b, "", "", "A secret VALUE may be a reference: env:NAME, file:PATH, keyring:NAME or prompt.", width)
			if len(args) == 0 {
				wrapTo(&b, "", "", "`authlab schemes NAME` shows one scheme.", width)
			}
			_, err := io.WriteString(env.Stdout, b.String())
			return err
		},
	}
}

// writeScheme writes one scheme: its title line, its summary, then one
// block per field: "-c NAME=  Label · required · secret · default X",
// the allowed values, and the help, each wrapped to width with a hanging
// indent. A block per field keeps a long value list (oauth2's grants) from
// widening every other line, as the table it replaces did.
func writeScheme(b *strings.Builder, in authn.Info, width int) {
	head := in.Name + " — " + in.Title
	if in.Spec != "" {
		head += " (" + in.Spec + ")"
	}
	wrapTo(b, "", "  ", head, width)
	wrapTo(b, "  ", "  ", in.Summary, width)
	if len(in.Fields) > 0 {
		b.WriteString("\n")
	}
	for _, f := range in.Fields {
		parts := []string{f.Label}
		if f.Required {
			parts = append(parts, "required")
		}
		if f.Secret {
			parts = append(parts, "secret")
		}
		if f.Pinnable {
			parts = append(parts, "pinnable")
		}
		if f.Default != "" {
			parts = append(parts, "default "+f.Default)
		}
		wrapTo(b, "  ", "      ", "-c "+f.Name+"=  "+strings.Join(parts, " · "), width)
		if len(f.Allowed) > 0 {
			wrapTo(b, "      ", "        ", "one of: "+strings.Join(f.Allowed, ", "), width)
		}
		if f.Help != "" {
			wrapTo(b, "      ", "      ", f.Help, width)
		}
	}
}

// wrapTo writes s wrapped to width cells: the first line after first, the
// others after rest. Words longer than a line are broken (ansi.Wrap), so no
// line is ever wider than width.
func wrapTo(b *strings.Builder, first, rest, s string, width int) {
	indent := max(ansi.StringWidth(first), ansi.StringWidth(rest))
	lines := strings.Split(ansi.Wrap(s, max(width-indent, 10), ""), "\n")
	for i, l := range lines {
		if i == 0 {
			b.WriteString(first)
		} else {
			b.WriteString(rest)
		}
		b.WriteString(strings.TrimRight(l, " "))
		b.WriteString("\n")
	}
}
