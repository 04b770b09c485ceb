package authn

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults of Options.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBody      = 10 << 20 // 10 MiB, after decompression
	DefaultMaxRedirects = 10
	// MaxHeaderBytes bounds the response header block a server may send.
	MaxHeaderBytes = 1 << 20
)

// UserAgent is sent unless the request sets its own.
const UserAgent = "authlab/0.1"

// Options configure an Engine. The zero value is usable: every unset field
// takes its default.
type Options struct {
	Timeout      time.Duration // whole exchange, redirects and body included
	MaxBody      int64         // response body cap after decompression
	Follow       bool          // follow redirects (credentials dropped across origins)
	MaxRedirects int           // hops before ErrTooManyRedirects
	Insecure     bool          // skip TLS verification (-k)
	RootCAs      *x509.CertPool
	// Transport replaces the engine's own transport (tests). When nil the
	// engine builds one that routes through Proxy.
	Transport http.RoundTripper
	// Now is the clock seam for what schemes put into requests (a SigV4
	// X-Amz-Date, an OAuth timestamp, a JWT's iat) and for judging dates in
	// answers; a test may pin it. Durations (Result.Total, Timing) are
	// always measured on the monotonic clock of time.Now, never on Now: a
	// pinned Now would make every exchange last years.
	Now  func() time.Time // clock seam; time.Now when nil
	Rand io.Reader        // randomness seam; crypto/rand when nil

	// Proxy chooses the HTTP proxy of each request (flags, else the
	// environment); see Proxy. Ignored with a custom Transport.
	Proxy Proxy

	// TokenCache, when set, keeps OAuth 2.0 and OIDC tokens across runs
	// (--token-cache); see TokenCache.
	TokenCache TokenCache
}

// Engine is the exchange engine: the only place in authlab that sends HTTP
// requests. It keeps one transport, so repeated exchanges reuse connections.
// An Engine is safe for concurrent use.
type Engine struct {
	opts     Options
	client   *http.Client
	sessions sessions // per scheme and credentials: Digest nonce counts, OAuth 2.0 tokens
	// tlsClients caches the clients built for requests' TLS options
	// (clientFor), one session per set of options.
	tlsClients sessions
	// ownTransport: the engine built its transport, so Options.Proxy
	// routes its requests (see proxyPrepare).
	ownTransport bool
}

