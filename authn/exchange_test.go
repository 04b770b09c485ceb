package authn

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

func newHTTPBin(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(httpbin.New().Handler())
	t.Cleanup(srv.Close)
	return srv
}

func send(t *testing.T, opts Options, req Request) (*Result, error) {
	t.Helper()
	e := New(opts)
	t.Cleanup(e.Close)
	return e.Exchange(context.Background(), req)
}

func TestExchangeHTTPBin(t *testing.T) {
	bin := newHTTPBin(t)
	tests := []struct {
		name   string
		req    Request
		status int
	}{
		{"basic right", Request{URL: bin.URL + "/basic-auth/user/passwd", Scheme: "basic", Fields: map[string]string{"username": "user", "password": "passwd"}}, 200},
		{"basic wrong", Request{URL: bin.URL + "/basic-auth/user/passwd", Scheme: "basic", Fields: map[string]string{"username": "user", "password": "wrong"}}, 401},
		{"basic none", Request{URL: bin.URL + "/basic-auth/user/passwd"}, 401},
		{"bearer", Request{URL: bin.URL + "/bearer", Scheme: "bearer", Fields: map[string]string{"token": "t0k3n"}}, 200},
		{"bearer missing", Request{URL: bin.URL + "/bearer"}, 401},
		{"teapot", Request{URL: bin.URL + "/status/418"}, 418},
		{"server error", Request{URL: bin.URL + "/status/503"}, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := send(t, Options{}, tt.req)
			if err != nil {
				t.Fatalf("Exchange = %v", err)
			}
			if got := res.Final().Response.Status; got != tt.status {
				t.Errorf("status = %d; want %d", got, tt.status)
			}
		})
	}
}

func TestExchangeBasic401HasHintsAndChallenge(t *testing.T) {
	bin := newHTTPBin(t)
	res, err := send(t, Options{}, Request{URL: bin.URL + "/basic-auth/user/passwd", Scheme: "basic",
		Fields: map[string]string{"username": "user", "password": "wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	fin := res.Final()
	if fin.Response.Status != 401 || fin.Response.Reason != "Unauthorized" {
		t.Fatalf("got %d %q; want 401 Unauthorized", fin.Response.Status, fin.Response.Reason)
	}
	if len(res.Hints) == 0 {
		t.Fatal("no hints for a 401")
	}
	if got := fin.Request.DisplayHeader(false).Get("Authorization"); got != "Basic "+Mask("") {
		t.Errorf("displayed Authorization = %q; want it masked", got)
	}
	if got := fin.Request.Header.Get("Authorization"); got != "Basic dXNlcjp3cm9uZw==" {
		t.Errorf("sent Authorization = %q; want Basic dXNlcjp3cm9uZw==", got)
	}
}

func TestExchangeGzipDecompressedAndCapped(t *testing.T) {
	bin := newHTTPBin(t)
	res, err := send(t, Options{}, Request{URL: bin.URL + "/gzip"})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Final().Response
	if !r.Compressed || !strings.Contains(string(r.Body), `"gzipped": true`) {
		t.Errorf("gzip: Compressed=%v body=%.80q; want decompressed JSON", r.Compressed, r.Body)
	}

	res, err = send(t, Options{MaxBody: 1000}, Request{URL: bin.URL + "/bytes/5000"})
	if err != nil {
		t.Fatal(err)
	}
	r = res.Final().Response
	if len(r.Body) != 1000 || !r.Truncated {
		t.Errorf("cap 1000 on 5000 bytes: len=%d truncated=%v; want 1000, true", len(r.Body), r.Truncated)
	}
}

// A gzip bomb: a small compressed body that decodes far past the cap stops
// at the cap (the cap is applied after decompression).
func TestExchangeCapAfterDecompression(t *testing.T) {
	// compressed once, before the server starts: compressing 50 MB inside
	// the handler took longer than the exchange's timeout under -race on
	// a loaded machine
	bomb := gzipZeros(t, 50<<20)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	}))
	defer srv.Close()
	res, err := send(t, Options{MaxBody: 1 << 20}, Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Final().Response
	if len(r.Body) != 1<<20 || !r.Truncated {
		t.Errorf("gzip bomb: len=%d truncated=%v; want %d, true", len(r.Body), r.Truncated, 1<<20)
	}
}

func TestExchangeTimeoutOnDrip(t *testing.T) {
	bin := newHTTPBin(t)
	start := time.Now()
	res, err := send(t, Options{Timeout: 300 * time.Millisecond}, Request{URL: bin.URL + "/drip?duration=5&numbytes=5&delay=0"})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("drip with 300ms timeout: err = %v; want ErrTimeout", err)
	}
	// ErrTimeout above is the proof; this one bound is loose for -race on
	// a loaded machine (the drip itself lasts 5 s and ends without error)
	if time.Since(start) > 10*time.Second {
		t.Errorf("the timeout did not stop the body read (took %s)", time.Since(start))
	}
	if res.Final() == nil {
		t.Error("no exchange recorded for the timed-out request")
	}
}

