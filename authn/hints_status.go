package authn

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Status classes that concern authentication: 401 vs 403 (RFC 9110
// §15.5.2, §15.5.4), 407 (§15.5.8), 429 (RFC 6585 §4) and redirects that were
// not followed (RFC 9110 §15.4).

func init() { registerRecognizer("status", hintRankStatus, statusHints) }

func statusHints(in hintInput) []Hint {
	var out []Hint
	add := func(h Hint, ok bool) {
		if ok {
			out = append(out, h)
		}
	}
	add(notSentHint(in))
	generic := func(h Hint) Hint { h.fallback = true; return h }
	switch s := in.status(); {
	case s == 401:
		add(generic(unauthorizedHint(in)), true)
		add(noChallengeHint(in))
	case s == 403:
		add(generic(forbiddenHint(in)), true)
	case s == 407:
		add(proxyAuthHint(in), true)
	case s == 429:
		add(rateLimitHint(in), true)
	case s >= 300 && s <= 399:
		if in.hops > 0 {
			add(tooManyRedirectsHint(in), true)
		} else {
			add(redirectHint(in))
		}
	}
	return out
}

// sentNothing reports whether the request carried no credentials at all:
// no scheme, nothing the scheme added, no Authorization header or cookie set
// by hand.
func (in hintInput) sentNothing() bool {
	r := in.ex.Request
	return in.schemeName() == "none" && len(r.Credentials) == 0 &&
		r.Header.Get("Authorization") == "" && r.Header.Get("Cookie") == ""
}

func noCredentialsCheck() string {
	return "No credentials were sent: choose a scheme with -a (see `authlab schemes`)"
}

// notSentHint fires when a scheme was chosen but the final request carried
// none of its credentials (the engine strips them on a cross-origin
// redirect).
func notSentHint(in hintInput) (Hint, bool) {
	s := in.status()
	// Only a redirect hop loses credentials; a Digest challenge request or
	// an OAuth 2.0 token request carries none of the scheme's by design.
	if in.ex.Role != RoleRedirect && in.ex.Role != "" {
		return Hint{}, false
	}
	if (s != 401 && s != 403 && s != 407) || in.schemeName() == "none" || len(in.ex.Request.Credentials) > 0 ||
		in.ex.Request.Header.Get("Authorization") != "" {
		return Hint{}, false
	}
	return Hint{
		Level: LevelError,
		Title: "Credentials not sent on the final request",
		Detail: fmt.Sprintf("The %s credentials were not on the request that got this answer. authlab drops credentials when a redirect "+
			"leaves the origin (scheme, host and port) they were meant for, as curl does since CVE-2022-27776; the trace shows where.", in.schemeTitle()),
		Checks: []string{
			"Send the request to the final URL directly, so the credentials go to the origin that wants them",
			"A challenge-response scheme (Digest) only answers a matching challenge: check that the server sent one",
		},
		Ref: "RFC 9110 §15.4",
	}, true
}

func unauthorizedHint(in hintInput) Hint {
	checks := []string{
		"The credentials are right and current: a typo, an expired or revoked token, or credentials for another environment (test vs production)",
		"The scheme is one the server offers in WWW-Authenticate",
		"They reached the server: a redirect to another origin drops them, and some proxies strip Authorization",
	}
	if in.sentNothing() {
		checks = append([]string{noCredentialsCheck()}, checks...)
	}
	return Hint{
		Level: LevelWarn,
		Title: "401 Unauthorized · credentials missing or not accepted",
		Detail: "401 means the server did not accept who you are: no credentials reached it, or the ones that did are wrong, expired " +
			"or in a form it does not understand. Its WWW-Authenticate challenges say what it expects.",
		Checks: checks,
		Ref:    "RFC 9110 §15.5.2",
	}
}

func noChallengeHint(in hintInput) (Hint, bool) {
	if len(in.challenges) > 0 || in.challengeErr != nil {
		return Hint{}, false
	}
	return Hint{
		Level: LevelWarn,
		Title: "401 without a WWW-Authenticate challenge",
		Detail: "A 401 response must carry a WWW-Authenticate header with at least one challenge; this one does not, so the server does not say " +
			"which scheme it expects. Clients that wait for a challenge (Digest, a browser's Basic prompt, curl --anyauth) cannot go on.",
		Checks: []string{
			"Find the expected scheme in the API's documentation",
			"The API may use a cookie session or a custom header (e.g. X-API-Key) rather than HTTP authentication",
			"A gateway or framework may have replaced the origin's response",
		},
		Ref: "RFC 9110 §15.5.2, §11.6.1",
	}, true
}

func forbiddenHint(in hintInput) Hint {
	checks := []string{
		"The account or token lacks the permission, role or scope this resource needs",
		"An IP allow-list, firewall or bot protection refused the request (an HTML body often gives it away)",
		"A CSRF token or Origin check failed (cookie sessions on state-changing requests)",
		"Some servers answer 403 where 401 is meant, for missing or wrong credentials",
	}
	if in.sentNothing() {
		checks = append([]string{noCredentialsCheck()}, checks...)
	}
	return Hint{
		Level: LevelWarn,
		Title: "403 Forbidden · authenticated, but not allowed",
		Detail: "403 means the server understood the request and refuses it: it knows who you are (or does not need to) and says no. " +
			"Retrying with the same credentials will not help; different permissions might.",
		Checks: checks,
		Ref:    "RFC 9110 §15.5.4",
	}
}

func proxyAuthHint(in hintInput) Hint {
	detail := "A proxy between you and the server wants credentials in Proxy-Authorization; the origin server never saw the request."
	if len(in.proxy) > 0 {
		var offers []string
		for _, c := range in.proxy {
			offers = append(offers, hintShorten(c.String(), 120))
		}
		detail += " Its Proxy-Authenticate offers: " + strings.Join(offers, "; ") + "."
	}
	if in.proxyErr != nil {
		detail += " Its Proxy-Authenticate header is malformed: " + in.proxyErr.Error() + "."
	}
	checks := []string{"Give the proxy its credentials: --proxy-user USER:env:NAME (or HTTPS_PROXY=http://user:pass@proxy:3128)"}
	if rt := in.ex.Proxy; rt != nil && rt.User != "" {
		// Basic credentials went to the proxy and it answered 407 again.
		detail = fmt.Sprintf("The proxy refused the credentials of proxy user %q; the origin server never saw the request.", rt.User) + strings.TrimPrefix(detail, "A proxy between you and the server wants credentials in Proxy-Authorization; the origin server never saw the request.")
		checks = []string{"Check the user name and the password reference of --proxy-user"}
	}
	return Hint{
		Level:  LevelWarn,
		Title:  "407 Proxy Authentication Required",
		Detail: detail,
		Checks: []string{
			checks[0],
			"Corporate proxies often want Negotiate (Kerberos) or NTLM, which authlab cannot send to a proxy (--proxy-user is Basic): use curl --proxy-negotiate -U : or --proxy-ntlm -U USER there",
			"The proxy may not be meant for this host at all (NO_PROXY)",
		},
		Ref: "RFC 9110 §15.5.8, §11.7",
	}
}

// hintRetryAfter describes a Retry-After value (RFC 9110 §10.2.3): delay
// seconds or an HTTP-date.
func hintRetryAfter(v string, now time.Time) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return "Retry-After asks to wait " + (time.Duration(n) * time.Second).String() + "."
	}
	if t, err := http.ParseTime(v); err == nil {
		s := "Retry-After asks to wait until " + t.UTC().Format(http.TimeFormat)
		if !now.IsZero() && t.After(now) {
			s += " (" + t.Sub(now).Round(time.Second).String() + " from now)"
		}
		return s + "."
	}
	return "Retry-After is malformed: " + hintQuote(v, 60) + "."
}

