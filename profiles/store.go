package profiles

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// Store is a folder of profile files, one TOML file per profile, sub-folders
// as groups (see FORMAT.md). It carries its folder and its seams; it holds no
// other state, so any number of Stores (and processes) may use one folder.
// Writes take a lock file (.lock in Dir) so that the check "has the file
// changed since it was loaded?" and the write that follows are one step for
// every authlab process; editors do not take it, which is why Save still
// compares content stamps.
type Store struct {
	// Dir is the profiles folder.
	Dir string
	// Keyring holds the secrets of keyring:NAME references; nil is the OS
	// keyring (github.com/zalando/go-keyring, service "authlab").
	Keyring Keyring
	// Warn receives what Save notices but does not refuse: a profiles
	// folder that group or others can open. nil discards warnings.
	Warn func(msg string)
	// Trusted says whether the profiles in Dir may resolve env:, file:
	// and keyring: references (see Trust): true for the user's own
	// folder and for one the user trusted. Every loaded Profile carries it
	// in its Source; false (a Store made with NewStore) is the safe value.
	Trusted bool
}

// NewStore returns a Store for the profiles folder dir, which need not exist
// yet: Save creates it (0700).
func NewStore(dir string) *Store { return &Store{Dir: dir} }

// DefaultDir returns the profiles folder: $AUTHLAB_PROFILES when set (a
// workshop folder), else $XDG_CONFIG_HOME/authlab/profiles, else
// $HOME/.config/authlab/profiles. As the XDG Base Directory spec asks, a
// relative XDG_CONFIG_HOME is ignored.
func DefaultDir(lookupEnv func(string) (string, bool)) (string, error) {
	if d, ok := lookupEnv("AUTHLAB_PROFILES"); ok && d != "" {
		return filepath.Clean(d), nil
	}
	base, err := xdgDir(lookupEnv, "XDG_CONFIG_HOME", ".config")
	if err != nil {
		return "", fmt.Errorf("cannot find the profiles folder: %w; or set AUTHLAB_PROFILES", err)
	}
	return filepath.Join(base, "authlab", "profiles"), nil
}

func xdgDir(lookupEnv func(string) (string, bool), name, fallback string) (string, error) {
	if d, ok := lookupEnv(name); ok && filepath.IsAbs(d) {
		return filepath.Clean(d), nil
	}
	home, ok := lookupEnv("HOME")
	if !ok || home == "" {
		return "", fmt.Errorf("neither %s (absolute) nor HOME is set", name)
	}
	return filepath.Join(home, fallback), nil
}

// Same reports whether two stamps are of the same content. The modification
// time is not compared: an editor that saves the same bytes again has not
// changed the profile, and a change within the file system's time
// granularity still changes the hash.
func (s Stamp) Same(o Stamp) bool { return s.Size == o.Size && s.Hash == o.Hash }

func stampOf(data []byte, modTime time.Time) Stamp {
	return Stamp{ModTime: modTime, Size: int64(len(data)), Hash: sha256.Sum256(data)}
}

// Errors of Store operations; test for them with errors.Is. The errors
// returned are the typed ones below, which carry the details.
var (
	// ErrExists: the profile to create is already there.
	ErrExists = errors.New("profile exists")
	// ErrChanged: the file changed on disk since it was loaded.
	ErrChanged = errors.New("profile changed on disk")
	// ErrBroken: the file on disk does not parse, and authlab does not
	// overwrite what it cannot read unless told to.
	ErrBroken = errors.New("profile file does not parse")
)

// ExistsError is returned when creating, renaming or copying onto a profile
// that exists.
type ExistsError struct {
	Name, Path string
	Kind       string // "environment"; "" is a profile
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s %q already exists (%s): choose another name, or remove it first", kindOr(e.Kind), e.Name, e.Path)
}

// kindOr is what an error names: kind, or "profile".
func kindOr(kind string) string {
	if kind == "" {
		return "profile"
	}
	return kind
}

// Is makes errors.Is(err, ErrExists) true.
func (e *ExistsError) Is(target error) bool { return target == ErrExists }

// ChangedError is returned by Save when the file is no longer the one that
// was loaded (SaveOptions.Expect): another authlab or an editor changed or
// removed it. Current is the stamp of what is on disk now, so a caller that
// reloads can save against it.
type ChangedError struct {
	Name, Path string
	Current    Stamp
	Removed    bool // the file is gone
}

