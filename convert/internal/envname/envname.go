// Package envname names the environment variables that hold secrets for
// the converters: the importer suggests them for secrets typed into a curl
// command, the exporters write them into snippets. One rule for both, so a
// request imported from curl and exported again reads the same variables.
package envname

import (
	"net"
	"net/url"
	"strings"

	"github.com/authlab/authlab/authn"
)

// API names the API from a URL's host: api.github.com → GITHUB,
// api.stripe.com → STRIPE, example.co.uk → EXAMPLE, *.amazonaws.com → AWS.
// A loopback, IP or single-label host names no API: "".
func API(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if host == "" || net.ParseIP(host) != nil || host == "localhost" || !strings.Contains(host, ".") {
		return ""
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(labels) < 2 {
		return ""
	}
	name := labels[len(labels)-2] // the registrable label: github in api.github.com
	if len(labels) >= 3 && len(name) <= 3 && len(labels[len(labels)-1]) == 2 {
		name = labels[len(labels)-3] // example.co.uk
	}
	if name == "amazonaws" {
		name = "aws"
	}
	return Word(name)
}

// Word turns a name into a word of an environment variable name: upper
// case, each run of other characters one underscore, never starting with a
// digit (POSIX.1-2017 §8.1). "X-API-Key" → X_API_KEY, 3scale → V3SCALE.
func Word(s string) string {
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

// For names the variable for field of scheme: the API's prefix (API, or
// any other word) and a word for the field (GITHUB_TOKEN), or the word alone
// when prefix is "" (TOKEN). field may be a scheme field, "tls.NAME",
// "header NAME" or "query NAME"; an API key ("value", or "username" when
// the key is given as -u KEY:) is API_KEY. A scheme may name the variable
// of a field itself (authn.Info.EnvVars: sigv4's access_key is
// AWS_ACCESS_KEY_ID whatever the host, as the AWS CLI and SDKs read it).
func For(prefix, scheme, field string) string {
	if s, err := authn.Lookup(scheme); err == nil {
		if n, ok := s.Info().EnvVars[field]; ok {
			return n
		}
	}
	var word string
	switch {
	case field == "value" || field == "username":
		word = "API_KEY"
	case strings.HasPrefix(field, "tls."):
		word = Word(strings.TrimPrefix(field, "tls."))
	case strings.HasPrefix(field, "header "):
		word = Word(strings.TrimPrefix(field, "header "))
	case strings.HasPrefix(field, "query "):
		word = Word(strings.TrimPrefix(field, "query "))
	default:
		word = Word(field)
	}
	if word == "" {
		word = "SECRET"
	}
	if prefix == "" || strings.HasPrefix(word, prefix+"_") {
		return word
	}
	return prefix + "_" + word
}
