package authn

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// digest implements HTTP Digest access authentication, RFC 7616 (which
// obsoletes RFC 2617, itself extending RFC 2069): the client never sends the
// password, but a hash of it combined with a nonce the server chose, the
// request method and URI (and, for qop=auth-int, the body).
//
// It is a Flow: the first request to an origin goes without credentials
// (RoleChallenge); Answer reads the 401's WWW-Authenticate challenge, keeps
// it in the engine's Session for that origin and realm, and the engine sends
// the request again with the answer (RoleRetry). Later requests from the same
// engine and credentials answer the kept challenge pre-emptively, counting
// nc up (RFC 7616 §3.4: "the count of the number of requests … that the
// client has sent with the nonce value in this request").
type digest struct{}

func init() { register(digest{}) }

// Values of the qop field.
const (
	digestQopAuto    = "auto"
	digestQopAuth    = "auth"
	digestQopAuthInt = "auth-int"
)

func (digest) Info() Info {
	return Info{
		Name:    "digest",
		Title:   "HTTP Digest",
		Summary: "Challenge–response: answers the server's 401 nonce with a hash of the password, method and URI; the password never travels.",
		Spec:    "RFC 7616 (RFC 2617, RFC 2069)",
		Rank:    15,
		// RFC 7616 §3.3: the challenge the scheme answers. The nonce's
		// lifetime is the server's (stale=true), not a clock comparison.
		Challenges: []string{"Digest"},
		ClockFree:  true,
		Fields: []Field{
			{Name: "username", Label: "Username", Required: true,
				Help: "the user-id; sent as is, or hashed when the server asks for userhash (RFC 7616 §3.4.4)"},
			{Name: "password", Label: "Password", Secret: true,
				Help: "never sent: it goes into HA1 = H(username:realm:password) (RFC 7616 §3.4.2)"},
			{Name: "algorithm", Label: "Algorithm", Default: "auto",
				Allowed: append([]string{"auto"}, digestAlgNames()...),
				Help:    "auto answers the strongest challenge offered (SHA-512-256 > SHA-256 > MD5); a name answers only that one"},
			{Name: "qop", Label: "Quality of protection", Default: digestQopAuto,
				Allowed: []string{digestQopAuto, digestQopAuth, digestQopAuthInt},
				Help:    "auto uses auth when offered, else auth-int (which hashes the body too, RFC 7616 §3.4.3)"},
			{Name: "cnonce", Label: "Client nonce", Pinnable: true,
				Help: "normally random per request; pin it only to reproduce a trace or a published example"},
		},
	}
}

// Session keys. The realm key maps an origin to the realm of its latest
// challenge; the state key maps origin and realm to the challenge and its
// nonce count.
func digestRealmKey(origin string) string        { return "digest realm\x00" + origin }
func digestStateKey(origin, realm string) string { return "digest state\x00" + origin + "\x00" + realm }

// digestState is a challenge kept for an origin and realm. Values in the
// Session are never modified: Session.Update replaces them, so concurrent
// sends each take their own nc.
type digestState struct {
	ch digestChallenge
	nc uint32 // the last nc sent with ch.nonce (0: none yet)
	// sessCnonce is the cnonce of the first answer to this nonce: for the
	// -sess algorithms the session key HA1 is computed once, with the first
	// cnonce (RFC 7616 §3.4.2), so later requests reuse it.
	sessCnonce string
}

// Prepare gives the first exchange the role RoleChallenge when no challenge
// of this origin is kept: that request goes without credentials, to learn the
// realm, nonce and algorithm.
func (digest) Prepare(_ context.Context, c *Call) error {
	if _, ok := c.Env.Session.Get(digestRealmKey(originOf(c.URL))).(string); !ok {
		c.Role = RoleChallenge
	}
	return nil
}

