package practice

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/authlab/authlab/authn"
)

// Difference is one place where what the client computed and what the
// practice server computed disagree.
type Difference struct {
	Label   string // e.g. "signature base string", "consumer secret", "clock"
	Client  string // the client's value (never a secret: secrets are compared by length only)
	Server  string // the server's value
	At      int    // for long strings: byte offset of the first differing byte (-1 otherwise)
	Explain string // one sentence: what this means and what to check
}

// diffMaxSkew is how far, in seconds, a timestamp may be off the server's
// clock before the practice server (like Twitter) refuses it with code 135.
const diffMaxSkew = 300

// diffAbsent stands for a value one side does not have.
const diffAbsent = "(missing)"

// Compare pairs the client's trace with the server's and returns the
// differences in the order that explains the failure best: parameters
// missing, extra or different in the parameter string, then the base string
// URI, then the method and the signature base string, then the secrets (by
// length), then the clock, then the signature. Consequences of an earlier
// difference are not repeated: a signature base string that differs only
// because a parameter does is not reported again.
//
// Labels are paired after normalisation (lower case, a parenthesised suffix
// such as " (pinned)" removed). Secret client values are used only to
// compute lengths: no Difference ever contains a secret.
func Compare(client authn.Trace, server ServerTrace) []Difference {
	c, s := diffClientValues(client), diffServerValues(server)
	if f, ok := differs()[diffScheme(server.Scheme, c)]; ok {
		return f(client, c, s)
	}
	return nil
}

// differ compares the client's and the server's values of one scheme.
type differ func(client authn.Trace, c map[string]diffClientValue, s map[string]string) []Difference

// differs maps an authn scheme name (authn.Info.Name, which the practice
// handlers put in their traces) to its comparison; a scheme with a server
// trace adds one line here and a file with its differ. The comparisons stay
// here, apart from authn's code, so that they verify it independently;
// TestDiffersAreSchemes keeps every key a registered scheme.
func differs() map[string]differ {
	plain := func(f func(map[string]diffClientValue, map[string]string) []Difference) differ {
		return func(_ authn.Trace, c map[string]diffClientValue, s map[string]string) []Difference { return f(c, s) }
	}
	return map[string]differ{
		"oauth1":   diffOAuth1,
		"basic":    plain(diffBasic),
		"bearer":   plain(diffBearer),
		"sigv4":    plain(sigv4Diff),
		"digest":   plain(digestDiff),
		"jwt":      plain(jwtDiff),
		"hawk":     plain(hawkDiff),
		"edgegrid": edgegridDiff,
		"ntlm":     plain(ntlmDiff),
		"oidc":     plain(oidcDiff),
	}
}

// First returns the first difference, or ok=false when they agree.
func First(client authn.Trace, server ServerTrace) (Difference, bool) {
	d := Compare(client, server)
	if len(d) == 0 {
		return Difference{}, false
	}
	return d[0], true
}

// NormLabel pairs labels across the client and server traces: it lower-cases
// a label and removes a parenthesised suffix:
// "oauth_timestamp (pinned)" → "oauth_timestamp".
func NormLabel(l string) string {
	l = strings.ToLower(strings.TrimSpace(l))
	if strings.HasSuffix(l, ")") {
		if i := strings.LastIndex(l, "("); i > 0 {
			l = strings.TrimSpace(l[:i])
		}
	}
	return l
}

// diffClientValue is one client value, found by its normalised label.
type diffClientValue struct {
	raw    string // the label as written, e.g. "oauth_timestamp (pinned)"
	text   string
	secret bool
}

// diffClientValues indexes the client trace by normalised label; the first
// value with a label wins.
func diffClientValues(t authn.Trace) map[string]diffClientValue {
	m := map[string]diffClientValue{}
	for _, st := range t.Steps {
		for _, v := range st.Values {
			k := NormLabel(v.Label)
			if _, ok := m[k]; !ok {
				m[k] = diffClientValue{raw: v.Label, text: v.Text, secret: v.Secret}
			}
		}
	}
	return m
}

