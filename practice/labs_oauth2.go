package practice

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The two OAuth 2.0 labs.
//
//	oauth2-redirect  the authorization endpoint compares redirect_uri with the
//	                 registered one by prefix, so a look-alike host gets the
//	                 code (RFC 9700 §4.1.1, §4.1.3; RFC 6749 §3.1.2.3)
//	oauth2-state     a client application whose callback takes any code
//	                 without a state bound to the browser: a cross-site
//	                 request signs the victim in to the attacker's account
//	                 (RFC 9700 §4.7.1; RFC 6749 §10.12)
//
// Both authorization endpoints act for a user who is signed in and has
// approved the lab client before, so they redirect at once with a code: the
// silent redirect that makes these bugs dangerous. Codes are stateless:
// the user, client and redirect URI under an HMAC with the lab key, valid
// labCodeTTL.

// LabOAuth2ClientID is the client of the OAuth 2.0 labs; its registered
// redirect URI is LabOAuth2Redirect.
const (
	LabOAuth2ClientID = "lab-client"
	LabOAuth2Redirect = "https://client.example/callback"
	// labRedirectPrefix is what the vulnerable endpoint compares with.
	labRedirectPrefix = "https://client.example"
	labCodeTTL        = 10 * time.Minute
	labLoginCookie    = "lab_login" // the vulnerable client's "a login started here"
	labStateCookie    = "lab_state" // the fixed client's state binding
)

func labOAuth2Redirect() Lab {
	return Lab{
		Name: "oauth2-redirect", Title: "OAuth 2.0 redirect_uri prefix matching",
		Vulnerable: "/labs/oauth2-redirect/authorize", Fixed: "/labs/oauth2-redirect/fixed/authorize",
		Story: "The authorization endpoint checks that redirect_uri starts with " + labRedirectPrefix + " (the client registered " + LabOAuth2Redirect +
			"), so https://client.example.attacker.test/ passes, and the signed-in user's code is sent there.",
		Exploit: []string{
			`authlab send 'BASE/labs/oauth2-redirect/authorize?response_type=code&client_id=` + LabOAuth2ClientID + `&redirect_uri=https://client.example.attacker.test/steal&state=xyz'`,
		},
		Check: "the endpoint redirects a code to a host other than client.example (the 302's Location; authlab exits 3 and shows it)",
		Fix:   "Compare redirect_uri with the registered URIs by exact string match (RFC 9700 §4.1.3, §2.1; RFC 6749 §3.1.2.3), and on a mismatch answer the error to the user, never redirect (RFC 6749 §4.1.2.1).",
		Ref:   "RFC 9700 §4.1",
	}
}

func labOAuth2State() Lab {
	return Lab{
		Name: "oauth2-state", Title: "OAuth 2.0 client without a state check (login CSRF)",
		Vulnerable: "/labs/oauth2-state/callback", Fixed: "/labs/oauth2-state/fixed/callback",
		Setup: []string{"/labs/oauth2-state/authorize (the authorization server; login_hint picks the account)", "/labs/oauth2-state/login", "/labs/oauth2-state/fixed/login"},
		Story: "The client application's callback exchanges whatever code it is given: it sends no state and checks none, so an attacker's own code, " +
			"put in a link or an image the victim's browser loads, signs the victim in to the attacker's account.",
		Exploit: []string{
			`authlab send 'BASE/labs/oauth2-state/authorize?response_type=code&client_id=` + LabOAuth2ClientID + `&redirect_uri=BASE/labs/oauth2-state/callback&login_hint=attacker'`,
			`authlab send 'BASE/labs/oauth2-state/callback?code=CODE'`,
		},
		Check: "the callback signs a browser in with a code for a login that browser never started (no state, no login cookie)",
		Fix:   "Bind each authorization request to the browser: a one-time state (or PKCE, or the OIDC nonce) kept in the user's session and checked at the callback (RFC 9700 §4.7.1; RFC 6749 §10.12).",
		Ref:   "RFC 9700 §4.7",
	}
}

