package profiles

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/authlab/authlab/authn"
)

// A Profile is authlab's one description of a request: ordered headers,
// secret fields as references (env:, file:, keyring:, prompt). The command
// line's flags and the TUI's editor both produce one; Resolve is the one
// function that turns it into the request the engine sends; history,
// export and the engine all start from there.

// Policy says what Resolve may do besides reading references.
type Policy struct {
	// Prompt lets prompt references ask through Resolver.Prompt. Without
	// it they are refused with a RefError naming the alternatives (a
	// script, a pipe, --json).
	Prompt bool
	// Before, when set, sees each reference before it is read, with the
	// label it is read under (the field name, "password"; "key
	// passphrase" for tls.key_password). An error it returns stops Resolve and is returned
	// as it is: the TUI stops there to ask for a value in its own window
	// and sends again.
	Before func(label, ref string) error
}

// Resolved is a request description made ready to send.
type Resolved struct {
	// Profile is the description, references kept: what history keeps and
	// what a save writes.
	Profile Profile
	// Request has every reference replaced by its secret: what the engine
	// sends.
	Request authn.Request
	// Secrets are the secret values of Request (authn.SecretsOf: resolved
	// fields, credential headers, secret query and form values, the key
	// passphrase, the values of secret or reference variables), masked
	// wherever they could show.
	Secrets authn.Secrets
	// Env is the name of the environment the variables were looked up in
	// (Resolver.Env), "" for none: history records it.
	Env string
}

// keyPassLabel is the label the TLS key passphrase is read under.
const keyPassLabel = "key passphrase"

// Resolve turns the description p into the request to send, reading every
// reference through r in the scheme's form order (so prompts come in a
// sensible order). It is the only place references of a request are read.
// An error names the profile (when p has a name) and the field, and wraps
// the *RefError:
//
//	profile "github/user": password (env:GH_PASS): environment variable GH_PASS is not set: …
//
// A body file (Profile.BodyFile) is read here too, as a reference is: at
// send time, with ReadBodyFile's rules, within ctx and the request's time
// limit (p.Timeout, else authn.DefaultTimeout).
func Resolve(ctx context.Context, p Profile, r Resolver, pol Policy) (Resolved, error) {
	// a profile from an untrusted folder whose references would read this
	// machine is refused before anything is read
	if err := p.CheckTrust(); err != nil {
		return Resolved{Profile: p}, err
	}
	if !pol.Prompt {
		r.Prompt = nil
	}
	fail := func(err error) (Resolved, error) {
		var re *RefError
		var ue *UndefinedVarError
		var ve *VarError
		if p.Name != "" && (errors.As(err, &re) || errors.As(err, &ue) || errors.As(err, &ve)) {
			err = fmt.Errorf("profile %q: %w", p.Name, err)
		}
		return Resolved{Profile: p}, err
	}
	read := func(label, v string) (string, error) {
		if !IsRef(v) {
			return v, nil
		}
		if pol.Before != nil {
			if err := pol.Before(label, v); err != nil {
				return "", err
			}
		}
		s, _, err := r.Resolve(label, v)
		return s, err
	}
	x := newExpander(p, r, read)
	fields := make(map[string]string, len(p.Fields))
	for _, k := range fieldOrder(p) {
		v := p.Fields[k]
		var err error
		if IsRef(v) {
			v, err = read(k, v) // the field name: -c's, and the TUI's form
		} else {
			v, err = x.expand("field "+k, v)
		}
		if err != nil {
			return fail(err)
		}
		fields[k] = v
	}
	u, err := x.expand("URL", p.URL)
	if err != nil {
		return fail(err)
	}
	body, err := x.expand("body", p.Body)
	if err != nil {
		return fail(err)
	}
	req := authn.Request{Method: p.Method, URL: u, Header: http.Header{}, Body: []byte(body), Scheme: p.Scheme, Fields: fields, Timeout: p.Timeout}
	if req.Scheme == "" {
		req.Scheme = "none"
	}
	if body == "" {
		req.Body = nil
	}
	for _, h := range p.Headers {
		name, err := x.expand("header name "+h.Name, h.Name)
		if err != nil {
			return fail(err)
		}
		val, err := x.expand("header "+h.Name, h.Value)
		if err != nil {
			return fail(err)
		}
		req.Header.Add(name, val)
	}
	if p.BodyFile != "" && p.Body == "" {
		path, err := x.expand("body_file", p.BodyFile)
		if err != nil {
			return fail(err)
		}
		d := p.Timeout
		if d <= 0 {
			d = authn.DefaultTimeout
		}
		rctx, cancel := context.WithTimeout(ctx, d)
		b, err := ReadBodyFile(rctx, path, MaxBodyFile)
		cancel()
		if err != nil {
			return Resolved{Profile: p}, err
		}
		req.Body = b
	}
	authn.ImplyContentType(req.Header, req.Body)
	if p.Follow {
		// only a profile that says so: otherwise the engine's own setting
		// (the command line's --follow) holds
		follow := true
		req.Follow = &follow
	}
	if t := p.TLS; t != (TLS{}) {
		o := &authn.TLSOptions{Insecure: t.Insecure}
		for _, f := range []struct {
			where string
			in    string
			out   *string
		}{{"tls.cert", t.Cert, &o.Cert}, {"tls.key", strings.TrimPrefix(t.Key, PrefixFile), &o.Key}, {"tls.cacert", t.CACert, &o.CACert}} {
			v, err := x.expand(f.where, f.in)
			if err != nil {
				return fail(err)
			}
			*f.out = v
		}
		if t.KeyPassword != "" {
			var pass string
			var err error
			if IsRef(t.KeyPassword) {
				pass, err = read(keyPassLabel, t.KeyPassword)
			} else {
				pass, err = x.expand("tls.key_password", t.KeyPassword)
			}
			if err != nil {
				return fail(err)
			}
			o.KeyPassword = pass
		}
		req.TLS = o
	}
	rs := Resolved{Profile: p, Request: req, Secrets: authn.SecretsOf(req, nil).With(x.secrets...)}
	if r.Env != nil {
		rs.Env = r.Env.Name
	}
	return rs, nil
}

// fieldOrder lists p's field names in the scheme's form order, unknown
// ones last by name.
func fieldOrder(p Profile) []string {
	info, _ := schemeInfo(p)
	form := info.FieldNames()
	names := make([]string, 0, len(p.Fields))
	for k := range p.Fields {
		names = append(names, k)
	}
	order := func(k string) int {
		if i := slices.Index(form, k); i >= 0 {
			return i
		}
		return len(form)
	}
	slices.SortFunc(names, func(a, b string) int {
		if d := order(a) - order(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return names
}
