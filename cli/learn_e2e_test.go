package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/internal/practicetest"
	"github.com/authlab/authlab/learn"
	"github.com/authlab/authlab/practice"
)

// learnSolutions is what the scripted student does in each built-in
// lesson, as send flags over the lesson's starting request (send
// --profile learn/ID FLAGS --save learn/ID: edit, send, save).
var learnSolutions = map[string][]string{
	"basic-ok":                  {"-c", "password=" + practice.DemoPassword},
	"basic-401":                 {"-c", "password=demo-passwore"},
	"oauth1-215":                {"-a", "none"},
	"oauth1-ok":                 {"-c", "consumer_secret=" + practice.DemoConsumerSecret, "-c", "token_secret=" + practice.DemoTokenSecret},
	"oauth1-32":                 {"-c", "token_secret=not-the-token-secret"},
	"oauth1-135":                {"-c", "timestamp=1318622958"},
	"digest":                    {"-c", "password=" + practice.DemoPassword},
	"bearer-expired":            {"-c", "token=" + practice.DemoExpiredToken},
	"oauth2-client-credentials": {"-c", "client_secret=" + practice.DemoOAuth2ClientSecret},
	"jwt-hs256":                 {"-c", "secret=" + practice.DemoJWTSecret},
	"jwt-expired":               {"-c", `claims={"sub":"demo","iat":"-2h","exp":"-1h"}`},
	"sigv4":                     {"-c", "secret_key=" + practice.DemoAWSSecretKey},
	"sigv4-wrong-region":        {"-c", "region=eu-west-1"},
	"oauth1-32-consumer":        {"-c", "consumer_secret=not-the-consumer-secret"},
	"oauth1-89":                 {"-c", "token=12-not-a-token"},
	"oauth1-135-future":         {"-c", "timestamp=" + strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)},
	"digest-wrong":              {"-c", "password=demo-passwore"},
	"oauth2-refresh":            {"-c", "grant=refresh_token", "-c", "refresh_token=" + practice.DemoOAuth2RefreshToken},
	"oauth2-device":             {"-c", "grant=device_code", "-c", "device_auth_url={{practice}}/oauth2/device"},
	"jwt-wrong-key":             {"-c", "secret=not-the-demo-secret"},
	"sigv4-skew":                {"-c", "date=" + time.Now().Add(-24*time.Hour).UTC().Format("20060102T150405Z")},
}

// learnBrowser are the lessons whose flow shows a sign-in URL for the
// student to open (the authorization code grant): the scripted student's
// runs have a browser (studentBrowser) on their stderr.
var learnBrowser = map[string][]string{
	"oauth2-pkce": {"-c", "grant=authorization_code", "-c", "auth_url={{practice}}/oauth2/authorize"},
}

// studentBrowser is the stderr of a run: it keeps the text, and opens
// each authorization URL authlab prints there, as the student does in a
// browser (the practice server then approves at once, AutoApprove, and
// redirects to authlab's loopback listener).
type studentBrowser struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	seen map[string]bool
}

var authorizeURL = regexp.MustCompile(`https?://[^\s"'<>]+/oauth2/authorize\?[^\s"'<>]+`)

func (b *studentBrowser) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	for _, u := range authorizeURL.FindAllString(b.buf.String(), -1) {
		if b.seen == nil {
			b.seen = map[string]bool{}
		}
		if !b.seen[u] {
			b.seen[u] = true
			go func() {
				if resp, err := http.Get(u); err == nil {
					resp.Body.Close()
				}
			}()
		}
	}
	return len(p), nil
}

func (b *studentBrowser) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

// runBrowsing is runIn with a studentBrowser for stderr.
func runBrowsing(t *testing.T, lookup func(string) (string, bool), args ...string) (string, string, int) {
	t.Helper()
	var out, unused bytes.Buffer
	b := &studentBrowser{}
	env := testEnv(&out, &unused)
	env.Stderr = b
	env.LookupEnv = lookup
	code := Run(context.Background(), args, env)
	return out.String(), b.String(), code
}

