package authn

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// oauth1 implements OAuth 1.0a request signing as specified by RFC 5849
// (the "OAuth 1.0 Protocol", which is OAuth Core 1.0 Revision A): the client
// sends its protocol parameters (§3.1) in the Authorization header, the query
// or a form body (§3.5), signed with HMAC-SHA1 (§3.4.2), RSA-SHA1 (§3.4.3) or
// PLAINTEXT (§3.4.4) over a base string (§3.4.1) that covers the method, the
// URL, the query, a form body and the protocol parameters themselves.
// HMAC-SHA256 is offered too: the §3.4.2 construction with SHA-256, which
// RFC 5849 does not define but several providers accept.
//
// The signing steps live in oauth1_sign.go; this file validates the fields,
// chooses the protocol parameters, writes the trace and places the result.
type oauth1 struct{}

func init() { register(oauth1{}) }

func (oauth1) Info() Info {
	return Info{
		Name:    "oauth1",
		Title:   "OAuth 1.0a",
		Summary: "Signs each request (method, URL, parameters, nonce, timestamp) with a consumer and token secret, as Twitter's v1.1 API did.",
		Spec:    "RFC 5849",
		Rank:    40,
		// RFC 5849 §3.5.1: "OAuth" starts the Authorization header (and a
		// server's challenge); §3.3: the timestamp is checked against the
		// server's clock.
		Challenges: []string{"OAuth"},
		ClockNote:  "OAuth 1.0a: servers reject an oauth_timestamp outside their window, often ±5 minutes (RFC 5849 §3.3; Twitter code 135)",
		Fields: []Field{
			{Name: "consumer_key", Label: "Consumer key", Required: true,
				Help: "the client identifier (Twitter: API key); sent in every request, not secret"},
			{Name: "consumer_secret", Label: "Consumer secret", Secret: true,
				Help: "the client shared-secret (Twitter: API key secret); first half of the signing key; not used by RSA-SHA1"},
			{Name: "token", Label: "Access token",
				Help: "the token credential (oauth_token); leave empty for a two-legged, consumer-only request"},
			{Name: "token_secret", Label: "Access token secret", Secret: true,
				Help: "the token's shared-secret; second half of the signing key"},
			{Name: "signature_method", Label: "Signature method", Default: oauth1HMACSHA1,
				Allowed: []string{oauth1HMACSHA1, oauth1HMACSHA256, oauth1Plaintext, oauth1RSASHA1},
				Help:    "how the request is signed (RFC 5849 §3.4); HMAC-SHA1 unless the provider says otherwise"},
			{Name: "private_key", Label: "RSA private key", Secret: true, Multiline: true,
				Help: "for RSA-SHA1 only: PEM, PKCS#1 or PKCS#8 (use file:key.pem); the provider holds the public half"},
			{Name: "realm", Label: "Realm",
				Help: "optional realm=\"…\" first in the Authorization header; not signed"},
			{Name: "placement", Label: "Send parameters in", Default: "header",
				Allowed: []string{"header", "query", "body"},
				Help:    "Authorization header (preferred), URL query, or form body (POST/PUT/PATCH) — RFC 5849 §3.5"},
			{Name: "nonce", Label: "Nonce", Pinnable: true,
				Help: "normally random; pin it only to reproduce a trace (a server accepts each nonce once)"},
			{Name: "timestamp", Label: "Timestamp", Pinnable: true,
				Help: "Unix seconds; normally now; pin it only to reproduce a trace"},
			{Name: "callback", Label: "Callback URL",
				Help: "oauth_callback, for the temporary-credentials request only (RFC 5849 §2.1); \"oob\" when there is none"},
			{Name: "verifier", Label: "Verifier",
				Help: "oauth_verifier, for the token-credentials request only (RFC 5849 §2.3)"},
		},
	}
}

