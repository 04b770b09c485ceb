package authn

import (
	"fmt"
	"strings"
)

// Twitter (X) API v1.1 error bodies: {"errors":[{"code":N,"message":"..."}]}.
// The codes are listed in Twitter's "Error troubleshooting" page.

func init() { registerRecognizer("twitter", hintRankProvider, twitterHints) }

const twitterRef = "Twitter API v1.1 error codes (developer.x.com “Error troubleshooting”)"

// twitterCode is what authlab knows about one Twitter error code.
type twitterCode struct {
	level  Level
	detail string
	checks []string
	ref    string
}

// twitterKnown explains a Twitter error code; false for codes authlab does
// not know.
func twitterKnown(code int, in hintInput) (twitterCode, bool) {
	switch code {
	case 215:
		return twitterCode{
			level: LevelError,
			detail: "Twitter found no usable OAuth 1.0a authentication data in the request: the Authorization header " +
				"is missing, is not OAuth 1.0a at all, or lacks required oauth_* parameters. It did not get as far as checking a signature.",
			checks: []string{
				twitterSent(in),
				"All of oauth_consumer_key, oauth_token, oauth_signature_method, oauth_timestamp, oauth_nonce, oauth_version and oauth_signature are present (RFC 5849 §3.1)",
				"The oauth_* parameters are in the Authorization header as `OAuth oauth_consumer_key=\"…\", …` (RFC 5849 §3.5.1), not somewhere the endpoint does not look",
				"User-context endpoints need OAuth 1.0a user context: Basic credentials, or an app-only Bearer token, are rejected with this code",
			},
			ref: twitterRef + "; RFC 5849 §3.5.1",
		}, true
	case 32:
		return twitterCode{
			level: LevelError,
			detail: "The request was OAuth 1.0a but the signature Twitter computed differs from oauth_signature: " +
				"either the signing key or the signature base string is not the one Twitter used.",
			checks: []string{
				"The consumer secret and the token secret are the right ones for this consumer key and token (the key is consumer_secret&token_secret, RFC 5849 §3.4.2)",
				"The signature base string includes every query and form-body parameter, each percent-encoded per RFC 3986 (RFC 5849 §3.4.1.3, §3.6) — compare it with the trace",
				"The HTTP method and the base URL (scheme, lower-case host, no default port, no query) are exactly the ones sent (RFC 5849 §3.4.1.2)",
				"The local clock is right (oauth_timestamp; see the Date header of the response)",
			},
			ref: twitterRef + "; RFC 5849 §3.4",
		}, true
	case 89:
		return twitterCode{
			level:  LevelError,
			detail: "The signature was well-formed but Twitter does not accept the oauth_token (the access token): it is unknown, revoked or not issued to this app.",
			checks: []string{
				"The access token was revoked or regenerated (in the developer portal, or by the user in their connected apps): regenerate it and update the profile",
				"The token belongs to another app: an access token only works with the consumer key it was issued to",
				"The request token (from oauth/request_token) was used instead of the access token from oauth/access_token (RFC 5849 §2.3)",
			},
			ref: twitterRef + "; RFC 5849 §2.3",
		}, true
	case 135:
		first := "Compare the response's Date header with your clock"
		if off, ok := in.clockOffset(); ok {
			first = "The response's Date header says the server clock is " + describeOffset(off)
		}
		return twitterCode{
			level:  LevelError,
			detail: "oauth_timestamp is too far from Twitter's clock (more than about 5 minutes), so the request was refused before the signature was checked.",
			checks: []string{
				first,
				"Synchronise the local clock with NTP (e.g. `timedatectl set-ntp true`)",
				"A pinned timestamp (`--cred timestamp=…`) is stale: remove it so a fresh one is generated",
			},
			ref: twitterRef + "; RFC 5849 §3.3",
		}, true
	case 88:
		return twitterCode{
			level:  LevelWarn,
			detail: "The rate limit of this endpoint for these credentials is used up.",
			checks: []string{"Wait until the time in x-rate-limit-reset (Unix seconds) before retrying"},
			ref:    twitterRef,
		}, true
	case 99:
		return twitterCode{
			level:  LevelError,
			detail: "Twitter could not verify the consumer key and secret while issuing an app-only (OAuth 2.0 client credentials) Bearer token.",
			checks: []string{
				"The consumer key and secret are the current ones (regenerating them invalidates the old pair)",
				"They are sent with Basic auth, each form-urlencoded before joining with “:” (RFC 6749 §2.3.1)",
			},
			ref: twitterRef + "; RFC 6749 §2.3.1",
		}, true
	case 220:
		return twitterCode{
			level:  LevelError,
			detail: "The credentials are valid but do not allow this resource: typically an app-only Bearer token used on an endpoint that needs a user context.",
			checks: []string{
				"Use OAuth 1.0a user context (or an OAuth 2.0 user token) for endpoints that act as a user",
				"The app's access level (read / read-write / DMs) covers this endpoint; tokens keep the level they were issued with, so regenerate them after changing it",
			},
			ref: twitterRef,
		}, true
	case 261:
		return twitterCode{
			level:  LevelError,
			detail: "The app is not allowed to perform write actions (it may be read-only or restricted).",
			checks: []string{"Give the app read and write permission, then regenerate the access token (old tokens keep the old permission)"},
			ref:    twitterRef,
		}, true
	case 453:
		return twitterCode{
			level:  LevelError,
			detail: "The app's access level (API plan) does not include this endpoint.",
			checks: []string{"Check the endpoint against the plan of the project the app belongs to"},
			ref:    twitterRef,
		}, true
	}
	return twitterCode{}, false
}

