package authn

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

// This file holds the signing machinery of the sigv4 scheme, free of
// tracing. The signature itself is made by the AWS SDK for Go v2's signer
// (aws/signer/v4), which is the authority on what AWS accepts; the canonical
// request and the string to sign are captured from its LogSigning output,
// and the signing-key derivation is recomputed here only to show its
// intermediate keys, checked against the SDK's signature before anything is
// sent. sigv4.go drives it and writes the trace.

// Constants of AWS Signature Version 4 (IAM User Guide, “Elements of an AWS
// API request signature” and “Create a signed AWS API request”).
const (
	sigv4Algorithm   = "AWS4-HMAC-SHA256"
	sigv4DateFormat  = "20060102T150405Z" // X-Amz-Date, ISO 8601 basic format, UTC
	sigv4DayFormat   = "20060102"         // the date of the credential scope
	sigv4Terminator  = "aws4_request"
	sigv4EmptyHash   = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" // SHA-256 of no bytes
	sigv4Unsigned    = "UNSIGNED-PAYLOAD"
	sigv4MaxSkew     = 15 * time.Minute // AWS refuses a request whose X-Amz-Date is further off
	sigv4HeaderDate  = "X-Amz-Date"
	sigv4HeaderToken = "X-Amz-Security-Token"
	sigv4HeaderSHA   = "X-Amz-Content-Sha256"
)

// sigv4Input is everything one signature depends on.
type sigv4Input struct {
	method    string
	url       *url.URL
	host      string // a Host header that replaces the URL's authority ("" = none)
	header    http.Header
	body      []byte
	accessKey string
	secretKey string
	token     string // session token of temporary credentials ("" = none)
	region    string
	service   string
	when      time.Time
	s3        bool // Amazon S3 rules: path escaped once, X-Amz-Content-Sha256 sent
}

// sigv4Signed is the outcome of each step of the signing process.
type sigv4Signed struct {
	payloadHash       string // hex SHA-256 of the body, or the X-Amz-Content-Sha256 the caller set
	payloadFromHeader bool   // payloadHash came from the caller's X-Amz-Content-Sha256 header
	amzDate           string // X-Amz-Date
	scope             string // date/region/service/aws4_request
	canonical         string // the canonical request, as the SDK built it
	hashedCanonical   string // hex SHA-256 of canonical
	stringToSign      string // as the SDK built it
	kSecret           []byte // "AWS4" + secret key
	kDate, kRegion    []byte
	kService, kSign   []byte
	signature         string // hex HMAC-SHA256(kSign, stringToSign)
	authorization     string // the Authorization header value
	header            http.Header
	rawQuery          string // the query as signed (canonical form), to be sent as it is
	host              string // the host as signed (default port removed)
	// sentPath is the path as it goes on the wire when the canonical URI
	// was built from its normalised form (sigv4NormalizePath), else "".
	sentPath string
}

// sigv4Log captures the canonical request and the string to sign from the
// SDK signer's LogSigning message (logSignInfoMsg: its first two arguments).
// It is used for one signature only.
type sigv4Log struct {
	canonical, stringToSign string
	seen                    bool
}

func (l *sigv4Log) Logf(_ logging.Classification, format string, v ...any) {
	if !strings.Contains(format, "CANONICAL STRING") || len(v) < 2 {
		return
	}
	c, ok1 := v[0].(string)
	s, ok2 := v[1].(string)
	if ok1 && ok2 {
		l.canonical, l.stringToSign, l.seen = c, s, true
	}
}

