// Package openapi reads an OpenAPI 3.0, 3.1 or 3.2 document (JSON or YAML)
// into authlab profiles: one profile skeleton per operation, grouped by its
// first tag, with the authentication its security requirements name mapped
// onto authlab's schemes, and the document's servers as environments
// holding the base_url variable.
//
// Mapping, in short (README "Import › OpenAPI" has the table):
//   - apiKey in a header or the query → apikey; in a cookie → a Cookie
//     header from a {{variable}} (authlab's apikey sends no cookies);
//   - http basic, bearer, digest → basic, bearer, digest; other HTTP
//     schemes (negotiate, ntlm, hoba, mutual, …) are Unmapped;
//   - oauth2 flows clientCredentials, authorizationCode (with PKCE, as
//     authlab always runs it), password, deviceAuthorization → oauth2 with
//     their URLs and the operation's required scopes; implicit is Unmapped
//     (RFC 9700 §2.1.2: do not use);
//   - openIdConnect → oauth2 from the discovery document (OpenID Connect
//     Discovery 1.0 §3), fetched through Options.Discover when given;
//   - mutualTLS → a note: the profile's tls.cert and tls.key are for the
//     user to fill.
//
// A requirement naming several schemes at once maps when at most one of
// them is not an API key: the others ride as headers, query parameters or
// cookies from {{variables}}. Alternatives: the first that maps fully is
// the profile's, the others are named in its description.
//
// Credentials the document cannot know are references, never literals:
// secrets (passwords, tokens, API keys, client secrets) are env:NAME named
// after the API and the field (api.ably.io's basic password is
// env:ABLY_PASSWORD); the user's name and client id are {{variables}} whose
// environment value is prompt. Path parameters and required query, header
// and cookie parameters are {{variables}} too, with the document's example
// or default in the environments; a JSON example becomes the body.
//
// Document text holding {{ or }} is never put into a profile: a hostile
// document could otherwise make a request carry a variable of the user's
// environment to its own server.
//
// An import only parses: it writes no file and, without Options.Discover,
// opens no connection.
package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/profiles"
)

// Options configure an import.
type Options struct {
	// Discover fetches an openIdConnect scheme's discovery document
	// (openIdConnectUrl, OpenID Connect Discovery 1.0 §4) and returns its
	// body. nil: no network; the scheme is then a Note naming the URL and
	// its profiles are Unmapped until the token URL is filled in. The
	// caller owns the client, the timeout and the body cap; Import reads at
	// most MaxDiscovery bytes of what it returns.
	Discover func(ctx context.Context, url string) ([]byte, error)
}

// MaxDiscovery caps a discovery document.
const MaxDiscovery = 1 << 20

// baseVar is the variable that holds servers[0].url.
const baseVar = "base_url"

// methods are the HTTP methods of a Path Item Object (§4.8.9); query is
// OpenAPI 3.2's.
var methods = map[string]string{
	"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "options": "OPTIONS",
	"head": "HEAD", "patch": "PATCH", "trace": "TRACE", "query": "QUERY",
}

// Import reads an OpenAPI document. An error is one line naming the
// problem and the fix: not JSON or YAML, over a limit, Swagger 2.0, not
// OpenAPI at all.
func Import(doc []byte, o Options) (collection.Result, error) {
	root, err := parse(doc)
	if err != nil {
		return collection.Result{}, err
	}
	if root.kind != kMap {
		return collection.Result{}, errors.New("the document is not a JSON or YAML object: give an OpenAPI 3 document")
	}
	if v := root.text("swagger"); v != "" {
		return collection.Result{}, fmt.Errorf("this is a Swagger %s document, which authlab does not import: convert it to OpenAPI 3 (swagger2openapi, or the Swagger Editor's Convert to OpenAPI 3) and import that", clean(v, 20))
	}
	v := root.text("openapi")
	format := ""
	switch {
	case v == "":
		return collection.Result{}, errors.New("the document has no openapi field: it is not an OpenAPI 3 document (want openapi: 3.0.x or 3.1.x at the top)")
	case strings.HasPrefix(v, "3.0"), strings.HasPrefix(v, "3.1"), strings.HasPrefix(v, "3.2"):
		format = "OpenAPI " + v[:3]
	default:
		return collection.Result{}, fmt.Errorf("openapi %q is not a version authlab reads: give an OpenAPI 3.0, 3.1 or 3.2 document", clean(v, 20))
	}
	im := &importer{root: root, o: o, res: collection.Result{Format: format},
		taken: map[string]bool{}, envIndex: map[string]int{}, once: map[string]bool{},
		schemes: map[string]*part{}, discovered: map[string]*discovery{}, envNames: map[string]string{}}
	im.servers()
	im.paths()
	if wh := root.get("webhooks"); wh != nil && wh.kind == kMap && len(wh.keys) > 0 {
		im.note(fmt.Sprintf("webhooks: %d ignored: they are requests the API sends to you, not ones to send", len(wh.keys)))
	}
	im.finishEnvironments()
	return im.res, nil
}

