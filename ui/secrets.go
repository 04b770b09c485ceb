package ui

import (
	"bytes"
	"net/url"
	"slices"

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
	c := redacted(res, secrets) // responses and hints
	for i := range c.Exchanges {
		rq := &c.Exchanges[i].Request
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
	return c
}

// redacted is a copy of res with secrets masked in its responses and hints
// (Result.Redact); res itself, which the TUI keeps to reveal on R, is not
// changed, and the copy shares nothing Redact changes.
func redacted(res *authn.Result, secrets authn.Secrets) *authn.Result {
	c := *res
	c.Exchanges = slices.Clone(res.Exchanges)
	for i, ex := range c.Exchanges {
		if ex.Response != nil {
			r := *ex.Response
			r.Header = r.Header.Clone()
			r.Body = bytes.Clone(r.Body)
			c.Exchanges[i].Response = &r
		}
	}
	c.Hints = slices.Clone(res.Hints)
	for i := range c.Hints {
		c.Hints[i].Checks = slices.Clone(c.Hints[i].Checks)
	}
	c.Redact(secrets)
	return &c
}
