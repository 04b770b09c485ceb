package authn

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// sigv4 implements AWS Signature Version 4 (SigV4) with the Authorization
// header, as described in the IAM User Guide pages “AWS Signature Version 4
// for API requests”, “Elements of an AWS API request signature” and “Create a
// signed AWS API request” (there is no RFC). The client builds a canonical
// request from the method, path, query, some headers and the SHA-256 of the
// body, hashes it into a string to sign together with the date and the
// credential scope (date/region/service/aws4_request), and signs that with a
// key derived from the secret access key by a chain of four HMACs. The
// secret never travels; the access key ID, the scope and the signature do.
//
// The signing is done by the AWS SDK for Go v2 (see sigv4_sign.go); this
// file validates the fields, places the result and writes the trace.
type sigv4 struct{}

func init() { register(sigv4{}) }

// Names of the AWS documentation pages cited by the trace and the hints.
const (
	sigv4RefOverview = "AWS IAM User Guide “AWS Signature Version 4 for API requests”"
	sigv4RefElements = "AWS IAM User Guide “Elements of an AWS API request signature”"
	sigv4RefCreate   = "AWS IAM User Guide “Create a signed AWS API request”"
	sigv4RefTrouble  = "AWS IAM User Guide “Troubleshoot signed AWS API requests”"
	sigv4RefS3       = "Amazon S3 API Reference “Signature Calculations for the Authorization Header”"
)

func (sigv4) Info() Info {
	return Info{
		Name:    "sigv4",
		Title:   "AWS Signature Version 4",
		Summary: "Signs each request (method, path, query, headers, body hash) with a key derived from the secret key, date, region and service, as every AWS API expects.",
		Spec:    "AWS Signature Version 4 (IAM User Guide)",
		Rank:    70,
		// The Authorization header starts with the algorithm (AWS IAM User
		// Guide, "Elements of an AWS API request signature"); X-Amz-Date
		// is checked against AWS's clock.
		Challenges: []string{"AWS4-HMAC-SHA256"},
		ClockNote:  "AWS SigV4: requests more than 15 minutes off X-Amz-Date fail with RequestTimeTooSkewed",
		// The variables the AWS CLI and SDKs read: an AWS key belongs
		// there whatever the host.
		EnvVars: map[string]string{
			"access_key":    "AWS_ACCESS_KEY_ID",
			"secret_key":    "AWS_SECRET_ACCESS_KEY",
			"session_token": "AWS_SESSION_TOKEN",
		},
		Fields: []Field{
			{Name: "access_key", Label: "Access key ID", Required: true,
				Help: "AKIA… (long-term) or ASIA… (temporary); sent in the Credential of the Authorization header, not secret"},
			{Name: "secret_key", Label: "Secret access key", Secret: true, Required: true,
				Help: "the secret half of the key pair; it never leaves this machine: a key derived from it signs"},
			{Name: "session_token", Label: "Session token", Secret: true,
				Help: "for temporary credentials (ASIA… keys from STS, SSO or a role): sent as X-Amz-Security-Token and signed"},
			{Name: "region", Label: "Region", Required: true,
				Help: "the region of the endpoint, e.g. us-east-1; part of the credential scope"},
			{Name: "service", Label: "Service", Required: true,
				Help: "the service's signing name, e.g. s3, sts, iam, execute-api, es; part of the credential scope"},
			{Name: "date", Label: "Date (X-Amz-Date)", Pinnable: true,
				Help: "UTC as 20150830T123600Z; normally now; pin it only to reproduce a trace (AWS refuses dates 15 minutes off)"},
		},
	}
}

// sigv4Plan is the validated input of one signature.
type sigv4Plan struct {
	in     sigv4Input
	pinned bool
}

// Authorize signs out with SigV4 (“Create a signed AWS API request”, steps
// 1–5) and adds X-Amz-Date, X-Amz-Security-Token (with a session token),
// X-Amz-Content-Sha256 (for S3 only) and the Authorization header. The query
// is sent in the canonical form it was signed in.
func (sigv4) Authorize(out *Outgoing, c Credentials, env Env, tr *Trace) error {
	if out.Header == nil {
		out.Header = http.Header{}
	}
	p, err := sigv4Prepare(out, c, env)
	if err != nil {
		return err
	}
	s, err := sigv4Sign(p.in)
	if err != nil {
		return err
	}
	queryChanged := out.URL.RawQuery != s.rawQuery
	out.URL.RawQuery = s.rawQuery
	out.URL.ForceQuery = false
	hostChanged := ""
	if p.in.host != "" {
		if p.in.host != s.host {
			hostChanged = p.in.host
			out.Header.Set("Host", s.host)
		}
	} else if out.URL.Host != s.host {
		hostChanged = out.URL.Host
		out.URL.Host = s.host
	}
	added := []string{sigv4HeaderDate}
	out.SetHeader(sigv4HeaderDate, s.amzDate, s.amzDate)
	if p.in.token != "" {
		out.SetHeader(sigv4HeaderToken, p.in.token, Mask(p.in.token))
		added = append(added, sigv4HeaderToken)
	}
	if p.in.s3 && !s.payloadFromHeader {
		out.SetHeader(sigv4HeaderSHA, s.payloadHash, s.payloadHash)
		added = append(added, sigv4HeaderSHA)
	}
	masked := sigv4MaskAuthorization(s.authorization)
	out.SetHeader("Authorization", s.authorization, masked)

	p.trace(tr, s, queryChanged, hostChanged, added, masked)
	return nil
}

