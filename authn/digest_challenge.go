package authn

import (
	"crypto/md5" //nolint:gosec // RFC 7616 §3.2: MD5 is one of the Digest algorithms
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"
)

// digestAlg is one Digest algorithm of the RFC 7616 §6.1 registry: its hash
// function and whether it is a "-sess" variant (RFC 7616 §3.4.2).
type digestAlg struct {
	name string // canonical spelling, e.g. "SHA-256-sess"
	hash func() hash.Hash
	sess bool
	rank int // higher is stronger: SHA-512-256 > SHA-256 > MD5 (RFC 7616 §3.7)
}

// digestAlgs lists the supported algorithms, strongest first. Read-only.
var digestAlgs = []digestAlg{
	{"SHA-512-256", sha512.New512_256, false, 3},
	{"SHA-512-256-sess", sha512.New512_256, true, 3},
	{"SHA-256", sha256.New, false, 2},
	{"SHA-256-sess", sha256.New, true, 2},
	{"MD5", md5.New, false, 1},
	{"MD5-sess", md5.New, true, 1},
}

// digestAlgNames are the canonical names of digestAlgs, in order.
func digestAlgNames() []string {
	out := make([]string, len(digestAlgs))
	for i, a := range digestAlgs {
		out[i] = a.name
	}
	return out
}

// digestLookupAlg finds an algorithm by name, case-insensitively (RFC 7616
// §3.3 compares tokens without regard to case). An empty name is MD5, the
// default when the challenge has no algorithm parameter (RFC 7616 §3.3).
func digestLookupAlg(name string) (digestAlg, bool) {
	if name == "" {
		name = "MD5"
	}
	for _, a := range digestAlgs {
		if strings.EqualFold(a.name, name) {
			return a, true
		}
	}
	return digestAlg{}, false
}

// H is the algorithm's hash of s as lower-case hex (RFC 7616 §3.4: the
// output is "a string of 2*n hexadecimal digits").
func (a digestAlg) H(s string) string {
	h := a.hash()
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

// HBytes is H over raw bytes (the entity body of qop=auth-int).
func (a digestAlg) HBytes(b []byte) string {
	h := a.hash()
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// digestChallenge is one parsed Digest challenge (RFC 7616 §3.3). Every
// string came from the server and is untrusted.
type digestChallenge struct {
	realm     string
	nonce     string
	opaque    string
	hasOpaque bool
	algorithm string // as sent; "" when absent (MD5 is then implied)
	alg       digestAlg
	algOK     bool     // alg is supported
	qops      []string // the qop list, as sent; nil when the challenge has no qop (RFC 2069)
	stale     bool
	userhash  bool
	charset   string
	domain    string
}

// digestParseChallenge reads a Digest challenge's parameters. A challenge
// without realm or nonce cannot be answered (RFC 7616 §3.3: both are
// required).
func digestParseChallenge(c Challenge) (digestChallenge, error) {
	var d digestChallenge
	if !c.Is("Digest") {
		return d, fmt.Errorf("not a Digest challenge but %q", c.Scheme)
	}
	var ok bool
	if d.realm, ok = c.Param("realm"); !ok {
		return d, fmt.Errorf("the Digest challenge has no realm (RFC 7616 §3.3 requires one)")
	}
	if d.nonce, ok = c.Param("nonce"); !ok || d.nonce == "" {
		return d, fmt.Errorf("the Digest challenge has no nonce (RFC 7616 §3.3 requires one)")
	}
	d.opaque, d.hasOpaque = c.Param("opaque")
	d.algorithm, _ = c.Param("algorithm")
	d.alg, d.algOK = digestLookupAlg(strings.TrimSpace(d.algorithm))
	if q, ok := c.Param("qop"); ok {
		d.qops = []string{}
		for _, v := range strings.Split(q, ",") {
			if v = strings.TrimSpace(v); v != "" {
				d.qops = append(d.qops, v)
			}
		}
	}
	st, _ := c.Param("stale")
	d.stale = strings.EqualFold(strings.TrimSpace(st), "true")
	uh, _ := c.Param("userhash")
	d.userhash = strings.EqualFold(strings.TrimSpace(uh), "true")
	d.charset, _ = c.Param("charset")
	d.domain, _ = c.Param("domain")
	return d, nil
}

// offersQop reports whether the challenge lists qop (case-insensitively).
func (d digestChallenge) offersQop(qop string) bool {
	for _, q := range d.qops {
		if strings.EqualFold(q, qop) {
			return true
		}
	}
	return false
}

// algName is the algorithm's name for display: as sent, or "MD5 (default)".
func (d digestChallenge) algName() string {
	if d.algorithm == "" {
		return "MD5 (default: no algorithm parameter)"
	}
	return d.algorithm
}

// digestChoice is the outcome of picking among a response's challenges.
type digestChoice struct {
	chosen      digestChallenge
	ok          bool
	all         []digestChallenge // every well-formed Digest challenge, in order
	unsupported []string          // algorithms offered that authlab cannot compute
	malformed   error             // the first Digest challenge that could not be read
}

// digestPick chooses the challenge to answer among cs: the strongest
// supported algorithm (SHA-512-256 > SHA-256 > MD5, the order RFC 7616 §3.7
// asks servers to list them in), the server's order breaking ties. want,
// when not "" or "auto", accepts only that algorithm.
func digestPick(cs []Challenge, want string) digestChoice {
	var r digestChoice
	for _, c := range cs {
		if !c.Is("Digest") {
			continue
		}
		d, err := digestParseChallenge(c)
		if err != nil {
			if r.malformed == nil {
				r.malformed = err
			}
			continue
		}
		r.all = append(r.all, d)
		if !d.algOK {
			r.unsupported = append(r.unsupported, d.algorithm)
			continue
		}
		if want != "" && want != "auto" && !strings.EqualFold(d.alg.name, want) {
			continue
		}
		if !r.ok || d.alg.rank > r.chosen.alg.rank {
			r.chosen, r.ok = d, true
		}
	}
	return r
}

// digestChallenges returns the Digest challenges of a response's
// WWW-Authenticate fields (RFC 9110 §11.6.1), leniently parsed.
func digestChallenges(h []string) []Challenge {
	cs, _ := ParseChallenges(h)
	return cs
}

// digestParseAuthorization reads the parameters of an `Authorization:
// Digest …` value (RFC 7616 §3.4), which share the auth-param syntax of a
// challenge. Names are lower-cased; ok is false when the value is not a
// Digest credential.
func digestParseAuthorization(v string) (map[string]string, bool) {
	cs, _ := ParseChallenges([]string{v})
	if len(cs) == 0 || !cs[0].Is("Digest") {
		return nil, false
	}
	m := make(map[string]string, len(cs[0].Params))
	for _, p := range cs[0].Params {
		if _, dup := m[p.Name]; !dup {
			m[p.Name] = p.Value
		}
	}
	return m, true
}
