package cli_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// binary is the authlab executable built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	// A fuzzing run (-run='^$' -fuzz=…, and each of its workers) runs no
	// end-to-end test: building the binary there took the whole of a short
	// fuzz run.
	flag.Parse()
	val := func(name string) string {
		if f := flag.Lookup(name); f != nil {
			return f.Value.String()
		}
		return ""
	}
	if val("test.fuzzworker") == "true" || val("test.fuzz") != "" && val("test.run") == "^$" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "authlab-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "authlab")
	build := exec.Command("go", "build", "-o", binary, "github.com/authlab/authlab")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building authlab:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type run struct {
	stdout, stderr string
	code           int
}

// authlab runs the binary with args and extra environment entries, with no
// terminal attached (stdout and stderr are pipes).
func authlab(t *testing.T, env []string, args ...string) run {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running authlab: %v", err)
	}
	return run{out.String(), errb.String(), code}
}

func httpbinServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(httpbin.New().Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

var statusLine = regexp.MustCompile(`(?m)^(\d{3}) ([^·\n]*) · \d+ (ms|µs|s) · [\d.]+ (B|KiB|MiB)`)

// The exit-code table of DESIGN.md, row by row, through the real binary.
func TestExitCodes(t *testing.T) {
	bin := httpbinServer(t)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer hang.Close()
	tests := []struct {
		name   string
		args   []string
		code   int
		status string // expected status code on the status line ("" = none)
	}{
		{"2xx", []string{"send", bin + "/status/204"}, 0, "204"},
		{"network error", []string{"send", "http://127.0.0.1:1/"}, 1, ""},
		{"timeout", []string{"send", "--timeout", "200ms", hang.URL}, 2, ""},
		{"3xx not followed", []string{"send", bin + "/redirect-to?url=/get&status_code=302"}, 3, "302"},
		{"3xx followed", []string{"send", "--follow", bin + "/redirect-to?url=/get&status_code=302"}, 0, "200"},
		{"4xx", []string{"send", "-a", "basic", "-u", "user:env:PW", bin + "/basic-auth/user/passwd"}, 4, "401"},
		{"5xx", []string{"send", bin + "/status/502"}, 5, "502"},
		{"too many redirects", []string{"send", "--follow", bin + "/redirect/11"}, 6, "302"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := authlab(t, []string{"PW=wrong"}, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit code = %d; want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			// stdout is a pipe: the status line is on stderr, stdout
			// has the body alone
			m := statusLine.FindStringSubmatch(r.stderr)
			switch {
			case tt.status == "" && m != nil:
				t.Errorf("unexpected status line %q", m[0])
			case tt.status != "" && (m == nil || m[1] != tt.status):
				t.Errorf("status line = %v; want status %s\nstderr: %s", m, tt.status, r.stderr)
			}
			if statusLine.MatchString(r.stdout) {
				t.Errorf("stdout to a pipe has a status line: %q", r.stdout)
			}
			switch tt.code {
			case 1, 2:
				assertOneErrorLine(t, r.stderr)
			case 6: // the hops, status line and hint, then the error
				assertOneErrorLine(t, lastLine(r.stderr))
			}
		})
	}
}

func assertOneErrorLine(t *testing.T, stderr string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "authlab: ") {
		t.Errorf("stderr = %q; want exactly one line starting with \"authlab: \"", stderr)
	}
	if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, "panic") {
		t.Errorf("stderr has a stack trace: %s", stderr)
	}
}

