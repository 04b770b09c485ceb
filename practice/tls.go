package practice

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// The practice PKI: a CA, a server certificate for the loopback names and a
// client certificate for /mtls, all ECDSA P-256 (RFC 5480), generated once
// and reused while valid.
const (
	// TLSClientCN is the Common Name of the practice client certificate.
	TLSClientCN = "authlab practice client"
	// TLSCACN is the Common Name of the practice CA.
	TLSCACN = "authlab practice CA"

	tlsCALifetime   = 10 * 365 * 24 * time.Hour
	tlsLeafLifetime = 2 * 365 * 24 * time.Hour
	// tlsRenewBefore: a certificate closer than this to its end is
	// regenerated rather than reused.
	tlsRenewBefore = 30 * 24 * time.Hour
)

// TLSFiles are the paths of the practice PKI's files in one folder.
type TLSFiles struct {
	Dir        string
	CA         string // ca.pem: trust it with --cacert
	CAKey      string // ca-key.pem (0600)
	ServerCert string // server.pem: 127.0.0.1, ::1, localhost
	ServerKey  string // server-key.pem (0600)
	ClientCert string // client.pem: CN "authlab practice client"
	ClientKey  string // client-key.pem (0600)
	// Created is true when EnsureTLS generated the files (false: reused).
	Created bool
}

// TLSFilesIn returns the file names of the practice PKI in dir.
func TLSFilesIn(dir string) TLSFiles {
	j := func(n string) string { return filepath.Join(dir, n) }
	return TLSFiles{Dir: dir, CA: j("ca.pem"), CAKey: j("ca-key.pem"), ServerCert: j("server.pem"), ServerKey: j("server-key.pem"),
		ClientCert: j("client.pem"), ClientKey: j("client-key.pem")}
}

// DefaultTLSDir is where `authlab serve --tls` keeps its PKI:
// $XDG_STATE_HOME/authlab/practice-tls, else
// ~/.local/state/authlab/practice-tls (a relative XDG_STATE_HOME is
// ignored, as the XDG Base Directory spec says).
func DefaultTLSDir(lookupEnv func(string) (string, bool)) (string, error) {
	if v, ok := lookupEnv("XDG_STATE_HOME"); ok && filepath.IsAbs(v) {
		return filepath.Join(v, "authlab", "practice-tls"), nil
	}
	home, ok := lookupEnv("HOME")
	if !ok || home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no home folder for the practice TLS files: set XDG_STATE_HOME or pass --tls-dir")
		}
		home = h
	}
	return filepath.Join(home, ".local", "state", "authlab", "practice-tls"), nil
}

// EnsureTLS returns the practice PKI in dir, generating it when a file is
// missing, unreadable, does not chain to the CA, or is within 30 days of
// expiring at now. The folder is created 0700, keys are written 0600 and
// certificates 0644, each by temp file and rename (never half-written).
func EnsureTLS(dir string, now time.Time) (TLSFiles, error) {
	f := TLSFilesIn(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return f, fmt.Errorf("cannot create the practice TLS folder %s: %w", dir, tlsPathErr(err))
	}
	if err := tlsKeysPrivate(f); err != nil {
		return f, err
	}
	if tlsValid(f, now) == nil {
		return f, nil
	}
	if err := tlsGenerate(f, now); err != nil {
		return f, err
	}
	f.Created = true
	return f, nil
}

// tlsKeysPrivate refuses to reuse a private key of the practice PKI that
// group or others can read, as OpenSSH refuses an "UNPROTECTED PRIVATE KEY
// FILE" (mode & 077): whoever read the CA key can sign a certificate for
// any name, and a client that trusts ca.pem would accept it. authlab
// writes the keys 0600; a wider mode was set by someone else, and the key
// may already be copied, so it is not silently reused (nor silently
// replaced: the user decides).
func tlsKeysPrivate(f TLSFiles) error {
	if runtime.GOOS == "windows" { // modes do not mean what POSIX says there
		return nil
	}
	for _, k := range []string{f.CAKey, f.ServerKey, f.ClientKey} {
		fi, err := os.Stat(k)
		if err != nil {
			continue // missing: generated afresh
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			return fmt.Errorf("refusing to reuse the practice TLS key %s: group or others can read it (mode %04o), like an unprotected ssh key; run: chmod 600 '%s' (or remove the folder %s to make a new CA, and trust the new ca.pem)",
				k, perm, strings.ReplaceAll(k, "'", `'\''`), f.Dir)
		}
	}
	return nil
}

// TLSServerConfig is the practice server's TLS configuration: the server
// certificate, and client certificates verified against the practice CA
// when a client sends one (tls.VerifyClientCertIfGiven), so every endpoint
// works without one and /mtls can tell who connected.
func TLSServerConfig(f TLSFiles) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(f.ServerCert, f.ServerKey)
	if err != nil {
		return nil, fmt.Errorf("practice TLS: server certificate: %w", err)
	}
	caPEM, err := os.ReadFile(f.CA)
	if err != nil {
		return nil, fmt.Errorf("practice TLS: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("practice TLS: %s holds no certificate", f.CA)
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    pool,
	}, nil
}

