package authn_test

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/internal/testenv"
)

// hawkNodeServer starts testdata/hawk/server.js (Hawk.server.authenticate
// of the npm @hapi/hawk) on loopback with its clock moved by offset, and
// returns its base URL.
func hawkNodeServer(t *testing.T, offset time.Duration) string {
	t.Helper()
	node, modules := testenv.Node(t, "@hapi/hawk")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, "testdata/hawk/server.js", strconv.FormatInt(offset.Milliseconds(), 10))
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("node server.js printed no port: %v", err)
	}
	return "http://127.0.0.1:" + strings.TrimSpace(line)
}

func hawkTitles(res *authn.Result) (steps, hints string) {
	var s, h []string
	for _, st := range res.Trace.Steps {
		s = append(s, st.Title)
	}
	for _, x := range res.Hints {
		h = append(h, x.Title)
	}
	return strings.Join(s, " | "), strings.Join(h, " | ")
}

// TestHawkNodeServer is interop with an implementation no one here wrote:
// authlab signs, @hapi/hawk's Hawk.server.authenticate verifies (MAC,
// payload hash for POST, nonces, the 60 s window) and answers with a
// Server-Authorization made by Hawk.server.header, which authlab verifies.
// Its failures get authlab's hints, and its Stale timestamp answer (the
// server's clock 300 s ahead) is corrected from its tsm.
func TestHawkNodeServer(t *testing.T) {
	base := hawkNodeServer(t, 0)
	const id, key = "dh37fgj492je", "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"
	eng := authn.New(authn.Options{})
	for _, tt := range []struct {
		name, method, path, body string
		fields                   map[string]string
		status                   int
		step, hint               string
	}{
		{"GET", "GET", "/resource/1?b=1&a=2", "", nil, 200, "Server-Authorization: pass (MAC and payload hash verified)", ""},
		{"POST with payload", "POST", "/items", `{"name":"hawk"}`, map[string]string{"ext": "some-app-ext-data"}, 200, "Server-Authorization: pass (MAC and payload hash verified)", ""},
		{"sha1", "GET", "/", "", map[string]string{"id": "sha1-id", "algorithm": "sha1"}, 200, "Server-Authorization: pass", ""},
		{"wrong key", "GET", "/", "", map[string]string{"key": key + "x"}, 401, "The server refused the request: Bad mac", "Hawk MAC refused · Bad mac"},
		{"unknown id", "GET", "/", "", map[string]string{"id": "nobody"}, 401, "Unknown credentials", "Hawk id unknown to the server"},
		{"POST without payload hash", "POST", "/items", `{"a":1}`, map[string]string{"payload_hash": "never"}, 401, "Missing required payload hash", "Hawk payload hash required by the server"},
		{"pinned nonce, first", "GET", "/n", "", map[string]string{"nonce": "once-only"}, 200, "Server-Authorization: pass", ""},
		{"pinned nonce, replayed", "GET", "/n", "", map[string]string{"nonce": "once-only"}, 401, "Invalid nonce", "Hawk nonce refused · Invalid nonce"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := map[string]string{"id": id, "key": key}
			for k, v := range tt.fields {
				f[k] = v
			}
			req := authn.Request{Method: tt.method, URL: base + tt.path, Scheme: "hawk", Fields: f}
			if tt.body != "" {
				req.Body, req.Header = []byte(tt.body), http.Header{"Content-Type": {"application/json; charset=utf-8"}}
			}
			res, err := eng.Exchange(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			steps, hints := hawkTitles(res)
			if st := res.Final().Response.Status; st != tt.status {
				t.Fatalf("status %d (%s); want %d; steps %s", st, res.Final().Response.Body, tt.status, steps)
			}
			if !strings.Contains(steps, tt.step) {
				t.Errorf("steps %q; want one containing %q", steps, tt.step)
			}
			if tt.hint != "" && !strings.Contains(hints, tt.hint) {
				t.Errorf("hints %q; want %q", hints, tt.hint)
			}
		})
	}

	t.Run("server clock 300 s ahead", func(t *testing.T) {
		ahead := hawkNodeServer(t, 300*time.Second)
		res, err := authn.New(authn.Options{}).Exchange(context.Background(),
			authn.Request{URL: ahead + "/", Scheme: "hawk", Fields: map[string]string{"id": id, "key": key}})
		if err != nil {
			t.Fatal(err)
		}
		steps, hints := hawkTitles(res)
		if len(res.Exchanges) != 2 || res.Final().Response.Status != 200 {
			t.Fatalf("%d exchanges, final %d; want the corrected retry accepted; steps %s", len(res.Exchanges), res.Final().Response.Status, steps)
		}
		if !strings.Contains(steps, "Stale timestamp: correct the clock from the server's signed ts") || !strings.Contains(steps, "Server-Authorization: pass") {
			t.Errorf("steps %q; want the correction and a verified Server-Authorization", steps)
		}
		if !strings.Contains(hints, "Hawk clock corrected · your clock is 3") || !strings.Contains(hints, "s behind the server's") {
			t.Errorf("hints %q; want \"your clock is about 300 s behind the server's\"", hints)
		}
	})
}