// oauth1Plan is the validated input of one signature.
type oauth1Plan struct {
	consumerKey, consumerSecret string
	token, tokenSecret          string
	sigMethod, placement, realm string
	callback, verifier          string
	nonce, timestamp            string
	noncePinned, timePinned     bool
	rsaKey                      *rsa.PrivateKey
	keyFormat                   string
	contentType                 string // as the request will be sent
}

// Authorize signs out per RFC 5849 §3.4 and places the protocol parameters
// per §3.5. It changes nothing but out (and appends to tr).
func (oauth1) Authorize(out *Outgoing, c Credentials, env Env, tr *Trace) error {
	if out.Header == nil {
		out.Header = http.Header{}
	}
	p, err := oauth1Prepare(out, c, env)
	if err != nil {
		return err
	}
	protocol := p.protocolParams()
	signURL := out.URL
	if h := out.Header.Get("Host"); h != "" {
		// The engine sends a Host header the user set in place of the URL's
		// authority; the server rebuilds the base string URI from it.
		u := *out.URL
		u.Host = h
		signURL = &u
	}
	s, err := oauth1Sign(oauth1Input{
		method: out.Method, url: signURL, contentType: p.contentType, body: out.Body,
		protocol: protocol, sigMethod: p.sigMethod,
		consumerSecret: p.consumerSecret, tokenSecret: p.tokenSecret, rsaKey: p.rsaKey,
	})
	if err != nil {
		return err
	}
	p.traceSigning(tr, out, s)

	placed := append(slices.Clip(protocol), oauth1Param{oauth1FromOAuth, "oauth_signature", s.signature})
	slices.SortFunc(placed, func(a, b oauth1Param) int { return strings.Compare(a.name, b.name) })
	p.place(out, tr, placed, s.signature)
	return nil
}

