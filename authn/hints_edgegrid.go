package authn

import (
	"fmt"
	"strings"
	"time"
)

// Akamai API gateway refusals: a problem+json body (RFC 9457) whose type is
// https://problems.luna.akamaiapis.net/-/pep-authn/deny, title "Not
// authorized" and a detail naming what failed ("The signature does not
// match", "Invalid timestamp", "Invalid authorization client token",
// "Invalid authorization access token", "Inactive client token" — the
// sample of Akamai's reference page “401” of its Client Access Control API).

func init() { registerRecognizer("akamai", hintRankProvider, edgegridHints) }

// edgegridSentFields parses the name=value fields of the EG1-HMAC-SHA256
// Authorization header that was sent (as the exchange records it, with the
// access token and signature masked); nil when none was.
func edgegridSentFields(v string) map[string]string {
	word, rest, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || word != edgegridAlgorithm {
		return nil
	}
	out := map[string]string{}
	for part := range strings.SplitSeq(rest, ";") {
		if k, val, ok := strings.Cut(part, "="); ok {
			out[strings.TrimSpace(k)] = val
		}
	}
	return out
}

func edgegridHints(in hintInput) []Hint {
	if in.status() < 400 {
		return nil
	}
	obj := in.object()
	typ, _ := hintJSONString(obj, "type")
	detail, ok := hintJSONString(obj, "detail")
	if !ok || !(strings.Contains(typ, "problems.luna.akamaiapis.net") || in.schemeName() == "edgegrid" && strings.Contains(typ, "pep-authn")) {
		return nil
	}
	sent := edgegridSentFields(in.ex.Request.Header.Get("Authorization"))
	title := func(what string) string { return "Akamai EdgeGrid · " + what }
	quote := "Akamai says " + hintQuote(detail, 200) + ". "
	if id, ok := hintJSONString(obj, "requestId"); ok && id != "" {
		quote += "Its requestId " + hintQuote(id, 40) + " identifies the request to Akamai support. "
	}
	h := Hint{Level: LevelError, Ref: edgegridRefSpec}
	switch d := strings.ToLower(strings.TrimSpace(detail)); {
	case sent == nil && (strings.Contains(d, "authorization header") || strings.Contains(d, "signature")):
		h.Title = title("no EdgeGrid Authorization header was sent")
		h.Detail = quote + "Akamai APIs accept only requests signed with EdgeGrid (EG1-HMAC-SHA256)."
		h.Checks = []string{"Use -a edgegrid with client_token, client_secret and access_token (the API client's ~/.edgerc section)"}
		if s := in.sentAuthScheme(); s != "" {
			h.Checks = append([]string{fmt.Sprintf("The Authorization header uses %q, not %s", s, edgegridAlgorithm)}, h.Checks...)
		}
	case strings.Contains(d, "signature does not match"):
		h.Title = title("the signature does not match")
		h.Detail = quote + "The gateway rebuilt the data to sign from what it received and signed it with your client secret: the results differ. Either the key (client secret, timestamp) or the data (method, scheme, host, path and query, signed headers, POST body) is not what you signed."
		h.Checks = []string{
			"Perhaps the client secret is wrong, or belongs to other credentials: copy client_secret from the same ~/.edgerc section as the two tokens, whole",
			"The host is signed with its port and the path and query exactly as sent: a proxy, a redirect or a rewritten URL changes them",
			"The API may require headers to be signed (-c headers_to_sign=…, names in its documented order), and a POST body is hashed up to max_body bytes (-c max_body, default 131072)",
			"Compare the data to sign of the trace with the server's (authlab's practice server shows both side by side)",
		}
	case strings.Contains(d, "timestamp"):
		h.Title = title("the timestamp is too far from Akamai's clock")
		h.Detail = quote + "EdgeGrid requests carry the time they were signed (yyyyMMddTHH:mm:ss+0000, UTC); the gateway refuses one more than about 30 seconds from its clock, so a captured request cannot be used later."
		h.Checks = edgegridClockChecks(in, sent)
	case strings.Contains(d, "inactive client token"):
		h.Title = title("the client token is inactive")
		h.Detail = quote + "The API client's credentials were deactivated or have expired."
		h.Checks = []string{"Create or reactivate credentials for the API client in Akamai Control Center (Identity & Access Management → API clients) and update ~/.edgerc"}
	case strings.Contains(d, "client token"):
		h.Title = title("the client token is not known")
		h.Detail = quote + "The gateway did not get as far as the signature: it knows no API client with this client token."
		if sent["client_token"] != "" {
			h.Checks = append(h.Checks, fmt.Sprintf("The client token sent is %q: compare it with client_token in ~/.edgerc", hintShorten(sent["client_token"], 80)))
		}
		h.Checks = append(h.Checks, "The credentials were deleted or rotated, or belong to another account: create new ones in Control Center (Identity & Access Management → API clients)")
	case strings.Contains(d, "access token"):
		h.Title = title("the access token is not valid for this client token")
		h.Detail = quote + "The client token is known, but the access token does not belong to it."
		h.Checks = []string{"Take access_token from the same ~/.edgerc section (the same API client's credentials) as client_token",
			"An access token of an older set of credentials stops working when the credentials are rotated"}
	case strings.Contains(d, "nonce"):
		h.Title = title("the nonce was already used")
		h.Detail = quote + "Each EdgeGrid request needs a fresh nonce: the gateway refuses one it has seen, so a captured request cannot be sent again."
		h.Checks = []string{"Leave -c nonce empty so each request gets a random UUID", "A pinned nonce works once: change it or unpin it after the first request"}
	default:
		h.Title = title("the API gateway refused the credentials")
		h.Detail = quote + "The gateway's authentication refused the request before the API saw it."
		h.Checks = []string{"Check the three values of the API client's ~/.edgerc section: client_token, client_secret, access_token"}
	}
	return []Hint{h}
}

// edgegridClockChecks compares the timestamp sent with the server's clock
// (its Date header) and the local one.
func edgegridClockChecks(in hintInput, sent map[string]string) []string {
	var checks []string
	at, err := time.Parse(edgegridTimeFormat, sent["timestamp"])
	off, haveOff := in.clockOffset()
	switch {
	case err == nil && haveOff:
		skew := at.Sub(in.now.Add(off)).Round(time.Second)
		dir := "ahead of"
		if skew < 0 {
			dir, skew = "behind", -skew
		}
		checks = append(checks, fmt.Sprintf("The timestamp was %s, %s %s the server's clock (its Date header: %s); about %s is allowed",
			sent["timestamp"], skew, dir, hintShorten(in.header("Date"), 40), edgegridSkew))
		if local := in.now.Sub(at); off <= 5*time.Second && off >= -5*time.Second && (local > edgegridSkew || local < -edgegridSkew) {
			checks = append(checks, "Your clock agrees with the server's, so the timestamp was not taken from it: remove a pinned -c timestamp or stop replaying an old request")
		} else if off > 5*time.Second || off < -5*time.Second {
			checks = append(checks, "The server's clock is "+describeOffset(off)+": synchronise the local clock with NTP (e.g. `timedatectl set-ntp true`)")
		}
	case err == nil:
		checks = append(checks, fmt.Sprintf("The timestamp was %s; compare it with the real UTC time", sent["timestamp"]))
	default:
		checks = append(checks, "The timestamp must be UTC as yyyyMMddTHH:mm:ss+0000, e.g. 20140321T19:34:21+0000")
	}
	return append(checks, "Leave -c timestamp empty so each request is stamped when it is sent")
}
