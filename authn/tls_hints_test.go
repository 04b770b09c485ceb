package authn

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// nginx's standard pages for ssl_verify_client (ngx_http_special_response.c)
// and the practice server's /mtls bodies.
func TestTLSHints(t *testing.T) {
	const nginx496 = "<html>\r\n<head><title>400 No required SSL certificate was sent</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>No required SSL certificate was sent</center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n"
	const nginx495 = "<html>\r\n<head><title>400 The SSL certificate error</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The SSL certificate error</center>\r\n</body>\r\n</html>\r\n"
	tests := []struct {
		name   string
		url    string
		status int
		body   string
		want   string // first hint's title; "" for none of ours
	}{
		{"nginx 496", "https://api.example/", 400, nginx496, "The server wants a client certificate (mutual TLS)"},
		{"nginx 495", "https://api.example/", 400, nginx495, "The server refused the client certificate"},
		{"nginx 497", "http://api.example:443/", 400, "<center>The plain HTTP request was sent to HTTPS port</center>", "This needs HTTPS"},
		{"practice no cert", "https://127.0.0.1:8443/mtls", 401, `{"error":"client_certificate_required","message":"…"}`, "The server wants a client certificate (mutual TLS)"},
		{"practice plain http", "http://127.0.0.1:8089/mtls", 401, `{"error":"tls_required","message":"…"}`, "This needs HTTPS"},
		{"unrelated 400", "https://api.example/", 400, `{"error":"invalid_request"}`, ""},
		{"200 with the words", "https://api.example/", 200, nginx496, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse(tt.url)
			ex := &Exchange{Request: SentRequest{URL: u, Header: http.Header{}},
				Response: &Response{Status: tt.status, Header: http.Header{}, Body: []byte(tt.body)}}
			got := ""
			for _, h := range tlsHints(newHintInput(ex, Info{Name: "none"}, time.Now())) {
				got = h.Title
				break
			}
			if got != tt.want {
				t.Errorf("tlsHints(%s) = %q; want %q", tt.name, got, tt.want)
			}
		})
	}
}
