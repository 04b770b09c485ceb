package ui

import (
	"bytes"
	"net/url"

	"github.com/authlab/authlab/authn"
)

// MaskResponseSecrets returns res as a front end may show it: unless reveal,
// every secret a flow found in a response (res.ResponseSecrets(): access and
// refresh tokens a token endpoint issued, RFC 6749 §5.1) is masked wherever
// it appears — response reason, headers and bodies, hints, the requests'
// URLs, headers and bodies (a token sent back to the API), plain trace
// values — so a token the user did not type never reaches the screen, the
// --json output or a terminal recording.
//
// res itself is never changed (the TUI keeps it to reveal on R); the copy
// shares nothing that it changed. With reveal, or when there is nothing to
// mask, res is returned as it is.
func MaskResponseSecrets(res *authn.Result, reveal bool) *authn.Result {
	if res == nil || reveal {
		return res
	}
	secrets := authn.NewSecrets(res.ResponseSecrets()...)
	if secrets.Len() == 0 {
		return res
	}
	c := *res
	c.Exchanges = make([]authn.Exchange, len(res.Exchanges))
	for i, ex := range res.Exchanges {
		if ex.Response != nil {
			resp := *ex.Response
			resp.Header = resp.Header.Clone()
			resp.Body = bytes.Clone(resp.Body)
			ex.Response = &resp
		}
		rq := &ex.Request
		if rq.URL != nil {
			u := *rq.URL
			u.Path, u.RawPath = secrets.Mask(u.Path), ""
			u.RawQuery = secrets.Mask(u.RawQuery)
			if u.User != nil {
				if pw, ok := u.User.Password(); ok {
					u.User = url.UserPassword(secrets.Mask(u.User.Username()), secrets.Mask(pw))
				} else {
					u.User = url.User(secrets.Mask(u.User.Username()))
				}
			}
			rq.URL = &u
		}
		rq.Host = secrets.Mask(rq.Host)
		rq.Header = rq.Header.Clone()
		for _, vs := range rq.Header {
			for j, v := range vs {
				vs[j] = secrets.Mask(v)
			}
		}
		if len(rq.Body) > 0 {
			rq.Body = []byte(secrets.Mask(string(rq.Body)))
		}
		// Credential values stay: DisplayHeader/DisplayBody match them by
		// name and show their Masked form.
		c.Exchanges[i] = ex
	}
	c.Hints = make([]authn.Hint, len(res.Hints))
	for i, h := range res.Hints {
		h.Checks = append([]string(nil), h.Checks...)
		c.Hints[i] = h
	}
	c.Trace.Steps = make([]authn.Step, len(res.Trace.Steps))
	for i, s := range res.Trace.Steps {
		s.Note = secrets.Mask(s.Note)
		s.Values = append([]authn.Value(nil), s.Values...)
		for j, v := range s.Values {
			if !v.Secret {
				s.Values[j].Text = secrets.Mask(v.Text)
			}
		}
		c.Trace.Steps[i] = s
	}
	c.Redact(secrets) // responses and hints
	return &c
}
