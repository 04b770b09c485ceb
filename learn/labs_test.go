package learn

import (
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
)

// TestLabsCourse is the scripted student on the attack-lab course against
// a practice server with its labs on: each lesson, sent as it starts, is
// not exploited; the student's attack (fetching what the lab serves, a
// crack, a replay) is, by the server's own verdict.
func TestLabsCourse(t *testing.T) {
	c := Labs()
	srv := httptest.NewServer(practice.New(practice.Options{Labs: true}).Handler())
	defer srv.Close()
	eng := authn.New(authn.Options{Timeout: 10 * time.Second})
	defer eng.Close()
	dir := t.TempDir()
	get := func(t *testing.T, path string) string {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	save := func(t *testing.T, path, name string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(get(t, path)), 0o600); err != nil {
			t.Fatal(err)
		}
		return "file:" + p
	}
	// the student's work per lesson: fields to set; sends is how often
	// the request goes out (a replay is the second)
	work := map[string]func(t *testing.T) (fields map[string]string, sends int){
		"lab-jwt-none": func(*testing.T) (map[string]string, int) {
			return map[string]string{"attack": "alg-none", "claims": `{"sub":"student","role":"admin"}`}, 1
		},
		"lab-jwt-confusion": func(t *testing.T) (map[string]string, int) {
			return map[string]string{"attack": "key-confusion", "secret": save(t, "/labs/jwt-confusion/public.pem", "public.pem")}, 1
		},
		"lab-jwt-weak": func(t *testing.T) (map[string]string, int) {
			var tok struct{ Token string }
			if err := json.Unmarshal([]byte(get(t, "/labs/jwt-weak/token")), &tok); err != nil {
				t.Fatal(err)
			}
			r, err := authn.CrackJWT(context.Background(), tok.Token, strings.NewReader(get(t, "/labs/jwt-weak/wordlist.txt")))
			if err != nil || !r.Found {
				t.Fatalf("crack: %+v %v", r, err)
			}
			return map[string]string{"secret": r.Secret}, 1
		},
		"lab-jwt-kid": func(t *testing.T) (map[string]string, int) {
			return map[string]string{"kid": "../public/banner.txt", "secret": save(t, "/labs/jwt-kid/public/banner.txt", "banner.txt")}, 1
		},
		"lab-oauth1-nonce": func(*testing.T) (map[string]string, int) {
			return map[string]string{"nonce": "replay-me", "timestamp": strconv.FormatInt(time.Now().Unix(), 10)}, 2
		},
		"lab-digest-downgrade": func(*testing.T) (map[string]string, int) {
			return map[string]string{"algorithm": "MD5"}, 1
		},
		"lab-oauth2-redirect": nil, // a URL change, below
	}
	resolver := profiles.Resolver{Vars: []profiles.Var{{Name: "practice", Value: srv.URL}}, ReadFile: profiles.ReadSecretFile}
	send := func(t *testing.T, p profiles.Profile) []Attempt {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		rs, err := profiles.Resolve(ctx, p, resolver, profiles.Policy{})
		if err != nil {
			t.Fatalf("Resolve: %v", err)
		}
		res, _ := eng.Exchange(ctx, rs.Request)
		return Attempts(res)
	}
	for _, l := range c.Lessons {
		t.Run(l.ID, func(t *testing.T) {
			w, ok := work[l.ID]
			if !ok {
				t.Fatalf("no scripted work for lesson %s", l.ID)
			}
			if o := l.Check.Judge(send(t, l.Request)); o.Pass {
				t.Fatalf("the lesson passes as it starts: %s", o.Why)
			}
			p := l.Request
			p.Fields = maps.Clone(p.Fields)
			sends := 1
			if w != nil {
				var fields map[string]string
				fields, sends = w(t)
				maps.Copy(p.Fields, fields)
			} else {
				p.URL = strings.Replace(p.URL, "redirect_uri=https://client.example/callback", "redirect_uri=https://client.example.attacker.test/steal", 1)
			}
			var o Outcome
			for range sends {
				o = l.Check.Judge(send(t, p))
			}
			if !o.Pass {
				t.Errorf("the attack did not pass: %s", o.Why)
			}
			// the same attack on the fixed twin is refused
			fixed := p
			fixed.URL = strings.Replace(p.URL, l.Check.Path, practiceFixed(t, l.Check.Path), 1)
			var as []Attempt
			for range sends {
				as = send(t, fixed)
			}
			judged := false
			for _, a := range as {
				judged = judged || a.HasServer
				if a.HasServer && strings.Contains(a.Server.Verdict, "exploited") {
					t.Errorf("the fixed twin %s was exploited too: %s", fixed.URL, a.Server.Verdict)
				}
			}
			if !judged && l.ID != "lab-digest-downgrade" { // authlab itself refuses MD5 when the fixed twin offers SHA-256 only
				t.Errorf("the fixed twin %s gave no verdict (%+v)", fixed.URL, as)
			}
		})
	}
}

// practiceFixed is the fixed twin of a lab's vulnerable path, from the
// practice server's catalogue.
func practiceFixed(t *testing.T, vulnerable string) string {
	for _, l := range practice.Labs() {
		if l.Vulnerable == vulnerable {
			return l.Fixed
		}
	}
	t.Fatalf("no lab serves %s", vulnerable)
	return ""
}
