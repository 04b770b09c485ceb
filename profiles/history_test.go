package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

func testHistory(t *testing.T) History {
	return History{Path: filepath.Join(t.TempDir(), "state", "authlab", "history.jsonl")}
}

func record(i int) Record {
	return Record{
		Time: time.Date(2025, 1, 2, 3, 4, 5, i*1000, time.UTC), Profile: fmt.Sprintf("p/%d", i),
		Method: "GET", URL: fmt.Sprintf("https://example.com/%d?q=a%%20b", i), Status: 200 + i%300,
		DurationMS: float64(i) + 0.25, Hints: []string{"hint <&> " + fmt.Sprint(i)}, Scheme: "basic",
	}
}

func TestHistoryAppendRead(t *testing.T) {
	h := testHistory(t)
	if recs, err := h.Read(); err != nil || len(recs) != 0 {
		t.Fatalf("Read(no file) = %v, %v; want empty", recs, err)
	}
	var want []Record
	for i := range 3 {
		r := record(i)
		if i == 2 {
			r.Error, r.Hints, r.Status = "dial tcp: connection refused", nil, 0
		}
		if err := h.Append(r); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	got, err := h.Read()
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Read() = %+v, %v; want %+v", got, err, want)
	}
	if m := mode(t, h.Path); m != 0o600 {
		t.Errorf("history mode %04o; want 0600", m)
	}
	if m := mode(t, filepath.Dir(h.Path)); m != 0o700 {
		t.Errorf("history folder mode %04o; want 0700", m)
	}
	data, _ := os.ReadFile(h.Path)
	if n := bytes.Count(data, []byte("\n")); n != 3 {
		t.Errorf("the file has %d lines; want 3 (JSON Lines)", n)
	}
	// A file that was made looser is set back to 0600 on the next append.
	os.Chmod(h.Path, 0o644)
	h.Append(record(3))
	if m := mode(t, h.Path); m != 0o600 {
		t.Errorf("history mode after append %04o; want 0600", m)
	}
}

