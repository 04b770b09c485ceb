package authn

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// JWTMaxLen is the longest token DecodeJWT accepts. Real tokens are a few
// hundred bytes to a few kilobytes; anything longer is not worth decoding in a
// hint or a trace.
const JWTMaxLen = 64 << 10

// ErrJWTAlgNone is returned (wrapped) for a token whose header says
// "alg":"none": an Unsecured JWT (RFC 7519 §6) carries no signature, so
// anyone could have written it. authlab neither builds nor decodes one (RFC
// 8725 §3.1: never accept it unless the application asked for it).
var ErrJWTAlgNone = errors.New(`the header says "alg":"none", an unsecured JWT without a signature (RFC 7519 §6); authlab refuses it`)

// JWTError is a malformed token. Part says where: "token" (its shape),
// "header", "claims" or "signature". The message never contains the token or
// a segment of it, only lengths and positions, since a token is a bearer
// credential.
type JWTError struct {
	Part    string
	Problem string
	Err     error // the underlying error, when there is one (e.g. ErrJWTAlgNone)
}

func (e *JWTError) Error() string { return "JWT " + e.Part + ": " + e.Problem }

// Unwrap returns the underlying error.
func (e *JWTError) Unwrap() error { return e.Err }

// JWTDecoded is what DecodeJWT learned about a JWT in the JWS Compact
// Serialization (RFC 7515 §7.1): header.claims.signature, each part
// base64url-encoded without padding.
type JWTDecoded struct {
	Alg string // the header's alg (RFC 7515 §4.1.1), e.g. "RS256"
	Typ string // the header's typ (RFC 7519 §5.1), often "JWT" or "at+jwt"
	Kid string // the header's kid (RFC 7515 §4.1.4), "" when absent

	// HeaderJSON and ClaimsJSON are the decoded segments exactly as signed.
	HeaderJSON, ClaimsJSON []byte
	// Header and Claims are the same JSON indented for reading (json.Indent,
	// so escapes such as \u001b stay escapes).
	Header, Claims string
	// Segments are the three base64url parts as received. Segments[2]
	// completes the bearer credential: treat it like the token.
	Segments [3]string
	// SigningInput is ASCII(BASE64URL(header) '.' BASE64URL(payload)), the
	// bytes the signature covers (RFC 7515 §5.1 step 5).
	SigningInput string
	Signature    []byte

	Subject, Issuer string
	Audience        []string
	// IssuedAt, NotBefore and ExpiresAt are the iat, nbf and exp claims
	// (RFC 7519 §4.1.4–4.1.6); zero when absent or not a NumericDate.
	IssuedAt, NotBefore, ExpiresAt time.Time
	// Expiry says when the token expires relative to now, in words:
	// "expires in 59 min", "expired 3 h ago", "no exp claim: it never expires".
	Expiry      string
	Expired     bool // exp ≤ now (RFC 7519 §4.1.4: now must be before exp)
	NotYetValid bool // now < nbf (RFC 7519 §4.1.5)

	Sig JWTSignature
	// Warnings are things a careful server would object to (an exp that is
	// not a number, an iat in the future, a crit header).
	Warnings []string
}

// JWTSignature is the result of checking the signature against a key.
type JWTSignature struct {
	Checked bool   // a usable key was given and the check ran
	Valid   bool   // the signature matches
	Key     string // what verified it, e.g. "HMAC secret (15 bytes)", "RSA 2048-bit public key"
	Detail  string // one sentence: the verdict, or why no check was made
}

