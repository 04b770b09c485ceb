package practice

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/authlab/authlab/authn"
)

// Demo credentials of /edgegrid/: an API client's client token, client
// secret and access token, in the shapes Akamai issues (akab-… tokens, a
// 44-character base64 secret). Public, the same in every classroom.
const (
	DemoEdgeGridClientToken  = "akab-demo-client-token-authlab-practice"
	DemoEdgeGridClientSecret = "ZGVtby1lZGdlZ3JpZC1jbGllbnQtc2VjcmV0LTAwMDA="
	DemoEdgeGridAccessToken  = "akab-demo-access-token-authlab-practice"
)

// Rules of the /edgegrid/ endpoints, as Akamai's API gateway applies them.
const (
	// edgegridMaxSkew is how far the timestamp may be from the server's
	// clock. Akamai publishes no figure; about 30 s is what users of its
	// libraries report (see authn's edgegridSkew).
	edgegridMaxSkew = 30 * time.Second
	// edgegridMaxBody is the max_body of the demo API: a POST body is
	// hashed up to this many bytes (Akamai's default, 131072).
	edgegridMaxBody = 131072
	// capEdgeGrid is the body cap of POST /edgegrid/: twice max_body, so
	// that a body longer than max_body arrives and shows that only its
	// first max_body bytes are signed.
	capEdgeGrid = 2 * edgegridMaxBody
	// edgegridNonces bounds the nonces remembered per client.
	edgegridNonces = 2000
	// edgegridTime is the timestamp layout yyyyMMddTHH:mm:ss+0000.
	edgegridTime = "20060102T15:04:05+0000"
	// edgegridMoniker starts the Authorization header.
	edgegridMoniker = "EG1-HMAC-SHA256"
	// edgegridDeny is the problem type of the gateway's refusals.
	edgegridDeny = "https://problems.luna.akamaiapis.net/-/pep-authn/deny"
)

// edgegridHeadersPrefix is the part of the API whose requests must sign
// X-Test1, X-Test2 and X-Test3 (the headers_to_sign of Akamai's own test
// data); elsewhere under /edgegrid/ no header is signed, as most Akamai
// APIs ask.
const edgegridHeadersPrefix = "/edgegrid/headers"

// edgegridSignedHeaders are the headers_to_sign of edgegridHeadersPrefix.
var edgegridSignedHeaders = [...]string{"x-test1", "x-test2", "x-test3"}

// edgegridVerifier is the state of /edgegrid/: the nonces seen.
type edgegridVerifier struct {
	s      *Server
	nonces *partitioned[struct{}] // client token + nonce, stamped with the timestamp
}

func registerEdgeGrid(mux *http.ServeMux, s *Server) {
	v := &edgegridVerifier{s: s, nonces: newPartitioned[struct{}](edgegridNonces, maxClients)}
	desc := "Akamai EdgeGrid EG1-HMAC-SHA256 (client token " + DemoEdgeGridClientToken + ", client secret " + DemoEdgeGridClientSecret +
		", access token " + DemoEdgeGridAccessToken + "): ±30 s timestamp, one use per nonce, POST body hashed up to 131072 bytes; under " +
		edgegridHeadersPrefix + " X-Test1,X-Test2,X-Test3 are signed"
	s.handle(mux, "GET /edgegrid/", "edgegrid", desc, v.serve)
	s.handle(mux, "POST /edgegrid/", "edgegrid", desc, v.serve)
}

// edgegridAuth is a parsed EG1-HMAC-SHA256 Authorization header.
type edgegridAuth struct {
	fields map[string]string
	prefix string // the header up to and including the ";" before signature=
}

