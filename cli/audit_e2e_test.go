package cli_test

// The secrets audit (issue #7, item 4): one scripted run through every
// scheme with unique marker secrets, then a search of everything authlab
// printed, drew or wrote for each marker and its derived forms.
//
// A secret may appear only
//   (a) in the output of a run with --reveal (or a TUI screen with R on),
//   (b) in the profile file saved with --allow-plaintext, and only that file,
//   (c) nowhere in presenter mode, even when the server echoes it;
// and the practice server's console log and its X-Authlab-Practice-Trace
// headers never hold a client secret.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"github.com/authlab/authlab/internal/testenv"
	"hash"
	"io"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/cli"
	"github.com/authlab/authlab/internal/termtest"
	"github.com/authlab/authlab/practice"
)

// auditAllow says which secrets a capture may hold.
type auditAllow int

const (
	auditNone   auditAllow = iota // no secret at all
	auditReveal                   // --reveal / R: any secret
	auditEcho                     // a server echoed what it got (not in presenter mode): what the user typed and its wire forms, never an issued token
	auditPlain                    // the --allow-plaintext profile of row: that row's own markers only
)

// auditCapture is one thing authlab printed, drew or wrote.
type auditCapture struct {
	label string
	text  string
	allow auditAllow
	row   string // for auditPlain
	// sigOK: a --trace output or the TUI's Trace tab, which show the
	// signature as computed (OAuth 1.0a, SigV4: replayable for minutes, they
	// reveal no secret; TestTwitterExampleTrace wants the published one).
	// Never in presenter mode, which shows no signature (issue #16 leak 5).
	sigOK bool
	// present: a run or screen in presenter mode (search/present-raw-trace)
	present bool
}

// auditRecorder keeps what the test's servers received and issued, and
// what the practice server logged and traced.
type auditRecorder struct {
	mu       sync.Mutex
	requests []*auditRequest
	issued   []string // tokens a token endpoint issued
	traces   []string // X-Authlab-Practice-Trace values, decoded
	seq      int
}

type auditRequest struct {
	method, path, query string
	header              http.Header
	body                string
}

func (r *auditRecorder) record(req *http.Request) *auditRequest {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	a := &auditRequest{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Clone(), string(body)}
	r.mu.Lock()
	r.requests = append(r.requests, a)
	r.mu.Unlock()
	return a
}

func (r *auditRecorder) addIssued(tokens ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range tokens {
		if t != "" {
			r.issued = append(r.issued, t)
		}
	}
}

// lockedBuffer is the practice server's console (written from handlers).
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// teeWriter keeps a copy of a response (headers and body).
type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (t *teeWriter) Write(p []byte) (int, error) {
	t.body.Write(p)
	return t.ResponseWriter.Write(p)
}

// practiceRecorded wraps the practice handler: every request, every issued
// token and every trace header is kept.
func (r *auditRecorder) practiceRecorded(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.record(req)
		tw := &teeWriter{ResponseWriter: w}
		h.ServeHTTP(tw, req)
		if v := tw.Header().Get(practice.TraceHeader); v != "" {
			raw, _ := base64.StdEncoding.DecodeString(v)
			r.mu.Lock()
			r.traces = append(r.traces, v, string(raw))
			r.mu.Unlock()
		}
		var tok struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
			IDToken      string `json:"id_token"`
		}
		if json.Unmarshal(tw.body.Bytes(), &tok) == nil {
			r.addIssued(tok.AccessToken, tok.RefreshToken, tok.IDToken)
		}
	})
}

const auditDigestRealm = "audit@echo"

