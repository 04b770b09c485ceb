package profiles

import (
	"fmt"
	"maps"
	"strings"
)

// ExpandForExport returns p with its {{variables}} filled for a writer
// that cannot look them up when the request is sent (an export to curl,
// HTTPie, Python or Go), using r's lookup order (Resolve). Nothing is read
// and nothing runs:
//
//   - a scheme field or the key passphrase that is exactly one variable
//     whose value is a reference gets the reference itself ("{{token}}" →
//     "env:DEV_TOKEN"), which the export writes as an environment
//     variable, never as the secret;
//   - every other variable gets its literal value, expanded in turn;
//   - a reference anywhere else (in a URL, header or body, or inside other
//     text) is an error: an export cannot keep it a reference there;
//   - {{practice}} stays for the export's own practice URL.
//
// A reference from an untrusted folder's environment or profile is an
// *UntrustedError, as it would be at send time. The result carries no
// variables of its own (Vars is nil).
func ExpandForExport(p Profile, r Resolver) (Profile, error) {
	r.Commands = nil
	x := newExpander(p, r, func(label, v string) (string, error) {
		return "", &VarError{Name: strings.Trim(label, "{}"), Problem: fmt.Sprintf("its value is the reference %s, which an export cannot keep there", v),
			Fix: "use the variable as a whole scheme field (token = \"{{name}}\"), or --var NAME=VALUE"}
	})
	out := p
	out.Vars = nil
	var err error
	do := func(where string, s *string) {
		if err == nil {
			*s, err = x.expand(where, *s)
		}
	}
	whole := func(where string, s *string) {
		if err != nil {
			return
		}
		if name, ok := oneVar(*s); ok && !strings.HasPrefix(name, "$") {
			if hit, found := x.lookup(name); found && IsRef(hit.v.Value) {
				if err = x.checkTrust(hit); err == nil {
					*s = hit.v.Value
				}
				return
			}
		}
		do(where, s)
	}
	do("URL", &out.URL)
	do("body", &out.Body)
	do("body_file", &out.BodyFile)
	out.Headers = append([]Header(nil), p.Headers...)
	for i := range out.Headers {
		do("header name "+p.Headers[i].Name, &out.Headers[i].Name)
		do("header "+p.Headers[i].Name, &out.Headers[i].Value)
	}
	out.Fields = maps.Clone(p.Fields)
	for _, k := range fieldOrder(p) {
		v := out.Fields[k]
		if IsRef(v) {
			continue
		}
		whole("field "+k, &v)
		out.Fields[k] = v
	}
	do("tls.cert", &out.TLS.Cert)
	do("tls.key", &out.TLS.Key)
	do("tls.cacert", &out.TLS.CACert)
	if !IsRef(out.TLS.KeyPassword) {
		whole("tls.key_password", &out.TLS.KeyPassword)
	}
	if err != nil {
		if p.Name != "" {
			err = fmt.Errorf("profile %q: %w", p.Name, err)
		}
		return p, err
	}
	return out, nil
}

// oneVar returns the name when s is exactly one {{name}}.
func oneVar(s string) (string, bool) {
	refs := varRefs(s)
	if len(refs) == 1 && refs[0].start == 0 && refs[0].end == len(s) {
		return refs[0].name, true
	}
	return "", false
}
