package practice

import (
	"cmp"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file verifies OAuth 1.0a requests (RFC 5849) the way a provider
// does, written from the RFC alone and independently of authn's signer, so
// that it accepts what any conforming client sends.

// Signature methods accepted (RFC 5849 §3.4; HMAC-SHA256 is the §3.4.2
// construction with SHA-256, which RFC 5849 does not define).
const (
	sigHMACSHA1   = "HMAC-SHA1"
	sigHMACSHA256 = "HMAC-SHA256"
	sigPlaintext  = "PLAINTEXT"
	sigRSASHA1    = "RSA-SHA1"
)

// formPair is one decoded name=value pair.
type formPair struct{ name, value string }

// parseForm decodes an application/x-www-form-urlencoded string (a query or
// a form body) as RFC 5849 §3.4.1.3.1 asks (W3C HTML 4.0 §17.13.4): pairs
// split at "&", name and value at the first "=", "+" is a space, %XX a byte;
// a pair without "=" has an empty value, empty pairs are skipped, order and
// duplicates are kept and ";" is data.
func parseForm(s string) ([]formPair, error) {
	var out []formPair
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(rawName)
		value, err2 := url.QueryUnescape(rawValue)
		if err1 != nil || err2 != nil {
			return out, fmt.Errorf("%q is not valid percent-encoding", pair)
		}
		out = append(out, formPair{name, value})
	}
	return out, nil
}

// oauthEncode percent-encodes s per RFC 5849 §3.6: every byte of its UTF-8
// form except ALPHA, DIGIT, "-", ".", "_" and "~" becomes %XX, upper-case.
func oauthEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3 / 2)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

// parseOAuthHeader parses the parameters of an Authorization header with the
// OAuth scheme (RFC 5849 §3.5.1): `realm="…", name="value", …`, each name
// and value percent-encoded (§3.6) and the value quoted. The realm is a
// plain quoted-string (RFC 2617) and is returned as "realm", not decoded.
// The leading "OAuth" must already be removed.
func parseOAuthHeader(s string) ([]formPair, error) {
	var out []formPair
	i := 0
	skip := func(set string) {
		for i < len(s) && strings.IndexByte(set, s[i]) >= 0 {
			i++
		}
	}
	for {
		skip(" \t,")
		if i == len(s) {
			return out, nil
		}
		start := i
		for i < len(s) && s[i] != '=' && s[i] != ',' && s[i] != ' ' && s[i] != '\t' {
			i++
		}
		rawName := s[start:i]
		skip(" \t")
		if i == len(s) || s[i] != '=' {
			return out, fmt.Errorf("parameter %q has no value", rawName)
		}
		i++
		skip(" \t")
		var rawValue string
		if i < len(s) && s[i] == '"' {
			i++
			var v strings.Builder
			closed := false
			for i < len(s) {
				c := s[i]
				i++
				if c == '\\' && i < len(s) {
					v.WriteByte(s[i])
					i++
					continue
				}
				if c == '"' {
					closed = true
					break
				}
				v.WriteByte(c)
			}
			if !closed {
				return out, fmt.Errorf("the value of %q has no closing quote", rawName)
			}
			rawValue = v.String()
		} else { // unquoted: lenient, RFC 5849 asks for quotes
			start := i
			for i < len(s) && s[i] != ',' && s[i] != ' ' && s[i] != '\t' {
				i++
			}
			rawValue = s[start:i]
		}
		if rawName == "realm" {
			out = append(out, formPair{"realm", rawValue})
			continue
		}
		name, err1 := url.PathUnescape(rawName)
		value, err2 := url.PathUnescape(rawValue)
		if err1 != nil || err2 != nil {
			return out, fmt.Errorf("%s=%q is not valid percent-encoding", rawName, rawValue)
		}
		out = append(out, formPair{name, value})
	}
}

// oauthRequest is what the server collected from one request.
type oauthRequest struct {
	protocol map[string]string // oauth_* protocol parameters, decoded
	where    []string          // where they were sent
	signed   []formPair        // every signed parameter (§3.4.1.3.1), unsorted
	params   []formPair        // the other query and form body parameters
	method   string            // upper case
	baseURI  string            // §3.4.1.2
}

