package authn

import "bytes"

// Mutual TLS refusals that arrive as HTTP responses rather than handshake
// failures (those are *TLSError, with no response to explain):
//   - nginx with ssl_verify_client on|optional turns its internal codes 496
//     ("No required SSL certificate was sent") and 495 ("The SSL certificate
//     error") into 400 Bad Request with these standard pages
//     (ngx_http_special_response.c), and 497 ("The plain HTTP request was
//     sent to HTTPS port");
//   - the practice server's /mtls answers 401 with error
//     "client_certificate_required" or "tls_required".

func init() { registerRecognizer("tls-client-certificate", hintRankProvider, tlsHints) }

// tlsHintMaxBody bounds the body searched for nginx's pages (they are small).
const tlsHintMaxBody = 64 << 10

func tlsHints(in hintInput) []Hint {
	s := in.status()
	if s != 400 && s != 401 && s != 403 {
		return nil
	}
	body := in.resp.Body
	if len(body) > tlsHintMaxBody {
		body = body[:tlsHintMaxBody]
	}
	code, _ := hintJSONString(in.object(), "error")
	https := in.ex.Request.URL != nil && in.ex.Request.URL.Scheme == "https"
	switch {
	case s == 400 && bytes.Contains(body, []byte("No required SSL certificate was sent")), code == "client_certificate_required":
		return []Hint{{
			Level: LevelError,
			Title: "The server wants a client certificate (mutual TLS)",
			Detail: "The TLS connection was made without a client certificate and the server answered that it needs one. With mutual TLS the " +
				"certificate, not a header, is the credential.",
			Checks: []string{
				"Pass the certificate and its key: --cert client.pem --key client-key.pem (an encrypted key also needs --key-pass env:NAME)",
				"The certificate must be issued by a CA the server trusts (nginx: ssl_client_certificate)",
			},
			Ref: "RFC 8446 §4.4.2",
		}}
	case s == 400 && bytes.Contains(body, []byte("The SSL certificate error")):
		return []Hint{{
			Level:  LevelError,
			Title:  "The server refused the client certificate",
			Detail: "A client certificate was sent, and the server (nginx) could not verify it.",
			Checks: []string{
				"It is issued by a CA the server trusts (nginx: ssl_client_certificate; a missing intermediate counts)",
				"It has not expired, and is meant for client authentication (extended key usage clientAuth)",
			},
			Ref: "RFC 8446 §4.4.2",
		}}
	case s == 400 && bytes.Contains(body, []byte("The plain HTTP request was sent to HTTPS port")), code == "tls_required" && !https:
		return []Hint{{
			Level:  LevelError,
			Title:  "This needs HTTPS",
			Detail: "The request went over plain HTTP to an endpoint that only works over TLS.",
			Checks: []string{
				"Use an https:// URL",
				"For authlab's practice server: run `authlab serve --tls`, which prints the URL and the --cacert, --cert and --key to use",
			},
			Ref: "RFC 9110 §4.2.2",
		}}
	}
	return nil
}
