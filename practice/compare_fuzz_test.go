package practice

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
)

// FuzzTraceCompare: the client pairs its own trace with the trace a server
// sent in X-Authlab-Practice-Trace (see FuzzDecodeTrace), parsing the
// server's parameter strings, URIs, numbers and base strings. Whatever the
// server sends, Compare never panics, and no Difference contains a secret
// of the client (secrets are compared by length only) unless the server
// itself sent that text.
func FuzzTraceCompare(f *testing.F) {
	f.Add(uint8(0), "parameter string", "a=1&oauth_nonce=%zz&b", "signature base string", "GET&https%3A%2F%2Fh%2F&a%3D1")
	f.Add(uint8(0), "oauth_timestamp", "99999999999999999999", "consumer secret", "3")
	f.Add(uint8(1), "password", "-1", "username", "\x1b[2J")
	f.Add(uint8(2), "token", "20", "authorization", "Bearer x")
	f.Add(uint8(3), "canonical request", "GET\n/\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD", "secret access key", "40")
	f.Add(uint8(4), "ha1", "0", "response", "zz")
	f.Add(uint8(5), "signing input", "e30.e30", "key", "1e9")
	f.Fuzz(func(t *testing.T, pick uint8, label, value, label2, value2 string) {
		const marker = "SECRETMARKER-7f3a"
		schemes := []string{"oauth1", "basic", "bearer", "sigv4", "digest", "jwt", "none"}
		secret := func(l string) authn.Value {
			return authn.Value{Label: l, Text: marker + "-" + l, Secret: true, Masked: "••••"}
		}
		plain := func(l, v string) authn.Value { return authn.Value{Label: l, Text: v} }
		client := authn.Trace{Steps: []authn.Step{{Values: []authn.Value{
			secret("consumer secret"), secret("token secret"), secret("password"), secret("token"),
			secret("secret access key"), secret("key"), secret("ha1"), secret("signing key"),
			plain("parameter string", "a=1&oauth_nonce=n"), plain("signature base string", "GET&https%3A%2F%2Fh%2F&a%3D1"),
			plain("oauth_signature", "abc="), plain("oauth_timestamp", "1700000000"), plain("username", "octocat"),
			plain("canonical request", "GET\n/\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD"), plain("string to sign", "AWS4-HMAC-SHA256\n"),
			plain("response", "0123"), plain("signing input", "e30.e30"), plain("signature", "sig"),
			plain(label, value),
		}}}}
		server := ServerTrace{Scheme: schemes[int(pick)%len(schemes)], Values: []TraceValue{{label, value}, {label2, value2}}}
		for _, v := range client.Steps[0].Values {
			server.Values = append(server.Values, TraceValue{v.Label, value2})
		}
		sent := label + value + label2 + value2
		for _, d := range Compare(client, server) {
			for _, s := range []string{d.Label, d.Client, d.Server, d.Explain} {
				if strings.Contains(s, marker) && !strings.Contains(sent, marker) {
					t.Fatalf("a Difference holds a client secret: %+v", d)
				}
			}
		}
	})
}
