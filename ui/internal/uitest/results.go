// Package uitest builds authn Results of multi-exchange flows for the UI's
// tests (flow view, secret masking, TUI goldens). The results are what the
// engine records for such flows: the same roles, credentials and marked
// response secrets; timings are fixed so golden files do not depend on the
// machine. Only tests import it.
package uitest

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/authlab/authlab/authn"
)

// AccessToken is the token the OAuth 2.0 fixture's token endpoint issues; it
// appears in the token response body and is echoed by the API, and it must be
// masked wherever it is shown unless revealed.
const AccessToken = "mF_9.B5f-4.1JqM-demo-access-token"

// RefreshToken is the refresh token the fixture's token endpoint issues.
const RefreshToken = "tGzv3JOkF0XG5Qx2TlKWIA-demo-refresh"

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func timing(ms int) authn.Timing {
	d := time.Duration(ms) * time.Millisecond
	return authn.Timing{Connect: d / 4, FirstByte: d * 3 / 4, Total: d, Remote: "127.0.0.1:443"}
}

func jsonHeader() http.Header {
	return http.Header{"Content-Type": {"application/json"}}
}

// OAuth2 is a client-credentials run (RFC 6749 §4.4): a token request to the
// token endpoint on its own host, then the API call with the Bearer token,
// which the API rejects as expired; a second token request and the retry.
func OAuth2() *authn.Result {
	s, _ := authn.Lookup("bearer")
	info := s.Info()
	info.Name, info.Title, info.Spec = "oauth2", "OAuth 2.0", "RFC 6749"
	res := &authn.Result{Scheme: info, Total: 149 * time.Millisecond}
	tokenURL := mustURL("https://auth.example.com/oauth2/token")
	apiURL := mustURL("https://api.example.com/v1/me?pretty=1")
	basic := "Basic ZGVtby1jbGllbnQ6ZGVtby1jbGllbnQtc2VjcmV0"
	tokenReq := authn.SentRequest{
		Method: "POST", URL: tokenURL, Host: tokenURL.Host, Proto: "HTTP/1.1",
		Header: http.Header{"Authorization": {basic}, "Content-Type": {"application/x-www-form-urlencoded"}},
		Body:   []byte("grant_type=client_credentials&scope=profile"),
		Credentials: []authn.Credential{{Where: authn.InHeader, Name: "Authorization", Value: basic,
			Masked: "Basic ••••••••"}},
	}
	tokenBody := `{"access_token":"` + AccessToken + `","token_type":"Bearer","expires_in":3600,"refresh_token":"` + RefreshToken + `"}`
	tokenResp := func() *authn.Response {
		return &authn.Response{Status: 200, Reason: "OK", Proto: "HTTP/1.1", Header: jsonHeader(),
			Body: []byte(tokenBody), ContentLength: int64(len(tokenBody)), Secrets: []string{AccessToken, RefreshToken}}
	}
	bearer := "Bearer " + AccessToken
	apiReq := authn.SentRequest{
		Method: "GET", URL: apiURL, Host: apiURL.Host, Proto: "HTTP/1.1",
		Header:      http.Header{"Authorization": {bearer}},
		Credentials: []authn.Credential{{Where: authn.InHeader, Name: "Authorization", Value: bearer, Masked: "Bearer ••••••••"}},
	}
	expired := &authn.Response{Status: 401, Reason: "Unauthorized", Proto: "HTTP/1.1",
		Header: http.Header{"Www-Authenticate": {`Bearer error="invalid_token", error_description="token ` + AccessToken + ` expired"`}}}
	okBody := `{"sub":"demo-client","token":"` + AccessToken + `"}`
	ok := &authn.Response{Status: 200, Reason: "OK", Proto: "HTTP/1.1", Header: jsonHeader(), Body: []byte(okBody), ContentLength: int64(len(okBody))}
	res.Exchanges = []authn.Exchange{
		{Role: authn.RoleToken, Request: tokenReq, Response: tokenResp(), Timing: timing(41)},
		{Role: authn.RoleRequest, Request: apiReq, Response: expired, Timing: timing(12)},
		{Role: authn.RoleToken, Request: tokenReq, Response: tokenResp(), Timing: timing(38)},
		{Role: authn.RoleRetry, Request: apiReq, Response: ok, Timing: timing(9)},
	}
	res.Trace.Add("Ask the token endpoint for a token", "RFC 6749 §4.4.2", "",
		authn.Plain("token_url", tokenURL.String()),
		authn.Secret("access_token", AccessToken, ""))
	res.Hints = []authn.Hint{{Level: authn.LevelInfo, Title: "token " + AccessToken + " accepted"}}
	return res
}

