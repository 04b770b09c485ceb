package authn

import (
	"cmp"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"hash"
	"mime"
	"net/url"
	"slices"
	"strings"
)

// This file holds the signing machinery of the oauth1 scheme (RFC 5849 §3.4,
// §3.5, §3.6), free of tracing so that it can be tested against published
// vectors one step at a time. oauth1.go drives it and writes the trace.

// Signature methods (RFC 5849 §3.4). HMAC-SHA256 is not in RFC 5849; it is
// the §3.4.2 construction with SHA-256, as several providers accept.
const (
	oauth1HMACSHA1   = "HMAC-SHA1"
	oauth1HMACSHA256 = "HMAC-SHA256"
	oauth1RSASHA1    = "RSA-SHA1"
	oauth1Plaintext  = "PLAINTEXT"
)

const oauth1FormType = "application/x-www-form-urlencoded"

// Where a collected parameter came from (RFC 5849 §3.4.1.3.1); also the
// labels of the trace.
const (
	oauth1FromQuery = "query"
	oauth1FromBody  = "body"
	oauth1FromOAuth = "oauth"
)

// oauth1Param is one decoded name/value pair and where it came from.
type oauth1Param struct {
	src, name, value string
}

// oauth1Input is everything one signature depends on. protocol holds the
// oauth_* protocol parameters (RFC 5849 §3.1) without oauth_signature and
// without realm; callers choose which optional ones to include (oauth_version,
// oauth_token, oauth_callback, oauth_verifier).
type oauth1Input struct {
	method      string // HTTP method, any case
	url         *url.URL
	contentType string // the Content-Type the request will be sent with
	body        []byte
	protocol    []oauth1Param

	sigMethod      string
	consumerSecret string
	tokenSecret    string
	rsaKey         *rsa.PrivateKey // RSA-SHA1 only
}

// oauth1Signed is the outcome of each step of RFC 5849 §3.4. For PLAINTEXT
// only key and signature are set: §3.4.4 signs no base string.
type oauth1Signed struct {
	params      []oauth1Param // collected per §3.4.1.3.1, in collection order
	formBody    bool          // the body was collected (it is a form)
	paramString string        // §3.4.1.3.2
	baseURI     string        // §3.4.1.2
	base        string        // §3.4.1.1
	key         string        // §3.4.2 (also the PLAINTEXT signature)
	signature   string        // base64 (or the key, for PLAINTEXT); not yet percent-encoded
}

// oauth1Sign computes the signature of in per RFC 5849 §3.4. It returns an
// *InputError when the query or a form body is not valid percent-encoding.
func oauth1Sign(in oauth1Input) (oauth1Signed, error) {
	var s oauth1Signed
	s.key = oauth1Key(in.consumerSecret, in.tokenSecret)
	if in.sigMethod == oauth1Plaintext {
		s.signature = s.key
		return s, nil
	}
	params, err := oauth1ParseForm(nil, in.url.RawQuery, oauth1FromQuery)
	if err != nil {
		return s, err
	}
	if oauth1IsForm(in.contentType) {
		s.formBody = true
		if params, err = oauth1ParseForm(params, string(in.body), oauth1FromBody); err != nil {
			return s, err
		}
	}
	for _, p := range in.protocol {
		if p.name != "realm" && p.name != "oauth_signature" {
			params = append(params, oauth1Param{oauth1FromOAuth, p.name, p.value})
		}
	}
	s.params = params
	s.paramString = oauth1ParamString(params)
	s.baseURI = oauth1BaseURI(in.url)
	s.base = oauth1BaseString(in.method, s.baseURI, s.paramString)

	switch in.sigMethod {
	case oauth1HMACSHA1, "":
		s.signature = oauth1HMAC(sha1.New, s.key, s.base)
	case oauth1HMACSHA256:
		s.signature = oauth1HMAC(sha256.New, s.key, s.base)
	case oauth1RSASHA1:
		if in.rsaKey == nil {
			return s, &InputError{Field: "private_key", Problem: "RSA-SHA1 needs field \"private_key\"", Fix: "add -c private_key=file:PATH"}
		}
		digest := sha1.Sum([]byte(s.base))
		sig, err := rsa.SignPKCS1v15(nil, in.rsaKey, crypto.SHA1, digest[:])
		if err != nil {
			return s, &InputError{Field: "private_key", Problem: fmt.Sprintf("field \"private_key\" cannot sign: %v", err),
				Fix: "use an RSA key of at least 2048 bits"}
		}
		s.signature = base64.StdEncoding.EncodeToString(sig)
	default:
		return s, &InputError{Field: "signature_method", Problem: fmt.Sprintf("field \"signature_method\" cannot be %q", in.sigMethod),
			Fix: "use one of: HMAC-SHA1, HMAC-SHA256, PLAINTEXT, RSA-SHA1"}
	}
	return s, nil
}

