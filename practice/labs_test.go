package practice

import (
	"context"
	"crypto/md5" //nolint:gosec // the downgrade lab's MD5 answer
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

// labRecorder keeps every Event of a server.
type labRecorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *labRecorder) observe(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// since returns the events after the first n.
func (r *labRecorder) since(n int) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events[n:]...)
}

func (r *labRecorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// newLabServer starts a practice server with the labs on, on loopback.
func newLabServer(t *testing.T) (*httptest.Server, *labRecorder) {
	t.Helper()
	rec := &labRecorder{}
	ts := httptest.NewServer(New(Options{Labs: true, Observe: rec.observe}).Handler())
	t.Cleanup(ts.Close)
	return ts, rec
}

// labAttempt is what one exploit attempt got back: the last exchange's
// answer, or the client's own error.
type labAttempt struct {
	status int
	header http.Header
	body   string
	err    error
}

// labSend sends one request through the real authlab engine.
func labSend(t *testing.T, rawURL, scheme string, fields map[string]string) labAttempt {
	t.Helper()
	eng := authn.New(authn.Options{})
	defer eng.Close()
	res, err := eng.Exchange(context.Background(), authn.Request{URL: rawURL, Scheme: scheme, Fields: fields})
	if err != nil {
		return labAttempt{err: err}
	}
	f := res.Final().Response
	return labAttempt{status: f.Status, header: f.Header, body: string(f.Body)}
}

// labGet fetches a lab's setup resource (a token, a public key, a file).
func labGet(t *testing.T, rawURL string) string {
	t.Helper()
	a := labSend(t, rawURL, "none", nil)
	if a.err != nil || a.status != 200 {
		t.Fatalf("GET %s = %d %v", rawURL, a.status, a.err)
	}
	return a.body
}

// labToken reads the token of a lab's token endpoint.
func labTokenOf(t *testing.T, rawURL string) string {
	t.Helper()
	var b labTokenBody
	if err := json.Unmarshal([]byte(labGet(t, rawURL)), &b); err != nil || b.Token == "" {
		t.Fatalf("token from %s: %v %+v", rawURL, err, b)
	}
	return b.Token
}

// asFileRef is a value as a file: reference reads it back: the final
// newline dropped (profiles.Resolver).
func asFileRef(s string) string { return strings.TrimSuffix(s, "\n") }

const adminClaims = `{"sub":"student","role":"admin"}`

// TestLabsExploitedThenFixed performs each lab's exploit with authlab's
// own engine, schemes and fields: against the vulnerable endpoint the
// server's own record says exploited; against the fixed twin the same
// exploit is refused with the right error, and nothing is recorded as
// exploited.
func TestLabsExploitedThenFixed(t *testing.T) {
	if got, want := len(Labs()), 8; got != want {
		t.Fatalf("Labs() has %d labs; want %d (every lab of #20)", got, want)
	}
	type exploit func(t *testing.T, base, target string, fixed bool) labAttempt
	jwtForge := func(fields map[string]string) exploit {
		return func(t *testing.T, base, target string, fixed bool) labAttempt {
			return labSend(t, base+target, "jwt", fields)
		}
	}
	tests := []struct {
		lab     string
		exploit exploit
		// what the vulnerable endpoint answers to the exploit
		vulnStatus int
		// what the fixed one answers: status, a text of the body or the
		// WWW-Authenticate header (or of the client's error when status is 0)
		fixedStatus int
		fixedText   string
		fixedRecord bool // the fixed twin records "refused"
	}{
		{lab: "jwt-none", exploit: jwtForge(map[string]string{"attack": "alg-none", "claims": adminClaims}),
			vulnStatus: 200, fixedStatus: 401, fixedText: `error="invalid_token", error_description="The token is unsigned (alg none)`, fixedRecord: true},
		{lab: "jwt-confusion", exploit: func(t *testing.T, base, target string, fixed bool) labAttempt {
			pem := labGet(t, base+"/labs/jwt-confusion/public.pem")
			return labSend(t, base+target, "jwt", map[string]string{"attack": "key-confusion", "alg": "HS256", "secret": asFileRef(pem), "claims": adminClaims})
		}, vulnStatus: 200, fixedStatus: 401, fixedText: "The token alg HS256 is not accepted here; this API's key is RSA", fixedRecord: true},
		{lab: "jwt-weak", exploit: func(t *testing.T, base, target string, fixed bool) labAttempt {
			tokenURL := base + "/labs/jwt-weak/token"
			if fixed {
				tokenURL = base + "/labs/jwt-weak/fixed/token"
			}
			tok := labTokenOf(t, tokenURL)
			words := labGet(t, base+"/labs/jwt-weak/wordlist.txt")
			res, err := authn.CrackJWT(context.Background(), tok, strings.NewReader(words))
			if err != nil {
				t.Fatal(err)
			}
			secret := res.Secret
			switch {
			case fixed && res.Found:
				t.Fatalf("the wordlist cracked the fixed twin's secret (word %d)", res.Line)
			case fixed:
				secret = LabWeakJWTSecret // the attacker tries the other API's secret
			case !res.Found || res.Secret != LabWeakJWTSecret:
				t.Fatalf("crack = %+v; want %q found", res, LabWeakJWTSecret)
			}
			return labSend(t, base+target, "jwt", map[string]string{"secret": secret, "claims": adminClaims})
		}, vulnStatus: 200, fixedStatus: 401, fixedText: "The token signature is invalid: it was not made with this API's secret", fixedRecord: true},
		{lab: "jwt-kid", exploit: func(t *testing.T, base, target string, fixed bool) labAttempt {
			banner := labGet(t, base+"/labs/jwt-kid/public/banner.txt")
			return labSend(t, base+target, "jwt", map[string]string{"kid": "../public/banner.txt", "secret": asFileRef(banner), "claims": adminClaims})
		}, vulnStatus: 200, fixedStatus: 401, fixedText: "Unknown kid", fixedRecord: true},
		{lab: "oauth2-redirect", exploit: func(t *testing.T, base, target string, fixed bool) labAttempt {
			q := url.Values{"response_type": {"code"}, "client_id": {LabOAuth2ClientID}, "redirect_uri": {"https://client.example.attacker.test/steal"}, "state": {"xyz"}}
			a := labSend(t, base+target+"?"+q.Encode(), "none", nil)
			if !fixed {
				loc, err := url.Parse(a.header.Get("Location"))
				if err != nil || loc.Host != "client.example.attacker.test" || loc.Query().Get("code") == "" || loc.Query().Get("state") != "xyz" {
					t.Fatalf("Location = %q; want the attacker's host with a code and the state", a.header.Get("Location"))
				}
			} else if a.header.Get("Location") != "" {
				t.Fatalf("the fixed endpoint redirected to %q", a.header.Get("Location"))
			}
			return a
		}, vulnStatus: 302, fixedStatus: 400, fixedText: `"error":"invalid_request","error_description":"redirect_uri does not match the registered redirect URI"`, fixedRecord: true},
		{lab: "oauth2-state", exploit: func(t *testing.T, base, target string, fixed bool) labAttempt {
			// the attacker gets a code for their own account...
			q := url.Values{"response_type": {"code"}, "client_id": {LabOAuth2ClientID}, "redirect_uri": {base + target}, "login_hint": {"attacker"}}
			a := labSend(t, base+"/labs/oauth2-state/authorize?"+q.Encode(), "none", nil)
			loc, err := url.Parse(a.header.Get("Location"))
			if a.status != 302 || err != nil || loc.Query().Get("code") == "" {
				t.Fatalf("authorize = %d, Location %q", a.status, a.header.Get("Location"))
			}
			// ...and the victim's browser is made to load the callback with it
			return labSend(t, loc.String(), "none", nil)
		}, vulnStatus: 200, fixedStatus: 403, fixedText: "state is missing: this sign-in was not started by this browser", fixedRecord: true},
		{lab: "oauth1-nonce", exploit: func(t *testing.T, base, target string, fixed bool) labAttempt {
			fields := map[string]string{"consumer_key": DemoConsumerKey, "consumer_secret": DemoConsumerSecret, "token": DemoAccessToken, "token_secret": DemoTokenSecret,
				"nonce": "replay-me-" + strconv.FormatBool(fixed), "timestamp": strconv.FormatInt(time.Now().Unix(), 10)}
			first := labSend(t, base+target, "oauth1", fields)
			if first.status != 200 {
				t.Fatalf("first send = %d %v %s", first.status, first.err, first.body)
			}
			return labSend(t, base+target, "oauth1", fields) // the replay
		}, vulnStatus: 200, fixedStatus: 401, fixedText: `{"errors":[{"code":32,"message":"Could not authenticate you."}]}`, fixedRecord: true},
		{lab: "digest-downgrade", exploit: func(t *testing.T, base, target string, fixed bool) labAttempt {
			return labSend(t, base+target, "digest", map[string]string{"username": DemoUser, "password": DemoPassword, "algorithm": "MD5"})
		}, vulnStatus: 200, fixedStatus: 0, fixedText: "the server offers Digest with SHA-256, not MD5"},
	}
	for _, tc := range tests {
		t.Run(tc.lab, func(t *testing.T) {
			ts, rec := newLabServer(t)
			var lab Lab
			for _, l := range Labs() {
				if l.Name == tc.lab {
					lab = l
				}
			}
			if lab.Name == "" {
				t.Fatalf("no lab %q in Labs()", tc.lab)
			}

			// the vulnerable endpoint: exploited, and the server says so
			n := rec.len()
			a := tc.exploit(t, ts.URL, lab.Vulnerable, false)
			if a.err != nil || a.status != tc.vulnStatus {
				t.Fatalf("exploit of %s = %d %v %s; want %d", lab.Vulnerable, a.status, a.err, a.body, tc.vulnStatus)
			}
			exploited := labExploitedIn(rec.since(n), tc.lab)
			if exploited == nil {
				t.Fatalf("no event says lab %s exploited; events: %s", tc.lab, labEventsText(rec.since(n)))
			}
			if exploited.Path != lab.Vulnerable || !strings.HasPrefix(exploited.Trace.Verdict, "lab "+tc.lab+": exploited") {
				t.Fatalf("exploited event at %s, verdict %q", exploited.Path, exploited.Trace.Verdict)
			}
			st, err := DecodeTrace(a.header.Get(TraceHeader))
			if err != nil || !strings.HasPrefix(st.Verdict, "lab "+tc.lab+": exploited") {
				t.Fatalf("the answer's server trace verdict = %q (%v); want exploited", st.Verdict, err)
			}

			// the fixed twin: the same exploit refused with the right error
			n = rec.len()
			a = tc.exploit(t, ts.URL, lab.Fixed, true)
			switch {
			case tc.fixedStatus == 0:
				if a.err == nil || !strings.Contains(a.err.Error(), tc.fixedText) {
					t.Fatalf("exploit of %s: err %v (status %d); want the client's refusal %q", lab.Fixed, a.err, a.status, tc.fixedText)
				}
			case a.err != nil || a.status != tc.fixedStatus:
				t.Fatalf("exploit of %s = %d %v %s; want %d", lab.Fixed, a.status, a.err, a.body, tc.fixedStatus)
			case !strings.Contains(a.body, tc.fixedText) && !strings.Contains(a.header.Get("WWW-Authenticate"), tc.fixedText):
				t.Fatalf("fixed answer %d: body %s, WWW-Authenticate %q; want %q", a.status, a.body, a.header.Get("WWW-Authenticate"), tc.fixedText)
			}
			events := rec.since(n)
			if e := labExploitedIn(events, tc.lab); e != nil {
				t.Fatalf("the fixed twin recorded an exploit: %+v", *e)
			}
			if tc.fixedRecord && !labRefusedIn(events, tc.lab, lab.Fixed) {
				t.Fatalf("no event of %s says the fix refused it; events: %s", lab.Fixed, labEventsText(events))
			}
		})
	}
}

func labExploitedIn(events []Event, lab string) *Event {
	for i := range events {
		if name, ok := LabExploited(events[i]); ok && name == lab {
			return &events[i]
		}
	}
	return nil
}

func labRefusedIn(events []Event, lab, path string) bool {
	for _, e := range events {
		if e.Path == path && strings.HasPrefix(e.Mistake, "lab "+lab+" (fixed): refused") && e.Status >= 400 {
			return true
		}
	}
	return false
}

func labEventsText(events []Event) string {
	var b strings.Builder
	for _, e := range events {
		fmt.Fprintf(&b, "\n  %s %d mistake=%q verdict=%q", e.Endpoint(), e.Status, e.Mistake, e.Trace.Verdict)
	}
	return b.String()
}

// The digest fix is on the server too, not only in what it offers: an MD5
// answer made by hand to the fixed twin's nonce is refused with a fresh
// SHA-256-only challenge.
func TestLabDigestFixedRefusesMD5Answer(t *testing.T) {
	ts, rec := newLabServer(t)
	path := "/labs/digest-downgrade/fixed"
	resp, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	chal := resp.Header.Values("WWW-Authenticate")
	if resp.StatusCode != 401 || len(chal) != 1 || !strings.Contains(chal[0], "algorithm=SHA-256") {
		t.Fatalf("challenge = %d %q; want one SHA-256 challenge", resp.StatusCode, chal)
	}
	params, err := digestParseParams(strings.TrimPrefix(chal[0], "Digest "))
	if err != nil {
		t.Fatal(err)
	}
	h := func(s string) string { x := md5.Sum([]byte(s)); return hex.EncodeToString(x[:]) }
	nonce, cnonce, nc := params["nonce"], "0a4f113b", "00000001"
	ha1, ha2 := h(DemoUser+":"+DigestRealm+":"+DemoPassword), h("GET:"+path)
	answer := fmt.Sprintf(`Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=MD5, qop=auth, nc=%s, cnonce="%s", response="%s", opaque="%s"`,
		DemoUser, DigestRealm, nonce, path, nc, cnonce, h(ha1+":"+nonce+":"+nc+":"+cnonce+":auth:"+ha2), params["opaque"])
	n := rec.len()
	req, _ := http.NewRequest("GET", ts.URL+path, nil)
	req.Header.Set("Authorization", answer)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(body), `algorithm \"MD5\" was not offered; this challenge offers SHA-256`) {
		t.Fatalf("MD5 answer to the fixed twin = %d %s", resp.StatusCode, body)
	}
	if !labRefusedIn(rec.since(n), "digest-downgrade", path) {
		t.Fatalf("no refusal recorded: %s", labEventsText(rec.since(n)))
	}
	// the same hand-made MD5 answer works on the vulnerable endpoint: the
	// lab is the server's acceptance, not authlab's choice
	vpath := "/labs/digest-downgrade"
	resp, err = http.Get(ts.URL + vpath)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Values("WWW-Authenticate"); len(got) != 2 || !strings.Contains(got[0], "SHA-256") || !strings.Contains(got[1], "MD5") {
		t.Fatalf("vulnerable challenges = %q; want SHA-256 then MD5", got)
	}
}

