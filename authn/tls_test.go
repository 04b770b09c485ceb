package authn

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/internal/testcert"
	"github.com/authlab/authlab/internal/testenv"
)

// tlsTestCert is a certificate with its key, as written to PEM files.
type tlsTestCert struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
	keyPEM  []byte // PKCS#8
}

func (c tlsTestCert) pair(t *testing.T) tls.Certificate {
	t.Helper()
	kp, err := tls.X509KeyPair(c.certPEM, c.keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return kp
}

// tlsTestIssue makes a certificate from tmpl, signed by parent (self-signed
// when nil).
func tlsTestIssue(t *testing.T, tmpl *x509.Certificate, parent *tlsTestCert) tlsTestCert {
	t.Helper()
	var p *testcert.Cert
	if parent != nil {
		p = &testcert.Cert{Cert: parent.cert, Key: parent.key}
	}
	c := testcert.Issue(t, tmpl, p)
	return tlsTestCert{cert: c.Cert, key: c.Key, certPEM: c.CertPEM, keyPEM: c.KeyPEM}
}

func tlsTestCA(t *testing.T, cn string) tlsTestCert {
	return tlsTestIssue(t, &x509.Certificate{Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}, nil)
}

func tlsTestServerCert(t *testing.T, ca *tlsTestCert, dns []string, ips []string, notBefore, notAfter time.Time) tlsTestCert {
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "test server"}, DNSNames: dns, NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	for _, ip := range ips {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(ip))
	}
	return tlsTestIssue(t, tmpl, ca)
}

func tlsTestClientCert(t *testing.T, ca *tlsTestCert, cn string) tlsTestCert {
	return tlsTestIssue(t, &x509.Certificate{Subject: pkix.Name{CommonName: cn},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}, ca)
}

func tlsTestWrite(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// tlsTestServer starts a loopback TLS server presenting chain (leaf first)
// that answers 200 with the client certificate's CN ("-" without one).
func tlsTestServer(t *testing.T, leaf tlsTestCert, extra []*x509.Certificate, cfg func(*tls.Config)) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := "-"
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		io.WriteString(w, "client="+cn)
	}))
	kp := leaf.pair(t)
	for _, c := range extra {
		kp.Certificate = append(kp.Certificate, c.Raw)
	}
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{kp}}
	if cfg != nil {
		cfg(srv.TLS)
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func tlsTestSend(t *testing.T, opts Options, url string, o *TLSOptions) (*Result, error) {
	t.Helper()
	e := New(opts)
	t.Cleanup(e.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return e.Exchange(ctx, Request{URL: url, TLS: o})
}

func tlsTestAs(t *testing.T, err error, kind TLSKind) *TLSError {
	t.Helper()
	var te *TLSError
	if !errors.As(err, &te) {
		t.Fatalf("error = %v (%T); want a *TLSError", err, err)
	}
	if te.Kind != kind {
		t.Fatalf("Kind = %q; want %q (%v)", te.Kind, kind, te)
	}
	if strings.ContainsAny(te.Error(), "\n\r") {
		t.Errorf("message spans lines: %q", te.Error())
	}
	return te
}

func tlsTestContains(t *testing.T, msg string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}
}

func TestTLSUnknownAuthority(t *testing.T) {
	ca := tlsTestCA(t, "Unknown Test CA")
	leaf := tlsTestServerCert(t, &ca, nil, []string{"127.0.0.1"}, time.Time{}, time.Time{})
	srv := tlsTestServer(t, leaf, nil, nil)
	res, err := tlsTestSend(t, Options{}, srv.URL, nil)
	te := tlsTestAs(t, err, TLSUnknownAuthority)
	tlsTestContains(t, te.Error(), "CN=Unknown Test CA", "--cacert FILE", "127.0.0.1", NewCertInfo(leaf.cert).SHA256)
	if len(te.Chain) != 1 || te.Chain[0].Subject != "CN=test server" || te.Chain[0].IPs[0] != "127.0.0.1" {
		t.Errorf("Chain = %+v; want the leaf CN=test server for 127.0.0.1", te.Chain)
	}
	// Go's own classification stays reachable: the verification is Go's.
	var ua x509.UnknownAuthorityError
	if !errors.As(err, &ua) {
		t.Errorf("errors.As(x509.UnknownAuthorityError) = false for %v", err)
	}
	if res == nil || len(res.Exchanges) != 1 || res.Exchanges[0].Response != nil {
		t.Errorf("Result should record the one failed exchange")
	}
}

// The whole chain the server sent is reported, not only the leaf, and a
// self-signed certificate is called so.
func TestTLSUnknownAuthorityChainAndSelfSigned(t *testing.T) {
	root := tlsTestCA(t, "Root CA")
	inter := tlsTestIssue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Intermediate CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, &root)
	leaf := tlsTestServerCert(t, &inter, []string{"localhost"}, []string{"127.0.0.1"}, time.Time{}, time.Time{})
	srv := tlsTestServer(t, leaf, []*x509.Certificate{inter.cert}, nil)
	_, err := tlsTestSend(t, Options{}, srv.URL, nil)
	te := tlsTestAs(t, err, TLSUnknownAuthority)
	if len(te.Chain) != 2 || te.Chain[1].Subject != "CN=Intermediate CA" || !te.Chain[1].IsCA {
		t.Fatalf("Chain = %+v; want leaf and intermediate", te.Chain)
	}
	tlsTestContains(t, te.Error(), `issued by "CN=Root CA"`, "2 certificates in the chain")

	self := tlsTestIssue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "selfie"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}, nil)
	srv2 := tlsTestServer(t, self, nil, nil)
	_, err = tlsTestSend(t, Options{}, srv2.URL, nil)
	tlsTestContains(t, tlsTestAs(t, err, TLSUnknownAuthority).Error(), `self-signed ("CN=selfie")`)
}

