package practice

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authlab/authlab/authn"
)

// hawkCall sends one request with authn's hawk scheme through eng.
func hawkCall(t *testing.T, eng *authn.Engine, method, url, body string, fields map[string]string) (srvReply, *authn.Result) {
	t.Helper()
	f := map[string]string{"id": DemoHawkID, "key": DemoHawkKey}
	for k, v := range fields {
		f[k] = v
	}
	req := authn.Request{Method: method, URL: url, Scheme: "hawk", Fields: f}
	if body != "" {
		req.Body = []byte(body)
		req.Header = http.Header{"Content-Type": {"application/json"}}
	}
	res, err := eng.Exchange(context.Background(), req)
	if err != nil {
		t.Fatalf("Exchange %s %s: %v", method, url, err)
	}
	fin := res.Final()
	return decodeReply(t, fin.Response.Status, fin.Response.Header, fin.Response.Body), res
}

// hawkSteps lists a result's trace step titles.
func hawkSteps(res *authn.Result) string {
	var out []string
	for _, s := range res.Trace.Steps {
		out = append(out, s.Title)
	}
	return strings.Join(out, " | ")
}

func hawkHintTitles(res *authn.Result) string {
	var out []string
	for _, h := range res.Hints {
		out = append(out, h.Title)
	}
	return strings.Join(out, " | ")
}

// hawkEngine is an engine whose clock is the practice server's (srvNow
// plus skew).
func hawkEngine(skew time.Duration) *authn.Engine {
	return authn.New(authn.Options{Now: func() time.Time { return srvNow.Add(skew) }})
}

