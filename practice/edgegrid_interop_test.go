package practice

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/internal/testenv"
)

// edgegridNodeScript runs Akamai's own Node.js library (npm
// akamai-edgegrid) on the cases of a JSON object on stdin. For each case it
// signs with the library's signer, auth.generateAuth, at the pinned
// timestamp and nonce, and prints the Authorization header. Then it sends
// one request through the library's public client (EdgeGrid.auth and
// send, its own clock and random nonce) and prints the status and body.
// The library's package exports only its client, so the signer is loaded
// by its file path.
const edgegridNodeScript = `
const path = require('path');
const EdgeGrid = require('akamai-edgegrid');
const auth = require(path.join(process.env.NODE_PATH, 'akamai-edgegrid', 'src', 'auth.js'));
let input = '';
process.stdin.on('data', d => input += d);
process.stdin.on('end', () => {
  const job = JSON.parse(input);
  const out = {headers: []};
  for (const c of job.cases) {
    const req = {path: c.path, method: c.method, headers: {}, headersToSign: c.headersToSign};
    if (c.body !== '') req.body = c.body;
    const signed = auth.generateAuth(req, job.clientToken, job.clientSecret, job.accessToken, job.base, 131072, c.nonce, job.timestamp);
    out.headers.push(signed.headers.Authorization);
  }
  const eg = new EdgeGrid(job.clientToken, job.clientSecret, job.accessToken, job.base);
  eg.auth({path: job.send.path, method: job.send.method, body: job.send.body});
  eg.send((err, resp, body) => {
    if (err && !err.response) { out.error = String(err); }
    else { const r = err ? err.response : resp; out.status = r.status; out.body = typeof r.data === 'string' ? r.data : JSON.stringify(r.data); }
    process.stdout.write(JSON.stringify(out));
  });
});
`

// TestEdgeGridInteropNode: requests signed by Akamai's Node.js library
// (npm akamai-edgegrid, an implementation no one here wrote) are accepted
// by the practice server over TLS, and with the same pinned timestamp and
// nonce its Authorization header equals authn's byte for byte.
func TestEdgeGridInteropNode(t *testing.T) {
	node, modules := testenv.Node(t, "akamai-edgegrid")
	// The library signs https only (it prefixes https:// to the host).
	ts := httptest.NewTLSServer(New(Options{}).Handler())
	t.Cleanup(ts.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}

	type nodeCase struct {
		Path          string            `json:"path"`
		Method        string            `json:"method"`
		Body          string            `json:"body"`
		HeadersToSign map[string]string `json:"headersToSign"`
		Nonce         string            `json:"nonce"`
	}
	stamp := time.Now().UTC().Format(edgegridTime)
	cases := []nodeCase{
		{"/edgegrid/interop", "GET", "", nil, "9b1f0c2e-0000-4000-8000-000000000001"},
		{"/edgegrid/interop?b=2&a=hello%20world&c=%E2%9C%93", "GET", "", nil, "9b1f0c2e-0000-4000-8000-000000000002"},
		{"/edgegrid/interop/post", "POST", `{"hello":"world","n":[1,2,3]}`, nil, "9b1f0c2e-0000-4000-8000-000000000003"},
		{"/edgegrid/interop/big", "POST", strings.Repeat("0123456789", 14000), nil, "9b1f0c2e-0000-4000-8000-000000000004"},
		{"/edgegrid/headers/interop", "GET", "", map[string]string{"X-Test1": "  spaced   value ", "X-Test2": "t2", "X-Test3": "t3"}, "9b1f0c2e-0000-4000-8000-000000000005"},
	}
	job := map[string]any{
		"base": ts.URL, "clientToken": DemoEdgeGridClientToken, "clientSecret": DemoEdgeGridClientSecret,
		"accessToken": DemoEdgeGridAccessToken, "timestamp": stamp, "cases": cases,
		"send": map[string]string{"path": "/edgegrid/node-client", "method": "POST", "body": `{"sent":"by akamai-edgegrid"}`},
	}
	in, err := json.Marshal(job)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "-e", edgegridNodeScript)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "NODE_EXTRA_CA_CERTS="+ca)
	cmd.Stdin = strings.NewReader(string(in))
	raw, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node akamai-edgegrid: %v\n%s", err, stderr)
	}
	var got struct {
		Headers []string `json:"headers"`
		Status  int      `json:"status"`
		Body    string   `json:"body"`
		Error   string   `json:"error"`
	}
	if err := json.Unmarshal(raw, &got); err != nil || len(got.Headers) != len(cases) {
		t.Fatalf("node printed %q (%v); want %d headers", raw, err, len(cases))
	}
	if got.Status != 200 || !strings.Contains(got.Body, `"message":"EdgeGrid signature verified"`) || !strings.Contains(got.Body, `"hashedBodyBytes":29`) {
		t.Errorf("akamai-edgegrid's client POST to the practice server: %d %s %s; want 200 verified", got.Status, got.Body, got.Error)
	}

	scheme, err := authn.Lookup("edgegrid")
	if err != nil {
		t.Fatal(err)
	}
	client := ts.Client()
	for i, c := range cases {
		names := make([]string, 0, 3)
		h := http.Header{}
		for _, n := range []string{"X-Test1", "X-Test2", "X-Test3"} {
			if v, ok := c.HeadersToSign[n]; ok {
				names = append(names, n)
				h.Set(n, v)
			}
		}
		creds, err := scheme.Info().Validate(map[string]string{
			"client_token": DemoEdgeGridClientToken, "client_secret": DemoEdgeGridClientSecret, "access_token": DemoEdgeGridAccessToken,
			"headers_to_sign": strings.Join(names, ","), "timestamp": stamp, "nonce": c.Nonce,
		})
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(ts.URL + c.Path)
		if err != nil {
			t.Fatal(err)
		}
		out := &authn.Outgoing{Method: c.Method, URL: u, Header: h.Clone(), Body: []byte(c.Body)}
		if err := scheme.Authorize(out, creds, authn.Env{}, &authn.Trace{}); err != nil {
			t.Fatal(err)
		}
		if mine := out.Header.Get("Authorization"); mine != got.Headers[i] {
			t.Errorf("%s %s: authn Authorization\n  %q\nakamai-edgegrid\n  %q", c.Method, c.Path, mine, got.Headers[i])
		}
		// The library's header is accepted by the practice server.
		var body *strings.Reader
		if c.Body != "" {
			body = strings.NewReader(c.Body)
		}
		req, err := http.NewRequest(c.Method, u.String(), nil)
		if body != nil {
			req, err = http.NewRequest(c.Method, u.String(), body)
		}
		if err != nil {
			t.Fatal(err)
		}
		req.Header = h.Clone()
		req.Header.Set("Authorization", got.Headers[i])
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r := decodeReply(t, resp.StatusCode, resp.Header, []byte(readAll(t, resp)))
		if r.status != 200 {
			t.Errorf("%s %s signed by akamai-edgegrid: %d %s (verdict %q); want 200", c.Method, c.Path, r.status, r.body, r.trace.Verdict)
		}
	}
}
