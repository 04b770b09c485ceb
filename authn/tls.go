package authn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// TLSOptions are a request's TLS settings (curl's --cert, --key, --cacert,
// -k). File contents are read by the engine when it builds the client.
//
// They combine with the engine's Options like this (request options win):
//   - Insecure: verification is skipped when either the request or the
//     engine asks for it (-k is a decision about the whole session).
//   - CACert: the request's bundle is added to the system roots
//     (x509.SystemCertPool; a new pool where the system has none) and
//     replaces Options.RootCAs for this request; without it the engine's
//     RootCAs (or the system roots) stay in force.
//   - Cert/Key: the client certificate is always offered when the server
//     asks for one (RFC 8446 §4.4.2), even if the server's list of
//     acceptable CAs does not name its issuer, as curl does: the server's
//     refusal is a clearer diagnosis than a silently missing certificate.
//     It is offered to the request's origin only: redirect hops to another
//     origin go without it (see clientForOtherOrigin), as credentials do.
type TLSOptions struct {
	Cert        string // client certificate chain, PEM file path (mutual TLS, RFC 8446 §4.4.2)
	Key         string // its private key, PEM file path ("" when it is in Cert's file)
	KeyPassword string // passphrase of an encrypted key, resolved from a reference
	CACert      string // PEM bundle trusted in addition to the system roots
	Insecure    bool   // skip verification of the server's certificate (-k)
}

// tlsZero reports whether t changes nothing about the engine's client.
func tlsZero(t *TLSOptions) bool {
	return t == nil || (t.Cert == "" && t.Key == "" && t.CACert == "" && !t.Insecure)
}

// tlsSessionScheme names the sessions of Engine.tlsClients.
const tlsSessionScheme = "tls-client"

// clientFor returns the HTTP client for t. Every client it returns
// classifies TLS failures into *TLSError (see tlsClassifier).
//
// With no TLS options it is the engine's own client (its transport, so
// connections are reused). Otherwise it is a client whose transport is a
// clone of the engine's (proxy, timeouts, HTTP/2 and the TLS settings of
// Options, including a test's Options.Transport when that is an
// *http.Transport) with t applied. A custom Options.Transport that is not
// an *http.Transport cannot take TLS options: the request is refused.
//
// Built clients are cached in the engine's tlsClients (bounded by
// maxSessions; the least recently created is dropped), keyed by a SHA-256
// hash of the options and of the size and modification time of the files
// they name, so the passphrase is never kept in a key and an edited file is
// read again.
func (e *Engine) clientFor(t *TLSOptions) (*http.Client, error) {
	if tlsZero(t) {
		c := *e.client
		c.Transport = &tlsClassifier{base: e.client.Transport, now: e.opts.Now}
		return &c, nil
	}
	key := Credentials{
		"cert": t.Cert, "key": t.Key, "key_password": t.KeyPassword, "cacert": t.CACert,
		"insecure": strconv.FormatBool(t.Insecure), "files": tlsFileStamps(t.Cert, t.Key, t.CACert),
	}
	sess := e.tlsClients.forCreds(tlsSessionScheme, key)
	var buildErr error
	v := sess.Update("client", func(old any) any {
		if c, ok := old.(*http.Client); ok {
			return c
		}
		c, err := e.tlsBuildClient(t)
		if err != nil {
			buildErr = err
			return nil
		}
		return c
	})
	if buildErr != nil {
		return nil, buildErr
	}
	return v.(*http.Client), nil
}

// clientForOtherOrigin returns the client for redirect hops that left the
// request's origin: t without its client certificate (the CA file and -k
// still apply), so the certificate is offered only to the origin it was
// given for, as credentials are only sent there (RFC 9110 §15.4; a client
// certificate authenticates like any credential, RFC 8446 §4.4.2).
// dropped reports whether t had a certificate to leave out.
func (e *Engine) clientForOtherOrigin(t *TLSOptions) (c *http.Client, dropped bool, err error) {
	if t == nil || (t.Cert == "" && t.Key == "") {
		c, err = e.clientFor(t)
		return c, false, err
	}
	c, err = e.clientFor(&TLSOptions{CACert: t.CACert, Insecure: t.Insecure})
	return c, true, err
}

// tlsFileStamps summarises the files' sizes and modification times.
func tlsFileStamps(paths ...string) string {
	var b strings.Builder
	for _, p := range paths {
		if p == "" {
			b.WriteString("-;")
			continue
		}
		if fi, err := os.Stat(p); err == nil {
			fmt.Fprintf(&b, "%d/%d;", fi.Size(), fi.ModTime().UnixNano())
		} else {
			b.WriteString("?;")
		}
	}
	return b.String()
}

