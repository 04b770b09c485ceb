package authn

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// jwtScheme sends a JSON Web Token (RFC 7519) as a Bearer token (RFC 6750
// §2.1). It has two modes:
//
//   - token: an existing JWT is sent as it is, and decoded in the trace
//     (header, claims, expiry, and the signature checked when a key is given);
//   - build: a token is made from a claims set (RFC 7519 §7.1) and signed as
//     a JWS (RFC 7515 §5.1) with golang-jwt: HS256/384/512 with a shared
//     secret, RS256, ES256 or EdDSA with a PEM private key.
//
// alg "none" (an unsecured JWT, RFC 7519 §6) is refused in both modes.
type jwtScheme struct{}

func init() { register(jwtScheme{}) }

// jwtAlgs are the algorithms the build mode signs with.
var jwtAlgs = []string{"HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA"}

// jwtDefaultTTL is the lifetime given to a built token that has no exp.
const jwtDefaultTTL = time.Hour

func (jwtScheme) Info() Info {
	return Info{
		Name:    "jwt",
		Title:   "JWT (Bearer)",
		Summary: "A JSON Web Token, built from claims and signed (HMAC, RSA, ECDSA, EdDSA) or pasted, sent as a Bearer token.",
		Spec:    "RFC 7519, RFC 7515",
		Rank:    55,
		// Sent as a Bearer token (RFC 6750 §2.1), so it answers Bearer
		// challenges; bearer explains them. exp, nbf and iat are NumericDates
		// the server compares with its clock (RFC 7519 §4.1.4, §4.1.5).
		Challenges: []string{"Bearer"},
		ClockNote:  "JWT: exp, nbf and iat are checked against the server's clock, so a fresh token can look expired or not yet valid (RFC 7519 §4.1.4, §4.1.5)",
		Fields: []Field{
			{Name: "claims", Label: "Claims", Multiline: true,
				Help: `the claims set as a JSON object, e.g. {"sub":"demo"}; iat/nbf/exp may be "now", "+1h", "-5m" (iat=now and exp=+1h are added when absent)`},
			{Name: "alg", Label: "Algorithm", Default: "HS256", Allowed: slices.Clone(jwtAlgs),
				Help: "JWS signature algorithm (RFC 7518 §3.1): HS* sign with the secret, RS256/ES256/EdDSA with the private key"},
			{Name: "secret", Label: "Secret", Secret: true,
				Help: "the shared HMAC secret for HS256/HS384/HS512; with token, it checks the token's signature"},
			{Name: "private_key", Label: "Private key", Secret: true, Multiline: true,
				Help: "PEM private key (PKCS#1, PKCS#8 or SEC1) for RS256/ES256/EdDSA; with token, a public key or certificate checks the signature"},
			{Name: "kid", Label: "Key ID",
				Help: "optional kid header: tells the server which of its keys verifies the token (RFC 7515 §4.1.4)"},
			{Name: "token", Label: "Token", Secret: true,
				Help: "an existing JWT to send as it is (then claims are not used); it is decoded in the trace"},
			// attack labs (#20): jwt_attack.go
			// Free text, not a choice: a choice field always holds a value,
			// which every saved jwt profile would then carry.
			{Name: "attack", Label: "Attack (practice labs)",
				Help: "empty for normal use; for the attack labs of `authlab serve --labs` only: alg-none sends an unsigned token, key-confusion signs HS256 with a PEM public key as the secret (RFC 8725 §2.1); a correct server refuses both"},
		},
	}
}

func (jwtScheme) Authorize(out *Outgoing, c Credentials, env Env, tr *Trace) error {
	token, claims := strings.TrimSpace(c.Get("token")), strings.TrimSpace(c.Get("claims"))
	if a := strings.TrimSpace(c.Get("attack")); a != "" && a != jwtAttackOff {
		return jwtAttack(out, c, a, env.Now(), tr)
	}
	switch {
	case token != "" && claims != "":
		return &InputError{Field: "claims", Problem: "scheme jwt got both a token and claims",
			Fix: "give token to send an existing JWT, or claims (with secret or private_key) to build one, not both"}
	case token != "":
		return jwtSendToken(out, c, token, env.Now(), tr)
	case claims == "":
		return &InputError{Field: "claims", Problem: "scheme jwt needs claims to build a token, or a token to send",
			Fix: `add -c claims='{"sub":"demo"}' -c secret=…, or -c token=eyJ…`}
	}
	return jwtBuild(out, c, claims, env.Now(), tr)
}

