package authn

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// edgegrid implements Akamai EdgeGrid, the EG1-HMAC-SHA256 request signing
// of every Akamai API (there is no RFC: Akamai's page “Authenticate with
// EdgeGrid” and its client libraries are the specification). The client
// puts its client token, access token, a timestamp and a nonce in the
// Authorization header and signs the method, scheme, host, path and query,
// the headers the API asks to sign and the hash of a POST body, with a key
// derived from the client secret and the timestamp. The client secret
// never travels.
type edgegrid struct{}

func init() { register(edgegrid{}) }

// Where the trace and the hints cite.
const (
	edgegridRefSpec = "Akamai “Authenticate with EdgeGrid” (techdocs.akamai.com/developer/docs/authenticate-with-edgegrid)"
	edgegridRefLib  = "Akamai EdgeGrid libraries (AkamaiOPEN-edgegrid-python, -node)"
	// edgegridSkew is how far the timestamp may be from Akamai's clock.
	// Akamai's pages give no figure; "about 30 seconds" is what users of
	// its libraries report (the README of dccarswell/AkamaiOPEN-edgegrid-golang:
	// “If the timestamps differ by > +/- 30s, edgegrid won't auth the request”).
	edgegridSkew = 30 * time.Second
)

func (edgegrid) Info() Info {
	return Info{
		Name:    "edgegrid",
		Title:   "Akamai EdgeGrid",
		Summary: "Signs each request (method, host, path, chosen headers, POST body hash) with a key derived from the client secret and a timestamp, as Akamai's APIs expect.",
		Spec:    "EG1-HMAC-SHA256, Akamai's “Authenticate with EdgeGrid”",
		Rank:    75,
		// The Authorization header starts with the algorithm moniker.
		Challenges: []string{edgegridAlgorithm},
		ClockNote:  "Akamai EdgeGrid: the API gateway refuses a timestamp more than about 30 seconds from its clock (401 “Invalid timestamp”)",
		// The variables Akamai's Go library and Terraform provider read
		// instead of ~/.edgerc.
		EnvVars: map[string]string{
			"client_token":  "AKAMAI_CLIENT_TOKEN",
			"client_secret": "AKAMAI_CLIENT_SECRET",
			"access_token":  "AKAMAI_ACCESS_TOKEN",
		},
		Fields: []Field{
			{Name: "client_token", Label: "Client token", Required: true,
				Help: "akab-… from the API client's credentials (~/.edgerc client_token); sent in the Authorization header"},
			{Name: "client_secret", Label: "Client secret", Secret: true, Required: true,
				Help: "the secret of the credentials (~/.edgerc client_secret); never sent: a key derived from it and the timestamp signs"},
			{Name: "access_token", Label: "Access token", Secret: true, Required: true,
				Help: "akab-… from the same credentials (~/.edgerc access_token); sent in the Authorization header"},
			{Name: "headers_to_sign", Label: "Headers to sign",
				Help: "comma-separated header names the API asks to sign (most ask for none), e.g. X-Test1,X-Test2"},
			{Name: "max_body", Label: "Max body", Default: strconv.Itoa(edgegridDefaultMaxBody),
				Help: "at most this many bytes of a POST body are hashed (~/.edgerc max_body; Akamai's libraries use 131072)"},
			{Name: "timestamp", Label: "Timestamp", Pinnable: true,
				Help: "UTC as 20140321T19:34:21+0000; normally now; pin it only to reproduce a trace (Akamai allows about 30 s of skew)"},
			{Name: "nonce", Label: "Nonce", Pinnable: true,
				Help: "normally a random UUID; pin it only to reproduce a trace (a nonce is accepted once)"},
		},
	}
}

// edgegridPlan is the validated input of one signature.
type edgegridPlan struct {
	in                      edgegridInput
	timePinned, noncePinned bool
	listed                  []string // headers_to_sign as given, lower case
}

// Authorize signs out with EdgeGrid and sets the Authorization header.
func (edgegrid) Authorize(out *Outgoing, c Credentials, env Env, tr *Trace) error {
	if out.Header == nil {
		out.Header = http.Header{}
	}
	p, err := edgegridPrepare(out, c, env)
	if err != nil {
		return err
	}
	s := edgegridSign(p.in)
	masked := edgegridMaskAuthorization(p.in, s)
	out.SetHeader("Authorization", s.authorization, masked)
	p.trace(tr, s, masked)
	return nil
}

