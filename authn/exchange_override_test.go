package authn

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestRequestOverridesEngineOptions: a request's own Follow and Timeout win
// over the engine's, for that request only (the TUI shares one engine
// between profiles that differ in both).
func TestRequestOverridesEngineOptions(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/hop":
			http.Redirect(w, r, "/end", http.StatusFound)
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		default:
			w.Write([]byte("end"))
		}
	}))
	defer srv.Close()
	eng := New(Options{Timeout: 10 * time.Second})
	defer eng.Close()
	yes := true
	for _, tt := range []struct {
		name   string
		follow *bool
		status int
	}{{"engine's: not followed", nil, http.StatusFound}, {"request's: followed", &yes, http.StatusOK}} {
		res, err := eng.Exchange(context.Background(), Request{URL: srv.URL + "/hop", Follow: tt.follow})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := res.Final().Response.Status; got != tt.status {
			t.Errorf("%s: status %d; want %d", tt.name, got, tt.status)
		}
	}
	_, err := eng.Exchange(context.Background(), Request{URL: srv.URL + "/slow", Timeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "after 100ms") {
		t.Errorf("request timeout 100ms under an engine's 10s: %v; want ErrTimeout after 100ms", err)
	}
}
