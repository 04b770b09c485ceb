package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// The file format is documented in FORMAT.md. Reading decodes into fileDoc
// (strictly, so that go-toml tells whether there are keys this version does
// not know) and, only when there are, a second time into a generic map from
// which the unknown keys are kept, so that a file written by a newer authlab
// or extended by hand loses nothing when this version saves it.

type fileDoc struct {
	Version     *int64            `toml:"version"`
	Description string            `toml:"description"`
	Method      string            `toml:"method"`
	URL         string            `toml:"url"`
	Scheme      string            `toml:"scheme"`
	Body        string            `toml:"body"`
	BodyFile    string            `toml:"body_file"`
	Timeout     duration          `toml:"timeout"`
	Follow      bool              `toml:"follow"`
	Header      []fileHeader      `toml:"header"`
	Fields      map[string]string `toml:"fields"`
	TLS         fileTLS           `toml:"tls"`
	Vars        map[string]any    `toml:"vars"`
}

type fileHeader struct {
	Name  string `toml:"name,omitempty"`
	Value string `toml:"value,omitempty"`
}

type fileTLS struct {
	Insecure bool   `toml:"insecure,omitempty"`
	CACert   string `toml:"cacert,omitempty"`
	Cert     string `toml:"cert,omitempty"`
	Key      string `toml:"key,omitempty"`
	// KeyPassword is last so files written before it existed keep their
	// key order.
	KeyPassword string `toml:"key_password,omitempty"`
}

// duration reads "30s"; go-toml reports an error from UnmarshalText with the
// line and column of the value.
type duration time.Duration

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("timeout %q is not a duration: write it like \"30s\" or \"1m30s\"", b)
	}
	if v < 0 {
		return fmt.Errorf("timeout %q is negative", b)
	}
	*d = duration(v)
	return nil
}

// The keys this version knows, per table.
var (
	knownTop    = map[string]bool{"version": true, "description": true, "method": true, "url": true, "scheme": true, "body": true, "body_file": true, "timeout": true, "follow": true, "header": true, "fields": true, "tls": true, "vars": true}
	knownHeader = map[string]bool{"name": true, "value": true}
	knownTLS    = map[string]bool{"insecure": true, "cacert": true, "cert": true, "key": true, "key_password": true}
)

// unknownKeys holds what a file contained that this version does not know.
// It is never changed after decoding, so Profiles may share it.
type unknownKeys struct {
	top     map[string]any
	tls     map[string]any
	headers []map[string]any // by index of Profile.Headers
}

func (u *unknownKeys) empty() bool {
	if u == nil {
		return true
	}
	for _, h := range u.headers {
		if len(h) > 0 {
			return false
		}
	}
	return len(u.top) == 0 && len(u.tls) == 0
}

// decodeProfile parses a profile file. The returned profile has no Name.
func decodeProfile(path string, data []byte) (*Profile, *ParseError) {
	var doc fileDoc
	hasUnknown, perr := decodeStrict(path, data, &doc, func() *int64 { return doc.Version }, "a profile")
	if perr != nil {
		return nil, perr
	}
	if doc.Body != "" && doc.BodyFile != "" {
		return nil, &ParseError{Path: path, Line: lineOf(data, "body_file"), Column: 1, Msg: "body and body_file are both set: keep the one to send (body_file is read when the request is sent)"}
	}
	p := &Profile{
		Description: doc.Description,
		Method:      doc.Method,
		URL:         doc.URL,
		Body:        doc.Body,
		BodyFile:    doc.BodyFile,
		Scheme:      doc.Scheme,
		Timeout:     time.Duration(doc.Timeout),
		Follow:      doc.Follow,
		TLS:         TLS(doc.TLS),
	}
	for _, h := range doc.Header {
		p.Headers = append(p.Headers, Header(h))
	}
	for k, v := range doc.Fields {
		if v == "" {
			continue
		}
		if p.Fields == nil {
			p.Fields = make(map[string]string, len(doc.Fields))
		}
		p.Fields[k] = v
	}
	vars, perr := decodeVars(path, data, doc.Vars)
	if perr != nil {
		return nil, perr
	}
	p.Vars = vars
	if perr := checkRefs(path, data, p); perr != nil {
		return nil, perr
	}
	if hasUnknown {
		var all map[string]any
		if err := toml.Unmarshal(data, &all); err != nil {
			return nil, decodeParseError(path, err)
		}
		p.unknown = collectUnknown(all, len(p.Headers))
	}
	return p, nil
}

// checkRefs refuses a malformed reference in a field or the key
// passphrase (CheckRef): env:NAME must name a portable variable, so that
// an export can write it as ${NAME} without running anything.
func checkRefs(path string, data []byte, p *Profile) *ParseError {
	keys := make([]string, 0, len(p.Fields))
	for k := range p.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := CheckRef(p.Fields[k]); err != nil {
			return &ParseError{Path: path, Line: lineIn(data, "fields", k), Column: 1, Msg: fmt.Sprintf("field %s: %v", k, err)}
		}
	}
	if err := CheckRef(p.TLS.KeyPassword); err != nil {
		return &ParseError{Path: path, Line: lineIn(data, "tls", "key_password"), Column: 1, Msg: fmt.Sprintf("tls.key_password: %v", err)}
	}
	return nil
}

