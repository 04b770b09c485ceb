package practice

import (
	"slices"
	"strings"
	"testing"
)

// FuzzOAuth1VerifyParseHeader: the practice server parses the Authorization
// header of any client. parseOAuthHeader never panics, and the parameters
// it returns, written back as name="value" with RFC 5849 §3.6 encoding,
// parse to the same parameters (realm, which is kept as sent, written back
// as a quoted-string).
func FuzzOAuth1VerifyParseHeader(f *testing.F) {
	for _, s := range []string{
		`realm="Example", oauth_consumer_key="0685bd9184jfhq22", oauth_token="ad180jjd733klru7", oauth_signature_method="HMAC-SHA1", oauth_signature="wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D", oauth_timestamp="137131200", oauth_nonce="4572616e48616d6d65724c61686176", oauth_version="1.0"`,
		`oauth_token=unquoted, a="b\"c"`,
		`realm="a\\b\"", x="%zz"`,
		`x="unterminated`,
		`=`, `,,,`, `a`, `a=`, `a="", b=""`, "a=\"\x00\x1b\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pairs, err := parseOAuthHeader(s)
		if err != nil {
			return
		}
		var b strings.Builder
		for i, p := range pairs {
			if i > 0 {
				b.WriteString(", ")
			}
			if p.name == "realm" {
				b.WriteString(`realm="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(p.value) + `"`)
				continue
			}
			b.WriteString(oauthEncode(p.name) + `="` + oauthEncode(p.value) + `"`)
		}
		again, err := parseOAuthHeader(b.String())
		if err != nil || !slices.Equal(again, pairs) {
			t.Fatalf("parseOAuthHeader(%q) = %q;\nwritten back as %q it parses to %q, %v", s, pairs, b.String(), again, err)
		}
	})
}

// FuzzOAuth1VerifyParseForm: the practice server's form and query parser
// (RFC 5849 §3.4.1.3.1) never panics, and what it returns, written back
// with §3.6 encoding, parses to the same pairs.
func FuzzOAuth1VerifyParseForm(f *testing.F) {
	for _, s := range []string{"a=1&b=2&a=3", "c%40=%3D&&x", "+%20+=%2B", "%zz", "a=b=c&;=;", "=", "&&&", "%E2%80%AE=%1B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		pairs, err := parseForm(s)
		if err != nil {
			return
		}
		var parts []string
		for _, p := range pairs {
			parts = append(parts, oauthEncode(p.name)+"="+oauthEncode(p.value))
		}
		again, err := parseForm(strings.Join(parts, "&"))
		if err != nil || !slices.Equal(again, pairs) {
			t.Fatalf("parseForm(%q) = %q; written back it parses to %q, %v", s, pairs, again, err)
		}
	})
}
