// Package golden compares test output with files under testdata/, the way
// the bubbles and Go tool tests do: one -update flag for the whole tree
// (`go test ./... -update` rewrites every golden file), one message that
// says how. Only tests import it.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update is the one -update flag; a test flag is registered once per test
// binary, so it lives here rather than in every package's tests.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Updating reports whether -update was given.
func Updating() bool { return *update }

// Path is testdata/NAME.golden.
func Path(name string) string { return filepath.Join("testdata", name+".golden") }

// Assert compares got with testdata/NAME.golden, or rewrites that file
// under -update. On a mismatch it reports the first differing line.
func Assert(t testing.TB, name, got string) {
	t.Helper()
	path := Path(name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with: go test . -run '%s' -update)", err, t.Name())
	}
	if got == string(want) {
		return
	}
	line, g, w := firstDiff(got, string(want))
	t.Errorf("%s differs at line %d:\n got: %q\nwant: %q\n(if the change is intended: go test . -run '%s' -update)\n--- got\n%s",
		path, line, g, w, t.Name(), got)
}

// firstDiff returns the 1-based number of the first line that differs and
// both versions of it.
func firstDiff(got, want string) (int, string, string) {
	gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w || i >= len(gl) || i >= len(wl) {
			return i + 1, g, w
		}
	}
	return 0, "", ""
}
