package authn

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// AWS error responses: the XML forms (<Error><Code>…</Code><Message>…
// </Message>…</Error>, alone as S3 sends it, inside <ErrorResponse> as the
// query APIs such as STS and IAM send it, inside <Response><Errors> as EC2
// sends it) and the JSON forms ({"__type":"…#Code","message":"…"}, or
// {"message":"…"} with an X-Amzn-ErrorType header) of the errors that
// authentication and SigV4 signing produce. The codes are those of the
// “Common Errors” sections of the AWS API references and of the IAM User
// Guide page “Troubleshoot signed AWS API requests”.

func init() { registerRecognizer("aws", hintRankProvider, sigv4Hints) }

// sigv4AWSError is one decoded AWS error response.
type sigv4AWSError struct {
	Code    string            // without namespace, e.g. "SignatureDoesNotMatch", "UnrecognizedClientException"
	Message string            // as the server wrote it (untrusted)
	Fields  map[string]string // the other children of <Error>: CanonicalRequest, StringToSign, RequestTime, ServerTime, Region, HeadersNotSigned …
}

// sigv4MaxFields bounds how many children of <Error> are kept.
const sigv4MaxFields = 32

// sigv4ParseXMLError decodes the first <Error> element of an AWS XML error
// body, wherever it is nested. Only its direct children with text are kept.
// ok is false when body is not XML with an <Error> that has a <Code>.
func sigv4ParseXMLError(body []byte) (sigv4AWSError, bool) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '<' || len(body) > hintMaxJSONBody {
		return sigv4AWSError{}, false
	}
	d := xml.NewDecoder(bytes.NewReader(trimmed))
	d.Strict = true
	for depth := 0; ; {
		tok, err := d.Token()
		if err != nil {
			return sigv4AWSError{}, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > 4 {
				return sigv4AWSError{}, false // AWS nests <Error> at most two levels down
			}
			if t.Name.Local != "Error" {
				continue
			}
			var e struct {
				Children []struct {
					XMLName xml.Name
					Text    string `xml:",chardata"`
				} `xml:",any"`
			}
			if err := d.DecodeElement(&e, &t); err != nil {
				return sigv4AWSError{}, false
			}
			out := sigv4AWSError{Fields: map[string]string{}}
			for _, c := range e.Children {
				switch name := c.XMLName.Local; name {
				case "Code":
					out.Code = strings.TrimSpace(c.Text)
				case "Message":
					out.Message = strings.TrimSpace(c.Text)
				default:
					if _, dup := out.Fields[name]; !dup && len(out.Fields) < sigv4MaxFields {
						out.Fields[name] = c.Text
					}
				}
			}
			out.Code = sigv4CleanCode(out.Code)
			return out, out.Code != ""
		case xml.EndElement:
			depth--
		}
	}
}

// sigv4CleanCode strips a namespace ("com.amazon.coral.service#X") and a
// trailing ":http://…" (X-Amzn-ErrorType) from an error code, and refuses
// anything that is not a plain identifier.
func sigv4CleanCode(code string) string {
	code = strings.TrimSpace(code)
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if code == "" || len(code) > 100 {
		return ""
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return ""
		}
	}
	return code
}

// sigv4ResponseError decodes the AWS error in a response: XML first, then
// the JSON protocols (__type, or the X-Amzn-ErrorType header).
func (in hintInput) sigv4ResponseError() (sigv4AWSError, bool) {
	if in.resp.Truncated {
		return sigv4AWSError{}, false
	}
	if e, ok := sigv4ParseXMLError(in.resp.Body); ok {
		return e, true
	}
	obj := in.object()
	code, _ := hintJSONString(obj, "__type")
	if code == "" {
		code, _ = hintJSONString(obj, "code")
		if code != "" && in.header("X-Amzn-RequestId") == "" && in.header("X-Amzn-ErrorType") == "" {
			code = "" // "code" alone is too common to mean AWS
		}
	}
	if code == "" {
		code = in.header("X-Amzn-ErrorType")
	}
	code = sigv4CleanCode(code)
	if code == "" {
		return sigv4AWSError{}, false
	}
	msg, ok := hintJSONString(obj, "message")
	if !ok {
		msg, _ = hintJSONString(obj, "Message")
	}
	return sigv4AWSError{Code: code, Message: strings.TrimSpace(msg)}, true
}

// sigv4SentAuth is what the sent Authorization header said.
type sigv4SentAuth struct {
	accessKey, day, region, service, terminator string
	signedHeaders                               []string
}

