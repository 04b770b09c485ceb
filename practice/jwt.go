package practice

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"math"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// /jwt is a resource server that takes a JSON Web Token (RFC 7519) as a
// Bearer token (RFC 6750 §2.1). Its verifier is written here from the RFCs
// with the standard library only, not with golang-jwt (which authlab's client
// signs with), so that a mistake in one is not hidden by the same mistake in
// the other; PyJWT checks both in the interop tests.
//
// Each accepted alg is bound to one key of a fixed type: HS256/HS384/HS512
// to DemoJWTSecret, RS256 to the demo RSA public key, ES256 to the demo
// P-256 key, EdDSA to the demo Ed25519 key. The header's alg picks the
// entry but can never make the server use a key of another type (the
// algorithm-confusion attack of RFC 8725 §2.1), and kid is ignored. alg
// "none" is refused (RFC 8725 §3.1).

const (
	jwtRealm = "authlab practice (JWT)"
	// jwtLeeway is the clock skew allowed on exp, nbf and iat (RFC 7519
	// §4.1.4: "some small leeway, usually no more than a few minutes").
	jwtLeeway = 30 * time.Second
	// jwtMaxToken bounds the token the server decodes.
	jwtMaxToken = 16 << 10
)

// jwtAccepted lists the algs /jwt verifies, in the order error messages name
// them.
var jwtAccepted = []string{"HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA"}

// jwtKeys are the public keys /jwt verifies with.
type jwtKeys struct {
	rsa *rsa.PublicKey
	ec  *ecdsa.PublicKey
	ed  ed25519.PublicKey
}

func registerJWT(mux *http.ServeMux, s *Server) {
	keys := jwtKeys{rsa: s.rsaKey, ec: jwtDemoECPublicKey(), ed: jwtDemoEd25519PublicKey()}
	s.handle(mux, "GET /jwt", "jwt",
		"RFC 7519 JWT as a Bearer token: HS256/HS384/HS512 with secret "+DemoJWTSecret+
			", RS256/ES256/EdDSA with the demo keys; alg none refused, exp/nbf checked (±30 s)", s.jwtResource(keys))
}

// jwtErrorBody is the JSON body of a refused request (RFC 6750 §3.1 codes).
type jwtErrorBody struct {
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description"`
}

// jwtOK is the body of an accepted request: the verified claims.
type jwtOK struct {
	OK     bool            `json:"ok"`
	Alg    string          `json:"alg"`
	Claims json.RawMessage `json:"claims"`
}

// jwtFailure is why a request was refused.
type jwtFailure struct {
	status  int
	code    string // RFC 6750 §3.1 error code; "" when no token was sent
	desc    string // error_description: no '"' or '\' (RFC 6750 §3)
	verdict string
}

func (s *Server) jwtResource(keys jwtKeys) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tr := newTrace(r, "jwt")
		// The Date header tells the clock the verifier used (RFC 9110
		// §6.6.1), so a client can tell clock skew from a bad token.
		w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))
		alg, claims, f := s.jwtVerify(r, tr, keys)
		if f == nil {
			tr.Verdict = "ok"
			s.finish(w, r, tr, http.StatusOK)
			writeJSON(w, http.StatusOK, jwtOK{OK: true, Alg: alg, Claims: claims})
			return
		}
		tr.Verdict = f.verdict
		add(tr, "verdict detail", f.desc)
		c := `Bearer realm="` + jwtRealm + `"`
		if f.code != "" {
			c += `, error="` + f.code + `", error_description="` + f.desc + `"`
		}
		w.Header().Set("WWW-Authenticate", c)
		s.finish(w, r, tr, f.status)
		writeJSON(w, f.status, jwtErrorBody{Error: f.code, ErrorDescription: f.desc})
	}
}

