package authn

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// posixName is a portable environment variable name (POSIX.1-2017 §8.1).
var posixName = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// schemeFactProblems lists what in's scheme s fails to state about itself,
// each naming what to add; empty when it states every fact.
func schemeFactProblems(s Scheme) []string {
	in := s.Info()
	var out []string
	add := func(format string, args ...any) {
		out = append(out, "scheme "+in.Name+": "+fmt.Sprintf(format, args...))
	}
	switch {
	case len(in.Challenges) == 0 && !in.NoChallenge:
		add("no Challenges and not marked NoChallenge: list the WWW-Authenticate auth-scheme tokens it answers (RFC 9110 §11.6.1), or set NoChallenge: true")
	case len(in.Challenges) > 0 && in.NoChallenge:
		add("Challenges %q and NoChallenge both set: keep one", in.Challenges)
	}
	for _, c := range in.Challenges {
		if !isToken(c) {
			add("challenge %q is not an auth-scheme token (RFC 9110 §11.1)", c)
		}
		if _, ref := explainOffer(Challenge{Scheme: c}); ref == "RFC 9110 §11.6.1" {
			add("no scheme explains the %s challenge it answers: implement OfferExplainer (ExplainOffer) in its file", c)
		}
	}
	switch {
	case in.ClockNote == "" && !in.ClockFree:
		add("no ClockNote and not marked ClockFree: say why a skewed clock breaks its credentials (a check of the clock-skew hint), or set ClockFree: true")
	case in.ClockNote != "" && in.ClockFree:
		add("ClockNote and ClockFree both set: keep one")
	}
	_, flow := s.(Flow)
	pre, presignable := s.(Presignable)
	// A Flow may be Presignable when its exchanges only check the answer
	// (Hawk's Server-Authorization, its clock correction), not obtain what
	// it signs with (Digest's nonce, OAuth 2.0's token).
	switch {
	case in.ClockNote != "" && !flow && !presignable:
		add("its credentials carry a time (ClockNote) but it states no Lifetime: implement Presignable, so an export of a request it signed says until when it can be used")
	case presignable:
		l := pre.Lifetime(http.Header{}, time.Unix(0, 0))
		if !strings.HasPrefix(l.Valid, "valid ") || !strings.HasSuffix(l.Replay, "until then") {
			add("Lifetime %+v: Valid must say \"valid …\" and Replay \"… until then\"", l)
		}
	}
	for field, name := range in.EnvVars {
		if _, ok := in.Field(field); !ok {
			add("EnvVars names %s for %q, which is not one of its fields (%s)", name, field, strings.Join(in.FieldNames(), ", "))
		}
		if !posixName.MatchString(name) {
			add("EnvVars: %q is not a POSIX environment variable name", name)
		}
	}
	return out
}

// TestSchemeFacts: every registered scheme states the facts the hints,
// the exporters and the practice server read from its Info, so none of
// them switches on its name.
func TestSchemeFacts(t *testing.T) {
	for _, s := range Schemes() {
		for _, p := range schemeFactProblems(s) {
			t.Error(p)
		}
	}
}

// factlessScheme states nothing: TestSchemeFacts must name each fact it
// misses.
type factlessScheme struct{ none }

func (factlessScheme) Info() Info {
	return Info{Name: "factless", Challenges: []string{"New Scheme"}, EnvVars: map[string]string{"key": "not-posix"}, ClockNote: "it has a timestamp"}
}

func TestSchemeFactsNameWhatIsMissing(t *testing.T) {
	got := strings.Join(schemeFactProblems(factlessScheme{}), "\n")
	for _, want := range []string{
		`challenge "New Scheme" is not an auth-scheme token`,
		"no scheme explains the New Scheme challenge",
		"states no Lifetime: implement Presignable",
		`EnvVars names not-posix for "key", which is not one of its fields`,
		`"not-posix" is not a POSIX environment variable name`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("schemeFactProblems(factless) = %q; want it to contain %q", got, want)
		}
	}
	got = strings.Join(schemeFactProblems(struct{ Scheme }{factsOf(Info{Name: "bare"})}), "\n")
	for _, want := range []string{"no Challenges and not marked NoChallenge", "no ClockNote and not marked ClockFree"} {
		if !strings.Contains(got, want) {
			t.Errorf("schemeFactProblems(bare) = %q; want it to contain %q", got, want)
		}
	}
}