func TestExchangeCancel(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	e := New(Options{})
	defer e.Close()
	_, err := e.Exchange(ctx, Request{URL: srv.URL})
	if !errors.Is(err, ErrCanceled) {
		t.Fatalf("cancelled exchange: err = %v; want ErrCanceled", err)
	}
}

func TestExchangeReusesConnection(t *testing.T) {
	bin := newHTTPBin(t)
	e := New(Options{})
	defer e.Close()
	var reused []bool
	for range 3 {
		res, err := e.Exchange(context.Background(), Request{URL: bin.URL + "/get"})
		if err != nil {
			t.Fatal(err)
		}
		tm := res.Final().Timing
		reused = append(reused, tm.Reused)
		if tm.Total <= 0 || tm.FirstByte <= 0 || tm.FirstByte > tm.Total {
			t.Errorf("timing %+v: want 0 < first byte <= total", tm)
		}
	}
	if reused[0] || !reused[1] || !reused[2] {
		t.Errorf("reused = %v; want [false true true]", reused)
	}
}

func TestExchangeInputErrors(t *testing.T) {
	tests := []struct {
		req  Request
		want string
	}{
		{Request{URL: "://nope"}, "malformed URL"},
		{Request{URL: "example.com/x"}, "not an absolute URL"},
		{Request{URL: "ftp://example.com/"}, "not supported"},
		{Request{URL: "http://u:p@example.com/"}, "carries credentials"},
		{Request{URL: "http://example.com/", Scheme: "kerberos"}, "unknown auth scheme"},
		{Request{URL: "http://example.com/", Scheme: "basic"}, `needs field "username"`},
		{Request{URL: "http://example.com/", Method: "GE T"}, "not a valid HTTP method"},
		{Request{URL: "http://example.com/", Header: http.Header{"X-A": {"a\r\nb"}}}, "control character"},
	}
	for _, tt := range tests {
		_, err := send(t, Options{}, tt.req)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Exchange(%+v) = %v; want *InputError containing %q", tt.req, err, tt.want)
		}
	}
}

// recorder is a loopback server that records the exact request it receives
// and answers with handler.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	Method, RawQuery, Body string
	Header                 http.Header
}

func (r *recorder) got() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func newRecorder(t *testing.T, addr string, tls bool, handler http.HandlerFunc) *recorder {
	t.Helper()
	rec := &recorder{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, recorded{Method: r.Method, RawQuery: r.URL.RawQuery, Body: string(b), Header: r.Header.Clone()})
		rec.mu.Unlock()
		handler(w, r)
	})
	srv := httptest.NewUnstartedServer(h)
	if addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("listen %s: %v", addr, err)
		}
		srv.Listener.Close()
		srv.Listener = l
	}
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	rec.Server = srv
	t.Cleanup(srv.Close)
	return rec
}

func ok(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }

func redirectTo(target func() string, code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", target())
		w.WriteHeader(code)
	}
}

// redirectCredHeaders are every header that may carry a credential here.
var redirectCredHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "Referer"}

func assertNoCredentials(t *testing.T, who string, r recorded) {
	t.Helper()
	for _, h := range redirectCredHeaders {
		if v := r.Header.Get(h); v != "" {
			t.Errorf("%s received %s: %q; want none", who, h, v)
		}
	}
	if q, _ := url.ParseQuery(r.RawQuery); q.Has("api_key") || q.Has("oauth_signature") {
		t.Errorf("%s received credential query %q", who, r.RawQuery)
	}
}

