package authn

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Published vectors used below:
//   - Twitter (X) developer docs, "Creating a signature" (POST statuses/update).
//   - Twitter developer docs, "Implementing Sign in with Twitter" (request_token
//     with oauth_callback, access_token with oauth_verifier), as quoted by
//     github.com/dghubble/oauth1's reference_test.go.
//   - RFC 5849 §1.2 (PLAINTEXT and HMAC-SHA1 requests of the photos example),
//     §3.4.1.1 (signature base string), §3.4.1.2 (base string URI).
//   - OAuth Core 1.0a Appendix A.5 and the OAuth wiki's TestCases page
//     (PLAINTEXT §9.2, RSA-SHA1 §9.3).

const (
	twitterURL            = "https://api.twitter.com/1.1/statuses/update.json?include_entities=true"
	twitterBody           = "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21"
	twitterConsumerKey    = "xvz1evFS4wEEPTGEFPHBog"
	twitterConsumerSecret = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
	twitterToken          = "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"
	twitterTokenSecret    = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
	twitterNonce          = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg"
	twitterTimestamp      = "1318622958"
	twitterSignature      = "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
	twitterParamString    = "include_entities=true&oauth_consumer_key=xvz1evFS4wEEPTGEFPHBog&oauth_nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1318622958&oauth_token=370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb&oauth_version=1.0&status=Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21"
	twitterBaseString     = "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
	twitterSigningKey     = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw&LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"
)

// twitterFields are the fields of the Twitter example, pinned.
func twitterFields() map[string]string {
	return map[string]string{
		"consumer_key": twitterConsumerKey, "consumer_secret": twitterConsumerSecret,
		"token": twitterToken, "token_secret": twitterTokenSecret,
		"nonce": twitterNonce, "timestamp": twitterTimestamp,
	}
}

// oauth1TestEnv is a deterministic Env: a fixed clock and counting bytes.
func oauth1TestEnv() Env {
	seq := make([]byte, 64)
	for i := range seq {
		seq[i] = byte(i)
	}
	return Env{Now: func() time.Time { return time.Unix(1700000000, 0) }, Rand: bytes.NewReader(seq)}
}

type oauth1Req struct {
	method, url, contentType, body string
}

// signOAuth1 validates fields as the engine does and runs Authorize on a
// fresh Outgoing built from r.
func signOAuth1(t testing.TB, r oauth1Req, fields map[string]string) (*Outgoing, *Trace, error) {
	t.Helper()
	creds, err := oauth1{}.Info().Validate(fields)
	if err != nil {
		return nil, nil, err
	}
	u, err := url.Parse(r.url)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", r.url, err)
	}
	out := &Outgoing{Method: r.method, URL: u, Header: http.Header{}}
	if r.contentType != "" {
		out.Header.Set("Content-Type", r.contentType)
	}
	if r.body != "" {
		out.Body = []byte(r.body)
	}
	tr := &Trace{}
	err = oauth1{}.Authorize(out, creds, oauth1TestEnv(), tr)
	return out, tr, err
}

func mustSignOAuth1(t testing.TB, r oauth1Req, fields map[string]string) (*Outgoing, *Trace) {
	t.Helper()
	out, tr, err := signOAuth1(t, r, fields)
	if err != nil {
		t.Fatalf("Authorize(%+v): %v", r, err)
	}
	return out, tr
}

// traceValue returns the first value labelled label in any step.
func traceValue(t testing.TB, tr *Trace, label string) Value {
	t.Helper()
	for _, s := range tr.Steps {
		for _, v := range s.Values {
			if v.Label == label {
				return v
			}
		}
	}
	t.Fatalf("trace has no value %q", label)
	return Value{}
}

// parseOAuthHeader splits an `OAuth k="v", ...` header into its raw
// (still percent-encoded) values and the order of the names.
func parseOAuthHeader(t testing.TB, h string) (map[string]string, []string) {
	t.Helper()
	rest, ok := strings.CutPrefix(h, "OAuth ")
	if !ok {
		t.Fatalf("header %q does not start with \"OAuth \"", h)
	}
	params := map[string]string{}
	var order []string
	for _, part := range strings.Split(rest, ",") {
		name, quoted, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || len(quoted) < 2 || quoted[0] != '"' || quoted[len(quoted)-1] != '"' {
			t.Fatalf("header %q: malformed pair %q", h, part)
		}
		params[name] = quoted[1 : len(quoted)-1]
		order = append(order, name)
	}
	return params, order
}

// serverEncode is an encoder independent of oauth1Encode, built from the
// standard library: url.QueryEscape keeps exactly the unreserved set except
// that it writes a space as "+".
func serverEncode(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// serverParseForm decodes a query or form body as the W3C form rules say,
// keeping ";" as data (url.ParseQuery refuses it).
func serverParseForm(t testing.TB, s string) url.Values {
	t.Helper()
	vals := url.Values{}
	for _, pair := range strings.Split(s, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		dk, err1 := url.QueryUnescape(k)
		dv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			t.Fatalf("server: cannot decode %q", pair)
		}
		vals.Add(dk, dv)
	}
	return vals
}

