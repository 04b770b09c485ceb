package practice

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
)

// ntlmTestClient speaks NTLM by hand, for the cases a correct client
// never produces. Its proofs come from ntlmProof, which
// TestNTLMServerProofVector checks against MS-NLMP §4.2.4.
type ntlmTestClient struct {
	t    *testing.T
	url  string
	http *http.Client
}

func newNTLMTestClient(t *testing.T, url string) *ntlmTestClient {
	tr := &http.Transport{MaxConnsPerHost: 1}
	t.Cleanup(tr.CloseIdleConnections)
	return &ntlmTestClient{t: t, url: url, http: &http.Client{Transport: tr}}
}

func (c *ntlmTestClient) send(auth string) srvReply {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.url+"/ntlm", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return decodeReply(c.t, resp.StatusCode, resp.Header, body)
}

// negotiate sends a NEGOTIATE_MESSAGE and returns the server challenge and
// target info of the answer.
func (c *ntlmTestClient) negotiate() (sc [8]byte, info []byte) {
	c.t.Helper()
	m := make([]byte, 32)
	copy(m, "NTLMSSP\x00")
	m[8] = 1
	binary.LittleEndian.PutUint32(m[12:], 0x00088207)
	r := c.send("NTLM " + base64.StdEncoding.EncodeToString(m))
	tok, ok := strings.CutPrefix(r.header.Get("WWW-Authenticate"), "NTLM ")
	if r.status != 401 || !ok {
		c.t.Fatalf("NEGOTIATE answered %d %q; want 401 with an NTLM challenge", r.status, r.header.Values("WWW-Authenticate"))
	}
	ch, err := base64.StdEncoding.DecodeString(tok)
	if err != nil || len(ch) < 56 || binary.LittleEndian.Uint32(ch[8:]) != 2 {
		c.t.Fatalf("challenge %q is not a CHALLENGE_MESSAGE", tok)
	}
	copy(sc[:], ch[24:32])
	info, err = ntlmBuf(ch, 40)
	if err != nil {
		c.t.Fatal(err)
	}
	return sc, info
}

// authenticate builds an AUTHENTICATE_MESSAGE (Unicode) with nt as the
// NtChallengeResponse.
func ntlmTestAuth(user, domain string, nt []byte) string {
	payload := [][]byte{make([]byte, 24), nt, ntlmUTF16(domain), ntlmUTF16(user), ntlmUTF16("WS")}
	m := make([]byte, 64)
	copy(m, "NTLMSSP\x00")
	m[8] = 3
	for i, off := range []int{12, 20, 28, 36, 44} {
		binary.LittleEndian.PutUint16(m[off:], uint16(len(payload[i])))
		binary.LittleEndian.PutUint16(m[off+2:], uint16(len(payload[i])))
		binary.LittleEndian.PutUint32(m[off+4:], uint32(len(m)))
		m = append(m, payload[i]...)
	}
	binary.LittleEndian.PutUint32(m[60:], 0x00088205)
	return "NTLM " + base64.StdEncoding.EncodeToString(m)
}

// ntlmTestResponse is NTProofStr ‖ temp for the given inputs.
func ntlmTestResponse(password, user, domain string, upper bool, sc [8]byte, info []byte) []byte {
	temp := append([]byte{1, 1, 0, 0, 0, 0, 0, 0}, make([]byte, 8)...)
	temp = append(temp, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0, 0, 0, 0)
	temp = append(temp, info...)
	temp = append(temp, 0, 0, 0, 0)
	return append(ntlmProof(password, user, domain, upper, sc, temp), temp...)
}

