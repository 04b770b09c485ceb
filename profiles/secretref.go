package profiles

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// A secret reference names where a secret lives instead of containing it:
//
//	env:NAME     the environment variable NAME
//	file:PATH    the contents of PATH (one trailing newline removed)
//	keyring:NAME the OS keyring entry NAME (service "authlab")
//	prompt       asked on the terminal, without echo, each time
//
// A value that is none of these is a literal. References keep secrets out of
// shell history, profile files and exported snippets.
const (
	PrefixEnv     = "env:"
	PrefixFile    = "file:"
	PrefixKeyring = "keyring:"
	Prompt        = "prompt"
)

// IsRef reports whether v is a secret reference rather than a literal.
func IsRef(v string) bool {
	return v == Prompt || strings.HasPrefix(v, PrefixEnv) || strings.HasPrefix(v, PrefixFile) || strings.HasPrefix(v, PrefixKeyring)
}

// ErrNoTerminal is returned by a Prompter when there is no terminal to ask on.
var ErrNoTerminal = errors.New("no terminal to prompt on")

// Resolver resolves references. Its functions are seams: main wires the real
// environment, file system and terminal; tests wire their own.
type Resolver struct {
	LookupEnv func(name string) (string, bool)
	ReadFile  func(path string) ([]byte, error)
	// Prompt asks for the secret called label without echo. It returns
	// ErrNoTerminal when it cannot ask.
	Prompt func(label string) (string, error)
	// Keyring resolves keyring:NAME (service "authlab", user NAME). nil:
	// keyring references are refused with a RefError naming the
	// alternatives.
	Keyring Keyring
}

// OSResolver resolves from the process environment, file system and OS
// keyring; prompt is the caller's terminal prompter (nil: no terminal).
func OSResolver(prompt func(string) (string, error)) Resolver {
	return Resolver{LookupEnv: os.LookupEnv, ReadFile: os.ReadFile, Prompt: prompt, Keyring: OSKeyring()}
}

// RefError is a reference that cannot be resolved; its message says which and
// how to fix it, on one line.
type RefError struct {
	Ref, Label, Problem, Fix string
}

func (e *RefError) Error() string {
	return fmt.Sprintf("%s (%s): %s: %s", e.Label, e.Ref, e.Problem, e.Fix)
}

// Resolve returns the secret v names when v is a reference, or v itself when it
// is a literal. label names the field in messages and prompts.
func (r Resolver) Resolve(label, v string) (value string, isRef bool, err error) {
	switch {
	case v == Prompt:
		if r.Prompt == nil {
			return "", true, &RefError{Ref: v, Label: label, Problem: "there is no terminal to ask on", Fix: "use env:NAME or file:PATH instead"}
		}
		s, err := r.Prompt(label)
		if errors.Is(err, ErrNoTerminal) {
			return "", true, &RefError{Ref: v, Label: label, Problem: "there is no terminal to ask on", Fix: "use env:NAME or file:PATH instead"}
		}
		if err != nil {
			return "", true, &RefError{Ref: v, Label: label, Problem: "could not read from the terminal: " + err.Error(), Fix: "use env:NAME or file:PATH instead"}
		}
		return s, true, nil
	case strings.HasPrefix(v, PrefixEnv):
		name := strings.TrimPrefix(v, PrefixEnv)
		if name == "" {
			return "", true, &RefError{Ref: v, Label: label, Problem: "no variable name", Fix: "write env:NAME"}
		}
		s, ok := r.LookupEnv(name)
		if !ok {
			return "", true, &RefError{Ref: v, Label: label, Problem: fmt.Sprintf("environment variable %s is not set", name), Fix: fmt.Sprintf("export %s=… first, or use prompt", name)}
		}
		return s, true, nil
	case strings.HasPrefix(v, PrefixFile):
		path := strings.TrimPrefix(v, PrefixFile)
		if path == "" {
			return "", true, &RefError{Ref: v, Label: label, Problem: "no file path", Fix: "write file:PATH"}
		}
		b, err := r.ReadFile(path)
		if err != nil {
			var pe *os.PathError
			msg := err.Error()
			if errors.As(err, &pe) {
				msg = pe.Err.Error()
			}
			return "", true, &RefError{Ref: v, Label: label, Problem: "cannot read the file: " + msg, Fix: "check the path and its permissions"}
		}
		s := string(b)
		s = strings.TrimSuffix(s, "\n")
		s = strings.TrimSuffix(s, "\r")
		return s, true, nil
	case strings.HasPrefix(v, PrefixKeyring):
		s, err := r.resolveKeyring(label, v)
		return s, true, err
	}
	return v, false, nil
}