// importer is the state of one Import.
type importer struct {
	root *node
	o    Options
	res  collection.Result

	taken      map[string]bool // profile names given
	base       string          // servers[0].url, variables substituted
	prefix     string          // env-var prefix: the API's name
	envs       []profiles.Environment
	shared     []profiles.Var // variables every environment gets
	envIndex   map[string]int // shared variable → index
	once       map[string]bool
	schemes    map[string]*part
	discovered map[string]*discovery
	envNames   map[string]string // env-var name → owner ("scheme field")
	ops        int
	missing    []string // variables with no example
}

// note adds a Note once.
func (im *importer) note(s string) {
	if !im.once["note "+s] {
		im.once["note "+s] = true
		im.res.Notes = append(im.res.Notes, s)
	}
}

// unmapped adds an Unmapped entry once.
func (im *importer) unmapped(profile, where, what string) {
	k := profile + "\x00" + where + "\x00" + what
	if !im.once[k] {
		im.once[k] = true
		im.res.Unmapped = append(im.res.Unmapped, collection.Unmapped{Profile: profile, Where: where, What: what})
	}
}

// setVar defines a variable shared by every environment; the first value
// given wins.
func (im *importer) setVar(v profiles.Var) {
	if _, ok := im.envIndex[v.Name]; ok {
		return
	}
	im.envIndex[v.Name] = len(im.shared)
	im.shared = append(im.shared, v)
}

var serverVar = regexp.MustCompile(`\{([^{}]+)\}`)

// servers makes one environment per server (§4.8.5), servers[0] first,
// each with base_url; a server variable takes its default (§4.8.6), and its
// other allowed values are noted.
func (im *importer) servers() {
	title := clean(im.root.get("info").text("title"), 80)
	envBase := slug(title)
	if envBase == "" {
		envBase = "openapi"
	}
	list := im.root.get("servers")
	var urls []string
	var descs []string
	if list != nil && list.kind == kSeq {
		for i, s := range list.items {
			if i >= 50 {
				im.note(fmt.Sprintf("servers: %d more servers not imported", len(list.items)-i))
				break
			}
			if s.text("url") == "" {
				continue
			}
			u := im.serverURL(fmt.Sprintf("servers[%d]", i), s)
			if hasVarSyntax(u) {
				im.note(fmt.Sprintf("servers[%d].url holds {{ or }}, which authlab would read as a variable: not imported", i))
				continue
			}
			urls = append(urls, strings.TrimRight(u, "/"))
			descs = append(descs, s.text("description"))
		}
	}
	taken := map[string]bool{}
	if len(urls) == 0 {
		im.note("the document names no server: set base_url in environment " + envBase + " to the API's base URL")
		urls, descs = []string{""}, []string{""}
	}
	im.base = urls[0]
	im.prefix = apiPrefix(urls[0], title)
	for i, u := range urls {
		name := envBase
		if i > 0 || len(urls) > 1 && descs[i] != "" {
			if d := slug(descs[i]); d != "" {
				name = envBase + "-" + d
			} else if i > 0 {
				name = fmt.Sprintf("%s-server-%d", envBase, i+1)
			}
		}
		name = uniqueName(taken, name)
		if pu, err := url.Parse(u); u != "" && (err != nil || !pu.IsAbs()) {
			im.note(fmt.Sprintf("servers[%d].url %s is relative to where the document is served: set base_url in environment %s to the full URL", i, clean(u, 200), name))
		}
		im.envs = append(im.envs, profiles.Environment{Name: name, Vars: []profiles.Var{{Name: baseVar, Value: u}}})
	}
	if len(im.envs) > 1 {
		im.note(fmt.Sprintf("%d servers: one environment each (%s first); choose one with --env", len(im.envs), im.envs[0].Name))
	}
}

