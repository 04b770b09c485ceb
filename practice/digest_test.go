package practice

import (
	"context"
	"crypto/md5" //nolint:gosec // RFC 7616 test vectors
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/internal/testenv"
)

// digestExchange sends one request with authn's digest scheme on eng.
func digestExchange(t *testing.T, eng *authn.Engine, method, url, body string, fields map[string]string) (srvReply, *authn.Result) {
	t.Helper()
	f := map[string]string{"username": DemoUser, "password": DemoPassword}
	for k, v := range fields {
		f[k] = v
	}
	req := authn.Request{Method: method, URL: url, Scheme: "digest", Fields: f}
	if body != "" {
		req.Body = []byte(body)
		req.Header = http.Header{"Content-Type": {"application/json"}}
	}
	res, err := eng.Exchange(context.Background(), req)
	if err != nil {
		t.Fatalf("authn Exchange %s %s: %v", method, url, err)
	}
	fin := res.Final()
	if fin == nil || fin.Response == nil {
		t.Fatalf("authn Exchange %s %s: no response", method, url)
	}
	return decodeReply(t, fin.Response.Status, fin.Response.Header, fin.Response.Body), res
}

// digestRoles lists the roles of a result's exchanges.
func digestRoles(res *authn.Result) []string {
	var out []string
	for _, ex := range res.Exchanges {
		out = append(out, ex.Role)
	}
	return out
}

// digestClientValue returns the last client trace value labelled label
// (a " (pinned)" suffix ignored): the answer's, not the challenge's.
func digestClientValue(tr authn.Trace, label string) (string, bool) {
	text, ok := "", false
	for _, st := range tr.Steps {
		for _, v := range st.Values {
			if NormLabel(v.Label) == NormLabel(label) {
				text, ok = v.Text, true
			}
		}
	}
	return text, ok
}

// TestDigestPracticeEngine runs authn's digest scheme against /digest for
// every algorithm and qop: a challenge, then an accepted answer, with the
// server's HA2 and expected response equal to the client's.
func TestDigestPracticeEngine(t *testing.T) {
	ts := startServer(t, Options{})
	algs := []string{"MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess"}
	for _, alg := range algs {
		for _, qop := range []string{"auth", "auth-int", "none"} {
			name := alg + " qop=" + qop
			if strings.HasSuffix(alg, "-sess") && qop == "none" {
				continue // -sess needs a cnonce, which RFC 2069 answers lack: TestDigestPracticeStrict
			}
			method, body := "GET", ""
			if qop == "auth-int" {
				method, body = "POST", `{"note":"hashed too"}`
			}
			eng := authn.New(authn.Options{})
			r, res := digestExchange(t, eng, method, ts.URL+"/digest?algorithm="+alg+"&qop="+qop, body, nil)
			eng.Close()
			if r.status != 200 || r.trace.Verdict != "ok" {
				t.Errorf("%s: %d %s, verdict %q", name, r.status, r.body, r.trace.Verdict)
				continue
			}
			if got, want := digestRoles(res), []string{authn.RoleChallenge, authn.RoleRetry}; !slices.Equal(got, want) {
				t.Errorf("%s: roles %q; want %q", name, got, want)
			}
			labels := []string{"realm", "nonce", "uri", "method", "A2", "HA2", "response"}
			if qop != "none" {
				labels = append(labels, "qop", "nc", "cnonce")
			}
			if qop == "auth-int" {
				labels = append(labels, "H(entity-body)")
			}
			for _, label := range labels {
				c, ok1 := digestClientValue(res.Trace, label)
				s, ok2 := r.value(label)
				if !ok1 || !ok2 || c != s {
					t.Errorf("%s: %q: client %q (%v), server %q (%v)", name, label, c, ok1, s, ok2)
				}
			}
			ha1 := digestTestHA1(alg)
			for _, v := range r.trace.Values {
				if strings.Contains(v.Value, DemoPassword) || strings.Contains(v.Value, ha1) {
					t.Errorf("%s: server trace value %q = %q holds the password or HA1", name, v.Label, v.Value)
				}
			}
		}
	}
	// The default challenge offers SHA-256 then MD5: auto answers SHA-256.
	r, res := digestExchange(t, authn.New(authn.Options{}), "GET", ts.URL+"/digest", "", nil)
	if alg, _ := r.value("algorithm"); r.status != 200 || alg != "SHA-256" {
		t.Errorf("default /digest: %d, algorithm %q; want 200 and SHA-256", r.status, alg)
	}
	if q, _ := digestClientValue(res.Trace, "qop"); q != "auth" {
		t.Errorf("default /digest: qop %q; want auth", q)
	}
	// userhash=true: the username travels hashed, the server resolves it.
	r, res = digestExchange(t, authn.New(authn.Options{}), "GET", ts.URL+"/digest?userhash=true", "", nil)
	if uh, _ := r.value("userhash"); r.status != 200 || uh == "" || strings.Contains(res.Final().Request.Header.Get("Authorization"), `username="demo"`) {
		t.Errorf("userhash: %d, server userhash %q, sent %q", r.status, uh, res.Final().Request.Header.Get("Authorization"))
	}
}

