package authn

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNTLMHints runs Explain over NTLM and Negotiate answers, each built
// as the exchange the engine records: the NTLM failure hints, "-a ntlm"
// for an NTLM challenge, and for Negotiate the plain statement that
// authlab cannot answer Kerberos (never "switch to Negotiate").
func TestNTLMHints(t *testing.T) {
	u, _ := url.Parse("http://example.org/")
	const negMsg = "NTLM TlRMTVNTUAABAAAAB4IIAAAAAAAgAAAAAAAAACAAAAA="
	for _, tt := range []struct {
		name       string
		scheme     string
		role       string
		chal       []string
		auth       string
		wantTitles []string
		wantChecks []string // substrings some check must contain
		notChecks  []string // substrings no check may contain
	}{
		{"refused", "ntlm", ntlmRoleAuthenticate, []string{"Negotiate", "NTLM"}, "NTLM TlRMTVNTUAADAAAA", []string{ntlmHintRefused}, []string{"-c domain=CORP"}, nil},
		{"not continued", "ntlm", ntlmRoleNegotiate, []string{"Negotiate", "NTLM"}, negMsg, []string{ntlmHintNoChal}, []string{"--noproxy"}, nil},
		{"kerberos token", "ntlm", ntlmRoleNegotiate, []string{"Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag"}, negMsg, []string{ntlmHintKerberos}, []string{"curl --negotiate", "NTLM is not on offer"}, []string{"-a ntlm"}},
		{"no windows auth", "ntlm", ntlmRoleNegotiate, []string{`Basic realm="r"`}, negMsg, []string{ntlmHintNoNTLM + "Basic"}, []string{"-a basic"}, nil},
		{"NTLM offered, nothing sent", "none", RoleRequest, []string{"NTLM"}, "", []string{"Server offers NTLM"}, []string{"-a ntlm"}, []string{"cannot answer"}},
		{"IIS offer, Basic sent", "basic", RoleRequest, []string{"Negotiate", "NTLM"}, "Basic dTpw", []string{"Sent Basic, but the server offers Negotiate or NTLM"},
			[]string{"Switch to NTLM (-a ntlm)", "authlab cannot answer Negotiate with Kerberos", "also offers NTLM, which authlab answers with -a ntlm"}, []string{"Switch to Negotiate"}},
		{"Negotiate only, nothing sent", "none", RoleRequest, []string{"Negotiate"}, "", []string{"No Authorization header sent; the server asks for Negotiate"},
			[]string{"authlab cannot answer Negotiate with Kerberos", "kinit", "-a ntlm tries that"}, []string{"Authenticate with Negotiate"}},
		{"unknown scheme", "none", RoleRequest, []string{"Mutual realm=r"}, "", nil, []string{"authlab cannot answer Mutual"}, []string{"-a "}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			var creds []Credential
			if tt.auth != "" {
				h.Set("Authorization", tt.auth)
				creds = []Credential{{Where: InHeader, Name: "Authorization", Value: tt.auth, Masked: "•"}}
			}
			ex := &Exchange{Role: tt.role, Request: SentRequest{Method: "GET", URL: u, Header: h, Credentials: creds},
				Response: &Response{Status: 401, Header: http.Header{"Www-Authenticate": tt.chal}}}
			info := Info{Name: tt.scheme}
			if s, err := Lookup(tt.scheme); err == nil {
				info = s.Info()
			}
			hints := Explain(ex, info, time.Now())
			var titles, checks []string
			for _, h := range hints {
				titles = append(titles, h.Title)
				checks = append(checks, h.Checks...)
			}
			for _, w := range tt.wantTitles {
				if !slices.ContainsFunc(titles, func(s string) bool { return strings.HasPrefix(s, w) }) {
					t.Errorf("no hint titled %q; got %q", w, titles)
				}
			}
			for _, w := range tt.wantChecks {
				if !slices.ContainsFunc(checks, func(s string) bool { return strings.Contains(s, w) }) {
					t.Errorf("no check containing %q; got %q", w, checks)
				}
			}
			for _, n := range tt.notChecks {
				if i := slices.IndexFunc(checks, func(s string) bool { return strings.Contains(s, n) }); i >= 0 {
					t.Errorf("check %q contains %q", checks[i], n)
				}
			}
		})
	}
}