// edgegridParse parses "EG1-HMAC-SHA256 name=value;…;signature=…". The
// problem is "" when it is well formed.
func edgegridParse(v string) (edgegridAuth, string) {
	v = strings.TrimSpace(v)
	word, rest, _ := strings.Cut(v, " ")
	if word != edgegridMoniker {
		return edgegridAuth{}, "the Authorization header starts with " + strconv.Quote(oneLine(cut(word, 40))) + ", not " + edgegridMoniker
	}
	i := strings.LastIndex(rest, "signature=")
	if i < 0 || (i > 0 && rest[i-1] != ';') {
		return edgegridAuth{}, "no signature= field"
	}
	a := edgegridAuth{fields: map[string]string{}, prefix: v[:len(word)+1+i]}
	for part := range strings.SplitSeq(rest, ";") {
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return edgegridAuth{}, "a field without =: " + strconv.Quote(oneLine(cut(part, 40)))
		}
		if _, dup := a.fields[k]; dup {
			return edgegridAuth{}, "the field " + strconv.Quote(oneLine(cut(k, 40))) + " appears twice"
		}
		a.fields[k] = val
	}
	for _, k := range []string{"client_token", "access_token", "timestamp", "nonce", "signature"} {
		if a.fields[k] == "" {
			return edgegridAuth{}, k + " is missing"
		}
	}
	return a, ""
}

// edgegridCanon is the server's own data to sign of one request.
type edgegridCanon struct {
	method, scheme, host, path string
	headers                    string // canonical headers, tab-separated
	listed                     []string
	hashed                     int
	contentHash                string
	prefix                     string
}

// data joins the seven parts with tabs.
func (c edgegridCanon) data() string {
	return strings.Join([]string{c.method, c.scheme, c.host, c.path, c.headers, c.contentHash, c.prefix}, "\t")
}

// edgegridCompute rebuilds the data to sign of r as Akamai's gateway does,
// independently of authn: the method, the scheme the server was reached
// by, the Host, the request-target as received, the headers this API
// signs, the hash of at most edgegridMaxBody bytes of a POST body, and the
// Authorization header as received up to signature=.
func edgegridCompute(r *http.Request, body []byte, prefix string) edgegridCanon {
	c := edgegridCanon{method: strings.ToUpper(r.Method), scheme: "http", host: r.Host, prefix: prefix}
	if r.TLS != nil {
		c.scheme = "https"
	}
	c.path = r.RequestURI
	if !strings.HasPrefix(c.path, "/") {
		c.path = r.URL.RequestURI() // absolute-form request-target
	}
	if strings.HasPrefix(r.URL.Path, edgegridHeadersPrefix) {
		var parts []string
		for _, name := range edgegridSignedHeaders {
			c.listed = append(c.listed, name)
			if vs := r.Header.Values(name); len(vs) > 0 {
				parts = append(parts, name+":"+strings.Join(strings.Fields(vs[0]), " "))
			}
		}
		c.headers = strings.Join(parts, "\t")
	}
	if c.method == http.MethodPost && len(body) > 0 {
		b := body[:min(len(body), edgegridMaxBody)]
		sum := sha256.Sum256(b)
		c.hashed, c.contentHash = len(b), base64.StdEncoding.EncodeToString(sum[:])
	}
	return c
}

// edgegridSign is base64(HMAC-SHA256(key, data)).
func edgegridSign(key, data string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(data))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// edgegridShow writes a data to sign on one line (tabs as \t) with the
// access token masked, as the client's trace shows it.
func edgegridShow(s, access string) string {
	if access != "" {
		s = strings.ReplaceAll(s, "access_token="+access+";", "access_token="+authn.Mask("")+";")
	}
	return strings.ReplaceAll(s, "\t", `\t`)
}

// edgegridProblem is the body of a refusal, in the shape of Akamai's API
// gateway (application/problem+json, RFC 9457, with Akamai's extra
// members).
type edgegridProblem struct {
	Type        string `json:"type"`
	Title       string `json:"title"`
	Status      int    `json:"status"`
	Detail      string `json:"detail"`
	Instance    string `json:"instance"`
	Method      string `json:"method"`
	ServerIP    string `json:"serverIp"`
	ClientIP    string `json:"clientIp"`
	RequestID   string `json:"requestId"`
	RequestTime string `json:"requestTime"`
}