// Answer keeps the Digest challenge of a 401 and asks for the request to be
// sent again, unless the 401 answers credentials computed from a challenge of
// this very call (the role is RoleRetry) and is not stale: then the password,
// username or realm is wrong, and retrying would only repeat it (the hints
// explain).
func (digest) Answer(_ context.Context, c *Call, resp *Response) (bool, error) {
	if resp.Status != http.StatusUnauthorized {
		return false, nil
	}
	cs := digestChallenges(resp.Header.Values("WWW-Authenticate"))
	want := c.Creds.Get("algorithm")
	pick := digestPick(cs, want)
	if !pick.ok {
		switch {
		case len(pick.all) > 0 && want != "" && want != "auto" && len(pick.unsupported) < len(pick.all):
			var offered []string
			for _, d := range pick.all {
				if d.algOK {
					offered = append(offered, d.alg.name)
				}
			}
			return false, &InputError{Field: "algorithm",
				Problem: fmt.Sprintf("the server offers Digest with %s, not %s", hintOrList(offered), want),
				Fix:     "use -c algorithm=auto (or one of: " + strings.Join(offered, ", ") + ")"}
		case len(pick.unsupported) > 0:
			c.Trace.Add("No Digest challenge authlab can answer", "RFC 7616 §3.3, §6.1",
				"The server offers only algorithms outside the RFC 7616 registry (MD5, SHA-256, SHA-512-256 and their -sess variants).",
				Plain("offered", strings.Join(pick.unsupported, ", ")))
		case pick.malformed != nil:
			c.Trace.Add("Unusable Digest challenge", "RFC 7616 §3.3", pick.malformed.Error())
		}
		return false, nil
	}
	d := pick.chosen
	qop, err := digestChooseQop(d, c.Creds.Get("qop"))
	if err != nil {
		return false, err
	}
	if qop == "" && len(d.qops) > 0 {
		c.Trace.Add("No quality of protection authlab can use", "RFC 7616 §3.3",
			"The challenge lists qop values other than auth and auth-int.", Plain("qop", strings.Join(d.qops, ", ")))
		return false, nil
	}
	if d.alg.sess && d.qops == nil {
		c.Trace.Add("A -sess algorithm without qop cannot be answered", "RFC 7616 §3.4.2",
			"The -sess HA1 is made with the cnonce, and an answer without qop (RFC 2069 style) carries none: the server's challenge is inconsistent.",
			Plain("algorithm", d.algName()))
		return false, nil
	}
	origin := originOf(c.URL)
	c.Env.Session.Update(digestStateKey(origin, d.realm), func(any) any { return &digestState{ch: d} })
	c.Env.Session.Set(digestRealmKey(origin), d.realm)
	if c.Role == RoleRetry && !d.stale {
		c.Trace.Add("The server refused the answer", "RFC 7616 §3.3",
			"The 401 came back for credentials computed from this call's own challenge, without stale=true: "+
				"the server computed a different response, so the password, username or realm is wrong. Retrying would repeat it.",
			Plain("realm", d.realm))
		return false, nil
	}

	title, note := "Read the Digest challenge", "The 401 names the realm (whose password to use), a nonce to hash it with, the algorithm and the quality of protection. authlab answers it by sending the request again."
	switch {
	case d.stale:
		title = "stale=true: take the new nonce and answer again"
		note = "The server accepted the credentials but its nonce had expired; the new challenge carries a fresh nonce. The password is not to blame, so authlab answers again once, with nc back at 00000001."
	case c.Role == RoleRequest || c.Role == RoleRedirect:
		title = "The kept challenge was refused: read the new one"
		note = "The request was answered pre-emptively with a challenge kept from an earlier call; the server wants a new one (its nonce expired or it restarted). authlab answers the new challenge once."
	}
	if d.charset != "" {
		note += " charset=" + d.charset + ": username and password are hashed as UTF-8 (RFC 7616 §4)."
	}
	var vals []Value
	for _, h := range resp.Header.Values("WWW-Authenticate") {
		vals = append(vals, Plain("WWW-Authenticate", h)) // as received; renderers sanitize server text
	}
	vals = append(vals,
		Plain("realm", d.realm), Plain("nonce", d.nonce), Plain("algorithm", d.algName()))
	if d.qops != nil {
		vals = append(vals, Plain("qop offered", strings.Join(d.qops, ", ")))
	} else {
		vals = append(vals, Plain("qop offered", "none (RFC 2069 compatibility: no nc, no cnonce)"))
	}
	if d.hasOpaque {
		vals = append(vals, Plain("opaque", d.opaque))
	}
	for _, p := range []struct {
		name string
		on   bool
		v    string
	}{{"stale", d.stale, "true"}, {"userhash", d.userhash, "true"}, {"charset", d.charset != "", d.charset}, {"domain", d.domain != "", d.domain}} {
		if p.on {
			vals = append(vals, Plain(p.name, p.v))
		}
	}
	if len(pick.all) > 1 || len(pick.unsupported) > 0 {
		var names []string
		for _, o := range pick.all {
			names = append(names, o.algName())
		}
		vals = append(vals, Plain("challenges offered", strings.Join(names, ", ")+" → "+d.alg.name+" (strongest supported; RFC 7616 §3.7)"))
	}
	c.Trace.Add(title, "RFC 7616 §3.3, §3.7", note, vals...)
	return true, nil
}

