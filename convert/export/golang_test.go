package export

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
	"github.com/authlab/authlab/profiles"
)

// TestGoGolden writes every case and compares it with
// testdata/go-NAME.golden; no text holds a secret and every one is
// gofmt-clean (render formats it, and fails when it does not parse).
func TestGoGolden(t *testing.T) {
	for _, c := range codeCases {
		s, err := Export(c.prof, "go", codeOptions("http://127.0.0.1:8089"))
		if c.golang == "unsupported" {
			if !errors.Is(err, ErrUnsupported) {
				t.Errorf("Export(%s, go) = %v; want ErrUnsupported", c.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Export(%s, go): %v", c.name, err)
			continue
		}
		golden(t, "go-"+c.name, s.Text)
		assertNoCodeSecret(t, "go-"+c.name, s.Text)
	}
}

// goModuleDir makes a module that requires what authlab requires (the
// same go.mod and go.sum, so every import resolves from the module cache,
// offline) and writes each program into its own package directory.
func goModuleDir(t *testing.T, programs map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile("../../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	mod = regexp.MustCompile(`(?m)^module .*$`).ReplaceAll(mod, []byte("module example.com/exported"))
	writeTemp(t, dir, "go.mod", string(mod))
	writeTemp(t, dir, "go.sum", string(sum))
	for name, text := range programs {
		writeTemp(t, dir, filepath.Join(name, "main.go"), text)
	}
	return dir
}

// goBuild compiles every program with one go build (the go command builds
// them in parallel) and returns the directory of the binaries.
func goBuild(t *testing.T, programs map[string]string) string {
	t.Helper()
	testenv.Full(t, "go build of the exported programs")
	dir := goModuleDir(t, programs)
	bin := t.TempDir()
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	for name := range programs {
		args = append(args, "./"+name)
	}
	cmd := exec.Command(testenv.Go(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local", "GOFLAGS=", "GOPROXY=off", "GOWORK=off")
	if code, out := exitCode(t, cmd); code != 0 {
		t.Fatalf("go build of the exported programs: exit %d\n%s", code, out)
	}
	return bin
}

// TestGoPrograms builds every exported program in one go build, then runs
// each against the practice server with only its variables in the
// environment: 200, and refused with one secret spoiled. The same build
// holds the hostile-values program (checked byte for byte by a recording
// server) and checks that a missing variable ends the program with one line.
func TestGoPrograms(t *testing.T) {
	t.Parallel() // the build and the device flow's polling take seconds: overlap them with the other tests
	base, _ := startPractice(t)
	recURL, got := codeRecorder(t)
	hostile := hostileCodeProfile(recURL)
	programs := map[string]string{}
	snippets := map[string]Snippet{}
	for _, c := range codeCases {
		if c.golang == "unsupported" {
			continue
		}
		s, err := Export(c.prof, "go", codeOptions(base))
		if err != nil {
			t.Fatalf("Export(%s, go): %v", c.name, err)
		}
		programs[c.name], snippets[c.name] = s.Text, s
	}
	hs, err := Export(hostile, "go", codeOptions(recURL))
	if err != nil {
		t.Fatal(err)
	}
	programs["hostile"] = hs.Text
	bin := goBuild(t, programs)

	t.Run("hostile", func(t *testing.T) {
		cmd := exec.Command(filepath.Join(bin, "hostile"))
		cmd.Env = []string{"HOSTILE_PASSWORD=" + hostileText}
		if code, out := exitCode(t, cmd); code != 0 {
			t.Fatalf("exit %d:\n%s", code, out)
		}
		checkHostile(t, "go", hostile, got(), hs.Text)
	})
	t.Run("missing", func(t *testing.T) {
		cmd := exec.Command(filepath.Join(bin, "oauth1"))
		cmd.Env = []string{}
		code, out := exitCode(t, cmd)
		if want := "set the environment variables TWITTER_CONSUMER_SEC, TWITTER_TOKEN_SEC first\n"; code != 1 || out != want {
			t.Errorf("oauth1 without its variables: exit %d, %q; want 1, %q", code, out, want)
		}
	})
	for _, c := range codeCases {
		if c.golang != "run" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := snippets[c.name]
			env := envFor(t, s, codeRefs)
			cmd := exec.Command(filepath.Join(bin, c.name))
			cmd.Env = env
			code, out := exitCode(t, cmd)
			if code != 0 || !strings.HasPrefix(out, "200 ") && !strings.Contains(out, "\n200 ") {
				t.Fatalf("go %s: exit %d; want 0 and 200:\n%s\n%s", c.name, code, out, s.Text)
			}
			if c.wrong == "" {
				return
			}
			bad, ok := spoilEnv(s, env, c.wrong)
			if !ok {
				t.Fatalf("the program does not read %s", c.wrong)
			}
			cmd = exec.Command(filepath.Join(bin, c.name))
			cmd.Env = bad
			if code, out := exitCode(t, cmd); code == 0 {
				t.Errorf("go %s with %s spoiled: exit 0; want a refusal:\n%s", c.name, c.wrong, out)
			}
		})
	}
}

// TestGoReveal: with Reveal the literal secret is in the program and no
// variable is read.
func TestGoReveal(t *testing.T) {
	opt := codeOptions("http://127.0.0.1:8089")
	opt.Reveal = true
	for _, name := range []string{"basic", "oauth1", "sigv4"} {
		c := codeCaseNamed(t, name)
		s, err := Export(c.prof, "go", opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Vars) != 0 || strings.Contains(s.Text, "need(") {
			t.Errorf("go %s revealed still reads %v:\n%s", name, s.Vars, s.Text)
		}
		if want := codeRefs[c.wrong]; !strings.Contains(s.Text, want) {
			t.Errorf("go %s revealed lacks %q:\n%s", name, want, s.Text)
		}
	}
}

var goStrTests = []struct{ in, want string }{
	{"plain", `"plain"`},
	{`{"sub":"demo"}`, "`{\"sub\":\"demo\"}`"},
	{"a\"`b", `"a\"` + "`" + `b"`},
	{"bidi \"\u202e\"", `"bidi \"\u202e\""`},
	{"nl \"\n\"", `"nl \"\n\""`},
}

func TestGoStr(t *testing.T) {
	for _, tt := range goStrTests {
		if got := goStr(tt.in); got != tt.want {
			t.Errorf("goStr(%q) = %s; want %s", tt.in, got, tt.want)
		}
	}
}

// TestPresignKeepsSecrets: a request signed ahead (OAuth 1.0a in the query,
// which dghubble/oauth1 cannot do) still reads a secret header from the
// environment, says until when it is valid, and lists only the variable it
// reads.
func TestPresignKeepsSecrets(t *testing.T) {
	p := codeCaseNamed(t, "oauth1").prof
	p.Fields = codeOAuth1(map[string]string{"placement": "query"})
	p.Headers = []profiles.Header{{Name: "Cookie", Value: "env:DEMO_TOKEN"}}
	for _, format := range []string{"go", "python"} {
		if format == "python" {
			// python signs OAuth 1.0a itself; JWT claims held in a
			// reference make it sign ahead
			p.Scheme, p.Fields = "jwt", map[string]string{"claims": "env:JWT_CLAIMS", "secret": "env:JWT_SECRET"}
		}
		s, err := Export(p, format, codeOptions("http://127.0.0.1:8089"))
		if err != nil {
			t.Fatalf("Export(%s): %v", format, err)
		}
		assertNoCodeSecret(t, format, s.Text)
		if !strings.Contains(s.Text, `env["DEMO_TOKEN"]`) || len(s.Vars) != 1 || s.Vars[0].Name != "DEMO_TOKEN" {
			t.Errorf("%s presigned reads %v; want only DEMO_TOKEN, through env:\n%s", format, s.Vars, s.Text)
		}
		// how long is the scheme's own fact: a nonce for OAuth 1.0a, the
		// exp claim for a JWT (which is valid until then, not for one use)
		valid := map[string]string{"go": "valid only for this timestamp and nonce", "python": "valid until its exp claim, 2026-01-02T04:04:05Z"}[format]
		if len(s.Warnings) == 0 || !strings.Contains(s.Warnings[0], valid) || !strings.Contains(s.Text, "2026-01-02T03:04:05Z") {
			t.Errorf("%s presigned warnings %q; want one saying it is %s\n%s", format, s.Warnings, valid, s.Text)
		}
	}
}
