package authn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hawkVectors is testdata/hawk/vectors.json (see its README for sources).
type hawkVectors struct {
	Requests []struct {
		Name, Source, ID, Key, Algorithm, Method, URL, TS, Nonce, Ext string
		ContentType                                                   string `json:"content_type"`
		Body                                                          string
		PayloadMode                                                   string `json:"payload_mode"`
		PayloadHash                                                   string `json:"payload_hash"`
		Normalized, MAC, Header                                       string
	}
	Responses []struct {
		Name, Source, Key, Algorithm, Method, Host, Port, Resource, TS, Nonce string
		ContentType                                                           string `json:"content_type"`
		Body                                                                  *string
		ServerAuthorization                                                   string `json:"server_authorization"`
		Valid                                                                 bool
	}
}

func loadHawkVectors(t *testing.T) hawkVectors {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "hawk", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v hawkVectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Requests) < 5 || len(v.Responses) < 3 {
		t.Fatalf("vectors.json holds %d request and %d response vectors; want 5 and 3", len(v.Requests), len(v.Responses))
	}
	return v
}

// traceValue is the first value labelled label in tr.
func hawkTraceValue(tr *Trace, label string) (string, bool) {
	for _, s := range tr.Steps {
		for _, v := range s.Values {
			if v.Label == label {
				return v.Text, true
			}
		}
	}
	return "", false
}

// TestHawkVectors signs the published examples with the scheme itself
// (Authorize with ts and nonce pinned) and compares the Authorization
// header, the normalized string and the payload hash with theirs.
func TestHawkVectors(t *testing.T) {
	for _, v := range loadHawkVectors(t).Requests {
		t.Run(v.Name, func(t *testing.T) {
			u, err := url.Parse(v.URL)
			if err != nil {
				t.Fatal(err)
			}
			out := &Outgoing{Method: v.Method, URL: u, Header: http.Header{}, Body: []byte(v.Body)}
			if v.ContentType != "" {
				out.Header.Set("Content-Type", v.ContentType)
			}
			creds, err := hawk{}.Info().Validate(map[string]string{"id": v.ID, "key": v.Key, "algorithm": v.Algorithm,
				"ts": v.TS, "nonce": v.Nonce, "ext": v.Ext, "payload_hash": v.PayloadMode})
			if err != nil {
				t.Fatal(err)
			}
			var tr Trace
			if err := (hawk{}).Authorize(out, creds, Env{Now: time.Now}, &tr); err != nil {
				t.Fatal(err)
			}
			if got := out.Header.Get("Authorization"); got != v.Header {
				t.Errorf("Authorization = %q; want %q (%s)", got, v.Header, v.Source)
			}
			if v.Normalized != "" {
				if got, _ := hawkTraceValue(&tr, "normalized string"); got != v.Normalized {
					t.Errorf("normalized string = %q; want %q", got, v.Normalized)
				}
			}
			if v.PayloadHash != "" {
				if got, _ := hawkTraceValue(&tr, "payload hash"); got != v.PayloadHash {
					t.Errorf("payload hash = %q; want %q", got, v.PayloadHash)
				}
			}
			if got, _ := hawkTraceValue(&tr, "mac"); got != v.MAC {
				t.Errorf("mac = %q; want %q", got, v.MAC)
			}
			if len(out.Added) != 1 || strings.Contains(out.Added[0].Masked, v.MAC) {
				t.Errorf("credentials recorded %+v; want the Authorization header once, its mac masked", out.Added)
			}
		})
	}
}

