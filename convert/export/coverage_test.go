package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// How a target writes a scheme.
const (
	howExpressed = "expressed" // the target's own code for the scheme
	howPresigned = "presigned" // signed ahead by authlab (authn.Presignable)
	howRefused   = "refused"   // an authn.Flow the target has no code for: refused with the reason
)

// coverage says how target t writes scheme s, or what the scheme (or the
// target) must add when it cannot write it at all.
func coverage(t target, s authn.Scheme) (how, problem string) {
	in := s.Info()
	_, flow := s.(authn.Flow)
	_, pre := s.(authn.Presignable)
	switch {
	case t.writes(in.Name):
		return howExpressed, ""
	case pre: // a Flow that can sign ahead too (Hawk: its exchanges only check the answer)
		return howPresigned, ""
	case flow:
		return howRefused, ""
	}
	return "", fmt.Sprintf("export target %s: scheme %s neither expressible (add it to the %s target's scheme table) nor presignable (implement authn.Presignable in its file: how long a request it signed stays valid) nor refused with a reason (an authn.Flow)", t.name(), in.Name, t.name())
}

// coverageFields are field values for each built-in scheme that every
// target can write: secrets as env: references (resolved to stand-ins).
// A scheme not listed gets its required fields (secrets as references,
// others "sample").
var coverageFields = map[string]map[string]string{
	"basic":  {"username": "demo", "password": "env:COVER_PASSWORD"},
	"digest": {"username": "demo", "password": "env:COVER_PASSWORD"},
	"bearer": {"token": "env:COVER_TOKEN"},
	"apikey": {"name": "X-API-Key", "value": "env:COVER_KEY"},
	"oauth1": {"consumer_key": "demo-key", "consumer_secret": "env:COVER_CONSUMER_SECRET", "token": "demo-token-id", "token_secret": "env:COVER_TOKEN_SECRET"},
	"oauth2": {"token_url": "https://auth.example/token", "client_id": "demo", "client_secret": "env:COVER_CLIENT_SECRET"},
	"jwt":    {"claims": `{"sub":"demo"}`, "secret": "env:COVER_JWT_SECRET"},
	"sigv4":  {"access_key": "AKIDEXAMPLE", "secret_key": "env:COVER_SECRET_KEY", "region": "us-east-1", "service": "iam"},
}

func sampleFields(in authn.Info) map[string]string {
	if f, ok := coverageFields[in.Name]; ok {
		return f
	}
	out := map[string]string{}
	for _, f := range in.Fields {
		switch {
		case !f.Required:
		case f.Secret:
			out[f.Name] = "env:COVER_" + strings.ToUpper(f.Name)
		default:
			out[f.Name] = "sample"
		}
	}
	return out
}

// standIn is what the test resolves env:NAME to: long enough and distinct,
// so an export that wrote it literally is caught.
func standIn(ref string) string {
	return "stand-in-" + strings.ToLower(strings.TrimPrefix(ref, "env:"))
}

// TestEverySchemeEveryTarget: each registered scheme is written by each
// export target, signed ahead, or refused with a reason; and the export
// then does what that promises. A new scheme (or target) fails here with
// what it must add.
func TestEverySchemeEveryTarget(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	opt := Options{
		Now: func() time.Time { return at },
		Resolve: func(_, v string) (string, error) {
			if profiles.IsRef(v) {
				return standIn(v), nil
			}
			return v, nil
		},
	}
	for _, s := range authn.Schemes() {
		in := s.Info()
		fields := sampleFields(in)
		p := profiles.Profile{Name: "cover/" + in.Name, Method: "GET", URL: "https://api.example.com/v1/items", Scheme: in.Name, Fields: fields}
		for _, tg := range targets {
			how, problem := coverage(tg, s)
			if problem != "" {
				t.Error(problem)
				continue
			}
			snip, err := Export(p, tg.name(), opt)
			switch how {
			case howRefused:
				if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), in.Title) {
					t.Errorf("Export(%s, %s) = %v; want it refused (ErrUnsupported) with a reason naming %q", in.Name, tg.name(), err, in.Title)
				}
				continue
			case howPresigned:
				if err != nil {
					t.Errorf("Export(%s, %s) = %v; want the request signed ahead", in.Name, tg.name(), err)
					continue
				}
				if w := strings.Join(snip.Warnings, "\n"); !strings.Contains(w, at.Format(time.RFC3339)) || !strings.Contains(w, "valid ") {
					t.Errorf("Export(%s, %s) warnings %q; want when it was signed and until when it is valid (the scheme's Lifetime)", in.Name, tg.name(), w)
				}
			default:
				if err != nil {
					t.Errorf("Export(%s, %s) = %v; want the target's own code for %s", in.Name, tg.name(), err, in.Name)
					continue
				}
			}
			for _, v := range fields {
				if profiles.IsRef(v) && strings.Contains(snip.Text, standIn(v)) {
					t.Errorf("Export(%s, %s) writes the secret of %s literally:\n%s", in.Name, tg.name(), v, snip.Text)
				}
			}
		}
	}
}

// uncoveredScheme is a scheme no target knows, which is neither a Flow nor
// Presignable: TestEverySchemeEveryTarget must say what it must add.
type uncoveredScheme struct{}

func (uncoveredScheme) Info() authn.Info { return authn.Info{Name: "brand-new"} }
func (uncoveredScheme) Authorize(*authn.Outgoing, authn.Credentials, authn.Env, *authn.Trace) error {
	return nil
}

func TestCoverageNamesWhatIsMissing(t *testing.T) {
	for _, tg := range targets {
		_, problem := coverage(tg, uncoveredScheme{})
		want := "export target " + tg.name() + ": scheme brand-new neither expressible (add it to the " + tg.name() + " target's scheme table) nor presignable (implement authn.Presignable"
		if !strings.HasPrefix(problem, want) {
			t.Errorf("coverage(%s, brand-new) = %q; want it to start %q", tg.name(), problem, want)
		}
	}
}

// TestEverySchemeHasPracticeEndpoint: the practice server (run on
// loopback, its endpoint list read as a client reads it) serves each
// scheme that sends credentials, so the interop and export tests have a
// real server to check it against.
func TestEverySchemeHasPracticeEndpoint(t *testing.T) {
	srv := httptest.NewServer(practice.New(practice.Options{AutoApprove: true}).Handler())
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var index struct {
		Endpoints []struct{ Scheme string } `json:"endpoints"`
	}
	if err := json.NewDecoder(res.Body).Decode(&index); err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, e := range index.Endpoints {
		for _, name := range strings.Split(e.Scheme, ",") { // "basic, bearer"
			served[strings.TrimSpace(name)] = true
		}
	}
	for _, s := range authn.Schemes() {
		if name := s.Info().Name; name != "none" && !served[name] {
			t.Errorf("scheme %s: the practice server has no endpoint for it: add a handler file in practice/ and its registrar", name)
		}
	}
}