// jwtAlgNoneError is the InputError for alg "none" in the build mode.
func jwtAlgNoneError(field string) error {
	return &InputError{Field: field, Problem: `alg "none" makes an unsecured JWT without a signature (RFC 7519 §6): anyone could forge it, and authlab refuses it`,
		Fix: "sign it: use one of " + strings.Join(jwtAlgs, ", ")}
}

// jwtBuild makes, signs and sends a token from the claims (RFC 7519 §7.1).
func jwtBuild(out *Outgoing, c Credentials, claimsText string, now time.Time, tr *Trace) error {
	alg := c.Get("alg")
	if alg == "" {
		alg = "HS256"
	}
	if strings.EqualFold(alg, "none") {
		return jwtAlgNoneError("alg")
	}
	if !slices.Contains(jwtAlgs, alg) {
		return &InputError{Field: "alg", Problem: fmt.Sprintf("scheme jwt cannot sign with alg %s", jwtQuote(alg)),
			Fix: "use one of " + strings.Join(jwtAlgs, ", ")}
	}
	claims, notes, err := jwtClaims(claimsText, now)
	if err != nil {
		return err
	}
	key, keyDesc, err := jwtSigningKey(alg, c)
	if err != nil {
		return err
	}
	method := jwt.GetSigningMethod(alg)
	t := jwt.NewWithClaims(method, claims)
	if kid := c.Get("kid"); kid != "" {
		t.Header["kid"] = kid
	}
	input, err := t.SigningString()
	if err != nil {
		return &InputError{Field: "claims", Problem: "the claims cannot be encoded as JSON (" + err.Error() + ")", Fix: "check the claims JSON"}
	}
	sig, err := method.Sign(input, key)
	if err != nil {
		return &InputError{Field: jwtKeyField(alg), Problem: fmt.Sprintf("signing with %s failed (%v)", alg, err), Fix: "check the key"}
	}
	hseg, cseg, _ := strings.Cut(input, ".")
	sseg := t.EncodeSegment(sig)
	token := input + "." + sseg
	hjson, _ := jwtDecodeSegment("header", hseg)
	cjson, _ := jwtDecodeSegment("claims", cseg)

	// RFC 7519 §7.1 steps 1–2: the claims set and its UTF-8 bytes.
	step := tr.Add("Write the claims set", "RFC 7519 §4, §7.1",
		"The claims are statements about the subject, as one JSON object. Registered claims: iss (issuer), sub (subject), aud (audience), "+
			"exp (expiry), nbf (not before), iat (issued at); times are NumericDates, seconds since 1970 (RFC 7519 §2)."+notes,
		Plain("claims", string(cjson)))
	for _, name := range []string{"iat", "nbf", "exp"} {
		if v, ok := claims[name]; ok {
			if at, ok := jwtNumericDate(v); ok {
				step.Values = append(step.Values, Plain(name, jwtWhen(at, now)))
			}
		}
	}
	if exp, ok := jwtNumericDate(claims["exp"]); ok && !now.Before(exp) {
		step.Note += " This token is already expired (exp ≤ now): a server must refuse it (RFC 7519 §4.1.4)."
	}

	// RFC 7515 §5.1 step 3, RFC 7519 §5.
	hnote := `alg names the signature algorithm (RFC 7515 §4.1.1) and typ "JWT" the media type (RFC 7519 §5.1).`
	if c.Get("kid") != "" {
		hnote += " kid tells the server which of its keys to verify with (RFC 7515 §4.1.4)."
	}
	tr.Add("Write the JOSE header", "RFC 7515 §4.1, RFC 7519 §5", hnote,
		Plain("header", string(hjson)), Plain("alg", alg))

	// RFC 7515 §5.1 steps 2 and 4.
	tr.Add("Base64url-encode the header and the claims", "RFC 7515 §5.1 steps 2–4, §2",
		"base64url uses '-' and '_' instead of '+' and '/' and drops the '=' padding. It is an encoding, not encryption: "+
			"anyone who holds the token can read the claims, so never put a secret in them.",
		Plain("header segment", hseg), Plain("claims segment", cseg))

	tr.Add("Join them with a dot: the JWS signing input", "RFC 7515 §5.1 step 5",
		"ASCII(BASE64URL(header) || '.' || BASE64URL(claims)). The signature covers exactly these bytes, so changing one character of the header or the claims breaks it.",
		Plain("signing input", input))

	sstep := tr.Add("Sign the signing input", jwtAlgRef(alg)+", RFC 7515 §5.1 step 5", jwtAlgNote(alg))
	if strings.HasPrefix(alg, "HS") {
		secret := c.Get("secret")
		sstep.Values = append(sstep.Values,
			Secret("HMAC key", secret, fmt.Sprintf("%s (%d bytes)", Mask(""), len(secret))),
			Plain("key length", fmt.Sprintf("%d bytes", len(secret))))
		if min := jwtHMACMin(alg); len(secret) < min {
			sstep.Note += fmt.Sprintf(" The secret is %d bytes; RFC 7518 §3.2 asks for at least %d (the hash size) for %s: fine for practice, too short for production.", len(secret), min, alg)
		}
	} else {
		sstep.Values = append(sstep.Values, Plain("key", keyDesc))
	}
	sstep.Values = append(sstep.Values,
		Secret("signature", sseg, ""),
		Plain("signature length", fmt.Sprintf("%d bytes", len(sig))))

	tr.Add("Append the base64url signature: the compact JWS", "RFC 7515 §7.1, RFC 7519 §7.1 step 6",
		"header.claims.signature. The whole token is a bearer credential: whoever holds it is the subject until exp, so it is masked like a password.",
		Secret("token", token, ""), Plain("token length", fmt.Sprintf("%d bytes", len(token))))

	jwtSetHeader(out, token, tr)
	return nil
}

