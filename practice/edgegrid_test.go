package practice

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

// edgegridFields are the demo credentials with overrides (an empty value
// removes a field).
func edgegridFields(over map[string]string) map[string]string {
	f := map[string]string{"client_token": DemoEdgeGridClientToken, "client_secret": DemoEdgeGridClientSecret, "access_token": DemoEdgeGridAccessToken}
	for k, v := range over {
		if v == "" {
			delete(f, k)
		} else {
			f[k] = v
		}
	}
	return f
}

// edgegridCall signs a request with authn's edgegrid scheme (another
// implementation than the server's) through the engine and sends it.
func edgegridCall(t *testing.T, clientNow time.Time, method, u, body string, header http.Header, fields map[string]string) (srvReply, *authn.Result) {
	t.Helper()
	if header == nil {
		header = http.Header{}
	}
	req := authn.Request{Method: method, URL: u, Scheme: "edgegrid", Fields: edgegridFields(fields), Header: header}
	if body != "" {
		req.Body = []byte(body)
		if req.Header.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	eng := authn.New(authn.Options{Now: func() time.Time { return clientNow }})
	defer eng.Close()
	res, err := eng.Exchange(context.Background(), req)
	fin := res.Final()
	if fin == nil || fin.Response == nil {
		t.Fatalf("authn Exchange %s %s: no response (%v)", method, u, err)
	}
	return decodeReply(t, fin.Response.Status, fin.Response.Header, fin.Response.Body), res
}

// edgegridSecretIn reports whether text holds a demo secret.
func edgegridSecretIn(text string) bool {
	return strings.Contains(text, DemoEdgeGridClientSecret) || strings.Contains(text, DemoEdgeGridAccessToken)
}

func TestEdgeGridPractice(t *testing.T) {
	ts := startServer(t, Options{})
	srv := New(Options{Now: func() time.Time { return srvNow }})
	xt := http.Header{"X-Test1": {"  one   two "}, "X-Test2": {"t2"}, "X-Test3": {"t3"}}
	big := strings.Repeat("d", edgegridMaxBody+1000)
	for _, tt := range []struct {
		name, method, path, body string
		header                   http.Header
		clock                    time.Duration // client clock minus server clock
		fields                   map[string]string
		status                   int
		want                     string // substring of the response body
		verdict, mistake         string
		hint                     string // substring of the hints ("" = no EdgeGrid error hint)
	}{
		{"GET", "GET", "/edgegrid/demo", "", nil, 0, nil, 200, `"message":"EdgeGrid signature verified"`, "ok", "", ""},
		{"GET with a query", "GET", "/edgegrid/demo?b=2&a=hello+world&c=%E2%9C%93", "", nil, 10 * time.Second, nil, 200, `"path":"/edgegrid/demo"`, "ok", "", ""},
		{"POST hashes the body", "POST", "/edgegrid/demo", `{"hello":"wörld"}`, nil, 0, nil, 200, `"hashedBodyBytes":18`, "ok", "", ""},
		{"POST past max_body", "POST", "/edgegrid/demo", big, nil, 0, nil, 200, `"hashedBodyBytes":131072`, "ok", "", ""},
		{"POST without a body", "POST", "/edgegrid/demo", "", nil, 0, nil, 200, `"hashedBodyBytes":0`, "ok", "", ""},
		{"headers signed", "GET", "/edgegrid/headers/x", "", xt, 0, map[string]string{"headers_to_sign": "X-Test1,X-Test2,X-Test3"}, 200,
			`"signedHeaders":["x-test1","x-test2","x-test3"]`, "ok", "", ""},
		{"headers not signed", "GET", "/edgegrid/headers/x", "", xt, 0, nil, 401, `"detail":"The signature does not match"`,
			"the headers to sign were not signed", "headers_to_sign left out", "the signature does not match"},
		{"wrong secret", "GET", "/edgegrid/demo", "", nil, 0, map[string]string{"client_secret": "ZGVtby1lZGdlZ3JpZC1jbGllbnQtc2VjcmV0LTAwMDE="}, 401,
			`"title":"Not authorized"`, "signature mismatch", "signature mismatch", "the client secret is wrong"},
		{"wrong client token", "GET", "/edgegrid/demo", "", nil, 0, map[string]string{"client_token": "akab-other"}, 401,
			`"detail":"Invalid authorization client token"`, "unknown client token", "unknown client token", "client token is not known"},
		{"wrong access token", "GET", "/edgegrid/demo", "", nil, 0, map[string]string{"access_token": "akab-other"}, 401,
			`"detail":"Invalid authorization access token"`, "unknown access token", "unknown EdgeGrid access token", "access token is not valid"},
		{"clock 45 s behind", "GET", "/edgegrid/demo", "", nil, -45 * time.Second, nil, 401,
			`"detail":"Invalid timestamp"`, "timestamp out of bounds", "clock 45 s behind", "timestamp is too far from Akamai's clock"},
		{"clock 2 min ahead", "POST", "/edgegrid/demo", "x=1", nil, 2 * time.Minute, nil, 401,
			`"detail":"Invalid timestamp"`, "timestamp out of bounds", "clock 2 min ahead", "timestamp is too far from Akamai's clock"},
	} {
		r, res := edgegridCall(t, srvNow.Add(tt.clock), tt.method, ts.URL+tt.path, tt.body, tt.header.Clone(), tt.fields)
		if r.status != tt.status || !strings.Contains(r.body, tt.want) {
			t.Errorf("%s: %d %s; want %d …%s…", tt.name, r.status, cut(r.body, 300), tt.status, tt.want)
		}
		if !r.hasTrace || !strings.Contains(r.trace.Verdict, tt.verdict) {
			t.Errorf("%s: verdict %q (trace %v); want …%s…", tt.name, r.trace.Verdict, r.hasTrace, tt.verdict)
		}
		if got := srv.mistake(r.trace, r.status); got != tt.mistake {
			t.Errorf("%s: mistake = %q; want %q", tt.name, got, tt.mistake)
		}
		hints := sigv4HintTitles(res)
		if tt.hint != "" && !strings.Contains(hints, tt.hint) {
			t.Errorf("%s: hints =\n%s\nwant …%s…", tt.name, hints, tt.hint)
		}
		if tt.hint == "" && strings.Contains(hints, "EdgeGrid") {
			t.Errorf("%s: unexpected EdgeGrid hint:\n%s", tt.name, hints)
		}
		for _, v := range r.trace.Values {
			if edgegridSecretIn(v.Value) {
				t.Errorf("%s: server trace %q = %q reveals a secret", tt.name, v.Label, v.Value)
			}
		}
		if edgegridSecretIn(r.body) {
			t.Errorf("%s: body reveals a secret", tt.name)
		}
		if r.status == 401 {
			var p map[string]any
			if err := json.Unmarshal([]byte(r.body), &p); err != nil {
				t.Errorf("%s: body is not JSON: %v", tt.name, err)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: Content-Type %q; want application/problem+json", tt.name, ct)
			}
			for _, k := range []string{"type", "title", "status", "detail", "instance", "method", "serverIp", "clientIp", "requestId", "requestTime"} {
				if _, ok := p[k]; !ok {
					t.Errorf("%s: problem has no %q: %s", tt.name, k, r.body)
				}
			}
			if p["type"] != edgegridDeny || p["instance"] != ts.URL+strings.SplitN(tt.path, "?", 2)[0] || p["method"] != tt.method {
				t.Errorf("%s: problem %v", tt.name, p)
			}
		}
	}
}

// TestEdgeGridNonceReplay: a request sent again with its nonce is refused,
// however well signed; a fresh nonce is accepted.
func TestEdgeGridNonceReplay(t *testing.T) {
	ts := startServer(t, Options{})
	srv := New(Options{})
	pin := map[string]string{"timestamp": srvNow.UTC().Format(edgegridTime), "nonce": "c0ffee00-0000-4000-8000-000000000001"}
	first, _ := edgegridCall(t, srvNow, "GET", ts.URL+"/edgegrid/demo", "", nil, pin)
	again, _ := edgegridCall(t, srvNow.Add(time.Second), "GET", ts.URL+"/edgegrid/demo", "", nil, pin)
	pin["nonce"] = "c0ffee00-0000-4000-8000-000000000002"
	fresh, _ := edgegridCall(t, srvNow, "GET", ts.URL+"/edgegrid/demo", "", nil, pin)
	if first.status != 200 || fresh.status != 200 {
		t.Errorf("first %d, fresh nonce %d; want 200, 200", first.status, fresh.status)
	}
	if again.status != 401 || !strings.Contains(again.body, `"detail":"Invalid nonce"`) || srv.mistake(again.trace, again.status) != "nonce replay" {
		t.Errorf("replay: %d %s (mistake %q); want 401 Invalid nonce, nonce replay", again.status, again.body, srv.mistake(again.trace, again.status))
	}
}

// edgegridClientValue is the client trace's value labelled label, as shown
// (secrets masked).
func edgegridClientValue(tr authn.Trace, label string) (string, bool) {
	for _, s := range tr.Steps {
		for _, v := range s.Values {
			if NormLabel(v.Label) == label {
				return v.Shown(false), true
			}
		}
	}
	return "", false
}

// TestEdgeGridAgreement: authn's signer and the server's verifier build the
// same parts, data to sign and signature for a variety of requests, and
// the labels of the two traces pair up.
func TestEdgeGridAgreement(t *testing.T) {
	ts := startServer(t, Options{})
	xt := http.Header{"X-Test3": {"c"}, "X-Test1": {"\ta \t b"}}
	for _, tt := range []struct {
		method, path, body string
		header             http.Header
		fields             map[string]string
	}{
		{"GET", "/edgegrid/", "", nil, nil},
		{"GET", "/edgegrid/a%20b/c?x=%2F&y=a+b&empty=&flag", "", nil, nil},
		{"POST", "/edgegrid/p;q?z=1", "\x00binary\xff", nil, nil},
		{"POST", "/edgegrid/headers", "a=1", xt, map[string]string{"headers_to_sign": "x-test1, X-TEST2 ,x-test3"}},
	} {
		r, res := edgegridCall(t, srvNow, tt.method, ts.URL+tt.path, tt.body, tt.header.Clone(), tt.fields)
		if r.status != 200 {
			t.Errorf("%s %s: status %d %s", tt.method, tt.path, r.status, r.body)
		}
		for _, label := range []string{"method", "scheme", "host", "path and query", "canonical headers", "content hash", "hashed bytes",
			"auth header prefix", "data to sign", "signature", "timestamp", "nonce", "client token", "headers to sign", "max body"} {
			c, ok1 := edgegridClientValue(res.Trace, label)
			s, ok2 := r.value(label)
			if !ok1 || !ok2 || c != s {
				t.Errorf("%s %s: %q: client %q (%v), server %q (%v)", tt.method, tt.path, label, c, ok1, s, ok2)
			}
		}
		if d := Compare(res.Trace, r.trace); len(d) != 0 {
			t.Errorf("%s %s: Compare = %+v; want no difference", tt.method, tt.path, d)
		}
	}
}

// edgegridSignFor signs a GET for signURL with authn's scheme and sends it
// to sendURL: what a client that signs another URL than it sends does.
func edgegridSignFor(t *testing.T, signURL, sendURL string, fields map[string]string) (srvReply, authn.Trace) {
	t.Helper()
	s, err := authn.Lookup("edgegrid")
	if err != nil {
		t.Fatal(err)
	}
	creds, err := s.Info().Validate(edgegridFields(fields))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(signURL)
	out := &authn.Outgoing{Method: "GET", URL: u, Header: http.Header{}}
	var tr authn.Trace
	if err := s.Authorize(out, creds, authn.Env{Now: func() time.Time { return srvNow }}, &tr); err != nil {
		t.Fatal(err)
	}
	return send(t, "GET", sendURL, "", "Authorization: "+out.Header.Get("Authorization")), tr
}

// TestEdgeGridDiff: the comparison names the data to sign first, beside
// the client's, with the part it differs in; secrets by length only.
func TestEdgeGridDiff(t *testing.T) {
	ts := startServer(t, Options{})
	srv := New(Options{})
	hostport := strings.TrimPrefix(ts.URL, "http://")
	_, port, _ := strings.Cut(hostport, ":")
	for _, tt := range []struct {
		name, signURL string
		fields        map[string]string
		want          []string // labels of the differences
		explain       string   // substring of the first difference's Explain
		mistake       string
	}{
		{"right", ts.URL + "/edgegrid/d", nil, nil, "", ""},
		{"secret same length", ts.URL + "/edgegrid/d", map[string]string{"client_secret": "ZGVtby1lZGdlZ3JpZC1jbGllbnQtc2VjcmV0LTAwMDE="}, []string{"signature"}, "right length but other characters", "signature mismatch"},
		{"secret truncated", ts.URL + "/edgegrid/d", map[string]string{"client_secret": "ZGVtby1lZGdl"}, []string{"client secret", "signature"}, "your client secret is 12 characters", "signature mismatch"},
		{"other host", "http://localhost:" + port + "/edgegrid/d", nil, []string{"data to sign", "host", "signature"}, "first in the host", "signature mismatch"},
		{"host without port", "http://127.0.0.1/edgegrid/d", nil, []string{"data to sign", "host", "signature"}, "first in the host", "host signed without its port"},
		{"https signed", "https://" + hostport + "/edgegrid/d", nil, []string{"data to sign", "scheme", "signature"}, "first in the scheme", "wrong scheme signed"},
		{"query not signed", ts.URL + "/edgegrid/d", nil, []string{"data to sign", "path and query", "signature"}, "first in the path and query", "signature mismatch"},
	} {
		send := ts.URL + "/edgegrid/d"
		if tt.name == "query not signed" {
			send += "?page=2"
		}
		r, tr := edgegridSignFor(t, tt.signURL, send, tt.fields)
		var got []string
		d := Compare(tr, r.trace)
		for _, x := range d {
			got = append(got, x.Label)
			if edgegridSecretIn(x.Client+x.Server+x.Explain) || (tt.fields["client_secret"] != "" && strings.Contains(x.Client+x.Server+x.Explain, tt.fields["client_secret"])) {
				t.Errorf("%s: difference %+v shows a secret", tt.name, x)
			}
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: differences %v; want %v", tt.name, got, tt.want)
		}
		if len(d) > 0 && !strings.Contains(d[0].Explain, tt.explain) {
			t.Errorf("%s: first difference explains %q; want …%s…", tt.name, d[0].Explain, tt.explain)
		}
		if len(d) > 0 && d[0].Label == "data to sign" && (d[0].At < 0 || d[0].Client[:d[0].At] != d[0].Server[:d[0].At]) {
			t.Errorf("%s: data to sign differs at %d: %q vs %q", tt.name, d[0].At, d[0].Client, d[0].Server)
		}
		if m := srv.mistake(r.trace, r.status); m != tt.mistake {
			t.Errorf("%s: mistake %q; want %q", tt.name, m, tt.mistake)
		}
	}
}

var edgegridParseTests = []struct {
	in, problem string
}{
	{"EG1-HMAC-SHA256 client_token=c;access_token=a;timestamp=t;nonce=n;signature=s", ""},
	{"EG1-HMAC-SHA256 client_token=c;access_token=a;timestamp=t;nonce=n;", "no signature="},
	{"EG1-HMAC-SHA256 client_token=c;access_token=a;timestamp=t;signature=s", "nonce is missing"},
	{"EG1-HMAC-SHA256 client_token=c;client_token=d;access_token=a;timestamp=t;nonce=n;signature=s", "appears twice"},
	{"EG1-HMAC-SHA256 client_token;access_token=a;timestamp=t;nonce=n;signature=s", "without ="},
	{"Bearer x", "not EG1-HMAC-SHA256"},
	{"EG1-HMAC-SHA256", "no signature="},
}

func TestEdgeGridParse(t *testing.T) {
	for _, tt := range edgegridParseTests {
		a, problem := edgegridParse(tt.in)
		if tt.problem == "" && (problem != "" || a.prefix != strings.TrimSuffix(tt.in, "signature=s")) {
			t.Errorf("edgegridParse(%q) = prefix %q, problem %q; want prefix up to signature=", tt.in, a.prefix, problem)
		}
		if tt.problem != "" && !strings.Contains(problem, tt.problem) {
			t.Errorf("edgegridParse(%q) problem = %q; want …%s…", tt.in, problem, tt.problem)
		}
	}
}

func FuzzEdgeGridParse(f *testing.F) {
	for _, tt := range edgegridParseTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, v string) {
		a, problem := edgegridParse(v)
		if problem == "" && !strings.HasPrefix(strings.TrimSpace(v), a.prefix) {
			t.Errorf("edgegridParse(%q) prefix %q is not a prefix", v, a.prefix)
		}
		if strings.ContainsAny(problem, "\x1b\r\n") {
			t.Errorf("edgegridParse(%q) problem %q has control characters", v, problem)
		}
	})
}