func (e *ChangedError) Error() string {
	what := "changed on disk"
	if e.Removed {
		what = "was removed from disk"
	}
	return fmt.Sprintf("profile %q %s since it was loaded (%s): reload it, or confirm to overwrite it", e.Name, what, e.Path)
}

// Is makes errors.Is(err, ErrChanged) true.
func (e *ChangedError) Is(target error) bool { return target == ErrChanged }

// BrokenError is returned by Save instead of overwriting a file that does
// not parse (or was written by a newer authlab): it may hold work the user
// wants back.
type BrokenError struct {
	Name string
	Err  *ParseError
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("refusing to overwrite profile %q: its file does not parse (%v); fix or remove the file, or confirm to overwrite it", e.Name, e.Err)
}

// Is makes errors.Is(err, ErrBroken) true.
func (e *BrokenError) Is(target error) bool { return target == ErrBroken }

// Unwrap returns the parse error.
func (e *BrokenError) Unwrap() error { return e.Err }

// NotFoundError is a profile that has no file. errors.Is(err,
// fs.ErrNotExist) is true for it.
type NotFoundError struct{ Name, Path string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no profile %q (no file %s): see `authlab profiles list`", e.Name, e.Path)
}

// Is makes errors.Is(err, fs.ErrNotExist) true.
func (e *NotFoundError) Is(target error) bool { return target == fs.ErrNotExist }

// PermissionError is a profile file that holds a literal secret while group
// or others can read it. authlab refuses to use it, as OpenSSH refuses a
// private key whose mode lets others read it: the secret may already have
// leaked, and using the file silently would keep it that way.
type PermissionError struct {
	Path   string
	Mode   fs.FileMode
	Fields []string // the fields holding literal secrets
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("refusing to use %s: it holds a literal secret (%s) and others can read it (mode %04o), as ssh refuses such a key file; run: chmod 600 %s (and consider that secret exposed)",
		e.Path, strings.Join(e.Fields, ", "), e.Mode.Perm(), shellQuote(e.Path))
}

// shellQuote quotes a path for a POSIX shell, so a printed command can be
// pasted as it is.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// modeWarning is the warning for a file whose mode lets group or others in.
func modeWarning(path string, mode fs.FileMode) string {
	what := "writable by group/others"
	if mode.Perm()&0o044 != 0 {
		what = "readable by group/others"
	}
	return fmt.Sprintf("%s (mode %04o): run chmod 600 %s", what, mode.Perm(), shellQuote(path))
}

// entryFor parses one file into an Entry. refuse says whether a literal
// secret in a file others can read leaves the Profile out (Load) or only
// sets Refused and Warning (List, which shows but does not use).
func entryFor(name, path string, data []byte, mode fs.FileMode, mtime time.Time, refuse bool) Entry {
	e := Entry{Name: name, Group: groupOf(name), Path: path, Stamp: stampOf(data, mtime), Mode: mode}
	perm := mode.Perm()
	loose := checkModes && perm&0o077 != 0
	if loose {
		e.Warning = modeWarning(path, mode)
	}
	p, perr := decodeProfile(path, data)
	if perr != nil {
		e.Err = perr
		return e
	}
	p.Name = name
	e.Profile = p
	if !loose {
		return e
	}
	if lits := literalSecrets(*p); perm&0o044 != 0 && len(lits) > 0 {
		pe := &PermissionError{Path: path, Mode: mode, Fields: lits}
		e.Refused = pe
		e.Warning = pe.Error()
		if refuse {
			e.Profile = nil
		}
	}
	return e
}

// Load reads the profile called name. A file that does not parse gives its
// Entry (with Err) and the *ParseError. A file that holds a literal secret
// and that group or others can read is refused with a *PermissionError whose
// message is the exact chmod command, as ssh refuses such key files; other
// loose modes only set Entry.Warning.
func (s *Store) Load(name string) (Entry, error) {
	if err := ValidateName(name); err != nil {
		return Entry{}, err
	}
	path, err := filepath.Abs(s.path(name))
	if err != nil {
		return Entry{}, err
	}
	data, mode, mtime, err := readStamped(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Entry{}, &NotFoundError{Name: name, Path: path}
	}
	if err != nil {
		return Entry{}, fmt.Errorf("cannot read profile %q: %w", name, err)
	}
	e := entryFor(name, path, data, mode, mtime, true)
	s.setSource(&e)
	switch {
	case e.Err != nil:
		return e, e.Err
	case e.Refused != nil:
		return e, e.Refused
	}
	return e, nil
}

