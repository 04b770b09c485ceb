package practice

import (
	"bufio"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/internal/testenv"
)

// These tests run clients no one here wrote against the practice server.
// Without one they skip naming its Debian package; .ci/run installs them
// all and sets AUTHLAB_REQUIRE_INTEROP=1, where a missing one fails.

func TestInteropCurlBasic(t *testing.T) {
	curl := testenv.Program(t, "curl", "curl")
	ts := startServer(t, Options{Now: time.Now})
	for _, tt := range []struct {
		userpass string
		status   string
		body     string
	}{
		{"demo:demo-password", "200", `{"login":"demo","id":1,`},
		{"demo:wrong", "401", ghBad},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, curl, "-sS", "--noproxy", "*", "-u", tt.userpass,
			"-w", "\n%{http_code}", ts.URL+"/github/user").Output()
		cancel()
		if err != nil {
			t.Fatalf("curl -u %s: %v", tt.userpass, err)
		}
		body, code, _ := strings.Cut(string(out), "\n")
		if code != tt.status || !strings.HasPrefix(body, tt.body) {
			t.Errorf("curl -u %s = %s %s; want %s %s…", tt.userpass, code, body, tt.status, tt.body)
		}
	}
}

func TestInteropRequestsOAuthlib(t *testing.T) {
	python := testenv.Python(t, []string{"requests", "oauthlib", "requests_oauthlib"}, "python3-requests-oauthlib")
	ts := startServer(t, Options{Now: time.Now})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/oauth1_client.py", ts.URL,
		DemoConsumerKey, DemoConsumerSecret, DemoAccessToken, DemoTokenSecret)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("oauth1_client.py: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr.String())
	}
	type result struct {
		Case   string
		Status int
		Body   string
	}
	got := map[string]result{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("oauth1_client.py printed %q: %v", sc.Text(), err)
		}
		got[r.Case] = r
	}
	for _, want := range []result{
		{"verify", 200, `{"id":1,"id_str":"1","name":"Demo User","screen_name":"demo",…`},
		{"update", 200, `…"text":"Hello Ladies + Gentlemen, a signed OAuth request! ~*&=",…`},
		{"verify HMAC-SHA256", 200, `{"id":1,…`},
		{"verify PLAINTEXT", 200, `{"id":1,…`},
		{"verify query", 200, `{"id":1,…`},
		{"update body", 200, `…"text":"in the body",…`},
		{"wrong consumer secret", 401, err32},
		{"no auth", 400, err215},
		{"three-legged", 200, `{"id":1,…`},
	} {
		r, ok := got[want.Case]
		if !ok {
			t.Errorf("oauth1_client.py did not report %q\n%s", want.Case, out)
			continue
		}
		if r.Status != want.Status || !matchBody(r.Body, want.Body) {
			t.Errorf("requests_oauthlib %s = %d %s; want %d %s", want.Case, r.Status, r.Body, want.Status, want.Body)
		}
	}
}

// matchBody matches want exactly, or with "…" standing for any text at
// either end.
func matchBody(got, want string) bool {
	pre, pok := strings.CutPrefix(want, "…")
	mid, sok := strings.CutSuffix(pre, "…")
	switch {
	case pok && sok:
		return strings.Contains(got, mid)
	case sok:
		return strings.HasPrefix(got, mid)
	case pok:
		return strings.HasSuffix(got, pre)
	}
	return got == want
}