// readOAuthRequest collects the parameters of r (RFC 5849 §3.4.1.3.1):
// the query, the OAuth Authorization header without realm, and the body
// when it is a form; oauth_signature is left out of the signed ones. A
// protocol parameter sent twice, in one place or two, is an error (§3.5:
// one method only).
func readOAuthRequest(r *http.Request, body []byte) (*oauthRequest, error) {
	path, rawQuery := requestTarget(r)
	req := &oauthRequest{
		protocol: map[string]string{},
		method:   strings.ToUpper(r.Method),
		baseURI:  baseStringURI(r, path),
	}
	collect := func(where string, pairs []formPair) error {
		sent := false
		for _, p := range pairs {
			if strings.HasPrefix(p.name, "oauth_") || where == "Authorization header" {
				if _, dup := req.protocol[p.name]; dup {
					return fmt.Errorf("%s was sent more than once (RFC 5849 §3.5: one place, once)", p.name)
				}
				req.protocol[p.name] = p.value
				sent = true
			} else {
				req.params = append(req.params, p)
			}
			if p.name != "oauth_signature" {
				req.signed = append(req.signed, p)
			}
		}
		if sent {
			req.where = append(req.where, where)
		}
		return nil
	}

	hs := r.Header.Values("Authorization")
	switch {
	case len(hs) > 1:
		return req, errors.New("more than one Authorization header")
	case len(hs) == 1:
		scheme, rest, _ := strings.Cut(strings.TrimSpace(hs[0]), " ")
		if !strings.EqualFold(scheme, "OAuth") {
			return req, fmt.Errorf("the Authorization header uses %s, not OAuth", oneLine(scheme))
		}
		pairs, err := parseOAuthHeader(rest)
		if err != nil {
			return req, fmt.Errorf("the Authorization header does not parse: %v", err)
		}
		pairs = slices.DeleteFunc(pairs, func(p formPair) bool { return p.name == "realm" })
		if err := collect("Authorization header", pairs); err != nil {
			return req, err
		}
	}
	q, err := parseForm(rawQuery)
	if err != nil {
		return req, fmt.Errorf("the query: %v", err)
	}
	if err := collect("query", q); err != nil {
		return req, err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		f, err := parseForm(string(body))
		if err != nil {
			return req, fmt.Errorf("the form body: %v", err)
		}
		if err := collect("form body", f); err != nil {
			return req, err
		}
	}
	return req, nil
}

// requestTarget returns the path and the raw query as the client sent them
// in the request line, so the base string URI is rebuilt from the bytes the
// client signed even behind http.StripPrefix.
func requestTarget(r *http.Request) (path, rawQuery string) {
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && r.RequestURI != "*" {
		return u.EscapedPath(), u.RawQuery
	}
	return r.URL.EscapedPath(), r.URL.RawQuery
}

// baseStringURI is RFC 5849 §3.4.1.2: the scheme and the Host header in
// lower case, the port dropped when it is the scheme's default, then the
// path; no query, no fragment.
func baseStringURI(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	switch {
	case strings.HasSuffix(host, ":"):
		host = strings.TrimSuffix(host, ":")
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	}
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// parameterString is RFC 5849 §3.4.1.3.2: names and values encoded (§3.6),
// sorted by name then value, name=value joined by "&".
func parameterString(ps []formPair) string {
	enc := make([]formPair, len(ps))
	for i, p := range ps {
		enc[i] = formPair{oauthEncode(p.name), oauthEncode(p.value)}
	}
	slices.SortFunc(enc, func(a, b formPair) int {
		return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.value, b.value))
	})
	parts := make([]string, len(enc))
	for i, p := range enc {
		parts[i] = p.name + "=" + p.value
	}
	return strings.Join(parts, "&")
}

// signatureBaseString is RFC 5849 §3.4.1.1.
func signatureBaseString(method, baseURI, paramString string) string {
	return oauthEncode(method) + "&" + oauthEncode(baseURI) + "&" + oauthEncode(paramString)
}

// signingKey is RFC 5849 §3.4.2's key (and §3.4.4's PLAINTEXT signature).
func signingKey(consumerSecret, tokenSecret string) string {
	return oauthEncode(consumerSecret) + "&" + oauthEncode(tokenSecret)
}

