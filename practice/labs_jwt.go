package practice

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
)

// The four JWT labs. Each protects an "admin API" that answers 200 only to a
// token whose claims say "role":"admin"; the server issues only role user
// tokens (GET …/token), so a 200 from a vulnerable endpoint means a forged
// token was accepted: that is the server's check that the exploit worked.
//
//	jwt-none        the verifier believes the header: alg none needs no
//	                signature (RFC 8725 §2.1, §3.1)
//	jwt-confusion   the verifier takes its one key for whatever alg the
//	                header names: HS256 uses the RSA public key PEM as the HMAC
//	                secret (RFC 8725 §2.1, §3.1)
//	jwt-weak        HS256 with a dictionary word as the secret (RFC 8725 §3.5,
//	                RFC 7518 §3.2)
//	jwt-kid         kid names a file under /srv/keys, joined as a path:
//	                ../ reads any file of the (in-memory) disk (RFC 8725 §3.10)

// LabWeakJWTSecret is the jwt-weak lab's HMAC secret: a dictionary word, one
// of LabWordlist. Public on purpose: it is what the student cracks.
const LabWeakJWTSecret = "sunshine"

// LabWordlist is the small wordlist GET /labs/jwt-weak/wordlist.txt serves
// (common passwords), enough to crack the jwt-weak token offline.
const LabWordlist = `123456
password
12345678
qwerty
123456789
12345
1234
111111
1234567
dragon
123123
baseball
abc123
football
monkey
letmein
696969
shadow
master
666666
qwertyuiop
123321
mustang
1234567890
michael
654321
superman
1qaz2wsx
7777777
121212
000000
qazwsx
123qwe
killer
trustno1
jordan
jennifer
zxcvbnm
asdfgh
hunter
buster
soccer
harley
batman
andrew
tigger
sunshine
iloveyou
2000
charlie
robert
thomas
hockey
ranger
daniel
starwars
klaster
112233
george
computer
michelle
jessica
pepper
secret
`

// labKidFolder is the folder the kid lab reads key files from.
const labKidFolder = "/srv/keys/"

// LabKidBanner is the public file the kid lab's server also holds, at
// /srv/public/banner.txt, served at GET /labs/jwt-kid/public/banner.txt: a
// file the attacker can read, so its bytes can be made an HMAC key.
const LabKidBanner = "Welcome to the authlab practice server. Be kind to each other."

// labKidKeyName is the kid of the tokens the kid lab issues.
const labKidKeyName = "2026-01.key"

// labKeyFiles is the kid lab's in-memory disk: two random key files under
// labKidFolder and a few files outside it, as a real server's disk has.
func labKeyFiles() map[string][]byte {
	return map[string][]byte{
		labKidFolder + labKidKeyName: labRandom(32),
		labKidFolder + "2025-12.key": labRandom(32),
		"/srv/public/banner.txt":     []byte(LabKidBanner),
		"/etc/hostname":              []byte("practice"),
		"/dev/null":                  {},
	}
}

func labJWTNone() Lab {
	return Lab{
		Name: "jwt-none", Title: "JWT alg none accepted",
		Vulnerable: "/labs/jwt-none", Fixed: "/labs/jwt-none/fixed",
		Setup: []string{"/labs/jwt-none/token (a role user RS256 token)"},
		Story: "The admin API lets the token header choose the algorithm, and alg none means \"no signature to check\": anyone can write the claims.",
		Exploit: []string{
			`authlab send -a jwt -c attack=alg-none -c claims='{"sub":"student","role":"admin"}' BASE/labs/jwt-none`,
		},
		Check: "the admin API answers 200 to a token with role admin, which no token this server issues carries",
		Fix:   "Never take the algorithm from the token: the verifier is configured with the one alg and key it expects, and alg none is refused (RFC 8725 §2.1, §3.1).",
		Ref:   "RFC 8725 §3.1",
	}
}

