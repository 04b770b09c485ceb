package authn

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"
)

// basic implements the "Basic" HTTP authentication scheme of RFC 7617: the
// user-id and password joined by a colon, encoded as UTF-8 (RFC 7617 §2.1,
// charset="UTF-8"), then base64 (RFC 4648 §4), sent as
// "Authorization: Basic <base64>".
type basic struct{}

func init() { register(basic{}) }

func (basic) Info() Info {
	return Info{
		Name:    "basic",
		Title:   "HTTP Basic",
		Summary: "User name and password, base64-encoded in the Authorization header.",
		Spec:    "RFC 7617",
		Rank:    10,
		// RFC 7617 §2: the server's challenge and the client's credentials
		// both start with "Basic"; user and password carry no time.
		Challenges: []string{"Basic"},
		ClockFree:  true,
		Fields: []Field{
			{Name: "username", Label: "Username", Help: "the user-id; it must not contain a colon (RFC 7617 §2)", Required: true},
			{Name: "password", Label: "Password", Help: "the password (or a personal access token, for GitHub)", Secret: true},
		},
	}
}

func (basic) Authorize(out *Outgoing, c Credentials, _ Env, tr *Trace) error {
	user, pass := c.Get("username"), c.Get("password")
	if strings.Contains(user, ":") {
		return &InputError{Field: "username", Problem: "the Basic username contains a colon, which RFC 7617 §2 forbids",
			Fix: "the server would split it at the first colon; check the username"}
	}
	if !utf8.ValidString(user) || !utf8.ValidString(pass) {
		return &InputError{Field: "password", Problem: "the Basic username or password is not valid UTF-8",
			Fix: "RFC 7617 §2.1 encodes credentials as UTF-8; re-type them"}
	}
	userPass := user + ":" + pass
	maskedUP := user + ":" + Mask(pass)
	tr.Add("Join user-id and password with a colon", "RFC 7617 §2",
		"user-pass = user-id \":\" password",
		Secret("user-pass", userPass, maskedUP))

	raw := []byte(userPass)
	tr.Add("Encode user-pass as UTF-8 bytes", "RFC 7617 §2.1",
		"The charset is UTF-8, so non-ASCII characters become several bytes each.",
		Secret("bytes", hexBytes(raw), hexBytes([]byte(user+":"))+"••"),
		Plain("length", fmt.Sprintf("%d bytes", len(raw))))

	enc := base64.StdEncoding.EncodeToString(raw)
	tr.Add("Base64-encode the bytes", "RFC 7617 §2, RFC 4648 §4",
		"Base64 is an encoding, not encryption: anyone who sees this header can decode the password. Only TLS (https) protects it in transit.",
		Secret("credentials", enc, ""))

	header := "Basic " + enc
	masked := "Basic " + Mask("")
	out.SetHeader("Authorization", header, masked)
	tr.Add("Send it in the Authorization header", "RFC 7617 §2",
		"The server decodes it and compares; a wrong pair gets 401 and a new WWW-Authenticate challenge.",
		Secret("Authorization", header, masked))
	return nil
}

// hexBytes renders bytes as space-separated hex pairs, the way a teacher writes
// them on a board.
func hexBytes(b []byte) string {
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		fmt.Fprintf(&sb, "%02x", c)
	}
	return sb.String()
}

// ExplainOffer describes a Basic challenge (RFC 7617 §2), and its charset
// parameter (§2.1).
func (basic) ExplainOffer(c Challenge) (detail, ref string, ok bool) {
	detail, ref = "Basic: send the user-id and password joined by “:”, base64-encoded, in `Authorization: Basic …`. It is only as safe as the TLS around it.", "RFC 7617 §2"
	if cs, ok := c.Param("charset"); ok && strings.EqualFold(cs, "UTF-8") {
		detail += " charset=\"UTF-8\": the server decodes them as UTF-8 (normalized, RFC 7617 §2.1)."
		ref = "RFC 7617 §2, §2.1"
	}
	return detail, ref, true
}