// digestTestHA1 is the demo user's HA1 for MD5 or SHA-256 families (others
// only need a value that must not appear).
func digestTestHA1(alg string) string {
	a1 := DemoUser + ":" + DigestRealm + ":" + DemoPassword
	if strings.HasPrefix(alg, "MD5") {
		h := md5.Sum([]byte(a1))
		return hex.EncodeToString(h[:])
	}
	h := sha256.Sum256([]byte(a1))
	return hex.EncodeToString(h[:])
}

// digestTestHeader computes an Authorization value by hand (MD5 or
// SHA-256, qop auth), independent of authn, for requests the engine would
// never send.
func digestTestHeader(alg, user, pass, realm, nonce, opaque, method, uri, nc, cnonce string, extra ...string) string {
	H := func(s string) string {
		if alg == "MD5" {
			h := md5.Sum([]byte(s))
			return hex.EncodeToString(h[:])
		}
		h := sha256.Sum256([]byte(s))
		return hex.EncodeToString(h[:])
	}
	resp := H(H(user+":"+realm+":"+pass) + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + H(method+":"+uri))
	h := fmt.Sprintf(`Digest username="%s", realm="%s", uri="%s", algorithm=%s, nonce="%s", nc=%s, cnonce="%s", qop=auth, response="%s", opaque="%s"`,
		user, realm, uri, alg, nonce, nc, cnonce, resp, opaque)
	for _, e := range extra {
		h += ", " + e
	}
	return h
}

// digestTestChallenge fetches a challenge from url and returns its nonce
// and opaque, checking its shape.
func digestTestChallenge(t *testing.T, url string) (nonce, opaque string, r srvReply) {
	t.Helper()
	r = send(t, "GET", url, "")
	cs, err := authn.ParseChallenges(r.header.Values("WWW-Authenticate"))
	if r.status != 401 || err != nil || len(cs) == 0 {
		t.Fatalf("GET %s = %d, challenges %v (%v); want 401 with a Digest challenge", url, r.status, cs, err)
	}
	nonce, _ = cs[0].Param("nonce")
	opaque, _ = cs[0].Param("opaque")
	return nonce, opaque, r
}

