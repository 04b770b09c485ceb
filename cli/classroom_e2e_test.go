package cli

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// seen records the StudentHeader of every request a server received, by
// path ("-" when the header was absent).
type seen struct {
	mu   sync.Mutex
	hits []string // "path student"
}

func (s *seen) add(r *http.Request) {
	st := r.Header.Get(practice.StudentHeader)
	if _, ok := r.Header[http.CanonicalHeaderKey(practice.StudentHeader)]; !ok {
		st = "-"
	}
	s.mu.Lock()
	s.hits = append(s.hits, r.URL.Path+" "+st)
	s.mu.Unlock()
}

func (s *seen) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.hits...)
}

// classServer is an `authlab serve`-like practice server on loopback
// (practice.New behind httptest) that records who sent what; /hop
// redirects to other (another host) so a redirect can leave it.
func classServer(t *testing.T, other string) (string, *seen) {
	t.Helper()
	var s seen
	h := practice.New(practice.Options{}).Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.add(r)
		if r.URL.Path == "/hop" {
			http.Redirect(w, r, other+"/landed", http.StatusFound)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &s
}

// otherHost is a plain server on 127.0.0.2: another host than the
// practice server's 127.0.0.1.
func otherHost(t *testing.T) (string, *seen) {
	t.Helper()
	var s seen
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.add(r)
		w.Write([]byte("ok"))
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, &s
}

// writeSettings writes a folder settings file (profiles.SettingsFile).
func writeSettings(t *testing.T, dir, text string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, profiles.SettingsFile), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func runIn(t *testing.T, lookup func(string) (string, bool), args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := testEnv(&out, &errb)
	env.LookupEnv = lookup
	code := Run(context.Background(), args, env)
	return out.String(), errb.String(), code
}

// Issue 17, "Usable by a room": {{practice}} points at the instructor's
// server by --practice, AUTHLAB_PRACTICE or the profiles folder's setting,
// in that order; the student name goes to that server and nowhere else.
func TestSendPracticeChoice(t *testing.T) {
	other, otherSeen := otherHost(t)
	good, goodSeen := classServer(t, other)
	const dead = "http://127.0.0.1:1" // used, it fails the send
	basic := []string{"-u", practice.DemoUser + ":" + practice.DemoPassword, practice.Placeholder + "/github/user"}
	tests := []struct {
		name           string
		flag, env, dir string // where each level points ("" unset)
		student        []string
		envStudent     string
		wantFrom       string
		wantStudent    string
	}{
		{name: "flag", flag: good, student: []string{"--student", "alice"}, wantFrom: "--practice", wantStudent: "alice"},
		{name: "env", env: good, envStudent: "bob", wantFrom: "AUTHLAB_PRACTICE", wantStudent: "bob"},
		{name: "folder", dir: good, wantFrom: profiles.SettingsFile, wantStudent: "-"},
		{name: "flag beats env and folder", flag: good, env: dead, dir: dead, wantFrom: "--practice", wantStudent: "-"},
		{name: "env beats folder", env: good, dir: dead, wantFrom: "AUTHLAB_PRACTICE", wantStudent: "-"},
		{name: "flag student beats env", flag: good, student: []string{"--student", "carol"}, envStudent: "dave", wantFrom: "--practice", wantStudent: "carol"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"AUTHLAB_PROFILES": dir}
			if tt.env != "" {
				vars["AUTHLAB_PRACTICE"] = tt.env
			}
			if tt.envStudent != "" {
				vars["AUTHLAB_STUDENT"] = tt.envStudent
			}
			if tt.dir != "" {
				writeSettings(t, dir, "version = 1\n[practice]\nurl = \""+tt.dir+"/\"\n")
			}
			args := []string{"send"}
			if tt.flag != "" {
				args = append(args, "--practice", tt.flag)
			}
			args = append(append(args, tt.student...), basic...)
			before := len(goodSeen.list())
			lookup := homeLookup(t, vars)
			_, stderr, code := runIn(t, lookup, args...)
			if code != ExitOK {
				t.Fatalf("send %v: exit %d; want 0\n%s", args, code, stderr)
			}
			hits := goodSeen.list()[before:]
			if len(hits) != 1 || hits[0] != "/github/user "+tt.wantStudent {
				t.Errorf("the practice server saw %q; want [\"/github/user %s\"]", hits, tt.wantStudent)
			}
			if want := "authlab: practice server " + good + " (from "; !strings.Contains(stderr, want) || !strings.Contains(stderr, tt.wantFrom+")") {
				t.Errorf("stderr = %q; want a notice %q…%s)", stderr, want, tt.wantFrom)
			}
			// history keeps the placeholder, not the server's address
			state, _ := lookup("XDG_STATE_HOME")
			recs, err := profiles.History{Path: filepath.Join(state, "authlab", "history.jsonl")}.Read()
			if err != nil || len(recs) != 1 || recs[0].URL != practice.Placeholder+"/github/user" {
				t.Errorf("history = %+v, %v; want one record of %s/github/user", recs, err, practice.Placeholder)
			}
		})
	}
	if hits := otherSeen.list(); len(hits) != 0 {
		t.Errorf("the other host was sent %q", hits)
	}
}

