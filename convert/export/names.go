package export

import (
	"net"
	"strings"

	"github.com/authlab/authlab/authn"
)

// varPrefix is the first part of the environment variables a snippet reads:
// the API's name taken from the host (api.github.com → GITHUB), else the
// profile's own name (demo/github-basic → GITHUB_BASIC), else AUTHLAB. A
// loopback or IP host says nothing about the API, so the profile name wins
// there.
func varPrefix(profile, rawURL string) string {
	if u, err := authn.ParseURL(rawURL); err == nil {
		host := u.Hostname()
		if host != "" && net.ParseIP(host) == nil && host != "localhost" {
			labels := strings.Split(strings.TrimSuffix(host, "."), ".")
			name := labels[0]
			if len(labels) >= 2 {
				name = labels[len(labels)-2] // the registrable label: github in api.github.com
				if len(labels) >= 3 && len(name) <= 3 && len(labels[len(labels)-1]) == 2 {
					name = labels[len(labels)-3] // example.co.uk
				}
			}
			if name == "amazonaws" {
				name = "aws"
			}
			if w := envWord(name); w != "" {
				return w
			}
		}
	}
	if profile != "" {
		base := profile[strings.LastIndexByte(profile, '/')+1:]
		if w := envWord(base); w != "" {
			return w
		}
	}
	return "AUTHLAB"
}

// envWord turns a name into a word usable in an environment variable name:
// upper case, runs of other characters as one underscore, never starting
// with a digit. "header Authorization" → AUTHORIZATION, tls.key_password →
// KEY_PASSWORD.
func envWord(s string) string {
	s = strings.TrimPrefix(s, "header ")
	s = strings.TrimPrefix(s, "tls.")
	var b strings.Builder
	under := false
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
			fallthrough
		case 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
		default:
			under = true
		}
	}
	w := b.String()
	if w != "" && w[0] >= '0' && w[0] <= '9' {
		w = "V" + w
	}
	return w
}