// TestDigestPracticeStrict sends answers the engine never would and checks
// each is refused with the status and verdict that name the problem.
func TestDigestPracticeStrict(t *testing.T) {
	ts := startServer(t, Options{})
	nonce, opaque, r := digestTestChallenge(t, ts.URL+"/digest")
	cs, _ := authn.ParseChallenges(r.header.Values("WWW-Authenticate"))
	var algs []string
	for _, c := range cs {
		a, _ := c.Param("algorithm")
		algs = append(algs, a)
		if q, _ := c.Param("qop"); q != "auth, auth-int" || !c.Is("Digest") {
			t.Errorf("challenge %q: want Digest with qop \"auth, auth-int\"", c)
		}
	}
	if !slices.Equal(algs, []string{"SHA-256", "MD5"}) {
		t.Errorf("default challenges offer %q; want SHA-256 then MD5 (RFC 7616 §3.7)", algs)
	}
	if r.trace.Verdict == "" || !strings.Contains(r.body, `"error":"unauthorized"`) {
		t.Errorf("no credentials: verdict %q body %s", r.trace.Verdict, r.body)
	}

	good := func(extra ...string) string {
		return digestTestHeader("SHA-256", DemoUser, DemoPassword, DigestRealm, nonce, opaque, "GET", "/digest", "00000001", "abc", extra...)
	}
	if r := send(t, "GET", ts.URL+"/digest", "", "Authorization: "+good()); r.status != 200 || r.trace.Verdict != "ok" {
		t.Fatalf("hand-made answer: %d %s (%s)", r.status, r.body, r.trace.Verdict)
	}
	forged := strings.Replace(nonce, nonce[len(nonce)-4:], "AAAA", 1)
	for _, tt := range []struct {
		name, url, header string
		status            int
		verdict           string
		stale             bool
	}{
		{"replayed nc", "/digest", good(), 401, "nc replay", false},
		{"nc goes up", "/digest", digestTestHeader("SHA-256", DemoUser, DemoPassword, DigestRealm, nonce, opaque, "GET", "/digest", "00000003", "abc"), 200, "ok", false},
		{"nc goes down", "/digest", digestTestHeader("SHA-256", DemoUser, DemoPassword, DigestRealm, nonce, opaque, "GET", "/digest", "00000002", "abc"), 401, "nc replay", false},
		{"wrong password", "/digest", digestTestHeader("SHA-256", DemoUser, "nope", DigestRealm, nonce, opaque, "GET", "/digest", "00000009", "abc"), 401, "response mismatch", false},
		{"forged nonce", "/digest", digestTestHeader("SHA-256", DemoUser, DemoPassword, DigestRealm, forged, opaque, "GET", "/digest", "00000001", "abc"), 401, "not a nonce this server issued", false},
		{"uri is not the request-target", "/digest?x=1", good(), 400, "is not the request-target", false},
		{"realm mismatch", "/digest", digestTestHeader("SHA-256", DemoUser, DemoPassword, "other", nonce, opaque, "GET", "/digest", "00000001", "abc"), 401, "realm mismatch", false},
		{"algorithm not offered", "/digest?algorithm=SHA-512-256", digestTestHeader("SHA-256", DemoUser, DemoPassword, DigestRealm, nonce, opaque, "GET", "/digest?algorithm=SHA-512-256", "00000001", "abc"), 401, "was not offered", false},
		{"opaque changed", "/digest", digestTestHeader("SHA-256", DemoUser, DemoPassword, DigestRealm, nonce, "x", "GET", "/digest", "00000011", "abc"), 401, "opaque", false},
		{"unknown user", "/digest", digestTestHeader("SHA-256", "mallory", DemoPassword, DigestRealm, nonce, opaque, "GET", "/digest", "00000012", "abc"), 401, "unknown user", false},
		{"bad nc", "/digest", strings.Replace(good(), "nc=00000001", "nc=1", 1), 400, "8 hexadecimal digits", false},
		{"duplicate parameter", "/digest", good(`realm="x"`), 400, "appears twice", false},
		{"missing response", "/digest", `Digest username="demo", realm="` + DigestRealm + `", nonce="` + nonce + `", uri="/digest"`, 400, "response parameter is missing", false},
		{"Basic instead", "/digest", "Basic ZGVtbzpkZW1vLXBhc3N3b3Jk", 401, "uses Basic, not Digest", false},
		{"qop not offered", "/digest?qop=auth-int", digestTestHeader("SHA-256", DemoUser, DemoPassword, DigestRealm, nonce, opaque, "GET", "/digest?qop=auth-int", "00000001", "abc"), 401, "not offered", false},
		{"bad query", "/digest?algorithm=SHA-1", good(), 400, "unknown algorithm", false},
		{"-sess without qop", "/digest?algorithm=MD5-sess&qop=none", good(), 400, "needs qop", false},
	} {
		r := send(t, "GET", ts.URL+tt.url, "", "Authorization: "+tt.header)
		if r.status != tt.status || !strings.Contains(r.trace.Verdict, tt.verdict) {
			t.Errorf("%s: %d verdict %q; want %d and %q", tt.name, r.status, r.trace.Verdict, tt.status, tt.verdict)
		}
		if tt.status == 401 && len(r.header.Values("WWW-Authenticate")) == 0 {
			t.Errorf("%s: 401 without a challenge", tt.name)
		}
		if tt.status != 200 && (!strings.Contains(r.body, `"error":`) || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json")) {
			t.Errorf("%s: body %q (%s); want a JSON error", tt.name, r.body, r.header.Get("Content-Type"))
		}
	}
}

