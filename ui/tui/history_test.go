package tui

import (
	"fmt"
	"github.com/authlab/authlab/ui/tui/theme"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/profiles"
	"github.com/charmbracelet/x/ansi"
)

// historyRecords are three past sends, oldest first: one written before
// history kept requests, one with a reference and a masked header, one
// whose literal password was left out.
func historyRecords() []profiles.Record {
	return []profiles.Record{
		{Time: fixedNow.Add(-3 * time.Hour), Method: "GET", URL: "https://old.example/v1", Status: 200, Scheme: "bearer"},
		{Time: fixedNow.Add(-10 * time.Minute), Profile: "github/user", Method: "POST", URL: "https://api.github.com/user?x=1", Status: 401, Scheme: "basic",
			Headers: []profiles.Header{{Name: "Accept", Value: "application/json"}, {Name: "Authorization", Value: "Bearer ••••••••"}},
			Body:    `{"a":1}`, Fields: map[string]string{"username": "ada", "password": "env:GH_PASS"}, Omitted: []string{"header Authorization"}},
		{Time: fixedNow.Add(-30 * time.Second), Method: "GET", URL: "https://x.example/q?page=2&api_key=••••••••", RequestURL: "https://x.example/q?page=2", Status: 403, Scheme: "apikey",
			Fields: map[string]string{"name": "api_key", "in": "query"}, Omitted: []string{"value"}},
	}
}

func historyFixture(w, h int) historyView {
	return newHistoryView(common{st: &theme.Styles{}}).setLoaded(historyRecords(), nil).SetSize(w, h)
}

var reopenTests = []struct {
	sel  int // index in the list, newest first
	want profiles.Profile
	note string
}{
	{0, profiles.Profile{Method: "GET", URL: "https://x.example/q?page=2", Scheme: "apikey", Fields: map[string]string{"name": "api_key", "in": "query"}},
		"reopened GET https://x.example/q?page=2 · history keeps no secrets: fill in value"},
	{1, profiles.Profile{Method: "POST", URL: "https://api.github.com/user?x=1", Scheme: "basic", Body: `{"a":1}`,
		Headers: []profiles.Header{{Name: "Accept", Value: "application/json"}, {Name: "Authorization", Value: ""}},
		Fields:  map[string]string{"username": "ada", "password": "env:GH_PASS"}},
		"reopened POST https://api.github.com/user?x=1 · history keeps no secrets: fill in header Authorization"},
	{2, profiles.Profile{Method: "GET", URL: "https://old.example/v1", Scheme: "bearer"},
		"reopened GET https://old.example/v1 · credentials are not kept in history: fill them in"},
}

// TestHistoryReopen: the component's reopen gives back the whole request
// but its secrets (issue 15, item 16).
func TestHistoryReopen(t *testing.T) {
	for _, tt := range reopenTests {
		v := historyFixture(80, 20)
		for range tt.sel {
			v = v.Update(keyMsg("down"))
		}
		got, note, ok := v.reopen()
		if !ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("reopen() of row %d = %+v, %v\nwant %+v", tt.sel, got, ok, tt.want)
		}
		if note != tt.note {
			t.Errorf("reopen() note of row %d = %q; want %q", tt.sel, note, tt.note)
		}
	}
	if _, _, ok := newHistoryView(common{st: &theme.Styles{}}).setLoaded(nil, nil).reopen(); ok {
		t.Error("reopen() of an empty history = true")
	}
}

// TestHistoryGolden renders the history list at the sizes the root gives
// it in 80×24, 100×30 and 160×45 frames (the panel is the whole width
// below 110 columns, 35 % beside the editor above).
func TestHistoryGolden(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {160, 45}} {
		pw := sz[0]
		if sz[0] >= 110 {
			pw = sz[0] * 35 / 100
		}
		v := historyFixture(pw-1, sz[1]-4)
		name := fmt.Sprintf("history-%dx%d", sz[0], sz[1])
		t.Run(name, func(t *testing.T) {
			got := ansi.Strip(v.View(fixedNow))
			for i, l := range strings.Split(got, "\n") {
				if w := len([]rune(l)); w > pw-1 {
					t.Errorf("line %d is %d wide; want at most %d: %q", i, w, pw-1, l)
				}
			}
			golden(t, name, got+"\n")
		})
	}
}
