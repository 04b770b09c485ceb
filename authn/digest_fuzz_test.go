package authn

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzDigestChallenge feeds arbitrary WWW-Authenticate values through the
// Digest path: parsing, picking, answering and the hints. Nothing may
// panic, and every answer must parse back with the challenge's realm and
// nonce, whatever the server sent.
func FuzzDigestChallenge(f *testing.F) {
	for _, s := range []string{
		digestRFC7616Challenges[0], digestRFC7616Challenges[1],
		`Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`,
		`Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", charset=UTF-8, userhash=true`,
		`Digest realm="r", nonce="n", stale=TRUE, algorithm=md5-sess, qop="auth-int"`,
		`Digest qop=auth, realm="go-httpbin", algorithm=SHA-256, nonce=abc, opaque=def`,
		`Basic realm="x", Digest realm="a\"b", nonce="\\", domain="/a /b"`,
		`Digest realm=, nonce="n"`,
		`Digest realm="r", nonce="n", algorithm=SHA-1`,
		`Digest`,
		`Digest reAlm="",nonCe="0",Algorithm=md5-sess`, // -sess without qop: found by this fuzzer
	} {
		f.Add(s, "body")
	}
	f.Fuzz(func(t *testing.T, challenge, body string) {
		cs := digestChallenges([]string{challenge})
		pick := digestPick(cs, "auto")
		creds, err := digest{}.Info().Validate(map[string]string{"username": "Mufasa", "password": "Circle of Life"})
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse("http://example.org/dir/index.html?q=1")
		env := Env{Now: time.Now, Rand: rand.Reader, Session: &Session{}}
		call := &Call{Creds: creds, Env: env, Trace: &Trace{}, Method: "POST", URL: u, Role: RoleChallenge}
		retry, err := digest{}.Answer(t.Context(), call, &Response{Status: 401, Header: http.Header{"Www-Authenticate": {challenge}}})
		if err != nil {
			t.Fatalf("Answer(%q): %v", challenge, err)
		}
		if retry != (pick.ok && (pick.chosen.qops == nil && !pick.chosen.alg.sess || pick.chosen.offersQop("auth") || pick.chosen.offersQop("auth-int"))) {
			t.Fatalf("Answer(%q) retry = %v; pick %+v", challenge, retry, pick)
		}
		out := &Outgoing{Method: "POST", URL: u, Header: http.Header{}, Body: []byte(body)}
		if err := (digest{}).Authorize(out, creds, env, &Trace{}); err != nil {
			t.Fatalf("Authorize after %q: %v", challenge, err)
		}
		h := out.Header.Get("Authorization")
		if !retry {
			if h != "" {
				t.Fatalf("no challenge kept, yet Authorization %q", h)
			}
			return
		}
		m, ok := digestParseAuthorization(h)
		if !ok || m["realm"] != pick.chosen.realm || m["nonce"] != pick.chosen.nonce || m["uri"] != "/dir/index.html?q=1" {
			t.Fatalf("answer %q to %q does not parse back (%v)", h, challenge, m)
		}
		if strings.ContainsAny(h, "\r\n") && !strings.ContainsAny(challenge, "\r\n") {
			t.Fatalf("answer %q has a line break", h)
		}
		ex := &Exchange{Request: SentRequest{Method: "POST", URL: u, Header: out.Header},
			Response: &Response{Status: 401, Header: http.Header{"Www-Authenticate": {challenge}}}}
		Explain(ex, digest{}.Info(), time.Now())
	})
}

// FuzzDigestAuthorization: the parser of sent Digest credentials (used by
// the hints) never panics and returns lower-case names.
func FuzzDigestAuthorization(f *testing.F) {
	for _, s := range []string{
		`Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, nonce="7ypf", nc=00000001, cnonce="f2", qop=auth, response="8ca5", opaque="FQhe"`,
		`Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm="api@example.org"`,
		`Digest USERNAME="a", username="b"`,
		`Basic dXNlcjpwYXNz`,
		`Digest "`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		m, ok := digestParseAuthorization(v)
		if !ok && m != nil {
			t.Fatalf("digestParseAuthorization(%q) = %v, false", v, m)
		}
		for k := range m {
			if k != strings.ToLower(k) {
				t.Fatalf("digestParseAuthorization(%q): name %q not lower-cased", v, k)
			}
		}
	})
}
