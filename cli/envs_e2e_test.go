package cli_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/cli"
	"github.com/authlab/authlab/practice"
)

// varsWorld is a user's machine for the variables tests: HOME and XDG
// folders in a temporary folder, the user's own profiles folder in it.
type varsWorld struct {
	t       *testing.T
	vars    map[string]string
	own     string // the user's own profiles folder (trusted)
	history string
}

func newVarsWorld(t *testing.T) *varsWorld {
	home := t.TempDir()
	w := &varsWorld{t: t, vars: map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "XDG_STATE_HOME": filepath.Join(home, ".state"),
	}}
	w.own = filepath.Join(home, ".config", "authlab", "profiles")
	w.history = filepath.Join(home, ".state", "authlab", "history.jsonl")
	return w
}

func (w *varsWorld) write(path, content string) {
	w.t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// run runs authlab in-process (cli.Run, as main does) with no terminal.
func (w *varsWorld) run(args ...string) (stdout, stderr string, code int) {
	w.t.Helper()
	var out, errb bytes.Buffer
	env := cli.Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		LookupEnv: func(k string) (string, bool) { v, ok := w.vars[k]; return v, ok },
		ReadFile:  os.ReadFile,
	}
	code = cli.Run(context.Background(), args, env)
	return out.String(), errb.String(), code
}

// A profile with {{variables}}, an environment that holds the base URL and
// an env: reference for the password, the password in an --env-file: the
// practice server answers 200, and the password shows nowhere: not on
// stdout or stderr, not in history, which keeps {{base}} and the
// environment's name.
func TestSendWithEnvironment(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	w := newVarsWorld(t)
	w.write(filepath.Join(w.own, "gh", "user.toml"), `version = 1
method = "GET"
url = "{{base}}/github/user"
scheme = "basic"

[fields]
username = "{{user}}"
password = "{{pass}}"

[vars]
user = "`+practice.DemoUser+`"
base = "http://127.0.0.1:1/unused-default"
`)
	w.write(filepath.Join(w.own, "environments", "dev.toml"), `version = 1
[vars]
base = "`+srv.URL+`"
pass = { value = "env:DEMO_PASS", secret = true }
`)
	w.write(filepath.Join(w.own, "environments", "local.toml"), `[vars]
base = "{{practice}}"
pass = "env:DEMO_PASS"
`)
	w.write(filepath.Join(w.own, "environments", "cmd.toml"), `[vars]
base = "`+srv.URL+`"
pass = "command:echo `+practice.DemoPassword+`"
`)
	envFile := filepath.Join(t.TempDir(), "secrets.env")
	w.write(envFile, "# the demo password\nexport DEMO_PASS='"+practice.DemoPassword+"'\n")

	for _, tt := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"--env dev", []string{"send", "--profile", "gh/user", "--env", "dev", "--env-file", envFile, "-v"}, nil},
		{"AUTHLAB_ENV=local ({{practice}})", []string{"send", "--profile", "gh/user", "--env-file", envFile}, map[string]string{"AUTHLAB_ENV": "local"}},
		{"command: from the environment", []string{"send", "--profile", "gh/user", "--env", "cmd"}, nil},
		{"--var over the environment", []string{"send", "--profile", "gh/user", "--env", "local", "--var", "base=" + srv.URL, "--env-file", envFile}, nil},
	} {
		for k, v := range tt.env {
			w.vars[k] = v
		}
		stdout, stderr, code := w.run(tt.args...)
		for k := range tt.env {
			delete(w.vars, k)
		}
		if code != 0 || !strings.Contains(stdout, "200") {
			t.Errorf("%s: authlab %q = exit %d\nstdout: %s\nstderr: %s; want exit 0 and 200", tt.name, tt.args, code, stdout, stderr)
		}
		if strings.Contains(stdout+stderr, practice.DemoPassword) {
			t.Errorf("%s: the password from the .env file shows in the output:\n%s%s", tt.name, stdout, stderr)
		}
	}
	hist, err := os.ReadFile(w.history)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(hist), practice.DemoPassword) {
		t.Errorf("history holds the password:\n%s", hist)
	}
	for _, want := range []string{`"env":"dev"`, `"env":"local"`, `"request_url":"{{base}}/github/user"`} {
		if !strings.Contains(string(hist), want) {
			t.Errorf("history lacks %s:\n%s", want, hist)
		}
	}
	// export fills the variables and keeps the reference a variable of the script
	stdout, stderr, code := w.run("export", "--profile", "gh/user", "--env", "dev", "--format", "curl")
	if code != 0 || !strings.Contains(stdout, srv.URL+"/github/user") || !strings.Contains(stdout, "DEMO_PASS") || strings.Contains(stdout, "{{") {
		t.Errorf("export --env dev = exit %d\n%s%s; want the URL filled and $DEMO_PASS read by the script", code, stdout, stderr)
	}
	// the process environment wins over the .env file
	w.vars["DEMO_PASS"] = "not-the-password"
	stdout, _, code = w.run("send", "--profile", "gh/user", "--env", "dev", "--env-file", envFile)
	delete(w.vars, "DEMO_PASS")
	if code != 4 || !strings.Contains(stdout, "Bad credentials") {
		t.Errorf("with DEMO_PASS exported: exit %d, %s; want 4 and Bad credentials (the shell's value wins)", code, stdout)
	}
}

