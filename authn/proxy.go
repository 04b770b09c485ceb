package authn

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
)

// Proxy says how the engine reaches servers through an HTTP proxy. It is an
// engine option (the network one is on), not part of a request: profiles do
// not save it, and the TUI's engine takes the start-up flags'.
//
// The choice for each request, in order (curl's rules for the flags, Go's
// for the environment):
//   - NoProxy "*" (curl's --noproxy '*'): always direct.
//   - the target's host matches NoProxy (or, without NoProxy, NO_PROXY /
//     no_proxy): direct. An entry is a host name (it matches the host and
//     its subdomains; a leading dot is ignored), an IP address or a CIDR
//     prefix, optionally with :port.
//   - URL set (-x): that proxy, for http:// and https:// targets alike,
//     loopback targets included (as curl does).
//   - HTTPS_PROXY / https_proxy for https:// targets, HTTP_PROXY /
//     http_proxy for http:// ones (HTTP_PROXY is ignored when
//     REQUEST_METHOD is set: CGI, "httpoxy"), except for loopback targets,
//     which an environment proxy never gets (net/http's rule, kept so the
//     practice server is not sent to a corporate proxy).
//
// An https:// target goes through a CONNECT tunnel (RFC 9110 §9.3.6): the
// proxy sees only host:port; the request, its credentials and the response
// are encrypted end to end. An http:// target is forwarded in the clear
// (RFC 9112 §3.2.2, absolute-form): the proxy sees the whole request,
// credentials included; that is inherent to plain HTTP through a proxy.
//
// User and Password (--proxy-user) authenticate to the proxy with Basic
// (RFC 9110 §11.7.1, Proxy-Authorization); they replace credentials in the
// proxy URL. They are sent to the proxy only: in the CONNECT request, or
// added to a forwarded request on its way to the proxy. A Proxy-Authorization
// header set by hand goes into the CONNECT request too, never through the
// tunnel to the server.
//
// Options.Proxy applies to the engine's own transport only; an
// Options.Transport set by the caller keeps its own proxy rules.
type Proxy struct {
	URL      string // -x: scheme://host[:port]; no scheme means http://, no port 1080 (curl; 443 for https://)
	NoProxy  string // --noproxy: comma-separated hosts that go direct; "*": no proxy at all
	User     string // --proxy-user USER
	Password string // its password, resolved
	// LookupEnv reads HTTP_PROXY and friends; os.LookupEnv when nil.
	LookupEnv func(string) (string, bool)
}

// The sources a ProxyRoute names.
const (
	ProxyFromFlag    = "--proxy"
	ProxyNoProxyFlag = "--noproxy"
)

// ProxyRoute records how one exchange reached its server. The engine sets
// Exchange.Proxy only when a proxy is configured (a flag or the
// environment), so a plain setup shows nothing.
type ProxyRoute struct {
	// Proxy is the proxy URL with its password masked; "" when the
	// exchange went direct although a proxy is configured.
	Proxy string
	// Source is what chose the route: ProxyFromFlag, the environment
	// variable's name (HTTPS_PROXY, http_proxy…), ProxyNoProxyFlag or
	// NO_PROXY for a bypass.
	Source string
	// Why says it in one sentence.
	Why string
	// Tunnel: an https:// target through CONNECT; otherwise a proxied
	// request is forwarded in the clear.
	Tunnel bool
	// User is the proxy user name sent with Basic proxy credentials; ""
	// when none were sent.
	User string

	url  *url.URL // the proxy, credentials included (for the transport); nil: direct
	auth string   // Proxy-Authorization value for the proxy ("" none)
	err  error    // an unusable proxy address from the environment
}

// Direct reports whether the exchange went straight to the server.
func (r *ProxyRoute) Direct() bool { return r == nil || r.url == nil }

// ParseProxyURL checks a -x value the way curl reads it: no scheme means
// http://, no port means 1080 (443 for https://). Schemes: http, https,
// socks5, socks5h.
func ParseProxyURL(raw string) (*url.URL, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return nil, &InputError{Problem: "empty proxy URL", Fix: "write --proxy http://HOST:PORT"}
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, &InputError{Problem: fmt.Sprintf("%q is not a proxy address", raw), Fix: "write --proxy http://HOST:PORT"}
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return nil, &InputError{Problem: fmt.Sprintf("proxy scheme %q is not supported", u.Scheme), Fix: "use http://, https://, socks5:// or socks5h://"}
	}
	u.Path = ""
	if u.Port() == "" {
		port := "1080"
		if u.Scheme == "https" {
			port = "443"
		}
		u.Host = net.JoinHostPort(u.Hostname(), port)
	}
	return u, nil
}

