package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Issue #6's "done when", in the TUI: each new scheme's demo profile opens,
// is sent to the embedded practice server, passes (the Trace tab shows the
// client and the server computing the same values) and, with one credential
// wrong, fails with its specific hint and the first difference named.
func TestTUINewSchemesAgainstPractice(t *testing.T) {
	home := t.TempDir()
	vars := map[string]string{
		"AUTHLAB_PROFILES": filepath.Join(home, "profiles"),
		"XDG_STATE_HOME":   filepath.Join(home, "state"),
		"HOME":             home,
	}
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	var out bytes.Buffer
	if code := Run(context.Background(), []string{"profiles", "demo"}, Env{Stdout: &out, Stderr: &out, LookupEnv: lookup, ReadFile: os.ReadFile}); code != 0 {
		t.Fatalf("profiles demo: exit %d: %s", code, out.String())
	}
	tests := []struct {
		profile string
		status  string // on the status line after ctrl+r
		hint    string // a hint title on the Response tab ("" for none)
		flow    string // a role label of the flow view on the Trace tab ("" for one exchange)
		trace   string // what the client-vs-server comparison says
	}{
		{"demo/digest", "200 OK", "", "challenge", "✓ the practice server accepted the request, and the"},
		{"demo/digest-wrong", "401 Unauthorized", "Digest answer refused", "retry", "✗ first difference: response"},
		{"demo/oauth2-client-credentials", "200 OK", "", "token", "OAuth 2.0"},
		{"demo/oauth2-wrong-secret", "401 Unauthorized", "invalid_client", "", "token endpoint refused"},
		{"demo/jwt-hs256", "200 OK", "", "", "✓ the practice server accepted the request, and the"},
		{"demo/jwt-wrong-secret", "401 Unauthorized", "JWT signature rejected", "", "✗ first difference: secret"},
		{"demo/aws-sigv4", "200 OK", "", "", "✓ the practice server accepted the request, and the"},
		{"demo/aws-sigv4-wrong-secret", "403 Forbidden", "SignatureDoesNotMatch", "", "✗ first difference: signature"},
		{"demo/hawk", "200 OK", "", "", "✓ the practice server accepted the request, and the"},
		{"demo/hawk-wrong-key", "401 Unauthorized", "Hawk MAC refused", "", "✗ first difference: mac"},
		{"demo/edgegrid", "200 OK", "", "", "✓ the practice server accepted the request, and the"},
		{"demo/edgegrid-wrong-secret", "401 Unauthorized", "the signature does not match", "", "✗ first difference: signature"},
		{"demo/ntlm", "200 OK", "", "negotiate", "✓ the practice server accepted the request, and the"},
		{"demo/ntlm-wrong-password", "401 Unauthorized", "NTLM proof refused", "authenticate", "✗ first difference: NTProofStr"},
	}
	for _, tt := range tests {
		t.Run(tt.profile, func(t *testing.T) {
			// 100 columns is the narrow layout: the answer takes the focus
			s, code, cancel := startTUI(t, []string{"--profile", tt.profile}, lookup, 100, 60)
			defer cancel()
			s.waitText("{{practice}}")
			s.key(ctrlR)
			s.waitText(tt.status)
			if tt.hint != "" {
				s.waitText(tt.hint)
			}
			s.key("4") // Trace tab
			if tt.flow != "" {
				s.waitText(tt.flow)
			}
			s.waitText(tt.trace)
			s.key(ctrlC)
			waitExit(t, code)
		})
	}
}