// lineIn returns the 1-based line on which key of table is set (as
// "[table]" then "key = …", or "table.key = …"), or 0.
func lineIn(data []byte, table, key string) int { return keyLines(data, table)[key] }

// decodeStrict decodes a versioned file (a profile, an environment) into
// doc, reports whether it held keys this version does not know, and checks
// its format version (version reads doc's after decoding; what names the
// kind of file in the message).
func decodeStrict(path string, data []byte, doc any, version func() *int64, what string) (hasUnknown bool, perr *ParseError) {
	err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(doc)
	var strictErr *toml.StrictMissingError
	hasUnknown = errors.As(err, &strictErr)
	if err != nil && !hasUnknown {
		// A newer authlab may have changed what a key holds; say that
		// rather than the type error it causes here.
		if v, ok := peekVersion(data); ok && v > FormatVersion {
			return false, newerError(path, v)
		}
		return false, decodeParseError(path, err)
	}
	v := int64(FormatVersion)
	if p := version(); p != nil {
		v = *p
	}
	switch {
	case v > FormatVersion:
		return false, newerError(path, v)
	case v < 1:
		return false, &ParseError{Path: path, Line: lineOf(data, "version"), Column: 1, Msg: fmt.Sprintf("version %d is not %s format version (this authlab writes %d)", v, what, FormatVersion)}
	}
	return hasUnknown, nil
}

func newerError(path string, v int64) *ParseError {
	return &ParseError{Path: path, Msg: fmt.Sprintf("written by a newer authlab (format version %d; this one reads up to %d): upgrade authlab to use it", v, FormatVersion)}
}

// peekVersion reads only the version key, ignoring everything else.
func peekVersion(data []byte) (int64, bool) {
	var v struct {
		Version int64 `toml:"version"`
	}
	if toml.Unmarshal(data, &v) != nil {
		return 0, false
	}
	return v.Version, true
}

func decodeParseError(path string, err error) *ParseError {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if k := de.Key(); len(k) > 0 {
			msg += fmt.Sprintf(" (key %s)", strings.Join(k, "."))
		}
		return &ParseError{Path: path, Line: line, Column: col, Msg: msg}
	}
	return &ParseError{Path: path, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
}

// lineOf returns the 1-based line on which a top-level key is set, or 0.
func lineOf(data []byte, key string) int {
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[") {
			return 0
		}
		if rest, ok := strings.CutPrefix(t, key); ok && strings.HasPrefix(strings.TrimSpace(rest), "=") {
			return i + 1
		}
	}
	return 0
}

func collectUnknown(all map[string]any, nHeaders int) *unknownKeys {
	u := &unknownKeys{}
	for k, v := range all {
		if !isKnown(knownTop, k) {
			if u.top == nil {
				u.top = map[string]any{}
			}
			u.top[k] = v
		}
	}
	if t, ok := all["tls"].(map[string]any); ok {
		u.tls = unknownIn(t, knownTLS)
	}
	if hs, ok := all["header"].([]any); ok && len(hs) == nHeaders {
		for i, h := range hs {
			m, _ := h.(map[string]any)
			if extra := unknownIn(m, knownHeader); extra != nil {
				if u.headers == nil {
					u.headers = make([]map[string]any, nHeaders)
				}
				u.headers[i] = extra
			}
		}
	}
	if u.empty() {
		return nil
	}
	return u
}

// isKnown matches a key the way go-toml matches struct fields: exactly or,
// failing that, without regard to case. A key that go-toml decoded into a
// known field must not also be kept as unknown, or it would be written twice.
func isKnown(known map[string]bool, k string) bool {
	return known[k] || known[strings.ToLower(k)]
}

func unknownIn(m map[string]any, known map[string]bool) map[string]any {
	var out map[string]any
	for k, v := range m {
		if !isKnown(known, k) {
			if out == nil {
				out = map[string]any{}
			}
			out[k] = v
		}
	}
	return out
}

// topOut and topOutML differ only in how body is written: a body with line
// breaks is written as a multi-line string so the file stays readable.
type topOut struct {
	Version     int    `toml:"version"`
	Description string `toml:"description,omitempty"`
	Method      string `toml:"method,omitempty"`
	URL         string `toml:"url,omitempty"`
	Scheme      string `toml:"scheme,omitempty"`
	Body        string `toml:"body,omitempty"`
	BodyFile    string `toml:"body_file,omitempty"`
	Timeout     string `toml:"timeout,omitempty"`
	Follow      bool   `toml:"follow,omitempty"`
}

type topOutML struct {
	Version     int    `toml:"version"`
	Description string `toml:"description,omitempty"`
	Method      string `toml:"method,omitempty"`
	URL         string `toml:"url,omitempty"`
	Scheme      string `toml:"scheme,omitempty"`
	Body        string `toml:"body,multiline,omitempty"`
	BodyFile    string `toml:"body_file,omitempty"`
	Timeout     string `toml:"timeout,omitempty"`
	Follow      bool   `toml:"follow,omitempty"`
}