func hmacBase64(h func() hash.Hash, key, text string) string {
	m := hmac.New(h, []byte(key))
	m.Write([]byte(text))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// verifyRSASHA1 checks an RSA-SHA1 signature (RFC 5849 §3.4.3:
// RSASSA-PKCS1-v1_5 over SHA-1 of the base string, base64).
func verifyRSASHA1(pub *rsa.PublicKey, base, signature string) bool {
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil {
		return false
	}
	sum := sha1.Sum([]byte(base))
	return rsa.VerifyPKCS1v15(pub, crypto.SHA1, sum[:], sig) == nil
}

// maskPlaintext renders a PLAINTEXT signature (which is the secrets) as its
// shape only.
func maskPlaintext(sig string) string {
	cs, ts, found := strings.Cut(sig, "&")
	m := func(s string) string {
		if s == "" {
			return ""
		}
		return "••••••••"
	}
	if !found {
		return m(cs) + " (no &)"
	}
	return m(cs) + "&" + m(ts)
}

// oauthNeed says which credentials an endpoint wants.
type oauthNeed int

const (
	needAccessToken  oauthNeed = iota // a resource: user context
	needNoToken                       // request_token: consumer only, oauth_callback
	needRequestToken                  // access_token: a request token and oauth_verifier
)

// twitterErr is one error of Twitter's v1.1 API.
type twitterErr struct {
	status  int
	code    int
	message string
}

func badAuthData() *twitterErr {
	return &twitterErr{http.StatusBadRequest, 215, "Bad Authentication data."}
}
func couldNotAuth() *twitterErr {
	return &twitterErr{http.StatusUnauthorized, 32, "Could not authenticate you."}
}
func invalidToken() *twitterErr {
	return &twitterErr{http.StatusUnauthorized, 89, "Invalid or expired token."}
}
func callbackNotApproved() *twitterErr {
	return &twitterErr{http.StatusForbidden, 415, "Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings"}
}
func timestampOut() *twitterErr {
	return &twitterErr{http.StatusUnauthorized, 135, "Timestamp out of bounds."}
}

// oauthVerified is a verified request.
type oauthVerified struct {
	req   *oauthRequest
	token string
	info  tokenInfo
}

// verifyOAuth verifies r as RFC 5849 §3.2 asks and records every step in
// tr. It returns the verified request, or the Twitter error to answer.
func (s *Server) verifyOAuth(r *http.Request, body []byte, tr *ServerTrace, need oauthNeed) (*oauthVerified, *twitterErr) {
	now := s.now()
	fail := func(e *twitterErr, detail string) (*oauthVerified, *twitterErr) {
		tr.Verdict = fmt.Sprintf("%s (code %d)", detail, e.code)
		return nil, e
	}
	req, err := readOAuthRequest(r, body)
	if err != nil {
		return fail(badAuthData(), "bad authentication data: "+err.Error())
	}
	p := req.protocol
	consumer, token, method := p["oauth_consumer_key"], p["oauth_token"], p["oauth_signature_method"]
	add(tr, "oauth_consumer_key", consumer)
	add(tr, "oauth_token", token)
	add(tr, "oauth_signature_method", method)
	add(tr, "oauth_timestamp", p["oauth_timestamp"])
	add(tr, "oauth_nonce", p["oauth_nonce"])
	if v, ok := p["oauth_callback"]; ok {
		add(tr, "oauth_callback", v)
	}
	if v, ok := p["oauth_verifier"]; ok {
		add(tr, "oauth_verifier", v)
	}
	add(tr, "parameters sent in", strings.Join(req.where, ", "))
	add(tr, "server time", strconv.FormatInt(now.Unix(), 10))
	ts, tsErr := strconv.ParseInt(p["oauth_timestamp"], 10, 64)
	if tsErr == nil {
		add(tr, "clock difference", fmt.Sprintf("%+d s", ts-now.Unix()))
	}

	if len(req.where) == 0 {
		return fail(badAuthData(), "no OAuth parameters (no Authorization: OAuth header, none in the query or form body)")
	}
	for _, name := range []string{"oauth_consumer_key", "oauth_signature", "oauth_signature_method", "oauth_timestamp", "oauth_nonce"} {
		if p[name] == "" {
			return fail(badAuthData(), "bad authentication data: "+name+" is missing")
		}
	}
	if v, ok := p["oauth_version"]; ok && v != "1.0" {
		return fail(badAuthData(), fmt.Sprintf("bad authentication data: oauth_version is %q, not 1.0", v))
	}
	if tsErr != nil || ts < 0 || strings.TrimLeft(p["oauth_timestamp"], "0123456789") != "" {
		return fail(badAuthData(), "bad authentication data: oauth_timestamp is not whole seconds since 1970")
	}
	switch need {
	case needAccessToken:
		if token == "" {
			return fail(badAuthData(), "bad authentication data: no oauth_token; this endpoint needs user context (a three-legged token)")
		}
	case needNoToken:
		if token != "" {
			return fail(badAuthData(), "bad authentication data: a request_token request is signed with the consumer only, without oauth_token")
		}
		if p["oauth_callback"] == "" {
			return fail(badAuthData(), `bad authentication data: oauth_callback is missing (use "oob" for a PIN)`)
		}
	case needRequestToken:
		if token == "" {
			return fail(badAuthData(), "bad authentication data: no oauth_token; sign with the request token")
		}
		if p["oauth_verifier"] == "" {
			return fail(badAuthData(), "bad authentication data: oauth_verifier (the PIN) is missing")
		}
	}

	if !equal(consumer, DemoConsumerKey) {
		return fail(couldNotAuth(), "unknown consumer key")
	}
	consumerSecret := DemoConsumerSecret
	switch method {
	case sigHMACSHA1, sigHMACSHA256, sigPlaintext, sigRSASHA1:
	default:
		return fail(couldNotAuth(), fmt.Sprintf("unsupported signature method %q (use HMAC-SHA1, HMAC-SHA256, PLAINTEXT or RSA-SHA1)", method))
	}

	var info tokenInfo
	known := true
	switch need {
	case needAccessToken:
		if equal(token, DemoAccessToken) {
			info = tokenInfo{kind: accessToken, secret: DemoTokenSecret, consumer: DemoConsumerKey}
		} else {
			info, known = s.oauth1Token(token, accessToken, now)
		}
	case needRequestToken:
		info, known = s.oauth1Token(token, requestToken, now)
	}
	if known && info.consumer != "" && info.consumer != consumer {
		known = false
	}

	received := p["oauth_signature"]
	var expected, paramString, base string
	if method != sigPlaintext {
		paramString = parameterString(req.signed)
		base = signatureBaseString(req.method, req.baseURI, paramString)
		add(tr, "parameter string", paramString)
		add(tr, "base string URI", req.baseURI)
		add(tr, "signature base string", base)
	}
	if method == sigRSASHA1 {
		add(tr, "public key", fmt.Sprintf("RSA %d-bit (the demo consumer's)", s.rsaKey.N.BitLen()))
	} else {
		add(tr, "consumer secret length", length(consumerSecret))
		if known {
			add(tr, "token secret length", length(info.secret))
		} else {
			add(tr, "token secret length", "(unknown token)")
		}
	}
	if known {
		key := signingKey(consumerSecret, info.secret)
		switch method {
		case sigHMACSHA1:
			expected = hmacBase64(sha1.New, key, base)
		case sigHMACSHA256:
			expected = hmacBase64(sha256.New, key, base)
		case sigPlaintext:
			expected = key
		}
	}
	// "oauth_signature" is the signature the server expects; with RSA-SHA1
	// (only the private key makes one) or an unknown token (no secret) there
	// is none to show, and the label is left out so no diff pairs it.
	switch {
	case method == sigRSASHA1:
		add(tr, "signature check", "RSA-SHA1: checked with the consumer's public key, not recomputed")
		add(tr, "received oauth_signature", received)
	case method == sigPlaintext:
		add(tr, "oauth_signature", maskPlaintext(expected))
		add(tr, "received oauth_signature", maskPlaintext(received))
	case !known:
		add(tr, "signature check", "not possible: the server has no secret for this token")
		add(tr, "received oauth_signature", received)
	default:
		add(tr, "oauth_signature", expected)
		add(tr, "received oauth_signature", received)
	}

	if !known {
		kind := "access"
		if need == needRequestToken {
			kind = "request"
		}
		return fail(invalidToken(), "unknown or expired "+kind+" token")
	}
	if abs(ts-now.Unix()) > int64(oauthWindow/time.Second) {
		return fail(timestampOut(), fmt.Sprintf("timestamp out of bounds: %+d s from the server's clock, more than ±%d s", ts-now.Unix(), int(oauthWindow.Seconds())))
	}
	var good bool
	if method == sigRSASHA1 {
		good = verifyRSASHA1(s.rsaKey, base, received)
	} else {
		good = equal(received, expected)
	}
	if !good {
		return fail(couldNotAuth(), "signature mismatch")
	}
	if need == needRequestToken {
		if !info.authorized {
			return fail(couldNotAuth(), "the user has not authorized this request token yet (open /twitter/oauth/authorize)")
		}
		if !equal(p["oauth_verifier"], info.verifier) {
			return fail(couldNotAuth(), "oauth_verifier does not match the PIN")
		}
	}
	// RFC 5849 §3.3: a nonce is used once per timestamp window. The store
	// is partitioned per client with a floor (partitioned.use): a nonce
	// remembered from any address is a replay; one this client's own flood
	// made the server forget is refused by its timestamp, as Twitter
	// answers a timestamp it no longer accepts.
	switch s.nonces.use(ClientOf(r).Key, consumer+"\x00"+p["oauth_nonce"], ts, nonceUntil(ts), now) {
	case useReplay:
		return fail(couldNotAuth(), "nonce already used")
	case useStale:
		return fail(timestampOut(), fmt.Sprintf("timestamp %d is at or below the oldest this server forgot for your address: after more than %d signed requests within the window it can no longer tell this nonce from a replay; sign again with the current time", ts, maxNonces))
	}
	tr.Verdict = "ok"
	return &oauthVerified{req: req, token: token, info: info}, nil
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
