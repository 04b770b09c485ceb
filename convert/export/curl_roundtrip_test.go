package export

import (
	"fmt"
	"testing"

	"github.com/authlab/authlab/convert/curl"
	"strings"
)

// roundTripCases are the single-command curl exports that the curl
// importer must read back as the same request: secrets as env: references
// to the snippet's variables. (Pre-signed requests and OAuth 2.0's two
// commands do not round-trip by design; Digest's pinned algorithm and qop
// have no curl option.)
var roundTripCases = []struct{ name, scheme string }{
	{"none", "none"}, {"basic", "basic"}, {"basic-literal", "basic"}, {"digest", "digest"},
	{"bearer", "bearer"}, {"apikey-header", "apikey"}, {"sigv4-session", "sigv4"},
	{"jwt-token", "bearer"}, {"head", "none"}, {"options", "bearer"},
}

func TestCurlRoundTrip(t *testing.T) {
	for _, tt := range roundTripCases {
		prof := shellCaseNamed(t, tt.name)
		opt := goldenOptions()
		s, err := Export(prof, "curl", opt)
		if err != nil {
			t.Fatal(err)
		}
		im, err := curl.ParseCommand(s.Text, curl.Options{})
		if err != nil {
			t.Errorf("curl.ParseCommand(export of %s) = %v\n%s", tt.name, err, s.Text)
			continue
		}
		plan, err := newPlan(prof, opt)
		if err != nil {
			t.Fatal(err)
		}
		got := im.Profile
		want := map[string]string{
			"method": plan.Method, "url": plan.URL, "body": plan.Body, "scheme": tt.scheme,
			"tls": fmt.Sprintf("%+v", prof.TLS), "timeout": prof.Timeout.String(), "follow": fmt.Sprint(prof.Follow),
		}
		have := map[string]string{
			"method": got.Method, "url": got.URL, "body": got.Body, "scheme": got.Scheme,
			"timeout": got.Timeout.String(), "follow": fmt.Sprint(got.Follow),
		}
		gt := got.TLS
		if prof.TLS.KeyPassword != "" {
			gt.KeyPassword = profileRef(plan.TLS.KeyPassword) // as the snippet reads it
			w := prof.TLS
			w.KeyPassword = gt.KeyPassword
			want["tls"] = fmt.Sprintf("%+v", w)
		}
		have["tls"] = fmt.Sprintf("%+v", gt)
		var wh, hh []string
		for _, h := range plan.Headers {
			if !h.Value.IsVar() {
				wh = append(wh, h.Name+": "+h.Value.Lit)
			}
		}
		for _, h := range got.Headers {
			if h.Name == "Content-Type" && h.Value == "application/x-www-form-urlencoded" && !profileHas(plan, "Content-Type") {
				continue // what authlab sends with a body anyway
			}
			if !strings.Contains(h.Value, "${") { // the importer keeps $VAR in a header as text
				hh = append(hh, h.Name+": "+h.Value)
			}
		}
		want["headers"], have["headers"] = strings.Join(wh, "\n"), strings.Join(hh, "\n")
		for name, v := range plan.Fields {
			if f, _ := plan.Scheme.Field(name); tt.scheme == "bearer" && name != "token" || v == lit(f.Default) {
				continue
			}
			want["field "+name], have["field "+name] = profileRef(v), got.Fields[name]
		}
		for k, w := range want {
			if have[k] != w {
				t.Errorf("curl.ParseCommand(export of %s): %s = %q; want %q\n%s", tt.name, k, have[k], w, s.Text)
			}
		}
	}
}

// profileRef is how a profile holds v: a literal, or env:VAR.
func profileRef(v Value) string {
	if v.IsVar() {
		return "env:" + v.Var
	}
	return v.Lit
}
