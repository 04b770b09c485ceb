package profiles

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
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
	return v == Prompt || strings.HasPrefix(v, PrefixEnv) || strings.HasPrefix(v, PrefixFile) || strings.HasPrefix(v, PrefixKeyring) || strings.HasPrefix(v, PrefixCommand)
}

// readsLocal reports whether resolving v reads something of this machine
// (a variable, a file, a keyring entry, a program's output) rather than
// asking the user: the references a profile from an untrusted folder may
// not resolve.
func readsLocal(v string) bool {
	return strings.HasPrefix(v, PrefixEnv) || strings.HasPrefix(v, PrefixFile) || strings.HasPrefix(v, PrefixKeyring) || strings.HasPrefix(v, PrefixCommand)
}

// ValidEnvName reports whether name is a portable environment variable
// name (POSIX.1-2017 XBD §8.1): letters, digits and underscores, not
// starting with a digit. Only such names are accepted after env:, so a
// name can be written into a shell script as ${NAME} (or into Python and
// Go source) without quoting: "T}$(touch pwned)" is not a name.
func ValidEnvName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// CheckRef checks the form of a reference: env: must name a portable
// variable (ValidEnvName), file: and keyring: must name something. A
// literal (not IsRef) is always well formed. The error is one line naming
// the reference and the fix. Profile load, the command-line flags, the
// curl importer, the exporters and Resolve all use it, so a malformed
// reference is refused wherever it enters.
func CheckRef(v string) error {
	switch {
	case strings.HasPrefix(v, PrefixEnv):
		name := strings.TrimPrefix(v, PrefixEnv)
		if name == "" {
			return fmt.Errorf("%q names no variable: write env:NAME", v)
		}
		if !ValidEnvName(name) {
			return fmt.Errorf("%q is not an environment variable name: env: takes letters, digits and _ (not starting with a digit), e.g. env:GITHUB_TOKEN", v)
		}
	case strings.HasPrefix(v, PrefixFile):
		if strings.TrimPrefix(v, PrefixFile) == "" {
			return fmt.Errorf("%q names no file: write file:PATH", v)
		}
	case strings.HasPrefix(v, PrefixKeyring):
		if strings.TrimPrefix(v, PrefixKeyring) == "" {
			return fmt.Errorf("%q names no keyring entry: write keyring:NAME", v)
		}
	case strings.HasPrefix(v, PrefixCommand):
		if _, err := SplitCommand(strings.TrimPrefix(v, PrefixCommand)); err != nil {
			return fmt.Errorf("%q %v", v, err)
		}
	}
	return nil
}

// ExpandHome returns path with a leading "~/" replaced by home (a file:
// reference such as file:~/.secrets/token). Only the user's own home is
// expanded ("~user/" is kept as it is); an empty home leaves path alone.
func ExpandHome(path, home string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok && home != "" {
		return filepath.Join(home, rest)
	}
	if path == "~" && home != "" {
		return home
	}
	return path
}

// ErrNoTerminal is returned by a Prompter when there is no terminal to ask on.
var ErrNoTerminal = errors.New("no terminal to prompt on")

// Resolver resolves references. Its functions are seams: main wires the real
// environment, file system and terminal; tests wire their own.
type Resolver struct {
	LookupEnv func(name string) (string, bool)
	// ReadFile reads a file: reference's file. ReadSecretFile is the one
	// to wire: it reads regular files only and at most MaxSecretFile
	// bytes, so /dev/zero or a FIFO cannot hang or exhaust a send. Resolve
	// also refuses more than MaxSecretFile bytes from any seam.
	ReadFile func(path string) ([]byte, error)
	// FileTimeout bounds a file: read (a file on a hung network mount);
	// 0 means DefaultFileTimeout. Set it to the request's --timeout.
	FileTimeout time.Duration
	// Prompt asks for the secret called label without echo. It returns
	// ErrNoTerminal when it cannot ask.
	Prompt func(label string) (string, error)
	// Keyring resolves keyring:NAME (service "authlab", user NAME). nil:
	// keyring references are refused with a RefError naming the
	// alternatives.
	Keyring Keyring

	// Env is the chosen environment (--env NAME), whose variables fill
	// {{name}} (see Resolve); nil: none.
	Env *Environment
	// Vars are variables given on the command line (--var NAME=VALUE):
	// the user's own, looked up before the environment.
	Vars []Var
	// Now and Random are the seams of the dynamic variables ($timestamp,
	// $guid, $randomInt); nil: the clock and crypto/rand.
	Now    func() time.Time
	Random io.Reader
	// Commands runs command: references (with its time limit, caching
	// each command's output for the session); nil refuses them, which is
	// what export and `profiles show` want: only a send runs a program.
	Commands *CommandRunner
}

// OSResolver resolves from the process environment, file system and OS
// keyring; prompt is the caller's terminal prompter (nil: no terminal).
func OSResolver(prompt func(string) (string, error)) Resolver {
	return Resolver{LookupEnv: os.LookupEnv, ReadFile: ReadSecretFile, Prompt: prompt, Keyring: OSKeyring()}
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
		if !ValidEnvName(name) {
			return "", true, &RefError{Ref: v, Label: label, Problem: "not an environment variable name", Fix: "env: takes letters, digits and _ (not starting with a digit), e.g. env:GITHUB_TOKEN"}
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
		home := ""
		if r.LookupEnv != nil {
			home, _ = r.LookupEnv("HOME")
		}
		b, err := r.readFile(ExpandHome(path, home))
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
	case strings.HasPrefix(v, PrefixCommand):
		if r.Commands == nil {
			return "", true, &RefError{Ref: v, Label: label, Problem: "command: references run only when a request is sent", Fix: "send it (authlab send, the TUI), or use env:NAME here"}
		}
		s, err := r.Commands.output(label, v)
		return s, true, err
	}
	return v, false, nil
}
