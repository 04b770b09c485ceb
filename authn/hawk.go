package authn

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// hawk implements Hawk, the HTTP MAC scheme of the hapi project (the
// specification is github.com/mozilla/hawk API.md; the reference
// implementation is the npm package @hapi/hawk). Client and server share a
// key; each request carries its key id, a timestamp, a nonce and a MAC over
// a normalized string of the method, resource, host, port, an optional hash
// of the payload and the ext data. The key never travels. The server may
// authenticate its answer too (Server-Authorization, a MAC over the same
// request values with the response's own hash and ext), and refuses a ts
// more than 60 s from its clock with its own time, signed (tsm), so that
// the client can correct its clock.
//
// It is a Flow: Answer validates every response's Server-Authorization and,
// on a "Stale timestamp" 401 whose tsm verifies, keeps the clock offset in
// the engine Session and asks for one retry with the corrected clock.
type hawk struct{}

func init() { register(hawk{}) }

// Values of the payload_hash field.
const (
	hawkPayloadAuto   = "auto"
	hawkPayloadAlways = "always"
	hawkPayloadNever  = "never"
)

func (hawk) Info() Info {
	return Info{
		Name:    "hawk",
		Title:   "Hawk",
		Summary: "Signs each request with an HMAC over the method, resource, host, port, timestamp, nonce and payload hash, using a key shared with the server; the server can sign its answer too.",
		Spec:    "the hapi specification, github.com/mozilla/hawk API.md",
		Rank:    75,
		// API.md "Protocol Example": the 401 challenge is "WWW-Authenticate:
		// Hawk", and the Authorization header starts with "Hawk".
		Challenges: []string{"Hawk"},
		ClockNote:  "Hawk: servers refuse a ts more than 60 s (hapi's default) from their clock with \"Stale timestamp\" and their own time, signed as tsm; authlab corrects its clock from a tsm that verifies",
		Fields: []Field{
			{Name: "id", Label: "Key identifier", Required: true,
				Help: "the Hawk credentials id (e.g. dh37fgj492je); sent in the header, not secret"},
			{Name: "key", Label: "Key", Secret: true, Required: true,
				Help: "the shared MAC key; it never travels: it computes the HMAC of the normalized string"},
			{Name: "algorithm", Label: "Algorithm", Default: "sha256", Allowed: []string{"sha256", "sha1"},
				Help: "the HMAC and payload hash algorithm the server has on file for this id"},
			{Name: "ext", Label: "Ext data",
				Help: "optional application data, sent in the header and covered by the MAC"},
			{Name: "payload_hash", Label: "Payload hash", Default: hawkPayloadAuto,
				Allowed: []string{hawkPayloadAuto, hawkPayloadAlways, hawkPayloadNever},
				Help:    "auto hashes the content type and body of a request that has a body; always also hashes an empty one; never leaves the body unprotected"},
			{Name: "app", Label: "Application id (Oz)",
				Help: "optional: the Oz application id, covered by the MAC"},
			{Name: "dlg", Label: "Delegated by (Oz)",
				Help: "optional: the Oz application that delegated; needs app"},
			{Name: "ts", Label: "Timestamp (ts)", Pinnable: true,
				Help: "seconds since the epoch; normally the clock, corrected by the server's signed ts; pin it only to reproduce a trace"},
			{Name: "nonce", Label: "Nonce", Pinnable: true,
				Help: "normally random per request; pin it only to reproduce a trace (the server refuses a nonce twice)"},
		},
	}
}

// Session keys: the clock offset learnt from an origin's signed ts, and the
// artifacts of the latest requests signed (for Server-Authorization).
func hawkOffsetKey(origin string) string { return "hawk offset\x00" + origin }

const hawkSentKey = "hawk sent"

// hawkSent is one signed request, kept so Answer can check the response's
// Server-Authorization against the very values the request was signed with.
type hawkSent struct {
	tr     *Trace // the trace of the call that signed it (Call.Trace)
	origin string
	a      hawkArtifacts
	pinned bool // ts was pinned: the clock cannot be corrected
}

// hawkMaxSent bounds the signed requests a Session remembers.
const hawkMaxSent = 16

// hawkPlan is the validated input of one signature.
type hawkPlan struct {
	id, key, alg string
	a            hawkArtifacts
	ct           string // Content-Type, when a payload hash is computed
	mode         string
	body         []byte
	tsPinned     bool
	noncePinned  bool
	clock        int64 // the local clock, in seconds
	offset       int64 // learnt from the server's signed ts
}