// TestHawkResponseVectors checks the published Server-Authorization
// examples through Answer, with the request's artifacts as Authorize keeps
// them in the Session.
func TestHawkResponseVectors(t *testing.T) {
	for _, v := range loadHawkVectors(t).Responses {
		t.Run(v.Name, func(t *testing.T) {
			c := &Call{Creds: Credentials{"key": v.Key, "algorithm": v.Algorithm}, Env: Env{Session: &Session{}, Now: time.Now},
				Trace: &Trace{}, Role: RoleRequest, URL: &url.URL{Scheme: "http", Host: v.Host + ":" + v.Port}}
			c.Env.Session.Set(hawkSentKey, []hawkSent{{tr: c.Trace, a: hawkArtifacts{method: v.Method, resource: v.Resource,
				host: v.Host, port: v.Port, ts: v.TS, nonce: v.Nonce}}})
			resp := &Response{Status: 200, Header: http.Header{"Server-Authorization": {v.ServerAuthorization}}}
			if v.Body != nil {
				resp.Body = []byte(*v.Body)
				resp.Header.Set("Content-Type", v.ContentType)
			}
			retry, err := hawk{}.Answer(context.Background(), c, resp)
			if err != nil || retry {
				t.Fatalf("Answer = %v, %v; want false, nil", retry, err)
			}
			// Valid is about the MAC; with a published body the whole
			// check passes, without one only the MAC is compared.
			last := c.Trace.Steps[len(c.Trace.Steps)-1].Title
			got, _ := hawkTraceValue(c.Trace, "response mac computed")
			want, _ := hawkParams(v.ServerAuthorization)
			if macOK := got == want["mac"]; macOK != v.Valid || strings.Contains(last, "bad response MAC") == v.Valid {
				t.Errorf("response mac computed %q, received %q, step %q; want the MAC valid = %v (%s)", got, want["mac"], last, v.Valid, v.Source)
			}
			if v.Body != nil && v.Valid && last != "Server-Authorization: pass (MAC and payload hash verified)" {
				t.Errorf("step %q; want a pass with the payload hash verified", last)
			}
		})
	}
}

// TestHawkResponseBodyChanged: a valid Server-Authorization whose body was
// changed fails on the payload hash, and one whose body was cut by the cap
// is not called a pass of the hash.
func TestHawkResponseBodyChanged(t *testing.T) {
	v := loadHawkVectors(t).Responses[0]
	for _, tt := range []struct {
		body      string
		truncated bool
		want      string
	}{
		{"some reply", false, "Server-Authorization: pass (MAC and payload hash verified)"},
		{"some replY", false, "Server-Authorization: fail · bad response payload hash"},
		{"some", true, "Server-Authorization: MAC verified, payload hash not checked"},
	} {
		c := &Call{Creds: Credentials{"key": v.Key}, Env: Env{Session: &Session{}}, Trace: &Trace{}, Role: RoleRequest, URL: &url.URL{Scheme: "http", Host: "example.com:8080"}}
		c.Env.Session.Set(hawkSentKey, []hawkSent{{tr: c.Trace, a: hawkArtifacts{method: v.Method, resource: v.Resource, host: v.Host, port: v.Port, ts: v.TS, nonce: v.Nonce}}})
		resp := &Response{Status: 200, Body: []byte(tt.body), Truncated: tt.truncated,
			Header: http.Header{"Server-Authorization": {v.ServerAuthorization}, "Content-Type": {"text/plain"}}}
		if _, err := (hawk{}).Answer(context.Background(), c, resp); err != nil {
			t.Fatal(err)
		}
		if got := c.Trace.Steps[len(c.Trace.Steps)-1].Title; got != tt.want {
			t.Errorf("body %q truncated=%v: step %q; want %q", tt.body, tt.truncated, got, tt.want)
		}
	}
}

// TestHawkInputErrors: fields a Hawk header cannot carry are refused with
// the field named.
func TestHawkInputErrors(t *testing.T) {
	for _, tt := range []struct {
		fields map[string]string
		field  string
	}{
		{map[string]string{"ext": `say "hi"`}, "ext"},
		{map[string]string{"ext": "line\nbreak"}, "ext"},
		{map[string]string{"id": "ïd"}, "id"},
		{map[string]string{"dlg": "x"}, "dlg"},
		{map[string]string{"ts": "yesterday"}, "ts"},
	} {
		raw := map[string]string{"id": "id1", "key": "k"}
		for k, v := range tt.fields {
			raw[k] = v
		}
		creds, err := hawk{}.Info().Validate(raw)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse("http://example.com/")
		err = hawk{}.Authorize(&Outgoing{Method: "GET", URL: u, Header: http.Header{}}, creds, Env{Now: time.Now, Rand: bytes.NewReader(make([]byte, 64))}, &Trace{})
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != tt.field || ie.Fix == "" {
			t.Errorf("fields %q: error %v; want an InputError on %q with a fix", tt.fields, err, tt.field)
		}
	}
}

