package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authlab/authlab/practice"
	"github.com/charmbracelet/x/ansi"
)

// End-to-end runs of the real program (cli.Run in an x/vt terminal), one per
// item of issue #15 that is not covered by another TUI test of this
// package; each names its item. Items 4 (discard), 5 (focus after a send)
// and 8 (asked references) are in tui_e2e_test.go.

// homeLookup is an environment with a home (config and state folders) of
// the test's own, plus extra.
func homeLookup(t *testing.T, extra map[string]string) func(string) (string, bool) {
	home := t.TempDir()
	vars := map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(home, "config"),
		"XDG_STATE_HOME":  filepath.Join(home, "state"),
		"HOME":            home,
	}
	for k, v := range extra {
		vars[k] = v
	}
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

// screenWidthOK fails when a line of the screen is wider than w.
func screenWidthOK(t *testing.T, txt string, w int) {
	t.Helper()
	for i, l := range strings.Split(txt, "\n") {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide (terminal %d): %q", i, n, w, l)
		}
	}
}

// Item 1: the Response tab leads with the status and the error payload,
// at 80×24: Twitter's code 215 body is on the first screen after a send.
// Item 6: method and URL stay visible beside the response at 80 columns.
func TestTUIItem1PayloadOnResponseTab(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	url := srv.URL + "/twitter/1.1/account/verify_credentials.json"
	s, code, cancel := startTUI(t, []string{url}, homeLookup(t, nil), 80, 24)
	defer cancel()
	s.waitText("No authentication")
	s.key(ctrlR)
	txt := s.term.WaitText(`"code": 215`)
	for _, want := range []string{"400 Bad Request", "Bad Authentication data", "GET " + url} {
		if !strings.Contains(txt, want) {
			t.Errorf("the first screen after the send lacks %q:\n%s", want, txt)
		}
	}
	screenWidthOK(t, txt, 80)
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 7: at 100 columns the save-a-literal-secret question shows every
// choice, wrapped, never cut.
func TestTUIItem7QuestionShowsItsChoices(t *testing.T) {
	s, code, cancel := startTUI(t, []string{"-a", "basic", "-c", "username=ann", "-c", "password=literal-pw", "http://127.0.0.1:9/x"}, homeLookup(t, nil), 100, 30)
	defer cancel()
	s.waitText("HTTP Basic")
	s.key(ctrlS)
	s.waitText("save as:")
	s.typeText("demo/literal")
	s.key(keyEnter)
	txt := s.term.WaitText("as plain text")
	for _, want := range []string{"y stores it", "e keeps env:", "n cancels"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the question lacks its choice %q:\n%s", want, txt)
		}
	}
	screenWidthOK(t, txt, 100)
	s.key("n")
	s.waitText("not saved")
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 10: a JSON body typed in the editor is sent as application/json,
// and the editor says so.
func TestTUIItem10JSONBodyType(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Content-Type")
	}))
	defer srv.Close()
	s, code, cancel := startTUI(t, []string{"-X", "POST", srv.URL + "/echo"}, homeLookup(t, nil), 100, 30)
	defer cancel()
	s.waitText("No authentication")
	for range 4 { // (from the method, with a URL given) URL, header name, header value, body
		s.key(keyTab)
	}
	s.typeText(`{"name":"ann"}`)
	s.waitText("application/json")
	s.key(ctrlR)
	if ct := <-got; ct != "application/json" {
		t.Errorf("Content-Type sent = %q; want application/json", ct)
	}
	s.waitText("200 OK")
	s.key(ctrlC)
	s.waitText("y discards them")
	s.key("y")
	s.waitExit(code, 0)
}