// twitterSent describes what authentication the request actually carried.
func twitterSent(in hintInput) string {
	switch s := in.sentAuthScheme(); {
	case strings.EqualFold(s, "OAuth"):
		return "An OAuth Authorization header was sent: check that it carries every oauth_* parameter"
	case s != "":
		return fmt.Sprintf("This request sent `Authorization: %s …`, not OAuth 1.0a: use -a oauth1", s)
	default:
		return "This request sent no Authorization header: use -a oauth1 with the consumer key/secret and the access token/secret"
	}
}

// looksTwitter reports whether the response comes from Twitter (X).
func (in hintInput) looksTwitter() bool {
	h := in.host()
	return hintHostIs(h, "twitter.com") || hintHostIs(h, "x.com") ||
		in.header("X-Transaction-Id") != "" || strings.HasPrefix(in.header("Server"), "tsa_")
}

// twitterHints explains each entry of a v1.1 {"errors":[…]} body. Unknown
// codes get a generic hint, titled "Twitter code" only when the response
// comes from Twitter (other APIs use the same body shape).
func twitterHints(in hintInput) []Hint {
	errs, _ := in.object()["errors"].([]any)
	var out []Hint
	for i, e := range errs {
		if i == 10 {
			break
		}
		m, _ := e.(map[string]any)
		code, ok := hintJSONInt(m, "code")
		if !ok {
			continue
		}
		msg, _ := hintJSONString(m, "message")
		msg = hintShorten(strings.TrimSpace(msg), 160)
		known, isKnown := twitterKnown(code, in)
		prefix := "Twitter code"
		if !isKnown && !in.looksTwitter() {
			prefix = "API error code"
		}
		title := fmt.Sprintf("%s %d", prefix, code)
		if msg != "" {
			title += " · " + msg
		}
		if !isKnown {
			ref := "the API's own error reference"
			if in.looksTwitter() {
				ref = twitterRef
			}
			out = append(out, Hint{
				Level: LevelWarn,
				Title: title,
				Detail: fmt.Sprintf("The server returned error code %d in an {\"errors\":[…]} body. authlab has no explanation "+
					"for this code; the message is the server's own.", code),
				Checks: []string{"Look the code up in the provider's error reference"},
				Ref:    ref,
			})
			continue
		}
		out = append(out, Hint{Level: known.level, Title: title, Detail: known.detail, Checks: known.checks, Ref: known.ref})
	}
	return out
}