// oauth1Prepare validates the fields against the request and picks the nonce
// and timestamp, before anything is traced.
func oauth1Prepare(out *Outgoing, c Credentials, env Env) (*oauth1Plan, error) {
	p := &oauth1Plan{
		consumerKey: c.Get("consumer_key"), consumerSecret: c.Get("consumer_secret"),
		token: c.Get("token"), tokenSecret: c.Get("token_secret"),
		sigMethod: c.Get("signature_method"), placement: c.Get("placement"), realm: c.Get("realm"),
		callback: c.Get("callback"), verifier: c.Get("verifier"),
		nonce: c.Get("nonce"), timestamp: c.Get("timestamp"),
		contentType: out.Header.Get("Content-Type"),
	}
	if p.sigMethod == "" {
		p.sigMethod = oauth1HMACSHA1
	}
	if p.placement == "" {
		p.placement = "header"
	}
	if p.consumerKey == "" {
		return nil, &InputError{Field: "consumer_key", Problem: `OAuth 1.0a needs field "consumer_key" (Consumer key)`,
			Fix: "add -c consumer_key=VALUE (Twitter calls it the API key)"}
	}
	switch p.sigMethod {
	case oauth1HMACSHA1, oauth1HMACSHA256, oauth1Plaintext:
		if p.consumerSecret == "" {
			return nil, &InputError{Field: "consumer_secret", Problem: fmt.Sprintf(`%s needs field "consumer_secret" (Consumer secret)`, p.sigMethod),
				Fix: "add -c consumer_secret=VALUE (Twitter: API key secret); only RSA-SHA1 signs without it"}
		}
	case oauth1RSASHA1:
		if strings.TrimSpace(c.Get("private_key")) == "" {
			return nil, &InputError{Field: "private_key", Problem: `RSA-SHA1 needs field "private_key" (RSA private key)`,
				Fix: "add -c private_key=file:key.pem (PEM, PKCS#1 or PKCS#8), or use signature_method=HMAC-SHA1"}
		}
		key, format, err := oauth1ParseRSAKey(c.Get("private_key"))
		if err != nil {
			return nil, err
		}
		p.rsaKey, p.keyFormat = key, format
	default:
		return nil, &InputError{Field: "signature_method", Problem: fmt.Sprintf(`field "signature_method" cannot be %q`, p.sigMethod),
			Fix: "use one of: HMAC-SHA1, HMAC-SHA256, PLAINTEXT, RSA-SHA1"}
	}
	for _, r := range p.realm {
		if r < 0x20 || r == 0x7f {
			return nil, &InputError{Field: "realm", Problem: `field "realm" contains a control character`,
				Fix: "a realm is one line of text, e.g. -c realm=Photos (or leave it empty)"}
		}
	}
	switch p.placement {
	case "header", "query":
	case "body":
		m := strings.ToUpper(out.Method)
		if m != http.MethodPost && m != http.MethodPut && m != http.MethodPatch {
			if m == "" {
				m = http.MethodGet
			}
			return nil, &InputError{Field: "placement", Problem: fmt.Sprintf(`field "placement" is body, but a %s request has no form body to carry the parameters`, m),
				Fix: "use -c placement=header (or query), or send with -X POST (RFC 5849 §3.5.2)"}
		}
		if p.contentType == "" {
			p.contentType = oauth1FormType // AddBodyParams will send it as a form
		} else if !oauth1IsForm(p.contentType) {
			return nil, &InputError{Field: "placement", Problem: fmt.Sprintf(`field "placement" is body, but the body is %s, not a form`, p.contentType),
				Fix: "use -c placement=header (or query); only an application/x-www-form-urlencoded body can carry them (RFC 5849 §3.5.2)"}
		}
	default:
		return nil, &InputError{Field: "placement", Problem: fmt.Sprintf(`field "placement" cannot be %q`, p.placement),
			Fix: "use one of: header, query, body"}
	}

	if p.timestamp != "" {
		if !oauth1Decimal(p.timestamp) {
			return nil, &InputError{Field: "timestamp", Problem: fmt.Sprintf(`field "timestamp" must be whole seconds since 1970 (Unix time), not %q`, p.timestamp),
				Fix: "write digits only, e.g. -c timestamp=1318622958 (date +%s prints the current one), or leave it empty for now"}
		}
		p.timePinned = true
	} else {
		now := time.Now
		if env.Now != nil {
			now = env.Now
		}
		p.timestamp = strconv.FormatInt(now().Unix(), 10)
	}
	if p.nonce != "" {
		p.noncePinned = true
	} else {
		r := env.Rand
		if r == nil {
			r = rand.Reader
		}
		var b [32]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("oauth1: reading random bytes for the nonce: %w", err)
		}
		p.nonce = hex.EncodeToString(b[:])
	}
	return p, nil
}

// oauth1Decimal reports whether s is a non-negative decimal int64.
func oauth1Decimal(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	_, err := strconv.ParseInt(s, 10, 64)
	return s != "" && err == nil
}

// protocolParams returns the protocol parameters of RFC 5849 §3.1 that are
// signed and sent, in name order, without oauth_signature and realm.
// oauth_token is left out of a two-legged request (§3.1: "MAY be omitted");
// oauth_callback (§2.1) and oauth_verifier (§2.3) are sent only when set.
func (p *oauth1Plan) protocolParams() []oauth1Param {
	ps := make([]oauth1Param, 0, 8)
	add := func(name, value string) { ps = append(ps, oauth1Param{oauth1FromOAuth, name, value}) }
	if p.callback != "" {
		add("oauth_callback", p.callback)
	}
	add("oauth_consumer_key", p.consumerKey)
	add("oauth_nonce", p.nonce)
	add("oauth_signature_method", p.sigMethod)
	add("oauth_timestamp", p.timestamp)
	if p.token != "" {
		add("oauth_token", p.token)
	}
	if p.verifier != "" {
		add("oauth_verifier", p.verifier)
	}
	add("oauth_version", "1.0")
	return ps
}

// maskedKey renders the signing key (or a PLAINTEXT signature) masked,
// keeping its shape: "••••••••&••••••••", or "••••••••&" without a token
// secret.
func (p *oauth1Plan) maskedKey() string {
	if p.tokenSecret == "" {
		return Mask(p.consumerSecret) + "&"
	}
	return Mask(p.consumerSecret) + "&" + Mask(p.tokenSecret)
}

