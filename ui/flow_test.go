package ui

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui/internal/uitest"
)

// TestFlowPrintGolden: `send --trace` of a multi-exchange send starts with
// the flow view, at the printer's width, in colour and without.
func TestFlowPrintGolden(t *testing.T) {
	golden(t, "flow-oauth2-trace-80", render(t, Printer{Trace: true, Width: 80}, uitest.OAuth2()))
	golden(t, "flow-oauth2-trace-120-color", render(t, Printer{Trace: true, Width: 120, Color: true}, uitest.OAuth2()))
	golden(t, "flow-digest-trace-60", render(t, Printer{Trace: true, Width: 60}, uitest.Digest()))
	golden(t, "flow-digest", render(t, Printer{}, uitest.Digest()))
}

var flowFactsTests = []struct {
	name string
	res  func() *authn.Result
	want string
}{
	{"challenge and retry", uitest.Digest, "200 OK · 7 ms · 22 B · 2 exchanges\n"},
	{"token requests and retry", uitest.OAuth2, "200 OK · 149 ms · 65 B · 4 exchanges\n"},
}

// TestFlowStatusLineCountsExchanges: a challenge and its retry are not a
// redirect; the status line counts redirects by their role.
func TestFlowStatusLineCountsExchanges(t *testing.T) {
	for _, tt := range flowFactsTests {
		out := string(render(t, Printer{}, tt.res()))
		if !strings.Contains(out, tt.want) {
			t.Errorf("%s: Print = %q; want a line %q", tt.name, out, tt.want)
		}
		if strings.Contains(out, "redirect") {
			t.Errorf("%s: Print calls a flow exchange a redirect:\n%s", tt.name, out)
		}
	}
	res := uitest.Redirect()
	res.Exchanges[1].Response = &authn.Response{Status: 200, Reason: "OK"}
	res.Exchanges[1].Err, res.Err = nil, nil
	if got := ExchangeFacts(res); len(got) != 1 || got[0] != "1 redirect" {
		t.Errorf("ExchangeFacts(one followed redirect) = %q; want [1 redirect]", got)
	}
}

