package postman

import "strings"

// maxSlug keeps a name part well below profiles' 200-byte limit.
const maxSlug = 80

// slug makes a profile-name part (or an environment name) from a Postman
// name: lower case ASCII letters, digits and "_", every other run of
// characters one "-" ("1. Generate tokens" → "1-generate-tokens"). It is
// accepted by profiles.ValidateName, and is fallback when nothing is left.
func slug(s, fallback string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= maxSlug {
			break
		}
	}
	out := strings.Trim(b.String(), "-._")
	out = strings.TrimSuffix(out, "-toml")
	if out == "" {
		return fallback
	}
	return out
}
