package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/authlab/authlab/authn"
	"github.com/spf13/cobra"
)

func newSchemes(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "schemes",
		Short: "List the auth schemes and their fields",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			for i, s := range authn.Schemes() {
				in := s.Info()
				if i > 0 {
					fmt.Fprintln(w)
				}
				spec := ""
				if in.Spec != "" {
					spec = " (" + in.Spec + ")"
				}
				fmt.Fprintf(w, "%s — %s%s\n", in.Name, in.Title, spec)
				fmt.Fprintf(w, "  %s\n", in.Summary)
				for _, f := range in.Fields {
					var tags []string
					if f.Required {
						tags = append(tags, "required")
					}
					if f.Secret {
						tags = append(tags, "secret")
					}
					if f.Pinnable {
						tags = append(tags, "pinnable")
					}
					if f.Default != "" {
						tags = append(tags, "default "+f.Default)
					}
					if len(f.Allowed) > 0 {
						tags = append(tags, strings.Join(f.Allowed, "|"))
					}
					fmt.Fprintf(w, "  -c %s=\t%s\t%s\n", f.Name, strings.Join(tags, ", "), f.Help)
				}
			}
			fmt.Fprintln(w)
			fmt.Fprintln(w, "A secret VALUE may be a reference: env:NAME, file:PATH or prompt.")
			return w.Flush()
		},
	}
}
