package practice

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/http"
	"slices"
	"strings"
)

// The practice server's own Hawk computations, written from the
// specification (mozilla/hawk API.md) and @hapi/hawk's server.js and
// utils.js, apart from authn's client code so that each checks the other.

// hawkServerArtifacts are the values a Hawk MAC covers.
type hawkServerArtifacts struct {
	method, resource, host, port, ts, nonce, hash, ext, app, dlg string
}

// hawkServerNormalized is the normalized string of kind ("header",
// "response"): one value per line after "hawk.1.<kind>".
func hawkServerNormalized(kind string, a hawkServerArtifacts) string {
	ext := strings.ReplaceAll(strings.ReplaceAll(a.ext, `\`, `\\`), "\n", `\n`)
	lines := []string{"hawk.1." + kind, a.ts, a.nonce, strings.ToUpper(a.method), a.resource, strings.ToLower(a.host), a.port, a.hash, ext}
	if a.app != "" {
		lines = append(lines, a.app, a.dlg)
	}
	return strings.Join(lines, "\n") + "\n"
}

// hawkServerHashFunc is the hash of an algorithm on file.
func hawkServerHashFunc(alg string) func() hash.Hash {
	if alg == "sha1" {
		return sha1.New
	}
	return sha256.New
}

// hawkServerMAC is the base64 HMAC of text under the credential's key.
func hawkServerMAC(c hawkCredential, text string) string {
	m := hmac.New(hawkServerHashFunc(c.alg), []byte(c.key))
	m.Write([]byte(text))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// hawkServerTsMAC signs the server's time for a Stale timestamp answer.
func hawkServerTsMAC(c hawkCredential, ts string) string {
	return hawkServerMAC(c, "hawk.1.ts\n"+ts+"\n")
}

// hawkServerContentType is a Content-Type without its parameters, lower case.
func hawkServerContentType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}

// hawkServerPayloadHash hashes "hawk.1.payload\n", the content type and
// the payload, each line ended by a newline.
func hawkServerPayloadHash(alg, ct string, body []byte) string {
	h := hawkServerHashFunc(alg)()
	h.Write([]byte("hawk.1.payload\n" + hawkServerContentType(ct) + "\n"))
	h.Write(body)
	h.Write([]byte("\n"))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// hawkServerHost is the host and port of the Host header (utils.js
// parseHost): the port defaults to 443 over TLS, else 80.
func hawkServerHost(r *http.Request) (host, port string, ok bool) {
	h := strings.TrimSpace(r.Host)
	if h == "" || len(h) > 4096 {
		return "", "", false
	}
	port = "80"
	if r.TLS != nil {
		port = "443"
	}
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return "", "", false
		}
		host, rest := h[1:end], h[end+1:]
		if rest != "" {
			p, found := strings.CutPrefix(rest, ":")
			if !found || !hawkDigits(p) {
				return "", "", false
			}
			port = p
		}
		return host, port, true
	}
	host, p, found := strings.Cut(h, ":")
	if found {
		if !hawkDigits(p) {
			return "", "", false
		}
		port = p
	}
	return host, port, host != ""
}

func hawkDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// hawkWord reports whether c matches JavaScript's \w.
func hawkWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// hawkServerParse parses a Hawk Authorization header as utils.js
// parseAuthorizationHeader does: `name="value"` pairs separated by commas,
// names among keys, values of printable ASCII without '"' and '\', none
// twice. A problem comes with the status hapi answers it with (400, or 401
// for another scheme).
func hawkServerParse(header string, keys []string) (attrs map[string]string, problem string, status int) {
	if len(header) > 4096 {
		return nil, "Header length too long", http.StatusBadRequest
	}
	i := 0
	for i < len(header) && hawkWord(header[i]) {
		i++
	}
	scheme, rest := header[:i], header[i:]
	if scheme == "" || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return nil, "Invalid header syntax", http.StatusBadRequest
	}
	if !strings.EqualFold(scheme, "hawk") {
		return nil, "", http.StatusUnauthorized
	}
	rest = strings.TrimLeft(rest, " \t")
	if rest == "" {
		return nil, "Invalid header syntax", http.StatusBadRequest
	}
	attrs = map[string]string{}
	leftover := false
	// A global search for name="value" followed by spaces and a comma or
	// the end, as the regular expression of utils.js finds them; anything
	// between matches is left over and makes the header malformed.
	for p := 0; p < len(rest); {
		name, value, end, ok := hawkServerPair(rest, p)
		if !ok {
			leftover = true
			p++
			continue
		}
		p = end
		switch {
		case !slices.Contains(keys, name):
			problem = "Unknown attribute: " + name
		case !hawkServerValueOK(value):
			problem = "Bad attribute value: " + name
		default:
			if _, dup := attrs[name]; dup {
				problem = "Duplicate attribute: " + name
				continue
			}
			attrs[name] = value
		}
	}
	if problem != "" {
		return nil, problem, http.StatusBadRequest
	}
	if leftover {
		return nil, "Bad header format", http.StatusBadRequest
	}
	return attrs, "", 0
}

// hawkServerPair matches `\w+="[^"\\]*"\s*(,\s*|$)` at p.
func hawkServerPair(s string, p int) (name, value string, end int, ok bool) {
	i := p
	for i < len(s) && hawkWord(s[i]) {
		i++
	}
	if i == p || !strings.HasPrefix(s[i:], `="`) {
		return "", "", 0, false
	}
	name = s[p:i]
	j := i + 2
	for j < len(s) && s[j] != '"' && s[j] != '\\' {
		j++
	}
	if j >= len(s) || s[j] != '"' {
		return "", "", 0, false
	}
	value = s[i+2 : j]
	k := j + 1
	for k < len(s) && hawkSpace(s[k]) {
		k++
	}
	switch {
	case k == len(s):
	case s[k] == ',':
		k++
		for k < len(s) && hawkSpace(s[k]) {
			k++
		}
	default:
		return "", "", 0, false
	}
	return name, value, k, true
}

func hawkSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// hawkServerValueOK is utils.js attributeRegex: one or more of space, \w
// and !#$%&'()*+,-./:;<=>?@[]^`{|}~.
func hawkServerValueOK(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !hawkWord(c) && !strings.ContainsRune(" !#$%&'()*+,-./:;<=>?@[]^`{|}~", rune(c)) {
			return false
		}
	}
	return true
}
