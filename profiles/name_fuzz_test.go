package profiles

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzValidateName: a profile name comes from the command line, the TUI or
// a file name. A name ValidateName accepts is a file strictly below the
// profiles folder, ends in .toml, has no part starting with a dot (List
// would skip it) and means the same file on every system (no backslash,
// no absolute path, no "." or ".."). A name it refuses gives a *NameError
// quoting the name.
func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"github/user", "a", "a/b/c", "../x", "a/../../x", "/etc/passwd", "a//b", ".hidden", "a/.b", "a.", "x.toml", "a\\b", "C:", "a ", " a", "naïve", "a\x00b", strings.Repeat("a", 201), "g/x.toml/y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := ValidateName(name)
		if err != nil {
			var ne *NameError
			if !errors.As(err, &ne) || ne.Name != name || !strings.Contains(err.Error(), fmt.Sprintf("%q", name)) {
				t.Fatalf("ValidateName(%q) = %v (%T); want a *NameError quoting the name", name, err, err)
			}
			return
		}
		root := filepath.Join("/", "profiles")
		path := NewStore(root).path(name)
		rel, rerr := filepath.Rel(root, path)
		if rerr != nil || rel == "." || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
			t.Fatalf("ValidateName accepts %q, whose file %s is not below %s", name, path, root)
		}
		if filepath.ToSlash(rel) != name+".toml" || !strings.HasSuffix(path, ".toml") {
			t.Fatalf("ValidateName accepts %q, whose file is %s (want %s.toml below the folder)", name, rel, name)
		}
		for _, part := range strings.Split(name, "/") {
			if part == "" || part[0] == '.' || strings.ContainsAny(part, "\\:\x00") {
				t.Fatalf("ValidateName accepts %q, with the part %q", name, part)
			}
		}
	})
}