// fail answers 401 with detail, as the gateway does.
func (v *edgegridVerifier) fail(w http.ResponseWriter, r *http.Request, tr *ServerTrace, detail string) {
	now := v.s.now().UTC()
	sum := sha256.Sum256([]byte(now.String() + r.RemoteAddr + r.Header.Get("Authorization")))
	serverIP := ""
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		serverIP = hostOf(a.String())
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	p := edgegridProblem{
		Type: edgegridDeny, Title: "Not authorized", Status: http.StatusUnauthorized, Detail: detail,
		Instance: scheme + "://" + r.Host + r.URL.Path, Method: r.Method,
		ServerIP: serverIP, ClientIP: hostOf(r.RemoteAddr),
		RequestID: hex.EncodeToString(sum[:4])[:7], RequestTime: now.Format(time.RFC3339),
	}
	v.s.finish(w, r, tr, http.StatusUnauthorized)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusUnauthorized)
	w.Write(marshal(p))
}

// edgegridOK is the 200 body: what the signature covered.
type edgegridOK struct {
	Message       string   `json:"message"`
	ClientToken   string   `json:"clientToken"`
	Method        string   `json:"method"`
	Path          string   `json:"path"`
	SignedHeaders []string `json:"signedHeaders"`
	HashedBytes   int      `json:"hashedBodyBytes"`
}

// serve verifies an EdgeGrid request in the order of the gateway: the
// header's form, the client token, the access token, the timestamp, the
// signature, then the nonce (only a correctly signed request can use one
// up, so no one can burn another client's nonces).
func (v *edgegridVerifier) serve(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "edgegrid")
	now := v.s.now().UTC()
	// The response's Date is the clock the timestamp is checked against.
	w.Header().Set("Date", now.Format(http.TimeFormat))
	add(tr, "server time", now.Format(edgegridTime))

	body, err := readBody(w, r)
	if err != nil {
		tr.Verdict = "the body could not be read"
		v.fail(w, r, tr, "The request body could not be read")
		return
	}
	authz := r.Header.Get("Authorization")
	if authz == "" {
		tr.Verdict = "no Authorization header (EG1-HMAC-SHA256 expected)"
		v.fail(w, r, tr, "Invalid authorization header")
		return
	}
	if len(r.Header.Values("Authorization")) > 1 {
		tr.Verdict = "several Authorization headers"
		v.fail(w, r, tr, "Invalid authorization header")
		return
	}
	a, problem := edgegridParse(authz)
	if problem != "" {
		tr.Verdict = "malformed EG1-HMAC-SHA256 header: " + problem
		if !strings.HasPrefix(strings.TrimSpace(authz), edgegridMoniker+" ") {
			tr.Verdict = "unsupported scheme: " + problem
		}
		v.fail(w, r, tr, "Invalid authorization header")
		return
	}
	client, access, ts, nonce := a.fields["client_token"], a.fields["access_token"], a.fields["timestamp"], a.fields["nonce"]
	add(tr, "client token", oneLine(client))
	add(tr, "access token length", length(access))
	add(tr, "timestamp", oneLine(ts))
	add(tr, "nonce", oneLine(nonce))
	if !equal(client, DemoEdgeGridClientToken) {
		tr.Verdict = "Invalid authorization client token (unknown client token)"
		v.fail(w, r, tr, "Invalid authorization client token")
		return
	}
	if !equal(access, DemoEdgeGridAccessToken) {
		tr.Verdict = "Invalid authorization access token (unknown access token for this client)"
		v.fail(w, r, tr, "Invalid authorization access token")
		return
	}
	when, err := time.Parse(edgegridTime, ts)
	if err != nil {
		tr.Verdict = "Invalid timestamp: not yyyyMMddTHH:mm:ss+0000"
		v.fail(w, r, tr, "Invalid timestamp")
		return
	}
	d := when.Sub(now).Truncate(time.Second)
	add(tr, "clock difference", strconv.FormatInt(int64(d/time.Second), 10)+" s")
	if d > edgegridMaxSkew || d < -edgegridMaxSkew {
		tr.Verdict = "Invalid timestamp (timestamp out of bounds: more than 30 s from the server's clock)"
		v.fail(w, r, tr, "Invalid timestamp")
		return
	}

	c := edgegridCompute(r, body, a.prefix)
	add(tr, "method", c.method)
	add(tr, "scheme", c.scheme)
	add(tr, "host", oneLine(c.host))
	add(tr, "path and query", oneLine(c.path))
	add(tr, "headers to sign", strings.Join(c.listed, ","))
	add(tr, "canonical headers", oneLine(edgegridShow(c.headers, "")))
	add(tr, "max body", strconv.Itoa(edgegridMaxBody))
	add(tr, "hashed bytes", strconv.Itoa(c.hashed))
	add(tr, "content hash", c.contentHash)
	add(tr, "auth header prefix", oneLine(edgegridShow(c.prefix, access)))
	add(tr, "data to sign", oneLine(edgegridShow(c.data(), access)))
	add(tr, "client secret length", length(DemoEdgeGridClientSecret))
	key := edgegridSign(DemoEdgeGridClientSecret, ts)
	want := edgegridSign(key, c.data())
	add(tr, "signature", want)
	add(tr, "received signature", oneLine(cut(a.fields["signature"], 100)))
	if !equal(a.fields["signature"], want) {
		tr.Verdict = "signature mismatch" + edgegridVariant(r, body, c, key, a.fields["signature"])
		v.fail(w, r, tr, "The signature does not match")
		return
	}
	switch v.nonces.use(ClientOf(r).Key, client+"\x00"+nonce, when.Unix(), when.Add(edgegridMaxSkew+time.Second), now) {
	case useReplay, useStale:
		tr.Verdict = "Invalid nonce (nonce already used: a replayed request)"
		v.fail(w, r, tr, "Invalid nonce")
		return
	}
	tr.Verdict = "ok"
	v.s.finish(w, r, tr, http.StatusOK)
	signed := c.listed
	if signed == nil {
		signed = []string{}
	}
	writeJSON(w, http.StatusOK, edgegridOK{
		Message: "EdgeGrid signature verified", ClientToken: client,
		Method: r.Method, Path: r.URL.Path, SignedHeaders: signed, HashedBytes: c.hashed,
	})
}