func labJWTConfusion() Lab {
	return Lab{
		Name: "jwt-confusion", Title: "JWT HS256/RS256 key confusion",
		Vulnerable: "/labs/jwt-confusion", Fixed: "/labs/jwt-confusion/fixed",
		Setup: []string{"/labs/jwt-confusion/public.pem (the API's RSA public key)", "/labs/jwt-confusion/token (a role user RS256 token)"},
		Story: "The admin API verifies with its one key, the RSA public key, whatever alg the header names: with HS256 the public key PEM becomes the HMAC secret, and the public key is public.",
		Exploit: []string{
			`authlab send BASE/labs/jwt-confusion/public.pem > public.pem`,
			`authlab send -a jwt -c attack=key-confusion -c alg=HS256 -c secret=file:public.pem -c claims='{"sub":"student","role":"admin"}' BASE/labs/jwt-confusion`,
		},
		Check: "the admin API answers 200 to an HS256 token (it issues only RS256 ones) with role admin",
		Fix:   "Bind each key to its algorithm: an RSA key verifies RS256 and nothing else, so an HS256 token is refused (RFC 8725 §2.1, §3.1).",
		Ref:   "RFC 8725 §3.1",
	}
}

func labJWTWeak() Lab {
	return Lab{
		Name: "jwt-weak", Title: "JWT signed with a weak HMAC secret",
		Vulnerable: "/labs/jwt-weak", Fixed: "/labs/jwt-weak/fixed",
		Setup: []string{"/labs/jwt-weak/token (a role user HS256 token)", "/labs/jwt-weak/fixed/token", "/labs/jwt-weak/wordlist.txt"},
		Story: "The API signs HS256 tokens with a dictionary word. One token is enough to try every word offline until the signature matches.",
		Exploit: []string{
			`authlab send BASE/labs/jwt-weak/token`,
			`authlab send BASE/labs/jwt-weak/wordlist.txt > words.txt`,
			`authlab jwt crack TOKEN --wordlist words.txt`,
			`authlab send -a jwt -c secret=CRACKED -c claims='{"sub":"student","role":"admin"}' BASE/labs/jwt-weak`,
		},
		Check: "the admin API answers 200 to a token with role admin signed with its secret, which only someone who knows the secret can make",
		Fix:   "An HMAC key is a key, not a password: at least the hash size (32 random bytes for HS256), from a random generator (RFC 8725 §3.5, RFC 7518 §3.2). The fixed twin's is; the same crack finds nothing.",
		Ref:   "RFC 8725 §3.5",
	}
}

func labJWTKid() Lab {
	return Lab{
		Name: "jwt-kid", Title: "JWT kid path traversal",
		Vulnerable: "/labs/jwt-kid", Fixed: "/labs/jwt-kid/fixed",
		Setup: []string{"/labs/jwt-kid/token (a role user HS256 token, kid " + labKidKeyName + ")", "/labs/jwt-kid/public/banner.txt"},
		Story: "The API reads the HMAC key from the file " + labKidFolder + "KID, joining the kid header as a path: ../ leaves the key folder, and any file whose bytes you know is a key (an in-memory disk: nothing real is read).",
		Exploit: []string{
			`authlab send BASE/labs/jwt-kid/public/banner.txt > banner.txt`,
			`authlab send -a jwt -c kid=../public/banner.txt -c secret=file:banner.txt -c claims='{"sub":"student","role":"admin"}' BASE/labs/jwt-kid`,
		},
		Check: "the admin API answers 200 to a token with role admin verified with a file outside " + labKidFolder,
		Fix:   "kid is attacker input: look it up in a fixed table of keys, never build a path, query or URL from it (RFC 8725 §3.10).",
		Ref:   "RFC 8725 §3.10",
	}
}

