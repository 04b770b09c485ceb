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
		if v == "" || IsRef(v) || onlyVarRefs(v) {
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
		if authn.CredentialHeader(h.Name) && h.Value != "" && !HasVars(h.Value) {
			out = append(out, "header "+http.CanonicalHeaderKey(h.Name))
		}
	}
	// So is a secret in the URL's query (?api_key=, ?access_token=): a URL
	// cannot hold a reference (the apikey scheme, in=query, can).
	for _, name := range authn.SecretQuery(p.URL) {
		if queryFromVars(p.URL, name) {
			continue // ?api_key={{key}}: the secret is the variable's
		}
		out = append(out, "query "+name)
	}
	out = append(out, literalVars(p.Vars)...)
	sort.Strings(out)
	return out
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
	if err := checkVars(fmt.Sprintf("profile %q", p.Name), p.Vars); err != nil {
		return err
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
		if v := p.Fields[k]; len(f.Allowed) > 0 && !IsRef(v) && !HasVars(v) && !slices.Contains(f.Allowed, v) {
			return fmt.Errorf("profile %q: field %q cannot be %q: use one of %s", p.Name, k, v, strings.Join(f.Allowed, ", "))
		}
	}
	return nil
}

// queryFromVars reports whether every value of the query parameter name in
// rawURL is made of {{variable}} references only.
func queryFromVars(rawURL, name string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	vals := u.Query()[name]
	for _, v := range vals {
		if !onlyVarRefs(v) {
			return false
		}
	}
	return len(vals) > 0
}
