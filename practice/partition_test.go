package practice

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// TestPartitionedQuota: a client past its quota forgets its own oldest
// entry, never another client's, and lookups find a key from any client.
func TestPartitionedQuota(t *testing.T) {
	now := srvNow
	s := newPartitioned[string](3, 4)
	s.put("victim", "v1", "victim's", 0, time.Time{}, now)
	for i := range 100 {
		s.put("flooder", "f"+strconv.Itoa(i), "flood", 0, time.Time{}, now)
	}
	for _, tt := range []struct {
		key  string
		want bool
	}{
		{"v1", true}, {"f0", false}, {"f96", false}, {"f97", true}, {"f99", true},
	} {
		if _, ok := s.get(tt.key, now); ok != tt.want {
			t.Errorf("get(%q) found = %v; want %v", tt.key, ok, tt.want)
		}
	}
	if parts, entries := s.stats(); parts != 2 || entries != 4 {
		t.Errorf("stats() = %d partitions, %d entries; want 2, 4", parts, entries)
	}
	if v, ok := s.take("v1", now); !ok || v != "victim's" {
		t.Errorf("take(v1) = %q, %v; want victim's, true", v, ok)
	}
	if _, ok := s.take("v1", now); ok {
		t.Errorf("take(v1) twice succeeded; want single use")
	}
	if !s.update("f99", now, func(v *string) { *v = "changed" }) {
		t.Errorf("update(f99) = false")
	}
	if v, _ := s.get("f99", now); v != "changed" {
		t.Errorf("get(f99) after update = %q; want changed", v)
	}
}

// TestPartitionedExpiry: an expired entry is not returned and is dropped
// before a live one is evicted, without raising the floor.
func TestPartitionedExpiry(t *testing.T) {
	now := srvNow
	s := newPartitioned[struct{}](2, 4)
	if r := s.use("c", "old", 10, now.Add(time.Second), now); r != useFresh {
		t.Fatalf("use(old) = %v; want fresh", r)
	}
	later := now.Add(2 * time.Second)
	if _, ok := s.get("old", later); ok {
		t.Errorf("get(old) after its until = found")
	}
	for _, k := range []string{"a", "b"} {
		if r := s.use("c", k, 20, later.Add(time.Hour), later); r != useFresh {
			t.Errorf("use(%q) = %v; want fresh", k, r)
		}
	}
	if r := s.use("c", "fresh", 11, later.Add(time.Hour), later); r != useFresh {
		t.Errorf("use(fresh, stamp 11) after only an expired entry was dropped = %v; want fresh (floor untouched)", r)
	}
}

// TestPartitionedFloor: eviction never re-opens replay. A client's own
// flood raises only its own floor; a remembered key is a replay from every
// client; forgetting a whole partition with live entries raises the shared
// floor.
func TestPartitionedFloor(t *testing.T) {
	now := srvNow
	until := now.Add(time.Hour)
	s := newPartitioned[struct{}](3, 3)
	steps := []struct {
		client, key string
		stamp       int64
		want        useResult
	}{
		{"victim", "captured", 100, useFresh},
		{"flooder", "f1", 100, useFresh},
		{"flooder", "f2", 101, useFresh},
		{"flooder", "f3", 102, useFresh},
		{"flooder", "f4", 103, useFresh},      // evicts f1: flooder's floor 100
		{"flooder", "f5", 104, useFresh},      // evicts f2: flooder's floor 101
		{"flooder", "f1", 100, useStale},      // its own evicted nonce: below its floor
		{"flooder", "new-old", 101, useStale}, // unknown but at its floor: cannot tell from a forgotten one
		{"flooder", "captured", 100, useReplay},
		{"other", "captured", 100, useReplay},
		{"victim", "captured", 100, useReplay},
		{"victim", "v-old", 50, useFresh}, // the flooder's floor is not the victim's
		{"other", "o-old", 50, useFresh},
		// A fourth client forgets the least recently active one (the
		// flooder: lookups do not count as activity), whose live entries
		// had stamps up to 104: the shared floor becomes 104.
		{"fourth", "x", 200, useFresh},
		{"fourth", "y", 104, useStale},
		{"other", "o-older", 99, useStale},
		{"other", "o-new", 105, useFresh},
		{"other", "captured", 100, useReplay}, // the victim's partition is kept
	}
	for i, st := range steps {
		if got := s.use(st.client, st.key, st.stamp, until, now); got != st.want {
			t.Errorf("step %d: use(%q, %q, %d) = %v; want %v", i, st.client, st.key, st.stamp, got, st.want)
		}
	}
}