func (l *labState) registerJWT(mux *http.ServeMux) {
	s := l.s
	const vuln = "deliberately vulnerable (attack lab): "
	rsaKey := func(t *labToken, tr *ServerTrace) (string, *jwtFailure) {
		if t.alg != "RS256" {
			return "", labInvalid("The token alg " + jwtSafe(t.alg) + " is not accepted here; this API's key is RSA and verifies RS256 only")
		}
		return l.verifyRS256(t, tr)
	}

	// jwt-none
	s.handle(mux, "GET /labs/jwt-none/token", "jwt", "jwt-none lab: a role user RS256 token", l.rsaToken)
	s.handle(mux, "GET /labs/jwt-none", "jwt", vuln+"admin API that accepts alg none", l.jwtAPI("jwt-none", false,
		func(t *labToken, tr *ServerTrace) (string, *jwtFailure) {
			if strings.EqualFold(t.alg, "none") {
				add(tr, "signature check", "skipped: the header says alg "+oneLine(t.alg))
				return "an unsigned token (alg " + oneLine(t.alg) + "): the header chose no signature", nil
			}
			return rsaKey(t, tr)
		}))
	s.handle(mux, "GET /labs/jwt-none/fixed", "jwt", "jwt-none lab, fixed: RS256 only, alg none refused", l.jwtAPI("jwt-none", true,
		func(t *labToken, tr *ServerTrace) (string, *jwtFailure) {
			if strings.EqualFold(t.alg, "none") {
				return "", labInvalid("The token is unsigned (alg none); this API accepts only RS256 tokens (RFC 8725 section 3.1)")
			}
			return rsaKey(t, tr)
		}))

	// jwt-confusion
	s.handle(mux, "GET /labs/jwt-confusion/public.pem", "jwt", "jwt-confusion lab: the admin API's RSA public key (PEM)", l.publicPEM)
	s.handle(mux, "GET /labs/jwt-confusion/token", "jwt", "jwt-confusion lab: a role user RS256 token", l.rsaToken)
	s.handle(mux, "GET /labs/jwt-confusion", "jwt", vuln+"admin API that verifies HS256 with its RSA public key as the secret", l.jwtAPI("jwt-confusion", false,
		func(t *labToken, tr *ServerTrace) (string, *jwtFailure) {
			switch t.alg {
			case "RS256":
				return l.verifyRS256(t, tr)
			case "HS256":
				add(tr, "key", "the RSA public key PEM, as an HMAC secret ("+fmt.Sprint(len(l.rsaPEM))+" bytes)")
				if !labHMACValid(l.rsaPEM, t) {
					return "", labInvalid("The token signature is invalid: it was not made with this API's key")
				}
				return "an HS256 token verified with the RSA public key as the HMAC secret (algorithm confusion)", nil
			}
			return "", labInvalid("The token alg " + jwtSafe(t.alg) + " is not accepted here; accepted: RS256, HS256")
		}))
	s.handle(mux, "GET /labs/jwt-confusion/fixed", "jwt", "jwt-confusion lab, fixed: the RSA key verifies RS256 only", l.jwtAPI("jwt-confusion", true, rsaKey))

	// jwt-weak
	s.handle(mux, "GET /labs/jwt-weak/wordlist.txt", "jwt", "jwt-weak lab: a small wordlist of common passwords", labText(LabWordlist))
	s.handle(mux, "GET /labs/jwt-weak/token", "jwt", "jwt-weak lab: a role user HS256 token", l.hsToken(func() []byte { return []byte(LabWeakJWTSecret) }, ""))
	s.handle(mux, "GET /labs/jwt-weak/fixed/token", "jwt", "jwt-weak lab, fixed: a role user HS256 token (32-byte random secret)", l.hsToken(func() []byte { return l.fixedSecret }, ""))
	s.handle(mux, "GET /labs/jwt-weak", "jwt", vuln+"admin API whose HS256 secret is a dictionary word", l.jwtAPI("jwt-weak", false, labHS256([]byte(LabWeakJWTSecret), "the API's HMAC secret")))
	s.handle(mux, "GET /labs/jwt-weak/fixed", "jwt", "jwt-weak lab, fixed: a 32-byte random HS256 secret", l.jwtAPI("jwt-weak", true, labHS256(l.fixedSecret, "the API's HMAC secret")))

	// jwt-kid
	s.handle(mux, "GET /labs/jwt-kid/public/banner.txt", "jwt", "jwt-kid lab: a public file of the server (/srv/public/banner.txt)", labText(LabKidBanner))
	s.handle(mux, "GET /labs/jwt-kid/token", "jwt", "jwt-kid lab: a role user HS256 token, kid "+labKidKeyName, l.hsToken(func() []byte { return l.keyFiles[labKidFolder+labKidKeyName] }, labKidKeyName))
	s.handle(mux, "GET /labs/jwt-kid", "jwt", vuln+"admin API that reads the HMAC key from the file "+labKidFolder+"KID", l.jwtAPI("jwt-kid", false, l.kidVulnerable))
	s.handle(mux, "GET /labs/jwt-kid/fixed", "jwt", "jwt-kid lab, fixed: kid looked up in a table of keys", l.jwtAPI("jwt-kid", true, l.kidFixed))
}