func (l *labState) registerOAuth2(mux *http.ServeMux) {
	s := l.s
	s.handle(mux, "GET /labs/oauth2-redirect/authorize", "oauth2", "deliberately vulnerable (attack lab): authorization endpoint that matches redirect_uri by prefix", l.redirectAuthorize(false))
	s.handle(mux, "GET /labs/oauth2-redirect/fixed/authorize", "oauth2", "oauth2-redirect lab, fixed: redirect_uri matched exactly", l.redirectAuthorize(true))
	s.handle(mux, "GET /labs/oauth2-state/authorize", "oauth2", "oauth2-state lab: the authorization server (login_hint names the signed-in account)", l.stateAuthorize)
	s.handle(mux, "GET /labs/oauth2-state/login", "oauth2", "oauth2-state lab: the vulnerable client starts a sign-in (no state)", l.stateLogin(false))
	s.handle(mux, "GET /labs/oauth2-state/fixed/login", "oauth2", "oauth2-state lab, fixed: the client starts a sign-in with a state bound to a cookie", l.stateLogin(true))
	s.handle(mux, "GET /labs/oauth2-state/callback", "oauth2", "deliberately vulnerable (attack lab): client callback that checks no state", l.stateCallback(false))
	s.handle(mux, "GET /labs/oauth2-state/fixed/callback", "oauth2", "oauth2-state lab, fixed: callback that checks the state against the browser's cookie", l.stateCallback(true))
}

// labOAuth2Error is an OAuth 2.0 error shown to the user, not redirected.
type labOAuth2Error struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// labUser is the account an authorization request signs in: login_hint
// when it is a plain name, else the student's name, else "student".
func labUser(r *http.Request, hint string) string {
	ok := hint != "" && len(hint) <= 40
	for _, c := range hint {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			ok = false
		}
	}
	if ok {
		return hint
	}
	if st := ClientOf(r).Student; st != "" {
		return st
	}
	return "student"
}

// redirectAuthorize is the oauth2-redirect lab's authorization endpoint
// (RFC 6749 §4.1.1); fixed compares redirect_uri exactly.
func (l *labState) redirectAuthorize(fixed bool) http.HandlerFunc {
	lab := "oauth2-redirect"
	return func(w http.ResponseWriter, r *http.Request) {
		tr := newTrace(r, "oauth2")
		q := r.URL.Query()
		redirect := q.Get("redirect_uri")
		add(tr, "lab", lab+map[bool]string{false: " (vulnerable)", true: " (fixed)"}[fixed])
		add(tr, "client_id", oneLine(q.Get("client_id")))
		add(tr, "redirect_uri", oneLine(redirect))
		add(tr, "registered redirect_uri", LabOAuth2Redirect)
		refuse := func(desc, mistake string) {
			tr.Verdict = "lab " + lab + ": invalid_request: " + desc
			l.finish(w, r, tr, http.StatusBadRequest, mistake)
			writeJSON(w, http.StatusBadRequest, labOAuth2Error{"invalid_request", desc})
		}
		if q.Get("client_id") != LabOAuth2ClientID {
			refuse("unknown client_id (this lab's client is "+LabOAuth2ClientID+")", "")
			return
		}
		if fixed {
			add(tr, "redirect_uri check", "exact string match (RFC 9700 section 4.1.3)")
			if redirect != LabOAuth2Redirect {
				refuse("redirect_uri does not match the registered redirect URI", labRefused(lab, "redirect_uri not registered"))
				return
			}
		} else {
			add(tr, "redirect_uri check", "prefix "+labRedirectPrefix)
			if !strings.HasPrefix(redirect, labRedirectPrefix) {
				refuse("redirect_uri does not start with the registered redirect URI", "")
				return
			}
		}
		u, err := url.Parse(redirect)
		if err != nil || u.Host == "" {
			refuse("redirect_uri is not an absolute URI", "")
			return
		}
		params := url.Values{}
		if q.Get("response_type") != "code" {
			params.Set("error", "unsupported_response_type")
		} else {
			user := labUser(r, q.Get("login_hint"))
			add(tr, "signed-in user", user)
			params.Set("code", l.code(user, redirect))
		}
		if st := q.Get("state"); st != "" {
			params.Set("state", st)
		}
		mistake := ""
		switch {
		case u.Scheme != "https" || u.Hostname() != "client.example":
			tr.Verdict = "lab " + lab + ": exploited: the authorization code went to " + oneLine(u.Scheme+"://"+u.Host) + ", not the registered client.example"
			mistake = labExploited(lab)
		case redirect != LabOAuth2Redirect:
			tr.Verdict = "ok: a redirect_uri the client did not register, on its own host (an open redirector there would leak the code, RFC 9700 section 4.1.1)"
		default:
			tr.Verdict = "ok: code issued to the registered redirect_uri"
		}
		l.finish(w, r, tr, http.StatusFound, mistake)
		oauth2RedirectWith(w, r, redirect, params)
	}
}