func TestTLSNameMismatch(t *testing.T) {
	ca := tlsTestCA(t, "Names CA")
	leaf := tlsTestServerCert(t, &ca, []string{"a.example", "b.example"}, []string{"10.9.8.7"}, time.Time{}, time.Time{})
	srv := tlsTestServer(t, leaf, nil, nil)
	caFile := tlsTestWrite(t, "ca.pem", ca.certPEM)
	_, err := tlsTestSend(t, Options{}, srv.URL, &TLSOptions{CACert: caFile})
	te := tlsTestAs(t, err, TLSNameMismatch)
	tlsTestContains(t, te.Error(), "is for a.example, b.example, 10.9.8.7, not 127.0.0.1", "check the host name")
}

func TestTLSExpiredAndNotYetValid(t *testing.T) {
	ca := tlsTestCA(t, "Clock CA")
	caFile := tlsTestWrite(t, "ca.pem", ca.certPEM)
	now := time.Now()
	tests := []struct {
		name       string
		nb, na     time.Time
		kind       TLSKind
		wantInText []string
	}{
		{"expired", now.Add(-30 * 24 * time.Hour), now.Add(-80 * time.Hour), TLSExpired,
			[]string{"expired on " + now.Add(-80*time.Hour).UTC().Format(tlsDate), "(3 days ago)", "renew"}},
		{"not yet valid", now.Add(50 * time.Hour), now.Add(30 * 24 * time.Hour), TLSNotYetValid,
			[]string{"not valid until " + now.Add(50*time.Hour).UTC().Format(tlsDate), "(in 2 days)", "clock"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaf := tlsTestServerCert(t, &ca, nil, []string{"127.0.0.1"}, tt.nb, tt.na)
			srv := tlsTestServer(t, leaf, nil, nil)
			_, err := tlsTestSend(t, Options{}, srv.URL, &TLSOptions{CACert: caFile})
			tlsTestContains(t, tlsTestAs(t, err, tt.kind).Error(), tt.wantInText...)
		})
	}
}