// edgegridMaskAuthorization is the Authorization value with the access
// token and the signature masked.
func edgegridMaskAuthorization(in edgegridInput, s edgegridSigned) string {
	return strings.Replace(s.authPrefix, "access_token="+in.accessToken+";", "access_token="+Mask("")+";", 1) + "signature=" + Mask("")
}

// edgegridMaskAccess masks the access token inside text (the auth prefix
// is part of the data to sign).
func edgegridMaskAccess(text, access string) string {
	return strings.ReplaceAll(text, "access_token="+access+";", "access_token="+Mask("")+";")
}

// edgegridBadToken finds a character that cannot appear in a value of the
// Authorization header's name=value; list: white space, controls, ";".
func edgegridBadToken(v string) int {
	return strings.IndexFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f || r == ';' })
}

// edgegridPrepare validates the fields against the request and picks the
// timestamp and nonce, before anything is traced.
func edgegridPrepare(out *Outgoing, c Credentials, env Env) (*edgegridPlan, error) {
	p := &edgegridPlan{in: edgegridInput{
		method: out.Method, scheme: out.URL.Scheme, host: out.Header.Get("Host"),
		pathQuery: edgegridPathQuery(out.URL.EscapedPath(), out.URL.RawQuery),
		header:    out.Header, body: out.Body,
		clientToken: c.Get("client_token"), clientSecret: c.Get("client_secret"), accessToken: c.Get("access_token"),
	}}
	if p.in.method == "" {
		p.in.method = http.MethodGet
	}
	if p.in.host == "" {
		p.in.host = out.URL.Host
	}
	for _, f := range []struct{ name, label, value string }{
		{"client_token", "Client token", p.in.clientToken},
		{"access_token", "Access token", p.in.accessToken},
	} {
		if f.value == "" {
			return nil, &InputError{Field: f.name, Problem: fmt.Sprintf("Akamai EdgeGrid needs field %q (%s)", f.name, f.label),
				Fix: fmt.Sprintf("add -c %s=VALUE (the %s line of the API client's ~/.edgerc section)", f.name, f.name)}
		}
		if i := edgegridBadToken(f.value); i >= 0 {
			return nil, &InputError{Field: f.name, Problem: fmt.Sprintf("field %q contains %q, which cannot appear in an EdgeGrid Authorization header", f.name, f.value[i:i+1]),
				Fix: "copy the token again from ~/.edgerc: akab-… with no spaces, line breaks or semicolons"}
		}
	}
	if p.in.clientSecret == "" {
		return nil, &InputError{Field: "client_secret", Problem: `Akamai EdgeGrid needs field "client_secret" (Client secret)`,
			Fix: "add -c client_secret=env:AKAMAI_CLIENT_SECRET (or file:PATH, or prompt)"}
	}
	if strings.ContainsAny(p.in.clientSecret, "\r\n") {
		return nil, &InputError{Field: "client_secret", Problem: `field "client_secret" contains a line break`,
			Fix: "paste the secret on one line (the client_secret line of ~/.edgerc, after the =)"}
	}
	if raw := strings.TrimSpace(c.Get("headers_to_sign")); raw != "" {
		for part := range strings.SplitSeq(raw, ",") {
			name := strings.ToLower(strings.TrimSpace(part))
			if name == "" {
				continue
			}
			if !isToken(name) {
				return nil, &InputError{Field: "headers_to_sign", Problem: fmt.Sprintf("headers_to_sign names %q, which is not a header name", name),
					Fix: "list header names separated by commas, e.g. -c headers_to_sign=X-Test1,X-Test2"}
			}
			p.listed = append(p.listed, name)
		}
	}
	p.in.headersToSign = p.listed
	mb := c.Get("max_body")
	if mb == "" {
		mb = strconv.Itoa(edgegridDefaultMaxBody)
	}
	n, err := strconv.Atoi(mb)
	if err != nil || n <= 0 {
		return nil, &InputError{Field: "max_body", Problem: fmt.Sprintf(`field "max_body" must be a positive number of bytes, not %q`, mb),
			Fix: "leave it empty for 131072 (Akamai's default), or write the API's value, e.g. -c max_body=131072"}
	}
	p.in.maxBody = n

	if ts := c.Get("timestamp"); ts != "" {
		if _, err := time.Parse(edgegridTimeFormat, ts); err != nil {
			return nil, &InputError{Field: "timestamp", Problem: fmt.Sprintf(`field "timestamp" must be UTC like 20140321T19:34:21+0000, not %q`, ts),
				Fix: "write it as yyyyMMddTHH:mm:ss+0000 (date -u +%Y%m%dT%H:%M:%S+0000 prints the current one), or leave it empty for now"}
		}
		p.in.timestamp, p.timePinned = ts, true
	} else {
		now := time.Now
		if env.Now != nil {
			now = env.Now
		}
		p.in.timestamp = now().UTC().Format(edgegridTimeFormat)
	}
	if nonce := c.Get("nonce"); nonce != "" {
		if i := edgegridBadToken(nonce); i >= 0 {
			return nil, &InputError{Field: "nonce", Problem: fmt.Sprintf(`field "nonce" contains %q, which cannot appear in an EdgeGrid Authorization header`, nonce[i:i+1]),
				Fix: "use letters, digits and dashes (a UUID), or leave it empty for a random one"}
		}
		p.in.nonce, p.noncePinned = nonce, true
	} else {
		r := env.Rand
		if r == nil {
			r = rand.Reader
		}
		var b [16]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("edgegrid: reading random bytes for the nonce: %w", err)
		}
		p.in.nonce = edgegridUUID(b)
	}
	return p, nil
}