// labToken is a JWT the labs read: its parts decoded, nothing verified.
type labToken struct {
	alg, kid       string
	input          string // header.claims
	sig            []byte
	claims         map[string]any
	header, cjson  []byte
	hasKid, hasAlg bool
}

// labKeyFunc verifies t's signature the way one endpoint does and says how
// (for the trace and the verdict), or refuses.
type labKeyFunc func(t *labToken, tr *ServerTrace) (how string, f *jwtFailure)

func labInvalid(desc string) *jwtFailure {
	return &jwtFailure{http.StatusUnauthorized, "invalid_token", desc, "invalid_token: " + desc}
}

// labReadJWT reads the Bearer JWT of r (RFC 6750 §2.1, RFC 7519 §7.2 steps
// 1–10) without verifying it.
func labReadJWT(r *http.Request, tr *ServerTrace) (*labToken, *jwtFailure) {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") {
		return nil, &jwtFailure{http.StatusUnauthorized, "", "This API needs a JWT: Authorization: Bearer <token>", "no token"}
	}
	tok = strings.TrimSpace(tok)
	add(tr, "token length", length(tok))
	if len(tok) > jwtMaxToken || !b64token(tok) {
		return nil, labInvalid("The token is not a JWT")
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, labInvalid(fmt.Sprintf("The token is not a signed JWT: it has %d parts, not 3", len(parts)))
	}
	t := &labToken{input: parts[0] + "." + parts[1]}
	var err error
	if t.header, err = jwtB64(parts[0]); err != nil {
		return nil, labInvalid("The token header is not base64url")
	}
	add(tr, "header", string(t.header))
	var header map[string]any
	if jwtObject(t.header, &header) != nil {
		return nil, labInvalid("The token header is not a JSON object")
	}
	t.alg, t.hasAlg = header["alg"].(string)
	t.kid, t.hasKid = header["kid"].(string)
	if !t.hasAlg {
		return nil, labInvalid("The token header has no alg")
	}
	add(tr, "alg", oneLine(t.alg))
	if t.hasKid {
		add(tr, "kid", oneLine(t.kid))
	}
	if t.cjson, err = jwtB64(parts[1]); err != nil {
		return nil, labInvalid("The token claims are not base64url")
	}
	add(tr, "claims", string(t.cjson))
	if jwtObject(t.cjson, &t.claims) != nil {
		return nil, labInvalid("The token claims are not a JSON object")
	}
	if t.sig, err = jwtB64(parts[2]); err != nil {
		return nil, labInvalid("The token signature is not base64url")
	}
	add(tr, "signature length", fmt.Sprintf("%d bytes", len(t.sig)))
	return t, nil
}

// jwtAPI is the admin API of one JWT lab: the token read, its signature
// checked by key, exp checked, and role admin required (RFC 6750 §3.1
// insufficient_scope otherwise).
func (l *labState) jwtAPI(lab string, fixed bool, key labKeyFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tr := newTrace(r, "jwt")
		twin := "vulnerable"
		if fixed {
			twin = "fixed"
		}
		add(tr, "lab", lab+" ("+twin+")")
		var how string
		t, f := labReadJWT(r, tr)
		if f == nil {
			how, f = key(t, tr)
		}
		if f == nil {
			add(tr, "signature valid", "yes: "+how)
			f = labClaimsCheck(t, tr, l.s.now())
		}
		if f != nil {
			tr.Verdict = "lab " + lab + " (" + twin + "): " + f.verdict
			add(tr, "verdict detail", f.desc)
			c := `Bearer realm="authlab lab ` + lab + `"`
			if f.code != "" {
				c += `, error="` + f.code + `", error_description="` + f.desc + `"`
			}
			w.Header().Set("WWW-Authenticate", c)
			mistake := ""
			if fixed {
				mistake = labRefused(lab, shortVerdict(f.verdict))
			} else if f.status == http.StatusUnauthorized && f.code != "" {
				mistake = "lab " + lab + ": not yet: " + shortVerdict(strings.TrimPrefix(f.verdict, "invalid_token: "))
			}
			l.finish(w, r, tr, f.status, mistake)
			writeJSON(w, f.status, jwtErrorBody{Error: f.code, ErrorDescription: f.desc})
			return
		}
		mistake := ""
		if fixed {
			tr.Verdict = "ok (lab " + lab + ", fixed): a token this server signed, with role admin"
		} else {
			tr.Verdict = "lab " + lab + ": exploited: the admin API accepted " + how + ", with role admin"
			mistake = labExploited(lab)
		}
		l.finish(w, r, tr, http.StatusOK, mistake)
		writeJSON(w, http.StatusOK, labAdminOK{OK: true, Admin: true, Sub: fmt.Sprint(t.claims["sub"]), Message: "Welcome to the admin API."})
	}
}

