package shell

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Part is a piece of a Word: literal text, or a shell variable that Split
// left unexpanded.
type Part struct {
	// Text is the literal text, or the variable as it was typed ("$TOKEN",
	// "${TOKEN}", "${TOKEN:-x}").
	Text string
	// Var is the variable's name (TOKEN; a special parameter such as 1 or @
	// too), "" for literal text.
	Var string
}

// Word is one argument of a command line, as the shell would pass it, except
// that variables are not expanded: they are recorded in Parts.
type Word struct {
	// Text is the word with quoting removed and each variable as typed.
	Text string
	// Parts cuts Text into literal runs and variables, in order; adjacent
	// literal runs are merged. An empty word ('') has no parts.
	Parts []Part
}

// Lit returns the literal word s (no variables).
func Lit(s string) Word {
	if s == "" {
		return Word{}
	}
	return Word{Text: s, Parts: []Part{{Text: s}}}
}

// Lits returns the literal words of args: what a caller that already has
// split arguments (os.Args, exec.Cmd) passes where Words are expected.
func Lits(args ...string) []Word {
	out := make([]Word, len(args))
	for i, a := range args {
		out[i] = Lit(a)
	}
	return out
}

// IsLiteral reports whether w holds no variable.
func (w Word) IsLiteral() bool {
	for _, p := range w.Parts {
		if p.Var != "" {
			return false
		}
	}
	return true
}

// Vars lists the names of the variables in w, in order.
func (w Word) Vars() []string {
	var out []string
	for _, p := range w.Parts {
		if p.Var != "" {
			out = append(out, p.Var)
		}
	}
	return out
}

// OnlyVar returns the variable's name when w is exactly one variable and
// nothing else ("$TOKEN", "${TOKEN}").
func (w Word) OnlyVar() (string, bool) {
	if len(w.Parts) == 1 && w.Parts[0].Var != "" {
		return w.Parts[0].Var, true
	}
	return "", false
}