// TestDigestPracticeNonceCount: two calls on one engine — the second is one
// pre-emptive exchange with nc=00000002, and replaying it is refused.
func TestDigestPracticeNonceCount(t *testing.T) {
	ts := startServer(t, Options{})
	eng := authn.New(authn.Options{})
	defer eng.Close()
	if r, res := digestExchange(t, eng, "GET", ts.URL+"/digest", "", nil); r.status != 200 || len(res.Exchanges) != 2 {
		t.Fatalf("first call: %d, roles %q", r.status, digestRoles(res))
	}
	r, res := digestExchange(t, eng, "GET", ts.URL+"/digest", "", nil)
	if got, want := digestRoles(res), []string{authn.RoleRequest}; r.status != 200 || !slices.Equal(got, want) {
		t.Fatalf("second call: %d, roles %q; want 200 and %q", r.status, got, want)
	}
	if nc, _ := r.value("nc"); nc != "00000002" {
		t.Errorf("second call: server saw nc %q; want 00000002", nc)
	}
	if seen, _ := r.value("highest nc seen"); seen != "00000001" {
		t.Errorf("second call: highest nc seen before %q; want 00000001", seen)
	}
	replay := send(t, "GET", ts.URL+"/digest", "", "Authorization: "+res.Final().Request.Header.Get("Authorization"))
	if replay.status != 401 || !strings.Contains(replay.trace.Verdict, "nc replay") {
		t.Errorf("replayed answer: %d %q; want 401 nc replay", replay.status, replay.trace.Verdict)
	}
}

// TestDigestPracticeStale: a nonce older than DigestNonceLifetime is
// answered with stale=true; the engine takes the new nonce in one extra
// exchange and succeeds, without blaming the password.
func TestDigestPracticeStale(t *testing.T) {
	var now atomic.Int64
	now.Store(srvNow.Unix())
	logs := &syncBuffer{}
	ts := startServer(t, Options{Now: func() time.Time { return time.Unix(now.Load(), 0) }, Log: logs})
	eng := authn.New(authn.Options{})
	defer eng.Close()
	if r, _ := digestExchange(t, eng, "GET", ts.URL+"/digest", "", nil); r.status != 200 {
		t.Fatalf("first call: %d", r.status)
	}
	now.Add(int64((DigestNonceLifetime + time.Minute) / time.Second))
	r, res := digestExchange(t, eng, "GET", ts.URL+"/digest", "", nil)
	if got, want := digestRoles(res), []string{authn.RoleRequest, authn.RoleRetry}; r.status != 200 || !slices.Equal(got, want) {
		t.Fatalf("after expiry: %d, roles %q; want 200 and %q", r.status, got, want)
	}
	first := res.Exchanges[0].Response
	if first.Status != 401 || !strings.Contains(strings.Join(first.Header.Values("WWW-Authenticate"), " "), "stale=true") {
		t.Errorf("stale exchange: %d %q; want 401 with stale=true", first.Status, first.Header.Values("WWW-Authenticate"))
	}
	if nc, _ := r.value("nc"); nc != "00000001" {
		t.Errorf("answer to the new nonce: nc %q; want 00000001", nc)
	}
	log := logs.String()
	if !strings.Contains(log, "GET /digest → 401\n  verdict: stale nonce") || !strings.Contains(log, "GET /digest → 200\n  verdict: ok") || strings.Contains(log, DemoPassword) {
		t.Errorf("log:\n%s\nwant the stale 401 and the 200, and never the password", log)
	}
}