// listJob is one file List parses.
type listJob struct {
	name, path string
	symlink    bool
}

// List returns every profile below Dir, sorted by name. A file that cannot
// be read or parsed is an Entry with Err (file, line and column), never an
// overall error, so one bad file does not hide the others; a missing Dir is
// an empty list. Dotfiles and dot-folders are skipped: they are renameio's
// temporary files (left behind by a crash), editor backups and the lock.
// Files are parsed by a bounded pool of workers.
func (s *Store) List() ([]Entry, error) {
	root, err := filepath.Abs(s.Dir)
	if err != nil {
		return nil, err
	}
	if err := checkRootLink(root); err != nil {
		return nil, err
	}
	// WalkDir does not follow a root that is a link; "root/" is the
	// folder it points to, while the paths shown stay below root.
	walkRoot := root
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		walkRoot = root + string(filepath.Separator)
	}
	var jobs []listJob
	var out []Entry
	err = filepath.WalkDir(walkRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == walkRoot {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			out = append(out, Entry{Name: filepath.ToSlash(rel), Path: path, Err: &ParseError{Path: path, Msg: "cannot read: " + pathErrText(err)}})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if path == walkRoot {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() && filepath.Dir(filepath.Clean(path)) == filepath.Clean(walkRoot) && d.Name() == EnvironmentsDir {
			return fs.SkipDir // environments, not profiles (LoadEnvironment)
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".toml") {
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		name := strings.TrimSuffix(filepath.ToSlash(rel), ".toml")
		jobs = append(jobs, listJob{name: name, path: path, symlink: d.Type()&fs.ModeSymlink != 0})
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return []Entry{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list profiles in %s: %w", s.Dir, err)
	}
	parsed := make([]Entry, len(jobs), len(jobs)+len(out))
	parallel(len(jobs), func(i int) { parsed[i] = listOne(jobs[i]) })
	parsed = slices.DeleteFunc(parsed, func(e Entry) bool { return e.Name == "" }) // removed meanwhile
	for i := range parsed {
		s.setSource(&parsed[i])
	}
	parsed = append(parsed, out...)
	slices.SortFunc(parsed, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return parsed, nil
}

// setSource records on e's profile where it came from (Profile.Source).
func (s *Store) setSource(e *Entry) {
	if e.Profile == nil {
		return
	}
	dir, err := filepath.Abs(s.Dir)
	if err != nil {
		dir = s.Dir
	}
	e.Profile.Source = sourceOf(dir, s.Trusted, e.Profile)
}

func listOne(j listJob) Entry {
	data, mode, mtime, err := readStamped(j.path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !j.symlink {
			return Entry{} // removed meanwhile
		}
		return Entry{Name: j.name, Group: groupOf(j.name), Path: j.path, Err: &ParseError{Path: j.path, Msg: "cannot read: " + pathErrText(err)}}
	}
	if err := ValidateName(j.name); err != nil {
		return Entry{Name: j.name, Group: groupOf(j.name), Path: j.path, Stamp: stampOf(data, mtime), Mode: mode,
			Err: &ParseError{Path: j.path, Msg: err.Error() + "; rename the file"}}
	}
	return entryFor(j.name, j.path, data, mode, mtime, false)
}

func pathErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// parallel runs f(0..n-1) on at most GOMAXPROCS (and 8) goroutines; small
// jobs run on the caller's goroutine. Parsing dominates List, and it is CPU
// work, so more workers than CPUs would not help.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), 8, n/64+1)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	chunk := 64
	next := make(chan int, workers)
	go func() {
		for i := 0; i < n; i += chunk {
			next <- i
		}
		close(next)
	}()
	for range workers {
		wg.Go(func() {
			for start := range next {
				for i := start; i < min(start+chunk, n); i++ {
					f(i)
				}
			}
		})
	}
	wg.Wait()
}

// SaveOptions say what Save may do.
type SaveOptions struct {
	// AllowPlaintext stores secret fields that are literals instead of
	// refusing them (--allow-plaintext, or the user confirmed in the TUI).
	AllowPlaintext bool
	// Expect is the stamp read when the profile was loaded; Save refuses
	// with a *ChangedError when the file is no longer that. nil means the
	// profile is new: Save refuses with an *ExistsError when a file exists.
	Expect *Stamp
	// Overwrite writes even so: after the user confirmed a conflict, an
	// existing profile, or replacing a broken file.
	Overwrite bool
}

// PlaintextError is a profile whose secret fields hold literals, which Save
// refuses unless SaveOptions.AllowPlaintext: a profile file is copied,
// synced and shared far more than a secret should be.
type PlaintextError struct {
	Name   string
	Fields []string
	Kind   string // "environment"; "" is a profile
}

func (e *PlaintextError) Error() string {
	instead := "use env:NAME, file:PATH, keyring:NAME or prompt instead"
	for _, f := range e.Fields {
		if strings.HasPrefix(f, "header ") || strings.HasPrefix(f, "query ") {
			// a header or a URL cannot hold a reference; a scheme field can
			instead = "use env:NAME, file:PATH, keyring:NAME or prompt instead (a header or query key goes into the apikey scheme: -a apikey -c name=NAME -c in=header|query -c value=env:VAR)"
			break
		}
	}
	return fmt.Sprintf("%s %q would store %s in plain text: %s, or pass --allow-plaintext (confirm in the TUI) to store it anyway",
		kindOr(e.Kind), e.Name, strings.Join(e.Fields, ", "), instead)
}

// Save writes p to its file and returns the new stamp. It validates the name
// and the fields, refuses literal secrets (see PlaintextError), creates
// missing folders 0700 and writes the file 0600 with renameio: a temporary
// file in the same folder, fsync, rename over the old file, fsync of the
// folder. A crash at any moment leaves the old file or the new one, never
// a partial one (os.WriteFile truncates in place and can leave half a file).
//
// Save never silently replaces what it did not read: see SaveOptions for the
// *ExistsError, *ChangedError and *BrokenError it returns instead. When it
// saves over the loaded file (Expect set) and p carries no unknown keys of
// its own (it was built from a form rather than copied from the loaded
// Profile), the unknown keys of the file on disk are written back.
func (s *Store) Save(p Profile, o SaveOptions) (Stamp, error) {
	if err := ValidateName(p.Name); err != nil {
		return Stamp{}, err
	}
	if err := checkFields(p); err != nil {
		return Stamp{}, err
	}
	if p.Body != "" && p.BodyFile != "" {
		return Stamp{}, fmt.Errorf("profile %q has both a body and a body file: keep the one to send", p.Name)
	}
	if lits := literalSecrets(p); len(lits) > 0 && !o.AllowPlaintext {
		return Stamp{}, &PlaintextError{Name: p.Name, Fields: lits}
	}
	path, err := filepath.Abs(s.path(p.Name))
	if err != nil {
		return Stamp{}, err
	}
	what := fmt.Sprintf("save profile %q", p.Name)
	if err := s.ensureDirs(filepath.Dir(path)); err != nil {
		return Stamp{}, orClassified(what, filepath.Dir(path), profilesElsewhere, err)
	}
	unlock, err := s.lock()
	if err != nil {
		return Stamp{}, orClassified(what, s.Dir, profilesElsewhere, err)
	}
	defer unlock()

	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return Stamp{}, &LinkError{Name: p.Name, Path: path}
	}
	data, _, mtime, err := readStamped(path)
	switch {
	case err == nil:
		cur := stampOf(data, mtime)
		keepUnknown := o.Expect != nil && p.unknown == nil
		var old *Profile
		var perr *ParseError
		if !o.Overwrite || keepUnknown {
			old, perr = decodeProfile(path, data)
		}
		switch {
		case o.Overwrite:
		case perr != nil:
			return Stamp{}, &BrokenError{Name: p.Name, Err: perr}
		case o.Expect != nil && !o.Expect.Same(cur):
			return Stamp{}, &ChangedError{Name: p.Name, Path: path, Current: cur}
		case o.Expect == nil:
			return Stamp{}, &ExistsError{Name: p.Name, Path: path}
		}
		if keepUnknown && old != nil {
			p.unknown = old.unknown
		}
	case errors.Is(err, fs.ErrNotExist):
		if o.Expect != nil && !o.Overwrite {
			return Stamp{}, &ChangedError{Name: p.Name, Path: path, Removed: true}
		}
	default:
		return Stamp{}, fmt.Errorf("cannot read profile %q before saving: %w", p.Name, err)
	}
	out, err := encodeProfile(p)
	if err != nil {
		return Stamp{}, err
	}
	removeStaleTemps(path)
	if err := writeAtomic(path, out); err != nil {
		if we := classifyWrite(what, filepath.Dir(path), profilesElsewhere, err); we != nil {
			return Stamp{}, we
		}
		return Stamp{}, fmt.Errorf("cannot save profile %q: %w", p.Name, err)
	}
	st := stampOf(out, time.Now())
	if fi, err := os.Stat(path); err == nil {
		st.ModTime = fi.ModTime()
	}
	return st, nil
}

// Remove deletes the profile called name. It works on broken files too: the
// user asked for it explicitly.
func (s *Store) Remove(name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	path, err := filepath.Abs(s.path(name))
	if err != nil {
		return err
	}
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return &NotFoundError{Name: name, Path: path}
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &NotFoundError{Name: name, Path: path}
		}
		return fmt.Errorf("cannot remove profile %q: %w", name, err)
	}
	return syncDir(filepath.Dir(path))
}

