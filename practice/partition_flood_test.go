package practice

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

// Regression tests of #17 ("the bounded stores can be flushed by one
// client in under a second"): each simulates distinct classroom machines
// by dialling from distinct loopback addresses (Linux routes all of 127/8
// to lo) and floods from one of them.

// transportFrom returns a transport whose connections come from ip.
func transportFrom(t *testing.T, ip string) *http.Transport {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 8}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// machine is an HTTP client on one loopback address that never follows
// redirects.
type machine struct {
	t *testing.T
	c *http.Client
}

func machineAt(t *testing.T, ip string) machine {
	return machine{t, &http.Client{Transport: transportFrom(t, ip), Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends one request; headers are "Name: value".
func (m machine) do(method, u, body string, headers ...string) srvReply {
	m.t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		m.t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Add(k, v)
	}
	resp, err := m.c.Do(req)
	if err != nil {
		m.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		m.t.Fatalf("%s %s: reading the body: %v", method, u, err)
	}
	return decodeReply(m.t, resp.StatusCode, resp.Header, b)
}

// parallel runs f(i) for i in [0, n) on a few goroutines.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

const (
	formType     = "Content-Type: application/x-www-form-urlencoded"
	demoClientID = DemoOAuth2ClientID + ":" + DemoOAuth2ClientSecret
)

var demoClientBasic = "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(demoClientID))

func (m machine) oauth2Token(base string) string {
	m.t.Helper()
	r := m.do("POST", base+"/oauth2/token", "grant_type=client_credentials", demoClientBasic, formType)
	var b oauth2TokenBody
	if r.status != 200 || json.Unmarshal([]byte(r.body), &b) != nil || b.AccessToken == "" {
		m.t.Fatalf("client_credentials = %d %s", r.status, r.body)
	}
	return b.AccessToken
}

func (m machine) deviceCode(base string) oauth2DeviceBody {
	m.t.Helper()
	r := m.do("POST", base+"/oauth2/device", "", demoClientBasic, formType)
	var b oauth2DeviceBody
	if r.status != 200 || json.Unmarshal([]byte(r.body), &b) != nil || b.DeviceCode == "" {
		m.t.Fatalf("device authorization = %d %s", r.status, r.body)
	}
	return b
}

// TestFloodOAuth2Partitioned: 1000 tokens and 1000 device codes from
// 127.0.0.2 leave 127.0.0.3's token (still 200) and device code (still
// pending, and approvable from a phone on 127.0.0.4); the flooder loses
// only its own oldest.
func TestFloodOAuth2Partitioned(t *testing.T) {
	ts := startServer(t, Options{})
	victim, flooder, phone := machineAt(t, "127.0.0.3"), machineAt(t, "127.0.0.2"), machineAt(t, "127.0.0.4")
	token, device := victim.oauth2Token(ts.URL), victim.deviceCode(ts.URL)
	firstFlood := flooder.oauth2Token(ts.URL) // the flooder's oldest token
	parallel(999, func(int) { flooder.oauth2Token(ts.URL) })
	parallel(1000, func(int) { flooder.deviceCode(ts.URL) })
	if r := victim.do("GET", ts.URL+"/oauth2/me", "", "Authorization: Bearer "+token); r.status != 200 {
		t.Errorf("victim's token after the flood: /oauth2/me = %d %s; want 200", r.status, r.body)
	}
	poll := "grant_type=" + url.QueryEscape(oauth2DeviceGrant) + "&device_code=" + device.DeviceCode
	if r := victim.do("POST", ts.URL+"/oauth2/token", poll, demoClientBasic, formType); r.status != 400 || !strings.Contains(r.body, `"authorization_pending"`) {
		t.Errorf("victim's device code after the flood: poll = %d %s; want 400 authorization_pending", r.status, r.body)
	}
	r := phone.do("POST", ts.URL+"/oauth2/device/verify", "decision=approve&user_code="+url.QueryEscape(device.UserCode), formType)
	if r.status != 200 || !strings.Contains(r.body, "Approved") {
		t.Errorf("approving the victim's user_code from another address = %d %s; want 200 Approved", r.status, r.body)
	}
	if r := flooder.do("GET", ts.URL+"/oauth2/me", "", "Authorization: Bearer "+firstFlood); r.status != 401 {
		t.Errorf("the flooder's first token after 999 more = %d; want 401 (its own quota of %d)", r.status, oauth2MaxTokens)
	}
}

// oauth1Signer signs OAuth 1.0a requests with authn from one address,
// nonce and timestamp pinned, so a request can be sent again bit for bit
// (a captured request replayed).
type oauth1Signer struct {
	t   *testing.T
	eng *authn.Engine
}

func oauth1SignerAt(t *testing.T, ip string) oauth1Signer {
	return oauth1Signer{t, authn.New(authn.Options{Now: func() time.Time { return srvNow }, Transport: transportFrom(t, ip)})}
}

func (s oauth1Signer) call(u, nonce string) srvReply {
	s.t.Helper()
	req := authn.Request{Method: "GET", URL: u, Scheme: "oauth1", Header: http.Header{}, Fields: map[string]string{
		"consumer_key": DemoConsumerKey, "consumer_secret": DemoConsumerSecret,
		"token": DemoAccessToken, "token_secret": DemoTokenSecret,
		"nonce": nonce, "timestamp": strconv.FormatInt(srvNow.Unix(), 10),
	}}
	res, err := s.eng.Exchange(context.Background(), req)
	if err != nil {
		s.t.Fatalf("oauth1 %s: %v", u, err)
	}
	fin := res.Final()
	if fin == nil || fin.Response == nil {
		s.t.Fatalf("oauth1 %s: no response", u)
	}
	return decodeReply(s.t, fin.Response.Status, fin.Response.Header, fin.Response.Body)
}

// TestFloodOAuth1NoncesNoReplay: 10 000 nonces from 127.0.0.2 make neither
// a captured request of 127.0.0.3 replayable (from either address) nor the
// flooder's own evicted nonce, and leave other clients' fresh requests
// accepted (the flooder's floor is its own).
func TestFloodOAuth1NoncesNoReplay(t *testing.T) {
	flood := 10000
	if testing.Short() {
		flood = 2 * maxNonces
	}
	ts := startServer(t, Options{})
	u := ts.URL + verifyPath
	victim, flooder, other := oauth1SignerAt(t, "127.0.0.3"), oauth1SignerAt(t, "127.0.0.2"), oauth1SignerAt(t, "127.0.0.4")
	if r := victim.call(u, "victim-captured"); r.status != 200 {
		t.Fatalf("victim's request = %d %s (%s)", r.status, r.body, r.trace.Verdict)
	}
	flooder.call(u, "flood-0") // the flooder's oldest nonce
	parallel(flood-1, func(i int) { flooder.call(u, "flood-"+strconv.Itoa(i+1)) })
	for _, tt := range []struct {
		name    string
		who     oauth1Signer
		nonce   string
		status  int
		verdict string
	}{
		{"victim's request replayed from the flooder's address", flooder, "victim-captured", 401, "nonce already used (code 32)"},
		{"victim's request replayed from its own address", victim, "victim-captured", 401, "nonce already used (code 32)"},
		{"flooder's own evicted nonce", flooder, "flood-0", 401, "timestamp"},
		{"another client's fresh request", other, "other-fresh", 200, "ok"},
		{"the victim's next request", victim, "victim-next", 200, "ok"},
	} {
		r := tt.who.call(u, tt.nonce)
		if r.status != tt.status || !strings.HasPrefix(r.trace.Verdict, tt.verdict) {
			t.Errorf("%s: %d %q; want %d %q…", tt.name, r.status, r.trace.Verdict, tt.status, tt.verdict)
		}
		if tt.verdict == "timestamp" && r.body != err135 {
			t.Errorf("%s: body %s; want Twitter's %s", tt.name, r.body, err135)
		}
	}
}

// digestMachine answers /digest challenges by hand from one address.
type digestMachine struct{ machine }

func (m digestMachine) challenge(u string) (nonce, opaque string) {
	m.t.Helper()
	r := m.do("GET", u, "")
	cs, err := authn.ParseChallenges(r.header.Values("WWW-Authenticate"))
	if r.status != 401 || err != nil || len(cs) == 0 {
		m.t.Fatalf("GET %s = %d (%v); want a challenge", u, r.status, err)
	}
	nonce, _ = cs[0].Param("nonce")
	opaque, _ = cs[0].Param("opaque")
	return nonce, opaque
}

func (m digestMachine) answer(u, path, nonce, opaque, nc string) srvReply {
	m.t.Helper()
	return m.do("GET", u, "", "Authorization: "+digestTestHeader("SHA-256", DemoUser, DemoPassword, DigestRealm, nonce, opaque, "GET", path, nc, "cn"))
}

// TestFloodDigestNC: more nonces from 127.0.0.2 than the table held leave
// 127.0.0.3's nonce and count (its nc 2 accepted, its nc 1 a replay); the
// victim's captured answer replayed from the flooder's address is refused
// (the nonce was issued to the victim); the flooder's own evicted nonce is
// stale, never accepted.
func TestFloodDigestNC(t *testing.T) {
	flood := digestMaxNonces*20 + 1 // past the 10 000 of the old global table
	if testing.Short() {
		flood = digestMaxNonces + 10
	}
	ts := startServer(t, Options{})
	const path = "/digest?algorithm=SHA-256&qop=auth"
	u := ts.URL + path
	victim, flooder := digestMachine{machineAt(t, "127.0.0.3")}, digestMachine{machineAt(t, "127.0.0.2")}
	vn, vo := victim.challenge(u)
	if r := victim.answer(u, path, vn, vo, "00000001"); r.status != 200 {
		t.Fatalf("victim's first answer = %d %s", r.status, r.trace.Verdict)
	}
	firstNonce, firstOpaque := flooder.challenge(u) // the flooder's oldest nonce
	if r := flooder.answer(u, path, firstNonce, firstOpaque, "00000001"); r.status != 200 {
		t.Fatalf("flooder's first answer = %d %s", r.status, r.trace.Verdict)
	}
	parallel(flood-1, func(i int) {
		n, o := flooder.challenge(u)
		if r := flooder.answer(u, path, n, o, "00000001"); r.status != 200 && r.status != 401 {
			t.Errorf("flood answer %d = %d", i, r.status)
		}
	})
	for _, tt := range []struct {
		name          string
		who           digestMachine
		nonce, opaque string
		nc            string
		status        int
		verdict       string
		stale         bool
	}{
		{"victim's captured answer from the flooder's address", flooder, vn, vo, "00000001", 401, "nonce: not a nonce this server issued to your address", false},
		{"victim's captured answer from its own address", victim, vn, vo, "00000001", 401, "nc replay", false},
		{"victim's next count", victim, vn, vo, "00000002", 200, "ok", false},
		{"flooder's own evicted nonce", flooder, firstNonce, firstOpaque, "00000002", 401, "stale nonce", true},
	} {
		r := tt.who.answer(u, path, tt.nonce, tt.opaque, tt.nc)
		stale := strings.Contains(r.header.Get("WWW-Authenticate"), "stale=true")
		if r.status != tt.status || !strings.HasPrefix(r.trace.Verdict, tt.verdict) || stale != tt.stale {
			t.Errorf("%s: %d %q stale=%v; want %d %q… stale=%v", tt.name, r.status, r.trace.Verdict, stale, tt.status, tt.verdict, tt.stale)
		}
	}
}
