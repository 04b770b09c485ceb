package learn

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/internal/practicetest"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// solutions are what a scripted student changes in each built-in lesson's
// starting request: fields set (or, with scheme, the scheme switched).
// Every lesson must fail as it starts and pass once solved, decided by the
// practice server's own verdict.
var solutions = map[string]struct {
	scheme string
	fields map[string]string
	tls    bool // sent to a practice server over TLS with the practice client certificate
}{
	"mtls":                      {tls: true},
	"basic-ok":                  {fields: map[string]string{"password": practice.DemoPassword}},
	"basic-401":                 {fields: map[string]string{"password": "demo-passwore"}},
	"oauth1-215":                {scheme: "none"},
	"oauth1-ok":                 {fields: map[string]string{"consumer_secret": practice.DemoConsumerSecret, "token_secret": practice.DemoTokenSecret}},
	"oauth1-32":                 {fields: map[string]string{"token_secret": "not-the-token-secret"}},
	"oauth1-135":                {fields: map[string]string{"timestamp": "1318622958"}},
	"digest":                    {fields: map[string]string{"password": practice.DemoPassword}},
	"bearer-expired":            {fields: map[string]string{"token": practice.DemoExpiredToken}},
	"oauth2-client-credentials": {fields: map[string]string{"client_secret": practice.DemoOAuth2ClientSecret}},
	"jwt-hs256":                 {fields: map[string]string{"secret": practice.DemoJWTSecret}},
	"jwt-expired":               {fields: map[string]string{"claims": `{"sub":"demo","iat":"-2h","exp":"-1h"}`}},
	"sigv4":                     {fields: map[string]string{"secret_key": practice.DemoAWSSecretKey}},
	"sigv4-wrong-region":        {fields: map[string]string{"region": "eu-west-1"}},
	"oauth1-32-consumer":        {fields: map[string]string{"consumer_secret": "not-the-consumer-secret"}},
	"oauth1-89":                 {fields: map[string]string{"token": "12-not-a-token"}},
	"oauth1-135-future":         {fields: map[string]string{"timestamp": strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)}},
	"digest-wrong":              {fields: map[string]string{"password": "demo-passwore"}},
	"oauth2-refresh":            {fields: map[string]string{"grant": "refresh_token", "refresh_token": practice.DemoOAuth2RefreshToken}},
	"oauth2-device":             {fields: map[string]string{"grant": "device_code", "device_auth_url": practice.Placeholder + "/oauth2/device"}},
	"oauth2-pkce":               {fields: map[string]string{"grant": "authorization_code", "auth_url": practice.Placeholder + "/oauth2/authorize"}},
	"jwt-wrong-key":             {fields: map[string]string{"secret": "not-the-demo-secret"}},
	"sigv4-skew":                {fields: map[string]string{"date": time.Now().Add(-24 * time.Hour).UTC().Format("20060102T150405Z")}},
}

// sendLesson sends p to the practice server at base and returns the
// server's answers.
func sendLesson(t *testing.T, eng *authn.Engine, base string, p profiles.Profile) []Attempt {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rs, err := profiles.Resolve(ctx, p, profiles.Resolver{Vars: []profiles.Var{{Name: "practice", Value: base}}}, profiles.Policy{})
	if err != nil {
		return nil // an unfinished request (a required field left empty) sends nothing
	}
	// the student's browser: opens the sign-in URL an authorization code
	// grant shows (the server approves it, practice.Options.AutoApprove)
	rs.Request.Notify = func(n authn.Notice) {
		if n.URL != "" && n.Code == "" && !n.Done {
			go func() {
				if resp, err := http.Get(n.URL); err == nil {
					resp.Body.Close()
				}
			}()
		}
	}
	res, _ := eng.Exchange(ctx, rs.Request)
	return Attempts(res)
}

// TestBuiltinCourse is the scripted student on the built-in course
// against a real practice server: each lesson, sent as it starts, does
// not pass; with the student's change, it does.
func TestBuiltinCourse(t *testing.T) {
	c := Builtin()
	if len(c.Lessons) < 22 {
		t.Fatalf("the built-in course has %d lessons", len(c.Lessons))
	}
	srv := httptest.NewServer(practice.New(practice.Options{AutoApprove: true}).Handler())
	defer srv.Close()
	// the practice server as `authlab serve --tls` runs it, for mutual TLS
	tlsURL, files := practicetest.TLS(t, practice.Options{})
	eng := authn.New(authn.Options{Timeout: 10 * time.Second})
	defer eng.Close()
	for _, l := range c.Lessons {
		t.Run(l.ID, func(t *testing.T) {
			sol, ok := solutions[l.ID]
			if !ok {
				t.Fatalf("no scripted solution for lesson %s", l.ID)
			}
			base := srv.URL
			if sol.tls {
				base = tlsURL
			}
			if o := l.Check.Judge(sendLesson(t, eng, base, l.Request)); o.Pass {
				t.Errorf("the lesson passes as it starts (%s): the student has nothing to do", o.Why)
			}
			p := l.Request
			p.Fields = maps.Clone(p.Fields)
			if p.Fields == nil {
				p.Fields = map[string]string{}
			}
			maps.Copy(p.Fields, sol.fields)
			if sol.scheme != "" {
				p.Scheme, p.Fields = sol.scheme, nil
			}
			if sol.tls {
				p.TLS = profiles.TLS{CACert: files.CA, Cert: files.ClientCert, Key: files.ClientKey}
			}
			o := l.Check.Judge(sendLesson(t, eng, base, p))
			if !o.Pass {
				t.Errorf("the solved lesson does not pass: %s", o.Why)
			}
			if len(l.Hints) == 0 {
				t.Error("the lesson has no hints")
			}
		})
	}
}
