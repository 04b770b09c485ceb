package practice

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Demo credentials of /aws: the example key pair of AWS's own documentation
// and SigV4 test suite, scoped to region us-east-1 and service "authlab".
const (
	DemoAWSAccessKey = "AKIDEXAMPLE"
	DemoAWSSecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	DemoAWSRegion    = "us-east-1"
	DemoAWSService   = "authlab"
	// DemoAWSSessionToken is the one session token /aws accepts (sent as
	// X-Amz-Security-Token and signed, with the demo key pair); the caller
	// is then an assumed role. The practice server does not tie the token
	// to an ASIA… key as AWS does, so that one key pair serves both cases.
	DemoAWSSessionToken = "demo-aws-session-token"
	// DemoAWSExpiredSessionToken always gets ExpiredToken.
	DemoAWSExpiredSessionToken = "demo-aws-expired-session-token"
	// DemoAWSAccount is the account of the demo identity (AWS's example
	// account number).
	DemoAWSAccount = "123456789012"
)

// sigv4MaxSkew is how far X-Amz-Date may be from the server's clock.
const sigv4MaxSkew = 15 * time.Minute

// sigv4AmzDate is the X-Amz-Date layout (ISO 8601 basic format, UTC).
const sigv4AmzDate = "20060102T150405Z"

func registerAWS(mux *http.ServeMux, s *Server) {
	s.handle(mux, "/aws", "sigv4",
		"AWS SigV4-style (any method): AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, region us-east-1, service authlab; optional session token demo-aws-session-token; DELETE is signed fine but denied by policy", s.awsHandler)
}

// sigv4Error is an AWS error body in the REST-XML form (as S3 writes it):
// Code and Message, and for SignatureDoesNotMatch what the server computed.
type sigv4Error struct {
	status  int // HTTP status
	Code    string
	Message string
	// Extra children of <Error>, in order (AWSAccessKeyId, StringToSign,
	// SignatureProvided, CanonicalRequest, Region, HeadersNotSigned,
	// RequestTime, ServerTime, MaxAllowedSkewMilliseconds).
	Extra [][2]string
}

// sigv4XMLText escapes s as XML character data: & < > escaped, CR kept as a
// reference, and what XML 1.0 cannot hold (other control characters,
// invalid UTF-8) replaced by U+FFFD. Quotes and newlines stay as they are,
// as AWS writes them, so the raw body stays readable.
func sigv4XMLText(b *strings.Builder, s string) {
	for i, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\xef\xbf\xbd"),
			r < 0x20 && r != '\t' && r != '\n', r == 0xFFFE, r == 0xFFFF:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
}

// body renders e as an XML document.
func (e sigv4Error) body(requestID string) []byte {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString("<Error>")
	for _, f := range append([][2]string{{"Code", e.Code}, {"Message", e.Message}}, append(e.Extra, [2]string{"RequestId", requestID})...) {
		b.WriteString("<" + f[0] + ">")
		sigv4XMLText(&b, f[1])
		b.WriteString("</" + f[0] + ">")
	}
	b.WriteString("</Error>")
	return []byte(b.String())
}

// sigv4Identity is the 200 body: who the signature says the caller is, in
// the shape of STS GetCallerIdentity.
type sigv4Identity struct {
	Account       string `json:"Account"`
	Arn           string `json:"Arn"`
	UserID        string `json:"UserId"`
	Method        string `json:"Method"`
	Path          string `json:"Path"`
	SignedHeaders string `json:"SignedHeaders"`
	Message       string `json:"Message"`
}

// sigv4Fail answers e in AWS's XML shape.
func (s *Server) sigv4Fail(w http.ResponseWriter, r *http.Request, tr *ServerTrace, e sigv4Error) {
	if tr.Verdict == "" {
		tr.Verdict = e.Code
	}
	sum := sha256.Sum256([]byte(s.now().String() + r.Header.Get("Authorization")))
	id := strings.ToUpper(hex.EncodeToString(sum[:8]))
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("X-Amzn-Requestid", id)
	s.finish(w, r, tr, e.status)
	w.WriteHeader(e.status)
	w.Write(e.body(id))
}

