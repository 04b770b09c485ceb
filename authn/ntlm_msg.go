package authn

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5" //nolint:gosec // MS-NLMP §3.3.2 defines NTLMv2 with HMAC-MD5
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"

	"golang.org/x/crypto/md4" //nolint:staticcheck // MS-NLMP §3.3.2: NTOWFv2 starts from MD4(UNICODE(password))
)

// The NTLM messages of MS-NLMP §2.2.1 and the NTLMv2 computation of
// §3.3.2, written from the specification. Every field a server sends is
// bounds-checked: a CHALLENGE_MESSAGE is server text like any other.

// ntlmSignature opens every NTLM message (MS-NLMP §2.2.1: "NTLMSSP\0").
var ntlmSignature = [8]byte{'N', 'T', 'L', 'M', 'S', 'S', 'P', 0}

// Message types (MS-NLMP §2.2.1.1–§2.2.1.3).
const (
	ntlmTypeNegotiate    = 1
	ntlmTypeChallenge    = 2
	ntlmTypeAuthenticate = 3
)

// ntlmFlag is one NEGOTIATE flag of MS-NLMP §2.2.2.5.
type ntlmFlag struct {
	bit  uint32
	name string
}

// ntlmFlagNames lists the flags of MS-NLMP §2.2.2.5 by bit, for the trace.
func ntlmFlagNames() []ntlmFlag {
	return []ntlmFlag{
		{0x00000001, "NEGOTIATE_UNICODE"}, {0x00000002, "NEGOTIATE_OEM"}, {0x00000004, "REQUEST_TARGET"},
		{0x00000010, "NEGOTIATE_SIGN"}, {0x00000020, "NEGOTIATE_SEAL"}, {0x00000040, "NEGOTIATE_DATAGRAM"},
		{0x00000080, "NEGOTIATE_LM_KEY"}, {0x00000200, "NEGOTIATE_NTLM"}, {0x00000800, "ANONYMOUS"},
		{0x00001000, "NEGOTIATE_OEM_DOMAIN_SUPPLIED"}, {0x00002000, "NEGOTIATE_OEM_WORKSTATION_SUPPLIED"},
		{0x00008000, "NEGOTIATE_ALWAYS_SIGN"}, {0x00010000, "TARGET_TYPE_DOMAIN"}, {0x00020000, "TARGET_TYPE_SERVER"},
		{0x00080000, "NEGOTIATE_EXTENDED_SESSIONSECURITY"}, {0x00100000, "NEGOTIATE_IDENTIFY"},
		{0x00400000, "REQUEST_NON_NT_SESSION_KEY"}, {0x00800000, "NEGOTIATE_TARGET_INFO"},
		{0x02000000, "NEGOTIATE_VERSION"}, {0x20000000, "NEGOTIATE_128"}, {0x40000000, "NEGOTIATE_KEY_EXCH"},
		{0x80000000, "NEGOTIATE_56"},
	}
}

// Flags authlab uses by name.
const (
	ntlmFlagUnicode     uint32 = 0x00000001
	ntlmFlagOEM         uint32 = 0x00000002
	ntlmFlagRequestTgt  uint32 = 0x00000004
	ntlmFlagSign        uint32 = 0x00000010
	ntlmFlagSeal        uint32 = 0x00000020
	ntlmFlagNTLM        uint32 = 0x00000200
	ntlmFlagAlwaysSign  uint32 = 0x00008000
	ntlmFlagESS         uint32 = 0x00080000
	ntlmFlagTargetInfo  uint32 = 0x00800000
	ntlmFlagVersion     uint32 = 0x02000000
	ntlmFlagKeyExch     uint32 = 0x40000000
	ntlmFlagsClientWant        = ntlmFlagUnicode | ntlmFlagOEM | ntlmFlagRequestTgt | ntlmFlagNTLM | ntlmFlagAlwaysSign | ntlmFlagESS
)