// tlsBuildClient builds a client for t from the engine's transport.
func (e *Engine) tlsBuildClient(t *TLSOptions) (*http.Client, error) {
	base, ok := e.client.Transport.(*http.Transport)
	if !ok {
		return nil, &InputError{Problem: "TLS options (client certificate, CA file, -k) cannot be applied to this engine's custom transport",
			Fix: "use an *http.Transport in Options.Transport, or none"}
	}
	tr := base.Clone()
	cfg := tr.TLSClientConfig
	if cfg == nil {
		cfg = &tls.Config{}
	}
	if t.Insecure {
		cfg.InsecureSkipVerify = true //nolint:gosec // the user asked for -k
	}
	if t.CACert != "" {
		pool, err := tlsRootPool(t.CACert)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	certSent := false
	if t.Cert != "" || t.Key != "" {
		cert, err := tlsLoadClientCert(t.Cert, t.Key, t.KeyPassword)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = nil
		cfg.GetClientCertificate = func(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
			tlsNoteAsked(cri)
			return &cert, nil
		}
		certSent = true
	} else if cfg.GetClientCertificate == nil && len(cfg.Certificates) == 0 {
		cfg.GetClientCertificate = tlsNoClientCert
	}
	tr.TLSClientConfig = cfg
	c := *e.client
	c.Transport = &tlsClassifier{base: tr, certSent: certSent, now: e.opts.Now}
	return &c, nil
}

// tlsAskedKey is the request context key of the *atomic.Bool that
// tlsNoteAsked sets when the server asks for a client certificate. The
// handshake context carries the values of the request that dialled
// (net/http uses context.WithoutCancel).
type tlsAskedKey struct{}

func tlsNoteAsked(cri *tls.CertificateRequestInfo) {
	if f, ok := cri.Context().Value(tlsAskedKey{}).(*atomic.Bool); ok {
		f.Store(true)
	}
}

// tlsNoClientCert answers a CertificateRequest with no certificate (what
// crypto/tls does without one) and notes that the server asked.
func tlsNoClientCert(cri *tls.CertificateRequestInfo) (*tls.Certificate, error) {
	tlsNoteAsked(cri)
	return &tls.Certificate{}, nil
}

// tlsHookOwn installs tlsNoClientCert in the engine's own transport (built
// by New, never a caller's), once, before its first use: clientFor runs
// it under a session lock before it hands the client out.
func tlsHookOwn(rt http.RoundTripper) {
	tr, ok := rt.(*http.Transport)
	if !ok || tr.TLSClientConfig == nil {
		return
	}
	if c := tr.TLSClientConfig; c.GetClientCertificate == nil && len(c.Certificates) == 0 {
		c.GetClientCertificate = tlsNoClientCert
	}
}

// tlsRootPool returns the system roots plus the certificates of the PEM
// file path.
func tlsRootPool(path string) (*x509.CertPool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &InputError{Problem: fmt.Sprintf("cannot read the CA file %q (%v)", path, tlsPathErr(err)), Fix: "check the --cacert path"}
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(data) {
		return nil, &InputError{Problem: fmt.Sprintf("the CA file %q holds no PEM certificate", path),
			Fix: "give a PEM file with BEGIN CERTIFICATE blocks (convert DER with: openssl x509 -inform der -in FILE -out ca.pem)"}
	}
	return pool, nil
}

// tlsPathErr drops the path from an *os.PathError (the message names it).
func tlsPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// tlsLoadClientCert reads the client certificate and its key. keyFile ""
// means the key is in certFile (as curl allows).
func tlsLoadClientCert(certFile, keyFile, pass string) (tls.Certificate, error) {
	if certFile == "" {
		return tls.Certificate{}, &InputError{Problem: "a client key was given without its certificate", Fix: "add --cert FILE (PEM)"}
	}
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, &InputError{Problem: fmt.Sprintf("cannot read the client certificate %q (%v)", certFile, tlsPathErr(err)), Fix: "check the --cert path"}
	}
	keyPEM := certPEM
	keyName := certFile
	if keyFile != "" {
		keyName = keyFile
		if keyPEM, err = os.ReadFile(keyFile); err != nil {
			return tls.Certificate{}, &InputError{Problem: fmt.Sprintf("cannot read the client key %q (%v)", keyFile, tlsPathErr(err)), Fix: "check the --key path"}
		}
	}
	return tlsKeyPair(certPEM, keyPEM, pass, certFile, keyName)
}

