package openapi

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/authlab/authlab/profiles"
)

// maxBody caps a request body made from an example.
const maxBody = 64 << 10

// body is the operation's request body when the document gives a JSON
// example for it (§4.8.13, §4.8.14: the media type's example, the first of
// its examples, else its schema's example), with its Content-Type header;
// without one the profile has no body and the user writes it.
func (im *importer) body(op *node) (string, []profiles.Header) {
	rb, err := deref(im.root, op.get("requestBody"))
	if err != nil || rb == nil {
		return "", nil
	}
	content := rb.get("content")
	if content == nil || content.kind != kMap {
		return "", nil
	}
	for i, mt := range content.keys {
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(mt)), ";")
		if base != "application/json" && !strings.HasSuffix(base, "+json") {
			continue
		}
		media := content.vals[i]
		ex := media.get("example")
		if ex == nil {
			if exs := media.get("examples"); exs != nil && exs.kind == kMap && len(exs.vals) > 0 {
				if e, err := deref(im.root, exs.vals[0]); err == nil {
					ex = e.get("value")
				}
			}
		}
		if ex == nil {
			if sch, err := deref(im.root, media.get("schema")); err == nil {
				ex = sch.get("example")
			}
		}
		if ex == nil {
			return "", nil
		}
		var b strings.Builder
		if err := writeJSON(&b, ex, 0); err != nil || hasVarSyntax(b.String()) {
			return "", nil
		}
		return b.String(), []profiles.Header{{Name: "Content-Type", Value: mt}}
	}
	return "", nil
}

var errTooBig = errors.New("example too large")

// writeJSON writes n as compact JSON, keys in the document's order.
func writeJSON(b *strings.Builder, n *node, depth int) error {
	if depth > MaxDepth || b.Len() > maxBody {
		return errTooBig
	}
	switch n.kind {
	case kNull:
		b.WriteString("null")
	case kScalar:
		if !n.isStr {
			if v := strings.ToLower(n.str); v == "true" || v == "false" {
				b.WriteString(v)
				return nil
			}
			if json.Valid([]byte(n.str)) {
				b.WriteString(n.str)
				return nil
			}
		}
		q, _ := json.Marshal(n.str)
		b.Write(q)
	case kSeq:
		b.WriteByte('[')
		for i, it := range n.items {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJSON(b, it, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case kMap:
		b.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			q, _ := json.Marshal(k)
			b.Write(q)
			b.WriteByte(':')
			if err := writeJSON(b, n.vals[i], depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	}
	return nil
}
