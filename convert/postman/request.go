package postman

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/profiles"
)

// url reads a request's url: a string, or an object whose raw is the URL
// as typed (host, path and query rebuild it when raw is missing). Path
// variables (:id, with url.variable) become {{id}} with the value as the
// profile's default. A secret query value typed into the file becomes a
// variable read from the environment.
func (im *importer) url(p *profiles.Profile, where string, r json.RawMessage) string {
	var u pmURL
	raw := ""
	if t := bytes.TrimSpace(r); len(t) > 0 && t[0] == '{' {
		if json.Unmarshal(t, &u) != nil {
			im.unmapped(p.Name, where, "the url object does not read; set the URL by hand")
			return ""
		}
		raw = str(u.Raw)
		if raw == "" {
			raw = buildURL(&u)
		}
		for _, q := range u.Query {
			if isTrue(q.Disabled) {
				im.note("%s: disabled query parameter %s was left out", where, clip(str(q.Key)))
			}
		}
	} else {
		raw = str(r)
	}
	raw = strings.TrimSpace(raw)
	// Postman sends a URL without a scheme over http
	if raw != "" && !strings.Contains(raw, "://") && !strings.HasPrefix(raw, "{{") {
		raw = "http://" + raw
	}
	for _, v := range u.Variable {
		k := str(v.Key)
		if k == "" {
			continue
		}
		raw = replacePathVar(raw, k)
		p.Vars = append(p.Vars, profiles.Var{Name: k, Value: str(v.Value)})
	}
	raw = im.secretQuery(p, where, raw)
	im.useVars(p.Name, where, raw)
	return raw
}

// buildURL puts a url object without raw together.
func buildURL(u *pmURL) string {
	var b strings.Builder
	if proto := str(u.Protocol); proto != "" {
		b.WriteString(proto + "://")
	}
	b.WriteString(strings.Join(pathParts(u.Host), "."))
	if port := str(u.Port); port != "" {
		b.WriteString(":" + port)
	}
	if ps := pathParts(u.Path); len(ps) > 0 {
		b.WriteString("/" + strings.Join(ps, "/"))
	}
	var qs []string
	for _, q := range u.Query {
		if isTrue(q.Disabled) {
			continue
		}
		qs = append(qs, str(q.Key)+"="+str(q.Value))
	}
	if len(qs) > 0 {
		b.WriteString("?" + strings.Join(qs, "&"))
	}
	return b.String()
}

// replacePathVar turns the path segment :name into {{name}}.
func replacePathVar(raw, name string) string {
	path, rest := raw, ""
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		path, rest = raw[:i], raw[i:]
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s == ":"+name {
			segs[i] = "{{" + name + "}}"
		}
	}
	return strings.Join(segs, "/") + rest
}

// secretQuery replaces each secret query value typed into the URL
// (api_key=…, access_token=…: authn.SecretParam) by a variable.
func (im *importer) secretQuery(p *profiles.Profile, where, raw string) string {
	i := strings.IndexByte(raw, '?')
	if i < 0 {
		return raw
	}
	base, query, frag := raw[:i+1], raw[i+1:], ""
	if j := strings.IndexByte(query, '#'); j >= 0 {
		query, frag = query[:j], query[j:]
	}
	parts := strings.Split(query, "&")
	api := im.api(raw)
	for k, part := range parts {
		name, value, ok := strings.Cut(part, "=")
		if !ok || value == "" {
			continue
		}
		key, err := url.QueryUnescape(name)
		if err != nil || !authn.SecretParam(key) {
			continue
		}
		if v, ok := wholeVar(value); ok {
			im.markSecret(v, envname.For(api, "none", "query "+key))
			continue
		}
		env := envname.For(api, "none", "query "+key)
		parts[k] = name + "=" + im.makeVar(env)
		im.note("%s: the %s query value typed into the file is now {{%s}}, read from env:%s (its value was not imported)", where, key, env, env)
	}
	return base + strings.Join(parts, "&") + frag
}

