package authn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// redirectSeen is what a loopback TLS server saw of one request.
type redirectSeen struct {
	path, host, cert string // r.Host; the client certificate's CN, "-" without one
}

// redirectRecorder collects what the servers of a test saw.
type redirectRecorder struct {
	mu   sync.Mutex
	seen map[string][]redirectSeen // by server name
}

// server starts a TLS server for 127.0.0.1 (a leaf of ca) that asks for a
// client certificate without requiring or verifying one, so it reports
// whatever the client offers, records each request under name and answers
// with h.
func (rr *redirectRecorder) server(t *testing.T, ca *tlsTestCert, name string, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := "-"
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		rr.mu.Lock()
		rr.seen[name] = append(rr.seen[name], redirectSeen{path: r.URL.Path, host: r.Host, cert: cn})
		rr.mu.Unlock()
		h(w, r)
	}))
	leaf := tlsTestServerCert(t, ca, nil, []string{"127.0.0.1"}, time.Time{}, time.Time{})
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf.pair(t)}, ClientAuth: tls.RequestClientCert}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// TestRedirectOtherOriginDropsHostAndClientCert: a request with a client
// certificate and a custom Host header to server A, which redirects first
// to itself and then to server B (another port, so another origin). A sees
// the certificate and the Host override on both of its hops; B sees
// neither, and the trace's drop step names both.
func TestRedirectOtherOriginDropsHostAndClientCert(t *testing.T) {
	ca := tlsTestCA(t, "redirect CA")
	client := tlsTestClientCert(t, &ca, "alice")
	rr := &redirectRecorder{seen: map[string][]redirectSeen{}}
	b := rr.server(t, &ca, "B", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "B") })
	a := rr.server(t, &ca, "A", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/start" {
			http.Redirect(w, r, "/again", http.StatusFound) // same origin
			return
		}
		http.Redirect(w, r, b.URL+"/landing", http.StatusTemporaryRedirect)
	})
	opts := TLSOptions{
		Cert:   tlsTestWrite(t, "c.pem", client.certPEM),
		Key:    tlsTestWrite(t, "k.pem", client.keyPEM),
		CACert: tlsTestWrite(t, "ca.pem", ca.certPEM),
	}
	e := New(Options{Follow: true})
	t.Cleanup(e.Close)
	res, err := e.Exchange(context.Background(), Request{URL: a.URL + "/start", Header: http.Header{"Host": {"api.example.com"}}, TLS: &opts})
	if err != nil {
		t.Fatalf("Exchange = %v", err)
	}
	if got := string(res.Final().Response.Body); got != "B" {
		t.Fatalf("final body = %q; want B (the redirect chain followed to B)", got)
	}
	bHost := strings.TrimPrefix(b.URL, "https://")
	for _, tt := range []struct {
		server string
		want   []redirectSeen
	}{
		{"A", []redirectSeen{{"/start", "api.example.com", "alice"}, {"/again", "api.example.com", "alice"}}},
		{"B", []redirectSeen{{"/landing", bHost, "-"}}},
	} {
		got := rr.seen[tt.server]
		if len(got) != len(tt.want) {
			t.Errorf("server %s saw %d requests %+v; want %+v", tt.server, len(got), got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("server %s request %d = %+v; want %+v", tt.server, i+1, got[i], tt.want[i])
			}
		}
	}
	var drop *Step
	for i, st := range res.Trace.Steps {
		if st.Title == "Drop credentials for redirect hop 2" {
			drop = &res.Trace.Steps[i]
		}
	}
	if drop == nil {
		t.Fatalf("trace has no step %q", "Drop credentials for redirect hop 2")
	}
	var dropped string
	for _, v := range drop.Values {
		if v.Label == "dropped" {
			dropped = v.Text
		}
	}
	for _, want := range []string{"custom Host header (api.example.com)", "TLS client certificate", "Authorization"} {
		if !strings.Contains(dropped, want) {
			t.Errorf("drop step lists %q; want it to name %q", dropped, want)
		}
	}
}

// TestRedirectOtherOriginWithoutExtras: without a Host header or a client
// certificate the drop step names neither, and B still answers (the CA
// file still applies to the hop without the certificate).
func TestRedirectOtherOriginWithoutExtras(t *testing.T) {
	ca := tlsTestCA(t, "redirect CA")
	rr := &redirectRecorder{seen: map[string][]redirectSeen{}}
	b := rr.server(t, &ca, "B", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "B") })
	a := rr.server(t, &ca, "A", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, b.URL+"/landing", http.StatusFound)
	})
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	e := New(Options{Follow: true, RootCAs: pool})
	t.Cleanup(e.Close)
	res, err := e.Exchange(context.Background(), Request{URL: a.URL + "/", Scheme: "bearer", Fields: map[string]string{"token": "tok-123456"}})
	if err != nil {
		t.Fatalf("Exchange = %v", err)
	}
	for _, st := range res.Trace.Steps {
		for _, v := range st.Values {
			if v.Label == "dropped" && (strings.Contains(v.Text, "Host") || strings.Contains(v.Text, "certificate")) {
				t.Errorf("drop step lists %q; want no Host header or certificate (none was given)", v.Text)
			}
		}
	}
	if got := rr.seen["B"]; len(got) != 1 || got[0].cert != "-" {
		t.Errorf("B saw %+v; want one request without a certificate", got)
	}
}