// verifyAsServer rebuilds the signature the way a provider does, from the
// request as it would arrive (RFC 5849 §3.2), with code independent of the
// scheme's, and reports the signature it expects and the one sent.
func verifyAsServer(t testing.TB, out *Outgoing, consumerSecret, tokenSecret string) (want, got string) {
	t.Helper()
	type kv struct{ k, v string }
	var params []kv
	add := func(vals url.Values) {
		for k, vs := range vals {
			for _, v := range vs {
				if k == "oauth_signature" {
					got = v
					continue
				}
				params = append(params, kv{k, v})
			}
		}
	}
	add(serverParseForm(t, out.URL.RawQuery))
	if strings.HasPrefix(out.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		add(serverParseForm(t, string(out.Body)))
	}
	if h := out.Header.Get("Authorization"); h != "" {
		hp, _ := parseOAuthHeader(t, h)
		vals := url.Values{}
		for k, v := range hp {
			if k == "realm" {
				continue
			}
			dv, err := url.PathUnescape(v)
			if err != nil {
				t.Fatalf("server: header value %q: %v", v, err)
			}
			vals.Add(k, dv)
		}
		add(vals)
	}
	encoded := make([]kv, len(params))
	for i, p := range params {
		encoded[i] = kv{serverEncode(p.k), serverEncode(p.v)}
	}
	slices.SortFunc(encoded, func(a, b kv) int {
		if a.k != b.k {
			return strings.Compare(a.k, b.k)
		}
		return strings.Compare(a.v, b.v)
	})
	enc := make([]string, len(encoded))
	for i, p := range encoded {
		enc[i] = p.k + "=" + p.v
	}
	scheme, host, port := strings.ToLower(out.URL.Scheme), strings.ToLower(out.URL.Hostname()), out.URL.Port()
	if port != "" && !(scheme == "http" && port == "80" || scheme == "https" && port == "443") {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	uri := scheme + "://" + host + out.URL.EscapedPath()
	base := strings.ToUpper(out.Method) + "&" + serverEncode(uri) + "&" + serverEncode(strings.Join(enc, "&"))
	key := serverEncode(consumerSecret) + "&" + serverEncode(tokenSecret)
	return oauth1HMAC(sha1.New, key, base), got
}

func TestOAuth1Info(t *testing.T) {
	s, err := Lookup("oauth1")
	if err != nil {
		t.Fatalf("Lookup(oauth1): %v", err)
	}
	in := s.Info()
	if in.Rank != 40 || in.Spec != "RFC 5849" || in.Name != "oauth1" {
		t.Errorf("Info = {Name %q Rank %d Spec %q}; want {oauth1 40 RFC 5849}", in.Name, in.Rank, in.Spec)
	}
	want := []string{"consumer_key", "consumer_secret", "token", "token_secret", "signature_method",
		"private_key", "realm", "placement", "nonce", "timestamp", "callback", "verifier"}
	if got := in.FieldNames(); !slices.Equal(got, want) {
		t.Errorf("FieldNames() = %q; want %q", got, want)
	}
	for _, f := range in.Fields {
		if f.Required != (f.Name == "consumer_key") {
			t.Errorf("field %s: Required = %v; only consumer_key is always required", f.Name, f.Required)
		}
		secret := f.Name == "consumer_secret" || f.Name == "token_secret" || f.Name == "private_key"
		if f.Secret != secret {
			t.Errorf("field %s: Secret = %v; want %v", f.Name, f.Secret, secret)
		}
		if f.Pinnable != (f.Name == "nonce" || f.Name == "timestamp") {
			t.Errorf("field %s: Pinnable = %v", f.Name, f.Pinnable)
		}
		if f.Label == "" || f.Help == "" {
			t.Errorf("field %s has no label or help", f.Name)
		}
	}
	sm, _ := in.Field("signature_method")
	if sm.Default != "HMAC-SHA1" || !slices.Equal(sm.Allowed, []string{"HMAC-SHA1", "HMAC-SHA256", "PLAINTEXT", "RSA-SHA1"}) {
		t.Errorf("signature_method = %+v", sm)
	}
	pl, _ := in.Field("placement")
	if pl.Default != "header" || !slices.Equal(pl.Allowed, []string{"header", "query", "body"}) {
		t.Errorf("placement = %+v", pl)
	}
	if pk, _ := in.Field("private_key"); !pk.Multiline {
		t.Errorf("private_key is not Multiline")
	}
}

// TestOAuth1Twitter is Twitter's published "Creating a signature" example.
func TestOAuth1Twitter(t *testing.T) {
	r := oauth1Req{"POST", twitterURL, "application/x-www-form-urlencoded", twitterBody}
	out, tr := mustSignOAuth1(t, r, twitterFields())

	if v := traceValue(t, tr, "parameter string"); v.Text != twitterParamString || v.Secret {
		t.Errorf("parameter string = %q (secret %v);\nwant %q", v.Text, v.Secret, twitterParamString)
	}
	if v := traceValue(t, tr, "base string URI"); v.Text != "https://api.twitter.com/1.1/statuses/update.json" {
		t.Errorf("base string URI = %q", v.Text)
	}
	if v := traceValue(t, tr, "signature base string"); v.Text != twitterBaseString {
		t.Errorf("signature base string = %q;\nwant %q", v.Text, twitterBaseString)
	}
	key := traceValue(t, tr, "signing key")
	if key.Text != twitterSigningKey || !key.Secret {
		t.Errorf("signing key = %q (secret %v); want %q, secret", key.Text, key.Secret, twitterSigningKey)
	}
	if got, want := key.Shown(false), "••••••••&••••••••"; got != want {
		t.Errorf("signing key shown = %q; want %q", got, want)
	}
	if v := traceValue(t, tr, "oauth_signature"); v.Text != twitterSignature || v.Secret {
		t.Errorf("oauth_signature = %q (secret %v); want %q, not secret", v.Text, v.Secret, twitterSignature)
	}

	wantHeader := `OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0"`
	if got := out.Header.Get("Authorization"); got != wantHeader {
		t.Errorf("Authorization = %q;\nwant %q", got, wantHeader)
	}
	wantMasked := strings.Replace(wantHeader, "hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D", "••••••••", 1)
	if len(out.Added) != 1 || out.Added[0] != (Credential{Where: InHeader, Name: "Authorization", Value: wantHeader, Masked: wantMasked}) {
		t.Errorf("Added = %+v;\nwant one Authorization credential masked as %q", out.Added, wantMasked)
	}
	if out.URL.String() != twitterURL || string(out.Body) != twitterBody {
		t.Errorf("URL or body changed: %q %q", out.URL, out.Body)
	}
	if want, got := verifyAsServer(t, out, twitterConsumerSecret, twitterTokenSecret); got != want {
		t.Errorf("a server computes %q; the request carries %q", want, got)
	}
}

// TestOAuth1TraceSteps checks the order, references and contents of the
// steps for an HMAC-SHA1 request.
func TestOAuth1TraceSteps(t *testing.T) {
	r := oauth1Req{"POST", twitterURL, "application/x-www-form-urlencoded", twitterBody}
	_, tr := mustSignOAuth1(t, r, twitterFields())
	var refs []string
	for _, s := range tr.Steps {
		refs = append(refs, s.Ref)
		if s.Title == "" {
			t.Errorf("step with ref %q has no title", s.Ref)
		}
	}
	want := []string{"RFC 5849 §3.1, §3.3", "RFC 5849 §3.4.1.3.1", "RFC 5849 §3.4.1.3.2, §3.6",
		"RFC 5849 §3.4.1.2", "RFC 5849 §3.4.1.1", "RFC 5849 §3.4.2", "RFC 5849 §3.4.2", "RFC 5849 §3.5.1"}
	if !slices.Equal(refs, want) {
		t.Fatalf("step refs = %q;\nwant %q", refs, want)
	}
	first := tr.Steps[0]
	for _, label := range []string{"oauth_timestamp (pinned)", "oauth_nonce (pinned)"} {
		if !slices.ContainsFunc(first.Values, func(v Value) bool { return v.Label == label }) {
			t.Errorf("step 1 has no value %q: %+v", label, first.Values)
		}
	}
	var collected []string
	for _, v := range tr.Steps[1].Values {
		collected = append(collected, v.Label+": "+v.Text)
	}
	wantCollected := []string{
		"query: include_entities=true",
		"body: status=Hello Ladies + Gentlemen, a signed OAuth request!",
		"oauth: oauth_consumer_key=xvz1evFS4wEEPTGEFPHBog",
		"oauth: oauth_nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
		"oauth: oauth_signature_method=HMAC-SHA1",
		"oauth: oauth_timestamp=1318622958",
		"oauth: oauth_token=370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
		"oauth: oauth_version=1.0",
	}
	if !slices.Equal(collected, wantCollected) {
		t.Errorf("collected = %q;\nwant %q", collected, wantCollected)
	}
	if !strings.Contains(tr.Steps[4].Note, "code 32") {
		t.Errorf("base string note does not mention Twitter code 32: %q", tr.Steps[4].Note)
	}

	// Unpinned: the nonce is 32 bytes of env.Rand in hex, the timestamp env.Now.
	f := twitterFields()
	delete(f, "nonce")
	delete(f, "timestamp")
	out, tr := mustSignOAuth1(t, r, f)
	hp, _ := parseOAuthHeader(t, out.Header.Get("Authorization"))
	if want := "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"; hp["oauth_nonce"] != want {
		t.Errorf("random nonce = %q; want %q", hp["oauth_nonce"], want)
	}
	if hp["oauth_timestamp"] != "1700000000" {
		t.Errorf("timestamp = %q; want 1700000000", hp["oauth_timestamp"])
	}
	traceValue(t, tr, "oauth_nonce (random)")
	traceValue(t, tr, "oauth_timestamp (clock)")
}

// TestOAuth1RFC5849BaseString is the example of RFC 5849 §3.4.1.1 and
// §3.4.1.3: the request carries no oauth_version, so it is signed through the
// core with the RFC's exact protocol parameters (realm included, to be
// excluded), then end to end with oauth_version added.
func TestOAuth1RFC5849BaseString(t *testing.T) {
	const (
		rawURL = "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b"
		body   = "c2&a3=2+q"
		params = "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7"
		base   = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
	)
	u, _ := url.Parse(rawURL)
	s, err := oauth1Sign(oauth1Input{
		method: "POST", url: u, contentType: "application/x-www-form-urlencoded", body: []byte(body),
		protocol: []oauth1Param{
			{oauth1FromOAuth, "realm", "Example"},
			{oauth1FromOAuth, "oauth_consumer_key", "9djdj82h48djs9d2"},
			{oauth1FromOAuth, "oauth_token", "kkk9d7dh3k39sjv7"},
			{oauth1FromOAuth, "oauth_signature_method", "HMAC-SHA1"},
			{oauth1FromOAuth, "oauth_timestamp", "137131201"},
			{oauth1FromOAuth, "oauth_nonce", "7d8f3e4a"},
		},
		sigMethod: oauth1HMACSHA1, consumerSecret: "j49sj3j29djd", tokenSecret: "dh893hdasih9",
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.paramString != params {
		t.Errorf("parameter string = %q;\nwant %q", s.paramString, params)
	}
	if s.base != base {
		t.Errorf("base string = %q;\nwant %q", s.base, base)
	}
	// The decoded pairs of the table in §3.4.1.3.1, in the order collected.
	var got []string
	for _, p := range s.params {
		got = append(got, p.name+"="+p.value)
	}
	want := []string{"b5==%3D", "a3=a", "c@=", "a2=r b", "c2=", "a3=2 q",
		"oauth_consumer_key=9djdj82h48djs9d2", "oauth_token=kkk9d7dh3k39sjv7",
		"oauth_signature_method=HMAC-SHA1", "oauth_timestamp=137131201", "oauth_nonce=7d8f3e4a"}
	if !slices.Equal(got, want) {
		t.Errorf("collected = %q;\nwant %q", got, want)
	}

	_, tr := mustSignOAuth1(t, oauth1Req{"POST", rawURL, "application/x-www-form-urlencoded", body}, map[string]string{
		"consumer_key": "9djdj82h48djs9d2", "consumer_secret": "j49sj3j29djd", "token": "kkk9d7dh3k39sjv7",
		"token_secret": "dh893hdasih9", "realm": "Example", "nonce": "7d8f3e4a", "timestamp": "137131201",
	})
	if got, want := traceValue(t, tr, "parameter string").Text, params+"&oauth_version=1.0"; got != want {
		t.Errorf("end to end parameter string = %q;\nwant %q", got, want)
	}
}

// TestOAuth1PublishedSignatures checks complete signatures others published.
func TestOAuth1PublishedSignatures(t *testing.T) {
	tests := []struct {
		name   string
		req    oauth1Req
		fields map[string]string
		want   string // oauth_signature, not encoded
	}{
		{
			name: "OAuth Core 1.0a Appendix A.5",
			req:  oauth1Req{method: "GET", url: "http://photos.example.net/photos?file=vacation.jpg&size=original"},
			fields: map[string]string{"consumer_key": "dpf43f3p2l4k3l03", "consumer_secret": "kd94hf93k423kf44",
				"token": "nnch734d00sl2jdk", "token_secret": "pfkkdhi9sl3r4s00",
				"nonce": "kllo9940pd9333jh", "timestamp": "1191242096"},
			want: "tR3+Ty81lMeYAr/Fid0kMTYa/WM=",
		},
		{
			name: "Twitter request_token with oauth_callback",
			req:  oauth1Req{method: "POST", url: "https://api.twitter.com/oauth/request_token"},
			fields: map[string]string{"consumer_key": "cChZNFj6T5R0TigYB9yd1w", "consumer_secret": "L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg",
				"callback": "http://localhost/sign-in-with-twitter/", "nonce": "ea9ec8429b68d6b77cd5600adbbb0456", "timestamp": "1318467427"},
			want: "F1Li3tvehgcraF8DMJ7OyxO4w9Y=",
		},
		{
			name: "Twitter access_token with oauth_verifier",
			req:  oauth1Req{method: "POST", url: "https://api.twitter.com/oauth/access_token"},
			fields: map[string]string{"consumer_key": "cChZNFj6T5R0TigYB9yd1w", "consumer_secret": "L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg",
				"token": "NPcudxy0yU5T3tBzho7iCotZ3cnetKwcTIRlX0iwRl0", "token_secret": "veNRnAWe6inFuo8o2u8SLLZLjolYDmDP7SzL0YfYI",
				"verifier": "uw7NjWHT6OJ1MpJOXsHfNxoAhPKpgI8BlYDhxEjIBY", "nonce": "a9900fe68e2573b27a37f10fbad6a755", "timestamp": "1318467427"},
			want: "39cipBtIOHEEnybAR4sATQTpl2I=",
		},
		{
			name: "OAuth wiki TestCases 9.3 RSA-SHA1",
			req:  oauth1Req{method: "GET", url: "http://photos.example.net/photos?file=vacaction.jpg&size=original"},
			fields: map[string]string{"consumer_key": "dpf43f3p2l4k3l03", "signature_method": "RSA-SHA1",
				"private_key": readTestdata(t, "oauthwiki_rsa_pkcs8.pem"), "nonce": "13917289812797014437", "timestamp": "1196666512"},
			want: "jvTp/wX1TYtByB1m+Pbyo0lnCOLIsyGCH7wke8AUs3BpnwZJtAuEJkvQL2/9n4s5wUmUl4aCI4BwpraNx4RtEXMe5qg5T1LVTGliMRpKasKsW//e+RinhejgCuzoH26dyF8iY2ZZ/5D1ilgeijhV/vBka5twt399mXwaYdCwFYE=",
		},
		{
			name: "RFC 5849 §1.2 temporary credentials (PLAINTEXT)",
			req:  oauth1Req{method: "POST", url: "https://photos.example.net/initiate"},
			fields: map[string]string{"consumer_key": "dpf43f3p2l4k3l03", "consumer_secret": "kd94hf93k423kf44", "signature_method": "PLAINTEXT",
				"realm": "Photos", "callback": "http://printer.example.com/ready", "nonce": "wIjqoS", "timestamp": "137131200"},
			want: "kd94hf93k423kf44&",
		},
		{
			name: "RFC 5849 §1.2 token credentials (PLAINTEXT)",
			req:  oauth1Req{method: "POST", url: "https://photos.example.net/token"},
			fields: map[string]string{"consumer_key": "dpf43f3p2l4k3l03", "consumer_secret": "kd94hf93k423kf44", "signature_method": "PLAINTEXT",
				"token": "hh5s93j4hdidpola", "token_secret": "hdhd0244k9j7ao03", "verifier": "hfdp7dh39dks9884",
				"realm": "Photos", "nonce": "walatlh", "timestamp": "137131201"},
			want: "kd94hf93k423kf44&hdhd0244k9j7ao03",
		},
		{
			name: "OAuth wiki TestCases 9.2 PLAINTEXT",
			req:  oauth1Req{method: "POST", url: "https://example.com/"},
			fields: map[string]string{"consumer_key": "k", "consumer_secret": "djr9rjt0jd78jf88", "token_secret": "jjd99$tj88uiths3",
				"signature_method": "PLAINTEXT", "nonce": "n", "timestamp": "1"},
			want: "djr9rjt0jd78jf88&jjd99%24tj88uiths3",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, tr := mustSignOAuth1(t, tt.req, tt.fields)
			hp, _ := parseOAuthHeader(t, out.Header.Get("Authorization"))
			if got, want := hp["oauth_signature"], oauth1Encode(tt.want); got != want {
				t.Errorf("oauth_signature = %q; want %q", got, want)
			}
			if v := traceValue(t, tr, "oauth_signature"); v.Text != tt.want {
				t.Errorf("trace oauth_signature = %q; want %q", v.Text, tt.want)
			}
			if cb := tt.fields["callback"]; cb != "" && hp["oauth_callback"] != oauth1Encode(cb) {
				t.Errorf("oauth_callback = %q; want %q", hp["oauth_callback"], oauth1Encode(cb))
			}
			if vf := tt.fields["verifier"]; vf != "" && hp["oauth_verifier"] != vf {
				t.Errorf("oauth_verifier = %q; want %q", hp["oauth_verifier"], vf)
			}
			if realm := tt.fields["realm"]; realm != "" && !strings.HasPrefix(out.Header.Get("Authorization"), `OAuth realm="`+realm+`", `) {
				t.Errorf("Authorization %q does not start with the realm", out.Header.Get("Authorization"))
			}
		})
	}
}

// TestOAuth1RFC5849Section12HMAC is the photos request of RFC 5849 §1.2,
// which sends no oauth_version, signed through the core.
func TestOAuth1RFC5849Section12HMAC(t *testing.T) {
	u, _ := url.Parse("http://photos.example.net/photos?file=vacation.jpg&size=original")
	s, err := oauth1Sign(oauth1Input{
		method: "GET", url: u,
		protocol: []oauth1Param{
			{oauth1FromOAuth, "oauth_consumer_key", "dpf43f3p2l4k3l03"},
			{oauth1FromOAuth, "oauth_token", "nnch734d00sl2jdk"},
			{oauth1FromOAuth, "oauth_signature_method", "HMAC-SHA1"},
			{oauth1FromOAuth, "oauth_timestamp", "137131202"},
			{oauth1FromOAuth, "oauth_nonce", "chapoH"},
		},
		sigMethod: oauth1HMACSHA1, consumerSecret: "kd94hf93k423kf44", tokenSecret: "pfkkdhi9sl3r4s00",
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "MdpQcU8iPSUjWoN/UDMsK2sui9I="; s.signature != want {
		t.Errorf("signature = %q; want %q", s.signature, want)
	}
}

func TestOAuth1PercentEncode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abcXYZ019", "abcXYZ019"},
		{"-._~", "-._~"},
		{" ", "%20"},
		{"*", "%2A"},
		{"+", "%2B"},
		{"%", "%25"},
		{"!'()", "%21%27%28%29"},
		{"&=/?#[]@:,;$", "%26%3D%2F%3F%23%5B%5D%40%3A%2C%3B%24"},
		{"Ladies + Gentlemen", "Ladies%20%2B%20Gentlemen"},
		{"Dogs, Cats & Mice", "Dogs%2C%20Cats%20%26%20Mice"},
		{"é", "%C3%A9"},
		{"☃", "%E2%98%83"},
		{"ル", "%E3%83%AB"},
		{"😀", "%F0%9F%98%80"},
		{"\x00\x7f\xff", "%00%7F%FF"},
		{"hCtSmYh+iHYCEqBWrE7C7hYmtUk=", "hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"},
	}
	for _, tt := range tests {
		if got := oauth1Encode(tt.in); got != tt.want {
			t.Errorf("oauth1Encode(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	for c := 0; c < 256; c++ {
		s := string([]byte{byte(c)})
		if got, want := oauth1Encode(s), serverEncode(s); got != want {
			t.Errorf("oauth1Encode(%q) = %q; the standard library's form gives %q", s, got, want)
		}
	}
}

func TestOAuth1BaseURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://EXAMPLE.COM:80/r%20v/X?id=123", "http://example.com/r%20v/X"}, // RFC 5849 §3.4.1.2
		{"https://www.example.net:8080/?q=1", "https://www.example.net:8080/"}, // RFC 5849 §3.4.1.2
		{"https://example.com:443/a", "https://example.com/a"},
		{"http://example.com:443/a", "http://example.com:443/a"},
		{"https://example.com:80/a", "https://example.com:80/a"},
		{"https://example.com", "https://example.com/"},
		{"https://example.com:/a", "https://example.com/a"},
		{"HTTPS://user:pw@Example.com/Photos#frag", "https://example.com/Photos"},
		{"http://[::1]:80/a", "http://[::1]/a"},
		{"http://[::1]:8080/a", "http://[::1]:8080/a"},
		{"https://example.com/a%2Fb/c%20d", "https://example.com/a%2Fb/c%20d"}, // RawPath, as sent
		{"https://example.com/a%2Fb/c d", "https://example.com/a/b/c%20d"},     // no valid RawPath: net/http sends EscapedPath
		{"https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatalf("url.Parse(%q): %v", tt.in, err)
		}
		if got := oauth1BaseURI(u); got != tt.want {
			t.Errorf("oauth1BaseURI(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestOAuth1ParseForm(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"c2&a3=2+q", []string{"c2=", "a3=2 q"}},
		{"a=1&&b=&=x", []string{"a=1", "b=", "=x"}},
		{"a=1;b=2", []string{"a=1;b=2"}},
		{"a=b=c", []string{"a=b=c"}},
		{"q=caf%C3%A9%20au+lait&q=2", []string{"q=café au lait", "q=2"}},
		{"oauth_signature=x&oauth_token=t", []string{"oauth_token=t"}},
	}
	for _, tt := range tests {
		ps, err := oauth1ParseForm(nil, tt.in, oauth1FromQuery)
		if err != nil {
			t.Errorf("oauth1ParseForm(%q): %v", tt.in, err)
			continue
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.name+"="+p.value)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("oauth1ParseForm(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	var ie *InputError
	if _, err := oauth1ParseForm(nil, "a=%zz", oauth1FromBody); !errors.As(err, &ie) || !strings.Contains(err.Error(), "body") {
		t.Errorf("oauth1ParseForm(a=%%zz) = %v; want an *InputError naming the body", err)
	}
}

func TestOAuth1HeaderValue(t *testing.T) {
	params := [][2]string{{"oauth_consumer_key", "a b"}, {"oauth_signature", "x+/="}}
	tests := []struct {
		realm string
		mask  bool
		want  string
	}{
		{"", false, `OAuth oauth_consumer_key="a%20b", oauth_signature="x%2B%2F%3D"`},
		{"Photos", false, `OAuth realm="Photos", oauth_consumer_key="a%20b", oauth_signature="x%2B%2F%3D"`},
		{`http://sp.example.com/ "x" \y`, true, `OAuth realm="http://sp.example.com/ \"x\" \\y", oauth_consumer_key="a%20b", oauth_signature="••••••••"`},
	}
	for _, tt := range tests {
		if got := oauth1HeaderValue(tt.realm, params, tt.mask); got != tt.want {
			t.Errorf("oauth1HeaderValue(%q, mask %v) = %q; want %q", tt.realm, tt.mask, got, tt.want)
		}
	}
}

func TestOAuth1IsForm(t *testing.T) {
	for ct, want := range map[string]bool{
		"application/x-www-form-urlencoded":                true,
		"Application/X-WWW-Form-URLEncoded; charset=UTF-8": true,
		"application/x-www-form-urlencoded;":               true,
		"application/json":                                 false,
		"multipart/form-data; boundary=x":                  false,
		"":                                                 false,
	} {
		if got := oauth1IsForm(ct); got != want {
			t.Errorf("oauth1IsForm(%q) = %v; want %v", ct, got, want)
		}
	}
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "oauth1", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestOAuth1RSASHA1(t *testing.T) {
	block, _ := pem.Decode([]byte(readTestdata(t, "rsa_public.pem")))
	pubAny, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pub := pubAny.(*rsa.PublicKey)
	r := oauth1Req{"POST", twitterURL, "application/x-www-form-urlencoded", twitterBody}
	var sigs []string
	for _, file := range []string{"rsa_pkcs1.pem", "rsa_pkcs8.pem"} {
		f := twitterFields()
		f["consumer_secret"] = ""
		f["signature_method"] = "RSA-SHA1"
		f["private_key"] = readTestdata(t, file)
		out, tr := mustSignOAuth1(t, r, f)
		sig := traceValue(t, tr, "oauth_signature").Text
		raw, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			t.Fatalf("%s: signature %q is not base64: %v", file, sig, err)
		}
		digest := sha1.Sum([]byte(traceValue(t, tr, "signature base string").Text))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA1, digest[:], raw); err != nil {
			t.Errorf("%s: signature does not verify with the public key: %v", file, err)
		}
		hp, _ := parseOAuthHeader(t, out.Header.Get("Authorization"))
		if hp["oauth_signature_method"] != "RSA-SHA1" || hp["oauth_signature"] != oauth1Encode(sig) {
			t.Errorf("%s: header %q", file, out.Header.Get("Authorization"))
		}
		wantDesc := map[string]string{"rsa_pkcs1.pem": "RSA 2048-bit, PKCS#1 PEM", "rsa_pkcs8.pem": "RSA 2048-bit, PKCS#8 PEM"}[file]
		if v := traceValue(t, tr, "private key"); v.Text != wantDesc {
			t.Errorf("%s: key described as %q; want %q", file, v.Text, wantDesc)
		}
		sigs = append(sigs, sig)
	}
	if sigs[0] != sigs[1] {
		t.Errorf("PKCS#1 and PKCS#8 forms of one key signed differently: %q, %q", sigs[0], sigs[1])
	}

	// A key whose line breaks were written as \n (as in .env files) works too.
	f := twitterFields()
	f["signature_method"] = "RSA-SHA1"
	f["private_key"] = strings.ReplaceAll(readTestdata(t, "rsa_pkcs1.pem"), "\n", `\n`)
	_, tr := mustSignOAuth1(t, r, f)
	if got := traceValue(t, tr, "oauth_signature").Text; got != sigs[0] {
		t.Errorf("escaped-newline key signed %q; want %q", got, sigs[0])
	}
}

func TestOAuth1Plaintext(t *testing.T) {
	f := map[string]string{"consumer_key": "ck", "consumer_secret": "c s&1", "token": "tok", "token_secret": "t~s+2",
		"signature_method": "PLAINTEXT", "nonce": "n", "timestamp": "1"}
	out, tr := mustSignOAuth1(t, oauth1Req{method: "GET", url: "http://example.com/?a=1"}, f)
	want := oauth1Encode("c s&1") + "&" + oauth1Encode("t~s+2") // "c%20s%261&t~s%2B2"
	sig := traceValue(t, tr, "oauth_signature")
	if sig.Text != want || !sig.Secret || sig.Shown(false) != "••••••••&••••••••" {
		t.Errorf("PLAINTEXT signature = %+v; want %q, secret, shown masked", sig, want)
	}
	hp, _ := parseOAuthHeader(t, out.Header.Get("Authorization"))
	if hp["oauth_signature"] != oauth1Encode(want) {
		t.Errorf("header oauth_signature = %q; want %q", hp["oauth_signature"], oauth1Encode(want))
	}
	for _, s := range tr.Steps {
		if s.Ref == "RFC 5849 §3.4.1.1" {
			t.Errorf("PLAINTEXT trace has a base string step: %+v", s)
		}
	}
	if st := tr.Steps[1]; st.Ref != "RFC 5849 §3.4.4" || !strings.Contains(st.Note, "not HTTPS") {
		t.Errorf("step 2 = %+v; want the §3.4.4 no-base-string step warning about http", st)
	}
	if strings.Contains(out.Added[0].Masked, "c%20s") {
		t.Errorf("masked header leaks the PLAINTEXT signature: %q", out.Added[0].Masked)
	}
}

// TestOAuth1Placement signs one request three ways: the signature is the
// same, the user's query and body stay byte for byte in front, and a server
// rebuilding the signature from each request agrees.
func TestOAuth1Placement(t *testing.T) {
	const (
		query = "b5=%3D%253D&a3=a&c%40=&a2=r%20b&plus=1+2&semi=x;y&tilde=%7E"
		body  = "c2&a3=2+q"
	)
	r := oauth1Req{"POST", "https://Example.com:443/request?" + query, "application/x-www-form-urlencoded", body}
	f := map[string]string{"consumer_key": "9djdj82h48djs9d2", "consumer_secret": "j49sj3j29djd",
		"token": "kkk9d7dh3k39sjv7", "token_secret": "dh893hdasih9", "nonce": "7d8f3e4a+/=", "timestamp": "137131201"}
	sigs := map[string]string{}
	for _, placement := range []string{"header", "query", "body"} {
		f["placement"] = placement
		out, tr := mustSignOAuth1(t, r, f)
		sigs[placement] = traceValue(t, tr, "oauth_signature").Text
		if want, got := verifyAsServer(t, out, "j49sj3j29djd", "dh893hdasih9"); got != want {
			t.Errorf("%s: a server computes %q; the request carries %q", placement, want, got)
		}
		switch placement {
		case "header":
			if out.URL.RawQuery != query || string(out.Body) != body {
				t.Errorf("header: query or body changed: %q %q", out.URL.RawQuery, out.Body)
			}
		case "query":
			if !strings.HasPrefix(out.URL.RawQuery, query+"&oauth_") {
				t.Errorf("query = %q; want the user's query %q in front, byte for byte", out.URL.RawQuery, query)
			}
			if out.Header.Get("Authorization") != "" || string(out.Body) != body {
				t.Errorf("query: header or body changed")
			}
			if r.url != "https://Example.com:443/request?"+query {
				t.Errorf("the request's URL string changed")
			}
		case "body":
			if !strings.HasPrefix(string(out.Body), body+"&oauth_") {
				t.Errorf("body = %q; want the user's body %q in front", out.Body, body)
			}
			if out.Header.Get("Authorization") != "" || out.URL.RawQuery != query {
				t.Errorf("body: header or query changed")
			}
		}
		if placement == "header" {
			continue
		}
		where := map[string]Where{"query": InQuery, "body": InBody}[placement]
		var names []string
		for _, c := range out.Added {
			names = append(names, c.Name)
			if c.Where != where {
				t.Errorf("%s: credential %+v recorded in %s", placement, c, c.Where)
			}
			if (c.Name == "oauth_signature") != (c.Masked != c.Value) {
				t.Errorf("%s: credential %s masked as %q", placement, c.Name, c.Masked)
			}
		}
		wantNames := []string{"oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp", "oauth_token", "oauth_version"}
		if !slices.Equal(names, wantNames) {
			t.Errorf("%s: credentials %q; want %q", placement, names, wantNames)
		}
		if shown := traceValue(t, tr, map[string]string{"query": "query string", "body": "body parameters"}[placement]).Shown(false); strings.Contains(shown, oauth1Encode(sigs[placement])) || !strings.Contains(shown, "••••••••") {
			t.Errorf("%s: trace shows %q; want the signature masked", placement, shown)
		}
	}
	if sigs["header"] != sigs["query"] || sigs["header"] != sigs["body"] {
		t.Errorf("signatures differ by placement: %v", sigs)
	}

	// Body placement on an empty POST makes the body a form.
	f["placement"] = "body"
	out, _ := mustSignOAuth1(t, oauth1Req{method: "POST", url: "https://example.com/r"}, f)
	if out.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", out.Header.Get("Content-Type"))
	}
	if want, got := verifyAsServer(t, out, "j49sj3j29djd", "dh893hdasih9"); got != want {
		t.Errorf("empty body: a server computes %q; the request carries %q", want, got)
	}
}

// TestOAuth1HostHeader: a Host header replaces the URL's authority on the
// wire (the engine sets http.Request.Host from it), so it is what is signed.
func TestOAuth1HostHeader(t *testing.T) {
	creds, _ := oauth1{}.Info().Validate(twitterFields())
	u, _ := url.Parse("https://127.0.0.1:8089/1.1/statuses/update.json?include_entities=true")
	out := &Outgoing{Method: "POST", URL: u, Body: []byte(twitterBody), Header: http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "Host": {"API.twitter.com"}}}
	tr := &Trace{}
	if err := (oauth1{}).Authorize(out, creds, oauth1TestEnv(), tr); err != nil {
		t.Fatal(err)
	}
	if got := traceValue(t, tr, "base string URI").Text; got != "https://api.twitter.com/1.1/statuses/update.json" {
		t.Errorf("base string URI = %q; want the Host header's authority", got)
	}
	if got := traceValue(t, tr, "oauth_signature").Text; got != twitterSignature {
		t.Errorf("signature = %q; want %q", got, twitterSignature)
	}
	if out.URL.Host != "127.0.0.1:8089" {
		t.Errorf("URL host changed to %q", out.URL.Host)
	}
}

// TestOAuth1UnsignedBody: a body that is not a form is not signed (RFC 5849
// §3.4.1.3.1), and the trace says so.
func TestOAuth1UnsignedBody(t *testing.T) {
	f := twitterFields()
	json := oauth1Req{"POST", twitterURL, "application/json", `{"status":"hi"}`}
	_, trJSON := mustSignOAuth1(t, json, f)
	_, trNone := mustSignOAuth1(t, oauth1Req{method: "POST", url: twitterURL}, f)
	if a, b := traceValue(t, trJSON, "oauth_signature").Text, traceValue(t, trNone, "oauth_signature").Text; a != b {
		t.Errorf("a JSON body changed the signature: %q vs %q", a, b)
	}
	if !strings.Contains(trJSON.Steps[1].Note, "NOT signed") {
		t.Errorf("collect note = %q; want it to say the body is not signed", trJSON.Steps[1].Note)
	}
}

func TestOAuth1BadInput(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ecKey)
	ecPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
	encrypted := "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"

	post := oauth1Req{"POST", "https://example.com/r", "", ""}
	base := func(kv ...string) map[string]string {
		f := map[string]string{"consumer_key": "ck", "consumer_secret": "cs", "token": "t", "token_secret": "ts"}
		for i := 0; i < len(kv); i += 2 {
			f[kv[i]] = kv[i+1]
		}
		return f
	}
	tests := []struct {
		name   string
		req    oauth1Req
		fields map[string]string
		field  string // must appear in the message
	}{
		{"invalid PEM", post, base("signature_method", "RSA-SHA1", "private_key", "not a key"), "private_key"},
		{"truncated PEM", post, base("signature_method", "RSA-SHA1", "private_key", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"), "private_key"},
		{"public key instead", post, base("signature_method", "RSA-SHA1", "private_key", readTestdata(t, "rsa_public.pem")), "private_key"},
		{"EC key", post, base("signature_method", "RSA-SHA1", "private_key", ecPEM), "private_key"},
		{"encrypted key", post, base("signature_method", "RSA-SHA1", "private_key", encrypted), "private_key"},
		{"RSA key missing", post, base("signature_method", "RSA-SHA1"), "private_key"},
		{"consumer secret missing", post, base("consumer_secret", ""), "consumer_secret"},
		{"PLAINTEXT without consumer secret", post, base("consumer_secret", "", "signature_method", "PLAINTEXT"), "consumer_secret"},
		{"consumer key missing", post, base("consumer_key", ""), "consumer_key"},
		{"timestamp with a fraction", post, base("timestamp", "1318622958.5"), "timestamp"},
		{"negative timestamp", post, base("timestamp", "-1"), "timestamp"},
		{"timestamp as a date", post, base("timestamp", "2011-10-14T20:09:18Z"), "timestamp"},
		{"timestamp too large", post, base("timestamp", "99999999999999999999"), "timestamp"},
		{"body placement on GET", oauth1Req{method: "GET", url: "https://example.com/r"}, base("placement", "body"), "placement"},
		{"body placement on DELETE", oauth1Req{method: "DELETE", url: "https://example.com/r"}, base("placement", "body"), "placement"},
		{"body placement with a JSON body", oauth1Req{"POST", "https://example.com/r", "application/json", "{}"}, base("placement", "body"), "placement"},
		{"unknown placement", post, base("placement", "cookie"), "placement"},
		{"unknown signature method", post, base("signature_method", "HMAC-MD5"), "signature_method"},
		{"realm with a line break", post, base("realm", "a\r\nX-Evil: 1"), "realm"},
		{"bad escape in the query", oauth1Req{method: "GET", url: "https://example.com/r?a=%zz"}, base(), "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, tr, err := signOAuth1(t, tt.req, tt.fields)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v (%T); want *InputError", err, err)
			}
			if !strings.Contains(ie.Problem, tt.field) || ie.Fix == "" {
				t.Errorf("err = %q; want the problem to name %q and a fix", err, tt.field)
			}
			if out != nil && (len(out.Added) > 0 || out.Header.Get("Authorization") != "") {
				t.Errorf("failed Authorize changed the request: %+v", out)
			}
			if tr != nil && len(tr.Steps) > 0 {
				t.Errorf("failed Authorize traced %d steps before validating", len(tr.Steps))
			}
		})
	}

	// A failing random source is an error, not an input problem.
	creds, _ := oauth1{}.Info().Validate(base())
	u, _ := url.Parse("https://example.com/")
	err = oauth1{}.Authorize(&Outgoing{Method: "GET", URL: u, Header: http.Header{}}, creds,
		Env{Now: time.Now, Rand: bytes.NewReader(nil)}, &Trace{})
	var ie *InputError
	if err == nil || errors.As(err, &ie) {
		t.Errorf("empty Rand: err = %v; want a non-input error", err)
	}
}

// TestOAuth1NoSecretInPlainValues walks every step of several traces: no
// non-secret value, note or title may contain a secret, and no masked
// rendering either.
func TestOAuth1NoSecretInPlainValues(t *testing.T) {
	const cs, ts = "Consumer-Secret-4242", "Token Secret/7&7"
	pemKey := readTestdata(t, "rsa_pkcs1.pem")
	secrets := []string{cs, ts, oauth1Encode(cs), oauth1Encode(ts), serverEncode(ts), url.QueryEscape(ts),
		oauth1Encode(oauth1Encode(ts)), "MIIE"}
	r := oauth1Req{"POST", "http://example.com/r?x=1", "application/x-www-form-urlencoded", "y=2"}
	for _, method := range []string{"HMAC-SHA1", "HMAC-SHA256", "PLAINTEXT", "RSA-SHA1"} {
		for _, placement := range []string{"header", "query", "body"} {
			f := map[string]string{"consumer_key": "ck", "consumer_secret": cs, "token": "tok", "token_secret": ts,
				"signature_method": method, "placement": placement, "private_key": pemKey}
			out, tr := mustSignOAuth1(t, r, f)
			check := func(where, text string) {
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("%s/%s: %s contains secret %q: %q", method, placement, where, s, text)
					}
				}
			}
			for _, st := range tr.Steps {
				check("title", st.Title)
				check("note", st.Note)
				for _, v := range st.Values {
					if !v.Secret {
						check("plain value "+v.Label, v.Text)
					}
					check("label", v.Label)
					check("shown value "+v.Label, v.Shown(false))
				}
			}
			for _, c := range out.Added {
				check("masked credential "+c.Name, c.Masked)
			}
		}
	}
}

