package authn

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// GitHub REST API error bodies ({"message":"…","documentation_url":"…"})
// and headers (X-GitHub-SSO, X-RateLimit-*, X-OAuth-Scopes).

func init() { registerRecognizer("github", hintRankProvider, githubHints) }

const githubAuthRef = "GitHub REST API: “Authenticating to the REST API” (docs.github.com/rest/authentication)"

// looksGitHub reports whether the response comes from GitHub (github.com or
// GitHub Enterprise Server).
func (in hintInput) looksGitHub() bool {
	if doc, _ := hintJSONString(in.object(), "documentation_url"); strings.Contains(doc, "docs.github.com") ||
		strings.Contains(doc, "developer.github.com") {
		return true
	}
	h := in.host()
	return in.header("X-GitHub-Request-Id") != "" || strings.EqualFold(in.header("Server"), "GitHub.com") ||
		hintHostIs(h, "github.com") || hintHostIs(h, "githubusercontent.com")
}

func githubHints(in hintInput) []Hint {
	isGitHub := in.looksGitHub()
	msg, generic, hasMsg := githubMessageHint(in, isGitHub)
	if !isGitHub {
		if hasMsg {
			return []Hint{msg}
		}
		return nil
	}
	var out []Hint
	for _, f := range []func(hintInput) (Hint, bool){githubSSOHint, githubRateLimitHint, githubScopeHint} {
		if h, ok := f(in); ok {
			out = append(out, h)
			// A header-based error explains the refusal better than
			// GitHub's message, which then only repeats it.
			if h.Level == LevelError && generic {
				hasMsg = false
			}
		}
	}
	if hasMsg {
		out = append([]Hint{msg}, out...)
	}
	return out
}

// githubMessageHint explains the "message" of a GitHub error body. The two
// authentication messages are recognised even when nothing else says GitHub.
// generic is set when authlab has nothing to add to GitHub's wording.
func githubMessageHint(in hintInput, isGitHub bool) (h Hint, generic, ok bool) {
	msg, _ := hintJSONString(in.object(), "message")
	msg = strings.TrimSpace(msg)
	if msg == "" || in.status() < 400 {
		return Hint{}, false, false
	}
	doc, _ := hintJSONString(in.object(), "documentation_url")
	title := "GitHub · " + hintShorten(msg, 160)
	sent := in.sentAuthScheme()
	switch {
	case strings.EqualFold(msg, "Bad credentials"):
		checks := []string{
			"The token is current: personal access tokens expire, and are revoked when regenerated or when GitHub finds them in a public commit",
			"Password authentication to the REST API is no longer accepted: send a personal access token as the Basic password, or as `Authorization: Bearer <token>`",
			"The whole token was pasted (ghp_…, github_pat_…, gho_…, ghs_…), without quotes or trailing whitespace",
			"For GitHub Enterprise Server, the token was issued by that server, not by github.com",
		}
		if strings.EqualFold(sent, "Basic") {
			checks[0], checks[1] = checks[1], checks[0]
		}
		return Hint{
			Level:  LevelError,
			Title:  title,
			Detail: "GitHub received credentials and rejected them: the token or password is wrong, expired or revoked." + githubDoc(doc),
			Checks: checks,
			Ref:    githubAuthRef,
		}, false, true
	case strings.EqualFold(msg, "Requires authentication"):
		checks := []string{
			"The scheme puts the token where GitHub reads it: `Authorization: Bearer <token>` (or `token <token>`), or Basic with the token as the password; the access_token query parameter is no longer accepted",
			"A redirect dropped the credentials: authlab does not send them to another origin (scheme, host or port), so call api.github.com directly",
			"A proxy or gateway in between stripped the Authorization header",
		}
		if in.schemeName() == "none" && sent == "" {
			checks = append([]string{"No credentials were sent: pick a scheme, e.g. -a bearer -c token=env:GITHUB_TOKEN"}, checks...)
		}
		return Hint{
			Level:  LevelError,
			Title:  title,
			Detail: "No credentials reached GitHub: this endpoint needs an authenticated caller." + githubDoc(doc),
			Checks: checks,
			Ref:    githubAuthRef,
		}, false, true
	case !isGitHub:
		return Hint{}, false, false
	case in.status() == 404:
		checks := []string{
			"The credentials' owner can see this resource (repository, organization, gist)",
			"The token's permissions cover it: the repo scope for private repositories (classic token), or this repository with the needed permission (fine-grained token)",
			"The organization allows the token (fine-grained token approval, OAuth app access restrictions, SAML SSO)",
			"The URL is spelled right (owner/repo, API path)",
		}
		if in.schemeName() == "none" && sent == "" {
			checks = append([]string{"No credentials were sent: a private resource looks like 404 to an anonymous caller"}, checks...)
		}
		return Hint{
			Level: LevelWarn,
			Title: title,
			Detail: "GitHub answers 404 instead of 403 for private resources the caller may not see, so as not to reveal that they exist. " +
				"It may also simply not exist." + githubDoc(doc),
			Checks: checks,
			Ref:    "GitHub REST API: “Troubleshooting” (docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api)",
		}, false, true
	case strings.HasPrefix(msg, "Resource not accessible by"):
		return Hint{
			Level:  LevelError,
			Title:  title,
			Detail: "GitHub knows who is calling but the token's permissions do not cover this operation." + githubDoc(doc),
			Checks: []string{
				"A fine-grained token or GitHub App installation lacks the permission this endpoint lists (e.g. Contents: write)",
				"The token is not granted access to this repository",
				"A GITHUB_TOKEN in Actions has the permissions of its workflow's `permissions:` block",
			},
			Ref: "GitHub REST API: “Permissions required for fine-grained personal access tokens”",
		}, false, true
	}
	return Hint{
		Level:  LevelWarn,
		Title:  title,
		Detail: fmt.Sprintf("GitHub answered %d %s with this message; it is GitHub's own wording.", in.status(), hintStatusText(in.status())) + githubDoc(doc),
		Checks: []string{"Read the documentation page GitHub linked"},
		Ref:    "GitHub REST API",
	}, true, true
}

