package authn

import (
	"bytes"
	"crypto/rc4" //nolint:gosec // only to reproduce MS-NLMP §4.2.4's key exchange in the published example
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// ntlmVector is testdata/ntlm/ms-nlmp-4.2.4.json: MS-NLMP §4.2.4 (NTLMv2
// authentication) with the common values of §4.2.1.
type ntlmVector struct {
	User, Domain, Password, Workstation string
	ServerName                          string `json:"server_name"`
	RandomSessionKey                    string `json:"random_session_key"`
	Time                                string
	ClientChallenge                     string `json:"client_challenge"`
	ServerChallenge                     string `json:"server_challenge"`
	ChallengeFlags                      string `json:"challenge_flags"`
	NTOWFv2                             string `json:"ntowfv2"`
	SessionBaseKey                      string `json:"session_base_key"`
	Temp                                string
	LMv2                                string `json:"lmv2_response"`
	NTProofStr                          string `json:"ntproofstr"`
	EncryptedSessionKey                 string `json:"encrypted_session_key"`
	ChallengeMessage                    string `json:"challenge_message"`
	AuthenticateFlags                   string `json:"authenticate_flags"`
	Version                             string
	AuthenticateMessage                 string `json:"authenticate_message"`
}

func loadNTLMVector(t *testing.T) ntlmVector {
	t.Helper()
	b, err := os.ReadFile("testdata/ntlm/ms-nlmp-4.2.4.json")
	if err != nil {
		t.Fatal(err)
	}
	var v ntlmVector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// TestNTLMv2Vector reproduces MS-NLMP §4.2.4.1 and §4.2.4.2 from the
// CHALLENGE_MESSAGE of §4.2.4.3: NTOWFv2, temp, NTProofStr, LMv2 and the
// session base key.
func TestNTLMv2Vector(t *testing.T) {
	v := loadNTLMVector(t)
	ch, err := ntlmParseChallenge(unhex(t, v.ChallengeMessage))
	if err != nil {
		t.Fatalf("ntlmParseChallenge(§4.2.4.3) = %v", err)
	}
	if got, want := ch.Flags, binary.LittleEndian.Uint32(unhex(t, v.ChallengeFlags)); got != want {
		t.Errorf("challenge flags = %08x; want %08x", got, want)
	}
	if got := hex.EncodeToString(ch.ServerChallenge[:]); got != v.ServerChallenge {
		t.Errorf("server challenge = %s; want %s", got, v.ServerChallenge)
	}
	if nb, _ := ntlmAvFind(ch.AvPairs, ntlmAvNbComputerName); ntlmFromUTF16(nb) != v.ServerName {
		t.Errorf("MsvAvNbComputerName = %q; want %q", ntlmFromUTF16(nb), v.ServerName)
	}
	if nd, _ := ntlmAvFind(ch.AvPairs, ntlmAvNbDomainName); ntlmFromUTF16(nd) != v.Domain {
		t.Errorf("MsvAvNbDomainName = %q; want %q", ntlmFromUTF16(nd), v.Domain)
	}
	var cc [8]byte
	copy(cc[:], unhex(t, v.ClientChallenge))
	r := ntlmComputeV2(v.Password, v.User, v.Domain, ch.ServerChallenge, cc, binary.LittleEndian.Uint64(unhex(t, v.Time)), ch.TargetInfo)
	for _, c := range []struct {
		name      string
		got, want []byte
	}{
		{"NTOWFv2", r.NTOWFv2, unhex(t, v.NTOWFv2)},
		{"temp", r.Temp, unhex(t, v.Temp)},
		{"NTProofStr", r.NTProofStr, unhex(t, v.NTProofStr)},
		{"LMv2", r.LmResponse, unhex(t, v.LMv2)},
		{"SessionBaseKey", r.SessionBaseKey, unhex(t, v.SessionBaseKey)},
		{"NtChallengeResponse", r.NtResponse, append(unhex(t, v.NTProofStr), unhex(t, v.Temp)...)},
	} {
		if !bytes.Equal(c.got, c.want) {
			t.Errorf("%s = %x; want %x", c.name, c.got, c.want)
		}
	}
}

// TestNTLMAuthenticateVector lays out the AUTHENTICATE_MESSAGE of MS-NLMP
// §4.2.4.3 byte for byte: the example negotiates key exchange, so its
// EncryptedRandomSessionKey is RC4(SessionBaseKey, RandomSessionKey)
// (§3.1.5.1.2), checked against the published value too.
func TestNTLMAuthenticateVector(t *testing.T) {
	v := loadNTLMVector(t)
	var sc, cc [8]byte
	copy(sc[:], unhex(t, v.ServerChallenge))
	copy(cc[:], unhex(t, v.ClientChallenge))
	ch, err := ntlmParseChallenge(unhex(t, v.ChallengeMessage))
	if err != nil {
		t.Fatal(err)
	}
	r := ntlmComputeV2(v.Password, v.User, v.Domain, sc, cc, 0, ch.TargetInfo)
	c, err := rc4.NewCipher(r.SessionBaseKey)
	if err != nil {
		t.Fatal(err)
	}
	enc := make([]byte, 16)
	c.XORKeyStream(enc, unhex(t, v.RandomSessionKey))
	if got := hex.EncodeToString(enc); got != v.EncryptedSessionKey {
		t.Errorf("EncryptedRandomSessionKey = %s; want %s", got, v.EncryptedSessionKey)
	}
	msg := ntlmAuthMsg{
		Flags: binary.LittleEndian.Uint32(unhex(t, v.AuthenticateFlags)), LmResponse: r.LmResponse, NtResponse: r.NtResponse,
		Domain: ntlmToUTF16(v.Domain), User: ntlmToUTF16(v.User), Workstation: ntlmToUTF16(v.Workstation),
		SessionKey: enc, Version: unhex(t, v.Version),
	}.bytes()
	want := unhex(t, v.AuthenticateMessage)
	if !bytes.Equal(msg, want) {
		at := 0
		for at < len(msg) && at < len(want) && msg[at] == want[at] {
			at++
		}
		t.Fatalf("AUTHENTICATE_MESSAGE differs from §4.2.4.3 at byte %d:\n got %x\nwant %x", at, msg, want)
	}
	back, err := ntlmParseAuth(msg)
	if err != nil {
		t.Fatal(err)
	}
	if ntlmFromUTF16(back.User) != v.User || ntlmFromUTF16(back.Domain) != v.Domain || ntlmFromUTF16(back.Workstation) != v.Workstation {
		t.Errorf("ntlmParseAuth = %q %q %q; want %q %q %q", ntlmFromUTF16(back.User), ntlmFromUTF16(back.Domain), ntlmFromUTF16(back.Workstation), v.User, v.Domain, v.Workstation)
	}
}

// TestNTLMFlagString names the flags of the §4.2.4 CHALLENGE_MESSAGE.
func TestNTLMFlagString(t *testing.T) {
	tests := []struct {
		flags uint32
		want  string
	}{
		{0xe28a8233, "NEGOTIATE_UNICODE | NEGOTIATE_OEM | NEGOTIATE_SIGN | NEGOTIATE_SEAL | NEGOTIATE_NTLM | NEGOTIATE_ALWAYS_SIGN | TARGET_TYPE_SERVER | NEGOTIATE_EXTENDED_SESSIONSECURITY | NEGOTIATE_TARGET_INFO | NEGOTIATE_VERSION | NEGOTIATE_128 | NEGOTIATE_KEY_EXCH | NEGOTIATE_56"},
		{0, "none"},
		{0x00000008, "0x00000008 (reserved)"},
	}
	for _, tt := range tests {
		if got := ntlmFlagString(tt.flags); got != tt.want {
			t.Errorf("ntlmFlagString(%08x) = %q; want %q", tt.flags, got, tt.want)
		}
	}
}

// TestNTLMParseChallengeHostile: server bytes that point outside the
// message, lie about lengths or are not NTLM are refused with a reason.
func TestNTLMParseChallengeHostile(t *testing.T) {
	v := loadNTLMVector(t)
	good := unhex(t, v.ChallengeMessage)
	mut := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	tests := []struct {
		name string
		msg  []byte
		want string
	}{
		{"empty", nil, "no NTLMSSP signature"},
		{"type 1", mut(func(b []byte) []byte { b[8] = 1; return b }), "not 2"},
		{"target info past the end", mut(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[44:], 0xfffffff0); return b }), "TargetInfo points at"},
		{"AV pair too long", mut(func(b []byte) []byte { binary.LittleEndian.PutUint16(b[0x46:], 0x7fff); return b }), "only"},
		{"no EOL", mut(func(b []byte) []byte { binary.LittleEndian.PutUint16(b[40:], 0x24-4); return b }), "MsvAvEOL"},
		{"short", good[:40], ""},
	}
	for _, tt := range tests {
		_, err := ntlmParseChallenge(tt.msg)
		if tt.want == "" {
			continue // must not panic; a 40-byte message has no target info fields
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: ntlmParseChallenge = %v; want an error containing %q", tt.name, err, tt.want)
		}
	}
}