// The fixes do not refuse everything: the normal flow of each fixed twin
// still works (a token the server issued; a sign-in the browser started).
func TestLabsFixedTwinsStillServe(t *testing.T) {
	ts, rec := newLabServer(t)
	// JWT: no issued token has role admin, so the admin API answers 403,
	// after the signature verified.
	for _, c := range []struct{ token, api string }{
		{"/labs/jwt-none/token", "/labs/jwt-none/fixed"},
		{"/labs/jwt-confusion/token", "/labs/jwt-confusion/fixed"},
		{"/labs/jwt-weak/fixed/token", "/labs/jwt-weak/fixed"},
		{"/labs/jwt-kid/token", "/labs/jwt-kid/fixed"},
	} {
		tok := labTokenOf(t, ts.URL+c.token)
		a := labSend(t, ts.URL+c.api, "jwt", map[string]string{"token": tok})
		if a.status != 403 || !strings.Contains(a.header.Get("WWW-Authenticate"), `error="insufficient_scope"`) {
			t.Errorf("issued token at %s = %d %q; want 403 insufficient_scope", c.api, a.status, a.header.Get("WWW-Authenticate"))
		}
	}
	// OAuth 2.0: the registered redirect_uri gets a code.
	q := url.Values{"response_type": {"code"}, "client_id": {LabOAuth2ClientID}, "redirect_uri": {LabOAuth2Redirect}}
	if a := labSend(t, ts.URL+"/labs/oauth2-redirect/fixed/authorize?"+q.Encode(), "none", nil); a.status != 302 || !strings.HasPrefix(a.header.Get("Location"), LabOAuth2Redirect+"?code=") {
		t.Errorf("registered redirect_uri = %d %q", a.status, a.header.Get("Location"))
	}
	// The fixed client's own sign-in (a browser with cookies) succeeds; so
	// does the vulnerable client's, which is not an exploit.
	for _, login := range []string{"/labs/oauth2-state/fixed/login", "/labs/oauth2-state/login"} {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		n := rec.len()
		resp, err := c.Get(ts.URL + login + "?login_hint=victim")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"signed_in_as":"victim"`) {
			t.Errorf("sign-in through %s = %d %s", login, resp.StatusCode, body)
		}
		if e := labExploitedIn(rec.since(n), "oauth2-state"); e != nil {
			t.Errorf("a sign-in the browser started was recorded as an exploit: %+v", *e)
		}
	}
	// The fixed callback refuses a state issued to another browser.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(ts.URL + "/labs/oauth2-state/fixed/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(resp.Header.Get("Location")) // the authorization server's redirect
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cb := resp.Header.Get("Location")
	other, err := http.Get(cb) // another browser: no cookie
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(other.Body)
	other.Body.Close()
	if other.StatusCode != 403 || !strings.Contains(string(body), "state does not match") {
		t.Errorf("the fixed callback in another browser = %d %s", other.StatusCode, body)
	}
}

// Without Options.Labs no lab route exists: every lab path is 404, and GET /
// lists none.
func TestLabsOffByDefault(t *testing.T) {
	ts := httptest.NewServer(New(Options{}).Handler())
	defer ts.Close()
	paths := []string{"/labs"}
	for _, l := range Labs() {
		paths = append(paths, l.Vulnerable, l.Fixed)
		for _, s := range l.Setup {
			paths = append(paths, strings.Fields(s)[0])
		}
	}
	for _, p := range paths {
		resp, err := http.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("GET %s without labs = %d; want 404", p, resp.StatusCode)
		}
	}
	idx := labGet(t, ts.URL+"/")
	if strings.Contains(idx, "/labs") {
		t.Errorf("GET / lists a lab without Options.Labs")
	}
}

// GET /labs lists every lab with its paths (all served), the commands with
// BASE filled in, the check and the fix citing its RFC.
func TestLabsIndex(t *testing.T) {
	ts, _ := newLabServer(t)
	var idx labsIndex
	if err := json.Unmarshal([]byte(labGet(t, ts.URL+"/labs")), &idx); err != nil {
		t.Fatal(err)
	}
	if len(idx.Labs) != len(Labs()) || idx.Base != ts.URL || !strings.Contains(idx.Warning, "vulnerable on purpose") {
		t.Fatalf("index: %d labs, base %q, warning %q", len(idx.Labs), idx.Base, idx.Warning)
	}
	for _, l := range idx.Labs {
		if l.Story == "" || l.Check == "" || len(l.Exploit) == 0 || !strings.Contains(l.Fix, "RFC ") || !strings.HasPrefix(l.Ref, "RFC ") {
			t.Errorf("lab %s is missing its story, check, exploit or fix with an RFC: %+v", l.Name, l)
		}
		for _, c := range l.Exploit {
			if !strings.Contains(c, "authlab ") || strings.Contains(c, "BASE") {
				t.Errorf("lab %s exploit %q: want an authlab command with BASE filled in", l.Name, c)
			}
		}
		for _, p := range []string{l.Vulnerable, l.Fixed} {
			resp, err := http.Get(ts.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == 404 {
				t.Errorf("lab %s: %s is 404 with labs on", l.Name, p)
			}
		}
	}
}
