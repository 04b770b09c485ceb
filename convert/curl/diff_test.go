package curl

import (
	"bytes"
	"context"
	"io"
	"mime"
	mpart "mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/internal/testenv"
	"github.com/authlab/authlab/profiles"
)

// diffTests are curl commands run twice against the same recording server:
// by curl itself, and as the imported profile sent through authlab's
// engine. URL stands for the server's base URL, HOST for its host:port.
var diffTests = []struct {
	name  string
	line  string
	files map[string]string // written to the directory both run in
	env   map[string]string // the shell's variables (and the references')
	// unorderedQuery compares the query as a set of parameters: an API key
	// moved into the apikey scheme comes last.
	unorderedQuery bool
	ignore         []string // more headers left out of the comparison
	check          func(t *testing.T, curl, ours *seen)
}{
	{name: "form data joined with &", line: `curl URL/post -d a=1 -d 'b=2 3' --data-ascii c=4 -d ''`},
	{name: "data-urlencode, the three forms without a file", line: `curl URL/p --data-urlencode 'q=hello world&x' --data-urlencode '=a b' --data-urlencode 'plain text/é'`},
	{name: "-G moves data into the query", line: `curl -G 'URL/search?pre=1' --data-urlencode 'q=a b' -d x=1`},
	{name: "-G and --url-query", line: `curl -G URL/s -d a=1 --url-query 'b=2 3' --url-query +c=%20`},
	{name: "--url-query alone", line: `curl 'URL/s?x=1' --url-query 'b=2 3'`},
	{name: "--json twice", line: `curl --json '{"a":1}' --json '{"b":2}' URL/j`},
	{name: "--json from a file, own Accept", line: `curl --json @body.json -H 'Accept: text/plain' URL/j`,
		files: map[string]string{"body.json": "{\r\n  \"a\": 1\n}\n"}},
	{name: "--json then -d", line: `curl --json '{"a":1}' -d b=2 URL/j`},
	{name: "--data-binary @file keeps CR and LF", line: `curl --data-binary @crlf.txt URL/f`,
		files: map[string]string{"crlf.txt": "a=1\r\nb=2\n"}},
	{name: "--data-raw takes @ literally", line: `curl --data-raw @crlf.txt URL/f`},
	{name: "PUT with JSON", line: `curl -X PUT -H 'Content-Type: application/json' -d '{"a": [1, 2]}' URL/x`},
	{name: "POST without data", line: `curl -X POST URL/x`},
	{name: "basic", line: `curl -u 'user:p@ss:w' URL/b`},
	{name: "basic from the URL", line: `curl 'http://us%40er:pa%3Ass@HOST/u'`},
	{name: "basic from variables", line: `curl -u "$U:$P" URL/b`, env: map[string]string{"U": "octocat", "P": "s3cr3t"}},
	{name: "Authorization: Basic header", line: `curl -H 'Authorization: Basic b2N0b2NhdDpzM2NyM3Q=' URL/b`},
	{name: "Authorization: Bearer header", line: `curl -H 'Authorization: Bearer tok-1' URL/`},
	{name: "Bearer from a variable", line: `curl -H "Authorization: Bearer $TOKEN" URL/`, env: map[string]string{"TOKEN": "tok-2"}},
	{name: "--oauth2-bearer", line: `curl --oauth2-bearer tok-3 URL/`},
	{name: "API key header", line: `curl -H "X-API-Key: $KEY" -H 'X-Other: 1' URL/`, env: map[string]string{"KEY": "k-1"}},
	{name: "API key in the query", line: `curl "URL/q?api_key=$KEY&x=1"`, env: map[string]string{"KEY": "k-2"}, unorderedQuery: true},
	{name: "-A -e -b", line: `curl -A 'agent/1.0' -e 'http://ref.example/;auto' -b 'a=1; b=2' -b c=3 URL/`},
	{name: "-H Name; and Name:", line: `curl -H 'X-Empty;' -H 'Accept:' -H 'X-A: 1' -H 'X-A:' -H 'X-B:   spaced  ' URL/`},
	{name: "-H replaces what -A sets", line: `curl -A one -H 'User-Agent: two' URL/`},
	{name: "HEAD", line: `curl -I URL/h`},
	{name: "ANSI-C quoting", line: `curl -H $'X-Tab: a\tb' -d $'x=1\ny\'' URL/`},
	{name: "multipart text fields", line: `curl -F a=1 -F 'b="x;y"' -F 'd=v;type=text/plain' --form-string 'e=@not-a-file' URL/f`},
	{name: "-T uploads with PUT", line: `curl -T up.txt URL/dir/`, files: map[string]string{"up.txt": "uploaded\n"}},
	{name: "--url and --", line: `curl --url URL/a -s`},
	{name: "attached values and clusters", line: `curl -sSL -XPOST -uuser:pass -d@f.txt -Hfoo:bar URL/c`, files: map[string]string{"f.txt": "k=v"}},
	{name: "-L follows", line: `curl -L URL/redirect`},
	{name: "continuations", line: "curl \\\n  -H 'X-One: 1' \\\r\n  -d a=1 \\\n  URL/cont"},
	{name: "SigV4", line: `curl --aws-sigv4 'aws:amz:us-east-1:execute-api' --user "$AK:$SK" URL/aws`,
		env:    map[string]string{"AK": "AKIDEXAMPLE", "SK": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
		ignore: []string{"Authorization", "X-Amz-Date", "X-Amz-Content-Sha256"},
		check: func(t *testing.T, curl, ours *seen) {
			for _, s := range []*seen{curl, ours} {
				if a := s.header.Get("Authorization"); !strings.Contains(a, "Credential=AKIDEXAMPLE/") || !strings.Contains(a, "/us-east-1/execute-api/aws4_request") {
					t.Errorf("Authorization %q does not carry the credential scope", a)
				}
			}
		}},
}

// seen is one request as the server read it.
type seen struct {
	method, uri string
	header      http.Header
	body        []byte
}

// recorder is a loopback server that keeps the last request it answered;
// /redirect answers 302 to /final.
type recorder struct {
	mu   sync.Mutex
	last *seen
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	rec.last = &seen{method: r.Method, uri: r.RequestURI, header: r.Header.Clone(), body: b}
	rec.mu.Unlock()
	if r.URL.Path == "/redirect" {
		http.Redirect(w, r, "/final", http.StatusFound)
		return
	}
	io.WriteString(w, "ok\n")
}

func (rec *recorder) take() *seen {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	s := rec.last
	rec.last = nil
	return s
}

// TestDiffCurl runs each command with curl and as imported through authlab's
// engine, and compares method, request target, body and the headers that
// matter (not the clients' own User-Agent and Accept-Encoding).
func TestDiffCurl(t *testing.T) {
	curlBin := testenv.Program(t, "curl", "curl")
	bash := testenv.Program(t, "bash", "bash")
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	eng := authn.New(authn.Options{Timeout: 10 * time.Second})
	defer eng.Close()
	follow := authn.New(authn.Options{Timeout: 10 * time.Second, Follow: true})
	defer follow.Close()
	host := strings.TrimPrefix(srv.URL, "http://")

	for _, tt := range diffTests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			line := strings.ReplaceAll(strings.ReplaceAll(tt.line, "URL", srv.URL), "HOST", host)

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			// bash keeps the CR of a CRLF line end, which Split drops
			cmd := exec.CommandContext(ctx, bash, "--norc", "--noprofile", "-c", strings.ReplaceAll(line, "\r\n", "\n"))
			cmd.Dir = dir
			cmd.Env = []string{"PATH=" + filepath.Dir(curlBin) + ":/usr/bin:/bin", "HOME=" + dir, "LC_ALL=C.UTF-8"}
			for k, v := range tt.env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("bash -c %q: %v\n%s", line, err, stderr.String())
			}
			want := rec.take()
			if want == nil {
				t.Fatalf("curl sent nothing")
			}

			im, err := ParseCommand(line, Options{})
			if err != nil {
				t.Fatalf("ParseCommand(%q): %v", line, err)
			}
			req := authnRequest(t, im.Profile, tt.env, dir)
			e := eng
			if im.Profile.Follow {
				e = follow
			}
			if _, err := e.Exchange(ctx, req); err != nil {
				t.Fatalf("authlab sending %+v: %v", im.Profile, err)
			}
			got := rec.take()
			compare(t, tt.unorderedQuery, tt.ignore, want, got)
			if tt.check != nil {
				tt.check(t, want, got)
			}
			if t.Failed() {
				t.Logf("command: %s\nimported: %+v\nnotes: %q", line, im.Profile, im.Notes)
			}
		})
	}
}

