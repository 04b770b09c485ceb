package practice

import (
	"net/http"
	"strings"
)

// The digest-downgrade lab: a Digest protection space that offers SHA-256
// first and MD5 second and accepts either. RFC 7616 §3.7 asks the client to
// take the first (strongest) challenge it supports; a man in the middle who
// strips the SHA-256 challenge, or a client told to, answers MD5, and the
// server takes it (RFC 7616 §5.8: an attacker adds or keeps a weak choice
// hoping the client uses it). The fixed twin offers SHA-256 only and
// refuses an MD5 answer. Both have their own nonce key and nc table.

func labDigestDowngrade() Lab {
	return Lab{
		Name: "digest-downgrade", Title: "Digest downgrade to MD5",
		Vulnerable: "/labs/digest-downgrade", Fixed: "/labs/digest-downgrade/fixed",
		Story: "The endpoint offers SHA-256 and MD5 and accepts an MD5 answer: whoever can strip one header from the 401 (or a client set to MD5) moves the exchange to MD5, " +
			"whose HA1 is as good as the password and cracks fast offline.",
		Exploit: []string{
			`authlab send -a digest -c username=` + DemoUser + ` -c password=` + DemoPassword + ` -c algorithm=MD5 BASE/labs/digest-downgrade`,
		},
		Check: "the endpoint answers 200 to an MD5 Digest answer",
		Fix:   "Offer and accept only the algorithms you require (SHA-256 here, RFC 7616 §3.7); a weak choice kept for old clients is the one an attacker picks (RFC 7616 §5.8). The fixed twin's 401 offers SHA-256 only and refuses MD5 answers.",
		Ref:   "RFC 7616 §5.8",
	}
}

func (l *labState) registerDigest(mux *http.ServeMux) {
	sha, _ := digestServerLookup("SHA-256")
	md, _ := digestServerLookup("MD5")
	both := digestOffer{algs: []digestServerAlg{sha, md}, qops: []string{"auth"}}
	strong := digestOffer{algs: []digestServerAlg{sha}, qops: []string{"auth"}}
	l.s.handle(mux, "/labs/digest-downgrade", "digest", "deliberately vulnerable (attack lab): Digest that offers SHA-256 and MD5 and accepts MD5 ("+DemoUser+" / "+DemoPassword+")",
		l.digestLab(l.digestVuln, both, false))
	l.s.handle(mux, "/labs/digest-downgrade/fixed", "digest", "digest-downgrade lab, fixed: SHA-256 only", l.digestLab(l.digestFixed, strong, true))
}

func (l *labState) digestLab(v *digestVerifier, offer digestOffer, fixed bool) http.HandlerFunc {
	const lab = "digest-downgrade"
	return func(w http.ResponseWriter, r *http.Request) {
		tr := newTrace(r, "digest")
		add(tr, "lab", lab+map[bool]string{false: " (vulnerable)", true: " (fixed)"}[fixed])
		var algs []string
		for _, a := range offer.algs {
			algs = append(algs, a.name)
		}
		add(tr, "offered algorithms", strings.Join(algs, ", "))
		ok, ref := v.verify(w, r, tr, offer)
		if ref != nil {
			tr.Verdict = ref.verdict
			mistake := l.s.mistake(*tr, ref.status)
			if fixed && strings.Contains(ref.verdict, "was not offered") {
				mistake = labRefused(lab, "algorithm not offered")
			}
			if ref.status == http.StatusUnauthorized {
				for _, c := range v.challenges(ClientOf(r).Key, offer, ref.stale) {
					w.Header().Add("WWW-Authenticate", c)
				}
			}
			l.finish(w, r, tr, ref.status, mistake)
			writeJSON(w, ref.status, digestBody{Error: ref.code, Message: ref.verdict})
			return
		}
		mistake := ""
		if !fixed && strings.HasPrefix(strings.ToUpper(ok.Algorithm), "MD5") {
			tr.Verdict = "lab " + lab + ": exploited: an " + ok.Algorithm + " answer was accepted where SHA-256 was offered first"
			mistake = labExploited(lab)
		} else {
			tr.Verdict = "ok"
		}
		l.finish(w, r, tr, http.StatusOK, mistake)
		writeJSON(w, http.StatusOK, ok)
	}
}
