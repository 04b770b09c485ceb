package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Trust is the list of profile folders the user has trusted, like direnv's
// allow list or VS Code's trusted workspaces. A profile names where its
// secrets come from (env:, file:, keyring:) and where they are sent (its
// URL); a profile someone else wrote could name ~/.ssh/id_ed25519 or
// env:GITHUB_TOKEN and a URL of their choosing. So only the user's own
// profiles folder (Own) is trusted from the start; any other folder
// (AUTHLAB_PROFILES, --profiles: a workshop folder) resolves those
// references only once the user has trusted it. Literal values and prompt
// always work.
//
// The trust file (Path) is a text file, one absolute folder per line with
// its symbolic links resolved, '#' starting a comment; it is written 0600
// by temporary file and rename (FORMAT.md, "Trusted folders").
type Trust struct {
	Path string // the trust file: $XDG_CONFIG_HOME/authlab/trusted
	Own  string // the user's own profiles folder, always trusted
}

// DefaultTrust returns the trust file under $XDG_CONFIG_HOME (else
// ~/.config) and the user's own profiles folder, the one DefaultDir gives
// when AUTHLAB_PROFILES is not set.
func DefaultTrust(lookupEnv func(string) (string, bool)) (Trust, error) {
	base, err := xdgDir(lookupEnv, "XDG_CONFIG_HOME", ".config")
	if err != nil {
		return Trust{}, fmt.Errorf("cannot find the trust file: %w", err)
	}
	return Trust{Path: filepath.Join(base, "authlab", "trusted"), Own: filepath.Join(base, "authlab", "profiles")}, nil
}

// canonical is dir as the trust file records it: absolute, cleaned, its
// symbolic links resolved (when it exists), so one folder has one name.
func canonical(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r, nil
	}
	return filepath.Clean(abs), nil
}

// IsOwn reports whether dir is the user's own profiles folder.
func (t Trust) IsOwn(dir string) bool {
	if t.Own == "" {
		return false
	}
	a, err1 := canonical(dir)
	b, err2 := canonical(t.Own)
	return err1 == nil && err2 == nil && a == b
}

// Trusted reports whether the profiles in dir may resolve env:, file: and
// keyring: references: dir is the user's own folder, or it is in the trust
// file and no one else can write to it (see SharedWritable). An unreadable
// trust file is an error, and nothing is trusted by it.
func (t Trust) Trusted(dir string) (bool, error) {
	if t.IsOwn(dir) {
		return true, nil
	}
	c, err := canonical(dir)
	if err != nil {
		return false, err
	}
	list, err := t.List()
	if err != nil {
		return false, err
	}
	if !slices.Contains(list, c) {
		return false, nil
	}
	return SharedWritable(c) == nil, nil
}

// List returns the trusted folders, sorted. A missing trust file is an
// empty list.
func (t Trust) List() ([]string, error) {
	data, err := readRegular(t.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return []string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the trust file: %w", err)
	}
	out := []string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || !filepath.IsAbs(line) {
			continue
		}
		out = append(out, filepath.Clean(line))
	}
	sort.Strings(out)
	return slices.Compact(out), nil
}

// Allow adds dir to the trust file. It refuses a folder that does not
// exist, is not a folder, or that others can write to (SharedWritable):
// trusting it would trust whatever they put there later.
func (t Trust) Allow(dir string) error {
	c, err := canonical(dir)
	if err != nil {
		return err
	}
	fi, err := os.Stat(c)
	if err != nil {
		return fmt.Errorf("cannot trust %s: %s", c, pathErrText(err))
	}
	if !fi.IsDir() {
		return fmt.Errorf("cannot trust %s: it is not a folder", c)
	}
	if strings.ContainsAny(c, "\n\r") {
		return fmt.Errorf("cannot trust %q: its name has a line break, which the trust file cannot hold: rename it", c)
	}
	if err := SharedWritable(c); err != nil {
		return fmt.Errorf("cannot trust %s: %w", c, err)
	}
	return t.update(func(list []string) []string {
		if slices.Contains(list, c) {
			return list
		}
		return append(list, c)
	})
}