// traceSigning appends the steps of RFC 5849 §3.1–§3.4 to tr.
func (p *oauth1Plan) traceSigning(tr *Trace, out *Outgoing, s oauth1Signed) {
	how := func(pinned bool, auto string) string {
		if pinned {
			return " (pinned)"
		}
		return " (" + auto + ")"
	}
	vals := []Value{Plain("oauth_consumer_key", p.consumerKey)}
	if p.token != "" {
		vals = append(vals, Plain("oauth_token", p.token))
	} else {
		vals = append(vals, Plain("oauth_token", "(none: two-legged)"))
	}
	vals = append(vals,
		Plain("oauth_signature_method", p.sigMethod),
		Plain("oauth_timestamp"+how(p.timePinned, "clock"), p.timestamp),
		Plain("oauth_nonce"+how(p.noncePinned, "random"), p.nonce),
		Plain("oauth_version", "1.0"))
	if p.callback != "" {
		vals = append(vals, Plain("oauth_callback", p.callback))
	}
	if p.verifier != "" {
		vals = append(vals, Plain("oauth_verifier", p.verifier))
	}
	if p.realm != "" {
		vals = append(vals, Plain("realm (not signed)", p.realm))
	}
	note := "The timestamp and nonce make every request unique: a server accepts a nonce only once per timestamp and refuses old timestamps, so a captured request cannot be replayed later."
	if p.token == "" {
		note += " No token: this is a two-legged (consumer-only) request, made on behalf of the client itself rather than a user."
	}
	if p.noncePinned || p.timePinned {
		note += " Pinned values reproduce this trace exactly; a real server will refuse a nonce it has already seen or a timestamp minutes off its clock."
	}
	tr.Add("Choose the protocol parameters", "RFC 5849 §3.1, §3.3", note, vals...)

	if p.sigMethod == oauth1Plaintext {
		note := "PLAINTEXT skips the base string: the signature is the signing key itself, so nothing in the request (method, URL, parameters) is protected and the secrets travel in the request. Use it only over HTTPS."
		if !strings.EqualFold(out.URL.Scheme, "https") {
			note += " This URL is not HTTPS: anyone on the path can read the secrets."
		}
		tr.Add("No base string: PLAINTEXT signs nothing", "RFC 5849 §3.4.4", note)
	} else {
		p.traceBase(tr, out, s)
	}

	if p.sigMethod == oauth1RSASHA1 {
		pub, _ := x509.MarshalPKIXPublicKey(&p.rsaKey.PublicKey)
		fp := sha256.Sum256(pub)
		tr.Add("Load the consumer's RSA private key", "RFC 5849 §3.4.3",
			"RSA-SHA1 signs with the consumer's private key; the provider verifies with the public key (or certificate) registered for this consumer key. The consumer and token secrets are not used.",
			Plain("private key", fmt.Sprintf("RSA %d-bit, %s PEM", p.rsaKey.N.BitLen(), p.keyFormat)),
			Plain("public key fingerprint", "SHA256:"+base64.RawStdEncoding.EncodeToString(fp[:])))
	} else {
		note := "The consumer secret and the token secret, each percent-encoded, joined by \"&\"."
		if p.tokenSecret == "" {
			note += " There is no token secret, but the \"&\" stays: forgetting it is a classic cause of \"invalid signature\"."
		}
		tr.Add("Make the signing key", "RFC 5849 §3.4.2", note, Secret("signing key", s.key, p.maskedKey()))
	}

	switch p.sigMethod {
	case oauth1HMACSHA1:
		tr.Add("Sign the base string with HMAC-SHA1", "RFC 5849 §3.4.2",
			"HMAC-SHA1(signing key, base string) gives 20 bytes; base64 makes them the signature. Anyone who knows both secrets can compute it; nobody else can.",
			Signature("oauth_signature", s.signature))
	case oauth1HMACSHA256:
		tr.Add("Sign the base string with HMAC-SHA256", "RFC 5849 §3.4.2 with SHA-256 (not in RFC 5849)",
			"The HMAC-SHA1 construction with SHA-256: HMAC-SHA256(signing key, base string) gives 32 bytes, base64-encoded. Only use it when the provider asks for it.",
			Signature("oauth_signature", s.signature))
	case oauth1RSASHA1:
		tr.Add("Sign the base string with RSA-SHA1", "RFC 5849 §3.4.3",
			"RSASSA-PKCS1-v1_5 over the SHA-1 digest of the base string (RFC 3447 §8.2), base64-encoded. Only the private key can make it; anyone with the public key can check it.",
			Signature("oauth_signature", s.signature))
	case oauth1Plaintext:
		tr.Add("Use the signing key as the signature", "RFC 5849 §3.4.4",
			"The PLAINTEXT signature is the signing key, as it is: the secrets themselves go in the request.",
			Secret("oauth_signature", s.signature, p.maskedKey()))
	}
}

