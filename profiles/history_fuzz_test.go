package profiles

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzHistoryRead: the history file may hold anything (a crash, a hand
// edit, another program). Read never fails on its content and never
// panics; it returns every line that is a record, in order, and counts the
// others. Appending a record then keeps every record that was there (the
// newest Max), adds the new one last, and leaves no torn line: every line
// that was not a record before is still skipped or was the torn last line,
// cut off (repairTail).
func FuzzHistoryRead(f *testing.F) {
	rec, _ := json.Marshal(record(1))
	f.Add(append(append([]byte{}, rec...), '\n'))
	f.Add(append(append([]byte{}, rec...), rec[:len(rec)/2]...))                  // a torn last line
	f.Add(append(append([]byte{}, rec...), rec...))                               // no newline in between
	f.Add([]byte("not json\n\n[1,2]\n{}\nnull\n" + string(rec)))                  // a valid last line without its newline
	f.Add([]byte("{\"time\":\"never\"}\n{\"status\":\"x\"}\n{\"hints\":{}}\r\n")) // wrong types
	f.Add([]byte("\xff\xfe\x00\n\u2028\n"))
	f.Add([]byte(""))
	// One folder for every input of this process: a fresh t.TempDir per
	// input made the target slow enough that minimising an input took
	// most of a short run.
	path := filepath.Join(f.TempDir(), "history.jsonl")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		h := History{Path: path, Max: 50}
		recs, skipped, err := h.ReadSkipped()
		if err != nil {
			t.Fatalf("ReadSkipped() = %v", err)
		}
		lines := 0
		for line := range bytes.SplitSeq(data, []byte{'\n'}) {
			if len(bytes.TrimSpace(line)) > 0 {
				lines++
			}
		}
		if all, _ := parseRecords(data); len(all)+skipped != lines || len(recs) != min(len(all), 50) {
			t.Fatalf("%d records (of %d), %d skipped; want records + skipped = %d lines", len(recs), len(all), skipped, lines)
		}

		r := Record{Time: time.Unix(1, 0).UTC(), Method: "GET", URL: "https://new/", Profile: "fuzz/new"}
		if err := h.Append(r); err != nil {
			t.Fatalf("Append() = %v", err)
		}
		after, skippedAfter, err := h.ReadSkipped()
		if err != nil {
			t.Fatal(err)
		}
		if len(after) == 0 || !reflect.DeepEqual(after[len(after)-1], r) {
			t.Fatalf("the appended record is not the last one: %+v", after)
		}
		before := recs
		if len(before) > 0 && len(after)-1 < len(before) {
			// A trim keeps the newest Max, the new one included.
			before = before[len(before)-(len(after)-1):]
		}
		if got := after[:len(after)-1]; len(got) < len(before) || !reflect.DeepEqual(got[len(got)-len(before):], before) {
			t.Fatalf("records before the append %+v; after it %+v", before, got)
		}
		if skippedAfter > skipped {
			t.Fatalf("%d lines skipped after the append, %d before: the new record was glued to a torn line", skippedAfter, skipped)
		}
		out, _ := os.ReadFile(path)
		if len(out) == 0 || out[len(out)-1] != '\n' {
			t.Fatalf("the file does not end with a newline after an append: %q", out)
		}
	})
}

// FuzzMaskBody: a body typed by hand may be anything. maskBody never
// panics; a JSON body stays valid JSON with the same shape, and no string
// value under a secret-named member survives.
func FuzzMaskBody(f *testing.F) {
	for _, tt := range maskBodyTests {
		f.Add(tt.in)
	}
	f.Add(`[{"token":"a","x":[1,{"password":null}]},"s"]`)
	f.Fuzz(func(t *testing.T, body string) {
		out := maskBody(body)
		if !json.Valid([]byte(body)) {
			return
		}
		// json.Number: a valid number such as 1E700 does not fit a float64.
		dec := json.NewDecoder(strings.NewReader(out))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("maskBody(%q) = %q: not JSON: %v", body, out, err)
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					if s, ok := x.(string); ok && secretName(k) && s != "••••••••" {
						t.Fatalf("maskBody(%q) = %q: %q keeps %q", body, out, k, s)
					}
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		walk(v)
	})
}
