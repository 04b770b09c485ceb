package practice

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ConsoleOptions configure a Console. Zero fields take the defaults.
type ConsoleOptions struct {
	// Now is the clock of the periodic summaries (Run); time.Now when nil.
	Now func() time.Time
	// Burst is how many full blocks one client gets per endpoint in a
	// Window before further requests are only counted (default 3).
	Burst int
	// Window is how long a client's count for one endpoint runs before its
	// summary line is printed and full blocks start again (default 10 s).
	Window time.Duration
	// MaxGroups bounds the client × endpoint pairs tracked at once
	// (default 1024); requests beyond are counted together as "other
	// clients". With Burst and MaxValue it bounds the bytes per Window.
	MaxGroups int
	// MaxValue bounds a printed trace value in runes (default 160); the
	// rest is cut with a count.
	MaxValue int
	// MaxLines bounds the value lines of one block (default 40).
	MaxLines int
}

// Console is the instructor's scrolling log, an Observer: one readable
// block per verification naming the client ("alice (10.0.0.7)"), with the
// trace as MaskTrace left it (no user_code, token, verifier or signature
// a classmate could use from a projected screen), every value on one line
// with control characters escaped.
//
// It is rate-limited per client and endpoint: after Burst blocks in a
// Window, further requests are counted, and one line sums them up when the
// window ends ("alice (10.0.0.7): 412 more requests to GET /github/user
// in 10s, all 200"), so a flood prints a bounded number of bytes per
// window however many requests it sends.
//
// Observe writes to the writer while holding the console's lock: a writer
// that blocks (a paused terminal) stalls the requests being logged. The
// bounded output keeps an ordinary terminal or pipe from ever doing so.
type Console struct {
	w io.Writer
	o ConsoleOptions

	mu        sync.Mutex
	groups    map[consoleKey]*consoleGroup
	other     consoleGroup // requests of pairs beyond MaxGroups
	nextSweep time.Time
}

// consoleKey is one client (its partition key) at one endpoint.
type consoleKey struct{ client, endpoint string }

// consoleGroup counts one client's requests to one endpoint in a window.
type consoleGroup struct {
	label    string // the client's label, as last seen
	endpoint string
	start    time.Time
	shown    int
	more     int
	statuses map[int]int
	mistakes map[string]int
}

// NewConsole returns a console writing to w.
func NewConsole(w io.Writer, o ConsoleOptions) *Console {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Burst <= 0 {
		o.Burst = 3
	}
	if o.Window <= 0 {
		o.Window = 10 * time.Second
	}
	if o.MaxGroups <= 0 {
		o.MaxGroups = 1024
	}
	if o.MaxValue <= 0 {
		o.MaxValue = 160
	}
	if o.MaxLines <= 0 {
		o.MaxLines = 40
	}
	return &Console{w: w, o: o, groups: map[consoleKey]*consoleGroup{}}
}

// Observe prints e, or counts it when its client has had its Burst of
// blocks for this endpoint in the current window.
func (c *Console) Observe(e Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	if !e.Time.Before(c.nextSweep) {
		c.sweep(&b, e.Time, false)
		c.nextSweep = e.Time.Add(time.Second)
	}
	k := consoleKey{e.Client.Key, e.Endpoint()}
	g := c.groups[k]
	if g == nil {
		if len(c.groups) >= c.o.MaxGroups {
			c.other.count(e)
			c.write(&b)
			return
		}
		g = &consoleGroup{endpoint: e.Endpoint(), start: e.Time}
		c.groups[k] = g
	}
	g.label = e.Client.Label()
	if g.shown < c.o.Burst {
		g.shown++
		c.block(&b, e)
	} else {
		g.count(e)
	}
	c.write(&b)
}

// Sweep prints the summary of every window that has ended by now. Run
// calls it each second so a flood's summary appears when it stops.
func (c *Console) Sweep(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	c.sweep(&b, now, false)
	c.write(&b)
}

// Flush prints every pending summary, ended or not (at shutdown).
func (c *Console) Flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	c.sweep(&b, c.o.Now(), true)
	c.write(&b)
}

// Run sweeps each second until ctx ends, then flushes.
func (c *Console) Run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			c.Flush()
			return
		case <-t.C:
			c.Sweep(c.o.Now())
		}
	}
}

