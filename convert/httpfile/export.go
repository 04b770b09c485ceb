package httpfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/profiles"
)

// Export writes profiles as one .http file that the JetBrains HTTP Client
// and the VS Code REST Client both read: "### name" before each request,
// "@name = value" lines for the profiles' non-secret variable defaults,
// the scheme as the Authorization shorthand both clients know (Basic USER
// PASSWORD, Digest USER PASSWORD, Bearer TOKEN) or as the API-key header.
// No secret is written: a secret field becomes {{VAR}} and a comment at
// the top says where to set VAR. envs are used for that list only; write
// them with ExportEnv.
func Export(ps []profiles.Profile, envs []profiles.Environment) ([]byte, error) {
	return ExportFor(ps, envs, "http://127.0.0.1:8089")
}

// ExportFor is Export with {{practice}} standing for practice (the
// server the user chose with --practice) instead of `authlab serve`'s
// default address.
func ExportFor(ps []profiles.Profile, envs []profiles.Environment, practice string) ([]byte, error) {
	var head, out bytes.Buffer
	head.WriteString("# Exported by authlab: the JetBrains HTTP Client and the VS Code REST Client both read this file.\n")
	set := map[string]string{} // variable → where to set it
	var setOrder []string
	need := func(name, why string) string {
		if _, ok := set[name]; !ok {
			set[name] = why
			setOrder = append(setOrder, name)
		}
		return "{{" + name + "}}"
	}
	fileVars := map[string]string{}
	var fileVarOrder []string
	for _, p := range ps {
		for _, v := range p.Vars {
			if v.Secret || profiles.IsRef(v.Value) {
				need(v.Name, refWhere(v.Value))
				continue
			}
			if old, ok := fileVars[v.Name]; ok && old != v.Value {
				return nil, fmt.Errorf("profiles disagree on the default of {{%s}} (%q, %q): a .http file has one value per variable; export them into separate files", v.Name, old, v.Value)
			}
			if _, ok := fileVars[v.Name]; !ok {
				fileVars[v.Name] = v.Value
				fileVarOrder = append(fileVarOrder, v.Name)
			}
		}
	}
	for _, e := range envs {
		for _, v := range e.Vars {
			if v.Secret || profiles.IsRef(v.Value) {
				need(v.Name, refWhere(v.Value)+" (environment "+e.Name+")")
			}
		}
	}
	defined := map[string]bool{}
	for _, e := range envs {
		for _, v := range e.Vars {
			defined[v.Name] = true
		}
	}
	for _, p := range ps {
		if err := exportOne(&out, p, need); err != nil {
			return nil, err
		}
		texts := []string{p.URL, p.Body}
		for _, h := range p.Headers {
			texts = append(texts, h.Value)
		}
		for _, v := range p.Fields {
			texts = append(texts, v)
		}
		for _, t := range texts {
			for _, n := range varNames(t) {
				switch _, isFile := fileVars[n]; {
				case isBuiltin(n) && !isFile:
					// {{practice}}: the practice server's address.
					fileVars[n] = practice
					fileVarOrder = append([]string{n}, fileVarOrder...)
				case !isFile && !defined[n]:
					need(n, "a variable of "+p.Name+" that no environment given to the export sets")
				}
			}
		}
	}
	if len(setOrder) > 0 {
		head.WriteString("# Secrets are not in this file. Set these variables in http-client.private.env.json\n")
		head.WriteString("# (JetBrains) or in rest-client.environmentVariables (VS Code):\n")
		for _, n := range setOrder {
			fmt.Fprintf(&head, "#   %s: %s\n", n, set[n])
		}
	}
	if len(fileVarOrder) > 0 {
		if _, ok := fileVars["practice"]; ok {
			head.WriteString("# practice is authlab's practice server (authlab serve; change the address if you chose another)\n")
		}
		head.WriteString("\n")
		for _, n := range fileVarOrder {
			fmt.Fprintf(&head, "@%s = %s\n", n, fileVars[n])
		}
	}
	head.WriteString("\n")
	head.Write(out.Bytes())
	return head.Bytes(), nil
}

