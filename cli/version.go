package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// buildVersion describes this build from what the Go toolchain stamped
// into it (runtime/debug.ReadBuildInfo): the module version (a tag, a
// pseudo-version, or "(devel)"), the VCS revision with "+dirty" when the
// tree had uncommitted changes, and the Go version and platform. Nothing
// is set by hand at release time, so it cannot go stale.
func buildVersion(bi *debug.BuildInfo, ok bool) string {
	version, commit, when := "(devel)", "unknown", ""
	goVersion := runtime.Version()
	if ok && bi != nil {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
		var rev, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			case "vcs.time":
				when = s.Value
			}
		}
		if rev != "" {
			commit = rev
			if modified == "true" {
				commit += "+dirty"
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "authlab %s\n", version)
	fmt.Fprintf(&b, "commit  %s\n", commit)
	if when != "" {
		fmt.Fprintf(&b, "date    %s\n", when)
	}
	fmt.Fprintf(&b, "go      %s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	return b.String()
}

// versionText is buildVersion of the running program.
func versionText() string {
	bi, ok := debug.ReadBuildInfo()
	return buildVersion(bi, ok)
}

// newVersion is `authlab version`, the same text as `authlab --version`.
func newVersion(env Env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version of this build",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(env.Stdout, versionText())
			return err
		},
	}
}
