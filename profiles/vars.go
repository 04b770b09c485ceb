package profiles

import (
	"slices"
	"strings"
)

// A variable reference is {{name}} (spaces inside the braces are ignored,
// as the JetBrains and VS Code clients ignore them), the syntax Postman,
// Insomnia, Bruno and the .http dialects share. Text that is not a
// well-formed reference ("{{", "{{}}", "{{a{b}}") is left as it is.

// varRef is one {{name}} in a string: s[start:end] is the whole reference.
type varRef struct {
	start, end int
	name       string
}

// varRefs finds the {{name}} references in s, left to right.
func varRefs(s string) []varRef {
	var out []varRef
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "{{")
		if j < 0 {
			break
		}
		start := i + j
		k := strings.Index(s[start+2:], "}}")
		if k < 0 {
			break
		}
		inner := s[start+2 : start+2+k]
		if strings.ContainsAny(inner, "{}\n") {
			i = start + 1
			continue
		}
		name := strings.TrimSpace(inner)
		if name == "" {
			i = start + 2
			continue
		}
		out = append(out, varRef{start: start, end: start + 4 + k, name: name})
		i = start + 4 + k
	}
	return out
}

// HasVars reports whether s holds a {{name}} reference.
func HasVars(s string) bool { return len(varRefs(s)) > 0 }

// VarNames lists the names s refers to, in order, without repeats.
func VarNames(s string) []string {
	var out []string
	for _, r := range varRefs(s) {
		if !slices.Contains(out, r.name) {
			out = append(out, r.name)
		}
	}
	return out
}

// onlyVarRefs reports whether s is made of variable references and
// spaces only ("{{token}}"): a secret field holding it takes its secret
// from the variable, so it is not a literal secret.
func onlyVarRefs(s string) bool {
	refs := varRefs(s)
	if len(refs) == 0 {
		return false
	}
	last := 0
	for _, r := range refs {
		if strings.TrimSpace(s[last:r.start]) != "" {
			return false
		}
		last = r.end
	}
	return strings.TrimSpace(s[last:]) == ""
}
