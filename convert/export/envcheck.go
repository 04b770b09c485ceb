package export

import (
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
)

// checkVarNames refuses a plan that would write a variable whose name is
// not a portable environment variable name (profiles.ValidEnvName,
// POSIX.1-2017 XBD §8.1). The shell targets write a variable as "${NAME}"
// and the Go and Python ones as a string key: a name such as
// "T}$(touch pwned)" taken from env:NAME would close the expansion and run
// a command when the script runs (issue #16, leak 1). Profiles refuse such
// a name when they load; this holds for a Profile built any other way.
func checkVarNames(p *Plan) error {
	for _, v := range p.Vars() {
		if !profiles.ValidEnvName(v.Name) {
			return authn.Inputf("env: takes letters, digits and _ (not starting with a digit), e.g. env:GITHUB_TOKEN",
				"cannot export the %s: %q is not an environment variable name, and a script would run it as code", v.Field, v.From)
		}
	}
	return nil
}