// TestOAuth1DoesNotMutateInputs: Authorize changes nothing but out.
func TestOAuth1DoesNotMutateInputs(t *testing.T) {
	f := twitterFields()
	f["placement"] = "query"
	creds, err := oauth1{}.Info().Validate(f)
	if err != nil {
		t.Fatal(err)
	}
	before := maps2slice(creds)
	u, _ := url.Parse(twitterURL)
	orig := *u
	out := &Outgoing{Method: "POST", URL: u, Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte(twitterBody)}
	if err := (oauth1{}).Authorize(out, creds, oauth1TestEnv(), &Trace{}); err != nil {
		t.Fatal(err)
	}
	if *u != orig {
		t.Errorf("the URL the caller passed was modified: %v", u)
	}
	if got := maps2slice(creds); !slices.Equal(got, before) {
		t.Errorf("credentials modified: %q", got)
	}
}

func maps2slice(m Credentials) []string {
	var s []string
	for k, v := range m {
		s = append(s, k+"="+v)
	}
	slices.Sort(s)
	return s
}

func FuzzOAuth1Encode(f *testing.F) {
	for _, s := range []string{"", "a b", "Ladies + Gentlemen", "☃", "~*", "\xff\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := oauth1Encode(s)
		for i := 0; i < len(enc); i++ {
			c := enc[i]
			if c == '%' {
				if i+2 >= len(enc) || !strings.ContainsRune("0123456789ABCDEF", rune(enc[i+1])) || !strings.ContainsRune("0123456789ABCDEF", rune(enc[i+2])) {
					t.Fatalf("oauth1Encode(%q) = %q: bad escape at %d", s, enc, i)
				}
				i += 2
				continue
			}
			if !oauth1Unreserved(c) {
				t.Fatalf("oauth1Encode(%q) = %q: reserved byte %q left", s, enc, c)
			}
		}
		if dec, err := url.PathUnescape(enc); err != nil || dec != s {
			t.Fatalf("PathUnescape(oauth1Encode(%q)) = %q, %v", s, dec, err)
		}
		if want := serverEncode(s); enc != want {
			t.Fatalf("oauth1Encode(%q) = %q; standard library form %q", s, enc, want)
		}
	})
}

