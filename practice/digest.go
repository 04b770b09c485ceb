package practice

import (
	"crypto/hmac"
	"crypto/md5" //nolint:gosec // RFC 7616 §3.2 algorithm
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The /digest endpoint: an RFC 7616 protection space that verifies HTTP
// Digest answers strictly, written independently of the authn client.
//
// Its nonces carry their issue time and an HMAC under a key made at
// startup over that time, random bytes and the partition key of the client
// it was issued to (Client.Key; RFC 7616 §5.5 suggests the client's
// address), so the server keeps no list of issued nonces: it recognises its
// own, refuses forged ones and ones issued to another address, and answers
// stale=true when one is older than DigestNonceLifetime (RFC 7616 §3.3). It
// remembers the highest nc seen per nonce, in a store partitioned per
// client (partitioned), and refuses a count that does not go up (RFC 7616
// §3.4, §5.5: replay).
//
// Eviction never re-opens replay: a nonce a client's own flood made the
// server forget has an issue time at or below that client's floor and is
// answered stale=true (the client takes the new nonce). Because a nonce
// only verifies from the address it was issued to, a captured request
// replayed from another address is refused whatever that address flooded,
// and the floor a flooder raises is its own.
//
// Query parameters choose what the challenge offers (they are part of the
// request-target, so the uri of the answer must carry them too):
//
//	algorithm=SHA-512-256,MD5   the algorithms offered, one challenge each, in
//	                            this order (default SHA-256,MD5: RFC 7616 §3.7
//	                            lists the preferred one first); any of MD5,
//	                            SHA-256, SHA-512-256 and their -sess variants
//	qop=auth-int                auth, auth-int, "auth,auth-int" (default) or
//	                            none (RFC 2069 compatibility: no nc, no cnonce)
//	userhash=true               announce userhash=true (RFC 7616 §3.4.4); a
//	                            hashed username is accepted either way

// DigestRealm is the realm of /digest; the demo credentials are DemoUser and
// DemoPassword.
const DigestRealm = "authlab-practice@digest"

// DigestNonceLifetime is how long a /digest nonce stays fresh; after that the
// server answers stale=true.
const DigestNonceLifetime = 5 * time.Minute

// digestMaxNonces bounds the nonces whose highest nc is remembered, per
// client.
const digestMaxNonces = 500

func registerDigest(mux *http.ServeMux, s *Server) {
	v := newDigestVerifier(s, digestMaxNonces, maxClients)
	s.handle(mux, "/digest", "digest",
		"RFC 7616 Digest (demo / demo-password): strict nonce, realm, uri, algorithm and nc checks; "+
			"?algorithm=SHA-512-256,MD5 &qop=auth-int|auth|none &userhash=true choose the challenge (default SHA-256 and MD5, qop auth and auth-int)",
		v.serve)
}

// digestServerAlg is one algorithm the server can verify (RFC 7616 §6.1).
type digestServerAlg struct {
	name string
	hash func() hash.Hash
	sess bool
}

// digestServerAlgs is the server's own algorithm table. Read-only.
var digestServerAlgs = []digestServerAlg{
	{"MD5", md5.New, false}, {"MD5-sess", md5.New, true},
	{"SHA-256", sha256.New, false}, {"SHA-256-sess", sha256.New, true},
	{"SHA-512-256", sha512.New512_256, false}, {"SHA-512-256-sess", sha512.New512_256, true},
}

func digestServerLookup(name string) (digestServerAlg, bool) {
	for _, a := range digestServerAlgs {
		if strings.EqualFold(a.name, name) {
			return a, true
		}
	}
	return digestServerAlg{}, false
}

func (a digestServerAlg) h(b []byte) string {
	x := a.hash()
	x.Write(b)
	return hex.EncodeToString(x.Sum(nil))
}

// digestVerifier is the state of /digest: the nonce key and the nc table.
type digestVerifier struct {
	s    *Server
	key  []byte
	seen *partitioned[uint64] // nonce → highest nc accepted, stamped with the issue time
}

// newDigestVerifier remembers the nc of quota nonces per client, for at
// most clients clients.
func newDigestVerifier(s *Server, quota, clients int) *digestVerifier {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic("practice: no randomness for the digest nonce key: " + err.Error())
	}
	return &digestVerifier{s: s, key: key, seen: newPartitioned[uint64](quota, clients)}
}

