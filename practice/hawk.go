package practice

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Demo credentials of /hawk: the key id and key of the Hawk specification's
// own "Protocol Example" (mozilla/hawk API.md), with sha256; a second id
// holds the same key for sha1.
const (
	DemoHawkID     = "dh37fgj492je"
	DemoHawkKey    = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"
	DemoHawkSHA1ID = "dh37fgj492je-sha1"
)

// hawkSkew is the window a ts may be off the server's clock, either way
// (@hapi/hawk's default timestampSkewSec).
const hawkSkew = 60

// hawkResponseExt is the ext of the server's Server-Authorization.
const hawkResponseExt = "authlab-practice"

// hawkCredential is what the server has on file for a key id.
type hawkCredential struct{ key, alg string }

// hawkCredentials returns the credentials of id.
func hawkCredentials(id string) (hawkCredential, bool) {
	switch id {
	case DemoHawkID:
		return hawkCredential{DemoHawkKey, "sha256"}, true
	case DemoHawkSHA1ID:
		return hawkCredential{DemoHawkKey, "sha1"}, true
	}
	return hawkCredential{}, false
}

func registerHawk(mux *http.ServeMux, s *Server) {
	// Used nonces (a ts window long), partitioned per client as the OAuth
	// 1.0a nonces are (partitioned.use): a nonce remembered from any
	// address is a replay.
	nonces := newPartitioned[struct{}](maxNonces, maxClients)
	h := func(w http.ResponseWriter, r *http.Request) { s.hawkHandler(w, r, nonces, 0) }
	desc := fmt.Sprintf("Hawk (@hapi/hawk-style): id %s, key %s (sha256; id %s for sha1); ±%d s ts window, nonces used once, Server-Authorization on success", DemoHawkID, DemoHawkKey, DemoHawkSHA1ID, hawkSkew)
	s.handle(mux, "GET /hawk", "hawk", desc, h)
	s.handle(mux, "POST /hawk", "hawk", desc+"; POST requires the payload hash", h)
	s.handle(mux, "GET /hawk/ahead", "hawk", fmt.Sprintf("Hawk as /hawk, from a server whose clock is %d s ahead: a Stale timestamp answer with its signed ts (tsm) for the client to correct its clock with", int(hawkAhead.Seconds())),
		func(w http.ResponseWriter, r *http.Request) { s.hawkHandler(w, r, nonces, hawkAhead) })
}

// hawkAhead is how far the clock of /hawk/ahead runs ahead of the server's.
const hawkAhead = 300 * time.Second

// hawkBoom is an error in the shape of hapi's Boom (the body @hapi/hawk's
// errors have when a hapi server answers them).
type hawkBoom struct {
	StatusCode int            `json:"statusCode"`
	Error      string         `json:"error"`
	Message    string         `json:"message"`
	Attributes map[string]any `json:"attributes,omitempty"`
}

// hawkFail answers a failed check as hapi does: 401 with WWW-Authenticate:
// Hawk and error="message" (plus ts and tsm for a stale ts), or 400 for a
// malformed header.
func (s *Server) hawkFail(w http.ResponseWriter, r *http.Request, tr *ServerTrace, status int, message string, extra ...[2]string) {
	if tr.Verdict == "" {
		tr.Verdict = "hawk: " + message
	}
	b := hawkBoom{StatusCode: status, Error: http.StatusText(status), Message: message}
	if status == http.StatusUnauthorized {
		challenge := "Hawk"
		if message != "" {
			b.Attributes = map[string]any{}
			challenge += " "
			for _, kv := range extra {
				challenge += kv[0] + `="` + kv[1] + `", `
				if n, err := strconv.ParseInt(kv[1], 10, 64); err == nil && kv[0] == "ts" {
					b.Attributes[kv[0]] = n
				} else {
					b.Attributes[kv[0]] = kv[1]
				}
			}
			challenge += `error="` + message + `"`
			b.Attributes["error"] = message
		} else {
			b.Message = "Unauthorized"
		}
		w.Header().Set("WWW-Authenticate", challenge)
	}
	s.finish(w, r, tr, status)
	writeJSON(w, status, b)
}