// TestFlowMaskResponseSecrets: a token the token endpoint issued is masked
// in every output of send — plain, verbose, trace, --json — unless
// revealed, and the Result the caller holds is left as it was.
func TestFlowMaskResponseSecrets(t *testing.T) {
	res := uitest.OAuth2()
	before := string(res.Exchanges[0].Response.Body)
	var outs []string
	for _, p := range []Printer{{}, {Verbose: true, Trace: true}, {Verbose: true, Trace: true, Color: true, Width: 120}} {
		outs = append(outs, string(render(t, p, res)))
	}
	var buf bytes.Buffer
	if err := (Printer{Out: &buf}).PrintJSON(res); err != nil {
		t.Fatal(err)
	}
	outs = append(outs, buf.String())
	for i, out := range outs {
		for _, secret := range []string{uitest.AccessToken, uitest.RefreshToken} {
			if strings.Contains(out, secret) {
				t.Errorf("output %d shows %q:\n%s", i, secret, out)
			}
		}
		if !strings.Contains(out, "••••••••") {
			t.Errorf("output %d shows no mask:\n%s", i, out)
		}
	}
	var doc struct {
		Exchanges []struct {
			Role     string `json:"role"`
			Response struct {
				Body string `json:"body"`
			} `json:"response"`
		} `json:"exchanges"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if got := doc.Exchanges[0].Response.Body; !strings.Contains(got, `"access_token":"••••••••"`) {
		t.Errorf("--json token response body = %s; want the access token masked", got)
	}
	if doc.Exchanges[0].Role != "token" || doc.Exchanges[3].Role != "retry" {
		t.Errorf("--json roles = %q, %q; want token, retry", doc.Exchanges[0].Role, doc.Exchanges[3].Role)
	}
	if string(res.Exchanges[0].Response.Body) != before {
		t.Error("printing changed the caller's Result")
	}
	out := string(render(t, Printer{Verbose: true, Trace: true, Reveal: true}, res))
	if !strings.Contains(out, uitest.AccessToken) {
		t.Errorf("--reveal hides the access token:\n%s", out)
	}
	buf.Reset()
	(Printer{Out: &buf, Reveal: true}).PrintJSON(res)
	if !strings.Contains(buf.String(), uitest.RefreshToken) {
		t.Error("--json --reveal hides the refresh token")
	}
}

func TestFlowMaskResponseSecretsNoCopyWhenNothingToMask(t *testing.T) {
	res := uitest.Digest()
	if got := MaskResponseSecrets(res, false); got != res {
		t.Error("MaskResponseSecrets copied a result without response secrets")
	}
	o := uitest.OAuth2()
	if got := MaskResponseSecrets(o, true); got != o {
		t.Error("MaskResponseSecrets(reveal) copied the result")
	}
	m := MaskResponseSecrets(o, false)
	if strings.Contains(m.Exchanges[1].Request.Header.Get("Authorization"), uitest.AccessToken) {
		t.Error("the masked copy's API request still carries the token")
	}
	if !strings.Contains(o.Exchanges[1].Request.Header.Get("Authorization"), uitest.AccessToken) {
		t.Error("masking changed the original request")
	}
	if m.Hints[0].Title != "token ••••••••"+" accepted" || o.Hints[0].Title == m.Hints[0].Title {
		t.Errorf("hint title = %q (original %q); want the token masked in the copy only", m.Hints[0].Title, o.Hints[0].Title)
	}
}

var noticeCountdownTests = []struct {
	left time.Duration
	want string
}{
	{5 * time.Minute, "5:00"},
	{5*time.Minute - time.Second, "4:59"},
	{4*time.Minute + 59*time.Second + 100*time.Millisecond, "5:00"},
	{400 * time.Millisecond, "0:01"},
	{0, "0:00"},
	{-time.Second, "0:00"},
	{time.Hour + 2*time.Minute + 3*time.Second, "1:02:03"},
}

func TestNoticeCountdown(t *testing.T) {
	for _, tt := range noticeCountdownTests {
		if got := Countdown(tt.left); got != tt.want {
			t.Errorf("Countdown(%v) = %q; want %q", tt.left, got, tt.want)
		}
	}
}

var noticeNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func deviceNotice() authn.Notice {
	return authn.Notice{Title: "Enter the code on the verification page", Code: "WDJB-MJHT",
		URL: "https://auth.example.com/device", Detail: "polling every 5 s", Deadline: noticeNow.Add(15 * time.Minute)}
}

func TestNoticePrint(t *testing.T) {
	var buf bytes.Buffer
	PrintNotice(&buf, deviceNotice(), false, noticeNow.Add(time.Second))
	golden(t, "notice-device", buf.Bytes())
	buf.Reset()
	PrintNotice(&buf, deviceNotice(), true, noticeNow)
	golden(t, "notice-device-color", buf.Bytes())

	hostile := authn.Notice{Title: "Open\x1b]0;x\x07", Code: "AB\rCD", URL: "https://evil.example/\x1b]8;;https://bank\x07bank\u202e"}
	buf.Reset()
	PrintNotice(&buf, hostile, true, noticeNow)
	if s := sgr.ReplaceAllString(buf.String(), ""); strings.ContainsAny(s, "\x1b\x07\r\u202e") {
		t.Errorf("PrintNotice passes server controls through: %q", buf.String())
	}
	buf.Reset()
	PrintNotice(&buf, authn.Notice{Done: true, Title: "done"}, false, noticeNow)
	if buf.Len() != 0 {
		t.Errorf("PrintNotice(Done) = %q; want nothing", buf.String())
	}
}

// TestNoticeWriter: a repeated notice prints only its new detail (slow_down),
// a new code prints in full again after Done.
func TestNoticeWriter(t *testing.T) {
	var buf bytes.Buffer
	nw := &NoticeWriter{Out: &buf, Now: func() time.Time { return noticeNow }}
	n := deviceNotice()
	nw.Notify(n)
	n.Detail = "slow_down: polling every 10 s"
	nw.Notify(n)
	nw.Notify(n) // same again: nothing
	nw.Notify(authn.Notice{Done: true})
	n.Code = "QQQQ-RRRR"
	nw.Notify(n)
	out := buf.String()
	want := "authlab: Enter the code on the verification page\n  code  WDJB-MJHT\n  open  https://auth.example.com/device\n  expires in 15:00 (at 12:15:00) · polling every 5 s\n" +
		"  slow_down: polling every 10 s\n" +
		"authlab: Enter the code on the verification page\n  code  QQQQ-RRRR\n  open  https://auth.example.com/device\n  expires in 15:00 (at 12:15:00) · slow_down: polling every 10 s\n"
	if out != want {
		t.Errorf("NoticeWriter wrote\n%s\nwant\n%s", out, want)
	}
}
