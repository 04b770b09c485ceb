package practice

import (
	"strconv"
	"testing"
)

// TestTraceAgreesWithAuthn proves client/server agreement: for the same
// request, the base string (and its parts) authn computed to sign equals the
// one the server rebuilt from what it received, and so do the signatures.
func TestTraceAgreesWithAuthn(t *testing.T) {
	ts := startServer(t, Options{})
	stamp := strconv.FormatInt(srvNow.Unix(), 10)
	for i, tt := range []struct {
		name, method, path, body string
		fields                   map[string]string
	}{
		{"GET header", "GET", verifyPath + "?include_entities=true&b=%7E%20+&a=1&a=0", "", nil},
		{"GET query", "GET", verifyPath + "?x=%E2%9C%93", "", map[string]string{"placement": "query", "signature_method": "HMAC-SHA256"}},
		{"POST form", "POST", updatePath + "?trim_user=1", "status=Hello%20World%21+%2A%27()&lat=1", nil},
		{"POST body placement", "POST", updatePath, "status=%3D%26%3D", map[string]string{"placement": "body"}},
		{"RSA-SHA1", "POST", updatePath, "status=rsa", map[string]string{"signature_method": "RSA-SHA1", "private_key": DemoRSAPrivateKeyPEM}},
		{"bad secret", "GET", verifyPath, "", map[string]string{"consumer_secret": "not-the-secret"}},
	} {
		f := map[string]string{"nonce": "agree-" + strconv.Itoa(i), "timestamp": stamp}
		for k, v := range tt.fields {
			f[k] = v
		}
		r, res := oauthCall(t, srvNow, tt.method, ts.URL+tt.path, tt.body, f)
		if !r.hasTrace {
			t.Fatalf("%s: no trace header", tt.name)
		}
		for _, label := range []string{"signature base string", "parameter string", "base string URI",
			"oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp", "oauth_nonce"} {
			c, ok1 := clientValue(res.Trace, label)
			s, ok2 := r.value(label)
			if !ok1 || !ok2 || c != s {
				t.Errorf("%s: %q: client %q (%v), server %q (%v)", tt.name, label, c, ok1, s, ok2)
			}
		}
		c, _ := clientValue(res.Trace, "oauth_signature")
		recv, _ := r.value("received oauth_signature")
		if c != recv {
			t.Errorf("%s: server received signature %q; client sent %q", tt.name, recv, c)
		}
		if tt.fields["signature_method"] != "RSA-SHA1" {
			want, _ := r.value("oauth_signature")
			if (c == want) != (tt.name != "bad secret") {
				t.Errorf("%s: client signature %q, server expected %q", tt.name, c, want)
			}
		}
		if ds := Compare(res.Trace, r.trace); (len(ds) == 0) != (tt.name != "bad secret") {
			t.Errorf("%s: Compare = %+v", tt.name, ds)
		}
	}
}
