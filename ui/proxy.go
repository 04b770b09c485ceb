package ui

import (
	"fmt"
	"io"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/sanitize"
)

// jsonProxy is the "proxy" field of an exchange in --json: the route it
// took when a proxy is configured (authn.ProxyRoute), password masked.
type jsonProxy struct {
	URL    string `json:"url,omitempty"` // "" when the exchange went direct
	Source string `json:"source"`        // --proxy, HTTPS_PROXY, --noproxy, NO_PROXY…
	Why    string `json:"why"`
	Tunnel bool   `json:"tunnel,omitempty"` // CONNECT (https:// target)
	User   string `json:"user,omitempty"`   // proxy user whose Basic credentials were sent
}

func proxyJSON(r *authn.ProxyRoute) *jsonProxy {
	if r == nil {
		return nil
	}
	return &jsonProxy{URL: r.Proxy, Source: r.Source, Why: r.Why, Tunnel: r.Tunnel && !r.Direct(), User: r.User}
}

// printProxy writes -v's line about the route of ex ("* proxy …"), when a
// proxy is configured.
func (p Printer) printProxy(w io.Writer, ex *authn.Exchange) {
	r := ex.Proxy
	if r == nil {
		return
	}
	var line string
	switch {
	case r.Direct():
		line = "no proxy: " + r.Why
	case r.Tunnel:
		line = fmt.Sprintf("proxy %s (%s): CONNECT tunnel, the proxy sees only host and port", r.Proxy, r.Source)
	default:
		line = fmt.Sprintf("proxy %s (%s): plain HTTP forwarding, the proxy sees the whole request", r.Proxy, r.Source)
	}
	if r.User != "" && !r.Direct() {
		line += fmt.Sprintf("; proxy user %s", r.User)
	}
	fmt.Fprintf(w, "%s %s\n", p.style(sgrDim, "*"), p.style(sgrDim, sanitize.Line(line)))
}
