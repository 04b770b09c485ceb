package authn

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sigv4SuiteCase is one directory of testdata/sigv4 (see its README): the
// AWS signing test suite's request.txt and context.json and the expected
// header-* files.
type sigv4SuiteCase struct {
	name, dir            string
	method, path, host   string
	access, secret       string
	region, service      string
	when                 time.Time
	normalize            bool
	creq, sts, sig, auth string // expected; sts, sig and auth only for normalized cases
}

func sigv4ReadCase(t *testing.T, dir string) sigv4SuiteCase {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			if os.IsNotExist(err) {
				return ""
			}
			t.Fatal(err)
		}
		return strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	c := sigv4SuiteCase{name: filepath.Base(dir), dir: dir}
	lines := strings.Split(strings.TrimRight(read("request.txt"), "\n"), "\n")
	// "GET /example space/ HTTP/1.1": the path is everything between the
	// method and the protocol, spaces included (the get-space case).
	first := lines[0]
	c.method, first, _ = strings.Cut(first, " ")
	c.path = first[:strings.LastIndexByte(first, ' ')]
	for _, l := range lines[1:] {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "Host") {
			c.host = v
		}
	}
	var ctx struct {
		Credentials struct {
			AccessKeyID     string `json:"access_key_id"`
			SecretAccessKey string `json:"secret_access_key"`
		} `json:"credentials"`
		Normalize bool   `json:"normalize"`
		Region    string `json:"region"`
		Service   string `json:"service"`
		Timestamp string `json:"timestamp"`
	}
	if err := json.Unmarshal([]byte(read("context.json")), &ctx); err != nil {
		t.Fatalf("%s/context.json: %v", c.name, err)
	}
	when, err := time.Parse(time.RFC3339, ctx.Timestamp)
	if err != nil {
		t.Fatalf("%s/context.json timestamp: %v", c.name, err)
	}
	c.access, c.secret, c.region, c.service, c.when, c.normalize =
		ctx.Credentials.AccessKeyID, ctx.Credentials.SecretAccessKey, ctx.Region, ctx.Service, when, ctx.Normalize
	c.creq, c.sts, c.sig = read("header-canonical-request.txt"), read("header-string-to-sign.txt"), strings.TrimSpace(read("header-signature.txt"))
	for l := range strings.SplitSeq(read("header-signed-request.txt"), "\n") {
		if v, ok := strings.CutPrefix(l, "Authorization:"); ok {
			c.auth = v
		}
	}
	return c
}

// sign signs c's request with authn's sigv4 scheme for service and returns
// the trace. The request line's path is taken literally (as the URL's
// opaque part, written "//host/path" as net/http and the SDK read it):
// "/example space/" is a path whose bytes include a space, as
// a request line can carry it, not the path of a URL one types (Go would
// send that as /example%20space/, which AWS then signs as %2520).
//
// For S3 (literal false) the path is the URL's path instead, sent escaped
// once (/example%20space/): S3 signs the path as sent, encoded once, and a
// space cannot be sent unescaped.
func (c sigv4SuiteCase) sign(t *testing.T, service string, literal bool) (*Outgoing, *Trace) {
	t.Helper()
	u := &url.URL{Scheme: "https", Host: c.host, Path: c.path}
	if literal {
		u = &url.URL{Scheme: "https", Host: c.host, Opaque: "//" + c.host + c.path}
	}
	out := &Outgoing{Method: c.method, URL: u}
	out.Header = make(map[string][]string)
	creds := Credentials{"access_key": c.access, "secret_key": c.secret, "region": c.region, "service": service,
		"date": c.when.UTC().Format(sigv4DateFormat)}
	var tr Trace
	if err := (sigv4{}).Authorize(out, creds, Env{}, &tr); err != nil {
		t.Fatalf("%s: Authorize: %v", c.name, err)
	}
	return out, &tr
}