// TestNTLMServerProofVector: the server's own NTProofStr computation
// reproduces MS-NLMP §4.2.4.2 from the §4.2.4.1 temp.
func TestNTLMServerProofVector(t *testing.T) {
	b, err := os.ReadFile("../authn/testdata/ntlm/ms-nlmp-4.2.4.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		User, Domain, Password, Temp, NTProofStr string
		ServerChallenge                          string `json:"server_challenge"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var sc [8]byte
	scb, _ := hex.DecodeString(v.ServerChallenge)
	copy(sc[:], scb)
	temp, _ := hex.DecodeString(v.Temp)
	if got := hex.EncodeToString(ntlmProof(v.Password, v.User, v.Domain, true, sc, temp)); got != v.NTProofStr {
		t.Errorf("ntlmProof(§4.2.4) = %s; want %s", got, v.NTProofStr)
	}
}

// TestNTLMEndpoint: the IIS-style first 401, the handshake on one
// connection, and each mistake the server can name, with its category for
// the room.
func TestNTLMEndpoint(t *testing.T) {
	ts := httptest.NewServer(New(Options{}).Handler())
	defer ts.Close()
	srv := New(Options{})

	t.Run("first 401", func(t *testing.T) {
		r := newNTLMTestClient(t, ts.URL).send("")
		if r.status != 401 || !slices.Equal(r.header.Values("WWW-Authenticate"), []string{"Negotiate", "NTLM"}) ||
			r.header.Get("Server") != "Microsoft-IIS/10.0" || !strings.Contains(r.body, "401 - Unauthorized") {
			t.Errorf("GET /ntlm = %d %q %q %.60q; want 401 Negotiate, NTLM from IIS with its HTML body", r.status, r.header.Values("WWW-Authenticate"), r.header.Get("Server"), r.body)
		}
		if m := srv.mistake(r.trace, r.status); m != "" {
			t.Errorf("first 401 counts as mistake %q; want a normal step", m)
		}
	})

	tests := []struct {
		name    string
		auth    func(sc [8]byte, info []byte) string
		status  int
		verdict string
		mistake string
	}{
		{"right", func(sc [8]byte, info []byte) string {
			return ntlmTestAuth(DemoUser, NTLMDomain, ntlmTestResponse(DemoPassword, DemoUser, NTLMDomain, true, sc, info))
		}, 200, "ok", ""},
		{"wrong password", func(sc [8]byte, info []byte) string {
			return ntlmTestAuth(DemoUser, NTLMDomain, ntlmTestResponse("demo-passwort", DemoUser, NTLMDomain, true, sc, info))
		}, 401, "NTProofStr mismatch: wrong password", "NTLM wrong password"},
		{"user not uppercased", func(sc [8]byte, info []byte) string {
			return ntlmTestAuth(DemoUser, NTLMDomain, ntlmTestResponse(DemoPassword, DemoUser, NTLMDomain, false, sc, info))
		}, 401, "NTProofStr matches the user not uppercased", "NTLM user not uppercased"},
		{"domain hashed uppercased, sent lowercased", func(sc [8]byte, info []byte) string {
			return ntlmTestAuth(DemoUser, "authlab", ntlmTestResponse(DemoPassword, DemoUser, "AUTHLAB", true, sc, info))
		}, 401, "NTProofStr matches the domain uppercased", "NTLM domain hashed ≠ sent"},
		{"unknown user", func(sc [8]byte, info []byte) string {
			return ntlmTestAuth("guest", NTLMDomain, ntlmTestResponse(DemoPassword, "guest", NTLMDomain, true, sc, info))
		}, 401, `unknown user "guest"`, "unknown user"},
		{"unknown domain", func(sc [8]byte, info []byte) string {
			return ntlmTestAuth(DemoUser, "CORP", ntlmTestResponse(DemoPassword, DemoUser, "CORP", true, sc, info))
		}, 401, `unknown domain "CORP"`, "unknown domain"},
		{"NTLMv1", func(sc [8]byte, info []byte) string {
			return ntlmTestAuth(DemoUser, NTLMDomain, make([]byte, 24))
		}, 401, "NTLMv1 response", "NTLMv1 instead of NTLMv2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newNTLMTestClient(t, ts.URL)
			sc, info := c.negotiate()
			r := c.send(tt.auth(sc, info))
			if r.status != tt.status || !strings.HasPrefix(r.trace.Verdict, tt.verdict) {
				t.Fatalf("AUTHENTICATE = %d %q; want %d %q…", r.status, r.trace.Verdict, tt.status, tt.verdict)
			}
			if got := srv.mistake(r.trace, r.status); got != tt.mistake {
				t.Errorf("mistake(%q) = %q; want %q", r.trace.Verdict, got, tt.mistake)
			}
			if tt.status == 200 && !strings.Contains(r.body, `"user":"AUTHLAB\\demo"`) {
				t.Errorf("body %q does not name the user", r.body)
			}
		})
	}

	t.Run("another connection", func(t *testing.T) {
		a, b := newNTLMTestClient(t, ts.URL), newNTLMTestClient(t, ts.URL)
		sc, info := a.negotiate()
		r := b.send(ntlmTestAuth(DemoUser, NTLMDomain, ntlmTestResponse(DemoPassword, DemoUser, NTLMDomain, true, sc, info)))
		if r.status != 401 || !strings.HasPrefix(r.trace.Verdict, "no NTLM challenge for this connection") {
			t.Fatalf("AUTHENTICATE on another connection = %d %q; want 401 naming the connection", r.status, r.trace.Verdict)
		}
		if got := srv.mistake(r.trace, r.status); got != "NTLM answer on another connection" {
			t.Errorf("mistake = %q", got)
		}
		// The challenge was not consumed by the refusal on b: a still answers it.
		if r := a.send(ntlmTestAuth(DemoUser, NTLMDomain, ntlmTestResponse(DemoPassword, DemoUser, NTLMDomain, true, sc, info))); r.status != 200 {
			t.Errorf("AUTHENTICATE on the right connection afterwards = %d %q; want 200", r.status, r.trace.Verdict)
		}
	})

	t.Run("used once", func(t *testing.T) {
		c := newNTLMTestClient(t, ts.URL)
		sc, info := c.negotiate()
		auth := ntlmTestAuth(DemoUser, NTLMDomain, ntlmTestResponse(DemoPassword, DemoUser, NTLMDomain, true, sc, info))
		if r := c.send(auth); r.status != 200 {
			t.Fatalf("first AUTHENTICATE = %d", r.status)
		}
		if r := c.send(auth); r.status != 401 || !strings.HasPrefix(r.trace.Verdict, "no NTLM challenge") {
			t.Errorf("replayed AUTHENTICATE = %d %q; want 401, the challenge was used", r.status, r.trace.Verdict)
		}
	})

	for _, tt := range []struct{ auth, mistake string }{
		{"Basic ZGVtbzpkZW1vLXBhc3N3b3Jk", "wrong Authorization scheme"},
		{"NTLM %%%", "NTLM token unreadable"},
		{"Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag", "NTLM token unreadable"},
	} {
		r := newNTLMTestClient(t, ts.URL).send(tt.auth)
		if got := srv.mistake(r.trace, r.status); r.status != 401 || got != tt.mistake {
			t.Errorf("Authorization %q = %d, mistake %q (%q); want 401, %q", tt.auth, r.status, got, r.trace.Verdict, tt.mistake)
		}
	}
}

// FuzzNTLMServer: no Authorization token a client sends makes /ntlm
// panic, and every answer is a 401 with WWW-Authenticate (a challenge, or
// the offer again): random bytes never carry a proof of the demo password
// for a challenge the server issued.
func FuzzNTLMServer(f *testing.F) {
	f.Add([]byte("NTLMSSP\x00\x01\x00\x00\x00\x07\x82\x08\x00"))
	f.Add([]byte("NTLMSSP\x00\x03\x00\x00\x00"))
	f.Add(make([]byte, 64))
	h := New(Options{}).Handler()
	f.Fuzz(func(t *testing.T, msg []byte) {
		for _, word := range []string{"NTLM", "Negotiate"} {
			r := httptest.NewRequest("GET", "/ntlm", nil)
			r.Header.Set("Authorization", word+" "+base64.StdEncoding.EncodeToString(msg))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusUnauthorized || len(w.Result().Header.Values("WWW-Authenticate")) == 0 {
				t.Fatalf("%s %x → %d %q; want 401 with a challenge", word, msg, w.Code, w.Result().Header.Values("WWW-Authenticate"))
			}
		}
	})
}
