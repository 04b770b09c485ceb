package practice

import (
	"bytes"
	"errors"
	"io"
	"log"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Limits bound what clients can hold of a practice server: how long a
// connection may take to send a request or sit idle, how many connections
// are open, and, per client (ClientKey of the remote address), how many
// connections and requests per second one client gets. A zero count or rate
// is off; a zero timeout is Go's "none".
//
// A classroom (`authlab serve`) uses ServeLimits; the embedded server of the
// TUI and `send` uses EmbeddedLimits: one user in their own process, so the
// timeouts and the open-connection bound stay and the per-client limits go.
type Limits struct {
	// ReadHeaderTimeout bounds the request line and headers; ReadTimeout the
	// whole request with its body (a POST trickling its body a byte a second
	// is closed when it runs out); WriteTimeout the handler and response;
	// IdleTimeout a keep-alive connection between requests.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration

	// MaxConns bounds the open connections. Near it (90 %) each new
	// connection closes the oldest idle keep-alive connection; at it, the
	// oldest idle one is closed to make room, or, with none idle, the new
	// connection is answered a raw 503 with Retry-After and closed, so the
	// server never runs out of file descriptors (DefaultMaxConns).
	MaxConns int
	// PerClientConns bounds one client's open connections: over it the
	// client's oldest idle connection is closed, or, with none idle, the new
	// one is answered a raw 429 with Retry-After and closed.
	PerClientConns int
	// Rate is the requests per second one client may send on average and
	// Burst how many at once (a token bucket); over it the answer is 429 with
	// Retry-After and a JSON body naming the limit, in the style of GitHub's
	// secondary rate limit.
	Rate  float64
	Burst int
	// MaxClients bounds the per-client rate table: when it is full the
	// client idle longest is forgotten (its bucket was refilling anyway).
	MaxClients int
	// Tarpit holds a request over the rate limit back this long, then tries
	// the client's bucket once more (200 if a token came, else 429): a client that ignores Retry-After over N
	// connections is slowed to about N requests per Tarpit, its requests
	// parked on timers instead of taking CPU from the rest of the room.
	// A client within its rate never waits. 0: answer at once.
	Tarpit time.Duration
	// Refused, when set, is told of each request the rate limit answers
	// 429, so the console and the room view count it (Server.Refused).
	Refused func(r *http.Request, status int, reason string)
}

// Defaults of a classroom server, sized for 100 students on one laptop:
// a student's authlab holds one or two connections and sends a few requests
// per action (Digest and OAuth 2.0 make two).
const (
	DefaultPerClientConns = 32
	DefaultRate           = 20 // requests per second per client
	DefaultBurst          = 40
	defaultMaxClients     = 4096
	retryAfterSeconds     = 1 // Retry-After of a connection refused at the limit
	// DefaultTarpit: a flooder over 32 connections gets ~64 answers/s.
	DefaultTarpit = 500 * time.Millisecond
)

// ServeLimits are the limits of `authlab serve`: timeouts, MaxConns from
// the file-descriptor limit, and the per-client defaults above.
func ServeLimits() Limits {
	l := EmbeddedLimits()
	l.PerClientConns = DefaultPerClientConns
	l.Rate, l.Burst = DefaultRate, DefaultBurst
	l.Tarpit = DefaultTarpit
	return l
}

// EmbeddedLimits are the limits of the embedded server: the timeouts and
// the open-connection bound, no per-client limit (its one user sends
// hundreds of requests in a test run, all from 127.0.0.1).
func EmbeddedLimits() Limits {
	return Limits{
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second, // 1 MiB (the largest cap) in 10 s is 100 KB/s
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       30 * time.Second,
		MaxConns:          DefaultMaxConns(),
		MaxClients:        defaultMaxClients,
	}
}

// DefaultMaxConns is the open-connection bound when none is set: the
// process's file-descriptor limit (RLIMIT_NOFILE, which Go raises to the
// hard limit at start) less a quarter, at least 32, kept for the files
// and descriptors of the process itself, and at most 4096 (≈ 90 MB of
// connection buffers). Where there is no such limit to read, 1024.
func DefaultMaxConns() int {
	n, ok := fileLimit()
	if !ok {
		return 1024
	}
	return maxConnsFor(n)
}

// maxConnsFor derives the connection bound from a file-descriptor limit.
func maxConnsFor(nofile uint64) int {
	headroom := max(nofile/4, 32)
	if nofile <= headroom+16 {
		return 16
	}
	return int(min(nofile-headroom, 4096))
}

// NewHTTPServer returns the http.Server of a practice server: h behind the
// per-client request-rate limit of l (when l.Rate > 0), the timeouts of l,
// errorLog for net/http's own messages (nil: the standard logger). Serve it
// on NewListener(inner, l, srv) so the connection limits hold too.
func NewHTTPServer(h http.Handler, l Limits, errorLog *log.Logger) *http.Server {
	if l.Rate > 0 {
		h = newRateLimiter(l, time.Now).wrap(h)
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		ErrorLog:          errorLog,
	}
}

// ---- request rate ---------------------------------------------------------

// rateLimiter keeps one token bucket per client key.
type rateLimiter struct {
	rate    float64 // tokens per second
	burst   float64
	max     int
	now     func() time.Time
	mu      sync.Mutex
	clients map[string]*bucket
	refused func(r *http.Request, status int, reason string) // Limits.Refused
	tarpit  time.Duration                                    // Limits.Tarpit
}

// bucket is one client's tokens as of last.
type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(l Limits, now func() time.Time) *rateLimiter {
	burst := max(l.Burst, 1)
	return &rateLimiter{rate: l.Rate, burst: float64(burst), max: max(l.MaxClients, 1), now: now, clients: map[string]*bucket{}, refused: l.Refused, tarpit: l.Tarpit}
}

// take spends one token of key's bucket. It reports whether the request may
// go, the whole tokens left, and how long until the next token.
func (rl *rateLimiter) take(key string) (ok bool, remaining int, wait time.Duration) {
	now := rl.now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	b := rl.clients[key]
	if b == nil {
		if len(rl.clients) >= rl.max {
			rl.forgetIdlest()
		}
		b = &bucket{tokens: rl.burst, last: now}
		rl.clients[key] = b
	}
	if d := now.Sub(b.last); d > 0 {
		b.tokens = min(rl.burst, b.tokens+d.Seconds()*rl.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, int(b.tokens), 0
	}
	return false, 0, time.Duration((1 - b.tokens) / rl.rate * float64(time.Second))
}

// forgetIdlest drops the client seen longest ago (and every client whose
// bucket has refilled: it is as if new). Called with mu held.
func (rl *rateLimiter) forgetIdlest() {
	now := rl.now()
	var oldest string
	var at time.Time
	for k, b := range rl.clients {
		if b.tokens+now.Sub(b.last).Seconds()*rl.rate >= rl.burst {
			delete(rl.clients, k)
			continue
		}
		if oldest == "" || b.last.Before(at) {
			oldest, at = k, b.last
		}
	}
	if len(rl.clients) >= rl.max {
		delete(rl.clients, oldest)
	}
}

// rateLimited is the JSON body of a 429, shaped like GitHub's answer to a
// secondary rate limit, with the limit named.
type rateLimited struct {
	Message    string  `json:"message"`
	Limit      string  `json:"limit"`
	Rate       float64 `json:"rate_per_second"`
	Burst      int     `json:"burst"`
	RetryAfter int     `json:"retry_after_seconds"`
	Client     string  `json:"client"`
}

// wrap puts h behind the limiter. Every answer carries X-RateLimit-Limit
// (the burst), X-RateLimit-Remaining and X-RateLimit-Resource; a refused
// one also Retry-After in whole seconds (RFC 9110 §10.2.3), never 0.
func (rl *rateLimiter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := ClientOf(r)
		ok, remaining, wait := rl.take(c.Key)
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(int(rl.burst)))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		w.Header().Set("X-RateLimit-Resource", "practice")
		if ok {
			h.ServeHTTP(w, r)
			return
		}
		if hold := rl.tarpit; hold > 0 {
			t := time.NewTimer(hold)
			select {
			case <-t.C:
			case <-r.Context().Done(): // the client gave up: nothing to answer
				t.Stop()
				return
			}
			ok, remaining, wait = rl.take(c.Key) // a token may have come meanwhile
			if ok {
				w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
				h.ServeHTTP(w, r)
				return
			}
		}
		secs := max(int(math.Ceil(wait.Seconds())), 1)
		if rl.refused != nil {
			rl.refused(r, http.StatusTooManyRequests, "rate limited")
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeJSON(w, http.StatusTooManyRequests, rateLimited{
			Message: "You have exceeded a secondary rate limit: " + strconv.FormatFloat(rl.rate, 'f', -1, 64) +
				" requests per second per client (burst " + strconv.Itoa(int(rl.burst)) + "). Please wait " + strconv.Itoa(secs) + " s before you try again.",
			Limit: "requests_per_second", Rate: rl.rate, Burst: int(rl.burst), RetryAfter: secs, Client: c.Addr,
		})
	})
}

