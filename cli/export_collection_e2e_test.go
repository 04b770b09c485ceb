package cli

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
	"github.com/authlab/authlab/practice"
)

// Issue #18: "export back to a Postman collection and to a .http file, so
// a user can hand work to a colleague who uses those tools". The colleague
// is played by the tools themselves, which no one here wrote: newman
// (Postman's collection runner) runs the exported collection, httpyac (a
// runner of JetBrains/VS Code .http files) the exported file, against a
// practice server, with the secrets filled in where the export says to
// set them. Every request whose scheme the tool computes gets 2xx.
//
// Left out of the 2xx list, each for a reason of the tool's own: OAuth
// 2.0 (newman sends a token it was given and gets none; the .http file
// asks for a token by hand), and Digest (postman-runtime and httpyac
// answer only a challenge with a single qop: the practice server offers
// qop="auth, auth-int" as RFC 7616 §3.3 allows; httpyac also drops the
// query from uri=).
func TestExportCollectionRunsInOtherTools(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	demo := map[string]string{}
	for k, v := range importDemoEnv {
		demo[k] = v
	}

	t.Run("postman/newman", func(t *testing.T) {
		node, modules := testenv.Node(t, "newman")
		lookup := homeLookup(t, demo)
		importInto(t, lookup, "postman", "../convert/postman/testdata/fixtures/practice.postman_collection.json")
		dir := t.TempDir()
		file := filepath.Join(dir, "fx.postman_collection.json")
		_, stderr, code := runIn(t, lookup, "export", "--format", "postman", "--group", "fx", "-o", file)
		if code != ExitOK {
			t.Fatalf("export --format postman: exit %d\n%s", code, stderr)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{practice.DemoPassword, practice.DemoToken, practice.DemoAPIKey, practice.DemoConsumerSecret, practice.DemoAWSSecretKey} {
			if strings.Contains(string(data), secret) {
				t.Fatalf("the exported collection holds the secret %q", secret)
			}
		}
		// Each secret is an empty collection variable whose description
		// names the env: reference authlab read it from.
		var c struct {
			Variable []struct{ Key, Description string } `json:"variable"`
		}
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatal(err)
		}
		args := []string{filepath.Join(modules, "newman", "bin", "newman.js"), "run", file,
			"--env-var", "baseUrl=" + srv.URL, "--reporters", "json", "--reporter-json-export", filepath.Join(dir, "report.json")}
		ref := regexp.MustCompile(`env:([A-Z0-9_]+)`)
		filled := 0
		for _, v := range c.Variable {
			if m := ref.FindStringSubmatch(v.Description); m != nil {
				val, ok := demo[m[1]]
				if !ok {
					t.Fatalf("variable %s: the export names env:%s, which the demo values lack", v.Key, m[1])
				}
				args = append(args, "--env-var", v.Key+"="+val)
				filled++
			}
		}
		if filled < 5 {
			t.Fatalf("only %d secret variables named a reference; want every secret of the fixture:\n%s", filled, data)
		}
		cmd := exec.Command(node, args...)
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("newman run: %v\n%s", err, out)
		}
		var report struct {
			Run struct {
				Executions []struct {
					Item     struct{ Name string } `json:"item"`
					Response struct{ Code int }    `json:"response"`
				} `json:"executions"`
			} `json:"run"`
		}
		raw, err := os.ReadFile(filepath.Join(dir, "report.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &report); err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, e := range report.Run.Executions {
			got[e.Item.Name] = e.Response.Code // the last answer (Digest's retry)
		}
		want := map[string]int{
			"basic-from-the-collection": 200, "bearer-from-the-folder": 200, "api-key": 200,
			"oauth-1-0a": 200, "aws-signature": 200, "jwt": 200,
			"no-auth-opted-out": 401, // "noauth" opted out of the collection's Basic
		}
		for name, code := range want {
			if got[name] != code {
				t.Errorf("newman: %s got %d; want %d (all: %v)", name, got[name], code, got)
			}
		}
	})

	// Postman's own runtime (newman) signs Hawk and EdgeGrid and runs the
	// NTLM handshake from what the export wrote, against the practice
	// server's independent verifiers.
	t.Run("postman/newman/hawk-edgegrid-ntlm", func(t *testing.T) {
		node, modules := testenv.Node(t, "newman")
		lookup := homeLookup(t, nil)
		config, _ := lookup("XDG_CONFIG_HOME")
		group := filepath.Join(config, "authlab", "profiles", "pm")
		if err := os.MkdirAll(group, 0o700); err != nil {
			t.Fatal(err)
		}
		files := map[string]string{
			"hawk.toml":      "url = '{{practice}}/hawk'\nscheme = 'hawk'\n[fields]\nid = '" + practice.DemoHawkID + "'\nkey = 'env:HAWK_KEY'\n",
			"hawk-post.toml": "method = 'POST'\nurl = '{{practice}}/hawk'\nbody = 'hello'\nscheme = 'hawk'\n[[header]]\nname = 'Content-Type'\nvalue = 'text/plain'\n[fields]\nid = '" + practice.DemoHawkID + "'\nkey = 'env:HAWK_KEY'\npayload_hash = 'always'\n",
			"edgegrid.toml":  "url = '{{practice}}/edgegrid/demo?limit=10'\nscheme = 'edgegrid'\n[fields]\nclient_token = '" + practice.DemoEdgeGridClientToken + "'\nclient_secret = 'env:EG_SECRET'\naccess_token = 'env:EG_ACCESS'\n",
			"ntlm.toml":      "url = '{{practice}}/ntlm'\nscheme = 'ntlm'\n[fields]\nusername = '" + practice.DemoUser + "'\ndomain = '" + practice.NTLMDomain + "'\npassword = 'env:NTLM_PASSWORD'\n",
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(group, name), []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		file := filepath.Join(dir, "pm.postman_collection.json")
		_, stderr, code := runIn(t, lookup, "export", "--format", "postman", "--group", "pm", "-o", file, "--practice", srv.URL)
		if code != ExitOK {
			t.Fatalf("export --format postman: exit %d\n%s", code, stderr)
		}
		secrets := map[string]string{"HAWK_KEY": practice.DemoHawkKey, "EG_SECRET": practice.DemoEdgeGridClientSecret,
			"EG_ACCESS": practice.DemoEdgeGridAccessToken, "NTLM_PASSWORD": practice.DemoPassword}
		args := []string{filepath.Join(modules, "newman", "bin", "newman.js"), "run", file, "--reporters", "json", "--reporter-json-export", filepath.Join(dir, "report.json")}
		for k, v := range secrets {
			args = append(args, "--env-var", k+"="+v)
		}
		cmd := exec.Command(node, args...)
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("newman run: %v\n%s", err, out)
		}
		got := newmanCodes(t, filepath.Join(dir, "report.json"))
		for _, name := range []string{"hawk", "hawk-post", "edgegrid", "ntlm"} {
			if got[name] != 200 {
				t.Errorf("newman: %s got %d; want 200 (all: %v)", name, got[name], got)
			}
		}
	})

	t.Run("http/httpyac", func(t *testing.T) {
		node, modules := testenv.Node(t, "httpyac")
		lookup := homeLookup(t, demo)
		importInto(t, lookup, "http", "../convert/httpfile/testdata/practice/practice.http")
		dir := t.TempDir()
		file := filepath.Join(dir, "fx.http")
		_, stderr, code := runIn(t, lookup, "export", "--format", "http", "--group", "fx", "-o", file, "--practice", srv.URL)
		if code != ExitOK {
			t.Fatalf("export --format http: exit %d\n%s", code, stderr)
		}
		if !strings.Contains(stderr, "http-client.env.json") {
			t.Errorf("export did not say it wrote http-client.env.json:\n%s", stderr)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), practice.DemoPassword) || strings.Contains(string(data), practice.DemoToken) {
			t.Fatalf("the exported file holds a secret:\n%s", data)
		}
		if _, err := os.Stat(filepath.Join(dir, "http-client.env.json")); err != nil {
			t.Fatalf("no http-client.env.json beside the export: %v", err)
		}
		// The head comment names each variable to set and the reference
		// authlab read it from ("#   password: … variable PASSWORD …").
		args := []string{filepath.Join(modules, "httpyac", "bin", "httpyac.js"), "send", file, "--all", "--env", "practice", "--json", "--var"}
		line := regexp.MustCompile(`(?m)^#   ([A-Za-z0-9_]+): authlab read it from the environment variable ([A-Z0-9_]+)`)
		for _, m := range line.FindAllStringSubmatch(string(data), -1) {
			val, ok := demo[m[2]]
			if !ok {
				t.Fatalf("the export names the environment variable %s, which the demo values lack", m[2])
			}
			args = append(args, m[1]+"="+val)
		}
		if len(args) < 10 {
			t.Fatalf("the export named no variables to set:\n%s", data)
		}
		cmd := exec.Command(node, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
		out, err := cmd.Output()
		if err != nil && len(out) == 0 {
			t.Fatalf("httpyac send: %v", err)
		}
		var report struct {
			Requests []struct {
				Name     string
				Response struct{ StatusCode int }
			}
		}
		if err := json.Unmarshal(out, &report); err != nil {
			t.Fatalf("httpyac --json: %v\n%s", err, out)
		}
		got := map[string]int{}
		for _, r := range report.Requests {
			got[r.Name] = r.Response.StatusCode
		}
		for _, name := range []string{"fx/api-key", "fx/basic-the-jetbrains-and-rest-client-shorthand", "fx/basic-user-password", "fx/bearer"} {
			if got[name] != 200 {
				t.Errorf("httpyac: %s got %d; want 200 (all: %v)", name, got[name], got)
			}
		}
	})
}