// factsOf is a scheme whose Info is in.
type factsOf Info

func (f factsOf) Info() Info                                        { return Info(f) }
func (factsOf) Authorize(*Outgoing, Credentials, Env, *Trace) error { return nil }

// authlabSchemeForTests are the answers the map this replaced gave
// (hints_challenge.go before the facts moved into the schemes).
var authlabSchemeForTests = []struct {
	token, want string
}{
	{"Basic", "basic"},
	{"basic", "basic"},
	{"Bearer", "bearer"},
	{"Digest", "digest"},
	{"OAuth", "oauth1"},
	{"AWS4-HMAC-SHA256", "sigv4"},
	{"aws4-hmac-sha256", "sigv4"},
	{"Hawk", "hawk"},
	{"Negotiate", ""},
	{"NTLM", "ntlm"},
	{"ntlm", "ntlm"},
	{"DPoP", ""},
}

func TestAuthlabSchemeFor(t *testing.T) {
	for _, tt := range authlabSchemeForTests {
		if got, _ := authlabSchemeFor(tt.token); got != tt.want {
			t.Errorf("authlabSchemeFor(%q) = %q; want %q", tt.token, got, tt.want)
		}
	}
}

// explainOfferTests pin the offer texts that moved from the switch in
// hints_challenge.go into the scheme files: moved, not changed.
var explainOfferTests = []struct {
	challenge       Challenge
	ref, detailHead string
}{
	{Challenge{Scheme: "Basic"}, "RFC 7617 §2", "Basic: send the user-id and password joined by “:”"},
	{Challenge{Scheme: "Basic", Params: []Param{{"charset", "UTF-8"}}}, "RFC 7617 §2, §2.1", "Basic: send"},
	{Challenge{Scheme: "Bearer"}, "RFC 6750 §3", "Bearer: send an OAuth 2.0 access token as `Authorization: Bearer <token>`. The challenge has no error code"},
	{Challenge{Scheme: "Digest"}, "RFC 7616 §3.3", "Digest: answer with a hash of the user-id, realm, password, nonce and request instead of the password itself. Algorithm: MD5 (the default when algorithm is absent)."},
	{Challenge{Scheme: "OAuth"}, "RFC 5849 §3.5.1", "OAuth: OAuth 1.0a signed requests"},
	{Challenge{Scheme: "AWS4-HMAC-SHA256"}, "AWS Signature Version 4", "AWS4-HMAC-SHA256: requests signed with AWS Signature Version 4."},
	{Challenge{Scheme: "Negotiate"}, "RFC 4559 §4", "Negotiate: SPNEGO"},
	{Challenge{Scheme: "Hawk", Params: []Param{{"ts", "1"}}}, "Hawk API.md “Protocol Example”", "Hawk: sign each request with an HMAC"},
	{Challenge{Scheme: "ExampleScheme", Params: []Param{{"realm", "1"}}}, "RFC 9110 §11.6.1", "A scheme authlab has no description of; see the API's documentation. Its parameters: realm."},
	{Challenge{Scheme: "NTLM"}, "MS-NTHT §2, MS-NLMP §3.1.5", "NTLM: a three-message Windows handshake"},
}

func TestExplainOffer(t *testing.T) {
	for _, tt := range explainOfferTests {
		detail, ref := explainOffer(tt.challenge)
		if ref != tt.ref || !strings.HasPrefix(detail, tt.detailHead) {
			t.Errorf("explainOffer(%+v) = %q, %q; want %q, a detail starting %q", tt.challenge, detail, ref, tt.ref, tt.detailHead)
		}
	}
}