// lockPair resolves the two names of a rename or copy, creates the
// destination's folders, takes the store lock and checks that the source
// exists and the destination does not. The caller must call unlock.
func (s *Store) lockPair(from, to string) (src, dst string, unlock func(), err error) {
	src, dst, err = s.pair(from, to)
	if err != nil {
		return "", "", nil, err
	}
	if err := s.ensureDirs(filepath.Dir(dst)); err != nil {
		return "", "", nil, err
	}
	unlock, err = s.lock()
	if err != nil {
		return "", "", nil, err
	}
	if err := s.checkPair(from, to, src, dst); err != nil {
		unlock()
		return "", "", nil, err
	}
	return src, dst, unlock, nil
}

// Rename moves profile oldName to newName, creating newName's folders. It
// refuses to replace an existing profile (*ExistsError). The file is moved as
// it is, broken or not.
func (s *Store) Rename(oldName, newName string) error {
	src, dst, unlock, err := s.lockPair(oldName, newName)
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Rename(src, dst); err != nil {
		return fmt.Errorf("cannot rename profile %q to %q: %w", oldName, newName, err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return err
	}
	return syncDir(filepath.Dir(src))
}

// Copy copies profile src to dst byte for byte (mode 0600), creating dst's
// folders. It refuses to replace an existing profile (*ExistsError).
func (s *Store) Copy(srcName, dstName string) error {
	src, dst, unlock, err := s.lockPair(srcName, dstName)
	if err != nil {
		return err
	}
	defer unlock()
	data, _, _, err := readStamped(src)
	if err != nil {
		return fmt.Errorf("cannot read profile %q: %w", srcName, err)
	}
	if err := writeAtomic(dst, data); err != nil {
		if we := classifyWrite(fmt.Sprintf("copy profile %q to %q", srcName, dstName), filepath.Dir(dst), profilesElsewhere, err); we != nil {
			return we
		}
		return fmt.Errorf("cannot copy profile %q to %q: %w", srcName, dstName, err)
	}
	return nil
}

// pair validates the names of a rename or copy and returns their files.
func (s *Store) pair(srcName, dstName string) (src, dst string, err error) {
	if err := ValidateName(srcName); err != nil {
		return "", "", err
	}
	if err := ValidateName(dstName); err != nil {
		return "", "", err
	}
	if srcName == dstName {
		return "", "", fmt.Errorf("%q and %q are the same profile", srcName, dstName)
	}
	if src, err = filepath.Abs(s.path(srcName)); err != nil {
		return "", "", err
	}
	if dst, err = filepath.Abs(s.path(dstName)); err != nil {
		return "", "", err
	}
	if _, err := os.Lstat(src); errors.Is(err, fs.ErrNotExist) {
		return "", "", &NotFoundError{Name: srcName, Path: src}
	}
	return src, dst, nil
}

// checkPair repeats the existence checks under the lock.
func (s *Store) checkPair(srcName, dstName, src, dst string) error {
	if _, err := os.Lstat(src); errors.Is(err, fs.ErrNotExist) {
		return &NotFoundError{Name: srcName, Path: src}
	}
	if _, err := os.Lstat(dst); err == nil {
		return &ExistsError{Name: dstName, Path: dst}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// ensureDirs creates the folders from Dir down to dir with mode 0700 and
// warns (Store.Warn) about existing ones that group or others can open: it
// does not change them, since the user may have opened a shared workshop
// folder on purpose, and the files in it are 0600 anyway.
func (s *Store) ensureDirs(dir string) error {
	root, err := filepath.Abs(s.Dir)
	if err != nil {
		return err
	}
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("internal error: %s is outside the profiles folder %s", dir, root)
	}
	if err := checkRootLink(root); err != nil {
		return err
	}
	if _, err := os.Stat(root); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(root, 0o700); err != nil {
			return fmt.Errorf("cannot create the profiles folder: %w", err)
		}
		if err := os.Chmod(root, 0o700); err != nil {
			return err
		}
	}
	cur := root
	parts := []string{}
	if rel != "." {
		parts = strings.Split(rel, string(filepath.Separator))
	}
	for i := 0; ; i++ {
		stat := os.Stat // the profiles folder itself may be a link
		if i > 0 {
			stat = os.Lstat
		}
		fi, err := stat(cur)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := os.Mkdir(cur, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("cannot create the profile folder: %w", err)
			}
			if err := os.Chmod(cur, 0o700); err != nil {
				return err
			}
		case err != nil:
			return err
		case fi.Mode()&fs.ModeSymlink != 0:
			return fmt.Errorf("group folder %s is a symbolic link: authlab follows a link only when it is the profiles folder itself (a linked group would not be listed); replace the link with a folder, or link the whole profiles folder instead", cur)
		case !fi.IsDir():
			return fmt.Errorf("%s is a file, not a folder: a group cannot have the name of a file", cur)
		case checkModes && fi.Mode().Perm()&0o077 != 0 && s.Warn != nil:
			s.Warn(fmt.Sprintf("profile folder %s can be opened by group/others (mode %04o): run chmod 700 %s", cur, fi.Mode().Perm(), shellQuote(cur)))
		}
		if i == len(parts) {
			return nil
		}
		cur = filepath.Join(cur, parts[i])
	}
}