// route decides the proxy for target (see Proxy). It returns nil when no
// proxy is configured at all.
func (p Proxy) route(target *url.URL) *ProxyRoute {
	lookup := p.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	env := func(names ...string) (string, string) {
		for _, n := range names {
			if v, ok := lookup(n); ok && v != "" {
				return n, v
			}
		}
		return "", ""
	}
	host := target.Hostname()
	https := target.Scheme == "https"
	var envName, envVal string
	if https {
		envName, envVal = env("HTTPS_PROXY", "https_proxy")
	} else if _, cgi := lookup("REQUEST_METHOD"); !cgi {
		envName, envVal = env("HTTP_PROXY", "http_proxy")
	}
	if p.URL == "" && envVal == "" {
		return nil
	}
	noName, noList := ProxyNoProxyFlag, p.NoProxy
	if noList == "" {
		noName, noList = env("NO_PROXY", "no_proxy")
	}
	direct := func(src, why string) *ProxyRoute { return &ProxyRoute{Source: src, Why: why} }
	if strings.TrimSpace(noList) == "*" {
		return direct(noName, noName+" is *: every host goes direct")
	}
	if entry, ok := noProxyMatch(noList, host, target.Port(), https); ok {
		return direct(noName, fmt.Sprintf("%s entry %q matches %s: direct, no proxy", noName, entry, host))
	}
	r := &ProxyRoute{Tunnel: https}
	switch {
	case p.URL != "":
		u, err := ParseProxyURL(p.URL)
		if err != nil {
			r.err = err
			return r
		}
		r.url, r.Source, r.Why = u, ProxyFromFlag, "--proxy names it"
	default:
		if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); host == "localhost" || (err == nil && ip.IsLoopback()) {
			return direct(envName, fmt.Sprintf("%s is set, but a loopback host never goes through a proxy from the environment (use --proxy to force it)", envName))
		}
		u, err := url.Parse(envVal)
		if err != nil || u.Scheme == "" || u.Host == "" {
			// net/http's rule: a bare host:port means http://
			u, err = url.Parse("http://" + envVal)
		}
		if err != nil || u.Hostname() == "" {
			r.err = &InputError{Problem: fmt.Sprintf("%s holds an unusable proxy address", envName), Fix: "fix or unset " + envName + ", or give --proxy URL / --noproxy '*'"}
			return r
		}
		r.url, r.Source, r.Why = u, envName, envName+" is set in the environment"
	}
	if p.User != "" || p.Password != "" {
		r.url.User = url.UserPassword(p.User, p.Password)
	}
	if u := r.url.User; u != nil {
		pass, _ := u.Password()
		r.User = u.Username()
		r.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pass))
	}
	r.Proxy = maskProxyURL(r.url)
	return r
}

// maskProxyURL renders a proxy URL with its password masked.
func maskProxyURL(u *url.URL) string {
	c := *u
	if c.User != nil {
		if _, has := c.User.Password(); has {
			c.User = url.UserPassword(c.User.Username(), "")
			return strings.Replace(c.String(), ":@", ":"+Mask("")+"@", 1)
		}
	}
	return c.String()
}

// noProxyMatch reports whether host (port) matches an entry of list, and
// which.
func noProxyMatch(list, host, port string, https bool) (string, bool) {
	if port == "" {
		port = "80"
		if https {
			port = "443"
		}
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	ip, ipErr := netip.ParseAddr(host)
	for _, raw := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		e := strings.ToLower(strings.TrimSpace(raw))
		if e == "*" {
			return raw, true
		}
		if pfx, err := netip.ParsePrefix(e); err == nil {
			if ipErr == nil && pfx.Contains(ip) {
				return raw, true
			}
			continue
		}
		if h, p, err := net.SplitHostPort(e); err == nil {
			if p != port {
				continue
			}
			e = h
		}
		e = strings.TrimPrefix(strings.Trim(e, "[]"), ".")
		if eip, err := netip.ParseAddr(e); err == nil {
			if ipErr == nil && eip == ip {
				return raw, true
			}
			continue
		}
		if e != "" && (host == e || strings.HasSuffix(host, "."+e)) {
			return raw, true
		}
	}
	return "", false
}

