package ui

import (
	"bytes"
	gold "github.com/authlab/authlab/internal/golden"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	gold.Assert(t, name, string(got))
}

// twitter215 is the seed tutorial's second example: OAuth 1.0a credentials
// that Twitter rejects with code 215.
func twitter215(t *testing.T) *authn.Result {
	t.Helper()
	s, _ := authn.Lookup("oauth1")
	u, _ := url.Parse("https://api.twitter.com/1.1/account/verify_credentials.json")
	res := &authn.Result{Scheme: s.Info(), Total: 87 * time.Millisecond}
	res.Trace.Add("Choose the protocol parameters", "RFC 5849 §3.1", "",
		authn.Plain("oauth_consumer_key", "YOUR_APP_KEY"),
		authn.Secret("signing key", "YOUR_APP_SECRET&USER_OAUTH_TOKEN_SECRET", "••••••••&••••••••"))
	ex := authn.Exchange{
		Request: authn.SentRequest{
			Method: "GET", URL: u, Host: u.Host, Proto: "HTTP/1.1",
			Header: http.Header{"Authorization": {`OAuth oauth_consumer_key="YOUR_APP_KEY", oauth_signature="c2lnbmF0dXJl"`}, "User-Agent": {"authlab/0.1"}},
			Credentials: []authn.Credential{{Where: authn.InHeader, Name: "Authorization",
				Value: `OAuth oauth_consumer_key="YOUR_APP_KEY", oauth_signature="c2lnbmF0dXJl"`, Masked: `OAuth oauth_consumer_key="YOUR_APP_KEY", oauth_signature="••••••••"`}},
		},
		Response: &authn.Response{
			Status: 400, Reason: "Bad Request", Proto: "HTTP/1.1",
			Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
			Body:   []byte(`{"errors":[{"code":215,"message":"Bad Authentication data."}]}`),
		},
		Timing: authn.Timing{Total: 87 * time.Millisecond},
	}
	res.Exchanges = []authn.Exchange{ex}
	res.Hints = authn.Explain(&res.Exchanges[0], res.Scheme, time.Now())
	return res
}

func render(t *testing.T, p Printer, res *authn.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	p.Out = &buf
	if err := p.Print(res); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPrintGolden(t *testing.T) {
	res := twitter215(t)
	golden(t, "twitter215", render(t, Printer{}, res))
	golden(t, "twitter215-verbose-trace", render(t, Printer{Verbose: true, Trace: true}, res))
	golden(t, "twitter215-color", render(t, Printer{Color: true}, res))
}

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestPrintMasksUnlessReveal(t *testing.T) {
	res := twitter215(t)
	for _, p := range []Printer{{Verbose: true, Trace: true}, {Verbose: true, Trace: true, Color: true}} {
		out := string(render(t, p, res))
		if strings.Contains(out, "YOUR_APP_SECRET") || strings.Contains(out, "c2lnbmF0dXJl") {
			t.Errorf("masked output shows a secret:\n%s", out)
		}
		if !p.Color && strings.Contains(out, "\x1b") {
			t.Errorf("colourless output has escapes: %q", out)
		}
		if p.Color && strings.Contains(sgr.ReplaceAllString(out, ""), "\x1b") {
			t.Errorf("coloured output has escapes other than SGR: %q", out)
		}
	}
	out := string(render(t, Printer{Verbose: true, Trace: true, Reveal: true}, res))
	if !strings.Contains(out, "YOUR_APP_SECRET&USER_OAUTH_TOKEN_SECRET") || !strings.Contains(out, `oauth_signature="c2lnbmF0dXJl"`) {
		t.Errorf("--reveal output hides the secrets:\n%s", out)
	}
}

func TestPrintJSONSafeForTerminal(t *testing.T) {
	res := twitter215(t)
	res.Exchanges[0].Response.Reason = "Bad\x1b]0;title\x07\u009b\u202e"
	res.Exchanges[0].Response.Body = []byte("\x7f\u0085 text \u2066")
	var buf bytes.Buffer
	if err := (Printer{Out: &buf}).PrintJSON(res); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"\x1b", "\x07", "\x7f", "\u009b", "\u0085", "\u202e", "\u2066"} {
		if strings.Contains(out, bad) {
			t.Errorf("--json output contains raw %q", bad)
		}
	}
	for _, want := range []string{`\u001b]0;title\u0007\u009b\u202e`, `\u007f\u0085 text \u2066`} {
		if !strings.Contains(out, want) {
			t.Errorf("--json output lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "c2lnbmF0dXJl") {
		t.Error("--json shows the OAuth signature unmasked")
	}
}

// With Meta set, Out gets the body alone and Meta everything else, in the
// order one stream would have had it (`authlab send URL | jq .`).
func TestPrintMetaSplit(t *testing.T) {
	for _, p := range []Printer{{}, {Verbose: true, Trace: true}, {Color: true}} {
		res := twitter215(t)
		one := string(render(t, p, res))
		var out, meta bytes.Buffer
		p.Out, p.Meta = &out, &meta
		if err := p.Print(res); err != nil {
			t.Fatal(err)
		}
		if got := meta.String() + out.String(); got != one {
			t.Errorf("Print(%+v) meta+out = %q; want the one-stream output %q", p, got, one)
		}
		if plain := sgr.ReplaceAllString(out.String(), ""); !strings.HasPrefix(plain, "{") || strings.Contains(out.String(), "400 Bad Request") {
			t.Errorf("Print(%+v) Out = %q; want the body alone", p, out.String())
		}
		if strings.Contains(meta.String(), `"errors"`) {
			t.Errorf("Print(%+v) Meta = %q; want no body in it", p, meta.String())
		}
	}
	res := twitter215(t)
	res.Exchanges[0].Response.Truncated = true
	var out, meta bytes.Buffer
	if err := (Printer{Out: &out, Meta: &meta}).Print(res); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(meta.String(), "body truncated at") || strings.Contains(out.String(), "truncated") {
		t.Errorf("truncated: Meta = %q, Out = %q; want the notice on Meta only", meta.String(), out.String())
	}
}
