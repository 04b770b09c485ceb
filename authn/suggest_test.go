package authn

import (
	"strings"
	"testing"
)

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"kitten", "sitting", 3}, // the textbook example
		{"flaw", "lawn", 2},
		{"baerer", "bearer", 1}, // a swap is one edit
		{"ca", "abc", 3},        // optimal string alignment: no edit of a swapped pair
		{"jtw", "jwt", 1},
		{"oauth", "oauth1", 1},
		{"sigv4", "sigv4", 0},
		{"§ab", "ab", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"none", "basic", "digest", "bearer", "apikey", "oauth1", "oauth2", "jwt", "sigv4"}
	tests := []struct {
		in   string
		want string
	}{
		{"baerer", "bearer"},
		{"Bearer", "bearer"},
		{"bsic", "basic"},
		{"oauth", "oauth1 oauth2"},
		{"jtw", "jwt"},
		{"jwk", "jwt"},
		{"jxx", ""}, // two edits: too many for three letters
		{"sigv2", "sigv4"},
		{"kerberos", ""},
		{"x", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(Suggest(tt.in, names), " "); got != tt.want {
			t.Errorf("Suggest(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestLookupSuggests(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"baerer", `unknown auth scheme "baerer": did you mean bearer? (schemes: none, basic, `},
		{"oauth", `unknown auth scheme "oauth": did you mean oauth1 or oauth2? (schemes: `},
		{"kerberos", `unknown auth scheme "kerberos": use one of: none, basic, `},
	}
	for _, tt := range tests {
		_, err := Lookup(tt.in)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Lookup(%q) = %v; want an error starting %q", tt.in, err, tt.want)
		}
	}
}
