package authn

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf16"
)

// This file is authlab's one model of what is secret in a request: which
// headers carry a credential, which query and form parameters name a secret,
// the collection of secret values of one send (Secrets) and the one Mask
// that hides them in every encoding they take in a URL, a header, a body or
// JSON. History, export, the plain printer, --json and the TUI all use it;
// none keeps a list of its own.

// credentialHeaders are the request headers that carry a credential
// whatever their value (canonical spelling): the HTTP authentication
// headers (RFC 9110 §11.6.2, §11.7.2), cookies (RFC 6265 §5.4), and the
// API-key and token headers of OpenAPI apiKey schemes and well-known APIs
// (GitLab's Private-Token, Google's X-Goog-Api-Key, RapidAPI, Azure API
// Management, Vault, AWS's session token, Shopify, Stripe-style keys).
var credentialHeaders = [...]string{
	"Authorization", "Proxy-Authorization", "Cookie", "Cookie2",
	"X-Api-Key", "Api-Key", "Apikey", "X-Apikey", "X-Api-Token", "Api-Token",
	"X-Auth-Token", "X-Access-Token", "X-Token", "Private-Token", "Job-Token", "X-Gitlab-Token",
	"X-Goog-Api-Key", "X-Rapidapi-Key", "Ocp-Apim-Subscription-Key",
	"X-Amz-Security-Token", "X-Vault-Token", "X-Shopify-Access-Token", "X-Csrf-Token", "X-Xsrf-Token",
	"X-Auth-Key", "X-Client-Secret", "X-Api-Secret", "X-Secret-Key",
}

// CredentialHeaders lists the headers that always carry a credential, in
// canonical spelling. The list is a copy.
func CredentialHeaders() []string { return slices.Clone(credentialHeaders[:]) }

// CredentialHeader reports whether a request header carries a credential:
// one of CredentialHeaders, or a header whose name says it holds a key,
// token, secret, password, signature or session (X-Custom-Token,
// X-Service-Key) unless it describes content rather than a credential
// (Accept…, Content-…, Sec-WebSocket-Key). Typed by hand its value is a
// literal secret: masked when shown, kept out of profile files unless the
// user allows plaintext, written as a variable by export, masked in
// history, and warned about on the command line.
func CredentialHeader(name string) bool {
	c := http.CanonicalHeaderKey(strings.TrimSpace(name))
	if slices.Contains(credentialHeaders[:], c) {
		return true
	}
	n := strings.ToLower(c)
	for _, p := range [...]string{"accept", "content-", "sec-", "if-", "user-agent", "idempotency-", "x-idempotency-", "x-request-", "x-correlation-", "x-cache-", "cache-"} {
		if strings.HasPrefix(n, p) {
			return false
		}
	}
	return secretWord(n, true)
}

// secretWords are the words that make a header or parameter name a
// secret's: the rule is wide on purpose, since a false positive costs a
// masked value and a false negative a leaked secret.
// A header name is read more widely than a parameter name (…-Key,
// X-Auth-…, …-Session): headers are few and named for what they carry,
// while query parameters such as sort_key are common.
var secretWords = [...]string{"token", "secret", "passw", "apikey", "api-key", "api_key", "signature", "credential"}

