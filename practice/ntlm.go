package practice

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5" //nolint:gosec // MS-NLMP §3.3.2: NTLMv2 is HMAC-MD5
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode/utf16"

	"golang.org/x/crypto/md4" //nolint:staticcheck // MS-NLMP §3.3.2: the NT hash is MD4(UNICODE(password))
)

// The /ntlm endpoint: Windows authentication as IIS answers it, verifying
// NTLMv2 (MS-NLMP §3.2.5.1.2, §3.3.2) in the HTTP binding of MS-NTHT §2,
// written from the specification independently of the authn client.
//
//	GET /ntlm                                    → 401, WWW-Authenticate: Negotiate and NTLM
//	GET /ntlm  Authorization: NTLM <NEGOTIATE>    → 401, WWW-Authenticate: NTLM <CHALLENGE>
//	GET /ntlm  Authorization: NTLM <AUTHENTICATE> → 200 naming the user, on the same connection
//
// The server challenge is bound to the TCP connection it was sent on, as
// Windows binds its security context to the connection: it is kept under
// the connection's local and remote address (unique among open
// connections), used once, forgotten after NTLMChallengeLifetime, in a
// store partitioned per client (partitioned: at most ntlmMaxPending per
// client). An AUTHENTICATE on another connection finds no challenge and
// is refused as such. NTLM inside "Authorization: Negotiate" (SPNEGO's
// raw-NTLM fallback) is accepted too, and answered in the same word.

// NTLMDomain is the practice server's NetBIOS domain; the demo account is
// NTLMDomain\DemoUser with DemoPassword.
const NTLMDomain = "AUTHLAB"

// NTLMChallengeLifetime is how long a CHALLENGE waits for its AUTHENTICATE.
const NTLMChallengeLifetime = 2 * time.Minute

// ntlmMaxPending bounds the open challenges per client (one per connection
// in a handshake).
const ntlmMaxPending = 32

// ntlmServerChallenge is what the server keeps for one connection.
type ntlmServerChallenge struct {
	challenge [8]byte
	timestamp []byte // the MsvAvTimestamp sent, 8 bytes
}

type ntlmVerifier struct {
	s       *Server
	pending *partitioned[ntlmServerChallenge]
}

func registerNTLM(mux *http.ServeMux, s *Server) {
	v := &ntlmVerifier{s: s, pending: newPartitioned[ntlmServerChallenge](ntlmMaxPending, maxClients)}
	s.handle(mux, "GET /ntlm", "ntlm",
		`NTLM (NTLMv2, MS-NLMP) like IIS Windows authentication (AUTHLAB\demo / demo-password): 401 offering Negotiate and NTLM, the challenge bound to the connection, the NTLMv2 proof verified`,
		v.serve)
}

// ntlmIISBody is the body IIS 10 sends with its 401.2 (HTTP Error 401.2 -
// Unauthorized), shortened.
const ntlmIISBody = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>
<title>401 - Unauthorized: Access is denied due to invalid credentials.</title>
</head>
<body>
<div id="header"><h1>Server Error</h1></div>
<div id="content">
 <div class="content-container"><fieldset>
  <h2>401 - Unauthorized: Access is denied due to invalid credentials.</h2>
  <h3>You do not have permission to view this directory or page using the credentials that you supplied.</h3>
 </fieldset></div>