// DecodeJWT decodes a JWT in the JWS Compact Serialization (RFC 7515 §7.1,
// RFC 7519 §7.2) without trusting it: header, claims, the registered claims
// and the expiry in words relative to now. When key is not empty it also
// checks the signature: key is the HMAC secret for HS256/384/512, or a PEM
// public key, certificate or private key (its public half is used) for
// RS*, PS*, ES* and EdDSA. A key that does not fit the token's alg (a PEM key
// offered as an HMAC secret, an RSA key for ES256) is reported in Sig, not
// used: that is the algorithm-confusion attack of RFC 8725 §2.1.
//
// The error is a *JWTError naming the bad part when the token is malformed,
// and wraps ErrJWTAlgNone for alg "none". A signature that does not match is
// not an error: Sig.Valid is false. Surrounding whitespace is ignored.
func DecodeJWT(token, key string, now time.Time) (JWTDecoded, error) {
	var d JWTDecoded
	parts, err := jwtSplit(token)
	if err != nil {
		return d, err
	}
	d.Segments = parts
	d.SigningInput = parts[0] + "." + parts[1]

	if d.HeaderJSON, err = jwtDecodeSegment("header", parts[0]); err != nil {
		return d, err
	}
	var header map[string]any
	if err := jwtUnmarshalObject(d.HeaderJSON, &header); err != nil {
		return d, &JWTError{Part: "header", Problem: "not a JSON object (" + err.Error() + ")"}
	}
	alg, ok := header["alg"].(string)
	switch {
	case !ok && header["alg"] == nil:
		return d, &JWTError{Part: "header", Problem: `it has no "alg" (RFC 7515 §4.1.1 requires one)`}
	case !ok:
		return d, &JWTError{Part: "header", Problem: `its "alg" is not a string`}
	case strings.EqualFold(alg, "none"):
		return d, &JWTError{Part: "header", Problem: ErrJWTAlgNone.Error(), Err: ErrJWTAlgNone}
	}
	d.Alg = alg
	d.Typ, _ = header["typ"].(string)
	d.Kid, _ = header["kid"].(string)
	if enc, ok := header["enc"]; ok && enc != nil {
		return d, &JWTError{Part: "header", Problem: `it has "enc": this is an encrypted JWT (JWE, RFC 7516), which authlab cannot decrypt`}
	}
	if _, ok := header["crit"]; ok {
		d.Warnings = append(d.Warnings, `the header lists "crit" extensions: a server that does not understand them must reject the token (RFC 7515 §4.1.11)`)
	}
	d.Header = jwtIndent(d.HeaderJSON)

	if parts[1] == "" {
		return d, &JWTError{Part: "claims", Problem: "the claims segment is empty (a JWT carries a JSON claims set, RFC 7519 §7.2 step 10)"}
	}
	if d.ClaimsJSON, err = jwtDecodeSegment("claims", parts[1]); err != nil {
		return d, err
	}
	var claims map[string]any
	if err := jwtUnmarshalObject(d.ClaimsJSON, &claims); err != nil {
		problem := "not a JSON object (" + err.Error() + "), so this is a JWS but not a JWT (RFC 7519 §7.2 step 10)"
		if cty, _ := header["cty"].(string); strings.EqualFold(cty, "JWT") {
			problem = `the header says "cty":"JWT" (a nested JWT, RFC 7519 §5.2): the payload is another token, which authlab does not unwrap`
		}
		return d, &JWTError{Part: "claims", Problem: problem}
	}
	d.Claims = jwtIndent(d.ClaimsJSON)

	if parts[2] == "" {
		return d, &JWTError{Part: "signature", Problem: "the signature segment is empty, but alg " + jwtQuote(alg) + " needs one"}
	}
	if d.Signature, err = jwtDecodeSegment("signature", parts[2]); err != nil {
		return d, err
	}

	d.Subject, _ = claims["sub"].(string)
	d.Issuer, _ = claims["iss"].(string)
	switch aud := claims["aud"].(type) {
	case string:
		d.Audience = []string{aud}
	case []any:
		for _, a := range aud {
			if s, ok := a.(string); ok {
				d.Audience = append(d.Audience, s)
			}
		}
	}
	for _, c := range []struct {
		name string
		at   *time.Time
	}{{"iat", &d.IssuedAt}, {"nbf", &d.NotBefore}, {"exp", &d.ExpiresAt}} {
		v, ok := claims[c.name]
		if !ok {
			continue
		}
		t, ok := jwtNumericDate(v)
		if !ok {
			d.Warnings = append(d.Warnings, fmt.Sprintf("%s is not a NumericDate (seconds since 1970, RFC 7519 §2): servers reject the token", c.name))
			continue
		}
		*c.at = t
	}
	switch {
	case d.ExpiresAt.IsZero():
		d.Expiry = "no exp claim: it never expires"
	case !now.Before(d.ExpiresAt):
		d.Expired = true
		d.Expiry = "expired " + jwtAgo(now.Sub(d.ExpiresAt))
	default:
		d.Expiry = "expires in " + jwtWords(d.ExpiresAt.Sub(now))
	}
	if !d.NotBefore.IsZero() && now.Before(d.NotBefore) {
		d.NotYetValid = true
		d.Warnings = append(d.Warnings, "not valid yet: nbf is in "+jwtWords(d.NotBefore.Sub(now))+" (RFC 7519 §4.1.5)")
	}
	if !d.IssuedAt.IsZero() && d.IssuedAt.Sub(now) > time.Minute {
		d.Warnings = append(d.Warnings, "iat is "+jwtWords(d.IssuedAt.Sub(now))+" in the future: the issuer's clock is ahead of yours")
	}
	if key != "" {
		d.Sig = jwtVerify(alg, d.SigningInput, d.Signature, key)
	} else {
		d.Sig.Detail = "not checked: no key given"
	}
	return d, nil
}