// TestHawkPractice runs authn's hawk scheme against /hawk: GET and POST
// (with the payload hash) are accepted with a Server-Authorization the
// client verifies, and the server's normalized string equals the client's;
// each failure mode gets hapi's answer (status, WWW-Authenticate error,
// Boom body), the verdict, the room's mistake category and the client's hint.
func TestHawkPractice(t *testing.T) {
	var mu sync.Mutex
	var events []Event
	ts := startServer(t, Options{Observe: func(e Event) { mu.Lock(); events = append(events, e); mu.Unlock() }})
	lastMistake := func() string {
		mu.Lock()
		defer mu.Unlock()
		return events[len(events)-1].Mistake
	}
	for _, tt := range []struct {
		name         string
		method, body string
		fields       map[string]string
		skew         time.Duration
		status       int
		wwwErr       string // WWW-Authenticate error
		mistake      string
		hint         string // a hint title containing this
		step         string // a client trace step containing this
	}{
		{name: "GET", method: "GET", status: 200, step: "Server-Authorization: pass (MAC and payload hash verified)"},
		{name: "POST with payload hash", method: "POST", body: `{"a":1}`, status: 200, step: "Server-Authorization: pass"},
		{name: "sha1 id", method: "GET", fields: map[string]string{"id": DemoHawkSHA1ID, "algorithm": "sha1"}, status: 200, step: "Server-Authorization: pass"},
		{name: "wrong key", method: "GET", fields: map[string]string{"key": "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxX"}, status: 401,
			wwwErr: "Bad mac", mistake: "Hawk MAC wrong (key or normalized string)", hint: authnHawkBadMac, step: "The server refused the request: Bad mac"},
		{name: "wrong algorithm", method: "GET", fields: map[string]string{"algorithm": "sha1"}, status: 401, wwwErr: "Bad mac", hint: authnHawkBadMac},
		{name: "unknown id", method: "GET", fields: map[string]string{"id": "nobody"}, status: 401, wwwErr: "Unknown credentials", mistake: "unknown Hawk id", hint: "Hawk id unknown"},
		{name: "POST without payload hash", method: "POST", body: `{"a":1}`, fields: map[string]string{"payload_hash": "never"}, status: 401,
			wwwErr: "Missing required payload hash", mistake: "Hawk payload hash missing", hint: "payload hash required"},
		{name: "clock 300 s behind, corrected", method: "GET", skew: -300 * time.Second, status: 200, hint: "your clock is 300 s behind the server's",
			step: "Stale timestamp: correct the clock"},
		{name: "pinned stale ts", method: "GET", fields: map[string]string{"ts": "1353832234"}, status: 401, wwwErr: "Stale timestamp",
			mistake: "clock", hint: "Stale timestamp · clock not corrected", step: "the ts is pinned"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, res := hawkCall(t, hawkEngine(tt.skew), tt.method, ts.URL+"/hawk", tt.body, tt.fields)
			if r.status != tt.status {
				t.Fatalf("status %d (%s; verdict %q); want %d", r.status, r.body, r.trace.Verdict, tt.status)
			}
			if tt.wwwErr != "" {
				if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Hawk ") || !strings.Contains(got, `error="`+tt.wwwErr+`"`) {
					t.Errorf("WWW-Authenticate %q; want Hawk … error=%q", got, tt.wwwErr)
				}
				var boom map[string]any
				if err := json.Unmarshal([]byte(r.body), &boom); err != nil || boom["message"] != tt.wwwErr || boom["error"] != "Unauthorized" || boom["statusCode"] != float64(401) {
					t.Errorf("body %s; want hapi's Boom with message %q", r.body, tt.wwwErr)
				}
				if attrs, _ := boom["attributes"].(map[string]any); attrs["error"] != tt.wwwErr {
					t.Errorf("body %s; want attributes.error %q", r.body, tt.wwwErr)
				}
			}
			if tt.mistake != "" && !strings.Contains(lastMistake(), tt.mistake) {
				t.Errorf("mistake %q; want it to contain %q", lastMistake(), tt.mistake)
			}
			if tt.hint != "" && !strings.Contains(hawkHintTitles(res), tt.hint) {
				t.Errorf("hints %q; want one containing %q", hawkHintTitles(res), tt.hint)
			}
			if tt.step != "" && !strings.Contains(hawkSteps(res), tt.step) {
				t.Errorf("steps %q; want one containing %q", hawkSteps(res), tt.step)
			}
			if tt.status == 200 {
				if r.header.Get("Server-Authorization") == "" {
					t.Errorf("no Server-Authorization on a 200")
				}
				cn, _ := digestClientValue(res.Trace, "normalized string")
				sn, _ := r.value("normalized string")
				if cn != sn || cn == "" {
					t.Errorf("normalized strings differ: client %q, server %q", cn, sn)
				}
				if d, ok := First(res.Trace, r.trace); ok {
					t.Errorf("a verified request has a difference: %+v", d)
				}
			}
		})
	}
}

// authnHawkBadMac is authn's title of the Bad mac hint.
const authnHawkBadMac = "Hawk MAC refused · Bad mac"

// TestHawkPracticeReplay: the same pinned nonce is accepted once and then
// refused as "Invalid nonce" (from another client address too).
func TestHawkPracticeReplay(t *testing.T) {
	ts := startServer(t, Options{})
	pin := map[string]string{"nonce": "replay1"}
	if r, _ := hawkCall(t, hawkEngine(0), "GET", ts.URL+"/hawk", "", pin); r.status != 200 {
		t.Fatalf("first use: %d %s", r.status, r.body)
	}
	r, res := hawkCall(t, hawkEngine(0), "GET", ts.URL+"/hawk", "", pin)
	if r.status != 401 || !strings.Contains(r.header.Get("WWW-Authenticate"), `error="Invalid nonce"`) {
		t.Fatalf("replay: %d %q; want 401 Invalid nonce", r.status, r.header.Get("WWW-Authenticate"))
	}
	if !strings.Contains(hawkHintTitles(res), "Invalid nonce") {
		t.Errorf("hints %q; want the nonce hint", hawkHintTitles(res))
	}
}