// New returns an Engine for opts.
func New(opts Options) *Engine {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	rt := opts.Transport
	own := rt == nil
	if own {
		tr := &http.Transport{
			DialContext:            (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:      true,
			MaxIdleConns:           16,
			IdleConnTimeout:        90 * time.Second,
			TLSHandshakeTimeout:    tlsHandshakeTimeout,
			ExpectContinueTimeout:  time.Second,
			MaxResponseHeaderBytes: MaxHeaderBytes,
			TLSClientConfig: &tls.Config{
				InsecureSkipVerify: opts.Insecure, //nolint:gosec // the user asked for -k
				RootCAs:            opts.RootCAs,
			},
		}
		// The proxy of each request (Options.Proxy), its CONNECT header
		// and a refused CONNECT's answer (see installProxy).
		installProxy(tr, opts.Proxy)
		rt = tr
		// Notes whether a server asked for a client certificate, so a
		// refusal can be classified (see tlsNoClientCert).
		tlsHookOwn(rt)
	}
	return &Engine{
		opts:         opts,
		ownTransport: own,
		client: &http.Client{
			Transport: rt,
			// Redirects are followed by Exchange itself: net/http keeps
			// Authorization when only the port or the scheme changes and
			// never strips custom credential headers (see DESIGN.md).
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// Close releases idle connections, the engine's and those of the clients
// built for TLS options.
func (e *Engine) Close() {
	e.client.CloseIdleConnections()
	e.tlsClients.each(func(s *Session) {
		if c, ok := s.Get("client").(*http.Client); ok {
			c.CloseIdleConnections()
		}
	})
}

// Exchange authenticates req with its scheme, sends it, follows redirects
// when asked to, reads the capped body, times every phase and explains the
// answer. It returns the Result even on error (with what was done so far);
// the error is one of *InputError, ErrTimeout, ErrCanceled,
// ErrTooManyRedirects (all wrapped) or a transport error.
func (e *Engine) Exchange(ctx context.Context, req Request) (*Result, error) {
	start := time.Now() // monotonic: Options.Now is for what is signed, not for durations
	res := &Result{}
	err := e.exchange(ctx, req, res)
	res.Total = time.Since(start)
	proxyTrace(res)
	if err != nil {
		res.Err = err
	}
	if fin := res.Final(); fin != nil && fin.Response != nil {
		hops := 0
		if errors.Is(err, ErrTooManyRedirects) {
			hops = len(res.Exchanges) - 1
		}
		res.Hints = explain(fin, res.Scheme, e.opts.Now(), hops)
	}
	if he := (hintedError)(nil); errors.As(err, &he) {
		res.Hints = append([]Hint{he.Hint()}, res.Hints...)
	}
	return res, err
}

func (e *Engine) exchange(parent context.Context, req Request, res *Result) error {
	timeout, follow := e.opts.Timeout, e.opts.Follow
	if req.Timeout > 0 {
		timeout = req.Timeout
	}
	if req.Follow != nil {
		follow = *req.Follow
	}
	prep, err := Prepare(req)
	if err != nil {
		if prep != nil {
			res.Scheme = prep.Info
		}
		return err
	}
	res.Scheme = prep.Info
	target, method, scheme, creds := prep.URL, prep.Method, prep.Scheme, prep.Creds

	env := Env{Now: e.opts.Now, Rand: e.opts.Rand, Session: e.sessions.forCreds(res.Scheme.Name, creds), Call: &Session{}, Tokens: e.opts.TokenCache}
	client, err := e.clientFor(req.TLS)
	if err != nil {
		return err
	}
	if _, ok := scheme.(ConnBound); ok {
		// One connection for the whole call (see ConnBound).
		bound, release, ok := e.boundClient(client)
		defer release()
		client = bound
		if !ok {
			res.Trace.Add("This engine's transport cannot keep one connection", "MS-NTHT §2",
				"The scheme authenticates the connection, but a custom transport decides which connection each request takes.")
		}
	}
	flow, _ := scheme.(Flow)
	call := &Call{Creds: creds, Env: env, Trace: &res.Trace, Method: method, URL: cloneURL(target), Role: RoleRequest, Timeout: timeout, notify: req.Notify}
	call.do = func(ctx context.Context, role string, out *Outgoing) (*Response, error) {
		// Each exchange of a flow gets the whole timeout; a device flow
		// bounds its polling by Call.Timeout itself.
		dctx, cancel := context.WithTimeoutCause(ctx, timeout, ErrTimeout)
		defer cancel()
		addScoped(out, req.Scoped)
		ex, resp, err := e.roundTrip(dctx, client, out)
		ex.Role = role
		res.Exchanges = append(res.Exchanges, ex)
		if err != nil {
			return resp, e.classify(parent, dctx, err, timeout)
		}
		return resp, nil
	}
	if flow != nil {
		if err := flow.Prepare(parent, call); err != nil {
			if parent.Err() != nil {
				return fmt.Errorf("%w: %v", ErrCanceled, context.Cause(parent))
			}
			return err
		}
	}

	ctx, cancel := context.WithTimeoutCause(parent, timeout, ErrTimeout)
	defer cancel()

	origin := originOf(target)
	stripped := false // once credentials are dropped they never come back
	var dropped []Credential
	hopClient := client // the client without the client certificate once stripped
	cur := hop{method: method, url: target, header: prep.Header, body: prep.Body}

	for n := 0; ; n++ {
		if n > 0 {
			call.Role = RoleRedirect
		}
		var (
			out  *Outgoing
			resp *Response
		)
		for retries := 0; ; retries++ {
			out = &Outgoing{Method: cur.method, URL: cloneURL(cur.url), Header: cur.header.Clone(), Body: bytes.Clone(cur.body)}
			if out.Header == nil {
				out.Header = http.Header{}
			}
			if stripped {
				stripCredentials(out, dropped)
				// A custom Host header names the first server: sent to
				// another it would ask for a site the user never named
				// (curl and net/http drop it too).
				out.Header.Del("Host")
			} else {
				tr := &res.Trace
				if n > 0 {
					tr = &Trace{} // re-signing for a same-origin hop is not re-taught
				}
				if err := scheme.Authorize(out, creds, env, tr); err != nil {
					return err
				}
				if n > 0 && retries == 0 {
					res.Trace.Add(fmt.Sprintf("Sign again for redirect hop %d", n), "RFC 9110 §15.4",
						"Same origin (scheme, host and port), so the credentials go with the request, signed for the new URL.",
						Plain("URL", maskQuery(out.URL, out.Added)))
				}
			}
			addScoped(out, req.Scoped)
			ex, r, err := e.roundTrip(ctx, hopClient, out)
			ex.Role = call.Role
			res.Exchanges = append(res.Exchanges, ex)
			if err != nil {
				return e.classify(parent, ctx, err, timeout)
			}
			resp = r
			if flow == nil || stripped || retries >= MaxRetries {
				break
			}
			role := call.Role
			retry, err := flow.Answer(ctx, call, resp)
			if err != nil {
				if parent.Err() != nil {
					return fmt.Errorf("%w: %v", ErrCanceled, context.Cause(parent))
				}
				return err
			}
			if !retry {
				break
			}
			if call.Role == role {
				call.Role = RoleRetry
			}
		}
		if !isRedirect(resp.Status) || !follow {
			return nil
		}
		loc := resp.Header.Get("Location")
		if loc == "" {
			return nil
		}
		next, perr := out.URL.Parse(loc)
		if perr != nil || (next.Scheme != "http" && next.Scheme != "https") || next.Host == "" {
			return fmt.Errorf("redirect to an unusable Location %q", loc)
		}
		if n+1 > e.opts.MaxRedirects {
			return fmt.Errorf("%w: stopped after %d hops", ErrTooManyRedirects, e.opts.MaxRedirects)
		}
		if !stripped && originOf(next) != origin {
			stripped = true
			dropped = out.Added
			var names []string
			for _, c := range out.Added {
				names = append(names, string(c.Where)+" "+c.Name)
			}
			names = append(names, "Authorization", "Proxy-Authorization", "Cookie")
			var typed []string // credential headers the user typed (X-Api-Key)
			for name := range cur.header {
				if CredentialHeader(name) && !slices.Contains(names, name) {
					typed = append(typed, name)
				}
			}
			slices.Sort(typed)
			names = append(names, typed...)
			note := "The redirect leaves the origin the credentials were meant for (scheme, host or port changed), so they are not sent, now or on any later hop."
			if h := cur.header.Get("Host"); h != "" {
				names = append(names, "custom Host header ("+h+")")
				note += " Your Host header named the first server, so it goes too: the next request carries the new URL's host (as curl and Go do)."
			}
			var certDropped bool
			if hopClient, certDropped, err = e.clientForOtherOrigin(req.TLS); err != nil {
				return err
			}
			if certDropped {
				names = append(names, "TLS client certificate")
				note += " The client certificate was given for " + origin + " only: it is not offered to another origin's TLS handshake."
			}
			res.Trace.Add(fmt.Sprintf("Drop credentials for redirect hop %d", n+1), "RFC 9110 §15.4, curl CVE-2022-27776",
				note, Plain("from", origin), Plain("to", originOf(next)), Plain("dropped", strings.Join(names, ", ")))
		}
		cur = redirectHop(cur, resp.Status, next)
	}
}

type hop struct {
	method string
	url    *url.URL
	header http.Header
	body   []byte
}

// redirectHop computes the next request per RFC 9110 §15.4: 301/302 turn a
// POST into a GET (as every browser does), 303 turns anything but HEAD into a
// GET, 307/308 keep method and body.
func redirectHop(cur hop, status int, next *url.URL) hop {
	h := cur.header.Clone()
	if h != nil {
		h.Del("Referer") // never leak where we came from
	}
	out := hop{method: cur.method, url: next, header: h, body: cur.body}
	if (status == 301 || status == 302) && cur.method == http.MethodPost || status == 303 && cur.method != http.MethodHead {
		out.method = http.MethodGet
		out.body = nil
		if out.header != nil {
			out.header.Del("Content-Type")
			out.header.Del("Content-Length")
		}
	}
	return out
}

// stripCredentials removes everything that could authenticate the request:
// the headers and parameters the scheme added on the first hop and the
// well-known credential headers, whoever set them.
func stripCredentials(out *Outgoing, dropped []Credential) {
	for name := range out.Header {
		if CredentialHeader(name) { // typed by hand: X-Api-Key as well as Authorization
			out.Header.Del(name)
		}
	}
	out.URL.RawQuery = rewriteQuery(out.URL.RawQuery, func(k, part string) (string, bool) {
		for _, c := range dropped {
			if c.Where == InQuery && c.Name == k {
				return "", false
			}
		}
		return part, true
	})
	for _, c := range dropped {
		if c.Where == InHeader {
			out.Header.Del(c.Name)
		}
	}
}

func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// originOf returns scheme://host:port with the default port made explicit
// (RFC 6454 §4).
func originOf(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

func cloneURL(u *url.URL) *url.URL {
	c := *u
	if u.User != nil {
		c.User = new(url.Userinfo)
		*c.User = *u.User
	}
	return &c
}

// ParseURL checks that raw is an absolute http or https URL with a host.
func ParseURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, &InputError{Problem: "no URL given", Fix: "add the URL to send to, e.g. https://api.github.com/user"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		msg := err.Error()
		if errors.As(err, &ue) {
			msg = ue.Err.Error()
		}
		return nil, &InputError{Problem: fmt.Sprintf("malformed URL %q (%s)", raw, msg), Fix: "quote the URL in the shell and check it"}
	}
	if u.Scheme == "" || u.Host == "" {
		return nil, &InputError{Problem: fmt.Sprintf("%q is not an absolute URL", raw), Fix: "start it with https:// or http://"}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &InputError{Problem: fmt.Sprintf("URL scheme %q is not supported", u.Scheme), Fix: "use https:// or http://"}
	}
	if u.User != nil {
		return nil, &InputError{Problem: "the URL carries credentials (user:pass@host)", Fix: "pass them with -u or -c so they can be masked and kept out of logs"}
	}
	return u, nil
}

// classify turns a transport or context error into the engine's error kinds.
func (e *Engine) classify(parent, ctx context.Context, err error, timeout time.Duration) error {
	if parent.Err() != nil {
		return fmt.Errorf("%w: %v", ErrCanceled, context.Cause(parent))
	}
	// roundTrip explained network failures (netClassify); a timeout of
	// the engine's own limit learns that limit here.
	var nerr *NetError
	if errors.As(err, &nerr) {
		if errors.Is(context.Cause(ctx), ErrTimeout) {
			nerr.setLimit(timeout)
		}
		return nerr
	}
	var pe *ProxyError
	if errors.As(err, &pe) {
		return pe
	}
	if errors.Is(context.Cause(ctx), ErrTimeout) {
		return fmt.Errorf("%w after %s", ErrTimeout, timeout)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("%w: %v", ErrTimeout, err)
	}
	// The client's transport classified a TLS failure (see tls.go): return
	// it without net/http's "Get URL:" wrapper, so its one line is the
	// message.
	var te *TLSError
	if errors.As(err, &te) {
		return te
	}
	return err
}

// timer collects httptrace events; callbacks may come from other goroutines.
type timer struct {
	mu                            sync.Mutex
	start                         time.Time
	dnsStart, connStart, tlsStart time.Time
	dns, conn, tls, firstByte     time.Duration
	reused                        bool
	remote                        string
	// phase is where the exchange is now, for a failure's message
	// (NetError); tunnel: an https:// target through a proxy, so a
	// CONNECT follows the connect.
	phase  Phase
	tunnel bool
}

// at sets the phase (callbacks may come from other goroutines).
func (t *timer) at(p Phase) { t.mu.Lock(); t.phase = p; t.mu.Unlock() }

// where returns the phase the exchange is in.
func (t *timer) where() Phase { t.mu.Lock(); defer t.mu.Unlock(); return t.phase }

func (t *timer) trace() *httptrace.ClientTrace {
	lock := func(f func()) { t.mu.Lock(); f(); t.mu.Unlock() }
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) { lock(func() { t.dnsStart, t.phase = time.Now(), PhaseDNS }) },
		DNSDone:  func(httptrace.DNSDoneInfo) { lock(func() { t.dns = time.Since(t.dnsStart) }) },
		ConnectStart: func(string, string) {
			lock(func() {
				if t.connStart.IsZero() {
					t.connStart = time.Now()
				}
				t.phase = PhaseConnect
			})
		},
		ConnectDone: func(_, _ string, err error) {
			lock(func() {
				t.conn = time.Since(t.connStart)
				switch {
				case err != nil:
				case t.tunnel:
					t.phase = PhaseTunnel
				default:
					t.phase = PhaseSend
				}
			})
		},
		TLSHandshakeStart: func() { lock(func() { t.tlsStart, t.phase = time.Now(), PhaseTLS }) },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			lock(func() {
				t.tls = time.Since(t.tlsStart)
				if err == nil {
					t.phase = PhaseSend
				}
			})
		},
		WroteRequest: func(httptrace.WroteRequestInfo) { lock(func() { t.phase = PhaseHeaders }) },
		GotConn: func(info httptrace.GotConnInfo) {
			lock(func() {
				t.phase = PhaseSend
				t.reused = info.Reused
				if info.Conn != nil {
					t.remote = info.Conn.RemoteAddr().String()
				}
			})
		},
		GotFirstResponseByte: func() { lock(func() { t.firstByte = time.Since(t.start) }) },
	}
}

func (t *timer) timing(total time.Duration) Timing {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Timing{DNS: t.dns, Connect: t.conn, TLS: t.tls, FirstByte: t.firstByte, Total: total, Reused: t.reused, Remote: t.remote}
}

// roundTrip sends out once and reads the capped body.
func (e *Engine) roundTrip(ctx context.Context, client *http.Client, out *Outgoing) (Exchange, *Response, error) {
	tm := &timer{start: time.Now(), phase: PhaseConnect}
	ctx = httptrace.WithClientTrace(ctx, tm.trace())
	var body io.Reader
	if len(out.Body) > 0 {
		body = bytes.NewReader(out.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, out.Method, out.URL.String(), body)
	if err != nil {
		return Exchange{}, nil, &InputError{Problem: fmt.Sprintf("cannot build the request: %v", err), Fix: "check the method and URL"}
	}
	hreq.URL = out.URL // keep the exact RawQuery the scheme signed
	hreq.Header = out.Header
	if host := out.Header.Get("Host"); host != "" {
		hreq.Host = host
		out.Header.Del("Host")
	}
	if hreq.Header.Get("User-Agent") == "" {
		hreq.Header.Set("User-Agent", UserAgent)
	}
	if hreq.Header.Get("Accept") == "" {
		hreq.Header.Set("Accept", "*/*")
	}
	ex := Exchange{Request: SentRequest{
		Method: out.Method, URL: out.URL, Host: hreq.Host, Proto: "HTTP/1.1",
		Header: out.Header.Clone(), Body: out.Body, Credentials: out.Added,
	}}
	hreq = e.proxyPrepare(hreq, &ex)
	tm.mu.Lock()
	tm.tunnel = ex.Proxy != nil && ex.Proxy.Tunnel && !ex.Proxy.Direct()
	tm.mu.Unlock()
	resp, err := client.Do(hreq)
	if err != nil {
		err = netClassify(ctx, err, out.URL, ex.Proxy, tm.where(), 0)
		var pe *ProxyError
		if errors.As(err, &pe) {
			proxyExchange(&ex, pe)
			ex.Timing = tm.timing(time.Since(tm.start))
			return ex, nil, pe
		}
		// net/http puts the whole URL into its errors; an API key in the
		// query must not reach the screen that way.
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = maskQuery(out.URL, out.Added)
		}
		ex.Err = err
		ex.Timing = tm.timing(time.Since(tm.start))
		return ex, nil, err
	}
	defer resp.Body.Close()
	ex.Request.Proto = resp.Proto
	r := &Response{
		Status: resp.StatusCode, Reason: reason(resp), Proto: resp.Proto,
		Header: resp.Header, ContentLength: resp.ContentLength, Compressed: resp.Uncompressed,
	}
	ex.Response = r
	tm.at(PhaseBody)
	r.Body, r.Truncated, err = readCapped(resp.Body, e.opts.MaxBody, resp.ContentLength)
	ex.Timing = tm.timing(time.Since(tm.start))
	if err != nil {
		err = netClassify(ctx, bodyError(err, len(r.Body), resp.ContentLength), out.URL, ex.Proxy, PhaseBody, len(r.Body))
		ex.Err = err
		return ex, r, err
	}
	return ex, r, nil
}

// reason extracts the reason phrase as sent ("401 Unauthorized" →
// "Unauthorized"); it is server text.
func reason(resp *http.Response) string {
	s := resp.Status
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[i+1:]
	}
	return ""
}

