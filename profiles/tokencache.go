package profiles

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/authlab/authlab/authn"
)

// Token caches: the implementations of authn.TokenCache behind
// --token-cache file and --token-cache keyring. Both keep the entries
// authn hands them (authn.CachedToken: tokens with their key parts) and
// list them for `authlab tokens list`.

// TokenStore is an authn.TokenCache that can also list its entries.
type TokenStore interface {
	authn.TokenCache
	List() ([]authn.CachedToken, error)
}

// DefaultTokenCachePath is $XDG_STATE_HOME/authlab/tokens.json (or
// $HOME/.local/state/authlab/tokens.json), beside the history.
func DefaultTokenCachePath(lookupEnv func(string) (string, bool)) (string, error) {
	base, err := xdgDir(lookupEnv, "XDG_STATE_HOME", filepath.Join(".local", "state"))
	if err != nil {
		return "", fmt.Errorf("cannot find the token cache file: %w", err)
	}
	return filepath.Join(base, "authlab", "tokens.json"), nil
}

// tokenFileVersion is the version of the token cache file's format.
const tokenFileVersion = 1

// tokenFile is the JSON of the token cache file.
type tokenFile struct {
	Version int                 `json:"version"`
	Tokens  []authn.CachedToken `json:"tokens"`
}

// FileTokenCache keeps tokens in one JSON file, 0600 in a 0700 folder,
// replaced atomically (temporary file, fsync, rename) under a lock file,
// so two authlab processes never lose each other's entries. A file that
// others may read is refused, not used.
type FileTokenCache struct {
	Path string
	mu   sync.Mutex
}

// Where names the file.
func (c *FileTokenCache) Where() string { return "file " + c.Path }

// read returns the file's entries (none when it does not exist).
func (c *FileTokenCache) read() ([]authn.CachedToken, error) {
	fi, err := os.Stat(c.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the token cache %s: %w", c.Path, err)
	}
	if checkModes && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("the token cache %s may be read by others (mode %04o): chmod 600 '%s', or remove it", c.Path, fi.Mode().Perm(), c.Path)
	}
	b, err := os.ReadFile(c.Path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the token cache %s: %w", c.Path, err)
	}
	var f tokenFile
	if err := json.Unmarshal(b, &f); err != nil || f.Version != tokenFileVersion {
		return nil, fmt.Errorf("the token cache %s is not an authlab token file (version %d): remove it, `authlab tokens forget --all`", c.Path, tokenFileVersion)
	}
	return f.Tokens, nil
}

// update changes the entries under the lock and writes them back.
func (c *FileTokenCache) update(f func([]authn.CachedToken) []authn.CachedToken) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	dir := filepath.Dir(c.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create %s for the token cache: %w", dir, err)
	}
	unlock, err := lockFile(c.Path+".lock", "the token cache")
	if err != nil {
		return err
	}
	defer unlock()
	old, err := c.read()
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(tokenFile{Version: tokenFileVersion, Tokens: f(old)}, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(c.Path, append(b, '\n'))
}

// Load returns the entry under key.
func (c *FileTokenCache) Load(key string) (authn.CachedToken, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	all, err := c.read()
	if err != nil {
		return authn.CachedToken{}, false, err
	}
	for _, t := range all {
		if t.Key == key {
			return t, true, nil
		}
	}
	return authn.CachedToken{}, false, nil
}

// Store keeps t, replacing the entry with its key.
func (c *FileTokenCache) Store(t authn.CachedToken) error {
	return c.update(func(all []authn.CachedToken) []authn.CachedToken {
		all = slices.DeleteFunc(all, func(o authn.CachedToken) bool { return o.Key == t.Key })
		return append(all, t)
	})
}

// Forget removes the entry under key.
func (c *FileTokenCache) Forget(key string) error {
	if _, ok, err := c.Load(key); err != nil || !ok {
		return err // nothing to remove: the file is not even created
	}
	return c.update(func(all []authn.CachedToken) []authn.CachedToken {
		return slices.DeleteFunc(all, func(o authn.CachedToken) bool { return o.Key == key })
	})
}

// List returns every entry.
func (c *FileTokenCache) List() ([]authn.CachedToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read()
}

// TokenKeyringService is the keyring service of the token cache entries,
// apart from KeyringService's keyring:NAME secrets.
const TokenKeyringService = "authlab-tokens"

// tokenIndex is the keyring entry listing the keys of the cached tokens
// (a keyring cannot list its entries portably).
const tokenIndex = "index"

// KeyringTokenCache keeps each token as one JSON entry of the OS keyring
// (service authlab-tokens, account KEY), and the list of keys in the entry
// "index".
type KeyringTokenCache struct {
	Keyring Keyring
	mu      sync.Mutex
}

// Where names the keyring.
func (c *KeyringTokenCache) Where() string { return "OS keyring (service " + TokenKeyringService + ")" }

func (c *KeyringTokenCache) index() ([]string, error) {
	v, err := c.Keyring.Get(TokenKeyringService, tokenIndex)
	if errors.Is(err, ErrKeyringNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the OS keyring cannot be used for the token cache (%v): use --token-cache file", err)
	}
	var keys []string
	if json.Unmarshal([]byte(v), &keys) != nil {
		return nil, nil // a damaged index lists nothing; entries are found by key all the same
	}
	return keys, nil
}

func (c *KeyringTokenCache) setIndex(keys []string) error {
	b, _ := json.Marshal(keys)
	return c.Keyring.Set(TokenKeyringService, tokenIndex, string(b))
}

// Load returns the entry under key.
func (c *KeyringTokenCache) Load(key string) (authn.CachedToken, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.load(key)
}

func (c *KeyringTokenCache) load(key string) (authn.CachedToken, bool, error) {
	v, err := c.Keyring.Get(TokenKeyringService, key)
	if errors.Is(err, ErrKeyringNotFound) {
		return authn.CachedToken{}, false, nil
	}
	if err != nil {
		return authn.CachedToken{}, false, fmt.Errorf("the OS keyring cannot be used for the token cache (%v): use --token-cache file", err)
	}
	var t authn.CachedToken
	if err := json.Unmarshal([]byte(v), &t); err != nil || t.Key != key {
		return authn.CachedToken{}, false, nil
	}
	return t, true, nil
}

// Store keeps t under its key and adds the key to the index.
func (c *KeyringTokenCache) Store(t authn.CachedToken) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if err := c.Keyring.Set(TokenKeyringService, t.Key, string(b)); err != nil {
		return fmt.Errorf("the OS keyring cannot be used for the token cache (%v): use --token-cache file", err)
	}
	keys, err := c.index()
	if err != nil {
		return err
	}
	if !slices.Contains(keys, t.Key) {
		return c.setIndex(append(keys, t.Key))
	}
	return nil
}

// Forget empties the entry under key (go-keyring's Keyring here has no
// delete: an empty value is no entry) and drops it from the index.
func (c *KeyringTokenCache) Forget(key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys, err := c.index()
	if err != nil {
		return err
	}
	if !slices.Contains(keys, key) {
		return nil
	}
	if err := c.Keyring.Set(TokenKeyringService, key, ""); err != nil {
		return err
	}
	return c.setIndex(slices.DeleteFunc(keys, func(k string) bool { return k == key }))
}

// List returns the entries of the index.
func (c *KeyringTokenCache) List() ([]authn.CachedToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys, err := c.index()
	if err != nil {
		return nil, err
	}
	var out []authn.CachedToken
	for _, k := range keys {
		if t, ok, err := c.load(k); err != nil {
			return nil, err
		} else if ok {
			out = append(out, t)
		}
	}
	return out, nil
}
