package httpfile

import (
	"regexp"
	"strings"
)

// Caps on hostile input: a request file or an environment file larger than
// MaxFile is refused, and so is one with more than MaxRequests requests or
// MaxVars variables, or whose requests use more than MaxVarUses
// variables in all (each profile gets its own copy of the file variables
// it uses). JSON deeper than maxDepth is refused by the
// environment reader.
const (
	MaxFile     = 20 << 20
	MaxRequests = 10000
	MaxVars     = 10000
	MaxVarUses  = 100000
	// MaxEnvironments and maxAuthKeys bound the environment files: real
	// ones hold a few environments and auth configurations of a dozen
	// settings.
	MaxEnvironments = 100
	maxAuthKeys     = 64
	maxDepth        = 64
)

// rawRequest is one request of a .http file as written, before mapping.
type rawRequest struct {
	line      int    // 1-based line of the request line
	sepName   string // text after the ### that opened its block
	metaName  string // # @name NAME
	method    string
	url       string
	headers   [][2]string
	body      []string // lines, comments removed
	meta      []string // other # @key value lines: no-redirect, prompt, ...
	handlers  []string // > script, >> / >>! redirects, <> response refs
	noColon   []string // header lines without a colon
	noRequest bool     // the block held variables or comments only
}

// fileVar is one VS Code file variable, @name = value.
type fileVar struct{ name, value string }

var (
	// VS Code REST Client's FileVariableDefinitionRegex
	// (src/common/constants.ts).
	fileVarRe = regexp.MustCompile(`^\s*@([^\s=]+)\s*=\s*(.*?)\s*$`)
	// RequestMetadataRegex: # @name value, // @no-redirect.
	metaRe = regexp.MustCompile(`^\s*(?:#+|/{2,})\s*@([\w-]+)(?:\s+(.*?))?\s*$`)
	// The request line: an optional method (the JetBrains spec §3.2.1
	// list plus the WebDAV methods VS Code accepts), the target, an
	// optional HTTP version.
	methodRe  = regexp.MustCompile(`(?i)^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|CONNECT|TRACE|LOCK|UNLOCK|PROPFIND|PROPPATCH|COPY|MOVE|MKCOL|MKCALENDAR|ACL|SEARCH)\s+`)
	versionRe = regexp.MustCompile(`(?i)\s+HTTP/[\d.]+\s*$`)
)

// splitLines splits on LF, CR LF and a lone CR (spec §2.2).
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// isSeparator reports a request separator: ### and any text (spec §2.5;
// VS Code takes three or more #).
func isSeparator(line string) bool { return strings.HasPrefix(line, "###") }

// isComment reports a line comment, # or // after optional indent
// (spec §2.4).
func isComment(line string) bool {
	t := strings.TrimLeft(line, " \t\f")
	return strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//")
}

func blank(line string) bool { return strings.TrimSpace(line) == "" }

// parseFile splits a request file into its requests and file variables.
func parseFile(text string) (reqs []rawRequest, vars []fileVar, tooMany bool) {
	lines := splitLines(strings.TrimPrefix(text, "\ufeff"))
	start, name := 0, ""
	flush := func(end int) {
		if len(reqs) > MaxRequests {
			tooMany = true
			return
		}
		block, off, sep := lines[start:end], start, name
		for {
			r, vs, rest := parseBlock(block, off, sep)
			vars = append(vars, vs...)
			if !r.noRequest {
				reqs = append(reqs, r)
			}
			if rest == len(block) || len(reqs) > MaxRequests {
				break
			}
			block, off, sep = block[rest:], off+rest, ""
		}
	}
	for i, l := range lines {
		if isSeparator(l) {
			flush(i)
			start, name = i+1, strings.TrimSpace(strings.TrimLeft(l, "#"))
		}
	}
	flush(len(lines))
	return reqs, vars, tooMany
}

