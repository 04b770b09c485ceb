package authn

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"
)

// ID token validation (OIDC Core 1.0 §3.1.3.7), each check a trace step
// saying pass or FAIL with the values compared. The signature is checked
// with a key of the issuer's JWKS (RFC 7517) chosen by kid; a kid missing
// from a JWKS read earlier fetches the set once more, since providers
// rotate keys (OIDC Core §10.1.1).

// oidcAlgs are the signature algorithms authlab verifies: RS256, which
// every provider must support (OIDC Core §3.1.3.7 step 7, Discovery §3),
// and ES256 (RFC 7518 §3.4).
var oidcAlgs = []string{"RS256", "ES256"}

// oidcKey is one verification key of a JWKS.
type oidcKey struct {
	kid, alg, kty string
	pub           crypto.PublicKey
}

// oidcKeySet is a parsed JWKS with the time it was read.
type oidcKeySet struct {
	keys []oidcKey
	read time.Time
}

// find returns the key with kid usable for alg.
func (ks oidcKeySet) find(kid, alg string) (oidcKey, bool) {
	for _, k := range ks.keys {
		if (kid == "" || k.kid == kid) && (k.alg == "" || k.alg == alg) && oidcKeyFits(alg, k.pub) {
			return k, true
		}
	}
	return oidcKey{}, false
}

func (ks oidcKeySet) kids() string {
	var ids []string
	for _, k := range ks.keys {
		ids = append(ids, k.kid)
	}
	return strings.Join(ids, ", ")
}

// oidcKeyFits reports whether pub can verify alg.
func oidcKeyFits(alg string, pub crypto.PublicKey) bool {
	switch p := pub.(type) {
	case *rsa.PublicKey:
		return alg == "RS256"
	case *ecdsa.PublicKey:
		return alg == "ES256" && p.Curve == elliptic.P256()
	}
	return false
}

// oidcParseJWKS parses a JWK Set (RFC 7517 §5), keeping the RSA and P-256
// signature keys and skipping the others (encryption keys, unknown types).
func oidcParseJWKS(body []byte) ([]oidcKey, error) {
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil || set.Keys == nil {
		return nil, fmt.Errorf("the JWKS is not a JSON object with a keys array (RFC 7517 §5)")
	}
	var out []oidcKey
	for _, m := range set.Keys {
		str := func(k string) string { s, _ := m[k].(string); return s }
		if u := str("use"); u != "" && u != "sig" {
			continue
		}
		b := func(k string) []byte {
			v, _ := base64.RawURLEncoding.DecodeString(strings.TrimRight(str(k), "="))
			return v
		}
		k := oidcKey{kid: str("kid"), alg: str("alg"), kty: str("kty")}
		switch k.kty {
		case "RSA": // RFC 7518 §6.3.1
			n, e := b("n"), b("e")
			if len(n) < 256 || len(e) == 0 || len(e) > 4 {
				continue // under 2048 bits (RFC 7518 §3.3) or malformed
			}
			k.pub = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		case "EC": // RFC 7518 §6.2.1
			if str("crv") != "P-256" {
				continue
			}
			x, y := b("x"), b("y")
			if len(x) != 32 || len(y) != 32 {
				continue
			}
			raw := append(append([]byte{4}, x...), y...)
			pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
			if err != nil {
				continue // not on the curve
			}
			k.pub = pub
		default:
			continue
		}
		out = append(out, k)
	}
	return out, nil
}