// oauth1HMAC is HMAC-SHA1 (RFC 5849 §3.4.2) when h is sha1.New: the digest
// of the base string under key, base64-encoded (RFC 2045 §6.8).
func oauth1HMAC(h func() hash.Hash, key, base string) string {
	mac := hmac.New(h, []byte(key))
	mac.Write([]byte(base))
	var sum [sha256.Size]byte
	return base64.StdEncoding.EncodeToString(mac.Sum(sum[:0]))
}

// oauth1Key is the signing key of RFC 5849 §3.4.2 (and the PLAINTEXT
// signature of §3.4.4): the encoded consumer secret, "&", the encoded token
// secret. The "&" is there even when the token secret is empty.
func oauth1Key(consumerSecret, tokenSecret string) string {
	b := make([]byte, 0, len(consumerSecret)+len(tokenSecret)+1)
	b = oauth1AppendEncode(b, consumerSecret)
	b = append(b, '&')
	b = oauth1AppendEncode(b, tokenSecret)
	return string(b)
}

// oauth1BaseString is the signature base string of RFC 5849 §3.4.1.1: the
// upper-case method, the encoded base string URI and the encoded parameter
// string, joined by "&".
func oauth1BaseString(method, baseURI, paramString string) string {
	method = strings.ToUpper(method)
	if method == "" {
		method = "GET"
	}
	b := make([]byte, 0, len(method)+2+len(baseURI)*3/2+len(paramString)*3/2)
	b = oauth1AppendEncode(b, method)
	b = append(b, '&')
	b = oauth1AppendEncode(b, baseURI)
	b = append(b, '&')
	b = oauth1AppendEncode(b, paramString)
	return string(b)
}

// oauth1BaseURI is the base string URI of RFC 5849 §3.4.1.2: scheme and host
// in lower case, the port only when it is not the scheme's default (80 for
// http, 443 for https), the path as sent on the wire (case kept, "/" when
// empty), no user info, query or fragment.
func oauth1BaseURI(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	if port := u.Port(); port == "" {
		host = strings.TrimSuffix(host, ":") // "host:" has an empty port
	} else if scheme == "http" && port == "80" || scheme == "https" && port == "443" {
		host = host[:len(host)-len(port)-1]
	}
	path := u.EscapedPath() // what net/http puts in the request line
	if path == "" {
		path = "/"
	}
	return scheme + "://" + host + path
}

// oauth1ParamString normalizes the collected parameters per RFC 5849
// §3.4.1.3.2: every name and value percent-encoded (§3.6), sorted by encoded
// name and then by encoded value (byte order; duplicates kept), each pair
// joined by "=", the pairs joined by "&".
func oauth1ParamString(params []oauth1Param) string {
	enc := make([][2]string, len(params))
	n := 0
	for i, p := range params {
		enc[i] = [2]string{oauth1Encode(p.name), oauth1Encode(p.value)}
		n += len(enc[i][0]) + len(enc[i][1]) + 2
	}
	slices.SortFunc(enc, func(a, b [2]string) int {
		return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1]))
	})
	b := make([]byte, 0, n)
	for i, p := range enc {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p[0]...)
		b = append(b, '=')
		b = append(b, p[1]...)
	}
	return string(b)
}

// oauth1ParseForm appends the pairs of an application/x-www-form-urlencoded
// string (a query component or a form body) to dst, decoded as RFC 5849
// §3.4.1.3.1 asks (W3C HTML 4.0 §17.13.4: "+" is a space, %XX a byte):
// pairs split at "&", name and value at the first "=", a pair without "="
// has an empty value, empty pairs are skipped. oauth_signature is dropped
// wherever it appears (§3.4.1.3.1). Unlike url.ParseQuery it keeps ";" as
// data and the order of the pairs.
func oauth1ParseForm(dst []oauth1Param, s, src string) ([]oauth1Param, error) {
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(rawName)
		value, err2 := url.QueryUnescape(rawValue)
		if err := cmp.Or(err1, err2); err != nil {
			where := "the URL query"
			if src == oauth1FromBody {
				where = "the form body"
			}
			return dst, &InputError{Problem: fmt.Sprintf("%s has a parameter that is not valid percent-encoding (%q)", where, pair),
				Fix: "write a literal % as %25; the server could not decode it either"}
		}
		if name == "oauth_signature" {
			continue
		}
		dst = append(dst, oauth1Param{src, name, value})
	}
	return dst, nil
}

// oauth1IsForm reports whether a Content-Type is
// application/x-www-form-urlencoded (parameters such as charset allowed),
// the only body RFC 5849 §3.4.1.3.1 signs.
func oauth1IsForm(contentType string) bool {
	if contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	return mt == oauth1FormType
}

// oauth1Encode percent-encodes s per RFC 5849 §3.6: the bytes of its UTF-8
// encoding that are unreserved (ALPHA, DIGIT, "-", ".", "_", "~") stay, every
// other byte becomes %XX with upper-case hex digits. Unlike
// url.QueryEscape, a space is %20 (not "+"), "*" is %2A and "~" is kept.
func oauth1Encode(s string) string {
	for i := 0; i < len(s); i++ {
		if !oauth1Unreserved(s[i]) {
			return string(oauth1AppendEncode(make([]byte, 0, len(s)+16), s))
		}
	}
	return s
}