func TestHistoryCap(t *testing.T) {
	h := testHistory(t)
	for i := range 1100 {
		if err := h.Append(record(i)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := h.Read()
	if err != nil || len(got) != 1000 {
		t.Fatalf("Read() = %d records, %v; want 1000", len(got), err)
	}
	if got[0].Profile != "p/100" || got[999].Profile != "p/1099" {
		t.Errorf("kept %s..%s; want the newest: p/100..p/1099", got[0].Profile, got[999].Profile)
	}
	data, _ := os.ReadFile(h.Path)
	if n := bytes.Count(data, []byte("\n")); n >= 1100 || n > 1000+h.slack() {
		t.Errorf("the file has %d lines; want it rewritten to at most %d", n, 1000+h.slack())
	}
	if m := mode(t, h.Path); m != 0o600 {
		t.Errorf("mode after rewrite %04o; want 0600", m)
	}
	ents, _ := os.ReadDir(filepath.Dir(h.Path))
	for _, e := range ents {
		if e.Name() != "history.jsonl" && e.Name() != "history.jsonl.lock" {
			t.Errorf("left in the folder: %s", e.Name())
		}
	}
	// A smaller Max is honoured too.
	small := History{Path: h.Path, Max: 10}
	if recs, _ := small.Read(); len(recs) != 10 || recs[9].Profile != "p/1099" {
		t.Errorf("Read(Max 10) = %d records", len(recs))
	}
}

func TestHistoryTornLastLine(t *testing.T) {
	h := testHistory(t)
	for i := range 2 {
		if err := h.Append(record(i)); err != nil {
			t.Fatal(err)
		}
	}
	// A crash in the middle of a write leaves half a line.
	f, _ := os.OpenFile(h.Path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2025-01-02T03:04:05Z","profile":"torn","met`)
	f.Close()
	recs, skipped, err := h.ReadSkipped()
	if err != nil || len(recs) != 2 || skipped != 1 {
		t.Fatalf("ReadSkipped() = %d records, %d skipped, %v; want 2, 1", len(recs), skipped, err)
	}
	// The next append cuts the torn line off (it is not a record) and
	// starts on a fresh line: the file holds whole records again.
	if err := h.Append(record(2)); err != nil {
		t.Fatal(err)
	}
	recs, skipped, err = h.ReadSkipped()
	if err != nil || len(recs) != 3 || skipped != 0 || recs[2].Profile != "p/2" {
		t.Fatalf("after another append: %d records, %d skipped, %v; want 3, 0", len(recs), skipped, err)
	}
	// Garbage in the middle is skipped too.
	f, _ = os.OpenFile(h.Path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("not json\n\n[1,2]\n")
	f.Close()
	h.Append(record(3))
	if recs, skipped, _ := h.ReadSkipped(); len(recs) != 4 || skipped != 2 {
		t.Errorf("ReadSkipped() = %d, %d; want 4 records, 2 skipped", len(recs), skipped)
	}
}

func TestHistoryNeverStoresUserinfo(t *testing.T) {
	h := testHistory(t)
	for _, u := range []string{"https://user:hunter2@example.com/x?y=1", "https://user:hunter2@exa mple.com/%zz", "hunter2://user:hunter2@"} {
		r := record(0)
		r.URL = u
		if err := h.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := os.ReadFile(h.Path)
	if bytes.Contains(data, []byte("hunter2@")) || bytes.Contains(data, []byte("user:")) {
		t.Errorf("history holds userinfo:\n%s", data)
	}
	recs, _ := h.Read()
	if recs[0].URL != "https://example.com/x?y=1" {
		t.Errorf("URL = %q", recs[0].URL)
	}
}

func TestNewRecord(t *testing.T) {
	u, _ := url.Parse("https://api.example.com/v1?api_key=K3Y-s3cret&x=1")
	res := &authn.Result{
		Exchanges: []authn.Exchange{{
			Request: authn.SentRequest{Method: "GET", URL: u, Credentials: []authn.Credential{
				{Where: authn.InQuery, Name: "api_key", Value: "K3Y-s3cret", Masked: "K3Y…"},
			}},
			Response: &authn.Response{Status: 401},
		}},
		Hints: []authn.Hint{{Title: "the server says: invalid key K3Y-s3cret"}},
		Total: 1500 * time.Microsecond,
	}
	req := authn.Request{Method: "GET", URL: u.String(), Scheme: "apikey",
		Fields: map[string]string{"name": "api_key", "value": "K3Y-s3cret", "in": "query"}}
	now := time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC)
	r := NewRecord(res, errors.New("got 401 for K3Y-s3cret\nsecond line"), testResolved("ex/key", req, req), now)
	if r.Status != 401 || r.DurationMS != 1.5 || r.Profile != "ex/key" || r.Scheme != "apikey" || !r.Time.Equal(now) || r.Method != "GET" {
		t.Errorf("NewRecord = %+v", r)
	}
	all := fmt.Sprintf("%+v", r)
	if strings.Contains(all, "s3cret") {
		t.Errorf("the record holds the secret: %s", all)
	}
	if !strings.Contains(r.URL, "x=1") || !strings.Contains(r.URL, "api_key=") || strings.Contains(r.Error, "\n") {
		t.Errorf("URL %q, Error %q", r.URL, r.Error)
	}
	// No exchange (the request failed before sending): the request's URL,
	// without userinfo, secret values masked.
	req.URL = "https://me:K3Y-s3cret@api.example.com/?k=K3Y-s3cret"
	r = NewRecord(nil, errors.New("bad"), testResolved("", req, req), now)
	if strings.Contains(r.URL, "s3cret") || strings.Contains(r.URL, "me:") || r.Error != "bad" {
		t.Errorf("NewRecord without result = %+v", r)
	}
}

func TestDefaultHistoryPath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}, "/s/authlab/history.jsonl"},
		{map[string]string{"XDG_STATE_HOME": "rel", "HOME": "/h"}, "/h/.local/state/authlab/history.jsonl"},
		{map[string]string{"HOME": "/h"}, "/h/.local/state/authlab/history.jsonl"},
		{map[string]string{}, ""},
	}
	for _, tt := range tests {
		got, err := DefaultHistoryPath(func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("DefaultHistoryPath(%v) = %q, %v; want %q", tt.env, got, err, tt.want)
		}
	}
}
