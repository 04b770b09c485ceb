package cli_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/authlab/authlab/cli"
	"github.com/authlab/authlab/ui/sanitize/sanitizetest"
	"github.com/charmbracelet/x/ansi"
)

// Terminal injection (issue #7 item 2): a hostile server puts each payload
// of sanitizetest.Payloads (OSC 52, OSC 8, OSC 0/2, DCS, APC, CSI, SGR 8,
// CR, BS, BEL, NUL, 8-bit C1, UTF-8 C1, bidi, DEL) in each place of a
// response it controls (body, reason phrase, header, Location, WWW-
// Authenticate, JSON error_description, the token endpoint's error, a TLS
// certificate name), and `authlab send` must show it as visible escaped
// text and never write it to the terminal.

// injectCase is one payload in one place.
type injectCase struct {
	place sanitizetest.Place
	p     sanitizetest.Payload
	i     int
}

func (c injectCase) name() string { return string(c.place) + "/" + c.p.Name }

// injectCases lists every applicable place × payload.
func injectCases() []injectCase {
	var out []injectCase
	for _, pl := range sanitizetest.Places() {
		for i, p := range sanitizetest.Payloads() {
			if pl.Applies(p) {
				out = append(out, injectCase{pl, p, i})
			}
		}
	}
	return out
}

// injectArgs are the `authlab send` arguments that make the hostile server
// (or a TLS server made for the case) put the payload where the case says.
func injectArgs(t *testing.T, srv *sanitizetest.Server, c injectCase) []string {
	t.Helper()
	switch c.place {
	case sanitizetest.TokenError:
		// An OAuth 2.0 client credentials grant whose token endpoint
		// refuses: the engine's error line quotes its error_description.
		return []string{"-a", "oauth2", "-c", "token_url=" + srv.URL + sanitizetest.Path(c.place, c.i),
			"-c", "client_id=c", "-c", "client_secret=s", srv.URL + "/api"}
	case sanitizetest.TLSName:
		return []string{sanitizetest.NewTLSServer(t, c.p)}
	}
	return []string{srv.URL + sanitizetest.Path(c.place, c.i)}
}

// TestInjectSendPipe runs the built binary with stdout and stderr on pipes
// (-v, so the response headers are printed too): neither may carry a
// control byte, DEL, an invalid UTF-8 byte, a C1 or bidi character, or any
// ESC (no colour on a pipe), and the payload is shown escaped. Fails if any
// call site in ui/plain.go or cli (error line) prints server text without
// ui/sanitize, or if the sanitizer lets one of these through.
func TestInjectSendPipe(t *testing.T) {
	srv := sanitizetest.NewServer(t)
	for _, c := range injectCases() {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			r := authlab(t, nil, append([]string{"send", "-v", "--timeout", "5s"}, injectArgs(t, srv, c)...)...)
			checkInjectOutput(t, c, "stdout", []byte(r.stdout), false)
			checkInjectOutput(t, c, "stderr", []byte(r.stderr), false)
			want := c.place.Want(c.p)
			if !strings.Contains(r.stdout+r.stderr, want) {
				t.Errorf("payload %s (%s) not shown as %q\nstdout:\n%s\nstderr:\n%s", c.p.Name, c.p.Sign, want, r.stdout, r.stderr)
			}
		})
	}
}

func checkInjectOutput(t *testing.T, c injectCase, what string, out []byte, sgr bool) {
	t.Helper()
	if err := sanitizetest.CheckOutput(out, sgr); err != nil {
		t.Errorf("%s, %s: %v\nfull output: %q", c.name(), what, err, out)
	}
}

// runInProcess runs cli.Run as main does, with stdout and stderr going to
// the given writers and claiming to be terminals when tty is set.
func runInProcess(t *testing.T, stdout, stderr io.Writer, tty bool, args ...string) int {
	t.Helper()
	dir := t.TempDir()
	vars := map[string]string{"HOME": dir, "XDG_CONFIG_HOME": dir + "/config", "XDG_STATE_HOME": dir + "/state"}
	env := cli.Env{
		Stdin:     strings.NewReader(""),
		Stdout:    stdout,
		Stderr:    stderr,
		LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
		ReadFile:  os.ReadFile,
		StdoutTTY: tty,
		StderrTTY: tty,
		TermSize:  func() (int, int, error) { return 200, 100, nil },
	}
	return cli.Run(context.Background(), args, env)
}