// digestOffer is what one request's challenge offers.
type digestOffer struct {
	algs     []digestServerAlg
	qops     []string // nil: RFC 2069 mode, no qop parameter
	userhash bool
}

// digestParseOffer reads the query parameters that choose the challenge.
func digestParseOffer(q url.Values) (digestOffer, error) {
	o := digestOffer{qops: []string{"auth", "auth-int"}}
	names := []string{"SHA-256", "MD5"}
	if v := q.Get("algorithm"); v != "" {
		names = strings.Split(v, ",")
	}
	for _, n := range names {
		a, ok := digestServerLookup(strings.TrimSpace(n))
		if !ok {
			return o, fmt.Errorf("unknown algorithm %q in the query; use MD5, SHA-256, SHA-512-256 or their -sess variants, comma-separated", strings.TrimSpace(n))
		}
		o.algs = append(o.algs, a)
	}
	switch v := strings.ReplaceAll(q.Get("qop"), " ", ""); v {
	case "", "auth,auth-int":
	case "auth-int,auth":
		o.qops = []string{"auth-int", "auth"}
	case "auth", "auth-int":
		o.qops = []string{v}
	case "none":
		o.qops = nil
	default:
		return o, fmt.Errorf("unknown qop %q in the query; use auth, auth-int, auth,auth-int or none", v)
	}
	if o.qops == nil {
		for _, a := range o.algs {
			if a.sess {
				return o, fmt.Errorf("%s needs qop: its HA1 is made with the cnonce, which an answer without qop (RFC 2069) does not carry", a.name)
			}
		}
	}
	switch v := q.Get("userhash"); v {
	case "", "false":
	case "true":
		o.userhash = true
	default:
		return o, fmt.Errorf("userhash must be true or false, not %q", v)
	}
	return o, nil
}

// digestBody is the JSON body of every /digest answer.
type digestBody struct {
	OK        bool   `json:"ok"`
	User      string `json:"user,omitempty"`
	Algorithm string `json:"algorithm,omitempty"`
	Qop       string `json:"qop,omitempty"`
	NC        string `json:"nc,omitempty"`
	Error     string `json:"error,omitempty"`
	Message   string `json:"message,omitempty"`
}

// digestRefusal is a verification failure: the status, a short error code
// for the body, the trace verdict and whether the nonce was merely stale.
type digestRefusal struct {
	status  int
	code    string
	verdict string
	stale   bool
}

func (v *digestVerifier) serve(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "digest")
	offer, err := digestParseOffer(r.URL.Query())
	if err != nil {
		tr.Verdict = "bad query: " + err.Error()
		v.s.finish(w, r, tr, http.StatusBadRequest)
		writeJSON(w, http.StatusBadRequest, digestBody{Error: "bad_request", Message: err.Error()})
		return
	}
	var algs []string
	for _, a := range offer.algs {
		algs = append(algs, a.name)
	}
	add(tr, "offered algorithms", strings.Join(algs, ", "))
	add(tr, "offered qop", digestQopList(offer.qops, "none (RFC 2069)"))

	ok, ref := v.verify(w, r, tr, offer)
	if ref != nil {
		tr.Verdict = ref.verdict
		if ref.status == http.StatusUnauthorized {
			for _, c := range v.challenges(ClientOf(r).Key, offer, ref.stale) {
				w.Header().Add("WWW-Authenticate", c)
			}
		}
		v.s.finish(w, r, tr, ref.status)
		writeJSON(w, ref.status, digestBody{Error: ref.code, Message: ref.verdict})
		return
	}
	tr.Verdict = "ok"
	v.s.finish(w, r, tr, http.StatusOK)
	writeJSON(w, http.StatusOK, ok)
}

