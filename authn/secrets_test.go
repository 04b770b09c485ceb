package authn

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

func TestCredentialHeader(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"Authorization", true}, {"proxy-authorization", true}, {"Cookie", true},
		{"X-API-Key", true}, {"x-api-key", true}, {"Api-Key", true}, {"X-Auth-Token", true},
		{"Private-Token", true}, {"X-Amz-Security-Token", true}, {"X-Goog-Api-Key", true},
		{"Ocp-Apim-Subscription-Key", true}, {"X-Vault-Token", true},
		{"X-Custom-Token", true}, {"X-Service-Key", true}, {"X-Session-Id", true},
		{"Accept", false}, {"Content-Type", false}, {"User-Agent", false}, {"Sec-WebSocket-Key", false},
		{"X-Request-Id", false}, {"Idempotency-Key", false}, {"X-Idempotency-Key", false}, {"X-Tenant", false}, {"Host", false},
	}
	for _, tt := range tests {
		if got := CredentialHeader(tt.name); got != tt.want {
			t.Errorf("CredentialHeader(%q) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestSecretParam(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"access_token", true}, {"api_key", true}, {"apikey", true}, {"key", true}, {"password", true},
		{"client_secret", true}, {"sig", true}, {"X-Amz-Signature", true}, {"X-Amz-Security-Token", true},
		{"refresh_token", true}, {"my_token", true},
		{"page", false}, {"sort_key", false}, {"token_type", false}, {"token_type_hint", false}, {"q", false}, {"client_id", false}, {"session_state", false},
	}
	for _, tt := range tests {
		if got := SecretParam(tt.name); got != tt.want {
			t.Errorf("SecretParam(%q) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

// Mask hides a secret in every encoding it takes in a URL, a header, a
// body or JSON.
func TestSecretsMask(t *testing.T) {
	const v = "s3cr&t /+é=ok"
	once := url.QueryEscape(v)
	s := NewSecrets(v, "abc") // "abc" is too short to mask
	m := Mask("")
	tests := []struct{ name, in string }{
		{"raw", "x " + v + " y"},
		{"query-escaped (form)", "a=" + once},
		{"query-escaped twice", "u=" + url.QueryEscape(once)},
		{"path-escaped", "/p/" + url.PathEscape(v)},
		{"percent, %20 for space", "a=" + strings.ReplaceAll(once, "+", "%20")},
		{"lower-case percent hex", "a=" + strings.ToLower(once)},
		{"JSON, ASCII only (Python's json.dumps)", `{"k":"s3cr&t /+\u00e9=ok"}`},
		{"JSON escaped", `{"k":"` + `s3cr\u0026t /+é=ok` + `"}`},
		{"base64", base64.StdEncoding.EncodeToString([]byte(v))},
		{"base64url raw", base64.RawURLEncoding.EncodeToString([]byte(v))},
	}
	for _, tt := range tests {
		got := s.Mask(tt.in)
		if !strings.Contains(got, m) {
			t.Errorf("%s: Mask(%q) = %q; want the secret masked", tt.name, tt.in, got)
		}
		if strings.Contains(got, "s3cr") || strings.Contains(got, "czNjc") {
			t.Errorf("%s: Mask(%q) = %q keeps part of the secret", tt.name, tt.in, got)
		}
		if !s.Contains(tt.in) {
			t.Errorf("%s: Contains(%q) = false", tt.name, tt.in)
		}
	}
	if got := s.Mask("abc abcd"); got != "abc abcd" {
		t.Errorf("Mask of a text with only a too-short secret = %q; want it unchanged", got)
	}
	var zero Secrets
	if got := zero.Mask("anything"); got != "anything" {
		t.Errorf("the zero Secrets masked %q", got)
	}
}

func TestSecretsOf(t *testing.T) {
	req := Request{
		Method: "POST", URL: "https://h.example/x?page=1&access_token=tok%2Bvalue",
		Header: map[string][]string{"X-Api-Key": {"key-1234"}, "Authorization": {"Bearer bear-5678"}, "Cookie": {"sid=cookie-9999; theme=dark"}, "Accept": {"application/json"}},
		Body:   []byte("grant_type=password&password=pw-abcd&username=alice"),
		Scheme: "basic", Fields: map[string]string{"username": "alice", "password": "basic-pw"},
	}
	got := SecretsOf(req, nil).Values()
	for _, want := range []string{"basic-pw", base64.StdEncoding.EncodeToString([]byte("alice:basic-pw")), "key-1234", "Bearer bear-5678", "bear-5678", "cookie-9999", "tok+value", "pw-abcd"} {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("SecretsOf misses %q: %q", want, got)
		}
	}
	for _, g := range got {
		if g == "application/json" || g == "alice" {
			t.Errorf("SecretsOf holds %q, which is no secret: %q", g, got)
		}
	}
}

func TestMaskQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://h/x?page=1&access_token=abc#f", "https://h/x?page=1&access_token=••••••••#f"},
		{"https://h/x?api_key=&q=1", "https://h/x?api_key=&q=1"},
		{"https://h/x", "https://h/x"},
		{"{{practice}}/y?sig=zz", "{{practice}}/y?sig=••••••••"},
	}
	for _, tt := range tests {
		if got := MaskQuery(tt.in); got != tt.want {
			t.Errorf("MaskQuery(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
