// Command benchsrv is the loopback server of the bench/ scripts. It prints
// its base URL on the first line of stdout and serves until interrupted:
//
//	GET /basic-auth/USER/PASS  200 {"authenticated":true,"user":USER} with
//	                           Basic USER:PASS, else 401 and a challenge
//	                           (go-httpbin's contract)
//	GET /json?mb=N             a compact JSON document of about N MiB
//	                           (default 20), built once per size and kept
//	GET /stats                 connections accepted and requests served so
//	                           far, as JSON (to check that clients reuse
//	                           their connection)
//	GET /stats/reset           sets both counters to zero
//
//	go run ./bench/benchsrv -addr 127.0.0.1:0
//	go run ./bench/benchsrv -write-json 20 > body.json   # the document alone
package main

import (
	"crypto/subtle"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/authlab/authlab/internal/benchdata"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	write := flag.Int("write-json", 0, "write the N MiB JSON document to stdout and exit")
	flag.Parse()
	if *write > 0 {
		os.Stdout.Write(Document(*write << 20))
		return
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchsrv:", err)
		os.Exit(1)
	}
	s := newServer()
	srv := &http.Server{Handler: s, ConnState: s.connState}
	go srv.Serve(ln)
	fmt.Printf("http://%s\n", ln.Addr())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	srv.Close()
}

type server struct {
	conns, requests atomic.Int64
	mu              sync.Mutex
	docs            map[int][]byte // by size in MiB
}

func newServer() *server { return &server{docs: map[int][]byte{}} }

func (s *server) connState(_ net.Conn, st http.ConnState) {
	if st == http.StateNew {
		s.conns.Add(1)
	}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/stats":
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]int64{"connections": s.conns.Load(), "requests": s.requests.Load()})
		return
	case p == "/stats/reset":
		s.conns.Store(0)
		s.requests.Store(0)
		return
	case strings.HasPrefix(p, "/basic-auth/"):
		s.requests.Add(1)
		parts := strings.Split(strings.TrimPrefix(p, "/basic-auth/"), "/")
		u, pw, ok := r.BasicAuth()
		if len(parts) != 2 || !ok || subtle.ConstantTimeCompare([]byte(u+":"+pw), []byte(parts[0]+":"+parts[1])) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="benchsrv"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, "{\n  \"authenticated\": true,\n  \"user\": %q\n}\n", parts[0])
	case p == "/json":
		s.requests.Add(1)
		mb := 20
		if v := r.URL.Query().Get("mb"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 512 {
				http.Error(w, "mb: 1 to 512", http.StatusBadRequest)
				return
			}
			mb = n
		}
		s.mu.Lock()
		doc, ok := s.docs[mb]
		if !ok {
			doc = Document(mb << 20)
			s.docs[mb] = doc
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
		w.Write(doc)
	default:
		http.NotFound(w, r)
	}
}

// Document is benchdata.JSON(n) with a final newline, as a server sends
// it: the same document the go test benchmarks use.
func Document(n int) []byte { return append(benchdata.JSON(n), '\n') }