// The "done when": a wrong Basic password against go-httpbin shows
// 401 with its hint and exits 4.
func TestBasicWrongPasswordShows401WithHint(t *testing.T) {
	bin := httpbinServer(t)
	r := authlab(t, nil, "send", "-a", "basic", "-u", "user:wr0ngpa55", bin+"/basic-auth/user/passwd")
	if r.code != 4 {
		t.Fatalf("exit = %d; want 4\n%s%s", r.code, r.stdout, r.stderr)
	}
	// stdout is a pipe: the status line and the hint go to stderr
	if !strings.Contains(r.stderr, "\n401 Unauthorized · ") || strings.Contains(r.stdout, "401 Unauthorized") {
		t.Errorf("stderr = %q, stdout = %q; want the status line 401 Unauthorized · … on stderr only", r.stderr, r.stdout)
	}
	if !strings.Contains(strings.ToLower(r.stderr), "credentials") {
		t.Errorf("stderr has no 401 hint:\n%s", r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "\x1b") {
		t.Errorf("output to a pipe contains escape sequences: %q %q", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "shell history") {
		t.Errorf("stderr = %q; want the literal-secret warning", r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, "wr0ngpa55") {
		t.Errorf("the password appears in the output:\n%s%s", r.stdout, r.stderr)
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// Bad input: one line naming the problem and the fix, exit 1, nothing on
// stdout.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	badPEM := filepath.Join(dir, "key.pem")
	os.WriteFile(badPEM, []byte("-----BEGIN RSA PRIVATE KEY-----\nnot base64\n-----END RSA PRIVATE KEY-----\n"), 0o600)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"malformed URL", []string{"send", "http://[::1"}, "malformed URL"},
		{"relative URL", []string{"send", "example.com"}, "not an absolute URL"},
		{"no URL", []string{"send"}, "no URL given"},
		{"unknown scheme", []string{"send", "-a", "kerberos", "http://127.0.0.1:1/"}, `unknown auth scheme "kerberos"`},
		{"mistyped scheme", []string{"send", "-a", "baerer", "http://127.0.0.1:1/"}, `unknown auth scheme "baerer": did you mean bearer?`},
		{"mistyped command", []string{"sned", "http"}, `unknown command "sned": did you mean send?`},
		{"unknown field", []string{"send", "-a", "bearer", "-c", "tokn=x", "http://127.0.0.1:1/"}, `has no field "tokn"`},
		{"missing field", []string{"send", "-a", "bearer", "http://127.0.0.1:1/"}, `needs field "token"`},
		{"bad header", []string{"send", "-H", "NoColon", "http://127.0.0.1:1/"}, `bad header "NoColon"`},
		{"bad header name", []string{"send", "-H", "Bad Name: x", "http://127.0.0.1:1/"}, `not a valid header name`},
		{"unreadable @file", []string{"send", "-d", "@" + filepath.Join(dir, "missing"), "http://127.0.0.1:1/"}, "missing: no such file or directory: check the path"},
		{"unset env", []string{"send", "-a", "bearer", "-c", "token=env:AUTHLAB_UNSET_VAR", "http://127.0.0.1:1/"}, "AUTHLAB_UNSET_VAR is not set"},
		{"prompt without terminal", []string{"send", "-a", "bearer", "-c", "token=prompt", "http://127.0.0.1:1/"}, "no terminal"},
		{"invalid PEM", []string{"send", "-a", "oauth1", "-c", "consumer_key=k", "-c", "signature_method=RSA-SHA1", "-c", "private_key=file:" + badPEM, "http://127.0.0.1:1/"}, "private_key"},
		{"unknown flag", []string{"send", "--nope", "http://127.0.0.1:1/"}, "unknown flag: --nope"},
		{"bad max-body", []string{"send", "--max-body", "lots", "http://127.0.0.1:1/"}, "bad --max-body"},
		{"bad timeout", []string{"send", "--timeout", "soon", "http://127.0.0.1:1/"}, "--timeout"},
		{"-u with bearer", []string{"send", "-a", "bearer", "-u", "a:b", "http://127.0.0.1:1/"}, "-u works with schemes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := authlab(t, nil, tt.args...)
			if r.code != 1 {
				t.Errorf("exit = %d; want 1", r.code)
			}
			assertOneErrorLine(t, r.stderr)
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr = %q; want it to mention %q", r.stderr, tt.want)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q; want nothing", r.stdout)
			}
		})
	}
}

// Ctrl-C while a request hangs: exit 130.
func TestInterrupt(t *testing.T) {
	arrived := make(chan struct{}, 1)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer hang.Close()
	cmd := exec.Command(binary, "send", hang.URL)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-arrived:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the request never arrived")
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 130 {
		t.Fatalf("after SIGINT: %v; want exit status 130", err)
	}
	if got := strings.TrimSpace(errb.String()); got != "authlab: interrupted" {
		t.Errorf("stderr = %q; want \"authlab: interrupted\"", got)
	}
}

