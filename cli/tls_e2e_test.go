package cli_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authlab/authlab/internal/practicetest"
	"github.com/authlab/authlab/practice"
)

// tlsPracticeServer serves the practice server over TLS with the practice
// PKI generated in a temporary folder (the same code `serve --tls` runs).
func tlsPracticeServer(t *testing.T) (string, practice.TLSFiles) {
	t.Helper()
	return practicetest.TLS(t, practice.Options{})
}

// TLS failures through the binary: one classified line on stderr, exit 1;
// -k and --cacert succeed; -k says loudly that it is on.
func TestTLSSendClassifiedAndInsecure(t *testing.T) {
	base, files := tlsPracticeServer(t)
	// An unknown CA: the practice CA is not trusted without --cacert.
	r := authlab(t, nil, "send", base+"/bearer")
	if r.code != 1 {
		t.Fatalf("exit = %d; want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	assertOneErrorLine(t, r.stderr)
	for _, want := range []string{"TLS: the certificate of 127.0.0.1 is issued by \"CN=authlab practice CA,O=authlab practice\"", "--cacert FILE", "SHA-256 "} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr = %q; want %q", r.stderr, want)
		}
	}
	// --cacert: trusted, the request goes through (401: no token).
	r = authlab(t, nil, "send", "--cacert", files.CA, base+"/bearer")
	if r.code != 4 || !strings.HasPrefix(r.stderr, "401 ") { // stdout is a pipe: the status line is on stderr
		t.Errorf("--cacert: exit %d\n%s%s; want the 401 of /bearer", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stderr, "verification is OFF") {
		t.Errorf("warning without -k: %q", r.stderr)
	}
	// -k: no verification, and one warning line.
	r = authlab(t, nil, "send", "-k", base+"/bearer")
	if r.code != 4 {
		t.Errorf("-k: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if errorLines(r.stderr) != "authlab: warning: TLS certificate verification is OFF (-k): the server is not authenticated, so anyone on the path can impersonate it and read the credentials sent\n" {
		t.Errorf("-k stderr = %q; want the one warning line (and the status line and hints)", r.stderr)
	}
}

// Mutual TLS against the practice server's /mtls through the binary, with
// the key plain and encrypted (legacy PEM, passphrase from env:).
func TestTLSSendMutual(t *testing.T) {
	base, f := tlsPracticeServer(t)
	r := authlab(t, nil, "send", "--cacert", f.CA, "--cert", f.ClientCert, "--key", f.ClientKey, base+"/mtls")
	if r.code != 0 || !strings.HasPrefix(r.stderr, "200 OK") || !strings.Contains(r.stdout, "CN=authlab practice client") {
		t.Errorf("mTLS: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = authlab(t, nil, "send", "--cacert", f.CA, base+"/mtls")
	if r.code != 4 || !strings.Contains(r.stdout, "client_certificate_required") {
		t.Errorf("no client certificate: exit %d\n%s%s; want 401 client_certificate_required", r.code, r.stdout, r.stderr)
	}

	const pass = "pa55-for-the-key"
	enc := tlsEncryptKey(t, f.ClientKey, pass)
	r = authlab(t, []string{"KP=" + pass}, "send", "--cacert", f.CA, "--cert", f.ClientCert, "--key", enc, "--key-pass", "env:KP", base+"/mtls")
	if r.code != 0 || !strings.HasPrefix(r.stderr, "200 OK") {
		t.Errorf("encrypted key with env:KP: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = authlab(t, []string{"KP=wrong-one"}, "send", "--cacert", f.CA, "--cert", f.ClientCert, "--key", enc, "--key-pass", "env:KP", base+"/mtls")
	if r.code != 1 || !strings.Contains(r.stderr, "passphrase") || strings.Contains(r.stderr, "wrong-one") {
		t.Errorf("wrong passphrase: exit %d, stderr %q; want exit 1 naming the passphrase problem, not the passphrase", r.code, r.stderr)
	}
	r = authlab(t, nil, "send", "--cacert", f.CA, "--cert", f.ClientCert, "--key", enc, base+"/mtls")
	if r.code != 1 || !strings.Contains(r.stderr, "--key-pass env:NAME") {
		t.Errorf("encrypted key without --key-pass: exit %d, stderr %q", r.code, r.stderr)
	}
	r = authlab(t, nil, "send", "--cacert", f.CA, "--cert", f.ClientCert, "--key", enc, "--key-pass", pass, base+"/mtls")
	if r.code != 1 || !strings.Contains(r.stderr, "takes a reference") || strings.Contains(r.stderr, pass) {
		t.Errorf("literal --key-pass: exit %d, stderr %q; want a refusal that does not echo it", r.code, r.stderr)
	}
	r = authlab(t, nil, "send", "--allow-plaintext", "--cacert", f.CA, "--cert", f.ClientCert, "--key", enc, "--key-pass", pass, base+"/mtls")
	if r.code != 0 || !strings.Contains(r.stderr, "key passphrase on the command line stays in your shell history") {
		t.Errorf("literal --key-pass with --allow-plaintext: exit %d, stderr %q", r.code, r.stderr)
	}
}

// --save stores the TLS flags (the passphrase as its reference) and
// --profile sends with them again.
func TestTLSSaveAndProfile(t *testing.T) {
	base, f := tlsPracticeServer(t)
	cfg := t.TempDir()
	profs := filepath.Join(cfg, "authlab", "profiles") // the user's own folder: trusted
	const pass = "pp"
	enc := tlsEncryptKey(t, f.ClientKey, pass)
	env := []string{"KP=" + pass, "XDG_CONFIG_HOME=" + cfg}
	r := authlab(t, env, "send", "--save", "mtls", "--cacert", f.CA, "--cert", f.ClientCert, "--key", enc, "--key-pass", "env:KP", base+"/mtls")
	if r.code != 0 {
		t.Fatalf("send --save: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(profs, "mtls.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[tls]", "cacert = '" + f.CA + "'", "cert = '" + f.ClientCert + "'", "key = '" + enc + "'", "key_password = 'env:KP'"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("profile lacks %q:\n%s", want, b)
		}
	}
	r = authlab(t, env, "send", "--profile", "mtls")
	if r.code != 0 || !strings.Contains(r.stdout, "CN=authlab practice client") {
		t.Errorf("send --profile mtls: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A literal passphrase is saved only with --allow-plaintext.
	r = authlab(t, env, "send", "--allow-plaintext", "--save", "lit", "--cacert", f.CA, "--cert", f.ClientCert, "--key", enc, "--key-pass", pass, base+"/mtls")
	if r.code != 0 {
		t.Errorf("--allow-plaintext --save: exit %d %s", r.code, r.stderr)
	}
}

// `serve --tls` generates the PKI (modes 0700/0600), prints the paths and
// commands, and the printed authlab command works.
func TestTLSServe(t *testing.T) {
	state := t.TempDir()
	cmd := exec.Command(binary, "serve", "--tls", "--addr", "127.0.0.1:0")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "XDG_STATE_HOME=" + state}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 200)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var banner []string
	var sendCmd string
	deadline := time.After(10 * time.Second)
	for done := false; !done; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve exited early:\n%s", strings.Join(banner, "\n"))
			}
			banner = append(banner, l)
			if strings.HasPrefix(strings.TrimSpace(l), "authlab send --cacert") {
				sendCmd = strings.TrimSpace(l)
			}
			done = strings.HasPrefix(l, "Every endpoint works over TLS")
		case <-deadline:
			t.Fatalf("no TLS banner; got %q", banner)
		}
	}
	dir := filepath.Join(state, "authlab", "practice-tls")
	all := strings.Join(banner, "\n")
	if !regexp.MustCompile(`on https://127\.0\.0\.1:\d+`).MatchString(all) {
		t.Errorf("banner has no https base URL:\n%s", all)
	}
	f := practice.TLSFilesIn(dir)
	for _, want := range []string{f.CA, f.ClientCert, f.ClientKey, "curl --cacert " + f.CA + " --cert " + f.ClientCert + " --key " + f.ClientKey} {
		if !strings.Contains(all, want) {
			t.Errorf("banner lacks %q:\n%s", want, all)
		}
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("%s: mode %v, %v; want 0700", dir, fi.Mode().Perm(), err)
	}
	for _, k := range []string{f.CAKey, f.ServerKey, f.ClientKey} {
		if fi, err := os.Stat(k); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", k, fi.Mode().Perm(), err)
		}
	}
	args := strings.Fields(sendCmd)[1:]
	r := authlab(t, nil, args...)
	if r.code != 0 || !strings.Contains(r.stdout, "CN=authlab practice client") {
		t.Errorf("%s: exit %d\n%s%s", sendCmd, r.code, r.stdout, r.stderr)
	}
	cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("serve --tls did not stop on Ctrl-C")
	}
}

// Certificate names are server text: escape sequences in them reach the
// terminal escaped (issue #7 item 7).
func TestTLSHostileCertificateNameSanitized(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "evil\x1b]52;c;aGk=\x07\x1b[2J\u202e"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	r := authlab(t, nil, "send", srv.URL)
	if r.code != 1 {
		t.Fatalf("exit = %d; want 1", r.code)
	}
	assertOneErrorLine(t, r.stderr)
	if strings.ContainsAny(r.stderr, "\x1b\x07\u202e") {
		t.Errorf("stderr carries raw control characters: %q", r.stderr)
	}
	if !strings.Contains(r.stderr, "self-signed") || !strings.Contains(r.stderr, `\x1b]52`) {
		t.Errorf("stderr = %q; want the self-signed message with the name escaped", r.stderr)
	}
}

// tlsEncryptKey writes the PKCS#8 key of path as a legacy encrypted PEM
// ("Proc-Type: 4,ENCRYPTED", as `openssl ec -aes256` writes it).
func tlsEncryptKey(t *testing.T, path, pass string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalECPrivateKey(k.(*ecdsa.PrivateKey))
	if err != nil {
		t.Fatal(err)
	}
	enc, err := x509.EncryptPEMBlock(rand.Reader, "EC PRIVATE KEY", der, []byte(pass), x509.PEMCipherAES256) //nolint:staticcheck // fixture of the legacy format
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "client-key-enc.pem")
	if err := os.WriteFile(out, pem.EncodeToMemory(enc), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}