// FuzzNTLMChallenge: no server bytes make the parser panic, and what it
// accepts has its fields inside the message.
func FuzzNTLMChallenge(f *testing.F) {
	v, _ := os.ReadFile("testdata/ntlm/ms-nlmp-4.2.4.json")
	var vec ntlmVector
	_ = json.Unmarshal(v, &vec)
	if b, err := hex.DecodeString(vec.ChallengeMessage); err == nil {
		f.Add(b)
	}
	f.Add(ntlmNegotiateMsg(ntlmFlagsClientWant))
	f.Fuzz(func(t *testing.T, b []byte) {
		ch, err := ntlmParseChallenge(b)
		if err == nil && len(ch.TargetInfo) > len(b) {
			t.Fatalf("target info longer than the message")
		}
		_, _ = ntlmParseAuth(b)
	})
}

// TestNTLMTimestamp: pinned RFC 3339 and hex, the server's MsvAvTimestamp,
// the clock, and a bad pin naming the field.
func TestNTLMTimestamp(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := binary.LittleEndian.AppendUint64(nil, ntlmFiletime(at.Add(time.Hour)))
	withTS := &ntlmChallengeMsg{AvPairs: []ntlmAvPair{{ID: ntlmAvTimestamp, Value: srv}}}
	tests := []struct {
		pin     string
		ch      *ntlmChallengeMsg
		want    time.Time
		source  string
		wantErr bool
	}{
		{"2026-01-02T03:04:05Z", withTS, at, "pinned", false},
		{hex.EncodeToString(binary.LittleEndian.AppendUint64(nil, ntlmFiletime(at))), withTS, at, "pinned", false},
		{"", withTS, at.Add(time.Hour), "the server's MsvAvTimestamp", false},
		{"", &ntlmChallengeMsg{}, at, "this clock", false},
		{"yesterday", withTS, time.Time{}, "", true},
	}
	for _, tt := range tests {
		ft, src, err := ntlmTimestamp(tt.pin, tt.ch, func() time.Time { return at })
		if tt.wantErr {
			if ie, ok := err.(*InputError); !ok || ie.Field != "timestamp" {
				t.Errorf("ntlmTimestamp(%q) error = %v; want an InputError for field timestamp", tt.pin, err)
			}
			continue
		}
		if err != nil || !ntlmFiletimeTime(ft).Equal(tt.want) || src != tt.source {
			t.Errorf("ntlmTimestamp(%q) = %v, %q, %v; want %v, %q", tt.pin, ntlmFiletimeTime(ft).UTC(), src, err, tt.want, tt.source)
		}
	}
}

