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

// TestStoreMemoryBound measures what one remembered entry costs (an OAuth
// 1.0a nonce, an OAuth 2.0 token) and reports the bound of a full store:
// bytes per entry × quota × maxClients.
func TestStoreMemoryBound(t *testing.T) {
	if testing.Short() {
		t.Skip("measures heap growth")
	}
	measure := func(fill func(n int)) float64 {
		const n = 20000
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		fill(n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		return float64(after.HeapAlloc-before.HeapAlloc) / n
	}
	now := srvNow
	var keep []any
	nonce := measure(func(n int) {
		s := newPartitioned[struct{}](n, 1)
		for range n {
			s.use("203.0.113.7", DemoConsumerKey+"\x00"+randomHex(16), now.Unix(), nonceUntil(now.Unix()), now)
		}
		keep = append(keep, s)
	})
	token := measure(func(n int) {
		s := newPartitioned[oauth2Grant](n, 1)
		for range n {
			s.put("203.0.113.7", "at-"+randomHex(16), oauth2Grant{client: DemoOAuth2ClientID, subject: DemoUser, scope: "read"}, 0, now.Add(time.Hour), now)
		}
		keep = append(keep, s)
	})
	runtime.KeepAlive(keep)
	t.Logf("OAuth 1.0a nonce: %.0f B/entry × %d × %d clients = %.1f MB", nonce, maxNonces, maxClients, nonce*maxNonces*maxClients/1e6)
	t.Logf("Digest nc (≈ nonce): %d × %d clients = %.1f MB", digestMaxNonces, maxClients, nonce*digestMaxNonces*maxClients/1e6)
	t.Logf("OAuth 2.0 token: %.0f B/entry × %d × %d clients = %.1f MB (access, and as much for refresh)", token, oauth2MaxTokens, maxClients, token*oauth2MaxTokens*maxClients/1e6)
	if nonce <= 0 || nonce > 1024 || token <= 0 || token > 1024 {
		t.Errorf("bytes per entry: nonce %.0f, token %.0f; want each in (0, 1024]", nonce, token)
	}
}
