package practice

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"
)

func registerTwitterOAuth(mux *http.ServeMux, s *Server) {
	s.handle(mux, "POST /twitter/oauth/request_token", "oauth1",
		`three-legged step 1 (RFC 5849 §2.1): consumer-signed, oauth_callback="oob" for a PIN, or a registered callback http://127.0.0.1:PORT/callback or http://[::1]:PORT/callback (any other: 403 code 415)`, s.twitterRequestToken)
	s.handle(mux, "GET /twitter/oauth/authorize", "oauth1",
		"three-legged step 2 (§2.2): ?oauth_token=… shows the PIN (the oauth_verifier)", s.twitterAuthorize)
	s.handle(mux, "POST /twitter/oauth/access_token", "oauth1",
		"three-legged step 3 (§2.3): signed with the request token, oauth_verifier=PIN; returns an access token", s.twitterAccessToken)
}

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}

// randomPIN returns a 7-digit PIN, as Twitter's were.
func randomPIN() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(10_000_000))
	return fmt.Sprintf("%07d", n.Int64())
}

// writeForm answers an application/x-www-form-urlencoded body in the given
// order (RFC 5849 §2.1, §2.3).
func writeForm(w http.ResponseWriter, pairs [][2]string) {
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = url.QueryEscape(p[0]) + "=" + url.QueryEscape(p[1])
	}
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(strings.Join(parts, "&")))
}

// twitterRequestToken issues temporary credentials (RFC 5849 §2.1).
func (s *Server) twitterRequestToken(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oauth1")
	v := s.twitterAuth(w, r, tr, needNoToken)
	if v == nil {
		return
	}
	// RFC 5849 §2.1: the callback is one the client registered, or "oob".
	// Answered as Twitter answers a callback not approved for the app.
	if cb := v.req.protocol["oauth_callback"]; cb != "oob" && !registeredCallback(cb) {
		tr.Verdict = "callback not registered (code 415): " + registeredRedirectsText
		s.twitterFail(w, r, tr, callbackNotApproved())
		return
	}
	token, secret := "req-"+randomHex(16), randomHex(20)
	now := s.now()
	s.tokens.put(ClientOf(r).Key, token, tokenInfo{
		kind: requestToken, secret: secret, consumer: DemoConsumerKey,
		callback: v.req.protocol["oauth_callback"], verifier: randomPIN(),
	}, 0, now.Add(requestTokenTTL), now)
	tr.Verdict = "ok: request token issued"
	add(tr, "issued oauth_token", token)
	add(tr, "issued token secret length", length(secret))
	s.finish(w, r, tr, http.StatusOK)
	writeForm(w, [][2]string{{"oauth_token", token}, {"oauth_token_secret", secret}, {"oauth_callback_confirmed", "true"}})
}

// registeredCallback reports whether an oauth_callback is a registered
// redirect URI (registeredRedirect) once its query is set aside: an
// OAuth 1.0a client may carry its own state there, and the server adds
// oauth_token and oauth_verifier to it (RFC 5849 §2.2).
func registeredCallback(cb string) bool {
	base, _, _ := strings.Cut(cb, "?")
	return registeredRedirect(base)
}

// authorizeHTML is the page of /twitter/oauth/authorize.
const authorizeHTML = `<!doctype html>
<meta charset="utf-8">
<title>authlab practice: authorize</title>
<h1>Authorize the application?</h1>
{{if .Error}}<p>{{.Error}}</p>
{{else}}<p>The application with consumer key <code>{{.Consumer}}</code> asks to act as <b>{{.User}}</b>.
This practice server has no login: the demo user always says yes.</p>
<p>Your PIN (the <code>oauth_verifier</code>): <b id="pin">{{.PIN}}</b></p>
<p>Type it into the application, which exchanges it at <code>POST /twitter/oauth/access_token</code>.</p>
{{if .Continue}}<p><a href="{{.Continue}}">Return to the application</a> at its registered callback <code>{{.Callback}}</code>.</p>
{{end}}<p>Callbacks this server allows: {{.Allowed}}</p>
{{end}}`

// twitterAuthorize is where the user authorizes a request token (RFC 5849
// §2.2). There is no login: the page shows the PIN; with a callback URL it
// also links back to it with oauth_token and oauth_verifier.
func (s *Server) twitterAuthorize(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oauth1")
	token := r.URL.Query().Get("oauth_token")
	add(tr, "oauth_token", token)
	data := struct {
		Error, Consumer, User, PIN, Continue, Callback, Allowed string
	}{User: DemoUser, Allowed: registeredRedirectsText}
	status := http.StatusOK
	now := s.now()
	info, ok := s.oauth1Token(token, requestToken, now)
	switch {
	case token == "":
		status, data.Error = http.StatusBadRequest, "No oauth_token: open this page as /twitter/oauth/authorize?oauth_token=… with the request token."
		tr.Verdict = "no oauth_token"
	case !ok:
		status, data.Error = http.StatusBadRequest, "This request token is unknown or has expired: ask for a new one (POST /twitter/oauth/request_token)."
		tr.Verdict = "unknown or expired request token"
	default:
		s.tokens.update(token, now, func(t *tokenInfo) { t.authorized = true })
		data.Consumer, data.PIN = info.consumer, info.verifier
		add(tr, "oauth_callback", info.callback)
		// The callback was checked at request_token time (registeredRedirect);
		// checked again so this page never links anywhere else.
		if info.callback != "oob" && registeredCallback(info.callback) {
			if u, err := url.Parse(info.callback); err == nil {
				data.Callback = info.callback
				q := u.Query()
				q.Set("oauth_token", token)
				q.Set("oauth_verifier", info.verifier)
				u.RawQuery = q.Encode()
				data.Continue = u.String()
			}
		}
		tr.Verdict = "ok: authorized, PIN shown"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	s.finish(w, r, tr, status)
	w.WriteHeader(status)
	s.authorize.Execute(w, data)
}

// twitterAccessToken exchanges an authorized request token and its
// verifier for token credentials (RFC 5849 §2.3).
func (s *Server) twitterAccessToken(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oauth1")
	v := s.twitterAuth(w, r, tr, needRequestToken)
	if v == nil {
		return
	}
	if _, ok := s.tokens.take(v.token, s.now()); !ok { // another exchange won the race
		tr.Verdict = "request token already exchanged (code 89)"
		s.twitterFail(w, r, tr, invalidToken())
		return
	}
	token, secret := "1-"+randomHex(16), randomHex(20)
	s.tokens.put(ClientOf(r).Key, token, tokenInfo{kind: accessToken, secret: secret, consumer: DemoConsumerKey}, 0, time.Time{}, s.now())
	tr.Verdict = "ok: access token issued"
	add(tr, "issued oauth_token", token)
	add(tr, "issued token secret length", length(secret))
	s.finish(w, r, tr, http.StatusOK)
	writeForm(w, [][2]string{{"oauth_token", token}, {"oauth_token_secret", secret}, {"user_id", "1"}, {"screen_name", DemoUser}})
}
