// Package practicetest starts the practice server for tests the way
// `authlab serve` runs it. Only tests import it.
package practicetest

import (
	"io"
	"log"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/authlab/authlab/practice"
)

// TLS serves the practice server with o over TLS, with the practice PKI
// generated in a temporary folder (the code `serve --tls` runs): trust
// files.CA, and present files.ClientCert and files.ClientKey for /mtls.
// The server stops when the test ends.
func TLS(t testing.TB, o practice.Options) (url string, files practice.TLSFiles) {
	t.Helper()
	files, err := practice.EnsureTLS(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := practice.TLSServerConfig(files)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(practice.New(o).Handler())
	srv.TLS = cfg
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are what some tests provoke
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL, files
}