// labAdminOK is the admin API's answer.
type labAdminOK struct {
	OK      bool   `json:"ok"`
	Admin   bool   `json:"admin"`
	Sub     string `json:"sub"`
	Message string `json:"message"`
}

// labClaimsCheck checks exp (RFC 7519 §4.1.4, with jwtLeeway) and that the
// token carries role admin.
func labClaimsCheck(t *labToken, tr *ServerTrace, now time.Time) *jwtFailure {
	if v, ok := t.claims["exp"]; ok {
		exp, ok := jwtNumeric(v)
		if !ok {
			return labInvalid("The exp claim is not a NumericDate (seconds since 1970)")
		}
		add(tr, "exp", jwtDate(exp))
		if !now.Before(exp.Add(jwtLeeway)) {
			return labInvalid("The token expired")
		}
	}
	role, _ := t.claims["role"].(string)
	add(tr, "role", oneLine(role))
	if role != "admin" {
		return &jwtFailure{http.StatusForbidden, "insufficient_scope", "This is the admin API: the token needs the claim role admin",
			"insufficient_scope: role is not admin"}
	}
	return nil
}

// verifyRS256 checks an RS256 signature with the lab's RSA key (RFC 7518
// §3.3).
func (l *labState) verifyRS256(t *labToken, tr *ServerTrace) (string, *jwtFailure) {
	add(tr, "key", "the API's RSA public key")
	d := sha256.Sum256([]byte(t.input))
	if rsa.VerifyPKCS1v15(&l.rsa.PublicKey, crypto.SHA256, d[:], t.sig) != nil {
		return "", labInvalid("The token signature is invalid: it was not made with this API's RSA key")
	}
	return "an RS256 token signed with this API's RSA key", nil
}

// labHS256 verifies HS256 only, with secret (RFC 7518 §3.2).
func labHS256(secret []byte, name string) labKeyFunc {
	return func(t *labToken, tr *ServerTrace) (string, *jwtFailure) {
		if t.alg != "HS256" {
			return "", labInvalid("The token alg " + jwtSafe(t.alg) + " is not accepted here; accepted: HS256")
		}
		add(tr, "key", name)
		if !labHMACValid(secret, t) {
			return "", labInvalid("The token signature is invalid: it was not made with this API's secret")
		}
		return "an HS256 token signed with " + name, nil
	}
}

// labHMACValid reports whether t carries the HMAC-SHA256 of its signing
// input under key.
func labHMACValid(key []byte, t *labToken) bool {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(t.input))
	return hmac.Equal(m.Sum(nil), t.sig)
}

// kidVulnerable reads the key from labKidFolder joined with the kid as a
// path: the traversal of RFC 8725 §3.10.
func (l *labState) kidVulnerable(t *labToken, tr *ServerTrace) (string, *jwtFailure) {
	if t.alg != "HS256" {
		return "", labInvalid("The token alg " + jwtSafe(t.alg) + " is not accepted here; accepted: HS256")
	}
	if !t.hasKid || t.kid == "" {
		return "", labInvalid("The token header has no kid: this API needs to know which key file to read")
	}
	file := path.Join(labKidFolder, t.kid)
	add(tr, "key file", oneLine(file))
	key, ok := l.keyFiles[file]
	if !ok {
		// the broken service names the path it tried, as such services do
		return "", labInvalid("No key file " + jwtSafePath(file))
	}
	if !labHMACValid(key, t) {
		return "", labInvalid("The token signature is invalid: it was not made with the key in " + jwtSafePath(file))
	}
	if !strings.HasPrefix(file, labKidFolder) {
		return "an HS256 token verified with " + oneLine(file) + ", a file outside " + labKidFolder + " (kid path traversal)", nil
	}
	return "an HS256 token verified with the key file " + oneLine(file), nil
}

