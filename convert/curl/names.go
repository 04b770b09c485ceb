package curl

import (
	"net"
	"net/url"
	"strings"
)

// apiPrefix names the API from the URL's host, for environment variable
// names: api.github.com → GITHUB, api.stripe.com → STRIPE, example.co.uk →
// EXAMPLE, *.amazonaws.com → AWS. A loopback, IP or single-label host names
// no API: "". (convert/export names its variables by the same rule, so an
// imported profile exports with the same names.)
func apiPrefix(rawURL string) string {
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
	return envWord(name)
}

// envWord turns a name into a word of an environment variable name: upper
// case, each run of other characters one underscore, never starting with a
// digit. "X-API-Key" → X_API_KEY.
func envWord(s string) string {
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

// awsNames are the variables the AWS CLI and SDKs read: an AWS key belongs
// there whatever the host.
var awsNames = map[string]string{
	"access_key":    "AWS_ACCESS_KEY_ID",
	"secret_key":    "AWS_SECRET_ACCESS_KEY",
	"session_token": "AWS_SESSION_TOKEN",
}

// suggestEnv names the variable for a literal in field: the API's prefix and
// a word for the field (GITHUB_TOKEN), or the word alone when the host names
// no API (TOKEN).
func suggestEnv(prefix, scheme, field string) string {
	if scheme == "sigv4" {
		if n, ok := awsNames[field]; ok {
			return n
		}
	}
	var word string
	switch {
	case field == "value" || field == "username":
		word = "API_KEY" // an API key header, or the key given as -u KEY:
	case strings.HasPrefix(field, "tls."):
		word = envWord(strings.TrimPrefix(field, "tls."))
	case strings.HasPrefix(field, "header "):
		word = envWord(strings.TrimPrefix(field, "header "))
	case strings.HasPrefix(field, "query "):
		word = envWord(strings.TrimPrefix(field, "query "))
	default:
		word = envWord(field)
	}
	if word == "" {
		word = "SECRET"
	}
	if prefix == "" || strings.HasPrefix(word, prefix+"_") {
		return word
	}
	return prefix + "_" + word
}