// tlsKeyPair parses a PEM certificate chain and a PEM private key (PKCS#1,
// SEC 1 or PKCS#8; a legacy "Proc-Type: 4,ENCRYPTED" key is decrypted with
// pass) and checks that they belong together. certName and keyName name
// the files in errors; errors never quote the key or the passphrase.
func tlsKeyPair(certPEM, keyPEM []byte, pass, certName, keyName string) (tls.Certificate, error) {
	var chain []byte
	for rest := certPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE" {
			chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: b.Type, Bytes: b.Bytes})...)
		}
	}
	if len(chain) == 0 {
		return tls.Certificate{}, &InputError{Problem: fmt.Sprintf("the client certificate file %q holds no PEM certificate", certName),
			Fix: "give a PEM file with a BEGIN CERTIFICATE block (convert DER with: openssl x509 -inform der -in FILE -out cert.pem)"}
	}
	var key *pem.Block
	for rest := keyPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if strings.HasSuffix(b.Type, "PRIVATE KEY") {
			key = b
			break
		}
	}
	if key == nil {
		fix := "pass the key file with --key FILE (PEM, BEGIN PRIVATE KEY)"
		if keyName != certName {
			fix = "give a PEM key file (BEGIN PRIVATE KEY); convert DER with: openssl pkey -inform der -in FILE -out key.pem"
		}
		return tls.Certificate{}, &InputError{Problem: fmt.Sprintf("no PEM private key in %q", keyName), Fix: fix}
	}
	encrypted := false
	switch {
	case key.Type == "ENCRYPTED PRIVATE KEY":
		// PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3, PBES2 of RFC 8018):
		// Go's standard library cannot decrypt it.
		return tls.Certificate{}, &InputError{
			Problem: fmt.Sprintf("the key in %q is an encrypted PKCS#8 key (BEGIN ENCRYPTED PRIVATE KEY), which authlab cannot decrypt", keyName),
			Fix: fmt.Sprintf("decrypt it once with `openssl pkey -in %s -out client-key.pem` (it asks for the passphrase; keep the result chmod 600), "+
				"or re-encrypt it in the legacy format authlab reads with `openssl pkey -in %s -traditional -aes256 -out client-key.pem`", tlsShellQuote(keyName), tlsShellQuote(keyName)),
		}
	case x509.IsEncryptedPEMBlock(key): //nolint:staticcheck // see below
		// RFC 1421 "Proc-Type: 4,ENCRYPTED" PEM, as written by
		// `openssl rsa|ec -aes256 -traditional`. x509.DecryptPEMBlock is
		// deprecated (the format has no integrity check, so a wrong
		// passphrase is not always detected, and uses MD5 to derive the
		// key) but it is the standard library's only way to read these
		// files, which are still common; a wrong passphrase that slips
		// through fails to parse below and is reported as such.
		if pass == "" {
			return tls.Certificate{}, &InputError{Problem: fmt.Sprintf("the key in %q is encrypted", keyName),
				Fix: "give its passphrase with --key-pass env:NAME, file:PATH, keyring:NAME or prompt"}
		}
		der, err := x509.DecryptPEMBlock(key, []byte(pass)) //nolint:staticcheck // the only stdlib reader of legacy encrypted PEM
		if err != nil {
			if errors.Is(err, x509.IncorrectPasswordError) {
				return tls.Certificate{}, &InputError{Problem: fmt.Sprintf("wrong passphrase for the key in %q", keyName), Fix: "check the --key-pass reference"}
			}
			return tls.Certificate{}, &InputError{Problem: fmt.Sprintf("cannot decrypt the key in %q", keyName), Fix: "check the file and the --key-pass reference"}
		}
		key = &pem.Block{Type: key.Type, Bytes: der}
		encrypted = true
	}
	cert, err := tls.X509KeyPair(chain, pem.EncodeToMemory(&pem.Block{Type: key.Type, Bytes: key.Bytes}))
	if err != nil {
		if encrypted {
			return tls.Certificate{}, &InputError{Problem: fmt.Sprintf("the key in %q cannot be read after decryption", keyName),
				Fix: "the passphrase is probably wrong: check the --key-pass reference"}
		}
		// X509KeyPair's messages ("private key does not match public key")
		// name no key material.
		return tls.Certificate{}, &InputError{Problem: fmt.Sprintf("the key in %q does not fit the certificate in %q (%s)", keyName, certName, strings.TrimPrefix(err.Error(), "tls: ")),
			Fix: "pass the key that belongs to this certificate with --key"}
	}
	return cert, nil
}

// tlsShellQuote quotes a path for a command to paste into a POSIX shell.
func tlsShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// tlsClassifier turns TLS failures of its base transport into *TLSError.
// certSent says whether a client certificate is configured (offered when
// asked for), to tell "required" from "refused".
type tlsClassifier struct {
	base     http.RoundTripper
	certSent bool
	now      func() time.Time
}

func (t *tlsClassifier) RoundTrip(r *http.Request) (*http.Response, error) {
	asked := new(atomic.Bool)
	resp, err := t.base.RoundTrip(r.WithContext(context.WithValue(r.Context(), tlsAskedKey{}, asked)))
	if err != nil {
		now := time.Now()
		if t.now != nil {
			now = t.now()
		}
		if te := tlsClassify(err, r.URL.Hostname(), t.certSent, asked.Load(), now); te != nil {
			return nil, te
		}
	}
	return resp, err
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the base
// transport.
func (t *tlsClassifier) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
