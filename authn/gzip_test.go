package authn

import (
	"bytes"
	"compress/gzip"
	"testing"
)

// gzipZeros returns n zero bytes, gzip-compressed (about n/1000 bytes).
func gzipZeros(t testing.TB, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	chunk := make([]byte, 64<<10)
	for n > 0 {
		k := min(n, len(chunk))
		zw.Write(chunk[:k])
		n -= k
	}
	zw.Close()
	return buf.Bytes()
}