// Revoke removes dir from the trust file and reports whether it was there.
func (t Trust) Revoke(dir string) (bool, error) {
	c, err := canonical(dir)
	if err != nil {
		return false, err
	}
	abs, _ := filepath.Abs(dir)
	found := false
	err = t.update(func(list []string) []string {
		return slices.DeleteFunc(list, func(d string) bool {
			hit := d == c || d == filepath.Clean(abs)
			found = found || hit
			return hit
		})
	})
	return found, err
}

// update rewrites the trust file with f applied to its list, under a lock
// (PATH.lock), atomically (0600).
func (t Trust) update(f func([]string) []string) error {
	dir := filepath.Dir(t.Path)
	what := "write the trust file"
	if err := mkdirPrivate(dir); err != nil {
		return orClassified(what, dir, "set XDG_CONFIG_HOME to another folder", err)
	}
	unlock, err := lockFile(t.Path+".lock", "the trust file")
	if err != nil {
		return err
	}
	defer unlock()
	list, err := t.List()
	if err != nil {
		return err
	}
	list = f(list)
	sort.Strings(list)
	var b bytes.Buffer
	b.WriteString("# authlab: trusted profile folders, one absolute path per line (see `authlab trust`)\n")
	for _, d := range slices.Compact(list) {
		b.WriteString(d + "\n")
	}
	if err := writeAtomic(t.Path, b.Bytes()); err != nil {
		return orClassified(what, dir, "set XDG_CONFIG_HOME to another folder", err)
	}
	return nil
}

// SharedWritable returns why someone other than the user could change the
// files in dir (group or others may write to it, or another user owns it),
// or nil. Such a folder is never trusted: what it holds when you trust it is
// not what it holds when you send.
func SharedWritable(dir string) error {
	if !checkModes {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("group or others can write to it (mode %04o): run chmod go-w %s first", perm, shellQuote(dir))
	}
	if uid, ok := ownerOther(fi); ok {
		return fmt.Errorf("another user (uid %d) owns it and can change it: copy it to a folder of your own", uid)
	}
	return nil
}

// Source says where a loaded profile came from, so that a reference read
// from a file someone else wrote is not resolved without the user's word.
// It is set by Store.Load and Store.List and never changed afterwards.
type Source struct {
	Dir     string // the profiles folder, absolute
	Trusted bool   // Store.Trusted when it was loaded
	// Refs are the env:, file: and keyring: references as the file had
	// them: "field:NAME", "header:NAME", "tls.key_password" → the value.
	// A value that is none of them (the user typed over it) is the user's
	// own and resolves.
	Refs map[string]string
}

// sourceOf records the references of p as loaded from a folder.
func sourceOf(dir string, trusted bool, p *Profile) *Source {
	src := &Source{Dir: dir, Trusted: trusted, Refs: map[string]string{}}
	for k, v := range p.Fields {
		if readsLocal(v) {
			src.Refs["field:"+k] = v
		}
	}
	for i, h := range p.Headers {
		if readsLocal(h.Value) {
			key := "header:" + h.Name
			if _, dup := src.Refs[key]; dup {
				key = fmt.Sprintf("%s#%d", key, i)
			}
			src.Refs[key] = h.Value
		}
	}
	if v := p.TLS.KeyPassword; readsLocal(v) {
		src.Refs["tls.key_password"] = v
	}
	for _, v := range p.Vars {
		if readsLocal(v.Value) {
			src.Refs["var:"+v.Name] = v.Value
		}
	}
	return src
}

// fromSource reports whether v is one of the references the source file
// held (in any place: moving a reference to another field does not make it
// the user's).
func (s *Source) fromSource(v string) bool {
	for _, r := range s.Refs {
		if r == v {
			return true
		}
	}
	return false
}

