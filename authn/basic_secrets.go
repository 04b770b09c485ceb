package authn

import "encoding/base64"

// Derived returns Basic's credentials as they travel: base64 of
// user-id ":" password (RFC 7617 §2), which a server echoing the header
// would show, so Secrets masks it too.
func (basic) Derived(fields map[string]string) []string {
	if fields["password"] == "" {
		return nil
	}
	return []string{base64.StdEncoding.EncodeToString([]byte(fields["username"] + ":" + fields["password"]))}
}
