package practice

import (
	"container/list"
	"sync"
	"time"
)

// partitioned is the practice server's one bounded store: every piece of
// state a client makes (OAuth 1.0a nonces and tokens, OAuth 2.0 tokens,
// codes, device and user codes, pending authorization requests, Digest
// nonce counts) lives in one, charged to the partition of the client that
// made it (Client.Key: an IPv4 address or an IPv6 /64). So that a classroom
// stays fair:
//
//   - Quota: a partition holds at most quota entries. When full, the
//     client's own oldest entry is forgotten first: one client's flood
//     evicts only its own entries, never another student's.
//   - Bounded partitions: at most maxParts partitions exist. A new client
//     past that makes the least recently active client (the one that stored
//     something longest ago) forgotten whole. Memory is bounded by
//     quota × maxParts entries.
//   - Lookups are global: get, take, update and del find a key in whichever
//     partition holds it. Keys here are either unguessable values the server
//     made (a token or a code is a capability: RFC 6750 §5.2 — whoever holds
//     it may use it, from any address, as a device user_code is approved
//     from the student's phone on another address) or values a client
//     chose (an OAuth 1.0a nonce), which must be refused as a replay from
//     every address, not only from the one that first used it.
//   - Floors, for stores whose entries guard against replay (use): each
//     entry carries a stamp (a timestamp or a nonce's issue time). When a
//     live entry is evicted for the quota, its partition's floor rises to
//     its stamp; a key that is not remembered and whose stamp is at or
//     below the floor is refused as stale, because the store can no longer
//     tell it from a replay of what it forgot (the Digest nonce-count rule,
//     RFC 7616 §3.3). The floor is per partition: a flooder raises only its
//     own, so it can never make other students' fresh requests stale.
//     Only forgetting a whole partition that still holds live entries
//     raises the shared floor (applied to every client), and that needs
//     more than maxParts distinct client keys active at once — not one
//     flooder, who has one key however fast it sends.
//
// Entries also expire (until): an expired entry is never returned and is
// dropped without raising a floor, since what it guarded is refused by its
// own expiry check (an OAuth 1.0a timestamp outside the window, a Digest
// nonce past its lifetime). A partitioned is safe for concurrent use.
type partitioned[V any] struct {
	mu       sync.Mutex
	quota    int
	maxParts int
	parts    map[string]*partition[V]
	lru      *list.List // of *partition[V], most recently active first
	index    map[string]*pentry[V]
	floor    int64 // shared floor: raised only when a partition with live entries is forgotten
}

// partition is one client's share of a partitioned store.
type partition[V any] struct {
	key     string
	elem    *list.Element
	order   []*pentry[V] // insertion order; removed entries linger (dead) until they reach the front or a compaction
	live    int
	floor   int64
	sweptAt time.Time // last scan for expired entries behind the front
}

// pentry is one entry.
type pentry[V any] struct {
	key   string
	part  *partition[V]
	val   V
	stamp int64
	until time.Time // zero: no expiry
	dead  bool
}

func (e *pentry[V]) expired(now time.Time) bool {
	return !e.until.IsZero() && !now.Before(e.until)
}

// newPartitioned returns a store of at most quota entries per client and
// maxParts clients.
func newPartitioned[V any](quota, maxParts int) *partitioned[V] {
	return &partitioned[V]{quota: quota, maxParts: maxParts, parts: map[string]*partition[V]{},
		lru: list.New(), index: map[string]*pentry[V]{}}
}

// put stores key → v for client, replacing any entry of that key (in any
// partition), to be forgotten at until (zero: only by eviction).
func (s *partitioned[V]) put(client, key string, v V, stamp int64, until, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putLocked(client, key, v, stamp, until, now)
}

func (s *partitioned[V]) putLocked(client, key string, v V, stamp int64, until, now time.Time) {
	if old, ok := s.index[key]; ok {
		s.remove(old)
	}
	p := s.partition(client, now)
	s.makeRoom(p, now)
	e := &pentry[V]{key: key, part: p, val: v, stamp: stamp, until: until}
	p.order = append(p.order, e)
	p.live++
	s.index[key] = e
}

// partition returns client's partition, marked most recently active; a new
// one past maxParts makes the least recently active forgotten.
func (s *partitioned[V]) partition(client string, now time.Time) *partition[V] {
	if p, ok := s.parts[client]; ok {
		s.lru.MoveToFront(p.elem)
		return p
	}
	for len(s.parts) >= s.maxParts && s.lru.Len() > 0 {
		old := s.lru.Remove(s.lru.Back()).(*partition[V])
		delete(s.parts, old.key)
		for _, e := range old.order {
			if !e.dead {
				if !e.expired(now) {
					s.floor = max(s.floor, e.stamp)
				}
				delete(s.index, e.key)
			}
		}
	}
	p := &partition[V]{key: client}
	p.elem = s.lru.PushFront(p)
	s.parts[client] = p
	return p
}

