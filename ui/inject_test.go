package ui_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/ui"
	"github.com/authlab/authlab/ui/sanitize/sanitizetest"
)

// exchange sends to the hostile server through the real engine and returns
// the Result the front ends render.
func exchange(t *testing.T, srv *sanitizetest.Server, pl sanitizetest.Place, i int) *authn.Result {
	t.Helper()
	eng := authn.New(authn.Options{Timeout: 5 * time.Second})
	defer eng.Close()
	res, _ := eng.Exchange(context.Background(), authn.Request{Method: "GET", URL: srv.URL + sanitizetest.Path(pl, i)})
	return res
}

// TestInjectPrinter renders the Result of every response place × payload
// with the plain printer, verbose and with the trace, with and without
// colour: without colour the output holds no ESC and no control, C1 or
// bidi character; with colour every ESC starts an SGR sequence, an x/vt
// terminal shows no title, clipboard, bell, DCS/APC, link or concealed
// cell, and the payload is on screen escaped. Fails if a call site in
// ui/plain.go or ui/pretty prints server text without ui/sanitize.
func TestInjectPrinter(t *testing.T) {
	srv := sanitizetest.NewServer(t)
	for _, pl := range []sanitizetest.Place{sanitizetest.BodyPlain, sanitizetest.BodyJSONRaw, sanitizetest.BodyJSONEscaped,
		sanitizetest.Reason, sanitizetest.Header, sanitizetest.Location, sanitizetest.Challenge, sanitizetest.JSONError} {
		for i, p := range sanitizetest.Payloads() {
			if pl.Headerish() && sanitizetest.Refused(p) {
				continue // net/http refuses the response: no Result to print (the CLI tests cover the error line)
			}
			res := exchange(t, srv, pl, i)
			for _, color := range []bool{false, true} {
				var out bytes.Buffer
				pr := ui.Printer{Out: &out, Color: color, Verbose: true, Trace: true, Width: 120}
				if err := pr.Print(res); err != nil {
					t.Fatal(err)
				}
				if err := sanitizetest.CheckOutput(out.Bytes(), color); err != nil {
					t.Errorf("%s/%s color=%v: %v", pl, p.Name, color, err)
				}
				term := sanitizetest.NewTerminal(160, 80)
				term.Write([]byte(strings.ReplaceAll(out.String(), "\n", "\r\n")))
				if err := term.Check(); err != nil {
					t.Errorf("%s/%s color=%v: %v", pl, p.Name, color, err)
				}
				if want := pl.Want(p); !sanitizetest.Visible(term.Text(), want) {
					t.Errorf("%s/%s color=%v: %q not on screen:\n%s", pl, p.Name, color, want, term.Text())
				}
			}
		}
	}
}

// TestInjectJSONBodyKeepsEscapes: a JSON body whose strings carry \u001b,
// \u009b and \u202e escapes is pretty-printed with the escapes as they were
// sent, byte for byte, in plain output and in the --json document's body.
// Fails if the printer decodes and re-encodes JSON (json.MarshalIndent
// turns \u001b into a raw ESC and writes U+009B and U+202E raw).
func TestInjectJSONBodyKeepsEscapes(t *testing.T) {
	srv := sanitizetest.NewServer(t)
	for i, p := range sanitizetest.Payloads() {
		res := exchange(t, srv, sanitizetest.BodyJSONEscaped, i)
		var out bytes.Buffer
		if err := (ui.Printer{Out: &out}).Print(res); err != nil {
			t.Fatal(err)
		}
		body := out.String()[strings.Index(out.String(), "\n")+1:] // after the status line
		want := "{\n  \"note\": \"the next string carries escapes\",\n  \"m\": \"" + sanitizetest.JSONEscape(p.Raw) + "\"\n}\n"
		if body != want {
			t.Errorf("%s: body printed as\n%q; want\n%q", p.Name, body, want)
		}
	}
}

// TestInjectNotice prints a device-flow notice whose title, code, URL and
// detail are each payload, as `authlab send` does on stderr (with colour):
// only SGR sequences, and the text shown escaped. Fails if PrintNotice or
// NoticeWriter (ui/notice.go) stops sanitizing a field.
func TestInjectNotice(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for _, p := range sanitizetest.Payloads() {
		var out bytes.Buffer
		nw := &ui.NoticeWriter{Out: &out, Color: true, Now: func() time.Time { return now }}
		n := authn.Notice{Title: "T " + p.Raw, Code: "C " + p.Raw, URL: "https://auth.example/?" + p.Raw, Detail: "D " + p.Raw, Deadline: now.Add(time.Minute)}
		nw.Notify(n)
		n.Detail = "D2 " + p.Raw // a repeat prints only its detail
		nw.Notify(n)
		if err := sanitizetest.CheckOutput(out.Bytes(), true); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		for _, want := range []string{"T " + p.Shown, "C " + p.Shown, "https://auth.example/?" + p.Shown, "D " + p.Shown, "D2 " + p.Shown} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: notice lacks %q:\n%s", p.Name, want, out.String())
			}
		}
	}
}
