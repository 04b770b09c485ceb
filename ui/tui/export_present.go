package tui

import (
	crand "crypto/rand"
	"errors"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/export"
	"github.com/authlab/authlab/profiles"
)

// errPresentSigned is the export view's line, in presenter mode, for a text
// whose signed values cannot be told apart from the rest.
var errPresentSigned = errors.New("presenter mode: this text holds a request signed now, a live credential, so it is not shown · `authlab export` writes it")

// presentExport is export.Export for presenter mode (issue #16 leak 5): the
// text never shows a value that works as a credential. Secrets are
// variables already; what is left is what a target that cannot compute the
// scheme gets signed ahead (a JWT, an OAuth 1.0a signature, a SigV4
// signature) and a credential header typed as a literal.
//
// The signed values are found by writing the request twice with the same
// clock and the same random bytes: once with the secrets, once with every
// resolved value changed (a stand-in). Whatever differs between the two
// texts was computed from a secret; each such run of token characters is
// masked. When the stand-in cannot be written (a private key that no
// longer parses) or the two texts do not line up, nothing of the text is
// shown (errPresentSigned). masked reports whether anything was masked.
func presentExport(p profiles.Profile, format string, opt export.Options) (s export.Snippet, masked bool, err error) {
	at := time.Now()
	if opt.Now != nil {
		at = opt.Now()
	}
	var seed [32]byte
	crand.Read(seed[:])
	opt.Now = func() time.Time { return at }
	opt.Rand = rand.NewChaCha8(seed)
	s, err = export.Export(p, format, opt)
	if err != nil {
		return s, false, err
	}
	text := s.Text
	stand := opt
	stand.Rand = rand.NewChaCha8(seed)
	resolve := opt.Resolve
	stand.Resolve = func(label, v string) (string, error) {
		got, err := resolve(label, v)
		return "stand-in/" + got, err
	}
	if alt, aerr := export.Export(p, format, stand); aerr == nil {
		var ok bool
		if text, ok = maskDiffering(text, alt.Text); !ok {
			return export.Snippet{}, false, errPresentSigned
		}
	} else {
		// Without a stand-in to compare with, only a text that holds no
		// signed value is shown: one equal to the request written
		// without any value resolved.
		noResolve := opt
		noResolve.Resolve = nil
		if plain, perr := export.Export(p, format, noResolve); perr != nil || plain.Text != s.Text {
			return export.Snippet{}, false, errPresentSigned
		}
	}
	text = maskLiteralHeaders(text, p.Headers)
	masked = text != s.Text
	s.Text = text
	return s, masked, nil
}

// maskDiffering masks, in a, every run of token characters (tokenByte) in
// which a and b differ, line by line. ok is false when the two texts do
// not have the same number of lines.
func maskDiffering(a, b string) (string, bool) {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(al) != len(bl) {
		return a, false
	}
	for i := range al {
		if al[i] != bl[i] {
			al[i] = maskLineDiff(al[i], bl[i])
		}
	}
	return strings.Join(al, "\n"), true
}

// maskLineDiff masks in x the span from the first to the last byte where x
// and y differ, widened to whole runs of token characters, so that no
// byte of a signed value stays visible even where it happens to equal the
// stand-in's.
func maskLineDiff(x, y string) string {
	if x == y {
		return x
	}
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	start, end := pre, len(x)-suf
	for start > 0 && tokenByte(x[start-1]) {
		start--
	}
	for end < len(x) && tokenByte(x[end]) {
		end++
	}
	if start >= end {
		return x
	}
	return x[:start] + authn.Mask("") + x[end:]
}

// tokenByte reports whether c can be part of a signed value as exports
// write it: base64 and base64url (RFC 4648 §4, §5), hex, percent-encoding
// (RFC 3986 §2.1) and the unreserved characters. '.', '=', '&', quotes and
// spaces end a run, so a JWT's header and payload, a parameter's name and
// the text around stay readable.
func tokenByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("+/_-%~", c) >= 0
}

// maskLiteralHeaders masks the values of credential headers typed as
// literals (a reference is a variable in the text already), as they are
// and percent-encoded. TODO(#16): once export writes every credential
// header as a variable (leak 3), this finds nothing and can go.
func maskLiteralHeaders(text string, hs []profiles.Header) string {
	for _, h := range hs {
		v := strings.TrimSpace(h.Value)
		if !authn.CredentialHeader(h.Name) || profiles.IsRef(v) || len(v) < 4 {
			continue
		}
		vals := []string{v, url.QueryEscape(v), authn.PercentEncode(v)}
		if _, cred, ok := strings.Cut(v, " "); ok && len(strings.TrimSpace(cred)) >= 4 {
			vals = append(vals, strings.TrimSpace(cred))
		}
		for _, s := range vals {
			text = strings.ReplaceAll(text, s, authn.Mask(""))
		}
	}
	return text
}
