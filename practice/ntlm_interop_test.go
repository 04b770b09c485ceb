package practice

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/internal/testenv"
)

// TestInteropRequestsNTLM runs requests_ntlm (python3-requests-ntlm, on
// python3-ntlm-auth: NTLMv2 with a MIC and its own AV pairs) against
// /ntlm: the whole handshake on requests' kept connection, 200 for the
// demo account, 401 for a wrong password.
func TestInteropRequestsNTLM(t *testing.T) {
	python := testenv.Python(t, []string{"requests", "requests_ntlm"}, "python3-requests-ntlm")
	ts := startServer(t, Options{Now: time.Now})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/ntlm_client.py", ts.URL)
	// OpenSSL 3 keeps MD4, which NTOWFv2 starts from, in its legacy
	// provider: ntlm-auth's hashlib.new('md4') needs it loaded.
	conf := filepath.Join(t.TempDir(), "openssl.cnf")
	if err := os.WriteFile(conf, []byte(ntlmOpenSSLLegacy), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(os.Environ(), "OPENSSL_CONF="+conf)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ntlm_client.py: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr.String())
	}
	type result struct {
		Case   string
		Status int
		Body   string
		Trace  string
	}
	got := map[string]result{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("ntlm_client.py printed %q: %v", sc.Text(), err)
		}
		got[r.Case] = r
	}
	for _, want := range []struct {
		name    string
		status  int
		body    string
		verdict string
	}{
		{"right", 200, `"user":"AUTHLAB\\demo"`, "ok"},
		{"lowercase domain", 200, `"user":"AUTHLAB\\demo"`, "ok"},
		{"wrong password", 401, "<!DOCTYPE html", "NTProofStr mismatch: wrong password"},
	} {
		g, ok := got[want.name]
		if !ok || g.Status != want.status || !strings.Contains(g.Body, want.body) {
			t.Errorf("requests_ntlm %s = %d %q (ran: %v); want %d containing %q", want.name, g.Status, g.Body, ok, want.status, want.body)
			continue
		}
		st, err := DecodeTrace(g.Trace)
		if err != nil || !strings.HasPrefix(st.Verdict, want.verdict) {
			t.Errorf("requests_ntlm %s: server verdict %q (%v); want %q…", want.name, st.Verdict, err, want.verdict)
		}
	}
}

// ntlmOpenSSLLegacy is an OpenSSL 3 configuration that loads the default
// and legacy providers (MD4 lives in the legacy one).
const ntlmOpenSSLLegacy = `openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
legacy = legacy_sect
[default_sect]
activate = 1
[legacy_sect]
activate = 1
`
