package authn

import (
	"net/url"
	"testing"
)

var scopedUnderTests = []struct {
	base, u string
	want    bool
}{
	{"http://10.0.0.5:8089", "http://10.0.0.5:8089/github/user", true},
	{"http://10.0.0.5:8089", "http://10.0.0.5:8089", true},
	{"http://10.0.0.5:80", "http://10.0.0.5/x", true}, // default port made explicit (RFC 6454 §4)
	{"http://10.0.0.5:8089", "https://10.0.0.5:8089/x", false},
	{"http://10.0.0.5:8089", "http://10.0.0.5:8090/x", false},
	{"http://10.0.0.5:8089", "http://10.0.0.6:8089/x", false},
	{"http://10.0.0.5:8089", "http://10.0.0.5.evil:8089/x", false},
	{"https://class.example/authlab", "https://class.example/authlab/github/user", true},
	{"https://class.example/authlab", "https://class.example/authlabx/github/user", false},
	{"https://class.example/authlab", "https://class.example/other", false},
	{"", "http://10.0.0.5/x", false},
	{"::", "http://10.0.0.5/x", false},
}

func TestScopedHeaderUnder(t *testing.T) {
	for _, tt := range scopedUnderTests {
		u, err := url.Parse(tt.u)
		if err != nil {
			t.Fatal(err)
		}
		if got := (ScopedHeader{Base: tt.base}).under(u); got != tt.want {
			t.Errorf("ScopedHeader{Base: %q}.under(%q) = %v; want %v", tt.base, tt.u, got, tt.want)
		}
	}
}
