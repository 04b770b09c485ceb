package authn

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ntlm implements NTLM authentication over HTTP: the NTLMv2 response of
// MS-NLMP §3.3.2 with session security not negotiated (no signing, sealing
// or key exchange: HTTP carries no NTLM-protected messages), in the HTTP
// binding of MS-NTHT §2 (`Authorization: NTLM <base64>`; the same messages
// inside `Negotiate` when the server offers only that).
//
// It is a Flow and ConnBound: the three messages go on one connection,
// because a server keeps its CHALLENGE with the connection it sent it on.
//
//	→ NEGOTIATE_MESSAGE     (Authorization: NTLM TlRMTVNTUAAB…)
//	← 401 CHALLENGE_MESSAGE (WWW-Authenticate: NTLM TlRMTVNTUAAC…)
//	→ AUTHENTICATE_MESSAGE  (Authorization: NTLM TlRMTVNTUAAD…), the user's request
//
// The handshake lives in Env.Call (this call's connection), never in the
// engine's Session: a CHALLENGE is no use on another connection.
type ntlm struct{}

func init() { register(ntlm{}) }

// Roles of the two exchanges of the handshake, for the flow view.
const (
	ntlmRoleNegotiate    = "negotiate"
	ntlmRoleAuthenticate = "authenticate"
)

func (ntlm) Info() Info {
	return Info{
		Name:    "ntlm",
		Title:   "NTLM",
		Summary: "Windows challenge–response (NTLMv2) over one kept connection: negotiate, the server's 401 challenge, then an HMAC-MD5 proof of the password.",
		Spec:    "MS-NLMP (NTLMv2), MS-NTHT",
		Rank:    80,
		// MS-NTHT §2.2.1: the server's 401 offers "NTLM"; inside
		// "Negotiate" (RFC 4559) only as SPNEGO's fallback, which the
		// flow tries when NTLM is not offered (see Answer).
		Challenges: []string{"NTLM"},
		// The NTLMv2 blob carries a timestamp: the server's own
		// (MsvAvTimestamp) when it sends one (MS-NLMP §3.1.5.2.1), else
		// the client's clock.
		ClockNote: "NTLM: the NTLMv2 response carries a timestamp, the client's clock when the server sends no MsvAvTimestamp; a server may refuse a blob far from its own time (MS-NLMP §2.2.2.7)",
		Fields: []Field{
			{Name: "username", Label: "Username", Required: true,
				Help: `the account name; "DOMAIN\user" fills the domain when it is empty`},
			{Name: "password", Label: "Password", Secret: true,
				Help: "never sent: NTOWFv2 = HMAC-MD5(MD4(password), USER‖domain) keys the proof (MS-NLMP §3.3.2)"},
			{Name: "domain", Label: "Domain",
				Help: "the user's domain (NetBIOS name, e.g. CORP); case matters to the hash: NTOWFv2 uppercases the user, not the domain"},
			{Name: "workstation", Label: "Workstation",
				Help: "the client machine's name sent in AUTHENTICATE (informational)"},
			{Name: "client_challenge", Label: "Client challenge", Pinnable: true,
				Help: "8 random bytes per answer (16 hex digits); pin it only to reproduce a trace or MS-NLMP §4.2.4"},
			{Name: "timestamp", Label: "Timestamp", Pinnable: true,
				Help: "the NTLMv2 blob's time: the server's MsvAvTimestamp, else now; pin as RFC 3339 or 16 hex digits (FILETIME, little-endian)"},
		},
	}
}

// BindsConnection marks NTLM as ConnBound.
func (ntlm) BindsConnection() {}

// ntlmKey is where the handshake lives in Env.Call.
const ntlmKey = "ntlm"

// ntlmState is one call's handshake. Values in the Session are replaced,
// not modified.
type ntlmState struct {
	word      string            // "NTLM" or "Negotiate": the auth-scheme of the Authorization header
	negotiate []byte            // the NEGOTIATE_MESSAGE sent
	challenge *ntlmChallengeMsg // the server's answer to it, until AUTHENTICATE is sent
	rawChal   []byte
	phase     int // what was sent last: ntlmSentNegotiate or ntlmSentAuthenticate
	restarts  int // NEGOTIATE sent again in another header (Negotiate)
}

const (
	ntlmSentNegotiate = iota + 1
	ntlmSentAuthenticate
)

func ntlmGet(env Env) ntlmState {
	if st, ok := env.Call.Get(ntlmKey).(ntlmState); ok {
		return st
	}
	return ntlmState{word: "NTLM"}
}

