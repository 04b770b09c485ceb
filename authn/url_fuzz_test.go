package authn

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// FuzzParseURL: the URL to send to comes from the command line, a profile
// or the TUI. ParseURL never panics; what it accepts is an absolute http or
// https URL with a host and no user:password (credentials in a URL would
// bypass masking), and its String() parses again to the same scheme, host
// and no userinfo; what it refuses is an *InputError (one problem, one fix).
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://api.github.com/user", "http://127.0.0.1:8080/x?y=1#z", "https://u:p@h/", "https://@h/", "ftp://h/", "//h/p", "h/p", "https://", "https://[::1]:443/", "https://h/%zz", "http://h\x00/", " https://h/ ", "HTTPS://H/", "https://h:99999/", "https://%2F@h/", "https://h\\@evil/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseURL(raw)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Problem == "" || ie.Fix == "" {
				t.Fatalf("ParseURL(%q) error = %v (%T); want an *InputError with a problem and a fix", raw, err, err)
			}
			return
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			t.Fatalf("ParseURL(%q) accepted scheme %q host %q user %v", raw, u.Scheme, u.Host, u.User)
		}
		again, err := url.Parse(u.String())
		if err != nil || again.Scheme != u.Scheme || again.Host != u.Host || again.User != nil {
			t.Fatalf("ParseURL(%q).String() = %q parses to %+v, %v", raw, u.String(), again, err)
		}
		if strings.Contains(again.Host, "@") {
			t.Fatalf("ParseURL(%q) host %q holds an @", raw, again.Host)
		}
	})
}