// hawkPrepare validates the fields against the request.
func hawkPrepare(out *Outgoing, c Credentials, env Env) (*hawkPlan, error) {
	p := &hawkPlan{id: c.Get("id"), key: c.Get("key"), alg: c.Get("algorithm"), mode: c.Get("payload_hash"), body: out.Body}
	if p.alg == "" {
		p.alg = "sha256"
	}
	if p.mode == "" {
		p.mode = hawkPayloadAuto
	}
	for _, f := range []struct{ name, v string }{{"id", p.id}, {"ext", c.Get("ext")}, {"app", c.Get("app")}, {"dlg", c.Get("dlg")}, {"nonce", c.Get("nonce")}} {
		if !hawkAttrOK(f.v) {
			return nil, &InputError{Field: f.name, Problem: fmt.Sprintf("field %q holds a character a Hawk header cannot carry (a quote, a backslash, a control or non-ASCII character)", f.name),
				Fix: "use printable ASCII without \" and \\ (hapi's parser refuses the header otherwise)"}
		}
	}
	if p.key == "" {
		return nil, &InputError{Field: "key", Problem: `Hawk needs field "key" (Key)`, Fix: "add -c key=env:HAWK_KEY (or file:PATH, or prompt)"}
	}
	if c.Get("dlg") != "" && c.Get("app") == "" {
		return nil, &InputError{Field: "dlg", Problem: `field "dlg" is set without "app"`, Fix: "set -c app=… too: dlg is only covered by the MAC with an app id"}
	}
	now := time.Now
	if env.Now != nil {
		now = env.Now
	}
	p.clock = now().Unix()
	resource, host, port := hawkTarget(out.URL, out.Header.Get("Host"))
	p.a = hawkArtifacts{method: out.Method, resource: resource, host: host, port: port,
		ext: c.Get("ext"), app: c.Get("app"), dlg: c.Get("dlg")}
	if ts := c.Get("ts"); ts != "" {
		if _, ok := hawkSeconds(ts); !ok {
			return nil, &InputError{Field: "ts", Problem: fmt.Sprintf(`field "ts" must be seconds since the epoch, like 1353832234, not %q`, ts),
				Fix: "write it as digits (date +%s prints the current one), or leave it empty for the clock"}
		}
		p.a.ts, p.tsPinned = ts, true
	} else {
		if off, ok := env.Session.Get(hawkOffsetKey(originOf(out.URL))).(int64); ok {
			p.offset = off
		}
		p.a.ts = strconv.FormatInt(p.clock+p.offset, 10)
	}
	if n := c.Get("nonce"); n != "" {
		p.a.nonce, p.noncePinned = n, true
	} else {
		r := env.Rand
		if r == nil {
			return nil, fmt.Errorf("hawk: no randomness source for the nonce")
		}
		n, err := hawkNonce(r)
		if err != nil {
			return nil, err
		}
		p.a.nonce = n
	}
	if p.mode == hawkPayloadAlways || p.mode == hawkPayloadAuto && len(out.Body) > 0 {
		p.ct = out.Header.Get("Content-Type")
		p.a.hash = hawkPayloadHash(p.alg, p.ct, out.Body)
	}
	return p, nil
}

// hawkNonce returns 8 random characters of [0-9A-Za-z] (client.js uses 6
// from cryptiles.randomString; any attribute characters do).
func hawkNonce(r io.Reader) (string, error) {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 8)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("hawk: reading randomness for the nonce: %w", err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b), nil
}

// Authorize signs out (API.md "Protocol Example") and sets the Authorization
// header; the payload hash ("Payload Validation") is included for a
// request with a body unless payload_hash=never.
func (hawk) Authorize(out *Outgoing, c Credentials, env Env, tr *Trace) error {
	p, err := hawkPrepare(out, c, env)
	if err != nil {
		return err
	}
	normalized := hawkNormalized("header", p.a)
	mac := hawkMAC(p.alg, p.key, normalized)
	header := hawkHeader(p.id, p.a, mac)
	masked := strings.Replace(header, `mac="`+mac+`"`, `mac="`+Mask("")+`"`, 1)
	out.SetHeader("Authorization", header, masked)
	p.trace(tr, normalized, mac, header)

	origin := originOf(out.URL)
	sent := hawkSent{tr: tr, origin: origin, a: p.a, pinned: p.tsPinned}
	env.Session.Update(hawkSentKey, func(old any) any {
		prev, _ := old.([]hawkSent)
		next := append([]hawkSent{sent}, prev[:min(len(prev), hawkMaxSent-1)]...)
		return next
	})
	return nil
}

