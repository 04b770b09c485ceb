package export

import (
	"strconv"
	"strings"
)

// goEdgeGrid: no Go module of Akamai's is at hand (Debian's
// golang-github-akamai-akamaiopen-edgegrid-golang-dev is an old release
// with another API), and EdgeGrid needs only the standard library, so the
// program carries edgegridSign, which signs the request when it runs with
// a fresh timestamp and nonce, as Akamai's libraries do.
func goEdgeGrid(g *goProgram, p *Plan) error {
	for _, f := range []string{"headers_to_sign", "max_body"} {
		if p.Field(f).IsVar() {
			return &presignInstead{why: "the " + f + " is kept in a reference"}
		}
	}
	ignorePinned(p, "go", "timestamp", "nonce")
	maxBody := 131072
	if mb := strings.TrimSpace(p.Lit("max_body")); mb != "" {
		n, err := strconv.Atoi(mb)
		if err != nil || n <= 0 {
			return &unsupportedError{what: "go: max_body " + strconv.Quote(mb) + " is not a positive number"}
		}
		maxBody = n
	}
	var names []string
	for n := range strings.SplitSeq(p.Lit("headers_to_sign"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, goStr(n))
		}
	}
	g.imp("crypto/hmac", "crypto/rand", "crypto/sha256", "encoding/base64", "encoding/hex", "strings", "time")
	g.bodyVar = g.body != nil
	body := `""`
	if g.bodyVar {
		body = "body"
	}
	g.notes = append(g.notes, "edgegridSign signs the request with Akamai EdgeGrid (EG1-HMAC-SHA256) when it runs, with a fresh timestamp and nonce.")
	g.auth = append(g.auth, "check(edgegridSign(req, "+body+", "+g.val(p.Field("client_token"))+", "+g.val(p.Field("client_secret"))+", "+
		g.val(p.Field("access_token"))+", []string{"+strings.Join(names, ", ")+"}, "+strconv.Itoa(maxBody)+"))")
	g.helper(goEdgeGridSigner)
	return nil
}

const goEdgeGridSigner = `// edgegridSign sets req's Authorization header to an Akamai EdgeGrid
// signature (EG1-HMAC-SHA256, “Authenticate with EdgeGrid”): the data to
// sign is the method, scheme, host, path and query, the headers to sign
// that the request has, the base64 SHA-256 of at most maxBody bytes of a
// POST body and the header up to signature=, joined by tabs; the key is
// base64(HMAC-SHA256(client secret, timestamp)).
func edgegridSign(req *http.Request, body, clientToken, clientSecret, accessToken string, headersToSign []string, maxBody int) error {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	raw[6], raw[8] = raw[6]&0x0f|0x40, raw[8]&0x3f|0x80 // a version 4 UUID
	u := hex.EncodeToString(raw)
	nonce := u[:8] + "-" + u[8:12] + "-" + u[12:16] + "-" + u[16:20] + "-" + u[20:]
	timestamp := time.Now().UTC().Format("20060102T15:04:05+0000")
	prefix := "EG1-HMAC-SHA256 client_token=" + clientToken + ";access_token=" + accessToken + ";timestamp=" + timestamp + ";nonce=" + nonce + ";"
	var canon []string
	for _, name := range headersToSign {
		if vs := req.Header.Values(name); len(vs) > 0 {
			canon = append(canon, strings.ToLower(name)+":"+strings.Join(strings.Fields(vs[0]), " "))
		}
	}
	method, hash := strings.ToUpper(req.Method), ""
	if method == http.MethodPost && body != "" {
		sum := sha256.Sum256([]byte(body[:min(len(body), maxBody)]))
		hash = base64.StdEncoding.EncodeToString(sum[:])
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	path := req.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	if req.URL.RawQuery != "" {
		path += "?" + req.URL.RawQuery
	}
	data := strings.Join([]string{method, strings.ToLower(req.URL.Scheme), host, path, strings.Join(canon, "\t"), hash, prefix}, "\t")
	mac := func(key, msg string) string {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(msg))
		return base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	req.Header.Set("Authorization", prefix+"signature="+mac(mac(clientSecret, timestamp), data))
	return nil
}`
