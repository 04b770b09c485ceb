package authn

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// EdgeGrid signing (EG1-HMAC-SHA256), as Akamai's libraries implement it
// (akamai/AkamaiOPEN-edgegrid-python edgegrid.py, EdgeGridAuthHeaders;
// akamai/AkamaiOPEN-edgegrid-node src/helpers.js) and Akamai's page
// “Authenticate with EdgeGrid” specifies it:
//
//	signing key  = base64(HMAC-SHA256(key = client secret, data = timestamp))
//	auth prefix  = "EG1-HMAC-SHA256 client_token=…;access_token=…;timestamp=…;nonce=…;"
//	data to sign = method \t scheme \t host \t path?query \t canonical headers \t content hash \t auth prefix
//	signature    = base64(HMAC-SHA256(key = signing key, data = data to sign))
//
// The signing key is used as the base64 text itself, not its decoded bytes,
// and the client secret as its UTF-8 text: both libraries do so.

// edgegridAlgorithm is the signing algorithm moniker that starts the
// Authorization header.
const edgegridAlgorithm = "EG1-HMAC-SHA256"

// edgegridTimeFormat is the timestamp layout, yyyyMMddTHH:mm:ss+0000 (UTC).
const edgegridTimeFormat = "20060102T15:04:05+0000"

// edgegridDefaultMaxBody is the default of max_body in Akamai's libraries:
// at most this many bytes of a POST body are hashed.
const edgegridDefaultMaxBody = 131072

// edgegridInput is everything one signature depends on.
type edgegridInput struct {
	method    string // as sent; upper-cased for signing
	scheme    string // "https"
	host      string // the Host header when set, else the URL's host[:port]
	pathQuery string // the path as sent, then ?query when there is one
	header    http.Header
	body      []byte

	clientToken, clientSecret, accessToken string
	headersToSign                          []string // lower case, in the order given
	maxBody                                int
	timestamp, nonce                       string
}

// edgegridSigned is a signature and every intermediate value, for the trace.
type edgegridSigned struct {
	authPrefix    string // the Authorization value before signature=
	canonHeaders  string // name:value of the headers to sign, tab-separated
	signedNames   []string
	hashedBytes   int    // how many body bytes the content hash covers
	contentHash   string // base64 SHA-256 of those bytes; "" unless a POST with a body
	dataToSign    string
	signingKey    string
	signature     string
	authorization string
}

// edgegridSign computes the signature of in.
func edgegridSign(in edgegridInput) edgegridSigned {
	var s edgegridSigned
	s.authPrefix = edgegridAlgorithm + " client_token=" + in.clientToken + ";access_token=" + in.accessToken +
		";timestamp=" + in.timestamp + ";nonce=" + in.nonce + ";"
	s.canonHeaders, s.signedNames = edgegridCanonicalHeaders(in.header, in.headersToSign)
	method := strings.ToUpper(in.method)
	if method == http.MethodPost && len(in.body) > 0 && in.maxBody > 0 {
		b := in.body
		if len(b) > in.maxBody {
			b = b[:in.maxBody]
		}
		sum := sha256.Sum256(b)
		s.hashedBytes, s.contentHash = len(b), base64.StdEncoding.EncodeToString(sum[:])
	}
	s.dataToSign = strings.Join([]string{method, strings.ToLower(in.scheme), in.host, in.pathQuery,
		s.canonHeaders, s.contentHash, s.authPrefix}, "\t")
	s.signingKey = edgegridHMAC(in.clientSecret, in.timestamp)
	s.signature = edgegridHMAC(s.signingKey, s.dataToSign)
	s.authorization = s.authPrefix + "signature=" + s.signature
	return s
}

// edgegridCanonicalHeaders renders the headers to sign that the request
// has, in the order they are listed: lower-case name, ":", the value
// trimmed with every inner run of white space made one space; joined by
// tabs. Listed headers the request lacks are left out, as both libraries
// do. names returns the ones included.
func edgegridCanonicalHeaders(h http.Header, toSign []string) (canon string, names []string) {
	parts := make([]string, 0, len(toSign))
	for _, name := range toSign {
		vs := h.Values(name)
		if len(vs) == 0 {
			continue
		}
		parts = append(parts, name+":"+strings.Join(strings.Fields(vs[0]), " "))
		names = append(names, name)
	}
	return strings.Join(parts, "\t"), names
}

// edgegridHMAC is base64(HMAC-SHA256(key, data)).
func edgegridHMAC(key, data string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(data))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// edgegridPathQuery is the path and query of u as they are sent.
func edgegridPathQuery(path, rawQuery string) string {
	if path == "" {
		path = "/"
	}
	if rawQuery != "" {
		path += "?" + rawQuery
	}
	return path
}
