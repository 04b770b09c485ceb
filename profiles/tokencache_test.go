package profiles

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/authlab/authlab/authn"
)

func testToken(endpoint, at string) authn.CachedToken {
	t := authn.CachedToken{Endpoint: endpoint, ClientID: "c", Scope: "openid", Scheme: "oidc", AccessToken: at, RefreshToken: "rt-" + at,
		Obtained: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Expiry: time.Date(2026, 1, 2, 4, 4, 5, 0, time.UTC)}
	t.Key = authn.TokenCacheKey(t.Endpoint, t.ClientID, t.Scope, t.User)
	return t
}

// Both caches: store, load, replace, list, forget, forget again.
func TestTokenCaches(t *testing.T) {
	keyring.MockInit()
	t.Cleanup(func() { keyring.MockInitWithError(errors.New("go-keyring mock reset by a test")) })
	dir := t.TempDir()
	caches := []struct {
		name string
		c    TokenStore
	}{
		{"file", &FileTokenCache{Path: filepath.Join(dir, "state", "authlab", "tokens.json")}},
		{"keyring", &KeyringTokenCache{Keyring: OSKeyring()}},
	}
	for _, tc := range caches {
		t.Run(tc.name, func(t *testing.T) {
			a, b := testToken("https://a.example", "one"), testToken("https://b.example", "two")
			if _, ok, err := tc.c.Load(a.Key); ok || err != nil {
				t.Fatalf("Load on an empty cache = %v, %v", ok, err)
			}
			for _, x := range []authn.CachedToken{a, b, testToken("https://a.example", "three")} {
				if err := tc.c.Store(x); err != nil {
					t.Fatalf("Store: %v", err)
				}
			}
			got, ok, err := tc.c.Load(a.Key)
			if err != nil || !ok || got.AccessToken != "three" || got.RefreshToken != "rt-three" || !got.Expiry.Equal(a.Expiry) {
				t.Errorf("Load(a) = %+v, %v, %v; want the replaced entry", got, ok, err)
			}
			if all, err := tc.c.List(); err != nil || len(all) != 2 {
				t.Errorf("List = %d entries, %v; want 2", len(all), err)
			}
			if err := tc.c.Forget(a.Key); err != nil {
				t.Fatal(err)
			}
			if err := tc.c.Forget(a.Key); err != nil {
				t.Errorf("second Forget: %v", err)
			}
			if _, ok, _ := tc.c.Load(a.Key); ok {
				t.Errorf("Load after Forget found the entry")
			}
			if all, _ := tc.c.List(); len(all) != 1 || all[0].Key != b.Key {
				t.Errorf("List after Forget = %+v; want b only", all)
			}
		})
	}
}

// The file is 0600 in a 0700 folder, never half-written under concurrent
// stores, and a file others may read is refused.
func TestFileTokenCacheModes(t *testing.T) {
	if !checkModes {
		t.Skip("file modes are not POSIX here")
	}
	path := filepath.Join(t.TempDir(), "authlab", "tokens.json")
	c := &FileTokenCache{Path: path}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := (&FileTokenCache{Path: path}).Store(testToken("https://op"+string(rune('a'+i)), "t")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if all, err := c.List(); err != nil || len(all) != 8 {
		t.Errorf("after 8 concurrent stores List = %d, %v; want 8", len(all), err)
	}
	fi, _ := os.Stat(path)
	di, _ := os.Stat(filepath.Dir(path))
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("modes file %o folder %o; want 600 and 700", fi.Mode().Perm(), di.Mode().Perm())
	}
	os.Chmod(path, 0o644)
	if _, _, err := c.Load("x"); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("Load of a 0644 cache = %v; want a refusal naming chmod 600", err)
	}
}

func TestDefaultTokenCachePath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}, "/s/authlab/tokens.json"},
		{map[string]string{"XDG_STATE_HOME": "rel", "HOME": "/h"}, "/h/.local/state/authlab/tokens.json"},
	}
	for _, tt := range tests {
		got, err := DefaultTokenCachePath(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
		if err != nil || filepath.ToSlash(got) != tt.want {
			t.Errorf("DefaultTokenCachePath(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}
