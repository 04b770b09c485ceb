package practice

import (
	"strings"
	"testing"
)

// FuzzDigestParseParams: the server's parser of Digest credentials never
// panics; what it accepts has token names, lower-cased, and no control
// characters in values.
func FuzzDigestParseParams(f *testing.F) {
	for _, s := range []string{
		`username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
		`username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm="api@example.org", userhash=false`,
		`a="b\"c", , d=e`,
		`a=b c=d`,
		`a="unterminated`,
		`=x`,
		`a="\x01"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := digestParseParams(s)
		if err != nil {
			if m != nil {
				t.Fatalf("digestParseParams(%q) = %v with error %v", s, m, err)
			}
			return
		}
		for k, v := range m {
			if k == "" || k != strings.ToLower(k) || strings.IndexFunc(k, func(r rune) bool { return r > 0x7e || !digestTchar(byte(r)) }) >= 0 {
				t.Fatalf("digestParseParams(%q): bad name %q", s, k)
			}
			if strings.ContainsAny(v, "\r\n\x00") {
				t.Fatalf("digestParseParams(%q): value %q has a control character", s, v)
			}
		}
		if _, err := digestDecodeExt(m["username*"]); err != nil && m["username*"] == "UTF-8''plain" {
			t.Fatalf("digestDecodeExt(UTF-8''plain): %v", err)
		}
	})
}