// readCapped reads at most max bytes of r and reports whether there was more.
// size is the announced length (-1: unknown): the buffer starts that big
// (never above max), so a 20 MB body is read into one allocation instead of
// a buffer doubling from 512 bytes (about 40 MB copied and a 32 MB last
// buffer); a Content-Length that lies only costs up to max.
func readCapped(r io.Reader, max, size int64) ([]byte, bool, error) {
	var buf bytes.Buffer
	if size > 0 {
		// + MinRead: ReadFrom grows the buffer when less than that is
		// free, and it needs one more read to see the end.
		buf.Grow(int(min(size, max)) + bytes.MinRead)
	}
	n, err := buf.ReadFrom(io.LimitReader(r, max+1))
	if err != nil {
		return buf.Bytes(), false, err
	}
	if n > max {
		return buf.Bytes()[:max], true, nil
	}
	return buf.Bytes(), false, nil
}

// bodyError explains a body that ended early, where net/http says only
// "unexpected EOF" (a Content-Length that lies, a cut chunked or gzip body).
func bodyError(err error, got int, declared int64) error {
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	if declared >= 0 {
		return fmt.Errorf("the server closed the connection after %d of the %d body bytes its Content-Length announced: the body is incomplete (%w)", got, declared, err)
	}
	return fmt.Errorf("the server closed the connection before the end of the body, after %d bytes: the body is incomplete (%w)", got, err)
}