// TestInjectSendTerminal runs `authlab send -v` in-process with stdout and
// stderr on a terminal emulator (x/vt) with colour on. The terminal must
// not change its title, write the clipboard, ring, receive DCS/APC/OSC,
// show a hyperlink or concealed cell; every ESC authlab wrote must start
// an SGR colour sequence; and the screen must read exactly the text
// written (a sentinel line first), so no cursor move, clear, CR or BS
// rearranged it, with the payload shown escaped. Fails if any server text
// reaches the terminal unsanitized.
func TestInjectSendTerminal(t *testing.T) {
	srv := sanitizetest.NewServer(t)
	terms := sanitizetest.NewPool(4, 200, 100)
	for _, c := range injectCases() {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			term := terms.Get(t)
			term.Write([]byte(ansi.SetModeLineFeedNewLine)) // a tty's onlcr
			term.Write([]byte("SENTINEL-LINE\n"))
			tee := sanitizetest.NewTee(term)
			runInProcess(t, tee, tee, true, append([]string{"send", "-v", "--timeout", "5s"}, injectArgs(t, srv, c)...)...)
			out := tee.Bytes()
			checkInjectOutput(t, c, "terminal bytes", out, true)
			if !bytes.Contains(out, []byte("\x1b[")) {
				t.Errorf("%s: no SGR colour at all: the test would not notice colour being off", c.name())
			}
			if err := term.Check(); err != nil {
				t.Errorf("%s: %v", c.name(), err)
			}
			screen := term.Text()
			if !strings.HasPrefix(screen, "SENTINEL-LINE\n") {
				t.Errorf("%s: the line before the output was overwritten or cleared; screen:\n%s", c.name(), screen)
			}
			written := "SENTINEL-LINE\n" + ansi.Strip(string(out))
			if !sanitizetest.Visible(screen, written) || !sanitizetest.Visible(written, screen) {
				t.Errorf("%s: the screen does not read as the text written\nscreen:\n%s\nwritten:\n%s", c.name(), screen, written)
			}
			if want := c.place.Want(c.p); !sanitizetest.Visible(screen, want) {
				t.Errorf("%s: payload %s (%s) not shown as %q; screen:\n%s", c.name(), c.p.Name, c.p.Sign, want, screen)
			}
		})
	}
}

// TestInjectSendJSON checks `authlab send --json` (in-process, stdout on a
// pipe): the output is valid JSON with no raw control byte, DEL, C1 or
// bidi character (ui/json.go's contract: JSON escapes C0, the printer adds
// \u escapes for DEL, C1 and bidi), and decoding it gives back the
// server's text (the payload is data here, not lost). Fails if
// escapeUnsafeRunes stops escaping, or if a field drops the server's text.
func TestInjectSendJSON(t *testing.T) {
	srv := sanitizetest.NewServer(t)
	for _, c := range injectCases() {
		t.Run(c.name(), func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			runInProcess(t, &stdout, &stderr, false, append([]string{"send", "--json", "--timeout", "5s"}, injectArgs(t, srv, c)...)...)
			out := stdout.Bytes()
			checkInjectOutput(t, c, "--json stdout", out, false)
			checkInjectOutput(t, c, "--json stderr", stderr.Bytes(), false)
			if !json.Valid(out) {
				t.Fatalf("%s: --json output is not valid JSON:\n%s", c.name(), out)
			}
			var doc any
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			want := jsonWant(c)
			if !jsonHas(doc, want) {
				t.Errorf("%s: no string of the decoded --json output contains %q\n%s", c.name(), want, out)
			}
		})
	}
}