// traceBase appends the base string steps (RFC 5849 §3.4.1).
func (p *oauth1Plan) traceBase(tr *Trace, out *Outgoing, s oauth1Signed) {
	vals := make([]Value, len(s.params))
	var fromRequest []string
	for i, q := range s.params {
		vals[i] = Plain(q.src, q.name+"="+q.value)
		if q.src != oauth1FromOAuth && strings.HasPrefix(q.name, "oauth_") {
			fromRequest = append(fromRequest, q.src+" "+q.name)
		}
	}
	note := "Every parameter of the request is signed: the URL query, the oauth_* protocol parameters (but not realm or oauth_signature)"
	switch {
	case s.formBody:
		note += " and the form body, because its Content-Type is application/x-www-form-urlencoded."
	case len(out.Body) > 0:
		ct := p.contentType
		if ct == "" {
			ct = "unset"
		}
		note += fmt.Sprintf(". The body is NOT signed (Content-Type %s; only form bodies are), so the server cannot tell whether it was changed on the way.", ct)
	default:
		note += "; the request has no body."
	}
	note += " Values are shown decoded."
	if len(fromRequest) > 0 {
		note += " Careful: the request itself already carries " + strings.Join(fromRequest, ", ") + "; a server will see those twice."
	}
	tr.Add("Collect the parameters to sign", "RFC 5849 §3.4.1.3.1", note, vals...)

	tr.Add("Encode, sort and join the parameters", "RFC 5849 §3.4.1.3.2, §3.6",
		"Each name and value is percent-encoded (only A–Z a–z 0–9 - . _ ~ stay; a space is %20, not +), the pairs are sorted by name and then by value, written name=value and joined with &.",
		Plain("parameter string", s.paramString))

	note = "Scheme and host in lower case, the port dropped when it is the default (80 for http, 443 for https), the query and fragment removed (the query is already in the parameters)."
	if h := out.Header.Get("Host"); h != "" {
		note += fmt.Sprintf(" The host is %q from your Host header, which the server sees, not the URL's %q.", h, out.URL.Host)
	}
	tr.Add("Normalize the URL", "RFC 5849 §3.4.1.2", note, Plain("base string URI", s.baseURI))

	tr.Add("Assemble the signature base string", "RFC 5849 §3.4.1.1",
		"METHOD & encoded URI & encoded parameter string — the parameter string is encoded a second time, so a space ends up as %2520. The server rebuilds this exact string from the request it receives; one differing byte and the signatures differ (Twitter: code 32, \"Could not authenticate you\").",
		Plain("signature base string", s.base))
}

