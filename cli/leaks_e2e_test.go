package cli_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Issue 16, leaks 3, 4 and 8, through the binary: a credential typed as an
// API-key header or into the URL's query is a literal secret like
// Authorization: masked in every output, kept out of history, saved only
// with --allow-plaintext, exported as a variable, warned about, and not
// sent to another origin.

// leakEnv is a private home (config, state) for one test.
func leakEnv(t *testing.T) (env []string, state string) {
	home := t.TempDir()
	state = filepath.Join(home, "state")
	return []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, "config"), "XDG_STATE_HOME=" + state}, state
}

// noMark fails when any of the texts holds mark.
func noMark(t *testing.T, what, mark string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, mark) {
			t.Errorf("%s shows the secret %q:\n%s", what, mark, s)
		}
	}
}

func TestLeakAPIKeyHeader(t *testing.T) {
	const mark = "MARK-xapikey-5b1e"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	env, state := leakEnv(t)
	hdr := "X-API-Key: " + mark

	for _, extra := range [][]string{{"-v"}, {"--present", "-v"}, {"--json"}, {"-v", "--trace"}} {
		args := append(append([]string{"send", "-H", hdr}, extra...), srv.URL+"/items")
		r := authlab(t, env, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s", extra, r.code, r.stderr)
		}
		noMark(t, strings.Join(extra, " "), mark, r.stdout, r.stderr)
		if extra[0] == "-v" && !strings.Contains(r.stdout+r.stderr, "X-Api-Key: ••••••••") && !strings.Contains(r.stdout+r.stderr, "X-API-Key: ••••••••") {
			t.Errorf("-v: the header is not shown masked:\n%s%s", r.stdout, r.stderr)
		}
	}
	// --save without --allow-plaintext is refused and writes nothing
	r := authlab(t, env, "send", "-H", hdr, "--save", "keys/one", srv.URL+"/items")
	if r.code != 1 || !strings.Contains(r.stderr, "--allow-plaintext") || !strings.Contains(r.stderr, "header X-Api-Key") {
		t.Errorf("--save: exit %d, stderr %q; want 1, naming the header and --allow-plaintext", r.code, r.stderr)
	}
	if r := authlab(t, env, "profiles", "show", "keys/one"); r.code == 0 {
		t.Errorf("the refused profile was written:\n%s", r.stdout)
	}
	if r := authlab(t, env, "send", "-H", hdr, "--allow-plaintext", "--save", "keys/one", srv.URL+"/items"); r.code != 0 {
		t.Fatalf("--allow-plaintext --save: exit %d\n%s", r.code, r.stderr)
	}
	for _, format := range []string{"curl", "httpie", "python", "go"} {
		r := authlab(t, env, "export", "--format", format, "--profile", "keys/one")
		if r.code != 0 {
			t.Fatalf("export %s: exit %d\n%s", format, r.code, r.stderr)
		}
		noMark(t, "export --format "+format, mark, r.stdout, r.stderr)
		if !strings.Contains(r.stdout, "X_API_KEY") {
			t.Errorf("export --format %s does not read the key from a variable:\n%s", format, r.stdout)
		}
	}
	r = authlab(t, env, "profiles", "show", "keys/one")
	noMark(t, "profiles show", mark, r.stdout, r.stderr)
	hist, _ := os.ReadFile(filepath.Join(state, "authlab", "history.jsonl"))
	if len(hist) == 0 {
		t.Fatal("no history was written")
	}
	noMark(t, "the history file", mark, string(hist))
}

// A typed X-API-Key is dropped on a redirect to another origin, as
// Authorization is.
func TestLeakAPIKeyHeaderRedirect(t *testing.T) {
	const mark = "MARK-xapikey-redirect-33aa"
	var mu sync.Mutex
	var got []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Get("X-Api-Key")+r.Header.Get("Private-Token"))
		mu.Unlock()
	}))
	defer other.Close()
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/landed", http.StatusFound)
	}))
	defer first.Close()
	env, _ := leakEnv(t)
	r := authlab(t, env, "send", "--follow", "-H", "X-API-Key: "+mark, "-H", "Private-Token: "+mark, first.URL+"/start")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0] != "" {
		t.Errorf("the other origin received %q; want one request without X-API-Key and Private-Token", got)
	}
}