// code makes an authorization code for user and redirect.
func (l *labState) code(user, redirect string) string {
	exp := strconv.FormatInt(l.s.now().Add(labCodeTTL).Unix(), 10)
	payload := base64.RawURLEncoding.EncodeToString([]byte(user + "\x00" + LabOAuth2ClientID + "\x00" + redirect + "\x00" + exp))
	return payload + "." + l.mac("code", payload)
}

// readCode returns the user of a code this lab made and that has not
// expired.
func (l *labState) readCode(code string) (string, bool) {
	payload, mac, ok := strings.Cut(code, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(l.mac("code", payload))) {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", false
	}
	f := strings.Split(string(b), "\x00")
	if len(f) != 4 {
		return "", false
	}
	exp, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil || l.s.now().Unix() > exp {
		return "", false
	}
	return f[0], true
}

// mac is a short HMAC-SHA256 of v under the lab key, for purpose.
func (l *labState) mac(purpose, v string) string {
	m := hmac.New(sha256.New, l.codeKey)
	m.Write([]byte(purpose + "\x00" + v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// stateCallbacks are the redirect URIs of the oauth2-state lab's client, on
// the server the request reached.
func stateCallbacks(r *http.Request) (vulnerable, fixed string) {
	base := oauth2BaseURL(r)
	return base + "/labs/oauth2-state/callback", base + "/labs/oauth2-state/fixed/callback"
}

// stateAuthorize is the oauth2-state lab's authorization endpoint: exact
// redirect_uri match, the user named by login_hint signed in.
func (l *labState) stateAuthorize(w http.ResponseWriter, r *http.Request) {
	tr := newTrace(r, "oauth2")
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	add(tr, "lab", "oauth2-state (authorization server)")
	add(tr, "redirect_uri", oneLine(redirect))
	vuln, fixed := stateCallbacks(r)
	if q.Get("client_id") != LabOAuth2ClientID || (redirect != vuln && redirect != fixed) || q.Get("response_type") != "code" {
		desc := "this lab's client is " + LabOAuth2ClientID + " with response_type=code and redirect_uri " + vuln + " or " + fixed
		tr.Verdict = "invalid_request: " + desc
		l.finish(w, r, tr, http.StatusBadRequest, "")
		writeJSON(w, http.StatusBadRequest, labOAuth2Error{"invalid_request", desc})
		return
	}
	user := labUser(r, q.Get("login_hint"))
	add(tr, "signed-in user", user)
	params := url.Values{"code": {l.code(user, redirect)}}
	if st := q.Get("state"); st != "" {
		params.Set("state", st)
	}
	tr.Verdict = "ok: code issued for " + user
	l.finish(w, r, tr, http.StatusFound, "")
	oauth2RedirectWith(w, r, redirect, params)
}

// stateLogin is the client application's "Sign in" button: it sends the
// browser to the authorization server. The vulnerable client sends no
// state (it only notes in a cookie that a login started); the fixed one
// sends a state bound to a random cookie (RFC 9700 §4.7.1).
func (l *labState) stateLogin(fixed bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		vuln, fixedCB := stateCallbacks(r)
		q := url.Values{"response_type": {"code"}, "client_id": {LabOAuth2ClientID}}
		if hint := r.URL.Query().Get("login_hint"); hint != "" {
			q.Set("login_hint", hint)
		}
		session := base64.RawURLEncoding.EncodeToString(labRandom(16))
		if fixed {
			q.Set("redirect_uri", fixedCB)
			q.Set("state", l.mac("state", session))
			http.SetCookie(w, &http.Cookie{Name: labStateCookie, Value: session, Path: "/labs/oauth2-state/fixed", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		} else {
			q.Set("redirect_uri", vuln)
			http.SetCookie(w, &http.Cookie{Name: labLoginCookie, Value: session, Path: "/labs/oauth2-state", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		}
		http.Redirect(w, r, oauth2BaseURL(r)+"/labs/oauth2-state/authorize?"+q.Encode(), http.StatusFound)
	}
}

// labSignedIn is the client application's page after a sign-in.
type labSignedIn struct {
	SignedInAs string `json:"signed_in_as"`
	Message    string `json:"message"`
}

// stateCallback is the client application's redirect endpoint: it takes
// the code and signs the browser in as the code's user. The fixed one first
// checks the state against the browser's cookie.
func (l *labState) stateCallback(fixed bool) http.HandlerFunc {
	lab := "oauth2-state"
	return func(w http.ResponseWriter, r *http.Request) {
		tr := newTrace(r, "oauth2")
		q := r.URL.Query()
		add(tr, "lab", lab+map[bool]string{false: " (vulnerable client)", true: " (fixed client)"}[fixed])
		add(tr, "state", oneLine(q.Get("state")))
		fail := func(status int, code, desc, mistake string) {
			tr.Verdict = "lab " + lab + ": " + code + ": " + desc
			l.finish(w, r, tr, status, mistake)
			writeJSON(w, status, labOAuth2Error{code, desc})
		}
		if e := q.Get("error"); e != "" {
			fail(http.StatusBadRequest, "access_denied", "the authorization server answered an error", "")
			return
		}
		if fixed {
			c, err := r.Cookie(labStateCookie)
			st := q.Get("state")
			switch {
			case st == "":
				add(tr, "state check", "no state in the callback")
				fail(http.StatusForbidden, "invalid_request", "state is missing: this sign-in was not started by this browser (RFC 9700 section 4.7.1)", labRefused(lab, "state missing"))
				return
			case err != nil || !hmac.Equal([]byte(st), []byte(l.mac("state", c.Value))):
				add(tr, "state check", "the state is not the one this browser's cookie was given")
				fail(http.StatusForbidden, "invalid_request", "state does not match the one issued to this browser: this sign-in was not started here (RFC 9700 section 4.7.1)", labRefused(lab, "state mismatch"))
				return
			}
			add(tr, "state check", "matches the browser's cookie")
		}
		user, ok := l.readCode(q.Get("code"))
		if !ok {
			fail(http.StatusBadRequest, "invalid_grant", "the authorization code is unknown or expired", "")
			return
		}
		add(tr, "code's user", user)
		http.SetCookie(w, &http.Cookie{Name: "lab_session", Value: user, Path: "/labs/oauth2-state", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		mistake := ""
		_, noLogin := r.Cookie(labLoginCookie)
		switch {
		case fixed:
			tr.Verdict = "ok: signed in as " + user + " (state checked)"
		case noLogin != nil:
			tr.Verdict = "lab " + lab + ": exploited: signed this browser in as " + user + " with a code for a sign-in it never started (no state to check; RFC 9700 section 4.7.1)"
			mistake = labExploited(lab)
		default:
			tr.Verdict = "ok: signed in as " + user + " (this browser started the sign-in; the client still checks no state)"
		}
		l.finish(w, r, tr, http.StatusOK, mistake)
		writeJSON(w, http.StatusOK, labSignedIn{SignedInAs: user, Message: "Signed in. Your saved cards and addresses now belong to this account."})
	}
}
