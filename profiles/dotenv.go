package profiles

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// .env files (FORMAT.md, "Environments"): --env-file PATH, and the .env in
// a trusted profiles folder, fill env: references. The process
// environment wins over a .env file, as docker compose and godotenv
// decide: a variable exported in the shell is the user's latest word.
//
// The dialect is the common one of docker compose and godotenv:
//
//	# a comment
//	export TOKEN=abc          # "export " is allowed, and a comment after a space
//	PASS='lit$eral # kept'    # single quotes: exactly what is inside
//	NOTE="two\nlines \"q\""   # double quotes: \n \r \t \" \\ escapes, may span lines
//	EMPTY=
//
// Values are not expanded (${OTHER} stays as written); trailing spaces of
// an unquoted value are trimmed; the last assignment of a name wins.

// MaxDotenvFile is the largest .env file read.
const MaxDotenvFile = 1 << 20

// DotenvFile is the name of the .env file of a profiles folder.
const DotenvFile = ".env"

// DotenvError is a line of a .env file that does not parse.
type DotenvError struct {
	Path string
	Line int
	Msg  string
}

func (e *DotenvError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// ParseDotenv parses the content of a .env file (path names it in errors)
// into its variables; a name set twice keeps its last value.
func ParseDotenv(path string, data []byte) (map[string]string, error) {
	out := map[string]string{}
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	s = strings.TrimPrefix(s, "\ufeff")
	line := 1
	fail := func(msg string) error { return &DotenvError{Path: path, Line: line, Msg: msg} }
	for s != "" {
		cur, rest, _ := strings.Cut(s, "\n")
		t := strings.TrimSpace(cur)
		if t == "" || t[0] == '#' {
			s = rest
			line++
			continue
		}
		if r, ok := strings.CutPrefix(t, "export"); ok && r != "" && (r[0] == ' ' || r[0] == '\t') {
			t = strings.TrimSpace(r)
		}
		key, val, ok := strings.Cut(t, "=")
		key = strings.TrimSpace(key)
		if !ok {
			return nil, fail(fmt.Sprintf("%q is not NAME=VALUE: write it like TOKEN=abc", clip(t)))
		}
		if !ValidEnvName(key) {
			return nil, fail(fmt.Sprintf("%q is not a variable name: use letters, digits and _ (not starting with a digit)", clip(key)))
		}
		val = strings.TrimLeft(val, " \t")
		if val == "" || (val[0] != '\'' && val[0] != '"') {
			if i := strings.Index(val, " #"); i >= 0 {
				val = val[:i]
			} else if i := strings.Index(val, "\t#"); i >= 0 {
				val = val[:i]
			}
			out[key] = strings.TrimRight(val, " \t")
			s = rest
			line++
			continue
		}
		// a quoted value may span lines: look for its end in the rest of
		// the file, from just after the opening quote
		q := val[0]
		from := strings.IndexByte(cur, '=') + 1
		for cur[from] == ' ' || cur[from] == '\t' {
			from++
		}
		from++ // past the opening quote, which cur[from-1] is
		end, closed := quoteEnd(s[from:], q)
		if !closed {
			return nil, fail(fmt.Sprintf("the value of %s opens a %c quote that is never closed: close it", key, q))
		}
		v := s[from : from+end]
		after, next, _ := strings.Cut(s[from+end+1:], "\n")
		if a := strings.TrimSpace(after); a != "" && a[0] != '#' {
			return nil, fail(fmt.Sprintf("text after the closing quote of %s: put a comment after a space and #, or quote the whole value", key))
		}
		if q == '"' {
			v = unescapeDouble(v)
		}
		out[key] = v
		line += strings.Count(s[from:from+end], "\n") + 1
		s = next
	}
	return out, nil
}

// quoteEnd finds the closing quote q in s (a backslash escapes the next
// character inside double quotes).
func quoteEnd(s string, q byte) (int, bool) {
	for i := 0; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q:
			return i, true
		}
	}
	return 0, false
}

func unescapeDouble(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case '"', '\\', '$':
			b.WriteByte(s[i])
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// ReadDotenv reads and parses the .env file at path: a regular file of at
// most MaxDotenvFile bytes (the careful read of file: references: no FIFO,
// device or /proc file).
func ReadDotenv(path string) (map[string]string, error) {
	if err := refuseSpecialPath(path); err != nil {
		return nil, fmt.Errorf("cannot read the .env file: %w", err)
	}
	check := func(p string, fi fs.FileInfo) error {
		if !fi.Mode().IsRegular() {
			return &fs.PathError{Op: "open", Path: p, Err: fmt.Errorf("not a regular file (%s): a .env file must be a plain file", fileKind(fi.Mode()))}
		}
		if fi.Size() > MaxDotenvFile {
			return dotenvTooLarge(p)
		}
		return nil
	}
	data, err := readCapped(path, MaxDotenvFile, check, func() error { return dotenvTooLarge(path) }, func(err error) error { return err })
	if err != nil {
		return nil, fmt.Errorf("cannot read the .env file: %w", err)
	}
	return ParseDotenv(path, data)
}

func dotenvTooLarge(path string) error {
	return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %d KiB: a .env file holds a few variables", MaxDotenvFile>>10)}
}

// Dotenv reads the .env file of the profiles folder when the folder is
// trusted (Store.Trusted): a file someone else wrote could otherwise point
// env: references at values of their choosing. It returns nil and no
// error when there is none or the folder is not trusted.
func (s *Store) Dotenv() (map[string]string, string, error) {
	path := filepath.Join(s.Dir, DotenvFile)
	if !s.Trusted {
		return nil, "", nil
	}
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	m, err := ReadDotenv(path)
	return m, path, err
}

// WithDotenv returns a LookupEnv that asks lookup (the process
// environment) first and then the .env files, the last one first (as
// docker compose reads --env-file A --env-file B: B overrides A).
func WithDotenv(lookup func(string) (string, bool), files ...map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		if lookup != nil {
			if v, ok := lookup(name); ok {
				return v, true
			}
		}
		for i := len(files) - 1; i >= 0; i-- {
			if v, ok := files[i][name]; ok {
				return v, true
			}
		}
		return "", false
	}
}
