package httpfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// jval is a JSON value with its object keys in file order: an
// environment's variables keep the order they were written in.
type jval struct {
	kind byte // 's' string (numbers and booleans as their text), 'o' object, 'a' array, 'n' null
	str  string
	obj  []jkv
	arr  []jval
}

type jkv struct {
	key string
	val jval
}

func (v jval) get(key string) (jval, bool) {
	for _, kv := range v.obj {
		if kv.key == key {
			return kv.val, true
		}
	}
	return jval{}, false
}

// parseJSON reads one JSON document, keeping key order, refusing more
// than maxDepth levels of nesting and anything after the value.
func parseJSON(b []byte) (jval, error) {
	d := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	d.UseNumber()
	v, err := readJSON(d, 0)
	if err != nil {
		return jval{}, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return jval{}, errors.New("text after the JSON object")
	}
	return v, nil
}

func readJSON(d *json.Decoder, depth int) (jval, error) {
	if depth > maxDepth {
		return jval{}, fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	t, err := d.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return jval{}, errors.New("unexpected end of the JSON text")
		}
		return jval{}, err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := jval{kind: 'o'}
			for d.More() {
				k, err := d.Token()
				if err != nil {
					return jval{}, err
				}
				key, _ := k.(string)
				val, err := readJSON(d, depth+1)
				if err != nil {
					return jval{}, err
				}
				if len(v.obj) >= MaxVars {
					return jval{}, fmt.Errorf("more than %d keys in one object", MaxVars)
				}
				v.obj = append(v.obj, jkv{key, val})
			}
			_, err := d.Token()
			return v, err
		case '[':
			v := jval{kind: 'a'}
			for d.More() {
				val, err := readJSON(d, depth+1)
				if err != nil {
					return jval{}, err
				}
				if len(v.arr) >= MaxVars {
					return jval{}, fmt.Errorf("more than %d items in one array", MaxVars)
				}
				v.arr = append(v.arr, val)
			}
			_, err := d.Token()
			return v, err
		}
		return jval{}, fmt.Errorf("unexpected %v", t)
	case string:
		return jval{kind: 's', str: t}, nil
	case json.Number:
		return jval{kind: 's', str: t.String()}, nil
	case bool:
		return jval{kind: 's', str: strconv.FormatBool(t)}, nil
	case nil:
		return jval{kind: 'n'}, nil
	}
	return jval{}, fmt.Errorf("unexpected %v", t)
}

// envVar is one variable of an http-client.env.json environment.
type envVar struct {
	name, value string
	private     bool // from http-client.private.env.json
}

// envFile is what the two environment files held, merged: for each
// environment its variables (the $shared ones first, overridden by the
// environment's own; the private file's override the public file's) and
// its Security.Auth configurations.
type envFile struct {
	names    []string // in file order, public file first
	vars     map[string][]envVar
	auth     map[string]map[string]jval // env → auth id → config, merged
	authIDs  map[string][]string        // env → auth ids in order
	unmapped []entry
}

// entry is an Unmapped entry without a profile.
type entry struct{ where, what string }