// TestDigestPracticeWrongPassword: 401 after the answer, no third exchange,
// the server names the mismatch and authn's hint blames the password.
func TestDigestPracticeWrongPassword(t *testing.T) {
	ts := startServer(t, Options{})
	r, res := digestExchange(t, authn.New(authn.Options{}), "GET", ts.URL+"/digest", "", map[string]string{"password": "demo-passwort"})
	if got, want := digestRoles(res), []string{authn.RoleChallenge, authn.RoleRetry}; r.status != 401 || !slices.Equal(got, want) {
		t.Fatalf("wrong password: %d, roles %q; want 401 and %q", r.status, got, want)
	}
	if !strings.Contains(r.trace.Verdict, "response mismatch") {
		t.Errorf("verdict %q; want a response mismatch", r.trace.Verdict)
	}
	if len(res.Hints) == 0 || res.Hints[0].Title != "Digest answer refused · wrong password or username" {
		t.Errorf("hints %+v; want the Digest wrong-password hint first", res.Hints)
	}
	c, _ := digestClientValue(res.Trace, "response")
	s, _ := r.value("response")
	h1, _ := digestClientValue(res.Trace, "HA2")
	h2, _ := r.value("HA2")
	if c == s || h1 != h2 {
		t.Errorf("client response %q vs server %q, HA2 %q vs %q: want responses to differ and HA2 to agree", c, s, h1, h2)
	}
}

// TestDigestPracticeNCBounded: the nc table stays bounded; a nonce whose
// entry was evicted is answered stale, never accepted blindly.
func TestDigestPracticeNCBounded(t *testing.T) {
	s := New(Options{Now: func() time.Time { return srvNow }})
	v := newDigestVerifier(s, 2, 4)
	const c = "192.0.2.1"
	n1, n2, n3 := v.newNonce(c), v.newNonce(c), v.newNonce(c)
	ts := srvNow.Unix()
	for _, n := range []string{n1, n2, n3} {
		if _, ok, _ := v.takeNC(c, n, ts, 1); !ok {
			t.Fatalf("takeNC(%s, 1) refused", n)
		}
	}
	if parts, entries := v.seen.stats(); parts != 1 || entries != 2 {
		t.Errorf("table holds %d nonces in %d partitions; want 2 in 1", entries, parts)
	}
	if _, ok, forgotten := v.takeNC(c, n1, ts, 2); ok || !forgotten {
		t.Errorf("evicted nonce: ok %v forgotten %v; want refused as forgotten", ok, forgotten)
	}
	if _, ok, _ := v.takeNC(c, n3, ts, 1); ok {
		t.Errorf("takeNC(n3, 1) twice accepted")
	}
}

// TestDigestPracticeCurl: curl --digest, a client no one here wrote, is
// accepted with the right password and refused with a wrong one.
func TestDigestPracticeCurl(t *testing.T) {
	curl := testenv.Program(t, "curl", "curl")
	ts := startServer(t, Options{Now: time.Now})
	for _, tt := range []struct {
		userpass, path, status, body string
	}{
		{"demo:demo-password", "/digest", "200", `{"ok":true,"user":"demo","algorithm":"SHA-256","qop":"auth","nc":"00000001"}`},
		{"demo:demo-password", "/digest?algorithm=MD5", "200", `{"ok":true,"user":"demo","algorithm":"MD5",…`},
		{"demo:demo-password", "/digest?qop=none", "200", `{"ok":true,"user":"demo","algorithm":"SHA-256"}`},
		{"demo:wrong", "/digest", "401", `{"ok":false,"error":"unauthorized","message":"response mismatch…`},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		out, err := exec.CommandContext(ctx, curl, "-sS", "--noproxy", "*", "--digest", "-u", tt.userpass,
			"-w", "\n%{http_code}", ts.URL+tt.path).Output()
		cancel()
		if err != nil {
			t.Fatalf("curl --digest -u %s %s: %v", tt.userpass, tt.path, err)
		}
		body, code, _ := strings.Cut(string(out), "\n")
		if code != tt.status || !matchBody(body, tt.body) {
			t.Errorf("curl --digest -u %s %s = %s %s; want %s %s", tt.userpass, tt.path, code, body, tt.status, tt.body)
		}
	}
}
