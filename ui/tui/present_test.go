package tui

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/convert/export"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/profiles"
	"github.com/charmbracelet/x/ansi"
)

// presentModel is newModel in presenter mode (present) or not.
func presentModel(t *testing.T, p profiles.Profile, eng *authn.Engine, present bool) Model {
	t.Helper()
	if eng == nil {
		eng = authn.New(authn.Options{})
	}
	t.Cleanup(eng.Close)
	return New(Options{
		Prefill:  p,
		Engine:   eng,
		Resolver: profiles.Resolver{LookupEnv: func(string) (string, bool) { return "", false }, ReadFile: os.ReadFile},
		NoColor:  true,
		Present:  present,
		Now:      func() time.Time { return fixedNow },
	})
}

// TestGoldenPresenting: the header says presenter mode is on (80×24), and
// neither the help line nor ? names a key that reveals secrets (R in the
// result pane, ctrl+t on a secret field), which presenter mode disables.
func TestGoldenPresenting(t *testing.T) {
	m, _ := step(t, presentModel(t, oauthPrefill, nil, true), size(80, 24))
	v := view(m)
	if first := strings.SplitN(v, "\n", 2)[0]; !strings.Contains(first, "PRESENTING") {
		t.Errorf("header = %q; want the PRESENTING badge", first)
	}
	golden(t, "presenting-80x24", v)

	// a secret credential field focused: its help line and ? list no reveal
	for range 7 {
		m, _ = step(t, m, keyMsg("tab"))
	}
	if cur, _ := m.ed.current(); cur.kind != slotCred {
		t.Fatalf("focus is on slot %v; want a credential field", cur.kind)
	}
	help := m.helpView() + "\n" + m.fullHelp(80, 20)
	if strings.Contains(help, "ctrl+t") || strings.Contains(help, "show/hide secret") {
		t.Errorf("presenter mode's help names the reveal key of the form:\n%s", ansi.Strip(help))
	}

	// the result pane: ? lists no R, the Headers tab names no key to reveal
	srv := twitterServer(t)
	eng := authn.New(authn.Options{Transport: routeTo(srv), Now: func() time.Time { return fixedNow }})
	for _, present := range []bool{true, false} {
		m, _ := step(t, presentModel(t, oauthPrefill, eng, present), size(120, 40))
		m, cmd := step(t, m, keyMsg("ctrl+r"))
		m, _ = step(t, m, stable(runSend(t, cmd)))
		if m.focus != focusResult {
			m, _ = step(t, m, keyMsg("shift+tab"))
		}
		m, _ = step(t, m, keyMsg("3"))
		full := ansi.Strip(m.fullHelp(120, 30) + "\n" + m.rp.content())
		named := strings.Contains(full, "reveal secrets") || strings.Contains(full, "R reveals")
		if named == present {
			t.Errorf("present=%v: help and Headers tab name R to reveal: %v; want %v\n%s", present, named, !present, full)
		}
	}
}

// TestPresenterEditorMasksCredentialHeaders: a typed Authorization or
// X-API-Key header row never shows its value in presenter mode, neither
// at rest nor while it is typed into, nor pasted whole into the name
// field; other headers are shown, and without presenter mode the values
// are (so the check can fail).
func TestPresenterEditorMasksCredentialHeaders(t *testing.T) {
	const bearer, apiKey, pasted = "live-bearer-3f9a1c77d2", "live-api-key-8be2a4410c", "live-pasted-key-61d0e9"
	p := profiles.Profile{URL: "http://127.0.0.1:9/", Headers: []profiles.Header{
		{Name: "Authorization", Value: "Bearer " + bearer},
		{Name: "X-API-Key", Value: apiKey},
		{Name: "Accept", Value: "application/json"},
		{Name: "x-api-key: " + pasted},
	}}
	for _, present := range []bool{true, false} {
		m, _ := step(t, presentModel(t, p, nil, present), size(120, 40))
		screens := []string{view(m)}
		// walk every slot of the editor, so each value is seen focused
		for range 12 {
			m, _ = step(t, m, keyMsg("tab"))
			screens = append(screens, view(m))
		}
		for _, secret := range []string{bearer, apiKey, pasted} {
			shown := false
			for _, s := range screens {
				shown = shown || strings.Contains(s, secret)
			}
			if shown == present {
				t.Errorf("present=%v: %q on screen = %v; want %v", present, secret, shown, !present)
			}
		}
		if !strings.Contains(screens[0], "application/json") {
			t.Errorf("present=%v: the Accept header's value is not shown:\n%s", present, screens[0])
		}
	}
}

// The published Twitter example's signature ("Creating a signature",
// developer documentation): oauthPrefill signs to it.
const twitterSignature = "hCtSmYh+iHYCEqBWrE7C7hYmtUk="