// proxyRouteKey is the request context key of the *ProxyRoute roundTrip
// chose, read by the transport's hooks.
type proxyRouteKey struct{}

// proxyHandSetKey carries a hand-set Proxy-Authorization that roundTrip
// took off a tunnelled request, for the CONNECT request.
type proxyHandSetKey struct{}

// installProxy sets the hooks of the engine's own transport: the proxy of
// each request (the route roundTrip recorded, else computed), the CONNECT
// header (a hand-set Proxy-Authorization) and the CONNECT answer (anything
// but 200 becomes a *ProxyError carrying the proxy's response).
func installProxy(tr *http.Transport, p Proxy) {
	tr.Proxy = func(r *http.Request) (*url.URL, error) {
		rt, ok := r.Context().Value(proxyRouteKey{}).(*ProxyRoute)
		if !ok {
			rt = p.route(r.URL)
		}
		if rt == nil {
			return nil, nil
		}
		return rt.url, rt.err
	}
	tr.GetProxyConnectHeader = func(ctx context.Context, _ *url.URL, _ string) (http.Header, error) {
		if v, ok := ctx.Value(proxyHandSetKey{}).(string); ok {
			return http.Header{"Proxy-Authorization": {v}}, nil
		}
		return nil, nil
	}
	tr.OnProxyConnectResponse = func(ctx context.Context, proxyURL *url.URL, creq *http.Request, cres *http.Response) error {
		if cres.StatusCode == http.StatusOK {
			return nil
		}
		body := readWithin(ctx, cres.Body, 64<<10)
		return &ProxyError{
			Proxy: proxyURL.Host, Target: creq.Host, Status: cres.StatusCode, Reason: reason(cres),
			connectHeader: creq.Header.Clone(),
			response:      &Response{Status: cres.StatusCode, Reason: reason(cres), Proto: cres.Proto, Header: cres.Header, Body: body, ContentLength: cres.ContentLength},
		}
	}
}

// readWithin reads at most max bytes of r, giving up when ctx ends (the
// transport closes the connection after the hook returns, which ends the
// read).
func readWithin(ctx context.Context, r io.Reader, max int64) []byte {
	done := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(r, max))
		done <- b
	}()
	select {
	case b := <-done:
		return b
	case <-ctx.Done():
		return nil
	}
}

// proxyPrepare records the route of hreq in its context and ex, and moves
// a hand-set Proxy-Authorization off a request that would carry it to the
// server: into the CONNECT request for a tunnel. (Direct, it goes where the
// user sent it; forwarded in the clear, the proxy is its next hop.)
func (e *Engine) proxyPrepare(hreq *http.Request, ex *Exchange) *http.Request {
	if !e.ownTransport {
		return hreq
	}
	rt := e.opts.Proxy.route(hreq.URL)
	if rt == nil {
		return hreq
	}
	ex.Proxy = rt
	ctx := context.WithValue(hreq.Context(), proxyRouteKey{}, rt)
	if v := hreq.Header.Get("Proxy-Authorization"); v != "" && rt.Tunnel && !rt.Direct() {
		hreq.Header.Del("Proxy-Authorization")
		ex.Request.Header.Del("Proxy-Authorization")
		if rt.auth == "" {
			ctx = context.WithValue(ctx, proxyHandSetKey{}, v)
		}
	}
	return hreq.WithContext(ctx)
}

// ProxyError is a proxy's refusal to open a CONNECT tunnel (RFC 9110
// §9.3.6: any answer but 2xx): a 407 that wants (other) credentials, a 403
// for a destination it does not allow, a 502 when it cannot reach the
// server. The request never reached the server. It matches ErrRefused: the
// Result's final exchange is the CONNECT with the proxy's answer, and front
// ends treat its status like any answer's (exit code 4 for a 407, as a 407
// from a plain-HTTP proxy).
type ProxyError struct {
	Proxy  string // host:port of the proxy
	Target string // host:port the tunnel was asked for
	Status int
	Reason string // server text
	User   string // the proxy user whose credentials were sent ("" none)

	connectHeader http.Header
	response      *Response
}

