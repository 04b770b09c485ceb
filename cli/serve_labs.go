package cli

import (
	"fmt"
	"strings"

	"github.com/authlab/authlab/practice"
)

// --labs on an address other machines reach is allowed: a classroom needs
// the labs on its LAN, and the labs' secrets are practice ones made at
// startup, protecting nothing. It is said plainly on stderr.
const labsLANWarning = "authlab: warning: --labs on an address other machines reach: the attack labs are vulnerable on purpose; serve them on a classroom network only, never on the internet"

// labsBanner is the startup block of `authlab serve --labs`: labs on, that
// they are deliberately vulnerable, and where each one is.
func labsBanner(base string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "attack labs ON: the endpoints below are DELIBERATELY VULNERABLE (index, exploits and fixes: %s/labs)\n", base)
	for _, l := range practice.Labs() {
		fmt.Fprintf(&b, "  %-17s %s  (fixed: %s)\n", l.Name, l.Vulnerable, l.Fixed)
	}
	return b.String()
}