// TestNTLMNegotiateHeader: the first request carries a NEGOTIATE_MESSAGE
// the practice server and any NTLM server can read.
func TestNTLMNegotiateHeader(t *testing.T) {
	env := Env{Call: &Session{}}
	out := &Outgoing{Method: "GET", Header: map[string][]string{}}
	var tr Trace
	if err := (ntlm{}).Authorize(out, Credentials{"username": "u"}, env, &tr); err != nil {
		t.Fatal(err)
	}
	h := out.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "NTLM ")
	if !ok {
		t.Fatalf("Authorization = %q; want NTLM <base64>", h)
	}
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	flags, err := ntlmParseNegotiate(raw)
	if err != nil || flags != ntlmFlagsClientWant || flags&(ntlmFlagSign|ntlmFlagSeal|ntlmFlagKeyExch) != 0 {
		t.Errorf("NEGOTIATE flags = %08x, %v; want %08x without SIGN, SEAL or KEY_EXCH", flags, err, ntlmFlagsClientWant)
	}
}

// TestNTLMFlowVector drives the scheme itself (Authorize, Answer with the
// §4.2.4.3 CHALLENGE_MESSAGE, Authorize) with the example's pinned client
// challenge and time: the AUTHENTICATE it sends carries the published
// NtChallengeResponse, and the trace's NTOWFv2, NTProofStr and
// SessionBaseKey are the published values, masked until revealed.
func TestNTLMFlowVector(t *testing.T) {
	v := loadNTLMVector(t)
	creds := Credentials{"username": v.User, "password": v.Password, "domain": v.Domain, "workstation": v.Workstation,
		"client_challenge": v.ClientChallenge, "timestamp": v.Time}
	env := Env{Call: &Session{}, Now: time.Now}
	var tr Trace
	out := &Outgoing{Method: "GET", Header: map[string][]string{}}
	if err := (ntlm{}).Authorize(out, creds, env, &tr); err != nil {
		t.Fatal(err)
	}
	chal := base64.StdEncoding.EncodeToString(unhex(t, v.ChallengeMessage))
	call := &Call{Creds: creds, Env: env, Trace: &tr}
	retry, err := (ntlm{}).Answer(t.Context(), call, &Response{Status: 401, Header: map[string][]string{"Www-Authenticate": {"NTLM " + chal}}})
	if err != nil || !retry || call.Role != ntlmRoleAuthenticate {
		t.Fatalf("Answer(§4.2.4.3 challenge) = %v, %v, role %q; want a retry as authenticate", retry, err, call.Role)
	}
	out = &Outgoing{Method: "GET", Header: map[string][]string{}}
	if err := (ntlm{}).Authorize(out, creds, env, &tr); err != nil {
		t.Fatal(err)
	}
	tok, _ := strings.CutPrefix(out.Header.Get("Authorization"), "NTLM ")
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ntlmParseAuth(raw)
	if err != nil {
		t.Fatal(err)
	}
	if want := append(unhex(t, v.NTProofStr), unhex(t, v.Temp)...); !bytes.Equal(m.NtResponse, want) {
		t.Errorf("NtChallengeResponse = %x; want %x", m.NtResponse, want)
	}
	if len(m.LmResponse) != 0 || len(m.SessionKey) != 0 {
		t.Errorf("LM response %d bytes, session key %d bytes; want none (target info present, no key exchange)", len(m.LmResponse), len(m.SessionKey))
	}
	got := map[string]Value{}
	for _, s := range tr.Steps {
		for _, val := range s.Values {
			got[val.Label] = val
		}
	}
	for label, want := range map[string]string{"NTOWFv2": v.NTOWFv2, "NTProofStr": v.NTProofStr, "SessionBaseKey": v.SessionBaseKey} {
		if g := got[label]; g.Text != want || !g.Secret || strings.Contains(g.Masked, want) {
			t.Errorf("trace %s = %+v; want %s, secret and masked", label, g, want)
		}
	}
	if g := got["Authorization"]; !g.Secret || strings.Contains(g.Masked, tok) {
		t.Errorf("the AUTHENTICATE header is not masked in the trace: %+v", g)
	}
}
