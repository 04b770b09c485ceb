package profiles

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/authlab/authlab/authn"
)

// schemeInfo returns the description of p's scheme, or false when the scheme
// is not registered (or p has none).
func schemeInfo(p Profile) (authn.Info, bool) {
	if p.Scheme == "" {
		return authn.Info{}, false
	}
	s, err := authn.Lookup(p.Scheme)
	if err != nil {
		return authn.Info{}, false
	}
	return s.Info(), true
}

// literalSecrets lists, sorted, the fields of p that hold a secret as a
// literal rather than a reference. A field the scheme marks Secret is one; so
// is, to be safe, any field of an unknown scheme or not known to the scheme
// (a typo such as "passwrd" must not make a password look harmless).
func literalSecrets(p Profile) []string {
	info, known := schemeInfo(p)
	var out []string
	for k, v := range p.Fields {
		if v == "" || IsRef(v) {
			continue
		}
		if f, ok := info.Field(k); !known || !ok || f.Secret {
			out = append(out, k)
		}
	}
	if v := p.TLS.KeyPassword; v != "" && !IsRef(v) {
		out = append(out, "tls.key_password")
	}
	// A credential header typed by hand cannot be a reference: it is a
	// literal secret (the secrets audit, TestAuditSecrets/run/raw-credentials).
	for _, h := range p.Headers {
		if CredentialHeader(h.Name) && h.Value != "" {
			out = append(out, "header "+http.CanonicalHeaderKey(h.Name))
		}
	}
	sort.Strings(out)
	return out
}

// CredentialHeader reports whether a header always carries a credential
// (Authorization, Proxy-Authorization, Cookie): typed by hand, its value is
// a literal secret, masked when shown and kept out of files unless the
// user allows plaintext. The importer and the exporters use the same rule.
func CredentialHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization", "Cookie":
		return true
	}
	return false
}

// LiteralSecrets lists the fields of p that Save would refuse to store
// without SaveOptions.AllowPlaintext, so a front end can ask first.
func (p Profile) LiteralSecrets() []string { return literalSecrets(p) }

// checkFields is Save's validation of the scheme and field names: a profile
// on disk must name a scheme this authlab knows and only its fields, so that
// the file means what it says. Required fields may still be empty (a draft).
func checkFields(p Profile) error {
	// authlab refuses to send such a URL; a profile must not keep the
	// password either (the secrets audit).
	if u, err := url.Parse(p.URL); err == nil && u.User != nil {
		return fmt.Errorf("profile %q: the URL carries credentials (user:pass@host): pass them with -u or -c so they can be masked and kept out of files", p.Name)
	}
	nonEmpty := make([]string, 0, len(p.Fields))
	for k, v := range p.Fields {
		if v != "" {
			nonEmpty = append(nonEmpty, k)
		}
	}
	sort.Strings(nonEmpty)
	for _, k := range nonEmpty {
		if err := CheckRef(p.Fields[k]); err != nil {
			return fmt.Errorf("profile %q, field %q: %w", p.Name, k, err)
		}
	}
	if err := CheckRef(p.TLS.KeyPassword); err != nil {
		return fmt.Errorf("profile %q, tls.key_password: %w", p.Name, err)
	}
	if p.Scheme == "" {
		if len(nonEmpty) > 0 {
			return fmt.Errorf("profile %q has fields (%s) but no scheme: set scheme (see `authlab schemes`)", p.Name, strings.Join(nonEmpty, ", "))
		}
		return nil
	}
	s, err := authn.Lookup(p.Scheme)
	if err != nil {
		return fmt.Errorf("profile %q: %w", p.Name, err)
	}
	info := s.Info()
	for _, k := range nonEmpty {
		f, ok := info.Field(k)
		if !ok {
			return fmt.Errorf("profile %q: scheme %q has no field %q: its fields are %s", p.Name, p.Scheme, k, strings.Join(info.FieldNames(), ", "))
		}
		if v := p.Fields[k]; len(f.Allowed) > 0 && !IsRef(v) && !slices.Contains(f.Allowed, v) {
			return fmt.Errorf("profile %q: field %q cannot be %q: use one of %s", p.Name, k, v, strings.Join(f.Allowed, ", "))
		}
	}
	return nil
}

// Resolve returns p's fields with every reference replaced by the secret it
// names, asking in the scheme's form order (so prompts come in a sensible
// order). An error names the profile and the field:
//
//	profile "github/user", field "password": Password (env:GH_PASS): environment variable GH_PASS is not set: …
//
// and wraps the *RefError. A profile from an untrusted folder whose
// references would read this machine is refused with an *UntrustedError
// before anything is read (CheckTrust).
func (p Profile) Resolve(r Resolver) (map[string]string, error) {
	if err := p.CheckTrust(); err != nil {
		return nil, err
	}
	info, _ := schemeInfo(p)
	names := make([]string, 0, len(p.Fields))
	for k := range p.Fields {
		names = append(names, k)
	}
	order := func(k string) int {
		if i := slices.Index(info.FieldNames(), k); i >= 0 {
			return i
		}
		return len(info.Fields)
	}
	slices.SortFunc(names, func(a, b string) int {
		if d := order(a) - order(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	out := make(map[string]string, len(p.Fields))
	for _, k := range names {
		label := k
		if f, ok := info.Field(k); ok && f.Label != "" {
			label = f.Label
		}
		v, _, err := r.Resolve(label, p.Fields[k])
		if err != nil {
			return nil, fmt.Errorf("profile %q, field %q: %w", p.Name, k, err)
		}
		out[k] = v
	}
	return out, nil
}