// headers reads a request's header: a list of {key, value, disabled} or,
// in v2.0, one string of "Name: value" lines.
func (im *importer) headers(p *profiles.Profile, where string, r json.RawMessage) {
	var list []pmKV
	if t := bytes.TrimSpace(r); len(t) > 0 && t[0] == '"' {
		for _, l := range strings.Split(str(r), "\n") {
			k, v, ok := strings.Cut(l, ":")
			if k = strings.TrimSpace(k); !ok || k == "" || strings.HasPrefix(k, "//") {
				continue
			}
			p.Headers = append(p.Headers, profiles.Header{Name: k, Value: strings.TrimSpace(v)})
		}
	} else if !absent(r) && json.Unmarshal(r, &list) != nil {
		im.unmapped(p.Name, where, "the header list does not read; set the headers by hand")
	}
	for _, h := range list {
		k := strings.TrimSpace(str(h.Key))
		if k == "" {
			continue
		}
		if isTrue(h.Disabled) {
			im.note("%s: disabled header %s was left out", where, clip(k))
			continue
		}
		if !authn.IsToken(k) {
			im.unmapped(p.Name, where, "header name %q is not a valid HTTP field name (RFC 9110 §5.1)", clip(k))
			continue
		}
		p.Headers = append(p.Headers, profiles.Header{Name: k, Value: str(h.Value)})
	}
	for _, h := range p.Headers {
		im.useVars(p.Name, where, h.Value)
	}
}

// credentialHeaders, for a request without auth, turns a typed
// Authorization: Bearer/Basic header into the scheme, and any other
// credential header with a typed value into a variable.
func (im *importer) credentialHeaders(p *profiles.Profile, where string) {
	api := im.api(p.URL)
	kept := p.Headers[:0]
	for _, h := range p.Headers {
		if !authn.CredentialHeader(h.Name) {
			kept = append(kept, h)
			continue
		}
		if v, ok := wholeVar(h.Value); ok {
			im.markSecret(v, envname.For(api, "none", "header "+h.Name))
			kept = append(kept, h)
			continue
		}
		if strings.EqualFold(h.Name, "Authorization") && p.Scheme == "none" {
			word, cred, _ := strings.Cut(strings.TrimSpace(h.Value), " ")
			cred = strings.TrimSpace(cred)
			switch {
			case strings.EqualFold(word, "Bearer") && cred != "":
				p.Scheme, p.Fields = "bearer", map[string]string{"token": cred}
				continue
			case strings.EqualFold(word, "Basic") && cred != "":
				if b, err := base64.StdEncoding.DecodeString(cred); err == nil {
					if u, pw, ok := strings.Cut(string(b), ":"); ok && !strings.Contains(cred, "{{") {
						p.Scheme, p.Fields = "basic", map[string]string{"username": u, "password": pw}
						continue
					}
				}
			}
		}
		kept = append(kept, im.headerVar(p, where, h))
	}
	p.Headers = kept
	if len(kept) == 0 {
		p.Headers = nil
	}
}

// headerVar replaces a credential header's typed value by a variable.
func (im *importer) headerVar(p *profiles.Profile, where string, h profiles.Header) profiles.Header {
	env := envname.For(im.api(p.URL), "none", "header "+h.Name)
	h.Value = im.makeVar(env)
	im.note("%s: the %s header typed into the file is now {{%s}}, read from env:%s (its value was not imported)", where, h.Name, env, env)
	return h
}

// dropCredentialHeaders: with auth set, an Authorization header typed as
// well would be replaced by the scheme's; another credential header with
// a typed value becomes a variable.
func (im *importer) dropCredentialHeaders(p *profiles.Profile, where string) {
	kept := p.Headers[:0]
	for _, h := range p.Headers {
		if strings.EqualFold(h.Name, "Authorization") {
			im.note("%s: the Authorization header was left out: the request's %s auth sets it", where, p.Scheme)
			continue
		}
		if authn.CredentialHeader(h.Name) {
			if v, ok := wholeVar(h.Value); ok {
				im.markSecret(v, envname.For(im.api(p.URL), "none", "header "+h.Name))
			} else if h.Value != "" {
				h = im.headerVar(p, where, h)
			}
		}
		kept = append(kept, h)
	}
	p.Headers = kept
	if len(kept) == 0 {
		p.Headers = nil
	}
}

// rawTypes are the Content-Types of Postman's raw body languages.
func rawType(lang string) string {
	switch strings.ToLower(lang) {
	case "json":
		return "application/json"
	case "xml":
		return "application/xml"
	case "javascript":
		return "application/javascript"
	case "html":
		return "text/html"
	case "text":
		return "text/plain"
	}
	return ""
}

func (im *importer) setType(p *profiles.Profile, ct string) {
	if ct == "" {
		return
	}
	for _, h := range p.Headers {
		if strings.EqualFold(h.Name, "Content-Type") {
			return
		}
	}
	p.Headers = append(p.Headers, profiles.Header{Name: "Content-Type", Value: ct})
}

// formBoundary separates the parts of a multipart body; fixed, so that an
// import is the same every time.
const formBoundary = "authlab-postman-form-boundary"

