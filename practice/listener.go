package practice

import (
	"container/list"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Listener is a net.Listener that holds the connection limits of a
// practice server (Limits.MaxConns, Limits.PerClientConns). It counts the
// open connections, in total and per client, and learns which are idle
// keep-alive connections from the http.Server's ConnState, so that it can
// close the oldest idle ones first when a limit is near, and refuse a new
// connection with a short raw answer only when none is idle. The accept
// loop therefore never meets EMFILE (today's "Accept error: too many open
// files" while every other request times out).
//
// A refused connection gets "HTTP/1.1 503" (server full) or "429" (this
// client holds too many) with Retry-After and is closed, before any TLS
// handshake: an HTTPS client reads it as "server gave HTTP response to
// HTTPS client", which still names the cause.
type Listener struct {
	net.Listener
	limits Limits
	mu     sync.Mutex
	open   int
	per    map[string]int // open connections per client key
	idle   *list.List     // *conn, oldest idle first
	// refusing bounds the refusals being answered at once: each holds a
	// descriptor for up to a second or two.
	refusing chan struct{}
}

// maxRefusing bounds the connections being answered a refusal at once
// (they count against the file-descriptor headroom, not MaxConns).
const maxRefusing = 16

// ListenerStats is a snapshot of a Listener's counts.
type ListenerStats struct {
	Open    int // connections open now
	Idle    int // of which idle keep-alive connections
	Clients int // clients with a connection open
}

// NewListener wraps inner with the connection limits of l and hooks srv's
// ConnState (keeping any callback already set) to track idle connections.
// srv should come from NewHTTPServer; serve it with srv.Serve(ln) or
// srv.ServeTLS(ln, …).
func NewListener(inner net.Listener, l Limits, srv *http.Server) *Listener {
	ln := &Listener{Listener: inner, limits: l, per: map[string]int{}, idle: list.New(), refusing: make(chan struct{}, maxRefusing)}
	prev := srv.ConnState
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		ln.connState(c, st)
		if prev != nil {
			prev(c, st)
		}
	}
	return ln
}

// conn is an accepted connection as the Listener counts it.
type conn struct {
	net.Conn
	ln      *Listener
	key     string
	counted bool          // still in the counts; guarded by ln.mu
	idleAt  *list.Element // in ln.idle while idle; guarded by ln.mu
}

// Close closes the connection and takes it out of the counts.
func (c *conn) Close() error {
	c.ln.mu.Lock()
	c.ln.release(c)
	c.ln.mu.Unlock()
	return c.Conn.Close()
}

// Accept waits for the next connection within the limits, closing idle
// connections or refusing new ones as Limits describes.
func (ln *Listener) Accept() (net.Conn, error) {
	for {
		nc, err := ln.Listener.Accept()
		if err != nil {
			return nil, err
		}
		c := &conn{Conn: nc, ln: ln, key: ClientKey(nc.RemoteAddr().String())}
		status, victims := ln.admit(c)
		for _, v := range victims {
			v.Conn.Close() // the server sees the read fail and forgets it
		}
		if status == 0 {
			return c, nil
		}
		select {
		case ln.refusing <- struct{}{}:
			go func() {
				refuse(nc, status)
				<-ln.refusing
			}()
		default: // a flood of refusals: no answer, only the close
			nc.Close()
		}
	}
}

// admit counts c in, or names the status that refuses it; it returns the
// idle connections to close to make room.
func (ln *Listener) admit(c *conn) (status int, victims []*conn) {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	l := ln.limits
	if l.PerClientConns > 0 && ln.per[c.key] >= l.PerClientConns {
		v := ln.oldestIdle(c.key)
		if v == nil {
			return http.StatusTooManyRequests, nil
		}
		ln.release(v)
		victims = append(victims, v)
	}
	if l.MaxConns > 0 {
		if ln.open >= l.MaxConns {
			v := ln.oldestIdle("")
			if v == nil {
				return http.StatusServiceUnavailable, victims
			}
			ln.release(v)
			victims = append(victims, v)
		}
		if ln.open >= l.MaxConns-l.MaxConns/10 { // near the limit: one more idle goes
			if v := ln.oldestIdle(""); v != nil {
				ln.release(v)
				victims = append(victims, v)
			}
		}
	}
	ln.open++
	ln.per[c.key]++
	c.counted = true
	return 0, victims
}

// oldestIdle is the connection idle longest, of client key or of anyone
// (""); nil when none is idle. Called with mu held.
func (ln *Listener) oldestIdle(key string) *conn {
	for e := ln.idle.Front(); e != nil; e = e.Next() {
		if c := e.Value.(*conn); key == "" || c.key == key {
			return c
		}
	}
	return nil
}

// release takes c out of the counts and the idle list, once. Called with mu
// held.
func (ln *Listener) release(c *conn) {
	if c.idleAt != nil {
		ln.idle.Remove(c.idleAt)
		c.idleAt = nil
	}
	if !c.counted {
		return
	}
	c.counted = false
	ln.open--
	if ln.per[c.key]--; ln.per[c.key] <= 0 {
		delete(ln.per, c.key)
	}
}

// connState follows the server's view of a connection: idle ones join the
// back of the idle list, active ones leave it.
func (ln *Listener) connState(nc net.Conn, st http.ConnState) {
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	c, ok := nc.(*conn)
	if !ok || c.ln != ln {
		return
	}
	ln.mu.Lock()
	defer ln.mu.Unlock()
	switch st {
	case http.StateIdle:
		if c.counted && c.idleAt == nil {
			c.idleAt = ln.idle.PushBack(c)
		}
	case http.StateActive, http.StateHijacked:
		if c.idleAt != nil {
			ln.idle.Remove(c.idleAt)
			c.idleAt = nil
		}
	case http.StateClosed:
		ln.release(c)
	}
}

// Stats returns the current counts.
func (ln *Listener) Stats() ListenerStats {
	ln.mu.Lock()
	defer ln.mu.Unlock()
	return ListenerStats{Open: ln.open, Idle: ln.idle.Len(), Clients: len(ln.per)}
}

// refuse answers a connection over a limit with a raw HTTP/1.1 status,
// Retry-After and a one-line reason, and closes it. The request is not
// parsed: the answer is written at once and the connection never reaches
// the server.
func refuse(nc net.Conn, status int) {
	defer nc.Close()
	reason := "the practice server is at its connection limit; retry in a moment\n"
	if status == http.StatusTooManyRequests {
		reason = "this client holds too many connections to the practice server; close some or retry in a moment\n"
	}
	nc.SetWriteDeadline(time.Now().Add(time.Second))
	nc.Write([]byte("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n" +
		"Retry-After: " + strconv.Itoa(retryAfterSeconds) + "\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Length: " + strconv.Itoa(len(reason)) + "\r\n" +
		"Connection: close\r\n\r\n" + reason))
	// FIN after the answer, then read what the client sent until it closes:
	// closing with its request unread would reset the connection, and a
	// reset can discard the answer before the client reads it.
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	nc.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, io.LimitReader(nc, 64<<10))
}
