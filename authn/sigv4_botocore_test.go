package authn

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
)

// sigv4BotocoreScript signs each request of a JSON list on stdin with
// botocore's own signer (SigV4Auth, or S3SigV4Auth for s3) at a fixed
// X-Amz-Date, and prints the canonical request, the string to sign and the
// Authorization header of each. add_auth reads the clock, so its steps are
// called one by one with the date set in the request's context, as add_auth
// itself does after reading the clock.
const sigv4BotocoreScript = `
import json, sys
from botocore.auth import SigV4Auth, S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

out = []
for c in json.load(sys.stdin):
    creds = Credentials(c["access_key"], c["secret_key"])
    cls = S3SigV4Auth if c["service"] == "s3" else SigV4Auth
    auth = cls(creds, c["service"], c["region"])
    req = AWSRequest(method=c["method"], url=c["url"], data=b"")
    req.context["timestamp"] = c["date"]
    auth._modify_request_before_signing(req)
    creq = auth.canonical_request(req)
    sts = auth.string_to_sign(req, creq)
    auth._inject_signature_to_request(req, auth.signature(sts, req))
    out.append({"creq": creq, "sts": sts, "authz": req.headers["Authorization"]})
json.dump(out, sys.stdout)
`

// TestSigV4Botocore signs requests whose paths need normalising (and some
// that must not be normalised) with authn and with botocore, the AWS SDK
// for Python, for a service other than S3 and for S3: the canonical
// request, the string to sign and the Authorization header agree.
func TestSigV4Botocore(t *testing.T) {
	py := testenv.Python(t, []string{"botocore"}, "python3-botocore")
	paths := []string{
		"/", "/example/..", "/example1/example2/../..", "//", "/./", "/./example", "//example//",
		"/a/./b", "/a//b/", "/a/b/../c", "/a/b/..", "/a/b/../../../c", "/%2E%2E/x", "/a/.../b",
		"/example%20space/", "/%C3%BCber/", "/~user/-_.", "/p?b=2&a=1&a=0",
	}
	type signCase struct {
		Method    string `json:"method"`
		URL       string `json:"url"`
		Service   string `json:"service"`
		Region    string `json:"region"`
		Date      string `json:"date"`
		AccessKey string `json:"access_key"`
		SecretKey string `json:"secret_key"`
	}
	var cases []signCase
	for _, service := range []string{"service", "execute-api", "s3"} {
		for _, p := range paths {
			cases = append(cases, signCase{"GET", "https://example.amazonaws.com" + p, service, "us-east-1", sigv4SuiteDate, sigv4SuiteAccess, sigv4SuiteSecret})
		}
	}
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "-c", sigv4BotocoreScript)
	cmd.Stdin = strings.NewReader(string(in))
	raw, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("botocore: %v\n%s", err, stderr)
	}
	var want []struct{ Creq, Sts, Authz string }
	if err := json.Unmarshal(raw, &want); err != nil || len(want) != len(cases) {
		t.Fatalf("botocore printed %d results (%v); want %d", len(want), err, len(cases))
	}
	for i, c := range cases {
		out := sigv4Outgoing(t, c.Method, c.URL, "")
		var tr Trace
		if err := (sigv4{}).Authorize(out, sigv4Creds("service", c.Service), Env{}, &tr); err != nil {
			t.Fatalf("%s %s: %v", c.Service, c.URL, err)
		}
		for _, w := range []struct{ label, want string }{
			{"canonical request", want[i].Creq}, {"string to sign", want[i].Sts}, {"Authorization", want[i].Authz},
		} {
			if v, _ := sigv4Value(&tr, w.label); v.Text != w.want {
				t.Errorf("service %s, GET %s: %s = %q; botocore %q", c.Service, c.URL, w.label, v.Text, w.want)
			}
		}
	}
}