// encodeProfile writes p in the documented order: top-level keys, unknown
// top-level keys, [[header]], [fields], [tls], unknown tables. Empty values
// are left out; map keys are sorted, so the same profile always gives the
// same bytes. The result is decoded again and compared, so a value that does
// not survive the trip is an error rather than a silently changed file.
func encodeProfile(p Profile) ([]byte, error) {
	var b bytes.Buffer
	top := topOut{
		Version: FormatVersion, Description: p.Description, Method: p.Method, URL: p.URL,
		Scheme: p.Scheme, Body: p.Body, BodyFile: p.BodyFile, Follow: p.Follow,
	}
	if p.Timeout != 0 {
		top.Timeout = p.Timeout.String()
	}
	var err error
	if strings.Contains(p.Body, "\n") {
		err = marshalTo(&b, topOutML(top), false)
	} else {
		err = marshalTo(&b, top, false)
	}
	if err != nil {
		return nil, err
	}
	u := p.unknown
	if u == nil {
		u = &unknownKeys{}
	}
	scalars, tables := splitTables(u.top)
	if err := marshalTo(&b, scalars, true); err != nil {
		return nil, err
	}
	for i, h := range p.Headers {
		b.WriteString("\n[[header]]\n")
		if err := marshalTo(&b, fileHeader(h), false); err != nil {
			return nil, err
		}
		if i < len(u.headers) {
			if err := marshalTo(&b, u.headers[i], true); err != nil {
				return nil, err
			}
		}
	}
	fields := map[string]string{}
	for k, v := range p.Fields {
		if v != "" {
			fields[k] = v
		}
	}
	if len(fields) > 0 {
		b.WriteString("\n[fields]\n")
		if err := marshalTo(&b, fields, false); err != nil {
			return nil, err
		}
	}
	if p.TLS != (TLS{}) || len(u.tls) > 0 {
		b.WriteString("\n[tls]\n")
		if err := marshalTo(&b, fileTLS(p.TLS), false); err != nil {
			return nil, err
		}
		if err := marshalTo(&b, u.tls, true); err != nil {
			return nil, err
		}
	}
	if err := encodeVars(&b, p.Vars); err != nil {
		return nil, err
	}
	if len(tables) > 0 {
		b.WriteString("\n")
		if err := marshalTo(&b, tables, false); err != nil {
			return nil, err
		}
	}
	out := b.Bytes()
	back, perr := decodeProfile("", out)
	if perr != nil {
		return nil, fmt.Errorf("internal error: the encoded profile does not parse (%s); nothing was written", perr.Msg)
	}
	back.Name = p.Name
	if !reflect.DeepEqual(normalized(*back), normalized(p)) {
		return nil, errors.New("internal error: the encoded profile does not read back the same; nothing was written")
	}
	return out, nil
}

// normalized returns p without its unknown keys and with empty fields and
// an empty header list normalised, as they are on disk.
func normalized(p Profile) Profile {
	p.unknown = nil
	p.Source = nil // where it was loaded from is not in the file
	f := maps.Clone(p.Fields)
	maps.DeleteFunc(f, func(_, v string) bool { return v == "" })
	if len(f) == 0 {
		f = nil
	}
	p.Fields = f
	if len(p.Headers) == 0 {
		p.Headers = nil
	}
	if len(p.Vars) == 0 {
		p.Vars = nil
	}
	return p
}

// marshalTo appends v in TOML. inline writes tables as inline tables, which
// is how unknown values inside a known table are kept: a header such as
// [tls.x] cannot follow the known keys of [tls] without ending it.
func marshalTo(b *bytes.Buffer, v any, inline bool) error {
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return nil
	}
	enc := toml.NewEncoder(b)
	enc.SetTablesInline(inline)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("cannot write the profile: %w", err)
	}
	return nil
}

// splitTables separates unknown top-level values that TOML writes as
// [table] or [[array of tables]] from those written as key = value, which
// must come before the first table header.
func splitTables(m map[string]any) (scalars, tables map[string]any) {
	scalars, tables = map[string]any{}, map[string]any{}
	for k, v := range m {
		if isTable(v) {
			tables[k] = v
		} else {
			scalars[k] = v
		}
	}
	return scalars, tables
}

func isTable(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		return true
	case []any:
		if len(v) == 0 {
			return false
		}
		for _, e := range v {
			if _, ok := e.(map[string]any); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// Parse reads the text of a profile file written somewhere else than the
// profiles folder (a lesson's request, FORMAT.md's syntax): the same
// strict decoding as Load, with errors naming path and line. The profile
// has no Name and no Source; a caller whose text is someone else's sets
// Source so its references stay unread until trusted.
func Parse(path string, data []byte) (*Profile, error) {
	p, perr := decodeProfile(path, data)
	if perr != nil {
		return nil, perr
	}
	return p, nil
}
