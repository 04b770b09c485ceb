package authn

import (
	"net/http"
	"slices"
)

// ConnBound is implemented by a Flow whose handshake authenticates the TCP
// connection rather than each request: NTLM over HTTP (MS-NTHT §2: "the
// authentication is connection-based"; a server keeps the CHALLENGE it
// sent with the connection it sent it on). Its messages must all travel on
// one connection, so the engine gives each Exchange call of such a scheme
// a client of its own (see boundClient) instead of the shared pool, where
// another call could take the kept-alive connection in between.
type ConnBound interface {
	Flow
	// BindsConnection marks the scheme; it has no behaviour.
	BindsConnection()
}

// boundClient returns a client for one Exchange call of a ConnBound scheme:
// c with a clone of its transport that keeps at most one connection per
// host, speaks HTTP/1.1 only (NTLM is not defined over HTTP/2, whose
// streams share a connection; MS-NTHT §2) and is closed by release at the
// end of the call. Every response body is read to its end by roundTrip, so
// the connection goes back idle and the next request of the call takes it.
// A custom transport that is not an *http.Transport is used as it is (ok
// is false): the engine cannot promise the connection then.
func (e *Engine) boundClient(c *http.Client) (bound *http.Client, release func(), ok bool) {
	rt := c.Transport
	wrap, _ := rt.(*tlsClassifier)
	if wrap != nil {
		rt = wrap.base
	}
	base, isTr := rt.(*http.Transport)
	if !isTr {
		return c, func() {}, false
	}
	tr := base.Clone()
	tr.MaxConnsPerHost = 1
	tr.MaxIdleConnsPerHost = 1
	tr.ForceAttemptHTTP2 = false
	var p http.Protocols
	p.SetHTTP1(true)
	tr.Protocols = &p
	tr.TLSNextProto = nil
	if tr.TLSClientConfig != nil {
		tr.TLSClientConfig.NextProtos = slices.DeleteFunc(slices.Clone(tr.TLSClientConfig.NextProtos), func(s string) bool { return s == "h2" })
	}
	var next http.RoundTripper = tr
	if wrap != nil {
		next = &tlsClassifier{base: tr, certSent: wrap.certSent, now: wrap.now}
	}
	cc := *c
	cc.Transport = next
	return &cc, tr.CloseIdleConnections, true
}
