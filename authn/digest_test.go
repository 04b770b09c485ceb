package authn

import (
	"context"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// digestRun answers challenges for target as the engine would: Prepare,
// Answer the 401, then Authorize n requests, returning the Authorization
// headers sent and the trace.
func digestRun(t *testing.T, challenges []string, fields map[string]string, method, target string, body []byte, n int) ([]string, *Trace) {
	t.Helper()
	creds, err := digest{}.Info().Validate(fields)
	if err != nil {
		t.Fatalf("Validate(%v): %v", fields, err)
	}
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	tr := &Trace{}
	env := Env{Now: time.Now, Rand: rand.Reader, Session: &Session{}}
	call := &Call{Creds: creds, Env: env, Trace: tr, Method: method, URL: u, Role: RoleRequest}
	if err := (digest{}).Prepare(context.Background(), call); err != nil {
		t.Fatal(err)
	}
	if call.Role != RoleChallenge {
		t.Fatalf("Prepare with an empty session: role %q; want %q", call.Role, RoleChallenge)
	}
	first := &Outgoing{Method: method, URL: u, Header: http.Header{}, Body: body}
	if err := (digest{}).Authorize(first, creds, env, tr); err != nil {
		t.Fatal(err)
	}
	if len(first.Added) != 0 || first.Header.Get("Authorization") != "" {
		t.Fatalf("Authorize before any challenge added %v; want nothing", first.Added)
	}
	resp := &Response{Status: 401, Header: http.Header{"Www-Authenticate": challenges}}
	retry, err := digest{}.Answer(context.Background(), call, resp)
	if err != nil || !retry {
		t.Fatalf("Answer(%q) = %v, %v; want true, nil", challenges, retry, err)
	}
	var out []string
	for range n {
		o := &Outgoing{Method: method, URL: u, Header: http.Header{}, Body: body}
		if err := (digest{}).Authorize(o, creds, env, tr); err != nil {
			t.Fatal(err)
		}
		out = append(out, o.Header.Get("Authorization"))
	}
	return out, tr
}

// digestParam returns one parameter of an Authorization value.
func digestParam(t *testing.T, h, name string) string {
	t.Helper()
	m, ok := digestParseAuthorization(h)
	if !ok {
		t.Fatalf("%q is not a Digest credential", h)
	}
	return m[name]
}

// The challenges of RFC 7616 §3.9.1, SHA-256 first as the RFC prints them.
var digestRFC7616Challenges = []string{
	`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
	`Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
}

const digestRFC7616Cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

// TestDigestRFC7616Examples checks the complete Authorization headers of
// RFC 7616 §3.9.1 (published values), parameter for parameter and in the
// RFC's order.
func TestDigestRFC7616Examples(t *testing.T) {
	for _, tt := range []struct {
		algorithm string
		want      string
	}{
		{"MD5", `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`},
		// auto: SHA-256 is the strongest offered.
		{"auto", `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`},
	} {
		got, _ := digestRun(t, digestRFC7616Challenges,
			map[string]string{"username": "Mufasa", "password": "Circle of Life", "cnonce": digestRFC7616Cnonce, "algorithm": tt.algorithm},
			"GET", "http://www.example.org/dir/index.html", nil, 1)
		if got[0] != tt.want {
			t.Errorf("algorithm=%s: Authorization\n got %q\nwant %q", tt.algorithm, got[0], tt.want)
		}
	}
}

// TestDigestRFC2617Example checks RFC 2617 §3.5: no algorithm parameter
// (MD5), qop="auth,auth-int" answered with auth.
func TestDigestRFC2617Example(t *testing.T) {
	got, _ := digestRun(t,
		[]string{`Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`},
		map[string]string{"username": "Mufasa", "password": "Circle Of Life", "cnonce": "0a4f113b"},
		"GET", "http://www.nowhere.org/dir/index.html", nil, 1)
	want := map[string]string{"username": "Mufasa", "realm": "testrealm@host.com", "nonce": "dcd98b7102dd2f0e8b11d0f600bfb0c093",
		"uri": "/dir/index.html", "qop": "auth", "nc": "00000001", "cnonce": "0a4f113b",
		"response": "6629fae49393a05397450978507c4ef1", "opaque": "5ccc069c403ebaf9f0171e9517f40e41"}
	m, ok := digestParseAuthorization(got[0])
	if !ok || !maps.Equal(m, want) {
		t.Errorf("Authorization %q\nparams %v\n  want %v", got[0], m, want)
	}
	if strings.Contains(got[0], "algorithm=") {
		t.Errorf("Authorization %q has an algorithm, but the challenge had none (RFC 2617 §3.5 sends none)", got[0])
	}
}

// TestDigestRFC7616Userhash uses the inputs of RFC 7616 §3.9.2 (SHA-512-256,
// userhash, a non-ASCII username). The RFC prints userhash 488869…54ec and
// response ae66e6…79dd, but those are SHA-512 truncated to 256 bits, not
// SHA-512/256 of FIPS 180-4 (different initial values), which RFC 7616 §6.1
// registers; the test proves both facts. The expected values were computed
// with Python's hashlib.new("sha512_256"), independently of Go.
func TestDigestRFC7616Userhash(t *testing.T) {
	const (
		user, pass, realm = "Jäsøn Doe", "Secret, or not?", "api@example.org"
		nonce             = "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK"
		cnonce            = "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v"
		wantUserhash      = "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b"
		wantResponse      = "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5"
		rfcUserhash       = "488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec"
		rfcResponse       = "ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd"
	)
	challenge := `Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", charset=UTF-8, userhash=true`
	fields := map[string]string{"username": user, "password": pass, "cnonce": cnonce}
	got, _ := digestRun(t, []string{challenge}, fields, "GET", "http://api.example.org/doe.json", nil, 1)
	want := `Digest username="` + wantUserhash + `", realm="api@example.org", uri="/doe.json", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", nc=00000001, cnonce="NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", qop=auth, response="` + wantResponse + `", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", userhash=true`
	if got[0] != want {
		t.Errorf("userhash Authorization\n got %q\nwant %q", got[0], want)
	}

	// Without userhash the username goes as username* (RFC 8187), exactly as
	// the RFC prints it, and the response does not change.
	noHash := strings.Replace(challenge, "userhash=true", "userhash=false", 1)
	got, _ = digestRun(t, []string{noHash}, fields, "GET", "http://api.example.org/doe.json", nil, 1)
	if !strings.HasPrefix(got[0], `Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm="api@example.org"`) || digestParam(t, got[0], "response") != wantResponse {
		t.Errorf("username* Authorization = %q; want username*=UTF-8''J%%C3%%A4s%%C3%%B8n%%20Doe and response %s", got[0], wantResponse)
	}

	// The RFC's printed values: SHA-512, cut to 32 bytes.
	trunc := func(s string) string { h := sha512.Sum512([]byte(s)); return hex.EncodeToString(h[:32]) }
	if g := trunc(user + ":" + realm); g != rfcUserhash {
		t.Errorf("truncated SHA-512 userhash = %s; want the RFC's %s", g, rfcUserhash)
	}
	ha1, ha2 := trunc(user+":"+realm+":"+pass), trunc("GET:/doe.json")
	if g := trunc(ha1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + ha2); g != rfcResponse {
		t.Errorf("truncated SHA-512 response = %s; want the RFC's %s", g, rfcResponse)
	}
}

// TestDigestComputedVectors covers what the RFCs print no example of:
// RFC 2069 mode, -sess, auth-int, SHA-512-256 and nc > 1. Expected values
// were computed with Python's hashlib from the formulas of RFC 7616 §3.4.
func TestDigestComputedVectors(t *testing.T) {
	const rfc2617 = `realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`
	const rfc7616 = `realm="http-auth@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`
	for _, tt := range []struct {
		name, challenge, user, pass, cnonce, method, target, body string
		n                                                         int // answer the n-th request
		want                                                      string
	}{
		{"RFC 2069 (no qop)", "Digest " + rfc2617, "Mufasa", "Circle Of Life", "0a4f113b", "GET", "/dir/index.html", "", 1, "670fd8c2df070c60b045671b8b24ff02"},
		{"MD5-sess", `Digest qop="auth", algorithm=MD5-sess, ` + rfc2617, "Mufasa", "Circle Of Life", "0a4f113b", "GET", "/dir/index.html", "", 1, "8e3825c57e897f5a0dec6c2d4e5059d0"},
		{"auth-int POST, nc=2", `Digest qop="auth-int", ` + rfc2617, "Mufasa", "Circle Of Life", "0a4f113b", "POST", "/dir/index.html", `{"hello":"world"}`, 2, "c1b0b51d4fea9a146004faa0c6e02799"},
		{"SHA-256-sess", `Digest qop="auth", algorithm=SHA-256-sess, ` + rfc7616, "Mufasa", "Circle of Life", digestRFC7616Cnonce, "GET", "/dir/index.html", "", 1, "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7"},
		{"SHA-512-256", `Digest qop="auth", algorithm=SHA-512-256, ` + rfc7616, "Mufasa", "Circle of Life", digestRFC7616Cnonce, "GET", "/dir/index.html", "", 1, "430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0"},
		{"SHA-512-256-sess auth-int, empty body", `Digest qop="auth-int", algorithm=SHA-512-256-sess, ` + rfc7616, "Mufasa", "Circle of Life", digestRFC7616Cnonce, "GET", "/dir/index.html", "", 1, "1e68177aa6f998392db08ac130e9e08b7cf8c081a506e608d436be3e224f57ab"},
	} {
		got, _ := digestRun(t, []string{tt.challenge}, map[string]string{"username": tt.user, "password": tt.pass, "cnonce": tt.cnonce},
			tt.method, "http://example.org"+tt.target, []byte(tt.body), tt.n)
		h := got[tt.n-1]
		if r := digestParam(t, h, "response"); r != tt.want {
			t.Errorf("%s: response = %s; want %s\n(%s)", tt.name, r, tt.want, h)
		}
		if tt.name == "RFC 2069 (no qop)" && (strings.Contains(h, "nc=") || strings.Contains(h, "cnonce=") || strings.Contains(h, "qop=")) {
			t.Errorf("%s: %q carries nc, cnonce or qop; RFC 2069 has none", tt.name, h)
		}
	}
}

// TestDigestNonceCount: nc counts the requests made with one nonce, and
// concurrent requests never share a count (Session.Update).
func TestDigestNonceCount(t *testing.T) {
	got, _ := digestRun(t, digestRFC7616Challenges, map[string]string{"username": "Mufasa", "password": "p"}, "GET", "http://example.org/", nil, 3)
	for i, h := range got {
		want := []string{"00000001", "00000002", "00000003"}[i]
		if nc := digestParam(t, h, "nc"); nc != want {
			t.Errorf("request %d: nc = %s; want %s", i+1, nc, want)
		}
	}
	if digestParam(t, got[0], "cnonce") == digestParam(t, got[1], "cnonce") {
		t.Errorf("two requests share the random cnonce %q", digestParam(t, got[0], "cnonce"))
	}

	// Concurrent sends on one session: 64 distinct counts, 1…64.
	creds, _ := digest{}.Info().Validate(map[string]string{"username": "u", "password": "p"})
	u, _ := url.Parse("http://example.org/x")
	env := Env{Now: time.Now, Rand: rand.Reader, Session: &Session{}}
	call := &Call{Creds: creds, Env: env, Trace: &Trace{}, Method: "GET", URL: u, Role: RoleChallenge}
	if ok, err := (digest{}).Answer(context.Background(), call, &Response{Status: 401, Header: http.Header{"Www-Authenticate": digestRFC7616Challenges}}); !ok || err != nil {
		t.Fatalf("Answer = %v, %v", ok, err)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			o := &Outgoing{Method: "GET", URL: u, Header: http.Header{}}
			if err := (digest{}).Authorize(o, creds, env, &Trace{}); err != nil {
				t.Error(err)
				return
			}
			m, _ := digestParseAuthorization(o.Header.Get("Authorization"))
			mu.Lock()
			seen[m["nc"]] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	for i := 1; i <= 64; i++ {
		if nc := digestNC(uint32(i)); !seen[nc] {
			t.Errorf("concurrent sends: nc %s never used (%d distinct counts)", nc, len(seen))
		}
	}
}

// TestDigestSessKeepsFirstCnonce: for -sess, HA1 is made with the first
// cnonce sent with a nonce (RFC 7616 §3.4.2), so later requests reuse it.
func TestDigestSessKeepsFirstCnonce(t *testing.T) {
	got, _ := digestRun(t, []string{`Digest realm="r", nonce="n", qop="auth", algorithm=MD5-sess`},
		map[string]string{"username": "u", "password": "p"}, "GET", "http://example.org/", nil, 2)
	if a, b := digestParam(t, got[0], "cnonce"), digestParam(t, got[1], "cnonce"); a != b || a == "" {
		t.Errorf("MD5-sess cnonces %q, %q; want the first one repeated", a, b)
	}
}

// TestDigestAnswerRules pins when Answer asks for the request again.
func TestDigestAnswerRules(t *testing.T) {
	const ok = `Digest realm="r", nonce="n2", qop="auth", algorithm=SHA-256`
	for _, tt := range []struct {
		name      string
		role      string
		status    int
		chal      []string
		fields    map[string]string
		retry     bool
		errField  string
		traceWord string // a word the last trace step's title has
	}{
		{"challenge answered", RoleChallenge, 401, []string{ok}, nil, true, "", "Read the Digest challenge"},
		{"kept challenge refused", RoleRequest, 401, []string{ok}, nil, true, "", "kept challenge was refused"},
		{"stale after an answer", RoleRetry, 401, []string{ok + `, stale=true`}, nil, true, "", "stale=true"},
		{"wrong password", RoleRetry, 401, []string{ok}, nil, false, "", "refused the answer"},
		{"not a 401", RoleChallenge, 200, []string{ok}, nil, false, "", ""},
		{"Basic only", RoleChallenge, 401, []string{`Basic realm="r"`}, nil, false, "", ""},
		{"unsupported algorithm", RoleChallenge, 401, []string{`Digest realm="r", nonce="n", algorithm=SHA-1`}, nil, false, "", "authlab can answer"},
		{"no nonce", RoleChallenge, 401, []string{`Digest realm="r"`}, nil, false, "", "Unusable"},
		{"unknown qop", RoleChallenge, 401, []string{`Digest realm="r", nonce="n", qop="auth-conf"`}, nil, false, "", "No quality of protection"},
		{"algorithm not offered", RoleChallenge, 401, []string{ok}, map[string]string{"algorithm": "MD5"}, false, "algorithm", ""},
		{"qop not offered", RoleChallenge, 401, []string{ok}, map[string]string{"qop": "auth-int"}, false, "qop", ""},
	} {
		f := map[string]string{"username": "u", "password": "p"}
		maps.Copy(f, tt.fields)
		creds, err := digest{}.Info().Validate(f)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse("http://example.org/")
		tr := &Trace{}
		call := &Call{Creds: creds, Env: Env{Now: time.Now, Rand: rand.Reader, Session: &Session{}}, Trace: tr, Method: "GET", URL: u, Role: tt.role}
		retry, err := digest{}.Answer(context.Background(), call, &Response{Status: tt.status, Header: http.Header{"Www-Authenticate": tt.chal}})
		var ie *InputError
		switch {
		case tt.errField != "":
			if !errors.As(err, &ie) || ie.Field != tt.errField {
				t.Errorf("%s: Answer error = %v; want an InputError for field %q", tt.name, err, tt.errField)
			}
		case err != nil:
			t.Errorf("%s: Answer error = %v", tt.name, err)
		}
		if retry != tt.retry {
			t.Errorf("%s: Answer retry = %v; want %v", tt.name, retry, tt.retry)
		}
		if tt.traceWord != "" && (len(tr.Steps) == 0 || !strings.Contains(tr.Steps[len(tr.Steps)-1].Title, tt.traceWord)) {
			t.Errorf("%s: trace %+v; want a last step about %q", tt.name, tr.Steps, tt.traceWord)
		}
	}
}

// TestDigestTraceSecrets: the trace shows every value, and everything
// derived from the password (A1, HA1, the response data, the response, the
// header) is Secret and masked without revealing the password or HA1.
func TestDigestTraceSecrets(t *testing.T) {
	const pass = "Circle of Life"
	hs, tr := digestRun(t, digestRFC7616Challenges,
		map[string]string{"username": "Mufasa", "password": pass, "cnonce": digestRFC7616Cnonce},
		"GET", "http://www.example.org/dir/index.html", nil, 1)
	ha1 := digestAlgs[2].H("Mufasa:http-auth@example.org:" + pass)
	labels := map[string]Value{}
	for _, st := range tr.Steps {
		if !strings.Contains(st.Ref, "RFC") {
			t.Errorf("step %q cites no RFC: %q", st.Title, st.Ref)
		}
		for _, v := range st.Values {
			labels[v.Label] = v
			shown := v.Shown(false)
			if strings.Contains(shown, pass) || strings.Contains(shown, ha1) {
				t.Errorf("value %q shows %q: it reveals the password or HA1", v.Label, shown)
			}
			if !v.Secret && (strings.Contains(v.Text, pass) || strings.Contains(v.Text, ha1)) {
				t.Errorf("value %q = %q is not Secret but holds the password or HA1", v.Label, v.Text)
			}
		}
	}
	for label, secret := range map[string]bool{"realm": false, "nonce": false, "nc": false, "cnonce (pinned)": false, "uri": false,
		"A1": true, "HA1": true, "A2": false, "HA2": false, "response data": true, "response": true, "Authorization": true, "WWW-Authenticate": false} {
		v, ok := labels[label]
		if !ok {
			t.Errorf("trace has no value %q", label)
			continue
		}
		if v.Secret != secret {
			t.Errorf("value %q: Secret = %v; want %v", label, v.Secret, secret)
		}
	}
	if v := labels["HA1"]; v.Text != ha1 {
		t.Errorf("HA1 = %q; want %q", v.Text, ha1)
	}
	if v := labels["A1"]; v.Shown(false) != "Mufasa:http-auth@example.org:"+Mask("") {
		t.Errorf("A1 masked = %q", v.Shown(false))
	}
	if v := labels["response"]; v.Text != "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1" {
		t.Errorf("response = %q", v.Text)
	}
	if v := labels["Authorization"]; v.Text != hs[0] || strings.Contains(v.Shown(false), "753927fa") || !strings.Contains(v.Shown(false), `nc=00000001`) {
		t.Errorf("Authorization value %q shown as %q; want the header, with only the response masked", v.Text, v.Shown(false))
	}
	if v := labels["response data"]; !strings.HasSuffix(v.Shown(false), ":7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v:00000001:"+digestRFC7616Cnonce+":auth:"+labels["HA2"].Text) {
		t.Errorf("response data shown as %q; want the formula filled in with HA1 masked", v.Shown(false))
	}
}

// TestDigestAlgorithmChoice: the strongest supported challenge wins
// whatever the order; unsupported ones are skipped.
func TestDigestAlgorithmChoice(t *testing.T) {
	mk := func(alg string) string { return `Digest realm="r", nonce="n", qop="auth", algorithm=` + alg }
	for _, tt := range []struct {
		offered []string
		want    string
	}{
		{[]string{mk("MD5"), mk("SHA-256")}, "SHA-256"},
		{[]string{mk("MD5"), mk("SHA-512-256"), mk("SHA-256")}, "SHA-512-256"},
		{[]string{mk("SHA-1"), mk("md5-sess")}, "MD5-sess"},
		{[]string{`Basic realm="r"`, `Digest realm="r", nonce="n"`}, "MD5"},
		{[]string{mk("SHA-256-sess"), mk("SHA-256")}, "SHA-256-sess"}, // a tie: the server's order
	} {
		p := digestPick(digestChallenges(tt.offered), "auto")
		if !p.ok || p.chosen.alg.name != tt.want {
			t.Errorf("digestPick(%q) = %q (%v); want %q", tt.offered, p.chosen.alg.name, p.ok, tt.want)
		}
	}
}

// TestDigestBadInput: fields that cannot be sent are refused with the field.
func TestDigestBadInput(t *testing.T) {
	for _, tt := range []struct {
		fields map[string]string
		field  string
	}{
		{map[string]string{"username": "u\x01", "password": "p"}, "username"},
		{map[string]string{"username": "u", "password": "p\xff"}, "password"},
		{map[string]string{"username": "u", "password": "p", "cnonce": `a"b`}, "cnonce"},
	} {
		creds, err := digest{}.Info().Validate(tt.fields)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse("http://example.org/")
		err = digest{}.Authorize(&Outgoing{Method: "GET", URL: u, Header: http.Header{}}, creds, Env{Rand: rand.Reader, Session: &Session{}}, &Trace{})
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != tt.field {
			t.Errorf("Authorize(%q) = %v; want an InputError for %q", tt.fields, err, tt.field)
		}
	}
	if _, err := (digest{}).Info().Validate(map[string]string{"username": "u", "algorithm": "SHA-1"}); err == nil {
		t.Errorf("Validate(algorithm=SHA-1) = nil; want an error listing the allowed algorithms")
	}
}
