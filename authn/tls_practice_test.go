package authn_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
)

// Mutual TLS end to end through the engine: the practice PKI from
// practice.EnsureTLS, the practice server's /mtls over TLS with
// VerifyClientCertIfGiven, the engine with --cacert, --cert and --key.
func TestTLSPracticeMutualTLS(t *testing.T) {
	files, err := practice.EnsureTLS(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := practice.TLSServerConfig(files)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(practice.New(practice.Options{}).Handler())
	srv.TLS = cfg
	srv.StartTLS()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	e := authn.New(authn.Options{Timeout: 5 * time.Second})
	defer e.Close()
	for _, host := range []string{"127.0.0.1", "localhost"} {
		url := "https://" + net.JoinHostPort(host, port) + "/mtls"
		res, err := e.Exchange(context.Background(), authn.Request{URL: url,
			TLS: &authn.TLSOptions{CACert: files.CA, Cert: files.ClientCert, Key: files.ClientKey}})
		if err != nil {
			t.Fatalf("%s: Exchange = %v", url, err)
		}
		fin := res.Final().Response
		var body struct {
			Subject     string `json:"subject"`
			Fingerprint string `json:"sha256_fingerprint"`
		}
		json.Unmarshal(fin.Body, &body)
		if fin.Status != http.StatusOK || body.Subject != "CN="+practice.TLSClientCN+",O=authlab practice" || len(body.Fingerprint) != 95 {
			t.Errorf("%s: %d %s; want 200 with the client certificate's subject and fingerprint", url, fin.Status, fin.Body)
		}
		// Without a client certificate: 401 explaining how to send one.
		res, err = e.Exchange(context.Background(), authn.Request{URL: url, TLS: &authn.TLSOptions{CACert: files.CA}})
		if err != nil {
			t.Fatalf("%s without cert: %v", url, err)
		}
		if fin := res.Final().Response; fin.Status != http.StatusUnauthorized {
			t.Errorf("%s without a client certificate: %d; want 401", url, fin.Status)
		}
		if len(res.Hints) == 0 || res.Hints[0].Title != "The server wants a client certificate (mutual TLS)" {
			t.Errorf("%s without a client certificate: first hint %+v; want the mutual TLS hint", url, res.Hints)
		}
	}
}
