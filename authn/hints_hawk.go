package authn

import (
	"fmt"
	"net/http"
	"strings"
)

// Hawk failures as @hapi/hawk answers them (server.js authenticate): 401
// with WWW-Authenticate: Hawk error="…" for a check that failed (Unknown
// credentials, Bad mac, Missing required payload hash, Bad payload hash,
// Invalid nonce, Stale timestamp with the server's ts and tsm), 400 with a
// Boom body for a header it cannot parse; and, after authlab corrected its
// clock from a signed ts, what the correction was.

func init() { registerRecognizer("hawk", hintRankRFCError, hawkHints) }

// Titles of the Hawk hints (tests match them).
const (
	hawkHintBadMac          = "Hawk MAC refused · Bad mac"
	hawkHintUnknownID       = "Hawk id unknown to the server"
	hawkHintStale           = "Hawk Stale timestamp · clock not corrected"
	hawkHintStaleAgain      = "Hawk Stale timestamp again after correcting the clock"
	hawkHintStaleNoTs       = "Hawk Stale timestamp without the server's time"
	hawkHintNonce           = "Hawk nonce refused · Invalid nonce"
	hawkHintPayloadMissing  = "Hawk payload hash required by the server"
	hawkHintPayloadBad      = "Hawk payload hash refused · Bad payload hash"
	hawkHintHeader          = "Hawk header refused · "
	hawkHintCorrected       = "Hawk clock corrected · your clock is "
	hawkHintCorrectedInStep = "Hawk clock corrected from the server's signed ts"
)

// hawkSentAttrs returns the attributes of the Hawk Authorization header
// that was sent, if one was.
func (in hintInput) hawkSentAttrs() (map[string]string, bool) {
	v := in.ex.Request.Header.Get("Authorization")
	if v == "" {
		return nil, false
	}
	return hawkParams(v)
}

func hawkHints(in hintInput) []Hint {
	sent, signed := in.hawkSentAttrs()
	if !signed && in.schemeName() != "hawk" {
		return nil
	}
	ref := hawkRef + " “Protocol Example”, @hapi/hawk lib/server.js"
	if in.status() == http.StatusUnauthorized {
		for _, c := range in.challenges {
			if !c.Is("Hawk") {
				continue
			}
			e, _ := c.Param("error")
			if h, ok := hawkErrorHint(in, c, e, sent, ref); ok {
				return []Hint{h}
			}
		}
		return nil
	}
	if in.status() == http.StatusBadRequest && signed {
		if m := in.object(); m != nil {
			msg, _ := hintJSONString(m, "message")
			if _, boom := hintJSONInt(m, "statusCode"); boom && msg != "" {
				return []Hint{{Level: LevelError, Title: hawkHintHeader + hintShorten(msg, 60),
					Detail: "The server could not read the Authorization header (hapi answers 400 before any MAC is checked): " + hintQuote(msg, 100) + ". " +
						"It wants Hawk followed by id, ts, nonce and mac (hash, ext, app and dlg optional) as name=\"value\" pairs, each value printable ASCII without quotes or backslashes and not empty.",
					Checks: []string{"Let authlab build the header (-a hawk) instead of typing an Authorization header",
						"Check ext, app and dlg for characters outside printable ASCII", "Send a Host header the server can parse"},
					Ref: ref}}
			}
		}
		return nil
	}
	if in.status() < 400 && signed && in.ex.Role == RoleRetry {
		return hawkCorrectedHint(in, sent)
	}
	return nil
}

// hawkErrorHint explains the error of a Hawk 401.
func hawkErrorHint(in hintInput, c Challenge, e string, sent map[string]string, ref string) (Hint, bool) {
	switch strings.ToLower(e) {
	case "bad mac":
		return Hint{Level: LevelError, Title: hawkHintBadMac,
			Detail: "The server knows the id but computed another MAC over the normalized string: the key or the algorithm differs, or one of the signed values (method, resource, host, port, payload hash, ext) is not what the server received.",
			Checks: []string{"Copy the key again, whole (-c key=…)", "Use the algorithm the server has on file for this id (-c algorithm=sha256 or sha1)",
				"Behind a proxy or with a Host override the server may see another host or port than you signed",
				"On the practice server the comparison names the first difference between the normalized strings"},
			Ref: ref}, true
	case "unknown credentials":
		id := sent["id"]
		return Hint{Level: LevelError, Title: hawkHintUnknownID,
			Detail: "The server has no Hawk credentials for id " + hintQuote(id, 60) + ", so it did not even check the MAC.",
			Checks: []string{"Check the id for a typo (-c id=…)", "The id may belong to another environment (staging, production) than this URL"},
			Ref:    ref}, true
	case "invalid nonce":
		return Hint{Level: LevelError, Title: hawkHintNonce,
			Detail: "The MAC verified, but the server has already seen this nonce with this key within the ts window: it takes the request for a replay.",
			Checks: []string{"Do not pin the nonce (-c nonce=…): authlab draws a new one for every request",
				"A request sent again as captured (from history, a proxy, a script) is refused by design"},
			Ref: ref}, true
	case "missing required payload hash":
		return Hint{Level: LevelError, Title: hawkHintPayloadMissing,
			Detail: "The MAC verified, but this server requires the payload hash (the hash of the content type and body) and the request carried none.",
			Checks: []string{"Use -c payload_hash=auto (the default: hashes any body) or always (hashes an empty body too), not never"},
			Ref:    hawkRef + " “Payload Validation”"}, true
	case "bad payload hash":
		return Hint{Level: LevelError, Title: hawkHintPayloadBad,
			Detail: "The MAC verified (the hash was not changed) but the body the server received does not hash to it: the body or its content type was changed after signing.",
			Checks: []string{"A proxy or client library may re-encode the body or add a charset the server strips differently",
				"The hash covers the Content-Type without parameters, lower case: send the one you signed"},
			Ref: hawkRef + " “Payload Validation”"}, true
	case "stale timestamp":
		return hawkStaleHint(in, c, sent), true
	}
	return Hint{}, false
}

