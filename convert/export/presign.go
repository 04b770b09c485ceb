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
// Options.Resolve. Schemes that need exchanges of their own (authn.Flow:
// Digest's challenge, OAuth 2.0's token request) cannot be signed ahead and
// return an error wrapping ErrUnsupported, and so do schemes that are not
// authn.Presignable (a static credential has nothing to sign ahead: every
// target writes it itself).
func (p *Plan) Presign() (*Signed, error) {
	s, err := authn.Lookup(p.Scheme.Name)
	if err != nil {
		return nil, err
	}
	if _, ok := s.(authn.Flow); ok {
		return nil, &unsupportedError{what: p.Scheme.Title + " cannot be signed ahead: it needs an exchange with the server first"}
	}
	pre, ok := s.(authn.Presignable)
	if !ok {
		return nil, &unsupportedError{what: p.Scheme.Title + " cannot be signed ahead: the scheme states no lifetime for a signed request (authn.Presignable)"}
	}
	raw := map[string]string{}
	for name, v := range p.Fields {
		val, err := p.Resolve(v)
		if err != nil {
			return nil, err
		}
		raw[name] = val
	}
	creds, err := p.Scheme.Validate(raw)
	if err != nil {
		return nil, err
	}
	u, err := authn.ParseURL(p.URL)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	for _, x := range p.Headers {
		v, err := p.Resolve(x.Value)
		if err != nil {
			return nil, err
		}
		h.Add(x.Name, v)
	}
	if p.Body != "" && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	now, rnd := p.opt.Now, p.opt.Rand
	if now == nil {
		now = time.Now
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	at := now()
	out := &authn.Outgoing{Method: p.Method, URL: u, Header: h, Body: []byte(p.Body)}
	var tr authn.Trace
	if err := s.Authorize(out, creds, authn.Env{Now: func() time.Time { return at }, Rand: rnd}, &tr); err != nil {
		return nil, err
	}
	return &Signed{Method: out.Method, URL: out.URL.String(), Header: out.Header, Body: string(out.Body), Added: out.Added, At: at,
		Lifetime: pre.Lifetime(out.Header, at)}, nil
}

type unsupportedError struct{ what string }

func (e *unsupportedError) Error() string { return e.what }
func (e *unsupportedError) Unwrap() error { return ErrUnsupported }
