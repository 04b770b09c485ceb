package profiles

import (
	"errors"
	"strings"
	"testing"
)

// FuzzSecretRef: a secret reference comes from a profile file or the
// command line. Resolve never panics; it treats a value as a reference
// exactly when IsRef says so; a literal comes back unchanged and without
// an error; env:NAME and file:PATH resolve to what their source holds for
// exactly NAME and PATH (one trailing newline removed); every failure is a
// *RefError naming the field.
func FuzzSecretRef(f *testing.F) {
	for _, s := range []string{"env:TOKEN", "env:", "file:/run/secrets/t", "file:", "keyring:gh", "keyring:", "prompt", "Prompt", "hunter2", "env", "file:rel/../x", "env:A=B", "ENV:X", " prompt", "file:\x00", "keyring:a\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		r := Resolver{
			LookupEnv: func(name string) (string, bool) { return "E:" + name, !strings.Contains(name, "unset") },
			ReadFile: func(path string) ([]byte, error) {
				if strings.Contains(path, "missing") {
					return nil, errors.New("no such file")
				}
				return []byte("F:" + path + "\n"), nil
			},
			Prompt: func(label string) (string, error) { return "P:" + label, nil },
		}
		got, isRef, err := r.Resolve("field", v)
		if isRef != IsRef(v) {
			t.Fatalf("Resolve(%q) isRef = %v; IsRef = %v", v, isRef, IsRef(v))
		}
		if err != nil {
			var re *RefError
			if !errors.As(err, &re) || re.Label != "field" || re.Ref != v || !isRef {
				t.Fatalf("Resolve(%q) error %v (%T); want a *RefError for field", v, err, err)
			}
			return
		}
		var want string
		switch {
		case !isRef:
			want = v
		case v == Prompt:
			want = "P:field"
		case strings.HasPrefix(v, PrefixEnv):
			want = "E:" + v[len(PrefixEnv):]
		case strings.HasPrefix(v, PrefixFile):
			want = strings.TrimSuffix("F:"+v[len(PrefixFile):]+"\n", "\n")
			want = strings.TrimSuffix(want, "\r")
		default:
			t.Fatalf("Resolve(%q) = %q without an error; a keyring reference with no keyring must fail", v, got)
		}
		if got != want {
			t.Fatalf("Resolve(%q) = %q; want %q", v, got, want)
		}
	})
}