// TestPresenterTraceMasksSignatures: the Trace tab in presenter mode shows
// no oauth_signature (the published example's, as computed and as
// percent-encoded) and not the practice server's expected JWT signature
// (computed here from the published demo secret); without presenter mode
// both are on it.
func TestPresenterTraceMasksSignatures(t *testing.T) {
	tw := twitterServer(t)
	ps := httptest.NewServer(practice.New(practice.Options{}).Handler())
	t.Cleanup(ps.Close)
	jwt := profiles.Profile{URL: ps.URL + "/jwt", Scheme: "jwt", Fields: map[string]string{"alg": "HS256", "secret": "not-the-demo-jwt-secret", "claims": `{"sub":"demo"}`}}
	cases := []struct {
		name string
		p    profiles.Profile
		eng  func() *authn.Engine
		live func(res *authn.Result) []string
	}{
		{"oauth1", oauthPrefill, func() *authn.Engine {
			return authn.New(authn.Options{Transport: routeTo(tw), Now: func() time.Time { return fixedNow }})
		}, func(*authn.Result) []string { return []string{twitterSignature, authn.PercentEncode(twitterSignature)} }},
		{"jwt", jwt, func() *authn.Engine { return authn.New(authn.Options{}) }, func(res *authn.Result) []string {
			for _, s := range res.Trace.Steps {
				for _, v := range s.Values {
					if v.Label == "signing input" {
						mac := hmac.New(sha256.New, []byte(practice.DemoJWTSecret))
						mac.Write([]byte(v.Text))
						return []string{base64.RawURLEncoding.EncodeToString(mac.Sum(nil))}
					}
				}
			}
			t.Fatal("the JWT trace has no signing input")
			return nil
		}},
	}
	for _, tc := range cases {
		for _, present := range []bool{true, false} {
			// wide enough that no value is wrapped on screen
			m, _ := step(t, presentModel(t, tc.p, tc.eng(), present), size(400, 60))
			m, cmd := step(t, m, keyMsg("ctrl+r"))
			r := runSend(t, cmd)
			if r.res == nil {
				t.Fatalf("%s: no result: %v", tc.name, r.err)
			}
			live := tc.live(r.res)
			m, _ = step(t, m, r)
			if m.focus != focusResult {
				m, _ = step(t, m, keyMsg("shift+tab"))
			}
			var seen strings.Builder
			for _, tab := range []string{"4", "3", "1", "2"} {
				m, _ = step(t, m, keyMsg(tab))
				seen.WriteString(ansi.Strip(m.rp.content()) + "\n" + view(m) + "\n")
			}
			m, _ = step(t, m, keyMsg("4"), keyMsg("n"), keyMsg("n"), keyMsg("n"), keyMsg("n"), keyMsg("n"), keyMsg("n"))
			seen.WriteString(ansi.Strip(m.rp.content()))
			for _, v := range live {
				if got := strings.Contains(seen.String(), v); got == present {
					t.Errorf("%s present=%v: %q on screen = %v; want %v", tc.name, present, v, got, !present)
				}
			}
		}
	}
}

// jwtToken matches a compact JWS (RFC 7515 §7.1) in text.
var jwtToken = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

// liveJWT returns a token in text whose signature verifies with secret
// (HS256, RFC 7518 §3.2): a credential that works.
func liveJWT(text, secret string) (string, bool) {
	for _, tok := range jwtToken.FindAllString(text, -1) {
		i := strings.LastIndexByte(tok, '.')
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(tok[:i]))
		if base64.RawURLEncoding.EncodeToString(mac.Sum(nil)) == tok[i+1:] {
			return tok, true
		}
	}
	return "", false
}

// TestPresenterExportMasksSignedJWT: curl cannot sign a JWT, so the export
// view's curl text carries a token signed now. In presenter mode neither
// the screen nor the text copied holds a token that verifies with the
// secret; the header and claims stay readable. Without presenter mode
// the token is there (so the check can fail).
func TestPresenterExportMasksSignedJWT(t *testing.T) {
	const secret = "jwt-presenter-secret-5be1"
	p := profiles.Profile{URL: "https://api.example.com/me", Scheme: "jwt", Fields: map[string]string{"alg": "HS256", "secret": secret, "claims": `{"sub":"demo"}`},
		Headers: []profiles.Header{{Name: "X-API-Key", Value: "literal-api-key-0d5e77"}}}
	for _, present := range []bool{true, false} {
		// wide enough that no line of the text is cut on screen
		m, _ := step(t, presentModel(t, p, nil, present), size(400, 40))
		m, cmd := step(t, m, ctrlKey('y'))
		if m.focus != focusExport || cmd == nil {
			t.Fatal("ctrl+y did not open the export view")
		}
		m, _ = step(t, m, cmd())
		if m.exp.err != nil {
			t.Fatalf("present=%v: export: %v", present, m.exp.err)
		}
		screen := view(m)
		_, onScreen := liveJWT(screen, secret)
		_, inText := liveJWT(m.exp.snippet.Text, secret)
		if onScreen == present || inText == present {
			t.Errorf("present=%v: a live JWT on screen %v, in the copied text %v; want %v\n%s", present, onScreen, inText, !present, screen)
		}
		if present {
			if !strings.Contains(screen, "eyJ") || !strings.Contains(screen, authn.Mask("")) {
				t.Errorf("presenter mode: want the token's header and claims with its signature masked:\n%s", screen)
			}
			if strings.Contains(screen, "literal-api-key-0d5e77") || strings.Contains(m.exp.snippet.Text, "literal-api-key-0d5e77") {
				t.Errorf("presenter mode: the literal X-API-Key is in the export:\n%s", screen)
			}
		}
	}
}