// jwtSendToken decodes an existing token for the trace and sends it.
func jwtSendToken(out *Outgoing, c Credentials, token string, now time.Time, tr *Trace) error {
	if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
		token = strings.TrimSpace(token[7:])
	}
	key, keyField := c.Get("private_key"), "private_key"
	d, err := DecodeJWT(token, "", now)
	if err == nil && strings.HasPrefix(d.Alg, "HS") {
		key, keyField = c.Get("secret"), "secret"
	}
	if err == nil && key != "" {
		d.Sig = jwtVerify(d.Alg, d.SigningInput, d.Signature, key)
	}
	if err != nil {
		if je, ok := err.(*JWTError); ok && je.Err == ErrJWTAlgNone {
			return &InputError{Field: "token", Problem: "the token's " + je.Problem,
				Fix: "get a signed token from the issuer; an unsecured token proves nothing"}
		}
		return &InputError{Field: "token", Problem: "the token is not a JWT: " + err.Error(),
			Fix: "paste the whole token (header.claims.signature); for an opaque token use scheme bearer"}
	}
	token = d.SigningInput + "." + d.Segments[2]

	tr.Add("Split the token at the dots", "RFC 7515 §7.1, RFC 7519 §7.2 step 1",
		"A JWT is three base64url parts: header.claims.signature. The first two are only encoded, so anyone can read them.",
		Plain("header segment", d.Segments[0]), Plain("claims segment", d.Segments[1]),
		Secret("signature", d.Segments[2], ""))
	tr.Add("Decode the JOSE header", "RFC 7515 §4.1, RFC 7519 §7.2 steps 2–4",
		"alg says how it was signed; kid, when present, which of the issuer's keys signed it.",
		Plain("header", string(d.HeaderJSON)), Plain("alg", d.Alg))

	step := tr.Add("Decode the claims", "RFC 7519 §4, §7.2 step 10",
		"exp, nbf and iat are NumericDates, compared here with your clock; the server compares them with its own.",
		Plain("claims", string(d.ClaimsJSON)))
	for _, v := range []struct {
		name string
		at   time.Time
	}{{"iat", d.IssuedAt}, {"nbf", d.NotBefore}, {"exp", d.ExpiresAt}} {
		if !v.at.IsZero() {
			step.Values = append(step.Values, Plain(v.name, jwtWhen(v.at, now)))
		}
	}
	step.Values = append(step.Values, Plain("expiry", d.Expiry))
	if d.Expired {
		step.Note += " It has expired: a server must refuse it (RFC 7519 §4.1.4); it is sent anyway so you can see the answer."
	}
	for _, w := range d.Warnings {
		step.Note += " Note: " + w + "."
	}

	vstep := tr.Add("Check the signature", "RFC 7515 §5.2 step 8",
		"The signature covers the signing input, header '.' claims. Only a holder of the key could have made it.",
		Plain("signing input", d.SigningInput))
	switch {
	case key == "":
		vstep.Note += " No key was given (secret for HS*, private_key with a public key or certificate otherwise), so authlab did not check it; the server will."
	case keyField == "secret":
		vstep.Values = append(vstep.Values, Secret("HMAC key", key, fmt.Sprintf("%s (%d bytes)", Mask(""), len(key))))
	default:
		vstep.Values = append(vstep.Values, Plain("key", d.Sig.Key))
	}
	vstep.Values = append(vstep.Values, Plain("signature valid", d.Sig.Detail))

	jwtSetHeader(out, token, tr)
	return nil
}