// sweep writes the summaries of the windows ended by now (all under all)
// and forgets those groups, in a stable order.
func (c *Console) sweep(b *strings.Builder, now time.Time, all bool) {
	var ended []consoleKey
	for k, g := range c.groups {
		if all || now.Sub(g.start) >= c.o.Window {
			ended = append(ended, k)
		}
	}
	sort.Slice(ended, func(i, j int) bool {
		if ended[i].client != ended[j].client {
			return ended[i].client < ended[j].client
		}
		return ended[i].endpoint < ended[j].endpoint
	})
	for _, k := range ended {
		g := c.groups[k]
		delete(c.groups, k)
		if g.more > 0 {
			c.summary(b, now, g.label+": "+strconv.Itoa(g.more)+" more requests to "+oneLine(g.endpoint), g, now.Sub(g.start))
		}
	}
	if c.other.more > 0 && (all || len(c.groups) < c.o.MaxGroups) {
		c.summary(b, now, strconv.Itoa(c.other.more)+" more requests from other clients (the console follows "+strconv.Itoa(c.o.MaxGroups)+" client × endpoint pairs at a time)", &c.other, 0)
		c.other = consoleGroup{}
	}
}

// count adds e to the group's summary.
func (g *consoleGroup) count(e Event) {
	if g.statuses == nil {
		g.statuses, g.mistakes = map[int]int{}, map[string]int{}
	}
	g.more++
	g.statuses[e.Status]++
	if e.Mistake != "" && (len(g.mistakes) < 16 || g.mistakes[e.Mistake] > 0) {
		g.mistakes[e.Mistake]++
	}
}

// summary writes one line: what, over how long, and the statuses (all the
// same, or each with its count, most frequent first) and the most
// frequent mistake.
func (c *Console) summary(b *strings.Builder, now time.Time, what string, g *consoleGroup, span time.Duration) {
	fmt.Fprintf(b, "%s %s", now.UTC().Format(time.RFC3339), what)
	if span > 0 {
		fmt.Fprintf(b, " in %s", span.Round(time.Second))
	}
	if len(g.statuses) == 1 {
		for st := range g.statuses {
			fmt.Fprintf(b, ", all %d", st)
		}
	} else {
		fmt.Fprintf(b, ": %s", countsText(g.statuses, strconv.Itoa))
	}
	if len(g.mistakes) > 0 {
		fmt.Fprintf(b, " · most often %s", oneLine(topKey(g.mistakes)))
	}
	b.WriteString("\n")
}

// block writes e as the console shows one request:
//
//	2026-01-02T15:04:05Z alice (10.0.0.7) GET /github/user → 401
//	  verdict: bad credentials: wrong password
//	  mistake: wrong password
//	  scheme: basic
//	  username: demo
//
// Only the path is shown (a query may carry a key or a token); values
// are single-line, with control characters escaped, and cut to MaxValue.
func (c *Console) block(b *strings.Builder, e Event) {
	fmt.Fprintf(b, "%s %s %s %s → %d\n", e.Time.UTC().Format(time.RFC3339), oneLine(e.Client.Label()), oneLine(e.Method), oneLine(e.Path), e.Status)
	if e.Kind == EventRefused {
		fmt.Fprintf(b, "  refused: %s\n", c.value(e.Trace.Verdict))
		return
	}
	fmt.Fprintf(b, "  verdict: %s\n", c.value(e.Trace.Verdict))
	if e.Mistake != "" {
		fmt.Fprintf(b, "  mistake: %s\n", c.value(e.Mistake))
	}
	fmt.Fprintf(b, "  scheme: %s\n", c.value(e.Trace.Scheme))
	for i, v := range e.Trace.Values {
		if i == c.o.MaxLines {
			fmt.Fprintf(b, "  … %d more values\n", len(e.Trace.Values)-i)
			break
		}
		fmt.Fprintf(b, "  %s: %s\n", c.value(v.Label), c.value(v.Value))
	}
}

// value is v on one line, cut to MaxValue runes.
func (c *Console) value(v string) string { return oneLine(cut(v, c.o.MaxValue)) }

// write sends what b holds to the writer.
func (c *Console) write(b *strings.Builder) {
	if b.Len() > 0 {
		io.WriteString(c.w, b.String())
	}
}

// countsText renders counts most frequent first: "300× 200, 12× 401".
func countsText[K comparable](m map[K]int, name func(K) string) string {
	type kv struct {
		k K
		n int
		s string
	}
	var l []kv
	for k, n := range m {
		l = append(l, kv{k, n, name(k)})
	}
	sort.Slice(l, func(i, j int) bool {
		if l[i].n != l[j].n {
			return l[i].n > l[j].n
		}
		return l[i].s < l[j].s
	})
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = strconv.Itoa(e.n) + "× " + e.s
	}
	return strings.Join(parts, ", ")
}

// topKey is the most frequent key (the smallest on a tie).
func topKey(m map[string]int) string {
	best, n := "", 0
	for k, c := range m {
		if c > n || (c == n && k < best) {
			best, n = k, c
		}
	}
	return best
}
