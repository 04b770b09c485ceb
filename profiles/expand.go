package profiles

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Variables ({{name}}, FORMAT.md "Environments"): Resolve replaces each
// {{name}} in the URL, header names and values, the body, the body file's
// path, the scheme's fields and the TLS paths with the variable's value,
// looked up in this order:
//
//  1. the values given on the command line (--var NAME=VALUE; Resolver.Vars),
//  2. the chosen environment (--env NAME; Resolver.Env),
//  3. the profile's own defaults (Profile.Vars),
//  4. the built-ins: practice (the practice server's base URL, left as the
//     placeholder {{practice}} for practice.Embedded to fill) and the
//     dynamic variables $guid, $uuid, $randomUUID, $timestamp,
//     $isoTimestamp and $randomInt of Postman and the JetBrains client.
//
// A value that is a reference (env:, file:, keyring:, prompt, command:) is
// read through the Resolver like a field, with the same trust rules; a
// literal value may itself hold {{other}} variables, expanded to a depth of
// MaxVarDepth (a cycle is an error). Values read from references are never
// expanded again: a secret that happens to contain "{{" stays as it is.

// MaxVarDepth bounds how deep variables may refer to variables ({{a}} →
// {{b}} → …), as Postman allows nesting; deeper is an error.
const MaxVarDepth = 10

// builtinPractice is the built-in variable the practice server's URL is.
const builtinPractice = "practice"

// practicePlaceholder is what {{practice}} expands to: itself, filled in
// later by practice.Embedded (which profiles must not import), so history
// keeps {{practice}} and a later run finds its own server.
const practicePlaceholder = "{{" + builtinPractice + "}}"

// UndefinedVarError is a {{name}} found in no place it was looked for.
type UndefinedVarError struct {
	Name  string
	Where string   // "URL", "header Accept", "field token", "body", …
	Tried []string // where it was looked for, in lookup order
}

func (e *UndefinedVarError) Error() string {
	return fmt.Sprintf("{{%s}} (in the %s) is not defined: %s: add it, or choose another environment with --env",
		e.Name, e.Where, strings.Join(e.Tried, ", "))
}

// VarError is a variable that cannot be expanded: a cycle, nesting too
// deep, an unknown dynamic variable.
type VarError struct {
	Name, Problem, Fix string
}

func (e *VarError) Error() string {
	return fmt.Sprintf("{{%s}}: %s: %s", e.Name, e.Problem, e.Fix)
}

// varHit is a variable found: its definition and where it came from.
type varHit struct {
	v     Var
	from  string  // "environment \"dev\"", "profile \"x\"", "--var"
	src   *Source // nil: the user's own (command line, in memory)
	final bool    // the value is not expanded further (the practice placeholder)
}

// expander expands the variables of one Resolve: values are looked up and
// read once per name (a prompt asks once), secrets collected.
type expander struct {
	p       Profile
	r       Resolver
	read    func(label, v string) (string, error)
	cache   map[string]string
	stack   []string
	secrets []string
}

func newExpander(p Profile, r Resolver, read func(label, v string) (string, error)) *expander {
	return &expander{p: p, r: r, read: read, cache: map[string]string{}}
}

// lookup finds name in the lookup order.
func (x *expander) lookup(name string) (varHit, bool) {
	for i := len(x.r.Vars) - 1; i >= 0; i-- { // the last --var wins
		if v := x.r.Vars[i]; v.Name == name {
			return varHit{v: v, from: "--var"}, true
		}
	}
	if e := x.r.Env; e != nil {
		for _, v := range e.Vars {
			if v.Name == name {
				return varHit{v: v, from: fmt.Sprintf("environment %q", e.Name), src: e.Source}, true
			}
		}
	}
	for _, v := range x.p.Vars {
		if v.Name == name {
			return varHit{v: v, from: x.profileWord(), src: x.p.Source}, true
		}
	}
	if name == builtinPractice {
		return varHit{v: Var{Name: name, Value: practicePlaceholder}, from: "built-in", final: true}, true
	}
	return varHit{}, false
}

func (x *expander) profileWord() string {
	if x.p.Name == "" {
		return "the request"
	}
	return fmt.Sprintf("profile %q", x.p.Name)
}

// tried says where an undefined name was looked for.
func (x *expander) tried() []string {
	var out []string
	if len(x.r.Vars) > 0 {
		out = append(out, "not given with --var")
	}
	switch e := x.r.Env; {
	case e == nil:
		out = append(out, "no environment chosen (--env NAME)")
	case e.Source != nil:
		out = append(out, fmt.Sprintf("not in environment %q (%s)", e.Name, envFile(e)))
	default:
		out = append(out, fmt.Sprintf("not in environment %q", e.Name))
	}
	out = append(out, fmt.Sprintf("not in %s's [vars]", x.profileWord()), "not a built-in")
	return out
}

