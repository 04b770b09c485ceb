package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
)

// A binary built from this tree with VCS stamping says which commit it is
// (and +dirty exactly when git sees changes), its module version and the
// Go version, the same through --version and version.
func TestVersionBuiltBinary(t *testing.T) {
	testenv.Full(t, "a go build of authlab with VCS stamping")
	git := testenv.Program(t, "git", "git")
	head, err := exec.Command(git, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("skipped: not a git checkout (%v): nothing to stamp", err)
	}
	rev := strings.TrimSpace(string(head))
	top, err := exec.Command(git, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	// The go command stamps only when the checkout's .git is a directory
	// (cmd/go/internal/vcs: {filename: ".git", isDir: true}); in a git
	// worktree, where .git is a file, the build says it knows no commit.
	fi, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git"))
	stamped := err == nil && fi.IsDir()
	bin := filepath.Join(t.TempDir(), "authlab")
	// -buildvcs=true: the build must stamp (a GOFLAGS=-buildvcs=false in
	// the environment would hide a build that cannot).
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "github.com/authlab/authlab")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -buildvcs=true: %v\n%s", err, out)
	}
	status, err := exec.Command(git, "status", "--porcelain").Output()
	if err != nil {
		t.Fatal(err)
	}
	commit, version := rev, "authlab v"
	if len(strings.TrimSpace(string(status))) > 0 {
		commit += "+dirty"
	}
	if !stamped {
		t.Logf("a git worktree (.git is a file): go build stamps no VCS information")
		commit, version = "unknown", "authlab (devel)"
	}
	var outs []string
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("authlab %q: %v", args, err)
		}
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(lines) < 3 || !strings.HasPrefix(lines[0], version) || stamped && !strings.Contains(lines[0], rev[:12]) {
			t.Errorf("authlab %q first line = %q; want the module's pseudo-version naming commit %s", args, lines[0], rev[:12])
		}
		if !strings.Contains(string(out), "\ncommit  "+commit+"\n") {
			t.Errorf("authlab %q = %q; want the line %q", args, out, "commit  "+commit)
		}
		if last := lines[len(lines)-1]; last != "go      "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH {
			t.Errorf("authlab %q last line = %q; want go %s", args, last, runtime.Version())
		}
		outs = append(outs, string(out))
	}
	if outs[0] != outs[1] {
		t.Errorf("authlab --version = %q but authlab version = %q; want the same", outs[0], outs[1])
	}
}
