package profiles

import (
	"fmt"
	"io/fs"
	"time"
)

// FormatVersion is the version written into every profile file. A file with
// a newer version is refused (not rewritten) so an older authlab cannot
// destroy fields it does not know.
const FormatVersion = 1

// Profile is one saved request. It is stored as one TOML file; the file
// format is documented in FORMAT.md ("Profile files").
//
// Secret fields (authn.Field.Secret) hold a reference — env:NAME, file:PATH,
// keyring:NAME or prompt — unless the user explicitly chose to store a
// literal (SaveOptions.AllowPlaintext).
type Profile struct {
	// Name is the profile's path below the profiles folder, without the
	// .toml suffix, with "/" between folders: "github/user". Folders are
	// groups. It is not stored in the file; the file's place is its name.
	Name        string
	Description string
	Method      string
	URL         string
	Headers     []Header // in order
	Body        string
	// BodyFile names a file sent as the body, read when the request is
	// sent (ReadBodyFile), never when the profile is made or loaded;
	// Body is empty when it is set. `import curl` keeps -d @FILE so.
	BodyFile string
	Scheme   string
	Fields   map[string]string
	TLS      TLS
	Timeout  time.Duration // 0: the default
	Follow   bool
	// Vars are the profile's defaults for {{name}} variables, used when
	// the chosen environment does not set them (see Environment).
	Vars []Var

	// Source is where the profile was loaded from and whether that folder
	// is trusted, with its references as loaded (see Source and
	// UntrustedRefs); nil for a profile built in memory (flags, the TUI
	// editor), whose values are the user's own. It is not stored.
	Source *Source

	// unknown holds the keys of the file this version does not know
	// (written by a newer authlab or by hand); Save writes them back, so a
	// load/save round trip loses nothing. Copying a Profile keeps them.
	unknown *unknownKeys
}

// Header is one request header.
type Header struct {
	Name  string
	Value string
}

// TLS options of a profile.
type TLS struct {
	Insecure bool
	CACert   string // path to a PEM file
	Cert     string // client certificate (PEM path)
	Key      string // client key: a PEM path ("file:PATH" is read as PATH)
	// KeyPassword is the passphrase of an encrypted key: a reference
	// (env:, file:, keyring:, prompt), or a literal only when the user
	// allowed plaintext, like a secret field.
	KeyPassword string
}

// Group returns the folder part of the profile's name ("" at the top).
func (p Profile) Group() string { return groupOf(p.Name) }

// Stamp identifies the version of a profile file that was read, so a save
// can tell whether the file changed on disk since (another authlab, an
// editor): never a silent lost update.
type Stamp struct {
	ModTime time.Time
	Size    int64
	Hash    [32]byte // SHA-256 of the content
}

// Entry is one profile file found by Store.List: either a profile or a
// broken file (which authlab never overwrites or deletes on its own).
type Entry struct {
	Name    string // "github/user"
	Group   string // "github"
	Path    string // absolute file path
	Profile *Profile
	Stamp   Stamp
	Mode    fs.FileMode
	Err     *ParseError // non-nil for a broken file
	Warning string      // e.g. "readable by group/others (mode 0644): run chmod 600 'FILE'"
	// Refused is set when the file holds a literal secret and group or
	// others can read it: Load refuses such a file (as ssh refuses a key
	// file others can read) and returns this error. List still fills
	// Profile so the file can be shown; use Load to get one to send.
	Refused *PermissionError
}

// Broken reports whether the file could not be read as a profile.
func (e Entry) Broken() bool { return e.Err != nil }

// ParseError is a profile file that cannot be used, with where.
type ParseError struct {
	Path   string
	Line   int // 1-based; 0 when unknown
	Column int // 1-based; 0 when unknown
	Msg    string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

func groupOf(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[:i]
		}
	}
	return ""
}