// refWhere says where authlab read a secret from.
func refWhere(v string) string {
	switch {
	case strings.HasPrefix(v, "env:"):
		return "authlab read it from the environment variable " + strings.TrimPrefix(v, "env:")
	case v == profiles.Prompt:
		return "authlab asked for it"
	case profiles.IsRef(v):
		return "authlab read it from " + v
	}
	return "a secret (its value is not exported)"
}

// exportOne writes one request.
func exportOne(out *bytes.Buffer, p profiles.Profile, need func(name, why string) string) error {
	for _, s := range []string{p.Name, p.Description, p.Method, p.URL} {
		if strings.ContainsAny(s, "\r\n") {
			return fmt.Errorf("profile %q: its name, method or URL holds a line break, which a .http file cannot hold", p.Name)
		}
	}
	fmt.Fprintf(out, "### %s\n", p.Name)
	if p.Description != "" {
		fmt.Fprintf(out, "# %s\n", p.Description)
	}
	if !p.Follow {
		out.WriteString("# @no-redirect\n")
	}
	api := envname.API(p.URL)
	// field returns the text for a scheme field: a {{variable}} or a
	// non-secret literal as it is, a secret or a reference as {{VAR}}.
	field := func(name string) string {
		v := p.Fields[name]
		if _, ok := onlyVar(v); ok {
			return v
		}
		secret := false
		if s, err := authn.Lookup(p.Scheme); err == nil {
			for _, f := range s.Info().Fields {
				if f.Name == name {
					secret = f.Secret
				}
			}
		}
		if !secret && !profiles.IsRef(v) {
			return v
		}
		n := strings.TrimPrefix(v, "env:")
		if !strings.HasPrefix(v, "env:") || !isVarName(n) {
			n = envname.For(api, p.Scheme, name)
		}
		return need(n, refWhere(v)+" ("+p.Name+" "+name+")")
	}
	url := p.URL
	var auth []string
	switch p.Scheme {
	case "", "none":
	case "basic", "digest":
		user := p.Fields["username"]
		if strings.ContainsAny(user, " \t:") && !strings.HasPrefix(user, "{{") {
			return fmt.Errorf("profile %q: the user name %q holds a space or colon, which the Authorization shorthand cannot carry", p.Name, user)
		}
		auth = append(auth, "Authorization: "+strings.ToUpper(p.Scheme[:1])+p.Scheme[1:]+" "+field("username")+" "+field("password"))
	case "bearer":
		auth = append(auth, "Authorization: Bearer "+field("token"))
	case "apikey":
		if p.Fields["in"] == "query" {
			sep := "?"
			if strings.Contains(url, "?") {
				sep = "&"
			}
			url += sep + p.Fields["name"] + "=" + field("value")
		} else {
			auth = append(auth, p.Fields["name"]+": "+field("value"))
		}
	case "sigv4":
		h := "Authorization: AWS " + field("access_key") + " " + field("secret_key")
		if p.Fields["session_token"] != "" {
			h += " token:" + field("session_token")
		}
		for _, k := range []string{"region", "service"} {
			if p.Fields[k] != "" {
				h += " " + k + ":" + field(k)
			}
		}
		out.WriteString("# AWS Signature Version 4 as the VS Code REST Client writes it; the JetBrains HTTP Client does not read it\n")
		auth = append(auth, h)
	case "oauth2":
		fmt.Fprintf(out, "# authlab sent this with OAuth 2.0 (%s grant, token URL %s): get a token and set it below\n", p.Fields["grant"], p.Fields["token_url"])
		auth = append(auth, "Authorization: Bearer "+need(envname.For(api, "bearer", "token"), "an OAuth 2.0 access token ("+p.Name+")"))
	default:
		fmt.Fprintf(out, "# authlab signed this with the %s scheme, which neither client can express: it is sent without credentials here\n", p.Scheme)
	}
	fmt.Fprintf(out, "%s %s\n", p.Method, url)
	for _, h := range p.Headers {
		if strings.ContainsAny(h.Name+h.Value, "\r\n") {
			return fmt.Errorf("profile %q: the %s header holds a line break, which a .http file cannot hold", p.Name, h.Name)
		}
		v := h.Value
		if authn.CredentialHeader(h.Name) && !strings.Contains(v, "{{") && v != "" {
			v = need(envname.For(api, "none", "header "+h.Name), "the "+h.Name+" header of "+p.Name+" (its value is not exported)")
		}
		fmt.Fprintf(out, "%s: %s\n", h.Name, v)
	}
	for _, a := range auth {
		out.WriteString(a + "\n")
	}
	switch {
	case p.BodyFile != "":
		fmt.Fprintf(out, "\n< %s\n", p.BodyFile)
	case p.Body != "":
		for i, l := range splitLines(p.Body) {
			if isSeparator(l) || isComment(l) || isHandler(l) || strings.HasPrefix(strings.TrimSpace(l), "<") {
				return fmt.Errorf("profile %q: body line %d starts with %q, which both clients read as a separator, comment, script or file: send the body from a file (body_file)", p.Name, i+1, clip(strings.TrimSpace(l)))
			}
			if i > 0 && startsRequest(l) && blank(splitLines(p.Body)[i-1]) {
				return fmt.Errorf("profile %q: body line %d reads as a request line: send the body from a file (body_file)", p.Name, i+1)
			}
		}
		out.WriteString("\n" + strings.TrimSpace(p.Body) + "\n")
	}
	out.WriteString("\n")
	return nil
}

