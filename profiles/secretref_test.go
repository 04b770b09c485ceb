package profiles

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	withNL := filepath.Join(dir, "secret")
	os.WriteFile(withNL, []byte("s3cret\n"), 0o600)
	crlf := filepath.Join(dir, "crlf")
	os.WriteFile(crlf, []byte("s3cret\r\n"), 0o600)
	twoNL := filepath.Join(dir, "two")
	os.WriteFile(twoNL, []byte("s3cret\n\n"), 0o600)

	r := Resolver{
		LookupEnv: func(k string) (string, bool) {
			if k == "TOKEN" {
				return "from-env", true
			}
			if k == "EMPTY" {
				return "", true
			}
			return "", false
		},
		ReadFile: os.ReadFile,
		Prompt:   func(label string) (string, error) { return "typed:" + label, nil },
	}
	tests := []struct {
		in, want string
		isRef    bool
		err      string
	}{
		{"literal", "literal", false, ""},
		{"", "", false, ""},
		{"env:TOKEN", "from-env", true, ""},
		{"env:EMPTY", "", true, ""},
		{"env:MISSING", "", true, "environment variable MISSING is not set"},
		{"env:", "", true, "no variable name"},
		{"file:" + withNL, "s3cret", true, ""},
		{"file:" + crlf, "s3cret", true, ""},
		{"file:" + twoNL, "s3cret\n", true, ""},
		{"file:" + filepath.Join(dir, "nope"), "", true, "no such file or directory"},
		{"file:", "", true, "no file path"},
		{"prompt", "typed:token", true, ""},
		{"keyring:github", "", true, "no keyring is available here: use env:NAME"},
		{"keyring:", "", true, "no entry name"},
		{"Prompt", "Prompt", false, ""},
	}
	for _, tt := range tests {
		got, isRef, err := r.Resolve("token", tt.in)
		if got != tt.want || isRef != tt.isRef {
			t.Errorf("Resolve(%q) = %q, %v; want %q, %v", tt.in, got, isRef, tt.want, tt.isRef)
		}
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("Resolve(%q) error = %v; want none", tt.in, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Resolve(%q) error = %v; want one containing %q", tt.in, err, tt.err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("Resolve(%q) error %q is not one line", tt.in, err)
		}
	}
}

func TestResolvePromptWithoutTerminal(t *testing.T) {
	for _, p := range []func(string) (string, error){
		nil,
		func(string) (string, error) { return "", ErrNoTerminal },
	} {
		_, _, err := Resolver{Prompt: p}.Resolve("password", "prompt")
		var re *RefError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "no terminal") || !strings.Contains(err.Error(), "env:NAME") {
			t.Errorf("Resolve(prompt) without terminal = %v; want a RefError naming env:NAME as the fix", err)
		}
	}
}

func TestIsRef(t *testing.T) {
	for in, want := range map[string]bool{"env:X": true, "file:/x": true, "keyring:x": true, "prompt": true, "prompter": false, "hunter2": false, "ENV:X": false} {
		if got := IsRef(in); got != want {
			t.Errorf("IsRef(%q) = %v; want %v", in, got, want)
		}
	}
}
