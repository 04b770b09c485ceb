package curl

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/authlab/authlab/convert/shell"
)

// fileRefused is the error for an option that would read a local file
// into a part of the request other than the whole body: the import never
// reads files (Options).
func fileRefused(opt, file, fix string) error {
	return fmt.Errorf("%s reads the local file %q into the request, and authlab never reads a file named by an imported command: %s", opt, clip(file), fix)
}

// stdinRefused is the error for an option that reads standard input, which
// a saved request does not have when it is sent.
func stdinRefused(opt, name string) error {
	return fmt.Errorf("%s reads standard input, which authlab does not have when it sends the request: save it to a file and use %s @FILE", opt, name)
}

// addData applies -d, --data-ascii, --data-binary, --data-raw,
// --data-urlencode and --json, as curl's set_data does: each piece is
// appended to the body, after a "&" when the body is not empty, except that
// --json pieces are appended as they are. -d @FILE (and --data-ascii) reads
// the file without its CR and LF bytes, up to a NUL; --data-binary and
// --json read it as it is; --data-raw takes @ literally.
func (p *parser) addData(kind, name string, w shell.Word) error {
	var piece []byte
	t := w.Text
	switch {
	case kind == "data-urlencode":
		b, err := p.urlencode(name, w)
		if err != nil {
			return err
		}
		piece = b
	case strings.HasPrefix(t, "@") && kind != "data-raw":
		file := t[1:]
		if file == "-" {
			return stdinRefused(name+" @-", name)
		}
		if p.hasData {
			return fileRefused(name+" "+t, file, "a body file is sent whole, without other data; put all of the body in the file, or paste its content")
		}
		p.dataFile = file
		p.hasData, p.dataFrom = true, name
		if kind == "json" {
			p.jsoned = true
		}
		p.note("%s %s: the file is kept as a reference (body_file), read when the request is sent, not now", name, t)
		if kind != "data-binary" && kind != "json" {
			p.note("%s %s: curl drops the file's line breaks and stops at a NUL byte; authlab sends the file as it is (as --data-binary does)", name, t)
		}
		return nil
	default:
		piece = []byte(t)
		p.varsKept(name, w, "the body")
	}
	if kind == "json" {
		p.jsoned = true
	}
	if p.dataFile != "" {
		return fileRefused(p.dataFrom+" @"+p.dataFile, p.dataFile, "a body file is sent whole, without other data ("+name+" adds some); put all of the body in the file, or paste its content")
	}
	if len(p.data) > 0 && kind != "json" {
		p.data = append(p.data, '&')
	}
	p.data = append(p.data, piece...)
	p.hasData = true
	if p.dataFrom == "" {
		p.dataFrom = name
	}
	return nil
}

// varsKept notes the shell variables of w, in a place where authlab keeps
// them as text.
func (p *parser) varsKept(name string, w shell.Word, where string) {
	if vs := w.Vars(); len(vs) > 0 {
		p.note("%s: $%s is kept as text in %s: authlab does not expand shell variables there; put in the value", name, strings.Join(vs, ", $"), where)
	}
}

// urlencode reads a --data-urlencode (or --url-query) argument in its five
// forms, as curl's data_urlencode does: "content", "=content",
// "name=content", "@file", "name@file". The content (or the file's bytes)
// is percent-encoded and a space becomes "+"; a name is kept as it is.
func (p *parser) urlencode(opt string, w shell.Word) ([]byte, error) {
	t := w.Text
	k := strings.IndexByte(t, '=')
	if k < 0 {
		k = strings.IndexByte(t, '@')
	}
	name, content, sep := "", t, byte(0)
	if k >= 0 {
		name, content, sep = t[:k], t[k+1:], t[k]
	}
	raw := []byte(content)
	if sep == '@' {
		if content == "-" {
			return nil, stdinRefused(opt+" "+t, "--data-binary")
		}
		return nil, fileRefused(opt+" "+t, content, "paste the content to encode instead ("+opt+" "+name+"=CONTENT)")
	} else {
		p.varsKept(opt, w, "the encoded value")
	}
	enc := strings.ReplaceAll(escape(raw), "%20", "+")
	if name != "" {
		return []byte(name + "=" + enc), nil
	}
	return []byte(enc), nil
}

// escape percent-encodes every byte but the unreserved characters of RFC
// 3986 §2.3, upper-case hex, as curl_easy_escape does.
func escape(b []byte) string {
	const hexdig = "0123456789ABCDEF"
	var out strings.Builder
	for _, c := range b {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			out.WriteByte(c)
			continue
		}
		out.WriteByte('%')
		out.WriteByte(hexdig[c>>4])
		out.WriteByte(hexdig[c&15])
	}
	return out.String()
}

