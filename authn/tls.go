package authn

import "net/http"

// TLSOptions are a request's TLS settings (curl's --cert, --key, --cacert,
// -k). File contents are read by the engine when it builds the client.
type TLSOptions struct {
	Cert        string // client certificate chain, PEM file path (mutual TLS, RFC 8446 §4.4.2)
	Key         string // its private key, PEM file path ("" when it is in Cert's file)
	KeyPassword string // passphrase of an encrypted key, resolved from a reference
	CACert      string // PEM bundle trusted in addition to the system roots
	Insecure    bool   // skip verification of the server's certificate (-k)
}

// clientFor returns the HTTP client for t: the engine's own when t is nil.
func (e *Engine) clientFor(t *TLSOptions) (*http.Client, error) {
	return e.client, nil
}