</div>
</body>
</html>
`

// ntlmConnKey names the connection r came on.
func ntlmConnKey(r *http.Request) string {
	local := ""
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		local = a.String()
	}
	return "ntlm\x00" + local + "\x00" + r.RemoteAddr
}

// ntlmBody is the JSON body of a successful /ntlm answer.
type ntlmBody struct {
	OK          bool   `json:"ok"`
	User        string `json:"user"`
	Auth        string `json:"auth"`
	Workstation string `json:"workstation,omitempty"`
}

func (v *ntlmVerifier) serve(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "ntlm")
	w.Header().Set("Server", "Microsoft-IIS/10.0")
	refuse := func(verdict string, offers ...string) {
		tr.Verdict = verdict
		if len(offers) == 0 {
			offers = []string{"Negotiate", "NTLM"}
		}
		for _, o := range offers {
			w.Header().Add("WWW-Authenticate", o)
		}
		v.s.finish(w, r, tr, http.StatusUnauthorized)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(ntlmIISBody))
	}
	hs := r.Header.Values("Authorization")
	if len(hs) == 0 {
		refuse("no credentials: no Authorization header, so here is the challenge")
		return
	}
	if len(hs) > 1 {
		refuse("more than one Authorization header")
		return
	}
	word, tok, _ := strings.Cut(strings.TrimSpace(hs[0]), " ")
	if !strings.EqualFold(word, "NTLM") && !strings.EqualFold(word, "Negotiate") {
		refuse("the Authorization header uses " + oneLine(word) + ", not NTLM: answer the NTLM challenge")
		return
	}
	if strings.EqualFold(word, "NTLM") {
		word = "NTLM"
	} else {
		word = "Negotiate"
	}
	add(tr, "auth-scheme", word)
	msg, err := base64.StdEncoding.DecodeString(strings.TrimSpace(tok))
	if err != nil || len(msg) < 12 || !bytes.Equal(msg[:8], []byte("NTLMSSP\x00")) {
		verdict := "not an NTLM message: the token is not base64 of an NTLMSSP message"
		if word == "Negotiate" && err == nil {
			verdict = "not an NTLM message: a Negotiate token that is not raw NTLM (Kerberos/SPNEGO is not served here)"
		}
		refuse(verdict)
		return
	}
	switch t := binary.LittleEndian.Uint32(msg[8:]); t {
	case 1:
		v.challenge(w, r, tr, word, msg)
	case 3:
		v.authenticate(w, r, tr, word, msg, refuse)
	default:
		refuse(fmt.Sprintf("not an NTLM message the client sends: type %d (a client sends 1, NEGOTIATE, then 3, AUTHENTICATE)", t))
	}
}

// ntlmUTF16 is UNICODE(s): UTF-16LE.
func ntlmUTF16(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func ntlmFromUTF16LE(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// challenge answers a NEGOTIATE_MESSAGE with a CHALLENGE_MESSAGE (MS-NLMP
// §2.2.1.2, §3.2.5.1.1) and keeps its challenge for this connection.
func (v *ntlmVerifier) challenge(w http.ResponseWriter, r *http.Request, tr *ServerTrace, word string, neg []byte) {
	var cflags uint32
	if len(neg) >= 16 {
		cflags = binary.LittleEndian.Uint32(neg[12:])
	}
	const (
		unicode, oem, reqTarget, ntlmF, alwaysSign = 0x1, 0x2, 0x4, 0x200, 0x8000
		typeDomain, ess, targetInfo, version       = 0x10000, 0x80000, 0x800000, 0x2000000
	)
	flags := uint32(ntlmF | typeDomain | targetInfo | version | reqTarget)
	if cflags&unicode != 0 {
		flags |= unicode
	} else {
		flags |= oem
	}
	flags |= cflags & (alwaysSign | ess)

	var sc ntlmServerChallenge
	if _, err := rand.Read(sc.challenge[:]); err != nil {
		panic("practice: no randomness for an NTLM challenge: " + err.Error())
	}
	now := v.s.now()
	sc.timestamp = binary.LittleEndian.AppendUint64(nil, uint64(now.UnixNano()/100+116444736000000000))
	av := func(b []byte, id uint16, val []byte) []byte {
		b = binary.LittleEndian.AppendUint16(b, id)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(val)))
		return append(b, val...)
	}
	var info []byte
	info = av(info, 2, ntlmUTF16(NTLMDomain))
	info = av(info, 1, ntlmUTF16("PRACTICE"))
	info = av(info, 4, ntlmUTF16("authlab.test"))
	info = av(info, 3, ntlmUTF16("practice.authlab.test"))
	info = av(info, 7, sc.timestamp)
	info = av(info, 0, nil)
	target := ntlmUTF16(NTLMDomain)
	if flags&unicode == 0 {
		target = []byte(NTLMDomain)
	}
	m := make([]byte, 56, 56+len(target)+len(info))
	copy(m, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(m[8:], 2)
	binary.LittleEndian.PutUint16(m[12:], uint16(len(target)))
	binary.LittleEndian.PutUint16(m[14:], uint16(len(target)))
	binary.LittleEndian.PutUint32(m[16:], 56)
	binary.LittleEndian.PutUint32(m[20:], flags)
	copy(m[24:32], sc.challenge[:])
	binary.LittleEndian.PutUint16(m[40:], uint16(len(info)))
	binary.LittleEndian.PutUint16(m[42:], uint16(len(info)))
	binary.LittleEndian.PutUint32(m[44:], uint32(56+len(target)))
	copy(m[48:56], []byte{10, 0, 0x7c, 0x4f, 0, 0, 0, 15}) // Windows 10.0 build 20348, NTLMSSP_REVISION_W2K3
	m = append(m, target...)
	m = append(m, info...)

	v.pending.put(ClientOf(r).Key, ntlmConnKey(r), sc, now.Unix(), now.Add(NTLMChallengeLifetime), now)
	add(tr, "client flags", fmt.Sprintf("0x%08x", cflags))
	add(tr, "flags", fmt.Sprintf("0x%08x", flags))
	add(tr, "server challenge", hex.EncodeToString(sc.challenge[:]))
	add(tr, "connection", r.RemoteAddr)
	tr.Verdict = "NTLM negotiate: here is the challenge for this connection (answer it on the same connection)"
	w.Header().Set("WWW-Authenticate", word+" "+base64.StdEncoding.EncodeToString(m))
	v.s.finish(w, r, tr, http.StatusUnauthorized)
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusUnauthorized)
	w.Write([]byte(ntlmIISBody))
}

// ntlmBuf reads the (Len, MaxLen, Offset) fields at off of msg.
func ntlmBuf(msg []byte, off int) ([]byte, error) {
	if off+8 > len(msg) {
		return nil, errors.New("the message is too short")
	}
	n, at := int(binary.LittleEndian.Uint16(msg[off:])), int(binary.LittleEndian.Uint32(msg[off+4:]))
	if n == 0 {
		return nil, nil
	}
	if at > len(msg) || n > len(msg)-at {
		return nil, fmt.Errorf("a field at byte %d points outside the %d-byte message", off, len(msg))
	}
	return msg[at : at+n], nil
}

// ntlmProof is NTProofStr for password, user and domain as MS-NLMP §3.3.2
// computes it (HMAC_MD5(NTOWFv2, ServerChallenge ‖ temp)); upper says
// whether the user is uppercased, as the specification says.
func ntlmProof(password, user, domain string, upper bool, sc [8]byte, temp []byte) []byte {
	h := md4.New()
	h.Write(ntlmUTF16(password))
	if upper {
		user = strings.ToUpper(user)
	}
	k := hmac.New(md5.New, h.Sum(nil))
	k.Write(ntlmUTF16(user + domain))
	m := hmac.New(md5.New, k.Sum(nil))
	m.Write(sc[:])
	m.Write(temp)
	return m.Sum(nil)
}

// authenticate verifies an AUTHENTICATE_MESSAGE (MS-NLMP §3.2.5.1.2)
// against the challenge of this connection.
func (v *ntlmVerifier) authenticate(w http.ResponseWriter, r *http.Request, tr *ServerTrace, word string, msg []byte, refuse func(string, ...string)) {
	add(tr, "connection", r.RemoteAddr)
	sc, ok := v.pending.take(ntlmConnKey(r), v.s.now())
	if !ok {
		refuse("no NTLM challenge for this connection: the AUTHENTICATE came on another connection than the NEGOTIATE (NTLM authenticates the connection, MS-NTHT §2), or its challenge expired or was used")
		return
	}
	add(tr, "server challenge", hex.EncodeToString(sc.challenge[:]))
	if len(msg) < 64 {
		refuse("not an NTLM message: an AUTHENTICATE_MESSAGE is at least 64 bytes")
		return
	}
	flags := binary.LittleEndian.Uint32(msg[60:])
	var f [6][]byte
	for i, off := range []int{12, 20, 28, 36, 44, 52} {
		b, err := ntlmBuf(msg, off)
		if err != nil {
			refuse("not an NTLM message: " + err.Error())
			return
		}
		f[i] = b
	}
	nt, dom, usr, ws := f[1], f[2], f[3], f[4]
	str := func(b []byte) string {
		if flags&1 != 0 {
			return ntlmFromUTF16LE(b)
		}
		return string(b)
	}
	user, domain, wks := str(usr), str(dom), str(ws)
	add(tr, "user", user)
	add(tr, "domain", domain)
	add(tr, "workstation", wks)
	add(tr, "password length", length(DemoPassword))
	if len(nt) == 24 {
		refuse("NTLMv1 response: this server accepts NTLMv2 only (LmCompatibilityLevel 5); use an NTLMv2 client")
		return
	}
	if len(nt) < 16+28 || nt[16] != 1 || nt[17] != 1 {
		refuse("not an NTLMv2 response: NtChallengeResponse must be NTProofStr (16 bytes) then a blob starting 01 01 (MS-NLMP §2.2.2.7)")
		return
	}
	temp := nt[16:]
	add(tr, "client challenge", hex.EncodeToString(temp[16:24]))
	ts := binary.LittleEndian.Uint64(temp[8:16])
	add(tr, "timestamp", hex.EncodeToString(temp[8:16])+" ("+time.Unix(0, (int64(ts)-116444736000000000)*100).UTC().Format(time.RFC3339Nano)+")")
	if !strings.EqualFold(user, DemoUser) {
		refuse(fmt.Sprintf("unknown user %q in domain %q: the practice account is %s\\%s", oneLine(user), oneLine(domain), NTLMDomain, DemoUser))
		return
	}
	if domain != "" && !strings.EqualFold(domain, NTLMDomain) {
		refuse(fmt.Sprintf("unknown domain %q: this server's domain is %s (or send none)", oneLine(domain), NTLMDomain))
		return
	}
	want := ntlmProof(DemoPassword, user, domain, true, sc.challenge, temp)
	add(tr, "ntproofstr", hex.EncodeToString(want))
	if !hmac.Equal(want, nt[:16]) {
		// What a client commonly gets wrong, computed with what the
		// server knows; the first match names the mistake.
		for _, alt := range []struct {
			user, domain string
			upper        bool
			verdict      string
		}{
			{user, domain, false, "NTProofStr matches the user not uppercased: NTOWFv2 hashes Uppercase(user) ‖ domain (MS-NLMP §3.3.2)"},
			{user, strings.ToUpper(domain), true, "NTProofStr matches the domain uppercased, but the domain was sent as " + oneLine(domain) + ": hash the domain exactly as sent"},
			{user, strings.ToLower(domain), true, "NTProofStr matches the domain lowercased, but the domain was sent as " + oneLine(domain) + ": hash the domain exactly as sent"},
			{user, "", true, "NTProofStr matches an empty domain, but the domain was sent as " + oneLine(domain) + ": hash the domain you send"},
			{user, NTLMDomain, true, "NTProofStr matches domain " + NTLMDomain + ", but the domain was sent as " + oneLine(domain) + ": hash the domain you send"},
		} {
			if alt.domain == domain && alt.upper {
				continue
			}
			if hmac.Equal(ntlmProof(DemoPassword, alt.user, alt.domain, alt.upper, sc.challenge, temp), nt[:16]) {
				refuse(alt.verdict)
				return
			}
		}
		refuse("NTProofStr mismatch: wrong password (or the proof was computed for another user, domain or challenge)")
		return
	}
	tr.Verdict = "ok"
	v.s.finish(w, r, tr, http.StatusOK)
	w.Header().Set("Persistent-Auth", "true")
	writeJSON(w, http.StatusOK, ntlmBody{OK: true, User: NTLMDomain + `\` + DemoUser, Auth: word, Workstation: wks})
}
