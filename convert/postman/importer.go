package postman

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/profiles"
)

// importer holds one import's state.
type importer struct {
	res      collection.Result
	names    map[string]bool
	next     map[string]int // the last suffix unique gave a name
	requests int
	// secretVars are the variables used where a secret goes (a secret
	// field, a credential header, a secret query or form parameter):
	// their values in every environment become references.
	secretVars map[string]string // variable → the env var name to read it from
	// used are all variables the profiles use, in first-use order.
	used    []string
	usedSet map[string]bool
	// made are the variables the importer itself introduced for secrets
	// typed into places that hold no reference (headers, query, form).
	made     []profiles.Var
	envName  string
	collVars []pmVariable
	envFiles []envFile
	// plain are the variables with a non-secret value in the collection
	// or an environment file (the first one wins), to name APIs by.
	plain map[string]string
}

func newImporter() *importer {
	return &importer{names: map[string]bool{}, next: map[string]int{}, secretVars: map[string]string{}, usedSet: map[string]bool{}, plain: map[string]string{}}
}

func (im *importer) unmapped(profile, where, format string, args ...any) {
	im.res.Unmapped = append(im.res.Unmapped, collection.Unmapped{Profile: profile, Where: oneLine(where), What: oneLine(fmt.Sprintf(format, args...))})
}

func (im *importer) note(format string, args ...any) {
	im.res.Notes = append(im.res.Notes, oneLine(fmt.Sprintf(format, args...)))
}

// collection walks the collection's tree.
func (im *importer) collection(c *pmCollection) error {
	name := strings.TrimSpace(str(c.Info.Name))
	im.envName = slug(name, "default")
	auth, err := parseAuth(c.Auth, "collection")
	if err != nil {
		return err
	}
	im.events("", "collection", c.Event)
	if len(c.Variable) > MaxVariables {
		return fmt.Errorf("the collection has %d variables, more than the %d authlab reads", len(c.Variable), MaxVariables)
	}
	im.collVars = c.Variable
	im.plainVars(c.Variable)
	return im.items(c.Item, "", "", auth, 0)
}

// items walks one level: group is the profile-name prefix ("users/"),
// path the folder path as the file names it ("Users/Admin").
func (im *importer) items(items []pmItem, group, path string, inherited *pmAuth, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("folders are nested more than %d deep at %q: flatten them in Postman", MaxDepth, clip(path))
	}
	for i := range items {
		it := &items[i]
		name := strings.TrimSpace(str(it.Name))
		if name == "" {
			name = fmt.Sprintf("item %d", i+1)
		}
		where := strings.TrimPrefix(path+"/"+name, "/")
		if it.Item == nil && absent(it.Request) {
			im.unmapped("", "item "+where, "an item with neither a request nor items: nothing to import")
			continue
		}
		if it.Item != nil && !absent(it.Request) && len(*it.Item) > 0 {
			im.unmapped("", "item "+where, "an item with both a request and items: the request was imported, its %d items were not", len(*it.Item))
		}
		if it.Item != nil && absent(it.Request) {
			auth, err := parseAuth(it.Auth, "folder "+where)
			if err != nil {
				return err
			}
			if auth == nil {
				auth = inherited
			}
			im.events("", "folder "+where, append(it.Event, it.Events...))
			if len(it.Variable) > 0 {
				im.folderVars(where, it.Variable)
			}
			folder := group + slug(name, "folder")
			if err := im.items(*it.Item, folder+"/", where, auth, depth+1); err != nil {
				return err
			}
			continue
		}
		im.requests++
		if im.requests > MaxRequests {
			return fmt.Errorf("the collection has more than %d requests: split it in Postman", MaxRequests)
		}
		if err := im.request(it, im.unique(group+slug(name, "request")), where, inherited); err != nil {
			return err
		}
	}
	return nil
}

// folderVars: Postman v2.1 folders may carry variables; authlab's
// environments are per collection, so they join the collection's.
func (im *importer) folderVars(where string, vs []pmVariable) {
	im.collVars = append(im.collVars, vs...)
	im.note("variables of folder %s were added to the collection's environment %q", where, im.envName)
}