func TestTLSClientCertificateRequiredAndRejected(t *testing.T) {
	ca := tlsTestCA(t, "mTLS CA")
	other := tlsTestCA(t, "Other CA")
	caFile := tlsTestWrite(t, "ca.pem", ca.certPEM)
	leaf := tlsTestServerCert(t, &ca, nil, []string{"127.0.0.1"}, time.Time{}, time.Time{})
	stranger := tlsTestClientCert(t, &other, "stranger")
	strangerCert, strangerKey := tlsTestWrite(t, "c.pem", stranger.certPEM), tlsTestWrite(t, "k.pem", stranger.keyPEM)
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(tls.VersionName(v), func(t *testing.T) {
			srv := tlsTestServer(t, leaf, nil, func(c *tls.Config) {
				c.ClientAuth, c.ClientCAs, c.MaxVersion = tls.RequireAndVerifyClientCert, pool, v
			})
			_, err := tlsTestSend(t, Options{}, srv.URL, &TLSOptions{CACert: caFile})
			te := tlsTestAs(t, err, TLSClientCertRequired)
			tlsTestContains(t, te.Error(), "requires a client certificate", "--cert FILE --key FILE")
			// The same through the engine's own client (no request options).
			_, err = tlsTestSend(t, Options{RootCAs: pool}, srv.URL, nil)
			tlsTestAs(t, err, TLSClientCertRequired)

			_, err = tlsTestSend(t, Options{}, srv.URL, &TLSOptions{CACert: caFile, Cert: strangerCert, Key: strangerKey})
			te = tlsTestAs(t, err, TLSClientCertRejected)
			tlsTestContains(t, te.Error(), "refused the client certificate", "TLS alert")
		})
	}
}

func TestTLSSuccessWithCACertAndInsecure(t *testing.T) {
	ca := tlsTestCA(t, "Good CA")
	leaf := tlsTestServerCert(t, &ca, nil, []string{"127.0.0.1"}, time.Time{}, time.Time{})
	srv := tlsTestServer(t, leaf, nil, nil)
	caFile := tlsTestWrite(t, "ca.pem", ca.certPEM)
	wrongPool := x509.NewCertPool()
	wrongPool.AddCert(tlsTestCA(t, "unrelated").cert)
	tests := []struct {
		name string
		opts Options
		tls  *TLSOptions
	}{
		{"request cacert", Options{}, &TLSOptions{CACert: caFile}},
		{"request cacert wins over engine roots", Options{RootCAs: wrongPool}, &TLSOptions{CACert: caFile}},
		{"request -k", Options{}, &TLSOptions{Insecure: true}},
		{"engine -k", Options{Insecure: true}, nil},
		{"engine -k, request cacert", Options{Insecure: true}, &TLSOptions{CACert: caFile}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tlsTestSend(t, tt.opts, srv.URL, tt.tls)
			if err != nil {
				t.Fatalf("Exchange = %v", err)
			}
			if got := res.Final().Response.Status; got != 200 {
				t.Errorf("status = %d; want 200", got)
			}
		})
	}
}

func TestTLSMutualSuccessAndKeyFiles(t *testing.T) {
	ca := tlsTestCA(t, "mTLS CA")
	leaf := tlsTestServerCert(t, &ca, nil, []string{"127.0.0.1"}, time.Time{}, time.Time{})
	client := tlsTestClientCert(t, &ca, "alice")
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	srv := tlsTestServer(t, leaf, nil, func(c *tls.Config) { c.ClientAuth, c.ClientCAs = tls.RequireAndVerifyClientCert, pool })
	caFile := tlsTestWrite(t, "ca.pem", ca.certPEM)

	const pass = "s3cr3t-passphrase"
	legacy := tlsTestLegacyKey(t, client.key, pass)
	tests := []struct {
		name string
		o    TLSOptions
	}{
		{"cert and key files", TLSOptions{Cert: tlsTestWrite(t, "c.pem", client.certPEM), Key: tlsTestWrite(t, "k.pem", client.keyPEM)}},
		{"key in the cert file", TLSOptions{Cert: tlsTestWrite(t, "both.pem", append(append([]byte{}, client.certPEM...), client.keyPEM...))}},
		{"legacy encrypted key", TLSOptions{Cert: tlsTestWrite(t, "c.pem", client.certPEM), Key: tlsTestWrite(t, "enc.pem", legacy), KeyPassword: pass}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.CACert = caFile
			res, err := tlsTestSend(t, Options{}, srv.URL, &tt.o)
			if err != nil {
				t.Fatalf("Exchange = %v", err)
			}
			if got := string(res.Final().Response.Body); got != "client=alice" {
				t.Errorf("body = %q; want client=alice", got)
			}
		})
	}
}

