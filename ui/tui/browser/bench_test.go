package browser

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/authlab/authlab/profiles"
)

// bigFixture is 10 000 profiles in 50 groups, with descriptions, so that the
// filter has realistic text to match.
func bigFixture() []profiles.Entry {
	services := []string{"github", "gitlab", "aws", "azure", "gcp", "stripe", "slack", "twilio", "okta", "auth0"}
	verbs := []string{"list", "get", "create", "update", "delete", "search", "token", "refresh", "revoke", "whoami"}
	things := []string{"users", "repos", "issues", "buckets", "keys", "orders", "payments", "messages", "groups", "sessions"}
	es := make([]profiles.Entry, 0, 10000)
	for i := range 10000 {
		g := fmt.Sprintf("%s-%s", services[i%10], []string{"prod", "staging", "dev", "test", "local"}[(i/10)%5]) // 50 groups
		name := fmt.Sprintf("%s/%s-%s-%04d", g, verbs[(i/50)%10], things[(i/500)%10], i)
		e := entry(name, "GET", "https://api.example.com/v1/"+things[(i/500)%10]+"?page=1", "bearer",
			fmt.Sprintf("%s the %s of the %s account (case %d)", verbs[(i/50)%10], things[(i/500)%10], services[i%10], i), 2)
		es = append(es, e)
	}
	return es
}

// BenchmarkFilterKeystroke10000 is one keystroke in the filter over 10 000
// entries and the View that follows it; keystrokes alternate between typing
// a character and deleting it, on top of a two-character filter.
func BenchmarkFilterKeystroke10000(b *testing.B) {
	m := newModel(60, 40).SetEntries(bigFixture())
	m, _ = m.Update(keyMsg("/"))
	m = typeText(m, "gi")
	add, del := tea.KeyPressMsg{Code: 't', Text: "t"}, keyMsg("backspace")
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := add
		if i%2 == 1 {
			k = del
		}
		m, _ = m.Update(k)
		_ = m.View()
	}
}

// BenchmarkFilterFirstKeystroke10000 is the most expensive keystroke: the
// first character of a filter, which is matched against all 10 000 entries
// and matches most of them. Every iteration starts from the same model.
func BenchmarkFilterFirstKeystroke10000(b *testing.B) {
	base := newModel(60, 40).SetEntries(bigFixture())
	base, _ = base.Update(keyMsg("/"))
	benchKeystroke(b, base, tea.KeyPressMsg{Code: 'e', Text: "e"})
}

// BenchmarkFilterFirstWordKeystroke10000 is a first character that starts
// a word in every entry ("t": "the" is in every description), so that every
// entry is aligned: the worst first keystroke of the word-prefix rule.
func BenchmarkFilterFirstWordKeystroke10000(b *testing.B) {
	base := newModel(60, 40).SetEntries(bigFixture())
	base, _ = base.Update(keyMsg("/"))
	benchKeystroke(b, base, tea.KeyPressMsg{Code: 't', Text: "t"})
}

// BenchmarkFilterNarrowKeystroke10000 is a character typed onto a filter
// that has no remembered result for it: "gi" + "t", every iteration from the
// same model.
func BenchmarkFilterNarrowKeystroke10000(b *testing.B) {
	base := newModel(60, 40).SetEntries(bigFixture())
	base, _ = base.Update(keyMsg("/"))
	base = typeText(base, "gi")
	benchKeystroke(b, base, tea.KeyPressMsg{Code: 't', Text: "t"})
}

func benchKeystroke(b *testing.B, base Model, k tea.KeyPressMsg) {
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m, _ := base.Update(k)
		_ = m.View()
	}
}

// BenchmarkView10000 is View alone, filtered.
func BenchmarkView10000(b *testing.B) {
	m := newModel(60, 40).SetEntries(bigFixture())
	m, _ = m.Update(keyMsg("/"))
	m = typeText(m, "git")
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = m.View()
	}
}

// BenchmarkSetEntries10000 installs 10 000 entries.
func BenchmarkSetEntries10000(b *testing.B) {
	es := bigFixture()
	m := newModel(60, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_ = m.SetEntries(es)
	}
}

// BenchmarkNavigate10000 is one ↓ and View in the unfiltered 10 000.
func BenchmarkNavigate10000(b *testing.B) {
	m := newModel(60, 40).SetEntries(bigFixture())
	down, up := keyMsg("down"), keyMsg("up")
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := down
		if (i/100)%2 == 1 {
			k = up
		}
		m, _ = m.Update(k)
		_ = m.View()
	}
}

// benchScriptFixture is the folder bench/lib/make-profiles.sh writes (the
// one bench/tui-keys.py types into): group00…group49, profile000…199, where
// a "p" matches every name.
func benchScriptFixture() []profiles.Entry {
	es := make([]profiles.Entry, 0, 10000)
	for g := range 50 {
		for i := range 200 {
			es = append(es, entry(fmt.Sprintf("group%02d/profile%03d", g, i), "GET",
				fmt.Sprintf("https://api.example.com/group%02d/item%03d", g, i), "bearer", fmt.Sprintf("profile %03d of group %02d", i, g), 0))
		}
	}
	return es
}

// BenchmarkFilterTypeErase10000 is the pty benchmark's sequence on its
// folder: "p", "1", "0" typed (each one matches thousands of names) and
// erased, one keystroke and View per iteration, the sequence cycling.
func BenchmarkFilterTypeErase10000(b *testing.B) {
	m := newModel(120, 40).SetEntries(benchScriptFixture())
	m, _ = m.Update(keyMsg("/"))
	keys := []tea.KeyPressMsg{{Code: 'p', Text: "p"}, {Code: '1', Text: "1"}, {Code: '0', Text: "0"}, keyMsg("backspace"), keyMsg("backspace"), keyMsg("backspace")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%len(keys) == 0 {
			m.results = nil // the first character scores every entry again, as after esc
		}
		m, _ = m.Update(keys[i%len(keys)])
		_ = m.View()
	}
}
