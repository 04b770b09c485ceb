package openapi

import (
	"strconv"
	"strings"
	"unicode"
)

// maxSlug caps one part of a profile or environment name.
const maxSlug = 60

// slug turns a tag, an operationId or a path into one readable part of a
// profile name: lower case, words split at camelCase and at every run of
// other characters, joined by "-" ("listPets" → "list-pets",
// "repos/get-content" → "repos-get-content", "getHTTPInfo" →
// "get-http-info"). It returns "" when nothing is left.
func slug(s string) string {
	var b strings.Builder
	rs := []rune(s)
	dash := false
	for i, r := range rs {
		isUpper := 'A' <= r && r <= 'Z'
		isLower := 'a' <= r && r <= 'z'
		isDigit := '0' <= r && r <= '9'
		if !isUpper && !isLower && !isDigit {
			dash = true
			continue
		}
		if isUpper && i > 0 {
			prev := rs[i-1]
			prevLower := 'a' <= prev && prev <= 'z' || '0' <= prev && prev <= '9'
			nextLower := i+1 < len(rs) && 'a' <= rs[i+1] && rs[i+1] <= 'z'
			// an acronym ends before its last capital when a word
			// follows (HTTPInfo → http-info), but a lone capital is a
			// word's start (OAuth2 → oauth2)
			acronym := i >= 2 && isUpperASCII(prev) && isUpperASCII(rs[i-2])
			// and a lone lower-case letter before one starts no word
			// (oAuth2 → oauth2, iPhone → iphone)
			lone := i == 1 && 'a' <= prev && prev <= 'z'
			if prevLower && !lone || acronym && nextLower {
				dash = true
			}
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteRune(unicode.ToLower(r))
	}
	out := b.String()
	if len(out) > maxSlug {
		out = strings.TrimRight(out[:maxSlug], "-")
	}
	return out
}

// varName turns a parameter or scheme name into a {{variable}} name: ASCII
// letters, digits and "_" only, every other run one "_", so that it reads
// the same in every tool the profile is exported to ("pet-id" → "pet_id").
func varName(s string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteRune(r)
			continue
		}
		under = true
	}
	out := b.String()
	if len(out) > maxSlug {
		out = out[:maxSlug]
	}
	if out == "" {
		return "var"
	}
	if out[0] >= '0' && out[0] <= '9' {
		out = "v" + out
	}
	return out
}

// uniqueName returns name, or name-2, name-3, … when taken, and marks it
// taken.
func uniqueName(taken map[string]bool, name string) string {
	out := name
	for i := 2; taken[out]; i++ {
		out = name + "-" + strconv.Itoa(i)
	}
	taken[out] = true
	return out
}

// opName names an operation's profile: the group (first tag, else first
// path segment) and the operationId, else the method and path; an
// operationId that repeats the group ("repos/get" in group repos) drops it.
func opName(tag, method, path, operationID string) (group, base string) {
	group = slug(tag)
	if group == "" {
		for _, seg := range strings.Split(path, "/") {
			if seg != "" && !strings.HasPrefix(seg, "{") {
				group = slug(seg)
				break
			}
		}
	}
	base = slug(operationID)
	if group != "" && strings.HasPrefix(base, group+"-") && len(base) > len(group)+1 {
		base = base[len(group)+1:]
	}
	if base == "" {
		base = slug(strings.ToLower(method) + " " + path)
	}
	if base == "" {
		base = strings.ToLower(method)
	}
	return group, base
}

// clean makes document text one line for a description: control characters
// (a hostile document's escape sequences) become spaces, runs of space one,
// at most n runes.
func clean(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

func isUpperASCII(r rune) bool { return 'A' <= r && r <= 'Z' }
