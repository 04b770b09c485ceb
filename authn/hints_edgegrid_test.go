package authn

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// edgegridProblemBody is an Akamai gateway refusal with detail d, in the
// shape of the sample of Akamai's reference page “401” (Client Access
// Control API), whose detail is "Inactive client token".
func edgegridProblemBody(d string) string {
	return `{"clientIp":"12.3.45.678","detail":"` + d + `","instance":"https://akab-12abc3def45g6h7i-8901-2jk3l4567mn.luna.akamaiapis.net/client-access-control/v1/configurations",` +
		`"method":"GET","requestId":"1abcde2","requestTime":"2025-04-08T10:02:26Z","serverIp":"12.345.67.89","status":401,"title":"Not authorized",` +
		`"type":"https://problems.luna.akamaiapis.net/-/pep-authn/deny"}`
}

var edgegridHintTests = []struct {
	name, detail string
	auth         string        // the Authorization header sent ("" none)
	serverAhead  time.Duration // the response's Date minus hintNow
	title        string        // "" for no hint
	check        string        // substring of the checks
}{
	{"sample: inactive token", "Inactive client token", "EG1-HMAC-SHA256 client_token=akab-c;access_token=••••••••;timestamp=20250314T12:00:00+0000;nonce=n;signature=••••••••", 0,
		"Akamai EdgeGrid · the client token is inactive", "Control Center"},
	{"signature", "The signature does not match", "EG1-HMAC-SHA256 client_token=akab-c;access_token=••••••••;timestamp=20250314T12:00:00+0000;nonce=n;signature=••••••••", 0,
		"Akamai EdgeGrid · the signature does not match", "client secret is wrong"},
	{"client token", "Invalid authorization client token", "EG1-HMAC-SHA256 client_token=akab-typo;access_token=••••••••;timestamp=20250314T12:00:00+0000;nonce=n;signature=••••••••", 0,
		"Akamai EdgeGrid · the client token is not known", `The client token sent is "akab-typo"`},
	{"access token", "Invalid authorization access token", "EG1-HMAC-SHA256 client_token=akab-c;access_token=••••••••;timestamp=20250314T12:00:00+0000;nonce=n;signature=••••••••", 0,
		"Akamai EdgeGrid · the access token is not valid for this client token", "same ~/.edgerc section"},
	{"stale pinned timestamp", "Invalid timestamp", "EG1-HMAC-SHA256 client_token=akab-c;access_token=••••••••;timestamp=20250314T11:58:00+0000;nonce=n;signature=••••••••", 0,
		"Akamai EdgeGrid · the timestamp is too far from Akamai's clock", "The timestamp was 20250314T11:58:00+0000, 2m0s behind the server's clock"},
	{"pinned, then: your clock is right", "Invalid timestamp", "EG1-HMAC-SHA256 client_token=akab-c;access_token=••••••••;timestamp=20250314T11:58:00+0000;nonce=n;signature=••••••••", 0,
		"Akamai EdgeGrid · the timestamp is too far from Akamai's clock", "remove a pinned -c timestamp"},
	{"server clock ahead", "Invalid timestamp", "EG1-HMAC-SHA256 client_token=akab-c;access_token=••••••••;timestamp=20250314T12:00:00+0000;nonce=n;signature=••••••••", 90 * time.Second,
		"Akamai EdgeGrid · the timestamp is too far from Akamai's clock", "The server's clock is 1m30s ahead of yours"},
	{"nonce", "Invalid nonce", "EG1-HMAC-SHA256 client_token=akab-c;access_token=••••••••;timestamp=20250314T12:00:00+0000;nonce=n;signature=••••••••", 0,
		"Akamai EdgeGrid · the nonce was already used", "Leave -c nonce empty"},
	{"no header", "Invalid authorization header", "", 0,
		"Akamai EdgeGrid · no EdgeGrid Authorization header was sent", "Use -a edgegrid"},
	{"Bearer sent", "The signature does not match", "Bearer x", 0,
		"Akamai EdgeGrid · no EdgeGrid Authorization header was sent", `uses "Bearer"`},
	{"other denial", "Something new", "EG1-HMAC-SHA256 client_token=akab-c;access_token=••••••••;timestamp=20250314T12:00:00+0000;nonce=n;signature=••••••••", 0,
		"Akamai EdgeGrid · the API gateway refused the credentials", "client_token, client_secret, access_token"},
}

func TestEdgeGridHints(t *testing.T) {
	for _, tt := range edgegridHintTests {
		var req http.Header
		if tt.auth != "" {
			req = hintHeader("Authorization", tt.auth)
		}
		resp := hintHeader("Content-Type", "application/problem+json", "Date", hintNow.Add(tt.serverAhead).Format(http.TimeFormat))
		ex := hintGet("https://akab-x.luna.akamaiapis.net/ccu/v3", req, 401, resp, edgegridProblemBody(tt.detail))
		got := edgegridHints(newHintInput(ex, edgegrid{}.Info(), hintNow))
		if len(got) != 1 || got[0].Title != tt.title || !strings.Contains(strings.Join(got[0].Checks, "\n"), tt.check) {
			t.Errorf("%s: edgegridHints = %+v; want %q with a check …%s…", tt.name, got, tt.title, tt.check)
		}
	}
}

// TestEdgeGridHintsNeedAkamaiProblem: a 2xx, or a body that is not an
// Akamai problem, gets no EdgeGrid hint.
func TestEdgeGridHintsNeedAkamaiProblem(t *testing.T) {
	for _, tt := range []struct {
		status int
		body   string
	}{
		{200, edgegridProblemBody("The signature does not match")},
		{401, `{"type":"https://example.com/problem","detail":"The signature does not match"}`},
		{401, `{"error":"invalid_token"}`},
		{401, `<html>no</html>`},
	} {
		ex := hintGet("https://api.example.com/", nil, tt.status, hintHeader("Content-Type", "application/json"), tt.body)
		if got := edgegridHints(newHintInput(ex, Info{Name: "bearer"}, hintNow)); len(got) != 0 {
			t.Errorf("edgegridHints(%d %s) = %+v; want none", tt.status, tt.body, got)
		}
	}
}
