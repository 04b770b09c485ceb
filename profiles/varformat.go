package profiles

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/authlab/authlab/authn"
)

// A [vars] table holds variables in file order, each either a string or an
// inline table with the value and the secret mark (FORMAT.md, "Environments"):
//
//	[vars]
//	base = "https://api.example.com"
//	token = { value = "env:API_TOKEN", secret = true }
//
// Both profile files (a profile's defaults) and environment files use it.

// maxVarName bounds a variable's name (bytes).
const maxVarName = 200

// ValidVarName checks the name of a variable, as written between {{ and }}:
// not empty, at most 200 bytes, no braces, no control characters, no
// leading or trailing space, and not starting with $ (the dynamic
// variables $guid, $timestamp, … are built in). Postman and the .http
// dialects allow dots, dashes and spaces in names, so they are allowed.
func ValidVarName(name string) error {
	bad := func(problem string) error {
		return fmt.Errorf("invalid variable name %q: %s; write names like base_url or api.key", name, problem)
	}
	switch {
	case name == "":
		return bad("it is empty")
	case len(name) > maxVarName:
		return bad(fmt.Sprintf("it is longer than %d bytes", maxVarName))
	case strings.TrimSpace(name) != name:
		return bad("it starts or ends with a space")
	case strings.HasPrefix(name, "$"):
		return bad("names starting with $ are the built-in dynamic variables ($guid, $timestamp, $randomInt)")
	case strings.ContainsAny(name, "{}"):
		return bad("it contains a brace")
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return bad(fmt.Sprintf("it contains %q", r))
		}
	}
	return nil
}

// decodeVars reads a [vars] table decoded generically (name → string or
// table) into variables in file order. table is "vars".
func decodeVars(path string, data []byte, raw map[string]any) ([]Var, *ParseError) {
	if len(raw) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(raw))
	for k := range raw {
		names = append(names, k)
	}
	// file order: by the line each is set on; keys written in an inline
	// table (line 0) keep their names' order
	lines := keyLines(data, "vars")
	line := func(k string) int { return lines[k] }
	slices.SortFunc(names, func(a, b string) int {
		if d := line(a) - line(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	out := make([]Var, 0, len(names))
	for _, k := range names {
		at := func(msg string) *ParseError {
			return &ParseError{Path: path, Line: line(k), Column: 1, Msg: fmt.Sprintf("vars.%s: %s", k, msg)}
		}
		if err := ValidVarName(k); err != nil {
			return nil, at(err.Error())
		}
		v := Var{Name: k}
		switch x := raw[k].(type) {
		case string:
			v.Value = x
		case map[string]any:
			for key, val := range x {
				switch strings.ToLower(key) {
				case "value":
					s, ok := val.(string)
					if !ok {
						return nil, at("value must be a string")
					}
					v.Value = s
				case "secret":
					b, ok := val.(bool)
					if !ok {
						return nil, at("secret must be true or false")
					}
					v.Secret = b
				default:
					if v.extra == nil {
						v.extra = map[string]any{}
					}
					v.extra[key] = val
				}
			}
		default:
			return nil, at(`a variable is a string, or a table like { value = "env:TOKEN", secret = true }`)
		}
		if err := CheckRef(v.Value); err != nil {
			return nil, at(err.Error())
		}
		out = append(out, v)
	}
	return out, nil
}

// varOut is a variable written as an inline table.
type varOut struct {
	Value  string `toml:"value"`
	Secret bool   `toml:"secret,omitempty"`
}

// encodeVars appends a [vars] table with vs in order; nothing when empty.
func encodeVars(b *bytes.Buffer, vs []Var) error {
	if len(vs) == 0 {
		return nil
	}
	b.WriteString("\n[vars]\n")
	for _, v := range vs {
		var val any = v.Value
		switch {
		case len(v.extra) > 0:
			m := map[string]any{"value": v.Value}
			if v.Secret {
				m["secret"] = true
			}
			for k, x := range v.extra {
				m[k] = x
			}
			val = m
		case v.Secret:
			val = varOut{Value: v.Value, Secret: true}
		}
		if err := marshalTo(b, map[string]any{v.Name: val}, true); err != nil {
			return err
		}
	}
	return nil
}

// checkVars validates the names (unique, ValidVarName) and references of
// vars before a save; what names the owner ("profile \"x\"", "environment
// \"dev\"").
func checkVars(what string, vs []Var) error {
	seen := make(map[string]bool, len(vs))
	for _, v := range vs {
		if err := ValidVarName(v.Name); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if seen[v.Name] {
			return fmt.Errorf("%s: variable %q is set twice: keep one", what, v.Name)
		}
		seen[v.Name] = true
		if err := CheckRef(v.Value); err != nil {
			return fmt.Errorf("%s, variable %q: %w", what, v.Name, err)
		}
	}
	return nil
}

// IsSecret reports whether v's value is to be kept out of files and
// masked: it is marked secret, or its name says it holds one
// (authn.SecretName: token, password, api_key, …).
func (v Var) IsSecret() bool { return v.Secret || authn.SecretName(v.Name) }

// literalVars lists "var NAME" for each secret variable (IsSecret) whose
// value is a literal rather than a reference or other variables.
func literalVars(vs []Var) []string {
	var out []string
	for _, v := range vs {
		if v.Value == "" || IsRef(v.Value) || onlyVarRefs(v.Value) || !v.IsSecret() {
			continue
		}
		out = append(out, "var "+v.Name)
	}
	return out
}

// keyLines maps each key set in table (as "[table]" then "key = …", or
// "table.key = …") to the 1-based line it is first set on, in one pass
// (lineIn's rules for every key at once).
func keyLines(data []byte, table string) map[string]int {
	out := map[string]int{}
	cur := ""
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			cur = strings.Trim(strings.TrimSpace(strings.Trim(t, "[]")), `"`)
			continue
		}
		k, _, ok := strings.Cut(t, "=")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		switch {
		case cur == table:
		case cur == "" && strings.HasPrefix(k, table+"."):
			k = k[len(table)+1:]
		default:
			continue
		}
		if len(k) >= 2 && (k[0] == '"' && k[len(k)-1] == '"' || k[0] == '\'' && k[len(k)-1] == '\'') {
			k = k[1 : len(k)-1]
		}
		if _, seen := out[k]; !seen {
			out[k] = i + 1
		}
	}
	return out
}
