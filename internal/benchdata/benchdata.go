// Package benchdata makes the inputs the benchmarks share (go test -bench
// and the bench/ scripts), so that a figure in BENCHMARKS.md always means
// the same document. Test support only.
package benchdata

import (
	"bytes"
	"fmt"
)

// JSON builds a realistic compact JSON document of about n bytes: an
// object holding an array of users with numbers, booleans, nulls, nested
// objects, non-ASCII text and escapes (a \u001b among them, as hostile
// bodies have), so pretty-printing, highlighting and sanitizing all work.
func JSON(n int) []byte {
	var b bytes.Buffer
	b.Grow(n + 1024)
	b.WriteString(`{"data":[`)
	for i := 0; b.Len() < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"uuid":"%08x-4f1c-9a2b-%012x","name":"Zoë Müller %d","email":"user%d@example.com",`+
			`"active":%t,"score":%d.%02d,"balance":-%de-3,"tags":["admin","beta","日本"],`+
			`"address":{"street":"%d Main St","city":"東京","zip":"100-0001","geo":{"lat":35.6895,"lng":139.6917}},`+
			`"bio":"Line one\nLine two \"quoted\" \u00e9 \u001b[0m tab\there","deleted_at":null,"logins":[%d,%d,%d]}`,
			i, i*7919, i*104729, i, i, i%3 == 0, i%100, i%97, i, i, i, i+1, i+2)
	}
	b.WriteString(`],"total":1,"next":null}`)
	return b.Bytes()
}