// unique returns name, or name-2, name-3… when the result has it already.
func (im *importer) unique(name string) string {
	n := name
	for im.names[n] {
		im.next[name]++
		n = fmt.Sprintf("%s-%d", name, im.next[name]+1)
	}
	im.names[n] = true
	return n
}

// events lists each non-empty script as one Unmapped entry.
func (im *importer) events(profile, where string, evs []pmEvent) {
	for _, e := range evs {
		if e.Script == nil || isTrue(e.Disabled) {
			continue
		}
		ls := lines(e.Script.Exec)
		n := 0
		for _, l := range ls {
			if strings.TrimSpace(l) != "" {
				n++
			}
		}
		src := str(e.Script.Src)
		if n == 0 && src == "" {
			continue
		}
		kind := str(e.Listen)
		switch kind {
		case "prerequest":
			kind = "pre-request script"
		case "test":
			kind = "test script"
		default:
			kind = fmt.Sprintf("%q script", kind)
		}
		count := fmt.Sprintf("%d lines", n)
		if n == 1 {
			count = "1 line"
		} else if n == 0 {
			count = "from " + clip(src)
		}
		im.unmapped(profile, where, "%s (%s): authlab runs no scripts; do by hand what it did (set a variable, check the response)", kind, count)
	}
}

var varRef = regexp.MustCompile(`\{\{([^{}]+)\}\}`)

// useVars records the variables s names; Postman's dynamic variables
// ({{$guid}}, {{$timestamp}}) are Unmapped for the profile.
func (im *importer) useVars(profile, where, s string) {
	for _, m := range varRef.FindAllStringSubmatch(s, -1) {
		v := strings.TrimSpace(m[1])
		if strings.HasPrefix(v, "$") {
			im.unmapped(profile, where, "{{%s}} is a Postman dynamic variable, which authlab does not have: replace it with a value", v)
			continue
		}
		if v == practiceVar {
			continue
		}
		if !im.usedSet[v] {
			im.usedSet[v] = true
			im.used = append(im.used, v)
		}
	}
}

// api names the API of a URL for env var names (envname.API), with the
// variables the file gives a plain value put in first: {{baseUrl}}/users
// with baseUrl = https://api.shop.example names SHOP.
func (im *importer) api(raw string) string {
	expanded := varRef.ReplaceAllStringFunc(raw, func(m string) string {
		if v, ok := im.plain[strings.TrimSpace(m[2:len(m)-2])]; ok && !strings.Contains(v, "{{") {
			return v
		}
		return m
	})
	return envname.API(expanded)
}

// wholeVar reports whether s is exactly one {{name}}.
func wholeVar(s string) (string, bool) {
	m := varRef.FindStringSubmatch(s)
	if m == nil || m[0] != s {
		return "", false
	}
	v := strings.TrimSpace(m[1])
	return v, !strings.HasPrefix(v, "$")
}

// request maps one request item.
func (im *importer) request(it *pmItem, name, where string, inherited *pmAuth) error {
	rw := "request " + where
	p := profiles.Profile{Name: name, Method: http.MethodGet, Description: description(it.Description)}
	var r pmRequest
	raw := it.Request
	if t := strings.TrimSpace(string(raw)); strings.HasPrefix(t, `"`) {
		r.URL = raw // a request may be just its URL
	} else if !absent(raw) {
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Errorf("%s: %s: fix the request in Postman and export again", rw, jsonProblem(err))
		}
	}
	if m := strings.ToUpper(strings.TrimSpace(str(r.Method))); m != "" {
		p.Method = m
	}
	if d := description(r.Description); d != "" {
		p.Description = d
	}
	p.URL = im.url(&p, rw, r.URL)
	if p.URL == "" {
		im.unmapped(name, rw, "the request has no URL: set one before sending")
	}
	im.headers(&p, rw, r.Header)
	im.body(&p, rw, r.Body)
	im.events(name, rw, append(it.Event, it.Events...))
	if !absent(r.Certificate) {
		im.unmapped(name, rw, "a client certificate setting: give the certificate with --cert and --key")
	}
	if !absent(r.Proxy) {
		im.unmapped(name, rw, "a proxy setting: use --proxy")
	}
	im.behavior(&p, rw, it.Behavior)
	if n := countResponses(it.Response); n > 0 {
		im.note("%s: %d saved example responses were not imported (they are examples, not requests)", rw, n)
	}

	auth, err := parseAuth(r.Auth, rw)
	if err != nil {
		return err
	}
	if auth == nil {
		auth = inherited
	}
	m := mapAuth(auth, p.Method)
	authWhere := rw
	if auth != nil && auth.where != rw {
		authWhere = rw + " (auth of " + auth.where + ")"
	}
	for _, u := range m.unmapped {
		im.unmapped(name, authWhere, "%s", u)
	}
	for _, n := range m.notes {
		im.note("%s: %s", authWhere, n)
	}
	p.Scheme = m.scheme
	if p.Scheme == "none" && len(m.fields) == 0 {
		im.credentialHeaders(&p, rw)
	} else {
		p.Fields = m.fields
		im.dropCredentialHeaders(&p, rw)
	}
	im.secretFields(&p, authWhere)
	for _, v := range p.Fields {
		im.useVars(name, authWhere, v)
	}
	if len(p.Fields) == 0 {
		p.Fields = nil
	}
	im.res.Profiles = append(im.res.Profiles, p)
	return nil
}

