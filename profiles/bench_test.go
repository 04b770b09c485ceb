package profiles

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkList10000 lists 10 000 profiles in 50 folders, what `authlab
// profiles list` does on a large workshop folder (target: under 300 ms).
func BenchmarkList10000(b *testing.B) {
	s := NewStore(filepath.Join(b.TempDir(), "profiles"))
	for i := range 10_000 {
		p := Profile{
			Name: fmt.Sprintf("group-%02d/profile-%05d", i%50, i), Description: "a benchmark profile",
			Method: "GET", URL: fmt.Sprintf("https://api.example.com/v1/items/%d", i),
			Headers: []Header{{Name: "Accept", Value: "application/json"}},
			Scheme:  "basic", Fields: map[string]string{"username": "user", "password": "env:PASSWORD"},
			Timeout: 30 * time.Second,
		}
		data, err := encodeProfile(p)
		if err != nil {
			b.Fatal(err)
		}
		path := s.path(p.Name)
		if i < 50 {
			os.MkdirAll(filepath.Dir(path), 0o700)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		es, err := s.List()
		if err != nil || len(es) != 10_000 || es[0].Broken() {
			b.Fatalf("List() = %d entries, %v", len(es), err)
		}
	}
}