// parseBlock reads the lines between two separators (offset is the index
// of the first line in the file).
//
// A block may hold several requests without ### between them, as httpYac
// writes them: a request line after a blank line in the body starts the
// next request; rest is the index of its first line (len(lines) when the
// block ends with this request).
func parseBlock(lines []string, offset int, sepName string) (r rawRequest, vars []fileVar, rest int) {
	r = rawRequest{sepName: sepName}
	i := 0
	// Before the request line: blank lines, comments (with metadata) and
	// file variables.
	for ; i < len(lines); i++ {
		l := lines[i]
		if blank(l) {
			continue
		}
		if m := metaRe.FindStringSubmatch(l); m != nil {
			if m[1] == "name" {
				r.metaName = m[2]
			} else {
				r.meta = append(r.meta, strings.TrimSpace(m[1]+" "+m[2]))
			}
			continue
		}
		if isComment(l) {
			continue
		}
		if m := fileVarRe.FindStringSubmatch(l); m != nil {
			vars = append(vars, fileVar{m[1], m[2]})
			continue
		}
		break
	}
	if i == len(lines) {
		r.noRequest = true
		return r, vars, len(lines)
	}
	r.line = offset + i + 1
	var target strings.Builder
	target.WriteString(strings.TrimSpace(lines[i]))
	i++
	// The target may go on over indented lines (JetBrains, spec §3.2.1.3)
	// or lines starting with ? or & (VS Code).
	for ; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		if t == "" || isComment(l) {
			break
		}
		indented := l != strings.TrimLeft(l, " \t\f")
		if indented || strings.HasPrefix(t, "?") || strings.HasPrefix(t, "&") {
			target.WriteString(t)
			continue
		}
		break
	}
	reqLine := target.String()
	if m := methodRe.FindStringSubmatch(reqLine); m != nil {
		r.method, r.url = strings.ToUpper(m[1]), reqLine[len(m[0]):]
	} else {
		r.method, r.url = "GET", reqLine
	}
	r.url = strings.TrimSpace(versionRe.ReplaceAllString(strings.TrimSpace(r.url), ""))
	// Headers until a blank line; comments may sit among them (§2.4).
	for ; i < len(lines); i++ {
		l := lines[i]
		if blank(l) {
			i++
			break
		}
		if isComment(l) {
			continue
		}
		if isHandler(l) {
			break
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok || strings.TrimSpace(name) == "" {
			r.noColon = append(r.noColon, strings.TrimSpace(l))
			continue
		}
		r.headers = append(r.headers, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
	// The body, then response handlers and references (§3.2.4, §3.2.5).
	rest = len(lines)
	for ; i < len(lines); i++ {
		l := lines[i]
		if (len(r.body) == 0 || blank(r.body[len(r.body)-1]) || len(r.handlers) > 0) && startsRequest(l) {
			rest = i
			break
		}
		if strings.TrimSpace(l) == "{{" {
			// an httpYac script block, {{ … }} on lines of their own
			var b strings.Builder
			b.WriteString(l)
			for i+1 < len(lines) {
				i++
				b.WriteString("\n" + lines[i])
				if strings.TrimSpace(lines[i]) == "}}" {
					break
				}
			}
			r.handlers = append(r.handlers, b.String())
			continue
		}
		if isHandler(l) {
			h := strings.TrimSpace(l)
			if strings.HasPrefix(h, ">") && strings.Contains(h, "{%") && !strings.Contains(h, "%}") {
				var b strings.Builder
				b.WriteString(h)
				for i+1 < len(lines) {
					i++
					b.WriteString("\n" + lines[i])
					if strings.Contains(lines[i], "%}") {
						break
					}
				}
				h = b.String()
			}
			r.handlers = append(r.handlers, h)
			continue
		}
		if len(r.handlers) > 0 && blank(l) {
			continue
		}
		if isComment(l) {
			continue
		}
		r.body = append(r.body, l)
	}
	// Whitespace around an in-place body is trimmed (spec §4.2.2).
	for len(r.body) > 0 && blank(r.body[0]) {
		r.body = r.body[1:]
	}
	for len(r.body) > 0 && blank(r.body[len(r.body)-1]) {
		r.body = r.body[:len(r.body)-1]
	}
	return r, vars, rest
}

// startsRequest reports a line that starts another request when httpYac
// reads a block: a method and an absolute, origin-form or {{variable}}
// target.
func startsRequest(l string) bool {
	m := methodRe.FindStringSubmatch(l)
	if m == nil {
		return false
	}
	t := l[len(m[0]):]
	return strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "/") || strings.HasPrefix(t, "{{")
}

// isHandler reports a response handler (> script or > file), an output
// redirection (>> file, >>! file) or a response reference (<> file).
func isHandler(line string) bool {
	t := strings.TrimLeft(line, " \t")
	return strings.HasPrefix(t, "> ") || strings.HasPrefix(t, ">>") || strings.HasPrefix(t, "> {%") ||
		strings.HasPrefix(t, ">{%") || strings.HasPrefix(t, "<> ")
}
