package cli

import (
	"fmt"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
	"github.com/spf13/pflag"
)

// proxyFlags are curl's proxy flags. The proxy is a setting of the network,
// not of the request: --save does not store it (see authn.Proxy).
type proxyFlags struct {
	url     string // -x/--proxy
	noproxy string // --noproxy
	user    string // --proxy-user USER:PASS, PASS a reference
}

func (p *proxyFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&p.url, "proxy", "x", "", "HTTP proxy [scheme://]HOST[:PORT] for every request (default port 1080, as curl); overrides HTTP_PROXY/HTTPS_PROXY")
	fs.StringVar(&p.noproxy, "noproxy", "", "comma-separated hosts (domains, IPs, CIDRs) that go direct, overriding NO_PROXY; '*' disables every proxy")
	fs.StringVar(&p.user, "proxy-user", "", "USER:PASS for the proxy (Basic); PASS may be env:NAME, file:PATH, keyring:NAME or prompt")
}

// literal names the proxy password when --proxy-user (or the -x URL)
// holds it literally, for the shell-history warning -u gives.
func (p *proxyFlags) literal(r profiles.Resolver) []string {
	if p.url != "" {
		if u, err := authn.ParseProxyURL(p.url); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				return []string{"proxy password"}
			}
		}
	}
	if p.user == "" || strings.HasPrefix(p.user, profiles.PrefixEnv) || strings.HasPrefix(p.user, profiles.PrefixFile) || strings.HasPrefix(p.user, profiles.PrefixKeyring) {
		return nil
	}
	if _, pass, err := splitUser(r, p.user); err == nil && pass != "" && !profiles.IsRef(pass) {
		return []string{"proxy password"}
	}
	return nil
}

// options turns the flags into the engine's proxy options, resolving the
// password reference of --proxy-user with r (the one resolver every secret
// goes through). lookupEnv reads HTTP_PROXY and friends.
func (p *proxyFlags) options(r profiles.Resolver, lookupEnv func(string) (string, bool)) (authn.Proxy, error) {
	o := authn.Proxy{URL: p.url, NoProxy: p.noproxy, LookupEnv: lookupEnv}
	if p.url != "" {
		if _, err := authn.ParseProxyURL(p.url); err != nil {
			return o, fmt.Errorf("--proxy: %w", err)
		}
	}
	if p.user == "" {
		return o, nil
	}
	user, pass, err := splitUser(r, p.user)
	if err != nil {
		return o, fmt.Errorf("--proxy-user: %w", err)
	}
	if user == "" {
		return o, authn.Inputf("write --proxy-user USER:env:NAME", "--proxy-user has no user name")
	}
	if profiles.IsRef(pass) {
		v, _, err := r.Resolve("proxy password", pass)
		if err != nil {
			return o, fmt.Errorf("--proxy-user: %w", err)
		}
		pass = v
	}
	o.User, o.Password = user, pass
	return o, nil
}
