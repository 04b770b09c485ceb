package tui

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/tui/bodyview"
)

// BenchmarkScrollStepFrame20MB is one scroll step of the whole app (Update
// with ↓ and the full View at 120×40) with a 20 MB JSON body on the Body
// tab: what a key press costs the UI goroutine.
func BenchmarkScrollStepFrame20MB(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[")
	for i := 0; sb.Len() < 20<<20; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"id":%d,"login":"user%d","token":"\u001b[31mred\u001b[0m","scopes":["repo","gist"],"score":%d.5,"admin":false,"note":null}`, i, i, i)
	}
	sb.WriteString("]")
	body := []byte(sb.String())
	res := &authn.Result{Total: time.Millisecond, Exchanges: []authn.Exchange{{Response: &authn.Response{
		Status: 200, Reason: "OK", Header: http.Header{"Content-Type": {"application/json"}}, Body: body}}}}
	doc := bodyview.Prepare("application/json", body, false)
	m := New(Options{Engine: authn.New(authn.Options{}), Now: func() time.Time { return fixedNow }})
	tm, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m = tm.(Model)
	m.snd.seq = 1
	m.snd.cancel = func() {}
	tm, _ = m.Update(resultMsg{seq: 1, res: res, docs: paneDocs{masked: doc}})
	m = tm.(Model)
	m.focus = focusResult
	m.rp = m.rp.setTab(tabBody)
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		tm, _ = m.Update(down)
		m = tm.(Model)
		_ = m.View()
	}
}