// TestSigV4SuiteNormalizePath signs the AWS SigV4 test suite's
// normalize-path cases (testdata/sigv4, from awslabs/aws-c-auth): for every
// service but S3 the canonical URI is the normalised path (GET /example/..
// signs /), and the canonical request, the string to sign, the signature
// and the Authorization header are the suite's. The unnormalized variants
// give the canonical URI of the path as sent, which is S3's rule: signed
// with service s3, authn's canonical URI is theirs.
func TestSigV4SuiteNormalizePath(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "sigv4", "*-*normalized"))
	if err != nil || len(dirs) != 14 {
		t.Fatalf("testdata/sigv4 holds %d cases (%v); want the 7 normalize-path cases, normalized and unnormalized", len(dirs), err)
	}
	for _, dir := range dirs {
		c := sigv4ReadCase(t, dir)
		t.Run(c.name, func(t *testing.T) {
			if c.normalize {
				out, tr := c.sign(t, c.service, true)
				for _, w := range []struct{ label, want string }{
					{"canonical request", c.creq},
					{"string to sign", c.sts},
					{"signature", c.sig},
					{"Authorization", c.auth},
				} {
					if v, ok := sigv4Value(tr, w.label); !ok || v.Text != w.want {
						t.Errorf("%s %s: %s = %q; want %q", c.method, c.path, w.label, v.Text, w.want)
					}
				}
				if got := out.Header.Get("Authorization"); got != c.auth {
					t.Errorf("%s %s: Authorization header = %q; want %q", c.method, c.path, got, c.auth)
				}
				if got := out.URL.Opaque; got != "//"+c.host+c.path {
					t.Errorf("%s %s: the request's path became %q; want it sent as written", c.method, c.path, got)
				}
				return
			}
			_, tr := c.sign(t, "s3", false)
			lines := strings.Split(c.creq, "\n")
			if v, _ := sigv4Value(tr, "canonical URI"); v.Text != lines[1] {
				t.Errorf("%s %s with service s3: canonical URI = %q; want %q (the path as sent)", c.method, c.path, v.Text, lines[1])
			}
		})
	}
}

// TestSigV4NormalizePath: the normalisation on its own, for the cases
// the suite has and the ones it leaves out (a .. in the middle, a trailing
// .., an encoded dot, .. above the root).
func TestSigV4NormalizePath(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"/", "/"},
		{"/example/..", "/"},
		{"/example1/example2/../..", "/"},
		{"//", "/"},
		{"/./", "/"},
		{"/./example", "/example"},
		{"//example//", "/example/"},
		{"/a/./b", "/a/b"},
		{"/a//b", "/a/b"},
		{"/a/b/../c/", "/a/c/"},
		{"/a/b/..", "/a"},
		{"/../../a", "/a"},
		{"/%2E%2E/a", "/%2E%2E/a"},
		{"/a/.../b", "/a/.../b"},
		{"/example%20space/", "/example%20space/"},
	} {
		if got := sigv4NormalizePath(tt.in); got != tt.want {
			t.Errorf("sigv4NormalizePath(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestSigV4CanonicalURIByService: a URL typed with dot segments and double
// slashes is sent as typed; every service but S3 signs its normalised path
// encoded twice, S3 the path as sent, encoded once; the trace says which.
func TestSigV4CanonicalURIByService(t *testing.T) {
	for _, tt := range []struct {
		service, url, wantURI, wantNote string
	}{
		{"service", "https://example.amazonaws.com/a/./b", "/a/b", "Your path /a/./b is signed as /a/b"},
		{"sts", "https://example.amazonaws.com//x/y/../z%20w/", "/x/z%2520w/", "Your path //x/y/../z%20w/ is signed as /x/z%20w/"},
		{"execute-api", "https://example.amazonaws.com/example/..", "/", "Your path /example/.. is signed as /"},
		{"service", "https://example.amazonaws.com/plain%20path", "/plain%2520path", "encode the path as sent once more"},
		{"s3", "https://bucket.s3.amazonaws.com/a/./b//c%20d", "/a/./b//c%20d", "exactly as sent, encoded once and not normalised"},
		{"s3-object-lambda", "https://x.amazonaws.com/k/../k", "/k/../k", "exactly as sent"},
	} {
		out := sigv4Outgoing(t, "GET", tt.url, "")
		var tr Trace
		if err := (sigv4{}).Authorize(out, sigv4Creds("service", tt.service), Env{}, &tr); err != nil {
			t.Fatalf("%s %s: %v", tt.service, tt.url, err)
		}
		if v, _ := sigv4Value(&tr, "canonical URI"); v.Text != tt.wantURI {
			t.Errorf("service %s, %s: canonical URI = %q; want %q", tt.service, tt.url, v.Text, tt.wantURI)
		}
		if got := out.URL.String(); got != tt.url {
			t.Errorf("service %s: URL sent = %q; want %q, as typed", tt.service, got, tt.url)
		}
		note := ""
		for _, st := range tr.Steps {
			if st.Title == "Create the canonical request" {
				note = st.Note
			}
		}
		if !strings.Contains(note, tt.wantNote) {
			t.Errorf("service %s, %s: canonical request note = %q; want it to say %q", tt.service, tt.url, note, tt.wantNote)
		}
	}
}