// The student header goes only to the practice server: not to another
// host named directly, not across a redirect that leaves the practice
// server, and it does go with a flow's token request to it.
func TestStudentHeaderScope(t *testing.T) {
	other, otherSeen := otherHost(t)
	good, goodSeen := classServer(t, other)
	tests := []struct {
		name      string
		args      []string
		wantGood  []string
		wantOther []string
	}{
		{"another host", []string{other + "/direct"}, nil, []string{"/direct -"}},
		{"redirect away", []string{"--follow", practice.Placeholder + "/hop"}, []string{"/hop alice"}, []string{"/landed -"}},
		{"token request and API", []string{"-a", "oauth2", "-c", "grant=client_credentials", "-c", "client_id=" + practice.DemoOAuth2ClientID,
			"-c", "client_secret=" + practice.DemoOAuth2ClientSecret, "-c", "token_url=" + practice.Placeholder + "/oauth2/token", practice.Placeholder + "/oauth2/me"},
			[]string{"/oauth2/token alice", "/oauth2/me alice"}, nil},
		{"practice URL typed out", []string{good + "/bearer"}, []string{"/bearer alice"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g0, o0 := len(goodSeen.list()), len(otherSeen.list())
			args := append([]string{"send", "--practice", good, "--student", "alice"}, tt.args...)
			_, stderr, code := runIn(t, homeLookup(t, nil), args...)
			if code == ExitError {
				t.Fatalf("send %v: exit %d\n%s", args, code, stderr)
			}
			if got := goodSeen.list()[g0:]; strings.Join(got, ",") != strings.Join(tt.wantGood, ",") {
				t.Errorf("practice server saw %q; want %q", got, tt.wantGood)
			}
			if got := otherSeen.list()[o0:]; strings.Join(got, ",") != strings.Join(tt.wantOther, ",") {
				t.Errorf("other host saw %q; want %q", got, tt.wantOther)
			}
		})
	}
}

