package authn

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"reflect"
	"strings"
	"time"
)

// TLSKind classifies a TLS failure.
type TLSKind string

// The kinds of TLS failure authlab tells apart.
const (
	// TLSUnknownAuthority: the server's chain does not lead to a trusted
	// root (a private CA, a self-signed certificate, a missing
	// intermediate). RFC 5280 §6.
	TLSUnknownAuthority TLSKind = "unknown-authority"
	// TLSNameMismatch: the certificate is not for the host in the URL
	// (RFC 6125 §6; RFC 9110 §4.3.4).
	TLSNameMismatch TLSKind = "name-mismatch"
	// TLSExpired: a certificate of the chain expired (RFC 5280 §4.1.2.5).
	TLSExpired TLSKind = "expired"
	// TLSNotYetValid: a certificate of the chain is not valid yet.
	TLSNotYetValid TLSKind = "not-yet-valid"
	// TLSInvalid: the chain is unusable for another reason (key usage,
	// constraints, a CA that may not sign).
	TLSInvalid TLSKind = "invalid-certificate"
	// TLSClientCertRequired: the server wants a client certificate (mutual
	// TLS, RFC 8446 §4.4.2) and none was configured.
	TLSClientCertRequired TLSKind = "client-certificate-required"
	// TLSClientCertRejected: a client certificate was offered and the
	// server refused it.
	TLSClientCertRejected TLSKind = "client-certificate-rejected"
	// TLSNotTLS: the server answered in plain HTTP on an https:// URL.
	TLSNotTLS TLSKind = "not-tls"
	// TLSHandshake: any other handshake failure (protocol versions,
	// ciphers, an alert).
	TLSHandshake TLSKind = "handshake-failure"
)

// CertInfo describes one certificate the server sent. Every string in it
// is chosen by the server: front ends sanitize before printing.
type CertInfo struct {
	Subject   string    // RFC 2253 form, e.g. "CN=a.example,O=Example"
	Issuer    string    // likewise
	DNSNames  []string  // subject alternative names (RFC 5280 §4.2.1.6)
	IPs       []string  // IP address SANs
	NotBefore time.Time // validity (RFC 5280 §4.1.2.5)
	NotAfter  time.Time
	SHA256    string // fingerprint of the DER certificate, "AB:CD:…" (as openssl x509 -fingerprint -sha256)
	IsCA      bool
}

// NewCertInfo describes c.
func NewCertInfo(c *x509.Certificate) CertInfo {
	sum := sha256.Sum256(c.Raw)
	fp := make([]string, len(sum))
	for i, b := range sum {
		fp[i] = fmt.Sprintf("%02X", b)
	}
	ci := CertInfo{
		Subject: c.Subject.String(), Issuer: c.Issuer.String(), DNSNames: append([]string(nil), c.DNSNames...),
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), SHA256: strings.Join(fp, ":"), IsCA: c.IsCA,
	}
	for _, ip := range c.IPAddresses {
		ci.IPs = append(ci.IPs, ip.String())
	}
	return ci
}

// Names lists the DNS and IP names the certificate is valid for.
func (c CertInfo) Names() []string {
	return append(append([]string(nil), c.DNSNames...), c.IPs...)
}

// String is the one-line summary used in error messages.
func (c CertInfo) String() string {
	names := "none"
	if n := c.Names(); len(n) > 0 {
		names = strings.Join(tlsFirst(n, 8), ", ")
	}
	return fmt.Sprintf("subject %q; issuer %q; names %s; valid %s to %s; SHA-256 %s",
		tlsShort(c.Subject), tlsShort(c.Issuer), names, c.NotBefore.Format(tlsDate), c.NotAfter.Format(tlsDate), c.SHA256)
}

const tlsDate = "2006-01-02 15:04 MST"

// TLSError is a TLS failure, classified, with the certificates the server
// sent (leaf first) when the handshake got that far. Its message is one
// line: what went wrong, what to do, and the server certificate's details.
// Certificate fields are server text: front ends sanitize the message.
type TLSError struct {
	Kind  TLSKind
	Host  string     // the host name or IP the client connected to
	Chain []CertInfo // as the server sent it, leaf first; empty when none arrived
	// Bad is the index in Chain of the certificate at fault (expired, not
	// yet valid); 0 otherwise.
	Bad int
	// Alert is the TLS alert the server sent (RFC 8446 §6), "" when none.
	Alert string
	At    time.Time // when the failure happened (engine clock)
	Err   error     // the underlying error (crypto/tls, crypto/x509)
}

func (e *TLSError) Unwrap() error { return e.Err }

// Timeout reports false: a TLS failure is not a timeout (net.Error).
func (e *TLSError) Timeout() bool { return false }

// Temporary reports false (net.Error).
func (e *TLSError) Temporary() bool { return false }