// echoHandler serves /sink/... (records, answers a fixed body) and
// /echo/... (records, reflects the request headers, query and body in the
// response body and in X-Echo-* headers: the "server echoes a secret"
// case). Both have a token endpoint (…/token) that issues unique tokens,
// and a Digest challenge under …/digest.
func (r *auditRecorder) echoHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		a := r.record(req)
		echo := strings.HasPrefix(req.URL.Path, "/echo/")
		if strings.HasSuffix(req.URL.Path, "/digest") && !strings.HasPrefix(req.Header.Get("Authorization"), "Digest ") {
			w.Header().Set("WWW-Authenticate", `Digest realm="`+auditDigestRealm+`", qop="auth", algorithm=SHA-256, nonce="bm9uY2UtYXVkaXQ", opaque="b3BhcXVl"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var reflect strings.Builder
		if echo {
			fmt.Fprintf(&reflect, "%s %s?%s\n", a.method, a.path, a.query)
			names := make([]string, 0, len(a.header))
			for k := range a.header {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				fmt.Fprintf(&reflect, "%s: %s\n", k, strings.Join(a.header[k], ", "))
			}
			reflect.WriteString("\n" + a.body)
			w.Header().Set("X-Echo-Authorization", a.header.Get("Authorization"))
			w.Header().Set("X-Echo-Query", a.query)
		}
		if strings.HasSuffix(req.URL.Path, "/token") {
			r.mu.Lock()
			r.seq++
			n := r.seq
			r.mu.Unlock()
			at, rt := fmt.Sprintf("MARK-issued-at-%04d", n), fmt.Sprintf("MARK-issued-rt-%04d", n)
			r.addIssued(at, rt)
			w.Header().Set("Content-Type", "application/json")
			doc := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 3600, "refresh_token": rt}
			if echo {
				doc["echo"] = reflect.String()
			}
			json.NewEncoder(w).Encode(doc)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		if echo {
			io.WriteString(w, reflect.String())
			return
		}
		io.WriteString(w, "ok\n")
	})
}

// auditEnv is the one set of servers, folders and captures of the audit.
type auditEnv struct {
	home     string
	vars     map[string]string // the environment of every run
	rec      *auditRecorder
	echo     string // base URL of the echo/sink server
	practice string // base URL of the practice server
	tlsBase  string // the practice server over TLS
	tlsFiles practice.TLSFiles
	encKey   string // the client key, encrypted with the key-pass marker
	hang     string // a server that never answers
	rsaPEM   string // the RS256 private key (PEM): a secret without a marker prefix
	rsaFile  string // … in a file outside HOME
	log      *lockedBuffer
	tlsLog   *lockedBuffer

	mu       sync.Mutex
	captures []auditCapture
}

func (e *auditEnv) capture(c auditCapture) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.captures = append(e.captures, c)
}

// run runs the binary with the audit's HOME and XDG folders and keeps its
// stdout and stderr.
func (e *auditEnv) run(t *testing.T, allow auditAllow, args ...string) run {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range e.vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running authlab: %v", err)
	}
	label := "authlab " + strings.Join(args, " ")
	present := strings.Contains(label, " --present")
	trace := (strings.Contains(label, " --trace") || strings.Contains(label, " --json")) && !present // --json always carries the trace
	e.capture(auditCapture{label: label + " (stdout)", text: out.String(), allow: allow, sigOK: trace, present: present})
	e.capture(auditCapture{label: label + " (stderr)", text: errb.String(), allow: allow, sigOK: trace, present: present})
	return run{out.String(), errb.String(), code}
}

// auditRow is one scheme (or TLS option) of the audit: a new scheme is one
// more row.
type auditRow struct {
	name string
	// secrets are the marker secrets, by the environment variable that
	// carries them (given as env:NAME, or as the literal when lit).
	secrets map[string]string
	// flags are the scheme's flags for a run against kind ("sink",
	// "echo", "practice").
	flags func(e *auditEnv, kind string, lit bool) []string
	// url is where a run of kind goes.
	url func(e *auditEnv, kind string) string
	// practiceStatus is the exit code against the practice server (the
	// markers are not the demo credentials: most are refused).
	practiceCode int
	// tui opens the row's profile in the TUI too.
	tui bool
	// presentTUI opens it in presenter mode against the practice server
	// too: every tab and the export view (auditTUIPresentPractice).
	presentTUI bool
	// sends, when set, replaces the standard runs (auditSends).
	sends func(t *testing.T, e *auditEnv, row auditRow)
}

// ref is a secret value: a reference to its variable, or the literal.
func ref(e *auditEnv, name string, lit bool) string {
	if lit {
		return e.vars[name]
	}
	return "env:" + name
}

func sinkEcho(path string) func(e *auditEnv, kind string) string {
	return func(e *auditEnv, kind string) string {
		if kind == "practice" {
			return e.practice + path
		}
		return e.echo + "/" + kind + "/" + strings.TrimPrefix(path, "/")
	}
}

func auditRows() []auditRow {
	return []auditRow{
		{
			name:    "basic",
			secrets: map[string]string{"AUDIT_BASIC_PW": "MARK-basicpw-7f3a"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				return []string{"-a", "basic", "-u", "audit-user:" + ref(e, "AUDIT_BASIC_PW", lit)}
			},
			url:          sinkEcho("/github/user"),
			practiceCode: 4,
			tui:          true,
		},
		{
			name:    "bearer",
			secrets: map[string]string{"AUDIT_BEARER": "MARK-bearertok-2c9e"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				return []string{"-a", "bearer", "-c", "token=" + ref(e, "AUDIT_BEARER", lit)}
			},
			url:          sinkEcho("/bearer"),
			practiceCode: 4,
			tui:          true,
		},
		{
			name:    "apikey-header",
			secrets: map[string]string{"AUDIT_APIKEY_H": "MARK-apikeyhdr-51d0"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				return []string{"-a", "apikey", "-c", "name=X-API-Key", "-c", "value=" + ref(e, "AUDIT_APIKEY_H", lit)}
			},
			url:          sinkEcho("/apikey"),
			practiceCode: 4,
		},
		{
			name:    "apikey-query",
			secrets: map[string]string{"AUDIT_APIKEY_Q": "MARK-apikeyqry-8b42"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				return []string{"-a", "apikey", "-c", "name=api_key", "-c", "in=query", "-c", "value=" + ref(e, "AUDIT_APIKEY_Q", lit)}
			},
			url:          sinkEcho("/apikey?page=1"),
			practiceCode: 4,
			tui:          true,
		},
		{
			name:    "oauth1",
			secrets: map[string]string{"AUDIT_O1_CS": "MARK-o1consumer-a17c", "AUDIT_O1_TS": "MARK-o1token-e6f2"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				return []string{"-a", "oauth1", "-c", "consumer_key=" + practice.DemoConsumerKey, "-c", "consumer_secret=" + ref(e, "AUDIT_O1_CS", lit),
					"-c", "token=" + practice.DemoAccessToken, "-c", "token_secret=" + ref(e, "AUDIT_O1_TS", lit)}
			},
			url:          sinkEcho("/twitter/1.1/account/verify_credentials.json"),
			practiceCode: 4,
			tui:          true,
			presentTUI:   true,
		},
		{
			name:    "digest",
			secrets: map[string]string{"AUDIT_DIGEST_PW": "MARK-digestpw-3e8d"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				return []string{"-a", "digest", "-u", "audit-user:" + ref(e, "AUDIT_DIGEST_PW", lit)}
			},
			url:          sinkEcho("/digest"),
			practiceCode: 4,
			tui:          true,
			presentTUI:   true,
		},
		{
			// client_credentials against the echo server's token endpoint:
			// a marker client secret, unique issued tokens.
			name:    "oauth2-client-credentials",
			secrets: map[string]string{"AUDIT_O2_CS": "MARK-o2clientsecret-c4b1"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				tokenURL := e.echo + "/" + kind + "/token"
				if kind == "practice" {
					tokenURL = e.practice + "/oauth2/token"
				}
				return []string{"-a", "oauth2", "-c", "grant=client_credentials", "-c", "token_url=" + tokenURL,
					"-c", "client_id=audit-client", "-c", "client_secret=" + ref(e, "AUDIT_O2_CS", lit)}
			},
			url:          sinkEcho("/oauth2/me"),
			practiceCode: 4, // the token endpoint refuses the marker secret
			tui:          true,
		},
		{
			// the refresh_token grant, secret sent in the body
			// (client_secret_post): a marker refresh token.
			name:    "oauth2-refresh",
			secrets: map[string]string{"AUDIT_O2_CS2": "MARK-o2clientsecret2-09aa", "AUDIT_O2_RT": "MARK-o2refresh-d35e"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				tokenURL := e.echo + "/" + kind + "/token"
				if kind == "practice" {
					tokenURL = e.practice + "/oauth2/token"
				}
				return []string{"-a", "oauth2", "-c", "grant=refresh_token", "-c", "token_url=" + tokenURL, "-c", "client_auth=body",
					"-c", "client_id=audit-client", "-c", "client_secret=" + ref(e, "AUDIT_O2_CS2", lit), "-c", "refresh_token=" + ref(e, "AUDIT_O2_RT", lit)}
			},
			url:          sinkEcho("/oauth2/me"),
			practiceCode: 4,
		},
		{
			// the practice server's own token endpoint with the (public)
			// demo client: what is audited here are the access tokens it
			// issues, read from its responses.
			name:    "oauth2-practice-issued",
			secrets: map[string]string{"AUDIT_O2_DEMO_CS": practice.DemoOAuth2ClientSecret, "AUDIT_O2_DEMO_RT": practice.DemoOAuth2RefreshToken},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				return []string{"-a", "oauth2", "-c", "grant=refresh_token", "-c", "token_url=" + e.practice + "/oauth2/token",
					"-c", "client_id=" + practice.DemoOAuth2ClientID, "-c", "client_secret=" + ref(e, "AUDIT_O2_DEMO_CS", lit),
					"-c", "refresh_token=" + ref(e, "AUDIT_O2_DEMO_RT", lit)}
			},
			url:          sinkEcho("/oauth2/me"),
			practiceCode: 0,
			tui:          true,
		},
		{
			name:    "jwt-hs256",
			secrets: map[string]string{"AUDIT_JWT_SECRET": "MARK-jwtsecret-6a0f"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				return []string{"-a", "jwt", "-c", "alg=HS256", "-c", `claims={"sub":"audit"}`, "-c", "secret=" + ref(e, "AUDIT_JWT_SECRET", lit)}
			},
			url:          sinkEcho("/jwt"),
			practiceCode: 4,
			tui:          true,
			presentTUI:   true,
		},
		{
			// the private key has no marker prefix: its PEM lines are
			// searched (auditSecrets).
			name:    "jwt-rs256",
			secrets: map[string]string{},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				key := "file:" + e.rsaFile
				if lit {
					key = e.rsaPEM
				}
				return []string{"-a", "jwt", "-c", "alg=RS256", "-c", `claims={"sub":"audit"}`, "-c", "private_key=" + key}
			},
			url:          sinkEcho("/jwt"),
			practiceCode: 4,
		},
		{
			name:    "sigv4",
			secrets: map[string]string{"AUDIT_AWS_SECRET": "MARK-awssecret-b8e4", "AUDIT_AWS_SESSION": "MARK-awssession-7d21"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				return []string{"-a", "sigv4", "-c", "access_key=" + practice.DemoAWSAccessKey, "-c", "secret_key=" + ref(e, "AUDIT_AWS_SECRET", lit),
					"-c", "session_token=" + ref(e, "AUDIT_AWS_SESSION", lit), "-c", "region=us-east-1", "-c", "service=authlab"}
			},
			url:          sinkEcho("/aws"),
			practiceCode: 4,
			tui:          true,
			presentTUI:   true,
		},
		{
			// credentials typed outside a scheme: -H Authorization / Cookie
			// / X-API-Key (they cannot be references), a token in the URL's
			// query, and a password in the URL.
			name: "raw-credentials",
			secrets: map[string]string{"AUDIT_RAW_AUTH": "MARK-rawauth-61c2", "AUDIT_RAW_COOKIE": "MARK-rawcookie-4d07",
				"AUDIT_RAW_APIKEY": "MARK-rawapikey-0e5b", "AUDIT_RAW_QUERY": "MARK-rawquery-77c3"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				return []string{"-H", "Authorization: Bearer " + e.vars["AUDIT_RAW_AUTH"], "-H", "Cookie: sid=" + e.vars["AUDIT_RAW_COOKIE"],
					"-H", "X-API-Key: " + e.vars["AUDIT_RAW_APIKEY"]}
			},
			url:   sinkEcho("/raw?page=2&access_token=MARK-rawquery-77c3"),
			sends: auditRawCredentials,
		},
		{
			// an encrypted client key: the passphrase marker never
			// travels; it must not be printed or stored either.
			name:    "tls-key-pass",
			secrets: map[string]string{"AUDIT_KEY_PASS": "MARK-keypass-f00d"},
			flags: func(e *auditEnv, kind string, lit bool) []string {
				f := []string{"--cacert", e.tlsFiles.CA, "--cert", e.tlsFiles.ClientCert, "--key", e.encKey, "--key-pass", ref(e, "AUDIT_KEY_PASS", lit)}
				if lit {
					f = append(f, "--allow-plaintext")
				}
				return f
			},
			url:          func(e *auditEnv, kind string) string { return e.tlsBase + "/mtls" },
			practiceCode: 0,
			tui:          true,
		},
	}
}

// TestAuditSecrets is the audit. Subtests: sends/<row> (every output mode
// per scheme), errors/<case> (error paths), tui/<row> (the TUI), and the
// searches: search/outputs, search/files, search/practice-log,
// search/practice-trace, search/markers-detectable.
func TestAuditSecrets(t *testing.T) {
	testenv.Full(t, "the secrets audit over every output path (9 s)")
	start := time.Now()
	e := newAuditEnv(t)
	rows := auditRows()
	for _, row := range rows {
		for k, v := range row.secrets {
			e.vars[k] = v
		}
	}

	e.vars["AUDIT_WRONG_KP"] = "MARK-wrongkeypass-1b6c"

	// every row, the error paths and the TUI runs are independent: run
	// them side by side, then search what they all left behind
	t.Run("run", func(t *testing.T) {
		t.Run("errors", func(t *testing.T) { auditErrors(t, e) })
		for i, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				t.Parallel()
				t.Run("sends", func(t *testing.T) { auditSends(t, e, row) })
				if row.tui && !t.Failed() { // the TUI opens the profile the sends saved
					t.Run("tui", func(t *testing.T) { auditTUI(t, e, row) })
				}
				if i == 0 && !t.Failed() {
					t.Run("tui-present-echo", func(t *testing.T) { auditTUIPresent(t, e, row) })
				}
				if row.presentTUI && !t.Failed() {
					t.Run("tui-present-practice", func(t *testing.T) { auditTUIPresentPractice(t, e, row) })
				}
			})
		}
	})
	// what is left to read: history and profiles, through their commands
	e.run(t, auditNone, "history")
	e.run(t, auditNone, "history", "--json")
	e.run(t, auditNone, "profiles", "list", "--json")

	secrets := auditSecrets(e, rows)
	t.Run("search", func(t *testing.T) { auditSearch(t, e, rows, secrets) })
	t.Logf("audit: %d captures, %d secrets and derived forms, %d requests recorded, %v", len(e.captures), len(secrets.all), len(e.rec.requests), time.Since(start).Round(time.Millisecond))
}

func newAuditEnv(t *testing.T) *auditEnv {
	home := t.TempDir()
	e := &auditEnv{home: home, rec: &auditRecorder{}, log: &lockedBuffer{}, tlsLog: &lockedBuffer{}}
	e.vars = map[string]string{
		"HOME":            home,
		"XDG_CONFIG_HOME": filepath.Join(home, "config"),
		"XDG_STATE_HOME":  filepath.Join(home, "state"),
		"XDG_CACHE_HOME":  filepath.Join(home, "cache"),
		"XDG_DATA_HOME":   filepath.Join(home, "data"),
		"TMPDIR":          filepath.Join(home, "tmp"),
		"NO_COLOR":        "1",
	}
	os.MkdirAll(e.vars["TMPDIR"], 0o700)

	echo := httptest.NewServer(e.rec.echoHandler())
	t.Cleanup(echo.Close)
	e.echo = echo.URL
	ps := httptest.NewServer(e.rec.practiceRecorded(practice.New(practice.Options{Log: e.log}).Handler()))
	t.Cleanup(ps.Close)
	e.practice = ps.URL

	files, err := practice.EnsureTLS(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := practice.TLSServerConfig(files)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(e.rec.practiceRecorded(practice.New(practice.Options{Log: e.tlsLog}).Handler()))
	ts.TLS = cfg
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	e.tlsBase, e.tlsFiles = ts.URL, files
	e.encKey = tlsEncryptKey(t, files.ClientKey, "MARK-keypass-f00d")

	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(hang.Close)
	e.hang = hang.URL

	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	e.rsaPEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	e.rsaFile = filepath.Join(t.TempDir(), "rs256.pem")
	if err := os.WriteFile(e.rsaFile, []byte(e.rsaPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// auditSends runs one row through every output mode of `send`, the
// profiles it saves and `profiles show`.
func auditSends(t *testing.T, e *auditEnv, row auditRow) {
	if row.sends != nil {
		row.sends(t, e, row)
		return
	}
	flags := func(kind string, lit bool, extra ...string) []string {
		args := append([]string{"send"}, row.flags(e, kind, lit)...)
		return append(append(args, extra...), row.url(e, kind))
	}
	name := "audit/" + row.name
	// plain, -v, --trace, --json, with references; the saved profile
	// keeps them
	for _, extra := range [][]string{nil, {"-v"}, {"--trace"}, {"--json", "--trace"}, {"-v", "--trace", "--save", name}} {
		if r := e.run(t, auditNone, flags("sink", false, extra...)...); r.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", extra, r.code, r.stdout, r.stderr)
		}
	}
	// the same with the literal values, saved with --allow-plaintext
	if r := e.run(t, auditNone, flags("sink", true, "-v", "--trace", "--allow-plaintext", "--save", name+"-plain")...); r.code != 0 {
		t.Fatalf("literal: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// --reveal: the one place the secrets are printed (search/markers-detectable
	// checks they are)
	if r := e.run(t, auditReveal, flags("sink", false, "-v", "--trace", "--reveal")...); r.code != 0 {
		t.Fatalf("--reveal: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// a server that echoes the request: shown as it came, unless
	// presenter mode
	if r := e.run(t, auditEcho, flags("echo", false, "-v")...); r.code != 0 {
		t.Fatalf("echo: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, extra := range [][]string{{"--present", "-v", "--trace"}, {"--present", "--json", "--trace"}} {
		if r := e.run(t, auditNone, flags("echo", false, extra...)...); r.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", extra, r.code, r.stdout, r.stderr)
		}
	}
	// the practice server: it refuses the markers (they are not the demo
	// credentials), its trace comes back and is shown; with --reveal the
	// signatures it received and expected (search/markers-detectable); in
	// presenter mode none of them, nor its raw trace header (issue #16
	// leak 5)
	for _, run := range []struct {
		allow auditAllow
		extra []string
	}{{auditNone, []string{"-v", "--trace"}}, {auditReveal, []string{"-v", "--trace", "--reveal"}},
		{auditNone, []string{"--present", "-v", "--trace"}}, {auditNone, []string{"--present", "--json", "--trace"}}} {
		if r := e.run(t, run.allow, flags("practice", false, run.extra...)...); r.code != row.practiceCode {
			t.Errorf("practice %v: exit %d; want %d\n%s%s", run.extra, r.code, row.practiceCode, r.stdout, r.stderr)
		}
	}
	// sends from the saved profiles
	for _, p := range []string{name, name + "-plain"} {
		if r := e.run(t, auditNone, "send", "--profile", p, "-v", "--trace"); r.code != 0 {
			t.Errorf("--profile %s: exit %d\n%s%s", p, r.code, r.stdout, r.stderr)
		}
		if r := e.run(t, auditNone, "send", "--profile", p, "--json"); r.code != 0 {
			t.Errorf("--profile %s --json: exit %d\n%s%s", p, r.code, r.stdout, r.stderr)
		}
		if r := e.run(t, auditNone, "profiles", "show", p); r.code != 0 {
			t.Errorf("profiles show %s: exit %d\n%s%s", p, r.code, r.stdout, r.stderr)
		}
	}
}

// auditRawCredentials: a credential header given with -H is masked in
// every output and, since it cannot be a reference, saved only with
// --allow-plaintext; a password in the URL is never saved or printed.
func auditRawCredentials(t *testing.T, e *auditEnv, row auditRow) {
	send := func(kind string, extra ...string) []string {
		return append(append(append([]string{"send"}, row.flags(e, kind, true)...), extra...), row.url(e, kind))
	}
	for _, extra := range [][]string{nil, {"-v"}, {"--trace"}, {"--json"}} {
		if r := e.run(t, auditNone, send("sink", extra...)...); r.code != 0 {
			t.Errorf("%v: exit %d\n%s%s", extra, r.code, r.stdout, r.stderr)
		}
	}
	// fails if literalSecrets stops counting credential headers: the
	// profile would hold them without --allow-plaintext
	if r := e.run(t, auditNone, send("sink", "-v", "--save", "audit/"+row.name)...); r.code != 1 || !strings.Contains(r.stderr, "--allow-plaintext") {
		t.Errorf("--save with a literal Authorization header: exit %d, stderr %q; want refused, naming --allow-plaintext", r.code, r.stderr)
	}
	if r := e.run(t, auditNone, send("sink", "-v", "--allow-plaintext", "--save", "audit/"+row.name+"-plain")...); r.code != 0 {
		t.Errorf("--allow-plaintext --save: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, extra := range [][]string{{"--present", "-v"}, {"--present", "--json"}} {
		if r := e.run(t, auditNone, send("echo", extra...)...); r.code != 0 {
			t.Errorf("%v: exit %d\n%s%s", extra, r.code, r.stdout, r.stderr)
		}
	}
	e.run(t, auditEcho, send("echo", "-v")...)
	e.run(t, auditReveal, send("sink", "-v", "--reveal")...)
	if r := e.run(t, auditNone, "send", "--profile", "audit/"+row.name+"-plain", "-v", "--json"); r.code != 0 {
		t.Errorf("--profile: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := e.run(t, auditNone, "profiles", "show", "audit/"+row.name+"-plain"); r.code != 0 {
		t.Errorf("profiles show: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// exported, every credential is a variable the snippet reads
	for _, format := range []string{"curl", "httpie", "python", "go"} {
		if r := e.run(t, auditNone, "export", "--format", format, "--profile", "audit/"+row.name+"-plain"); r.code != 0 {
			t.Errorf("export --format %s --profile: exit %d\n%s%s", format, r.code, r.stdout, r.stderr)
		}
		args := append(append([]string{"export", "--format", format}, row.flags(e, "sink", true)...), row.url(e, "sink"))
		if r := e.run(t, auditNone, args...); r.code != 0 {
			t.Errorf("export --format %s with the flags: exit %d\n%s%s", format, r.code, r.stdout, r.stderr)
		}
	}
	// a password in the URL: refused, for send and for --save
	userinfo := strings.Replace(e.echo, "http://", "http://audit-user:MARK-urlpw-93f1@", 1) + "/sink/raw"
	for _, args := range [][]string{{"send", "-v", userinfo}, {"send", "--save", "audit/url-userinfo", userinfo}, {"send", "--allow-plaintext", "--save", "audit/url-userinfo", userinfo}} {
		if r := e.run(t, auditNone, args...); r.code != 1 {
			t.Errorf("%v: exit %d; want 1 (credentials in the URL refused)\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
}

// auditErrors: the error paths, each with marker secrets on board.
func auditErrors(t *testing.T, e *auditEnv) {
	tests := []struct {
		name  string
		args  []string
		code  int
		allow auditAllow
	}{
		{"timeout", []string{"send", "-u", "audit-user:env:AUDIT_BASIC_PW", "--timeout", "300ms", "-v", "--trace", e.hang}, 2, auditNone},
		{"timeout-json", []string{"send", "-a", "sigv4", "-c", "access_key=AKIDAUDIT", "-c", "secret_key=env:AUDIT_AWS_SECRET", "-c", "session_token=env:AUDIT_AWS_SESSION",
			"-c", "region=us-east-1", "-c", "service=s3", "--timeout", "300ms", "--json", "--trace", e.hang}, 2, auditNone},
		{"tls-unknown-authority", []string{"send", "-a", "bearer", "-c", "token=env:AUDIT_BEARER", "-v", "--trace", e.tlsBase + "/bearer"}, 1, auditNone},
		{"tls-unknown-authority-literal", []string{"send", "-a", "bearer", "-c", "token=MARK-bearertok-2c9e", "--json", e.tlsBase + "/bearer"}, 1, auditNone},
		{"token-endpoint-refusal", []string{"send", "-a", "oauth2", "-c", "token_url=" + e.practice + "/oauth2/token", "-c", "client_id=" + practice.DemoOAuth2ClientID,
			"-c", "client_secret=env:AUDIT_O2_CS", "-v", "--trace", e.practice + "/oauth2/me"}, 4, auditNone},
		{"token-endpoint-refusal-json", []string{"send", "-a", "oauth2", "-c", "grant=refresh_token", "-c", "client_auth=body", "-c", "token_url=" + e.practice + "/oauth2/token",
			"-c", "client_id=" + practice.DemoOAuth2ClientID, "-c", "client_secret=env:AUDIT_O2_CS2", "-c", "refresh_token=env:AUDIT_O2_RT", "--json", "--trace", e.practice + "/oauth2/me"}, 4, auditNone},
		{"wrong-password", []string{"send", "-a", "digest", "-u", "demo:env:AUDIT_DIGEST_PW", "-v", "--trace", e.practice + "/digest"}, 4, auditNone},
		// the server's expected and received Digest responses: shown with
		// --reveal (search/markers-detectable), never in presenter mode
		{"wrong-password-reveal", []string{"send", "-a", "digest", "-u", "demo:env:AUDIT_DIGEST_PW", "-v", "--trace", "--reveal", e.practice + "/digest"}, 4, auditReveal},
		{"wrong-password-present", []string{"send", "-a", "digest", "-u", "demo:env:AUDIT_DIGEST_PW", "--present", "-v", "--trace", e.practice + "/digest"}, 4, auditNone},
		{"wrong-password-present-json", []string{"send", "-a", "digest", "-u", "demo:env:AUDIT_DIGEST_PW", "--present", "--json", e.practice + "/digest"}, 4, auditNone},
		{"wrong-key-pass", []string{"send", "--cacert", e.tlsFiles.CA, "--cert", e.tlsFiles.ClientCert, "--key", e.encKey, "--key-pass", "env:AUDIT_WRONG_KP", "-v", e.tlsBase + "/mtls"}, 1, auditNone},
		{"connection-refused", []string{"send", "-a", "oauth1", "-c", "consumer_key=k", "-c", "consumer_secret=env:AUDIT_O1_CS", "-c", "token_secret=env:AUDIT_O1_TS",
			"-v", "--trace", "http://127.0.0.1:1/"}, 1, auditNone},
		{"unset-reference-beside-a-literal", []string{"send", "-a", "sigv4", "-c", "access_key=AKIDAUDIT", "-c", "secret_key=MARK-awssecret-b8e4",
			"-c", "session_token=env:AUDIT_UNSET", "-c", "region=us-east-1", "-c", "service=s3", e.echo + "/sink/aws"}, 1, auditNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if r := e.run(t, tt.allow, tt.args...); r.code != tt.code {
				t.Errorf("exit %d; want %d\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
		})
	}
}

// ---- the TUI ------------------------------------------------------------

// auditScreen is the TUI in a real terminal emulator (internal/termtest);
// every screen the test reads is kept as a capture.
type auditScreen struct {
	t     *testing.T
	e     *auditEnv
	tt    *termtest.Term
	label string
	allow auditAllow
}

func (s *auditScreen) capture(txt string) {
	present := strings.Contains(s.label, "present")
	s.e.capture(auditCapture{label: s.label, text: txt, allow: s.allow, sigOK: strings.Contains(s.label, "tab 4") && !present, present: present})
}

func (s *auditScreen) text() string {
	txt := s.tt.Text()
	s.capture(txt)
	return txt
}

// waitText waits for want on screen, capturing every screen read.
func (s *auditScreen) waitText(want string) {
	s.t.Helper()
	s.capture(s.tt.WaitForEach(fmt.Sprintf("%s: %q", s.label, want), func(txt string) bool { return strings.Contains(txt, want) }, s.capture))
}

func (s *auditScreen) key(seq string) {
	s.t.Helper()
	s.tt.Key(seq)
}

// press sends a key and waits for the state it leads to: the screen shows
// until, or, when until is "", the key is a result tab's and that tab is
// the active one. Screens read before that are the old state, captured
// under the old label; the first of the new state is captured under label
// and allow, and so is every later one the next wait reads.
func (s *auditScreen) press(seq, until, label string, allow auditAllow) {
	s.t.Helper()
	s.key(seq)
	var txt string
	if until == "" {
		tab := resultTabs[seq]
		txt = s.tt.WaitWhere(label+": tab "+tab, termtest.Bold, func(bold string) bool { return strings.Contains(bold, tab) }, s.capture)
	} else {
		txt = s.tt.WaitForEach(fmt.Sprintf("%s: %q", label, until), func(txt string) bool { return strings.Contains(txt, until) }, s.capture)
	}
	s.label, s.allow = label, allow
	s.capture(txt)
}

func (e *auditEnv) startTUI(t *testing.T, label string, args ...string) *auditScreen {
	const w, h = 100, 60
	tt := termtest.Start(t, termtest.Config{Width: w, Height: h}, func(ctx context.Context, stdin io.Reader, stdout io.Writer) int {
		return cli.Run(ctx, args, tuiEnv(stdin, stdout, e.vars, w, h))
	})
	return &auditScreen{t: t, e: e, tt: tt, label: label}
}

// quit presses ctrl+c and checks the TUI ends with exit code 0.
func (s *auditScreen) quit() {
	s.t.Helper()
	s.key("\x03")
	if c := s.tt.Wait(); c != 0 {
		s.t.Errorf("TUI exit code %d; want 0", c)
	}
}

// auditTUI opens the row's saved profile (references), sends it, visits
// every tab, reveals and hides again with R, saves with ctrl+s.
func auditTUI(t *testing.T, e *auditEnv, row auditRow) {
	name := "audit/" + row.name
	s := e.startTUI(t, "tui "+row.name, "--profile", name)
	u, _ := url.Parse(row.url(e, "sink"))
	s.waitText(u.Path)
	s.key("\x12") // ctrl+r
	s.waitText("200 OK")
	for _, tab := range []string{"1", "2", "3", "4", "5"} {
		s.press(tab, "", "tui "+row.name+" tab "+tab, auditNone)
	}
	// R on (the Headers tab says so), the Trace tab revealed; R off, and
	// both tabs are masked again
	s.press("3", "Request as sent", "tui "+row.name+" tab 3", auditNone)
	s.press("R", "secrets revealed", "tui "+row.name+" revealed tab 3", auditReveal)
	s.press("4", "", "tui "+row.name+" revealed tab 4", auditReveal)
	s.press("3", "secrets revealed", "tui "+row.name+" revealed tab 3", auditReveal)
	s.press("R", "credentials masked", "tui "+row.name+" hidden again tab 3", auditNone)
	s.press("4", "", "tui "+row.name+" hidden again tab 4", auditNone)
	s.label = "tui " + row.name + " save"
	s.key("\x13") // ctrl+s
	s.waitText("saved")
	s.quit()
}

// auditTUIPresent: presenter mode against the echo server, R pressed.
func auditTUIPresent(t *testing.T, e *auditEnv, row auditRow) {
	s := e.startTUI(t, "tui present", "--present", "--profile", "audit/"+row.name, row.url(e, "echo"))
	s.waitText("/echo/")
	s.key("\x12")
	s.waitText("200 OK")
	for _, tab := range []string{"1", "2", "3", "4", "5"} {
		s.press(tab, "", "tui present tab "+tab, auditNone)
		if tab == "3" || tab == "4" { // the request as sent, the trace
			s.press("R", "presenter mode", "tui present R on tab "+tab, auditNone) // refused in presenter mode
		}
	}
	s.quit()
}

// auditTUIPresentPractice: presenter mode against the practice server,
// whose trace holds the signatures it received and expected: every tab
// (R refused on the Headers and Trace tabs), the Trace tab's steps one by
// one, and the export view (ctrl+y), which for a scheme the export target
// cannot compute holds a request signed now.
func auditTUIPresentPractice(t *testing.T, e *auditEnv, row auditRow) {
	u, _ := url.Parse(row.url(e, "practice"))
	s := e.startTUI(t, "tui present practice "+row.name, "--present", "--profile", "audit/"+row.name, row.url(e, "practice"))
	s.waitText("PRESENTING")
	s.waitText(u.Path)
	s.key("\x12")              // ctrl+r
	s.waitText("client error") // the practice server refuses the markers
	s.press("4", "Client vs practice server", "tui present practice "+row.name+" tab 4", auditNone)
	for _, tab := range []string{"1", "2", "3", "5", "4"} {
		s.press(tab, "", "tui present practice "+row.name+" tab "+tab, auditNone)
		if tab == "3" || tab == "4" {
			s.press("R", "presenter mode", "tui present practice "+row.name+" R on tab "+tab, auditNone)
		}
	}
	for i := 1; i <= 3; i++ { // the first steps alone (n): the signature steps are there
		s.press("n", fmt.Sprintf("step %d of", i), fmt.Sprintf("tui present practice %s tab 4 step %d", row.name, i), auditNone)
	}
	s.press("\x19", "Export", "tui present practice "+row.name+" export", auditNone) // ctrl+y
	s.waitText("curl")
	s.quit()
}

// ---- the search ---------------------------------------------------------

// auditSecretSet is every secret value of the audit with where it came
// from.
type auditSecretSet struct {
	all    map[string]string // value → what it is
	issued map[string]bool   // tokens a token endpoint issued
	rowOf  map[string]string // marker value → row
	// signatures are derived forms that prove nothing about the secret
	// (an HMAC or hash over it) but can be replayed for a while.
	signatures map[string]bool
}

func (s *auditSecretSet) add(v, what string) {
	if len(v) < 8 || strings.HasPrefix(v, "demo-") {
		return // the public demo credentials are not secrets
	}
	if _, ok := s.all[v]; !ok {
		s.all[v] = what
	}
	if q := url.QueryEscape(v); q != v {
		s.all[q] = what + " (URL-encoded)"
	}
}

var (
	// auditServerLive: the practice-server trace labels of values that
	// authenticate a request by themselves
	auditServerLive     = regexp.MustCompile(`^((received|expected) )?(\S*signature|response)$`)
	auditDigestResponse = regexp.MustCompile(`response="?([0-9a-f]+)`)
	auditOAuthSignature = regexp.MustCompile(`oauth_signature="([^"]+)"`)
	auditSigV4          = regexp.MustCompile(`Credential=[^/]+/(\d{8})/([^/]+)/([^/]+)/aws4_request.*Signature=([0-9a-f]+)`)
)

// auditSecrets collects the markers and every derived form: Basic's
// base64, Digest's HA1 and response, OAuth 1.0a's signature, the JWTs and
// their signatures, SigV4's signing key and signature, the issued OAuth 2.0
// tokens, the RS256 key's PEM lines.
func auditSecrets(e *auditEnv, rows []auditRow) *auditSecretSet {
	s := &auditSecretSet{all: map[string]string{}, issued: map[string]bool{}, rowOf: map[string]string{}, signatures: map[string]bool{}}
	for _, row := range rows {
		for k, v := range row.secrets {
			s.add(v, row.name+" marker "+k)
			s.rowOf[v] = row.name
		}
	}
	s.add(e.vars["AUDIT_WRONG_KP"], "wrong key passphrase")
	s.add("MARK-urlpw-93f1", "password in a URL")
	s.add(base64.StdEncoding.EncodeToString([]byte("audit-user:MARK-urlpw-93f1")), "Basic credentials from a URL")
	for _, l := range strings.Split(e.rsaPEM, "\n") {
		if len(l) == 64 {
			s.all[l] = "RS256 private key PEM line"
			s.rowOf[l] = "jwt-rs256"
		}
	}
	for _, pw := range []string{"MARK-basicpw-7f3a", "MARK-digestpw-3e8d"} {
		s.add(base64.StdEncoding.EncodeToString([]byte("audit-user:"+pw)), "Basic credentials")
		s.add(base64.StdEncoding.EncodeToString([]byte("demo:"+pw)), "Basic credentials")
		for _, user := range []string{"audit-user", "demo"} {
			for _, realm := range []string{auditDigestRealm, "authlab-practice@digest"} {
				a1 := user + ":" + realm + ":" + pw
				for _, h := range []func() hash.Hash{md5.New, sha256.New, sha512.New512_256} {
					d := h()
					d.Write([]byte(a1))
					s.add(hex.EncodeToString(d.Sum(nil)), "Digest HA1")
				}
			}
		}
	}
	for _, cs := range []string{"MARK-o2clientsecret-c4b1", "MARK-o2clientsecret2-09aa"} {
		for _, id := range []string{"audit-client", practice.DemoOAuth2ClientID} {
			s.add(base64.StdEncoding.EncodeToString([]byte(id+":"+cs)), "OAuth 2.0 client_secret_basic")
		}
	}
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	// what the practice server received and expected: signatures and
	// Digest responses, shown beside the client's in --trace and on the
	// Trace tab, never in presenter mode
	for _, tr := range e.rec.traces {
		var st practice.ServerTrace
		if json.Unmarshal([]byte(tr), &st) != nil {
			continue // the header as sent (base64)
		}
		for _, v := range st.Values {
			if auditServerLive.MatchString(practice.NormLabel(v.Label)) && len(v.Value) >= 8 {
				s.add(v.Value, "practice server "+practice.NormLabel(v.Label))
				s.signatures[v.Value] = true
				if q := url.QueryEscape(v.Value); q != v.Value {
					s.signatures[q] = true
				}
			}
		}
	}
	for _, tok := range e.rec.issued {
		s.add(tok, "issued OAuth 2.0 token")
		s.issued[tok] = true
	}
	for _, r := range e.rec.requests {
		auth := r.header.Get("Authorization")
		switch {
		case strings.HasPrefix(auth, "Bearer "):
			tok := strings.TrimPrefix(auth, "Bearer ")
			if parts := strings.Split(tok, "."); len(parts) == 3 {
				s.add(tok, "JWT")
				s.add(parts[2], "JWT signature")
			}
		case strings.HasPrefix(auth, "Digest "):
			if m := auditDigestResponse.FindStringSubmatch(auth); m != nil {
				s.add(m[1], "Digest response")
				s.signatures[m[1]] = true
			}
		case strings.HasPrefix(auth, "OAuth "):
			if m := auditOAuthSignature.FindStringSubmatch(auth); m != nil {
				sig, _ := url.QueryUnescape(m[1])
				s.add(sig, "oauth_signature")
				s.signatures[sig], s.signatures[m[1]] = true, true
			}
		case strings.HasPrefix(auth, "AWS4-HMAC-SHA256 "):
			if m := auditSigV4.FindStringSubmatch(auth); m != nil {
				s.add(m[4], "SigV4 signature")
				s.signatures[m[4]] = true
				for _, secret := range []string{"MARK-awssecret-b8e4"} {
					k := []byte("AWS4" + secret)
					for _, part := range []string{m[1], m[2], m[3], "aws4_request"} {
						mac := hmac.New(sha256.New, k)
						mac.Write([]byte(part))
						k = mac.Sum(nil)
					}
					s.add(hex.EncodeToString(k), "SigV4 signing key")
				}
			}
		}
	}
	return s
}

// find returns the secrets in text that the capture may not hold.
func (s *auditSecretSet) find(c auditCapture) []string {
	var out []string
	for v, what := range s.all {
		if !strings.Contains(c.text, v) {
			continue
		}
		switch c.allow {
		case auditReveal:
			continue
		case auditEcho:
			if !s.issued[v] {
				continue
			}
		case auditPlain:
			if s.rowOf[v] == c.row {
				continue
			}
		}
		if c.sigOK && s.signatures[v] {
			continue
		}
		out = append(out, fmt.Sprintf("%s %q", what, v))
	}
	// any marker, even cut short, in a capture that may hold none
	if c.allow == auditNone && len(out) == 0 {
		if i := strings.Index(c.text, "MARK-"); i >= 0 {
			out = append(out, fmt.Sprintf("a marker prefix: %q", c.text[i:min(len(c.text), i+30)]))
		}
	}
	sort.Strings(out)
	return out
}

func auditSearch(t *testing.T, e *auditEnv, rows []auditRow, secrets *auditSecretSet) {
	var fileCaptures []auditCapture
	// (a)+(c): everything printed or drawn, each capture by its rule
	t.Run("outputs", func(t *testing.T) {
		for _, c := range e.captures {
			if found := secrets.find(c); len(found) > 0 {
				t.Errorf("%s holds %s:\n%s", c.label, strings.Join(found, ", "), auditExcerpt(c.text, found))
			}
		}
	})
	// the echo server really echoes: the same runs without presenter mode
	// show what it reflected (so (c) can fail)
	t.Run("echo-control", func(t *testing.T) {
		n := 0
		for _, c := range e.captures {
			if c.allow != auditEcho || !strings.HasSuffix(c.label, "(stdout)") || strings.Contains(c.label, "/mtls") {
				continue
			}
			n++
			c.allow = auditNone
			// an issued token echoed back is masked even here (the token
			// rows): the echoed line is there, masked
			echoedToken := strings.Contains(c.text, "\nAuthorization: Bearer ••••••••")
			if len(secrets.find(c)) == 0 && !echoedToken {
				t.Errorf("%s: the echo server's answer shows no secret; the presenter-mode runs prove nothing:\n%s", c.label, c.text)
			}
		}
		if n == 0 {
			t.Error("no echo run")
		}
	})
	// (b): every file under HOME (profiles, history, anything else): only
	// the --allow-plaintext profile holds its own row's markers
	t.Run("files", func(t *testing.T) {
		plainRow := map[string]string{}
		for _, row := range rows {
			plainRow[filepath.Join(e.vars["XDG_CONFIG_HOME"], "authlab", "profiles", "audit", row.name+"-plain.toml")] = row.name
		}
		var files []string
		filepath.WalkDir(e.home, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, _ := os.ReadFile(path)
			c := auditCapture{label: path, text: string(b), allow: auditNone}
			if r, ok := plainRow[path]; ok {
				c.allow, c.row = auditPlain, r
				// the literal secrets are really there (the search works)
				for _, v := range auditRowByName(rows, r).secrets {
					if !strings.Contains(c.text, v) {
						t.Errorf("%s lacks its plaintext secret %q:\n%s", path, v, b)
					}
				}
			}
			files = append(files, strings.TrimPrefix(path, e.home))
			fileCaptures = append(fileCaptures, c)
			if found := secrets.find(c); len(found) > 0 {
				t.Errorf("file %s holds %s:\n%s", path, strings.Join(found, ", "), auditExcerpt(c.text, found))
			}
			return nil
		})
		if len(files) < 2*len(rows)+1 {
			t.Errorf("authlab wrote %d files; want each row's two profiles and the history: %v", len(files), files)
		}
		t.Logf("files searched: %d", len(files))
	})
	// the practice server's console and trace headers: no client secret
	// (received signatures are shown beside the expected ones on purpose:
	// they are replayable for a short time at most and reveal no secret)
	t.Run("practice-log", func(t *testing.T) {
		for _, l := range []struct{ name, text string }{{"practice console", e.log.String()}, {"practice TLS console", e.tlsLog.String()}} {
			if l.text == "" {
				t.Errorf("%s is empty: the search would prove nothing", l.name)
			}
			if found := secrets.find(auditCapture{label: l.name, text: l.text, sigOK: true}); len(found) > 0 {
				t.Errorf("%s holds %s", l.name, strings.Join(found, ", "))
			}
		}
	})
	t.Run("practice-trace", func(t *testing.T) {
		e.rec.mu.Lock()
		traces := append([]string(nil), e.rec.traces...)
		e.rec.mu.Unlock()
		if len(traces) == 0 {
			t.Fatal("no practice trace header was recorded")
		}
		for _, tr := range traces {
			if found := secrets.find(auditCapture{label: "trace", text: tr, sigOK: true}); len(found) > 0 {
				t.Errorf("X-Authlab-Practice-Trace holds %s: %s", strings.Join(found, ", "), tr)
			}
		}
	})
	// presenter mode never shows the practice server's trace header as
	// it came (base64 of the values it received and expected); the runs
	// without presenter mode do (so the check can fail)
	t.Run("present-raw-trace", func(t *testing.T) {
		e.rec.mu.Lock()
		var raw []string
		for _, tr := range e.rec.traces {
			if !strings.HasPrefix(tr, "{") && len(tr) >= 40 {
				raw = append(raw, tr[:40])
			}
		}
		e.rec.mu.Unlock()
		shown, present := 0, 0
		for _, c := range e.captures {
			for _, r := range raw {
				if !strings.Contains(c.text, r) {
					continue
				}
				if c.present {
					t.Errorf("%s shows the raw %s header %q…", c.label, practice.TraceHeader, r)
				}
				shown++
				break
			}
			if c.present {
				present++
			}
		}
		if shown == 0 || present == 0 {
			t.Errorf("%d captures show a raw trace header and %d are in presenter mode: the search proves nothing", shown, present)
		}
	})
	// the search can fail: every marker and derived form turned up where
	// it is allowed (a --reveal run, R, an echo, a plaintext profile)
	t.Run("markers-detectable", func(t *testing.T) {
		var allowed strings.Builder
		for _, c := range append(e.captures, fileCaptures...) {
			if c.allow != auditNone {
				allowed.WriteString(c.text)
			}
		}
		// each marker by itself; of each derived form (there is one per
		// request) at least one value
		seen := map[string]bool{}
		for v, what := range secrets.all {
			if strings.HasSuffix(what, "(URL-encoded)") || v == e.vars["AUDIT_WRONG_KP"] || strings.Contains(what, "from a URL") || what == "password in a URL" {
				continue
			}
			if _, ok := seen[what]; !ok || strings.Contains(what, " marker ") {
				seen[what] = seen[what] || false
			}
			if strings.Contains(allowed.String(), v) {
				seen[what] = true
			} else if strings.Contains(what, " marker ") {
				t.Errorf("%s %q is never shown, even with --reveal: the search for it proves nothing", what, v)
			}
		}
		for what, ok := range seen {
			if !ok {
				t.Errorf("no %s is ever shown, even with --reveal: the search for them proves nothing", what)
			}
		}
	})
}

func auditRowByName(rows []auditRow, name string) auditRow {
	for _, r := range rows {
		if r.name == name {
			return r
		}
	}
	return auditRow{}
}

// auditExcerpt shows the lines around the first finding.
func auditExcerpt(text string, found []string) string {
	for _, f := range found {
		q := f[strings.LastIndex(f, " ")+1:]
		v := strings.Trim(q, `"`)
		if uq, err := unquote(q); err == nil {
			v = uq
		}
		if i := strings.Index(text, v); i >= 0 {
			lo, hi := max(0, i-200), min(len(text), i+len(v)+100)
			return "…" + text[lo:hi] + "…"
		}
	}
	if len(text) > 400 {
		return text[:400] + "…"
	}
	return text
}

func unquote(q string) (string, error) {
	var s string
	err := json.Unmarshal([]byte(q), &s)
	return s, err
}