func countResponses(r json.RawMessage) int {
	var list []json.RawMessage
	if json.Unmarshal(r, &list) != nil {
		return 0
	}
	return len(list)
}

// behavior reads protocolProfileBehavior: followRedirects maps onto
// Follow; settings of Postman's own client do not map.
func (im *importer) behavior(p *profiles.Profile, where string, r json.RawMessage) {
	if absent(r) {
		return
	}
	var b map[string]json.RawMessage
	if json.Unmarshal(r, &b) != nil {
		return
	}
	keys := make([]string, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := str(b[k]); {
		case k == "followRedirects":
			p.Follow = v == "true"
		case k == "disableBodyPruning", k == "disableUrlEncoding" && v == "false":
			// a body on GET is sent as written anyway
		case v == "false" || v == "":
		default:
			im.unmapped(p.Name, where, "protocolProfileBehavior %s=%s: a setting of Postman's own client that authlab has no equal for", k, clip(v))
		}
	}
}

// secretFields makes every secret field of p's scheme a reference: a
// field that is one {{var}} keeps it (and the variable becomes secret),
// a literal becomes env:NAME. A non-secret field that looks like a
// reference is refused.
func (im *importer) secretFields(p *profiles.Profile, where string) {
	s, err := authn.Lookup(p.Scheme)
	if err != nil {
		return
	}
	info := s.Info()
	api := im.api(p.URL)
	keys := make([]string, 0, len(p.Fields))
	for k := range p.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := p.Fields[k]
		f, _ := info.Field(k)
		if !f.Secret {
			if looksLikeRef(v) {
				delete(p.Fields, k)
				im.unmapped(p.Name, where, "%s looks like an authlab reference (%s…); it was not imported so that a file from elsewhere cannot read this machine's secrets", k, refKind(v))
			}
			continue
		}
		if name, ok := wholeVar(v); ok {
			im.markSecret(name, envname.For(api, p.Scheme, k))
			continue
		}
		env := envname.For(api, p.Scheme, k)
		p.Fields[k] = profiles.PrefixEnv + env
		im.note("%s: the %s typed into the file is kept as env:%s; set %s before sending (its value was not imported)", where, k, env, env)
	}
}

// markSecret records that variable name holds a secret. Its environment
// value will be read from an env var named after the variable (or, for a
// name that makes no env var word, after the field).
func (im *importer) markSecret(name, fallback string) {
	if _, ok := im.secretVars[name]; ok {
		return
	}
	env := envWord(name)
	if env == "" {
		env = fallback
	}
	im.secretVars[name] = env
}

// made introduces a variable for a secret typed where no reference can
// go: the place gets {{name}}, the environment name = env:NAME.
func (im *importer) makeVar(name string) string {
	for _, v := range im.made {
		if v.Name == name {
			return "{{" + name + "}}"
		}
	}
	im.made = append(im.made, profiles.Var{Name: name, Value: profiles.PrefixEnv + name, Secret: true})
	im.secretVars[name] = name
	return "{{" + name + "}}"
}
