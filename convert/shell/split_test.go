package shell

import (
	"bytes"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/authlab/authlab/internal/testenv"
)

// splitTests are command lines and the words Split reads from them. bash
// marks the cases bash itself must split the same way (TestSplitBash): all
// but those where Split deliberately differs (a prompt, CRLF line ends,
// substitutions it never runs).
var splitTests = []struct {
	in   string
	want []string // Word.Text
	rest string
	bash bool
}{
	{"", nil, "", true},
	{"curl https://api.github.com/user", []string{"curl", "https://api.github.com/user"}, "", true},
	{"  curl\t-sSL   x  ", []string{"curl", "-sSL", "x"}, "", true},
	{`curl -H 'Accept: application/json' x`, []string{"curl", "-H", "Accept: application/json", "x"}, "", true},
	{`curl -H "Accept: application/json" x`, []string{"curl", "-H", "Accept: application/json", "x"}, "", true},
	{`a'b'"c"d`, []string{"abcd"}, "", true},
	{`'' ""`, []string{"", ""}, "", true},
	{`'it'\''s'`, []string{"it's"}, "", true},
	{`"a \"b\" \\ \$x \` + "`" + ` \q"`, []string{`a "b" \ $x ` + "`" + ` \q`}, "", true},
	{`a\ b \"c\" \\ \$`, []string{"a b", `"c"`, `\`, "$"}, "", true},
	{`trailing\`, []string{`trailing\`}, "", true},
	{"'multi\nline'", []string{"multi\nline"}, "", true},
	{"\"multi\nline\"", []string{"multi\nline"}, "", true},
	{"\"con\\\ntinued\"", []string{"continued"}, "", true},
	// GitHub's docs print continuations with two-space indents.
	{"curl -L \\\n  -H \"Accept: application/vnd.github+json\" \\\n  https://api.github.com/user",
		[]string{"curl", "-L", "-H", "Accept: application/vnd.github+json", "https://api.github.com/user"}, "", true},
	{"curl a\\\nb", []string{"curl", "ab"}, "", true},
	// Windows line ends: bash would keep the CR; Split treats CRLF as a line end.
	{"curl -L \\\r\n  https://x/ \\\r\n  -s\r\n", []string{"curl", "-L", "https://x/", "-s"}, "", false},
	{"curl x\r\n\r\n", []string{"curl", "x"}, "", false},
	{"curl x # the user\n", []string{"curl", "x"}, "", true},
	{"curl x#y '#z'", []string{"curl", "x#y", "#z"}, "", true},
	{"# comment\n\ncurl x", []string{"curl", "x"}, "", false}, // bash: two lines, not one printf
	{"\n\n  curl x\n", []string{"curl", "x"}, "", false},
	{"$ curl https://x", []string{"curl", "https://x"}, "", false},
	{"% curl https://x", []string{"curl", "https://x"}, "", false},
	{"$HOME", []string{"$HOME"}, "", true},
	{"curl x | jq .", []string{"curl", "x"}, "| jq .", false},
	{"curl x|jq", []string{"curl", "x"}, "|jq", false},
	{"curl x; echo done", []string{"curl", "x"}, "; echo done", false},
	{"curl x && echo ok", []string{"curl", "x"}, "&& echo ok", false},
	{"curl x > out.json", []string{"curl", "x"}, "> out.json", false},
	{"curl x 2>/dev/null", []string{"curl", "x"}, "2>/dev/null", false},
	{"curl x '2'>/dev/null", []string{"curl", "x", "2"}, ">/dev/null", false},
	{"curl x &", []string{"curl", "x"}, "&", false},
	{"curl 'a|b' \"c;d\" e\\&f", []string{"curl", "a|b", "c;d", "e&f"}, "", true},
	{"curl x\ncurl y", []string{"curl", "x"}, "curl y", false},
	{"curl x # c\n# only comments\n", []string{"curl", "x"}, "", true},
	// ANSI-C quoting, bash manual §3.1.2.4.
	{`$'a\nb\tc\rd\\e\'f\"g\?h'`, []string{"a\nb\tc\rd\\e'f\"g?h"}, "", true},
	{`$'\x41\x4a\x4Bz\xg'`, []string{"AJKz\\xg"}, "", true},
	{`$'\u00e9\U0001F600\u41'`, []string{"é😀A"}, "", true},
	{`$'\101\0101\7'`, []string{"A\b1\a"}, "", true},
	{`$'\e[1m\a\b\f\v'`, []string{"\x1b[1m\a\b\f\v"}, "", true},
	{`$'\ca\cZ\c?'`, []string{"\x01\x1a\x7f"}, "", true},
	{`$'\q\'` + "'", []string{`\q'`}, "", true},
	{`$'ab\0cd'ef`, []string{"abef"}, "", true},
	{`$'{"a":1}'`, []string{`{"a":1}`}, "", true},
	{`$"translated"`, []string{"translated"}, "", true},
	{`"$'not ansi'"`, []string{"$'not ansi'"}, "", true},
	{`"a$" $ a$ "$"`, []string{"a$", "$", "a$", "$"}, "", true},
	{"ünïcödé ✓", []string{"ünïcödé", "✓"}, "", true},
	{"tab\\\tescaped", []string{"tab\tescaped"}, "", true},
	{"curl '-d' a=1 -d'b=2'", []string{"curl", "-d", "a=1", "-db=2"}, "", true},
	{"curl https://x/?a=1&b=2", []string{"curl", "https://x/?a=1"}, "&b=2", false},
	{`curl "https://x/?a=1&b=2"`, []string{"curl", "https://x/?a=1&b=2"}, "", true},
}

func texts(ws []Word) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Text)
	}
	return out
}