// sigv4ParseSentAuth reads the Credential and SignedHeaders of an
// AWS4-HMAC-SHA256 Authorization value (“Add the signature to the request”).
func sigv4ParseSentAuth(v string) (sigv4SentAuth, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(v), sigv4Algorithm+" ")
	if !ok {
		return sigv4SentAuth{}, false
	}
	var a sigv4SentAuth
	found := false
	for part := range strings.SplitSeq(rest, ",") {
		k, val, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(val, "/")
			if len(f) != 5 {
				return sigv4SentAuth{}, false
			}
			a.accessKey, a.day, a.region, a.service, a.terminator = f[0], f[1], f[2], f[3], f[4]
			found = true
		case "SignedHeaders":
			a.signedHeaders = strings.Split(val, ";")
		}
	}
	return a, found
}

// sigv4RegionRE matches an AWS region name such as us-east-1, eu-central-2,
// us-gov-west-1 or cn-north-1.
var sigv4RegionRE = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$`)

// sigv4HostRegion returns the region named in an AWS endpoint host name
// (sts.eu-west-1.amazonaws.com, bucket.s3.us-west-2.amazonaws.com), or "".
func sigv4HostRegion(host string) string {
	for l := range strings.SplitSeq(host, ".") {
		if sigv4RegionRE.MatchString(l) {
			return l
		}
	}
	return ""
}

// sigv4Quoted finds the first 'quoted' word after marker in msg
// ("…, not 'eu-west-1'." → eu-west-1).
func sigv4Quoted(msg, marker string) string {
	_, rest, ok := strings.Cut(msg, marker)
	if !ok {
		return ""
	}
	_, rest, ok = strings.Cut(rest, "'")
	if !ok {
		return ""
	}
	word, _, ok := strings.Cut(rest, "'")
	if !ok || len(word) > 64 {
		return ""
	}
	return word
}

// sigv4Hints explains an AWS authentication error.
func sigv4Hints(in hintInput) []Hint {
	if in.resp.Status < 400 {
		return nil // AWS reports errors with 4xx and 5xx only; a success is not decoded
	}
	e, ok := in.sigv4ResponseError()
	if !ok {
		return nil
	}
	code := strings.TrimSuffix(e.Code, "Exception")
	sent, signed := sigv4ParseSentAuth(in.ex.Request.Header.Get("Authorization"))
	title := func(what string) string { return "AWS " + e.Code + " · " + what }
	quote := ""
	if e.Message != "" {
		quote = "AWS says " + hintQuote(e.Message, 300) + ". "
	}
	lower := strings.ToLower(e.Message)
	switch {
	case code == "RequestTimeTooSkewed" || code == "RequestExpired" || strings.Contains(lower, "signature expired"):
		return []Hint{sigv4ClockHint(in, e, title, quote)}
	case code == "AuthorizationHeaderMalformed" && strings.Contains(lower, "region") ||
		strings.Contains(lower, "scoped to a valid region"):
		return []Hint{sigv4RegionHint(in, e, sent, signed, title, quote)}
	case strings.Contains(lower, "scoped to correct service"):
		want := sigv4Quoted(e.Message, "correct service")
		checks := []string{"Use the service's signing name, which is not always the first label of the host: execute-api for API Gateway, es for OpenSearch, s3 for every S3 endpoint, sts for STS"}
		if want != "" {
			checks = append([]string{fmt.Sprintf("AWS expects the service %q: -c service=%s", want, want)}, checks...)
		}
		if signed {
			checks = append(checks, fmt.Sprintf("You signed for service %q (credential scope %s/%s/%s/%s)", sent.service, sent.day, sent.region, sent.service, sent.terminator))
		}
		return []Hint{{Level: LevelError, Title: title("wrong service in the credential scope"),
			Detail: quote + "The credential scope names the service the signature is for; a key derived for one service never verifies at another.",
			Checks: checks, Ref: sigv4RefElements}}
	case code == "SignatureDoesNotMatch" || code == "InvalidSignature":
		return []Hint{sigv4MismatchHint(in, e, sent, signed, title, quote)}
	case code == "InvalidClientTokenId" || code == "UnrecognizedClient" || code == "InvalidAccessKeyId" || code == "AuthFailure":
		checks := []string{}
		if signed {
			checks = append(checks, fmt.Sprintf("The access key ID sent is %q: compare it with the one in the IAM console (Security credentials) or ~/.aws/credentials", sent.accessKey))
		}
		checks = append(checks,
			"The key was deactivated or deleted in IAM, or belongs to another AWS partition (China and GovCloud keys do not work elsewhere)",
			"Temporary credentials (ASIA… key IDs) need their session token (-c session_token=…), and the token must be the one issued with that key")
		if in.ex.Request.Header.Get(sigv4HeaderToken) != "" {
			checks = append([]string{"A session token was sent: AWS answers this code when the token is not valid for the key (expired, truncated or from other credentials) — refresh the key, secret and token together"}, checks...)
		}
		return []Hint{{Level: LevelError, Title: title("the access key ID (or its token) is not recognised"),
			Detail: quote + "AWS did not get as far as checking the signature: it does not know the access key ID in the Credential, or the session token that goes with it.",
			Checks: checks, Ref: sigv4RefTrouble}}
	case code == "IncompleteSignature" || code == "MissingAuthenticationToken" || code == "MissingAuthenticationTokenException":
		checks := []string{}
		switch s := in.sentAuthScheme(); {
		case s == "":
			checks = append(checks, "No Authorization header was sent: use -a sigv4 with access_key, secret_key, region and service")
		case s != sigv4Algorithm:
			checks = append(checks, fmt.Sprintf("The Authorization header uses %q, not AWS4-HMAC-SHA256: use -a sigv4", s))
		default:
			checks = append(checks, "The Authorization header needs Credential=, SignedHeaders= and Signature=, separated by commas (“Add the signature to the request”)")
		}
		checks = append(checks, "X-Amz-Date (or Date) must be sent and signed, and host must be among the SignedHeaders",
			"A wrong URL (path or API stage) also gives MissingAuthenticationToken at API Gateway and some other endpoints")
		return []Hint{{Level: LevelError, Title: title("the request is not (completely) signed"),
			Detail: quote + "The server found no complete SigV4 signature in the request.",
			Checks: checks, Ref: sigv4RefCreate + ", step 5"}}
	case code == "ExpiredToken":
		return []Hint{{Level: LevelError, Title: title("the session token has expired"),
			Detail: quote + "Temporary credentials (an ASIA… key, its secret and its session token) stop working when they expire: from 15 minutes to 36 hours after they were issued, one hour for most assumed roles.",
			Checks: []string{
				"Get new temporary credentials (aws sts get-session-token, aws sso login, or assume the role again) and replace all three fields together",
				"The expiry is checked against AWS's clock: a local clock that is far off makes fresh credentials look expired",
			}, Ref: "AWS IAM User Guide “Temporary security credentials in IAM”"}}
	case code == "InvalidToken":
		return []Hint{{Level: LevelError, Title: title("the session token is not valid"),
			Detail: quote + "The X-Amz-Security-Token header holds a token AWS cannot use: malformed, truncated, or not issued with this access key.",
			Checks: []string{
				"Copy the session token whole (they are several hundred characters, often with / + =)",
				"A token only works with the ASIA… key ID and the secret issued with it; long-term AKIA… keys take no token",
			}, Ref: "AWS IAM User Guide “Temporary security credentials in IAM”"}}
	case code == "XAmzContentSHA256Mismatch":
		return []Hint{{Level: LevelError, Title: title("the body is not the one that was hashed"),
			Detail: quote + "X-Amz-Content-Sha256 must be the hex SHA-256 of the body as sent (or UNSIGNED-PAYLOAD for S3).",
			Checks: []string{"Do not change the body after signing", "Remove a hand-written X-Amz-Content-Sha256 header and let authlab compute it"},
			Ref:    sigv4RefS3}}
	case code == "AccessDenied":
		if strings.Contains(lower, "not signed") || e.Fields["HeadersNotSigned"] != "" {
			checks := []string{"Every x-amz-* header the request sends, and host, must be in SignedHeaders: set them before signing (authlab signs every header you give with -H)"}
			if h := strings.TrimSpace(e.Fields["HeadersNotSigned"]); h != "" {
				checks = append([]string{fmt.Sprintf("Not signed: %s", hintShorten(h, 200))}, checks...)
			}
			return []Hint{{Level: LevelError, Title: title("headers were sent that are not signed"),
				Detail: quote + "The request carries headers that SigV4 requires to be signed but that are not in SignedHeaders, so they could have been changed on the way.",
				Checks: checks, Ref: sigv4RefCreate + ", step 1"}}
		}
		return []Hint{{Level: LevelError, Title: title("signed correctly, but not allowed"),
			Detail: quote + "The signature and the credentials were accepted: AWS knows who you are. A policy does not allow this action on this resource.",
			Checks: []string{
				"Read the message: it names the principal (arn:aws:iam::…), the action and often which kind of policy denied it",
				"Check the identity's IAM policies, the resource's policy (bucket, key, queue), permissions boundaries and organization SCPs for an Allow of this action and no explicit Deny",
				"Make sure these are the credentials you meant: aws sts get-caller-identity with the same keys shows whose they are",
			}, Ref: "AWS IAM User Guide “Troubleshoot access denied error messages”"}}
	}
	return nil
}

// sigv4ClockHint explains RequestTimeTooSkewed, RequestExpired and
// "Signature expired": the X-Amz-Date sent against the server's clock (its
// Date header, see clockOffset), and the local clock against both.
func sigv4ClockHint(in hintInput, e sigv4AWSError, title func(string) string, quote string) Hint {
	h := Hint{Level: LevelError, Title: title("the request time is too far from AWS's clock"),
		Detail: quote + "SigV4 requests carry their time in X-Amz-Date; AWS refuses them when it is more than 15 minutes from its own clock (5 minutes for some services), so a captured request cannot be replayed.",
		Ref:    sigv4RefTrouble}
	sentAt, err := time.Parse(sigv4DateFormat, in.ex.Request.Header.Get(sigv4HeaderDate))
	off, haveOff := in.clockOffset()
	switch {
	case err == nil && haveOff:
		server := in.now.Add(off)
		skew := sentAt.Sub(server).Round(time.Second)
		dir := "behind"
		if skew > 0 {
			dir = "ahead of"
		} else {
			skew = -skew
		}
		h.Checks = append(h.Checks, fmt.Sprintf("X-Amz-Date was %s, %s %s the server's clock (its Date header: %s)", sentAt.Format(sigv4DateFormat), skew, dir, in.header("Date")))
		local := in.now.Sub(sentAt)
		if off <= time.Minute && off >= -time.Minute && (local > sigv4MaxSkew || local < -sigv4MaxSkew) {
			h.Checks = append(h.Checks, "Your clock agrees with the server's, so the date was not taken from it: remove a pinned date (-c date=…) or stop replaying an old request")
		} else if off > time.Minute || off < -time.Minute {
			h.Checks = append(h.Checks, "The server's clock is "+describeOffset(off)+": synchronise the local clock with NTP (e.g. `timedatectl set-ntp true`)")
		}
	case err == nil:
		h.Checks = append(h.Checks, fmt.Sprintf("X-Amz-Date was %s; compare it with the real UTC time", sentAt.Format(sigv4DateFormat)))
	}
	if rt, st := e.Fields["RequestTime"], e.Fields["ServerTime"]; rt != "" && st != "" {
		h.Checks = append(h.Checks, fmt.Sprintf("AWS reports request time %s, server time %s", hintShorten(strings.TrimSpace(rt), 40), hintShorten(strings.TrimSpace(st), 40)))
	}
	h.Checks = append(h.Checks, "Leave the date field empty so each request is dated when it is sent")
	return h
}

// sigv4RegionHint explains a credential scope with the wrong region.
func sigv4RegionHint(in hintInput, e sigv4AWSError, sent sigv4SentAuth, signed bool, title func(string) string, quote string) Hint {
	want := strings.TrimSpace(e.Fields["Region"])
	if want == "" {
		want = sigv4Quoted(e.Message, "expecting")
	}
	var checks []string
	if want != "" && len(want) <= 64 {
		checks = append(checks, fmt.Sprintf("AWS expects region %q: -c region=%s", want, want))
	} else if r := sigv4HostRegion(in.host()); r != "" && (!signed || r != sent.region) {
		checks = append(checks, fmt.Sprintf("The host name says %s: -c region=%s", r, r))
	}
	if signed {
		if bad := sigv4Quoted(e.Message, "not"); bad != "" && bad != sent.region {
			signed = false // the message names another region than the one we think we sent
		}
	}
	if signed {
		checks = append(checks, fmt.Sprintf("You signed for region %q (credential scope %s/%s/%s/%s)", sent.region, sent.day, sent.region, sent.service, sent.terminator))
	}
	checks = append(checks,
		"The region is part of the endpoint: sts.eu-west-1.amazonaws.com is eu-west-1; global endpoints (iam.amazonaws.com, sts.amazonaws.com, CloudFront, Route 53) sign with us-east-1",
		"For S3, sign with the bucket's region (aws s3api get-bucket-location)")
	return Hint{Level: LevelError, Title: title("wrong region in the credential scope"),
		Detail: quote + "The credential scope (date/region/service/aws4_request) names the region the signature is for; the signing key is derived from it, so a key for another region never verifies.",
		Checks: checks, Ref: sigv4RefElements}
}

// sigv4STSCanonical extracts the canonical request and string to sign that
// the query APIs (STS, IAM) put in a SignatureDoesNotMatch message:
// "…The Canonical String for this request should have been\n'…'\n\nThe
// String-to-Sign should have been\n'…'\n".
func sigv4STSCanonical(msg string) (canonical, sts string) {
	const c1, c2 = "The Canonical String for this request should have been\n'", "The String-to-Sign should have been\n'"
	if _, rest, ok := strings.Cut(msg, c1); ok {
		canonical, _, _ = strings.Cut(rest, "'\n")
	}
	if _, rest, ok := strings.Cut(msg, c2); ok {
		sts, _, _ = strings.Cut(rest, "'")
	}
	return canonical, sts
}

// sigv4MismatchHint explains SignatureDoesNotMatch: what usually differs,
// and what the server's canonical request (when it shows it) says.
func sigv4MismatchHint(in hintInput, e sigv4AWSError, sent sigv4SentAuth, signed bool, title func(string) string, quote string) Hint {
	canonical, sts := e.Fields["CanonicalRequest"], e.Fields["StringToSign"]
	if canonical == "" && sts == "" {
		canonical, sts = sigv4STSCanonical(e.Message)
	}
	msg := e.Message
	if i := strings.Index(msg, "\n"); i >= 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	h := Hint{Level: LevelError, Title: title("AWS computed another signature"),
		Detail: "AWS says " + hintQuote(msg, 200) + ". The server rebuilt the canonical request from what it received and signed it with the secret it holds for this access key ID; the result differs from the signature sent. Compare the server's canonical request and string to sign with the trace's.",
		Ref:    sigv4RefTrouble}
	if msg == "" {
		h.Detail = strings.TrimPrefix(h.Detail, "AWS says “”. ")
	}
	var specific []string
	if lines := strings.Split(sts, "\n"); len(lines) == 4 && signed {
		if want := strings.Join([]string{sent.day, sent.region, sent.service, sent.terminator}, "/"); lines[2] != want {
			specific = append(specific, fmt.Sprintf("The server's credential scope is %s, yours %s: fix the region or service (-c region=…, -c service=…)", hintShorten(lines[2], 100), want))
		}
	}
	if m, _, query, _, sh, payload, ok := sigv4Parts(canonical); ok {
		if m != in.ex.Request.Method {
			specific = append(specific, fmt.Sprintf("The server's canonical request has method %s but %s was sent: a proxy or redirect changed it", hintShorten(m, 20), in.ex.Request.Method))
		}
		if signed && sh != strings.Join(sent.signedHeaders, ";") {
			specific = append(specific, fmt.Sprintf("The server signed headers %q, the request claims %q", hintShorten(sh, 200), hintShorten(strings.Join(sent.signedHeaders, ";"), 200)))
		}
		if payload != sigv4Hash(in.ex.Request.Body) && payload != sigv4Unsigned && in.ex.Request.Header.Get(sigv4HeaderSHA) == "" {
			specific = append(specific, "The server's hashed payload is not the SHA-256 of the body sent: the body was changed after signing (or by the way it was sent)")
		}
		if in.ex.Request.URL != nil && query != in.ex.Request.URL.RawQuery {
			specific = append(specific, fmt.Sprintf("The server's canonical query string is %q, the query sent %q: encode each name and value (space as %%20, never +), sort them, and send the query exactly as signed", hintShorten(query, 200), hintShorten(in.ex.Request.URL.RawQuery, 200)))
		}
		h.Checks = append(h.Checks, "Server's canonical request: "+hintShorten(strings.ReplaceAll(canonical, "\n", "⏎"), 600))
	}
	if sts != "" {
		h.Checks = append(h.Checks, "Server's string to sign: "+hintShorten(strings.ReplaceAll(sts, "\n", "⏎"), 300))
	}
	general := []string{
		"The secret access key is wrong or truncated (the most common cause: the signature is an HMAC keyed by it, so nothing else in the error will differ) — copy it again, 40 characters, no spaces",
		"The region or service in the credential scope is not the endpoint's (-c region=…, -c service=…)",
		"A signed header was changed after signing (a proxy rewriting Host or Content-Type, a header added by hand afterwards)",
		"The query or path is encoded differently from the way it was signed (+ versus %20, an unencoded * or ~ handling, a double-encoded path)",
	}
	if len(specific) > 0 {
		h.Checks = append(specific, append(h.Checks, general[2:]...)...)
	} else {
		h.Checks = append(general, h.Checks...)
	}
	return h
}
