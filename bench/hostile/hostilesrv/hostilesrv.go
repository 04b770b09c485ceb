// Package hostilesrv serves the hostile HTTP responses of issue #7 item 3
// (resource limits) from a raw TCP listener, byte for byte, so that nothing
// in net/http's server can tidy them up. The end-to-end tests and
// bench/hostile-rss.sh use the same server.
package hostilesrv

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Case is one hostile answer, served at Path.
type Case struct {
	Path string
	What string
}

// Cases lists every path the server answers, in table order.
var Cases = []Case{
	{"/drip", "200, Content-Length 3600, then one body byte per second"},
	{"/drip-head", "a status line, then one header byte per second"},
	{"/endless", "chunked body that never ends (32 KiB chunks as fast as the client reads)"},
	{"/gzip-10m", "gzip of 10 MB of zeros (about 10 KB on the wire, ×1000)"},
	{"/gzip-endless", "chunked gzip stream of zeros that never ends (about 800×)"},
	{"/cl-long", "Content-Length 1000000, 10 bytes sent, then the connection closes"},
	{"/cl-short", "Content-Length 5 with 5 bytes, then a second smuggled response on the same connection"},
	{"/headers-10k", "10 000 small header fields (about 170 KB, under the 1 MiB cap)"},
	{"/headers-10k-big", "10 000 header fields of 128 bytes (about 1.4 MB, over the cap)"},
	{"/header-1m", "one header value of 1 MiB (over the cap)"},
	{"/challenges-10k", "401 with 10 000 WWW-Authenticate fields"},
}

// Server is a running hostile server.
type Server struct {
	URL string // http://127.0.0.1:PORT

	ln     net.Listener
	gz10m  func() []byte
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
	closed chan struct{}
}

// Start listens on addr (e.g. 127.0.0.1:0) and serves until Close.
func Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), ln: ln,
		gz10m: sync.OnceValue(func() []byte { return GzipZeros(10_000_000) }),
		conns: map[net.Conn]struct{}{}, closed: make(chan struct{})}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Close stops the listener and every connection, and waits for them.
func (s *Server) Close() error {
	close(s.closed)
	err := s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = struct{}{}
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handle(c)
			c.Close()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
		}()
	}
}

// GzipZeros returns a gzip encoding of n zero bytes: members of up to 2 MB
// of zeros one after the other (RFC 1952 §2.2; Go's gzip reader and every
// browser read them as one stream). One member is compressed once and
// repeated, so the fixture is cheap even under the race detector, and the
// ratio stays above 1000×.
func GzipZeros(n int) []byte {
	const member = 2_000_000
	var out []byte
	if n >= member {
		out = bytes.Repeat(gzipMember(member), n/member)
	}
	if n%member > 0 || n == 0 {
		out = append(out, gzipMember(n%member)...)
	}
	return out
}

func gzipMember(n int) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(make([]byte, n))
	zw.Close()
	return b.Bytes()
}

// sleep waits d or until the server closes; false when it closed.
func (s *Server) sleep(d time.Duration) bool {
	select {
	case <-s.closed:
		return false
	case <-time.After(d):
		return true
	}
}

func (s *Server) handle(c net.Conn) {
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		if !s.answer(c, req) {
			return
		}
	}
}

// answer writes the response for req; true keeps the connection open.
func (s *Server) answer(c net.Conn, req *http.Request) bool {
	w := bufio.NewWriterSize(c, 64<<10)
	defer w.Flush()
	switch req.URL.Path {
	case "/drip":
		io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3600\r\n\r\n")
		for range 3600 {
			if w.Flush() != nil || !s.sleep(time.Second) {
				return false
			}
			w.WriteByte('.')
		}
	case "/drip-head":
		io.WriteString(w, "HTTP/1.1 200 OK\r\n")
		for _, b := range []byte(strings.Repeat("X-Slow: a\r\n", 400)) {
			if w.Flush() != nil || !s.sleep(time.Second) {
				return false
			}
			w.WriteByte(b)
		}
	case "/endless":
		io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
		chunk := fmt.Sprintf("%x\r\n%s\r\n", 32<<10, bytes.Repeat([]byte("A"), 32<<10))
		for {
			if _, err := io.WriteString(w, chunk); err != nil {
				return false
			}
			select {
			case <-s.closed:
				return false
			default:
			}
		}
	case "/gzip-10m":
		gz := s.gz10m()
		fmt.Fprintf(w, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n", len(gz))
		w.Write(gz)
	case "/gzip-endless":
		io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n")
		cw := &chunkWriter{w: w}
		zw, _ := gzip.NewWriterLevel(cw, gzip.BestSpeed) // about 800×
		zeros := make([]byte, 64<<10)
		for {
			// Flushed at every write, so the client has data at once.
			if _, err := zw.Write(zeros); err != nil || zw.Flush() != nil || w.Flush() != nil || cw.err != nil {
				return false
			}
			select {
			case <-s.closed:
				return false
			default:
			}
		}
	case "/cl-long":
		io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n0123456789")
		return false
	case "/cl-short":
		// The declared body, then a whole response the client never asked
		// for: a client that reused the connection would take it as the
		// answer to its next request.
		io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello"+
			"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\nsmuggled")
		return true
	case "/headers-10k":
		io.WriteString(w, "HTTP/1.1 200 OK\r\n")
		for i := range 10000 {
			fmt.Fprintf(w, "X-Hostile-%d: v\r\n", i)
		}
		io.WriteString(w, "Content-Length: 2\r\n\r\nok")
	case "/headers-10k-big":
		io.WriteString(w, "HTTP/1.1 200 OK\r\n")
		v := strings.Repeat("v", 128)
		for i := range 10000 {
			fmt.Fprintf(w, "X-Hostile-%d: %s\r\n", i, v)
		}
		io.WriteString(w, "Content-Length: 2\r\n\r\nok")
	case "/header-1m":
		io.WriteString(w, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", 1<<20)+"\r\nContent-Length: 2\r\n\r\nok")
	case "/challenges-10k":
		io.WriteString(w, "HTTP/1.1 401 Unauthorized\r\n")
		for i := range 10000 {
			fmt.Fprintf(w, "WWW-Authenticate: Digest realm=\"r%d\", qop=\"auth\", nonce=\"n%d\", algorithm=MD5\r\n", i, i)
		}
		io.WriteString(w, "Content-Length: 0\r\n\r\n")
	default:
		io.WriteString(w, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nsecond")
		return true
	}
	return false
}

// chunkWriter writes each Write as one HTTP/1.1 chunk.
type chunkWriter struct {
	w   io.Writer
	err error
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if _, c.err = fmt.Fprintf(c.w, "%x\r\n", len(p)); c.err == nil {
		if _, c.err = c.w.Write(p); c.err == nil {
			_, c.err = io.WriteString(c.w, "\r\n")
		}
	}
	if c.err != nil {
		return 0, c.err
	}
	return len(p), nil
}
