package authn

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// The computations of Hawk (the hapi specification, github.com/mozilla/hawk
// API.md “Protocol Example”, “Payload Validation”, “Response Payload
// Validation”; implemented by @hapi/hawk lib/crypto.js). They are kept apart
// from the scheme so the published examples test them directly.

// hawkRef is the document every Hawk trace step cites.
const hawkRef = "Hawk API.md"

// hawkArtifacts is what one Hawk MAC covers (crypto.js
// generateNormalizedString): the same values make the request's MAC
// ("header") and the server's answer ("response"), with hash and ext
// replaced by the response's own.
type hawkArtifacts struct {
	ts, nonce, method, resource, host, port, hash, ext, app, dlg string
}

// hawkNormalized builds the normalized string of type typ ("header" or
// "response"): "hawk.1.<type>\n" then ts, nonce, METHOD, resource, host
// (lower case), port, hash and ext, each followed by a newline, then app
// and dlg when app is set. A backslash or newline in ext is escaped as
// crypto.js does (authlab refuses both in ext anyway, they cannot travel in
// the header).
func hawkNormalized(typ string, a hawkArtifacts) string {
	var b strings.Builder
	b.WriteString("hawk.1." + typ + "\n")
	for _, v := range []string{a.ts, a.nonce, strings.ToUpper(a.method), a.resource, strings.ToLower(a.host), a.port, a.hash} {
		b.WriteString(v)
		b.WriteByte('\n')
	}
	b.WriteString(strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(a.ext))
	b.WriteByte('\n')
	if a.app != "" {
		b.WriteString(a.app + "\n" + a.dlg + "\n")
	}
	return b.String()
}

// hawkHash returns the hash function of a Hawk algorithm (sha256 or sha1).
func hawkHash(alg string) func() hash.Hash {
	if alg == "sha1" {
		return sha1.New
	}
	return sha256.New
}

// hawkMAC is base64(HMAC-alg(key, normalized)).
func hawkMAC(alg, key, normalized string) string {
	m := hmac.New(hawkHash(alg), []byte(key))
	m.Write([]byte(normalized))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// hawkContentType is the media type a payload hash covers: the Content-Type
// without parameters, trimmed and lower-cased (utils.js parseContentType).
func hawkContentType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// hawkPayloadInput is what the payload hash is computed over ("Payload
// Validation": hawk.1.payload, the content type and the payload, each
// followed by a newline).
func hawkPayloadInput(contentType string, body []byte) string {
	return "hawk.1.payload\n" + hawkContentType(contentType) + "\n" + string(body) + "\n"
}

// hawkPayloadHash is base64(H(hawkPayloadInput)).
func hawkPayloadHash(alg, contentType string, body []byte) string {
	h := hawkHash(alg)()
	h.Write([]byte(hawkPayloadInput(contentType, body)))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// hawkTsMAC is the MAC of a server timestamp, the tsm of a "Stale
// timestamp" answer (crypto.js calculateTsMac: HMAC over "hawk.1.ts\n" ts
// "\n").
func hawkTsMAC(alg, key, ts string) string {
	return hawkMAC(alg, key, "hawk.1.ts\n"+ts+"\n")
}

// hawkTarget returns the resource (path and query, a trailing "?" kept, as
// client.js does), host and port a request to u with Host header hostHeader
// ("" for the URL's) is signed for. The server takes host and port from
// the Host header it receives, so a Host override is what is signed.
func hawkTarget(u *url.URL, hostHeader string) (resource, host, port string) {
	resource = u.RequestURI()
	if u.Opaque != "" {
		resource = u.Opaque
		if u.ForceQuery || u.RawQuery != "" {
			resource += "?" + u.RawQuery
		}
	}
	hp := hostHeader
	if hp == "" {
		hp = u.Host
	}
	host, port = hp, ""
	if h, p, err := net.SplitHostPort(hp); err == nil {
		host, port = h, p
	}
	host = strings.Trim(host, "[]")
	if port == "" {
		port = "80"
		if strings.EqualFold(u.Scheme, "https") {
			port = "443"
		}
	}
	return resource, strings.ToLower(host), port
}

// hawkAttrOK reports whether v may be a Hawk header attribute value: hapi's
// parser (utils.js attributeRegex) accepts printable ASCII but '"' and '\'.
func hawkAttrOK(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < ' ' || c > '~' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// hawkHeader renders the Authorization header in client.js's order: id,
// ts, nonce, hash, ext, mac, then app and dlg.
func hawkHeader(id string, a hawkArtifacts, mac string) string {
	var b strings.Builder
	b.WriteString(`Hawk id="` + id + `", ts="` + a.ts + `", nonce="` + a.nonce + `"`)
	if a.hash != "" {
		b.WriteString(`, hash="` + a.hash + `"`)
	}
	if a.ext != "" {
		b.WriteString(`, ext="` + a.ext + `"`)
	}
	b.WriteString(`, mac="` + mac + `"`)
	if a.app != "" {
		b.WriteString(`, app="` + a.app + `"`)
		if a.dlg != "" {
			b.WriteString(`, dlg="` + a.dlg + `"`)
		}
	}
	return b.String()
}

// hawkParams parses a Hawk header value (Server-Authorization,
// WWW-Authenticate) into its attributes; ok is false when it is not a Hawk
// header RFC 9110 §11 can parse.
func hawkParams(v string) (map[string]string, bool) {
	cs, err := ParseChallenges([]string{v})
	if err != nil {
		return nil, false
	}
	for _, c := range cs {
		if c.Is("Hawk") {
			m := make(map[string]string, len(c.Params))
			for _, p := range c.Params {
				m[p.Name] = p.Value
			}
			return m, true
		}
	}
	return nil, false
}

// hawkSeconds parses a ts attribute (seconds since the epoch).
func hawkSeconds(ts string) (int64, bool) {
	n, err := strconv.ParseInt(ts, 10, 64)
	return n, err == nil && n >= 0
}