// diffServerValues indexes the server trace by normalised label.
func diffServerValues(t ServerTrace) map[string]string {
	m := map[string]string{}
	for _, v := range t.Values {
		k := NormLabel(v.Label)
		if _, ok := m[k]; !ok {
			m[k] = v.Value
		}
	}
	return m
}

// diffScheme is the server's scheme name or, when the server could not
// tell (no Authorization header it understood), the authn scheme that
// answers the auth-scheme the client's Authorization header starts with:
// each scheme states the tokens it answers (authn.Info.Challenges), so no
// Authorization word is mapped here.
func diffScheme(name string, c map[string]diffClientValue) string {
	if name != "" {
		return strings.ToLower(name)
	}
	auth, ok := c["authorization"]
	if !ok {
		return ""
	}
	word, _, _ := strings.Cut(strings.TrimSpace(auth.text), " ")
	for _, s := range authn.Schemes() {
		if s.Info().Answers(word) {
			return s.Info().Name
		}
	}
	return ""
}

// diffPlain returns a non-secret client value; a secret one is never returned.
func diffPlain(c map[string]diffClientValue, label string) (string, bool) {
	v, ok := c[NormLabel(label)]
	if !ok || v.secret {
		return "", false
	}
	return v.text, true
}

// diffAt returns the byte offset of the first byte where a and b differ,
// or -1 when they are equal.
func diffAt(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) == len(b) {
		return -1
	}
	return n
}

// diffCount renders a length.
func diffCount(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// diffLeadingInt parses the leading decimal digits of s ("20", "20 characters").
func diffLeadingInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(s[:i])
	return n, err == nil
}

// diffSameLength reports whether secret has the length the server reports,
// counted in bytes or in characters.
func diffSameLength(secret string, server int) bool {
	return len(secret) == server || utf8.RuneCountInString(secret) == server
}

// ---- OAuth 1.0a ------------------------------------------------------------

// diffParam is one name=value pair of a parameter string, decoded.
type diffParam struct{ name, value string }