// serverURL is a Server Object's url with each {variable} replaced by its
// default (§4.8.6); the variable's other allowed values are noted.
func (im *importer) serverURL(where string, s *node) string {
	raw := s.text("url")
	vars := s.get("variables")
	return serverVar.ReplaceAllStringFunc(raw, func(m string) string {
		name := m[1 : len(m)-1]
		vv := vars.get(name)
		def := vv.text("default")
		if en := vv.get("enum"); en != nil && en.kind == kSeq && len(en.items) > 1 {
			var alts []string
			for _, e := range en.items {
				if e.kind == kScalar && e.str != def {
					alts = append(alts, e.str)
				}
			}
			if len(alts) > 0 {
				im.note(fmt.Sprintf("%s variable %s: %q used; the document also allows %s (edit base_url)", where, clean(name, 40), def, clean(strings.Join(alts, ", "), 200)))
			}
		}
		if vv == nil {
			im.note(fmt.Sprintf("%s.url %s: variable %s has no default: edit base_url", where, clean(raw, 200), clean(name, 40)))
			return m
		}
		return def
	})
}

// ownServer is the first server an operation or its path item names
// (§4.8.9, §4.8.10: they replace the document's servers there), "" when
// none or when it is not an absolute URL.
func (im *importer) ownServer(where string, item, op *node) string {
	for _, n := range []*node{op, item} {
		list := n.get("servers")
		if list == nil || list.kind != kSeq || len(list.items) == 0 {
			continue
		}
		u := strings.TrimRight(im.serverURL(where+" servers[0]", list.items[0]), "/")
		if pu, err := url.Parse(u); err != nil || !pu.IsAbs() || strings.ContainsAny(u, "{}") {
			im.note(fmt.Sprintf("%s names its own server %s, which is not an absolute URL: its profile uses base_url", where, clean(u, 200)))
			return ""
		}
		return u
	}
	return ""
}

// apiPrefix names the API for env-var names: from the server's host
// (api.github.com → GITHUB), else the first distinctive word of the title
// ("Swagger Petstore - OpenAPI 3.0" → PETSTORE).
func apiPrefix(server, title string) string {
	if p := envname.API(server); p != "" {
		return p
	}
	skip := map[string]bool{"swagger": true, "openapi": true, "api": true, "apis": true, "rest": true, "the": true, "a": true, "an": true, "http": true, "service": true, "example": true}
	for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}) {
		if !skip[w] && !('0' <= w[0] && w[0] <= '9') && !(w[0] == 'v' && len(w) > 1 && '0' <= w[1] && w[1] <= '9') {
			return envname.Word(w)
		}
	}
	return ""
}

// finishEnvironments gives every environment the shared variables.
func (im *importer) finishEnvironments() {
	var missing []string
	for _, v := range uniq(im.missing) {
		if _, ok := im.envIndex[v]; !ok {
			missing = append(missing, v)
		}
	}
	if len(missing) > 0 {
		if len(missing) > 20 {
			missing = append(missing[:20], fmt.Sprintf("and %d more", len(missing)-20))
		}
		im.note(fmt.Sprintf("variables without an example in the document: %s: set them in the environment (or the profile) before sending", strings.Join(missing, ", ")))
	}
	for i := range im.envs {
		im.envs[i].Vars = append(im.envs[i].Vars, im.shared...)
	}
	im.res.Environments = im.envs
}

