package envname

import "testing"

var forTests = []struct {
	url, scheme, field, want string
}{
	{"https://api.github.com/user", "bearer", "token", "GITHUB_TOKEN"},
	{"https://api.github.com/user", "basic", "password", "GITHUB_PASSWORD"},
	{"https://api.stripe.com/v1/charges", "basic", "username", "STRIPE_API_KEY"},
	{"https://www.example.co.uk/", "apikey", "value", "EXAMPLE_API_KEY"},
	{"https://sts.amazonaws.com/", "sigv4", "secret_key", "AWS_SECRET_ACCESS_KEY"},
	{"https://example.org/", "sigv4", "session_token", "AWS_SESSION_TOKEN"},
	{"https://api.twitter.com/1.1/x", "oauth1", "consumer_secret", "TWITTER_CONSUMER_SECRET"},
	{"https://api.github.com/", "none", "header X-GitHub-Token", "GITHUB_X_GITHUB_TOKEN"},
	{"https://api.github.com/", "none", "query access_token", "GITHUB_ACCESS_TOKEN"},
	{"http://127.0.0.1:8089/bearer", "bearer", "token", "TOKEN"},
	{"http://localhost/", "none", "tls.key_password", "KEY_PASSWORD"},
	{"https://3scale.net/", "bearer", "token", "V3SCALE_TOKEN"},
	{"https://intranet/", "bearer", "token", "TOKEN"},
}

func TestFor(t *testing.T) {
	for _, tt := range forTests {
		if got := For(API(tt.url), tt.scheme, tt.field); got != tt.want {
			t.Errorf("For(API(%q), %q, %q) = %q; want %q", tt.url, tt.scheme, tt.field, got, tt.want)
		}
	}
}

func TestWord(t *testing.T) {
	for in, want := range map[string]string{"X-API-Key": "X_API_KEY", "github-basic": "GITHUB_BASIC", "--": "", "9lives": "V9LIVES", "ünï": "N"} {
		if got := Word(in); got != want {
			t.Errorf("Word(%q) = %q; want %q", in, got, want)
		}
	}
}