// jsonWant is the text the decoded --json document must contain for c.
func jsonWant(c injectCase) string {
	p := c.p
	switch c.place {
	case sanitizetest.BodyJSONEscaped:
		return sanitizetest.JSONEscape(p.Raw) // the body as sent, escapes and all
	case sanitizetest.JSONError:
		return p.Decoded() // the hint quotes the decoded description
	case sanitizetest.TokenError:
		return strings.Join(strings.Fields(p.Decoded()), " ")
	case sanitizetest.Header, sanitizetest.Location, sanitizetest.Challenge:
		if sanitizetest.Refused(p) {
			// the transport's error, quoting the line in Go syntax
			return c.place.Want(p)
		}
	}
	return jsonString(p.Raw)
}

// jsonString is s as encoding/json decodes it after encoding: every byte
// that is not valid UTF-8 is U+FFFD.
func jsonString(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// jsonHas reports whether some string in v contains want; a body_base64
// value (a body that is not UTF-8) is decoded and searched as bytes for
// the raw payload's text.
func jsonHas(v any, want string) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, want)
	case []any:
		for _, e := range v {
			if jsonHas(e, want) {
				return true
			}
		}
	case map[string]any:
		for k, e := range v {
			if s, ok := e.(string); ok && k == "body_base64" {
				b, err := base64.StdEncoding.DecodeString(s)
				if err == nil && bytes.Contains([]byte(jsonString(string(b))), []byte(want)) {
					return true
				}
			}
			if jsonHas(e, want) {
				return true
			}
		}
	}
	return false
}

// TestInjectHistory sends to a token endpoint whose error_description is
// each payload in turn (the engine's error line, which the history records,
// quotes it), then lists the history with the built binary, as text and as
// JSON lines: neither may carry a control byte, C1 or bidi character.
// encoding/json escapes C0 controls but writes U+0080–U+009F and U+202E
// raw, so this fails if `authlab history --json` stops passing its output
// through sanitize.JSON.
func TestInjectHistory(t *testing.T) {
	srv := sanitizetest.NewServer(t)
	state := t.TempDir()
	vars := map[string]string{"HOME": state, "XDG_STATE_HOME": state, "XDG_CONFIG_HOME": state}
	for i, p := range sanitizetest.Payloads() {
		var out bytes.Buffer
		env := cli.Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out,
			LookupEnv: func(k string) (string, bool) { v, ok := vars[k]; return v, ok },
			ReadFile:  os.ReadFile,
		}
		args := []string{"send", "--timeout", "5s", "-a", "oauth2", "-c", "token_url=" + srv.URL + sanitizetest.Path(sanitizetest.TokenError, i),
			"-c", "client_id=c", "-c", "client_secret=s", srv.URL + "/api"}
		if code := cli.Run(context.Background(), args, env); code != 4 {
			t.Fatalf("%s: exit code %d; want 4 (the token endpoint's 400)\n%s", p.Name, code, out.String())
		}
	}
	env := []string{"XDG_STATE_HOME=" + state, "XDG_CONFIG_HOME=" + state}
	for _, args := range [][]string{{"history"}, {"history", "--json"}} {
		r := authlab(t, env, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		if err := sanitizetest.CheckOutput([]byte(r.stdout), false); err != nil {
			t.Errorf("authlab %s: %v", strings.Join(args, " "), err)
		}
		if n := strings.Count(r.stdout, "request: 400 invalid_client"); n != len(sanitizetest.Payloads()) {
			t.Errorf("authlab %s lists %d refusals; want %d\n%s", strings.Join(args, " "), n, len(sanitizetest.Payloads()), r.stdout)
		}
	}
	// The JSON lines decode to the server's text: escaped, not lost.
	r := authlab(t, env, "history", "--json")
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	for i, p := range sanitizetest.Payloads() {
		var rec struct{ Error string }
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if want := strings.Join(strings.Fields(p.Decoded()), " "); !strings.Contains(rec.Error, want) {
			t.Errorf("record %d error = %q; want it to contain %q", i, rec.Error, want)
		}
	}
}