// makeRoom drops dead and expired entries at the front of p and, while p is
// full, evicts its oldest live entry, raising p's floor to its stamp.
func (s *partitioned[V]) makeRoom(p *partition[V], now time.Time) {
	if p.live >= s.quota && now.Sub(p.sweptAt) >= time.Second { // expired entries behind live ones
		p.sweptAt = now
		for _, e := range p.order {
			if !e.dead && e.expired(now) {
				s.remove(e)
			}
		}
	}
	for len(p.order) > 0 {
		e := p.order[0]
		switch {
		case e.dead:
		case e.expired(now):
			s.remove(e)
		case p.live >= s.quota:
			p.floor = max(p.floor, e.stamp)
			s.remove(e)
		default:
			if len(p.order) > 2*s.quota { // dead entries pile up behind the front: compact
				kept := make([]*pentry[V], 0, p.live+1)
				for _, e := range p.order {
					if !e.dead {
						kept = append(kept, e)
					}
				}
				p.order = kept
			}
			return
		}
		p.order[0] = nil
		p.order = p.order[1:]
	}
}

// remove marks e dead and drops it from the index.
func (s *partitioned[V]) remove(e *pentry[V]) {
	if e.dead {
		return
	}
	e.dead = true
	e.part.live--
	if s.index[e.key] == e {
		delete(s.index, e.key)
	}
	var zero V
	e.val = zero
}

// lookup returns the live entry of key at now, from any partition.
func (s *partitioned[V]) lookup(key string, now time.Time) (*pentry[V], bool) {
	e, ok := s.index[key]
	if !ok || e.expired(now) {
		return nil, false
	}
	return e, true
}

// get returns the value of key unless unknown or expired at now.
func (s *partitioned[V]) get(key string, now time.Time) (V, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.lookup(key, now); ok {
		return e.val, true
	}
	var zero V
	return zero, false
}

// take returns the value of key and forgets it, so that only one caller
// can win (a request token exchanged, a code redeemed).
func (s *partitioned[V]) take(key string, now time.Time) (V, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.lookup(key, now)
	if !ok {
		var zero V
		return zero, false
	}
	v := e.val
	s.remove(e)
	return v, true
}

// update calls f on the value of key in place, unless unknown or expired;
// it reports whether it did.
func (s *partitioned[V]) update(key string, now time.Time, f func(*V)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.lookup(key, now)
	if ok {
		f(&e.val)
	}
	return ok
}

// del forgets key.
func (s *partitioned[V]) del(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.index[key]; ok {
		s.remove(e)
	}
}

// useResult is the answer of use.
type useResult int

const (
	useFresh  useResult = iota // not seen before: now remembered
	useReplay                  // remembered: a replay, from whichever address
	useStale                   // not remembered but at or below client's floor: cannot be told from a forgotten one
)

// use records a replay-guarding key (a nonce) for client, remembered until
// until: a key remembered in any partition is a replay; a key not
// remembered whose stamp is at or below the floor that applies to client
// (its own partition's, or the shared one) is stale.
//
// Cross-client replay: an attacker who captured another student's request
// and floods its own partition evicts only its own nonces, so the captured
// nonce stays remembered in the victim's partition and the replay, from any
// address, is refused. What this cannot refuse is the replay, from another
// address, of a nonce the victim itself had evicted by sending more than
// quota requests within the window: the request carries nothing that names
// the victim's partition, and applying the victim's floor to everyone is
// what would let a flooder make others stale.
func (s *partitioned[V]) use(client, key string, stamp int64, until, now time.Time) useResult {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.lookup(key, now); ok {
		return useReplay
	}
	if stamp <= s.floorLocked(client) {
		return useStale
	}
	var zero V
	s.putLocked(client, key, zero, stamp, until, now)
	return useFresh
}

// floorLocked is the floor applied to client's keys.
func (s *partitioned[V]) floorLocked(client string) int64 {
	if p, ok := s.parts[client]; ok {
		return max(p.floor, s.floor)
	}
	return s.floor
}

// stats returns the number of partitions and of live entries (expired ones
// not yet dropped included), for tests and the memory bound.
func (s *partitioned[V]) stats() (parts, entries int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.parts), len(s.index)
}
