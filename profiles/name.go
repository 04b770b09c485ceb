package profiles

import (
	"fmt"
	"path/filepath"
	"strings"
)

// maxSegment bounds one part of a profile name. A file name may be 255 bytes;
// the temporary file renameio writes next to it is named "." + name +
// ".toml" + up to 19 digits, so a part must stay well below that.
const maxSegment = 200

// NameError is a profile name that cannot be a file below the profiles
// folder; its message says what is wrong and how to write it instead.
type NameError struct {
	Name    string
	Problem string
}

func (e *NameError) Error() string {
	return fmt.Sprintf("invalid profile name %q: %s; write names like \"github/user\": parts separated by \"/\", made of letters, digits, \"-\", \"_\", \".\" and spaces, not starting with a dot", e.Name, e.Problem)
}

// ValidateName checks a profile name: a "/"-separated path below the
// profiles folder whose parts are non-empty, are not "." or "..", do not
// start with a dot (dotfiles are temporary files and editor backups, which
// List skips), do not start or end with a space, do not end with a dot or
// ".toml" (the suffix is added, and a folder "x.toml" would shadow the
// profile "x"), and use
// only ASCII letters, digits, "-", "_", "." and space. Being this strict keeps
// a name from escaping the folder (no "..", no "\", no absolute path) and
// keeps the same name meaning the same file on every operating system.
func ValidateName(name string) error {
	if name == "" {
		return &NameError{Name: name, Problem: "it is empty"}
	}
	parts := strings.Split(name, "/")
	for _, part := range parts {
		if err := validateSegment(name, part); err != nil {
			return err
		}
	}
	if len(parts) > 1 && parts[0] == EnvironmentsDir {
		return &NameError{Name: name, Problem: "the folder environments/ holds environments (see `authlab envs list`), not profiles: choose another group"}
	}
	return nil
}

func validateSegment(name, part string) error {
	switch {
	case part == "":
		return &NameError{Name: name, Problem: "it has an empty part (a leading, trailing or doubled \"/\")"}
	case part == "." || part == "..":
		return &NameError{Name: name, Problem: fmt.Sprintf("%q cannot be a part", part)}
	case part[0] == '.':
		return &NameError{Name: name, Problem: fmt.Sprintf("part %q starts with a dot", part)}
	case part[0] == ' ' || part[len(part)-1] == ' ':
		return &NameError{Name: name, Problem: fmt.Sprintf("part %q starts or ends with a space", part)}
	case part[len(part)-1] == '.':
		return &NameError{Name: name, Problem: fmt.Sprintf("part %q ends with a dot", part)}
	case strings.HasSuffix(part, ".toml"):
		return &NameError{Name: name, Problem: "leave out the .toml suffix (a group cannot end in .toml either)"}
	case len(part) > maxSegment:
		return &NameError{Name: name, Problem: fmt.Sprintf("a part is longer than %d bytes", maxSegment)}
	}
	for _, r := range part {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == ' ':
		case r == '\\':
			return &NameError{Name: name, Problem: "it contains a backslash (use \"/\" between groups)"}
		default:
			return &NameError{Name: name, Problem: fmt.Sprintf("it contains %q", r)}
		}
	}
	return nil
}

// path returns the file of the profile called name (which must be valid).
func (s *Store) path(name string) string {
	return filepath.Join(s.Dir, filepath.FromSlash(name)+".toml")
}
