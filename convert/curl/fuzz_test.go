package curl

import (
	"strings"
	"testing"

	"github.com/authlab/authlab/authn"
)

// FuzzParseCommand: ParseCommand never panics; every error and every
// message is one line; an imported profile's URL parses with
// authn.ParseURL, its header names are tokens and its fields fit its
// scheme.
func FuzzParseCommand(f *testing.F) {
	for _, cases := range [][]importCase{docsTests, parseTests} {
		for _, tt := range cases {
			f.Add(tt.line)
		}
	}
	for _, tt := range parseErrorTests {
		f.Add(tt.line)
	}
	for _, tt := range diffTests {
		f.Add(tt.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		im, err := ParseCommand(line, Options{})
		if err != nil {
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("ParseCommand(%q) error is not one line: %q", line, err)
			}
			return
		}
		p := im.Profile
		if p.Body != "" && p.BodyFile != "" {
			t.Fatalf("ParseCommand(%q): both a body %q and a body file %q", line, p.Body, p.BodyFile)
		}
		if _, err := authn.ParseURL(p.URL); err != nil {
			t.Fatalf("ParseCommand(%q): URL %q does not parse: %v", line, p.URL, err)
		}
		for _, h := range p.Headers {
			if !authn.IsToken(h.Name) {
				t.Fatalf("ParseCommand(%q): header name %q", line, h.Name)
			}
		}
		s, err := authn.Lookup(p.Scheme)
		if err != nil {
			t.Fatalf("ParseCommand(%q): scheme %q: %v", line, p.Scheme, err)
		}
		if _, err := s.Info().Validate(p.Fields); err != nil {
			t.Fatalf("ParseCommand(%q): fields %v do not fit %s: %v", line, p.Fields, p.Scheme, err)
		}
		var msgs []string
		msgs = append(append(append(msgs, im.Notes...), im.Unknown...), im.Ignored...)
		for _, l := range im.Literals {
			msgs = append(msgs, l.Where, l.SuggestedEnv, l.Field)
		}
		for _, m := range msgs {
			if strings.ContainsAny(m, "\r\n") {
				t.Fatalf("ParseCommand(%q): message %q is not one line", line, m)
			}
		}
	})
}