// TestInjectProfileFolder lists and shows a profile from a shared (hostile)
// workshop folder whose description and URL carry every payload (as TOML
// \u escapes: raw controls are not valid TOML). `profiles list`, `profiles
// list --json` and `profiles show` must write no control byte, C1 or bidi
// character; the JSON decodes back to the file's text. Fails if
// printProfilesJSON stops passing its encoder's output through
// sanitize.NewJSONWriter (encoding/json writes C1, bidi and DEL raw).
func TestInjectProfileFolder(t *testing.T) {
	dir := t.TempDir()
	var desc []string
	for _, p := range sanitizetest.Payloads() {
		desc = append(desc, sanitizetest.JSONEscape(p.Raw))
	}
	file := "version = 1\n" +
		`description = "` + strings.Join(desc, " ~ ") + "\"\n" +
		`method = "GET"` + "\n" +
		`url = "https://api.example/` + sanitizetest.JSONEscape("\x1b]8;;https://evil.example/\x1b\\\u202e\u009b") + "\"\n"
	if err := os.WriteFile(dir+"/evil.toml", []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"profiles", "list"}, {"profiles", "list", "--json"}, {"profiles", "show", "evil"}} {
		r := authlab(t, nil, append([]string{"--profiles", dir}, args...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		for what, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
			if err := sanitizetest.CheckOutput([]byte(out), false); err != nil {
				t.Errorf("authlab %s, %s: %v", strings.Join(args, " "), what, err)
			}
		}
		if !strings.Contains(r.stdout, "evil") {
			t.Errorf("authlab %s does not show the profile:\n%s", strings.Join(args, " "), r.stdout)
		}
		if args[len(args)-1] == "--json" {
			var list []struct{ Description string }
			if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 1 {
				t.Fatalf("profiles list --json: %v\n%s", err, r.stdout)
			}
			for _, p := range sanitizetest.Payloads() {
				if !strings.Contains(list[0].Description, p.Decoded()) {
					t.Errorf("profiles list --json: description lost %s: %q", p.Name, list[0].Description)
				}
			}
		}
	}
}

// TestInjectSendTrace runs `authlab send -a digest --trace -v` against a
// server whose 401s carry each payload in the reason phrase and in the
// Digest challenge's realm and nonce, so the payload reaches the trace
// values, the flow view of the two exchanges and the hints: on a terminal
// (colour) only SGR sequences and no title, clipboard, link or concealed
// cell; on a pipe no ESC or control at all; the reason shown escaped.
// Fails if printTrace, printFlow (ui/flowview) or a hint stops sanitizing.
func TestInjectSendTrace(t *testing.T) {
	srv := sanitizetest.NewServer(t)
	for i, p := range sanitizetest.Payloads() {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			args := []string{"send", "-a", "digest", "-u", "u:p", "--trace", "-v", "--timeout", "5s", srv.URL + sanitizetest.Path(sanitizetest.Digest, i)}
			term := sanitizetest.NewTerminal(200, 150)
			term.Write([]byte(ansi.SetModeLineFeedNewLine))
			tee := sanitizetest.NewTee(term)
			runInProcess(t, tee, tee, true, args...)
			c := injectCase{sanitizetest.Digest, p, i}
			checkInjectOutput(t, c, "terminal bytes", tee.Bytes(), true)
			if err := term.Check(); err != nil {
				t.Error(err)
			}
			if !strings.Contains(ansi.Strip(string(tee.Bytes())), "Trace · ") {
				t.Errorf("no trace printed:\n%s", tee.Bytes())
			}
			if !sanitizetest.Visible(term.Text(), "401 "+p.Shown) {
				t.Errorf("reason not shown as %q; screen:\n%s", "401 "+p.Shown, term.Text())
			}
			var out, errb bytes.Buffer
			runInProcess(t, &out, &errb, false, args...)
			checkInjectOutput(t, c, "pipe stdout", out.Bytes(), false)
			checkInjectOutput(t, c, "pipe stderr", errb.Bytes(), false)
		})
	}
}
