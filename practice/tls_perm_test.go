//go:build unix

package practice

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTLSRefusesReadableKey is leak 6 of issue #16: serve --tls reused a
// CA key others could read. Like OpenSSH's "UNPROTECTED PRIVATE KEY FILE",
// EnsureTLS refuses it with one line naming chmod 600, and leaves it as it
// is (neither reused nor replaced).
func TestTLSRefusesReadableKey(t *testing.T) {
	now := time.Now()
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		dir := filepath.Join(t.TempDir(), "practice-tls")
		f, err := EnsureTLS(dir, now)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(f.CAKey)
		os.Chmod(f.CAKey, mode)
		_, err = EnsureTLS(dir, now)
		want := "chmod 600 '" + f.CAKey + "'"
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("EnsureTLS with ca-key.pem mode %04o = %v; want one line containing %q", mode, err, want)
		}
		if after, _ := os.ReadFile(f.CAKey); string(after) != string(before) {
			t.Errorf("mode %04o: the CA key was replaced; want it left alone", mode)
		}
		os.Chmod(f.CAKey, 0o600)
		if g, err := EnsureTLS(dir, now); err != nil || g.Created {
			t.Errorf("after chmod 600: EnsureTLS = %v, Created = %v; want the files reused", err, g.Created)
		}
	}
}