// Issue #20: the built-in course completed end to end by a scripted
// student with the real program and the built-in practice server: learn
// start saves each lesson's request, check fails them all (exit 1), the
// student's edits (sent and saved with send --save) make check pass every
// one (exit 0), and progress says so.
func TestLearnScriptedStudent(t *testing.T) {
	// a practice server that approves device codes itself, as a student
	// at the verification page would
	srv := httptest.NewServer(practice.New(practice.Options{AutoApprove: true}).Handler())
	defer srv.Close()
	lookup := homeLookup(t, nil)
	c := learn.Builtin()
	var ids []string
	for _, l := range c.Lessons {
		if l.ID != "mtls" { // over TLS, below
			ids = append(ids, l.ID)
		}
	}
	n := strconv.Itoa(len(ids))
	check := append([]string{"learn", "check", "--practice", srv.URL}, ids...)
	started := time.Now()
	for _, l := range c.Lessons {
		if _, stderr, code := runIn(t, lookup, "learn", "start", l.ID); code != ExitOK {
			t.Fatalf("learn start %s: exit %d %s", l.ID, code, stderr)
		}
	}
	out, _, code := runIn(t, lookup, check...)
	if code != ExitError || !strings.Contains(out, "0 of "+n+" lessons passed") {
		t.Fatalf("check before any work: exit %d\n%s; want 1 and none passed", code, out)
	}
	if !strings.Contains(out, "✗ basic-ok") || !strings.Contains(out, "this lesson wants 200 OK") {
		t.Errorf("check does not say what the server answered and what the lesson wants:\n%s", out)
	}
	for _, id := range ids {
		sol, ok := learnSolutions[id]
		if b, browses := learnBrowser[id]; browses {
			sol, ok = b, true
		}
		if !ok {
			t.Fatalf("no scripted solution for %s", id)
		}
		l, _ := c.Lesson(id)
		args := append([]string{"send", "--profile", "learn/" + l.ID, "--allow-plaintext", "--practice", srv.URL}, sol...)
		args = append(args, "--save", "learn/"+l.ID)
		if _, stderr, code := runBrowsing(t, lookup, args...); code == ExitError {
			t.Fatalf("%v: exit %d %s", args, code, stderr)
		}
	}
	out, stderr, code := runBrowsing(t, lookup, check...)
	if code != ExitOK || !strings.Contains(out, n+" of "+n+" lessons passed") {
		t.Fatalf("check after the work: exit %d\n%s%s", code, out, stderr)
	}
	// mutual TLS: against the practice server as `authlab serve --tls`
	// runs it, with the certificate files it made
	tlsURL, files := practicetest.TLS(t, practice.Options{})
	if _, stderr, code := runIn(t, lookup, "send", "--profile", "learn/mtls", "--practice", tlsURL, "--cacert", files.CA, "--cert", files.ClientCert, "--key", files.ClientKey, "--save", "learn/mtls"); code != ExitOK {
		t.Fatalf("mtls send: exit %d %s", code, stderr)
	}
	if out, stderr, code := runIn(t, lookup, "learn", "check", "mtls", "--practice", tlsURL); code != ExitOK || !strings.Contains(out, "✓ mtls") {
		t.Fatalf("learn check mtls: exit %d\n%s%s", code, out, stderr)
	}
	t.Logf("the built-in course, as a scripted student: %d lessons in %v", len(c.Lessons), time.Since(started).Round(time.Millisecond))
	out, _, _ = runIn(t, lookup, "learn", "list")
	all := strconv.Itoa(len(c.Lessons))
	if !strings.Contains(out, all+" lessons, "+all+" passed") || strings.Count(out, "✓") != len(c.Lessons) {
		t.Errorf("learn list after the course:\n%s", out)
	}
	state, _ := lookup("XDG_STATE_HOME")
	if _, err := os.Stat(filepath.Join(state, "authlab", "learn", "me.json")); err != nil {
		t.Errorf("no progress file: %v", err)
	}
	// one lesson by name, and a wrong name with a suggestion
	if out, _, code := runIn(t, lookup, "learn", "check", "oauth1-32", "--practice", srv.URL); code != ExitOK || !strings.Contains(out, "1 of 1") {
		t.Errorf("check oauth1-32: exit %d\n%s", code, out)
	}
	if _, stderr, code := runIn(t, lookup, "learn", "check", "oauth1-23"); code != ExitError || !strings.Contains(stderr, "did you mean") {
		t.Errorf("check oauth1-23: exit %d %q; want one line suggesting a lesson", code, stderr)
	}
}