// diffDecode undoes RFC 5849 §3.6 percent-encoding; text that is not valid
// percent-encoding is kept as it is.
func diffDecode(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// diffParseParams parses a parameter string (RFC 5849 §3.4.1.3.2).
func diffParseParams(s string) []diffParam {
	var ps []diffParam
	for part := range strings.SplitSeq(s, "&") {
		if part == "" {
			continue
		}
		n, v, _ := strings.Cut(part, "=")
		ps = append(ps, diffParam{diffDecode(n), diffDecode(v)})
	}
	return ps
}

// diffGroup maps each parameter name to its sorted values, and lists the names
// in order.
func diffGroup(ps []diffParam) (map[string][]string, []string) {
	m := map[string][]string{}
	var names []string
	for _, p := range ps {
		if _, ok := m[p.name]; !ok {
			names = append(names, p.name)
		}
		m[p.name] = append(m[p.name], p.value)
	}
	for _, v := range m {
		slices.Sort(v)
	}
	return m, names
}

// diffPairs renders the values of one parameter as name=value, decoded.
func diffPairs(name string, values []string) string {
	if len(values) == 0 {
		return diffAbsent
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = name + "=" + v
	}
	return strings.Join(out, "&")
}

// diffBodyUnsigned reports whether the client's trace says it had a body it did
// not sign (not application/x-www-form-urlencoded).
func diffBodyUnsigned(t authn.Trace) bool {
	for _, st := range t.Steps {
		if strings.Contains(st.Ref, "§3.4.1.3.1") && strings.Contains(st.Note, "body is NOT signed") {
			return true
		}
	}
	return false
}

// diffParams explains the first parameter present on one side only or
// with different values, or an encoding/order difference when the
// parameters agree but the strings do not.
func diffParams(t authn.Trace, cs, ss string) []Difference {
	cm, cn := diffGroup(diffParseParams(cs))
	sm, sn := diffGroup(diffParseParams(ss))
	names := append(slices.Clone(cn), sn...)
	slices.Sort(names)
	names = slices.Compact(names)
	for _, n := range names {
		cv, sv := cm[n], sm[n]
		if slices.Equal(cv, sv) {
			continue
		}
		d := Difference{Label: "parameter string", Client: diffPairs(n, cv), Server: diffPairs(n, sv), At: -1}
		switch {
		case len(cv) == 0:
			d.Explain = fmt.Sprintf("the parameter %s is in the server's parameter string but not yours", n)
			switch {
			case strings.HasPrefix(n, "oauth_"):
				d.Explain += ": the server received it, so sign every oauth_* parameter you send"
			case diffBodyUnsigned(t):
				d.Explain += ": your body was not signed because it is not a form; send the body as application/x-www-form-urlencoded (only form bodies are signed, RFC 5849 §3.4.1.3.1)"
			default:
				d.Explain += ": sign every query and form body parameter of the request as it is sent (a form body needs Content-Type application/x-www-form-urlencoded)"
			}
		case len(sv) == 0:
			d.Explain = fmt.Sprintf("the parameter %s is in your parameter string but not the server's: you signed it but the server did not receive it there (check the URL query, the body and its Content-Type as sent)", n)
		default:
			d.Explain = fmt.Sprintf("the parameter %s has a different value in your parameter string and the server's: check how it is encoded (a space is %%20, + is %%2B) and that it is not changed on the way", n)
		}
		return []Difference{d}
	}
	return []Difference{{Label: "parameter string", Client: cs, Server: ss, At: diffAt(cs, ss),
		Explain: "the parameters are the same but the parameter strings are not: percent-encode names and values per RFC 5849 §3.6 (upper-case hex, a space as %20), sort by name then value, and join as name=value with &"}}
}

// diffURI explains which part of the base string URI differs.
func diffURI(cu, su string) Difference {
	d := Difference{Label: "base string URI", Client: cu, Server: su, At: diffAt(cu, su)}
	a, err1 := url.Parse(cu)
	b, err2 := url.Parse(su)
	switch {
	case err1 != nil || err2 != nil:
		d.Explain = "the base string URIs differ: sign the URL exactly as it is sent (RFC 5849 §3.4.1.2)"
	case !strings.EqualFold(a.Scheme, b.Scheme):
		d.Explain = fmt.Sprintf("you signed a %s URL but the server sees %s: sign the URL with the scheme it is sent with (a proxy or TLS terminator in between?)", a.Scheme, b.Scheme)
	case !strings.EqualFold(a.Hostname(), b.Hostname()):
		d.Explain = fmt.Sprintf("you signed host %s but the server sees %s: sign the host the server receives (check the Host header and any proxy)", a.Hostname(), b.Hostname())
	case a.Port() != b.Port():
		d.Explain = fmt.Sprintf("the port differs (yours %q, the server's %q): drop the default port (80 for http, 443 for https) and keep any other one (RFC 5849 §3.4.1.2)", a.Port(), b.Port())
	case a.EscapedPath() != b.EscapedPath():
		d.Explain = fmt.Sprintf("you signed the path %s but the server sees %s: check a trailing slash, letter case and the percent-encoding of the path", a.EscapedPath(), b.EscapedPath())
	default:
		d.Explain = "the base string URIs differ: write the scheme and host in lower case and leave out the query and fragment (RFC 5849 §3.4.1.2)"
	}
	return d
}

// diffNoToken is how the client trace writes an absent oauth_token.
const diffNoToken = "(none: two-legged)"

func diffOAuth1(t authn.Trace, c map[string]diffClientValue, s map[string]string) []Difference {
	var out []Difference
	explained := false // an earlier difference already explains the base string

	// 1. The parameter string.
	cps, cok := diffPlain(c, "parameter string")
	sps, sok := s["parameter string"]
	if cok && sok && cps != sps {
		out = append(out, diffParams(t, cps, sps)...)
		explained = true
	}
	if !cok || !sok {
		// No parameter strings to compare: compare the protocol parameters
		// one by one.
		for _, l := range []string{"oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp", "oauth_nonce"} {
			cv, ok1 := diffPlain(c, l)
			sv, ok2 := s[l]
			if cv == diffNoToken {
				cv = ""
			}
			if ok1 && ok2 && cv != sv {
				out = append(out, Difference{Label: l, Client: cv, Server: sv, At: -1,
					Explain: fmt.Sprintf("you signed %s=%q but the server received %q: sign the values you send", l, cv, sv)})
				explained = true
			}
		}
	}

	// 2. The base string URI.
	cu, cok := diffPlain(c, "base string URI")
	su, sok := s[NormLabel("base string URI")]
	if cok && sok && cu != su {
		out = append(out, diffURI(cu, su))
		explained = true
	}

	// 3. The method, and the signature base string.
	cb, cok := diffPlain(c, "signature base string")
	sb, sok := s["signature base string"]
	if cok && sok && cb != sb {
		cm, _, _ := strings.Cut(cb, "&")
		sm, _, _ := strings.Cut(sb, "&")
		switch {
		case cm != sm:
			out = append(out, Difference{Label: "method", Client: cm, Server: sm, At: -1,
				Explain: fmt.Sprintf("you signed the method %s but the server received %s: sign the method you send, in upper case (RFC 5849 §3.4.1.1)", cm, sm)})
		case !explained:
			out = append(out, Difference{Label: "signature base string", Client: cb, Server: sb, At: diffAt(cb, sb),
				Explain: "the signature base strings differ although their parts agree: join METHOD, the encoded URI and the encoded parameter string with & and percent-encode the parameter string a second time (RFC 5849 §3.4.1.1)"})
		}
		explained = true
	}

	// 4. The secrets, by length only.
	secretsDiffer := false
	if key, ok := c["signing key"]; ok {
		encCS, encTS, _ := strings.Cut(key.text, "&")
		cs, ts := diffDecode(encCS), diffDecode(encTS)
		sc, okc := diffLeadingInt(s["consumer secret length"])
		st, okt := diffLeadingInt(s["token secret length"])
		csBad := okc && !diffSameLength(cs, sc)
		tsBad := okt && !diffSameLength(ts, st)
		swapped := csBad && tsBad && diffSameLength(cs, st) && diffSameLength(ts, sc)
		if csBad {
			d := Difference{Label: "consumer secret", Client: diffCount(utf8.RuneCountInString(cs), "character"), Server: diffCount(sc, "character"), At: -1,
				Explain: fmt.Sprintf("your consumer secret is %s, the server's is %d: copy the consumer (API key) secret again, whole and without spaces", diffCount(utf8.RuneCountInString(cs), "character"), sc)}
			if swapped {
				d.Explain = fmt.Sprintf("your consumer secret is %s, the server's is %d, and your token secret has the consumer secret's length: the two secrets look swapped", diffCount(utf8.RuneCountInString(cs), "character"), sc)
			}
			out = append(out, d)
		}
		if tsBad {
			n := utf8.RuneCountInString(ts)
			d := Difference{Label: "token secret", Client: diffCount(n, "character"), Server: diffCount(st, "character"), At: -1,
				Explain: fmt.Sprintf("your token secret is %s, the server's is %d: copy the access token secret again, whole and without spaces", diffCount(n, "character"), st)}
			switch {
			case swapped:
				d.Explain = fmt.Sprintf("your token secret is %s, the server's is %d, and your consumer secret has the token secret's length: the two secrets look swapped", diffCount(n, "character"), st)
			case n == 0:
				d.Explain = fmt.Sprintf("you have no token secret but the server's is %s: add the access token secret (the signing key is consumer secret & token secret)", diffCount(st, "character"))
			case st == 0:
				d.Explain = fmt.Sprintf("your token secret is %s but the server expects none: leave the token secret empty for a two-legged request", diffCount(n, "character"))
			}
			out = append(out, d)
		}
		secretsDiffer = csBad || tsBad
	}

	// 5. The clock.
	clockOff := false
	if ts, ok := c["oauth_timestamp"]; ok && !ts.secret {
		ct, err1 := strconv.ParseInt(strings.TrimSpace(ts.text), 10, 64)
		st, err2 := strconv.ParseInt(strings.TrimSpace(s["server time"]), 10, 64)
		if err1 == nil && err2 == nil && (ct-st > diffMaxSkew || st-ct > diffMaxSkew) {
			clockOff = true
			off, dir := st-ct, "behind"
			if off < 0 {
				off, dir = -off, "ahead of"
			}
			who, fix := "your clock is", "set your computer's clock (NTP) and retry"
			if strings.Contains(strings.ToLower(ts.raw), "pinned") {
				who, fix = "your pinned timestamp is", "leave the timestamp empty so the clock supplies it"
			}
			out = append(out, Difference{Label: "clock", Client: ts.text, Server: s["server time"], At: -1,
				Explain: fmt.Sprintf("%s %d s %s the server's clock: timestamps more than %d s off are refused (code 135); %s", who, off, dir, diffMaxSkew, fix)})
		}
	}

	// 6. The signature.
	csig, cok := diffPlain(c, "oauth_signature")
	if recv, ok := s["received oauth_signature"]; ok && cok && recv != csig {
		out = append(out, Difference{Label: "received signature", Client: csig, Server: recv, At: -1,
			Explain: "the server received a different signature from the one you computed: it was changed on the way; percent-encode it where it is sent (a + read as a space?)"})
		return out
	}
	ssig, sok := s["oauth_signature"]
	if cok && sok && csig != ssig {
		d := Difference{Label: "signature", Client: csig, Server: ssig, At: -1}
		switch {
		case explained || secretsDiffer:
			d.Explain = "the signatures differ because of the differences above: fix those first"
		default:
			d.Explain = "everything else matches but the signature: a secret has the right length but different characters (or the secrets are swapped, or a different signature method): copy the consumer secret and token secret again"
			if clockOff {
				d.Explain = "everything else but the clock matches and the signature still differs: a secret has the right length but different characters; copy the consumer secret and token secret again"
			}
		}
		out = append(out, d)
	}
	return out
}

// ---- Basic and Bearer -----------------------------------------------------

func diffBasic(c map[string]diffClientValue, s map[string]string) []Difference {
	up, ok := c["user-pass"]
	if !ok {
		return nil
	}
	user, pass, _ := strings.Cut(up.text, ":")
	var out []Difference
	if su, ok := s["username"]; ok && su != user {
		out = append(out, Difference{Label: "username", Client: user, Server: su, At: -1,
			Explain: fmt.Sprintf("you sent the username %q but the server expects %q: check its spelling and letter case", user, su)})
	}
	if n, ok := diffLeadingInt(s["password length"]); ok && !diffSameLength(pass, n) {
		mine := diffCount(utf8.RuneCountInString(pass), "character")
		out = append(out, Difference{Label: "password", Client: mine, Server: diffCount(n, "character"), At: -1,
			Explain: fmt.Sprintf("your password is %s, the server's is %d: type it again (a character lost or added, a trailing space?)", mine, n)})
	}
	return out
}

func diffBearer(c map[string]diffClientValue, s map[string]string) []Difference {
	h, ok := c["authorization"]
	n, ok2 := diffLeadingInt(s["token length"])
	if !ok || !ok2 {
		return nil
	}
	scheme, tok, _ := strings.Cut(h.text, " ")
	if !strings.EqualFold(scheme, "bearer") || diffSameLength(tok, n) {
		return nil
	}
	mine := diffCount(utf8.RuneCountInString(tok), "character")
	return []Difference{{Label: "token", Client: mine, Server: diffCount(n, "character"), At: -1,
		Explain: fmt.Sprintf("your token is %s, the server's is %d: copy the whole token again, without quotes or spaces", mine, n)}}
}