func secretWord(lower string, header bool) bool {
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	if !header {
		return false
	}
	for _, w := range [...]string{"session", "cookie", "private"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return strings.HasSuffix(lower, "key") || strings.HasPrefix(lower, "x-auth")
}

// secretParams are the query and form parameter names (lower case) whose
// value is a secret: OAuth 2.0's (RFC 6749 §2.3.1, §4.1.3, §5.1; RFC 6750
// §2.3 access_token in the query; RFC 7523 assertions), API keys (api_key,
// key, appid…), passwords, and presigned-URL signatures (AWS's
// X-Amz-Signature and X-Amz-Security-Token, Azure's sig, RFC 5849's
// oauth_signature).
var secretParams = [...]string{
	"access_token", "refresh_token", "id_token", "token", "auth_token", "private_token",
	"client_secret", "client_assertion", "assertion", "code_verifier", "device_code",
	"password", "passwd", "pass", "pwd", "secret",
	"api_key", "apikey", "api-key", "key", "app_key", "appid", "app_secret",
	"sig", "signature", "oauth_signature", "x-amz-signature", "x-amz-security-token",
	"x-goog-signature", "session", "sessionid", "session_token", "jwt",
}

// SecretParam reports whether a query or form parameter's value is a
// secret (see secretParams), or its name says so as a header's would.
func SecretParam(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	if slices.Contains(secretParams[:], n) {
		return true
	}
	return secretWord(n, false) && !strings.HasSuffix(n, "_type") && !strings.HasSuffix(n, "_hint")
}

// SecretName is the widest rule: a name of a header, parameter or JSON
// member that says its value may be a secret (SecretParam, or a word a
// credential header's name has: …key, session, private, x-auth…). History
// masks body members by it, since it is written without asking.
func SecretName(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	return SecretParam(n) || secretWord(n, true) || n == "auth"
}

// SecretQuery lists the names of the parameters of a URL's query that hold
// a secret value (SecretParam, non-empty value), in query order; a URL that
// does not parse has none.
func SecretQuery(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	var out []string
	for part := range strings.SplitSeq(u.RawQuery, "&") {
		k, v, _ := strings.Cut(part, "=")
		name, err := url.QueryUnescape(k)
		if err == nil && v != "" && SecretParam(name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

// MaskQuery returns rawURL with the value of every secret query parameter
// (SecretParam) masked; text that does not parse as a URL is returned
// as is.
func MaskQuery(rawURL string) string {
	i := strings.IndexByte(rawURL, '?')
	if i < 0 {
		return rawURL
	}
	q, frag, _ := strings.Cut(rawURL[i+1:], "#")
	out := rewriteQuery(q, func(k, part string) (string, bool) {
		name, err := url.QueryUnescape(k)
		if _, v, ok := strings.Cut(part, "="); err == nil && ok && v != "" && SecretParam(name) {
			return k + "=" + Mask(""), true
		}
		return part, true
	})
	s := rawURL[:i+1] + out
	if strings.Contains(rawURL[i+1:], "#") {
		s += "#" + frag
	}
	return s
}

// Deriver is implemented by a scheme whose secret fields reach the wire in
// a derived form that a server may echo: Basic's base64 user-id:password
// (RFC 7617 §2). Secrets collects what it returns.
type Deriver interface {
	Derived(fields map[string]string) []string
}

// minSecret is the shortest value Secrets keeps: masking shorter ones would
// mangle ordinary text and protect nothing.
const minSecret = 4

// Secrets is the collection of the secret values of one send: the resolved
// secret fields, the credentials typed as headers or query parameters, what
// the scheme derived or added (tokens, signatures), and tokens found in
// responses. Its Mask hides them wherever they appear. The zero value is an
// empty collection; a Secrets is never changed after it is built (With
// returns a new one), so it may be shared between goroutines.
type Secrets struct {
	values []string
	mask   *strings.Replacer
}

// NewSecrets returns the collection of values (those shorter than four
// bytes are left out).
func NewSecrets(values ...string) Secrets { return Secrets{}.With(values...) }

// With returns s with values added.
func (s Secrets) With(values ...string) Secrets {
	out := slices.Clone(s.values)
	for _, v := range values {
		if len(v) >= minSecret && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if len(out) == len(s.values) {
		return s
	}
	return Secrets{values: out, mask: replacer(out)}
}

// Merge returns s with every value of o added.
func (s Secrets) Merge(o Secrets) Secrets { return s.With(o.values...) }

// Values lists the secret values (a copy).
func (s Secrets) Values() []string { return slices.Clone(s.values) }

// Len is the number of secret values.
func (s Secrets) Len() int { return len(s.values) }

// Contains reports whether text holds any of the secrets in any form Mask
// knows.
func (s Secrets) Contains(text string) bool { return s.mask != nil && s.mask.Replace(text) != text }

// Mask replaces every secret in text with the mask (••••••••), in every
// form it takes in a URL, a header, a body or JSON: as is, percent-encoded
// once and twice (RFC 3986 §2.1; form encoding's + for space, WHATWG URL
// §5.2; path escaping), JSON-escaped (RFC 8259 §7), base64 in the standard
// and URL alphabets with and without padding (RFC 4648 §4, §5), and hex.
// Longer forms are replaced first, so a form that contains another is
// masked whole.
func (s Secrets) Mask(text string) string {
	if s.mask == nil {
		return text
	}
	return s.mask.Replace(text)
}

// forms lists the encodings of v that Mask hides.
func forms(v string) []string {
	j, _ := json.Marshal(v)
	q := url.QueryEscape(v)
	out := []string{v, q, url.PathEscape(v), strings.ReplaceAll(q, "+", "%20"), url.QueryEscape(q), url.PathEscape(url.PathEscape(v)),
		string(j[1 : len(j)-1]),
		base64.StdEncoding.EncodeToString([]byte(v)), base64.RawStdEncoding.EncodeToString([]byte(v)),
		base64.URLEncoding.EncodeToString([]byte(v)), base64.RawURLEncoding.EncodeToString([]byte(v)),
		hex.EncodeToString([]byte(v)), strings.ToUpper(hex.EncodeToString([]byte(v)))}
	// JSON as most servers write it (no HTML escapes), and with every
	// non-ASCII character escaped, as Python's json.dumps does by default
	// (ensure_ascii)
	var plain bytes.Buffer
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	p := strings.TrimSuffix(plain.String(), "\n")
	p = p[1 : len(p)-1]
	out = append(out, p, jsonASCII(p))
	// percent-encoding's hex digits may be either case (RFC 3986 §2.1)
	if lq := lowerPercent(q); lq != q {
		out = append(out, lq)
	}
	return out
}

// jsonASCII writes the non-ASCII characters of a JSON string's content as
// \uXXXX escapes (UTF-16 surrogate pairs beyond the BMP, RFC 8259 §7).
func jsonASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, "\\u%04x\\u%04x", r1, r2)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}

// lowerPercent writes the hex digits of percent-escapes in lower case.
func lowerPercent(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lowerHex(b[i+1]), lowerHex(b[i+2])
		}
	}
	return string(b)
}

func lowerHex(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

func replacer(values []string) *strings.Replacer {
	var all []string
	for _, v := range values {
		for _, f := range forms(v) {
			if len(f) >= minSecret && !slices.Contains(all, f) {
				all = append(all, f)
			}
		}
	}
	slices.SortStableFunc(all, func(a, b string) int { return len(b) - len(a) })
	mask := Mask("")
	pairs := make([]string, 0, 2*len(all))
	for _, f := range all {
		pairs = append(pairs, f, mask)
	}
	return strings.NewReplacer(pairs...)
}

// SecretsOf collects the secret values of a request (references already
// resolved) and of what the engine made of it: each secret field's value
// and what the scheme derives from them (Deriver), the value of every
// credential header (the whole value, the credential after its auth-scheme
// word, each cookie's value), of every secret query or form parameter, the
// credentials the scheme added on the wire (signatures, tokens), the values
// its trace marks secret or live (HA1, a signing key, a signature) and the
// tokens found in responses. res may be nil (before sending: export).
func SecretsOf(req Request, res *Result) Secrets {
	var out []string
	if s, err := Lookup(req.Scheme); err == nil {
		for _, f := range s.Info().Fields {
			if v := req.Fields[f.Name]; f.Secret && v != "" {
				out = append(out, v)
			}
		}
		if d, ok := s.(Deriver); ok {
			out = append(out, d.Derived(req.Fields)...)
		}
	}
	for name, vs := range req.Header {
		if !CredentialHeader(name) {
			continue
		}
		for _, v := range vs {
			out = append(out, headerSecrets(name, v)...)
		}
	}
	out = append(out, paramSecrets(req.URL, req.Body)...)
	if req.TLS != nil && req.TLS.KeyPassword != "" {
		out = append(out, req.TLS.KeyPassword)
	}
	if res != nil {
		out = append(out, res.ResponseSecrets()...)
		// what the scheme derived, as its trace marks it: HA1, a signing
		// key, a signature that works by itself (Value.Live)
		for _, s := range res.Trace.Steps {
			for _, v := range s.Values {
				if v.Secret || v.Live {
					out = append(out, v.Text)
				}
			}
		}
		for _, ex := range res.Exchanges {
			for _, c := range ex.Request.Credentials {
				if c.Value != c.Masked {
					out = append(out, c.Value)
					if c.Where == InHeader {
						out = append(out, headerSecrets(c.Name, c.Value)...)
					}
				}
			}
		}
	}
	return NewSecrets(out...)
}

// headerSecrets lists the secret parts of a credential header's value: the
// whole value, the credential after an auth-scheme word, each cookie value.
func headerSecrets(name, v string) []string {
	out := []string{v}
	if strings.EqualFold(name, "Cookie") || strings.EqualFold(name, "Cookie2") {
		for c := range strings.SplitSeq(v, ";") {
			if _, val, ok := strings.Cut(c, "="); ok {
				out = append(out, strings.TrimSpace(val))
			}
		}
		return out
	}
	if word, cred, ok := strings.Cut(v, " "); ok && isToken(word) {
		out = append(out, strings.TrimSpace(cred))
	}
	return out
}

// paramSecrets lists the values of the secret parameters (SecretParam) of
// a URL's query and of a form-encoded body.
func paramSecrets(rawURL string, body []byte) []string {
	var out []string
	collect := func(q string) {
		for part := range strings.SplitSeq(q, "&") {
			k, v, ok := strings.Cut(part, "=")
			if !ok || v == "" {
				continue
			}
			name, err := url.QueryUnescape(k)
			if err != nil || !SecretParam(name) {
				continue
			}
			if val, err := url.QueryUnescape(v); err == nil {
				out = append(out, val)
			}
			out = append(out, v)
		}
	}
	if i := strings.IndexByte(rawURL, '?'); i >= 0 {
		q, _, _ := strings.Cut(rawURL[i+1:], "#")
		collect(q)
	}
	if b := strings.TrimSpace(string(body)); b != "" && !strings.ContainsAny(b, "{[\n") && strings.Contains(b, "=") {
		collect(b)
	}
	return out
}

// QuerySetter is implemented by a scheme that sets query parameters of the
// request, replacing any of the same name the URL has (the apikey scheme
// with in=query): an exporter leaves those out of the URL it writes.
type QuerySetter interface {
	SetsQuery(fields map[string]string) []string
}