// Expand returns w with each variable replaced by lookup(name): what the
// shell would have passed, given the same variables.
func (w Word) Expand(lookup func(name string) string) string {
	var b strings.Builder
	for _, p := range w.Parts {
		if p.Var != "" {
			b.WriteString(lookup(p.Var))
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// Command is what Split read: the words of the first command of a pasted
// line, and what it left out.
type Command struct {
	Words []Word
	// Rest is the text Split did not read because the command ended before
	// it: from the first unquoted control operator or redirection on ("| jq
	// .", "> out.json", "&& echo ok"), or the lines after the first
	// command. "" when there is none.
	Rest string
	// Notes says, one line each, what Split stripped or kept unexpanded: a
	// prompt, a $(…) kept as text, the Rest it did not read.
	Notes []string
}

// Split reads the first command of a pasted POSIX shell command line (IEEE
// Std 1003.1, Shell Command Language §2.2–2.3, and bash's $'…') into words,
// the way bash would, without running or expanding anything:
//
//   - blanks (space, tab) separate words; quote removal as in §2.2: a
//     backslash quotes the next character, '…' quotes everything up to the
//     next ', "…" quotes everything but $, ` and \ (which escapes only $ ` " \
//     and newline there), and bash's $'…' decodes ANSI-C escapes (\n \t \r
//     \\ \' \" \? \a \b \e \E \f \v, \NNN one to three octal digits, \xHH,
//     \uHHHH, \UHHHHHHHH, \cX), stopping at a NUL as bash does; $"…" is read
//     as "…";
//   - a backslash-newline is removed (a line continuation), also before a
//     "\r\n" line end; outside quotes a CR just before LF belongs to the line
//     end (text pasted from Windows), where bash would keep it;
//   - # at the start of a word begins a comment up to the end of the line;
//   - blank and comment-only lines before the command are skipped, and a
//     leading "$ " or "% " (a prompt that documentation prints) is removed;
//   - variables ($NAME, ${NAME}, $1, $@ …) are not expanded: Word.Parts
//     records them. ${NAME:-word} and the other "NAME or else" forms (-, =,
//     ?, with or without :) are recorded as NAME, with a note; other ${…}
//     forms, $(…), $((…)) and `…` are kept as literal text, with a note, and
//     never run;
//   - the command ends at the first unquoted newline after a word, or at the
//     first unquoted control operator or redirection: ; & | ( ) < > (with
//     its file-descriptor digits, as in 2>/dev/null). Command.Rest holds
//     what was not read, and a note says so;
//   - tilde and pathname expansion are not done: ~, *, ? and [ stay as they
//     are (bash keeps a pattern that matches no file as it is, too).
//
// An unterminated quote or substitution is an error whose one-line message
// names the column where it starts and how to close it.
func Split(line string) (Command, error) {
	s := &splitter{src: line}
	if err := s.run(); err != nil {
		return Command{}, err
	}
	return Command{Words: s.words, Rest: s.rest, Notes: s.notes}, nil
}

type splitter struct {
	src   string
	i     int
	words []Word
	notes []string
	rest  string

	// the word being read
	in    bool // a word has started (even an empty one: '')
	start int  // offset of its first byte
	parts []Part
}

func (s *splitter) note(format string, args ...any) {
	s.notes = append(s.notes, fmt.Sprintf(format, args...))
}

// lit appends literal text to the current word.
func (s *splitter) lit(t string) {
	s.in = true
	if t == "" {
		return
	}
	if n := len(s.parts); n > 0 && s.parts[n-1].Var == "" {
		s.parts[n-1].Text += t
		return
	}
	s.parts = append(s.parts, Part{Text: t})
}

func (s *splitter) variable(typed, name string) {
	s.in = true
	s.parts = append(s.parts, Part{Text: typed, Var: name})
}

func (s *splitter) begin() {
	if !s.in {
		s.in = true
		s.start = s.i
	}
}

func (s *splitter) end() {
	if !s.in {
		return
	}
	var b strings.Builder
	for _, p := range s.parts {
		b.WriteString(p.Text)
	}
	s.words = append(s.words, Word{Text: b.String(), Parts: s.parts})
	s.in, s.parts = false, nil
}

// at returns the byte at offset i, or 0 past the end.
func (s *splitter) at(i int) byte {
	if i < len(s.src) {
		return s.src[i]
	}
	return 0
}

// lineEnd reports the length of the line end at offset i: 1 for "\n", 2 for
// "\r\n", 0 for none.
func (s *splitter) lineEnd(i int) int {
	switch {
	case s.at(i) == '\n':
		return 1
	case s.at(i) == '\r' && s.at(i+1) == '\n':
		return 2
	}
	return 0
}

// where renders offset i as "column C", or "line L, column C" when the input
// has several lines; columns count characters from 1.
func (s *splitter) where(i int) string {
	before := s.src[:i]
	lineNo := strings.Count(before, "\n") + 1
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	if strings.Contains(s.src, "\n") {
		return fmt.Sprintf("line %d, column %d", lineNo, col)
	}
	return fmt.Sprintf("column %d", col)
}

func (s *splitter) run() error {
	s.skipLeading()
	for s.i < len(s.src) {
		c := s.src[s.i]
		if n := s.lineEnd(s.i); n > 0 {
			s.end()
			s.i += n
			s.stop(s.i, "newline")
			return nil
		}
		switch c {
		case ' ', '\t':
			s.end()
			s.i++
		case '\\':
			if n := s.lineEnd(s.i + 1); n > 0 {
				s.i += 1 + n // a continuation: no word starts here
				continue
			}
			s.begin()
			if s.i+1 >= len(s.src) {
				s.lit(`\`) // bash keeps a backslash at the very end
				s.i++
				continue
			}
			_, size := utf8.DecodeRuneInString(s.src[s.i+1:])
			s.lit(s.src[s.i+1 : s.i+1+size])
			s.i += 1 + size
		case '\'':
			s.begin()
			j := strings.IndexByte(s.src[s.i+1:], '\'')
			if j < 0 {
				return fmt.Errorf("unterminated single quote starting at %s: close it with '", s.where(s.i))
			}
			s.lit(s.src[s.i+1 : s.i+1+j])
			s.i += j + 2
		case '"':
			s.begin()
			if err := s.double(); err != nil {
				return err
			}
		case '$':
			s.begin()
			if err := s.dollar(false); err != nil {
				return err
			}
		case '`':
			s.begin()
			if err := s.backtick(); err != nil {
				return err
			}
		case '#':
			if s.in {
				s.lit("#")
				s.i++
				continue
			}
			s.skipComment()
		case ';', '&', '|', '(', ')', '<', '>':
			at := s.i
			if (c == '<' || c == '>') && s.in && isDigits(s.src[s.start:s.i]) {
				at = s.start // 2>/dev/null: the digits belong to the redirection
				s.in, s.parts = false, nil
			}
			s.end()
			s.stop(at, fmt.Sprintf("%q", c))
			return nil
		default:
			s.begin()
			_, size := utf8.DecodeRuneInString(s.src[s.i:])
			s.lit(s.src[s.i : s.i+size])
			s.i += size
		}
	}
	s.end()
	return nil
}

// skipLeading skips blank and comment-only lines and a leading prompt.
func (s *splitter) skipLeading() {
	for s.i < len(s.src) {
		switch c := s.src[s.i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' && s.at(s.i+1) == '\n':
			s.i++
		case c == '\\' && s.lineEnd(s.i+1) > 0:
			s.i += 1 + s.lineEnd(s.i+1)
		case c == '#':
			s.skipComment()
		default:
			if (c == '$' || c == '%') && (s.at(s.i+1) == ' ' || s.at(s.i+1) == '\t') {
				s.note("the prompt %q at the start was removed", string(c)+" ")
				s.i += 2
			}
			return
		}
	}
}

func (s *splitter) skipComment() {
	for s.i < len(s.src) && s.src[s.i] != '\n' {
		s.i++
	}
}

// stop ends the command at offset at, keeping what follows as Rest.
func (s *splitter) stop(at int, what string) {
	rest := s.src[at:]
	if strings.TrimSpace(rest) == "" || allComments(rest) {
		return
	}
	s.rest = rest
	shown := strings.TrimSpace(rest)
	if r := []rune(shown); len(r) > 40 {
		shown = string(r[:40]) + "…"
	}
	if what == "newline" {
		s.note("only the first command was read: the lines after it (%q) were not", shown)
		return
	}
	s.note("the command ends at the unquoted %s at %s; not read: %q", what, s.where(at), shown)
}

func allComments(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if t := strings.TrimSpace(l); t != "" && t[0] != '#' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// double reads a double-quoted string starting at s.i ("), §2.2.3.
func (s *splitter) double() error {
	open := s.i
	s.i++
	for {
		if s.i >= len(s.src) {
			return fmt.Errorf("unterminated double quote starting at %s: close it with \"", s.where(open))
		}
		switch c := s.src[s.i]; c {
		case '"':
			s.lit("")
			s.i++
			return nil
		case '\\':
			if n := s.lineEnd(s.i + 1); n > 0 {
				s.i += 1 + n
				continue
			}
			switch next := s.at(s.i + 1); next {
			case '$', '`', '"', '\\':
				s.lit(string(next))
				s.i += 2
			default:
				s.lit(`\`)
				s.i++
			}
		case '$':
			if err := s.dollar(true); err != nil {
				return err
			}
		case '`':
			if err := s.backtick(); err != nil {
				return err
			}
		default:
			_, size := utf8.DecodeRuneInString(s.src[s.i:])
			s.lit(s.src[s.i : s.i+size])
			s.i += size
		}
	}
}

func isNameStart(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isNameByte(c byte) bool { return isNameStart(c) || '0' <= c && c <= '9' }

// IsName reports whether s is a shell variable name (POSIX.1-2017 §3.235:
// letters, digits and underscores, not starting with a digit): what $NAME
// and an assignment NAME=value may use.
func IsName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameByte(s[i]) {
			return false
		}
	}
	return true
}

// dollar reads what starts with $ at s.i (§2.6.2–2.6.3): a variable, ${…},
// $(…), or, outside double quotes, $'…' and $"…".
func (s *splitter) dollar(quoted bool) error {
	start := s.i
	next := s.at(s.i + 1)
	switch {
	case next == '\'' && !quoted:
		return s.ansiC()
	case next == '"' && !quoted:
		s.i++ // $"…" is a translatable string: without a catalog, "…"
		return s.double()
	case next == '{':
		end, ok := s.matching(s.i+2, '{', '}')
		if !ok {
			return fmt.Errorf("unterminated ${ starting at %s: close it with }", s.where(start))
		}
		typed := s.src[start : end+1]
		inner := s.src[s.i+2 : end]
		s.i = end + 1
		if name, rest := splitName(inner); name != "" {
			switch {
			case rest == "":
				s.variable(typed, name)
				return nil
			case strings.HasPrefix(rest, ":-") || strings.HasPrefix(rest, "-") ||
				strings.HasPrefix(rest, ":=") || strings.HasPrefix(rest, "=") ||
				strings.HasPrefix(rest, ":?") || strings.HasPrefix(rest, "?"):
				s.variable(typed, name)
				s.note("%q is read as $%s: what follows the name is ignored", typed, name)
				return nil
			}
		}
		s.lit(typed)
		s.note("%q at %s is kept as text: it is not expanded", typed, s.where(start))
		return nil
	case next == '(':
		end, ok := s.matching(s.i+2, '(', ')')
		if !ok {
			return fmt.Errorf("unterminated $( starting at %s: close it with )", s.where(start))
		}
		typed := s.src[start : end+1]
		s.i = end + 1
		s.lit(typed)
		s.note("%q at %s is kept as text, never run", typed, s.where(start))
		return nil
	case isNameStart(next):
		j := s.i + 1
		for j < len(s.src) && isNameByte(s.src[j]) {
			j++
		}
		s.variable(s.src[start:j], s.src[s.i+1:j])
		s.i = j
		return nil
	case '0' <= next && next <= '9' || strings.IndexByte("@*#?$!-", next) >= 0:
		s.variable(s.src[start:start+2], string(next))
		s.i += 2
		return nil
	}
	s.lit("$")
	s.i++
	return nil
}

// splitName splits the inside of ${…} into a parameter name and the rest.
func splitName(inner string) (name, rest string) {
	if inner == "" {
		return "", ""
	}
	if !isNameStart(inner[0]) {
		if '0' <= inner[0] && inner[0] <= '9' {
			j := 1
			for j < len(inner) && '0' <= inner[j] && inner[j] <= '9' {
				j++
			}
			return inner[:j], inner[j:]
		}
		if strings.IndexByte("@*#?$!-", inner[0]) >= 0 && len(inner) == 1 {
			return inner, ""
		}
		return "", inner
	}
	j := 1
	for j < len(inner) && isNameByte(inner[j]) {
		j++
	}
	return inner[:j], inner[j:]
}

// matching returns the offset of the close byte that ends a construct
// opened just before from, skipping nested pairs, quotes and escapes; ok is
// false when the input ends first.
func (s *splitter) matching(from int, open, close byte) (end int, ok bool) {
	depth := 0
	for j := from; j < len(s.src); j++ {
		switch c := s.src[j]; c {
		case '\\':
			j++
		case '\'':
			k := strings.IndexByte(s.src[j+1:], '\'')
			if k < 0 {
				return 0, false
			}
			j += k + 1
		case '"':
			for j++; j < len(s.src) && s.src[j] != '"'; j++ {
				if s.src[j] == '\\' {
					j++
				}
			}
		case open:
			depth++
		case close:
			if depth == 0 {
				return j, true
			}
			depth--
		}
	}
	return 0, false
}

// backtick reads `…` (old-style command substitution, §2.6.3) as literal
// text.
func (s *splitter) backtick() error {
	start := s.i
	for j := s.i + 1; j < len(s.src); j++ {
		switch s.src[j] {
		case '\\':
			j++
		case '`':
			typed := s.src[start : j+1]
			s.lit(typed)
			s.i = j + 1
			s.note("%q at %s is kept as text, never run", typed, s.where(start))
			return nil
		}
	}
	return fmt.Errorf("unterminated backquote starting at %s: close it with `", s.where(start))
}

// ansiC reads bash's $'…' (ANSI-C quoting, bash manual §3.1.2.4) at s.i.
func (s *splitter) ansiC() error {
	open := s.i
	j := s.i + 2
	var b []byte
	nul := false // bash cuts the string at a NUL byte
	put := func(bs ...byte) {
		if !nul {
			b = append(b, bs...)
		}
	}
	for {
		if j >= len(s.src) {
			return fmt.Errorf("unterminated $' quote starting at %s: close it with '", s.where(open))
		}
		c := s.src[j]
		if c == '\'' {
			j++
			break
		}
		if c != '\\' || j+1 >= len(s.src) {
			put(c)
			j++
			continue
		}
		e := s.src[j+1]
		j += 2
		switch e {
		case 'a':
			put('\a')
		case 'b':
			put('\b')
		case 'e', 'E':
			put(0x1b)
		case 'f':
			put('\f')
		case 'n':
			put('\n')
		case 'r':
			put('\r')
		case 't':
			put('\t')
		case 'v':
			put('\v')
		case '\\', '\'', '"', '?':
			put(e)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(e - '0')
			for k := 0; k < 2 && j < len(s.src) && '0' <= s.src[j] && s.src[j] <= '7'; k++ {
				v = v*8 + int(s.src[j]-'0')
				j++
			}
			if v&0xff == 0 {
				nul = true
			}
			put(byte(v))
		case 'x', 'u', 'U':
			digits := 2 // \xHH
			switch e {
			case 'u':
				digits = 4
			case 'U':
				digits = 8
			}
			v, k := 0, 0
			for ; k < digits && j < len(s.src) && hexVal(s.src[j]) >= 0; k++ {
				v = v*16 + hexVal(s.src[j])
				j++
			}
			switch {
			case k == 0:
				put('\\', e) // no digits: kept as typed
			case e == 'x' || v <= 0x7f:
				if v&0xff == 0 {
					nul = true
				}
				put(byte(v))
			default:
				put(utf8.AppendRune(nil, rune(v))...)
			}
		case 'c':
			if j >= len(s.src) {
				put('\\', 'c')
				continue
			}
			x := s.src[j]
			j++
			if x == '\\' && s.at(j) == '\\' {
				j++
			}
			var ctl byte
			if x == '?' {
				ctl = 0x7f
			} else {
				if 'a' <= x && x <= 'z' {
					x -= 'a' - 'A'
				}
				ctl = x & 0x1f
			}
			if ctl == 0 {
				nul = true
			}
			put(ctl)
		default:
			put('\\', e)
		}
	}
	s.i = j
	s.lit(string(b))
	return nil
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