func TestLeakQuerySecret(t *testing.T) {
	const mark = "MARK-querytok-9d2c"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		w.Write([]byte(`{"error":"bad token"}`))
	}))
	defer srv.Close()
	env, state := leakEnv(t)
	for _, u := range []string{srv.URL + "/me?access_token=" + mark + "&page=1", srv.URL + "/x?client_secret=" + mark, srv.URL + "/sas?sv=2024&sig=" + mark} {
		for _, extra := range [][]string{nil, {"-v"}, {"--json"}, {"--present", "-v", "--trace"}} {
			r := authlab(t, env, append(append([]string{"send"}, extra...), u)...)
			if r.code != 4 {
				t.Fatalf("%s %v: exit %d; want 4\n%s", u, extra, r.code, r.stderr)
			}
			noMark(t, "send "+strings.Join(extra, " "), mark, r.stdout, r.stderr)
		}
	}
	hist, _ := os.ReadFile(filepath.Join(state, "authlab", "history.jsonl"))
	if len(hist) == 0 {
		t.Fatal("no history was written")
	}
	noMark(t, "the history file", mark, string(hist))
	r := authlab(t, env, "history")
	noMark(t, "history", mark, r.stdout, r.stderr)

	u := srv.URL + "/me?access_token=" + mark
	r = authlab(t, env, "send", "--save", "q/one", u)
	if r.code != 1 || !strings.Contains(r.stderr, "query access_token") || !strings.Contains(r.stderr, "--allow-plaintext") {
		t.Errorf("--save: exit %d, stderr %q; want 1, naming the parameter and --allow-plaintext", r.code, r.stderr)
	}
	// import curl --save: the same rule
	r = authlab(t, env, "import", "curl", "--save", "q/imported", "curl '"+srv.URL+"/me?client_secret="+mark+"'")
	if r.code != 1 || !strings.Contains(r.stderr, "--allow-plaintext") {
		t.Errorf("import curl --save: exit %d, stderr %q; want 1, naming --allow-plaintext", r.code, r.stderr)
	}
	noMark(t, "import curl", mark, r.stdout, r.stderr)
	if r := authlab(t, env, "send", "--allow-plaintext", "--save", "q/one", u); r.code != 4 {
		t.Fatalf("--allow-plaintext --save: exit %d\n%s", r.code, r.stderr)
	}
	for _, args := range [][]string{{"profiles", "show", "q/one"}, {"profiles", "list"}, {"profiles", "list", "--json"}} {
		r := authlab(t, env, args...)
		noMark(t, strings.Join(args, " "), mark, r.stdout, r.stderr)
	}
	for _, format := range []string{"curl", "httpie", "python", "go"} {
		r := authlab(t, env, "export", "--format", format, "--profile", "q/one")
		if r.code != 0 {
			t.Fatalf("export %s: exit %d\n%s", format, r.code, r.stderr)
		}
		noMark(t, "export --format "+format, mark, r.stdout, r.stderr)
		if !strings.Contains(r.stdout, "ACCESS_TOKEN") {
			t.Errorf("export --format %s does not read the token from a variable:\n%s", format, r.stdout)
		}
	}
}

// Leak 8: a literal credential in a header or the query gets the warning
// -u user:pw gets.
func TestLeakLiteralCredentialWarning(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	env, _ := leakEnv(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"authorization", []string{"-H", "Authorization: Bearer abcd1234"}, "header Authorization"},
		{"x-api-key", []string{"-H", "X-API-Key: abcd1234"}, "header X-Api-Key"},
		{"private-token", []string{"-H", "Private-Token: abcd1234"}, "header Private-Token"},
		{"query", []string{srv.URL + "/?api_key=abcd1234"}, "query parameter api_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"send"}, tt.args...)
			if !strings.HasPrefix(tt.args[len(tt.args)-1], "http") {
				args = append(args, srv.URL+"/")
			}
			r := authlab(t, env, args...)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) || !strings.Contains(r.stderr, "stays in your shell history") || strings.Count(r.stderr, "shell history") != 1 {
				t.Errorf("stderr = %q; want one warning naming %q", r.stderr, tt.want)
			}
		})
	}
	// a header that carries no credential gets no warning
	r := authlab(t, env, "send", "-H", "Accept: application/json", srv.URL+"/?page=2")
	if strings.Contains(r.stderr, "shell history") {
		t.Errorf("stderr = %q; want no warning", r.stderr)
	}
}
