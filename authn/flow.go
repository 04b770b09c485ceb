package authn

import (
	"context"
	"net/url"
	"time"
)

// Flow is implemented by schemes whose credentials take more than the one
// signed request: Digest answers the server's 401 challenge (RFC 7616 §3.3),
// OAuth 2.0 fetches a token from the token endpoint first (RFC 6749 §4) and
// fetches another when the API says it expired. A Flow is still a Scheme:
// Authorize signs each request it is asked to, using what Prepare and Answer
// kept in Env.Session.
//
// The engine's contract, in order, for one Exchange call:
//  1. Prepare once, before anything is signed. It may send exchanges of its
//     own with Call.Do; each is recorded in Result.Exchanges with its role.
//  2. Authorize, send, and Answer with the response. When Answer returns
//     true the engine signs and sends the same request again (at most
//     MaxRetries times per hop), so a 401 challenge costs one round trip.
//  3. Redirects are followed as for any scheme; Answer sees every hop's
//     response while the credentials still travel (never after they were
//     dropped for a cross-origin redirect).
type Flow interface {
	Scheme
	Prepare(ctx context.Context, c *Call) error
	Answer(ctx context.Context, c *Call, resp *Response) (retry bool, err error)
}

// MaxRetries bounds how often a Flow may ask for the same request to be sent
// again within one hop (a challenge, then a stale nonce).
const MaxRetries = 2

// Roles of exchanges, shown by the flow view. Schemes may use their own.
const (
	RoleRequest   = "request"   // the user's request
	RoleChallenge = "challenge" // sent without credentials to get the server's challenge
	RoleRetry     = "retry"     // the user's request sent again with the answer
	RoleToken     = "token"     // a token endpoint request (OAuth 2.0)
	RoleRedirect  = "redirect"  // a redirect hop
)

// Call is what a Flow gets from the engine during one Exchange: the
// validated credentials, the environment (clock, randomness, session state),
// the trace to add steps to, the request's target and the means to make
// exchanges of its own and to tell the user something while it waits.
type Call struct {
	Creds  Credentials
	Env    Env
	Trace  *Trace
	Method string   // method of the user's request
	URL    *url.URL // target of the user's request (do not modify)

	// Role is the role the engine gives the next exchange of the user's
	// request; Answer may change it (e.g. to RoleRetry).
	Role string

	// Timeout is the exchange's timeout (Options.Timeout, or the
	// Request's). Each Do gets it whole; a flow that waits for the user
	// (the device flow's polling) bounds its whole wait by it.
	Timeout time.Duration

	do     func(ctx context.Context, role string, out *Outgoing) (*Response, error)
	notify func(Notice)
}

// Do sends out once, exactly as built (no redirects followed, no scheme
// applied), records it in the Result with role and returns the response with
// its body read up to the cap. Credentials in out must be recorded with
// out.SetHeader/AddBodyParams so they are masked; secrets that come back in
// the response are masked by marking them with Response.MarkSecret.
func (c *Call) Do(ctx context.Context, role string, out *Outgoing) (*Response, error) {
	return c.do(ctx, role, out)
}

// Notify shows n to the user while the flow waits (a device code to enter, a
// URL to open). Front ends without a listener drop it.
func (c *Call) Notify(n Notice) {
	if c.notify != nil {
		c.notify(n)
	}
}

// Notice is something a flow needs the user to see or do while it waits:
// the user code and verification URI of the device flow (RFC 8628 §3.3), the
// authorization URL of the code flow (RFC 6749 §4.1.1).
type Notice struct {
	Title    string    // e.g. "Enter the code on the verification page"
	Code     string    // a user code to show prominently ("WDJB-MJHT")
	URL      string    // a URL to open (verification_uri or authorization URL)
	Detail   string    // one more line (e.g. "polling every 5 s")
	Deadline time.Time // when the code expires; zero when none (countdown)
	Done     bool      // the wait is over: front ends remove the notice
}

// MarkSecret records values in the response (an access token, a refresh
// token) that renderers mask unless the user asked to reveal them.
func (r *Response) MarkSecret(values ...string) {
	for _, v := range values {
		if len(v) >= 4 {
			r.Secrets = append(r.Secrets, v)
		}
	}
}
