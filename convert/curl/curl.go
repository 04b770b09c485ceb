// Package curl reads a curl command line, as API documentation prints it,
// into an authlab profile: the request (method, URL, headers, body), its
// credentials as one of authlab's schemes, and the TLS, redirect and timeout
// options that change what is sent. What does not map is listed, never
// dropped in silence: options authlab does not understand (Import.Unknown),
// options that only change curl's own output (Import.Ignored), and partial
// mappings (Import.Notes). Secrets typed as literals are listed in
// Import.Literals with an environment variable name to keep them in, and
// shell variables ($GITHUB_TOKEN) become env: references.
//
// Options are read as curl's own parser (src/tool_getparam.c) reads them:
// short options cluster (-sSL) and take their value attached or as the next
// argument (-XPOST, -d@file, -uuser:pass); long options take the next
// argument, or, as curl 8.16 and later allow, --name=value; --no-NAME turns
// a boolean off; "--" ends the options; every other argument is a URL.
package curl

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/shell"
	"github.com/authlab/authlab/profiles"
)

// Options configure a parse. There are none yet.
//
// A parse never reads a file, whatever the command names: a pasted command
// could name /proc/self/environ, ~/.ssh/id_ed25519 or /dev/zero. The body
// file of -d @FILE, --data-binary @FILE, --json @FILE and -T FILE is kept as
// a reference (Profile.BodyFile), read when the request is sent
// (profiles.ReadBodyFile); a file that would be read into some other part
// of the request (-H @FILE, -F name=<FILE, --data-urlencode @FILE, -d @FILE
// with other data or -G) is refused with the fix; so is standard input
// (-d @-), which a saved request does not have when it is sent.
type Options struct{}

// Import is what ParseCommand and ParseArgs made of a curl command.
type Import struct {
	// Profile is the request: Method, URL, Headers, Body, Scheme, Fields,
	// TLS, Timeout and Follow filled as far as the command says; Name and
	// Description empty. Its URL parses with authn.ParseURL, its header names
	// are tokens and its fields belong to its scheme.
	Profile profiles.Profile
	// Unknown lists the options authlab does not understand, as typed, each
	// with its argument: "--proxy http://p:3128".
	Unknown []string
	// Ignored lists the options understood but not carried, each with why:
	// "-s: changes only what curl prints".
	Ignored []string
	// Literals lists the secrets typed as literals. They stay in Profile as
	// typed; a front end may offer to keep them as references instead.
	Literals []Literal
	// Notes says, one line each, what mapped only partly, was removed, or
	// deserves a look: "-F file=@photo.jpg: file uploads are not imported;
	// the body was dropped".
	Notes []string
}

// Literal is a secret the command held as a literal.
type Literal struct {
	// Field is where it is in Profile: a scheme field ("password", "token",
	// "value", "username" for an API key given as the user name),
	// "tls.key_password", "header NAME" (a header kept as typed) or "query
	// NAME" (a URL query parameter kept in the URL).
	Field string
	// Where says where the command had it: "-u password", "Authorization
	// header", "api_key in the URL query".
	Where string
	// SuggestedEnv is an environment variable name to keep it in, named after
	// the API's host and the field: GITHUB_TOKEN, STRIPE_API_KEY,
	// AWS_SECRET_ACCESS_KEY.
	SuggestedEnv string
}