// paths makes the profiles, in the document's order of paths and methods.
func (im *importer) paths() {
	ps := im.root.get("paths")
	if ps == nil || ps.kind != kMap {
		if im.root.text("openapi") < "3.1" {
			im.note("the document has no paths: nothing to import")
		}
		return
	}
	for i, path := range ps.keys {
		where := "paths." + clean(path, 200)
		if !strings.HasPrefix(path, "/") {
			continue // an extension (x-…), not a path (§4.8.8)
		}
		if hasVarSyntax(path) {
			im.unmapped("", where, "the path holds {{ or }}, which authlab would read as a variable of the user's environment: not imported")
			continue
		}
		item, err := deref(im.root, ps.vals[i])
		if err != nil {
			im.unmapped("", where, err.Error())
			continue
		}
		if item == nil || item.kind != kMap {
			continue
		}
		for j, key := range item.keys {
			method, ok := methods[key]
			if !ok {
				if key == "additionalOperations" {
					im.unmapped("", where+".additionalOperations", "custom HTTP methods (OpenAPI 3.2) are not imported")
				}
				continue
			}
			if im.ops >= MaxOperations {
				im.note(fmt.Sprintf("only the first %d operations were imported", MaxOperations))
				return
			}
			op := item.vals[j]
			if op.kind != kMap {
				continue
			}
			im.ops++
			im.operation(path, method, item, op)
		}
	}
}

// operation makes one profile.
func (im *importer) operation(path, method string, item, op *node) {
	tag := ""
	if tags := op.get("tags"); tags != nil && tags.kind == kSeq && len(tags.items) > 0 {
		tag = tags.items[0].str
	}
	group, base := opName(tag, method, path, op.text("operationId"))
	name := base
	if group != "" {
		name = group + "/" + base
	}
	name = uniqueName(im.taken, name)
	if profiles.ValidateName(name) != nil { // cannot happen with slugs; be safe
		name = uniqueName(im.taken, "operation")
	}
	p := profiles.Profile{Name: name, Method: method}
	where := method + " " + clean(path, 200)

	var desc []string
	if s := clean(op.text("summary"), 200); s != "" {
		desc = append(desc, s)
	} else if s := clean(op.text("description"), 200); s != "" {
		desc = append(desc, s)
	}
	if op.truthy("deprecated") {
		desc = append(desc, "deprecated")
	}

	u := im.urlFor(path)
	if own := im.ownServer(where, item, op); own != "" {
		// the operation's own server, which no environment holds
		u = own + strings.TrimPrefix(u, "{{"+baseVar+"}}")
		desc = append(desc, "its own server "+clean(own, 200))
	}
	query, headers, cookies := im.parameters(name, where, item, op)
	if len(query) > 0 {
		u += "?" + strings.Join(query, "&")
	}
	p.URL = u
	p.Headers = headers
	if body, h := im.body(op); body != "" {
		p.Body = body
		p.Headers = append(p.Headers, h...)
	}

	a := im.security(name, where, op)
	p.Scheme = a.scheme
	if p.Scheme == "" {
		p.Scheme = "none"
	}
	p.Fields = a.fields
	p.Headers = append(p.Headers, a.headers...)
	cookies = append(cookies, a.cookies...)
	if len(a.query) > 0 {
		sep := "?"
		if strings.Contains(p.URL, "?") {
			sep = "&"
		}
		p.URL += sep + strings.Join(a.query, "&")
	}
	if len(cookies) > 0 {
		p.Headers = append(p.Headers, profiles.Header{Name: "Cookie", Value: strings.Join(cookies, "; ")})
	}
	desc = append(desc, a.desc...)
	p.Description = strings.Join(desc, " · ")
	im.res.Profiles = append(im.res.Profiles, p)
}

// urlFor is {{base_url}} and path, its {param} templates (§4.8.8.1)
// turned into {{param}} variables.
func (im *importer) urlFor(path string) string {
	return "{{" + baseVar + "}}" + serverVar.ReplaceAllStringFunc(path, func(m string) string {
		v := varName(m[1 : len(m)-1])
		im.missing = append(im.missing, v) // unless a parameter gives an example
		return "{{" + v + "}}"
	})
}

// hasVarSyntax reports whether document text holds {{ or }}: put into a
// profile it would be read as a {{variable}}, and a hostile document could
// make a request carry a variable of the user's environment (a token) to
// its own server.
func hasVarSyntax(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "}}")
}