// jwtSplit checks the shape of a compact JWS (RFC 7515 §7.1) and returns its
// three parts. Whitespace around the token is dropped (a token read from a
// file ends with a newline); a "Bearer " prefix is not a token and is an
// error.
func jwtSplit(token string) ([3]string, error) {
	var parts [3]string
	token = strings.TrimSpace(token)
	switch {
	case token == "":
		return parts, &JWTError{Part: "token", Problem: "it is empty"}
	case len(token) > JWTMaxLen:
		return parts, &JWTError{Part: "token", Problem: fmt.Sprintf("it is %d bytes, more than the %d authlab decodes", len(token), JWTMaxLen)}
	case len(token) > 7 && strings.EqualFold(token[:7], "bearer "):
		return parts, &JWTError{Part: "token", Problem: `it starts with "Bearer ": give the token alone`}
	}
	if i := strings.IndexFunc(token, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
		return parts, &JWTError{Part: "token", Problem: fmt.Sprintf("it has a space or control character at byte %d (of %d)", i, len(token))}
	}
	n := strings.Count(token, ".")
	switch n {
	case 2:
	case 0:
		return parts, &JWTError{Part: "token", Problem: fmt.Sprintf("it has no '.', so it is not a JWT (a JWT is header.claims.signature; this is an opaque token of %d bytes)", len(token))}
	case 1:
		return parts, &JWTError{Part: "token", Problem: "it has two parts, not three: the signature part is missing (header.claims.signature)"}
	case 4:
		return parts, &JWTError{Part: "token", Problem: "it has five parts: an encrypted JWT (JWE compact serialization, RFC 7516 §7.1), which authlab cannot decrypt"}
	default:
		return parts, &JWTError{Part: "token", Problem: fmt.Sprintf("it has %d parts separated by '.', not three (RFC 7515 §7.1)", n+1)}
	}
	s := strings.SplitN(token, ".", 3)
	copy(parts[:], s)
	if parts[0] == "" {
		return parts, &JWTError{Part: "header", Problem: "the header segment is empty"}
	}
	return parts, nil
}

// jwtDecodeSegment decodes one base64url segment without padding (RFC 7515
// §2, "Base64url Encoding"). name is "header", "claims" or "signature". The
// error names the segment and the offending position, never its content.
func jwtDecodeSegment(name, seg string) ([]byte, error) {
	if i := strings.IndexAny(seg, "+/"); i >= 0 {
		return nil, &JWTError{Part: name, Problem: fmt.Sprintf("%q at offset %d of the %s segment: that is standard base64, not base64url (which uses '-' and '_', RFC 7515 §2)", seg[i], i, name)}
	}
	if i := strings.IndexByte(seg, '='); i >= 0 {
		return nil, &JWTError{Part: name, Problem: fmt.Sprintf("'=' padding at offset %d of the %s segment: JWS base64url has no padding (RFC 7515 §2)", i, name)}
	}
	if len(seg)%4 == 1 {
		return nil, &JWTError{Part: name, Problem: fmt.Sprintf("the %s segment has %d characters, a length base64url cannot have (truncated?)", name, len(seg))}
	}
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			return nil, &JWTError{Part: name, Problem: fmt.Sprintf("the %s segment is not base64url: bad character at offset %d (of %d)", name, int(ce), len(seg))}
		}
		return nil, &JWTError{Part: name, Problem: "the " + name + " segment is not base64url"}
	}
	return b, nil
}