// Lost lists what of p a .http file cannot carry, for the command to
// report: a scheme neither client computes (Export writes the request
// without credentials and says so in a comment), an OAuth 2.0 grant (the
// file takes a token instead), a timeout, TLS options.
func Lost(p profiles.Profile) []string {
	var lost []string
	switch p.Scheme {
	case "", "none", "basic", "digest", "bearer", "apikey":
	case "sigv4":
		lost = append(lost, "AWS SigV4 (only the VS Code REST Client reads the shorthand written)")
	case "oauth2":
		lost = append(lost, "the OAuth 2.0 "+p.Fields["grant"]+" grant (the file sends a token set by hand)")
	default:
		lost = append(lost, "the "+p.Scheme+" scheme (neither client can compute it: written without credentials)")
	}
	if p.Timeout > 0 {
		lost = append(lost, "timeout "+p.Timeout.String())
	}
	if p.TLS != (profiles.TLS{}) {
		lost = append(lost, "TLS options")
	}
	return lost
}

func isVarName(s string) bool { return s != "" && nameRe.MatchString(s) }

// ExportEnv writes environments as an http-client.env.json (JetBrains
// HTTP Client; the object under rest-client.environmentVariables has the
// same shape for VS Code): one object per environment. Secret variables
// and references are left out (Export lists them to be set in the private
// file); so is {{practice}}, which only authlab knows.
func ExportEnv(envs []profiles.Environment) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{")
	for i, e := range envs {
		if slices.ContainsFunc(envs[:i], func(o profiles.Environment) bool { return o.Name == e.Name }) {
			return nil, fmt.Errorf("two environments are named %q: rename one", e.Name)
		}
		if i > 0 {
			b.WriteString(",")
		}
		name, _ := json.Marshal(e.Name)
		fmt.Fprintf(&b, "\n  %s: {", name)
		n := 0
		for _, v := range e.Vars {
			if v.Secret || profiles.IsRef(v.Value) || isBuiltin(v.Name) {
				continue
			}
			k, _ := json.Marshal(v.Name)
			val, _ := json.Marshal(v.Value)
			if n > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "\n    %s: %s", k, val)
			n++
		}
		if n > 0 {
			b.WriteString("\n  ")
		}
		b.WriteString("}")
	}
	if len(envs) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}
