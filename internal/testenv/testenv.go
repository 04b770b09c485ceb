// Package testenv decides what a test may use on this machine: the clients
// no one here wrote (curl, HTTPie, Python packages, openssl) and the slow
// full tier. A missing peer skips with one line naming the Debian package
// that brings it, unless AUTHLAB_REQUIRE_INTEROP=1 (set by .ci/run), where
// it fails the test instead: CI must never pass by skipping. Only tests
// import it.
package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// RequireEnv is the variable that turns a missing peer into a failure.
const RequireEnv = "AUTHLAB_REQUIRE_INTEROP"

// Required reports whether a missing peer must fail the test.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// missing skips or fails t with one line: what is missing and how to get it.
func missing(t testing.TB, what, debPkgs string) {
	t.Helper()
	msg := what + ": install it with apt-get install " + debPkgs
	if Required() {
		t.Fatalf("%s (%s=1: a missing interop peer fails)", msg, RequireEnv)
	}
	t.Skipf("skipped: %s (or set %s=1 to make this a failure)", msg, RequireEnv)
}

// Program returns the path of prog on PATH (or prog itself when it is an
// absolute path that exists); without it the test skips, naming debPkg.
func Program(t testing.TB, prog, debPkg string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		missing(t, prog+" is not installed", debPkg)
	}
	return p
}

// Python is Debian's /usr/bin/python3 (not a pyenv or venv one: the
// packages are Debian's) after checking that it imports every module;
// debPkgs names the packages that bring them. Python interop runs are
// the full tier: under -short they are skipped.
func Python(t testing.TB, modules []string, debPkgs ...string) string {
	t.Helper()
	Full(t, "Python interop")
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		missing(t, py+" is not installed", "python3 "+strings.Join(debPkgs, " "))
	}
	if len(modules) > 0 {
		code := "import " + strings.Join(modules, ", ")
		if out, err := exec.Command(py, "-c", code).CombinedOutput(); err != nil {
			missing(t, "python3 cannot "+code+" ("+lastLine(string(out))+")", strings.Join(debPkgs, " "))
		}
	}
	return py
}

// Full marks a test (or subtest) as the full tier: interop builds and runs,
// 20 MB documents. `go test -short` skips it.
func Full(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("skipped under -short: %s runs in the full tier", what)
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
