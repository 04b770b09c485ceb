package authn

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Phase names the part of an exchange a network failure happened in.
type Phase string

// The phases of one exchange, in order.
const (
	PhaseDNS     Phase = "resolving the host name"
	PhaseConnect Phase = "connecting"
	PhaseTunnel  Phase = "waiting for the proxy to open the tunnel"
	PhaseTLS     Phase = "in the TLS handshake"
	PhaseSend    Phase = "sending the request"
	PhaseHeaders Phase = "waiting for the response headers"
	PhaseBody    Phase = "reading the body"
)

// NetError is a network failure in one line: the cause (Problem) and what
// to do (Fix), never net/http's raw text. A timeout has its Phase (and
// matches errors.Is(err, ErrTimeout), so front ends keep exit code 2);
// the other failures leave Phase empty (exit code 1). TLS failures are
// *TLSError instead, a proxy's refused CONNECT *ProxyError.
type NetError struct {
	Problem string
	Fix     string
	Phase   Phase         // where the time ran out ("" for failures that are not timeouts)
	Limit   time.Duration // the limit that ran out, when known
	Addr    string        // host:port of the peer at fault
	Proxy   bool          // the peer at fault is the proxy
	Err     error         // the underlying error

	where string // a timeout's "while … from host" part, for Limit
}

func (e *NetError) Error() string {
	if e.Fix == "" {
		return e.Problem
	}
	return e.Problem + ": " + e.Fix
}

func (e *NetError) Unwrap() error { return e.Err }

// Is makes a timeout match ErrTimeout.
func (e *NetError) Is(target error) bool { return target == ErrTimeout && e.Phase != "" }

// setLimit completes a timeout's message with the limit that ran out.
// classify calls it on the error roundTrip already stored in the Exchange,
// so both say the same.
func (e *NetError) setLimit(d time.Duration) {
	if e.Phase == "" || d <= 0 {
		return
	}
	e.Limit = d
	e.Problem = fmt.Sprintf("timed out after %s %s", d, e.where)
}

// phases follows an exchange through its phases (httptrace callbacks may
// come from other goroutines).
type phases struct {
	mu     sync.Mutex
	now    Phase
	tunnel bool // an https:// target through a proxy: CONNECT after the connect
}

func (p *phases) set(ph Phase) { p.mu.Lock(); p.now = ph; p.mu.Unlock() }

func (p *phases) get() Phase { p.mu.Lock(); defer p.mu.Unlock(); return p.now }

func (p *phases) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart:     func(httptrace.DNSStartInfo) { p.set(PhaseDNS) },
		ConnectStart: func(string, string) { p.set(PhaseConnect) },
		ConnectDone: func(_, _ string, err error) {
			if err == nil {
				if p.tunnel {
					p.set(PhaseTunnel)
				} else {
					p.set(PhaseSend)
				}
			}
		},
		TLSHandshakeStart: func() { p.set(PhaseTLS) },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err == nil {
				p.set(PhaseSend)
			}
		},
		GotConn:      func(httptrace.GotConnInfo) { p.set(PhaseSend) },
		WroteRequest: func(httptrace.WroteRequestInfo) { p.set(PhaseHeaders) },
	}
}

// startPhases hooks a phase tracker into ctx, next to the timer's hooks.
func startPhases(ctx context.Context, route *ProxyRoute) (context.Context, *phases) {
	ph := &phases{now: PhaseConnect, tunnel: route != nil && route.Tunnel && !route.Direct()}
	return httptrace.WithClientTrace(ctx, ph.trace()), ph
}