// importInto imports a fixture into group fx of the profiles folder.
func importInto(t *testing.T, lookup func(string) (string, bool), format, file string) {
	t.Helper()
	out, stderr, code := runIn(t, lookup, "import", format, file, "--save-to", "fx")
	if code != ExitOK {
		t.Fatalf("import %s: exit %d\n%s%s", format, code, out, stderr)
	}
}

// What a collection export refuses, each in one line with exit 1 and
// nothing written: a URL instead of saved profiles, --reveal, --group
// with a one-request format, an empty group, and an existing
// http-client.env.json beside the output.
func TestExportCollectionRefuses(t *testing.T) {
	lookup := homeLookup(t, nil)
	importInto(t, lookup, "http", "../convert/httpfile/testdata/practice/practice.http")
	dir := t.TempDir()
	taken := filepath.Join(dir, "taken")
	if err := os.MkdirAll(taken, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(taken, "http-client.env.json"), []byte(`{"mine":{}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"export", "--format", "postman", "http://example.com/"}, "exports saved profiles, not a URL"},
		{[]string{"export", "--format", "http", "--group", "fx", "--reveal"}, "a collection never holds secrets"},
		{[]string{"export", "--format", "curl", "--group", "fx"}, "use them with --format postman or --format http"},
		{[]string{"export", "--format", "postman", "--group", "nosuch"}, `no profiles in group "nosuch"`},
		{[]string{"export", "--format", "http", "--group", "fx", "-o", filepath.Join(taken, "fx.http")}, "http-client.env.json exists"},
	}
	for _, tt := range tests {
		out, stderr, code := runIn(t, lookup, tt.args...)
		if code != ExitError || !strings.Contains(stderr, tt.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and one line with %q", tt.args, code, out, stderr, ExitError, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(taken, "fx.http")); err == nil {
		t.Error("the refused export wrote fx.http anyway")
	}
	if b, _ := os.ReadFile(filepath.Join(taken, "http-client.env.json")); string(b) != `{"mine":{}}` {
		t.Errorf("the existing http-client.env.json changed: %s", b)
	}
}

// newmanCodes reads newman's JSON report: each request's last status
// (an NTLM handshake's or a Digest retry's final answer).
func newmanCodes(t *testing.T, path string) map[string]int {
	t.Helper()
	var report struct {
		Run struct {
			Executions []struct {
				Item     struct{ Name string } `json:"item"`
				Response struct{ Code int }    `json:"response"`
			} `json:"executions"`
		} `json:"run"`
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &report); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range report.Run.Executions {
		got[e.Item.Name] = e.Response.Code
	}
	return got
}
