package profiles

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

var splitCommandTests = []struct {
	in   string
	want string // argv joined by "|", or the error's text
	err  bool
}{
	{"gh auth token", "gh|auth|token", false},
	{`pass show "work/api key"`, "pass|show|work/api key", false},
	{`op read 'op://vault/item/field'`, "op|read|op://vault/item/field", false},
	{"", "names no program", true},
	{"echo $HOME", "uses the variable $HOME", true},
	{"cat token | tr -d x", "without a shell", true},
	{"echo $(id)", "without a shell", true},
	{"echo 'open", "", true},
}

func TestSplitCommand(t *testing.T) {
	for _, tt := range splitCommandTests {
		argv, err := SplitCommand(tt.in)
		if tt.err {
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("SplitCommand(%q) = %q, %v; want an error with %q", tt.in, argv, err, tt.want)
			}
			continue
		}
		if err != nil || strings.Join(argv, "|") != tt.want {
			t.Errorf("SplitCommand(%q) = %q, %v; want %q", tt.in, argv, err, tt.want)
		}
	}
}

func TestCommandReference(t *testing.T) {
	for _, prog := range []string{"printf", "sh", "sleep"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("%s not installed", prog)
		}
	}
	var tests = []struct {
		ref, want string
		err       bool
	}{
		{`command:printf 'tok-123\n'`, "tok-123", false},
		{`command:printf 'a\nb\n\n'`, "a\nb\n", false},
		{`command:sh -c 'echo "no such vault" >&2; echo "second" >&2; exit 3'`, "sh failed (exit status 3): no such vault", true},
		{`command:sh -c 'read x; echo "got:$x"'`, "got:", false}, // stdin is empty
		{`command:sleep 5`, "sleep did not finish within 200ms", true},
		{`command:/nonexistent/prog`, "/nonexistent/prog failed", true},
		{`command:sh -c 'head -c 70000 /dev/zero'`, "printed more than 64 KiB", true},
	}
	r := Resolver{Commands: NewCommandRunner(200 * time.Millisecond)}
	for _, tt := range tests {
		v, isRef, err := r.Resolve("token", tt.ref)
		if !isRef {
			t.Errorf("Resolve(%q) isRef = false", tt.ref)
		}
		if tt.err {
			var re *RefError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Resolve(%q) = %q, %v; want a one-line RefError with %q", tt.ref, v, err, tt.want)
			}
			continue
		}
		if err != nil || v != tt.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", tt.ref, v, err, tt.want)
		}
	}
}

// The same command runs once per runner; without a runner (export,
// profiles show) none runs; from an untrusted folder none runs.
func TestCommandCachedAndRefused(t *testing.T) {
	runs := 0
	cr := &CommandRunner{Run: func(_ context.Context, argv []string) ([]byte, []byte, error) {
		runs++
		return []byte("secret-out-" + argv[1] + "\n"), nil, nil
	}}
	r := Resolver{Commands: cr}
	p := Profile{URL: "https://h/{{t}}", Scheme: "bearer", Fields: map[string]string{"token": "command:vault read"},
		Vars: []Var{{Name: "t", Value: "command:vault read"}}}
	for range 2 {
		rs, err := Resolve(context.Background(), p, r, Policy{})
		if err != nil {
			t.Fatal(err)
		}
		if rs.Request.Fields["token"] != "secret-out-read" || rs.Request.URL != "https://h/secret-out-read" || !rs.Secrets.Contains("secret-out-read") {
			t.Errorf("Resolve = %q %q, secrets %q", rs.Request.Fields, rs.Request.URL, rs.Secrets.Values())
		}
	}
	if runs != 1 {
		t.Errorf("the command ran %d times; want once per runner", runs)
	}
	if _, _, err := (Resolver{}).Resolve("token", "command:vault read"); err == nil || !strings.Contains(err.Error(), "run only when a request is sent") {
		t.Errorf("Resolve(command:) without a runner = %v; want refused", err)
	}
	p.Source = sourceOf("/shared", false, &p)
	_, err := Resolve(context.Background(), p, r, Policy{})
	var ue *UntrustedError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `"command:vault read" (field token)`) {
		t.Errorf("Resolve(untrusted command:) = %v; want an *UntrustedError", err)
	}
	if err := CheckRef("command:echo $X"); err == nil {
		t.Errorf("CheckRef(command:echo $X) = nil; want an error")
	}
}
