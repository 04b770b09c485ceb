package practice

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// TraceHeader carries the server-side trace of one verification back to the
// client. Only the practice server sends it: it exists so authlab can show
// what the server computed beside what the client computed. Its value is
// the standard base64 encoding of a JSON ServerTrace.
const TraceHeader = "X-Authlab-Practice-Trace"

// ServerTrace is what the practice server computed while verifying one
// request. Secrets are never in it: a secret appears as its length only.
type ServerTrace struct {
	Endpoint string       `json:"endpoint"` // e.g. "/twitter/1.1/account/verify_credentials.json"
	Scheme   string       `json:"scheme"`   // authn scheme name: "basic", "bearer", "apikey", "oauth1"
	Verdict  string       `json:"verdict"`  // "ok", or what failed, e.g. "signature mismatch (code 32)"
	Values   []TraceValue `json:"values"`
}

// TraceValue is one value the server computed. Labels match the labels of
// the client's authn trace where both compute the same thing ("parameter
// string", "signature base string", "oauth_signature", …), so a diff can pair
// them.
type TraceValue struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// EncodeTrace renders t as a TraceHeader value.
func EncodeTrace(t ServerTrace) string {
	b, _ := json.Marshal(t)
	return base64.StdEncoding.EncodeToString(b)
}

// DecodeTrace parses a TraceHeader value.
func DecodeTrace(h string) (ServerTrace, error) {
	var t ServerTrace
	b, err := base64.StdEncoding.DecodeString(h)
	if err != nil {
		return t, fmt.Errorf("practice trace header: %w", err)
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return t, fmt.Errorf("practice trace header: %w", err)
	}
	return t, nil
}