// edgegridUUID formats 16 random bytes as a version 4 UUID (RFC 9562
// §5.4), the nonce Akamai's libraries send (uuid.uuid4, crypto.randomUUID).
func edgegridUUID(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hexd = "0123456789abcdef"
	var out []byte
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexd[c>>4], hexd[c&0xf])
	}
	return string(out)
}

// edgegridShowTabs writes a data to sign on one line, each tab as \t, as
// Akamai's Python library logs it.
func edgegridShowTabs(s string) string { return strings.ReplaceAll(s, "\t", `\t`) }

// trace appends the steps of the signature to tr.
func (p *edgegridPlan) trace(tr *Trace, s edgegridSigned, masked string) {
	in := p.in
	how := func(pinned bool, normally string) string {
		if pinned {
			return " (pinned)"
		}
		return " (" + normally + ")"
	}
	note := "The timestamp (UTC, yyyyMMddTHH:mm:ss+0000) is when the request is signed: Akamai refuses one more than about 30 seconds from its clock. The nonce is a random string (a UUID) used once, so a captured request cannot be replayed."
	if p.timePinned || p.noncePinned {
		note += " Pinned values reproduce this trace exactly; a real gateway refuses a nonce it has seen and a timestamp 30 seconds old."
	}
	tr.Add("Choose the timestamp and the nonce", edgegridRefSpec+", Authorization header fields", note,
		Plain("timestamp"+how(p.timePinned, "clock"), in.timestamp),
		Plain("nonce"+how(p.noncePinned, "random"), in.nonce))

	tr.Add("Write the Authorization header without its signature", edgegridRefSpec+", Authorization header fields",
		"The algorithm moniker EG1-HMAC-SHA256, a space, then client_token, access_token, timestamp and nonce as name=value, each followed by a semicolon. This text is itself the last part of the data to sign, so the tokens, the time and the nonce are all signed. The access token is a credential: it is masked.",
		Plain("client token", in.clientToken),
		Secret("access token", in.accessToken, Mask("")),
		Secret("auth header prefix", s.authPrefix, edgegridMaskAccess(s.authPrefix, in.accessToken)))

	switch {
	case len(p.listed) == 0:
		note = "headers_to_sign is empty (most Akamai APIs ask for none), so this part is empty: no header of the request is signed, not even Host, which is signed as its own part."
	default:
		note = fmt.Sprintf("Each header of headers_to_sign (%s) that the request has, in that order: the name in lower case, a colon, the value trimmed with every inner run of white space made one space; joined by tabs.", strings.Join(p.listed, ", "))
		if missing := len(p.listed) - len(s.signedNames); missing > 0 {
			note += fmt.Sprintf(" %s of the listed headers are not in the request and are left out, as Akamai's libraries do.", strconv.Itoa(missing))
		}
		note += " Headers added after signing (User-Agent, Accept-Encoding) are not signed."
	}
	tr.Add("Canonicalize the headers to sign", edgegridRefSpec+", data to sign (canonicalized headers)", note,
		Plain("headers to sign", strings.Join(p.listed, ",")),
		Plain("canonical headers (\\t = tab)", edgegridShowTabs(s.canonHeaders)))

	bodyVals := []Value{Plain("body", fmt.Sprintf("%d bytes", len(in.body))), Plain("max body", strconv.Itoa(in.maxBody))}
	switch m := strings.ToUpper(in.method); {
	case m != http.MethodPost:
		note = fmt.Sprintf("Only a POST body is hashed: for %s the content hash is empty, so the body (if any) is not signed.", m)
	case len(in.body) == 0:
		note = "The POST has no body, so the content hash is empty."
	case len(in.body) > in.maxBody:
		note = fmt.Sprintf("The base64 SHA-256 of the first %d bytes (max_body) of the POST body: the %d bytes after them are not signed. Akamai's libraries truncate the same way; an API that publishes another max_body needs -c max_body.", in.maxBody, len(in.body)-in.maxBody)
	default:
		note = "The base64 SHA-256 of the POST body as it is sent, so the body cannot be changed after signing."
	}
	bodyVals = append(bodyVals, Plain("hashed bytes", strconv.Itoa(s.hashedBytes)), Plain("content hash", s.contentHash))
	tr.Add("Hash the POST body", edgegridRefSpec+", data to sign (content hash)", note, bodyVals...)

	data := edgegridShowTabs(s.dataToSign)
	tr.Add("Assemble the data to sign", edgegridRefSpec+", data to sign",
		"Seven parts joined by tabs: the method in upper case, the scheme, the host (with its port when the URL has one), the path and query as sent, the canonical headers, the content hash and the auth header prefix. The server rebuilds it from what it receives: one differing byte and the signatures differ (401 “The signature does not match”).",
		Plain("method", strings.ToUpper(in.method)),
		Plain("scheme", strings.ToLower(in.scheme)),
		Plain("host", in.host),
		Plain("path and query", in.pathQuery),
		Secret("data to sign (\\t = tab)", data, edgegridMaskAccess(data, in.accessToken)))

	tr.Add("Derive the signing key", edgegridRefSpec+", signing key",
		"signing key = base64(HMAC-SHA256(key = client secret, data = timestamp)). The key changes with every timestamp, and the base64 text (not its bytes) is the key of the next HMAC, as Akamai's libraries do.",
		Secret("client secret", in.clientSecret, Mask("")),
		Secret("signing key", s.signingKey, Mask("")))

	tr.Add("Sign the data", edgegridRefSpec+", signature",
		"signature = base64(HMAC-SHA256(key = signing key, data = data to sign)).",
		Signature("signature", s.signature))

	tr.Add("Add the Authorization header", edgegridRefSpec+", HTTP Authorization header",
		"The auth header prefix followed by signature=…. It can be sent once (its nonce) within about 30 seconds, so it is masked.",
		Secret("Authorization", s.authorization, masked))
}

// ExplainOffer describes an EG1-HMAC-SHA256 challenge.
func (edgegrid) ExplainOffer(Challenge) (detail, ref string, ok bool) {
	return "EG1-HMAC-SHA256: requests signed with Akamai EdgeGrid (client token, client secret, access token).", edgegridRefSpec, true
}

// Lifetime: the gateway refuses a timestamp about 30 seconds off its clock
// and a nonce it has seen.
func (edgegrid) Lifetime(http.Header, time.Time) Lifetime {
	return Lifetime{What: "Akamai EdgeGrid", Valid: "valid only for about 30 seconds (Akamai's allowed clock skew)",
		Replay: " and, wherever its nonce is not remembered, replayable until then"}
}
