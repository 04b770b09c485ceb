package openapi

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/authlab/authlab/profiles"
)

// maxParams caps the parameters read per operation.
const maxParams = 200

// parameters reads an operation's parameters (§4.8.12): the path item's,
// overridden by the operation's of the same name and location. Every path
// parameter becomes a variable, with its example or default (when the
// document gives one) in the environments; so does each required query,
// header and cookie parameter, returned as "name={{var}}" query pairs,
// headers and cookie pairs. Optional ones are left for the user to add.
func (im *importer) parameters(profile, where string, item, op *node) (query []string, headers []profiles.Header, cookies []string) {
	type key struct{ name, in string }
	var order []key
	byKey := map[key]*node{}
	for _, list := range []*node{item.get("parameters"), op.get("parameters")} {
		if list == nil || list.kind != kSeq {
			continue
		}
		for i, raw := range list.items {
			if i >= maxParams {
				im.note(fmt.Sprintf("%s: only the first %d parameters read", where, maxParams))
				break
			}
			prm, err := deref(im.root, raw)
			if err != nil {
				im.unmapped(profile, where+" parameters", err.Error())
				continue
			}
			if prm == nil || prm.kind != kMap {
				continue
			}
			k := key{prm.text("name"), prm.text("in")}
			if k.name == "" {
				continue
			}
			if _, ok := byKey[k]; !ok {
				order = append(order, k)
			}
			byKey[k] = prm
		}
	}
	for _, k := range order {
		prm := byKey[k]
		v := varName(k.name)
		required := prm.truthy("required") || k.in == "path"
		if !required {
			continue
		}
		if (k.in == "header" || k.in == "cookie") && !validToken(k.name) {
			im.unmapped(profile, where+" parameters", fmt.Sprintf("required %s parameter %q is not a valid name: not added", k.in, clean(k.name, 60)))
			continue
		}
		switch k.in {
		case "path":
		case "query":
			query = append(query, url.QueryEscape(k.name)+"={{"+v+"}}")
		case "header":
			switch strings.ToLower(k.name) {
			case "accept", "content-type", "authorization":
				// §4.8.12.1: these header parameters are ignored;
				// the scheme writes Authorization
				continue
			}
			headers = append(headers, profiles.Header{Name: k.name, Value: "{{" + v + "}}"})
		case "cookie":
			cookies = append(cookies, k.name+"={{"+v+"}}")
		default:
			continue
		}
		if def, ok := im.example(prm); ok && !hasVarSyntax(def) {
			im.setVar(profiles.Var{Name: v, Value: def})
		} else if _, ok := im.envIndex[v]; !ok {
			im.missing = append(im.missing, v)
		}
	}
	return query, headers, cookies
}

// example is a parameter's example value (§4.8.12): example, the first of
// examples, else its schema's example, examples (3.1: a list) or default;
// scalars only.
func (im *importer) example(prm *node) (string, bool) {
	if v := prm.get("example"); v != nil && v.kind == kScalar {
		return v.str, true
	}
	if ex := prm.get("examples"); ex != nil && ex.kind == kMap && len(ex.vals) > 0 {
		if e, err := deref(im.root, ex.vals[0]); err == nil {
			if v := e.get("value"); v != nil && v.kind == kScalar {
				return v.str, true
			}
		}
	}
	sch, err := deref(im.root, prm.get("schema"))
	if err != nil || sch == nil {
		return "", false
	}
	if v := sch.get("example"); v != nil && v.kind == kScalar {
		return v.str, true
	}
	if ex := sch.get("examples"); ex != nil && ex.kind == kSeq && len(ex.items) > 0 && ex.items[0].kind == kScalar {
		return ex.items[0].str, true
	}
	if v := sch.get("default"); v != nil && v.kind == kScalar {
		return v.str, true
	}
	return "", false
}

// uniq drops repeats, keeping order.
func uniq(s []string) []string {
	seen := map[string]bool{}
	out := s[:0]
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
