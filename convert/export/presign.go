package export

import (
	"crypto/rand"
	"net/http"
	"time"

	"github.com/authlab/authlab/authn"
)

// Signed is a request signed now by authlab's own scheme, for a target that
// cannot compute the scheme itself (OAuth 1.0a in curl, SigV4 in HTTPie): the
// headers, URL and body exactly as authlab would send them. Such a request is
// valid only for the timestamp and nonce it was signed with.
type Signed struct {
	Method string
	URL    string
	Header http.Header
	Body   string
	// Added lists what the scheme added (the signed header or parameters).
	Added []authn.Credential
	// At is when it was signed.
	At time.Time
	// Lifetime is how long it stays valid, as the scheme states it.
	Lifetime authn.Lifetime
}

// Presign signs the plan's request with its scheme, reading secrets through
// Options.Resolve. It prepares the request exactly as the engine does
// (authn.Prepare: method, headers, validated fields; the implied
// Content-Type of authn.ImplyContentType) and signs it with the scheme's
// own Authorize. Schemes that need exchanges of their own (authn.Flow:
// Digest's challenge, OAuth 2.0's token request) cannot be signed ahead and
// return an error wrapping ErrUnsupported, and so do schemes that are not
// authn.Presignable (a static credential has nothing to sign ahead: every
// target writes it itself).
func (p *Plan) Presign() (*Signed, error) {
	s, err := authn.Lookup(p.Scheme.Name)
	if err != nil {
		return nil, err
	}
	pre, ok := s.(authn.Presignable)
	if _, flow := s.(authn.Flow); flow && !ok {
		return nil, &unsupportedError{what: p.Scheme.Title + " cannot be signed ahead: it needs an exchange with the server first"}
	}
	if !ok {
		return nil, &unsupportedError{what: p.Scheme.Title + " cannot be signed ahead: the scheme states no lifetime for a signed request (authn.Presignable)"}
	}
	req := authn.Request{Method: p.Method, Header: http.Header{}, Body: []byte(p.Body), Scheme: p.Scheme.Name, Fields: map[string]string{}}
	for name, v := range p.Fields {
		val, err := p.Resolve(v)
		if err != nil {
			return nil, err
		}
		req.Fields[name] = val
	}
	if req.URL, err = p.sendURL(); err != nil {
		return nil, err
	}
	for _, x := range p.Headers {
		v, err := p.Resolve(x.Value)
		if err != nil {
			return nil, err
		}
		req.Header.Add(x.Name, v)
	}
	authn.ImplyContentType(req.Header, req.Body)
	prep, err := authn.Prepare(req)
	if err != nil {
		return nil, err
	}
	now, rnd := p.opt.Now, p.opt.Rand
	if now == nil {
		now = time.Now
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	at := now()
	var tr authn.Trace
	out, err := prep.Sign(authn.Env{Now: func() time.Time { return at }, Rand: rnd}, &tr)
	if err != nil {
		return nil, err
	}
	return &Signed{Method: out.Method, URL: out.URL.String(), Header: out.Header, Body: string(out.Body), Added: out.Added, At: at,
		Lifetime: pre.Lifetime(out.Header, at)}, nil
}

type unsupportedError struct{ what string }

func (e *unsupportedError) Error() string { return e.what }
func (e *unsupportedError) Unwrap() error { return ErrUnsupported }