// TestHawkPracticeComparison: with a wrong key the comparison names the
// key by length when its length differs, and the MAC when only characters
// differ; with a Host the server sees differently, the host first.
func TestHawkPracticeComparison(t *testing.T) {
	ts := startServer(t, Options{})
	for _, tt := range []struct {
		name   string
		fields map[string]string
		header http.Header
		label  string
	}{
		{"key too short", map[string]string{"key": DemoHawkKey[:20]}, nil, "key"},
		{"key other characters", map[string]string{"key": strings.ToUpper(DemoHawkKey)}, nil, "mac"},
		{"ext differs from nothing", map[string]string{"ext": "x"}, nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, res := hawkCall(t, hawkEngine(0), "GET", ts.URL+"/hawk", "", tt.fields)
			d, ok := First(res.Trace, r.trace)
			if tt.label == "" {
				if ok || r.status != 200 {
					t.Errorf("status %d, difference %+v; want 200 and none (ext is signed and sent)", r.status, d)
				}
				return
			}
			if !ok || d.Label != tt.label || d.Explain == "" {
				t.Errorf("first difference %+v (ok %v); want %q", d, ok, tt.label)
			}
			if strings.Contains(d.Client+d.Server, DemoHawkKey[:20]) {
				t.Errorf("difference %+v shows the key", d)
			}
		})
	}
}

// TestHawkDiffNormalized: hawkDiff names the request value that differs
// (here the port, as behind a proxy) before the normalized string.
func TestHawkDiffNormalized(t *testing.T) {
	c := map[string]diffClientValue{
		"nonce":             {text: "n1"},
		"port":              {text: "8080"},
		"normalized string": {text: "hawk.1.header\n1\nn1\nGET\n/\nexample.com\n8080\n\n\n"},
		"mac":               {text: "A"},
		"key":               {text: DemoHawkKey, secret: true},
	}
	s := map[string]string{"received nonce": "n1", "port": "80", "normalized string": "hawk.1.header\n1\nn1\nGET\n/\nexample.com\n80\n\n\n",
		"mac": "B", "key length": length(DemoHawkKey)}
	d := hawkDiff(c, s)
	if len(d) != 3 || d[0].Label != "port" || d[1].Label != "normalized string" || d[1].At != 39 || d[2].Label != "mac" {
		t.Fatalf("hawkDiff = %+v; want port, normalized string at 39, mac", d)
	}
	s["received nonce"] = "n2"
	if d := hawkDiff(c, s); d != nil {
		t.Errorf("hawkDiff of another request = %+v; want nil", d)
	}
}

// TestHawkServerParse checks the header parser against utils.js
// parseAuthorizationHeader's answers.
func TestHawkServerParse(t *testing.T) {
	keys := []string{"id", "ts", "nonce", "hash", "ext", "mac", "app", "dlg"}
	for _, tt := range []struct {
		header, problem string
		status          int
	}{
		{`Hawk id="a", ts="1", nonce="n", mac="m"`, "", 0},
		{`Hawk id="a",ts="1" ,  nonce="n",mac="m"`, "", 0},
		{`Basic abc`, "", 401},
		{`Hawk`, "Invalid header syntax", 400},
		{`Hawk id="a", x="1"`, "Unknown attribute: x", 400},
		{`Hawk id="a", id="b"`, "Duplicate attribute: id", 400},
		{`Hawk id=""`, "Bad attribute value: id", 400},
		{`Hawk id="a\"b"`, "Bad header format", 400},
		{`Hawk id="a" junk`, "Bad header format", 400},
		{`Hawk id="ü"`, "Bad attribute value: id", 400},
		{"Hawk id=\"" + strings.Repeat("a", 4100) + "\"", "Header length too long", 400},
	} {
		_, problem, status := hawkServerParse(tt.header, keys)
		if problem != tt.problem || status != tt.status {
			t.Errorf("hawkServerParse(%.40q) = %q, %d; want %q, %d", tt.header, problem, status, tt.problem, tt.status)
		}
	}
}

