package practice

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// This file verifies AWS Signature Version 4 requests the way an AWS service
// does, written from the IAM User Guide page “Create a signed AWS API
// request” alone and independently of authn (which signs with the AWS SDK),
// so that it accepts what any conforming client sends: curl --aws-sigv4,
// the SDKs, botocore.

// sigv4Auth is a parsed AWS4-HMAC-SHA256 Authorization header (“Add the
// signature to the request”):
//
//	AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa0…
type sigv4Auth struct {
	algorithm     string
	credential    string // as sent
	accessKey     string
	day           string // YYYYMMDD
	region        string
	service       string
	terminator    string // aws4_request
	signedHeaders string // as sent
	signature     string // lower-case hex, as sent
}

// sigv4ParseAuth parses an Authorization value. The components may come in
// any order, with or without a space after each comma. problem is "" on
// success, or the message an AWS service would answer with
// IncompleteSignature.
func sigv4ParseAuth(v string) (a sigv4Auth, problem string) {
	v = strings.TrimSpace(v)
	alg, rest, _ := strings.Cut(v, " ")
	a.algorithm = alg
	if alg != "AWS4-HMAC-SHA256" {
		return a, "Unsupported AWS 'algorithm': '" + sigv4Clip(alg, 40) + "'. Use AWS4-HMAC-SHA256."
	}
	var haveCred, haveSigned, haveSig bool
	for part := range strings.SplitSeq(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return a, "Authorization header requires each component to be name=value; got '" + sigv4Clip(part, 60) + "'."
		}
		switch k {
		case "Credential":
			a.credential, haveCred = val, true
		case "SignedHeaders":
			a.signedHeaders, haveSigned = val, true
		case "Signature":
			a.signature, haveSig = val, true
		}
	}
	var missing []string
	if !haveCred {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if !haveSigned {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	if !haveSig {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	if len(missing) > 0 {
		return a, strings.Join(missing, " ")
	}
	f := strings.Split(a.credential, "/")
	if len(f) != 5 {
		return a, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + sigv4Clip(a.credential, 120) + "'"
	}
	a.accessKey, a.day, a.region, a.service, a.terminator = f[0], f[1], f[2], f[3], f[4]
	return a, ""
}

// sigv4Clip shortens untrusted text that goes back into an error message.
func sigv4Clip(s string, n int) string {
	if len(s) > n {
		s = s[:n] + "…"
	}
	return oneLine(s)
}

// sigv4URIEncode percent-encodes every byte of s except the unreserved
// characters A–Z a–z 0–9 - . _ ~ (and "/" when keepSlash), with upper-case
// hex (“Create a signed AWS API request”, step 1: UriEncode).
func sigv4URIEncode(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~', c == '/' && keepSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

// sigv4CanonicalURI is the canonical URI of the path as it arrived
// (percent-encoded) for service (“Create a signed AWS API request”, step 1).
// Every service but S3 normalises the path (sigv4NormalizePath) and
// URI-encodes it once more, so each segment is encoded twice; S3 takes the
// path as it arrived. An empty path is "/".
func sigv4CanonicalURI(escapedPath, service string) string {
	if escapedPath == "" {
		escapedPath = "/"
	}
	if service == "s3" || service == "s3-object-lambda" {
		return escapedPath
	}
	return sigv4URIEncode(sigv4NormalizePath(escapedPath), true)
}

// sigv4NormalizePath removes what the path of an AWS request may carry
// without changing the resource (the IAM User Guide: “Normalize URI paths
// according to RFC 3986. Remove redundant and relative path components”;
// the SigV4 test suite's normalize-path cases): empty and "." segments go,
// ".." removes the segment before it (never above the root), and a final
// "/" stays. GET /example/.. signs "/", //example// signs "/example/".
// It works on the encoded path, so %2E is not a dot.
func sigv4NormalizePath(p string) string {
	var segs []string
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if n := len(segs); n > 0 {
				segs = segs[:n-1]
			}
		default:
			segs = append(segs, seg)
		}
	}
	out := "/" + strings.Join(segs, "/")
	if len(segs) > 0 && strings.HasSuffix(p, "/") {
		out += "/"
	}
	return out
}

// sigv4CanonicalQuery builds the canonical query string from a raw query:
// each name and value decoded (a + is a space, as the SDKs write it), then
// URI-encoded, the pairs sorted by encoded name and then value, a name
// without "=" given an empty value.
func sigv4CanonicalQuery(raw string) string {
	type pair struct{ k, v string }
	var ps []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if d, err := url.QueryUnescape(k); err == nil {
			k = d
		}
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		ps = append(ps, pair{sigv4URIEncode(k, false), sigv4URIEncode(v, false)})
	}
	slices.SortFunc(ps, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.k + "=" + p.v
	}
	return strings.Join(out, "&")
}