func TestRedirectCredentialStripping(t *testing.T) {
	schemes := []struct {
		name   string
		scheme string
		fields map[string]string
		header string // where the credential travels (header name or "" for query)
	}{
		{"basic", "basic", map[string]string{"username": "u", "password": "p"}, "Authorization"},
		{"bearer", "bearer", map[string]string{"token": "tok"}, "Authorization"},
		{"apikey header", "apikey", map[string]string{"name": "X-API-Key", "value": "k"}, "X-Api-Key"},
		{"apikey query", "apikey", map[string]string{"name": "api_key", "value": "k", "in": "query"}, ""},
	}
	targets := []struct {
		name string
		addr string // where the second hop listens
	}{
		{"same host other port", "127.0.0.1:0"},
		{"other host", "127.0.0.2:0"},
	}
	for _, sc := range schemes {
		for _, tg := range targets {
			t.Run(sc.name+"/"+tg.name, func(t *testing.T) {
				second := newRecorder(t, tg.addr, false, ok)
				first := newRecorder(t, "127.0.0.1:0", false, redirectTo(func() string { return second.URL + "/landing" }, 302))
				hdr := http.Header{"Cookie": {"session=s3cr3t"}}
				res, err := send(t, Options{Follow: true}, Request{URL: first.URL + "/start", Header: hdr, Scheme: sc.scheme, Fields: sc.fields})
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Exchanges) != 2 || res.Final().Response.Status != 200 {
					t.Fatalf("got %d exchanges, final %v; want 2 ending in 200", len(res.Exchanges), res.Final().Response)
				}
				f := first.got()[0]
				if sc.header != "" && f.Header.Get(sc.header) == "" {
					t.Errorf("first hop did not get %s", sc.header)
				}
				if sc.header == "" && !strings.Contains(f.RawQuery, "api_key=k") {
					t.Errorf("first hop query %q lacks api_key", f.RawQuery)
				}
				assertNoCredentials(t, "second hop", second.got()[0])
				if len(res.Final().Request.Credentials) != 0 {
					t.Errorf("second hop recorded credentials %+v", res.Final().Request.Credentials)
				}
			})
		}
	}
}

func TestRedirectHTTPSToHTTP(t *testing.T) {
	plain := newRecorder(t, "127.0.0.1:0", false, ok)
	secure := newRecorder(t, "127.0.0.1:0", true, redirectTo(func() string { return plain.URL + "/insecure" }, 301))
	e := New(Options{Follow: true, Transport: secure.Client().Transport})
	defer e.Close()
	_, err := e.Exchange(context.Background(), Request{URL: secure.URL + "/", Scheme: "bearer", Fields: map[string]string{"token": "tok"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := secure.got()[0].Header.Get("Authorization"); got != "Bearer tok" {
		t.Errorf("https hop Authorization = %q; want Bearer tok", got)
	}
	assertNoCredentials(t, "http hop", plain.got()[0])
}

// A chain that leaves and comes back: credentials never return once dropped.
func TestRedirectChainBackToFirstHost(t *testing.T) {
	var firstURL string
	other := newRecorder(t, "127.0.0.2:0", false, redirectTo(func() string { return firstURL + "/back" }, 302))
	first := newRecorder(t, "127.0.0.1:0", false, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/back" {
			ok(w, r)
			return
		}
		redirectTo(func() string { return other.URL + "/away" }, 302)(w, r)
	})
	firstURL = first.URL
	res, err := send(t, Options{Follow: true}, Request{URL: first.URL + "/start", Scheme: "basic", Fields: map[string]string{"username": "u", "password": "p"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Exchanges) != 3 {
		t.Fatalf("got %d exchanges; want 3", len(res.Exchanges))
	}
	got := first.got()
	if got[0].Header.Get("Authorization") == "" {
		t.Error("first request had no Authorization")
	}
	assertNoCredentials(t, "other host", other.got()[0])
	assertNoCredentials(t, "first host after coming back", got[1])
}

func TestRedirectSameOriginKeepsCredentials(t *testing.T) {
	rec := newRecorder(t, "127.0.0.1:0", false, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/final" {
			ok(w, r)
			return
		}
		redirectTo(func() string { return "/final" }, 307)(w, r)
	})
	res, err := send(t, Options{Follow: true}, Request{Method: "POST", URL: rec.URL + "/start", Body: []byte("a=1"),
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Scheme: "bearer", Fields: map[string]string{"token": "tok"}})
	if err != nil {
		t.Fatal(err)
	}
	got := rec.got()
	if len(got) != 2 || got[1].Header.Get("Authorization") != "Bearer tok" || got[1].Method != "POST" || got[1].Body != "a=1" {
		t.Errorf("same-origin 307 hop = %+v; want POST a=1 with Bearer tok", got[len(got)-1])
	}
	if len(res.Trace.Steps) < 2 {
		t.Errorf("trace has no re-sign step: %+v", res.Trace.Steps)
	}
}

func TestRedirectMethodRewrite(t *testing.T) {
	tests := []struct {
		code       int
		method     string
		wantMethod string
		wantBody   string
	}{
		{301, "POST", "GET", ""},
		{302, "POST", "GET", ""},
		{303, "PUT", "GET", ""},
		{307, "PUT", "PUT", "x=1"},
		{308, "POST", "POST", "x=1"},
		{302, "PUT", "PUT", "x=1"},
	}
	for _, tt := range tests {
		rec := newRecorder(t, "127.0.0.1:0", false, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/final" {
				ok(w, r)
				return
			}
			redirectTo(func() string { return "/final" }, tt.code)(w, r)
		})
		_, err := send(t, Options{Follow: true}, Request{Method: tt.method, URL: rec.URL + "/", Body: []byte("x=1")})
		if err != nil {
			t.Fatal(err)
		}
		got := rec.got()[1]
		if got.Method != tt.wantMethod || got.Body != tt.wantBody {
			t.Errorf("%d after %s: got %s %q; want %s %q", tt.code, tt.method, got.Method, got.Body, tt.wantMethod, tt.wantBody)
		}
	}
}

