package export

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/authlab/authlab/practice"
)

// signedAheadTests: OAuth 1.0a's PLAINTEXT signature is the secrets
// themselves (RFC 5849 §3.4.4), in every placement. The shell targets sign
// it ahead, so they must refuse rather than write the secrets; python
// computes it at run time, and go either does or reads the secrets back
// from the environment.
var signedAheadTests = []struct {
	placement string
	refused   []string
}{
	{"header", []string{"curl", "httpie"}},
	{"query", []string{"curl", "httpie", "go"}},
	{"body", []string{"curl", "httpie"}},
}

func TestSignedAheadHoldsNoSecret(t *testing.T) {
	for _, tt := range signedAheadTests {
		p := demoProfile("demo/twitter-plaintext", codeTwitterURL, "oauth1", map[string]string{
			"consumer_key": practice.DemoConsumerKey, "consumer_secret": "env:CONSUMER_SECRET",
			"token": practice.DemoAccessToken, "token_secret": "keyring:token-secret",
			"signature_method": "PLAINTEXT", "placement": tt.placement})
		if tt.placement == "body" {
			p.Method, p.Body = "POST", "a=b"
		}
		for _, format := range Targets() {
			s, err := Export(p, format, goldenOptions())
			refused := errors.Is(err, ErrUnsupported) && strings.Contains(err.Error(), "--format python")
			switch want := slices.Contains(tt.refused, format); {
			case want && !refused:
				t.Errorf("Export(PLAINTEXT in %s, %s) = %v; want ErrUnsupported naming --format python", tt.placement, format, err)
			case !want && err != nil:
				t.Errorf("Export(PLAINTEXT in %s, %s) = %v; want a text", tt.placement, format, err)
			}
			assertNoShellSecret(t, format+" PLAINTEXT in "+tt.placement, s.Text)
		}
	}
}
