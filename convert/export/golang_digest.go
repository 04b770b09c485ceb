package export

import "fmt"

// goDigest: Go's standard library has no Digest client and the answer
// needs the server's nonce, so it cannot be signed ahead either: the
// program carries digestDo, a small RFC 7616 client (MD5, SHA-256,
// SHA-512-256 and their -sess variants; qop auth and auth-int; userhash),
// which sends the request, reads the 401 challenge and answers it once.
func goDigest(g *goProgram, p *Plan) error {
	for _, f := range []string{"algorithm", "qop"} {
		if p.Field(f).IsVar() {
			return &unsupportedError{what: "go: the Digest " + f + " is kept in a reference; put it in the profile"}
		}
	}
	ignorePinned(p, "go", "cnonce")
	alg, qop := p.Lit("algorithm"), p.Lit("qop")
	if alg == "" {
		alg = "auto"
	}
	if qop == "" {
		qop = "auto"
	}
	g.imp("crypto/md5", "crypto/rand", "crypto/sha256", "crypto/sha512", "encoding/hex", "hash", "slices", "strings")
	g.bodyVar = g.body != nil
	body := `""`
	if g.bodyVar {
		body = "body"
	}
	g.notes = append(g.notes, "digestDo answers the server's 401 Digest challenge (RFC 7616): Go's standard library has no Digest client.")
	g.do = fmt.Sprintf("digestDo(client, req, %s, %s, %s, %q, %q)", body, g.val(p.Field("username")), g.val(p.Field("password")), alg, qop)
	g.helper(goDigestClient)
	return nil
}

const goDigestClient = `// digestDo sends req and, when the server answers 401 with a Digest
// challenge, answers it (RFC 7616 §3.4). algorithm and qop are "auto" (the
// strongest offered; auth before auth-int) or the one to use.
func digestDo(client *http.Client, req *http.Request, body, user, password, algorithm, qop string) (*http.Response, error) {
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	var ch map[string]string
	rank := -1
	for _, v := range resp.Header.Values("WWW-Authenticate") {
		c := digestParams(v)
		if c == nil {
			continue
		}
		alg := c["algorithm"]
		if alg == "" {
			alg = "MD5"
		}
		r := strings.Index("MD5 SHA-256 SHA-512-256", strings.TrimSuffix(alg, "-sess"))
		if digestHash(alg) != nil && (algorithm == "auto" || strings.EqualFold(algorithm, alg)) && r > rank {
			ch, rank = c, r
			ch["algorithm"] = alg
		}
	}
	if ch == nil {
		return resp, nil // no challenge this client can answer: show the 401
	}
	resp.Body.Close()
	h := func(s string) string {
		f := digestHash(ch["algorithm"])
		f.Write([]byte(s))
		return hex.EncodeToString(f.Sum(nil))
	}
	offered := strings.Split(strings.ReplaceAll(ch["qop"], " ", ""), ",")
	q := ""
	for _, want := range []string{"auth", "auth-int"} {
		if q == "" && (qop == "auto" || qop == want) && slices.Contains(offered, want) {
			q = want
		}
	}
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	cnonce, nc, uri := hex.EncodeToString(raw), "00000001", req.URL.RequestURI()
	ha1 := h(user + ":" + ch["realm"] + ":" + password)
	if strings.HasSuffix(ch["algorithm"], "-sess") {
		ha1 = h(ha1 + ":" + ch["nonce"] + ":" + cnonce)
	}
	ha2 := h(req.Method + ":" + uri)
	if q == "auth-int" {
		ha2 = h(req.Method + ":" + uri + ":" + h(body))
	}
	response := h(ha1 + ":" + ch["nonce"] + ":" + ha2)
	if q != "" {
		response = h(ha1 + ":" + ch["nonce"] + ":" + nc + ":" + cnonce + ":" + q + ":" + ha2)
	}
	quote := strings.NewReplacer("\\", "\\\\", "\"", "\\\"").Replace
	name := user
	if ch["userhash"] == "true" {
		name = h(user + ":" + ch["realm"])
	}
	auth := "Digest username=\"" + quote(name) + "\", realm=\"" + quote(ch["realm"]) + "\", uri=\"" + quote(uri) +
		"\", algorithm=" + ch["algorithm"] + ", nonce=\"" + quote(ch["nonce"]) + "\", response=\"" + response + "\""
	if q != "" {
		auth += ", qop=" + q + ", nc=" + nc + ", cnonce=\"" + cnonce + "\""
	}
	if o, ok := ch["opaque"]; ok {
		auth += ", opaque=\"" + quote(o) + "\""
	}
	if ch["userhash"] == "true" {
		auth += ", userhash=true"
	}
	retry := req.Clone(req.Context())
	retry.Body = io.NopCloser(strings.NewReader(body))
	retry.Header.Set("Authorization", auth)
	return client.Do(retry)
}

// digestHash returns the hash of a Digest algorithm (RFC 7616 §3.3), or nil.
func digestHash(alg string) hash.Hash {
	switch strings.TrimSuffix(strings.ToUpper(alg), "-SESS") {
	case "MD5":
		return md5.New()
	case "SHA-256":
		return sha256.New()
	case "SHA-512-256":
		return sha512.New512_256()
	}
	return nil
}

// digestParams reads the parameters of one Digest challenge (RFC 7616
// §3.3, RFC 9110 §11.2: auth-params, quoted strings unescaped), or nil.
func digestParams(v string) map[string]string {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	if !strings.EqualFold(scheme, "Digest") {
		return nil
	}
	out := map[string]string{}
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimLeft(rest, ", ") {
		k, r, ok := strings.Cut(rest, "=")
		if !ok || strings.ContainsAny(strings.TrimSpace(k), " ,") {
			break // another challenge begins
		}
		k, rest = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(r)
		var val strings.Builder
		if strings.HasPrefix(rest, "\"") {
			i := 1
			for ; i < len(rest) && rest[i] != '"'; i++ {
				if rest[i] == '\\' && i+1 < len(rest) {
					i++
				}
				val.WriteByte(rest[i])
			}
			rest = rest[min(i+1, len(rest)):]
		} else {
			end := strings.IndexByte(rest, ',')
			if end < 0 {
				end = len(rest)
			}
			val.WriteString(strings.TrimSpace(rest[:end]))
			rest = rest[end:]
		}
		out[k] = val.String()
	}
	return out
}
`
