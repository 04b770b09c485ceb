package postman

import (
	"reflect"
	"testing"
)

// The parts Postman's own exports carry beside raw: newman and the app's
// runner send what the parts say.
func TestSplitURL(t *testing.T) {
	tests := []struct {
		raw  string
		want exURL
	}{
		{"{{baseUrl}}/github/user", exURL{Host: []string{"{{baseUrl}}"}, Path: []string{"github", "user"}}},
		{"https://api.example.com:8443/a/b?x=1&y=%20#top", exURL{Protocol: "https", Host: []string{"api", "example", "com"}, Port: "8443",
			Path: []string{"a", "b"}, Query: []exKV{{Key: "x", Value: "1"}, {Key: "y", Value: "%20"}}, Hash: "top"}},
		{"http://{{host.name}}.example.com/{{path}}", exURL{Protocol: "http", Host: []string{"{{host.name}}", "example", "com"}, Path: []string{"{{path}}"}}},
		{"{{base}}:{{port}}/x", exURL{Host: []string{"{{base}}:{{port}}"}, Path: []string{"x"}}},
		{"http://[::1]:8089/x?flag", exURL{Protocol: "http", Host: []string{"[::1]"}, Port: "8089", Path: []string{"x"}, Query: []exKV{{Key: "flag", Value: ""}}}},
	}
	for _, tt := range tests {
		tt.want.Raw = tt.raw
		if got := splitURL(tt.raw); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitURL(%q) =\n%+v\nwant\n%+v", tt.raw, got, tt.want)
		}
	}
}