// tlsTestLegacyKey encrypts a key as RFC 1421 "Proc-Type: 4,ENCRYPTED" PEM,
// the format of `openssl ec -aes256`.
func tlsTestLegacyKey(t *testing.T, key *ecdsa.PrivateKey, pass string) []byte {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", der, []byte(pass), x509.PEMCipherAES256) //nolint:staticcheck // test fixture of the legacy format
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(b)
}

// OpenSSL is the independent writer of encrypted keys: a legacy PEM key it
// encrypts is read with the passphrase; its encrypted PKCS#8 is refused with
// the command that converts it.
func TestTLSOpenSSLEncryptedKeys(t *testing.T) {
	openssl := testenv.Program(t, "openssl", "openssl")
	ca := tlsTestCA(t, "CA")
	client := tlsTestClientCert(t, &ca, "bob")
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.pem")
	os.WriteFile(plain, client.keyPEM, 0o600)
	legacy, pkcs8 := filepath.Join(dir, "legacy.pem"), filepath.Join(dir, "pkcs8.pem")
	const pass = "openssl-pass"
	for _, args := range [][]string{
		{"ec", "-in", plain, "-aes256", "-passout", "pass:" + pass, "-out", legacy},
		{"pkcs8", "-topk8", "-in", plain, "-v2", "aes-256-cbc", "-passout", "pass:" + pass, "-out", pkcs8},
	} {
		if out, err := exec.Command(openssl, args...).CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	legacyPEM, _ := os.ReadFile(legacy)
	if !strings.Contains(string(legacyPEM), "Proc-Type: 4,ENCRYPTED") {
		t.Fatalf("openssl ec -aes256 wrote no legacy encrypted PEM:\n%s", legacyPEM)
	}
	if _, err := tlsKeyPair(client.certPEM, legacyPEM, pass, "c.pem", legacy); err != nil {
		t.Errorf("legacy key from openssl with the right passphrase: %v", err)
	}
	pkcs8PEM, _ := os.ReadFile(pkcs8)
	_, err := tlsKeyPair(client.certPEM, pkcs8PEM, pass, "c.pem", pkcs8)
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "encrypted PKCS#8") || !strings.Contains(err.Error(), "openssl pkey -in") {
		t.Errorf("encrypted PKCS#8: err = %v; want an InputError naming the openssl command", err)
	}
	// The conversion the message suggests works and is then readable.
	conv := filepath.Join(dir, "conv.pem")
	if out, err := exec.Command(openssl, "pkey", "-in", pkcs8, "-passin", "pass:"+pass, "-traditional", "-aes256", "-passout", "pass:"+pass, "-out", conv).CombinedOutput(); err != nil {
		t.Fatalf("openssl pkey -traditional: %v\n%s", err, out)
	}
	convPEM, _ := os.ReadFile(conv)
	if _, err := tlsKeyPair(client.certPEM, convPEM, pass, "c.pem", conv); err != nil {
		t.Errorf("key converted as the message says: %v", err)
	}
}