// hawkHandler verifies a Hawk request in @hapi/hawk server.authenticate's
// order: the header's syntax and attributes, the credentials, the MAC, the
// payload hash (required for POST), the nonce, the timestamp. Its
// computations are its own (hawk_verify.go), not authn's.
func (s *Server) hawkHandler(w http.ResponseWriter, r *http.Request, nonces *partitioned[struct{}], ahead time.Duration) {
	tr := newTrace(r, "hawk")
	now := s.now().Add(ahead)
	add(tr, "server time", strconv.FormatInt(now.Unix(), 10))
	body, err := readBody(w, r)
	if err != nil {
		s.hawkFail(w, r, tr, http.StatusBadRequest, "Invalid request body")
		return
	}
	host, port, ok := hawkServerHost(r)
	if !ok {
		s.hawkFail(w, r, tr, http.StatusBadRequest, "Invalid Host header")
		return
	}
	authz := r.Header.Values("Authorization")
	if len(authz) == 0 {
		tr.Verdict = "hawk: no Authorization header, so here is the challenge"
		s.hawkFail(w, r, tr, http.StatusUnauthorized, "")
		return
	}
	attrs, problem, status := hawkServerParse(authz[0], []string{"id", "ts", "nonce", "hash", "ext", "mac", "app", "dlg"})
	if len(authz) > 1 {
		problem, status = "Several Authorization headers", http.StatusBadRequest
	}
	if problem == "" && status == http.StatusUnauthorized {
		word, _, _ := strings.Cut(authz[0], " ")
		tr.Verdict = "hawk: unsupported scheme " + cut(word, 20) + ", not Hawk"
		s.hawkFail(w, r, tr, status, "")
		return
	}
	if problem != "" {
		s.hawkFail(w, r, tr, status, problem)
		return
	}
	a := hawkServerArtifacts{method: r.Method, resource: r.URL.RequestURI(), host: host, port: port,
		ts: attrs["ts"], nonce: attrs["nonce"], hash: attrs["hash"], ext: attrs["ext"], app: attrs["app"], dlg: attrs["dlg"]}
	if r.RequestURI != "" {
		a.resource = r.RequestURI // as received, byte for byte
	}
	for _, kv := range [][2]string{{"received id", attrs["id"]}, {"received ts", a.ts}, {"received nonce", a.nonce},
		{"method", a.method}, {"resource", a.resource}, {"host", a.host}, {"port", a.port},
		{"received payload hash", a.hash}, {"received ext", a.ext}, {"received app", a.app}, {"received dlg", a.dlg}} {
		if kv[1] != "" || kv[0] == "received payload hash" {
			add(tr, kv[0], kv[1])
		}
	}
	if attrs["id"] == "" || a.ts == "" || a.nonce == "" || attrs["mac"] == "" {
		s.hawkFail(w, r, tr, http.StatusBadRequest, "Missing attributes")
		return
	}
	cred, ok := hawkCredentials(attrs["id"])
	if !ok {
		s.hawkFail(w, r, tr, http.StatusUnauthorized, "Unknown credentials")
		return
	}
	add(tr, "algorithm", cred.alg)
	add(tr, "key length", length(cred.key))
	normalized := hawkServerNormalized("header", a)
	mac := hawkServerMAC(cred, normalized)
	add(tr, "normalized string", normalized)
	add(tr, "mac", mac)
	add(tr, "received mac", attrs["mac"])
	if !equal(attrs["mac"], mac) {
		s.hawkFail(w, r, tr, http.StatusUnauthorized, "Bad mac")
		return
	}
	if r.Method == http.MethodPost {
		ct := r.Header.Get("Content-Type")
		computed := hawkServerPayloadHash(cred.alg, ct, body)
		add(tr, "content type", hawkServerContentType(ct))
		add(tr, "payload hash", computed)
		if a.hash == "" {
			s.hawkFail(w, r, tr, http.StatusUnauthorized, "Missing required payload hash")
			return
		}
		if !equal(a.hash, computed) {
			s.hawkFail(w, r, tr, http.StatusUnauthorized, "Bad payload hash")
			return
		}
	}
	ts, err := strconv.ParseInt(a.ts, 10, 64)
	if err != nil {
		ts = 0 // not a number: no window holds it (hapi compares NaN: stale)
	}
	diff := ts - now.Unix()
	add(tr, "clock difference", fmt.Sprintf("%+d s", diff))
	// The nonce before the time, as @hapi/hawk does; it is remembered
	// until its ts leaves the window, after which the ts check refuses a
	// replay anyway.
	until := time.Unix(max(ts, now.Unix()), 0).Add((hawkSkew + 1) * time.Second)
	switch nonces.use(ClientOf(r).Key, attrs["id"]+"\x00"+a.nonce, ts, until, now) {
	case useReplay:
		tr.Verdict = "hawk: Invalid nonce (nonce already used with this key)"
		s.hawkFail(w, r, tr, http.StatusUnauthorized, "Invalid nonce")
		return
	case useStale:
		tr.Verdict = "hawk: Invalid nonce (this server forgot nonces that old for your address)"
		s.hawkFail(w, r, tr, http.StatusUnauthorized, "Invalid nonce")
		return
	}
	if diff > hawkSkew || diff < -hawkSkew || err != nil {
		sts := strconv.FormatInt(now.Unix(), 10)
		tr.Verdict = fmt.Sprintf("hawk: Stale timestamp (%+d s from the server's clock, window ±%d s)", diff, hawkSkew)
		s.hawkFail(w, r, tr, http.StatusUnauthorized, "Stale timestamp",
			[2]string{"ts", sts}, [2]string{"tsm", hawkServerTsMAC(cred, sts)})
		return
	}

	out := marshal(map[string]any{
		"id": attrs["id"], "message": "Hawk request verified", "method": a.method, "resource": a.resource,
		"ext": a.ext, "payload_hash": a.hash != "",
	})
	ct := "application/json; charset=utf-8"
	ra := a
	ra.ext = hawkResponseExt
	ra.hash = hawkServerPayloadHash(cred.alg, ct, out)
	w.Header().Set("Server-Authorization", `Hawk mac="`+hawkServerMAC(cred, hawkServerNormalized("response", ra))+`", hash="`+ra.hash+`", ext="`+ra.ext+`"`)
	tr.Verdict = "ok"
	s.finish(w, r, tr, http.StatusOK)
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(out)
}
