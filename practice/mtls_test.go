package practice

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
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

	"github.com/authlab/authlab/internal/testenv"
)

func TestTLSEnsureCreatesReusesAndRenews(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "practice-tls")
	now := time.Now()
	f, err := EnsureTLS(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Created {
		t.Error("first EnsureTLS: Created = false")
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("folder mode = %v (%v); want 0700", fi.Mode().Perm(), err)
	}
	for path, want := range map[string]os.FileMode{f.CA: 0o644, f.CAKey: 0o600, f.ServerCert: 0o644, f.ServerKey: 0o600, f.ClientCert: 0o644, f.ClientKey: 0o600} {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v); want %v", filepath.Base(path), fi.Mode().Perm(), err, want)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	// The server certificate is for the loopback names, the client's for
	// client authentication, both from the CA.
	caPEM, _ := os.ReadFile(f.CA)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	srv, _ := tls.LoadX509KeyPair(f.ServerCert, f.ServerKey)
	for _, name := range []string{"127.0.0.1", "::1", "localhost"} {
		if _, err := srv.Leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: roots}); err != nil {
			t.Errorf("server certificate for %s: %v", name, err)
		}
	}
	if _, ok := srv.PrivateKey.(crypto.Signer); !ok {
		t.Error("server key is not usable")
	}
	first, _ := os.ReadFile(f.ClientCert)

	again, err := EnsureTLS(dir, now.Add(time.Hour))
	if err != nil || again.Created {
		t.Errorf("second EnsureTLS: Created = %v, err = %v; want the files reused", again.Created, err)
	}
	if b, _ := os.ReadFile(f.ClientCert); string(b) != string(first) {
		t.Error("valid files were rewritten")
	}
	// Close to expiry, or a file missing: generated again.
	if g, err := EnsureTLS(dir, now.Add(tlsLeafLifetime-time.Hour)); err != nil || !g.Created {
		t.Errorf("near expiry: Created = %v, err = %v; want new files", g.Created, err)
	}
	os.Remove(f.ClientKey)
	if g, err := EnsureTLS(dir, now); err != nil || !g.Created {
		t.Errorf("missing key: Created = %v, err = %v; want new files", g.Created, err)
	}
}

func TestTLSDefaultDir(t *testing.T) {
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}, "/s/authlab/practice-tls"},
		{map[string]string{"XDG_STATE_HOME": "rel", "HOME": "/h"}, "/h/.local/state/authlab/practice-tls"},
		{map[string]string{"HOME": "/h"}, "/h/.local/state/authlab/practice-tls"},
	}
	for _, tt := range tests {
		if got, err := DefaultTLSDir(env(tt.env)); err != nil || got != tt.want {
			t.Errorf("DefaultTLSDir(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}

// startTLSServer serves the practice server over TLS with the practice PKI.
func startTLSServer(t *testing.T) (*httptest.Server, TLSFiles) {
	t.Helper()
	files, err := EnsureTLS(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := TLSServerConfig(files)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(New(Options{}).Handler())
	srv.TLS = cfg
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, files
}

// curl, an independent TLS client (OpenSSL), against /mtls: 200 with the
// practice client certificate, 401 without one, and a failed handshake
// with a certificate the CA did not issue.
func TestTLSInteropCurlMTLS(t *testing.T) {
	curl := testenv.Program(t, "curl", "curl")
	srv, f := startTLSServer(t)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	url := "https://127.0.0.1:" + port + "/mtls"
	run := func(args ...string) (string, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, curl, append([]string{"-sS", "--noproxy", "*", "-w", "\n%{http_code}"}, args...)...).Output()
		body, code, _ := strings.Cut(string(out), "\n")
		return body, code, err
	}
	body, code, err := run("--cacert", f.CA, "--cert", f.ClientCert, "--key", f.ClientKey, url)
	var ok mtlsOK
	json.Unmarshal([]byte(body), &ok)
	if err != nil || code != "200" || ok.Subject != "CN="+TLSClientCN+",O=authlab practice" || len(ok.Fingerprint) != 95 {
		t.Errorf("curl --cert: %s %s (%v); want 200 with the subject and fingerprint", code, body, err)
	}
	body, code, err = run("--cacert", f.CA, url)
	if err != nil || code != "401" || !strings.Contains(body, `"client_certificate_required"`) || !strings.Contains(body, "--cert client.pem") {
		t.Errorf("curl without --cert: %s %s (%v); want 401 client_certificate_required", code, body, err)
	}
	// Another PKI's client certificate: the handshake fails.
	other, err := EnsureTLS(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, code, err := run("--cacert", f.CA, "--cert", other.ClientCert, "--key", other.ClientKey, url); err == nil || code == "200" {
		t.Errorf("curl with a stranger's certificate: %s, err %v; want a failed handshake", code, err)
	}
}

func TestTLSMTLSOverPlainHTTP(t *testing.T) {
	srv := httptest.NewServer(New(Options{}).Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/mtls")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 401 || !strings.Contains(string(b), "authlab serve --tls") || !strings.Contains(string(b), `"tls_required"`) {
		t.Errorf("GET /mtls over HTTP = %d %s; want 401 telling to run authlab serve --tls", resp.StatusCode, b)
	}
	tr, err := DecodeTrace(resp.Header.Get(TraceHeader))
	if err != nil || tr.Scheme != "mtls" || !strings.Contains(tr.Verdict, "plain HTTP") {
		t.Errorf("trace = %+v, %v", tr, err)
	}
}