// oauth1AppendEncode appends oauth1Encode(s) to b.
func oauth1AppendEncode(b []byte, s string) []byte {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if oauth1Unreserved(c) {
			b = append(b, c)
		} else {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	return b
}

// oauth1Unreserved reports whether c is in RFC 3986 §2.3's unreserved set,
// the bytes RFC 5849 §3.6 leaves as they are.
func oauth1Unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// oauth1HeaderValue formats the Authorization header of RFC 5849 §3.5.1:
// "OAuth ", then realm (a quoted-string per RFC 2617 §1.2, first when set),
// then each parameter as name="value" with name and value percent-encoded
// (§3.6), separated by ", ". The masked rendering replaces the value of
// oauth_signature.
func oauth1HeaderValue(realm string, params [][2]string, mask bool) string {
	var b strings.Builder
	b.Grow(64 + len(realm) + 48*len(params))
	b.WriteString("OAuth ")
	sep := ""
	if realm != "" {
		b.WriteString(`realm="`)
		for i := 0; i < len(realm); i++ {
			if realm[i] == '"' || realm[i] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(realm[i])
		}
		b.WriteByte('"')
		sep = ", "
	}
	for _, p := range params {
		b.WriteString(sep)
		sep = ", "
		b.WriteString(oauth1Encode(p[0]))
		b.WriteString(`="`)
		if mask && p[0] == "oauth_signature" {
			b.WriteString(Mask(""))
		} else {
			b.WriteString(oauth1Encode(p[1]))
		}
		b.WriteByte('"')
	}
	return b.String()
}

// oauth1ParseRSAKey reads the consumer's RSA private key for RSA-SHA1
// (RFC 5849 §3.4.3) from PEM text: PKCS#1 ("RSA PRIVATE KEY") or PKCS#8
// ("PRIVATE KEY"). Other blocks (certificates, public keys) are skipped; a
// value whose line breaks were written as the two characters \n (as in many
// .env files) is accepted too. It returns the key and a description of its
// format, or an *InputError naming the field and the fix.
func oauth1ParseRSAKey(text string) (*rsa.PrivateKey, string, error) {
	bad := func(problem, fix string) (*rsa.PrivateKey, string, error) {
		return nil, "", &InputError{Field: "private_key", Problem: `field "private_key" ` + problem, Fix: fix}
	}
	data := []byte(strings.TrimSpace(text))
	if !strings.Contains(text, "\n") && strings.Contains(text, `\n`) {
		data = []byte(strings.ReplaceAll(string(data), `\n`, "\n"))
	}
	var seen []string
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		seen = append(seen, block.Type)
		switch block.Type {
		case "RSA PRIVATE KEY":
			if strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
				return bad("is encrypted with a passphrase",
					"decrypt it first: openssl rsa -in key.pem -out key-plain.pem, then use -c private_key=file:key-plain.pem")
			}
			key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
			if err != nil {
				return bad(fmt.Sprintf("has an RSA PRIVATE KEY block that does not parse (%v)", err),
					"check that the whole file was copied; openssl rsa -in key.pem -check tells what is wrong")
			}
			return key, "PKCS#1", nil
		case "PRIVATE KEY":
			k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return bad(fmt.Sprintf("has a PRIVATE KEY block that does not parse (%v)", err),
					"check that the whole file was copied; openssl pkey -in key.pem -check tells what is wrong")
			}
			key, ok := k.(*rsa.PrivateKey)
			if !ok {
				return bad(fmt.Sprintf("is a %s key, not RSA", oauth1KeyKind(k)),
					"RSA-SHA1 needs an RSA key: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem")
			}
			return key, "PKCS#8", nil
		case "ENCRYPTED PRIVATE KEY":
			return bad("is encrypted with a passphrase",
				"decrypt it first: openssl pkey -in key.pem -out key-plain.pem, then use -c private_key=file:key-plain.pem")
		case "EC PRIVATE KEY", "DSA PRIVATE KEY":
			return bad("is a "+strings.TrimSuffix(block.Type, " PRIVATE KEY")+" key, not RSA",
				"RSA-SHA1 needs an RSA key: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem")
		case "OPENSSH PRIVATE KEY":
			return bad("is in OpenSSH format",
				"convert a copy to PEM: ssh-keygen -p -m PEM -f COPY_OF_KEY (RSA keys only)")
		}
	}
	if len(seen) > 0 {
		return bad("has no private key (found: "+strings.Join(seen, ", ")+")",
			"that is the public half, which you register with the provider; give the private key (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)")
	}
	return bad("is not a PEM private key",
		"give the key file itself, e.g. -c private_key=file:key.pem; it starts with -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----")
}

func oauth1KeyKind(k any) string {
	switch k.(type) {
	case *ecdsa.PrivateKey:
		return "ECDSA"
	case ed25519.PrivateKey:
		return "Ed25519"
	case *ecdh.PrivateKey:
		return "X25519"
	}
	return fmt.Sprintf("%T", k)
}