// FuzzHawkServerParse: the parser never panics, and what it accepts holds
// only known names with values of the allowed characters.
func FuzzHawkServerParse(f *testing.F) {
	for _, s := range []string{`Hawk id="a", ts="1", nonce="n", mac="m"`, `Hawk id="a"junk`, `Hawk ,`, `hawk x="1",,y="2"`} {
		f.Add(s)
	}
	keys := []string{"id", "ts", "nonce", "hash", "ext", "mac", "app", "dlg"}
	f.Fuzz(func(t *testing.T, h string) {
		attrs, problem, _ := hawkServerParse(h, keys)
		if problem != "" {
			return
		}
		for k, v := range attrs {
			if !hawkServerValueOK(v) || !strings.Contains(strings.Join(keys, " "), k) {
				t.Fatalf("accepted %q=%q from %q", k, v, h)
			}
		}
	})
}

// TestHawkPracticeAhead: /hawk/ahead's clock is 300 s ahead; an engine on
// the server's own clock is refused as stale once, corrects its clock from
// the signed ts and is accepted, and the hint says by how much.
func TestHawkPracticeAhead(t *testing.T) {
	ts := startServer(t, Options{})
	r, res := hawkCall(t, hawkEngine(0), "GET", ts.URL+"/hawk/ahead", "", nil)
	if r.status != 200 || len(res.Exchanges) != 2 {
		t.Fatalf("status %d after %d exchanges (%s); want 200 after a corrected retry", r.status, len(res.Exchanges), r.body)
	}
	if !strings.Contains(hawkHintTitles(res), "your clock is 300 s behind the server's") {
		t.Errorf("hints %q; want \"your clock is 300 s behind the server's\"", hawkHintTitles(res))
	}
	if v, _ := res.Exchanges[0].Response.Header["Www-Authenticate"]; len(v) != 1 || !strings.Contains(v[0], `ts="1700000300"`) {
		t.Errorf("first answer's WWW-Authenticate %q; want the server's ts 1700000300", v)
	}
}

// TestHawkMACMistake: a MAC computed over a normalized string with the
// port or the query wrong, or without the ext, is named as that mistake in
// the room; any other Bad mac stays a wrong key or normalized string.
func TestHawkMACMistake(t *testing.T) {
	var mu sync.Mutex
	var last Event
	ts := startServer(t, Options{Observe: func(e Event) { mu.Lock(); last = e; mu.Unlock() }})
	cred, _ := hawkCredentials(DemoHawkID)
	host, port, _ := strings.Cut(strings.TrimPrefix(ts.URL, "http://"), ":")
	for _, tt := range []struct {
		name           string
		resource, port string
		ext, signedExt string
		key            string
		want           string
	}{
		{"port lost", "/hawk?a=1", "80", "", "", DemoHawkKey, "Hawk port signed as 80 (Host port lost)"},
		{"query not signed", "/hawk", port, "", "", DemoHawkKey, "Hawk query not signed"},
		{"ext not signed", "/hawk?a=1", port, "x", "", DemoHawkKey, "Hawk ext not signed"},
		{"wrong key", "/hawk?a=1", port, "", "", "other", "Hawk MAC wrong (key or normalized string)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ts0 := strconv.FormatInt(srvNow.Unix(), 10)
			nonce := "m" + strings.ReplaceAll(tt.name, " ", "")
			a := hawkServerArtifacts{method: "GET", resource: tt.resource, host: host, port: tt.port, ts: ts0, nonce: nonce, ext: tt.signedExt}
			mac := hawkServerMAC(hawkCredential{tt.key, cred.alg}, hawkServerNormalized("header", a))
			h := `Authorization: Hawk id="` + DemoHawkID + `", ts="` + ts0 + `", nonce="` + nonce + `", `
			if tt.ext != "" {
				h += `ext="` + tt.ext + `", `
			}
			r := send(t, "GET", ts.URL+"/hawk?a=1", "", h+`mac="`+mac+`"`)
			mu.Lock()
			got := last.Mistake
			mu.Unlock()
			if r.status != 401 || got != tt.want {
				t.Errorf("status %d, mistake %q; want 401, %q", r.status, got, tt.want)
			}
		})
	}
}
