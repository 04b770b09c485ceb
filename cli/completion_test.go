package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
)

// complete runs cobra's hidden `__complete ARGS…` through Run, as a shell
// script does, and returns the choices (descriptions cut) and the
// directive line.
func complete(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := Run(context.Background(), append([]string{"__complete"}, args...), testEnv(&out, &errb)); code != ExitOK {
		t.Fatalf("authlab __complete %q = exit %d\n%s", args, code, errb.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	var got []string
	for _, l := range lines[:len(lines)-1] {
		choice, _, _ := strings.Cut(l, "\t")
		got = append(got, choice)
	}
	return got, lines[len(lines)-1]
}

func TestCompletion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profiles")
	files := map[string]string{
		"github.toml":   "method = \"GET\"\nurl = \"https://api.github.com/user\"\nscheme = \"basic\"\n",
		"twitter.toml":  "url = \"https://api.twitter.com/\"\nscheme = \"oauth1\"\n",
		"team/api.toml": "url = \"https://api.example/\"\nscheme = \"bearer\"\n",
		"broken.toml":   "url = \n",
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	const (
		noFile   = ":4" // ShellCompDirectiveNoFileComp
		noSpace  = ":6" // … | ShellCompDirectiveNoSpace: FIELD= is not a whole word
		dirsOnly = ":16"
	)
	oauth1Fields := "consumer_key= consumer_secret= token= token_secret= signature_method= private_key= realm= placement= nonce= timestamp= callback= verifier="
	tests := []struct {
		args      []string
		want      string // choices, space-separated; "*" prefix: these among others
		directive string
	}{
		{[]string{"--profiles", dir, "send", "--profile", ""}, "broken github team/api twitter", noFile},
		{[]string{"--profiles", dir, "send", "--profile", "te"}, "team/api", noFile},
		{[]string{"--profiles", dir, "--profile", "g"}, "github", noFile}, // the TUI's flags
		{[]string{"--profiles", dir, "profiles", "show", ""}, "broken github team/api twitter", noFile},
		{[]string{"--profiles", dir, "profiles", "rm", "tw"}, "twitter", noFile},
		{[]string{"--profiles", dir, "profiles", "mv", ""}, "broken github team/api twitter", noFile},
		{[]string{"--profiles", dir, "profiles", "mv", "github", ""}, "", noFile}, // NEW is a new name
		{[]string{"--profiles", dir, "profiles", "cp", "team/"}, "team/api", noFile},
		{[]string{"--profiles", filepath.Join(dir, "missing"), "send", "--profile", ""}, "", noFile},
		{[]string{"send", "-a", ""}, "none basic digest bearer apikey oauth1 oauth2 oidc jwt sigv4 edgegrid hawk ntlm", noFile},
		{[]string{"send", "-a", "o"}, "oauth1 oauth2 oidc", noFile},
		{[]string{"-a", "b"}, "basic bearer", noFile},
		{[]string{"schemes", "s"}, "sigv4", noFile},
		{[]string{"export", "--format", "p"}, "python postman", noFile},
		{[]string{"--profiles", dir, "export", "--profile", "te"}, "team/api", noFile},
		{[]string{"send", "-a", "oauth1", "-c", ""}, oauth1Fields, noSpace},
		{[]string{"send", "--auth=oauth1", "-c", "t"}, "token= token_secret= timestamp=", noSpace},
		{[]string{"send", "-u", "bob", "-c", ""}, "username= password=", noSpace},
		{[]string{"--profiles", dir, "send", "--profile", "team/api", "-c", ""}, "token=", noSpace},
		{[]string{"--profiles", dir, "send", "--profile", "twitter", "-u", "bob", "-c", "con"}, "consumer_key= consumer_secret=", noSpace},
		{[]string{"send", "-a", "oauth1", "-c", "signature_method="}, "signature_method=HMAC-SHA1 signature_method=HMAC-SHA256 signature_method=PLAINTEXT signature_method=RSA-SHA1", noFile},
		{[]string{"send", "-a", "oauth2", "-c", "grant=d"}, "grant=device_code", noFile},
		{[]string{"send", "-a", "oauth2", "-c", "token_url="}, "", noFile}, // a free value
		{[]string{"send", "-c", ""}, "*username= password= consumer_key= token_url= region=", noSpace},
		{[]string{"send", "-a", "kerberos", "-c", "consumer_k"}, "consumer_key=", noSpace}, // unknown -a: every scheme
		{[]string{"--profiles", ""}, "", dirsOnly},
	}
	for _, tt := range tests {
		got, directive := complete(t, tt.args...)
		gotS := strings.Join(got, " ")
		if want, some := strings.CutPrefix(tt.want, "*"); some {
			for _, w := range strings.Fields(want) {
				n := 0
				for _, g := range got {
					if g == w {
						n++
					}
				}
				if n != 1 {
					t.Errorf("__complete %q = %q; want %q once among them", tt.args, gotS, w)
				}
			}
		} else if gotS != tt.want {
			t.Errorf("__complete %q = %q; want %q", tt.args, gotS, tt.want)
		}
		if directive != tt.directive {
			t.Errorf("__complete %q directive = %s; want %s", tt.args, directive, tt.directive)
		}
	}
}

// The generated scripts: bash's parses (bash -n), and each calls back the
// hidden __complete command of the program it was generated for.
func TestCompletionScripts(t *testing.T) {
	bash := testenv.Program(t, "bash", "bash")
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		var out, errb bytes.Buffer
		if code := Run(context.Background(), []string{"completion", shell}, testEnv(&out, &errb)); code != ExitOK {
			t.Fatalf("completion %s = exit %d\n%s", shell, code, errb.String())
		}
		if !strings.Contains(out.String(), "__complete") || !strings.Contains(out.String(), "authlab") {
			t.Errorf("completion %s: the script does not call `authlab __complete`:\n%.400s", shell, out.String())
		}
		if shell != "bash" {
			continue
		}
		path := filepath.Join(t.TempDir(), "authlab.bash")
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if msg, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
			t.Errorf("bash -n on `authlab completion bash`: %v\n%s", err, msg)
		}
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"completion", "tcsh"}, `authlab: authlab completion: no script for shell "tcsh": use bash, fish, powershell or zsh` + "\n"},
		{[]string{"completion"}, "authlab: authlab completion needs a shell: bash, fish, powershell or zsh (e.g."},
	} {
		var out, errb bytes.Buffer
		if code := Run(context.Background(), tt.args, testEnv(&out, &errb)); code != ExitError || !strings.HasPrefix(errb.String(), tt.want) || out.Len() != 0 {
			t.Errorf("authlab %q = exit %d, stderr %q, stdout %q; want exit 1 and %q", tt.args, code, errb.String(), out.String(), tt.want)
		}
	}
}