// TestHawkTarget: resource, host and port as client.js signs them.
func TestHawkTarget(t *testing.T) {
	for _, tt := range []struct {
		url, host                  string
		resource, wantHost, wantPt string
	}{
		{"http://example.com/a?b=1", "", "/a?b=1", "example.com", "80"},
		{"https://Example.COM/", "", "/", "example.com", "443"},
		{"http://example.com:8000/x?", "", "/x?", "example.com", "8000"},
		{"http://127.0.0.1:9/p%20q", "", "/p%20q", "127.0.0.1", "9"},
		{"http://[::1]:8080/", "", "/", "::1", "8080"},
		{"http://10.0.0.1:8080/", "api.example.com", "/", "api.example.com", "80"},
		{"http://10.0.0.1:8080/", "api.example.com:9443", "/", "api.example.com", "9443"},
	} {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		r, h, p := hawkTarget(u, tt.host)
		if r != tt.resource || h != tt.wantHost || p != tt.wantPt {
			t.Errorf("hawkTarget(%q, %q) = %q, %q, %q; want %q, %q, %q", tt.url, tt.host, r, h, p, tt.resource, tt.wantHost, tt.wantPt)
		}
	}
}

// hawkStaleServer answers every request without a valid ts (checked
// against a clock `ahead` ahead of time.Now) with a Stale timestamp 401
// whose tsm is signed with tsmKey, and a request within 60 s with 200.
func hawkStaleServer(t *testing.T, ahead time.Duration, tsmKey string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now().Add(ahead).Unix()
		a, _ := hawkParams(r.Header.Get("Authorization"))
		ts, _ := hawkSeconds(a["ts"])
		if d := ts - now; d > 60 || d < -60 {
			sts := strconv.FormatInt(now, 10)
			w.Header().Set("WWW-Authenticate", `Hawk ts="`+sts+`", tsm="`+hawkTsMAC("sha256", tsmKey, sts)+`", error="Stale timestamp"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestHawkClockCorrection runs the engine against a server whose clock is
// 300 s ahead: a tsm that verifies corrects the clock once (retry, offset
// kept in the Session, so the next call needs no retry), with a trace step
// and a hint naming the offset; a tsm that does not verify is not trusted
// (no retry, the trace and the hint say so); a pinned ts is not corrected.
func TestHawkClockCorrection(t *testing.T) {
	const key = "k3y"
	fields := map[string]string{"id": "id1", "key": key}
	t.Run("tsm verifies", func(t *testing.T) {
		srv := hawkStaleServer(t, 300*time.Second, key)
		e := New(Options{})
		res, err := e.Exchange(context.Background(), Request{URL: srv.URL + "/", Scheme: "hawk", Fields: fields})
		if err != nil {
			t.Fatal(err)
		}
		if got := digestRoles(res); strings.Join(got, ",") != RoleRequest+","+RoleRetry || res.Final().Response.Status != 200 {
			t.Fatalf("roles %q, final %d; want request,retry and 200", got, res.Final().Response.Status)
		}
		if off, ok := hawkTraceValue(&res.Trace, "clock offset"); !ok || (off != "+300 s" && off != "+301 s" && off != "+299 s") {
			t.Errorf("clock offset %q; want about +300 s", off)
		}
		if yc, _ := hawkTraceValue(&res.Trace, "your clock"); !strings.Contains(yc, "behind the server's") {
			t.Errorf("your clock %q; want … behind the server's", yc)
		}
		titles := strings.Join(digestHintTitles(res), " | ")
		if !strings.Contains(titles, hawkHintCorrected) || !strings.Contains(titles, "behind the server's") {
			t.Errorf("hints %q; want %q… behind the server's", titles, hawkHintCorrected)
		}
		res2, err := e.Exchange(context.Background(), Request{URL: srv.URL + "/again", Scheme: "hawk", Fields: fields})
		if err != nil {
			t.Fatal(err)
		}
		if got := digestRoles(res2); len(got) != 1 || res2.Final().Response.Status != 200 {
			t.Errorf("second call roles %q, status %d; want one exchange, 200 (offset kept)", got, res2.Final().Response.Status)
		}
		if _, ok := hawkTraceValue(&res2.Trace, "clock offset"); !ok {
			t.Errorf("second call's trace names no clock offset")
		}
	})
	t.Run("tsm does not verify", func(t *testing.T) {
		srv := hawkStaleServer(t, 300*time.Second, "another key")
		res, err := New(Options{}).Exchange(context.Background(), Request{URL: srv.URL + "/", Scheme: "hawk", Fields: fields})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Exchanges) != 1 || res.Final().Response.Status != 401 {
			t.Fatalf("%d exchanges, final %d; want one, 401 (no retry)", len(res.Exchanges), res.Final().Response.Status)
		}
		if v, _ := hawkTraceValue(&res.Trace, "tsm verified"); v != "no" {
			t.Errorf("tsm verified = %q; want no", v)
		}
		var h *Hint
		for i := range res.Hints {
			if res.Hints[i].Title == hawkHintStale {
				h = &res.Hints[i]
			}
		}
		if h == nil || !strings.Contains(h.Detail, "not trusted") {
			t.Errorf("hints %q; want %q saying a tsm that does not verify is not trusted", digestHintTitles(res), hawkHintStale)
		}
	})
	t.Run("pinned ts", func(t *testing.T) {
		srv := hawkStaleServer(t, 0, key)
		pinned := map[string]string{"id": "id1", "key": key, "ts": "1353832234"}
		res, err := New(Options{}).Exchange(context.Background(), Request{URL: srv.URL + "/", Scheme: "hawk", Fields: pinned})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Exchanges) != 1 {
			t.Errorf("%d exchanges; want one: a pinned ts is not corrected", len(res.Exchanges))
		}
	})
}

// FuzzHawkAnswer feeds Answer arbitrary WWW-Authenticate and
// Server-Authorization values: it never panics, asks for a retry only for a
// Stale timestamp whose tsm is the key's MAC of its ts, and calls a
// Server-Authorization a pass only when its MAC is the key's.
func FuzzHawkAnswer(f *testing.F) {
	const key = "werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn"
	f.Add(401, `Hawk ts="1362346425", tsm="`+hawkTsMAC("sha256", key, "1362346425")+`", error="Stale timestamp"`, "")
	f.Add(401, `Hawk ts="x", tsm="y"`, "")
	f.Add(401, `Hawk error="Bad mac"`, "")
	f.Add(200, "", `Hawk mac="XIJRsMl/4oL+nn+vKoeVZPdCHXB4yJkNnBbTbHFZUYE=", hash="f9cDF/TDm7TkYRLnGwRMfeDzT6LixQVLvrIKhh0vgmM=", ext="response-specific"`)
	f.Add(200, "", `Hawk mac=`)
	f.Fuzz(func(t *testing.T, status int, www, sa string) {
		a := hawkArtifacts{method: "POST", resource: "/resource/4?filter=a", host: "example.com", port: "8080", ts: "1362336900", nonce: "eb5S_L"}
		c := &Call{Creds: Credentials{"key": key}, Env: Env{Session: &Session{}, Now: func() time.Time { return time.Unix(1362336900, 0) }},
			Trace: &Trace{}, Role: RoleRequest, URL: &url.URL{Scheme: "http", Host: "example.com:8080"}}
		c.Env.Session.Set(hawkSentKey, []hawkSent{{tr: c.Trace, a: a}})
		resp := &Response{Status: status, Header: http.Header{}}
		if www != "" {
			resp.Header.Set("WWW-Authenticate", www)
		}
		if sa != "" {
			resp.Header.Set("Server-Authorization", sa)
		}
		retry, err := hawk{}.Answer(context.Background(), c, resp)
		if err != nil {
			t.Fatalf("Answer: %v", err)
		}
		if retry {
			p, ok := hawkParams(www)
			if status != 401 || !ok || p["tsm"] != hawkTsMAC("sha256", key, p["ts"]) {
				t.Fatalf("retry for status %d, WWW-Authenticate %q: the tsm does not verify", status, www)
			}
		}
		for _, s := range c.Trace.Steps {
			if strings.HasPrefix(s.Title, "Server-Authorization: pass") {
				p, _ := hawkParams(sa)
				b := a
				b.hash, b.ext = p["hash"], p["ext"]
				if p["mac"] != hawkMAC("sha256", key, hawkNormalized("response", b)) {
					t.Fatalf("pass for %q, whose MAC is not the key's", sa)
				}
			}
		}
	})
}
