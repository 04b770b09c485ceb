// Package convert_test holds the tests that join the importer and the
// exporters: a request exported as a curl command and imported again is the
// same request.
package convert_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/curl"
	"github.com/authlab/authlab/convert/export"
	"github.com/authlab/authlab/convert/shell"
	"github.com/authlab/authlab/profiles"
)

// roundTrips are requests in the forms a curl command can carry. Secrets
// are env: references, which export writes as "$NAME" and import reads back
// as env:NAME: the round trip is exact.
var roundTrips = []profiles.Profile{
	{Method: "GET", URL: "https://api.github.com/user", Scheme: "basic",
		Fields:  map[string]string{"username": "octocat", "password": "env:GITHUB_PASSWORD"},
		Headers: []profiles.Header{{Name: "Accept", Value: "application/vnd.github+json"}, {Name: "X-GitHub-Api-Version", Value: "2022-11-28"}}},
	{Method: "GET", URL: "https://api.github.com/user", Scheme: "bearer", Fields: map[string]string{"token": "env:GITHUB_TOKEN"}, Follow: true},
	{Method: "GET", URL: "https://example.org/dir/index.html", Scheme: "digest", Fields: map[string]string{"username": "Mufasa", "password": "env:DIGEST_PASSWORD"}},
	{Method: "GET", URL: "https://api.example.com/v1/items", Scheme: "apikey", Fields: map[string]string{"name": "X-API-Key", "value": "env:EXAMPLE_KEY", "in": "header"}},
	{Method: "POST", URL: "https://api.stripe.com/v1/charges", Scheme: "basic",
		Fields: map[string]string{"username": "env:STRIPE_KEY"}, Body: "amount=2000&currency=usd",
		Headers: []profiles.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}},
	{Method: "PUT", URL: "https://api.example.com/things/1?x=1&y=%20z", Body: `{"name":"it's \"quoted\" $HOME"}`,
		Headers: []profiles.Header{{Name: "Content-Type", Value: "application/json"}}, Scheme: "none", Timeout: 15 * time.Second},
	{Method: "GET", URL: "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", Scheme: "sigv4",
		Fields: map[string]string{"access_key": "AKIDEXAMPLE", "secret_key": "env:AWS_SECRET_ACCESS_KEY", "region": "us-east-1", "service": "sts"}},
	{Method: "GET", URL: "https://mtls.example.com/", Scheme: "none",
		TLS: profiles.TLS{CACert: "/etc/ca.pem", Cert: "/home/me/client.pem", Key: "/home/me/client-key.pem", KeyPassword: "env:KEY_PASS", Insecure: false}},
	{Method: "DELETE", URL: "https://self-signed.example/", Scheme: "none", TLS: profiles.TLS{Insecure: true}},
}

func TestCurlRoundTrip(t *testing.T) {
	for _, p := range roundTrips {
		t.Run(p.Scheme+" "+p.Method+" "+p.URL, func(t *testing.T) {
			s, err := export.Export(p, "curl", export.Options{})
			if err != nil {
				t.Fatalf("export: %v", err)
			}
			im, err := curl.ParseCommand(s.Text, curl.Options{})
			if err != nil {
				t.Fatalf("import of the exported text: %v\n%s", err, s.Text)
			}
			if len(im.Unknown) > 0 {
				t.Errorf("import does not understand the export's %v\n%s", im.Unknown, s.Text)
			}
			got, want := normal(im.Profile), normal(p)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip changed the request\n got: %+v\nwant: %+v\n--- exported\n%s", got, want, s.Text)
			}
		})
	}
}