// jwtSetHeader sends token as a Bearer token, masked.
func jwtSetHeader(out *Outgoing, token string, tr *Trace) {
	header := "Bearer " + token
	masked := "Bearer " + Mask("")
	out.SetHeader("Authorization", header, masked)
	tr.Add("Send it as a Bearer token", "RFC 6750 §2.1",
		"The server splits the token, recomputes or verifies the signature with its key, then checks exp and nbf against its clock.",
		Secret("Authorization", header, masked))
}

// jwtClaims parses the claims text and resolves the time helpers of iat, nbf
// and exp; it adds iat=now and exp=now+1h when they are absent. notes
// explains what it changed, for the trace.
func jwtClaims(text string, now time.Time) (jwt.MapClaims, string, error) {
	var m map[string]any
	if err := jwtUnmarshalObject([]byte(text), &m); err != nil {
		return nil, "", &InputError{Field: "claims", Problem: "the claims are not a JSON object (" + err.Error() + ")",
			Fix: `write them as JSON, e.g. {"sub":"demo","exp":"+1h"}`}
	}
	var notes []string
	for _, name := range []string{"iat", "nbf", "exp"} {
		v, ok := m[name]
		if !ok {
			continue
		}
		n, note, err := jwtTimeHelper(name, v, now)
		if err != nil {
			return nil, "", err
		}
		m[name] = n
		if note != "" {
			notes = append(notes, note)
		}
	}
	unix := func(t time.Time) json.Number { return json.Number(strconv.FormatInt(t.Unix(), 10)) }
	if _, ok := m["iat"]; !ok {
		m["iat"] = unix(now)
		notes = append(notes, "iat was absent: added iat = now")
	}
	if _, ok := m["exp"]; !ok {
		m["exp"] = unix(now.Add(jwtDefaultTTL))
		notes = append(notes, "exp was absent: added exp = now + 1h")
	}
	out := ""
	if len(notes) > 0 {
		out = " Filled in by authlab: " + strings.Join(notes, "; ") + "."
	}
	return jwt.MapClaims(m), out, nil
}

// jwtTimeHelper turns the value of a time claim into a NumericDate: a number
// stays as it is; "now", "+1h", "-5m", "now+30m", "+7d" are relative to now;
// an RFC 3339 date is converted.
func jwtTimeHelper(name string, v any, now time.Time) (json.Number, string, error) {
	bad := func(what string) error {
		return &InputError{Field: "claims", Problem: fmt.Sprintf("claim %s is %s, not a NumericDate (RFC 7519 §2)", name, what),
			Fix: `use seconds since 1970, "now", "+1h", "-5m", "now+30m", "+7d" or an RFC 3339 date`}
	}
	switch v := v.(type) {
	case json.Number:
		if _, err := strconv.ParseFloat(string(v), 64); err != nil {
			return "", "", bad("not a number")
		}
		return v, "", nil
	case string:
		s := strings.TrimSpace(v)
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return json.Number(strconv.FormatInt(t.Unix(), 10)), fmt.Sprintf("%s %q became %d", name, v, t.Unix()), nil
		}
		rel, ok := strings.CutPrefix(strings.ToLower(s), "now")
		rel = strings.TrimSpace(rel)
		var d time.Duration
		if rel != "" {
			if rel[0] != '+' && rel[0] != '-' {
				return "", "", bad(jwtQuote(v))
			}
			var err error
			if d, err = jwtParseDuration(strings.TrimSpace(rel[1:])); err != nil {
				return "", "", bad(jwtQuote(v))
			}
			if rel[0] == '-' {
				d = -d
			}
		} else if !ok {
			return "", "", bad(jwtQuote(v))
		}
		t := now.Add(d)
		return json.Number(strconv.FormatInt(t.Unix(), 10)), fmt.Sprintf("%s %q became %d (%s)", name, v, t.Unix(), t.UTC().Format("2006-01-02 15:04:05 UTC")), nil
	case nil:
		return "", "", bad("null")
	}
	return "", "", bad(fmt.Sprintf("a JSON %T", v))
}

// jwtParseDuration parses a Go duration ("1h30m", "90s") or a number of days
// ("7d").
func jwtParseDuration(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 36500 {
			return 0, fmt.Errorf("bad days")
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration")
	}
	return d, nil
}

// jwtKeyField names the field that holds the key for alg.
func jwtKeyField(alg string) string {
	if strings.HasPrefix(alg, "HS") {
		return "secret"
	}
	return "private_key"
}