// Problem is what went wrong, in one sentence.
func (e *TLSError) Problem() string {
	host := e.Host
	var leaf, bad CertInfo
	if len(e.Chain) > 0 {
		leaf = e.Chain[0]
		bad = leaf
		if e.Bad > 0 && e.Bad < len(e.Chain) {
			bad = e.Chain[e.Bad]
		}
	}
	which := "the certificate of " + host
	if e.Bad > 0 {
		which = fmt.Sprintf("a CA certificate in the chain of %s (%q)", host, tlsShort(bad.Subject))
	}
	switch e.Kind {
	case TLSUnknownAuthority:
		if len(e.Chain) == 1 && leaf.Subject == leaf.Issuer {
			return fmt.Sprintf("the certificate of %s is self-signed (%q) and not trusted here", host, tlsShort(leaf.Subject))
		}
		if len(e.Chain) > 0 {
			top := e.Chain[len(e.Chain)-1]
			return fmt.Sprintf("the certificate of %s is issued by %q, an authority not trusted here", host, tlsShort(top.Issuer))
		}
		return fmt.Sprintf("the certificate of %s is signed by an authority not trusted here", host)
	case TLSNameMismatch:
		names := leaf.Names()
		if len(names) == 0 {
			return fmt.Sprintf("the certificate sent by %s names no host (no subject alternative names; the legacy Common Name %q is not used, RFC 6125 §6.4.4)", host, tlsShort(leaf.Subject))
		}
		return fmt.Sprintf("the certificate sent by %s is for %s, not %s", host, strings.Join(tlsFirst(names, 8), ", "), host)
	case TLSExpired:
		return fmt.Sprintf("%s expired on %s (%s ago)", which, bad.NotAfter.Format(tlsDate), tlsSince(e.At.Sub(bad.NotAfter)))
	case TLSNotYetValid:
		return fmt.Sprintf("%s is not valid until %s (in %s)", which, bad.NotBefore.Format(tlsDate), tlsSince(bad.NotBefore.Sub(e.At)))
	case TLSInvalid:
		return fmt.Sprintf("the certificate chain of %s is invalid (%s)", host, tlsShort(tlsCause(e.Err)))
	case TLSClientCertRequired:
		return fmt.Sprintf("%s requires a client certificate (mutual TLS) and none was sent", host)
	case TLSClientCertRejected:
		a := ""
		if e.Alert != "" {
			a = fmt.Sprintf(" (TLS alert %q)", e.Alert)
		}
		return fmt.Sprintf("%s refused the client certificate%s", host, a)
	case TLSNotTLS:
		return fmt.Sprintf("%s did not answer in TLS (plain HTTP, or another protocol, on this port)", host)
	}
	return fmt.Sprintf("the TLS handshake with %s failed (%s)", host, tlsShort(tlsCause(e.Err)))
}

// Fix is what to do about it.
func (e *TLSError) Fix() string {
	switch e.Kind {
	case TLSUnknownAuthority:
		return "if you trust that CA, pass its certificate with --cacert FILE (-k skips verification: unsafe)"
	case TLSNameMismatch:
		return "check the host name in the URL, or use a name the certificate lists"
	case TLSExpired:
		return "the server must renew its certificate; if the date looks wrong, check this computer's clock"
	case TLSNotYetValid:
		return "check this computer's clock; otherwise the server's certificate was issued for a future date"
	case TLSInvalid:
		return "the server's certificate chain must be fixed (-k skips verification: unsafe)"
	case TLSClientCertRequired:
		return "pass one with --cert FILE --key FILE (PEM)"
	case TLSClientCertRejected:
		return "check it is issued by a CA the server trusts, has not expired, and is meant for client authentication"
	case TLSNotTLS:
		return "use http://, or the port where the server speaks TLS"
	}
	if e.Alert != "" && e.Kind == TLSHandshake {
		return "check the URL's port and the server's TLS settings; the server may want a client certificate (--cert, --key)"
	}
	return "check the URL's port and the server's TLS settings"
}

// Error is one line: "TLS: problem: fix [certificate: details]".
func (e *TLSError) Error() string {
	s := "TLS: " + e.Problem() + ": " + e.Fix()
	if len(e.Chain) > 0 {
		s += " [server certificate: " + e.Chain[0].String()
		if n := len(e.Chain); n > 1 {
			s += fmt.Sprintf("; %d certificates in the chain", n)
		}
		s += "]"
	}
	return s
}