func rateLimitHint(in hintInput) Hint {
	detail := "The server is limiting how often these credentials, or this address, may call it."
	if ra := hintRetryAfter(in.header("Retry-After"), in.now); ra != "" {
		detail += " " + ra
	}
	return Hint{
		Level:  LevelWarn,
		Title:  "429 Too Many Requests · rate limited",
		Detail: detail,
		Checks: []string{
			"Wait before retrying (Retry-After, or the reset time in RateLimit-* / X-RateLimit-* headers)",
			"Anonymous callers usually get a much lower limit than authenticated ones: check the credentials were sent",
			"Another client sharing the same token or address may be using up the quota",
		},
		Ref: "RFC 6585 §4, RFC 9110 §10.2.3",
	}
}

// hintOrigin is scheme://host:port with the default port made explicit.
func hintOrigin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

func redirectHint(in hintInput) (Hint, bool) {
	loc := strings.TrimSpace(in.header("Location"))
	if loc == "" {
		return Hint{}, false
	}
	s := in.status()
	target := hintShorten(loc, 300)
	var next *url.URL
	if u, err := url.Parse(loc); err == nil {
		next = u
		if base := in.ex.Request.URL; base != nil {
			next = base.ResolveReference(u)
		}
		target = hintShorten(next.String(), 300)
	}
	detail := fmt.Sprintf("The server redirects to %s. authlab follows redirects only with --follow, and stops after the hop limit.", target)
	if base := in.ex.Request.URL; base != nil && next != nil && next.Host != "" && hintOrigin(base) != hintOrigin(next) {
		detail += fmt.Sprintf(" The target is another origin (%s, not %s): authlab would not send the credentials there.",
			hintOrigin(next), hintOrigin(base))
		if strings.EqualFold(base.Scheme, "https") && strings.EqualFold(next.Scheme, "http") {
			detail += " It also downgrades https to plain http."
		}
	}
	return Hint{
		Level:  LevelWarn,
		Title:  fmt.Sprintf("%d %s · redirect not followed", s, hintStatusText(s)),
		Detail: detail,
		Checks: []string{
			"Re-run with --follow to follow it",
			"Or call the target URL directly, with the credentials it needs (they are dropped on a hop to another origin)",
			"A redirect to a login page means the endpoint expects a browser session, not these credentials",
			"Following 301, 302 or 303 turns a POST into a GET; 307 and 308 keep the method and body (RFC 9110 §15.4)",
		},
		Ref: "RFC 9110 §15.4",
	}, true
}

// tooManyRedirectsHint explains a final 3xx reached while following
// redirects: the engine gave up at its hop limit (RFC 9110 §15.4).
func tooManyRedirectsHint(in hintInput) Hint {
	return Hint{
		Level:  LevelError,
		Title:  fmt.Sprintf("Too many redirects · gave up after %d hops", in.hops),
		Detail: "The server kept redirecting. A loop usually means the endpoint wants something this request lacks, such as a session cookie set by a login page, or it bounces between http and https or two host names.",
		Checks: []string{
			"Run without --follow and read each Location with -v",
			"A redirect to a login page means the endpoint expects a browser session, not these credentials",
			"Call the final URL directly",
		},
		Ref: "RFC 9110 §15.4",
	}
}