// ntlmFlagString names the set bits of f, "NEGOTIATE_UNICODE | …", with
// unknown bits in hex.
func ntlmFlagString(f uint32) string {
	var names []string
	for _, n := range ntlmFlagNames() {
		if f&n.bit != 0 {
			names = append(names, n.name)
			f &^= n.bit
		}
	}
	if f != 0 {
		names = append(names, fmt.Sprintf("0x%08x (reserved)", f))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, " | ")
}

// AV_PAIR identifiers of MS-NLMP §2.2.2.1.
const (
	ntlmAvEOL             = 0
	ntlmAvNbComputerName  = 1
	ntlmAvNbDomainName    = 2
	ntlmAvDNSComputerName = 3
	ntlmAvDNSDomainName   = 4
	ntlmAvDNSTreeName     = 5
	ntlmAvFlags           = 6
	ntlmAvTimestamp       = 7
	ntlmAvSingleHost      = 8
	ntlmAvTargetName      = 9
	ntlmAvChannelBindings = 10
)

// ntlmAvName names an AvId (MS-NLMP §2.2.2.1).
func ntlmAvName(id uint16) string {
	names := []string{"MsvAvEOL", "MsvAvNbComputerName", "MsvAvNbDomainName", "MsvAvDnsComputerName",
		"MsvAvDnsDomainName", "MsvAvDnsTreeName", "MsvAvFlags", "MsvAvTimestamp", "MsvAvSingleHost",
		"MsvAvTargetName", "MsvAvChannelBindings"}
	if int(id) < len(names) {
		return names[id]
	}
	return fmt.Sprintf("AvId %d (unknown)", id)
}

// ntlmAvPair is one AV_PAIR of a target info list.
type ntlmAvPair struct {
	ID    uint16
	Value []byte
}

// ntlmAvText renders an AV pair's value for the trace: names as text,
// the timestamp as a time, flags and the rest in hex.
func ntlmAvText(p ntlmAvPair) string {
	switch p.ID {
	case ntlmAvNbComputerName, ntlmAvNbDomainName, ntlmAvDNSComputerName, ntlmAvDNSDomainName, ntlmAvDNSTreeName, ntlmAvTargetName:
		return ntlmFromUTF16(p.Value)
	case ntlmAvTimestamp:
		if len(p.Value) == 8 {
			return hex.EncodeToString(p.Value) + " (" + ntlmFiletimeTime(binary.LittleEndian.Uint64(p.Value)).UTC().Format(time.RFC3339Nano) + ")"
		}
	case ntlmAvFlags:
		if len(p.Value) == 4 {
			return fmt.Sprintf("0x%08x", binary.LittleEndian.Uint32(p.Value))
		}
	}
	return hex.EncodeToString(p.Value)
}

// ntlmParseAvPairs reads a target info list (MS-NLMP §2.2.2.1), which
// must end with MsvAvEOL.
func ntlmParseAvPairs(b []byte) ([]ntlmAvPair, error) {
	var out []ntlmAvPair
	for len(b) > 0 {
		if len(b) < 4 {
			return out, errors.New("target info ends inside an AV_PAIR header")
		}
		id, n := binary.LittleEndian.Uint16(b), int(binary.LittleEndian.Uint16(b[2:]))
		b = b[4:]
		if id == ntlmAvEOL {
			return out, nil
		}
		if n > len(b) {
			return out, fmt.Errorf("AV_PAIR %s says %d bytes but only %d follow", ntlmAvName(id), n, len(b))
		}
		if len(out) == 64 {
			return out, errors.New("target info holds more than 64 AV_PAIRs")
		}
		out = append(out, ntlmAvPair{ID: id, Value: b[:n]})
		b = b[n:]
	}
	return out, errors.New("target info has no MsvAvEOL terminator")
}