// An instructor's folder: its lessons load with --dir; a lesson request
// holding an env: reference from the untrusted folder is not read when
// the student starts and checks it.
func TestLearnInstructorFolder(t *testing.T) {
	lookup := homeLookup(t, map[string]string{"CLASS_TOKEN": practice.DemoToken})
	dir := t.TempDir()
	lesson := "+++\nid = \"bearer-ok\"\ntitle = \"Bearer\"\nref = \"RFC 6750 §2.1\"\nhints = [\"h\"]\n[check]\npath = \"/bearer\"\nstatus = 200\n+++\nA token.\n\n## Task\n\nGet 200.\n\n## Request\n\n```toml\nurl = \"{{practice}}/bearer\"\nscheme = \"bearer\"\n[fields]\ntoken = \"env:CLASS_TOKEN\"\n```\n"
	if err := os.WriteFile(filepath.Join(dir, "01-bearer.md"), []byte(lesson), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runIn(t, lookup, "learn", "list", "--dir", dir)
	if code != ExitOK || !strings.Contains(out, "bearer-ok") {
		t.Fatalf("learn list --dir: exit %d\n%s%s", code, out, stderr)
	}
	// the lesson's env: reference would become the student's own in
	// learn/bearer-ok, and be read: refused until the folder is trusted
	if _, stderr, code := runIn(t, lookup, "learn", "start", "bearer-ok", "--dir", dir); code != ExitError || !strings.Contains(stderr, "authlab trust") {
		t.Fatalf("learn start from an untrusted folder: exit %d %q; want it refused naming authlab trust", code, stderr)
	}
	if _, _, code := runIn(t, lookup, "trust", dir); code != ExitOK {
		t.Fatal("trust failed")
	}
	if _, stderr, code := runIn(t, lookup, "learn", "start", "bearer-ok", "--dir", dir); code != ExitOK {
		t.Fatalf("learn start after trust: exit %d %s", code, stderr)
	}
	out, _, code = runIn(t, lookup, "learn", "check", "--dir", dir)
	if code != ExitOK {
		t.Errorf("check after trust: exit %d\n%s", code, out)
	}
}

// Issue #20 in the TUI: authlab learn lists the lessons; enter opens one
// beside the normal editor; a send that does not do what the lesson asks
// says so (the server's verdict) and unlocks a hint; the student's fix
// passes it; leaving the lesson comes back to the list, where it is ✓.
func TestTUILearnLesson(t *testing.T) {
	lookup := homeLookup(t, nil)
	s, code, cancel := startTUI(t, []string{"learn"}, lookup, 140, 44)
	defer cancel()
	s.waitText("0 of 23 lessons passed")
	s.key("j") // the second lesson: basic-401
	s.key("\r")
	s.waitText("Lesson 2 of 23")
	s.waitText("The 401 and its challenge")
	s.key(ctrlR) // as it starts: the right password, 200
	s.waitText("✗ not yet")
	txt := s.term.WaitText("Hint 1:")
	if !strings.Contains(txt, "this lesson wants 401") {
		t.Errorf("the verdict does not say what the lesson wants:\n%s", txt)
	}
	s.key(keyEsc)
	for range 7 { // method, URL, header name, header value, body, scheme, username → password
		s.key(keyTab)
	}
	s.key("x") // demo-passwordx: a wrong password
	s.key(ctrlR)
	s.waitText("✓ lesson passed")
	s.waitText("press the letter of your answer") // the lesson's question
	s.key("b")
	s.waitText("✗ not b:")
	s.key("a")
	s.waitText("✓ right:")
	s.key("q")
	s.waitText("unsaved")
	s.key("y") // discard: the check is recorded, the edit need not be
	s.waitText("1 of 23 lessons passed")
	s.key("q")
	s.waitExit(code, 0)
	state, _ := lookup("XDG_STATE_HOME")
	b, err := os.ReadFile(filepath.Join(state, "authlab", "learn", "me.json"))
	if err != nil || !strings.Contains(string(b), `"basic-401"`) || !strings.Contains(string(b), `"passed": true`) || !strings.Contains(string(b), `"tries": 2`) || !strings.Contains(string(b), `"explained": true`) {
		t.Errorf("progress file = %s, %v; want basic-401 passed after 2 tries and explained", b, err)
	}
}

// The attack-lab course runs on the built-in practice server with its labs
// on: list it, start a lab, attack it, and check grades it exploited.
func TestLearnLabsCourse(t *testing.T) {
	lookup := homeLookup(t, nil)
	out, _, code := runIn(t, lookup, "learn", "list", "--labs")
	if code != ExitOK || !strings.Contains(out, "attack-lab course: 7 lessons") {
		t.Fatalf("learn list --labs: exit %d\n%s", code, out)
	}
	if _, stderr, code := runIn(t, lookup, "learn", "start", "lab-digest-downgrade", "--labs"); code != ExitOK {
		t.Fatalf("start: exit %d %s", code, stderr)
	}
	out, _, code = runIn(t, lookup, "learn", "check", "--labs", "lab-digest-downgrade")
	if code != ExitError || !strings.Contains(out, "✗ lab-digest-downgrade") {
		t.Fatalf("check before the attack: exit %d\n%s", code, out)
	}
	// the attack: answer the Digest challenge with MD5
	if _, stderr, code := runIn(t, lookup, "send", "--profile", "learn/lab-digest-downgrade", "-c", "algorithm=MD5", "--save", "learn/lab-digest-downgrade", "--allow-plaintext"); code == ExitError {
		t.Fatalf("send: exit %d %s", code, stderr)
	}
	out, _, code = runIn(t, lookup, "learn", "check", "--labs", "lab-digest-downgrade")
	if code != ExitOK || !strings.Contains(out, "exploited") {
		t.Errorf("check after the attack: exit %d\n%s", code, out)
	}
	if _, stderr, code := runIn(t, lookup, "learn", "list", "--labs", "--dir", "x"); code != ExitError || !strings.Contains(stderr, "give one") {
		t.Errorf("--labs with --dir: exit %d %q", code, stderr)
	}
}

// With --practice URL and --student, learn check's requests carry the
// student and the lesson to the instructor's server (and nowhere else),
// which is what its room view grades.
func TestLearnCheckReachesTheRoom(t *testing.T) {
	var mu sync.Mutex
	var got []practice.Event
	srv := httptest.NewServer(practice.New(practice.Options{Observe: func(e practice.Event) { mu.Lock(); got = append(got, e); mu.Unlock() }}).Handler())
	defer srv.Close()
	lookup := homeLookup(t, nil)
	if _, stderr, code := runIn(t, lookup, "learn", "start", "basic-ok"); code != ExitOK {
		t.Fatalf("start: %d %s", code, stderr)
	}
	if _, stderr, code := runIn(t, lookup, "send", "--profile", "learn/basic-ok", "-c", "password="+practice.DemoPassword, "--save", "learn/basic-ok", "--allow-plaintext"); code == ExitError {
		t.Fatalf("send: %d %s", code, stderr)
	}
	out, _, code := runIn(t, lookup, "learn", "check", "basic-ok", "--practice", srv.URL, "--student", "alice")
	if code != ExitOK {
		t.Fatalf("check: exit %d\n%s", code, out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) == 0 {
		t.Fatal("the instructor's server saw no request")
	}
	e := got[len(got)-1]
	if e.Client.Student != "alice" || e.Client.Lesson != "basic-ok" || e.Path != "/github/user" {
		t.Errorf("the server saw %+v; want alice's request for lesson basic-ok", e.Client)
	}
}