// Item 11: ? lists every key of the context and fits 80×24.
func TestTUIItem11HelpFits(t *testing.T) {
	s, code, cancel := startTUI(t, []string{"-a", "basic", "http://127.0.0.1:9/x"}, homeLookup(t, nil), 80, 24)
	defer cancel()
	s.waitText("HTTP Basic")
	s.key(keyEsc) // leave the URL field: ? is a key, not text
	s.key("?")
	txt := s.term.WaitText("Keys here")
	for _, want := range []string{"ctrl+l", "ctrl+o", "ctrl+s", "ctrl+c"} {
		if !strings.Contains(txt, want) {
			t.Errorf("help lacks %q:\n%s", want, txt)
		}
	}
	screenWidthOK(t, txt, 80)
	s.key("?")
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 12: the first screen says how to open the demo profiles and send.
func TestTUIItem12FirstStart(t *testing.T) {
	s, code, cancel := startTUI(t, nil, homeLookup(t, nil), 80, 24)
	defer cancel()
	txt := s.term.WaitText("Nothing sent yet")
	for _, want := range []string{"ctrl+o", "demo", "ctrl+r"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the first screen lacks %q:\n%s", want, txt)
		}
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 14: a Basic result's trace says nothing was compared, and never
// ticks it.
func TestTUIItem14TraceNeverTicksTheUncompared(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	s, code, cancel := startTUI(t, []string{"-a", "basic", "-c", "username=demo", "-c", "password=wrong", srv.URL + "/github/user"}, homeLookup(t, nil), 100, 30)
	defer cancel()
	s.waitText("HTTP Basic")
	s.key(ctrlR)
	s.waitText("401 Unauthorized")
	s.key("4")
	txt := s.term.WaitText("HTTP Basic (RFC 7617)")
	if strings.Contains(txt, "✓ client and server computed the same values") {
		t.Errorf("the trace ticks a comparison of a refused Basic login:\n%s", txt)
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 17: the practice server's trace header is collapsed on the Headers
// tab, not 3–30 lines of base64.
func TestTUIItem17PracticeTraceHeaderCollapsed(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	s, code, cancel := startTUI(t, []string{"-a", "basic", "-c", "username=demo", "-c", "password=wrong", srv.URL + "/github/user"}, homeLookup(t, nil), 100, 30)
	defer cancel()
	s.waitText("HTTP Basic")
	s.key(ctrlR)
	s.waitText("401 Unauthorized")
	s.key("3")
	txt := s.term.WaitText("of the practice server's trace")
	for _, l := range strings.Split(txt, "\n") {
		if strings.Contains(l, practice.TraceHeader) && len(l) > 100 {
			t.Errorf("the trace header's line is not collapsed: %q", l)
		}
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 2: the OAuth 1.0a signature base string, read off the Trace tab of
// the real program at 80 columns (rows joined, the gutter's focus bar and
// continuation marks left out), is exactly the one `send --json` reports
// for the same pinned request; c copies it and says so.
func TestTUIItem2TraceValueWhole(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	args := []string{"-a", "oauth1", "-c", "consumer_key=demo-consumer-key", "-c", "consumer_secret=demo-consumer-secret",
		"-c", "token=demo-access-token", "-c", "token_secret=demo-access-token-secret",
		"-c", "nonce=kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "-c", "timestamp=1318622958",
		srv.URL + "/twitter/1.1/account/verify_credentials.json?include_entities=true"}

	var out bytes.Buffer
	Run(context.Background(), append([]string{"send", "--json"}, args...), Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard, LookupEnv: noEnv, ReadFile: os.ReadFile})
	var doc struct {
		Trace []struct {
			Values []struct{ Label, Value string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("send --json: %v\n%s", err, out.String())
	}
	var want string
	for _, s := range doc.Trace {
		for _, v := range s.Values {
			if v.Label == "signature base string" {
				want = v.Value
			}
		}
	}
	if len(want) < 200 {
		t.Fatalf("send --json has no long base string: %q", want)
	}

	s, code, cancel := startTUI(t, args, homeLookup(t, nil), 80, 24)
	defer cancel()
	s.waitText("OAuth 1.0a")
	s.key(ctrlR)
	s.waitText("Timestamp")
	s.key("4")
	s.waitText("value 1 of")
	var txt string
	for i := 2; i < 60; i++ { // j focuses the next value and scrolls it into view
		s.key("j")
		txt = s.term.WaitText(fmt.Sprintf("value %d of", i))
		if valueRows(txt, "signature base string") == want {
			break
		}
	}
	if got := valueRows(txt, "signature base string"); got != want {
		t.Errorf("base string on screen:\n%q\nwant (send --json):\n%q\nscreen:\n%s", got, want, txt)
	}
	s.key("c")
	s.waitText("copied")
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// valueRows joins the rows of the trace value under label on screen: each
// row without its indent and gutter (the focus bar ▌, the continuation
// mark ↪), until the next label or a blank line.
func valueRows(screen, label string) string {
	lines := strings.Split(screen, "\n")
	var b strings.Builder
	for i, l := range lines {
		if strings.TrimSpace(l) != label {
			continue
		}
		for _, r := range lines[i+1:] {
			if len(r) < 5 || strings.TrimSpace(r[:5]) != "" && !strings.ContainsAny(r[:8], "▌↪") {
				break
			}
			body := strings.TrimLeft(r, " ")
			if !strings.HasPrefix(body, "▌") && !strings.HasPrefix(body, "↪") && len(r)-len(body) != 5 {
				break
			}
			body = strings.TrimPrefix(body, "▌")
			body = strings.TrimPrefix(body, "↪")
			b.WriteString(strings.TrimLeft(body, " "))
		}
		break
	}
	return b.String()
}

// Item 3: the Body tab wraps a long line whole (no …, no character
// dropped) and shows a CRLF body without \x0d.
func TestTUIItem3BodyWrapsAndCRLF(t *testing.T) {
	long := `{"error":"invalid_request","error_description":"` + strings.Repeat("abcdefghij", 20) + `END"}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/crlf" {
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("line one\r\nline two\r\n"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(long))
	}))
	defer srv.Close()
	s, code, cancel := startTUI(t, []string{srv.URL + "/json"}, homeLookup(t, nil), 80, 24)
	defer cancel()
	s.waitText("No authentication")
	s.key(ctrlR)
	s.waitText("400 Bad Request")
	s.key("2")
	txt := s.term.WaitText("END")
	joined := strings.Join(strings.Fields(strings.ReplaceAll(txt, "\n", "")), "")
	if !strings.Contains(joined, strings.Repeat("abcdefghij", 20)+`END"`) {
		t.Errorf("the long value is not whole on the Body tab:\n%s", txt)
	}
	// / searches the body; while typing, 1 is text, not the Response tab
	s.key("/")
	s.typeText("abcdefghij")
	s.waitText("1/20")
	s.typeText("1")
	s.waitText("no match")
	s.key(keyEsc)
	s.key(ctrlC)
	s.waitExit(code, 0)

	s, code, cancel = startTUI(t, []string{srv.URL + "/crlf"}, homeLookup(t, nil), 80, 24)
	defer cancel()
	s.waitText("No authentication")
	s.key(ctrlR)
	s.waitText("200 OK")
	s.key("2")
	txt = s.term.WaitText("line two")
	if strings.Contains(txt, `\x0d`) {
		t.Errorf("a CRLF body shows \\x0d:\n%s", txt)
	}
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 4 (schemes): cycling the scheme away and back keeps what was typed
// for it.
func TestTUIItem4SchemeKeepsValues(t *testing.T) {
	s, code, cancel := startTUI(t, []string{"-a", "basic", "-c", "username=ann-the-user", "http://127.0.0.1:9/x"}, homeLookup(t, nil), 100, 30)
	defer cancel()
	s.waitText("ann-the-user")
	for range 5 { // from the method: URL, header name, header value, body, scheme
		s.key(keyTab)
	}
	s.key(keyRight)
	s.waitFor("another scheme", func(txt string) bool { return !strings.Contains(txt, "HTTP Basic") })
	s.key(keyRight)
	s.key("\x1b[D") // ←
	s.key("\x1b[D")
	txt := s.term.WaitText("HTTP Basic")
	if !strings.Contains(txt, "ann-the-user") {
		t.Errorf("back on basic, the username is gone:\n%s", txt)
	}
	s.key(ctrlC) // nothing changed: no question
	s.waitExit(code, 0)
}

// Item 13: the OAuth 2.0 form shows the chosen grant's fields only.
func TestTUIItem13GrantFields(t *testing.T) {
	for _, tc := range []struct {
		grant      string
		want, hide []string
	}{
		{"client_credentials", []string{"Token URL", "Client ID", "Scope"}, []string{"Device authorization URL", "Authorization URL", "Username"}},
		{"password", []string{"Username", "Password"}, []string{"Device authorization URL", "Authorization URL"}},
		{"device_code", []string{"Device authorization URL"}, []string{"Username", "Authorization URL"}},
	} {
		t.Run(tc.grant, func(t *testing.T) {
			s, code, cancel := startTUI(t, []string{"-a", "oauth2", "-c", "grant=" + tc.grant, "http://127.0.0.1:9/x"}, homeLookup(t, nil), 100, 40)
			defer cancel()
			txt := s.term.WaitText("Token URL")
			for _, w := range tc.want {
				if !strings.Contains(txt, w) {
					t.Errorf("%s: the form lacks %q:\n%s", tc.grant, w, txt)
				}
			}
			for _, h := range tc.hide {
				if strings.Contains(txt, h) {
					t.Errorf("%s: the form shows %q, which this grant does not use:\n%s", tc.grant, h, txt)
				}
			}
			s.key(ctrlC)
			s.waitExit(code, 0)
		})
	}
}

// Item 15: the profile browser opens afresh (no filter from the last
// visit, the cursor on the open profile) and bearer does not match
// digest-auth-int.
func TestTUIItem15BrowserFresh(t *testing.T) {
	s, code, cancel := startTUI(t, nil, homeLookup(t, nil), 120, 36)
	defer cancel()
	s.waitText("No authentication")
	s.key("\x0f") // ctrl+o: the demo profiles, written on first start
	s.waitText("demo/")
	s.key("/")
	s.typeText("bearer")
	// the whole filter applied (its line reads "/ bearer"), not a prefix
	txt := s.term.WaitText("/ bearer ")
	if strings.Contains(txt, "digest-auth-int") {
		t.Errorf("the filter bearer matches digest-auth-int:\n%s", txt)
	}
	s.key(keyEnter) // keep the filter
	s.key(keyEnter) // open the selected profile
	s.term.WaitFor("the opened profile in the header", func(txt string) bool {
		return strings.Contains(strings.SplitN(txt, "\n", 2)[0], "demo/")
	})
	// Opened again, it lists every profile (the digest ones too): the
	// last visit's filter is gone.
	s.key("\x0f")
	s.waitText("digest")
	s.key(keyEsc)
	s.key(ctrlC)
	s.waitExit(code, 0)
}

// Item 16: reopening from history brings back the username, the headers
// and the body; the password (a literal) is not kept.
func TestTUIItem16HistoryReopen(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	lookup := homeLookup(t, nil)
	s, code, cancel := startTUI(t, []string{"-X", "POST", "-H", "X-Trace-Id: trace-4711", "-d", "a=b-body", "-a", "basic", "-c", "username=history-user", "-c", "password=literal-pw-9", srv.URL + "/hist"}, lookup, 120, 40)
	defer cancel()
	s.waitText("history-user")
	s.key(ctrlR)
	s.waitText("200 OK")
	s.key(ctrlC)
	s.waitExit(code, 0)

	s, code, cancel = startTUI(t, nil, lookup, 120, 40)
	defer cancel()
	s.waitText("No authentication")
	s.key("\x07") // ctrl+g: history
	s.waitText("/hist")
	s.key(keyEnter)
	txt := s.term.WaitText("reopened")
	for _, want := range []string{"history-user", "X-Trace-Id", "trace-4711", "a=b-body", srv.URL + "/hist"} {
		if !strings.Contains(txt, want) {
			t.Errorf("reopened request lacks %q:\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "literal-pw-9") {
		t.Errorf("the password came back from history:\n%s", txt)
	}
	s.quitDiscarding(code)
}

// Item 9: the device flow's verification URL is on screen whole, outside
// the box (no border in its row), c copies it and says so, and esc ends
// the wait.
func TestTUIItem9DeviceURLWhole(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{}).Handler())
	defer srv.Close()
	s, code, cancel := startTUI(t, []string{"-a", "oauth2", "-c", "grant=device_code", "-c", "client_id=demo-public-client",
		"-c", "token_url=" + srv.URL + "/oauth2/token", "-c", "device_auth_url=" + srv.URL + "/oauth2/device", srv.URL + "/oauth2/me"}, homeLookup(t, nil), 80, 30)
	defer cancel()
	s.waitText("Device authorization URL")
	s.key(ctrlR)
	txt := s.term.WaitText("open this URL:")
	want := srv.URL + "/oauth2/device/verify"
	found := false
	for _, l := range strings.Split(txt, "\n") {
		if strings.Contains(l, want) {
			found = true
			if strings.Contains(l, "│") {
				t.Errorf("the URL's row has a border: %q", l)
			}
		}
	}
	if !found {
		t.Errorf("the verification URL %s is not on one row of the screen:\n%s", want, txt)
	}
	s.key("c")
	s.waitText("copied the URL")
	s.key(keyEsc)
	s.waitText("cancelled")
	s.key(ctrlC)
	s.waitExit(code, 0)
}
