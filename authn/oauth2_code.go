package authn

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/oauth2"
)

// Authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636) for a
// native app: the redirect goes to a loopback listener on 127.0.0.1 with a
// port the system picks (RFC 8252 §7.3), the user approves in a browser,
// the listener receives the code, and the client exchanges it with the
// code_verifier only it knows.

// oauth2CallbackWait bounds how long the listener waits for the browser.
const oauth2CallbackWait = 5 * time.Minute

// oauth2CallbackPath is the path of the loopback redirect URI.
const oauth2CallbackPath = "/callback"

// oauth2RandomString returns n random bytes from r, base64url-encoded
// without padding: the construction of oauth2.GenerateVerifier (32 bytes
// give the 43-character verifier RFC 7636 §4.1 recommends), but through the
// Env.Rand seam so traces can be reproduced.
func oauth2RandomString(r io.Reader, n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("oauth2: reading randomness: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// oauth2PKCE derives the S256 code challenge from a verifier (RFC 7636
// §4.2): BASE64URL(SHA256(ASCII(code_verifier))). It returns the SHA-256
// digest in hex for the trace, and the challenge, computed by x/oauth2.
func oauth2PKCE(verifier string) (digestHex, challenge string) {
	sum := sha256.Sum256([]byte(verifier))
	return hex.EncodeToString(sum[:]), oauth2.S256ChallengeFromVerifier(verifier)
}

// oauth2Callback is what the loopback listener received.
type oauth2Callback struct {
	code string
	err  error
}

// oauth2DonePage is the page the browser shows after the redirect.
var oauth2DonePage = template.Must(template.New("done").Parse(`<!doctype html>
<meta charset="utf-8">
<title>authlab</title>
<h1>{{if .Error}}Authorization failed{{else}}Signed in{{end}}</h1>
{{if .Error}}<p>{{.Error}}</p>{{end}}
<p>You can close this tab and return to authlab.</p>
`))

// authCode runs the authorization code grant with PKCE S256.
func (r *oauth2Run) authCode(ctx context.Context) error {
	c, p := r.c, r.p
	if r.beforeAuthorize != nil {
		r.beforeAuthorize()
	}
	verifier, err := oauth2RandomString(c.Env.Rand, 32)
	if err != nil {
		return err
	}
	state, err := oauth2RandomString(c.Env.Rand, 16)
	if err != nil {
		return err
	}
	digest, challenge := oauth2PKCE(verifier)
	c.Trace.Add("Make a PKCE code verifier", "RFC 7636 §4.1",
		"32 random bytes, base64url-encoded: 43 characters. It stays in authlab until the token request, so a stolen authorization code is useless without it.",
		Secret("code_verifier", verifier, ""))
	c.Trace.Add("Derive the code challenge (S256)", "RFC 7636 §4.2",
		"code_challenge = BASE64URL(SHA256(ASCII(code_verifier))). Only the challenge goes through the browser; the server later hashes the verifier and compares (§4.6).",
		Plain("SHA-256(code_verifier)", digest), Plain("code_challenge", challenge), Plain("code_challenge_method", "S256"))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("oauth2: cannot listen on 127.0.0.1 for the redirect: %w", err)
	}
	defer ln.Close()
	redirect := "http://127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + oauth2CallbackPath
	c.Trace.Add("Listen for the redirect on a loopback port", "RFC 8252 §7.3",
		"A native app receives the code on http://127.0.0.1 with a port the system chose; the authorization server must accept any port for a loopback redirect URI.",
		Plain("redirect_uri", redirect))

	u := cloneURL(p.authURL)
	q := u.Query()
	q.Set("response_type", "code")
	q.Set("client_id", p.clientID)
	q.Set("redirect_uri", redirect)
	if p.scope != "" {
		q.Set("scope", p.scope)
		p.requested = p.scope
	}
	if p.audience != "" {
		q.Set("audience", p.audience)
	}
	q.Set("state", state)
	q.Set("code_challenge", challenge)
	q.Set("code_challenge_method", "S256")
	for _, kv := range r.authParams {
		q.Set(kv[0], kv[1])
	}
	u.RawQuery = q.Encode()
	authURL := u.String()
	c.Trace.Add("Build the authorization URL", "RFC 6749 §4.1.1, RFC 7636 §4.3",
		"state is a random value the redirect must carry back unchanged (CSRF protection, RFC 6749 §10.12).",
		Plain("URL", authURL), Plain("state", state))

	got := make(chan oauth2Callback, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: oauth2CallbackHandler(state, got)}
	go srv.Serve(ln)
	defer srv.Close()

	c.Notify(Notice{Title: "Open this URL in a browser to sign in and approve", URL: authURL,
		Deadline: c.Env.Now().Add(oauth2CallbackWait), Detail: "authlab waits for the redirect to " + redirect})
	defer c.Notify(Notice{Title: "Authorization finished", Done: true})

	timer := time.NewTimer(oauth2CallbackWait)
	defer timer.Stop()
	var cb oauth2Callback
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-timer.C:
		return fmt.Errorf("oauth2: no redirect arrived at %s within %s: open the authorization URL and approve", redirect, oauth2Words(oauth2CallbackWait))
	case cb = <-got:
	}
	if cb.err != nil {
		return cb.err
	}
	c.Trace.Add("Receive the authorization code", "RFC 6749 §4.1.2",
		"The browser was redirected to the loopback listener with code and the same state.",
		Secret("code", cb.code, ""), Plain("state", "matches"))
	params := [][2]string{{"grant_type", "authorization_code"}, {"code", cb.code}, {"redirect_uri", redirect}, {"code_verifier", verifier}}
	return r.token(ctx, "authorization_code", params, map[string]string{"code": Mask(""), "code_verifier": Mask("")})
}

// oauth2CallbackHandler answers the browser's redirect: the first request
// to the callback path decides (a code with the right state, or an error),
// and the browser gets a small page saying it can close the tab.
func oauth2CallbackHandler(state string, got chan<- oauth2Callback) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != oauth2CallbackPath {
			http.NotFound(w, req)
			return
		}
		q := req.URL.Query()
		var cb oauth2Callback
		var page string
		switch {
		case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1:
			cb.err = errors.New("oauth2: the redirect's state does not match the one sent (RFC 6749 §10.12): possible cross-site request forgery; start again")
			page = "The state parameter does not match: this redirect was not for this request."
		case q.Get("error") != "":
			e := &oauth2TokenError{endpoint: "authorization endpoint", request: "authorization", status: http.StatusFound,
				code: oauth2OneLine(q.Get("error")), desc: oauth2OneLine(q.Get("error_description"))}
			cb.err = e
			page = "The authorization server answered " + e.code + "."
		case q.Get("code") == "":
			cb.err = errors.New("oauth2: the redirect carries neither code nor error (RFC 6749 §4.1.2)")
			page = "The redirect carries no authorization code."
		default:
			cb.code = q.Get("code")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		status := http.StatusOK
		if cb.err != nil {
			status = http.StatusBadRequest
		}
		w.WriteHeader(status)
		oauth2DonePage.Execute(w, struct{ Error string }{page})
		select {
		case got <- cb:
		default: // a later request; the first one decided
		}
	})
}