// normal drops what does not change the request: defaults spelled out or
// left out, header name case.
func normal(p profiles.Profile) profiles.Profile {
	p.Name, p.Description = "", ""
	p.Method = strings.ToUpper(p.Method)
	if p.Method == "" {
		p.Method = "GET"
		if p.Body != "" {
			p.Method = "POST"
		}
	}
	if p.Scheme == "" {
		p.Scheme = "none"
	}
	f := map[string]string{}
	for k, v := range p.Fields {
		if v != "" && !(k == "in" && v == "header") {
			f[k] = v
		}
	}
	p.Fields = f
	var hs []profiles.Header
	ctype := false
	for _, h := range p.Headers {
		hs = append(hs, profiles.Header{Name: strings.ToLower(h.Name), Value: h.Value})
		ctype = ctype || strings.EqualFold(h.Name, "Content-Type")
	}
	if p.Body != "" && !ctype {
		// what authlab sends a body with, as curl -d does
		hs = append(hs, profiles.Header{Name: "content-type", Value: "application/x-www-form-urlencoded"})
	}
	p.Headers = hs
	return p
}

// FuzzCurlRoundTrip: any request export can write as one curl command,
// import reads back as the same request. Secrets are env: references (what
// an exported text reads and an import of it gives back).
func FuzzCurlRoundTrip(f *testing.F) {
	f.Add("GET", "/user", "Accept", "application/json", "", "basic", "octocat", "GITHUB_PASSWORD")
	f.Add("POST", "/v1/charges?x=1", "Content-Type", "application/x-www-form-urlencoded", "amount=2000&currency=usd", "basic", "sk_test", "STRIPE")
	f.Add("PUT", "/a b/%zz?q='\"$x`", "X-Quote", `it's "q" $HOME \ `+"`id`", `{"a":"$(id)"}`, "bearer", "", "TOKEN")
	f.Add("DELETE", "/", "X-Empty", "", "@file", "apikey", "X-API-Key", "KEY")
	f.Add("patch", "/x", "", "", "line1\nline2\r\n", "none", "", "")
	f.Fuzz(func(t *testing.T, method, path, hname, hvalue, body, scheme, user, envName string) {
		p := profiles.Profile{Method: method, URL: "https://api.example.com" + path, Body: body, Scheme: scheme}
		if hname != "" {
			p.Headers = []profiles.Header{{Name: hname, Value: hvalue}}
		}
		ref := "env:" + envName
		switch scheme {
		case "basic":
			p.Fields = map[string]string{"username": user, "password": ref}
		case "bearer":
			p.Fields = map[string]string{"token": ref}
		case "apikey":
			p.Fields = map[string]string{"name": user, "value": ref}
		case "none":
		default:
			return
		}
		if !sendable(p) || scheme != "none" && !shell.IsName(envName) {
			return
		}
		s, err := export.Export(p, "curl", export.Options{})
		if err != nil {
			return // not a request export writes (it said why)
		}
		im, err := curl.ParseCommand(s.Text, curl.Options{})
		if err != nil {
			t.Fatalf("import of the exported text: %v\n%s", err, s.Text)
		}
		if got, want := normal(im.Profile), normal(p); !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip changed the request\n got: %+v\nwant: %+v\n--- exported\n%s", got, want, s.Text)
		}
	})
}

// sendable reports whether authlab would send p as it is: a method token,
// a URL that parses, header names that are tokens and values without
// control characters, fields the scheme accepts (its rules, such as a
// Basic user name without a colon).
func sendable(p profiles.Profile) bool {
	if !authn.IsToken(p.Method) || strings.ContainsAny(p.URL, " \t\r\n\x00#") || !utf8.ValidString(p.URL+p.Body) {
		return false
	}
	if _, err := url.ParseRequestURI(p.URL); err != nil {
		return false
	}
	for _, h := range p.Headers {
		if !authn.IsToken(h.Name) || !authn.ValidFieldValue(h.Value) || !utf8.ValidString(h.Value) {
			return false
		}
		if h.Value != strings.TrimSpace(h.Value) { // surrounding space is not part of a field value (RFC 9110 §5.5)
			return false
		}
	}
	switch p.Scheme {
	case "basic":
		u := p.Fields["username"]
		return u != "" && !strings.Contains(u, ":") && !profiles.IsRef(u) && utf8.ValidString(u)
	case "apikey":
		return authn.IsToken(p.Fields["name"])
	}
	return true
}