// jwtUnmarshalObject decodes a JSON object with numbers kept exact (an exp
// of 1e10 or a large id must not be rounded). It refuses invalid UTF-8
// (RFC 7519 §7.2 step 10 requires UTF-8) and trailing data.
func jwtUnmarshalObject(b []byte, v *map[string]any) error {
	if !utf8.Valid(b) {
		return errors.New("invalid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if *v == nil {
		return errors.New("null")
	}
	if dec.More() {
		return errors.New("data after the object")
	}
	return nil
}

// jwtIndent indents JSON for reading, keeping its escapes as they are.
func jwtIndent(b []byte) string {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return string(b)
	}
	return out.String()
}

// jwtNumericDate reads a NumericDate (RFC 7519 §2: seconds since the epoch,
// possibly fractional).
func jwtNumericDate(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e12 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

// jwtWords renders a positive duration the way a person says it: "45 s",
// "59 min", "3 h", "3 h 5 min", "2 days 4 h". Sub-units are truncated.
func jwtWords(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return fmt.Sprintf("%d h", h)
		}
		return fmt.Sprintf("%d h %d min", h, m)
	}
	days, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	if h == 0 {
		return fmt.Sprintf("%d days", days)
	}
	return fmt.Sprintf("%d days %d h", days, h)
}

// jwtAgo says how long ago something was: "3 h ago", "just now".
func jwtAgo(d time.Duration) string {
	if d < time.Second {
		return "just now"
	}
	return jwtWords(d) + " ago"
}

// jwtWhen renders a NumericDate for a trace: "1767225600 · 2026-01-01
// 00:00:00 UTC · in 59 min".
func jwtWhen(t, now time.Time) string {
	rel := "now"
	switch {
	case t.After(now):
		rel = "in " + jwtWords(t.Sub(now))
	case t.Before(now):
		rel = jwtAgo(now.Sub(t))
	}
	return fmt.Sprintf("%d · %s · %s", t.Unix(), t.UTC().Format("2006-01-02 15:04:05 UTC"), rel)
}

// jwtQuote quotes header text for an error message, shortened.
func jwtQuote(s string) string { return strconv.Quote(hintShorten(s, 40)) }

// jwtVerify checks sig over input with key, refusing a key that does not fit
// alg rather than trying it.
func jwtVerify(alg, input string, sig []byte, key string) JWTSignature {
	var r JWTSignature
	method := jwt.GetSigningMethod(alg)
	if method == nil || strings.EqualFold(alg, "none") {
		r.Detail = "not checked: authlab does not know alg " + jwtQuote(alg)
		return r
	}
	k, desc, err := jwtVerifyKey(alg, key)
	if err != nil {
		r.Detail = "not checked: " + err.Error()
		return r
	}
	r.Checked, r.Key = true, desc
	switch err := method.Verify(input, sig, k); {
	case err == nil:
		r.Valid = true
		r.Detail = "yes: the " + alg + " signature matches the " + desc
	default:
		// golang-jwt passes crypto/rsa's error through and has its own for
		// HMAC, ECDSA and Ed25519: all of them mean "does not match".
		r.Detail = "no: the " + alg + " signature does not match the " + desc + " (another key signed it, or the token was changed after signing)"
	}
	return r
}

// jwtVerifyKey turns the key text into what golang-jwt's Verify takes for
// alg, and describes it. An HMAC alg takes the text's bytes, but not a PEM
// block: a public key used as an HMAC secret is the alg-confusion attack
// (RFC 8725 §2.1). The asymmetric algs take a PEM public key, certificate
// or private key of the matching type.
func jwtVerifyKey(alg, text string) (any, string, error) {
	if strings.HasPrefix(alg, "HS") {
		if jwtLooksPEM(text) {
			return nil, "", fmt.Errorf("the key is PEM, but alg %s needs the shared secret; a public key used as an HMAC secret is the algorithm-confusion attack (RFC 8725 §2.1)", alg)
		}
		return []byte(text), fmt.Sprintf("HMAC secret (%d bytes)", len(text)), nil
	}
	k, kind, err := jwtParsePEM(text)
	if err != nil {
		return nil, "", err
	}
	pub := k
	switch p := k.(type) {
	case *rsa.PrivateKey:
		pub = &p.PublicKey
	case *ecdsa.PrivateKey:
		pub = &p.PublicKey
	case ed25519.PrivateKey:
		pub = p.Public()
	}
	if err := jwtKeyFits(alg, pub); err != nil {
		return nil, "", err
	}
	return pub, jwtKeyName(pub) + " " + kind, nil
}