// jwtSigningKey returns what golang-jwt's Sign takes for alg, and a
// description of it for the trace.
func jwtSigningKey(alg string, c Credentials) (any, string, error) {
	if strings.HasPrefix(alg, "HS") {
		secret := c.Get("secret")
		switch {
		case secret == "" && c.Get("private_key") != "":
			return nil, "", &InputError{Field: "secret", Problem: fmt.Sprintf("alg %s signs with a shared secret, and secret is empty (private_key is for RS256, ES256 and EdDSA)", alg),
				Fix: "add -c secret=…, or choose -c alg=RS256, ES256 or EdDSA to sign with the private key"}
		case secret == "":
			return nil, "", &InputError{Field: "secret", Problem: fmt.Sprintf("alg %s needs the shared secret", alg), Fix: "add -c secret=VALUE (env:NAME, file:PATH or prompt)"}
		case jwtLooksPEM(secret):
			return nil, "", &InputError{Field: "secret", Problem: fmt.Sprintf("the secret is a PEM key, but alg %s is HMAC; a public key used as an HMAC secret is the algorithm-confusion attack (RFC 8725 §2.1)", alg),
				Fix: "put a PEM private key in private_key and choose alg RS256, ES256 or EdDSA"}
		}
		return []byte(secret), "", nil
	}
	text := c.Get("private_key")
	if text == "" {
		return nil, "", &InputError{Field: "private_key", Problem: fmt.Sprintf("alg %s needs a PEM private key", alg),
			Fix: "add -c private_key=file:key.pem (PKCS#1, PKCS#8 or SEC1), or choose alg HS256 with a secret"}
	}
	k, kind, err := jwtParsePEM(text)
	if err != nil {
		return nil, "", &InputError{Field: "private_key", Problem: "private_key: " + err.Error(), Fix: "give a PEM private key (PKCS#1, PKCS#8 or SEC1)"}
	}
	var pub any
	switch p := k.(type) {
	case *rsa.PrivateKey:
		pub = &p.PublicKey
	case *ecdsa.PrivateKey:
		pub = &p.PublicKey
	case ed25519.PrivateKey:
		pub = p.Public()
	default:
		return nil, "", &InputError{Field: "private_key", Problem: "private_key holds a " + kind + ", and signing needs the private half",
			Fix: "give the private key; the server keeps the public one"}
	}
	if err := jwtKeyFits(alg, pub); err != nil {
		return nil, "", &InputError{Field: "alg", Problem: "private_key does not fit: " + err.Error(), Fix: "choose the alg of the key, or the key of the alg"}
	}
	return k, jwtKeyName(pub) + " " + kind, nil
}

// jwtHMACMin is the smallest HMAC key RFC 7518 §3.2 allows for alg: the
// size of the hash output.
func jwtHMACMin(alg string) int {
	switch alg {
	case "HS384":
		return 48
	case "HS512":
		return 64
	}
	return 32
}

// jwtAlgRef cites the definition of alg.
func jwtAlgRef(alg string) string {
	switch {
	case strings.HasPrefix(alg, "HS"):
		return "RFC 7518 §3.2"
	case strings.HasPrefix(alg, "RS"):
		return "RFC 7518 §3.3"
	case strings.HasPrefix(alg, "ES"):
		return "RFC 7518 §3.4"
	case strings.HasPrefix(alg, "PS"):
		return "RFC 7518 §3.5"
	}
	return "RFC 8037 §3.1"
}

// jwtAlgNote explains how alg signs.
func jwtAlgNote(alg string) string {
	switch {
	case strings.HasPrefix(alg, "HS"):
		return fmt.Sprintf("HMAC-SHA-%s of the signing input, keyed with the secret. The server holds the same secret and recomputes it: "+
			"the signature is derived from the secret, and anyone with the secret can make tokens.", alg[2:])
	case alg == "RS256":
		return "RSASSA-PKCS1-v1_5 with SHA-256, made with the RSA private key; the server verifies with the public key, which cannot make tokens."
	case alg == "ES256":
		return "ECDSA with P-256 and SHA-256, written as R || S (64 bytes); each signature is different (random k), and the server verifies with the public key."
	}
	return "Ed25519 (EdDSA): deterministic, 64 bytes; the server verifies with the public key."
}

// Lifetime: a JWT is valid until its exp claim (RFC 7519 §4.1.4) for
// anyone who holds it, not for one request.
func (jwtScheme) Lifetime(h http.Header, at time.Time) Lifetime {
	until := "its exp claim"
	if d, err := DecodeJWT(strings.TrimPrefix(h.Get("Authorization"), "Bearer "), "", at); err == nil && !d.ExpiresAt.IsZero() {
		until = "its exp claim, " + d.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return Lifetime{What: "a JWT", Signed: "this one", Valid: "valid until " + until, Replay: " and anyone who sees it can use it until then"}
}
