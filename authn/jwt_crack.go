package authn

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
)

// CrackResult is what CrackJWT found.
type CrackResult struct {
	Alg    string
	Found  bool
	Secret string // the secret, when Found: treat it as one (mask it)
	Tried  int    // words tried
	Line   int    // the line of the wordlist it was on, when Found
}

// CrackJWT tries each line of words as the HMAC secret of an HS256, HS384
// or HS512 token: the offline dictionary attack that a short or guessable
// secret cannot resist (RFC 8725 §3.5; RFC 7518 §3.2 asks for a key at least
// as long as the hash). One token is enough, as the signing input and the
// signature are in it. A line's final "\r" is dropped (CRLF lists); empty
// lines are tried too (an empty key). ctx stops a long list.
func CrackJWT(ctx context.Context, token string, words io.Reader) (CrackResult, error) {
	token = strings.TrimSpace(token)
	if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
		token = strings.TrimSpace(token[7:])
	}
	parts, err := jwtSplit(token)
	if err != nil {
		return CrackResult{}, &InputError{Field: "token", Problem: "the token is not a JWT: " + err.Error(), Fix: "paste the whole token (header.claims.signature)"}
	}
	hjson, err := jwtDecodeSegment("header", parts[0])
	if err != nil {
		return CrackResult{}, &InputError{Field: "token", Problem: err.Error(), Fix: "paste the whole token"}
	}
	var header map[string]any
	if err := jwtUnmarshalObject(hjson, &header); err != nil {
		return CrackResult{}, &InputError{Field: "token", Problem: "the token header is not a JSON object", Fix: "paste the whole token"}
	}
	alg, _ := header["alg"].(string)
	var h func() hash.Hash
	switch alg {
	case "HS256":
		h = sha256.New
	case "HS384":
		h = sha512.New384
	case "HS512":
		h = sha512.New
	default:
		return CrackResult{}, &InputError{Field: "token", Problem: fmt.Sprintf("the token's alg is %s: only an HMAC token (HS256, HS384, HS512) has a secret to guess", jwtQuote(alg)),
			Fix: "crack an HS* token; an RS256/ES256/EdDSA signature needs the private key, which no wordlist finds"}
	}
	sig, err := jwtDecodeSegment("signature", parts[2])
	if err != nil {
		return CrackResult{}, &InputError{Field: "token", Problem: err.Error(), Fix: "paste the whole token"}
	}
	input := []byte(parts[0] + "." + parts[1])
	res := CrackResult{Alg: alg}
	sc := bufio.NewScanner(words)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if res.Tried%4096 == 0 && ctx.Err() != nil {
			return res, ctx.Err()
		}
		word := strings.TrimSuffix(sc.Text(), "\r")
		res.Tried++
		m := hmac.New(h, []byte(word))
		m.Write(input)
		if hmac.Equal(m.Sum(nil), sig) {
			res.Found, res.Secret, res.Line = true, word, res.Tried
			return res, nil
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return res, fmt.Errorf("the wordlist has a line longer than 1 MiB after %d words", res.Tried)
		}
		return res, fmt.Errorf("reading the wordlist: %w", err)
	}
	return res, nil
}
