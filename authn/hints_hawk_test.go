package authn

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// hawkHintTests are @hapi/hawk's answers (WWW-Authenticate and Boom bodies
// as its server.js and hapi write them) and the hint each gets.
var hawkHintTests = []struct {
	name   string
	role   string
	sentTs string // ts of the Authorization header sent
	status int
	www    string
	body   string
	title  string // "" for no Hawk hint
	detail string // a part of its detail
}{
	{"bad mac", RoleRequest, "1700000000", 401, `Hawk error="Bad mac"`, `{"statusCode":401,"error":"Unauthorized","message":"Bad mac","attributes":{"error":"Bad mac"}}`, hawkHintBadMac, "computed another MAC"},
	{"unknown id", RoleRequest, "1700000000", 401, `Hawk error="Unknown credentials"`, "", hawkHintUnknownID, `“id1”`},
	{"nonce", RoleRequest, "1700000000", 401, `Hawk error="Invalid nonce"`, "", hawkHintNonce, "replay"},
	{"payload missing", RoleRequest, "1700000000", 401, `Hawk error="Missing required payload hash"`, "", hawkHintPayloadMissing, "requires the payload hash"},
	{"payload bad", RoleRequest, "1700000000", 401, `Hawk error="Bad payload hash"`, "", hawkHintPayloadBad, "changed after signing"},
	{"stale, not corrected", RoleRequest, "1700000000", 401, `Hawk ts="1700000300", tsm="x", error="Stale timestamp"`, "", hawkHintStale, "is 300 s behind it"},
	{"stale, not corrected, not trusted", RoleRequest, "1700000000", 401, `Hawk ts="1700000300", tsm="x", error="Stale timestamp"`, "", hawkHintStale, "not trusted"},
	{"stale after the correction", RoleRetry, "1700000300", 401, `Hawk ts="1700000600", tsm="x", error="Stale timestamp"`, "", hawkHintStaleAgain, "still refused"},
	{"stale without ts", RoleRequest, "1700000000", 401, `Hawk error="Stale timestamp"`, "", hawkHintStaleNoTs, "no time of its own"},
	{"header refused", RoleRequest, "1700000000", 400, "", `{"statusCode":400,"error":"Bad Request","message":"Unknown attribute: x"}`, hawkHintHeader + "Unknown attribute: x", "could not read"},
	{"corrected", RoleRetry, "1700000300", 200, "", "", hawkHintCorrected + "300 s behind the server's", "+300 s"},
	{"corrected, in step", RoleRetry, "1700000000", 200, "", "", hawkHintCorrectedInStep, "no longer holds"},
	{"plain 200", RoleRequest, "1700000000", 200, "", "", "", ""},
	{"unknown error", RoleRequest, "1700000000", 401, `Hawk error="Something else"`, "", "", ""},
	{"hostile ts", RoleRequest, "1700000000", 401, `Hawk ts="99999999999999999999999", tsm="x", error="Stale timestamp"`, "", hawkHintStaleNoTs, ""},
}

func TestHawkHints(t *testing.T) {
	now := time.Unix(1700000000, 0)
	for _, tt := range hawkHintTests {
		t.Run(tt.name, func(t *testing.T) {
			req := http.Header{"Authorization": {`Hawk id="id1", ts="` + tt.sentTs + `", nonce="n", mac="m"`}}
			resp := http.Header{}
			if tt.www != "" {
				resp.Set("WWW-Authenticate", tt.www)
			}
			if tt.body != "" {
				resp.Set("Content-Type", "application/json; charset=utf-8")
			}
			ex := hintGet("http://127.0.0.1:1/hawk", req, tt.status, resp, tt.body)
			ex.Role = tt.role
			hints := Explain(ex, hawk{}.Info(), now)
			var found *Hint
			for i, h := range hints {
				if strings.HasPrefix(h.Title, "Hawk ") {
					found = &hints[i]
					break
				}
			}
			switch {
			case tt.title == "" && found != nil:
				t.Errorf("hint %q; want no Hawk hint", found.Title)
			case tt.title != "" && (found == nil || found.Title != tt.title || !strings.Contains(found.Detail, tt.detail)):
				t.Errorf("hints %+v; want %q with %q in its detail", hints, tt.title, tt.detail)
			}
		})
	}
}