func TestEnvironmentErrorsAndCommands(t *testing.T) {
	w := newVarsWorld(t)
	w.write(filepath.Join(w.own, "x.toml"), "url = \"{{base_url}}/a\"\n")
	w.write(filepath.Join(w.own, "environments", "dev.toml"), "[vars]\nother = 'x'\ntoken = 'env:TOKEN'\nsecret = { value = 'lit', secret = true }\n")
	var tests = []struct {
		args []string
		code int
		want string // on stderr (errors) or stdout
	}{
		{[]string{"send", "--profile", "x", "--env", "dev"}, 1, `{{base_url}} (in the URL) is not defined: not in environment "dev" (` + w.own + `/environments/dev.toml), not in profile "x"'s [vars], not a built-in: add it, or choose another environment with --env`},
		{[]string{"send", "--profile", "x", "--env", "nope"}, 1, `no environment "nope"`},
		{[]string{"send", "--profile", "x", "--var", "bad"}, 1, `bad --var "bad": write NAME=VALUE`},
		{[]string{"send", "--profile", "x", "--env-file", "/nonexistent.env"}, 1, "--env-file /nonexistent.env: cannot read the .env file"},
		{[]string{"envs", "list"}, 0, "dev  3 variables  other, token, secret"},
		{[]string{"envs", "show", "dev"}, 0, "token   = env:TOKEN"},
	}
	for _, tt := range tests {
		stdout, stderr, code := w.run(tt.args...)
		if code != tt.code || !strings.Contains(stdout+stderr, tt.want) {
			t.Errorf("authlab %q = exit %d\nstdout: %s\nstderr: %s; want exit %d with %q", tt.args, code, stdout, stderr, tt.code, tt.want)
		}
	}
	if stdout, _, _ := w.run("envs", "show", "dev"); strings.Contains(stdout, "lit") {
		t.Errorf("envs show prints a secret literal:\n%s", stdout)
	}
}

// An environment in a folder the user has not trusted does not read env:
// or run command: for its variables; nothing is sent.
func TestUntrustedEnvironment(t *testing.T) {
	w := newVarsWorld(t)
	shared := filepath.Join(t.TempDir(), "workshop")
	marker := filepath.Join(t.TempDir(), "ran")
	w.write(filepath.Join(shared, "p.toml"), "url = \"http://127.0.0.1:1/{{t}}\"\n")
	w.write(filepath.Join(shared, "environments", "dev.toml"), "[vars]\nt = 'env:SECRET_TOKEN'\n")
	w.write(filepath.Join(shared, "environments", "cmd.toml"), "[vars]\nt = \"command:touch "+marker+"\"\n")
	w.write(filepath.Join(shared, ".env"), "SECRET_TOKEN=from-the-folder\n")
	w.vars["SECRET_TOKEN"] = "shell-secret"
	for _, env := range []string{"dev", "cmd"} {
		_, stderr, code := w.run("send", "--profiles", shared, "--profile", "p", "--env", env)
		if code != 1 || !strings.Contains(stderr, `environment "`+env+`" is in the untrusted folder`) || !strings.Contains(stderr, "authlab trust") {
			t.Errorf("--env %s in an untrusted folder: exit %d, %s; want 1 naming authlab trust", env, code, stderr)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("the untrusted environment's command: ran")
	}
}

// profiles show lists a profile's [vars] defaults: references as written
// (nothing is read), secret literals masked.
func TestProfilesShowVars(t *testing.T) {
	w := newVarsWorld(t)
	w.write(filepath.Join(w.own, "y.toml"), "url = '{{base}}/a'\n[vars]\nbase = 'https://api.example'\ntoken = 'env:Y_TOKEN'\nkey = { value = 'lit-secret-value', secret = true }\n")
	stdout, stderr, code := w.run("profiles", "show", "y")
	if code != 0 {
		t.Fatalf("profiles show y: exit %d %s", code, stderr)
	}
	for _, want := range []string{"var base", "https://api.example", "var token", "env:Y_TOKEN", "var key"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("profiles show y lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "lit-secret-value") {
		t.Errorf("profiles show y printed the secret variable:\n%s", stdout)
	}
}