// netClassify turns the error of one round trip into a *NetError where it
// can say what happened; it keeps *TLSError, *ProxyError, *InputError, a
// cancellation (classify's) and the explained short body (bodyError). got
// is the number of body bytes read when the phase is PhaseBody.
func netClassify(ctx context.Context, err error, target *url.URL, route *ProxyRoute, phase Phase, got int) error {
	if err == nil {
		return nil
	}
	var (
		te *TLSError
		pe *ProxyError
		ie *InputError
	)
	if errors.As(err, &te) || errors.As(err, &pe) || errors.As(err, &ie) || errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	if ctx.Err() != nil && !errors.Is(context.Cause(ctx), ErrTimeout) {
		return err // the caller cancelled: classify says so
	}
	addr := hostPort(target)
	peer, proxyFault := "the server "+addr, false
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "proxyconnect" && !route.Direct() {
		// dialling the proxy failed, not the server
		addr, peer, proxyFault = route.url.Host, "the proxy "+route.url.Host, true
	}
	if route != nil && route.err != nil && errors.Is(err, route.err) {
		return err
	}
	proxyFix := "start the proxy or check --proxy"
	if route != nil && route.Source != ProxyFromFlag {
		proxyFix = fmt.Sprintf("start the proxy or check %s (or bypass it with --noproxy '*')", route.Source)
	}
	ne := &NetError{Addr: addr, Proxy: proxyFault, Err: err}

	// Timeouts: the engine's own limit (the context) or the transport's
	// (the dialer, the TLS handshake limit).
	var nerr net.Error
	if errors.Is(context.Cause(ctx), ErrTimeout) || (errors.As(err, &nerr) && nerr.Timeout()) || errors.Is(err, syscall.ETIMEDOUT) {
		ne.Phase = phase
		if phase == "" {
			ne.Phase = PhaseHeaders
		}
		if !errors.Is(context.Cause(ctx), ErrTimeout) {
			switch ne.Phase {
			case PhaseTLS:
				ne.Limit = tlsHandshakeTimeout
			case PhaseConnect:
				ne.Limit = dialTimeout
			}
		}
		switch ne.Phase {
		case PhaseDNS:
			ne.where, ne.Fix = "resolving "+target.Hostname(), "the DNS server did not answer: check your network and DNS settings"
		case PhaseConnect:
			ne.where, ne.Fix = "connecting to "+peer, "nothing answered, not even a refusal: check the host and port, or a firewall dropping the connection"
		case PhaseTunnel:
			ne.where, ne.Fix = "waiting for the proxy "+route.url.Host+" to open a tunnel to "+hostPort(target), "the proxy accepted the connection but did not answer the CONNECT: check the proxy"
		case PhaseTLS:
			ne.where, ne.Fix = "in the TLS handshake with "+hostPort(target), "the server accepted the connection but did not finish TLS: check that this port speaks https"
		case PhaseSend:
			ne.where, ne.Fix = "sending the request to "+hostPort(target), "the server stopped reading it: check the server, or raise --timeout"
		case PhaseHeaders:
			ne.where, ne.Fix = "waiting for the response headers from "+hostPort(target), "the server took the request but did not answer in time: raise --timeout if it is just slow, or check the server"
		case PhaseBody:
			ne.where, ne.Fix = fmt.Sprintf("reading the body from %s (%d bytes arrived)", hostPort(target), got), "the server answered but stalled or sends slowly: raise --timeout, or check the server"
		}
		ne.Problem = "timed out " + ne.where
		if ne.Limit > 0 {
			ne.setLimit(ne.Limit)
		}
		return ne
	}

	var de *net.DNSError
	if errors.As(err, &de) {
		name := de.Name
		if name == "" {
			name = target.Hostname()
		}
		what := "host name"
		fix := "check the spelling of the host in the URL (an internal name may need your VPN)"
		if proxyFault {
			what, fix = "proxy host name", "check the spelling in "+proxySource(route)
		}
		if de.IsNotFound {
			ne.Problem = fmt.Sprintf("the %s %s could not be resolved", what, name)
		} else {
			ne.Problem = fmt.Sprintf("the %s %s could not be resolved (the DNS lookup failed: %s)", what, name, de.Err)
			fix = "check your network and DNS settings, then " + fix
		}
		ne.Fix = fix
		return ne
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		ne.Problem = "nothing listens on " + addr
		ne.Fix = "start the server or check the port"
		if proxyFault {
			ne.Problem, ne.Fix = "nothing listens on the proxy "+addr, proxyFix
		}
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		ne.Problem, ne.Fix = "no route to "+peer, "check the address and your network connection"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		if phase == PhaseBody {
			ne.Problem = fmt.Sprintf("%s reset the connection after %d body bytes: the body is incomplete", peer, got)
			ne.Fix = "send again, or check the server's log"
		} else {
			ne.Problem = peer + " reset the connection before it answered"
			ne.Fix = "check that it speaks HTTP on this port (https:// for a TLS port) and its log"
		}
	case errors.Is(err, io.EOF):
		ne.Problem = peer + " closed the connection without answering"
		ne.Fix = "check that it speaks HTTP on this port (https:// for a TLS port) and its log"
	case strings.Contains(err.Error(), "malformed HTTP response \"\\x15\\x03"):
		ne.Problem = peer + " answered in TLS to a plain-HTTP request"
		ne.Fix = "use https:// in the URL"
	case strings.Contains(err.Error(), "malformed HTTP"):
		ne.Problem = peer + " did not answer in HTTP"
		ne.Fix = "check the port: another protocol listens there"
	default:
		// Something net/http says better than a guess (the header cap):
		// keep its words, without the "Get URL:" wrapper.
		msg := err.Error()
		var ue *url.Error
		if errors.As(err, &ue) {
			msg = ue.Err.Error()
		}
		ne.Problem = fmt.Sprintf("the exchange with %s failed (%s)", peer, msg)
		ne.Fix = "check the URL and the server"
	}
	return ne
}

// proxySource names where the proxy came from, for a fix.
func proxySource(r *ProxyRoute) string {
	if r == nil || r.Source == ProxyFromFlag {
		return "--proxy"
	}
	return r.Source
}

// The transport's own limits (see New).
const (
	dialTimeout         = 30 * time.Second
	tlsHandshakeTimeout = 10 * time.Second
)