// jwtLooksPEM reports whether s holds a PEM block.
func jwtLooksPEM(s string) bool { return strings.Contains(s, "-----BEGIN ") }

// jwtParsePEM parses the first PEM block of text as a private key (PKCS#1,
// PKCS#8, SEC1), a public key (PKIX, PKCS#1) or a certificate. kind says
// which ("private key (PKCS#1)", "certificate", …). A PEM pasted on one line
// with literal \n sequences is accepted.
func jwtParsePEM(text string) (key any, kind string, err error) {
	if !strings.Contains(text, "\n") && strings.Contains(text, `\n`) {
		text = strings.ReplaceAll(text, `\n`, "\n")
	}
	block, _ := pem.Decode([]byte(strings.TrimSpace(text)))
	if block == nil {
		return nil, "", errors.New("the key is not PEM (a -----BEGIN …----- block)")
	}
	if _, ok := block.Headers["Proc-Type"]; ok || block.Type == "ENCRYPTED PRIVATE KEY" {
		return nil, "", errors.New("the PEM key is encrypted; decrypt it first (openssl pkey -in key.pem -out plain.pem)")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		kind = "private key (PKCS#1)"
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
		kind = "private key (SEC1)"
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		kind = "private key (PKCS#8)"
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
		kind = "public key"
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
		kind = "public key (PKCS#1)"
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
		kind = "certificate's public key"
	case "OPENSSH PRIVATE KEY":
		return nil, "", errors.New("the key is in OpenSSH format; convert it to PKCS#8 (ssh-keygen -p -m PKCS8 -f KEYFILE)")
	default:
		return nil, "", fmt.Errorf("the PEM block is %s, not a key or certificate", jwtQuote(block.Type))
	}
	if err != nil {
		return nil, "", fmt.Errorf("the PEM %s cannot be parsed (%v)", kind, err)
	}
	switch key.(type) {
	case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey, *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return key, kind, nil
	}
	return nil, "", fmt.Errorf("the PEM %s is of a type JWS does not use (%T)", kind, key)
}

// jwtKeyFits checks that a public key is the kind alg needs (RFC 7518 §3.1):
// RSA for RS*/PS*, the curve of ES256/ES384/ES512, Ed25519 for EdDSA (RFC
// 8037 §3.1).
func jwtKeyFits(alg string, pub any) error {
	want := ""
	switch {
	case strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS"):
		if _, ok := pub.(*rsa.PublicKey); ok {
			return nil
		}
		want = "an RSA key"
	case strings.HasPrefix(alg, "ES"):
		curve := map[string]string{"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}[alg]
		if k, ok := pub.(*ecdsa.PublicKey); ok && k.Curve.Params().Name == curve {
			return nil
		}
		want = "an EC " + curve + " key"
	case alg == "EdDSA" || alg == "Ed25519":
		if _, ok := pub.(ed25519.PublicKey); ok {
			return nil
		}
		want = "an Ed25519 key"
	default:
		return fmt.Errorf("alg %s takes no PEM key", jwtQuote(alg))
	}
	return fmt.Errorf("alg %s needs %s, but the key is %s (%s)", alg, want, jwtArticle(jwtKeyName(pub)), jwtAlgFor(pub))
}

// jwtKeyName describes a public key: "RSA 2048-bit", "EC P-256", "Ed25519".
func jwtKeyName(pub any) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d-bit", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "EC " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}

// jwtArticle prefixes a key name with its article: every name jwtKeyName
// makes is said with a vowel first ("an RSA", "an EC", "an Ed25519").
func jwtArticle(s string) string { return "an " + s + " key" }

// jwtAlgFor names the alg a public key signs with, for a fix.
func jwtAlgFor(pub any) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "use alg RS256"
	case *ecdsa.PublicKey:
		switch k.Curve.Params().Name {
		case "P-256":
			return "use alg ES256"
		case "P-384":
			return "it signs ES384"
		case "P-521":
			return "it signs ES512"
		}
	case ed25519.PublicKey:
		return "use alg EdDSA"
	}
	return "no JWS alg fits it"
}