// addQuery applies --url-query (curl 7.87): "+" first takes the rest as it
// is, anything else is read as --data-urlencode reads it.
func (p *parser) addQuery(name string, w shell.Word) error {
	if rest, ok := strings.CutPrefix(w.Text, "+"); ok {
		p.query = append(p.query, rest)
		p.varsKept(name, w, "the query")
		return nil
	}
	b, err := p.urlencode(name, w)
	if err != nil {
		return err
	}
	p.query = append(p.query, string(b))
	return nil
}

// formPart is one text field of a -F multipart body.
type formPart struct {
	name, value, ctype string
}

// addForm applies -F and --form-string: name=value text fields (with
// ;type=), name=<file for a field read from a file; name=@file uploads are
// not imported (the body is dropped, with a note).
func (p *parser) addForm(literal bool, name string, w shell.Word) error {
	t := w.Text
	k := strings.IndexByte(t, '=')
	if k < 0 {
		return fmt.Errorf("%s %s: write a form field as name=value (curl: \"Illegally formatted input field\")", name, clip(shell.Quote(t)))
	}
	if p.formFrom == "" {
		p.formFrom = name
	}
	field, rest := t[:k], t[k+1:]
	p.varsKept(name, w, "the form field")
	if literal {
		p.form = append(p.form, formPart{name: field, value: rest})
		return nil
	}
	switch {
	case strings.HasPrefix(rest, "@"):
		p.formFile = true
		p.note("%s %s: file uploads are not imported; the body was dropped", name, clip(shell.Quote(t)))
		return nil
	case strings.HasPrefix(rest, "<"):
		file, _ := cutParam(rest[1:])
		return fileRefused(name+" "+t, file, "paste the field's content instead ("+name+" "+field+"=CONTENT)")
	}
	value, params := formValue(rest)
	part := formPart{name: field, value: value}
	p.formParams(name, &part, params)
	p.form = append(p.form, part)
	return nil
}

// formValue reads a -F value: a "quoted string" (with \" and \\) or the text
// up to the first ';', and the parameters after it.
func formValue(s string) (value, params string) {
	if !strings.HasPrefix(s, `"`) {
		return cutParam(s)
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		case c == '"':
			_, params := cutParam(s[i+1:])
			return b.String(), params
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

// cutParam splits s at its first ';'.
func cutParam(s string) (before, params string) {
	before, params, _ = strings.Cut(s, ";")
	return before, params
}

// formParams applies a -F field's ;type= and notes the parameters authlab
// does not carry.
func (p *parser) formParams(opt string, part *formPart, params string) {
	for params != "" {
		var one string
		one, params = cutParam(params)
		one = strings.TrimLeft(one, " \t")
		key, val, _ := strings.Cut(one, "=")
		switch strings.ToLower(key) {
		case "type":
			part.ctype, _ = formValue(val)
			if strings.ContainsFunc(part.ctype, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				p.note("%s %s: the ;type= holds a control character; it was dropped", opt, part.name)
				part.ctype = ""
			}
		case "filename", "headers", "encoder":
			p.note("%s %s: ;%s= is not imported", opt, part.name, strings.ToLower(key))
		case "":
		default:
			p.note("%s %s: curl skips the unknown form parameter %q, and so does the import", opt, part.name, one)
		}
	}
}

// multipart writes text fields as a multipart/form-data body (RFC 7578), as
// curl lays it out, with a boundary derived from the content so the same
// command always gives the same body. Field names have ", CR and LF
// percent-encoded, as curl (and HTML) does.
func multipart(parts []formPart) (body []byte, contentType string) {
	h := sha256.New()
	for _, pt := range parts {
		fmt.Fprintf(h, "%q%q%q", pt.name, pt.value, pt.ctype)
	}
	sum := h.Sum(nil)
	boundary := ""
	for n := 0; ; n++ {
		boundary = "------------------------authlab" + hex.EncodeToString(sum[:8])
		clash := false
		for _, pt := range parts {
			clash = clash || strings.Contains(pt.value, boundary)
		}
		if !clash {
			break
		}
		next := sha256.Sum256(append(sum, byte(n)))
		sum = next[:]
	}
	esc := strings.NewReplacer(`"`, "%22", "\r", "%0D", "\n", "%0A")
	var b bytes.Buffer
	for _, pt := range parts {
		fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n", boundary, esc.Replace(pt.name))
		if pt.ctype != "" {
			fmt.Fprintf(&b, "Content-Type: %s\r\n", pt.ctype)
		}
		fmt.Fprintf(&b, "\r\n%s\r\n", pt.value)
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes(), "multipart/form-data; boundary=" + boundary
}