// jwtVerify finds the token, checks its shape, alg, signature and times
// (RFC 7519 §7.2), and returns the alg and the verified claims.
func (s *Server) jwtVerify(r *http.Request, tr *ServerTrace, keys jwtKeys) (string, json.RawMessage, *jwtFailure) {
	invalid := func(desc string) (string, json.RawMessage, *jwtFailure) {
		return "", nil, &jwtFailure{http.StatusUnauthorized, "invalid_token", desc, "invalid_token: " + desc}
	}
	hs := r.Header.Values("Authorization")
	switch {
	case len(hs) == 0:
		return "", nil, &jwtFailure{http.StatusUnauthorized, "", "This resource needs a JWT: Authorization: Bearer <token>", "no token"}
	case len(hs) > 1:
		return "", nil, &jwtFailure{http.StatusBadRequest, "invalid_request", "More than one Authorization header", "invalid_request: several Authorization headers"}
	}
	scheme, tok, _ := strings.Cut(hs[0], " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", nil, &jwtFailure{http.StatusUnauthorized, "", "This resource needs a JWT as a Bearer token, not " + jwtSafe(scheme),
			"no token: the Authorization header uses " + oneLine(scheme)}
	}
	tok = strings.TrimLeft(tok, " ")
	add(tr, "token length", length(tok))
	switch {
	case tok == "":
		return "", nil, &jwtFailure{http.StatusBadRequest, "invalid_request", "The Authorization header has the Bearer scheme but no token", "invalid_request: empty token"}
	case len(tok) > jwtMaxToken:
		return invalid(fmt.Sprintf("The token is %d bytes, longer than this server accepts", len(tok)))
	case !b64token(tok):
		return invalid("The token has characters a bearer token cannot have (RFC 6750 section 2.1)")
	}

	// RFC 7519 §7.2 steps 1–3: three parts, the header base64url JSON.
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		what := fmt.Sprintf("it has %d parts separated by dots, not 3 (header.claims.signature)", len(parts))
		if len(parts) == 5 {
			what = "it has 5 parts: an encrypted JWT (JWE), which this server does not take"
		}
		return invalid("The token is not a signed JWT: " + what)
	}
	add(tr, "signing input", parts[0]+"."+parts[1])
	hjson, err := jwtB64(parts[0])
	if err != nil {
		return invalid("The token header is not base64url: " + err.Error())
	}
	add(tr, "header", string(hjson))
	var header map[string]any
	if err := jwtObject(hjson, &header); err != nil {
		return invalid("The token header is not a JSON object")
	}
	alg, ok := header["alg"].(string)
	switch {
	case !ok:
		return invalid("The token header has no alg")
	case strings.EqualFold(alg, "none"):
		add(tr, "alg", oneLine(alg))
		return invalid("The token is unsigned (alg none); this server accepts only signed tokens")
	}
	add(tr, "alg", alg)
	if kid, ok := header["kid"].(string); ok {
		add(tr, "kid", kid+" (ignored: the alg picks the key)")
	}
	if !jwtIsAccepted(alg) {
		return invalid("The token alg " + jwtSafe(alg) + " is not accepted here; accepted: " + strings.Join(jwtAccepted, ", "))
	}
	if _, ok := header["crit"]; ok {
		return invalid("The token header lists crit extensions this server does not understand (RFC 7515 section 4.1.11)")
	}

	// Steps 7–10: the claims must be a JSON object.
	cjson, err := jwtB64(parts[1])
	if err != nil {
		return invalid("The token claims are not base64url: " + err.Error())
	}
	add(tr, "claims", string(cjson))
	var claims map[string]any
	if err := jwtObject(cjson, &claims); err != nil {
		return invalid("The token claims are not a JSON object")
	}

	// RFC 7515 §5.2 step 8: the signature, before any claim is trusted.
	sig, err := jwtB64(parts[2])
	if err != nil {
		return invalid("The token signature is not base64url: " + err.Error())
	}
	add(tr, "signature length", strconv.Itoa(len(sig))+" bytes")
	valid, keyName := jwtCheckSignature(tr, alg, parts[0]+"."+parts[1], sig, keys)
	if !valid {
		add(tr, "signature valid", "no ("+keyName+")")
		return invalid("The token signature is invalid: it was not made with " + keyName)
	}
	add(tr, "signature valid", "yes ("+keyName+")")

	// RFC 7519 §4.1.4–4.1.6 with a small leeway.
	now := s.now()
	add(tr, "server time", jwtDate(now))
	times := map[string]time.Time{}
	for _, name := range []string{"exp", "nbf", "iat"} {
		v, ok := claims[name]
		if !ok {
			continue
		}
		t, ok := jwtNumeric(v)
		if !ok {
			add(tr, name, oneLine(fmt.Sprint(v)))
			return invalid("The " + name + " claim is not a NumericDate (seconds since 1970)")
		}
		add(tr, name, jwtDate(t))
		times[name] = t
	}
	if exp, ok := times["exp"]; ok && !now.Before(exp.Add(jwtLeeway)) {
		return invalid(fmt.Sprintf("The token expired %s ago (exp %s)", now.Sub(exp).Round(time.Second), exp.UTC().Format(time.RFC3339)))
	}
	if _, ok := times["exp"]; !ok {
		add(tr, "exp", "absent: the token never expires")
	}
	if nbf, ok := times["nbf"]; ok && now.Add(jwtLeeway).Before(nbf) {
		return invalid(fmt.Sprintf("The token is not valid yet: nbf is %s in the future of the server clock", nbf.Sub(now).Round(time.Second)))
	}
	if iat, ok := times["iat"]; ok && now.Add(jwtLeeway).Before(iat) {
		return invalid(fmt.Sprintf("The token was issued in the future: iat is %s ahead of the server clock", iat.Sub(now).Round(time.Second)))
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, cjson); err != nil {
		return invalid("The token claims are not a JSON object")
	}
	return alg, compact.Bytes(), nil
}

