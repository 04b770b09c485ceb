package authn

import (
	"strings"
	"testing"
)

var presentingTests = []struct {
	name string
	in   Value
	want Value
}{
	{"plain stays", Plain("nonce", "abc123"), Plain("nonce", "abc123")},
	{"live becomes secret", Signature("oauth_signature", "sig+/="), Value{Label: "oauth_signature", Text: "sig+/=", Live: true, Secret: true}},
	{"secret keeps its mask", Secret("signing key", "a&b", "••••••••&"), Secret("signing key", "a&b", "••••••••&")},
}

func TestValuePresenting(t *testing.T) {
	for _, tt := range presentingTests {
		if got := tt.in.Presenting(); got != tt.want {
			t.Errorf("%s: %+v.Presenting() = %+v; want %+v", tt.name, tt.in, got, tt.want)
		}
		if got := tt.in.Presenting().Shown(false); tt.in.Live && got != Mask("") {
			t.Errorf("%s: Presenting().Shown(false) = %q; want the mask", tt.name, got)
		}
	}
}

// TestSignaturesLiveInPresenterMode: the published signatures (the Twitter
// example for OAuth 1.0a, RFC 5849 §3.4.2; the AWS test suite's
// get-vanilla for SigV4) are shown in a trace, for comparison, but are Live:
// once presented (Trace.Presenting), no value of the trace shows them, as
// computed or percent-encoded. The trace itself is not changed.
func TestSignaturesLiveInPresenterMode(t *testing.T) {
	_, oauth := mustSignOAuth1(t, oauth1Req{"POST", twitterURL, "application/x-www-form-urlencoded", twitterBody}, twitterFields())
	out := sigv4Outgoing(t, "GET", "https://example.amazonaws.com/", "")
	var aws Trace
	if err := (sigv4{}).Authorize(out, sigv4Creds(), Env{}, &aws); err != nil {
		t.Fatal(err)
	}
	awsSig := sigv4VanillaAuthz[strings.LastIndex(sigv4VanillaAuthz, "=")+1:]
	for _, tt := range []struct {
		name string
		tr   *Trace
		sig  string
	}{{"oauth1", oauth, twitterSignature}, {"sigv4", &aws, awsSig}} {
		forms := []string{tt.sig, PercentEncode(tt.sig)}
		shows := func(tr Trace) bool {
			for _, s := range tr.Steps {
				for _, v := range s.Values {
					for _, f := range forms {
						if strings.Contains(v.Shown(false), f) {
							return true
						}
					}
				}
			}
			return false
		}
		if !shows(*tt.tr) {
			t.Errorf("%s: the trace does not show the signature %q outside presenter mode", tt.name, tt.sig)
		}
		if shows(tt.tr.Presenting()) {
			t.Errorf("%s: the presented trace still shows the signature %q", tt.name, tt.sig)
		}
		if !shows(*tt.tr) {
			t.Errorf("%s: Presenting changed the trace it was called on", tt.name)
		}
	}
}