// Prepare starts the handshake: the first exchange carries the
// NEGOTIATE_MESSAGE.
func (ntlm) Prepare(_ context.Context, c *Call) error {
	c.Role = ntlmRoleNegotiate
	c.Trace.Add("NTLM authenticates the connection, not the request", "MS-NTHT §2, MS-NLMP §1.3.1.1",
		"The three messages must travel on one TCP connection: the server keeps the challenge it sent with the connection. "+
			"authlab gives this call a connection of its own (HTTP/1.1, kept alive between the messages, closed afterwards).",
		Plain("target", originOf(c.URL)))
	return nil
}

// ntlmSplitUser takes "DOMAIN\user" apart when no domain is given.
func ntlmSplitUser(user, domain string) (string, string) {
	if domain == "" {
		if d, u, ok := strings.Cut(user, `\`); ok {
			return u, d
		}
	}
	return user, domain
}

// Authorize sends the NEGOTIATE_MESSAGE, or the AUTHENTICATE_MESSAGE once
// the server's CHALLENGE_MESSAGE is in hand.
func (ntlm) Authorize(out *Outgoing, c Credentials, env Env, tr *Trace) error {
	st := ntlmGet(env)
	if st.challenge == nil {
		msg := ntlmNegotiateMsg(ntlmFlagsClientWant)
		h := st.word + " " + base64.StdEncoding.EncodeToString(msg)
		out.SetHeader("Authorization", h, h) // nothing secret: flags only
		tr.Add("NEGOTIATE_MESSAGE (type 1): what the client can do", "MS-NLMP §2.2.1.1, MS-NTHT §2.2.2",
			"The client offers its capabilities. No session security is asked for (no NEGOTIATE_SIGN, _SEAL or _KEY_EXCH): "+
				"over HTTP only the authentication matters. No domain or workstation is supplied here; they go in AUTHENTICATE.",
			Plain("Signature", "NTLMSSP\\0"), Plain("MessageType", "1"),
			Plain("NegotiateFlags", fmt.Sprintf("0x%08x = %s", ntlmFlagsClientWant, ntlmFlagString(ntlmFlagsClientWant))),
			Plain("message (hex)", hex.EncodeToString(msg)),
			Plain("Authorization", h))
		st.negotiate, st.phase = msg, ntlmSentNegotiate
		env.Call.Set(ntlmKey, st)
		return nil
	}

	user, domain := ntlmSplitUser(c.Get("username"), c.Get("domain"))
	pass, ws := c.Get("password"), c.Get("workstation")
	ch := st.challenge
	cc, ccPinned, err := ntlmClientChallenge(c.Get("client_challenge"), env.Rand)
	if err != nil {
		return err
	}
	ft, ftSource, err := ntlmTimestamp(c.Get("timestamp"), ch, env.Now)
	if err != nil {
		return err
	}
	r := ntlmComputeV2(pass, user, domain, ch.ServerChallenge, cc, ft, ch.TargetInfo)
	lm := r.LmResponse
	lmNote := "The server sent no target info, so the LMv2 response goes too: HMAC_MD5(NTOWFv2, ServerChallenge ‖ ClientChallenge) ‖ ClientChallenge."
	if len(ch.TargetInfo) > 0 {
		// MS-NLMP §3.1.5.2.1: "If NTLM v2 authentication is used and the
		// CHALLENGE_MESSAGE contains a TargetInfo field, the client SHOULD
		// NOT send the LmChallengeResponse field".
		lm = nil
		lmNote = "The CHALLENGE carries target info, so no LmChallengeResponse is sent (its length is 0, MS-NLMP §3.1.5.2.1): only the NTLMv2 response counts. LMv2 would be HMAC_MD5(NTOWFv2, ServerChallenge ‖ ClientChallenge) ‖ ClientChallenge."
	}
	flags := ch.Flags & (ntlmFlagsClientWant | ntlmFlagTargetInfo)
	if flags&ntlmFlagUnicode != 0 {
		flags &^= ntlmFlagOEM
	}
	enc := func(s string) []byte {
		if flags&ntlmFlagUnicode != 0 {
			return ntlmToUTF16(s)
		}
		return []byte(s)
	}
	msg := ntlmAuthMsg{Flags: flags, LmResponse: lm, NtResponse: r.NtResponse,
		Domain: enc(domain), User: enc(user), Workstation: enc(ws)}.bytes()

	ccLabel, tsLabel := "client challenge", "timestamp"
	if ccPinned {
		ccLabel += " (pinned)"
	}
	tsLabel += " (" + ftSource + ")"
	tr.Add("Gather the NTLMv2 inputs", "MS-NLMP §3.3.2, §2.2.2.7",
		"The proof combines the password, the user and domain, the server's challenge, 8 random bytes of the client's and a time, and the server's target info as it was received.",
		Plain("user", user), Plain("domain", domain), Plain("workstation", ws),
		Secret("password", pass, Mask(pass)),
		Plain("server challenge", hex.EncodeToString(ch.ServerChallenge[:])),
		Plain(ccLabel, hex.EncodeToString(cc[:])),
		Plain(tsLabel, fmt.Sprintf("%016x", ntlmLE64(ft))+" ("+ntlmFiletimeTime(ft).UTC().Format(time.RFC3339Nano)+")"))
	tr.Add("NTOWFv2 = HMAC_MD5(MD4(UNICODE(password)), UNICODE(Uppercase(user) ‖ domain))", "MS-NLMP §3.3.2",
		"The NT hash MD4(UNICODE(password)) is what Windows stores; keyed with the uppercased user and the domain as typed it gives NTOWFv2, "+
			"which is password-equivalent: whoever has it can answer any challenge for this user.",
		Plain("Uppercase(user) ‖ domain", strings.ToUpper(user)+domain),
		Secret("NTOWFv2", hex.EncodeToString(r.NTOWFv2), ""))
	tr.Add("temp: the NTLMv2_CLIENT_CHALLENGE blob", "MS-NLMP §2.2.2.7, §3.3.2",
		"temp = 0x01 0x01 Z(6) ‖ Time ‖ ClientChallenge ‖ Z(4) ‖ the server's AV_PAIRs ‖ Z(4). It travels in clear inside NtChallengeResponse; the server reads the client challenge and time from it.",
		Plain("temp", hex.EncodeToString(r.Temp)))
	tr.Add("NTProofStr = HMAC_MD5(NTOWFv2, ServerChallenge ‖ temp)", "MS-NLMP §3.3.2",
		"The proof: the server recomputes it from the NT hash it stores and compares. NtChallengeResponse = NTProofStr ‖ temp.",
		Secret("NTProofStr", hex.EncodeToString(r.NTProofStr), ""),
		Plain("NtChallengeResponse length", fmt.Sprintf("%d bytes", len(r.NtResponse))))
	lmVals := []Value{Plain("LmChallengeResponse length", fmt.Sprintf("%d bytes", len(lm)))}
	if len(lm) > 0 {
		lmVals = append(lmVals, Secret("LmChallengeResponse", hex.EncodeToString(lm), ""))
	}
	tr.Add("LmChallengeResponse", "MS-NLMP §3.3.2, §3.1.5.2.1", lmNote, lmVals...)
	tr.Add("SessionBaseKey = HMAC_MD5(NTOWFv2, NTProofStr)", "MS-NLMP §3.3.2, §3.4",
		"Both sides derive it; with session security negotiated it would key signing and sealing (with NEGOTIATE_KEY_EXCH, an encrypted random key). "+
			"Over HTTP no session security is negotiated, so it is computed and not used: EncryptedRandomSessionKey is empty.",
		Secret("SessionBaseKey", hex.EncodeToString(r.SessionBaseKey), ""))

	h := st.word + " " + base64.StdEncoding.EncodeToString(msg)
	masked := st.word + " " + Mask("")
	out.SetHeader("Authorization", h, masked)
	tr.Add("AUTHENTICATE_MESSAGE (type 3), with the user's request", "MS-NLMP §2.2.1.3, MS-NTHT §2.2.2",
		"The flags are the server's, limited to what the client offered; the strings are UTF-16LE (NEGOTIATE_UNICODE). No MIC and no session key: session security is off.",
		Plain("Signature", "NTLMSSP\\0"), Plain("MessageType", "3"),
		Plain("NegotiateFlags", fmt.Sprintf("0x%08x = %s", flags, ntlmFlagString(flags))),
		Plain("DomainName", domain), Plain("UserName", user), Plain("Workstation", ws),
		Plain("LmChallengeResponse", fmt.Sprintf("%d bytes", len(lm))),
		Plain("NtChallengeResponse", fmt.Sprintf("%d bytes", len(r.NtResponse))),
		Plain("EncryptedRandomSessionKey", "0 bytes"),
		Secret("Authorization", h, masked))
	st.challenge, st.rawChal, st.phase = nil, nil, ntlmSentAuthenticate
	env.Call.Set(ntlmKey, st)
	return nil
}

// ntlmLE64 returns the bytes of v little-endian as one number, so %016x
// prints them in wire order.
func ntlmLE64(v uint64) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return binary.BigEndian.Uint64(b[:])
}

// ntlmClientChallenge returns the pinned client challenge or 8 random bytes.
func ntlmClientChallenge(pinned string, rnd io.Reader) (cc [8]byte, wasPinned bool, err error) {
	if pinned != "" {
		b, err := hex.DecodeString(pinned)
		if err != nil || len(b) != 8 {
			return cc, true, &InputError{Field: "client_challenge", Problem: fmt.Sprintf("field \"client_challenge\" must be 16 hex digits (8 bytes), not %q", pinned),
				Fix: "leave it empty for a random one, or pin e.g. -c client_challenge=aaaaaaaaaaaaaaaa"}
		}
		copy(cc[:], b)
		return cc, true, nil
	}
	if rnd == nil {
		return cc, false, fmt.Errorf("ntlm: no randomness source for the client challenge")
	}
	if _, err := io.ReadFull(rnd, cc[:]); err != nil {
		return cc, false, fmt.Errorf("ntlm: reading randomness for the client challenge: %w", err)
	}
	return cc, false, nil
}

// ntlmTimestamp is the blob's Time: pinned, else the server's
// MsvAvTimestamp (MS-NLMP §3.1.5.2.1: "Set Time to
// CHALLENGE_MESSAGE.TargetInfo.Value of the AVPair"), else the clock.
func ntlmTimestamp(pinned string, ch *ntlmChallengeMsg, now func() time.Time) (uint64, string, error) {
	if pinned != "" {
		if t, err := time.Parse(time.RFC3339Nano, pinned); err == nil {
			return ntlmFiletime(t), "pinned", nil
		}
		b, err := hex.DecodeString(pinned)
		if err != nil || len(b) != 8 {
			return 0, "", &InputError{Field: "timestamp", Problem: fmt.Sprintf("field \"timestamp\" must be an RFC 3339 time or 16 hex digits, not %q", pinned),
				Fix: "leave it empty, or pin e.g. -c timestamp=2026-01-02T03:04:05Z or -c timestamp=0000000000000000"}
		}
		return binary.LittleEndian.Uint64(b), "pinned", nil
	}
	if v, ok := ntlmAvFind(ch.AvPairs, ntlmAvTimestamp); ok && len(v) == 8 {
		return binary.LittleEndian.Uint64(v), "the server's MsvAvTimestamp", nil
	}
	if now == nil {
		now = time.Now
	}
	return ntlmFiletime(now()), "this clock", nil
}

// ntlmTokens returns the token68 of each NTLM or Negotiate challenge.
func ntlmTokens(h http.Header) (ntlmTok, negTok string, offersNTLM, offersNeg bool) {
	cs, _ := ParseChallenges(h.Values("WWW-Authenticate"))
	for _, c := range cs {
		switch {
		case c.Is("NTLM"):
			offersNTLM = true
			if ntlmTok == "" {
				ntlmTok = c.Token68
			}
		case c.Is("Negotiate"):
			offersNeg = true
			if negTok == "" {
				negTok = c.Token68
			}
		}
	}
	return
}

// Answer reads the CHALLENGE_MESSAGE of a 401 that answers the NEGOTIATE
// and asks for the request to go again (with AUTHENTICATE, on the same
// connection). A 401 that answers AUTHENTICATE means the proof was
// refused: no retry, the hints explain.
func (ntlm) Answer(_ context.Context, c *Call, resp *Response) (bool, error) {
	st := ntlmGet(c.Env)
	if resp.Status != http.StatusUnauthorized {
		if st.phase == ntlmSentAuthenticate && resp.Status < 400 {
			c.Trace.Add("The server accepted the AUTHENTICATE_MESSAGE", "MS-NTHT §2",
				"The connection is now authenticated as this user; the response is the user's request's.", Plain("status", fmt.Sprint(resp.Status)))
		}
		return false, nil
	}
	ntlmTok, negTok, offersNTLM, offersNeg := ntlmTokens(resp.Header)
	var vals []Value
	for _, h := range resp.Header.Values("WWW-Authenticate") {
		vals = append(vals, Plain("WWW-Authenticate", h)) // as received; renderers sanitize server text
	}
	if st.phase == ntlmSentAuthenticate {
		c.Trace.Add("The server refused the AUTHENTICATE_MESSAGE", "MS-NLMP §3.2.5.1.2, MS-NTHT §2",
			"A 401 answered the NTLMv2 proof computed from this connection's own challenge: the server computed another NTProofStr, "+
				"so the password, the user or the domain is wrong (or the account may not log on here). Retrying would repeat it.", vals...)
		return false, nil
	}
	tok := negTok
	if st.word == "NTLM" {
		tok = ntlmTok
	}
	if tok == "" {
		// No challenge for this NEGOTIATE. A server that offers only
		// Negotiate may still take NTLM inside it (SPNEGO's fallback,
		// as IIS does): try once.
		if st.word == "NTLM" && !offersNTLM && offersNeg && negTok == "" && st.restarts == 0 {
			st.word, st.restarts = "Negotiate", 1
			c.Env.Call.Set(ntlmKey, st)
			c.Role = ntlmRoleNegotiate
			c.Trace.Add("The server offers Negotiate, not NTLM: try NTLM inside Negotiate", "RFC 4559 §4, MS-NTHT §2.2.1",
				"Negotiate (SPNEGO) usually means Kerberos, which authlab cannot do; a Windows server also accepts an NTLM token in it. authlab sends the NEGOTIATE_MESSAGE again as Authorization: Negotiate.", vals...)
			return true, nil
		}
		why := "The 401 carries no challenge token for the NEGOTIATE_MESSAGE: the server did not continue the handshake (it may not accept NTLM, or a proxy between changed the connection)."
		if negTok != "" {
			why = "The server answered with a Negotiate token that is not an NTLM CHALLENGE_MESSAGE: it wants Kerberos (SPNEGO), which authlab cannot answer."
		}
		c.Trace.Add("No NTLM challenge to answer", "MS-NTHT §2.2.1, RFC 4559 §4", why, vals...)
		return false, nil
	}
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err == nil {
		var ch *ntlmChallengeMsg
		if ch, err = ntlmParseChallenge(raw); err == nil {
			st.challenge, st.rawChal = ch, raw
			c.Env.Call.Set(ntlmKey, st)
			c.Role = ntlmRoleAuthenticate
			ntlmTraceChallenge(c.Trace, ch, raw, vals)
			return true, nil
		}
	}
	if st.word == "Negotiate" {
		c.Trace.Add("The Negotiate token is not an NTLM challenge", "RFC 4559 §4",
			"The server's Negotiate answer is a Kerberos/SPNEGO token ("+err.Error()+"): authlab cannot answer Kerberos.", vals...)
		return false, nil
	}
	c.Trace.Add("Unusable NTLM challenge", "MS-NLMP §2.2.1.2", "The WWW-Authenticate: NTLM token cannot be read: "+err.Error()+".", vals...)
	return false, nil
}

// ntlmTraceChallenge decodes the CHALLENGE_MESSAGE field by field.
func ntlmTraceChallenge(tr *Trace, ch *ntlmChallengeMsg, raw []byte, vals []Value) {
	vals = append(vals,
		Plain("Signature", "NTLMSSP\\0"), Plain("MessageType", "2"),
		Plain("TargetName", ch.TargetName),
		Plain("NegotiateFlags", fmt.Sprintf("0x%08x = %s", ch.Flags, ntlmFlagString(ch.Flags))),
		Plain("server challenge", hex.EncodeToString(ch.ServerChallenge[:])))
	for _, p := range ch.AvPairs {
		vals = append(vals, Plain("TargetInfo "+ntlmAvName(p.ID), ntlmAvText(p)))
	}
	if ch.Version != nil {
		v := ch.Version
		vals = append(vals, Plain("Version", fmt.Sprintf("%d.%d build %d, NTLM revision %d", v[0], v[1], binary.LittleEndian.Uint16(v[2:]), v[7])))
	}
	vals = append(vals, Plain("message (hex)", hex.EncodeToString(raw)))
	tr.Add("Read the CHALLENGE_MESSAGE (type 2)", "MS-NLMP §2.2.1.2, §2.2.2.1",
		"The server's 8-byte challenge, the flags it agrees to and its target info (AV_PAIRs: its names, and a timestamp), which the client copies into its NTLMv2 response. "+
			"authlab answers on the same connection.", vals...)
}

// ExplainOffer describes an NTLM challenge (MS-NTHT §2.2.1).
func (ntlm) ExplainOffer(c Challenge) (detail, ref string, ok bool) {
	detail = "NTLM: a three-message Windows handshake (negotiate, the server's challenge, the NTLMv2 proof of the password) bound to one kept-alive connection. " +
		"Deprecated by Microsoft in favour of Kerberos, still common on intranet IIS and proxies."
	if c.Token68 != "" {
		detail += " This challenge carries a CHALLENGE_MESSAGE: the middle step of a handshake."
	}
	return detail, "MS-NTHT §2, MS-NLMP §3.1.5", true
}