// hawkStaleHint explains a Stale timestamp 401 that is the final answer:
// the retry with the corrected clock was refused too, or authlab did not
// correct the clock (a pinned ts, a tsm that does not verify).
func hawkStaleHint(in hintInput, c Challenge, sent map[string]string) Hint {
	ref := hawkRef + " “Protocol Example”, @hapi/hawk lib/crypto.js calculateTsMac"
	sts, hasTs := c.Param("ts")
	_, hasTsm := c.Param("tsm")
	server, okS := hawkSeconds(sts)
	mine, okM := hawkSeconds(sent["ts"])
	if !hasTs || !hasTsm || !okS {
		return Hint{Level: LevelError, Title: hawkHintStaleNoTs,
			Detail: "The server refused the ts as outside its window (hapi: ±60 s) but sent no time of its own to correct the clock with.",
			Checks: []string{"Synchronise the local clock with NTP (e.g. `timedatectl set-ntp true`)", "Do not pin ts (-c ts=…)"},
			Ref:    ref}
	}
	gap := ""
	if okM {
		gap = fmt.Sprintf(" Its ts is %d; the ts you sent, %d, is %s.", server, mine, hawkDescribeTs(server-mine))
	}
	if in.ex.Role == RoleRetry {
		return Hint{Level: LevelError, Title: hawkHintStaleAgain,
			Detail: "authlab corrected its clock from the server's signed time and signed again, and the server still refused the ts." + gap,
			Checks: []string{"The server's clock may be jumping, or its window much smaller than hapi's 60 s: ask its operator"},
			Ref:    ref}
	}
	return Hint{Level: LevelError, Title: hawkHintStale,
		Detail: "The server refused the ts as outside its window and sent its own time with tsm, its MAC under the shared key." + gap +
			" authlab corrects its clock only from a tsm that verifies with your key, and never a pinned ts. A tsm that does not verify is not trusted: the time may not come from a holder of the key (a proxy, an attacker who wants to move your clock), so it is not used; the trace says which case this was.",
		Checks: []string{"Leave ts empty (do not -c ts=…) so the clock, corrected by a verified tsm, chooses it",
			"If the trace says the tsm does not verify: the answer does not come from a server with your key (check the URL and what is in between)",
			"Synchronise the local clock with NTP (e.g. `timedatectl set-ntp true`)"},
		Ref: ref}
}

// hawkDescribeTs says how the ts sent compares with the server's time
// (d = server − sent).
func hawkDescribeTs(d int64) string {
	switch {
	case d > 0:
		return fmt.Sprintf("%d s behind it", d)
	case d < 0:
		return fmt.Sprintf("%d s ahead of it", -d)
	}
	return "the same"
}

// hawkCorrectedHint says what the clock correction was when the final
// answer is the retry authlab signed with the server's time (a Hawk retry
// happens only for that): the ts it carried against the local clock.
func hawkCorrectedHint(in hintInput, sent map[string]string) []Hint {
	ts, ok := hawkSeconds(sent["ts"])
	if !ok || in.now.IsZero() {
		return nil
	}
	off := ts - in.now.Unix()
	ref := hawkRef + " “Protocol Example”, @hapi/hawk lib/crypto.js calculateTsMac"
	if off >= -1 && off <= 1 {
		return []Hint{{Level: LevelInfo, Title: hawkHintCorrectedInStep,
			Detail: "The first request's ts was refused as stale; the server's signed time verified with your key and the request was signed again with it. That time agrees with your clock, so the stale ts came from an offset kept from earlier in this session, which no longer holds (the server's clock moved).",
			Ref:    ref}}
	}
	return []Hint{{Level: LevelWarn, Title: hawkHintCorrected + hawkDescribeOffset(off),
		Detail: fmt.Sprintf("The first request's ts was refused as stale; the server's signed time (tsm) verified with your key, so authlab signed again with a clock corrected by %+d s and keeps that offset for this server for the rest of the session. Other programs and time-based credentials on this machine still use the uncorrected clock.", off),
		Checks: []string{"Synchronise the local clock with NTP (e.g. `timedatectl set-ntp true`), or check the server's clock if yours is right"},
		Ref:    ref}}
}
