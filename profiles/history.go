package profiles

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/authlab/authlab/authn"
)

// DefaultMaxHistory is how many records History keeps when Max is 0.
const DefaultMaxHistory = 1000

// minRecordLine is a lower bound of the length of one encoded Record line
// (the shortest, all empty, is 68 bytes). A file smaller than Max times this
// cannot hold more than Max records, so Append counts lines only past it.
const minRecordLine = 64

// Record is one request sent, as kept in the history file (JSON Lines). It
// never holds a secret: URL is masked by the caller (NewRecord does it), and
// Append strips any user:password@ that slipped through.
type Record struct {
	Time       time.Time `json:"time"`
	Profile    string    `json:"profile,omitempty"`
	Method     string    `json:"method"`
	URL        string    `json:"url"` // credentials masked
	Status     int       `json:"status,omitempty"`
	DurationMS float64   `json:"duration_ms"`
	Hints      []string  `json:"hints,omitempty"`
	Error      string    `json:"error,omitempty"`
	Scheme     string    `json:"scheme,omitempty"`
	// Env is the environment the request's {{variables}} came from
	// (--env), "" when none was chosen.
	Env string `json:"env,omitempty"`

	// The request as the user wrote it, for reopening it (issue 15, item
	// 16), without its secrets. Records written before these fields existed
	// parse with them empty.

	// RequestURL is the URL before the scheme added credentials to it (an
	// API key in the query), when it differs from URL; userinfo stripped,
	// secret values masked.
	RequestURL string `json:"request_url,omitempty"`
	// Headers are the request's headers in order; a credential header's
	// value is masked (authn.MaskHeaderValue), and every known secret value
	// in the others too.
	Headers []Header `json:"headers,omitempty"`
	// Body is the request body with every known secret value masked, and
	// the values of form or JSON parameters that name a secret.
	Body string `json:"body,omitempty"`
	// Fields are the scheme's fields: non-secret values as given (masked
	// where they hold a secret value), secret fields only as the reference
	// the request had (env:NAME, file:PATH, keyring:NAME, prompt); a literal
	// secret is left out and its name listed in Omitted.
	Fields map[string]string `json:"fields,omitempty"`
	// Omitted names the secret fields and headers left out or masked, which
	// the user fills in again after reopening.
	Omitted []string `json:"omitted,omitempty"`
}

// Request returns the record as a profile to reopen: method, URL (as the
// user wrote it), headers, body, scheme and fields, secrets not included.
// Masked header values are left out, so a reopened request never sends a
// mask; the header's name stays, empty, for the user to fill in.
func (r Record) Request() Profile {
	p := Profile{Name: r.Profile, Method: r.Method, URL: r.URL, Body: r.Body, Scheme: r.Scheme}
	if r.RequestURL != "" {
		p.URL = r.RequestURL
	}
	for _, h := range r.Headers {
		if strings.Contains(h.Value, authn.MaskRune) && secretHeader(h.Name) {
			h.Value = ""
		}
		p.Headers = append(p.Headers, h)
	}
	if len(r.Fields) > 0 {
		p.Fields = make(map[string]string, len(r.Fields))
		maps.Copy(p.Fields, r.Fields)
	}
	return p
}

// secretHeader reports whether a header's value is kept out of history: a
// credential header (authn.CredentialHeader: Authorization, Cookie,
// X-Api-Key, X-Auth-Token, Private-Token, X-Amz-Security-Token…).
func secretHeader(name string) bool { return authn.CredentialHeader(name) }

// secretName reports whether a body parameter or JSON member name says its
// value may be a secret (authn.SecretName, the wide rule: history is
// written without asking).
func secretName(name string) bool { return authn.SecretName(name) }

// History is the file of requests sent, $XDG_STATE_HOME/authlab/history.jsonl
// by default: one JSON record per line, appended, capped at Max records.
// JSON Lines because an append is one write that cannot disturb the records
// before it, and a line torn by a crash costs only that line.
type History struct {
	Path string
	Max  int // records kept; 0 means DefaultMaxHistory
}

// DefaultHistoryPath returns $XDG_STATE_HOME/authlab/history.jsonl, or
// $HOME/.local/state/authlab/history.jsonl (a relative XDG_STATE_HOME is
// ignored, as the XDG Base Directory spec asks).
func DefaultHistoryPath(lookupEnv func(string) (string, bool)) (string, error) {
	base, err := xdgDir(lookupEnv, "XDG_STATE_HOME", filepath.Join(".local", "state"))
	if err != nil {
		return "", fmt.Errorf("cannot find the history file: %w", err)
	}
	return filepath.Join(base, "authlab", "history.jsonl"), nil
}