// sigv4MaskAuthorization keeps everything of an Authorization value but the
// signature, which is replaced by a mask.
func sigv4MaskAuthorization(v string) string {
	before, _, ok := strings.Cut(v, "Signature=")
	if !ok {
		return Mask("")
	}
	return before + "Signature=" + Mask("")
}

// sigv4Prepare validates the fields against the request, before anything is
// traced.
func sigv4Prepare(out *Outgoing, c Credentials, env Env) (*sigv4Plan, error) {
	p := &sigv4Plan{in: sigv4Input{
		method: out.Method, url: out.URL, host: out.Header.Get("Host"), header: out.Header, body: out.Body,
		accessKey: c.Get("access_key"), secretKey: c.Get("secret_key"), token: c.Get("session_token"),
		region: c.Get("region"), service: c.Get("service"),
	}}
	for _, f := range []struct{ name, label, value, example string }{
		{"access_key", "Access key ID", p.in.accessKey, "AKIDEXAMPLE"},
		{"region", "Region", p.in.region, "us-east-1"},
		{"service", "Service", p.in.service, "s3"},
	} {
		if f.value == "" {
			return nil, &InputError{Field: f.name, Problem: fmt.Sprintf("AWS SigV4 needs field %q (%s)", f.name, f.label),
				Fix: fmt.Sprintf("add -c %s=VALUE, e.g. -c %s=%s", f.name, f.name, f.example)}
		}
		// The credential scope is "key/date/region/service/aws4_request"
		// inside a comma-separated header: these characters would change its
		// meaning.
		if i := strings.IndexFunc(f.value, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '/' || r == ',' || r == '=' }); i >= 0 {
			return nil, &InputError{Field: f.name, Problem: fmt.Sprintf("field %q contains %q, which cannot appear in a SigV4 credential scope", f.name, f.value[i:i+1]),
				Fix: fmt.Sprintf("check the value (no spaces, slashes or commas), e.g. -c %s=%s", f.name, f.example)}
		}
	}
	if p.in.secretKey == "" {
		return nil, &InputError{Field: "secret_key", Problem: `AWS SigV4 needs field "secret_key" (Secret access key)`,
			Fix: "add -c secret_key=env:AWS_SECRET_ACCESS_KEY (or file:PATH, or prompt)"}
	}
	if strings.ContainsAny(p.in.token, "\r\n") {
		return nil, &InputError{Field: "session_token", Problem: `field "session_token" contains a line break`,
			Fix: "paste the token on one line (it is sent as the X-Amz-Security-Token header)"}
	}
	if d := c.Get("date"); d != "" {
		t, err := time.Parse(sigv4DateFormat, d)
		if err != nil {
			return nil, &InputError{Field: "date", Problem: fmt.Sprintf(`field "date" must be UTC in ISO 8601 basic format like 20150830T123600Z, not %q`, d),
				Fix: "write it as YYYYMMDDTHHMMSSZ (date -u +%Y%m%dT%H%M%SZ prints the current one), or leave it empty for now"}
		}
		p.in.when, p.pinned = t, true
	} else {
		now := time.Now
		if env.Now != nil {
			now = env.Now
		}
		p.in.when = now().UTC().Truncate(time.Second)
	}
	p.in.s3 = p.in.service == "s3" || p.in.service == "s3-object-lambda"
	return p, nil
}