// TestPartitionedBounded: however many clients and keys, the store holds
// at most quota × maxParts entries, and the order queues stay bounded when
// entries are deleted as fast as they are made.
func TestPartitionedBounded(t *testing.T) {
	now := srvNow
	const quota, parts = 5, 8
	s := newPartitioned[int](quota, parts)
	for c := range 3 * parts {
		for k := range 4 * quota {
			s.put(strconv.Itoa(c), strconv.Itoa(c)+"/"+strconv.Itoa(k), k, 0, time.Time{}, now)
		}
	}
	if p, e := s.stats(); p != parts || e != quota*parts {
		t.Errorf("stats() = %d partitions, %d entries; want %d, %d", p, e, parts, quota*parts)
	}
	for k := range 1000 {
		key := "churn" + strconv.Itoa(k)
		s.put("churner", key, k, 0, time.Time{}, now)
		s.del(key)
	}
	p := s.parts["churner"]
	if p == nil || len(p.order) > 2*quota+1 || p.live != 0 {
		t.Errorf("churner's partition: %v; want an order queue of at most %d and no live entries", p, 2*quota+1)
	}
}

// TestStoreMemoryBound measures what one remembered entry of each store
// costs and reports the bound of a full server: Σ bytes per entry × quota,
// × maxClients.
func TestStoreMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("measures heap growth")
	}
	now := srvNow
	const client = "203.0.113.7"
	stores := []struct {
		name  string
		quota int
		make  func(n int) any // fills a store of n entries and returns it
	}{
		{"OAuth 1.0a nonces", maxNonces, func(n int) any {
			s := newPartitioned[struct{}](n, 1)
			for range n {
				s.use(client, DemoConsumerKey+"\x00"+randomHex(16), now.Unix(), nonceUntil(now.Unix()), now)
			}
			return s
		}},
		{"OAuth 1.0a tokens", maxTokens, func(n int) any {
			s := newPartitioned[tokenInfo](n, 1)
			for range n {
				s.put(client, "req-"+randomHex(16), tokenInfo{kind: requestToken, secret: randomHex(20), consumer: DemoConsumerKey, callback: "oob", verifier: randomPIN()}, 0, now.Add(time.Hour), now)
			}
			return s
		}},
		{"OAuth 2.0 access tokens", oauth2MaxTokens, func(n int) any {
			s := newPartitioned[oauth2Grant](n, 1)
			for range n {
				s.put(client, "at-"+randomHex(16), oauth2Grant{client: DemoOAuth2ClientID, subject: DemoUser, scope: "read"}, 0, now.Add(time.Hour), now)
			}
			return s
		}},
		{"OAuth 2.0 refresh tokens", oauth2MaxTokens, func(n int) any {
			s := newPartitioned[oauth2Grant](n, 1)
			for range n {
				s.put(client, "rt-"+randomHex(20), oauth2Grant{client: DemoOAuth2ClientID, subject: DemoUser, scope: "read"}, 0, time.Time{}, now)
			}
			return s
		}},
		{"authorization codes", oauth2MaxPending, func(n int) any {
			s := newPartitioned[oauth2Code](n, 1)
			for range n {
				s.put(client, "code-"+randomHex(16), oauth2Code{client: DemoOAuth2ClientID, redirect: "http://127.0.0.1:49152/callback", challenge: randomHex(22)[:43], scope: "read", expires: now}, 0, now.Add(time.Hour), now)
			}
			return s
		}},
		{"pending authorization requests", oauth2MaxPending, func(n int) any {
			s := newPartitioned[oauth2AuthRequest](n, 1)
			for range n {
				s.put(client, randomHex(16), oauth2AuthRequest{client: DemoOAuth2ClientID, redirect: "http://127.0.0.1:49152/callback", state: randomHex(16), challenge: randomHex(22)[:43], scope: "read", expires: now}, 0, now.Add(time.Hour), now)
			}
			return s
		}},
		{"device codes", oauth2MaxPending, func(n int) any {
			s := newPartitioned[*oauth2Device](n, 1)
			for range n {
				s.put(client, "dc-"+randomHex(20), &oauth2Device{client: DemoOAuth2ClientID, scope: "read", userCode: oauth2UserCode(), expires: now}, 0, now.Add(time.Hour), now)
			}
			return s
		}},
		{"user codes", oauth2MaxPending, func(n int) any {
			s := newPartitioned[string](n, 1)
			for range n {
				s.put(client, oauth2NormalizeUserCode(oauth2UserCode()), "dc-"+randomHex(20), 0, now.Add(time.Hour), now)
			}
			return s
		}},
		{"Digest nonce counts", digestMaxNonces, func(n int) any {
			s := newPartitioned[uint64](n, 1)
			for range n {
				s.put(client, randomHex(32)[:43], 1, now.Unix(), now.Add(time.Hour), now)
			}
			return s
		}},
	}
	const n = 20000
	var perClient float64
	for _, st := range stores {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		kept := st.make(n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(kept)
		per := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / n
		perClient += per * float64(st.quota)
		t.Logf("%-31s %4.0f B/entry × %4d per client = %6.1f KB", st.name, per, st.quota, per*float64(st.quota)/1e3)
		if per <= 0 || per > 1024 {
			t.Errorf("%s: %.0f B per entry; want (0, 1024]", st.name, per)
		}
	}
	t.Logf("one client: %.0f KB; × %d clients = %.1f MB at most", perClient/1e3, maxClients, perClient*maxClients/1e6)
}