// sigv4HMAC is HMAC-SHA256(key, data).
func sigv4HMAC(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// sigv4Hash is the lower-case hex SHA-256 of b.
func sigv4Hash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sigv4Sign signs in with the SDK's signer and returns every intermediate
// value. It does not change in.header or in.url.
//
// Content-Length is not signed: the SDK signs it when the request declares a
// length, but the hashed payload already binds every byte of the body, AWS's
// published test suite signs a form body with content-type;host;x-amz-date
// only (post-x-www-form-urlencoded), and curl does not sign it either.
func sigv4Sign(in sigv4Input) (*sigv4Signed, error) {
	if _, err := url.ParseQuery(in.url.RawQuery); err != nil {
		return nil, &InputError{Problem: fmt.Sprintf("the query string cannot be signed: %v", err),
			Fix: "percent-encode the offending character (a ; is %3B) so every parameter is name=value joined by &"}
	}
	out := &sigv4Signed{amzDate: in.when.UTC().Format(sigv4DateFormat)}
	hdr := in.header.Clone()
	if hdr == nil {
		hdr = http.Header{}
	}
	hdr.Del("Host")
	if v := hdr.Get(sigv4HeaderSHA); v != "" {
		out.payloadHash, out.payloadFromHeader = strings.TrimSpace(v), true
	} else {
		out.payloadHash = sigv4Hash(in.body)
		if in.s3 {
			hdr.Set(sigv4HeaderSHA, out.payloadHash)
		}
	}
	u := *in.url
	if !in.s3 {
		// Every service but S3 signs the normalised path; the request is
		// still sent with the path as typed (the service normalises it the
		// same way before it checks the signature). The SDK's signer does
		// not normalise, so it is given the normalised path as the opaque
		// part of its copy of the URL, which it takes as the escaped path.
		if p := sigv4WirePath(&u); sigv4NormalizePath(p) != p {
			out.sentPath = p
			u.Opaque = sigv4NormalizePath(p)
		}
	}
	method := strings.ToUpper(in.method)
	if method == "" {
		method = http.MethodGet
	}
	req := &http.Request{Method: method, URL: &u, Header: hdr, Host: in.host}
	var log sigv4Log
	// A new signer for every signature: the SDK caches derived keys by
	// access key, region, service and day, not by secret, so a shared
	// signer would keep signing with a secret the user has since corrected.
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		o.Logger = &log
		o.LogSigning = true
		o.DisableURIPathEscaping = in.s3 // S3 escapes the path once, every other service twice
	})
	creds := aws.Credentials{AccessKeyID: in.accessKey, SecretAccessKey: in.secretKey, SessionToken: in.token}
	if err := signer.SignHTTP(context.Background(), creds, req, out.payloadHash, in.service, in.region, in.when.UTC()); err != nil {
		return nil, fmt.Errorf("sigv4: the AWS SDK signer failed: %w", err)
	}
	if !log.seen {
		return nil, fmt.Errorf("sigv4: the AWS SDK signer did not report its canonical request")
	}
	out.canonical, out.stringToSign = log.canonical, log.stringToSign
	out.hashedCanonical = sigv4Hash([]byte(out.canonical))
	out.scope = strings.Join([]string{in.when.UTC().Format(sigv4DayFormat), in.region, in.service, sigv4Terminator}, "/")
	out.authorization = req.Header.Get("Authorization")
	out.header = req.Header
	out.rawQuery = req.URL.RawQuery
	out.host = req.Host
	if out.host == "" {
		out.host = req.URL.Host
	}

	// The signing key (“Create a signed AWS API request”, step 4).
	out.kSecret = []byte("AWS4" + in.secretKey)
	out.kDate = sigv4HMAC(out.kSecret, in.when.UTC().Format(sigv4DayFormat))
	out.kRegion = sigv4HMAC(out.kDate, in.region)
	out.kService = sigv4HMAC(out.kRegion, in.service)
	out.kSign = sigv4HMAC(out.kService, sigv4Terminator)
	out.signature = hex.EncodeToString(sigv4HMAC(out.kSign, out.stringToSign))

	_, sdkSig, ok := strings.Cut(out.authorization, "Signature=")
	if !ok || sdkSig != out.signature {
		return nil, fmt.Errorf("sigv4: internal error: the signature recomputed from the SDK's string to sign differs from the SDK's")
	}
	if want := strings.Join([]string{sigv4Algorithm, out.amzDate, out.scope, out.hashedCanonical}, "\n"); want != out.stringToSign {
		return nil, fmt.Errorf("sigv4: internal error: the SDK's string to sign is not the hash of its canonical request")
	}
	return out, nil
}

// sigv4WirePath is the path of u as it goes on the wire, percent-encoded:
// the opaque part when there is one (up to a query), else the escaped path;
// "/" when empty. It is what the SDK's signer reads (GetURIPath).
func sigv4WirePath(u *url.URL) string {
	p := u.EscapedPath()
	if u.Opaque != "" {
		p, _, _ = strings.Cut(u.Opaque, "?")
		if rest, ok := strings.CutPrefix(p, "//"); ok { // "//host/path"
			p = ""
			if i := strings.IndexByte(rest, '/'); i >= 0 {
				p = rest[i:]
			}
		}
	}
	if p == "" {
		return "/"
	}
	return p
}

// sigv4NormalizePath is the canonical URI's path normalisation of every
// service but S3 (“Create a signed AWS API request”, step 1: “Normalize URI
// paths according to RFC 3986. Remove redundant and relative path
// components”; the test suite's normalize-path cases): the path is split at
// "/", empty and "." segments are dropped, ".." removes the segment before
// it (never above the root), and the rest is joined behind one "/", ending
// in "/" when p did. So /example/.. is /, /./example is /example and
// //example// is /example/. It works on the encoded path as sent: %2E is
// not a dot. This is what botocore (remove_dot_segments) and the AWS CRT
// (aws-c-auth's s_append_normalized_path) do.
func sigv4NormalizePath(p string) string {
	var segs []string
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
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

// sigv4Parts splits a canonical request into its six parts (“Create a signed
// AWS API request”, step 1): method, canonical URI, canonical query string,
// canonical headers (one name:value line each), signed headers, hashed
// payload. ok is false when c does not have that shape.
func sigv4Parts(c string) (method, uri, query string, headers []string, signed, payload string, ok bool) {
	lines := strings.Split(c, "\n")
	if len(lines) < 6 {
		return "", "", "", nil, "", "", false
	}
	n := len(lines)
	if lines[n-3] != "" { // the blank line that ends the canonical headers
		return "", "", "", nil, "", "", false
	}
	return lines[0], lines[1], lines[2], lines[3 : n-3], lines[n-2], lines[n-1], true
}