// place puts the protocol parameters and the signature in the request, where
// the placement field says (RFC 5849 §3.5), records them as credentials and
// traces the result.
func (p *oauth1Plan) place(out *Outgoing, tr *Trace, placed []oauth1Param, signature string) {
	encSig := oauth1Encode(signature)
	sigVal := Signature("oauth_signature, percent-encoded", encSig)
	if p.sigMethod == oauth1Plaintext {
		sigVal = Secret("oauth_signature, percent-encoded", encSig, Mask(""))
	}
	switch p.placement {
	case "query":
		var b, m strings.Builder
		for i, q := range placed {
			if i > 0 {
				b.WriteByte('&')
				m.WriteByte('&')
			}
			enc := oauth1Encode(q.name) + "=" + oauth1Encode(q.value)
			b.WriteString(enc)
			masked := q.value
			if q.name == "oauth_signature" {
				masked = Mask("")
				enc = q.name + "=" + masked
			}
			m.WriteString(enc)
			out.Added = append(out.Added, Credential{Where: InQuery, Name: q.name, Value: q.value, Masked: masked})
		}
		u := *out.URL // a copy: the user's query stays byte for byte in front
		prefix := u.RawQuery
		if prefix != "" && !strings.HasSuffix(prefix, "&") {
			prefix += "&"
		}
		u.RawQuery = prefix + b.String()
		u.ForceQuery = false
		out.URL = &u
		tr.Add("Append the parameters to the URL query", "RFC 5849 §3.5.3",
			"The oauth_* parameters, percent-encoded, go after your own query, which is left exactly as it was. URLs are written to server and proxy logs and browser history: the header is the preferred place (§3.5).",
			Secret("query string", u.RawQuery, prefix+m.String()), sigVal)
	case "body":
		before := len(out.Body)
		pairs := make([][2]string, len(placed))
		var m strings.Builder
		for i, q := range placed {
			pairs[i] = [2]string{q.name, q.value}
			if i > 0 {
				m.WriteByte('&')
			}
			m.WriteString(url.QueryEscape(q.name) + "=")
			if q.name == "oauth_signature" {
				m.WriteString(Mask(""))
			} else {
				m.WriteString(url.QueryEscape(q.value))
			}
		}
		out.AddBodyParams(pairs, map[string]string{"oauth_signature": Mask("")})
		added := strings.TrimPrefix(string(out.Body[before:]), "&")
		tr.Add("Add the parameters to the form body", "RFC 5849 §3.5.2",
			"The oauth_* parameters are appended to the application/x-www-form-urlencoded body. Form encoding writes a space as + where the signature used %20; the server decodes both before it checks the signature, so the signature is the same.",
			Secret("body parameters", added, m.String()), sigVal)
	default:
		pairs := make([][2]string, len(placed))
		for i, q := range placed {
			pairs[i] = [2]string{q.name, q.value}
		}
		header := oauth1HeaderValue(p.realm, pairs, false)
		masked := oauth1HeaderValue(p.realm, pairs, true)
		out.SetHeader("Authorization", header, masked)
		note := "Each name and value is percent-encoded again (so + / = in the signature become %2B %2F %3D), quoted, and the pairs are separated by commas."
		if p.sigMethod == oauth1Plaintext {
			note = "Each name and value is percent-encoded again (so the \"&\" of the PLAINTEXT signature becomes %26), quoted, and the pairs are separated by commas."
		}
		if p.realm != "" {
			note += " The realm comes first and is not signed."
		}
		tr.Add("Send the parameters in the Authorization header", "RFC 5849 §3.5.1",
			note, Secret("Authorization", header, masked), sigVal)
	}
}

// ExplainOffer describes an OAuth challenge (RFC 5849 §3.5.1).
func (oauth1) ExplainOffer(Challenge) (detail, ref string, ok bool) {
	return "OAuth: OAuth 1.0a signed requests (consumer key and secret, token and token secret).", "RFC 5849 §3.5.1", true
}

// Lifetime: a signed request holds its oauth_timestamp and oauth_nonce
// (RFC 5849 §3.3), which a server accepts once, within its window.
func (oauth1) Lifetime(http.Header, time.Time) Lifetime {
	return Lifetime{Valid: "valid only for this timestamp and nonce", Replay: ", and replayable until then"}
}