func (e *ProxyError) Is(target error) bool { return target == ErrRefused }

func (e *ProxyError) Error() string {
	answer := fmt.Sprintf("%d %s", e.Status, e.Reason)
	switch {
	case (e.Status == http.StatusProxyAuthRequired || e.Status == http.StatusUnauthorized) && e.User != "":
		// tinyproxy answers wrong credentials with 401, missing ones with 407
		return fmt.Sprintf("the proxy %s refused the credentials of proxy user %q (%s): check the user name and the password reference of --proxy-user", e.Proxy, e.User, answer)
	case e.Status == http.StatusProxyAuthRequired:
		return fmt.Sprintf("the proxy %s wants credentials before it opens a tunnel to %s (%s): give them with --proxy-user USER:env:NAME", e.Proxy, e.Target, answer)
	case e.Status == http.StatusBadGateway || e.Status == http.StatusServiceUnavailable || e.Status == http.StatusGatewayTimeout:
		return fmt.Sprintf("the proxy %s could not reach %s (%s): check the host and port in the URL, or bypass the proxy with --noproxy", e.Proxy, e.Target, answer)
	}
	return fmt.Sprintf("the proxy %s refused to open a tunnel to %s (%s): the proxy may not allow this destination or port; ask its administrator, or bypass it with --noproxy", e.Proxy, e.Target, answer)
}

// proxyExchange rewrites ex into the CONNECT exchange the proxy refused.
func proxyExchange(ex *Exchange, pe *ProxyError) {
	if ex.Proxy != nil {
		pe.User = ex.Proxy.User
	}
	ex.Request = SentRequest{
		Method: http.MethodConnect, URL: &url.URL{Opaque: pe.Target}, Host: pe.Target, Proto: "HTTP/1.1",
		Header: pe.connectHeader,
	}
	ex.Response = pe.response
	ex.Err = pe
}

// proxyTrace puts a "Proxy" step first in res's trace for each distinct
// route its exchanges took (none when no proxy is configured).
func proxyTrace(res *Result) {
	var steps []Step
	seen := map[string]bool{}
	for _, ex := range res.Exchanges {
		rt := ex.Proxy
		if rt == nil || ex.Request.URL == nil {
			continue
		}
		host := hostPort(ex.Request.URL)
		if ex.Request.Method == http.MethodConnect {
			host = ex.Request.Host
		}
		key := rt.Proxy + "|" + rt.Source + "|" + host
		if seen[key] {
			continue
		}
		seen[key] = true
		var t Trace
		if rt.Direct() {
			t.Add("Proxy: none for "+host, "curl --noproxy, NO_PROXY", rt.Why, Plain("route", "direct"), Plain("chosen by", rt.Source))
		} else {
			route, note := "plain HTTP forwarding (absolute-form request)", "The proxy receives the whole request in the clear, credentials included: that is inherent to http:// through a proxy. Use https:// to keep them from it."
			ref := "RFC 9112 §3.2.2"
			if rt.Tunnel {
				route, note = "CONNECT "+host, "The proxy sees only the CONNECT request (host and port); the request, its credentials and the response travel encrypted through the tunnel."
				ref = "RFC 9110 §9.3.6"
			}
			vals := []Value{Plain("proxy", rt.Proxy), Plain("chosen by", rt.Source+": "+rt.Why), Plain("route", route)}
			if rt.auth != "" {
				vals = append(vals, Secret("Proxy-Authorization", rt.auth, "Basic "+Mask("")))
				note += " Proxy-Authorization (Basic, RFC 9110 §11.7.1) goes to the proxy only, never to the server."
			}
			t.Add("Proxy for "+host, ref, note, vals...)
		}
		steps = append(steps, t.Steps...)
	}
	if len(steps) > 0 {
		res.Trace.Steps = append(steps, res.Trace.Steps...)
	}
}

// hostPort is u's host with the default port made explicit.
func hostPort(u *url.URL) string {
	if u.Host == "" || u.Port() != "" {
		return u.Host
	}
	port := "80"
	if u.Scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port)
}
