package profiles

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

// Resolve is the one function that turns a description into the request
// sent: references read in form order, headers in order, TLS with its passphrase, the profile's redirect and time
// limits, and the secrets it read collected.
func TestResolveDescription(t *testing.T) {
	env := map[string]string{"PW": "pw-from-env", "KP": "kp-from-env"}
	var asked []string
	r := Resolver{
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		Prompt:    func(label string) (string, error) { asked = append(asked, label); return "typed-" + label, nil },
	}
	p := Profile{Name: "gh/me", Method: "POST", URL: "https://h.example/x?page=1&access_token=q-tok-123", Body: "a=1",
		Headers: []Header{{"X-Z", "1"}, {"Accept", "application/json"}, {"X-Api-Key", "hdr-key-9"}},
		Scheme:  "digest", Fields: map[string]string{"username": "ann", "password": "env:PW"},
		TLS: TLS{Cert: "c.pem", Key: "file:k.pem", KeyPassword: "env:KP"}, Timeout: 3 * time.Second, Follow: true}
	rs, err := Resolve(context.Background(), p, r, Policy{Prompt: true})
	if err != nil {
		t.Fatal(err)
	}
	req := rs.Request
	if req.Fields["password"] != "pw-from-env" || req.Fields["username"] != "ann" {
		t.Errorf("fields = %v", req.Fields)
	}
	wantH := http.Header{"X-Z": {"1"}, "Accept": {"application/json"}, "X-Api-Key": {"hdr-key-9"}, "Content-Type": {"application/x-www-form-urlencoded"}}
	if !reflect.DeepEqual(req.Header, wantH) {
		t.Errorf("header = %v; want %v", req.Header, wantH)
	}
	if req.TLS == nil || *req.TLS != (authn.TLSOptions{Cert: "c.pem", Key: "k.pem", KeyPassword: "kp-from-env"}) {
		t.Errorf("TLS = %+v", req.TLS)
	}
	if req.Timeout != 3*time.Second || req.Follow == nil || !*req.Follow || req.Method != "POST" || string(req.Body) != "a=1" {
		t.Errorf("request = %+v", req)
	}
	if !reflect.DeepEqual(rs.Profile, p) {
		t.Errorf("the description changed: %+v", rs.Profile)
	}
	for _, s := range []string{"pw-from-env", "kp-from-env", "hdr-key-9", "q-tok-123"} {
		if !rs.Secrets.Contains("…" + s + "…") {
			t.Errorf("Secrets misses %q: %q", s, rs.Secrets.Values())
		}
	}
	if len(asked) != 0 {
		t.Errorf("asked %q; no field is a prompt", asked)
	}
	// no scheme: none; no Follow: the engine's own
	rs, _ = Resolve(context.Background(), Profile{URL: "https://h.example/"}, r, Policy{})
	if rs.Request.Scheme != "none" || rs.Request.Follow != nil || rs.Request.TLS != nil || rs.Request.Body != nil {
		t.Errorf("a bare description resolves to %+v", rs.Request)
	}
}

func TestResolvePolicy(t *testing.T) {
	var asked []string
	r := Resolver{
		LookupEnv: func(string) (string, bool) { return "", false },
		Prompt:    func(label string) (string, error) { asked = append(asked, label); return "typed", nil },
	}
	p := Profile{Name: "t/o", URL: "https://h.example/", Scheme: "oauth1", Fields: map[string]string{
		"consumer_key": "ck", "consumer_secret": "prompt", "token": "tk", "token_secret": "prompt"}}
	// asked in the scheme's form order
	if _, err := Resolve(context.Background(), p, r, Policy{Prompt: true}); err != nil || !reflect.DeepEqual(asked, []string{"consumer_secret", "token_secret"}) {
		t.Errorf("Resolve = %v, asked %q; want consumer_secret then token_secret", err, asked)
	}
	// without Prompt: refused, naming the alternatives and the profile
	asked = nil
	_, err := Resolve(context.Background(), p, r, Policy{})
	var re *RefError
	if !errors.As(err, &re) || len(asked) != 0 || !strings.HasPrefix(err.Error(), `profile "t/o": consumer_secret (prompt): there is no terminal`) {
		t.Errorf("Resolve without Prompt = %v (asked %q); want a RefError naming the profile and field", err, asked)
	}
	// Before stops at the first reference it refuses, before reading it
	stop := errors.New("ask first")
	var seen []string
	_, err = Resolve(context.Background(), p, r, Policy{Prompt: true, Before: func(label, ref string) error {
		seen = append(seen, label+"="+ref)
		return stop
	}})
	if err != stop || !reflect.DeepEqual(seen, []string{"consumer_secret=prompt"}) || len(asked) != 0 {
		t.Errorf("Resolve with Before = %v, saw %q, asked %q", err, seen, asked)
	}
	// an unset variable names the profile, field and variable
	p.Fields["token_secret"] = "env:NOPE"
	_, err = Resolve(context.Background(), p, r, Policy{Prompt: true})
	if err == nil || !strings.Contains(err.Error(), `profile "t/o": token_secret (env:NOPE): environment variable NOPE is not set`) {
		t.Errorf("Resolve(env:NOPE) = %v", err)
	}
}
