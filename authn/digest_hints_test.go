package authn

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDigestHints runs Explain over Digest failures, each built as the
// exchange the engine records, and checks which hints come out (and, for
// the Digest ones, that they cite RFC 7616).
func TestDigestHints(t *testing.T) {
	const chal = `Digest realm="r", qop="auth", algorithm=SHA-256, nonce="n2", opaque="o"`
	const sent = `Digest username="u", realm="r", uri="/", algorithm=SHA-256, nonce="n1", nc=00000001, cnonce="c", qop=auth, response="x", opaque="o"`
	u, _ := url.Parse("http://example.org/")
	for _, tt := range []struct {
		name      string
		scheme    string
		role      string
		status    int
		chal      []string
		auth      string
		want, not []string
	}{
		{"wrong password", "digest", RoleRetry, 401, []string{chal}, sent, []string{digestHintWrongPassword}, []string{digestHintNotDigest}},
		{"wrong password, hand-written header", "none", RoleRequest, 401, []string{chal}, sent, []string{digestHintWrongPassword}, nil},
		{"realm mismatch", "digest", RoleRetry, 401, []string{chal}, strings.Replace(sent, `realm="r"`, `realm="other"`, 1), []string{digestHintRealm}, []string{digestHintWrongPassword}},
		{"algorithm not offered", "digest", RoleRetry, 401, []string{chal}, strings.Replace(sent, "algorithm=SHA-256", "algorithm=MD5", 1), []string{digestHintAlgorithm}, []string{digestHintWrongPassword}},
		{"no algorithm means MD5", "digest", RoleRetry, 401, []string{chal}, strings.Replace(sent, "algorithm=SHA-256, ", "", 1), []string{digestHintAlgorithm}, nil},
		{"qop not offered", "digest", RoleRetry, 401, []string{strings.Replace(chal, `qop="auth"`, `qop="auth-int"`, 1)}, sent, []string{digestHintQop, digestHintAuthInt}, []string{digestHintWrongPassword}},
		{"stale again", "digest", RoleRetry, 401, []string{chal + ", stale=true"}, sent, []string{digestHintStaleAgain, "Digest stale=true · retry with the new nonce"}, []string{digestHintWrongPassword}},
		{"stale once (pre-emptive)", "digest", RoleRequest, 401, []string{chal + ", stale=true"}, sent, nil, []string{digestHintStaleAgain, digestHintWrongPassword}},
		{"unsupported algorithm", "digest", RoleChallenge, 401, []string{`Digest realm="r", nonce="n", algorithm=SHA-1`}, "", []string{digestHintUnsupported}, []string{digestHintNotDigest}},
		{"-sess without qop", "digest", RoleChallenge, 401, []string{`Digest realm="r", nonce="n", algorithm=MD5-sess`}, "", []string{digestHintUnsupported}, nil},
		{"answered with Basic", "basic", RoleRequest, 401, []string{chal}, "Basic dTpw", []string{digestHintNotDigest, "Sent Basic, but the server offers only Digest"}, []string{digestHintWrongPassword}},
		{"answered with nothing", "none", RoleRequest, 401, []string{chal}, "", []string{digestHintNotDigest, "No Authorization header sent; the server asks for Digest"}, nil},
		{"no Digest offered", "digest", RoleChallenge, 401, []string{`Basic realm="r"`}, "", []string{digestHintNoDigest + "Basic"}, nil},
		{"accepted", "digest", RoleRetry, 200, nil, sent, nil, []string{digestHintWrongPassword, digestHintNotDigest}},
	} {
		h := http.Header{}
		if tt.auth != "" {
			h.Set("Authorization", tt.auth)
		}
		var creds []Credential
		if tt.scheme != "none" && tt.auth != "" {
			creds = []Credential{{Where: InHeader, Name: "Authorization", Value: tt.auth, Masked: "•"}}
		}
		ex := &Exchange{Role: tt.role, Request: SentRequest{Method: "GET", URL: u, Header: h, Credentials: creds},
			Response: &Response{Status: tt.status, Header: http.Header{"Www-Authenticate": tt.chal}}}
		info := Info{Name: tt.scheme}
		if s, err := Lookup(tt.scheme); err == nil {
			info = s.Info()
		}
		hints := Explain(ex, info, time.Now())
		var titles []string
		for _, h := range hints {
			titles = append(titles, h.Title)
			mine := slices.Contains([]string{digestHintWrongPassword, digestHintRealm, digestHintAlgorithm, digestHintQop,
				digestHintStaleAgain, digestHintUnsupported, digestHintAuthInt, digestHintNotDigest, digestHintNoDigest + "Basic"}, h.Title)
			if mine && !strings.Contains(h.Ref, "RFC 7616 §") {
				t.Errorf("%s: hint %q cites %q, not RFC 7616", tt.name, h.Title, h.Ref)
			}
		}
		for _, w := range tt.want {
			if !slices.Contains(titles, w) {
				t.Errorf("%s: hints %q; want %q", tt.name, titles, w)
			}
		}
		for _, n := range tt.not {
			if slices.Contains(titles, n) {
				t.Errorf("%s: hints %q; do not want %q", tt.name, titles, n)
			}
		}
		if len(tt.want) > 0 && tt.want[0] != digestHintNotDigest && tt.want[0] != digestHintAuthInt && hints[0].Title != tt.want[0] && tt.want[0] != digestHintStaleAgain {
			t.Errorf("%s: first hint %q; want %q", tt.name, hints[0].Title, tt.want[0])
		}
	}
}