// checkRootLink checks the profiles folder when it is a symbolic link (a
// synced or dotfiles folder linked into ~/.config): a link to a folder is
// followed, a link that points nowhere or to a file is an error naming the
// target, never an empty list or a new folder in its place.
func checkRootLink(root string) error {
	fi, err := os.Lstat(root)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	target, _ := os.Readlink(root)
	st, err := os.Stat(root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the profiles folder %s is a symbolic link to %s, which does not exist: mount or create it, or %s", root, target, profilesElsewhere)
	case err != nil:
		return fmt.Errorf("the profiles folder %s is a symbolic link to %s, which cannot be opened (%s): fix the link, or %s", root, target, pathErrText(err), profilesElsewhere)
	case !st.IsDir():
		return fmt.Errorf("the profiles folder %s is a symbolic link to %s, which is not a folder: fix the link, or %s", root, target, profilesElsewhere)
	}
	return nil
}

// LinkError is a Save onto a profile file that is a symbolic link. authlab
// follows a link only when it is the profiles folder itself: writing
// through a link inside the folder could replace any file the link names
// (in a shared folder, one someone else planted), and replacing the link
// with a file would silently detach it from where it points.
type LinkError struct{ Name, Path string }

func (e *LinkError) Error() string {
	return fmt.Sprintf("refusing to save profile %q: its file %s is a symbolic link, and authlab writes through a link only when it is the profiles folder itself; edit the file it points to, or replace the link with a copy of it", e.Name, e.Path)
}