// tlsClassify returns err as a *TLSError when it is a TLS failure (nil
// otherwise). host is the host the request went to; certSent says whether
// a client certificate was configured; asked whether the server asked for
// one during the handshake (a CertificateRequest, RFC 8446 §4.3.2); now is
// the engine's clock.
//
// The server's chain comes from *tls.CertificateVerificationError, which
// crypto/tls returns (since Go 1.20) when its own verification fails: it
// holds the certificates the server sent. So authlab keeps Go's default
// verification exactly (no second implementation to drift from it) and
// still shows what the server presented.
func tlsClassify(err error, host string, certSent, asked bool, now time.Time) *TLSError {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	var already *TLSError
	if errors.As(err, &already) {
		return already
	}
	te := &TLSError{Kind: TLSHandshake, Host: host, At: now, Err: err}
	var cve *tls.CertificateVerificationError
	if errors.As(err, &cve) {
		for _, c := range cve.UnverifiedCertificates {
			te.Chain = append(te.Chain, NewCertInfo(c))
		}
	}
	var (
		ua x509.UnknownAuthorityError
		he x509.HostnameError
		ci x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &ua):
		te.Kind = TLSUnknownAuthority
		tlsEnsureLeaf(te, ua.Cert)
	case errors.As(err, &he):
		te.Kind = TLSNameMismatch
		tlsEnsureLeaf(te, he.Certificate)
	case errors.As(err, &ci):
		te.Kind = TLSInvalid
		tlsEnsureLeaf(te, ci.Cert)
		if ci.Reason == x509.Expired && ci.Cert != nil {
			te.Kind = TLSExpired
			if now.Before(ci.Cert.NotBefore) {
				te.Kind = TLSNotYetValid
			}
			if cve != nil {
				for i, c := range cve.UnverifiedCertificates {
					if c.Equal(ci.Cert) {
						te.Bad = i
					}
				}
			}
		}
	case cve != nil:
		te.Kind = TLSInvalid
	default:
		code, name, ok := tlsRemoteAlert(err)
		switch {
		case ok:
			te.Alert = name
			switch code {
			case 116: // certificate_required (RFC 8446 §6.2)
				te.Kind = TLSClientCertRequired
			case 42, 43, 44, 45, 46, 48: // bad/unsupported/revoked/expired/unknown certificate, unknown_ca
				te.Kind = TLSClientCertRequired
				if certSent {
					te.Kind = TLSClientCertRejected
				}
			}
			// TLS 1.2 servers answer a missing certificate with
			// handshake_failure (RFC 5246 §7.4.6): it means that only
			// when the server did ask for one.
			if code == 40 && asked {
				te.Kind = TLSClientCertRequired
			}
			if te.Kind == TLSClientCertRequired && certSent {
				te.Kind = TLSClientCertRejected
			}
		case errors.As(err, new(tls.RecordHeaderError)) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
			te.Kind = TLSNotTLS
		default:
			var ae tls.AlertError
			var ee *tls.ECHRejectionError
			if !errors.As(err, &ae) && !errors.As(err, &ee) && !strings.Contains(err.Error(), "tls: ") {
				return nil // not a TLS failure (connection refused, DNS, …)
			}
		}
	}
	return te
}

// tlsEnsureLeaf fills the chain from the x509 error when crypto/tls did not
// wrap it (a caller's own verification).
func tlsEnsureLeaf(te *TLSError, c *x509.Certificate) {
	if len(te.Chain) == 0 && c != nil {
		te.Chain = []CertInfo{NewCertInfo(c)}
	}
}

// tlsRemoteAlert finds an alert the peer sent. crypto/tls reports it as a
// *net.OpError{Op: "remote error"} around its unexported alert type (a
// uint8), whose code is read by reflection; the alert's text is the
// RFC 8446 §6 description ("tls: certificate required").
func tlsRemoteAlert(err error) (code uint8, name string, ok bool) {
	for e := err; e != nil; e = errors.Unwrap(e) {
		oe, isOp := e.(*net.OpError)
		if !isOp || oe.Op != "remote error" || oe.Err == nil {
			continue
		}
		v := reflect.ValueOf(oe.Err)
		if v.Kind() == reflect.Uint8 && v.Type().PkgPath() == "crypto/tls" {
			return uint8(v.Uint()), strings.TrimPrefix(oe.Err.Error(), "tls: "), true
		}
	}
	// Some transports flatten the error to text.
	s := err.Error()
	if i := strings.Index(s, "remote error: tls: "); i >= 0 {
		name = strings.TrimSpace(s[i+len("remote error: tls: "):])
		for _, a := range []struct {
			code uint8
			name string
		}{{116, "certificate required"}, {42, "bad certificate"}, {48, "unknown certificate authority"}, {46, "unknown certificate"}, {45, "expired certificate"}} {
			if strings.HasPrefix(name, a.name) {
				return a.code, a.name, true
			}
		}
		return 0, name, true
	}
	return 0, "", false
}

// tlsCause is the error's message without crypto/tls's prefix.
func tlsCause(err error) string {
	if err == nil {
		return "unknown error"
	}
	return strings.TrimPrefix(err.Error(), "tls: ")
}

// tlsSince renders a positive duration in words ("3 days", "5 hours").
func tlsSince(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	}
	return fmt.Sprintf("%d seconds", int(d/time.Second))
}

// tlsShort shortens server text for a message (200 bytes, rune-safe).
func tlsShort(s string) string { return hintShorten(s, 200) }

// tlsFirst returns at most n names, with a count of the rest.
func tlsFirst(names []string, n int) []string {
	if len(names) <= n {
		return names
	}
	out := append([]string(nil), names[:n]...)
	return append(out, fmt.Sprintf("and %d more", len(names)-n))
}