// kidFixed looks the kid up in the table of keys: a name, never a path.
func (l *labState) kidFixed(t *labToken, tr *ServerTrace) (string, *jwtFailure) {
	if t.alg != "HS256" {
		return "", labInvalid("The token alg " + jwtSafe(t.alg) + " is not accepted here; accepted: HS256")
	}
	var key []byte
	if t.hasKid && t.kid != "" && !strings.ContainsAny(t.kid, `/\`) && t.kid != "." && t.kid != ".." {
		key = l.keyFiles[labKidFolder+t.kid]
	}
	if key == nil {
		return "", labInvalid("Unknown kid: it names none of this API's keys (RFC 8725 section 3.10)")
	}
	add(tr, "key", "key "+t.kid+" of the key table")
	if !labHMACValid(key, t) {
		return "", labInvalid("The token signature is invalid: it was not made with key " + jwtSafe(t.kid))
	}
	return "an HS256 token signed with key " + t.kid, nil
}

// jwtSafePath renders a path for an error_description: no '"' or '\'.
func jwtSafePath(p string) string {
	p = strings.Map(func(r rune) rune {
		if r == '"' || r == '\\' || r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, p)
	if len(p) > 80 {
		p = p[:80] + "..."
	}
	return p
}

// labTokenBody is the answer of a lab's token endpoint.
type labTokenBody struct {
	Token     string          `json:"token"`
	TokenType string          `json:"token_type"`
	Claims    json.RawMessage `json:"claims"`
}

// labClaimsFor are the claims of a token the labs issue: role user, one
// hour.
func (l *labState) labClaimsFor(r *http.Request) []byte {
	sub := ClientOf(r).Student
	if sub == "" {
		sub = "student"
	}
	now := l.s.now()
	return marshal(map[string]any{"sub": sub, "role": "user", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
}

// labSign makes a compact JWS (RFC 7515 §7.1) with header and claims,
// signed by sign.
func labSign(header, claims []byte, sign func(input []byte) []byte) string {
	enc := base64.RawURLEncoding.EncodeToString
	input := enc(header) + "." + enc(claims)
	return input + "." + enc(sign([]byte(input)))
}

// rsaToken issues a role user RS256 token signed with the lab's RSA key.
func (l *labState) rsaToken(w http.ResponseWriter, r *http.Request) {
	claims := l.labClaimsFor(r)
	tok := labSign([]byte(`{"alg":"RS256","typ":"JWT"}`), claims, func(in []byte) []byte {
		d := sha256.Sum256(in)
		sig, err := rsa.SignPKCS1v15(rand.Reader, l.rsa, crypto.SHA256, d[:])
		if err != nil {
			panic("practice: labs: RS256: " + err.Error())
		}
		return sig
	})
	writeJSON(w, http.StatusOK, labTokenBody{Token: tok, TokenType: "Bearer", Claims: claims})
}

// hsToken issues a role user HS256 token with the secret key() returns,
// with kid when not empty.
func (l *labState) hsToken(key func() []byte, kid string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		header := `{"alg":"HS256","typ":"JWT"}`
		if kid != "" {
			header = `{"alg":"HS256","kid":"` + kid + `","typ":"JWT"}`
		}
		claims := l.labClaimsFor(r)
		tok := labSign([]byte(header), claims, func(in []byte) []byte {
			m := hmac.New(sha256.New, key())
			m.Write(in)
			return m.Sum(nil)
		})
		writeJSON(w, http.StatusOK, labTokenBody{Token: tok, TokenType: "Bearer", Claims: claims})
	}
}

// publicPEM serves the lab's RSA public key.
func (l *labState) publicPEM(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Write(l.rsaPEM)
}

// labText serves a fixed text.
func labText(text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(text))
	}
}

// labPublicPEM is the PKIX PEM of pub, ending in a newline as PEM files do.
func labPublicPEM(pub *rsa.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic("practice: labs: " + err.Error())
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}