// digestChooseQop picks the qop to answer with: "" for a challenge without
// qop (RFC 2069), else auth or auth-int as offered and asked for.
func digestChooseQop(d digestChallenge, want string) (string, error) {
	if d.qops == nil {
		return "", nil
	}
	switch want {
	case digestQopAuth, digestQopAuthInt:
		if d.offersQop(want) {
			return want, nil
		}
		return "", &InputError{Field: "qop",
			Problem: fmt.Sprintf("the server's Digest challenge offers qop %q, not %s", strings.Join(d.qops, ", "), want),
			Fix:     "use -c qop=auto"}
	}
	for _, q := range []string{digestQopAuth, digestQopAuthInt} {
		if d.offersQop(q) {
			return q, nil
		}
	}
	return "", nil
}

// digestInput is everything one Digest response is computed from.
type digestInput struct {
	alg                digestAlg
	username, password string
	realm, nonce       string
	method, uri        string
	qop                string // "", auth or auth-int
	nc                 uint32
	cnonce             string
	body               []byte // for auth-int
	userhash           bool
}

// digestResult holds the intermediate values of RFC 7616 §3.4.1–§3.4.4.
type digestResult struct {
	userhash string // H(username:realm), when userhash
	a1       string // username:realm:password (secret)
	ha1Base  string // H(a1) (secret, password-equivalent)
	a1Sess   string // H(a1):nonce:cnonce, for -sess (secret)
	ha1      string // the HA1 used (secret)
	bodyHash string // H(entity-body), for auth-int
	a2       string // method:uri[:H(entity-body)]
	ha2      string
	data     string // HA1:nonce:nc:cnonce:qop:HA2 or HA1:nonce:HA2 (secret)
	response string
}

// digestNC formats a nonce count as 8 hex digits (RFC 7616 §3.4).
func digestNC(nc uint32) string { return fmt.Sprintf("%08x", nc) }

// digestCompute computes the response of RFC 7616 §3.4.1:
//
//	response = KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2))   with qop
//	response = KD(H(A1), nonce ":" H(A2))                             RFC 2069, no qop
//	KD(secret, data) = H(secret ":" data)
//	A1 = username ":" realm ":" password                               §3.4.2
//	A1 = H(username ":" realm ":" password) ":" nonce ":" cnonce       -sess
//	A2 = method ":" request-uri                                         §3.4.3, qop auth
//	A2 = method ":" request-uri ":" H(entity-body)                     qop auth-int
func digestCompute(in digestInput) digestResult {
	var r digestResult
	H := in.alg.H
	if in.userhash {
		r.userhash = H(in.username + ":" + in.realm) // RFC 7616 §3.4.4
	}
	r.a1 = in.username + ":" + in.realm + ":" + in.password
	r.ha1Base = H(r.a1)
	r.ha1 = r.ha1Base
	if in.alg.sess {
		r.a1Sess = r.ha1Base + ":" + in.nonce + ":" + in.cnonce
		r.ha1 = H(r.a1Sess)
	}
	r.a2 = in.method + ":" + in.uri
	if in.qop == digestQopAuthInt {
		r.bodyHash = in.alg.HBytes(in.body)
		r.a2 += ":" + r.bodyHash
	}
	r.ha2 = H(r.a2)
	if in.qop == "" {
		r.data = r.ha1 + ":" + in.nonce + ":" + r.ha2
	} else {
		r.data = r.ha1 + ":" + in.nonce + ":" + digestNC(in.nc) + ":" + in.cnonce + ":" + in.qop + ":" + r.ha2
	}
	r.response = H(r.data)
	return r
}