// jwtCheckSignature verifies sig over input with the key bound to alg and
// names that key. For HMAC it adds the expected signature to the trace: it
// is computed with the public demo secret, so it reveals nothing secret.
func jwtCheckSignature(tr *ServerTrace, alg, input string, sig []byte, keys jwtKeys) (bool, string) {
	switch alg {
	case "HS256", "HS384", "HS512":
		var h func() hash.Hash
		switch alg {
		case "HS256":
			h = sha256.New
		case "HS384":
			h = sha512.New384
		default:
			h = sha512.New
		}
		mac := hmac.New(h, []byte(DemoJWTSecret))
		mac.Write([]byte(input))
		want := mac.Sum(nil)
		add(tr, "expected signature", base64.RawURLEncoding.EncodeToString(want))
		add(tr, "secret length", length(DemoJWTSecret))
		return hmac.Equal(sig, want), "the demo " + alg + " secret"
	case "RS256":
		d := sha256.Sum256([]byte(input))
		return rsa.VerifyPKCS1v15(keys.rsa, crypto.SHA256, d[:], sig) == nil, "the private half of the demo RSA key"
	case "ES256":
		// RFC 7518 §3.4: R || S, each 32 bytes big-endian.
		if len(sig) != 64 {
			return false, "the private half of the demo EC P-256 key (an ES256 signature is 64 bytes)"
		}
		d := sha256.Sum256([]byte(input))
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		return ecdsa.Verify(keys.ec, d[:], r, s), "the private half of the demo EC P-256 key"
	case "EdDSA":
		return len(sig) == ed25519.SignatureSize && ed25519.Verify(keys.ed, []byte(input), sig), "the private half of the demo Ed25519 key"
	}
	return false, "an accepted alg"
}

// jwtB64 decodes base64url without padding, strictly (RFC 7515 §2).
func jwtB64(seg string) ([]byte, error) {
	if strings.ContainsAny(seg, "=+/") {
		return nil, fmt.Errorf("it has padding or standard base64 characters")
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(seg)
	if err != nil {
		return nil, fmt.Errorf("bad base64url at offset %s", strings.TrimPrefix(err.Error(), "illegal base64 data at input byte "))
	}
	return b, nil
}

// jwtObject decodes a JSON object, keeping numbers exact.
func jwtObject(b []byte, v *map[string]any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if *v == nil || dec.More() {
		return fmt.Errorf("not one JSON object")
	}
	return nil
}

// jwtNumeric reads a NumericDate (RFC 7519 §2).
func jwtNumeric(v any) (time.Time, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.Abs(f) > 1e12 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}

// jwtDate renders a time for the trace: "1767225600 (2026-01-01T00:00:00Z)".
func jwtDate(t time.Time) string {
	return fmt.Sprintf("%d (%s)", t.Unix(), t.UTC().Format(time.RFC3339))
}

// jwtIsAccepted reports whether alg is one /jwt verifies (case-sensitive,
// as RFC 7515 §4.1.1 says alg values are).
func jwtIsAccepted(alg string) bool {
	for _, a := range jwtAccepted {
		if a == alg {
			return true
		}
	}
	return false
}

// jwtSafe renders client text for an error_description, which cannot carry
// '"' or '\' and should stay short: letters, digits and -_.+ only, at most
// 20 of them.
func jwtSafe(s string) string {
	var b strings.Builder
	for _, c := range s {
		if b.Len() >= 20 {
			b.WriteString("...")
			break
		}
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_.+", c)) {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return "(unprintable)"
	}
	return b.String()
}