func TestRedirectNotFollowedAndTooMany(t *testing.T) {
	loop := newRecorder(t, "127.0.0.1:0", false, redirectTo(func() string { return "/again" }, 302))
	res, err := send(t, Options{}, Request{URL: loop.URL})
	if err != nil || res.Final().Response.Status != 302 || len(res.Exchanges) != 1 {
		t.Fatalf("without Follow: err=%v exchanges=%d; want one 302", err, len(res.Exchanges))
	}
	res, err = send(t, Options{Follow: true}, Request{URL: loop.URL})
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("redirect loop: err = %v; want ErrTooManyRedirects", err)
	}
	if got := len(res.Exchanges); got != DefaultMaxRedirects+1 {
		t.Errorf("redirect loop made %d exchanges; want %d", got, DefaultMaxRedirects+1)
	}
	if len(res.Hints) == 0 || !strings.HasPrefix(res.Hints[0].Title, "Too many redirects") {
		t.Errorf("first hint = %+v; want Too many redirects", res.Hints)
	}
	for _, h := range res.Hints {
		if strings.Contains(h.Title, "not followed") {
			t.Errorf("hint %q after following redirects", h.Title)
		}
	}
}

// Transport errors name the address, not the URL; the wrapped net/http
// error quotes the URL, and a credential in its query must be masked there.
func TestTransportErrorMasksQueryCredential(t *testing.T) {
	_, err := send(t, Options{}, Request{URL: "http://127.0.0.1:1/x?a=1", Scheme: "apikey",
		Fields: map[string]string{"name": "api_key", "value": "s3cr3tkey", "in": "query"}})
	if err == nil {
		t.Fatal("connection to port 1 succeeded")
	}
	if strings.Contains(err.Error(), "s3cr3tkey") {
		t.Errorf("error %q contains the API key", err)
	}
	// The line names the address only; the wrapped net/http error still
	// quotes the URL, masked.
	if want := "nothing listens on 127.0.0.1:1: start the server or check the port"; err.Error() != want {
		t.Errorf("error = %q; want %q", err, want)
	}
	var ue *url.Error
	if !errors.As(err, &ue) || !strings.Contains(ue.URL, "api_key="+Mask("")) {
		t.Errorf("wrapped error %v does not show the masked parameter", ue)
	}
}