// ---- request bodies -------------------------------------------------------

// Body caps per endpoint: forms and token requests are a few hundred bytes,
// API bodies a few KB; /aws takes what a SigV4 lesson signs (payload
// hashing of a file-sized body).
const (
	capForm = 16 << 10
	capAPI  = 64 << 10
	capAWS  = maxBody // the largest cap: readBody's own bound
)

// bodyCapOf is the body cap of a route pattern as given to handle
// ("POST /oauth2/token", "/digest").
func bodyCapOf(pattern string) int64 {
	switch pattern {
	case "/aws":
		return capAWS
	case "POST /edgegrid/":
		return capEdgeGrid
	case "POST /oauth2/token", "POST /oauth2/device", "POST /oauth2/device/verify", "POST /oauth2/authorize",
		"POST /oidc/token", "POST /oidc/device", "POST /oidc/device/verify", "POST /oidc/authorize",
		"POST /oidc/userinfo", "POST /oidc/introspect", "POST /oidc/revoke", "POST /oidc/rotate",
		"POST /twitter/oauth/request_token", "POST /twitter/oauth/access_token", "POST /twitter/1.1/statuses/update.json":
		return capForm
	}
	return capAPI
}

// capBody answers 413 to a request whose body is over limit: at once, unread,
// when Content-Length says so; after limit+1 bytes when the body is chunked.
// A body within the cap is read here and handed on in memory, so the
// handler's reads cannot fail on length.
func (s *Server) capBody(limit int64, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			s.tooLarge(w, r, limit)
			return
		}
		if r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody {
			b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
			if err != nil {
				if over := (*http.MaxBytesError)(nil); errors.As(err, &over) {
					s.tooLarge(w, r, limit)
					return
				}
				http.Error(w, "the request body could not be read: "+err.Error(), http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			r.ContentLength = int64(len(b))
		}
		h(w, r)
	}
}

// sizeText renders a byte count the way GET / lists caps ("16 KiB").
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// tooLarge writes the 413 of a body over its cap and closes the connection
// (the unread body is not drained); the console and room view count it.
func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	s.Refused(r, http.StatusRequestEntityTooLarge, "body over the "+sizeText(limit)+" cap")
	w.Header().Set("Connection", "close")
	writeJSON(w, http.StatusRequestEntityTooLarge, struct {
		Message string `json:"message"`
		Limit   int64  `json:"max_body_bytes"`
	}{"Request body too large: " + oneLine(r.URL.Path) + " accepts at most " + strconv.FormatInt(limit, 10) + " bytes.", limit})
}