// digestQopList renders a qop list ("auth, auth-int").
func digestQopList(qops []string, none string) string {
	if qops == nil {
		return none
	}
	return strings.Join(qops, ", ")
}

// challenges builds one WWW-Authenticate value per offered algorithm, all
// with the same fresh nonce (RFC 7616 §3.7, as in its §3.9.1 example).
func (v *digestVerifier) challenges(client string, o digestOffer, stale bool) []string {
	nonce := v.newNonce(client)
	var out []string
	for _, a := range o.algs {
		var b strings.Builder
		fmt.Fprintf(&b, `Digest realm="%s"`, DigestRealm)
		if o.qops != nil {
			fmt.Fprintf(&b, `, qop="%s"`, strings.Join(o.qops, ", "))
		}
		fmt.Fprintf(&b, `, algorithm=%s, nonce="%s", opaque="%s", charset=UTF-8`, a.name, nonce, v.opaque())
		if o.userhash {
			b.WriteString(", userhash=true")
		}
		if stale {
			b.WriteString(", stale=true")
		}
		out = append(out, b.String())
	}
	return out
}

// opaque is the server's opaque value, which clients must echo unchanged.
func (v *digestVerifier) opaque() string {
	m := hmac.New(sha256.New, v.key)
	m.Write([]byte("opaque"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// newNonce issues, for the client with partition key client,
// base64url(time ‖ random ‖ HMAC(key, time ‖ random ‖ client)[:16]).
func (v *digestVerifier) newNonce(client string) string {
	b := make([]byte, 8+8, 8+8+16)
	binary.BigEndian.PutUint64(b, uint64(v.s.now().Unix()))
	if _, err := rand.Read(b[8:16]); err != nil {
		panic("practice: no randomness for a digest nonce: " + err.Error())
	}
	b = append(b, v.nonceMAC(b, client)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// nonceMAC is HMAC(key, time ‖ random ‖ client)[:16].
func (v *digestVerifier) nonceMAC(head []byte, client string) []byte {
	m := hmac.New(sha256.New, v.key)
	m.Write(head[:16])
	m.Write([]byte(client))
	return m.Sum(nil)[:16]
}

// checkNonce reports the nonce's issue time, or why it is not one this
// server issued to client.
func (v *digestVerifier) checkNonce(nonce, client string) (time.Time, error) {
	b, err := base64.RawURLEncoding.DecodeString(nonce)
	if err != nil || len(b) != 32 {
		return time.Time{}, errors.New("not a nonce this server issued (wrong shape)")
	}
	if !hmac.Equal(v.nonceMAC(b, client), b[16:]) {
		return time.Time{}, errors.New("not a nonce this server issued to your address (its MAC does not verify: forged, or issued to another client)")
	}
	return time.Unix(int64(binary.BigEndian.Uint64(b[:8])), 0), nil
}

// takeNC records nc for nonce, issued to client at issued (Unix seconds),
// and reports the highest count accepted before it; ok is false when nc
// does not go up (a replay) or the nonce is not remembered and was issued
// at or before the client's floor (forgotten by eviction: answered stale).
// The entry is kept until the nonce is past DigestNonceLifetime, after
// which verify refuses it as stale by its age alone.
func (v *digestVerifier) takeNC(client, nonce string, issued int64, nc uint64) (prev uint64, ok, forgotten bool) {
	now := v.s.now()
	st := v.seen
	st.mu.Lock()
	defer st.mu.Unlock()
	if e, known := st.lookup(nonce, now); known {
		if nc <= e.val {
			return e.val, false, false
		}
		prev, e.val = e.val, nc
		return prev, true, false
	}
	if issued <= st.floorLocked(client) {
		return 0, false, true
	}
	st.putLocked(client, nonce, nc, issued, time.Unix(issued, 0).Add(DigestNonceLifetime+time.Second), now)
	return 0, true, false
}

// verify checks one request. On success it returns the body to send; on
// failure the refusal (the caller adds a challenge to a 401).
func (v *digestVerifier) verify(w http.ResponseWriter, r *http.Request, tr *ServerTrace, o digestOffer) (digestBody, *digestRefusal) {
	unauthorized := func(code, verdict string) (digestBody, *digestRefusal) {
		add(tr, "verdict detail", verdict)
		return digestBody{}, &digestRefusal{status: http.StatusUnauthorized, code: code, verdict: verdict}
	}
	bad := func(verdict string) (digestBody, *digestRefusal) {
		add(tr, "verdict detail", verdict)
		return digestBody{}, &digestRefusal{status: http.StatusBadRequest, code: "bad_request", verdict: verdict}
	}

	hs := r.Header.Values("Authorization")
	switch {
	case len(hs) == 0:
		return unauthorized("unauthorized", "no credentials: no Authorization header, so here is the challenge")
	case len(hs) > 1:
		return bad("more than one Authorization header")
	}
	scheme, rest, _ := strings.Cut(strings.TrimLeft(hs[0], " "), " ")
	if !strings.EqualFold(scheme, "Digest") {
		return unauthorized("unauthorized", "the Authorization header uses "+oneLine(scheme)+", not Digest: answer the Digest challenge")
	}
	params, err := digestParseParams(rest)
	if err != nil {
		return bad("malformed Digest Authorization header: " + err.Error())
	}

	// Who: username, username* (RFC 8187) or a userhash.
	username, hasUser := params["username"]
	extUser, hasExt := params["username*"]
	userhash := strings.EqualFold(params["userhash"], "true")
	switch {
	case hasUser && hasExt:
		return bad("both username and username* were sent; RFC 7616 §3.4 allows one")
	case hasExt && userhash:
		return bad("username* with userhash=true; a hashed username is sent as username")
	case hasExt:
		u, err := digestDecodeExt(extUser)
		if err != nil {
			return bad("username*: " + err.Error())
		}
		username = u
	case !hasUser:
		return bad("the username parameter is missing")
	}
	for _, name := range []string{"realm", "nonce", "uri", "response"} {
		if _, ok := params[name]; !ok {
			return bad("the " + name + " parameter is missing (RFC 7616 §3.4)")
		}
	}
	if userhash {
		add(tr, "userhash", username)
	} else {
		add(tr, "username", username)
	}
	add(tr, "password length", length(DemoPassword))

	// Where and what: uri must be this request's request-target.
	uri := params["uri"]
	add(tr, "method", r.Method)
	add(tr, "uri", uri)
	add(tr, "request-target", r.RequestURI)
	if uri != r.RequestURI {
		return bad("uri " + strconv.Quote(uri) + " is not the request-target " + strconv.Quote(r.RequestURI) + " (RFC 7616 §3.4.6)")
	}

	realm := params["realm"]
	add(tr, "realm", realm)
	if realm != DigestRealm {
		return unauthorized("unauthorized", "realm mismatch: "+strconv.Quote(realm)+" is not this server's "+strconv.Quote(DigestRealm))
	}

	algName, hasAlg := params["algorithm"]
	if !hasAlg {
		algName = "MD5"
	}
	add(tr, "algorithm", algName)
	var alg digestServerAlg
	found := false
	for _, a := range o.algs {
		if strings.EqualFold(a.name, algName) {
			alg, found = a, true
		}
	}
	if !found {
		var names []string
		for _, a := range o.algs {
			names = append(names, a.name)
		}
		what := "algorithm " + strconv.Quote(algName)
		if !hasAlg {
			what = "no algorithm (that is MD5)"
		}
		return unauthorized("unauthorized", what+" was not offered; this challenge offers "+strings.Join(names, ", "))
	}

	nonce := params["nonce"]
	add(tr, "nonce", nonce)
	client := ClientOf(r).Key
	issued, err := v.checkNonce(nonce, client)
	if err != nil {
		return unauthorized("unauthorized", "nonce: "+err.Error())
	}
	age := v.s.now().Sub(issued)
	add(tr, "nonce age", age.Truncate(time.Second).String())
	switch {
	case age < -time.Minute:
		return unauthorized("unauthorized", "nonce: issued in the future; not one of this server's")
	case age > DigestNonceLifetime:
		body, ref := unauthorized("stale", fmt.Sprintf("stale nonce: issued %s ago, lifetime %s; the new challenge has stale=true", age.Truncate(time.Second), DigestNonceLifetime))
		ref.stale = true
		return body, ref
	}

	opaque, hasOpaque := params["opaque"]
	if !hasOpaque || opaque != v.opaque() {
		return unauthorized("unauthorized", "opaque was not echoed unchanged (RFC 7616 §3.3)")
	}

	qop, hasQop := params["qop"]
	nc, cnonce := params["nc"], params["cnonce"]
	var ncVal uint64
	switch {
	case o.qops != nil && !hasQop:
		return unauthorized("unauthorized", "no qop: this challenge offers qop "+strings.Join(o.qops, ", ")+", so the answer must carry qop, nc and cnonce (RFC 7616 §3.4)")
	case o.qops == nil && hasQop:
		return unauthorized("unauthorized", "qop "+strconv.Quote(qop)+" was not offered: this challenge is RFC 2069 style (no qop)")
	case hasQop:
		offered := false
		for _, q := range o.qops {
			offered = offered || q == qop
		}
		if !offered {
			return unauthorized("unauthorized", "qop "+strconv.Quote(qop)+" was not offered; this challenge offers "+strings.Join(o.qops, ", "))
		}
		add(tr, "qop", qop)
		if _, ok := params["nc"]; !ok {
			return bad("qop is set but nc is missing (RFC 7616 §3.4)")
		}
		if _, ok := params["cnonce"]; !ok {
			return bad("qop is set but cnonce is missing (RFC 7616 §3.4)")
		}
		add(tr, "nc", nc)
		add(tr, "cnonce", cnonce)
		if len(nc) != 8 || strings.Trim(nc, "0123456789abcdefABCDEF") != "" {
			return bad("nc " + strconv.Quote(nc) + " is not 8 hexadecimal digits (RFC 7616 §3.4)")
		}
		ncVal, _ = strconv.ParseUint(nc, 16, 32)
		if ncVal == 0 {
			return bad("nc 00000000: the first request with a nonce counts 00000001")
		}
	default:
		add(tr, "qop", "none (RFC 2069)")
	}

	// Whose password: the demo user, named plainly or by userhash.
	H := func(s string) string { return alg.h([]byte(s)) }
	if userhash {
		if !equal(strings.ToLower(username), H(DemoUser+":"+DigestRealm)) {
			return unauthorized("unauthorized", "unknown userhash: it is not H(username:realm) of a user of this realm")
		}
		username = DemoUser
		add(tr, "username", username)
	} else if username != DemoUser {
		return unauthorized("unauthorized", "unknown user "+strconv.Quote(username)+" (the demo user is "+DemoUser+")")
	}

	body, err := readBody(w, r)
	if err != nil {
		return bad(err.Error())
	}
	a2 := r.Method + ":" + uri
	if qop == "auth-int" {
		bh := alg.h(body)
		add(tr, "body length", fmt.Sprintf("%d bytes", len(body)))
		add(tr, "H(entity-body)", bh)
		a2 += ":" + bh
	}
	ha2 := H(a2)
	add(tr, "A2", a2)
	add(tr, "HA2", ha2)
	ha1 := H(username + ":" + DigestRealm + ":" + DemoPassword)
	if alg.sess {
		ha1 = H(ha1 + ":" + nonce + ":" + cnonce)
	}
	var want string
	if hasQop {
		want = H(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2)
	} else {
		want = H(ha1 + ":" + nonce + ":" + ha2)
	}
	got := strings.ToLower(params["response"])
	add(tr, "response", want)
	add(tr, "received response", got)
	if !equal(got, want) {
		return unauthorized("unauthorized", "response mismatch: realm, nonce, uri, algorithm and qop are right, so the password (HA1) or what went into HA2 (method, uri, body) differs")
	}

	if hasQop {
		prev, ok, forgotten := v.takeNC(client, nonce, issued.Unix(), ncVal)
		switch {
		case forgotten:
			body, ref := unauthorized("stale", "stale nonce: this server no longer remembers its nc, so it cannot rule out a replay; take the new nonce")
			ref.stale = true
			return body, ref
		case !ok:
			add(tr, "highest nc seen", fmt.Sprintf("%08x", prev))
			return unauthorized("unauthorized", fmt.Sprintf("nc replay: nc %s is not above %08x, the highest already used with this nonce (RFC 7616 §5.5)", nc, prev))
		}
		seen := "none (first use of this nonce)"
		if prev > 0 {
			seen = fmt.Sprintf("%08x", prev)
		}
		add(tr, "highest nc seen", seen)
	}
	add(tr, "verdict detail", "authenticated as "+DemoUser+" with "+alg.name)
	return digestBody{OK: true, User: DemoUser, Algorithm: alg.name, Qop: qop, NC: nc}, nil
}

// digestParseParams parses the auth-params of a Digest Authorization
// value (RFC 7616 §3.4, RFC 9110 §11.2): a comma-separated list of
// name=token or name="quoted-string", with optional whitespace. Names are
// lower-cased; a repeated name is an error.
func digestParseParams(s string) (map[string]string, error) {
	out := map[string]string{}
	i := 0
	skipOWS := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	for {
		skipOWS()
		for i < len(s) && s[i] == ',' { // empty list elements (RFC 9110 §5.6.1)
			i++
			skipOWS()
		}
		if i >= len(s) {
			break
		}
		start := i
		for i < len(s) && digestTchar(s[i]) {
			i++
		}
		name := strings.ToLower(s[start:i])
		if name == "" {
			return nil, fmt.Errorf("expected a parameter name at byte %d", start)
		}
		skipOWS()
		if i >= len(s) || s[i] != '=' {
			return nil, fmt.Errorf("parameter %q has no \"=\"", name)
		}
		i++
		skipOWS()
		var val string
		if i < len(s) && s[i] == '"' {
			i++
			var b strings.Builder
			closed := false
			for i < len(s) {
				c := s[i]
				if c == '"' {
					closed = true
					i++
					break
				}
				if c == '\\' && i+1 < len(s) {
					i++
					c = s[i]
				}
				if c < 0x20 && c != '\t' || c == 0x7f {
					return nil, fmt.Errorf("parameter %q has a control character", name)
				}
				b.WriteByte(c)
				i++
			}
			if !closed {
				return nil, fmt.Errorf("parameter %q: unterminated quoted string", name)
			}
			val = b.String()
		} else {
			vs := i
			for i < len(s) && digestTchar(s[i]) {
				i++
			}
			val = s[vs:i]
			if val == "" {
				return nil, fmt.Errorf("parameter %q has no value", name)
			}
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("parameter %q appears twice", name)
		}
		out[name] = val
		skipOWS()
		if i < len(s) && s[i] != ',' {
			return nil, fmt.Errorf("expected a comma after parameter %q at byte %d", name, i)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no parameters")
	}
	return out, nil
}

// digestTchar reports whether c is a token character (RFC 9110 §5.6.2).
func digestTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// digestDecodeExt decodes an RFC 8187 ext-value in UTF-8: the charset, a
// language tag between apostrophes, then percent-encoded bytes.
func digestDecodeExt(v string) (string, error) {
	charset, rest, ok := strings.Cut(v, "'")
	if !ok || !strings.EqualFold(charset, "UTF-8") {
		return "", errors.New("not an RFC 8187 UTF-8 ext-value")
	}
	_, enc, ok := strings.Cut(rest, "'")
	if !ok {
		return "", errors.New("not an RFC 8187 ext-value (no language part)")
	}
	dec, err := url.PathUnescape(enc)
	if err != nil {
		return "", errors.New("bad percent-encoding")
	}
	return dec, nil
}