func envFile(e *Environment) string {
	return e.Source.Dir + "/" + EnvironmentsDir + "/" + e.Name + ".toml"
}

// expand replaces every {{name}} in s; where names the place for errors.
func (x *expander) expand(where, s string) (string, error) {
	refs := varRefs(s)
	if len(refs) == 0 {
		return s, nil
	}
	var b strings.Builder
	last := 0
	for _, ref := range refs {
		b.WriteString(s[last:ref.start])
		v, err := x.value(where, ref.name)
		if err != nil {
			return "", err
		}
		b.WriteString(v)
		last = ref.end
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// value is the expanded value of the variable name.
func (x *expander) value(where, name string) (string, error) {
	if strings.HasPrefix(name, "$") {
		return x.dynamic(name)
	}
	if v, ok := x.cache[name]; ok {
		return v, nil
	}
	for i, n := range x.stack {
		if n == name {
			chain := append(append([]string{}, x.stack[i:]...), name)
			return "", &VarError{Name: name, Problem: "the variables refer to each other in a cycle (" + strings.Join(chain, " → ") + ")", Fix: "give one of them a value that does not refer back"}
		}
	}
	if len(x.stack) >= MaxVarDepth {
		return "", &VarError{Name: name, Problem: fmt.Sprintf("variables refer to variables more than %d deep (%s)", MaxVarDepth, strings.Join(x.stack, " → ")), Fix: "give one of them a plain value"}
	}
	hit, ok := x.lookup(name)
	if !ok {
		return "", &UndefinedVarError{Name: name, Where: where, Tried: x.tried()}
	}
	var out string
	switch v := hit.v.Value; {
	case hit.final:
		out = v
	case IsRef(v):
		if err := x.checkTrust(hit); err != nil {
			return "", err
		}
		s, err := x.read("{{"+name+"}}", v)
		if err != nil {
			return "", err
		}
		out = s
		x.secret(s)
	default:
		x.stack = append(x.stack, name)
		s, err := x.expand(where, v)
		x.stack = x.stack[:len(x.stack)-1]
		if err != nil {
			return "", err
		}
		out = s
		if hit.v.IsSecret() {
			x.secret(s)
		}
	}
	x.cache[name] = out
	return out, nil
}

func (x *expander) secret(s string) {
	if s != "" {
		x.secrets = append(x.secrets, s)
	}
}

// checkTrust refuses a reference that reads this machine when it comes
// from a file in an untrusted folder, as it is for a profile's fields.
func (x *expander) checkTrust(hit varHit) error {
	src := hit.src
	if src == nil || src.Trusted || !readsLocal(hit.v.Value) || !src.fromSource(hit.v.Value) {
		return nil
	}
	e := &UntrustedError{Dir: src.Dir, Profile: x.p.Name, What: hit.from, Host: hostOf(x.p.URL),
		Refs: []UntrustedRef{{Field: "variable " + hit.v.Name, Ref: hit.v.Value, Host: hostOf(x.p.URL)}}}
	if err := SharedWritable(src.Dir); err != nil {
		e.Shared = err.Error()
	}
	return e
}

// dynamic is the value of a built-in dynamic variable: a fresh one at each
// use, as in Postman and the JetBrains HTTP Client.
func (x *expander) dynamic(name string) (string, error) {
	now := time.Now
	if x.r.Now != nil {
		now = x.r.Now
	}
	random := x.r.Random
	if random == nil {
		random = rand.Reader
	}
	switch name {
	case "$guid", "$uuid", "$randomUUID", "$random.uuid":
		var u [16]byte
		if _, err := io.ReadFull(random, u[:]); err != nil {
			return "", &VarError{Name: name, Problem: "no randomness: " + err.Error(), Fix: "try again"}
		}
		u[6] = u[6]&0x0f | 0x40 // version 4, RFC 9562 section 5.4
		u[8] = u[8]&0x3f | 0x80 // variant 10
		return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]), nil
	case "$timestamp":
		return strconv.FormatInt(now().Unix(), 10), nil
	case "$isoTimestamp":
		return now().UTC().Format(time.RFC3339), nil
	case "$randomInt":
		var b [8]byte
		if _, err := io.ReadFull(random, b[:]); err != nil {
			return "", &VarError{Name: name, Problem: "no randomness: " + err.Error(), Fix: "try again"}
		}
		return strconv.FormatUint(binary.BigEndian.Uint64(b[:])%1001, 10), nil // 0–1000, as Postman
	}
	return "", &VarError{Name: name, Problem: "authlab has no such dynamic variable", Fix: "use $guid, $uuid, $randomUUID, $timestamp, $isoTimestamp or $randomInt, or define the value in an environment"}
}