var maskLineDiffTests = []struct {
	x, y, want string
}{
	{`-H "Authorization: Bearer eyJh.eyJz.SIGa"`, `-H "Authorization: Bearer eyJh.eyJz.XYZb"`, `-H "Authorization: Bearer eyJh.eyJz.••••••••"`},
	{`oauth_signature="ab%2Bc", oauth_x="1"`, `oauth_signature="zz%2Bc", oauth_x="1"`, `oauth_signature="••••••••", oauth_x="1"`},
	{`X-Amz-Signature=0f1e&X`, `X-Amz-Signature=0f2e&X`, `X-Amz-Signature=••••••••&X`},
	{"same", "same", "same"},
	{"sig=abc", "sig=abcd", "sig=••••••••"},
}

func TestMaskLineDiff(t *testing.T) {
	for _, tt := range maskLineDiffTests {
		if got := maskLineDiff(tt.x, tt.y); got != tt.want {
			t.Errorf("maskLineDiff(%q, %q) = %q; want %q", tt.x, tt.y, got, tt.want)
		}
	}
}

// TestPresentExportEveryTarget: for every export target and each scheme a
// target may sign ahead (JWT, OAuth 1.0a, SigV4), the presenter-mode text
// holds no JWT that verifies with the secret, no oauth_signature value and
// no SigV4 signature, found by patterns of their own (RFC 7515 §7.1, RFC
// 5849 §3.5, the SigV4 Signature= / X-Amz-Signature= field).
func TestPresentExportEveryTarget(t *testing.T) {
	const jwtSecret = "jwt-presenter-secret-7c02"
	oauthSig := regexp.MustCompile(`oauth_signature(%3D|=|"|'|: )+"?([A-Za-z0-9%+/_-]{8,})`)
	sigv4Sig := regexp.MustCompile(`(Signature=|X-Amz-Signature=)([0-9a-f]{64})`)
	profilesOf := []profiles.Profile{
		{Name: "jwt", URL: "https://api.example.com/me", Scheme: "jwt", Fields: map[string]string{"alg": "HS256", "secret": jwtSecret, "claims": `{"sub":"demo"}`}},
		{Name: "oauth1", URL: "https://api.twitter.com/1.1/account/verify_credentials.json", Scheme: "oauth1", Fields: map[string]string{
			"consumer_key": "xvz1evFS4wEEPTGEFPHBog", "consumer_secret": "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
			"token": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", "token_secret": "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"}},
		{Name: "sigv4", URL: "https://authlab.us-east-1.amazonaws.com/aws", Scheme: "sigv4", Fields: map[string]string{
			"access_key": practice.DemoAWSAccessKey, "secret_key": practice.DemoAWSSecretKey, "region": practice.DemoAWSRegion, "service": practice.DemoAWSService}},
	}
	r := profiles.Resolver{LookupEnv: func(string) (string, bool) { return "", false }, ReadFile: os.ReadFile}
	opt := export.Options{Resolve: func(label, v string) (string, error) {
		s, _, err := r.Resolve(label, v)
		return s, err
	}}
	signedAhead, seen := 0, map[string]bool{}
	for _, p := range profilesOf {
		for _, target := range export.Targets() {
			plain, perr := export.Export(p, target, opt)
			s, _, err := presentExport(p, target, opt)
			if (perr == nil) != (err == nil) && !errors.Is(err, errPresentSigned) {
				t.Errorf("%s/%s: presentExport error %v; Export's %v", p.Name, target, err, perr)
				continue
			}
			if err != nil {
				continue
			}
			if plain.Text != s.Text {
				signedAhead++
			}
			// the patterns find what Export writes (so the checks can fail)
			if _, ok := liveJWT(plain.Text, jwtSecret); ok {
				seen["jwt"] = true
			}
			if oauthSig.MatchString(plain.Text) {
				seen["oauth_signature"] = true
			}
			if sigv4Sig.MatchString(plain.Text) {
				seen["sigv4"] = true
			}
			if tok, ok := liveJWT(s.Text, jwtSecret); ok {
				t.Errorf("%s/%s: presenter text holds the live JWT %q", p.Name, target, tok)
			}
			if m := oauthSig.FindStringSubmatch(s.Text); m != nil {
				t.Errorf("%s/%s: presenter text holds oauth_signature %q:\n%s", p.Name, target, m[2], s.Text)
			}
			if m := sigv4Sig.FindStringSubmatch(s.Text); m != nil {
				t.Errorf("%s/%s: presenter text holds the SigV4 signature %q:\n%s", p.Name, target, m[2], s.Text)
			}
		}
	}
	if signedAhead == 0 {
		t.Error("no target signed a request ahead: the check proves nothing")
	}
	for _, k := range []string{"jwt", "oauth_signature", "sigv4"} {
		if !seen[k] {
			t.Errorf("no export without presenter mode holds a %s the pattern finds: the check proves nothing (%v)", k, seen)
		}
	}
}