func githubDoc(doc string) string {
	if doc == "" {
		return ""
	}
	return " GitHub points to " + hintShorten(doc, 200) + "."
}

// githubSSOHint explains X-GitHub-SSO: the token is fine, but the
// organization enforces SAML single sign-on and the token is not authorized
// for it.
func githubSSOHint(in hintInput) (Hint, bool) {
	v := strings.TrimSpace(in.header("X-GitHub-SSO"))
	if v == "" {
		return Hint{}, false
	}
	if strings.HasPrefix(strings.ToLower(v), "partial-results") {
		return Hint{
			Level:  LevelInfo,
			Title:  "GitHub · results omit SAML SSO organizations",
			Detail: "The list leaves out resources of organizations that enforce SAML single sign-on, because the token is not authorized for them.",
			Checks: []string{"Authorize the token for those organizations (Settings → Developer settings → token → Configure SSO)"},
			Ref:    "GitHub REST API: “Authenticating to the REST API” (SAML SSO)",
		}, true
	}
	detail := "The organization enforces SAML single sign-on and this token has not been authorized for it, so GitHub refuses it here even though it is valid."
	if _, u, ok := strings.Cut(v, "url="); ok {
		detail += " Authorize it at " + hintShorten(strings.TrimSpace(u), 300) + "."
	}
	return Hint{
		Level:  LevelError,
		Title:  "GitHub · SAML SSO authorization required",
		Detail: detail,
		Checks: []string{
			"Authorize the token for the organization (the URL above, or Settings → Developer settings → token → Configure SSO)",
			"An active SAML session may also be needed: sign in through the identity provider first",
		},
		Ref: "GitHub REST API: “Authenticating to the REST API” (SAML SSO)",
	}, true
}

