package cli

import (
	"net/http"
	"testing"

	"github.com/authlab/authlab/profiles"
)

// TestOrderedHeaders: the TUI shows a profile's headers in the file's
// order, a -H override in its place, new -H headers after them by name.
func TestOrderedHeaders(t *testing.T) {
	base := &profiles.Profile{Headers: []profiles.Header{{Name: "Z-Last", Value: "1"}, {Name: "accept", Value: "a/b"}, {Name: "M-Mid", Value: "3"}}}
	h := http.Header{}
	h.Add("Z-Last", "1")
	h.Add("Accept", "over/ridden") // -H Accept replaced the profile's
	h.Add("M-Mid", "3")
	h.Add("X-New", "n")
	h.Add("B-New", "b")
	var got []string
	for _, x := range orderedHeaders(h, base) {
		got = append(got, x.Name+"="+x.Value)
	}
	want := []string{"Z-Last=1", "accept=over/ridden", "M-Mid=3", "B-New=b", "X-New=n"}
	if len(got) != len(want) {
		t.Fatalf("orderedHeaders = %q; want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("orderedHeaders = %q; want %q", got, want)
		}
	}
}