// body reads a request's body by its mode.
func (im *importer) body(p *profiles.Profile, where string, b *pmBody) {
	if b == nil {
		return
	}
	mode := str(b.Mode)
	if isTrue(b.Disabled) {
		if mode != "" {
			im.note("%s: the disabled %s body was left out", where, mode)
		}
		return
	}
	switch mode {
	case "":
	case "raw":
		p.Body = str(b.Raw)
		if p.Body != "" && b.Options != nil && b.Options.Raw != nil {
			im.setType(p, rawType(str(b.Options.Raw.Language)))
		}
		im.secretJSON(p, where)
	case "urlencoded":
		var parts []string
		for _, kv := range b.URLEncoded {
			k, v := str(kv.Key), str(kv.Value)
			if isTrue(kv.Disabled) {
				im.note("%s: disabled form field %s was left out", where, clip(k))
				continue
			}
			v = im.secretForm(p, where, k, v)
			parts = append(parts, formEscape(k)+"="+formEscape(v))
		}
		if len(parts) > 0 {
			p.Body = strings.Join(parts, "&")
			im.setType(p, "application/x-www-form-urlencoded")
		}
	case "formdata":
		im.formData(p, where, b.FormData)
	case "graphql":
		if b.GraphQL == nil {
			return
		}
		q := map[string]any{"query": str(b.GraphQL.Query)}
		if vs := strings.TrimSpace(str(b.GraphQL.Variables)); vs != "" {
			var v any
			if json.Unmarshal([]byte(vs), &v) == nil {
				q["variables"] = v
			} else {
				im.unmapped(p.Name, where, "GraphQL variables that are not JSON; add them to the body by hand")
			}
		}
		out, _ := json.Marshal(q)
		p.Body = string(out)
		im.setType(p, "application/json")
	case "file":
		im.unmapped(p.Name, where, "a file body (%s): give it with -d @FILE", clip(fileSrc(b.File)))
	default:
		im.unmapped(p.Name, where, "body mode %q: authlab does not know it", clip(mode))
	}
	im.useVars(p.Name, where, p.Body)
}

func fileSrc(r json.RawMessage) string {
	var f struct {
		Src json.RawMessage `json:"src"`
	}
	if json.Unmarshal(r, &f) == nil && str(f.Src) != "" {
		return str(f.Src)
	}
	return "no file named"
}

// secretForm replaces a secret form value typed into the file
// (client_secret=…, password=…) by a variable.
func (im *importer) secretForm(p *profiles.Profile, where, key, value string) string {
	if value == "" || !authn.SecretParam(key) {
		return value
	}
	api := im.api(p.URL)
	if v, ok := wholeVar(value); ok {
		im.markSecret(v, envname.For(api, "none", "query "+key))
		return value
	}
	env := envname.For(api, "none", "query "+key)
	im.note("%s: the %s form value typed into the file is now {{%s}}, read from env:%s (its value was not imported)", where, key, env, env)
	return im.makeVar(env)
}

// formEscape percent-encodes a form name or value as
// application/x-www-form-urlencoded does, leaving {{variables}} whole.
func formEscape(s string) string {
	var b strings.Builder
	for s != "" {
		i := strings.Index(s, "{{")
		if i < 0 {
			b.WriteString(url.QueryEscape(s))
			break
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			b.WriteString(url.QueryEscape(s))
			break
		}
		b.WriteString(url.QueryEscape(s[:i]))
		b.WriteString(s[i : i+j+2])
		s = s[i+j+2:]
	}
	return b.String()
}

// formData builds a multipart/form-data body (RFC 7578) of the text parts;
// file parts do not map.
func (im *importer) formData(p *profiles.Profile, where string, parts []pmKV) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.SetBoundary(formBoundary)
	n := 0
	for _, kv := range parts {
		k := str(kv.Key)
		if isTrue(kv.Disabled) {
			im.note("%s: disabled form part %s was left out", where, clip(k))
			continue
		}
		if str(kv.Type) == "file" {
			im.unmapped(p.Name, where, "form part %s uploads a file (%s): authlab imports text parts only", clip(k), clip(str(kv.Src)))
			continue
		}
		fw, err := w.CreateFormField(k)
		if err != nil {
			continue
		}
		fmt.Fprint(fw, im.secretForm(p, where, k, str(kv.Value)))
		n++
	}
	if n == 0 {
		return
	}
	_ = w.Close()
	p.Body = buf.String()
	im.setType(p, w.FormDataContentType())
}