// readEnvs reads and merges the public and private environment files
// (JetBrains HTTP Client: http-client.env.json and
// http-client.private.env.json; "$shared" as VS Code REST Client's
// rest-client.environmentVariables has it).
func readEnvs(e Envs) (*envFile, error) {
	ef := &envFile{vars: map[string][]envVar{}, auth: map[string]map[string]jval{}, authIDs: map[string][]string{}}
	byFile := map[bool][]envVar{}
	for _, f := range []struct {
		b       []byte
		name    string
		private bool
	}{{e.Public, "http-client.env.json", false}, {e.Private, "http-client.private.env.json", true}} {
		if f.b == nil {
			continue
		}
		if len(f.b) > MaxFile {
			return nil, fmt.Errorf("%s is larger than %d MiB: pass the environment file itself, not an archive", f.name, MaxFile>>20)
		}
		root, err := parseJSON(f.b)
		if err != nil {
			return nil, fmt.Errorf("%s is not valid JSON (%v): fix it, or import without it", f.name, err)
		}
		if vs, ok := root.get("rest-client.environmentVariables"); ok && root.kind == 'o' {
			root = vs // a VS Code settings.json: REST Client's environments
		}
		if root.kind != 'o' {
			return nil, fmt.Errorf("%s is not a JSON object of environments ({\"dev\": {...}}): fix it, or import without it", f.name)
		}
		for _, env := range root.obj {
			if env.key == "$schema" {
				continue
			}
			if env.val.kind != 'o' {
				ef.unmapped = append(ef.unmapped, entry{f.name + " " + env.key, "not an object of variables: skipped"})
				continue
			}
			var vs []envVar
			for _, kv := range env.val.obj {
				where := f.name + " " + env.key + "." + kv.key
				switch {
				case kv.val.kind == 's':
					vs = append(vs, envVar{kv.key, kv.val.str, f.private})
				case kv.key == "Security" && kv.val.kind == 'o':
					for _, s := range kv.val.obj {
						if s.key != "Auth" || s.val.kind != 'o' {
							ef.unmapped = append(ef.unmapped, entry{where + "." + s.key, "a security setting authlab does not read"})
							continue
						}
						if env.key == "$shared" {
							ef.unmapped = append(ef.unmapped, entry{where, "auth configurations in $shared: move them into each environment"})
							continue
						}
						for _, a := range s.val.obj {
							ef.addAuth(env.key, a.key, a.val)
						}
					}
				case kv.key == "SSLConfiguration":
					ef.unmapped = append(ef.unmapped, entry{where, "client certificate settings: set tls cert/key in the profiles by hand"})
				case kv.key == "$default_headers":
					ef.unmapped = append(ef.unmapped, entry{where, "default headers for every request: add them to the profiles by hand"})
				default:
					ef.unmapped = append(ef.unmapped, entry{where, "an object or array value: authlab variables hold text"})
				}
			}
			if env.key == "$shared" {
				byFile[f.private] = append(byFile[f.private], vs...)
				continue
			}
			if _, ok := ef.vars[env.key]; !ok {
				if len(ef.names) == MaxEnvironments {
					return nil, fmt.Errorf("%s has more than %d environments: keep the ones you use", f.name, MaxEnvironments)
				}
				ef.names = append(ef.names, env.key)
				ef.vars[env.key] = nil
			}
			ef.vars[env.key] = mergeVars(ef.vars[env.key], vs)
		}
	}
	// $shared fills what an environment does not set (REST Client
	// README, "Environments"); private overrides public at each level.
	sh := mergeVars(byFile[false], byFile[true])
	for _, n := range ef.names {
		ef.vars[n] = mergeVars(sh, ef.vars[n])
	}
	if len(ef.names) == 0 && len(sh) > 0 {
		ef.names = []string{"shared"}
		ef.vars["shared"] = sh
	}
	// {{$shared name}} in a value reads the shared value.
	shared := map[string]envVar{}
	for _, s := range sh {
		shared[s.name] = s
	}
	for _, n := range ef.names {
		for i, v := range ef.vars[n] {
			ef.vars[n][i].value = sharedRe.ReplaceAllStringFunc(v.value, func(m string) string {
				s, ok := shared[sharedRe.FindStringSubmatch(m)[1]]
				if !ok {
					return m
				}
				if s.private {
					ef.vars[n][i].private = true
				}
				return s.value
			})
		}
	}
	return ef, nil
}

// mergeVars returns base with over's variables replacing those of the
// same name, new ones appended in order.
func mergeVars(base, over []envVar) []envVar {
	out := append([]envVar(nil), base...)
	at := make(map[string]int, len(out))
	for i, v := range out {
		at[v.name] = i
	}
	for _, v := range over {
		if i, ok := at[v.name]; ok {
			out[i] = v
			continue
		}
		at[v.name] = len(out)
		out = append(out, v)
	}
	return out
}

// addAuth merges one Security.Auth configuration: the private file's keys
// override the public file's (JetBrains keeps Client Secret and Password
// there).
func (ef *envFile) addAuth(env, id string, cfg jval) {
	if cfg.kind != 'o' {
		return
	}
	if len(cfg.obj) > maxAuthKeys {
		ef.unmapped = append(ef.unmapped, entry{"auth configuration " + id, fmt.Sprintf("more than %d settings: skipped", maxAuthKeys)})
		return
	}
	m := ef.auth[env]
	if m == nil {
		m = map[string]jval{}
		ef.auth[env] = m
	}
	old, ok := m[id]
	if !ok {
		ef.authIDs[env] = append(ef.authIDs[env], id)
		m[id] = cfg
		return
	}
	merged := jval{kind: 'o', obj: append([]jkv(nil), old.obj...)}
	for _, kv := range cfg.obj {
		replaced := false
		for i := range merged.obj {
			if merged.obj[i].key == kv.key {
				merged.obj[i].val, replaced = kv.val, true
			}
		}
		if !replaced {
			merged.obj = append(merged.obj, kv)
		}
	}
	if len(merged.obj) > maxAuthKeys {
		ef.unmapped = append(ef.unmapped, entry{"auth configuration " + id, fmt.Sprintf("more than %d settings: skipped", maxAuthKeys)})
		delete(m, id)
		ef.authIDs[env] = slices.DeleteFunc(ef.authIDs[env], func(s string) bool { return s == id })
		return
	}
	m[id] = merged
}

// privateAuthKey reports whether a config key came from or belongs in the
// private file: its value is a secret.
func secretAuthKey(key string) bool {
	switch strings.ToLower(key) {
	case "client secret", "password", "assertion", "code verifier", "private_key":
		return true
	}
	return false
}