// trace appends the steps of “Create a signed AWS API request” to tr.
func (p *sigv4Plan) trace(tr *Trace, s *sigv4Signed, queryChanged bool, hostChanged string, added []string, masked string) {
	in := p.in
	dateLabel := "X-Amz-Date (clock)"
	if p.pinned {
		dateLabel = "X-Amz-Date (pinned)"
	}
	note := "The request carries its own time in X-Amz-Date (UTC, ISO 8601 basic format). AWS refuses it when it is more than 15 minutes off its clock, so a captured request cannot be replayed later. The credential scope says which day, region and service the signature is good for; the key is derived from exactly these, so a signature made for another region or service never matches."
	if p.pinned {
		note += " The date is pinned: this reproduces the trace exactly, but AWS will refuse it once it is 15 minutes old."
	}
	switch {
	case strings.HasPrefix(in.accessKey, "ASIA") && in.token == "":
		note += " This ASIA… access key ID belongs to temporary credentials: AWS also needs their session token (field session_token)."
	case strings.HasPrefix(in.accessKey, "AKIA") && in.token != "":
		note += " A session token with an AKIA… (long-term) key ID: session tokens come with ASIA… temporary keys; AWS will refuse the pair."
	}
	tr.Add("Choose the date and the credential scope", sigv4RefElements, note,
		Plain(dateLabel, s.amzDate),
		Plain("access key ID", in.accessKey),
		Plain("region", in.region),
		Plain("service", in.service),
		Plain("credential scope", s.scope))

	// The payload.
	pvals := []Value{Plain("body", fmt.Sprintf("%d bytes", len(in.body)))}
	switch {
	case s.payloadFromHeader:
		note = fmt.Sprintf("Your request sets X-Amz-Content-Sha256, so its value stands for the body in the canonical request (S3 accepts %s there, to sign without the body).", sigv4Unsigned)
		if s.payloadHash != sigv4Unsigned && s.payloadHash != sigv4Hash(in.body) {
			note += " Careful: it is not the SHA-256 of the body being sent; S3 answers XAmzContentSHA256Mismatch."
		}
	case len(in.body) == 0:
		note = "The body is empty, so this is the SHA-256 of no bytes (e3b0c442…b855): it is always part of the canonical request, so the body cannot be changed after signing."
	default:
		note = "The lower-case hex SHA-256 of the body as it will be sent: the last line of the canonical request, so the body cannot be changed after signing."
	}
	if in.s3 && !s.payloadFromHeader {
		note += " Amazon S3 also wants this hash in the X-Amz-Content-Sha256 header (it checks the body against it), so it is sent and signed."
	} else if !in.s3 && !s.payloadFromHeader {
		note += " It is not sent as X-Amz-Content-Sha256: only S3 (and S3-compatible stores) read that header; other services compute the hash themselves."
	}
	pvals = append(pvals, Plain("hashed payload", s.payloadHash))
	tr.Add("Hash the payload", sigv4RefCreate+", step 1 (HashedPayload)", note, pvals...)

	// The headers added before signing.
	hvals := []Value{Plain(sigv4HeaderDate, s.amzDate)}
	note = "X-Amz-Date is added before signing so that it is signed (every x-amz-* header the request sends must be)."
	if in.token != "" {
		hvals = append(hvals, Secret(sigv4HeaderToken, in.token, Mask(in.token)))
		note += " The session token of temporary credentials goes in X-Amz-Security-Token, signed too; it is a bearer credential itself, so it is masked."
	}
	if in.s3 && !s.payloadFromHeader {
		hvals = append(hvals, Plain(sigv4HeaderSHA, s.payloadHash))
	}
	tr.Add("Add the X-Amz-* headers", sigv4RefCreate+", step 1 and step 5", note, hvals...)

	// The canonical request, part by part.
	// The session token is in the canonical headers: those values are
	// secret, shown with the token masked.
	canon := func(label, text string) Value {
		if in.token == "" || !strings.Contains(text, in.token) {
			return Plain(label, text)
		}
		return Secret(label, text, strings.ReplaceAll(text, "x-amz-security-token:"+in.token, "x-amz-security-token:"+Mask(in.token)))
	}
	method, uri, query, headers, signed, payload, ok := sigv4Parts(s.canonical)
	if ok {
		uriNote := "the path normalised (empty and . segments dropped, each .. removing the segment before it: /a/./b and /a//b sign /a/b, /example/.. signs /), then URI-encoded (every byte but A–Z a–z 0–9 - _ . ~ and / as %XX); services other than S3 encode the path as sent once more, so %20 in the URL becomes %2520"
		if in.s3 {
			uriNote = "the path exactly as sent, encoded once and not normalised (S3's rule: an object key may contain . and //; every other service normalises the path and encodes it twice)"
		}
		if s.sentPath != "" {
			uriNote += fmt.Sprintf(". Your path %s is signed as %s; it is sent as you wrote it, and the service normalises it the same way", s.sentPath, sigv4NormalizePath(s.sentPath))
		}
		qNote := "each name and value URI-encoded (a space is %20, never +), sorted by name then value, joined as name=value with &; empty when there is no query"
		if queryChanged {
			qNote += ". Your query was rewritten into this form and is sent exactly so, so that the server rebuilds the same string"
		}
		tr.Add("Create the canonical request", sigv4RefCreate+", step 1: Create a canonical request",
			"Six parts, one per line: the HTTP method; the canonical URI ("+uriNote+"); the canonical query string ("+qNote+
				"); the canonical headers (lower-case name:value, values trimmed and inner runs of spaces made one, sorted by name, each line ending in a newline, so a blank line follows); the signed headers (the same names joined with ;, which tells the server which headers were signed: host and every x-amz-* header at least; headers added after signing, such as User-Agent and Accept, are not in it); the hashed payload. Content-Length is not signed: the hashed payload already covers every byte of the body.",
			Plain("HTTP method", method),
			Plain("canonical URI", uri),
			Plain("canonical query string", query),
			canon("canonical headers", strings.Join(headers, "\n")),
			Plain("signed headers", signed),
			Plain("hashed payload", payload),
			canon("canonical request", s.canonical))
	} else {
		tr.Add("Create the canonical request", sigv4RefCreate+", step 1: Create a canonical request",
			"Method, canonical URI, canonical query string, canonical headers, signed headers and hashed payload, one per line.",
			canon("canonical request", s.canonical))
	}
	if hostChanged != "" {
		tr.Add("Sign the host without its default port", sigv4RefCreate+", step 1",
			fmt.Sprintf("The host %q carries its scheme's default port; AWS signs it without, so the request is sent to %q, the same server.", hostChanged, s.host),
			Plain("host", s.host))
	}

	tr.Add("Hash the canonical request", sigv4RefCreate+", step 2: Create a hash of the canonical request",
		"The lower-case hex SHA-256 of the canonical request. The server rebuilds the canonical request from what it receives and hashes it the same way: one differing byte anywhere and the signatures differ (SignatureDoesNotMatch, whose message shows the server's canonical request).",
		Plain("hashed canonical request", s.hashedCanonical))

	tr.Add("Create the string to sign", sigv4RefCreate+", step 3: Create a string to sign",
		"Four lines: the algorithm AWS4-HMAC-SHA256, the request date (X-Amz-Date), the credential scope, and the hashed canonical request.",
		Plain("algorithm", sigv4Algorithm),
		Plain("string to sign", s.stringToSign))

	day := in.when.UTC().Format(sigv4DayFormat)
	note = "The secret key is never used directly: HMAC-SHA256 is chained from \"AWS4\" + secret key through the date, the region, the service and the string aws4_request. A derived key is only good for one day, region and service, which is why a wrong region or service in the scope gives SignatureDoesNotMatch rather than a clearer error."
	if n := len(in.secretKey); n != 40 {
		note += fmt.Sprintf(" AWS secret access keys are 40 characters; this one has %d (copied whole, no spaces?).", n)
	}
	tr.Add("Derive the signing key", sigv4RefCreate+", step 4: Calculate the signature", note,
		Secret("kSecret = \"AWS4\" + secret key", string(s.kSecret), "AWS4"+Mask("")),
		Secret("kDate = HMAC(kSecret, \""+day+"\")", hex.EncodeToString(s.kDate), Mask("")),
		Secret("kRegion = HMAC(kDate, \""+in.region+"\")", hex.EncodeToString(s.kRegion), Mask("")),
		Secret("kService = HMAC(kRegion, \""+in.service+"\")", hex.EncodeToString(s.kService), Mask("")),
		Secret("kSigning = HMAC(kService, \"aws4_request\")", hex.EncodeToString(s.kSign), Mask("")))

	tr.Add("Calculate the signature", sigv4RefCreate+", step 4: Calculate the signature",
		"signature = hex(HMAC-SHA256(kSigning, string to sign)), computed by the AWS SDK for Go v2 signer and checked against the key derivation above.",
		Signature("signature", s.signature))

	_, sh, _ := strings.Cut(s.authorization, "SignedHeaders=")
	sh, _, _ = strings.Cut(sh, ",")
	tr.Add("Add the signature to the request", sigv4RefCreate+", step 5: Add the signature to the request",
		fmt.Sprintf("AWS4-HMAC-SHA256 Credential=access key ID/credential scope, SignedHeaders=…, Signature=…. Headers added: %s and Authorization. The Authorization header can be replayed until the date is 15 minutes old, so it is masked.", strings.Join(added, ", ")),
		Plain("Credential", in.accessKey+"/"+s.scope),
		Plain("SignedHeaders", sh),
		Secret("Authorization", s.authorization, masked))
}

// ExplainOffer describes an AWS4-HMAC-SHA256 challenge.
func (sigv4) ExplainOffer(Challenge) (detail, ref string, ok bool) {
	return "AWS4-HMAC-SHA256: requests signed with AWS Signature Version 4.", "AWS Signature Version 4", true
}

// Lifetime: AWS refuses a request whose X-Amz-Date is more than 15
// minutes from its clock, and accepts it again until then.
func (sigv4) Lifetime(http.Header, time.Time) Lifetime {
	return Lifetime{What: "AWS SigV4", Valid: "valid only for that time (AWS allows 15 minutes)", Replay: " and replayable until then"}
}
