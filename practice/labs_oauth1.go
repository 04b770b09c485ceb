package practice

import (
	"net/http"
	"strings"
)

// The oauth1-nonce lab: a Twitter-style verify_credentials that checks the
// signature and the timestamp window but forgets nonces, so a captured
// request can be sent again, unchanged, as long as its timestamp is in the
// window (RFC 5849 §3.3: the server must refuse a nonce it has seen with
// that timestamp, consumer and token). It shares the server's nonce store
// with /twitter: the vulnerable endpoint records each nonce and only
// ignores the answer, which is how it knows a replay got through.

func labOAuth1Nonce() Lab {
	return Lab{
		Name: "oauth1-nonce", Title: "OAuth 1.0a nonce replay",
		Vulnerable: "/labs/oauth1-nonce", Fixed: "/labs/oauth1-nonce/fixed",
		Story: "The endpoint verifies the HMAC-SHA1 signature and the timestamp, but never remembers a nonce: the same signed request, captured once, works again and again for " +
			"the whole timestamp window (±300 s).",
		Exploit: []string{
			`T=$(date +%s); for i in 1 2; do authlab send -a oauth1 -c consumer_key=` + DemoConsumerKey + ` -c consumer_secret=` + DemoConsumerSecret +
				` -c token=` + DemoAccessToken + ` -c token_secret=` + DemoTokenSecret + ` -c nonce=replay-me -c timestamp=$T BASE/labs/oauth1-nonce; done`,
		},
		Check: "the endpoint answers 200 to a request whose nonce it has already seen with that consumer key",
		Fix:   "Remember every nonce for the timestamp window, per consumer and token, and refuse a second use (RFC 5849 §3.3); the fixed twin answers code 32.",
		Ref:   "RFC 5849 §3.3",
	}
}

func (l *labState) registerOAuth1(mux *http.ServeMux) {
	l.s.handle(mux, "GET /labs/oauth1-nonce", "oauth1", "deliberately vulnerable (attack lab): OAuth 1.0a verify_credentials that forgets nonces", l.nonceLab(false))
	l.s.handle(mux, "GET /labs/oauth1-nonce/fixed", "oauth1", "oauth1-nonce lab, fixed: a nonce is used once (RFC 5849 §3.3)", l.nonceLab(true))
}

func (l *labState) nonceLab(fixed bool) http.HandlerFunc {
	const lab = "oauth1-nonce"
	return func(w http.ResponseWriter, r *http.Request) {
		tr := newTrace(r, "oauth1")
		add(tr, "lab", lab+map[bool]string{false: " (vulnerable)", true: " (fixed)"}[fixed])
		s := l.s
		body, err := readBody(w, r)
		var e *twitterErr
		if err != nil {
			e = badAuthData()
			tr.Verdict = "bad authentication data: " + err.Error() + " (code 215)"
		} else {
			_, e = s.verifyOAuth(r, body, tr, needAccessToken)
		}
		replay := e != nil && strings.HasPrefix(tr.Verdict, "nonce already used")
		mistake := ""
		switch {
		case replay && !fixed:
			// everything but the nonce verified: the vulnerable twin lets it in
			tr.Verdict = "lab " + lab + ": exploited: a replayed request (nonce already used, signature and timestamp valid) was accepted"
			e, mistake = nil, labExploited(lab)
		case replay:
			mistake = labRefused(lab, "nonce already used")
		case e != nil:
			mistake = s.mistake(*tr, e.status)
		}
		if e != nil {
			if e.status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `OAuth realm="authlab practice (Twitter)"`)
			}
			l.finish(w, r, tr, e.status, mistake)
			writeJSON(w, e.status, twitterErrors{[]twitterErrorItem{{e.code, e.message}}})
			return
		}
		l.finish(w, r, tr, http.StatusOK, mistake)
		writeJSON(w, http.StatusOK, demoTwitterUser())
	}
}