func (h History) max() int {
	if h.Max > 0 {
		return h.Max
	}
	return DefaultMaxHistory
}

// slack is how far past Max the file may grow before Append rewrites it, so
// that a full history is rewritten once every slack appends, not on each.
func (h History) slack() int { return max(1, h.max()/20) }

// Append adds r as one line (O_APPEND, file 0600, folder 0700). When the file
// holds more than Max records plus a small slack, it is rewritten with the
// newest Max through renameio (temporary file, fsync, rename): until the
// rename the old file stays whole, so a crash loses nothing. A lock file
// (PATH.lock) keeps two authlab processes from losing each other's records
// while one of them rewrites. A last line torn by a crash is cut off first
// (see repairTail). When the file system refuses the write (a full disk, a
// size limit, a folder that is not writable), the file is cut back to what
// it was and the error is a *WriteError saying what to do.
func (h History) Append(r Record) error {
	if h.Path == "" {
		return errors.New("no history file set")
	}
	r.URL = stripUserinfo(r.URL)
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	dir := filepath.Dir(h.Path)
	fail := func(err error) error { return orClassified("write the history", dir, historyElsewhere, err) }
	if err := mkdirPrivate(dir); err != nil {
		return fail(fmt.Errorf("cannot create the history folder: %w", err))
	}
	unlock, err := lockFile(h.Path+".lock", "the history")
	if err != nil {
		return fail(err)
	}
	defer unlock()

	f, err := openRegular(h.Path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if checkModes && fi.Mode().Perm() != 0o600 {
		if err := f.Chmod(0o600); err != nil {
			return err
		}
	}
	start, unterminated, err := repairTail(f, fi.Size())
	if err != nil {
		return fail(err)
	}
	if unterminated {
		line = append([]byte{'\n'}, line...) // a record without its newline stays
	}
	if _, err := f.Write(line); err != nil {
		// A full disk or a size limit can leave part of the line: cut the
		// file back to what it was, so no torn line is left behind.
		f.Truncate(start)
		return fail(err)
	}
	size := start + int64(len(line))
	if size <= int64(h.max()+h.slack())*minRecordLine {
		return nil
	}
	data, err := os.ReadFile(h.Path)
	if err != nil {
		return err
	}
	if bytes.Count(data, []byte{'\n'}) <= h.max()+h.slack() {
		return nil
	}
	// The record is in; only the trim failed, and the file stays whole.
	return orClassified("trim the history to its newest records", dir, historyElsewhere, h.rewrite(data))
}

// maxTail bounds how far back repairTail looks for the start of the last
// line; a record is far shorter.
const maxTail = 1 << 20

// repairTail looks at the end of the history file f of the given size. A
// last line without its newline was torn by a crash (a record is written
// with its newline in one write): when it is not a record it is cut off,
// so the file holds whole records again; when it is one (a hand edit
// without the final newline) it is kept. repairTail returns the size of
// the file after the repair and whether it still ends inside a line.
func repairTail(f *os.File, size int64) (newSize int64, unterminated bool, err error) {
	if size == 0 {
		return 0, false, nil
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, size-1); err != nil {
		return 0, false, err
	}
	if last[0] == '\n' {
		return size, false, nil // the usual case: one byte read
	}
	n := min(size, maxTail)
	tail := make([]byte, n)
	if _, err := f.ReadAt(tail, size-n); err != nil {
		return 0, false, err
	}
	i := bytes.LastIndexByte(tail, '\n')
	if i < 0 && n < size {
		return size, true, nil // a last line longer than maxTail: leave it
	}
	var r Record
	if json.Unmarshal(tail[i+1:], &r) == nil {
		return size, true, nil
	}
	cut := size - n + int64(i+1)
	if err := f.Truncate(cut); err != nil {
		return 0, false, err
	}
	return cut, false, nil
}

// rewrite replaces the file with the newest Max valid records of data.
func (h History) rewrite(data []byte) error {
	removeStaleTemps(h.Path) // left by a crash during an earlier rewrite
	recs, _ := parseRecords(data)
	if n := h.max(); len(recs) > n {
		recs = recs[len(recs)-n:]
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return writeAtomic(h.Path, b.Bytes())
}

// Read returns the newest Max records, oldest first. Lines that are not
// records (a line torn by a crash, a hand edit) are skipped, not an error; a
// missing file is an empty history.
func (h History) Read() ([]Record, error) {
	recs, _, err := h.ReadSkipped()
	return recs, err
}

// ReadSkipped is Read that also says how many lines it skipped.
func (h History) ReadSkipped() (recs []Record, skipped int, err error) {
	data, err := readRegular(h.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return []Record{}, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("cannot read the history: %w", err)
	}
	recs, skipped = parseRecords(data)
	if n := h.max(); len(recs) > n {
		recs = recs[len(recs)-n:]
	}
	return recs, skipped, nil
}

func parseRecords(data []byte) (recs []Record, skipped int) {
	recs = []Record{}
	for line := range bytes.SplitSeq(data, []byte{'\n'}) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r Record
		if err := json.Unmarshal(line, &r); err != nil {
			skipped++
			continue
		}
		recs = append(recs, r)
	}
	return recs, skipped
}

// mkdirPrivate creates dir and its missing parents with mode 0700.
func mkdirPrivate(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

// stripUserinfo removes "user:password@" from a URL. It also works on text
// that does not parse as a URL, since a secret must not reach the file
// either way.
func stripUserinfo(u string) string {
	if pu, err := url.Parse(u); err == nil {
		if pu.User == nil {
			return u
		}
		pu.User = nil
		return pu.String()
	}
	i := strings.Index(u, "://")
	if i < 0 {
		return u
	}
	rest := u[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
		return u[:i+3] + rest[at+1:]
	}
	return u
}

// NewRecord makes the history record of one send: the URL as first sent
// with credential parameters masked, the final status, the total time, the
// hint titles and the error; and the request description (rs.Profile:
// references unresolved, headers in order) without its secrets, for
// reopening: headers, body, the scheme's non-secret fields and its secret
// fields' references. Every secret value of the send (rs.Secrets, and what
// the engine added or received: authn.SecretsOf) is masked wherever it
// appears, in every encoding authn.Secrets.Mask knows, since server text,
// error messages and a body can hold them. The command line and the TUI
// record the same thing for the same request.
func NewRecord(res *authn.Result, err error, rs Resolved, now time.Time) Record {
	p, req := rs.Profile, rs.Request
	method := req.Method
	if method == "" {
		method = p.Method
	}
	r := Record{Time: now, Profile: p.Name, Method: method, URL: p.URL, Scheme: req.Scheme, Env: rs.Env}
	if r.Scheme == "" {
		r.Scheme = p.Scheme
	}
	scrub := rs.Secrets.Merge(authn.SecretsOf(req, res)).Mask
	if res != nil {
		// The user's request is the first exchange that is not a scheme's
		// own (an OAuth 2.0 token request comes before it).
		var own []authn.Exchange
		for _, x := range res.Exchanges {
			if x.Role != authn.RoleToken {
				own = append(own, x)
			}
		}
		if len(own) > 0 {
			first := own[0].Request
			if first.URL != nil {
				r.URL = first.DisplayURL(false)
			}
			if first.Method != "" {
				r.Method = first.Method
			}
		}
		if fin := res.Final(); fin != nil && fin.Response != nil {
			r.Status = fin.Response.Status
		}
		r.DurationMS = float64(res.Total) / float64(time.Millisecond)
		for _, hnt := range res.Hints {
			r.Hints = append(r.Hints, hnt.Title)
		}
	}
	if err != nil {
		r.Error = strings.Join(strings.Fields(err.Error()), " ")
	}
	r.URL = authn.MaskQuery(scrub(stripUserinfo(r.URL)))
	if u := authn.MaskQuery(scrub(stripUserinfo(p.URL))); u != r.URL && p.URL != "" {
		r.RequestURL = u
	}
	r.Error = scrub(r.Error)
	for i := range r.Hints {
		r.Hints[i] = scrub(r.Hints[i])
	}
	r.Headers, r.Omitted = recordHeaders(p.Headers, scrub)
	r.Body = maskBody(scrub(p.Body))
	var omitted []string
	r.Fields, omitted = recordFields(p, scrub)
	r.Omitted = append(r.Omitted, omitted...)
	slices.Sort(r.Omitted)
	return r
}

// recordHeaders returns the headers for history, in order: a secret
// header's value masked (its auth-scheme word kept), the others scrubbed;
// and the names of the masked ones.
func recordHeaders(headers []Header, scrub func(string) string) (hs []Header, masked []string) {
	for _, h := range headers {
		v := h.Value
		if secretHeader(h.Name) && v != "" {
			v = authn.MaskHeaderValue(v)
			masked = append(masked, "header "+http.CanonicalHeaderKey(h.Name))
		}
		hs = append(hs, Header{Name: h.Name, Value: scrub(v)})
	}
	slices.Sort(masked)
	return hs, slices.Compact(masked)
}

// recordFields returns the scheme's fields for history: a secret field (or
// any field of an unknown scheme, or one the scheme does not know, as
// literalSecrets has it) only as a reference, non-secret ones scrubbed; and
// the names of the secret fields left out.
func recordFields(p Profile, scrub func(string) string) (map[string]string, []string) {
	if len(p.Fields) == 0 {
		return nil, nil
	}
	info, known := schemeInfo(p)
	out := make(map[string]string, len(p.Fields))
	var omitted []string
	for k, v := range p.Fields {
		if v == "" {
			continue
		}
		f, ok := info.Field(k)
		switch {
		case known && ok && !f.Secret:
			out[k] = scrub(v)
		case IsRef(v) && !strings.ContainsAny(v, "\r\n"):
			out[k] = v
		default:
			omitted = append(omitted, k)
		}
	}
	if len(out) == 0 {
		out = nil
	}
	return out, omitted
}

// maskBody masks, in a form-encoded or JSON body, the values of parameters
// whose names say they are secrets (password=…, "client_secret": …): a body
// typed by hand can hold a secret no scheme knows of.
func maskBody(body string) string {
	t := strings.TrimSpace(body)
	if t == "" {
		return body
	}
	if t[0] == '{' || t[0] == '[' {
		return maskJSON(body)
	}
	if strings.ContainsAny(t, "\n{") || !strings.Contains(t, "=") {
		return body
	}
	parts := strings.Split(body, "&")
	for i, p := range parts {
		k, _, ok := strings.Cut(p, "=")
		if name, err := url.QueryUnescape(k); ok && err == nil && secretName(name) {
			parts[i] = k + "=" + url.QueryEscape(authn.Mask(""))
		}
	}
	return strings.Join(parts, "&")
}

// maskJSON replaces the string and number values of object members whose
// names are secret names, in place in the text (its formatting kept). A
// body that is not valid JSON is returned as is.
func maskJSON(body string) string {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	type span struct{ from, to int64 }
	var spans []span
	// stack of containers: true for an object; key says the next value
	// follows a member name.
	var stack []bool
	expectKey, secretNext := false, false
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return body
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack, expectKey = append(stack, true), true
			case '[':
				stack, expectKey = append(stack, false), false
			default:
				stack = stack[:len(stack)-1]
				expectKey = len(stack) > 0 && stack[len(stack)-1]
			}
			secretNext = false
			continue
		case string:
			if expectKey {
				secretNext, expectKey = secretName(v), false
				continue
			}
		}
		if secretNext {
			// the value starts after the separator that precedes it
			seg := body[before:dec.InputOffset()]
			off := strings.IndexAny(seg, "\"-0123456789tfn")
			if off >= 0 {
				spans = append(spans, span{before + int64(off), dec.InputOffset()})
			}
		}
		secretNext = false
		expectKey = len(stack) > 0 && stack[len(stack)-1]
	}
	var b strings.Builder
	last := int64(0)
	for _, sp := range spans {
		b.WriteString(body[last:sp.from])
		b.WriteString(`"` + authn.Mask("") + `"`)
		last = sp.to
	}
	b.WriteString(body[last:])
	return b.String()
}

// StateDir is $XDG_STATE_HOME/authlab (default
// $HOME/.local/state/authlab): history, and a student's course progress
// under learn/.
func StateDir(lookupEnv func(string) (string, bool)) (string, error) {
	base, err := xdgDir(lookupEnv, "XDG_STATE_HOME", filepath.Join(".local", "state"))
	if err != nil {
		return "", fmt.Errorf("cannot find the state folder: %w", err)
	}
	return filepath.Join(base, "authlab"), nil
}
