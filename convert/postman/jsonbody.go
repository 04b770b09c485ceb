package postman

import (
	"bytes"
	"encoding/json"
	"mime"
	"sort"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/profiles"
)

// secretJSON replaces each secret typed into a JSON body — a string member
// whose name says it is one (authn.SecretName: "password", "client_secret",
// "apiKey") — by a variable read from the environment, leaving the rest of
// the text as written. A body that is not JSON throughout (Postman bodies
// often hold an unquoted {{number}}, which is allowed for) is read up to
// where it stops being JSON.
func (im *importer) secretJSON(p *profiles.Profile, where string) {
	if p.Body == "" || !jsonBody(p) {
		return
	}
	type span struct {
		start, end int
		key        string
	}
	var spans []span
	body := []byte(p.Body)
	// {{variables}} become digits of the same length for the scan, so that
	// an unquoted {{number}} does not end the JSON; spans are offsets into
	// both
	scan := varRef.ReplaceAllFunc(body, func(m []byte) []byte { return bytes.Repeat([]byte("1"), len(m)) })
	dec := json.NewDecoder(bytes.NewReader(scan))
	key := ""
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			break
		}
		t, ok := tok.(string)
		if !ok {
			key = ""
			continue
		}
		end := int(dec.InputOffset())
		if isKeyPosition(scan, end) {
			key = t
			continue
		}
		if key != "" && t != "" && authn.SecretName(key) {
			if start := bytes.IndexByte(scan[before:end], '"'); start >= 0 {
				spans = append(spans, span{before + start, end, key})
			}
		}
		key = ""
	}
	if len(spans) == 0 {
		return
	}
	api := im.api(p.URL)
	sort.Slice(spans, func(i, j int) bool { return spans[i].start > spans[j].start })
	for _, s := range spans {
		var v string
		_ = json.Unmarshal(body[s.start:s.end], &v)
		if name, ok := wholeVar(v); ok {
			im.markSecret(name, envname.For(api, "none", "query "+s.key))
			continue
		}
		env := envname.For(api, "none", "query "+s.key)
		ref := im.makeVar(env)
		im.note("%s: the %s typed into the JSON body is now %s, read from env:%s (its value was not imported)", where, s.key, ref, env)
		body = append(body[:s.start], append([]byte(`"`+ref+`"`), body[s.end:]...)...)
	}
	p.Body = string(body)
}

// isKeyPosition reports whether the string that ended at off is an object
// member's name: a colon follows it.
func isKeyPosition(body []byte, off int) bool {
	rest := bytes.TrimLeft(body[off:], " \t\r\n")
	return len(rest) > 0 && rest[0] == ':'
}

// jsonBody reports whether p's body is JSON by its Content-Type.
func jsonBody(p *profiles.Profile) bool {
	for _, h := range p.Headers {
		if strings.EqualFold(h.Name, "Content-Type") {
			mt, _, _ := mime.ParseMediaType(h.Value)
			return mt == "application/json" || strings.HasSuffix(mt, "+json")
		}
	}
	return false
}
