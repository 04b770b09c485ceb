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
	"path/filepath"
	"regexp"
	"slices"
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
			missing(t, py+": "+lastLine(string(out)), strings.Join(debPkgs, " "))
		}
	}
	return py
}

// PythonScript is Python for running script, an authlab export: the
// modules are the script's own import lines, and the Debian packages to
// name are the python3-* packages its comments name ("Needs Python 3 and
// requests (Debian: python3-requests)"), so a test never lists them twice.
func PythonScript(t testing.TB, script string) string {
	t.Helper()
	return Python(t, pythonImports(script), debianPackages(script)...)
}

// pythonImports returns the modules of script's top-level import lines
// ("import a, b as c", "from a.b import c"), in order, without repeats.
func pythonImports(script string) []string {
	var mods []string
	add := func(m string) {
		if m = strings.TrimSpace(m); m != "" && !strings.HasPrefix(m, ".") && !slices.Contains(mods, m) {
			mods = append(mods, m)
		}
	}
	for _, line := range strings.Split(script, "\n") {
		switch {
		case strings.HasPrefix(line, "import "):
			for _, m := range strings.Split(strings.TrimPrefix(line, "import "), ",") {
				m, _, _ = strings.Cut(strings.TrimSpace(m), " ")
				add(m)
			}
		case strings.HasPrefix(line, "from "):
			m, _, _ := strings.Cut(strings.TrimPrefix(line, "from "), " ")
			add(m)
		}
	}
	return mods
}

var debianPython = regexp.MustCompile(`\bpython3-[a-z0-9][a-z0-9.+-]*[a-z0-9]`)

// debianPackages returns the python3-* package names text mentions.
func debianPackages(text string) []string {
	var pkgs []string
	for _, p := range debianPython.FindAllString(text, -1) {
		if !slices.Contains(pkgs, p) {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs
}

// HTTPie is the path of HTTPie's http command. HTTPie runs are the full
// tier (each run starts a Python interpreter): under -short they skip.
func HTTPie(t testing.TB) string {
	t.Helper()
	Full(t, "HTTPie runs")
	return Program(t, "http", "httpie")
}

// Go is the go command running the tests (it is on PATH under go test);
// without it the test fails: it is this project's own toolchain, not a
// peer to skip.
func Go(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	return p
}

// Full marks a test (or subtest) as the full tier: interop builds and runs,
// 20 MB documents. `go test -short` skips it.
func Full(t testing.TB, what string) {
	t.Helper()
	if testing.Short() {
		t.Skipf("skipped under -short: %s runs in the full tier", what)
	}
}

// NodeModulesEnv names the node_modules folder Node interop tests load
// their peers from; unset, it is .ci/node/node_modules of this module,
// where .ci/run installs .ci/node/package.json with npm ci.
const NodeModulesEnv = "AUTHLAB_NODE_MODULES"

// Node returns the node command and the node_modules folder that holds
// every one of the npm packages named (for example "@hapi/hawk"), for a
// test that runs an independent implementation written in JavaScript.
// Node interop runs are the full tier: under -short they skip. A missing
// node or package skips (fails under AUTHLAB_REQUIRE_INTEROP=1) with one
// line saying how to install it. Run the script with NODE_PATH set to the
// returned folder.
func Node(t testing.TB, packages ...string) (node, modules string) {
	t.Helper()
	Full(t, "Node interop")
	node, err := exec.LookPath("node")
	if err != nil {
		missing(t, "node is not installed", "nodejs npm")
	}
	modules = os.Getenv(NodeModulesEnv)
	if modules == "" {
		root, err := moduleRoot()
		if err != nil {
			t.Fatalf("testenv: %v", err)
		}
		modules = filepath.Join(root, ".ci", "node", "node_modules")
	}
	for _, p := range packages {
		if _, err := os.Stat(filepath.Join(modules, filepath.FromSlash(p), "package.json")); err != nil {
			msg := "npm package " + p + " is not in " + modules + ": run `npm ci --prefix .ci/node`"
			if Required() {
				t.Fatalf("%s (%s=1: a missing interop peer fails)", msg, RequireEnv)
			}
			t.Skipf("skipped: %s (or set %s=1 to make this a failure)", msg, RequireEnv)
		}
	}
	return node, modules
}

// moduleRoot is the folder of the go.mod above the test's working
// directory (go test runs a test in its package's folder).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", os.ErrNotExist
		}
		dir = up
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return s
}
