package authn

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// digestRoles lists the roles of a result's exchanges.
func digestRoles(res *Result) []string {
	var out []string
	for _, ex := range res.Exchanges {
		out = append(out, ex.Role)
	}
	return out
}

// digestHintTitles lists a result's hint titles.
func digestHintTitles(res *Result) []string {
	var out []string
	for _, h := range res.Hints {
		out = append(out, h.Title)
	}
	return out
}

// TestDigestEngineHTTPBin runs the engine against go-httpbin's Digest
// endpoints (an independent server implementation): the first call costs a
// challenge round trip, the second call on the same engine answers
// pre-emptively with nc=00000002, and a wrong password ends in 401 with the
// Digest wrong-password hint and no second retry.
func TestDigestEngineHTTPBin(t *testing.T) {
	srv := httptest.NewServer(httpbin.New().Handler())
	defer srv.Close()
	for _, alg := range []string{"MD5", "SHA-256"} {
		e := New(Options{})
		req := Request{URL: srv.URL + "/digest-auth/auth/u/p/" + alg, Scheme: "digest", Fields: map[string]string{"username": "u", "password": "p"}}
		res, err := e.Exchange(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		if got, want := digestRoles(res), []string{RoleChallenge, RoleRetry}; !slices.Equal(got, want) {
			t.Fatalf("%s: roles = %q; want %q", alg, got, want)
		}
		if st := res.Final().Response.Status; st != 200 || !strings.Contains(string(res.Final().Response.Body), `"authenticated": true`) {
			t.Errorf("%s: final = %d %s; want 200 authenticated", alg, st, res.Final().Response.Body)
		}
		if h := res.Exchanges[0].Request.Header.Get("Authorization"); h != "" {
			t.Errorf("%s: the challenge exchange sent Authorization %q; want none", alg, h)
		}
		sent := res.Final().Request.Header.Get("Authorization")
		if digestParam(t, sent, "nc") != "00000001" || digestParam(t, sent, "algorithm") != alg {
			t.Errorf("%s: answer %q; want nc=00000001 and algorithm=%s", alg, sent, alg)
		}
		if got := res.Final().Request.DisplayHeader(false).Get("Authorization"); strings.Contains(got, digestParam(t, sent, "response")) {
			t.Errorf("%s: displayed Authorization %q shows the response", alg, got)
		}

		// Same engine and credentials: one exchange, pre-emptive, nc 2.
		res, err = e.Exchange(context.Background(), req)
		if err != nil {
			t.Fatalf("%s second call: %v", alg, err)
		}
		if got, want := digestRoles(res), []string{RoleRequest}; !slices.Equal(got, want) {
			t.Fatalf("%s second call: roles = %q; want %q", alg, got, want)
		}
		sent2 := res.Final().Request.Header.Get("Authorization")
		if nc := digestParam(t, sent2, "nc"); nc != "00000002" || res.Final().Response.Status != 200 {
			t.Errorf("%s second call: nc %s, status %d; want 00000002 and 200", alg, nc, res.Final().Response.Status)
		}
		if digestParam(t, sent2, "nonce") != digestParam(t, sent, "nonce") || digestParam(t, sent2, "cnonce") == digestParam(t, sent, "cnonce") {
			t.Errorf("%s second call: %q; want the same nonce and a new cnonce as %q", alg, sent2, sent)
		}
		e.Close()

		// Wrong password: challenge, answer, 401, stop.
		e = New(Options{})
		bad := req
		bad.Fields = map[string]string{"username": "u", "password": "wrong"}
		res, err = e.Exchange(context.Background(), bad)
		if err != nil {
			t.Fatalf("%s wrong password: %v", alg, err)
		}
		if got, want := digestRoles(res), []string{RoleChallenge, RoleRetry}; !slices.Equal(got, want) || res.Final().Response.Status != 401 {
			t.Fatalf("%s wrong password: roles %q, status %d; want %q and 401", alg, got, res.Final().Response.Status, want)
		}
		if titles := digestHintTitles(res); len(titles) == 0 || titles[0] != digestHintWrongPassword {
			t.Errorf("%s wrong password: hints %q; want %q first", alg, titles, digestHintWrongPassword)
		}
		e.Close()
	}
}

// TestDigestEngineStaleAndRealms uses a small RFC 7616 server that can
// expire its nonce (stale=true) and has two realms on one origin.
func TestDigestEngineStaleAndRealms(t *testing.T) {
	var nonce atomic.Int64
	nonce.Store(1)
	var hits atomic.Int64
	check := func(w http.ResponseWriter, r *http.Request, realm string) {
		hits.Add(1)
		n := "n" + string(rune('0'+nonce.Load()))
		chal := `Digest realm="` + realm + `", qop="auth", algorithm=SHA-256, nonce="` + n + `"`
		m, ok := digestParseAuthorization(r.Header.Get("Authorization"))
		if !ok {
			w.Header().Set("WWW-Authenticate", chal)
			w.WriteHeader(401)
			return
		}
		if m["nonce"] != n {
			w.Header().Set("WWW-Authenticate", chal+", stale=true")
			w.WriteHeader(401)
			return
		}
		alg, _ := digestLookupAlg("SHA-256")
		want := digestCompute(digestInput{alg: alg, username: "u", password: "p", realm: realm, nonce: n, method: r.Method,
			uri: r.RequestURI, qop: "auth", nc: 1, cnonce: m["cnonce"]})
		ncWant := m["nc"]
		want2 := digestCompute(digestInput{alg: alg, username: "u", password: "p", realm: realm, nonce: n, method: r.Method,
			uri: r.RequestURI, qop: "auth", nc: 2, cnonce: m["cnonce"]})
		if !(ncWant == "00000001" && m["response"] == want.response || ncWant == "00000002" && m["response"] == want2.response) || m["uri"] != r.RequestURI {
			w.Header().Set("WWW-Authenticate", chal)
			w.WriteHeader(401)
			return
		}
		w.Write([]byte(realm))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { check(w, r, "realm-a") })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { check(w, r, "realm-b") })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	e := New(Options{})
	defer e.Close()
	req := Request{URL: srv.URL + "/a?x=1", Scheme: "digest", Fields: map[string]string{"username": "u", "password": "p"}}
	res, err := e.Exchange(context.Background(), req)
	if err != nil || res.Final().Response.Status != 200 {
		t.Fatalf("first call: %v, roles %q", err, digestRoles(res))
	}
	// The server rotates its nonce: the pre-emptive answer is stale, and one
	// extra exchange with the new nonce (nc back to 1) succeeds.
	nonce.Store(2)
	res, err = e.Exchange(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := digestRoles(res), []string{RoleRequest, RoleRetry}; !slices.Equal(got, want) || res.Final().Response.Status != 200 {
		t.Fatalf("after the nonce expired: roles %q, status %d; want %q and 200", got, res.Final().Response.Status, want)
	}
	if nc := digestParam(t, res.Final().Request.Header.Get("Authorization"), "nc"); nc != "00000001" {
		t.Errorf("after stale: nc = %s; want 00000001 with the new nonce", nc)
	}
	found := false
	for _, st := range res.Trace.Steps {
		found = found || strings.HasPrefix(st.Title, "stale=true")
	}
	if !found {
		t.Errorf("trace after stale has no stale=true step")
	}

	// Another realm on the same origin: the kept challenge is for realm-a,
	// so the pre-emptive answer is refused and realm-b's challenge answered.
	res, err = e.Exchange(context.Background(), Request{URL: srv.URL + "/b", Scheme: "digest", Fields: req.Fields})
	if err != nil || res.Final().Response.Status != 200 || string(res.Final().Response.Body) != "realm-b" {
		t.Fatalf("realm-b: %v, roles %q", err, digestRoles(res))
	}
	if got := digestParam(t, res.Final().Request.Header.Get("Authorization"), "realm"); got != "realm-b" {
		t.Errorf("realm-b answered with realm %q", got)
	}
}
