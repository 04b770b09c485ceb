package authn

import (
	"net/http"
	"net/url"
	"testing"
)

// BenchmarkOAuth1SignHMACSHA1 signs Twitter's published example (pinned
// nonce and timestamp) through Authorize, trace included.
func BenchmarkOAuth1SignHMACSHA1(b *testing.B) {
	creds, err := oauth1{}.Info().Validate(twitterFields())
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(twitterURL)
	body := []byte(twitterBody)
	env := oauth1TestEnv()
	b.ReportAllocs()
	for b.Loop() {
		out := &Outgoing{Method: "POST", URL: u, Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: body}
		var tr Trace
		if err := (oauth1{}).Authorize(out, creds, env, &tr); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOAuth1SignCore is the signature alone (RFC 5849 §3.4), without
// validation, trace or placement: what a server pays to check one request.
func BenchmarkOAuth1SignCore(b *testing.B) {
	u, _ := url.Parse(twitterURL)
	in := oauth1Input{
		method: "POST", url: u, contentType: "application/x-www-form-urlencoded", body: []byte(twitterBody),
		protocol: []oauth1Param{
			{oauth1FromOAuth, "oauth_consumer_key", twitterConsumerKey},
			{oauth1FromOAuth, "oauth_nonce", twitterNonce},
			{oauth1FromOAuth, "oauth_signature_method", "HMAC-SHA1"},
			{oauth1FromOAuth, "oauth_timestamp", twitterTimestamp},
			{oauth1FromOAuth, "oauth_token", twitterToken},
			{oauth1FromOAuth, "oauth_version", "1.0"},
		},
		sigMethod: oauth1HMACSHA1, consumerSecret: twitterConsumerSecret, tokenSecret: twitterTokenSecret,
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := oauth1Sign(in)
		if err != nil || s.signature != twitterSignature {
			b.Fatalf("signature %q, %v", s.signature, err)
		}
	}
}