// awsHandler verifies a SigV4-signed request (Authorization header) in the
// order an AWS service checks it: the header's form, the date, the access
// key, the credential scope, the clock, the signed headers, the session
// token, the payload hash and the signature; then applies the demo policy
// (everything but DELETE is allowed).
func (s *Server) awsHandler(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "sigv4")
	now := s.now().UTC()
	// The response's Date is the practice server's clock (its Options.Now),
	// which is the clock X-Amz-Date is checked against.
	w.Header().Set("Date", now.Format(http.TimeFormat))
	add(tr, "server time", now.Format(sigv4AmzDate))
	fail := func(status int, code, msg string) sigv4Error {
		return sigv4Error{status: status, Code: code, Message: msg}
	}

	body, err := readBody(w, r)
	if err != nil {
		tr.Verdict = "the body could not be read"
		s.sigv4Fail(w, r, tr, fail(http.StatusBadRequest, "IncompleteBody", "The request body could not be read (at most 1 MiB is accepted)."))
		return
	}
	authz := r.Header.Get("Authorization")
	if authz == "" {
		msg := "Missing Authentication Token"
		if r.URL.Query().Get("X-Amz-Signature") != "" || r.URL.Query().Get("X-Amz-Algorithm") != "" {
			msg += ": this practice endpoint verifies the Authorization header only, not presigned (query-string) requests"
		}
		tr.Verdict = "no Authorization header (MissingAuthenticationToken)"
		s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "MissingAuthenticationToken", msg))
		return
	}
	a, problem := sigv4ParseAuth(authz)
	if problem != "" {
		tr.Verdict = "malformed Authorization header (IncompleteSignature)"
		s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "IncompleteSignature", problem))
		return
	}
	add(tr, "access key ID", a.accessKey)
	add(tr, "region", a.region)
	add(tr, "service", a.service)
	add(tr, "signed headers", a.signedHeaders)

	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		tr.Verdict = "no X-Amz-Date (IncompleteSignature)"
		s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "IncompleteSignature", "Authorization header requires existence of a 'X-Amz-Date' header (this practice endpoint does not take 'Date' instead)."))
		return
	}
	add(tr, "X-Amz-Date", amzDate)
	when, err := time.Parse(sigv4AmzDate, amzDate)
	if err != nil {
		tr.Verdict = "X-Amz-Date is not ISO 8601 basic format (IncompleteSignature)"
		s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "IncompleteSignature", "Date must be in ISO-8601 'basic format'. Got '"+sigv4Clip(amzDate, 40)+"'. See http://en.wikipedia.org/wiki/ISO_8601"))
		return
	}
	if a.accessKey != DemoAWSAccessKey {
		tr.Verdict = "unknown access key ID (InvalidClientTokenId)"
		s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid."))
		return
	}
	scope := strings.Join([]string{a.day, a.region, a.service, a.terminator}, "/")
	add(tr, "credential scope", scope)
	switch {
	case a.day != amzDate[:8]:
		tr.Verdict = "credential scope date is not the X-Amz-Date day (SignatureDoesNotMatch)"
		s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "SignatureDoesNotMatch",
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"+sigv4Clip(a.day, 20)+"' != '"+amzDate[:8]+"', from '"+amzDate+"'."))
		return
	case a.region != DemoAWSRegion:
		tr.Verdict = "wrong region in the credential scope (SignatureDoesNotMatch)"
		e := fail(http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped to a valid region, not '"+sigv4Clip(a.region, 40)+"'. ")
		e.Extra = [][2]string{{"Region", DemoAWSRegion}}
		s.sigv4Fail(w, r, tr, e)
		return
	case a.service != DemoAWSService:
		tr.Verdict = "wrong service in the credential scope (SignatureDoesNotMatch)"
		s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped to correct service: '"+DemoAWSService+"'. "))
		return
	case a.terminator != "aws4_request":
		tr.Verdict = "wrong credential scope terminator (SignatureDoesNotMatch)"
		s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped with a valid terminator: 'aws4_request', not '"+sigv4Clip(a.terminator, 40)+"'. "))
		return
	}
	if d := now.Sub(when); d > sigv4MaxSkew || d < -sigv4MaxSkew {
		tr.Verdict = "X-Amz-Date is more than 15 minutes from the server's clock (RequestTimeTooSkewed)"
		e := fail(http.StatusForbidden, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
		e.Extra = [][2]string{{"RequestTime", amzDate}, {"ServerTime", now.Format(time.RFC3339)},
			{"MaxAllowedSkewMilliseconds", strconv.FormatInt(sigv4MaxSkew.Milliseconds(), 10)}}
		s.sigv4Fail(w, r, tr, e)
		return
	}

	names := strings.Split(a.signedHeaders, ";")
	has := func(n string) bool {
		for _, x := range names {
			if x == n {
				return true
			}
		}
		return false
	}
	if !has("host") {
		tr.Verdict = "host is not signed (IncompleteSignature)"
		s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "IncompleteSignature", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."))
		return
	}
	var unsigned []string
	for k := range r.Header {
		if l := strings.ToLower(k); strings.HasPrefix(l, "x-amz-") && !has(l) {
			unsigned = append(unsigned, l)
		}
	}
	if len(unsigned) > 0 {
		slices.Sort(unsigned)
		tr.Verdict = "x-amz-* headers sent but not signed (AccessDenied)"
		e := fail(http.StatusForbidden, "AccessDenied", "There were headers present in the request which were not signed")
		e.Extra = [][2]string{{"HeadersNotSigned", strings.Join(unsigned, ", ")}}
		s.sigv4Fail(w, r, tr, e)
		return
	}
	token := r.Header.Get("X-Amz-Security-Token")
	if token != "" {
		add(tr, "session token length", length(token))
		switch {
		case equal(token, DemoAWSExpiredSessionToken):
			tr.Verdict = "session token expired (ExpiredToken)"
			s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "ExpiredToken", "The provided token has expired."))
			return
		case !equal(token, DemoAWSSessionToken):
			tr.Verdict = "unknown session token (InvalidToken)"
			s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "InvalidToken", "The provided token is malformed or otherwise invalid."))
			return
		}
	}

	computed := sigv4Hex(body)
	payload := computed
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
		if h != "UNSIGNED-PAYLOAD" && h != computed {
			tr.Verdict = "X-Amz-Content-Sha256 is not the SHA-256 of the body (XAmzContentSHA256Mismatch)"
			s.sigv4Fail(w, r, tr, fail(http.StatusBadRequest, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."))
			return
		}
		payload = h
	}
	add(tr, "secret key length", length(DemoAWSSecretKey))
	c := sigv4Compute(r, a, amzDate, payload, DemoAWSSecretKey)
	add(tr, "HTTP method", c.method)
	add(tr, "canonical URI", c.uri)
	add(tr, "canonical query string", c.query)
	// The session token is a credential: it is shown by its length only.
	hide := func(v string) string { return v }
	if token != "" {
		hide = strings.NewReplacer("x-amz-security-token:"+token, "x-amz-security-token:<session token, "+length(token)+" characters>").Replace
	}
	shownCanonical := hide(c.canonical)
	add(tr, "canonical headers", hide(strings.TrimSuffix(c.headers, "\n")))
	add(tr, "hashed payload", c.payload)
	add(tr, "canonical request", shownCanonical)
	add(tr, "hashed canonical request", c.hashed)
	add(tr, "string to sign", c.stringToSign)
	add(tr, "signature", c.signature)
	add(tr, "received signature", a.signature)
	if !equal(a.signature, c.signature) {
		tr.Verdict = "signature mismatch (SignatureDoesNotMatch)"
		e := fail(http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
		e.Extra = [][2]string{{"AWSAccessKeyId", a.accessKey}, {"StringToSign", c.stringToSign},
			{"SignatureProvided", sigv4Clip(a.signature, 100)}, {"CanonicalRequest", shownCanonical}}
		s.sigv4Fail(w, r, tr, e)
		return
	}

	arn, user := "arn:aws:iam::"+DemoAWSAccount+":user/demo", "AIDAEXAMPLEDEMOUSER"
	if token != "" {
		arn, user = "arn:aws:sts::"+DemoAWSAccount+":assumed-role/demo-role/authlab-session", "AROAEXAMPLEDEMOROLE:authlab-session"
	}
	if r.Method == http.MethodDelete {
		tr.Verdict = "signature ok, but the demo policy denies DELETE (AccessDenied)"
		s.sigv4Fail(w, r, tr, fail(http.StatusForbidden, "AccessDenied",
			"User: "+arn+" is not authorized to perform: authlab:Delete on resource: arn:aws:authlab:"+DemoAWSRegion+":"+DemoAWSAccount+":/aws because no identity-based policy allows the authlab:Delete action"))
		return
	}
	tr.Verdict = "ok"
	s.finish(w, r, tr, http.StatusOK)
	writeJSON(w, http.StatusOK, sigv4Identity{
		Account: DemoAWSAccount, Arn: arn, UserID: user,
		Method: r.Method, Path: r.URL.Path, SignedHeaders: a.signedHeaders,
		Message: "SigV4 signature verified",
	})
}