// ntlmAvFind returns the value of the first pair with id.
func ntlmAvFind(ps []ntlmAvPair, id uint16) ([]byte, bool) {
	for _, p := range ps {
		if p.ID == id {
			return p.Value, true
		}
	}
	return nil, false
}

// ntlmToUTF16 is UNICODE(s) of MS-NLMP §3.3.2: UTF-16LE without a BOM.
func ntlmToUTF16(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// ntlmFromUTF16 decodes UTF-16LE (an odd last byte is dropped).
func ntlmFromUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// ntlmEpochDelta is the number of 100 ns intervals from 1601-01-01 (the
// FILETIME epoch, MS-DTYP §2.3.3) to 1970-01-01.
const ntlmEpochDelta = 116444736000000000

// ntlmFiletime converts t to a FILETIME (MS-DTYP §2.3.3).
func ntlmFiletime(t time.Time) uint64 {
	return uint64(t.UnixNano()/100 + ntlmEpochDelta)
}

// ntlmFiletimeTime converts a FILETIME to a time.
func ntlmFiletimeTime(ft uint64) time.Time {
	if ft < ntlmEpochDelta {
		return time.Unix(0, 0).Add(-time.Duration(ntlmEpochDelta-ft) * 100)
	}
	return time.Unix(0, int64(ft-ntlmEpochDelta)*100)
}

// ntlmChallengeMsg is a decoded CHALLENGE_MESSAGE (MS-NLMP §2.2.1.2).
type ntlmChallengeMsg struct {
	Flags           uint32
	TargetName      string
	ServerChallenge [8]byte
	TargetInfo      []byte // the raw AV_PAIR list, copied into the NTLMv2 response
	AvPairs         []ntlmAvPair
	Version         []byte // 8 bytes when present
}

// ntlmField reads the (Len, MaxLen, BufferOffset) triple at off and returns
// the bytes it points at.
func ntlmField(msg []byte, off int, name string) ([]byte, error) {
	if off+8 > len(msg) {
		return nil, fmt.Errorf("the message is too short for its %s fields", name)
	}
	n := int(binary.LittleEndian.Uint16(msg[off:]))
	at := int(binary.LittleEndian.Uint32(msg[off+4:]))
	if n == 0 {
		return nil, nil
	}
	if at < 0 || at > len(msg) || n > len(msg)-at {
		return nil, fmt.Errorf("its %s points at bytes %d–%d of a %d-byte message", name, at, at+n, len(msg))
	}
	return msg[at : at+n], nil
}

// ntlmParseChallenge decodes a CHALLENGE_MESSAGE.
func ntlmParseChallenge(msg []byte) (*ntlmChallengeMsg, error) {
	if len(msg) < 32 || !bytes.Equal(msg[:8], ntlmSignature[:]) {
		return nil, errors.New("not an NTLM message (no NTLMSSP signature)")
	}
	if t := binary.LittleEndian.Uint32(msg[8:]); t != ntlmTypeChallenge {
		return nil, fmt.Errorf("NTLM message type %d, not 2 (CHALLENGE_MESSAGE)", t)
	}
	c := &ntlmChallengeMsg{Flags: binary.LittleEndian.Uint32(msg[20:])}
	copy(c.ServerChallenge[:], msg[24:32])
	name, err := ntlmField(msg, 12, "TargetName")
	if err != nil {
		return nil, err
	}
	if c.Flags&ntlmFlagUnicode != 0 {
		c.TargetName = ntlmFromUTF16(name)
	} else {
		c.TargetName = string(name)
	}
	if len(msg) >= 48 {
		if c.TargetInfo, err = ntlmField(msg, 40, "TargetInfo"); err != nil {
			return nil, err
		}
		if len(c.TargetInfo) > 0 {
			if c.AvPairs, err = ntlmParseAvPairs(c.TargetInfo); err != nil {
				return nil, err
			}
		}
	}
	if c.Flags&ntlmFlagVersion != 0 && len(msg) >= 56 {
		c.Version = msg[48:56]
	}
	return c, nil
}

// ntlmNegotiateMsg builds a NEGOTIATE_MESSAGE (MS-NLMP §2.2.1.1) with
// flags and no domain or workstation (they are not supplied: no
// NEGOTIATE_OEM_*_SUPPLIED flag) nor version.
func ntlmNegotiateMsg(flags uint32) []byte {
	b := make([]byte, 32)
	copy(b, ntlmSignature[:])
	binary.LittleEndian.PutUint32(b[8:], ntlmTypeNegotiate)
	binary.LittleEndian.PutUint32(b[12:], flags)
	// DomainNameFields and WorkstationFields: zero length, offset 32.
	binary.LittleEndian.PutUint32(b[20:], 32)
	binary.LittleEndian.PutUint32(b[28:], 32)
	return b
}

// ntlmParseNegotiate reads the flags of a NEGOTIATE_MESSAGE.
func ntlmParseNegotiate(msg []byte) (uint32, error) {
	if len(msg) < 16 || !bytes.Equal(msg[:8], ntlmSignature[:]) || binary.LittleEndian.Uint32(msg[8:]) != ntlmTypeNegotiate {
		return 0, errors.New("not an NTLM NEGOTIATE_MESSAGE")
	}
	return binary.LittleEndian.Uint32(msg[12:]), nil
}

// ntlmAuthMsg is what goes into an AUTHENTICATE_MESSAGE (MS-NLMP
// §2.2.1.3). Strings are already encoded (UTF-16LE with NEGOTIATE_UNICODE).
// Version and SessionKey are only for reproducing the published example
// (§4.2.4.3, with key exchange); authlab's own messages carry neither,
// since session security is not negotiated.
type ntlmAuthMsg struct {
	Flags                     uint32
	LmResponse, NtResponse    []byte
	Domain, User, Workstation []byte
	SessionKey                []byte // EncryptedRandomSessionKey
	Version                   []byte // 8 bytes, or nil
}

// bytes lays the message out as the example of MS-NLMP §4.2.4.3 does: the
// fixed part (with Version when set), then the payload in the order
// domain, user, workstation, LM response, NT response, session key.
func (m ntlmAuthMsg) bytes() []byte {
	head := 64
	if m.Version != nil {
		head += 8
	}
	b := make([]byte, head, head+len(m.Domain)+len(m.User)+len(m.Workstation)+len(m.LmResponse)+len(m.NtResponse)+len(m.SessionKey))
	copy(b, ntlmSignature[:])
	binary.LittleEndian.PutUint32(b[8:], ntlmTypeAuthenticate)
	put := func(fieldAt int, v []byte) {
		binary.LittleEndian.PutUint16(b[fieldAt:], uint16(len(v)))
		binary.LittleEndian.PutUint16(b[fieldAt+2:], uint16(len(v)))
		binary.LittleEndian.PutUint32(b[fieldAt+4:], uint32(len(b)))
		b = append(b, v...)
	}
	put(28, m.Domain)
	put(36, m.User)
	put(44, m.Workstation)
	put(12, m.LmResponse)
	put(20, m.NtResponse)
	put(52, m.SessionKey)
	binary.LittleEndian.PutUint32(b[60:], m.Flags)
	if m.Version != nil {
		copy(b[64:72], m.Version)
	}
	return b
}

// ntlmParseAuth decodes an AUTHENTICATE_MESSAGE (for tests and the
// practice comparison's mirror of it).
func ntlmParseAuth(msg []byte) (ntlmAuthMsg, error) {
	var m ntlmAuthMsg
	if len(msg) < 64 || !bytes.Equal(msg[:8], ntlmSignature[:]) || binary.LittleEndian.Uint32(msg[8:]) != ntlmTypeAuthenticate {
		return m, errors.New("not an NTLM AUTHENTICATE_MESSAGE")
	}
	m.Flags = binary.LittleEndian.Uint32(msg[60:])
	var err error
	for _, f := range []struct {
		at   int
		name string
		dst  *[]byte
	}{{12, "LmChallengeResponse", &m.LmResponse}, {20, "NtChallengeResponse", &m.NtResponse},
		{28, "DomainName", &m.Domain}, {36, "UserName", &m.User}, {44, "Workstation", &m.Workstation},
		{52, "EncryptedRandomSessionKey", &m.SessionKey}} {
		if *f.dst, err = ntlmField(msg, f.at, f.name); err != nil {
			return m, err
		}
	}
	return m, nil
}

// ntlmV2 holds the values of the NTLMv2 computation (MS-NLMP §3.3.2).
type ntlmV2 struct {
	NTOWFv2        []byte // ResponseKeyNT = ResponseKeyLM (password-equivalent)
	Temp           []byte // the NTLMv2_CLIENT_CHALLENGE blob
	NTProofStr     []byte
	NtResponse     []byte // NTProofStr ‖ temp
	LmResponse     []byte // LMv2: HMAC_MD5(ResponseKeyLM, ServerChallenge ‖ ClientChallenge) ‖ ClientChallenge
	SessionBaseKey []byte
}

// ntlmHMAC is HMAC_MD5(key, data...).
func ntlmHMAC(key []byte, data ...[]byte) []byte {
	m := hmac.New(md5.New, key)
	for _, d := range data {
		m.Write(d)
	}
	return m.Sum(nil)
}

// ntlmNTOWFv2 is MS-NLMP §3.3.2's
//
//	NTOWFv2(Passwd, User, UserDom) = HMAC_MD5(MD4(UNICODE(Passwd)), UNICODE(ConcatenationOf(Uppercase(User), UserDom)))
func ntlmNTOWFv2(password, user, domain string) []byte {
	h := md4.New()
	h.Write(ntlmToUTF16(password))
	return ntlmHMAC(h.Sum(nil), ntlmToUTF16(strings.ToUpper(user)+domain))
}

// ntlmComputeV2 computes the NTLMv2 responses of MS-NLMP §3.3.2:
//
//	temp = Responserversion ‖ HiResponserversion ‖ Z(6) ‖ Time ‖ ClientChallenge ‖ Z(4) ‖ ServerName ‖ Z(4)
//	NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge ‖ temp)
//	NtChallengeResponse = NTProofStr ‖ temp
//	LmChallengeResponse = HMAC_MD5(ResponseKeyLM, ServerChallenge ‖ ClientChallenge) ‖ ClientChallenge
//	SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr)
//
// where ServerName is the server's target info (AV_PAIRs) as received and
// Time is a FILETIME, little-endian.
func ntlmComputeV2(password, user, domain string, serverChallenge, clientChallenge [8]byte, filetime uint64, targetInfo []byte) ntlmV2 {
	var r ntlmV2
	r.NTOWFv2 = ntlmNTOWFv2(password, user, domain)
	t := make([]byte, 0, 28+len(targetInfo)+4)
	t = append(t, 1, 1, 0, 0, 0, 0, 0, 0)
	t = binary.LittleEndian.AppendUint64(t, filetime)
	t = append(t, clientChallenge[:]...)
	t = append(t, 0, 0, 0, 0)
	t = append(t, targetInfo...)
	t = append(t, 0, 0, 0, 0)
	r.Temp = t
	r.NTProofStr = ntlmHMAC(r.NTOWFv2, serverChallenge[:], t)
	r.NtResponse = append(bytes.Clone(r.NTProofStr), t...)
	r.LmResponse = append(ntlmHMAC(r.NTOWFv2, serverChallenge[:], clientChallenge[:]), clientChallenge[:]...)
	r.SessionBaseKey = ntlmHMAC(r.NTOWFv2, r.NTProofStr)
	return r
}