// jwks reads the issuer's JWKS (role jwks) and keeps it in the Session.
func (o *oidcRun) jwks(ctx context.Context, why string) (oidcKeySet, error) {
	c := o.c
	u, err := oidcEndpoint("jwks_uri", o.meta.JWKS)
	if err != nil {
		return oidcKeySet{}, err
	}
	resp, err := c.Do(ctx, RoleJWKS, &Outgoing{Method: http.MethodGet, URL: u, Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return oidcKeySet{}, &OIDCError{Check: "signature", Problem: fmt.Sprintf("the JWKS %s could not be fetched: %v", u, err), err: err}
	}
	if resp.Status != http.StatusOK {
		return oidcKeySet{}, &OIDCError{Check: "signature", Problem: fmt.Sprintf("GET %s answered %d, not the issuer's keys", u, resp.Status)}
	}
	keys, err := oidcParseJWKS(resp.Body)
	if err != nil {
		return oidcKeySet{}, &OIDCError{Check: "signature", Problem: err.Error()}
	}
	ks := oidcKeySet{keys: keys, read: c.Env.Now()}
	c.Trace.Add("Fetch the issuer's signing keys (JWKS)", "RFC 7517 §5, OIDC Discovery 1.0 §3",
		why, Plain("GET", u.String()), Plain("keys (kid)", ks.kids()))
	c.Env.Session.Set(oidcKeyJWKS, ks)
	return ks, nil
}

// verifyIDToken runs the checks of OIDC Core §3.1.3.7 on idt and returns
// its claims. grant is the token request that returned it: the nonce is
// checked after an authorization code grant (which sent one), not after a
// device grant or a refresh (§12.2), which send none.
func (o *oidcRun) verifyIDToken(ctx context.Context, idt, accessToken, grant string) (map[string]any, error) {
	c := o.c
	now := c.Env.Now()
	parts, err := jwtSplit(idt)
	if err != nil {
		return nil, &OIDCError{Check: "id_token", Problem: err.Error()}
	}
	var header, claims map[string]any
	hb, err := jwtDecodeSegment("header", parts[0])
	if err == nil {
		err = jwtUnmarshalObject(hb, &header)
	}
	if err != nil {
		return nil, &OIDCError{Check: "id_token", Problem: "the ID token's header is not base64url JSON: " + err.Error()}
	}
	cb, err := jwtDecodeSegment("claims", parts[1])
	if err == nil {
		err = jwtUnmarshalObject(cb, &claims)
	}
	if err != nil {
		return nil, &OIDCError{Check: "id_token", Problem: "the ID token's claims are not base64url JSON: " + err.Error()}
	}
	sig, err := jwtDecodeSegment("signature", parts[2])
	if err != nil {
		return nil, &OIDCError{Check: "signature", Problem: err.Error()}
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	alg, kid := str(header, "alg"), str(header, "kid")
	c.Trace.Add("Decode the ID token", "OIDC Core §2, RFC 7519 §7.2",
		"A JWT signed by the provider: header.claims.signature, each part base64url. Its claims say who signed in, for which client, until when.",
		Plain("header", jwtIndent(hb)), Plain("claims", jwtIndent(cb)))

	// Signature (§3.1.3.7 step 6-8).
	if !slices.Contains(oidcAlgs, alg) {
		c.Trace.Add("Check the signature algorithm: FAIL", "OIDC Core §3.1.3.7 step 7, RFC 8725 §3.1",
			"authlab verifies RS256 and ES256 ID tokens; none and HMAC algorithms are refused (an attacker could choose them).", Plain("alg", alg))
		return nil, &OIDCError{Check: "signature", Problem: fmt.Sprintf("the ID token is signed with alg %q; authlab verifies %s", oauth2OneLine(alg), strings.Join(oidcAlgs, " and ")), Got: alg}
	}
	ks, cached := c.Env.Session.Get(oidcKeyJWKS).(oidcKeySet)
	if !cached {
		if ks, err = o.jwks(ctx, "The ID token is verified with the issuer's public key, found in its JWK Set by kid."); err != nil {
			return nil, err
		}
	}
	key, found := ks.find(kid, alg)
	if !found && cached {
		c.Trace.Add("The key is not in the JWKS read earlier: fetch it again", "OIDC Core §10.1.1",
			"Providers rotate their signing keys: a kid not seen before means a new key was published. The JWKS is read once more (never more, so a forged kid cannot make authlab fetch without end).",
			Plain("kid", kid), Plain("known kids", ks.kids()))
		if ks, err = o.jwks(ctx, "Read again for the new kid (key rotation)."); err != nil {
			return nil, err
		}
		key, found = ks.find(kid, alg)
	}
	if !found {
		c.Trace.Add("Find the signing key: FAIL", "OIDC Core §10.1, RFC 7515 §4.1.4",
			"No key of the issuer's JWKS has this kid and fits this alg: the token was not signed by this issuer, or by a key it has withdrawn.",
			Plain("kid", kid), Plain("alg", alg), Plain("JWKS kids", ks.kids()))
		return nil, &OIDCError{Check: "signature", Problem: fmt.Sprintf("no key with kid %q for %s in the issuer's JWKS (kids: %s)", oauth2OneLine(kid), alg, ks.kids()), Got: kid}
	}
	input := parts[0] + "." + parts[1]
	ok := oidcVerify(alg, key.pub, input, sig)
	c.Trace.Add(passFail("Verify the signature", ok), "OIDC Core §3.1.3.7 step 6, RFC 7515 §5.2, RFC 7518 §3",
		"The signing input (header.claims as sent) is checked with the issuer's public key: any change to a claim breaks it.",
		Plain("alg", alg), Plain("kid", key.kid), Plain("key", oidcKeyName(key.pub)))
	if !ok {
		return nil, &OIDCError{Check: "signature", Problem: fmt.Sprintf("the ID token's %s signature does not verify with the issuer's key %q", alg, key.kid)}
	}

	// iss (step 2).
	iss := str(claims, "iss")
	ok = iss == o.meta.Issuer
	c.Trace.Add(passFail("Check iss", ok), "OIDC Core §3.1.3.7 step 2",
		"The issuer of the token must be exactly the issuer discovered.", Plain("iss", iss), Plain("expected", o.meta.Issuer))
	if !ok {
		return nil, &OIDCError{Check: "iss", Problem: fmt.Sprintf("the ID token's iss %q is not the issuer %q", oauth2OneLine(iss), o.meta.Issuer), Want: o.meta.Issuer, Got: iss}
	}

	// aud (step 3) and azp (steps 4-5).
	clientID := c.Creds.Get("client_id")
	var auds []string
	switch a := claims["aud"].(type) {
	case string:
		auds = []string{a}
	case []any:
		for _, v := range a {
			if s, ok := v.(string); ok {
				auds = append(auds, s)
			}
		}
	}
	ok = slices.Contains(auds, clientID)
	c.Trace.Add(passFail("Check aud", ok), "OIDC Core §3.1.3.7 step 3",
		"The token must be meant for this client: aud contains its client_id. A token issued to another client must not sign anyone in here.",
		Plain("aud", strings.Join(auds, " ")), Plain("client_id", clientID))
	if !ok {
		return nil, &OIDCError{Check: "aud", Problem: fmt.Sprintf("the ID token's aud %q does not contain client_id %q", oauth2OneLine(strings.Join(auds, " ")), clientID), Want: clientID, Got: strings.Join(auds, " ")}
	}
	azp, hasAzp := claims["azp"].(string)
	switch {
	case len(auds) > 1 || hasAzp:
		ok = hasAzp && azp == clientID
		c.Trace.Add(passFail("Check azp", ok), "OIDC Core §3.1.3.7 steps 4-5, §2",
			"With several audiences, azp names the party the token was issued to; when present it must be this client.",
			Plain("azp", azp), Plain("client_id", clientID), Plain("audiences", fmt.Sprintf("%d", len(auds))))
		if !ok {
			return nil, &OIDCError{Check: "azp", Problem: fmt.Sprintf("the ID token's azp %q is not client_id %q (aud has %d entries)", oauth2OneLine(azp), clientID, len(auds)), Want: clientID, Got: azp}
		}
	default:
		c.Trace.Add("Check azp: not needed", "OIDC Core §3.1.3.7 step 4", "One audience and no azp claim: nothing to check.")
	}

	// exp and iat (steps 9-10), with leeway.
	lw := o.p.leeway
	exp, okExp := jwtNumericDate(claims["exp"])
	ok = okExp && now.Before(exp.Add(lw))
	c.Trace.Add(passFail("Check exp", ok), "OIDC Core §3.1.3.7 step 9",
		"The current time must be before exp, allowing the leeway for clock skew.",
		Plain("exp", oidcDate(exp, okExp)), Plain("now", now.UTC().Format(time.RFC3339)), Plain("leeway", lw.String()))
	if !ok {
		if !okExp {
			return nil, &OIDCError{Check: "exp", Problem: "the ID token has no numeric exp claim (REQUIRED, OIDC Core §2)"}
		}
		return nil, &OIDCError{Check: "exp", Problem: fmt.Sprintf("the ID token expired at %s, %s before this machine's clock (leeway %s)", exp.Format(time.RFC3339), jwtWords(now.Sub(exp)), lw),
			Want: "after " + now.UTC().Format(time.RFC3339), Got: exp.Format(time.RFC3339)}
	}
	iat, okIat := jwtNumericDate(claims["iat"])
	ok = okIat && !iat.After(now.Add(lw))
	c.Trace.Add(passFail("Check iat", ok), "OIDC Core §3.1.3.7 step 10",
		"The token must not be issued in the future (beyond the leeway): a later iat means one of the two clocks is wrong.",
		Plain("iat", oidcDate(iat, okIat)), Plain("now", now.UTC().Format(time.RFC3339)), Plain("leeway", lw.String()))
	if !ok {
		if !okIat {
			return nil, &OIDCError{Check: "iat", Problem: "the ID token has no numeric iat claim (REQUIRED, OIDC Core §2)"}
		}
		return nil, &OIDCError{Check: "iat", Problem: fmt.Sprintf("the ID token was issued at %s, %s ahead of this machine's clock (leeway %s)", iat.Format(time.RFC3339), jwtWords(iat.Sub(now)), lw),
			Got: iat.Format(time.RFC3339)}
	}

	// nonce (step 11).
	nonce, hasNonce := claims["nonce"].(string)
	switch {
	case grant == oauth2GrantAuthorizationCode && o.nonce != "":
		ok = hasNonce && subtle.ConstantTimeCompare([]byte(nonce), []byte(o.nonce)) == 1
		c.Trace.Add(passFail("Check nonce", ok), "OIDC Core §3.1.3.7 step 11, §15.5.2",
			"The nonce sent in the authorization request must come back in the ID token: a token from another sign-in (a replay) has another.",
			Plain("nonce", nonce), Plain("sent", o.nonce))
		if !ok {
			return nil, &OIDCError{Check: "nonce", Problem: fmt.Sprintf("the ID token's nonce %q is not the one sent %q", oauth2OneLine(nonce), o.nonce), Want: o.nonce, Got: nonce}
		}
	default:
		c.Trace.Add("Check nonce: not applicable", "OIDC Core §3.1.3.7 step 11, §12.2",
			"No nonce was sent: the "+grant+" request has no authorization request to carry one.", Plain("nonce in token", nonce))
	}

	// at_hash (§3.1.3.6), when present.
	if ah, has := claims["at_hash"].(string); has {
		want := oidcAtHash(accessToken)
		ok = ah == want
		c.Trace.Add(passFail("Check at_hash", ok), "OIDC Core §3.1.3.6, §3.1.3.8",
			"at_hash binds the access token to the ID token: base64url of the left half of SHA-256(access_token) (SHA-256 for RS256 and ES256).",
			Plain("at_hash", ah), Plain("computed", want))
		if !ok {
			return nil, &OIDCError{Check: "at_hash", Problem: fmt.Sprintf("the ID token's at_hash %q is not the access token's %q: the two were not issued together", oauth2OneLine(ah), want), Want: want, Got: ah}
		}
	} else {
		c.Trace.Add("Check at_hash: absent", "OIDC Core §3.1.3.8", "The ID token carries no at_hash (OPTIONAL in the code flow), so nothing binds it to the access token.")
	}
	c.Trace.Add("The ID token is valid", "OIDC Core §3.1.3.7",
		"Every check passed: the user below signed in at this issuer, for this client.",
		Plain("sub", str(claims, "sub")), Plain("name", str(claims, "name")), Plain("email", str(claims, "email")))
	return claims, nil
}

// oidcVerify checks a JWS signature (RFC 7518 §3.3 RS256, §3.4 ES256: R||S,
// 32 bytes each).
func oidcVerify(alg string, pub crypto.PublicKey, input string, sig []byte) bool {
	sum := sha256.Sum256([]byte(input))
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return alg == "RS256" && rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil
	case *ecdsa.PublicKey:
		if alg != "ES256" || len(sig) != 64 {
			return false
		}
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		return ecdsa.Verify(k, sum[:], r, s)
	}
	return false
}

// oidcKeyName describes a key for the trace.
func oidcKeyName(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d bits", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "EC " + k.Curve.Params().Name
	}
	return "unknown"
}

// oidcDate renders a NumericDate claim.
func oidcDate(t time.Time, ok bool) string {
	if !ok {
		return "(missing or not a number)"
	}
	return t.Format(time.RFC3339)
}

// oidcAtHash is the at_hash of an access token for RS256 and ES256 (OIDC
// Core §3.1.3.6): the left-most half of SHA-256 of its ASCII octets,
// base64url-encoded.
func oidcAtHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
