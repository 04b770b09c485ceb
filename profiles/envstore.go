package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// EnvironmentsDir is the folder of the profiles folder that holds the
// environments, one NAME.toml each (FORMAT.md, "Environments"). It is not
// a group: List skips it and ValidateName refuses profile names in it.
const EnvironmentsDir = "environments"

// ValidateEnvName checks an environment's name: one part of a profile
// name (ValidateName's rules), no "/".
func ValidateEnvName(name string) error {
	if strings.Contains(name, "/") {
		return fmt.Errorf("invalid environment name %q: it contains \"/\": an environment is one file in environments/, named like dev or staging", name)
	}
	if err := validateSegment(name, name); err != nil {
		return fmt.Errorf("invalid environment name %q: %s; write names like dev, staging or prod", name, err.(*NameError).Problem)
	}
	return nil
}

func (s *Store) envPath(name string) string {
	return filepath.Join(s.Dir, EnvironmentsDir, name+".toml")
}

// EnvNotFoundError is an environment that has no file. errors.Is(err,
// fs.ErrNotExist) is true for it.
type EnvNotFoundError struct {
	Name, Path string
	Known      []string // the environments there are
}

func (e *EnvNotFoundError) Error() string {
	known := "there are none yet"
	if len(e.Known) > 0 {
		known = "there are " + strings.Join(e.Known, ", ")
	}
	return fmt.Sprintf("no environment %q (no file %s): %s; see `authlab envs list`", e.Name, e.Path, known)
}

// Is makes errors.Is(err, fs.ErrNotExist) true.
func (e *EnvNotFoundError) Is(target error) bool { return target == fs.ErrNotExist }

// envDoc is an environment file as decoded strictly.
type envDoc struct {
	Version *int64         `toml:"version"`
	Vars    map[string]any `toml:"vars"`
}

var knownEnvTop = map[string]bool{"version": true, "vars": true}

// decodeEnvironment parses an environment file; the result has no Name.
func decodeEnvironment(path string, data []byte) (*Environment, *ParseError) {
	var doc envDoc
	hasUnknown, perr := decodeStrict(path, data, &doc, func() *int64 { return doc.Version }, "an environment")
	if perr != nil {
		return nil, perr
	}
	vars, perr := decodeVars(path, data, doc.Vars)
	if perr != nil {
		return nil, perr
	}
	e := &Environment{Vars: vars}
	if hasUnknown {
		var all map[string]any
		if err := toml.Unmarshal(data, &all); err != nil {
			return nil, decodeParseError(path, err)
		}
		e.unknown = unknownIn(all, knownEnvTop)
	}
	return e, nil
}

// encodeEnvironment writes e: version, unknown keys, [vars] in order,
// unknown tables. It is decoded again and compared, as profiles are.
func encodeEnvironment(e Environment) ([]byte, error) {
	var b bytes.Buffer
	if err := marshalTo(&b, struct {
		Version int `toml:"version"`
	}{FormatVersion}, false); err != nil {
		return nil, err
	}
	scalars, tables := splitTables(e.unknown)
	if err := marshalTo(&b, scalars, true); err != nil {
		return nil, err
	}
	if err := encodeVars(&b, e.Vars); err != nil {
		return nil, err
	}
	if len(tables) > 0 {
		b.WriteString("\n")
		if err := marshalTo(&b, tables, false); err != nil {
			return nil, err
		}
	}
	out := b.Bytes()
	back, perr := decodeEnvironment("", out)
	if perr != nil {
		return nil, fmt.Errorf("internal error: the encoded environment does not parse (%s); nothing was written", perr.Msg)
	}
	if !reflect.DeepEqual(normalVars(back.Vars), normalVars(e.Vars)) {
		return nil, errors.New("internal error: the encoded environment does not read back the same; nothing was written")
	}
	return out, nil
}

func normalVars(vs []Var) []Var {
	if len(vs) == 0 {
		return nil
	}
	return vs
}

// envSource records the references of an environment loaded from a folder.
func envSource(dir string, trusted bool, e *Environment) *Source {
	src := &Source{Dir: dir, Trusted: trusted, Refs: map[string]string{}}
	for _, v := range e.Vars {
		if readsLocal(v.Value) {
			src.Refs["var:"+v.Name] = v.Value
		}
	}
	return src
}

// Environments returns the environments of the profiles folder, sorted by
// name; a folder without environments/ has none. A file that cannot be
// read or parsed is left out of the list and named in the error (one line
// per file), so the others can still be used.
func (s *Store) Environments() ([]Environment, error) {
	dir := filepath.Join(s.Dir, EnvironmentsDir)
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []Environment{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list environments in %s: %s", dir, pathErrText(err))
	}
	out := []Environment{}
	var errs []error
	for _, d := range ents {
		n := d.Name()
		if strings.HasPrefix(n, ".") || !strings.HasSuffix(n, ".toml") || d.IsDir() {
			continue
		}
		name := strings.TrimSuffix(n, ".toml")
		e, err := s.LoadEnvironment(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Environment) int { return strings.Compare(a.Name, b.Name) })
	return out, errors.Join(errs...)
}