// Digest is RFC 7616 §3.3: the request, its 401 challenge, the retry with
// the answer, on the same origin.
func Digest() *authn.Result {
	s, _ := authn.Lookup("basic")
	info := s.Info()
	info.Name, info.Title, info.Spec = "digest", "Digest", "RFC 7616"
	res := &authn.Result{Scheme: info, Total: 7 * time.Millisecond}
	u := mustURL("http://127.0.0.1:8089/digest")
	answer := `Digest username="demo", realm="authlab", nonce="b2b9c2", uri="/digest", response="6629fae49393a05397450978507c4ef1"`
	res.Exchanges = []authn.Exchange{
		{Role: authn.RoleChallenge, Request: authn.SentRequest{Method: "GET", URL: u, Host: u.Host, Proto: "HTTP/1.1", Header: http.Header{}},
			Response: &authn.Response{Status: 401, Reason: "Unauthorized", Proto: "HTTP/1.1",
				Header: http.Header{"Www-Authenticate": {`Digest realm="authlab", nonce="b2b9c2", qop="auth", algorithm=SHA-256`}}},
			Timing: timing(3)},
		{Role: authn.RoleRetry, Request: authn.SentRequest{Method: "GET", URL: u, Host: u.Host, Proto: "HTTP/1.1",
			Header:      http.Header{"Authorization": {answer}},
			Credentials: []authn.Credential{{Where: authn.InHeader, Name: "Authorization", Value: answer, Masked: `Digest username="demo", response="••••••••"`}}},
			Response: &authn.Response{Status: 200, Reason: "OK", Proto: "HTTP/1.1", Header: jsonHeader(), Body: []byte(`{"authenticated":true}`)},
			Timing:   timing(2)},
	}
	return res
}

// Redirect is a followed redirect to another origin whose last hop fails
// with a transport error, with a hostile reason phrase on the first hop and
// an API key in the query of the first request.
func Redirect() *authn.Result {
	s, _ := authn.Lookup("apikey")
	res := &authn.Result{Scheme: s.Info(), Total: 20 * time.Millisecond}
	u1 := mustURL("https://api.example.com/v2/items?api_key=k-123456789&limit=5")
	u2 := mustURL("https://cdn.example.net:8443/items?limit=5")
	res.Exchanges = []authn.Exchange{
		{Role: authn.RoleRequest, Request: authn.SentRequest{Method: "GET", URL: u1, Host: u1.Host, Proto: "HTTP/1.1", Header: http.Header{},
			Credentials: []authn.Credential{{Where: authn.InQuery, Name: "api_key", Value: "k-123456789", Masked: "••••••••"}}},
			Response: &authn.Response{Status: 302, Reason: "Found\x1b]0;pwned\x07", Proto: "HTTP/1.1", Header: http.Header{"Location": {u2.String()}}},
			Timing:   timing(15)},
		{Role: authn.RoleRedirect, Request: authn.SentRequest{Method: "GET", URL: u2, Host: u2.Host, Proto: "HTTP/1.1", Header: http.Header{}},
			Err: errors.New("dial tcp 203.0.113.9:8443: connect: connection refused"), Timing: authn.Timing{}},
	}
	res.Err = res.Exchanges[1].Err
	return res
}
