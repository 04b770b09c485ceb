package practice

import (
	"crypto/tls"
	"net/http"
)

func registerMTLS(mux *http.ServeMux, s *Server) {
	s.handle(mux, "GET /mtls", "mtls",
		"mutual TLS (RFC 8446 §4.4.2): needs `authlab serve --tls` and the client certificate it generates (--cert client.pem --key client-key.pem)", s.mtls)
}

// mtlsOK is the body of an accepted request.
type mtlsOK struct {
	OK          bool   `json:"ok"`
	Subject     string `json:"subject"`
	Issuer      string `json:"issuer"`
	Fingerprint string `json:"sha256_fingerprint"`
	TLSVersion  string `json:"tls_version"`
}

// mtlsError is the body of a refused request.
type mtlsError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// mtls answers 200 with the verified client certificate's subject and
// fingerprint, 401 with how to send one otherwise. The TLS layer already
// verified the certificate against the practice CA
// (tls.VerifyClientCertIfGiven): a certificate it refused never reaches
// here, the handshake failed with a bad_certificate alert.
func (s *Server) mtls(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "mtls")
	var status int
	var body any
	switch {
	case r.TLS == nil:
		tr.Verdict = "plain HTTP: no TLS, so no client certificate"
		status, body = http.StatusUnauthorized, mtlsError{Error: "tls_required",
			Message: "This server runs over plain HTTP, so there is no client certificate to check. Run `authlab serve --tls`: it generates a CA and a client certificate and prints the command to send with them (--cacert, --cert, --key)."}
	case len(r.TLS.VerifiedChains) == 0:
		tr.Verdict = "no client certificate"
		add(tr, "tls version", mtlsVersion(r.TLS.Version))
		status, body = http.StatusUnauthorized, mtlsError{Error: "client_certificate_required",
			Message: "No client certificate was sent. Send the one `authlab serve --tls` generated: authlab send --cacert ca.pem --cert client.pem --key client-key.pem (the server prints the full paths)."}
	default:
		leaf := r.TLS.VerifiedChains[0][0]
		fp := CertFingerprint(leaf.Raw)
		tr.Verdict = "ok"
		add(tr, "client certificate subject", leaf.Subject.String())
		add(tr, "client certificate issuer", leaf.Issuer.String())
		add(tr, "client certificate sha256", fp)
		add(tr, "tls version", mtlsVersion(r.TLS.Version))
		status, body = http.StatusOK, mtlsOK{OK: true, Subject: leaf.Subject.String(), Issuer: leaf.Issuer.String(),
			Fingerprint: fp, TLSVersion: mtlsVersion(r.TLS.Version)}
	}
	s.finish(w, r, tr, status)
	writeJSON(w, status, body)
}

// mtlsVersion names a TLS version ("TLS 1.3").
func mtlsVersion(v uint16) string { return tls.VersionName(v) }