// sigv4Trimall trims a header value and makes each run of spaces one space.
func sigv4Trimall(v string) string {
	return strings.Join(strings.Fields(strings.TrimSpace(v)), " ")
}

// sigv4CanonicalHeaders renders the signed headers of r as canonical header
// lines (lower-case name, ":", values trimmed and joined by ",", "\n").
// host is r.Host; a signed header that is absent gets an empty value.
func sigv4CanonicalHeaders(r *http.Request, names []string) string {
	var b strings.Builder
	for _, n := range names {
		var vals []string
		switch n {
		case "host":
			vals = []string{r.Host}
		case "content-length":
			vals = r.Header.Values("Content-Length")
			if len(vals) == 0 && r.ContentLength >= 0 {
				vals = []string{strconv.FormatInt(r.ContentLength, 10)}
			}
		default:
			vals = r.Header.Values(n)
		}
		for i, v := range vals {
			vals[i] = sigv4Trimall(v)
		}
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strings.Join(vals, ","))
		b.WriteByte('\n')
	}
	return b.String()
}

// sigv4HMAC is HMAC-SHA256(key, data).
func sigv4HMAC(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// sigv4Hex is the lower-case hex SHA-256 of b.
func sigv4Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sigv4Computed is what the server computes for one request.
type sigv4Computed struct {
	method, uri, query, headers, signed, payload string
	canonical, hashed, scope, stringToSign       string
	signature                                    string
}

// sigv4Compute rebuilds the canonical request (step 1), hashes it (step 2),
// builds the string to sign (step 3) and signs it with the key derived from
// secret (step 4). payload is the hashed payload to use; names are the
// signed header names as sent.
func sigv4Compute(r *http.Request, a sigv4Auth, amzDate, payload, secret string) sigv4Computed {
	names := strings.Split(a.signedHeaders, ";")
	c := sigv4Computed{
		method:  r.Method,
		uri:     sigv4CanonicalURI(r.URL.EscapedPath(), a.service),
		query:   sigv4CanonicalQuery(r.URL.RawQuery),
		headers: sigv4CanonicalHeaders(r, names),
		signed:  a.signedHeaders,
		payload: payload,
	}
	c.canonical = strings.Join([]string{c.method, c.uri, c.query, c.headers, c.signed, c.payload}, "\n")
	c.hashed = sigv4Hex([]byte(c.canonical))
	c.scope = strings.Join([]string{a.day, a.region, a.service, a.terminator}, "/")
	c.stringToSign = strings.Join([]string{"AWS4-HMAC-SHA256", amzDate, c.scope, c.hashed}, "\n")
	k := sigv4HMAC([]byte("AWS4"+secret), a.day)
	k = sigv4HMAC(k, a.region)
	k = sigv4HMAC(k, a.service)
	k = sigv4HMAC(k, "aws4_request")
	c.signature = hex.EncodeToString(sigv4HMAC(k, c.stringToSign))
	return c
}