// The seed's Twitter example, signed with Twitter's published inputs: the
// trace prints the published signature. The request itself goes to a
// loopback proxy that refuses it, so nothing leaves the machine.
func TestTwitterExampleTrace(t *testing.T) {
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusForbidden)
	}))
	defer proxy.Close()
	args := []string{"send", "-X", "POST", "-a", "oauth1",
		"-c", "consumer_key=xvz1evFS4wEEPTGEFPHBog",
		"-c", "consumer_secret=env:CS",
		"-c", "token=370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
		"-c", "token_secret=env:TS",
		"-c", "nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
		"-c", "timestamp=1318622958",
		"-d", "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21",
		"--trace", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true"}
	env := []string{"CS=kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", "TS=LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
		"HTTPS_PROXY=" + proxy.URL, "HTTP_PROXY=" + proxy.URL}
	r := authlab(t, env, args...)
	// --trace to a pipe goes to stderr
	if !strings.Contains(r.stderr, "hCtSmYh+iHYCEqBWrE7C7hYmtUk=") || strings.Contains(r.stdout, "Trace ·") {
		t.Errorf("trace (stderr) lacks the published signature, or is on stdout:\n%s\n--- stdout\n%s", r.stderr, r.stdout)
	}
	for _, secret := range []string{"kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw", "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("a secret appears in the output without --reveal")
		}
	}
	if strings.Contains(r.stderr, "shell history") {
		t.Errorf("env: references triggered the literal-secret warning: %q", r.stderr)
	}
	r = authlab(t, env, append(args, "--reveal")...)
	if !strings.Contains(r.stderr, "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE") {
		t.Errorf("--reveal does not show the signing key:\n%s", r.stderr)
	}
}

