package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/authlab/authlab/authn"
	"github.com/authlab/authlab/practice"
	"github.com/authlab/authlab/ui/pretty"
)

// Presenter mode (`authlab --present`, `send --present`) shows nothing on a
// projector that works as a credential: besides the secrets every renderer
// masks, the values that authenticate a request by themselves are masked
// too. This file holds the rules both front ends share:
//   - the client's trace: every authn.Value marked Live (a signature over
//     the request) is a secret (authn.Trace.Presenting);
//   - the practice server's values beside it: a signature or a Digest
//     response it received or expected (with the signing input on screen,
//     an HMAC "expected signature" is a valid JWT), and every value whose
//     client counterpart is secret (Comparison.Presenting);
//   - the practice server's raw trace header, which carries those values
//     base64-encoded, is never shown as it is (PresentHeader).

// Presenting returns c as presenter mode shows it: every row whose
// server value is a credential (liveServerLabel) or whose client value is
// secret once Live values are (authn.Value.Presenting) has both values
// masked, and so has the first difference when it is about such a value.
// The comparison itself was made on the values as computed, so its verdict
// and first difference are the same as outside presenter mode; only what
// is shown changes. c is not changed.
func (c Comparison) Presenting() Comparison {
	c.Rows = append([]Row(nil), c.Rows...)
	masked := map[string]bool{}
	for i, r := range c.Rows {
		if r.HasClient {
			r.Client = r.Client.Presenting()
		}
		if liveServerLabel(r.Label) || (r.HasClient && r.Client.Secret) {
			r.Server, r.ServerMasked = authn.Mask(""), true
			if r.HasClient && !r.Client.Secret {
				r.Client.Secret, r.Client.Masked = true, ""
			}
			masked[practice.NormLabel(r.Label)] = true
		}
		c.Rows[i] = r
	}
	if k := practice.NormLabel(c.First.Label); liveServerLabel(k) || masked[k] || masked["received "+k] {
		if c.First.Client != "" {
			c.First.Client = authn.Mask("")
		}
		if c.First.Server != "" {
			c.First.Server = authn.Mask("")
		}
	}
	return c
}

// liveServerLabel reports whether a practice-server trace value of this
// label is a credential that works by itself: a signature or a Digest
// response, as the server received it or as it expected it ("received
// oauth_signature", "expected signature", "signature", "response").
// Lengths, checks and verdicts about them ("signature valid", "signature
// length", "signature base string") are not.
func liveServerLabel(label string) bool {
	k := practice.NormLabel(label)
	for _, p := range []string{"received ", "expected "} {
		k = strings.TrimPrefix(k, p)
	}
	return strings.HasSuffix(k, "signature") || k == "response"
}

// PresentHeader returns h with the practice server's trace header (a
// base64 document holding the values it received and expected, see
// practice.TraceHeader) replaced by a note saying where it is shown
// decoded and masked. h itself is not changed; without the header h is
// returned as it is.
func PresentHeader(h http.Header) http.Header {
	vs := h.Values(practice.TraceHeader)
	if len(vs) == 0 {
		return h
	}
	c := h.Clone()
	k := http.CanonicalHeaderKey(practice.TraceHeader)
	for i, v := range c[k] {
		c[k][i] = fmt.Sprintf("(%s of the practice server's trace, not shown in presenter mode: --trace shows it decoded, its credentials masked)", pretty.HumanSize(int64(len(v))))
	}
	return c
}

// PresentResult returns res as presenter mode shows it: every Live value
// of its trace (a signature), as it is and percent-encoded, is masked
// wherever a server echoed it back (AWS puts SignatureProvided in its error
// body; a server may quote the header it refused). The trace itself keeps
// the values, for the comparison with the practice server; renderers mask
// them (authn.Trace.Presenting). res is not changed; without a Live value
// it is returned as it is.
//
// TODO(#16): once authn's one collection of secrets holds the values a
// scheme derives (the trace's Live values), the Redact of presenter mode
// masks these and this function can go.
func PresentResult(res *authn.Result) *authn.Result {
	if res == nil {
		return nil
	}
	var live []string
	for _, s := range res.Trace.Steps {
		for _, v := range s.Values {
			if v.Live && len(v.Text) >= 4 {
				live = append(live, v.Text)
				if enc := authn.PercentEncode(v.Text); enc != v.Text {
					live = append(live, enc)
				}
			}
		}
	}
	if len(live) == 0 {
		return res
	}
	return redacted(res, authn.NewSecrets(live...))
}
