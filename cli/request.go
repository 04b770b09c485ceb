package cli

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/profiles"
)

// buildRequest turns a profile (optional) and the flags into a request whose
// secret fields still hold their references (env:, file:, keyring:,
// prompt): what --save stores and what the TUI is prefilled with. Flags the
// user set override the profile (changed reports whether a flag was given).
// It returns the names of secret fields given as literals on the command
// line, which deserve a warning about shell history.
func buildRequest(env Env, f *sendFlags, changed func(string) bool, base *profiles.Profile, rawURL string) (authn.Request, []string, error) {
	req := authn.Request{Header: http.Header{}, Fields: map[string]string{}}
	if base != nil {
		req.Method, req.URL, req.Body, req.Scheme = base.Method, base.URL, []byte(base.Body), base.Scheme
		for _, h := range base.Headers {
			req.Header.Add(h.Name, h.Value)
		}
		for k, v := range base.Fields {
			req.Fields[k] = v
		}
	}
	if rawURL != "" {
		req.URL = rawURL
	}
	if changed("method") {
		req.Method = f.method
	}
	overridden := map[string]bool{}
	for _, h := range f.headers {
		name, value, ok := strings.Cut(h, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return req, nil, authn.Inputf("write it as -H 'Name: value'", "bad header %q", h)
		}
		if key := http.CanonicalHeaderKey(name); !overridden[key] {
			req.Header.Del(name) // a flag replaces the profile's header of that name
			overridden[key] = true
		}
		req.Header.Add(name, strings.TrimSpace(value))
	}
	if bodyFileFlag(f) != "" {
		req.Body = nil // a lone -d @FILE is the request's body file, read when sent (profileFrom)
	} else if len(f.data) > 0 {
		parts := make([]string, 0, len(f.data))
		for _, d := range f.data {
			b, err := readData(env, d)
			if err != nil {
				return req, nil, err
			}
			parts = append(parts, b)
		}
		req.Body = []byte(strings.Join(parts, "&"))
	}
	if len(req.Body) > 0 && req.Header.Get("Content-Type") == "" {
		// as curl -d does; it also puts form parameters into the OAuth 1.0a
		// base string (RFC 5849 §3.4.1.3.1)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}

	switch {
	case changed("auth"):
		if f.auth != req.Scheme {
			req.Fields = map[string]string{} // another scheme's fields do not apply
		}
		req.Scheme = f.auth
	case req.Scheme == "" && f.user != "":
		req.Scheme = "basic"
	case req.Scheme == "":
		req.Scheme = "none"
	}
	scheme, err := authn.Lookup(req.Scheme)
	if err != nil {
		return req, nil, err
	}
	info := scheme.Info()
	var literal []string
	for _, c := range f.creds {
		name, value, ok := strings.Cut(c, "=")
		if !ok || name == "" {
			return req, nil, authn.Inputf("write it as -c FIELD=VALUE", "bad credential %q", c)
		}
		field, known := info.Field(name)
		if !known {
			return req, nil, authn.Inputf(fmt.Sprintf("its fields are: %s (see `authlab schemes`)", strings.Join(info.FieldNames(), ", ")),
				"scheme %q has no field %q", info.Name, name)
		}
		if field.Secret && value != "" && !profiles.IsRef(value) {
			literal = append(literal, field.Name)
		}
		req.Fields[name] = value
	}
	if f.user != "" {
		if _, ok := info.Field("username"); !ok {
			return req, nil, authn.Inputf("use -c FIELD=VALUE (see `authlab schemes`)", "-u works with schemes that take a username and password, not %q", info.Name)
		}
		user, pass, err := splitUser(env.resolver(), f.user)
		if err != nil {
			return req, nil, err
		}
		if pass != "" && !profiles.IsRef(pass) && !strings.HasPrefix(f.user, profiles.PrefixEnv) && !strings.HasPrefix(f.user, profiles.PrefixFile) && !strings.HasPrefix(f.user, profiles.PrefixKeyring) {
			literal = append(literal, "password")
		}
		req.Fields["username"] = user
		req.Fields["password"] = pass
	}
	// A credential typed into a header or the URL's query is as much in
	// the shell history as -u user:pw (neither can hold a reference).
	for _, h := range f.headers {
		name, value, _ := strings.Cut(h, ":")
		if authn.CredentialHeader(name) && strings.TrimSpace(value) != "" {
			literal = append(literal, "header "+http.CanonicalHeaderKey(strings.TrimSpace(name)))
		}
	}
	for _, name := range authn.SecretQuery(rawURL) {
		literal = append(literal, "query parameter "+name)
	}
	sort.Strings(literal)
	literal = slices.Compact(literal)
	return req, literal, nil
}

// bodyFileFlag is the file of a lone -d @FILE (not @-): the request's body
// file, read when it is sent (profiles.Resolve, with ReadBodyFile's rules),
// and kept as a body_file by --save rather than inlined.
func bodyFileFlag(f *sendFlags) string {
	if len(f.data) == 1 && strings.HasPrefix(f.data[0], "@") && f.data[0] != "@-" {
		return f.data[0][1:]
	}
	return ""
}

// literalWarning is the one-line warning for secrets typed on the command
// line.
func literalWarning(fields []string) string {
	instead := "pass it as env:NAME, file:PATH or prompt instead"
	for _, f := range fields {
		if strings.HasPrefix(f, "header ") || strings.HasPrefix(f, "query ") {
			// -H and the URL cannot hold a reference; a scheme field can
			instead = "pass it as env:NAME, file:PATH or prompt instead (a token as -a bearer -c token=env:NAME, a key as -a apikey -c name=NAME -c in=header|query -c value=env:VAR)"
			break
		}
	}
	return fmt.Sprintf("warning: the %s on the command line stays in your shell history; %s", strings.Join(fields, " and "), instead)
}

// splitUser parses -u USER[:PASS]. The whole value may be an env:, file: or
// keyring: reference holding "user:pass" (read now, to split it); otherwise
// PASS may be a reference, kept as it is; no PASS means prompt, as curl does.
func splitUser(r profiles.Resolver, v string) (user, pass string, err error) {
	if strings.HasPrefix(v, profiles.PrefixEnv) || strings.HasPrefix(v, profiles.PrefixFile) || strings.HasPrefix(v, profiles.PrefixKeyring) {
		whole, _, err := r.Resolve("user", v)
		if err != nil {
			return "", "", err
		}
		user, pass, ok := strings.Cut(whole, ":")
		if !ok {
			return "", "", authn.Inputf("store it as user:password", "-u %s does not hold user:password", v)
		}
		return user, pass, nil
	}
	user, pass, ok := strings.Cut(v, ":")
	if !ok {
		pass = profiles.Prompt
	}
	return user, pass, nil
}

// orderedHeaders lists header, the request's merged headers, in the order
// and with the name spelling the user gave them: the base profile's headers
// first, as they were in its file (a -H that replaces one takes its place,
// spelled as typed), then new -H headers in flag order, then headers nothing
// named (the Content-Type -d implies), sorted. http.Header is a map keyed by
// canonical names, so without this a --save from a profile would sort its
// headers and rewrite x-api-key as X-Api-Key.
func orderedHeaders(header http.Header, base *profiles.Profile, flags []string) []profiles.Header {
	var order []string               // canonical names, by first appearance
	spelled := map[string][]string{} // canonical name → names as written
	fromFlag := map[string]bool{}
	for _, h := range flags {
		name, _, _ := strings.Cut(h, ":")
		fromFlag[http.CanonicalHeaderKey(strings.TrimSpace(name))] = true
	}
	see := func(name string, flag bool) {
		key := http.CanonicalHeaderKey(name)
		if _, ok := spelled[key]; !ok {
			order = append(order, key)
			spelled[key] = nil
		}
		if flag == fromFlag[key] {
			spelled[key] = append(spelled[key], name)
		}
	}
	if base != nil {
		for _, h := range base.Headers {
			see(h.Name, false)
		}
	}
	for _, h := range flags {
		name, _, _ := strings.Cut(h, ":")
		see(strings.TrimSpace(name), true)
	}
	var rest []string
	for k := range header {
		if _, ok := spelled[k]; !ok {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	var out []profiles.Header
	for _, k := range append(order, rest...) {
		for i, v := range header[k] {
			name := k
			if i < len(spelled[k]) {
				name = spelled[k][i]
			}
			out = append(out, profiles.Header{Name: name, Value: v})
		}
	}
	return out
}
