package authn

import (
	"bytes"
	"strings"
	"testing"
)

var readCappedTests = []struct {
	name      string
	body      string
	max, size int64
	want      string
	truncated bool
}{
	{"unknown size", "hello", 10, -1, "hello", false},
	{"exact size", "hello", 10, 5, "hello", false},
	{"announced longer", "hello", 10, 1 << 40, "hello", false},
	{"announced shorter", "hello world", 20, 3, "hello world", false},
	{"over the cap", "hello world", 5, 11, "hello", true},
	{"over the cap, unknown size", "hello world", 5, -1, "hello", true},
	{"exactly the cap", "hello", 5, 5, "hello", false},
	{"empty", "", 5, 0, "", false},
}

func TestReadCapped(t *testing.T) {
	for _, tt := range readCappedTests {
		got, truncated, err := readCapped(strings.NewReader(tt.body), tt.max, tt.size)
		if err != nil || string(got) != tt.want || truncated != tt.truncated {
			t.Errorf("%s: readCapped(%q, %d, %d) = %q, %v, %v; want %q, %v", tt.name, tt.body, tt.max, tt.size, got, truncated, err, tt.want, tt.truncated)
		}
	}
}

// A body of announced length is read into one buffer of about that size;
// a length above the cap never reserves more than the cap.
func TestReadCappedPresizes(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 1<<20)
	got, _, _ := readCapped(bytes.NewReader(body), 10<<20, int64(len(body)))
	if c := cap(got); c > len(body)+16<<10 { // + the allocator's size class
		t.Errorf("1 MiB body with its Content-Length: buffer cap %d; want about %d (one allocation)", c, len(body))
	}
	got, _, _ = readCapped(strings.NewReader("tiny"), 1<<20, 1<<40)
	if c := cap(got); c > 1<<20+16<<10 { // + the allocator's size class
		t.Errorf("Content-Length 1 TiB under a 1 MiB cap: buffer cap %d; want at most the cap", c)
	}
	sized := testing.AllocsPerRun(5, func() { readCapped(bytes.NewReader(body), 10<<20, int64(len(body))) })
	unsized := testing.AllocsPerRun(5, func() { readCapped(bytes.NewReader(body), 10<<20, -1) })
	if sized > 4 || sized >= unsized {
		t.Errorf("readCapped of 1 MiB: %.0f allocations with its length, %.0f without; want at most 4 (reader, limit reader, buffer, one slice) and fewer than without", sized, unsized)
	}
}
