package credform

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authlab/authlab/authn"
	gold "github.com/authlab/authlab/internal/golden"
	"github.com/authlab/authlab/ui/tui/theme"
)

func registry() []authn.Info {
	var out []authn.Info
	for _, s := range authn.Schemes() {
		out = append(out, s.Info())
	}
	return out
}

func newPicker(current string) Picker {
	return NewPicker(theme.New(true, false), DefaultPickerKeyMap(), registry(), current).SetSize(76, 20)
}

var (
	keyEnter = tea.KeyPressMsg{Code: tea.KeyEnter}
	keyEsc   = tea.KeyPressMsg{Code: tea.KeyEscape}
)

func pickerType(p Picker, s string) Picker {
	for _, r := range s {
		p, _ = p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return p
}

func TestPickerFilter(t *testing.T) {
	tests := []struct {
		filter string
		want   []string // the first matches, in order
		not    []string // must not match
	}{
		{"", []string{"none", "basic", "digest", "bearer"}, nil},
		{"dig", []string{"digest"}, []string{"basic", "bearer"}},
		{"DIGEST", []string{"digest"}, nil},
		{"bearer", []string{"bearer", "jwt"}, []string{"digest"}}, // jwt's title is "JWT (Bearer)"; digest has no "bearer"
		{"oauth", []string{"oauth1", "oauth2"}, []string{"basic"}},
		{"oauth 2.0", []string{"oauth2"}, []string{"oauth1"}},
		{"aws", []string{"sigv4"}, nil},
		{"zzz", nil, registryNames()},
	}
	for _, tt := range tests {
		p := pickerType(newPicker("basic"), tt.filter)
		got := p.Matches()
		if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) {
			t.Errorf("filter %q: Matches() = %q; want it to start with %q", tt.filter, got, tt.want)
		}
		for _, n := range tt.not {
			if slices.Contains(got, n) {
				t.Errorf("filter %q: Matches() = %q; want no %q", tt.filter, got, n)
			}
		}
		if len(got) == 0 && !strings.Contains(plain2(p), "no scheme matches") {
			t.Errorf("filter %q: no match and no message:\n%s", tt.filter, plain2(p))
		}
	}
}

func registryNames() []string {
	var out []string
	for _, in := range registry() {
		out = append(out, in.Name)
	}
	return out
}

func plain2(p Picker) string { return ansi.Strip(p.View()) }

func TestPickerKeys(t *testing.T) {
	tests := []struct {
		name    string
		current string
		keys    []tea.Msg
		done    bool
		picked  string
	}{
		{"enter on the current", "digest", []tea.Msg{keyEnter}, true, "digest"},
		{"down then enter", "basic", []tea.Msg{keyDown, keyEnter}, true, "digest"},
		{"up wraps", "none", []tea.Msg{keyUp, keyEnter}, true, registryNames()[len(registryNames())-1]},
		{"type and enter", "basic", []tea.Msg{tea.KeyPressMsg{Code: 'j', Text: "j"}, tea.KeyPressMsg{Code: 'w', Text: "w"}, keyEnter}, true, "jwt"},
		{"paste and enter", "basic", []tea.Msg{tea.PasteMsg{Content: "sigv4\n"}, keyEnter}, true, "sigv4"},
		{"esc keeps", "basic", []tea.Msg{keyDown, keyEsc}, true, ""},
		{"enter with no match does nothing", "basic", []tea.Msg{tea.KeyPressMsg{Code: 'q', Text: "q"}, keyEnter}, false, ""},
		{"typing only", "basic", []tea.Msg{tea.KeyPressMsg{Code: 'o', Text: "o"}}, false, ""},
	}
	for _, tt := range tests {
		p := newPicker(tt.current)
		for _, k := range tt.keys {
			p, _ = p.Update(k)
		}
		if p.Done() != tt.done || p.Picked() != tt.picked {
			t.Errorf("%s: Done() = %v, Picked() = %q; want %v, %q", tt.name, p.Done(), p.Picked(), tt.done, tt.picked)
		}
	}
}

func TestGoldenPicker(t *testing.T) {
	sizes := []struct {
		name string
		w, h int
	}{{"80x24", 76, 8}, {"100x30", 96, 14}, {"160x45", 156, 24}} // the rows the editor gives it at each size
	for _, sz := range sizes {
		p := NewPicker(theme.New(true, false), DefaultPickerKeyMap(), registry(), "basic").SetSize(sz.w, sz.h)
		gold.Assert(t, "picker_"+sz.name, golden(plain2(p)))
		p = pickerType(p, "oauth")
		gold.Assert(t, "picker_oauth_"+sz.name, golden(plain2(p)))
		for _, l := range strings.Split(plain2(p), "\n") {
			if w := len([]rune(l)); w > sz.w {
				t.Errorf("%s: line %q is %d wide", sz.name, l, w)
			}
		}
		if h := strings.Count(plain2(newPicker("basic").SetSize(sz.w, sz.h)), "\n") + 1; h > sz.h {
			t.Errorf("%s: the list is %d lines; want ≤ %d", sz.name, h, sz.h)
		}
	}
}