// ParseCommand reads a curl command line as pasted: shell quoting and
// continuations as shell.Split reads them, a leading "$ " prompt, "curl"
// (or a path to it) first or not at all, and environment assignments before
// it (TOKEN=x curl …, noted). Only the first command is read; what follows a
// pipe or a semicolon is noted.
func ParseCommand(line string, opt Options) (*Import, error) {
	cmd, err := shell.Split(line)
	if err != nil {
		return nil, err
	}
	words := cmd.Words
	var notes []string
	for len(words) > 0 && isAssignment(words[0].Text) {
		name, _, _ := strings.Cut(words[0].Text, "=")
		notes = append(notes, fmt.Sprintf("%s=… before the command sets a variable for curl only; it was not imported", name))
		words = words[1:]
	}
	if len(words) == 0 {
		if cmd.Rest != "" {
			return nil, fmt.Errorf("no curl command before %q: paste the command itself", clip(cmd.Rest))
		}
		return nil, fmt.Errorf("no curl command found: paste one, e.g. curl https://api.github.com/user")
	}
	first := words[0].Text
	switch base := path.Base(strings.ReplaceAll(first, `\`, "/")); {
	case base == "curl" || strings.EqualFold(base, "curl.exe"):
		words = words[1:]
	case first == "" || strings.HasPrefix(first, "-") || strings.ContainsAny(first, ".:/$"):
		// arguments without "curl" in front
	default:
		return nil, fmt.Errorf("the command starts with %q, not curl: paste a curl command", clip(first))
	}
	im, err := ParseArgs(words, opt)
	if err != nil {
		return nil, err
	}
	im.Notes = append(append(cmd.Notes, notes...), im.Notes...)
	for i, n := range im.Notes {
		im.Notes[i] = oneLine(n)
	}
	return im, nil
}

// isAssignment reports whether w is a shell variable assignment NAME=value
// (§2.9.1), which bash reads as an environment entry, not as the command.
func isAssignment(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	return ok && shell.IsName(name)
}

// ParseArgs reads curl's arguments, already split into words (without
// "curl" itself). shell.Lits turns a []string into words.
func ParseArgs(args []shell.Word, opt Options) (*Import, error) {
	p := &parser{opt: opt, im: &Import{}}
	if err := p.args(args); err != nil {
		return nil, oneLineError(err)
	}
	if err := p.build(); err != nil {
		return nil, oneLineError(err)
	}
	im := p.im
	if err := checkRefs(im.Profile); err != nil {
		return nil, err
	}
	for _, l := range [][]string{im.Unknown, im.Ignored, im.Notes} {
		for i, s := range l {
			l[i] = oneLine(s)
		}
	}
	for i := range im.Literals {
		im.Literals[i].Where = oneLine(im.Literals[i].Where)
	}
	return im, nil
}

// parser holds what the options said, before build turns it into a profile.
type parser struct {
	opt Options
	im  *Import

	method, methodFrom string
	methodVars         bool
	head, get          bool
	urls               []shell.Word
	headers            []shell.Word // -H values, in order
	headersFrom        []string     // the option each came with (-H or --header)
	data               []byte
	hasData, jsoned    bool
	dataFrom           string
	dataFile           string   // -d @FILE: the whole body is this file, read at send time
	query              []string // --url-query pieces
	form               []formPart
	formFrom           string
	formFile           bool // a -F uploads a file: the body is not imported
	upload             *shell.Word
	uploadFrom         string
	user               *shell.Word
	userFrom           string
	auth, authFrom     string // basic, digest, anyauth, or another curl method
	bearer             *shell.Word
	bearerFrom         string
	sigv4              *shell.Word
	agent, referer     *shell.Word
	cookies            []shell.Word
	tls                profiles.TLS
	certPass, keyPass  *shell.Word
	certFrom, passFrom string
	follow, trusted    bool
	timeout            string
	timeoutFrom        string
	protoDefault       string
	globoff            bool
}

func (p *parser) note(format string, args ...any) {
	p.im.Notes = append(p.im.Notes, fmt.Sprintf(format, args...))
}

func (p *parser) unknown(name string, v *shell.Word) {
	p.im.Unknown = append(p.im.Unknown, typedOpt(name, v))
}

func (p *parser) ignored(name string, v *shell.Word, why string) {
	p.im.Ignored = append(p.im.Ignored, typedOpt(name, v)+": "+why)
}

// typedOpt writes an option and its argument back as a shell would read
// them.
func typedOpt(name string, v *shell.Word) string {
	if v == nil {
		return name
	}
	return name + " " + typed(*v)
}

// typed writes w back as shell text: quoted, with its variables as ${NAME}.
func typed(w shell.Word) string {
	if w.IsLiteral() {
		return shell.Quote(w.Text)
	}
	var parts []string
	lit := ""
	for _, pt := range w.Parts {
		if pt.Var == "" {
			lit += pt.Text
			continue
		}
		parts = append(parts, lit, pt.Var)
		lit = ""
	}
	return shell.QuoteVar(append(parts, lit)...)
}

// args reads the options, as curl's parse_args and getparameter do.
func (p *parser) args(args []shell.Word) error {
	options := true
	for i := 0; i < len(args); i++ {
		w := args[i]
		a := w.Text
		if !options || !strings.HasPrefix(a, "-") {
			if a == "" {
				p.note("an empty argument was skipped (curl refuses a blank URL)")
				continue
			}
			p.urls = append(p.urls, w)
			continue
		}
		if a == "--" {
			options = false
			continue
		}
		next := func(name string) (*shell.Word, error) {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("option %s needs a value: add it after the option (curl: \"option %s: requires parameter\")", name, name)
			}
			i++
			return &args[i], nil
		}
		if strings.HasPrefix(a, "--") {
			stop, err := p.long(w, next)
			if err != nil {
				return err
			}
			if stop {
				p.rest("--next", args[i+1:])
				return nil
			}
			continue
		}
		if a == "-" {
			p.unknown("-", nil)
			p.note(`"-" is not a curl option (curl would refuse the command)`)
			continue
		}
		for j := 1; j < len(a); j++ {
			o, ok := lookupShort(a[j])
			name := "-" + string(a[j])
			if a[j] >= 0x80 {
				name = "-" + a[j:]
				ok = false
			}
			if !ok {
				p.unknown(name, nil)
				p.note("%s is not a curl option (curl would refuse the command)", name)
				if a[j] >= 0x80 {
					break
				}
				continue
			}
			if o.kind != kindValue {
				if stop := p.handle(o, name, true); stop {
					p.rest(name, args[i+1:])
					return nil
				}
				continue
			}
			var v *shell.Word
			if j+1 < len(a) {
				t := tail(w, j+1)
				v = &t
			} else {
				var err error
				if v, err = next(name); err != nil {
					return err
				}
			}
			if err := p.value(o, name, v); err != nil {
				return err
			}
			break
		}
	}
	return nil
}

// long reads one --option. stop reports --next: the rest is another request.
func (p *parser) long(w shell.Word, next func(string) (*shell.Word, error)) (stop bool, err error) {
	a := w.Text
	name := a[2:]
	on := true
	var v *shell.Word
	if k := strings.IndexByte(name, '='); k >= 0 {
		t := tail(w, 2+k+1)
		v = &t
		name = name[:k]
	}
	o, ok := lookupLong(name)
	if !ok && strings.HasPrefix(name, "no-") {
		if o, ok = lookupLong(name[3:]); ok && o.kind != kindBool {
			p.unknown(a, nil)
			p.note("%s: --%s cannot be turned off with --no- (curl would refuse the command)", a, o.long)
			return false, nil
		}
		on = false
	}
	if !ok && strings.HasPrefix(name, "expand-") {
		if o, ok = lookupLong(name[7:]); ok && o.kind == kindValue {
			p.note("--%s: curl would expand {{variables}} set with --variable in its value; authlab reads it as typed", name)
		}
	}
	if !ok {
		p.unknown(a, nil)
		p.note("%s is not a curl option (curl would refuse the command)", clip(a))
		return false, nil
	}
	display := "--" + name
	if v != nil {
		if o.kind != kindValue {
			p.unknown(a, nil)
			p.note("%s: --%s takes no value", clip(a), o.long)
			return false, nil
		}
		p.note("%s: --%s=VALUE is read by curl 8.16 and later only; older curl refuses it", clip(a), o.long)
		return false, p.value(o, display, v)
	}
	if o.kind == kindValue {
		if v, err = next(display); err != nil {
			return false, err
		}
		return false, p.value(o, display, v)
	}
	return p.handle(o, display, on), nil
}

// rest notes what --next left for another request.
func (p *parser) rest(name string, args []shell.Word) {
	if len(args) == 0 {
		return
	}
	var t []string
	for _, a := range args {
		t = append(t, typed(a))
	}
	p.note("%s starts another request; not imported: %s", name, clip(strings.Join(t, " ")))
}

// tail returns the part of w from byte offset k of its text on.
func tail(w shell.Word, k int) shell.Word {
	return sub(w, k, len(w.Text))
}

// sub returns the part of w between byte offsets i and j of its text. A
// variable cut in the middle becomes literal text.
func sub(w shell.Word, i, j int) shell.Word {
	var out shell.Word
	off := 0
	for _, pt := range w.Parts {
		a, b := off, off+len(pt.Text)
		off = b
		lo, hi := max(a, i), min(b, j)
		if lo >= hi {
			continue
		}
		if pt.Var != "" && lo == a && hi == b {
			out.Parts = append(out.Parts, pt)
		} else if n := len(out.Parts); n > 0 && out.Parts[n-1].Var == "" {
			out.Parts[n-1].Text += pt.Text[lo-a : hi-a]
		} else {
			out.Parts = append(out.Parts, shell.Part{Text: pt.Text[lo-a : hi-a]})
		}
		out.Text += pt.Text[lo-a : hi-a]
	}
	return out
}

// trim returns w without leading and trailing blanks.
func trim(w shell.Word) shell.Word {
	i, j := 0, len(w.Text)
	for i < j && (w.Text[i] == ' ' || w.Text[i] == '\t') {
		i++
	}
	for j > i && (w.Text[j-1] == ' ' || w.Text[j-1] == '\t') {
		j--
	}
	return sub(w, i, j)
}

// ref returns the value to store for a credential typed as w: env:NAME for a
// word that is exactly one variable, else its text. isVar reports the
// first, mixed that w holds variables among other text (kept as text).
func ref(w shell.Word) (value string, isVar, mixed bool) {
	if name, ok := w.OnlyVar(); ok && isEnvName(name) {
		return profiles.PrefixEnv + name, true, false
	}
	return w.Text, false, !w.IsLiteral()
}

func isEnvName(s string) bool { return shell.IsName(s) }

// checkRefs refuses an import whose values read as malformed references
// (profiles.CheckRef): -u 'bob:env:T}$(touch pwned)' would otherwise
// become a reference that an export writes as ${T}$(touch pwned)}.
func checkRefs(p profiles.Profile) error {
	names := make([]string, 0, len(p.Fields))
	for k := range p.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if err := profiles.CheckRef(p.Fields[k]); err != nil {
			return fmt.Errorf("cannot import the %s: %w", k, err)
		}
	}
	if err := profiles.CheckRef(p.TLS.KeyPassword); err != nil {
		return fmt.Errorf("cannot import the key passphrase: %w", err)
	}
	return nil
}

// handle applies an option that takes no argument; stop reports --next.
func (p *parser) handle(o option, name string, on bool) (stop bool) {
	switch o.long {
	case "head":
		p.head = on
	case "get":
		p.get = on
	case "basic", "digest":
		if on {
			p.auth, p.authFrom = o.long, name
		}
	case "anyauth":
		p.auth, p.authFrom = "anyauth", name
	case "ntlm", "ntlm-wb", "negotiate":
		p.unknown(name, nil)
		if on {
			p.auth, p.authFrom = o.long, name
		}
	case "insecure":
		p.tls.Insecure = on
	case "location":
		p.follow = on
		if !on {
			p.trusted = false
		}
	case "location-trusted":
		p.follow, p.trusted = on, on
	case "globoff":
		p.globoff = on
		p.ignored(name, nil, "authlab never expands {…} or […] in a URL")
	case "compressed":
		p.ignored(name, nil, "Go asks for gzip and decompresses the answer itself")
	case "next":
		return true
	case "help", "manual", "version":
		p.ignored(name, nil, "curl prints its own help or version; nothing is sent")
	case "disable":
		p.ignored(name, nil, "skips curl's .curlrc; authlab reads none")
	case "http1.0", "http1.1", "http2", "http2-prior-knowledge", "http3", "http3-only":
		p.ignored(name, nil, "Go negotiates the HTTP version (HTTP/1.1 or HTTP/2)")
	default:
		if why, ok := outputOnly[o.long]; ok {
			p.ignored(name, nil, why)
			return false
		}
		p.unknown(name, nil)
	}
	return false
}

// outputOnly are the options that change only what curl prints or writes,
// not what it sends, with why authlab does not need them.
var outputOnly = map[string]string{
	"silent":             "changes only what curl prints",
	"show-error":         "changes only what curl prints",
	"verbose":            "changes only what curl prints (authlab: send -v, --trace)",
	"progress-bar":       "changes only what curl prints",
	"progress-meter":     "changes only what curl prints",
	"styled-output":      "changes only what curl prints",
	"buffer":             "changes only how curl writes its output",
	"trace":              "curl's own trace file (authlab: send --trace)",
	"trace-ascii":        "curl's own trace file (authlab: send --trace)",
	"trace-time":         "changes only what curl prints",
	"trace-ids":          "changes only what curl prints",
	"trace-config":       "changes only what curl prints",
	"stderr":             "changes only where curl prints",
	"libcurl":            "writes C source for the command; nothing to import",
	"include":            "authlab always shows the response headers",
	"show-headers":       "authlab always shows the response headers",
	"dump-header":        "authlab always shows the response headers",
	"output":             "curl writes the body to a file; authlab shows it",
	"output-dir":         "curl writes the body to a file; authlab shows it",
	"out-null":           "curl discards the body; authlab shows it",
	"remote-name":        "curl writes the body to a file; authlab shows it",
	"remote-name-all":    "curl writes the body to a file; authlab shows it",
	"remote-header-name": "curl writes the body to a file; authlab shows it",
	"remote-time":        "curl writes the body to a file; authlab shows it",
	"create-dirs":        "curl writes the body to a file; authlab shows it",
	"create-file-mode":   "curl writes the body to a file; authlab shows it",
	"clobber":            "curl writes the body to a file; authlab shows it",
	"skip-existing":      "curl writes the body to a file; authlab shows it",
	"remove-on-error":    "curl writes the body to a file; authlab shows it",
	"xattr":              "curl writes the body to a file; authlab shows it",
	"write-out":          "curl's report format; authlab shows status and timing itself",
	"cookie-jar":         "curl saves the cookies it gets to a file; authlab shows them and keeps none",
	"etag-save":          "curl saves the ETag it gets to a file; authlab shows it",
	"fail":               "changes only curl's exit code; authlab's follows the status (4 for 4xx)",
	"fail-with-body":     "changes only curl's exit code; authlab's follows the status (4 for 4xx)",
	"fail-early":         "changes only curl's exit code",
}

// value applies an option that takes an argument.
func (p *parser) value(o option, name string, v *shell.Word) error {
	switch o.long {
	case "request":
		p.method, p.methodFrom, p.methodVars = v.Text, name, !v.IsLiteral()
	case "url":
		p.urls = append(p.urls, *v)
	case "header":
		p.headers = append(p.headers, *v)
		p.headersFrom = append(p.headersFrom, name)
	case "user-agent":
		p.agent = v
	case "referer":
		p.referer = v
	case "cookie":
		if !strings.Contains(v.Text, "=") {
			p.unknown(name, v)
			p.note("%s %s reads cookies from a file, which is not imported: pass them as -H 'Cookie: name=value'", name, typed(*v))
			return nil
		}
		p.cookies = append(p.cookies, *v)
	case "data", "data-ascii", "data-binary", "data-raw", "data-urlencode", "json":
		return p.addData(o.long, name, *v)
	case "url-query":
		return p.addQuery(name, *v)
	case "form", "form-string":
		return p.addForm(o.long == "form-string", name, *v)
	case "upload-file":
		p.upload, p.uploadFrom = v, name
	case "user":
		p.user, p.userFrom = v, name
	case "oauth2-bearer":
		p.bearer, p.bearerFrom = v, name
	case "aws-sigv4":
		p.sigv4 = v
	case "cacert":
		p.tls.CACert = v.Text
	case "cert":
		file, at := splitCert(v.Text)
		p.tls.Cert, p.certFrom = file, name
		if at >= 0 {
			pw := tail(*v, at)
			p.certPass = &pw
		}
	case "key":
		p.tls.Key = v.Text
	case "pass":
		p.keyPass, p.passFrom = v, name
	case "cert-type", "key-type":
		if !strings.EqualFold(v.Text, "PEM") {
			p.unknown(name, v)
			p.note("%s %s: authlab reads PEM certificates and keys only; convert it with openssl", name, typed(*v))
			return nil
		}
		p.ignored(name, v, "PEM is what authlab reads anyway")
	case "max-time":
		p.timeout, p.timeoutFrom = v.Text, name
	case "connect-timeout":
		p.ignored(name, v, "authlab has one timeout for the whole exchange (-m)")
	case "max-redirs":
		p.ignored(name, v, fmt.Sprintf("authlab follows at most %d redirects", authn.DefaultMaxRedirects))
	case "proto-default":
		p.protoDefault = v.Text
	case "config":
		p.unknown(name, v)
		p.note("%s %s reads more options from a file, which is not imported", name, typed(*v))
	case "netrc-file":
		p.unknown(name, v)
		p.note("%s: credentials from a netrc file are not imported: pass them with -u", name)
	default:
		if why, ok := outputOnly[o.long]; ok {
			p.ignored(name, v, why)
			return nil
		}
		p.unknown(name, v)
	}
	return nil
}

// splitCert splits --cert FILE[:PASSWORD] as curl's parse_cert_parameter
// does ("\:" and "\\" escape; a pkcs11: URI is taken whole). at is the
// offset of the password in s, -1 when there is none.
func splitCert(s string) (file string, at int) {
	if strings.HasPrefix(strings.ToLower(s), "pkcs11:") || !strings.ContainsAny(s, `:\`) {
		return s, -1
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == ':'):
			b.WriteByte(s[i+1])
			i++
		case c == ':':
			if i+1 == len(s) {
				return b.String(), -1
			}
			return b.String(), i + 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), -1
}

// clip shortens s for a one-line message.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// oneLineError returns err with its message on one line.
func oneLineError(err error) error {
	if msg := oneLine(err.Error()); msg != err.Error() {
		return errors.New(msg)
	}
	return err
}

// oneLine replaces line breaks and other control characters in a message
// with Go escapes, so every message is one line.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			q := fmt.Sprintf("%q", string(r))
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
