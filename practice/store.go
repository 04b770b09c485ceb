package practice

import (
	"sync"
	"time"
)

// nonceSet remembers the OAuth 1.0a nonces a server accepted (RFC 5849
// §3.3), each until its timestamp can no longer be accepted, and at most max
// of them: when full, the oldest is forgotten first.
type nonceSet struct {
	mu    sync.Mutex
	max   int
	until map[string]time.Time // key → forget after
	order []nonceEntry         // insertion order
}

type nonceEntry struct {
	key   string
	until time.Time
}

func newNonceSet(max int) *nonceSet {
	return &nonceSet{max: max, until: make(map[string]time.Time)}
}

// use records key at now, to be remembered until `until`. It reports false
// when key was already recorded and is still remembered: a replay.
func (n *nonceSet) use(key string, now, until time.Time) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if u, ok := n.until[key]; ok && now.Before(u) {
		return false
	}
	for len(n.order) > 0 && (len(n.until) >= n.max || !now.Before(n.order[0].until)) {
		e := n.order[0]
		n.order = n.order[1:]
		if n.until[e.key].Equal(e.until) {
			delete(n.until, e.key)
		}
	}
	n.until[key] = until
	n.order = append(n.order, nonceEntry{key, until})
	return true
}

// tokenKind tells a temporary credential from a token credential.
type tokenKind int

const (
	requestToken tokenKind = iota + 1 // RFC 5849 §2.1 temporary credentials
	accessToken                       // RFC 5849 §2.3 token credentials
)

// tokenInfo is what the server knows about one issued token.
type tokenInfo struct {
	kind       tokenKind
	secret     string
	consumer   string
	callback   string    // request tokens: oauth_callback
	verifier   string    // request tokens: the PIN shown by /authorize
	authorized bool      // request tokens: the user saw the PIN
	expires    time.Time // zero: never
}

// tokenStore keeps issued tokens, at most max: when full, the oldest is
// forgotten first.
type tokenStore struct {
	mu    sync.Mutex
	max   int
	m     map[string]tokenInfo
	order []string
}

func newTokenStore(max int) *tokenStore {
	return &tokenStore{max: max, m: make(map[string]tokenInfo)}
}

// put stores a new token.
func (t *tokenStore) put(token string, info tokenInfo) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.m) >= t.max && len(t.order) > 0 {
		delete(t.m, t.order[0])
		t.order = t.order[1:]
	}
	if _, ok := t.m[token]; !ok {
		t.order = append(t.order, token)
	}
	t.m[token] = info
	if len(t.order) > 2*t.max { // removed tokens linger in order: compact it
		kept := make([]string, 0, len(t.m))
		for _, k := range t.order {
			if _, ok := t.m[k]; ok {
				kept = append(kept, k)
			}
		}
		t.order = kept
	}
}

// get returns the token of kind k, unless unknown or expired at now.
func (t *tokenStore) get(token string, k tokenKind, now time.Time) (tokenInfo, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	info, ok := t.m[token]
	if !ok || info.kind != k || (!info.expires.IsZero() && !now.Before(info.expires)) {
		return tokenInfo{}, false
	}
	return info, true
}

// markAuthorized records that the user saw a request token's PIN.
func (t *tokenStore) markAuthorized(token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if info, ok := t.m[token]; ok {
		info.authorized = true
		t.m[token] = info
	}
}

// remove forgets a token (a request token once exchanged). It reports
// whether the token was there, so only one exchange can win.
func (t *tokenStore) remove(token string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.m[token]
	delete(t.m, token)
	return ok
}