// envNames lists the names of the environment files, sorted (for errors).
func (s *Store) envNames() []string {
	ents, _ := os.ReadDir(filepath.Join(s.Dir, EnvironmentsDir))
	var out []string
	for _, d := range ents {
		n := d.Name()
		if !strings.HasPrefix(n, ".") && strings.HasSuffix(n, ".toml") && !d.IsDir() {
			out = append(out, strings.TrimSuffix(n, ".toml"))
		}
	}
	slices.Sort(out)
	return out
}

// LoadEnvironment reads the environment called name from
// environments/NAME.toml. As with Load: a file that does not parse is its
// *ParseError; one that holds a literal secret (Var.IsSecret) while group
// or others can read it is refused with a *PermissionError; a missing one
// is an *EnvNotFoundError naming those there are. The Environment's Source
// carries Store.Trusted: an untrusted folder's env:, file:, keyring: and
// command: values are not read (Resolve).
func (s *Store) LoadEnvironment(name string) (Environment, error) {
	if err := ValidateEnvName(name); err != nil {
		return Environment{}, err
	}
	path, err := filepath.Abs(s.envPath(name))
	if err != nil {
		return Environment{}, err
	}
	data, mode, mtime, err := readStamped(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Environment{}, &EnvNotFoundError{Name: name, Path: path, Known: s.envNames()}
	}
	if err != nil {
		return Environment{}, fmt.Errorf("cannot read environment %q: %w", name, err)
	}
	e, perr := decodeEnvironment(path, data)
	if perr != nil {
		return Environment{}, perr
	}
	e.Name = name
	e.Stamp = stampOf(data, mtime)
	if perm := mode.Perm(); checkModes && perm&0o044 != 0 {
		if lits := literalVars(e.Vars); len(lits) > 0 {
			return Environment{}, &PermissionError{Path: path, Mode: mode, Fields: lits}
		}
	}
	dir, err := filepath.Abs(s.Dir)
	if err != nil {
		dir = s.Dir
	}
	e.Source = envSource(dir, s.Trusted, e)
	return *e, nil
}

// SaveEnvironment writes e to environments/NAME.toml with Save's rules:
// names and references checked, a literal secret value (Var.IsSecret)
// refused with a *PlaintextError unless o.AllowPlaintext, folders 0700, the
// file 0600 by temporary file, fsync and rename under the store's lock;
// an existing file is an *ExistsError unless o.Overwrite, and with
// o.Expect a file changed since it was loaded is a *ChangedError. Saving
// over the loaded file (Expect set) keeps the file's unknown keys when e
// has none of its own.
func (s *Store) SaveEnvironment(e Environment, o SaveOptions) error {
	if err := ValidateEnvName(e.Name); err != nil {
		return err
	}
	what := fmt.Sprintf("environment %q", e.Name)
	if err := checkVars(what, e.Vars); err != nil {
		return err
	}
	if lits := literalVars(e.Vars); len(lits) > 0 && !o.AllowPlaintext {
		return &PlaintextError{Name: e.Name, Fields: lits, Kind: "environment"}
	}
	path, err := filepath.Abs(s.envPath(e.Name))
	if err != nil {
		return err
	}
	doing := "save " + what
	if err := s.ensureDirs(filepath.Dir(path)); err != nil {
		return orClassified(doing, filepath.Dir(path), profilesElsewhere, err)
	}
	unlock, err := s.lock()
	if err != nil {
		return orClassified(doing, s.Dir, profilesElsewhere, err)
	}
	defer unlock()
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("refusing to save %s: its file %s is a symbolic link, which authlab does not write through; edit the file it points to, or replace the link with a copy", what, path)
	}
	data, _, mtime, err := readStamped(path)
	switch {
	case err == nil:
		cur := stampOf(data, mtime)
		old, perr := decodeEnvironment(path, data)
		switch {
		case o.Overwrite:
		case perr != nil:
			return fmt.Errorf("refusing to overwrite %s: its file does not parse (%v); fix or remove the file, or overwrite it", what, perr)
		case o.Expect != nil && !o.Expect.Same(cur):
			return &ChangedError{Name: EnvironmentsDir + "/" + e.Name, Path: path, Current: cur}
		case o.Expect == nil:
			return &ExistsError{Name: e.Name, Path: path, Kind: "environment"}
		}
		if o.Expect != nil && e.unknown == nil && old != nil {
			e.unknown = maps.Clone(old.unknown)
		}
	case errors.Is(err, fs.ErrNotExist):
		if o.Expect != nil && !o.Overwrite {
			return &ChangedError{Name: EnvironmentsDir + "/" + e.Name, Path: path, Removed: true}
		}
	default:
		return fmt.Errorf("cannot read %s before saving: %w", what, err)
	}
	out, err := encodeEnvironment(e)
	if err != nil {
		return err
	}
	removeStaleTemps(path)
	if err := writeAtomic(path, out); err != nil {
		if we := classifyWrite(doing, filepath.Dir(path), profilesElsewhere, err); we != nil {
			return we
		}
		return fmt.Errorf("cannot save %s: %w", what, err)
	}
	return nil
}

// RemoveEnvironment deletes the environment called name.
func (s *Store) RemoveEnvironment(name string) error {
	if err := ValidateEnvName(name); err != nil {
		return err
	}
	path, err := filepath.Abs(s.envPath(name))
	if err != nil {
		return err
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &EnvNotFoundError{Name: name, Path: path, Known: s.envNames()}
		}
		return fmt.Errorf("cannot remove environment %q: %w", name, err)
	}
	return syncDir(filepath.Dir(path))
}