// trace appends the steps of the "Protocol Example" to tr.
func (p *hawkPlan) trace(tr *Trace, normalized, mac, header string) {
	tsLabel, note := "ts (clock)", "The request carries its own time (seconds since the epoch) and a nonce. The server refuses a ts more than 60 s from its clock and a nonce it has seen with this key, so a captured request cannot be replayed."
	switch {
	case p.tsPinned:
		tsLabel = "ts (pinned)"
		note += " ts is pinned: this reproduces a trace or a published example, but a live server refuses it once it is a minute old (and authlab does not correct a pinned ts)."
	case p.offset != 0:
		tsLabel = "ts (corrected clock)"
		note += fmt.Sprintf(" The clock is corrected by %+d s, the offset learnt from this server's signed ts (tsm) earlier in this session.", p.offset)
	}
	nonceLabel := "nonce"
	if p.noncePinned {
		nonceLabel = "nonce (pinned)"
		note += " The nonce is pinned: a server that remembers nonces refuses it the second time (\"Invalid nonce\")."
	}
	vals := []Value{Plain(tsLabel, p.a.ts), Plain(nonceLabel, p.a.nonce)}
	if !p.tsPinned && p.offset != 0 {
		vals = append(vals, Plain("local clock", strconv.FormatInt(p.clock, 10)), Plain("clock offset", fmt.Sprintf("%+d s", p.offset)))
	}
	tr.Add("Take the timestamp and a nonce", hawkRef+" “Protocol Example”", note, vals...)

	switch {
	case p.a.hash != "":
		tr.Add("Hash the payload", hawkRef+" “Payload Validation”",
			"The content type (without parameters, lower case) and the body go into a hash; the hash goes into the MAC, so the server can tell the body was not changed on the way. The body itself is not in the normalized string.",
			Plain("content type", hawkContentType(p.ct)), Plain("payload hash input", hawkShown(hawkPayloadInput(p.ct, p.body))),
			Plain("algorithm", p.alg), Plain("payload hash", p.a.hash))
	case len(p.body) > 0:
		tr.Add("The payload is not hashed", hawkRef+" “Payload Validation”",
			"payload_hash=never: the MAC does not cover the body, so it could be changed on the way without the server noticing; a server that requires a payload hash refuses the request (\"Missing required payload hash\").")
	default:
		tr.Add("No payload hash: the request has no body", hawkRef+" “Payload Validation”",
			"The payload hash is optional; with no body there is nothing to protect, and the hash line of the normalized string stays empty (payload_hash=always hashes the empty body too).")
	}

	lines := "ts, nonce, method, resource (path and query), host, port, payload hash and ext"
	if p.a.app != "" {
		lines += ", then app and dlg (Oz)"
	}
	tr.Add("Build the normalized string", hawkRef+" “Protocol Example”",
		"Each value on its own line after hawk.1.header: "+lines+". Host and port are the ones the server sees in its Host header.",
		Plain("method", strings.ToUpper(p.a.method)), Plain("resource", p.a.resource), Plain("host", p.a.host), Plain("port", p.a.port),
		Plain("normalized string", normalized))

	tr.Add("Compute the MAC", hawkRef+" “Protocol Example”",
		"HMAC-"+strings.ToUpper(p.alg)+" of the normalized string with the shared key, base64: the key never travels, and any change to the values above changes the MAC.",
		Secret("key", p.key, ""), Plain("algorithm", p.alg), Signature("mac", mac))

	tr.Add("Send the Authorization header", hawkRef+" “Protocol Example”",
		"The header carries the id, ts, nonce, payload hash, ext and MAC: all the server needs to compute the same MAC with its copy of the key.",
		Signature("Authorization", header))
}

// hawkMaxShown bounds a payload shown in a trace step.
const hawkMaxShown = 2048

// hawkShown returns s for a trace, cut at hawkMaxShown bytes.
func hawkShown(s string) string {
	if len(s) <= hawkMaxShown {
		return s
	}
	return s[:hawkMaxShown] + fmt.Sprintf("… (%d bytes in all)", len(s))
}

// Lifetime says how long a Hawk request signed ahead (by `authlab export`
// for curl or HTTPie, which cannot compute the MAC) stays usable: within
// the server's timestamp window, and once, since a Hawk server remembers
// each nonce (hapi's default window is ±60 s).
func (hawk) Lifetime(http.Header, time.Time) Lifetime {
	return Lifetime{Valid: "valid only within the server's timestamp window (hapi allows ±60 s)", Replay: ", and only once: the server remembers its nonce until then"}
}