// A bad practice URL or student name, from any source, is one line
// naming the source, exit 1, and nothing is sent.
func TestBadPracticeChoice(t *testing.T) {
	_, goodSeen := classServer(t, "http://127.0.0.1:1")
	tests := []struct {
		name   string
		args   []string
		vars   map[string]string
		folder string
		want   string
	}{
		{"flag ftp", []string{"--practice", "ftp://10.0.0.5/"}, nil, "", "--practice"},
		{"flag no host", []string{"--practice", "http://"}, nil, "", "--practice"},
		{"env with password", nil, map[string]string{"AUTHLAB_PRACTICE": "http://u:pw@10.0.0.5:8089"}, "", "AUTHLAB_PRACTICE"},
		{"folder javascript", nil, nil, "[practice]\nurl = \"javascript:alert(1)\"\n", profiles.SettingsFile},
		{"folder escape", nil, nil, "[practice]\nurl = \"http://10.0.0.5/\\u001b[2J\"\n", profiles.SettingsFile},
		{"folder unknown key", nil, nil, "[practice]\nurl = \"http://10.0.0.5\"\nport = 1\n", "unknown key practice.port"},
		{"folder newer", nil, nil, "version = 2\n", "newer authlab"},
		{"student newline", []string{"--student", "al\nice"}, nil, "", "--student"},
		{"student too long", nil, map[string]string{"AUTHLAB_STUDENT": strings.Repeat("x", 33)}, "", "AUTHLAB_STUDENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"AUTHLAB_PROFILES": dir}
			for k, v := range tt.vars {
				vars[k] = v
			}
			if tt.folder != "" {
				writeSettings(t, dir, tt.folder)
			}
			args := append(append([]string{"send"}, tt.args...), practice.Placeholder+"/github/user")
			before := len(goodSeen.list())
			_, stderr, code := runIn(t, homeLookup(t, vars), args...)
			if code != ExitError {
				t.Errorf("exit %d; want %d", code, ExitError)
			}
			lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "authlab: ") || !strings.Contains(lines[0], tt.want) {
				t.Errorf("stderr = %q; want one line naming %q", stderr, tt.want)
			}
			if strings.ContainsRune(stderr, 0x1b) {
				t.Errorf("stderr carries an escape: %q", stderr)
			}
			if len(goodSeen.list()) != before {
				t.Errorf("a request was sent")
			}
		})
	}
}

// export writes {{practice}} as the chosen server, else where `authlab
// serve` listens by default.
func TestExportPracticeChoice(t *testing.T) {
	tests := []struct {
		name string
		args []string
		vars map[string]string
		want string
	}{
		{"default", nil, nil, practice.DefaultURL + "/github/user"},
		{"flag", []string{"--practice", "http://10.0.0.5:8089"}, nil, "http://10.0.0.5:8089/github/user"},
		{"old flag name", []string{"--practice-url", "http://10.0.0.6:8089"}, nil, "http://10.0.0.6:8089/github/user"},
		{"env", nil, map[string]string{"AUTHLAB_PRACTICE": "https://class.example:8443"}, "https://class.example:8443/github/user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"export", "--format", "curl"}, tt.args...), practice.Placeholder+"/github/user")
			out, stderr, code := runIn(t, homeLookup(t, tt.vars), args...)
			if code != 0 || !strings.Contains(out, tt.want) {
				t.Errorf("export %v: exit %d, stdout %q; want %q in it\n%s", args, code, out, tt.want, stderr)
			}
		})
	}
}

// The TUI's header names the practice server and the student at 80×24,
// and a send reaches that server with the name.
func TestTUIPracticeHeader(t *testing.T) {
	good, goodSeen := classServer(t, "http://127.0.0.1:1")
	args := []string{"--practice", good, "--student", "alice", "-u", practice.DemoUser + ":" + practice.DemoPassword, practice.Placeholder + "/github/user"}
	s, code, cancel := startTUI(t, args, homeLookup(t, nil), 80, 24)
	defer cancel()
	want := "practice: " + good + " as alice"
	s.waitText(want)
	if first := strings.SplitN(s.text(), "\n", 2)[0]; !strings.Contains(first, want) {
		t.Errorf("header = %q; want %q in it", first, want)
	}
	s.key(ctrlR)
	s.waitText("200 OK")
	if hits := goodSeen.list(); len(hits) != 1 || hits[0] != "/github/user alice" {
		t.Errorf("the practice server saw %q; want [\"/github/user alice\"]", hits)
	}
	s.key(ctrlC)
	if strings.Contains(s.text(), "unsaved edits") {
		s.key("y")
	}
	s.waitExit(code, 0)
}