// githubRateLimitHint explains X-RateLimit-Remaining: 0.
func githubRateLimitHint(in hintInput) (Hint, bool) {
	if strings.TrimSpace(in.header("X-RateLimit-Remaining")) != "0" {
		return Hint{}, false
	}
	level := LevelWarn
	detail := "This was the last request the rate limit allowed."
	if in.status() == 403 || in.status() == 429 {
		level = LevelError
		detail = "GitHub refused the request because the rate limit is used up."
	}
	if reset, err := strconv.ParseInt(strings.TrimSpace(in.header("X-RateLimit-Reset")), 10, 64); err == nil && reset > 0 {
		at := time.Unix(reset, 0).UTC()
		detail += " It resets at " + at.Format(time.TimeOnly) + " UTC"
		if !in.now.IsZero() && at.After(in.now) {
			detail += " (in " + at.Sub(in.now).Round(time.Second).String() + ")"
		}
		detail += "."
	}
	checks := []string{"Wait for the reset time (X-RateLimit-Reset, Unix seconds) before retrying"}
	if l := strings.TrimSpace(in.header("X-RateLimit-Limit")); l == "60" {
		checks = append([]string{"The limit is 60 requests an hour, GitHub's limit for unauthenticated callers: the credentials were not used"}, checks...)
	} else {
		checks = append(checks, "Authenticated callers get 5,000 requests an hour (more for GitHub Apps); check X-RateLimit-Resource for which limit applies")
	}
	return Hint{
		Level:  level,
		Title:  "GitHub · rate limit exhausted",
		Detail: detail,
		Checks: checks,
		Ref:    "GitHub REST API: “Rate limits for the REST API”",
	}, true
}

// githubScopeHint compares X-Accepted-OAuth-Scopes (what the endpoint
// accepts) with X-OAuth-Scopes (what a classic token has) on a refusal.
func githubScopeHint(in hintInput) (Hint, bool) {
	if in.status() != 403 && in.status() != 404 {
		return Hint{}, false
	}
	accepted := githubScopes(in.header("X-Accepted-OAuth-Scopes"))
	if len(accepted) == 0 || len(in.resp.Header.Values("X-OAuth-Scopes")) == 0 {
		return Hint{}, false
	}
	have := githubScopes(in.header("X-OAuth-Scopes"))
	for _, a := range accepted {
		for _, h := range have {
			if githubScopeCovers(h, a) {
				return Hint{}, false
			}
		}
	}
	haveText := strings.Join(have, ", ")
	if haveText == "" {
		haveText = "none"
	}
	return Hint{
		Level: LevelError,
		Title: "GitHub · token lacks a required OAuth scope",
		Detail: fmt.Sprintf("This endpoint accepts a token with one of the scopes %s; the token has: %s.",
			hintShorten(strings.Join(accepted, ", "), 200), hintShorten(haveText, 200)),
		Checks: []string{"Add one of the accepted scopes to the classic token (or create a token with it), then retry"},
		Ref:    "GitHub: “Scopes for OAuth apps” (X-OAuth-Scopes, X-Accepted-OAuth-Scopes)",
	}, true
}

func githubScopes(v string) []string {
	var out []string
	for s := range strings.SplitSeq(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// githubScopeCovers reports whether having scope h grants scope a: a parent
// scope grants its sub-scopes (repo → repo:status, public_repo; admin:org →
// write:org → read:org; user → user:email).
func githubScopeCovers(h, a string) bool {
	switch {
	case h == a, strings.HasPrefix(a, h+":"):
		return true
	case h == "repo" && (a == "public_repo" || a == "repo_deployment" || a == "security_events"),
		h == "user" && a == "read:user":
		return true
	}
	hk, hres, ok1 := strings.Cut(h, ":")
	ak, ares, ok2 := strings.Cut(a, ":")
	if !ok1 || !ok2 || hres != ares {
		return false
	}
	rank := map[string]int{"read": 1, "write": 2, "admin": 3}
	return rank[hk] > 0 && rank[ak] > 0 && rank[hk] >= rank[ak]
}
