package export

import (
	"fmt"
	"strings"

	"github.com/authlab/authlab/authn"
)

// heldSecret checks the literal text of a request signed ahead (its URL,
// header values and body, with the values already put back as variables
// taken out) for a secret of the plan, as it is or in the encodings a
// scheme may send it in: percent-encoded once or twice (RFC 3986 §2.3; OAuth
// 1.0a's PLAINTEXT signature is the two secrets, encoded, RFC 5849 §3.4.4,
// and encoded again in the Authorization header, §3.5.1) or form-encoded.
// It fails, wrapping ErrUnsupported, naming the first secret found: such a
// request cannot be written without --reveal.
func heldSecret(p *Plan, target string, literals ...string) error {
	for _, v := range p.vars {
		if !v.Secret {
			continue
		}
		val, err := p.Resolve(Value{Var: v.Name})
		if err != nil {
			return err
		}
		if val == "" {
			continue
		}
		// every encoding the one Mask knows (authn.Secrets.Mask), plus
		// RFC 3986 unreserved-only encoding, which OAuth 1.0a uses
		once := authn.PercentEncode(val)
		forms := authn.NewSecrets(val, once, authn.PercentEncode(once))
		for _, l := range literals {
			if forms.Contains(l) {
				return &unsupportedError{what: fmt.Sprintf("%s: the request authlab would sign for it carries the %s itself (%s), which only --reveal may write", target, strings.ToLower(v.Label), p.Scheme.Title)}
			}
		}
	}
	return nil
}
