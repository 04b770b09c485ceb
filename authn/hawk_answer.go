package authn

import (
	"context"
	"crypto/hmac"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Prepare has nothing to do: a Hawk request is signed from the start (the
// API.md example's first, unauthenticated request only shows the 401).
func (hawk) Prepare(context.Context, *Call) error { return nil }

// Answer reads what the server said about the signed request: on a 401, its
// WWW-Authenticate Hawk error and, for "Stale timestamp", its signed time;
// on any other answer, its Server-Authorization. It asks for one retry
// only when a stale ts can be corrected from a tsm that verifies.
func (hawk) Answer(_ context.Context, c *Call, resp *Response) (bool, error) {
	sent, ok := hawkSentFor(c)
	if resp.Status == http.StatusUnauthorized {
		for _, v := range resp.Header.Values("WWW-Authenticate") {
			params, isHawk := hawkParams(v)
			if !isHawk {
				continue
			}
			if _, hasTs := params["ts"]; hasTs {
				return hawkStale(c, sent, ok, params, v), nil
			}
			if e := params["error"]; e != "" {
				c.Trace.Add("The server refused the request: "+e, hawkRef+" “Protocol Example”",
					"hapi answers every failed check with 401 and WWW-Authenticate: Hawk error=\"…\" naming it; the hints explain what each one means.",
					Plain("WWW-Authenticate", v))
			}
			return false, nil
		}
		return false, nil
	}
	if v := resp.Header.Get("Server-Authorization"); v != "" {
		hawkServerAuthorization(c, sent, ok, v, resp)
	} else if resp.Status < 300 {
		c.Trace.Add("No Server-Authorization: the response is not authenticated", hawkRef+" “Response Payload Validation”",
			"A Hawk server may sign its answer with a Server-Authorization header (a MAC over this request's values and the response's hash and ext); this one did not, so nothing proves the answer came from a server that holds the key. That is allowed: the header is optional.")
	}
	return false, nil
}

// hawkSentFor returns the artifacts of the request the response answers:
// the latest one this call signed (a redirect hop is signed into a trace
// of its own, so for one the latest of the session).
func hawkSentFor(c *Call) (hawkSent, bool) {
	all, _ := c.Env.Session.Get(hawkSentKey).([]hawkSent)
	for _, s := range all {
		if c.Role == RoleRedirect || s.tr == c.Trace {
			return s, true
		}
	}
	return hawkSent{}, false
}

// hawkStale handles a "Stale timestamp" answer (@hapi/hawk server.js: the
// MAC verified, but ts is more than timestampSkewSec from the server's
// clock, so the server sends its own time ts and tsm = HMAC of
// "hawk.1.ts\n{ts}\n"). The offset is trusted only when tsm verifies with
// the key: anyone could send a ts, only the key's holder its MAC.
func hawkStale(c *Call, sent hawkSent, ok bool, params map[string]string, header string) bool {
	ref := hawkRef + " “Protocol Example”, @hapi/hawk lib/crypto.js calculateTsMac"
	ts, tsm := params["ts"], params["tsm"]
	alg := c.Creds.Get("algorithm")
	if alg == "" {
		alg = "sha256"
	}
	vals := []Value{Plain("WWW-Authenticate", header), Plain("server ts", ts), Plain("tsm received", tsm)}
	serverTs, tsOK := hawkSeconds(ts)
	if !tsOK {
		c.Trace.Add("The server's ts is not a time: the clock is not corrected", ref,
			"A Stale timestamp answer carries the server's time in seconds; this one does not, so there is nothing to correct the clock with.", vals...)
		return false
	}
	want := hawkTsMAC(alg, c.Creds.Get("key"), ts)
	vals = append(vals, Plain("tsm computed", want))
	if !hmac.Equal([]byte(want), []byte(tsm)) {
		c.Trace.Add("tsm does not verify: the server's time is not trusted", ref,
			"The server's ts comes with tsm, the MAC of \"hawk.1.ts\\n"+ts+"\\n\" under the shared key. It does not match, so this time may come from anyone (a proxy, an attacker who wants to move your clock): authlab does not correct its clock with it and does not retry.",
			append(vals, Plain("tsm verified", "no"))...)
		return false
	}
	vals = append(vals, Plain("tsm verified", "yes"))
	switch {
	case ok && sent.pinned:
		c.Trace.Add("Stale timestamp: the ts is pinned, so it is not corrected", ref,
			"The server's signed time verifies, but ts was pinned with -c ts=…: authlab keeps what you pinned. Leave ts empty to let the clock (and the server's correction) choose it.", vals...)
		return false
	case c.Role == RoleRetry:
		c.Trace.Add("Stale timestamp again after the correction", ref,
			"The request was already signed again with the server's time and is still refused as stale: the server's clock is moving oddly (or its skew window is tiny). authlab does not retry twice.", vals...)
		return false
	}
	now := c.Env.Now
	if now == nil {
		now = time.Now
	}
	local := now().Unix()
	offset := serverTs - local
	c.Env.Session.Set(hawkOffsetKey(originOf(c.URL)), offset)
	vals = append(vals, Plain("local clock", strconv.FormatInt(local, 10)), Plain("clock offset", fmt.Sprintf("%+d s", offset)),
		Plain("your clock", hawkDescribeOffset(offset)))
	c.Trace.Add("Stale timestamp: correct the clock from the server's signed ts and sign again", ref,
		"The MAC verified but the ts was outside the server's window (hapi: ±60 s). The server sent its time with a MAC only the key's holder can make, and it verifies, so authlab keeps the offset for this server for the rest of the session and signs the request again, once, with the corrected clock.",
		vals...)
	return true
}

// hawkDescribeOffset says "300 s behind the server's" for an offset of
// +300 (the server's clock minus the local one).
func hawkDescribeOffset(offset int64) string {
	switch {
	case offset > 0:
		return fmt.Sprintf("%d s behind the server's", offset)
	case offset < 0:
		return fmt.Sprintf("%d s ahead of the server's", -offset)
	}
	return "in step with the server's"
}

// hawkServerAuthorization validates the response's Server-Authorization
// (API.md "Response Payload Validation", @hapi/hawk client.js
// authenticate): a MAC over "hawk.1.response" and the request's own ts,
// nonce, method, resource, host, port, app and dlg with the response's hash
// and ext, and, when hash is given, the hash of the response's content type
// and body.
func hawkServerAuthorization(c *Call, sent hawkSent, ok bool, header string, resp *Response) {
	ref := hawkRef + " “Response Payload Validation”"
	vals := []Value{Plain("Server-Authorization", header)}
	fail := func(why, note string, more ...Value) {
		c.Trace.Add("Server-Authorization: fail · "+why, ref, note, append(vals, more...)...)
	}
	params, isHawk := hawkParams(header)
	if !isHawk || params["mac"] == "" {
		fail("not a Hawk header with a mac", "The header should read Hawk mac=\"…\" (with hash=\"…\" and ext=\"…\" when given); this one cannot be parsed as that, so the response is not authenticated.")
		return
	}
	if !ok {
		fail("no signed request to check it against", "authlab keeps the values of the requests it signs to check the answer; none was found for this response.")
		return
	}
	alg := c.Creds.Get("algorithm")
	if alg == "" {
		alg = "sha256"
	}
	ra := sent.a
	ra.hash, ra.ext = params["hash"], params["ext"]
	normalized := hawkNormalized("response", ra)
	want := hawkMAC(alg, c.Creds.Get("key"), normalized)
	vals = append(vals, Plain("response normalized string", normalized), Plain("response mac received", params["mac"]), Plain("response mac computed", want))
	if !hmac.Equal([]byte(want), []byte(params["mac"])) {
		fail("bad response MAC", "The MAC over hawk.1.response and this request's values does not match: the answer was not made by a server with this key for this request (or was changed on the way). Do not trust it.")
		return
	}
	if ra.hash == "" {
		c.Trace.Add("Server-Authorization: pass (MAC verified, payload not covered)", ref,
			"The MAC verifies with the key, for this request's ts and nonce: the answer comes from a server that holds the key. It carries no hash, so the body is not covered.", vals...)
		return
	}
	if resp.Truncated {
		c.Trace.Add("Server-Authorization: MAC verified, payload hash not checked", ref,
			"The MAC verifies, but the body was cut at authlab's cap (--max-body), so its hash cannot be computed.", vals...)
		return
	}
	got := hawkPayloadHash(alg, resp.Header.Get("Content-Type"), resp.Body)
	vals = append(vals, Plain("response payload hash received", ra.hash), Plain("response payload hash computed", got))
	if !hmac.Equal([]byte(got), []byte(ra.hash)) {
		fail("bad response payload hash", "The MAC verifies but the hash of the content type and body received is not the one the server signed: the body was changed after the server signed it (a proxy rewriting it, a different encoding).")
		return
	}
	c.Trace.Add("Server-Authorization: pass (MAC and payload hash verified)", ref,
		"The MAC verifies with the key for this request's ts and nonce, and the body hashes to the signed hash: the answer comes, unchanged, from a server that holds the key.", vals...)
}

// ExplainOffer describes a Hawk challenge: a bare "Hawk" asks for a signed
// request; ts and tsm carry the server's time after a stale ts; error names
// the check that failed.
func (hawk) ExplainOffer(ch Challenge) (detail, ref string, ok bool) {
	detail = "Hawk: sign each request with an HMAC (key shared with the server) over its method, resource, host, port, a timestamp, a nonce and the payload hash; use -a hawk -c id=… -c key=…."
	if e, has := ch.Param("error"); has {
		detail += " The server says: " + hintQuote(e, 80) + "."
	}
	if _, has := ch.Param("tsm"); has {
		detail += " ts and tsm are the server's time and its MAC: a client with the key corrects its clock from them."
	}
	return detail, hawkRef + " “Protocol Example”", true
}
