package authn

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A server that echoes credentials back (in a header, the body, the reason
// phrase): presenter mode masks every form of them.
func TestRedactEchoedSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.WriteHeader(401)
		io.WriteString(w, `{"you_sent":"`+r.Header.Get("Authorization")+`","password":"open sesame"}`)
	}))
	defer srv.Close()
	req := Request{URL: srv.URL, Scheme: "basic", Fields: map[string]string{"username": "Aladdin", "password": "open sesame"}}
	e := New(Options{})
	defer e.Close()
	res, err := e.Exchange(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	res.Redact(SecretsOf(req, res))
	r := res.Final().Response
	all := r.Header.Get("X-Echo") + string(r.Body)
	for _, secret := range []string{"open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="} {
		if strings.Contains(all, secret) {
			t.Errorf("a redacted response still contains %q: %s", secret, all)
		}
	}
	if !strings.Contains(r.Header.Get("X-Echo"), Mask("")) {
		t.Errorf("the echoed header is not shown masked: %s", all)
	}
}