func TestTLSKeyErrors(t *testing.T) {
	ca := tlsTestCA(t, "CA")
	client := tlsTestClientCert(t, &ca, "carol")
	other := tlsTestClientCert(t, &ca, "dave")
	const pass = "correct horse"
	legacy := tlsTestLegacyKey(t, client.key, pass)
	tests := []struct {
		name          string
		cert, key     []byte
		pass          string
		want          string
		mustNotReveal string
	}{
		{"no certificate", client.keyPEM, client.keyPEM, "", "holds no PEM certificate", ""},
		{"no key", client.certPEM, client.certPEM, "", "no PEM private key", ""},
		{"key of another cert", client.certPEM, other.keyPEM, "", "does not fit the certificate", ""},
		{"encrypted, no passphrase", client.certPEM, legacy, "", "--key-pass env:NAME", ""},
		{"encrypted, wrong passphrase", client.certPEM, legacy, "not the passphrase", "passphrase", "not the passphrase"},
		{"encrypted PKCS#8", client.certPEM, []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"), pass, "cannot decrypt", pass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tlsKeyPair(tt.cert, tt.key, tt.pass, "c.pem", "k.pem")
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("tlsKeyPair = %v; want an *InputError", err)
			}
			tlsTestContains(t, err.Error(), tt.want)
			if tt.mustNotReveal != "" && strings.Contains(err.Error(), tt.mustNotReveal) {
				t.Errorf("error %q reveals the passphrase", err)
			}
			if strings.Contains(err.Error(), "-----") {
				t.Errorf("error %q quotes PEM", err)
			}
		})
	}
	// Through the engine: a missing file is an InputError naming it.
	_, err := tlsTestSend(t, Options{}, "https://127.0.0.1:1/", &TLSOptions{Cert: "/nonexistent/c.pem"})
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), `"/nonexistent/c.pem"`) {
		t.Errorf("missing cert file: err = %v; want an InputError naming it", err)
	}
}

func TestTLSClientCache(t *testing.T) {
	ca := tlsTestCA(t, "CA")
	client := tlsTestClientCert(t, &ca, "erin")
	certFile, keyFile := tlsTestWrite(t, "c.pem", client.certPEM), tlsTestWrite(t, "k.pem", client.keyPEM)
	e := New(Options{})
	defer e.Close()
	o := &TLSOptions{Cert: certFile, Key: keyFile, KeyPassword: "p1"}
	a, err := e.clientFor(o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := e.clientFor(&TLSOptions{Cert: certFile, Key: keyFile, KeyPassword: "p1"})
	if a != b {
		t.Error("same options built a second client; want the cached one")
	}
	c, _ := e.clientFor(&TLSOptions{Cert: certFile, Key: keyFile, KeyPassword: "p2"})
	if c == a {
		t.Error("another passphrase reused the client")
	}
	// An edited file is read again.
	other := tlsTestClientCert(t, &ca, "frank")
	os.WriteFile(certFile, append(other.certPEM, ' '), 0o600)
	os.WriteFile(keyFile, other.keyPEM, 0o600)
	d, err := e.clientFor(o)
	if err != nil || d == a {
		t.Errorf("after editing the files: same client %v, err %v; want a new one", d == a, err)
	}
	// The cache key is a hash: no session key holds the passphrase.
	e.sessions.mu.Lock()
	for k := range e.sessions.byKey {
		if strings.Contains(k, "p1") || strings.Contains(k, certFile) {
			t.Errorf("session key %q holds the options in the clear", k)
		}
	}
	e.sessions.mu.Unlock()
	// No options: the engine's own transport (connection reuse).
	z, _ := e.clientFor(nil)
	if tc, ok := z.Transport.(*tlsClassifier); !ok || tc.base != e.client.Transport {
		t.Errorf("clientFor(nil) does not wrap the engine's transport")
	}
}

type tlsRoundTripFunc func(*http.Request) (*http.Response, error)

func (f tlsRoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTLSCustomTransport(t *testing.T) {
	rt := tlsRoundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("unused") })
	e := New(Options{Transport: rt})
	defer e.Close()
	if _, err := e.clientFor(&TLSOptions{Insecure: true}); err == nil {
		t.Error("TLS options on a custom RoundTripper: err = nil; want an InputError")
	}
	// An *http.Transport given by a test is cloned with the options applied.
	ca := tlsTestCA(t, "CA")
	leaf := tlsTestServerCert(t, &ca, nil, []string{"127.0.0.1"}, time.Time{}, time.Time{})
	srv := tlsTestServer(t, leaf, nil, nil)
	res, err := tlsTestSend(t, Options{Transport: &http.Transport{}}, srv.URL, &TLSOptions{CACert: tlsTestWrite(t, "ca.pem", ca.certPEM)})
	if err != nil || res.Final().Response.Status != 200 {
		t.Errorf("test transport + cacert: err = %v", err)
	}
}