// authnRequest builds what authlab sends for p, with env: references read from
// env and a body file read now, at send time, from dir (where curl ran).
func authnRequest(t *testing.T, p profiles.Profile, env map[string]string, dir string) authn.Request {
	t.Helper()
	if p.BodyFile != "" {
		b, err := profiles.ReadBodyFile(context.Background(), filepath.Join(dir, p.BodyFile), authn.DefaultMaxBody)
		if err != nil {
			t.Fatalf("body file: %v", err)
		}
		p.Body = string(b)
	}
	res := profiles.Resolver{LookupEnv: func(name string) (string, bool) { v, ok := env[name]; return v, ok }}
	req := authn.Request{Method: p.Method, URL: p.URL, Header: http.Header{}, Body: []byte(p.Body), Scheme: p.Scheme, Fields: map[string]string{}}
	for _, h := range p.Headers {
		req.Header.Add(h.Name, h.Value)
	}
	for k, v := range p.Fields {
		val, _, err := res.Resolve(k, v)
		if err != nil {
			t.Fatalf("field %s=%s: %v", k, v, err)
		}
		req.Fields[k] = val
	}
	return req
}

// compare checks what authlab sent against what curl sent.
func compare(t *testing.T, unorderedQuery bool, ignore []string, want, got *seen) {
	t.Helper()
	if got == nil {
		t.Fatalf("authlab sent nothing")
	}
	if got.method != want.method {
		t.Errorf("method = %q; curl sent %q", got.method, want.method)
	}
	if unorderedQuery {
		wu, _ := url.Parse(want.uri)
		gu, _ := url.Parse(got.uri)
		if wu.Path != gu.Path || !reflect.DeepEqual(wu.Query(), gu.Query()) {
			t.Errorf("request target = %q; curl sent %q", got.uri, want.uri)
		}
	} else if got.uri != want.uri {
		t.Errorf("request target = %q; curl sent %q", got.uri, want.uri)
	}
	skip := map[string]bool{"Host": true, "Accept-Encoding": true, "Connection": true, "Content-Length": true, "Expect": true}
	for _, h := range ignore {
		skip[http.CanonicalHeaderKey(h)] = true
	}
	if strings.HasPrefix(want.header.Get("User-Agent"), "curl/") {
		skip["User-Agent"] = true // each client's own
	}
	if _, ok := want.header["Accept"]; !ok {
		skip["Accept"] = true // removed from curl's request; Go's client sends */*
	}
	wantCT, _, _ := mime.ParseMediaType(want.header.Get("Content-Type"))
	if wantCT == "multipart/form-data" {
		skip["Content-Type"] = true
		if w, g := formOf(t, want), formOf(t, got); !reflect.DeepEqual(w, g) {
			t.Errorf("form = %q; curl sent %q", g, w)
		}
	} else if !bytes.Equal(got.body, want.body) {
		t.Errorf("body = %q; curl sent %q", got.body, want.body)
	}
	names := map[string]bool{}
	for k := range want.header {
		names[k] = true
	}
	for k := range got.header {
		names[k] = true
	}
	var sorted []string
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		if skip[k] {
			continue
		}
		if w, g := want.header[k], got.header[k]; !reflect.DeepEqual(w, g) {
			t.Errorf("header %s = %q; curl sent %q", k, g, w)
		}
	}
}

// formOf reads a multipart body into name → "content-type|value" lists.
func formOf(t *testing.T, s *seen) map[string][]string {
	t.Helper()
	_, params, err := mime.ParseMediaType(s.header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", s.header.Get("Content-Type"), err)
	}
	mr := mpart.NewReader(bytes.NewReader(s.body), params["boundary"])
	out := map[string][]string{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("multipart body %q: %v", s.body, err)
		}
		b, _ := io.ReadAll(part)
		out[part.FormName()] = append(out[part.FormName()], part.Header.Get("Content-Type")+"|"+string(b))
	}
}
