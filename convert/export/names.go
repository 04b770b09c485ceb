package export

import (
	"strings"

	"github.com/authlab/authlab/convert/internal/envname"
	"github.com/authlab/authlab/profiles"
)

// varPrefix is the first part of the environment variables a snippet reads:
// the API's name taken from the host (api.github.com → GITHUB), else the
// profile's own name (demo/github-basic → GITHUB_BASIC), else AUTHLAB. A
// loopback or IP host says nothing about the API, so the profile name wins
// there. The importer names the variables it suggests by the same rule
// (convert/internal/envname).
func varPrefix(profile, rawURL string) string {
	if w := envname.API(rawURL); w != "" {
		return w
	}
	if profile != "" {
		if w := envname.Word(profile[strings.LastIndexByte(profile, '/')+1:]); w != "" {
			return w
		}
	}
	return "AUTHLAB"
}

// varName names the variable of one field: envname's rule (GITHUB_TOKEN,
// STRIPE_API_KEY, AWS_SECRET_ACCESS_KEY), except that a user name held in
// a reference is a user name here, not an API key given as -u KEY:.
func varName(prefix, scheme, field string) string {
	if field == "username" {
		return prefix + "_USERNAME"
	}
	return envname.For(prefix, scheme, field)
}

// SuggestVar names the environment variable that would hold field of p: the
// name an export of p reads it from (GITHUB_PASSWORD for the password of a
// request to api.github.com), so a front end can offer env:NAME for a
// secret typed as a literal.
func SuggestVar(p profiles.Profile, field string) string {
	return varName(varPrefix(p.Name, p.URL), p.Scheme, field)
}
