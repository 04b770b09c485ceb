package authn

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// hintNow is the local clock of every test exchange.
var hintNow = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)

// hintHeader builds a header from name/value pairs.
func hintHeader(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// hintExchange builds an exchange: a request (method, URL, headers, body) and its
// response (status, headers, body).
func hintExchange(method, rawURL string, reqHdr http.Header, reqBody string, status int, respHdr http.Header, body string) *Exchange {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	if reqHdr == nil {
		reqHdr = http.Header{}
	}
	if respHdr == nil {
		respHdr = http.Header{}
	}
	return &Exchange{
		Request:  SentRequest{Method: method, URL: u, Proto: "HTTP/1.1", Header: reqHdr, Body: []byte(reqBody)},
		Response: &Response{Status: status, Proto: "HTTP/1.1", Header: respHdr, Body: []byte(body), ContentLength: int64(len(body))},
	}
}

// hintGet is a GET with the given request headers.
func hintGet(rawURL string, reqHdr http.Header, status int, respHdr http.Header, body string) *Exchange {
	return hintExchange("GET", rawURL, reqHdr, "", status, respHdr, body)
}

// hintWithCreds records that the scheme added the Authorization header.
func hintWithCreds(ex *Exchange) *Exchange {
	ex.Request.Credentials = []Credential{{Where: InHeader, Name: "Authorization",
		Value: ex.Request.Header.Get("Authorization"), Masked: Mask("")}}
	return ex
}

var (
	hintSchemeNone   = Info{Name: "none", Title: "No authentication"}
	hintSchemeBasic  = Info{Name: "basic", Title: "Basic"}
	hintSchemeBearer = Info{Name: "bearer", Title: "Bearer token"}
	hintSchemeOAuth1 = Info{Name: "oauth1", Title: "OAuth 1.0a"}
	hintSchemeDigest = Info{Name: "digest", Title: "Digest"}
	hintSchemeAPIKey = Info{Name: "apikey", Title: "API key"}
)

const (
	twitter215Body = `{"errors":[{"code":215,"message":"Bad Authentication data."}]}`
	githubBadCreds = `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`
	hintJSONType   = "application/json; charset=utf-8"
)

// levelTitle is the level and title of one expected hint.
type levelTitle struct {
	Level Level
	Title string
}

func (x levelTitle) String() string { return fmt.Sprintf("%s %q", x.Level, x.Title) }

func errH(t string) levelTitle  { return levelTitle{LevelError, t} }
func warnH(t string) levelTitle { return levelTitle{LevelWarn, t} }
func infoH(t string) levelTitle { return levelTitle{LevelInfo, t} }

const (
	hintT401     = "401 Unauthorized · credentials missing or not accepted"
	hintT401None = "401 without a WWW-Authenticate challenge"
	hintT403     = "403 Forbidden · authenticated, but not allowed"
)

var explainTests = []struct {
	name   string
	ex     *Exchange
	scheme Info
	want   []levelTitle
}{
	// Twitter API v1.1
	{
		name: "twitter 215, Bearer sent to a user-context endpoint",
		ex: hintWithCreds(hintExchange("POST", "https://api.twitter.com/1.1/statuses/update.json", hintHeader("Authorization", "Bearer AAAA"), "status=hi",
			400, hintHeader("Content-Type", hintJSONType), twitter215Body)),
		scheme: hintSchemeBearer,
		want:   []levelTitle{errH("Twitter code 215 · Bad Authentication data.")},
	},
	{
		name: "twitter 32 with its OAuth challenge",
		ex: hintWithCreds(hintGet("https://api.twitter.com/1.1/account/verify_credentials.json", hintHeader("Authorization", `OAuth oauth_consumer_key="k"`),
			401, hintHeader("Content-Type", hintJSONType, "WWW-Authenticate", `OAuth realm="https://api.twitter.com"`),
			`{"errors":[{"code":32,"message":"Could not authenticate you."}]}`)),
		scheme: hintSchemeOAuth1,
		want: []levelTitle{
			errH("Twitter code 32 · Could not authenticate you."),
			infoH(`Server offers OAuth · realm "https://api.twitter.com"`),
		},
	},
	{
		name: "twitter 89",
		ex: hintWithCreds(hintGet("https://api.twitter.com/1.1/account/verify_credentials.json", hintHeader("Authorization", `OAuth oauth_token="t"`),
			401, hintHeader("Content-Type", hintJSONType, "WWW-Authenticate", `OAuth realm="https://api.twitter.com"`, "Date", hintNow.Format(http.TimeFormat)),
			`{"errors":[{"code":89,"message":"Invalid or expired token."}]}`)),
		scheme: hintSchemeOAuth1,
		want: []levelTitle{
			errH("Twitter code 89 · Invalid or expired token."),
			infoH(`Server offers OAuth · realm "https://api.twitter.com"`),
		},
	},
	{
		name: "twitter 135 with a server clock 7m12s ahead",
		ex: hintWithCreds(hintGet("https://api.twitter.com/1.1/account/verify_credentials.json", hintHeader("Authorization", `OAuth oauth_timestamp="1"`),
			401, hintHeader("Content-Type", hintJSONType, "Date", hintNow.Add(7*time.Minute+12*time.Second).Format(http.TimeFormat),
				"WWW-Authenticate", `OAuth realm="https://api.twitter.com"`),
			`{"errors":[{"code":135,"message":"Timestamp out of bounds."}]}`)),
		scheme: hintSchemeOAuth1,
		want: []levelTitle{
			errH("Twitter code 135 · Timestamp out of bounds."),
			warnH("Clock skew · server clock is 7m12s ahead of yours"),
			infoH(`Server offers OAuth · realm "https://api.twitter.com"`),
		},
	},
	{
		name: "twitter: several errors, one unknown",
		ex: hintGet("https://api.x.com/1.1/x.json", nil, 400, hintHeader("Content-Type", hintJSONType),
			`{"errors":[{"code":999,"message":"Something new."},{"code":215,"message":"Bad Authentication data."},{"message":"no code"}]}`),
		scheme: hintSchemeNone,
		want: []levelTitle{
			errH("Twitter code 215 · Bad Authentication data."),
			warnH("Twitter code 999 · Something new."),
		},
	},
	{
		name: "same body shape from another API: unknown code shown generically",
		ex: hintGet("https://api.cloudflare.com/client/v4/zones", nil, 400, hintHeader("Content-Type", hintJSONType),
			`{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{warnH("API error code 10000 · Authentication error")},
	},
	{
		name:   "twitter body without a content type is still sniffed",
		ex:     hintGet("https://api.twitter.com/1.1/x.json", nil, 400, nil, "\n  "+twitter215Body),
		scheme: hintSchemeNone,
		want:   []levelTitle{errH("Twitter code 215 · Bad Authentication data.")},
	},

	// GitHub
	{
		name: "github bad credentials with Basic",
		ex: hintWithCreds(hintGet("https://api.github.com/user", hintHeader("Authorization", "Basic dTpw"), 401,
			hintHeader("Content-Type", hintJSONType, "X-GitHub-Request-Id", "C0DE:1234"), githubBadCreds)),
		scheme: hintSchemeBasic,
		want:   []levelTitle{errH("GitHub · Bad credentials"), warnH(hintT401None)},
	},
	{
		name:   "github bad credentials recognised by the message alone",
		ex:     hintWithCreds(hintGet("http://127.0.0.1:8089/github/user", hintHeader("Authorization", "Bearer x"), 401, hintHeader("Content-Type", hintJSONType), `{"message":"Bad credentials"}`)),
		scheme: hintSchemeBearer,
		want:   []levelTitle{errH("GitHub · Bad credentials"), warnH(hintT401None)},
	},
	{
		name: "github requires authentication, nothing sent",
		ex: hintGet("https://api.github.com/user", nil, 401, hintHeader("Content-Type", hintJSONType, "Server", "GitHub.com"),
			`{"message":"Requires authentication","documentation_url":"https://docs.github.com/rest/users/users#get-the-authenticated-user","status":"401"}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{errH("GitHub · Requires authentication"), warnH(hintT401None)},
	},
	{
		name: "github 404 for a private repository",
		ex: hintWithCreds(hintGet("https://api.github.com/repos/o/secret", hintHeader("Authorization", "Bearer ghp_x"), 404,
			hintHeader("Content-Type", hintJSONType, "X-GitHub-Request-Id", "1"),
			`{"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository","status":"404"}`)),
		scheme: hintSchemeBearer,
		want:   []levelTitle{warnH("GitHub · Not Found")},
	},
	{
		name: "github 404 whose token lacks the scope",
		ex: hintWithCreds(hintGet("https://api.github.com/repos/o/secret", hintHeader("Authorization", "Bearer ghp_x"), 404,
			hintHeader("Content-Type", hintJSONType, "X-GitHub-Request-Id", "1", "X-OAuth-Scopes", "gist, read:org", "X-Accepted-OAuth-Scopes", "repo"),
			`{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)),
		scheme: hintSchemeBearer,
		want:   []levelTitle{errH("GitHub · token lacks a required OAuth scope"), warnH("GitHub · Not Found")},
	},
	{
		name: "github scope covered by a parent scope",
		ex: hintWithCreds(hintGet("https://api.github.com/repos/o/r/hooks", hintHeader("Authorization", "Bearer ghp_x"), 404,
			hintHeader("Content-Type", hintJSONType, "X-GitHub-Request-Id", "1", "X-OAuth-Scopes", "admin:repo_hook", "X-Accepted-OAuth-Scopes", "read:repo_hook, repo"),
			`{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)),
		scheme: hintSchemeBearer,
		want:   []levelTitle{warnH("GitHub · Not Found")},
	},
	{
		name: "github SAML SSO",
		ex: hintWithCreds(hintGet("https://api.github.com/orgs/acme/repos", hintHeader("Authorization", "Bearer ghp_x"), 403,
			hintHeader("Content-Type", hintJSONType, "X-GitHub-Request-Id", "1",
				"X-GitHub-SSO", "required; url=https://github.com/orgs/acme/sso?authorization_request=AAA"),
			`{"message":"Resource protected by organization SAML enforcement. You must grant your Personal Access token access to this organization.","documentation_url":"https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/"}`)),
		scheme: hintSchemeBearer,
		want: []levelTitle{
			errH("GitHub · SAML SSO authorization required"),
		},
	},
	{
		name: "github rate limit, unauthenticated",
		ex: hintGet("https://api.github.com/users/octocat", nil, 403,
			hintHeader("Content-Type", hintJSONType, "X-GitHub-Request-Id", "1", "X-RateLimit-Limit", "60", "X-RateLimit-Remaining", "0",
				"X-RateLimit-Reset", fmt.Sprint(hintNow.Add(12*time.Minute).Unix())),
			`{"message":"API rate limit exceeded for 192.0.2.1.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{errH("GitHub · rate limit exhausted")},
	},
	{
		name: "github fine-grained token permission",
		ex: hintWithCreds(hintExchange("POST", "https://api.github.com/repos/o/r/issues", hintHeader("Authorization", "Bearer github_pat_x"), "{}", 403,
			hintHeader("Content-Type", hintJSONType, "X-GitHub-Request-Id", "1"),
			`{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"403"}`)),
		scheme: hintSchemeBearer,
		want:   []levelTitle{errH("GitHub · Resource not accessible by personal access token")},
	},
	{
		name: "github message authlab has no special text for",
		ex: hintWithCreds(hintGet("https://api.github.com/repos/o/r/collaborators", hintHeader("Authorization", "Bearer ghp_x"), 403,
			hintHeader("Content-Type", hintJSONType, "X-GitHub-Request-Id", "1"),
			`{"message":"Must have admin rights to Repository.","documentation_url":"https://docs.github.com/rest"}`)),
		scheme: hintSchemeBearer,
		want:   []levelTitle{warnH("GitHub · Must have admin rights to Repository."), warnH(hintT403)},
	},
	{
		name:   "github success is quiet",
		ex:     hintWithCreds(hintGet("https://api.github.com/user", hintHeader("Authorization", "Bearer x"), 200, hintHeader("Content-Type", hintJSONType, "X-GitHub-Request-Id", "1", "X-RateLimit-Remaining", "4999"), `{"login":"octocat","message":"hi"}`)),
		scheme: hintSchemeBearer,
		want:   nil,
	},

	// RFC 6750 §3.1
	{
		name: "RFC 6750 invalid_token",
		ex: hintWithCreds(hintGet("https://rs.example/resource", hintHeader("Authorization", "Bearer mF_9.B5f-4.1JqM"), 401,
			hintHeader("WWW-Authenticate", `Bearer realm="example", error="invalid_token", error_description="The access token expired"`), "")),
		scheme: hintSchemeBearer,
		want:   []levelTitle{errH("Bearer error · invalid_token"), infoH(`Server offers Bearer · realm "example"`)},
	},
	{
		name: "RFC 6750 insufficient_scope",
		ex: hintWithCreds(hintGet("https://rs.example/admin", hintHeader("Authorization", "Bearer t"), 403,
			hintHeader("WWW-Authenticate", `Bearer realm="example", error="insufficient_scope", scope="admin:write"`), "")),
		scheme: hintSchemeBearer,
		want:   []levelTitle{errH("Bearer error · insufficient_scope"), infoH(`Server offers Bearer · realm "example"`)},
	},
	{
		name: "RFC 6750 invalid_request, token sent twice",
		ex: hintWithCreds(hintGet("https://rs.example/r?access_token=t", hintHeader("Authorization", "Bearer t"), 400,
			hintHeader("WWW-Authenticate", `Bearer error="invalid_request", error_uri="https://rs.example/docs/errors"`), "")),
		scheme: hintSchemeBearer,
		want:   []levelTitle{errH("Bearer error · invalid_request"), infoH("Server offers Bearer")},
	},
	{
		name:   "RFC 6750 challenge without an error, no token sent",
		ex:     hintGet("https://rs.example/r", nil, 401, hintHeader("WWW-Authenticate", `Bearer realm="example"`), ""),
		scheme: hintSchemeNone,
		want: []levelTitle{
			errH("No Authorization header sent; the server asks for Bearer"),
			infoH(`Server offers Bearer · realm "example"`),
		},
	},
	{
		name: "RFC 6750 error in both the challenge and a JSON body: one hint",
		ex: hintWithCreds(hintGet("https://rs.example/r", hintHeader("Authorization", "Bearer t"), 401,
			hintHeader("WWW-Authenticate", `Bearer error="invalid_token"`, "Content-Type", hintJSONType), `{"error":"invalid_token"}`)),
		scheme: hintSchemeBearer,
		want:   []levelTitle{errH("Bearer error · invalid_token"), infoH("Server offers Bearer")},
	},
	{
		name:   "invalid_token in a JSON body alone",
		ex:     hintWithCreds(hintGet("https://rs.example/r", hintHeader("Authorization", "Bearer t"), 401, hintHeader("Content-Type", hintJSONType), `{"error":"invalid_token","error_description":"expired"}`)),
		scheme: hintSchemeBearer,
		want:   []levelTitle{errH("OAuth error · invalid_token"), warnH(hintT401None)},
	},

	// RFC 6749 §5.2 and RFC 8628 §3.5
	{
		name: "token endpoint invalid_grant",
		ex: hintWithCreds(hintExchange("POST", "https://as.example/token", hintHeader("Authorization", "Basic Y2xpZW50OnNlY3JldA==", "Content-Type", "application/x-www-form-urlencoded"),
			"grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fapp%2Fcb", 400, hintHeader("Content-Type", hintJSONType),
			`{"error":"invalid_grant","error_description":"The authorization code has expired"}`)),
		scheme: hintSchemeBasic,
		want:   []levelTitle{errH("OAuth token error · invalid_grant")},
	},
	{
		name: "token endpoint invalid_client with a Basic challenge",
		ex: hintWithCreds(hintExchange("POST", "https://as.example/token", hintHeader("Authorization", "Basic Y2xpZW50Ondyb25n"), "grant_type=client_credentials",
			401, hintHeader("Content-Type", hintJSONType, "WWW-Authenticate", `Basic realm="token"`), `{"error":"invalid_client"}`)),
		scheme: hintSchemeBasic,
		want:   []levelTitle{errH("OAuth token error · invalid_client"), infoH(`Server offers Basic · realm "token"`)},
	},
	{
		name: "token endpoint errors of every kind",
		ex: hintExchange("POST", "https://as.example/token", nil, "grant_type=password", 400, hintHeader("Content-Type", hintJSONType),
			`{"error":"unsupported_grant_type"}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{errH("OAuth token error · unsupported_grant_type")},
	},
	{
		name:   "invalid_scope",
		ex:     hintExchange("POST", "https://as.example/token", nil, "grant_type=client_credentials&scope=a,b", 400, hintHeader("Content-Type", hintJSONType), `{"error":"invalid_scope"}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{errH("OAuth token error · invalid_scope")},
	},
	{
		name:   "unauthorized_client and invalid_request",
		ex:     hintExchange("POST", "https://as.example/token", nil, "grant_type=client_credentials", 400, hintHeader("Content-Type", hintJSONType), `{"error":"unauthorized_client"}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{errH("OAuth token error · unauthorized_client")},
	},
	{
		name:   "invalid_request",
		ex:     hintExchange("POST", "https://as.example/token", nil, "", 400, hintHeader("Content-Type", hintJSONType), `{"error":"invalid_request","error_description":"Missing grant_type"}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{errH("OAuth token error · invalid_request")},
	},
	{
		name: "device flow authorization_pending",
		ex: hintExchange("POST", "https://as.example/token", nil, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=x",
			400, hintHeader("Content-Type", hintJSONType), `{"error":"authorization_pending"}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{infoH("OAuth device flow · authorization_pending")},
	},
	{
		name:   "device flow slow_down",
		ex:     hintExchange("POST", "https://as.example/token", nil, "grant_type=x", 400, hintHeader("Content-Type", hintJSONType), `{"error":"slow_down"}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{infoH("OAuth device flow · slow_down")},
	},
	{
		name:   "device flow expired_token",
		ex:     hintExchange("POST", "https://as.example/token", nil, "grant_type=x", 400, hintHeader("Content-Type", hintJSONType), `{"error":"expired_token"}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{infoH("OAuth device flow · expired_token")},
	},
	{
		name:   "device flow access_denied",
		ex:     hintExchange("POST", "https://as.example/token", nil, "grant_type=x", 400, hintHeader("Content-Type", hintJSONType), `{"error":"access_denied"}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{infoH("OAuth device flow · access_denied")},
	},
	{
		name:   "unknown error code at a token endpoint",
		ex:     hintExchange("POST", "https://as.example/token", nil, "grant_type=client_credentials", 400, hintHeader("Content-Type", hintJSONType), `{"error":"tenant_disabled"}`),
		scheme: hintSchemeNone,
		want:   []levelTitle{errH("OAuth token error · tenant_disabled")},
	},
	{
		name:   "an API's own error member is not OAuth",
		ex:     hintGet("https://api.example/x", nil, 400, hintHeader("Content-Type", hintJSONType), `{"error":"Bad Request","error_description":"nope"}`),
		scheme: hintSchemeNone,
		want:   nil,
	},
	{
		name:   "authorization error in a redirect",
		ex:     hintGet("https://as.example/authorize?client_id=c", nil, 302, hintHeader("Location", "https://app.example/cb?error=access_denied&error_description=User+declined&state=s"), ""),
		scheme: hintSchemeNone,
		want:   []levelTitle{warnH("OAuth authorization error · access_denied"), warnH("302 Found · redirect not followed")},
	},
	{
		name:   "implicit-grant error in the fragment",
		ex:     hintGet("https://as.example/authorize", nil, 302, hintHeader("Location", "https://app.example/cb#error=unsupported_response_type"), ""),
		scheme: hintSchemeNone,
		want:   []levelTitle{errH("OAuth authorization error · unsupported_response_type"), warnH("302 Found · redirect not followed")},
	},

	// Status classes
	{
		name:   "plain 401 with nothing sent and no challenge",
		ex:     hintGet("https://api.example/x", nil, 401, nil, "Unauthorized"),
		scheme: hintSchemeNone,
		want:   []levelTitle{warnH(hintT401), warnH(hintT401None)},
	},
	{
		name:   "plain 403",
		ex:     hintWithCreds(hintGet("https://api.example/x", hintHeader("Authorization", "Basic dTpw"), 403, hintHeader("Content-Type", "text/html"), "<h1>Forbidden</h1>")),
		scheme: hintSchemeBasic,
		want:   []levelTitle{warnH(hintT403)},
	},
	{
		name: "407 from a proxy",
		ex: hintGet("http://example.com/", nil, 407,
			hintHeader("Proxy-Authenticate", `Basic realm="proxy"`, "Proxy-Authenticate", "Negotiate"), ""),
		scheme: hintSchemeNone,
		want:   []levelTitle{warnH("407 Proxy Authentication Required")},
	},
	{
		name:   "429 with Retry-After",
		ex:     hintWithCreds(hintGet("https://api.example/x", hintHeader("Authorization", "Bearer t"), 429, hintHeader("Retry-After", "120"), "")),
		scheme: hintSchemeBearer,
		want:   []levelTitle{warnH("429 Too Many Requests · rate limited")},
	},
	{
		name:   "301 to another origin",
		ex:     hintWithCreds(hintGet("https://api.example/v1/x", hintHeader("Authorization", "Bearer t"), 301, hintHeader("Location", "https://cdn.example/v1/x"), "")),
		scheme: hintSchemeBearer,
		want:   []levelTitle{warnH("301 Moved Permanently · redirect not followed")},
	},
	{
		name:   "304 is not a redirect to follow",
		ex:     hintGet("https://api.example/x", nil, 304, nil, ""),
		scheme: hintSchemeNone,
		want:   nil,
	},
	{
		name: "credentials dropped on the way",
		ex: hintGet("https://other.example/x", nil, 401,
			hintHeader("WWW-Authenticate", `Basic realm="other"`), ""),
		scheme: hintSchemeBasic,
		want: []levelTitle{
			errH("Credentials not sent on the final request"),
			warnH(hintT401),
			infoH(`Server offers Basic · realm "other"`),
		},
	},
	{
		name: "api key sent in a header, server asks for Basic",
		ex: func() *Exchange {
			ex := hintGet("https://api.example/x", hintHeader("X-Api-Key", "k"), 401, hintHeader("WWW-Authenticate", `Basic realm="api"`), "")
			ex.Request.Credentials = []Credential{{Where: InHeader, Name: "X-Api-Key", Value: "k", Masked: Mask("")}}
			return ex
		}(),
		scheme: hintSchemeAPIKey,
		want: []levelTitle{
			warnH("No Authorization header sent; the server asks for Basic"),
			warnH(hintT401),
			infoH(`Server offers Basic · realm "api"`),
		},
	},

	// Challenges
	{
		name: "sent Bearer, server offers only Basic",
		ex: hintWithCreds(hintGet("https://api.example/x", hintHeader("Authorization", "Bearer t"), 401,
			hintHeader("WWW-Authenticate", `Basic realm="WallyWorld", charset="UTF-8"`), "")),
		scheme: hintSchemeBearer,
		want: []levelTitle{
			errH("Sent Bearer, but the server offers only Basic"),
			infoH(`Server offers Basic · realm "WallyWorld"`),
		},
	},
	{
		name: "sent Basic, server offers Digest and Negotiate",
		ex: hintWithCreds(hintGet("https://api.example/x", hintHeader("Authorization", "Basic dTpw"), 401,
			hintHeader("WWW-Authenticate", `Digest realm="r", nonce="n", qop="auth", algorithm=SHA-256`, "WWW-Authenticate", "Negotiate, NTLM"), "")),
		scheme: hintSchemeBasic,
		want: []levelTitle{
			errH("Sent Basic, but the server offers Digest, Negotiate or NTLM"),
			infoH(`Server offers Digest · realm "r"`),
			infoH("Server offers Negotiate"),
			infoH("Server offers NTLM"),
		},
	},
	{
		name: "scheme names match case-insensitively",
		ex: hintWithCreds(hintGet("https://api.example/x", hintHeader("Authorization", "bearer t"), 401,
			hintHeader("WWW-Authenticate", `BEARER realm="x"`), "")),
		scheme: hintSchemeBearer,
		want:   []levelTitle{warnH(hintT401), infoH(`Server offers BEARER · realm "x"`)},
	},
	{
		name: "Digest stale=true",
		ex: hintWithCreds(hintGet("https://api.example/x", hintHeader("Authorization", `Digest username="u", nonce="old"`), 401,
			hintHeader("WWW-Authenticate", `Digest realm="r", nonce="new", stale=true, qop="auth, auth-int", algorithm=SHA-256`), "")),
		scheme: hintSchemeDigest,
		want: []levelTitle{
			warnH("Digest stale=true · retry with the new nonce"),
			warnH(hintT401),
			infoH(`Server offers Digest · realm "r"`),
		},
	},
	{
		name: "RFC 9110 example: two challenges, the same one twice",
		ex: hintWithCreds(hintGet("https://api.example/x", hintHeader("Authorization", "Basic dTpw"), 401,
			hintHeader("WWW-Authenticate", `Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`,
				"WWW-Authenticate", `Basic realm="simple"`), "")),
		scheme: hintSchemeBasic,
		want: []levelTitle{
			warnH(hintT401),
			infoH(`Server offers Newauth · realm "apps"`),
			infoH(`Server offers Basic · realm "simple"`),
		},
	},
	{
		name: "malformed WWW-Authenticate",
		ex: hintWithCreds(hintGet("https://api.example/x", hintHeader("Authorization", "Basic dTpw"), 401,
			hintHeader("WWW-Authenticate", `Basic realm="unterminated`), "")),
		scheme: hintSchemeBasic,
		want:   []levelTitle{warnH("Malformed WWW-Authenticate header"), warnH(hintT401), infoH("Server offers Basic")},
	},
	{
		name:   "challenges on a 200 are described but not a mismatch",
		ex:     hintGet("https://api.example/x", nil, 200, hintHeader("WWW-Authenticate", `Negotiate oYG0MIGxoAMKAQChCwYJKoZIgvcSAQIC`), "ok"),
		scheme: hintSchemeNone,
		want:   []levelTitle{infoH("Server offers Negotiate")},
	},

	// Clock
	{
		name:   "server clock behind",
		ex:     hintGet("https://api.example/x", nil, 200, hintHeader("Date", hintNow.Add(-10*time.Minute).Format(http.TimeFormat)), ""),
		scheme: hintSchemeNone,
		want:   []levelTitle{warnH("Clock skew · server clock is 10m0s behind yours")},
	},
	{
		name:   "within five minutes is fine",
		ex:     hintGet("https://api.example/x", nil, 200, hintHeader("Date", hintNow.Add(5*time.Minute).Format(http.TimeFormat)), ""),
		scheme: hintSchemeNone,
		want:   nil,
	},
	{
		name: "a cached response's Age is added to its Date",
		ex: hintGet("https://api.example/x", nil, 200, hintHeader("Date", hintNow.Add(-time.Hour).Format(http.TimeFormat), "Age", "3600"),
			""),
		scheme: hintSchemeNone,
		want:   nil,
	},
	{
		name:   "an unparseable Date is ignored",
		ex:     hintGet("https://api.example/x", nil, 200, hintHeader("Date", "yesterday"), ""),
		scheme: hintSchemeNone,
		want:   nil,
	},

	// Quiet and robust
	{
		name:   "200 without anything to say",
		ex:     hintGet("https://api.example/x", nil, 200, hintHeader("Content-Type", hintJSONType), `{"ok":true}`),
		scheme: hintSchemeNone,
		want:   nil,
	},
	{
		name:   "JSON content type, body not JSON",
		ex:     hintGet("https://api.example/x", nil, 400, hintHeader("Content-Type", hintJSONType), `{"errors":[{"code":215,`),
		scheme: hintSchemeNone,
		want:   nil,
	},
	{
		name: "truncated body is not decoded",
		ex: func() *Exchange {
			ex := hintGet("https://api.twitter.com/x", nil, 400, nil, twitter215Body)
			ex.Response.Truncated = true
			return ex
		}(),
		scheme: hintSchemeNone,
		want:   nil,
	},
	{
		name:   "odd JSON types",
		ex:     hintGet("https://api.twitter.com/x", nil, 400, nil, `{"errors":[1,"x",{"code":"215"},{"code":1e300},{"code":2.5},null],"message":7,"error":false}`),
		scheme: hintSchemeNone,
		want:   nil,
	},
	{
		name:   "top-level JSON array",
		ex:     hintGet("https://api.twitter.com/x", nil, 400, nil, `[{"code":215}]`),
		scheme: hintSchemeNone,
		want:   nil,
	},
}

func TestExplain(t *testing.T) {
	for _, tt := range explainTests {
		t.Run(tt.name, func(t *testing.T) {
			hints := Explain(tt.ex, tt.scheme, hintNow)
			var got []levelTitle
			for _, h := range hints {
				got = append(got, levelTitle{h.Level, h.Title})
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Explain() titles:\n%s\nwant:\n%s", levelTitleList(got), levelTitleList(tt.want))
				for _, h := range hints {
					t.Logf("%s %q\n  %s\n  checks %q\n  ref %s", h.Level, h.Title, h.Detail, h.Checks, h.Ref)
				}
			}
			for _, h := range hints {
				if h.Title == "" || h.Detail == "" || h.Ref == "" {
					t.Errorf("hint %q has an empty Title, Detail or Ref: %+v", h.Title, h)
				}
				if h.Level >= LevelWarn && len(h.Checks) == 0 {
					t.Errorf("hint %q (%s) has no Checks", h.Title, h.Level)
				}
			}
		})
	}
}

func levelTitleList(xs []levelTitle) string {
	if len(xs) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, x := range xs {
		b.WriteString("  " + x.String() + "\n")
	}
	return b.String()
}

// findHint returns the hint titled title.
func findHint(t *testing.T, hints []Hint, title string) Hint {
	t.Helper()
	for _, h := range hints {
		if h.Title == title {
			return h
		}
	}
	t.Fatalf("no hint %q among %d", title, len(hints))
	return Hint{}
}

func TestExplainDetails(t *testing.T) {
	// Twitter 215 says what was sent instead of OAuth 1.0a.
	hs := Explain(hintExchange("POST", "https://api.twitter.com/1.1/statuses/update.json", hintHeader("Authorization", "Bearer AAAA"), "",
		400, hintHeader("Content-Type", hintJSONType), twitter215Body), hintSchemeBearer, hintNow)
	h := findHint(t, hs, "Twitter code 215 · Bad Authentication data.")
	if !strings.Contains(h.Checks[0], "Authorization: Bearer") || !strings.Contains(h.Ref, "RFC 5849") {
		t.Errorf("215 checks = %q, ref %q; want the sent Bearer named first and RFC 5849 cited", h.Checks, h.Ref)
	}

	// Twitter 135 quotes the measured offset.
	hs = Explain(hintGet("https://api.twitter.com/x", nil, 401,
		hintHeader("Date", hintNow.Add(-7*time.Minute-12*time.Second).Format(http.TimeFormat)),
		`{"errors":[{"code":135,"message":"Timestamp out of bounds."}]}`), hintSchemeOAuth1, hintNow)
	h = findHint(t, hs, "Twitter code 135 · Timestamp out of bounds.")
	if want := "7m12s behind yours"; !strings.Contains(h.Checks[0], want) {
		t.Errorf("135 first check = %q; want it to contain %q", h.Checks[0], want)
	}
	h = findHint(t, hs, "Clock skew · server clock is 7m12s behind yours")
	if !strings.Contains(h.Checks[1], "OAuth 1.0a") {
		t.Errorf("clock skew with oauth1: checks = %q; want OAuth 1.0a right after the NTP advice", h.Checks)
	}

	// GitHub: Basic put password advice first.
	hs = Explain(hintGet("https://api.github.com/user", hintHeader("Authorization", "Basic dTpw"), 401, hintHeader("Content-Type", hintJSONType), githubBadCreds), hintSchemeBasic, hintNow)
	h = findHint(t, hs, "GitHub · Bad credentials")
	if !strings.Contains(h.Checks[0], "personal access token") || !strings.Contains(h.Detail, "https://docs.github.com/rest") {
		t.Errorf("bad credentials with Basic: checks[0] = %q, detail %q", h.Checks[0], h.Detail)
	}

	// RFC 6750: description, scope and error_uri are quoted; status mismatch noted.
	hs = Explain(hintGet("https://rs.example/r", hintHeader("Authorization", "Bearer t"), 401,
		hintHeader("WWW-Authenticate", `Bearer error="insufficient_scope", scope="openid admin", error_description="need admin", error_uri="https://rs.example/e"`), ""), hintSchemeBearer, hintNow)
	h = findHint(t, hs, "Bearer error · insufficient_scope")
	for _, want := range []string{"“need admin”", "“openid admin”", "https://rs.example/e", "403 Forbidden; the server answered 401"} {
		if !strings.Contains(h.Detail, want) {
			t.Errorf("insufficient_scope detail = %q; want it to contain %q", h.Detail, want)
		}
	}

	// Redirects name the target and the origin change.
	hs = Explain(hintGet("https://api.example/x", nil, 302, hintHeader("Location", "http://login.example/sso"), ""), hintSchemeNone, hintNow)
	h = findHint(t, hs, "302 Found · redirect not followed")
	for _, want := range []string{"http://login.example/sso", "another origin", "downgrades https"} {
		if !strings.Contains(h.Detail, want) {
			t.Errorf("redirect detail = %q; want it to contain %q", h.Detail, want)
		}
	}
	hs = Explain(hintGet("https://api.example/a/x", nil, 307, hintHeader("Location", "../b/x"), ""), hintSchemeNone, hintNow)
	h = findHint(t, hs, "307 Temporary Redirect · redirect not followed")
	if !strings.Contains(h.Detail, "https://api.example/b/x") || strings.Contains(h.Detail, "another origin") {
		t.Errorf("relative redirect detail = %q", h.Detail)
	}

	// 429 and 407 details.
	hs = Explain(hintGet("https://api.example/x", nil, 429, hintHeader("Retry-After", hintNow.Add(90*time.Second).Format(http.TimeFormat)), ""), hintSchemeNone, hintNow)
	if h = findHint(t, hs, "429 Too Many Requests · rate limited"); !strings.Contains(h.Detail, "1m30s from now") {
		t.Errorf("429 detail = %q", h.Detail)
	}
	hs = Explain(hintGet("http://example.com/", nil, 407, hintHeader("Proxy-Authenticate", `Basic realm="proxy"`, "Proxy-Authenticate", "Negotiate"), ""), hintSchemeNone, hintNow)
	if h = findHint(t, hs, "407 Proxy Authentication Required"); !strings.Contains(h.Detail, `Basic realm="proxy"; Negotiate`) {
		t.Errorf("407 detail = %q", h.Detail)
	}

	// Malformed header: the parse error is in the detail.
	hs = Explain(hintGet("https://api.example/x", nil, 401, hintHeader("WWW-Authenticate", `Basic realm="x`), ""), hintSchemeNone, hintNow)
	if h = findHint(t, hs, "Malformed WWW-Authenticate header"); !strings.Contains(h.Detail, "unterminated quoted string") {
		t.Errorf("malformed detail = %q", h.Detail)
	}

	// Digest: defaults and qop explained.
	hs = Explain(hintGet("https://api.example/x", nil, 401, hintHeader("WWW-Authenticate", `Digest realm="r", nonce="n"`), ""), hintSchemeNone, hintNow)
	if h = findHint(t, hs, `Server offers Digest · realm "r"`); !strings.Contains(h.Detail, "MD5 (the default") || !strings.Contains(h.Detail, "RFC 2069") {
		t.Errorf("digest offer detail = %q", h.Detail)
	}
}

func TestExplainNilAndHuge(t *testing.T) {
	if got := Explain(nil, hintSchemeNone, hintNow); got != nil {
		t.Errorf("Explain(nil) = %v; want nil", got)
	}
	if got := Explain(&Exchange{}, hintSchemeNone, hintNow); got != nil {
		t.Errorf("Explain(no response) = %v; want nil", got)
	}
	// A bare response with nil headers, nil URL and a zero clock.
	if got := Explain(&Exchange{Response: &Response{Status: 401}}, Info{}, time.Time{}); len(got) == 0 {
		t.Errorf("Explain(bare 401) = nil; want the 401 hints")
	}
	bare := &Exchange{Response: &Response{Status: 302, Header: hintHeader("Location", "%zz", "Date", "x")}}
	Explain(bare, Info{}, time.Time{})

	// A huge JSON body is not decoded at all.
	big := append([]byte(`{"errors":[{"code":215,"message":"Bad Authentication data."}],"pad":"`), bytes.Repeat([]byte("x"), 10<<20)...)
	big = append(big, `"}`...)
	ex := hintGet("https://api.twitter.com/x", nil, 400, hintHeader("Content-Type", hintJSONType), "")
	ex.Response.Body = big
	if got := Explain(ex, hintSchemeNone, hintNow); got != nil {
		t.Errorf("Explain(huge body) = %v; want nil", got)
	}
	if v := newHintInput(ex, hintSchemeNone, hintNow).json(); v != nil {
		t.Errorf("huge body decoded: %T", v)
	}
	// Non-JSON content is not decoded, even when it could be.
	ex = hintGet("https://api.twitter.com/x", nil, 400, hintHeader("Content-Type", "text/plain"), "215")
	if v := newHintInput(ex, hintSchemeNone, hintNow).json(); v != nil {
		t.Errorf("text/plain %q decoded as %v", "215", v)
	}
	// A JSON media type is decoded even without a leading brace.
	ex = hintGet("https://api.example/x", nil, 400, hintHeader("Content-Type", "application/problem+json"), ` "x"`)
	if v := newHintInput(ex, hintSchemeNone, hintNow).json(); v != "x" {
		t.Errorf("problem+json %q decoded as %v; want %q", " \"x\"", v, "x")
	}
}

func TestOrderHints(t *testing.T) {
	in := []rankedHint{
		{Hint{Level: LevelInfo, Title: "a"}, 60},
		{Hint{Level: LevelWarn, Title: "b"}, 50},
		{Hint{Level: LevelError, Title: "c"}, 20},
		{Hint{Level: LevelWarn, Title: "d"}, 40},
		{Hint{Level: LevelInfo, Title: "b"}, 10}, // same title as a warning: dropped
		{Hint{Level: LevelError, Title: "e"}, 10},
		{Hint{Level: LevelWarn, Title: "f"}, 40},  // stable after d
		{Hint{Level: LevelError, Title: "c"}, 30}, // duplicate error: first kept
	}
	var got []string
	for _, h := range orderHints(in) {
		got = append(got, h.Level.String()+":"+h.Title)
	}
	want := []string{"error:e", "error:c", "warning:d", "warning:f", "warning:b", "info:a"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("orderHints = %v; want %v", got, want)
	}
	if orderHints(nil) != nil {
		t.Errorf("orderHints(nil) != nil")
	}
}

func TestRecognizersRegistered(t *testing.T) {
	want := []string{"aws", "challenge-problems", "challenge-offers", "clock", "digest", "github", "jwt", "oauth2", "rfc6749", "rfc6750", "status", "tls-client-certificate", "twitter"}
	seen := map[string]bool{}
	for _, r := range builtinRecognizers {
		if seen[r.name] {
			t.Errorf("recognizer %q registered twice", r.name)
		}
		seen[r.name] = true
		if r.fn == nil || r.rank <= 0 {
			t.Errorf("recognizer %q: fn nil or rank %d", r.name, r.rank)
		}
	}
	for _, n := range want {
		if !seen[n] {
			t.Errorf("recognizer %q not registered", n)
		}
	}
}

func TestClockOffset(t *testing.T) {
	for _, tt := range []struct {
		date, age string
		want      time.Duration
		ok        bool
	}{
		{hintNow.Add(90 * time.Second).Format(http.TimeFormat), "", 90 * time.Second, true},
		{hintNow.Add(-time.Hour).Format(http.TimeFormat), "600", -50 * time.Minute, true},
		{hintNow.Format(time.RFC850), "", 0, true}, // obsolete format (RFC 9110 §5.6.7)
		{"", "", 0, false},
		{"garbage", "", 0, false},
	} {
		ex := hintGet("https://x/", nil, 200, hintHeader("Date", tt.date, "Age", tt.age), "")
		got, ok := newHintInput(ex, hintSchemeNone, hintNow).clockOffset()
		if got != tt.want || ok != tt.ok {
			t.Errorf("clockOffset(Date %q, Age %q) = %v, %v; want %v, %v", tt.date, tt.age, got, ok, tt.want, tt.ok)
		}
	}
	if got := describeOffset(0); got != "in step with yours" {
		t.Errorf("describeOffset(0) = %q", got)
	}
}

func TestGitHubScopeCovers(t *testing.T) {
	for _, tt := range []struct {
		have, need string
		want       bool
	}{
		{"repo", "repo", true},
		{"repo", "repo:status", true},
		{"repo", "public_repo", true},
		{"admin:org", "read:org", true},
		{"write:org", "read:org", true},
		{"read:org", "write:org", false},
		{"user", "user:email", true},
		{"user", "read:user", true},
		{"gist", "repo", false},
		{"read:org", "read:user", false},
	} {
		if got := githubScopeCovers(tt.have, tt.need); got != tt.want {
			t.Errorf("githubScopeCovers(%q, %q) = %v; want %v", tt.have, tt.need, got, tt.want)
		}
	}
}

// FuzzExplain feeds arbitrary statuses, headers and bodies to every
// recognizer: none may panic, and every hint must have a title.
func FuzzExplain(f *testing.F) {
	f.Add(401, `Bearer error="invalid_token"`, "", "", twitter215Body)
	f.Add(403, "", "required; url=x", "0", githubBadCreds)
	f.Add(302, "", "", "", `{"error":"invalid_grant"}`)
	f.Add(429, `Digest stale=true`, "", "", `{"errors":[{"code":135}]}`)
	f.Fuzz(func(t *testing.T, status int, wwwAuth, sso, remaining, body string) {
		ex := hintExchange("POST", "https://api.github.com/x?y", hintHeader("Authorization", wwwAuth), "grant_type="+body, status,
			hintHeader("WWW-Authenticate", wwwAuth, "Proxy-Authenticate", wwwAuth, "X-GitHub-SSO", sso, "X-RateLimit-Remaining", remaining,
				"X-RateLimit-Reset", remaining, "Retry-After", remaining, "Location", body, "Date", sso, "Age", remaining,
				"X-OAuth-Scopes", sso, "X-Accepted-OAuth-Scopes", wwwAuth), body)
		for _, h := range Explain(ex, Info{Name: sso}, hintNow) {
			if h.Title == "" {
				t.Fatalf("hint without a title: %+v", h)
			}
		}
	})
}

// A final 3xx reached while following redirects is a loop, not a redirect
// that was not followed.
func TestExplainFollowedRedirect(t *testing.T) {
	u, _ := url.Parse("http://h/a")
	ex := &Exchange{Request: SentRequest{URL: u}, Response: &Response{Status: 302, Reason: "Found", Header: http.Header{"Location": {"/b"}}}}
	if hs := explain(ex, Info{Name: "none"}, time.Now(), 10); len(hs) == 0 || hs[0].Title != "Too many redirects · gave up after 10 hops" {
		t.Errorf("explain(followed 10) = %+v; want Too many redirects first", hs)
	}
	for _, h := range explain(ex, Info{Name: "none"}, time.Now(), 10) {
		if strings.Contains(h.Title, "not followed") {
			t.Errorf("followed redirects got %q", h.Title)
		}
	}
	hs := Explain(ex, Info{Name: "none"}, time.Now())
	if len(hs) == 0 || !strings.Contains(hs[0].Title, "redirect not followed") {
		t.Errorf("Explain(not followed) = %+v; want the not-followed hint", hs)
	}
}

// A server sending thousands of challenges gets a bounded list of offers:
// fails if challengeOfferHints describes every one (37 MB of hints before).
func TestExplainManyChallengesBounded(t *testing.T) {
	h := http.Header{}
	for i := range 10000 {
		h.Add("WWW-Authenticate", fmt.Sprintf(`Digest realm="r%d", nonce="n"`, i))
	}
	ex := hintGet("https://api.example/x", nil, 401, h, "")
	var offers int
	var more string
	for _, x := range Explain(ex, hintSchemeNone, hintNow) {
		if strings.HasPrefix(x.Title, "Server offers") {
			offers++
		}
		if strings.HasPrefix(x.Title, "… and") {
			more = x.Title
		}
	}
	if offers != maxOfferHints || more != "… and 9990 more challenges" {
		t.Errorf("offers = %d, summary %q; want %d and %q", offers, more, maxOfferHints, "… and 9990 more challenges")
	}
}