func TestSplit(t *testing.T) {
	for _, tt := range splitTests {
		c, err := Split(tt.in)
		if err != nil {
			t.Errorf("Split(%q): %v", tt.in, err)
			continue
		}
		if got := texts(c.Words); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Split(%q) = %q; want %q", tt.in, got, tt.want)
		}
		if c.Rest != tt.rest {
			t.Errorf("Split(%q).Rest = %q; want %q", tt.in, c.Rest, tt.rest)
		}
		if tt.rest != "" && len(c.Notes) == 0 {
			t.Errorf("Split(%q) dropped %q without a note", tt.in, c.Rest)
		}
		for _, n := range c.Notes {
			if strings.ContainsAny(n, "\r\n") {
				t.Errorf("Split(%q): note %q is not one line", tt.in, n)
			}
		}
	}
}

// splitVarTests check how variables and substitutions are recorded.
var splitVarTests = []struct {
	in   string
	want []Word
	note string // a substring of one of the notes; "" for none
}{
	{`$TOKEN`, []Word{{Text: "$TOKEN", Parts: []Part{{Text: "$TOKEN", Var: "TOKEN"}}}}, ""},
	{`"Bearer $TOKEN"`, []Word{{Text: "Bearer $TOKEN", Parts: []Part{{Text: "Bearer "}, {Text: "$TOKEN", Var: "TOKEN"}}}}, ""},
	{`"$GITHUB_USER:$GITHUB_TOKEN"`, []Word{{Text: "$GITHUB_USER:$GITHUB_TOKEN", Parts: []Part{
		{Text: "$GITHUB_USER", Var: "GITHUB_USER"}, {Text: ":"}, {Text: "$GITHUB_TOKEN", Var: "GITHUB_TOKEN"}}}}, ""},
	{`${TOKEN}x`, []Word{{Text: "${TOKEN}x", Parts: []Part{{Text: "${TOKEN}", Var: "TOKEN"}, {Text: "x"}}}}, ""},
	{`'$TOKEN'`, []Word{Lit("$TOKEN")}, ""},
	{`\$TOKEN`, []Word{Lit("$TOKEN")}, ""},
	{`"\$TOKEN"`, []Word{Lit("$TOKEN")}, ""},
	{`$1$@`, []Word{{Text: "$1$@", Parts: []Part{{Text: "$1", Var: "1"}, {Text: "$@", Var: "@"}}}}, ""},
	{`${TOKEN:-none}`, []Word{{Text: "${TOKEN:-none}", Parts: []Part{{Text: "${TOKEN:-none}", Var: "TOKEN"}}}}, "read as $TOKEN"},
	{`${TOKEN:?set it}`, []Word{{Text: "${TOKEN:?set it}", Parts: []Part{{Text: "${TOKEN:?set it}", Var: "TOKEN"}}}}, "read as $TOKEN"},
	{`${TOKEN/a/b}`, []Word{Lit("${TOKEN/a/b}")}, "kept as text"},
	{`"$(cat token.txt)"`, []Word{Lit("$(cat token.txt)")}, "never run"},
	{`$(echo "a)b")x`, []Word{Lit(`$(echo "a)b")x`)}, "never run"},
	{"`cat token`", []Word{Lit("`cat token`")}, "never run"},
	{`$((1+2))`, []Word{Lit("$((1+2))")}, "never run"},
	{"$ curl x", []Word{Lit("curl"), Lit("x")}, `prompt "$ "`},
	{"curl x | jq", []Word{Lit("curl"), Lit("x")}, `ends at the unquoted '|' at column 8; not read: "| jq"`},
	{"curl x\ny", []Word{Lit("curl"), Lit("x")}, `only the first command was read`},
}

