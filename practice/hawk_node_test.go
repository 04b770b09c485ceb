package practice

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/authlab/authlab/internal/testenv"
)

// TestHawkNodeClient is interop with an implementation no one here wrote:
// the npm @hapi/hawk's Hawk.client.header signs requests to /hawk (GET, and
// POST with the payload hash), the practice server accepts them, and
// Hawk.client.authenticate accepts the server's Server-Authorization (its
// MAC and the hash of the response body). A wrong key is refused with Bad
// mac, and then there is no Server-Authorization to verify.
func TestHawkNodeClient(t *testing.T) {
	node, modules := testenv.Node(t, "@hapi/hawk")
	ts := startServer(t, Options{Now: time.Now}) // the real clock: node signs with its own
	stale := startServer(t, Options{})           // srvNow, years off node's clock
	for _, tt := range []struct {
		name, base, method, id, key, alg, payload string
		status                                    int
		verified                                  bool
		err                                       string
	}{
		{"GET", ts.URL, "GET", DemoHawkID, DemoHawkKey, "sha256", "", 200, true, ""},
		{"POST with payload", ts.URL, "POST", DemoHawkID, DemoHawkKey, "sha256", `{"hello":"hawk"}`, 200, true, ""},
		{"sha1", ts.URL, "GET", DemoHawkSHA1ID, DemoHawkKey, "sha1", "", 200, true, ""},
		{"wrong key", ts.URL, "GET", DemoHawkID, DemoHawkKey + "x", "sha256", "", 401, false, "Missing Server-Authorization header"},
		// Hawk.client.authenticate checks the tsm of a Stale timestamp
		// answer before it looks for Server-Authorization: reaching the
		// latter means it accepted the practice server's tsm.
		{"stale ts, tsm accepted", stale.URL, "GET", DemoHawkID, DemoHawkKey, "sha256", "", 401, false, "Missing Server-Authorization header"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(node, "testdata/hawk/client.js", tt.base+"/hawk?q=1", tt.method, tt.id, tt.key, tt.alg, tt.payload)
			cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("node client.js: %v\n%s", err, out)
			}
			var got struct {
				Status   int
				Body     string
				Verified bool
				Error    string
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("client.js printed %q: %v", out, err)
			}
			if got.Status != tt.status || got.Verified != tt.verified || got.Error != tt.err {
				t.Errorf("status %d, Server-Authorization verified %v (%s; %s); want %d, %v (%q)", got.Status, got.Verified, got.Error, got.Body, tt.status, tt.verified, tt.err)
			}
		})
	}
}
