package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/practice"
)

// TestMixAgainstPracticeServer sends every action of the mix once through
// the engine to a real practice server, from two loopback addresses: each
// must end 200 with the HTTP requests its scheme needs (Digest and OAuth
// 2.0 two), and the server must see each client as its own machine with
// its student name.
func TestMixAgainstPracticeServer(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{} // client key → student
	h := practice.New(practice.Options{}).Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := practice.ClientOf(r)
		mu.Lock()
		seen[c.Key] = c.Student
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	mix, err := Mix(MixAll)
	if err != nil {
		t.Fatal(err)
	}
	wantRequests := map[string]int{"basic": 1, "oauth1": 1, "digest": 2, "oauth2": 2, "jwt": 1, "sigv4": 1}
	if len(mix) != len(wantRequests) {
		t.Fatalf("Mix(%q) has %d actions; want %d", MixAll, len(mix), len(wantRequests))
	}
	for i, addr := range []string{"127.0.0.2", "127.0.0.3"} {
		tr := transportFrom(netip.MustParseAddr(addr), 2)
		defer tr.CloseIdleConnections()
		for _, a := range mix {
			o, _, reqs, st := runAction(t.Context(), tr, a, srv.URL, fmt.Sprintf("student-%02d", i+1), 10*time.Second)
			if o != OK || st != "200" || reqs != wantRequests[a.Name] {
				t.Errorf("%s from %s: outcome %v, status %q, %d requests; want OK, %q, %d", a.Name, addr, o, st, reqs, "200", wantRequests[a.Name])
			}
		}
	}
	want := map[string]string{"127.0.0.2": "student-01", "127.0.0.3": "student-02"}
	for k, v := range want {
		if seen[k] != v {
			t.Errorf("server saw client %q as student %q; want %q (all: %v)", k, seen[k], v, seen)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("server saw clients %v; want exactly %v", seen, want)
	}
}

// TestLimitedCounting runs the class and the flooder against a server that
// answers 429 to one student and to the flooder: the student's 429s are
// counted (as Limited, not OK), the flooder's are Limited and not failures.
func TestLimitedCounting(t *testing.T) {
	limited := map[string]bool{"127.0.0.3": true, "127.0.0.4": true} // student-02 and the flooder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if limited[practice.ClientKey(r.RemoteAddr)] {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		u, p, ok := r.BasicAuth()
		if !ok || u != practice.DemoUser || p != practice.DemoPassword {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
	}))
	defer srv.Close()
	mix, _ := Mix(MixBasic)
	r := Run(Config{Base: srv.URL, Mix: mix, Clients: 2, First: netip.MustParseAddr("127.0.0.2"),
		Duration: 300 * time.Millisecond, Think: 20 * time.Millisecond, Timeout: 5 * time.Second,
		Flood: 2, FloodMode: FloodBasic, FloodAddr: netip.MustParseAddr("127.0.0.4"), BasicPath: BasicPath(MixBasic)})
	c, f := r.Class, r.Flood
	if c.OK == 0 || c.Limited == 0 || c.Fail != 0 || c.OK+c.Limited != c.Actions {
		t.Errorf("class: %d actions, %d OK, %d limited, %d failed; want both OK and limited, none failed", c.Actions, c.OK, c.Limited, c.Fail)
	}
	if c.SuccessRate() >= 100 {
		t.Errorf("class SuccessRate() = %v with %d limited; want < 100", c.SuccessRate(), c.Limited)
	}
	// a request cut off by the end of the run, or a keep-alive connection
	// lost under the flood, is a transport error: tolerated, 1 in 100 at most
	if f.Actions == 0 || f.OK != 0 || f.Limited < f.Actions*99/100 {
		t.Errorf("flooder: %d requests, %d OK, %d limited (%s); want all limited but transport errors", f.Actions, f.OK, f.Limited, f.StatusList())
	}
}

func TestMixUnknown(t *testing.T) {
	if _, err := Mix("soap"); err == nil {
		t.Errorf("Mix(%q) = nil error; want one naming the mixes", "soap")
	}
}
