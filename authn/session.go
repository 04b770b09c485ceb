package authn

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"sync"
)

// Session is state a scheme keeps between exchanges of one engine: the
// Digest challenge and its nonce count (RFC 7616 §3.4: nc counts the
// requests made with one nonce), an OAuth 2.0 token until it expires. It
// lives in memory only and dies with the engine, so nothing here reaches a
// disk. A Session belongs to one scheme and one set of credentials; a
// change of any field starts a fresh one. It is safe for concurrent use.
type Session struct {
	mu   sync.Mutex
	vals map[string]any
}

// Get returns the value kept under key, or nil.
func (s *Session) Get(key string) any {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vals[key]
}

// Set keeps v under key; a nil v deletes it.
func (s *Session) Set(key string, v any) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v == nil {
		delete(s.vals, key)
		return
	}
	if s.vals == nil {
		s.vals = map[string]any{}
	}
	s.vals[key] = v
}

// Update runs f on the value under key and keeps what it returns, atomically
// (the Digest nonce count must not be used twice by concurrent sends).
func (s *Session) Update(key string, f func(old any) any) any {
	if s == nil {
		return f(nil)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := f(s.vals[key])
	if v == nil {
		delete(s.vals, key)
	} else {
		if s.vals == nil {
			s.vals = map[string]any{}
		}
		s.vals[key] = v
	}
	return v
}

// maxSessions bounds the sessions an engine keeps; the oldest is dropped.
const maxSessions = 256

// sessions maps a scheme and credential fingerprint to its Session.
type sessions struct {
	mu    sync.Mutex
	byKey map[string]*Session
	order []string
}

// forCreds returns the session of scheme with creds, creating it. The key is
// a hash, so the map never holds a secret in the clear.
func (ss *sessions) forCreds(scheme string, creds Credentials) *Session {
	names := make([]string, 0, len(creds))
	for k := range creds {
		names = append(names, k)
	}
	sort.Strings(names)
	h := sha256.New()
	h.Write([]byte(scheme))
	for _, k := range names {
		h.Write([]byte{0})
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(creds[k]))
	}
	key := hex.EncodeToString(h.Sum(nil))
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if s, ok := ss.byKey[key]; ok {
		return s
	}
	if ss.byKey == nil {
		ss.byKey = map[string]*Session{}
	}
	if len(ss.order) >= maxSessions {
		delete(ss.byKey, ss.order[0])
		ss.order = ss.order[1:]
	}
	s := &Session{}
	ss.byKey[key] = s
	ss.order = append(ss.order, key)
	return s
}

// each calls f for every session kept.
func (ss *sessions) each(f func(*Session)) {
	ss.mu.Lock()
	all := make([]*Session, 0, len(ss.byKey))
	for _, s := range ss.byKey {
		all = append(all, s)
	}
	ss.mu.Unlock()
	for _, s := range all {
		f(s)
	}
}