// edgegridVariant recomputes a mismatched signature the ways a client
// commonly gets the data to sign wrong, with the demo secret the server
// knows, and says which one matches what the client sent ("" when none
// does: then it stays a plain signature mismatch).
func edgegridVariant(r *http.Request, body []byte, c edgegridCanon, key, got string) string {
	try := func(change func(*edgegridCanon)) bool {
		v := c
		change(&v)
		return edgegridSign(key, v.data()) == got
	}
	other := map[string]string{"http": "https", "https": "http"}[c.scheme]
	host, _, err := net.SplitHostPort(c.host)
	switch {
	case try(func(v *edgegridCanon) { v.scheme = other }):
		return ": signed as scheme " + other + ", but the request came over " + c.scheme
	case err == nil && try(func(v *edgegridCanon) { v.host = host }):
		return ": signed the host without its port"
	case c.headers != "" && try(func(v *edgegridCanon) { v.headers = "" }):
		return ": the headers to sign were not signed (headers_to_sign " + strings.Join(c.listed, ",") + ")"
	case c.contentHash != "" && try(func(v *edgegridCanon) { v.contentHash = "" }):
		return ": the POST body was not hashed"
	case len(body) > edgegridMaxBody && try(func(v *edgegridCanon) {
		sum := sha256.Sum256(body)
		v.contentHash = base64.StdEncoding.EncodeToString(sum[:])
	}):
		return ": the whole body was hashed, not its first max_body bytes (131072)"
	}
	return ""
}
