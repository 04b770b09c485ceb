package postman

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/collection"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/profiles"
)

// envFile is a Postman environment (or globals) file as read.
type envFile struct {
	name   string
	values []pmVariable
}

type pmEnvironment struct {
	Name   json.RawMessage `json:"name"`
	Values *[]pmVariable   `json:"values"`
	Info   json.RawMessage `json:"info"`
}

func decodeEnvironment(b []byte) (envFile, error) {
	if len(b) > MaxDocument {
		return envFile{}, fmt.Errorf("the environment is %d bytes, more than the %d MiB authlab reads", len(b), MaxDocument>>20)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var e pmEnvironment
	if err := json.Unmarshal(b, &e); err != nil {
		return envFile{}, fmt.Errorf("not a Postman environment: %s: export it from Postman (Environments → Export)", jsonProblem(err))
	}
	if e.Values == nil {
		if !absent(e.Info) {
			return envFile{}, errors.New("this is a Postman collection, not an environment: pass it first")
		}
		return envFile{}, errors.New("not a Postman environment: it has no \"values\" member: export it from Postman (Environments → Export)")
	}
	if len(*e.Values) > MaxVariables {
		return envFile{}, fmt.Errorf("the environment has %d variables, more than the %d authlab reads", len(*e.Values), MaxVariables)
	}
	return envFile{name: strings.TrimSpace(str(e.Name)), values: *e.Values}, nil
}

// ImportEnvironment reads a Postman environment file on its own. A value
// of type "secret", or whose name says it is one (authn.SecretName:
// token, password, client_secret, api_key…), becomes an env:NAME
// reference and is not kept; other values stay literal. Import reads the
// same files and also makes secret every variable the collection uses in
// a secret place.
func ImportEnvironment(b []byte) (profiles.Environment, []collection.Unmapped, error) {
	f, err := decodeEnvironment(b)
	if err != nil {
		return profiles.Environment{}, nil, err
	}
	im := newImporter()
	env := im.environment(slug(f.name, "default"), "environment "+f.name, f.values)
	return env, im.res.Unmapped, nil
}

// environment turns Postman variables into an authlab Environment.
func (im *importer) environment(name, where string, vs []pmVariable) profiles.Environment {
	env := profiles.Environment{Name: name}
	seen := map[string]bool{}
	for _, v := range vs {
		key := strings.TrimSpace(str(v.Key))
		if key == "" {
			key = strings.TrimSpace(str(v.ID))
		}
		if key == "" {
			continue
		}
		if isTrue(v.Disabled) || str(v.Enabled) == "false" {
			im.note("%s: disabled variable %s was left out", where, clip(key))
			continue
		}
		if key == practiceVar {
			if loopback(str(v.Value)) {
				im.note("%s: variable practice was left out: {{practice}} is authlab's built-in practice server", where)
			} else {
				im.unmapped("", where, "variable %s: {{practice}} is authlab's built-in practice-server URL; the file's value was not imported", key)
			}
			continue
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		val := str(v.Value)
		envVar, secret := im.secretVars[key]
		if !secret && (str(v.Type) == "secret" || authn.SecretName(key)) {
			secret, envVar = true, envWord(key)
		}
		if secret {
			if envVar == "" {
				envVar = "SECRET"
			}
			env.Vars = append(env.Vars, profiles.Var{Name: key, Value: profiles.PrefixEnv + envVar, Secret: true})
			if val != "" {
				im.note("%s: the value of secret variable %s was not imported; it is read from env:%s", where, key, envVar)
			}
			continue
		}
		if looksLikeRef(val) {
			im.unmapped("", where, "variable %s looks like an authlab reference (%s…); it was not imported so that a file from elsewhere cannot read this machine's secrets: set it by hand", key, refKind(val))
			val = profiles.Prompt
		}
		env.Vars = append(env.Vars, profiles.Var{Name: key, Value: val})
	}
	return env
}

// finish builds the environments once every request is read, so that
// each variable used in a secret place is a reference in all of them.
func (im *importer) finish() {
	coll := im.environment(im.envName, "collection variables", im.collVars)
	coll.Vars = append(coll.Vars, im.made...)
	var envs []profiles.Environment
	taken := map[string]bool{coll.Name: true}
	defined := map[string]bool{}
	for _, v := range coll.Vars {
		defined[v.Name] = true
	}
	for _, p := range im.res.Profiles {
		for _, v := range p.Vars {
			defined[v.Name] = true
		}
	}
	for _, f := range im.envFiles {
		name := slug(f.name, "environment")
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%s-%d", slug(f.name, "environment"), i)
		}
		taken[name] = true
		e := im.environment(name, "environment "+f.name, f.values)
		for _, v := range e.Vars {
			defined[v.Name] = true
		}
		envs = append(envs, e)
	}
	// variables used but defined nowhere: a secret one is read from the
	// environment, another asked for when sent
	var asked []string
	for _, v := range im.used {
		if defined[v] {
			continue
		}
		if env, ok := im.secretVars[v]; ok {
			coll.Vars = append(coll.Vars, profiles.Var{Name: v, Value: profiles.PrefixEnv + env, Secret: true})
			continue
		}
		coll.Vars = append(coll.Vars, profiles.Var{Name: v, Value: profiles.Prompt})
		asked = append(asked, v)
	}
	if len(asked) > 0 {
		im.note("variables used but defined nowhere in the file are asked for when sent (prompt) in environment %q: %s", coll.Name, strings.Join(asked, ", "))
	}
	if len(coll.Vars) > 0 {
		envs = append([]profiles.Environment{coll}, envs...)
	}
	var set []string
	seen := map[string]bool{}
	for _, e := range envs {
		for _, v := range e.Vars {
			if env, ok := strings.CutPrefix(v.Value, profiles.PrefixEnv); ok && v.Secret && !seen[env] {
				seen[env] = true
				set = append(set, env)
			}
		}
	}
	if len(set) > 0 {
		im.note("secrets are read from environment variables: set %s before sending (or edit the environment to use prompt or keyring:)", strings.Join(set, ", "))
	}
	im.res.Environments = envs
}

// refKind names the kind of a reference without its target.
func refKind(v string) string {
	if k, _, ok := strings.Cut(v, ":"); ok {
		return k + ":"
	}
	return v
}

// plainVars records the non-secret values of variables, to name APIs by.
func (im *importer) plainVars(vs []pmVariable) {
	for _, v := range vs {
		k := strings.TrimSpace(str(v.Key))
		if k == "" || str(v.Type) == "secret" || authn.SecretName(k) {
			continue
		}
		if _, ok := im.plain[k]; !ok {
			im.plain[k] = str(v.Value)
		}
	}
}

// envWord names the env var a variable's secret is read from: the
// variable's name as an env var word, camelCase split (clientSecret →
// CLIENT_SECRET), as envname.Word writes it.
func envWord(name string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range name {
		if r >= 'A' && r <= 'Z' && (prev >= 'a' && prev <= 'z' || prev >= '0' && prev <= '9') {
			b.WriteByte('_')
		}
		b.WriteRune(r)
		prev = r
	}
	return envname.Word(b.String())
}

// loopback reports whether raw is an http(s) URL of this machine.
func loopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