// UntrustedRef is one reference of an untrusted profile that would read
// something of this machine and send it to Host.
type UntrustedRef struct {
	Field string // "field token", "header X-Api-Key", "tls.key_password"
	Ref   string // "env:GITHUB_TOKEN"
	Host  string // the host of the profile's URL
}

// UntrustedRefs lists, in a stable order, the env:, file: and keyring:
// references of p that came from an untrusted folder and are still in p.
// A profile from a trusted folder, or one not loaded from a folder, has
// none; neither has a value the user typed over the file's.
func (p Profile) UntrustedRefs() []UntrustedRef {
	src := p.Source
	if src == nil || src.Trusted {
		return nil
	}
	host := hostOf(p.URL)
	var out []UntrustedRef
	keys := make([]string, 0, len(p.Fields))
	for k := range p.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := p.Fields[k]; readsLocal(v) && src.fromSource(v) {
			out = append(out, UntrustedRef{Field: "field " + k, Ref: v, Host: host})
		}
	}
	for _, h := range p.Headers {
		if readsLocal(h.Value) && src.fromSource(h.Value) {
			out = append(out, UntrustedRef{Field: "header " + h.Name, Ref: h.Value, Host: host})
		}
	}
	if v := p.TLS.KeyPassword; readsLocal(v) && src.fromSource(v) {
		out = append(out, UntrustedRef{Field: "tls.key_password", Ref: v, Host: host})
	}
	for _, v := range p.Vars {
		if readsLocal(v.Value) && src.fromSource(v.Value) {
			out = append(out, UntrustedRef{Field: "variable " + v.Name, Ref: v.Value, Host: host})
		}
	}
	return out
}

// CheckTrust returns an *UntrustedError when p holds references from an
// untrusted folder (UntrustedRefs), before anything is read. Every path
// that resolves a profile's references calls it first.
func (p Profile) CheckTrust() error {
	refs := p.UntrustedRefs()
	if len(refs) == 0 {
		return nil
	}
	e := &UntrustedError{Dir: p.Source.Dir, Profile: p.Name, Refs: refs, Host: hostOf(p.URL)}
	if err := SharedWritable(p.Source.Dir); err != nil {
		e.Shared = err.Error()
	}
	return e
}

// hostOf is the host a profile's URL sends to, for the question "which
// secret goes where"; the URL itself when it does not parse.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}

// UntrustedError is a profile from an untrusted folder whose references
// would read a variable, file or keyring entry and send it to Host. Its
// message is one line naming the folder and the command that trusts it.
type UntrustedError struct {
	Dir     string
	Profile string
	Refs    []UntrustedRef
	Host    string
	Shared  string // why the folder cannot be trusted as it is (SharedWritable), or ""
	// What names the file when it is not the profile: `environment "dev"`
	// (a variable's value read from it).
	What string
}

func (e *UntrustedError) Error() string {
	refs := make([]string, len(e.Refs))
	for i, r := range e.Refs {
		refs[i] = fmt.Sprintf("%q (%s)", r.Ref, r.Field)
	}
	fix := fmt.Sprintf("if you trust what it names, run: authlab trust %s", shellQuote(e.Dir))
	if e.Shared != "" {
		fix = "it cannot be trusted as it is: " + e.Shared
	}
	what := fmt.Sprintf("profile %q", e.Profile)
	if e.What != "" {
		what = e.What
	}
	return fmt.Sprintf("%s is in the untrusted folder %s and would send %s to %s: nothing was read or sent; %s",
		what, e.Dir, strings.Join(refs, ", "), e.Host, fix)
}

// SourceOf is the Source of a profile read from a file in dir (a lesson's
// request), trusted or not: the references it holds are the file's, and
// stay unread until dir is trusted (Profile.CheckTrust).
func SourceOf(dir string, trusted bool, p *Profile) *Source { return sourceOf(dir, trusted, p) }