// lock takes the store's lock file (.lock in Dir).
func (s *Store) lock() (unlock func(), err error) {
	return lockFile(filepath.Join(s.Dir, ".lock"), "profiles")
}

// lockFile takes an exclusive flock(2) on path, waiting up to 10 seconds
// for another authlab to finish. The kernel drops the lock when a process
// dies, so a crash never leaves it held.
func lockFile(path, what string) (unlock func(), err error) {
	l := flock.New(path, flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ok, err := l.TryLockContext(ctx, 2*time.Millisecond)
	if err != nil || !ok {
		if err == nil || errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("another authlab has been writing %s for 10s (lock %s); try again", what, path)
		}
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	return func() { l.Unlock() }, nil
}

// writeAtomic replaces path with data so that a crash at any moment leaves
// the old file or the new one: see replaceFile (renameio) and syncDir.
func writeAtomic(path string, data []byte) error {
	if err := replaceFile(path, data); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// removeStaleTemps removes renameio temporary files of path left behind by
// a process killed mid-write (".NAME.toml" followed by digits). It runs under
// the store lock, so no other authlab is writing one at that moment.
func removeStaleTemps(path string) {
	dir, base := filepath.Split(path)
	prefix := "." + base
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || rest == "" || !e.Type().IsRegular() || strings.Trim(rest, "0123456789") != "" {
			continue
		}
		os.Remove(filepath.Join(dir, e.Name()))
	}
}