// digestQuote writes s as a quoted-string (RFC 9110 §5.6.4).
func digestQuote(s string) string { return challengeQuote(s) }

// digestAttrChar reports whether c may stay unencoded in an RFC 8187 §3.2.1
// ext-value.
func digestAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// digestExtValue encodes s as an RFC 8187 ext-value: "UTF-8", two
// apostrophes (no language tag), then s percent-encoded,
// for the username* parameter of RFC 7616 §3.4.
func digestExtValue(s string) string {
	var b strings.Builder
	b.WriteString("UTF-8''")
	for i := 0; i < len(s); i++ {
		if digestAttrChar(s[i]) {
			b.WriteByte(s[i])
		} else {
			fmt.Fprintf(&b, "%%%02X", s[i])
		}
	}
	return b.String()
}

// digestNeedsExt reports whether a username must go as username* (RFC 7616
// §3.4: characters a quoted-string cannot carry as they are, here any
// non-ASCII byte).
func digestNeedsExt(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// digestCnonce returns 24 random bytes, base64: the client nonce (RFC 7616
// §3.4: "an opaque quoted ASCII-only string value provided by the client").
func digestCnonce(r io.Reader) (string, error) {
	b := make([]byte, 24)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("digest: reading randomness for the cnonce: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// Authorize answers the challenge kept for the request's origin, or sends
// nothing when there is none yet (the server's 401 will bring one).
func (digest) Authorize(out *Outgoing, c Credentials, env Env, tr *Trace) error {
	user, pass := c.Get("username"), c.Get("password")
	if !utf8.ValidString(user) || !utf8.ValidString(pass) {
		return &InputError{Field: "password", Problem: "the Digest username or password is not valid UTF-8",
			Fix: "RFC 7616 §4 hashes them as UTF-8; re-type them"}
	}
	for _, r := range user {
		if r < 0x20 || r == 0x7f {
			return &InputError{Field: "username", Problem: "the Digest username contains a control character",
				Fix: "a username is one line of text; re-type it"}
		}
	}
	pinned := c.Get("cnonce")
	if pinned != "" && (strings.ContainsAny(pinned, "\"\\") || !digestPrintableASCII(pinned)) {
		return &InputError{Field: "cnonce", Problem: fmt.Sprintf("field \"cnonce\" must be printable ASCII without quotes or backslashes, not %q", pinned),
			Fix: "leave it empty for a random one, or pin e.g. -c cnonce=0a4f113b"}
	}

	origin := originOf(out.URL)
	realm, ok := env.Session.Get(digestRealmKey(origin)).(string)
	if !ok {
		tr.Add("No challenge yet: send without credentials", "RFC 7616 §3.3, RFC 9110 §11.6.1",
			"Digest cannot be sent first: the answer needs the server's nonce. This request goes without an Authorization header; "+
				"the server's 401 carries the challenge (realm, nonce, algorithm, qop) that authlab then answers.",
			Plain("origin", origin))
		return nil
	}

	cnonce := pinned
	if cnonce == "" {
		rnd := env.Rand
		if rnd == nil {
			return fmt.Errorf("digest: no randomness source for the cnonce")
		}
		var err error
		if cnonce, err = digestCnonce(rnd); err != nil {
			return err
		}
	}
	// Take the next nc atomically: concurrent sends never share one.
	v := env.Session.Update(digestStateKey(origin, realm), func(old any) any {
		s, ok := old.(*digestState)
		if !ok {
			return nil
		}
		n := *s
		n.nc++
		if n.ch.alg.sess && n.sessCnonce == "" {
			n.sessCnonce = cnonce
		}
		return &n
	})
	st, ok := v.(*digestState)
	if !ok {
		tr.Add("No challenge kept for this realm: send without credentials", "RFC 7616 §3.3", "", Plain("realm", realm))
		return nil
	}
	d := st.ch
	if d.alg.sess && pinned == "" {
		cnonce = st.sessCnonce
	}
	qop, err := digestChooseQop(d, c.Get("qop"))
	if err != nil {
		return err
	}
	in := digestInput{
		alg: d.alg, username: user, password: pass, realm: d.realm, nonce: d.nonce,
		method: out.Method, uri: out.URL.RequestURI(), qop: qop, nc: st.nc, cnonce: cnonce,
		body: out.Body, userhash: d.userhash,
	}
	if in.method == "" {
		in.method = http.MethodGet
	}
	r := digestCompute(in)
	digestTrace(tr, in, d, r, pinned != "")

	header, masked := digestHeader(in, d, r)
	out.SetHeader("Authorization", header, masked)
	tr.Add("Send the answer in the Authorization header", "RFC 7616 §3.4",
		"username, realm, nonce, uri, cnonce, response and opaque are quoted strings; algorithm, qop and nc are not (RFC 7616 §3.4). "+
			"The server repeats the computation with the HA1 it stores and compares responses.",
		Secret("Authorization", header, masked))
	return nil
}

// digestPrintableASCII reports whether s is non-empty visible ASCII.
func digestPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return s != ""
}

// digestTrace writes the computation steps with the values filled in.
func digestTrace(tr *Trace, in digestInput, d digestChallenge, r digestResult, pinned bool) {
	cnLabel := "cnonce"
	if pinned {
		cnLabel = "cnonce (pinned)"
	}
	vals := []Value{Plain("realm", in.realm), Plain("nonce", in.nonce), Plain("algorithm", d.algName())}
	note := "The values the answer is made of: the challenge's realm and nonce, this request's method and request-target, "
	if in.qop == "" {
		note += "and no qop: the challenge is RFC 2069 style, so there is no nc and no cnonce."
		vals = append(vals, Plain("qop", "none (RFC 2069)"))
	} else {
		note += "the nonce count nc (this engine's " + digestOrdinal(in.nc) + " request with this nonce) and a client nonce."
		vals = append(vals, Plain("qop", in.qop), Plain("nc", digestNC(in.nc)), Plain(cnLabel, in.cnonce))
	}
	vals = append(vals, Plain("method", in.method), Plain("uri", in.uri))
	tr.Add("Gather the inputs", "RFC 7616 §3.4", note, vals...)

	if in.userhash {
		tr.Add("userhash=true: hash the username", "RFC 7616 §3.4.4",
			"The server asked for the username to be sent hashed, so eavesdroppers do not learn it: username = H(username:realm). "+
				"HA1 still uses the plain username.",
			Plain("username", in.username), Plain("userhash", r.userhash))
	}

	maskedA1 := in.username + ":" + in.realm + ":" + Mask(in.password)
	tr.Add("HA1 = H(username:realm:password)", "RFC 7616 §3.4.2, RFC 2617 §3.2.2.2",
		"A1 joins the username, realm and password. Its hash HA1 is password-equivalent: with it anyone can answer any challenge of this realm, which is why servers that store HA1 must guard it like a password.",
		Secret("A1", r.a1, maskedA1), Secret("HA1", r.ha1Base, ""))
	if in.alg.sess {
		tr.Add(in.alg.name+": HA1 = H(H(username:realm:password):nonce:cnonce)", "RFC 7616 §3.4.2, RFC 2617 §3.2.2.2",
			"The -sess variants bind HA1 to this nonce and the first cnonce sent with it, so a server can hand the session key to a third party without the password-equivalent hash.",
			Secret("A1 (-sess)", r.a1Sess, Mask("")+":"+in.nonce+":"+in.cnonce), Secret("HA1 (-sess)", r.ha1, ""))
	}

	if in.qop == digestQopAuthInt {
		tr.Add("qop=auth-int: hash the body", "RFC 7616 §3.4.3",
			"auth-int protects the body too: H(entity-body) goes into A2, so the body must reach the server byte for byte.",
			Plain("body length", fmt.Sprintf("%d bytes", len(in.body))), Plain("H(entity-body)", r.bodyHash))
	}
	a2Title, a2Note := "HA2 = H(method:uri)", "A2 is the method and the request-target exactly as on the request line (uri), which the server checks against the request it received."
	if in.qop == digestQopAuthInt {
		a2Title = "HA2 = H(method:uri:H(entity-body))"
	}
	tr.Add(a2Title, "RFC 7616 §3.4.3, RFC 2617 §3.2.2.3", a2Note, Plain("A2", r.a2), Plain("HA2", r.ha2))

	masked := Mask("") + strings.TrimPrefix(r.data, r.ha1)
	if in.qop == "" {
		tr.Add("response = H(HA1:nonce:HA2)", "RFC 2617 §3.2.2.1 (RFC 2069 compatibility)",
			"Without qop the response covers only HA1, the nonce and HA2: no client nonce, no count, so a captured answer replays for as long as the nonce lives.",
			Secret("response data", r.data, masked), Secret("response", r.response, ""))
		return
	}
	tr.Add("response = H(HA1:nonce:nc:cnonce:qop:HA2)", "RFC 7616 §3.4.1, RFC 2617 §3.2.2.1",
		"KD(HA1, nonce:nc:cnonce:qop:HA2) with KD(secret, data) = H(secret:data). The nonce and nc stop replays; the cnonce stops chosen-plaintext attacks by the server.",
		Secret("response data", r.data, masked), Secret("response", r.response, ""))
}

// digestOrdinal renders 1 as "1st", 2 as "2nd" and so on.
func digestOrdinal(n uint32) string {
	suf := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suf = "st"
		case 2:
			suf = "nd"
		case 3:
			suf = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suf)
}

// digestHeader builds the Authorization value (RFC 7616 §3.4) and its
// rendering with the response masked.
func digestHeader(in digestInput, d digestChallenge, r digestResult) (string, string) {
	build := func(response string) string {
		var parts []string
		switch {
		case in.userhash:
			parts = append(parts, "username="+digestQuote(r.userhash))
		case digestNeedsExt(in.username):
			parts = append(parts, "username*="+digestExtValue(in.username))
		default:
			parts = append(parts, "username="+digestQuote(in.username))
		}
		parts = append(parts, "realm="+digestQuote(in.realm), "uri="+digestQuote(in.uri))
		if d.algorithm != "" {
			parts = append(parts, "algorithm="+d.alg.name)
		}
		parts = append(parts, "nonce="+digestQuote(in.nonce))
		if in.qop != "" {
			parts = append(parts, "nc="+digestNC(in.nc), "cnonce="+digestQuote(in.cnonce), "qop="+in.qop)
		}
		parts = append(parts, "response="+response)
		if d.hasOpaque {
			parts = append(parts, "opaque="+digestQuote(d.opaque))
		}
		if in.userhash {
			parts = append(parts, "userhash=true")
		}
		return "Digest " + strings.Join(parts, ", ")
	}
	return build(digestQuote(r.response)), build(`"` + Mask("") + `"`)
}

// ExplainOffer describes a Digest challenge (RFC 7616 §3.3): its
// algorithm, qop, userhash, charset and stale parameters.
func (digest) ExplainOffer(c Challenge) (detail, ref string, ok bool) {
	alg, ok := c.Param("algorithm")
	if !ok {
		alg = "MD5 (the default when algorithm is absent)"
	}
	detail = "Digest: answer with a hash of the user-id, realm, password, nonce and request instead of the password itself. Algorithm: " + hintShorten(alg, 60) + "."
	if qop, ok := c.Param("qop"); ok {
		detail += " qop " + hintQuote(qop, 60) + ": “auth” protects the request line, “auth-int” the body too."
	} else {
		detail += " No qop: the RFC 2069 compatibility mode, without a client nonce (deprecated)."
	}
	if uh, ok := c.Param("userhash"); ok && strings.EqualFold(uh, "true") {
		detail += " userhash=true: the user-id may be sent hashed (RFC 7616 §3.4.4)."
	}
	if cs, ok := c.Param("charset"); ok && strings.EqualFold(cs, "UTF-8") {
		detail += " charset=UTF-8: user-id and password are UTF-8 (RFC 7616 §4)."
	}
	if st, ok := c.Param("stale"); ok && strings.EqualFold(st, "true") {
		detail += " stale=true: the nonce expired; retry with the new one."
	} else {
		detail += " Without stale=true, a 401 after a Digest answer means the password, realm or hash computation is wrong."
	}
	return detail, "RFC 7616 §3.3", true
}