func FuzzOAuth1ParseForm(f *testing.F) {
	for _, s := range []string{"", "c2&a3=2+q", "b5=%3D%253D&a3=a&c%40=&a2=r%20b", "a=1;b", "&&=", "%zz", "oauth_signature=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := oauth1ParseForm(nil, s, oauth1FromQuery)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("oauth1ParseForm(%q): %T %v; want *InputError", s, err, err)
			}
			return
		}
		// Encoding the pairs again (§3.6) and parsing gives the same pairs.
		var b strings.Builder
		for i, p := range ps {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(oauth1Encode(p.name) + "=" + oauth1Encode(p.value))
		}
		again, err := oauth1ParseForm(nil, b.String(), oauth1FromQuery)
		if err != nil {
			t.Fatalf("re-encoded %q does not parse: %v", b.String(), err)
		}
		if !slices.Equal(ps, again) {
			t.Fatalf("oauth1ParseForm(%q) = %v; after re-encoding %v", s, ps, again)
		}
	})
}

func FuzzOAuth1ParseRSAKey(f *testing.F) {
	f.Add("not a key")
	f.Add("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")
	f.Add("-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----")
	f.Fuzz(func(t *testing.T, s string) {
		key, _, err := oauth1ParseRSAKey(s)
		var ie *InputError
		if err != nil && !errors.As(err, &ie) {
			t.Fatalf("oauth1ParseRSAKey: %T %v; want *InputError", err, err)
		}
		if err == nil && key == nil {
			t.Fatal("no key and no error")
		}
	})
}