func TestJSONOutput(t *testing.T) {
	bin := httpbinServer(t)
	r := authlab(t, []string{"TOKEN=t0psecret"}, "send", "--json", "-a", "bearer", "-c", "token=env:TOKEN", "--trace", bin+"/status/401")
	if r.code != 4 {
		t.Fatalf("exit = %d; want 4 (%s)", r.code, r.stderr)
	}
	var doc struct {
		Scheme    string `json:"scheme"`
		Status    int    `json:"status"`
		Exchanges []struct {
			Request struct {
				Headers map[string][]string `json:"headers"`
			} `json:"request"`
			Response struct {
				Status int `json:"status"`
			} `json:"response"`
			Timing struct {
				TotalMS float64 `json:"total_ms"`
			} `json:"timing"`
		} `json:"exchanges"`
		Hints []struct{ Title string } `json:"hints"`
		Trace []struct{ Title string } `json:"trace"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, r.stdout)
	}
	if doc.Scheme != "bearer" || doc.Status != 401 || len(doc.Exchanges) != 1 || doc.Exchanges[0].Timing.TotalMS <= 0 {
		t.Errorf("--json doc = %+v", doc)
	}
	if got := doc.Exchanges[0].Request.Headers["Authorization"]; len(got) != 1 || strings.Contains(got[0], "t0psecret") {
		t.Errorf("request Authorization in JSON = %q; want it masked", got)
	}
	if len(doc.Trace) == 0 || len(doc.Hints) == 0 {
		t.Errorf("--json has %d trace steps and %d hints; want some of each", len(doc.Trace), len(doc.Hints))
	}
	if strings.Contains(r.stdout, "t0psecret") {
		t.Error("the token appears in --json output")
	}
}

// Server text is hostile: escape sequences in the reason phrase, headers and
// body never reach stdout raw.
func TestHostileServerSanitized(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hj := w.(http.Hijacker)
		conn, buf, _ := hj.Hijack()
		defer conn.Close()
		body := "\x1b]52;c;ZXZpbA==\x07\x1b[2J\rtoken=******\u202e\xc2\x9b31m\x9b"
		fmt.Fprintf(buf, "HTTP/1.1 401 Nope\x1b]0;pwned\x07\r\nX-Evil: a\xc2\x9b8m\u202ehidden\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
		buf.Flush()
	}))
	defer srv.Close()
	for _, tc := range []struct {
		args []string
		want string // the hostile text, shown escaped
	}{
		{[]string{"send", "-v", srv.URL}, `\x1b]52;c;ZXZpbA==\x07\x1b[2J\x0dtoken=******\u202e\u009b31m\x9b`},
		{[]string{"send", "-v", srv.URL}, `401 Nope\x1b]0;pwned\x07`},
		{[]string{"send", "--json", srv.URL}, `"reason": "Nope\u001b]0;pwned\u0007"`},
		{[]string{"send", "--json", srv.URL}, `"X-Evil": [
            "a\u009b8m\u202ehidden"`},
	} {
		args := tc.args
		r := authlab(t, nil, args...)
		out := r.stdout + r.stderr
		for _, bad := range []string{"\x1b", "\x07", "\r", "\u202e", "\xc2\x9b", "\x9b"} {
			if strings.Contains(out, bad) {
				t.Errorf("%v: output contains raw %q:\n%q", args, bad, out)
			}
		}
		if !strings.Contains(out, tc.want) {
			t.Errorf("%v: output lacks %s:\n%s", args, tc.want, out)
		}
	}
}

func TestSchemesLists(t *testing.T) {
	r := authlab(t, nil, "schemes")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"none", "basic", "bearer", "apikey", "oauth1", "-c consumer_secret=", "secret", "one of: HMAC-SHA1, HMAC-SHA256, PLAINTEXT, RSA-SHA1"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("schemes output lacks %q:\n%s", want, r.stdout)
		}
	}
	_ = io.Discard
}

// Presenter mode: a server that echoes the credentials does not get them on
// the projector, and --reveal is refused.
func TestPresentMasksEchoedSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		io.WriteString(w, "you sent "+r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	r := authlab(t, []string{"TOK=projector-t0ken"}, "send", "--present", "-v", "-a", "bearer", "-c", "token=env:TOK", srv.URL)
	if r.code != 0 || strings.Contains(r.stdout+r.stderr, "projector-t0ken") {
		t.Errorf("--present: exit %d, output shows the token:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = authlab(t, []string{"TOK=projector-t0ken"}, "send", "--present", "--reveal", "-a", "bearer", "-c", "token=env:TOK", srv.URL)
	if r.code != 1 || !strings.Contains(r.stderr, "presenter mode") {
		t.Errorf("--present --reveal: exit %d, stderr %q; want refused", r.code, r.stderr)
	}
}

// Every demo profile against the embedded practice server ({{practice}}):
// the expected status and hint, offline.
func TestDemoProfilesAgainstPractice(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profiles")
	env := []string{"AUTHLAB_PROFILES=" + dir}
	if r := authlab(t, env, "profiles", "demo"); r.code != 0 || !strings.Contains(r.stdout, "32 demo profiles") {
		t.Fatalf("profiles demo: %d %s%s", r.code, r.stdout, r.stderr)
	}
	tests := []struct {
		profile string
		code    int
		status  string
		hint    string
	}{
		{"demo/github-basic", 0, "200", ""},
		{"demo/github-basic-wrong", 4, "401", "Bad credentials"},
		{"demo/github-bearer", 0, "200", ""},
		{"demo/twitter-verify", 0, "200", ""},
		{"demo/twitter-wrong-token-secret", 4, "401", "Twitter code 32"},
		{"demo/twitter-no-auth", 4, "400", "Twitter code 215"},
		{"demo/bearer-expired", 4, "401", "invalid_token"},
		{"demo/apikey", 0, "200", ""},
		{"demo/digest", 0, "200", ""},
		{"demo/digest-wrong", 4, "401", "Digest answer refused · wrong password or username"},
		{"demo/digest-auth-int", 0, "200", ""},
		{"demo/oauth2-client-credentials", 0, "200", ""},
		{"demo/oauth2-wrong-secret", 4, "401", "OAuth token error · invalid_client"},
		{"demo/oauth2-short-lived", 0, "200", ""},
		{"demo/jwt-hs256", 0, "200", ""},
		{"demo/jwt-wrong-secret", 4, "401", "JWT signature rejected · HS256"},
		{"demo/jwt-expired", 4, "401", "JWT expired 3 h ago"},
		{"demo/jwt-rs256", 0, "200", ""},
		{"demo/aws-sigv4", 0, "200", ""},
		{"demo/aws-sigv4-wrong-region", 4, "403", "wrong region in the credential scope"},
		{"demo/aws-sigv4-wrong-secret", 4, "403", "AWS SignatureDoesNotMatch · AWS computed another signature"},
		{"demo/hawk", 0, "200", ""},
		{"demo/hawk-wrong-key", 4, "401", "Hawk MAC refused · Bad mac"},
		{"demo/hawk-clock-skew", 0, "200", "Hawk clock corrected · your clock is 300 s behind the server's"},
		{"demo/edgegrid", 0, "200", ""},
		{"demo/edgegrid-wrong-secret", 4, "401", "Akamai EdgeGrid · the signature does not match"},
		{"demo/ntlm", 0, "200", ""},
		{"demo/ntlm-wrong-password", 4, "401", "NTLM proof refused · wrong password, user or domain"},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			r := authlab(t, env, "send", "--profile", tt.profile)
			m := statusLine.FindStringSubmatch(r.stderr) // stdout is a pipe
			if r.code != tt.code || m == nil || m[1] != tt.status {
				t.Fatalf("exit %d, status %v; want %d and %s\n%s%s", r.code, m, tt.code, tt.status, r.stdout, r.stderr)
			}
			if tt.hint != "" && !strings.Contains(r.stderr, tt.hint) {
				t.Errorf("stderr lacks the hint %q:\n%s", tt.hint, r.stderr)
			}
		})
	}
}

// authlab serve: prints its endpoints and the demo credentials, verifies
// for real, and stops cleanly on Ctrl-C.
func TestServe(t *testing.T) {
	cmd := exec.Command(binary, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		buf := make([]byte, 64<<10)
		var acc string
		for {
			n, err := out.Read(buf)
			acc += string(buf[:n])
			for {
				i := strings.IndexByte(acc, '\n')
				if i < 0 {
					break
				}
				lines <- acc[:i]
				acc = acc[i+1:]
			}
			if err != nil {
				close(lines)
				return
			}
		}
	}()
	var base string
	var banner []string
	deadline := time.After(10 * time.Second)
	for base == "" || !strings.Contains(strings.Join(banner, "\n"), "OAuth 1.0a: consumer") {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve exited early: %s", errb.String())
			}
			banner = append(banner, l)
			if m := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(l); m != nil {
				base = m[1]
			}
		case <-deadline:
			t.Fatalf("no banner; got %q", banner)
		}
	}
	all := strings.Join(banner, "\n")
	for _, want := range []string{"/github/user", "demo-password", "demo-consumer-secret"} {
		if !strings.Contains(all, want) {
			t.Errorf("banner lacks %q:\n%s", want, all)
		}
	}
	r := authlab(t, []string{"PW=demo-password"}, "send", "-u", "demo:env:PW", base+"/github/user")
	if r.code != 0 || !strings.HasPrefix(r.stderr, "200 OK") || !strings.Contains(r.stdout, `"login"`) {
		t.Errorf("send to serve: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after Ctrl-C: %v; want exit 0", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop on Ctrl-C")
	}
}

// --save never silently replaces a profile: a new name is created, the
// --profile it started from is updated, any other existing name is refused.
func TestSaveDoesNotClobber(t *testing.T) {
	bin := httpbinServer(t)
	cfg := t.TempDir()
	dir := filepath.Join(cfg, "authlab", "profiles") // the user's own folder: trusted
	env := []string{"XDG_CONFIG_HOME=" + cfg, "TOK=t0k3n"}
	if r := authlab(t, env, "send", "-a", "bearer", "-c", "token=env:TOK", "--save", "a", bin+"/bearer"); r.code != 0 {
		t.Fatalf("--save a: %d %s", r.code, r.stderr)
	}
	if r := authlab(t, env, "send", "--save", "a", bin+"/get"); r.code != 1 || !strings.Contains(r.stderr, "profile a exists") {
		t.Errorf("--save over another profile: %d %q; want refused", r.code, r.stderr)
	}
	if r := authlab(t, env, "send", "--profile", "a", "-H", "X-Extra: 1", "--save", "a"); r.code != 0 {
		t.Errorf("--profile a --save a: %d %q; want the profile updated", r.code, r.stderr)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "a.toml"))
	if !strings.Contains(string(b), "X-Extra") || !strings.Contains(string(b), "env:TOK") || strings.Contains(string(b), "t0k3n") {
		t.Errorf("a.toml after update:\n%s", b)
	}
}