func TestSplitVars(t *testing.T) {
	for _, tt := range splitVarTests {
		c, err := Split(tt.in)
		if err != nil {
			t.Errorf("Split(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(c.Words, tt.want) {
			t.Errorf("Split(%q) = %+v; want %+v", tt.in, c.Words, tt.want)
		}
		joined := strings.Join(c.Notes, "\n")
		if tt.note == "" && joined != "" || !strings.Contains(joined, tt.note) {
			t.Errorf("Split(%q) notes = %q; want one containing %q", tt.in, c.Notes, tt.note)
		}
	}
}

var splitErrorTests = []struct {
	in, want string
}{
	{`curl -H 'Accept`, "unterminated single quote starting at column 9: close it with '"},
	{`curl -d "{\"a\": 1}`, `unterminated double quote starting at column 9: close it with "`},
	{"curl \\\n  -H 'x\n", "unterminated single quote starting at line 2, column 6: close it with '"},
	{`curl $'abc`, "unterminated $' quote starting at column 6: close it with '"},
	{`curl ${TOKEN`, "unterminated ${ starting at column 6: close it with }"},
	{`curl $(date`, "unterminated $( starting at column 6: close it with )"},
	{"curl `date", "unterminated backquote starting at column 6: close it with `"},
	{`ünï 'x`, "unterminated single quote starting at column 5: close it with '"},
}

func TestSplitErrors(t *testing.T) {
	for _, tt := range splitErrorTests {
		_, err := Split(tt.in)
		if err == nil {
			t.Errorf("Split(%q) = nil error; want %q", tt.in, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Split(%q) error = %q; want %q", tt.in, err, tt.want)
		}
	}
}

// testVars are the variables TestSplitBash gives bash; Expand gets the same.
var testVars = map[string]string{
	"TOKEN": "tok-123", "GITHUB_USER": "octocat", "GITHUB_TOKEN": "ghp_abc", "HOME": "/home/test",
}

// TestSplitBash has bash split each case (and a few with variables) and
// compares its words with Split's, variables expanded with the same values:
// a reader no one here wrote.
func TestSplitBash(t *testing.T) {
	bash := testenv.Program(t, "bash", "bash")
	var lines []string
	for _, tt := range splitTests {
		if tt.bash && tt.in != "" {
			lines = append(lines, tt.in)
		}
	}
	lines = append(lines,
		`curl -u "$GITHUB_USER:$GITHUB_TOKEN" https://api.github.com/user`,
		`"Bearer ${TOKEN}" x$TOKEN'$TOKEN' "${TOKEN:-none}" \$TOKEN`,
	)
	env := []string{"LC_ALL=C.UTF-8", "PATH=/usr/bin:/bin"}
	for k, v := range testVars {
		env = append(env, k+"="+v)
	}
	for _, line := range lines {
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c", `printf '%s\0' `+line)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("bash -c %q: %v", line, err)
			continue
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		c, err := Split(line)
		if err != nil {
			t.Errorf("Split(%q): %v", line, err)
			continue
		}
		var got []string
		for _, w := range c.Words {
			got = append(got, w.Expand(func(name string) string { return testVars[name] }))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Split(%q) expanded = %q; bash says %q", line, got, want)
		}
	}
}

// TestSplitQuoteRoundTrip: a word written by Quote reads back as itself.
func TestSplitQuoteRoundTrip(t *testing.T) {
	for _, w := range []string{"", "plain", "it's", `"dq" \ $x ${y} $(id) ` + "`id`", "tab\tnew\nline", "ünïcödé ✓", "#hash", "a|b;c&d>e<f(g)h", "\r\n"} {
		c, err := Split(Quote(w))
		if err != nil {
			t.Errorf("Split(Quote(%q)): %v", w, err)
			continue
		}
		if len(c.Words) != 1 || c.Words[0].Text != w || !c.Words[0].IsLiteral() {
			t.Errorf("Split(Quote(%q)) = %+v; want the word back", w, c.Words)
		}
	}
	// QuoteVar's variables come back as variables.
	c, err := Split(QuoteVar("Bearer ", "TOKEN", ""))
	if err != nil || len(c.Words) != 1 || !reflect.DeepEqual(c.Words[0].Vars(), []string{"TOKEN"}) {
		t.Errorf("Split(QuoteVar(\"Bearer \", \"TOKEN\")) = %+v, %v; want one word with $TOKEN", c.Words, err)
	}
	if !bytes.Equal([]byte(Lit("x").Text), []byte("x")) || len(Lit("").Parts) != 0 {
		t.Errorf("Lit does not build a literal word")
	}
}

func TestIsName(t *testing.T) {
	for s, want := range map[string]bool{"GITHUB_TOKEN": true, "_x1": true, "a": true, "": false, "1A": false, "A-B": false, "ü": false, "A B": false} {
		if got := IsName(s); got != want {
			t.Errorf("IsName(%q) = %v; want %v", s, got, want)
		}
	}
}
