package authn

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkExchangeBasicReused is one Basic-auth GET on a kept-alive
// loopback connection through the whole engine (scheme, trace, round trip,
// capped body, hints): the per-request cost of `send --repeat N`. The
// server runs in the same process, so the figure includes its share.
func BenchmarkExchangeBasicReused(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, ok := r.BasicAuth(); !ok {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{\n  \"authenticated\": true,\n  \"user\": \"user\"\n}\n")
	}))
	defer srv.Close()
	e := New(Options{})
	defer e.Close()
	req := Request{Method: "GET", URL: srv.URL + "/basic-auth/user/passwd", Scheme: "basic",
		Fields: map[string]string{"username": "user", "password": "passwd"}}
	ctx := context.Background()
	if res, err := e.Exchange(ctx, req); err != nil || res.Final().Response.Status != 200 {
		b.Fatalf("Exchange = %v, %v; want 200", res, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.Exchange(ctx, req)
		if err != nil || !res.Final().Timing.Reused {
			b.Fatalf("Exchange: %v, reused=%v; want a reused connection", err, res.Final().Timing.Reused)
		}
	}
}