func TestTLSNotTLS(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	_, err := tlsTestSend(t, Options{}, strings.Replace(srv.URL, "http://", "https://", 1), nil)
	tlsTestContains(t, tlsTestAs(t, err, TLSNotTLS).Error(), "use http://")
}

// Not TLS failures stay what they were.
func TestTLSClassifyLeavesOtherErrors(t *testing.T) {
	for _, err := range []error{
		errors.New("dial tcp 127.0.0.1:1: connect: connection refused"),
		context.Canceled,
		&net.OpError{Op: "dial", Err: errors.New("no route")},
	} {
		if te := tlsClassify(err, "h", false, false, time.Now()); te != nil {
			t.Errorf("tlsClassify(%v) = %v; want nil", err, te)
		}
	}
}

// Certificate names are server text: the error keeps them as data (the
// front ends sanitize), never cuts the one-line message with a raw newline
// of ours, and CertInfo keeps them exactly.
func TestTLSHostileCertificateNames(t *testing.T) {
	evil := "evil\x1b]52;c;aGk=\x07\r\nCN"
	ca := tlsTestCA(t, evil)
	leaf := tlsTestServerCert(t, &ca, nil, []string{"127.0.0.1"}, time.Time{}, time.Time{})
	srv := tlsTestServer(t, leaf, nil, nil)
	_, err := tlsTestSend(t, Options{}, srv.URL, nil)
	te := tlsTestAs(t, err, TLSUnknownAuthority)
	if !strings.Contains(te.Chain[0].Issuer, "\x1b]52") {
		t.Errorf("Issuer = %q; want the server's text kept as data", te.Chain[0].Issuer)
	}
	if !strings.Contains(te.Error(), `\x1b]52`) {
		t.Errorf("message %q; want the name quoted with %%q escapes", te.Error())
	}
}

func TestTLSCertInfo(t *testing.T) {
	ca := tlsTestCA(t, "Info CA")
	leaf := tlsTestServerCert(t, &ca, []string{"x.example"}, []string{"::1", "192.0.2.1"}, time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC), time.Date(2030, 5, 6, 7, 8, 0, 0, time.UTC))
	ci := NewCertInfo(leaf.cert)
	if ci.Subject != "CN=test server" || ci.Issuer != "CN=Info CA" || len(ci.SHA256) != 95 {
		t.Errorf("NewCertInfo = %+v", ci)
	}
	want := `subject "CN=test server"; issuer "CN=Info CA"; names x.example, ::1, 192.0.2.1; valid 2024-01-02 03:04 UTC to 2030-05-06 07:08 UTC; SHA-256 ` + ci.SHA256
	if got := ci.String(); got != want {
		t.Errorf("CertInfo.String() = %q; want %q", got, want)
	}
}

func FuzzTLSKeyPair(f *testing.F) {
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), []byte("-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAAAAAAAAAAAAAAAAAAAA==\n-----END EC PRIVATE KEY-----\n"), "pw")
	f.Add([]byte(""), []byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\n\n-----END ENCRYPTED PRIVATE KEY-----\n"), "")
	f.Add([]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"), []byte{}, "x")
	f.Fuzz(func(t *testing.T, certPEM, keyPEM []byte, pass string) {
		_, err := tlsKeyPair(certPEM, keyPEM, pass, "c.pem", "k.pem")
		if err == nil {
			return
		}
		if len(pass) >= 4 && strings.Contains(err.Error(), pass) && !strings.Contains("c.pem k.pem", pass) {
			t.Errorf("error reveals the passphrase: %v", err)
		}
		if strings.ContainsAny(err.Error(), "\n") {
			t.Errorf("error spans lines: %q", err)
		}
	})
}