// CertFingerprint is the SHA-256 fingerprint of a DER certificate in
// openssl's notation ("AB:CD:…").
func CertFingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// tlsValid checks the files: parseable, keys matching, chains to the CA
// for the names and usages they serve, and not near expiry.
func tlsValid(f TLSFiles, now time.Time) error {
	caPEM, err := os.ReadFile(f.CA)
	if err != nil {
		return err
	}
	ca, err := tlsParseCert(caPEM)
	if err != nil {
		return err
	}
	if _, err := tls.LoadX509KeyPair(f.CA, f.CAKey); err != nil {
		return err
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	if now.Add(tlsRenewBefore).After(ca.NotAfter) {
		return errors.New("CA near expiry")
	}
	check := func(certFile, keyFile string, usage x509.ExtKeyUsage, names ...string) error {
		kp, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return err
		}
		leaf := kp.Leaf
		if leaf == nil {
			if leaf, err = x509.ParseCertificate(kp.Certificate[0]); err != nil {
				return err
			}
		}
		if now.Add(tlsRenewBefore).After(leaf.NotAfter) {
			return errors.New("near expiry")
		}
		if len(names) == 0 {
			names = []string{""}
		}
		for _, n := range names {
			if _, err := leaf.Verify(x509.VerifyOptions{DNSName: n, Roots: roots, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
				return err
			}
		}
		return nil
	}
	if err := check(f.ServerCert, f.ServerKey, x509.ExtKeyUsageServerAuth, "127.0.0.1", "::1", "localhost"); err != nil {
		return err
	}
	return check(f.ClientCert, f.ClientKey, x509.ExtKeyUsageClientAuth)
}

func tlsParseCert(p []byte) (*x509.Certificate, error) {
	b, _ := pem.Decode(p)
	if b == nil || b.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM certificate")
	}
	return x509.ParseCertificate(b.Bytes)
}

// tlsGenerate writes a fresh CA, server and client certificate.
func tlsGenerate(f TLSFiles, now time.Time) error {
	start := now.Add(-time.Hour) // tolerate a little clock skew between machines
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	caTmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: TLSCACN, Organization: []string{"authlab practice"}},
		NotBefore:             start,
		NotAfter:              now.Add(tlsCALifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, ca, err := tlsSign(caTmpl, nil, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	leaf := func(cn string, usage x509.ExtKeyUsage, dns []string, ips []net.IP) ([]byte, *ecdsa.PrivateKey, error) {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		t := &x509.Certificate{
			Subject:     pkix.Name{CommonName: cn, Organization: []string{"authlab practice"}},
			NotBefore:   start,
			NotAfter:    now.Add(tlsLeafLifetime),
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{usage},
			DNSNames:    dns,
			IPAddresses: ips,
		}
		der, _, err := tlsSign(t, ca, &k.PublicKey, caKey)
		return der, k, err
	}
	srvDER, srvKey, err := leaf("authlab practice server", x509.ExtKeyUsageServerAuth, []string{"localhost"}, []net.IP{net.ParseIP("127.0.0.1"), net.IPv6loopback})
	if err != nil {
		return err
	}
	cliDER, cliKey, err := leaf(TLSClientCN, x509.ExtKeyUsageClientAuth, nil, nil)
	if err != nil {
		return err
	}
	certPEM := func(der []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}) }
	keyPEM := func(k *ecdsa.PrivateKey) ([]byte, error) {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
	}
	files := []struct {
		path string
		key  *ecdsa.PrivateKey
		der  []byte
	}{
		{f.CAKey, caKey, nil}, {f.CA, nil, caDER},
		{f.ServerKey, srvKey, nil}, {f.ServerCert, nil, srvDER},
		{f.ClientKey, cliKey, nil}, {f.ClientCert, nil, cliDER},
	}
	for _, w := range files {
		data, mode := certPEM(w.der), os.FileMode(0o644)
		if w.key != nil {
			if data, err = keyPEM(w.key); err != nil {
				return err
			}
			mode = 0o600
		}
		if err := tlsWriteFile(w.path, data, mode); err != nil {
			return err
		}
	}
	return nil
}

// tlsSign creates a certificate from tmpl signed by parent's key (self-signed
// when parent is nil) with a random 128-bit serial (RFC 5280 §4.1.2.2).
func tlsSign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) ([]byte, *x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial.Add(serial, big.NewInt(1))
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, nil, err
	}
	c, err := x509.ParseCertificate(der)
	return der, c, err
}

// tlsWriteFile writes data by temp file, fsync and rename, with mode.
func tlsWriteFile(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, tlsPathErr(err))
	}
	name := tmp.Name()
	defer os.Remove(name) // no-op after the rename
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, path)
}

// tlsPathErr drops the path from an *os.PathError (the message names it).
func tlsPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
